/**
 * Geo commands: the tests of Redis 7.0's tests/unit/geo.tcl with exact replies, including its
 * fuzz tests (deterministic seeds here) that check searches against a haversine model, and —
 * when redis-server is installed — differential runs: the same commands, options and random
 * data sent to Cinnabar and redis-server 7.0.15 must get the same replies in RESP2 and RESP3
 * (coordinates to 17 decimals, distances, hashes, orders among equal distances, stored zsets,
 * keyspace events and every error).
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertError,
  haveRedisServer,
  OK,
  startOracle,
  startTestServer,
  type Oracle,
  type RespClient,
  type Reply,
  type TestServer,
} from '../helpers/server.js';

let srv: TestServer;
let c: RespClient;
let c3: RespClient;

before(async () => {
  srv = await startTestServer();
  c = await srv.client();
  c3 = await srv.client();
  await c3.call('HELLO', '3');
});

after(async () => {
  await srv.close();
});

type Arg = string | number;
const r = (...args: Arg[]): Promise<Reply> => c.call(...args);
const r3 = (...args: Arg[]): Promise<Reply> => c3.call(...args);
const d = (s: string): Reply => ({ double: s });

function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

// ---- the haversine model of geo.tcl ---------------------------------------------------------------

const degRad = (deg: number): number => deg * ((Math.atan(1) * 8) / 360);
const radDeg = (rad: number): number => rad / ((Math.atan(1) * 8) / 360);

function geoDistance(lon1d: number, lat1d: number, lon2d: number, lat2d: number): number {
  const lon1r = degRad(lon1d);
  const lat1r = degRad(lat1d);
  const lon2r = degRad(lon2d);
  const lat2r = degRad(lat2d);
  const v = Math.sin((lon2r - lon1r) / 2);
  const u = Math.sin((lat2r - lat1r) / 2);
  return 2.0 * 6372797.560856 * Math.asin(Math.sqrt(u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v));
}

function pointInCircle(radiusKm: number, lon: number, lat: number, searchLon: number, searchLat: number): boolean {
  return geoDistance(lon, lat, searchLon, searchLat) < radiusKm * 1000;
}

function pointInRectangle(widthKm: number, heightKm: number, lon: number, lat: number, searchLon: number, searchLat: number, error: number): boolean {
  const widthM = (widthKm * 1000 * error) / 2;
  const heightM = (heightKm * 1000 * error) / 2;
  const lonDistance = geoDistance(lon, lat, searchLon, lat);
  const latDistance = geoDistance(lon, lat, lon, searchLat);
  return !(lonDistance > widthM || latDistance > heightM);
}

/** Members in one list and not the other. */
function compareLists(a: string[], b: string[]): string[] {
  const diff = a.filter((x) => !b.includes(x));
  for (const x of b) if (!a.includes(x) && !diff.includes(x)) diff.push(x);
  return diff;
}

async function geopos(member: string, key = 'mypoints'): Promise<[number, number]> {
  const [p] = (await r('GEOPOS', key, member)) as [string, string][];
  return [Number((p as [string, string])[0]), Number((p as [string, string])[1])];
}

// ---- geo.tcl -----------------------------------------------------------------------------------

async function verifyByLonLat(expected: (reply: Reply) => void, expectedStore: (reply: Reply) => void): Promise<void> {
  expected(await r('GEORADIUS', 'src{t}', 1, 1, 1, 'km'));
  expectedStore(await r('GEORADIUS', 'src{t}', 1, 1, 1, 'km', 'STORE', 'dest{t}'));
  expected(await r('GEOSEARCH', 'src{t}', 'FROMLONLAT', 0, 0, 'BYRADIUS', 1, 'km'));
  expectedStore(await r('GEOSEARCHSTORE', 'dest{t}', 'src{t}', 'FROMLONLAT', 0, 0, 'BYRADIUS', 1, 'km'));
}

async function verifyByMember(expected: (reply: Reply) => void, expectedStore: (reply: Reply) => void): Promise<void> {
  expected(await r('GEORADIUSBYMEMBER', 'src{t}', 'member', 1, 'km'));
  expectedStore(await r('GEORADIUSBYMEMBER', 'src{t}', 'member', 1, 'km', 'STORE', 'dest{t}'));
  expected(await r('GEOSEARCH', 'src{t}', 'FROMMEMBER', 'member', 'BYBOX', 1, 1, 'km'));
  expectedStore(await r('GEOSEARCHSTORE', 'dest{t}', 'src{t}', 'FROMMEMBER', 'member', 'BYBOX', 1, 1, 'm'));
}

const isWrongType = (x: Reply): void => assertError(x, 'WRONGTYPE*');
const isEmpty = (x: Reply): void => assert.deepEqual(x, []);
const isZero = (x: Reply): void => assert.equal(x, 0);
const isMemberError = (x: Reply): void => assertError(x, 'ERR could not decode requested zset member');

test('GEO with wrong type src key', async () => {
  await r('SET', 'src{t}', 'wrong_type');
  await verifyByLonLat(isWrongType, isWrongType);
  await verifyByMember(isWrongType, isWrongType);
});

test('GEO with non existing src key', async () => {
  await r('DEL', 'src{t}');
  await verifyByLonLat(isEmpty, isZero);
  await verifyByMember(isEmpty, isZero);
});

test('GEO BYLONLAT with empty search', async () => {
  await r('DEL', 'src{t}');
  await r('GEOADD', 'src{t}', 13.361389, 38.115556, 'Palermo', 15.087269, 37.502669, 'Catania');
  await verifyByLonLat(isEmpty, isZero);
});

test('GEO BYMEMBER with non existing member', async () => {
  await r('DEL', 'src{t}');
  await r('GEOADD', 'src{t}', 13.361389, 38.115556, 'Palermo', 15.087269, 37.502669, 'Catania');
  await verifyByMember(isMemberError, isMemberError);
});

test('GEOADD create', async () => {
  await r('DEL', 'nyc');
  assert.equal(await r('GEOADD', 'nyc', -73.9454966, 40.747533, 'lic market'), 1);
});

test('GEOADD update', async () => {
  assert.equal(await r('GEOADD', 'nyc', -73.9454966, 40.747533, 'lic market'), 0);
});

test('GEOADD update with CH option', async () => {
  assert.equal(await r('GEOADD', 'nyc', 'CH', 40.747533, -73.9454966, 'lic market'), 1);
  assert.deepEqual(await r('GEOPOS', 'nyc', 'lic market'), [['40.7475319504737854', '-73.94549769039056741']]);
});

test('GEOADD update with NX option', async () => {
  assert.equal(await r('GEOADD', 'nyc', 'NX', -73.9454966, 40.747533, 'lic market'), 0);
  assert.deepEqual(await r('GEOPOS', 'nyc', 'lic market'), [['40.7475319504737854', '-73.94549769039056741']]);
});

test('GEOADD update with XX option', async () => {
  assert.equal(await r('GEOADD', 'nyc', 'XX', -83.9454966, 40.747533, 'lic market'), 0);
  assert.deepEqual(await r('GEOPOS', 'nyc', 'lic market'), [['-83.94549518823623657', '40.74753227099792952']]);
});

test('GEOADD update with CH NX option', async () => {
  assert.equal(await r('GEOADD', 'nyc', 'CH', 'NX', -73.9454966, 40.747533, 'lic market'), 0);
});

test('GEOADD update with CH XX option', async () => {
  assert.equal(await r('GEOADD', 'nyc', 'CH', 'XX', -73.9454966, 40.747533, 'lic market'), 1);
});

test('GEOADD update with XX NX option will return syntax error', async () => {
  assertError(await r('GEOADD', 'nyc', 'xx', 'nx', -73.9454966, 40.747533, 'lic market'), 'ERR syntax error');
});

test('GEOADD update with invalid option', async () => {
  assertError(await r('GEOADD', 'nyc', 'ch', 'xx', 'foo', -73.9454966, 40.747533, 'lic market'), 'ERR syntax error');
});

test('GEOADD invalid coordinates', async () => {
  assertError(await r('GEOADD', 'nyc', -73.9454966, 40.747533, 'lic market', 'foo', 'bar', 'luck market'), 'ERR value is not a valid float');
  assertError(await r('GEOADD', 'nyc', 200, 0, 'x'), 'ERR invalid longitude,latitude pair 200.000000,0.000000');
  assertError(await r('GEOADD', 'nyc', 10, 85.05112879, 'x'), 'ERR invalid longitude,latitude pair 10.000000,85.051129');
  assertError(await r('GEOADD', 'nyc', -200.123456789, -95.5555555555, 'x'), 'ERR invalid longitude,latitude pair -200.123457,-95.555556');
  assertError(await r('GEOADD', 'nyc', 'inf', 0, 'x'), 'ERR invalid longitude,latitude pair inf,0.000000');
  // printf's "%f" rounds half to even on the exact binary value: 1/128 has 7 decimals.
  assertError(await r('GEOADD', 'nyc', 0.0078125, 86, 'x'), 'ERR invalid longitude,latitude pair 0.007812,86.000000');
  assertError(await r('GEOADD', 'nyc', 1e300, 0, 'x'), `ERR invalid longitude,latitude pair ${BigInt(1e300)}.000000,0.000000`);
  // Nothing of a failed GEOADD is added.
  assert.equal(await r('ZSCORE', 'nyc', 'luck market'), null);
});

test('GEOADD multi add', async () => {
  assert.equal(
    await r('GEOADD', 'nyc', -73.9733487, 40.7648057, 'central park n/q/r', -73.9903085, 40.7362513, 'union square', -74.0131604, 40.7126674, 'wtc one',
      -73.7858139, 40.6428986, 'jfk', -73.9375699, 40.7498929, 'q4', -73.9564142, 40.7480973, 4545),
    6,
  );
});

test('Check geoset values', async () => {
  assert.deepEqual(await r('ZRANGE', 'nyc', 0, -1, 'WITHSCORES'), [
    'wtc one', '1791873972053020', 'union square', '1791875485187452', 'central park n/q/r', '1791875761332224', '4545', '1791875796750882',
    'lic market', '1791875804419201', 'q4', '1791875830079666', 'jfk', '1791895905559723',
  ]);
  assert.deepEqual(await r('TYPE', 'nyc'), { status: 'zset' });
});

test('GEORADIUS simple (sorted)', async () => {
  assert.deepEqual(await r('GEORADIUS', 'nyc', -73.9798091, 40.7598464, 3, 'km', 'asc'), ['central park n/q/r', '4545', 'union square']);
});

test('GEOSEARCH simple (sorted)', async () => {
  assert.deepEqual(await r('GEOSEARCH', 'nyc', 'fromlonlat', -73.9798091, 40.7598464, 'bybox', 6, 6, 'km', 'asc'), [
    'central park n/q/r', '4545', 'union square', 'lic market',
  ]);
});

test('GEOSEARCH FROMLONLAT and FROMMEMBER cannot exist at the same time', async () => {
  assertError(await r('GEOSEARCH', 'nyc', 'fromlonlat', -73.9798091, 40.7598464, 'frommember', 'xxx', 'bybox', 6, 6, 'km', 'asc'), 'ERR syntax error');
});

test('GEOSEARCH FROMLONLAT and FROMMEMBER one must exist', async () => {
  assertError(await r('GEOSEARCH', 'nyc', 'bybox', 3, 3, 'km', 'asc', 'desc', 'withhash', 'withdist', 'withcoord'),
    'ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for GEOSEARCH');
  // The command is named as the client wrote it.
  assertError(await r('geoSearch', 'nyc', 'bybox', 3, 3, 'km', 'asc'), 'ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for geoSearch');
});

test('GEOSEARCH BYRADIUS and BYBOX cannot exist at the same time', async () => {
  assertError(await r('GEOSEARCH', 'nyc', 'fromlonlat', -73.9798091, 40.7598464, 'byradius', 3, 'km', 'bybox', 3, 3, 'km', 'asc'), 'ERR syntax error');
});

test('GEOSEARCH BYRADIUS and BYBOX one must exist', async () => {
  assertError(await r('GEOSEARCH', 'nyc', 'fromlonlat', -73.9798091, 40.7598464, 'asc', 'desc', 'withhash', 'withdist', 'withcoord'),
    'ERR exactly one of BYRADIUS and BYBOX can be specified for GEOSEARCH');
});

test('GEOSEARCH with STOREDIST option', async () => {
  assertError(await r('GEOSEARCH', 'nyc', 'fromlonlat', -73.9798091, 40.7598464, 'bybox', 6, 6, 'km', 'asc', 'storedist'), 'ERR syntax error');
});

test('GEORADIUS withdist (sorted)', async () => {
  assert.deepEqual(await r('GEORADIUS', 'nyc', -73.9798091, 40.7598464, 3, 'km', 'withdist', 'asc'), [
    ['central park n/q/r', '0.7750'], ['4545', '2.3651'], ['union square', '2.7697'],
  ]);
});

test('GEOSEARCH withdist (sorted)', async () => {
  assert.deepEqual(await r('GEOSEARCH', 'nyc', 'fromlonlat', -73.9798091, 40.7598464, 'bybox', 6, 6, 'km', 'withdist', 'asc'), [
    ['central park n/q/r', '0.7750'], ['4545', '2.3651'], ['union square', '2.7697'], ['lic market', '3.1991'],
  ]);
});

test('GEORADIUS with COUNT', async () => {
  assert.deepEqual(await r('GEORADIUS', 'nyc', -73.9798091, 40.7598464, 10, 'km', 'COUNT', 3), ['central park n/q/r', '4545', 'union square']);
});

test('GEORADIUS with ANY not sorted by default', async () => {
  assert.deepEqual(await r('GEORADIUS', 'nyc', -73.9798091, 40.7598464, 10, 'km', 'COUNT', 3, 'ANY'), ['wtc one', 'union square', 'central park n/q/r']);
});

test('GEORADIUS with ANY sorted by ASC', async () => {
  assert.deepEqual(await r('GEORADIUS', 'nyc', -73.9798091, 40.7598464, 10, 'km', 'COUNT', 3, 'ANY', 'ASC'), ['central park n/q/r', 'union square', 'wtc one']);
});

test('GEORADIUS with ANY but no COUNT', async () => {
  assertError(await r('GEORADIUS', 'nyc', -73.9798091, 40.7598464, 10, 'km', 'ANY', 'ASC'), 'ERR the ANY argument requires COUNT argument');
});

test('GEORADIUS with COUNT but missing integer argument', async () => {
  assertError(await r('GEORADIUS', 'nyc', -73.9798091, 40.7598464, 10, 'km', 'COUNT'), 'ERR syntax error');
  assertError(await r('GEORADIUS', 'nyc', -73.9798091, 40.7598464, 10, 'km', 'COUNT', 0), 'ERR COUNT must be > 0');
  assertError(await r('GEORADIUS', 'nyc', -73.9798091, 40.7598464, 10, 'km', 'COUNT', -3), 'ERR COUNT must be > 0');
  assertError(await r('GEORADIUS', 'nyc', -73.9798091, 40.7598464, 10, 'km', 'COUNT', 'x'), 'ERR value is not an integer or out of range');
});

test('GEORADIUS with COUNT DESC', async () => {
  assert.deepEqual(await r('GEORADIUS', 'nyc', -73.9798091, 40.7598464, 10, 'km', 'COUNT', 2, 'DESC'), ['wtc one', 'q4']);
});

test('GEORADIUS HUGE, issue #2767', async () => {
  await r('GEOADD', 'users', -47.271613776683807, -54.534504198047678, 'user_000000');
  assert.deepEqual(await r('GEORADIUS', 'users', 0, 0, 50000, 'km', 'WITHCOORD'), [['user_000000', ['-47.27161377668380737', '-54.5345041980476779']]]);
});

test('GEORADIUSBYMEMBER simple (sorted)', async () => {
  assert.deepEqual(await r('GEORADIUSBYMEMBER', 'nyc', 'wtc one', 7, 'km'), ['wtc one', 'union square', 'central park n/q/r', '4545', 'lic market']);
});

test('GEORADIUSBYMEMBER search areas contain satisfied points in oblique direction', async () => {
  await r('DEL', 'k1');
  await r('GEOADD', 'k1', -0.15307903289794921875, 85, 'n1', 0.3515625, 85.00019260486917005437, 'n2');
  assert.deepEqual(await r('GEORADIUSBYMEMBER', 'k1', 'n1', 4891.94, 'm'), ['n1', 'n2']);
  await r('ZREM', 'k1', 'n1', 'n2');
  await r('GEOADD', 'k1', -4.95211958885192871094, 85, 'n3', 11.25, 85.0511, 'n4');
  assert.deepEqual(await r('GEORADIUSBYMEMBER', 'k1', 'n3', 156544, 'm'), ['n3', 'n4']);
  await r('ZREM', 'k1', 'n3', 'n4');
  await r('GEOADD', 'k1', -45, 65.50900022111811438208, 'n5', 90, 85.0511, 'n6');
  assert.deepEqual(await r('GEORADIUSBYMEMBER', 'k1', 'n5', 5009431, 'm'), ['n5', 'n6']);
});

test('GEORADIUSBYMEMBER crossing pole search', async () => {
  await r('DEL', 'k1');
  await r('GEOADD', 'k1', 45, 65, 'n1', -135, 85.05, 'n2');
  assert.deepEqual(await r('GEORADIUSBYMEMBER', 'k1', 'n1', 5009431, 'm'), ['n1', 'n2']);
});

test('GEOSEARCH FROMMEMBER simple (sorted)', async () => {
  assert.deepEqual(await r('GEOSEARCH', 'nyc', 'frommember', 'wtc one', 'bybox', 14, 14, 'km'), [
    'wtc one', 'union square', 'central park n/q/r', '4545', 'lic market', 'q4',
  ]);
});

test('GEOSEARCH vs GEORADIUS', async () => {
  await r('DEL', 'Sicily');
  await r('GEOADD', 'Sicily', 13.361389, 38.115556, 'Palermo', 15.087269, 37.502669, 'Catania');
  await r('GEOADD', 'Sicily', 12.758489, 38.788135, 'edge1', 17.24151, 38.788135, 'eage2');
  assert.deepEqual(await r('GEORADIUS', 'Sicily', 15, 37, 200, 'km', 'asc'), ['Catania', 'Palermo']);
  assert.deepEqual(await r('GEOSEARCH', 'Sicily', 'fromlonlat', 15, 37, 'bybox', 400, 400, 'km', 'asc'), ['Catania', 'Palermo', 'eage2', 'edge1']);
});

test('GEOSEARCH non square, long and narrow', async () => {
  await r('DEL', 'Sicily');
  await r('GEOADD', 'Sicily', 12.75, 36.995, 'test1');
  await r('GEOADD', 'Sicily', 12.75, 36.5, 'test2');
  await r('GEOADD', 'Sicily', 13.0, 36.5, 'test3');
  assert.deepEqual(await r('GEOSEARCH', 'Sicily', 'fromlonlat', 15, 37, 'bybox', 400, 2, 'km'), ['test1']);
  await r('GEOADD', 'Sicily', -1, 37.0, 'test3');
  assert.deepEqual(await r('GEOSEARCH', 'Sicily', 'fromlonlat', 15, 37, 'bybox', 3000, 2, 'km', 'asc'), ['test1', 'test3']);
});

test('GEOSEARCH corner point test', async () => {
  await r('DEL', 'Sicily');
  await r('GEOADD', 'Sicily', 12.758489, 38.788135, 'edge1', 17.24151, 38.788135, 'edge2', 17.25, 35.202, 'edge3', 12.75, 35.202, 'edge4',
    12.748489955781654, 37, 'edge5', 15, 38.798135872540925, 'edge6', 17.251510044218346, 37, 'edge7', 15, 35.201864127459075, 'edge8',
    12.692799634687903, 38.798135872540925, 'corner1', 12.692799634687903, 38.798135872540925, 'corner2', 17.200560937451133, 35.201864127459075, 'corner3',
    12.799439062548865, 35.201864127459075, 'corner4');
  const ret = (await r('GEOSEARCH', 'Sicily', 'fromlonlat', 15, 37, 'bybox', 400, 400, 'km', 'asc')) as string[];
  assert.deepEqual([...ret].sort(), ['edge1', 'edge2', 'edge5', 'edge7']);
});

test('GEORADIUSBYMEMBER withdist (sorted)', async () => {
  assert.deepEqual(await r('GEORADIUSBYMEMBER', 'nyc', 'wtc one', 7, 'km', 'withdist'), [
    ['wtc one', '0.0000'], ['union square', '3.2544'], ['central park n/q/r', '6.7000'], ['4545', '6.1975'], ['lic market', '6.8969'],
  ]);
});

test('GEOHASH is able to return geohash strings', async () => {
  await r('DEL', 'points');
  await r('GEOADD', 'points', -5.6, 42.6, 'test');
  assert.deepEqual(await r('GEOHASH', 'points', 'test'), ['ezs42e44yx0']);
});

test('GEOHASH with only key as argument', async () => {
  await r('DEL', 'points');
  await r('GEOADD', 'points', 10, 20, 'a', 30, 40, 'b');
  assert.deepEqual(await r('GEOHASH', 'points'), []);
  assert.deepEqual(await r('GEOHASH', 'points', 'a', 'x', 'b'), ['s5x1g8cu2y0', null, 'sxj7d9v2fs0']);
  assert.deepEqual(await r('GEOHASH', 'nokey', 'a'), [null]);
});

test('GEOPOS simple', async () => {
  await r('DEL', 'points');
  await r('GEOADD', 'points', 10, 20, 'a', 30, 40, 'b');
  assert.deepEqual(await r('GEOPOS', 'points', 'a', 'b'), [
    ['10.00000208616256714', '20.00000058910486445'], ['30.00000089406967163', '39.99999991084916218'],
  ]);
  assert.deepEqual(await r3('GEOPOS', 'points', 'a'), [[d('10.00000208616256714'), d('20.00000058910486445')]]);
});

test('GEOPOS missing element', async () => {
  await r('DEL', 'points');
  await r('GEOADD', 'points', 10, 20, 'a', 30, 40, 'b');
  const p = (await r('GEOPOS', 'points', 'a', 'x', 'b')) as Reply[];
  assert.equal(p[1], null);
  assert.deepEqual(await r3('GEOPOS', 'points', 'x'), [null]);
  const raw = await c.rawExchange('*3\r\n$6\r\nGEOPOS\r\n$6\r\npoints\r\n$1\r\nx\r\n', '*1\r\n*-1\r\n'.length);
  assert.equal(raw.toString(), '*1\r\n*-1\r\n');
});

test('GEOPOS with only key as argument', async () => {
  await r('DEL', 'points');
  await r('GEOADD', 'points', 10, 20, 'a', 30, 40, 'b');
  assert.deepEqual(await r('GEOPOS', 'points'), []);
});

test('GEODIST simple & unit', async () => {
  await r('DEL', 'points');
  await r('GEOADD', 'points', 13.361389, 38.115556, 'Palermo', 15.087269, 37.502669, 'Catania');
  assert.equal(await r('GEODIST', 'points', 'Palermo', 'Catania'), '166274.1516');
  assert.equal(await r('GEODIST', 'points', 'Palermo', 'Catania', 'km'), '166.2742');
  assert.equal(await r('GEODIST', 'points', 'Palermo', 'Catania', 'MI'), '103.3182');
  assert.equal(await r('GEODIST', 'points', 'Palermo', 'Catania', 'ft'), '545518.8700');
  assert.equal(await r('GEODIST', 'points', 'Palermo', 'Palermo'), '0.0000');
  // A distance is a bulk string in RESP3 as well.
  assert.equal(await r3('GEODIST', 'points', 'Palermo', 'Catania'), '166274.1516');
  assertError(await r('GEODIST', 'points', 'Palermo', 'Catania', 'parsec'), 'ERR unsupported unit provided. please use M, KM, FT, MI');
  assertError(await r('GEODIST', 'points', 'Palermo', 'Catania', 'km', 'x'), 'ERR syntax error');
});

test('GEODIST missing elements', async () => {
  await r('DEL', 'points');
  await r('GEOADD', 'points', 13.361389, 38.115556, 'Palermo', 15.087269, 37.502669, 'Catania');
  assert.equal(await r('GEODIST', 'points', 'Palermo', 'Agrigento'), null);
  assert.equal(await r('GEODIST', 'points', 'Ragusa', 'Agrigento'), null);
  assert.equal(await r('GEODIST', 'empty_key', 'Palermo', 'Catania'), null);
  assert.equal(await r3('GEODIST', 'empty_key', 'Palermo', 'Catania'), null);
});

test('GEORADIUS STORE option: syntax error', async () => {
  await r('DEL', 'points{t}');
  await r('GEOADD', 'points{t}', 13.361389, 38.115556, 'Palermo', 15.087269, 37.502669, 'Catania');
  assertError(await r('GEORADIUS', 'points{t}', 13.361389, 38.115556, 50, 'km', 'store'), 'ERR syntax error');
  assertError(await r('GEORADIUS_RO', 'points{t}', 13.361389, 38.115556, 50, 'km', 'store', 'x{t}'), 'ERR syntax error');
  assertError(await r('GEORADIUSBYMEMBER_RO', 'points{t}', 'Palermo', 50, 'km', 'storedist', 'x{t}'), 'ERR syntax error');
});

test('GEOSEARCHSTORE STORE option: syntax error', async () => {
  assertError(await r('GEOSEARCHSTORE', 'abc{t}', 'points{t}', 'fromlonlat', 13.361389, 38.115556, 'byradius', 50, 'km', 'store', 'abc{t}'), 'ERR syntax error');
});

test('GEORANGE STORE option: incompatible options', async () => {
  await r('DEL', 'points{t}');
  await r('GEOADD', 'points{t}', 13.361389, 38.115556, 'Palermo', 15.087269, 37.502669, 'Catania');
  const msg = 'ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options';
  for (const opt of ['withdist', 'withhash', 'withcoord']) {
    assertError(await r('GEORADIUS', 'points{t}', 13.361389, 38.115556, 50, 'km', 'store', 'points2{t}', opt), msg);
  }
  // Redis's own test spells it "withcoords", which is simply a syntax error.
  assertError(await r('GEORADIUS', 'points{t}', 13.361389, 38.115556, 50, 'km', 'store', 'points2{t}', 'withcoords'), 'ERR syntax error');
  assertError(await r('GEOSEARCHSTORE', 'points2{t}', 'points{t}', 'fromlonlat', 13.361389, 38.115556, 'byradius', 50, 'km', 'withhash'),
    'ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options');
});

test('GEORANGE STORE option: plain usage', async () => {
  await r('DEL', 'points{t}');
  await r('GEOADD', 'points{t}', 13.361389, 38.115556, 'Palermo', 15.087269, 37.502669, 'Catania');
  assert.equal(await r('GEORADIUS', 'points{t}', 13.361389, 38.115556, 500, 'km', 'store', 'points2{t}'), 2);
  assert.deepEqual(await r('ZRANGE', 'points2{t}', 0, -1, 'WITHSCORES'), await r('ZRANGE', 'points{t}', 0, -1, 'WITHSCORES'));
});

test('GEORADIUSBYMEMBER STORE/STOREDIST option: plain usage', async () => {
  await r('DEL', 'points{t}');
  await r('GEOADD', 'points{t}', 13.361389, 38.115556, 'Palermo', 15.087269, 37.502669, 'Catania');
  await r('GEORADIUSBYMEMBER', 'points{t}', 'Palermo', 500, 'km', 'store', 'points2{t}');
  assert.deepEqual(await r('ZRANGE', 'points2{t}', 0, -1), ['Palermo', 'Catania']);
  await r('GEORADIUSBYMEMBER', 'points{t}', 'Catania', 500, 'km', 'storedist', 'points2{t}');
  assert.deepEqual(await r('ZRANGE', 'points2{t}', 0, -1, 'WITHSCORES'), ['Catania', '0', 'Palermo', '166.27415156960032']);
});

test('GEOSEARCHSTORE STORE option: plain usage', async () => {
  assert.equal(await r('GEOSEARCHSTORE', 'points2{t}', 'points{t}', 'fromlonlat', 13.361389, 38.115556, 'byradius', 500, 'km'), 2);
  assert.deepEqual(await r('ZRANGE', 'points2{t}', 0, -1), await r('ZRANGE', 'points{t}', 0, -1));
});

test('GEORANGE STOREDIST option: plain usage', async () => {
  await r('DEL', 'points{t}');
  await r('GEOADD', 'points{t}', 13.361389, 38.115556, 'Palermo', 15.087269, 37.502669, 'Catania');
  await r('GEORADIUS', 'points{t}', 13.361389, 38.115556, 500, 'km', 'storedist', 'points2{t}');
  assert.deepEqual(await r('ZRANGE', 'points2{t}', 0, -1, 'WITHSCORES'), ['Palermo', '5.3056374386009927e-05', 'Catania', '166.27416107465282']);
});

test('GEOSEARCHSTORE STOREDIST option: plain usage', async () => {
  await r('GEOSEARCHSTORE', 'points2{t}', 'points{t}', 'fromlonlat', 13.361389, 38.115556, 'byradius', 500, 'km', 'storedist');
  assert.deepEqual(await r('ZRANGE', 'points2{t}', 0, -1, 'WITHSCORES'), ['Palermo', '5.3056374386009927e-05', 'Catania', '166.27416107465282']);
});

test('GEORANGE STOREDIST option: COUNT ASC and DESC', async () => {
  await r('DEL', 'points{t}');
  await r('GEOADD', 'points{t}', 13.361389, 38.115556, 'Palermo', 15.087269, 37.502669, 'Catania');
  assert.equal(await r('GEORADIUS', 'points{t}', 13.361389, 38.115556, 500, 'km', 'storedist', 'points2{t}', 'asc', 'count', 1), 1);
  assert.deepEqual(await r('ZRANGE', 'points2{t}', 0, -1), ['Palermo']);
  assert.equal(await r('GEORADIUS', 'points{t}', 13.361389, 38.115556, 500, 'km', 'storedist', 'points2{t}', 'desc', 'count', 1), 1);
  assert.deepEqual(await r('ZRANGE', 'points2{t}', 0, -1), ['Catania']);
});

test('GEOSEARCH the box spans -180° or 180°', async () => {
  await r('DEL', 'points');
  await r('GEOADD', 'points', 179.5, 36, 'point1');
  await r('GEOADD', 'points', -179.5, 36, 'point2');
  assert.deepEqual(await r('GEOSEARCH', 'points', 'fromlonlat', 179, 37, 'bybox', 400, 400, 'km', 'asc'), ['point1', 'point2']);
  assert.deepEqual(await r('GEOSEARCH', 'points', 'fromlonlat', -179, 37, 'bybox', 400, 400, 'km', 'asc'), ['point2', 'point1']);
});

test('GEOSEARCH with small distance', async () => {
  await r('DEL', 'points');
  await r('GEOADD', 'points', -122.407107, 37.7943, 1);
  await r('GEOADD', 'points', -122.227336, 37.7943, 2);
  assert.deepEqual(await r('GEORADIUS', 'points', -122.407107, 37.7943, 30, 'mi', 'ASC', 'WITHDIST'), [['1', '0.0001'], ['2', '9.8182']]);
});

// Seeds, radiuses and centres that found bugs in Redis in the past (geo.tcl's regression_vectors).
const REGRESSION_VECTORS: [number, number, number][] = [
  [7083, 81.634948934258375, 30.561509253718668],
  [5416, -70.863281847379767, -46.347003465679947],
  [6064, -89.818768962202014, -40.463868561416803],
  [156, 149.29737817929004, 15.95807862745508],
  [143, 59.235461856813856, 66.269555127373678],
  [187, -101.88575239939883, 49.061997951502917],
  [154, -90.187939661642517, 66.615930412251487],
  [145, 163.03472387745728, 64.012747720821181],
  [143, 137.86663517256579, 63.986745399416776],
  [151, 59.149620271823181, 65.204186651485145],
  [156, 149.29737817929004, 15.95807862745508],
  [149, 84.062063109158544, -65.685403922426232],
  [16751, -1.8175081637769495, 20.665668878082954],
];

for (const type of ['byradius', 'bybox'] as const) {
  test(`GEOSEARCH fuzzy test - ${type}`, async () => {
    const rand = rng(type === 'byradius' ? 1234 : 4321);
    const randomInt = (n: number): number => Math.floor(rand() * n);
    for (let attempt = 0; attempt < 20; attempt++) {
      const rv = REGRESSION_VECTORS[attempt];
      let radiusKm = 0;
      let widthKm = 0;
      let heightKm = 0;
      const big = randomInt(10) === 0;
      if (type === 'byradius') radiusKm = randomInt(big ? 5000 : 200) + 10;
      else {
        widthKm = randomInt(big ? 5000 : 200) + 10;
        heightKm = randomInt(big ? 5000 : 200) + 10;
      }
      // Latitudes within ±70, where the algorithm is precise enough for this model.
      let searchLon = -180 + rand() * 360;
      let searchLat = -70 + rand() * 140;
      if (rv !== undefined) [radiusKm, searchLon, searchLat] = [rv[0], rv[1], rv[2]];
      if (rv !== undefined) [widthKm, heightKm] = [rv[0], rv[0]];
      await r('DEL', 'mypoints');
      const argv: Arg[] = [];
      const expected: string[] = [];
      const where = new Map<string, [number, number]>();
      for (let j = 0; j < 5000; j++) {
        const lon = -180 + rand() * 360;
        const lat = -70 + rand() * 140;
        argv.push(lon, lat, `place:${j}`);
        where.set(`place:${j}`, [lon, lat]);
        const inside = type === 'byradius'
          ? pointInCircle(radiusKm, lon, lat, searchLon, searchLat)
          : pointInRectangle(widthKm, heightKm, lon, lat, searchLon, searchLat, 1);
        if (inside) expected.push(`place:${j}`);
      }
      await r('GEOADD', 'mypoints', ...argv);
      const shape = type === 'byradius' ? ['byradius', radiusKm, 'km'] : ['bybox', widthKm, heightKm, 'km'];
      const res = ((await r('GEOSEARCH', 'mypoints', 'fromlonlat', searchLon, searchLat, ...shape)) as string[]).sort();
      expected.sort();
      const diff = compareLists(res, expected);
      // A difference must be a rounding matter: a point at the very edge of the shape.
      for (const place of diff) {
        const [lon, lat] = await geopos(place);
        const km = geoDistance(lon, lat, searchLon, searchLat) / 1000;
        const rounding = type === 'byradius'
          ? km / radiusKm > 0.999 || km < radiusKm
          : pointInRectangle(widthKm, heightKm, lon, lat, searchLon, searchLat, 1.001);
        assert.ok(rounding, `${place} at ${String(where.get(place))}: ${km} km from ${searchLon},${searchLat} (${radiusKm} ${widthKm} ${heightKm} km)`);
      }
    }
  });
}

test('GEOSEARCH box edges fuzzy test', async () => {
  const rand = rng(99);
  for (let attempt = 0; attempt < 30; attempt++) {
    await r('DEL', 'mypoints');
    const searchLon = -180 + rand() * 360;
    const searchLat = -70 + rand() * 140;
    const widthM = Math.floor(rand() * 10000) + 10;
    const heightM = Math.floor(rand() * 10000) + 10;
    const latDelta = radDeg(heightM / 2 / 6372797.560856);
    const lonDeltaTop = radDeg(widthM / 2 / 6372797.560856 / Math.cos(degRad(searchLat + latDelta)));
    const lonDeltaMiddle = radDeg(widthM / 2 / 6372797.560856 / Math.cos(degRad(searchLat)));
    const lonDeltaBottom = radDeg(widthM / 2 / 6372797.560856 / Math.cos(degRad(searchLat - latDelta)));
    // The vertices of the box and the middles of its sides.
    const points: Record<string, [number, number]> = {
      north: [searchLon, searchLat + latDelta],
      south: [searchLon, searchLat - latDelta],
      east: [searchLon + lonDeltaMiddle, searchLat],
      west: [searchLon - lonDeltaMiddle, searchLat],
      north_east: [searchLon + lonDeltaTop, searchLat + latDelta],
      north_west: [searchLon - lonDeltaTop, searchLat + latDelta],
      south_east: [searchLon + lonDeltaBottom, searchLat - latDelta],
      south_west: [searchLon - lonDeltaBottom, searchLat - latDelta],
    };
    for (const [name, [x0, y]] of Object.entries(points)) {
      const x = x0 > 180 ? x0 - 360 : x0 < -180 ? x0 + 360 : x0;
      await r('GEOADD', 'mypoints', x, y, `place:${name}`);
    }
    const all = Object.keys(points).map((n) => `place:${n}`).sort();
    const search = async (w: number, h: number): Promise<string[]> =>
      ((await r('GEOSEARCH', 'mypoints', 'fromlonlat', searchLon, searchLat, 'bybox', w, h, 'm')) as string[]).sort();
    const info = `${searchLon},${searchLat} ${widthM}x${heightM} m`;
    assert.deepEqual(await search(widthM + 4, heightM + 4), all, info);
    assert.deepEqual(await search(widthM - 4, heightM + 4), ['place:north', 'place:south'], info);
    assert.deepEqual(await search(widthM + 4, heightM - 4), ['place:east', 'place:west'], info);
    assert.deepEqual(await search(widthM - 4, heightM - 4), [], info);
  }
});

// ---- beyond geo.tcl -------------------------------------------------------------------------------

test('GEOADD arguments: options, arity and errors before the key type', async () => {
  await r('DEL', 'g');
  assertError(await r('GEOADD', 'g', 1, 1), "ERR wrong number of arguments for 'geoadd' command");
  assertError(await r('GEOADD', 'g', 1, 1, 'x', 2), 'ERR syntax error');
  // Options alone leave ZADD without a score/member pair.
  assertError(await r('GEOADD', 'g', 'nx', 'ch', 'xx'), 'ERR syntax error');
  assertError(await r('GEOADD', 'g', 'ch', 'nx', 'ch'), 'ERR syntax error');
  assert.equal(await r('GEOADD', 'g', 'ch', 'ch', 1, 1, 'x', 2, 2, 'y'), 2);
  await r('SET', 'str', 'v');
  // The coordinates are checked before the key.
  assertError(await r('GEOADD', 'str', 200, 1, 'x'), 'ERR invalid longitude,latitude pair 200.000000,1.000000');
  assertError(await r('GEOADD', 'str', 1, 1, 'x'), 'WRONGTYPE*');
});

test('GEOADD scores at the limits of the WGS84 range', async () => {
  await r('DEL', 'g');
  assert.equal(await r('GEOADD', 'g', 180, 85.05112878, 'a', -180, -85.05112878, 'b', 0, 0, 'c'), 3);
  assert.deepEqual(await r('ZRANGE', 'g', 0, -1, 'WITHSCORES'), ['b', '0', 'c', '3377699720527872', 'a', '13510798882111488']);
  assert.deepEqual(await r('GEOPOS', 'g', 'a', 'b', 'c'), [
    ['180', '85.0511287799999991'], ['-179.99999731779098511', '-85.05112751263942528'], ['0.00000268220901489', '0.00000126736058093'],
  ]);
  assert.deepEqual(await r('GEOHASH', 'g', 'a', 'b', 'c'), ['bp05b5048p0', '00bh0hbj200', 's0000000000']);
});

test('GEOPOS and GEOHASH of scores no GEOADD writes', async () => {
  // A geo index is a sorted set: any score decodes, as Redis's (uint64_t) cast of it does.
  await r('DEL', 'k');
  await r('ZADD', 'k', -1, 'a', -1.5, 'b', 1e30, 'c', 'inf', 'd', '-inf', 'e', 0.7, 'f', 4503599627370496, 'g', 9007199254740992, 'h');
  assert.deepEqual(await r('GEOPOS', 'k', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'), [
    ['180', '85.0511287799999991'], ['180', '85.0511287799999991'], ['-179.99999731779098511', '-85.05112751263942528'],
    ['-179.99999731779098511', '-85.05112751263942528'], ['180', '-85.05112751263942528'], ['-179.99999731779098511', '-85.05112751263942528'],
    ['-179.99999731779098511', '85.0511287799999991'], ['180', '-85.05112751263942528'],
  ]);
  assert.deepEqual(await r('GEOHASH', 'k', 'a', 'c', 'e', 'g'), ['bp05b5048p0', '00bh0hbj200', '00bh0hbj200', 'bp05b5048p0']);
});

test('GEO commands against a key of another type', async () => {
  await r('SET', 'str', 'v');
  for (const cmd of [['GEOPOS', 'str', 'a'], ['GEOHASH', 'str', 'a'], ['GEODIST', 'str', 'a', 'b'], ['GEORADIUS', 'str', 200, 0, 1, 'km'],
    ['GEORADIUSBYMEMBER_RO', 'str', 'm', 'x', 'km'], ['GEOSEARCH', 'str', 'frommember', 'x', 'byradius', 1, 'km']]) {
    assertError(await r(...cmd), 'WRONGTYPE*');
  }
  // GEODIST checks its unit before the key.
  assertError(await r('GEODIST', 'str', 'a', 'b', 'x'), 'ERR unsupported unit provided. please use M, KM, FT, MI');
});

test('GEORADIUS argument errors', async () => {
  await r('DEL', 'p');
  await r('GEOADD', 'p', 13.361389, 38.115556, 'Palermo', 15.087269, 37.502669, 'Catania');
  assertError(await r('GEORADIUS', 'p', 15, 37, -1, 'km'), 'ERR radius cannot be negative');
  assertError(await r('GEORADIUS', 'p', 15, 37, 'abc', 'km'), 'ERR need numeric radius');
  assertError(await r('GEORADIUS', 'p', 15, 37, 10, 'parsec'), 'ERR unsupported unit provided. please use M, KM, FT, MI');
  assertError(await r('GEORADIUS', 'p', 'abc', 37, 10, 'km'), 'ERR value is not a valid float');
  assertError(await r('GEORADIUSBYMEMBER', 'p', 'nonex', 10, 'km'), 'ERR could not decode requested zset member');
  assertError(await r('GEORADIUSBYMEMBER', 'p', 'Palermo', -2, 'km'), 'ERR radius cannot be negative');
  // Without the key, GEORADIUSBYMEMBER never reads its radius.
  assert.deepEqual(await r('GEORADIUSBYMEMBER', 'nokey', 'm', 'abc', 'km'), []);
  assert.equal(await r('GEORADIUSBYMEMBER', 'nokey', 'm', 'abc', 'km', 'STORE', 'dst'), 0);
  assertError(await r('GEOSEARCH', 'p', 'fromlonlat', 15, 37, 'bybox', -1, 400, 'km'), 'ERR height or width cannot be negative');
  assertError(await r('GEOSEARCH', 'p', 'fromlonlat', 15, 37, 'bybox', 'a', 400, 'km'), 'ERR need numeric width');
  assertError(await r('GEOSEARCH', 'p', 'fromlonlat', 15, 37, 'bybox', 1, 'b', 'km'), 'ERR need numeric height');
  assertError(await r('GEOSEARCH', 'p', 'frommember', 'nonex', 'bybox', 1, 1, 'km'), 'ERR could not decode requested zset member');
  assert.deepEqual(await r('GEOSEARCH', 'nokey', 'frommember', 'nonex', 'bybox', 1, 1, 'km'), []);
});

test('GEOSEARCH WITHCOORD WITHDIST WITHHASH in RESP2 and RESP3', async () => {
  await r('DEL', 'p');
  await r('GEOADD', 'p', 13.361389, 38.115556, 'Palermo', 15.087269, 37.502669, 'Catania');
  const args = ['GEOSEARCH', 'p', 'FROMLONLAT', 15, 37, 'BYRADIUS', 200, 'km', 'WITHCOORD', 'WITHDIST', 'WITHHASH', 'ASC'];
  assert.deepEqual(await r(...args), [
    ['Catania', '56.4413', 3479447370796909, ['15.08726745843887329', '37.50266842333162032']],
    ['Palermo', '190.4424', 3479099956230698, ['13.36138933897018433', '38.11555639549629859']],
  ]);
  assert.deepEqual(await r3(...args), [
    ['Catania', '56.4413', 3479447370796909, [d('15.08726745843887329'), d('37.50266842333162032')]],
    ['Palermo', '190.4424', 3479099956230698, [d('13.36138933897018433'), d('38.11555639549629859')]],
  ]);
});

test('Keyspace events of the geo commands', async () => {
  assert.deepEqual(await r('CONFIG', 'SET', 'notify-keyspace-events', 'KEAn'), OK);
  const sub = await srv.client();
  await sub.call('PSUBSCRIBE', '__keyevent@*__:*');
  await r('FLUSHALL');
  const events = async (...args: Arg[]): Promise<string[]> => {
    await r(...args);
    await r('PING'); // the events of a command arrive before the next reply
    const out: string[] = [];
    while (sub.pushes.length > 0) {
      const m = sub.pushes.shift() as string[];
      out.push(`${(m[2] as string).replace(/^__keyevent@\d+__:/, '')}(${m[3] as string})`);
    }
    return out;
  };
  try {
    const cases: [Arg[], string[]][] = [
      [['GEOADD', 'g', 13.361389, 38.115556, 'Palermo'], ['new(g)', 'zadd(g)']],
      [['GEOADD', 'g', 13.361389, 38.115556, 'Palermo'], []],
      [['GEOADD', 'g', 'XX', 15.087269, 37.502669, 'Catania'], []],
      [['GEOADD', 'g', 15.087269, 37.502669, 'Catania'], ['zadd(g)']],
      [['GEOSEARCHSTORE', 'd', 'g', 'FROMLONLAT', 15, 37, 'BYRADIUS', 200, 'km'], ['new(d)', 'geosearchstore(d)']],
      [['GEORADIUS', 'g', 15, 37, 200, 'km', 'STORE', 'd'], ['georadiusstore(d)']],
      [['GEORADIUSBYMEMBER', 'g', 'Palermo', 1, 'km', 'STOREDIST', 'd2'], ['new(d2)', 'georadiusstore(d2)']],
      [['GEOSEARCHSTORE', 'd', 'g', 'FROMLONLAT', 0, 0, 'BYRADIUS', 1, 'km'], ['del(d)']],
      [['GEOSEARCHSTORE', 'd', 'g', 'FROMLONLAT', 0, 0, 'BYRADIUS', 1, 'km'], []],
      [['GEORADIUS', 'nokey', 0, 0, 1, 'km', 'STORE', 'd2'], ['del(d2)']],
      [['GEOSEARCH', 'g', 'FROMLONLAT', 15, 37, 'BYRADIUS', 200, 'km'], []],
    ];
    for (const [cmd, want] of cases) assert.deepEqual(await events(...cmd), want, cmd.join(' '));
  } finally {
    sub.close();
    await r('CONFIG', 'SET', 'notify-keyspace-events', '');
  }
});

test('GEOSEARCHSTORE builds a listpack or a skiplist by size, like Redis', async () => {
  await r('DEL', 'src', 'dst');
  const argv: Arg[] = [];
  for (let i = 0; i < 200; i++) argv.push(10 + i / 1000, 10, `p${i}`);
  await r('GEOADD', 'src', ...argv);
  assert.equal(await r('GEOSEARCHSTORE', 'dst', 'src', 'FROMLONLAT', 10, 10, 'BYRADIUS', 100, 'km', 'COUNT', 128), 128);
  assert.equal(await r('OBJECT', 'ENCODING', 'dst'), 'listpack');
  assert.equal(await r('GEOSEARCHSTORE', 'dst', 'src', 'FROMLONLAT', 10, 10, 'BYRADIUS', 100, 'km', 'COUNT', 129), 129);
  assert.equal(await r('OBJECT', 'ENCODING', 'dst'), 'skiplist');
  assert.equal(await r('ZCARD', 'dst'), 129);
});

test('COMMAND GETKEYS of GEORADIUS with STORE and STOREDIST', async () => {
  assert.deepEqual(await r('COMMAND', 'GETKEYS', 'GEORADIUS', 'src', 1, 2, 3, 'km', 'STORE', 'a', 'STOREDIST', 'b'), ['src', 'a', 'b']);
  assert.deepEqual(await r('COMMAND', 'GETKEYS', 'GEORADIUSBYMEMBER', 'src', 'm', 3, 'km', 'STORE', 'a'), ['src', 'a']);
  assert.deepEqual(await r('COMMAND', 'GETKEYS', 'GEOSEARCHSTORE', 'dst', 'src', 'FROMMEMBER', 'm', 'BYBOX', 1, 1, 'km'), ['dst', 'src']);
});

// ---- differential runs against redis-server 7.0 ----------------------------------------------------

describe('geo commands against redis-server 7.0', { skip: !haveRedisServer() && 'redis-server is not installed' }, () => {
  let oracle: Oracle;
  let o: RespClient;
  let o3: RespClient;
  let ours: RespClient;
  let ours3: RespClient;

  before(async () => {
    oracle = await startOracle(['--dbfilename', 'cinnabar-geo-oracle-unused.rdb']);
    o = await oracle.client();
    o3 = await oracle.client();
    ours = await srv.client();
    ours3 = await srv.client();
    await o3.call('HELLO', '3');
    await ours3.call('HELLO', '3');
  });

  after(async () => {
    await oracle.close();
  });

  /** Send to both servers (RESP2 and RESP3 connections) and require equal replies. */
  async function same(...cmd: Arg[]): Promise<Reply> {
    const [a, b] = await Promise.all([o.call(...cmd), ours.call(...cmd)]);
    assert.deepEqual(b, a, cmd.join(' '));
    const [a3, b3] = await Promise.all([o3.call(...cmd), ours3.call(...cmd)]);
    assert.deepEqual(b3, a3, `RESP3: ${cmd.join(' ')}`);
    return a;
  }

  /** Data only (no reply comparison in RESP3 for writes that must happen once). */
  async function both(...cmd: Arg[]): Promise<[Reply, Reply]> {
    const [a, b] = await Promise.all([o.call(...cmd), ours.call(...cmd)]);
    return [a, b];
  }

  test('every command, option and error as Redis answers it', async () => {
    await both('FLUSHALL');
    const [a, b] = await both('GEOADD', 'p', 13.361389, 38.115556, 'Palermo', 15.087269, 37.502669, 'Catania', 12.758489, 38.788135, 'edge1', 17.24151, 38.788135, 'edge2');
    assert.deepEqual(b, a);
    await both('SET', 'str', 'v');
    const units = ['m', 'km', 'ft', 'mi', 'KM', 'Mi', 'parsec'];
    const lines: Arg[][] = [
      ['GEOPOS', 'p', 'Palermo', 'nonex', 'Catania'], ['GEOPOS', 'p'], ['GEOPOS', 'nokey', 'a', 'b'],
      ['GEOHASH', 'p', 'Palermo', 'Catania', 'nonex'], ['GEOHASH', 'nokey', 'a'],
      ['GEODIST', 'p', 'Palermo', 'Catania'], ['GEODIST', 'p', 'Palermo', 'nonex'], ['GEODIST', 'p', 'edge1', 'edge2', 'km', 'x'],
      ...units.map((u) => ['GEODIST', 'p', 'Palermo', 'edge2', u]),
      ['GEOADD', 'str', 1, 1, 'x'], ['GEOADD', 'str', 181, 1, 'x'], ['GEOADD', 'p', 1, '-inf', 'x'], ['GEOADD', 'p', '0x10', 1, 'x'],
      ['GEOADD', 'p', '-0', '-0', 'x'], ['GEOPOS', 'p', 'x'], ['GEOADD', 'p', 'nx', 'xx', 1, 1, 'x'],
      ['GEORADIUS', 'p', 15, 37, 200, 'km', 'store', 'd', 'withdist'], ['GEORADIUS_RO', 'p', 15, 37, 200, 'km', 'store', 'd'],
      ['GEORADIUS', 'p', 15, 37, 'inf', 'km'], ['GEORADIUS', 'p', 15, 37, '-0', 'km'], ['GEORADIUS', 'p', 15, 37, 0, 'km'],
      ['GEOSEARCH', 'p', 'fromlonlat', 15, 37, 'bybox', 400, 400, 'km', 'frommember', 'Palermo'],
      ['GEOSEARCH', 'p', 'frommember', 'Palermo', 'frommember', 'Catania', 'byradius', 1, 'm', 'byradius', 300, 'km', 'asc'],
      ['GEOSEARCH', 'p', 'fromlonlat', 15, 37, 'bybox', 400, 400, 'km', 'storedist'],
      ['GEOSEARCH', 'p', 'fromlonlat', 15, 37, 'bybox', 400, 400, 'km', 'count', 2, 'any', 'desc'],
      ['GEOSEARCH', 'p', 'fromlonlat', 15, 37, 'bybox', 1, 1, 'kmm'], ['geosearch', 'p', 'fromlonlat', 15, 37],
      ['GEOSEARCH', 'nokey', 'frommember', 'nonex'], ['GEOSEARCHSTORE', 'd', 'p', 'fromlonlat', 15, 37, 'bybox', 400, 400, 'km', 'withdist'],
      ['GEORADIUS', 'p', 15, 37, 200, 'km', 'count', 1, 'any'], ['GEORADIUS', 'p', 15, 37, 200, 'km', 'any'],
      ['GEORADIUS', 'p', 15, 37, 200, 'km', 'count', '99999999999999999999'],
      ['GEORADIUS', 'p', 15, 37, 200, 'km', 'count', '9223372036854775807', 'desc', 'withhash'],
    ];
    for (const u of units) {
      lines.push(['GEORADIUS', 'p', 15, 37, 200, u, 'WITHDIST', 'WITHCOORD', 'WITHHASH']);
      lines.push(['GEORADIUSBYMEMBER_RO', 'p', 'Palermo', 300, u, 'WITHDIST', 'DESC']);
      lines.push(['GEOSEARCH', 'p', 'FROMMEMBER', 'Catania', 'BYBOX', 500, 150, u, 'WITHDIST', 'WITHCOORD', 'ASC']);
    }
    for (const line of lines) await same(...line);
    // Stores: same reply, same stored zset.
    for (const store of [
      ['GEOSEARCHSTORE', 'd', 'p', 'fromlonlat', 15, 37, 'bybox', 400, 400, 'km', 'storedist'],
      ['GEOSEARCHSTORE', 'd', 'p', 'fromlonlat', 15, 37, 'bybox', 400, 400, 'km', 'count', 1],
      ['GEORADIUS', 'p', 15, 37, 200, 'km', 'store', 'd', 'storedist', 'd3'],
      ['GEORADIUSBYMEMBER', 'p', 'Palermo', 200, 'km', 'storedist', 'd4', 'desc', 'count', 1],
      ['GEOSEARCHSTORE', 'd', 'p', 'fromlonlat', 15, 37, 'bybox', 1, 1, 'km'],
      ['GEOSEARCHSTORE', 'd', 'nokey', 'frommember', 'x', 'bybox', 1, 1, 'km'],
    ]) {
      const [x, y] = await both(...store);
      assert.deepEqual(y, x, store.join(' '));
      for (const k of ['d', 'd3', 'd4']) await same('ZRANGE', k, 0, -1, 'WITHSCORES');
    }
  });

  test('random geo indexes and searches give the same replies', async () => {
    const rand = rng(2024);
    const ri = (n: number): number => Math.floor(rand() * n);
    const units = ['m', 'km', 'ft', 'mi'] as const;
    const toMeters = { m: 1, km: 1000, ft: 0.3048, mi: 1609.34 };
    for (let iter = 0; iter < 25; iter++) {
      await both('DEL', 'pts');
      await both('CONFIG', 'SET', 'zset-max-listpack-entries', ri(2) === 0 ? 128 : 4096);
      const n = [10, 100, 300, 1500][ri(4)] as number;
      // Near the poles now and then, with repeated positions so that distances tie.
      const maxLat = ri(3) === 0 ? 85.05 : 70;
      const cLon = -180 + rand() * 360;
      const cLat = -maxLat + rand() * 2 * maxLat;
      const spread = [0.5, 5, 60, 360][ri(4)] as number;
      const seen: [number, number][] = [];
      const argv: Arg[] = [];
      const clampLon = (x: number): number => Math.max(-180, Math.min(180, x));
      const clampLat = (y: number): number => Math.max(-85.05, Math.min(85.05, y));
      for (let j = 0; j < n; j++) {
        let p: [number, number];
        if (seen.length > 0 && ri(10) < 3) p = seen[ri(seen.length)] as [number, number];
        else {
          p = [clampLon(cLon + (rand() - 0.5) * spread), clampLat(cLat + ((rand() - 0.5) * spread) / 2)];
          seen.push(p);
        }
        argv.push(p[0], p[1], `m${j}`);
      }
      const [x, y] = await both('GEOADD', 'pts', ...argv);
      assert.deepEqual(y, x);
      for (let q = 0; q < 8; q++) {
        const unit = units[ri(4)] as (typeof units)[number];
        const size = ([1000, 50000, 500000, 5000000, 20000000][ri(5)] as number) * rand() / toMeters[unit];
        const from: Arg[] = ri(2) === 0 ? ['FROMMEMBER', `m${ri(n)}`] : ['FROMLONLAT', clampLon(cLon + (rand() - 0.5) * spread), clampLat(cLat + ((rand() - 0.5) * spread) / 2)];
        const by: Arg[] = ri(2) === 0 ? ['BYRADIUS', size, unit] : ['BYBOX', size, size * rand() * 3, unit];
        const opts: Arg[] = [];
        const order = ri(3);
        if (order === 1) opts.push('ASC');
        if (order === 2) opts.push('DESC');
        if (ri(2) === 0) {
          opts.push('COUNT', 1 + ri(30));
          if (ri(3) === 0) opts.push('ANY');
        }
        await same('GEOSEARCH', 'pts', ...from, ...by, ...opts, 'WITHDIST', 'WITHHASH', 'WITHCOORD');
        if (by[0] === 'BYRADIUS') {
          const base: Arg[] = from[0] === 'FROMMEMBER' ? ['GEORADIUSBYMEMBER_RO', 'pts', from[1] as Arg] : ['GEORADIUS_RO', 'pts', from[1] as Arg, from[2] as Arg];
          await same(...base, by[1] as Arg, by[2] as Arg, ...opts);
        }
        const [s1, s2] = await both('GEOSEARCHSTORE', 'dst', 'pts', ...from, ...by, ...opts);
        assert.deepEqual(s2, s1);
        await same('ZRANGE', 'dst', 0, -1, 'WITHSCORES');
        await same('OBJECT', 'ENCODING', 'dst');
      }
    }
    await both('CONFIG', 'SET', 'zset-max-listpack-entries', 128);
  });

  test('GEOSEARCH fuzzy test against redis-server - byradius and bybox', async () => {
    const rand = rng(7);
    for (const type of ['byradius', 'bybox'] as const) {
      for (let attempt = 0; attempt < 15; attempt++) {
        const rv = REGRESSION_VECTORS[attempt];
        const big = Math.floor(rand() * 10) === 0;
        const a = Math.floor(rand() * (big ? 5000 : 200)) + 10;
        const b = Math.floor(rand() * (big ? 5000 : 200)) + 10;
        let lon = -180 + rand() * 360;
        let lat = -70 + rand() * 140;
        let shape: Arg[] = type === 'byradius' ? ['BYRADIUS', a, 'km'] : ['BYBOX', a, b, 'km'];
        if (rv !== undefined) {
          [lon, lat] = [rv[1], rv[2]];
          shape = type === 'byradius' ? ['BYRADIUS', rv[0], 'km'] : ['BYBOX', rv[0], rv[0], 'km'];
        }
        const argv: Arg[] = [];
        for (let j = 0; j < 3000; j++) argv.push(-180 + rand() * 360, -70 + rand() * 140, `place:${j}`);
        await both('DEL', 'mypoints');
        await both('GEOADD', 'mypoints', ...argv);
        await same('GEOSEARCH', 'mypoints', 'FROMLONLAT', lon, lat, ...shape, 'ASC', 'WITHDIST', 'WITHCOORD');
      }
    }
  });

  test('ties at equal distance with COUNT come out in Redis order (partial quicksort)', async () => {
    const rand = rng(11);
    for (let t = 0; t < 20; t++) {
      await both('DEL', 'mer');
      // Points on the centre's meridian: distances need no trigonometry, and many are equal.
      const n = 8 + Math.floor(rand() * 150);
      const lats: number[] = [];
      const argv: Arg[] = [];
      for (let i = 0; i < n; i++) {
        const lat = lats.length > 0 && rand() < 0.3 ? (lats[Math.floor(rand() * lats.length)] as number) : Math.round(rand() * 40000) / 1000;
        lats.push(lat);
        argv.push(0, lat, `p${i}`);
      }
      await both('GEOADD', 'mer', ...argv);
      for (const order of ['ASC', 'DESC']) {
        for (const k of [1, 2, 5, Math.max(1, Math.floor(n / 2)), n - 1, n]) {
          await same('GEOSEARCH', 'mer', 'FROMLONLAT', 0, 0, 'BYRADIUS', 10000, 'km', order, 'COUNT', k, 'WITHDIST');
        }
      }
    }
  });

  test('STOREDIST scores: Redis prints glibc distances with 17 digits', async () => {
    // Distances use correctly rounded trigonometry, which glibc matches almost always; a
    // stored distance may differ from Redis's in its last bit for a fraction of a percent.
    const rand = rng(5);
    let total = 0;
    let differ = 0;
    for (let iter = 0; iter < 10; iter++) {
      const argv: Arg[] = [];
      for (let j = 0; j < 2000; j++) argv.push(-180 + rand() * 360, -70 + rand() * 140, `place:${j}`);
      await both('DEL', 'mypoints');
      await both('GEOADD', 'mypoints', ...argv);
      const cmd: Arg[] = ['GEOSEARCHSTORE', 'dst', 'mypoints', 'FROMLONLAT', -180 + rand() * 360, -70 + rand() * 140, 'BYRADIUS', 2000, 'km', 'STOREDIST'];
      const [x, y] = await both(...cmd);
      assert.deepEqual(y, x);
      const [za, zb] = (await both('ZRANGE', 'dst', 0, -1, 'WITHSCORES')) as [string[], string[]];
      const mine = new Map<string, string>();
      for (let i = 0; i < zb.length; i += 2) mine.set(zb[i] as string, zb[i + 1] as string);
      assert.equal(mine.size, za.length / 2);
      for (let i = 0; i < za.length; i += 2) {
        total++;
        const theirs = za[i + 1] as string;
        const ours2 = mine.get(za[i] as string) as string;
        if (ours2 === theirs) continue;
        differ++;
        assert.ok(Math.abs(Number(ours2) - Number(theirs)) <= Math.abs(Number(theirs)) * 1e-14, `${za[i] as string}: ${ours2} vs ${theirs}`);
      }
    }
    assert.ok(total > 500, `only ${total} stored distances compared`);
    assert.ok(differ / total < 0.02, `${differ} of ${total} stored distances differ`);
  });

  test('keyspace events are the ones Redis fires', async () => {
    const sa = await oracle.client();
    const sb = await srv.client();
    await both('CONFIG', 'SET', 'notify-keyspace-events', 'KEAn');
    await sa.call('PSUBSCRIBE', '__keyevent@*__:*');
    await sb.call('PSUBSCRIBE', '__keyevent@*__:*');
    await both('FLUSHALL');
    const drain = (s: RespClient): string[] => s.pushes.splice(0).map((m) => `${String((m as Reply[])[2])}:${String((m as Reply[])[3])}`);
    try {
      for (const cmd of [
        ['GEOADD', 'g', 'CH', 13.361389, 38.115556, 'Palermo', 15.087269, 37.502669, 'Catania'],
        ['GEOADD', 'g', 'NX', 'CH', 13, 38, 'Palermo'],
        ['GEOSEARCHSTORE', 'd', 'g', 'FROMLONLAT', 15, 37, 'BYRADIUS', 200, 'km', 'STOREDIST'],
        ['GEORADIUS', 'g', 15, 37, 200, 'km', 'STORE', 'd'],
        ['GEORADIUSBYMEMBER', 'g', 'Palermo', 1, 'm', 'STORE', 'd'],
        ['GEORADIUSBYMEMBER', 'g', 'Palermo', 1, 'm', 'STORE', 'd'],
        ['GEOSEARCHSTORE', 'd', 'nokey', 'FROMMEMBER', 'x', 'BYBOX', 1, 1, 'km'],
      ] as Arg[][]) {
        await both(...cmd);
        await both('PING');
        await new Promise((res) => setTimeout(res, 20));
        assert.deepEqual(drain(sb), drain(sa), cmd.join(' '));
      }
    } finally {
      sa.close();
      sb.close();
      await both('CONFIG', 'SET', 'notify-keyspace-events', '');
    }
  });
});
