/**
 * The bench's printed report: fixed-width tables and the summary of the issue's targets.
 * Pure formatting; every number comes from throughput.ts, memory.ts, zset-scale.ts, bullmq.ts
 * and scripting.ts.
 */
import { BULLMQ_BATCH, BULLMQ_CONCURRENCY, BULLMQ_JOBS, type BullmqResult } from './bullmq.js';
import type { MemoryRow } from './memory.js';
import type { PairedSummary } from './paired.js';
import type { ScriptRow } from './scripting.js';
import type { ThroughputRow } from './throughput.js';
import { ZSET_SIZES, type ZsetResult } from './zset-scale.js';

export const TARGETS = {
  plainRatio: 0.95,
  cpuRatio: 1.3,
  pipelinedRatio: 0.7,
  memoryRatio: 1.3,
  bullmqAddRatio: 0.7,
  bullmqProcessRatio: 0.7,
} as const;

const int = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '-');
const fix = (x: number, d: number) => (Number.isFinite(x) ? x.toFixed(d) : '-');

/** A row that names its item and then spans the rest of the table with a remark. */
interface Note {
  first: string;
  note: string;
}
type Row = readonly string[] | Note;

function table(header: readonly string[], rows: readonly Row[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => ('note' in r ? (i === 0 ? r.first.length : 0) : (r[i] ?? '').length))));
  const fmt = (r: Row) => {
    if ('note' in r) return `${r.first.padEnd(widths[0] ?? 0)}  ${r.note}`;
    return r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ').trimEnd();
  };
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)].join('\n');
}

export function throughputTable(rows: readonly ThroughputRow[], pipelined: boolean): string {
  const header = ['test', '-n', 'redis rps', 'cinnabar rps', 'ratio', 'pair range', 'redis CPU us/req', 'cinnabar CPU us/req', 'CPU ratio'];
  const body = rows.map((r): Row => {
    const s = pipelined ? r.pipelined : r.plain;
    if (r.skipped !== null || s === null) return { first: r.name, note: `skipped: ${r.skipped ?? 'not run'}` };
    return [r.name, int(s.n), int(s.redisRps), int(s.cinnabarRps), fix(s.ratio, 2), `${fix(s.ratioMin, 2)}-${fix(s.ratioMax, 2)}`, fix(s.redisCpuUs, 2), fix(s.cinnabarCpuUs, 2), fix(s.cpuRatio, 2)];
  });
  return table(header, body);
}

export function memoryTable(rows: readonly MemoryRow[]): string {
  const header = ['what', 'items', 'redis B/item', 'cinnabar B/item', 'ratio', 'trial range', 'redis RSS MB before/after', 'cinnabar RSS MB before/after', 'load s redis/cinnabar'];
  const mb = (x: number) => (x / 1048576).toFixed(1);
  const body = rows.map((r): Row => {
    if (r.skipped !== null || r.redis === null || r.cinnabar === null) return { first: r.item, note: `skipped: ${r.skipped ?? 'not run'}` };
    return [
      r.item,
      int(r.count),
      fix(r.redis.perItem, 1),
      fix(r.cinnabar.perItem, 1),
      fix(r.ratio, 2),
      `${fix(r.ratioMin, 2)}-${fix(r.ratioMax, 2)}`,
      `${mb(r.redis.rssBefore)} / ${mb(r.redis.rssAfter)}`,
      `${mb(r.cinnabar.rssBefore)} / ${mb(r.cinnabar.rssAfter)}`,
      `${fix(r.redis.loadMs / 1000, 2)} / ${fix(r.cinnabar.loadMs / 1000, 2)}`,
    ];
  });
  return table(header, body);
}

export function zsetTable(z: ZsetResult): string {
  if (z.skipped !== null) return `skipped: ${z.skipped}`;
  const [small, big] = ZSET_SIZES;
  const label = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`);
  const header = [
    'op',
    `redis ${label(small)}`,
    `redis ${label(big)}`,
    'redis big/small',
    `cinnabar ${label(small)}`,
    `cinnabar ${label(big)}`,
    'cinnabar big/small',
    `ratio ${label(small)}`,
    `ratio ${label(big)}`,
    `CPU ratio ${label(big)}`,
  ];
  const body = z.rows.map((r): Row => {
    const s = r.bySize[0];
    const b = r.bySize[1];
    if (r.error !== null || !s || !b) return { first: r.op, note: r.error ?? 'not run' };
    return [r.op, int(s.redisRps), int(b.redisRps), fix(b.redisRps / s.redisRps, 2), int(s.cinnabarRps), int(b.cinnabarRps), fix(b.cinnabarRps / s.cinnabarRps, 2), fix(s.ratio, 2), fix(b.ratio, 2), fix(b.cpuRatio, 2)];
  });
  return table(header, body);
}

export function bullmqTable(b: BullmqResult): string {
  if (b.skipped !== null) return `skipped: ${b.skipped}`;
  const header = ['phase', 'jobs', 'redis jobs/s', 'cinnabar jobs/s', 'ratio', 'pair range', 'redis CPU us/job', 'cinnabar CPU us/job', 'CPU ratio'];
  const row = (label: string, s: PairedSummary | null): Row =>
    s === null ? { first: label, note: 'not run' } : [label, int(s.n), int(s.redisRps), int(s.cinnabarRps), fix(s.ratio, 2), `${fix(s.ratioMin, 2)}-${fix(s.ratioMax, 2)}`, fix(s.redisCpuUs, 1), fix(s.cinnabarCpuUs, 1), fix(s.cpuRatio, 2)];
  return table(header, [row(`add (Queue.addBulk, ${int(BULLMQ_BATCH)} per call)`, b.add), row(`process (Worker, concurrency ${BULLMQ_CONCURRENCY}, no-op)`, b.process)]);
}

export function scriptingTable(rows: readonly ScriptRow[]): string {
  const header = ['script', '-n', 'redis EVALSHA/s', 'cinnabar EVALSHA/s', 'redis redis.call/s', 'cinnabar redis.call/s', 'ratio', 'pair range', 'redis CPU us/script', 'cinnabar CPU us/script', 'CPU ratio'];
  const body = rows.map((r): Row => {
    const s = r.result;
    if (r.skipped !== null || s === null) return { first: r.name, note: `skipped: ${r.skipped ?? 'not run'}` };
    return [
      r.name,
      int(s.n),
      int(s.redisRps),
      int(s.cinnabarRps),
      int(s.redisRps * r.callsPerRun),
      int(s.cinnabarRps * r.callsPerRun),
      fix(s.ratio, 2),
      `${fix(s.ratioMin, 2)}-${fix(s.ratioMax, 2)}`,
      fix(s.redisCpuUs, 1),
      fix(s.cinnabarCpuUs, 1),
      fix(s.cpuRatio, 2),
    ];
  });
  return table(header, body);
}

interface TargetLine {
  label: string;
  pass: boolean | null;
  detail: string;
}

function throughputTarget(label: string, rows: readonly ThroughputRow[], pick: (r: ThroughputRow) => PairedSummary | null, value: (s: PairedSummary) => number, ok: (v: number) => boolean, worstIsMax: boolean): TargetLine {
  const measured = rows.flatMap((r) => {
    const s = pick(r);
    return s === null ? [] : [{ name: r.name, v: value(s) }];
  });
  if (measured.length === 0) return { label, pass: null, detail: 'nothing measured' };
  const sorted = [...measured].sort((a, b) => (worstIsMax ? b.v - a.v : a.v - b.v));
  const worst = sorted[0] as { name: string; v: number };
  const failing = sorted.filter((m) => !ok(m.v));
  const detail = `worst ${worst.name} ${fix(worst.v, 2)}x` + (failing.length > 0 ? `; failing: ${failing.map((m) => `${m.name} ${fix(m.v, 2)}`).join(', ')}` : `; all ${measured.length} tests meet it`);
  return { label, pass: failing.length === 0, detail };
}

function bullmqTargets(b: BullmqResult): TargetLine[] {
  const line = (what: string, target: number, s: PairedSummary | null): TargetLine => {
    const label = `BullMQ jobs/s ${what} >= ${target}x redis`;
    if (b.skipped !== null || s === null) return { label, pass: null, detail: `skipped: ${b.skipped ?? 'not run'}` };
    return { label, pass: s.ratio >= target, detail: `${fix(s.ratio, 2)}x (${int(s.cinnabarRps)} vs ${int(s.redisRps)} jobs/s; pairs ${fix(s.ratioMin, 2)}-${fix(s.ratioMax, 2)})` };
  };
  return [line(`added (${int(BULLMQ_JOBS)}, addBulk)`, TARGETS.bullmqAddRatio, b.add), line(`processed (concurrency ${BULLMQ_CONCURRENCY})`, TARGETS.bullmqProcessRatio, b.process)];
}

/** The issue sets no ratio for EVALSHA; the line reports the redis.call rates side by side. */
function scriptingReport(rows: readonly ScriptRow[]): TargetLine[] {
  const r = rows.find((x) => x.callsPerRun === 1000);
  const label = 'EVALSHA 1000 x redis.call: redis.call/s (reported)';
  if (!r) return [];
  if (r.skipped !== null || r.result === null) return [{ label, pass: null, detail: `skipped: ${r.skipped ?? 'not run'}` }];
  const s = r.result;
  return [{ label, pass: null, detail: `cinnabar ${int(s.cinnabarRps * 1000)} vs redis ${int(s.redisRps * 1000)} redis.call/s (${fix(s.ratio, 2)}x)` }];
}

export function summary(tp: readonly ThroughputRow[] | null, mem: readonly MemoryRow[] | null, bull: BullmqResult | null = null, scripts: readonly ScriptRow[] | null = null): string {
  const lines: TargetLine[] = [];
  if (tp !== null) {
    lines.push(throughputTarget(`non-pipelined throughput >= ${TARGETS.plainRatio}x redis`, tp, (r) => r.plain, (s) => s.ratio, (v) => v >= TARGETS.plainRatio, false));
    lines.push(throughputTarget(`server CPU per request <= ${TARGETS.cpuRatio}x redis (non-pipelined)`, tp, (r) => r.plain, (s) => s.cpuRatio, (v) => v <= TARGETS.cpuRatio, true));
    lines.push(throughputTarget(`pipelined (-P 16) throughput >= ${TARGETS.pipelinedRatio}x redis`, tp, (r) => r.pipelined, (s) => s.ratio, (v) => v >= TARGETS.pipelinedRatio, false));
  }
  const keys = mem?.find((m) => m.name === 'keys');
  if (keys) {
    lines.push(
      keys.skipped !== null
        ? { label: `memory per key <= ${TARGETS.memoryRatio}x redis`, pass: null, detail: `skipped: ${keys.skipped}` }
        : {
            label: `memory per key <= ${TARGETS.memoryRatio}x redis`,
            pass: keys.ratio <= TARGETS.memoryRatio,
            detail: `${fix(keys.ratio, 2)}x (${fix(keys.cinnabar?.perItem ?? Number.NaN, 1)} vs ${fix(keys.redis?.perItem ?? Number.NaN, 1)} B/key; ${keys.trials} trials ${fix(keys.ratioMin, 2)}-${fix(keys.ratioMax, 2)})`,
          },
    );
  }
  if (bull !== null) lines.push(...bullmqTargets(bull));
  if (scripts !== null) lines.push(...scriptingReport(scripts));
  const width = Math.max(...lines.map((l) => l.label.length));
  const out = lines.map((l) => `  ${l.label.padEnd(width)}  ${l.pass === null ? 'n/a ' : l.pass ? 'PASS' : 'FAIL'}  ${l.detail}`);
  for (const r of tp ?? []) if (r.skipped !== null) out.push(`  not measured: ${r.name} (${r.skipped})`);
  for (const m of mem ?? []) if (m.skipped !== null) out.push(`  not measured: memory ${m.name} (${m.skipped})`);
  return out.join('\n');
}
