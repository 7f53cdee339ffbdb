/**
 * Wire tests of ZRANGESTORE and the ZRANGE syntax, encoding conversions, keyspace events, and
 * how scores are read and printed — the remaining cases of Redis 7.0's zset.tcl plus the
 * details the Tcl suite leaves implicit (checked against redis-server 7.0.15).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, OK, startTestServer, type RespClient, type Reply, type TestServer } from '../../helpers/server.js';

let srv: TestServer;
let c: RespClient;
let c3: RespClient;

before(async () => {
  srv = await startTestServer({ 'notify-keyspace-events': 'KEAn' });
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

async function limits(entries: number, value = 64): Promise<void> {
  assert.deepEqual(await r('CONFIG', 'SET', 'zset-max-listpack-entries', entries), OK);
  assert.deepEqual(await r('CONFIG', 'SET', 'zset-max-listpack-value', value), OK);
}

test('ZRANGESTORE basic / range / BYLEX / BYSCORE / LIMIT / REV', async () => {
  await limits(128);
  await r('DEL', 'z1{t}', 'z2{t}');
  await r('ZADD', 'z1{t}', 1, 'a', 2, 'b', 3, 'c', 4, 'd');
  assert.equal(await r('ZRANGESTORE', 'z2{t}', 'z1{t}', 0, -1), 4);
  assert.deepEqual(await r('ZRANGE', 'z2{t}', 0, -1, 'withscores'), ['a', '1', 'b', '2', 'c', '3', 'd', '4']);
  assert.deepEqual(await r3('ZRANGE', 'z2{t}', 0, -1, 'withscores'), [['a', d('1')], ['b', d('2')], ['c', d('3')], ['d', d('4')]]);
  const cases: [(string | number)[], number, string[]][] = [
    [[1, 2], 2, ['b', '2', 'c', '3']],
    [['[b', '[c', 'BYLEX'], 2, ['b', '2', 'c', '3']],
    [[1, 2, 'BYSCORE'], 2, ['a', '1', 'b', '2']],
    [[0, 5, 'BYSCORE', 'LIMIT', 0, 2], 2, ['a', '1', 'b', '2']],
    [[5, 0, 'BYSCORE', 'REV', 'LIMIT', 0, 2], 2, ['c', '3', 'd', '4']],
    [[0, 1, 'REV'], 2, ['c', '3', 'd', '4']],
    [['[c', '-', 'BYLEX', 'REV', 'LIMIT', 1, 5], 2, ['a', '1', 'b', '2']],
  ];
  for (const [args, n, content] of cases) {
    assert.equal(await r('ZRANGESTORE', 'z2{t}', 'z1{t}', ...args), n, args.join(' '));
    assert.deepEqual(await r('ZRANGE', 'z2{t}', 0, -1, 'withscores'), content);
  }
  assert.deepEqual(await r('ZRANGE', 'z1{t}', 5, 0, 'BYSCORE', 'REV', 'LIMIT', 0, 2, 'WITHSCORES'), ['d', '4', 'c', '3']);
  assert.deepEqual(await r('ZRANGE', 'z1{t}', '[b', '[c', 'BYLEX'), ['b', 'c']);
});

test('ZRANGESTORE - src key missing / wrong type / empty ranges delete the destination', async () => {
  await r('DEL', 'z1{t}', 'z2{t}');
  await r('ZADD', 'z1{t}', 1, 'a', 2, 'b', 3, 'c', 4, 'd');
  await r('ZADD', 'z2{t}', 1, 'a');
  assert.equal(await r('ZRANGESTORE', 'z2{t}', 'missing{t}', 0, -1), 0);
  assert.equal(await r('EXISTS', 'z2{t}'), 0);
  await r('ZADD', 'z2{t}', 1, 'a');
  await r('SET', 'foo{t}', 'bar');
  assertError(await r('ZRANGESTORE', 'z2{t}', 'foo{t}', 0, -1), 'WRONGTYPE*');
  assert.deepEqual(await r('ZRANGE', 'z2{t}', 0, -1), ['a']);
  for (const args of [[5, 6], ['[f', '[g', 'BYLEX'], [5, 6, 'BYSCORE']]) {
    await r('ZADD', 'z2{t}', 1, 'a');
    assert.equal(await r('ZRANGESTORE', 'z2{t}', 'z1{t}', ...args), 0);
    assert.equal(await r('EXISTS', 'z2{t}'), 0);
  }
  // The destination is overwritten whatever it held, and loses its TTL.
  await r('SET', 'z2{t}', 'string', 'EX', 100);
  assert.equal(await r('ZRANGESTORE', 'z2{t}', 'z1{t}', 0, 0), 1);
  assert.equal(await r('TTL', 'z2{t}'), -1);
});

test('ZRANGESTORE / ZRANGE invalid syntax', async () => {
  assertError(await r('ZRANGESTORE', 'z2{t}', 'z1{t}', 0, -1, 'limit', 1, 2), 'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
  assertError(await r('ZRANGESTORE', 'z2{t}', 'z1{t}', 0, -1, 'WITHSCORES'), 'ERR syntax error');
  assertError(await r('ZRANGE', 'z1{t}', 0, -1, 'limit', 1, 2), 'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
  assertError(await r('ZRANGE', 'z1{t}', 0, -1, 'BYLEX', 'WITHSCORES'), 'ERR syntax error, WITHSCORES not supported in combination with BYLEX');
  assertError(await r('ZREVRANGE', 'z1{t}', 0, -1, 'BYSCORE'), 'ERR syntax error');
  assertError(await r('ZRANGEBYSCORE', 'z1{t}', 0, -1, 'REV'), 'ERR syntax error');
  assertError(await r('ZRANGE', 'z1{t}', 0, -1, 'REV', 'REV'), 'ERR syntax error');
  assertError(await r('ZRANGE', 'z1{t}', 0, -1, 'BYSCORE', 'BYLEX'), 'ERR syntax error');
  assertError(await r('ZRANGE', 'z1{t}', 0, -1, 'BYSCORE', 'LIMIT', 0), 'ERR syntax error');
  assertError(await r('ZRANGEBYLEX', 'z1{t}', '-', '+', 'WITHSCORES'), 'ERR syntax error, WITHSCORES not supported in combination with BYLEX');
  assertError(await r('ZRANGE', 'z1{t}', 'a', 'b'), 'ERR value is not an integer or out of range');
  assertError(await r('ZRANGE', 'z1{t}', 0, '9223372036854775808'), 'ERR value is not an integer or out of range');
  assertError(await r('ZRANGE', 'z1{t}', 0, 1, 'BYSCORE', 'LIMIT', 'a', 1), 'ERR value is not an integer or out of range');
  // LIMIT with a count of -1 is "no limit", which Redis accepts even for a rank range.
  await r('DEL', 'z1{t}');
  await r('ZADD', 'z1{t}', 1, 'a', 2, 'b');
  assert.deepEqual(await r('ZRANGE', 'z1{t}', 0, -1, 'LIMIT', 5, -1), ['a', 'b']);
  assert.deepEqual(await r('ZRANGE', 'z1{t}', 0, '9223372036854775807'), ['a', 'b']);
  assert.deepEqual(await r('ZRANGE', 'z1{t}', '-9223372036854775808', -1), ['a', 'b']);
  assert.deepEqual(await r('ZRANGE', 'z1{t}', 0, -1, 'WITHSCORES', 'WITHSCORES'), ['a', '1', 'b', '2']);
});

test('ZRANGE family replies in RESP3', async () => {
  await r('DEL', 'z');
  await r('ZADD', 'z', 1, 'a', 2, 'b', '1.5', 'c');
  assert.deepEqual(await r3('ZRANGEBYSCORE', 'z', 0, 10, 'WITHSCORES'), [['a', d('1')], ['c', d('1.5')], ['b', d('2')]]);
  assert.deepEqual(await r3('ZREVRANGE', 'z', 0, 0, 'WITHSCORES'), [['b', d('2')]]);
  assert.deepEqual(await r3('ZREVRANGEBYSCORE', 'z', 10, 0, 'WITHSCORES', 'LIMIT', 0, 1), [['b', d('2')]]);
  assert.deepEqual(await r3('ZRANGE', 'z', 0, -1), ['a', 'c', 'b']);
  assert.deepEqual(await r3('ZSCORE', 'z', 'c'), d('1.5'));
  assert.equal(await r3('ZSCORE', 'z', 'nope'), null);
  assert.deepEqual(await r3('ZINCRBY', 'z', 1, 'a'), d('2'));
  assert.deepEqual(await r3('ZADD', 'z', 'INCR', 1, 'a'), d('3'));
  assert.equal(await r3('ZADD', 'z', 'XX', 'INCR', 1, 'nope'), null);
  assert.equal(await r3('ZRANK', 'z', 'nope'), null);
  assert.deepEqual(await r3('ZRANGE', 'nokey', 0, -1, 'WITHSCORES'), []);
});

test('Scores are printed as Redis 7.0 prints them (%.17g)', async () => {
  await r('DEL', 'z');
  await r('ZADD', 'z', '1.1', 'a', '0.1', 'b', '3e20', 'c', '1e-5', 'd', '-inf', 'e', '100', 'f', '1e15', 'g', '123456789.123', 'h');
  assert.deepEqual(await r('ZRANGE', 'z', 0, -1, 'WITHSCORES'), [
    'e', '-inf', 'd', '1.0000000000000001e-05', 'b', '0.10000000000000001', 'a', '1.1000000000000001', 'f', '100',
    'h', '123456789.123', 'g', '1000000000000000', 'c', '3e+20',
  ]);
  assert.deepEqual(await r3('ZSCORE', 'z', 'a'), d('1.1000000000000001'));
  assert.deepEqual(await r3('ZSCORE', 'z', 'e'), d('-inf'));
});

test('zset score double range', async () => {
  const dblmax = '179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368.00000000000000000';
  await limits(128);
  await r('DEL', 'zz');
  await r('ZADD', 'zz', dblmax, 'dblmax');
  assert.equal(await r('OBJECT', 'ENCODING', 'zz'), 'listpack');
  assert.equal(await r('ZSCORE', 'zz', 'dblmax'), '1.7976931348623157e+308');
});

test('Scores are read as Redis reads them (strtod, no overflow, no NaN)', async () => {
  await r('DEL', 'z');
  const ok: [string, string][] = [['0x10', '16'], ['0x1p3', '8'], ['0x1.8p1', '3'], ['-0x1P-2', '-0.25'], ['infinity', 'inf'],
    ['-Infinity', '-inf'], ['5.', '5'], ['.5', '0.5'], ['+5', '5'], ['1e5', '100000'], ['4e-320', '3.999955468730732e-320']];
  for (const [arg, want] of ok) {
    assert.equal(await r('ZADD', 'z', arg, `m${arg}`), 1, arg);
    assert.equal(await r('ZSCORE', 'z', `m${arg}`), want, arg);
  }
  for (const bad of ['1e400', '1e-400', ' 1', '1 ', '1_0', '-nan', 'nan', '0x', '1e', '', 'abc', '1.1.1']) {
    assertError(await r('ZADD', 'z', bad, 'x'), 'ERR value is not a valid float');
    assertError(await r('ZINCRBY', 'z', bad, 'x'), 'ERR value is not a valid float');
  }
  // Range bounds use bare strtod: leading space, overflow to inf and the empty string are fine.
  await r('DEL', 'z');
  await r('ZADD', 'z', 0, 'zero', 5, 'five', '+inf', 'top');
  assert.deepEqual(await r('ZRANGEBYSCORE', 'z', '', 1), ['zero']);
  assert.deepEqual(await r('ZRANGEBYSCORE', 'z', '(', 10), ['five']);
  assert.deepEqual(await r('ZRANGEBYSCORE', 'z', ' 1', '0x10'), ['five']);
  assert.deepEqual(await r('ZRANGEBYSCORE', 'z', '1e400', '1e401'), ['top']);
  assertError(await r('ZRANGEBYSCORE', 'z', '1 ', 10), 'ERR min or max is not a float');
  assertError(await r('ZRANGEBYSCORE', 'z', ' ', 10), 'ERR min or max is not a float');
});

test('A listpack stores -0 as 0, a skiplist keeps the sign', async () => {
  await limits(128);
  await r('DEL', 'zl', 'zs');
  await r('ZADD', 'zl', '-0.0', 'a');
  assert.equal(await r('ZSCORE', 'zl', 'a'), '0');
  await limits(0);
  await r('ZADD', 'zs', '-0.0', 'a');
  assert.equal(await r('OBJECT', 'ENCODING', 'zs'), 'skiplist');
  assert.equal(await r('ZSCORE', 'zs', 'a'), '-0');
  assert.deepEqual(await r3('ZSCORE', 'zs', 'a'), d('-0'));
  // ZRANGESTORE builds its result member by member: with a score range it starts as a
  // listpack (so the first members lose the sign) and turns into a skiplist as it grows.
  await r('DEL', 'src', 'dst');
  await r('ZADD', 'src', '-0.0', 'a', '-0.0', 'b');
  await limits(1);
  assert.equal(await r('ZRANGESTORE', 'dst', 'src', '-inf', '+inf', 'BYSCORE'), 2);
  assert.deepEqual(await r('ZRANGE', 'dst', 0, -1, 'WITHSCORES'), ['a', '0', 'b', '-0']);
  // A rank range knows its length up front: too long for a listpack, so no member loses it.
  assert.equal(await r('ZRANGESTORE', 'dst', 'src', 0, -1), 2);
  assert.deepEqual(await r('ZRANGE', 'dst', 0, -1, 'WITHSCORES'), ['a', '-0', 'b', '-0']);
  assert.equal(await r('ZRANGESTORE', 'dst', 'src', 0, 0), 1);
  assert.deepEqual(await r('ZRANGE', 'dst', 0, -1, 'WITHSCORES'), ['a', '0']);
  // ZADD to a new key starts a listpack too: the first member loses the sign.
  await r('DEL', 'src');
  await r('ZADD', 'src', '-0.0', 'a', '-0.0', 'b');
  assert.deepEqual(await r('ZRANGE', 'src', 0, -1, 'WITHSCORES'), ['a', '0', 'b', '-0']);
  await limits(128);
});

test('Encoding conversions follow zset-max-listpack-entries/value', async () => {
  await limits(2, 3);
  await r('DEL', 'a', 'b', 'c', 'c2', 'e');
  await r('ZADD', 'a', 1, 'x', 2, 'y');
  assert.equal(await r('OBJECT', 'ENCODING', 'a'), 'listpack');
  await r('ZADD', 'a', 3, 'z');
  assert.equal(await r('OBJECT', 'ENCODING', 'a'), 'skiplist');
  await r('ZREM', 'a', 'z', 'y');
  assert.equal(await r('OBJECT', 'ENCODING', 'a'), 'skiplist');
  await r('ZADD', 'b', 1, 'abcd');
  assert.equal(await r('OBJECT', 'ENCODING', 'b'), 'skiplist');
  await r('ZADD', 'c', 1, 'abc');
  assert.equal(await r('OBJECT', 'ENCODING', 'c'), 'listpack');
  await r('ZADD', 'c', 2, 'abc', 1, 'abcd');
  assert.equal(await r('OBJECT', 'ENCODING', 'c'), 'skiplist');
  await r('ZADD', 'c2', 1, 'a', 2, 'b');
  await limits(1, 3);
  // Updating a member or an XX no-op never converts; a new member does.
  await r('ZADD', 'c2', 3, 'b');
  await r('ZADD', 'c2', 'XX', 3, 'c');
  assert.equal(await r('OBJECT', 'ENCODING', 'c2'), 'listpack');
  await r('ZADD', 'c2', 3, 'c');
  assert.equal(await r('OBJECT', 'ENCODING', 'c2'), 'skiplist');
  await limits(2, 3);
  await r('ZADD', 'e', 1, 'a', 2, 'b', 3, 'c');
  assert.equal(await r('ZRANGESTORE', 'g', 'e', 0, 1), 2);
  assert.equal(await r('OBJECT', 'ENCODING', 'g'), 'listpack');
  assert.equal(await r('ZRANGESTORE', 'g', 'e', 0, 2), 3);
  assert.equal(await r('OBJECT', 'ENCODING', 'g'), 'skiplist');
  assert.equal(await r('ZRANGESTORE', 'g', 'b', 0, 0), 1);
  assert.equal(await r('OBJECT', 'ENCODING', 'g'), 'skiplist');
  await limits(0, 3);
  assert.equal(await r('ZRANGESTORE', 'i', 'c2', 0, 0), 1);
  assert.equal(await r('OBJECT', 'ENCODING', 'i'), 'skiplist');
  await limits(128);
});

for (const type of ['single', 'multiple', 'single_multiple']) {
  test(`ZADD overflows the maximum allowed elements in a listpack - ${type}`, async () => {
    await r('DEL', 'myzset');
    const max = 64;
    await limits(max);
    const bulk: (string | number)[] = [];
    for (let i = 0; i < max * 2; i++) bulk.push(i);
    if (type === 'single') for (let i = 0; i < max; i++) await r('ZADD', 'myzset', i, i);
    else if (type === 'multiple') await r('ZADD', 'myzset', ...bulk);
    else {
      await r('ZADD', 'myzset', 1, 1);
      await r('ZADD', 'myzset', ...bulk);
    }
    assert.equal(await r('OBJECT', 'ENCODING', 'myzset'), 'listpack');
    assert.equal(await r('ZCARD', 'myzset'), max);
    assert.equal(await r('ZADD', 'myzset', 1, 'b'), 1);
    assert.equal(await r('OBJECT', 'ENCODING', 'myzset'), 'skiplist');
    await limits(128);
  });
}

test('Keyspace events of the sorted-set commands', async () => {
  const sub = await srv.client();
  await sub.call('PSUBSCRIBE', '__keyevent@*__:*');
  await r('FLUSHALL');
  const events = async (...args: (string | number)[]): Promise<string[]> => {
    await r(...args);
    await r('PING'); // the events of a command arrive before the next reply
    const out: string[] = [];
    while (sub.pushes.length > 0) {
      const m = sub.pushes.shift() as string[];
      out.push(`${(m[2] as string).replace(/^__keyevent@\d+__:/, '')}(${m[3] as string})`);
    }
    return out;
  };
  await new Promise((res) => setTimeout(res, 20));
  const cases: [(string | number)[], string[]][] = [
    [['ZADD', 'k', 1, 'a'], ['new(k)', 'zadd(k)']], [['ZADD', 'k', 1, 'a'], []], [['ZADD', 'k', 'CH', 2, 'a'], ['zadd(k)']],
    [['ZADD', 'k', 'XX', 1, 'zz'], []], [['ZADD', 'k', 'INCR', 1, 'a'], ['zincr(k)']], [['ZADD', 'k', 'INCR', 0, 'a'], []],
    [['ZINCRBY', 'k', 1, 'a'], ['zincr(k)']], [['ZADD', 'k', 1, 'a', 2, 'b', 3, 'c', 4, 'd'], ['zadd(k)']],
    [['ZREM', 'k', 'x'], []], [['ZREM', 'k', 'a'], ['zrem(k)']], [['ZREMRANGEBYSCORE', 'k', 100, 200], []],
    [['ZREMRANGEBYSCORE', 'k', 2, 2], ['zremrangebyscore(k)']], [['ZREMRANGEBYRANK', 'k', 0, 0], ['zremrangebyrank(k)']],
    [['ZREMRANGEBYLEX', 'k', '-', '+'], ['zremrangebylex(k)', 'del(k)']], [['ZADD', 'k', 1, 'a', 2, 'b', 3, 'c'], ['new(k)', 'zadd(k)']],
    [['ZPOPMIN', 'k'], ['zpopmin(k)']], [['ZPOPMIN', 'k', 0], []], [['ZMPOP', 1, 'k', 'MAX'], ['zpopmax(k)']],
    [['ZPOPMAX', 'k', 10], ['zpopmax(k)', 'del(k)']], [['ZADD', 'k', 1, 'a', 2, 'b'], ['new(k)', 'zadd(k)']],
    [['ZUNIONSTORE', 'd', 1, 'k'], ['new(d)', 'zunionstore(d)']], [['ZINTERSTORE', 'd', 1, 'k'], ['zinterstore(d)']],
    [['ZUNIONSTORE', 'd', 1, 'nokey'], ['del(d)']], [['ZUNIONSTORE', 'd', 1, 'nokey'], []],
    [['ZDIFFSTORE', 'd', 2, 'k', 'k'], []], [['ZRANGESTORE', 'd', 'k', 0, -1], ['new(d)', 'zrangestore(d)']],
    [['ZRANGESTORE', 'd', 'k', 5, 6], ['del(d)']], [['ZADD', 'k', 'INCR', '-inf', 'a'], ['zincr(k)']],
    [['ZADD', 'k', 'INCR', '+inf', 'a'], []],
  ];
  for (const [cmd, want] of cases) assert.deepEqual(await events(...cmd), want, cmd.join(' '));
  sub.close();
});

test('COMMAND INFO of the sorted-set commands', async () => {
  const info = (await r('COMMAND', 'INFO', 'zadd', 'zrangestore', 'zunionstore', 'zmpop', 'zrandmember')) as Reply[][];
  const st = (...flags: string[]): Reply[] => flags.map((status) => ({ status }));
  assert.deepEqual(info.map((e) => e.slice(0, 6)), [
    ['zadd', -4, st('write', 'denyoom', 'fast'), 1, 1, 1],
    ['zrangestore', -5, st('write', 'denyoom'), 1, 2, 1],
    ['zunionstore', -4, st('write', 'denyoom', 'movablekeys'), 1, 1, 1],
    ['zmpop', -4, st('write', 'movablekeys'), 0, 0, 0],
    ['zrandmember', -2, st('readonly'), 1, 1, 1],
  ]);
  assert.deepEqual(await r('COMMAND', 'GETKEYS', 'ZUNIONSTORE', 'dst', 2, 'a', 'b', 'WEIGHTS', 1, 2), ['dst', 'a', 'b']);
  assert.deepEqual(await r('COMMAND', 'GETKEYS', 'ZMPOP', 2, 'a', 'b', 'MIN'), ['a', 'b']);
  assert.deepEqual(await r('COMMAND', 'GETKEYS', 'ZINTERCARD', 1, 'a', 'LIMIT', 2), ['a']);
});

test('COPY of a sorted set is independent of the original, in both encodings', async () => {
  await limits(3);
  await r('DEL', 'a', 'b', 'a2', 'b2');
  await r('ZADD', 'a', 1, 'x', 2, 'y');
  await r('ZADD', 'b', 1, 'x', 2, 'y', 3, 'z', 4, 'w');
  assert.equal(await r('COPY', 'a', 'a2'), 1);
  assert.equal(await r('COPY', 'b', 'b2'), 1);
  await r('ZADD', 'a2', 5, 'q');
  await r('ZADD', 'b2', 5, 'q');
  await r('ZREM', 'b2', 'x');
  assert.deepEqual(await r('ZRANGE', 'a', 0, -1), ['x', 'y']);
  assert.deepEqual(await r('ZRANGE', 'b', 0, -1), ['x', 'y', 'z', 'w']);
  assert.deepEqual(await r('ZRANGE', 'a2', 0, -1), ['x', 'y', 'q']);
  assert.deepEqual(await r('ZRANGE', 'b2', 0, -1, 'WITHSCORES'), ['y', '2', 'z', '3', 'w', '4', 'q', '5']);
  assert.equal(await r('OBJECT', 'ENCODING', 'a2'), 'listpack');
  assert.equal(await r('OBJECT', 'ENCODING', 'b2'), 'skiplist');
  await limits(128);
});
