/**
 * Correctly rounded sin, cos and asin: double-double arithmetic (about 104 bits) rounded once
 * to a double.
 *
 * Why: JavaScript's Math.sin/cos/asin (V8's fdlibm port) and glibc's differ in the last bit
 * for a few percent of arguments, and a distance Redis stores as a sorted-set score
 * (GEOSEARCHSTORE ... STOREDIST) is printed with 17 significant digits, where one bit shows.
 * glibc's results are the correctly rounded ones for all but about one argument in a
 * thousand, so these functions reproduce Redis's numbers far more often than Math does.
 *
 * Cost: a table-driven fast path good to about 2^-66 settles nearly every call in about
 * 0.25 µs (Math.sin: 0.035 µs); a result that close to a rounding boundary is recomputed
 * with full Taylor series (about 1 µs). Arguments beyond 1e5 are left to Math.
 *
 * Imports nothing.
 */

// ---- double-double primitives ------------------------------------------------------------------
// A value is hi + lo with |lo| <= ulp(hi)/2. Results go through module scratch ((R[0] as number), (R[1] as number)) to
// avoid allocating a pair per operation.

const R = new Float64Array(2);

const SPLITTER = 134217729; // 2^27 + 1

/** (R[0] as number) + R[1] = a + b exactly. */
function twoSum(a: number, b: number): void {
  const s = a + b;
  const bb = s - a;
  R[1] = a - (s - bb) + (b - bb);
  R[0] = s;
}

/** (R[0] as number) + R[1] = a * b exactly (Dekker's product with Veltkamp's split). */
function twoProd(a: number, b: number): void {
  const p = a * b;
  let c = SPLITTER * a;
  const ah = c - (c - a);
  const al = a - ah;
  c = SPLITTER * b;
  const bh = c - (c - b);
  const bl = b - bh;
  R[1] = ah * bh - p + ah * bl + al * bh + al * bl;
  R[0] = p;
}

/** (ah + al) + (bh + bl). */
function ddAdd(ah: number, al: number, bh: number, bl: number): void {
  twoSum(ah, bh);
  const sh = (R[0] as number);
  let sl = (R[1] as number);
  twoSum(al, bl);
  const th = (R[0] as number);
  const tl = (R[1] as number);
  sl += th;
  twoSum(sh, sl);
  const uh = (R[0] as number);
  const ul = (R[1] as number) + tl;
  twoSum(uh, ul);
}

/** (ah + al) * (bh + bl). */
function ddMul(ah: number, al: number, bh: number, bl: number): void {
  twoProd(ah, bh);
  const ph = (R[0] as number);
  const pl = (R[1] as number) + (ah * bl + al * bh);
  twoSum(ph, pl);
}

/** (ah + al) / (bh + bl), by one correction of the double quotient. */
function ddDiv(ah: number, al: number, bh: number, bl: number): void {
  const q1 = ah / bh;
  ddMul(bh, bl, q1, 0);
  const mh = (R[0] as number);
  const ml = (R[1] as number);
  ddAdd(ah, al, -mh, -ml);
  const q2 = (R[0] as number) / bh;
  twoSum(q1, q2);
}

// ---- sin and cos -------------------------------------------------------------------------------

// π/2 as three doubles (hi + mid + lo, about 160 bits).
const PIO2_HI = 1.5707963267948966;
const PIO2_MID = 6.123233995736766e-17;
const PIO2_LO = -1.4973849048591698e-33;

// 1/n! for the Taylor series as double-doubles: INV_FACT[2n] + INV_FACT[2n + 1], from an exact
// BigInt quotient (2^200 / n! truncated is far more precise than the two doubles keep).
const INV_FACT: number[] = [];
{
  let f = 1n;
  for (let n = 0; n <= 40; n++) {
    if (n > 0) f *= BigInt(n);
    const q = (1n << 200n) / f;
    const hi = Number(q);
    INV_FACT.push(hi * 2 ** -200, Number(q - BigInt(hi)) * 2 ** -200);
  }
}

/**
 * sin (odd = true) or cos of a reduced argument r = r0h + r0l, |r| <= π/4 + a little, by its
 * Taylor series in double-double (the first term left out is below 2^-107 of the result);
 * the result is left in ((R[0] as number), (R[1] as number)).
 */
function taylor(r0h: number, r0l: number, odd: boolean): void {
  ddMul(r0h, r0l, r0h, r0l);
  const x2h = (R[0] as number);
  const x2l = (R[1] as number);
  // Horner from the highest term: sum_k (-1)^k x^(2k) / (2k + j)!, j = 1 for sin, 0 for cos.
  const j = odd ? 1 : 0;
  const top = 13;
  let sh = INV_FACT[2 * (2 * top + j)] as number;
  let sl = INV_FACT[2 * (2 * top + j) + 1] as number;
  if (top % 2 === 1) {
    sh = -sh;
    sl = -sl;
  }
  for (let k = top - 1; k >= 0; k--) {
    ddMul(sh, sl, x2h, x2l);
    let ch = INV_FACT[2 * (2 * k + j)] as number;
    let cl = INV_FACT[2 * (2 * k + j) + 1] as number;
    if (k % 2 === 1) {
      ch = -ch;
      cl = -cl;
    }
    ddAdd((R[0] as number), (R[1] as number), ch, cl);
    sh = (R[0] as number);
    sl = (R[1] as number);
  }
  if (odd) ddMul(sh, sl, r0h, r0l);
  else {
    R[0] = sh;
    R[1] = sl;
  }
}

/** Reduce x by the nearest multiple k of π/2: ((R[0] as number), (R[1] as number)) = x - kπ/2; returns k mod 4. */
function reduce(x: number): number {
  const k = Math.round(x / PIO2_HI);
  // k * PIO2_HI and k * PIO2_MID are taken exactly; k * PIO2_LO's rounding is far below 2^-106.
  twoProd(k, PIO2_HI);
  const ph = (R[0] as number);
  const pl = (R[1] as number);
  ddAdd(x, 0, -ph, -pl);
  const ah = (R[0] as number);
  const al = (R[1] as number);
  twoProd(k, PIO2_MID);
  const mh = (R[0] as number);
  const ml = (R[1] as number) + k * PIO2_LO;
  ddAdd(ah, al, -mh, -ml);
  return ((k % 4) + 4) % 4;
}

/** Arguments beyond this are left to Math (they never occur in geo distances). */
const MAX_REDUCED = 1e5;

function sinOrCos(x: number, cos: boolean): number {
  const q = reduce(x) + (cos ? 1 : 0);
  const r0h = (R[0] as number);
  const r0l = (R[1] as number);
  taylor(r0h, r0l, q % 2 === 0);
  const v = (R[0] as number) + (R[1] as number);
  return (q & 2) === 0 ? v : -v;
}

function slowSin(x: number): number {
  if (!(Math.abs(x) <= MAX_REDUCED)) return Math.sin(x);
  if (Math.abs(x) < 2 ** -26) return x; // x^3/6 is below half an ulp of x
  return sinOrCos(x, false);
}

function slowCos(x: number): number {
  if (!(Math.abs(x) <= MAX_REDUCED)) return Math.cos(x);
  if (Math.abs(x) < 2 ** -27) return 1;
  return sinOrCos(x, true);
}

// ---- asin ----------------------------------------------------------------------------------------

/**
 * asin by one Newton step on sin from Math.asin's estimate t: t + (y - sin t) / cos t, with
 * sin t and cos t in double-double. Math.asin is within an ulp, so one step leaves an error
 * far below what the final rounding can see.
 */
function slowAsin(y: number): number {
  if (!(Math.abs(y) <= 1)) return NaN;
  if (Math.abs(y) < 2 ** -26) return y;
  if (Math.abs(y) === 1) return Math.asin(y);
  const t = Math.asin(y);
  const q = reduce(t);
  const r0h = (R[0] as number);
  const r0l = (R[1] as number);
  taylor(r0h, r0l, true);
  const rsh = (R[0] as number);
  const rsl = (R[1] as number);
  taylor(r0h, r0l, false);
  const rch = (R[0] as number);
  const rcl = (R[1] as number);
  // t = r + qπ/2 with t in [-π/2, π/2]: q is 0, 1 or 3 (-1).
  let sh = rsh;
  let sl = rsl;
  let ch = rch;
  let cl = rcl;
  if (q === 1) {
    sh = rch;
    sl = rcl;
    ch = -rsh;
    cl = -rsl;
  } else if (q === 3) {
    sh = -rch;
    sl = -rcl;
    ch = rsh;
    cl = rsl;
  }
  ddAdd(y, 0, -sh, -sl);
  ddDiv((R[0] as number), (R[1] as number), ch, cl);
  ddAdd(t, 0, (R[0] as number), (R[1] as number));
  return (R[0] as number);
}

// ---- the fast path ---------------------------------------------------------------------------------
// The Taylor series above cost about a microsecond. Most of the time far less precision
// decides the rounding (Ziv's strategy): sin and cos of a + b, with a = i/64 from a table of
// double-double values and |b| <= 1/128 through short polynomials, are good to about 2^-66;
// when the result is that close to a rounding boundary, the slow path decides.

/** sin(i/64), cos(i/64) as double-doubles for i = 0..52 (enough for |r| <= π/4 + 1/128). */
const TABLE_N = 53;
const SIN_HI = new Float64Array(TABLE_N);
const SIN_LO = new Float64Array(TABLE_N);
const COS_HI = new Float64Array(TABLE_N);
const COS_LO = new Float64Array(TABLE_N);
for (let i = 0; i < TABLE_N; i++) {
  taylor(i / 64, 0, true);
  SIN_HI[i] = (R[0] as number);
  SIN_LO[i] = (R[1] as number);
  taylor(i / 64, 0, false);
  COS_HI[i] = (R[0] as number);
  COS_LO[i] = (R[1] as number);
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/**
 * Half the gap between h and its neighbour on the side of l: the distance from h to the
 * rounding boundary the value h + l must not cross (the gap below a power of two is half
 * the gap above it).
 */
function halfGap(h: number, l: number): number {
  f64[0] = h;
  const hi = u32[1] as number;
  const exp = (hi >>> 20) & 0x7ff;
  const powerOfTwo = (hi & 0xfffff) === 0 && u32[0] === 0;
  const towardZero = (h > 0 && l < 0) || (h < 0 && l > 0);
  let e = exp - 53;
  if (powerOfTwo && towardZero) e--;
  if (e <= 0) return 2 ** -1075;
  u32[1] = e << 20;
  u32[0] = 0;
  return f64[0] as number;
}

/** Bound of the fast path's error relative to its result (with margin). */
const FAST_ERR = 2 ** -63;

/**
 * sin (wantSin) or cos of r = r0h + r0l, |r| <= π/4 + a little, to about 2^-66; the result
 * is left in ((R[0] as number), (R[1] as number)).
 */
function fastKernel(r0h: number, r0l: number, wantSin: boolean): void {
  const neg = r0h < 0;
  const ah = neg ? -r0h : r0h;
  const al = neg ? -r0l : r0l;
  const i = Math.round(ah * 64);
  const bh = ah - i / 64; // exact: ah is within 1/128 of i/64
  const bl = al;
  const b2 = bh * bh;
  // sin b - b and cos b - 1 (whose leading -b^2/2 is kept exactly).
  const sb = bh * b2 * (-1 / 6 + b2 * (1 / 120 + b2 * (-1 / 5040)));
  twoProd(bh, bh);
  const cbh = -(R[0] as number) / 2;
  const cbl = -(R[1] as number) / 2 - bh * bl + b2 * b2 * (1 / 24 + b2 * (-1 / 720 + b2 * (1 / 40320)));
  const sh = SIN_HI[i] as number;
  const sl = SIN_LO[i] as number;
  const ch = COS_HI[i] as number;
  const cl = COS_LO[i] as number;
  if (wantSin) {
    // sin(a + b) = sin a + (sin a (cos b - 1) + cos a sin b)
    twoProd(sh, cbh);
    const p1h = (R[0] as number);
    const p1l = (R[1] as number) + sh * cbl + sl * cbh;
    twoProd(ch, bh);
    const p2h = (R[0] as number);
    const p2l = (R[1] as number) + ch * bl + cl * bh + ch * sb;
    ddAdd(p1h, p1l, p2h, p2l);
    ddAdd(sh, sl, (R[0] as number), (R[1] as number));
  } else {
    // cos(a + b) = cos a + (cos a (cos b - 1) - sin a sin b)
    twoProd(ch, cbh);
    const p1h = (R[0] as number);
    const p1l = (R[1] as number) + ch * cbl + cl * cbh;
    twoProd(sh, bh);
    const p2h = (R[0] as number);
    const p2l = (R[1] as number) + sh * bl + sl * bh + sh * sb;
    ddAdd(p1h, p1l, -p2h, -p2l);
    ddAdd(ch, cl, (R[0] as number), (R[1] as number));
  }
  if (neg && wantSin) {
    R[0] = -(R[0] as number);
    R[1] = -(R[1] as number);
  }
}

/** Does the value h + l, known within err, certainly round to h? */
function decided(h: number, l: number, err: number): boolean {
  return h !== 0 && Math.abs(l) + err < halfGap(h, l);
}

function fastSinCos(x: number, cos: boolean): number {
  const q = reduce(x) + (cos ? 1 : 0);
  fastKernel((R[0] as number), (R[1] as number), q % 2 === 0);
  if (decided((R[0] as number), (R[1] as number), Math.abs((R[0] as number)) * FAST_ERR)) return (q & 2) === 0 ? (R[0] as number) : -(R[0] as number);
  return cos ? slowCos(x) : slowSin(x);
}

/** sin x, correctly rounded (for |x| up to 1e5; beyond, Math.sin). */
export function crSin(x: number): number {
  if (!(Math.abs(x) <= MAX_REDUCED)) return Math.sin(x);
  if (Math.abs(x) < 2 ** -26) return x;
  return fastSinCos(x, false);
}

/** cos x, correctly rounded (for |x| up to 1e5; beyond, Math.cos). */
export function crCos(x: number): number {
  if (!(Math.abs(x) <= MAX_REDUCED)) return Math.cos(x);
  if (Math.abs(x) < 2 ** -27) return 1;
  return fastSinCos(x, true);
}

/** asin y, correctly rounded: one Newton step from Math.asin with the fast sin and cos. */
export function crAsin(y: number): number {
  if (!(Math.abs(y) <= 1)) return NaN;
  if (Math.abs(y) < 2 ** -26) return y;
  if (Math.abs(y) === 1) return Math.asin(y);
  const t = Math.asin(y);
  const q = reduce(t);
  const r0h = (R[0] as number);
  const r0l = (R[1] as number);
  fastKernel(r0h, r0l, true);
  const rsh = (R[0] as number);
  const rsl = (R[1] as number);
  fastKernel(r0h, r0l, false);
  const rch = (R[0] as number);
  const rcl = (R[1] as number);
  // t = r + qπ/2: q is 0, 1 or 3 (-1).
  let sh = rsh;
  let sl = rsl;
  let c = rch;
  if (q === 1) {
    sh = rch;
    sl = rcl;
    c = -rsh;
  } else if (q === 3) {
    sh = -rch;
    sl = -rcl;
    c = rsh;
  }
  // y - sin t is exact in its high part (they are within an ulp or two).
  const delta = (y - sh - sl) / c;
  twoSum(t, delta);
  const err = (Math.abs(y) * FAST_ERR) / Math.abs(c) + Math.abs(delta) * 2 ** -50;
  return decided((R[0] as number), (R[1] as number), err) ? (R[0] as number) : slowAsin(y);
}
