/**
 * Wire tests of expiry, mirroring Redis's tests/unit/expire.tcl (7.0), with an injected clock
 * in place of the Tcl suite's sleeps: time moves only when a test moves it. Propagation cases
 * (AOF, replicas) are left to those subsystems. Also: EXPIRE's options and errors exactly as
 * Redis 7.0.15 answers them, keyspace events, and the active expiry cycle reclaiming keys no
 * one reads (and DEBUG SET-ACTIVE-EXPIRE 0 stopping it).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { OK, startTestServer, type TestServer } from '../helpers/server.js';
import { ReplyError, type RespClient } from '../helpers/resp-client.js';

const T0 = 1_700_000_000_000;
let now = T0;
let srv: TestServer;
let r: RespClient;

before(async () => {
  srv = await startTestServer({ clock: () => now, hz: 100, 'notify-keyspace-events': 'KEA' });
  r = await srv.client();
  await r.call('SELECT', 9);
});

after(async () => {
  await srv.close();
});

const err = (msg: string) => new ReplyError(msg);

/** Poll (bounded) until `cond` holds; the cron runs on real time, at `hz`. */
async function waitFor(what: string, cond: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (await cond()) return;
    await new Promise((res) => setTimeout(res, 5));
  }
  assert.fail(`timed out waiting for ${what}`);
}

test('EXPIRE - set timeouts multiple times', async () => {
  await r.call('SET', 'x', 'foobar');
  const v1 = await r.call('EXPIRE', 'x', 5);
  const v2 = await r.call('TTL', 'x');
  const v3 = await r.call('EXPIRE', 'x', 10);
  const v4 = await r.call('TTL', 'x');
  await r.call('EXPIRE', 'x', 2);
  assert.deepEqual([v1, v2, v3, v4], [1, 5, 1, 10]);
});

test("EXPIRE - It should be still possible to read 'x'", async () => {
  assert.equal(await r.call('GET', 'x'), 'foobar');
});

test('EXPIRE - After 2.1 seconds the key should no longer be here', async () => {
  now += 2100;
  assert.deepEqual([await r.call('GET', 'x'), await r.call('EXISTS', 'x')], [null, 0]);
});

test('EXPIRE - write on expire should work', async () => {
  await r.call('DEL', 'x');
  await r.call('LPUSH', 'x', 'foo');
  await r.call('EXPIRE', 'x', 1000);
  await r.call('LPUSH', 'x', 'bar');
  assert.deepEqual(await r.call('LRANGE', 'x', 0, -1), ['bar', 'foo']);
});

test('EXPIREAT - Check for EXPIRE alike behavior', async () => {
  await r.call('DEL', 'x');
  await r.call('SET', 'x', 'foo');
  await r.call('EXPIREAT', 'x', Math.floor(now / 1000) + 15);
  // The command time is a whole number of seconds plus `now % 1000` ms.
  assert.equal(await r.call('TTL', 'x'), 15);
});

test('SETEX - Set + Expire combo operation. Check for TTL', async () => {
  await r.call('SETEX', 'x', 12, 'test');
  assert.equal(await r.call('TTL', 'x'), 12);
});

test('SETEX - Check value', async () => {
  assert.equal(await r.call('GET', 'x'), 'test');
});

test('SETEX - Overwrite old key', async () => {
  await r.call('SETEX', 'y', 1, 'foo');
  assert.equal(await r.call('GET', 'y'), 'foo');
});

test('SETEX - Wait for the key to expire', async () => {
  now += 1100;
  assert.equal(await r.call('GET', 'y'), null);
});

test('SETEX - Wrong time parameter', async () => {
  assert.deepEqual(await r.call('SETEX', 'z', -10, 'foo'), err("ERR invalid expire time in 'setex' command"));
});

test('PERSIST can undo an EXPIRE', async () => {
  await r.call('SET', 'x', 'foo');
  await r.call('EXPIRE', 'x', 50);
  assert.deepEqual([await r.call('TTL', 'x'), await r.call('PERSIST', 'x'), await r.call('TTL', 'x'), await r.call('GET', 'x')], [50, 1, -1, 'foo']);
});

test('PERSIST returns 0 against non existing or non volatile keys', async () => {
  await r.call('SET', 'x', 'foo');
  assert.deepEqual([await r.call('PERSIST', 'foo'), await r.call('PERSIST', 'nokeyatall')], [0, 0]);
});

test('EXPIRE precision is now the millisecond', async () => {
  await r.call('DEL', 'x');
  await r.call('SETEX', 'x', 1, 'somevalue');
  now += 999;
  const a = await r.call('GET', 'x');
  now += 2;
  const b = await r.call('GET', 'x');
  assert.deepEqual([a, b], ['somevalue', null]);
});

test('A key exists until the clock is past its expire time', async () => {
  await r.call('SET', 'x', 'v', 'PX', 100);
  now += 100;
  assert.equal(await r.call('PTTL', 'x'), 0);
  assert.equal(await r.call('TTL', 'x'), 0);
  assert.equal(await r.call('GET', 'x'), 'v');
  now += 1;
  assert.equal(await r.call('PTTL', 'x'), -2);
});

test('PSETEX can set sub-second expires', async () => {
  await r.call('DEL', 'x');
  await r.call('PSETEX', 'x', 100, 'somevalue');
  const a = await r.call('GET', 'x');
  now += 101;
  assert.deepEqual([a, await r.call('GET', 'x')], ['somevalue', null]);
});

test('PEXPIRE can set sub-second expires', async () => {
  await r.call('SET', 'x', 'somevalue');
  await r.call('PEXPIRE', 'x', 100);
  const c = await r.call('GET', 'x');
  now += 101;
  assert.deepEqual([c, await r.call('GET', 'x')], ['somevalue', null]);
});

test('PEXPIREAT can set sub-second expires', async () => {
  await r.call('SET', 'x', 'somevalue');
  await r.call('PEXPIREAT', 'x', now + 200);
  const e = await r.call('GET', 'x');
  now += 201;
  assert.deepEqual([e, await r.call('GET', 'x')], ['somevalue', null]);
});

test('TTL returns time to live in seconds', async () => {
  await r.call('DEL', 'x');
  await r.call('SETEX', 'x', 10, 'somevalue');
  assert.equal(await r.call('TTL', 'x'), 10);
  now += 1499;
  assert.equal(await r.call('TTL', 'x'), 9, '8501 ms round to 9 s');
  now += 2;
  assert.equal(await r.call('TTL', 'x'), 8, '8499 ms round to 8 s');
});

test('PTTL returns time to live in milliseconds', async () => {
  await r.call('DEL', 'x');
  await r.call('SETEX', 'x', 1, 'somevalue');
  assert.equal(await r.call('PTTL', 'x'), 1000);
  now += 123;
  assert.equal(await r.call('PTTL', 'x'), 877);
});

test('TTL / PTTL / EXPIRETIME / PEXPIRETIME return -1 if key has no expire', async () => {
  await r.call('DEL', 'x');
  await r.call('SET', 'x', 'hello');
  assert.deepEqual([await r.call('TTL', 'x'), await r.call('PTTL', 'x'), await r.call('EXPIRETIME', 'x'), await r.call('PEXPIRETIME', 'x')], [-1, -1, -1, -1]);
});

test('TTL / PTTL / EXPIRETIME / PEXPIRETIME return -2 if key does not exit', async () => {
  await r.call('DEL', 'x');
  assert.deepEqual([await r.call('TTL', 'x'), await r.call('PTTL', 'x'), await r.call('EXPIRETIME', 'x'), await r.call('PEXPIRETIME', 'x')], [-2, -2, -2, -2]);
});

test('EXPIRETIME returns absolute expiration time in seconds', async () => {
  await r.call('DEL', 'x');
  const abs = Math.floor(now / 1000) + 100;
  await r.call('SET', 'x', 'somevalue', 'EXAT', abs);
  assert.equal(await r.call('EXPIRETIME', 'x'), abs);
});

test('PEXPIRETIME returns absolute expiration time in milliseconds', async () => {
  await r.call('DEL', 'x');
  const abs = now + 100_000;
  await r.call('SET', 'x', 'somevalue', 'PXAT', abs);
  assert.equal(await r.call('PEXPIRETIME', 'x'), abs);
});

test('EXPIRETIME rounds to the nearest second', async () => {
  await r.call('SET', 'x', 'v');
  await r.call('PEXPIREAT', 'x', 4_000_000_000_499);
  assert.equal(await r.call('EXPIRETIME', 'x'), 4_000_000_000);
  await r.call('PEXPIREAT', 'x', 4_000_000_000_500);
  assert.equal(await r.call('EXPIRETIME', 'x'), 4_000_000_001);
});

test('Redis should actively expire keys incrementally', async () => {
  await r.call('FLUSHDB');
  await r.call('PSETEX', 'key1', 500, 'a');
  await r.call('PSETEX', 'key2', 500, 'a');
  await r.call('PSETEX', 'key3', 500, 'a');
  assert.equal(await r.call('DBSIZE'), 3);
  now += 501;
  await waitFor('the keys to expire actively', async () => (await r.call('DBSIZE')) === 0);
});

test('Redis should lazy expire keys', async () => {
  await r.call('FLUSHDB');
  await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', 0);
  await r.call('PSETEX', 'key1{t}', 500, 'a');
  await r.call('PSETEX', 'key2{t}', 500, 'a');
  await r.call('PSETEX', 'key3{t}', 500, 'a');
  const size1 = await r.call('DBSIZE');
  now += 1000;
  const size2 = await r.call('DBSIZE');
  await r.call('MGET', 'key1{t}', 'key2{t}', 'key3{t}');
  const size3 = await r.call('DBSIZE');
  await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', 1);
  assert.deepEqual([size1, size2, size3], [3, 3, 0]);
});

test('EXPIRE should not resurrect keys (issue #1026)', async () => {
  await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', 0);
  await r.call('SET', 'foo', 'bar');
  await r.call('PEXPIRE', 'foo', 500);
  now += 1000;
  assert.equal(await r.call('EXPIRE', 'foo', 10), 0);
  await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', 1);
  assert.equal(await r.call('EXISTS', 'foo'), 0);
});

test('5 keys in, 5 keys out', async () => {
  await r.call('FLUSHDB');
  await r.call('SET', 'a', 'c');
  await r.call('EXPIRE', 'a', 5);
  await r.call('SET', 't', 'c');
  await r.call('SET', 'e', 'c');
  await r.call('SET', 's', 'c');
  await r.call('SET', 'foo', 'b');
  assert.deepEqual(((await r.call('KEYS', '*')) as string[]).sort(), ['a', 'e', 'foo', 's', 't']);
  await r.call('DEL', 'a');
});

test('EXPIRE with empty string as TTL should report an error', async () => {
  await r.call('SET', 'foo', 'bar');
  assert.deepEqual(await r.call('EXPIRE', 'foo', ''), err('ERR value is not an integer or out of range'));
});

test('SET with EX with big integer should report an error', async () => {
  assert.deepEqual(await r.call('SET', 'foo', 'bar', 'EX', '10000000000000000'), err("ERR invalid expire time in 'set' command"));
});

test('SET with EX with smallest integer should report an error', async () => {
  assert.deepEqual(await r.call('SET', 'foo', 'bar', 'EX', '-9999999999999999'), err("ERR invalid expire time in 'set' command"));
});

test('GETEX with big integer should report an error', async () => {
  await r.call('SET', 'foo', 'bar');
  assert.deepEqual(await r.call('GETEX', 'foo', 'EX', '10000000000000000'), err("ERR invalid expire time in 'getex' command"));
});

test('GETEX with smallest integer should report an error', async () => {
  await r.call('SET', 'foo', 'bar');
  assert.deepEqual(await r.call('GETEX', 'foo', 'EX', '-9999999999999999'), err("ERR invalid expire time in 'getex' command"));
});

test('EXPIRE with big integer overflows when converted to milliseconds', async () => {
  await r.call('SET', 'foo', 'bar');
  // when > LLONG_MAX - basetime
  assert.deepEqual(await r.call('EXPIRE', 'foo', '9223370399119966'), err("ERR invalid expire time in 'expire' command"));
  // when > LLONG_MAX / 1000
  assert.deepEqual(await r.call('EXPIRE', 'foo', '9223372036854776'), err("ERR invalid expire time in 'expire' command"));
  assert.deepEqual(await r.call('EXPIRE', 'foo', '10000000000000000'), err("ERR invalid expire time in 'expire' command"));
  assert.deepEqual(await r.call('EXPIRE', 'foo', '18446744073709561'), err("ERR invalid expire time in 'expire' command"));
  assert.equal(await r.call('TTL', 'foo'), -1);
});

test('PEXPIRE with big integer overflow when basetime is added', async () => {
  await r.call('SET', 'foo', 'bar');
  assert.deepEqual(await r.call('PEXPIRE', 'foo', '9223372036854770000'), err("ERR invalid expire time in 'pexpire' command"));
});

test('EXPIRE with big negative integer', async () => {
  await r.call('SET', 'foo', 'bar');
  // when < LLONG_MIN / 1000
  assert.deepEqual(await r.call('EXPIRE', 'foo', '-9223372036854776'), err("ERR invalid expire time in 'expire' command"));
  assert.deepEqual(await r.call('EXPIRE', 'foo', '-9999999999999999'), err("ERR invalid expire time in 'expire' command"));
  assert.equal(await r.call('TTL', 'foo'), -1);
});

test('PEXPIREAT with big integer works', async () => {
  await r.call('SET', 'foo', 'bar');
  assert.equal(await r.call('PEXPIREAT', 'foo', '9223372036854770000'), 1);
  assert.equal(await r.call('PEXPIRETIME', 'foo'), 9223372036854770000n);
});

test('PEXPIREAT with big negative integer works', async () => {
  await r.call('SET', 'foo', 'bar');
  assert.equal(await r.call('PEXPIREAT', 'foo', '-9223372036854770000'), 1);
  assert.equal(await r.call('TTL', 'foo'), -2);
});

test('Expire times at the edges of int64', async () => {
  await r.call('SET', 'foo', 'bar');
  assert.deepEqual(await r.call('EXPIREAT', 'foo', '9223372036854775807'), err("ERR invalid expire time in 'expireat' command"));
  assert.equal(await r.call('EXPIREAT', 'foo', '9223372036854775'), 1);
  assert.deepEqual(await r.call('PEXPIRE', 'foo', '9223372036854775807'), err("ERR invalid expire time in 'pexpire' command"));
  assert.deepEqual(await r.call('EXPIRE', 'foo', '-9223372036854775808'), err("ERR invalid expire time in 'expire' command"));
  assert.equal(await r.call('PEXPIRE', 'foo', '-9223372036854775808'), 1);
  assert.equal(await r.call('EXISTS', 'foo'), 0);
  assert.deepEqual(await r.call('EXPIRE', 'foo', '9223372036854775808'), err('ERR value is not an integer or out of range'));
});

test('SET command will remove expire', async () => {
  await r.call('SET', 'foo', 'bar', 'EX', 100);
  await r.call('SET', 'foo', 'bar');
  assert.equal(await r.call('TTL', 'foo'), -1);
});

test('SET - use KEEPTTL option, TTL should not be removed', async () => {
  await r.call('SET', 'foo', 'bar', 'EX', 100);
  await r.call('SET', 'foo', 'bar', 'KEEPTTL');
  assert.equal(await r.call('TTL', 'foo'), 100);
});

test('GETEX use of PERSIST option should remove TTL', async () => {
  await r.call('SET', 'foo', 'bar', 'EX', 100);
  await r.call('GETEX', 'foo', 'PERSIST');
  assert.equal(await r.call('TTL', 'foo'), -1);
});

test('EXPIRE with NX option on a key with ttl', async () => {
  await r.call('SET', 'foo', 'bar', 'EX', 100);
  assert.equal(await r.call('EXPIRE', 'foo', 200, 'NX'), 0);
  assert.equal(await r.call('TTL', 'foo'), 100);
});

test('EXPIRE with NX option on a key without ttl', async () => {
  await r.call('SET', 'foo', 'bar');
  assert.equal(await r.call('EXPIRE', 'foo', 200, 'NX'), 1);
  assert.equal(await r.call('TTL', 'foo'), 200);
});

test('EXPIRE with XX option on a key with ttl', async () => {
  await r.call('SET', 'foo', 'bar', 'EX', 100);
  assert.equal(await r.call('EXPIRE', 'foo', 200, 'XX'), 1);
  assert.equal(await r.call('TTL', 'foo'), 200);
});

test('EXPIRE with XX option on a key without ttl', async () => {
  await r.call('SET', 'foo', 'bar');
  assert.equal(await r.call('EXPIRE', 'foo', 200, 'XX'), 0);
  assert.equal(await r.call('TTL', 'foo'), -1);
});

test('EXPIRE with GT option on a key with lower ttl', async () => {
  await r.call('SET', 'foo', 'bar', 'EX', 100);
  assert.equal(await r.call('EXPIRE', 'foo', 200, 'GT'), 1);
  assert.equal(await r.call('TTL', 'foo'), 200);
});

test('EXPIRE with GT option on a key with higher ttl', async () => {
  await r.call('SET', 'foo', 'bar', 'EX', 200);
  assert.equal(await r.call('EXPIRE', 'foo', 100, 'GT'), 0);
  assert.equal(await r.call('TTL', 'foo'), 200);
});

test('EXPIRE with GT option on a key without ttl', async () => {
  await r.call('SET', 'foo', 'bar');
  assert.equal(await r.call('EXPIRE', 'foo', 200, 'GT'), 0);
  assert.equal(await r.call('TTL', 'foo'), -1);
});

test('EXPIRE with LT option on a key with higher ttl', async () => {
  await r.call('SET', 'foo', 'bar', 'EX', 100);
  assert.equal(await r.call('EXPIRE', 'foo', 200, 'LT'), 0);
  assert.equal(await r.call('TTL', 'foo'), 100);
});

test('EXPIRE with LT option on a key with lower ttl', async () => {
  await r.call('SET', 'foo', 'bar', 'EX', 200);
  assert.equal(await r.call('EXPIRE', 'foo', 100, 'LT'), 1);
  assert.equal(await r.call('TTL', 'foo'), 100);
});

test('EXPIRE with LT option on a key without ttl', async () => {
  await r.call('SET', 'foo', 'bar');
  assert.equal(await r.call('EXPIRE', 'foo', 100, 'LT'), 1);
  assert.equal(await r.call('TTL', 'foo'), 100);
});

test('EXPIRE with LT and XX option on a key with ttl', async () => {
  await r.call('SET', 'foo', 'bar', 'EX', 200);
  assert.equal(await r.call('EXPIRE', 'foo', 100, 'LT', 'XX'), 1);
  assert.equal(await r.call('TTL', 'foo'), 100);
});

test('EXPIRE with LT and XX option on a key without ttl', async () => {
  await r.call('SET', 'foo', 'bar');
  assert.equal(await r.call('EXPIRE', 'foo', 200, 'LT', 'XX'), 0);
  assert.equal(await r.call('TTL', 'foo'), -1);
});

test('EXPIRE with GT and equal expire time does nothing, LT likewise', async () => {
  await r.call('SET', 'foo', 'bar', 'EX', 100);
  assert.equal(await r.call('EXPIRE', 'foo', 100, 'GT'), 0);
  assert.equal(await r.call('EXPIRE', 'foo', 100, 'LT'), 0);
  assert.equal(await r.call('PEXPIRE', 'foo', 100_001, 'GT'), 1);
  assert.equal(await r.call('PTTL', 'foo'), 100_001);
});

test('EXPIRE with conflicting options: LT GT', async () => {
  assert.deepEqual(await r.call('EXPIRE', 'foo', 200, 'LT', 'GT'), err('ERR GT and LT options at the same time are not compatible'));
});

test('EXPIRE with conflicting options: NX GT', async () => {
  assert.deepEqual(await r.call('EXPIRE', 'foo', 200, 'NX', 'GT'), err('ERR NX and XX, GT or LT options at the same time are not compatible'));
});

test('EXPIRE with conflicting options: NX LT', async () => {
  assert.deepEqual(await r.call('EXPIRE', 'foo', 200, 'NX', 'LT'), err('ERR NX and XX, GT or LT options at the same time are not compatible'));
});

test('EXPIRE with conflicting options: NX XX', async () => {
  assert.deepEqual(await r.call('EXPIRE', 'foo', 200, 'NX', 'XX'), err('ERR NX and XX, GT or LT options at the same time are not compatible'));
});

test('EXPIRE with unsupported options', async () => {
  assert.deepEqual(await r.call('EXPIRE', 'foo', 200, 'AB'), err('ERR Unsupported option AB'));
  assert.deepEqual(await r.call('EXPIRE', 'foo', 200, 'XX', 'AB'), err('ERR Unsupported option AB'));
});

test('EXPIRE options are checked before the time and the key', async () => {
  assert.deepEqual(await r.call('EXPIRE', 'nokey', 'abc', 'ab'), err('ERR Unsupported option ab'));
  assert.deepEqual(await r.call('EXPIRE', 'foo', 'abc', 'NX', 'XX'), err('ERR NX and XX, GT or LT options at the same time are not compatible'));
  assert.deepEqual(await r.call('EXPIRE', 'nokey', 'abc'), err('ERR value is not an integer or out of range'));
  assert.deepEqual(await r.call('PEXPIREAT', 'foo', 1, 'xx', 'XX', 'lt', 'LT'), 1);
  assert.equal(await r.call('EXISTS', 'foo'), 0);
  assert.deepEqual(await r.call('EXPIRE', 'foo', 1, Buffer.from('a\0b')), err('ERR Unsupported option a'));
});

test('EXPIRE with negative expiry', async () => {
  await r.call('SET', 'foo', 'bar', 'EX', 100);
  assert.equal(await r.call('EXPIRE', 'foo', -10, 'LT'), 1);
  assert.equal(await r.call('TTL', 'foo'), -2);
});

test('EXPIRE with negative expiry on a non-valitale key', async () => {
  await r.call('SET', 'foo', 'bar');
  assert.equal(await r.call('EXPIRE', 'foo', -10, 'LT'), 1);
  assert.equal(await r.call('TTL', 'foo'), -2);
});

test('EXPIRE with non-existed key', async () => {
  assert.equal(await r.call('EXPIRE', 'none', 100, 'NX'), 0);
  assert.equal(await r.call('EXPIRE', 'none', 100, 'XX'), 0);
  assert.equal(await r.call('EXPIRE', 'none', 100, 'GT'), 0);
  assert.equal(await r.call('EXPIRE', 'none', 100, 'LT'), 0);
});

test('Expiry commands: argument counts', async () => {
  for (const cmd of ['expire', 'pexpire', 'expireat', 'pexpireat']) {
    assert.deepEqual(await r.call(cmd, 'k'), err(`ERR wrong number of arguments for '${cmd}' command`));
  }
  for (const cmd of ['ttl', 'pttl', 'expiretime', 'pexpiretime', 'persist']) {
    assert.deepEqual(await r.call(cmd, 'a', 'b'), err(`ERR wrong number of arguments for '${cmd}' command`));
  }
});

/** Keyevent notifications published while `run` executes (a sync message ends them). */
async function eventsOf(run: () => Promise<void>): Promise<string[]> {
  const sub = await srv.client();
  await sub.call('PSUBSCRIBE', '__keyevent@9__:*');
  await sub.call('SUBSCRIBE', 'sync');
  await run();
  await r.call('PUBLISH', 'sync', 'done');
  const out: string[] = [];
  for (;;) {
    const m = (await sub.nextPush()) as string[];
    if (m[0] === 'message') break;
    out.push(`${(m[2] as string).slice('__keyevent@9__:'.length)} ${m[3]}`);
  }
  sub.close();
  return out;
}

test('Keyspace events of EXPIRE, PERSIST and expiry', async () => {
  await r.call('FLUSHDB');
  await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', 0);
  const events = await eventsOf(async () => {
    await r.call('SET', 'k', 'v');
    await r.call('EXPIRE', 'k', 100);
    await r.call('EXPIRE', 'k', 200, 'NX');
    await r.call('PERSIST', 'k');
    await r.call('PERSIST', 'k');
    await r.call('PEXPIREAT', 'k', 1);
    await r.call('SET', 'z', 'v');
    await r.call('EXPIRE', 'z', 0);
    await r.call('SET', 'w', 'v', 'PX', 10);
    now += 11;
    await r.call('TTL', 'w');
    await r.call('EXPIRE', 'nokey', 10);
  });
  assert.deepEqual(events, ['set k', 'expire k', 'persist k', 'del k', 'set z', 'del z', 'set w', 'expire w', 'expired w']);
  await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', 1);
});

test('Active expiry reclaims 1000 keys nobody reads', async (t) => {
  await r.call('FLUSHALL');
  const cmds: (string | number)[][] = [];
  for (let i = 0; i < 1000; i++) cmds.push(['SET', `key:${i}`, 'v', 'PX', 1000 + i]);
  for (let i = 0; i < 100; i++) cmds.push(['SET', `keep:${i}`, 'v', 'PX', 100_000]);
  await r.pipeline(cmds);
  assert.equal(await r.call('DBSIZE'), 1100);
  now += 2000;
  await waitFor('active expiry', async () => (await r.call('DBSIZE')) === 100);
  assert.deepEqual(((await r.call('KEYS', 'key:*')) as string[]).length, 0);
  assert.equal(await r.call('PTTL', 'keep:0'), 98_000);
  const info = await r.call('INFO', 'keyspace');
  if (info instanceof ReplyError) t.diagnostic('INFO is not available yet: keyspace section not checked');
  else assert.match(String(info), /db9:keys=100,expires=100,/);
  await r.call('FLUSHALL');
});

test('DEBUG SET-ACTIVE-EXPIRE 0 stops active expiry, 1 resumes it', async () => {
  // A server with a 1 s idle timeout: the cron closing an idle client proves it ran.
  const s2 = await startTestServer({ clock: () => now, hz: 100, timeout: 1 });
  try {
    const c = await s2.client();
    assert.deepEqual(await c.call('DEBUG', 'SET-ACTIVE-EXPIRE', 0), OK);
    const cmds: (string | number)[][] = [];
    for (let i = 0; i < 200; i++) cmds.push(['SET', `key:${i}`, 'v', 'PX', 100]);
    await c.pipeline(cmds);
    const canary = await s2.client();
    assert.deepEqual(await canary.call('PING'), { status: 'PONG' });
    now += 5000;
    await canary.waitClosed();
    // The cron has run with the new time and expired nothing.
    const c2 = await s2.client();
    assert.equal(await c2.call('DBSIZE'), 200);
    // Accepts anything atoi reads: "x" is 0 (off), "2" is on.
    assert.deepEqual(await c2.call('DEBUG', 'set-active-expire', 'x'), OK);
    assert.equal(await c2.call('DBSIZE'), 200);
    assert.deepEqual(await c2.call('DEBUG', 'set-active-expire', '2'), OK);
    await waitFor('active expiry to resume', async () => (await c2.call('DBSIZE')) === 0);
  } finally {
    await s2.close();
  }
});
