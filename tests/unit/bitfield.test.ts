/**
 * Wire tests of BITFIELD and BITFIELD_RO, mirroring Redis 7.0's tests/unit/bitfield.tcl, plus
 * the argument errors in Redis's order, the '#N' offset arithmetic, overflow edge cases of
 * 64-bit fields, keyspace events and RESP3 nulls. The fuzz tests use a seeded PRNG and a
 * BigInt model; the last block replays random BITFIELD commands against the real
 * redis-server when it is installed.
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
import { encodeCommand } from '../helpers/resp-client.js';

let srv: TestServer;
let c: RespClient;

before(async () => {
  srv = await startTestServer();
  c = await srv.client();
});

after(async () => {
  await srv.close();
});

const r = (...args: (string | number | bigint | Buffer)[]): Promise<Reply> => c.call(...args.map((a) => (typeof a === 'bigint' ? String(a) : a)));

const TYPE_ERR = 'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.';
const OFFSET_ERR = 'ERR bit offset is not an integer or out of range';

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

/** A uniform random bigint in [0, n). */
function randomBig(rand: () => number, n: bigint): bigint {
  let x = 0n;
  for (let i = 0; i < 5; i++) x = (x << 32n) | BigInt(randomInt(rand, 2 ** 32));
  return x % n;
}

const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
const clamp64 = (x: bigint): bigint => (x > INT64_MAX ? INT64_MAX : x < INT64_MIN ? INT64_MIN : x);

/** Integer replies as bigints, whatever size the client decoded them as. */
const big = (x: Reply): bigint | null => (x === null ? null : BigInt(x as number | bigint));

test('BITFIELD signed SET and GET basics', async () => {
  await r('DEL', 'bits');
  assert.deepEqual(await r('BITFIELD', 'bits', 'SET', 'i8', 0, -100), [0]);
  assert.deepEqual(await r('BITFIELD', 'bits', 'SET', 'i8', 0, 101), [-100]);
  assert.deepEqual(await r('BITFIELD', 'bits', 'GET', 'i8', 0), [101]);
});

test('BITFIELD unsigned SET and GET basics', async () => {
  await r('DEL', 'bits');
  assert.deepEqual(await r('BITFIELD', 'bits', 'SET', 'u8', 0, 255), [0]);
  assert.deepEqual(await r('BITFIELD', 'bits', 'SET', 'u8', 0, 100), [255]);
  assert.deepEqual(await r('BITFIELD', 'bits', 'GET', 'u8', 0), [100]);
});

test('BITFIELD signed SET and GET together', async () => {
  await r('DEL', 'bits');
  assert.deepEqual(await r('BITFIELD', 'bits', 'SET', 'i8', 0, 255, 'SET', 'i8', 0, 100, 'GET', 'i8', 0), [0, -1, 100]);
});

test('BITFIELD unsigned with SET, GET and INCRBY arguments', async () => {
  await r('DEL', 'bits');
  assert.deepEqual(await r('BITFIELD', 'bits', 'SET', 'u8', 0, 255, 'INCRBY', 'u8', 0, 100, 'GET', 'u8', 0), [0, 99, 99]);
});

test('BITFIELD with only key as argument', async () => {
  await r('DEL', 'bits');
  assert.deepEqual(await r('BITFIELD', 'bits'), []);
  assert.equal(await r('EXISTS', 'bits'), 0);
});

test('BITFIELD #<idx> form', async () => {
  await r('DEL', 'bits');
  await r('BITFIELD', 'bits', 'SET', 'u8', '#0', 65);
  await r('BITFIELD', 'bits', 'SET', 'u8', '#1', 66);
  await r('BITFIELD', 'bits', 'SET', 'u8', '#2', 67);
  assert.equal(await r('GET', 'bits'), 'ABC');
});

test('BITFIELD basic INCRBY form', async () => {
  await r('DEL', 'bits');
  await r('BITFIELD', 'bits', 'SET', 'u8', '#0', 10);
  assert.deepEqual(await r('BITFIELD', 'bits', 'INCRBY', 'u8', '#0', 100), [110]);
  assert.deepEqual(await r('BITFIELD', 'bits', 'INCRBY', 'u8', '#0', 100), [210]);
});

test('BITFIELD chaining of multiple commands', async () => {
  await r('DEL', 'bits');
  await r('BITFIELD', 'bits', 'SET', 'u8', '#0', 10);
  assert.deepEqual(await r('BITFIELD', 'bits', 'INCRBY', 'u8', '#0', 100, 'INCRBY', 'u8', '#0', 100), [110, 210]);
});

test('BITFIELD unsigned overflow wrap', async () => {
  await r('DEL', 'bits');
  await r('BITFIELD', 'bits', 'SET', 'u8', '#0', 100);
  assert.deepEqual(await r('BITFIELD', 'bits', 'OVERFLOW', 'WRAP', 'INCRBY', 'u8', '#0', 257), [101]);
  assert.deepEqual(await r('BITFIELD', 'bits', 'GET', 'u8', '#0'), [101]);
  assert.deepEqual(await r('BITFIELD', 'bits', 'OVERFLOW', 'WRAP', 'INCRBY', 'u8', '#0', 255), [100]);
  assert.deepEqual(await r('BITFIELD', 'bits', 'GET', 'u8', '#0'), [100]);
});

test('BITFIELD unsigned overflow sat', async () => {
  await r('DEL', 'bits');
  await r('BITFIELD', 'bits', 'SET', 'u8', '#0', 100);
  assert.deepEqual(await r('BITFIELD', 'bits', 'OVERFLOW', 'SAT', 'INCRBY', 'u8', '#0', 257), [255]);
  assert.deepEqual(await r('BITFIELD', 'bits', 'GET', 'u8', '#0'), [255]);
  assert.deepEqual(await r('BITFIELD', 'bits', 'OVERFLOW', 'SAT', 'INCRBY', 'u8', '#0', -255), [0]);
  assert.deepEqual(await r('BITFIELD', 'bits', 'GET', 'u8', '#0'), [0]);
});

test('BITFIELD signed overflow wrap', async () => {
  await r('DEL', 'bits');
  await r('BITFIELD', 'bits', 'SET', 'i8', '#0', 100);
  assert.deepEqual(await r('BITFIELD', 'bits', 'OVERFLOW', 'WRAP', 'INCRBY', 'i8', '#0', 257), [101]);
  assert.deepEqual(await r('BITFIELD', 'bits', 'GET', 'i8', '#0'), [101]);
  assert.deepEqual(await r('BITFIELD', 'bits', 'OVERFLOW', 'WRAP', 'INCRBY', 'i8', '#0', 255), [100]);
  assert.deepEqual(await r('BITFIELD', 'bits', 'GET', 'i8', '#0'), [100]);
});

test('BITFIELD signed overflow sat', async () => {
  await r('DEL', 'bits');
  await r('BITFIELD', 'bits', 'SET', 'u8', '#0', 100);
  assert.deepEqual(await r('BITFIELD', 'bits', 'OVERFLOW', 'SAT', 'INCRBY', 'i8', '#0', 257), [127]);
  assert.deepEqual(await r('BITFIELD', 'bits', 'GET', 'i8', '#0'), [127]);
  assert.deepEqual(await r('BITFIELD', 'bits', 'OVERFLOW', 'SAT', 'INCRBY', 'i8', '#0', -255), [-128]);
  assert.deepEqual(await r('BITFIELD', 'bits', 'GET', 'i8', '#0'), [-128]);
});

/** The type, range and random value/increment of the Tcl fuzz tests (twice the type's range). */
function fuzzCase(rand: () => number): { type: string; signed: boolean; bits: number; min: bigint; max: bigint; value: bigint; increment: bigint } {
  const bits = randomInt(rand, 64) + 1;
  let signed = randomInt(rand, 2) === 1;
  if (bits === 64) signed = true; // u64 is not supported by BITFIELD.
  const range = 2n ** BigInt(bits);
  const min = signed ? -(range / 2n) : 0n;
  const max = min + range - 1n;
  const value = clamp64(min * 2n + randomBig(rand, range * 2n));
  const increment = clamp64(min * 2n + randomBig(rand, range * 2n));
  return { type: `${signed ? 'i' : 'u'}${bits}`, signed, bits, min, max, value, increment };
}

test('BITFIELD overflow detection fuzzing', async () => {
  const rand = rng(21);
  for (let j = 0; j < 1000; j++) {
    const { type, min, max, value, increment } = fuzzCase(rand);
    let overflow = value > max || value < min;
    if (value + increment > max || value + increment < min) overflow = true;
    await r('DEL', 'bits');
    const res1 = ((await r('BITFIELD', 'bits', 'OVERFLOW', 'FAIL', 'SET', type, 0, value)) as Reply[])[0];
    const res2 = ((await r('BITFIELD', 'bits', 'OVERFLOW', 'FAIL', 'INCRBY', type, 0, increment)) as Reply[])[0];
    if (overflow) assert.ok(res1 === null || res2 === null, `OW not detected where needed: ${type} ${value}+${increment}`);
    else assert.ok(res1 !== null && res2 !== null, `OW detected where NOT needed: ${type} ${value}+${increment}`);
  }
});

test('BITFIELD overflow wrap fuzzing', async () => {
  const rand = rng(22);
  for (let j = 0; j < 1000; j++) {
    const { type, signed, bits, min, max, value, increment } = fuzzCase(rand);
    await r('DEL', 'bits');
    await r('BITFIELD', 'bits', 'OVERFLOW', 'WRAP', 'SET', type, 0, value);
    await r('BITFIELD', 'bits', 'OVERFLOW', 'WRAP', 'INCRBY', type, 0, increment);
    const res = big(((await r('BITFIELD', 'bits', 'GET', type, 0)) as Reply[])[0] as Reply);
    const range = 2n ** BigInt(bits);
    let expected = ((signed ? max + 1n : 0n) + value + increment) % range;
    if (expected < 0n) expected += range; // Tcl's % takes the divisor's sign
    if (signed) expected += min;
    assert.equal(res, expected, `WRAP error: ${type} ${value}+${increment}`);
  }
});

test('BITFIELD overflow sat fuzzing', async () => {
  const rand = rng(23);
  for (let j = 0; j < 500; j++) {
    const { type, min, max, value, increment } = fuzzCase(rand);
    await r('DEL', 'bits');
    await r('BITFIELD', 'bits', 'OVERFLOW', 'SAT', 'SET', type, 0, value);
    // Redis 7.0 compares against max - value in int64 arithmetic: for a value so far below
    // a signed field's min that this difference wraps, it saturates to max (as 7.0.15 does).
    const stored = value > max ? max : value < min ? (max - value > INT64_MAX ? max : min) : value;
    assert.equal(big(((await r('BITFIELD', 'bits', 'GET', type, 0)) as Reply[])[0] as Reply), min === 0n && value < 0n ? max : stored, `SET ${type} ${value}`);
    if (min === 0n && value < 0n) continue; // stored max: covered above
    const sum = stored + increment;
    const want = sum > max ? max : sum < min ? min : sum;
    assert.equal(big(((await r('BITFIELD', 'bits', 'OVERFLOW', 'SAT', 'INCRBY', type, 0, increment)) as Reply[])[0] as Reply), want, `INCRBY ${type} ${stored}+${increment}`);
  }
});

test('BITFIELD regression for #3221', async () => {
  await r('SET', 'bits', 1);
  assert.deepEqual(await r('BITFIELD', 'bits', 'GET', 'u1', 0), [0]);
});

test('BITFIELD regression for #3564', async () => {
  for (let j = 0; j < 10; j++) {
    await r('DEL', 'mystring');
    assert.deepEqual(await r('BITFIELD', 'mystring', 'SET', 'i8', 0, 10, 'SET', 'i8', 64, 10, 'INCRBY', 'i8', 10, 99900), [0, 0, 60]);
  }
  await r('DEL', 'mystring');
});

test('BITFIELD_RO with only key as argument', async () => {
  assert.deepEqual(await r('BITFIELD_RO', 'bits'), []);
});

test('BITFIELD_RO fails when write option is used', async () => {
  assertError(await r('BITFIELD_RO', 'bits', 'SET', 'u8', 0, 100, 'GET', 'u8', 0), 'ERR BITFIELD_RO only supports the GET subcommand');
  assertError(await r('BITFIELD_RO', 'bits', 'INCRBY', 'u8', 0, 1), 'ERR BITFIELD_RO only supports the GET subcommand');
  // Parsing completes first: a later argument error wins.
  assertError(await r('BITFIELD_RO', 'bits', 'SET', 'i8', 0, 1, 'GET', 'x', 0), TYPE_ERR);
  // OVERFLOW alone is accepted.
  await r('SET', 'bits', 'A');
  assert.deepEqual(await r('BITFIELD_RO', 'bits', 'OVERFLOW', 'SAT', 'GET', 'u8', 0, 'get', 'i4', 4), [65, 1]);
});

test('BITFIELD and BITFIELD_RO against a key of the wrong type', async () => {
  await r('DEL', 'l');
  await r('LPUSH', 'l', 'a');
  const WT = 'WRONGTYPE Operation against a key holding the wrong kind of value';
  assertError(await r('BITFIELD', 'l', 'GET', 'i8', 0), WT);
  assertError(await r('BITFIELD', 'l', 'SET', 'i8', 0, 1), WT);
  assertError(await r('BITFIELD', 'l'), WT);
  assertError(await r('BITFIELD_RO', 'l', 'GET', 'i8', 0), WT);
  assertError(await r('BITFIELD_RO', 'l'), WT);
  // The read-only check comes before the key is looked up.
  assertError(await r('BITFIELD_RO', 'l', 'SET', 'i8', 0, 1), 'ERR BITFIELD_RO only supports the GET subcommand');
});

test('BITFIELD argument errors, in Redis 7.0 order', async () => {
  await r('DEL', 'b');
  const cases: [(string | number)[], string][] = [
    [['GET'], 'ERR syntax error'],
    [['foo'], 'ERR syntax error'],
    [['GET', 'i8'], 'ERR syntax error'],
    [['SET', 'i8', 0], 'ERR syntax error'],
    [['OVERFLOW'], 'ERR syntax error'],
    [['GET', 'i8', 0, 'OVERFLOW'], 'ERR syntax error'],
    [['OVERFLOW', 'foo'], 'ERR Invalid OVERFLOW type specified'],
    [['OVERFLOW', 'foo', 'GET', 'i8', 0], 'ERR Invalid OVERFLOW type specified'],
    [['GET', 'I8', 0], TYPE_ERR],
    [['GET', 'u64', 0], TYPE_ERR],
    [['GET', 'i65', 0], TYPE_ERR],
    [['GET', 'i0', 0], TYPE_ERR],
    [['GET', 'u', 0], TYPE_ERR],
    [['GET', 'i08', 0], TYPE_ERR],
    [['GET', 'i-8', 0], TYPE_ERR],
    [['GET', '', 0], TYPE_ERR],
    [['GET', 'i8', -1], OFFSET_ERR],
    [['GET', 'i8', '#-1'], OFFSET_ERR],
    [['GET', 'i8', '#'], OFFSET_ERR],
    [['GET', 'i8', '#x'], OFFSET_ERR],
    [['GET', 'i8', 4294967296], OFFSET_ERR],
    [['GET', 'i64', '#67108864'], OFFSET_ERR],
    [['GET', 'i8', '#9223372036854775807'], OFFSET_ERR],
    // N * bits wraps around at 64 bits as in C: 2^62 * 2 = 2^63 is negative.
    [['GET', 'i2', '#4611686018427387904'], OFFSET_ERR],
    [['SET', 'i8', 0, 'a'], 'ERR value is not an integer or out of range'],
    [['SET', 'i8', 0, '9223372036854775808'], 'ERR value is not an integer or out of range'],
    [['INCRBY', 'i8', 0, '1.5'], 'ERR value is not an integer or out of range'],
    // The first error in argument order wins.
    [['GET', 'i8', 0, 'SET', 'x8', 0, 1, 'GET', 'i8', -1], TYPE_ERR],
    [['GET', 'i8', 'x', 'OVERFLOW', 'nope'], OFFSET_ERR],
  ];
  for (const [args, err] of cases) assertError(await r('BITFIELD', 'b', ...args), err);
  assert.equal(await r('EXISTS', 'b'), 0);
  // '#' offsets mean something only to BITFIELD.
  assertError(await r('SETBIT', 'b', '#1', 1), OFFSET_ERR);
});

test('BITFIELD offsets: limits and #N arithmetic', async () => {
  await r('DEL', 'b');
  assert.deepEqual(await r('BITFIELD', 'b', 'GET', 'i8', 4294967295), [0]);
  assert.deepEqual(await r('BITFIELD', 'b', 'GET', 'i8', '#536870911'), [0]);
  assert.deepEqual(await r('BITFIELD', 'b', 'GET', 'i64', '#67108863'), [0]);
  // 2^62 * 64 = 2^68 wraps to 0 in int64 arithmetic: a valid offset 0.
  await r('SET', 'b', '\x7f');
  assert.deepEqual(await r('BITFIELD', 'b', 'GET', 'i64', '#4611686018427387904'), [0x7f00000000000000n]);
  // Type names end at a NUL byte, as C strings do.
  assert.deepEqual(await r('BITFIELD', 'b', 'GET', Buffer.from('u8\0junk', 'latin1'), 0), [0x7f]);
});

test('BITFIELD SET values converted like Redis (uint64 for unsigned types)', async () => {
  await r('DEL', 'bits');
  assert.deepEqual(
    await r('BITFIELD', 'bits', 'GET', 'u8', '#0', 'SET', 'u8', '#0', -1, 'GET', 'u8', 0, 'OVERFLOW', 'SAT', 'SET', 'u8', 0, -1, 'GET', 'u8', 0, 'SET', 'i8', 0, -200, 'GET', 'i8', 0, 'OVERFLOW', 'FAIL', 'SET', 'u8', 0, -1),
    [0, 0, 255, 255, 255, -1, -128, null],
  );
});

test('BITFIELD 64-bit fields and int64 edges', async () => {
  await r('DEL', 'bits');
  assert.deepEqual(await r('BITFIELD', 'bits', 'SET', 'i64', 0, INT64_MAX, 'GET', 'i64', 0, 'GET', 'u63', 1), [0, INT64_MAX, INT64_MAX]);
  assert.deepEqual(await r('BITFIELD', 'bits', 'INCRBY', 'i64', 0, 1), [INT64_MIN]);
  assert.deepEqual(await r('BITFIELD', 'bits', 'OVERFLOW', 'SAT', 'INCRBY', 'i64', 0, -1), [INT64_MIN]);
  assert.deepEqual(await r('BITFIELD', 'bits', 'OVERFLOW', 'FAIL', 'INCRBY', 'i64', 0, INT64_MIN), [null]);
  assert.deepEqual(await r('BITFIELD', 'bits', 'OVERFLOW', 'SAT', 'INCRBY', 'i64', 0, INT64_MAX, 'INCRBY', 'i64', 0, INT64_MAX), [-1, INT64_MAX - 1n]);
  // The top 63 bits of INT64_MAX - 1 are 2^62 - 1; adding -2^63 wraps back to the same value.
  assert.deepEqual(await r('BITFIELD', 'bits', 'OVERFLOW', 'WRAP', 'INCRBY', 'u63', 0, INT64_MIN), [2n ** 62n - 1n]);
  assert.deepEqual(await r('BITFIELD', 'bits', 'OVERFLOW', 'SAT', 'SET', 'i63', 0, '-9171328360377617417', 'GET', 'i63', 0), [2n ** 62n - 1n, 2n ** 62n - 1n]);
  // Unaligned wide fields straddling 9 bytes.
  await r('DEL', 'bits');
  assert.deepEqual(await r('BITFIELD', 'bits', 'SET', 'i64', 5, -2, 'GET', 'u59', 10, 'GET', 'i64', 5, 'GET', 'u8', 0, 'GET', 'u8', 64), [0, 2n ** 59n - 2n, -2, 7, 0xf0]);
  assert.equal(await r('STRLEN', 'bits'), 9);
});

test('BITFIELD grows the value only as far as its writes reach', async () => {
  await r('DEL', 'bits');
  // GET-only never creates the key.
  assert.deepEqual(await r('BITFIELD', 'bits', 'GET', 'u8', 1000), [0]);
  assert.equal(await r('EXISTS', 'bits'), 0);
  assert.deepEqual(await r('BITFIELD', 'bits', 'SET', 'u3', 13, 7, 'GET', 'u8', 1000), [0, 0]);
  assert.equal(await r('STRLEN', 'bits'), 2);
  assert.equal(await r('GET', 'bits'), '\x00\x07');
  // OVERFLOW FAIL writes nothing but the value is still created / grown first (Redis 7.0).
  await r('DEL', 'f');
  assert.deepEqual(await r('BITFIELD', 'f', 'OVERFLOW', 'FAIL', 'SET', 'u8', 0, 300), [null]);
  assert.equal(await r('GET', 'f'), '\x00');
  assert.deepEqual(await r('BITFIELD', 'f', 'OVERFLOW', 'FAIL', 'SET', 'u8', 16, 300), [null]);
  assert.equal(await r('GET', 'f'), '\x00\x00\x00');
});

test('BITFIELD on compact strings: GET leaves them alone, writes make them raw', async () => {
  await r('SET', 'bits', 'hello');
  assert.equal(await r('OBJECT', 'ENCODING', 'bits'), 'embstr');
  assert.deepEqual(await r('BITFIELD', 'bits', 'GET', 'u8', 0, 'GET', 'i16', 8, 'GET', 'u4', 36), [104, 0x656c, 0xf]);
  assert.equal(await r('OBJECT', 'ENCODING', 'bits'), 'embstr');
  assert.deepEqual(await r('BITFIELD', 'bits', 'SET', 'u8', 0, 72, 'GET', 'u8', 0), [104, 72]);
  assert.equal(await r('OBJECT', 'ENCODING', 'bits'), 'raw');
  assert.equal(await r('GET', 'bits'), 'Hello');
  // Consistent with the string commands.
  assert.equal(await r('APPEND', 'bits', '!'), 6);
  assert.deepEqual(await r('BITFIELD', 'bits', 'GET', 'u8', '#5'), [33]);
  await r('SETRANGE', 'bits', 1, 'E');
  assert.deepEqual(await r('BITFIELD', 'bits', 'INCRBY', 'u8', '#1', 1), [70]);
  assert.equal(await r('GETRANGE', 'bits', 0, 1), 'HF');
  assert.equal(await r('GETBIT', 'bits', 14), 1);
  // Integer-encoded values read as their decimal text.
  await r('SET', 'n', 12);
  assert.deepEqual(await r('BITFIELD_RO', 'n', 'GET', 'u16', 0), [0x3132]);
});

test('BITFIELD keyspace events and dirty', async () => {
  const ev = await startTestServer({ 'notify-keyspace-events': 'KEA' });
  try {
    const cl = await ev.client();
    const sub = await ev.client();
    await sub.call('PSUBSCRIBE', '__keyevent@0__:*');
    const dirty = async (): Promise<number> => Number(/rdb_changes_since_last_save:(\d+)/.exec((await cl.call('INFO', 'persistence')) as string)?.[1]);
    const d0 = await dirty();
    await cl.call('BITFIELD', 'b', 'OVERFLOW', 'FAIL', 'SET', 'u8', 0, 300); // created, nothing written: no event, no dirty
    await cl.call('BITFIELD', 'b', 'SET', 'u8', 0, 0); // same value: nothing
    await cl.call('BITFIELD', 'b', 'SET', 'u8', 0, 1, 'SET', 'u8', 8, 1); // grows: both count
    await cl.call('BITFIELD', 'b', 'INCRBY', 'u8', 0, 0, 'GET', 'u8', 0); // no change
    await cl.call('BITFIELD', 'b', 'INCRBY', 'u8', 0, 1, 'INCRBY', 'u8', 0, 1, 'INCRBY', 'u8', 8, 0); // two changes
    await cl.call('BITFIELD_RO', 'b', 'GET', 'u8', 0);
    assert.equal((await dirty()) - d0, 4);
    await cl.call('LPUSH', 'end', 'x');
    const events: string[] = [];
    for (;;) {
      const m = (await sub.nextPush()) as Reply[];
      const e = `${(m[2] as string).replace('__keyevent@0__:', '')} ${m[3] as string}`;
      if (e === 'lpush end') break;
      events.push(e);
    }
    assert.deepEqual(events, ['setbit b', 'setbit b']);
  } finally {
    await ev.close();
  }
});

test('BITFIELD replies in RESP3: integers and nulls', async () => {
  const c3 = await srv.client();
  await c3.call('HELLO', 3);
  await c3.call('DEL', 'bits');
  assert.deepEqual(await c3.call('BITFIELD', 'bits', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', 0, 5, 'GET', 'u2', 0), [null, 0]);
  // The exact bytes: a RESP3 null inside the array, a null bulk in RESP2.
  const cmd = encodeCommand(['BITFIELD', 'bits', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', '0', '9', 'GET', 'i2', '0']);
  assert.equal((await c3.rawExchange(cmd, '*2\r\n_\r\n:0\r\n'.length)).toString('latin1'), '*2\r\n_\r\n:0\r\n');
  const c2 = await srv.client();
  assert.equal((await c2.rawExchange(cmd, '*2\r\n$-1\r\n:0\r\n'.length)).toString('latin1'), '*2\r\n$-1\r\n:0\r\n');
});

// ---- against the real server --------------------------------------------------------------

describe('BITFIELD agrees with redis-server 7.0 on random operations', { skip: !haveRedisServer() && 'redis-server is not installed' }, () => {
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

  test('random BITFIELD commands give the same replies and leave the same bytes', async () => {
    const rand = rng(31);
    await o.call('FLUSHALL');
    await ours.call('FLUSHALL');
    const keys = ['f0', 'f1', 'f2'];
    const value = (bits: number): string => {
      const roll = rand();
      if (roll < 0.1) return [INT64_MAX, INT64_MIN, 0n, -1n, 2n ** 53n, -(2n ** 53n) - 1n, 2n ** 32n, -(2n ** 31n)][randomInt(rand, 8)]!.toString();
      if (roll < 0.15) return ['x', '', '1e3', '9223372036854775808'][randomInt(rand, 4)] as string;
      const span = 2n ** BigInt(Math.min(bits + 2, 64));
      return clamp64(randomBig(rand, span * 2n) - span).toString();
    };
    for (let i = 0; i < 2500; i++) {
      const cmd: string[] = [rand() < 0.1 ? 'BITFIELD_RO' : 'BITFIELD', keys[randomInt(rand, keys.length)] as string];
      const nops = randomInt(rand, 4) + 1;
      for (let k = 0; k < nops; k++) {
        const bits = randomInt(rand, 64) + 1;
        const signed = rand() < 0.5 || bits === 64;
        const type = rand() < 0.03 ? ['u64', 'i0', 'x8'][randomInt(rand, 3)]! : `${signed ? 'i' : 'u'}${bits}`;
        const offset = rand() < 0.3 ? `#${randomInt(rand, 6)}` : String(randomInt(rand, 140));
        const roll = rand();
        if (roll < 0.15) cmd.push('OVERFLOW', ['WRAP', 'SAT', 'FAIL', 'wrap', 'sat', 'fail', 'nope'][randomInt(rand, 7)]!);
        const op = rand();
        if (op < 0.35) cmd.push('GET', type, offset);
        else if (op < 0.65) cmd.push('SET', type, offset, value(bits));
        else cmd.push('INCRBY', type, offset, value(bits));
      }
      if (rand() < 0.05) cmd.push('GET'); // trailing garbage
      const want = await o.call(...cmd);
      const got = await ours.call(...cmd);
      assert.deepEqual(got, want, `#${i} ${cmd.join(' ')}`);
      if (i % 50 === 0) for (const k of keys) assert.equal(await ours.call('GET', k), await o.call('GET', k), `#${i} ${k}`);
    }
    for (const k of keys) assert.equal(await ours.call('GET', k), await o.call('GET', k), k);
  });
});
