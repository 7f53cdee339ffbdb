/**
 * Wire tests of the string commands, mirroring Redis 7.0's tests/unit/type/string.tcl (plus
 * the string cases of expire.tcl: SETEX/PSETEX, SET/GETEX with TTLs), with Cinnabar's
 * additions: exact error strings, keyspace events, dirty counting, RESP3 reply shapes.
 * STRLEN/SETRANGE/GETRANGE/APPEND are in string-range.test.ts. Expected values are what
 * redis-server 7.0.15 answers.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, haveRedisServer, OK, startOracle, startTestServer, type RespClient, type Reply, type TestServer } from '../../helpers/server.js';

let srv: TestServer;
let c: RespClient;
let sub: RespClient;

before(async () => {
  srv = await startTestServer({ 'notify-keyspace-events': 'KEAn' });
  c = await srv.client();
  sub = await srv.client();
  await sub.call('PSUBSCRIBE', '__keyevent@0__:*');
});

after(async () => {
  await srv.close();
});

const r = (...args: (string | number | Buffer)[]): Promise<Reply> => c.call(...args);

/** A deterministic PRNG (mulberry32), so fuzz failures reproduce. */
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

async function ttl(key: string): Promise<number> {
  return (await r('TTL', key)) as number;
}

async function pttl(key: string): Promise<number> {
  return (await r('PTTL', key)) as number;
}

function assertRange(v: number, lo: number, hi: number): void {
  assert.ok(v >= lo && v <= hi, `${v} not in [${lo}, ${hi}]`);
}

/** rdb_changes_since_last_save, i.e. the server's dirty counter. */
async function dirty(): Promise<number> {
  const info = (await r('INFO', 'persistence')) as string;
  const m = /rdb_changes_since_last_save:(\d+)/.exec(info);
  assert.ok(m, 'INFO persistence has rdb_changes_since_last_save');
  return Number(m[1]);
}

/**
 * Keyspace events (class:event key) fired while `fn` runs, in order. A SET of a sentinel key
 * marks the end, so nothing is waited for by time.
 */
async function eventsOf(fn: () => Promise<unknown>): Promise<string[]> {
  // Skip what earlier tests fired, up to a start marker.
  await r('SET', '__events_start__', '1');
  while (!(await nextEvent()).startsWith('set __events_start__'));
  await fn();
  await r('SET', '__events_end__', '1');
  const out: string[] = [];
  for (;;) {
    const e = await nextEvent();
    if (e === 'set __events_end__') break;
    if (!e.endsWith(' __events_end__')) out.push(e);
  }
  return out;
}

async function nextEvent(): Promise<string> {
  const m = (await sub.nextPush()) as Reply[];
  return `${(m[2] as string).replace('__keyevent@0__:', '')} ${m[3] as string}`;
}

// ---- SET / GET ------------------------------------------------------------------------------

test('SET and GET an item', async () => {
  assert.deepEqual(await r('SET', 'x', 'foobar'), OK);
  assert.equal(await r('GET', 'x'), 'foobar');
});

test('SET and GET an empty item', async () => {
  await r('SET', 'x', '');
  assert.equal(await r('GET', 'x'), '');
});

test('Very big payload in GET/SET', async () => {
  const buf = 'abcd'.repeat(1000000);
  await r('SET', 'foo', buf);
  assert.equal(await r('GET', 'foo'), buf);
});

test('Very big payload random access', async () => {
  const rand = rng(1);
  const payload: string[] = [];
  for (let j = 0; j < 100; j++) {
    const size = 1 + Math.floor(rand() * 100000);
    payload.push(`pl-${j}`.repeat(size));
    await r('SET', `bigpayload_${j}`, payload[j] as string);
  }
  for (let j = 0; j < 1000; j++) {
    const index = Math.floor(rand() * 100);
    assert.equal(await r('GET', `bigpayload_${index}`), payload[index]);
  }
  await r('DEL', ...Array.from({ length: 100 }, (_v, j) => `bigpayload_${j}`));
});

test('SET 10000 numeric keys and access all them in reverse order', async () => {
  await r('FLUSHDB');
  const sets: string[][] = [];
  for (let x = 0; x < 10000; x++) sets.push(['SET', String(x), String(x)]);
  const setReplies = await c.pipeline(sets);
  assert.ok(setReplies.every((v) => (v as { status?: string }).status === 'OK'));
  const gets: string[][] = [];
  for (let x = 9999; x >= 0; x--) gets.push(['GET', String(x)]);
  const vals = await c.pipeline(gets);
  for (let i = 0; i < vals.length; i++) assert.equal(vals[i], String(9999 - i));
});

test('DBSIZE should be 10000 now', async () => {
  assert.equal(await r('DBSIZE'), 10000);
  await r('FLUSHDB');
});

test('GET against a non-string key is WRONGTYPE; GET of a missing key is null in RESP2 and RESP3', async () => {
  await r('DEL', 'lst');
  await r('RPUSH', 'lst', 'a');
  assertError(await r('GET', 'lst'), 'WRONGTYPE Operation against a key holding the wrong kind of value');
  const raw2 = await c.rawExchange('*2\r\n$3\r\nGET\r\n$7\r\nmissing\r\n', 5);
  assert.equal(raw2.toString('latin1'), '$-1\r\n');
  const c3 = await srv.client();
  await c3.call('HELLO', '3');
  const raw3 = await c3.rawExchange('*2\r\n$3\r\nGET\r\n$7\r\nmissing\r\n', 3);
  assert.equal(raw3.toString('latin1'), '_\r\n');
});

// ---- SETNX / SETEX / PSETEX -----------------------------------------------------------------

test('SETNX target key missing', async () => {
  await r('DEL', 'novar');
  assert.equal(await r('SETNX', 'novar', 'foobared'), 1);
  assert.equal(await r('GET', 'novar'), 'foobared');
});

test('SETNX target key exists', async () => {
  await r('SET', 'novar', 'foobared');
  assert.equal(await r('SETNX', 'novar', 'blabla'), 0);
  assert.equal(await r('GET', 'novar'), 'foobared');
});

test('SETNX against not-expired volatile key', async () => {
  await r('SET', 'x', '10');
  await r('EXPIRE', 'x', '10000');
  assert.equal(await r('SETNX', 'x', '20'), 0);
  assert.equal(await r('GET', 'x'), '10');
});

test('SETNX against expired volatile key', async () => {
  // The key is kept past its (already elapsed) expire with the active cycle off, so SETNX
  // itself must notice the expiry, as Redis's lookupKeyWrite does.
  await r('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
  try {
    await r('SET', 'x', '10', 'PXAT', '1');
    assert.equal(await r('SETNX', 'x', '20'), 1);
    assert.equal(await r('GET', 'x'), '20');
    assert.equal(await ttl('x'), -1);
  } finally {
    await r('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
  }
});

test('SETEX - Set + Expire combo operation. Check for TTL', async () => {
  await r('SETEX', 'x', '12', 'test');
  assertRange(await ttl('x'), 10, 12);
});

test('SETEX - Check value', async () => {
  assert.equal(await r('GET', 'x'), 'test');
});

test('SETEX - Overwrite old key', async () => {
  await r('SETEX', 'y', '1', 'foo');
  assert.equal(await r('GET', 'y'), 'foo');
});

test('SETEX - Wait for the key to expire', async () => {
  // PSETEX with 1ms instead of SETEX 1s + a 1.1s sleep: same path, a few ms of waiting.
  await r('PSETEX', 'y', '1', 'foo');
  await new Promise((res) => setTimeout(res, 5));
  assert.equal(await r('GET', 'y'), null);
});

test('SETEX - Wrong time parameter', async () => {
  assertError(await r('SETEX', 'z', '-10', 'foo'), "ERR invalid expire time in 'setex' command");
  assertError(await r('SETEX', 'z', '0', 'foo'), "ERR invalid expire time in 'setex' command");
  assertError(await r('SETEX', 'z', 'abc', 'foo'), 'ERR value is not an integer or out of range');
  assertError(await r('SETEX', 'z', '9223372036854775', 'foo'), "ERR invalid expire time in 'setex' command");
  assertError(await r('PSETEX', 'z', '0', 'foo'), "ERR invalid expire time in 'psetex' command");
  assertError(await r('PSETEX', 'z', '-5', 'foo'), "ERR invalid expire time in 'psetex' command");
  assertError(await r('PSETEX', 'z', '9223372036854775807', 'foo'), "ERR invalid expire time in 'psetex' command");
  assert.equal(await r('EXISTS', 'z'), 0);
});

test('PSETEX can set sub-second expires', async () => {
  await r('PSETEX', 'foo', '100000', 'bar');
  assert.equal(await r('GET', 'foo'), 'bar');
  assertRange(await pttl('foo'), 99000, 100000);
});

// ---- GETEX / GETDEL / GETSET ----------------------------------------------------------------

test('GETEX EX option', async () => {
  await r('DEL', 'foo');
  await r('SET', 'foo', 'bar');
  assert.equal(await r('GETEX', 'foo', 'ex', '10'), 'bar');
  assertRange(await ttl('foo'), 5, 10);
});

test('GETEX PX option', async () => {
  await r('DEL', 'foo');
  await r('SET', 'foo', 'bar');
  await r('GETEX', 'foo', 'px', '10000');
  assertRange(await pttl('foo'), 5000, 10000);
});

test('GETEX EXAT option', async () => {
  await r('DEL', 'foo');
  await r('SET', 'foo', 'bar');
  await r('GETEX', 'foo', 'exat', String(Math.floor(Date.now() / 1000) + 10));
  assertRange(await ttl('foo'), 5, 10);
});

test('GETEX PXAT option', async () => {
  await r('DEL', 'foo');
  await r('SET', 'foo', 'bar');
  await r('GETEX', 'foo', 'pxat', String(Date.now() + 10000));
  assertRange(await pttl('foo'), 5000, 10000);
});

test('GETEX PERSIST option', async () => {
  await r('DEL', 'foo');
  await r('SET', 'foo', 'bar', 'ex', '10');
  assertRange(await ttl('foo'), 5, 10);
  assert.equal(await r('GETEX', 'foo', 'persist'), 'bar');
  assert.equal(await ttl('foo'), -1);
});

test('GETEX no option', async () => {
  await r('DEL', 'foo');
  await r('SET', 'foo', 'bar');
  await r('GETEX', 'foo');
  assert.equal(await r('GETEX', 'foo'), 'bar');
});

test('GETEX syntax errors', async () => {
  assertError(await r('GETEX', 'foo', 'non-existent-option'), 'ERR syntax error');
  // SET-only options, conflicting options and a missing time are syntax errors too.
  for (const args of [['nx'], ['xx'], ['get'], ['keepttl'], ['persist', 'ex', '10'], ['ex', '10', 'persist'], ['ex', '10', 'px', '10'], ['ex']]) {
    assertError(await r('GETEX', 'foo', ...args), 'ERR syntax error');
  }
  // Repeating an option is accepted; the last time wins.
  await r('SET', 'foo', 'bar');
  assert.equal(await r('GETEX', 'foo', 'ex', '10', 'ex', '20'), 'bar');
  assertRange(await ttl('foo'), 15, 20);
  assert.equal(await r('GETEX', 'foo', 'persist', 'persist'), 'bar');
});

test('GETEX and GET expired key or not exist', async () => {
  await r('DEL', 'foo');
  await r('SET', 'foo', 'bar', 'pxat', '1');
  assert.equal(await r('GETEX', 'foo'), null);
  assert.equal(await r('GET', 'foo'), null);
});

test('GETEX no arguments', async () => {
  assertError(await r('GETEX'), "ERR wrong number of arguments for 'getex' command");
});

test('GETEX with big integer should report an error', async () => {
  await r('SET', 'foo', 'bar');
  assertError(await r('GETEX', 'foo', 'EX', '10000000000000000'), "ERR invalid expire time in 'getex' command");
  assertError(await r('GETEX', 'foo', 'PX', '9223372036854775807'), "ERR invalid expire time in 'getex' command");
  assertError(await r('GETEX', 'foo', 'EXAT', '9223372036854775807'), "ERR invalid expire time in 'getex' command");
});

test('GETEX with smallest integer should report an error', async () => {
  await r('SET', 'foo', 'bar');
  assertError(await r('GETEX', 'foo', 'EX', '-9999999999999999'), "ERR invalid expire time in 'getex' command");
  assertError(await r('GETEX', 'foo', 'EX', '0'), "ERR invalid expire time in 'getex' command");
  assertError(await r('GETEX', 'foo', 'EX', 'abc'), 'ERR value is not an integer or out of range');
});

test('GETEX validates the time only after finding a string key', async () => {
  await r('DEL', 'nokey', 'lst');
  assert.equal(await r('GETEX', 'nokey', 'EX', 'abc'), null);
  await r('RPUSH', 'lst', 'a');
  assertError(await r('GETEX', 'lst', 'EX', 'abc'), 'WRONGTYPE*');
  assertError(await r('GETEX', 'lst'), 'WRONGTYPE Operation against a key holding the wrong kind of value');
  assertError(await r('GETEX', 'lst', 'foo'), 'ERR syntax error');
});

test('GETEX use of PERSIST option should remove TTL', async () => {
  await r('SET', 'foo', 'bar', 'EX', '100');
  await r('GETEX', 'foo', 'PERSIST');
  assert.equal(await ttl('foo'), -1);
});

test('GETEX with an absolute time in the past deletes the key', async () => {
  await r('SET', 'foo', 'bar');
  assert.equal(await r('GETEX', 'foo', 'PXAT', '1'), 'bar');
  assert.equal(await r('EXISTS', 'foo'), 0);
  await r('SET', 'foo', 'bar');
  assert.equal(await r('GETEX', 'foo', 'EXAT', '1'), 'bar');
  assert.equal(await r('EXISTS', 'foo'), 0);
});

test('GETDEL command', async () => {
  await r('DEL', 'foo');
  await r('SET', 'foo', 'bar');
  assert.equal(await r('GETDEL', 'foo'), 'bar');
  assert.equal(await r('GETDEL', 'foo'), null);
  await r('RPUSH', 'foo', 'a');
  assertError(await r('GETDEL', 'foo'), 'WRONGTYPE*');
  assert.equal(await r('EXISTS', 'foo'), 1);
  await r('DEL', 'foo');
});

test('GETSET (set new value)', async () => {
  await r('DEL', 'foo');
  assert.deepEqual([await r('GETSET', 'foo', 'xyz'), await r('GET', 'foo')], [null, 'xyz']);
});

test('GETSET (replace old value)', async () => {
  await r('SET', 'foo', 'bar');
  assert.deepEqual([await r('GETSET', 'foo', 'xyz'), await r('GET', 'foo')], ['bar', 'xyz']);
});

test('GETSET clears the TTL and refuses non-string keys', async () => {
  await r('SET', 'foo', 'bar', 'EX', '100');
  assert.equal(await r('GETSET', 'foo', 'baz'), 'bar');
  assert.equal(await ttl('foo'), -1);
  await r('DEL', 'lst');
  await r('RPUSH', 'lst', 'a');
  assertError(await r('GETSET', 'lst', 'x'), 'WRONGTYPE*');
  assert.equal(await r('LLEN', 'lst'), 1);
});

// ---- MGET / MSET / MSETNX -------------------------------------------------------------------

test('MGET', async () => {
  await r('FLUSHDB');
  await r('SET', 'foo{t}', 'BAR');
  await r('SET', 'bar{t}', 'FOO');
  assert.deepEqual(await r('MGET', 'foo{t}', 'bar{t}'), ['BAR', 'FOO']);
});

test('MGET against non existing key', async () => {
  assert.deepEqual(await r('MGET', 'foo{t}', 'baazz{t}', 'bar{t}'), ['BAR', null, 'FOO']);
});

test('MGET against non-string key', async () => {
  // string.tcl uses a set; any non-string type answers null the same way.
  await r('RPUSH', 'mylist{t}', 'ciao', 'bau');
  assert.deepEqual(await r('MGET', 'foo{t}', 'baazz{t}', 'bar{t}', 'mylist{t}'), ['BAR', null, 'FOO', null]);
});

test('MGET nulls are $-1 in RESP2 and _ in RESP3', async () => {
  const req = '*3\r\n$4\r\nMGET\r\n$6\r\nfoo{t}\r\n$9\r\nmylist{t}\r\n';
  assert.equal((await c.rawExchange(req, 18)).toString('latin1'), '*2\r\n$3\r\nBAR\r\n$-1\r\n');
  const c3 = await srv.client();
  await c3.call('HELLO', '3');
  assert.equal((await c3.rawExchange(req, 16)).toString('latin1'), '*2\r\n$3\r\nBAR\r\n_\r\n');
});

test('MSET base case', async () => {
  const z = 'x x x x x x x\n\n\r\n';
  assert.deepEqual(await r('MSET', 'x{t}', '10', 'y{t}', 'foo bar', 'z{t}', z), OK);
  assert.deepEqual(await r('MGET', 'x{t}', 'y{t}', 'z{t}'), ['10', 'foo bar', z]);
});

test('MSET/MSETNX wrong number of args', async () => {
  assertError(await r('MSET', 'x{t}', '10', 'y{t}', 'foo bar', 'z{t}'), "ERR wrong number of arguments for 'mset' command");
  assertError(await r('MSETNX', 'x{t}', '20', 'y{t}', 'foo bar', 'z{t}'), "ERR wrong number of arguments for 'msetnx' command");
  assertError(await r('MSET', 'x{t}'), "ERR wrong number of arguments for 'mset' command");
});

test('MSET with already existing - same key twice', async () => {
  await r('SET', 'x{t}', 'x');
  assert.deepEqual([await r('MSET', 'x{t}', 'xxx', 'x{t}', 'yyy'), await r('GET', 'x{t}')], [OK, 'yyy']);
});

test('MSET overwrites any type and clears TTLs', async () => {
  await r('SET', 'a{t}', '1', 'EX', '100');
  await r('RPUSH', 'l{t}', 'x');
  assert.deepEqual(await r('MSET', 'a{t}', '2', 'l{t}', '3'), OK);
  assert.deepEqual(await r('MGET', 'a{t}', 'l{t}'), ['2', '3']);
  assert.equal(await ttl('a{t}'), -1);
});

test('MSETNX with already existent key', async () => {
  assert.deepEqual(
    [await r('MSETNX', 'x1{t}', 'xxx', 'y2{t}', 'yyy', 'x{t}', '20'), await r('EXISTS', 'x1{t}'), await r('EXISTS', 'y2{t}')],
    [0, 0, 0],
  );
});

test('MSETNX with not existing keys', async () => {
  assert.deepEqual([await r('MSETNX', 'x1{t}', 'xxx', 'y2{t}', 'yyy'), await r('GET', 'x1{t}'), await r('GET', 'y2{t}')], [1, 'xxx', 'yyy']);
});

test('MSETNX with not existing keys - same key twice', async () => {
  await r('DEL', 'x1{t}');
  assert.deepEqual([await r('MSETNX', 'x1{t}', 'xxx', 'x1{t}', 'yyy'), await r('GET', 'x1{t}')], [1, 'yyy']);
});

test('MSETNX with already existing keys - same key twice', async () => {
  assert.deepEqual([await r('MSETNX', 'x1{t}', 'xxx', 'x1{t}', 'zzz'), await r('GET', 'x1{t}')], [0, 'yyy']);
});

// ---- Extended SET ---------------------------------------------------------------------------

test('Extended SET can detect syntax errors', async () => {
  assertError(await r('SET', 'foo', 'bar', 'non-existing-option'), 'ERR syntax error');
});

test('Extended SET option conflicts and repetitions', async () => {
  for (const args of [['ex', '10', 'px', '100'], ['ex', '10', 'keepttl'], ['keepttl', 'ex', '10'], ['nx', 'xx'], ['xx', 'nx'], ['ex'], ['pxat'], ['persist'], ['exat', '10', 'pxat', '10']]) {
    assertError(await r('SET', 'foo', 'bar', ...args), 'ERR syntax error');
  }
  // The same option twice is accepted; the last expire wins.
  assert.deepEqual(await r('SET', 'foo', 'bar', 'ex', '10', 'ex', '20'), OK);
  assertRange(await ttl('foo'), 15, 20);
  assert.deepEqual(await r('SET', 'foo', 'bar', 'xx', 'xx'), OK);
  assert.equal(await r('SET', 'foo', 'bar2', 'get', 'get'), 'bar');
  assert.deepEqual(await r('SET', 'foo', 'bar', 'keepttl', 'keepttl'), OK);
  assert.deepEqual(await r('SET', 'foo', 'bar', 'Ex', '10', 'nX', 'gEt'), 'bar');
});

test('Extended SET expire errors', async () => {
  assertError(await r('SET', 'foo', 'bar', 'ex', 'abc'), 'ERR value is not an integer or out of range');
  assertError(await r('SET', 'foo', 'bar', 'ex', '1.5'), 'ERR value is not an integer or out of range');
  assertError(await r('SET', 'foo', 'bar', 'ex', '9999999999999999999999'), 'ERR value is not an integer or out of range');
  for (const args of [['ex', '0'], ['ex', '-1'], ['px', '0'], ['exat', '0'], ['pxat', '-1'], ['px', '9223372036854775807'], ['exat', '9223372036854775807'], ['ex', '9223372036854775'], ['ex', '9223372036854776']]) {
    assertError(await r('SET', 'foo', 'bar', ...args), "ERR invalid expire time in 'set' command");
  }
  // The expire is validated before the GET part runs and before any condition.
  await r('DEL', 'lst');
  await r('RPUSH', 'lst', 'a');
  assertError(await r('SET', 'lst', 'x', 'GET', 'EX', '0'), "ERR invalid expire time in 'set' command");
});

test('SET with EX with big integer should report an error', async () => {
  assertError(await r('SET', 'foo', 'bar', 'EX', '10000000000000000'), "ERR invalid expire time in 'set' command");
});

test('SET with EX with smallest integer should report an error', async () => {
  assertError(await r('SET', 'foo', 'bar', 'EX', '-9999999999999999'), "ERR invalid expire time in 'set' command");
});

test('SET with an absolute expire beyond 2^53 ms is accepted', async () => {
  assert.deepEqual(await r('SET', 'foo', 'bar', 'PXAT', '9223372036854775807'), OK);
  assert.ok((await pttl('foo')) > 9e18);
  assert.deepEqual(await r('SET', 'foo', 'bar', 'EXAT', '9223372036854775'), OK);
  assert.ok((await pttl('foo')) > 9e18);
});

test('Extended SET NX option', async () => {
  await r('DEL', 'foo');
  const v1 = await r('SET', 'foo', '1', 'nx');
  const v2 = await r('SET', 'foo', '2', 'nx');
  assert.deepEqual([v1, v2, await r('GET', 'foo')], [OK, null, '1']);
});

test('Extended SET XX option', async () => {
  await r('DEL', 'foo');
  const v1 = await r('SET', 'foo', '1', 'xx');
  await r('SET', 'foo', 'bar');
  const v2 = await r('SET', 'foo', '2', 'xx');
  assert.deepEqual([v1, v2, await r('GET', 'foo')], [null, OK, '2']);
});

test('Extended SET GET option', async () => {
  await r('DEL', 'foo');
  await r('SET', 'foo', 'bar');
  assert.deepEqual([await r('SET', 'foo', 'bar2', 'GET'), await r('GET', 'foo')], ['bar', 'bar2']);
});

test('Extended SET GET option with no previous value', async () => {
  await r('DEL', 'foo');
  assert.deepEqual([await r('SET', 'foo', 'bar', 'GET'), await r('GET', 'foo')], [null, 'bar']);
});

test('Extended SET GET option with XX', async () => {
  await r('DEL', 'foo');
  await r('SET', 'foo', 'bar');
  assert.deepEqual([await r('SET', 'foo', 'baz', 'GET', 'XX'), await r('GET', 'foo')], ['bar', 'baz']);
});

test('Extended SET GET option with XX and no previous value', async () => {
  await r('DEL', 'foo');
  assert.deepEqual([await r('SET', 'foo', 'bar', 'GET', 'XX'), await r('GET', 'foo')], [null, null]);
});

test('Extended SET GET option with NX', async () => {
  await r('DEL', 'foo');
  assert.deepEqual([await r('SET', 'foo', 'bar', 'GET', 'NX'), await r('GET', 'foo')], [null, 'bar']);
});

test('Extended SET GET option with NX and previous value', async () => {
  await r('DEL', 'foo');
  await r('SET', 'foo', 'bar');
  assert.deepEqual([await r('SET', 'foo', 'baz', 'GET', 'NX'), await r('GET', 'foo')], ['bar', 'bar']);
});

test('Extended SET GET with incorrect type should result in wrong type error', async () => {
  await r('DEL', 'foo');
  await r('RPUSH', 'foo', 'waffle');
  const err = await r('SET', 'foo', 'bar', 'GET');
  assert.equal(await r('RPOP', 'foo'), 'waffle');
  assertError(err, 'WRONGTYPE Operation against a key holding the wrong kind of value');
});

test('Extended SET EX option', async () => {
  await r('DEL', 'foo');
  await r('SET', 'foo', 'bar', 'ex', '10');
  assertRange(await ttl('foo'), 6, 10);
});

test('Extended SET PX option', async () => {
  await r('DEL', 'foo');
  await r('SET', 'foo', 'bar', 'px', '10000');
  assertRange(await ttl('foo'), 6, 10);
});

test('Extended SET EXAT option', async () => {
  await r('DEL', 'foo');
  await r('SET', 'foo', 'bar', 'exat', String(Math.floor(Date.now() / 1000) + 10));
  assertRange(await ttl('foo'), 5, 10);
});

test('Extended SET PXAT option', async () => {
  await r('DEL', 'foo');
  await r('SET', 'foo', 'bar', 'pxat', String(Date.now() + 10000));
  assertRange(await ttl('foo'), 5, 10);
});

test('Extended SET using multiple options at once', async () => {
  await r('SET', 'foo', 'val');
  assert.deepEqual(await r('SET', 'foo', 'bar', 'xx', 'px', '10000'), OK);
  assertRange(await ttl('foo'), 6, 10);
});

test('SET command will remove expire', async () => {
  await r('SET', 'foo', 'bar', 'EX', '100');
  await r('SET', 'foo', 'bar');
  assert.equal(await ttl('foo'), -1);
});

test('SET - use KEEPTTL option, TTL should not be removed', async () => {
  await r('SET', 'foo', 'bar', 'EX', '100');
  await r('SET', 'foo', 'bar', 'KEEPTTL');
  assertRange(await ttl('foo'), 91, 100);
});

test('SET KEEPTTL on an expired key does not keep the old expire', async () => {
  await r('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
  try {
    await r('SET', 'foo', 'bar', 'PXAT', '1');
    assert.deepEqual(await r('SET', 'foo', 'new', 'KEEPTTL'), OK);
    assert.equal(await r('GET', 'foo'), 'new');
    assert.equal(await ttl('foo'), -1);
  } finally {
    await r('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
  }
});

test('SET with a PXAT in the past stores a key that is already expired', async () => {
  assert.deepEqual(await r('SET', 'foo', 'bar', 'PXAT', '1'), OK);
  assert.equal(await r('EXISTS', 'foo'), 0);
});

// ---- LCS ------------------------------------------------------------------------------------

const rna1 =
  'CACCTTCCCAGGTAACAAACCAACCAACTTTCGATCTCTTGTAGATCTGTTCTCTAAACGAACTTTAAAATCTGTGTGGCTGTCACTCGGCTGCATGCTTAGTGCACTCACGCAGTATAATTAATAACTAATTACTGTCGTTGACAGGACACGAGTAACTCGTCTATCTTCTGCAGGCTGCTTACGGTTTCGTCCGTGTTGCAGCCGATCATCAGCACATCTAGGTTTCGTCCGGGTGTG';
const rna2 =
  'ATTAAAGGTTTATACCTTCCCAGGTAACAAACCAACCAACTTTCGATCTCTTGTAGATCTGTTCTCTAAACGAACTTTAAAATCTGTGTGGCTGTCACTCGGCTGCATGCTTAGTGCACTCACGCAGTATAATTAATAACTAATTACTGTCGTTGACAGGACACGAGTAACTCGTCTATCTTCTGCAGGCTGCTTACGGTTTCGTCCGTGTTGCAGCCGATCATCAGCACATCTAGGTTT';
const rnalcs =
  'ACCTTCCCAGGTAACAAACCAACCAACTTTCGATCTCTTGTAGATCTGTTCTCTAAACGAACTTTAAAATCTGTGTGGCTGTCACTCGGCTGCATGCTTAGTGCACTCACGCAGTATAATTAATAACTAATTACTGTCGTTGACAGGACACGAGTAACTCGTCTATCTTCTGCAGGCTGCTTACGGTTTCGTCCGTGTTGCAGCCGATCATCAGCACATCTAGGTTT';

test('LCS basic', async () => {
  await r('SET', 'virus1{t}', rna1);
  await r('SET', 'virus2{t}', rna2);
  assert.equal(await r('LCS', 'virus1{t}', 'virus2{t}'), rnalcs);
});

test('LCS len', async () => {
  assert.equal(await r('LCS', 'virus1{t}', 'virus2{t}', 'LEN'), rnalcs.length);
});

test('LCS indexes', async () => {
  const reply = (await r('LCS', 'virus1{t}', 'virus2{t}', 'IDX')) as Reply[];
  assert.deepEqual(reply, [
    'matches',
    [
      [[238, 238], [239, 239]],
      [[236, 236], [238, 238]],
      [[229, 230], [236, 237]],
      [[224, 224], [235, 235]],
      [[1, 222], [13, 234]],
    ],
    'len',
    227,
  ]);
});

test('LCS indexes with match len', async () => {
  const reply = (await r('LCS', 'virus1{t}', 'virus2{t}', 'IDX', 'WITHMATCHLEN')) as Reply[];
  assert.deepEqual(reply[1], [
    [[238, 238], [239, 239], 1],
    [[236, 236], [238, 238], 1],
    [[229, 230], [236, 237], 2],
    [[224, 224], [235, 235], 1],
    [[1, 222], [13, 234], 222],
  ]);
});

test('LCS indexes with match len and minimum match len', async () => {
  const reply = (await r('LCS', 'virus1{t}', 'virus2{t}', 'IDX', 'WITHMATCHLEN', 'MINMATCHLEN', '5')) as Reply[];
  assert.deepEqual(reply[1], [[[1, 222], [13, 234], 222]]);
});

test('LCS IDX replies a map in RESP3', async () => {
  const c3 = await srv.client();
  await c3.call('HELLO', '3');
  await c3.call('SET', 'v1', 'ohmytext');
  await c3.call('SET', 'v2', 'mynewtext');
  const reply = await c3.call('LCS', 'v1', 'v2', 'IDX', 'MINMATCHLEN', '4', 'WITHMATCHLEN');
  assert.deepEqual(reply, new Map<Reply, Reply>([['matches', [[[4, 7], [5, 8], 4]]], ['len', 6]]));
  assert.equal(c3.types.at(-1), '%');
  const raw = await c3.rawExchange('*4\r\n$3\r\nLCS\r\n$6\r\nnokey1\r\n$6\r\nnokey2\r\n$3\r\nIDX\r\n', 34);
  assert.equal(raw.toString('latin1'), '%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n');
});

test('LCS options, errors and missing keys', async () => {
  await r('SET', 'v1', 'ohmytext');
  await r('SET', 'v2', 'mynewtext');
  assert.equal(await r('LCS', 'v1', 'v2'), 'mytext');
  assert.equal(await r('LCS', 'v1', 'v2', 'len', 'len'), 6);
  assert.equal(await r('LCS', 'v1', 'v2', 'withmatchlen'), 'mytext');
  assert.equal(await r('LCS', 'v1', 'v2', 'minmatchlen', '3'), 'mytext');
  assert.deepEqual(await r('LCS', 'v1', 'v2', 'idx', 'minmatchlen', '-5'), ['matches', [[[4, 7], [5, 8]], [[2, 3], [0, 1]]], 'len', 6]);
  assertError(await r('LCS', 'v1', 'v2', 'idx', 'len'), 'ERR If you want both the length and indexes, please just use IDX.');
  assertError(await r('LCS', 'v1', 'v2', 'len', 'idx'), 'ERR If you want both the length and indexes, please just use IDX.');
  assertError(await r('LCS', 'v1', 'v2', 'minmatchlen'), 'ERR syntax error');
  assertError(await r('LCS', 'v1', 'v2', 'foo'), 'ERR syntax error');
  assertError(await r('LCS', 'v1', 'v2', 'minmatchlen', 'abc', 'idx', 'len'), 'ERR value is not an integer or out of range');
  await r('DEL', 'lst');
  await r('RPUSH', 'lst', 'a');
  assertError(await r('LCS', 'v1', 'lst'), 'ERR The specified keys must contain string values');
  assertError(await r('LCS', 'lst', 'v1', 'foo'), 'ERR The specified keys must contain string values');
  assert.equal(await r('LCS', 'nokey1', 'nokey2'), '');
  assert.deepEqual(await r('LCS', 'v1', 'nokey1', 'idx'), ['matches', [], 'len', 0]);
  await r('SET', 'n1', '12345');
  await r('SET', 'n2', '1345');
  assert.deepEqual(await r('LCS', 'n1', 'n2', 'idx', 'withmatchlen'), ['matches', [[[2, 4], [1, 3], 3], [[0, 0], [0, 0], 1]], 'len', 4]);
});

test('LCS matches redis-server on random strings', { skip: !haveRedisServer() && 'redis-server not installed' }, async () => {
  const oracle = await startOracle();
  try {
    const o = await oracle.client();
    const rand = rng(4);
    const word = (alpha: string): string => {
      let s = '';
      const n = Math.floor(rand() * 40);
      for (let i = 0; i < n; i++) s += alpha[Math.floor(rand() * alpha.length)] as string;
      return s;
    };
    for (let i = 0; i < 200; i++) {
      const alpha = ['ab', 'abc', 'ACGT', 'abcdefghij'][i % 4] as string;
      const s1 = word(alpha);
      const s2 = word(alpha);
      for (const cl of [o, c]) await cl.pipeline([['SET', 'l1', s1], ['SET', 'l2', s2]]);
      const min = String(Math.floor(rand() * 4));
      for (const args of [[], ['LEN'], ['IDX'], ['IDX', 'WITHMATCHLEN', 'MINMATCHLEN', min]]) {
        assert.deepEqual(await c.call('LCS', 'l1', 'l2', ...args), await o.call('LCS', 'l1', 'l2', ...args), `${s1} ${s2} ${args.join(' ')}`);
      }
    }
  } finally {
    await oracle.close();
  }
});

// ---- events and dirty -----------------------------------------------------------------------

test('String commands fire the keyspace events Redis fires', async () => {
  await r('DEL', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'z', 'r', 'r2');
  const events = await eventsOf(async () => {
    await r('SET', 'a', '1');
    await r('SET', 'a', '2', 'ex', '10');
    await r('SET', 'a', '3', 'keepttl');
    await r('SETNX', 'a', '4');
    await r('SETNX', 'b', '4');
    await r('SETEX', 'c', '10', 'v');
    await r('PSETEX', 'd', '100000', 'v');
    await r('GETSET', 'a', '5');
    await r('MSET', 'a', '1', 'e', '2');
    await r('MSETNX', 'f', '1', 'g', '2');
    await r('MSETNX', 'f', '1', 'h', '2');
    await r('GETDEL', 'a');
    await r('GETDEL', 'a');
    await r('GETEX', 'e');
    await r('GETEX', 'e', 'ex', '100');
    await r('GETEX', 'e', 'persist');
    await r('GETEX', 'e', 'persist');
    await r('GETEX', 'e', 'pxat', '1');
    await r('APPEND', 'z', 'x');
    await r('APPEND', 'z', 'y');
    await r('SETRANGE', 'r', '0', 'ab');
    await r('SETRANGE', 'r', '0', '');
    await r('SETRANGE', 'r2', '0', '');
  });
  assert.deepEqual(events, [
    'new a', 'set a', 'set a', 'expire a', 'set a', 'new b', 'set b', 'new c', 'set c', 'expire c', 'new d', 'set d', 'expire d',
    'set a', 'set a', 'new e', 'set e', 'new f', 'set f', 'new g', 'set g', 'del a', 'expire e', 'persist e', 'del e',
    'new z', 'append z', 'append z', 'new r', 'setrange r',
  ]);
});

test('Writing over an expired key fires expired, then new', async () => {
  await r('DEL', 'k');
  await r('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
  try {
    const events = await eventsOf(async () => {
      await r('SET', 'k', 'v', 'pxat', '1');
      await r('SET', 'k', 'w');
      await r('SET', 'k', 'v', 'pxat', '1');
      await r('MSET', 'k', 'w');
      await r('SET', 'k', 'v', 'pxat', '1');
      await r('GETSET', 'k', 'w');
      await r('SET', 'k', 'v', 'pxat', '1');
      await r('APPEND', 'k', 'w');
    });
    assert.deepEqual(events, [
      'new k', 'set k', 'expire k', 'expired k', 'new k', 'set k',
      'set k', 'expire k', 'expired k', 'new k', 'set k',
      'set k', 'expire k', 'expired k', 'new k', 'set k',
      'set k', 'expire k', 'expired k', 'new k', 'append k',
    ]);
  } finally {
    await r('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
  }
});

test('String commands count changes like Redis (dirty)', async () => {
  await r('DEL', 'd1', 'd2', 'd3', 'lst');
  const cases: [(string | number)[], number][] = [
    [['SET', 'd1', 'v'], 1],
    [['SET', 'd1', 'v', 'NX'], 0],
    [['SET', 'd1', 'v', 'EX', '100'], 1],
    [['SETNX', 'd1', 'v'], 0],
    [['SETEX', 'd2', '100', 'v'], 1],
    [['GETSET', 'd2', 'w'], 1],
    [['MSET', 'd1', '1', 'd2', '2', 'd3', '3'], 3],
    [['MSETNX', 'd1', '1', 'd4', '2'], 0],
    [['GETEX', 'd1'], 0],
    [['GETEX', 'd1', 'EX', '100'], 1],
    [['GETEX', 'd1', 'PERSIST'], 1],
    [['GETEX', 'd1', 'PERSIST'], 0],
    [['GETDEL', 'd1'], 1],
    [['GETDEL', 'd1'], 0],
    [['APPEND', 'd1', 'x'], 1],
    [['SETRANGE', 'd1', '0', 'y'], 1],
    [['SETRANGE', 'd1', '0', ''], 0],
    [['GET', 'd1'], 0],
    [['MGET', 'd1', 'd2'], 0],
  ];
  for (const [cmd, want] of cases) {
    const before = await dirty();
    await r(...cmd);
    assert.equal((await dirty()) - before, want, cmd.join(' '));
  }
});

test('String command table rows match Redis 7.0', async () => {
  const info = (await r('COMMAND', 'INFO', 'get', 'set', 'setnx', 'mset', 'msetnx', 'mget', 'getex', 'getdel', 'lcs', 'substr', 'setrange', 'append', 'strlen')) as Reply[][];
  const brief = info.map((row) => [row[0], row[1], row[2], row[3], row[4], row[5]]);
  assert.deepEqual(brief, [
    ['get', 2, [{ status: 'readonly' }, { status: 'fast' }], 1, 1, 1],
    ['set', -3, [{ status: 'write' }, { status: 'denyoom' }], 1, 1, 1],
    ['setnx', 3, [{ status: 'write' }, { status: 'denyoom' }, { status: 'fast' }], 1, 1, 1],
    ['mset', -3, [{ status: 'write' }, { status: 'denyoom' }], 1, -1, 2],
    ['msetnx', -3, [{ status: 'write' }, { status: 'denyoom' }], 1, -1, 2],
    ['mget', -2, [{ status: 'readonly' }, { status: 'fast' }], 1, -1, 1],
    ['getex', -2, [{ status: 'write' }, { status: 'fast' }], 1, 1, 1],
    ['getdel', 2, [{ status: 'write' }, { status: 'fast' }], 1, 1, 1],
    ['lcs', -3, [{ status: 'readonly' }], 1, 2, 1],
    ['substr', 4, [{ status: 'readonly' }], 1, 1, 1],
    ['setrange', 4, [{ status: 'write' }, { status: 'denyoom' }], 1, 1, 1],
    ['append', 3, [{ status: 'write' }, { status: 'denyoom' }, { status: 'fast' }], 1, 1, 1],
    ['strlen', 2, [{ status: 'readonly' }, { status: 'fast' }], 1, 1, 1],
  ]);
});
