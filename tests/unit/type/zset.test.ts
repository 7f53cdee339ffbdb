/**
 * Wire tests of the sorted-set basics, mirroring the `basics` part of Redis 7.0's
 * tests/unit/type/zset.tcl: each case runs once per encoding (listpack, skiplist), chosen with
 * CONFIG SET zset-max-listpack-entries/value as Redis's suite does. Expected replies are what
 * redis-server 7.0.15 answers. Set algebra is in zset-setops.test.ts, pops / random / scan in
 * zset-pop.test.ts, the rest in zset-misc.test.ts and zset-stress.test.ts.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, OK, startTestServer, type RespClient, type Reply, type TestServer } from '../../helpers/server.js';

let srv: TestServer;
let c: RespClient;

before(async () => {
  srv = await startTestServer();
  c = await srv.client();
});

after(async () => {
  await srv.close();
});

const r = (...args: (string | number)[]): Promise<Reply> => c.call(...args);

async function setEncoding(encoding: string): Promise<void> {
  const small = encoding === 'listpack';
  assert.deepEqual(await r('CONFIG', 'SET', 'zset-max-ziplist-entries', small ? 128 : 0), OK);
  assert.deepEqual(await r('CONFIG', 'SET', 'zset-max-ziplist-value', small ? 64 : 0), OK);
}

/** Redis's create_zset: delete, then one ZADD per pair. */
async function createZset(key: string, items: (string | number)[]): Promise<void> {
  await r('DEL', key);
  for (let i = 0; i < items.length; i += 2) await r('ZADD', key, items[i] as string | number, items[i + 1] as string | number);
}

const defaultZset = ['-inf', 'a', 1, 'b', 2, 'c', 3, 'd', 4, 'e', 5, 'f', '+inf', 'g'];
const defaultLexZset = [0, 'alpha', 0, 'bar', 0, 'cool', 0, 'down', 0, 'elephant', 0, 'foo', 0, 'great', 0, 'hill', 0, 'omega'];

for (const enc of ['listpack', 'skiplist'] as const) {
  test(`Check encoding - ${enc}`, async () => {
    await setEncoding(enc);
    await r('DEL', 'ztmp');
    await r('ZADD', 'ztmp', 10, 'x');
    assert.equal(await r('OBJECT', 'ENCODING', 'ztmp'), enc);
  });

  test(`ZSET basic ZADD and score update - ${enc}`, async () => {
    await setEncoding(enc);
    await createZset('ztmp', [10, 'x', 20, 'y', 30, 'z']);
    assert.deepEqual(await r('ZRANGE', 'ztmp', 0, -1), ['x', 'y', 'z']);
    await r('ZADD', 'ztmp', 1, 'y');
    assert.deepEqual(await r('ZRANGE', 'ztmp', 0, -1), ['y', 'x', 'z']);
  });

  test(`ZSET element can't be set to NaN with ZADD / ZINCRBY - ${enc}`, async () => {
    await setEncoding(enc);
    assertError(await r('ZADD', 'myzset', 'nan', 'abc'), 'ERR value is not a valid float');
    assertError(await r('ZINCRBY', 'myzset', 'nan', 'abc'), 'ERR value is not a valid float');
  });

  test(`ZADD with options syntax error with incomplete pair - ${enc}`, async () => {
    await setEncoding(enc);
    await r('DEL', 'ztmp');
    assertError(await r('ZADD', 'ztmp', 'xx', 10, 'x', 20), 'ERR syntax error');
  });

  test(`ZADD XX option without key - ${enc}`, async () => {
    await setEncoding(enc);
    await r('DEL', 'ztmp');
    assert.equal(await r('ZADD', 'ztmp', 'xx', 10, 'x'), 0);
    assert.deepEqual(await r('TYPE', 'ztmp'), { status: 'none' });
    assert.equal(await r('ZADD', 'ztmp', 'xx', 'incr', 10, 'x'), null);
    assert.equal(await r('EXISTS', 'ztmp'), 0);
  });

  test(`ZADD XX existing key / returns the number of elements actually added - ${enc}`, async () => {
    await setEncoding(enc);
    await createZset('ztmp', [10, 'x']);
    assert.equal(await r('ZADD', 'ztmp', 'xx', 20, 'y'), 0);
    assert.equal(await r('ZCARD', 'ztmp'), 1);
    assert.equal(await r('ZADD', 'ztmp', 10, 'x', 20, 'y', 30, 'z'), 2);
  });

  test(`ZADD XX updates existing elements score - ${enc}`, async () => {
    await setEncoding(enc);
    await createZset('ztmp', [10, 'x', 20, 'y', 30, 'z']);
    assert.equal(await r('ZADD', 'ztmp', 'xx', 5, 'foo', 11, 'x', 21, 'y', 40, 'zap'), 0);
    assert.equal(await r('ZCARD', 'ztmp'), 3);
    assert.equal(await r('ZSCORE', 'ztmp', 'x'), '11');
    assert.equal(await r('ZSCORE', 'ztmp', 'y'), '21');
  });

  test(`ZADD GT / LT with CH - ${enc}`, async () => {
    await setEncoding(enc);
    await createZset('ztmp', [10, 'x', 20, 'y', 30, 'z']);
    assert.equal(await r('ZADD', 'ztmp', 'gt', 'ch', 5, 'foo', 11, 'x', 21, 'y', 29, 'z'), 3);
    assert.equal(await r('ZCARD', 'ztmp'), 4);
    assert.deepEqual(await r('ZMSCORE', 'ztmp', 'x', 'y', 'z'), ['11', '21', '30']);
    await createZset('ztmp', [10, 'x', 20, 'y', 30, 'z']);
    assert.equal(await r('ZADD', 'ztmp', 'lt', 'ch', 5, 'foo', 11, 'x', 21, 'y', 29, 'z'), 2);
    assert.equal(await r('ZCARD', 'ztmp'), 4);
    assert.deepEqual(await r('ZMSCORE', 'ztmp', 'x', 'y', 'z'), ['10', '20', '29']);
    await createZset('ztmp', [10, 'x', 20, 'y', 30, 'z']);
    assert.equal(await r('ZADD', 'ztmp', 'gt', 'xx', 'ch', 5, 'foo', 11, 'x', 21, 'y', 29, 'z'), 2);
    assert.equal(await r('ZCARD', 'ztmp'), 3);
    await createZset('ztmp', [10, 'x', 20, 'y', 30, 'z']);
    assert.equal(await r('ZADD', 'ztmp', 'lt', 'xx', 'ch', 5, 'foo', 11, 'x', 21, 'y', 29, 'z'), 1);
    assert.deepEqual(await r('ZMSCORE', 'ztmp', 'x', 'y', 'z', 'foo'), ['10', '20', '29', null]);
  });

  test(`ZADD incompatible options - ${enc}`, async () => {
    await setEncoding(enc);
    await r('DEL', 'ztmp');
    assertError(await r('ZADD', 'ztmp', 'xx', 'nx', 10, 'x'), 'ERR XX and NX options at the same time are not compatible');
    for (const opts of [['gt', 'nx'], ['lt', 'nx'], ['lt', 'gt']]) {
      assertError(await r('ZADD', 'ztmp', ...opts, 10, 'x'), 'ERR GT, LT, and/or NX options at the same time are not compatible');
    }
    assertError(await r('ZADD', 'ztmp', 'INCR', 15, 'x', 10, 'y'), 'ERR INCR option supports a single increment-element pair');
    // Redis checks pairs, then XX/NX, then GT/LT/NX, then INCR.
    assertError(await r('ZADD', 'ztmp', 'incr', 'xx', 'nx', 1, 'a', 2, 'b'), 'ERR XX and NX options at the same time are not compatible');
    assertError(await r('ZADD', 'ztmp', 'gt', 'lt', 'incr', 1, 'a', 2, 'b'), 'ERR GT, LT, and/or NX options at the same time are not compatible');
    assertError(await r('ZADD', 'ztmp', 'xx', 'nx', 1), 'ERR syntax error');
    assert.equal(await r('EXISTS', 'ztmp'), 0);
  });

  test(`ZADD NX only add new elements without updating old ones - ${enc}`, async () => {
    await setEncoding(enc);
    await r('DEL', 'ztmp');
    assert.equal(await r('ZADD', 'ztmp', 'nx', 10, 'x', 20, 'y', 30, 'z'), 3);
    assert.equal(await r('ZADD', 'ztmp', 'nx', 11, 'x', 21, 'y', 100, 'a', 200, 'b'), 2);
    assert.deepEqual(await r('ZMSCORE', 'ztmp', 'x', 'y', 'a', 'b'), ['10', '20', '100', '200']);
  });

  test(`ZADD INCR LT/GT replies with nill if score not updated - ${enc}`, async () => {
    await setEncoding(enc);
    await createZset('ztmp', [28, 'x']);
    assert.equal(await r('ZADD', 'ztmp', 'lt', 'incr', 1, 'x'), null);
    assert.equal(await r('ZSCORE', 'ztmp', 'x'), '28');
    assert.equal(await r('ZADD', 'ztmp', 'gt', 'incr', -1, 'x'), null);
    assert.equal(await r('ZSCORE', 'ztmp', 'x'), '28');
    assert.equal(await r('ZADD', 'ztmp', 'nx', 'incr', 1, 'x'), null);
    assert.equal(await r('ZADD', 'ztmp', 'gt', 'incr', 2, 'x'), '30');
  });

  test(`ZADD INCR LT/GT with inf - ${enc}`, async () => {
    await setEncoding(enc);
    await r('DEL', 'ztmp');
    await r('ZADD', 'ztmp', '+inf', 'x', '-inf', 'y');
    for (const [m, want] of [['x', 'inf'], ['y', '-inf']]) {
      for (const [flag, inc] of [['lt', 1], ['gt', -1], ['lt', -1], ['gt', 1]] as const) {
        assert.equal(await r('ZADD', 'ztmp', flag, 'incr', inc, m as string), null);
        assert.equal(await r('ZSCORE', 'ztmp', m as string), want);
      }
    }
  });

  test(`ZADD INCR works like ZINCRBY / CH option - ${enc}`, async () => {
    await setEncoding(enc);
    await createZset('ztmp', [10, 'x', 20, 'y', 30, 'z']);
    assert.equal(await r('ZADD', 'ztmp', 'INCR', 15, 'x'), '25');
    assert.equal(await r('ZADD', 'ztmp', 11, 'x', 21, 'y', 30, 'z'), 0);
    assert.equal(await r('ZADD', 'ztmp', 'ch', 12, 'x', 22, 'y', 30, 'z'), 2);
  });

  test(`ZINCRBY calls leading to NaN result in error - ${enc}`, async () => {
    await setEncoding(enc);
    assert.equal(await r('ZINCRBY', 'myzset', '+inf', 'abc'), 'inf');
    assertError(await r('ZINCRBY', 'myzset', '-inf', 'abc'), 'ERR resulting score is not a number (NaN)');
    assertError(await r('ZADD', 'myzset', 'INCR', '-inf', 'abc'), 'ERR resulting score is not a number (NaN)');
    assert.equal(await r('ZSCORE', 'myzset', 'abc'), 'inf');
  });

  test(`ZADD - Variadic version base case / return value - ${enc}`, async () => {
    await setEncoding(enc);
    await r('DEL', 'myzset');
    assert.equal(await r('ZADD', 'myzset', 10, 'a', 20, 'b', 30, 'c'), 3);
    assert.deepEqual(await r('ZRANGE', 'myzset', 0, -1, 'withscores'), ['a', '10', 'b', '20', 'c', '30']);
    assert.equal(await r('ZADD', 'myzset', 5, 'x', 20, 'b', 30, 'c'), 1);
    assert.deepEqual(await r('ZRANGE', 'myzset', 0, -1, 'withscores'), ['x', '5', 'a', '10', 'b', '20', 'c', '30']);
  });

  test(`ZADD - Variadic version does not add nothing on single parsing err - ${enc}`, async () => {
    await setEncoding(enc);
    await r('DEL', 'myzset');
    assertError(await r('ZADD', 'myzset', 10, 'a', 20, 'b', '30.badscore', 'c'), 'ERR value is not a valid float');
    assert.equal(await r('EXISTS', 'myzset'), 0);
    assertError(await r('ZADD', 'myzset', 10, 'a', 20, 'b', 30, 'c', 40), 'ERR syntax error');
    assertError(await r('ZINCRBY', 'myzset', 10, 'a', 20, 'b', 30, 'c'), "ERR wrong number of arguments for 'zincrby' command");
  });

  test(`ZCARD basics - ${enc}`, async () => {
    await setEncoding(enc);
    await createZset('ztmp', [10, 'a', 20, 'b', 30, 'c']);
    assert.equal(await r('ZCARD', 'ztmp'), 3);
    assert.equal(await r('ZCARD', 'zdoesntexist'), 0);
  });

  test(`ZREM removes key after last element is removed / variadic - ${enc}`, async () => {
    await setEncoding(enc);
    await createZset('ztmp', [10, 'x', 20, 'y']);
    assert.equal(await r('EXISTS', 'ztmp'), 1);
    assert.equal(await r('ZREM', 'ztmp', 'z'), 0);
    assert.equal(await r('ZREM', 'ztmp', 'y'), 1);
    assert.equal(await r('ZREM', 'ztmp', 'x'), 1);
    assert.equal(await r('EXISTS', 'ztmp'), 0);
    await createZset('ztmp', [10, 'a', 20, 'b', 30, 'c']);
    assert.equal(await r('ZREM', 'ztmp', 'x', 'y', 'a', 'b', 'k'), 2);
    assert.equal(await r('ZREM', 'ztmp', 'foo', 'bar'), 0);
    assert.equal(await r('ZREM', 'ztmp', 'c'), 1);
    assert.equal(await r('EXISTS', 'ztmp'), 0);
    await createZset('ztmp', [10, 'a', 20, 'b', 30, 'c']);
    assert.equal(await r('ZREM', 'ztmp', 'a', 'b', 'c', 'd', 'e', 'f', 'g'), 3);
  });

  test(`ZRANGE basics - ${enc}`, async () => {
    await setEncoding(enc);
    await createZset('ztmp', [1, 'a', 2, 'b', 3, 'c', 4, 'd']);
    const cases: [number, number, string[]][] = [
      [0, -1, ['a', 'b', 'c', 'd']], [0, -2, ['a', 'b', 'c']], [1, -1, ['b', 'c', 'd']], [1, -2, ['b', 'c']],
      [-2, -1, ['c', 'd']], [-2, -2, ['c']], [-5, 2, ['a', 'b', 'c']], [-5, 1, ['a', 'b']], [5, -1, []], [5, -2, []],
      [0, 5, ['a', 'b', 'c', 'd']], [1, 5, ['b', 'c', 'd']], [0, -5, []], [1, -5, []],
    ];
    for (const [s, e, want] of cases) assert.deepEqual(await r('ZRANGE', 'ztmp', s, e), want, `ZRANGE ${s} ${e}`);
    assert.deepEqual(await r('ZRANGE', 'ztmp', 0, -1, 'withscores'), ['a', '1', 'b', '2', 'c', '3', 'd', '4']);
  });

  test(`ZREVRANGE basics - ${enc}`, async () => {
    await setEncoding(enc);
    await createZset('ztmp', [1, 'a', 2, 'b', 3, 'c', 4, 'd']);
    const cases: [number, number, string[]][] = [
      [0, -1, ['d', 'c', 'b', 'a']], [0, -2, ['d', 'c', 'b']], [1, -1, ['c', 'b', 'a']], [1, -2, ['c', 'b']],
      [-2, -1, ['b', 'a']], [-2, -2, ['b']], [-5, 2, ['d', 'c', 'b']], [-5, 1, ['d', 'c']], [5, -1, []], [5, -2, []],
      [0, 5, ['d', 'c', 'b', 'a']], [1, 5, ['c', 'b', 'a']], [0, -5, []], [1, -5, []],
    ];
    for (const [s, e, want] of cases) assert.deepEqual(await r('ZREVRANGE', 'ztmp', s, e), want, `ZREVRANGE ${s} ${e}`);
    assert.deepEqual(await r('ZREVRANGE', 'ztmp', 0, -1, 'withscores'), ['d', '4', 'c', '3', 'b', '2', 'a', '1']);
  });

  test(`ZRANK/ZREVRANK basics and after deletion - ${enc}`, async () => {
    await setEncoding(enc);
    await createZset('zranktmp', [10, 'x', 20, 'y', 30, 'z']);
    assert.deepEqual([await r('ZRANK', 'zranktmp', 'x'), await r('ZRANK', 'zranktmp', 'y'), await r('ZRANK', 'zranktmp', 'z')], [0, 1, 2]);
    assert.deepEqual([await r('ZREVRANK', 'zranktmp', 'x'), await r('ZREVRANK', 'zranktmp', 'y'), await r('ZREVRANK', 'zranktmp', 'z')], [2, 1, 0]);
    assert.deepEqual(await c.rawExchange('*3\r\n$5\r\nZRANK\r\n$8\r\nzranktmp\r\n$3\r\nfoo\r\n', 5), Buffer.from('$-1\r\n'));
    assert.equal(await r('ZREVRANK', 'zranktmp', 'foo'), null);
    assert.equal(await r('ZRANK', 'nokey', 'foo'), null);
    await r('ZREM', 'zranktmp', 'y');
    assert.equal(await r('ZRANK', 'zranktmp', 'x'), 0);
    assert.equal(await r('ZRANK', 'zranktmp', 'z'), 1);
  });

  test(`ZINCRBY - can create a new sorted set / increment and decrement - ${enc}`, async () => {
    await setEncoding(enc);
    await r('DEL', 'zset');
    assert.equal(await r('ZINCRBY', 'zset', 1, 'foo'), '1');
    assert.deepEqual(await r('ZRANGE', 'zset', 0, -1), ['foo']);
    assert.equal(await r('OBJECT', 'ENCODING', 'zset'), enc);
    await r('ZINCRBY', 'zset', 2, 'foo');
    await r('ZINCRBY', 'zset', 1, 'bar');
    assert.deepEqual(await r('ZRANGE', 'zset', 0, -1), ['bar', 'foo']);
    await r('ZINCRBY', 'zset', 10, 'bar');
    await r('ZINCRBY', 'zset', -5, 'foo');
    await r('ZINCRBY', 'zset', -5, 'bar');
    assert.deepEqual(await r('ZRANGE', 'zset', 0, -1), ['foo', 'bar']);
    assert.equal(await r('ZSCORE', 'zset', 'foo'), '-2');
    assert.equal(await r('ZSCORE', 'zset', 'bar'), '6');
    await r('DEL', 'ztmp');
    assert.equal(await r('ZINCRBY', 'ztmp', '1.0', 'x'), '1');
  });

  test(`ZRANGEBYSCORE/ZREVRANGEBYSCORE/ZCOUNT basics - ${enc}`, async () => {
    await setEncoding(enc);
    await createZset('zset', defaultZset);
    const q = async (cmd: string, a: string | number, b: string | number): Promise<Reply> => r(cmd, 'zset', a, b);
    assert.deepEqual(await q('ZRANGEBYSCORE', '-inf', 2), ['a', 'b', 'c']);
    assert.deepEqual(await q('ZRANGEBYSCORE', 0, 3), ['b', 'c', 'd']);
    assert.deepEqual(await q('ZRANGEBYSCORE', 3, 6), ['d', 'e', 'f']);
    assert.deepEqual(await q('ZRANGEBYSCORE', 4, '+inf'), ['e', 'f', 'g']);
    assert.deepEqual(await q('ZREVRANGEBYSCORE', 2, '-inf'), ['c', 'b', 'a']);
    assert.deepEqual(await q('ZREVRANGEBYSCORE', 3, 0), ['d', 'c', 'b']);
    assert.deepEqual(await q('ZREVRANGEBYSCORE', 6, 3), ['f', 'e', 'd']);
    assert.deepEqual(await q('ZREVRANGEBYSCORE', '+inf', 4), ['g', 'f', 'e']);
    assert.equal(await q('ZCOUNT', 0, 3), 3);
    assert.deepEqual(await q('ZRANGEBYSCORE', '(-inf', '(2'), ['b']);
    assert.deepEqual(await q('ZRANGEBYSCORE', '(0', '(3'), ['b', 'c']);
    assert.deepEqual(await q('ZRANGEBYSCORE', '(3', '(6'), ['e', 'f']);
    assert.deepEqual(await q('ZRANGEBYSCORE', '(4', '(+inf'), ['f']);
    assert.deepEqual(await q('ZREVRANGEBYSCORE', '(2', '(-inf'), ['b']);
    assert.deepEqual(await q('ZREVRANGEBYSCORE', '(3', '(0'), ['c', 'b']);
    assert.deepEqual(await q('ZREVRANGEBYSCORE', '(6', '(3'), ['f', 'e']);
    assert.deepEqual(await q('ZREVRANGEBYSCORE', '(+inf', '(4'), ['f']);
    assert.equal(await q('ZCOUNT', '(0', '(3'), 2);
    await r('ZREM', 'zset', 'a');
    await r('ZREM', 'zset', 'g');
    const empty: [string, string | number, string | number][] = [
      ['ZRANGEBYSCORE', 4, 2], ['ZRANGEBYSCORE', 6, '+inf'], ['ZRANGEBYSCORE', '-inf', -6], ['ZREVRANGEBYSCORE', '+inf', 6],
      ['ZREVRANGEBYSCORE', -6, '-inf'], ['ZRANGEBYSCORE', '(4', '(2'], ['ZRANGEBYSCORE', 2, '(2'], ['ZRANGEBYSCORE', '(2', 2],
      ['ZRANGEBYSCORE', '(6', '(+inf'], ['ZRANGEBYSCORE', '(-inf', '(-6'], ['ZREVRANGEBYSCORE', '(+inf', '(6'],
      ['ZREVRANGEBYSCORE', '(-6', '(-inf'], ['ZRANGEBYSCORE', 2.4, 2.6], ['ZRANGEBYSCORE', '(2.4', 2.6],
      ['ZRANGEBYSCORE', 2.4, '(2.6'], ['ZRANGEBYSCORE', '(2.4', '(2.6'],
    ];
    for (const [cmd, a, b] of empty) assert.deepEqual(await q(cmd, a, b), [], `${cmd} ${a} ${b}`);
  });

  test(`ZRANGEBYSCORE with WITHSCORES / LIMIT - ${enc}`, async () => {
    await setEncoding(enc);
    await createZset('zset', defaultZset);
    assert.deepEqual(await r('ZRANGEBYSCORE', 'zset', 0, 3, 'withscores'), ['b', '1', 'c', '2', 'd', '3']);
    assert.deepEqual(await r('ZREVRANGEBYSCORE', 'zset', 3, 0, 'withscores'), ['d', '3', 'c', '2', 'b', '1']);
    assert.deepEqual(await r('ZRANGEBYSCORE', 'zset', 0, 10, 'LIMIT', 0, 2), ['b', 'c']);
    assert.deepEqual(await r('ZRANGEBYSCORE', 'zset', 0, 10, 'LIMIT', 2, 3), ['d', 'e', 'f']);
    assert.deepEqual(await r('ZRANGEBYSCORE', 'zset', 0, 10, 'LIMIT', 2, 10), ['d', 'e', 'f']);
    assert.deepEqual(await r('ZRANGEBYSCORE', 'zset', 0, 10, 'LIMIT', 20, 10), []);
    assert.deepEqual(await r('ZREVRANGEBYSCORE', 'zset', 10, 0, 'LIMIT', 0, 2), ['f', 'e']);
    assert.deepEqual(await r('ZREVRANGEBYSCORE', 'zset', 10, 0, 'LIMIT', 2, 3), ['d', 'c', 'b']);
    assert.deepEqual(await r('ZREVRANGEBYSCORE', 'zset', 10, 0, 'LIMIT', 2, 10), ['d', 'c', 'b']);
    assert.deepEqual(await r('ZREVRANGEBYSCORE', 'zset', 10, 0, 'LIMIT', 20, 10), []);
    assert.deepEqual(await r('ZRANGEBYSCORE', 'zset', 2, 5, 'LIMIT', 2, 3, 'WITHSCORES'), ['e', '4', 'f', '5']);
    assert.deepEqual(await r('ZREVRANGEBYSCORE', 'zset', 5, 2, 'LIMIT', 2, 3, 'WITHSCORES'), ['d', '3', 'c', '2']);
    assert.deepEqual(await r('ZRANGEBYSCORE', 'zset', 2, 5, 'LIMIT', 12, 13, 'WITHSCORES'), []);
    // A negative offset skips everything; a negative count means no limit.
    assert.deepEqual(await r('ZRANGEBYSCORE', 'zset', '-inf', '+inf', 'LIMIT', -1, 5), []);
    assert.deepEqual(await r('ZRANGEBYSCORE', 'zset', 1, 3, 'LIMIT', 1, -5), ['c', 'd']);
    assert.deepEqual(await r('ZRANGEBYSCORE', 'zset', 1, 3, 'LIMIT', 0, 0), []);
    assert.deepEqual(await r('ZRANGEBYSCORE', 'zset', 1, 5, 'LIMIT', 0, 1, 'LIMIT', 1, 1), ['c']);
  });

  test(`ZRANGEBYSCORE with non-value min or max - ${enc}`, async () => {
    await setEncoding(enc);
    for (const [a, b] of [['str', 1], [1, 'str'], [1, 'NaN'], ['(nan', 1], [' 1', '1 ']]) {
      assertError(await r('ZRANGEBYSCORE', 'fooz', a as string, b as string), 'ERR min or max is not a float');
      assertError(await r('ZREMRANGEBYSCORE', 'fooz', a as string, b as string), 'ERR min or max is not a float');
      assertError(await r('ZCOUNT', 'fooz', a as string, b as string), 'ERR min or max is not a float');
    }
  });

  test(`ZRANGEBYLEX/ZREVRANGEBYLEX/ZLEXCOUNT basics - ${enc}`, async () => {
    await setEncoding(enc);
    await createZset('zset', defaultLexZset);
    const q = (cmd: string, a: string, b: string): Promise<Reply> => r(cmd, 'zset', a, b);
    assert.deepEqual(await q('ZRANGEBYLEX', '-', '[cool'), ['alpha', 'bar', 'cool']);
    assert.deepEqual(await q('ZRANGEBYLEX', '[bar', '[down'), ['bar', 'cool', 'down']);
    assert.deepEqual(await q('ZRANGEBYLEX', '[g', '+'), ['great', 'hill', 'omega']);
    assert.deepEqual(await q('ZREVRANGEBYLEX', '[cool', '-'), ['cool', 'bar', 'alpha']);
    assert.deepEqual(await q('ZREVRANGEBYLEX', '[down', '[bar'), ['down', 'cool', 'bar']);
    assert.deepEqual(await q('ZREVRANGEBYLEX', '+', '[d'), ['omega', 'hill', 'great', 'foo', 'elephant', 'down']);
    assert.equal(await q('ZLEXCOUNT', '[ele', '[h'), 3);
    assert.deepEqual(await q('ZRANGEBYLEX', '-', '(cool'), ['alpha', 'bar']);
    assert.deepEqual(await q('ZRANGEBYLEX', '(bar', '(down'), ['cool']);
    assert.deepEqual(await q('ZRANGEBYLEX', '(great', '+'), ['hill', 'omega']);
    assert.deepEqual(await q('ZREVRANGEBYLEX', '(cool', '-'), ['bar', 'alpha']);
    assert.deepEqual(await q('ZREVRANGEBYLEX', '(down', '(bar'), ['cool']);
    assert.deepEqual(await q('ZREVRANGEBYLEX', '+', '(great'), ['omega', 'hill']);
    assert.equal(await q('ZLEXCOUNT', '(ele', '(great'), 2);
    assert.deepEqual(await q('ZRANGEBYLEX', '(az', '(b'), []);
    assert.deepEqual(await q('ZRANGEBYLEX', '(z', '+'), []);
    assert.deepEqual(await q('ZRANGEBYLEX', '-', '[aaaa'), []);
    assert.deepEqual(await q('ZREVRANGEBYLEX', '[elez', '[elex'), []);
    assert.deepEqual(await q('ZREVRANGEBYLEX', '(hill', '(omega'), []);
  });

  test(`ZLEXCOUNT advanced - ${enc}`, async () => {
    await setEncoding(enc);
    await createZset('zset', defaultLexZset);
    const cases: [string, string, number][] = [
      ['-', '+', 9], ['+', '-', 0], ['+', '[c', 0], ['[c', '-', 0], ['[bar', '+', 8], ['[bar', '[foo', 5], ['[bar', '(foo', 4],
      ['(bar', '[foo', 4], ['(bar', '(foo', 3], ['-', '(foo', 5], ['(maxstring', '+', 1], ['-', '-', 0], ['+', '+', 0], ['[a', '(a', 0],
    ];
    for (const [a, b, n] of cases) assert.equal(await r('ZLEXCOUNT', 'zset', a, b), n, `ZLEXCOUNT ${a} ${b}`);
  });

  test(`ZRANGEBYSLEX with LIMIT - ${enc}`, async () => {
    await setEncoding(enc);
    await createZset('zset', defaultLexZset);
    assert.deepEqual(await r('ZRANGEBYLEX', 'zset', '-', '[cool', 'LIMIT', 0, 2), ['alpha', 'bar']);
    assert.deepEqual(await r('ZRANGEBYLEX', 'zset', '-', '[cool', 'LIMIT', 1, 2), ['bar', 'cool']);
    assert.deepEqual(await r('ZRANGEBYLEX', 'zset', '[bar', '[down', 'LIMIT', 0, 0), []);
    assert.deepEqual(await r('ZRANGEBYLEX', 'zset', '[bar', '[down', 'LIMIT', 2, 0), []);
    assert.deepEqual(await r('ZRANGEBYLEX', 'zset', '[bar', '[down', 'LIMIT', 0, 1), ['bar']);
    assert.deepEqual(await r('ZRANGEBYLEX', 'zset', '[bar', '[down', 'LIMIT', 1, 1), ['cool']);
    assert.deepEqual(await r('ZRANGEBYLEX', 'zset', '[bar', '[down', 'LIMIT', 0, 100), ['bar', 'cool', 'down']);
    assert.deepEqual(await r('ZREVRANGEBYLEX', 'zset', '+', '[d', 'LIMIT', 0, 5), ['omega', 'hill', 'great', 'foo', 'elephant']);
    assert.deepEqual(await r('ZREVRANGEBYLEX', 'zset', '+', '[d', 'LIMIT', 0, 4), ['omega', 'hill', 'great', 'foo']);
  });

  test(`ZRANGEBYLEX with invalid lex range specifiers - ${enc}`, async () => {
    await setEncoding(enc);
    for (const [a, b] of [['foo', 'bar'], ['[foo', 'bar'], ['foo', '[bar'], ['+x', '[bar'], ['-x', '[bar'], ['', '+']]) {
      assertError(await r('ZRANGEBYLEX', 'fooz', a as string, b as string), 'ERR min or max not valid string range item');
      assertError(await r('ZLEXCOUNT', 'fooz', a as string, b as string), 'ERR min or max not valid string range item');
      assertError(await r('ZREMRANGEBYLEX', 'fooz', a as string, b as string), 'ERR min or max not valid string range item');
    }
  });

  test(`ZREMRANGEBYSCORE basics - ${enc}`, async () => {
    await setEncoding(enc);
    const rem = async (min: string | number, max: string | number): Promise<Reply> => {
      await createZset('zset', [1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e']);
      assert.equal(await r('EXISTS', 'zset'), 1);
      return r('ZREMRANGEBYSCORE', 'zset', min, max);
    };
    const cases: [string | number, string | number, number, string[]][] = [
      [2, 4, 3, ['a', 'e']], [-10, 1, 1, ['b', 'c', 'd', 'e']], [5, 10, 1, ['a', 'b', 'c', 'd']], [4, 2, 0, ['a', 'b', 'c', 'd', 'e']],
      ['-inf', 3, 3, ['d', 'e']], [3, '+inf', 3, ['a', 'b']], ['-inf', '+inf', 5, []], ['(1', 5, 4, ['a']], ['(2', 5, 3, ['a', 'b']],
      [1, '(5', 4, ['e']], [1, '(4', 3, ['d', 'e']], ['(1', '(5', 3, ['a', 'e']],
    ];
    for (const [min, max, n, left] of cases) {
      assert.equal(await rem(min, max), n, `ZREMRANGEBYSCORE ${min} ${max}`);
      assert.deepEqual(await r('ZRANGE', 'zset', 0, -1), left);
    }
    assert.equal(await rem(1, 5), 5);
    assert.equal(await r('EXISTS', 'zset'), 0);
  });

  test(`ZREMRANGEBYRANK basics - ${enc}`, async () => {
    await setEncoding(enc);
    const rem = async (start: number, stop: number): Promise<Reply> => {
      await createZset('zset', [1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e']);
      return r('ZREMRANGEBYRANK', 'zset', start, stop);
    };
    const cases: [number, number, number, string[]][] = [
      [1, 3, 3, ['a', 'e']], [-10, 0, 1, ['b', 'c', 'd', 'e']], [10, -1, 0, ['a', 'b', 'c', 'd', 'e']],
      [0, -10, 0, ['a', 'b', 'c', 'd', 'e']], [0, 10, 5, []],
    ];
    for (const [s, e, n, left] of cases) {
      assert.equal(await rem(s, e), n, `ZREMRANGEBYRANK ${s} ${e}`);
      assert.deepEqual(await r('ZRANGE', 'zset', 0, -1), left);
    }
    assert.equal(await rem(0, 4), 5);
    assert.equal(await r('EXISTS', 'zset'), 0);
    assertError(await r('ZREMRANGEBYRANK', 'zset', 'a', 1), 'ERR value is not an integer or out of range');
  });

  test(`ZREMRANGEBYLEX basics - ${enc}`, async () => {
    await setEncoding(enc);
    const rem = async (min: string, max: string): Promise<Reply> => {
      await createZset('zset', defaultLexZset);
      return r('ZREMRANGEBYLEX', 'zset', min, max);
    };
    const all = ['alpha', 'bar', 'cool', 'down', 'elephant', 'foo', 'great', 'hill', 'omega'];
    const cases: [string, string, number, string[]][] = [
      ['-', '[cool', 3, ['down', 'elephant', 'foo', 'great', 'hill', 'omega']],
      ['[bar', '[down', 3, ['alpha', 'elephant', 'foo', 'great', 'hill', 'omega']],
      ['[g', '+', 3, ['alpha', 'bar', 'cool', 'down', 'elephant', 'foo']],
      ['-', '(cool', 2, ['cool', 'down', 'elephant', 'foo', 'great', 'hill', 'omega']],
      ['(bar', '(down', 1, ['alpha', 'bar', 'down', 'elephant', 'foo', 'great', 'hill', 'omega']],
      ['(great', '+', 2, ['alpha', 'bar', 'cool', 'down', 'elephant', 'foo', 'great']],
      ['(az', '(b', 0, all], ['(z', '+', 0, all], ['-', '[aaaa', 0, all],
    ];
    for (const [a, b, n, left] of cases) {
      assert.equal(await rem(a, b), n, `ZREMRANGEBYLEX ${a} ${b}`);
      assert.deepEqual(await r('ZRANGE', 'zset', 0, -1), left);
    }
    assert.equal(await rem('-', '+'), 9);
    assert.equal(await r('EXISTS', 'zset'), 0);
  });
}

test('ZSETs against keys of the wrong type', async () => {
  await r('SET', 'str', 'x');
  const wrong = 'WRONGTYPE Operation against a key holding the wrong kind of value';
  for (const cmd of [
    ['ZADD', 'str', 1, 'a'], ['ZADD', 'str', 'xx', 1, 'a'], ['ZINCRBY', 'str', 1, 'a'], ['ZREM', 'str', 'a'], ['ZCARD', 'str'],
    ['ZSCORE', 'str', 'a'], ['ZMSCORE', 'str', 'a'], ['ZRANK', 'str', 'a'], ['ZREVRANK', 'str', 'a'], ['ZRANGE', 'str', 0, -1],
    ['ZRANGEBYSCORE', 'str', 0, 1], ['ZRANGEBYLEX', 'str', '-', '+'], ['ZCOUNT', 'str', 0, 1], ['ZLEXCOUNT', 'str', '-', '+'],
    ['ZREMRANGEBYRANK', 'str', 0, 1], ['ZREMRANGEBYSCORE', 'str', 0, 1], ['ZREMRANGEBYLEX', 'str', '-', '+'],
    ['ZPOPMIN', 'str'], ['ZPOPMAX', 'str', 0], ['ZRANDMEMBER', 'str'], ['ZRANDMEMBER', 'str', 0], ['ZSCAN', 'str', 0],
    ['ZSCAN', 'str', 0, 'COUNT', 0], ['ZRANGESTORE', 'dst', 'str', 0, -1], ['ZMPOP', 1, 'str', 'MIN'],
  ] as (string | number)[][]) {
    assertError(await r(...cmd), wrong);
  }
  // Argument errors come before the type check, as in Redis.
  assertError(await r('ZADD', 'str', 'x', 'a'), 'ERR value is not a valid float');
  assertError(await r('ZRANGE', 'str', 'a', 'b'), 'ERR value is not an integer or out of range');
  assertError(await r('ZRANGEBYSCORE', 'str', 'a', 'b'), 'ERR min or max is not a float');
  assertError(await r('ZPOPMIN', 'str', 'x'), 'ERR value is out of range, must be positive');
  assertError(await r('ZRANDMEMBER', 'str', 'x'), 'ERR value is not an integer or out of range');
  assertError(await r('ZSCAN', 'str', 'x'), 'ERR invalid cursor');
  assert.equal(await r('GET', 'str'), 'x');
});
