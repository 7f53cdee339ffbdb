/**
 * Geo commands: GEOADD GEOPOS GEODIST GEOHASH here, the searches (GEOSEARCH, GEOSEARCHSTORE,
 * GEORADIUS[BYMEMBER][_RO]) in geo-search.ts, shared arguments and formats in geo-args.ts.
 * A geo index is a plain sorted set whose scores are 52-bit geohashes (src/util/geohash.ts),
 * so every zset command works on it, and GEOADD is ZADD with computed scores: it builds the
 * ZADD line and runs ZADD, as Redis does, which gives the same replies, errors, keyspace
 * event ('zadd') and encodings.
 */
import { Argv } from '../protocol/argv.js';
import { geohashGetDistanceExact, geohashString, geoScore } from '../util/geohash.js';
import { ERR } from './errors.js';
import { extractLonLat, extractUnit, formatDistance, lonLatFromMember, replyCoordinate, unitArg } from './geo-args.js';
import { geoSearchCommands } from './geo-search.js';
import type { CommandContext, CommandSpec } from './spec.js';
import { zadd } from './zset.js';
import { zsetForRead } from './zset-args.js';

const keyArg = { name: 'key', type: 'key', key_spec_index: 0 } as const;
const RO_ACCESS = [{ flags: ['RO', 'access'], begin_search: { index: 1 }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } }] as const;

export const geoCommands: readonly CommandSpec[] = [
  {
    name: 'geoadd', arity: -5, flags: ['write', 'denyoom'], acl: ['geo'], keys: [1, 1, 1], group: 'geo', since: '3.2.0',
    summary: 'Add places, given by longitude and latitude, to a geo index kept in a sorted set',
    complexity: 'O(log(N)) per place added, N being the size of the sorted set.',
    keySpecs: [{ flags: ['RW', 'update'], begin_search: { index: 1 }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } }],
    args: [
      keyArg,
      { name: 'condition', type: 'oneof', since: '6.2.0', optional: true, arguments: [{ name: 'nx', type: 'pure-token', token: 'NX' }, { name: 'xx', type: 'pure-token', token: 'XX' }] },
      { name: 'change', type: 'pure-token', token: 'CH', since: '6.2.0', optional: true },
      {
        name: 'longitude_latitude_member', type: 'block', multiple: true,
        arguments: [{ name: 'longitude', type: 'double' }, { name: 'latitude', type: 'double' }, { name: 'member', type: 'string' }],
      },
    ],
    run: geoadd,
  },
  {
    name: 'geodist', arity: -4, flags: ['readonly'], acl: ['geo'], keys: [1, 1, 1], group: 'geo', since: '3.2.0',
    summary: 'Distance between two places of a geo index', complexity: 'O(log(N))',
    keySpecs: RO_ACCESS,
    args: [keyArg, { name: 'member1', type: 'string' }, { name: 'member2', type: 'string' }, { ...unitArg, optional: true }],
    run: geodist,
  },
  {
    name: 'geohash', arity: -2, flags: ['readonly'], acl: ['geo'], keys: [1, 1, 1], group: 'geo', since: '3.2.0',
    summary: 'The standard 11-character geohash of places of a geo index',
    complexity: 'O(log(N)) per place, N being the size of the sorted set.',
    keySpecs: RO_ACCESS,
    args: [keyArg, { name: 'member', type: 'string', multiple: true }],
    run: geohash,
  },
  {
    name: 'geopos', arity: -2, flags: ['readonly'], acl: ['geo'], keys: [1, 1, 1], group: 'geo', since: '3.2.0',
    summary: 'Longitude and latitude of places of a geo index', complexity: 'O(N) for N places asked for.',
    keySpecs: RO_ACCESS,
    args: [keyArg, { name: 'member', type: 'string', multiple: true }],
    run: geopos,
  },
  ...geoSearchCommands,
];

// ---- commands --------------------------------------------------------------------------------

/** GEOADD key [NX | XX] [CH] longitude latitude member [longitude latitude member ...] */
function geoadd(ctx: CommandContext, argv: Argv): void {
  let nx = false;
  let xx = false;
  let longIdx = 2;
  for (; longIdx < argv.argc; longIdx++) {
    if (argv.is(longIdx, 'NX')) nx = true;
    else if (argv.is(longIdx, 'XX')) xx = true;
    else if (!argv.is(longIdx, 'CH')) break;
  }
  if ((argv.argc - longIdx) % 3 !== 0 || (xx && nx)) {
    ctx.reply.error(ERR.syntax);
    return;
  }
  // ZADD key [options] score member ...: every coordinate is checked before anything runs.
  const line: (string | Buffer)[] = ['zadd'];
  for (let i = 1; i < longIdx; i++) line.push(argv.bytes(i));
  const xy = [0, 0];
  for (let i = longIdx; i < argv.argc; i += 3) {
    if (!extractLonLat(ctx, argv, i, xy)) return;
    line.push(String(geoScore(xy[0] as number, xy[1] as number)), argv.bytes(i + 2));
  }
  zadd(ctx, Argv.fromStrings(line));
  // Propagated as the ZADD it ran (lower-case 'zadd', as Redis).
  ctx.rewriteArgv(line);
}

/** GEOPOS key [member ...] */
function geopos(ctx: CommandContext, argv: Argv): void {
  const z = zsetForRead(ctx, argv.str(1));
  if (z === null) return;
  const xy = [0, 0];
  ctx.reply.arrayHeader(argv.argc - 2);
  for (let i = 2; i < argv.argc; i++) {
    if (z === undefined || !lonLatFromMember(z, argv.str(i), xy)) {
      ctx.reply.nullArray();
      continue;
    }
    ctx.reply.arrayHeader(2);
    replyCoordinate(ctx, xy[0] as number);
    replyCoordinate(ctx, xy[1] as number);
  }
}

/** GEODIST key member1 member2 [M | KM | FT | MI] */
function geodist(ctx: CommandContext, argv: Argv): void {
  let toMeter = 1;
  if (argv.argc === 5) {
    toMeter = extractUnit(ctx, argv, 4);
    if (toMeter < 0) return;
  } else if (argv.argc > 5) {
    ctx.reply.error(ERR.syntax);
    return;
  }
  const z = zsetForRead(ctx, argv.str(1));
  if (z === null) return;
  const a = [0, 0];
  const b = [0, 0];
  if (z === undefined || !lonLatFromMember(z, argv.str(2), a) || !lonLatFromMember(z, argv.str(3), b)) {
    ctx.reply.nullBulk();
    return;
  }
  const d = geohashGetDistanceExact(a[0] as number, a[1] as number, b[0] as number, b[1] as number) / toMeter;
  ctx.reply.bulk(formatDistance(d));
}

/** GEOHASH key [member ...] */
function geohash(ctx: CommandContext, argv: Argv): void {
  const z = zsetForRead(ctx, argv.str(1));
  if (z === null) return;
  ctx.reply.arrayHeader(argv.argc - 2);
  for (let i = 2; i < argv.argc; i++) {
    const score = z === undefined ? undefined : z.score(argv.str(i));
    if (score === undefined) ctx.reply.nullBulk();
    else ctx.reply.bulk(geohashString(score));
  }
}
