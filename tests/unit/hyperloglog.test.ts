/**
 * Wire tests of PFADD PFCOUNT PFMERGE PFDEBUG PFSELFTEST, mirroring Redis 7.0's
 * tests/unit/hyperloglog.tcl, then comparisons with the real redis-server 7.0.15: the same
 * elements must leave the same bytes (GET) and give the same PFCOUNT, in the sparse and the
 * dense encoding, across promotions, merges of mixed encodings, crafted register values and
 * corrupted strings. Random inputs come from a seeded PRNG so failures reproduce.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  OK,
  ReplyError,
  assertError,
  haveRedisServer,
  startOracle,
  startTestServer,
  type Oracle,
  type Reply,
  type RespClient,
  type TestServer,
} from '../helpers/server.js';
import { murmurHash64ABig } from '../../src/values/hyperloglog.js';

/** A deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const randomInt = (rand: () => number, n: number): number => Math.floor(rand() * n);

/** Tcl's `expr rand()` as an element: a decimal fraction. */
const randFloat = (rand: () => number): string => String(rand());

function randBytes(rand: () => number, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) s += String.fromCharCode(randomInt(rand, 256));
  return s;
}

describe('hll (hyperloglog.tcl)', () => {
  let srv: TestServer;
  let c: RespClient;
  const r = (...args: (string | number | Buffer)[]): Promise<Reply> => c.call(...args);

  before(async () => {
    srv = await startTestServer();
    c = await srv.client();
  });
  after(async () => {
    await srv.close();
  });

  test('HyperLogLog self test passes', async () => {
    assert.deepEqual(await r('PFSELFTEST'), OK);
  });

  test('PFADD without arguments creates an HLL value', async () => {
    assert.equal(await r('PFADD', 'hll'), 1);
    assert.equal(await r('EXISTS', 'hll'), 1);
    assert.deepEqual(await r('TYPE', 'hll'), { status: 'string' });
  });

  test('Approximated cardinality after creation is zero', async () => {
    assert.equal(await r('PFCOUNT', 'hll'), 0);
  });

  test('PFADD returns 1 when at least 1 reg was modified', async () => {
    assert.equal(await r('PFADD', 'hll', 'a', 'b', 'c'), 1);
  });

  test('PFADD returns 0 when no reg was modified', async () => {
    assert.equal(await r('PFADD', 'hll', 'a', 'b', 'c'), 0);
  });

  test('PFADD works with empty string (regression)', async () => {
    assert.equal(await r('PFADD', 'hll', ''), 1);
  });

  test('PFCOUNT returns approximated cardinality of set', async () => {
    await r('DEL', 'hll');
    await r('PFADD', 'hll', 1, 2, 3, 4, 5);
    assert.equal(await r('PFCOUNT', 'hll'), 5);
    // Again, to check the cached value is invalidated.
    await r('PFADD', 'hll', 6, 7, 8, 8, 9, 10);
    assert.equal(await r('PFCOUNT', 'hll'), 10);
  });

  test('HyperLogLogs are promote from sparse to dense', async () => {
    const rand = rng(1);
    await r('DEL', 'hll');
    assert.deepEqual(await r('CONFIG', 'SET', 'hll-sparse-max-bytes', 3000), OK);
    for (let n = 100; n <= 100000; n += 100) {
      const elements: string[] = [];
      for (let j = 0; j < 100; j++) elements.push(randFloat(rand));
      const [, card, enc] = await c.pipeline([['PFADD', 'hll', ...elements], ['PFCOUNT', 'hll'], ['PFDEBUG', 'ENCODING', 'hll']]);
      assert.ok(Math.abs((card as number) - n) < ((card as number) / 100) * 5, `card ${String(card)} at ${n}`);
      if (n < 1000) assert.deepEqual(enc, { status: 'sparse' });
      else if (n > 10000) assert.deepEqual(enc, { status: 'dense' });
    }
  });

  test('Change hll-sparse-max-bytes', async () => {
    await r('CONFIG', 'SET', 'hll-sparse-max-bytes', 3000);
    await r('DEL', 'hll');
    await r('PFADD', 'hll', 'a', 'b', 'c', 'd', 'e', 'd', 'g', 'h', 'i', 'j', 'k');
    assert.deepEqual(await r('PFDEBUG', 'ENCODING', 'hll'), { status: 'sparse' });
    await r('CONFIG', 'SET', 'hll-sparse-max-bytes', 30);
    await r('PFADD', 'hll', 'new_element');
    assert.deepEqual(await r('PFDEBUG', 'ENCODING', 'hll'), { status: 'dense' });
    await r('CONFIG', 'SET', 'hll-sparse-max-bytes', 3000);
  });

  test('Hyperloglog promote to dense well in different hll-sparse-max-bytes', async () => {
    const rand = rng(2);
    for (const max of [100, 500, 3000]) {
      await r('CONFIG', 'SET', 'hll-sparse-max-bytes', max);
      await r('DEL', 'hll');
      await r('PFADD', 'hll');
      let len = (await r('STRLEN', 'hll')) as number;
      while (len <= max) {
        assert.deepEqual(await r('PFDEBUG', 'ENCODING', 'hll'), { status: 'sparse' });
        const elements: string[] = [];
        for (let j = 0; j < 10; j++) elements.push(randFloat(rand));
        await r('PFADD', 'hll', ...elements);
        len = (await r('STRLEN', 'hll')) as number;
      }
      assert.deepEqual(await r('PFDEBUG', 'ENCODING', 'hll'), { status: 'dense' });
    }
    await r('CONFIG', 'SET', 'hll-sparse-max-bytes', 3000);
  });

  test('hll-sparse-max-bytes from the configuration and with units takes effect', async () => {
    const small = await startTestServer({ 'hll-sparse-max-bytes': 30 });
    try {
      const s = await small.client();
      assert.deepEqual(await s.call('CONFIG', 'GET', 'hll-sparse-max-bytes'), ['hll-sparse-max-bytes', '30']);
      await s.call('PFADD', 'hll', 'a', 'b', 'c');
      assert.deepEqual(await s.call('PFDEBUG', 'ENCODING', 'hll'), { status: 'sparse' });
      await s.call('PFADD', 'hll', 'd', 'e', 'f', 'g', 'h');
      assert.deepEqual(await s.call('PFDEBUG', 'ENCODING', 'hll'), { status: 'dense' });
      assert.equal(await s.call('STRLEN', 'hll'), 12304);
      assert.deepEqual(await s.call('CONFIG', 'SET', 'hll-sparse-max-bytes', '1kb'), OK);
      assert.deepEqual(await s.call('CONFIG', 'GET', 'hll-sparse-max-bytes'), ['hll-sparse-max-bytes', '1024']);
      const els: string[] = [];
      for (let i = 0; i < 300; i++) els.push(`e${i}`);
      await s.call('PFADD', 'big', ...els);
      assert.ok(((await s.call('STRLEN', 'big')) as number) <= 1024);
      assert.deepEqual(await s.call('PFDEBUG', 'ENCODING', 'big'), { status: 'sparse' });
    } finally {
      await small.close();
    }
  });

  test('HyperLogLog sparse encoding stress test', async () => {
    const rand = rng(3);
    for (let x = 0; x < 1000; x++) {
      const elements: string[] = [];
      const numele = randomInt(rand, 100);
      for (let j = 0; j < numele; j++) elements.push(randFloat(rand));
      const replies = await c.pipeline([
        ['DEL', 'hll1', 'hll2'],
        ['PFADD', 'hll2'],
        ['PFDEBUG', 'TODENSE', 'hll2'],
        ['PFADD', 'hll1', ...elements],
        ['PFADD', 'hll2', ...elements],
        ['PFDEBUG', 'ENCODING', 'hll1'],
        ['PFDEBUG', 'ENCODING', 'hll2'],
        ['PFCOUNT', 'hll1'],
        ['PFCOUNT', 'hll2'],
      ]);
      assert.deepEqual(replies.slice(5, 7), [{ status: 'sparse' }, { status: 'dense' }]);
      // The estimate must not depend on the encoding.
      assert.equal(replies[7], replies[8]);
    }
  });

  test('Corrupted sparse HyperLogLogs are detected: Additional at tail', async () => {
    await r('DEL', 'hll');
    await r('PFADD', 'hll', 'a', 'b', 'c');
    await r('APPEND', 'hll', 'hello');
    assertError(await r('PFCOUNT', 'hll'), 'INVALIDOBJ Corrupted HLL object detected');
  });

  test('Corrupted sparse HyperLogLogs are detected: Broken magic', async () => {
    await r('DEL', 'hll');
    await r('PFADD', 'hll', 'a', 'b', 'c');
    await r('SETRANGE', 'hll', 0, '0123');
    assertError(await r('PFCOUNT', 'hll'), 'WRONGTYPE Key is not a valid HyperLogLog string value.');
  });

  test('Corrupted sparse HyperLogLogs are detected: Invalid encoding', async () => {
    await r('DEL', 'hll');
    await r('PFADD', 'hll', 'a', 'b', 'c');
    await r('SETRANGE', 'hll', 4, 'x');
    assertError(await r('PFCOUNT', 'hll'), 'WRONGTYPE Key is not a valid HyperLogLog string value.');
  });

  test('Corrupted dense HyperLogLogs are detected: Wrong length', async () => {
    await r('DEL', 'hll');
    await r('PFADD', 'hll', 'a', 'b', 'c');
    await r('SETRANGE', 'hll', 4, '\x00');
    assertError(await r('PFCOUNT', 'hll'), 'WRONGTYPE Key is not a valid HyperLogLog string value.');
  });

  test('Fuzzing dense/sparse encoding: Redis should always detect errors', async () => {
    const rand = rng(4);
    for (let j = 0; j < 300; j++) {
      const items: string[] = [];
      const numitems = randomInt(rand, 3000);
      for (let i = 0; i < numitems; i++) items.push(randFloat(rand));
      await c.pipeline([['DEL', 'hll'], ['PFADD', 'hll', ...items]]);
      for (let i = 0; i < 5; i++) {
        const len = (await r('STRLEN', 'hll')) as number;
        await r('SETRANGE', 'hll', randomInt(rand, len), randBytes(rand, 1));
        if (rand() < 0.5) break;
      }
      const reply = await r('PFCOUNT', 'hll');
      if (reply instanceof ReplyError) {
        assert.ok(
          ['WRONGTYPE Key is not a valid HyperLogLog string value.', 'INVALIDOBJ Corrupted HLL object detected'].includes(reply.message),
          reply.message,
        );
      } else {
        assert.ok(typeof reply === 'number' || typeof reply === 'bigint');
      }
    }
    assert.deepEqual(await r('PING'), { status: 'PONG' });
  });

  test('PFADD, PFCOUNT, PFMERGE type checking works', async () => {
    await r('SET', 'foo{t}', 'bar');
    const notHll = 'WRONGTYPE Key is not a valid HyperLogLog string value.';
    assertError(await r('PFADD', 'foo{t}', 1), notHll);
    assertError(await r('PFCOUNT', 'foo{t}'), notHll);
    assertError(await r('PFMERGE', 'bar{t}', 'foo{t}'), notHll);
    assertError(await r('PFMERGE', 'foo{t}', 'bar{t}'), notHll);
    await r('LPUSH', 'list{t}', 'x');
    const wrongType = 'WRONGTYPE Operation against a key holding the wrong kind of value';
    assertError(await r('PFADD', 'list{t}', 1), wrongType);
    assertError(await r('PFCOUNT', 'list{t}'), wrongType);
    assertError(await r('PFCOUNT', 'foo{t}', 'list{t}'), notHll);
    assertError(await r('PFMERGE', 'bar{t}', 'list{t}'), wrongType);
    assert.equal(await r('EXISTS', 'bar{t}'), 0);
  });

  test('PFMERGE results on the cardinality of union of sets', async () => {
    await r('DEL', 'hll{t}', 'hll1{t}', 'hll2{t}', 'hll3{t}');
    await r('PFADD', 'hll1{t}', 'a', 'b', 'c');
    await r('PFADD', 'hll2{t}', 'b', 'c', 'd');
    await r('PFADD', 'hll3{t}', 'c', 'd', 'e');
    assert.deepEqual(await r('PFMERGE', 'hll{t}', 'hll1{t}', 'hll2{t}', 'hll3{t}'), OK);
    assert.equal(await r('PFCOUNT', 'hll{t}'), 5);
  });

  test('PFMERGE on missing source keys will create an empty destkey', async () => {
    await r('DEL', 'sourcekey{t}', 'sourcekey2{t}', 'destkey{t}', 'destkey2{t}');
    assert.deepEqual(await r('PFMERGE', 'destkey{t}', 'sourcekey{t}'), OK);
    assert.equal(await r('EXISTS', 'destkey{t}'), 1);
    assert.equal(await r('PFCOUNT', 'destkey{t}'), 0);
    assert.deepEqual(await r('PFMERGE', 'destkey2{t}', 'sourcekey{t}', 'sourcekey2{t}'), OK);
    assert.equal(await r('EXISTS', 'destkey2{t}'), 1);
    assert.equal(await r('PFCOUNT', 'destkey{t}'), 0);
  });

  test('PFMERGE with one empty input key, create an empty destkey', async () => {
    await r('DEL', 'destkey');
    assert.deepEqual(await r('PFMERGE', 'destkey'), OK);
    assert.equal(await r('EXISTS', 'destkey'), 1);
    assert.equal(await r('PFCOUNT', 'destkey'), 0);
  });

  test('PFMERGE with one non-empty input key, dest key is actually one of the source keys', async () => {
    await r('DEL', 'destkey');
    assert.equal(await r('PFADD', 'destkey', 'a', 'b', 'c'), 1);
    assert.deepEqual(await r('PFMERGE', 'destkey'), OK);
    assert.equal(await r('EXISTS', 'destkey'), 1);
    assert.equal(await r('PFCOUNT', 'destkey'), 3);
  });

  test('PFCOUNT multiple-keys merge returns cardinality of union #1', async () => {
    await r('DEL', 'hll1{t}', 'hll2{t}', 'hll3{t}');
    for (let x = 1; x < 10000; x += 100) {
      const cmds: string[][] = [];
      for (let y = x; y < Math.min(x + 100, 10000); y++) {
        cmds.push(['PFADD', 'hll1{t}', `foo-${y}`], ['PFADD', 'hll2{t}', `bar-${y}`], ['PFADD', 'hll3{t}', `zap-${y}`]);
        cmds.push(['PFCOUNT', 'hll1{t}', 'hll2{t}', 'hll3{t}']);
      }
      const replies = await c.pipeline(cmds);
      for (let i = 3; i < replies.length; i += 4) {
        const card = replies[i] as number;
        const realcard = (x + (i - 3) / 4) * 3;
        assert.ok(Math.abs(card - realcard) < (card / 100) * 5, `card ${card} real ${realcard}`);
      }
    }
  });

  test('PFCOUNT multiple-keys merge returns cardinality of union #2', async () => {
    const rand = rng(5);
    await r('DEL', 'hll1{t}', 'hll2{t}', 'hll3{t}');
    const elements = new Set<number>();
    const cmds: string[][] = [];
    for (let x = 1; x < 10000; x++) {
      for (let j = 1; j <= 3; j++) {
        const rint = randomInt(rand, 20000);
        cmds.push(['PFADD', `hll${j}{t}`, String(rint)]);
        elements.add(rint);
      }
    }
    await c.pipeline(cmds);
    const card = (await r('PFCOUNT', 'hll1{t}', 'hll2{t}', 'hll3{t}')) as number;
    assert.ok(Math.abs(card - elements.size) < (card / 100) * 5);
  });

  test('PFDEBUG GETREG returns the HyperLogLog raw registers', async () => {
    await r('DEL', 'hll');
    await r('PFADD', 'hll', 1, 2, 3);
    const regs = (await r('PFDEBUG', 'GETREG', 'hll')) as number[];
    assert.equal(regs.length, 16384);
    assert.equal(regs.filter((x) => x !== 0).length, 3);
  });

  test('PFADD / PFCOUNT cache invalidation works', async () => {
    await r('DEL', 'hll');
    await r('PFADD', 'hll', 'a', 'b', 'c');
    await r('PFCOUNT', 'hll');
    assert.equal(await r('GETRANGE', 'hll', 15, 15), '\x00');
    await r('PFADD', 'hll', 'a', 'b', 'c');
    assert.equal(await r('GETRANGE', 'hll', 15, 15), '\x00');
    await r('PFADD', 'hll', 1, 2, 3);
    assert.equal(await r('GETRANGE', 'hll', 15, 15), '\x80');
  });

  test('PFDEBUG errors and PFCOUNT in RESP3', async () => {
    await r('DEL', 'hll', 'nokey');
    assertError(await r('PFDEBUG', 'ENCODING', 'nokey'), 'ERR The specified key does not exist');
    await r('PFADD', 'hll', 'x');
    assertError(await r('PFDEBUG', 'foo', 'hll'), "ERR Unknown PFDEBUG subcommand 'foo'");
    assert.equal(await r('PFDEBUG', 'DECODE', 'hll'), 'Z:16374 v:2,1 z:9');
    assert.equal(await r('PFDEBUG', 'TODENSE', 'hll'), 1);
    assert.equal(await r('PFDEBUG', 'TODENSE', 'hll'), 0);
    assertError(await r('PFDEBUG', 'DECODE', 'hll'), 'ERR HLL encoding is not sparse');
    assertError(await r('PFDEBUG', 'ENCODING'), "ERR wrong number of arguments for 'pfdebug' command");
    const r3 = await srv.client();
    await r3.call('HELLO', '3');
    assert.equal(await r3.call('PFCOUNT', 'hll'), 1);
    assert.deepEqual(await r3.call('PFDEBUG', 'ENCODING', 'hll'), { status: 'dense' });
  });
});

/** MurmurHash64A on BigInt, written straight from the algorithm (reference for the fast one). */
function murmurReference(data: Uint8Array, seed: bigint): bigint {
  const mask = (1n << 64n) - 1n;
  const m = 0xc6a4a7935bd1e995n;
  const len = data.length;
  let h = (seed ^ ((BigInt(len) * m) & mask)) & mask;
  const blocks = len - (len & 7);
  for (let i = 0; i < blocks; i += 8) {
    let k = 0n;
    for (let b = 7; b >= 0; b--) k = (k << 8n) | BigInt(data[i + b] as number);
    k = (k * m) & mask;
    k ^= k >> 47n;
    k = (k * m) & mask;
    h ^= k;
    h = (h * m) & mask;
  }
  const tail = len & 7;
  if (tail > 0) {
    for (let b = tail - 1; b >= 0; b--) h ^= BigInt(data[blocks + b] as number) << BigInt(8 * b);
    h = (h * m) & mask;
  }
  h ^= h >> 47n;
  h = (h * m) & mask;
  h ^= h >> 47n;
  return h;
}

test('MurmurHash64A on 32-bit halves equals a 64-bit reference', () => {
  const rand = rng(6);
  for (let len = 0; len < 70; len++) {
    for (let t = 0; t < 20; t++) {
      const data = Buffer.from(randBytes(rand, len), 'latin1');
      assert.equal(murmurHash64ABig(data, 0xadc83b19), murmurReference(data, 0xadc83b19n), `len ${len}`);
    }
  }
});

/** A dense HLL string whose 16384 registers come from f, with the cache marked stale. */
function denseHll(f: (i: number) => number): string {
  const b = Buffer.alloc(16 + 12288);
  b.write('HYLL', 'latin1');
  b[15] = 0x80;
  for (let i = 0; i < 16384; i++) {
    const v = f(i);
    const bit = i * 6;
    const byte = 16 + (bit >> 3);
    const fb = bit & 7;
    b[byte] = (b[byte] as number) | ((v << fb) & 0xff);
    if (fb > 2) b[byte + 1] = (b[byte + 1] as number) | (v >> (8 - fb));
  }
  return b.toString('latin1');
}

describe('HyperLogLog agrees with redis-server 7.0.15', { skip: !haveRedisServer() && 'redis-server is not installed' }, () => {
  let srv: TestServer;
  let oracle: Oracle;
  let ours: RespClient;
  let theirs: RespClient;

  before(async () => {
    srv = await startTestServer();
    oracle = await startOracle();
    ours = await srv.client();
    theirs = await oracle.client();
  });
  after(async () => {
    await srv.close();
    await oracle.close();
  });

  const show = (x: Reply): string => (x instanceof ReplyError ? `error ${x.message}` : typeof x === 'bigint' ? `${x}n` : JSON.stringify(x));

  /** Run a command on both servers and require the same reply; returns it. */
  async function same(...args: (string | number | Buffer)[]): Promise<Reply> {
    const [a, b] = await Promise.all([ours.call(...args), theirs.call(...args)]);
    assert.equal(show(a), show(b), `${args.slice(0, 3).map(String).join(' ')}`);
    return a;
  }

  /** Run a batch on both servers and require the same replies. */
  async function sameAll(cmds: (string | number)[][]): Promise<Reply[]> {
    const [a, b] = await Promise.all([ours.pipeline(cmds), theirs.pipeline(cmds)]);
    for (let i = 0; i < cmds.length; i++) {
      assert.equal(show(a[i] as Reply), show(b[i] as Reply), (cmds[i] as (string | number)[]).slice(0, 3).join(' '));
    }
    return a;
  }

  test('each element alone leaves the same bytes (hash, register, run length)', async () => {
    const rand = rng(10);
    const cmds: (string | number)[][] = [];
    for (let len = 0; len < 40; len++) {
      for (let t = 0; t < 10; t++) cmds.push(['DEL', 'e'], ['PFADD', 'e', randBytes(rand, len)], ['GET', 'e'], ['PFCOUNT', 'e'], ['GET', 'e']);
    }
    await sameAll(cmds);
  });

  test('sparse and dense values: same bytes and PFCOUNT as elements accumulate', async () => {
    const rand = rng(11);
    await same('DEL', 'h');
    for (let batch = 0; batch < 60; batch++) {
      const els: string[] = [];
      const n = batch < 30 ? 20 : 300;
      for (let i = 0; i < n; i++) els.push(rand() < 0.5 ? randFloat(rand) : randBytes(rand, randomInt(rand, 24)));
      await sameAll([['PFADD', 'h', ...els], ['GET', 'h'], ['PFDEBUG', 'ENCODING', 'h'], ['PFCOUNT', 'h'], ['GET', 'h'], ['PFCOUNT', 'h']]);
    }
    assert.deepEqual(await ours.call('PFDEBUG', 'ENCODING', 'h'), { status: 'dense' });
  });

  test('promotion at each hll-sparse-max-bytes gives the same bytes', async () => {
    const rand = rng(12);
    for (const max of [0, 1, 30, 100, 500, 3000, 10000]) {
      await sameAll([['CONFIG', 'SET', 'hll-sparse-max-bytes', max], ['DEL', 'p']]);
      for (let batch = 0; batch < 40; batch++) {
        const els: string[] = [];
        for (let i = 0; i < 5 + batch * 3; i++) els.push(randFloat(rand));
        await sameAll([['PFADD', 'p', ...els], ['STRLEN', 'p'], ['PFDEBUG', 'ENCODING', 'p'], ['GET', 'p']]);
      }
    }
    await sameAll([['CONFIG', 'SET', 'hll-sparse-max-bytes', 3000]]);
  });

  test('PFMERGE and PFCOUNT of several keys across mixed encodings', async () => {
    const rand = rng(13);
    const fill = async (key: string, n: number, dense: boolean): Promise<void> => {
      const els: string[] = [];
      for (let i = 0; i < n; i++) els.push(randFloat(rand));
      await sameAll([['DEL', key], ['PFADD', key, ...els]]);
      if (dense) await same('PFDEBUG', 'TODENSE', key);
    };
    await fill('s1', 50, false);
    await fill('s2', 400, false);
    await fill('s3', 1200, false);
    await fill('d1', 60, true);
    await fill('d2', 20000, false);
    const merges: string[][] = [
      ['m', 's1', 's2'],
      ['m', 's1', 'd1'],
      ['m', 's2', 's3'], // the union outgrows the sparse limit inside the merge
      ['m', 'd1', 's1'],
      ['m', 'd2'],
      ['m', 'missing', 's1'],
      ['m'],
    ];
    for (const srcs of merges) {
      await sameAll([['DEL', 'm'], ['PFMERGE', ...srcs], ['GET', 'm'], ['PFCOUNT', 'm'], ['GET', 'm']]);
    }
    // Into an existing destination of either encoding.
    for (const [dest, src] of [['s1', 's2'], ['s1', 'd1'], ['d1', 's3'], ['s2', 'd2']] as const) {
      await sameAll([['COPY', dest, 'x', 'REPLACE'], ['PFMERGE', 'x', src], ['GET', 'x'], ['PFCOUNT', 'x'], ['PFDEBUG', 'ENCODING', 'x']]);
    }
    await sameAll([
      ['PFCOUNT', 's1', 's2'],
      ['PFCOUNT', 's1', 'd1', 'missing'],
      ['PFCOUNT', 'd2', 's3', 'd1', 's2'],
      ['PFCOUNT', 'missing', 'missing2'],
      ['PFCOUNT', 's1', 's1'],
    ]);
  });

  test('estimator edge cases: crafted register values', async () => {
    const rand = rng(14);
    const cases: ((i: number) => number)[] = [];
    for (const v of [0, 1, 2, 20, 31, 32, 33, 40, 49, 50, 51, 52, 63]) cases.push(() => v);
    cases.push((i) => (i % 2 === 0 ? 51 : 0), (i) => (i < 100 ? 51 : 1), (i) => i % 64, (i) => (i % 3 === 0 ? 50 : 49));
    for (let t = 0; t < 20; t++) {
      const hi = randomInt(rand, 64);
      cases.push(() => randomInt(rand, hi + 1));
    }
    for (const f of cases) {
      const value = denseHll(f);
      await sameAll([['SET', 'c', value], ['PFCOUNT', 'c'], ['GET', 'c'], ['PFCOUNT', 'c'], ['PFCOUNT', 'c', 'nokey'], ['PFADD', 'c', 'x', 'y'], ['GET', 'c']]);
    }
  });

  test('corrupted values: same errors and bytes after random damage', async () => {
    const rand = rng(15);
    for (let j = 0; j < 400; j++) {
      const items: string[] = [];
      const numitems = randomInt(rand, j % 4 === 0 ? 3000 : 300);
      for (let i = 0; i < numitems; i++) items.push(randFloat(rand));
      await sameAll([['DEL', 'z', 'w'], ['PFADD', 'z', ...items], ['PFADD', 'w', 'a', 'b']]);
      const len = (await ours.call('STRLEN', 'z')) as number;
      const edits: (string | number)[][] = [];
      for (let i = 0; i < 5; i++) {
        const pos = randomInt(rand, len + (rand() < 0.1 ? 3 : 0));
        edits.push(['SETRANGE', 'z', pos, randBytes(rand, rand() < 0.8 ? 1 : 2)]);
        if (rand() < 0.5) break;
      }
      if (rand() < 0.1) edits.push(['APPEND', 'z', randBytes(rand, randomInt(rand, 4))]);
      await sameAll([
        ...edits,
        ['PFCOUNT', 'z', 'w'],
        ['PFADD', 'z', randFloat(rand), randFloat(rand), randFloat(rand)],
        ['GET', 'z'],
        ['PFCOUNT', 'z'],
        ['GET', 'z'],
        ['PFMERGE', 'w', 'z'],
        ['GET', 'w'],
        ['PFDEBUG', 'DECODE', 'z'],
        ['PFDEBUG', 'TODENSE', 'z'],
        ['GET', 'z'],
      ]);
    }
    await sameAll([['PING']]);
  });

  test('replies and errors of every command', async () => {
    await sameAll([
      ['DEL', 'k', 'l', 'n', 's'],
      ['PFADD', 'k', 'a', 'b'],
      ['PFDEBUG', 'GETREG', 'k'],
      ['PFDEBUG', 'ENCODING', 'k'],
      ['PFADD', 'l', 'q'],
      ['PFDEBUG', 'DECODE', 'l'],
      ['PFDEBUG', 'ENCODING', 'l'],
      ['PFDEBUG', 'TODENSE', 'l'],
      ['PFDEBUG', 'DECODE', 'l'],
      ['PFDEBUG', 'getreg', 'nokey'],
      ['PFDEBUG', 'nosuch', 'nokey'],
      ['PFDEBUG', 'nosuch', 'l'],
      ['PFDEBUG', 'nosuch\x00x', 'l'],
      ['PFDEBUG', 'ENCODING'],
      ['PFADD'],
      ['PFCOUNT'],
      ['PFMERGE'],
      ['PFSELFTEST', 'x'],
      ['SET', 's', 'HYLL'],
      ['PFCOUNT', 's'],
      ['SET', 's', 'HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'],
      ['PFCOUNT', 's'],
      ['PFADD', 's', 'x'],
      ['SET', 's', 12345678901234567890],
      ['PFADD', 's', 'x'],
      ['LPUSH', 'n', 'x'],
      ['PFDEBUG', 'ENCODING', 'n'],
      ['PFMERGE', 'n', 'k'],
      ['PFCOUNT', 'k', 'n'],
      ['TYPE', 'k'],
      ['APPEND', 'l', 'tail'],
      ['PFCOUNT', 'l'],
    ]);
  });

  test('keyspace events, changes counted and WATCH as redis-server', async () => {
    const subs: RespClient[] = [await srv.client(), await oracle.client()];
    await sameAll([['CONFIG', 'SET', 'notify-keyspace-events', 'KEA'], ['DEL', 'e1', 'e2', 'e3']]);
    for (const s of subs) await s.call('PSUBSCRIBE', '__keyevent@0__:*');
    const script: (string | number)[][] = [
      ['PFADD', 'e1'],
      ['PFADD', 'e1', 'a'],
      ['PFADD', 'e1', 'a'],
      ['PFCOUNT', 'e1'],
      ['PFCOUNT', 'e1'],
      ['PFMERGE', 'e2', 'e1'],
      ['PFMERGE', 'e2', 'e1'],
      ['PFCOUNT', 'e1', 'e2'],
      ['PFDEBUG', 'TODENSE', 'e1'],
      ['PFDEBUG', 'GETREG', 'e2'],
      ['SET', 'e3', denseHll(() => 1)],
      ['PFADD', 'e3', 'zz'],
      ['PFCOUNT', 'e3'],
    ];
    const dirty = async (cl: RespClient): Promise<number> => {
      const info = (await cl.call('INFO', 'persistence')) as string;
      return Number(/rdb_changes_since_last_save:(\d+)/.exec(info)?.[1]);
    };
    for (const cmd of script) {
      const before = await Promise.all([dirty(ours), dirty(theirs)]);
      await same(...cmd);
      const afterCmd = await Promise.all([dirty(ours), dirty(theirs)]);
      assert.equal(afterCmd[0] - before[0], afterCmd[1] - before[1], `changes counted by ${cmd.join(' ')}`);
    }
    await same('LPUSH', 'end', 'x');
    const events = async (s: RespClient): Promise<string[]> => {
      const out: string[] = [];
      for (;;) {
        const m = (await s.nextPush()) as Reply[];
        if (m[0] !== 'pmessage') continue;
        const e = `${(m[2] as string).replace('__keyevent@0__:', '')} ${m[3] as string}`;
        if (e === 'lpush end') return out;
        out.push(e);
      }
    };
    const [a, b] = await Promise.all(subs.map(events));
    assert.deepEqual(a, b);
    assert.ok((a as string[]).includes('pfadd e2'));
    await sameAll([['CONFIG', 'SET', 'notify-keyspace-events', '']]);

    // PFCOUNT answered from the cache leaves a WATCH alone; one that recomputes touches the key.
    for (const recompute of [false, true]) {
      await sameAll([['DEL', 'w'], ['PFADD', 'w', 'a', 'b'], ['PFCOUNT', 'w']]);
      if (recompute) await same('PFADD', 'w', 'c');
      await sameAll([['WATCH', 'w']]);
      const others = [await srv.client(), await oracle.client()];
      await Promise.all(others.map((o) => o.call('PFCOUNT', 'w')));
      await sameAll([['MULTI'], ['PING'], ['EXEC']]);
    }
  });
});
