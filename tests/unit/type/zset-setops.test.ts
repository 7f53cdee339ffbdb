/**
 * Wire tests of ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD, mirroring the set
 * algebra cases of Redis 7.0's tests/unit/type/zset.tcl, once per encoding. Plain sets as
 * inputs are exercised when the server has SADD (the set type lives in another module).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, OK, startTestServer, type RespClient, type Reply, type TestServer } from '../../helpers/server.js';

let srv: TestServer;
let c: RespClient;
let c3: RespClient;

before(async () => {
  srv = await startTestServer();
  c = await srv.client();
  c3 = await srv.client();
  await c3.call('HELLO', '3');
});

after(async () => {
  await srv.close();
});

const r = (...args: (string | number)[]): Promise<Reply> => c.call(...args);

async function setEncoding(encoding: string): Promise<void> {
  const small = encoding === 'listpack';
  assert.deepEqual(await r('CONFIG', 'SET', 'zset-max-listpack-entries', small ? 128 : 0), OK);
  assert.deepEqual(await r('CONFIG', 'SET', 'zset-max-listpack-value', small ? 64 : 0), OK);
}

async function haveSets(): Promise<boolean> {
  await r('DEL', '__probe');
  const reply = await r('SADD', '__probe', 'x');
  await r('DEL', '__probe');
  return reply === 1;
}

async function makeAB(): Promise<void> {
  await r('DEL', 'zseta{t}', 'zsetb{t}', 'zsetc{t}');
  await r('ZADD', 'zseta{t}', 1, 'a', 2, 'b', 3, 'c');
  await r('ZADD', 'zsetb{t}', 1, 'b', 2, 'c', 3, 'd');
}

for (const enc of ['listpack', 'skiplist'] as const) {
  test(`ZUNIONSTORE against non-existing key doesn't set destination - ${enc}`, async () => {
    await setEncoding(enc);
    await r('DEL', 'zseta{t}');
    assert.equal(await r('ZUNIONSTORE', 'dst_key{t}', 1, 'zseta{t}'), 0);
    assert.equal(await r('EXISTS', 'dst_key{t}'), 0);
  });

  test(`ZUNION/ZINTER/ZINTERCARD/ZDIFF against non-existing key - ${enc}`, async () => {
    await setEncoding(enc);
    await r('DEL', 'zseta');
    assert.deepEqual(await r('ZUNION', 1, 'zseta'), []);
    assert.deepEqual(await r('ZINTER', 1, 'zseta'), []);
    assert.equal(await r('ZINTERCARD', 1, 'zseta'), 0);
    assert.equal(await r('ZINTERCARD', 1, 'zseta', 'limit', 0), 0);
    assert.deepEqual(await r('ZDIFF', 1, 'zseta'), []);
  });

  test(`ZUNIONSTORE / ZUNION / ZINTER / ZDIFF with empty set - ${enc}`, async () => {
    await setEncoding(enc);
    await r('DEL', 'zseta{t}', 'zsetb{t}');
    await r('ZADD', 'zseta{t}', 1, 'a', 2, 'b');
    await r('ZUNIONSTORE', 'zsetc{t}', 2, 'zseta{t}', 'zsetb{t}');
    assert.deepEqual(await r('ZRANGE', 'zsetc{t}', 0, -1, 'withscores'), ['a', '1', 'b', '2']);
    assert.deepEqual(await r('ZUNION', 2, 'zseta{t}', 'zsetb{t}', 'withscores'), ['a', '1', 'b', '2']);
    assert.deepEqual(await r('ZINTER', 2, 'zseta{t}', 'zsetb{t}', 'withscores'), []);
    assert.equal(await r('ZINTERCARD', 2, 'zseta{t}', 'zsetb{t}'), 0);
    assert.equal(await r('ZINTERCARD', 2, 'zseta{t}', 'zsetb{t}', 'limit', 0), 0);
    assert.deepEqual(await r('ZDIFF', 2, 'zseta{t}', 'zsetb{t}', 'withscores'), ['a', '1', 'b', '2']);
  });

  test(`ZUNIONSTORE basics - ${enc}`, async () => {
    await setEncoding(enc);
    await makeAB();
    assert.equal(await r('ZUNIONSTORE', 'zsetc{t}', 2, 'zseta{t}', 'zsetb{t}'), 4);
    assert.deepEqual(await r('ZRANGE', 'zsetc{t}', 0, -1, 'withscores'), ['a', '1', 'b', '3', 'd', '3', 'c', '5']);
  });

  test(`ZUNION/ZINTER/ZINTERCARD/ZDIFF with integer members - ${enc}`, async () => {
    await setEncoding(enc);
    await r('DEL', 'zsetd{t}', 'zsetf{t}');
    await r('ZADD', 'zsetd{t}', 1, 1, 2, 2, 3, 3);
    await r('ZADD', 'zsetf{t}', 1, 1, 3, 3, 4, 4);
    assert.deepEqual(await r('ZUNION', 2, 'zsetd{t}', 'zsetf{t}', 'withscores'), ['1', '2', '2', '2', '4', '4', '3', '6']);
    assert.deepEqual(await r('ZINTER', 2, 'zsetd{t}', 'zsetf{t}', 'withscores'), ['1', '2', '3', '6']);
    assert.equal(await r('ZINTERCARD', 2, 'zsetd{t}', 'zsetf{t}'), 2);
    assert.equal(await r('ZINTERCARD', 2, 'zsetd{t}', 'zsetf{t}', 'limit', 0), 2);
    assert.deepEqual(await r('ZDIFF', 2, 'zsetd{t}', 'zsetf{t}', 'withscores'), ['2', '2']);
  });

  test(`ZUNIONSTORE / ZUNION / ZINTER with weights - ${enc}`, async () => {
    await setEncoding(enc);
    await makeAB();
    assert.equal(await r('ZUNIONSTORE', 'zsetc{t}', 2, 'zseta{t}', 'zsetb{t}', 'weights', 2, 3), 4);
    assert.deepEqual(await r('ZRANGE', 'zsetc{t}', 0, -1, 'withscores'), ['a', '2', 'b', '7', 'd', '9', 'c', '12']);
    assert.deepEqual(await r('ZUNION', 2, 'zseta{t}', 'zsetb{t}', 'weights', 2, 3, 'withscores'), ['a', '2', 'b', '7', 'd', '9', 'c', '12']);
    assert.deepEqual(await r('ZINTER', 2, 'zseta{t}', 'zsetb{t}', 'weights', 2, 3, 'withscores'), ['b', '7', 'c', '12']);
    assert.equal(await r('ZINTERSTORE', 'zsetc{t}', 2, 'zseta{t}', 'zsetb{t}', 'weights', 2, 3), 2);
    assert.deepEqual(await r('ZRANGE', 'zsetc{t}', 0, -1, 'withscores'), ['b', '7', 'c', '12']);
    assert.deepEqual(await r('ZUNION', 2, 'zseta{t}', 'zsetb{t}', 'weights', 2.5, 1, 'withscores'), ['a', '2.5', 'd', '3', 'b', '6', 'c', '9.5']);
  });

  test(`ZUNIONSTORE / ZUNION / ZINTER with AGGREGATE MIN and MAX - ${enc}`, async () => {
    await setEncoding(enc);
    await makeAB();
    assert.equal(await r('ZUNIONSTORE', 'zsetc{t}', 2, 'zseta{t}', 'zsetb{t}', 'aggregate', 'min'), 4);
    assert.deepEqual(await r('ZRANGE', 'zsetc{t}', 0, -1, 'withscores'), ['a', '1', 'b', '1', 'c', '2', 'd', '3']);
    assert.deepEqual(await r('ZUNION', 2, 'zseta{t}', 'zsetb{t}', 'aggregate', 'MiN', 'withscores'), ['a', '1', 'b', '1', 'c', '2', 'd', '3']);
    assert.deepEqual(await r('ZINTER', 2, 'zseta{t}', 'zsetb{t}', 'aggregate', 'min', 'withscores'), ['b', '1', 'c', '2']);
    assert.equal(await r('ZUNIONSTORE', 'zsetc{t}', 2, 'zseta{t}', 'zsetb{t}', 'aggregate', 'max'), 4);
    assert.deepEqual(await r('ZRANGE', 'zsetc{t}', 0, -1, 'withscores'), ['a', '1', 'b', '2', 'c', '3', 'd', '3']);
    assert.deepEqual(await r('ZUNION', 2, 'zseta{t}', 'zsetb{t}', 'aggregate', 'max', 'withscores'), ['a', '1', 'b', '2', 'c', '3', 'd', '3']);
    assert.deepEqual(await r('ZINTER', 2, 'zseta{t}', 'zsetb{t}', 'aggregate', 'max', 'withscores'), ['b', '2', 'c', '3']);
    assert.equal(await r('ZINTERSTORE', 'zsetc{t}', 2, 'zseta{t}', 'zsetb{t}', 'aggregate', 'min'), 2);
    assert.deepEqual(await r('ZRANGE', 'zsetc{t}', 0, -1, 'withscores'), ['b', '1', 'c', '2']);
    assert.equal(await r('ZINTERSTORE', 'zsetc{t}', 2, 'zseta{t}', 'zsetb{t}', 'aggregate', 'max'), 2);
    assert.deepEqual(await r('ZRANGE', 'zsetc{t}', 0, -1, 'withscores'), ['b', '2', 'c', '3']);
    // The last AGGREGATE wins.
    assert.deepEqual(await r('ZUNION', 2, 'zseta{t}', 'zsetb{t}', 'aggregate', 'min', 'aggregate', 'max', 'withscores'), ['a', '1', 'b', '2', 'c', '3', 'd', '3']);
  });

  test(`ZINTERSTORE / ZINTER basics and RESP3 - ${enc}`, async () => {
    await setEncoding(enc);
    await makeAB();
    assert.equal(await r('ZINTERSTORE', 'zsetc{t}', 2, 'zseta{t}', 'zsetb{t}'), 2);
    assert.deepEqual(await r('ZRANGE', 'zsetc{t}', 0, -1, 'withscores'), ['b', '3', 'c', '5']);
    assert.deepEqual(await r('ZINTER', 2, 'zseta{t}', 'zsetb{t}', 'withscores'), ['b', '3', 'c', '5']);
    assert.deepEqual(await r('ZINTER', 2, 'zseta{t}', 'zsetb{t}'), ['b', 'c']);
    assert.deepEqual(await c3.call('ZINTER', 2, 'zseta{t}', 'zsetb{t}', 'withscores'), [['b', { double: '3' }], ['c', { double: '5' }]]);
    assert.deepEqual(await c3.call('ZUNION', 2, 'zseta{t}', 'zsetb{t}', 'withscores'), [
      ['a', { double: '1' }], ['b', { double: '3' }], ['d', { double: '3' }], ['c', { double: '5' }],
    ]);
    assert.deepEqual(await c3.call('ZDIFF', 2, 'zseta{t}', 'zsetb{t}', 'withscores'), [['a', { double: '1' }]]);
    assert.deepEqual(await c3.call('ZUNION', 2, 'zseta{t}', 'zsetb{t}'), ['a', 'b', 'd', 'c']);
  });

  test(`ZINTERCARD basics - ${enc}`, async () => {
    await setEncoding(enc);
    await makeAB();
    assert.equal(await r('ZINTERCARD', 2, 'zseta{t}', 'zsetb{t}'), 2);
    assert.equal(await r('ZINTERCARD', 2, 'zseta{t}', 'zsetb{t}', 'limit', 0), 2);
    assert.equal(await r('ZINTERCARD', 2, 'zseta{t}', 'zsetb{t}', 'limit', 1), 1);
    assert.equal(await r('ZINTERCARD', 2, 'zseta{t}', 'zsetb{t}', 'limit', 10), 2);
    assert.equal(await r('ZINTERCARD', 1, 'zseta{t}', 'limit', 1, 'limit', 2), 2);
  });

  for (const cmd of ['ZUNIONSTORE', 'ZINTERSTORE']) {
    test(`${cmd} with +inf/-inf scores - ${enc}`, async () => {
      await setEncoding(enc);
      await r('DEL', 'zsetinf1{t}', 'zsetinf2{t}');
      const pairs: [string, string, string][] = [['+inf', '+inf', 'inf'], ['-inf', '+inf', '0'], ['+inf', '-inf', '0'], ['-inf', '-inf', '-inf']];
      for (const [a, b, want] of pairs) {
        await r('ZADD', 'zsetinf1{t}', a, 'key');
        await r('ZADD', 'zsetinf2{t}', b, 'key');
        await r(cmd, 'zsetinf3{t}', 2, 'zsetinf1{t}', 'zsetinf2{t}');
        assert.equal(await r('ZSCORE', 'zsetinf3{t}', 'key'), want);
      }
    });

    test(`${cmd} with NaN weights - ${enc}`, async () => {
      await setEncoding(enc);
      await r('DEL', 'zsetinf1{t}', 'zsetinf2{t}');
      await r('ZADD', 'zsetinf1{t}', '1.0', 'key');
      await r('ZADD', 'zsetinf2{t}', '1.0', 'key');
      assertError(await r(cmd, 'zsetinf3{t}', 2, 'zsetinf1{t}', 'zsetinf2{t}', 'weights', 'nan', 'nan'), 'ERR weight value is not a float');
    });
  }

  test(`ZDIFFSTORE / ZDIFF basics and subtracting a set from itself - ${enc}`, async () => {
    await setEncoding(enc);
    await makeAB();
    assert.equal(await r('ZDIFFSTORE', 'zsetc{t}', 2, 'zseta{t}', 'zsetb{t}'), 1);
    assert.deepEqual(await r('ZRANGE', 'zsetc{t}', 0, -1, 'withscores'), ['a', '1']);
    assert.deepEqual(await r('ZDIFF', 2, 'zseta{t}', 'zsetb{t}', 'withscores'), ['a', '1']);
    assert.equal(await r('ZDIFFSTORE', 'zsetc{t}', 2, 'zseta{t}', 'zseta{t}'), 0);
    assert.deepEqual(await r('ZRANGE', 'zsetc{t}', 0, -1, 'withscores'), []);
    assert.equal(await r('EXISTS', 'zsetc{t}'), 0);
  });

  test(`ZDIFF algorithm 2 - ${enc}`, async () => {
    await setEncoding(enc);
    await r('DEL', 'zseta{t}', 'zsetb{t}', 'zsetc{t}', 'zsetd{t}', 'zsete{t}');
    await r('ZADD', 'zseta{t}', 1, 'a', 2, 'b', 3, 'c', 5, 'e');
    await r('ZADD', 'zsetb{t}', 1, 'b');
    await r('ZADD', 'zsetc{t}', 1, 'c');
    await r('ZADD', 'zsetd{t}', 1, 'd');
    assert.equal(await r('ZDIFFSTORE', 'zsete{t}', 4, 'zseta{t}', 'zsetb{t}', 'zsetc{t}', 'zsetd{t}'), 2);
    assert.deepEqual(await r('ZRANGE', 'zsete{t}', 0, -1, 'withscores'), ['a', '1', 'e', '5']);
  });

  test(`ZDIFF fuzzing - ${enc}`, async () => {
    await setEncoding(enc);
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let j = 0; j < 30; j++) {
      const expected = new Set<string>();
      const keys: string[] = [];
      const numSets = rand(10) + 1;
      for (let i = 0; i < numSets; i++) {
        const key = `zset_${i}{t}`;
        await r('DEL', key);
        keys.push(key);
        for (let n = rand(100); n > 0; n--) {
          const ele = String(rand(150));
          await r('ZADD', key, rand(100), ele);
          if (i === 0) expected.add(ele);
          else expected.delete(ele);
        }
      }
      const got = (await r('ZDIFF', keys.length, ...keys)) as string[];
      assert.deepEqual([...got].sort(), [...expected].sort());
    }
  });

  test(`ZUNIONSTORE / ZINTERSTORE / ZDIFFSTORE with a regular set - ${enc}`, async (t) => {
    if (!(await haveSets())) {
      t.skip('SADD is not available');
      return;
    }
    await setEncoding(enc);
    await makeAB();
    await r('DEL', 'seta{t}');
    await r('SADD', 'seta{t}', 'a', 'b', 'c');
    assert.equal(await r('ZUNIONSTORE', 'zsetc{t}', 2, 'seta{t}', 'zsetb{t}', 'weights', 2, 3), 4);
    assert.deepEqual(await r('ZRANGE', 'zsetc{t}', 0, -1, 'withscores'), ['a', '2', 'b', '5', 'c', '8', 'd', '9']);
    assert.equal(await r('ZINTERSTORE', 'zsetc{t}', 2, 'seta{t}', 'zsetb{t}', 'weights', 2, 3), 2);
    assert.deepEqual(await r('ZRANGE', 'zsetc{t}', 0, -1, 'withscores'), ['b', '5', 'c', '8']);
    assert.equal(await r('ZDIFFSTORE', 'zsetc{t}', 2, 'seta{t}', 'zsetb{t}'), 1);
    assert.deepEqual(await r('ZRANGE', 'zsetc{t}', 0, -1, 'withscores'), ['a', '1']);
  });
}

test('ZINTERSTORE regression with two sets, intset+hashtable / #516 mixed sets and listpack zsets', async (t) => {
  if (!(await haveSets())) {
    t.skip('SADD is not available');
    return;
  }
  await r('DEL', 'set1{t}', 'set2{t}', 'one{t}', 'two{t}', 'three{t}');
  await r('SADD', 'set1{t}', 'a');
  await r('SADD', 'set2{t}', 10);
  assert.equal(await r('ZINTERSTORE', 'set3{t}', 2, 'set1{t}', 'set2{t}'), 0);
  await r('SADD', 'one{t}', 100, 101, 102, 103);
  await r('SADD', 'two{t}', 100, 200, 201, 202);
  await r('ZADD', 'three{t}', 1, 500, 1, 501, 1, 502, 1, 503, 1, 100);
  await r('ZINTERSTORE', 'to_here{t}', 3, 'one{t}', 'two{t}', 'three{t}', 'WEIGHTS', 0, 0, 1);
  assert.deepEqual(await r('ZRANGE', 'to_here{t}', 0, -1), ['100']);
  assert.deepEqual(await r('ZINTERCARD', 2, 'one{t}', 'two{t}'), 1);
});

test('ZUNIONSTORE regression, should not create NaN in scores', async () => {
  await r('DEL', 'z{t}');
  await r('ZADD', 'z{t}', '-inf', 'neginf');
  await r('ZUNIONSTORE', 'out{t}', 1, 'z{t}', 'weights', 0);
  assert.deepEqual(await r('ZRANGE', 'out{t}', 0, -1, 'withscores'), ['neginf', '0']);
});

test('ZUNIONSTORE result is sorted', async () => {
  await r('DEL', 'one{t}', 'two{t}', 'dest{t}');
  const a1: (string | number)[] = ['ZADD', 'one{t}'];
  const a2: (string | number)[] = ['ZADD', 'two{t}'];
  for (let j = 0; j < 1000; j++) {
    a1.push(String(Math.random()), Math.floor(Math.random() * 1000));
    a2.push(String(Math.random()), Math.floor(Math.random() * 1000));
  }
  await r(...a1);
  await r(...a2);
  assert.ok(((await r('ZCARD', 'one{t}')) as number) > 100);
  await r('ZUNIONSTORE', 'dest{t}', 2, 'one{t}', 'two{t}');
  const res = (await r('ZRANGE', 'dest{t}', 0, -1, 'WITHSCORES')) as string[];
  let old = -Infinity;
  for (let i = 1; i < res.length; i += 2) {
    assert.ok(Number(res[i]) >= old);
    old = Number(res[i]);
  }
});

test('ZUNIONSTORE/ZINTERSTORE/ZDIFFSTORE error if using WITHSCORES', async () => {
  for (const cmd of ['ZUNIONSTORE', 'ZINTERSTORE', 'ZDIFFSTORE']) {
    assertError(await r(cmd, 'foo{t}', 2, 'zsetd{t}', 'zsetf{t}', 'withscores'), 'ERR syntax error');
  }
});

test('zunionInterDiffGenericCommand at least 1 input key', async () => {
  for (const [cmd, ...args] of [['zunion', 0, 'key{t}'], ['zunionstore', 'dst_key{t}', 0, 'key{t}'], ['zinter', 0, 'key{t}'],
    ['zinterstore', 'dst_key{t}', 0, 'key{t}'], ['zdiff', 0, 'key{t}'], ['zdiffstore', 'dst_key{t}', 0, 'key{t}'], ['zintercard', -1, 'key{t}']]) {
    assertError(await r(cmd as string, ...args), `ERR at least 1 input key is needed for '${cmd}' command`);
  }
});

test('ZUNION family argument errors', async () => {
  await makeAB();
  assertError(await r('ZUNION', 'abc', 'zseta{t}'), 'ERR value is not an integer or out of range');
  for (const args of [[3, 'zseta{t}', 'zsetb{t}'], [1, 'zseta{t}', 'weights'], [2, 'zseta{t}', 'zsetb{t}', 'weights', 1],
    [2, 'zseta{t}', 'zsetb{t}', 'weights', 1, 2, 3], [2, 'zseta{t}', 'zsetb{t}', 'aggregate'], [2, 'zseta{t}', 'zsetb{t}', 'aggregate', 'avg'],
    ['2147483648', 'zseta{t}'], ['9223372036854775807', 'zseta{t}']]) {
    assertError(await r('ZUNION', ...args), 'ERR syntax error');
  }
  assertError(await r('ZUNION', 2, 'zseta{t}', 'zsetb{t}', 'weights', 1, 'x'), 'ERR weight value is not a float');
  assertError(await r('ZUNION', 2, 'zseta{t}', 'zsetb{t}', 'weights', '1e400', 1), 'ERR weight value is not a float');
  assertError(await r('ZDIFF', 2, 'zseta{t}', 'zsetb{t}', 'weights', 1, 2), 'ERR syntax error');
  assertError(await r('ZDIFF', 2, 'zseta{t}', 'zsetb{t}', 'aggregate', 'min'), 'ERR syntax error');
  // Key types are checked before the options.
  await r('SET', 'str{t}', 'x');
  assertError(await r('ZUNION', 2, 'zseta{t}', 'str{t}', 'weights', 'x'), 'WRONGTYPE Operation against a key holding the wrong kind of value');
  assertError(await r('ZINTER', 2, 'nokey{t}', 'str{t}'), 'WRONGTYPE Operation against a key holding the wrong kind of value');
  assertError(await r('ZINTERCARD', 2, 'nokey{t}', 'str{t}'), 'WRONGTYPE Operation against a key holding the wrong kind of value');
  assertError(await r('ZUNIONSTORE', 'd{t}', 1, 'str{t}'), 'WRONGTYPE Operation against a key holding the wrong kind of value');
});

test('ZINTERCARD with illegal arguments', async () => {
  assertError(await r('ZINTERCARD', 1, 'zseta{t}', 'zseta{t}'), 'ERR syntax error');
  assertError(await r('ZINTERCARD', 1, 'zseta{t}', 'bar_arg'), 'ERR syntax error');
  assertError(await r('ZINTERCARD', 1, 'zseta{t}', 'LIMIT'), 'ERR syntax error');
  assertError(await r('ZINTERCARD', 1, 'myset{t}', 'LIMIT', -1), "ERR LIMIT can't be negative");
  assertError(await r('ZINTERCARD', 1, 'myset{t}', 'LIMIT', 'a'), "ERR LIMIT can't be negative");
  assertError(await r('ZINTERCARD', 'abc', 'myset{t}'), 'ERR value is not an integer or out of range');
});

test('Z*STORE results are encoded by size and replace any destination', async () => {
  await r('CONFIG', 'SET', 'zset-max-listpack-entries', 2);
  await r('CONFIG', 'SET', 'zset-max-listpack-value', 3);
  await r('DEL', 'big{t}', 'small{t}', 'long{t}');
  await r('ZADD', 'big{t}', 1, 'a', 2, 'b', 3, 'c');
  assert.equal(await r('OBJECT', 'ENCODING', 'big{t}'), 'skiplist');
  await r('ZREM', 'big{t}', 'c');
  assert.equal(await r('OBJECT', 'ENCODING', 'big{t}'), 'skiplist');
  // A store result of a skiplist input can be small enough for a listpack.
  assert.equal(await r('ZUNIONSTORE', 'small{t}', 1, 'big{t}'), 2);
  assert.equal(await r('OBJECT', 'ENCODING', 'small{t}'), 'listpack');
  await r('ZADD', 'long{t}', 1, 'abcd');
  assert.equal(await r('ZUNIONSTORE', 'small{t}', 1, 'long{t}'), 1);
  assert.equal(await r('OBJECT', 'ENCODING', 'small{t}'), 'skiplist');
  await r('SET', 'dst{t}', 'string');
  await r('PEXPIRE', 'dst{t}', 100000);
  assert.equal(await r('ZINTERSTORE', 'dst{t}', 1, 'big{t}'), 2);
  assert.equal(await r('TYPE', 'dst{t}').then((v) => (v as { status: string }).status), 'zset');
  assert.equal(await r('TTL', 'dst{t}'), -1);
  await r('CONFIG', 'SET', 'zset-max-listpack-entries', 128);
  await r('CONFIG', 'SET', 'zset-max-listpack-value', 64);
});

test('zunionInterDiffGenericCommand acts on SET and ZSET', async (t) => {
  if (!(await haveSets())) {
    t.skip('SADD is not available');
    return;
  }
  for (const setType of ['intset', 'hashtable']) {
    await r('CONFIG', 'SET', 'set-max-intset-entries', setType === 'intset' ? 512 : 0);
    await r('DEL', 'set_small{t}', 'set_big{t}');
    await r('SADD', 'set_small{t}', 1, 2, 3);
    await r('SADD', 'set_big{t}', 1, 2, 3, 4, 5);
    assert.equal(await r('OBJECT', 'ENCODING', 'set_small{t}'), setType);
    for (const zsetType of ['listpack', 'skiplist']) {
      await r('CONFIG', 'SET', 'zset-max-listpack-entries', zsetType === 'listpack' ? 128 : 0);
      await r('DEL', 'zset_small{t}', 'zset_big{t}');
      await r('ZADD', 'zset_small{t}', 1, 1, 2, 2, 3, 3);
      await r('ZADD', 'zset_big{t}', 1, 1, 2, 2, 3, 3, 4, 4, 5, 5);
      assert.equal(await r('OBJECT', 'ENCODING', 'zset_small{t}'), zsetType);
      // One big and one small input each way round: the inputs are visited smallest first.
      for (const [smallOrBig, setKey, zsetKey] of [['small', 'set_small{t}', 'zset_big{t}'], ['big', 'set_big{t}', 'zset_small{t}']] as const) {
        assert.deepEqual([...((await r('ZUNION', 2, setKey, zsetKey)) as string[])].sort(), ['1', '2', '3', '4', '5']);
        assert.equal(await r('ZUNIONSTORE', 'zset_dest{t}', 2, setKey, zsetKey), 5);
        assert.deepEqual([...((await r('ZINTER', 2, setKey, zsetKey)) as string[])].sort(), ['1', '2', '3']);
        assert.equal(await r('ZINTERSTORE', 'zset_dest{t}', 2, setKey, zsetKey), 3);
        assert.equal(await r('ZINTERCARD', 2, setKey, zsetKey), 3);
        if (smallOrBig === 'small') {
          assert.deepEqual(await r('ZDIFF', 2, setKey, zsetKey), []);
          assert.equal(await r('ZDIFFSTORE', 'zset_dest{t}', 2, setKey, zsetKey), 0);
        } else {
          assert.deepEqual([...((await r('ZDIFF', 2, setKey, zsetKey)) as string[])].sort(), ['4', '5']);
          assert.equal(await r('ZDIFFSTORE', 'zset_dest{t}', 2, setKey, zsetKey), 2);
        }
      }
    }
  }
  await r('CONFIG', 'SET', 'set-max-intset-entries', 512);
  await r('CONFIG', 'SET', 'zset-max-listpack-entries', 128);
});
