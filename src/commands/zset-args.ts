/**
 * What the sorted-set command modules share: typed look-ups, Redis's two ways of reading a
 * double, score and lex range specifications, and the WITHSCORES reply shapes.
 *
 * Doubles. Redis reads scores, increments and weights with getDoubleFromObject: strtod over
 * the whole argument, no leading space, no NaN, and an overflow (or an underflow to zero) is
 * an error. Range bounds go through bare strtod: leading space is skipped, overflow gives
 * ±inf, the empty string is 0. Both accept strtod's hex floats ("0x1p3") and inf/infinity.
 */
import type { Database } from '../keyspace/database.js';
import type { RedisZset } from '../values/zset.js';
import type { RedisValue } from '../values/types.js';
import { ERR } from './errors.js';
import type { CommandContext } from './spec.js';

// ---- look-ups ----------------------------------------------------------------------------

function asZset(ctx: CommandContext, v: RedisValue | undefined): RedisZset | undefined | null {
  if (v === undefined) return undefined;
  if (typeof v === 'string' || v.type !== 'zset') {
    ctx.reply.error(ERR.wrongType);
    return null;
  }
  return v as RedisZset;
}

/** The zset at key for reading: undefined when absent, null after replying WRONGTYPE. */
export function zsetForRead(ctx: CommandContext, key: string): RedisZset | undefined | null {
  return asZset(ctx, ctx.db.lookupRead(key));
}

/** The zset at key for writing: undefined when absent, null after replying WRONGTYPE. */
export function zsetForWrite(ctx: CommandContext, key: string, db: Database = ctx.db): RedisZset | undefined | null {
  return asZset(ctx, db.lookupWrite(key));
}

// ---- doubles -------------------------------------------------------------------------------

const DEC_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX_RE = /^([+-]?)0[xX](?:([0-9a-fA-F]+)\.?([0-9a-fA-F]*)|\.([0-9a-fA-F]+))(?:[pP]([+-]?\d+))?$/;
const INF_RE = /^[+-]?inf(?:inity)?$/i;

/** strtod of a whole string (no leading space): the value, or null when it is not all consumed. */
function strtodWhole(s: string): { v: number; erange: boolean } | null {
  if (DEC_RE.test(s)) {
    const v = Number(s);
    if (!Number.isFinite(v)) return { v, erange: true };
    // An underflow to zero: some digit of the mantissa is not zero.
    if (v === 0) {
      const e = s.search(/[eE]/);
      const mant = e < 0 ? s : s.slice(0, e);
      return { v, erange: /[1-9]/.test(mant) };
    }
    return { v, erange: false };
  }
  if (INF_RE.test(s)) return { v: s.charCodeAt(0) === 0x2d ? -Infinity : Infinity, erange: false };
  const h = HEX_RE.exec(s);
  if (h !== null) {
    const intPart = h[2] ?? '';
    const frac = h[3] ?? h[4] ?? '';
    let mant = BigInt(`0x${intPart}${frac}` === '0x' ? '0x0' : `0x${intPart}${frac}`);
    let exp = Number(h[5] ?? '0') - 4 * frac.length;
    if (mant === 0n) return { v: h[1] === '-' ? -0 : 0, erange: false };
    // Keep 64 significant bits (with a sticky bit) so Number() rounds once, correctly.
    const bits = mant.toString(2).length;
    if (bits > 64) {
      const shift = BigInt(bits - 64);
      const sticky = (mant & ((1n << shift) - 1n)) !== 0n ? 1n : 0n;
      mant = (mant >> shift) | sticky;
      exp += bits - 64;
    }
    let v = Number(mant);
    // Scale in steps so that 2^exp itself never overflows or underflows.
    while (exp > 0 && Number.isFinite(v)) {
      const k = Math.min(exp, 1000);
      v *= 2 ** k;
      exp -= k;
    }
    while (exp < 0 && v !== 0) {
      const k = Math.max(exp, -1000);
      v *= 2 ** k;
      exp -= k;
    }
    if (h[1] === '-') v = -v;
    return { v, erange: !Number.isFinite(v) || v === 0 };
  }
  return null;
}

/** getDoubleFromObject: a score, increment or weight; null when Redis would refuse it. */
export function parseStrictDouble(s: string): number | null {
  if (s.length === 0 || isCSpace(s.charCodeAt(0))) return null;
  const r = strtodWhole(s);
  if (r === null || Number.isNaN(r.v)) return null;
  if (r.erange && (r.v === 0 || !Number.isFinite(r.v))) return null;
  return r.v;
}

/** A range bound through bare strtod (zslParseRange): null when Redis would refuse it. */
export function parseRangeDouble(s: string): number | null {
  const nul = s.indexOf('\0');
  if (nul >= 0) s = s.slice(0, nul); // C stops at NUL
  if (s.length === 0) return 0;
  let p = 0;
  while (p < s.length && isCSpace(s.charCodeAt(p))) p++;
  const r = strtodWhole(s.slice(p));
  if (r === null || Number.isNaN(r.v)) return null;
  return r.v;
}

function isCSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

// ---- ranges --------------------------------------------------------------------------------

/** A score interval; an exclusive end is written '(' in the argument. */
export interface ScoreRange {
  min: number;
  max: number;
  minex: boolean;
  maxex: boolean;
}

/** zslParseRange: null when either end is not a float. */
export function parseScoreRange(minArg: string, maxArg: string): ScoreRange | null {
  const minex = minArg.charCodeAt(0) === 0x28;
  const maxex = maxArg.charCodeAt(0) === 0x28;
  const min = parseRangeDouble(minex ? minArg.slice(1) : minArg);
  const max = parseRangeDouble(maxex ? maxArg.slice(1) : maxArg);
  if (min === null || max === null) return null;
  return { min, max, minex, maxex };
}

/** First and one-past-last ranks of the members whose score is in the range. */
export function scoreRangeRanks(z: RedisZset, r: ScoreRange): [number, number] {
  const lo = z.countScoreBelow(r.min, r.minex);
  const hi = z.countScoreBelow(r.max, !r.maxex);
  return [lo, Math.max(lo, hi)];
}

/** A lex bound: '-' and '+' are the extremes; otherwise a member, inclusive ('[') or not ('('). */
export interface LexBound {
  /** -1 for '-', 1 for '+', 0 for a member. */
  inf: number;
  value: string;
  exclusive: boolean;
}

function parseLexBound(s: string): LexBound | null {
  const c = s.charCodeAt(0);
  if (c === 0x2b || c === 0x2d) {
    if (s.length !== 1) return null;
    return { inf: c === 0x2b ? 1 : -1, value: '', exclusive: false };
  }
  if (c === 0x28 || c === 0x5b) return { inf: 0, value: s.slice(1), exclusive: c === 0x28 };
  return null;
}

export interface LexRange {
  min: LexBound;
  max: LexBound;
}

/** zslParseLexRange: null when an end is not '-', '+', '[member' or '(member'. */
export function parseLexRange(minArg: string, maxArg: string): LexRange | null {
  const min = parseLexBound(minArg);
  const max = parseLexBound(maxArg);
  if (min === null || max === null) return null;
  return { min, max };
}

/** Order of two lex bounds as Redis's sdscmplex orders them ('-' below all, '+' above all). */
function lexBoundCmp(a: LexBound, b: LexBound): number {
  if (a.inf !== 0 || b.inf !== 0) return a.inf === b.inf ? 0 : a.inf < b.inf ? -1 : 1;
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

function lexGteMin(m: string, b: LexBound): boolean {
  if (b.inf !== 0) return b.inf < 0;
  return b.exclusive ? m > b.value : m >= b.value;
}

function lexLteMax(m: string, b: LexBound): boolean {
  if (b.inf !== 0) return b.inf > 0;
  return b.exclusive ? m < b.value : m <= b.value;
}

/**
 * First and one-past-last ranks of the members in a lex range. Lex ranges are meant for sets
 * whose scores are all equal; for others Redis's answer depends on how it walks, and this
 * reproduces its listpack walks exactly (forward from the head, or back from the tail when
 * `reverse`), and its head/tail pre-checks for both encodings.
 */
export function lexRangeRanks(z: RedisZset, r: LexRange, reverse = false): [number, number] {
  const n = z.length;
  // '+'/'-' count as exclusive, so "- -" and "+ +" are empty, as in Redis.
  const c = lexBoundCmp(r.min, r.max);
  if (n === 0 || c > 0 || (c === 0 && (r.min.exclusive || r.max.exclusive || r.min.inf !== 0))) return [0, 0];
  if (!lexGteMin(z.iter(n - 1).member, r.min) || !lexLteMax(z.iter(0).member, r.max)) return [0, 0];
  if (z.isListpack) {
    const it = z.iter(reverse ? n - 1 : 0);
    if (!reverse) {
      let i = 0;
      for (; i < n && !lexGteMin(it.member, r.min); i++) it.next();
      let j = i;
      for (; j < n && lexLteMax(it.member, r.max); j++) it.next();
      return [i, j];
    }
    let i = n - 1;
    for (; i >= 0 && !lexLteMax(it.member, r.max); i--) it.prev();
    let j = i;
    for (; j >= 0 && lexGteMin(it.member, r.min); j--) it.prev();
    return [j + 1, i + 1];
  }
  const lo = r.min.inf < 0 ? 0 : r.min.inf > 0 ? n : z.countLexBelow(r.min.value, r.min.exclusive);
  const hi = r.max.inf > 0 ? n : r.max.inf < 0 ? 0 : z.countLexBelow(r.max.value, !r.max.exclusive);
  return [lo, Math.max(lo, hi)];
}

// ---- replies -------------------------------------------------------------------------------

/**
 * Header of a reply of n members, with scores or not: RESP2 flattens member/score pairs,
 * RESP3 nests each pair in a two-element array (Redis 7.0's shape for the ZRANGE family).
 */
export function scoredArrayHeader(ctx: CommandContext, n: number, withScores: boolean): void {
  ctx.reply.arrayHeader(withScores && ctx.reply.resp === 2 ? n * 2 : n);
}

/** One member of a scoredArrayHeader reply. */
export function scoredEntry(ctx: CommandContext, member: string, score: number, withScores: boolean): void {
  const r = ctx.reply;
  if (!withScores) {
    r.bulk(member);
    return;
  }
  if (r.resp === 3) r.arrayHeader(2);
  r.bulk(member);
  r.double(score);
}

/** Clamp an int64 argument (number or bigint) to a JS number for index arithmetic. */
export function toIndex(v: number | bigint): number {
  return typeof v === 'number' ? v : v > 0n ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
}

/** Key positions of `numkeys key [key ...]` with numkeys at argv[idx] (movable keys). */
export function numkeysKeys(argv: { argc: number; safeInt(i: number): number | null }, idx: number): number[] {
  const n = argv.safeInt(idx);
  const out: number[] = [];
  if (n === null || n <= 0) return out;
  for (let i = idx + 1; i <= idx + n && i < argv.argc; i++) out.push(i);
  return out;
}
