/**
 * x87 80-bit extended precision ("long double" on x86-64 Linux), emulated exactly on BigInt.
 *
 * INCRBYFLOAT and HINCRBYFLOAT compute `value + increment` in long double and store the
 * result printed with "%.17Lf" (trailing zeros removed). Doing the same sum in IEEE double
 * gives visibly different text ("0.30000000000000004" where Redis prints "0.3"), and a
 * decimal approximation differs from Redis wherever the 64-bit mantissa shows through
 * ("1000.09999999999999998"). So this module reproduces the hardware result bit for bit:
 *
 *   - parsing is glibc strtold: correctly rounded (round-half-even) to a 64-bit mantissa,
 *     with gradual underflow to denormals, hex floats, inf/infinity, nan;
 *   - addition is IEEE: the exact sum, rounded once to 64 bits;
 *   - printing is glibc printf "%.17Lf": the exact decimal expansion of the binary value,
 *     rounded half-to-even at the 17th fractional digit.
 *
 * A finite value is `(-1)^neg * m * 2^e` with m < 2^64 (normalized: m >= 2^63 unless
 * denormal). Values cross the command path rarely and are small, so BigInt is fast enough.
 *
 * Imports nothing from src/.
 */

export interface LongDouble {
  readonly neg: boolean;
  /** Mantissa; 0n for zero. Ignored when inf. */
  readonly m: bigint;
  readonly e: number;
  readonly inf: boolean;
}

const MANT_BITS = 64;
/** Exponent (of the mantissa's unit bit) of the smallest denormal and of every denormal. */
const E_MIN = -16445;
/** Largest exponent of a finite value: (2^64 - 1) * 2^16320 is LDBL_MAX. */
const E_MAX = 16320;
/** Redis's MAX_LONG_DOUBLE_CHARS: string2ld refuses inputs this long or longer. */
export const MAX_LONG_DOUBLE_CHARS = 5 * 1024;

const ZERO: LongDouble = { neg: false, m: 0n, e: 0, inf: false };

function bitLength(n: bigint): number {
  // n > 0. toString(16) is linear and exact; fine for the sizes met here.
  const hex = n.toString(16);
  const top = parseInt(hex[0] as string, 16);
  return (hex.length - 1) * 4 + (32 - Math.clz32(top));
}

/**
 * Round `n * 2^e` (n > 0, plus a sticky flag for nonzero bits below n) to long double.
 * Returns null when the result underflows to zero; an inf value on overflow.
 */
function round(neg: boolean, n: bigint, e: number, sticky: boolean): LongDouble | null {
  const len = bitLength(n);
  let shift = len - MANT_BITS;
  if (e + shift < E_MIN) shift = E_MIN - e;
  let m: bigint;
  let exp: number;
  if (shift <= 0) {
    m = n << BigInt(-shift);
    exp = e + shift;
  } else {
    const bs = BigInt(shift);
    m = n >> bs;
    const rem = n - (m << bs);
    const half = 1n << (bs - 1n);
    if (rem > half || (rem === half && (sticky || (m & 1n) === 1n))) m += 1n;
    exp = e + shift;
    if (m >> 64n !== 0n) {
      m >>= 1n;
      exp += 1;
    }
  }
  if (m === 0n) return null;
  if (exp > E_MAX) return { neg, m: 0n, e: 0, inf: true };
  return { neg, m, e: exp, inf: false };
}

function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/** Parse an optional exponent at s[p..]: returns [value, end] (value clamped, end = p if absent). */
function parseExponent(s: string, p: number): [number, number] {
  let q = p + 1;
  let neg = false;
  if (s.charCodeAt(q) === 0x2b || s.charCodeAt(q) === 0x2d) {
    neg = s.charCodeAt(q) === 0x2d;
    q++;
  }
  if (!isDigit(s.charCodeAt(q))) return [0, p];
  let v = 0;
  for (; isDigit(s.charCodeAt(q)); q++) if (v < 1e9) v = v * 10 + (s.charCodeAt(q) - 0x30);
  return [neg ? -v : v, q];
}

/**
 * Redis's string2ld over a latin1 string: strtold that must consume everything, no leading
 * space, no NaN, and no overflow to ±HUGE_VAL or underflow to zero. null when refused.
 */
export function parseLongDouble(s: string): LongDouble | null {
  const n = s.length;
  if (n === 0 || n >= MAX_LONG_DOUBLE_CHARS) return null;
  if (isSpace(s.charCodeAt(0))) return null;
  let p = 0;
  let neg = false;
  const c0 = s.charCodeAt(0);
  if (c0 === 0x2b || c0 === 0x2d) {
    neg = c0 === 0x2d;
    p = 1;
  }
  const rest = s.slice(p).toLowerCase();
  if (rest === 'inf' || rest === 'infinity') return { neg, m: 0n, e: 0, inf: true };
  if (rest.startsWith('nan')) return null; // NaN in any spelling is refused
  if (rest.length >= 3 && rest[0] === '0' && rest[1] === 'x' && (hexVal(rest.charCodeAt(2)) >= 0 || (rest[2] === '.' && hexVal(rest.charCodeAt(3)) >= 0))) {
    return parseHex(s, p + 2, neg);
  }
  return parseDecimal(s, p, neg);
}

function parseDecimal(s: string, p: number, neg: boolean): LongDouble | null {
  const n = s.length;
  let digits = '';
  let fracDigits = 0;
  let seenDigit = false;
  for (; p < n && isDigit(s.charCodeAt(p)); p++) {
    seenDigit = true;
    if (digits !== '' || s.charCodeAt(p) !== 0x30) digits += s[p];
  }
  if (s.charCodeAt(p) === 0x2e) {
    p++;
    for (; p < n && isDigit(s.charCodeAt(p)); p++) {
      seenDigit = true;
      if (digits !== '' || s.charCodeAt(p) !== 0x30) digits += s[p];
      fracDigits++;
    }
  }
  if (!seenDigit) return null;
  let exp10 = 0;
  if (p < n && (s.charCodeAt(p) === 0x65 || s.charCodeAt(p) === 0x45)) {
    const [v, end] = parseExponent(s, p);
    exp10 = v;
    p = end;
  }
  if (p !== n) return null;
  if (digits === '') return neg ? { neg, m: 0n, e: 0, inf: false } : ZERO;
  // Trailing zeros of the digit string only scale by 10.
  let trimmed = digits.length;
  while (trimmed > 1 && digits.charCodeAt(trimmed - 1) === 0x30) trimmed--;
  const k = exp10 - fracDigits + (digits.length - trimmed);
  const nd = trimmed;
  // The value lies in [10^(nd+k-1), 10^(nd+k)): decide far overflow/underflow without BigInt.
  if (nd + k > 4934) return null; // beyond LDBL_MAX (~1.19e4932): strtold says ERANGE + HUGE_VAL
  if (nd + k < -4952) return null; // below half the smallest denormal (~3.6e-4951): rounds to 0
  const d = BigInt(digits.slice(0, trimmed));
  let r: LongDouble | null;
  if (k >= 0) {
    r = round(neg, d * 10n ** BigInt(k), 0, false);
  } else {
    const pow = 10n ** BigInt(-k);
    const s2 = Math.max(0, MANT_BITS + 2 + bitLength(pow) - bitLength(d));
    const num = d << BigInt(s2);
    const q = num / pow;
    r = round(neg, q, -s2, num - q * pow !== 0n);
  }
  if (r === null || r.inf) return null;
  return r;
}

function parseHex(s: string, p: number, neg: boolean): LongDouble | null {
  const n = s.length;
  let h = 0n;
  let any = false;
  let exp2 = 0;
  for (; p < n && hexVal(s.charCodeAt(p)) >= 0; p++) {
    h = (h << 4n) | BigInt(hexVal(s.charCodeAt(p)));
    any = true;
  }
  if (s.charCodeAt(p) === 0x2e) {
    p++;
    for (; p < n && hexVal(s.charCodeAt(p)) >= 0; p++) {
      h = (h << 4n) | BigInt(hexVal(s.charCodeAt(p)));
      exp2 -= 4;
      any = true;
    }
  }
  if (!any) return null;
  if (p < n && (s.charCodeAt(p) === 0x70 || s.charCodeAt(p) === 0x50)) {
    const [v, end] = parseExponent(s, p);
    exp2 += v;
    p = end;
  }
  if (p !== n) return null;
  if (h === 0n) return { neg, m: 0n, e: 0, inf: false };
  const len = bitLength(h);
  if (len + exp2 > E_MAX + MANT_BITS + 1) return null;
  if (len + exp2 < E_MIN - 2) return null;
  const r = round(neg, h, exp2, false);
  if (r === null || r.inf) return null;
  return r;
}

/** IEEE addition in extended precision (round to nearest even). NaN is returned as null. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble | null {
  if (a.inf || b.inf) {
    if (a.inf && b.inf && a.neg !== b.neg) return null;
    return a.inf ? a : b;
  }
  if (a.m === 0n) return b.m === 0n ? { neg: a.neg && b.neg, m: 0n, e: 0, inf: false } : b;
  if (b.m === 0n) return a;
  const e = Math.min(a.e, b.e);
  const av = a.m << BigInt(a.e - e);
  const bv = b.m << BigInt(b.e - e);
  const sum = (a.neg ? -av : av) + (b.neg ? -bv : bv);
  if (sum === 0n) return ZERO;
  const neg = sum < 0n;
  // The exact sum is representable with enough bits, so there is no sticky part.
  return round(neg, neg ? -sum : sum, e, false) ?? { neg, m: 0n, e: 0, inf: false };
}

const FRAC_DIGITS = 17;
const FRAC_SCALE = 10n ** BigInt(FRAC_DIGITS);

/**
 * Redis's ld2string(LD_STR_HUMAN): "%.17Lf", then trailing zeros and a trailing '.' removed,
 * and "-0" turned into "0". The value must be finite.
 */
export function formatLongDoubleHuman(v: LongDouble): string {
  let q: bigint;
  if (v.m === 0n) {
    q = 0n;
  } else if (v.e >= 0) {
    q = (v.m << BigInt(v.e)) * FRAC_SCALE;
  } else {
    const bs = BigInt(-v.e);
    const scaled = v.m * FRAC_SCALE;
    q = scaled >> bs;
    const rem = scaled - (q << bs);
    const half = 1n << (bs - 1n);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
  }
  const intPart = q / FRAC_SCALE;
  let frac = (q - intPart * FRAC_SCALE).toString();
  let text = intPart.toString();
  if (frac !== '0') {
    frac = frac.padStart(FRAC_DIGITS, '0').replace(/0+$/, '');
    text += `.${frac}`;
  }
  if (v.neg && text !== '0') text = `-${text}`;
  return text;
}

export function isFiniteLongDouble(v: LongDouble): boolean {
  return !v.inf;
}
