/**
 * DUMP and RESTORE, mirroring Redis's tests/unit/dump.tcl (MIGRATE aside: not built), plus
 * byte-compatibility with redis-server 7.0.15 in both directions: DUMP payloads equal byte
 * for byte where Redis's encoding choice is deterministic, and each server RESTOREs the
 * other's payloads of every type into identical values.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, haveRedisServer, OK, startOracle, startTestServer, type Oracle, type Reply, type RespClient, type TestServer } from '../helpers/server.js';
import { datasetCommands, datasetPelCommands, fullDump, runAll } from '../helpers/dataset.js';

let srv: TestServer;
let r: RespClient;

before(async () => {
  srv = await startTestServer();
  r = await srv.client();
});

after(async () => {
  await srv.close();
});

async function pttl(key: string): Promise<number> {
  return (await r.call('PTTL', key)) as number;
}

describe('dump', () => {
  test('DUMP / RESTORE are able to serialize / unserialize a simple key', async () => {
    await r.call('SET', 'foo', 'bar');
    const encoded = (await r.call('DUMP', 'foo')) as string;
    await r.call('DEL', 'foo');
    assert.deepEqual([await r.call('EXISTS', 'foo'), await r.call('RESTORE', 'foo', 0, encoded), await r.call('TTL', 'foo'), await r.call('GET', 'foo')], [0, OK, -1, 'bar']);
  });

  test('RESTORE can set an arbitrary expire to the materialized key', async () => {
    await r.call('SET', 'foo', 'bar');
    const encoded = (await r.call('DUMP', 'foo')) as string;
    await r.call('DEL', 'foo');
    await r.call('RESTORE', 'foo', 5000, encoded);
    const ttl = await pttl('foo');
    assert.ok(ttl >= 3000 && ttl <= 5000, `pttl ${ttl}`);
    assert.equal(await r.call('GET', 'foo'), 'bar');
  });

  test('RESTORE can set an expire that overflows a 32 bit integer', async () => {
    await r.call('SET', 'foo', 'bar');
    const encoded = (await r.call('DUMP', 'foo')) as string;
    await r.call('DEL', 'foo');
    await r.call('RESTORE', 'foo', 2569591501, encoded);
    const ttl = await pttl('foo');
    assert.ok(ttl >= 2569591501 - 3000 && ttl <= 2569591501, `pttl ${ttl}`);
    assert.equal(await r.call('GET', 'foo'), 'bar');
  });

  test('RESTORE can set an absolute expire', async () => {
    await r.call('SET', 'foo', 'bar');
    const encoded = (await r.call('DUMP', 'foo')) as string;
    await r.call('DEL', 'foo');
    const now = Date.now();
    await r.call('RESTORE', 'foo', now + 3000, encoded, 'absttl');
    const ttl = await pttl('foo');
    assert.ok(ttl >= 2000 && ttl <= 3100, `pttl ${ttl}`);
    assert.equal(await r.call('GET', 'foo'), 'bar');
  });

  test('RESTORE with ABSTTL in the past', async () => {
    await r.call('SET', 'foo', 'bar');
    const encoded = (await r.call('DUMP', 'foo')) as string;
    const now = Date.now();
    await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', 0);
    assert.deepEqual(await r.call('RESTORE', 'foo', now - 3000, encoded, 'absttl', 'REPLACE'), OK);
    assertError(await r.call('DEBUG', 'OBJECT', 'foo'), 'ERR no such key');
    await r.call('DEBUG', 'SET-ACTIVE-EXPIRE', 1);
  });

  test('RESTORE can set LRU', async () => {
    await r.call('SET', 'foo', 'bar');
    const encoded = (await r.call('DUMP', 'foo')) as string;
    await r.call('DEL', 'foo');
    await r.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
    await r.call('RESTORE', 'foo', 0, encoded, 'idletime', 1000);
    const idle = (await r.call('OBJECT', 'IDLETIME', 'foo')) as number;
    assert.ok(idle >= 1000 && idle <= 1010, `idle ${idle}`);
    assert.equal(await r.call('GET', 'foo'), 'bar');
    await r.call('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
  });

  test('RESTORE with TTL maintain valid object', async () => {
    await r.call('DEL', 'foo');
    await r.call('SET', 'foo', 'bar');
    const encoded = (await r.call('DUMP', 'foo')) as string;
    for (let i = 0; i < 100; i++) {
      await r.call('DEL', 'foo');
      await r.call('RESTORE', 'foo', 1000, encoded, 'IDLETIME', 500);
      assert.equal(await r.call('GET', 'foo'), 'bar');
    }
  });

  test('RESTORE can set LFU', async () => {
    await r.call('SET', 'foo', 'bar');
    const encoded = (await r.call('DUMP', 'foo')) as string;
    await r.call('DEL', 'foo');
    await r.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu');
    await r.call('RESTORE', 'foo', 0, encoded, 'freq', 100);
    assert.equal(await r.call('OBJECT', 'FREQ', 'foo'), 100);
    assert.equal(await r.call('GET', 'foo'), 'bar');
    await r.call('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
  });

  test('RESTORE returns an error of the key already exists', async () => {
    await r.call('SET', 'foo', 'bar');
    assertError(await r.call('RESTORE', 'foo', 0, '...'), 'BUSYKEY Target key name already exists.');
  });

  test('RESTORE can overwrite an existing key with REPLACE', async () => {
    await r.call('SET', 'foo', 'bar1');
    const encoded1 = (await r.call('DUMP', 'foo')) as string;
    await r.call('SET', 'foo', 'bar2');
    const encoded2 = (await r.call('DUMP', 'foo')) as string;
    await r.call('DEL', 'foo');
    await r.call('RESTORE', 'foo', 0, encoded1);
    await r.call('RESTORE', 'foo', 0, encoded2, 'replace');
    assert.equal(await r.call('GET', 'foo'), 'bar2');
  });

  test('RESTORE can detect a syntax error for unrecongized options', async () => {
    assertError(await r.call('RESTORE', 'foo', 0, '...', 'invalid-option'), 'ERR syntax error');
  });

  test('RESTORE fail with invalid payload size', async () => {
    await r.call('DEL', 'test');
    // A string claiming 2^64-9 bytes with no data, under an unknown RDB version (12).
    const payload = '\x00\x81\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xF7\x0c\x00\x00\x00\x00\x00\x00\x00\x00\x00';
    assertError(await r.call('RESTORE', 'test', 0, payload), 'ERR DUMP payload version or checksum are wrong');
    // The same claim in a payload whose version and checksum are right: the body is refused.
    const body = '\x00\x81\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xF7';
    assertError(await r.call('RESTORE', 'test', 0, withFooter(body)), 'ERR Bad data format');
  });

  test('DUMP of non existing key returns nil', async () => {
    assert.equal(await r.call('DUMP', 'nonexisting_key'), null);
  });

  test('RESTORE argument errors, in Redis order', async () => {
    await r.call('SET', 'foo', 'bar');
    const encoded = (await r.call('DUMP', 'foo')) as string;
    await r.call('DEL', 'foo');
    assertError(await r.call('RESTORE', 'foo', -1, encoded), 'ERR Invalid TTL value, must be >= 0');
    assertError(await r.call('RESTORE', 'foo', 'abc', encoded), 'ERR value is not an integer or out of range');
    assertError(await r.call('RESTORE', 'foo', 0, encoded, 'IDLETIME', -1), 'ERR Invalid IDLETIME value, must be >= 0');
    assertError(await r.call('RESTORE', 'foo', 0, encoded, 'IDLETIME', 'x'), 'ERR value is not an integer or out of range');
    assertError(await r.call('RESTORE', 'foo', 0, encoded, 'FREQ', 256), 'ERR Invalid FREQ value, must be >= 0 and <= 255');
    assertError(await r.call('RESTORE', 'foo', 0, encoded, 'FREQ', -1), 'ERR Invalid FREQ value, must be >= 0 and <= 255');
    // IDLETIME and FREQ exclude each other; a trailing option without its value is a syntax error.
    assertError(await r.call('RESTORE', 'foo', 0, encoded, 'IDLETIME', 1, 'FREQ', 1), 'ERR syntax error');
    assertError(await r.call('RESTORE', 'foo', 0, encoded, 'FREQ'), 'ERR syntax error');
    assertError(await r.call('RESTORE', 'foo', 0, encoded.slice(0, -1) + 'x'), 'ERR DUMP payload version or checksum are wrong');
    assertError(await r.call('RESTORE', 'foo', 0, 'short'), 'ERR DUMP payload version or checksum are wrong');
    // An object type that does not exist, and an empty aggregate: both are a bad format.
    assertError(await r.call('RESTORE', 'foo', 0, withFooter('\x08\x00')), 'ERR Bad data format');
    assertError(await r.call('RESTORE', 'foo', 0, withFooter('\x02\x00')), 'ERR Bad data format');
    assert.equal(await r.call('EXISTS', 'foo'), 0);
  });

  test('RESTORE fires the restore event and counts one change', async () => {
    await r.call('SET', 'foo', 'bar');
    const encoded = (await r.call('DUMP', 'foo')) as string;
    const before = await changes();
    await r.call('RESTORE', 'foo2', 0, encoded);
    assert.equal((await changes()) - before, 1);
    const sub = await srv.client();
    await r.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEAn');
    await sub.call('SUBSCRIBE', '__keyevent@0__:restore', '__keyevent@0__:new');
    await sub.nextPush(); // the second channel's confirmation
    await r.call('RESTORE', 'foo3', 0, encoded);
    const events = [await sub.nextPush(), await sub.nextPush()];
    assert.deepEqual(events, [
      ['message', '__keyevent@0__:new', 'foo3'],
      ['message', '__keyevent@0__:restore', 'foo3'],
    ]);
    await r.call('CONFIG', 'SET', 'notify-keyspace-events', '');
    sub.close();
  });
});

async function changes(): Promise<number> {
  const info = (await r.call('INFO', 'persistence')) as string;
  return Number(/rdb_changes_since_last_save:(\d+)/.exec(info)?.[1]);
}

/** A payload around `body`: RDB version 10 and the CRC-64 Redis would compute. */
function withFooter(body: string): string {
  const b = Buffer.from(body + '\x0a\x00', 'latin1');
  return b.toString('latin1') + crc64le(b);
}

/** CRC-64/Jones (Redis's), bit by bit: independent of the implementation under test. */
function crc64le(b: Buffer): string {
  const poly = 0x95ac9329ac4bc9b5n;
  let crc = 0n;
  for (const byte of b) {
    crc ^= BigInt(byte);
    for (let i = 0; i < 8; i++) crc = crc & 1n ? (crc >> 1n) ^ poly : crc >> 1n;
  }
  const out = Buffer.alloc(8);
  out.writeBigUInt64LE(crc);
  return out.toString('latin1');
}

describe('DUMP/RESTORE against redis-server 7.0.15', { skip: !haveRedisServer() && 'redis-server not installed' }, () => {
  let oracle: Oracle;
  let o: RespClient;

  before(async () => {
    oracle = await startOracle();
    o = await oracle.client();
    await r.call('FLUSHALL');
    await runAll(r, datasetCommands());
    await runAll(o, datasetCommands());
  });

  after(async () => {
    await oracle?.close();
  });

  test('CRC-64 of the reference string', () => {
    assert.equal(Buffer.from(crc64le(Buffer.from('123456789')), 'latin1').readBigUInt64LE().toString(16), 'e9c6d914c4b8d9ca');
  });

  test('DUMP payloads are byte-identical where Redis encodes deterministically', async () => {
    // Hashtable-encoded sets and hashes list their elements in dictionary order, which
    // differs between servers (as between two Redis runs); everything else must match.
    const keys = [
      'str:int', 'str:neg', 'str:bigint', 'str:short', 'str:empty', 'str:long', 'str:random', 'str:crlf', 'str:0lead',
      'str:float', 'str:raw', 'hll', 'list:small', 'list:big', 'list:huge-element', 'list:lpushed', 'set:int16', 'set:int64',
      'hash:small', 'zset:small', 'zset:longmember', 'zset:big', 'stream:small', 'stream:big', 'stream:empty',
    ];
    const differ: string[] = [];
    for (const k of keys) {
      const [a, b] = [await r.call('DUMP', k), await o.call('DUMP', k)];
      if (a !== b) differ.push(k);
    }
    assert.deepEqual(differ, []);
  });

  /** DUMP every key of `from` (db 0) and RESTORE it, with its expiry, into database `db` of each client in `to`. */
  async function copyAll(from: RespClient, to: RespClient[], db: number): Promise<void> {
    const keys = ((await from.call('KEYS', '*')) as string[]).sort();
    const items: [string, number, string][] = [];
    for (const k of keys) items.push([k, (await from.call('PEXPIRETIME', k)) as number, (await from.call('DUMP', k)) as string]);
    for (const c of to) {
      await c.call('SELECT', db);
      for (const [k, at, payload] of items) assert.deepEqual(await c.call('RESTORE', k, at > 0 ? at : 0, payload, 'ABSTTL'), OK, k);
      await c.call('SELECT', 0);
    }
  }

  test('RESTORE of redis-server payloads, every type, gives identical values', async () => {
    await runAll(o, datasetPelCommands());
    await copyAll(o, [r, o], 5);
    assert.deepEqual(await dumpDb(r, 5), await dumpDb(o, 5));
  });

  test('redis-server RESTOREs Cinnabar payloads, every type, into identical values', async () => {
    await runAll(r, datasetPelCommands());
    await copyAll(r, [r, o], 6);
    assert.deepEqual(await dumpDb(o, 6), await dumpDb(r, 6));
  });

  test('payloads of the same value with rdbcompression no are equal too', async () => {
    await r.call('CONFIG', 'SET', 'rdbcompression', 'no');
    await o.call('CONFIG', 'SET', 'rdbcompression', 'no');
    for (const k of ['str:long', 'list:big', 'zset:big', 'stream:small', 'hash:small']) {
      assert.equal(await r.call('DUMP', k), await o.call('DUMP', k), k);
    }
    await r.call('CONFIG', 'SET', 'rdbcompression', 'yes');
    await o.call('CONFIG', 'SET', 'rdbcompression', 'yes');
  });

  test('payloads of values in configured encodings match (list-max-listpack-size, thresholds)', async () => {
    const cfg: [string, string][] = [['list-max-listpack-size', '5'], ['zset-max-listpack-entries', '3'], ['set-max-intset-entries', '2']];
    for (const [k, v] of cfg) {
      await r.call('CONFIG', 'SET', k, v);
      await o.call('CONFIG', 'SET', k, v);
    }
    const cmds = [
      ['RPUSH', 'cfg:list', ...Array.from({ length: 23 }, (_v, i) => `e${i}`)],
      ['ZADD', 'cfg:zset', '1', 'a', '2', 'b', '3', 'c', '4', 'd'],
      ['SADD', 'cfg:set', '1', '2', '3'],
    ];
    await runAll(r, cmds);
    await runAll(o, cmds);
    assert.equal(await r.call('DUMP', 'cfg:list'), await o.call('DUMP', 'cfg:list'));
    assert.equal(await r.call('DUMP', 'cfg:zset'), await o.call('DUMP', 'cfg:zset'));
    assert.equal(await r.call('OBJECT', 'ENCODING', 'cfg:set'), 'hashtable');
    await r.call('CONFIG', 'SET', 'list-max-listpack-size', '-2', 'zset-max-listpack-entries', '128', 'set-max-intset-entries', '512');
    await o.call('CONFIG', 'SET', 'list-max-listpack-size', '-2', 'zset-max-listpack-entries', '128', 'set-max-intset-entries', '512');
  });
});

/** fullDump of one database, with the database number left out. */
async function dumpDb(c: RespClient, db: number): Promise<string[]> {
  await c.call('SELECT', db);
  const lines: Reply[] = await fullDump(c, db + 1);
  await c.call('SELECT', 0);
  return (lines as string[]).filter((l) => l.startsWith(`${db} `)).map((l) => l.slice(String(db).length + 1));
}
