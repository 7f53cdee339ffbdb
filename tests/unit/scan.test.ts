/**
 * Wire tests of SCAN, mirroring the SCAN part of Redis's tests/unit/scan.tcl (7.0), plus the
 * cursor and option errors of Redis 7.0.15 and the iteration guarantee: every key present
 * for the whole iteration is returned, whatever is added or deleted between calls.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { OK, startTestServer, type TestServer } from '../helpers/server.js';
import { ReplyError, type RespClient, type Reply } from '../helpers/resp-client.js';

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

/** Like the Tcl suite's populate: `n` string keys key:0..key:n-1. */
async function populate(n: number, prefix = 'key:'): Promise<void> {
  const cmds: (string | number)[][] = [];
  for (let i = 0; i < n; i++) cmds.push(['SET', `${prefix}${i}`, i]);
  await r.pipeline(cmds);
}

/** A full iteration; `between` runs after every call. Returns the keys in reply order. */
async function scanAll(args: (string | number)[] = [], between: () => Promise<void> = async () => {}): Promise<string[]> {
  let cur = '0';
  const keys: string[] = [];
  for (let calls = 0; ; calls++) {
    assert.ok(calls < 100_000, 'SCAN does not terminate');
    const res = (await r.call('SCAN', cur, ...args)) as [string, string[]];
    cur = res[0];
    keys.push(...res[1]);
    if (cur === '0') break;
    await between();
  }
  return keys;
}

const uniq = (a: string[]): string[] => [...new Set(a)].sort();

async function dbKeys(): Promise<number> {
  return (await r.call('DBSIZE')) as number;
}

test('SCAN basic', async () => {
  await r.call('FLUSHDB');
  await populate(1000);
  const keys = await scanAll();
  assert.equal(uniq(keys).length, 1000);
  assert.equal(keys.length, 1000, 'no key is returned twice when nothing changes');
});

test('SCAN COUNT', async () => {
  await r.call('FLUSHDB');
  await populate(1000);
  assert.equal(uniq(await scanAll(['COUNT', 5])).length, 1000);
});

test('SCAN MATCH', async () => {
  await r.call('FLUSHDB');
  await populate(1000);
  const keys = uniq(await scanAll(['MATCH', 'key:1??']));
  assert.equal(keys.length, 100);
  assert.ok(keys.every((k) => /^key:1\d\d$/.test(k)));
});

test('SCAN TYPE', async () => {
  await r.call('FLUSHDB');
  // populate only creates strings
  await populate(1000);
  assert.equal(uniq(await scanAll(['TYPE', 'list'])).length, 0);
  assert.equal(uniq(await scanAll(['TYPE', 'string'])).length, 1000);
  // The type name is compared without regard to case.
  assert.equal(uniq(await scanAll(['TYPE', 'STRING', 'COUNT', 100])).length, 1000);
  await r.call('RPUSH', 'mylist', 'a');
  assert.deepEqual(await scanAll(['TYPE', 'list', 'COUNT', 2000]), ['mylist']);
});

test('SCAN unknown type', async () => {
  await r.call('FLUSHDB');
  // make sure that passive expiration is triggered by the scan
  assert.deepEqual(await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', 0), OK);
  await populate(1000);
  await r.call('RPUSH', 'list', 'v');
  await r.call('PEXPIRE', 'list', 1);
  now += 2;
  assert.equal(uniq(await scanAll(['TYPE', 'string1'])).length, 0);
  // make sure that expired key have been removed by scan command
  assert.equal(await dbKeys(), 1000);
  await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', 1);
});

test('SCAN with expired keys', async () => {
  await r.call('FLUSHDB');
  await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', 0);
  await populate(1000);
  await r.call('SET', 'foo', 'bar');
  await r.call('PEXPIRE', 'foo', 1);
  // add a list type key
  await r.call('RPUSH', 'list', 'v');
  await r.call('PEXPIRE', 'list', 1);
  now += 2;
  const keys = uniq(await scanAll(['COUNT', 10]));
  assert.equal(keys.length, 1000);
  assert.ok(!keys.includes('foo') && !keys.includes('list'));
  // make sure that expired key have been removed by scan command
  assert.equal(await dbKeys(), 1000);
  await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', 1);
});

test('SCAN with expired keys with TYPE filter', async () => {
  await r.call('FLUSHDB');
  await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', 0);
  await populate(1000);
  await r.call('SET', 'foo', 'bar');
  await r.call('PEXPIRE', 'foo', 1);
  await r.call('RPUSH', 'list', 'v');
  await r.call('PEXPIRE', 'list', 1);
  now += 2;
  const keys = uniq(await scanAll(['TYPE', 'string', 'COUNT', 10]));
  assert.equal(keys.length, 1000);
  // make sure that expired key have been removed by scan command
  assert.equal(await dbKeys(), 1000);
  await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', 1);
});

test('SCAN reclaims expired keys only when they pass MATCH', async () => {
  await r.call('FLUSHDB');
  await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', 0);
  await r.call('SET', 'x1', 1, 'PX', 1);
  await r.call('SET', 'y1', 1, 'PX', 1);
  await r.call('SET', 'z', 1);
  now += 2;
  assert.deepEqual(await r.call('SCAN', 0, 'MATCH', 'x*', 'COUNT', 100), ['0', []]);
  assert.equal(await dbKeys(), 2);
  // TYPE none: the expired key is reclaimed by the type lookup and then matches 'none' (Redis's quirk).
  assert.deepEqual(await r.call('SCAN', 0, 'TYPE', 'none', 'COUNT', 100), ['0', ['y1']]);
  assert.equal(await dbKeys(), 1);
  await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', 1);
});

test('SCAN guarantees check under write load', async () => {
  await r.call('FLUSHDB');
  await populate(100);
  // We start scanning here, so keys from 0 to 99 should all be reported at the end of the iteration.
  let n = 0;
  const keys = await scanAll([], async () => {
    // Write 10 random keys at every SCAN iteration.
    const cmds: (string | number)[][] = [];
    for (let j = 0; j < 10; j++) cmds.push(['SET', `addedkey:${Math.floor(Math.random() * 1000)}`, 'foo']);
    await r.pipeline(cmds);
    n++;
  });
  assert.ok(n > 0);
  assert.equal(uniq(keys.filter((k) => k.length <= 6)).length, 100);
});

test('SCAN guarantees: keys present throughout are returned while others are added and deleted', async () => {
  await r.call('FLUSHDB');
  // Interleaved, so that deletions fall both behind and ahead of the cursor.
  const cmds: (string | number)[][] = [];
  for (let i = 0; i < 2000; i++) cmds.push(['SET', `stable:${i}`, i], ['SET', `gone:${i}`, i]);
  await r.pipeline(cmds);
  let round = 0;
  const keys = await scanAll(['COUNT', 25], async () => {
    const cmds: (string | number)[][] = [];
    for (let j = 0; j < 20; j++) cmds.push(['SET', `new:${round}:${j}`, 'v']);
    for (let j = 0; j < 20; j++) cmds.push(['DEL', `gone:${(round * 20 + j) % 2000}`]);
    cmds.push(['DEL', `new:${Math.max(0, round - 1)}:3`]);
    await r.pipeline(cmds);
    round++;
  });
  assert.ok(round > 50);
  const stable = keys.filter((k) => k.startsWith('stable:'));
  assert.equal(new Set(stable).size, 2000);
  assert.equal(stable.length, 2000, 'each stable key once');
});

test('SCAN from several clients at once keeps each iteration whole', async () => {
  await r.call('FLUSHDB');
  await populate(500);
  const c2 = await srv.client();
  await c2.call('SELECT', 9);
  let cur1 = '0';
  let cur2 = '0';
  const k1: string[] = [];
  const k2: string[] = [];
  do {
    if (cur1 !== 'done') {
      const a = (await r.call('SCAN', cur1, 'COUNT', 7)) as [string, string[]];
      k1.push(...a[1]);
      cur1 = a[0] === '0' ? 'done' : a[0];
    }
    if (cur2 !== 'done') {
      const b = (await c2.call('SCAN', cur2, 'COUNT', 13)) as [string, string[]];
      k2.push(...b[1]);
      cur2 = b[0] === '0' ? 'done' : b[0];
    }
  } while (cur1 !== 'done' || cur2 !== 'done');
  assert.equal(uniq(k1).length, 500);
  assert.equal(uniq(k2).length, 500);
});

test('SCAN MATCH with a lone * matches the empty key, ** does not', async () => {
  await r.call('FLUSHDB');
  await r.call('SET', '', 'v');
  await r.call('SET', 'z', 'v');
  assert.deepEqual(uniq(await scanAll(['MATCH', '*'])), ['', 'z']);
  assert.deepEqual(uniq(await scanAll(['MATCH', '**'])), ['z']);
  assert.deepEqual(uniq(await scanAll(['MATCH', ''])), ['']);
  assert.deepEqual(uniq(await scanAll(['MATCH', 'a', 'MATCH', 'z'])), ['z'], 'the last MATCH wins');
});

test('SCAN cursor parsing', async () => {
  await r.call('FLUSHDB');
  await r.call('SET', 'a', 1);
  const invalid = new ReplyError('ERR invalid cursor');
  for (const c of ['x', '18446744073709551616', '-18446744073709551616', ' 1', '1 ', '1.5', '0x10', '-', '+']) {
    assert.deepEqual(await r.call('SCAN', c), invalid, `cursor ${JSON.stringify(c)}`);
  }
  // strtoul accepts these: an empty string is cursor 0.
  assert.deepEqual(await r.call('SCAN', ''), ['0', ['a']]);
  assert.deepEqual(await r.call('SCAN', '+0'), ['0', ['a']]);
  assert.deepEqual(await r.call('SCAN', '-0'), ['0', ['a']]);
  assert.deepEqual(await r.call('SCAN', '000'), ['0', ['a']]);
  // Cursors beyond any we hand out end the iteration at once, like Redis's -1.
  assert.deepEqual(await r.call('SCAN', '-1'), ['0', []]);
  assert.deepEqual(await r.call('SCAN', '18446744073709551615'), ['0', []]);
});

test('SCAN option errors', async () => {
  const syntax = new ReplyError('ERR syntax error');
  assert.deepEqual(await r.call('SCAN', 0, 'COUNT', 0), syntax);
  assert.deepEqual(await r.call('SCAN', 0, 'COUNT', -1), syntax);
  assert.deepEqual(await r.call('SCAN', 0, 'COUNT', 'x'), new ReplyError('ERR value is not an integer or out of range'));
  assert.deepEqual(await r.call('SCAN', 0, 'COUNT', '9223372036854775808'), new ReplyError('ERR value is not an integer or out of range'));
  assert.deepEqual(await r.call('SCAN', 0, 'MATCH'), syntax);
  assert.deepEqual(await r.call('SCAN', 0, 'TYPE'), syntax);
  assert.deepEqual(await r.call('SCAN', 0, 'foo'), syntax);
  assert.deepEqual(await r.call('SCAN', 0, 'COUNT', 1, 'foo', 'bar'), syntax);
  assert.deepEqual(await r.call('SCAN', 'x', 'foo'), new ReplyError('ERR invalid cursor'), 'the cursor is checked first');
  assert.deepEqual(await r.call('SCAN'), new ReplyError("ERR wrong number of arguments for 'scan' command"));
  assert.deepEqual(await r.call('SCAN', 0, 'count', 9223372036854775807n.toString(), 'match', '*', 'type', 'string'), ['0', ['a']]);
});

test('SCAN replies in RESP3 too', async () => {
  const c = await srv.client();
  await c.call('HELLO', 3);
  await c.call('SELECT', 9);
  const res: Reply = await c.call('SCAN', 0, 'COUNT', 100);
  assert.deepEqual(res, ['0', ['a']]);
  assert.equal(c.types.at(-1), '*');
});
