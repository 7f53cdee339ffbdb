/**
 * Wire tests of the non-blocking list commands, mirroring Redis 7.0's tests/unit/type/list.tcl
 * (once per element size where the Tcl suite loops over its "largevalue" table), plus the
 * argument errors, negative indexes and int64 edges Redis has. The blocking commands are in
 * list-blocking.test.ts.
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

/** The Tcl suite's largevalue table: a small element and a larger one. */
const LARGE: Record<string, string> = { ziplist: 'hello', linkedlist: 'hello'.repeat(4) };

async function createList(key: string, items: (string | number)[]): Promise<void> {
  await r('DEL', key);
  for (const it of items) await r('RPUSH', key, it);
  assert.equal(await r('OBJECT', 'ENCODING', key), 'quicklist');
}

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
  assert.equal(got.toString('latin1'), expected, args.join(' '));
}

test('LPOS basic usage', async () => {
  await r('DEL', 'mylist');
  await r('RPUSH', 'mylist', 'a', 'b', 'c', 1, 2, 3, 'c', 'c');
  assert.equal(await r('LPOS', 'mylist', 'a'), 0);
  assert.equal(await r('LPOS', 'mylist', 'c'), 2);
});

test('LPOS RANK (positive, negative and zero rank) option', async () => {
  assert.equal(await r('LPOS', 'mylist', 'c', 'RANK', 1), 2);
  assert.equal(await r('LPOS', 'mylist', 'c', 'RANK', 2), 6);
  assert.equal(await r('LPOS', 'mylist', 'c', 'RANK', 4), null);
  assert.equal(await r('LPOS', 'mylist', 'c', 'RANK', -1), 7);
  assert.equal(await r('LPOS', 'mylist', 'c', 'RANK', -2), 6);
  assertError(
    await r('LPOS', 'mylist', 'c', 'RANK', 0),
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
  );
});

test('LPOS RANK at the int64 limits', async () => {
  assert.equal(await r('LPOS', 'mylist', 'c', 'RANK', '9223372036854775807'), null);
  assert.equal(await r('LPOS', 'mylist', 'c', 'RANK', '-9223372036854775807'), null);
  // Redis negates the rank in int64 arithmetic: -2^63 stays negative, so every match from the
  // tail qualifies.
  assert.equal(await r('LPOS', 'mylist', 'c', 'RANK', '-9223372036854775808'), 7);
  assert.deepEqual(await r('LPOS', 'mylist', 'c', 'RANK', '-9223372036854775808', 'COUNT', 0), [7, 6, 2]);
  assertError(await r('LPOS', 'mylist', 'c', 'RANK', '9223372036854775808'), 'ERR value is not an integer or out of range');
});

test('LPOS COUNT option', async () => {
  assert.deepEqual(await r('LPOS', 'mylist', 'c', 'COUNT', 0), [2, 6, 7]);
  assert.deepEqual(await r('LPOS', 'mylist', 'c', 'COUNT', 1), [2]);
  assert.deepEqual(await r('LPOS', 'mylist', 'c', 'COUNT', 2), [2, 6]);
  assert.deepEqual(await r('LPOS', 'mylist', 'c', 'COUNT', 100), [2, 6, 7]);
});

test('LPOS COUNT + RANK option', async () => {
  assert.deepEqual(await r('LPOS', 'mylist', 'c', 'COUNT', 0, 'RANK', 2), [6, 7]);
  assert.deepEqual(await r('LPOS', 'mylist', 'c', 'COUNT', 2, 'RANK', -1), [7, 6]);
});

test('LPOS non existing key', async () => {
  assert.deepEqual(await r('LPOS', 'mylistxxx', 'c', 'COUNT', 0, 'RANK', 2), []);
  assert.equal(await r('LPOS', 'mylistxxx', 'c'), null);
});

test('LPOS no match', async () => {
  assert.deepEqual(await r('LPOS', 'mylist', 'x', 'COUNT', 2, 'RANK', -1), []);
  assert.equal(await r('LPOS', 'mylist', 'x', 'RANK', -1), null);
});

test('LPOS MAXLEN', async () => {
  assert.deepEqual(await r('LPOS', 'mylist', 'a', 'COUNT', 0, 'MAXLEN', 1), [0]);
  assert.deepEqual(await r('LPOS', 'mylist', 'c', 'COUNT', 0, 'MAXLEN', 1), []);
  assert.deepEqual(await r('LPOS', 'mylist', 'c', 'COUNT', 0, 'MAXLEN', 3), [2]);
  assert.deepEqual(await r('LPOS', 'mylist', 'c', 'COUNT', 0, 'MAXLEN', 3, 'RANK', -1), [7, 6]);
  assert.deepEqual(await r('LPOS', 'mylist', 'c', 'COUNT', 0, 'MAXLEN', 7, 'RANK', 2), [6]);
});

test('LPOS when RANK is greater than matches', async () => {
  await r('DEL', 'mylist');
  await r('LPUSH', 'mylist', 'a');
  assert.deepEqual(await r('LPOS', 'mylist', 'b', 'COUNT', 10, 'RANK', 5), []);
});

test('LPOS argument errors', async () => {
  await createList('mylist', ['a', 'b']);
  assertError(await r('LPOS', 'mylist', 'a', 'COUNT', -1), "ERR COUNT can't be negative");
  assertError(await r('LPOS', 'mylist', 'a', 'MAXLEN', -1), "ERR MAXLEN can't be negative");
  assertError(await r('LPOS', 'mylist', 'a', 'RANK'), 'ERR syntax error');
  assertError(await r('LPOS', 'mylist', 'a', 'FOO', 1), 'ERR syntax error');
  assertError(await r('LPOS', 'mylist', 'a', 'RANK', 'x'), 'ERR value is not an integer or out of range');
  assertError(await r('LPOS', 'mylist', 'a', 'RANK', '1.5'), 'ERR value is not an integer or out of range');
  // COUNT and MAXLEN are range-checked: anything but a non-negative int64 gets the one message.
  assertError(await r('LPOS', 'mylist', 'a', 'COUNT', 'x'), "ERR COUNT can't be negative");
  assertError(await r('LPOS', 'mylist', 'a', 'COUNT', '9223372036854775808'), "ERR COUNT can't be negative");
  assertError(await r('LPOS', 'mylist', 'a', 'MAXLEN', '1.5'), "ERR MAXLEN can't be negative");
  assertError(await r('LPOS', 'nokey', 'a', 'COUNT', 'x'), "ERR COUNT can't be negative");
  // Options are validated before the key is looked at.
  assertError(await r('LPOS', 'nokey', 'a', 'RANK', 0), "ERR RANK can't be zero*");
  await r('SET', 'str', 'v');
  assertError(await r('LPOS', 'str', 'a'), 'WRONGTYPE*');
  assertError(await r('LPOS', 'str', 'a', 'RANK', 0), "ERR RANK can't be zero*");
  // Repeated options: the last one counts.
  assert.equal(await r('LPOS', 'mylist', 'b', 'RANK', 5, 'RANK', 1), 1);
});

test('LPUSH, RPUSH, LLENGTH, LINDEX, LPOP - ziplist', async () => {
  await r('DEL', 'myziplist1', 'myziplist2');
  assert.equal(await r('LPUSH', 'myziplist1', 'aa'), 1);
  assert.equal(await r('RPUSH', 'myziplist1', 'bb'), 2);
  assert.equal(await r('RPUSH', 'myziplist1', 'cc'), 3);
  assert.equal(await r('LLEN', 'myziplist1'), 3);
  assert.equal(await r('LINDEX', 'myziplist1', 0), 'aa');
  assert.equal(await r('LINDEX', 'myziplist1', 1), 'bb');
  assert.equal(await r('LINDEX', 'myziplist1', 2), 'cc');
  assert.equal(await r('LINDEX', 'myziplist2', 3), null);
  assert.equal(await r('RPOP', 'myziplist1'), 'cc');
  assert.equal(await r('LPOP', 'myziplist1'), 'aa');
  assert.equal(await r('OBJECT', 'ENCODING', 'myziplist1'), 'quicklist');

  assert.equal(await r('RPUSH', 'myziplist2', 'a'), 1);
  assert.equal(await r('LPUSH', 'myziplist2', 'b'), 2);
  assert.equal(await r('LPUSH', 'myziplist2', 'c'), 3);
  assert.equal(await r('LLEN', 'myziplist2'), 3);
  assert.equal(await r('LINDEX', 'myziplist2', 0), 'c');
  assert.equal(await r('LINDEX', 'myziplist2', 1), 'b');
  assert.equal(await r('LINDEX', 'myziplist2', 2), 'a');
  assert.equal(await r('LINDEX', 'myziplist2', 3), null);
  assert.equal(await r('RPOP', 'myziplist2'), 'a');
  assert.equal(await r('LPOP', 'myziplist2'), 'c');
});

test('LPUSH, RPUSH, LLENGTH, LINDEX, LPOP - regular list', async () => {
  const big = LARGE['linkedlist'] as string;
  await r('DEL', 'mylist1', 'mylist2');
  assert.equal(await r('LPUSH', 'mylist1', big), 1);
  assert.equal(await r('RPUSH', 'mylist1', 'b'), 2);
  assert.equal(await r('RPUSH', 'mylist1', 'c'), 3);
  assert.equal(await r('LLEN', 'mylist1'), 3);
  assert.equal(await r('LINDEX', 'mylist1', 0), big);
  assert.equal(await r('LINDEX', 'mylist1', 1), 'b');
  assert.equal(await r('LINDEX', 'mylist1', 2), 'c');
  assert.equal(await r('LINDEX', 'mylist1', 3), null);
  assert.equal(await r('RPOP', 'mylist1'), 'c');
  assert.equal(await r('LPOP', 'mylist1'), big);
});

test('LPOP/RPOP with wrong number of arguments', async () => {
  assertError(await r('LPOP', 'key', 1, 1), "ERR wrong number of arguments for 'lpop' command");
  assertError(await r('RPOP', 'key', 2, 2), "ERR wrong number of arguments for 'rpop' command");
});

test('RPOP/LPOP with the optional count argument', async () => {
  await r('DEL', 'listcount');
  assert.equal(await r('LPUSH', 'listcount', 'aa', 'bb', 'cc', 'dd', 'ee', 'ff', 'gg'), 7);
  assert.deepEqual(await r('LPOP', 'listcount', 1), ['gg']);
  assert.deepEqual(await r('LPOP', 'listcount', 2), ['ff', 'ee']);
  assert.deepEqual(await r('RPOP', 'listcount', 2), ['aa', 'bb']);
  assert.deepEqual(await r('RPOP', 'listcount', 1), ['cc']);
  assert.deepEqual(await r('RPOP', 'listcount', 123), ['dd']);
  assertError(await r('LPOP', 'forbarqaz', -123), 'ERR value is out of range, must be positive');
  assert.equal(await r('EXISTS', 'listcount'), 0);
});

test('LPOP/RPOP count that is not a number says it must be positive', async () => {
  // getPositiveLongFromObjectOrReply: one message for both failures.
  assertError(await r('LPOP', 'listcount', 'x'), 'ERR value is out of range, must be positive');
  assertError(await r('RPOP', 'listcount', '1.5'), 'ERR value is out of range, must be positive');
  assertError(await r('LPOP', 'listcount', '9223372036854775808'), 'ERR value is out of range, must be positive');
  await r('RPUSH', 'listcount', 'a');
  assert.deepEqual(await r('LPOP', 'listcount', '9223372036854775807'), ['a']);
});

for (const resp of [2, 3] as const) {
  test(`LPOP/RPOP with the count 0 returns an empty array in RESP${resp}`, async () => {
    const cl = resp === 2 ? c : c3;
    await r('DEL', 'listcount');
    await r('LPUSH', 'listcount', 'zero');
    await assertRaw(cl, ['LPOP', 'listcount', 0], '*0\r\n');
    await assertRaw(cl, ['RPOP', 'listcount', 0], '*0\r\n');
  });

  test(`LPOP/RPOP against non existing key in RESP${resp}`, async () => {
    const cl = resp === 2 ? c : c3;
    await r('DEL', 'non_existing_key');
    await assertRaw(cl, ['LPOP', 'non_existing_key'], resp === 2 ? '$-1\r\n' : '_\r\n');
    await assertRaw(cl, ['RPOP', 'non_existing_key'], resp === 2 ? '$-1\r\n' : '_\r\n');
  });

  test(`LPOP/RPOP with <count> against non existing key in RESP${resp}`, async () => {
    const cl = resp === 2 ? c : c3;
    await r('DEL', 'non_existing_key');
    for (const cmd of ['LPOP', 'RPOP']) {
      await assertRaw(cl, [cmd, 'non_existing_key', 0], resp === 2 ? '*-1\r\n' : '_\r\n');
      await assertRaw(cl, [cmd, 'non_existing_key', 1], resp === 2 ? '*-1\r\n' : '_\r\n');
    }
  });
}

test('Variadic RPUSH/LPUSH', async () => {
  await r('DEL', 'mylist');
  assert.equal(await r('LPUSH', 'mylist', 'a', 'b', 'c', 'd'), 4);
  assert.equal(await r('RPUSH', 'mylist', 0, 1, 2, 3), 8);
  assert.deepEqual(await r('LRANGE', 'mylist', 0, -1), ['d', 'c', 'b', 'a', '0', '1', '2', '3']);
});

test('DEL a list', async () => {
  await r('RPUSH', 'mylist2', 'x');
  assert.equal(await r('DEL', 'mylist2'), 1);
  assert.equal(await r('EXISTS', 'mylist2'), 0);
  assert.equal(await r('LLEN', 'mylist2'), 0);
});

test('LPUSHX, RPUSHX - generic', async () => {
  await r('DEL', 'xlist');
  assert.equal(await r('LPUSHX', 'xlist', 'a'), 0);
  assert.equal(await r('LLEN', 'xlist'), 0);
  assert.equal(await r('RPUSHX', 'xlist', 'a'), 0);
  assert.equal(await r('LLEN', 'xlist'), 0);
  assert.equal(await r('EXISTS', 'xlist'), 0);
});

for (const [type, large] of Object.entries(LARGE)) {
  test(`LPUSHX, RPUSHX - ${type}`, async () => {
    await createList('xlist', [large, 'c']);
    assert.equal(await r('RPUSHX', 'xlist', 'd'), 3);
    assert.equal(await r('LPUSHX', 'xlist', 'a'), 4);
    assert.equal(await r('RPUSHX', 'xlist', 42, 'x'), 6);
    assert.equal(await r('LPUSHX', 'xlist', 'y3', 'y2', 'y1'), 9);
    assert.deepEqual(await r('LRANGE', 'xlist', 0, -1), ['y1', 'y2', 'y3', 'a', large, 'c', 'd', '42', 'x']);
  });

  test(`LINSERT - ${type}`, async () => {
    await createList('xlist', ['a', large, 'c', 'd']);
    assert.equal(await r('LINSERT', 'xlist', 'before', 'c', 'zz'), 5);
    assert.deepEqual(await r('LRANGE', 'xlist', 0, 10), ['a', large, 'zz', 'c', 'd']);
    assert.equal(await r('LINSERT', 'xlist', 'after', 'c', 'yy'), 6);
    assert.deepEqual(await r('LRANGE', 'xlist', 0, 10), ['a', large, 'zz', 'c', 'yy', 'd']);
    assert.equal(await r('LINSERT', 'xlist', 'after', 'd', 'dd'), 7);
    assert.equal(await r('LINSERT', 'xlist', 'after', 'bad', 'ddd'), -1);
    assert.deepEqual(await r('LRANGE', 'xlist', 0, 10), ['a', large, 'zz', 'c', 'yy', 'd', 'dd']);
    assert.equal(await r('LINSERT', 'xlist', 'before', 'a', 'aa'), 8);
    assert.equal(await r('LINSERT', 'xlist', 'before', 'bad', 'aaa'), -1);
    assert.deepEqual(await r('LRANGE', 'xlist', 0, 10), ['aa', 'a', large, 'zz', 'c', 'yy', 'd', 'dd']);
    // Inserting an integer-looking value.
    assert.equal(await r('LINSERT', 'xlist', 'before', 'aa', 42), 9);
    assert.deepEqual(await r('LRANGE', 'xlist', 0, 0), ['42']);
  });
}

test('LINSERT raise error on bad syntax', async () => {
  assertError(await r('LINSERT', 'xlist', 'aft3r', 'aa', 42), 'ERR syntax error');
  // The syntax is checked before the key: a missing key still gets the error.
  assertError(await r('LINSERT', 'nokey', 'middle', 'aa', 42), 'ERR syntax error');
});

test('LINSERT against non-list value error', async () => {
  await r('SET', 'k1', 'v1');
  assertError(await r('LINSERT', 'k1', 'after', 0, 0), 'WRONGTYPE*');
});

test('LINSERT against non existing key', async () => {
  await r('DEL', 'not-a-key');
  assert.equal(await r('LINSERT', 'not-a-key', 'before', 0, 0), 0);
  assert.equal(await r('EXISTS', 'not-a-key'), 0);
});

for (const num of [250, 500]) {
  test(`LINDEX consistency test - quicklist (${num})`, async () => {
    await r('DEL', 'mylist');
    for (let i = 0; i < num; i++) await r('RPUSH', 'mylist', i);
    assert.equal(await r('OBJECT', 'ENCODING', 'mylist'), 'quicklist');
    const len = (await r('LLEN', 'mylist')) as number;
    for (let i = 0; i < len; i++) {
      assert.equal(await r('LINDEX', 'mylist', i), String(i));
      assert.equal(await r('LINDEX', 'mylist', -i - 1), String(len - 1 - i));
    }
  });

  test(`LINDEX random access - quicklist (${num})`, async () => {
    const len = (await r('LLEN', 'mylist')) as number;
    for (let i = 0; i < len; i++) {
      const k = Math.floor(Math.random() * len);
      assert.equal(await r('LINDEX', 'mylist', k), String(k));
      assert.equal(await r('LINDEX', 'mylist', -k - 1), String(len - 1 - k));
    }
  });
}

test('LINDEX out of range and at the int64 limits', async () => {
  await createList('mylist', ['a', 'b', 'c']);
  assert.equal(await r('LINDEX', 'mylist', 3), null);
  assert.equal(await r('LINDEX', 'mylist', -3), 'a');
  assert.equal(await r('LINDEX', 'mylist', -4), null);
  assert.equal(await r('LINDEX', 'mylist', '9223372036854775807'), null);
  assert.equal(await r('LINDEX', 'mylist', '-9223372036854775808'), null);
  assertError(await r('LINDEX', 'mylist', 'x'), 'ERR value is not an integer or out of range');
  assertError(await r('LINDEX', 'mylist', '1.0'), 'ERR value is not an integer or out of range');
});

test('LLEN against non-list value error', async () => {
  await r('DEL', 'mylist');
  await r('SET', 'mylist', 'foobar');
  assertError(await r('LLEN', 'mylist'), 'WRONGTYPE*');
});

test('LLEN against non existing key', async () => {
  assert.equal(await r('LLEN', 'not-a-key'), 0);
});

test('LINDEX against non-list value error', async () => {
  assertError(await r('LINDEX', 'mylist', 0), 'WRONGTYPE*');
});

test('LINDEX against non existing key', async () => {
  assert.equal(await r('LINDEX', 'not-a-key', 10), null);
});

test('LPUSH against non-list value error', async () => {
  assertError(await r('LPUSH', 'mylist', 0), 'WRONGTYPE*');
});

test('RPUSH against non-list value error', async () => {
  assertError(await r('RPUSH', 'mylist', 0), 'WRONGTYPE*');
});

test('LPUSHX/RPUSHX against non-list value error', async () => {
  assertError(await r('LPUSHX', 'mylist', 0), 'WRONGTYPE*');
  assertError(await r('RPUSHX', 'mylist', 0), 'WRONGTYPE*');
  assert.equal(await r('GET', 'mylist'), 'foobar');
});

for (const [type, large] of Object.entries(LARGE)) {
  test(`RPOPLPUSH base case - ${type}`, async () => {
    await r('DEL', 'mylist1', 'mylist2');
    await createList('mylist1', ['a', large, 'c', 'd']);
    assert.equal(await r('RPOPLPUSH', 'mylist1', 'mylist2'), 'd');
    assert.equal(await r('RPOPLPUSH', 'mylist1', 'mylist2'), 'c');
    assert.deepEqual(await r('LRANGE', 'mylist1', 0, -1), ['a', large]);
    assert.deepEqual(await r('LRANGE', 'mylist2', 0, -1), ['c', 'd']);
    assert.equal(await r('OBJECT', 'ENCODING', 'mylist2'), 'quicklist');
  });

  for (const from of ['left', 'right']) {
    for (const to of ['left', 'right']) {
      test(`LMOVE ${from} ${to} base case - ${type}`, async () => {
        await r('DEL', 'mylist1', 'mylist2');
        await createList('mylist1', from === 'right' ? ['c', 'd', large, 'a'] : ['a', large, 'c', 'd']);
        assert.equal(await r('LMOVE', 'mylist1', 'mylist2', from, to), 'a');
        assert.equal(await r('LMOVE', 'mylist1', 'mylist2', from, to), large);
        assert.deepEqual(await r('LRANGE', 'mylist1', 0, -1), ['c', 'd']);
        assert.deepEqual(await r('LRANGE', 'mylist2', 0, -1), to === 'right' ? ['a', large] : [large, 'a']);
      });

      test(`LMOVE ${from} ${to} with the same list as src and dst - ${type}`, async () => {
        await createList('mylist', from === 'right' ? ['a', large, 'c'] : ['c', 'a', large]);
        assert.equal(await r('LMOVE', 'mylist', 'mylist', from, to), 'c');
        assert.deepEqual(await r('LRANGE', 'mylist', 0, -1), to === 'right' ? ['a', large, 'c'] : ['c', 'a', large]);
      });
    }
  }

  test(`RPOPLPUSH with the same list as src and dst - ${type}`, async () => {
    await createList('mylist', ['a', large, 'c']);
    assert.deepEqual(await r('LRANGE', 'mylist', 0, -1), ['a', large, 'c']);
    assert.equal(await r('RPOPLPUSH', 'mylist', 'mylist'), 'c');
    assert.deepEqual(await r('LRANGE', 'mylist', 0, -1), ['c', 'a', large]);
  });

  for (const [othertype, otherlarge] of Object.entries(LARGE)) {
    test(`RPOPLPUSH with ${type} source and existing target ${othertype}`, async () => {
      await createList('srclist', ['a', 'b', 'c', large]);
      await createList('dstlist', [otherlarge]);
      assert.equal(await r('RPOPLPUSH', 'srclist', 'dstlist'), large);
      assert.equal(await r('RPOPLPUSH', 'srclist', 'dstlist'), 'c');
      assert.deepEqual(await r('LRANGE', 'srclist', 0, -1), ['a', 'b']);
      assert.deepEqual(await r('LRANGE', 'dstlist', 0, -1), ['c', large, otherlarge]);
    });
  }
}

test('RPOPLPUSH against non existing key', async () => {
  await r('DEL', 'srclist', 'dstlist');
  assert.equal(await r('RPOPLPUSH', 'srclist', 'dstlist'), null);
  assert.equal(await r('EXISTS', 'srclist'), 0);
  assert.equal(await r('EXISTS', 'dstlist'), 0);
});

test('RPOPLPUSH against non list src key', async () => {
  await r('DEL', 'srclist', 'dstlist');
  await r('SET', 'srclist', 'x');
  assertError(await r('RPOPLPUSH', 'srclist', 'dstlist'), 'WRONGTYPE*');
  assert.deepEqual(await r('TYPE', 'srclist'), { status: 'string' });
  assert.equal(await r('EXISTS', 'dstlist'), 0);
});

test('RPOPLPUSH against non list dst key', async () => {
  await createList('srclist', ['a', 'b', 'c', 'd']);
  await r('SET', 'dstlist', 'x');
  assertError(await r('RPOPLPUSH', 'srclist', 'dstlist'), 'WRONGTYPE*');
  assert.deepEqual(await r('TYPE', 'dstlist'), { status: 'string' });
  assert.deepEqual(await r('LRANGE', 'srclist', 0, -1), ['a', 'b', 'c', 'd']);
});

test('RPOPLPUSH against non existing src key', async () => {
  await r('DEL', 'srclist', 'dstlist');
  assert.equal(await r('RPOPLPUSH', 'srclist', 'dstlist'), null);
});

test('LMOVE against a missing source, a wrong-typed key and bad directions', async () => {
  await r('DEL', 'srclist', 'dstlist');
  assert.equal(await r('LMOVE', 'srclist', 'dstlist', 'LEFT', 'RIGHT'), null);
  await assertRaw(c3, ['LMOVE', 'srclist', 'dstlist', 'LEFT', 'RIGHT'], '_\r\n');
  assertError(await r('LMOVE', 'srclist', 'dstlist', 'UP', 'RIGHT'), 'ERR syntax error');
  assertError(await r('LMOVE', 'srclist', 'dstlist', 'LEFT', 'DOWN'), 'ERR syntax error');
  await r('SET', 'dstlist', 'x');
  await createList('srclist', ['a']);
  assertError(await r('LMOVE', 'srclist', 'dstlist', 'left', 'left'), 'WRONGTYPE*');
  assert.deepEqual(await r('LRANGE', 'srclist', 0, -1), ['a']);
  // The source is looked at first: an empty source does not check the destination's type.
  await r('DEL', 'srclist');
  assert.equal(await r('LMOVE', 'srclist', 'dstlist', 'left', 'left'), null);
});

for (const [type, large] of Object.entries(LARGE)) {
  test(`Basic LPOP/RPOP/LMPOP - ${type}`, async () => {
    await createList('mylist', [large, 1, 2]);
    assert.equal(await r('LPOP', 'mylist'), large);
    assert.equal(await r('RPOP', 'mylist'), '2');
    assert.equal(await r('LPOP', 'mylist'), '1');
    assert.equal(await r('LLEN', 'mylist'), 0);

    await createList('mylist', [large, 1, 2]);
    assert.deepEqual(await r('LMPOP', 1, 'mylist', 'left', 'count', 1), ['mylist', [large]]);
    assert.deepEqual(await r('LMPOP', 2, 'mylist', 'mylist', 'right', 'count', 2), ['mylist', ['2', '1']]);
    assert.equal(await r('EXISTS', 'mylist'), 0);
  });
}

test('LPOP/RPOP/LMPOP against empty list', async () => {
  await r('DEL', 'non-existing-list', 'non-existing-list2');
  assert.equal(await r('LPOP', 'non-existing-list'), null);
  assert.equal(await r('RPOP', 'non-existing-list2'), null);
  assert.equal(await r('LMPOP', 1, 'non-existing-list', 'left', 'count', 1), null);
  assert.equal(await r('LMPOP', 1, 'non-existing-list', 'left', 'count', 10), null);
  assert.equal(await r('LMPOP', 2, 'non-existing-list', 'non-existing-list2', 'right', 'count', 1), null);
  assert.equal(await r('LMPOP', 2, 'non-existing-list', 'non-existing-list2', 'right', 'count', 10), null);
  await assertRaw(c, ['LMPOP', 1, 'non-existing-list', 'left'], '*-1\r\n');
  await assertRaw(c3, ['LMPOP', 1, 'non-existing-list', 'left'], '_\r\n');
});

test('LPOP/RPOP/LMPOP NON-BLOCK or BLOCK against non list value', async () => {
  await r('SET', 'notalist', 'foo');
  assertError(await r('LPOP', 'notalist'), 'WRONGTYPE*');
  assertError(await r('BLPOP', 'notalist', 0), 'WRONGTYPE*');
  assertError(await r('RPOP', 'notalist'), 'WRONGTYPE*');
  assertError(await r('BRPOP', 'notalist', 0), 'WRONGTYPE*');

  await r('DEL', 'notalist2');
  assertError(await r('LMPOP', 2, 'notalist', 'notalist2', 'left', 'count', 1), 'WRONGTYPE*');
  assertError(await r('BLMPOP', 0, 2, 'notalist', 'notalist2', 'left', 'count', 1), 'WRONGTYPE*');

  await r('DEL', 'notalist');
  await r('SET', 'notalist2', 'nolist');
  assertError(await r('LMPOP', 2, 'notalist', 'notalist2', 'right', 'count', 10), 'WRONGTYPE*');
  assertError(await r('BLMPOP', 0, 2, 'notalist', 'notalist2', 'left', 'count', 1), 'WRONGTYPE*');
});

for (const num of [250, 500]) {
  test(`Mass RPOP/LPOP - quicklist (${num})`, async () => {
    await r('DEL', 'mylist');
    let sum1 = 0;
    for (let i = 0; i < num; i++) {
      await r('LPUSH', 'mylist', i);
      sum1 += i;
    }
    let sum2 = 0;
    for (let i = 0; i < num / 2; i++) {
      sum2 += Number(await r('LPOP', 'mylist'));
      sum2 += Number(await r('RPOP', 'mylist'));
    }
    assert.equal(sum2, sum1);
  });
}

test('LMPOP with illegal argument', async () => {
  assertError(await r('LMPOP'), "ERR wrong number of arguments for 'lmpop' command");
  assertError(await r('LMPOP', 1), "ERR wrong number of arguments for 'lmpop' command");
  assertError(await r('LMPOP', 1, 'mylist'), "ERR wrong number of arguments for 'lmpop' command");

  assertError(await r('LMPOP', 0, 'mylist', 'LEFT'), 'ERR numkeys should be greater than 0');
  assertError(await r('LMPOP', 'a', 'mylist', 'LEFT'), 'ERR numkeys should be greater than 0');
  assertError(await r('LMPOP', -1, 'mylist', 'RIGHT'), 'ERR numkeys should be greater than 0');

  assertError(await r('LMPOP', 1, 'mylist', 'bad_where'), 'ERR syntax error');
  assertError(await r('LMPOP', 1, 'mylist', 'LEFT', 'bar_arg'), 'ERR syntax error');
  assertError(await r('LMPOP', 1, 'mylist', 'RIGHT', 'LEFT'), 'ERR syntax error');
  assertError(await r('LMPOP', 1, 'mylist', 'COUNT'), 'ERR syntax error');
  assertError(await r('LMPOP', 1, 'mylist', 'LEFT', 'COUNT', 1, 'COUNT', 2), 'ERR syntax error');
  assertError(await r('LMPOP', 2, 'mylist', 'mylist2', 'bad_arg'), 'ERR syntax error');
  // numkeys larger than the keys given.
  assertError(await r('LMPOP', 5, 'mylist', 'LEFT'), 'ERR syntax error');

  assertError(await r('LMPOP', 1, 'mylist', 'LEFT', 'COUNT', 0), 'ERR count should be greater than 0');
  assertError(await r('LMPOP', 1, 'mylist', 'RIGHT', 'COUNT', 'a'), 'ERR count should be greater than 0');
  assertError(await r('LMPOP', 1, 'mylist', 'LEFT', 'COUNT', -1), 'ERR count should be greater than 0');
  assertError(await r('LMPOP', 2, 'mylist', 'mylist2', 'RIGHT', 'COUNT', -1), 'ERR count should be greater than 0');
});

test('LMPOP single existing list', async () => {
  // Same key multiple times.
  await createList('mylist', ['a', 'b', 'c', 'd', 'e', 'f']);
  assert.deepEqual(await r('LMPOP', 2, 'mylist', 'mylist', 'left', 'count', 2), ['mylist', ['a', 'b']]);
  assert.deepEqual(await r('LMPOP', 2, 'mylist', 'mylist', 'right', 'count', 2), ['mylist', ['f', 'e']]);
  assert.equal(await r('LLEN', 'mylist'), 2);

  // First one exists, second one does not exist.
  await createList('mylist', ['a', 'b', 'c', 'd', 'e']);
  await r('DEL', 'mylist2');
  assert.deepEqual(await r('LMPOP', 2, 'mylist', 'mylist2', 'left', 'count', 1), ['mylist', ['a']]);
  assert.equal(await r('LLEN', 'mylist'), 4);
  assert.deepEqual(await r('LMPOP', 2, 'mylist', 'mylist2', 'right', 'count', 10), ['mylist', ['e', 'd', 'c', 'b']]);
  assert.equal(await r('LMPOP', 2, 'mylist', 'mylist2', 'right', 'count', 1), null);

  // First one does not exist, second one exists.
  await r('DEL', 'mylist');
  await createList('mylist2', [1, 2, 3, 4, 5]);
  assert.deepEqual(await r('LMPOP', 2, 'mylist', 'mylist2', 'right', 'count', 1), ['mylist2', ['5']]);
  assert.equal(await r('LLEN', 'mylist2'), 4);
  assert.deepEqual(await r('LMPOP', 2, 'mylist', 'mylist2', 'left', 'count', 10), ['mylist2', ['1', '2', '3', '4']]);

  assert.equal(await r('EXISTS', 'mylist', 'mylist2'), 0);
});

test('LMPOP multiple existing lists', async () => {
  await createList('mylist', ['a', 'b', 'c', 'd', 'e']);
  await createList('mylist2', [1, 2, 3, 4, 5]);

  // Pop up from the first key.
  assert.deepEqual(await r('LMPOP', 2, 'mylist', 'mylist2', 'left', 'count', 2), ['mylist', ['a', 'b']]);
  assert.equal(await r('LLEN', 'mylist'), 3);
  assert.deepEqual(await r('LMPOP', 2, 'mylist', 'mylist2', 'right', 'count', 3), ['mylist', ['e', 'd', 'c']]);
  assert.equal(await r('EXISTS', 'mylist'), 0);

  // Pop up from the second key.
  assert.deepEqual(await r('LMPOP', 2, 'mylist', 'mylist2', 'left', 'count', 3), ['mylist2', ['1', '2', '3']]);
  assert.equal(await r('LLEN', 'mylist2'), 2);
  assert.deepEqual(await r('LMPOP', 2, 'mylist', 'mylist2', 'right', 'count', 2), ['mylist2', ['5', '4']]);
  assert.equal(await r('EXISTS', 'mylist'), 0);

  // Pop up all elements.
  await createList('mylist', ['a', 'b', 'c']);
  await createList('mylist2', [1, 2, 3]);
  assert.deepEqual(await r('LMPOP', 2, 'mylist', 'mylist2', 'left', 'count', 10), ['mylist', ['a', 'b', 'c']]);
  assert.equal(await r('LLEN', 'mylist'), 0);
  assert.deepEqual(await r('LMPOP', 2, 'mylist', 'mylist2', 'right', 'count', 10), ['mylist2', ['3', '2', '1']]);
  assert.equal(await r('LLEN', 'mylist2'), 0);
  assert.equal(await r('EXISTS', 'mylist', 'mylist2'), 0);
});

test('LMPOP reply in RESP3 is a two-element array with the elements in an array', async () => {
  await createList('mylist', ['a', 'b']);
  await assertRaw(c3, ['LMPOP', 1, 'mylist', 'RIGHT', 'COUNT', 5], '*2\r\n$6\r\nmylist\r\n*2\r\n$1\r\nb\r\n$1\r\na\r\n');
});

test('COMMAND GETKEYS of LMPOP and BLMPOP follows numkeys', async () => {
  assert.deepEqual(await r('COMMAND', 'GETKEYS', 'LMPOP', 2, 'a', 'b', 'LEFT'), ['a', 'b']);
  assert.deepEqual(await r('COMMAND', 'GETKEYS', 'LMPOP', 3, 'a', 'b', 'LEFT'), ['a', 'b', 'LEFT']);
  assert.deepEqual(await r('COMMAND', 'GETKEYS', 'BLMPOP', 0, 2, 'a', 'b', 'LEFT'), ['a', 'b']);
  // numkeys beyond the arguments, zero or negative: Redis refuses rather than truncating.
  assertError(await r('COMMAND', 'GETKEYS', 'LMPOP', 5, 'a', 'LEFT'), 'ERR Invalid arguments specified for command');
  assertError(await r('COMMAND', 'GETKEYS', 'BLMPOP', 0, 5, 'a', 'LEFT'), 'ERR Invalid arguments specified for command');
  assertError(await r('COMMAND', 'GETKEYS', 'LMPOP', 0, 'a', 'LEFT'), 'ERR Invalid arguments specified for command');
  assertError(await r('COMMAND', 'GETKEYS', 'LMPOP', -1, 'a', 'LEFT'), 'ERR Invalid arguments specified for command');
  assertError(await r('COMMAND', 'GETKEYS', 'LMPOP', 'x', 'a', 'LEFT'), 'ERR Invalid arguments specified for command');
  assertError(await r('COMMAND', 'GETKEYS', 'LMPOP', 2, 'a'), 'ERR Invalid number of arguments specified for command');
});

for (const [type, large] of Object.entries(LARGE)) {
  test(`LRANGE basics - ${type}`, async () => {
    await createList('mylist', [large, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(await r('LRANGE', 'mylist', 1, -2), ['1', '2', '3', '4', '5', '6', '7', '8']);
    assert.deepEqual(await r('LRANGE', 'mylist', -3, -1), ['7', '8', '9']);
    assert.deepEqual(await r('LRANGE', 'mylist', 4, 4), ['4']);
  });

  test(`LRANGE inverted indexes - ${type}`, async () => {
    await createList('mylist', [large, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(await r('LRANGE', 'mylist', 6, 2), []);
  });

  test(`LRANGE out of range indexes including the full list - ${type}`, async () => {
    await createList('mylist', [large, 1, 2, 3]);
    assert.deepEqual(await r('LRANGE', 'mylist', -1000, 1000), [large, '1', '2', '3']);
  });

  test(`LRANGE out of range negative end index - ${type}`, async () => {
    await createList('mylist', [large, 1, 2, 3]);
    assert.deepEqual(await r('LRANGE', 'mylist', 0, -4), [large]);
    assert.deepEqual(await r('LRANGE', 'mylist', 0, -5), []);
  });
}

test('LRANGE against non existing key', async () => {
  assert.deepEqual(await r('LRANGE', 'nosuchkey', 0, 1), []);
});

test('LRANGE with start > end yields an empty array for backward compatibility', async () => {
  await createList('mylist', [1, 2, 3]);
  assert.deepEqual(await r('LRANGE', 'mylist', 1, 0), []);
  assert.deepEqual(await r('LRANGE', 'mylist', -1, -2), []);
});

test('LRANGE at the int64 limits and with bad indexes', async () => {
  await createList('mylist', [1, 2, 3]);
  assert.deepEqual(await r('LRANGE', 'mylist', '-9223372036854775808', '9223372036854775807'), ['1', '2', '3']);
  assert.deepEqual(await r('LRANGE', 'mylist', '9223372036854775807', -1), []);
  assertError(await r('LRANGE', 'mylist', 'x', 1), 'ERR value is not an integer or out of range');
  assertError(await r('LRANGE', 'mylist', 0, '9223372036854775808'), 'ERR value is not an integer or out of range');
  await r('SET', 'str', 'v');
  assertError(await r('LRANGE', 'str', 0, -1), 'WRONGTYPE*');
});

for (const [type, large] of Object.entries(LARGE)) {
  const trimList = async (min: number, max: number): Promise<Reply> => {
    await r('DEL', 'mylist');
    await createList('mylist', [1, 2, 3, 4, large]);
    await r('LTRIM', 'mylist', min, max);
    return r('LRANGE', 'mylist', 0, -1);
  };

  test(`LTRIM basics - ${type}`, async () => {
    assert.deepEqual(await trimList(0, 0), ['1']);
    assert.deepEqual(await trimList(0, 1), ['1', '2']);
    assert.deepEqual(await trimList(0, 2), ['1', '2', '3']);
    assert.deepEqual(await trimList(1, 2), ['2', '3']);
    assert.deepEqual(await trimList(1, -1), ['2', '3', '4', large]);
    assert.deepEqual(await trimList(1, -2), ['2', '3', '4']);
    assert.deepEqual(await trimList(-2, -1), ['4', large]);
    assert.deepEqual(await trimList(-1, -1), [large]);
    assert.deepEqual(await trimList(-5, -1), ['1', '2', '3', '4', large]);
    assert.deepEqual(await trimList(-10, 10), ['1', '2', '3', '4', large]);
    assert.deepEqual(await trimList(0, 5), ['1', '2', '3', '4', large]);
    assert.deepEqual(await trimList(0, 10), ['1', '2', '3', '4', large]);
  });

  test(`LTRIM out of range negative end index - ${type}`, async () => {
    assert.deepEqual(await trimList(0, -5), ['1']);
    assert.deepEqual(await trimList(0, -6), []);
    // Trimming everything away deletes the key.
    assert.equal(await r('EXISTS', 'mylist'), 0);
  });
}

test('LTRIM against a missing key, a wrong type and bad indexes', async () => {
  await r('DEL', 'mylist');
  assert.deepEqual(await r('LTRIM', 'mylist', 0, 1), OK);
  assert.equal(await r('EXISTS', 'mylist'), 0);
  await r('SET', 'str', 'v');
  assertError(await r('LTRIM', 'str', 0, 1), 'WRONGTYPE*');
  assertError(await r('LTRIM', 'str', 'a', 1), 'ERR value is not an integer or out of range');
});

for (const [type, large] of Object.entries(LARGE)) {
  test(`LSET - ${type}`, async () => {
    await createList('mylist', [99, 98, large, 96, 95]);
    assert.deepEqual(await r('LSET', 'mylist', 1, 'foo'), OK);
    assert.deepEqual(await r('LSET', 'mylist', -1, 'bar'), OK);
    assert.deepEqual(await r('LRANGE', 'mylist', 0, -1), ['99', 'foo', large, '96', 'bar']);
  });

  test(`LSET out of range index - ${type}`, async () => {
    assertError(await r('LSET', 'mylist', 10, 'foo'), 'ERR index out of range');
    assertError(await r('LSET', 'mylist', 5, 'foo'), 'ERR index out of range');
    assertError(await r('LSET', 'mylist', -6, 'foo'), 'ERR index out of range');
    assertError(await r('LSET', 'mylist', '9223372036854775807', 'foo'), 'ERR index out of range');
    assertError(await r('LSET', 'mylist', '-9223372036854775808', 'foo'), 'ERR index out of range');
    assert.deepEqual(await r('LSET', 'mylist', -5, 'first'), OK);
    assert.equal(await r('LINDEX', 'mylist', 0), 'first');
  });
}

test('LSET against non existing key', async () => {
  assertError(await r('LSET', 'nosuchkey', 10, 'foo'), 'ERR no such key');
});

test('LSET against non list value', async () => {
  await r('SET', 'nolist', 'foobar');
  assertError(await r('LSET', 'nolist', 0, 'foo'), 'WRONGTYPE*');
});

test('LSET and LINDEX look the key up before parsing the index', async () => {
  await r('DEL', 'nosuchkey');
  assertError(await r('LSET', 'nosuchkey', 'x', 'foo'), 'ERR no such key');
  assert.equal(await r('LINDEX', 'nosuchkey', 'x'), null);
  await r('SET', 'str', 'v');
  assertError(await r('LSET', 'str', 'x', 'foo'), 'WRONGTYPE*');
  assertError(await r('LINDEX', 'str', 'x'), 'WRONGTYPE*');
  await createList('mylist', ['a']);
  assertError(await r('LSET', 'mylist', 'x', 'foo'), 'ERR value is not an integer or out of range');
  assertError(await r('LINDEX', 'mylist', 'x'), 'ERR value is not an integer or out of range');
  // LRANGE, LTRIM and LREM parse their numbers first.
  assertError(await r('LRANGE', 'str', 'x', 1), 'ERR value is not an integer or out of range');
  assertError(await r('LTRIM', 'str', 'x', 1), 'ERR value is not an integer or out of range');
  assertError(await r('LREM', 'str', 'x', 'a'), 'ERR value is not an integer or out of range');
  assertError(await r('LPOP', 'str', 'x'), 'ERR value is out of range, must be positive');
});

for (const [type, e] of Object.entries(LARGE)) {
  test(`LREM remove all the occurrences - ${type}`, async () => {
    await createList('mylist', [e, 'foo', 'bar', 'foobar', 'foobared', 'zap', 'bar', 'test', 'foo']);
    assert.equal(await r('LREM', 'mylist', 0, 'bar'), 2);
    assert.deepEqual(await r('LRANGE', 'mylist', 0, -1), [e, 'foo', 'foobar', 'foobared', 'zap', 'test', 'foo']);
  });

  test(`LREM remove the first occurrence - ${type}`, async () => {
    assert.equal(await r('LREM', 'mylist', 1, 'foo'), 1);
    assert.deepEqual(await r('LRANGE', 'mylist', 0, -1), [e, 'foobar', 'foobared', 'zap', 'test', 'foo']);
  });

  test(`LREM remove non existing element - ${type}`, async () => {
    assert.equal(await r('LREM', 'mylist', 1, 'nosuchelement'), 0);
    assert.deepEqual(await r('LRANGE', 'mylist', 0, -1), [e, 'foobar', 'foobared', 'zap', 'test', 'foo']);
  });

  test(`LREM starting from tail with negative count - ${type}`, async () => {
    await createList('mylist', [e, 'foo', 'bar', 'foobar', 'foobared', 'zap', 'bar', 'test', 'foo', 'foo']);
    assert.equal(await r('LREM', 'mylist', -1, 'bar'), 1);
    assert.deepEqual(await r('LRANGE', 'mylist', 0, -1), [e, 'foo', 'bar', 'foobar', 'foobared', 'zap', 'test', 'foo', 'foo']);
  });

  test(`LREM starting from tail with negative count (2) - ${type}`, async () => {
    assert.equal(await r('LREM', 'mylist', -2, 'foo'), 2);
    assert.deepEqual(await r('LRANGE', 'mylist', 0, -1), [e, 'foo', 'bar', 'foobar', 'foobared', 'zap', 'test']);
  });

  test(`LREM deleting objects that may be int encoded - ${type}`, async () => {
    await createList('myotherlist', [e, 1, 2, 3]);
    assert.equal(await r('LREM', 'myotherlist', 1, 2), 1);
    assert.equal(await r('LLEN', 'myotherlist'), 3);
  });
}

test('LREM of every element deletes the key; errors', async () => {
  await createList('mylist', ['a', 'a']);
  assert.equal(await r('LREM', 'mylist', 0, 'a'), 2);
  assert.equal(await r('EXISTS', 'mylist'), 0);
  assert.equal(await r('LREM', 'mylist', 0, 'a'), 0);
  assertError(await r('LREM', 'mylist', 'x', 'a'), 'ERR value is not an integer or out of range');
  await r('SET', 'str', 'v');
  assertError(await r('LREM', 'str', 0, 'a'), 'WRONGTYPE*');
});

test('List of various encodings (int-looking, negative, huge and binary elements)', async () => {
  await r('DEL', 'k');
  const items = ['127', '32767', '2147483647', '9223372036854775808', '0', '12', '-1', '007', 'x'.repeat(31), 'x'.repeat(8191), '\u0000\r\n\u00ff'];
  for (const it of items) await r('LPUSH', 'k', it);
  assert.deepEqual(await r('LRANGE', 'k', 0, -1), [...items].reverse());
  assert.equal(await r('LINDEX', 'k', 7), '9223372036854775808');
  assert.equal(await r('LPOS', 'k', '007'), 3);
  assert.equal(await r('LPOS', 'k', '7'), null);
  assert.equal(await r('LPOS', 'k', 'foo', 'RANK', -1), null);
  assert.equal(await r('LPOP', 'k'), '\u0000\r\n\u00ff');
  assert.equal(await r('LPOP', 'k'), 'x'.repeat(8191));
});
