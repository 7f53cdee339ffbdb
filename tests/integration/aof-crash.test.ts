/**
 * Crash safety of the AOF, with the server binary as a child process: killed (SIGKILL, by pid)
 * under concurrent INCR / RPUSH load and restarted, it must still have every write it
 * acknowledged (appendfsync always), or all but about the last two seconds of them (everysec).
 * A truncated tail loads with a warning (aof-load-truncated yes) or is refused; a damaged
 * file is refused with a clear message and left as it was. SIGTERM writes, fsyncs and closes.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ReplyError, RespClient } from '../helpers/server.js';
import { BIN, formatCommand, lastIncrPath, manifestLines, runToExit, sleep, startChild, tempDir } from './aof-support.js';

const HAVE_BIN = existsSync(BIN);
const CLIENTS = 4;

interface Acked {
  /** INCRs acknowledged, with the time of each acknowledgement. */
  incr: number[];
  /** RPUSHes acknowledged (element i is the i-th push, value i). */
  push: number[];
}

/** Several clients writing until stopped; what each had acknowledged, with times. */
async function writeLoad(port: number, durationMs: number, onStop: () => Promise<void>): Promise<Acked[]> {
  const acked: Acked[] = [];
  let stop = false;
  const loops: Promise<void>[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    const a: Acked = { incr: [], push: [] };
    acked.push(a);
    loops.push(
      (async () => {
        const c = await RespClient.connect(port);
        try {
          for (let n = 0; !stop; n++) {
            const r1 = await c.call('INCR', `counter:${i}`);
            if (typeof r1 !== 'number') return;
            a.incr.push(Date.now());
            const r2 = await c.call('RPUSH', `list:${i}`, n);
            if (typeof r2 !== 'number') return;
            a.push.push(Date.now());
          }
        } finally {
          c.close();
        }
      })(),
    );
  }
  await sleep(durationMs);
  await onStop();
  stop = true;
  await Promise.all(loops);
  return acked;
}

/** Restart on the same directory and check what survived against what was acknowledged. */
async function checkRecovered(dir: string, args: string[], acked: Acked[], killedAt: number, maxLossMs: number): Promise<void> {
  const child = await startChild(BIN, dir, args);
  try {
    const c = await child.client();
    for (let i = 0; i < CLIENTS; i++) {
      const a = acked[i] as Acked;
      const counter = Number((await c.call('GET', `counter:${i}`)) ?? 0);
      const list = (await c.call('LRANGE', `list:${i}`, 0, -1)) as string[];
      // What must be there: every acknowledgement older than the allowed loss window.
      const mustIncr = a.incr.filter((t) => t <= killedAt - maxLossMs).length;
      const mustPush = a.push.filter((t) => t <= killedAt - maxLossMs).length;
      assert.ok(counter >= mustIncr, `client ${i}: counter ${counter} < ${mustIncr} acknowledged INCRs`);
      assert.ok(list.length >= mustPush, `client ${i}: list of ${list.length} < ${mustPush} acknowledged RPUSHes`);
      // Nothing beyond what was sent (one more of each may have been in flight).
      assert.ok(counter <= a.incr.length + 1);
      assert.ok(list.length <= a.push.length + 1);
      // And no hole: the pushes that survived are the first ones, in order.
      assert.deepEqual(list, list.map((_v, k) => String(k)));
    }
  } finally {
    await child.kill();
  }
}

describe('AOF crash safety (SIGKILL under write load)', { skip: !HAVE_BIN && 'bin/cinnabar not built' }, () => {
  test('appendfsync always: no acknowledged write is lost', async () => {
    const dir = tempDir('aofcrash-');
    const args = ['--appendonly', 'yes', '--appendfsync', 'always', '--save', ''];
    const child = await startChild(BIN, dir, args);
    let killedAt = 0;
    const acked = await writeLoad(child.port, 1500, async () => {
      killedAt = Date.now();
      await child.kill('SIGKILL');
    });
    assert.ok(acked.every((a) => a.incr.length > 10), 'the load ran');
    await checkRecovered(dir, args, acked, killedAt, 0);
  });

  test('appendfsync everysec: at most about the last two seconds are lost', async () => {
    const dir = tempDir('aofcrash-');
    const args = ['--appendonly', 'yes', '--appendfsync', 'everysec', '--save', ''];
    const child = await startChild(BIN, dir, args);
    let killedAt = 0;
    const acked = await writeLoad(child.port, 3000, async () => {
      killedAt = Date.now();
      await child.kill('SIGKILL');
    });
    assert.ok(acked.every((a) => a.incr.length > 10), 'the load ran');
    await checkRecovered(dir, args, acked, killedAt, 2000);
  });

  test('appendfsync always during a rewrite: nothing acknowledged is lost', async () => {
    const dir = tempDir('aofcrash-');
    const args = ['--appendonly', 'yes', '--appendfsync', 'always', '--save', ''];
    const child = await startChild(BIN, dir, args);
    const c = await child.client();
    const fill: (string | number)[][] = [];
    for (let i = 0; i < 50000; i++) fill.push(['SET', `fill:${i}`, 'x'.repeat(50)]);
    await c.pipeline(fill);
    // The load runs while the base is written (the rewrite may or may not finish).
    assert.deepEqual(await c.call('BGREWRITEAOF'), { status: 'Background append only file rewriting started' });
    let killedAt = 0;
    const acked = await writeLoad(child.port, 1500, async () => {
      killedAt = Date.now();
      await child.kill('SIGKILL');
    });
    await checkRecovered(dir, args, acked, killedAt, 0);
  });
});

describe('AOF damaged at start-up (the binary)', { skip: !HAVE_BIN && 'bin/cinnabar not built' }, () => {
  /** A directory with a few writes in its AOF, left by a killed server. */
  async function prepared(): Promise<{ dir: string; incr: string }> {
    const dir = tempDir('aofdmg-');
    const child = await startChild(BIN, dir, ['--appendonly', 'yes', '--save', '']);
    const c = await child.client();
    for (let i = 0; i < 10; i++) await c.call('INCR', 'n');
    await child.kill('SIGKILL');
    return { dir, incr: lastIncrPath(dir) };
  }

  test('a truncated tail loads with a warning when aof-load-truncated is yes', async () => {
    const { dir, incr } = await prepared();
    appendFileSync(incr, formatCommand('INCR', 'n').slice(0, 9), 'latin1');
    const child = await startChild(BIN, dir, ['--appendonly', 'yes', '--save', '', '--aof-load-truncated', 'yes']);
    try {
      const c = await child.client();
      assert.equal(await c.call('GET', 'n'), '10');
      assert.match(child.output(), /!!! Warning: short read while loading the AOF file appendonly\.aof\.1\.incr\.aof!!!/);
      assert.match(child.output(), /AOF appendonly\.aof\.1\.incr\.aof loaded anyway because aof-load-truncated is enabled/);
      // The tail was cut off: the file ends with a whole command again.
      assert.ok(readFileSync(incr, 'latin1').endsWith(formatCommand('INCR', 'n')));
    } finally {
      await child.kill();
    }
  });

  test('a truncated tail is refused when aof-load-truncated is no, the file left as it is', async () => {
    const { dir, incr } = await prepared();
    appendFileSync(incr, formatCommand('INCR', 'n').slice(0, 9), 'latin1');
    const before = readFileSync(incr);
    const r = await runToExit(BIN, dir, ['--appendonly', 'yes', '--save', '', '--aof-load-truncated', 'no']);
    assert.equal(r.code, 1);
    assert.match(r.output, /Unexpected end of file reading the append only file appendonly\.aof\.1\.incr\.aof\. You can: 1\) Make a backup of your AOF file/);
    assert.deepEqual(readFileSync(incr), before);
  });

  test('a corrupted AOF is refused with a clear message, the file left as it is', async () => {
    const { dir, incr } = await prepared();
    const text = readFileSync(incr, 'latin1');
    // Damage the middle: a command header that is not one.
    const at = text.indexOf('*2', 40);
    writeFileSync(incr, `${text.slice(0, at)}?${text.slice(at + 1)}`, 'latin1');
    const before = readFileSync(incr);
    const r = await runToExit(BIN, dir, ['--appendonly', 'yes', '--save', '', '--aof-load-truncated', 'yes']);
    assert.equal(r.code, 1);
    assert.match(r.output, /Bad file format reading the append only file appendonly\.aof\.1\.incr\.aof: make a backup of your AOF file, then use \.\/redis-check-aof --fix <filename\.manifest>/);
    assert.deepEqual(readFileSync(incr), before);
  });

  test('a corrupted RDB base is refused, the file left as it is', async () => {
    const { dir } = await prepared();
    const base = path.join(dir, 'appendonlydir', (manifestLines(dir)[0] as string).split(' ')[1] as string);
    const b = readFileSync(base);
    b[b.length - 3] = (b[b.length - 3] as number) ^ 0xff; // the checksum no longer matches
    writeFileSync(base, b);
    const r = await runToExit(BIN, dir, ['--appendonly', 'yes', '--save', '']);
    assert.equal(r.code, 1);
    assert.match(r.output, /Error reading the RDB base file appendonly\.aof\.1\.base\.rdb, AOF loading aborted/);
    assert.deepEqual(readFileSync(base), b);
  });

  test('a bad manifest is refused with the line it found', async () => {
    const { dir } = await prepared();
    writeFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'file appendonly.aof.1.base.rdb seq 1 type b\nfile x seq 1\n');
    const r = await runToExit(BIN, dir, ['--appendonly', 'yes', '--save', '']);
    assert.equal(r.code, 1);
    assert.match(r.output, /\*\*\* FATAL AOF MANIFEST FILE ERROR \*\*\*/);
    assert.match(r.output, />>> 'file x seq 1'/);
    assert.match(r.output, /Invalid AOF manifest file format/);
  });
});

describe('AOF at shutdown (the binary)', { skip: !HAVE_BIN && 'bin/cinnabar not built' }, () => {
  test('SIGTERM writes and fsyncs the AOF before exiting', async () => {
    const dir = tempDir('aofterm-');
    const args = ['--appendonly', 'yes', '--appendfsync', 'no', '--save', ''];
    const child = await startChild(BIN, dir, args);
    const c = await child.client();
    for (let i = 0; i < 100; i++) await c.call('RPUSH', 'l', i);
    const code = await child.kill('SIGTERM');
    assert.equal(code, 0);
    assert.match(child.output(), /User requested shutdown\.\.\.[\s\S]*Calling fsync\(\) on the AOF file\.[\s\S]*ready to exit, bye bye/);
    const again = await startChild(BIN, dir, args);
    try {
      assert.equal(await (await again.client()).call('LLEN', 'l'), 100);
    } finally {
      await again.kill();
    }
  });

  test('SHUTDOWN is refused while the AOF is being turned on, unless forced', async () => {
    const dir = tempDir('aofterm-');
    const child = await startChild(BIN, dir, ['--appendonly', 'no', '--save', '']);
    const c = await child.client();
    const fill: (string | number)[][] = [];
    for (let i = 0; i < 200000; i++) fill.push(['SET', `k:${i}`, 'x'.repeat(20)]);
    await c.pipeline(fill);
    await c.call('CONFIG', 'SET', 'appendonly', 'yes');
    const r = await c.call('SHUTDOWN');
    if (r instanceof ReplyError && r.message !== 'connection closed') {
      // The first rewrite was still running.
      assert.equal(r.message, 'ERR Errors trying to SHUTDOWN. Check logs.');
      assert.match(child.output(), /Writing initial AOF, can't exit\./);
      await c.call('SHUTDOWN', 'FORCE').catch(() => undefined);
    }
    assert.equal(await child.exited, 0);
  });
});
