/**
 * Multi-part AOF, after Redis's tests/integration/aof-multi-part.tcl (7.0.15 file names:
 * appendonly.aof.<seq>.base.rdb|aof, appendonly.aof.<seq>.incr.aof): loading under every
 * combination of manifest and files, the upgrade from a single-file AOF, and how rewrites,
 * turning the AOF on and off and history garbage collection change the manifest.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { OK, type TestServer } from '../helpers/server.js';
import { countLogLines, createAofDir, dumpAll, fileExists, formatCommand, logText, manifestLines, startAof, tempDir, waitFor, waitForRewrite } from './aof-support.js';

const BASE1 = 'appendonly.aof.1.base.aof';
const BASE2 = 'appendonly.aof.2.base.aof';
const INCR1 = 'appendonly.aof.1.incr.aof';
const INCR2 = 'appendonly.aof.2.incr.aof';
const INCR3 = 'appendonly.aof.3.incr.aof';

async function refused(dir: string): Promise<void> {
  await assert.rejects(startAof(dir), 'AOF loading must fail');
}

/** The manifest error Redis logs, banner included. */
function assertManifestError(dir: string, message: string): void {
  const log = logText(dir);
  assert.match(log, /\*\*\* FATAL AOF MANIFEST FILE ERROR \*\*\*/);
  assert.ok(log.includes(message), `log should say '${message}':\n${log}`);
}

describe('Multi Part AOF: loading (aof-multi-part.tcl, part 1)', () => {
  test("Multi Part AOF can't load data when some file missing", async () => {
    const dir = tempDir();
    createAofDir(dir, { [BASE1]: formatCommand('set', 'k1', 'v1'), [INCR2]: formatCommand('set', 'k2', 'v2') }, `file ${BASE1} seq 1 type b\nfile ${INCR1} seq 1 type i\nfile ${INCR2} seq 2 type i\n`);
    await refused(dir);
    assert.equal(countLogLines(dir, 'Unable to obtain the AOF file appendonly.aof.1.incr.aof length. stat: No such file or directory'), 1);
  });

  test("Multi Part AOF can't load data when the sequence not increase monotonically", async () => {
    const dir = tempDir();
    createAofDir(dir, { [INCR1]: formatCommand('set', 'k1', 'v1'), [INCR2]: formatCommand('set', 'k2', 'v2') }, `file ${INCR2} seq 2 type i\nfile ${INCR1} seq 1 type i\n`);
    await refused(dir);
    assertManifestError(dir, 'Found a non-monotonic sequence number');
  });

  test("Multi Part AOF can't load data when there are blank lines in the manifest file", async () => {
    const dir = tempDir();
    createAofDir(dir, { [INCR1]: formatCommand('set', 'k1', 'v1'), [INCR3]: formatCommand('set', 'k2', 'v2') }, `file ${INCR1} seq 1 type i\n\nfile ${INCR3} seq 3 type i\n`);
    await refused(dir);
    assertManifestError(dir, 'Invalid AOF manifest file format');
  });

  test("Multi Part AOF can't load data when there is a duplicate base file", async () => {
    const dir = tempDir();
    createAofDir(
      dir,
      { [BASE1]: formatCommand('set', 'k1', 'v1'), [BASE2]: formatCommand('set', 'k2', 'v2'), [INCR1]: formatCommand('set', 'k3', 'v3') },
      `file ${BASE1} seq 1 type b\nfile ${BASE2} seq 2 type b\nfile ${INCR1} seq 1 type i\n`,
    );
    await refused(dir);
    assertManifestError(dir, 'Found duplicate base file information');
  });

  const wrongFormats: [string, string, string][] = [
    ['type unknown', `file ${BASE1} seq 1 type x\nfile ${INCR1} seq 1 type i\n`, 'Unknown AOF file type'],
    ['missing key', `filx ${BASE1} seq 1 type b\nfile ${INCR1} seq 1 type i\n`, 'Invalid AOF manifest file format'],
    ['line too short', `file ${BASE1} seq 1 type b\nfile ${INCR1} type i\n`, 'Invalid AOF manifest file format'],
    ['line too long', `${`file ${BASE1} seq 1 type b `.repeat(50)}\nfile ${INCR1} seq 1 type i\n`, 'The AOF manifest file contains too long line'],
    ['odd parameter', `file ${BASE1} seq 1 type b\nfile ${INCR1} seq 1 type i newkey\n`, 'Invalid AOF manifest file format'],
  ];
  for (const [what, manifest, message] of wrongFormats) {
    test(`Multi Part AOF can't load data when the manifest format is wrong (${what})`, async () => {
      const dir = tempDir();
      createAofDir(dir, { [BASE1]: formatCommand('set', 'k1', 'v1'), [INCR1]: formatCommand('set', 'k3', 'v3') }, manifest);
      await refused(dir);
      assertManifestError(dir, message);
    });
  }

  test("Multi Part AOF can't load data when the manifest file is empty", async () => {
    const dir = tempDir();
    createAofDir(dir, {}, '');
    await refused(dir);
    assertManifestError(dir, 'Found an empty AOF manifest');
  });

  test('Multi Part AOF can start when no aof and no manifest', async () => {
    const dir = tempDir();
    const s = await startAof(dir);
    const c = await s.client();
    assert.deepEqual(await c.call('SET', 'k1', 'v1'), OK);
    assert.equal(await c.call('GET', 'k1'), 'v1');
    assert.deepEqual(manifestLines(dir), ['file appendonly.aof.1.base.rdb seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i']);
    assert.match(logText(dir), /Creating AOF base file appendonly\.aof\.1\.base\.rdb on server start/);
    assert.match(logText(dir), /Creating AOF incr file appendonly\.aof\.1\.incr\.aof on server start/);
    await s.close();
  });

  test('Multi Part AOF can start when we have en empty AOF dir', async () => {
    const dir = tempDir();
    createAofDir(dir, {});
    const s = await startAof(dir);
    assert.deepEqual(await (await s.client()).call('PING'), { status: 'PONG' });
    await s.close();
  });

  async function loads(dir: string, expect: Record<string, string | null>): Promise<void> {
    const s = await startAof(dir);
    const c = await s.client();
    for (const [k, v] of Object.entries(expect)) assert.equal(await c.call('GET', k), v, k);
    await s.close();
  }

  test('Multi Part AOF can load data discontinuously increasing sequence', async () => {
    const dir = tempDir();
    createAofDir(
      dir,
      { [BASE1]: formatCommand('set', 'k1', 'v1'), [INCR1]: formatCommand('set', 'k2', 'v2'), [INCR3]: formatCommand('set', 'k3', 'v3') },
      `file ${BASE1} seq 1 type b\nfile ${INCR1} seq 1 type i\nfile ${INCR3} seq 3 type i\n`,
    );
    await loads(dir, { k1: 'v1', k2: 'v2', k3: 'v3' });
  });

  test('Multi Part AOF can load data when manifest add new k-v', async () => {
    const dir = tempDir();
    createAofDir(
      dir,
      { [BASE1]: formatCommand('set', 'k1', 'v1'), [INCR1]: formatCommand('set', 'k2', 'v2'), [INCR3]: formatCommand('set', 'k3', 'v3') },
      `file ${BASE1} seq 1 type b newkey newvalue\nfile ${INCR1} seq 1 type i\nfile ${INCR3} seq 3 type i\n`,
    );
    await loads(dir, { k1: 'v1', k2: 'v2', k3: 'v3' });
  });

  test('Multi Part AOF can load data when some AOFs are empty', async () => {
    const dir = tempDir();
    createAofDir(
      dir,
      { [BASE1]: formatCommand('set', 'k1', 'v1'), [INCR1]: '', [INCR3]: formatCommand('set', 'k3', 'v3') },
      `file ${BASE1} seq 1 type b\nfile ${INCR1} seq 1 type i\nfile ${INCR3} seq 3 type i\n`,
    );
    await loads(dir, { k1: 'v1', k2: null, k3: 'v3' });
  });

  test('Multi Part AOF can load data from old version redis', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'appendonly.aof'), formatCommand('set', 'k1', 'v1') + formatCommand('set', 'k2', 'v2') + formatCommand('set', 'k3', 'v3'), 'latin1');
    const s = await startAof(dir);
    const c = await s.client();
    assert.equal(await c.call('GET', 'k1'), 'v1');
    assert.equal(await c.call('GET', 'k3'), 'v3');
    assert.equal(existsSync(path.join(dir, 'appendonly.aof')), false);
    assert.equal(fileExists(path.join(dir, 'appendonlydir'), 'appendonly.aof'), true);
    assert.deepEqual(manifestLines(dir), ['file appendonly.aof seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i']);
    assert.match(logText(dir), /Successfully migrated an old-style AOF file \(appendonly\.aof\) into the AOF directory \(appendonlydir\)\./);
    assert.deepEqual(await c.call('SET', 'k4', 'v4'), OK);
    await c.call('BGREWRITEAOF');
    await waitForRewrite(c);
    assert.deepEqual(await c.call('SET', 'k5', 'v5'), OK);
    assert.deepEqual(manifestLines(dir), ['file appendonly.aof.2.base.rdb seq 2 type b', 'file appendonly.aof.2.incr.aof seq 2 type i']);
    const d1 = await dumpAll(c);
    await c.call('DEBUG', 'LOADAOF');
    assert.deepEqual(await dumpAll(c), d1);
    await s.close();
  });

  test('Multi Part AOF can continue the upgrade from the interrupted upgrade state', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'appendonly.aof'), formatCommand('set', 'k1', 'v1') + formatCommand('set', 'k2', 'v2'), 'latin1');
    createAofDir(dir, {}, 'file appendonly.aof seq 1 type b\n');
    const s = await startAof(dir);
    const c = await s.client();
    assert.equal(await c.call('GET', 'k2'), 'v2');
    assert.equal(existsSync(path.join(dir, 'appendonly.aof')), false);
    assert.deepEqual(manifestLines(dir), ['file appendonly.aof seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i']);
    await s.close();
  });

  test('Multi Part AOF can be loaded correctly when both server dir and aof dir contain old AOF', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'appendonly.aof'), formatCommand('set', 'k1', 'v1'), 'latin1');
    createAofDir(dir, { 'appendonly.aof': formatCommand('set', 'k4', 'v4') }, 'file appendonly.aof seq 1 type b\n');
    const s = await startAof(dir);
    const c = await s.client();
    assert.equal(await c.call('EXISTS', 'k1'), 0);
    assert.equal(await c.call('GET', 'k4'), 'v4');
    assert.equal(existsSync(path.join(dir, 'appendonly.aof')), true);
    assert.deepEqual(manifestLines(dir), ['file appendonly.aof seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i']);
    await s.close();
  });

  test("Multi Part AOF can't load data when the manifest contains the old AOF file name but the file does not exist in server dir and aof dir", async () => {
    const dir = tempDir();
    createAofDir(dir, {}, 'file appendonly.aof seq 1 type b\n');
    await refused(dir);
  });

  test('Multi Part AOF can upgrade when when two redis share the same server dir', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'appendonly.aof'), formatCommand('set', 'k1', 'v1'), 'latin1');
    writeFileSync(path.join(dir, 'appendonly.aof2'), formatCommand('set', 'k4', 'v4'), 'latin1');
    let s: TestServer = await startAof(dir);
    let c = await s.client();
    assert.equal(await c.call('GET', 'k1'), 'v1');
    assert.equal(await c.call('EXISTS', 'k4'), 0);
    await c.call('BGREWRITEAOF');
    await waitForRewrite(c);
    assert.deepEqual(manifestLines(dir), ['file appendonly.aof.2.base.rdb seq 2 type b', 'file appendonly.aof.2.incr.aof seq 2 type i']);
    await s.close();
    s = await startAof(dir, { appendfilename: 'appendonly.aof2' });
    c = await s.client();
    assert.equal(await c.call('EXISTS', 'k1'), 0);
    assert.equal(await c.call('GET', 'k4'), 'v4');
    assert.deepEqual(manifestLines(dir, 'appendonly.aof2'), ['file appendonly.aof2 seq 1 type b', 'file appendonly.aof2.1.incr.aof seq 1 type i']);
    await c.call('BGREWRITEAOF');
    await waitForRewrite(c);
    assert.deepEqual(manifestLines(dir, 'appendonly.aof2'), ['file appendonly.aof2.2.base.rdb seq 2 type b', 'file appendonly.aof2.2.incr.aof seq 2 type i']);
    await s.close();
  });
});

describe('Multi Part AOF: rewrites at run time (aof-multi-part.tcl, part 2)', () => {
  test('AOF enable will create manifest file; rewrites, turning off and on, auto gc, sequences', async () => {
    const dir = tempDir();
    const s = await startAof(dir, { appendonly: 'no', 'aof-use-rdb-preamble': 'yes' });
    const c = await s.client();
    const aofDir = path.join(dir, 'appendonlydir');
    try {
      assert.equal(existsSync(path.join(aofDir, 'appendonly.aof.manifest')), false);
      // AOF enable will create manifest file
      await c.call('SET', 'before', 'on');
      assert.deepEqual(await c.call('CONFIG', 'SET', 'appendonly', 'yes'), OK);
      // Written while the first rewrite runs: kept in the temporary INCR file.
      for (let i = 0; i < 100; i++) await c.call('INCR', 'counter');
      await waitForRewrite(c);
      await c.call('RPUSH', 'list', 'a', 'b');
      assert.deepEqual(manifestLines(dir), ['file appendonly.aof.1.base.rdb seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i']);
      assert.ok(fileExists(aofDir, 'appendonly.aof.1.base.rdb') && fileExists(aofDir, 'appendonly.aof.1.incr.aof'));
      assert.equal(fileExists(aofDir, 'temp-appendonly.aof.incr'), false);
      await c.call('BGREWRITEAOF');
      await waitForRewrite(c);
      // The second AOFRW done; the first base and INCR became history and were deleted.
      assert.deepEqual(manifestLines(dir), ['file appendonly.aof.2.base.rdb seq 2 type b', 'file appendonly.aof.2.incr.aof seq 2 type i']);
      await waitFor(() => !fileExists(aofDir, 'appendonly.aof.1.base.rdb') && !fileExists(aofDir, 'appendonly.aof.1.incr.aof'), 5000, 'history deletion');
      let d1 = await dumpAll(c);
      assert.equal((d1['0:counter'] as { value: string }).value, '100');
      await c.call('DEBUG', 'LOADAOF');
      assert.deepEqual(await dumpAll(c), d1);

      // AOF rewrite not open new aof when AOF turn off
      assert.deepEqual(await c.call('CONFIG', 'SET', 'appendonly', 'no'), OK);
      await c.call('BGREWRITEAOF');
      await waitForRewrite(c);
      assert.deepEqual(manifestLines(dir), ['file appendonly.aof.3.base.rdb seq 3 type b']);
      await waitFor(() => !fileExists(aofDir, 'appendonly.aof.2.incr.aof'), 5000, 'history deletion');
      d1 = await dumpAll(c);
      await c.call('DEBUG', 'LOADAOF');
      assert.deepEqual(await dumpAll(c), d1);
      // Turn on AOF again: a new INCR AOF, its sequence restarting from the manifest's.
      assert.deepEqual(await c.call('CONFIG', 'SET', 'appendonly', 'yes'), OK);
      await waitForRewrite(c);
      assert.deepEqual(manifestLines(dir), ['file appendonly.aof.4.base.rdb seq 4 type b', 'file appendonly.aof.1.incr.aof seq 1 type i']);
      await waitFor(() => !fileExists(aofDir, 'appendonly.aof.3.base.rdb'), 5000, 'history deletion');

      // AOF enable/disable auto gc
      assert.deepEqual(await c.call('CONFIG', 'SET', 'aof-disable-auto-gc', 'yes'), OK);
      await c.call('BGREWRITEAOF');
      await waitForRewrite(c);
      await c.call('BGREWRITEAOF');
      await waitForRewrite(c);
      assert.deepEqual(manifestLines(dir), [
        'file appendonly.aof.6.base.rdb seq 6 type b',
        'file appendonly.aof.2.incr.aof seq 2 type h',
        'file appendonly.aof.5.base.rdb seq 5 type h',
        'file appendonly.aof.1.incr.aof seq 1 type h',
        'file appendonly.aof.4.base.rdb seq 4 type h',
        'file appendonly.aof.3.incr.aof seq 3 type i',
      ]);
      for (const f of ['appendonly.aof.4.base.rdb', 'appendonly.aof.5.base.rdb', 'appendonly.aof.1.incr.aof', 'appendonly.aof.2.incr.aof']) assert.ok(fileExists(aofDir, f), f);
      assert.deepEqual(await c.call('CONFIG', 'SET', 'aof-disable-auto-gc', 'no'), OK);
      assert.deepEqual(manifestLines(dir), ['file appendonly.aof.6.base.rdb seq 6 type b', 'file appendonly.aof.3.incr.aof seq 3 type i']);
      await waitFor(() => !fileExists(aofDir, 'appendonly.aof.4.base.rdb') && !fileExists(aofDir, 'appendonly.aof.2.incr.aof'), 5000, 'history deletion');

      // AOF reload can recovery the sequence
      await c.call('DEBUG', 'LOADAOF');
      await c.call('BGREWRITEAOF');
      await waitForRewrite(c);
      assert.deepEqual(manifestLines(dir), ['file appendonly.aof.7.base.rdb seq 7 type b', 'file appendonly.aof.4.incr.aof seq 4 type i']);
    } finally {
      await s.close();
    }
  });

  test('AOF rewrite with aof-use-rdb-preamble no writes a command base', async () => {
    const dir = tempDir();
    const s = await startAof(dir, { 'aof-use-rdb-preamble': 'no' });
    const c = await s.client();
    try {
      assert.deepEqual(manifestLines(dir), ['file appendonly.aof.1.base.aof seq 1 type b', 'file appendonly.aof.1.incr.aof seq 1 type i']);
      await c.call('SET', 's', 'v', 'PX', 100000);
      await c.call('RPUSH', 'l', ...Array.from({ length: 100 }, (_, i) => i));
      await c.call('SADD', 'set', 'a', 'b', 1, 2);
      await c.call('ZADD', 'z', '1.5', 'a', 'inf', 'b', '-2', 'c');
      await c.call('HSET', 'h', 'f', 'v', 'g', 'w');
      await c.call('XADD', 'x', '1-1', 'f', 'v');
      await c.call('XGROUP', 'CREATE', 'x', 'g', '0');
      await c.call('XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 'x', '>');
      await c.call('XGROUP', 'CREATECONSUMER', 'x', 'g', 'idle');
      await c.call('XADD', 'empty', 'MAXLEN', 0, '*', 'a', 'b');
      await c.call('SELECT', 3);
      await c.call('SET', 'in3', 'v');
      await c.call('SELECT', 0);
      const before = await dumpAll(c);
      await c.call('BGREWRITEAOF');
      await waitForRewrite(c);
      assert.deepEqual(manifestLines(dir), ['file appendonly.aof.2.base.aof seq 2 type b', 'file appendonly.aof.2.incr.aof seq 2 type i']);
      await c.call('DEBUG', 'LOADAOF');
      assert.deepEqual(await dumpAll(c), before);
    } finally {
      await s.close();
    }
  });

  test('a rewrite is a point-in-time snapshot while writes go on', async () => {
    for (const preamble of ['yes', 'no']) {
      const dir = tempDir();
      const s = await startAof(dir, { 'aof-use-rdb-preamble': preamble });
      const c = await s.client();
      const w = await s.client();
      try {
        const cmds: (string | number)[][] = [];
        for (let i = 0; i < 30000; i++) cmds.push(['SET', `k:${i}`, i]);
        for (let i = 0; i < 300; i++) cmds.push(['RPUSH', `l:${i % 30}`, i]);
        await c.pipeline(cmds);
        assert.deepEqual(await c.call('BGREWRITEAOF'), { status: 'Background append only file rewriting started' });
        // Writes during the rewrite: changes, deletes, new keys, flushes of another db.
        let n = 0;
        while ((await c.call('INFO', 'persistence') as string).includes('aof_rewrite_in_progress:1') || n < 50) {
          await w.pipeline([
            ['INCR', `k:${(n * 7919) % 30000}`],
            ['DEL', `k:${(n * 104729) % 30000}`],
            ['RPUSH', `l:${n % 30}`, `x${n}`],
            ['SET', `new:${n}`, n],
            ['EXPIRE', `k:${(n * 31) % 30000}`, 1000],
          ]);
          n++;
        }
        await waitForRewrite(c);
        const live = await dumpAll(c, 1);
        await c.call('DEBUG', 'LOADAOF');
        assert.deepEqual(await dumpAll(c, 1), live, `preamble ${preamble}`);
      } finally {
        await s.close();
      }
    }
  });

  test('automatic rewrite on growth (auto-aof-rewrite-percentage / -min-size)', async () => {
    const dir = tempDir();
    const s = await startAof(dir, { 'auto-aof-rewrite-percentage': 100, 'auto-aof-rewrite-min-size': '1kb', hz: 100 });
    const c = await s.client();
    try {
      for (let i = 0; i < 100; i++) await c.call('SET', 'k', 'x'.repeat(100));
      await waitFor(async () => ((await c.call('INFO', 'persistence')) as string).includes('aof_rewrites:1'), 10000, 'an automatic rewrite');
      await waitForRewrite(c);
      assert.match(logText(dir), /Starting automatic rewriting of AOF on \d+% growth/);
      assert.equal(manifestLines(dir)[0], 'file appendonly.aof.2.base.rdb seq 2 type b');
    } finally {
      await s.close();
    }
  });

  test('the manifest is read at start-up even with appendonly no: sequences go on', async () => {
    const dir = tempDir();
    createAofDir(dir, { 'appendonly.aof.3.base.aof': formatCommand('set', 'old', 1), 'appendonly.aof.5.incr.aof': '' }, 'file appendonly.aof.3.base.aof seq 3 type b\nfile appendonly.aof.5.incr.aof seq 5 type i\n');
    const s = await startAof(dir, { appendonly: 'no' });
    const c = await s.client();
    try {
      // Not loaded (appendonly no), but its numbering is known.
      assert.equal(await c.call('EXISTS', 'old'), 0);
      await c.call('SET', 'new', 1);
      assert.deepEqual(await c.call('CONFIG', 'SET', 'appendonly', 'yes'), OK);
      await waitForRewrite(c);
      assert.deepEqual(manifestLines(dir), ['file appendonly.aof.4.base.rdb seq 4 type b', 'file appendonly.aof.6.incr.aof seq 6 type i']);
    } finally {
      await s.close();
    }
  });

  test('CONFIG SET appendonly no stops appending; yes starts again with a rewrite', async () => {
    const dir = tempDir();
    const s = await startAof(dir);
    const c = await s.client();
    try {
      await c.call('SET', 'a', 1);
      assert.deepEqual(await c.call('CONFIG', 'SET', 'appendonly', 'no'), OK);
      await c.call('SET', 'b', 2);
      assert.equal(logText(dir).includes('Background append only file rewriting started'), false);
      assert.deepEqual(await c.call('CONFIG', 'SET', 'appendonly', 'yes'), OK);
      await waitForRewrite(c);
      await c.call('SET', 'c', 3);
      const d = await dumpAll(c, 1);
      await c.call('DEBUG', 'LOADAOF');
      assert.deepEqual(await dumpAll(c, 1), d);
      assert.match(logText(dir), /Creating AOF incr file temp-appendonly\.aof\.incr on background rewrite/);
      assert.match(logText(dir), /Successfully renamed the temporary AOF incr file temp-appendonly\.aof\.incr into appendonly\.aof\.2\.incr\.aof/);
    } finally {
      await s.close();
    }
  });
});
