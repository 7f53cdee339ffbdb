/**
 * BullMQ side by side: the target workload, run by the real library in the bench
 * process against each server in turn.
 *
 *  - add: BULLMQ_JOBS jobs (data `{ i }`, default options) with Queue.addBulk, in calls of
 *    BULLMQ_BATCH jobs; each call is one MULTI/EXEC of EVALSHA addStandardJob (~26 kB of Lua);
 *  - process: then a Worker with concurrency BULLMQ_CONCURRENCY and a no-op processor runs all
 *    of them (moveToActive, moveToFinished with the next job fetched, BZPOPMIN on the marker
 *    when idle), timed from run() to the last 'completed' event.
 *
 * Each round starts from FLUSHALL; a smaller warm-up round per server comes first (JIT for
 * Cinnabar, script caches for both), then `pairs` adjacent redis/cinnabar rounds. The client
 * side (BullMQ and ioredis in this process) is the same for both servers, so the ratio shows
 * the server's share; server CPU per job is read from /proc as for the other sections.
 */
import { Queue, Worker } from 'bullmq';
import { summarize, type PairedResult, type PairedSummary, type RunResult } from './paired.js';
import { callOnce, type ServerProcess } from './servers.js';

export const BULLMQ_JOBS = 20_000;
export const BULLMQ_BATCH = 1_000;
export const BULLMQ_CONCURRENCY = 50;
const WARMUP_JOBS = 2_000;
/** A round that has not finished by then has stalled (a server bug): fail it. */
const ROUND_TIMEOUT_MS = 300_000;
const QUEUE = 'bench';

export interface BullmqResult {
  /** Why the section did not run, when it did not. */
  skipped: string | null;
  add: PairedSummary | null;
  process: PairedSummary | null;
}

interface Round {
  add: RunResult;
  process: RunResult;
}

function withDeadline<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ROUND_TIMEOUT_MS / 1000} s`)), ROUND_TIMEOUT_MS);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}

async function round(srv: ServerProcess, jobs: number): Promise<Round> {
  await callOnce(srv.port, ['FLUSHALL']);
  const connection = { host: '127.0.0.1', port: srv.port, maxRetriesPerRequest: null };
  const queue = new Queue(QUEUE, { connection });
  let worker: Worker | null = null;
  try {
    await queue.waitUntilReady();
    const batches: { name: string; data: { i: number } }[][] = [];
    for (let i = 0; i < jobs; i += BULLMQ_BATCH) {
      batches.push(Array.from({ length: Math.min(BULLMQ_BATCH, jobs - i) }, (_, k) => ({ name: 'job', data: { i: i + k } })));
    }

    let cpu = srv.cpuTicks();
    let t0 = performance.now();
    await withDeadline(
      (async () => {
        for (const b of batches) await queue.addBulk(b);
      })(),
      `adding ${jobs} jobs to ${srv.kind}`,
    );
    const add: RunResult = { requests: jobs, rps: (jobs * 1000) / (performance.now() - t0), cpuTicks: srv.cpuTicks() - cpu };
    const waiting = await queue.getWaitingCount();
    if (waiting !== jobs) throw new Error(`${srv.kind}: ${waiting} jobs waiting after adding ${jobs}`);

    const w = new Worker(QUEUE, async () => {}, { connection, concurrency: BULLMQ_CONCURRENCY, autorun: false });
    worker = w;
    let failure: Error | null = null;
    w.on('error', (e) => (failure ??= e));
    let completed = 0;
    const allDone = new Promise<void>((resolve, reject) => {
      w.on('completed', () => {
        if (++completed === jobs) resolve();
      });
      w.on('failed', (job, err) => reject(new Error(`${srv.kind}: job ${job?.id ?? '?'} failed: ${err.message}`)));
    });
    await w.waitUntilReady();
    cpu = srv.cpuTicks();
    t0 = performance.now();
    void w.run().catch((e: unknown) => (failure ??= e as Error));
    await withDeadline(allDone, `processing ${jobs} jobs on ${srv.kind} (${completed} done)`);
    const process: RunResult = { requests: jobs, rps: (jobs * 1000) / (performance.now() - t0), cpuTicks: srv.cpuTicks() - cpu };
    if (failure !== null) throw failure;
    const done = await queue.getCompletedCount();
    if (done !== jobs) throw new Error(`${srv.kind}: ${done} jobs completed of ${jobs}`);
    srv.assertAlive();
    return { add, process };
  } finally {
    await worker?.close();
    await queue.close();
  }
}

export interface BullmqOptions {
  pairs: number;
  log: (msg: string) => void;
}

export async function runBullmq(redis: ServerProcess, cinnabar: ServerProcess, opts: BullmqOptions): Promise<BullmqResult> {
  try {
    for (const srv of [redis, cinnabar]) await round(srv, WARMUP_JOBS);
    const add: PairedResult = { n: BULLMQ_JOBS, redis: [], cinnabar: [] };
    const proc: PairedResult = { n: BULLMQ_JOBS, redis: [], cinnabar: [] };
    for (let i = 0; i < opts.pairs; i++) {
      for (const srv of [redis, cinnabar]) {
        const r = await round(srv, BULLMQ_JOBS);
        add[srv.kind].push(r.add);
        proc[srv.kind].push(r.process);
        opts.log(`BullMQ ${srv.kind} round ${i + 1}: added ${Math.round(r.add.rps)} jobs/s, processed ${Math.round(r.process.rps)} jobs/s`);
      }
    }
    for (const srv of [redis, cinnabar]) await callOnce(srv.port, ['FLUSHALL']);
    return { skipped: null, add: summarize(add), process: summarize(proc) };
  } catch (err) {
    redis.assertAlive();
    cinnabar.assertAlive();
    const why = `error: ${(err as Error).message.split('\n')[0] ?? ''}`;
    opts.log(`BullMQ: ${why}`);
    return { skipped: why, add: null, process: null };
  }
}
