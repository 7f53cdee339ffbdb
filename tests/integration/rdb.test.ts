/**
 * RDB files, mirroring Redis's tests/integration/rdb.tcl and convert-{zipmap,ziplist}-*-on-load
 * .tcl, with Redis's own test files as fixtures (tests/fixtures/rdb/, from redis 7.0.15's
 * tests/assets): loading every encoding, start-up with missing, empty, unreadable or corrupt
 * files, SAVE / BGSAVE / LASTSAVE, save points, FLUSHALL during a save, MISCONF after a failed
 * save, and DEBUG RELOAD. Interoperability with redis-server and the server binary are in
 * rdb-interop.test.ts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { assertError, OK, startTestServer as launchServer, type Reply, type RespClient, type TestServer } from '../helpers/server.js';
import { datasetCommands, fullDump, runAll } from '../helpers/dataset.js';
import { info, tmp, waitFor, waitForBgsave, withFixture } from '../helpers/persistence.js';

/** Servers of this file, closed at the end even when a test fails half-way. */
const open: TestServer[] = [];
after(async () => {
  for (const s of open) await s.close();
});

async function startTestServer(opts: Parameters<typeof launchServer>[0] = {}): Promise<TestServer> {
  const s = await launchServer(opts);
  open.push(s);
  return s;
}

/** Redis's csvdump (tests/support/util.tcl): sorted keys, sets and hash pairs sorted. */
async function csvdump(c: RespClient): Promise<string> {
  const q = (s: string) => `"${s}"`;
  let o = '';
  await c.call('SELECT', 0);
  for (const k of ((await c.call('KEYS', '*')) as string[]).sort()) {
    const type = (await c.call('TYPE', k)) as { status: string };
    o += `${q('0')},${q(k)},${q(type.status)},`;
    switch (type.status) {
      case 'string':
        o += `${q((await c.call('GET', k)) as string)}\n`;
        break;
      case 'list':
        for (const e of (await c.call('LRANGE', k, 0, -1)) as string[]) o += `${q(e)},`;
        o += '\n';
        break;
      case 'set':
        for (const e of ((await c.call('SMEMBERS', k)) as string[]).sort()) o += `${q(e)},`;
        o += '\n';
        break;
      case 'zset':
        for (const e of (await c.call('ZRANGE', k, 0, -1, 'WITHSCORES')) as string[]) o += `${q(e)},`;
        o += '\n';
        break;
      case 'hash': {
        const f = (await c.call('HGETALL', k)) as string[];
        const pairs: string[] = [];
        for (let i = 0; i < f.length; i += 2) pairs.push(`${f[i] as string} ${f[i + 1] as string}`);
        for (const p of pairs.sort()) {
          const [a, b] = p.split(' ');
          o += `${q(a as string)},${q(b as string)},`;
        }
        o += '\n';
        break;
      }
    }
  }
  return o;
}

describe('rdb: files from Redis', () => {
  test('test old version rdb file', async () => {
    const srv = await startTestServer({ dir: withFixture('list-quicklist.rdb'), dbfilename: 'list-quicklist.rdb' });
    const r = await srv.client();
    assert.equal(await r.call('GET', 'x'), '7');
    assert.equal(await r.call('LPOP', 'list'), '7');
    await srv.close();
  });

  test('RDB encoding loading test', async () => {
    const srv = await startTestServer({ dir: withFixture('encodings.rdb'), dbfilename: 'encodings.rdb' });
    const r = await srv.client();
    const expected = `"0","compressible","string","${'a'.repeat(137)}"
"0","hash","hash","a","1","aa","10","aaa","100","b","2","bb","20","bbb","200","c","3","cc","30","ccc","300","ddd","400","eee","5000000000",
"0","hash_zipped","hash","a","1","b","2","c","3",
"0","list","list","1","2","3","a","b","c","100000","6000000000","1","2","3","a","b","c","100000","6000000000","1","2","3","a","b","c","100000","6000000000",
"0","list_zipped","list","1","2","3","a","b","c","100000","6000000000",
"0","number","string","10"
"0","set","set","1","100000","2","3","6000000000","a","b","c",
"0","set_zipped_1","set","1","2","3","4",
"0","set_zipped_2","set","100000","200000","300000","400000",
"0","set_zipped_3","set","1000000000","2000000000","3000000000","4000000000","5000000000","6000000000",
"0","string","string","Hello World"
"0","zset","zset","a","1","b","2","c","3","aa","10","bb","20","cc","30","aaa","100","bbb","200","ccc","300","aaaa","1000","cccc","123456789","bbbb","5000000000",
"0","zset_zipped","zset","a","1","b","2","c","3",
`;
    assert.equal(await csvdump(r), expected);
    await srv.close();
  });

  const convert: [string, string, Record<string, string>, string, string[]][] = [
    ['RDB load zipmap hash: converts to listpack', 'hash-zipmap.rdb', {}, 'listpack', ['HMGET', 'hash', 'f1', 'f2']],
    ['RDB load zipmap hash: converts to hash table when hash-max-ziplist-entries is exceeded', 'hash-zipmap.rdb', { 'hash-max-listpack-entries': '1' }, 'hashtable', ['HMGET', 'hash', 'f1', 'f2']],
    ['RDB load zipmap hash: converts to hash table when hash-max-ziplist-value is exceeded', 'hash-zipmap.rdb', { 'hash-max-listpack-value': '1' }, 'hashtable', ['HMGET', 'hash', 'f1', 'f2']],
    ['RDB load ziplist hash: converts to listpack when RDB loading', 'hash-ziplist.rdb', {}, 'listpack', ['HMGET', 'hash', 'f1', 'f2']],
    ['RDB load ziplist hash: converts to hash table when hash-max-ziplist-entries is exceeded', 'hash-ziplist.rdb', { 'hash-max-listpack-entries': '1' }, 'hashtable', ['HMGET', 'hash', 'f1', 'f2']],
    ['RDB load ziplist zset: converts to listpack when RDB loading', 'zset-ziplist.rdb', {}, 'listpack', ['ZRANGE', 'zset', '0', '-1', 'WITHSCORES']],
    ['RDB load ziplist zset: converts to skiplist when zset-max-ziplist-entries is exceeded', 'zset-ziplist.rdb', { 'zset-max-listpack-entries': '1' }, 'skiplist', ['ZRANGE', 'zset', '0', '-1', 'WITHSCORES']],
  ];
  for (const [title, file, cfg, encoding, read] of convert) {
    test(title, async () => {
      const srv = await startTestServer({ dir: withFixture(file), dbfilename: file, ...cfg });
      const r = await srv.client();
      const key = read[1] as string;
      assert.equal(await r.call('OBJECT', 'ENCODING', key), encoding);
      assert.deepEqual(await r.call(...read), file.startsWith('zset') ? ['one', '1', 'two', '2'] : ['v1', 'v2']);
      await srv.close();
    });
  }

  test("script won't load anymore if it's in rdb", async () => {
    const srv = await startTestServer({ dir: withFixture('scriptbackup.rdb'), dbfilename: 'scriptbackup.rdb' });
    const r = await srv.client();
    assert.deepEqual(await r.call('SCRIPT', 'EXISTS', 'a0c38691e9fffe4563723c32ba77a34398e090e6'), [0]);
    await srv.close();
  });

  test('empty keys in an RDB are skipped, not loaded', async () => {
    const srv = await startTestServer({ dir: withFixture('corrupt_empty_keys.rdb'), dbfilename: 'corrupt_empty_keys.rdb' });
    const r = await srv.client();
    assert.equal(await r.call('DBSIZE'), 0);
    await srv.close();
  });
});

describe('rdb: start-up', () => {
  const dir = tmp('startup');

  test('Server started empty with non-existing RDB file', async () => {
    const srv = await startTestServer({ dir });
    const r = await srv.client();
    assert.equal(await r.call('DBSIZE'), 0);
    assert.deepEqual(await r.call('SAVE'), OK);
    await srv.close();
  });

  test('Server started empty with empty RDB file', async () => {
    assert.ok(statSync(path.join(dir, 'dump.rdb')).size > 0);
    const srv = await startTestServer({ dir });
    const r = await srv.client();
    assert.equal(await r.call('DBSIZE'), 0);
    await srv.close();
  });

  test('Test RDB stream encoding', async () => {
    const srv = await startTestServer({ dir });
    const r = await srv.client();
    const cmds: string[][] = [];
    for (let j = 0; j < 1000; j++) cmds.push(j % 10 !== 7 ? ['XADD', 'stream', '*', 'foo', 'abc'] : ['XADD', 'stream', '*', 'bar', String(j)]);
    await runAll(r, cmds);
    await r.call('XGROUP', 'CREATE', 'stream', 'mygroup', '0');
    const records = (await r.call('XREADGROUP', 'GROUP', 'mygroup', 'Alice', 'COUNT', 2, 'STREAMS', 'stream', '>')) as Reply[][][];
    const entries = records[0]?.[1] as Reply[][];
    await r.call('XDEL', 'stream', entries[1]?.[0] as string);
    await r.call('XACK', 'stream', 'mygroup', entries[0]?.[0] as string);
    const before = await fullDump(r);
    assert.deepEqual(await r.call('DEBUG', 'RELOAD'), OK);
    assert.deepEqual(await fullDump(r), before);
    await r.call('DEL', 'stream');
    await srv.close();
  });

  test("Server should not start if RDB file can't be open", async () => {
    const d = tmp('unreadable');
    mkdirSync(path.join(d, 'dump.rdb')); // a directory: reading it fails as for a file without permission
    await assert.rejects(startTestServer({ dir: d }), /Fatal error loading the DB: Is a directory\. Exiting\./);
  });

  test('Server should not start if RDB is corrupted', async () => {
    const file = path.join(dir, 'dump.rdb');
    const srv = await startTestServer({ dir });
    const r = await srv.client();
    await runAll(r, [['SET', 'a', '1'], ['RPUSH', 'l', 'x', 'y']]);
    await r.call('SAVE');
    await srv.close();
    const bytes = readFileSync(file);
    bytes.write('foobar00', bytes.length - 8, 'latin1'); // corrupt the checksum
    writeFileSync(file, bytes);
    await assert.rejects(startTestServer({ dir }), /CRC error/);
    assert.deepEqual(readFileSync(file), bytes, 'the file is left as it was');
    // A truncated file and a bad signature are refused too, with their own reasons.
    writeFileSync(file, bytes.subarray(0, 30));
    await assert.rejects(startTestServer({ dir }), /Unexpected EOF reading RDB file/);
    writeFileSync(file, Buffer.from('REDIX0010\xff', 'latin1'));
    await assert.rejects(startTestServer({ dir }), /Wrong signature/);
    writeFileSync(file, Buffer.from('REDIS0011\xff', 'latin1'));
    await assert.rejects(startTestServer({ dir }), /Can't handle RDB format version 11/);
    rmSync(file);
  });

  test('Test RDB load info', async () => {
    const d = tmp('loadinfo');
    let srv = await startTestServer({ dir: d });
    let r = await srv.client();
    const cmds: string[][] = [];
    for (let i = 0; i < 1000; i++) cmds.push(['SET', `key:${i}`, 'AAA']);
    await runAll(r, cmds);
    await r.call('SAVE');
    const time = (await r.call('TIME')) as string[];
    assert.ok((await r.call('LASTSAVE')) as number <= Number(time[0]));
    await srv.close();
    srv = await startTestServer({ dir: d });
    r = await srv.client();
    assert.equal(await info(r, 'rdb_last_load_keys_expired'), '0');
    assert.equal(await info(r, 'rdb_last_load_keys_loaded'), '1000');
    await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', 0);
    for (let j = 0; j < 1024; j++) {
      await r.call('SELECT', j % 16);
      await r.call('SET', String(j), 'somevalue', 'PX', 10);
    }
    await new Promise((res) => setTimeout(res, 20));
    await r.call('SAVE');
    await srv.close();
    srv = await startTestServer({ dir: d });
    r = await srv.client();
    assert.equal(await info(r, 'rdb_last_load_keys_expired'), '1024');
    assert.equal(await info(r, 'rdb_last_load_keys_loaded'), '1000');
    await srv.close();
  });

  test('module values and module aux data are refused with a clear message', async () => {
    const d = tmp('module');
    // "REDIS0010", a MODULE_2 value (type 7) whose module id names the type "mymodtype".
    const name = 'mymodtype';
    const cs = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    let id = 0n;
    for (const ch of name) id = (id << 6n) | BigInt(cs.indexOf(ch));
    id <<= 10n;
    const idBytes = Buffer.alloc(8);
    idBytes.writeBigUInt64BE(id);
    const body = Buffer.concat([Buffer.from('REDIS0010\x07\x01k\x81', 'latin1'), idBytes, Buffer.from('\x00\xff', 'latin1'), Buffer.alloc(8)]);
    writeFileSync(path.join(d, 'dump.rdb'), body);
    await assert.rejects(startTestServer({ dir: d }), /module data I can't load: no matching module type 'mymodtype'/);
  });
});

describe('rdb: SAVE, BGSAVE, LASTSAVE, save points', () => {
  let srv: TestServer;
  let r: RespClient;
  const dir = tmp('bgsave');

  before(async () => {
    srv = await startTestServer({ dir });
    r = await srv.client();
  });

  after(async () => {
    await srv.close();
  });

  test('Test FLUSHALL aborts bgsave', async () => {
    await r.call('CONFIG', 'SET', 'save', '');
    // 5000 keys with 1 ms per key would take 5 seconds.
    await r.call('CONFIG', 'SET', 'rdb-key-save-delay', 1000);
    const cmds: string[][] = [];
    for (let i = 0; i < 5000; i++) cmds.push(['SET', `key:${i}`, 'AAA']);
    await runAll(r, cmds);
    assert.ok(Number(await info(r, 'rdb_changes_since_last_save')) > 999);
    assert.deepEqual(await r.call('BGSAVE'), { status: 'Background saving started' });
    assert.equal(await info(r, 'rdb_bgsave_in_progress'), '1');
    await r.call('FLUSHALL');
    await waitFor(async () => (await info(r, 'rdb_bgsave_in_progress')) === '0', 'bgsave aborted', 1000);
    // The save failed: the change counter is still high; the server is writable.
    assert.ok(Number(await info(r, 'rdb_changes_since_last_save')) > 999);
    assert.equal(await info(r, 'rdb_last_bgsave_status'), 'ok');
    assert.deepEqual(await r.call('SET', 'x', 'xx'), OK);
    assert.equal(existsSync(path.join(dir, `temp-${process.pid}.rdb`)), false, 'the temp file is removed');
  });

  test('bgsave resets the change counter', async () => {
    await r.call('CONFIG', 'SET', 'rdb-key-save-delay', 0);
    await r.call('BGSAVE');
    await waitForBgsave(r);
    assert.equal(await info(r, 'rdb_changes_since_last_save'), '0');
  });

  test('BGSAVE and SAVE refuse while a background save runs; BGSAVE inside MULTI is scheduled', async () => {
    // Three keys at 100 ms each.
    await r.call('CONFIG', 'SET', 'rdb-key-save-delay', 100000);
    await runAll(r, [['SET', 'a', '1'], ['SET', 'b', '2']]);
    assert.deepEqual(await r.call('BGSAVE'), { status: 'Background saving started' });
    assertError(await r.call('BGSAVE'), 'ERR Background save already in progress');
    assertError(await r.call('SAVE'), 'ERR Background save already in progress');
    assertError(await r.call('BGSAVE', 'NOW'), 'ERR syntax error');
    assert.equal(await info(r, 'rdb_current_bgsave_time_sec'), '0');
    assert.ok(Number(await info(r, 'current_save_keys_total')) >= 2);
    await r.call('CONFIG', 'SET', 'rdb-key-save-delay', 0);
    await waitForBgsave(r);
    const saves = Number(await info(r, 'rdb_saves'));
    await r.call('MULTI');
    await r.call('BGSAVE');
    assert.deepEqual(await r.call('EXEC'), [{ status: 'Background saving scheduled' }]);
    // The cron starts a scheduled save.
    await waitFor(async () => Number(await info(r, 'rdb_saves')) === saves + 1, 'the scheduled BGSAVE');
    await waitForBgsave(r);
    // SCHEDULE only matters while another child runs; without one the save starts now.
    assert.deepEqual(await r.call('BGSAVE', 'SCHEDULE'), { status: 'Background saving started' });
    await waitForBgsave(r);
    await r.call('MULTI');
    assertError(await r.call('SAVE'), 'ERR Command not allowed inside a transaction');
    await r.call('DISCARD');
  });

  test('SAVE writes the file, resets the counter and moves LASTSAVE', async () => {
    await r.call('SET', 'saved', 'yes');
    assert.ok(Number(await info(r, 'rdb_changes_since_last_save')) > 0);
    const saves = Number(await info(r, 'rdb_saves'));
    assert.deepEqual(await r.call('SAVE'), OK);
    assert.equal(await info(r, 'rdb_changes_since_last_save'), '0');
    assert.equal(Number(await info(r, 'rdb_saves')), saves + 1);
    assert.equal(await r.call('LASTSAVE'), Number(await info(r, 'rdb_last_save_time')));
    assert.ok(readFileSync(path.join(dir, 'dump.rdb')).latin1Slice(0, 9) === 'REDIS0010');
  });

  test('dbfilename and dir choose where the file goes', async () => {
    const other = tmp('otherdir');
    // Both are protected configs, as in Redis.
    assertError(await r.call('CONFIG', 'SET', 'dbfilename', 'other.rdb'), "ERR CONFIG SET failed (possibly related to argument 'dbfilename') - can't set protected config");
    const s = await startTestServer({ dir: tmp('protected'), 'enable-protected-configs': 'yes' });
    const c = await s.client();
    await c.call('SET', 'k', 'v');
    assert.deepEqual(await c.call('CONFIG', 'SET', 'dir', other, 'dbfilename', 'other.rdb'), OK);
    assert.deepEqual(await c.call('SAVE'), OK);
    assert.ok(existsSync(path.join(other, 'other.rdb')));
    await s.close();
  });

  test('save points start a BGSAVE from the cron', async () => {
    let now = Date.now();
    const s = await startTestServer({ dir: tmp('points'), save: '10 2', clock: () => now });
    const c = await s.client();
    await runAll(c, [['SET', 'a', '1']]);
    now += 20000;
    await new Promise((res) => setTimeout(res, 300));
    assert.equal(await info(c, 'rdb_saves'), '0', 'one change is below the point');
    await runAll(c, [['SET', 'b', '1']]);
    await waitFor(async () => (await info(c, 'rdb_saves')) === '1', 'a save point BGSAVE');
    await waitForBgsave(c);
    assert.equal(await info(c, 'rdb_changes_since_last_save'), '0');
    assert.equal(await c.call('LASTSAVE'), Math.floor(now / 1000));
    await s.close();
  });

  test('FLUSHALL should reset the dirty counter to 0 if we enable save', async () => {
    await r.call('CONFIG', 'SET', 'save', '');
    await r.call('SET', 'key', 'value');
    await r.call('FLUSHALL');
    assert.ok(Number(await info(r, 'rdb_changes_since_last_save')) > 0);
    await r.call('CONFIG', 'SET', 'save', '3600 1 300 100 60 10000');
    await r.call('SET', 'key', 'value');
    await r.call('FLUSHALL');
    assert.equal(await info(r, 'rdb_changes_since_last_save'), '0');
    await r.call('CONFIG', 'SET', 'save', '');
  });

  test('failed bgsave prevents writes', async () => {
    await r.call('CONFIG', 'SET', 'save', '900 1');
    await r.call('SET', 'x', 'x');
    // The temporary file's name taken by a directory: the save cannot open it (as a full or
    // read-only disk would fail it).
    const blocker = path.join(dir, `temp-${process.pid}.rdb`);
    mkdirSync(blocker);
    await r.call('BGSAVE');
    await waitForBgsave(r);
    assert.equal(await info(r, 'rdb_last_bgsave_status'), 'err');
    assert.equal(await r.call('GET', 'x'), 'x');
    assertError(await r.call('SET', 'x', 'y'), 'MISCONF *');
    assertError(await r.call('PING'), 'MISCONF *');
    assertError(await r.call('EVAL', "return redis.call('set','x',1)", 1, 'x'), 'MISCONF *');
    assert.equal(await r.call('EVAL', "return redis.call('get','x')", 1, 'x'), 'x');
    // stop-writes-on-bgsave-error no (or no save points) lifts the gate.
    await r.call('CONFIG', 'SET', 'stop-writes-on-bgsave-error', 'no');
    assert.deepEqual(await r.call('SET', 'x', 'x'), OK);
    await r.call('CONFIG', 'SET', 'stop-writes-on-bgsave-error', 'yes');
    assertError(await r.call('SET', 'x', 'y'), 'MISCONF *');
    rmSync(blocker, { recursive: true });
    await r.call('BGSAVE');
    await waitForBgsave(r);
    assert.deepEqual(await r.call('SET', 'x', 'y'), OK);
    await r.call('CONFIG', 'SET', 'save', '');
  });

  test('DEBUG RELOAD: save, flush and load back; NOSAVE, NOFLUSH and MERGE', async () => {
    await r.call('FLUSHALL');
    await runAll(r, datasetCommands());
    const before = await fullDump(r, 16, true);
    assert.deepEqual(await r.call('DEBUG', 'RELOAD'), OK);
    assert.deepEqual(await fullDump(r, 16, true), before);
    await r.call('SET', 'later', '1');
    assert.deepEqual(await r.call('DEBUG', 'RELOAD', 'NOSAVE'), OK);
    assert.equal(await r.call('EXISTS', 'later'), 0);
    await r.call('SET', 'later', '1');
    await r.call('SET', 'str:short', 'changed');
    assertError(await r.call('DEBUG', 'RELOAD', 'NOSAVE', 'NOFLUSH'), 'ERR Error trying to load the RDB dump');
    await r.call('FLUSHALL');
    await r.call('SET', 'later', '1');
    await r.call('SET', 'str:short', 'changed');
    assert.deepEqual(await r.call('DEBUG', 'RELOAD', 'NOSAVE', 'NOFLUSH', 'MERGE'), OK);
    assert.equal(await r.call('GET', 'later'), '1');
    assert.equal(await r.call('GET', 'str:short'), 'hello');
    assertError(await r.call('DEBUG', 'RELOAD', 'FOO'), 'ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.');
  });
});
