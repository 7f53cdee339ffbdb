/**
 * Stream entry IDs: two unsigned 64-bit numbers, <ms>-<seq>, compared as one 128-bit number.
 *
 * Both halves span the full uint64 range (XADD 18446744073709551615-18446744073709551615 is
 * legal), which a JS double cannot hold exactly. An ID is therefore four uint32 words; the
 * arithmetic Redis needs (compare, successor, predecessor, the listpack deltas) works on the
 * words, and BigInt appears only when parsing or printing a half beyond 2^53. Real IDs have
 * a millisecond time below 2^53 and a small sequence, so printing them stays on plain numbers.
 *
 * Counters that Redis keeps as 64-bit integers and that users can set to any int64 (a
 * stream's entries_added, a group's entries_read, a delivery count) are `Count`s: a number
 * while it is a safe integer, a bigint beyond.
 *
 * Imports nothing from src/.
 */

const TWO32 = 4294967296;
const U32_MAX = 0xffffffff;
/** Above this high word a 64-bit half no longer fits a safe integer. */
const SAFE_HI = 0x200000;

export class StreamID {
  readonly msHi: number;
  readonly msLo: number;
  readonly seqHi: number;
  readonly seqLo: number;

  constructor(msHi: number, msLo: number, seqHi: number, seqLo: number) {
    this.msHi = msHi;
    this.msLo = msLo;
    this.seqHi = seqHi;
    this.seqLo = seqLo;
  }

  /** An ID from two safe non-negative integers. */
  static of(ms: number, seq: number): StreamID {
    return new StreamID(Math.floor(ms / TWO32), ms % TWO32, Math.floor(seq / TWO32), seq % TWO32);
  }

  /** "<ms>-<seq>", as Redis prints IDs. */
  toString(): string {
    return `${u64ToString(this.msHi, this.msLo)}-${u64ToString(this.seqHi, this.seqLo)}`;
  }

  isZero(): boolean {
    return this.msHi === 0 && this.msLo === 0 && this.seqHi === 0 && this.seqLo === 0;
  }

  isMax(): boolean {
    return this.msHi === U32_MAX && this.msLo === U32_MAX && this.seqHi === U32_MAX && this.seqLo === U32_MAX;
  }

  /** The millisecond half as a safe integer, or Infinity when it is beyond 2^53. */
  msNumber(): number {
    return this.msHi < SAFE_HI ? this.msHi * TWO32 + this.msLo : Infinity;
  }
}

export const ID_MIN = new StreamID(0, 0, 0, 0);
export const ID_MAX = new StreamID(U32_MAX, U32_MAX, U32_MAX, U32_MAX);

/** -1, 0 or 1 as a is smaller than, equal to or greater than b (streamCompareID). */
export function cmpId(a: StreamID, b: StreamID): number {
  if (a.msHi !== b.msHi) return a.msHi < b.msHi ? -1 : 1;
  if (a.msLo !== b.msLo) return a.msLo < b.msLo ? -1 : 1;
  if (a.seqHi !== b.seqHi) return a.seqHi < b.seqHi ? -1 : 1;
  if (a.seqLo !== b.seqLo) return a.seqLo < b.seqLo ? -1 : 1;
  return 0;
}

/** Compare an ID with the one stored as four words at `words[o..o+3]`. */
export function cmpIdWords(a: StreamID, words: Uint32Array, o: number): number {
  const h = words[o] as number;
  if (a.msHi !== h) return a.msHi < h ? -1 : 1;
  const l = words[o + 1] as number;
  if (a.msLo !== l) return a.msLo < l ? -1 : 1;
  const sh = words[o + 2] as number;
  if (a.seqHi !== sh) return a.seqHi < sh ? -1 : 1;
  const sl = words[o + 3] as number;
  if (a.seqLo !== sl) return a.seqLo < sl ? -1 : 1;
  return 0;
}

export function writeIdWords(id: StreamID, words: Uint32Array, o: number): void {
  words[o] = id.msHi;
  words[o + 1] = id.msLo;
  words[o + 2] = id.seqHi;
  words[o + 3] = id.seqLo;
}

export function readIdWords(words: Uint32Array, o: number): StreamID {
  return new StreamID(words[o] as number, words[o + 1] as number, words[o + 2] as number, words[o + 3] as number);
}

/** The next ID (streamIncrID); null when `id` is the largest possible one. */
export function incrId(id: StreamID): StreamID | null {
  let { msHi, msLo, seqHi, seqLo } = id;
  if (seqLo < U32_MAX) return new StreamID(msHi, msLo, seqHi, seqLo + 1);
  seqLo = 0;
  if (seqHi < U32_MAX) return new StreamID(msHi, msLo, seqHi + 1, seqLo);
  seqHi = 0;
  if (msLo < U32_MAX) return new StreamID(msHi, msLo + 1, 0, 0);
  msLo = 0;
  if (msHi < U32_MAX) return new StreamID(msHi + 1, 0, 0, 0);
  return null;
}

/** The previous ID (streamDecrID); null when `id` is 0-0. */
export function decrId(id: StreamID): StreamID | null {
  const { msHi, msLo, seqHi, seqLo } = id;
  if (seqLo > 0) return new StreamID(msHi, msLo, seqHi, seqLo - 1);
  if (seqHi > 0) return new StreamID(msHi, msLo, seqHi - 1, U32_MAX);
  if (msLo > 0) return new StreamID(msHi, msLo - 1, U32_MAX, U32_MAX);
  if (msHi > 0) return new StreamID(msHi - 1, U32_MAX, U32_MAX, U32_MAX);
  return null;
}

/** Same milliseconds, sequence + 1; null when the sequence is already 2^64-1. */
export function nextSeq(id: StreamID): StreamID | null {
  if (id.seqLo < U32_MAX) return new StreamID(id.msHi, id.msLo, id.seqHi, id.seqLo + 1);
  if (id.seqHi < U32_MAX) return new StreamID(id.msHi, id.msLo, id.seqHi + 1, 0);
  return null;
}

export function u64ToString(hi: number, lo: number): string {
  if (hi < SAFE_HI) return String(hi * TWO32 + lo);
  return ((BigInt(hi) << 32n) | BigInt(lo)).toString();
}

const U64_MAX = (1n << 64n) - 1n;

/** A uint64 as its [high, low] 32-bit words. */
function u64Words(v: bigint): [number, number] {
  return [Number(v >> 32n), Number(v & 0xffffffffn)];
}

function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/**
 * Redis's string2ull: a strict int64 (string2ll) that must not be negative, or else whatever
 * strtoull accepts over the whole string — leading white space, a sign (a minus wraps around
 * modulo 2^64), leading zeros — as long as it fits 64 bits. Returns [hi, lo] or null.
 */
export function parseU64(s: string): [number, number] | null {
  const n = s.length;
  if (n === 0) return null;
  // Fast path: a canonical decimal of up to 15 digits.
  if (n <= 15) {
    const c0 = s.charCodeAt(0);
    if ((c0 >= 0x31 && c0 <= 0x39) || (c0 === 0x30 && n === 1)) {
      let v = 0;
      let ok = true;
      for (let i = 0; i < n; i++) {
        const d = s.charCodeAt(i) - 0x30;
        if (d < 0 || d > 9) {
          ok = false;
          break;
        }
        v = v * 10 + d;
      }
      if (ok) return [Math.floor(v / TWO32), v % TWO32];
    }
  }
  // strtoull semantics.
  let p = 0;
  while (p < n && isSpace(s.charCodeAt(p))) p++;
  let neg = false;
  const sign = s.charCodeAt(p);
  if (sign === 0x2b || sign === 0x2d) {
    neg = sign === 0x2d;
    p++;
  }
  if (p >= n) return null;
  let v = 0n;
  for (let i = p; i < n; i++) {
    const d = s.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return null;
    v = v * 10n + BigInt(d);
    if (v > U64_MAX) return null; // ERANGE
  }
  // string2ll would have accepted a canonical negative int64: string2ull rejects that.
  if (neg && v !== 0n && p === 1 && s.charCodeAt(1) !== 0x30 && v <= 1n << 63n) return null;
  if (neg) v = (U64_MAX + 1n - v) & U64_MAX;
  return u64Words(v);
}

/** Text printed by Redis through "%s": it ends at the first NUL byte. */
export function cstr(s: string): string {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}

// ---- 64-bit counters ----------------------------------------------------------------------

export type Count = number | bigint;

export function countIncr(c: Count): Count {
  if (typeof c === 'bigint') return c + 1n;
  return c < Number.MAX_SAFE_INTEGER ? c + 1 : BigInt(c) + 1n;
}

/** a - b, as Redis's long long arithmetic (bigint only when needed). */
export function countSub(a: Count, b: Count): Count {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a - b;
    if (Number.isSafeInteger(r)) return r;
  }
  return normalizeCount(BigInt(a) - BigInt(b));
}

export function normalizeCount(v: bigint): Count {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
}

export function countCmp(a: Count, b: Count): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function isZeroCount(c: Count): boolean {
  return c === 0 || c === 0n;
}

// ---- listpack sizes ----------------------------------------------------------------------

/** Bytes of a listpack entry holding the integer v (encoding + data + back-length). */
export function lpIntSize(v: number): number {
  if (v >= 0 && v <= 127) return 2;
  if (v >= -4096 && v <= 4095) return 3;
  if (v >= -32768 && v <= 32767) return 4;
  if (v >= -8388608 && v <= 8388607) return 5;
  if (v >= -2147483648 && v <= 2147483647) return 6;
  return 10;
}

/** Bytes of the listpack entry holding (a - b) mod 2^64 read as an int64 (a delta of two halves). */
export function lpDeltaSize(aHi: number, aLo: number, bHi: number, bLo: number): number {
  let lo = aLo - bLo;
  let borrow = 0;
  if (lo < 0) {
    lo += TWO32;
    borrow = 1;
  }
  let hi = aHi - bHi - borrow;
  if (hi < 0) hi += TWO32;
  if (hi === 0) return lpIntSize(lo);
  if (hi === U32_MAX) return lpIntSize(lo - TWO32);
  return 10;
}

function backlenSize(l: number): number {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

/**
 * Bytes of the listpack entry for the string s: strings that read as an int64 are stored as
 * integers (lpStringToInt64), the rest with a 1, 2 or 5 byte length header.
 */
export function lpStrSize(s: string): number {
  const n = s.length;
  if (n > 0 && n <= 20) {
    const iv = lpStringToInt(s);
    if (iv !== null) return lpIntSize(iv);
  }
  const l = n <= 63 ? 1 + n : n <= 4095 ? 2 + n : 5 + n;
  return l + backlenSize(l);
}

/** string2ll over s; a value beyond the safe range comes back as ±Infinity-sized sentinel. */
function lpStringToInt(s: string): number | null {
  const n = s.length;
  let p = 0;
  if (s.charCodeAt(0) === 0x2d) {
    if (n === 1) return null;
    p = 1;
  }
  const first = s.charCodeAt(p);
  if (first === 0x30) return n === 1 ? 0 : null;
  if (first < 0x31 || first > 0x39) return null;
  let v = 0;
  for (let i = p; i < n; i++) {
    const d = s.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return null;
    v = v * 10 + d;
  }
  if (n - p >= 16) {
    // Beyond 2^53: only the range check matters (any such value takes the 64-bit encoding).
    const big = BigInt(s);
    if (big > 9223372036854775807n || big < -9223372036854775808n) return null;
    return p === 1 ? -Number.MAX_VALUE : Number.MAX_VALUE;
  }
  return p === 1 ? -v : v;
}
