/**
 * The `stressers` of Redis 7.0's tests/unit/type/zset.tcl (random scores and ranges checked
 * against a model, per encoding), the skiplist order test, and — when redis-server is
 * installed — a differential run: the same random command sequences sent to Cinnabar and to
 * redis-server 7.0 must get byte-identical replies (except where Redis's answer is random).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { haveRedisServer, OK, startOracle, startTestServer, type RespClient, type Reply, type TestServer } from '../../helpers/server.js';

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

function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

function randString(rand: () => number, min: number, max: number): string {
  const n = min + Math.floor(rand() * (max - min + 1));
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(0x61 + Math.floor(rand() * 26));
  return s;
}

for (const enc of ['listpack', 'skiplist'] as const) {
  const elements = enc === 'listpack' ? 128 : 1000;
  const setup = async (): Promise<void> => {
    assert.deepEqual(await r('CONFIG', 'SET', 'zset-max-ziplist-entries', enc === 'listpack' ? 256 : 0), OK);
    assert.deepEqual(await r('CONFIG', 'SET', 'zset-max-ziplist-value', enc === 'listpack' ? 64 : 0), OK);
  };

  test(`ZSCORE / ZMSCORE - ${enc}`, async () => {
    await setup();
    await r('DEL', 'zscoretest');
    const aux: number[] = [];
    for (let i = 0; i < elements; i++) {
      const score = Math.random();
      aux.push(score);
      await r('ZADD', 'zscoretest', String(score), i);
    }
    assert.equal(await r('OBJECT', 'ENCODING', 'zscoretest'), enc);
    // 17 significant digits read back give the very same double.
    for (let i = 0; i < elements; i++) assert.equal(Number(await r('ZSCORE', 'zscoretest', i)), aux[i]);
    const all = (await r('ZMSCORE', 'zscoretest', ...aux.map((_, i) => i))) as string[];
    assert.deepEqual(all.map(Number), aux);
  });

  test(`ZSET sorting stresser - ${enc}`, async () => {
    await setup();
    for (const kind of ['float', 'int']) {
      const model = new Map<string, number>();
      await r('DEL', 'myzset');
      for (let i = 0; i < elements; i++) {
        const score = kind === 'float' ? Math.random() : Math.floor(Math.random() * 10);
        model.set(String(i), score);
        await r('ZADD', 'myzset', String(score), i);
        if (Math.random() < 0.2) {
          const j = String(Math.floor(Math.random() * 1000));
          const s2 = kind === 'float' ? Math.random() : Math.floor(Math.random() * 10);
          model.set(j, s2);
          await r('ZADD', 'myzset', String(s2), j);
        }
      }
      const expected = [...model].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((e) => e[0]);
      assert.equal(await r('OBJECT', 'ENCODING', 'myzset'), model.size > 256 && enc === 'listpack' ? 'skiplist' : enc);
      assert.deepEqual(await r('ZRANGE', 'myzset', 0, -1), expected);
    }
  });

  test(`ZRANGEBYSCORE fuzzy test, 100 ranges in ${elements} element sorted set - ${enc}`, async () => {
    await setup();
    await r('DEL', 'zset');
    const scores: number[] = [];
    for (let i = 0; i < elements; i++) {
      const s = Math.random();
      scores.push(s);
      await r('ZADD', 'zset', String(s), i);
    }
    assert.equal(await r('OBJECT', 'ENCODING', 'zset'), enc);
    const count = (pred: (s: number) => boolean): number => scores.filter(pred).length;
    for (let i = 0; i < 100; i++) {
      let min = Math.random();
      let max = Math.random();
      if (min > max) [min, max] = [max, min];
      const checks: [string, string, (s: number) => boolean][] = [
        ['-inf', String(min), (s) => s <= min], [String(min), String(max), (s) => s >= min && s <= max], [String(max), '+inf', (s) => s >= max],
        ['-inf', `(${min}`, (s) => s < min], [`(${min}`, `(${max}`, (s) => s > min && s < max], [`(${max}`, '+inf', (s) => s > max],
      ];
      for (const [a, b, pred] of checks) {
        const got = (await r('ZRANGEBYSCORE', 'zset', a, b)) as string[];
        assert.equal(await r('ZCOUNT', 'zset', a, b), got.length);
        assert.equal(got.length, count(pred), `${a} ${b}`);
        for (const m of got) assert.ok(pred(scores[Number(m)] as number));
      }
    }
  });

  test(`ZRANGEBYLEX / ZREMRANGEBYLEX fuzzy test, 100 ranges in ${elements} element sorted set - ${enc}`, async () => {
    await setup();
    const rand = rng(enc === 'listpack' ? 11 : 12);
    await r('DEL', 'zset{t}', 'zsetcopy{t}');
    const set = new Set<string>();
    for (let j = 0; j < elements; j++) {
      const e = randString(rand, 0, 30);
      set.add(e);
      await r('ZADD', 'zset{t}', 0, e);
    }
    const lexset = [...set].sort();
    assert.deepEqual(await r('ZRANGE', 'zset{t}', 0, -1), lexset);
    for (let j = 0; j < 100; j++) {
      const min = randString(rand, 0, 30);
      const max = randString(rand, 0, 30);
      const mininc = rand() < 0.5;
      const maxinc = rand() < 0.5;
      const cmin = `${mininc ? '[' : '('}${min}`;
      const cmax = `${maxinc ? '[' : '('}${max}`;
      const inRange = (e: string): boolean => (mininc ? e >= min : e > min) && (maxinc ? e <= max : e < max);
      const expected = lexset.filter(inRange);
      assert.deepEqual(await r('ZRANGEBYLEX', 'zset{t}', cmin, cmax), expected);
      assert.deepEqual(await r('ZREVRANGEBYLEX', 'zset{t}', cmax, cmin), [...expected].reverse());
      assert.equal(await r('ZLEXCOUNT', 'zset{t}', cmin, cmax), expected.length);
      await r('ZUNIONSTORE', 'zsetcopy{t}', 1, 'zset{t}');
      assert.equal(await r('ZREMRANGEBYLEX', 'zsetcopy{t}', cmin, cmax), expected.length);
      assert.deepEqual(await r('ZRANGE', 'zsetcopy{t}', 0, -1), lexset.filter((e) => !inRange(e)));
    }
  });

  test(`ZSETs skiplist implementation backlink consistency test - ${enc}`, async () => {
    await setup();
    await r('DEL', 'myzset');
    for (let j = 0; j < elements; j++) {
      await r('ZADD', 'myzset', String(Math.random()), `Element-${j}`);
      await r('ZREM', 'myzset', `Element-${Math.floor(Math.random() * elements)}`);
    }
    const l1 = (await r('ZRANGE', 'myzset', 0, -1)) as string[];
    const l2 = (await r('ZREVRANGE', 'myzset', 0, -1)) as string[];
    assert.deepEqual(l1, [...l2].reverse());
  });

  test(`ZSETs ZRANK augmented skip list stress testing - ${enc}`, async () => {
    await setup();
    await r('DEL', 'myzset');
    for (let k = 0; k < 2000; k++) {
      const i = k % elements;
      if (Math.random() < 0.2) await r('ZREM', 'myzset', i);
      else await r('ZADD', 'myzset', String(Math.random()), i);
      const card = (await r('ZCARD', 'myzset')) as number;
      if (card > 0) {
        const index = Math.floor(Math.random() * card);
        const [ele] = (await r('ZRANGE', 'myzset', index, index)) as string[];
        assert.equal(await r('ZRANK', 'myzset', ele as string), index);
        assert.equal(await r('ZREVRANK', 'myzset', ele as string), card - 1 - index);
      }
    }
  });
}

test('ZSET skiplist order consistency when elements are moved', async () => {
  await r('CONFIG', 'SET', 'zset-max-ziplist-entries', 0);
  for (let times = 0; times < 10; times++) {
    await r('DEL', 'zset');
    for (let j = 0; j < 1000; j++) await r('ZADD', 'zset', Math.floor(Math.random() * 50), `ele-${Math.floor(Math.random() * 10)}`);
    const res = (await r('ZRANGE', 'zset', 0, -1, 'WITHSCORES')) as string[];
    for (let i = 2; i < res.length; i += 2) {
      const [pe, ps, e, s] = [res[i - 2] as string, Number(res[i - 1]), res[i] as string, Number(res[i + 1])];
      assert.ok(ps < s || (ps === s && pe < e));
    }
  }
  await r('CONFIG', 'SET', 'zset-max-ziplist-entries', 128);
});

test('Big sorted sets: ranks, ranges and pops stay consistent over many members', async () => {
  await r('CONFIG', 'SET', 'zset-max-ziplist-entries', 128);
  await r('DEL', 'big');
  const n = 50000;
  for (let i = 0; i < n; i += 1000) {
    const args: (string | number)[] = ['ZADD', 'big'];
    for (let j = i; j < i + 1000; j++) args.push(j, `m${j}`);
    await r(...args);
  }
  assert.equal(await r('ZCARD', 'big'), n);
  for (const i of [0, 1, 777, 25000, 49999]) {
    assert.equal(await r('ZRANK', 'big', `m${i}`), i);
    assert.deepEqual(await r('ZRANGE', 'big', i, i), [`m${i}`]);
  }
  assert.equal(await r('ZCOUNT', 'big', 100, '(200'), 100);
  assert.deepEqual(await r('ZRANGEBYSCORE', 'big', '(40000', '+inf', 'LIMIT', 5000, 2), ['m45001', 'm45002']);
  assert.equal(await r('ZREMRANGEBYRANK', 'big', 10000, 39999), 30000);
  assert.equal(await r('ZRANK', 'big', 'm40000'), 10000);
  assert.deepEqual(await r('ZPOPMIN', 'big', 2), ['m0', '0', 'm1', '1']);
  assert.equal(await r('ZREMRANGEBYSCORE', 'big', '-inf', '+inf'), n - 30002);
  assert.equal(await r('EXISTS', 'big'), 0);
});

test('Cinnabar answers random sorted-set commands exactly like redis-server 7.0', { skip: !haveRedisServer() }, async () => {
  // A file name nobody writes, so the oracle never starts by loading someone's dump.rdb.
  const oracle = await startOracle(['--dbfilename', 'cinnabar-zset-oracle-unused.rdb']);
  const o = await oracle.client();
  for (let i = 0; i < 100 && (await o.call('PING')) instanceof Error; i++) await new Promise((res) => setTimeout(res, 50));
  const ours = await srv.client();
  try {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const cmds = randomCommands(seed, 300);
      for (const cmd of cmds) {
        const [a, b] = await Promise.all([o.call(...cmd), ours.call(...cmd)]);
        const name = (cmd[0] as string).toLowerCase();
        if (name === 'zrandmember' || (name === 'zscan' && !(Array.isArray(a) && a[0] === '0'))) continue;
        if (name === 'zscan' && Array.isArray(a) && Array.isArray(b)) {
          assert.deepEqual(pairs(b), pairs(a), cmd.join(' '));
          continue;
        }
        assert.deepEqual(b, a, `seed ${seed}: ${cmd.join(' ')}`);
      }
    }
  } finally {
    await oracle.close();
  }
});

function pairs(scanReply: Reply[]): string[] {
  const items = (scanReply[1] ?? []) as string[];
  const out: string[] = [];
  for (let i = 0; i < items.length; i += 2) out.push(`${items[i] as string}=${items[i + 1] as string}`);
  return out.sort();
}

/** Random command sequences over a few keys; lex ranges only on an equal-score key. */
function randomCommands(seed: number, n: number): (string | number)[][] {
  const rand = rng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)] as T;
  const keys = ['z1', 'z2', 'z3', 'str', 'none'];
  const mem = (): string => pick(['a', 'b', 'c', 'd', 'e', 'f', 'aa', 'ab', 'b c', 'long-member-name', '0', '1', '10', '-1']);
  const score = (): string => pick(['0', '1', '2', '-1', '1.5', '+inf', '-inf', '0.1', '1e3', '-0', '7', String(Math.floor(rand() * 20 - 5))]);
  const rb = (): string => pick(['-inf', '+inf', '0', '1', '(1', '2', '(2', '-1', '(0', '1.5', '(5', '10']);
  const lb = (): string => pick(['-', '+', '[a', '(a', '[b', '(b', '[aa', '(ab', '[f', '[0', '[long', '[z']);
  const idx = (): string => pick(['0', '1', '2', '-1', '-2', '5', '-5', '10']);
  const entries = pick(['0', '1', '3', '128']);
  const value = pick(['3', '10', '64']);
  const out: (string | number)[][] = [['FLUSHALL'], ['SET', 'str', 'x'], ['CONFIG', 'SET', 'zset-max-listpack-entries', entries],
    ['CONFIG', 'SET', 'zset-max-listpack-value', value]];
  for (let i = 0; i < n; i++) {
    const k = pick(keys);
    const k2 = pick(keys);
    const t = rand();
    if (t < 0.05) out.push(['ZADD', 'lx', 0, mem(), 0, mem()]);
    else if (t < 0.25) {
      const flags = ['NX', 'XX', 'GT', 'LT', 'CH', 'INCR'].filter(() => rand() < 0.12);
      const cnt = flags.includes('INCR') ? 1 : 1 + Math.floor(rand() * 4);
      const args: (string | number)[] = ['ZADD', k, ...flags];
      for (let j = 0; j < cnt; j++) args.push(score(), mem());
      out.push(args);
    } else if (t < 0.3) out.push(['ZINCRBY', k, score(), mem()]);
    else if (t < 0.35) out.push(['ZREM', k, mem(), mem()]);
    else if (t < 0.4) out.push(pick([['ZSCORE', k, mem()], ['ZMSCORE', k, mem(), mem()], ['ZRANK', k, mem()], ['ZREVRANK', k, mem()], ['ZCARD', k]]));
    else if (t < 0.5) {
      const by = pick(['', 'BYSCORE', 'BYLEX']);
      const key = by === 'BYLEX' ? 'lx' : k;
      const [a, b] = by === 'BYSCORE' ? [rb(), rb()] : by === 'BYLEX' ? [lb(), lb()] : [idx(), idx()];
      const args: (string | number)[] = [pick(['ZRANGE', 'ZRANGESTORE']), key, a, b];
      if (args[0] === 'ZRANGESTORE') args.splice(1, 0, k2 === 'lx' ? 'z1' : k2);
      if (by) args.push(by);
      if (rand() < 0.4) args.push('REV');
      if (by && rand() < 0.3) args.push('LIMIT', idx(), idx());
      if (args[0] === 'ZRANGE' && rand() < 0.4) args.push('WITHSCORES');
      out.push(args);
    } else if (t < 0.58) {
      out.push(pick([['ZRANGEBYSCORE', k, rb(), rb(), 'WITHSCORES'], ['ZREVRANGEBYSCORE', k, rb(), rb(), 'LIMIT', idx(), idx()], ['ZRANGEBYLEX', 'lx', lb(), lb()],
        ['ZREVRANGEBYLEX', 'lx', lb(), lb(), 'LIMIT', idx(), idx()], ['ZREVRANGE', k, idx(), idx(), 'WITHSCORES'], ['ZCOUNT', k, rb(), rb()], ['ZLEXCOUNT', 'lx', lb(), lb()]]));
    } else if (t < 0.64) out.push(pick([['ZREMRANGEBYSCORE', k, rb(), rb()], ['ZREMRANGEBYRANK', k, idx(), idx()], ['ZREMRANGEBYLEX', 'lx', lb(), lb()]]));
    else if (t < 0.72) out.push(pick([['ZPOPMIN', k], ['ZPOPMAX', k, idx()], ['ZMPOP', 2, k, k2, pick(['MIN', 'MAX'])], ['ZMPOP', 1, k, 'MAX', 'COUNT', idx()]]));
    else if (t < 0.88) {
      const op = pick(['ZUNION', 'ZINTER', 'ZDIFF', 'ZUNIONSTORE', 'ZINTERSTORE', 'ZDIFFSTORE', 'ZINTERCARD']);
      const cnt = 1 + Math.floor(rand() * 3);
      const ks = [k, k2, pick(keys)].slice(0, cnt);
      const args: (string | number)[] = [op];
      if (op.endsWith('STORE')) args.push(pick(keys));
      args.push(cnt, ...ks);
      if (!op.startsWith('ZDIFF') && op !== 'ZINTERCARD') {
        if (rand() < 0.4) args.push('WEIGHTS', ...ks.map(() => pick(['1', '2', '0', '-1', '0.5', 'inf'])));
        if (rand() < 0.4) args.push('AGGREGATE', pick(['SUM', 'MIN', 'MAX']));
      }
      if (!op.endsWith('STORE') && op !== 'ZINTERCARD' && rand() < 0.5) args.push('WITHSCORES');
      if (op === 'ZINTERCARD' && rand() < 0.5) args.push('LIMIT', pick(['0', '1', '2']));
      out.push(args);
    } else if (t < 0.94) out.push(['OBJECT', 'ENCODING', k]);
    else out.push(pick([['ZSCAN', k, 0], ['ZRANDMEMBER', k, pick(['-5', '0', '2'])], ['ZRANGE', k, 0, -1, 'WITHSCORES'], ['EXISTS', k], ['TYPE', k]]));
  }
  out.push(['CONFIG', 'SET', 'zset-max-listpack-entries', 128], ['CONFIG', 'SET', 'zset-max-listpack-value', 64]);
  return out;
}
