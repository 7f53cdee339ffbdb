/**
 * EVALSHA side by side: cached scripts run by redis-benchmark (-c 50, not pipelined), in the
 * adjacent alternating runs of paired.ts.
 *
 *  - `1000 x INCR`: the target, a loop of 1000 `redis.call('INCR', KEYS[1])`; its
 *    scripts/s times 1000 is the redis.call rate, dominated by the Lua⇄server bridge;
 *  - `1 x INCR`: one redis.call per script, so the fixed cost of an EVALSHA (lookup, KEYS and
 *    ARGV set-up, reply conversion) shows beside the per-call cost.
 */
import { pairedRuns, summarize, type PairedSummary } from './paired.js';
import { callOnce, type ServerProcess } from './servers.js';
import { CLIENTS, redisBenchmark, unsupported } from './throughput.js';

export interface ScriptCase {
  name: string;
  body: string;
  /** redis.call invocations per script run. */
  callsPerRun: number;
}

export const SCRIPT_CASES: readonly ScriptCase[] = [
  { name: '1000 x INCR', body: "for i = 1, 1000 do redis.call('INCR', KEYS[1]) end return 1", callsPerRun: 1000 },
  { name: '1 x INCR', body: "return redis.call('INCR', KEYS[1])", callsPerRun: 1 },
];

export interface ScriptRow {
  name: string;
  callsPerRun: number;
  skipped: string | null;
  /** Throughput in scripts (EVALSHA requests) per second. */
  result: PairedSummary | null;
}

export interface ScriptingOptions {
  pairs: number;
  targetSeconds: number;
  log: (msg: string) => void;
}

export async function runScripting(redis: ServerProcess, cinnabar: ServerProcess, opts: ScriptingOptions): Promise<ScriptRow[]> {
  const rows: ScriptRow[] = [];
  for (const c of SCRIPT_CASES) {
    const row: ScriptRow = { name: c.name, callsPerRun: c.callsPerRun, skipped: null, result: null };
    rows.push(row);
    const why = await unsupported(cinnabar, [['EVAL', c.body, '1', 'bench:probe:n']]);
    if (why !== null) {
      row.skipped = why;
      opts.log(`EVALSHA ${c.name}: skipped (${why})`);
      continue;
    }
    try {
      let sha = '';
      for (const srv of [redis, cinnabar]) {
        await callOnce(srv.port, ['FLUSHALL']);
        const r = await callOnce(srv.port, ['SCRIPT', 'LOAD', c.body]);
        if (typeof r !== 'string') throw new Error(`SCRIPT LOAD on ${srv.kind} answered ${String(r)}`);
        sha = r;
      }
      const select = ['EVALSHA', sha, '1', 'counter'];
      const work = (srv: ServerProcess, n: number) => redisBenchmark(srv.port, n, ['-c', String(CLIENTS)], select, (t) => t.startsWith('EVALSHA'), 120_000);
      const perRun = c.callsPerRun;
      const res = await pairedRuns(redis, cinnabar, work, {
        pairs: opts.pairs,
        warmupRequests: Math.max(2_000, 200_000 / perRun),
        targetSeconds: opts.targetSeconds,
        minRequests: Math.max(200, 5_000 / perRun),
        maxRequests: 1_000_000,
      });
      row.result = summarize(res);
      // Every script increments the same counter, so its value checks that the runs happened.
      for (const srv of [redis, cinnabar]) {
        const v = await callOnce(srv.port, ['GET', 'counter']);
        if (typeof v !== 'string' || Number(v) < perRun) throw new Error(`${srv.kind}: counter is ${String(v)} after the runs`);
      }
      opts.log(`EVALSHA ${c.name}: n=${row.result.n} ratio ${row.result.ratio.toFixed(2)} cpu ratio ${row.result.cpuRatio.toFixed(2)}`);
    } catch (err) {
      redis.assertAlive();
      cinnabar.assertAlive();
      row.skipped = `error: ${(err as Error).message.split('\n')[0] ?? ''}`;
      opts.log(`EVALSHA ${c.name}: ${row.skipped}`);
    }
  }
  for (const srv of [redis, cinnabar]) await callOnce(srv.port, ['FLUSHALL']);
  return rows;
}
