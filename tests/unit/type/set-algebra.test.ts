/**
 * Wire tests of the set algebra commands (SINTER SINTERCARD SUNION SDIFF and the STORE forms),
 * the corresponding part of Redis 7.0's tests/unit/type/set.tcl, run over both encodings, with
 * exact errors and the encodings of stored results. The rest of set.tcl is in set.test.ts.
 * Expected values are what redis-server 7.0.15 answers.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, startTestServer, type RespClient, type Reply, type TestServer } from '../../helpers/server.js';

let srv: TestServer;
let c: RespClient;

before(async () => {
  srv = await startTestServer({ 'set-max-intset-entries': 512 });
  c = await srv.client();
});

after(async () => {
  await srv.close();
});

const r = (...args: (string | number | Buffer)[]): Promise<Reply> => c.call(...args);

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
const rand = rng(8080);
const randInt = (n: number): number => Math.floor(rand() * n);

function randomValue(): string {
  switch (randInt(4)) {
    case 0:
      return String(randInt(2000) - 1000);
    case 1:
      return String(randInt(4000000000) - 2000000000);
    case 2:
      return String(randInt(2000000000000) - 1000000000000);
    default: {
      let s = '';
      const len = randInt(257);
      const kind = randInt(3);
      for (let i = 0; i < len; i++) s += String.fromCharCode(kind === 0 ? 97 + randInt(26) : kind === 1 ? 48 + randInt(10) : randInt(256));
      return s;
    }
  }
}

async function encoding(key: string): Promise<Reply> {
  return r('OBJECT', 'ENCODING', key);
}

const sorted = (a: Reply): string[] => [...(a as string[])].sort();
const numSorted = (a: readonly (string | number)[]): string[] => a.map(String).sort();

test('SINTERCARD with illegal arguments', async () => {
  assertError(await r('SINTERCARD'), "ERR wrong number of arguments for 'sintercard' command");
  assertError(await r('SINTERCARD', '1'), "ERR wrong number of arguments for 'sintercard' command");
  assertError(await r('SINTERCARD', '0', 'myset{t}'), 'ERR numkeys should be greater than 0');
  assertError(await r('SINTERCARD', 'a', 'myset{t}'), 'ERR numkeys should be greater than 0');
  assertError(await r('SINTERCARD', '99999999999999999999', 'myset{t}'), 'ERR numkeys should be greater than 0');
  assertError(await r('SINTERCARD', '2', 'myset{t}'), "ERR Number of keys can't be greater than number of args");
  assertError(await r('SINTERCARD', '3', 'myset{t}', 'myset2{t}'), "ERR Number of keys can't be greater than number of args");
  assertError(await r('SINTERCARD', '1', 'myset{t}', 'myset2{t}'), 'ERR syntax error');
  assertError(await r('SINTERCARD', '1', 'myset{t}', 'bar_arg'), 'ERR syntax error');
  assertError(await r('SINTERCARD', '1', 'myset{t}', 'LIMIT'), 'ERR syntax error');
  assertError(await r('SINTERCARD', '1', 'myset{t}', 'LIMIT', '-1'), "ERR LIMIT can't be negative");
  assertError(await r('SINTERCARD', '1', 'myset{t}', 'LIMIT', 'a'), "ERR LIMIT can't be negative");
});

test('COMMAND GETKEYS of SINTERCARD and the other multi-key set commands', async () => {
  assert.deepEqual(await r('COMMAND', 'GETKEYS', 'SINTERCARD', '2', 'a', 'b', 'LIMIT', '1'), ['a', 'b']);
  assertError(await r('COMMAND', 'GETKEYS', 'SINTERCARD', '3', 'a', 'b'), 'ERR Invalid arguments specified for command');
  assertError(await r('COMMAND', 'GETKEYS', 'SINTERCARD', '0', 'a'), 'ERR Invalid arguments specified for command');
  assert.deepEqual(await r('COMMAND', 'GETKEYS', 'SMOVE', 'a', 'b', 'm'), ['a', 'b']);
  assert.deepEqual(await r('COMMAND', 'GETKEYS', 'SINTERSTORE', 'd', 'a', 'b'), ['d', 'a', 'b']);
  assert.deepEqual(await r('COMMAND', 'GETKEYS', 'SDIFF', 'a', 'b', 'c'), ['a', 'b', 'c']);
});

test('SINTERCARD against non-set should throw error', async () => {
  await r('DEL', 'set{t}');
  await r('SADD', 'set{t}', 'a', 'b', 'c');
  await r('SET', 'key1{t}', 'x');
  assertError(await r('SINTERCARD', '1', 'key1{t}'), 'WRONGTYPE*');
  assertError(await r('SINTERCARD', '2', 'set{t}', 'key1{t}'), 'WRONGTYPE*');
  assertError(await r('SINTERCARD', '2', 'key1{t}', 'noset{t}'), 'WRONGTYPE*');
  assertError(await r('SINTERCARD', '2', 'noset{t}', 'key1{t}'), 'WRONGTYPE*');
});

test('SINTERCARD against non-existing key', async () => {
  assert.equal(await r('SINTERCARD', '1', 'non-existing-key'), 0);
  assert.equal(await r('SINTERCARD', '1', 'non-existing-key', 'limit', '0'), 0);
  assert.equal(await r('SINTERCARD', '1', 'non-existing-key', 'limit', '10'), 0);
  // The last LIMIT wins.
  await r('DEL', 'lim');
  await r('SADD', 'lim', 'a', 'b', 'c');
  assert.equal(await r('SINTERCARD', '1', 'lim', 'limit', '1', 'LIMIT', '2'), 2);
});

for (const type of ['hashtable', 'intset'] as const) {
  const large = type === 'hashtable' ? 'foo' : '200';
  test(`Generated sets must be encoded as ${type}`, async () => {
    await r('DEL', 'set1{t}', 'set2{t}', 'set3{t}', 'set4{t}', 'set5{t}');
    const cmds: (string | number)[][] = [];
    for (let i = 0; i < 200; i++) cmds.push(['SADD', 'set1{t}', i], ['SADD', 'set2{t}', i + 195]);
    for (const i of [199, 195, 1000, 2000]) cmds.push(['SADD', 'set3{t}', i]);
    for (let i = 5; i < 200; i++) cmds.push(['SADD', 'set4{t}', i]);
    cmds.push(['SADD', 'set5{t}', 0]);
    for (let i = 1; i <= 5; i++) cmds.push(['SADD', `set${i}{t}`, large]);
    await c.pipeline(cmds);
    for (let i = 1; i <= 5; i++) assert.equal(await encoding(`set${i}{t}`), type);
  });

  test(`SINTER with two sets - ${type}`, async () => {
    assert.deepEqual(sorted(await r('SINTER', 'set1{t}', 'set2{t}')), numSorted([195, 196, 197, 198, 199, large]));
  });

  test(`SINTERCARD with two sets - ${type}`, async () => {
    assert.equal(await r('SINTERCARD', '2', 'set1{t}', 'set2{t}'), 6);
    assert.equal(await r('SINTERCARD', '2', 'set1{t}', 'set2{t}', 'limit', '0'), 6);
    assert.equal(await r('SINTERCARD', '2', 'set1{t}', 'set2{t}', 'limit', '3'), 3);
    assert.equal(await r('SINTERCARD', '2', 'set1{t}', 'set2{t}', 'limit', '10'), 6);
  });

  test(`SINTERSTORE with two sets - ${type}`, async () => {
    assert.equal(await r('SINTERSTORE', 'setres{t}', 'set1{t}', 'set2{t}'), 6);
    assert.equal(await encoding('setres{t}'), type);
    assert.deepEqual(sorted(await r('SMEMBERS', 'setres{t}')), numSorted([195, 196, 197, 198, 199, large]));
  });

  test(`SUNION with two sets - ${type}`, async () => {
    const expected = [...new Set([...((await r('SMEMBERS', 'set1{t}')) as string[]), ...((await r('SMEMBERS', 'set2{t}')) as string[])])].sort();
    assert.deepEqual(sorted(await r('SUNION', 'set1{t}', 'set2{t}')), expected);
  });

  test(`SUNIONSTORE with two sets - ${type}`, async () => {
    await r('SUNIONSTORE', 'setres{t}', 'set1{t}', 'set2{t}');
    // 395 members: past set-max-intset-entries? No (512), so an intset union stays an intset.
    assert.equal(await encoding('setres{t}'), type);
    const expected = [...new Set([...((await r('SMEMBERS', 'set1{t}')) as string[]), ...((await r('SMEMBERS', 'set2{t}')) as string[])])].sort();
    assert.deepEqual(sorted(await r('SMEMBERS', 'setres{t}')), expected);
  });

  test(`SINTER against three sets - ${type}`, async () => {
    assert.deepEqual(sorted(await r('SINTER', 'set1{t}', 'set2{t}', 'set3{t}')), numSorted([195, 199, large]));
  });

  test(`SINTERCARD against three sets - ${type}`, async () => {
    assert.equal(await r('SINTERCARD', '3', 'set1{t}', 'set2{t}', 'set3{t}'), 3);
    assert.equal(await r('SINTERCARD', '3', 'set1{t}', 'set2{t}', 'set3{t}', 'limit', '0'), 3);
    assert.equal(await r('SINTERCARD', '3', 'set1{t}', 'set2{t}', 'set3{t}', 'limit', '2'), 2);
    assert.equal(await r('SINTERCARD', '3', 'set1{t}', 'set2{t}', 'set3{t}', 'limit', '10'), 3);
  });

  test(`SINTERSTORE with three sets - ${type}`, async () => {
    await r('SINTERSTORE', 'setres{t}', 'set1{t}', 'set2{t}', 'set3{t}');
    assert.deepEqual(sorted(await r('SMEMBERS', 'setres{t}')), numSorted([195, 199, large]));
  });

  test(`SUNION with non existing keys - ${type}`, async () => {
    const expected = [...new Set([...((await r('SMEMBERS', 'set1{t}')) as string[]), ...((await r('SMEMBERS', 'set2{t}')) as string[])])].sort();
    assert.deepEqual(sorted(await r('SUNION', 'nokey1{t}', 'set1{t}', 'set2{t}', 'nokey2{t}')), expected);
  });

  test(`SDIFF with two sets - ${type}`, async () => {
    assert.deepEqual(sorted(await r('SDIFF', 'set1{t}', 'set4{t}')), ['0', '1', '2', '3', '4']);
  });

  test(`SDIFF with three sets - ${type}`, async () => {
    assert.deepEqual(sorted(await r('SDIFF', 'set1{t}', 'set4{t}', 'set5{t}')), ['1', '2', '3', '4']);
  });

  test(`SDIFFSTORE with three sets - ${type}`, async () => {
    await r('SDIFFSTORE', 'setres{t}', 'set1{t}', 'set4{t}', 'set5{t}');
    // Results of integers are built as intsets, whatever the sources' encodings.
    assert.equal(await encoding('setres{t}'), 'intset');
    assert.deepEqual(await r('SMEMBERS', 'setres{t}'), ['1', '2', '3', '4']);
  });

  test(`SINTER/SUNION/SDIFF with three same sets - ${type}`, async () => {
    const expected = sorted(await r('SMEMBERS', 'set1{t}'));
    assert.deepEqual(sorted(await r('SINTER', 'set1{t}', 'set1{t}', 'set1{t}')), expected);
    assert.deepEqual(sorted(await r('SUNION', 'set1{t}', 'set1{t}', 'set1{t}')), expected);
    assert.deepEqual(await r('SDIFF', 'set1{t}', 'set1{t}', 'set1{t}'), []);
  });
}

test('SDIFF with first set empty', async () => {
  await r('DEL', 'set1{t}', 'set2{t}', 'set3{t}');
  await r('SADD', 'set2{t}', '1', '2', '3', '4');
  await r('SADD', 'set3{t}', 'a', 'b', 'c', 'd');
  assert.deepEqual(await r('SDIFF', 'set1{t}', 'set2{t}', 'set3{t}'), []);
});

test('SDIFF with same set two times', async () => {
  await r('DEL', 'set1');
  await r('SADD', 'set1', 'a', 'b', 'c', '1', '2', '3', '4', '5', '6');
  assert.deepEqual(await r('SDIFF', 'set1', 'set1'), []);
});

test('SDIFF fuzzing', async () => {
  for (let j = 0; j < 100; j++) {
    const s = new Set<string>();
    const args: string[] = [];
    const numSets = randInt(10) + 1;
    for (let i = 0; i < numSets; i++) {
      let n = randInt(100);
      await r('DEL', `set_${i}{t}`);
      args.push(`set_${i}{t}`);
      const cmds: string[][] = [];
      while (n--) {
        const ele = randomValue();
        cmds.push(['SADD', `set_${i}{t}`, ele]);
        if (i === 0) s.add(ele);
        else s.delete(ele);
      }
      if (cmds.length > 0) await c.pipeline(cmds);
    }
    assert.deepEqual(sorted(await r('SDIFF', ...args)), [...s].sort());
  }
});

for (const cmd of ['SDIFF', 'SINTER', 'SUNION'] as const) {
  test(`${cmd} against non-set should throw error`, async () => {
    await r('SET', 'key1{t}', 'x');
    assertError(await r(cmd, 'key1{t}', 'noset{t}'), 'WRONGTYPE*');
    assertError(await r(cmd, 'noset{t}', 'key1{t}'), 'WRONGTYPE*');
    await r('DEL', 'set1{t}');
    await r('SADD', 'set1{t}', 'a', 'b', 'c');
    assertError(await r(cmd, 'key1{t}', 'set1{t}'), 'WRONGTYPE*');
    assertError(await r(cmd, 'set1{t}', 'key1{t}'), 'WRONGTYPE*');
  });

  test(`${cmd}STORE against non-set should throw error`, async () => {
    await r('DEL', 'set1{t}', 'set2{t}', 'set3{t}', 'key1{t}');
    await r('SET', 'key1{t}', 'x');
    assertError(await r(`${cmd}STORE`, 'set3{t}', 'key1{t}', 'noset{t}'), 'WRONGTYPE*');
    assert.equal(await r('EXISTS', 'set3{t}'), 0);
    assertError(await r(`${cmd}STORE`, 'set3{t}', 'noset{t}', 'key1{t}'), 'WRONGTYPE*');
    assert.equal(await r('EXISTS', 'set3{t}'), 0);
    await r('SADD', 'set1{t}', 'a', 'b', 'c');
    await r('SADD', 'set2{t}', 'b', 'c', 'd');
    await r('SADD', 'set3{t}', 'e');
    assertError(await r(`${cmd}STORE`, 'set3{t}', 'key1{t}', 'set1{t}', 'noset{t}'), 'WRONGTYPE*');
    assert.deepEqual(await r('SMEMBERS', 'set3{t}'), ['e']);
    assertError(await r(`${cmd}STORE`, 'set3{t}', 'set1{t}', 'key1{t}', 'set2{t}'), 'WRONGTYPE*');
    assert.deepEqual(await r('SMEMBERS', 'set3{t}'), ['e']);
  });
}

test('SDIFF should handle non existing key as empty', async () => {
  await r('DEL', 'set1{t}', 'set2{t}', 'set3{t}');
  await r('SADD', 'set1{t}', 'a', 'b', 'c');
  await r('SADD', 'set2{t}', 'b', 'c', 'd');
  assert.deepEqual(await r('SDIFF', 'set1{t}', 'set2{t}', 'set3{t}'), ['a']);
  assert.deepEqual(await r('SDIFF', 'set3{t}', 'set2{t}', 'set1{t}'), []);
});

test('SDIFFSTORE should handle non existing key as empty', async () => {
  await r('DEL', 'set1{t}', 'set2{t}', 'set3{t}');
  await r('SET', 'setres{t}', 'xxx');
  assert.equal(await r('SDIFFSTORE', 'setres{t}', 'foo111{t}', 'bar222{t}'), 0);
  assert.equal(await r('EXISTS', 'setres{t}'), 0);
  await r('SADD', 'set3{t}', 'a', 'b', 'c');
  assert.equal(await r('SDIFFSTORE', 'set3{t}', 'set1{t}', 'set2{t}'), 0);
  assert.equal(await r('EXISTS', 'set3{t}'), 0);
  await r('SADD', 'set1{t}', 'a', 'b', 'c');
  assert.equal(await r('SDIFFSTORE', 'set3{t}', 'set1{t}', 'set2{t}'), 3);
  assert.deepEqual(sorted(await r('SMEMBERS', 'set3{t}')), ['a', 'b', 'c']);
  await r('SADD', 'set3{t}', 'a', 'b', 'c');
  assert.equal(await r('SDIFFSTORE', 'set3{t}', 'set2{t}', 'set1{t}'), 0);
  assert.equal(await r('EXISTS', 'set3{t}'), 0);
});

test('SINTER should handle non existing key as empty', async () => {
  await r('DEL', 'set1{t}', 'set2{t}', 'set3{t}');
  await r('SADD', 'set1{t}', 'a', 'b', 'c');
  await r('SADD', 'set2{t}', 'b', 'c', 'd');
  assert.deepEqual(await r('SINTER', 'set1{t}', 'set2{t}', 'set3{t}'), []);
});

test('SINTER with same integer elements but different encoding', async () => {
  await r('DEL', 'set1{t}', 'set2{t}');
  await r('SADD', 'set1{t}', '1', '2', '3');
  await r('SADD', 'set2{t}', '1', '2', '3', 'a');
  await r('SREM', 'set2{t}', 'a');
  assert.equal(await encoding('set1{t}'), 'intset');
  assert.equal(await encoding('set2{t}'), 'hashtable');
  assert.deepEqual(sorted(await r('SINTER', 'set1{t}', 'set2{t}')), ['1', '2', '3']);
});

test('SINTERSTORE against non existing keys should delete dstkey', async () => {
  await r('DEL', 'set1{t}', 'set2{t}', 'set3{t}');
  await r('SET', 'setres{t}', 'xxx');
  assert.equal(await r('SINTERSTORE', 'setres{t}', 'foo111{t}', 'bar222{t}'), 0);
  assert.equal(await r('EXISTS', 'setres{t}'), 0);
  await r('SADD', 'set3{t}', 'a', 'b', 'c');
  assert.equal(await r('SINTERSTORE', 'set3{t}', 'set1{t}', 'set2{t}'), 0);
  assert.equal(await r('EXISTS', 'set3{t}'), 0);
  await r('SADD', 'set1{t}', 'a', 'b', 'c');
  assert.equal(await r('SINTERSTORE', 'set3{t}', 'set1{t}', 'set2{t}'), 0);
  assert.equal(await r('EXISTS', 'set3{t}'), 0);
  assert.equal(await r('SINTERSTORE', 'set3{t}', 'set2{t}', 'set1{t}'), 0);
  assert.equal(await r('EXISTS', 'set3{t}'), 0);
});

test('SUNION should handle non existing key as empty', async () => {
  await r('DEL', 'set1{t}', 'set2{t}', 'set3{t}');
  await r('SADD', 'set1{t}', 'a', 'b', 'c');
  await r('SADD', 'set2{t}', 'b', 'c', 'd');
  assert.deepEqual(sorted(await r('SUNION', 'set1{t}', 'set2{t}', 'set3{t}')), ['a', 'b', 'c', 'd']);
});

test('SUNIONSTORE should handle non existing key as empty', async () => {
  await r('DEL', 'set1{t}', 'set2{t}', 'set3{t}');
  await r('SET', 'setres{t}', 'xxx');
  assert.equal(await r('SUNIONSTORE', 'setres{t}', 'foo111{t}', 'bar222{t}'), 0);
  assert.equal(await r('EXISTS', 'setres{t}'), 0);
  await r('SADD', 'set3{t}', 'a', 'b', 'c');
  assert.equal(await r('SUNIONSTORE', 'set3{t}', 'set1{t}', 'set2{t}'), 0);
  assert.equal(await r('EXISTS', 'set3{t}'), 0);
  await r('SADD', 'set1{t}', 'a', 'b', 'c');
  await r('SADD', 'set3{t}', 'e', 'f');
  assert.equal(await r('SUNIONSTORE', 'set3{t}', 'set1{t}', 'set2{t}'), 3);
  assert.deepEqual(sorted(await r('SMEMBERS', 'set3{t}')), ['a', 'b', 'c']);
  await r('SADD', 'set3{t}', 'd');
  assert.equal(await r('SUNIONSTORE', 'set3{t}', 'set2{t}', 'set1{t}'), 3);
  assert.deepEqual(sorted(await r('SMEMBERS', 'set3{t}')), ['a', 'b', 'c']);
});

test('STORE results replace any type and drop the TTL of the destination', async () => {
  await r('DEL', 'src{t}', 'dst{t}');
  await r('SADD', 'src{t}', 'x');
  await r('SET', 'dst{t}', 'v', 'EX', '100');
  assert.equal(await r('SUNIONSTORE', 'dst{t}', 'src{t}'), 1);
  assert.deepEqual(await r('TYPE', 'dst{t}'), { status: 'set' });
  assert.equal(await r('TTL', 'dst{t}'), -1);
});
