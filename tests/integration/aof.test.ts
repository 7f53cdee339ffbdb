/**
 * The AOF, after Redis's tests/integration/aof.tcl: loading AOF files written by hand
 * (truncated, damaged, unfinished MULTI, unknown commands, SPOP, expiries, LMPOP/ZMPOP,
 * timestamp annotations), and what a running server appends (GETEX, EXPIRE -1, the fsync
 * always barrier, #TS annotations).
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { OK, ReplyError, type TestServer } from '../helpers/server.js';
import { countLogLines, createAofDir, formatCommand, infoField, lastIncrPath, logText, manifestLines, sleep, startAof, tempDir, waitForRewrite } from './aof-support.js';

const INCR1 = 'appendonly.aof.1.incr.aof';
const MANIFEST1 = `file ${INCR1} seq 1 type i\n`;
const HAVE_CHECK_AOF = spawnSync('redis-check-aof', ['--help']).error === undefined;

/** A server dir whose AOF is one INCR file holding `text`. */
function aofWith(text: string): { dir: string; file: string } {
  const dir = tempDir();
  const aofDir = createAofDir(dir, { [INCR1]: text }, MANIFEST1);
  return { dir, file: path.join(aofDir, INCR1) };
}

async function startFails(dir: string, opts: Record<string, string | number> = {}): Promise<void> {
  await assert.rejects(startAof(dir, opts), 'the server must refuse to start');
}

describe('AOF loading (aof.tcl)', () => {
  const servers: TestServer[] = [];
  after(async () => {
    for (const s of servers) await s.close();
  });
  async function start(dir: string, opts: Record<string, string | number> = {}): Promise<TestServer> {
    const s = await startAof(dir, opts);
    servers.push(s);
    return s;
  }

  test('Unfinished MULTI: Server should start if load-truncated is yes', async () => {
    const { dir } = aofWith(formatCommand('set', 'foo', 'hello') + formatCommand('multi') + formatCommand('set', 'bar', 'world'));
    const s = await start(dir, { 'aof-load-truncated': 'yes' });
    const c = await s.client();
    assert.equal(await c.call('GET', 'foo'), 'hello');
    assert.equal(await c.call('GET', 'bar'), null);
    assert.equal(countLogLines(dir, 'Revert incomplete MULTI/EXEC transaction in AOF file appendonly.aof.1.incr.aof'), 1);
    await s.close();
  });

  test('Short read: Server should start if load-truncated is yes', async () => {
    const cmds = formatCommand('incr', 'foo').repeat(5);
    const { dir, file } = aofWith(cmds + formatCommand('incr', 'foo').slice(0, -1));
    let s = await start(dir, { 'aof-load-truncated': 'yes' });
    let c = await s.client();
    // Truncated AOF loaded: we expect foo to be equal to 5
    assert.equal(await c.call('GET', 'foo'), '5');
    assert.match(logText(dir), /!!! Warning: short read while loading the AOF file appendonly\.aof\.1\.incr\.aof!!!/);
    assert.match(logText(dir), new RegExp(`!!! Truncating the AOF appendonly\\.aof\\.1\\.incr\\.aof at offset ${cmds.length} !!!`));
    assert.match(logText(dir), /AOF appendonly\.aof\.1\.incr\.aof loaded anyway because aof-load-truncated is enabled/);
    // Append a new command after loading an incomplete AOF
    assert.equal(await c.call('INCR', 'foo'), 6);
    await s.close();
    // Short read + command: Server should start; now the AOF file is expected to be correct.
    // (After a restart the first command selects its database again, as in Redis.)
    assert.equal(readFileSync(file, 'latin1'), cmds + formatCommand('SELECT', 0) + formatCommand('INCR', 'foo'));
    s = await start(dir, { 'aof-load-truncated': 'yes' });
    c = await s.client();
    assert.equal(await c.call('GET', 'foo'), '6');
    await s.close();
  });

  test('Bad format: Server should have logged an error', async () => {
    const text = formatCommand('set', 'foo', 'hello') + '!!!' + formatCommand('set', 'foo', 'hello');
    const { dir, file } = aofWith(text);
    await startFails(dir, { 'aof-load-truncated': 'yes' });
    assert.match(logText(dir), /Bad file format reading the append only file appendonly\.aof\.1\.incr\.aof: make a backup of your AOF file, then use \.\/redis-check-aof --fix <filename\.manifest>/);
    // A damaged file is left as it was.
    assert.equal(readFileSync(file, 'latin1'), text);
  });

  test('Unfinished MULTI: Server should have logged an error', async () => {
    const text = formatCommand('set', 'foo', 'hello') + formatCommand('multi') + formatCommand('set', 'bar', 'world');
    const { dir, file } = aofWith(text);
    await startFails(dir, { 'aof-load-truncated': 'no' });
    assert.match(logText(dir), /Unexpected end of file reading the append only file appendonly\.aof\.1\.incr\.aof/);
    assert.equal(readFileSync(file, 'latin1'), text);
  });

  test('Short read: Server should have logged an error', async () => {
    const text = formatCommand('set', 'foo', 'hello') + formatCommand('set', 'bar', 'world').slice(0, -1);
    const { dir, file } = aofWith(text);
    await startFails(dir, { 'aof-load-truncated': 'no' });
    assert.match(
      logText(dir),
      /Unexpected end of file reading the append only file appendonly\.aof\.1\.incr\.aof\. You can: 1\) Make a backup of your AOF file, then use \.\/redis-check-aof --fix <filename\.manifest>\. 2\) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server\./,
    );
    assert.equal(readFileSync(file, 'latin1'), text);
    if (HAVE_CHECK_AOF) {
      // Short read: Utility should confirm the AOF is not valid / should be able to fix the AOF
      const manifest = path.join(dir, 'appendonlydir', 'appendonly.aof.manifest');
      assert.match(spawnSync('redis-check-aof', [manifest], { encoding: 'latin1' }).stdout, /not valid/);
      assert.match(spawnSync('redis-check-aof', ['--fix', manifest], { input: 'y\n', encoding: 'latin1' }).stdout, /Successfully truncated AOF/);
      // Fixed AOF: Keyspace should contain values that were parseable
      const s = await start(dir, { 'aof-load-truncated': 'no' });
      const c = await s.client();
      assert.equal(await c.call('GET', 'foo'), 'hello');
      assert.equal(await c.call('GET', 'bar'), null);
      await s.close();
    }
  });

  test('AOF+SPOP: Set should have 1 member', async () => {
    const { dir } = aofWith(formatCommand('sadd', 'set', 'foo') + formatCommand('sadd', 'set', 'bar') + formatCommand('spop', 'set'));
    const s = await start(dir, { 'aof-load-truncated': 'no' });
    assert.equal(await (await s.client()).call('SCARD', 'set'), 1);
    await s.close();
  });

  test('AOF+SPOP: Set should have 1 member (SPOP with a count, alsoPropagate)', async () => {
    const { dir } = aofWith(formatCommand('sadd', 'set', 'foo') + formatCommand('sadd', 'set', 'bar') + formatCommand('sadd', 'set', 'gah') + formatCommand('spop', 'set', 2));
    const s = await start(dir);
    assert.equal(await (await s.client()).call('SCARD', 'set'), 1);
    await s.close();
  });

  test('AOF+EXPIRE: List should be empty', async () => {
    // While loading, a past PEXPIREAT keeps the key (with its expire): the RPUSH after it still
    // adds to the old list, which is gone once loaded.
    const { dir } = aofWith(formatCommand('rpush', 'list', 'foo') + formatCommand('pexpireat', 'list', 1000) + formatCommand('rpush', 'list', 'bar'));
    const s = await start(dir, { 'aof-load-truncated': 'no' });
    assert.equal(await (await s.client()).call('LLEN', 'list'), 0);
    await s.close();
  });

  test("Unknown command: Server should have logged an error", async () => {
    const { dir } = aofWith(formatCommand('set', 'foo', 'hello') + formatCommand('bla', 'foo', 'hello') + formatCommand('set', 'foo', 'hello'));
    await startFails(dir, { 'aof-load-truncated': 'yes' });
    assert.match(logText(dir), /Unknown command 'bla' reading the append only file appendonly\.aof\.1\.incr\.aof/);
  });

  test('AOF+LMPOP/BLMPOP: pop elements from the list', async () => {
    const { dir } = aofWith(formatCommand('lpush', 'mylist', 'a', 'b', 'c') + formatCommand('rpush', 'mylist2', 1, 2, 3) + formatCommand('lpush', 'mylist3', 'a', 'b', 'c', 'd', 'e'));
    let s = await start(dir, { 'aof-load-truncated': 'no' });
    const c = await s.client();
    const c2 = await s.client();
    // Pop all elements from mylist, should be blmpop delete mylist.
    await c.call('LMPOP', 1, 'mylist', 'left', 'count', 1);
    await c.call('BLMPOP', 0, 1, 'mylist', 'left', 'count', 10);
    // Pop all elements from mylist2, should be lmpop delete mylist2.
    await c.call('BLMPOP', 0, 2, 'mylist', 'mylist2', 'right', 'count', 10);
    await c.call('LMPOP', 2, 'mylist', 'mylist2', 'right', 'count', 2);
    // Blocking path, be blocked and then released.
    const blocked = c2.call('BLMPOP', 0, 2, 'mylist', 'mylist2', 'left', 'count', 2);
    await sleep(100);
    await c.call('LPUSH', 'mylist2', 'a', 'b', 'c');
    assert.deepEqual(await blocked, ['mylist2', ['c', 'b']]);
    // Pop up the last element in mylist2
    await c.call('BLMPOP', 0, 3, 'mylist', 'mylist2', 'mylist3', 'left', 'count', 1);
    // Leave two elements in mylist3.
    await c.call('BLMPOP', 0, 3, 'mylist', 'mylist2', 'mylist3', 'right', 'count', 3);
    await s.close();
    // AOF+LMPOP/BLMPOP: after pop elements from the list
    s = await start(dir, { 'aof-load-truncated': 'no' });
    const d = await s.client();
    assert.equal(await d.call('EXISTS', 'mylist', 'mylist2'), 0);
    assert.equal(await d.call('LLEN', 'mylist3'), 2);
    await s.close();
  });

  test('AOF+ZMPOP/BZMPOP: pop elements from the zset', async () => {
    const { dir } = aofWith(
      formatCommand('zadd', 'myzset', 1, 'one', 2, 'two', 3, 'three') +
        formatCommand('zadd', 'myzset2', 4, 'four', 5, 'five', 6, 'six') +
        formatCommand('zadd', 'myzset3', 1, 'one', 2, 'two', 3, 'three', 4, 'four', 5, 'five'),
    );
    let s = await start(dir, { 'aof-load-truncated': 'no' });
    const c = await s.client();
    const c2 = await s.client();
    await c.call('ZMPOP', 1, 'myzset', 'min', 'count', 1);
    await c.call('BZMPOP', 0, 1, 'myzset', 'min', 'count', 10);
    await c.call('BZMPOP', 0, 2, 'myzset', 'myzset2', 'max', 'count', 10);
    await c.call('ZMPOP', 2, 'myzset', 'myzset2', 'max', 'count', 2);
    const blocked = c2.call('BZMPOP', 0, 2, 'myzset', 'myzset2', 'min', 'count', 2);
    await sleep(100);
    await c.call('ZADD', 'myzset2', 1, 'one', 2, 'two', 3, 'three');
    assert.deepEqual(await blocked, ['myzset2', [['one', '1'], ['two', '2']]]);
    await c.call('BZMPOP', 0, 3, 'myzset', 'myzset2', 'myzset3', 'min', 'count', 1);
    await c.call('BZMPOP', 0, 3, 'myzset', 'myzset2', 'myzset3', 'max', 'count', 3);
    await s.close();
    // AOF+ZMPOP/BZMPOP: after pop elements from the zset
    s = await start(dir, { 'aof-load-truncated': 'no' });
    const d = await s.client();
    assert.equal(await d.call('EXISTS', 'myzset', 'myzset2'), 0);
    assert.equal(await d.call('ZCARD', 'myzset3'), 2);
    await s.close();
  });

  test('Successfully load AOF which has timestamp annotations inside', async () => {
    const { dir } = aofWith(
      '#TS:1628217470\r\n' +
        formatCommand('set', 'foo1', 'bar1') +
        '#TS:1628217471\r\n' +
        formatCommand('set', 'foo2', 'bar2') +
        '#TS:1628217472\r\n#TS:1628217473\r\n' +
        formatCommand('set', 'foo3', 'bar3') +
        '#TS:1628217474\r\n',
    );
    const s = await start(dir);
    const c = await s.client();
    assert.equal(await c.call('GET', 'foo1'), 'bar1');
    assert.equal(await c.call('GET', 'foo2'), 'bar2');
    assert.equal(await c.call('GET', 'foo3'), 'bar3');
    await s.close();
  });

  test('EVAL commands of an old AOF are replayed', async () => {
    // AOFs from before script effects replication hold the scripts themselves.
    const { dir } = aofWith(
      formatCommand('select', 9) +
        formatCommand('eval', "redis.call('set',KEYS[1],'100')", 1, 'foo') +
        formatCommand('eval', "redis.call('incr',KEYS[1])", 1, 'foo') +
        formatCommand('eval', "redis.call('incr',KEYS[1])", 1, 'foo'),
    );
    const s = await start(dir);
    const c = await s.client();
    await c.call('SELECT', 9);
    assert.equal(await c.call('GET', 'foo'), '102');
    await s.close();
  });

  test('keys of the base that expired by load time still take the commands after them', async () => {
    for (const preamble of ['yes', 'no']) {
      const dir = tempDir();
      let s = await startAof(dir, { 'aof-use-rdb-preamble': preamble });
      let c = await s.client();
      await c.call('SET', 'k', 5, 'PX', 1000);
      await c.call('BGREWRITEAOF');
      await waitForRewrite(c);
      assert.equal(await c.call('INCR', 'k'), 6);
      await s.close();
      // Loaded 5 s later: the key is loaded expired, INCR acts on it, and then it is gone (as
      // in Redis); it must not come back as a new key holding 1.
      s = await startAof(dir, { clock: () => Date.now() + 5000 });
      c = await s.client();
      assert.equal(await c.call('GET', 'k'), null, `preamble ${preamble}`);
      assert.equal(await c.call('DBSIZE'), 0);
      await s.close();
    }
  });

  test('loading counts changes but not commands; DEBUG LOADAOF leaves no changes', async () => {
    const { dir } = aofWith(formatCommand('set', 'a', 1) + formatCommand('multi') + formatCommand('incr', 'a') + formatCommand('incr', 'b') + formatCommand('exec'));
    const s = await start(dir);
    const c = await s.client();
    assert.equal(await infoField(c, 'rdb_changes_since_last_save'), '3');
    const stats = (await c.call('INFO', 'commandstats')) as string;
    assert.doesNotMatch(stats, /cmdstat_(set|incr|multi|exec):/);
    assert.match((await c.call('INFO', 'stats')) as string, /total_commands_processed:2\r\n/);
    await c.call('DEBUG', 'LOADAOF');
    assert.equal(await c.call('GET', 'a'), '2');
    assert.equal(await infoField(c, 'rdb_changes_since_last_save'), '0');
    await s.close();
  });

  test('a truncated file that is not the last one is refused', async () => {
    const dir = tempDir();
    createAofDir(
      dir,
      { 'appendonly.aof.1.base.aof': formatCommand('set', 'a', 1).slice(0, -3), [INCR1]: formatCommand('set', 'b', 2) },
      'file appendonly.aof.1.base.aof seq 1 type b\n' + MANIFEST1,
    );
    await startFails(dir);
    assert.match(logText(dir), /Fatal error: the truncated file is not the last file/);
  });
});

describe('AOF while running (aof.tcl)', () => {
  test('Redis should not try to convert DEL into EXPIREAT for EXPIRE -1', async () => {
    const dir = tempDir();
    const s = await startAof(dir);
    try {
      const c = await s.client();
      assert.deepEqual(await c.call('SET', 'x', 10), OK);
      assert.equal(await c.call('EXPIRE', 'x', -1), 1);
      assert.match(readFileSync(lastIncrPath(dir), 'latin1'), /\*2\r\n\$3\r\nDEL\r\n\$1\r\nx\r\n$/);
    } finally {
      await s.close();
    }
  });

  test('AOF fsync always barrier issue', async () => {
    const dir = tempDir();
    const s = await startAof(dir, { appendfsync: 'always' });
    try {
      const c = await s.client();
      const rd = await s.client();
      const aof = lastIncrPath(dir);
      for (let i = 0; i < 5; i++) {
        await c.call('DEBUG', 'AOF-FLUSH-SLEEP', 0);
        await c.call('DEL', 'x');
        await c.call('SETRANGE', 'x', Math.floor(Math.random() * 2000000) + 1000000, 'x');
        await c.call('DEBUG', 'AOF-FLUSH-SLEEP', 50000);
        const size1 = statSync(aof).size;
        // A big reply, then a write in the same turn: the write's reply must not come before
        // the AOF write (and fsync) covering it.
        const get = rd.call('GET', 'x');
        await sleep(Math.floor(Math.random() * 10));
        const incr = rd.call('INCR', 'new_value');
        await get;
        assert.equal(typeof (await incr), 'number');
        const size2 = statSync(aof).size;
        assert.notEqual(size1, size2);
      }
      await c.call('DEBUG', 'AOF-FLUSH-SLEEP', 0);
    } finally {
      await s.close();
    }
  });

  test('GETEX should not append to AOF', async () => {
    const dir = tempDir();
    const s = await startAof(dir);
    try {
      const c = await s.client();
      const aof = lastIncrPath(dir);
      await c.call('SET', 'foo', 'bar');
      const before = statSync(aof).size;
      assert.equal(await c.call('GETEX', 'foo'), 'bar');
      assert.equal(statSync(aof).size, before);
    } finally {
      await s.close();
    }
  });

  test('Generate timestamp annotations in AOF', async () => {
    const dir = tempDir();
    const s = await startAof(dir);
    try {
      const c = await s.client();
      assert.deepEqual(await c.call('CONFIG', 'SET', 'aof-timestamp-enabled', 'yes'), OK);
      assert.deepEqual(await c.call('CONFIG', 'SET', 'aof-use-rdb-preamble', 'no'), OK);
      const aof = lastIncrPath(dir);
      await c.call('SET', 'foo', 'bar');
      assert.match(readFileSync(aof, 'latin1').split('\n')[0] as string, /^#TS:\d+\r$/);
      assert.deepEqual(await c.call('BGREWRITEAOF'), { status: 'Background append only file rewriting started' });
      await waitForRewrite(c);
      const base = (manifestLines(dir)[0] as string).split(' ')[1] as string;
      assert.match(base, /\.base\.aof$/);
      assert.match(readFileSync(path.join(dir, 'appendonlydir', base), 'latin1').split('\n')[0] as string, /^#TS:\d+\r$/);
      // And the rewritten AOF still loads.
      await c.call('DEBUG', 'LOADAOF');
      assert.equal(await c.call('GET', 'foo'), 'bar');
    } finally {
      await s.close();
    }
  });

  test('INFO persistence reports the AOF', async () => {
    const dir = tempDir();
    const s = await startAof(dir);
    try {
      const c = await s.client();
      assert.equal(await infoField(c, 'aof_enabled'), '1');
      assert.equal(await infoField(c, 'aof_rewrite_in_progress'), '0');
      assert.equal(await infoField(c, 'aof_last_bgrewrite_status'), 'ok');
      assert.equal(await infoField(c, 'aof_last_write_status'), 'ok');
      assert.equal(await infoField(c, 'aof_rewrites'), '0');
      const size0 = Number(await infoField(c, 'aof_current_size'));
      const incr0 = statSync(lastIncrPath(dir)).size;
      await c.call('SET', 'k', 'v');
      const grown = Number(await infoField(c, 'aof_current_size'));
      assert.ok(grown > size0);
      assert.equal(grown - size0, statSync(lastIncrPath(dir)).size - incr0);
      await c.call('BGREWRITEAOF');
      await waitForRewrite(c);
      assert.equal(await infoField(c, 'aof_rewrites'), '1');
      assert.equal(await infoField(c, 'aof_last_bgrewrite_status'), 'ok');
      const base = (manifestLines(dir)[0] as string).split(' ')[1] as string;
      const baseSize = statSync(path.join(dir, 'appendonlydir', base)).size;
      assert.equal(await infoField(c, 'aof_base_size'), String(baseSize));
      assert.equal(await infoField(c, 'aof_current_size'), String(baseSize));
      assert.equal(await infoField(c, 'aof_buffer_length'), '0');
      assert.deepEqual(await c.call('CONFIG', 'SET', 'appendonly', 'no'), OK);
      assert.equal(await infoField(c, 'aof_enabled'), '0');
      assert.equal(await infoField(c, 'aof_current_size'), '');
    } finally {
      await s.close();
    }
  });

  test('BGREWRITEAOF replies as Redis does', async () => {
    const dir = tempDir();
    const s = await startAof(dir, { 'aof-use-rdb-preamble': 'no' });
    try {
      const c = await s.client();
      // A big enough dataset that the rewrite takes more than one turn.
      const cmds: (string | number)[][] = [];
      for (let i = 0; i < 20000; i++) cmds.push(['SET', `key:${i}`, 'x'.repeat(100)]);
      await c.pipeline(cmds);
      assert.deepEqual(await c.call('BGREWRITEAOF'), { status: 'Background append only file rewriting started' });
      const again = await c.call('BGREWRITEAOF');
      if (await infoField(c, 'aof_rewrite_in_progress') === '1' || again instanceof ReplyError) {
        assert.ok(again instanceof ReplyError && again.message === 'ERR Background append only file rewriting already in progress', String(again));
      }
      await waitForRewrite(c);
      // Inside MULTI it is scheduled, then run by the cron.
      await c.call('MULTI');
      await c.call('BGREWRITEAOF');
      assert.deepEqual(await c.call('EXEC'), [{ status: 'Background append only file rewriting scheduled' }]);
      await waitForRewrite(c);
      assert.equal(await infoField(c, 'aof_rewrites'), '2');
    } finally {
      await s.close();
    }
  });
});
