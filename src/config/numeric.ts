/**
 * Numeric directives parsed and range-checked exactly as Redis 7.0 does (config.c's
 * numericParseString / numericBoundaryCheck / numericConfigGet), including its C integer
 * semantics: memory values wrap modulo 2^64 and are then read as the directive's C type, and
 * unsigned types compare their bounds unsigned. BigInt keeps 64-bit values exact; the result
 * is the canonical text CONFIG GET prints.
 *
 * Imports nothing: pure functions over strings.
 */

/** The C type Redis stores a numeric directive in (it decides signedness of the bound check). */
export type NumType = 'int' | 'uint' | 'long' | 'ulong' | 'longlong' | 'ulonglong' | 'size_t' | 'ssize_t' | 'time_t' | 'off_t';

export interface NumericSpec {
  readonly type: NumType;
  readonly min: bigint;
  readonly max: bigint;
  /** Accepts units: 1k, 5mb, 1GB (MEMORY_CONFIG). */
  readonly memory?: boolean;
  /** Accepts "N%" stored as -N (PERCENT_CONFIG, maxmemory-clients). */
  readonly percent?: boolean;
  /** Parsed and printed in octal (OCTAL_CONFIG, unixsocketperm). */
  readonly octal?: boolean;
}

export const INT_MIN = -(2n ** 31n);
export const INT_MAX = 2n ** 31n - 1n;
export const UINT_MAX = 2n ** 32n - 1n;
export const LLONG_MAX = 2n ** 63n - 1n;
export const LONG_MAX = LLONG_MAX;
export const ULLONG_MAX = 2n ** 64n - 1n;
const TWO64 = 2n ** 64n;

/** Redis's string2ll: strict decimal, no sign but '-', no leading zeros, within int64. */
export function string2ll(s: string): bigint | null {
  if (s.length === 0 || s.length > 20) return null;
  if (s === '0') return 0n;
  let i = 0;
  if (s[0] === '-') i = 1;
  if (i >= s.length) return null;
  const first = s.charCodeAt(i);
  if (first < 0x31 || first > 0x39) return null;
  for (let j = i + 1; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c < 0x30 || c > 0x39) return null;
  }
  const v = BigInt(s);
  if (v > LLONG_MAX || v < -LLONG_MAX - 1n) return null;
  return v;
}

const UNITS: Record<string, bigint> = {
  '': 1n,
  b: 1n,
  k: 1000n,
  kb: 1024n,
  m: 1000n * 1000n,
  mb: 1024n * 1024n,
  g: 1000n * 1000n * 1000n,
  gb: 1024n * 1024n * 1024n,
};

/**
 * Redis's memtoull: digits then an optional case-insensitive unit (b, k, kb, m, mb, g, gb).
 * No sign is allowed; an empty number is 0; an overflowing number saturates (strtoull) and the
 * product wraps modulo 2^64, as in C. Null when malformed.
 */
export function memtoull(s: string): bigint | null {
  if (s.startsWith('-')) return null;
  let u = 0;
  while (u < s.length && s.charCodeAt(u) >= 0x30 && s.charCodeAt(u) <= 0x39) u++;
  const mul = UNITS[s.slice(u).toLowerCase()];
  if (mul === undefined) return null;
  if (u >= 128) return null;
  let v = u === 0 ? 0n : BigInt(s.slice(0, u));
  if (v > ULLONG_MAX) v = ULLONG_MAX;
  return (v * mul) % TWO64;
}

/** C's strtoll(s, &end, 8) accepting the whole string (leading blanks and a sign allowed). */
function strtollOctal(s: string): bigint | null {
  const m = /^[ \t\n\v\f\r]*([+-]?)([0-7]*)$/.exec(s);
  if (!m) return null;
  const digits = m[2] as string;
  if (digits === '' && m[1] !== '') return null;
  let v = digits === '' ? 0n : BigInt(`0o${digits}`);
  if (v > LLONG_MAX) return null; // ERANGE
  if (m[1] === '-') v = -v;
  return v;
}

function toSigned64(v: bigint): bigint {
  const u = ((v % TWO64) + TWO64) % TWO64;
  return u > LLONG_MAX ? u - TWO64 : u;
}

function toUnsigned64(v: bigint): bigint {
  return ((v % TWO64) + TWO64) % TWO64;
}

const UNSIGNED_CHECK: ReadonlySet<NumType> = new Set<NumType>(['ulonglong', 'uint', 'size_t']);

/** Parse and bound-check a numeric directive: its canonical CONFIG GET text, or Redis's error. */
export function parseNumeric(spec: NumericSpec, text: string): { value: string } | { error: string } {
  let ll: bigint | null = null;
  if (spec.memory) {
    const m = memtoull(text);
    if (m !== null) ll = toSigned64(m);
  }
  if (ll === null && spec.percent && text.length > 1 && text.endsWith('%')) {
    const p = string2ll(text.slice(0, -1));
    if (p !== null && p >= 0n) ll = -p;
  }
  if (ll === null && spec.octal) ll = strtollOctal(text);
  if (ll === null && !spec.memory && !spec.percent && !spec.octal) ll = string2ll(text);
  if (ll === null) {
    if (spec.memory && spec.percent) return { error: 'argument must be a memory or percent value' };
    if (spec.memory) return { error: 'argument must be a memory value' };
    if (spec.octal) return { error: "argument couldn't be parsed as an octal number" };
    return { error: "argument couldn't be parsed into an integer" };
  }
  if (UNSIGNED_CHECK.has(spec.type)) {
    const ull = toUnsigned64(ll);
    const lo = toUnsigned64(spec.min);
    const hi = toUnsigned64(spec.max);
    if (ull > hi || ull < lo) {
      const f = (n: bigint) => (spec.octal ? n.toString(8) : n.toString());
      return { error: `argument must be between ${f(lo)} and ${f(hi)} inclusive` };
    }
    ll = ull;
  } else if (spec.percent && ll < 0n) {
    if (ll < spec.min) return { error: `percentage argument must be less or equal to ${-spec.min}` };
  } else if (ll > spec.max || ll < spec.min) {
    return { error: `argument must be between ${spec.min} and ${spec.max} inclusive` };
  }
  return { value: formatNumeric(spec, ll) };
}

/** numericConfigGet: percentages as "N%", memory unsigned, octal in base 8, else decimal. */
export function formatNumeric(spec: NumericSpec, v: bigint): string {
  if (spec.percent && v < 0n) return `${-v}%`;
  if (spec.memory) return toUnsigned64(v).toString();
  if (spec.octal) return v.toString(8);
  return v.toString();
}
