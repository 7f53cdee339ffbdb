/**
 * Wire tests of STRLEN SETRANGE GETRANGE SUBSTR APPEND, mirroring the cases of Redis 7.0's
 * tests/unit/type/string.tcl and other.tcl (APPEND), with exact error strings and the
 * proto-max-bulk-len limit. Expected values are what redis-server 7.0.15 answers.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, startTestServer, type RespClient, type Reply, type TestServer } from '../../helpers/server.js';

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

function assertRange(v: number, lo: number, hi: number): void {
  assert.ok(v >= lo && v <= hi, `${v} not in [${lo}, ${hi}]`);
}

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

/** Tcl's randstring: 'binary' any byte, 'alpha' printable, 'compr' a few digits. */
function randString(rand: () => number, min: number, max: number, type: 'binary' | 'alpha' | 'compr'): string {
  const len = min + Math.floor(rand() * (max - min + 1));
  let s = '';
  for (let i = 0; i < len; i++) {
    const code = type === 'binary' ? Math.floor(rand() * 256) : type === 'alpha' ? 48 + Math.floor(rand() * 74) : 48 + Math.floor(rand() * 10);
    s += String.fromCharCode(code);
  }
  return s;
}

// ---- STRLEN / SETRANGE / GETRANGE / APPEND --------------------------------------------------

test('STRLEN against non-existing key', async () => {
  assert.equal(await r('STRLEN', 'notakey'), 0);
});

test('STRLEN against integer-encoded value', async () => {
  await r('SET', 'myinteger', '-555');
  assert.equal(await r('STRLEN', 'myinteger'), 4);
});

test('STRLEN against plain string', async () => {
  await r('SET', 'mystring', 'foozzz0123456789 baz');
  assert.equal(await r('STRLEN', 'mystring'), 20);
  await r('DEL', 'lst');
  await r('RPUSH', 'lst', 'a');
  assertError(await r('STRLEN', 'lst'), 'WRONGTYPE*');
});

test('SETRANGE against non-existing key', async () => {
  await r('DEL', 'mykey');
  assert.equal(await r('SETRANGE', 'mykey', '0', 'foo'), 3);
  assert.equal(await r('GET', 'mykey'), 'foo');

  await r('DEL', 'mykey');
  assert.equal(await r('SETRANGE', 'mykey', '0', ''), 0);
  assert.equal(await r('EXISTS', 'mykey'), 0);

  await r('DEL', 'mykey');
  assert.equal(await r('SETRANGE', 'mykey', '1', 'foo'), 4);
  assert.equal(await r('GET', 'mykey'), '\0foo');
});

test('SETRANGE against string-encoded key', async () => {
  await r('SET', 'mykey', 'foo');
  assert.equal(await r('SETRANGE', 'mykey', '0', 'b'), 3);
  assert.equal(await r('GET', 'mykey'), 'boo');

  await r('SET', 'mykey', 'foo');
  assert.equal(await r('SETRANGE', 'mykey', '0', ''), 3);
  assert.equal(await r('GET', 'mykey'), 'foo');

  await r('SET', 'mykey', 'foo');
  assert.equal(await r('SETRANGE', 'mykey', '1', 'b'), 3);
  assert.equal(await r('GET', 'mykey'), 'fbo');

  await r('SET', 'mykey', 'foo');
  assert.equal(await r('SETRANGE', 'mykey', '4', 'bar'), 7);
  assert.equal(await r('GET', 'mykey'), 'foo\0bar');
});

test('SETRANGE against integer-encoded key', async () => {
  await r('SET', 'mykey', '1234');
  assert.equal(await r('OBJECT', 'ENCODING', 'mykey'), 'int');
  assert.equal(await r('SETRANGE', 'mykey', '0', '2'), 4);
  assert.equal(await r('OBJECT', 'ENCODING', 'mykey'), 'raw');
  assert.equal(await r('GET', 'mykey'), '2234');

  // Shouldn't change encoding when nothing is set
  await r('SET', 'mykey', '1234');
  assert.equal(await r('OBJECT', 'ENCODING', 'mykey'), 'int');
  assert.equal(await r('SETRANGE', 'mykey', '0', ''), 4);
  assert.equal(await r('OBJECT', 'ENCODING', 'mykey'), 'int');
  assert.equal(await r('GET', 'mykey'), '1234');

  await r('SET', 'mykey', '1234');
  assert.equal(await r('SETRANGE', 'mykey', '1', '3'), 4);
  assert.equal(await r('OBJECT', 'ENCODING', 'mykey'), 'raw');
  assert.equal(await r('GET', 'mykey'), '1334');

  await r('SET', 'mykey', '1234');
  assert.equal(await r('SETRANGE', 'mykey', '5', '2'), 6);
  assert.equal(await r('OBJECT', 'ENCODING', 'mykey'), 'raw');
  assert.equal(await r('GET', 'mykey'), '1234\x002');
});

test('SETRANGE against key with wrong type', async () => {
  await r('DEL', 'mykey');
  await r('LPUSH', 'mykey', 'foo');
  assertError(await r('SETRANGE', 'mykey', '0', 'bar'), 'WRONGTYPE*');
  // The type is checked before the empty-value shortcut and before the size limit.
  assertError(await r('SETRANGE', 'mykey', '0', ''), 'WRONGTYPE*');
  assertError(await r('SETRANGE', 'mykey', '9223372036854775807', ''), 'WRONGTYPE*');
  // The offset is checked first of all.
  assertError(await r('SETRANGE', 'mykey', '-1', 'a'), 'ERR offset is out of range');
});

test('SETRANGE with out of range offset', async () => {
  await r('DEL', 'mykey');
  assertError(await r('SETRANGE', 'mykey', String(512 * 1024 * 1024 - 4), 'world'), 'ERR string exceeds maximum allowed size (proto-max-bulk-len)');

  await r('SET', 'mykey', 'hello');
  assertError(await r('SETRANGE', 'mykey', '-1', 'world'), 'ERR offset is out of range');
  assertError(await r('SETRANGE', 'mykey', String(512 * 1024 * 1024 - 4), 'world'), 'ERR string exceeds maximum allowed size (proto-max-bulk-len)');
  assertError(await r('SETRANGE', 'mykey', 'abc', 'world'), 'ERR value is not an integer or out of range');
  assertError(await r('SETRANGE', 'mykey', '9223372036854775808', 'world'), 'ERR value is not an integer or out of range');
  // Nothing to write: the length, whatever the offset.
  assert.equal(await r('SETRANGE', 'mykey', String(512 * 1024 * 1024), ''), 5);
  assert.equal(await r('SETRANGE', 'nokey', String(512 * 1024 * 1024), ''), 0);
  assert.equal(await r('GET', 'mykey'), 'hello');
});

test('SETRANGE with huge offset', async () => {
  for (const value of ['9223372036854775807', '2147483647']) {
    assertError(await r('SETRANGE', 'K', value, 'A'), 'ERR string exceeds maximum allowed size (proto-max-bulk-len)');
  }
  assert.equal(await r('EXISTS', 'K'), 0);
});

test('GETRANGE against non-existing key', async () => {
  await r('DEL', 'mykey');
  assert.equal(await r('GETRANGE', 'mykey', '0', '-1'), '');
  assertError(await r('GETRANGE', 'mykey', 'a', '1'), 'ERR value is not an integer or out of range');
});

test('GETRANGE against wrong key type', async () => {
  await r('DEL', 'lkey1');
  await r('LPUSH', 'lkey1', 'list');
  assertError(await r('GETRANGE', 'lkey1', '0', '-1'), 'WRONGTYPE Operation against a key holding the wrong kind of value');
  // Indexes are parsed before the key is looked up.
  assertError(await r('GETRANGE', 'lkey1', 'a', '-1'), 'ERR value is not an integer or out of range');
});

const RANGE_CASES: [string, string, string, string][] = [
  // [start, end, of "Hello World", of "1234"]
  ['0', '3', 'Hell', '1234'],
  ['0', '-1', 'Hello World', '1234'],
  ['-4', '-1', 'orld', '1234'],
  ['5', '3', '', ''],
  ['5', '5000', ' World', ''],
  ['-5000', '10000', 'Hello World', '1234'],
  ['0', '-100', 'H', '1'],
  ['1', '-100', '', ''],
  ['-1', '-100', '', ''],
  ['-100', '-99', 'H', '1'],
  ['-100', '-100', 'H', '1'],
  ['-100', '-101', '', ''],
];

test('GETRANGE against string value', async () => {
  await r('SET', 'mykey', 'Hello World');
  for (const [s, e, want] of RANGE_CASES) assert.equal(await r('GETRANGE', 'mykey', s, e), want, `GETRANGE ${s} ${e}`);
});

test('GETRANGE against integer-encoded value', async () => {
  await r('SET', 'mykey', '1234');
  assert.equal(await r('GETRANGE', 'mykey', '0', '2'), '123');
  assert.equal(await r('GETRANGE', 'mykey', '-3', '-1'), '234');
  assert.equal(await r('GETRANGE', 'mykey', '3', '5000'), '4');
  for (const [s, e, , want] of RANGE_CASES) {
    if (s === '0' && e === '3') continue;
    if (s === '5' && e === '5000') continue;
    if (s === '-4' && e === '-1') continue;
    assert.equal(await r('GETRANGE', 'mykey', s, e), want, `GETRANGE ${s} ${e}`);
  }
});

test('GETRANGE against a raw (edited) value and an empty value', async () => {
  await r('DEL', 'mykey');
  await r('SETRANGE', 'mykey', '3', 'abc');
  assert.equal(await r('GETRANGE', 'mykey', '0', '-1'), '\0\0\0abc');
  assert.equal(await r('GETRANGE', 'mykey', '2', '4'), '\0ab');
  await r('SET', 'mykey', '');
  assert.equal(await r('GETRANGE', 'mykey', '0', '-1'), '');
  assert.equal(await r('GETRANGE', 'mykey', '0', '0'), '');
});

test('GETRANGE fuzzing', async () => {
  const rand = rng(2);
  for (let i = 0; i < 1000; i++) {
    const bin = randString(rand, 0, 1024, 'binary');
    await r('SET', 'bin', Buffer.from(bin, 'latin1'));
    const start = Math.floor(rand() * 1500);
    const end = Math.floor(rand() * 1500);
    // Tcl's [string range]: clamp to the string, empty when start > end.
    const want = start > end ? '' : bin.slice(start, end + 1);
    assert.equal(await r('GETRANGE', 'bin', String(start), String(end)), want);
  }
});

test('Coverage: SUBSTR', async () => {
  await r('SET', 'key', 'abcde');
  assert.equal(await r('SUBSTR', 'key', '0', '0'), 'a');
  assert.equal(await r('SUBSTR', 'key', '0', '3'), 'abcd');
  assert.equal(await r('SUBSTR', 'key', '-4', '-1'), 'bcde');
  assert.equal(await r('SUBSTR', 'key', '-1', '-3'), '');
  assert.equal(await r('SUBSTR', 'key', '7', '8'), '');
  assert.equal(await r('SUBSTR', 'nokey', '0', '1'), '');
});

test('GETRANGE with huge ranges, Github issue #1844', async () => {
  await r('SET', 'foo', 'bar');
  assert.equal(await r('GETRANGE', 'foo', '0', '4294967297'), 'bar');
  assert.equal(await r('GETRANGE', 'foo', '-9223372036854775808', '9223372036854775807'), 'bar');
  // Both negative beyond 2^53 and start > end: empty, exactly as with int64 arithmetic.
  assert.equal(await r('GETRANGE', 'foo', '-9007199254740993', '-9007199254740994'), '');
  assertError(await r('GETRANGE', 'foo', '0', '9223372036854775808'), 'ERR value is not an integer or out of range');
});

test('APPEND basics', async () => {
  await r('DEL', 'foo');
  assert.deepEqual([await r('APPEND', 'foo', 'bar'), await r('GET', 'foo'), await r('APPEND', 'foo', '100'), await r('GET', 'foo')], [3, 'bar', 6, 'bar100']);
});

test('APPEND basics, integer encoded values', async () => {
  const res: Reply[] = [];
  await r('DEL', 'foo');
  await r('APPEND', 'foo', '1');
  await r('APPEND', 'foo', '2');
  res.push(await r('GET', 'foo'));
  await r('SET', 'foo', '1');
  await r('APPEND', 'foo', '2');
  res.push(await r('GET', 'foo'));
  assert.deepEqual(res, ['12', '12']);
});

test('APPEND fuzzing', async () => {
  const rand = rng(3);
  for (const type of ['binary', 'alpha', 'compr'] as const) {
    let buf = '';
    await r('DEL', 'x');
    for (let i = 0; i < 1000; i++) {
      const bin = randString(rand, 0, 10, type);
      buf += bin;
      assert.equal(await r('APPEND', 'x', Buffer.from(bin, 'latin1')), buf.length);
    }
    assert.equal(await r('GET', 'x'), buf);
  }
});

test('APPEND modifies the encoding from int to raw', async () => {
  await r('DEL', 'foo');
  await r('SET', 'foo', '1');
  assert.equal(await r('OBJECT', 'ENCODING', 'foo'), 'int');
  await r('APPEND', 'foo', '2');
  assert.equal(await r('GET', 'foo'), '12');
  assert.equal(await r('OBJECT', 'ENCODING', 'foo'), 'raw');
  await r('SET', 'bar', '12');
  assert.equal(await r('OBJECT', 'ENCODING', 'bar'), 'int');
  assert.equal(await r('GET', 'bar'), '12');
});

test('APPEND creates the key like SET; appending to an existing one (even nothing) makes it raw', async () => {
  await r('DEL', 'new', 'e');
  assert.equal(await r('APPEND', 'new', ''), 0);
  assert.equal(await r('EXISTS', 'new'), 1);
  assert.equal(await r('OBJECT', 'ENCODING', 'new'), 'embstr');
  await r('DEL', 'new');
  assert.equal(await r('APPEND', 'new', '12'), 2);
  assert.equal(await r('OBJECT', 'ENCODING', 'new'), 'int');
  assert.equal(await r('APPEND', 'new', ''), 2);
  assert.equal(await r('OBJECT', 'ENCODING', 'new'), 'raw');
  await r('SET', 'e', 'abc', 'EX', '100');
  await r('APPEND', 'e', 'd');
  assert.equal(await r('GET', 'e'), 'abcd');
  assertRange((await r('TTL', 'e')) as number, 90, 100);
  await r('DEL', 'lst');
  await r('RPUSH', 'lst', 'a');
  assertError(await r('APPEND', 'lst', 'x'), 'WRONGTYPE*');
});

test('APPEND and SETRANGE refuse to grow a value past proto-max-bulk-len', async () => {
  const small = await startTestServer({ 'proto-max-bulk-len': '1mb' });
  try {
    const s = await small.client();
    const half = Buffer.alloc(512 * 1024, 0x61);
    assert.equal(await s.call('APPEND', 'k', half), 512 * 1024);
    assert.equal(await s.call('APPEND', 'k', half), 1024 * 1024);
    assertError(await s.call('APPEND', 'k', 'x'), 'ERR string exceeds maximum allowed size (proto-max-bulk-len)');
    assert.equal(await s.call('STRLEN', 'k'), 1024 * 1024);
    assert.equal(await s.call('SETRANGE', 'k', String(1024 * 1024 - 1), 'z'), 1024 * 1024);
    assertError(await s.call('SETRANGE', 'k', String(1024 * 1024), 'z'), 'ERR string exceeds maximum allowed size (proto-max-bulk-len)');
    assertError(await s.call('SETRANGE', 'n', String(1024 * 1024 - 1), 'zz'), 'ERR string exceeds maximum allowed size (proto-max-bulk-len)');
    assert.equal(await s.call('EXISTS', 'n'), 0);
  } finally {
    await small.close();
  }
});
