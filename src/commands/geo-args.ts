/**
 * What the geo command modules share: coordinate, unit and member arguments, and Redis 7.0's
 * number formats for geo replies — coordinates as "%.17Lf" without trailing zeros (a RESP3
 * double), distances with exactly 4 decimals (a bulk string even in RESP3), and the
 * invalid-coordinates error with printf's "%f".
 */
import type { Argv } from '../protocol/argv.js';
import { decodeGeoScore, GEO_LAT_MAX, GEO_LAT_MIN, GEO_LONG_MAX, GEO_LONG_MIN } from '../util/geohash.js';
import type { RedisZset } from '../values/zset.js';
import { ERR, geoInvalidLonLat } from './errors.js';
import type { ArgDoc, CommandContext } from './spec.js';
import { parseStrictDouble } from './zset-args.js';

export const unitArg: ArgDoc = {
  name: 'unit',
  type: 'oneof',
  arguments: [
    { name: 'm', type: 'pure-token', token: 'M' },
    { name: 'km', type: 'pure-token', token: 'KM' },
    { name: 'ft', type: 'pure-token', token: 'FT' },
    { name: 'mi', type: 'pure-token', token: 'MI' },
  ],
};

/**
 * Longitude and latitude from argv[i], argv[i+1] into xy; false after replying the error
 * (a non-number, or a point outside -180..180 / -85.05112878..85.05112878).
 */
export function extractLonLat(ctx: CommandContext, argv: Argv, i: number, xy: number[]): boolean {
  for (let k = 0; k < 2; k++) {
    const v = parseStrictDouble(argv.str(i + k));
    if (v === null) {
      ctx.reply.error(ERR.notFloat);
      return false;
    }
    xy[k] = v;
  }
  const lon = xy[0] as number;
  const lat = xy[1] as number;
  if (lon < GEO_LONG_MIN || lon > GEO_LONG_MAX || lat < GEO_LAT_MIN || lat > GEO_LAT_MAX) {
    ctx.reply.error(geoInvalidLonLat(formatFixed(lon, 6), formatFixed(lat, 6)));
    return false;
  }
  return true;
}

/** Metres per unit for m, km, ft, mi (any case); -1 after replying the error. */
export function extractUnit(ctx: CommandContext, argv: Argv, i: number): number {
  const u = argv.str(i).toLowerCase();
  if (u === 'm') return 1;
  if (u === 'km') return 1000;
  if (u === 'ft') return 0.3048;
  if (u === 'mi') return 1609.34;
  ctx.reply.error(ERR.geoUnit);
  return -1;
}

/** The position of a member: true with xy filled, false when the member is absent. */
export function lonLatFromMember(z: RedisZset, member: string, xy: number[]): boolean {
  const score = z.score(member);
  if (score === undefined) return false;
  decodeGeoScore(score, xy);
  return true;
}

// ---- number formats ------------------------------------------------------------------------

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/**
 * printf("%.<digits>f"): the exact binary value rounded half-to-even at the last digit, as
 * glibc does (toFixed rounds ties away from zero and gives up beyond 1e21).
 */
export function formatFixed(d: number, digits: number): string {
  if (Number.isNaN(d)) return 'nan';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  // toFixed is exact too, but rounds ties away from zero. A tie needs d * 2^(digits+1) to be
  // an integer, so anything else (nearly every coordinate) can take the fast road.
  if (Math.abs(d) < 1e21 && !Number.isInteger(d * 2 ** (digits + 1))) return d.toFixed(digits);
  f64[0] = d;
  const bits = u64[0] as bigint;
  const neg = bits >> 63n === 1n;
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & 0xfffffffffffffn;
  let e = -1074;
  if (biased !== 0) {
    mant |= 1n << 52n;
    e = biased - 1075;
  }
  const scale = 10n ** BigInt(digits);
  let q: bigint;
  if (e >= 0) {
    q = (mant << BigInt(e)) * scale;
  } else {
    const sh = BigInt(-e);
    const num = mant * scale;
    q = num >> sh;
    const rem = num - (q << sh);
    const half = 1n << (sh - 1n);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
  }
  const intPart = (q / scale).toString();
  const sign = neg ? '-' : '';
  if (digits === 0) return sign + intPart;
  return `${sign}${intPart}.${(q % scale).toString().padStart(digits, '0')}`;
}

/** Redis's "human" long double text: "%.17Lf" without trailing zeros, and "-0" as "0". */
export function formatHuman(d: number): string {
  let s = formatFixed(d, 17);
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}

const LLONG_MIN_TEXT = '-922337203685477.5808';

/**
 * A distance with 4 decimals as Redis 7.0.7+ prints it: llrint(d * 10000) (the product
 * rounded half-to-even to a 64-bit integer, which overflows to LLONG_MIN) written as
 * fixed point.
 */
export function formatDistance(d: number): string {
  if (d === 0) return '0.0000';
  const p = d * 10000;
  if (!(Math.abs(p) < 2 ** 63)) return LLONG_MIN_TEXT;
  const f = Math.floor(p);
  const diff = p - f;
  const r = diff > 0.5 || (diff === 0.5 && f % 2 !== 0) ? f + 1 : f;
  const digits = (Math.abs(r) < 2 ** 53 ? String(Math.abs(r)) : BigInt(Math.abs(r)).toString()).padStart(5, '0');
  return `${r < 0 ? '-' : ''}${digits.slice(0, -4)}.${digits.slice(-4)}`;
}

/** A coordinate: a RESP3 double, or a bulk string in RESP2. */
export function replyCoordinate(ctx: CommandContext, d: number): void {
  ctx.reply.doubleText(formatHuman(d));
}
