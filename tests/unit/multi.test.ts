/**
 * Wire tests of MULTI EXEC DISCARD WATCH UNWATCH, mirroring Redis 7.0's tests/unit/multi.tcl:
 * queueing and EXECABORT, WATCH made dirty by every kind of modification (writes, deletions,
 * expiry, FLUSHDB/FLUSHALL/SWAPDB, RENAME, MOVE, blocked clients being served), stale keys that
 * must not fail EXEC, the transaction's frozen time, CLIENT REPLY while queueing, and the
 * replies in RESP2 and RESP3.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, OK, startTestServer, type RespClient, type Reply, type TestServer } from '../helpers/server.js';

let srv: TestServer;
let c: RespClient;

before(async () => {
  srv = await startTestServer();
  c = await srv.client();
});

after(async () => {
  await srv.close();
});

const r = (...args: (string | number)[]): Promise<Reply> => c.call(...args);
const sleep = (ms: number): Promise<void> => new Promise((res) => setTimeout(res, ms));
const QUEUED: Reply = { status: 'QUEUED' };
const PONG: Reply = { status: 'PONG' };

/** MULTI, the commands (each must be QUEUED), EXEC: the EXEC reply. */
async function transaction(cl: RespClient, cmds: (string | number)[][]): Promise<Reply> {
  assert.deepEqual(await cl.call('MULTI'), OK);
  for (const cmd of cmds) assert.deepEqual(await cl.call(...cmd), QUEUED, cmd.join(' '));
  return cl.call('EXEC');
}

/** MULTI PING EXEC: ['PONG'] if the watched keys are untouched, null otherwise. */
const multiPing = (cl: RespClient = c): Promise<Reply> => transaction(cl, [['PING']]);

function encode(args: (string | number)[]): string {
  let out = `*${args.length}\r\n`;
  for (const a of args) {
    const s = String(a);
    out += `$${Buffer.byteLength(s, 'latin1')}\r\n${s}\r\n`;
  }
  return out;
}

/** Send the raw commands in one write and compare the exact bytes of all the replies. */
async function assertRaw(cl: RespClient, cmds: (string | number)[][], expected: string): Promise<void> {
  const got = await cl.rawExchange(cmds.map(encode).join(''), expected.length);
  assert.equal(got.toString('latin1'), expected);
}

/** Run `fn` with active expiry off, so that only an access expires a key. */
async function withoutActiveExpire(fn: () => Promise<void>): Promise<void> {
  assert.deepEqual(await r('DEBUG', 'SET-ACTIVE-EXPIRE', 0), OK);
  try {
    await fn();
  } finally {
    await r('DEBUG', 'SET-ACTIVE-EXPIRE', 1);
  }
}

test('MUTLI / EXEC basics', async () => {
  await r('DEL', 'mylist');
  await r('RPUSH', 'mylist', 'a', 'b', 'c');
  assert.deepEqual(await r('MULTI'), OK);
  assert.deepEqual(await r('LRANGE', 'mylist', 0, -1), QUEUED);
  assert.deepEqual(await r('PING'), QUEUED);
  assert.deepEqual(await r('EXEC'), [['a', 'b', 'c'], PONG]);
});

test('DISCARD', async () => {
  await r('DEL', 'mylist');
  await r('RPUSH', 'mylist', 'a', 'b', 'c');
  assert.deepEqual(await r('MULTI'), OK);
  assert.deepEqual(await r('DEL', 'mylist'), QUEUED);
  assert.deepEqual(await r('DISCARD'), OK);
  assert.deepEqual(await r('LRANGE', 'mylist', 0, -1), ['a', 'b', 'c']);
});

test('Nested MULTI are not allowed', async () => {
  assert.deepEqual(await r('MULTI'), OK);
  assertError(await r('MULTI'), 'ERR MULTI calls can not be nested');
  // The refused MULTI does not abort the transaction.
  assert.deepEqual(await r('SET', 'nested', 1), QUEUED);
  assert.deepEqual(await r('EXEC'), [OK]);
});

test('MULTI where commands alter argc/argv', async () => {
  await r('DEL', 'myset');
  await r('SADD', 'myset', 'a');
  assert.deepEqual(await transaction(c, [['SPOP', 'myset']]), ['a']);
  assert.equal(await r('EXISTS', 'myset'), 0);
});

test('WATCH inside MULTI is not allowed', async () => {
  assert.deepEqual(await r('MULTI'), OK);
  assertError(await r('WATCH', 'x'), 'ERR WATCH inside MULTI is not allowed');
  // Nor does it abort the transaction.
  assert.deepEqual(await r('EXEC'), []);
});

test('EXEC fails if there are errors while queueing commands #1', async () => {
  await r('DEL', 'foo1', 'foo2');
  assert.deepEqual(await r('MULTI'), OK);
  assert.deepEqual(await r('SET', 'foo1', 'bar1'), QUEUED);
  assertError(await r('NON-EXISTING-COMMAND'), "ERR unknown command 'NON-EXISTING-COMMAND'*");
  assert.deepEqual(await r('SET', 'foo2', 'bar2'), QUEUED);
  assertError(await r('EXEC'), 'EXECABORT Transaction discarded because of previous errors.');
  assert.equal(await r('EXISTS', 'foo1'), 0);
  assert.equal(await r('EXISTS', 'foo2'), 0);
});

test('EXEC fails if there are errors while queueing commands #2 (wrong arity)', async () => {
  await r('DEL', 'foo1', 'foo2');
  assert.deepEqual(await r('MULTI'), OK);
  assert.deepEqual(await r('SET', 'foo1', 'bar1'), QUEUED);
  assertError(await r('SET', 'foo2'), "ERR wrong number of arguments for 'set' command");
  assertError(await r('CONFIG', 'NOSUCHSUB'), "ERR unknown subcommand 'NOSUCHSUB'*");
  assert.deepEqual(await r('SET', 'foo2', 'bar2'), QUEUED);
  assertError(await r('EXEC'), 'EXECABORT Transaction discarded because of previous errors.');
  assert.equal(await r('EXISTS', 'foo1', 'foo2'), 0);
});

test('If EXEC aborts, the client MULTI state is cleared', async () => {
  await r('DEL', 'foo1', 'foo2');
  assert.deepEqual(await r('MULTI'), OK);
  assert.deepEqual(await r('SET', 'foo1', 'bar1'), QUEUED);
  assertError(await r('NON-EXISTING-COMMAND'), 'ERR unknown command*');
  assert.deepEqual(await r('SET', 'foo2', 'bar2'), QUEUED);
  assertError(await r('EXEC'), 'EXECABORT*');
  assert.deepEqual(await r('PING'), PONG);
  assertError(await r('EXEC'), 'ERR EXEC without MULTI');
});

test('EXEC and DISCARD without MULTI', async () => {
  assertError(await r('EXEC'), 'ERR EXEC without MULTI');
  assertError(await r('DISCARD'), 'ERR DISCARD without MULTI');
});

test('Errors at run time do not stop the transaction', async () => {
  await r('DEL', 'a');
  assert.deepEqual(await r('MULTI'), OK);
  assert.deepEqual(await r('SET', 'a', 1), QUEUED);
  assert.deepEqual(await r('LPUSH', 'a', 'x'), QUEUED);
  assert.deepEqual(await r('INCR', 'a'), QUEUED);
  const res = (await r('EXEC')) as Reply[];
  assert.deepEqual(res[0], OK);
  assertError(res[1] as Reply, 'WRONGTYPE*');
  assert.equal(res[2], 2);
});

test('MULTI with an empty transaction', async () => {
  assert.deepEqual(await transaction(c, []), []);
});

test('MULTI with SELECT: the commands after it, and the client after EXEC, use the new database', async () => {
  await r('SELECT', 0);
  assert.deepEqual(await transaction(c, [['SELECT', 3], ['SET', 'indb3', 'x']]), [OK, OK]);
  assert.equal(await r('GET', 'indb3'), 'x');
  await r('SELECT', 0);
  assert.equal(await r('GET', 'indb3'), null);
});

test('EXEC works on WATCHed key not modified', async () => {
  assert.deepEqual(await r('WATCH', 'x', 'y', 'z'), OK);
  assert.deepEqual(await r('WATCH', 'k'), OK);
  assert.deepEqual(await multiPing(), [PONG]);
});

test('EXEC fail on WATCHed key modified (1 key of 1 watched)', async () => {
  await r('SET', 'x', 30);
  await r('WATCH', 'x');
  await r('SET', 'x', 40);
  assert.equal(await multiPing(), null);
});

test('EXEC fail on WATCHed key modified (1 key of 5 watched)', async () => {
  await r('SET', 'x', 30);
  await r('WATCH', 'a', 'b', 'x', 'k', 'z');
  await r('SET', 'x', 40);
  assert.equal(await multiPing(), null);
});

test('EXEC fail on WATCHed key modified by SORT with STORE even if the result is empty', async () => {
  await r('FLUSHDB');
  await r('LPUSH', 'foo', 'bar');
  await r('WATCH', 'foo');
  assert.equal(await r('SORT', 'emptylist', 'STORE', 'foo'), 0);
  assert.equal(await multiPing(), null);
});

test('EXEC fail on lazy expired WATCHed key', async () => {
  await r('FLUSHALL');
  await withoutActiveExpire(async () => {
    await r('SET', 'key', 1, 'PX', 2);
    await r('WATCH', 'key');
    await sleep(20);
    assert.equal(await transaction(c, [['INCR', 'key']]), null);
  });
});

test('WATCH stale keys should not fail EXEC', async () => {
  await r('DEL', 'x');
  await withoutActiveExpire(async () => {
    await r('SET', 'x', 'foo', 'PX', 1);
    await sleep(5);
    await r('WATCH', 'x');
    assert.deepEqual(await multiPing(), [PONG]);
  });
});

test('Delete WATCHed stale keys should not fail EXEC', async () => {
  await r('DEL', 'x');
  await withoutActiveExpire(async () => {
    await r('SET', 'x', 'foo', 'PX', 1);
    await sleep(5);
    await r('WATCH', 'x');
    // EXISTS triggers lazy expiry: the key goes, but logically nothing changed.
    assert.equal(await r('EXISTS', 'x'), 0);
    assert.deepEqual(await multiPing(), [PONG]);
  });
});

test('A WATCHed stale key that is deleted and then created again fails EXEC', async () => {
  await r('DEL', 'x');
  await withoutActiveExpire(async () => {
    await r('SET', 'x', 'foo', 'PX', 1);
    await sleep(5);
    await r('WATCH', 'x');
    assert.equal(await r('EXISTS', 'x'), 0);
    await r('SET', 'x', 'new');
    assert.equal(await multiPing(), null);
  });
});

test('FLUSHDB while watching stale keys should not fail EXEC', async () => {
  await r('DEL', 'x');
  await withoutActiveExpire(async () => {
    await r('SET', 'x', 'foo', 'PX', 1);
    await sleep(5);
    await r('WATCH', 'x');
    await r('FLUSHDB');
    assert.deepEqual(await multiPing(), [PONG]);
  });
});

test('After successful EXEC key is no longer watched', async () => {
  await r('SET', 'x', 30);
  await r('WATCH', 'x');
  assert.deepEqual(await multiPing(), [PONG]);
  await r('SET', 'x', 40);
  assert.deepEqual(await multiPing(), [PONG]);
});

test('After failed EXEC key is no longer watched', async () => {
  await r('SET', 'x', 30);
  await r('WATCH', 'x');
  await r('SET', 'x', 40);
  assert.equal(await multiPing(), null);
  await r('SET', 'x', 40);
  assert.deepEqual(await multiPing(), [PONG]);
});

test('It is possible to UNWATCH', async () => {
  await r('SET', 'x', 30);
  await r('WATCH', 'x');
  await r('SET', 'x', 40);
  assert.deepEqual(await r('UNWATCH'), OK);
  assert.deepEqual(await multiPing(), [PONG]);
});

test('UNWATCH when there is nothing watched works as expected', async () => {
  assert.deepEqual(await r('UNWATCH'), OK);
});

test('FLUSHALL is able to touch the watched keys', async () => {
  await r('SET', 'x', 30);
  await r('WATCH', 'x');
  await r('FLUSHALL');
  assert.equal(await multiPing(), null);
});

test('FLUSHALL does not touch non affected keys', async () => {
  await r('DEL', 'x');
  await r('WATCH', 'x');
  await r('FLUSHALL');
  assert.deepEqual(await multiPing(), [PONG]);
});

test('FLUSHDB is able to touch the watched keys', async () => {
  await r('SET', 'x', 30);
  await r('WATCH', 'x');
  await r('FLUSHDB');
  assert.equal(await multiPing(), null);
});

test('FLUSHDB does not touch non affected keys', async () => {
  await r('DEL', 'x');
  await r('WATCH', 'x');
  await r('FLUSHDB');
  assert.deepEqual(await multiPing(), [PONG]);
});

test('SWAPDB is able to touch the watched keys that exist', async () => {
  await r('FLUSHALL');
  await r('SELECT', 0);
  await r('SET', 'x', 30);
  await r('WATCH', 'x'); // SWAPDB will "delete" it
  await r('SWAPDB', 0, 1);
  assert.equal(await multiPing(), null);
});

test('SWAPDB is able to touch the watched keys that do not exist', async () => {
  await r('FLUSHALL');
  await r('SELECT', 1);
  await r('SET', 'x', 30);
  await r('SELECT', 0);
  await r('WATCH', 'x'); // SWAPDB will create it
  await r('SWAPDB', 0, 1);
  assert.equal(await multiPing(), null);
});

test('SWAPDB does not touch watched stale keys', async () => {
  await r('FLUSHALL');
  await withoutActiveExpire(async () => {
    await r('SELECT', 1);
    await r('SET', 'x', 'foo', 'PX', 1);
    await sleep(5);
    await r('WATCH', 'x');
    await r('SWAPDB', 0, 1); // an expired key replaced with no key: no change
    assert.deepEqual(await multiPing(), [PONG]);
  });
  await r('SELECT', 0);
});

test('SWAPDB does not touch non-existing key replaced with stale key', async () => {
  await r('FLUSHALL');
  await withoutActiveExpire(async () => {
    await r('SELECT', 0);
    await r('SET', 'x', 'foo', 'PX', 1);
    await sleep(5);
    await r('SELECT', 1);
    await r('WATCH', 'x');
    await r('SWAPDB', 0, 1); // no key replaced with an expired key: no change
    assert.deepEqual(await multiPing(), [PONG]);
  });
  await r('SELECT', 0);
});

test('SWAPDB does not touch stale key replaced with another stale key', async () => {
  await r('FLUSHALL');
  await withoutActiveExpire(async () => {
    await r('SELECT', 1);
    await r('SET', 'x', 'foo', 'PX', 1);
    await r('SELECT', 0);
    await r('SET', 'x', 'bar', 'PX', 1);
    await sleep(5);
    await r('SELECT', 1);
    await r('WATCH', 'x');
    await r('SWAPDB', 0, 1); // an expired key replaced with another expired key: no change
    assert.deepEqual(await multiPing(), [PONG]);
  });
  await r('SELECT', 0);
});

test('SWAPDB touches a stale watched key replaced with a live one', async () => {
  await r('FLUSHALL');
  await withoutActiveExpire(async () => {
    await r('SELECT', 1);
    await r('SET', 'x', 'foo', 'PX', 1);
    await r('SELECT', 0);
    await r('SET', 'x', 'bar');
    await sleep(5);
    await r('SELECT', 1);
    await r('WATCH', 'x');
    await r('SWAPDB', 0, 1);
    assert.equal(await multiPing(), null);
  });
  await r('SELECT', 0);
});

test('WATCH is able to remember the DB a key belongs to', async () => {
  await r('SELECT', 5);
  await r('SET', 'x', 30);
  await r('WATCH', 'x');
  await r('SELECT', 1);
  await r('SET', 'x', 10);
  await r('SELECT', 5);
  assert.deepEqual(await multiPing(), [PONG]);
  await r('SELECT', 0);
});

test('WATCH will consider touched keys target of EXPIRE', async () => {
  await r('DEL', 'x');
  await r('SET', 'x', 'foo');
  await r('WATCH', 'x');
  await r('EXPIRE', 'x', 10);
  assert.equal(await multiPing(), null);
});

test('WATCH will consider touched expired keys', async () => {
  await r('FLUSHALL');
  await r('DEL', 'x');
  await r('SET', 'x', 'foo');
  await r('PEXPIRE', 'x', 20);
  await r('WATCH', 'x');
  // Active expiry reclaims it meanwhile (or EXEC finds it expired).
  await sleep(60);
  assert.equal(await multiPing(), null);
});

test('DISCARD should clear the WATCH dirty flag on the client', async () => {
  await r('WATCH', 'x');
  await r('SET', 'x', 10);
  await r('MULTI');
  await r('DISCARD');
  assert.deepEqual(await transaction(c, [['INCR', 'x']]), [11]);
});

test('DISCARD should UNWATCH all the keys', async () => {
  await r('WATCH', 'x');
  await r('SET', 'x', 10);
  await r('MULTI');
  await r('DISCARD');
  await r('SET', 'x', 10);
  assert.deepEqual(await transaction(c, [['INCR', 'x']]), [11]);
});

test('MULTI with config error', async () => {
  await r('MULTI');
  await r('SET', 'foo', 'bar');
  await r('CONFIG', 'SET', 'maxmemory', 'bla');
  const res = (await r('EXEC')) as Reply[];
  assert.deepEqual(res[0], OK);
  assertError(res[1] as Reply, "ERR CONFIG SET failed (possibly related to argument 'maxmemory')*");
});

test('Flushall while watching several keys by one client', async () => {
  await r('FLUSHALL');
  await r('MSET', 'a', 'a', 'b', 'b');
  await r('WATCH', 'b', 'a');
  await r('FLUSHALL');
  assert.deepEqual(await r('PING'), PONG);
  assert.equal(await multiPing(), null);
});

test('Blocking commands ignores the timeout', async () => {
  await r('DEL', 'empty_list', 'empty_list1', 'empty_list2');
  const res = await transaction(c, [
    ['BLPOP', 'empty_list', 0],
    ['BRPOP', 'empty_list', 0],
    ['BRPOPLPUSH', 'empty_list1', 'empty_list2', 0],
    ['BLMOVE', 'empty_list1', 'empty_list2', 'LEFT', 'LEFT', 0],
    ['BLMPOP', 0, 1, 'empty_list', 'LEFT'],
  ]);
  assert.deepEqual(res, [null, null, null, null, null]);
});

/**
 * The commands that must dirty a WATCHed key (each runs from another client after WATCH), and
 * some that must not: a write that changes nothing signals nothing, as in Redis.
 */
const TOUCHES: { setup: (string | number)[][]; cmd: (string | number)[]; dirty: boolean }[] = [
  { setup: [['SET', 'w', 1]], cmd: ['SET', 'w', 1], dirty: true },
  { setup: [['SET', 'w', 1]], cmd: ['DEL', 'w'], dirty: true },
  { setup: [], cmd: ['DEL', 'w'], dirty: false },
  { setup: [['SET', 'w', 1]], cmd: ['UNLINK', 'w'], dirty: true },
  { setup: [['SET', 'w', 1]], cmd: ['INCR', 'w'], dirty: true },
  { setup: [['SET', 'w', 1]], cmd: ['APPEND', 'w', 'x'], dirty: true },
  { setup: [['SET', 'w', 1]], cmd: ['RENAME', 'w', 'w2'], dirty: true },
  { setup: [['SET', 'w2', 1]], cmd: ['RENAME', 'w2', 'w'], dirty: true },
  { setup: [['SET', 'w2', 1]], cmd: ['COPY', 'w2', 'w'], dirty: true },
  { setup: [['SET', 'w', 1]], cmd: ['MOVE', 'w', 7], dirty: true },
  { setup: [['SET', 'w', 1]], cmd: ['EXPIRE', 'w', 100], dirty: true },
  { setup: [['SET', 'w', 1]], cmd: ['PEXPIREAT', 'w', 1], dirty: true },
  { setup: [['SET', 'w', 1, 'EX', 100]], cmd: ['PERSIST', 'w'], dirty: true },
  { setup: [['SET', 'w', 1]], cmd: ['PERSIST', 'w'], dirty: false },
  { setup: [['SET', 'w', 1]], cmd: ['EXPIRE', 'missing', 100], dirty: false },
  { setup: [['SET', 'w', 1]], cmd: ['GETDEL', 'w'], dirty: true },
  { setup: [['SET', 'w', 1]], cmd: ['GETEX', 'w', 'EX', 100], dirty: true },
  { setup: [['SET', 'w', 1]], cmd: ['GET', 'w'], dirty: false },
  { setup: [], cmd: ['LPUSH', 'w', 'a'], dirty: true },
  { setup: [['RPUSH', 'w', 'a', 'b']], cmd: ['LPOP', 'w'], dirty: true },
  { setup: [['RPUSH', 'w', 'a', 'b']], cmd: ['LSET', 'w', 0, 'a'], dirty: true },
  { setup: [['RPUSH', 'w', 'a', 'b']], cmd: ['LINSERT', 'w', 'BEFORE', 'a', 'z'], dirty: true },
  { setup: [['RPUSH', 'w', 'a', 'b']], cmd: ['LINSERT', 'w', 'BEFORE', 'nope', 'z'], dirty: false },
  { setup: [['RPUSH', 'w', 'a', 'b']], cmd: ['LREM', 'w', 0, 'a'], dirty: true },
  { setup: [['RPUSH', 'w', 'a', 'b']], cmd: ['LREM', 'w', 0, 'nope'], dirty: false },
  { setup: [['RPUSH', 'w', 'a', 'b']], cmd: ['LTRIM', 'w', 0, -1], dirty: true },
  { setup: [['RPUSH', 'w', 'a', 'b']], cmd: ['RPOPLPUSH', 'w', 'other'], dirty: true },
  { setup: [['RPUSH', 'other', 'a']], cmd: ['LMOVE', 'other', 'w', 'LEFT', 'LEFT'], dirty: true },
  { setup: [['RPUSH', 'w', 'a']], cmd: ['LMPOP', 1, 'w', 'LEFT'], dirty: true },
  { setup: [['SADD', 'w', 'a']], cmd: ['SADD', 'w', 'a'], dirty: false },
  { setup: [['SADD', 'w', 'a']], cmd: ['SADD', 'w', 'b'], dirty: true },
  { setup: [['SADD', 'w', 'a']], cmd: ['SREM', 'w', 'nope'], dirty: false },
  { setup: [['HSET', 'w', 'f', 'v']], cmd: ['HSET', 'w', 'f', 'v'], dirty: true },
  { setup: [['HSET', 'w', 'f', 'v']], cmd: ['HDEL', 'w', 'nope'], dirty: false },
  { setup: [['ZADD', 'w', 1, 'a']], cmd: ['ZADD', 'w', 1, 'a'], dirty: false },
  { setup: [['ZADD', 'w', 1, 'a']], cmd: ['ZINCRBY', 'w', 1, 'a'], dirty: true },
  { setup: [['SADD', 's1', 'a']], cmd: ['SUNIONSTORE', 'w', 's1'], dirty: true },
  { setup: [], cmd: ['SORT', 'missing', 'STORE', 'w'], dirty: false },
];

for (const { setup, cmd, dirty } of TOUCHES) {
  test(`WATCH ${dirty ? 'is' : 'is not'} dirtied by ${cmd.join(' ')}${setup.length ? ` (after ${setup.map((s) => s[0]).join(', ')})` : ''}`, async () => {
    await r('FLUSHALL');
    for (const s of setup) await r(...s);
    const other = await srv.client();
    await r('WATCH', 'w');
    const rep = await other.call(...cmd);
    assert.ok(!(rep instanceof Error), `${cmd.join(' ')}: ${String(rep)}`);
    assert.deepEqual(await multiPing(), dirty ? null : [PONG]);
    other.close();
  });
}

test('A WATCHed key dirtied by the watching client itself fails EXEC too', async () => {
  await r('SET', 'self', 1);
  await r('WATCH', 'self');
  await r('INCR', 'self');
  assert.equal(await transaction(c, [['GET', 'self']]), null);
  assert.equal(await r('GET', 'self'), '2');
});

test('EXEC is aborted in RESP2 with a null array and in RESP3 with a null', async () => {
  const cl = await srv.client();
  await r('SET', 'x', 1);
  await cl.call('WATCH', 'x');
  await r('SET', 'x', 2);
  await assertRaw(cl, [['MULTI'], ['PING'], ['EXEC']], '+OK\r\n+QUEUED\r\n*-1\r\n');
  await cl.rawExchange(encode(['HELLO', 3]), 1, 200);
  await cl.call('WATCH', 'x');
  await r('SET', 'x', 3);
  await assertRaw(cl, [['MULTI'], ['PING'], ['EXEC']], '+OK\r\n+QUEUED\r\n_\r\n');
  cl.close();
});

test('MULTI / EXEC with RESP3: every reply keeps its RESP3 type inside the array', async () => {
  const cl = await srv.client();
  await cl.rawExchange(encode(['HELLO', 3]), 1, 200);
  await r('DEL', 'h3', 'z3', 'missing');
  await r('HSET', 'h3', 'f', 'v');
  await r('ZADD', 'z3', '1.5', 'm');
  await assertRaw(
    cl,
    [['MULTI'], ['HGETALL', 'h3'], ['ZSCORE', 'z3', 'm'], ['GET', 'missing'], ['SISMEMBER', 'nos', 'x'], ['EXEC']],
    '+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n*4\r\n%1\r\n$1\r\nf\r\n$1\r\nv\r\n,1.5\r\n_\r\n:0\r\n',
  );
  cl.close();
});

test('Commands inside EXEC see the time EXEC started (DEBUG SLEEP does not expire keys meanwhile)', async () => {
  await r('DEL', 't');
  const res = await transaction(c, [
    ['SET', 't', 'v', 'PX', 100],
    ['DEBUG', 'SLEEP', '0.2'],
    ['GET', 't'],
    ['EXISTS', 't'],
  ]);
  assert.deepEqual(res, [OK, OK, 'v', 1]);
  // Once EXEC is over, the key has expired.
  assert.equal(await r('GET', 't'), null);
});

test('MULTI state in CLIENT LIST: flags=x and multi=<queued>', async () => {
  const cl = await srv.client();
  const id = (await cl.call('CLIENT', 'ID')) as number;
  await cl.call('MULTI');
  await cl.call('SET', 'a', 1);
  await cl.call('SET', 'b', 2);
  const line = (await r('CLIENT', 'LIST', 'ID', id)) as string;
  assert.match(line, / flags=x /);
  assert.match(line, / multi=2 /);
  await cl.call('DISCARD');
  assert.match((await r('CLIENT', 'LIST', 'ID', id)) as string, / flags=N .* multi=-1 /);
  cl.close();
});

test('QUEUED is not sent under CLIENT REPLY OFF', async () => {
  const cl = await srv.client();
  await r('DEL', 'n');
  // OFF: nothing at all until CLIENT REPLY ON answers +OK.
  await assertRaw(cl, [['CLIENT', 'REPLY', 'OFF'], ['MULTI'], ['INCR', 'n'], ['EXEC'], ['CLIENT', 'REPLY', 'ON']], '+OK\r\n');
  assert.equal(await r('GET', 'n'), '1');
  // SKIP drops the reply of MULTI only.
  await assertRaw(cl, [['CLIENT', 'REPLY', 'SKIP'], ['MULTI'], ['INCR', 'n'], ['EXEC']], '+QUEUED\r\n*1\r\n:2\r\n');
  cl.close();
});

test('A refused command under CLIENT REPLY OFF still aborts the transaction', async () => {
  const cl = await srv.client();
  await r('DEL', 'n');
  // (CLIENT REPLY ON inside MULTI would be queued: turn replies on after EXEC.)
  await assertRaw(cl, [['CLIENT', 'REPLY', 'OFF'], ['MULTI'], ['INCR', 'n'], ['NOSUCHCMD'], ['EXEC'], ['CLIENT', 'REPLY', 'ON']], '+OK\r\n');
  assert.equal(await r('GET', 'n'), null);
  assertError(await cl.call('EXEC'), 'ERR EXEC without MULTI');
  cl.close();
});

test('SUBSCRIBE inside MULTI is allowed, SSUBSCRIBE is not (DENY BLOCKING)', async () => {
  const cl = await srv.client();
  const res = (await transaction(cl, [['SUBSCRIBE', 'tx-chan'], ['SSUBSCRIBE', 'tx-shard']])) as Reply[];
  assert.deepEqual(res[0], ['subscribe', 'tx-chan', 1]);
  assertError(res[1] as Reply, "ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
  assert.deepEqual(await r('PUBSUB', 'SHARDNUMSUB', 'tx-shard'), ['tx-shard', 0]);
  assert.deepEqual(await r('PUBSUB', 'NUMSUB', 'tx-chan'), ['tx-chan', 1]);
  cl.close();
});

test('RESET discards the transaction and the WATCHed keys', async () => {
  const cl = await srv.client();
  await r('SET', 'rk', 1);
  await cl.call('WATCH', 'rk');
  await cl.call('MULTI');
  await cl.call('SET', 'rk', 'in-tx');
  assert.deepEqual(await cl.call('RESET'), { status: 'RESET' });
  assertError(await cl.call('EXEC'), 'ERR EXEC without MULTI');
  await r('SET', 'rk', 2);
  // Not watched any more.
  assert.deepEqual(await multiPing(cl), [PONG]);
  assert.equal(await r('GET', 'rk'), '2');
  cl.close();
});

test('A client that disconnects in MULTI or while watching leaves no trace', async () => {
  const cl = await srv.client();
  await cl.call('WATCH', 'gone');
  await cl.call('MULTI');
  await cl.call('SET', 'gone', 'never');
  cl.close();
  await sleep(20);
  assert.equal(await r('GET', 'gone'), null);
  await r('SET', 'gone', 1);
  assert.deepEqual(await multiPing(), [PONG]);
});
