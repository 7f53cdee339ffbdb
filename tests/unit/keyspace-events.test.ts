/**
 * Keyspace notifications (notify-keyspace-events), mirroring the "Keyspace notifications: ..."
 * tests of Redis 7.0's tests/unit/pubsub.tcl, plus a differential check: for every command
 * family the same script runs against Cinnabar and against the real redis-server 7.0 (the
 * oracle), each with a subscriber on __key*__:*, and the event streams (and the replies of the
 * commands) must be identical.
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { haveRedisServer, OK, startOracle, startTestServer, type Oracle, type Reply, type RespClient, type TestServer } from '../helpers/server.js';

let srv: TestServer;
let r: RespClient;

before(async () => {
  srv = await startTestServer();
  r = await srv.client();
});

after(async () => {
  await srv.close();
});

/** A subscriber to every keyspace and keyevent channel; returns it once subscribed. */
async function subscriber(server: { client(): Promise<RespClient> }, pattern = '*'): Promise<RespClient> {
  const s = await server.client();
  assert.deepEqual(await s.call('PSUBSCRIBE', pattern), ['psubscribe', pattern, 1]);
  return s;
}

/** Read messages until the marker published on a channel ending in `__end__` arrives. */
async function drain(s: RespClient): Promise<Reply[]> {
  const out: Reply[] = [];
  for (;;) {
    const m = await s.nextPush();
    if (Array.isArray(m) && typeof m[2] === 'string' && m[2].endsWith('__end__')) return out;
    out.push(m);
  }
}

async function events(s: RespClient, publisher: RespClient): Promise<Reply[]> {
  await publisher.call('PUBLISH', '__end__', 'end');
  return drain(s);
}

describe('notify-keyspace-events flags', () => {
  test('Keyspace notifications: we receive keyspace notifications', async () => {
    assert.deepEqual(await r.call('CONFIG', 'SET', 'notify-keyspace-events', 'KA'), OK);
    const s = await subscriber(srv);
    await r.call('SET', 'foo', 'bar');
    assert.deepEqual(await s.nextPush(), ['pmessage', '*', '__keyspace@0__:foo', 'set']);
    s.close();
  });

  test('Keyspace notifications: we receive keyevent notifications', async () => {
    assert.deepEqual(await r.call('CONFIG', 'SET', 'notify-keyspace-events', 'EA'), OK);
    const s = await subscriber(srv);
    await r.call('SET', 'foo', 'bar');
    assert.deepEqual(await s.nextPush(), ['pmessage', '*', '__keyevent@0__:set', 'foo']);
    s.close();
  });

  test('Keyspace notifications: we can receive both kind of events', async () => {
    assert.deepEqual(await r.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEA'), OK);
    const s = await subscriber(srv);
    await r.call('SET', 'foo', 'bar');
    assert.deepEqual(await s.nextPush(), ['pmessage', '*', '__keyspace@0__:foo', 'set']);
    assert.deepEqual(await s.nextPush(), ['pmessage', '*', '__keyevent@0__:set', 'foo']);
    s.close();
  });

  test('Keyspace notifications: we are able to mask events', async () => {
    assert.deepEqual(await r.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEl'), OK);
    await r.call('DEL', 'mylist');
    const s = await subscriber(srv);
    await r.call('SET', 'foo', 'bar');
    await r.call('LPUSH', 'mylist', 'a');
    // No notification for SET: only list commands are enabled.
    assert.deepEqual(await events(s, r), [
      ['pmessage', '*', '__keyspace@0__:mylist', 'lpush'],
      ['pmessage', '*', '__keyevent@0__:lpush', 'mylist'],
    ]);
    s.close();
  });

  test('Keyspace notifications: general events test', async () => {
    assert.deepEqual(await r.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEg'), OK);
    const s = await subscriber(srv);
    await r.call('SET', 'foo', 'bar');
    await r.call('EXPIRE', 'foo', 1);
    await r.call('DEL', 'foo');
    assert.deepEqual(await events(s, r), [
      ['pmessage', '*', '__keyspace@0__:foo', 'expire'],
      ['pmessage', '*', '__keyevent@0__:expire', 'foo'],
      ['pmessage', '*', '__keyspace@0__:foo', 'del'],
      ['pmessage', '*', '__keyevent@0__:del', 'foo'],
    ]);
    s.close();
  });

  test('Keyspace notifications: list events test', async () => {
    assert.deepEqual(await r.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEl'), OK);
    await r.call('DEL', 'mylist');
    const s = await subscriber(srv);
    await r.call('LPUSH', 'mylist', 'a');
    await r.call('RPUSH', 'mylist', 'a');
    await r.call('RPOP', 'mylist');
    assert.deepEqual(await events(s, r), [
      ['pmessage', '*', '__keyspace@0__:mylist', 'lpush'],
      ['pmessage', '*', '__keyevent@0__:lpush', 'mylist'],
      ['pmessage', '*', '__keyspace@0__:mylist', 'rpush'],
      ['pmessage', '*', '__keyevent@0__:rpush', 'mylist'],
      ['pmessage', '*', '__keyspace@0__:mylist', 'rpop'],
      ['pmessage', '*', '__keyevent@0__:rpop', 'mylist'],
    ]);
    s.close();
  });

  test('Keyspace notifications: set events test', async () => {
    assert.deepEqual(await r.call('CONFIG', 'SET', 'notify-keyspace-events', 'Ks'), OK);
    await r.call('DEL', 'myset');
    const s = await subscriber(srv);
    await r.call('SADD', 'myset', 'a', 'b', 'c', 'd');
    await r.call('SREM', 'myset', 'x');
    await r.call('SADD', 'myset', 'x', 'y', 'z');
    await r.call('SREM', 'myset', 'x');
    assert.deepEqual(await events(s, r), [
      ['pmessage', '*', '__keyspace@0__:myset', 'sadd'],
      ['pmessage', '*', '__keyspace@0__:myset', 'sadd'],
      ['pmessage', '*', '__keyspace@0__:myset', 'srem'],
    ]);
    s.close();
  });

  test('Keyspace notifications: zset events test', async () => {
    assert.deepEqual(await r.call('CONFIG', 'SET', 'notify-keyspace-events', 'Kz'), OK);
    await r.call('DEL', 'myzset');
    const s = await subscriber(srv);
    await r.call('ZADD', 'myzset', 1, 'a', 2, 'b');
    await r.call('ZREM', 'myzset', 'x');
    await r.call('ZADD', 'myzset', 3, 'x', 4, 'y', 5, 'z');
    await r.call('ZREM', 'myzset', 'x');
    assert.deepEqual(await events(s, r), [
      ['pmessage', '*', '__keyspace@0__:myzset', 'zadd'],
      ['pmessage', '*', '__keyspace@0__:myzset', 'zadd'],
      ['pmessage', '*', '__keyspace@0__:myzset', 'zrem'],
    ]);
    s.close();
  });

  test('Keyspace notifications: hash events test', async () => {
    assert.deepEqual(await r.call('CONFIG', 'SET', 'notify-keyspace-events', 'Kh'), OK);
    await r.call('DEL', 'myhash');
    const s = await subscriber(srv);
    await r.call('HMSET', 'myhash', 'yes', 1, 'no', 0);
    await r.call('HINCRBY', 'myhash', 'yes', 10);
    assert.deepEqual(await events(s, r), [
      ['pmessage', '*', '__keyspace@0__:myhash', 'hset'],
      ['pmessage', '*', '__keyspace@0__:myhash', 'hincrby'],
    ]);
    s.close();
  });

  test('Keyspace notifications: expired events (triggered expire)', async () => {
    assert.deepEqual(await r.call('CONFIG', 'SET', 'notify-keyspace-events', 'Ex'), OK);
    assert.deepEqual(await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', 0), OK);
    try {
      await r.call('DEL', 'foo');
      const s = await subscriber(srv);
      // An expire time already in the past: the key is there until something touches it.
      await r.call('SET', 'foo', 1);
      await r.call('PEXPIREAT', 'foo', 1); // in the past: deleted at once as 'del', not 'expired'
      await r.call('SET', 'foo', 1, 'PXAT', Date.now() + 20);
      await new Promise((res) => setTimeout(res, 40));
      assert.equal(await r.call('EXISTS', 'foo'), 0);
      assert.deepEqual(await events(s, r), [['pmessage', '*', '__keyevent@0__:expired', 'foo']]);
      s.close();
    } finally {
      await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', 1);
    }
  });

  test('Keyspace notifications: expired events (background expire)', async () => {
    assert.deepEqual(await r.call('CONFIG', 'SET', 'notify-keyspace-events', 'Ex'), OK);
    await r.call('DEL', 'foo');
    const s = await subscriber(srv);
    await r.call('PSETEX', 'foo', 20, 1);
    // Nobody reads the key: the active expiry cycle reclaims it and fires the event.
    assert.deepEqual(await s.nextPush(), ['pmessage', '*', '__keyevent@0__:expired', 'foo']);
    s.close();
  });

  test('Keyspace notifications: new key test', async () => {
    assert.deepEqual(await r.call('CONFIG', 'SET', 'notify-keyspace-events', 'En'), OK);
    await r.call('DEL', 'foo');
    const s = await subscriber(srv);
    await r.call('SET', 'foo', 'bar');
    // Overwriting an existing key is not a new key.
    await r.call('SET', 'foo', 'baz');
    await r.call('LPUSH', 'l', 'x');
    assert.deepEqual(await events(s, r), [
      ['pmessage', '*', '__keyevent@0__:new', 'foo'],
      ['pmessage', '*', '__keyevent@0__:new', 'l'],
    ]);
    s.close();
  });

  test('Keyspace notifications: key miss events (m) are not in A', async () => {
    assert.deepEqual(await r.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEA'), OK);
    const s = await subscriber(srv);
    await r.call('GET', 'missing');
    assert.deepEqual(await events(s, r), []);
    assert.deepEqual(await r.call('CONFIG', 'SET', 'notify-keyspace-events', 'Km'), OK);
    await r.call('GET', 'missing');
    assert.deepEqual(await events(s, r), [['pmessage', '*', '__keyspace@0__:missing', 'keymiss']]);
    s.close();
  });

  test('Keyspace notifications: events carry the database number', async () => {
    assert.deepEqual(await r.call('CONFIG', 'SET', 'notify-keyspace-events', 'KE$'), OK);
    const s = await subscriber(srv);
    await r.call('SELECT', 9);
    await r.call('SET', 'foo', 'bar');
    await r.call('SELECT', 0);
    assert.deepEqual(await events(s, r), [
      ['pmessage', '*', '__keyspace@9__:foo', 'set'],
      ['pmessage', '*', '__keyevent@9__:set', 'foo'],
    ]);
    s.close();
  });

  test('Keyspace notifications: no class flag, no event (K or E alone publish nothing)', async () => {
    const s = await subscriber(srv);
    for (const flags of ['K', 'E', 'KE', 'A', 'g$lshzxetd']) {
      assert.deepEqual(await r.call('CONFIG', 'SET', 'notify-keyspace-events', flags), OK);
      await r.call('SET', 'foo', 'bar');
      await r.call('DEL', 'foo');
      assert.deepEqual(await events(s, r), [], flags);
    }
    s.close();
  });

  test('Keyspace notifications: test CONFIG GET/SET of event flags', async () => {
    const get = async () => ((await r.call('CONFIG', 'GET', 'notify-keyspace-events')) as string[])[1];
    await r.call('CONFIG', 'SET', 'notify-keyspace-events', 'gKE');
    assert.equal(await get(), 'gKE');
    await r.call('CONFIG', 'SET', 'notify-keyspace-events', '$lshzxeKE');
    assert.equal(await get(), '$lshzxeKE');
    await r.call('CONFIG', 'SET', 'notify-keyspace-events', 'KA');
    assert.equal(await get(), 'AK');
    await r.call('CONFIG', 'SET', 'notify-keyspace-events', 'EA');
    assert.equal(await get(), 'AE');
    await r.call('CONFIG', 'SET', 'notify-keyspace-events', 'tdmnKE');
    assert.equal(await get(), 'tdnKEm');
    // 'n' is printed among the classes. (Redis then hides it behind A, printing "AK" for
    // "AKn" while the flag stays in effect; Cinnabar prints "AnK" so the text keeps it.)
    await r.call('CONFIG', 'SET', 'notify-keyspace-events', 'Kn');
    assert.equal(await get(), 'nK');
    await r.call('CONFIG', 'SET', 'notify-keyspace-events', 'Ag$lshzxetd');
    assert.equal(await get(), 'A');
    await r.call('CONFIG', 'SET', 'notify-keyspace-events', '');
    assert.equal(await get(), '');
    const err = await r.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEQ');
    assert.ok(err instanceof Error);
    assert.equal(err.message, "ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
    assert.equal(await get(), '');
  });
});

// ---- differential: the same scripts against the real redis-server --------------------------

type Cmd = (string | number)[];

/**
 * The events (and replies) each family's commands produce. Keys expire through times in the
 * past (PXAT 1, lazily on access) so that no timing is involved.
 */
const FAMILIES: Record<string, Cmd[]> = {
  strings: [
    ['SET', 's', 'v'],
    ['SET', 's', 'v2', 'XX', 'GET'],
    ['SET', 's', 'v3', 'NX'],
    ['SET', 's2', 'v', 'NX', 'EX', 100],
    ['SET', 's2', 'v', 'KEEPTTL'],
    ['SETNX', 's', 'x'],
    ['SETNX', 's3', 'x'],
    ['SETEX', 's4', 100, 'x'],
    ['PSETEX', 's5', 100000, 'x'],
    ['MSET', 'm1', 'a', 'm2', 'b'],
    ['MSETNX', 'm1', 'a', 'm3', 'b'],
    ['MSETNX', 'm4', 'a', 'm5', 'b'],
    ['APPEND', 's', 'tail'],
    ['APPEND', 'new-append', 'x'],
    ['INCR', 'n'],
    ['INCRBY', 'n', 5],
    ['DECR', 'n'],
    ['DECRBY', 'n', 2],
    ['INCRBYFLOAT', 'f', '1.5'],
    ['INCR', 's'],
    ['SETRANGE', 's', 2, 'XY'],
    ['SETRANGE', 'sr', 0, ''],
    ['SETRANGE', 'sr', 3, 'abc'],
    ['GETSET', 's', 'gs'],
    ['GETDEL', 's'],
    ['GETDEL', 's'],
    ['GETEX', 'm1', 'EX', 100],
    ['GETEX', 'm1', 'PERSIST'],
    ['GETEX', 'm1'],
    ['GETEX', 'm2', 'PXAT', 1],
    ['GETEX', 'missing', 'EX', 10],
    ['GET', 'missing'],
    ['STRLEN', 'm3'],
    ['GETRANGE', 'm3', 0, -1],
  ],
  generic: [
    ['SET', 'a', '1'],
    ['SET', 'b', '2'],
    ['DEL', 'a', 'missing'],
    ['UNLINK', 'b'],
    ['SET', 'a', '1'],
    ['RENAME', 'a', 'c'],
    ['SET', 'd', '4'],
    ['RENAME', 'c', 'd'],
    ['RENAME', 'd', 'd'],
    ['RENAMENX', 'd', 'e'],
    ['SET', 'f', '5'],
    ['RENAMENX', 'e', 'f'],
    ['COPY', 'e', 'g'],
    ['COPY', 'e', 'g'],
    ['COPY', 'e', 'g', 'REPLACE'],
    ['COPY', 'e', 'g', 'DB', 3],
    ['MOVE', 'g', 4],
    ['MOVE', 'missing', 4],
    ['TOUCH', 'e', 'missing'],
    ['EXISTS', 'e'],
    ['TYPE', 'e'],
    ['RPUSH', 'srt', 3, 1, 2],
    ['SORT', 'srt', 'STORE', 'sorted'],
    ['SORT', 'missing', 'STORE', 'sorted'],
    ['SORT', 'missing', 'STORE', 'sorted'],
    ['SELECT', 3],
    ['SET', 'in3', 'x'],
    ['DEL', 'in3'],
    ['SELECT', 0],
    ['FLUSHDB'],
  ],
  expire: [
    ['SET', 'k', 'v'],
    ['EXPIRE', 'k', 100],
    ['PEXPIRE', 'k', 100000],
    ['EXPIREAT', 'k', 4000000000],
    ['PEXPIREAT', 'k', 4000000000000],
    ['EXPIRE', 'k', 100, 'NX'],
    ['EXPIRE', 'k', 100, 'XX'],
    ['EXPIRE', 'k', 50, 'GT'],
    ['EXPIRE', 'k', 50, 'LT'],
    ['PERSIST', 'k'],
    ['PERSIST', 'k'],
    ['EXPIRE', 'missing', 100],
    ['EXPIRE', 'k', -1],
    ['SET', 'k', 'v'],
    ['PEXPIREAT', 'k', 1],
    ['SET', 'k', 'v', 'PXAT', 1],
    ['SET', 'k2', 'v'],
    ['SET', 'k2', 'v', 'EX', 100],
    ['SETEX', 'k3', 100, 'v'],
    ['GETEX', 'k3', 'PX', 1],
    ['SET', 'k4', 'v', 'PX', 1],
    ['DEBUG', 'SLEEP', '0.01'],
    ['GET', 'k4'],
    ['SET', 'k5', 'v', 'PX', 1],
    ['DEBUG', 'SLEEP', '0.01'],
    ['EXISTS', 'k5'],
    ['SET', 'k6', 'v', 'PX', 1],
    ['DEBUG', 'SLEEP', '0.01'],
    ['SET', 'k6', 'again'],
    ['RPUSH', 'l', 'a'],
    ['PEXPIRE', 'l', 1],
    ['DEBUG', 'SLEEP', '0.01'],
    ['LPUSH', 'l', 'b'],
  ],
  lists: [
    ['LPUSH', 'l', 'a', 'b'],
    ['RPUSH', 'l', 'c'],
    ['LPUSHX', 'l', 'x'],
    ['RPUSHX', 'l', 'y'],
    ['LPUSHX', 'missing', 'x'],
    ['RPUSHX', 'missing', 'x'],
    ['LINSERT', 'l', 'BEFORE', 'c', 'z'],
    ['LINSERT', 'l', 'AFTER', 'nope', 'z'],
    ['LSET', 'l', 0, 'first'],
    ['LREM', 'l', 0, 'z'],
    ['LREM', 'l', 0, 'nope'],
    ['LTRIM', 'l', 0, 3],
    ['LTRIM', 'l', 0, -1],
    ['LPOP', 'l'],
    ['RPOP', 'l', 1],
    ['LPOP', 'l', 0],
    ['RPOPLPUSH', 'l', 'l2'],
    ['LMOVE', 'l2', 'l', 'LEFT', 'RIGHT'],
    ['LMOVE', 'l', 'l', 'LEFT', 'RIGHT'],
    ['LMPOP', 2, 'missing', 'l', 'LEFT', 'COUNT', 1],
    ['BLPOP', 'l', 0],
    ['RPUSH', 'l2', 'q'],
    ['BRPOP', 'l', 'l2', 0],
    ['RPUSH', 'l3', 'a', 'b', 'c'],
    ['BLMOVE', 'l3', 'l4', 'RIGHT', 'LEFT', 0],
    ['BRPOPLPUSH', 'l3', 'l4', 0],
    ['BLMPOP', 0, 1, 'l3', 'RIGHT', 'COUNT', 5],
    ['LTRIM', 'l4', 1, 0],
    ['RPUSH', 'l5', 'a'],
    ['LREM', 'l5', 1, 'a'],
    ['RPUSH', 'l6', 'a', 'b'],
    ['RPOP', 'l6', 5],
  ],
  hashes: [
    ['HSET', 'h', 'a', 1, 'b', 2],
    ['HSET', 'h', 'a', 1],
    ['HMSET', 'h', 'c', 3],
    ['HSETNX', 'h', 'a', 9],
    ['HSETNX', 'h', 'd', 4],
    ['HINCRBY', 'h', 'a', 5],
    ['HINCRBYFLOAT', 'h', 'f', '1.5'],
    ['HDEL', 'h', 'nope'],
    ['HDEL', 'h', 'a', 'b'],
    ['HGET', 'h', 'c'],
    ['HGETALL', 'missing'],
    ['HDEL', 'h', 'c', 'd', 'f'],
    ['HSET', 'h2', 'x', 1],
    ['HDEL', 'h2', 'x'],
  ],
  sets: [
    ['SADD', 's', 'a', 'b', 'c'],
    ['SADD', 's', 'a'],
    ['SREM', 's', 'nope'],
    ['SREM', 's', 'a'],
    ['SMOVE', 's', 't', 'b'],
    ['SMOVE', 's', 't', 'nope'],
    ['SMOVE', 's', 't', 'c'],
    // One member at a time, so the popped member is not a random pick.
    ['SADD', 's', 'x'],
    ['SPOP', 's', 0],
    ['SPOP', 's', 1],
    ['SADD', 's', 'x'],
    ['SPOP', 's', 10],
    ['SADD', 's', 'x'],
    ['SPOP', 's'],
    ['SPOP', 's'],
    ['SADD', 'u', 'b', 'q'],
    ['SINTERSTORE', 'dst', 't', 'u'],
    ['SINTERSTORE', 'dst', 't', 'missing'],
    ['SINTERSTORE', 'dst', 't', 'missing'],
    ['SUNIONSTORE', 'dst', 't', 'u'],
    ['SDIFFSTORE', 'dst', 't', 'u'],
    ['SDIFFSTORE', 'dst', 't', 't'],
    ['SREM', 'u', 'b', 'q'],
  ],
  zsets: [
    ['ZADD', 'z', 1, 'a', 2, 'b', 3, 'c', 4, 'd'],
    ['ZADD', 'z', 1, 'a'],
    ['ZADD', 'z', 'XX', 'CH', 5, 'a'],
    ['ZADD', 'z', 'NX', 9, 'a'],
    ['ZINCRBY', 'z', 1, 'b'],
    ['ZREM', 'z', 'nope'],
    ['ZREM', 'z', 'a'],
    ['ZREMRANGEBYSCORE', 'z', 0, 0],
    ['ZREMRANGEBYSCORE', 'z', 3, 3],
    ['ZADD', 'z', 0, 'p', 0, 'q', 0, 'r'],
    ['ZREMRANGEBYLEX', 'z', '[p', '[p'],
    ['ZREMRANGEBYRANK', 'z', 0, 0],
    ['ZPOPMIN', 'z'],
    ['ZPOPMAX', 'z', 0],
    ['ZPOPMAX', 'z', 1],
    ['ZADD', 'y', 1, 'k', 2, 'l'],
    ['ZUNIONSTORE', 'dst', 2, 'y', 'z'],
    ['ZADD', 'v', 7, 'other'],
    ['ZINTERSTORE', 'dst', 2, 'y', 'v'],
    ['ZINTERSTORE', 'dst', 2, 'y', 'v'],
    ['ZDIFFSTORE', 'dst', 1, 'y'],
    ['ZRANGESTORE', 'dst', 'y', 0, 0],
    ['ZRANGESTORE', 'dst', 'y', 5, 6],
    ['ZMPOP', 1, 'y', 'MIN', 'COUNT', 1],
    ['BZPOPMIN', 'y', 0],
    ['ZADD', 'w', 1, 'a'],
    ['ZPOPMIN', 'w', 5],
    ['ZADD', 'w', 1, 'a'],
    ['ZREM', 'w', 'a'],
  ],
};

/** Run a script on a server, collecting replies and the events seen by a __key*__:* subscriber. */
async function record(server: { client(): Promise<RespClient> }, flags: string, cmds: Cmd[]): Promise<{ replies: Reply[]; events: Reply[] }> {
  const c = await server.client();
  await c.call('FLUSHALL');
  await c.call('DEBUG', 'SET-ACTIVE-EXPIRE', 0);
  await c.call('CONFIG', 'SET', 'notify-keyspace-events', flags);
  const s = await server.client();
  await s.call('PSUBSCRIBE', '__key*__:*');
  const replies: Reply[] = [];
  for (const cmd of cmds) {
    const rep = await c.call(...cmd);
    replies.push(rep instanceof Error ? `error: ${rep.message}` : rep);
  }
  await c.call('PUBLISH', '__keyspace@0__:__end__', 'end');
  const got = await drain(s);
  await c.call('DEBUG', 'SET-ACTIVE-EXPIRE', 1);
  await c.call('CONFIG', 'SET', 'notify-keyspace-events', '');
  c.close();
  s.close();
  return { replies, events: got };
}

describe('keyspace events against redis-server 7.0 (oracle)', { skip: !haveRedisServer() && 'redis-server is not installed' }, () => {
  let oracle: Oracle;
  before(async () => {
    oracle = await startOracle(['--enable-debug-command', 'yes']);
  });
  after(async () => {
    await oracle.close();
  });

  for (const [family, cmds] of Object.entries(FAMILIES)) {
    for (const flags of ['KEA', 'KEAmn']) {
      test(`Keyspace notifications: ${family} events match Redis (${flags})`, async () => {
        const want = await record(oracle, flags, cmds);
        const got = await record(srv, flags, cmds);
        for (let i = 0; i < cmds.length; i++) {
          assert.deepEqual(got.replies[i], want.replies[i], `reply of ${(cmds[i] as Cmd).join(' ')}`);
        }
        assert.deepEqual(got.events, want.events);
        // A test of the events needs events: make sure the script produced some.
        assert.ok(want.events.length > 0);
      });
    }
  }

  test('Keyspace notifications: each class letter selects exactly its family', async () => {
    const all = Object.values(FAMILIES).flat();
    for (const flags of ['Kg', 'K$', 'Kl', 'Ks', 'Kh', 'Kz', 'Kx', 'Ke', 'Kt', 'Kd', 'Em', 'En', 'E$lz']) {
      const want = await record(oracle, flags, all);
      const got = await record(srv, flags, all);
      assert.deepEqual(got.events, want.events, flags);
    }
  });
});
