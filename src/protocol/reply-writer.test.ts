/**
 * Unit tests of the reply writer: exact RESP2 and RESP3 bytes for every reply kind, RESP3
 * types degraded to RESP2 the way Redis 7.0 does it, and the slab bookkeeping (take, mark,
 * rollback) across slab growth.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplyWriter } from './reply-writer.js';

function writer(resp: 2 | 3): ReplyWriter {
  const w = new ReplyWriter();
  w.resp = resp;
  return w;
}

function text(w: ReplyWriter): string {
  return w.take()?.toString('latin1') ?? '';
}

/** Run `f` against a RESP2 and a RESP3 writer and return both outputs. */
function both(f: (w: ReplyWriter) => void): [string, string] {
  const w2 = writer(2);
  const w3 = writer(3);
  f(w2);
  f(w3);
  return [text(w2), text(w3)];
}

test('simple types', () => {
  assert.deepEqual(both((w) => w.ok()), ['+OK\r\n', '+OK\r\n']);
  assert.deepEqual(both((w) => w.simple('PONG')), ['+PONG\r\n', '+PONG\r\n']);
  assert.deepEqual(both((w) => w.error('ERR syntax error')), ['-ERR syntax error\r\n', '-ERR syntax error\r\n']);
  assert.deepEqual(both((w) => w.emptyArray()), ['*0\r\n', '*0\r\n']);
});

test('error replies never contain CR or LF (Redis turns them into spaces)', () => {
  assert.deepEqual(both((w) => w.error("ERR Protocol error: expected '$', got '\r'")), [
    "-ERR Protocol error: expected '$', got ' '\r\n",
    "-ERR Protocol error: expected '$', got ' '\r\n",
  ]);
  assert.equal(both((w) => w.error('ERR a\r\nb\nc'))[0], '-ERR a  b c\r\n');
});

test('error replies are counted through onError', () => {
  const w = writer(2);
  const seen: string[] = [];
  w.onError = (m) => seen.push(m);
  w.error('WRONGTYPE x');
  w.ok();
  assert.deepEqual(seen, ['WRONGTYPE x']);
});

test('integers', () => {
  assert.deepEqual(both((w) => w.integer(0)), [':0\r\n', ':0\r\n']);
  assert.equal(both((w) => w.integer(1023))[0], ':1023\r\n');
  assert.equal(both((w) => w.integer(1024))[0], ':1024\r\n');
  assert.equal(both((w) => w.integer(-1))[0], ':-1\r\n');
  assert.equal(both((w) => w.integer(9007199254740991))[0], ':9007199254740991\r\n');
  assert.equal(both((w) => w.integer(-9223372036854775808n))[0], ':-9223372036854775808\r\n');
});

test('bulk strings are binary safe (latin1 is the byte mapping)', () => {
  let all = '';
  for (let i = 0; i < 256; i++) all += String.fromCharCode(i);
  const [r2] = both((w) => w.bulk(all));
  assert.equal(r2, `$256\r\n${all}\r\n`);
  assert.equal(both((w) => w.bulk(''))[0], '$0\r\n\r\n');
  assert.equal(both((w) => w.bulk('abcdef', 3))[0], '$3\r\nabc\r\n');
  const bytes = Buffer.from([0, 13, 10, 255]);
  assert.equal(both((w) => w.bulkBytes(bytes))[0], '$4\r\n\0\r\n\xff\r\n');
  assert.equal(both((w) => w.bulkBytes(bytes, 1, 3))[0], '$2\r\n\r\n\r\n');
});

test('length headers at every digit count', () => {
  for (let n = 1; n <= 1e15; n *= 10) {
    for (const v of [n - 1, n, n + 1]) assert.equal(both((w) => w.arrayHeader(v))[0], `*${v}\r\n`);
  }
  assert.equal(both((w) => w.arrayHeader(999999999999999))[0], '*999999999999999\r\n');
});

test('nulls: $-1 / *-1 in RESP2, _ in RESP3', () => {
  assert.deepEqual(both((w) => w.nullBulk()), ['$-1\r\n', '_\r\n']);
  assert.deepEqual(both((w) => w.nullArray()), ['*-1\r\n', '_\r\n']);
});

test('map, set and push degrade to arrays in RESP2', () => {
  const f = (w: ReplyWriter): void => {
    w.mapHeader(1);
    w.bulk('a');
    w.integer(1);
  };
  assert.deepEqual(both(f), ['*2\r\n$1\r\na\r\n:1\r\n', '%1\r\n$1\r\na\r\n:1\r\n']);
  assert.deepEqual(both((w) => w.setHeader(2)), ['*2\r\n', '~2\r\n']);
  assert.deepEqual(both((w) => w.pushHeader(3)), ['*3\r\n', '>3\r\n']);
});

test('double: bulk %.17g in RESP2, "," in RESP3', () => {
  assert.deepEqual(both((w) => w.double(1.5)), ['$3\r\n1.5\r\n', ',1.5\r\n']);
  assert.deepEqual(both((w) => w.double(1.1)), ['$18\r\n1.1000000000000001\r\n', ',1.1000000000000001\r\n']);
  assert.deepEqual(both((w) => w.double(Infinity)), ['$3\r\ninf\r\n', ',inf\r\n']);
  assert.deepEqual(both((w) => w.double(-Infinity)), ['$4\r\n-inf\r\n', ',-inf\r\n']);
  assert.deepEqual(both((w) => w.doubleText('10.5')), ['$4\r\n10.5\r\n', ',10.5\r\n']);
});

test('boolean: integer in RESP2, # in RESP3', () => {
  assert.deepEqual(both((w) => w.bool(true)), [':1\r\n', '#t\r\n']);
  assert.deepEqual(both((w) => w.bool(false)), [':0\r\n', '#f\r\n']);
});

test('verbatim: bulk in RESP2, = with a format in RESP3', () => {
  assert.deepEqual(both((w) => w.verbatim('a\r\nb')), ['$4\r\na\r\nb\r\n', '=8\r\ntxt:a\r\nb\r\n']);
  assert.deepEqual(both((w) => w.verbatim('x', 'mkd')), ['$1\r\nx\r\n', '=5\r\nmkd:x\r\n']);
});

test('big number: bulk in RESP2, ( in RESP3', () => {
  assert.deepEqual(both((w) => w.bigNumber('1234567999999999999999999999999999999')), [
    '$37\r\n1234567999999999999999999999999999999\r\n',
    '(1234567999999999999999999999999999999\r\n',
  ]);
});

test('bulkArray', () => {
  assert.deepEqual(both((w) => w.bulkArray(['a', 'bc'])), ['*2\r\n$1\r\na\r\n$2\r\nbc\r\n', '*2\r\n$1\r\na\r\n$2\r\nbc\r\n']);
});

test('take hands over each byte once; replies of a batch leave together', () => {
  const w = writer(2);
  assert.equal(w.take(), null);
  w.ok();
  w.integer(5);
  assert.equal(w.length, 9);
  assert.equal(text(w), '+OK\r\n:5\r\n');
  assert.equal(w.take(), null);
  w.simple('PONG');
  assert.equal(text(w), '+PONG\r\n');
});

test('taken bytes are not overwritten by later replies', () => {
  const w = writer(2);
  w.bulk('first');
  const first = w.take();
  for (let i = 0; i < 5000; i++) w.bulk('later reply');
  assert.equal(first?.toString('latin1'), '$5\r\nfirst\r\n');
});

test('rollback discards a reply, also when the slab grew meanwhile', () => {
  const w = writer(2);
  w.ok();
  const m1 = w.mark();
  w.bulk('x'.repeat(100));
  w.rollback(m1);
  assert.equal(text(w), '+OK\r\n');
  w.ok();
  const m2 = w.mark();
  w.bulk('y'.repeat(100000)); // forces a new, bigger slab
  w.rollback(m2);
  w.integer(7);
  assert.equal(text(w), '+OK\r\n:7\r\n');
});

test('rollback after a big reply was taken does not resurrect it', () => {
  const w = writer(2);
  w.bulk('z'.repeat(3 * 1024 * 1024));
  assert.equal(w.take()?.length, 3 * 1024 * 1024 + 12);
  const m = w.mark();
  w.ok();
  w.rollback(m);
  w.integer(1);
  assert.equal(text(w), ':1\r\n');
  // A mark from before a take is stale: rolling back to it must not drop what was written since.
  const stale = w.mark();
  w.ok();
  w.take();
  w.integer(2);
  w.rollback(stale);
  assert.equal(text(w), ':2\r\n');
});
