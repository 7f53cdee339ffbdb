/**
 * Geo searches: GEOSEARCH, GEOSEARCHSTORE and the older GEORADIUS, GEORADIUSBYMEMBER and
 * their _RO forms, all one routine as in Redis (georadiusGeneric), so they share its
 * argument rules, its error order and its results.
 *
 * A search looks at the nine geohash cells covering the shape (util/geohash.ts), each a score
 * range of the sorted set, keeps the members inside the shape in the order it meets them,
 * then sorts by distance when asked (or when COUNT is given without ANY): a full sort is
 * stable, as glibc's merge-sort qsort is, and a COUNT smaller than the match count uses the
 * same partial quicksort as Redis (util/pqsort.ts), so ties at equal distance come out in
 * Redis's order.
 */
import type { Argv } from '../protocol/argv.js';
import { NOTIFY } from '../keyspace/notify.js';
import { decodeGeoScore, geoDistanceIfWithin, geohashAreasByShape, geohashBoxScores, geohashGetDistanceExact, type GeoHashBits, type GeoShape } from '../util/geohash.js';
import { pqsort } from '../util/pqsort.js';
import { RedisZset } from '../values/zset.js';
import { ERR, geoExactlyOneBy, geoExactlyOneFrom, geoStoreIncompatible } from './errors.js';
import { extractLonLat, extractUnit, formatDistance, lonLatFromMember, replyCoordinate, unitArg } from './geo-args.js';
import type { ArgDoc, CommandContext, CommandSpec, KeySpec } from './spec.js';
import { parseStrictDouble, zsetForRead } from './zset-args.js';

const RADIUS_COORDS = 1;
const RADIUS_MEMBER = 2;
const RADIUS_NOSTORE = 4;
const GEOSEARCH = 8;
const GEOSEARCHSTORE = 16;

const SORT_NONE = 0;
const SORT_ASC = 1;
const SORT_DESC = 2;

// ---- spec rows ---------------------------------------------------------------------------------

const keyArg = { name: 'key', type: 'key', key_spec_index: 0 } as const;
const RO_ACCESS = [{ flags: ['RO', 'access'], begin_search: { index: 1 }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } }] as const;

function radiusKeySpecs(startfrom: number): readonly KeySpec[] {
  const store = (keyword: string): KeySpec => ({ flags: ['OW', 'update'], begin_search: { keyword, startfrom }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } });
  return [RO_ACCESS[0], store('STORE'), store('STOREDIST')];
}

const withArgs: readonly ArgDoc[] = [
  { name: 'withcoord', type: 'pure-token', token: 'WITHCOORD', optional: true },
  { name: 'withdist', type: 'pure-token', token: 'WITHDIST', optional: true },
  { name: 'withhash', type: 'pure-token', token: 'WITHHASH', optional: true },
];

function countArg(anySince: string | null): ArgDoc {
  const any: ArgDoc = anySince === null ? { name: 'any', type: 'pure-token', token: 'ANY', optional: true } : { name: 'any', type: 'pure-token', token: 'ANY', since: anySince, optional: true };
  return { name: 'count', type: 'block', optional: true, arguments: [{ name: 'count', type: 'integer', token: 'COUNT' }, any] };
}

const orderArg: ArgDoc = {
  name: 'order', type: 'oneof', optional: true,
  arguments: [{ name: 'asc', type: 'pure-token', token: 'ASC' }, { name: 'desc', type: 'pure-token', token: 'DESC' }],
};

const fromArg: ArgDoc = {
  name: 'from', type: 'oneof',
  arguments: [
    { name: 'member', type: 'string', token: 'FROMMEMBER' },
    { name: 'longitude_latitude', type: 'block', token: 'FROMLONLAT', arguments: [{ name: 'longitude', type: 'double' }, { name: 'latitude', type: 'double' }] },
  ],
};

const byArg: ArgDoc = {
  name: 'by', type: 'oneof',
  arguments: [
    { name: 'circle', type: 'block', arguments: [{ name: 'radius', type: 'double', token: 'BYRADIUS' }, unitArg] },
    { name: 'box', type: 'block', arguments: [{ name: 'width', type: 'double', token: 'BYBOX' }, { name: 'height', type: 'double' }, unitArg] },
  ],
};

const centreByCoords: readonly ArgDoc[] = [keyArg, { name: 'longitude', type: 'double' }, { name: 'latitude', type: 'double' }, { name: 'radius', type: 'double' }, unitArg];
const centreByMember: readonly ArgDoc[] = [keyArg, { name: 'member', type: 'string' }, { name: 'radius', type: 'double' }, unitArg];
const storeArgs: readonly ArgDoc[] = [
  { name: 'key', type: 'key', key_spec_index: 1, token: 'STORE', optional: true },
  { name: 'key', type: 'key', key_spec_index: 2, token: 'STOREDIST', optional: true },
];
const RADIUS_COMPLEXITY =
  'O(N+log(M)), N being the number of members in the cells around the circle and M the size of the index.';
const SEARCH_COMPLEXITY =
  'O(N+log(M)), N being the number of members in the cells around the shape and M the number of members inside it.';

/**
 * GEORADIUS's keys for COMMAND GETKEYS and the key extraction of the server: the source, and
 * the last STORE / STOREDIST destination that has an argument after it.
 */
function georadiusKeys(argv: Argv): number[] {
  let stored = -1;
  for (let i = 5; i < argv.argc; i++) {
    if ((argv.is(i, 'STORE') || argv.is(i, 'STOREDIST')) && i + 1 < argv.argc) {
      stored = i + 1;
      i++;
    }
  }
  return stored === -1 ? [1] : [1, stored];
}

export const geoSearchCommands: readonly CommandSpec[] = [
  {
    name: 'geosearch', arity: -7, flags: ['readonly'], acl: ['geo'], keys: [1, 1, 1], group: 'geo', since: '6.2.0',
    summary: 'Members of a geo index inside a circle or a box around a place or a member', complexity: SEARCH_COMPLEXITY,
    keySpecs: RO_ACCESS,
    args: [keyArg, fromArg, byArg, orderArg, countArg(null), ...withArgs],
    run: (ctx, argv) => georadiusGeneric(ctx, argv, 1, GEOSEARCH),
  },
  {
    name: 'geosearchstore', arity: -8, flags: ['write', 'denyoom'], acl: ['geo'], keys: [1, 2, 1], group: 'geo', since: '6.2.0',
    summary: 'Store the members of a geo index inside a circle or a box in another key', complexity: SEARCH_COMPLEXITY,
    keySpecs: [
      { flags: ['OW', 'update'], begin_search: { index: 1 }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } },
      { flags: ['RO', 'access'], begin_search: { index: 2 }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } },
    ],
    args: [
      { name: 'destination', type: 'key', key_spec_index: 0 },
      { name: 'source', type: 'key', key_spec_index: 1 },
      fromArg, byArg, orderArg, countArg(null),
      { name: 'storedist', type: 'pure-token', token: 'STOREDIST', optional: true },
    ],
    run: (ctx, argv) => georadiusGeneric(ctx, argv, 2, GEOSEARCH | GEOSEARCHSTORE),
  },
  {
    name: 'georadius', arity: -6, flags: ['write', 'denyoom', 'movablekeys'], acl: ['geo'], keys: [1, 1, 1], group: 'geo', since: '3.2.0',
    summary: 'Members of a geo index within a distance of a point, optionally stored in a key', complexity: RADIUS_COMPLEXITY,
    docFlags: ['deprecated'],
    keySpecs: radiusKeySpecs(6),
    args: [...centreByCoords, ...withArgs, countArg('6.2.0'), orderArg, ...storeArgs],
    getKeys: georadiusKeys,
    run: (ctx, argv) => georadiusGeneric(ctx, argv, 1, RADIUS_COORDS),
  },
  {
    name: 'georadiusbymember', arity: -5, flags: ['write', 'denyoom', 'movablekeys'], acl: ['geo'], keys: [1, 1, 1], group: 'geo', since: '3.2.0',
    summary: 'Members of a geo index within a distance of one of its members, optionally stored in a key', complexity: RADIUS_COMPLEXITY,
    docFlags: ['deprecated'],
    keySpecs: radiusKeySpecs(5),
    args: [...centreByMember, ...withArgs, countArg(null), orderArg, ...storeArgs],
    getKeys: georadiusKeys,
    run: (ctx, argv) => georadiusGeneric(ctx, argv, 1, RADIUS_MEMBER),
  },
  {
    name: 'georadius_ro', arity: -6, flags: ['readonly'], acl: ['geo'], keys: [1, 1, 1], group: 'geo', since: '3.2.10',
    summary: 'GEORADIUS without the STORE options, for read-only use', complexity: RADIUS_COMPLEXITY,
    docFlags: ['deprecated'],
    keySpecs: RO_ACCESS,
    args: [...centreByCoords, ...withArgs, countArg('6.2.0'), orderArg],
    run: (ctx, argv) => georadiusGeneric(ctx, argv, 1, RADIUS_COORDS | RADIUS_NOSTORE),
  },
  {
    name: 'georadiusbymember_ro', arity: -5, flags: ['readonly'], acl: ['geo'], keys: [1, 1, 1], group: 'geo', since: '3.2.10',
    summary: 'GEORADIUSBYMEMBER without the STORE options, for read-only use', complexity: RADIUS_COMPLEXITY,
    docFlags: ['deprecated'],
    keySpecs: RO_ACCESS,
    args: [...centreByMember, ...withArgs, countArg(null), orderArg],
    run: (ctx, argv) => georadiusGeneric(ctx, argv, 1, RADIUS_MEMBER | RADIUS_NOSTORE),
  },
];

// ---- arguments ---------------------------------------------------------------------------------

/** `radius unit` at argv[i]: fills the shape as a circle; false after replying the error. */
function extractDistance(ctx: CommandContext, argv: Argv, i: number, shape: GeoShape): boolean {
  const r = parseStrictDouble(argv.str(i));
  if (r === null) {
    ctx.reply.error(ERR.geoNeedRadius);
    return false;
  }
  if (r < 0) {
    ctx.reply.error(ERR.geoRadiusNegative);
    return false;
  }
  shape.radius = r;
  const conversion = extractUnit(ctx, argv, i + 1);
  if (conversion < 0) return false;
  shape.conversion = conversion;
  return true;
}

/** `width height unit` at argv[i]: fills the shape as a box; false after replying the error. */
function extractBox(ctx: CommandContext, argv: Argv, i: number, shape: GeoShape): boolean {
  const w = parseStrictDouble(argv.str(i));
  if (w === null) {
    ctx.reply.error(ERR.geoNeedWidth);
    return false;
  }
  const h = parseStrictDouble(argv.str(i + 1));
  if (h === null) {
    ctx.reply.error(ERR.geoNeedHeight);
    return false;
  }
  if (h < 0 || w < 0) {
    ctx.reply.error(ERR.geoBoxNegative);
    return false;
  }
  shape.width = w;
  shape.height = h;
  const conversion = extractUnit(ctx, argv, i + 2);
  if (conversion < 0) return false;
  shape.conversion = conversion;
  return true;
}

// ---- the search ----------------------------------------------------------------------------------

interface GeoPoint {
  member: string;
  score: number;
  lon: number;
  lat: number;
  dist: number;
}

const xyScratch = [0, 0];

/**
 * Members of one cell inside the shape, appended in score order; stops once `limit` (ANY's
 * count, 0 for none) points have been found.
 */
function pointsInCell(z: RedisZset, cell: GeoHashBits, shape: GeoShape, out: GeoPoint[], limit: number): void {
  const [min, max] = geohashBoxScores(cell);
  const first = z.countScoreBelow(min, false);
  if (first >= z.length) return;
  const xy = xyScratch;
  for (const it = z.iter(first); it.valid; it.next()) {
    const score = it.score;
    if (!(score < max)) break;
    decodeGeoScore(score, xy);
    const lon = xy[0] as number;
    const lat = xy[1] as number;
    const dist = geoDistanceIfWithin(shape, lon, lat);
    if (dist !== -1) out.push({ member: it.member, score, lon, lat, dist });
    if (limit !== 0 && out.length >= limit) break;
  }
}

/**
 * Every cell in Redis's order. A cell equal to the one scanned just before is skipped (huge
 * radiuses make neighbours coincide), except right after the centre, as in Redis.
 */
function pointsInCells(z: RedisZset, cells: GeoHashBits[], shape: GeoShape, limit: number): GeoPoint[] {
  const out: GeoPoint[] = [];
  let last = 0;
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i] as GeoHashBits;
    if (c.step === 0 && c.bits === 0n) continue;
    const prev = cells[last] as GeoHashBits;
    if (last !== 0 && c.bits === prev.bits && c.step === prev.step) continue;
    if (limit !== 0 && out.length >= limit) break;
    pointsInCell(z, c, shape, out, limit);
    last = i;
  }
  return out;
}

function byDistanceAsc(a: GeoPoint, b: GeoPoint): number {
  return a.dist > b.dist ? 1 : a.dist === b.dist ? 0 : -1;
}

function byDistanceDesc(a: GeoPoint, b: GeoPoint): number {
  return a.dist > b.dist ? -1 : a.dist === b.dist ? 0 : 1;
}

/**
 * GEORADIUS key longitude latitude radius unit [options]
 * GEORADIUSBYMEMBER key member radius unit [options]
 *   options: WITHDIST WITHHASH WITHCOORD ASC|DESC COUNT count [ANY] STORE key STOREDIST key
 * GEOSEARCH key FROMMEMBER member|FROMLONLAT lon lat BYRADIUS radius unit|BYBOX w h unit
 *   [ASC|DESC] [COUNT count [ANY]] [WITHCOORD] [WITHDIST] [WITHHASH]
 * GEOSEARCHSTORE dst src (as GEOSEARCH, without the WITH options) [STOREDIST]
 *
 * Redis's order: the source key's type first, then the fixed centre and radius of the
 * GEORADIUS forms, then the options one by one (each reporting its own error at once), then
 * the combination checks, and only then the missing-key answers.
 */
function georadiusGeneric(ctx: CommandContext, argv: Argv, srcKeyIndex: number, flags: number): void {
  let storeKey: string | null = null;
  let storeDist = false;
  const z = zsetForRead(ctx, argv.str(srcKeyIndex));
  if (z === null) return;

  const shape: GeoShape = { circle: true, lon: 0, lat: 0, conversion: 0, radius: 0, width: 0, height: 0 };
  const xy = [0, 0];
  let baseArgs: number;
  if (flags & RADIUS_COORDS) {
    baseArgs = 6;
    if (!extractLonLat(ctx, argv, 2, xy)) return;
    if (!extractDistance(ctx, argv, baseArgs - 2, shape)) return;
  } else if (flags & RADIUS_MEMBER) {
    baseArgs = 5;
    // Without the source key the member cannot be looked up; parsing goes on so the reply
    // still depends on STORE.
    if (z !== undefined) {
      if (!lonLatFromMember(z, argv.str(2), xy)) {
        ctx.reply.error(ERR.geoMemberNotFound);
        return;
      }
      if (!extractDistance(ctx, argv, baseArgs - 2, shape)) return;
    }
  } else {
    baseArgs = 2;
    if (flags & GEOSEARCHSTORE) {
      baseArgs = 3;
      storeKey = argv.str(1);
    }
  }

  let withDist = false;
  let withHash = false;
  let withCoords = false;
  let fromMember = false;
  let fromLoc = false;
  let byRadius = false;
  let byBox = false;
  let sort = SORT_NONE;
  let any = false;
  let count = 0;
  const search = (flags & GEOSEARCH) !== 0;
  const storeOptions = (flags & (RADIUS_NOSTORE | GEOSEARCH)) === 0;
  const argc = argv.argc;
  for (let i = baseArgs; i < argc; i++) {
    const more = argc - i - 1;
    if (argv.is(i, 'WITHDIST')) {
      withDist = true;
    } else if (argv.is(i, 'WITHHASH')) {
      withHash = true;
    } else if (argv.is(i, 'WITHCOORD')) {
      withCoords = true;
    } else if (argv.is(i, 'ANY')) {
      any = true;
    } else if (argv.is(i, 'ASC')) {
      sort = SORT_ASC;
    } else if (argv.is(i, 'DESC')) {
      sort = SORT_DESC;
    } else if (argv.is(i, 'COUNT') && more >= 1) {
      const c = argv.int(i + 1);
      if (c === null) {
        ctx.reply.error(ERR.notInteger);
        return;
      }
      if (c <= 0) {
        ctx.reply.error(ERR.geoCountPositive);
        return;
      }
      count = typeof c === 'bigint' ? Number.MAX_SAFE_INTEGER : c;
      i++;
    } else if (argv.is(i, 'STORE') && more >= 1 && storeOptions) {
      storeKey = argv.str(i + 1);
      storeDist = false;
      i++;
    } else if (argv.is(i, 'STOREDIST') && more >= 1 && storeOptions) {
      storeKey = argv.str(i + 1);
      storeDist = true;
      i++;
    } else if (argv.is(i, 'STOREDIST') && (flags & GEOSEARCHSTORE) !== 0) {
      storeDist = true;
    } else if (argv.is(i, 'FROMMEMBER') && more >= 1 && search && !fromLoc) {
      if (z !== undefined && !lonLatFromMember(z, argv.str(i + 1), xy)) {
        ctx.reply.error(ERR.geoMemberNotFound);
        return;
      }
      fromMember = true;
      i++;
    } else if (argv.is(i, 'FROMLONLAT') && more >= 2 && search && !fromMember) {
      if (!extractLonLat(ctx, argv, i + 1, xy)) return;
      fromLoc = true;
      i += 2;
    } else if (argv.is(i, 'BYRADIUS') && more >= 2 && search && !byBox) {
      if (!extractDistance(ctx, argv, i + 1, shape)) return;
      shape.circle = true;
      byRadius = true;
      i += 2;
    } else if (argv.is(i, 'BYBOX') && more >= 3 && search && !byRadius) {
      if (!extractBox(ctx, argv, i + 1, shape)) return;
      shape.circle = false;
      byBox = true;
      i += 3;
    } else {
      ctx.reply.error(ERR.syntax);
      return;
    }
  }

  if (storeKey !== null && (withDist || withHash || withCoords)) {
    ctx.reply.error(geoStoreIncompatible((flags & GEOSEARCHSTORE) !== 0));
    return;
  }
  if (search && !(fromMember || fromLoc)) {
    ctx.reply.error(geoExactlyOneFrom(argv.str(0)));
    return;
  }
  if (search && !(byRadius || byBox)) {
    ctx.reply.error(geoExactlyOneBy(argv.str(0)));
    return;
  }
  if (any && count === 0) {
    ctx.reply.error(ERR.geoAnyNeedsCount);
    return;
  }

  if (z === undefined) {
    if (storeKey === null) {
      ctx.reply.emptyArray();
      return;
    }
    deleteDestination(ctx, storeKey);
    ctx.reply.integer(0);
    return;
  }

  // COUNT means "the nearest N", so it sorts by distance unless ANY says any N will do.
  if (count !== 0 && sort === SORT_NONE && !any) sort = SORT_ASC;
  shape.lon = xy[0] as number;
  shape.lat = xy[1] as number;
  const points = pointsInCells(z, geohashAreasByShape(shape), shape, any ? count : 0);
  if (points.length === 0 && storeKey === null) {
    ctx.reply.emptyArray();
    return;
  }
  const returned = count === 0 || points.length < count ? points.length : count;
  if (sort !== SORT_NONE) {
    const cmp = sort === SORT_ASC ? byDistanceAsc : byDistanceDesc;
    if (returned === points.length) points.sort(cmp);
    else pqsort(points, cmp, 0, returned - 1);
  }
  if (storeKey === null) replyPoints(ctx, points, returned, shape, withDist, withHash, withCoords);
  else storePoints(ctx, storeKey, points, returned, shape, storeDist, search);
}

/**
 * A distance as shown to the client, in the search unit: recomputed with correctly rounded
 * trigonometry, which is what glibc gives Redis (the search itself sorted with Math's value,
 * which differs at most in the last bits).
 */
function shownDistance(shape: GeoShape, p: GeoPoint): number {
  return geohashGetDistanceExact(shape.lon, shape.lat, p.lon, p.lat) / shape.conversion;
}

function replyPoints(ctx: CommandContext, points: GeoPoint[], n: number, shape: GeoShape, withDist: boolean, withHash: boolean, withCoords: boolean): void {
  const r = ctx.reply;
  const options = (withDist ? 1 : 0) + (withHash ? 1 : 0) + (withCoords ? 1 : 0);
  r.arrayHeader(n);
  for (let i = 0; i < n; i++) {
    const p = points[i] as GeoPoint;
    if (options > 0) r.arrayHeader(options + 1);
    r.bulk(p.member);
    if (withDist) r.bulk(formatDistance(shownDistance(shape, p)));
    if (withHash) r.integer(hashInteger(p.score));
    if (withCoords) {
      r.arrayHeader(2);
      replyCoordinate(ctx, p.lon);
      replyCoordinate(ctx, p.lat);
    }
  }
}

/** The score as the C long long conversion gives it (searches only find scores below 2^54). */
function hashInteger(score: number): number | bigint {
  const t = Math.trunc(score);
  return Number.isSafeInteger(t) ? t : BigInt(t);
}

/**
 * STORE / STOREDIST / GEOSEARCHSTORE: the first `n` points into a new sorted set at dst,
 * scored by geohash or by distance in the search unit (dst is deleted when there are none).
 */
function storePoints(ctx: CommandContext, dst: string, points: GeoPoint[], n: number, shape: GeoShape, storeDist: boolean, search: boolean): void {
  const db = ctx.db;
  if (n === 0) {
    deleteDestination(ctx, dst);
    ctx.reply.integer(0);
    return;
  }
  const seen = new Set<string>();
  const entries: { member: string; score: number }[] = [];
  for (let i = 0; i < n; i++) {
    const p = points[i] as GeoPoint;
    if (seen.has(p.member)) continue;
    seen.add(p.member);
    entries.push({ member: p.member, score: storeDist ? shownDistance(shape, p) : p.score });
  }
  entries.sort((a, b) => (a.score < b.score ? -1 : a.score > b.score ? 1 : a.member < b.member ? -1 : a.member > b.member ? 1 : 0));
  const members = entries.map((e) => e.member);
  const scores = entries.map((e) => e.score);
  db.set(dst, RedisZset.fromSorted(members, scores, ctx.ks.initialWord(), ctx.ks.encoding));
  db.notify(NOTIFY.ZSET, search ? 'geosearchstore' : 'georadiusstore', dst);
  ctx.dirty += n;
  ctx.reply.integer(n);
}

function deleteDestination(ctx: CommandContext, dst: string): void {
  if (ctx.db.delete(dst)) {
    ctx.db.notify(NOTIFY.GENERIC, 'del', dst);
    ctx.dirty++;
  }
}
