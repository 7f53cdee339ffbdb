/**
 * Wire tests of the set commands, mirroring Redis 7.0's tests/unit/type/set.tcl (and the SSCAN
 * cases of scan.tcl), run over both 7.0 encodings (intset and hashtable) as the Tcl suite
 * does, plus Cinnabar's additions: exact error strings, RESP3 reply types, keyspace events,
 * dirty counting, intset order and width corners. The SINTER/SUNION/SDIFF part of set.tcl is
 * in set-algebra.test.ts. DEBUG RELOAD and large-memory cases are out
 * of scope. Expected values are what redis-server 7.0.15 answers.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, startTestServer, type RespClient, type Reply, type TestServer } from '../../helpers/server.js';

let srv: TestServer;
let c: RespClient;
let sub: RespClient;

before(async () => {
  srv = await startTestServer({ 'notify-keyspace-events': 'KEAn', 'set-max-intset-entries': 512 });
  c = await srv.client();
  sub = await srv.client();
  await sub.call('PSUBSCRIBE', '__keyevent@0__:*');
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
const rand = rng(7070);
const randInt = (n: number): number => Math.floor(rand() * n);

async function encoding(key: string): Promise<Reply> {
  return r('OBJECT', 'ENCODING', key);
}

async function createSet(key: string, entries: readonly (string | number)[]): Promise<void> {
  await r('DEL', key);
  for (const e of entries) await r('SADD', key, e);
}

const sorted = (a: Reply): string[] => [...(a as string[])].sort();

function chiSquare(values: readonly string[]): number {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const expected = values.length / counts.size;
  let x = 0;
  for (const n of counts.values()) x += ((n - expected) * (n - expected)) / expected;
  return x;
}

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

// ---- basics ---------------------------------------------------------------------------------

test('SADD, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS basics - regular set', async () => {
  await createSet('myset', ['foo']);
  assert.equal(await encoding('myset'), 'hashtable');
  assert.equal(await r('SADD', 'myset', 'bar'), 1);
  assert.equal(await r('SADD', 'myset', 'bar'), 0);
  assert.equal(await r('SCARD', 'myset'), 2);
  assert.equal(await r('SISMEMBER', 'myset', 'foo'), 1);
  assert.equal(await r('SISMEMBER', 'myset', 'bar'), 1);
  assert.equal(await r('SISMEMBER', 'myset', 'bla'), 0);
  assert.deepEqual(await r('SMISMEMBER', 'myset', 'foo'), [1]);
  assert.deepEqual(await r('SMISMEMBER', 'myset', 'foo', 'bar'), [1, 1]);
  assert.deepEqual(await r('SMISMEMBER', 'myset', 'foo', 'bla'), [1, 0]);
  assert.deepEqual(await r('SMISMEMBER', 'myset', 'bla', 'foo'), [0, 1]);
  assert.deepEqual(await r('SMISMEMBER', 'myset', 'bla'), [0]);
  assert.deepEqual(sorted(await r('SMEMBERS', 'myset')), ['bar', 'foo']);
});

test('SADD, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS basics - intset', async () => {
  await createSet('myset', ['17']);
  assert.equal(await encoding('myset'), 'intset');
  assert.equal(await r('SADD', 'myset', '16'), 1);
  assert.equal(await r('SADD', 'myset', '16'), 0);
  assert.equal(await r('SCARD', 'myset'), 2);
  assert.equal(await r('SISMEMBER', 'myset', '16'), 1);
  assert.equal(await r('SISMEMBER', 'myset', '17'), 1);
  assert.equal(await r('SISMEMBER', 'myset', '18'), 0);
  assert.deepEqual(await r('SMISMEMBER', 'myset', '16'), [1]);
  assert.deepEqual(await r('SMISMEMBER', 'myset', '16', '17'), [1, 1]);
  assert.deepEqual(await r('SMISMEMBER', 'myset', '16', '18'), [1, 0]);
  assert.deepEqual(await r('SMISMEMBER', 'myset', '18', '16'), [0, 1]);
  assert.deepEqual(await r('SMISMEMBER', 'myset', '18'), [0]);
  // An intset lists its members in ascending order.
  assert.deepEqual(await r('SMEMBERS', 'myset'), ['16', '17']);
});

test('SMISMEMBER against non set', async () => {
  await r('LPUSH', 'mylist', 'foo');
  assertError(await r('SMISMEMBER', 'mylist', 'bar'), 'WRONGTYPE*');
});

test('SMISMEMBER non existing key', async () => {
  assert.deepEqual(await r('SMISMEMBER', 'myset1', 'foo'), [0]);
  assert.deepEqual(await r('SMISMEMBER', 'myset1', 'foo', 'bar'), [0, 0]);
});

test('SMISMEMBER requires one or more members', async () => {
  await r('DEL', 'zmscoretest');
  await r('ZADD', 'zmscoretest', '10', 'x');
  assertError(await r('SMISMEMBER', 'zmscoretest'), "ERR wrong number of arguments for 'smismember' command");
});

test('SADD against non set', async () => {
  await r('LPUSH', 'mylist', 'foo');
  assertError(await r('SADD', 'mylist', 'bar'), 'WRONGTYPE Operation against a key holding the wrong kind of value');
});

test('SADD a non-integer against an intset', async () => {
  await createSet('myset', [1, 2, 3]);
  assert.equal(await encoding('myset'), 'intset');
  assert.equal(await r('SADD', 'myset', 'a'), 1);
  assert.equal(await encoding('myset'), 'hashtable');
});

test('SADD an integer larger than 64 bits', async () => {
  await createSet('myset', ['213244124402402314402033402']);
  assert.equal(await encoding('myset'), 'hashtable');
  assert.equal(await r('SISMEMBER', 'myset', '213244124402402314402033402'), 1);
  assert.deepEqual(await r('SMISMEMBER', 'myset', '213244124402402314402033402'), [1]);
});

test('SADD overflows the maximum allowed integers in an intset', async () => {
  await r('DEL', 'myset');
  await c.pipeline(Array.from({ length: 512 }, (_v, i) => ['SADD', 'myset', i]));
  assert.equal(await encoding('myset'), 'intset');
  assert.equal(await r('SADD', 'myset', '512'), 1);
  assert.equal(await encoding('myset'), 'hashtable');
});

test('Variadic SADD', async () => {
  await r('DEL', 'myset');
  assert.equal(await r('SADD', 'myset', 'a', 'b', 'c'), 3);
  assert.equal(await r('SADD', 'myset', 'A', 'a', 'b', 'c', 'B'), 2);
  assert.deepEqual(sorted(await r('SMEMBERS', 'myset')), ['A', 'B', 'a', 'b', 'c']);
});

test('Set encoding (the DEBUG RELOAD test without the reload)', async () => {
  await r('DEL', 'myintset', 'myhashset', 'mylargeintset');
  await c.pipeline(Array.from({ length: 100 }, (_v, i) => ['SADD', 'myintset', i]));
  await c.pipeline(Array.from({ length: 1280 }, (_v, i) => ['SADD', 'mylargeintset', i]));
  await c.pipeline(Array.from({ length: 256 }, (_v, i) => ['SADD', 'myhashset', `i${String(i).padStart(3, '0')}`]));
  assert.equal(await encoding('myintset'), 'intset');
  assert.equal(await encoding('mylargeintset'), 'hashtable');
  assert.equal(await encoding('myhashset'), 'hashtable');
});

test('Intset membership is canonical int64 text; the widths grow and the order is numeric', async () => {
  await r('DEL', 'w', 'nc');
  assert.equal(await r('SADD', 'w', '5', '-3', '10', '9223372036854775807', '-9223372036854775808', '0', '70000', '-40000'), 8);
  assert.equal(await encoding('w'), 'intset');
  assert.deepEqual(await r('SMEMBERS', 'w'), ['-9223372036854775808', '-40000', '-3', '0', '5', '10', '70000', '9223372036854775807']);
  for (const m of ['+5', '05', ' 5', '5.0', '-0', '9223372036854775808']) assert.equal(await r('SISMEMBER', 'w', m), 0, m);
  assert.equal(await r('SREM', 'w', '+5', '05', '-0'), 0);
  // Non-canonical integers make a hashtable, and are distinct members there.
  assert.equal(await r('SADD', 'nc', '1', '+1', '01', '-0', '00'), 5);
  assert.equal(await encoding('nc'), 'hashtable');
  assert.equal(await r('SISMEMBER', 'nc', '01'), 1);
  await r('DEL', 'nz');
  await r('SADD', 'nz', '-0');
  assert.equal(await encoding('nz'), 'hashtable');
  await r('DEL', 'big');
  await r('SADD', 'big', '9223372036854775808');
  assert.equal(await encoding('big'), 'hashtable');
});

test('set-max-intset-entries 0 converts on the first member; conversions never go back', async () => {
  await r('CONFIG', 'SET', 'set-max-intset-entries', '0');
  try {
    await r('DEL', 'z0');
    await r('SADD', 'z0', '1');
    assert.equal(await encoding('z0'), 'hashtable');
  } finally {
    await r('CONFIG', 'SET', 'set-max-intset-entries', '512');
  }
  await r('DEL', 'back');
  await r('SADD', 'back', '1', 'x');
  await r('SREM', 'back', 'x');
  assert.equal(await encoding('back'), 'hashtable');
});

test('SREM basics - regular set', async () => {
  await createSet('myset', ['foo', 'bar', 'ciao']);
  assert.equal(await encoding('myset'), 'hashtable');
  assert.equal(await r('SREM', 'myset', 'qux'), 0);
  assert.equal(await r('SREM', 'myset', 'foo'), 1);
  assert.deepEqual(sorted(await r('SMEMBERS', 'myset')), ['bar', 'ciao']);
});

test('SREM basics - intset', async () => {
  await createSet('myset', [3, 4, 5]);
  assert.equal(await encoding('myset'), 'intset');
  assert.equal(await r('SREM', 'myset', '6'), 0);
  assert.equal(await r('SREM', 'myset', '4'), 1);
  assert.deepEqual(await r('SMEMBERS', 'myset'), ['3', '5']);
});

test('SREM with multiple arguments', async () => {
  await r('DEL', 'myset');
  await r('SADD', 'myset', 'a', 'b', 'c', 'd');
  assert.equal(await r('SREM', 'myset', 'k', 'k', 'k'), 0);
  assert.equal(await r('SREM', 'myset', 'b', 'd', 'x', 'y'), 2);
  assert.deepEqual(sorted(await r('SMEMBERS', 'myset')), ['a', 'c']);
});

test('SREM variadic version with more args needed to destroy the key', async () => {
  await r('DEL', 'myset');
  await r('SADD', 'myset', '1', '2', '3');
  assert.equal(await r('SREM', 'myset', '1', '2', '3', '4', '5', '6', '7', '8'), 3);
  assert.equal(await r('EXISTS', 'myset'), 0);
});

// ---- SPOP / SRANDMEMBER ---------------------------------------------------------------------

for (const [type, contents] of [['hashtable', ['a', 'b', 'c']], ['intset', ['1', '2', '3']]] as const) {
  test(`SPOP basics - ${type}`, async () => {
    await createSet('myset', contents);
    assert.equal(await encoding('myset'), type);
    assert.deepEqual([await r('SPOP', 'myset'), await r('SPOP', 'myset'), await r('SPOP', 'myset')].map(String).sort(), [...contents]);
    assert.equal(await r('SCARD', 'myset'), 0);
  });

  test(`SPOP with <count>=1 - ${type}`, async () => {
    await createSet('myset', contents);
    assert.equal(await encoding('myset'), type);
    const got = [await r('SPOP', 'myset', '1'), await r('SPOP', 'myset', '1'), await r('SPOP', 'myset', '1')] as string[][];
    assert.ok(got.every((g) => g.length === 1));
    assert.deepEqual(got.flat().sort(), [...contents]);
    assert.equal(await r('SCARD', 'myset'), 0);
  });

  test(`SRANDMEMBER - ${type}`, async () => {
    await createSet('myset', contents);
    const seen = new Set<string>();
    for (let i = 0; i < 100; i++) seen.add((await r('SRANDMEMBER', 'myset')) as string);
    assert.deepEqual([...seen].sort(), [...contents]);
  });
}

for (const [type, contents] of [
  ['hashtable', 'abcdefghijklmnopqrstuvwxyz'.split('')],
  ['intset', Array.from({ length: 26 }, (_v, i) => String(i + 1))],
] as const) {
  test(`SPOP with <count> - ${type}`, async () => {
    await createSet('myset', contents);
    assert.equal(await encoding('myset'), type);
    const got: string[] = [];
    for (const n of ['11', '9', '0', '4', '1', '0', '1', '0']) got.push(...((await r('SPOP', 'myset', n)) as string[]));
    assert.deepEqual(got.sort(), [...contents].sort());
    assert.equal(await r('SCARD', 'myset'), 0);
  });
}

test("SPOP using integers, testing Knuth's and Floyd's algorithm", async () => {
  await createSet('myset', Array.from({ length: 20 }, (_v, i) => i + 1));
  assert.equal(await encoding('myset'), 'intset');
  assert.equal(await r('SCARD', 'myset'), 20);
  for (const [n, left] of [[1, 19], [2, 17], [3, 14], [10, 4], [10, 0], [1, 0]] as const) {
    await r('SPOP', 'myset', n);
    assert.equal(await r('SCARD', 'myset'), left);
  }
});

test("SPOP using integers with Knuth's algorithm", async () => {
  assert.deepEqual(await r('SPOP', 'nonexisting_key', '100'), []);
});

test('SPOP new implementation: code path #1', async () => {
  const content = Array.from({ length: 20 }, (_v, i) => String(i + 1));
  await createSet('myset', content);
  assert.deepEqual(sorted(await r('SPOP', 'myset', '30')), [...content].sort());
  assert.equal(await r('EXISTS', 'myset'), 0);
});

for (const [path, n] of [['#2', 2], ['#3', 18]] as const) {
  test(`SPOP new implementation: code path ${path}`, async () => {
    const content = Array.from({ length: 20 }, (_v, i) => String(i + 1));
    await createSet('myset', content);
    const res = (await r('SPOP', 'myset', n)) as string[];
    assert.equal(res.length, n);
    assert.equal(new Set(res).size, n);
    assert.equal(await r('SCARD', 'myset'), 20 - n);
    assert.deepEqual([...((await r('SMEMBERS', 'myset')) as string[]), ...res].sort(), [...content].sort());
  });
}

test('SPOP argument errors, missing keys and RESP3 set replies', async () => {
  await createSet('sp', ['1', '2', '3']);
  await r('SET', 'str', 'x');
  assertError(await r('SPOP', 'sp', '-1'), 'ERR value is out of range, must be positive');
  assertError(await r('SPOP', 'sp', 'abc'), 'ERR value is out of range, must be positive');
  assertError(await r('SPOP', 'str', '-1'), 'ERR value is out of range, must be positive');
  assertError(await r('SPOP', 'sp', '1', '2'), 'ERR syntax error');
  assertError(await r('SPOP', 'str'), 'WRONGTYPE*');
  assertError(await r('SPOP', 'str', '0'), 'WRONGTYPE*');
  assert.equal(await r('SPOP', 'nokey'), null);
  assert.deepEqual(await r('SPOP', 'nokey', '3'), []);
  assert.deepEqual(await r('SPOP', 'sp', '0'), []);
  const c3 = await srv.client();
  await c3.call('HELLO', '3');
  assert.deepEqual(await c3.call('SPOP', 'nokey', '3'), []);
  assert.equal(c3.types.at(-1), '~');
  assert.equal(((await c3.call('SPOP', 'sp', '1')) as string[]).length, 1);
  assert.equal(c3.types.at(-1), '~');
  assert.equal(((await c3.call('SPOP', 'sp', '10')) as string[]).length, 2);
  assert.equal(c3.types.at(-1), '~');
  assert.equal(await c3.call('SPOP', 'sp'), null);
  assert.equal(c3.types.at(-1), '_');
  c3.close();
});

test('SRANDMEMBER count of 0 is handled correctly', async () => {
  assert.deepEqual(await r('SRANDMEMBER', 'myset', '0'), []);
});

test('SRANDMEMBER with <count> against non existing key', async () => {
  assert.deepEqual(await r('SRANDMEMBER', 'nonexisting_key', '100'), []);
});

test('SRANDMEMBER count of 0 and a missing key are empty arrays, not nulls', async () => {
  await createSet('myset', ['a']);
  const raw = await srv.client();
  assert.equal((await raw.rawExchange('*3\r\n$11\r\nSRANDMEMBER\r\n$5\r\nmyset\r\n$1\r\n0\r\n', 4)).toString(), '*0\r\n');
  assert.equal((await raw.rawExchange('*3\r\n$11\r\nSRANDMEMBER\r\n$15\r\nnonexisting_key\r\n$3\r\n100\r\n', 4)).toString(), '*0\r\n');
  raw.close();
});

test('SRANDMEMBER count overflow and argument errors', async () => {
  await createSet('myset', ['a']);
  await r('SET', 'str', 'x');
  assertError(await r('SRANDMEMBER', 'myset', '-9223372036854775808'), 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807');
  assertError(await r('SRANDMEMBER', 'myset', 'abc'), 'ERR value is not an integer or out of range');
  assertError(await r('SRANDMEMBER', 'str', 'abc'), 'ERR value is not an integer or out of range');
  assertError(await r('SRANDMEMBER', 'myset', '1', '2'), 'ERR syntax error');
  assertError(await r('SRANDMEMBER', 'str', '5'), 'WRONGTYPE*');
  assert.equal(await r('SRANDMEMBER', 'nokey'), null);
  // Cinnabar refuses repetition counts it could not answer without running out of memory.
  assertError(await r('SRANDMEMBER', 'myset', '-9223372036854775807'), 'ERR value is out of range');
  const c3 = await srv.client();
  await c3.call('HELLO', '3');
  assert.deepEqual(await c3.call('SRANDMEMBER', 'myset', '2'), ['a']);
  assert.equal(c3.types.at(-1), '*', 'SRANDMEMBER answers an array, not a set');
  c3.close();
});

for (const [type, contents] of [
  ['hashtable', ['1', '5', '10', '50', '125', '50000', '33959417', '4775547', '65434162', '12098459', '427716', '483706', '2726473884', '72615637475',
    'MARY', 'PATRICIA', 'LINDA', 'BARBARA', 'ELIZABETH', 'JENNIFER', 'MARIA', 'SUSAN', 'MARGARET', 'DOROTHY', 'LISA', 'NANCY', 'KAREN', 'BETTY',
    'HELEN', 'SANDRA', 'DONNA', 'CAROL', 'RUTH', 'SHARON', 'MICHELLE', 'LAURA', 'SARAH', 'KIMBERLY', 'DEBORAH', 'JESSICA', 'SHIRLEY', 'CYNTHIA',
    'ANGELA', 'MELISSA', 'BRENDA', 'AMY', 'ANNA', 'REBECCA', 'VIRGINIA', 'KATHLEEN']],
  ['intset', Array.from({ length: 50 }, (_v, i) => String(i))],
] as const) {
  test(`SRANDMEMBER with <count> - ${type}`, async () => {
    await createSet('myset', contents);
    assert.equal(await encoding('myset'), type);
    const all = new Set(contents as readonly string[]);
    assert.deepEqual(sorted(await r('SMEMBERS', 'myset')), [...all].sort());
    assert.deepEqual(await r('SRANDMEMBER', 'myset', '0'), []);
    // PATH 1: negative count.
    const res = (await r('SRANDMEMBER', 'myset', '-100')) as string[];
    assert.equal(res.length, 100);
    for (const e of res) assert.ok(all.has(e));
    const aux = new Set<string>();
    for (let it = 0; it < 1000 && aux.size < all.size; it++) for (const e of (await r('SRANDMEMBER', 'myset', '-10')) as string[]) aux.add(e);
    assert.equal(aux.size, all.size);
    // PATH 2: count at least the size.
    for (const size of ['50', '100']) assert.deepEqual(sorted(await r('SRANDMEMBER', 'myset', size)), [...all].sort());
    // PATH 3 and PATH 4.
    for (const size of [45, 5]) {
      const got = (await r('SRANDMEMBER', 'myset', String(size))) as string[];
      assert.equal(got.length, size);
      assert.equal(new Set(got).size, size);
      for (const e of got) assert.ok(all.has(e));
      const seen = new Set<string>();
      for (let it = 0; it < 1000 && seen.size < all.size; it++) for (const e of (await r('SRANDMEMBER', 'myset', String(size))) as string[]) seen.add(e);
      assert.equal(seen.size, all.size);
    }
  });
}

for (const [type, contents] of [
  ['hashtable', ['1', '5', '10', '50', '125', 'MARY', 'PATRICIA', 'LINDA', 'BARBARA', 'ELIZABETH']],
  ['intset', Array.from({ length: 10 }, (_v, i) => String(i))],
] as const) {
  test(`SRANDMEMBER histogram distribution - ${type}`, async () => {
    await createSet('myset', contents);
    assert.equal(await encoding('myset'), type);
    assert.ok(chiSquare((await r('SRANDMEMBER', 'myset', '-1000')) as string[]) < 40);
    for (const size of [8, 2]) {
      const all: string[] = [];
      for (let it = 0; it < 1000 / size; it++) all.push(...((await r('SRANDMEMBER', 'myset', String(size))) as string[]));
      assert.ok(chiSquare(all) < 40, `uniform with count ${size}`);
    }
  });
}

// ---- SMOVE ----------------------------------------------------------------------------------

async function setupMove(): Promise<void> {
  await r('DEL', 'myset3{t}', 'myset4{t}');
  await createSet('myset1{t}', ['1', 'a', 'b']);
  await createSet('myset2{t}', ['2', '3', '4']);
  assert.equal(await encoding('myset1{t}'), 'hashtable');
  assert.equal(await encoding('myset2{t}'), 'intset');
}

test('SMOVE basics - from regular set to intset', async () => {
  await setupMove();
  assert.equal(await r('SMOVE', 'myset1{t}', 'myset2{t}', 'a'), 1);
  assert.deepEqual(sorted(await r('SMEMBERS', 'myset1{t}')), ['1', 'b']);
  assert.deepEqual(sorted(await r('SMEMBERS', 'myset2{t}')), ['2', '3', '4', 'a']);
  assert.equal(await encoding('myset2{t}'), 'hashtable');
  await setupMove();
  assert.equal(await r('SMOVE', 'myset1{t}', 'myset2{t}', '1'), 1);
  assert.deepEqual(sorted(await r('SMEMBERS', 'myset1{t}')), ['a', 'b']);
  assert.deepEqual(await r('SMEMBERS', 'myset2{t}'), ['1', '2', '3', '4']);
  assert.equal(await encoding('myset2{t}'), 'intset');
});

test('SMOVE basics - from intset to regular set', async () => {
  await setupMove();
  assert.equal(await r('SMOVE', 'myset2{t}', 'myset1{t}', '2'), 1);
  assert.deepEqual(sorted(await r('SMEMBERS', 'myset1{t}')), ['1', '2', 'a', 'b']);
  assert.deepEqual(await r('SMEMBERS', 'myset2{t}'), ['3', '4']);
});

test('SMOVE non existing key', async () => {
  await setupMove();
  assert.equal(await r('SMOVE', 'myset1{t}', 'myset2{t}', 'foo'), 0);
  assert.equal(await r('SMOVE', 'myset1{t}', 'myset1{t}', 'foo'), 0);
  assert.deepEqual(sorted(await r('SMEMBERS', 'myset1{t}')), ['1', 'a', 'b']);
  assert.deepEqual(await r('SMEMBERS', 'myset2{t}'), ['2', '3', '4']);
});

test('SMOVE non existing src set', async () => {
  await setupMove();
  assert.equal(await r('SMOVE', 'noset{t}', 'myset2{t}', 'foo'), 0);
  assert.deepEqual(await r('SMEMBERS', 'myset2{t}'), ['2', '3', '4']);
  // A missing source answers 0 before the destination's type is checked.
  await r('SET', 'x{t}', '10');
  assert.equal(await r('SMOVE', 'noset{t}', 'x{t}', 'foo'), 0);
});

test('SMOVE from regular set to non existing destination set', async () => {
  await setupMove();
  assert.equal(await r('SMOVE', 'myset1{t}', 'myset3{t}', 'a'), 1);
  assert.deepEqual(sorted(await r('SMEMBERS', 'myset1{t}')), ['1', 'b']);
  assert.deepEqual(await r('SMEMBERS', 'myset3{t}'), ['a']);
  assert.equal(await encoding('myset3{t}'), 'hashtable');
});

test('SMOVE from intset to non existing destination set', async () => {
  await setupMove();
  assert.equal(await r('SMOVE', 'myset2{t}', 'myset3{t}', '2'), 1);
  assert.deepEqual(await r('SMEMBERS', 'myset2{t}'), ['3', '4']);
  assert.deepEqual(await r('SMEMBERS', 'myset3{t}'), ['2']);
  assert.equal(await encoding('myset3{t}'), 'intset');
});

test('SMOVE wrong src key type', async () => {
  await r('SET', 'x{t}', '10');
  assertError(await r('SMOVE', 'x{t}', 'myset2{t}', 'foo'), 'WRONGTYPE*');
});

test('SMOVE wrong dst key type', async () => {
  await r('SET', 'x{t}', '10');
  assertError(await r('SMOVE', 'myset2{t}', 'x{t}', 'foo'), 'WRONGTYPE*');
});

test('SMOVE with identical source and destination', async () => {
  await r('DEL', 'set{t}');
  await r('SADD', 'set{t}', 'a', 'b', 'c');
  assert.equal(await r('SMOVE', 'set{t}', 'set{t}', 'b'), 1);
  assert.deepEqual(sorted(await r('SMEMBERS', 'set{t}')), ['a', 'b', 'c']);
});

test('SMOVE only notify dstset when the addition is successful', async () => {
  await r('DEL', 'srcset{t}', 'dstset{t}');
  await r('SADD', 'srcset{t}', 'a', 'b');
  await r('SADD', 'dstset{t}', 'a');
  await r('WATCH', 'dstset{t}');
  await r('MULTI');
  await r('SADD', 'dstset{t}', 'c');
  const r2 = await srv.client();
  assert.equal(await r2.call('SMOVE', 'srcset{t}', 'dstset{t}', 'a'), 1);
  assert.deepEqual(await r('EXEC'), [1], 'the destination did not change, so EXEC runs');
  assert.equal(await r('SCARD', 'dstset{t}'), 2);
  r2.close();
});

test('intsets implementation stress testing', async () => {
  for (let j = 0; j < 20; j++) {
    const s = new Set<string>();
    await r('DEL', 's');
    const len = randInt(1024);
    const cmds: string[][] = [];
    for (let i = 0; i < len; i++) {
      const path = randInt(3);
      const data = path === 0 ? String(randInt(65536)) : path === 1 ? String(randInt(4294967296)) : (BigInt(randInt(4294967296)) * 4294967296n + BigInt(randInt(4294967296))).toString();
      s.add(data);
      cmds.push(['SADD', 's', data]);
    }
    if (cmds.length > 0) await c.pipeline(cmds);
    assert.deepEqual(sorted(await r('SMEMBERS', 's')), [...s].sort());
    const n = s.size;
    for (let i = 0; i < n; i++) {
      const e = (await r('SPOP', 's')) as string;
      assert.ok(s.delete(e), `popped ${e} that was not in the set`);
    }
    assert.equal(await r('SCARD', 's'), 0);
    assert.equal(s.size, 0);
  }
});

// ---- SSCAN ----------------------------------------------------------------------------------

for (const enc of ['intset', 'hashtable'] as const) {
  test(`SSCAN with encoding ${enc}`, async () => {
    await r('DEL', 'set');
    const prefix = enc === 'intset' ? '' : 'ele:';
    await r('SADD', 'set', ...Array.from({ length: 100 }, (_v, j) => `${prefix}${j}`));
    assert.equal(await encoding('set'), enc);
    let cur = '0';
    const keys: string[] = [];
    let calls = 0;
    do {
      const [next, items] = (await r('SSCAN', 'set', cur)) as [string, string[]];
      cur = next;
      keys.push(...items);
      calls++;
    } while (cur !== '0');
    assert.equal(new Set(keys).size, 100);
    if (enc === 'intset') {
      assert.equal(calls, 1);
      assert.deepEqual(keys, Array.from({ length: 100 }, (_v, j) => String(j)), 'ascending order');
    } else {
      assert.ok(calls > 1);
    }
  });
}

test('SSCAN with integer encoded object (issue #1345)', async () => {
  await r('DEL', 'set');
  await r('SADD', 'set', '1', 'a');
  assert.deepEqual((await r('SSCAN', 'set', '0', 'MATCH', '*a*', 'COUNT', '100')) as Reply[], ['0', ['a']]);
  const [, items] = (await r('SSCAN', 'set', '0', 'MATCH', '*1*', 'COUNT', '100')) as [string, string[]];
  assert.deepEqual(items, ['1']);
});

test('SSCAN with PATTERN', async () => {
  await r('DEL', 'mykey');
  await r('SADD', 'mykey', 'foo', 'fab', 'fiz', 'foobar', '1', '2', '3', '4');
  const [, items] = (await r('SSCAN', 'mykey', '0', 'MATCH', 'foo*', 'COUNT', '10000')) as [string, string[]];
  assert.deepEqual([...items].sort(), ['foo', 'foobar']);
});

test('SCAN regression test for issue #4906', async () => {
  for (let k = 0; k < 100; k++) {
    await r('DEL', 'set');
    await r('SADD', 'set', 'x');
    const numele = 101 + randInt(1000);
    const toremove: string[] = [];
    const cmds: string[][] = [];
    for (let j = 0; j < numele; j++) {
      cmds.push(['SADD', 'set', String(j)]);
      if (j >= 100) toremove.push(String(j));
    }
    await c.pipeline(cmds);
    const found = new Set<string>();
    let cursor = '0';
    let iteration = 0;
    const delIteration = randInt(10);
    while (!(cursor === '0' && iteration !== 0)) {
      const [next, items] = (await r('SSCAN', 'set', cursor)) as [string, string[]];
      cursor = next;
      for (const i of items) found.add(i);
      iteration++;
      if (iteration === delIteration) await r('SREM', 'set', ...toremove);
    }
    for (let j = 0; j < 100; j++) assert.ok(found.has(String(j)), `SSCAN element missing ${j}`);
  }
});

test('SSCAN cursor and option errors; small encodings ignore the cursor', async () => {
  await r('DEL', 'ss');
  await r('SADD', 'ss', '1', '2', '3');
  assertError(await r('SSCAN', 'ss', 'abc'), 'ERR invalid cursor');
  assertError(await r('SSCAN', 'ss', '18446744073709551616'), 'ERR invalid cursor');
  assertError(await r('SSCAN', 'ss', '0', 'count', '0'), 'ERR syntax error');
  assertError(await r('SSCAN', 'ss', '0', 'count', '-1'), 'ERR syntax error');
  assertError(await r('SSCAN', 'ss', '0', 'count', 'abc'), 'ERR value is not an integer or out of range');
  assertError(await r('SSCAN', 'ss', '0', 'match'), 'ERR syntax error');
  assertError(await r('SSCAN', 'ss', '0', 'foo', 'bar'), 'ERR syntax error');
  await r('SET', 'str', 'x');
  assertError(await r('SSCAN', 'str', '0'), 'WRONGTYPE*');
  assert.deepEqual(await r('SSCAN', 'nokey', '0'), ['0', []]);
  assert.deepEqual(await r('SSCAN', 'nokey', '0', 'count', '0'), ['0', []]);
  assert.deepEqual(await r('SSCAN', 'ss', '-1'), ['0', ['1', '2', '3']]);
  assert.deepEqual(await r('SSCAN', 'ss', '18446744073709551615'), ['0', ['1', '2', '3']]);
  assert.deepEqual(await r('SSCAN', 'ss', '0', 'match', '*', 'count', '10', 'match', '1'), ['0', ['1']]);
});

// ---- reply types, events, dirty -------------------------------------------------------------

test('RESP3: SMEMBERS, SINTER, SUNION, SDIFF answer sets; SMISMEMBER integers; SINTERCARD an integer', async () => {
  await r('DEL', 'r1', 'r2');
  await r('SADD', 'r1', '3', '1', '2');
  await r('SADD', 'r2', '2', '3', '4');
  const c3 = await srv.client();
  await c3.call('HELLO', '3');
  const cases: [string[], Reply, string][] = [
    [['SMEMBERS', 'r1'], ['1', '2', '3'], '~'],
    [['SMEMBERS', 'nokey'], [], '~'],
    [['SINTER', 'r1', 'r2'], ['2', '3'], '~'],
    [['SINTER', 'nokey', 'r2'], [], '~'],
    [['SUNION', 'r1', 'r2'], ['1', '2', '3', '4'], '~'],
    [['SDIFF', 'r1', 'r2'], ['1'], '~'],
    [['SDIFF', 'nokey'], [], '~'],
    [['SMISMEMBER', 'r1', '1', '9'], [1, 0], '*'],
    [['SISMEMBER', 'r1', '1'], 1, ':'],
    [['SINTERCARD', '2', 'r1', 'r2'], 2, ':'],
    [['SSCAN', 'r1', '0'], ['0', ['1', '2', '3']], '*'],
  ];
  for (const [cmd, expected, type] of cases) {
    assert.deepEqual(await c3.call(...cmd), expected, cmd.join(' '));
    assert.equal(c3.types.at(-1), type, cmd.join(' '));
  }
  c3.close();
});

test('Set commands fire the keyspace events Redis fires', async () => {
  await r('DEL', 's', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'g2', 'str');
  const events = await eventsOf(async () => {
    await r('SADD', 's', '1', '2', '3');
    await r('SADD', 's', '1');
    await r('SREM', 's', '9');
    await r('SREM', 's', '1');
    await r('SREM', 's', '2', '3', '4');
    await r('SADD', 's', '1', '2', '3', '4', '5');
    await r('SPOP', 's');
    await r('SPOP', 's', '0');
    await r('SPOP', 's', '2');
    await r('SPOP', 's', '10');
    await r('SADD', 's', '1');
    await r('SPOP', 's');
    await r('SADD', 'a', 'x', 'y');
    await r('SADD', 'b', 'y');
    await r('SMOVE', 'a', 'b', 'x');
    await r('SMOVE', 'a', 'b', 'y');
    await r('SMOVE', 'b', 'c', 'y');
    await r('SMOVE', 'nosrc', 'c', 'y');
    await r('SADD', 'd', '1', '2', '3');
    await r('SADD', 'e', '2', '3', '4');
    await r('SINTERSTORE', 'f', 'd', 'e');
    await r('SINTERSTORE', 'f', 'd', 'nokey');
    await r('SINTERSTORE', 'f', 'd', 'nokey');
    await r('SUNIONSTORE', 'g', 'd', 'e');
    await r('SUNIONSTORE', 'g', 'nokey', 'nokey2');
    await r('SDIFFSTORE', 'g2', 'd', 'e');
    await r('SDIFFSTORE', 'g2', 'd', 'd');
    await r('SET', 'str', 'v');
    await r('SUNIONSTORE', 'str', 'd');
  });
  assert.deepEqual(events, [
    'new s', 'sadd s', 'srem s', 'srem s', 'del s', 'new s', 'sadd s', 'spop s', 'spop s', 'spop s', 'del s', 'new s', 'sadd s',
    'spop s', 'del s', 'new a', 'sadd a', 'new b', 'sadd b', 'srem a', 'sadd b', 'srem a', 'del a', 'srem b', 'new c', 'sadd c',
    'new d', 'sadd d', 'new e', 'sadd e', 'new f', 'sinterstore f', 'del f', 'new g', 'sunionstore g', 'del g', 'new g2',
    'sdiffstore g2', 'del g2', 'new str', 'set str', 'sunionstore str',
  ]);
});

test('STORE onto an expired destination reclaims it first; an empty result deletes it', async () => {
  let now = 1_700_000_000_000;
  const ev = await startTestServer({ clock: () => now, 'notify-keyspace-events': 'KEAn' });
  try {
    const k = await ev.client();
    const s2 = await ev.client();
    await s2.call('PSUBSCRIBE', '__keyevent@0__:*');
    await k.call('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    const seen: string[] = [];
    const drainUntil = async (marker: string): Promise<void> => {
      await k.call('SET', marker, '1');
      for (;;) {
        const m = (await s2.nextPush()) as Reply[];
        const e = `${(m[2] as string).replace('__keyevent@0__:', '')} ${m[3] as string}`;
        if (e.endsWith(` ${marker}`)) {
          if (e.startsWith('set ')) return;
          continue;
        }
        seen.push(e);
      }
    };
    await k.call('SADD', 'src', 'a');
    await k.call('SADD', 'dst', 'x');
    await k.call('PEXPIRE', 'dst', '50');
    await drainUntil('m0');
    seen.length = 0;
    now += 100;
    assert.equal(await k.call('SUNIONSTORE', 'dst', 'src'), 1);
    await k.call('PEXPIRE', 'dst', '50');
    now += 100;
    assert.equal(await k.call('SINTERSTORE', 'dst', 'src', 'nokey'), 0);
    await k.call('SADD', 'h', 'x');
    await k.call('PEXPIRE', 'h', '50');
    now += 100;
    assert.equal(await k.call('HSET', 'h', 'a', '1'), 1);
    await drainUntil('m1');
    // What redis-server 7.0.15 fires for the same steps with active expiry off.
    assert.deepEqual(seen, ['expired dst', 'new dst', 'sunionstore dst', 'expire dst', 'del dst', 'new h', 'sadd h', 'expire h', 'expired h', 'new h', 'hset h']);
  } finally {
    await ev.close();
  }
});

test('Set commands count changes like Redis (dirty)', async () => {
  await r('DEL', 'ds', 'ds2', 'dd');
  const cases: [string[], number][] = [
    [['SADD', 'ds', 'a', 'b', 'c', 'd'], 4],
    [['SADD', 'ds', 'a', 'e'], 1],
    [['SREM', 'ds', 'a', 'zz'], 1],
    [['SPOP', 'ds'], 1],
    [['SPOP', 'ds', '2'], 2],
    [['SPOP', 'ds', '0'], 0],
    [['SADD', 'ds2', 'x'], 1],
    [['SMOVE', 'ds2', 'ds', 'x'], 2],
    [['SMOVE', 'ds', 'ds', 'x'], 0],
    [['SINTERSTORE', 'dd', 'ds', 'ds'], 1],
    [['SINTERSTORE', 'dd', 'nokey'], 1],
    [['SINTERSTORE', 'dd', 'nokey'], 0],
    [['SMEMBERS', 'ds'], 0],
    [['SPOP', 'ds', '100'], 2],
  ];
  for (const [cmd, n] of cases) {
    const before = await dirty();
    await r(...cmd);
    assert.equal((await dirty()) - before, n, cmd.join(' '));
  }
});
