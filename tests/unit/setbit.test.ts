/**
 * Wire tests of SETBIT and GETBIT: the bit cases of Redis 7.0's tests/unit/type/string.tcl,
 * plus what the bitmap commands share with the string commands (encodings, TTL, SETRANGE /
 * APPEND / GETRANGE consistency, proto-max-bulk-len), WATCH and keyspace events. Expected
 * replies are redis-server 7.0.15's. BITCOUNT BITPOS BITOP are in bitops.test.ts.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { OK, assertError, startTestServer, type RespClient, type Reply, type TestServer } from '../helpers/server.js';

let srv: TestServer;
let c: RespClient;

before(async () => {
  srv = await startTestServer();
  c = await srv.client();
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

const randomInt = (rand: () => number, n: number): number => Math.floor(rand() * n);

// ---- SETBIT / GETBIT (tests/unit/type/string.tcl) -----------------------------------------

test('SETBIT against non-existing key', async () => {
  await r('DEL', 'mykey');
  assert.equal(await r('SETBIT', 'mykey', 1, 1), 0);
  assert.equal(await r('GET', 'mykey'), '\x40');
});

test('SETBIT against string-encoded key', async () => {
  // Ascii "@" is integer 64 = 01 00 00 00
  await r('SET', 'mykey', '@');
  assert.equal(await r('SETBIT', 'mykey', 2, 1), 0);
  assert.equal(await r('GET', 'mykey'), '\x60');
  assert.equal(await r('SETBIT', 'mykey', 1, 0), 1);
  assert.equal(await r('GET', 'mykey'), '\x20');
});

test('SETBIT against integer-encoded key', async () => {
  // Ascii "1" is integer 49 = 00 11 00 01
  await r('SET', 'mykey', 1);
  assert.equal(await r('OBJECT', 'ENCODING', 'mykey'), 'int');
  assert.equal(await r('SETBIT', 'mykey', 6, 1), 0);
  assert.equal(await r('GET', 'mykey'), '3');
  assert.equal(await r('SETBIT', 'mykey', 2, 0), 1);
  assert.equal(await r('GET', 'mykey'), '\x13');
  assert.equal(await r('OBJECT', 'ENCODING', 'mykey'), 'raw');
});

test('SETBIT against key with wrong type', async () => {
  await r('DEL', 'mykey');
  await r('LPUSH', 'mykey', 'foo');
  assertError(await r('SETBIT', 'mykey', 0, 1), 'WRONGTYPE Operation against a key holding the wrong kind of value');
  // Arguments are checked before the key.
  assertError(await r('SETBIT', 'mykey', 'x', 1), 'ERR bit offset is not an integer or out of range');
  assertError(await r('SETBIT', 'mykey', 0, 'x'), 'ERR bit is not an integer or out of range');
});

test('SETBIT with out of range bit offset', async () => {
  await r('DEL', 'mykey');
  assertError(await r('SETBIT', 'mykey', 4 * 1024 * 1024 * 1024, 1), 'ERR bit offset is not an integer or out of range');
  assertError(await r('SETBIT', 'mykey', -1, 1), 'ERR bit offset is not an integer or out of range');
  assertError(await r('SETBIT', 'mykey', '99999999999999999999', 1), 'ERR bit offset is not an integer or out of range');
  assertError(await r('SETBIT', 'mykey', '01', 1), 'ERR bit offset is not an integer or out of range');
  assert.equal(await r('EXISTS', 'mykey'), 0);
});

test('SETBIT with non-bit argument', async () => {
  await r('DEL', 'mykey');
  for (const v of ['-1', '2', '10', '20', 'x', '1.0', ' 1']) {
    assertError(await r('SETBIT', 'mykey', 0, v), 'ERR bit is not an integer or out of range');
  }
  assert.equal(await r('EXISTS', 'mykey'), 0);
});

test('SETBIT fuzzing', async () => {
  const rand = rng(11);
  let model = '';
  const len = 256 * 8;
  await r('DEL', 'mykey');
  for (let i = 0; i < 2000; i++) {
    const bitnum = randomInt(rand, len);
    const bitval = randomInt(rand, 2);
    const byte = bitnum >> 3;
    while (model.length <= byte) model += '\0';
    const old = (model.charCodeAt(byte) >> (7 - (bitnum & 7))) & 1;
    const nb = (model.charCodeAt(byte) & ~(1 << (7 - (bitnum & 7)))) | (bitval << (7 - (bitnum & 7)));
    model = model.slice(0, byte) + String.fromCharCode(nb) + model.slice(byte + 1);
    assert.equal(await r('SETBIT', 'mykey', bitnum, bitval), old);
    if (i % 100 === 0) assert.equal(await r('GET', 'mykey'), model);
  }
  assert.equal(await r('GET', 'mykey'), model);
});

test('GETBIT against non-existing key', async () => {
  await r('DEL', 'mykey');
  assert.equal(await r('GETBIT', 'mykey', 0), 0);
  assert.equal(await r('GETBIT', 'mykey', 4294967295), 0);
  assertError(await r('GETBIT', 'mykey', 4294967296), 'ERR bit offset is not an integer or out of range');
  assertError(await r('GETBIT', 'mykey', 'a'), 'ERR bit offset is not an integer or out of range');
});

test('GETBIT against string-encoded key', async () => {
  // Single byte with 2nd and 3rd bit set
  await r('SET', 'mykey', '`');
  assert.deepEqual([await r('GETBIT', 'mykey', 0), await r('GETBIT', 'mykey', 1), await r('GETBIT', 'mykey', 2), await r('GETBIT', 'mykey', 3)], [0, 1, 1, 0]);
  // Out-range
  assert.equal(await r('GETBIT', 'mykey', 8), 0);
  assert.equal(await r('GETBIT', 'mykey', 100), 0);
  assert.equal(await r('GETBIT', 'mykey', 10000), 0);
});

test('GETBIT against integer-encoded key', async () => {
  await r('SET', 'mykey', 1);
  assert.equal(await r('OBJECT', 'ENCODING', 'mykey'), 'int');
  // Ascii "1" is integer 49 = 00 11 00 01
  const bits = [];
  for (let i = 0; i < 8; i++) bits.push(await r('GETBIT', 'mykey', i));
  assert.deepEqual(bits, [0, 0, 1, 1, 0, 0, 0, 1]);
  assert.equal(await r('GETBIT', 'mykey', 8), 0);
  // GETBIT does not change the encoding.
  assert.equal(await r('OBJECT', 'ENCODING', 'mykey'), 'int');
});

test('GETBIT against key with wrong type', async () => {
  await r('DEL', 'mykey');
  await r('SADD', 'mykey', 'a');
  assertError(await r('GETBIT', 'mykey', 0), 'WRONGTYPE Operation against a key holding the wrong kind of value');
});

test('SETBIT keeps the TTL and creates raw strings', async () => {
  await r('SET', 'mykey', 'hello', 'EX', 100);
  assert.equal(await r('SETBIT', 'mykey', 0, 1), 0);
  assert.equal(await r('TTL', 'mykey'), 100);
  assert.equal(await r('OBJECT', 'ENCODING', 'mykey'), 'raw');
  await r('DEL', 'new');
  await r('SETBIT', 'new', 3, 1);
  assert.equal(await r('OBJECT', 'ENCODING', 'new'), 'raw');
  assert.equal(await r('TTL', 'new'), -1);
});

test('SETBIT offsets are limited by proto-max-bulk-len', async () => {
  assert.deepEqual(await r('CONFIG', 'SET', 'proto-max-bulk-len', 1024 * 1024), OK);
  try {
    await r('DEL', 'mykey');
    assert.equal(await r('SETBIT', 'mykey', 1024 * 1024 * 8 - 1, 1), 0);
    assert.equal(await r('STRLEN', 'mykey'), 1024 * 1024);
    assertError(await r('SETBIT', 'mykey', 1024 * 1024 * 8, 1), 'ERR bit offset is not an integer or out of range');
    assertError(await r('GETBIT', 'mykey', 1024 * 1024 * 8), 'ERR bit offset is not an integer or out of range');
    assert.equal(await r('GETBIT', 'mykey', 1024 * 1024 * 8 - 1), 1);
  } finally {
    await r('CONFIG', 'SET', 'proto-max-bulk-len', 512 * 1024 * 1024);
    await r('DEL', 'mykey');
  }
});

test('SETBIT/GETBIT stay consistent with SETRANGE, APPEND, GETRANGE, STRLEN and GET', async () => {
  await r('DEL', 'mix');
  assert.equal(await r('SETBIT', 'mix', 9, 1), 0);
  assert.equal(await r('STRLEN', 'mix'), 2);
  assert.equal(await r('GET', 'mix'), '\x00\x40');
  assert.equal(await r('APPEND', 'mix', 'AB'), 4);
  assert.equal(await r('GETBIT', 'mix', 17), 1); // 'A' = 0x41 = 01000001
  assert.equal(await r('GETBIT', 'mix', 23), 1);
  assert.equal(await r('SETBIT', 'mix', 30, 1), 1); // 'B' = 0x42 = 01000010
  assert.equal(await r('SETBIT', 'mix', 31, 1), 0);
  assert.equal(await r('GET', 'mix'), '\x00\x40AC');
  assert.equal(await r('SETRANGE', 'mix', 6, 'Z'), 7);
  assert.equal(await r('GET', 'mix'), '\x00\x40AC\x00\x00Z');
  assert.equal(await r('SETBIT', 'mix', 70, 1), 0);
  assert.equal(await r('GETRANGE', 'mix', 4, -1), '\x00\x00Z\x00\x02');
  assert.equal(await r('BITCOUNT', 'mix'), 1 + 2 + 3 + 4 + 1);
  assert.equal(await r('STRLEN', 'mix'), 9);
  // A plain SET afterwards replaces the bitmap entirely.
  await r('SET', 'mix', 'x');
  assert.equal(await r('GETBIT', 'mix', 1), 1);
  assert.equal(await r('BITCOUNT', 'mix'), 4);
});

test('a SETBIT that changes nothing does not touch a WATCHed key, one that does aborts EXEC', async () => {
  const other = await srv.client();
  await r('SET', 'w', 'hello');
  await r('WATCH', 'w');
  assert.equal(await other.call('SETBIT', 'w', 0, 0), 0); // 'h' = 0x68: bit 0 is already 0
  await r('MULTI');
  await r('PING');
  assert.deepEqual(await r('EXEC'), [{ status: 'PONG' }]);
  await r('WATCH', 'w');
  assert.equal(await other.call('SETBIT', 'w', 0, 1), 0);
  await r('MULTI');
  await r('PING');
  assert.equal(await r('EXEC'), null);
  assert.equal(await r('GET', 'w'), '\xe8ello');
});

test('SETBIT and BITOP keyspace events', async () => {
  const ev = await startTestServer({ 'notify-keyspace-events': 'KEA' });
  try {
    const cl = await ev.client();
    const sub = await ev.client();
    await sub.call('PSUBSCRIBE', '__keyevent@0__:*');
    await cl.call('SETBIT', 'k', 0, 0); // new key: setbit
    await cl.call('SETBIT', 'k', 0, 0); // no change: no event
    await cl.call('SETBIT', 'k', 0, 1); // setbit
    await cl.call('SETBIT', 'k', 20, 0); // grows: setbit
    await cl.call('SET', 'e', 'hello');
    await cl.call('SETBIT', 'e', 0, 0); // no change: no event
    await cl.call('BITOP', 'AND', 'dest', 'k'); // set
    await cl.call('BITOP', 'AND', 'dest', 'nokey'); // empty result: del
    await cl.call('BITOP', 'AND', 'dest', 'nokey'); // nothing to delete: no event
    await cl.call('LPUSH', 'end', 'x');
    const events: string[] = [];
    for (;;) {
      const m = (await sub.nextPush()) as Reply[];
      const e = `${(m[2] as string).replace('__keyevent@0__:', '')} ${m[3] as string}`;
      if (e === 'lpush end') break;
      events.push(e);
    }
    assert.deepEqual(events, ['setbit k', 'setbit k', 'setbit k', 'set e', 'set dest', 'del dest']);
  } finally {
    await ev.close();
  }
});
