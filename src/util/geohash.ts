/**
 * Geohash arithmetic as Redis 7.0 does it: the 52-bit interleaved score of a (longitude,
 * latitude) pair, its decoding back to the centre of its cell, the eight neighbours of a cell,
 * the nine cells that cover a search shape (with the step estimation and the removal of cells
 * that cannot hold a match), and the haversine distance on a sphere of radius 6372797.560856 m.
 *
 * Exactness. Replies print coordinates with 17 decimals and scores are compared bit for bit,
 * so every step follows Redis's own order of double operations; the 64-bit integer parts
 * (interleaving, cell moves, the shift to 52 bits) are done on two 32-bit halves or BigInt so
 * that nothing is lost above 2^53, and converting a score back to bits reproduces what a C
 * `(uint64_t)double` cast gives on x86-64, including for scores no GEOADD could have written.
 * Trigonometry: JavaScript's Math.sin/cos/asin differ from glibc's in the last bit for a few
 * percent of arguments. Filtering candidates uses Math (fast), re-deciding with correctly
 * rounded functions (util/crmath.ts, which agree with glibc for all but about one argument in
 * a thousand) when a point is within a hair of the edge; distances that are shown to the
 * client come from geohashGetDistanceExact, and the bounding box uses the exact cos.
 *
 * Imports only util/crmath.ts.
 */
import { crAsin, crCos, crSin } from './crmath.js';

export const GEO_STEP_MAX = 26;
export const GEO_LAT_MIN = -85.05112878;
export const GEO_LAT_MAX = 85.05112878;
export const GEO_LONG_MIN = -180;
export const GEO_LONG_MAX = 180;

const EARTH_RADIUS_IN_METERS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;
const D_R = Math.PI / 180.0;
const TWO_32 = 4294967296;

/** A cell: `step` bits per axis, interleaved (latitude on even bits). step 0 = no cell. */
export interface GeoHashBits {
  bits: bigint;
  step: number;
}

export interface GeoHashArea {
  lonMin: number;
  lonMax: number;
  latMin: number;
  latMax: number;
}

/** A search shape: a circle of `radius`, or a box of `width` × `height`, in units of `conversion` metres. */
export interface GeoShape {
  circle: boolean;
  lon: number;
  lat: number;
  conversion: number;
  radius: number;
  width: number;
  height: number;
}

const NO_CELL: GeoHashBits = { bits: 0n, step: 0 };

// ---- bit interleaving ------------------------------------------------------------------

/** The 16 low bits of v spread to the even bits of a 32-bit word. */
function spread16(v: number): number {
  v &= 0xffff;
  v = (v | (v << 8)) & 0x00ff00ff;
  v = (v | (v << 4)) & 0x0f0f0f0f;
  v = (v | (v << 2)) & 0x33333333;
  v = (v | (v << 1)) & 0x55555555;
  return v;
}

/** The even bits of a 32-bit word packed into 16 bits. */
function compact16(v: number): number {
  v &= 0x55555555;
  v = (v | (v >>> 1)) & 0x33333333;
  v = (v | (v >>> 2)) & 0x0f0f0f0f;
  v = (v | (v >>> 4)) & 0x00ff00ff;
  v = (v | (v >>> 8)) & 0x0000ffff;
  return v;
}

/** interleave64 as two 32-bit halves: x on the even bits, y on the odd ones. */
function interleaveHi(x: number, y: number): number {
  return (spread16(x >>> 16) | (spread16(y >>> 16) << 1)) >>> 0;
}

function interleaveLo(x: number, y: number): number {
  return (spread16(x) | (spread16(y) << 1)) >>> 0;
}

// The two axes of the last deinterleave, kept in module scratch: decoding runs once per
// candidate member of a search, which should not allocate.
let ilato = 0;
let ilono = 0;

function deinterleave(hi: number, lo: number): void {
  ilato = (compact16(lo) | (compact16(hi) << 16)) >>> 0;
  ilono = (compact16(lo >>> 1) | (compact16(hi >>> 1) << 16)) >>> 0;
}

// ---- encode / decode -----------------------------------------------------------------------

/**
 * geohashEncode over explicit ranges; null when the point is outside them or outside the
 * WGS84 limits (which Redis checks whatever the ranges).
 */
export function geohashEncode(
  lonMin: number,
  lonMax: number,
  latMin: number,
  latMax: number,
  lon: number,
  lat: number,
  step: number,
): GeoHashBits | null {
  if (step > 32 || step === 0) return null;
  if (lon > GEO_LONG_MAX || lon < GEO_LONG_MIN || lat > GEO_LAT_MAX || lat < GEO_LAT_MIN) return null;
  if (lat < latMin || lat > latMax || lon < lonMin || lon > lonMax) return null;
  const scale = 2 ** step;
  // The C code converts these doubles to uint32 by truncation; both are in [0, 2^step].
  const latOffset = Math.trunc(((lat - latMin) / (latMax - latMin)) * scale) >>> 0;
  const lonOffset = Math.trunc(((lon - lonMin) / (lonMax - lonMin)) * scale) >>> 0;
  const hi = interleaveHi(latOffset, lonOffset);
  const lo = interleaveLo(latOffset, lonOffset);
  return { bits: (BigInt(hi) << 32n) | BigInt(lo), step };
}

export function geohashEncodeWGS84(lon: number, lat: number, step: number): GeoHashBits | null {
  return geohashEncode(GEO_LONG_MIN, GEO_LONG_MAX, GEO_LAT_MIN, GEO_LAT_MAX, lon, lat, step);
}

/** The 52-bit value of a cell (its bits shifted to step 26), as an exact integer. */
export function geohashAlign52Bits(h: GeoHashBits): bigint {
  return BigInt.asUintN(64, h.bits << BigInt(52 - h.step * 2));
}

/**
 * The sorted-set score GEOADD stores for a valid (longitude, latitude): the step-26 hash as
 * a double. Redis writes it as a decimal integer that ZADD reads back with strtod, which is
 * the same correctly rounded conversion as here (it matters only at longitude 180).
 */
export function geoScore(lon: number, lat: number): number {
  const scale = 2 ** GEO_STEP_MAX;
  const latOffset = Math.trunc(((lat - GEO_LAT_MIN) / (GEO_LAT_MAX - GEO_LAT_MIN)) * scale) >>> 0;
  const lonOffset = Math.trunc(((lon - GEO_LONG_MIN) / (GEO_LONG_MAX - GEO_LONG_MIN)) * scale) >>> 0;
  return interleaveHi(latOffset, lonOffset) * TWO_32 + interleaveLo(latOffset, lonOffset);
}

const TWO_53 = 2 ** 53;
const TWO_63 = 2 ** 63;
const TWO_64 = 2 ** 64;
const MASK32 = 0xffffffffn;

/**
 * Split a score into the two halves of `(uint64_t)score` as gcc compiles it for x86-64:
 * truncation toward zero below 2^63 (negatives wrap around), `x - 2^63` with the top bit set
 * from 2^63 to 2^64, and the "integer indefinite" 0x8000000000000000 (or 0 above 2^64) for
 * what does not fit.
 */
function scoreHalves(score: number): void {
  if (score >= 0 && score < TWO_53) {
    const t = Math.trunc(score);
    const hi = Math.floor(t / TWO_32);
    deinterleave(hi, t - hi * TWO_32);
    return;
  }
  let u: bigint;
  if (score < TWO_63) {
    u = score >= -TWO_63 ? BigInt.asUintN(64, BigInt(Math.trunc(score))) : 1n << 63n;
  } else if (score < TWO_64) {
    u = BigInt(score);
  } else if (score >= TWO_64) {
    u = 0n;
  } else {
    u = 1n << 63n; // NaN
  }
  deinterleave(Number(u >> 32n), Number(u & MASK32));
}

/**
 * geohashDecode + geohashDecodeAreaToLongLat for a step-26 score: the centre of its cell,
 * clamped to the WGS84 limits, written to xy[0] (longitude) and xy[1] (latitude).
 */
export function decodeGeoScore(score: number, xy: Float64Array | number[]): void {
  scoreHalves(score);
  const scale = 2 ** GEO_STEP_MAX;
  const latScale = GEO_LAT_MAX - GEO_LAT_MIN;
  const lonScale = GEO_LONG_MAX - GEO_LONG_MIN;
  const latMin = GEO_LAT_MIN + (ilato / scale) * latScale;
  const latMax = GEO_LAT_MIN + (((ilato + 1) >>> 0) / scale) * latScale;
  const lonMin = GEO_LONG_MIN + (ilono / scale) * lonScale;
  const lonMax = GEO_LONG_MIN + (((ilono + 1) >>> 0) / scale) * lonScale;
  let x = (lonMin + lonMax) / 2;
  if (x > GEO_LONG_MAX) x = GEO_LONG_MAX;
  if (x < GEO_LONG_MIN) x = GEO_LONG_MIN;
  let y = (latMin + latMax) / 2;
  if (y > GEO_LAT_MAX) y = GEO_LAT_MAX;
  if (y < GEO_LAT_MIN) y = GEO_LAT_MIN;
  xy[0] = x;
  xy[1] = y;
}

/** geohashDecode over the WGS84 ranges: the bounds of a cell. */
export function geohashDecode(h: GeoHashBits): GeoHashArea {
  deinterleave(Number((h.bits >> 32n) & MASK32), Number(h.bits & MASK32));
  const scale = 2 ** h.step;
  const latScale = GEO_LAT_MAX - GEO_LAT_MIN;
  const lonScale = GEO_LONG_MAX - GEO_LONG_MIN;
  return {
    latMin: GEO_LAT_MIN + (ilato / scale) * latScale,
    latMax: GEO_LAT_MIN + (((ilato + 1) >>> 0) / scale) * latScale,
    lonMin: GEO_LONG_MIN + (ilono / scale) * lonScale,
    lonMax: GEO_LONG_MIN + (((ilono + 1) >>> 0) / scale) * lonScale,
  };
}

const GEO_ALPHABET = '0123456789bcdefghjkmnpqrstuvwxyz';

/**
 * GEOHASH's 11-character string for a score: decode, re-encode over the standard latitude
 * range (-90, 90) that Redis's own -85..85 range differs from, and print 5 bits per
 * character; the 11th character stands for bits Redis does not have and is always '0'.
 */
export function geohashString(score: number): string {
  const xy = [0, 0];
  decodeGeoScore(score, xy);
  const h = geohashEncode(-180, 180, -90, 90, xy[0] as number, xy[1] as number, GEO_STEP_MAX) as GeoHashBits;
  let s = '';
  for (let i = 0; i < 10; i++) s += GEO_ALPHABET[Number((h.bits >> BigInt(52 - (i + 1) * 5)) & 0x1fn)];
  return `${s}0`;
}

// ---- neighbours ------------------------------------------------------------------------------

const EVEN = 0x5555555555555555n;
const ODD = 0xaaaaaaaaaaaaaaaan;
const M64 = 0xffffffffffffffffn;

/** Move a cell one column east (d > 0) or west, wrapping around within its step. */
function moveX(h: GeoHashBits, d: number): GeoHashBits {
  let x = h.bits & ODD;
  const y = h.bits & EVEN;
  const shift = BigInt(64 - h.step * 2);
  const zz = EVEN >> shift;
  if (d > 0) x = (x + zz + 1n) & M64;
  else x = ((x | zz) - (zz + 1n)) & M64;
  x &= ODD >> shift;
  return { bits: x | y, step: h.step };
}

/** Move a cell one row north (d > 0) or south. */
function moveY(h: GeoHashBits, d: number): GeoHashBits {
  const x = h.bits & ODD;
  let y = h.bits & EVEN;
  const shift = BigInt(64 - h.step * 2);
  const zz = ODD >> shift;
  if (d > 0) y = (y + zz + 1n) & M64;
  else y = ((y | zz) - (zz + 1n)) & M64;
  y &= EVEN >> shift;
  return { bits: x | y, step: h.step };
}

interface Neighbors {
  north: GeoHashBits;
  south: GeoHashBits;
  east: GeoHashBits;
  west: GeoHashBits;
  northEast: GeoHashBits;
  northWest: GeoHashBits;
  southEast: GeoHashBits;
  southWest: GeoHashBits;
}

function geohashNeighbors(h: GeoHashBits): Neighbors {
  return {
    east: moveX(h, 1),
    west: moveX(h, -1),
    south: moveY(h, -1),
    north: moveY(h, 1),
    northWest: moveY(moveX(h, -1), 1),
    northEast: moveY(moveX(h, 1), 1),
    southEast: moveY(moveX(h, 1), -1),
    southWest: moveY(moveX(h, -1), -1),
  };
}

// ---- areas covering a shape ----------------------------------------------------------------

function degRad(ang: number): number {
  return ang * D_R;
}

function radDeg(ang: number): number {
  return ang / D_R;
}

/** The step whose cells are about the size of the search radius (wider near the poles). */
export function geohashEstimateStepsByRadius(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2;
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return step;
}

/** [minLon, minLat, maxLon, maxLat] of the shape, wider on the side nearer the pole. */
function boundingBox(s: GeoShape): [number, number, number, number] {
  const height = s.conversion * (s.circle ? s.radius : s.height / 2);
  const width = s.conversion * (s.circle ? s.radius : s.width / 2);
  const latDelta = radDeg(height / EARTH_RADIUS_IN_METERS);
  const lonDeltaTop = radDeg(width / EARTH_RADIUS_IN_METERS / crCos(degRad(s.lat + latDelta)));
  const lonDeltaBottom = radDeg(width / EARTH_RADIUS_IN_METERS / crCos(degRad(s.lat - latDelta)));
  const southern = s.lat < 0;
  return [
    southern ? s.lon - lonDeltaBottom : s.lon - lonDeltaTop,
    s.lat - latDelta,
    southern ? s.lon + lonDeltaBottom : s.lon + lonDeltaTop,
    s.lat + latDelta,
  ];
}

/**
 * geohashCalculateAreasByShapeWGS84: the cell holding the centre and its eight neighbours,
 * in the order Redis scans them (centre, N, S, E, W, NE, NW, SE, SW). The step is lowered
 * once when a side neighbour does not reach the edge of the bounding box, and neighbours on
 * a side the centre cell already covers come back as step 0 (skipped).
 */
export function geohashAreasByShape(s: GeoShape): GeoHashBits[] {
  const [minLon, minLat, maxLon, maxLat] = boundingBox(s);
  let radiusMeters = s.circle ? s.radius : Math.sqrt((s.width / 2) * (s.width / 2) + (s.height / 2) * (s.height / 2));
  radiusMeters *= s.conversion;
  let steps = geohashEstimateStepsByRadius(radiusMeters, s.lat);
  let hash = geohashEncodeWGS84(s.lon, s.lat, steps) as GeoHashBits;
  let n = geohashNeighbors(hash);
  let area = geohashDecode(hash);

  const north = geohashDecode(n.north);
  const south = geohashDecode(n.south);
  const east = geohashDecode(n.east);
  const west = geohashDecode(n.west);
  const decreaseStep = north.latMax < maxLat || south.latMin > minLat || east.lonMax < maxLon || west.lonMin > minLon;
  if (steps > 1 && decreaseStep) {
    steps--;
    hash = geohashEncodeWGS84(s.lon, s.lat, steps) as GeoHashBits;
    n = geohashNeighbors(hash);
    area = geohashDecode(hash);
  }

  if (steps >= 2) {
    if (area.latMin < minLat) {
      n.south = NO_CELL;
      n.southWest = NO_CELL;
      n.southEast = NO_CELL;
    }
    if (area.latMax > maxLat) {
      n.north = NO_CELL;
      n.northEast = NO_CELL;
      n.northWest = NO_CELL;
    }
    if (area.lonMin < minLon) {
      n.west = NO_CELL;
      n.southWest = NO_CELL;
      n.northWest = NO_CELL;
    }
    if (area.lonMax > maxLon) {
      n.east = NO_CELL;
      n.southEast = NO_CELL;
      n.northEast = NO_CELL;
    }
  }
  return [hash, n.north, n.south, n.east, n.west, n.northEast, n.northWest, n.southEast, n.southWest];
}

/**
 * The scores of every step-26 point inside a cell: [min, max) as doubles (the C code
 * converts the 64-bit bounds to double for the range query, rounding to nearest).
 */
export function geohashBoxScores(h: GeoHashBits): [number, number] {
  const min = geohashAlign52Bits(h);
  const max = geohashAlign52Bits({ bits: h.bits + 1n, step: h.step });
  return [Number(min), Number(max)];
}

// ---- distances -------------------------------------------------------------------------------

/** Distance along a meridian: no trigonometry needed. */
function latDistance(lat1d: number, lat2d: number): number {
  return EARTH_RADIUS_IN_METERS * Math.abs(degRad(lat2d) - degRad(lat1d));
}

/** Haversine great-circle distance in metres (longitude first), with Math's trigonometry. */
export function geohashGetDistance(lon1d: number, lat1d: number, lon2d: number, lat2d: number): number {
  const lon1r = degRad(lon1d);
  const lon2r = degRad(lon2d);
  const v = Math.sin((lon2r - lon1r) / 2);
  if (v === 0.0) return latDistance(lat1d, lat2d);
  const lat1r = degRad(lat1d);
  const lat2r = degRad(lat2d);
  const u = Math.sin((lat2r - lat1r) / 2);
  const a = u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(a));
}

/** The same distance with correctly rounded trigonometry: what Redis prints, nearly always. */
export function geohashGetDistanceExact(lon1d: number, lat1d: number, lon2d: number, lat2d: number): number {
  const lon1r = degRad(lon1d);
  const lon2r = degRad(lon2d);
  const v = crSin((lon2r - lon1r) / 2);
  if (v === 0.0) return latDistance(lat1d, lat2d);
  const lat1r = degRad(lat1d);
  const lat2r = degRad(lat2d);
  const u = crSin((lat2r - lat1r) / 2);
  const a = u * u + crCos(lat1r) * crCos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS_IN_METERS * crAsin(Math.sqrt(a));
}

/** Relative gap under which Math's distance may fall on the other side of a limit than glibc's. */
const EDGE = 1e-9;

/**
 * Whether the point (lon, lat) is inside the shape: its distance from the centre in metres
 * (from Math's trigonometry), or -1 when it is outside. A NaN distance, which Redis counts as
 * inside because `NaN > radius` is false, comes back as NaN.
 */
export function geoDistanceIfWithin(s: GeoShape, lon: number, lat: number): number {
  if (s.circle) {
    const limit = s.radius * s.conversion;
    let d = geohashGetDistance(s.lon, s.lat, lon, lat);
    if (Math.abs(d - limit) <= limit * EDGE) d = geohashGetDistanceExact(s.lon, s.lat, lon, lat);
    return d > limit ? -1 : d;
  }
  const halfWidth = (s.width * s.conversion) / 2;
  const halfHeight = (s.height * s.conversion) / 2;
  if (latDistance(lat, s.lat) > halfHeight) return -1;
  let lonDistance = geohashGetDistance(lon, lat, s.lon, lat);
  if (Math.abs(lonDistance - halfWidth) <= halfWidth * EDGE) lonDistance = geohashGetDistanceExact(lon, lat, s.lon, lat);
  if (lonDistance > halfWidth) return -1;
  return geohashGetDistance(s.lon, s.lat, lon, lat);
}
