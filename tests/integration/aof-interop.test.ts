/**
 * AOF directories move between Cinnabar and redis-server 7.0.15 in both directions: a dataset
 * of every type (small and large encodings, binary keys and values, expiries, streams with
 * consumer groups and pending entries, several databases), written to the AOF by one server
 * (with and without the RDB preamble, before and after a rewrite), loads in the other with
 * identical contents (complete dumps compared).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { haveRedisServer, type RespClient } from '../helpers/server.js';
import { assertSameData, dumpAll, startAof, startChild, tempDir, waitForRewrite } from './aof-support.js';

const HAVE_REDIS = haveRedisServer();
const HAVE_CHECK_AOF = spawnSync('redis-check-aof', ['--help']).error === undefined;

const BINARY = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

/** A dataset touching every type and encoding; the commands are the same for both servers. */
async function fill(c: RespClient, phase: number): Promise<void> {
  const p = `p${phase}:`;
  await c.call('SET', `${p}str`, 'hello');
  await c.call('SET', `${p}int`, 12345);
  await c.call('SET', `${p}big`, 'x'.repeat(100000));
  await c.call('SET', Buffer.concat([Buffer.from(p), BINARY]), BINARY);
  await c.call('SET', `${p}ttl`, 'v', 'PX', 3600000);
  await c.call('SET', `${p}ttl2`, 'v', 'EXAT', 2000000000);
  await c.call('INCRBYFLOAT', `${p}float`, '3.0000000000000001');
  await c.call('RPUSH', `${p}list`, 'a', 'b', 1, 2, BINARY);
  await c.call('RPUSH', `${p}biglist`, ...Array.from({ length: 1000 }, (_, i) => `element-${i}`));
  await c.call('LPOP', `${p}biglist`);
  await c.call('SADD', `${p}intset`, 1, 2, 3, -100, 99999999999);
  await c.call('SADD', `${p}set`, 'a', 'b', 'c');
  await c.call('SADD', `${p}bigset`, ...Array.from({ length: 600 }, (_, i) => `member-${i}`));
  await c.call('ZADD', `${p}zset`, 1, 'a', '2.5', 'b', '-inf', 'c', 'inf', 'd');
  await c.call('ZADD', `${p}bigzset`, ...Array.from({ length: 300 }, (_, i) => [i / 7, `m${i}`]).flat());
  await c.call('ZINCRBY', `${p}zset`, '0.1', 'a');
  await c.call('HSET', `${p}hash`, 'f1', 'v1', 'f2', 2, 'bin', BINARY);
  await c.call('HSET', `${p}bighash`, ...Array.from({ length: 600 }, (_, i) => [`field-${i}`, `value-${i}`]).flat());
  await c.call('HINCRBYFLOAT', `${p}hash`, 'fl', '1.5');
  await c.call('EXPIRE', `${p}hash`, 100000);
  await c.call('PFADD', `${p}hll`, 'a', 'b', 'c');
  await c.call('GEOADD', `${p}geo`, '13.361389', '38.115556', 'Palermo');
  await c.call('XADD', `${p}stream`, '1-1', 'f', 'v');
  await c.call('XADD', `${p}stream`, '1-2', 'f', 'v2', 'g', BINARY);
  await c.call('XADD', `${p}stream`, '2-1', 'a', 'b');
  await c.call('XADD', `${p}stream`, '3-1', 'a', 'b');
  await c.call('XDEL', `${p}stream`, '2-1');
  await c.call('XGROUP', 'CREATE', `${p}stream`, 'g1', '0');
  await c.call('XGROUP', 'CREATE', `${p}stream`, 'g2', '$');
  await c.call('XREADGROUP', 'GROUP', 'g1', 'alice', 'COUNT', 1, 'STREAMS', `${p}stream`, '>');
  await c.call('XREADGROUP', 'GROUP', 'g1', 'bob', 'STREAMS', `${p}stream`, '>');
  await c.call('XCLAIM', `${p}stream`, 'g1', 'carol', 0, '1-2', 'RETRYCOUNT', 7, 'TIME', 1700000000000);
  await c.call('XGROUP', 'CREATECONSUMER', `${p}stream`, 'g2', 'idle');
  await c.call('XACK', `${p}stream`, 'g1', '3-1');
  await c.call('XADD', `${p}emptystream`, 'MAXLEN', 0, '5-5', 'a', 'b');
  await c.call('SELECT', 9);
  await c.call('SET', `${p}in9`, 'v');
  await c.call('RPUSH', `${p}l9`, 1, 2, 3);
  await c.call('SELECT', 0);
  await c.call('SPOP', `${p}set`);
  await c.call('DEL', `${p}int`);
}

async function writeAndClose(c: RespClient, rewrite: boolean): Promise<void> {
  await fill(c, 1);
  if (rewrite) {
    await c.call('BGREWRITEAOF');
    await waitForRewrite(c);
  }
  await fill(c, 2);
}

const MODES: [string, string[], boolean][] = [
  ['RDB preamble, after a rewrite', ['aof-use-rdb-preamble', 'yes'], true],
  ['RDB preamble, no rewrite', ['aof-use-rdb-preamble', 'yes'], false],
  ['command base, after a rewrite', ['aof-use-rdb-preamble', 'no'], true],
];

/**
 * The source's live dump, as a reload of its AOF gives it back: a stream group whose last ID
 * was propagated by XCLAIM ... LASTID has no entries-read counter any more (redis-server
 * reloading its own AOF does the same).
 */
function asReloaded(d: Record<string, unknown>, reloaded: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(d)) {
    const r = reloaded[k] as { value?: { groups?: { entriesRead: unknown }[] } } | undefined;
    const val = (v as { type: string; value: { groups?: { entriesRead: unknown }[] } }).value;
    if (r?.value?.groups !== undefined && val.groups !== undefined) {
      const groups = val.groups.map((g, i) => (r.value?.groups?.[i]?.entriesRead === null ? { ...g, entriesRead: null } : g));
      out[k] = { ...(v as object), value: { ...val, groups } };
    } else {
      out[k] = v;
    }
  }
  return out;
}

describe('AOF interoperability with redis-server 7.0.15', { skip: !HAVE_REDIS && 'redis-server not installed' }, () => {
  for (const [name, [k, v], rewrite] of MODES) {
    test(`an AOF directory written by Cinnabar loads in redis-server (${name})`, async () => {
      const dir = tempDir('aofinterop-c-');
      let s = await startAof(dir, { [k as string]: v as string });
      const c = await s.client();
      await writeAndClose(c, rewrite);
      const live = await dumpAll(c);
      await s.close();
      if (HAVE_CHECK_AOF) {
        const r = spawnSync('redis-check-aof', [path.join(dir, 'appendonlydir', 'appendonly.aof.manifest')], { encoding: 'latin1' });
        assert.match(r.stdout, /All AOF files and manifest are valid/, r.stdout);
      }
      // Cinnabar reloading its own files...
      s = await startAof(dir);
      const own = await dumpAll(await s.client());
      await s.close();
      assertSameData(own, asReloaded(live, own));
      // ... and redis-server loading them: the same dataset.
      const redis = await startChild('redis-server', dir, ['--appendonly', 'yes', '--save', '']);
      try {
        assertSameData(await dumpAll(await redis.client()), own);
      } finally {
        await redis.kill();
      }
    });

    test(`an AOF directory written by redis-server loads in Cinnabar (${name})`, async () => {
      const dir = tempDir('aofinterop-r-');
      const args = ['--appendonly', 'yes', '--save', '', `--${k}`, v as string];
      let redis = await startChild('redis-server', dir, args);
      let live: Record<string, unknown>;
      try {
        const c = await redis.client();
        await writeAndClose(c, rewrite);
        live = await dumpAll(c);
      } finally {
        assert.equal(await redis.kill('SIGTERM'), 0);
      }
      // redis-server reloading its own files...
      redis = await startChild('redis-server', dir, args);
      let own: Record<string, unknown>;
      try {
        own = await dumpAll(await redis.client());
      } finally {
        assert.equal(await redis.kill('SIGTERM'), 0);
      }
      assertSameData(own, asReloaded(live, own));
      // ... and Cinnabar loading them: the same dataset.
      const s = await startAof(dir);
      try {
        assertSameData(await dumpAll(await s.client()), own);
      } finally {
        await s.close();
      }
    });
  }
});
