/**
 * HyperLogLog in Redis 7.0's exact byte layout, so that the string a PFADD leaves behind is
 * the string redis-server would store (GET, DUMP/RESTORE, RDB and replicas all see the bytes).
 *
 * A HyperLogLog is an ordinary string value. It starts with a 16-byte header:
 *   "HYLL" | encoding (0 dense, 1 sparse) | 3 unused bytes | cached cardinality (8 bytes,
 *   little endian; bit 7 of the last byte set means "stale, recompute").
 * Dense: 16384 registers of 6 bits, packed from the least significant bit of each byte up.
 * Sparse: run-length opcodes over the registers:
 *   ZERO  00xxxxxx           1..64 registers at 0
 *   XZERO 01xxxxxx yyyyyyyy  1..16384 registers at 0 (14-bit length, high bits first)
 *   VAL   1vvvvvxx           1..4 registers at value 1..32
 * A sparse value is promoted to dense when a register needs a value above 32 or when growing
 * it would pass hll-sparse-max-bytes.
 *
 * Elements are hashed with MurmurHash64A (seed 0xadc83b19), computed on 32-bit halves: the
 * 64-bit products are assembled from 16-bit limbs, which keeps the hot path free of BigInt.
 * The cardinality is Ertl's estimator over the register histogram, in the same order of
 * double operations as Redis, so PFCOUNT answers the same number.
 *
 * Corrupted input never throws: reads past the value's length see 0 (as the C code sees the
 * sds terminator) and writes past it are dropped, so a crafted string fails the same checks
 * it fails in Redis.
 *
 * Imports only values/ (RawString).
 */
import { RawString } from './string.js';

export const HLL_P = 14;
export const HLL_Q = 64 - HLL_P;
export const HLL_REGISTERS = 1 << HLL_P;
const HLL_P_MASK = HLL_REGISTERS - 1;
const HLL_BITS = 6;
const HLL_REGISTER_MAX = (1 << HLL_BITS) - 1;
export const HLL_HDR_SIZE = 16;
export const HLL_DENSE_SIZE = HLL_HDR_SIZE + ((HLL_REGISTERS * HLL_BITS + 7) >>> 3);
export const HLL_DENSE = 0;
export const HLL_SPARSE = 1;
const HLL_MAX_ENCODING = 1;

const SPARSE_VAL_MAX_VALUE = 32;
const SPARSE_VAL_MAX_LEN = 4;
const SPARSE_ZERO_MAX_LEN = 64;
const SPARSE_XZERO_MAX_LEN = 16384;
/** Byte 7 of the cached cardinality; its top bit marks the cache stale. */
const CARD_MSB = 15;

/** 0.5 / ln(2), as Redis writes it. */
const HLL_ALPHA_INF = 0.72134752044448170368;
const TWO_32 = 4294967296;
const TWO_63 = 9223372036854775808;
/** What llroundl yields on x86-64 for a value beyond int64 (the "integer indefinite"). */
const LLONG_MIN = -TWO_63;

// ---- MurmurHash64A ---------------------------------------------------------------------------

const MURMUR_M_HI = 0xc6a4a793;
const MURMUR_M_LO = 0x5bd1e995;
export const HLL_HASH_SEED = 0xadc83b19;

// Result of the last mulM / murmurHash64A as two int32 halves (module scratch: no allocation
// per element). Everything below stays in int32 arithmetic, which V8 keeps unboxed.
let rHi = 0;
let rLo = 0;

/** (hi:lo) * m mod 2^64 into rHi:rLo, from 16-bit limbs of lo (m's limbs are constants). */
function mulM(hi: number, lo: number): void {
  const a0 = lo & 0xffff;
  const a1 = lo >>> 16;
  // lo * 0x5bd1e995 in full: p00 + (p01 + p10) << 16 + p11 << 32.
  const p00 = Math.imul(a0, 0xe995);
  const p01 = Math.imul(a0, 0x5bd1);
  const p10 = Math.imul(a1, 0xe995);
  const t = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  rLo = (t << 16) | (p00 & 0xffff);
  rHi = (Math.imul(a1, 0x5bd1) + (p01 >>> 16) + (p10 >>> 16) + (t >>> 16) + Math.imul(hi, MURMUR_M_LO) + Math.imul(lo, MURMUR_M_HI)) | 0;
}

/** Redis's MurmurHash64A over data[start, end); the 64-bit result is left in rHi:rLo. */
function murmurHash64A(data: Uint8Array, start: number, end: number, seed: number): void {
  const len = end - start;
  // h = seed ^ (len * m)
  mulM(0, len | 0);
  let hHi = rHi;
  let hLo = rLo ^ seed;
  const blocksEnd = start + (len - (len & 7));
  let p = start;
  for (; p !== blocksEnd; p += 8) {
    const kLo = (data[p] as number) | ((data[p + 1] as number) << 8) | ((data[p + 2] as number) << 16) | ((data[p + 3] as number) << 24);
    const kHi = (data[p + 4] as number) | ((data[p + 5] as number) << 8) | ((data[p + 6] as number) << 16) | ((data[p + 7] as number) << 24);
    mulM(kHi, kLo);
    mulM(rHi, rLo ^ (rHi >>> 15)); // k ^= k >> 47; k *= m
    mulM(hHi ^ rHi, hLo ^ rLo); // h ^= k; h *= m
    hHi = rHi;
    hLo = rLo;
  }
  const tail = len & 7;
  if (tail !== 0) {
    // The trailing 1..7 bytes, highest first (Redis's fall-through switch).
    if (tail >= 7) hHi ^= (data[p + 6] as number) << 16;
    if (tail >= 6) hHi ^= (data[p + 5] as number) << 8;
    if (tail >= 5) hHi ^= data[p + 4] as number;
    if (tail >= 4) hLo ^= (data[p + 3] as number) << 24;
    if (tail >= 3) hLo ^= (data[p + 2] as number) << 16;
    if (tail >= 2) hLo ^= (data[p + 1] as number) << 8;
    hLo ^= data[p] as number;
    mulM(hHi, hLo);
    hHi = rHi;
    hLo = rLo;
  }
  mulM(hHi, hLo ^ (hHi >>> 15));
  rLo ^= rHi >>> 15;
}

/** MurmurHash64A as a bigint (tests and tools; the command path uses the split form). */
export function murmurHash64ABig(data: Uint8Array, seed: number): bigint {
  murmurHash64A(data, 0, data.length, seed);
  return (BigInt(rHi >>> 0) << 32n) | BigInt(rLo >>> 0);
}

/**
 * Redis's hllPatLen: the register an element maps to (low 14 bits of its hash) and the length
 * of the 0...01 run in the remaining 50 bits (1..51). Returned packed as index * 64 + count.
 */
export function hllPatLen(data: Uint8Array, start: number, end: number): number {
  murmurHash64A(data, start, end, HLL_HASH_SEED);
  const index = rLo & HLL_P_MASK;
  const low = rLo >>> HLL_P; // hash bits 14..31
  let count: number;
  if (low !== 0) count = 1 + ctz32(low);
  else if (rHi !== 0) count = 1 + (32 - HLL_P) + ctz32(rHi);
  else count = HLL_Q + 1;
  return index * 64 + count;
}

function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

// ---- header ----------------------------------------------------------------------------------

/** Redis's isHLLObjectOrReply checks on the bytes of a string value. */
export function isValidHll(b: Uint8Array, len: number): boolean {
  if (len < HLL_HDR_SIZE) return false;
  if (b[0] !== 0x48 || b[1] !== 0x59 || b[2] !== 0x4c || b[3] !== 0x4c) return false; // "HYLL"
  const enc = b[4] as number;
  if (enc > HLL_MAX_ENCODING) return false;
  return enc !== HLL_DENSE || len === HLL_DENSE_SIZE;
}

export function hllEncoding(b: Uint8Array): number {
  return b[4] as number;
}

export function hllCacheValid(b: Uint8Array): boolean {
  return ((b[CARD_MSB] as number) & 0x80) === 0;
}

export function hllInvalidateCache(b: Uint8Array): void {
  b[CARD_MSB] = (b[CARD_MSB] as number) | 0x80;
}

/** The cached cardinality (valid cache: below 2^63), as a number when safe. */
export function hllCachedCard(b: Uint8Array): number | bigint {
  const lo = ((b[8] as number) | ((b[9] as number) << 8) | ((b[10] as number) << 16) | ((b[11] as number) << 24)) >>> 0;
  const hi = ((b[12] as number) | ((b[13] as number) << 8) | ((b[14] as number) << 16) | ((b[15] as number) << 24)) >>> 0;
  if (hi < 0x200000) return hi * TWO_32 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/**
 * Store an estimate from hllCount as the cached cardinality. The estimate is an integer
 * double in [0, 2^63) or LLONG_MIN, which Redis casts to uint64 0x8000000000000000 (its top
 * bit then marks the cache stale, so such a value is recomputed every time).
 */
export function hllSetCachedCard(b: Uint8Array, card: number): void {
  let lo: number;
  let hi: number;
  if (card < 0) {
    lo = 0;
    hi = 0x80000000;
  } else {
    hi = Math.floor(card / TWO_32);
    lo = card - hi * TWO_32;
  }
  b[8] = lo & 0xff;
  b[9] = (lo >>> 8) & 0xff;
  b[10] = (lo >>> 16) & 0xff;
  b[11] = lo >>> 24;
  b[12] = hi & 0xff;
  b[13] = (hi >>> 8) & 0xff;
  b[14] = (hi >>> 16) & 0xff;
  b[15] = hi >>> 24;
}

/** An estimate as the integer Redis replies (card cast to long long). */
export function cardReply(card: number): number | bigint {
  if (card < 0) return -(2n ** 63n);
  return Number.isSafeInteger(card) ? card : BigInt(card);
}

/** A new, empty HyperLogLog: sparse, one XZERO covering every register, cache 0 and valid. */
export function createHll(lru: number): RawString {
  const n = HLL_HDR_SIZE + Math.ceil(HLL_REGISTERS / SPARSE_XZERO_MAX_LEN) * 2;
  const b = Buffer.alloc(n);
  b.latin1Write('HYLL', 0, 4);
  b[4] = HLL_SPARSE;
  let p = HLL_HDR_SIZE;
  for (let left = HLL_REGISTERS; left > 0; ) {
    const run = Math.min(left, SPARSE_XZERO_MAX_LEN);
    p = putXzero(b, p, run);
    left -= run;
  }
  return new RawString(b, lru);
}

// ---- dense registers -------------------------------------------------------------------------

/** Register `reg` of the dense registers starting at `base`. */
export function denseGet(b: Uint8Array, base: number, reg: number): number {
  const bit = reg * HLL_BITS;
  const byte = base + (bit >>> 3);
  const fb = bit & 7;
  // For the last register fb is 2 and the next byte's bits are masked off; past the buffer it is 0.
  return (((b[byte] as number) >>> fb) | ((b[byte + 1] ?? 0) << (8 - fb))) & HLL_REGISTER_MAX;
}

export function denseSetRegister(b: Uint8Array, base: number, reg: number, val: number): void {
  const bit = reg * HLL_BITS;
  const byte = base + (bit >>> 3);
  const fb = bit & 7;
  const fb8 = 8 - fb;
  b[byte] = ((b[byte] as number) & ~(HLL_REGISTER_MAX << fb)) | ((val << fb) & 0xff);
  if (byte + 1 < b.length) b[byte + 1] = ((b[byte + 1] as number) & ~(HLL_REGISTER_MAX >>> fb8)) | (val >>> fb8);
}

/** Redis's hllDenseSet: raise register `reg` to `count`; 1 if it changed. */
function denseSet(b: Uint8Array, reg: number, count: number): number {
  if (count > denseGet(b, HLL_HDR_SIZE, reg)) {
    denseSetRegister(b, HLL_HDR_SIZE, reg, count);
    return 1;
  }
  return 0;
}

function denseHisto(b: Uint8Array, histo: Float64Array): void {
  // Four 6-bit registers per three bytes.
  let r = HLL_HDR_SIZE;
  for (let j = 0; j < HLL_REGISTERS / 4; j++, r += 3) {
    const x = b[r] as number;
    const y = b[r + 1] as number;
    const z = b[r + 2] as number;
    (histo[x & 63] as number)++;
    (histo[((x >>> 6) | (y << 2)) & 63] as number)++;
    (histo[((y >>> 4) | (z << 4)) & 63] as number)++;
    (histo[z >>> 2] as number)++;
  }
}

// ---- sparse representation -------------------------------------------------------------------

function putXzero(b: Uint8Array, p: number, len: number): number {
  const l = len - 1;
  b[p] = (l >>> 8) | 0x40;
  b[p + 1] = l & 0xff;
  return p + 2;
}

function valByte(val: number, len: number): number {
  return (((val - 1) << 2) | (len - 1) | 0x80) & 0xff;
}

/** Length of the zero run starting at p (ZERO or XZERO). */
function xzeroLen(b: Uint8Array, p: number, end: number): number {
  const second = p + 1 < end ? (b[p + 1] as number) : 0;
  return ((((b[p] as number) & 0x3f) << 8) | second) + 1;
}

/**
 * Redis's hllSparseToDense: rewrite the value dense, keeping the header (cached cardinality
 * included). False, with the value untouched, if the opcodes do not cover 16384 registers.
 */
export function hllSparseToDense(h: RawString): boolean {
  const src = h.buf;
  if (src[4] === HLL_DENSE) return true;
  const end = h.len;
  const dense = Buffer.alloc(HLL_DENSE_SIZE);
  src.copy(dense, 0, 0, HLL_HDR_SIZE);
  dense[4] = HLL_DENSE;
  let idx = 0;
  let p = HLL_HDR_SIZE;
  while (p < end) {
    const op = src[p] as number;
    let runlen: number;
    if ((op & 0xc0) === 0) {
      runlen = (op & 0x3f) + 1;
    } else if ((op & 0x80) === 0) {
      runlen = xzeroLen(src, p, end);
    } else {
      runlen = (op & 3) + 1;
    }
    // Any run past the last register makes the value corrupted (the CVE-2025-32023 checks
    // Debian's 7.0.15 carries), even one that would end exactly at 16384.
    if (runlen + idx > HLL_REGISTERS) return false;
    if ((op & 0x80) !== 0) {
      const regval = ((op >>> 2) & 0x1f) + 1;
      while (runlen-- > 0) denseSetRegister(dense, HLL_HDR_SIZE, idx++, regval);
      p++;
    } else {
      idx += runlen;
      p += (op & 0x40) !== 0 ? 2 : 1;
    }
  }
  if (idx !== HLL_REGISTERS) return false;
  h.buf = dense;
  h.len = HLL_DENSE_SIZE;
  return true;
}

const seq = new Uint8Array(5);

/**
 * Redis's hllSparseSet: raise register `index` to `count` in a sparse value, splitting the
 * opcode that covers it and merging equal neighbouring VALs afterwards, exactly as Redis does
 * (so the bytes match). Promotes to dense when needed. 1 if changed, 0 if not, -1 if the
 * representation is corrupted.
 */
function sparseSet(h: RawString, index: number, count: number, sparseMaxBytes: number): number {
  if (count > SPARSE_VAL_MAX_VALUE) return promote(h, index, count);
  // Room for the worst case (XZERO -> XZERO VAL XZERO) before taking positions.
  h.reserve(h.len + 3);
  const b = h.buf;
  let end = h.len;

  // Step 1: find the opcode covering `index`.
  let p = HLL_HDR_SIZE;
  let first = 0;
  let prev = -1;
  let span = 0;
  while (p < end) {
    const op = b[p] as number;
    let oplen = 1;
    if ((op & 0xc0) === 0) span = (op & 0x3f) + 1;
    else if ((op & 0x80) !== 0) span = (op & 3) + 1;
    else {
      span = xzeroLen(b, p, end);
      oplen = 2;
    }
    if (index <= first + span - 1) break;
    prev = p;
    p += oplen;
    first += span;
  }
  if (span === 0 || p >= end) return -1;

  const op = b[p] as number;
  const isZero = (op & 0xc0) === 0;
  const isVal = (op & 0x80) !== 0;
  const isXzero = !isZero && !isVal;
  let next = isXzero ? p + 2 : p + 1;
  if (next >= end) next = -1;
  const runlen = isZero ? (op & 0x3f) + 1 : isVal ? (op & 3) + 1 : xzeroLen(b, p, end);

  let updatedInPlace = false;
  if (isVal) {
    const oldcount = ((op >>> 2) & 0x1f) + 1;
    if (oldcount >= count) return 0;
    if (runlen === 1) {
      b[p] = valByte(count, 1);
      updatedInPlace = true;
    }
  }
  if (!updatedInPlace && isZero && runlen === 1) {
    b[p] = valByte(count, 1);
    updatedInPlace = true;
  }

  if (!updatedInPlace) {
    // Step 2: the general case, the opcode split into up to three.
    let n = 0;
    const last = first + span - 1;
    if (isZero || isXzero) {
      if (index !== first) n = putZeroRun(index - first, n);
      seq[n++] = valByte(count, 1);
      if (index !== last) n = putZeroRun(last - index, n);
    } else {
      const curval = ((op >>> 2) & 0x1f) + 1;
      if (index !== first) seq[n++] = valByte(curval, index - first);
      seq[n++] = valByte(count, 1);
      if (index !== last) seq[n++] = valByte(curval, last - index);
    }
    // Step 3: put the new sequence in place of the old opcode.
    const oldlen = isXzero ? 2 : 1;
    const delta = n - oldlen;
    if (delta > 0 && h.len + delta > sparseMaxBytes) return promote(h, index, count);
    if (delta !== 0 && next >= 0) b.copyWithin(next + delta, next, end);
    h.len += delta;
    b.set(seq.subarray(0, n), p);
    end += delta;
  }

  // Step 4: merge adjacent VALs of equal value, scanning up to 5 opcodes from prev.
  p = prev >= 0 ? prev : HLL_HDR_SIZE;
  let scanlen = 5;
  while (p < end && scanlen-- > 0) {
    const o = b[p] as number;
    if ((o & 0xc0) === 0x40) {
      p += 2;
      continue;
    } else if ((o & 0xc0) === 0) {
      p++;
      continue;
    }
    if (p + 1 < end && ((b[p + 1] as number) & 0x80) !== 0) {
      const o2 = b[p + 1] as number;
      const v1 = ((o >>> 2) & 0x1f) + 1;
      const v2 = ((o2 >>> 2) & 0x1f) + 1;
      if (v1 === v2) {
        const len = (o & 3) + 1 + (o2 & 3) + 1;
        if (len <= SPARSE_VAL_MAX_LEN) {
          b[p + 1] = valByte(v1, len);
          b.copyWithin(p, p + 1, end);
          h.len--;
          end--;
          continue;
        }
      }
    }
    p++;
  }
  hllInvalidateCache(b);
  return 1;
}

function putZeroRun(len: number, n: number): number {
  if (len > SPARSE_ZERO_MAX_LEN) return putXzero(seq, n, len);
  seq[n] = len - 1;
  return n + 1;
}

function promote(h: RawString, index: number, count: number): number {
  if (!hllSparseToDense(h)) return -1;
  // A promotion only happens when a register must change, so this always reports 1.
  return denseSet(h.buf, index, count);
}

/**
 * Raise register `index` to `count` in whichever encoding the value has: 1 if it changed,
 * 0 if not, -1 if the value is corrupted (Redis's hllDenseSet / hllSparseSet).
 */
export function hllSet(h: RawString, index: number, count: number, sparseMaxBytes: number): number {
  const enc = h.buf[4];
  if (enc === HLL_DENSE) return denseSet(h.buf, index, count);
  if (enc === HLL_SPARSE) return sparseSet(h, index, count, sparseMaxBytes);
  return -1;
}

/** Redis's hllAdd: add the element data[start, end). 1 if a register changed, 0, or -1. */
export function hllAdd(h: RawString, data: Uint8Array, start: number, end: number, sparseMaxBytes: number): number {
  const pat = hllPatLen(data, start, end);
  return hllSet(h, pat >>> 6, pat & 63, sparseMaxBytes);
}

/**
 * Redis's hllMerge: max[i] = MAX(max[i], register i) over a validated HLL's bytes. False if a
 * sparse value does not cover exactly 16384 registers.
 */
export function hllMerge(max: Uint8Array, b: Uint8Array, len: number): boolean {
  if (b[4] === HLL_DENSE) {
    // Four 6-bit registers per three bytes.
    for (let i = 0, r = HLL_HDR_SIZE; i < HLL_REGISTERS; i += 4, r += 3) {
      const x = b[r] as number;
      const y = b[r + 1] as number;
      const z = b[r + 2] as number;
      const v0 = x & 63;
      const v1 = ((x >>> 6) | (y << 2)) & 63;
      const v2 = ((y >>> 4) | (z << 4)) & 63;
      const v3 = z >>> 2;
      if (v0 > (max[i] as number)) max[i] = v0;
      if (v1 > (max[i + 1] as number)) max[i + 1] = v1;
      if (v2 > (max[i + 2] as number)) max[i + 2] = v2;
      if (v3 > (max[i + 3] as number)) max[i + 3] = v3;
    }
    return true;
  }
  let i = 0;
  let p = HLL_HDR_SIZE;
  while (p < len) {
    const op = b[p] as number;
    let runlen: number;
    if ((op & 0xc0) === 0) {
      runlen = (op & 0x3f) + 1;
    } else if ((op & 0x80) === 0) {
      runlen = xzeroLen(b, p, len);
    } else {
      runlen = (op & 3) + 1;
    }
    if (runlen + i > HLL_REGISTERS) return false; // as in hllSparseToDense
    if ((op & 0x80) !== 0) {
      const regval = ((op >>> 2) & 0x1f) + 1;
      while (runlen-- > 0) {
        if (regval > (max[i] as number)) max[i] = regval;
        i++;
      }
      p++;
    } else {
      i += runlen;
      p += (op & 0x40) !== 0 ? 2 : 1;
    }
  }
  return i === HLL_REGISTERS;
}

// ---- cardinality -----------------------------------------------------------------------------

const histo = new Float64Array(64);

/** Ertl's sigma (arXiv:1702.01284), iterated to a fixed point like Redis's hllSigma. */
function sigma(x: number): number {
  if (x === 1) return Infinity;
  let zPrime: number;
  let y = 1;
  let z = x;
  do {
    x *= x;
    zPrime = z;
    z += x * y;
    y += y;
  } while (zPrime !== z);
  return z;
}

/** Ertl's tau, as Redis's hllTau. */
function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let zPrime: number;
  let y = 1;
  let z = 1 - x;
  do {
    x = Math.sqrt(x);
    zPrime = z;
    y *= 0.5;
    const d = 1 - x;
    z -= d * d * y;
  } while (zPrime !== z);
  return z / 3;
}

/**
 * The estimate from the histogram, rounded as llroundl: an integer double in [0, 2^63), or
 * LLONG_MIN when the estimate does not fit (registers near the top of their range).
 */
function estimate(h: Float64Array): number {
  const m = HLL_REGISTERS;
  let z = m * tau((m - (h[HLL_Q + 1] as number)) / m);
  for (let j = HLL_Q; j >= 1; --j) {
    z += h[j] as number;
    z *= 0.5;
  }
  z += m * sigma((h[0] as number) / m);
  const e = (HLL_ALPHA_INF * m * m) / z;
  if (!(e < TWO_63)) return LLONG_MIN;
  return Math.round(e);
}

/**
 * Redis's hllCount over a validated HLL's bytes: the estimate (see estimate()), or -1 when a
 * sparse value does not cover exactly 16384 registers.
 */
export function hllCount(b: Uint8Array, len: number): number {
  histo.fill(0);
  if (b[4] === HLL_DENSE) {
    denseHisto(b, histo);
  } else {
    let idx = 0;
    let p = HLL_HDR_SIZE;
    while (p < len) {
      const op = b[p] as number;
      if ((op & 0xc0) === 0) {
        const run = (op & 0x3f) + 1;
        idx += run;
        (histo[0] as number) += run;
        p++;
      } else if ((op & 0x80) === 0) {
        const run = xzeroLen(b, p, len);
        idx += run;
        (histo[0] as number) += run;
        p += 2;
      } else {
        const run = (op & 3) + 1;
        idx += run;
        (histo[((op >>> 2) & 0x1f) + 1] as number) += run;
        p++;
      }
    }
    if (idx !== HLL_REGISTERS) return -1;
  }
  return estimate(histo);
}

/** The estimate for 16384 one-byte registers (PFCOUNT of several keys). */
export function hllCountRaw(registers: Uint8Array): number {
  histo.fill(0);
  for (let i = 0; i < HLL_REGISTERS; i++) (histo[registers[i] as number] as number)++;
  return estimate(histo);
}

/** PFDEBUG DECODE's text for a sparse value: "z:N", "Z:N", "v:V,N" separated by spaces. */
export function hllDecodeSparse(b: Uint8Array, len: number): string {
  const parts: string[] = [];
  let p = HLL_HDR_SIZE;
  while (p < len) {
    const op = b[p] as number;
    if ((op & 0xc0) === 0) {
      parts.push(`z:${(op & 0x3f) + 1}`);
      p++;
    } else if ((op & 0x80) === 0) {
      parts.push(`Z:${xzeroLen(b, p, len)}`);
      p += 2;
    } else {
      parts.push(`v:${((op >>> 2) & 0x1f) + 1},${(op & 3) + 1}`);
      p++;
    }
  }
  return parts.join(' ');
}
