/**
 * Wire tests of BITCOUNT BITPOS BITOP (and SETBIT's change counting), mirroring Redis 7.0's
 * tests/unit/bitops.tcl, with exact replies and error strings as redis-server 7.0.15 gives
 * them; SETBIT/GETBIT's own cases are in setbit.test.ts. The fuzz tests use a
 * seeded PRNG and compare against a plain JS model of each command; the last block replays
 * random command mixes against the real redis-server when it is installed.
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertError,
  haveRedisServer,
  startOracle,
  startTestServer,
  type Oracle,
  type RespClient,
  type Reply,
  type TestServer,
} from '../helpers/server.js';

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

/** Tcl's randstring with binary content: min..max bytes of any value. */
function randString(rand: () => number, min: number, max: number): string {
  const len = min + randomInt(rand, max - min + 1);
  let s = '';
  for (let i = 0; i < len; i++) s += String.fromCharCode(randomInt(rand, 256));
  return s;
}

/** Model: the bits of a byte string, most significant bit of byte 0 first. */
function bitsOf(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) for (let b = 7; b >= 0; b--) out.push((s.charCodeAt(i) >> b) & 1);
  return out;
}

/** Model: set bits among bit indexes [start, end] (Tcl's count_bits_start_end). */
function countBits(s: string, start = 0, end = s.length * 8 - 1): number {
  return bitsOf(s).slice(start, end + 1).reduce((a, b) => a + b, 0);
}

/** Model of BITOP (Tcl's simulate_bit_op). */
function simulateBitOp(op: 'and' | 'or' | 'xor' | 'not', ...vals: string[]): string {
  const maxlen = Math.max(0, ...vals.map((v) => v.length));
  let out = '';
  for (let i = 0; i < maxlen; i++) {
    const byte = (v: string): number => (i < v.length ? v.charCodeAt(i) : 0);
    let b = byte(vals[0] as string);
    if (op === 'not') b = ~b & 0xff;
    for (let j = 1; j < vals.length; j++) {
      const x = byte(vals[j] as string);
      b = op === 'and' ? b & x : op === 'or' ? b | x : b ^ x;
    }
    out += String.fromCharCode(b);
  }
  return out;
}

async function dirty(): Promise<number> {
  const info = (await r('INFO', 'persistence')) as string;
  return Number(/rdb_changes_since_last_save:(\d+)/.exec(info)?.[1]);
}

// ---- SETBIT / BITFIELD changes -----------------------------------------------------------

test('SETBIT/BITFIELD only increase dirty when the value changed', async () => {
  await r('DEL', 'foo', 'foo2', 'foo3');
  const d1 = await dirty();
  // Creating a new key is always a change.
  await r('SETBIT', 'foo', 0, 0);
  await r('BITFIELD', 'foo2', 'SET', 'i5', 0, 0);
  const d2 = await dirty();
  assert.equal(d2, d1 + 2);
  // No change.
  await r('SETBIT', 'foo', 0, 0);
  await r('BITFIELD', 'foo2', 'SET', 'i5', 0, 0);
  const d3 = await dirty();
  assert.equal(d3, d2);
  // A change and a no change.
  await r('SETBIT', 'foo', 0, 1);
  await r('SETBIT', 'foo', 0, 1);
  await r('SETBIT', 'foo', 0, 0);
  await r('SETBIT', 'foo', 0, 0);
  await r('BITFIELD', 'foo2', 'SET', 'i5', 0, 1);
  await r('BITFIELD', 'foo2', 'SET', 'i5', 0, 1);
  await r('BITFIELD', 'foo2', 'SET', 'i5', 0, 0);
  await r('BITFIELD', 'foo2', 'SET', 'i5', 0, 0);
  const d4 = await dirty();
  assert.equal(d4, d3 + 4);
  // BITFIELD INCRBY of a non-zero amount always changes the value.
  await r('BITFIELD', 'foo3', 'INCRBY', 'i5', 0, 1);
  await r('BITFIELD', 'foo3', 'INCRBY', 'i5', 0, 1);
  const d5 = await dirty();
  assert.equal(d5, d4 + 2);
  // Growing the value alone is a change.
  await r('SETBIT', 'foo', 90, 0);
  await r('BITFIELD', 'foo2', 'SET', 'i5', 90, 0);
  assert.equal(await dirty(), d5 + 2);
});

// ---- BITCOUNT -----------------------------------------------------------------------------

test('BITCOUNT against wrong type', async () => {
  await r('DEL', 'mylist');
  await r('LPUSH', 'mylist', 'a', 'b', 'c');
  const WT = 'WRONGTYPE Operation against a key holding the wrong kind of value';
  assertError(await r('BITCOUNT', 'mylist'), WT);
  assertError(await r('BITCOUNT', 'mylist', 0, 100), WT);
  // with negative indexes where start > end
  assertError(await r('BITCOUNT', 'mylist', -6, -7), WT);
  assertError(await r('BITCOUNT', 'mylist', -6, -15, 'bit'), WT);
  // Redis 7.0 checks the type before the arguments.
  assertError(await r('BITCOUNT', 'mylist', 'a', 'b'), WT);
  assertError(await r('BITCOUNT', 'mylist', 0, 1, 'hello'), WT);
});

test('BITCOUNT returns 0 against non existing key', async () => {
  await r('DEL', 'no-key');
  assert.equal(await r('BITCOUNT', 'no-key'), 0);
  assert.equal(await r('BITCOUNT', 'no-key', 0, 1000, 'bit'), 0);
  // Redis 7.0 answers 0 for a missing key before looking at the other arguments.
  assert.equal(await r('BITCOUNT', 'no-key', 0), 0);
  assert.equal(await r('BITCOUNT', 'no-key', 'a', 'b'), 0);
  assert.equal(await r('BITCOUNT', 'no-key', 0, 1, 'hello'), 0);
  assert.equal(await r('BITCOUNT', 'no-key', 0, 1, 'hello', 'hello2'), 0);
});

test('BITCOUNT returns 0 with out of range indexes', async () => {
  await r('SET', 'str', 'xxxx');
  assert.equal(await r('BITCOUNT', 'str', 4, 10), 0);
  assert.equal(await r('BITCOUNT', 'str', 32, 87, 'bit'), 0);
});

test('BITCOUNT returns 0 with negative indexes where start > end', async () => {
  await r('SET', 'str', 'xxxx');
  assert.equal(await r('BITCOUNT', 'str', -6, -7), 0);
  assert.equal(await r('BITCOUNT', 'str', -6, -15, 'bit'), 0);
  // The shortcut comes before the unit is checked.
  assert.equal(await r('BITCOUNT', 'str', -6, -7, 'hello'), 0);
  // Both clamp to 0 otherwise: the first byte.
  assert.equal(await r('BITCOUNT', 'str', -100, -10), countBits('x'));
  await r('DEL', 'str');
  assert.equal(await r('BITCOUNT', 'str', -6, -7), 0);
  assert.equal(await r('BITCOUNT', 'str', -6, -15, 'bit'), 0);
});

const VECTORS = ['', '\xaa', '\x00\x00\xff', 'foobar', '123'];
VECTORS.forEach((vec, i) => {
  test(`BITCOUNT against test vector #${i + 1}`, async () => {
    await r('SET', 'str', vec);
    const count = countBits(vec);
    assert.equal(await r('BITCOUNT', 'str'), count);
    assert.equal(await r('BITCOUNT', 'str', 0, -1, 'bit'), count);
    assert.equal(await r('BITCOUNT', 'str', 0, -1, 'BYTE'), count);
  });
});

test('BITCOUNT fuzzing without start/end', async () => {
  const rand = rng(1);
  for (let j = 0; j < 100; j++) {
    const str = randString(rand, 0, 3000);
    await r('SET', 'str', str);
    const count = countBits(str);
    assert.equal(await r('BITCOUNT', 'str'), count);
    assert.equal(await r('BITCOUNT', 'str', 0, -1, 'bit'), count);
  }
});

test('BITCOUNT fuzzing with start/end', async () => {
  const rand = rng(2);
  for (let j = 0; j < 100; j++) {
    const str = randString(rand, 0, 3000);
    await r('SET', 'str', str);
    let start = randomInt(rand, str.length);
    let end = randomInt(rand, str.length);
    if (start > end) [start, end] = [end, start];
    assert.equal(await r('BITCOUNT', 'str', start, end), countBits(str.slice(start, end + 1)));
  }
  for (let j = 0; j < 100; j++) {
    const str = randString(rand, 0, 3000);
    await r('SET', 'str', str);
    let start = randomInt(rand, str.length * 8);
    let end = randomInt(rand, str.length * 8);
    if (start > end) [start, end] = [end, start];
    assert.equal(await r('BITCOUNT', 'str', start, end, 'bit'), countBits(str, start, end));
  }
});

test('BITCOUNT with start, end', async () => {
  const s = 'foobar';
  await r('SET', 's', s);
  assert.equal(await r('BITCOUNT', 's', 0, -1), countBits('foobar'));
  assert.equal(await r('BITCOUNT', 's', 1, -2), countBits('ooba'));
  assert.equal(await r('BITCOUNT', 's', -2, 1), countBits(''));
  assert.equal(await r('BITCOUNT', 's', 0, 1000), countBits('foobar'));

  assert.equal(await r('BITCOUNT', 's', 0, -1, 'bit'), countBits(s));
  assert.equal(await r('BITCOUNT', 's', 10, 14, 'bit'), countBits(s, 10, 14));
  assert.equal(await r('BITCOUNT', 's', 3, 14, 'bit'), countBits(s, 3, 14));
  assert.equal(await r('BITCOUNT', 's', 3, 29, 'bit'), countBits(s, 3, 29));
  assert.equal(await r('BITCOUNT', 's', 10, -34, 'bit'), countBits(s, 10, 14));
  assert.equal(await r('BITCOUNT', 's', 3, -34, 'bit'), countBits(s, 3, 14));
  assert.equal(await r('BITCOUNT', 's', 3, -19, 'bit'), countBits(s, 3, 29));
  assert.equal(await r('BITCOUNT', 's', -2, 1, 'bit'), 0);
  assert.equal(await r('BITCOUNT', 's', 0, 1000, 'bit'), countBits(s));
});

test('BITCOUNT with illegal arguments', async () => {
  await r('SET', 's', 1);
  assertError(await r('BITCOUNT', 's', 0), 'ERR syntax error');
  assertError(await r('BITCOUNT', 's', 0, 1, 'hello'), 'ERR syntax error');
  assertError(await r('BITCOUNT', 's', 0, 1, 'hello', 'hello2'), 'ERR syntax error');
});

test('BITCOUNT against non-integer value', async () => {
  await r('SET', 's', 1);
  assertError(await r('BITCOUNT', 's', 'a', 'b'), 'ERR value is not an integer or out of range');
  assertError(await r('BITCOUNT', 's', 0, 'b'), 'ERR value is not an integer or out of range');
  assertError(await r('BITCOUNT', 's', 0, 'b', 'bit'), 'ERR value is not an integer or out of range');
  assertError(await r('BITCOUNT', 's', '9223372036854775808', 1), 'ERR value is not an integer or out of range');
});

test('BITCOUNT regression test for github issue #582', async () => {
  await r('DEL', 'foo');
  await r('SETBIT', 'foo', 0, 1);
  assert.equal(await r('BITCOUNT', 'foo', 0, 4294967296), 1);
  assert.equal(await r('BITCOUNT', 'foo', '-9223372036854775808', '9223372036854775807'), 1);
  assert.equal(await r('BITCOUNT', 'foo', '-9223372036854775808', '9223372036854775807', 'bit'), 1);
});

test('BITCOUNT misaligned prefix', async () => {
  await r('DEL', 'str');
  await r('SET', 'str', 'ab');
  assert.equal(await r('BITCOUNT', 'str', 1, -1), 3);
});

test('BITCOUNT misaligned prefix + full words + remainder', async () => {
  await r('DEL', 'str');
  await r('SET', 'str', '__PPxxxxxxxxxxxxxxxxRR__');
  assert.equal(await r('BITCOUNT', 'str', 2, -3), 74);
});

test('BITCOUNT and BITPOS over large values (word-at-a-time paths), compact and raw', async () => {
  const rand = rng(3);
  // ~200KB: spans several 64KB chunks of a compact value.
  let big = '';
  for (let i = 0; i < 200_003; i++) big += String.fromCharCode(randomInt(rand, 256));
  const bits = bitsOf(big);
  const prefix: number[] = [0];
  for (const b of bits) prefix.push((prefix[prefix.length - 1] as number) + b);
  const count = (s: number, e: number): number => (prefix[e + 1] as number) - (prefix[s] as number);
  for (const form of ['compact', 'raw']) {
    await r('SET', 'big', big);
    if (form === 'raw') await r('SETRANGE', 'big', 0, big.slice(0, 1));
    assert.equal(await r('OBJECT', 'ENCODING', 'big'), 'raw');
    assert.equal(await r('BITCOUNT', 'big'), count(0, bits.length - 1), form);
    for (let k = 0; k < 30; k++) {
      let s = randomInt(rand, bits.length);
      let e = randomInt(rand, bits.length);
      if (s > e) [s, e] = [e, s];
      assert.equal(await r('BITCOUNT', 'big', s, e, 'BIT'), count(s, e), `${form} bits ${s}..${e}`);
      const bs = s >> 3;
      const be = e >> 3;
      assert.equal(await r('BITCOUNT', 'big', bs, be), count(bs * 8, be * 8 + 7), `${form} bytes ${bs}..${be}`);
    }
  }
  // Long runs of zeros / ones, the found bit near the end, at every alignment.
  for (const bit of [0, 1]) {
    const fill = bit === 1 ? '\x00' : '\xff';
    for (const at of [0, 1, 5, 131071, 150001, 199999]) {
      const str = fill.repeat(at) + (bit === 1 ? '\x01' : '\xfe') + fill.repeat(200_000 - at);
      await r('SET', 'run', str);
      assert.equal(await r('BITPOS', 'run', bit), at * 8 + 7, `bit ${bit} at ${at}`);
      assert.equal(await r('BITPOS', 'run', bit, 0, -1, 'BIT'), at * 8 + 7);
      assert.equal(await r('BITPOS', 'run', bit, Math.max(0, at - 3)), at * 8 + 7);
      assert.equal(await r('BITPOS', 'run', bit, at * 8 + 7, at * 8 + 7, 'BIT'), at * 8 + 7);
      // Nothing after it: -1 for a 1; for a 0 (no end given) the first bit past the value.
      assert.equal(await r('BITPOS', 'run', bit, at + 1), bit === 1 ? -1 : 200_001 * 8);
      await r('SETRANGE', 'run', 200_000, fill); // the same bytes, now in a RawString
      assert.equal(await r('BITPOS', 'run', bit), at * 8 + 7, `raw bit ${bit} at ${at}`);
      assert.equal(await r('BITPOS', 'run', bit, 3, -2, 'BYTE'), at >= 3 && at <= 200_000 - 1 ? at * 8 + 7 : -1);
    }
  }
});

// ---- BITOP --------------------------------------------------------------------------------

test('BITOP NOT (empty string)', async () => {
  await r('SET', 's', '');
  assert.equal(await r('BITOP', 'NOT', 'dest', 's'), 0);
  assert.equal(await r('GET', 'dest'), null);
});

test('BITOP NOT (known string)', async () => {
  await r('SET', 's', '\xaa\x00\xff\x55');
  assert.equal(await r('BITOP', 'NOT', 'dest', 's'), 4);
  assert.equal(await r('GET', 'dest'), '\x55\xff\x00\xaa');
  assert.equal(await r('OBJECT', 'ENCODING', 'dest'), 'raw');
});

test('BITOP NOT with multiple source keys', async () => {
  await r('SET', 's', '\xaa\x00\xff\x55');
  assertError(await r('BITOP', 'NOT', 'dest', 's', 's'), 'ERR BITOP NOT must be called with a single source key.');
});

test('BITOP with an unknown operation and too few arguments', async () => {
  assertError(await r('BITOP', 'NAND', 'dest', 's'), 'ERR syntax error');
  assertError(await r('BITOP', 'NOT', 'dest'), "ERR wrong number of arguments for 'bitop' command");
  assert.equal(await r('BITOP', 'aNd', 'dest', 's'), 4);
});

test('BITOP where dest and target are the same key', async () => {
  await r('SET', 's', '\xaa\x00\xff\x55');
  await r('BITOP', 'NOT', 's', 's');
  assert.equal(await r('GET', 's'), '\x55\xff\x00\xaa');
});

test("BITOP AND|OR|XOR don't change the string with single input key", async () => {
  await r('SET', 'a', '\x01\x02\xff');
  await r('BITOP', 'AND', 'res1', 'a');
  await r('BITOP', 'OR', 'res2', 'a');
  await r('BITOP', 'XOR', 'res3', 'a');
  assert.deepEqual([await r('GET', 'res1'), await r('GET', 'res2'), await r('GET', 'res3')], ['\x01\x02\xff', '\x01\x02\xff', '\x01\x02\xff']);
});

test('BITOP missing key is considered a stream of zero', async () => {
  await r('SET', 'a', '\x01\x02\xff');
  await r('BITOP', 'AND', 'res1', 'no-suck-key', 'a');
  await r('BITOP', 'OR', 'res2', 'no-suck-key', 'a', 'no-such-key');
  await r('BITOP', 'XOR', 'res3', 'no-such-key', 'a');
  assert.deepEqual([await r('GET', 'res1'), await r('GET', 'res2'), await r('GET', 'res3')], ['\x00\x00\x00', '\x01\x02\xff', '\x01\x02\xff']);
});

test('BITOP shorter keys are zero-padded to the key with max length', async () => {
  await r('SET', 'a', '\x01\x02\xff\xff');
  await r('SET', 'b', '\x01\x02\xff');
  await r('BITOP', 'AND', 'res1', 'a', 'b');
  await r('BITOP', 'OR', 'res2', 'a', 'b');
  await r('BITOP', 'XOR', 'res3', 'a', 'b');
  assert.deepEqual([await r('GET', 'res1'), await r('GET', 'res2'), await r('GET', 'res3')], ['\x01\x02\xff\x00', '\x01\x02\xff\xff', '\x00\x00\x00\xff']);
});

for (const op of ['and', 'or', 'xor'] as const) {
  test(`BITOP ${op} fuzzing`, async () => {
    const rand = rng(op.charCodeAt(0));
    for (let i = 0; i < 10; i++) {
      await r('FLUSHALL');
      const vec: string[] = [];
      const keys: string[] = [];
      const numvec = randomInt(rand, 10) + 1;
      for (let j = 0; j < numvec; j++) {
        const str = randString(rand, 0, 1000);
        vec.push(str);
        keys.push(`vector_${j}`);
        // Half the sources edited in place (RawString), half compact.
        await r('SET', `vector_${j}`, str);
        if (rand() < 0.5 && str.length > 0) await r('SETRANGE', `vector_${j}`, 0, str.slice(0, 1));
      }
      const expected = simulateBitOp(op, ...vec);
      assert.equal(await r('BITOP', op, 'target', ...keys), expected.length);
      assert.equal(await r('GET', 'target'), expected.length === 0 ? null : expected);
    }
  });
}

test('BITOP NOT fuzzing', async () => {
  const rand = rng(4);
  for (let i = 0; i < 10; i++) {
    await r('FLUSHALL');
    const str = randString(rand, 0, 1000);
    await r('SET', 'str', str);
    await r('BITOP', 'NOT', 'target', 'str');
    assert.equal(await r('GET', 'target'), str.length === 0 ? null : simulateBitOp('not', str));
  }
});

test('BITOP over large values (word-at-a-time path)', async () => {
  const rand = rng(5);
  const vals = [randString(rand, 70_000, 70_000), randString(rand, 65_536, 65_536), randString(rand, 100_001, 100_001)];
  for (const [i, v] of vals.entries()) await r('SET', `L${i}`, v);
  // L0 and L1 stay compact, L2 becomes a RawString.
  await r('SETRANGE', 'L2', 0, (vals[2] as string).slice(0, 1));
  for (const op of ['and', 'or', 'xor'] as const) {
    assert.equal(await r('BITOP', op, 'Ldest', 'L0', 'L1', 'L2'), 100_001);
    assert.equal(await r('GET', 'Ldest'), simulateBitOp(op, ...vals), op);
  }
  await r('BITOP', 'NOT', 'Ldest', 'L2');
  assert.equal(await r('GET', 'Ldest'), simulateBitOp('not', vals[2] as string));
});

test('BITOP with integer encoded source objects', async () => {
  await r('SET', 'a', 1);
  await r('SET', 'b', 2);
  await r('BITOP', 'XOR', 'dest', 'a', 'b', 'a');
  assert.equal(await r('GET', 'dest'), '2');
});

test('BITOP with non string source key', async () => {
  await r('DEL', 'c');
  await r('SET', 'a', 1);
  await r('SET', 'b', 2);
  await r('LPUSH', 'c', 'foo');
  assertError(await r('BITOP', 'XOR', 'dest', 'a', 'b', 'c', 'd'), 'WRONGTYPE Operation against a key holding the wrong kind of value');
});

test('BITOP with empty string after non empty string (issue #529)', async () => {
  await r('FLUSHDB');
  await r('SET', 'a', '\x00'.repeat(32));
  assert.equal(await r('BITOP', 'OR', 'x', 'a', 'b'), 32);
});

test('BITOP overwrites a destination of any type and drops its TTL', async () => {
  await r('DEL', 'dst');
  await r('RPUSH', 'dst', 'a');
  await r('SET', 'src', 'abc');
  assert.equal(await r('BITOP', 'OR', 'dst', 'src'), 3);
  assert.equal(await r('GET', 'dst'), 'abc');
  await r('EXPIRE', 'dst', 100);
  await r('BITOP', 'AND', 'dst', 'src');
  assert.equal(await r('TTL', 'dst'), -1);
  // An empty result deletes the destination, whatever it held.
  await r('SADD', 'dst2', 'x');
  assert.equal(await r('BITOP', 'OR', 'dst2', 'nothing'), 0);
  assert.equal(await r('EXISTS', 'dst2'), 0);
});

// ---- BITPOS -------------------------------------------------------------------------------

test('BITPOS against wrong type', async () => {
  await r('DEL', 'mylist');
  await r('LPUSH', 'mylist', 'a', 'b', 'c');
  assertError(await r('BITPOS', 'mylist', 0), 'WRONGTYPE*');
  assertError(await r('BITPOS', 'mylist', 1, 10, 100), 'WRONGTYPE*');
  assertError(await r('BITPOS', 'mylist', 1, 'a', 'b'), 'WRONGTYPE*');
});

test('BITPOS will illegal arguments', async () => {
  // Redis 7.0 answers for a missing key before looking at the range.
  await r('DEL', 's');
  assert.equal(await r('BITPOS', 's', 0, 1, 'hello', 'hello2'), 0);
  assert.equal(await r('BITPOS', 's', 1, 0, 1, 'hello'), -1);
  await r('SET', 's', 1);
  assertError(await r('BITPOS', 's', 0, 1, 'hello', 'hello2'), 'ERR syntax error');
  assertError(await r('BITPOS', 's', 0, 0, 1, 'hello'), 'ERR syntax error');
  assertError(await r('BITPOS', 's', 0, 0, 'a', 'hello'), 'ERR syntax error');
  assertError(await r('BITPOS', 's', 2), 'ERR The bit argument must be 1 or 0.');
  assertError(await r('BITPOS', 's', -1), 'ERR The bit argument must be 1 or 0.');
  await r('DEL', 's');
  assertError(await r('BITPOS', 's', 2), 'ERR The bit argument must be 1 or 0.');
});

test('BITPOS against non-integer value', async () => {
  const NI = 'ERR value is not an integer or out of range';
  await r('SET', 's', 1);
  assertError(await r('BITPOS', 's', 'a'), NI);
  assertError(await r('BITPOS', 's', 0, 'a', 'b'), NI);
  assertError(await r('BITPOS', 's', 0, 0, 'a', 'bit'), NI);
  assertError(await r('BITPOS', 's', '01'), NI);
  await r('DEL', 's');
  assertError(await r('BITPOS', 's', 'b'), NI);
  await r('LPUSH', 's', 'a', 'b', 'c');
  assertError(await r('BITPOS', 's', 'a'), NI);
});

test('BITPOS bit=0 with empty key returns 0', async () => {
  await r('DEL', 'str');
  assert.equal(await r('BITPOS', 'str', 0), 0);
  assert.equal(await r('BITPOS', 'str', 0, 0, -1, 'bit'), 0);
});

test('BITPOS bit=1 with empty key returns -1', async () => {
  await r('DEL', 'str');
  assert.equal(await r('BITPOS', 'str', 1), -1);
  assert.equal(await r('BITPOS', 'str', 1, 0, -1), -1);
});

test('BITPOS against an empty string value', async () => {
  await r('SET', 'str', '');
  assert.equal(await r('BITPOS', 'str', 0), -1);
  assert.equal(await r('BITPOS', 'str', 1), -1);
  assert.equal(await r('BITPOS', 'str', 0, 0), -1);
});

test('BITPOS bit=0 with string less than 1 word works', async () => {
  await r('SET', 'str', '\xff\xf0\x00');
  assert.equal(await r('BITPOS', 'str', 0), 12);
  assert.equal(await r('BITPOS', 'str', 0, 0, -1, 'bit'), 12);
});

test('BITPOS bit=1 with string less than 1 word works', async () => {
  await r('SET', 'str', '\x00\x0f\x00');
  assert.equal(await r('BITPOS', 'str', 1), 12);
  assert.equal(await r('BITPOS', 'str', 1, 0, -1, 'bit'), 12);
});

test('BITPOS bit=0 starting at unaligned address', async () => {
  await r('SET', 'str', '\xff\xf0\x00');
  assert.equal(await r('BITPOS', 'str', 0, 1), 12);
  assert.equal(await r('BITPOS', 'str', 0, 1, -1, 'bit'), 12);
});

test('BITPOS bit=1 starting at unaligned address', async () => {
  await r('SET', 'str', '\x00\x0f\xff');
  assert.equal(await r('BITPOS', 'str', 1, 1), 12);
  assert.equal(await r('BITPOS', 'str', 1, 1, -1, 'bit'), 12);
});

for (const bit of [0, 1]) {
  test(`BITPOS bit=${bit} unaligned+full word+reminder`, async () => {
    const fill = bit === 0 ? '\xff' : '\x00';
    await r('DEL', 'str');
    await r('SET', 'str', fill.repeat(3)); // Prefix
    // Followed by two (or four in 32 bit systems) full words
    for (let i = 0; i < 3; i++) await r('APPEND', 'str', fill.repeat(8));
    // First matching bit.
    await r('APPEND', 'str', bit === 0 ? '\x0f' : '\xf0');
    for (let s = 0; s <= 8; s++) assert.equal(await r('BITPOS', 'str', bit, s), 216, `start ${s}`);
    for (let s = 1; s <= 65; s += 8) assert.equal(await r('BITPOS', 'str', bit, s, -1, 'bit'), 216, `bit start ${s}`);
  });
}

test('BITPOS bit=1 returns -1 if string is all 0 bits', async () => {
  await r('SET', 'str', '');
  for (let j = 0; j < 20; j++) {
    assert.equal(await r('BITPOS', 'str', 1), -1);
    assert.equal(await r('BITPOS', 'str', 1, 0, -1, 'bit'), -1);
    await r('APPEND', 'str', '\x00');
  }
});

test('BITPOS bit=0 works with intervals', async () => {
  await r('SET', 'str', '\x00\xff\x00');
  assert.equal(await r('BITPOS', 'str', 0, 0, -1), 0);
  assert.equal(await r('BITPOS', 'str', 0, 1, -1), 16);
  assert.equal(await r('BITPOS', 'str', 0, 2, -1), 16);
  assert.equal(await r('BITPOS', 'str', 0, 2, 200), 16);
  assert.equal(await r('BITPOS', 'str', 0, 1, 1), -1);

  assert.equal(await r('BITPOS', 'str', 0, 0, -1, 'bit'), 0);
  assert.equal(await r('BITPOS', 'str', 0, 8, -1, 'bit'), 16);
  assert.equal(await r('BITPOS', 'str', 0, 16, -1, 'bit'), 16);
  assert.equal(await r('BITPOS', 'str', 0, 16, 200, 'bit'), 16);
  assert.equal(await r('BITPOS', 'str', 0, 8, 8, 'bit'), -1);
});

test('BITPOS bit=1 works with intervals', async () => {
  await r('SET', 'str', '\x00\xff\x00');
  assert.equal(await r('BITPOS', 'str', 1, 0, -1), 8);
  assert.equal(await r('BITPOS', 'str', 1, 1, -1), 8);
  assert.equal(await r('BITPOS', 'str', 1, 2, -1), -1);
  assert.equal(await r('BITPOS', 'str', 1, 2, 200), -1);
  assert.equal(await r('BITPOS', 'str', 1, 1, 1), 8);

  assert.equal(await r('BITPOS', 'str', 1, 0, -1, 'bit'), 8);
  assert.equal(await r('BITPOS', 'str', 1, 8, -1, 'bit'), 8);
  assert.equal(await r('BITPOS', 'str', 1, 16, -1, 'bit'), -1);
  assert.equal(await r('BITPOS', 'str', 1, 16, 200, 'bit'), -1);
  assert.equal(await r('BITPOS', 'str', 1, 8, 8, 'bit'), 8);
});

test('BITPOS bit=0 changes behavior if end is given', async () => {
  await r('SET', 'str', '\xff\xff\xff');
  assert.equal(await r('BITPOS', 'str', 0), 24);
  assert.equal(await r('BITPOS', 'str', 0, 0), 24);
  assert.equal(await r('BITPOS', 'str', 0, 0, -1), -1);
  assert.equal(await r('BITPOS', 'str', 0, 0, -1, 'bit'), -1);
  // Start past the end: an empty range.
  assert.equal(await r('BITPOS', 'str', 0, 3), -1);
  // Both negative and start > end still clamp to the first byte (no BITCOUNT-style shortcut).
  assert.equal(await r('BITPOS', 'str', 1, -10, -20), 0);
});

test('BITPOS bit=1 fuzzy testing using SETBIT', async () => {
  const rand = rng(6);
  await r('DEL', 'str');
  const max = 524288; // 64k
  let firstOnePos = -1;
  for (let j = 0; j < 1000; j++) {
    assert.equal(await r('BITPOS', 'str', 1), firstOnePos);
    assert.equal(await r('BITPOS', 'str', 1, 0, -1, 'bit'), firstOnePos);
    const pos = randomInt(rand, max);
    await r('SETBIT', 'str', pos, 1);
    if (firstOnePos === -1 || firstOnePos > pos) firstOnePos = pos;
  }
});

test('BITPOS bit=0 fuzzy testing using SETBIT', async () => {
  const rand = rng(7);
  const max = 524288; // 64k
  let firstZeroPos = max;
  await r('SET', 'str', '\xff'.repeat(max / 8));
  for (let j = 0; j < 1000; j++) {
    assert.equal(await r('BITPOS', 'str', 0), firstZeroPos);
    assert.equal(await r('BITPOS', 'str', 0, 0, -1, 'bit'), firstZeroPos === max ? -1 : firstZeroPos);
    const pos = randomInt(rand, max);
    await r('SETBIT', 'str', pos, 0);
    if (firstZeroPos > pos) firstZeroPos = pos;
  }
});

test('BITPOS/BITCOUNT fuzzy testing using SETBIT', async () => {
  // A 10-byte string, all ones but one zero (then all zeros but one one); each query range is
  // picked around the odd bit, in byte and in bit units.
  const rand = rng(8);
  const randomRange = (lo: number, hi: number): number => lo + randomInt(rand, hi - lo);
  async function testOne(start1: number, end1: number, start2: number, end2: number, pos: number, bit: number, unit: 'byte' | 'bit'): Promise<void> {
    let start = randomRange(start1, end1);
    let end = randomRange(start2, end2);
    if (start > end) [start, end] = [end, start];
    const startbit = unit === 'byte' ? start * 8 : start;
    const endbit = unit === 'byte' ? end * 8 + 7 : end;
    const inrange = pos >= startbit && pos <= endbit ? 1 : 0;
    const resCount = (endbit - startbit + 1) * (1 - bit) + inrange * (bit ? 1 : -1);
    assert.equal(await r('BITPOS', 'str', bit, start, end, unit), inrange ? pos : -1, `bitpos ${bit} ${start} ${end} ${unit}`);
    assert.equal(await r('BITCOUNT', 'str', start, end, unit), resCount, `bitcount ${start} ${end} ${unit}`);
  }
  await r('DEL', 'str');
  const max = 80;
  await r('SETBIT', 'str', max - 1, 0);
  const bytes = max >> 3;
  for (let bit = 0; bit < 2; bit++) {
    await r('BITOP', 'NOT', 'str', 'str');
    for (let j = 0; j < max; j++) {
      await r('SETBIT', 'str', j, bit);
      for (const [curr, end, unit] of [[j >> 3, bytes, 'byte'], [j, max, 'bit']] as const) {
        await testOne(curr, curr + 1, curr, curr + 1, j, bit, unit);
        if (curr > 0) await testOne(0, curr, 0, curr, j, bit, unit);
        if (curr < end - 1) await testOne(curr + 1, end, curr + 1, end, j, bit, unit);
        if (curr > 0 && curr < end - 1) await testOne(0, curr, curr + 1, end, j, bit, unit);
      }
      await r('SETBIT', 'str', j, 1 - bit);
    }
  }
});

// ---- against the real server --------------------------------------------------------------

describe('bitmap commands agree with redis-server 7.0 on random operations', { skip: !haveRedisServer() && 'redis-server is not installed' }, () => {
  let oracle: Oracle;
  let o: RespClient;
  let ours: RespClient;

  before(async () => {
    oracle = await startOracle();
    o = await oracle.client();
    ours = await srv.client();
  });

  after(async () => {
    await oracle.close();
  });

  test('random SETBIT GETBIT BITCOUNT BITPOS BITOP mixes give the same replies', async () => {
    const rand = rng(9);
    await o.call('FLUSHALL');
    await ours.call('FLUSHALL');
    const keys = ['k0', 'k1', 'k2', 'k3', 'klist'];
    await o.call('RPUSH', 'klist', 'x');
    await ours.call('RPUSH', 'klist', 'x');
    const idx = (): string => {
      const roll = rand();
      if (roll < 0.05) return String(-randomInt(rand, 200) - 1);
      if (roll < 0.08) return ['9223372036854775807', '-9223372036854775808', 'x', '1.5'][randomInt(rand, 4)] as string;
      return String(randomInt(rand, 300) - 40);
    };
    const unit = (): string[] => {
      const roll = rand();
      return roll < 0.3 ? [] : roll < 0.6 ? ['BIT'] : roll < 0.9 ? ['byte'] : ['nope'];
    };
    const key = (): string => keys[randomInt(rand, keys.length)] as string;
    for (let i = 0; i < 3000; i++) {
      let cmd: string[];
      switch (randomInt(rand, 9)) {
        case 0:
        case 1:
          cmd = ['SETBIT', key(), String(randomInt(rand, 400)), String(rand() < 0.95 ? randomInt(rand, 2) : 2)];
          break;
        case 2:
          cmd = ['GETBIT', key(), String(randomInt(rand, 450))];
          break;
        case 3:
          cmd = ['BITCOUNT', key(), ...(rand() < 0.2 ? [] : [idx(), idx(), ...unit()])];
          break;
        case 4:
          cmd = ['BITPOS', key(), String(randomInt(rand, 2)), ...[[], [idx()], [idx(), idx()], [idx(), idx(), ...unit()]][randomInt(rand, 4)]!];
          break;
        case 5:
          cmd = ['BITOP', ['AND', 'OR', 'XOR', 'NOT'][randomInt(rand, 4)] as string, key(), key(), ...(rand() < 0.5 ? [key()] : [])];
          break;
        case 6:
          cmd = ['SET', key(), randString(rand, 0, 60)];
          break;
        case 7:
          cmd = ['SETRANGE', key(), String(randomInt(rand, 40)), randString(rand, 1, 5)];
          break;
        default:
          cmd = ['APPEND', key(), randString(rand, 0, 8)];
      }
      const want = await o.call(...cmd);
      const got = await ours.call(...cmd);
      assert.deepEqual(got, want, `#${i} ${JSON.stringify(cmd)}`);
    }
    for (const k of keys.slice(0, 4)) assert.equal(await ours.call('GET', k), await o.call('GET', k), k);
  });
});
