/**
 * Intset: a sorted set of int64 values packed into ONE latin1 string, the 'intset' encoding of
 * small integer sets — Redis's intset layout: every element has the same width (2, 4 or 8
 * bytes, little-endian two's complement), chosen by the widest value ever added (it never
 * narrows). Look-ups are binary searches; an insertion or removal builds a new string, as
 * Redis's intset reallocates and moves memory. A 512-member intset of small ids costs
 * 16 + 1024 bytes, as in Redis.
 *
 * Elements are decoded as (hi, lo) 32-bit halves, so no BigInt is needed except to print a
 * value beyond 2^53.
 *
 * Imports nothing from src/.
 */

/** An int64 as two 32-bit halves: hi signed, lo unsigned. */
export interface Int64Parts {
  hi: number;
  lo: number;
}

const TWO32 = 4294967296;

/** Split a member already known to be an int64 (number: safe integer, or bigint). */
export function toParts(v: number | bigint, out: Int64Parts): Int64Parts {
  if (typeof v === 'number') {
    const hi = Math.floor(v / TWO32);
    out.hi = hi;
    out.lo = v - hi * TWO32;
  } else {
    out.hi = Number(BigInt.asIntN(32, v >> 32n));
    out.lo = Number(BigInt.asUintN(32, v));
  }
  return out;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Redis's string2ll as a membership test for an intset: a canonical int64 (optional '-', no
 * '+', no leading zeros, not "-0", nothing else). Fills `out` and returns true when it is one.
 */
export function parseInt64Parts(s: string, out: Int64Parts): boolean {
  const n = s.length;
  if (n === 0 || n > 20) return false;
  let p = 0;
  if (s.charCodeAt(0) === 0x2d) {
    if (n === 1) return false;
    p = 1;
  }
  const first = s.charCodeAt(p);
  if (first === 0x30) {
    if (n !== 1) return false;
    out.hi = 0;
    out.lo = 0;
    return true;
  }
  if (first < 0x31 || first > 0x39) return false;
  for (let i = p + 1; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  if (n - p <= 15) {
    const v = Number(s);
    toParts(v, out);
    return true;
  }
  const big = BigInt(s);
  if (big < INT64_MIN || big > INT64_MAX) return false;
  toParts(big, out);
  return true;
}

/** The width (2, 4 or 8) a value needs. */
export function widthFor(p: Int64Parts): number {
  if (p.hi === 0 && p.lo <= 0x7fff) return 2;
  if (p.hi === -1 && p.lo >= 0xffff8000) return 2;
  if (p.hi === 0 && p.lo <= 0x7fffffff) return 4;
  if (p.hi === -1 && p.lo >= 0x80000000) return 4;
  return 8;
}

/** Decode element i into `out`. */
function partsAt(s: string, w: number, i: number, out: Int64Parts): void {
  const o = i * w;
  if (w === 2) {
    const v = ((s.charCodeAt(o) | (s.charCodeAt(o + 1) << 8)) << 16) >> 16;
    out.hi = v < 0 ? -1 : 0;
    out.lo = v >>> 0;
  } else if (w === 4) {
    const v = s.charCodeAt(o) | (s.charCodeAt(o + 1) << 8) | (s.charCodeAt(o + 2) << 16) | (s.charCodeAt(o + 3) << 24);
    out.hi = v < 0 ? -1 : 0;
    out.lo = v >>> 0;
  } else {
    out.lo = (s.charCodeAt(o) | (s.charCodeAt(o + 1) << 8) | (s.charCodeAt(o + 2) << 16) | (s.charCodeAt(o + 3) << 24)) >>> 0;
    out.hi = s.charCodeAt(o + 4) | (s.charCodeAt(o + 5) << 8) | (s.charCodeAt(o + 6) << 16) | (s.charCodeAt(o + 7) << 24);
  }
}

const probe: Int64Parts = { hi: 0, lo: 0 };

/** Decimal text of an int64 given as halves. */
export function partsToString(hi: number, lo: number): string {
  if (hi >= -0x200000 && hi < 0x200000) return String(hi * TWO32 + lo);
  return ((BigInt(hi) << 32n) + BigInt(lo)).toString();
}

/** Element i as its decimal text. */
export function intsetGet(s: string, w: number, i: number): string {
  partsAt(s, w, i, probe);
  return partsToString(probe.hi, probe.lo);
}

/**
 * Binary search: the index of v if present, else -(insertion point) - 1.
 */
export function intsetSearch(s: string, w: number, v: Int64Parts): number {
  let lo = 0;
  let hi = s.length / w - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    partsAt(s, w, mid, probe);
    const c = probe.hi !== v.hi ? probe.hi - v.hi : probe.lo - v.lo;
    if (c === 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -lo - 1;
}

let scratch = Buffer.allocUnsafe(1024);

function room(n: number): Buffer {
  if (scratch.length < n) scratch = Buffer.allocUnsafe(Math.max(n, scratch.length * 2));
  return scratch;
}

function put(b: Buffer, o: number, w: number, p: Int64Parts): void {
  const lo = p.lo;
  b[o] = lo & 0xff;
  b[o + 1] = (lo >>> 8) & 0xff;
  if (w === 2) return;
  b[o + 2] = (lo >>> 16) & 0xff;
  b[o + 3] = (lo >>> 24) & 0xff;
  if (w === 4) return;
  const hi = p.hi;
  b[o + 4] = hi & 0xff;
  b[o + 5] = (hi >>> 8) & 0xff;
  b[o + 6] = (hi >>> 16) & 0xff;
  b[o + 7] = (hi >>> 24) & 0xff;
}

/** s re-encoded from width w to the wider width nw. */
export function intsetUpgrade(s: string, w: number, nw: number): string {
  const n = s.length / w;
  const b = room(n * nw);
  for (let i = 0; i < n; i++) {
    partsAt(s, w, i, probe);
    put(b, i * nw, nw, probe);
  }
  return b.latin1Slice(0, n * nw);
}

/** s with v inserted at index `at` (from intsetSearch's insertion point). */
export function intsetInsertAt(s: string, w: number, at: number, v: Int64Parts): string {
  const b = room(s.length + w);
  const cut = at * w;
  let o = cut > 0 ? b.latin1Write(s, 0, cut) : 0;
  put(b, o, w, v);
  o += w;
  if (cut < s.length) o += b.latin1Write(s.slice(cut), o, s.length - cut);
  return b.latin1Slice(0, o);
}

/** s without element i. */
export function intsetRemoveAt(s: string, w: number, i: number): string {
  const b = room(s.length);
  const cut = i * w;
  let o = cut > 0 ? b.latin1Write(s, 0, cut) : 0;
  const rest = cut + w;
  if (rest < s.length) o += b.latin1Write(s.slice(rest), o, s.length - rest);
  return b.latin1Slice(0, o);
}
