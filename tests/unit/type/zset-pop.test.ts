/**
 * Wire tests of ZPOPMIN, ZPOPMAX, ZMPOP, ZRANDMEMBER, ZMSCORE and ZSCAN, mirroring Redis 7.0's
 * tests/unit/type/zset.tcl (including its "readraw" byte-exact checks in RESP2 and RESP3),
 * once per encoding where the Tcl suite loops.
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
const r3 = (...args: (string | number)[]): Promise<Reply> => c3.call(...args);
const d = (s: string): Reply => ({ double: s });

function encode(args: (string | number)[]): string {
  let out = `*${args.length}\r\n`;
  for (const a of args) {
    const s = String(a);
    out += `$${Buffer.byteLength(s, 'latin1')}\r\n${s}\r\n`;
  }
  return out;
}

/** The exact reply bytes of one command. */
async function assertRaw(client: RespClient, args: (string | number)[], expected: string): Promise<void> {
  const got = await client.rawExchange(encode(args), expected.length);
  assert.equal(got.toString('latin1'), expected, `${args.join(' ')}`);
}

async function setEncoding(encoding: string): Promise<void> {
  const small = encoding === 'listpack';
  assert.deepEqual(await r('CONFIG', 'SET', 'zset-max-listpack-entries', small ? 128 : 0), OK);
  assert.deepEqual(await r('CONFIG', 'SET', 'zset-max-listpack-value', small ? 64 : 0), OK);
}

async function createZset(key: string, items: (string | number)[]): Promise<void> {
  await r('DEL', key);
  for (let i = 0; i < items.length; i += 2) await r('ZADD', key, items[i] as string | number, items[i + 1] as string | number);
}

for (const enc of ['listpack', 'skiplist'] as const) {
  for (const pop of ['ZPOPMIN', 'ZPOPMAX']) {
    test(`${pop} with the count 0 returns an empty array - ${enc}`, async () => {
      await setEncoding(enc);
      await createZset('zset', [1, 'a', 2, 'b', 3, 'c']);
      assert.deepEqual(await r(pop, 'zset', 0), []);
      await assertRaw(c, [pop, 'zset', 0], '*0\r\n');
      assert.equal(await r('ZCARD', 'zset'), 3);
    });

    test(`${pop} with negative count - ${enc}`, async () => {
      await setEncoding(enc);
      await r('SET', 'zset', 'foo');
      assertError(await r(pop, 'zset', -1), 'ERR value is out of range, must be positive');
      await r('DEL', 'zset');
      assertError(await r(pop, 'zset', -2), 'ERR value is out of range, must be positive');
      await r('ZADD', 'zset', 1, 'a', 2, 'b', 3, 'c');
      assertError(await r(pop, 'zset', -3), 'ERR value is out of range, must be positive');
      assertError(await r(pop, 'zset', 'x'), 'ERR value is out of range, must be positive');
      assertError(await r(pop, 'zset', 1, 2), 'ERR syntax error');
    });
  }

  test(`Basic ZPOPMIN/ZPOPMAX with a single key - ${enc}`, async () => {
    await setEncoding(enc);
    await r('DEL', 'zset');
    assert.deepEqual(await r('ZPOPMIN', 'zset'), []);
    await createZset('zset', [-1, 'a', 1, 'b', 2, 'c', 3, 'd', 4, 'e']);
    assert.deepEqual(await r('ZPOPMIN', 'zset'), ['a', '-1']);
    assert.deepEqual(await r('ZPOPMIN', 'zset'), ['b', '1']);
    assert.deepEqual(await r('ZPOPMAX', 'zset'), ['e', '4']);
    assert.deepEqual(await r('ZPOPMAX', 'zset'), ['d', '3']);
    assert.deepEqual(await r('ZPOPMIN', 'zset'), ['c', '2']);
    assert.equal(await r('EXISTS', 'zset'), 0);
  });

  test(`Basic ZMPOP_MIN/ZMPOP_MAX with a single key - ${enc}`, async () => {
    await setEncoding(enc);
    await r('DEL', 'zset');
    assert.equal(await r('ZMPOP', 1, 'zset', 'MIN'), null);
    await createZset('zset', [-1, 'a', 1, 'b', 2, 'c', 3, 'd', 4, 'e']);
    assert.deepEqual(await r('ZMPOP', 1, 'zset', 'MIN'), ['zset', [['a', '-1']]]);
    assert.deepEqual(await r('ZMPOP', 1, 'zset', 'MIN'), ['zset', [['b', '1']]]);
    assert.deepEqual(await r('ZMPOP', 1, 'zset', 'MAX'), ['zset', [['e', '4']]]);
    assert.deepEqual(await r('ZMPOP', 1, 'zset', 'MAX'), ['zset', [['d', '3']]]);
    assert.deepEqual(await r('ZMPOP', 1, 'zset', 'MIN'), ['zset', [['c', '2']]]);
    assert.equal(await r('EXISTS', 'zset'), 0);
  });

  test(`ZPOPMIN/ZPOPMAX and ZMPOP with count - ${enc}`, async () => {
    await setEncoding(enc);
    await r('DEL', 'z1');
    assert.deepEqual(await r('ZPOPMIN', 'z1', 2), []);
    assert.equal(await r('ZMPOP', 1, 'z1', 'MIN', 'COUNT', 2), null);
    await createZset('z1', [0, 'a', 1, 'b', 2, 'c', 3, 'd']);
    assert.deepEqual(await r('ZPOPMIN', 'z1', 2), ['a', '0', 'b', '1']);
    assert.deepEqual(await r('ZPOPMAX', 'z1', 2), ['d', '3', 'c', '2']);
    await createZset('z1', [0, 'a', 1, 'b', 2, 'c', 3, 'd']);
    assert.deepEqual(await r('ZMPOP', 1, 'z1', 'MIN', 'COUNT', 2), ['z1', [['a', '0'], ['b', '1']]]);
    assert.deepEqual(await r('ZMPOP', 1, 'z1', 'MAX', 'COUNT', 2), ['z1', [['d', '3'], ['c', '2']]]);
    await createZset('z1', [0, 'a', 1, 'b']);
    assert.deepEqual(await r('ZPOPMAX', 'z1', 10), ['b', '1', 'a', '0']);
    assert.equal(await r('EXISTS', 'z1'), 0);
  });

  test(`Basic ZPOP/ZMPOP - ${enc} RESP3`, async () => {
    await setEncoding(enc);
    await createZset('z1', [0, 'a', 1, 'b', 2, 'c', 3, 'd']);
    assert.deepEqual(await r3('ZPOPMIN', 'z1'), ['a', d('0')]);
    assert.deepEqual(await r3('ZPOPMAX', 'z1'), ['d', d('3')]);
    await createZset('z1', [0, 'a', 1, 'b', 2, 'c', 3, 'd']);
    assert.deepEqual(await r3('ZMPOP', 1, 'z1', 'MIN'), ['z1', [['a', d('0')]]]);
    assert.deepEqual(await r3('ZMPOP', 1, 'z1', 'MAX'), ['z1', [['d', d('3')]]]);
    assert.equal(await r3('ZMPOP', 1, 'nokey', 'MAX'), null);
  });

  test(`ZPOP/ZMPOP with count - ${enc} RESP3`, async () => {
    await setEncoding(enc);
    await createZset('z1', [0, 'a', 1, 'b', 2, 'c', 3, 'd']);
    assert.deepEqual(await r3('ZPOPMIN', 'z1', 2), [['a', d('0')], ['b', d('1')]]);
    assert.deepEqual(await r3('ZPOPMAX', 'z1', 2), [['d', d('3')], ['c', d('2')]]);
    await createZset('z1', [0, 'a', 1, 'b', 2, 'c', 3, 'd']);
    assert.deepEqual(await r3('ZMPOP', 1, 'z1', 'MIN', 'COUNT', 2), ['z1', [['a', d('0')], ['b', d('1')]]]);
    assert.deepEqual(await r3('ZMPOP', 1, 'z1', 'MAX', 'COUNT', 2), ['z1', [['d', d('3')], ['c', d('2')]]]);
  });

  test(`ZMSCORE retrieve - ${enc}`, async () => {
    await setEncoding(enc);
    await createZset('zmscoretest', [10, 'x', 20, 'y']);
    assert.deepEqual(await r('ZMSCORE', 'zmscoretest', 'x', 'y'), ['10', '20']);
    assert.deepEqual(await r('ZMSCORE', 'zmscoretest', 'x'), ['10']);
    assert.deepEqual(await r('ZMSCORE', 'zmscoretest', 'x', 'nope'), ['10', null]);
    assert.deepEqual(await r3('ZMSCORE', 'zmscoretest', 'x', 'nope'), [d('10'), null]);
    await r('DEL', 'zmscoretest');
    assert.deepEqual(await r('ZMSCORE', 'zmscoretest', 'x', 'y'), [null, null]);
    assertError(await r('ZMSCORE', 'zmscoretest'), "ERR wrong number of arguments for 'zmscore' command");
  });

  test(`ZSCAN returns every member with its score - ${enc}`, async () => {
    await setEncoding(enc);
    await r('DEL', 'zs');
    const expected = new Map<string, string>();
    const args: (string | number)[] = ['ZADD', 'zs'];
    for (let i = 0; i < (enc === 'listpack' ? 100 : 300); i++) {
      args.push(i, `m:${i}`);
      expected.set(`m:${i}`, String(i));
    }
    await r(...args);
    assert.equal(await r('OBJECT', 'ENCODING', 'zs'), enc);
    const seen = new Map<string, string>();
    let cursor = '0';
    let calls = 0;
    do {
      const [next, items] = (await r('ZSCAN', 'zs', cursor, 'COUNT', 20)) as [string, string[]];
      for (let i = 0; i < items.length; i += 2) seen.set(items[i] as string, items[i + 1] as string);
      cursor = next;
      calls++;
    } while (cursor !== '0');
    assert.deepEqual(seen, expected);
    // A listpack comes back whole with cursor 0, as in Redis; a big set takes several calls.
    if (enc === 'listpack') assert.equal(calls, 1);
    else assert.ok(calls > 10);
  });
}

test('ZSCAN guarantees every member present for the whole iteration (skiplist, with concurrent writes)', async () => {
  await setEncoding('skiplist');
  await r('DEL', 'zs');
  const args: (string | number)[] = ['ZADD', 'zs'];
  for (let i = 0; i < 1000; i++) args.push(i, `keep:${i}`);
  await r(...args);
  const seen = new Set<string>();
  let cursor = '0';
  let round = 0;
  do {
    const [next, items] = (await r('ZSCAN', 'zs', cursor, 'COUNT', 50)) as [string, string[]];
    for (let i = 0; i < items.length; i += 2) seen.add(items[i] as string);
    cursor = next;
    // Churn between calls: new members, removed members, and score changes that move members.
    await r('ZADD', 'zs', round, `new:${round}`, -round, `keep:${(round * 37) % 1000}`);
    await r('ZREM', 'zs', `new:${round - 1}`);
    round++;
  } while (cursor !== '0');
  for (let i = 0; i < 1000; i++) assert.ok(seen.has(`keep:${i}`), `keep:${i} missing`);
});

test('ZSCAN MATCH, COUNT and cursor errors', async () => {
  await setEncoding('listpack');
  await createZset('zs', [1, 'a', 2, 'b', '1.1', 'ab', '-0', 'z']);
  assert.deepEqual(await r('ZSCAN', 'zs', 0, 'MATCH', 'a*'), ['0', ['a', '1', 'ab', '1.1000000000000001']]);
  assert.deepEqual(await r('ZSCAN', 'zs', 0, 'COUNT', 1, 'MATCH', '*'), ['0', ['z', '0', 'a', '1', 'ab', '1.1000000000000001', 'b', '2']]);
  // RESP3 keeps the flat array of bulk strings.
  assert.deepEqual(await r3('ZSCAN', 'zs', 0, 'MATCH', 'b'), ['0', ['b', '2']]);
  assertError(await r('ZSCAN', 'zs', 0, 'TYPE', 'zset'), 'ERR syntax error');
  assertError(await r('ZSCAN', 'zs', 0, 'MATCH'), 'ERR syntax error');
  assertError(await r('ZSCAN', 'zs', 0, 'COUNT', 0), 'ERR syntax error');
  assertError(await r('ZSCAN', 'zs', 0, 'COUNT', 'x'), 'ERR value is not an integer or out of range');
  assertError(await r('ZSCAN', 'zs', 'abc'), 'ERR invalid cursor');
  assertError(await r('ZSCAN', 'zs', '18446744073709551616'), 'ERR invalid cursor');
  assert.deepEqual(await r('ZSCAN', 'zs', '18446744073709551615'), ['0', ['z', '0', 'a', '1', 'ab', '1.1000000000000001', 'b', '2']]);
  assert.deepEqual(await r('ZSCAN', 'nokey', 0, 'COUNT', 0), ['0', []]);
  assertError(await r('ZSCAN', 'nokey', 'x'), 'ERR invalid cursor');
});

test('ZPOP/ZMPOP against wrong type', async () => {
  await r('SET', 'foo{t}', 'bar');
  const wrong = 'WRONGTYPE Operation against a key holding the wrong kind of value';
  for (const args of [['ZPOPMIN', 'foo{t}'], ['ZPOPMIN', 'foo{t}', 0], ['ZPOPMAX', 'foo{t}'], ['ZPOPMAX', 'foo{t}', 0], ['ZPOPMIN', 'foo{t}', 2],
    ['ZMPOP', 1, 'foo{t}', 'min'], ['ZMPOP', 1, 'foo{t}', 'max'], ['ZMPOP', 1, 'foo{t}', 'max', 'count', 200]]) {
    assertError(await r(...args), wrong);
  }
  await r('DEL', 'foo{t}');
  await r('SET', 'foo2{t}', 'bar');
  assertError(await r('ZMPOP', 2, 'foo{t}', 'foo2{t}', 'min'), wrong);
  assertError(await r('ZMPOP', 2, 'foo2{t}', 'foo1{t}', 'max', 'count', 1), wrong);
  // The first non-empty zset is popped before a later key's type matters.
  await r('ZADD', 'foo{t}', 1, 'a');
  assert.deepEqual(await r('ZMPOP', 2, 'foo{t}', 'foo2{t}', 'min'), ['foo{t}', [['a', '1']]]);
});

test('ZMPOP with illegal argument', async () => {
  assertError(await r('ZMPOP'), "ERR wrong number of arguments for 'zmpop' command");
  assertError(await r('ZMPOP', 1), "ERR wrong number of arguments for 'zmpop' command");
  assertError(await r('ZMPOP', 1, 'myzset{t}'), "ERR wrong number of arguments for 'zmpop' command");
  for (const args of [[0, 'myzset{t}', 'MIN'], ['a', 'myzset{t}', 'MIN'], [-1, 'myzset{t}', 'MAX']]) {
    assertError(await r('ZMPOP', ...args), 'ERR numkeys should be greater than 0');
  }
  for (const args of [[1, 'myzset{t}', 'bad_where'], [1, 'myzset{t}', 'MIN', 'bar_arg'], [1, 'myzset{t}', 'MAX', 'MIN'], [1, 'myzset{t}', 'COUNT'],
    [1, 'myzset{t}', 'MAX', 'COUNT', 1, 'COUNT', 2], [2, 'myzset{t}', 'myzset2{t}', 'bad_arg'], [2, 'myzset{t}', 'MIN'], [1, 'myzset{t}', 'MIN', 'COUNT']]) {
    assertError(await r('ZMPOP', ...args), 'ERR syntax error');
  }
  for (const args of [[1, 'myzset{t}', 'MIN', 'COUNT', 0], [1, 'myzset{t}', 'MAX', 'COUNT', 'a'], [1, 'myzset{t}', 'MIN', 'COUNT', -1],
    [2, 'myzset{t}', 'myzset2{t}', 'MAX', 'COUNT', -1], [1, 'myzset{t}', 'MIN', 'COUNT', '9223372036854775808']]) {
    assertError(await r('ZMPOP', ...args), 'ERR count should be greater than 0');
  }
});

for (const resp of [2, 3]) {
  test(`ZPOPMIN/ZPOPMAX readraw in RESP${resp}`, async () => {
    const cl = resp === 3 ? c3 : c;
    await r('DEL', 'zset{t}');
    await createZset('zset2{t}', [1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e']);
    const score = (s: string): string => (resp === 2 ? `$${s.length}\r\n${s}\r\n` : `,${s}\r\n`);
    await assertRaw(cl, ['ZPOPMIN', 'zset{t}'], '*0\r\n');
    await assertRaw(cl, ['ZPOPMIN', 'zset{t}', 1], '*0\r\n');
    await assertRaw(cl, ['ZPOPMIN', 'zset2{t}'], `*2\r\n$1\r\na\r\n${score('1')}`);
    await assertRaw(cl, ['ZPOPMAX', 'zset2{t}', 1], resp === 2 ? `*2\r\n$1\r\ne\r\n${score('5')}` : `*1\r\n*2\r\n$1\r\ne\r\n${score('5')}`);
  });

  test(`ZMPOP readraw in RESP${resp}`, async () => {
    const cl = resp === 3 ? c3 : c;
    await r('DEL', 'zset{t}', 'zset2{t}');
    await createZset('zset3{t}', [1, 'a']);
    await createZset('zset4{t}', [1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e']);
    const nil = resp === 2 ? '*-1\r\n' : '_\r\n';
    const score = (s: string): string => (resp === 2 ? `$${s.length}\r\n${s}\r\n` : `,${s}\r\n`);
    await assertRaw(cl, ['ZMPOP', 1, 'zset{t}', 'min'], nil);
    await assertRaw(cl, ['ZMPOP', 1, 'zset{t}', 'max', 'count', 1], nil);
    await assertRaw(cl, ['ZMPOP', 2, 'zset{t}', 'zset2{t}', 'min'], nil);
    await assertRaw(cl, ['ZMPOP', 1, 'zset3{t}', 'max'], `*2\r\n$8\r\nzset3{t}\r\n*1\r\n*2\r\n$1\r\na\r\n${score('1')}`);
    await assertRaw(cl, ['ZMPOP', 2, 'zset3{t}', 'zset4{t}', 'min', 'count', 2],
      `*2\r\n$8\r\nzset4{t}\r\n*2\r\n*2\r\n$1\r\na\r\n${score('1')}*2\r\n$1\r\nb\r\n${score('2')}`);
  });
}

test('ZRANDMEMBER - listpack and skiplist return every member eventually', async () => {
  for (const [type, contents] of [['listpack', [1, 'a', 2, 'b', 3, 'c']], ['skiplist', [1, 'a', 2, 'b', 3, 'x'.repeat(80)]]] as const) {
    await r('CONFIG', 'SET', 'zset-max-ziplist-value', 10);
    await createZset('myzset', [...contents]);
    assert.equal(await r('OBJECT', 'ENCODING', 'myzset'), type);
    const seen = new Set<string>();
    for (let i = 0; i < 100; i++) seen.add((await r('ZRANDMEMBER', 'myzset')) as string);
    assert.deepEqual([...seen].sort(), [contents[1], contents[3], contents[5]].sort());
    await r('CONFIG', 'SET', 'zset-max-ziplist-value', 64);
  }
});

test('ZRANDMEMBER with RESP3 / count 0 / non existing key', async () => {
  await createZset('myzset', [1, 'a', 2, 'b', 3, 'c']);
  const withScores = (await r3('ZRANDMEMBER', 'myzset', 3, 'withscores')) as Reply[][];
  assert.equal(withScores.length, 3);
  for (const pair of withScores) assert.equal(pair.length, 2);
  const plain = (await r3('ZRANDMEMBER', 'myzset', 3)) as Reply[];
  assert.equal(plain.length, 3);
  assert.equal(typeof plain[1], 'string');
  await assertRaw(c, ['ZRANDMEMBER', 'myzset', 0], '*0\r\n');
  await assertRaw(c, ['ZRANDMEMBER', 'nonexisting_key', 100], '*0\r\n');
  await assertRaw(c, ['ZRANDMEMBER', 'nonexisting_key'], '$-1\r\n');
  await assertRaw(c3, ['ZRANDMEMBER', 'nonexisting_key'], '_\r\n');
  assert.deepEqual(await r('ZRANDMEMBER', 'myzset', 3, 'WITHSCORES'), ['a', '1', 'b', '2', 'c', '3']);
});

test('ZRANDMEMBER count overflow and argument errors', async () => {
  await r('ZADD', 'myzset', 0, 'a');
  assertError(await r('ZRANDMEMBER', 'myzset', '-9223372036854770000', 'withscores'), 'ERR value is out of range');
  assertError(await r('ZRANDMEMBER', 'myzset', '-9223372036854775808', 'withscores'), 'ERR value is out of range*');
  assertError(await r('ZRANDMEMBER', 'myzset', '4611686018427387904', 'withscores'), 'ERR value is out of range');
  assertError(await r('ZRANDMEMBER', 'myzset', '-9223372036854775808'),
    'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807');
  assertError(await r('ZRANDMEMBER', 'myzset', 1, 'withscore'), 'ERR syntax error');
  assertError(await r('ZRANDMEMBER', 'myzset', 1, 'withscores', 'x'), 'ERR syntax error');
  assertError(await r('ZRANDMEMBER', 'myzset', 'x', 'withscores'), 'ERR value is not an integer or out of range');
  assertError(await r('ZRANDMEMBER', 'nokey', 1, 'foo'), 'ERR syntax error');
});

for (const [type, n] of [['skiplist', 10], ['listpack', 10]] as const) {
  test(`ZRANDMEMBER with <count> - ${type}`, async () => {
    await r('CONFIG', 'SET', 'zset-max-ziplist-value', 10);
    const contents: (string | number)[] = [];
    for (let i = 1; i < n; i++) contents.push(i, String.fromCharCode(0x60 + i));
    contents.push(n, type === 'skiplist' ? 'y'.repeat(80) : 'j');
    await createZset('myzset', contents);
    assert.equal(await r('OBJECT', 'ENCODING', 'myzset'), type);
    const dict = new Map<string, string>();
    const all = (await r('ZRANGE', 'myzset', 0, -1, 'withscores')) as string[];
    for (let i = 0; i < all.length; i += 2) dict.set(all[i] as string, all[i + 1] as string);
    const checkPairs = (res: string[]): void => {
      for (let i = 0; i < res.length; i += 2) assert.equal(dict.get(res[i] as string), res[i + 1]);
    };
    // Negative count: repetitions, exact length.
    for (const cnt of [20, 1001]) {
      const res = (await r('ZRANDMEMBER', 'myzset', -cnt)) as string[];
      assert.equal(res.length, cnt);
      for (const m of res) assert.ok(dict.has(m));
      const ws = (await r('ZRANDMEMBER', 'myzset', -cnt, 'withscores')) as string[];
      assert.equal(ws.length, cnt * 2);
      checkPairs(ws);
    }
    // Rough uniformity: every member shows up among 1000 picks, none dominates.
    const counts = new Map<string, number>();
    for (const m of (await r('ZRANDMEMBER', 'myzset', -1000)) as string[]) counts.set(m, (counts.get(m) ?? 0) + 1);
    assert.equal(counts.size, n);
    for (const v of counts.values()) assert.ok(v > 40 && v < 200, `skewed count ${v}`);
    // Count >= size: the whole set.
    for (const size of [10, 20]) {
      const res = (await r('ZRANDMEMBER', 'myzset', size)) as string[];
      assert.deepEqual([...res].sort(), [...dict.keys()].sort());
      checkPairs((await r('ZRANDMEMBER', 'myzset', size, 'withscores')) as string[]);
    }
    // Count < size: distinct members, and every member eventually.
    for (const size of [1, 2, 8]) {
      const seen = new Set<string>();
      for (let i = 0; i < 200; i++) {
        const res = (await r('ZRANDMEMBER', 'myzset', size, 'withscores')) as string[];
        assert.equal(res.length, size * 2);
        checkPairs(res);
        const members = res.filter((_, j) => j % 2 === 0);
        assert.equal(new Set(members).size, size, 'members must be distinct');
        for (const m of members) seen.add(m);
      }
      assert.equal(seen.size, n);
    }
    await r('CONFIG', 'SET', 'zset-max-ziplist-value', 64);
  });
}
