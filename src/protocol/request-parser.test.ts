/**
 * Unit tests of the request parser, driven byte by byte. The expected messages and the
 * "wait for more" outcomes were taken from a real redis-server 7.0.15 fed the same bytes
 * (tests/unit/protocol.test.ts repeats the important ones over a socket, against Redis too).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PARSE_COMMAND, PARSE_ERROR, PARSE_NEED_MORE, RequestParser, splitArgs, type ParserLimits } from './request-parser.js';

const DEFAULT_LIMITS: ParserLimits = { protoMaxBulkLen: 512 * 1024 * 1024, clientQueryBufferLimit: 1024 * 1024 * 1024 };

/** What a parser made of some input: the commands, then 'more' or the error it stopped at. */
interface Outcome {
  commands: string[][];
  end: 'more' | string;
}

function latin1(s: string): Buffer {
  return Buffer.from(s, 'latin1');
}

function drain(p: RequestParser, out: string[][]): 'more' | string | null {
  for (;;) {
    const r = p.next();
    if (r === PARSE_COMMAND) out.push(p.argv.toStrings());
    else if (r === PARSE_ERROR) return p.error;
    else if (r === PARSE_NEED_MORE) return null;
  }
}

/** Feed the chunks in order, parsing after each; stop at the first error. */
function parseChunks(chunks: readonly Buffer[], limits: ParserLimits = DEFAULT_LIMITS, authenticated = true): Outcome {
  const p = new RequestParser(limits);
  p.authenticated = authenticated;
  const commands: string[][] = [];
  for (const c of chunks) {
    p.feed(c);
    const err = drain(p, commands);
    if (err !== null) return { commands, end: err };
  }
  return { commands, end: 'more' };
}

function parse(s: string, limits?: ParserLimits, authenticated?: boolean): Outcome {
  return parseChunks([latin1(s)], limits, authenticated);
}

function cmd(...args: string[]): string {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${a.length}\r\n${a}\r\n`;
  return s;
}

test('multibulk request', () => {
  assert.deepEqual(parse(cmd('SET', 'key', 'value')), { commands: [['SET', 'key', 'value']], end: 'more' });
});

test('arguments are views of the chunk when it holds whole requests (zero copy)', () => {
  const p = new RequestParser(DEFAULT_LIMITS);
  const chunk = latin1(cmd('GET', 'k'));
  p.feed(chunk);
  assert.equal(p.next(), PARSE_COMMAND);
  assert.equal(p.argv.buf, chunk);
  assert.equal(p.argv.bytes(1).buffer, chunk.buffer);
});

test('pipeline of thousands of commands in one read', () => {
  let s = '';
  for (let i = 0; i < 5000; i++) s += i % 3 === 0 ? `PING ${i}\r\n` : cmd('SET', `k${i}`, `v${i}`);
  const r = parse(s);
  assert.equal(r.end, 'more');
  assert.equal(r.commands.length, 5000);
  assert.deepEqual(r.commands[0], ['PING', '0']);
  assert.deepEqual(r.commands[4999], ['SET', 'k4999', 'v4999']);
});

test('binary-safe arguments (every byte, CRLF and NUL inside keys and values)', () => {
  let all = '';
  for (let i = 0; i < 256; i++) all += String.fromCharCode(i);
  const key = 'k\r\n\0\r\n*1\r\n$3\r\n';
  const r = parse(cmd('SET', key, all) + cmd('GET', key));
  assert.deepEqual(r.commands, [['SET', key, all], ['GET', key]]);
});

test('empty bulk arguments and zero or negative counts', () => {
  assert.deepEqual(parse(cmd('ECHO', '')).commands, [['ECHO', '']]);
  assert.deepEqual(parse('*0\r\n*-1\r\n*-9223372036854775808\r\nPING\r\n').commands, [['PING']]);
});

test('Redis skips, without checking, the two bytes after a bulk and the byte after a length line\'s CR', () => {
  assert.deepEqual(parse('*1\r\n$4\r\nPINGxx*1\rX$4\rXPING\r\n').commands, [['PING'], ['PING']]);
});

test('request split at every offset parses the same', () => {
  const value = 'v\r\n\0' + 'x'.repeat(40);
  const stream = cmd('SET', 'key', value) + 'PING inline\r\n' + cmd('ECHO', '') + '\r\n' + cmd('MGET', 'a', 'b', 'c');
  const whole = parse(stream);
  assert.equal(whole.commands.length, 4);
  const bytes = latin1(stream);
  for (let i = 0; i <= bytes.length; i++) {
    const r = parseChunks([bytes.subarray(0, i), bytes.subarray(i)]);
    assert.deepEqual(r, whole, `split at ${i}`);
  }
  // Every pair of split points: the middle chunk lands in an accumulator part-way.
  for (let i = 0; i <= bytes.length; i += 3) {
    for (let j = i; j <= bytes.length; j += 2) {
      const r = parseChunks([bytes.subarray(0, i), bytes.subarray(i, j), bytes.subarray(j)]);
      assert.deepEqual(r, whole, `split at ${i} and ${j}`);
    }
  }
  // One byte at a time.
  const single: Buffer[] = [];
  for (let i = 0; i < bytes.length; i++) single.push(bytes.subarray(i, i + 1));
  assert.deepEqual(parseChunks(single), whole);
});

test('a big bulk split at every offset of its header and tail', () => {
  const value = 'y'.repeat(70000);
  const bytes = latin1(cmd('SET', 'big', value) + cmd('PING'));
  const whole = { commands: [['SET', 'big', value], ['PING']], end: 'more' };
  const interesting: number[] = [];
  for (let i = 0; i < 40; i++) interesting.push(i, bytes.length - i);
  for (const i of interesting) assert.deepEqual(parseChunks([bytes.subarray(0, i), bytes.subarray(i)]), whole, `split at ${i}`);
});

test('10 MB argument streamed in small chunks is assembled in O(n)', () => {
  const size = 10 * 1024 * 1024;
  const header = latin1(`*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$${size}\r\n`);
  const body = Buffer.alloc(size + 2, 0x7a);
  body[size] = 0x0d;
  body[size + 1] = 0x0a;
  const p = new RequestParser(DEFAULT_LIMITS);
  p.feed(header);
  assert.equal(p.next(), PARSE_NEED_MORE);
  const sizes = new Set<number>();
  const t0 = performance.now();
  for (let off = 0; off < body.length; off += 1024) {
    p.feed(body.subarray(off, off + 1024));
    sizes.add(p.allocated);
    if (off + 1024 < body.length) assert.equal(p.next(), PARSE_NEED_MORE);
  }
  assert.equal(p.next(), PARSE_COMMAND);
  const ms = performance.now() - t0;
  assert.equal(p.argv.len(2), size);
  assert.equal(p.argv.bytes(2).every((c) => c === 0x7a), true);
  // The accumulator was sized for the bulk once: no copy of the data received so far per chunk.
  assert.equal(sizes.size, 1, `accumulator sizes ${[...sizes].join(',')}`);
  // Quadratic copying (10240 chunks x up to 10 MB) would take minutes; linear takes milliseconds.
  assert.ok(ms < 5000, `took ${ms} ms`);
});

test('a bulk longer than client-query-buffer-limit is not allocated up front', () => {
  const limits = { protoMaxBulkLen: 512 * 1024 * 1024, clientQueryBufferLimit: 1024 * 1024 };
  const p = new RequestParser(limits);
  p.feed(latin1('*2\r\n$4\r\nECHO\r\n$536870912\r\n'));
  assert.equal(p.next(), PARSE_NEED_MORE);
  p.feed(latin1('abc'));
  assert.equal(p.next(), PARSE_NEED_MORE);
  assert.ok(p.allocated < 64 * 1024, `allocated ${p.allocated}`);
  // It grows geometrically with what arrives instead (few reallocations, O(n) copying).
  const sizes = new Set<number>();
  const chunk = Buffer.alloc(4096, 0x61);
  for (let i = 0; i < 512; i++) {
    p.feed(chunk);
    sizes.add(p.allocated);
  }
  assert.ok(p.pending > 2 * 1024 * 1024);
  assert.ok(sizes.size <= 12, `reallocated ${sizes.size} times`);
});

test('inline commands', () => {
  assert.deepEqual(parse('SET k v\r\nGET k\nPING\r\r\n').commands, [['SET', 'k', 'v'], ['GET', 'k'], ['PING']]);
  assert.deepEqual(parse('  \t SET \t k   v  \r\n').commands, [['SET', 'k', 'v']]);
});

test('empty lines are skipped', () => {
  assert.deepEqual(parse('\r\n\n   \t  \r\nPING\r\n'), { commands: [['PING']], end: 'more' });
});

test('mixed inline and multibulk in one packet', () => {
  assert.deepEqual(parse('PING\r\n' + cmd('PING') + 'PING\r\n').commands, [['PING'], ['PING'], ['PING']]);
});

test('inline splitting follows sdssplitargs (\\v and \\f separate only between arguments)', () => {
  assert.deepEqual(parse('ECHO a\x0bb\r\n').commands, [['ECHO', 'a\x0bb']]);
  assert.deepEqual(parse('ECHO a\x0cb\r\n').commands, [['ECHO', 'a\x0cb']]);
  assert.deepEqual(parse('ECHO \x0bab\r\n').commands, [['ECHO', 'ab']]);
  assert.deepEqual(parse('ECHO "a"\x0b\r\n').commands, [['ECHO', 'a']]);
});

test('inline quoting rules (redis-cli)', () => {
  const cases: [string, string[]][] = [
    ['ECHO "a b"', ['ECHO', 'a b']],
    ['ECHO ab"c d"', ['ECHO', 'abc d']],
    ['ECHO "\\x41\\x4"', ['ECHO', 'Ax4']],
    ['ECHO "\\x00\\xff\\xFf"', ['ECHO', '\x00\xff\xff']],
    ['ECHO "a\\"b\\n\\r\\t\\b\\a\\\\\\q"', ['ECHO', 'a"b\n\r\t\b\x07\\q']],
    ["ECHO 'a\\'b'", ['ECHO', "a'b"]],
    ["ECHO 'a\\nb'", ['ECHO', 'a\\nb']],
    ['ECHO ""', ['ECHO', '']],
    ["ECHO '' \"\"", ['ECHO', '', '']],
  ];
  for (const [line, args] of cases) assert.deepEqual(parse(`${line}\r\n`), { commands: [args], end: 'more' }, line);
});

test('Unbalanced quotes in inline protocol', () => {
  for (const line of ['ECHO "abc', 'ECHO "a"b', "ECHO 'a", "ECHO 'a'b", 'set """test-key""" test-value', 'ECHO "a\\']) {
    assert.deepEqual(parse(`${line}\r\nPING\r\n`), { commands: [], end: 'Protocol error: unbalanced quotes in request' }, line);
  }
});

test('splitArgs on a C string: a NUL byte ends it', () => {
  assert.deepEqual(splitArgs(latin1('a b\0c'), 0, 5)?.map((b) => b.toString('latin1')), ['a', 'b']);
  assert.equal(splitArgs(latin1('a "b\0c"'), 0, 7), null);
});

test('too big inline request (64 KB without a newline)', () => {
  assert.deepEqual(parse('A'.repeat(65536)), { commands: [], end: 'more' });
  assert.deepEqual(parse('A'.repeat(65537)).end, 'Protocol error: too big inline request');
  assert.deepEqual(parseChunks([latin1('A'.repeat(60000)), latin1('A'.repeat(6000))]).end, 'Protocol error: too big inline request');
  // The limit applies to a line still unterminated; a complete long line is accepted (as in Redis).
  assert.deepEqual(parse(`ECHO ${'A'.repeat(70000)}\r\n`).commands, [['ECHO', 'A'.repeat(70000)]]);
});

test('length lines over 64 KB', () => {
  assert.equal(parse(`*${'1'.repeat(65536)}`).end, 'Protocol error: too big mbulk count string');
  assert.equal(parse(`*1\r\n$${'1'.repeat(65535)}`).end, 'more');
  assert.equal(parse(`*1\r\n$${'1'.repeat(65536)}`).end, 'Protocol error: too big bulk count string');
});

test('a NUL before the line end means "not found yet", as with strchr', () => {
  assert.deepEqual(parse('PING\0\n'), { commands: [], end: 'more' });
  assert.deepEqual(parse('*1\0\r\n$4\r\nPING\r\n'), { commands: [], end: 'more' });
  assert.deepEqual(parse('*1\r\n$4\0\r\nPING\r\n'), { commands: [], end: 'more' });
  assert.deepEqual(parse('*1\r\n\0foo\r\n'), { commands: [], end: 'more' });
  // ... until the line limit turns it into an error (Protocol desync regression tests).
  assert.equal(parse(`\0${'payload'.repeat(10000)}`).end, 'Protocol error: too big inline request');
  assert.equal(parse(`*\0${'payload'.repeat(10000)}`).end, 'Protocol error: too big mbulk count string');
  assert.equal(parse(`$\0${'payload'.repeat(10000)}`).end, 'Protocol error: too big inline request');
  // A NUL inside a bulk is data.
  assert.deepEqual(parse('*1\r\n$4\r\x00PING\r\n').commands, [['PING']]);
});

test('\\n-only line endings: inline works, multibulk waits for a \\r', () => {
  assert.deepEqual(parse('PING\nPING\n').commands, [['PING'], ['PING']]);
  assert.deepEqual(parse('*1\n$4\nPING\n'), { commands: [], end: 'more' });
  assert.equal(parse('*1\n$4\nPING\n*1\r\n').end, 'Protocol error: invalid multibulk length');
  assert.equal(parse('*1\r\n$4\nPING\r\n').end, 'Protocol error: invalid bulk length');
});

test('invalid multibulk length', () => {
  for (const count of ['', '-0', '01', '+1', '1x', ' 1', '3000000000', '2147483648', '-99999999999999999999', '99999999999999999999']) {
    assert.deepEqual(parse(`*${count}\r\nPING\r\n`), { commands: [], end: 'Protocol error: invalid multibulk length' }, count);
  }
});

test('multibulk length up to INT_MAX is accepted without allocating for it', () => {
  const p = new RequestParser(DEFAULT_LIMITS);
  p.feed(latin1('*2147483647\r\n'));
  assert.equal(p.next(), PARSE_NEED_MORE);
  assert.ok(p.argv.starts.length <= 1024);
  assert.equal(parse('*20000000\r\n').end, 'more');
  assert.equal(parse('*2147483647\r\nPING\r\n').end, "Protocol error: expected '$', got 'P'");
});

test("expected '$'", () => {
  assert.deepEqual(parse('*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n'), { commands: [], end: "Protocol error: expected '$', got 'f'" });
  assert.equal(parse('*1\r\nfoo\r\n').end, "Protocol error: expected '$', got 'f'");
  assert.equal(parse('*1\r\n\xfffoo\r\n').end, "Protocol error: expected '$', got '\xff'");
  // The reply writer turns CR/LF into spaces, as Redis does.
  assert.equal(parse('*1\r\n\rfoo\r\n').end, "Protocol error: expected '$', got '\r'");
});

test('invalid bulk length', () => {
  for (const len of ['-1', '-10', '', '04', '-0', '2000000000', '536870913', '99999999999999999999', 'blabla']) {
    assert.deepEqual(parse(`*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$${len}\r\n`), { commands: [], end: 'Protocol error: invalid bulk length' }, len);
  }
  assert.equal(parse('*1\r\n$536870912\r\n').end, 'more');
  const small = { protoMaxBulkLen: 1024 * 1024, clientQueryBufferLimit: 1024 * 1024 * 1024 };
  assert.equal(parse(`*1\r\n$${1024 * 1024 + 1}\r\n`, small).end, 'Protocol error: invalid bulk length');
  assert.equal(parse(`*1\r\n$${1024 * 1024}\r\n`, small).end, 'more');
});

test('commands before a protocol error are still returned', () => {
  assert.deepEqual(parse(cmd('PING') + cmd('PING') + '*1\r\nxx\r\n' + cmd('PING')), {
    commands: [['PING'], ['PING']],
    end: "Protocol error: expected '$', got 'x'",
  });
});

test('unauthenticated clients: multibulk > 10 and bulk > 16384 are refused', () => {
  assert.equal(parse('*11\r\n', DEFAULT_LIMITS, false).end, 'Protocol error: unauthenticated multibulk length');
  assert.equal(parse('*10\r\n', DEFAULT_LIMITS, false).end, 'more');
  assert.equal(parse('*1\r\n$16385\r\n', DEFAULT_LIMITS, false).end, 'Protocol error: unauthenticated bulk length');
  assert.equal(parse('*1\r\n$16384\r\n', DEFAULT_LIMITS, false).end, 'more');
  // The generic checks come first.
  assert.equal(parse('*3000000000\r\n', DEFAULT_LIMITS, false).end, 'Protocol error: invalid multibulk length');
  assert.equal(parse('*1\r\n$536870913\r\n', DEFAULT_LIMITS, false).end, 'Protocol error: invalid bulk length');
  // Inline requests have only the 64 KB line limit.
  assert.equal(parse(`PING ${'a '.repeat(20)}\r\n`, DEFAULT_LIMITS, false).commands[0]?.length, 21);
});

test('a request too big for one buffer sets overflow instead of throwing', () => {
  const limits: ParserLimits = { ...DEFAULT_LIMITS, maxRequestBytes: 256 * 1024 };
  const p = new RequestParser(limits);
  const big = 'x'.repeat(100 * 1024);
  const bytes = latin1(cmd('MSET', 'a', big, 'b', big, 'c', big));
  for (let off = 0; off < bytes.length && !p.overflow; off += 8192) {
    p.feed(bytes.subarray(off, off + 8192));
    assert.equal(p.next(), PARSE_NEED_MORE);
  }
  assert.equal(p.overflow, true);
  assert.ok(p.allocated <= 256 * 1024);
  // Under the bound, the same request parses.
  assert.deepEqual(parseChunks([bytes.subarray(0, 1000), bytes.subarray(1000)], { ...DEFAULT_LIMITS, maxRequestBytes: 512 * 1024 }).commands.length, 1);
});
