/**
 * Wire tests of the generic keyspace commands, mirroring Redis's tests/unit/keyspace.tcl (the
 * cases for types Cinnabar has), plus the argument errors and keyspace events of Redis 7.0.15
 * for DEL UNLINK EXISTS TYPE TOUCH RENAME RENAMENX COPY MOVE KEYS RANDOMKEY DBSIZE FLUSHDB
 * FLUSHALL SWAPDB. Like the Tcl suite, most tests run in database 9 and use 10 as the other.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, OK, startTestServer, type TestServer } from '../helpers/server.js';
import { ReplyError, type RespClient, type Reply } from '../helpers/resp-client.js';

const T0 = 1_700_000_000_000;
let now = T0;
let srv: TestServer;
let r: RespClient;

before(async () => {
  srv = await startTestServer({ clock: () => now, 'notify-keyspace-events': 'KEAnm' });
  r = await srv.client();
  assert.deepEqual(await r.call('SELECT', 9), OK);
});

after(async () => {
  await srv.close();
});

const sorted = (v: Reply): Reply => (Array.isArray(v) ? [...(v as string[])].sort() : v);

async function keysIn(c: RespClient, db: number): Promise<Reply> {
  await c.call('SELECT', db);
  const k = await c.call('KEYS', '*');
  await c.call('SELECT', 9);
  return sorted(k);
}

test('DEL against a single item', async () => {
  await r.call('SET', 'x', 'foo');
  assert.equal(await r.call('GET', 'x'), 'foo');
  assert.equal(await r.call('DEL', 'x'), 1);
  assert.equal(await r.call('GET', 'x'), null);
});

test('Vararg DEL', async () => {
  await r.call('SET', 'foo1{t}', 'a');
  await r.call('SET', 'foo2{t}', 'b');
  await r.call('SET', 'foo3{t}', 'c');
  assert.equal(await r.call('DEL', 'foo1{t}', 'foo2{t}', 'foo3{t}', 'foo4{t}'), 3);
  assert.deepEqual(await r.call('MGET', 'foo1{t}', 'foo2{t}', 'foo3{t}'), [null, null, null]);
});

test('Untagged multi-key commands', async () => {
  await r.call('MSET', 'foo1', 'a', 'foo2', 'b', 'foo3', 'c');
  assert.deepEqual(await r.call('MGET', 'foo1', 'foo2', 'foo3', 'foo4'), ['a', 'b', 'c', null]);
  assert.equal(await r.call('DEL', 'foo1', 'foo2', 'foo3', 'foo4'), 3);
});

test('KEYS with pattern', async () => {
  for (const k of ['key_x', 'key_y', 'key_z', 'foo_a', 'foo_b', 'foo_c']) await r.call('SET', k, 'hello');
  assert.deepEqual(sorted(await r.call('KEYS', 'foo*')), ['foo_a', 'foo_b', 'foo_c']);
});

test('KEYS to get all keys', async () => {
  assert.deepEqual(sorted(await r.call('KEYS', '*')), ['foo_a', 'foo_b', 'foo_c', 'key_x', 'key_y', 'key_z']);
});

test('DBSIZE', async () => {
  assert.equal(await r.call('DBSIZE'), 6);
});

test('KEYS with hashtag', async () => {
  for (const k of ['{a}x', '{a}y', '{a}z', '{b}a', '{b}b', '{b}c']) await r.call('SET', k, 'hello');
  assert.deepEqual(sorted(await r.call('KEYS', '{a}*')), ['{a}x', '{a}y', '{a}z']);
  assert.deepEqual(sorted(await r.call('KEYS', '*{b}*')), ['{b}a', '{b}b', '{b}c']);
});

test('DEL all keys', async () => {
  for (const k of (await r.call('KEYS', '*')) as string[]) await r.call('DEL', k);
  assert.equal(await r.call('DBSIZE'), 0);
});

test('DEL against expired key', async () => {
  assert.deepEqual(await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', 0), OK);
  await r.call('SETEX', 'keyExpire', 1, 'valExpire');
  now += 1100;
  assert.equal(await r.call('DEL', 'keyExpire'), 0);
  assert.deepEqual(await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', 1), OK);
});

test('EXISTS', async () => {
  await r.call('SET', 'newkey', 'test');
  assert.equal(await r.call('EXISTS', 'newkey'), 1);
  await r.call('DEL', 'newkey');
  assert.equal(await r.call('EXISTS', 'newkey'), 0);
});

test('EXISTS counts a key named twice twice', async () => {
  await r.call('SET', 'twice', 'v');
  assert.equal(await r.call('EXISTS', 'twice', 'twice', 'nokey'), 2);
  await r.call('DEL', 'twice');
});

test('Zero length value in key. SET/GET/EXISTS', async () => {
  await r.call('SET', 'emptykey', '');
  assert.equal(await r.call('GET', 'emptykey'), '');
  assert.equal(await r.call('EXISTS', 'emptykey'), 1);
  await r.call('DEL', 'emptykey');
  assert.equal(await r.call('EXISTS', 'emptykey'), 0);
});

test('Commands pipelining', async () => {
  const replies = await r.pipeline([['SET', 'k1', 'xyzk'], ['GET', 'k1'], ['PING']]);
  assert.deepEqual(replies, [OK, 'xyzk', { status: 'PONG' }]);
});

test('Non existing command', async () => {
  assertError(await r.call('foobaredcommand'), 'ERR*');
});

test('RENAME basic usage', async () => {
  await r.call('SET', 'mykey{t}', 'hello');
  assert.deepEqual(await r.call('RENAME', 'mykey{t}', 'mykey1{t}'), OK);
  assert.deepEqual(await r.call('RENAME', 'mykey1{t}', 'mykey2{t}'), OK);
  assert.equal(await r.call('GET', 'mykey2{t}'), 'hello');
});

test('RENAME source key should no longer exist', async () => {
  assert.equal(await r.call('EXISTS', 'mykey'), 0);
});

test('RENAME against already existing key', async () => {
  await r.call('SET', 'mykey{t}', 'a');
  await r.call('SET', 'mykey2{t}', 'b');
  await r.call('RENAME', 'mykey2{t}', 'mykey{t}');
  assert.equal(await r.call('GET', 'mykey{t}'), 'b');
  assert.equal(await r.call('EXISTS', 'mykey2{t}'), 0);
});

test('RENAMENX basic usage', async () => {
  await r.call('DEL', 'mykey{t}');
  await r.call('DEL', 'mykey2{t}');
  await r.call('SET', 'mykey{t}', 'foobar');
  assert.equal(await r.call('RENAMENX', 'mykey{t}', 'mykey2{t}'), 1);
  assert.equal(await r.call('GET', 'mykey2{t}'), 'foobar');
  assert.equal(await r.call('EXISTS', 'mykey{t}'), 0);
});

test('RENAMENX against already existing key', async () => {
  await r.call('SET', 'mykey{t}', 'foo');
  await r.call('SET', 'mykey2{t}', 'bar');
  assert.equal(await r.call('RENAMENX', 'mykey{t}', 'mykey2{t}'), 0);
});

test('RENAMENX against already existing key (2)', async () => {
  assert.equal(await r.call('GET', 'mykey{t}'), 'foo');
  assert.equal(await r.call('GET', 'mykey2{t}'), 'bar');
});

test('RENAME against non existing source key', async () => {
  assert.deepEqual(await r.call('RENAME', 'nokey{t}', 'foobar{t}'), new ReplyError('ERR no such key'));
  assert.deepEqual(await r.call('RENAMENX', 'nokey{t}', 'foobar{t}'), new ReplyError('ERR no such key'));
});

test('RENAME where source and dest key are the same (existing)', async () => {
  await r.call('SET', 'mykey', 'foo');
  assert.deepEqual(await r.call('RENAME', 'mykey', 'mykey'), OK);
});

test('RENAMENX where source and dest key are the same (existing)', async () => {
  await r.call('SET', 'mykey', 'foo');
  assert.equal(await r.call('RENAMENX', 'mykey', 'mykey'), 0);
});

test('RENAME where source and dest key are the same (non existing)', async () => {
  await r.call('DEL', 'mykey');
  assert.deepEqual(await r.call('RENAME', 'mykey', 'mykey'), new ReplyError('ERR no such key'));
});

test('RENAME with volatile key, should move the TTL as well', async () => {
  await r.call('DEL', 'mykey{t}', 'mykey2{t}');
  await r.call('SET', 'mykey{t}', 'foo');
  await r.call('EXPIRE', 'mykey{t}', 100);
  assert.equal(await r.call('TTL', 'mykey{t}'), 100);
  await r.call('RENAME', 'mykey{t}', 'mykey2{t}');
  assert.equal(await r.call('TTL', 'mykey2{t}'), 100);
  assert.equal(await r.call('PEXPIRETIME', 'mykey2{t}'), now + 100_000);
});

test('RENAME with volatile key, should not inherit TTL of target key', async () => {
  await r.call('DEL', 'mykey{t}', 'mykey2{t}');
  await r.call('SET', 'mykey{t}', 'foo');
  await r.call('SET', 'mykey2{t}', 'bar');
  await r.call('EXPIRE', 'mykey2{t}', 100);
  assert.equal(await r.call('TTL', 'mykey{t}'), -1);
  assert.equal(await r.call('TTL', 'mykey2{t}'), 100);
  await r.call('RENAME', 'mykey{t}', 'mykey2{t}');
  assert.equal(await r.call('TTL', 'mykey2{t}'), -1);
});

test('RENAME of an expired key answers no such key', async () => {
  await r.call('SET', 'gone', 'v', 'PX', 10);
  now += 11;
  assert.deepEqual(await r.call('RENAME', 'gone', 'other'), new ReplyError('ERR no such key'));
  assert.equal(await r.call('EXISTS', 'other'), 0);
});

test('DEL all keys again (DB 0)', async () => {
  for (const k of (await r.call('KEYS', '*')) as string[]) await r.call('DEL', k);
  assert.equal(await r.call('DBSIZE'), 0);
});

test('DEL all keys again (DB 1)', async () => {
  await r.call('SELECT', 10);
  for (const k of (await r.call('KEYS', '*')) as string[]) await r.call('DEL', k);
  const res = await r.call('DBSIZE');
  await r.call('SELECT', 9);
  assert.equal(res, 0);
});

test('COPY basic usage for string', async () => {
  await r.call('SET', 'mykey{t}', 'foobar');
  assert.equal(await r.call('COPY', 'mykey{t}', 'mynewkey{t}'), 1);
  assert.equal(await r.call('GET', 'mynewkey{t}'), 'foobar');
  assert.equal(await r.call('DBSIZE'), 2);
  assert.equal(await r.call('COPY', 'mykey{t}', 'mynewkey{t}', 'DB', 10), 1);
  await r.call('SELECT', 10);
  assert.equal(await r.call('GET', 'mynewkey{t}'), 'foobar');
  assert.equal(await r.call('DBSIZE'), 1);
  await r.call('SELECT', 9);
});

test('COPY for string does not replace an existing key without REPLACE option', async () => {
  await r.call('SET', 'mykey2{t}', 'hello');
  assert.equal(await r.call('COPY', 'mykey2{t}', 'mynewkey{t}', 'DB', 10), 0);
});

test('COPY for string can replace an existing key with REPLACE option', async () => {
  assert.equal(await r.call('COPY', 'mykey2{t}', 'mynewkey{t}', 'DB', 10, 'REPLACE'), 1);
  await r.call('SELECT', 10);
  assert.equal(await r.call('GET', 'mynewkey{t}'), 'hello');
  await r.call('SELECT', 9);
});

test('COPY for string ensures that copied data is independent of copying data', async () => {
  await r.call('SELECT', 10);
  await r.call('FLUSHDB');
  await r.call('SELECT', 9);
  await r.call('SET', 'mykey{t}', 'foobar');
  const res: Reply[] = [];
  await r.call('COPY', 'mykey{t}', 'mynewkey{t}', 'DB', 10);
  await r.call('SELECT', 10);
  res.push(await r.call('GET', 'mynewkey{t}'));
  await r.call('SET', 'mynewkey{t}', 'hoge');
  res.push(await r.call('GET', 'mynewkey{t}'));
  await r.call('SELECT', 9);
  res.push(await r.call('GET', 'mykey{t}'));
  await r.call('SELECT', 10);
  await r.call('FLUSHDB');
  await r.call('SELECT', 9);
  assert.deepEqual(res, ['foobar', 'hoge', 'foobar']);
});

test('COPY for string does not copy data to no-integer DB', async () => {
  await r.call('SET', 'mykey{t}', 'foobar');
  assert.deepEqual(await r.call('COPY', 'mykey{t}', 'mynewkey{t}', 'DB', 'notanumber'), new ReplyError('ERR value is not an integer or out of range'));
});

test('COPY can copy key expire metadata as well', async () => {
  await r.call('SET', 'mykey{t}', 'foobar', 'EX', 100);
  assert.equal(await r.call('COPY', 'mykey{t}', 'mynewkey{t}', 'REPLACE'), 1);
  assert.equal(await r.call('TTL', 'mynewkey{t}'), 100);
  assert.equal(await r.call('PEXPIRETIME', 'mynewkey{t}'), await r.call('PEXPIRETIME', 'mykey{t}'));
  assert.equal(await r.call('GET', 'mynewkey{t}'), 'foobar');
});

test('COPY does not create an expire if it does not exist', async () => {
  await r.call('SET', 'mykey{t}', 'foobar');
  assert.equal(await r.call('TTL', 'mykey{t}'), -1);
  assert.equal(await r.call('COPY', 'mykey{t}', 'mynewkey{t}', 'REPLACE'), 1);
  assert.equal(await r.call('TTL', 'mynewkey{t}'), -1);
  assert.equal(await r.call('GET', 'mynewkey{t}'), 'foobar');
});

test('COPY basic usage for list - quicklist', async () => {
  await r.call('DEL', 'mylist{t}', 'mynewlist{t}');
  const large = 'x'.repeat(500);
  await r.call('LPUSH', 'mylist{t}', 'a', 'b', large, 'c', 'd');
  assert.equal(await r.call('OBJECT', 'ENCODING', 'mylist{t}'), 'quicklist');
  assert.equal(await r.call('COPY', 'mylist{t}', 'mynewlist{t}'), 1);
  assert.equal(await r.call('OBJECT', 'ENCODING', 'mynewlist{t}'), 'quicklist');
  const content = await r.call('LRANGE', 'mylist{t}', 0, -1);
  assert.deepEqual(await r.call('LRANGE', 'mynewlist{t}', 0, -1), content);
  assert.equal(await r.call('OBJECT', 'REFCOUNT', 'mylist{t}'), 1);
  assert.equal(await r.call('OBJECT', 'REFCOUNT', 'mynewlist{t}'), 1);
  // The copy is independent: changing either side leaves the other alone.
  await r.call('RPUSH', 'mylist{t}', 'more');
  await r.call('DEL', 'mylist{t}');
  assert.deepEqual(await r.call('LRANGE', 'mynewlist{t}', 0, -1), content);
});

test('COPY argument errors', async () => {
  await r.call('SET', 'a', '1');
  assert.deepEqual(await r.call('COPY', 'a', 'b', 'DB'), new ReplyError('ERR syntax error'));
  assert.deepEqual(await r.call('COPY', 'a', 'b', 'foo'), new ReplyError('ERR syntax error'));
  assert.deepEqual(await r.call('COPY', 'a', 'b', 'DB', 99), new ReplyError('ERR DB index is out of range'));
  assert.deepEqual(await r.call('COPY', 'a', 'b', 'DB', -1), new ReplyError('ERR DB index is out of range'));
  assert.deepEqual(await r.call('COPY', 'a', 'b', 'DB', 2147483647), new ReplyError('ERR DB index is out of range'));
  assert.deepEqual(await r.call('COPY', 'a', 'b', 'DB', '9223372036854775807'), new ReplyError('ERR value is out of range, value must between -2147483648 and 2147483647'));
  assert.deepEqual(await r.call('COPY', 'a', 'b', 'DB', '9223372036854775808'), new ReplyError('ERR value is not an integer or out of range'));
  assert.deepEqual(await r.call('COPY', 'a', 'a'), new ReplyError('ERR source and destination objects are the same'));
  assert.deepEqual(await r.call('COPY', 'a', 'a', 'DB', 9), new ReplyError('ERR source and destination objects are the same'));
  assert.deepEqual(await r.call('COPY', 'nokey', 'nokey'), new ReplyError('ERR source and destination objects are the same'));
  assert.deepEqual(await r.call('COPY', 'a'), new ReplyError("ERR wrong number of arguments for 'copy' command"));
  assert.equal(await r.call('COPY', 'nokey', 'b'), 0);
  // Options repeat freely and the last DB wins.
  assert.equal(await r.call('COPY', 'a', 'a', 'DB', 9, 'DB', 11, 'REPLACE', 'REPLACE'), 1);
  assert.deepEqual(await keysIn(r, 11), ['a']);
  await r.call('SELECT', 11);
  await r.call('FLUSHDB');
  await r.call('SELECT', 9);
  await r.call('FLUSHDB');
});

test('MOVE basic usage', async () => {
  await r.call('SET', 'mykey', 'foobar');
  assert.equal(await r.call('MOVE', 'mykey', 10), 1);
  const res: Reply[] = [await r.call('EXISTS', 'mykey'), await r.call('DBSIZE')];
  await r.call('SELECT', 10);
  res.push(await r.call('GET', 'mykey'), await r.call('DBSIZE'));
  await r.call('SELECT', 9);
  assert.deepEqual(res, [0, 0, 'foobar', 1]);
});

test('MOVE against key existing in the target DB', async () => {
  await r.call('SET', 'mykey', 'hello');
  assert.equal(await r.call('MOVE', 'mykey', 10), 0);
});

test('MOVE against non-integer DB (#1428)', async () => {
  await r.call('SET', 'mykey', 'hello');
  assert.deepEqual(await r.call('MOVE', 'mykey', 'notanumber'), new ReplyError('ERR value is not an integer or out of range'));
});

test('MOVE argument errors', async () => {
  assert.deepEqual(await r.call('MOVE', 'mykey', 99), new ReplyError('ERR DB index is out of range'));
  assert.deepEqual(await r.call('MOVE', 'mykey', -1), new ReplyError('ERR DB index is out of range'));
  assert.deepEqual(await r.call('MOVE', 'mykey', 2147483648), new ReplyError('ERR value is out of range, value must between -2147483648 and 2147483647'));
  assert.deepEqual(await r.call('MOVE', 'mykey', '-2147483649'), new ReplyError('ERR value is out of range, value must between -2147483648 and 2147483647'));
  assert.deepEqual(await r.call('MOVE', 'mykey', '99999999999999999999'), new ReplyError('ERR value is not an integer or out of range'));
  assert.deepEqual(await r.call('MOVE', 'mykey', 9), new ReplyError('ERR source and destination objects are the same'));
  assert.deepEqual(await r.call('MOVE', 'nokey', 9), new ReplyError('ERR source and destination objects are the same'));
  assert.equal(await r.call('MOVE', 'nokey', 10), 0);
});

test('MOVE can move key expire metadata as well', async () => {
  await r.call('SELECT', 10);
  await r.call('FLUSHDB');
  await r.call('SELECT', 9);
  await r.call('SET', 'mykey', 'foo', 'EX', 100);
  await r.call('MOVE', 'mykey', 10);
  assert.equal(await r.call('TTL', 'mykey'), -2);
  await r.call('SELECT', 10);
  assert.equal(await r.call('TTL', 'mykey'), 100);
  assert.equal(await r.call('GET', 'mykey'), 'foo');
  await r.call('SELECT', 9);
});

test('MOVE does not create an expire if it does not exist', async () => {
  await r.call('SELECT', 10);
  await r.call('FLUSHDB');
  await r.call('SELECT', 9);
  await r.call('SET', 'mykey', 'foo');
  await r.call('MOVE', 'mykey', 10);
  assert.equal(await r.call('TTL', 'mykey'), -2);
  await r.call('SELECT', 10);
  assert.equal(await r.call('TTL', 'mykey'), -1);
  assert.equal(await r.call('GET', 'mykey'), 'foo');
  await r.call('SELECT', 9);
});

test('SET/GET keys in different DBs', async () => {
  await r.call('SET', 'a', 'hello');
  await r.call('SET', 'b', 'world');
  await r.call('SELECT', 10);
  await r.call('SET', 'a', 'foo');
  await r.call('SET', 'b', 'bared');
  await r.call('SELECT', 9);
  const res = [await r.call('GET', 'a'), await r.call('GET', 'b')];
  await r.call('SELECT', 10);
  res.push(await r.call('GET', 'a'), await r.call('GET', 'b'));
  await r.call('SELECT', 9);
  assert.deepEqual(res, ['hello', 'world', 'foo', 'bared']);
});

test('RANDOMKEY', async () => {
  await r.call('FLUSHDB');
  await r.call('SET', 'foo', 'x');
  await r.call('SET', 'bar', 'y');
  const seen = new Set<Reply>();
  for (let i = 0; i < 100; i++) seen.add(await r.call('RANDOMKEY'));
  assert.deepEqual([...seen].sort(), ['bar', 'foo']);
});

test('RANDOMKEY against empty DB', async () => {
  await r.call('FLUSHDB');
  assert.equal(await r.call('RANDOMKEY'), null);
});

test('RANDOMKEY regression 1', async () => {
  await r.call('FLUSHDB');
  await r.call('SET', 'x', 10);
  await r.call('DEL', 'x');
  assert.equal(await r.call('RANDOMKEY'), null);
});

test('RANDOMKEY skips expired keys and reclaims them', async () => {
  await r.call('FLUSHDB');
  await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', 0);
  for (let i = 0; i < 50; i++) await r.call('SET', `exp${i}`, 'v', 'PX', 5);
  await r.call('SET', 'live', 'v');
  now += 6;
  assert.equal(await r.call('RANDOMKEY'), 'live');
  for (let i = 0; i < 20; i++) assert.equal(await r.call('RANDOMKEY'), 'live');
  await r.call('DEL', 'live');
  assert.equal(await r.call('RANDOMKEY'), null);
  assert.equal(await r.call('DBSIZE'), 0);
  await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', 1);
});

test('KEYS * two times with long key, Github issue #1208', async () => {
  await r.call('FLUSHDB');
  await r.call('SET', 'dlskeriewrioeuwqoirueioqwrueoqwrueqw', 'test');
  await r.call('KEYS', '*');
  assert.deepEqual(await r.call('KEYS', '*'), ['dlskeriewrioeuwqoirueioqwrueoqwrueqw']);
});

test('Regression for pattern matching long nested loops', async () => {
  await r.call('FLUSHDB');
  await r.call('SET', 'a'.repeat(40), 1);
  assert.deepEqual(await r.call('KEYS', 'a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b'), []);
});

test('KEYS: a lone * matches the empty key, ** and ? do not', async () => {
  await r.call('FLUSHDB');
  await r.call('SET', '', 'v');
  await r.call('SET', 'z', 'v');
  assert.deepEqual(sorted(await r.call('KEYS', '*')), ['', 'z']);
  assert.deepEqual(await r.call('KEYS', '**'), ['z']);
  assert.deepEqual(await r.call('KEYS', '?'), ['z']);
  assert.deepEqual(await r.call('KEYS', ''), ['']);
});

test('KEYS skips expired keys without deleting them', async () => {
  await r.call('FLUSHDB');
  await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', 0);
  await r.call('SET', 'old', 'v', 'PX', 5);
  await r.call('SET', 'new', 'v');
  now += 6;
  assert.deepEqual(await r.call('KEYS', '*'), ['new']);
  assert.equal(await r.call('DBSIZE'), 2);
  await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', 1);
  await r.call('FLUSHDB');
});

test('KEYS and DBSIZE argument counts', async () => {
  assert.deepEqual(await r.call('KEYS'), new ReplyError("ERR wrong number of arguments for 'keys' command"));
  assert.deepEqual(await r.call('KEYS', 'a', 'b'), new ReplyError("ERR wrong number of arguments for 'keys' command"));
  assert.deepEqual(await r.call('DBSIZE', 'x'), new ReplyError("ERR wrong number of arguments for 'dbsize' command"));
  assert.deepEqual(await r.call('RANDOMKEY', 'x'), new ReplyError("ERR wrong number of arguments for 'randomkey' command"));
});

test('TYPE of each kind of value, and of a missing key', async () => {
  await r.call('SET', 's', 'v');
  await r.call('RPUSH', 'l', 'v');
  assert.deepEqual(await r.call('TYPE', 's'), { status: 'string' });
  assert.deepEqual(await r.call('TYPE', 'l'), { status: 'list' });
  assert.deepEqual(await r.call('TYPE', 'nokey'), { status: 'none' });
  assert.deepEqual(await r.call('TYPE', 'a', 'b'), new ReplyError("ERR wrong number of arguments for 'type' command"));
  await r.call('DEL', 's', 'l');
});

test('TOUCH returns the number of existing keys specified', async () => {
  await r.call('FLUSHDB');
  await r.call('SET', 'key1{t}', 1);
  await r.call('SET', 'key2{t}', 2);
  assert.equal(await r.call('TOUCH', 'key0{t}', 'key1{t}', 'key2{t}', 'key3{t}'), 2);
});

test('UNLINK deletes like DEL', async () => {
  await r.call('MSET', 'u1', 'a', 'u2', 'b');
  await r.call('RPUSH', 'u3', 'x', 'y');
  assert.equal(await r.call('UNLINK', 'u1', 'u2', 'u3', 'u4', 'u1'), 3);
  assert.equal(await r.call('EXISTS', 'u1', 'u2', 'u3'), 0);
});

test('FLUSHDB and FLUSHALL options', async () => {
  await r.call('FLUSHALL');
  for (const cmd of ['FLUSHDB', 'FLUSHALL']) {
    await r.call('SET', 'k', 'v');
    assert.deepEqual(await r.call(cmd, 'x'), new ReplyError('ERR syntax error'));
    assert.deepEqual(await r.call(cmd, 'ASYNC', 'ASYNC'), new ReplyError('ERR syntax error'));
    assert.equal(await r.call('DBSIZE'), 1);
    assert.deepEqual(await r.call(cmd, 'sync'), OK);
    assert.equal(await r.call('DBSIZE'), 0);
    await r.call('SET', 'k', 'v');
    assert.deepEqual(await r.call(cmd, 'ASYNC'), OK);
    assert.equal(await r.call('DBSIZE'), 0);
  }
});

test('FLUSHDB empties only the selected database, FLUSHALL all of them', async () => {
  await r.call('SET', 'in9', 'v');
  await r.call('SELECT', 10);
  await r.call('SET', 'in10', 'v');
  assert.deepEqual(await r.call('FLUSHDB'), OK);
  assert.equal(await r.call('DBSIZE'), 0);
  await r.call('SELECT', 9);
  assert.equal(await r.call('DBSIZE'), 1);
  await r.call('SELECT', 10);
  await r.call('SET', 'in10', 'v');
  assert.deepEqual(await r.call('FLUSHALL'), OK);
  assert.equal(await r.call('DBSIZE'), 0);
  await r.call('SELECT', 9);
  assert.equal(await r.call('DBSIZE'), 0);
});

test('Coverage: basic SWAPDB test and unhappy path', async () => {
  await r.call('FLUSHALL');
  await r.call('SELECT', 0);
  await r.call('SET', 'swapkey', 'v1');
  await r.call('SELECT', 1);
  assert.equal(await r.call('DBSIZE'), 0);
  assert.deepEqual(await r.call('SWAPDB', 0, 1), OK);
  assert.equal(await r.call('DBSIZE'), 1);
  await r.call('SELECT', 0);
  assert.equal(await r.call('DBSIZE'), 0);
  await r.call('FLUSHALL');
  assertError(await r.call('SWAPDB', 44, 55), 'ERR DB index is out of range*');
  assertError(await r.call('SWAPDB', 44, 'a'), 'ERR invalid second DB index*');
  assertError(await r.call('SWAPDB', 'a', 55), 'ERR invalid first DB index*');
  assertError(await r.call('SWAPDB', 'a', 'b'), 'ERR invalid first DB index*');
  assert.deepEqual(await r.call('SWAPDB', 0, 0), OK);
  assert.deepEqual(await r.call('SWAPDB', 4294967296, 0), new ReplyError('ERR invalid first DB index'));
  assert.deepEqual(await r.call('SWAPDB', 0, -1), new ReplyError('ERR DB index is out of range'));
  assert.deepEqual(await r.call('SWAPDB', 0, 16), new ReplyError('ERR DB index is out of range'));
  await r.call('SELECT', 9);
});

test('SWAPDB carries expires and is seen by other clients', async () => {
  const other = await srv.client();
  await r.call('SELECT', 2);
  await r.call('SET', 'vol', 'v', 'EX', 50);
  await other.call('SELECT', 3);
  assert.equal(await other.call('EXISTS', 'vol'), 0);
  assert.deepEqual(await r.call('SWAPDB', 2, 3), OK);
  assert.equal(await other.call('TTL', 'vol'), 50);
  assert.equal(await r.call('EXISTS', 'vol'), 0);
  await r.call('FLUSHALL');
  await r.call('SELECT', 9);
});

test('Coverage: SWAPDB and FLUSHDB', async (t) => {
  await r.call('FLUSHALL');
  await r.call('SELECT', 0);
  await r.call('SET', 'swapkey', 'v1');
  await r.call('SELECT', 1);
  await r.call('SET', 'swapkey1', 'v1');
  await r.call('SWAPDB', 0, 2);
  await r.call('SELECT', 0);
  assert.equal(await r.call('DBSIZE'), 0);
  await r.call('SELECT', 2);
  assert.equal(await r.call('DBSIZE'), 1);
  await r.call('FLUSHDB');
  assert.equal(await r.call('DBSIZE'), 0);
  await r.call('SELECT', 1);
  assert.equal(await r.call('DBSIZE'), 1);
  const info = await r.call('INFO', 'keyspace');
  if (info instanceof ReplyError) {
    t.diagnostic('INFO is not available yet: keyspace section not checked');
  } else {
    const text = String(info);
    assert.match(text, /db1:keys=1,/);
    assert.doesNotMatch(text, /db0:keys=/);
    assert.doesNotMatch(text, /db2:keys=/);
  }
  await r.call('FLUSHALL');
  await r.call('SELECT', 9);
});

/**
 * Keyspace events seen on a subscriber to every keyevent channel while `run` executes.
 * A PUBLISH on a sync channel marks the end: events are delivered in order before it.
 */
async function eventsOf(run: (c: RespClient) => Promise<void>): Promise<string[]> {
  const sub = await srv.client();
  await sub.call('PSUBSCRIBE', '__keyevent@*__:*');
  await sub.call('SUBSCRIBE', 'sync');
  await run(r);
  await r.call('PUBLISH', 'sync', 'done');
  const out: string[] = [];
  for (;;) {
    const m = (await sub.nextPush()) as string[];
    if (m[0] === 'message') break;
    out.push(`${(m[2] as string).replace('__keyevent@', '').replace('__:', ':')} ${m[3]}`);
  }
  sub.close();
  return out;
}

test('Keyspace events of DEL, RENAME, COPY, MOVE and friends', async () => {
  await r.call('FLUSHALL');
  const events = await eventsOf(async (c) => {
    await c.call('SET', 'a', 1);
    await c.call('RENAME', 'a', 'b');
    await c.call('RENAME', 'b', 'b');
    await c.call('RENAMENX', 'b', 'b');
    await c.call('SET', 'c', 1, 'EX', 100);
    await c.call('RENAME', 'c', 'b');
    await c.call('COPY', 'b', 'd');
    await c.call('COPY', 'b', 'd');
    await c.call('COPY', 'b', 'd', 'REPLACE');
    await c.call('COPY', 'b', 'd', 'DB', 1);
    await c.call('MOVE', 'd', 2);
    await c.call('DEL', 'nokey');
    await c.call('UNLINK', 'd');
    await c.call('EXISTS', 'd');
    await c.call('TYPE', 'd');
    await c.call('TOUCH', 'd');
    await c.call('OBJECT', 'ENCODING', 'd');
    await c.call('DEL', 'b');
    await c.call('FLUSHALL');
  });
  assert.deepEqual(events, [
    '9:new a', '9:set a',
    '9:new b', '9:rename_from a', '9:rename_to b',
    '9:new c', '9:set c', '9:expire c',
    '9:new b', '9:rename_from c', '9:rename_to b',
    '9:new d', '9:copy_to d',
    '9:new d', '9:copy_to d',
    '1:new d', '1:copy_to d',
    '2:new d', '9:move_from d', '2:move_to d',
    '9:keymiss d', '9:keymiss d', '9:keymiss d',
    '9:del b',
  ]);
});

test('DEL of an expired key fires expired, not del', async () => {
  await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', 0);
  const events = await eventsOf(async (c) => {
    await c.call('SET', 'y', 1, 'PX', 1);
    now += 2;
    assert.equal(await c.call('DEL', 'y'), 0);
  });
  assert.deepEqual(events, ['9:new y', '9:set y', '9:expire y', '9:expired y']);
  await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', 1);
});
