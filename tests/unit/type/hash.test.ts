/**
 * Wire tests of the hash commands, mirroring Redis 7.0's tests/unit/type/hash.tcl (and the
 * HSCAN cases of scan.tcl), run over both encodings the way the Tcl suite does (a small
 * 'listpack' hash next to a big 'hashtable' one), plus Cinnabar's additions: exact error
 * strings, RESP3 reply shapes, keyspace events, dirty counting, and the encoding conversion
 * rules of Redis 7.0.15. DEBUG RELOAD, DUMP/RESTORE and replication cases are out of scope.
 * Expected values are what redis-server 7.0.15 answers.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, OK, startTestServer, type RespClient, type Reply, type TestServer } from '../../helpers/server.js';

let srv: TestServer;
let c: RespClient;
let sub: RespClient;

before(async () => {
  srv = await startTestServer({ 'notify-keyspace-events': 'KEAn' });
  c = await srv.client();
  sub = await srv.client();
  await sub.call('PSUBSCRIBE', '__keyevent@0__:*');
  await c.call('CONFIG', 'SET', 'hash-max-listpack-value', '64');
  await c.call('CONFIG', 'SET', 'hash-max-listpack-entries', '512');
});

after(async () => {
  await srv.close();
});

const r = (...args: (string | number | Buffer)[]): Promise<Reply> => c.call(...args);

/** A deterministic PRNG (mulberry32), so failures reproduce. */
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
const rand = rng(20240601);
const randInt = (n: number): number => Math.floor(rand() * n);

/** The Tcl suite's randstring: length in [min, max], 'alpha' letters, 'compr' digits, 'binary' bytes. */
function randstring(min: number, max: number, type: 'alpha' | 'compr' | 'binary'): string {
  const len = min + randInt(max - min + 1);
  let s = '';
  for (let i = 0; i < len; i++) {
    if (type === 'alpha') s += String.fromCharCode(97 + randInt(26));
    else if (type === 'compr') s += String.fromCharCode(48 + randInt(10));
    else s += String.fromCharCode(randInt(256));
  }
  return s;
}

/** The Tcl suite's randomValue: small/32-bit/64-bit integers or random strings. */
function randomValue(): string {
  switch (randInt(4)) {
    case 0:
      return String(randInt(2000) - 1000);
    case 1:
      return String(randInt(2) ? randInt(4000000000) - 2000000000 : randInt(8000000000) - 4000000000);
    case 2:
      return String(randInt(2000000000000) - 1000000000000);
    default:
      return randstring(0, 256, (['alpha', 'compr', 'binary'] as const)[randInt(3)] as 'alpha');
  }
}

async function encoding(key: string): Promise<Reply> {
  return r('OBJECT', 'ENCODING', key);
}

/** Pearson's chi-square statistic of the values' frequencies against a uniform distribution. */
function chiSquare(values: readonly string[]): number {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const expected = values.length / counts.size;
  let x = 0;
  for (const n of counts.values()) x += ((n - expected) * (n - expected)) / expected;
  return x;
}

/** Keyspace events fired while `fn` runs, in order, as 'event key'. */
async function eventsOf(fn: () => Promise<unknown>): Promise<string[]> {
  await r('SET', '__events_start__', '1');
  while (!(await nextEvent()).startsWith('set __events_start__'));
  await fn();
  await r('SET', '__events_end__', '1');
  const out: string[] = [];
  for (;;) {
    const e = await nextEvent();
    if (e === 'set __events_end__') break;
    if (!e.endsWith(' __events_end__')) out.push(e);
  }
  return out;
}

async function nextEvent(): Promise<string> {
  const m = (await sub.nextPush()) as Reply[];
  return `${(m[2] as string).replace('__keyevent@0__:', '')} ${m[3] as string}`;
}

async function dirty(): Promise<number> {
  const info = (await r('INFO', 'persistence')) as string;
  return Number(/rdb_changes_since_last_save:(\d+)/.exec(info)?.[1]);
}

async function createHash(key: string, entries: readonly (readonly [string, string])[]): Promise<void> {
  await r('DEL', key);
  for (const [f, v] of entries) await r('HSET', key, f, v);
}

const sorted = (a: Reply): string[] => [...(a as string[])].sort();

// ---- small and big hashes --------------------------------------------------------------------

const smallhash = new Map<string, string>();
const bighash = new Map<string, string>();

test('HSET/HLEN - Small hash creation', async () => {
  await r('DEL', 'smallhash');
  while (smallhash.size < 8) {
    const k = `__avoid_collisions__${randstring(0, 8, 'alpha')}`;
    const v = `__avoid_collisions__${randstring(0, 8, 'alpha')}`;
    if (smallhash.has(k)) continue;
    await r('HSET', 'smallhash', k, v);
    smallhash.set(k, v);
  }
  assert.equal(await r('HLEN', 'smallhash'), 8);
});

test('Is the small hash encoded with a listpack?', async () => {
  assert.equal(await encoding('smallhash'), 'listpack');
});

for (const [type, contents] of [
  ['listpack', [['a', '1'], ['b', '2'], ['c', '3']]],
  ['hashtable', [['a', '1'], ['b', '2'], [randstring(70, 90, 'alpha'), '3']]],
] as const) {
  test(`HRANDFIELD - ${type}`, async () => {
    await r('CONFIG', 'SET', 'hash-max-ziplist-value', '10');
    try {
      await createHash('myhash', contents);
      assert.equal(await encoding('myhash'), type);
      const seen = new Set<string>();
      for (let i = 0; i < 100; i++) seen.add((await r('HRANDFIELD', 'myhash')) as string);
      assert.deepEqual([...seen].sort(), contents.map((e) => e[0]).sort());
    } finally {
      await r('CONFIG', 'SET', 'hash-max-ziplist-value', '64');
    }
  });
}

test('HRANDFIELD with RESP3', async () => {
  const c3 = await srv.client();
  await c3.call('HELLO', '3');
  let res = (await c3.call('HRANDFIELD', 'myhash', '3', 'withvalues')) as Reply[][];
  assert.equal(res.length, 3);
  for (const pair of res) assert.equal(pair.length, 2);
  res = (await c3.call('HRANDFIELD', 'myhash', '3')) as Reply[][];
  assert.equal(res.length, 3);
  assert.ok(res.every((f) => typeof f === 'string'));
  // Repetitions are pairs too; RESP2 is flat.
  res = (await c3.call('HRANDFIELD', 'myhash', '-5', 'withvalues')) as Reply[][];
  assert.equal(res.length, 5);
  for (const pair of res) assert.equal(pair.length, 2);
  assert.equal(((await r('HRANDFIELD', 'myhash', '-5', 'withvalues')) as Reply[]).length, 10);
  c3.close();
});

test('HRANDFIELD count of 0 is handled correctly', async () => {
  assert.deepEqual(await r('HRANDFIELD', 'myhash', '0'), []);
});

test('HRANDFIELD count overflow', async () => {
  await r('HMSET', 'myhash', 'a', '1');
  assertError(await r('HRANDFIELD', 'myhash', '-9223372036854770000', 'withvalues'), 'ERR value is out of range');
  assertError(await r('HRANDFIELD', 'myhash', '-9223372036854775808', 'withvalues'), 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807');
  assertError(await r('HRANDFIELD', 'myhash', '-9223372036854775808'), 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807');
  assertError(await r('HRANDFIELD', 'myhash', '4611686018427387904', 'withvalues'), 'ERR value is out of range');
  assert.equal(((await r('HRANDFIELD', 'myhash', '4611686018427387903', 'withvalues')) as Reply[]).length, 6);
});

test('HRANDFIELD argument errors come before the key is looked up', async () => {
  await r('SET', 'wrongtype', 'x');
  assertError(await r('HRANDFIELD', 'wrongtype', 'x'), 'ERR value is not an integer or out of range');
  assertError(await r('HRANDFIELD', 'myhash', '1', 'foo'), 'ERR syntax error');
  assertError(await r('HRANDFIELD', 'myhash', '1', 'withvalues', 'x'), 'ERR syntax error');
  assertError(await r('HRANDFIELD', 'wrongtype', '1'), 'WRONGTYPE*');
  assert.equal(await r('HRANDFIELD', 'nonexisting_key'), null);
});

test('HRANDFIELD with <count> against non existing key', async () => {
  assert.deepEqual(await r('HRANDFIELD', 'nonexisting_key', '100'), []);
});

test('HRANDFIELD count of 0 is handled correctly - emptyarray', async () => {
  const raw = await srv.client();
  assert.equal((await raw.rawExchange('*3\r\n$10\r\nHRANDFIELD\r\n$6\r\nmyhash\r\n$1\r\n0\r\n', 4)).toString(), '*0\r\n');
  raw.close();
});

test('HRANDFIELD with <count> against non existing key - emptyarray', async () => {
  const raw = await srv.client();
  const out = await raw.rawExchange('*3\r\n$10\r\nHRANDFIELD\r\n$15\r\nnonexisting_key\r\n$3\r\n100\r\n', 4);
  assert.equal(out.toString(), '*0\r\n');
  const out3 = await raw.rawExchange('*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n*3\r\n$10\r\nHRANDFIELD\r\n$15\r\nnonexisting_key\r\n$3\r\n100\r\n', 10_000, 300);
  assert.ok(out3.toString().endsWith('*0\r\n'), 'an empty array in RESP3 too');
  raw.close();
});

for (const [type, contents] of [
  ['hashtable', [['a', '1'], ['b', '2'], ['c', '3'], ['d', '4'], ['e', '5'], ['6', 'f'], ['7', 'g'], ['8', 'h'], ['9', 'i'], [randstring(70, 90, 'alpha'), '10']]],
  ['listpack', [['a', '1'], ['b', '2'], ['c', '3'], ['d', '4'], ['e', '5'], ['6', 'f'], ['7', 'g'], ['8', 'h'], ['9', 'i'], ['10', 'j']]],
] as const) {
  test(`HRANDFIELD with <count> - ${type}`, async () => {
    await r('CONFIG', 'SET', 'hash-max-ziplist-value', '10');
    try {
      await createHash('myhash', contents);
      assert.equal(await encoding('myhash'), type);
      const mydict = new Map(contents.map(([f, v]) => [f, v] as [string, string]));
      const allFields = [...mydict.keys()].sort();
      const flat = contents.flatMap(([f, v]) => [f, v]).sort();

      // PATH 1: negative count, with repetitions.
      assert.equal(((await r('HRANDFIELD', 'myhash', '-20')) as Reply[]).length, 20);
      assert.equal(((await r('HRANDFIELD', 'myhash', '-1001')) as Reply[]).length, 1001);
      assert.equal(((await r('HRANDFIELD', 'myhash', '-20', 'withvalues')) as Reply[]).length, 40);
      assert.equal(((await r('HRANDFIELD', 'myhash', '-1001', 'withvalues')) as Reply[]).length, 2002);
      const res = (await r('HRANDFIELD', 'myhash', '-1000')) as string[];
      assert.ok(chiSquare(res) < 40, 'uniform distribution (df = 9)');
      for (const f of res) assert.ok(mydict.has(f));
      const pairs = (await r('HRANDFIELD', 'myhash', '-100', 'withvalues')) as string[];
      for (let i = 0; i < pairs.length; i += 2) assert.equal(mydict.get(pairs[i] as string), pairs[i + 1]);
      const aux = new Set<string>();
      for (let it = 0; it < 1000 && aux.size < mydict.size; it++) {
        for (const f of (await r('HRANDFIELD', 'myhash', '-3')) as string[]) aux.add(f);
      }
      assert.equal(aux.size, mydict.size);

      // PATH 2: a count at least the size returns the whole hash.
      for (const size of ['10', '20']) {
        assert.deepEqual(sorted(await r('HRANDFIELD', 'myhash', size)), allFields);
        assert.deepEqual(sorted(await r('HRANDFIELD', 'myhash', size, 'withvalues')), flat);
      }

      // PATH 3 (close to the size) and PATH 4 (much smaller).
      for (const size of [8, 2]) {
        const one = (await r('HRANDFIELD', 'myhash', String(size))) as string[];
        assert.equal(one.length, size);
        assert.equal(new Set(one).size, size, 'distinct fields');
        const wv = (await r('HRANDFIELD', 'myhash', String(size), 'withvalues')) as string[];
        assert.equal(wv.length, size * 2);
        for (let i = 0; i < wv.length; i += 2) assert.equal(mydict.get(wv[i] as string), wv[i + 1]);
        const all: string[] = [];
        const seen = new Set<string>();
        for (let it = 0; it < 1000 / size; it++) {
          const got = (await r('HRANDFIELD', 'myhash', String(size))) as string[];
          assert.equal(new Set(got).size, size);
          for (const f of got) {
            seen.add(f);
            all.push(f);
          }
        }
        assert.equal(seen.size, mydict.size, 'eventually all the fields are returned');
        assert.ok(chiSquare(all) < 40, 'uniform distribution (df = 9)');
      }
    } finally {
      await r('CONFIG', 'SET', 'hash-max-ziplist-value', '64');
    }
  });
}

test('HSET/HLEN - Big hash creation', async () => {
  await r('DEL', 'bighash');
  while (bighash.size < 1024) {
    const k = `__avoid_collisions__${randstring(0, 8, 'alpha')}`;
    const v = `__avoid_collisions__${randstring(0, 8, 'alpha')}`;
    if (bighash.has(k)) continue;
    await r('HSET', 'bighash', k, v);
    bighash.set(k, v);
  }
  assert.equal(await r('HLEN', 'bighash'), 1024);
});

test('Is the big hash encoded with an hash table?', async () => {
  assert.equal(await encoding('bighash'), 'hashtable');
});

for (const [name, model] of [['small', smallhash], ['big', bighash]] as const) {
  test(`HGET against the ${name} hash`, async () => {
    for (const [k, v] of model) assert.equal(await r('HGET', `${name}hash`, k), v);
  });
}

test('HGET against non existing key', async () => {
  assert.equal(await r('HGET', 'smallhash', '__123123123__'), null);
  assert.equal(await r('HGET', 'bighash', '__123123123__'), null);
});

test('HSET in update and insert mode', async () => {
  const rv: Reply[] = [];
  let k = [...smallhash.keys()][0] as string;
  rv.push(await r('HSET', 'smallhash', k, 'newval1'));
  smallhash.set(k, 'newval1');
  rv.push(await r('HGET', 'smallhash', k));
  rv.push(await r('HSET', 'smallhash', '__foobar123__', 'newval'));
  k = [...bighash.keys()][0] as string;
  rv.push(await r('HSET', 'bighash', k, 'newval2'));
  bighash.set(k, 'newval2');
  rv.push(await r('HGET', 'bighash', k));
  rv.push(await r('HSET', 'bighash', '__foobar123__', 'newval'));
  rv.push(await r('HDEL', 'smallhash', '__foobar123__'));
  rv.push(await r('HDEL', 'bighash', '__foobar123__'));
  assert.deepEqual(rv, [0, 'newval1', 1, 0, 'newval2', 1, 1, 1]);
});

for (const name of ['small', 'big'] as const) {
  test(`HSETNX target key missing - ${name} hash`, async () => {
    assert.equal(await r('HSETNX', `${name}hash`, '__123123123__', 'foo'), 1);
    assert.equal(await r('HGET', `${name}hash`, '__123123123__'), 'foo');
  });

  test(`HSETNX target key exists - ${name} hash`, async () => {
    assert.equal(await r('HSETNX', `${name}hash`, '__123123123__', 'bar'), 0);
    assert.equal(await r('HGET', `${name}hash`, '__123123123__'), 'foo');
    await r('HDEL', `${name}hash`, '__123123123__');
  });
}

test('HSET/HMSET wrong number of args', async () => {
  assertError(await r('HSET', 'smallhash', 'key1', 'val1', 'key2'), "ERR wrong number of arguments for 'hset' command");
  assertError(await r('HMSET', 'smallhash', 'key1', 'val1', 'key2'), "ERR wrong number of arguments for 'hmset' command");
  assertError(await r('HSET', 'smallhash', 'key1'), "ERR wrong number of arguments for 'hset' command");
  assertError(await r('HSETNX', 'smallhash', 'key1'), "ERR wrong number of arguments for 'hsetnx' command");
  // The arity is checked before the type.
  assertError(await r('HSET', 'wrongtype', 'a', 'b', 'c'), "ERR wrong number of arguments for 'hset' command");
});

for (const [name, model] of [['small', smallhash], ['big', bighash]] as const) {
  test(`HMSET - ${name} hash`, async () => {
    const args: string[] = [];
    for (const k of model.keys()) {
      const v = randstring(0, 8, 'alpha');
      model.set(k, v);
      args.push(k, v);
    }
    assert.deepEqual(await r('HMSET', `${name}hash`, ...args), OK);
  });
}

test('HMGET against non existing key and fields', async () => {
  assert.deepEqual(await r('HMGET', 'doesntexist', '__123123123__', '__456456456__'), [null, null]);
  assert.deepEqual(await r('HMGET', 'smallhash', '__123123123__', '__456456456__'), [null, null]);
  assert.deepEqual(await r('HMGET', 'bighash', '__123123123__', '__456456456__'), [null, null]);
});

test('Hash commands against wrong type', async () => {
  await r('SET', 'wrongtype', 'somevalue');
  const cmds: string[][] = [
    ['HMGET', 'wrongtype', 'field1', 'field2'], ['HRANDFIELD', 'wrongtype'], ['HGET', 'wrongtype', 'field1'], ['HGETALL', 'wrongtype'],
    ['HDEL', 'wrongtype', 'field1'], ['HINCRBY', 'wrongtype', 'field1', '2'], ['HINCRBYFLOAT', 'wrongtype', 'field1', '2.5'],
    ['HSTRLEN', 'wrongtype', 'field1'], ['HVALS', 'wrongtype'], ['HKEYS', 'wrongtype'], ['HEXISTS', 'wrongtype', 'field1'],
    ['HSET', 'wrongtype', 'field1', 'val1'], ['HMSET', 'wrongtype', 'field1', 'val1', 'field2', 'val2'],
    ['HSETNX', 'wrongtype', 'field1', 'val1'], ['HLEN', 'wrongtype'], ['HSCAN', 'wrongtype', '0'], ['HRANDFIELD', 'wrongtype', '2'],
  ];
  for (const cmd of cmds) assertError(await r(...cmd), 'WRONGTYPE Operation against a key holding the wrong kind of value');
  assert.equal(await r('GET', 'wrongtype'), 'somevalue');
});

for (const [name, model] of [['small', smallhash], ['big', bighash]] as const) {
  test(`HMGET - ${name} hash`, async () => {
    assert.deepEqual(await r('HMGET', `${name}hash`, ...model.keys()), [...model.values()]);
  });

  test(`HKEYS - ${name} hash`, async () => {
    assert.deepEqual(sorted(await r('HKEYS', `${name}hash`)), [...model.keys()].sort());
  });

  test(`HVALS - ${name} hash`, async () => {
    assert.deepEqual(sorted(await r('HVALS', `${name}hash`)), [...model.values()].sort());
  });

  test(`HGETALL - ${name} hash`, async () => {
    const all = (await r('HGETALL', `${name}hash`)) as string[];
    const got = new Map<string, string>();
    for (let i = 0; i < all.length; i += 2) got.set(all[i] as string, all[i + 1] as string);
    assert.deepEqual(got, model);
  });
}

test('HGETALL against non-existing key', async () => {
  await r('DEL', 'htest');
  assert.deepEqual(await r('HGETALL', 'htest'), []);
});

test('HGETALL is a map in RESP3, HKEYS/HVALS arrays; a missing key gives an empty map', async () => {
  const c3 = await srv.client();
  await c3.call('HELLO', '3');
  await c3.call('DEL', 'h3');
  await c3.call('HSET', 'h3', 'a', '1', 'b', '2');
  assert.deepEqual(await c3.call('HGETALL', 'h3'), new Map([['a', '1'], ['b', '2']]));
  assert.equal(c3.types.at(-1), '%');
  assert.deepEqual(await c3.call('HGETALL', 'nokey'), new Map());
  assert.equal(c3.types.at(-1), '%');
  assert.deepEqual(await c3.call('HKEYS', 'h3'), ['a', 'b']);
  assert.equal(c3.types.at(-1), '*');
  assert.deepEqual(await c3.call('HVALS', 'h3'), ['1', '2']);
  assert.deepEqual(await c3.call('HMGET', 'h3', 'a', 'x'), ['1', null]);
  assert.equal(await c3.call('HGET', 'h3', 'x'), null);
  assert.deepEqual(await c3.call('HSCAN', 'h3', '0'), ['0', ['a', '1', 'b', '2']]);
  assert.equal(c3.types.at(-1), '*');
  c3.close();
});

test('HDEL and return value', async () => {
  const rv: Reply[] = [];
  rv.push(await r('HDEL', 'smallhash', 'nokey'));
  rv.push(await r('HDEL', 'bighash', 'nokey'));
  let k = [...smallhash.keys()][0] as string;
  rv.push(await r('HDEL', 'smallhash', k), await r('HDEL', 'smallhash', k), await r('HGET', 'smallhash', k));
  smallhash.delete(k);
  k = [...bighash.keys()][0] as string;
  rv.push(await r('HDEL', 'bighash', k), await r('HDEL', 'bighash', k), await r('HGET', 'bighash', k));
  bighash.delete(k);
  assert.deepEqual(rv, [0, 0, 1, 0, null, 1, 0, null]);
});

test('HDEL - more than a single value', async () => {
  await r('DEL', 'myhash');
  await r('HMSET', 'myhash', 'a', '1', 'b', '2', 'c', '3');
  assert.equal(await r('HDEL', 'myhash', 'x', 'y'), 0);
  assert.equal(await r('HDEL', 'myhash', 'a', 'c', 'f'), 2);
  assert.deepEqual(await r('HGETALL', 'myhash'), ['b', '2']);
});

test('HDEL - hash becomes empty before deleting all specified fields', async () => {
  await r('DEL', 'myhash');
  await r('HMSET', 'myhash', 'a', '1', 'b', '2', 'c', '3');
  assert.equal(await r('HDEL', 'myhash', 'a', 'b', 'c', 'd', 'e'), 3);
  assert.equal(await r('EXISTS', 'myhash'), 0);
});

test('HEXISTS', async () => {
  const ks = [...smallhash.keys()][0] as string;
  const kb = [...bighash.keys()][0] as string;
  assert.deepEqual(
    [await r('HEXISTS', 'smallhash', ks), await r('HEXISTS', 'smallhash', 'nokey'), await r('HEXISTS', 'bighash', kb), await r('HEXISTS', 'bighash', 'nokey')],
    [1, 0, 1, 0],
  );
  assert.equal(await r('HEXISTS', 'nokey', 'a'), 0);
  assert.equal(await r('HLEN', 'nokey'), 0);
});

test('Is a ziplist encoded Hash promoted on big payload?', async () => {
  await r('HSET', 'smallhash', 'foo', 'a'.repeat(1024));
  smallhash.set('foo', 'a'.repeat(1024));
  const dbg = (await r('DEBUG', 'OBJECT', 'smallhash')) as { status: string };
  assert.match(dbg.status, /encoding:hashtable/);
});

test('HINCRBY against non existing database key', async () => {
  await r('DEL', 'htest');
  assert.equal(await r('HINCRBY', 'htest', 'foo', '2'), 2);
});

test('HINCRBY HINCRBYFLOAT against non-integer increment value', async () => {
  await r('DEL', 'incrhash');
  await r('HSET', 'incrhash', 'field', '5');
  assertError(await r('HINCRBY', 'incrhash', 'field', 'v'), 'ERR value is not an integer or out of range');
  assertError(await r('HINCRBYFLOAT', 'incrhash', 'field', 'v'), 'ERR value is not a valid float');
  // A bad increment never creates the key.
  assertError(await r('HINCRBY', 'newincr', 'f', '1.5'), 'ERR value is not an integer or out of range');
  assertError(await r('HINCRBYFLOAT', 'newincr', 'f', 'x'), 'ERR value is not a valid float');
  assert.equal(await r('EXISTS', 'newincr'), 0);
});

for (const [title, ops, expected] of [
  ['HINCRBY against non existing hash key', async (k: string) => [await r('HDEL', k, 'tmp'), await r('HINCRBY', k, 'tmp', '2'), await r('HGET', k, 'tmp')].slice(1), [2, '2']],
  ['HINCRBY against hash key created by hincrby itself', async (k: string) => [await r('HINCRBY', k, 'tmp', '3'), await r('HGET', k, 'tmp')], [5, '5']],
  ['HINCRBY against hash key originally set with HSET', async (k: string) => [await r('HSET', k, 'tmp', '100'), await r('HINCRBY', k, 'tmp', '2')].slice(1), [102]],
  ['HINCRBY over 32bit value', async (k: string) => [await r('HSET', k, 'tmp', '17179869184'), await r('HINCRBY', k, 'tmp', '1')].slice(1), [17179869185]],
  ['HINCRBY over 32bit value with over 32bit increment', async (k: string) => [await r('HSET', k, 'tmp', '17179869184'), await r('HINCRBY', k, 'tmp', '17179869184')].slice(1), [34359738368]],
  ['HINCRBYFLOAT against non existing hash key', async (k: string) => [await r('HDEL', k, 'tmp'), await r('HINCRBYFLOAT', k, 'tmp', '2.5'), await r('HGET', k, 'tmp')].slice(1), ['2.5', '2.5']],
  ['HINCRBYFLOAT against hash key created by hincrby itself', async (k: string) => [await r('HINCRBYFLOAT', k, 'tmp', '3.5'), await r('HGET', k, 'tmp')], ['6', '6']],
  ['HINCRBYFLOAT against hash key originally set with HSET', async (k: string) => [await r('HSET', k, 'tmp', '100'), await r('HINCRBYFLOAT', k, 'tmp', '2.5')].slice(1), ['102.5']],
  ['HINCRBYFLOAT over 32bit value', async (k: string) => [await r('HSET', k, 'tmp', '17179869184'), await r('HINCRBYFLOAT', k, 'tmp', '1')].slice(1), ['17179869185']],
  ['HINCRBYFLOAT over 32bit value with over 32bit increment', async (k: string) => [await r('HSET', k, 'tmp', '17179869184'), await r('HINCRBYFLOAT', k, 'tmp', '17179869184')].slice(1), ['34359738368']],
] as const) {
  test(title, async () => {
    assert.deepEqual(await ops('smallhash'), expected);
    assert.deepEqual(await ops('bighash'), expected);
  });
}

for (const side of ['left', 'right'] as const) {
  const bad = side === 'left' ? ' 11' : '11 ';
  test(`HINCRBY fails against hash value with spaces (${side})`, async () => {
    for (const k of ['smallhash', 'bighash']) {
      await r('HSET', k, 'str', bad);
      assertError(await r('HINCRBY', k, 'str', '1'), 'ERR hash value is not an integer');
    }
  });
  test(`HINCRBYFLOAT fails against hash value with spaces (${side})`, async () => {
    for (const k of ['smallhash', 'bighash']) {
      await r('HSET', k, 'str', bad);
      assertError(await r('HINCRBYFLOAT', k, 'str', '1'), 'ERR hash value is not a float');
    }
  });
}

test('HINCRBY can detect overflows', async () => {
  await r('HSET', 'hash', 'n', '-9223372036854775484');
  assert.equal(await r('HINCRBY', 'hash', 'n', '-1'), -9223372036854775485n);
  assertError(await r('HINCRBY', 'hash', 'n', '-10000'), 'ERR increment or decrement would overflow');
  await r('HSET', 'hash', 'm', '9223372036854775807');
  assertError(await r('HINCRBY', 'hash', 'm', '1'), 'ERR increment or decrement would overflow');
  assert.equal(await r('HINCRBY', 'hash', 'm', '-9223372036854775808'), -1);
  assert.equal(await r('HINCRBY', 'hash', 'o', '-9223372036854775808'), -9223372036854775808n);
  assertError(await r('HINCRBY', 'hash', 'o', '-1'), 'ERR increment or decrement would overflow');
  for (const v of ['1.5', '01', '0x10', '', '1\x00']) {
    await r('HSET', 'hash', 'bad', v);
    assertError(await r('HINCRBY', 'hash', 'bad', '1'), 'ERR hash value is not an integer');
  }
});

test('HINCRBYFLOAT against non existing database key', async () => {
  await r('DEL', 'htest');
  assert.equal(await r('HINCRBYFLOAT', 'htest', 'foo', '2.5'), '2.5');
});

test('HINCRBYFLOAT fails against hash value that contains a null-terminator in the middle', async () => {
  await r('HSET', 'h', 'f', '1\x002');
  assertError(await r('HINCRBYFLOAT', 'h', 'f', '1'), 'ERR hash value is not a float');
  assertError(await r('HINCRBYFLOAT', 'h', 'g', '1\x002'), 'ERR value is not a valid float');
});

for (const name of ['small', 'big'] as const) {
  test(`HSTRLEN against the ${name} hash`, async () => {
    for (const [k, v] of name === 'small' ? smallhash : bighash) assert.equal(await r('HSTRLEN', `${name}hash`, k), v.length);
  });
}

test('HSTRLEN against non existing field', async () => {
  assert.deepEqual([await r('HSTRLEN', 'smallhash', '__123123123__'), await r('HSTRLEN', 'bighash', '__123123123__')], [0, 0]);
  assert.equal(await r('HSTRLEN', 'nokey', 'f'), 0);
});

test('HSTRLEN corner cases', async () => {
  for (const v of ['-9223372036854775808', '9223372036854775807', '9223372036854775808', '', '0', '-1', 'x']) {
    await r('HMSET', 'smallhash', 'field', v);
    await r('HMSET', 'bighash', 'field', v);
    assert.equal(await r('HSTRLEN', 'smallhash', 'field'), v.length);
    assert.equal(await r('HSTRLEN', 'bighash', 'field'), v.length);
  }
});

test('HINCRBYFLOAT over hash-max-listpack-value encoded with a listpack', async () => {
  await r('CONFIG', 'SET', 'hash-max-listpack-value', '8');
  try {
    // The new value exceeds hash-max-listpack-value.
    await r('DEL', 'smallhash', 'bighash');
    await r('HSET', 'smallhash', 'tmp', '0');
    await r('HSET', 'bighash', 'tmp', '0');
    await r('HINCRBYFLOAT', 'smallhash', 'tmp', '0.000005');
    await r('HINCRBYFLOAT', 'bighash', 'tmp', '0.0000005');
    assert.equal(await encoding('smallhash'), 'listpack');
    assert.equal(await encoding('bighash'), 'hashtable');
    // The field exceeds it.
    await r('DEL', 'smallhash', 'bighash');
    await r('HINCRBYFLOAT', 'smallhash', 'abcdefgh', '1');
    await r('HINCRBYFLOAT', 'bighash', 'abcdefghi', '1');
    assert.equal(await encoding('smallhash'), 'listpack');
    assert.equal(await encoding('bighash'), 'hashtable');
  } finally {
    await r('CONFIG', 'SET', 'hash-max-listpack-value', '64');
  }
});

test('Every write converts on a long field or value (HSET, HSETNX, HINCRBY, HINCRBYFLOAT); never back', async () => {
  await r('CONFIG', 'SET', 'hash-max-listpack-value', '8');
  try {
    const cases: [string, string[]][] = [
      ['c1', ['HSET', 'c1', 'a', '123456789']],
      ['c2', ['HSET', 'c2', 'abcdefghi', '1']],
      ['c3', ['HSETNX', 'c3', 'abcdefghijkl', '1']],
      ['c4', ['HINCRBY', 'c4', 'abcdefghijkl', '1']],
      ['c5', ['HMSET', 'c5', 'a', '1', 'b', '123456789']],
    ];
    for (const [key, cmd] of cases) {
      await r('DEL', key);
      await r('HSET', key, 'x', 'y');
      assert.equal(await encoding(key), 'listpack');
      await r(...cmd);
      assert.equal(await encoding(key), 'hashtable', cmd.join(' '));
      await r('HDEL', key, ...((await r('HKEYS', key)) as string[]).filter((f) => f !== 'x'));
      assert.equal(await encoding(key), 'hashtable', 'conversions never go back');
    }
  } finally {
    await r('CONFIG', 'SET', 'hash-max-listpack-value', '64');
  }
});

test('Hash converts past hash-max-listpack-entries, and at once when it is 0', async () => {
  await r('CONFIG', 'SET', 'hash-max-listpack-entries', '2');
  try {
    await r('DEL', 'e1', 'e2');
    await r('HSET', 'e1', 'a', '1', 'b', '2');
    assert.equal(await encoding('e1'), 'listpack');
    await r('HSET', 'e1', 'c', '3');
    assert.equal(await encoding('e1'), 'hashtable');
    await r('HDEL', 'e1', 'c');
    assert.equal(await encoding('e1'), 'hashtable');
    await r('CONFIG', 'SET', 'hash-max-listpack-entries', '0');
    await r('HINCRBY', 'e2', 'a', '1');
    assert.equal(await encoding('e2'), 'hashtable');
  } finally {
    await r('CONFIG', 'SET', 'hash-max-listpack-entries', '512');
  }
});

test('Hash ziplist regression test for large keys', async () => {
  const k = 'k'.repeat(336);
  await r('HSET', 'hash', k, 'a');
  await r('HSET', 'hash', k, 'b');
  assert.equal(await r('HGET', 'hash', k), 'b');
});

for (const size of [10, 512]) {
  test(`Hash fuzzing #1 - ${size} fields`, async () => {
    for (let times = 0; times < 10; times++) {
      const hash = new Map<string, string>();
      await r('DEL', 'hash');
      for (let j = 0; j < size; j++) {
        const f = randomValue();
        const v = randomValue();
        await r('HSET', 'hash', f, v);
        hash.set(f, v);
      }
      const got = await c.pipeline([...hash.keys()].map((f) => ['HGET', 'hash', f]));
      assert.deepEqual(got, [...hash.values()]);
      assert.equal(await r('HLEN', 'hash'), hash.size);
    }
  });

  test(`Hash fuzzing #2 - ${size} fields`, async () => {
    for (let times = 0; times < 10; times++) {
      const hash = new Map<string, string>();
      await r('DEL', 'hash');
      for (let j = 0; j < size; j++) {
        const path = randInt(3);
        if (path === 0) {
          const f = randomValue();
          const v = randomValue();
          await r('HSET', 'hash', f, v);
          hash.set(f, v);
        } else if (path === 1) {
          const f = String(randInt(1024) - 512);
          const v = String(randInt(1024) - 512);
          await r('HSET', 'hash', f, v);
          hash.set(f, v);
        } else {
          const f = randInt(2) ? randomValue() : String(randInt(1024) - 512);
          await r('HDEL', 'hash', f);
          hash.delete(f);
        }
      }
      const got = await c.pipeline([...hash.keys()].map((f) => ['HGET', 'hash', f]));
      assert.deepEqual(got, [...hash.values()]);
      assert.equal(await r('HLEN', 'hash'), hash.size);
    }
  });
}

test('Stress test the hash ziplist -> hashtable encoding conversion', async () => {
  await r('CONFIG', 'SET', 'hash-max-ziplist-entries', '32');
  try {
    for (let j = 0; j < 100; j++) {
      await r('DEL', 'myhash');
      await c.pipeline(Array.from({ length: 64 }, () => ['HSET', 'myhash', randomValue(), randomValue()]));
      assert.equal(await encoding('myhash'), 'hashtable');
    }
  } finally {
    await r('CONFIG', 'SET', 'hash-max-ziplist-entries', '512');
  }
});

test('Test HINCRBYFLOAT for correct float representation (issue #2846)', async () => {
  await r('DEL', 'myhash');
  assert.equal(await r('HINCRBYFLOAT', 'myhash', 'float', '1.23'), '1.23');
  assert.equal(await r('HINCRBYFLOAT', 'myhash', 'float', '0.77'), '2');
  assert.equal(await r('HINCRBYFLOAT', 'myhash', 'float', '-0.1'), '1.9');
});

test('HINCRBYFLOAT computes in long double and prints like Redis on x86-64', async () => {
  await r('DEL', 'ld');
  await r('HSET', 'ld', 'f', '5.0e3');
  assert.equal(await r('HINCRBYFLOAT', 'ld', 'f', '1.5'), '5001.5');
  assert.equal(await r('HINCRBYFLOAT', 'ld', 'f', '1.23'), '5002.72999999999999998');
  assert.equal(await r('HINCRBYFLOAT', 'ld', 'f', '-5002.73'), '0');
  assert.equal(await r('HINCRBYFLOAT', 'ld', 'f', '10.5e-3'), '0.0105');
  assert.equal(await r('HINCRBYFLOAT', 'ld', 'g', '0x10'), '16');
  assert.equal(await r('HINCRBYFLOAT', 'ld', 'h', '-0'), '0');
  assert.equal(await r('HINCRBYFLOAT', 'ld', 'i', '.5'), '0.5');
  assert.equal(await r('HINCRBYFLOAT', 'ld', 'k', '1e308'), '99999999999999999996685879655845645660560099847415567207797047994921734868838061872100126921888539320446747225054013223152134749593960583597420814430196418767959100019603190778663109604507106667939153395788938914560543563061268364901618630217086589253444881623791300855757318142424510452728255046343928578048');
  assertError(await r('HINCRBYFLOAT', 'ld', 'x', '1e5000'), 'ERR value is not a valid float');
  assertError(await r('HINCRBYFLOAT', 'ld', 'x', '1e-5000'), 'ERR value is not a valid float');
  assertError(await r('HINCRBYFLOAT', 'ld', 'x', ' 1'), 'ERR value is not a valid float');
  assertError(await r('HINCRBYFLOAT', 'ld', 'x', 'nan'), 'ERR value is not a valid float');
  await r('HSET', 'ld', 'inf', 'inf');
  assertError(await r('HINCRBYFLOAT', 'ld', 'inf', '1'), 'ERR increment would produce NaN or Infinity');
  await r('HSET', 'ld', 'big', '1e400');
  assert.ok(((await r('HINCRBYFLOAT', 'ld', 'big', '1')) as string).startsWith('10000000000000000000281880683947586514586'));
});

test('Hash ziplist of various encodings', async () => {
  await r('DEL', 'k');
  await r('CONFIG', 'SET', 'hash-max-ziplist-entries', '1000000000');
  await r('CONFIG', 'SET', 'hash-max-ziplist-value', '1000000000');
  try {
    const entries: [string, string][] = [
      ['ZIP_INT_8B', '127'], ['ZIP_INT_16B', '32767'], ['ZIP_INT_32B', '2147483647'], ['ZIP_INT_64B', '9223372036854775808'],
      ['ZIP_INT_IMM_MIN', '0'], ['ZIP_INT_IMM_MAX', '12'], ['ZIP_STR_06B', 'x'.repeat(31)], ['ZIP_STR_14B', 'x'.repeat(8191)],
      ['ZIP_STR_32B', 'x'.repeat(65535)],
    ];
    for (const [f, v] of entries) await r('HSET', 'k', f, v);
    assert.equal(await encoding('k'), 'listpack');
    assert.deepEqual(await r('HGETALL', 'k'), entries.flat());
  } finally {
    await r('CONFIG', 'SET', 'hash-max-ziplist-entries', '512');
    await r('CONFIG', 'SET', 'hash-max-ziplist-value', '64');
  }
});

test('HINCRBYFLOAT does not allow NaN or Infinity', async () => {
  assertError(await r('HINCRBYFLOAT', 'hfoo', 'field', '+inf'), 'ERR value is NaN or Infinity');
  assert.equal(await r('EXISTS', 'hfoo'), 0);
});

test('Binary-safe fields and values; the empty field is a field', async () => {
  await r('DEL', 'bin');
  const f = Buffer.from([0, 255, 13, 10, 128]);
  const v = Buffer.from([1, 2, 0, 200]);
  assert.equal(await r('HSET', 'bin', f, v, '', ''), 2);
  assert.equal(await r('HGET', 'bin', f), v.toString('latin1'));
  assert.equal(await r('HGET', 'bin', ''), '');
  assert.equal(await r('HSTRLEN', 'bin', f), 4);
  assert.equal(await r('HEXISTS', 'bin', ''), 1);
  assert.equal(await r('HDEL', 'bin', ''), 1);
  assert.equal(await r('HLEN', 'bin'), 1);
});

// ---- HSCAN ----------------------------------------------------------------------------------

for (const enc of ['listpack', 'hashtable'] as const) {
  test(`HSCAN with encoding ${enc}`, async () => {
    await r('DEL', 'hash');
    const count = enc === 'listpack' ? 30 : 1000;
    const args: string[] = [];
    for (let j = 0; j < count; j++) args.push(`key:${j}`, String(j));
    await r('HMSET', 'hash', ...args);
    assert.equal(await encoding('hash'), enc);
    let cur = '0';
    const keys: string[] = [];
    let calls = 0;
    do {
      const [next, items] = (await r('HSCAN', 'hash', cur)) as [string, string[]];
      cur = next;
      for (let i = 0; i < items.length; i += 2) {
        assert.equal(items[i], `key:${items[i + 1] as string}`);
        keys.push(items[i] as string);
      }
      calls++;
    } while (cur !== '0');
    assert.equal(new Set(keys).size, count);
    if (enc === 'listpack') assert.equal(calls, 1, 'a listpack is returned whole, with cursor 0');
    else assert.ok(calls > 1, 'a hashtable is scanned a few buckets at a time');
  });
}

test('HSCAN with PATTERN', async () => {
  await r('DEL', 'mykey');
  await r('HMSET', 'mykey', 'foo', '1', 'fab', '2', 'fiz', '3', 'foobar', '10', '1', 'a', '2', 'b', '3', 'c', '4', 'd');
  const [cur, items] = (await r('HSCAN', 'mykey', '0', 'MATCH', 'foo*', 'COUNT', '10000')) as [string, string[]];
  assert.equal(cur, '0');
  assert.deepEqual(items, ['foo', '1', 'foobar', '10']);
});

test('HSCAN cursor and option errors', async () => {
  await r('DEL', 'hs');
  await r('HSET', 'hs', 'a', '1');
  assertError(await r('HSCAN', 'hs', 'x'), 'ERR invalid cursor');
  assertError(await r('HSCAN', 'hs', ' 0'), 'ERR invalid cursor');
  assertError(await r('HSCAN', 'hs', '18446744073709551616'), 'ERR invalid cursor');
  assertError(await r('HSCAN', 'nokey', 'x'), 'ERR invalid cursor');
  assertError(await r('HSCAN', 'hs', '0', 'COUNT', '0'), 'ERR syntax error');
  assertError(await r('HSCAN', 'hs', '0', 'COUNT', 'x'), 'ERR value is not an integer or out of range');
  assertError(await r('HSCAN', 'hs', '0', 'MATCH'), 'ERR syntax error');
  assertError(await r('HSCAN', 'hs', '0', 'TYPE', 'string'), 'ERR syntax error');
  // A missing key answers the empty scan before the options are looked at, as Redis does.
  assert.deepEqual(await r('HSCAN', 'nokey', '0', 'COUNT', '0'), ['0', []]);
  // Small encodings ignore the cursor.
  assert.deepEqual(await r('HSCAN', 'hs', '-1'), ['0', ['a', '1']]);
  assert.deepEqual(await r('HSCAN', 'hs', '18446744073709551615', 'MATCH', 'b', 'MATCH', 'a'), ['0', ['a', '1']]);
});

test('HSCAN guarantees: fields present throughout are returned, under writes and resizes', async () => {
  await r('DEL', 'g');
  const args: string[] = [];
  for (let j = 0; j < 500; j++) args.push(`keep:${j}`, String(j));
  await r('HSET', 'g', ...args);
  let cur = '0';
  const seen = new Set<string>();
  let round = 0;
  do {
    const [next, items] = (await r('HSCAN', 'g', cur, 'COUNT', '7')) as [string, string[]];
    cur = next;
    for (let i = 0; i < items.length; i += 2) seen.add(items[i] as string);
    if (round % 2 === 0) await r('HSET', 'g', ...Array.from({ length: 200 }, (_v, i) => [`tmp:${round}:${i}`, 'x']).flat());
    else await r('HDEL', 'g', ...((await r('HKEYS', 'g')) as string[]).filter((f) => f.startsWith('tmp:')));
    round++;
  } while (cur !== '0');
  for (let j = 0; j < 500; j++) assert.ok(seen.has(`keep:${j}`), `keep:${j}`);
});

// ---- events and dirty -----------------------------------------------------------------------

test('Hash commands fire the keyspace events Redis fires', async () => {
  await r('DEL', 'h', 'h2', 'h3');
  const events = await eventsOf(async () => {
    await r('HSET', 'h', 'a', '1', 'b', '2');
    await r('HSET', 'h', 'a', '1');
    await r('HMSET', 'h', 'c', '3');
    await r('HSETNX', 'h', 'a', '9');
    await r('HSETNX', 'h', 'd', '4');
    await r('HSETNX', 'h2', 'a', '1');
    await r('HDEL', 'h', 'zz');
    await r('HDEL', 'h', 'a', 'b');
    await r('HDEL', 'h', 'c', 'd', 'e');
    await r('HINCRBY', 'h3', 'f', '1');
    await r('HINCRBYFLOAT', 'h3', 'f', '1.5');
    await r('HINCRBY', 'h3', 'f', 'x');
    await r('HINCRBYFLOAT', 'h3', 'f', 'inf');
    await r('HGET', 'h3', 'f');
  });
  assert.deepEqual(events, [
    'new h', 'hset h', 'hset h', 'hset h', 'hset h', 'new h2', 'hset h2', 'hdel h', 'hdel h', 'del h', 'new h3', 'hincrby h3',
    'hincrbyfloat h3',
  ]);
});

test('Hash commands count changes like Redis (dirty)', async () => {
  await r('DEL', 'dh');
  const cases: [string[], number][] = [
    [['HSET', 'dh', 'a', '1', 'b', '2'], 2],
    [['HSET', 'dh', 'a', '1'], 1],
    [['HMSET', 'dh', 'a', '1', 'c', '3'], 2],
    [['HSETNX', 'dh', 'a', '1'], 0],
    [['HSETNX', 'dh', 'z', '1'], 1],
    [['HDEL', 'dh', 'a', 'b', 'nope'], 2],
    [['HINCRBY', 'dh', 'n', '5'], 1],
    [['HINCRBYFLOAT', 'dh', 'n', '5'], 1],
    [['HGET', 'dh', 'n'], 0],
    [['HDEL', 'dh', 'c', 'z', 'n'], 3],
  ];
  for (const [cmd, n] of cases) {
    const before = await dirty();
    await r(...cmd);
    assert.equal((await dirty()) - before, n, cmd.join(' '));
  }
  assert.equal(await r('EXISTS', 'dh'), 0);
});
