/**
 * How sorted-set operations scale: ZADD, ZRANK and ZRANGE-by-rank on a 1,000,000-member set
 * against a 1,000-member set. Redis's skiplist makes all three O(log N); an implementation
 * with a linear step somewhere shows up as a big/small throughput ratio far below Redis's.
 *
 * Members are `member:` + 12 digits, the format redis-benchmark gives `member:__rand_int__`,
 * so its random ZRANK/ZADD requests hit existing members (ZADD then moves a member to a new
 * score). ZRANGE needs `start` and `stop` derived from one random rank, which redis-benchmark
 * cannot express, so it runs on the small pipelined driver in resp-stream.ts.
 */
import { encodeCommand, loadPipelined, runDriver } from './resp-stream.js';
import { pairedRuns, summarize, type PairedSummary } from './paired.js';
import { callOnce, type ServerProcess } from './servers.js';
import { CLIENTS, redisBenchmark, unsupported } from './throughput.js';

export const ZSET_SIZES = [1_000, 1_000_000] as const;
/** Pipelining keeps the load generators' own overhead small next to the server's work. */
export const ZSET_PIPELINE = 16;
const RANGE_LEN = 10;

const member = (i: number) => `member:${String(i).padStart(12, '0')}`;
const keyFor = (size: number) => `zset:${size}`;

async function fill(srv: ServerProcess, size: number): Promise<void> {
  const per = 100;
  await loadPipelined(
    srv.port,
    Math.ceil(size / per),
    (c) => {
      const args = ['ZADD', keyFor(size)];
      for (let i = c * per; i < Math.min(size, (c + 1) * per); i++) args.push(String(i), member(i));
      return encodeCommand(args);
    },
    { window: 1000, chunk: 100 },
  );
}

/** Pre-encoded batches of `ZRANGE key r r+9` with random ranks (fixed seed for both servers). */
function rangeBatches(size: number): Buffer[] {
  let seed = 12345;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed;
  };
  const batches: Buffer[] = [];
  for (let b = 0; b < 512; b++) {
    let text = '';
    for (let j = 0; j < ZSET_PIPELINE; j++) {
      const r = rand() % (size - RANGE_LEN);
      text += encodeCommand(['ZRANGE', keyFor(size), String(r), String(r + RANGE_LEN - 1)]);
    }
    batches.push(Buffer.from(text, 'latin1'));
  }
  return batches;
}

interface ZsetOp {
  name: string;
  work: (size: number) => (srv: ServerProcess, n: number) => Promise<number>;
}

const benchArgs = (size: number) => ['-c', String(CLIENTS), '-r', String(size), '-P', String(ZSET_PIPELINE)];

// ZADD last: it moves members to random scores, which would not change the others' cost but
// keeps the read-only measurements on the sets exactly as loaded.
const OPS: readonly ZsetOp[] = [
  {
    name: 'ZRANK',
    work: (size) => (srv, n) => redisBenchmark(srv.port, n, benchArgs(size), ['ZRANK', keyFor(size), 'member:__rand_int__'], (t) => t.startsWith('ZRANK'), 120_000),
  },
  {
    name: `ZRANGE r r+${RANGE_LEN - 1}`,
    work: (size) => {
      const batches = rangeBatches(size);
      return async (srv, n) => (await runDriver(srv.port, batches, ZSET_PIPELINE, CLIENTS, n, 120_000)).rps;
    },
  },
  {
    name: 'ZADD (update)',
    work: (size) => (srv, n) => redisBenchmark(srv.port, n, benchArgs(size), ['ZADD', keyFor(size), '__rand_int__', 'member:__rand_int__'], (t) => t.startsWith('ZADD'), 120_000),
  },
];

export interface ZsetRow {
  op: string;
  /** One summary per entry of ZSET_SIZES. */
  bySize: PairedSummary[];
  /** Set when a run failed (e.g. timed out); the row then has no figures. */
  error: string | null;
}

export interface ZsetResult {
  skipped: string | null;
  rows: ZsetRow[];
}

export async function runZsetScale(redis: ServerProcess, cinnabar: ServerProcess, opts: { pairs: number; targetSeconds: number; log: (msg: string) => void }): Promise<ZsetResult> {
  const why = await unsupported(cinnabar, [
    ['ZADD', 'bench:probe:z', '1', 'm'],
    ['ZRANK', 'bench:probe:z', 'm'],
    ['ZRANGE', 'bench:probe:z', '0', '0'],
  ]);
  if (why !== null) {
    opts.log(`zset scaling: skipped (${why})`);
    return { skipped: why, rows: [] };
  }
  for (const srv of [redis, cinnabar]) {
    await callFlush(srv);
    for (const size of ZSET_SIZES) await fill(srv, size);
  }
  const rows: ZsetRow[] = [];
  for (const op of OPS) {
    const row: ZsetRow = { op: op.name, bySize: [], error: null };
    try {
      for (const size of ZSET_SIZES) {
        const res = await pairedRuns(redis, cinnabar, op.work(size), {
          pairs: opts.pairs,
          warmupRequests: 100_000,
          targetSeconds: opts.targetSeconds,
          minRequests: 20_000,
          maxRequests: 3_000_000,
        });
        const s = summarize(res);
        row.bySize.push(s);
        opts.log(`zset ${op.name} size ${size}: n=${s.n} ratio ${s.ratio.toFixed(2)}`);
      }
    } catch (err) {
      redis.assertAlive();
      cinnabar.assertAlive();
      row.error = `error: ${(err as Error).message.split('\n')[0] ?? ''}`;
      opts.log(`zset ${op.name}: ${row.error}`);
    }
    rows.push(row);
  }
  for (const srv of [redis, cinnabar]) await callFlush(srv);
  return { skipped: null, rows };
}

async function callFlush(srv: ServerProcess): Promise<void> {
  await callOnce(srv.port, ['FLUSHALL']);
}
