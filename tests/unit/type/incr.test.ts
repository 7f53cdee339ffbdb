/**
 * Wire tests of INCR DECR INCRBY DECRBY INCRBYFLOAT, mirroring Redis 7.0's
 * tests/unit/type/incr.tcl, plus int64 edge cases and INCRBYFLOAT results that depend on x87
 * extended precision. Every expected value below is what redis-server 7.0.15 on x86-64
 * answers; with redis-server installed, a fuzz test also compares random inputs live.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { assertError, haveRedisServer, startOracle, startTestServer, type RespClient, type Reply, type TestServer } from '../../helpers/server.js';

let srv: TestServer;
let c: RespClient;

before(async () => {
  srv = await startTestServer();
  c = await srv.client();
});

after(async () => {
  await srv.close();
});

const r = (...args: (string | number | Buffer)[]): Promise<Reply> => c.call(...args);

/** Tcl's roundFloat: format "%.10g". */
function roundFloat(v: Reply): string {
  return String(Number(Number(v as string).toPrecision(10)));
}

test('INCR against non existing key', async () => {
  await r('DEL', 'novar');
  assert.equal(await r('INCR', 'novar'), 1);
  assert.equal(await r('GET', 'novar'), '1');
});

test('INCR against key created by incr itself', async () => {
  assert.equal(await r('INCR', 'novar'), 2);
});

test('DECR against key created by incr itself', async () => {
  assert.equal(await r('DECR', 'novar'), 1);
  assert.equal(await r('DECR', 'novar'), 0);
  assert.equal(await r('DECR', 'novar'), -1);
  assert.equal(await r('GET', 'novar'), '-1');
});

test('INCR against key originally set with SET', async () => {
  await r('SET', 'novar', '100');
  assert.equal(await r('INCR', 'novar'), 101);
});

test('INCR over 32bit value', async () => {
  await r('SET', 'novar', '17179869184');
  assert.equal(await r('INCR', 'novar'), 17179869185);
});

test('INCRBY over 32bit value with over 32bit increment', async () => {
  await r('SET', 'novar', '17179869184');
  assert.equal(await r('INCRBY', 'novar', '17179869184'), 34359738368);
});

test('INCR fails against key with spaces (left)', async () => {
  await r('SET', 'novar', '    11');
  assertError(await r('INCR', 'novar'), 'ERR value is not an integer or out of range');
});

test('INCR fails against key with spaces (right)', async () => {
  await r('SET', 'novar', '11    ');
  assertError(await r('INCR', 'novar'), 'ERR value is not an integer or out of range');
});

test('INCR fails against key with spaces (both)', async () => {
  await r('SET', 'novar', '    11    ');
  assertError(await r('INCR', 'novar'), 'ERR value is not an integer or out of range');
});

test('INCR fails against values that are not canonical integers', async () => {
  for (const v of ['+1', '-0', '01', '1.0', '', 'abc', '9223372036854775808', '-9223372036854775809', '1\u00002']) {
    await r('SET', 'novar', v);
    assertError(await r('INCR', 'novar'), 'ERR value is not an integer or out of range');
    assert.equal(await r('GET', 'novar'), v);
  }
});

test('DECRBY negation overflow', async () => {
  await r('SET', 'x', '0');
  assertError(await r('DECRBY', 'x', '-9223372036854775808'), 'ERR decrement would overflow');
  assert.equal(await r('GET', 'x'), '0');
});

test('INCR fails against a key holding a list', async () => {
  await r('DEL', 'mylist');
  await r('RPUSH', 'mylist', '1');
  assertError(await r('INCR', 'mylist'), 'WRONGTYPE Operation against a key holding the wrong kind of value');
  assertError(await r('INCRBY', 'mylist', '1'), 'WRONGTYPE*');
  // The increment is parsed before the key is looked up.
  assertError(await r('INCRBY', 'mylist', 'abc'), 'ERR value is not an integer or out of range');
  assertError(await r('DECRBY', 'mylist', '-9223372036854775808'), 'ERR decrement would overflow');
  assert.equal(await r('RPOP', 'mylist'), '1');
});

test('DECRBY over 32bit value with over 32bit increment, negative res', async () => {
  await r('SET', 'novar', '17179869184');
  assert.equal(await r('DECRBY', 'novar', '17179869185'), -1);
});

test('INCRBY / DECRBY refuse increments that are not int64', async () => {
  for (const inc of ['1.5', ' 1', '+1', '', '9223372036854775808', '-9223372036854775809', '0x10']) {
    assertError(await r('INCRBY', 'novar', inc), 'ERR value is not an integer or out of range');
    assertError(await r('DECRBY', 'novar', inc), 'ERR value is not an integer or out of range');
  }
});

test('INCR/DECR are exact over the whole int64 range and refuse to overflow', async () => {
  await r('SET', 'big', '9007199254740991');
  assert.equal(await r('INCR', 'big'), 9007199254740992n);
  assert.equal(await r('INCR', 'big'), 9007199254740993n);
  assert.equal(await r('GET', 'big'), '9007199254740993');
  assert.equal(await r('INCRBY', 'big', '9214364837600034000'), 9223372036854774993n);
  assert.equal(await r('INCRBY', 'big', '814'), 9223372036854775807n);
  assertError(await r('INCR', 'big'), 'ERR increment or decrement would overflow');
  assertError(await r('INCRBY', 'big', '9223372036854775807'), 'ERR increment or decrement would overflow');
  assert.equal(await r('GET', 'big'), '9223372036854775807');
  assert.equal(await r('DECRBY', 'big', '9223372036854775807'), 0);
  assert.equal(await r('DECRBY', 'big', '9223372036854775807'), -9223372036854775807n);
  assert.equal(await r('DECR', 'big'), -9223372036854775808n);
  assertError(await r('DECR', 'big'), 'ERR increment or decrement would overflow');
  assertError(await r('DECRBY', 'big', '1'), 'ERR increment or decrement would overflow');
  assertError(await r('INCRBY', 'big', '-1'), 'ERR increment or decrement would overflow');
  assert.equal(await r('INCRBY', 'big', '9223372036854775807'), -1);
  await r('SET', 'x', '0');
  assert.equal(await r('DECRBY', 'x', '-9223372036854775807'), 9223372036854775807n);
  await r('DEL', 'nb');
  assert.equal(await r('INCRBY', 'nb', '-9223372036854775808'), -9223372036854775808n);
  assert.equal(await r('INCRBY', 'nb', '9007199254740993'), -9214364837600034815n);
});

test('INCR results are stored as integers (OBJECT ENCODING int), even after APPEND', async () => {
  await r('SET', 'foo', '10');
  await r('APPEND', 'foo', '0');
  assert.equal(await r('OBJECT', 'ENCODING', 'foo'), 'raw');
  assert.equal(await r('INCR', 'foo'), 101);
  assert.equal(await r('OBJECT', 'ENCODING', 'foo'), 'int');
  await r('SET', 'foo', '9223372036854775806');
  await r('INCR', 'foo');
  assert.equal(await r('OBJECT', 'ENCODING', 'foo'), 'int');
  assert.equal(await r('GET', 'foo'), '9223372036854775807');
});

test('INCR keeps the TTL', async () => {
  await r('SET', 'foo', '1', 'EX', '100');
  await r('INCR', 'foo');
  await r('INCRBYFLOAT', 'foo', '1.5');
  const ttl = (await r('TTL', 'foo')) as number;
  assert.ok(ttl > 90 && ttl <= 100, String(ttl));
});

test('INCRBYFLOAT against non existing key', async () => {
  await r('DEL', 'novar');
  assert.deepEqual(
    [roundFloat(await r('INCRBYFLOAT', 'novar', '1')), roundFloat(await r('GET', 'novar')), roundFloat(await r('INCRBYFLOAT', 'novar', '0.25')), roundFloat(await r('GET', 'novar'))],
    ['1', '1', '1.25', '1.25'],
  );
});

test('INCRBYFLOAT against key originally set with SET', async () => {
  await r('SET', 'novar', '1.5');
  assert.equal(roundFloat(await r('INCRBYFLOAT', 'novar', '1.5')), '3');
});

test('INCRBYFLOAT over 32bit value', async () => {
  await r('SET', 'novar', '17179869184');
  assert.equal(await r('INCRBYFLOAT', 'novar', '1.5'), '17179869185.5');
});

test('INCRBYFLOAT over 32bit value with over 32bit increment', async () => {
  await r('SET', 'novar', '17179869184');
  assert.equal(await r('INCRBYFLOAT', 'novar', '17179869184'), '34359738368');
});

test('INCRBYFLOAT fails against key with spaces (left)', async () => {
  await r('SET', 'novar', '    11');
  assertError(await r('INCRBYFLOAT', 'novar', '1.0'), 'ERR value is not a valid float');
});

test('INCRBYFLOAT fails against key with spaces (right)', async () => {
  await r('SET', 'novar', '11    ');
  assertError(await r('INCRBYFLOAT', 'novar', '1.0'), 'ERR value is not a valid float');
});

test('INCRBYFLOAT fails against key with spaces (both)', async () => {
  await r('SET', 'novar', ' 11 ');
  assertError(await r('INCRBYFLOAT', 'novar', '1.0'), 'ERR value is not a valid float');
});

test('INCRBYFLOAT fails against a key holding a list', async () => {
  await r('DEL', 'mylist');
  await r('RPUSH', 'mylist', '1');
  assertError(await r('INCRBYFLOAT', 'mylist', '1.0'), 'WRONGTYPE Operation against a key holding the wrong kind of value');
  // Unlike INCRBY, the type is checked before the increment is parsed.
  assertError(await r('INCRBYFLOAT', 'mylist', 'abc'), 'WRONGTYPE*');
  await r('DEL', 'mylist');
});

test('INCRBYFLOAT does not allow NaN or Infinity', async () => {
  await r('SET', 'foo', '0');
  assertError(await r('INCRBYFLOAT', 'foo', '+inf'), 'ERR increment would produce NaN or Infinity');
  assert.equal(await r('GET', 'foo'), '0');
});

test('INCRBYFLOAT decrement', async () => {
  await r('SET', 'foo', '1');
  assert.equal(roundFloat(await r('INCRBYFLOAT', 'foo', '-1.1')), '-0.1');
});

test('string to double with null terminator', async () => {
  await r('SET', 'foo', '1');
  await r('SETRANGE', 'foo', '2', '2');
  assertError(await r('INCRBYFLOAT', 'foo', '1'), 'ERR value is not a valid float');
});

test('No negative zero', async () => {
  await r('DEL', 'foo');
  await r('INCRBYFLOAT', 'foo', String(1 / 41));
  await r('INCRBYFLOAT', 'foo', String(-1 / 41));
  assert.equal(await r('GET', 'foo'), '0');
});

/** [stored value, increment, reply of redis-server 7.0.15 on x86-64]. */
const FLOAT_CASES: [string, string, string][] = [
  ['0', '0.1', '0.1'],
  ['0.1', '0.2', '0.3'],
  ['10.5', '0.1', '10.6'],
  ['17179869184', '1.5', '17179869185.5'],
  // An exact tie at the 17th decimal rounds half to even, like glibc's printf.
  ['0', '0.000003814697265625', '0.00000381469726562'],
  ['0', '1000.1', '1000.09999999999999998'],
  ['1000.09999999999999998', '1e20', '100000000000000001000'],
  ['0', '1.1e30', '1099999999999999999979062034432'],
  ['0', '123456789.123456789', '123456789.12345678899873747'],
  ['123456789.12345678899873747', '0.1234567890123456789012345', '123456789.24691357801202685'],
  ['1', '-1.1', '-0.1'],
  ['1.1', '-1.1', '0'],
  ['9223372036854775807', '1', '9223372036854775808'],
  ['0', '1e-4940', '0'],
  ['0', '0e-5000', '0'],
  ['0', '0x10', '16'],
  ['16', '0x1p-3', '16.125'],
  ['0', '0X1.8P1', '3'],
  ['0', '+1.5', '1.5'],
  ['0', '.5', '0.5'],
  ['0', '5.', '5'],
  ['0', '-.5e1', '-5'],
  ['0', '00001.5000', '1.5'],
  ['3.0e3', '1', '3001'],
  ['0x1p+10', '1', '1025'],
  ['0', '1.0000000000000000000000000000000000000001', '1'],
  ['-0.3', '0.1', '-0.2'],
  ['1e-17', '1.5e-17', '0.00000000000000003'],
  ['5', '3.3333333333333333333333333333', '8.33333333333333333'],
  ['0.00000000000000001', '0.000000000000000005', '0.00000000000000002'],
  ['1', '1e-30', '1'],
  ['-5', '5', '0'],
  ['0', '-0', '0'],
  [
    '1e308',
    '1e308',
    '199999999999999999993371759311691291321120199694831134415594095989843469737676123744200253843777078640893494450108026446304269499187921167194841628860392837535918200039206381557326219209014213335878306791577877829121087126122536729803237260434173178506889763247582601711514636284849020905456510092687857156096',
  ],
  [
    '0',
    '1e400',
    '10000000000000000000281880683947586514586453433629052038625910693539685534008629862039363994848324160522094053927317616200295822777259255734023828976593340661017797447434546173917862448116674971723778943824391593338047470675026246684401359237513603830343735485505244955964979021825038280091068414947402456898653040951017512658092615827588920183472511643316591362664138176309734806343732497430221946880',
  ],
];

test('INCRBYFLOAT computes in x87 extended precision like Redis', async () => {
  for (const [start, inc, want] of FLOAT_CASES) {
    await r('SET', 'f', start);
    assert.equal(await r('INCRBYFLOAT', 'f', inc), want, `${start} + ${inc}`);
    assert.equal(await r('GET', 'f'), want);
  }
});

test('INCRBYFLOAT chains like Redis: 0.1 three times is 0.3', async () => {
  await r('SET', 'f', '0');
  assert.deepEqual([await r('INCRBYFLOAT', 'f', '0.1'), await r('INCRBYFLOAT', 'f', '0.1'), await r('INCRBYFLOAT', 'f', '0.1')], ['0.1', '0.2', '0.3']);
});

test('INCRBYFLOAT at the edge of the long double range', async () => {
  await r('SET', 'f', '0');
  const max = (await r('INCRBYFLOAT', 'f', '1.18973149535723176502e+4932')) as string;
  assert.equal(max.length, 4933);
  // LDBL_MAX printed in full (checked by digest: 4933 digits).
  assert.equal(createHash('sha256').update(max).digest('hex'), '39319dad6400899a3385cef1c62991c21106f7f12a7dea6f3849a857ad9131a6');
  assert.ok(max.startsWith('1189731495357231765021263853030970205169063322294624200440323733'));
  // Parsing past LDBL_MAX is refused by strtold; adding past it overflows the sum.
  assertError(await r('INCRBYFLOAT', 'f', '1.18973149535723176509e+4932'), 'ERR value is not a valid float');
  assertError(await r('INCRBYFLOAT', 'f', '1.18973149535723176502e+4932'), 'ERR increment would produce NaN or Infinity');
  // Below half an ulp of LDBL_MAX the sum rounds back to it.
  assert.equal(await r('INCRBYFLOAT', 'f', '1e4912'), max);
  assertError(await r('INCRBYFLOAT', 'f', '1e5000'), 'ERR value is not a valid float');
  assertError(await r('INCRBYFLOAT', 'f', '1e-5000'), 'ERR value is not a valid float');
  assertError(await r('INCRBYFLOAT', 'f', '0x1p99999'), 'ERR value is not a valid float');
});

test('INCRBYFLOAT refuses what strtold does not fully read', async () => {
  await r('SET', 'f', '0');
  for (const bad of ['nan', '-nan', ' 1', '1 ', '.', '1e', '1e+', '', '--1', '+-1', '1.2.3', '0x', '0x1p', 'infinit', 'abc', '1\u00002']) {
    assertError(await r('INCRBYFLOAT', 'f', bad), 'ERR value is not a valid float');
  }
  for (const inf of ['inf', 'INFINITY', '-infinity']) {
    assertError(await r('INCRBYFLOAT', 'f', inf), 'ERR increment would produce NaN or Infinity');
  }
  assertError(await r('INCRBYFLOAT', 'f', '1'.repeat(5120)), 'ERR value is not a valid float');
  assert.equal(await r('GET', 'f'), '0');
});

test('INCRBYFLOAT replies a bulk string in RESP3 too, and stores an embstr-like string', async () => {
  const c3 = await srv.client();
  await c3.call('HELLO', '3');
  await c3.call('SET', 'f', '1');
  assert.equal(await c3.call('INCRBYFLOAT', 'f', '0.5'), '1.5');
  assert.equal(c3.types.at(-1), '$');
});

test('INCRBYFLOAT matches redis-server on random inputs', { skip: !haveRedisServer() && 'redis-server not installed' }, async () => {
  const oracle = await startOracle();
  try {
    const o = await oracle.client();
    let seed = 12345;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const digits = (n: number): string => {
      let s = '';
      for (let i = 0; i < n; i++) s += String(Math.floor(rand() * 10));
      return s;
    };
    const randomNumber = (): string => {
      const sign = rand() < 0.3 ? '-' : '';
      const kind = rand();
      if (kind < 0.4) return `${sign}${digits(1 + Math.floor(rand() * 12))}.${digits(1 + Math.floor(rand() * 25))}`;
      if (kind < 0.7) return `${sign}${digits(1 + Math.floor(rand() * 5))}e${rand() < 0.5 ? '-' : ''}${Math.floor(rand() * 40)}`;
      if (kind < 0.9) return `${sign}0.${digits(Math.floor(rand() * 30))}${digits(1 + Math.floor(rand() * 5))}`;
      return `${sign}${digits(1 + Math.floor(rand() * 19))}`;
    };
    for (let i = 0; i < 400; i++) {
      const start = randomNumber();
      const inc = randomNumber();
      await o.call('SET', 'f', start);
      await c.call('SET', 'f', start);
      const want = await o.call('INCRBYFLOAT', 'f', inc);
      const got = await c.call('INCRBYFLOAT', 'f', inc);
      assert.deepEqual(got, want, `${start} + ${inc}`);
    }
  } finally {
    await oracle.close();
  }
});

test('INCR family fires incrby / incrbyfloat events and counts one change each', async () => {
  const ev = await startTestServer({ 'notify-keyspace-events': 'KE$n' });
  try {
    const cl = await ev.client();
    const sub = await ev.client();
    await sub.call('PSUBSCRIBE', '__keyevent@0__:*');
    const dirtyOf = async (): Promise<number> => Number(/rdb_changes_since_last_save:(\d+)/.exec((await cl.call('INFO', 'persistence')) as string)?.[1]);
    const d0 = await dirtyOf();
    await cl.call('INCR', 'i');
    await cl.call('DECR', 'i');
    await cl.call('INCRBY', 'i', '5');
    await cl.call('DECRBY', 'i', '2');
    await cl.call('INCRBYFLOAT', 'i', '1.5');
    await cl.call('INCR', 'i'); // fails: not an integer
    assert.equal((await dirtyOf()) - d0, 5);
    const events: string[] = [];
    for (let i = 0; i < 6; i++) {
      const m = (await sub.nextPush()) as Reply[];
      events.push(`${(m[2] as string).replace('__keyevent@0__:', '')} ${m[3] as string}`);
    }
    assert.deepEqual(events, ['new i', 'incrby i', 'incrby i', 'incrby i', 'incrby i', 'incrbyfloat i']);
  } finally {
    await ev.close();
  }
});
