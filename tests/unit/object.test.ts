/**
 * Wire tests of OBJECT and the DEBUG subset (OBJECT, SLEEP, SET-ACTIVE-EXPIRE, HELP), with the
 * OBJECT cases of Redis's tests/unit/introspection-2.tcl and maxmemory.tcl ("TTL, TYPE and
 * EXISTS do not alter the last access time of a key", "lru/lfu value of the key just added").
 * An injected clock stands in for the Tcl suite's sleeps.
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
  srv = await startTestServer({ clock: () => now });
  r = await srv.client();
  await r.call('SELECT', 9);
});

after(async () => {
  await srv.close();
});

const err = (msg: string) => new ReplyError(msg);
const SHARED = 2147483647;

/** DEBUG OBJECT's line (a status reply). */
async function debugObject(key: string): Promise<string> {
  const reply = await r.call('DEBUG', 'OBJECT', key);
  assert.ok(typeof reply === 'object' && reply !== null && 'status' in reply, `not a status reply: ${String(reply)}`);
  return reply.status;
}

test('OBJECT ENCODING of strings: int, embstr, raw', async () => {
  const cases: [string, string][] = [
    ['12345', 'int'],
    ['-7', 'int'],
    ['9223372036854775807', 'int'],
    ['9223372036854775808', 'embstr'],
    ['01', 'embstr'],
    ['-0', 'embstr'],
    ['hello', 'embstr'],
    ['x'.repeat(44), 'embstr'],
    ['x'.repeat(45), 'raw'],
  ];
  for (const [value, enc] of cases) {
    await r.call('SET', 'foo', value);
    assert.equal(await r.call('OBJECT', 'ENCODING', 'foo'), enc, value);
  }
});

test('OBJECT ENCODING of a list is quicklist', async () => {
  await r.call('DEL', 'l');
  await r.call('RPUSH', 'l', 'a', 'b');
  assert.equal(await r.call('OBJECT', 'encoding', 'l'), 'quicklist');
});

test('OBJECT subcommands answer null for a missing key, in RESP2 and RESP3', async () => {
  for (const sub of ['ENCODING', 'REFCOUNT', 'IDLETIME', 'FREQ']) assert.equal(await r.call('OBJECT', sub, 'nokey'), null, sub);
  assert.equal(r.types.at(-1), '$');
  const c3 = await srv.client();
  await c3.call('HELLO', 3);
  assert.equal(await c3.call('OBJECT', 'ENCODING', 'nokey'), null);
  assert.equal(c3.types.at(-1), '_');
});

test('OBJECT REFCOUNT: shared integers 0..9999, everything else 1', async () => {
  const cases: [string, number][] = [
    ['0', SHARED],
    ['100', SHARED],
    ['9999', SHARED],
    ['10000', 1],
    ['-1', 1],
    ['007', 1],
    ['abc', 1],
  ];
  for (const [value, refcount] of cases) {
    await r.call('SET', 'foo', value);
    assert.equal(await r.call('OBJECT', 'REFCOUNT', 'foo'), refcount, value);
  }
  await r.call('DEL', 'l');
  await r.call('RPUSH', 'l', '1');
  assert.equal(await r.call('OBJECT', 'REFCOUNT', 'l'), 1);
});

test('OBJECT reclaims an expired key', async () => {
  await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', 0);
  await r.call('SET', 'short', 'v', 'PX', 10);
  now += 11;
  assert.equal(await r.call('DBSIZE'), 3);
  assert.equal(await r.call('OBJECT', 'ENCODING', 'short'), null);
  assert.equal(await r.call('DBSIZE'), 2);
  await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', 1);
});

test('TTL, TYPE and EXISTS do not alter the last access time of a key', async () => {
  await r.call('SET', 'foo', 'bar');
  now += 3000;
  await r.call('TTL', 'foo');
  await r.call('TYPE', 'foo');
  await r.call('EXISTS', 'foo');
  assert.equal(await r.call('OBJECT', 'IDLETIME', 'foo'), 3);
});

test('OBJECT does not alter the last access time of a key', async () => {
  await r.call('SET', 'foo', 'bar');
  now += 5000;
  await r.call('OBJECT', 'ENCODING', 'foo');
  await r.call('OBJECT', 'REFCOUNT', 'foo');
  assert.equal(await r.call('OBJECT', 'IDLETIME', 'foo'), 5);
  assert.equal(await r.call('OBJECT', 'IDLETIME', 'foo'), 5);
  assert.match(await debugObject('foo'), / lru_seconds_idle:5$/);
  assert.equal(await r.call('OBJECT', 'IDLETIME', 'foo'), 5);
});

test('TOUCH alters the last access time of a key', async () => {
  await r.call('SET', 'foo', 'bar');
  now += 3000;
  assert.equal(await r.call('TOUCH', 'foo'), 1);
  assert.equal(await r.call('OBJECT', 'IDLETIME', 'foo'), 0);
});

test('Reads and writes alter the last access time of a key', async () => {
  await r.call('SET', 'foo', 'bar');
  now += 4000;
  await r.call('GET', 'foo');
  assert.equal(await r.call('OBJECT', 'IDLETIME', 'foo'), 0);
  await r.call('RPUSH', 'l2', 'a');
  now += 4000;
  await r.call('RPUSH', 'l2', 'b');
  assert.equal(await r.call('OBJECT', 'IDLETIME', 'l2'), 0);
  now += 2000;
  assert.equal(await r.call('OBJECT', 'IDLETIME', 'l2'), 2);
});

test('OBJECT FREQ needs an LFU policy', async () => {
  await r.call('SET', 'foo', 'bar');
  assert.deepEqual(
    await r.call('OBJECT', 'FREQ', 'foo'),
    err('ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.'),
  );
});

test('OBJECT HELP', async () => {
  const help = (await r.call('OBJECT', 'HELP')) as { status: string }[];
  const lines = help.map((l) => l.status);
  assert.equal(lines[0], 'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
  for (const l of ['ENCODING <key>', 'FREQ <key>', 'IDLETIME <key>', 'REFCOUNT <key>']) assert.ok(lines.includes(l), l);
  assert.deepEqual(lines.slice(-2), ['HELP', '    Prints this help.']);
  assert.deepEqual(await r.call('object', 'help'), help);
});

test('OBJECT errors', async () => {
  assert.deepEqual(await r.call('OBJECT'), err("ERR wrong number of arguments for 'object' command"));
  assert.deepEqual(await r.call('OBJECT', 'foo'), err("ERR unknown subcommand 'foo'. Try OBJECT HELP."));
  assert.deepEqual(await r.call('OBJECT', 'foo', 'bar'), err("ERR unknown subcommand 'foo'. Try OBJECT HELP."));
  assert.deepEqual(await r.call('OBJECT', 'ENCODING'), err("ERR wrong number of arguments for 'object|encoding' command"));
  assert.deepEqual(await r.call('OBJECT', 'encoding', 'a', 'b'), err("ERR wrong number of arguments for 'object|encoding' command"));
  assert.deepEqual(await r.call('OBJECT', 'help', 'x'), err("ERR wrong number of arguments for 'object|help' command"));
});

test('lru/lfu value of the key just added', async () => {
  const lfu = await startTestServer({ clock: () => now, 'maxmemory-policy': 'allkeys-lfu' });
  try {
    const c = await lfu.client();
    await c.call('SET', 'foo', 'a');
    assert.equal(await c.call('OBJECT', 'FREQ', 'foo'), 5);
    await c.call('DEL', 'foo');
    await c.call('SET', 'foo', 1);
    assert.equal(await c.call('OBJECT', 'FREQ', 'foo'), 5);
    // OBJECT FREQ itself is no access.
    assert.equal(await c.call('OBJECT', 'FREQ', 'foo'), 5);
    // From the initial 5 the first access always counts (probability 1/(0*10+1)).
    await c.call('GET', 'foo');
    assert.equal(await c.call('OBJECT', 'FREQ', 'foo'), 6);
    // lfu-decay-time 1: one point per idle minute.
    now += 3 * 60_000;
    assert.equal(await c.call('OBJECT', 'FREQ', 'foo'), 3);
    assert.equal(await c.call('OBJECT', 'FREQ', 'nokey'), null);
    assert.deepEqual(
      await c.call('OBJECT', 'IDLETIME', 'foo'),
      err('ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.'),
    );
    assert.equal(await c.call('OBJECT', 'IDLETIME', 'nokey'), null);
  } finally {
    await lfu.close();
  }
});

test('DEBUG OBJECT prints Redis\'s fields', async () => {
  await r.call('FLUSHDB');
  const lru = Math.floor(now / 1000) & 0xffffff;
  await r.call('SET', 'foo', 'bar');
  assert.match(await debugObject('foo'), new RegExp(`^Value at:0x[0-9a-f]+ refcount:1 encoding:embstr serializedlength:4 lru:${lru} lru_seconds_idle:0$`));
  await r.call('SET', 'n', 12345);
  assert.match(await debugObject('n'), / refcount:1 encoding:int serializedlength:3 /);
  await r.call('SET', 's', 5);
  assert.match(await debugObject('s'), / refcount:2147483647 encoding:int serializedlength:2 /);
  await r.call('SET', 'big', 12345678901);
  assert.match(await debugObject('big'), / refcount:1 encoding:int serializedlength:12 /);
  await r.call('SET', 'neg', -100);
  assert.match(await debugObject('neg'), / encoding:int serializedlength:2 /);
  await r.call('SET', 'long', 'x'.repeat(100));
  assert.match(await debugObject('long'), / encoding:raw serializedlength:102 /);
  await r.call('RPUSH', 'l', 'a');
  assert.match(await debugObject('l'), / refcount:1 encoding:quicklist /);
  // Equal shared integers share an address; a key keeps its address.
  const addr = async (k: string) => (await debugObject(k)).split(' ')[1];
  await r.call('SET', 's2', 5);
  assert.equal(await addr('s'), await addr('s2'));
  assert.notEqual(await addr('foo'), await addr('n'));
  assert.equal(await addr('l'), await addr('l'));
});

test('DEBUG OBJECT reads the dictionary as it is, expired keys included', async () => {
  await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', 0);
  await r.call('SET', 'e', 'v', 'PX', 5);
  now += 7000;
  assert.match(await debugObject('e'), / lru_seconds_idle:7$/);
  assert.equal(await r.call('EXISTS', 'e'), 0);
  assert.deepEqual(await r.call('DEBUG', 'OBJECT', 'e'), err('ERR no such key'));
  await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', 1);
});

test('DEBUG unknown subcommands and wrong arities', async () => {
  assert.deepEqual(await r.call('DEBUG'), err("ERR wrong number of arguments for 'debug' command"));
  assert.deepEqual(await r.call('DEBUG', 'foo'), err("ERR unknown subcommand or wrong number of arguments for 'foo'. Try DEBUG HELP."));
  assert.deepEqual(await r.call('debug', 'foo', 'bar'), err("ERR unknown subcommand or wrong number of arguments for 'foo'. Try DEBUG HELP."));
  assert.deepEqual(await r.call('DEBUG', 'OBJECT'), err("ERR unknown subcommand or wrong number of arguments for 'OBJECT'. Try DEBUG HELP."));
  assert.deepEqual(await r.call('DEBUG', 'object', 'a', 'b'), err("ERR unknown subcommand or wrong number of arguments for 'object'. Try DEBUG HELP."));
  assert.deepEqual(await r.call('DEBUG', 'SLEEP'), err("ERR unknown subcommand or wrong number of arguments for 'SLEEP'. Try DEBUG HELP."));
  assert.deepEqual(await r.call('DEBUG', 'SLEEP', 0, 0), err("ERR unknown subcommand or wrong number of arguments for 'SLEEP'. Try DEBUG HELP."));
  assert.deepEqual(await r.call('DEBUG', 'set-active-expire'), err("ERR unknown subcommand or wrong number of arguments for 'set-active-expire'. Try DEBUG HELP."));
  assert.deepEqual(await r.call('DEBUG', 'help', 'x'), err("ERR unknown subcommand or wrong number of arguments for 'help'. Try DEBUG HELP."));
});

test('DEBUG HELP', async () => {
  const lines = ((await r.call('DEBUG', 'HELP')) as { status: string }[]).map((l) => l.status);
  assert.equal(lines[0], 'DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
  for (const l of ['OBJECT <key>', 'SET-ACTIVE-EXPIRE <0|1>', 'SLEEP <seconds>']) assert.ok(lines.includes(l), l);
  assert.deepEqual(lines.slice(-2), ['HELP', '    Prints this help.']);
});

test('DEBUG SLEEP stops the whole server', async () => {
  const other = await srv.client();
  assert.deepEqual(await other.call('PING'), { status: 'PONG' });
  const t0 = performance.now();
  const sleeping = r.call('DEBUG', 'SLEEP', '0.3');
  await new Promise((res) => setTimeout(res, 20));
  assert.deepEqual(await other.call('PING'), { status: 'PONG' });
  const waited = performance.now() - t0;
  assert.deepEqual(await sleeping, OK);
  assert.ok(waited >= 280, `the other client waited only ${waited.toFixed(0)} ms`);
});

test('DEBUG SLEEP takes any strtod text and never sleeps on negatives', async () => {
  for (const arg of ['0', 'x', '-1', '-inf', 'nan', '0.001', '1e-3', ' 0.001']) {
    assert.deepEqual(await r.call('DEBUG', 'SLEEP', arg), OK, arg);
  }
});
