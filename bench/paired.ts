/**
 * Adjacent, alternating runs (redis, cinnabar, redis, cinnabar, ...) with server CPU time
 * measured around each run. The machine is shared and noisy, so only ratios between runs
 * made moments apart mean anything: every figure reported is a median of per-pair ratios.
 */
import { CLK_TCK, type ServerProcess } from './servers.js';

/** One measured run: the work is `requests` requests; `rps` as the load generator saw it. */
export interface RunResult {
  requests: number;
  rps: number;
  cpuTicks: number;
}

/** Performs `n` requests against one server and returns the throughput it measured. */
export type Workload = (srv: ServerProcess, n: number) => Promise<number>;

/** Called before each run (not measured): e.g. refill a list that the run pops from. */
export type Prepare = (srv: ServerProcess, n: number) => Promise<void>;

export interface PairedResult {
  n: number;
  redis: RunResult[];
  cinnabar: RunResult[];
}

export interface PairedOptions {
  pairs: number;
  /** Requests for the warm-up run that also calibrates n (at most; see pairedRuns). */
  warmupRequests: number;
  /** Target duration of a run of the slower server, in seconds. */
  targetSeconds: number;
  minRequests: number;
  maxRequests: number;
  prepare?: Prepare | undefined;
}

export async function measure(srv: ServerProcess, n: number, work: Workload, prepare?: Prepare): Promise<RunResult> {
  if (prepare) await prepare(srv, n);
  const before = srv.cpuTicks();
  const rps = await work(srv, n);
  const cpuTicks = srv.cpuTicks() - before;
  srv.assertAlive();
  return { requests: n, rps, cpuTicks };
}

/**
 * One warm-up run per server (JIT for Cinnabar, caches for both) whose throughput picks n so
 * that the slower server's run lasts about targetSeconds; then `pairs` adjacent pairs. A short
 * probe run first caps each warm-up at about a second, so a pathologically slow command costs
 * seconds, not minutes.
 */
export async function pairedRuns(redis: ServerProcess, cinnabar: ServerProcess, work: Workload, opts: PairedOptions): Promise<PairedResult> {
  const probeN = Math.max(opts.minRequests, Math.round(opts.warmupRequests / 10));
  const warm: RunResult[] = [];
  for (const srv of [redis, cinnabar]) {
    const probe = await measure(srv, probeN, work, opts.prepare);
    const warmN = Math.round(Math.max(probeN, Math.min(opts.warmupRequests, probe.rps)));
    warm.push(await measure(srv, warmN, work, opts.prepare));
  }
  const slower = Math.min(...warm.map((w) => w.rps));
  const raw = Math.max(opts.minRequests, Math.min(opts.maxRequests, slower * opts.targetSeconds));
  const n = roundRequests(raw);
  const result: PairedResult = { n, redis: [], cinnabar: [] };
  for (let i = 0; i < opts.pairs; i++) {
    result.redis.push(await measure(redis, n, work, opts.prepare));
    result.cinnabar.push(await measure(cinnabar, n, work, opts.prepare));
  }
  return result;
}

/** Two significant digits, so the -n values printed read cleanly. */
function roundRequests(x: number): number {
  const mag = 10 ** Math.max(0, Math.floor(Math.log10(x)) - 1);
  return Math.round(x / mag) * mag;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Server CPU microseconds per request for one run. */
export function cpuMicros(r: RunResult): number {
  return (r.cpuTicks * 1e6) / CLK_TCK / r.requests;
}

export interface PairedSummary {
  n: number;
  redisRps: number;
  cinnabarRps: number;
  /** Median over pairs of cinnabar rps / redis rps. */
  ratio: number;
  /** Smallest and largest per-pair ratio, to show the noise. */
  ratioMin: number;
  ratioMax: number;
  redisCpuUs: number;
  cinnabarCpuUs: number;
  /** Median over pairs of cinnabar CPU per request / redis CPU per request. */
  cpuRatio: number;
}

export function summarize(p: PairedResult): PairedSummary {
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  for (let i = 0; i < p.redis.length; i++) {
    const r = p.redis[i] as RunResult;
    const c = p.cinnabar[i] as RunResult;
    ratios.push(c.rps / r.rps);
    // A run too short to register a tick leaves the CPU ratio undefined rather than infinite.
    if (r.cpuTicks > 0) cpuRatios.push(cpuMicros(c) / cpuMicros(r));
  }
  return {
    n: p.n,
    redisRps: median(p.redis.map((r) => r.rps)),
    cinnabarRps: median(p.cinnabar.map((r) => r.rps)),
    ratio: median(ratios),
    ratioMin: Math.min(...ratios),
    ratioMax: Math.max(...ratios),
    redisCpuUs: median(p.redis.map(cpuMicros)),
    cinnabarCpuUs: median(p.cinnabar.map(cpuMicros)),
    cpuRatio: median(cpuRatios),
  };
}
