/**
 * RDB files between Cinnabar and redis-server 7.0.15, both ways, with complete dumps of every
 * key compared (types, encodings, expiries, values, streams with groups and PELs); function
 * libraries and LRU/LFU hints on the way through; the background save's point-in-time view
 * while other clients write, across SWAPDB, FLUSHDB and MOVE; and the server binary: -LOADING
 * and loading:1 while a big dump loads, the final save on SIGTERM and SHUTDOWN [NO]SAVE, a
 * corrupt dump.rdb stopping the start.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { assertError, haveRedisServer, OK, RespClient, startOracle as launchOracle, startTestServer as launchServer, type Oracle, type TestServer } from '../helpers/server.js';
import { datasetCommands, datasetPelCommands, fullDump, runAll } from '../helpers/dataset.js';
import { FIXTURES, info, ROOT, tmp, waitFor, waitForBgsave } from '../helpers/persistence.js';

const BIN = path.join(ROOT, 'bin', 'cinnabar');

/** Servers and oracles of this file, closed at the end even when a test fails half-way. */
const open: (TestServer | Oracle)[] = [];
after(async () => {
  for (const s of open) await s.close();
});

async function startTestServer(opts: Parameters<typeof launchServer>[0] = {}): Promise<TestServer> {
  const s = await launchServer(opts);
  open.push(s);
  return s;
}

async function startOracle(args: string[] = []): Promise<Oracle> {
  const o = await launchOracle(args);
  let closing: Promise<void> | null = null;
  // Closing twice (a test, then the after hook) must not signal a process already gone.
  const once: Oracle = { ...o, close: () => (closing ??= o.close()) };
  open.push(once);
  return once;
}
const HAVE_REDIS = haveRedisServer();

describe('rdb: files move between Cinnabar and redis-server 7.0.15', { skip: !HAVE_REDIS && 'redis-server not installed' }, () => {
  test('Cinnabar SAVE loads in redis-server with identical contents', async () => {
    const dir = tmp('c2r');
    const srv = await startTestServer({ dir });
    const r = await srv.client();
    await runAll(r, datasetCommands(2));
    await runAll(r, datasetPelCommands());
    const ours = await fullDump(r, 16, true);
    assert.deepEqual(await r.call('SAVE'), OK);
    await srv.close();
    const oracle = await startOracle(['--dir', dir, '--dbfilename', 'dump.rdb']);
    const o = await oracle.client();
    const theirs = await fullDump(o);
    assert.deepEqual(await fullDump(o, 16, true), ours);
    await oracle.close();
    // The same file loaded back into Cinnabar: identical to what redis-server made of it.
    const again = await startTestServer({ dir });
    assert.deepEqual(await fullDump(await again.client()), theirs);
    await again.close();
  });

  test('redis-server SAVE loads in Cinnabar with identical contents', async () => {
    const dir = tmp('r2c');
    const oracle = await startOracle(['--dir', dir]);
    const o = await oracle.client();
    await runAll(o, datasetCommands(2));
    await runAll(o, datasetPelCommands());
    const theirs = await fullDump(o, 16, true);
    assert.deepEqual(await o.call('SAVE'), OK);
    await oracle.close();
    const srv = await startTestServer({ dir });
    const r = await srv.client();
    assert.deepEqual(await fullDump(r, 16, true), theirs);
    await srv.close();
    // redis-server loading its own file makes the same of it.
    const back = await startOracle(['--dir', dir]);
    const again = await startTestServer({ dir });
    assert.deepEqual(await fullDump(await again.client()), await fullDump(await back.client()));
    await back.close();
    await again.close();
  });

  test('files saved with rdbcompression no and rdbchecksum no load in both', async () => {
    const dir = tmp('nocompress');
    const srv = await startTestServer({ dir, rdbcompression: 'no', rdbchecksum: 'no' });
    const r = await srv.client();
    await runAll(r, datasetCommands());
    const ours = await fullDump(r, 16, true);
    await r.call('SAVE');
    await srv.close();
    assert.deepEqual(readFileSync(path.join(dir, 'dump.rdb')).subarray(-8), Buffer.alloc(8), 'a zero checksum');
    const oracle = await startOracle(['--dir', dir]);
    const o = await oracle.client();
    assert.deepEqual(await fullDump(o, 16, true), ours);
    await oracle.close();
    const again = await startTestServer({ dir });
    assert.deepEqual(await fullDump(await again.client(), 16, true), ours);
    await again.close();
  });

  test('function libraries travel through Cinnabar (FUNCTION2 records)', async () => {
    const dir = tmp('functions');
    const oracle = await startOracle(['--dir', dir]);
    const o = await oracle.client();
    const lib = "#!lua name=mylib\nredis.register_function('myfunc', function(keys, args) return args[1] end)";
    assert.equal(await o.call('FUNCTION', 'LOAD', lib), 'mylib');
    await o.call('SET', 'k', 'v');
    const list = await o.call('FUNCTION', 'LIST', 'WITHCODE');
    await o.call('SAVE');
    await oracle.close();
    const srv = await startTestServer({ dir });
    const r = await srv.client();
    assert.equal(await r.call('GET', 'k'), 'v');
    await r.call('SAVE');
    await srv.close();
    const back = await startOracle(['--dir', dir]);
    assert.deepEqual(await (await back.client()).call('FUNCTION', 'LIST', 'WITHCODE'), list);
    await back.close();
  });

  test('LRU and LFU hints travel with the keys (IDLE, FREQ)', async () => {
    const dir = tmp('hints');
    const srv = await startTestServer({ dir, 'maxmemory-policy': 'allkeys-lfu' });
    const r = await srv.client();
    await r.call('SET', 'hot', 'v');
    await r.call('RESTORE', 'freq100', 0, (await r.call('DUMP', 'hot')) as string, 'FREQ', 100);
    await r.call('SAVE');
    await srv.close();
    const oracle = await startOracle(['--dir', dir, '--maxmemory-policy', 'allkeys-lfu']);
    const o = await oracle.client();
    assert.equal(await o.call('OBJECT', 'FREQ', 'freq100'), 100);
    await o.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
    await o.call('RESTORE', 'idle', 0, (await o.call('DUMP', 'hot')) as string, 'IDLETIME', 5000);
    await o.call('SAVE');
    await oracle.close();
    const back = await startTestServer({ dir, 'maxmemory-policy': 'allkeys-lru' });
    const b = await back.client();
    const idle = (await b.call('OBJECT', 'IDLETIME', 'idle')) as number;
    assert.ok(idle >= 5000 && idle <= 5010, `idle ${idle}`);
    await back.close();
  });

  test('BGSAVE keeps its view across SWAPDB, FLUSHDB and MOVE', async () => {
    const dir = tmp('swap');
    const srv = await startTestServer({ dir });
    const r = await srv.client();
    const fill = (prefix: string, n: number): string[][] => Array.from({ length: n }, (_v, i) => ['SET', `${prefix}:${i}`, `${prefix}-value-${i}`]);
    await runAll(r, fill('zero', 400));
    await r.call('SELECT', 1);
    await runAll(r, [...fill('one', 400), ['HSET', 'h', 'a', '1'], ['RPUSH', 'l', 'x']]);
    await r.call('SELECT', 2);
    await runAll(r, fill('two', 50));
    await r.call('SELECT', 0);
    const expected = await fullDump(r, 16, true);
    await r.call('CONFIG', 'SET', 'rdb-key-save-delay', 2000);
    assert.deepEqual(await r.call('BGSAVE'), { status: 'Background saving started' });
    const w = await srv.client();
    await w.call('SWAPDB', 0, 1);
    await runAll(w, [['SET', 'one:1', 'changed after the swap'], ['DEL', 'one:2'], ['HSET', 'h', 'b', '2'], ['SET', 'new', '1']]);
    await w.call('SELECT', 1);
    await runAll(w, [['SET', 'zero:399', 'changed'], ['MOVE', 'zero:398', 5], ['SET', 'zero:new', 'x']]);
    await w.call('SELECT', 2);
    await w.call('FLUSHDB');
    await runAll(w, fill('after-flush', 10));
    await w.call('SELECT', 1);
    await w.call('SWAPDB', 1, 2);
    await runAll(w, [['SET', 'zero:0', 'too late'], ['DEL', 'zero:1']]);
    assert.equal(await info(w, 'rdb_bgsave_in_progress'), '1', 'the writes happened during the save');
    await waitForBgsave(r);
    assert.equal(await info(r, 'rdb_last_bgsave_status'), 'ok');
    await srv.close();
    const again = await startTestServer({ dir });
    assert.deepEqual(await fullDump(await again.client(), 16, true), expected);
    await again.close();
  });

  test('BGSAVE writes the point-in-time view while other clients write', async () => {
    const dir = tmp('pit');
    const srv = await startTestServer({ dir });
    const r = await srv.client();
    await runAll(r, datasetCommands());
    const cmds: string[][] = [];
    for (let i = 0; i < 3000; i++) cmds.push(['SET', `k:${i}`, `v:${i}`]);
    for (let i = 0; i < 300; i++) cmds.push(['PEXPIREAT', `k:${i * 7}`, String(4102444800000 + i)]);
    await runAll(r, cmds);
    await r.call('SELECT', 3);
    await runAll(r, [['SET', 'db3', 'x'], ['RPUSH', 'db3list', 'a', 'b']]);
    await r.call('SELECT', 0);
    const expected = await fullDump(r, 16, true);
    await r.call('CONFIG', 'SET', 'rdb-key-save-delay', 100);
    assert.deepEqual(await r.call('BGSAVE'), { status: 'Background saving started' });
    // Writers change, delete, create, expire and grow keys in every way while it runs.
    const writers = await Promise.all([srv.client(), srv.client(), srv.client()]);
    let rounds = 0;
    let running = true;
    const work = writers.map(async (w, wi) => {
      let seq = 0;
      while (running) {
        const batch: (string | number)[][] = [];
        for (let j = 0; j < 20; j++) {
          const i = (seq * 131 + j * 17 + wi * 7) % 3300;
          switch ((seq + j) % 10) {
            case 0: batch.push(['SET', `k:${i}`, `new:${seq}`]); break;
            case 1: batch.push(['DEL', `k:${i}`]); break;
            case 2: batch.push(['APPEND', `k:${i}`, 'more']); break;
            case 3: batch.push(['PEXPIRE', `k:${i}`, 100000]); break;
            case 4: batch.push(['PERSIST', `k:${i}`]); break;
            case 5: batch.push(['RPUSH', 'list:big', `pushed:${seq}`], ['LPOP', 'list:small']); break;
            case 6: batch.push(['HSET', 'hash:big', `field:${i}`, 'changed'], ['SREM', 'set:big', `member:${i}`]); break;
            case 7: batch.push(['ZINCRBY', 'zset:big', 1, `zm:${i % 500}`], ['XADD', 'stream:big', '*', 'w', String(wi)]); break;
            case 8: batch.push(['RENAME', `k:${i}`, `renamed:${i}`], ['SELECT', 3], ['DEL', 'db3'], ['SELECT', 0]); break;
            default: batch.push(['SWAPDB', 0, 0], ['XREADGROUP', 'GROUP', 'g1', 'writer', 'COUNT', 1, 'STREAMS', 'stream:big', '>']);
          }
        }
        await w.pipeline(batch);
        seq++;
        rounds++;
      }
    });
    await waitForBgsave(r);
    running = false;
    await Promise.all(work);
    assert.ok(rounds > 5, `only ${rounds} write rounds happened during the save`);
    assert.equal(await info(r, 'rdb_last_bgsave_status'), 'ok');
    await srv.close();
    const oracle = await startOracle(['--dir', dir]);
    assert.deepEqual(await fullDump(await oracle.client(), 16, true), expected);
    await oracle.close();
  });
});

// ---- the server binary: -LOADING while loading, the final save on SIGTERM ------------------

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

interface Proc {
  child: ChildProcess;
  port: number;
  output(): string;
  exited: Promise<number | null>;
}

/** Every server spawned, killed at the end whatever happened. */
const spawned: ChildProcess[] = [];
after(() => {
  for (const c of spawned) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** Start bin/cinnabar; unless `whileLoading`, wait until its dataset is loaded. */
async function spawnServer(args: string[], cwd: string, whileLoading = false): Promise<Proc> {
  const port = await freePort();
  const child = spawn(BIN, ['--port', String(port), ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  spawned.push(child);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString('latin1')));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString('latin1')));
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  for (let i = 0; i < 200; i++) {
    const c = await RespClient.connect(port).catch(() => null);
    if (c !== null) {
      c.close();
      break;
    }
    await new Promise((res) => setTimeout(res, 25));
  }
  if (!whileLoading) {
    const c = await RespClient.connect(port);
    await waitFor(async () => (await info(c, 'loading')) === '0', 'the dataset to load');
    c.close();
  }
  return { child, port, output: () => out, exited };
}

describe('rdb: the server binary', () => {
  test('client freed during loading; LOADING replies and loading:1 meanwhile', async () => {
    const dir = tmp('loading');
    const srv = await startTestServer({ dir });
    const r = await srv.client();
    const cmds: string[][] = [];
    for (let i = 0; i < 2000; i++) cmds.push(['SET', `key:${i}`, 'x'.repeat(100)]);
    await runAll(r, cmds);
    await r.call('SAVE');
    await srv.close();
    // 2000 keys at 2 ms each: about 4 seconds of loading, answering clients every 1024 bytes.
    const p = await spawnServer(['--dir', dir, '--key-load-delay', '2000', '--loading-process-events-interval-bytes', '1024', '--save', ''], dir, true);
    const clients: RespClient[] = [];
    for (let j = 0; j < 5; j++) clients.push(await RespClient.connect(p.port));
    const c0 = clients[0] as RespClient;
    assert.equal(await info(c0, 'loading'), '1');
    assert.match((await c0.call('INFO', 'persistence')) as string, /loading_loaded_perc:\d+\.\d\d/);
    assertError(await c0.call('GET', 'key:1'), 'LOADING Redis is loading the dataset in memory');
    assertError(await c0.call('SET', 'a', 'b'), 'LOADING Redis is loading the dataset in memory');
    assert.deepEqual(await c0.call('LASTSAVE') !== null, true);
    for (const c of clients) c.close();
    await waitFor(async () => {
      const c = await RespClient.connect(p.port);
      const n = Number(/connected_clients:(\d+)/.exec((await c.call('INFO', 'clients')) as string)?.[1]);
      c.close();
      return n < 3;
    }, 'the clients to be freed');
    assert.equal(await info(await RespClient.connect(p.port), 'loading'), '1', 'still loading');
    p.child.kill('SIGKILL');
    await p.exited;
  });

  test('SIGTERM saves when save points are set; SHUTDOWN NOSAVE does not', async () => {
    const dir = tmp('sigterm');
    let p = await spawnServer(['--dir', dir, '--save', '3600 1'], dir);
    let c = await RespClient.connect(p.port);
    await c.call('SET', 'k', 'v');
    c.close();
    p.child.kill('SIGTERM');
    assert.equal(await p.exited, 0);
    assert.match(p.output(), /Saving the final RDB snapshot before exiting\./);
    assert.match(p.output(), /DB saved on disk/);
    p = await spawnServer(['--dir', dir, '--save', '3600 1'], dir);
    c = await RespClient.connect(p.port);
    assert.equal(await c.call('GET', 'k'), 'v');
    assert.match(p.output(), /DB loaded from disk/);
    await c.call('SET', 'k', 'changed');
    await c.call('SHUTDOWN', 'NOSAVE');
    assert.equal(await p.exited, 0);
    p = await spawnServer(['--dir', dir, '--save', ''], dir);
    c = await RespClient.connect(p.port);
    assert.equal(await c.call('GET', 'k'), 'v');
    await c.call('SET', 'k', 'saved by SHUTDOWN SAVE');
    await c.call('SHUTDOWN', 'SAVE');
    assert.equal(await p.exited, 0);
    p = await spawnServer(['--dir', dir, '--save', ''], dir);
    c = await RespClient.connect(p.port);
    assert.equal(await c.call('GET', 'k'), 'saved by SHUTDOWN SAVE');
    // A save that fails keeps the server up (unless FORCE).
    mkdirSync(path.join(dir, `temp-${p.child.pid as number}.rdb`));
    assertError(await c.call('SHUTDOWN', 'SAVE'), 'ERR Errors trying to SHUTDOWN. Check logs.');
    assert.equal(await c.call('GET', 'k'), 'saved by SHUTDOWN SAVE');
    await c.call('SHUTDOWN', 'SAVE', 'FORCE');
    assert.equal(await p.exited, 0);
  });

  test('a corrupt dump.rdb stops the binary at start-up, file untouched', async () => {
    const dir = tmp('corruptbin');
    const bytes = readFileSync(path.join(FIXTURES, 'zset-ziplist.rdb'));
    bytes[bytes.length - 3] = (bytes[bytes.length - 3] as number) ^ 0xff;
    writeFileSync(path.join(dir, 'dump.rdb'), bytes);
    const port = await freePort();
    const child = spawn(BIN, ['--port', String(port), '--dir', dir], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    spawned.push(child);
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString('latin1')));
    const code = await new Promise<number | null>((res) => child.once('exit', (c) => res(c)));
    assert.equal(code, 1);
    assert.match(out, /Wrong RDB checksum expected/);
    assert.match(out, /RDB CRC error/);
    assert.deepEqual(readFileSync(path.join(dir, 'dump.rdb')), bytes);
  });
});
