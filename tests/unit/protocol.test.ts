/**
 * Wire tests of the RESP protocol, mirroring Redis's tests/unit/protocol.tcl, plus the
 * malformed-input, limit and binary-safety cases of Redis 7.0's networking.c. Malformed
 * input is compared byte for byte (reply and whether the connection closed) with the real
 * redis-server 7.0 when it is installed; the expected outcomes written here are what 7.0.15
 * answers, so the tests also stand on their own.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createHash } from 'node:crypto';
import { assertError, haveRedisServer, OK, startOracle, startTestServer, type Oracle, type TestServer } from '../helpers/server.js';
import { encodeCommand, RespClient } from '../helpers/resp-client.js';

interface Outcome {
  reply: string;
  closed: boolean;
}

const QUIET_MS = 250;

function pause(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Send `chunks` as separate writes (a pause between them, so they arrive as separate reads)
 * and collect the raw reply until the server closes the connection or stays quiet.
 */
function exchange(port: number, chunks: readonly (string | Buffer)[], quietMs = QUIET_MS): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    s.setNoDelay(true);
    const got: Buffer[] = [];
    let closed = false;
    let timer: NodeJS.Timeout | null = null;
    let writing = true;
    const finish = (): void => {
      if (timer) clearTimeout(timer);
      s.destroy();
      resolve({ reply: Buffer.concat(got).toString('latin1'), closed });
    };
    const arm = (): void => {
      if (timer) clearTimeout(timer);
      if (!writing) timer = setTimeout(finish, quietMs);
    };
    s.on('data', (d: Buffer) => {
      got.push(d);
      arm();
    });
    s.on('error', () => {});
    s.on('close', () => {
      closed = true;
      finish();
    });
    s.on('connect', () => {
      void (async () => {
        for (const c of chunks) {
          if (closed) break;
          s.write(typeof c === 'string' ? Buffer.from(c, 'latin1') : c);
          await pause(15);
        }
        writing = false;
        arm();
      })().catch(reject);
    });
  });
}

let srv: TestServer;
let oracle: Oracle | null = null;
/** No RDB to load at start-up (a dump.rdb in the working directory would answer LOADING). */
const ORACLE_ARGS = ['--dbfilename', `protocol-test-${process.pid}-absent.rdb`];

before(async () => {
  srv = await startTestServer();
  if (haveRedisServer()) oracle = await startOracle(ORACLE_ARGS);
});

after(async () => {
  await srv.close();
  if (oracle) await oracle.close();
});

/** Our outcome must be `expected`; so must real Redis's when it is available. */
async function sameAsRedis(chunks: readonly (string | Buffer)[], expected: Outcome, o: Oracle | null = oracle, port = srv.port): Promise<void> {
  const [ours, theirs] = await Promise.all([exchange(port, chunks), o ? exchange(o.port, chunks) : Promise.resolve(null)]);
  if (theirs) assert.deepEqual(theirs, expected, `redis-server answered ${JSON.stringify(chunks).slice(0, 80)} differently from the expectation`);
  assert.deepEqual(ours, expected, `input ${JSON.stringify(chunks).slice(0, 80)}`);
}

const closedWith = (msg: string): Outcome => ({ reply: `-ERR Protocol error: ${msg}\r\n`, closed: true });
const open = (reply = ''): Outcome => ({ reply, closed: false });

test('Handle an empty query', async () => {
  const c = await srv.client();
  c.write('\r\n');
  assert.deepEqual(await c.call('PING'), { status: 'PONG' });
});

test('Negative multibulk length', async () => {
  const c = await srv.client();
  c.write('*-10\r\n');
  assert.deepEqual(await c.call('PING'), { status: 'PONG' });
});

test('Out of range multibulk length', async () => {
  await sameAsRedis(['*3000000000\r\n'], closedWith('invalid multibulk length'));
});

test('Wrong multibulk payload header', async () => {
  await sameAsRedis(['*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n'], closedWith("expected '$', got 'f'"));
});

test('Negative multibulk payload length', async () => {
  await sameAsRedis(['*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$-10\r\n'], closedWith('invalid bulk length'));
});

test('Out of range multibulk payload length', async () => {
  await sameAsRedis(['*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$2000000000\r\n'], closedWith('invalid bulk length'));
});

test('Non-number multibulk payload length', async () => {
  await sameAsRedis(['*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$blabla\r\n'], closedWith('invalid bulk length'));
});

test('Multi bulk request not followed by bulk arguments', async () => {
  await sameAsRedis(['*1\r\nfoo\r\n'], closedWith("expected '$', got 'f'"));
});

test('Generic wrong number of args', async () => {
  const c = await srv.client();
  assertError(await c.call('PING', 'x', 'y', 'z'), "ERR wrong number of arguments for 'ping' command");
});

test('Unbalanced number of quotes', async () => {
  await sameAsRedis(['set """test-key""" test-value\r\nping\r\n'], closedWith('unbalanced quotes in request'));
});

/** Write `seq`, then keep sending 1 KB lines until the server hangs up; return what it said. */
async function desync(port: number, seq: string): Promise<string> {
  const s = net.connect(port, '127.0.0.1');
  const got: Buffer[] = [];
  let closed = false;
  s.on('data', (d: Buffer) => got.push(d));
  s.on('error', () => {});
  const gone = new Promise<void>((r) =>
    s.on('close', () => {
      closed = true;
      r();
    }),
  );
  await new Promise<void>((r) => s.on('connect', () => r()));
  s.write(Buffer.from(seq, 'latin1'));
  const payload = Buffer.from(`${'A'.repeat(1024)}\n`);
  const deadline = Date.now() + 30_000;
  while (!closed && Date.now() < deadline) {
    if (!s.write(payload)) await Promise.race([new Promise((r) => s.once('drain', r)), gone]);
    // Give the reply a chance to be read before a reset (closing with unread input) discards it.
    await pause(1);
  }
  assert.ok(closed, 'the server did not close the connection after a protocol desync');
  return Buffer.concat(got).toString('latin1');
}

for (const [i, seq, msg] of [
  [1, '\x00', 'too big inline request'],
  [2, '*\x00', 'too big mbulk count string'],
  [3, '$\x00', 'too big inline request'],
] as const) {
  test(`Protocol desync regression test #${i}`, async () => {
    const expected = `-ERR Protocol error: ${msg}\r\n`;
    assert.equal(await desync(srv.port, seq), expected);
    if (oracle) assert.equal(await desync(oracle.port, seq), expected);
  });
}

// Redis 7.0.15 answers a null bulk here ($-1); later versions' copy of this test expects *-1.
test('raw protocol response', async () => {
  await sameAsRedis([encodeCommand(['SRANDMEMBER', 'nonexisting_key'])], open('$-1\r\n'));
});

test('raw protocol response - deferred', async () => {
  const c = await srv.client();
  c.write(encodeCommand(['SRANDMEMBER', 'nonexisting_key']));
  assert.equal((await c.rawExchange('', 5)).toString('latin1'), '$-1\r\n');
});

test('raw protocol response - multiline', async () => {
  const c = await srv.client();
  assert.equal((await c.rawExchange(encodeCommand(['SADD', 'ss', 'a']), 4)).toString('latin1'), ':1\r\n');
  assert.equal((await c.rawExchange(encodeCommand(['SRANDMEMBER', 'ss', '100']), 11)).toString('latin1'), '*1\r\n$1\r\na\r\n');
});

test('bulk reply protocol', async () => {
  const c = await srv.client();
  const raw = async (...args: string[]): Promise<string> => {
    const b = encodeCommand(args);
    // Replies here are short; read until the line structure is complete.
    return (await c.rawExchange(b, 1, 300)).toString('latin1');
  };
  for (const v of ['2', '2147483647', '-2147483648', '-9223372036854775809', '9223372036854775808', 'a'.repeat(16), 'a'.repeat(45)]) {
    assert.equal(await raw('SET', 'crlf', v), '+OK\r\n');
    const expected = `$${v.length}\r\n${v}\r\n`;
    assert.equal((await c.rawExchange(encodeCommand(['GET', 'crlf']), expected.length)).toString('latin1'), expected);
  }
});

test('test large number of args', async () => {
  const c = await srv.client();
  const args: string[] = [];
  for (let i = 0; i < 10000; i++) args.push('k', 'v');
  args.push('{k}2', 'v2');
  assert.deepEqual(await c.call('MSET', ...args), OK);
  assert.equal(await c.call('GET', '{k}2'), 'v2');
});

test('test argument rewriting - issue 9598', async () => {
  const c = await srv.client();
  await c.call('SET', 'k', '0');
  assert.equal(await c.call('INCRBYFLOAT', 'k', '1.0'), '1');
  // Argument handling in MULTI's queued commands.
  assert.deepEqual(await c.call('MULTI'), OK);
  assert.deepEqual(await c.call('INCRBYFLOAT', 'k', '1.0'), { status: 'QUEUED' });
  assert.deepEqual(await c.call('EXEC'), ['2']);
});

test('Regression for a crash with blocking ops and pipelining', async () => {
  const c = await srv.client();
  const pusher = await srv.client();
  const blpop = encodeCommand(['BLPOP', 'nolist', '0']);
  const replies = [c.read(), c.read()];
  c.write(Buffer.concat([blpop, blpop]));
  await pause(20);
  assert.equal(await pusher.call('RPUSH', 'nolist', 'a'), 1);
  assert.equal(await pusher.call('RPUSH', 'nolist', 'a'), 1);
  assert.deepEqual(await Promise.all(replies), [
    ['nolist', 'a'],
    ['nolist', 'a'],
  ]);
});

test('Regression for a crash with cron release of client arguments', async () => {
  const c = await srv.client();
  // The Tcl test waits 3 s for Redis's cron; what matters is a request spread over reads far apart.
  c.write('*3\r\n');
  await pause(200);
  c.write('$3\r\nSET\r\n$3\r\nkey\r\n$1\r\n0\r\n');
  assert.deepEqual(await c.read(), OK);
});

// ---- RESP3 reply types (HELLO 3), compared with the RESP2 forms ----

async function rawReply(c: RespClient, args: readonly string[], len: number): Promise<string> {
  return (await c.rawExchange(encodeCommand(args), len)).toString('latin1');
}

test('HELLO 3 replies with a map and switches the connection to RESP3', async () => {
  const c = await srv.client();
  const id = await c.call('CLIENT', 'ID');
  const expected =
    '%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n' +
    `$2\r\nid\r\n:${String(id)}\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n`;
  assert.equal(await rawReply(c, ['HELLO', '3'], expected.length), expected);
  assert.equal(await rawReply(c, ['GET', 'no-such-key'], 3), '_\r\n');
  const expected2 = expected.replace('%7', '*14').replace(':3', ':2');
  assert.equal(await rawReply(c, ['HELLO', '2'], expected2.length), expected2);
  assert.equal(await rawReply(c, ['GET', 'no-such-key'], 5), '$-1\r\n');
});

/**
 * Run `cases` ([command, RESP2 reply, RESP3 reply]) on a fresh connection in RESP2, then again
 * after HELLO 3, on Cinnabar and on real Redis when available. `keys` are deleted first.
 */
async function compareResp(keys: readonly string[], cases: readonly [string[], string, string][]): Promise<void> {
  const targets: [string, number][] = [['cinnabar', srv.port]];
  if (oracle) targets.push(['redis', oracle.port]);
  for (const [name, port] of targets) {
    const c = await RespClient.connect(port);
    try {
      await c.call('DEL', ...keys);
      for (const [args, resp2] of cases) assert.equal(await rawReply(c, args, resp2.length), resp2, `${name} RESP2 ${args.join(' ')}`);
      await c.call('HELLO', '3');
      for (const [args, , resp3] of cases) assert.equal(await rawReply(c, args, resp3.length), resp3, `${name} RESP3 ${args.join(' ')}`);
    } finally {
      c.close();
    }
  }
}

test('RESP3 null: _ for a missing bulk and a missing array', async () => {
  await compareResp(
    ['resp3:none'],
    [
      [['GET', 'resp3:none'], '$-1\r\n', '_\r\n'],
      [['SRANDMEMBER', 'resp3:none'], '$-1\r\n', '_\r\n'],
    ],
  );
});

test('RESP3 set: ~ for SMEMBERS', async () => {
  await compareResp(
    ['resp3:set'],
    [
      [['SADD', 'resp3:set', 'm'], ':1\r\n', ':0\r\n'],
      [['SMEMBERS', 'resp3:set'], '*1\r\n$1\r\nm\r\n', '~1\r\n$1\r\nm\r\n'],
    ],
  );
});

test('RESP3 double: , for ZSCORE and ZINCRBY (%.17g)', async () => {
  await compareResp(
    ['resp3:z'],
    [
      [['ZADD', 'resp3:z', '1.5', 'a'], ':1\r\n', ':0\r\n'],
      [['ZSCORE', 'resp3:z', 'a'], '$3\r\n1.5\r\n', ',1.5\r\n'],
      [['ZINCRBY', 'resp3:z', '0.1', 'a'], '$18\r\n1.6000000000000001\r\n', ',1.6000000000000001\r\n'],
    ],
  );
});

test('RESP3 map: % for HGETALL', async () => {
  await compareResp(
    ['resp3:h'],
    [
      [['HSET', 'resp3:h', 'f', 'v'], ':1\r\n', ':0\r\n'],
      [['HGETALL', 'resp3:h'], '*2\r\n$1\r\nf\r\n$1\r\nv\r\n', '%1\r\n$1\r\nf\r\n$1\r\nv\r\n'],
    ],
  );
});

test('RESP3 verbatim string for CLIENT INFO, bulk in RESP2', async () => {
  const c = await srv.client();
  const r2 = await rawReply(c, ['CLIENT', 'INFO'], 200);
  assert.match(r2, /^\$\d+\r\nid=\d+ addr=127\.0\.0\.1:\d+ /);
  await c.call('HELLO', '3');
  const r3 = await rawReply(c, ['CLIENT', 'INFO'], 200);
  assert.match(r3, /^=\d+\r\ntxt:id=\d+ addr=127\.0\.0\.1:\d+ .*\r\n$/s);
  const len = Number(/^=(\d+)\r\n/.exec(r3)?.[1]);
  assert.equal(r3.length, String(len).length + 3 + len + 2);
});

// ---- Malformed input, byte for byte with Redis 7.0 ----

test('malformed multibulk counts', async () => {
  const cases: [string, Outcome][] = [
    ['*-0\r\nPING\r\n', closedWith('invalid multibulk length')],
    ['*01\r\n$4\r\nPING\r\n', closedWith('invalid multibulk length')],
    ['*\r\nPING\r\n', closedWith('invalid multibulk length')],
    ['*2147483648\r\n', closedWith('invalid multibulk length')],
    ['*-99999999999999999999\r\nPING\r\n', closedWith('invalid multibulk length')],
    ['*0\r\nPING\r\n', open('+PONG\r\n')],
    ['*-9223372036854775808\r\nPING\r\n', open('+PONG\r\n')],
    ['*20000000\r\n', open()],
    ['*2147483647\r\nPING\r\n', closedWith("expected '$', got 'P'")],
  ];
  await Promise.all(cases.map(([input, expected]) => sameAsRedis([input], expected)));
});

test('malformed bulk lengths', async () => {
  const cases: [string, Outcome][] = [
    ['*1\r\n$-1\r\n', closedWith('invalid bulk length')],
    ['*1\r\n$\r\nPING\r\n', closedWith('invalid bulk length')],
    ['*1\r\n$04\r\nPING\r\n', closedWith('invalid bulk length')],
    ['*1\r\n$-0\r\nPING\r\n', closedWith('invalid bulk length')],
    ['*1\r\n$536870913\r\n', closedWith('invalid bulk length')],
    ['*1\r\n$99999999999999999999\r\n', closedWith('invalid bulk length')],
    ['*1\r\n$536870912\r\n', open()],
    ['*1\r\n\rfoo\r\n', closedWith("expected '$', got ' '")],
    ['*1\r\n\nfoo\r\n', closedWith("expected '$', got ' '")],
    ['*1\r\n\xfffoo\r\n', closedWith("expected '$', got '\xff'")],
  ];
  await Promise.all(cases.map(([input, expected]) => sameAsRedis([input], expected)));
});

test('CRLF after a bulk and LF after a length line are not checked', async () => {
  await sameAsRedis(['*1\r\n$4\r\nPINGxxPING\r\n'], open('+PONG\r\n+PONG\r\n'));
  await sameAsRedis(['*1\rX$4\rXPING\r\n'], open('+PONG\r\n'));
  await sameAsRedis(['*1\r\n$4\r\x00PING\r\n'], open('+PONG\r\n'));
});

test('\\n-only line endings: inline works, multibulk waits for a \\r', async () => {
  await sameAsRedis(['PING\nPING\n'], open('+PONG\r\n+PONG\r\n'));
  await sameAsRedis(['*1\n$4\nPING\n'], open());
  await sameAsRedis(['*1\n$4\nPING\n*1\r\n'], closedWith('invalid multibulk length'));
  await sameAsRedis(['*1\r\n$4\nPING\r\n'], closedWith('invalid bulk length'));
});

test('a NUL byte before a line end leaves the request waiting', async () => {
  await Promise.all([
    sameAsRedis(['PING\x00\n'], open()),
    sameAsRedis(['*1\r\n$4\x00\r\nPING\r\n'], open()),
    sameAsRedis(['*1\r\n\x00foo\r\n'], open()),
  ]);
});

test('empty lines and mixed inline + multibulk in one packet', async () => {
  await sameAsRedis(['\r\n\n  \t \r\nPING\r\n*1\r\n$4\r\nPING\r\nPING\r\n'], open('+PONG\r\n+PONG\r\n+PONG\r\n'));
});

test('inline quoting', async () => {
  await Promise.all([
    sameAsRedis(['ECHO a\x0bb\r\n'], open('$3\r\na\x0bb\r\n')),
    sameAsRedis(['ECHO \x0bab\r\n'], open('$2\r\nab\r\n')),
    sameAsRedis(['ECHO ab"c d"\r\n'], open('$5\r\nabc d\r\n')),
    sameAsRedis(['ECHO "\\x41\\x4" \r\n'], open('$3\r\nAx4\r\n')),
    sameAsRedis(["ECHO 'a\\'b'\r\n"], open("$3\r\na'b\r\n")),
    sameAsRedis(['ECHO "a\\"b\\n"\r\n'], open('$4\r\na"b\n\r\n')),
    sameAsRedis(['ECHO ""\r\n'], open('$0\r\n\r\n')),
    sameAsRedis(['ECHO "a"b\r\n'], closedWith('unbalanced quotes in request')),
    sameAsRedis(['ECHO "abc\r\n'], closedWith('unbalanced quotes in request')),
  ]);
});

test('inline request too long (64 KB)', async () => {
  await sameAsRedis(['A'.repeat(65537)], closedWith('too big inline request'));
  await sameAsRedis(['A'.repeat(60000), 'A'.repeat(6000)], closedWith('too big inline request'));
  await sameAsRedis(['A'.repeat(65536)], open());
});

test('length lines too long', async () => {
  await sameAsRedis([`*${'1'.repeat(65537)}`], closedWith('too big mbulk count string'));
  await sameAsRedis([`*1\r\n$${'1'.repeat(65536)}`], closedWith('too big bulk count string'));
  await sameAsRedis([`*1\r\n$${'1'.repeat(65535)}`], open());
});

test('commands before a protocol error in the same packet run; the error closes only that client', async () => {
  const other = await srv.client();
  assert.deepEqual(await other.call('SET', 'survivor', 'yes'), OK);
  await sameAsRedis(['*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPING\r\n*1\r\nxx\r\n*1\r\n$4\r\nPING\r\n'], {
    reply: "+PONG\r\n+PONG\r\n-ERR Protocol error: expected '$', got 'x'\r\n",
    closed: true,
  });
  assert.deepEqual(await other.call('PING'), { status: 'PONG' });
  assert.equal(await other.call('GET', 'survivor'), 'yes');
  const fresh = await srv.client();
  assert.deepEqual(await fresh.call('PING'), { status: 'PONG' });
});

test('a bulk split across many TCP chunks', async () => {
  const value = 'v\r\n\0'.repeat(10);
  const bytes = encodeCommand(['SET', 'split', value]);
  for (const at of [1, 2, 4, 5, 9, 13, 17, 20, 25, bytes.length - 2, bytes.length - 1]) {
    const chunks = [bytes.subarray(0, at), bytes.subarray(at)];
    assert.deepEqual(await exchange(srv.port, chunks, 100), open('+OK\r\n'), `split at ${at}`);
  }
  // And one byte per write.
  const bytewise: Buffer[] = [];
  for (let i = 0; i < 30; i++) bytewise.push(bytes.subarray(i, i + 1));
  bytewise.push(bytes.subarray(30));
  assert.deepEqual(await exchange(srv.port, bytewise, 100), open('+OK\r\n'));
  const c = await srv.client();
  assert.equal(await c.call('GET', 'split'), value);
});

// ---- Pipelining and binary safety ----

test('pipeline of thousands of commands in one write', async () => {
  const c = await srv.client();
  const cmds: string[][] = [];
  for (let i = 0; i < 5000; i++) cmds.push(['SET', `pipe:${i}`, String(i)]);
  for (let i = 0; i < 5000; i++) cmds.push(['GET', `pipe:${i}`]);
  const replies = await c.pipeline(cmds);
  assert.equal(replies.length, 10000);
  for (let i = 0; i < 5000; i++) assert.deepEqual(replies[i], OK);
  for (let i = 0; i < 5000; i++) assert.equal(replies[5000 + i], String(i));
});

test('inline pipeline of thousands of commands', async () => {
  let s = '';
  for (let i = 0; i < 3000; i++) s += `ECHO ${i}\r\n`;
  const c = await srv.client();
  let expected = '';
  for (let i = 0; i < 3000; i++) expected += `$${String(i).length}\r\n${i}\r\n`;
  assert.equal((await c.rawExchange(s, expected.length)).toString('latin1'), expected);
});

test('binary-safe keys and values (every byte, CRLF and NUL included)', async () => {
  const c = await srv.client();
  const all = Buffer.alloc(256);
  for (let i = 0; i < 256; i++) all[i] = i;
  const key = Buffer.from('key\r\n\0*1\r\n$3\r\n', 'latin1');
  assert.deepEqual(await c.call('SET', key, all), OK);
  assert.equal(await c.call('GET', key), all.toString('latin1'));
  assert.equal(await c.call('GET', Buffer.from('key\r\n\0', 'latin1')), null);
  assert.equal(await c.call('ECHO', Buffer.from('\r\n')), '\r\n');
});

test('big (10 MB) argument streamed in small chunks', async () => {
  const size = 10 * 1024 * 1024;
  const value = Buffer.alloc(size);
  for (let i = 0; i < size; i++) value[i] = (i * 7) & 0xff;
  const req = encodeCommand(['SET', 'big10mb', value]);
  const c = await srv.client();
  const done = c.read();
  for (let off = 0; off < req.length; off += 16 * 1024) {
    if (!c.socket.write(req.subarray(off, off + 16 * 1024))) await new Promise((r) => c.socket.once('drain', r));
    if ((off / (16 * 1024)) % 16 === 0) await new Promise((r) => setImmediate(r));
  }
  assert.deepEqual(await done, OK);
  const got = await c.call('GET', 'big10mb');
  assert.equal(typeof got, 'string');
  const text = got as string;
  assert.equal(text.length, size);
  const digest = (b: Buffer): string => createHash('sha1').update(b).digest('hex');
  assert.equal(digest(Buffer.from(text, 'latin1')), digest(value));
});

// ---- Limits ----

test('proto-max-bulk-len', async () => {
  const s = await startTestServer({ 'proto-max-bulk-len': '1mb' });
  try {
    assert.deepEqual(await exchange(s.port, [`*2\r\n$4\r\nECHO\r\n$${1024 * 1024 + 1}\r\n`]), closedWith('invalid bulk length'));
    const c = await s.client();
    const v = 'x'.repeat(1024 * 1024);
    assert.equal(await c.call('ECHO', v), v);
  } finally {
    await s.close();
  }
});

test('client-query-buffer-limit disconnects a client streaming a giant query', async () => {
  const s = await startTestServer({ 'client-query-buffer-limit': '1mb' });
  const o = oracle ? await startOracle([...ORACLE_ARGS, '--client-query-buffer-limit', '1mb']) : null;
  try {
    const bystander = await s.client();
    const chunks = ['*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2000000\r\n', 'x'.repeat(500000), 'x'.repeat(600000)];
    await sameAsRedis(chunks, { reply: '', closed: true }, o, s.port);
    // Under the limit, the same prefix just waits for the rest.
    await sameAsRedis(chunks.slice(0, 2), open(), o, s.port);
    assert.deepEqual(await bystander.call('PING'), { status: 'PONG' });
    // A query under the limit goes through.
    const c = await s.client();
    assert.equal(await c.call('ECHO', 'x'.repeat(900 * 1024)), 'x'.repeat(900 * 1024));
  } finally {
    await s.close();
    if (o) await o.close();
  }
});

test('unauthenticated clients have lower limits (multibulk > 10, bulk > 16384)', async () => {
  const s = await startTestServer({ requirepass: 'pw' });
  const o = oracle ? await startOracle([...ORACLE_ARGS, '--requirepass', 'pw']) : null;
  try {
    await sameAsRedis(['*11\r\n'], closedWith('unauthenticated multibulk length'), o, s.port);
    await sameAsRedis(['*10\r\n'], open(), o, s.port);
    await sameAsRedis(['*1\r\n$16385\r\n'], closedWith('unauthenticated bulk length'), o, s.port);
    await sameAsRedis(['*1\r\n$16384\r\n'], open(), o, s.port);
    await sameAsRedis(['*3000000000\r\n'], closedWith('invalid multibulk length'), o, s.port);
    await sameAsRedis([`PING ${'a '.repeat(20)}\r\n`], open('-NOAUTH Authentication required.\r\n'), o, s.port);
    await sameAsRedis(
      ['*2\r\n$4\r\nAUTH\r\n$2\r\npx\r\n*11\r\n'],
      { reply: '-WRONGPASS invalid username-password pair or user is disabled.\r\n-ERR Protocol error: unauthenticated multibulk length\r\n', closed: true },
      o,
      s.port,
    );
    // AUTH lifts the limits at once, for the rest of the same packet too.
    await sameAsRedis(['*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n*11\r\n'], open('+OK\r\n'), o, s.port);
    const c = await s.client();
    assert.deepEqual(await c.call('AUTH', 'pw'), OK);
    const big = 'b'.repeat(20000);
    assert.equal(await c.call('ECHO', big), big);
    assertError(await c.call('ECHO', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11'), "ERR wrong number of arguments for 'echo' command");
    // HELLO ... AUTH does too.
    const h = await s.client();
    const hello = await h.call('HELLO', '3', 'AUTH', 'default', 'pw');
    assert.ok(hello instanceof Map);
    assert.equal(await h.call('ECHO', big), big);
  } finally {
    await s.close();
    if (o) await o.close();
  }
});

test('CONFIG SET proto-max-bulk-len and client-query-buffer-limit apply to connected clients', async () => {
  const s = await startTestServer();
  try {
    const admin = await s.client();
    const c = await s.client();
    assert.deepEqual(await c.call('PING'), { status: 'PONG' });
    assert.deepEqual(await admin.call('CONFIG', 'SET', 'proto-max-bulk-len', '1mb'), OK);
    const err = closedWith('invalid bulk length').reply;
    assert.equal((await c.rawExchange(`*2\r\n$4\r\nECHO\r\n$${1024 * 1024 + 1}\r\n`, err.length)).toString('latin1'), err);
    await c.waitClosed();
    const d = await s.client();
    assert.deepEqual(await d.call('PING'), { status: 'PONG' });
    assert.deepEqual(await admin.call('CONFIG', 'SET', 'client-query-buffer-limit', '1mb'), OK);
    d.write(`*2\r\n$4\r\nECHO\r\n$${2 * 1024 * 1024}\r\n`);
    d.write('x'.repeat(1024 * 1024 + 100));
    await d.waitClosed();
    assert.deepEqual(await admin.call('PING'), { status: 'PONG' });
  } finally {
    await s.close();
  }
});

test('clearing requirepass lifts the unauthenticated limits of connected clients', async () => {
  const s = await startTestServer({ requirepass: 'pw' });
  const o = oracle ? await startOracle([...ORACLE_ARGS, '--requirepass', 'pw']) : null;
  try {
    for (const port of o ? [s.port, o.port] : [s.port]) {
      const c = await RespClient.connect(port);
      const admin = await RespClient.connect(port);
      try {
        assert.deepEqual(await admin.call('AUTH', 'pw'), OK);
        assert.deepEqual(await admin.call('CONFIG', 'SET', 'requirepass', ''), OK);
        // The first bytes this client sends after the change: a count only authenticated clients may use.
        assert.equal((await c.rawExchange('*11\r\n', 1, 300)).length, 0);
        assert.equal(c.closed, false, `port ${port}`);
      } finally {
        c.close();
        admin.close();
      }
    }
  } finally {
    await s.close();
    if (o) await o.close();
  }
});

test('CLIENT REPLY OFF / SKIP also silence the protocol error', async () => {
  // Redis 7.0 then keeps the connection open but ignores all further input; Cinnabar closes it.
  for (const mode of ['OFF', 'SKIP']) {
    assert.deepEqual(await exchange(srv.port, [`CLIENT REPLY ${mode}\r\n*1\r\nxx\r\n`]), { reply: '', closed: true }, mode);
    if (oracle) assert.deepEqual(await exchange(oracle.port, [`CLIENT REPLY ${mode}\r\n*1\r\nxx\r\n`]), open(), mode);
  }
});
