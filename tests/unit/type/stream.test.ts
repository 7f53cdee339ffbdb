/**
 * Wire tests of the stream commands on entries — XADD XLEN XRANGE XREVRANGE XDEL XTRIM XSETID
 * XREAD — mirroring Redis 7.0's tests/unit/type/stream.tcl, plus Cinnabar's additions: exact
 * error strings, RESP3 shapes, ID parsing corner cases (string2ull), node layout (XINFO's
 * radix-tree counters, approximate trimming) checked against the real redis-server, keyspace
 * events, WATCH and dirty counting. Replication/AOF propagation cases are out of scope.
 * Expected values are what redis-server 7.0.15 answers.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertError,
  haveRedisServer,
  OK,
  startOracle,
  startTestServer,
  type RespClient,
  type Reply,
  type TestServer,
} from '../../helpers/server.js';

let srv: TestServer;
let c: RespClient;
let sub: RespClient;

before(async () => {
  srv = await startTestServer({ 'notify-keyspace-events': 'KEA' });
  c = await srv.client();
  sub = await srv.client();
  await sub.call('PSUBSCRIBE', '__keyevent@9__:*');
});

after(async () => {
  await srv.close();
});

const r = (...args: (string | number)[]): Promise<Reply> => c.call(...args);

/** A deterministic PRNG (mulberry32), so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(20240607);
const randInt = (n: number): number => Math.floor(rand() * n);

/** Redis's wait_for_blocked_clients_count. */
async function waitForBlocked(n: number): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    const info = (await r('INFO', 'clients')) as string;
    if (info.includes(`blocked_clients:${n}\r\n`)) return;
    await new Promise((res) => setTimeout(res, 2));
  }
  throw new Error(`never saw ${n} blocked clients`);
}

/** A RESP2 flat field/value array as a Map (dict get in the Tcl suite). */
function dict(reply: Reply): Map<string, Reply> {
  const a = reply as Reply[];
  const m = new Map<string, Reply>();
  for (let i = 0; i < a.length; i += 2) m.set(a[i] as string, a[i + 1] as Reply);
  return m;
}

/** [ms, seq] of an ID, compared numerically (IDs here stay below 2^53). */
function cmpIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number) as [number, number];
  const [bm, bs] = b.split('-').map(Number) as [number, number];
  return am !== bm ? Math.sign(am - bm) : Math.sign(as - bs);
}

test('XADD wrong number of args', async () => {
  assertError(await r('XADD', 'mystream'), "ERR wrong number of arguments for 'xadd' command");
  assertError(await r('XADD', 'mystream', '*'), "ERR wrong number of arguments for 'xadd' command");
  assertError(await r('XADD', 'mystream', '*', 'field'), "ERR wrong number of arguments for 'xadd' command");
  assertError(await r('XADD', 'mystream', 'NOMKSTREAM', '*', 'a', 'b', 'c'), "ERR wrong number of arguments for 'xadd' command");
});

test('XADD can add entries into a stream that XRANGE can fetch', async () => {
  await r('DEL', 'mystream');
  await r('XADD', 'mystream', '*', 'item', 1, 'value', 'a');
  await r('XADD', 'mystream', '*', 'item', 2, 'value', 'b');
  assert.equal(await r('XLEN', 'mystream'), 2);
  const items = (await r('XRANGE', 'mystream', '-', '+')) as Reply[][];
  assert.deepEqual(items[0]?.[1], ['item', '1', 'value', 'a']);
  assert.deepEqual(items[1]?.[1], ['item', '2', 'value', 'b']);
  assert.equal(await r('TYPE', 'mystream').then((t) => (t as { status: string }).status), 'stream');
  assert.equal(await r('OBJECT', 'ENCODING', 'mystream'), 'stream');
});

test('XADD IDs are incremental', async () => {
  const id1 = (await r('XADD', 'mystream', '*', 'item', 1, 'value', 'a')) as string;
  const id2 = (await r('XADD', 'mystream', '*', 'item', 2, 'value', 'b')) as string;
  const id3 = (await r('XADD', 'mystream', '*', 'item', 3, 'value', 'c')) as string;
  assert.equal(cmpIds(id1, id2), -1);
  assert.equal(cmpIds(id2, id3), -1);
});

test('XADD IDs are incremental when ms is the same as well', async () => {
  await r('MULTI');
  for (let i = 1; i <= 3; i++) await r('XADD', 'mystream', '*', 'item', i, 'value', 'a');
  const [id1, id2, id3] = (await r('EXEC')) as string[];
  assert.equal(cmpIds(id1 as string, id2 as string), -1);
  assert.equal(cmpIds(id2 as string, id3 as string), -1);
});

test('XADD IDs correctly report an error when overflowing', async () => {
  await r('DEL', 'mystream');
  assert.equal(await r('XADD', 'mystream', '18446744073709551615-18446744073709551615', 'a', 'b'), '18446744073709551615-18446744073709551615');
  assertError(await r('XADD', 'mystream', '*', 'c', 'd'), 'ERR The stream has exhausted the last possible ID, unable to add more items');
});

test('XADD auto-generated sequence is incremented for last ID', async () => {
  await r('DEL', 'mystream');
  assert.equal(await r('XADD', 'mystream', '123-456', 'item', 1, 'value', 'a'), '123-456');
  assert.equal(await r('XADD', 'mystream', '123-*', 'item', 2, 'value', 'b'), '123-457');
});

test('XADD auto-generated sequence is zero for future timestamp ID', async () => {
  await r('DEL', 'mystream');
  await r('XADD', 'mystream', '123-456', 'item', 1, 'value', 'a');
  assert.equal(await r('XADD', 'mystream', '789-*', 'item', 2, 'value', 'b'), '789-0');
});

test("XADD auto-generated sequence can't be smaller than last ID", async () => {
  await r('DEL', 'mystream');
  await r('XADD', 'mystream', '123-456', 'item', 1, 'value', 'a');
  assertError(await r('XADD', 'mystream', '42-*', 'item', 2, 'value', 'b'), 'ERR The ID specified in XADD is equal or smaller than the target stream top item');
});

test("XADD auto-generated sequence can't overflow", async () => {
  await r('DEL', 'mystream');
  await r('XADD', 'mystream', '1-18446744073709551615', 'a', 'b');
  // Redis fails this path without setting errno, hence the "too large" text.
  assertError(await r('XADD', 'mystream', '1-*', 'c', 'd'), 'ERR Elements are too large to be stored');
  assert.equal(await r('XADD', 'mystream', '2-*', 'c', 'd'), '2-0');
});

test('XADD 0-* should succeed', async () => {
  await r('DEL', 'mystream');
  assert.equal(await r('XADD', 'mystream', '0-*', 'a', 'b'), '0-1');
  assert.equal(await r('XADD', 'mystream', '0-*', 'a', 'b'), '0-2');
});

test('XADD with ID 0-0', async () => {
  await r('DEL', 'otherstream');
  assertError(await r('XADD', 'otherstream', '0-0', 'k', 'v'), 'ERR The ID specified in XADD must be greater than 0-0');
  assertError(await r('XADD', 'otherstream', '0', 'k', 'v'), 'ERR The ID specified in XADD must be greater than 0-0');
  // Rejected before the key is created.
  assert.equal(await r('EXISTS', 'otherstream'), 0);
});

test('XADD with MAXLEN option', async () => {
  await r('DEL', 'mystream');
  for (let j = 0; j < 1000; j++) {
    await r('XADD', 'mystream', 'MAXLEN', 5, '*', rand() < 0.9 ? 'xitem' : 'yitem', j);
  }
  assert.equal(await r('XLEN', 'mystream'), 5);
  const items = (await r('XRANGE', 'mystream', '-', '+')) as Reply[][];
  let expected = 995;
  for (const item of items) assert.equal((item[1] as string[])[1], String(expected++));
});

test("XADD with MAXLEN option and the '=' argument", async () => {
  await r('DEL', 'mystream');
  for (let j = 0; j < 1000; j++) await r('XADD', 'mystream', 'MAXLEN', '=', 5, '*', 'xitem', j);
  assert.equal(await r('XLEN', 'mystream'), 5);
});

test("XADD with MAXLEN option and the '~' argument", async () => {
  await r('DEL', 'mystream');
  assert.deepEqual(await r('CONFIG', 'SET', 'stream-node-max-entries', 100), OK);
  for (let j = 0; j < 1000; j++) await r('XADD', 'mystream', 'MAXLEN', '~', 555, '*', 'xitem', j);
  // Only whole nodes of 100 entries go: 600 remain.
  assert.equal(await r('XLEN', 'mystream'), 600);
});

test('XADD with NOMKSTREAM option', async () => {
  await r('DEL', 'mystream');
  assert.equal(await r('XADD', 'mystream', 'NOMKSTREAM', '*', 'item', 1, 'value', 'a'), null);
  assert.equal(await r('EXISTS', 'mystream'), 0);
  await r('XADD', 'mystream', '*', 'item', 1, 'value', 'a');
  await r('XADD', 'mystream', 'NOMKSTREAM', '*', 'item', 2, 'value', 'b');
  assert.equal(await r('XLEN', 'mystream'), 2);
  const items = (await r('XRANGE', 'mystream', '-', '+')) as Reply[][];
  assert.deepEqual(items.map((i) => i[1]), [['item', '1', 'value', 'a'], ['item', '2', 'value', 'b']]);
  await r('XADD', 'mystream', 'MAXLEN', 1, 'NOMKSTREAM', '*', 'item', 3, 'value', 'c');
  assert.equal(await r('XLEN', 'mystream'), 1);
});

test('XADD with MINID option', async () => {
  await r('DEL', 'mystream');
  for (let j = 1; j < 1001; j++) {
    const minid = j >= 5 ? j - 5 : 1000;
    await r('XADD', 'mystream', 'MINID', minid, j, rand() < 0.9 ? 'xitem' : 'yitem', j);
  }
  assert.equal(await r('XLEN', 'mystream'), 6);
  const items = (await r('XRANGE', 'mystream', '-', '+')) as Reply[][];
  assert.deepEqual(items.map((i) => (i[1] as Reply[])[1]), ['995', '996', '997', '998', '999', '1000']);
});

test('XTRIM with MINID option', async () => {
  await r('DEL', 'mystream');
  for (let j = 1; j <= 5; j++) await r('XADD', 'mystream', `${j}-0`, 'f', 'v');
  assert.equal(await r('XTRIM', 'mystream', 'MINID', '=', '3-0'), 2);
  assert.deepEqual(((await r('XRANGE', 'mystream', '-', '+')) as Reply[][]).map((i) => i[0]), ['3-0', '4-0', '5-0']);
});

test('XTRIM with MINID option, big delta from master record', async () => {
  await r('DEL', 'mystream');
  await r('XADD', 'mystream', '1-0', 'f', 'v');
  await r('XADD', 'mystream', '1641544570597-0', 'f', 'v');
  await r('XADD', 'mystream', '1641544570597-1', 'f', 'v');
  await r('XTRIM', 'mystream', 'MINID', '1641544570597-0');
  assert.deepEqual(((await r('XRANGE', 'mystream', '-', '+')) as Reply[][]).map((i) => i[0]), ['1641544570597-0', '1641544570597-1']);
});

test('XADD mass insertion and XLEN', async () => {
  await r('DEL', 'mystream');
  const cmds: string[][] = [];
  for (let j = 0; j < 10000; j++) cmds.push(['XADD', 'mystream', '*', 'item', String(j)]);
  await c.pipeline(cmds);
  const items = (await r('XRANGE', 'mystream', '-', '+')) as Reply[][];
  assert.equal(items.length, 10000);
  for (let j = 0; j < 10000; j++) assert.deepEqual(items[j]?.[1], ['item', String(j)]);
  assert.equal(await r('XLEN', 'mystream'), 10000);
});

test('XRANGE COUNT works as expected', async () => {
  assert.equal(((await r('XRANGE', 'mystream', '-', '+', 'COUNT', 10)) as Reply[]).length, 10);
});

test('XREVRANGE COUNT works as expected', async () => {
  assert.equal(((await r('XREVRANGE', 'mystream', '+', '-', 'COUNT', 10)) as Reply[]).length, 10);
});

test('XRANGE can be used to iterate the whole stream', async () => {
  let last = '-';
  let j = 0;
  for (;;) {
    const elements = (await r('XRANGE', 'mystream', last, '+', 'COUNT', 100)) as Reply[][];
    if (elements.length === 0) break;
    for (const e of elements) assert.deepEqual(e[1], ['item', String(j++)]);
    last = `(${(elements[elements.length - 1] as Reply[])[0] as string}`;
  }
  assert.equal(j, 10000);
});

test('XREVRANGE returns the reverse of XRANGE', async () => {
  const fwd = (await r('XRANGE', 'mystream', '-', '+')) as Reply[];
  const rev = (await r('XREVRANGE', 'mystream', '+', '-')) as Reply[];
  assert.deepEqual(rev, [...fwd].reverse());
});

test('XRANGE exclusive ranges', async () => {
  const ids = ['0-1', '0-18446744073709551615', '1-0', '42-0', '42-42', '18446744073709551615-18446744073709551614', '18446744073709551615-18446744073709551615'];
  await r('DEL', 'vipstream');
  for (const id of ids) await r('XADD', 'vipstream', id, 'foo', 'bar');
  const len = async (...args: string[]): Promise<number> => ((await r('XRANGE', 'vipstream', ...args)) as Reply[]).length;
  assert.equal(await len('-', '+'), 7);
  assert.equal(await len('(0-1', '+'), 6);
  assert.equal(await len('-', '(18446744073709551615-18446744073709551615'), 6);
  assert.equal(await len('(0-18446744073709551615', '(1-0'), 0);
  assert.equal(await len('(1-0', '(42-42'), 1);
  assertError(await r('XRANGE', 'vipstream', '(-', '+'), 'ERR Invalid stream ID specified as stream command argument');
  assertError(await r('XRANGE', 'vipstream', '-', '(+'), 'ERR Invalid stream ID specified as stream command argument');
  assertError(await r('XRANGE', 'vipstream', '(18446744073709551615-18446744073709551615', '+'), 'ERR invalid start ID for the interval');
  assertError(await r('XRANGE', 'vipstream', '-', '(0-0'), 'ERR invalid end ID for the interval');
});

test('XRANGE incomplete IDs, COUNT 0 and negative, bad options', async () => {
  await r('DEL', 's');
  for (const id of ['1-0', '1-5', '2-0', '2-9', '3-1']) await r('XADD', 's', id, 'f', id);
  const ids = async (...args: (string | number)[]): Promise<Reply> => ((await r(...args)) as Reply[][]).map((e) => e[0] as Reply);
  // An incomplete start reads as <ms>-0, an incomplete end as <ms>-18446744073709551615.
  assert.deepEqual(await ids('XRANGE', 's', '2', '2'), ['2-0', '2-9']);
  assert.deepEqual(await ids('XREVRANGE', 's', '2', '1'), ['2-9', '2-0', '1-5', '1-0']);
  assert.deepEqual(await ids('XRANGE', 's', '(1', '3'), ['1-5', '2-0', '2-9', '3-1']);
  assert.deepEqual(await ids('XRANGE', 's', '-', '+', 'COUNT', 2, 'COUNT', 3), ['1-0', '1-5', '2-0']);
  // COUNT 0 (or below) answers a null array, even for a missing key only the empty array.
  assert.equal(await r('XRANGE', 's', '-', '+', 'COUNT', 0), null);
  assert.equal(await r('XRANGE', 's', '-', '+', 'COUNT', -3), null);
  assert.deepEqual(await r('XRANGE', 'nosuchkey', '-', '+', 'COUNT', 0), []);
  assertError(await r('XRANGE', 's', '-', '+', 'COUNT'), 'ERR syntax error');
  assertError(await r('XRANGE', 's', '-', '+', 'LIMIT', 1), 'ERR syntax error');
  assertError(await r('XRANGE', 's', '-', '+', 'COUNT', 'x'), 'ERR value is not an integer or out of range');
  assertError(await r('XRANGE', 's', 'abc', '+'), 'ERR Invalid stream ID specified as stream command argument');
  assert.deepEqual(await r('XRANGE', 'nosuchkey', '-', '+'), []);
});

test('Stream IDs are parsed as Redis does (string2ull)', async () => {
  await r('DEL', 's');
  // Leading zeros, a plus sign and white space are accepted; "-01" wraps around to 2^64-1.
  assert.equal(await r('XADD', 's', '6-01', 'a', 'b'), '6-1');
  assert.equal(await r('XADD', 's', '7-+8', 'a', 'b'), '7-8');
  assert.equal(await r('XADD', 's', ' 8-9', 'a', 'b'), '8-9');
  assert.equal(await r('XADD', 's', '11--01', 'a', 'b'), '11-18446744073709551615');
  for (const bad of ['10--1', '-01-01', '9-18446744073709551616', '1-', '-', '+', 'abc', '12-1-', '1.5']) {
    assertError(await r('XADD', 's', bad, 'a', 'b'), 'ERR Invalid stream ID specified as stream command argument');
  }
  assertError(await r('XADD', 's', `1-${'1'.repeat(130)}`, 'a', 'b'), 'ERR Invalid stream ID specified as stream command argument');
  assert.deepEqual(((await r('XRANGE', 's', '-', '+')) as Reply[][]).map((e) => e[0]), ['6-1', '7-8', '8-9', '11-18446744073709551615']);
});

test('XREAD with non empty stream', async () => {
  await r('DEL', 'mystream');
  await r('XADD', 'mystream', '1-0', 'item', 0);
  assert.deepEqual(await r('XREAD', 'COUNT', 1, 'STREAMS', 'mystream', 0), [['mystream', [['1-0', ['item', '0']]]]]);
});

test('Non blocking XREAD with empty streams', async () => {
  await r('DEL', 's1', 's2');
  assert.equal(await r('XREAD', 'STREAMS', 's1', 's2', '0-0', '0-0'), null);
});

test('XREAD with non empty second stream', async () => {
  await r('DEL', 's1', 's2');
  await r('XADD', 's2', '5-1', 'old', 'abcd1234');
  assert.deepEqual(await r('XREAD', 'COUNT', 10, 'STREAMS', 's1', 's2', 0, 0), [['s2', [['5-1', ['old', 'abcd1234']]]]]);
});

test('XREAD with the same stream name multiple times, $ and COUNT', async () => {
  await r('DEL', 's1');
  for (let i = 1; i <= 4; i++) await r('XADD', 's1', `${i}-0`, 'f', i);
  assert.deepEqual(await r('XREAD', 'COUNT', 2, 'STREAMS', 's1', 's1', 0, '3-0'), [
    ['s1', [['1-0', ['f', '1']], ['2-0', ['f', '2']]]],
    ['s1', [['4-0', ['f', '4']]]],
  ]);
  assert.equal(await r('XREAD', 'STREAMS', 's1', '$'), null);
  assertError(await r('XREAD', 'STREAMS', 's1', '>'), 'ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.');
  assertError(await r('XREAD', 'STREAMS', 's1', 's2', '0'), "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
  assertError(await r('XREAD', 'COUNT', 1, 'GROUP', 'g', 'c', 'STREAMS', 's1', 0), 'ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.');
  assertError(await r('XREAD', 'NOACK', 'STREAMS', 's1', 0), 'ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.');
  assertError(await r('XREAD', 'COUNT', 1, 'FOO', 'STREAMS', 's1', 0), 'ERR syntax error');
  assertError(await r('XREAD', 'COUNT', 1, 'BLOCK', 'STREAMS'), 'ERR timeout is not an integer or out of range');
  assertError(await r('XREAD', 'BLOCK', -1, 'STREAMS', 's1', 0), 'ERR timeout is negative');
  assertError(await r('XREAD', 'STREAMS', 's1', 'bad'), 'ERR Invalid stream ID specified as stream command argument');
});

test('Blocking XREAD waiting new data', async () => {
  await r('DEL', 's1', 's2', 's3');
  await r('XADD', 's2', '*', 'old', 'abcd1234');
  const rd = await srv.client();
  const res = rd.call('XREAD', 'BLOCK', 20000, 'STREAMS', 's1', 's2', 's3', '$', '$', '$');
  await waitForBlocked(1);
  await r('XADD', 's2', '*', 'new', 'abcd1234');
  const reply = (await res) as Reply[][];
  assert.equal(reply[0]?.[0], 's2');
  assert.deepEqual((reply[0]?.[1] as Reply[][])[0]?.[1], ['new', 'abcd1234']);
});

test('Blocking XREAD waiting old data', async () => {
  const rd = await srv.client();
  const res = rd.call('XREAD', 'BLOCK', 20000, 'STREAMS', 's1', 's2', 's3', '$', '0-0', '$');
  await r('XADD', 's2', '*', 'foo', 'abcd1234');
  const reply = (await res) as Reply[][];
  assert.equal(reply[0]?.[0], 's2');
  assert.deepEqual((reply[0]?.[1] as Reply[][])[0]?.[1], ['old', 'abcd1234']);
});

test('Blocking XREAD will not reply with an empty array', async () => {
  await r('DEL', 's1');
  await r('XADD', 's1', '666', 'f', 'v');
  await r('XADD', 's1', '667', 'f2', 'v2');
  await r('XDEL', 's1', '667');
  const rd = await srv.client();
  // The last live entry is 666: nothing to serve, so it blocks and times out.
  assert.equal(await rd.call('XREAD', 'BLOCK', 10, 'STREAMS', 's1', '666'), null);
});

test('XREAD: XADD + DEL should not awake client', async () => {
  const rd = await srv.client();
  await r('DEL', 's1');
  const res = rd.call('XREAD', 'BLOCK', 20000, 'STREAMS', 's1', '$');
  await waitForBlocked(1);
  await r('MULTI');
  await r('XADD', 's1', '*', 'old', 'abcd1234');
  await r('DEL', 's1');
  await r('EXEC');
  await r('XADD', 's1', '*', 'new', 'abcd1234');
  const reply = (await res) as Reply[][];
  assert.equal(reply[0]?.[0], 's1');
  assert.deepEqual((reply[0]?.[1] as Reply[][])[0]?.[1], ['new', 'abcd1234']);
});

test('XREAD: XADD + DEL + LPUSH should not awake client', async () => {
  const rd = await srv.client();
  await r('DEL', 's1');
  const res = rd.call('XREAD', 'BLOCK', 20000, 'STREAMS', 's1', '$');
  await waitForBlocked(1);
  await r('MULTI');
  await r('XADD', 's1', '*', 'old', 'abcd1234');
  await r('DEL', 's1');
  await r('LPUSH', 's1', 'foo', 'bar');
  await r('EXEC');
  await r('DEL', 's1');
  await r('XADD', 's1', '*', 'new', 'abcd1234');
  const reply = (await res) as Reply[][];
  assert.equal(reply[0]?.[0], 's1');
  assert.deepEqual((reply[0]?.[1] as Reply[][])[0]?.[1], ['new', 'abcd1234']);
});

test('XREAD with same stream name multiple times should work', async () => {
  await r('DEL', 's2');
  await r('XADD', 's2', '*', 'old', 'abcd1234');
  const rd = await srv.client();
  const res = rd.call('XREAD', 'BLOCK', 20000, 'STREAMS', 's2', 's2', 's2', '$', '$', '$');
  await waitForBlocked(1);
  await r('XADD', 's2', '*', 'new', 'abcd1234');
  const reply = (await res) as Reply[][];
  assert.equal(reply.length, 1);
  assert.equal(reply[0]?.[0], 's2');
  assert.deepEqual((reply[0]?.[1] as Reply[][])[0]?.[1], ['new', 'abcd1234']);
});

test('XREAD + multiple XADD inside transaction', async () => {
  await r('DEL', 's2');
  await r('XADD', 's2', '*', 'old', 'abcd1234');
  const rd = await srv.client();
  const res = rd.call('XREAD', 'BLOCK', 20000, 'STREAMS', 's2', '$');
  await waitForBlocked(1);
  await r('MULTI');
  for (const f of ['field1', 'field2', 'field3']) await r('XADD', 's2', '*', f, 'value');
  await r('EXEC');
  const reply = (await res) as Reply[][];
  assert.deepEqual((reply[0]?.[1] as Reply[][]).map((e) => (e[1] as Reply[])[0]), ['field1', 'field2', 'field3']);
});

test('XREAD: new entries deleted in the same transaction serve an empty list', async () => {
  await r('DEL', 's1');
  await r('XADD', 's1', '5-0', 'a', 'b');
  const rd = await srv.client();
  const res = rd.call('XREAD', 'BLOCK', 0, 'STREAMS', 's1', '$');
  await waitForBlocked(1);
  // XSETID moves the last ID without signalling readers: the client keeps waiting.
  await r('XSETID', 's1', '6-0');
  await r('MULTI');
  await r('XADD', 's1', '7-0', 'c', 'd');
  await r('XDEL', 's1', '7-0');
  await r('EXEC');
  assert.deepEqual(await res, [['s1', []]]);
});

test('XREAD BLOCK: timeout, MULTI, and the exact RESP2/RESP3 bytes', async () => {
  await r('DEL', 'bs');
  const rd = await srv.client();
  assert.equal((await rd.rawExchange('*6\r\n$5\r\nXREAD\r\n$5\r\nBLOCK\r\n$2\r\n10\r\n$7\r\nSTREAMS\r\n$2\r\nbs\r\n$1\r\n$\r\n', 5)).toString(), '*-1\r\n');
  const r3 = await srv.client();
  await r3.call('HELLO', '3');
  assert.equal((await r3.rawExchange('*6\r\n$5\r\nXREAD\r\n$5\r\nBLOCK\r\n$2\r\n10\r\n$7\r\nSTREAMS\r\n$2\r\nbs\r\n$1\r\n$\r\n', 3)).toString(), '_\r\n');
  // Inside MULTI a blocking read answers at once as timed out.
  await r('MULTI');
  await r('XREAD', 'BLOCK', 0, 'STREAMS', 'bs', '$');
  assert.deepEqual(await r('EXEC'), [null]);
  // RESP3 XREAD is a map of key to entries; served blocked readers get a one-key map.
  await r('XADD', 'bs', '1-0', 'f', 'v');
  const exp = '%1\r\n$2\r\nbs\r\n*1\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n';
  assert.equal((await r3.rawExchange('*4\r\n$5\r\nXREAD\r\n$7\r\nSTREAMS\r\n$2\r\nbs\r\n$1\r\n0\r\n', exp.length)).toString(), exp);
  const pending = r3.call('XREAD', 'BLOCK', 0, 'STREAMS', 'bs', '$');
  await waitForBlocked(1);
  await r('XADD', 'bs', '2-0', 'g', 'w');
  assert.deepEqual(await pending, new Map([['bs', [['2-0', ['g', 'w']]]]]));
  assert.deepEqual(await r3.call('XRANGE', 'bs', '-', '+', 'COUNT', 0), null);
  assert.deepEqual(await r3.call('XADD', 'nokey', 'NOMKSTREAM', '*', 'a', 'b'), null);
});

test('XREAD BLOCK with a timeout beyond 2^53 ms waits', async () => {
  await r('DEL', 'far');
  const rd = await srv.client();
  const res = rd.call('XREAD', 'BLOCK', '9223372036854775000', 'STREAMS', 'far', '$');
  await waitForBlocked(1);
  await new Promise((res2) => setTimeout(res2, 20));
  await r('XADD', 'far', '1-0', 'f', 'v');
  assert.deepEqual(await res, [['far', [['1-0', ['f', 'v']]]]]);
});

test('XDEL basic test', async () => {
  await r('DEL', 'somestream');
  await r('XADD', 'somestream', '*', 'foo', 'value0');
  const id = (await r('XADD', 'somestream', '*', 'foo', 'value1')) as string;
  await r('XADD', 'somestream', '*', 'foo', 'value2');
  assert.equal(await r('XDEL', 'somestream', id), 1);
  assert.equal(await r('XLEN', 'somestream'), 2);
  const items = (await r('XRANGE', 'somestream', '-', '+')) as Reply[][];
  assert.deepEqual(items.map((i) => i[1]), [['foo', 'value0'], ['foo', 'value2']]);
  assert.equal(await r('XDEL', 'somestream', id), 0);
  assert.equal(await r('XDEL', 'nosuchkey', id), 0);
  assertError(await r('XDEL', 'somestream', '1-0', 'bad'), 'ERR Invalid stream ID specified as stream command argument');
  assertError(await r('XDEL', 'somestream', '+'), 'ERR Invalid stream ID specified as stream command argument');
});

test('XDEL multiply id test', async () => {
  await r('DEL', 'somestream');
  for (let i = 1; i <= 5; i++) await r('XADD', 'somestream', `${i}-1`, 'a', i);
  assert.equal(await r('XDEL', 'somestream', '1-1', '4-1', '5-1', '2-1', '2-1'), 4);
  assert.equal(await r('XLEN', 'somestream'), 1);
  assert.deepEqual(await r('XRANGE', 'somestream', '-', '+'), [['3-1', ['a', '3']]]);
  // Deleting every entry leaves an empty stream, which stays.
  assert.equal(await r('XDEL', 'somestream', '3-1'), 1);
  assert.equal(await r('EXISTS', 'somestream'), 1);
  assert.equal(await r('XLEN', 'somestream'), 0);
});

test('XDEL fuzz test', async () => {
  await r('DEL', 'somestream');
  const ids: string[] = [];
  const cnt = 100 + randInt(100);
  for (let j = 0; j < cnt; j++) ids.push((await r('XADD', 'somestream', '*', 'item', j)) as string);
  // Delete a random subset, then compare with what is left.
  const deleted = new Set<string>();
  for (let j = 0; j < cnt / 2; j++) {
    const id = ids[randInt(ids.length)] as string;
    const n = await r('XDEL', 'somestream', id);
    assert.equal(n, deleted.has(id) ? 0 : 1);
    deleted.add(id);
  }
  const left = ((await r('XRANGE', 'somestream', '-', '+')) as Reply[][]).map((e) => e[0]);
  assert.deepEqual(left, ids.filter((id) => !deleted.has(id)));
  assert.equal(await r('XLEN', 'somestream'), cnt - deleted.size);
});

test('XRANGE fuzzing', async () => {
  await r('DEL', 'fz');
  const items: [string, string[]][] = [];
  let ms = 1;
  for (let j = 0; j < 2000; j++) {
    ms += randInt(3);
    const id = `${ms}-${j}`;
    const fields = randInt(4) === 0 ? ['a', String(j), 'b', 'x'.repeat(randInt(40))] : ['item', String(j)];
    await r('XADD', 'fz', id, ...fields);
    items.push([id, fields]);
  }
  await r('XDEL', 'fz', ...items.filter((_e, i) => i % 7 === 3).map((e) => e[0]));
  const live = items.filter((_e, i) => i % 7 !== 3);
  for (let j = 0; j < 100; j++) {
    const a = `${1 + randInt(ms + 2)}-${randInt(2000)}`;
    const b = `${1 + randInt(ms + 2)}-${randInt(2000)}`;
    const expected = live.filter((e) => cmpIds(e[0], a) >= 0 && cmpIds(e[0], b) <= 0);
    assert.deepEqual(await r('XRANGE', 'fz', a, b), expected);
    assert.deepEqual(await r('XREVRANGE', 'fz', b, a), [...expected].reverse());
  }
});

test('XREVRANGE regression test for issue #5006', async () => {
  await r('DEL', 'teststream');
  await r('XADD', 'teststream', '1234567891230', 'key1', 'value1');
  await r('XADD', 'teststream', '1234567891240', 'key2', 'value2');
  await r('XADD', 'teststream', '1234567891250', 'key3', 'value3');
  assert.deepEqual(await r('XREVRANGE', 'teststream', '1234567891245', '-'), [
    ['1234567891240-0', ['key2', 'value2']],
    ['1234567891230-0', ['key1', 'value1']],
  ]);
});

test('XREAD streamID edge (no-blocking)', async () => {
  await r('DEL', 'x');
  await r('XADD', 'x', '1-1', 'f', 'v');
  await r('XADD', 'x', '1-18446744073709551615', 'f', 'v');
  await r('XADD', 'x', '2-1', 'f', 'v');
  assert.deepEqual(await r('XREAD', 'BLOCK', 0, 'STREAMS', 'x', '1-18446744073709551615'), [['x', [['2-1', ['f', 'v']]]]]);
});

test('XREAD streamID edge (blocking)', async () => {
  await r('DEL', 'x');
  const rd = await srv.client();
  const res = rd.call('XREAD', 'BLOCK', 0, 'STREAMS', 'x', '1-18446744073709551615');
  await waitForBlocked(1);
  await r('XADD', 'x', '1-1', 'f', 'v');
  await r('XADD', 'x', '1-18446744073709551615', 'f', 'v');
  await r('XADD', 'x', '2-1', 'f', 'v');
  assert.deepEqual(await res, [['x', [['2-1', ['f', 'v']]]]]);
});

test('XADD streamID edge', async () => {
  await r('DEL', 'x');
  await r('XADD', 'x', '2577343934890-18446744073709551615', 'f', 'v');
  assert.equal(await r('XADD', 'x', '*', 'f2', 'v2'), '2577343934891-0');
});

test('XTRIM with MAXLEN option basic test', async () => {
  await r('DEL', 'mystream');
  for (let j = 0; j < 1000; j++) await r('XADD', 'mystream', '*', rand() < 0.9 ? 'xitem' : 'yitem', j);
  assert.equal(await r('XTRIM', 'mystream', 'MAXLEN', 666), 334);
  assert.equal(await r('XLEN', 'mystream'), 666);
  await r('XTRIM', 'mystream', 'MAXLEN', '=', 555);
  assert.equal(await r('XLEN', 'mystream'), 555);
  await r('XTRIM', 'mystream', 'MAXLEN', '~', 444);
  assert.equal(await r('XLEN', 'mystream'), 500);
  await r('XTRIM', 'mystream', 'MAXLEN', '~', 400);
  assert.equal(await r('XLEN', 'mystream'), 400);
  assert.equal(await r('XTRIM', 'nosuchkey', 'MAXLEN', 0), 0);
});

test('XADD with LIMIT consecutive calls', async () => {
  await r('DEL', 'mystream');
  await r('CONFIG', 'SET', 'stream-node-max-entries', 10);
  for (let j = 0; j < 100; j++) await r('XADD', 'mystream', '*', 'xitem', 'v');
  await r('XADD', 'mystream', 'MAXLEN', '~', 55, 'LIMIT', 30, '*', 'xitem', 'v');
  assert.equal(await r('XLEN', 'mystream'), 71);
  await r('XADD', 'mystream', 'MAXLEN', '~', 55, 'LIMIT', 30, '*', 'xitem', 'v');
  assert.equal(await r('XLEN', 'mystream'), 62);
  assert.equal(dict(await r('XINFO', 'STREAM', 'mystream')).get('radix-tree-keys'), 7);
  await r('CONFIG', 'SET', 'stream-node-max-entries', 100);
});

test('XTRIM with ~ is limited', async () => {
  await r('DEL', 'mystream');
  await r('CONFIG', 'SET', 'stream-node-max-entries', 1);
  for (let j = 0; j < 102; j++) await r('XADD', 'mystream', '*', 'xitem', 'v');
  await r('XTRIM', 'mystream', 'MAXLEN', '~', 1);
  assert.equal(await r('XLEN', 'mystream'), 2);
  await r('CONFIG', 'SET', 'stream-node-max-entries', 100);
});

test('XTRIM without ~ is not limited', async () => {
  await r('DEL', 'mystream');
  await r('CONFIG', 'SET', 'stream-node-max-entries', 1);
  for (let j = 0; j < 102; j++) await r('XADD', 'mystream', '*', 'xitem', 'v');
  await r('XTRIM', 'mystream', 'MAXLEN', 1);
  assert.equal(await r('XLEN', 'mystream'), 1);
  await r('CONFIG', 'SET', 'stream-node-max-entries', 100);
});

test('XTRIM without ~ and with LIMIT', async () => {
  await r('DEL', 'mystream');
  await r('XADD', 'mystream', '*', 'xitem', 'v');
  assertError(await r('XTRIM', 'mystream', 'MAXLEN', 1, 'LIMIT', 30), 'ERR syntax error, LIMIT cannot be used without the special ~ option');
});

test('XTRIM with LIMIT delete entries no more than limit', async () => {
  await r('DEL', 'mystream');
  await r('CONFIG', 'SET', 'stream-node-max-entries', 2);
  for (let j = 0; j < 3; j++) await r('XADD', 'mystream', '*', 'xitem', 'v');
  assert.equal(await r('XTRIM', 'mystream', 'MAXLEN', '~', 0, 'LIMIT', 1), 0);
  assert.equal(await r('XTRIM', 'mystream', 'MAXLEN', '~', 0, 'LIMIT', 2), 2);
  await r('CONFIG', 'SET', 'stream-node-max-entries', 100);
});

test('XADD with LIMIT delete entries no more than limit', async () => {
  await r('DEL', 'mystream');
  await r('CONFIG', 'SET', 'stream-node-max-entries', 2);
  for (let j = 1; j <= 3; j++) await r('XADD', 'mystream', `${j}-0`, 'xitem', 'v');
  await r('XADD', 'mystream', 'MAXLEN', '~', 0, 'LIMIT', 1, '4-0', 'xitem', 'v');
  assert.equal(await r('XLEN', 'mystream'), 4);
  await r('XADD', 'mystream', 'MAXLEN', '~', 0, 'LIMIT', 2, '5-0', 'xitem', 'v');
  assert.equal(await r('XLEN', 'mystream'), 3);
  await r('CONFIG', 'SET', 'stream-node-max-entries', 100);
});

test('XADD/XTRIM option errors', async () => {
  await r('DEL', 's');
  await r('XADD', 's', '5-5', 'a', 'b');
  const e = async (args: (string | number)[], msg: string): Promise<void> => assertError(await r(...args), msg);
  await e(['XADD', 's', 'MAXLEN', 1, 'MINID', 1, '*', 'a', 'b'], 'ERR syntax error, MAXLEN and MINID options at the same time are not compatible');
  await e(['XADD', 's', 'MAXLEN', -1, '*', 'a', 'b'], 'ERR The MAXLEN argument must be >= 0.');
  await e(['XADD', 's', 'MAXLEN', '~', 'abc', '*', 'a', 'b'], 'ERR value is not an integer or out of range');
  await e(['XADD', 's', 'MAXLEN', '~', 1, 'LIMIT', -1, '*', 'a', 'b'], 'ERR The LIMIT argument must be >= 0.');
  await e(['XADD', 's', 'LIMIT', 5, '*', 'a', 'b'], 'ERR syntax error, LIMIT cannot be used without specifying a trimming strategy');
  await e(['XADD', 's', 'MAXLEN', 1, 'LIMIT', 5, '*', 'a', 'b'], 'ERR syntax error, LIMIT cannot be used without the special ~ option');
  await e(['XADD', 's', 'MINID', '+', '*', 'a', 'b'], 'ERR Invalid stream ID specified as stream command argument');
  await e(['XADD', 's', 'FOO', 'a', 'b'], 'ERR Invalid stream ID specified as stream command argument');
  await e(['XTRIM', 's', 'LIMIT', 5], 'ERR syntax error, LIMIT cannot be used without specifying a trimming strategy');
  await e(['XTRIM', 's', 'NOMKSTREAM', 5], 'ERR syntax error');
  await e(['XTRIM', 's', 'MAXLEN', '~', 1, 'LIMIT'], 'ERR syntax error');
  await e(['XTRIM', 's', 'MAXLEN', '=', 0, 'LIMIT', 0], 'ERR syntax error, LIMIT cannot be used without the special ~ option');
  await e(['XTRIM', 's'], "ERR wrong number of arguments for 'xtrim' command");
  assert.equal(await r('XLEN', 's'), 1);
});

test('XADD can CREATE an empty stream', async () => {
  await r('DEL', 'mystream');
  await r('XADD', 'mystream', 'MAXLEN', 0, '*', 'a', 'b');
  assert.equal(await r('XLEN', 'mystream'), 0);
  assert.equal(await r('EXISTS', 'mystream'), 1);
  assert.equal(await r('XREAD', 'STREAMS', 'mystream', 0), null);
});

test('XSETID can set a specific ID', async () => {
  await r('DEL', 'mystream');
  await r('XADD', 'mystream', 'MAXLEN', 0, '*', 'a', 'b');
  assert.deepEqual(await r('XSETID', 'mystream', '200-0'), OK);
  assert.equal(dict(await r('XINFO', 'STREAM', 'mystream')).get('last-generated-id'), '200-0');
  assert.equal(dict(await r('XINFO', 'STREAM', 'mystream')).get('entries-added'), 1);
});

test('XSETID cannot SETID with smaller ID', async () => {
  await r('DEL', 'mystream');
  await r('XADD', 'mystream', '100-0', 'a', 'b');
  assertError(await r('XSETID', 'mystream', '1-1'), 'ERR The ID specified in XSETID is smaller than the target stream top item');
});

test('XSETID cannot SETID on non-existent key', async () => {
  await r('DEL', 'mystream');
  assertError(await r('XSETID', 'mystream', '1-1'), 'ERR no such key');
});

test('XSETID option errors', async () => {
  await r('DEL', 'mystream');
  await r('XADD', 'mystream', '1-0', 'a', 'b');
  await r('XADD', 'mystream', '2-0', 'a', 'b');
  assertError(await r('XSETID', 'mystream', '1-1', 0), 'ERR syntax error');
  assertError(await r('XSETID', 'mystream', '1-1', 'ENTRIESADDED'), 'ERR syntax error');
  assertError(await r('XSETID', 'mystream', '3-0', 'ENTRIESADDED', -1, 'MAXDELETEDID', '0-0'), 'ERR entries_added must be positive');
  assertError(await r('XSETID', 'mystream', '3-0', 'ENTRIESADDED', 5, 'MAXDELETEDID', '4-0'), 'ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id');
  assertError(await r('XSETID', 'mystream', '3-0', 'ENTRIESADDED', 1, 'MAXDELETEDID', '0-0'), 'ERR The entries_added specified in XSETID is smaller than the target stream length');
  assertError(await r('XSETID', 'mystream', '+'), 'ERR Invalid stream ID specified as stream command argument');
  assert.deepEqual(await r('XSETID', 'mystream', '3-0', 'ENTRIESADDED', 5, 'MAXDELETEDID', '2-5'), OK);
  const info = dict(await r('XINFO', 'STREAM', 'mystream'));
  assert.equal(info.get('last-generated-id'), '3-0');
  assert.equal(info.get('entries-added'), 5);
  assert.equal(info.get('max-deleted-entry-id'), '2-5');
  // The ID may equal the last entry's, and an empty stream takes any ID.
  await r('XDEL', 'mystream', '1-0', '2-0');
  assert.deepEqual(await r('XSETID', 'mystream', '0-1'), OK);
  assert.equal(await r('XADD', 'mystream', '*', 'a', 'b').then((id) => cmpIds(id as string, '0-1')), 1);
});

test('XADD advances the entries-added counter and sets the recorded-first-entry-id', async () => {
  await r('DEL', 'x');
  await r('XADD', 'x', '1-0', 'data', 'a');
  let info = dict(await r('XINFO', 'STREAM', 'x', 'FULL'));
  assert.equal(info.get('entries-added'), 1);
  assert.equal(info.get('recorded-first-entry-id'), '1-0');
  await r('XADD', 'x', '2-0', 'data', 'a');
  info = dict(await r('XINFO', 'STREAM', 'x', 'FULL'));
  assert.equal(info.get('entries-added'), 2);
  assert.equal(info.get('recorded-first-entry-id'), '1-0');
});

test('XDEL/TRIM are reflected by recorded first entry', async () => {
  await r('DEL', 'x');
  for (let i = 1; i <= 5; i++) await r('XADD', 'x', `${i}-0`, 'data', 'a');
  const first = async (): Promise<Reply | undefined> => dict(await r('XINFO', 'STREAM', 'x')).get('recorded-first-entry-id');
  assert.equal(await first(), '1-0');
  await r('XDEL', 'x', '2-0');
  assert.equal(await first(), '1-0');
  await r('XDEL', 'x', '1-0');
  assert.equal(await first(), '3-0');
  await r('XTRIM', 'x', 'MAXLEN', '=', 2);
  assert.equal(await first(), '4-0');
  await r('XTRIM', 'x', 'MAXLEN', 0);
  assert.equal(await first(), '0-0');
});

test('Maximum XDEL ID behaves correctly', async () => {
  await r('DEL', 'x');
  await r('XADD', 'x', '1-0', 'data', 'a');
  await r('XADD', 'x', '2-0', 'data', 'b');
  await r('XADD', 'x', '3-0', 'data', 'c');
  const maxDeleted = async (): Promise<Reply | undefined> => dict(await r('XINFO', 'STREAM', 'x')).get('max-deleted-entry-id');
  assert.equal(await maxDeleted(), '0-0');
  await r('XDEL', 'x', '2-0');
  assert.equal(await maxDeleted(), '2-0');
  await r('XDEL', 'x', '1-0');
  assert.equal(await maxDeleted(), '2-0');
});

test('XADD with artial ID with maximal seq', async () => {
  await r('DEL', 'x');
  await r('XADD', 'x', '1-18446744073709551615', 'f1', 'v1');
  assertError(await r('XADD', 'x', '1-*', 'f2', 'v2'), 'ERR*');
});

test('XADD appends to an older node again once the newer one is gone', async () => {
  await r('DEL', 's');
  await r('CONFIG', 'SET', 'stream-node-max-entries', 2);
  await r('XADD', 's', '1-0', 'a', 1);
  await r('XADD', 's', '2-0', 'b', 22);
  await r('XADD', 's', '3-0', 'a', 3);
  assert.equal(dict(await r('XINFO', 'STREAM', 's')).get('radix-tree-keys'), 2);
  // The second node goes with its only entry; the first one takes new entries again.
  await r('XDEL', 's', '3-0');
  await r('CONFIG', 'SET', 'stream-node-max-entries', 5);
  await r('XADD', 's', '4-0', 'a', '4444444444444');
  await r('XADD', 's', '5-0', 'c', 'x');
  assert.equal(dict(await r('XINFO', 'STREAM', 's')).get('radix-tree-keys'), 1);
  assert.deepEqual(await r('XRANGE', 's', '-', '+'), [['1-0', ['a', '1']], ['2-0', ['b', '22']], ['4-0', ['a', '4444444444444']], ['5-0', ['c', 'x']]]);
  await r('CONFIG', 'SET', 'stream-node-max-entries', 100);
});

test('XINFO STREAM and XINFO HELP basics', async () => {
  await r('DEL', 'x');
  await r('XADD', 'x', '1-0', 'a', 1);
  await r('XADD', 'x', '2-0', 'b', 2, 'c', 3);
  assert.deepEqual(await r('XINFO', 'STREAM', 'x'), [
    'length', 2, 'radix-tree-keys', 1, 'radix-tree-nodes', 2, 'last-generated-id', '2-0', 'max-deleted-entry-id', '0-0',
    'entries-added', 2, 'recorded-first-entry-id', '1-0', 'groups', 0, 'first-entry', ['1-0', ['a', '1']],
    'last-entry', ['2-0', ['b', '2', 'c', '3']],
  ]);
  assert.deepEqual(await r('XINFO', 'STREAM', 'x', 'FULL', 'COUNT', 1), [
    'length', 2, 'radix-tree-keys', 1, 'radix-tree-nodes', 2, 'last-generated-id', '2-0', 'max-deleted-entry-id', '0-0',
    'entries-added', 2, 'recorded-first-entry-id', '1-0', 'entries', [['1-0', ['a', '1']]], 'groups', [],
  ]);
  await r('XTRIM', 'x', 'MAXLEN', 0);
  assert.deepEqual(dict(await r('XINFO', 'STREAM', 'x')).get('first-entry'), null);
  assertError(await r('XINFO', 'STREAM', 'nosuchkey'), 'ERR no such key');
  assertError(await r('XINFO', 'STREAM', 'x', 'FULL', 'COUNT'), "ERR unknown subcommand or wrong number of arguments for 'STREAM'. Try XINFO HELP.");
  assertError(await r('XINFO', 'STREAM', 'x', 'FULL', 'COUNT', 'x'), 'ERR value is not an integer or out of range');
  assertError(await r('XINFO', 'FOO', 'x'), "ERR unknown subcommand 'FOO'. Try XINFO HELP.");
  const help = (await r('XINFO', 'HELP')) as Reply[];
  assert.deepEqual(help[0], { status: 'XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:' });
  assert.equal(help.length, 9);
  assertError(await r('XINFO', 'HELP', 'xxx'), "ERR wrong number of arguments for 'xinfo|help' command");
  assertError(await r('XGROUP', 'HELP', 'xxx'), "ERR wrong number of arguments for 'xgroup|help' command");
});

test('Stream commands against a key of another type', async () => {
  await r('SET', 'str', 'x');
  for (const cmd of [
    ['XADD', 'str', '*', 'a', 'b'], ['XLEN', 'str'], ['XRANGE', 'str', '-', '+'], ['XREVRANGE', 'str', '+', '-'],
    ['XDEL', 'str', '1-0'], ['XTRIM', 'str', 'MAXLEN', 0], ['XSETID', 'str', '1-0'], ['XREAD', 'STREAMS', 'str', 0],
    ['XINFO', 'STREAM', 'str'],
  ]) {
    assertError(await r(...cmd), 'WRONGTYPE Operation against a key holding the wrong kind of value');
  }
});

test('Keyspace events of the entry commands', async () => {
  await r('SELECT', 9);
  await r('DEL', 'ev');
  await r('XADD', 'ev', '1-0', 'a', 'b');
  await r('XADD', 'ev', 'MAXLEN', 1, '2-0', 'a', 'b');
  await r('XADD', 'ev', 'MAXLEN', 5, '3-0', 'a', 'b'); // nothing trimmed: no xtrim event
  await r('XDEL', 'ev', '9-0'); // nothing deleted: no event
  await r('XDEL', 'ev', '2-0');
  await r('XTRIM', 'ev', 'MAXLEN', 0);
  await r('XSETID', 'ev', '10-0');
  await r('XADD', 'ev', 'NOMKSTREAM', '11-0', 'a', 'b');
  await r('SELECT', 0);
  const events: Reply[] = [];
  for (let i = 0; i < 8; i++) events.push(((await sub.nextPush()) as Reply[])[2] as Reply);
  // 'A' leaves out the 'new' class; no-op XDEL/XTRIM and untrimmed XADDs add nothing.
  assert.deepEqual(events, [
    '__keyevent@9__:xadd', '__keyevent@9__:xadd', '__keyevent@9__:xtrim', '__keyevent@9__:xadd',
    '__keyevent@9__:xdel', '__keyevent@9__:xtrim', '__keyevent@9__:xsetid', '__keyevent@9__:xadd',
  ]);
});

test('WATCH and dirty: only changes count, XSETID touches neither WATCH nor readers', async () => {
  await r('DEL', 'w');
  await r('XADD', 'w', '1-0', 'a', 'b');
  const dirty = async (): Promise<number> => Number(/rdb_changes_since_last_save:(\d+)/.exec((await r('INFO', 'persistence')) as string)?.[1]);
  const watched = async (op: (string | number)[]): Promise<Reply> => {
    const w = await srv.client();
    await w.call('WATCH', 'w');
    await r(...op);
    await w.call('MULTI');
    await w.call('PING');
    return w.call('EXEC');
  };
  let d = await dirty();
  assert.deepEqual(await watched(['XSETID', 'w', '5-0']), [{ status: 'PONG' }]);
  assert.equal(await dirty(), d + 1);
  d = await dirty();
  assert.deepEqual(await watched(['XDEL', 'w', '9-0']), [{ status: 'PONG' }]);
  assert.deepEqual(await watched(['XTRIM', 'w', 'MAXLEN', 5]), [{ status: 'PONG' }]);
  assert.equal(await dirty(), d);
  assert.equal(await watched(['XADD', 'w', '6-0', 'a', 'b']), null);
  assert.equal(await watched(['XDEL', 'w', '6-0']), null);
  await r('XADD', 'w', '7-0', 'a', 'b');
  await r('XADD', 'w', '8-0', 'a', 'b');
  d = await dirty();
  assert.equal(await watched(['XTRIM', 'w', 'MAXLEN', 0]), null);
  assert.equal(await dirty(), d + 3);
});

test('COPY and RENAME keep the stream', async () => {
  await r('DEL', 'src', 'dst');
  await r('XADD', 'src', '1-0', 'a', 'b');
  await r('XADD', 'src', '2-0', 'c', 'd');
  assert.equal(await r('COPY', 'src', 'dst'), 1);
  await r('XDEL', 'src', '1-0');
  assert.equal(await r('XLEN', 'dst'), 2);
  assert.deepEqual(dict(await r('XINFO', 'STREAM', 'dst')).get('max-deleted-entry-id'), '0-0');
  await r('RENAME', 'dst', 'moved');
  assert.deepEqual(await r('XRANGE', 'moved', '-', '+'), [['1-0', ['a', 'b']], ['2-0', ['c', 'd']]]);
});

test('Node layout and approximate trimming match redis-server', { skip: !haveRedisServer() && 'redis-server is not installed' }, async () => {
  const oracle = await startOracle();
  try {
    const o = await oracle.client();
    const rnd = rng(7);
    const ri = (n: number): number => Math.floor(rnd() * n);
    for (const [entries, bytes] of [[100, 4096], [3, 0], [10, 200], [0, 500]] as const) {
      const both = async (...args: (string | number)[]): Promise<void> => {
        assert.deepEqual(await r(...args), await o.call(...args), args.join(' '));
      };
      await both('CONFIG', 'SET', 'stream-node-max-entries', entries);
      await both('CONFIG', 'SET', 'stream-node-max-bytes', bytes);
      await both('DEL', 'lay');
      let ms = 0;
      for (let i = 0; i < 400; i++) {
        ms += 1 + ri(1000);
        const v = [String(ri(100000)), String(-ri(5000)), 'x'.repeat(ri(120)), String(ri(2 ** 31) * 9), 'v'][ri(5)] as string;
        const args: (string | number)[] = ['XADD', 'lay'];
        if (ri(8) === 0) args.push(ri(2) ? 'MAXLEN' : 'MINID', '~', ri(2) ? ri(60) : `${ms - ri(5000)}-0`);
        args.push(`${ms}-${ri(3)}`, ri(4) === 0 ? 'other' : 'f', v, ...(ri(3) === 0 ? ['g', v] : []));
        await both(...args);
        if (ri(10) === 0) await both('XDEL', 'lay', `${ms - ri(3000)}-0`, `${ms}-1`);
        if (ri(25) === 0) await both('XTRIM', 'lay', ri(2) ? 'MAXLEN' : 'MINID', ri(2) ? '~' : '=', ri(2) ? ri(100) : `${ms - ri(20000)}-0`);
        if (ri(20) === 0) await both('XINFO', 'STREAM', 'lay');
      }
      await both('XINFO', 'STREAM', 'lay', 'FULL', 'COUNT', 0);
    }
    await r('CONFIG', 'SET', 'stream-node-max-entries', 100);
    await r('CONFIG', 'SET', 'stream-node-max-bytes', 4096);
  } finally {
    await oracle.close();
  }
});
