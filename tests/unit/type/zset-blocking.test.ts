/**
 * Wire tests of BZPOPMIN, BZPOPMAX and BZMPOP, mirroring the blocking tests of Redis 7.0's
 * tests/unit/type/zset.tcl (once per encoding where the Tcl suite loops), with the exact
 * bytes in RESP2 and RESP3, plus the waiting rules Redis has: first come first served, several
 * keys, wake-ups after MULTI/EXEC, keys deleted or retyped meanwhile, timeouts, and a client
 * that disconnects while blocked.
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

/** Redis's wait_for_blocked_clients_count: poll INFO until `n` clients are blocked. */
async function waitForBlocked(n: number): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    const info = (await r('INFO', 'clients')) as string;
    if (info.includes(`blocked_clients:${n}\r\n`)) return;
    await new Promise((res) => setTimeout(res, 2));
  }
  throw new Error(`never saw ${n} blocked clients`);
}

async function createZset(key: string, items: (string | number)[]): Promise<void> {
  await r('DEL', key);
  for (let i = 0; i < items.length; i += 2) await r('ZADD', key, items[i] as string | number, items[i + 1] as string | number);
}

async function setEncoding(encoding: string): Promise<void> {
  const small = encoding === 'listpack';
  assert.deepEqual(await r('CONFIG', 'SET', 'zset-max-listpack-entries', small ? 128 : 0), OK);
  assert.deepEqual(await r('CONFIG', 'SET', 'zset-max-listpack-value', small ? 64 : 0), OK);
}

/**
 * The Tcl suite's pop variants: 'BZPOPMIN'/'BZPOPMAX', or 'BZMPOP_MIN'/'BZMPOP_MAX' for
 * BZMPOP with that direction. Sends the command for `keys` (without waiting).
 */
function bzpop(rd: RespClient, pop: string, keys: string[], timeout: number | string, count = 0): Promise<Reply> {
  if (pop.startsWith('BZMPOP')) {
    const where = pop.slice(pop.indexOf('_') + 1);
    const args: (string | number)[] = ['BZMPOP', timeout, keys.length, ...keys, where];
    if (count > 0) args.push('COUNT', count);
    return rd.call(...args);
  }
  return rd.call(pop, ...keys, timeout);
}

/** verify_pop_response: BZPOP* answers [key, member, score], BZMPOP [key, [[member, score]...]]. */
function expected(pop: string, bzpopReply: Reply, bzmpopReply: Reply): Reply {
  return pop.startsWith('BZMPOP') ? bzmpopReply : bzpopReply;
}

for (const enc of ['listpack', 'skiplist'] as const) {
  for (const [popmin, popmax] of [
    ['BZPOPMIN', 'BZPOPMAX'],
    ['BZMPOP_MIN', 'BZMPOP_MAX'],
  ] as const) {
    test(`${popmin}/${popmax} with a single existing sorted set - ${enc}`, async () => {
      await setEncoding(enc);
      const rd = await srv.client();
      await createZset('zset', [0, 'a', 1, 'b', 2, 'c', 3, 'd']);
      assert.equal(await r('OBJECT', 'ENCODING', 'zset'), enc);
      assert.deepEqual(await bzpop(rd, popmin, ['zset'], 5), expected(popmin, ['zset', 'a', '0'], ['zset', [['a', '0']]]));
      assert.deepEqual(await bzpop(rd, popmax, ['zset'], 5), expected(popmax, ['zset', 'd', '3'], ['zset', [['d', '3']]]));
      assert.deepEqual(await bzpop(rd, popmin, ['zset'], 5), expected(popmin, ['zset', 'b', '1'], ['zset', [['b', '1']]]));
      assert.deepEqual(await bzpop(rd, popmax, ['zset'], 5), expected(popmax, ['zset', 'c', '2'], ['zset', [['c', '2']]]));
      assert.equal(await r('EXISTS', 'zset'), 0);
      rd.close();
    });

    test(`${popmin}/${popmax} with multiple existing sorted sets - ${enc}`, async () => {
      await setEncoding(enc);
      const rd = await srv.client();
      await createZset('z1', [0, 'a', 1, 'b', 2, 'c']);
      await createZset('z2', [3, 'd', 4, 'e', 5, 'f']);
      assert.deepEqual(await bzpop(rd, popmin, ['z1', 'z2'], 5), expected(popmin, ['z1', 'a', '0'], ['z1', [['a', '0']]]));
      assert.deepEqual(await bzpop(rd, popmax, ['z1', 'z2'], 5), expected(popmax, ['z1', 'c', '2'], ['z1', [['c', '2']]]));
      assert.equal(await r('ZCARD', 'z1'), 1);
      assert.equal(await r('ZCARD', 'z2'), 3);
      assert.deepEqual(await bzpop(rd, popmax, ['z2', 'z1'], 5), expected(popmax, ['z2', 'f', '5'], ['z2', [['f', '5']]]));
      assert.deepEqual(await bzpop(rd, popmin, ['z2', 'z1'], 5), expected(popmin, ['z2', 'd', '3'], ['z2', [['d', '3']]]));
      assert.equal(await r('ZCARD', 'z1'), 1);
      assert.equal(await r('ZCARD', 'z2'), 1);
      rd.close();
    });

    test(`${popmin}/${popmax} second sorted set has members - ${enc}`, async () => {
      await setEncoding(enc);
      const rd = await srv.client();
      await r('DEL', 'z1');
      await createZset('z2', [3, 'd', 4, 'e', 5, 'f']);
      assert.deepEqual(await bzpop(rd, popmax, ['z1', 'z2'], 5), expected(popmax, ['z2', 'f', '5'], ['z2', [['f', '5']]]));
      assert.deepEqual(await bzpop(rd, popmin, ['z1', 'z2'], 5), expected(popmin, ['z2', 'd', '3'], ['z2', [['d', '3']]]));
      assert.equal(await r('ZCARD', 'z1'), 0);
      assert.equal(await r('ZCARD', 'z2'), 1);
      rd.close();
    });

    test(`${popmin}/${popmax} - ${enc} RESP3`, async () => {
      await setEncoding(enc);
      const rd = await srv.client();
      await rd.call('HELLO', '3');
      await createZset('zset', [0, 'a', 1, 'b', 2, 'c', 3, 'd']);
      const d = (s: string): Reply => ({ double: s });
      assert.deepEqual(await bzpop(rd, popmin, ['zset'], 5), expected(popmin, ['zset', 'a', d('0')], ['zset', [['a', d('0')]]]));
      assert.deepEqual(await bzpop(rd, popmax, ['zset'], 5), expected(popmax, ['zset', 'd', d('3')], ['zset', [['d', d('3')]]]));
      assert.deepEqual(await bzpop(rd, popmin, ['zset'], 5), expected(popmin, ['zset', 'b', d('1')], ['zset', [['b', d('1')]]]));
      assert.deepEqual(await bzpop(rd, popmax, ['zset'], 5), expected(popmax, ['zset', 'c', d('2')], ['zset', [['c', d('2')]]]));
      assert.equal(await r('EXISTS', 'zset'), 0);
      rd.close();
    });
  }

  for (const pop of ['BZPOPMIN', 'BZMPOP_MIN']) {
    test(`${pop}, ZADD + DEL should not awake blocked client - ${enc}`, async () => {
      await setEncoding(enc);
      const rd = await srv.client();
      await r('DEL', 'zset');
      const reply = bzpop(rd, pop, ['zset'], 0);
      await waitForBlocked(1);
      assert.deepEqual(await r('MULTI'), OK);
      await r('ZADD', 'zset', 0, 'foo');
      await r('DEL', 'zset');
      assert.deepEqual(await r('EXEC'), [1, 1]);
      await r('DEL', 'zset');
      await r('ZADD', 'zset', 1, 'bar');
      assert.deepEqual(await reply, expected(pop, ['zset', 'bar', '1'], ['zset', [['bar', '1']]]));
      rd.close();
    });

    test(`${pop}, ZADD + DEL + SET should not awake blocked client - ${enc}`, async () => {
      await setEncoding(enc);
      const rd = await srv.client();
      await r('DEL', 'zset');
      const reply = bzpop(rd, pop, ['zset'], 0);
      await waitForBlocked(1);
      assert.deepEqual(await r('MULTI'), OK);
      await r('ZADD', 'zset', 0, 'foo');
      await r('DEL', 'zset');
      await r('SET', 'zset', 'foo');
      assert.deepEqual(await r('EXEC'), [1, 1, OK]);
      await r('DEL', 'zset');
      await r('ZADD', 'zset', 1, 'bar');
      assert.deepEqual(await reply, expected(pop, ['zset', 'bar', '1'], ['zset', [['bar', '1']]]));
      rd.close();
    });
  }

  test(`BZPOPMIN with same key multiple times should work - ${enc}`, async () => {
    await setEncoding(enc);
    const rd = await srv.client();
    await r('DEL', 'z1', 'z2');
    // Data arriving after the BZPOPMIN.
    let reply = rd.call('BZPOPMIN', 'z1', 'z2', 'z2', 'z1', 0);
    await waitForBlocked(1);
    await r('ZADD', 'z1', 0, 'a');
    assert.deepEqual(await reply, ['z1', 'a', '0']);
    reply = rd.call('BZPOPMIN', 'z1', 'z2', 'z2', 'z1', 0);
    await waitForBlocked(1);
    await r('ZADD', 'z2', 1, 'b');
    assert.deepEqual(await reply, ['z2', 'b', '1']);
    // Data already there.
    await r('ZADD', 'z1', 0, 'a');
    await r('ZADD', 'z2', 1, 'b');
    assert.deepEqual(await rd.call('BZPOPMIN', 'z1', 'z2', 'z2', 'z1', 0), ['z1', 'a', '0']);
    assert.deepEqual(await rd.call('BZPOPMIN', 'z1', 'z2', 'z2', 'z1', 0), ['z2', 'b', '1']);
    rd.close();
  });

  for (const pop of ['BZPOPMIN', 'BZMPOP_MIN']) {
    test(`MULTI/EXEC is isolated from the point of view of ${pop} - ${enc}`, async () => {
      await setEncoding(enc);
      const rd = await srv.client();
      await r('DEL', 'zset');
      const reply = bzpop(rd, pop, ['zset'], 0);
      await waitForBlocked(1);
      assert.deepEqual(await r('MULTI'), OK);
      await r('ZADD', 'zset', 0, 'a');
      await r('ZADD', 'zset', 1, 'b');
      await r('ZADD', 'zset', 2, 'c');
      assert.deepEqual(await r('EXEC'), [1, 1, 1]);
      assert.deepEqual(await reply, expected(pop, ['zset', 'a', '0'], ['zset', [['a', '0']]]));
      rd.close();
    });

    test(`${pop} with variadic ZADD - ${enc}`, async () => {
      await setEncoding(enc);
      const rd = await srv.client();
      await r('DEL', 'zset');
      const reply = bzpop(rd, pop, ['zset'], 0);
      await waitForBlocked(1);
      assert.equal(await r('ZADD', 'zset', -1, 'foo', 1, 'bar'), 2);
      assert.deepEqual(await reply, expected(pop, ['zset', 'foo', '-1'], ['zset', [['foo', '-1']]]));
      assert.deepEqual(await r('ZRANGE', 'zset', 0, -1), ['bar']);
      rd.close();
    });

    test(`${pop} with zero timeout should block indefinitely - ${enc}`, async () => {
      await setEncoding(enc);
      const rd = await srv.client();
      await r('DEL', 'zset');
      let done = false;
      const reply = bzpop(rd, pop, ['zset'], 0).then((v) => {
        done = true;
        return v;
      });
      await waitForBlocked(1);
      // (sort.tcl waits a second; 200 ms is plenty to see that no timer fires.)
      await new Promise((res) => setTimeout(res, 200));
      assert.equal(done, false);
      await r('ZADD', 'zset', 0, 'foo');
      assert.deepEqual(await reply, expected(pop, ['zset', 'foo', '0'], ['zset', [['foo', '0']]]));
      rd.close();
    });
  }
}

test('BZPOP/BZMPOP against wrong type', async () => {
  await r('SET', 'foo', 'bar');
  const wt = 'WRONGTYPE Operation against a key holding the wrong kind of value';
  assertError(await r('BZPOPMIN', 'foo', 1), wt);
  assertError(await r('BZPOPMAX', 'foo', 1), wt);
  assertError(await r('BZMPOP', 1, 1, 'foo', 'min'), wt);
  assertError(await r('BZMPOP', 1, 1, 'foo', 'max'), wt);
  assertError(await r('BZMPOP', 1, 1, 'foo', 'min', 'count', 10), wt);
  await r('DEL', 'foo');
  await r('SET', 'foo2', 'bar');
  assertError(await r('BZMPOP', 1, 2, 'foo', 'foo2', 'min'), wt);
  assertError(await r('BZMPOP', 1, 2, 'foo2', 'foo', 'max', 'count', 1), wt);
  // The first non-empty sorted set is served before a wrong-typed key further on.
  await r('ZADD', 'zok', 1, 'a');
  assert.deepEqual(await r('BZPOPMIN', 'zok', 'foo2', 1), ['zok', 'a', '1']);
  await r('DEL', 'foo2', 'zok');
});

test('BZMPOP with illegal argument', async () => {
  const arity = "ERR wrong number of arguments for 'bzmpop' command";
  assertError(await r('BZMPOP'), arity);
  assertError(await r('BZMPOP', 0, 1), arity);
  assertError(await r('BZMPOP', 0, 1, 'myzset'), arity);

  assertError(await r('BZMPOP', 1, 0, 'myzset', 'MIN'), 'ERR numkeys should be greater than 0');
  assertError(await r('BZMPOP', 1, 'a', 'myzset', 'MIN'), 'ERR numkeys should be greater than 0');
  assertError(await r('BZMPOP', 1, -1, 'myzset', 'MAX'), 'ERR numkeys should be greater than 0');

  assertError(await r('BZMPOP', 1, 1, 'myzset', 'bad_where'), 'ERR syntax error');
  assertError(await r('BZMPOP', 1, 1, 'myzset', 'MIN', 'bar_arg'), 'ERR syntax error');
  assertError(await r('BZMPOP', 1, 1, 'myzset', 'MAX', 'MIN'), 'ERR syntax error');
  assertError(await r('BZMPOP', 1, 1, 'myzset', 'COUNT'), 'ERR syntax error');
  assertError(await r('BZMPOP', 1, 1, 'myzset', 'MIN', 'COUNT', 1, 'COUNT', 2), 'ERR syntax error');
  assertError(await r('BZMPOP', 1, 2, 'myzset', 'myzset2', 'bad_arg'), 'ERR syntax error');

  assertError(await r('BZMPOP', 1, 1, 'myzset', 'MIN', 'COUNT', 0), 'ERR count should be greater than 0');
  assertError(await r('BZMPOP', 1, 1, 'myzset', 'MAX', 'COUNT', 'a'), 'ERR count should be greater than 0');
  assertError(await r('BZMPOP', 1, 1, 'myzset', 'MIN', 'COUNT', -1), 'ERR count should be greater than 0');
  assertError(await r('BZMPOP', 1, 2, 'myzset', 'myzset2', 'MAX', 'COUNT', -1), 'ERR count should be greater than 0');
});

test('BZPOP/BZMPOP timeout arguments', async () => {
  // As Redis, BZMPOP checks numkeys, MIN/MAX and COUNT before the timeout.
  assertError(await r('BZMPOP', 'abc', 0, 'k', 'min'), 'ERR numkeys should be greater than 0');
  assertError(await r('BZMPOP', 'abc', 1, 'k', 'foo'), 'ERR syntax error');
  assertError(await r('BZMPOP', 'abc', 1, 'k', 'min'), 'ERR timeout is not a float or out of range');
  assertError(await r('BZMPOP', -1, 1, 'k', 'min'), 'ERR timeout is negative');
  assertError(await r('BZPOPMIN', 'k', 'abc'), 'ERR timeout is not a float or out of range');
  assertError(await r('BZPOPMAX', 'k', -0.5), 'ERR timeout is negative');
  assertError(await r('BZPOPMIN', 'k', 'inf'), 'ERR timeout is negative');
  assertError(await r('BZPOPMIN', 'k'), "ERR wrong number of arguments for 'bzpopmin' command");
  // A fractional timeout waits that long, then answers null.
  const t0 = Date.now();
  assert.equal(await r('BZPOPMIN', 'k', 0.05), null);
  assert.ok(Date.now() - t0 >= 45, 'waited for the timeout');
  assert.equal(await r('BZMPOP', '0.01', 2, 'k', 'k2', 'MAX'), null);
});

test('BZMPOP with multiple blocked clients', async () => {
  const rds = await Promise.all([srv.client(), srv.client(), srv.client(), srv.client()]);
  const [rd1, rd2, rd3, rd4] = rds as [RespClient, RespClient, RespClient, RespClient];
  await r('DEL', 'myzset', 'myzset2');
  const p1 = rd1.call('BZMPOP', 0, 2, 'myzset', 'myzset2', 'min', 'count', 1);
  await waitForBlocked(1);
  const p2 = rd2.call('BZMPOP', 0, 2, 'myzset', 'myzset2', 'max', 'count', 10);
  await waitForBlocked(2);
  const p3 = rd3.call('BZMPOP', 0, 2, 'myzset', 'myzset2', 'min', 'count', 10);
  await waitForBlocked(3);
  const p4 = rd4.call('BZMPOP', 0, 2, 'myzset', 'myzset2', 'max', 'count', 1);
  await waitForBlocked(4);

  assert.deepEqual(await r('MULTI'), OK);
  await r('ZADD', 'myzset', 1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e');
  await r('ZADD', 'myzset2', 1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e');
  assert.deepEqual(await r('EXEC'), [5, 5]);

  assert.deepEqual(await p1, ['myzset', [['a', '1']]]);
  assert.deepEqual(await p2, ['myzset', [['e', '5'], ['d', '4'], ['c', '3'], ['b', '2']]]);
  assert.deepEqual(await p3, ['myzset2', [['a', '1'], ['b', '2'], ['c', '3'], ['d', '4'], ['e', '5']]]);
  await r('ZADD', 'myzset2', 1, 'a', 2, 'b', 3, 'c');
  assert.deepEqual(await p4, ['myzset2', [['c', '3']]]);
  await r('DEL', 'myzset', 'myzset2');
  for (const rd of rds) rd.close();
});

test('BZMPOP should not blocks on non key arguments - #10762', async () => {
  const rd1 = await srv.client();
  const rd2 = await srv.client();
  await r('DEL', 'myzset', 'myzset2', 'myzset3');
  const p1 = rd1.call('BZMPOP', 0, 1, 'myzset', 'min', 'count', 10);
  await waitForBlocked(1);
  const p2 = rd2.call('BZMPOP', 0, 2, 'myzset2', 'myzset3', 'max', 'count', 10);
  await waitForBlocked(2);
  // These non-key keys will not unblock the clients.
  await r('ZADD', '0', 100, 'timeout_value');
  await r('ZADD', '1', 200, 'numkeys_value');
  await r('ZADD', 'min', 300, 'min_token');
  await r('ZADD', 'max', 400, 'max_token');
  await r('ZADD', 'count', 500, 'count_token');
  await r('ZADD', '10', 600, 'count_value');
  await waitForBlocked(2);
  await r('ZADD', 'myzset', 1, 'zset');
  await r('ZADD', 'myzset3', 1, 'zset3');
  assert.deepEqual(await p1, ['myzset', [['zset', '1']]]);
  assert.deepEqual(await p2, ['myzset3', [['zset3', '1']]]);
  await r('DEL', '0', '1', 'min', 'max', 'count', '10');
  rd1.close();
  rd2.close();
});

for (const resp of [3, 2] as const) {
  /** One client per block: raw mode stays on once used. */
  async function rawClient(): Promise<RespClient> {
    const rd = await srv.client();
    await rd.call('HELLO', String(resp));
    return rd;
  }
  const nil = resp === 2 ? '*-1\r\n' : '_\r\n';
  const score = (s: string): string => (resp === 2 ? `$${s.length}\r\n${s}\r\n` : `,${s}\r\n`);
  const cmd = (...args: (string | number)[]): string => args.reduce<string>((o, a) => `${o}$${String(a).length}\r\n${a}\r\n`, `*${args.length}\r\n`);

  test(`BZPOPMIN/BZPOPMAX readraw in RESP${resp}`, async () => {
    await r('DEL', 'zset');
    await createZset('zset2', [1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e']);
    const rd = await rawClient();
    // Released on timeout.
    assert.equal((await rd.rawExchange(cmd('BZPOPMIN', 'zset', '0.01'), nil.length)).toString('latin1'), nil);
    assert.equal((await rd.rawExchange(cmd('BZPOPMAX', 'zset', '0.01'), nil.length)).toString('latin1'), nil);
    // The non-blocking path.
    let want = `*3\r\n$5\r\nzset2\r\n$1\r\na\r\n${score('1')}`;
    assert.equal((await rd.rawExchange(cmd('BZPOPMIN', 'zset1', 'zset2', '0.1'), want.length)).toString('latin1'), want);
    // The blocking path.
    const pending = rd.rawExchange(cmd('BZPOPMIN', 'zset', 5), (want = `*3\r\n$4\r\nzset\r\n$1\r\na\r\n${score('1')}`).length, 5000);
    await waitForBlocked(1);
    await r('ZADD', 'zset', 1, 'a');
    assert.equal((await pending).toString('latin1'), want);
    rd.close();
  });

  test(`BZMPOP readraw in RESP${resp}`, async () => {
    await r('DEL', 'zset', 'zset2');
    await createZset('zset3', [1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e']);
    const rd = await rawClient();
    assert.equal((await rd.rawExchange(cmd('BZMPOP', '0.01', 1, 'zset', 'min'), nil.length)).toString('latin1'), nil);
    assert.equal((await rd.rawExchange(cmd('BZMPOP', '0.01', 2, 'zset', 'zset2', 'max'), nil.length)).toString('latin1'), nil);
    let want = `*2\r\n$5\r\nzset3\r\n*1\r\n*2\r\n$1\r\na\r\n${score('1')}`;
    assert.equal((await rd.rawExchange(cmd('BZMPOP', '0.1', 2, 'zset3', 'zset4', 'min'), want.length)).toString('latin1'), want);
    want = `*2\r\n$5\r\nzset2\r\n*2\r\n*2\r\n$1\r\nc\r\n${score('3')}*2\r\n$1\r\nb\r\n${score('2')}`;
    const pending = rd.rawExchange(cmd('BZMPOP', 5, 2, 'zset', 'zset2', 'max', 'count', 2), want.length, 5000);
    await waitForBlocked(1);
    await r('ZADD', 'zset2', 1, 'a', 2, 'b', 3, 'c');
    assert.equal((await pending).toString('latin1'), want);
    rd.close();
  });
}

// ---- beyond zset.tcl ----------------------------------------------------------------------

test('BZPOPMIN inside MULTI answers at once with a null array', async () => {
  await r('DEL', 'zset');
  assert.deepEqual(await r('MULTI'), OK);
  await r('BZPOPMIN', 'zset', 0);
  await r('BZMPOP', 0, 1, 'zset', 'MAX');
  await r('ZADD', 'zset', 1, 'a');
  await r('BZPOPMAX', 'zset', 0);
  assert.deepEqual(await r('EXEC'), [null, null, 1, ['zset', 'a', '1']]);
});

test('Blocked clients are served first come, first served', async () => {
  await r('DEL', 'zset');
  const rds = [await srv.client(), await srv.client(), await srv.client()];
  const replies: Promise<Reply>[] = [];
  for (let i = 0; i < rds.length; i++) {
    replies.push((rds[i] as RespClient).call('BZPOPMIN', 'zset', 0));
    await waitForBlocked(i + 1);
  }
  await r('ZADD', 'zset', 1, 'a', 2, 'b');
  assert.deepEqual(await replies[0], ['zset', 'a', '1']);
  assert.deepEqual(await replies[1], ['zset', 'b', '2']);
  await waitForBlocked(1);
  await r('ZADD', 'zset', 3, 'c');
  assert.deepEqual(await replies[2], ['zset', 'c', '3']);
  assert.equal(await r('EXISTS', 'zset'), 0);
  for (const rd of rds) rd.close();
});

test('A blocked BZPOPMIN is served by the first of its keys to get a member', async () => {
  await r('DEL', 'z1', 'z2', 'z3');
  const rd = await srv.client();
  const reply = rd.call('BZPOPMAX', 'z1', 'z2', 'z3', 0);
  await waitForBlocked(1);
  await r('ZADD', 'z3', 7, 'x', 8, 'y');
  assert.deepEqual(await reply, ['z3', 'y', '8']);
  assert.deepEqual(await r('ZRANGE', 'z3', 0, -1), ['x']);
  rd.close();
});

test('ZADD of an existing member, ZINCRBY and a retyped key while blocked', async () => {
  await r('DEL', 'zset');
  const rd = await srv.client();
  const reply = rd.call('BZPOPMIN', 'zset', 0);
  await waitForBlocked(1);
  // A key of another type keeps the client waiting.
  await r('RPUSH', 'zset', 'x');
  await waitForBlocked(1);
  await r('DEL', 'zset');
  await r('ZINCRBY', 'zset', 5, 'm');
  assert.deepEqual(await reply, ['zset', 'm', '5']);
  // Adding a member and then updating it in the same transaction: the wait is served after
  // EXEC, with the updated score.
  const again = rd.call('BZPOPMIN', 'zset', 0);
  await waitForBlocked(1);
  assert.deepEqual(await r('MULTI'), OK);
  await r('ZADD', 'zset', 1, 'a');
  await r('ZADD', 'zset', 9, 'a');
  assert.deepEqual(await r('EXEC'), [1, 0]);
  assert.deepEqual(await again, ['zset', 'a', '9']);
  rd.close();
});

test('A key deleted and re-added while blocked serves the new members', async () => {
  await r('DEL', 'zset');
  const rd = await srv.client();
  const reply = rd.call('BZMPOP', 0, 1, 'zset', 'MAX', 'COUNT', 5);
  await waitForBlocked(1);
  assert.deepEqual(await r('MULTI'), OK);
  await r('ZADD', 'zset', 1, 'old');
  await r('DEL', 'zset');
  await r('ZADD', 'zset', 2, 'new1', 3, 'new2');
  assert.deepEqual(await r('EXEC'), [1, 1, 2]);
  assert.deepEqual(await reply, ['zset', [['new2', '3'], ['new1', '2']]]);
  assert.equal(await r('EXISTS', 'zset'), 0);
  rd.close();
});

test('Serving a blocked client fires zpopmin and del events', async () => {
  await r('DEL', 'zset');
  const sub = await srv.client();
  const rd = await srv.client();
  await r('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
  try {
    await sub.call('PSUBSCRIBE', '__keyevent@0__:*');
    const reply = rd.call('BZPOPMIN', 'zset', 0);
    await waitForBlocked(1);
    await r('ZADD', 'zset', 1, 'a');
    assert.deepEqual(await reply, ['zset', 'a', '1']);
    const events: string[] = [];
    for (let i = 0; i < 3; i++) events.push(((await sub.nextPush()) as string[])[2] as string);
    assert.deepEqual(events, ['__keyevent@0__:zadd', '__keyevent@0__:zpopmin', '__keyevent@0__:del']);
  } finally {
    await r('CONFIG', 'SET', 'notify-keyspace-events', '');
  }
  rd.close();
  sub.close();
});

test('A blocked client that disconnects leaves no trace', async () => {
  await r('DEL', 'zset');
  const rd = await srv.client();
  void rd.call('BZPOPMIN', 'zset', 0);
  await waitForBlocked(1);
  rd.close();
  await waitForBlocked(0);
  assert.equal(await r('ZADD', 'zset', 1, 'a'), 1);
  assert.deepEqual(await r('ZRANGE', 'zset', 0, -1, 'WITHSCORES'), ['a', '1']);
  // The next waiter is served normally.
  const rd2 = await srv.client();
  assert.deepEqual(await rd2.call('BZPOPMIN', 'zset', 0), ['zset', 'a', '1']);
  rd2.close();
});

test('A blocked client runs the commands it pipelined once served', async () => {
  await r('DEL', 'zset');
  const rd = await srv.client();
  const replies = rd.pipeline([['BZPOPMIN', 'zset', 0], ['ZCARD', 'zset'], ['PING']]);
  await waitForBlocked(1);
  await r('ZADD', 'zset', 1, 'a', 2, 'b');
  assert.deepEqual(await replies, [['zset', 'a', '1'], 1, { status: 'PONG' }]);
  rd.close();
});
