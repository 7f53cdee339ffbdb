/**
 * `npm run bench`: Cinnabar against Debian's redis-server 7.0, side by side on this machine.
 *
 * Both servers run as separate processes on loopback ports (`--save "" --appendonly no`); the
 * bench measures, in order:
 *   1. throughput per command with redis-benchmark (-c 50 -r 100000 -d 32), non-pipelined and
 *      with -P 16, in adjacent alternating runs (redis, cinnabar, redis, cinnabar, ...), plus
 *      server CPU time per request from /proc/<pid>/stat (utime + stime);
 *   2. sorted-set scaling: ZRANK, ZRANGE-by-rank and ZADD on a 1M-member set vs a 1k one;
 *   3. memory per item (fresh processes, VmRSS before/after a bulk load): 1M string keys,
 *      one 100k-member sorted set, one 100k-field hash;
 *   4. BullMQ: 20,000 jobs added with Queue.addBulk, then processed by a Worker with
 *      concurrency 50 and a no-op processor, jobs/s for each (bullmq.ts);
 *   5. EVALSHA of cached scripts: 1000 redis.call('INCR') per script, and 1 (scripting.ts);
 * and ends with PASS/FAIL against the project's targets. The machine is shared and noisy, so
 * only ratios between adjacent runs mean anything; absolute numbers drift from run to run.
 * Tests whose command Cinnabar does not implement yet are skipped with a note.
 * Tables go to stdout, progress to stderr. It takes about 6-10 minutes.
 *
 * Usage (from the repository root):
 *   npm run bench                                   everything
 *   npm run bench -- --tests SET,GET --pairs 5      some tests, more pairs
 *   npm run bench -- --sections throughput          throughput | zset | memory | bullmq | scripting (comma list)
 *   npm run bench -- --seconds 1                    target length of one run (default 1.5)
 *   npm run bench -- --memory-trials 5              fresh process pairs per memory case (default 3)
 *
 * Profiling (Cinnabar only; redis is not started):
 *   npm run bench -- --profile SET [--pipeline 16] [--requests 500000] [--profile-dir DIR]
 * runs Cinnabar under `node --cpu-prof --cpu-prof-dir=DIR`, warms it up, runs the test three
 * times with redis-benchmark, stops the server with SIGTERM (which writes the profile) and
 * prints the .cpuprofile path; open it in Chrome DevTools (Performance tab) or VS Code.
 *
 * Built with a private outDir (tsc --outDir /tmp/x/dist), `node /tmp/x/dist/bench/bench.js`
 * runs the server compiled in that same directory instead of dist/.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runBullmq, type BullmqResult } from './bullmq.js';
import { runMemory, MEMORY_CASES, type MemoryRow } from './memory.js';
import { measure } from './paired.js';
import { bullmqTable, memoryTable, scriptingTable, summary, throughputTable, zsetTable } from './report.js';
import { runScripting, type ScriptRow } from './scripting.js';
import { CLK_TCK, ServerProcess, callOnce, cinnabarLaunch, killAllChildrenSync, redisVersion, stopAllServers } from './servers.js';
import { CLIENTS, DATA_SIZE, KEYSPACE, PIPELINE, TESTS, redisBenchmark, runThroughput, unsupported, type ThroughputRow } from './throughput.js';
import { ZSET_PIPELINE, runZsetScale } from './zset-scale.js';

interface Options {
  tests: string[] | null;
  sections: Set<string>;
  pairs: number;
  memoryTrials: number;
  seconds: number;
  profile: string | null;
  pipeline: number;
  requests: number | null;
  profileDir: string;
}

const SECTIONS: readonly string[] = ['throughput', 'zset', 'memory', 'bullmq', 'scripting'];

function parseArgs(argv: readonly string[]): Options {
  const o: Options = {
    tests: null,
    sections: new Set(SECTIONS),
    pairs: 3,
    memoryTrials: 3,
    seconds: 1.5,
    profile: null,
    pipeline: 1,
    requests: null,
    profileDir: path.join(os.tmpdir(), `cinnabar-profile-${Date.now()}`),
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const num = (min: number) => {
      const n = Number(value());
      if (!Number.isFinite(n) || n < min) throw new Error(`${flag}: expected a number >= ${min}`);
      return n;
    };
    if (flag === '--tests') o.tests = value().toUpperCase().split(',');
    else if (flag === '--sections') o.sections = new Set(value().toLowerCase().split(','));
    else if (flag === '--pairs') o.pairs = Math.floor(num(1));
    else if (flag === '--seconds') o.seconds = num(0.1);
    else if (flag === '--memory-trials') o.memoryTrials = Math.floor(num(1));
    else if (flag === '--profile') o.profile = value().toUpperCase();
    else if (flag === '--pipeline') o.pipeline = Math.floor(num(1));
    else if (flag === '--requests') o.requests = Math.floor(num(1));
    else if (flag === '--profile-dir') o.profileDir = path.resolve(value());
    else throw new Error(`unknown option ${flag} (see the comment at the top of bench/bench.ts)`);
  }
  for (const s of o.sections) if (!SECTIONS.includes(s)) throw new Error(`unknown section ${s}`);
  if (o.tests) for (const t of o.tests) if (!TESTS.some((x) => x.name === t)) throw new Error(`unknown test ${t}; tests: ${TESTS.map((x) => x.name).join(' ')}`);
  return o;
}

const log = (msg: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const print = (text = '') => process.stdout.write(`${text}\n`);

/** Debian's redis-server and redis-tools (redis-benchmark, redis-cli), installed if missing. */
function ensureRedis(): void {
  cinnabarLaunch(); // throws unless run from the repository root, where the script lives
  const r = spawnSync('bash', ['scripts/install-test-deps.sh'], { stdio: ['ignore', 2, 2] });
  if (r.status !== 0) throw new Error('scripts/install-test-deps.sh failed');
  for (const tool of ['redis-server', 'redis-benchmark']) {
    if (spawnSync(tool, ['--version']).status !== 0) throw new Error(`${tool} is not available`);
  }
}

async function startPair(): Promise<[ServerProcess, ServerProcess]> {
  const redis = await ServerProcess.start('redis');
  const cinnabar = await ServerProcess.start('cinnabar');
  log(`redis-server pid ${redis.pid} port ${redis.port}; cinnabar pid ${cinnabar.pid} port ${cinnabar.port}`);
  return [redis, cinnabar];
}

async function runProfile(o: Options): Promise<void> {
  const test = TESTS.find((t) => t.name === o.profile);
  if (!test) throw new Error(`unknown test ${o.profile}; tests: ${TESTS.map((x) => x.name).join(' ')}`);
  mkdirSync(o.profileDir, { recursive: true });
  const cinnabar = await ServerProcess.start('cinnabar', { nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${o.profileDir}`] });
  const why = await unsupported(cinnabar, test.probes);
  if (why !== null) throw new Error(`cannot profile ${test.name}: ${why}`);
  await callOnce(cinnabar.port, ['FLUSHALL']);
  if (test.setup) await test.setup(cinnabar);
  const extra = ['-c', String(CLIENTS), '-r', String(KEYSPACE), '-d', String(DATA_SIZE), ...(o.pipeline > 1 ? ['-P', String(o.pipeline)] : [])];
  const work = (srv: ServerProcess, n: number) => redisBenchmark(srv.port, n, extra, test.select, test.row, 600_000);
  const warm = await measure(cinnabar, o.pipeline > 1 ? 200_000 : 20_000, work, test.prepare);
  const n = o.requests ?? Math.max(10_000, Math.round(warm.rps * 3));
  log(`profiling ${test.name}${o.pipeline > 1 ? ` -P ${o.pipeline}` : ''}: warm-up ${Math.round(warm.rps)} rps, 3 runs of -n ${n}`);
  for (let i = 0; i < 3; i++) {
    const r = await measure(cinnabar, n, work, test.prepare);
    print(`${test.name} run ${i + 1}: ${Math.round(r.rps).toLocaleString('en-US')} rps, ${((r.cpuTicks * 1e6) / CLK_TCK / n).toFixed(2)} us CPU/request`);
  }
  await stopAllServers();
  const files = readdirSync(o.profileDir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) throw new Error(`no .cpuprofile written in ${o.profileDir}`);
  for (const f of files) print(`profile: ${path.join(o.profileDir, f)}`);
}

async function runAll(o: Options): Promise<void> {
  const t0 = Date.now();
  print('Cinnabar vs Redis benchmark');
  print(`  date ${new Date().toISOString()}; ${os.cpus().length} CPUs; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}; CLK_TCK ${CLK_TCK}`);
  print(`  redis-server ${redisVersion()}; cinnabar: ${cinnabarLaunch().description}; node ${process.version}`);
  print(`  ${o.pairs} adjacent redis/cinnabar pairs per measurement, ~${o.seconds} s per run; ratios are cinnabar/redis, medians of the per-pair ratios`);
  let tp: ThroughputRow[] | null = null;
  let mem: MemoryRow[] | null = null;
  let bull: BullmqResult | null = null;
  let scripts: ScriptRow[] | null = null;

  if (o.sections.has('throughput')) {
    const tests = o.tests ? TESTS.filter((t) => o.tests?.includes(t.name)) : TESTS;
    const [redis, cinnabar] = await startPair();
    tp = await runThroughput(redis, cinnabar, tests, { pairs: o.pairs, targetSeconds: o.seconds, log });
    await stopAllServers();
    print();
    print(`Throughput, non-pipelined (redis-benchmark -c ${CLIENTS} -r ${KEYSPACE} -d ${DATA_SIZE}); CPU = server utime+stime per request`);
    print(throughputTable(tp, false));
    print();
    print(`Throughput, pipelined (same, -P ${PIPELINE})`);
    print(throughputTable(tp, true));
  }

  if (o.sections.has('zset')) {
    const [redis, cinnabar] = await startPair();
    const z = await runZsetScale(redis, cinnabar, { pairs: o.pairs, targetSeconds: o.seconds, log });
    await stopAllServers();
    print();
    print(`Sorted-set scaling, requests/s on a 1k- vs a 1M-member set (-c ${CLIENTS} -P ${ZSET_PIPELINE}; ZRANK/ZADD: redis-benchmark -r <size>, ZRANGE: bench driver)`);
    print(zsetTable(z));
  }

  if (o.sections.has('memory')) {
    mem = await runMemory(MEMORY_CASES, o.memoryTrials, log);
    print();
    print(`Memory per item (fresh processes; (VmRSS after load - VmRSS before) / items, RSS read once it settles; trial with the median ratio of ${o.memoryTrials})`);
    print(memoryTable(mem));
  }

  if (o.sections.has('bullmq')) {
    const [redis, cinnabar] = await startPair();
    bull = await runBullmq(redis, cinnabar, { pairs: o.pairs, log });
    await stopAllServers();
    print();
    print('BullMQ, jobs/s (one Queue / one Worker in the bench process; median of per-pair ratios; CPU = server utime+stime per job)');
    print(bullmqTable(bull));
  }

  if (o.sections.has('scripting')) {
    const [redis, cinnabar] = await startPair();
    scripts = await runScripting(redis, cinnabar, { pairs: o.pairs, targetSeconds: o.seconds, log });
    await stopAllServers();
    print();
    print('EVALSHA of a cached script (redis-benchmark -c 50, not pipelined); redis.call/s = EVALSHA/s x calls per script');
    print(scriptingTable(scripts));
  }

  print();
  print('Targets');
  print(summary(tp, mem, bull, scripts));
  print();
  print(`bench finished in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

async function main(): Promise<number> {
  const o = parseArgs(process.argv.slice(2));
  ensureRedis();
  if (o.profile !== null) await runProfile(o);
  else await runAll(o);
  return 0;
}

process.on('exit', killAllChildrenSync);
let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (interrupted) return;
    interrupted = true;
    log(`${sig}: stopping the servers`);
    void stopAllServers().finally(() => process.exit(130));
  });
}

main().then(
  async (code) => {
    await stopAllServers();
    process.exitCode = code;
  },
  async (err: unknown) => {
    // After SIGINT the children die with us; their errors are not worth reporting.
    if (!interrupted) log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    await stopAllServers();
    process.exitCode = 1;
  },
);
