/**
 * Number formatting exactly as Redis 7.0 prints numbers.
 *
 * Redis 7.0 formats doubles in replies with printf's "%.17g" (so ZSCORE of 1.1 answers
 * "1.1000000000000001"; 7.2 moved to the shortest round-trip form). V8's toPrecision(17) is
 * correctly rounded, which makes it a faithful base for %.17g. Imports nothing from src/.
 */

/** printf("%.<p>g", d) for finite d. */
export function formatG(d: number, precision: number): string {
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  if (!Number.isFinite(d)) return Number.isNaN(d) ? 'nan' : d > 0 ? 'inf' : '-inf';
  const e = d.toExponential(precision - 1); // "-1.2345e+5"
  const ei = e.indexOf('e');
  const exp = Number(e.slice(ei + 1));
  if (exp < -4 || exp >= precision) {
    let mant = e.slice(0, ei);
    if (mant.includes('.')) mant = mant.replace(/0+$/, '').replace(/\.$/, '');
    const sign = exp < 0 ? '-' : '+';
    const ae = Math.abs(exp);
    return `${mant}e${sign}${ae < 10 ? '0' : ''}${ae}`;
  }
  let fixed = d.toFixed(Math.max(0, precision - 1 - exp));
  if (fixed.includes('.')) fixed = fixed.replace(/0+$/, '').replace(/\.$/, '');
  return fixed;
}

/** Redis 7.0 addReplyDouble text: "%.17g", with inf/-inf spelled out. */
export function formatDouble(d: number): string {
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  return formatG(d, 17);
}

/**
 * Redis's string-to-double for arguments (strtod, then reject NaN, leading space and trailing
 * garbage). Accepts "inf", "+inf", "-inf", "infinity" in any case, hex floats are rejected.
 * Returns null when invalid.
 */
export function parseDouble(s: string): number | null {
  const n = s.length;
  if (n === 0 || n > 5000) return null;
  const c0 = s.charCodeAt(0);
  if (c0 === 0x20 || c0 === 0x09 || c0 === 0x0a || c0 === 0x0d || c0 === 0x0b || c0 === 0x0c) return null;
  const lower = s.toLowerCase();
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity' || lower === '+infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  if (!DOUBLE_RE.test(s)) return null;
  const v = Number(s);
  if (Number.isNaN(v)) return null;
  return v;
}

const DOUBLE_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Lower-level check used by INCRBYFLOAT: returns null on anything strtold would not fully consume. */
export function isDecimalNumber(s: string): boolean {
  return DOUBLE_RE.test(s);
}
