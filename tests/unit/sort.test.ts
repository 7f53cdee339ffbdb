/**
 * Wire tests of SORT and SORT_RO, mirroring Redis 7.0's tests/unit/sort.tcl (same titles, same
 * data sets), plus the behaviours that file leaves implicit: option parsing and its errors,
 * how weights are read as doubles, ALPHA's C-locale collation, STORE's side effects (events,
 * TTL, waking a blocked client) and the RESP3 reply types.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, OK, startTestServer, type RespClient, type Reply, type TestServer } from '../helpers/server.js';

let srv: TestServer;
let c: RespClient;

before(async () => {
  srv = await startTestServer();
  c = await srv.client();
  // sort.tcl's server overrides: small sets stay intsets up to 32 members.
  assert.deepEqual(await r('CONFIG', 'SET', 'set-max-intset-entries', 32), OK);
});

after(async () => {
  await srv.close();
});

const r = (...args: (string | number)[]): Promise<Reply> => c.call(...args);

/**
 * sort.tcl's create_random_dataset: `num` elements 0..num-1 pushed with `cmd`, each with a
 * distinct random weight (an integer or a fraction) in weight_<i> and in the hash wobj_<i>.
 * Returns the elements in weight order.
 */
async function createRandomDataset(num: number, cmd: 'lpush' | 'sadd'): Promise<string[]> {
  await r('DEL', 'tosort');
  const seen = new Set<number>();
  const weights: [number, number][] = [];
  const cmds: (string | number)[][] = [];
  for (let i = 0; i < num; i++) {
    let w: number;
    do w = Math.random() < 0.5 ? Math.floor(Math.random() * 1000000) : Math.random();
    while (seen.has(w));
    seen.add(w);
    cmds.push([cmd, 'tosort', i], ['SET', `weight_${i}`, String(w)], ['HSET', `wobj_${i}`, 'weight', String(w)]);
    weights.push([i, w]);
  }
  for (let i = 0; i < cmds.length; i += 3000) await c.pipeline(cmds.slice(i, i + 3000));
  return weights.sort((a, b) => a[1] - b[1]).map(([i]) => String(i));
}

const DATASETS = [
  [16, 'lpush', 'quicklist', 'Listpack'],
  [1000, 'lpush', 'quicklist', 'Quicklist'],
  [10000, 'lpush', 'quicklist', 'Big Quicklist'],
  [16, 'sadd', 'intset', 'Intset'],
  [1000, 'sadd', 'hashtable', 'Hash table'],
  [10000, 'sadd', 'hashtable', 'Big Hash table'],
] as const;

for (const [num, cmd, enc, title] of DATASETS) {
  let result: string[] = [];
  test(`${title}: SORT BY key`, async () => {
    result = await createRandomDataset(num, cmd);
    assert.equal(await r('OBJECT', 'ENCODING', 'tosort'), enc);
    assert.deepEqual(await r('SORT', 'tosort', 'BY', 'weight_*'), result);
  });

  test(`${title}: SORT BY key with limit`, async () => {
    assert.deepEqual(await r('SORT', 'tosort', 'BY', 'weight_*', 'LIMIT', 5, 5), result.slice(5, 10));
  });

  test(`${title}: SORT BY hash field`, async () => {
    assert.deepEqual(await r('SORT', 'tosort', 'BY', 'wobj_*->weight'), result);
  });
}

let result16: string[] = [];

test('SORT GET #', async () => {
  result16 = await createRandomDataset(16, 'lpush');
  const byInt = [...result16].sort((a, b) => Number(a) - Number(b));
  assert.deepEqual(await r('SORT', 'tosort', 'GET', '#'), byInt);
});

for (const command of ['SORT', 'SORT_RO']) {
  test(`${command} GET <const>`, async () => {
    await r('DEL', 'foo');
    const res = (await r(command, 'tosort', 'GET', 'foo')) as Reply[];
    assert.equal(res.length, 16);
    for (const item of res) assert.equal(item, null);
  });
}

test('SORT GET (key and hash) with sanity check', async () => {
  const l1 = (await r('SORT', 'tosort', 'GET', '#', 'GET', 'weight_*')) as string[];
  const l2 = (await r('SORT', 'tosort', 'GET', '#', 'GET', 'wobj_*->weight')) as string[];
  assert.equal(l1.length, 32);
  for (let i = 0; i < l1.length; i += 2) {
    assert.equal(l1[i], l2[i]);
    const w = await r('GET', `weight_${l1[i] as string}`);
    assert.equal(l1[i + 1], w);
    assert.equal(l2[i + 1], w);
  }
});

test('SORT BY key STORE', async () => {
  assert.equal(await r('SORT', 'tosort', 'BY', 'weight_*', 'STORE', 'sort-res'), 16);
  assert.deepEqual(await r('LRANGE', 'sort-res', 0, -1), result16);
  assert.equal(await r('LLEN', 'sort-res'), 16);
  assert.equal(await r('OBJECT', 'ENCODING', 'sort-res'), 'quicklist');
});

test('SORT BY hash field STORE', async () => {
  await r('DEL', 'sort-res');
  assert.equal(await r('SORT', 'tosort', 'BY', 'wobj_*->weight', 'STORE', 'sort-res'), 16);
  assert.deepEqual(await r('LRANGE', 'sort-res', 0, -1), result16);
  assert.equal(await r('LLEN', 'sort-res'), 16);
});

test('SORT extracts STORE correctly', async () => {
  assert.deepEqual(await r('COMMAND', 'GETKEYS', 'sort', 'abc', 'store', 'def'), ['abc', 'def']);
});

test('SORT_RO get keys', async () => {
  assert.deepEqual(await r('COMMAND', 'GETKEYS', 'sort_ro', 'abc'), ['abc']);
});

test('SORT extracts multiple STORE correctly', async () => {
  assert.deepEqual(await r('COMMAND', 'GETKEYS', 'sort', 'abc', 'store', 'invalid', 'store', 'stillbad', 'store', 'def'), ['abc', 'def']);
});

test('SORT key extraction skips option arguments and reports access flags', async () => {
  // GET consumes "store"; a trailing STORE without a key names none.
  assert.deepEqual(await r('COMMAND', 'GETKEYS', 'sort', 'abc', 'get', 'store', 'x'), ['abc']);
  assert.deepEqual(await r('COMMAND', 'GETKEYS', 'sort', 'abc', 'limit', 'store', 'x', 'store', 'y'), ['abc', 'y']);
  assert.deepEqual(await r('COMMAND', 'GETKEYS', 'sort', 'abc', 'store'), ['abc']);
  const ro = [{ status: 'RO' }, { status: 'access' }];
  assert.deepEqual(await r('COMMAND', 'GETKEYSANDFLAGS', 'sort', 'abc', 'store', 'def'), [
    ['abc', ro],
    ['def', [{ status: 'OW' }, { status: 'update' }]],
  ]);
  assert.deepEqual(await r('COMMAND', 'GETKEYSANDFLAGS', 'sort_ro', 'abc', 'by', 'x'), [['abc', ro]]);
});

test('SORT DESC', async () => {
  const desc = [...result16].sort((a, b) => Number(b) - Number(a));
  assert.deepEqual(await r('SORT', 'tosort', 'DESC'), desc);
});

test('SORT ALPHA against integer encoded strings', async () => {
  await r('DEL', 'mylist');
  await r('LPUSH', 'mylist', 2);
  await r('LPUSH', 'mylist', 1);
  await r('LPUSH', 'mylist', 3);
  await r('LPUSH', 'mylist', 10);
  assert.deepEqual(await r('SORT', 'mylist', 'alpha'), ['1', '10', '2', '3']);
});

async function fiveMemberZset(): Promise<void> {
  await r('DEL', 'zset');
  await r('ZADD', 'zset', 1, 'a');
  await r('ZADD', 'zset', 5, 'b');
  await r('ZADD', 'zset', 2, 'c');
  await r('ZADD', 'zset', 10, 'd');
  await r('ZADD', 'zset', 3, 'e');
}

test('SORT sorted set', async () => {
  await fiveMemberZset();
  assert.deepEqual(await r('SORT', 'zset', 'alpha', 'desc'), ['e', 'd', 'c', 'b', 'a']);
});

test('SORT sorted set BY nosort should retain ordering', async () => {
  await fiveMemberZset();
  assert.deepEqual(await r('MULTI'), OK);
  assert.deepEqual(await r('SORT', 'zset', 'by', 'nosort', 'asc'), { status: 'QUEUED' });
  assert.deepEqual(await r('SORT', 'zset', 'by', 'nosort', 'desc'), { status: 'QUEUED' });
  assert.deepEqual(await r('EXEC'), [
    ['a', 'c', 'e', 'b', 'd'],
    ['d', 'b', 'e', 'c', 'a'],
  ]);
});

test('SORT sorted set BY nosort + LIMIT', async () => {
  await fiveMemberZset();
  assert.deepEqual(await r('SORT', 'zset', 'by', 'nosort', 'asc', 'limit', 0, 1), ['a']);
  assert.deepEqual(await r('SORT', 'zset', 'by', 'nosort', 'desc', 'limit', 0, 1), ['d']);
  assert.deepEqual(await r('SORT', 'zset', 'by', 'nosort', 'asc', 'limit', 0, 2), ['a', 'c']);
  assert.deepEqual(await r('SORT', 'zset', 'by', 'nosort', 'desc', 'limit', 0, 2), ['d', 'b']);
  assert.deepEqual(await r('SORT', 'zset', 'by', 'nosort', 'limit', 5, 10), []);
  assert.deepEqual(await r('SORT', 'zset', 'by', 'nosort', 'limit', -10, 100), ['a', 'c', 'e', 'b', 'd']);
  // The range starts from either end without walking the rest.
  assert.deepEqual(await r('SORT', 'zset', 'by', 'nosort', 'desc', 'limit', 1, 3), ['b', 'e', 'c']);
  assert.deepEqual(await r('SORT', 'zset', 'by', 'nosort', 'limit', 3, -1), ['b', 'd']);
});

test('SORT sorted set: +inf and -inf handling', async () => {
  await r('DEL', 'zset');
  await r('ZADD', 'zset', -100, 'a');
  await r('ZADD', 'zset', 200, 'b');
  await r('ZADD', 'zset', -300, 'c');
  await r('ZADD', 'zset', 1000000, 'd');
  await r('ZADD', 'zset', '+inf', 'max');
  await r('ZADD', 'zset', '-inf', 'min');
  assert.deepEqual(await r('ZRANGE', 'zset', 0, -1), ['min', 'c', 'a', 'b', 'd', 'max']);
});

test('SORT of a listpack sorted set converts it to a skiplist, as Redis does', async () => {
  await r('DEL', 'zset');
  await r('ZADD', 'zset', 1, 'a', 2, 'b');
  assert.equal(await r('OBJECT', 'ENCODING', 'zset'), 'listpack');
  assert.deepEqual(await r('SORT_RO', 'zset', 'alpha'), ['a', 'b']);
  assert.equal(await r('OBJECT', 'ENCODING', 'zset'), 'skiplist');
});

test('SORT regression for issue #19, sorting floats', async () => {
  await r('FLUSHDB');
  const floats = ['1.1', '5.10', '3.10', '7.44', '2.1', '5.75', '6.12', '0.25', '1.15'];
  for (const x of floats) await r('LPUSH', 'mylist', x);
  assert.deepEqual(await r('SORT', 'mylist'), [...floats].sort((a, b) => Number(a) - Number(b)));
});

test('SORT with STORE returns zero if result is empty (github issue 224)', async () => {
  await r('FLUSHDB');
  assert.equal(await r('SORT', 'foo', 'store', 'bar'), 0);
});

test('SORT with STORE does not create empty lists (github issue 224)', async () => {
  await r('FLUSHDB');
  await r('LPUSH', 'foo', 'bar');
  assert.equal(await r('SORT', 'foo', 'alpha', 'limit', 10, 10, 'store', 'zap'), 0);
  assert.equal(await r('EXISTS', 'zap'), 0);
});

test('SORT with STORE removes key if result is empty (github issue 227)', async () => {
  await r('FLUSHDB');
  await r('LPUSH', 'foo', 'bar');
  assert.equal(await r('SORT', 'emptylist', 'store', 'foo'), 0);
  assert.equal(await r('EXISTS', 'foo'), 0);
});

const ALPHA_MEMBERS = ['a', 'aa', 'aaa', 'azz', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 's', 't', 'u', 'v', 'z'];

test('SORT with BY <constant> and STORE should still order output', async () => {
  await r('DEL', 'myset', 'mylist');
  await r('SADD', 'myset', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'l', 'm', 'n', 'o', 'p', 'q', 'r', 's', 't', 'u', 'v', 'z', 'aa', 'aaa', 'azz');
  assert.equal(await r('SORT', 'myset', 'alpha', 'by', '_', 'store', 'mylist'), 24);
  assert.deepEqual(await r('LRANGE', 'mylist', 0, -1), ALPHA_MEMBERS);
  // Without ALPHA too: a stored unsorted set is sorted as strings.
  assert.equal(await r('SORT', 'myset', 'by', '_', 'store', 'mylist'), 24);
  assert.deepEqual(await r('LRANGE', 'mylist', 0, -1), ALPHA_MEMBERS);
});

test('SORT will complain with numerical sorting and bad doubles (1)', async () => {
  await r('DEL', 'myset');
  await r('SADD', 'myset', 1, 2, 3, 4, 'not-a-double');
  assertError(await r('SORT', 'myset'), "ERR One or more scores can't be converted into double");
});

test('SORT will complain with numerical sorting and bad doubles (2)', async () => {
  await r('DEL', 'myset');
  await r('SADD', 'myset', 1, 2, 3, 4);
  await r('MSET', 'score:1', 10, 'score:2', 20, 'score:3', 30, 'score:4', 'not-a-double');
  assertError(await r('SORT', 'myset', 'by', 'score:*'), '*ERR*double*');
});

test('SORT BY sub-sorts lexicographically if score is the same', async () => {
  await r('DEL', 'myset');
  await r('SADD', 'myset', ...ALPHA_MEMBERS);
  // (sort.tcl sets Tcl variables here, not keys: every weight is missing, hence 0.)
  assert.deepEqual(await r('SORT', 'myset', 'by', 'score:*'), ALPHA_MEMBERS);
  for (const m of ALPHA_MEMBERS) await r('SET', `score:${m}`, 100);
  assert.deepEqual(await r('SORT', 'myset', 'by', 'score:*'), ALPHA_MEMBERS);
  assert.deepEqual(await r('SORT', 'myset', 'by', 'score:*', 'desc'), [...ALPHA_MEMBERS].reverse());
});

test('SORT GET with pattern ending with just -> does not get hash field', async () => {
  await r('DEL', 'mylist');
  await r('LPUSH', 'mylist', 'a');
  await r('SET', 'x:a->', 100);
  assert.deepEqual(await r('SORT', 'mylist', 'by', 'num', 'get', 'x:*->'), ['100']);
});

test('SORT by nosort retains native order for lists', async () => {
  await r('DEL', 'testa');
  await r('LPUSH', 'testa', 2, 1, 4, 3, 5);
  assert.deepEqual(await r('SORT', 'testa', 'by', 'nosort'), ['5', '3', '4', '1', '2']);
});

test('SORT by nosort plus store retains native order for lists', async () => {
  await r('DEL', 'testa');
  await r('LPUSH', 'testa', 2, 1, 4, 3, 5);
  assert.equal(await r('SORT', 'testa', 'by', 'nosort', 'store', 'testb'), 5);
  assert.deepEqual(await r('LRANGE', 'testb', 0, -1), ['5', '3', '4', '1', '2']);
});

test('SORT by nosort with limit returns based on original list order', async () => {
  assert.equal(await r('SORT', 'testa', 'by', 'nosort', 'limit', 0, 3, 'store', 'testb'), 3);
  assert.deepEqual(await r('LRANGE', 'testb', 0, -1), ['5', '3', '4']);
  // DESC reads the list from the tail, the offset counting from there.
  assert.deepEqual(await r('SORT', 'testa', 'by', 'nosort', 'desc', 'limit', 1, 2), ['1', '4']);
});

test('SORT_RO - Successful case', async () => {
  await r('DEL', 'mylist');
  await r('LPUSH', 'mylist', 'a');
  await r('SET', 'x:a', 100);
  // x:*-> names the key "x:a->" (set by the test before), not a hash field.
  assert.deepEqual(await r('SORT_RO', 'mylist', 'by', 'nosort', 'get', 'x:*->'), ['100']);
  assert.deepEqual(await r('SORT_RO', 'mylist', 'by', 'nosort', 'get', 'x:*'), ['100']);
});

test('SORT_RO - Cannot run with STORE arg', async () => {
  assertError(await r('SORT_RO', 'foolist', 'STORE', 'bar'), 'ERR syntax error');
});

test('SETRANGE with huge offset', async () => {
  // (sort.tcl's title; it checks SORT_RO's LIMIT with offsets near LONG_MAX.)
  await r('DEL', 'L');
  await r('LPUSH', 'L', 2, 1, 0);
  assert.deepEqual(await r('SORT_RO', 'L', 'by', 'a', 'limit', 2, '9223372036854775807'), ['2']);
  assert.deepEqual(await r('SORT_RO', 'L', 'by', 'a', 'limit', 2, '2147483647'), ['2']);
  assert.deepEqual(await r('SORT_RO', 'L', 'limit', '9223372036854775807', '9223372036854775807'), []);
  assert.deepEqual(await r('SORT_RO', 'L', 'limit', '-9223372036854775808', 2), ['0', '1']);
  assertError(await r('SORT_RO', 'L', 'limit', '9223372036854775808', 1), 'ERR value is not an integer or out of range');
});

test('SORT speed, 100 element list BY key / BY hash field / directly / BY <const>, 100 times', async () => {
  const res = await createRandomDataset(100, 'lpush');
  const first10 = res.slice(0, 10);
  const byInt = [...res].sort((a, b) => Number(a) - Number(b)).slice(0, 10);
  for (let i = 0; i < 100; i++) {
    const [byKey, byHash, direct, byConst] = await c.pipeline([
      ['SORT', 'tosort', 'BY', 'weight_*', 'LIMIT', 0, 10],
      ['SORT', 'tosort', 'BY', 'wobj_*->weight', 'LIMIT', 0, 10],
      ['SORT', 'tosort', 'LIMIT', 0, 10],
      ['SORT', 'tosort', 'BY', 'nokey', 'LIMIT', 0, 10],
    ]);
    assert.deepEqual(byKey, first10);
    assert.deepEqual(byHash, first10);
    assert.deepEqual(direct, byInt);
    assert.equal((byConst as Reply[]).length, 10);
  }
});

// ---- beyond sort.tcl ----------------------------------------------------------------------

test('SORT option errors: syntax, LIMIT integers, WRONGTYPE after the options', async () => {
  await r('FLUSHDB');
  await r('RPUSH', 'l', 3, 1, 2);
  await r('SET', 'str', 'x');
  assertError(await r('SORT', 'l', 'foo'), 'ERR syntax error');
  assertError(await r('SORT', 'l', 'limit', 1), 'ERR syntax error');
  assertError(await r('SORT', 'l', 'by'), 'ERR syntax error');
  assertError(await r('SORT', 'l', 'get'), 'ERR syntax error');
  assertError(await r('SORT', 'l', 'store'), 'ERR syntax error');
  assertError(await r('SORT', 'l', 'limit', 'a', 1), 'ERR value is not an integer or out of range');
  assertError(await r('SORT', 'l', 'limit', 1, '1.5'), 'ERR value is not an integer or out of range');
  assertError(await r('SORT', 'str'), 'WRONGTYPE Operation against a key holding the wrong kind of value');
  await r('HSET', 'h', 'f', 'v');
  assertError(await r('SORT_RO', 'h'), 'WRONGTYPE Operation against a key holding the wrong kind of value');
  // Options are parsed before the key is looked up.
  assertError(await r('SORT', 'str', 'bogus'), 'ERR syntax error');
  assertError(await r('SORT'), "ERR wrong number of arguments for 'sort' command");
  assert.deepEqual(await r('SORT', 'nokey'), []);
  assert.deepEqual(await r('SORT', 'nokey', 'GET', '#', 'GET', 'x*'), []);
});

test('SORT options: the last of ASC/DESC wins, BY <const> is not undone by a later BY', async () => {
  await r('DEL', 'l');
  await r('RPUSH', 'l', 3, 1, 2);
  await r('MSET', 'w_1', 3, 'w_2', 2, 'w_3', 1);
  assert.deepEqual(await r('SORT', 'l', 'desc', 'asc'), ['1', '2', '3']);
  assert.deepEqual(await r('SORT', 'l', 'by', 'w_*'), ['3', '2', '1']);
  assert.deepEqual(await r('SORT', 'l', 'by', 'nosort', 'by', 'w_*'), ['3', '1', '2']);
  assert.deepEqual(await r('SORT', 'l', 'by', 'w_*', 'by', 'nosort'), ['3', '1', '2']);
});

test('SORT reads weights as strtod does', async () => {
  const cases: [string, boolean][] = [
    [' 2', true], ['0x10', true], ['', true], ['inf', true], ['-INF', true], ['infinity', true], ['+.5', true], ['-0', true],
    ['2.2250738585072014e-308', true], ['0x1p-1074', true], ['7\u0000junk', true],
    ['1 ', false], ['  ', false], ['.', false], ['0x', false], ['1e', false], ['nan', false], ['1,5', false],
    ['1e309', false], ['1e-310', false], ['1e-400', false], ['0x1p-1080', false],
  ];
  for (const [v, ok] of cases) {
    await r('DEL', 'nums');
    await r('RPUSH', 'nums', v, '1');
    const got = await r('SORT', 'nums');
    if (ok) assert.ok(Array.isArray(got), `${JSON.stringify(v)} should be accepted`);
    else assertError(got, "ERR One or more scores can't be converted into double");
  }
  await r('DEL', 'nums');
  await r('RPUSH', 'nums', '10', ' 2', '0x10', '', '-inf', '1e3');
  assert.deepEqual(await r('SORT', 'nums'), ['-inf', '', ' 2', '10', '0x10', '1e3']);
});

test('SORT BY a missing or wrong-typed weight counts it as 0 (or first with ALPHA)', async () => {
  await r('FLUSHDB');
  await r('RPUSH', 'l', 'a', 'b', 'c', 'd');
  await r('SET', 'w_a', 5);
  await r('SET', 'w_b', -1);
  await r('RPUSH', 'w_c', 'a-list');
  assert.deepEqual(await r('SORT', 'l', 'by', 'w_*'), ['b', 'c', 'd', 'a']);
  await r('HSET', 'h_a', 'f', 'zz');
  await r('HSET', 'h_b', 'f', 'aa');
  assert.deepEqual(await r('SORT', 'l', 'by', 'h_*->f', 'alpha'), ['c', 'd', 'b', 'a']);
  assert.deepEqual(await r('SORT', 'l', 'by', 'h_*->f', 'alpha', 'desc'), ['a', 'b', 'c', 'd']);
  // A hash field of a string key, or a plain GET of a hash, is missing.
  assert.deepEqual(await r('SORT', 'l', 'by', 'nosort', 'get', 'w_*->f', 'get', 'h_*'), [null, null, null, null, null, null, null, null]);
});

test('SORT GET patterns: # and several GETs per element', async () => {
  await r('FLUSHDB');
  await r('RPUSH', 'l', 2, 1);
  await r('MSET', 'n_1', 'one', 'n_2', 'two');
  await r('HSET', 'o_1', 'name', 'uno');
  assert.deepEqual(await r('SORT', 'l', 'get', '#', 'get', 'n_*', 'get', 'o_*->name'), ['1', 'one', 'uno', '2', 'two', null]);
  // Only the first '*' is replaced; the field may itself contain '*'.
  await r('SET', 'p_1_*', 'star');
  await r('HSET', 'q_1', 'f*', 'fieldstar');
  assert.deepEqual(await r('SORT', 'l', 'get', 'p_*_*', 'get', 'q_*->f*'), ['star', 'fieldstar', null, null]);
  // '->' before the '*' is part of the key name.
  await r('SET', 'a->1', 'arrow');
  assert.deepEqual(await r('SORT', 'l', 'get', 'a->*'), ['arrow', null]);
});

test('SORT BY with LIMIT orders equal weights as Redis\'s partial quicksort does', async () => {
  await r('DEL', 't');
  await r('RPUSH', 't', 'e', 'b', 'h', 'a', 'j', 'c', 'i', 'd', 'g', 'f');
  // Every weight is missing, so all are equal: a full sort keeps the list order, the partial
  // sort behind BY + LIMIT moves them (the orders redis-server 7.0.15 gives).
  assert.deepEqual(await r('SORT', 't', 'BY', 'nokey_*', 'ALPHA'), ['e', 'b', 'h', 'a', 'j', 'c', 'i', 'd', 'g', 'f']);
  assert.deepEqual(await r('SORT', 't', 'BY', 'nokey_*', 'ALPHA', 'LIMIT', 0, 5), ['f', 'b', 'h', 'a', 'j']);
  assert.deepEqual(await r('SORT', 't', 'BY', 'nokey_*', 'ALPHA', 'LIMIT', 2, 4), ['h', 'a', 'j', 'c']);
  assert.deepEqual(await r('SORT', 't', 'BY', 'nokey_*', 'ALPHA', 'DESC', 'LIMIT', 0, 3), ['f', 'b', 'h']);
});

test('SORT ALPHA collates as strcoll in the C locale; STORE compares whole byte strings', async () => {
  await r('DEL', 'l');
  await r('RPUSH', 'l', 'b', 'a\u0000z', 'a\u0000b', 'a', '\u00e9', 'B');
  // Up to the NUL all three 'a' strings are equal and keep their order (the sort is stable).
  assert.deepEqual(await r('SORT', 'l', 'alpha'), ['B', 'a\u0000z', 'a\u0000b', 'a', 'b', '\u00e9']);
  assert.equal(await r('SORT', 'l', 'alpha', 'store', 'd'), 6);
  assert.deepEqual(await r('LRANGE', 'd', 0, -1), ['B', 'a', 'a\u0000b', 'a\u0000z', 'b', '\u00e9']);
});

test('SORT STORE: overwrites any type, drops the TTL, fires sortstore, wakes a blocked client', async () => {
  await r('FLUSHDB');
  await r('RPUSH', 'src', 3, 1, 2);
  await r('SET', 'dst', 'a-string', 'EX', 100);
  assert.equal(await r('SORT', 'src', 'store', 'dst'), 3);
  assert.equal(await r('TTL', 'dst'), -1);
  assert.deepEqual(await r('LRANGE', 'dst', 0, -1), ['1', '2', '3']);
  // GET with STORE stores '' for a missing value.
  assert.equal(await r('SORT', 'src', 'get', '#', 'get', 'nope_*', 'store', 'dst'), 6);
  assert.deepEqual(await r('LRANGE', 'dst', 0, -1), ['1', '', '2', '', '3', '']);

  const sub = await srv.client();
  await r('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
  try {
    assert.deepEqual(await sub.call('PSUBSCRIBE', '__keyevent@0__:*'), ['psubscribe', '__keyevent@0__:*', 1]);
    assert.equal(await r('SORT', 'src', 'store', 'dst'), 3);
    assert.equal(await r('SORT', 'nokey', 'store', 'dst'), 0);
    assert.equal(await r('SORT', 'nokey', 'store', 'dst'), 0); // nothing to delete: no event
    await r('SET', 'marker', 1);
    const events: string[] = [];
    for (;;) {
      const m = (await sub.nextPush()) as string[];
      if (m[3] === 'marker') break;
      events.push(`${m[2] as string} ${m[3] as string}`);
    }
    assert.deepEqual(events, ['__keyevent@0__:sortstore dst', '__keyevent@0__:del dst']);
  } finally {
    await r('CONFIG', 'SET', 'notify-keyspace-events', '');
  }

  const rd = await srv.client();
  const popped = rd.call('BLPOP', 'dst', 0);
  await waitForBlocked(1);
  assert.equal(await r('SORT', 'src', 'store', 'dst'), 3);
  assert.deepEqual(await popped, ['dst', '1']);
  assert.deepEqual(await r('LRANGE', 'dst', 0, -1), ['2', '3']);
});

test('SORT in RESP3: missing GET values are nulls', async () => {
  const c3 = await srv.client();
  await c3.call('HELLO', '3');
  await c3.call('DEL', 'l');
  await c3.call('RPUSH', 'l', 'a');
  const raw = await c3.rawExchange('*8\r\n$4\r\nSORT\r\n$1\r\nl\r\n$2\r\nBY\r\n$6\r\nnosort\r\n$3\r\nGET\r\n$1\r\n#\r\n$3\r\nGET\r\n$2\r\nx*\r\n', 15);
  assert.equal(raw.toString('latin1'), '*2\r\n$1\r\na\r\n_\r\n');
});

async function waitForBlocked(n: number): Promise<void> {
  const probe = await srv.client();
  for (let i = 0; i < 500; i++) {
    const info = (await probe.call('INFO', 'clients')) as string;
    if (new RegExp(`blocked_clients:${n}\\r\\n`).test(info)) {
      probe.close();
      return;
    }
    await new Promise((res) => setTimeout(res, 2));
  }
  throw new Error(`never saw ${n} blocked clients`);
}
