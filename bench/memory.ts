/**
 * Memory per item: resident set size (VmRSS) of fresh server processes before and after a
 * bulk load, divided by the number of items loaded. RSS is what the operator pays for, and
 * it includes what each runtime keeps beyond the data (allocator slack, V8 heap headroom).
 *
 * Each case gets a new pair of processes, so earlier work leaves no garbage or fragmentation
 * behind. After a load the RSS is polled until it stops moving, for at most a few seconds.
 * Cinnabar's figure still varies by ~15% from one process to the next (how much garbage V8
 * holds when the load ends depends on when its last collection ran), so each case runs in
 * several fresh pairs and the trial with the median ratio is reported.
 */
import { encodeCommand, loadPipelined } from './resp-stream.js';
import { ServerProcess, sleep } from './servers.js';
import { unsupported } from './throughput.js';

export interface MemoryCase {
  name: string;
  /** What one item is, for the table. */
  item: string;
  count: number;
  make: (i: number) => string;
  probes: readonly (readonly string[])[];
}

const pad = (i: number, width: number) => String(i).padStart(width, '0');

export const MEMORY_CASES: readonly MemoryCase[] = [
  {
    name: 'keys',
    item: 'SET key:NNNNNNN <32 B>, per key',
    count: 1_000_000,
    make: (i) => {
      const n = pad(i, 7);
      return encodeCommand(['SET', `key:${n}`, `value:${n}`.padEnd(32, 'x')]);
    },
    probes: [['SET', 'bench:probe', 'x']],
  },
  {
    name: 'zset',
    item: 'ZADD z <score> member:NNNNNN, per member',
    count: 100_000,
    make: (i) => encodeCommand(['ZADD', 'z', String(i), `member:${pad(i, 6)}`]),
    probes: [['ZADD', 'bench:probe:z', '1', 'm']],
  },
  {
    name: 'hash',
    item: 'HSET h field:NNNNNN value:NNNNNN, per field',
    count: 100_000,
    make: (i) => {
      const n = pad(i, 6);
      return encodeCommand(['HSET', 'h', `field:${n}`, `value:${n}`]);
    },
    probes: [['HSET', 'bench:probe:h', 'f', 'v']],
  },
];

export interface MemorySide {
  rssBefore: number;
  rssAfter: number;
  perItem: number;
  loadMs: number;
}

export interface MemoryRow {
  name: string;
  item: string;
  count: number;
  skipped: string | null;
  redis: MemorySide | null;
  cinnabar: MemorySide | null;
  /** cinnabar bytes per item / redis bytes per item, in the median trial. */
  ratio: number;
  /** Smallest and largest ratio over the trials. */
  ratioMin: number;
  ratioMax: number;
  trials: number;
}

/** RSS once it has stopped changing: 5 samples 200 ms apart within 0.2%, or 6 s at most. */
export async function settledRss(srv: ServerProcess): Promise<number> {
  const samples: number[] = [];
  const deadline = Date.now() + 6000;
  for (;;) {
    srv.assertAlive();
    samples.push(srv.rss());
    const last = samples.slice(-5);
    if (last.length === 5) {
      const lo = Math.min(...last);
      const hi = Math.max(...last);
      if (hi - lo <= hi * 0.002 || Date.now() > deadline) return last[last.length - 1] as number;
    }
    await sleep(200);
  }
}

async function measureSide(srv: ServerProcess, c: MemoryCase): Promise<MemorySide> {
  const rssBefore = await settledRss(srv);
  const load = await loadPipelined(srv.port, c.count, c.make);
  const rssAfter = await settledRss(srv);
  return { rssBefore, rssAfter, perItem: (rssAfter - rssBefore) / c.count, loadMs: load.ms };
}

export async function runMemory(cases: readonly MemoryCase[], trials: number, log: (msg: string) => void): Promise<MemoryRow[]> {
  const rows: MemoryRow[] = [];
  for (const c of cases) {
    const done: { redis: MemorySide; cinnabar: MemorySide; ratio: number }[] = [];
    let skipped: string | null = null;
    for (let t = 0; t < trials && skipped === null; t++) {
      const redis = await ServerProcess.start('redis');
      const cinnabar = await ServerProcess.start('cinnabar');
      try {
        skipped = await unsupported(cinnabar, c.probes);
        if (skipped !== null) break;
        // Probing wrote a key on Cinnabar; do the same on Redis so both start equal.
        await unsupported(redis, c.probes);
        const r = await measureSide(redis, c);
        const k = await measureSide(cinnabar, c);
        done.push({ redis: r, cinnabar: k, ratio: k.perItem / r.perItem });
        log(`memory ${c.name} trial ${t + 1}: redis ${r.perItem.toFixed(1)} B, cinnabar ${k.perItem.toFixed(1)} B per item`);
      } finally {
        await redis.stop();
        await cinnabar.stop();
      }
    }
    const base = { name: c.name, item: c.item, count: c.count, trials: done.length };
    if (skipped !== null || done.length === 0) {
      log(`memory ${c.name}: skipped (${skipped ?? 'no trial'})`);
      rows.push({ ...base, skipped: skipped ?? 'no trial', redis: null, cinnabar: null, ratio: Number.NaN, ratioMin: Number.NaN, ratioMax: Number.NaN });
      continue;
    }
    const sorted = [...done].sort((a, b) => a.ratio - b.ratio);
    const mid = sorted[(sorted.length - 1) >> 1] as (typeof done)[number];
    rows.push({ ...base, skipped: null, redis: mid.redis, cinnabar: mid.cinnabar, ratio: mid.ratio, ratioMin: (sorted[0] as (typeof done)[number]).ratio, ratioMax: (sorted[sorted.length - 1] as (typeof done)[number]).ratio });
  }
  return rows;
}
