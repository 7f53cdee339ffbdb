/**
 * Per-command throughput with Redis's own load generator, redis-benchmark, against both
 * servers: non-pipelined and with -P 16, in adjacent alternating runs (see paired.ts).
 *
 * Deviations from a bare `redis-benchmark -t <test>`, each so that the run measures the command
 * named and nothing else:
 *  - RPOP and ZPOPMIN: before each run the list / sorted set is refilled with n elements, so
 *    every pop removes something (on an empty key they would only measure a lookup miss).
 *  - LRANGE_100: `-t lrange_100` first runs n LPUSHes in the same process, which would be
 *    counted in the server CPU; instead the list is filled once (600 elements of 32 bytes) and
 *    redis-benchmark runs `LRANGE mylist 0 99` as a custom command.
 *  - GET: the keyspace is first filled with the keys redis-benchmark asks for
 *    (key:000000000000 ... key:000000099999, 32-byte values), so GETs hit as they do after
 *    its SET test (`-t get` alone would read an empty database).
 */
import { spawn } from 'node:child_process';
import { encodeCommand, loadPipelined } from './resp-stream.js';
import { pairedRuns, summarize, type PairedSummary, type Prepare } from './paired.js';
import { callOnce, track, type ServerProcess } from './servers.js';
import { ReplyError } from '../tests/helpers/resp-client.js';

export const CLIENTS = 50;
export const KEYSPACE = 100_000;
export const DATA_SIZE = 32;
export const PIPELINE = 16;

export interface BenchTest {
  name: string;
  /** redis-benchmark arguments that select the workload (a -t test or a custom command). */
  select: readonly string[];
  /** The CSV row holding the result. */
  row: (title: string) => boolean;
  /** Commands the test needs, sent once to Cinnabar to detect support. */
  probes: readonly (readonly string[])[];
  /** Before each run. */
  prepare?: Prepare;
  /** Once per test and server, before the warm-up. */
  setup?: (srv: ServerProcess) => Promise<void>;
}

const VALUE = 'x'.repeat(DATA_SIZE);

async function refill(srv: ServerProcess, key: string, n: number, perCommand: number, cmd: (from: number, to: number) => string[]): Promise<void> {
  await callOnce(srv.port, ['DEL', key]);
  const commands = Math.ceil(n / perCommand);
  await loadPipelined(srv.port, commands, (i) => encodeCommand(cmd(i * perCommand, Math.min(n, (i + 1) * perCommand))), { window: 200, chunk: 50 });
}

function lpushArgs(from: number, to: number): string[] {
  const a = ['LPUSH', 'mylist'];
  for (let i = from; i < to; i++) a.push(VALUE);
  return a;
}

function zaddArgs(from: number, to: number): string[] {
  const a = ['ZADD', 'myzset'];
  for (let i = from; i < to; i++) a.push(String(i), `element:${i}`);
  return a;
}

async function fillKeys(srv: ServerProcess): Promise<void> {
  await loadPipelined(srv.port, KEYSPACE, (i) => encodeCommand(['SET', `key:${String(i).padStart(12, '0')}`, VALUE]));
}

const byTitle = (t: string) => (title: string) => title === t;

export const TESTS: readonly BenchTest[] = [
  { name: 'PING_INLINE', select: ['-t', 'ping_inline'], row: byTitle('PING_INLINE'), probes: [['PING']] },
  { name: 'SET', select: ['-t', 'set'], row: byTitle('SET'), probes: [['SET', 'bench:probe', 'x']] },
  { name: 'GET', select: ['-t', 'get'], row: byTitle('GET'), probes: [['SET', 'bench:probe', 'x'], ['GET', 'bench:probe']], setup: fillKeys },
  { name: 'INCR', select: ['-t', 'incr'], row: byTitle('INCR'), probes: [['INCR', 'bench:probe:n']] },
  { name: 'MSET', select: ['-t', 'mset'], row: (t) => t.startsWith('MSET'), probes: [['MSET', 'bench:probe:m', 'x']] },
  { name: 'LPUSH', select: ['-t', 'lpush'], row: byTitle('LPUSH'), probes: [['LPUSH', 'bench:probe:l', 'x']] },
  {
    name: 'RPOP',
    select: ['-t', 'rpop'],
    row: byTitle('RPOP'),
    probes: [['LPUSH', 'bench:probe:l', 'x'], ['RPOP', 'bench:probe:l']],
    prepare: (srv, n) => refill(srv, 'mylist', n, 1000, lpushArgs),
  },
  { name: 'SADD', select: ['-t', 'sadd'], row: byTitle('SADD'), probes: [['SADD', 'bench:probe:s', 'x']] },
  { name: 'HSET', select: ['-t', 'hset'], row: byTitle('HSET'), probes: [['HSET', 'bench:probe:h', 'f', 'v']] },
  { name: 'ZADD', select: ['-t', 'zadd'], row: byTitle('ZADD'), probes: [['ZADD', 'bench:probe:z', '1', 'm']] },
  {
    name: 'ZPOPMIN',
    select: ['-t', 'zpopmin'],
    row: byTitle('ZPOPMIN'),
    probes: [['ZADD', 'bench:probe:z', '1', 'm'], ['ZPOPMIN', 'bench:probe:z']],
    prepare: (srv, n) => refill(srv, 'myzset', n, 500, zaddArgs),
  },
  {
    name: 'LRANGE_100',
    select: ['LRANGE', 'mylist', '0', '99'],
    row: byTitle('LRANGE mylist 0 99'),
    probes: [['LPUSH', 'bench:probe:l', 'x'], ['LRANGE', 'bench:probe:l', '0', '99']],
    setup: (srv) => refill(srv, 'mylist', 600, 600, lpushArgs),
  },
];

/** null when Cinnabar runs every probe; otherwise why the test is skipped. */
export async function unsupported(srv: ServerProcess, probes: readonly (readonly string[])[]): Promise<string | null> {
  for (const p of probes) {
    const r = await callOnce(srv.port, p);
    if (r instanceof ReplyError) {
      return /^ERR unknown command/.test(r.message) ? `${p[0]} not implemented in Cinnabar` : `${p.join(' ')} -> ${r.message}`;
    }
  }
  return null;
}

/** Run redis-benchmark once and return the requests/s of the selected row. */
export function redisBenchmark(port: number, n: number, extra: readonly string[], select: readonly string[], row: (t: string) => boolean, timeoutMs: number): Promise<number> {
  // Custom commands must come last on the command line; options go before them.
  const args = ['-h', '127.0.0.1', '-p', String(port), '-n', String(n), ...extra, '--csv', '-q', ...select];
  return new Promise((resolve, reject) => {
    const child = spawn('redis-benchmark', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    track(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
    child.stderr.on('data', (d: Buffer) => (err += d.toString('latin1')));
    const timer = setTimeout(() => {
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) {
        reject(new Error(`redis-benchmark ${args.join(' ')} ${signal === 'SIGKILL' ? `killed after ${timeoutMs} ms` : `exited ${code ?? signal}`}: ${err.trim()}`));
        return;
      }
      for (const line of out.split('\n')) {
        const m = /^"([^"]*)","([0-9.]+)"/.exec(line);
        if (m && row(m[1] as string)) {
          resolve(Number(m[2]));
          return;
        }
      }
      reject(new Error(`no matching CSV row in redis-benchmark output:\n${out}${err}`));
    });
  });
}

export interface ThroughputRow {
  name: string;
  /** Why the test did not run, when it did not. */
  skipped: string | null;
  plain: PairedSummary | null;
  pipelined: PairedSummary | null;
}

async function runMode(redis: ServerProcess, cinnabar: ServerProcess, t: BenchTest, pipeline: number, opts: ThroughputOptions): Promise<PairedSummary> {
  // Each mode starts from an empty keyspace so the two modes do not feed each other.
  for (const srv of [redis, cinnabar]) {
    await callOnce(srv.port, ['FLUSHALL']);
    if (t.setup) await t.setup(srv);
  }
  const extra = ['-c', String(CLIENTS), '-r', String(KEYSPACE), '-d', String(DATA_SIZE), ...(pipeline > 1 ? ['-P', String(pipeline)] : [])];
  const work = (srv: ServerProcess, n: number) => redisBenchmark(srv.port, n, extra, t.select, t.row, 120_000);
  const res = await pairedRuns(redis, cinnabar, work, {
    pairs: opts.pairs,
    warmupRequests: pipeline > 1 ? 200_000 : 20_000,
    targetSeconds: opts.targetSeconds,
    minRequests: pipeline > 1 ? 20_000 : 5_000,
    maxRequests: pipeline > 1 ? 5_000_000 : 1_000_000,
    prepare: t.prepare,
  });
  return summarize(res);
}

export interface ThroughputOptions {
  pairs: number;
  targetSeconds: number;
  log: (msg: string) => void;
}

export async function runThroughput(redis: ServerProcess, cinnabar: ServerProcess, tests: readonly BenchTest[], opts: ThroughputOptions): Promise<ThroughputRow[]> {
  const rows: ThroughputRow[] = [];
  for (const t of tests) {
    const why = await unsupported(cinnabar, t.probes);
    if (why !== null) {
      opts.log(`${t.name}: skipped (${why})`);
      rows.push({ name: t.name, skipped: why, plain: null, pipelined: null });
      continue;
    }
    const row: ThroughputRow = { name: t.name, skipped: null, plain: null, pipelined: null };
    try {
      for (const pipeline of [1, PIPELINE]) {
        const s = await runMode(redis, cinnabar, t, pipeline, opts);
        if (pipeline > 1) row.pipelined = s;
        else row.plain = s;
        opts.log(`${t.name} ${pipeline > 1 ? `-P ${pipeline}` : 'plain'}: n=${s.n} ratio ${s.ratio.toFixed(2)} cpu ratio ${s.cpuRatio.toFixed(2)}`);
      }
    } catch (err) {
      // One failing test (a timeout, a server error reply) should not cost the whole report;
      // a server that died is another matter.
      redis.assertAlive();
      cinnabar.assertAlive();
      row.skipped = `error: ${(err as Error).message.split('\n')[0] ?? ''}`;
      opts.log(`${t.name}: ${row.skipped}`);
    }
    rows.push(row);
  }
  for (const srv of [redis, cinnabar]) await callOnce(srv.port, ['FLUSHALL']);
  return rows;
}
