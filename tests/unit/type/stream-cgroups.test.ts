/**
 * Wire tests of stream consumer groups — XGROUP, XREADGROUP, XACK, XPENDING, XCLAIM,
 * XAUTOCLAIM, XINFO GROUPS/CONSUMERS/STREAM FULL — mirroring Redis 7.0's
 * tests/unit/type/stream-cgroups.tcl, with what blocked XREADGROUP clients get in 7.0 when
 * their key or group goes away, exact replies (idle and delivery times are exact because the
 * server runs on an injected clock that the tests move forward instead of sleeping), RESP3
 * shapes, keyspace events, WATCH and dirty counting. Expected values are what redis-server
 * 7.0.15 answers; replication/AOF cases are out of scope.
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

const T0 = 1_700_000_000_000;
let now = T0;
let srv: TestServer;
let c: RespClient;
let sub: RespClient;

before(async () => {
  srv = await startTestServer({ clock: () => now, 'notify-keyspace-events': 'KEA' });
  c = await srv.client();
  sub = await srv.client();
  await sub.call('PSUBSCRIBE', '__keyevent@7__:*');
});

after(async () => {
  await srv.close();
});

const r = (...args: (string | number)[]): Promise<Reply> => c.call(...args);

async function waitForBlocked(n: number): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    const info = (await r('INFO', 'clients')) as string;
    if (info.includes(`blocked_clients:${n}\r\n`)) return;
    await new Promise((res) => setTimeout(res, 2));
  }
  throw new Error(`never saw ${n} blocked clients`);
}

/** A RESP2 flat field/value array as a Map. */
function dict(reply: Reply): Map<string, Reply> {
  const a = reply as Reply[];
  const m = new Map<string, Reply>();
  for (let i = 0; i < a.length; i += 2) m.set(a[i] as string, a[i + 1] as Reply);
  return m;
}

const entries = (reply: Reply): Reply[][] => ((reply as Reply[][])[0]?.[1] ?? []) as Reply[][];

test('XGROUP CREATE: creation and duplicate group name detection', async () => {
  await r('DEL', 'mystream');
  await r('XADD', 'mystream', '*', 'foo', 'bar');
  assert.deepEqual(await r('XGROUP', 'CREATE', 'mystream', 'mygroup', '$'), OK);
  assertError(await r('XGROUP', 'CREATE', 'mystream', 'mygroup', '$'), 'BUSYGROUP Consumer Group name already exists');
});

test('XGROUP CREATE: with ENTRIESREAD parameter', async () => {
  await r('DEL', 'mystream');
  for (let i = 1; i <= 4; i++) await r('XADD', 'mystream', `1-${i}`, 'abcd'[i - 1] as string, i);
  assertError(await r('XGROUP', 'CREATE', 'mystream', 'mygroup', '$', 'ENTRIESREAD', -3), 'ERR value for ENTRIESREAD must be positive or -1');
  await r('XGROUP', 'CREATE', 'mystream', 'mygroup1', '$', 'ENTRIESREAD', 0);
  await r('XGROUP', 'CREATE', 'mystream', 'mygroup2', '$', 'ENTRIESREAD', 3);
  await r('XGROUP', 'CREATE', 'mystream', 'mygroup3', '$', 'ENTRIESREAD', -1);
  const groups = ((await r('XINFO', 'GROUPS', 'mystream')) as Reply[]).map(dict);
  assert.deepEqual(groups.map((g) => [g.get('name'), g.get('entries-read'), g.get('lag')]), [
    ['mygroup1', 0, 4],
    ['mygroup2', 3, 1],
    ['mygroup3', null, 0],
  ]);
});

test('XGROUP CREATE: automatic stream creation fails without MKSTREAM', async () => {
  await r('DEL', 'mystream');
  assertError(
    await r('XGROUP', 'CREATE', 'mystream', 'mygroup', '$'),
    'ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.',
  );
  assert.equal(await r('EXISTS', 'mystream'), 0);
});

test('XGROUP CREATE: automatic stream creation works with MKSTREAM', async () => {
  await r('DEL', 'mystream');
  assert.deepEqual(await r('XGROUP', 'CREATE', 'mystream', 'mygroup', '$', 'MKSTREAM'), OK);
  assert.equal(await r('XLEN', 'mystream'), 0);
  assert.deepEqual(await r('XINFO', 'STREAM', 'mystream'), [
    'length', 0, 'radix-tree-keys', 0, 'radix-tree-nodes', 1, 'last-generated-id', '0-0', 'max-deleted-entry-id', '0-0',
    'entries-added', 0, 'recorded-first-entry-id', '0-0', 'groups', 1, 'first-entry', null, 'last-entry', null,
  ]);
});

test('XGROUP subcommand errors', async () => {
  await r('DEL', 'mystream');
  await r('XADD', 'mystream', '1-0', 'a', 'b');
  const e = async (args: (string | number)[], msg: string): Promise<void> => assertError(await r(...args), msg);
  await e(['XGROUP', 'CREATE', 'mystream', 'g', '-'], 'ERR Invalid stream ID specified as stream command argument');
  await e(['XGROUP', 'CREATE', 'mystream', 'g', '0', 'FOO'], "ERR unknown subcommand or wrong number of arguments for 'CREATE'. Try XGROUP HELP.");
  await e(['XGROUP', 'CREATE', 'mystream', 'g', '0', 'MKSTREAM', 'MKSTREAM', 'MKSTREAM', 'MKSTREAM'], "ERR unknown subcommand or wrong number of arguments for 'CREATE'. Try XGROUP HELP.");
  await e(['XGROUP', 'CREATE', 'mystream', 'g', '0', 'ENTRIESREAD', 'x'], 'ERR value is not an integer or out of range');
  await e(['XGROUP', 'SETID', 'mystream', 'nogroup', '0'], "NOGROUP No such consumer group 'nogroup' for key name 'mystream'");
  await e(['XGROUP', 'SETID', 'mystream', 'g', '0', 'MKSTREAM'], "ERR unknown subcommand or wrong number of arguments for 'SETID'. Try XGROUP HELP.");
  await e(['XGROUP', 'CREATECONSUMER', 'mystream', 'nogroup', 'c'], "NOGROUP No such consumer group 'nogroup' for key name 'mystream'");
  await e(['XGROUP', 'DELCONSUMER', 'nokey', 'g', 'c'], 'ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.');
  await e(['XGROUP', 'FOO', 'mystream', 'g'], "ERR unknown subcommand 'FOO'. Try XGROUP HELP.");
  await e(['XGROUP', 'DESTROY', 'mystream'], "ERR wrong number of arguments for 'xgroup|destroy' command");
  await r('SET', 'str', 'x');
  await e(['XGROUP', 'CREATE', 'str', 'g', '$', 'MKSTREAM'], 'WRONGTYPE Operation against a key holding the wrong kind of value');
  assert.equal(await r('XGROUP', 'DESTROY', 'mystream', 'nogroup'), 0);
  const help = (await r('XGROUP', 'HELP')) as Reply[];
  assert.equal(help.length, 17);
  assert.deepEqual(help[1], { status: 'CREATE <key> <groupname> <id|$> [option]' });
});

test('XREADGROUP parameter validation', async () => {
  await r('DEL', 'mystream');
  await r('XADD', 'mystream', '1-0', 'field', 'value');
  await r('XGROUP', 'CREATE', 'mystream', 'mygroup', '$');
  const e = async (args: (string | number)[], msg: string): Promise<void> => assertError(await r(...args), msg);
  await e(['XREADGROUP', 'GROUP', 'mygroup', 'consumer', 'STREAMS'], "ERR wrong number of arguments for 'xreadgroup' command");
  await e(['XREADGROUP', 'GROUPS', 'mygroup', 'consumer', 'STREAMS', 'mystream', '>'], 'ERR syntax error');
  await e(['XREADGROUP', 'COUNT', 1, 'BLOCK', 1, 'STREAMS', 'mystream', '>'], 'ERR Missing GROUP option for XREADGROUP');
  await e(['XREADGROUP', 'GROUP', '', 'consumer', 'STREAMS', 'mystream', '>'], "NOGROUP No such key 'mystream' or consumer group '' in XREADGROUP with GROUP option");
  await e(['XREADGROUP', 'GROUP', 'mygroup', 'consumer', 'STREAMS', 'nokey', '>'], "NOGROUP No such key 'nokey' or consumer group 'mygroup' in XREADGROUP with GROUP option");
  await e(['XREADGROUP', 'GROUP', 'mygroup', 'consumer', 'STREAMS', 'mystream', '$'], 'ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.');
  await e(['XREADGROUP', 'GROUP', 'mygroup', 'consumer', 'COUNT', 'abc', 'STREAMS', 'mystream', '>'], 'ERR value is not an integer or out of range');
  await e(['XREADGROUP', 'GROUP', 'mygroup', 'consumer', 'BLOCK', '1.5', 'STREAMS', 'mystream', '>'], 'ERR timeout is not an integer or out of range');
  await e(['XREADGROUP', 'GROUP', 'mygroup', 'consumer', 'BLOCK', -1, 'STREAMS', 'mystream', '>'], 'ERR timeout is negative');
  for (const bad of ['invalid-id', '123-', '-123', 'abc-def', '--', '123-abc']) {
    await e(['XREADGROUP', 'GROUP', 'mygroup', 'consumer', 'STREAMS', 'mystream', bad], 'ERR Invalid stream ID specified as stream command argument');
  }
  await e(['XREADGROUP', 'GROUP', 'mygroup', 'Alice', 'COUNT', 1, 'STREAMS', 'mystream'], "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
  await e(['XREADGROUP', 'GROUP', 'mygroup', 'Alice', 'STREAMS', 'mystream', '>', 'other'], "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.");
  await r('SET', 'wrongtype', 'x');
  await e(['XREADGROUP', 'GROUP', 'mygroup', 'consumer', 'STREAMS', 'wrongtype', '>'], 'WRONGTYPE Operation against a key holding the wrong kind of value');
});

test('XREADGROUP will return only new elements', async () => {
  await r('DEL', 'mystream');
  await r('XADD', 'mystream', '*', 'foo', 'bar');
  await r('XGROUP', 'CREATE', 'mystream', 'mygroup', '$');
  await r('XADD', 'mystream', '*', 'a', 1);
  await r('XADD', 'mystream', '*', 'b', 2);
  assert.deepEqual(await r('XPENDING', 'mystream', 'mygroup'), [0, null, null, null]);
  assert.deepEqual(await r('XPENDING', 'mystream', 'mygroup', '-', '+', 10), []);
  const reply = await r('XREADGROUP', 'GROUP', 'mygroup', 'consumer-1', 'STREAMS', 'mystream', '>');
  assert.deepEqual(entries(reply).map((e) => e[1]), [['a', '1'], ['b', '2']]);
});

test('XREADGROUP can read the history of the elements we own', async () => {
  await r('XADD', 'mystream', '*', 'c', 3);
  await r('XADD', 'mystream', '*', 'd', 4);
  const reply = await r('XREADGROUP', 'GROUP', 'mygroup', 'consumer-2', 'STREAMS', 'mystream', '>');
  assert.deepEqual(entries(reply).map((e) => e[1]), [['c', '3'], ['d', '4']]);
  const r1 = await r('XREADGROUP', 'GROUP', 'mygroup', 'consumer-1', 'COUNT', 10, 'STREAMS', 'mystream', 0);
  const r2 = await r('XREADGROUP', 'GROUP', 'mygroup', 'consumer-2', 'COUNT', 10, 'STREAMS', 'mystream', 0);
  assert.deepEqual(entries(r1).map((e) => e[1]), [['a', '1'], ['b', '2']]);
  assert.deepEqual(entries(r2).map((e) => e[1]), [['c', '3'], ['d', '4']]);
});

test('XPENDING is able to return pending items', async () => {
  const pending = (await r('XPENDING', 'mystream', 'mygroup', '-', '+', 10)) as Reply[][];
  assert.deepEqual(pending.map((p) => [p[1], p[2], p[3]]), [
    ['consumer-1', 0, 2],
    ['consumer-1', 0, 2],
    ['consumer-2', 0, 2],
    ['consumer-2', 0, 2],
  ]);
});

test('XPENDING can return single consumer items', async () => {
  assert.equal(((await r('XPENDING', 'mystream', 'mygroup', '-', '+', 10, 'consumer-1')) as Reply[]).length, 2);
  assert.deepEqual(await r('XPENDING', 'mystream', 'mygroup', '-', '+', 10, 'nobody'), []);
});

test('XPENDING only group', async () => {
  const [count, first, last, owners] = (await r('XPENDING', 'mystream', 'mygroup')) as Reply[];
  assert.equal(count, 4);
  const ids = ((await r('XRANGE', 'mystream', '-', '+')) as Reply[][]).map((e) => e[0]);
  assert.equal(first, ids[1]);
  assert.equal(last, ids[4]);
  // Per-consumer counts are bulk strings.
  assert.deepEqual(owners, [['consumer-1', '2'], ['consumer-2', '2']]);
});

test('XPENDING with IDLE', async () => {
  now += 20;
  assert.deepEqual(await r('XPENDING', 'mystream', 'mygroup', 'IDLE', 99999999, '-', '+', 10, 'consumer-1'), []);
  assert.equal(((await r('XPENDING', 'mystream', 'mygroup', 'IDLE', 1, '-', '+', 10, 'consumer-1')) as Reply[]).length, 2);
  assert.deepEqual(await r('XPENDING', 'mystream', 'mygroup', 'IDLE', 99999999, '-', '+', 10), []);
  const all = (await r('XPENDING', 'mystream', 'mygroup', 'IDLE', 1, '-', '+', 10)) as Reply[][];
  assert.deepEqual(all.map((p) => p[2]), [20, 20, 20, 20]);
  assert.equal(((await r('XPENDING', 'mystream', 'mygroup', 'IDLE', 20, '-', '+', 3)) as Reply[]).length, 3);
  assert.deepEqual(await r('XPENDING', 'mystream', 'mygroup', 'IDLE', 21, '-', '+', 3), []);
});

test('XPENDING with exclusive range intervals works as expected', async () => {
  const pending = (await r('XPENDING', 'mystream', 'mygroup', '-', '+', 10)) as Reply[][];
  const startid = pending[0]?.[0] as string;
  const endid = pending[3]?.[0] as string;
  const ex = (await r('XPENDING', 'mystream', 'mygroup', `(${startid}`, `(${endid}`, 10)) as Reply[][];
  assert.deepEqual(ex.map((p) => p[0]), [pending[1]?.[0], pending[2]?.[0]]);
  assertError(await r('XPENDING', 'mystream', 'mygroup', '-', '+'), 'ERR syntax error');
  assertError(await r('XPENDING', 'mystream', 'mygroup', 'IDLE', 5, '-', '+'), 'ERR syntax error');
  assertError(await r('XPENDING', 'mystream', 'mygroup', '-', '+', 'x'), 'ERR value is not an integer or out of range');
  assertError(await r('XPENDING', 'nokey', 'mygroup'), "NOGROUP No such key 'nokey' or consumer group 'mygroup'");
  assert.deepEqual(await r('XPENDING', 'mystream', 'mygroup', '-', '+', -5), []);
});

test('XACK is able to remove items from the consumer/group PEL', async () => {
  const pending = (await r('XPENDING', 'mystream', 'mygroup', '-', '+', 10, 'consumer-1')) as Reply[][];
  const id1 = pending[0]?.[0] as string;
  const id2 = pending[1]?.[0] as string;
  assert.equal(await r('XACK', 'mystream', 'mygroup', id1), 1);
  const after = (await r('XPENDING', 'mystream', 'mygroup', '-', '+', 10, 'consumer-1')) as Reply[][];
  assert.deepEqual(after.map((p) => p[0]), [id2]);
  assert.equal(((await r('XPENDING', 'mystream', 'mygroup', '-', '+', 10)) as Reply[]).length, 3);
  // XACK can't remove the same item multiple times; it accepts several IDs.
  assert.equal(await r('XACK', 'mystream', 'mygroup', id1), 0);
  assert.equal(await r('XACK', 'mystream', 'mygroup', id1, id2), 1);
  assert.equal(await r('XACK', 'mystream', 'nogroup', id1), 0);
  assert.equal(await r('XACK', 'nokey', 'mygroup', id1), 0);
});

test('XACK should fail if got at least one invalid ID', async () => {
  await r('DEL', 'mystream', 's');
  await r('XGROUP', 'CREATE', 's', 'g', '$', 'MKSTREAM');
  await r('XADD', 's', '*', 'f1', 'v1');
  assert.equal(entries(await r('XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 's', '>')).length, 1);
  const id1 = ((await r('XPENDING', 's', 'g', '-', '+', 10, 'c')) as Reply[][])[0]?.[0] as string;
  assertError(await r('XACK', 's', 'g', id1, 'invalid-id'), 'ERR Invalid stream ID specified as stream command argument');
  assert.equal(await r('XACK', 's', 'g', id1), 1);
});

test('PEL NACK reassignment after XGROUP SETID event', async () => {
  await r('DEL', 'events');
  for (let i = 0; i < 4; i++) await r('XADD', 'events', '*', 'f1', 'v1');
  await r('XGROUP', 'CREATE', 'events', 'g1', '$');
  await r('XADD', 'events', '*', 'f1', 'v1');
  assert.equal(entries(await r('XREADGROUP', 'GROUP', 'g1', 'c1', 'STREAMS', 'events', '>')).length, 1);
  await r('XGROUP', 'SETID', 'events', 'g1', '-');
  assert.equal(entries(await r('XREADGROUP', 'GROUP', 'g1', 'c2', 'STREAMS', 'events', '>')).length, 5);
  // The entry c1 had now belongs to c2, with a fresh delivery count.
  const [, , , owners] = (await r('XPENDING', 'events', 'g1')) as Reply[];
  assert.deepEqual(owners, [['c2', '5']]);
  assert.deepEqual(((await r('XPENDING', 'events', 'g1', '-', '+', 10)) as Reply[][]).map((p) => p[3]), [1, 1, 1, 1, 1]);
});

test('XREADGROUP will not report data on empty history. Bug #5577', async () => {
  await r('DEL', 'events');
  for (const f of ['a', 'b', 'c']) await r('XADD', 'events', '*', f, 1);
  await r('XGROUP', 'CREATE', 'events', 'mygroup', 0);
  assert.deepEqual(await r('XPENDING', 'events', 'mygroup', '-', '+', 10), []);
  assert.deepEqual(await r('XREADGROUP', 'GROUP', 'mygroup', 'myconsumer', 'COUNT', 3, 'STREAMS', 'events', 0), [['events', []]]);
  assert.equal(entries(await r('XREADGROUP', 'GROUP', 'mygroup', 'myconsumer', 'COUNT', 3, 'STREAMS', 'events', '>')).length, 3);
  assert.equal(entries(await r('XREADGROUP', 'GROUP', 'mygroup', 'myconsumer', 'COUNT', 3, 'STREAMS', 'events', 0)).length, 3);
});

test('XREADGROUP history reporting of deleted entries. Bug #5570', async () => {
  await r('DEL', 'mystream');
  await r('XGROUP', 'CREATE', 'mystream', 'mygroup', '$', 'MKSTREAM');
  await r('XADD', 'mystream', 1, 'field1', 'A');
  await r('XREADGROUP', 'GROUP', 'mygroup', 'myconsumer', 'STREAMS', 'mystream', '>');
  await r('XADD', 'mystream', 'MAXLEN', 1, 2, 'field1', 'B');
  await r('XREADGROUP', 'GROUP', 'mygroup', 'myconsumer', 'STREAMS', 'mystream', '>');
  assert.deepEqual(await r('XREADGROUP', 'GROUP', 'mygroup', 'myconsumer', 'STREAMS', 'mystream', '0-1'), [
    ['mystream', [['1-0', null], ['2-0', ['field1', 'B']]]],
  ]);
  // Reading history counts a delivery of the entries that still exist.
  assert.deepEqual(((await r('XPENDING', 'mystream', 'mygroup', '-', '+', 10)) as Reply[][]).map((p) => p[3]), [1, 2]);
});

test('XREADGROUP from PEL inside MULTI', async () => {
  await r('DEL', 'x');
  await r('XADD', 'x', '1-0', 'f', 'v');
  await r('XGROUP', 'CREATE', 'x', 'g', '0');
  await r('XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 'x', '>');
  await r('MULTI');
  await r('XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', 0, 'STREAMS', 'x', '0');
  await r('XREADGROUP', 'GROUP', 'g', 'c', 'BLOCK', 0, 'STREAMS', 'x', '>');
  assert.deepEqual(await r('EXEC'), [[['x', [['1-0', ['f', 'v']]]]], null]);
});

test('Blocking XREADGROUP will not reply with an empty array', async () => {
  await r('DEL', 'mystream');
  await r('XGROUP', 'CREATE', 'mystream', 'mygroup', '$', 'MKSTREAM');
  await r('XADD', 'mystream', 666, 'f', 'v');
  assert.deepEqual(await r('XREADGROUP', 'GROUP', 'mygroup', 'Alice', 'BLOCK', 10, 'STREAMS', 'mystream', '>'), [['mystream', [['666-0', ['f', 'v']]]]]);
  await r('XADD', 'mystream', 667, 'f2', 'v2');
  await r('XDEL', 'mystream', 667);
  const rd = await srv.client();
  assert.equal(await rd.call('XREADGROUP', 'GROUP', 'mygroup', 'Alice', 'BLOCK', 10, 'STREAMS', 'mystream', '>'), null);
});

/** Block an XREADGROUP on mystream/mygroup (db 0), run `act`, return what the reader got. */
async function blockedReadgroup(act: () => Promise<void>, db = 0): Promise<Reply> {
  await r('SELECT', db);
  await r('DEL', 'mystream');
  await r('XADD', 'mystream', 666, 'f', 'v');
  await r('XGROUP', 'CREATE', 'mystream', 'mygroup', '$');
  const rd = await srv.client();
  await rd.call('SELECT', db);
  const res = rd.call('XREADGROUP', 'GROUP', 'mygroup', 'Alice', 'BLOCK', 0, 'STREAMS', 'mystream', '>');
  await waitForBlocked(1);
  await act();
  const reply = await res;
  await r('SELECT', 0);
  return reply;
}

test('Blocking XREADGROUP: key deleted', async () => {
  assertError(await blockedReadgroup(async () => void (await r('DEL', 'mystream'))), 'UNBLOCKED the stream key no longer exists');
});

test('Blocking XREADGROUP: key type changed with SET', async () => {
  assertError(await blockedReadgroup(async () => void (await r('SET', 'mystream', 'val1'))), 'UNBLOCKED the stream key no longer exists');
});

test('Blocking XREADGROUP: key type changed with transaction', async () => {
  const reply = await blockedReadgroup(async () => {
    await r('MULTI');
    await r('DEL', 'mystream');
    await r('SADD', 'mystream', 'e1');
    await r('EXEC');
  });
  assertError(reply, 'UNBLOCKED the stream key no longer exists');
});

test('Blocking XREADGROUP: key recreated in a transaction loses the group', async () => {
  const reply = await blockedReadgroup(async () => {
    await r('MULTI');
    await r('DEL', 'mystream');
    await r('XADD', 'mystream', 700, 'f', 'v');
    await r('EXEC');
  });
  assertError(reply, 'NOGROUP the consumer group this client was blocked on no longer exists');
});

test('Blocking XREADGROUP: key expired', async () => {
  const reply = await blockedReadgroup(async () => {
    await r('PEXPIRE', 'mystream', 50);
    // The active expiry cycle (on the server's clock) removes it without any command.
    now += 100;
  });
  assertError(reply, 'UNBLOCKED the stream key no longer exists');
});

test('Blocking XREADGROUP: flushed DB', async () => {
  assertError(await blockedReadgroup(async () => void (await r('FLUSHALL'))), 'UNBLOCKED the stream key no longer exists');
});

test("Blocking XREADGROUP: swapped DB, key doesn't exist", async () => {
  await r('SELECT', 4);
  await r('FLUSHDB');
  const reply = await blockedReadgroup(async () => void (await r('SWAPDB', 4, 9)), 9);
  assertError(reply, 'UNBLOCKED the stream key no longer exists');
});

test('Blocking XREADGROUP: swapped DB, key is not a stream', async () => {
  await r('SELECT', 4);
  await r('FLUSHDB');
  await r('LPUSH', 'mystream', 'e1');
  const reply = await blockedReadgroup(async () => void (await r('SWAPDB', 4, 9)), 9);
  assertError(reply, 'UNBLOCKED the stream key no longer exists');
  await r('FLUSHALL');
});

test('Blocking XREAD: key deleted', async () => {
  await r('DEL', 'mystream');
  await r('XADD', 'mystream', 666, 'f', 'v');
  const rd = await srv.client();
  const res = rd.call('XREAD', 'BLOCK', 0, 'STREAMS', 'mystream', '$');
  await waitForBlocked(1);
  await r('DEL', 'mystream');
  await r('XADD', 'mystream', 667, 'f', 'v');
  assert.deepEqual(await res, [['mystream', [['667-0', ['f', 'v']]]]]);
});

test('Blocking XREAD: key type changed with SET', async () => {
  await r('DEL', 'mystream');
  await r('XADD', 'mystream', 666, 'f', 'v');
  const rd = await srv.client();
  const res = rd.call('XREAD', 'BLOCK', 0, 'STREAMS', 'mystream', '$');
  await waitForBlocked(1);
  await r('SET', 'mystream', 'val1');
  await r('DEL', 'mystream');
  await r('XADD', 'mystream', 667, 'f', 'v');
  assert.deepEqual(await res, [['mystream', [['667-0', ['f', 'v']]]]]);
});

test('Blocking XREADGROUP for stream that ran dry (issue #5299)', async () => {
  const rd = await srv.client();
  await r('DEL', 'mystream');
  await r('XGROUP', 'CREATE', 'mystream', 'mygroup', '$', 'MKSTREAM');
  await r('XADD', 'mystream', 666, 'key', 'value');
  await r('XDEL', 'mystream', 666);
  assert.equal(await rd.call('XREADGROUP', 'GROUP', 'mygroup', 'myconsumer', 'BLOCK', 10, 'STREAMS', 'mystream', '>'), null);
  assertError(await r('XADD', 'mystream', 665, 'key', 'value'), 'ERR*equal*smaller*');
  assertError(await r('XADD', 'mystream', 666, 'key', 'value'), 'ERR*equal*smaller*');
  const res = rd.call('XREADGROUP', 'GROUP', 'mygroup', 'myconsumer', 'BLOCK', 0, 'STREAMS', 'mystream', '>');
  await waitForBlocked(1);
  await r('XADD', 'mystream', 667, 'key', 'value');
  assert.deepEqual(await res, [['mystream', [['667-0', ['key', 'value']]]]]);
});

test('Blocking XREADGROUP will ignore BLOCK if ID is not >', async () => {
  const rd = await srv.client();
  await r('DEL', 'mystream');
  await r('XGROUP', 'CREATE', 'mystream', 'mygroup', '$', 'MKSTREAM');
  await r('XADD', 'mystream', 666, 'key', 'value');
  await r('XDEL', 'mystream', 666);
  const read = (id: number): Promise<Reply> => rd.call('XREADGROUP', 'GROUP', 'mygroup', 'myconsumer', 'BLOCK', 0, 'STREAMS', 'mystream', id);
  for (const id of [0, 600, 666, 700]) assert.deepEqual(await read(id), [['mystream', []]]);
  await r('XADD', 'mystream', 667, 'key', 'value');
  for (const id of [0, 600, 666, 667, 700]) assert.deepEqual(await read(id), [['mystream', []]]);
  assert.deepEqual(await r('XREADGROUP', 'GROUP', 'mygroup', 'myconsumer', 'BLOCK', 0, 'STREAMS', 'mystream', '>'), [['mystream', [['667-0', ['key', 'value']]]]]);
  for (const id of [0, 600, 666]) assert.deepEqual(await read(id), [['mystream', [['667-0', ['key', 'value']]]]]);
  for (const id of [667, 700]) assert.deepEqual(await read(id), [['mystream', []]]);
  await r('XACK', 'mystream', 'mygroup', 667);
  for (const id of [0, 600, 666, 667, 700]) assert.deepEqual(await read(id), [['mystream', []]]);
});

test('XGROUP DESTROY should unblock XREADGROUP with -NOGROUP', async () => {
  await r('DEL', 'mystream');
  await r('XGROUP', 'CREATE', 'mystream', 'mygroup', '$', 'MKSTREAM');
  const rd = await srv.client();
  const res = rd.call('XREADGROUP', 'GROUP', 'mygroup', 'Alice', 'BLOCK', 0, 'STREAMS', 'mystream', '>');
  await waitForBlocked(1);
  assert.equal(await r('XGROUP', 'DESTROY', 'mystream', 'mygroup'), 1);
  assertError(await res, 'NOGROUP the consumer group this client was blocked on no longer exists');
});

test('XGROUP SETID back does not wake blocked readers until new data arrives', async () => {
  await r('DEL', 'mystream');
  await r('XADD', 'mystream', '1-0', 'a', 'b');
  await r('XGROUP', 'CREATE', 'mystream', 'mygroup', '$');
  const rd = await srv.client();
  const res = rd.call('XREADGROUP', 'GROUP', 'mygroup', 'Alice', 'BLOCK', 0, 'STREAMS', 'mystream', '>');
  await waitForBlocked(1);
  await r('XGROUP', 'SETID', 'mystream', 'mygroup', '0');
  await r('XTRIM', 'mystream', 'MAXLEN', 5);
  await r('XADD', 'mystream', '2-0', 'c', 'd');
  // Served from the group's (moved back) last ID: both entries.
  assert.deepEqual(await res, [['mystream', [['1-0', ['a', 'b']], ['2-0', ['c', 'd']]]]]);
});

test('RENAME can unblock XREADGROUP with data', async () => {
  await r('DEL', 'mystream', 'mystream2');
  await r('XGROUP', 'CREATE', 'mystream', 'mygroup', '$', 'MKSTREAM');
  const rd = await srv.client();
  const res = rd.call('XREADGROUP', 'GROUP', 'mygroup', 'Alice', 'BLOCK', 0, 'STREAMS', 'mystream', '>');
  await waitForBlocked(1);
  await r('XGROUP', 'CREATE', 'mystream2', 'mygroup', '$', 'MKSTREAM');
  await r('XADD', 'mystream2', 100, 'f1', 'v1');
  await r('RENAME', 'mystream2', 'mystream');
  assert.deepEqual(await res, [['mystream', [['100-0', ['f1', 'v1']]]]]);
});

test('RENAME can unblock XREADGROUP with -NOGROUP', async () => {
  await r('DEL', 'mystream', 'mystream2');
  await r('XGROUP', 'CREATE', 'mystream', 'mygroup', '$', 'MKSTREAM');
  const rd = await srv.client();
  const res = rd.call('XREADGROUP', 'GROUP', 'mygroup', 'Alice', 'BLOCK', 0, 'STREAMS', 'mystream', '>');
  await waitForBlocked(1);
  await r('XADD', 'mystream2', 100, 'f1', 'v1');
  await r('RENAME', 'mystream2', 'mystream');
  assertError(await res, 'NOGROUP the consumer group this client was blocked on no longer exists');
});

test('Blocked XREADGROUP clients are served in order, each with new entries only', async () => {
  await r('DEL', 'mystream');
  await r('XGROUP', 'CREATE', 'mystream', 'mygroup', '$', 'MKSTREAM');
  const rd1 = await srv.client();
  const rd2 = await srv.client();
  const res1 = rd1.call('XREADGROUP', 'GROUP', 'mygroup', 'c1', 'BLOCK', 0, 'STREAMS', 'mystream', '>');
  await waitForBlocked(1);
  const res2 = rd2.call('XREADGROUP', 'GROUP', 'mygroup', 'c2', 'COUNT', 1, 'BLOCK', 0, 'STREAMS', 'mystream', '>');
  await waitForBlocked(2);
  await r('XADD', 'mystream', '1-0', 'a', 1);
  assert.deepEqual(await res1, [['mystream', [['1-0', ['a', '1']]]]]);
  await r('XADD', 'mystream', '2-0', 'b', 2);
  assert.deepEqual(await res2, [['mystream', [['2-0', ['b', '2']]]]]);
  const [, , , owners] = (await r('XPENDING', 'mystream', 'mygroup')) as Reply[];
  assert.deepEqual(owners, [['c1', '1'], ['c2', '1']]);
});

test('XCLAIM can claim PEL items from another consumer', async () => {
  await r('DEL', 'mystream');
  const id1 = (await r('XADD', 'mystream', '*', 'a', 1)) as string;
  const id2 = (await r('XADD', 'mystream', '*', 'b', 2)) as string;
  const id3 = (await r('XADD', 'mystream', '*', 'c', 3)) as string;
  await r('XGROUP', 'CREATE', 'mystream', 'mygroup', 0);
  assert.deepEqual(entries(await r('XREADGROUP', 'GROUP', 'mygroup', 'consumer1', 'COUNT', 1, 'STREAMS', 'mystream', '>')), [[id1, ['a', '1']]]);
  assert.equal(((await r('XPENDING', 'mystream', 'mygroup', '-', '+', 10, 'consumer1')) as Reply[]).length, 1);
  assert.equal(((await r('XPENDING', 'mystream', 'mygroup', '-', '+', 10, 'consumer2')) as Reply[]).length, 0);
  now += 200;
  // Not idle long enough: nothing claimed.
  assert.deepEqual(await r('XCLAIM', 'mystream', 'mygroup', 'consumer2', 201, id1), []);
  assert.deepEqual(await r('XCLAIM', 'mystream', 'mygroup', 'consumer2', 10, id1), [[id1, ['a', '1']]]);
  assert.equal(((await r('XPENDING', 'mystream', 'mygroup', '-', '+', 10, 'consumer1')) as Reply[]).length, 0);
  assert.equal(((await r('XPENDING', 'mystream', 'mygroup', '-', '+', 10, 'consumer2')) as Reply[]).length, 1);
  await r('XREADGROUP', 'GROUP', 'mygroup', 'consumer1', 'COUNT', 2, 'STREAMS', 'mystream', '>');
  now += 200;
  // Claiming a deleted entry removes it from the PEL and claims nothing.
  await r('XDEL', 'mystream', id2);
  assert.deepEqual(await r('XCLAIM', 'mystream', 'mygroup', 'consumer2', 10, id2), []);
  now += 200;
  await r('XDEL', 'mystream', id3);
  assert.deepEqual(await r('XCLAIM', 'mystream', 'mygroup', 'consumer2', 10, id3), []);
  assert.deepEqual(((await r('XPENDING', 'mystream', 'mygroup', '-', '+', 10)) as Reply[][]).map((p) => p[0]), [id1]);
});

test('XCLAIM without JUSTID increments delivery count', async () => {
  await r('DEL', 'mystream');
  const id1 = (await r('XADD', 'mystream', '*', 'a', 1)) as string;
  await r('XADD', 'mystream', '*', 'b', 2);
  await r('XGROUP', 'CREATE', 'mystream', 'mygroup', 0);
  await r('XREADGROUP', 'GROUP', 'mygroup', 'consumer1', 'COUNT', 1, 'STREAMS', 'mystream', '>');
  now += 200;
  assert.deepEqual(await r('XCLAIM', 'mystream', 'mygroup', 'consumer2', 10, id1), [[id1, ['a', '1']]]);
  assert.deepEqual(await r('XPENDING', 'mystream', 'mygroup', '-', '+', 10), [[id1, 'consumer2', 0, 2]]);
  now += 200;
  assert.deepEqual(await r('XCLAIM', 'mystream', 'mygroup', 'consumer3', 10, id1, 'JUSTID'), [id1]);
  assert.deepEqual(await r('XPENDING', 'mystream', 'mygroup', '-', '+', 10), [[id1, 'consumer3', 0, 2]]);
});

test('XCLAIM same consumer', async () => {
  await r('DEL', 'mystream');
  const id1 = (await r('XADD', 'mystream', '*', 'a', 1)) as string;
  await r('XGROUP', 'CREATE', 'mystream', 'mygroup', 0);
  await r('XREADGROUP', 'GROUP', 'mygroup', 'consumer1', 'COUNT', 1, 'STREAMS', 'mystream', '>');
  now += 200;
  assert.deepEqual(await r('XCLAIM', 'mystream', 'mygroup', 'consumer1', 10, id1), [[id1, ['a', '1']]]);
  assert.deepEqual(await r('XPENDING', 'mystream', 'mygroup', '-', '+', 10, 'consumer1'), [[id1, 'consumer1', 0, 2]]);
});

test('XCLAIM options: IDLE, TIME, RETRYCOUNT, FORCE, LASTID', async () => {
  await r('DEL', 'x');
  for (let i = 1; i <= 4; i++) await r('XADD', 'x', `${i}-0`, 'f', i);
  await r('XGROUP', 'CREATE', 'x', 'g', '0');
  await r('XREADGROUP', 'GROUP', 'g', 'c1', 'COUNT', 2, 'STREAMS', 'x', '>');
  assert.deepEqual(await r('XCLAIM', 'x', 'g', 'c2', 0, '1-0', 'IDLE', 500, 'JUSTID'), ['1-0']);
  assert.deepEqual(await r('XCLAIM', 'x', 'g', 'c2', 0, '2-0', 'TIME', now - 70, 'RETRYCOUNT', 9, 'JUSTID'), ['2-0']);
  assert.deepEqual(await r('XPENDING', 'x', 'g', '-', '+', 10), [['1-0', 'c2', 500, 1], ['2-0', 'c2', 70, 9]]);
  // A delivery time in the future (or negative) means now.
  assert.deepEqual(await r('XCLAIM', 'x', 'g', 'c2', 0, '1-0', 'IDLE', -100, 'JUSTID'), ['1-0']);
  assert.deepEqual(await r('XCLAIM', 'x', 'g', 'c2', 0, '2-0', 'TIME', -5, 'JUSTID'), ['2-0']);
  assert.deepEqual(await r('XPENDING', 'x', 'g', '-', '+', 10), [['1-0', 'c2', 0, 1], ['2-0', 'c2', 0, 9]]);
  // FORCE creates the NACK of an entry nobody read; never for a missing entry.
  assert.deepEqual(await r('XCLAIM', 'x', 'g', 'c3', 1000, '4-0', '9-0', 'FORCE'), [['4-0', ['f', '4']]]);
  assert.deepEqual(await r('XCLAIM', 'x', 'g', 'c3', 0, '3-0', 'JUSTID'), []);
  // LASTID moves the group's last delivered ID forward only.
  await r('XCLAIM', 'x', 'g', 'c3', 0, '4-0', 'LASTID', '3-5');
  assert.equal(dict(((await r('XINFO', 'GROUPS', 'x')) as Reply[])[0] as Reply).get('last-delivered-id'), '3-5');
  await r('XCLAIM', 'x', 'g', 'c3', 0, '4-0', 'LASTID', '1-0');
  assert.equal(dict(((await r('XINFO', 'GROUPS', 'x')) as Reply[])[0] as Reply).get('last-delivered-id'), '3-5');
  assert.deepEqual(await r('XPENDING', 'x', 'g'), [3, '1-0', '4-0', [['c2', '2'], ['c3', '1']]]);
  const e = async (args: (string | number)[], msg: string): Promise<void> => assertError(await r(...args), msg);
  await e(['XCLAIM', 'x', 'g', 'c', 'abc', '1-0'], 'ERR Invalid min-idle-time argument for XCLAIM');
  await e(['XCLAIM', 'x', 'g', 'c', 0, '1-0', 'IDLE', 'x'], 'ERR Invalid IDLE option argument for XCLAIM');
  await e(['XCLAIM', 'x', 'g', 'c', 0, '1-0', 'TIME', 'x'], 'ERR Invalid TIME option argument for XCLAIM');
  await e(['XCLAIM', 'x', 'g', 'c', 0, '1-0', 'RETRYCOUNT', 'x'], 'ERR Invalid RETRYCOUNT option argument for XCLAIM');
  await e(['XCLAIM', 'x', 'g', 'c', 0, '1-0', 'LASTID', 'x'], 'ERR Invalid stream ID specified as stream command argument');
  await e(['XCLAIM', 'x', 'g', 'c', 0, '1-0', 'FORCE', '2-0'], "ERR Unrecognized XCLAIM option '2-0'");
  await e(['XCLAIM', 'x', 'g', 'c', 0, '-'], "ERR Unrecognized XCLAIM option '-'");
  await e(['XCLAIM', 'x', 'nogroup', 'c', 0, '1-0'], "NOGROUP No such key 'x' or consumer group 'nogroup'");
});

test('XAUTOCLAIM can claim PEL items from another consumer', async () => {
  await r('DEL', 'mystream');
  const id1 = (await r('XADD', 'mystream', '*', 'a', 1)) as string;
  const id2 = (await r('XADD', 'mystream', '*', 'b', 2)) as string;
  const id3 = (await r('XADD', 'mystream', '*', 'c', 3)) as string;
  const id4 = (await r('XADD', 'mystream', '*', 'd', 4)) as string;
  await r('XGROUP', 'CREATE', 'mystream', 'mygroup', 0);
  await r('XREADGROUP', 'GROUP', 'mygroup', 'consumer1', 'COUNT', 1, 'STREAMS', 'mystream', '>');
  now += 200;
  assert.deepEqual(await r('XAUTOCLAIM', 'mystream', 'mygroup', 'consumer2', 10, '-', 'COUNT', 1), ['0-0', [[id1, ['a', '1']]], []]);
  await r('XREADGROUP', 'GROUP', 'mygroup', 'consumer1', 'COUNT', 3, 'STREAMS', 'mystream', '>');
  now += 200;
  await r('XDEL', 'mystream', id2);
  assert.deepEqual(await r('XAUTOCLAIM', 'mystream', 'mygroup', 'consumer2', 10, '-', 'COUNT', 3), [id4, [[id1, ['a', '1']], [id3, ['c', '3']]], [id2]]);
  now += 200;
  await r('XDEL', 'mystream', id4);
  assert.deepEqual(await r('XAUTOCLAIM', 'mystream', 'mygroup', 'consumer2', 10, '-', 'JUSTID'), ['0-0', [id1, id3], [id4]]);
});

test('XAUTOCLAIM as an iterator', async () => {
  await r('DEL', 'mystream');
  const ids: string[] = [];
  for (let i = 1; i <= 5; i++) ids.push((await r('XADD', 'mystream', '*', 'abcde'[i - 1] as string, i)) as string);
  await r('XGROUP', 'CREATE', 'mystream', 'mygroup', 0);
  await r('XREADGROUP', 'GROUP', 'mygroup', 'consumer1', 'COUNT', 90, 'STREAMS', 'mystream', '>');
  now += 200;
  let reply = (await r('XAUTOCLAIM', 'mystream', 'mygroup', 'consumer2', 10, '-', 'COUNT', 2)) as Reply[];
  assert.deepEqual(reply, [ids[2], [[ids[0], ['a', '1']], [ids[1], ['b', '2']]], []]);
  reply = (await r('XAUTOCLAIM', 'mystream', 'mygroup', 'consumer2', 10, reply[0] as string, 'COUNT', 2)) as Reply[];
  assert.deepEqual(reply, [ids[4], [[ids[2], ['c', '3']], [ids[3], ['d', '4']]], []]);
  reply = (await r('XAUTOCLAIM', 'mystream', 'mygroup', 'consumer2', 10, reply[0] as string, 'COUNT', 1)) as Reply[];
  assert.deepEqual(reply, ['0-0', [[ids[4], ['e', '5']]], []]);
  // An exclusive start skips the given ID.
  assert.deepEqual(await r('XAUTOCLAIM', 'mystream', 'mygroup', 'consumer3', 0, `(${ids[3]}`, 'JUSTID'), ['0-0', [ids[4]], []]);
});

test('XAUTOCLAIM COUNT must be > 0 and other errors', async () => {
  const e = async (args: (string | number)[], msg: string): Promise<void> => assertError(await r(...args), msg);
  await e(['XAUTOCLAIM', 'key', 'group', 'consumer', 1, 1, 'COUNT', 0], 'ERR COUNT must be > 0');
  await e(['XAUTOCLAIM', 'key', 'group', 'consumer', 1, 1, 'COUNT', 'x'], 'ERR COUNT must be > 0');
  await e(['XAUTOCLAIM', 'mystream', 'mygroup', 'c', 0, 0, 'COUNT', '576460752303423488'], 'ERR COUNT must be > 0');
  await e(['XAUTOCLAIM', 'mystream', 'mygroup', 'c', 0, 0, 'COUNT', '576460752303423487'], 'ERR Insufficient memory, failed allocating transient memory, COUNT too high.');
  await e(['XAUTOCLAIM', 'key', 'group', 'consumer', 'abc', 1], 'ERR Invalid min-idle-time argument for XAUTOCLAIM');
  await e(['XAUTOCLAIM', 'key', 'group', 'consumer', 1, 'x'], 'ERR Invalid stream ID specified as stream command argument');
  await e(['XAUTOCLAIM', 'key', 'group', 'consumer', 1, 1, 'FOO'], 'ERR syntax error');
  await e(['XAUTOCLAIM', 'key', 'group', 'consumer', 1, '(18446744073709551615-18446744073709551615'], 'ERR invalid start ID for the interval');
  await e(['XAUTOCLAIM', 'key', 'group', 'consumer', 1, 1], "NOGROUP No such key 'key' or consumer group 'group'");
});

test('XCLAIM with XDEL', async () => {
  await r('DEL', 'x');
  for (let i = 1; i <= 3; i++) await r('XADD', 'x', `${i}-0`, 'f', 'v');
  await r('XGROUP', 'CREATE', 'x', 'grp', 0);
  assert.deepEqual(await r('XREADGROUP', 'GROUP', 'grp', 'Alice', 'STREAMS', 'x', '>'), [['x', [['1-0', ['f', 'v']], ['2-0', ['f', 'v']], ['3-0', ['f', 'v']]]]]);
  await r('XDEL', 'x', '2-0');
  assert.deepEqual(await r('XCLAIM', 'x', 'grp', 'Bob', 0, '1-0', '2-0', '3-0'), [['1-0', ['f', 'v']], ['3-0', ['f', 'v']]]);
  assert.deepEqual(await r('XPENDING', 'x', 'grp', '-', '+', 10, 'Alice'), []);
});

test('XCLAIM with trimming', async () => {
  await r('DEL', 'x');
  await r('CONFIG', 'SET', 'stream-node-max-entries', 2);
  for (let i = 1; i <= 3; i++) await r('XADD', 'x', `${i}-0`, 'f', 'v');
  await r('XGROUP', 'CREATE', 'x', 'grp', 0);
  await r('XREADGROUP', 'GROUP', 'grp', 'Alice', 'STREAMS', 'x', '>');
  await r('XTRIM', 'x', 'MAXLEN', 1);
  assert.deepEqual(await r('XCLAIM', 'x', 'grp', 'Bob', 0, '1-0', '2-0', '3-0'), [['3-0', ['f', 'v']]]);
  await r('CONFIG', 'SET', 'stream-node-max-entries', 100);
});

test('XAUTOCLAIM with XDEL', async () => {
  await r('DEL', 'x');
  for (let i = 1; i <= 3; i++) await r('XADD', 'x', `${i}-0`, 'f', 'v');
  await r('XGROUP', 'CREATE', 'x', 'grp', 0);
  await r('XREADGROUP', 'GROUP', 'grp', 'Alice', 'STREAMS', 'x', '>');
  await r('XDEL', 'x', '2-0');
  assert.deepEqual(await r('XAUTOCLAIM', 'x', 'grp', 'Bob', 0, '0-0'), ['0-0', [['1-0', ['f', 'v']], ['3-0', ['f', 'v']]], ['2-0']]);
  assert.deepEqual(await r('XPENDING', 'x', 'grp', '-', '+', 10, 'Alice'), []);
});

test('XAUTOCLAIM with XDEL and count', async () => {
  await r('DEL', 'x');
  for (let i = 1; i <= 3; i++) await r('XADD', 'x', `${i}-0`, 'f', 'v');
  await r('XGROUP', 'CREATE', 'x', 'grp', 0);
  await r('XREADGROUP', 'GROUP', 'grp', 'Alice', 'STREAMS', 'x', '>');
  await r('XDEL', 'x', '1-0');
  await r('XDEL', 'x', '2-0');
  // Deleted entries count against COUNT.
  assert.deepEqual(await r('XAUTOCLAIM', 'x', 'grp', 'Bob', 0, '0-0', 'COUNT', 1), ['2-0', [], ['1-0']]);
  assert.deepEqual(await r('XAUTOCLAIM', 'x', 'grp', 'Bob', 0, '2-0', 'COUNT', 1), ['3-0', [], ['2-0']]);
  assert.deepEqual(await r('XAUTOCLAIM', 'x', 'grp', 'Bob', 0, '3-0', 'COUNT', 1), ['0-0', [['3-0', ['f', 'v']]], []]);
  assert.deepEqual(await r('XPENDING', 'x', 'grp', '-', '+', 10, 'Alice'), []);
});

test('XAUTOCLAIM with out of range count', async () => {
  assertError(await r('XAUTOCLAIM', 'x', 'grp', 'Bob', 0, '3-0', 'COUNT', '8070450532247928833'), 'ERR COUNT*');
});

test('XAUTOCLAIM stops after ten attempts per COUNT', async () => {
  await r('DEL', 'x');
  for (let i = 1; i <= 30; i++) await r('XADD', 'x', `${i}-0`, 'f', 'v');
  await r('XGROUP', 'CREATE', 'x', 'grp', 0);
  await r('XREADGROUP', 'GROUP', 'grp', 'Alice', 'STREAMS', 'x', '>');
  now += 100;
  await r('XREADGROUP', 'GROUP', 'grp', 'Alice', 'STREAMS', 'x', '0');
  // Every entry is now idle for 0 ms: ten are examined, none claimed, the cursor moves on.
  assert.deepEqual(await r('XAUTOCLAIM', 'x', 'grp', 'Bob', 50, '0-0', 'COUNT', 1), ['11-0', [], []]);
  assert.deepEqual(await r('XAUTOCLAIM', 'x', 'grp', 'Bob', 50, '21-0', 'COUNT', 1), ['0-0', [], []]);
});

test('XINFO FULL output', async () => {
  await r('DEL', 'x');
  now = T0 + 1_000_000;
  const t1 = now;
  await r('XADD', 'x', '100', 'a', 1);
  await r('XADD', 'x', '101', 'b', 1);
  await r('XADD', 'x', '102', 'c', 1);
  await r('XADD', 'x', '103', 'e', 1);
  await r('XADD', 'x', '104', 'f', 1);
  await r('XGROUP', 'CREATE', 'x', 'g1', 0);
  await r('XGROUP', 'CREATE', 'x', 'g2', 0);
  await r('XREADGROUP', 'GROUP', 'g1', 'Alice', 'COUNT', 1, 'STREAMS', 'x', '>');
  now += 5;
  await r('XREADGROUP', 'GROUP', 'g1', 'Bob', 'COUNT', 1, 'STREAMS', 'x', '>');
  await r('XREADGROUP', 'GROUP', 'g1', 'Bob', 'NOACK', 'COUNT', 1, 'STREAMS', 'x', '>');
  await r('XREADGROUP', 'GROUP', 'g2', 'Charlie', 'COUNT', 4, 'STREAMS', 'x', '>');
  await r('XDEL', 'x', 103);
  const t2 = now;
  const base = [
    'length', 4, 'radix-tree-keys', 1, 'radix-tree-nodes', 2, 'last-generated-id', '104-0', 'max-deleted-entry-id', '103-0',
    'entries-added', 5, 'recorded-first-entry-id', '100-0',
  ];
  const ent = [['100-0', ['a', '1']], ['101-0', ['b', '1']], ['102-0', ['c', '1']], ['104-0', ['f', '1']]];
  assert.deepEqual(await r('XINFO', 'STREAM', 'x', 'FULL'), [
    ...base,
    'entries', ent,
    'groups', [
      [
        // The deleted 103-0 lies ahead of both groups: their lag cannot be known.
        'name', 'g1', 'last-delivered-id', '102-0', 'entries-read', 3, 'lag', null, 'pel-count', 2,
        'pending', [['100-0', 'Alice', t1, 1], ['101-0', 'Bob', t2, 1]],
        'consumers', [
          ['name', 'Alice', 'seen-time', t1, 'pel-count', 1, 'pending', [['100-0', t1, 1]]],
          ['name', 'Bob', 'seen-time', t2, 'pel-count', 1, 'pending', [['101-0', t2, 1]]],
        ],
      ],
      [
        'name', 'g2', 'last-delivered-id', '103-0', 'entries-read', 4, 'lag', null, 'pel-count', 4,
        'pending', [['100-0', 'Charlie', t2, 1], ['101-0', 'Charlie', t2, 1], ['102-0', 'Charlie', t2, 1], ['103-0', 'Charlie', t2, 1]],
        'consumers', [
          ['name', 'Charlie', 'seen-time', t2, 'pel-count', 4, 'pending', [['100-0', t2, 1], ['101-0', t2, 1], ['102-0', t2, 1], ['103-0', t2, 1]]],
        ],
      ],
    ],
  ]);
  const full1 = dict(await r('XINFO', 'STREAM', 'x', 'FULL', 'COUNT', 1));
  assert.deepEqual(full1.get('entries'), [ent[0]]);
  const g2 = dict((full1.get('groups') as Reply[])[1] as Reply);
  assert.deepEqual(g2.get('pending'), [['100-0', 'Charlie', t2, 1]]);
  assert.deepEqual(dict((g2.get('consumers') as Reply[])[0] as Reply).get('pending'), [['100-0', t2, 1]]);
  // COUNT 0 is everything; a negative COUNT is the default of 10.
  assert.deepEqual(dict(await r('XINFO', 'STREAM', 'x', 'FULL', 'COUNT', 0)).get('entries'), ent);
  assert.deepEqual(dict(await r('XINFO', 'STREAM', 'x', 'FULL', 'COUNT', -1)).get('entries'), ent);
  now += 7;
  assert.deepEqual(await r('XINFO', 'CONSUMERS', 'x', 'g1'), [
    ['name', 'Alice', 'pending', 1, 'idle', 12],
    ['name', 'Bob', 'pending', 1, 'idle', 7],
  ]);
  assert.deepEqual(await r('XINFO', 'GROUPS', 'x'), [
    ['name', 'g1', 'consumers', 2, 'pending', 2, 'last-delivered-id', '102-0', 'entries-read', 3, 'lag', null],
    ['name', 'g2', 'consumers', 1, 'pending', 4, 'last-delivered-id', '103-0', 'entries-read', 4, 'lag', null],
  ]);
  assertError(await r('XINFO', 'CONSUMERS', 'x', 'nogroup'), "NOGROUP No such consumer group 'nogroup' for key name 'x'");
  assertError(await r('XINFO', 'GROUPS', 'nokey'), 'ERR no such key');
  assert.deepEqual(dict(await r('XINFO', 'STREAM', 'x')).get('groups'), 2);
});

test('XINFO in RESP3: maps and nulls', async () => {
  const r3 = await srv.client();
  await r3.call('HELLO', '3');
  const groups = (await r3.call('XINFO', 'GROUPS', 'x')) as Map<Reply, Reply>[];
  assert.ok(groups[0] instanceof Map);
  assert.equal(groups[1]?.get('lag'), null);
  const exp = '*2\r\n%3\r\n$4\r\nname\r\n$5\r\nAlice\r\n$7\r\npending\r\n:1\r\n$4\r\nidle\r\n:12\r\n%3\r\n$4\r\nname\r\n$3\r\nBob\r\n$7\r\npending\r\n:1\r\n$4\r\nidle\r\n:7\r\n';
  assert.equal((await r3.rawExchange('*4\r\n$5\r\nXINFO\r\n$9\r\nCONSUMERS\r\n$1\r\nx\r\n$2\r\ng1\r\n', exp.length)).toString(), exp);
  await r3.call('XGROUP', 'CREATE', 'x', 'empty', '0');
  const pend = '*4\r\n:0\r\n_\r\n_\r\n_\r\n';
  assert.equal((await r3.rawExchange('*3\r\n$8\r\nXPENDING\r\n$1\r\nx\r\n$5\r\nempty\r\n', pend.length)).toString(), pend);
  const full = (await r3.call('XINFO', 'STREAM', 'x', 'FULL')) as Map<Reply, Reply>;
  assert.ok(full instanceof Map);
  assert.ok(((full.get('groups') as Reply[])[0] as Reply) instanceof Map);
  const rg = (await r3.call('XREADGROUP', 'GROUP', 'empty', 'c', 'STREAMS', 'x', '>')) as Map<Reply, Reply>;
  assert.deepEqual(rg, new Map([['x', [['100-0', ['a', '1']], ['101-0', ['b', '1']], ['102-0', ['c', '1']], ['104-0', ['f', '1']]]]]));
});

test('XGROUP CREATECONSUMER: create consumer if does not exist', async () => {
  await r('DEL', 'mystream');
  await r('XGROUP', 'CREATE', 'mystream', 'mygroup', '$', 'MKSTREAM');
  await r('XADD', 'mystream', '*', 'f', 'v');
  assert.deepEqual(await r('XINFO', 'CONSUMERS', 'mystream', 'mygroup'), []);
  assert.equal(await r('XGROUP', 'CREATECONSUMER', 'mystream', 'mygroup', 'Alice'), 1);
  assert.equal(await r('XGROUP', 'CREATECONSUMER', 'mystream', 'mygroup', 'Alice'), 0);
  await r('XREADGROUP', 'GROUP', 'mygroup', 'Bob', 'STREAMS', 'mystream', '>');
  assert.deepEqual(((await r('XINFO', 'CONSUMERS', 'mystream', 'mygroup')) as Reply[]).map((x) => dict(x).get('name')), ['Alice', 'Bob']);
  assert.equal(await r('XGROUP', 'CREATECONSUMER', 'mystream', 'mygroup', 'Bob'), 0);
  // DELCONSUMER answers how many pending entries the consumer took with it.
  assert.equal(await r('XGROUP', 'DELCONSUMER', 'mystream', 'mygroup', 'Bob'), 1);
  assert.deepEqual(await r('XPENDING', 'mystream', 'mygroup'), [0, null, null, null]);
  assert.equal(await r('XGROUP', 'DELCONSUMER', 'mystream', 'mygroup', 'Bob'), 0);
});

test('XGROUP CREATECONSUMER: group must exist', async () => {
  await r('DEL', 'mystream');
  await r('XADD', 'mystream', '*', 'f', 'v');
  assertError(await r('XGROUP', 'CREATECONSUMER', 'mystream', 'mygroup', 'consumer'), 'NOGROUP*');
});

test('XREADGROUP with NOACK creates consumer', async () => {
  await r('DEL', 'mystream');
  await r('XGROUP', 'CREATE', 'mystream', 'mygroup', '$', 'MKSTREAM');
  await r('XADD', 'mystream', '*', 'f1', 'v1');
  await r('XREADGROUP', 'GROUP', 'mygroup', 'Alice', 'NOACK', 'STREAMS', 'mystream', '>');
  const rd = await srv.client();
  const res = rd.call('XREADGROUP', 'GROUP', 'mygroup', 'Bob', 'BLOCK', 0, 'NOACK', 'STREAMS', 'mystream', '>');
  await waitForBlocked(1);
  await r('XADD', 'mystream', '*', 'f2', 'v2');
  assert.deepEqual(entries(await res).map((e) => e[1]), [['f2', 'v2']]);
  const consumers = ((await r('XINFO', 'CONSUMERS', 'mystream', 'mygroup')) as Reply[]).map(dict);
  assert.deepEqual(consumers.map((x) => [x.get('name'), x.get('pending')]), [['Alice', 0], ['Bob', 0]]);
});

test('Consumer group read counter and lag sanity', async () => {
  await r('DEL', 'x');
  for (let i = 1; i <= 5; i++) await r('XADD', 'x', `${i}-0`, 'data', 'abcde'[i - 1] as string);
  await r('XGROUP', 'CREATE', 'x', 'g1', 0);
  const lag = async (): Promise<Reply[]> => {
    const g = dict(((await r('XINFO', 'GROUPS', 'x')) as Reply[])[0] as Reply);
    return [g.get('entries-read') as Reply, g.get('lag') as Reply];
  };
  assert.deepEqual(await lag(), [null, 5]);
  await r('XREADGROUP', 'GROUP', 'g1', 'c11', 'COUNT', 1, 'STREAMS', 'x', '>');
  assert.deepEqual(await lag(), [1, 4]);
  await r('XREADGROUP', 'GROUP', 'g1', 'c12', 'COUNT', 2, 'STREAMS', 'x', '>');
  assert.deepEqual(await lag(), [3, 2]);
  await r('XREADGROUP', 'GROUP', 'g1', 'c13', 'COUNT', 3, 'STREAMS', 'x', '>');
  assert.deepEqual(await lag(), [5, 0]);
  await r('XADD', 'x', '6-0', 'data', 'f');
  assert.deepEqual(await lag(), [5, 1]);
});

test('Consumer group lag with XDELs', async () => {
  await r('DEL', 'x');
  for (let i = 1; i <= 5; i++) await r('XADD', 'x', `${i}-0`, 'data', 'abcde'[i - 1] as string);
  await r('XDEL', 'x', '3-0');
  await r('XGROUP', 'CREATE', 'x', 'g1', 0);
  await r('XGROUP', 'CREATE', 'x', 'g2', 0);
  const lags = async (): Promise<Reply[][]> =>
    ((await r('XINFO', 'GROUPS', 'x')) as Reply[]).map(dict).map((g) => [g.get('entries-read') as Reply, g.get('lag') as Reply]);
  assert.deepEqual(await lags(), [[null, null], [null, null]]);
  for (let i = 0; i < 3; i++) {
    await r('XREADGROUP', 'GROUP', 'g1', 'c11', 'COUNT', 1, 'STREAMS', 'x', '>');
    assert.deepEqual((await lags())[0], [null, null]);
  }
  await r('XREADGROUP', 'GROUP', 'g1', 'c11', 'COUNT', 1, 'STREAMS', 'x', '>');
  assert.deepEqual(await lags(), [[5, 0], [null, null]]);
  await r('XADD', 'x', '6-0', 'data', 'f');
  assert.deepEqual(await lags(), [[5, 1], [null, null]]);
  await r('XTRIM', 'x', 'MINID', '=', '3-0');
  assert.deepEqual(await lags(), [[5, 1], [null, 3]]);
  await r('XTRIM', 'x', 'MINID', '=', '5-0');
  assert.deepEqual(await lags(), [[5, 1], [null, 2]]);
});

test('Keyspace events, WATCH and dirty of group commands', async () => {
  await r('SELECT', 7);
  await r('DEL', 'ev');
  const dirty = async (): Promise<number> => Number(/rdb_changes_since_last_save:(\d+)/.exec((await r('INFO', 'persistence')) as string)?.[1]);
  const w = await srv.client();
  await w.call('SELECT', 7);
  await w.call('WATCH', 'ev');
  await r('XGROUP', 'CREATE', 'ev', 'g', '$', 'MKSTREAM');
  await w.call('MULTI');
  assert.equal(await w.call('EXEC'), null); // MKSTREAM created the key
  await r('XADD', 'ev', '1-0', 'a', 'b');
  await w.call('WATCH', 'ev');
  const d0 = await dirty();
  await r('XGROUP', 'CREATECONSUMER', 'ev', 'g', 'c1');
  await r('XREADGROUP', 'GROUP', 'g', 'c2', 'STREAMS', 'ev', '>');
  await r('XCLAIM', 'ev', 'g', 'c3', 0, '1-0', 'JUSTID');
  await r('XACK', 'ev', 'g', '1-0');
  await r('XGROUP', 'SETID', 'ev', 'g', '0');
  await r('XAUTOCLAIM', 'ev', 'g', 'c1', 0, 0);
  await r('XGROUP', 'DELCONSUMER', 'ev', 'g', 'c3');
  await r('XGROUP', 'DESTROY', 'ev', 'g');
  await w.call('MULTI');
  await w.call('PING');
  // None of these touch WATCHed keys.
  assert.deepEqual(await w.call('EXEC'), [{ status: 'PONG' }]);
  // createconsumer 1, XREADGROUP (consumer 1 + read 1), XCLAIM (consumer 1 + claim 1), XACK 1, SETID 1, DELCONSUMER 1, DESTROY 1.
  assert.equal(await dirty(), d0 + 9);
  await r('SELECT', 0);
  const events: Reply[] = [];
  for (let i = 0; i < 8; i++) events.push(((await sub.nextPush()) as Reply[])[2] as Reply);
  assert.deepEqual(events, [
    '__keyevent@7__:xgroup-create', '__keyevent@7__:xadd', '__keyevent@7__:xgroup-createconsumer', '__keyevent@7__:xgroup-createconsumer',
    '__keyevent@7__:xgroup-createconsumer', '__keyevent@7__:xgroup-setid', '__keyevent@7__:xgroup-delconsumer', '__keyevent@7__:xgroup-destroy',
  ]);
});

test('Consumer groups match redis-server on a random workload', { skip: !haveRedisServer() && 'redis-server is not installed' }, async () => {
  const oracle = await startOracle();
  try {
    const o = await oracle.client();
    let seed = 11;
    const ri = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    // Delivery times differ between the servers: compare everything but the time columns.
    const strip = (v: Reply): Reply => (Array.isArray(v) ? v.map(strip) : typeof v === 'number' && v > 1e9 ? 'T' : v);
    const both = async (...args: (string | number)[]): Promise<void> => {
      assert.deepEqual(strip(await r(...args)), strip(await o.call(...args)), args.join(' '));
    };
    await both('DEL', 'w');
    let last = 0;
    const rid = (): string => `${ri(last + 3)}-${ri(2)}`;
    for (let step = 0; step < 1500; step++) {
      const g = `g${ri(3)}`;
      const cn = `c${ri(3)}`;
      switch (ri(12)) {
        case 0: case 1: case 2:
          last += 1 + ri(2);
          await both('XADD', 'w', ...(ri(8) === 0 ? ['MAXLEN', ri(30)] : []), `${last}-${ri(2)}`, 'f', ri(100));
          break;
        case 3: await both('XDEL', 'w', rid(), rid()); break;
        case 4: await both('XGROUP', 'CREATE', 'w', g, ri(2) ? '$' : rid(), 'MKSTREAM', ...(ri(3) ? [] : ['ENTRIESREAD', ri(10) - 1])); break;
        case 5: await both('XREADGROUP', 'GROUP', g, cn, 'COUNT', ri(4), ...(ri(5) ? [] : ['NOACK']), 'STREAMS', 'w', ri(4) ? '>' : rid()); break;
        case 6: await both('XACK', 'w', g, rid(), rid()); break;
        case 7: await both('XPENDING', 'w', g, '-', '+', 1 + ri(10), ...(ri(2) ? [cn] : [])); break;
        case 8: await both('XAUTOCLAIM', 'w', g, cn, 0, rid(), 'COUNT', 1 + ri(3), 'JUSTID'); break;
        case 9: await both('XCLAIM', 'w', g, cn, 0, rid(), rid(), 'JUSTID', ...(ri(3) ? [] : ['FORCE'])); break;
        case 10: await both('XINFO', 'GROUPS', 'w'); break;
        default:
          if (ri(4) === 0) await both('XGROUP', 'SETID', 'w', g, ri(2) ? '$' : rid(), ...(ri(2) ? [] : ['ENTRIESREAD', ri(10)]));
          else await both('XTRIM', 'w', 'MINID', rid());
      }
    }
    await both('XINFO', 'STREAM', 'w', 'FULL', 'COUNT', 0);
  } finally {
    await oracle.close();
  }
});
