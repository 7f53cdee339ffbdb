/**
 * Wire tests of the blocking list commands (BLPOP BRPOP BRPOPLPUSH BLMOVE BLMPOP), mirroring
 * the blocking half of Redis 7.0's tests/unit/type/list.tcl, plus the waiting rules Redis has:
 * clients are served first come first served; a transaction wakes them only after EXEC, with
 * the final state; a key pushed and popped in the same transaction wakes nobody; a served
 * BLMOVE can serve the next client in a chain; blocking commands inside MULTI (or a script)
 * answer at once; timeouts (fractional, zero, huge) and their replies in RESP2 and RESP3; a
 * client that disconnects while blocked leaves no trace.
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
const sleep = (ms: number): Promise<void> => new Promise((res) => setTimeout(res, ms));

/** Redis's wait_for_blocked_clients_count: poll INFO until `n` clients are blocked. */
async function waitForBlocked(n: number): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    const info = (await r('INFO', 'clients')) as string;
    if (info.includes(`blocked_clients:${n}\r\n`)) return;
    await sleep(2);
  }
  throw new Error(`never saw ${n} blocked clients`);
}

async function blockedClients(): Promise<number> {
  const info = (await r('INFO', 'clients')) as string;
  return Number(/blocked_clients:(\d+)/.exec(info)?.[1]);
}

/** A client of its own (closed with the server). */
const client = (): Promise<RespClient> => srv.client();

/** The Tcl suite's largevalue table: a small element and a larger one. */
const LARGE: Record<string, string> = { ziplist: 'hello', linkedlist: 'hello'.repeat(4) };

async function createList(key: string, items: (string | number)[]): Promise<void> {
  await r('DEL', key);
  for (const it of items) await r('RPUSH', key, it);
}

/**
 * The Tcl suite's bpop_command: BLPOP/BRPOP as they are, 'BLMPOP_LEFT'/'BLMPOP_RIGHT' as
 * BLMPOP with that direction and COUNT 1. Sends the command without waiting for it.
 */
function bpop(rd: RespClient, pop: string, keys: string[], timeout: number | string): Promise<Reply> {
  if (pop.startsWith('BLMPOP_')) return rd.call('BLMPOP', timeout, keys.length, ...keys, pop.slice(7), 'COUNT', 1);
  return rd.call(pop, ...keys, timeout);
}

/** What bpop's reply looks like for one element: BLMPOP nests the elements in an array. */
function popped(pop: string, key: string, el: string): Reply {
  return pop.startsWith('BLMPOP_') ? [key, [el]] : [key, el];
}

function encode(args: (string | number)[]): string {
  let out = `*${args.length}\r\n`;
  for (const a of args) {
    const s = String(a);
    out += `$${Buffer.byteLength(s, 'latin1')}\r\n${s}\r\n`;
  }
  return out;
}

for (const [type, large] of Object.entries(LARGE)) {
  for (const pop of ['BLPOP', 'BLMPOP_LEFT']) {
    const other = pop === 'BLPOP' ? 'BRPOP' : 'BLMPOP_RIGHT';

    test(`${pop}: single existing list - ${type}`, async () => {
      const rd = await client();
      await createList('blist', ['a', 'b', large, 'c', 'd']);
      assert.deepEqual(await bpop(rd, pop, ['blist'], 1), popped(pop, 'blist', 'a'));
      assert.deepEqual(await bpop(rd, other, ['blist'], 1), popped(pop, 'blist', 'd'));
      assert.deepEqual(await bpop(rd, pop, ['blist'], 1), popped(pop, 'blist', 'b'));
      assert.deepEqual(await bpop(rd, other, ['blist'], 1), popped(pop, 'blist', 'c'));
      assert.equal(await r('LLEN', 'blist'), 1);
      rd.close();
    });

    test(`${pop}: multiple existing lists - ${type}`, async () => {
      const rd = await client();
      await createList('blist1', ['a', large, 'c']);
      await createList('blist2', ['d', large, 'f']);
      assert.deepEqual(await bpop(rd, pop, ['blist1', 'blist2'], 1), popped(pop, 'blist1', 'a'));
      assert.deepEqual(await bpop(rd, other, ['blist1', 'blist2'], 1), popped(pop, 'blist1', 'c'));
      assert.equal(await r('LLEN', 'blist1'), 1);
      assert.equal(await r('LLEN', 'blist2'), 3);
      assert.deepEqual(await bpop(rd, pop, ['blist2', 'blist1'], 1), popped(pop, 'blist2', 'd'));
      assert.deepEqual(await bpop(rd, other, ['blist2', 'blist1'], 1), popped(pop, 'blist2', 'f'));
      assert.equal(await r('LLEN', 'blist1'), 1);
      assert.equal(await r('LLEN', 'blist2'), 1);
      rd.close();
    });

    test(`${pop}: second list has an entry - ${type}`, async () => {
      const rd = await client();
      await r('DEL', 'blist1');
      await createList('blist2', ['d', large, 'f']);
      assert.deepEqual(await bpop(rd, pop, ['blist1', 'blist2'], 1), popped(pop, 'blist2', 'd'));
      assert.deepEqual(await bpop(rd, other, ['blist1', 'blist2'], 1), popped(pop, 'blist2', 'f'));
      assert.equal(await r('LLEN', 'blist1'), 0);
      assert.equal(await r('LLEN', 'blist2'), 1);
      rd.close();
    });
  }

  test(`BRPOPLPUSH - ${type}`, async () => {
    await r('DEL', 'target');
    await r('RPUSH', 'target', 'bar');
    const rd = await client();
    await createList('blist', ['a', 'b', large, 'c', 'd']);
    assert.equal(await rd.call('BRPOPLPUSH', 'blist', 'target', 1), 'd');
    assert.equal(await r('LPOP', 'target'), 'd');
    assert.deepEqual(await r('LRANGE', 'blist', 0, -1), ['a', 'b', large, 'c']);
    rd.close();
  });

  for (const from of ['left', 'right']) {
    for (const to of ['left', 'right']) {
      test(`BLMOVE ${from} ${to} - ${type}`, async () => {
        await r('DEL', 'target');
        await r('RPUSH', 'target', 'bar');
        const rd = await client();
        await createList('blist', ['a', 'b', large, 'c', 'd']);
        const el = await rd.call('BLMOVE', 'blist', 'target', from, to, 1);
        if (from === 'right') {
          assert.equal(el, 'd');
          assert.deepEqual(await r('LRANGE', 'blist', 0, -1), ['a', 'b', large, 'c']);
        } else {
          assert.equal(el, 'a');
          assert.deepEqual(await r('LRANGE', 'blist', 0, -1), ['b', large, 'c', 'd']);
        }
        assert.equal(await r(to === 'right' ? 'RPOP' : 'LPOP', 'target'), el);
        rd.close();
      });
    }
  }
}

for (const pop of ['BLPOP', 'BLMPOP_LEFT']) {
  test(`${pop}, LPUSH + DEL should not awake blocked client`, async () => {
    const rd = await client();
    await r('DEL', 'list');
    const reply = bpop(rd, pop, ['list'], 0);
    await waitForBlocked(1);
    await r('MULTI');
    await r('LPUSH', 'list', 'a');
    await r('DEL', 'list');
    assert.deepEqual(await r('EXEC'), [1, 1]);
    await r('DEL', 'list');
    await r('LPUSH', 'list', 'b');
    assert.deepEqual(await reply, popped(pop, 'list', 'b'));
    rd.close();
  });

  test(`${pop}, LPUSH + DEL + SET should not awake blocked client`, async () => {
    const rd = await client();
    await r('DEL', 'list');
    const reply = bpop(rd, pop, ['list'], 0);
    await waitForBlocked(1);
    await r('MULTI');
    await r('LPUSH', 'list', 'a');
    await r('DEL', 'list');
    await r('SET', 'list', 'foo');
    await r('EXEC');
    // Still waiting: the key became a string, which a list pop cannot serve.
    assert.equal(await blockedClients(), 1);
    await r('DEL', 'list');
    await r('LPUSH', 'list', 'b');
    assert.deepEqual(await reply, popped(pop, 'list', 'b'));
    rd.close();
  });
}

test('BLPOP with same key multiple times should work (issue #801)', async () => {
  const rd = await client();
  await r('DEL', 'list1', 'list2');
  // Data arriving after the BLPOP.
  let p = rd.call('BLPOP', 'list1', 'list2', 'list2', 'list1', 0);
  await waitForBlocked(1);
  await r('LPUSH', 'list1', 'a');
  assert.deepEqual(await p, ['list1', 'a']);
  p = rd.call('BLPOP', 'list1', 'list2', 'list2', 'list1', 0);
  await waitForBlocked(1);
  await r('LPUSH', 'list2', 'b');
  assert.deepEqual(await p, ['list2', 'b']);
  // Data already there.
  await r('LPUSH', 'list1', 'a');
  await r('LPUSH', 'list2', 'b');
  assert.deepEqual(await rd.call('BLPOP', 'list1', 'list2', 'list2', 'list1', 0), ['list1', 'a']);
  assert.deepEqual(await rd.call('BLPOP', 'list1', 'list2', 'list2', 'list1', 0), ['list2', 'b']);
  rd.close();
});

for (const pop of ['BLPOP', 'BLMPOP_LEFT']) {
  test(`MULTI/EXEC is isolated from the point of view of ${pop}`, async () => {
    const rd = await client();
    await r('DEL', 'list');
    const reply = bpop(rd, pop, ['list'], 0);
    await waitForBlocked(1);
    await r('MULTI');
    await r('LPUSH', 'list', 'a');
    await r('LPUSH', 'list', 'b');
    await r('LPUSH', 'list', 'c');
    await r('EXEC');
    assert.deepEqual(await reply, popped(pop, 'list', 'c'));
    rd.close();
  });

  test(`${pop} with variadic LPUSH`, async () => {
    const rd = await client();
    await r('DEL', 'blist');
    const reply = bpop(rd, pop, ['blist'], 0);
    await waitForBlocked(1);
    assert.equal(await r('LPUSH', 'blist', 'foo', 'bar'), 2);
    assert.deepEqual(await reply, popped(pop, 'blist', 'bar'));
    assert.deepEqual(await r('LRANGE', 'blist', 0, -1), ['foo']);
    rd.close();
  });
}

test('BRPOPLPUSH with zero timeout should block indefinitely', async () => {
  const rd = await client();
  await r('DEL', 'blist', 'target');
  await r('RPUSH', 'target', 'bar');
  const reply = rd.call('BRPOPLPUSH', 'blist', 'target', 0);
  await waitForBlocked(1);
  await sleep(150);
  assert.equal(await blockedClients(), 1);
  await r('RPUSH', 'blist', 'foo');
  assert.equal(await reply, 'foo');
  assert.deepEqual(await r('LRANGE', 'target', 0, -1), ['foo', 'bar']);
  rd.close();
});

for (const from of ['left', 'right']) {
  for (const to of ['left', 'right']) {
    test(`BLMOVE ${from} ${to} with zero timeout should block indefinitely`, async () => {
      const rd = await client();
      await r('DEL', 'blist', 'target');
      await r('RPUSH', 'target', 'bar');
      const reply = rd.call('BLMOVE', 'blist', 'target', from, to, 0);
      await waitForBlocked(1);
      await r('RPUSH', 'blist', 'foo');
      assert.equal(await reply, 'foo');
      assert.deepEqual(await r('LRANGE', 'target', 0, -1), to === 'right' ? ['bar', 'foo'] : ['foo', 'bar']);
      rd.close();
    });

    test(`BLMOVE (${from}, ${to}) with a client BLPOPing the target list`, async () => {
      const rd = await client();
      const rd2 = await client();
      await r('DEL', 'blist', 'target');
      const p2 = rd2.call('BLPOP', 'target', 0);
      await waitForBlocked(1);
      const p1 = rd.call('BLMOVE', 'blist', 'target', from, to, 0);
      await waitForBlocked(2);
      await r('RPUSH', 'blist', 'foo');
      assert.equal(await p1, 'foo');
      assert.deepEqual(await p2, ['target', 'foo']);
      assert.equal(await r('EXISTS', 'target'), 0);
      rd.close();
      rd2.close();
    });
  }
}

test('BRPOPLPUSH with wrong source type', async () => {
  const rd = await client();
  await r('DEL', 'blist', 'target');
  await r('SET', 'blist', 'nolist');
  assertError(await rd.call('BRPOPLPUSH', 'blist', 'target', 1), 'WRONGTYPE*');
  rd.close();
});

test('BRPOPLPUSH with wrong destination type', async () => {
  let rd = await client();
  await r('DEL', 'blist', 'target');
  await r('SET', 'target', 'nolist');
  await r('LPUSH', 'blist', 'foo');
  assertError(await rd.call('BRPOPLPUSH', 'blist', 'target', 1), 'WRONGTYPE*');
  rd.close();

  rd = await client();
  await r('DEL', 'blist', 'target');
  await r('SET', 'target', 'nolist');
  const reply = rd.call('BRPOPLPUSH', 'blist', 'target', 0);
  await waitForBlocked(1);
  await r('RPUSH', 'blist', 'foo');
  assertError(await reply, 'WRONGTYPE*');
  assert.deepEqual(await r('LRANGE', 'blist', 0, -1), ['foo']);
  assert.equal(await blockedClients(), 0);
  rd.close();
});

test('BRPOPLPUSH maintains order of elements after failure', async () => {
  const rd = await client();
  await r('DEL', 'blist', 'target');
  await r('SET', 'target', 'nolist');
  const reply = rd.call('BRPOPLPUSH', 'blist', 'target', 0);
  await waitForBlocked(1);
  await r('RPUSH', 'blist', 'a', 'b', 'c');
  assertError(await reply, 'WRONGTYPE*');
  assert.deepEqual(await r('LRANGE', 'blist', 0, -1), ['a', 'b', 'c']);
  rd.close();
});

test('BRPOPLPUSH with multiple blocked clients', async () => {
  const rd1 = await client();
  const rd2 = await client();
  await r('DEL', 'blist', 'target1', 'target2');
  await r('SET', 'target1', 'nolist');
  const p1 = rd1.call('BRPOPLPUSH', 'blist', 'target1', 0);
  await waitForBlocked(1);
  const p2 = rd2.call('BRPOPLPUSH', 'blist', 'target2', 0);
  await waitForBlocked(2);
  await r('LPUSH', 'blist', 'foo');
  assertError(await p1, 'WRONGTYPE*');
  assert.equal(await p2, 'foo');
  assert.deepEqual(await r('LRANGE', 'target2', 0, -1), ['foo']);
  rd1.close();
  rd2.close();
});

test('BLMPOP with multiple blocked clients', async () => {
  const rds = [await client(), await client(), await client(), await client()];
  await r('DEL', 'blist', 'blist2');
  const p1 = (rds[0] as RespClient).call('BLMPOP', 0, 2, 'blist', 'blist2', 'left', 'count', 1);
  await waitForBlocked(1);
  const p2 = (rds[1] as RespClient).call('BLMPOP', 0, 2, 'blist', 'blist2', 'right', 'count', 10);
  await waitForBlocked(2);
  const p3 = (rds[2] as RespClient).call('BLMPOP', 0, 2, 'blist', 'blist2', 'left', 'count', 10);
  await waitForBlocked(3);
  const p4 = (rds[3] as RespClient).call('BLMPOP', 0, 2, 'blist', 'blist2', 'right', 'count', 1);
  await waitForBlocked(4);

  await r('MULTI');
  await r('LPUSH', 'blist', 'a', 'b', 'c', 'd', 'e');
  await r('LPUSH', 'blist2', 1, 2, 3, 4, 5);
  await r('EXEC');

  assert.deepEqual(await p1, ['blist', ['e']]);
  assert.deepEqual(await p2, ['blist', ['a', 'b', 'c', 'd']]);
  assert.deepEqual(await p3, ['blist2', ['5', '4', '3', '2', '1']]);
  assert.equal(await blockedClients(), 1);

  await r('LPUSH', 'blist2', 1, 2, 3);
  assert.deepEqual(await p4, ['blist2', ['1']]);
  for (const rd of rds) rd.close();
});

test('Linked LMOVEs', async () => {
  const rd1 = await client();
  const rd2 = await client();
  await r('DEL', 'list1', 'list2', 'list3');
  const p1 = rd1.call('BLMOVE', 'list1', 'list2', 'right', 'left', 0);
  await waitForBlocked(1);
  const p2 = rd2.call('BLMOVE', 'list2', 'list3', 'left', 'right', 0);
  await waitForBlocked(2);
  await r('RPUSH', 'list1', 'foo');
  assert.equal(await p1, 'foo');
  assert.equal(await p2, 'foo');
  assert.deepEqual(await r('LRANGE', 'list1', 0, -1), []);
  assert.deepEqual(await r('LRANGE', 'list2', 0, -1), []);
  assert.deepEqual(await r('LRANGE', 'list3', 0, -1), ['foo']);
  rd1.close();
  rd2.close();
});

test('Circular BRPOPLPUSH', async () => {
  const rd1 = await client();
  const rd2 = await client();
  await r('DEL', 'list1', 'list2');
  const p1 = rd1.call('BRPOPLPUSH', 'list1', 'list2', 0);
  await waitForBlocked(1);
  const p2 = rd2.call('BRPOPLPUSH', 'list2', 'list1', 0);
  await waitForBlocked(2);
  await r('RPUSH', 'list1', 'foo');
  assert.equal(await p1, 'foo');
  assert.equal(await p2, 'foo');
  assert.deepEqual(await r('LRANGE', 'list1', 0, -1), ['foo']);
  assert.deepEqual(await r('LRANGE', 'list2', 0, -1), []);
  rd1.close();
  rd2.close();
});

test('Self-referential BRPOPLPUSH', async () => {
  const rd = await client();
  await r('DEL', 'blist');
  const p = rd.call('BRPOPLPUSH', 'blist', 'blist', 0);
  await waitForBlocked(1);
  await r('RPUSH', 'blist', 'foo');
  assert.equal(await p, 'foo');
  assert.deepEqual(await r('LRANGE', 'blist', 0, -1), ['foo']);
  rd.close();
});

test('A chain of BLMOVE clients is served in one pass, in the order they blocked', async () => {
  const rds = [await client(), await client(), await client()];
  await r('DEL', 'c1', 'c2', 'c3', 'c4');
  const p1 = (rds[0] as RespClient).call('BLMOVE', 'c1', 'c2', 'LEFT', 'LEFT', 0);
  await waitForBlocked(1);
  const p2 = (rds[1] as RespClient).call('BLMOVE', 'c2', 'c3', 'LEFT', 'LEFT', 0);
  await waitForBlocked(2);
  const p3 = (rds[2] as RespClient).call('BLMOVE', 'c3', 'c4', 'LEFT', 'LEFT', 0);
  await waitForBlocked(3);
  await r('RPUSH', 'c1', 'x', 'y');
  assert.deepEqual(await Promise.all([p1, p2, p3]), ['x', 'x', 'x']);
  assert.deepEqual(await r('LRANGE', 'c1', 0, -1), ['y']);
  assert.deepEqual(await r('LRANGE', 'c4', 0, -1), ['x']);
  assert.equal(await r('EXISTS', 'c2', 'c3'), 0);
  for (const rd of rds) rd.close();
});

test('BRPOPLPUSH inside a transaction', async () => {
  await r('DEL', 'xlist', 'target');
  await r('LPUSH', 'xlist', 'foo');
  await r('LPUSH', 'xlist', 'bar');
  await r('MULTI');
  await r('BRPOPLPUSH', 'xlist', 'target', 0);
  await r('BRPOPLPUSH', 'xlist', 'target', 0);
  await r('BRPOPLPUSH', 'xlist', 'target', 0);
  await r('LRANGE', 'xlist', 0, -1);
  await r('LRANGE', 'target', 0, -1);
  assert.deepEqual(await r('EXEC'), ['foo', 'bar', null, [], ['bar', 'foo']]);
});

test('PUSH resulting from BRPOPLPUSH affect WATCH', async () => {
  const blocked = await client();
  const watching = await client();
  await r('DEL', 'srclist', 'dstlist', 'somekey');
  await r('SET', 'somekey', 'somevalue');
  const p = blocked.call('BRPOPLPUSH', 'srclist', 'dstlist', 0);
  await waitForBlocked(1);
  assert.deepEqual(await watching.call('WATCH', 'dstlist'), OK);
  assert.deepEqual(await watching.call('MULTI'), OK);
  assert.deepEqual(await watching.call('GET', 'somekey'), { status: 'QUEUED' });
  await r('LPUSH', 'srclist', 'element');
  assert.equal(await p, 'element');
  assert.equal(await watching.call('EXEC'), null);
  blocked.close();
  watching.close();
});

test('BRPOPLPUSH does not affect WATCH while still blocked', async () => {
  const blocked = await client();
  const watching = await client();
  await r('DEL', 'srclist', 'dstlist', 'somekey');
  await r('SET', 'somekey', 'somevalue');
  const p = blocked.call('BRPOPLPUSH', 'srclist', 'dstlist', 0);
  await waitForBlocked(1);
  assert.deepEqual(await watching.call('WATCH', 'dstlist'), OK);
  assert.deepEqual(await watching.call('MULTI'), OK);
  assert.deepEqual(await watching.call('GET', 'somekey'), { status: 'QUEUED' });
  assert.deepEqual(await watching.call('EXEC'), ['somevalue']);
  // Unblock it.
  await r('LPUSH', 'srclist', 'element');
  assert.equal(await p, 'element');
  blocked.close();
  watching.close();
});

test('BRPOPLPUSH timeout', async () => {
  const rd = await client();
  const p = rd.call('BRPOPLPUSH', 'foo_list', 'bar_list', 1);
  await waitForBlocked(1);
  await waitForBlocked(0);
  assert.equal(await p, null);
  rd.close();
});

test('SWAPDB awakes blocked client', async () => {
  await r('FLUSHALL');
  await r('SELECT', 1);
  await r('RPUSH', 'k', 'hello');
  await r('SELECT', 9);
  const rd = await client();
  await rd.call('SELECT', 9);
  const p = rd.call('BRPOP', 'k', 5);
  await waitForBlocked(1);
  assert.deepEqual(await r('SWAPDB', 1, 9), OK);
  assert.deepEqual(await p, ['k', 'hello']);
  assert.equal(await r('EXISTS', 'k'), 0);
  await r('SELECT', 0);
  rd.close();
});

test('SWAPDB wakes clients of both databases, each served from its own', async () => {
  await r('FLUSHALL');
  await r('SELECT', 2);
  await r('RPUSH', 'k', 'from2');
  await r('SELECT', 3);
  await r('RPUSH', 'k', 'from3');
  const rd2 = await client();
  const rd3 = await client();
  await rd2.call('SELECT', 2);
  await rd3.call('SELECT', 3);
  // Both wait on a key of their database that does not exist (yet).
  const p2 = rd2.call('BLPOP', 'j', 'k2', 0);
  const p3 = rd3.call('BLPOP', 'j', 0);
  await waitForBlocked(2);
  await r('SELECT', 4);
  await r('RPUSH', 'j', 'from4');
  assert.deepEqual(await r('SWAPDB', 4, 3), OK);
  assert.deepEqual(await p3, ['j', 'from4']);
  assert.equal(await blockedClients(), 1);
  await r('SELECT', 2);
  await r('RPUSH', 'k2', 'x');
  assert.deepEqual(await p2, ['k2', 'x']);
  await r('SELECT', 0);
  rd2.close();
  rd3.close();
});

test('SWAPDB wants to wake blocked client, but the key already expired', async () => {
  await r('FLUSHALL');
  await r('DEBUG', 'SET-ACTIVE-EXPIRE', 0);
  try {
    await r('SELECT', 1);
    await r('RPUSH', 'k', 'hello');
    await r('PEXPIRE', 'k', 20);
    const rd = await client();
    await rd.call('SELECT', 9);
    const id = (await rd.call('CLIENT', 'ID')) as number;
    const p = rd.call('BRPOP', 'k', 1);
    await waitForBlocked(1);
    await sleep(40);
    await r('SWAPDB', 1, 9);
    // SWAPDB tries to serve the client, but the key is expired: it stays blocked.
    assert.match((await r('CLIENT', 'LIST', 'ID', id)) as string, /flags=b /);
    assert.equal(await r('CLIENT', 'UNBLOCK', id), 1);
    assert.equal(await p, null);
    await r('SELECT', 9);
    assert.equal(await r('EXISTS', 'k'), 0);
    rd.close();
  } finally {
    await r('DEBUG', 'SET-ACTIVE-EXPIRE', 1);
    await r('SELECT', 0);
  }
});

test('MULTI + LPUSH + EXPIRE + DEBUG SLEEP on blocked client, key already expired', async () => {
  await r('FLUSHALL');
  await r('DEBUG', 'SET-ACTIVE-EXPIRE', 0);
  try {
    const rd = await client();
    const id = (await rd.call('CLIENT', 'ID')) as number;
    const p = rd.call('BRPOP', 'k', 0);
    await waitForBlocked(1);
    await r('MULTI');
    await r('RPUSH', 'k', 'hello');
    await r('PEXPIRE', 'k', 100);
    await r('DEBUG', 'SLEEP', '0.2');
    assert.deepEqual(await r('EXEC'), [1, 1, OK]);
    // EXEC tries to serve the client, but the key is expired by then: it stays blocked.
    assert.match((await r('CLIENT', 'LIST', 'ID', id)) as string, /flags=b /);
    assert.equal(await r('CLIENT', 'UNBLOCK', id), 1);
    assert.equal(await p, null);
    rd.close();
  } finally {
    await r('DEBUG', 'SET-ACTIVE-EXPIRE', 1);
  }
});

for (const pop of ['BLPOP', 'BLMPOP_LEFT']) {
  test(`${pop} when new key is moved into place`, async () => {
    const rd = await client();
    await r('DEL', 'foo');
    const p = bpop(rd, pop, ['foo'], 0);
    await waitForBlocked(1);
    await r('LPUSH', 'bob', 'abc', 'def', 'hij');
    await r('RENAME', 'bob', 'foo');
    assert.deepEqual(await p, popped(pop, 'foo', 'hij'));
    rd.close();
  });

  test(`${pop} when result key is created by SORT..STORE`, async () => {
    const rd = await client();
    await r('DEL', 'foo', 'notfoo');
    const p = bpop(rd, pop, ['foo'], 5);
    await waitForBlocked(1);
    await r('LPUSH', 'notfoo', 'hello', 'hola', 'aguacate', 'konichiwa', 'zanzibar');
    await r('SORT', 'notfoo', 'ALPHA', 'STORE', 'foo');
    assert.deepEqual(await p, popped(pop, 'foo', 'aguacate'));
    rd.close();
  });

  test(`${pop} when the key is moved in from another database (MOVE)`, async () => {
    const rd = await client();
    await r('DEL', 'foo');
    const p = bpop(rd, pop, ['foo'], 0);
    await waitForBlocked(1);
    await r('SELECT', 5);
    await r('DEL', 'foo');
    await r('RPUSH', 'foo', 'moved');
    assert.equal(await r('MOVE', 'foo', 0), 1);
    await r('SELECT', 0);
    assert.deepEqual(await p, popped(pop, 'foo', 'moved'));
    rd.close();
  });
}

for (const pop of ['BLPOP', 'BRPOP', 'BLMPOP_LEFT', 'BLMPOP_RIGHT']) {
  test(`${pop}: with single empty list argument`, async () => {
    const rd = await client();
    await r('DEL', 'blist1');
    const p = bpop(rd, pop, ['blist1'], 1);
    await waitForBlocked(1);
    await r('RPUSH', 'blist1', 'foo');
    assert.deepEqual(await p, popped(pop, 'blist1', 'foo'));
    assert.equal(await r('EXISTS', 'blist1'), 0);
    rd.close();
  });

  test(`${pop}: with negative timeout`, async () => {
    const rd = await client();
    assertError(await bpop(rd, pop, ['blist1'], -1), 'ERR timeout is negative');
    rd.close();
  });

  test(`${pop}: with non-integer timeout`, async () => {
    const rd = await client();
    await r('DEL', 'blist1');
    const p = bpop(rd, pop, ['blist1'], '0.1');
    await r('RPUSH', 'blist1', 'foo');
    assert.deepEqual(await p, popped(pop, 'blist1', 'foo'));
    assert.equal(await r('EXISTS', 'blist1'), 0);
    rd.close();
  });

  test(`${pop}: with zero timeout should block indefinitely`, async () => {
    const rd = await client();
    const p = bpop(rd, pop, ['blist1'], 0);
    await waitForBlocked(1);
    await sleep(150);
    assert.equal(await blockedClients(), 1);
    await r('RPUSH', 'blist1', 'foo');
    assert.deepEqual(await p, popped(pop, 'blist1', 'foo'));
    rd.close();
  });

  test(`${pop}: with 0.001 timeout should not block indefinitely`, async () => {
    const rd = await client();
    const p = bpop(rd, pop, ['blist1'], '0.001');
    await waitForBlocked(0);
    assert.equal(await p, null);
    rd.close();
  });

  test(`${pop}: second argument is not a list`, async () => {
    const rd = await client();
    await r('DEL', 'blist1', 'blist2');
    await r('SET', 'blist2', 'nolist');
    assertError(await bpop(rd, pop, ['blist1', 'blist2'], 1), 'WRONGTYPE*');
    rd.close();
  });

  test(`${pop}: timeout`, async () => {
    const rd = await client();
    await r('DEL', 'blist1', 'blist2');
    const p = bpop(rd, pop, ['blist1', 'blist2'], 1);
    await waitForBlocked(1);
    assert.equal(await p, null);
    rd.close();
  });

  test(`${pop}: arguments are empty`, async () => {
    const rd = await client();
    await r('DEL', 'blist1', 'blist2');
    let p = bpop(rd, pop, ['blist1', 'blist2'], 1);
    await waitForBlocked(1);
    await r('RPUSH', 'blist1', 'foo');
    assert.deepEqual(await p, popped(pop, 'blist1', 'foo'));
    assert.equal(await r('EXISTS', 'blist1'), 0);
    assert.equal(await r('EXISTS', 'blist2'), 0);

    p = bpop(rd, pop, ['blist1', 'blist2'], 1);
    await waitForBlocked(1);
    await r('RPUSH', 'blist2', 'foo');
    assert.deepEqual(await p, popped(pop, 'blist2', 'foo'));
    assert.equal(await r('EXISTS', 'blist1'), 0);
    assert.equal(await r('EXISTS', 'blist2'), 0);
    rd.close();
  });
}

for (const pop of ['BLPOP', 'BLMPOP_LEFT']) {
  test(`${pop} inside a transaction`, async () => {
    await r('DEL', 'xlist');
    await r('LPUSH', 'xlist', 'foo');
    await r('LPUSH', 'xlist', 'bar');
    await r('MULTI');
    for (let i = 0; i < 3; i++) assert.deepEqual(await bpop(c, pop, ['xlist'], 0), { status: 'QUEUED' });
    assert.deepEqual(await r('EXEC'), [popped(pop, 'xlist', 'bar'), popped(pop, 'xlist', 'foo'), null]);
  });
}

test('Blocking commands inside MULTI answer at once: exact nulls in RESP2 and RESP3', async () => {
  await r('DEL', 'empty', 'empty2');
  const cmds: (string | number)[][] = [
    ['BLPOP', 'empty', 0],
    ['BRPOP', 'empty', 0],
    ['BRPOPLPUSH', 'empty', 'empty2', 0],
    ['BLMOVE', 'empty', 'empty2', 'LEFT', 'LEFT', 0],
    ['BLMPOP', 0, 1, 'empty', 'LEFT'],
  ];
  const body = cmds.map(encode).join('');
  const queued = '+QUEUED\r\n'.repeat(cmds.length);
  const rd = await client();
  // BLPOP/BRPOP/BLMPOP answer a null array; the moves a null bulk, as their non-blocking forms.
  let got = await rd.rawExchange(encode(['MULTI']) + body + encode(['EXEC']), 5 + queued.length + 4 + 25);
  assert.equal(got.toString('latin1'), `+OK\r\n${queued}*5\r\n*-1\r\n*-1\r\n$-1\r\n$-1\r\n*-1\r\n`);
  await rd.rawExchange(encode(['HELLO', 3]), 1, 200);
  got = await rd.rawExchange(encode(['MULTI']) + body + encode(['EXEC']), 5 + queued.length + 4 + 15);
  assert.equal(got.toString('latin1'), `+OK\r\n${queued}*5\r\n_\r\n_\r\n_\r\n_\r\n_\r\n`);
  assert.equal(await blockedClients(), 0);
  rd.close();
});

test('Timeouts answer a null array in RESP2 (even BLMOVE) and a null in RESP3', async () => {
  await r('DEL', 'empty', 'empty2');
  const rd = await client();
  const cmds: (string | number)[][] = [
    ['BLPOP', 'empty', '0.01'],
    ['BRPOP', 'empty', '0.01'],
    ['BRPOPLPUSH', 'empty', 'empty2', '0.01'],
    ['BLMOVE', 'empty', 'empty2', 'LEFT', 'LEFT', '0.01'],
    ['BLMPOP', '0.01', 1, 'empty', 'LEFT'],
  ];
  for (const cmd of cmds) assert.equal((await rd.rawExchange(encode(cmd), 5)).toString('latin1'), '*-1\r\n', cmd.join(' '));
  await rd.rawExchange(encode(['HELLO', 3]), 1, 200);
  for (const cmd of cmds) assert.equal((await rd.rawExchange(encode(cmd), 3)).toString('latin1'), '_\r\n', cmd.join(' '));
  rd.close();
});

test('BLPOP, BLMPOP and BLMOVE replies when served in RESP3', async () => {
  const rd = await client();
  await rd.call('HELLO', 3);
  await r('DEL', 'k', 'dst');
  let p = rd.call('BLPOP', 'k', 0);
  await waitForBlocked(1);
  await r('RPUSH', 'k', 'a');
  assert.deepEqual(await p, ['k', 'a']);
  p = rd.call('BLMPOP', 0, 1, 'k', 'RIGHT', 'COUNT', 2);
  await waitForBlocked(1);
  await r('RPUSH', 'k', 'a', 'b', 'c');
  assert.deepEqual(await p, ['k', ['c', 'b']]);
  p = rd.call('BLMOVE', 'k2', 'dst', 'LEFT', 'RIGHT', 0);
  await waitForBlocked(1);
  await r('RPUSH', 'k2', 'z');
  assert.equal(await p, 'z');
  rd.close();
});

test('Blocking timeout parsing: errors, hex floats and the int64 limits', async () => {
  await r('DEL', 'nk');
  assertError(await r('BLPOP', 'nk', 'x'), 'ERR timeout is not a float or out of range');
  assertError(await r('BLPOP', 'nk', 'nan'), 'ERR timeout is not a float or out of range');
  assertError(await r('BLPOP', 'nk', ' 1'), 'ERR timeout is not a float or out of range');
  assertError(await r('BLPOP', 'nk', '-0.5'), 'ERR timeout is negative');
  // Seconds whose milliseconds do not fit an int64 wrap around to a negative value in Redis.
  assertError(await r('BLPOP', 'nk', 'inf'), 'ERR timeout is negative');
  assertError(await r('BLPOP', 'nk', '1e300'), 'ERR timeout is negative');
  assertError(await r('BLPOP', 'nk', '9223372036854775807'), 'ERR timeout is negative');
  assertError(await r('BLMPOP', 'x', 1, 'nk', 'LEFT'), 'ERR timeout is not a float or out of range');
  assertError(await r('BLMOVE', 'a', 'b', 'LEFT', 'LEFT', -1), 'ERR timeout is negative');
  assertError(await r('BRPOPLPUSH', 'a', 'b', '-0.0015'), 'ERR timeout is negative');
  // strtold reads hexadecimal floats: 0x0.1p-4 seconds is well under a millisecond.
  assert.equal(await r('BLPOP', 'nk', '0x0.1p-4'), null);
  assert.equal(await r('BLPOP', 'nk', '1e-3'), null);
  assert.equal(await r('BLPOP', 'nk', '.01'), null);
  assert.equal(await r('BLPOP', 'nk', '+0.01'), null);
  // Errors come before the keys are looked at.
  await r('SET', 'str', 'v');
  assertError(await r('BLPOP', 'str', -1), 'ERR timeout is negative');
});

test('BLPOP with a fractional timeout (0.096) waits about that long', async () => {
  const rd = await client();
  const t0 = Date.now();
  assert.equal(await rd.call('BLPOP', 'nk', '0.096'), null);
  const took = Date.now() - t0;
  assert.ok(took >= 90 && took < 1000, `took ${took} ms`);
  rd.close();
});

test('A timeout beyond 2^31 ms (about 25 days) still blocks', async () => {
  const rd = await client();
  // 3,000,000 s does not fit a 32-bit millisecond timer: it must not fire at once.
  const p = rd.call('BLPOP', 'nk', 3000000);
  await waitForBlocked(1);
  await sleep(50);
  assert.equal(await blockedClients(), 1);
  await r('RPUSH', 'nk', 'v');
  assert.deepEqual(await p, ['nk', 'v']);
  rd.close();
});

test('Blocked clients are served first come, first served', async () => {
  const rds = [await client(), await client(), await client()];
  await r('DEL', 'fifo');
  const ps: Promise<Reply>[] = [];
  for (let i = 0; i < 3; i++) {
    ps.push((rds[i] as RespClient).call('BLPOP', 'fifo', 0));
    await waitForBlocked(i + 1);
  }
  // One element at a time: each goes to the longest waiter.
  await r('RPUSH', 'fifo', 'first');
  assert.deepEqual(await ps[0], ['fifo', 'first']);
  await r('RPUSH', 'fifo', 'second');
  assert.deepEqual(await ps[1], ['fifo', 'second']);
  // A variadic push serves the rest in order too.
  const again = (rds[0] as RespClient).call('BLPOP', 'fifo', 0);
  await waitForBlocked(2);
  await r('RPUSH', 'fifo', 'x', 'y', 'z');
  assert.deepEqual(await ps[2], ['fifo', 'x']);
  assert.deepEqual(await again, ['fifo', 'y']);
  assert.deepEqual(await r('LRANGE', 'fifo', 0, -1), ['z']);
  for (const rd of rds) rd.close();
});

test('One client blocked on several keys is served once, by the first key that gets data', async () => {
  const rd = await client();
  const other = await client();
  await r('DEL', 'k1', 'k2', 'k3');
  const p = rd.call('BLPOP', 'k1', 'k2', 'k3', 0);
  await waitForBlocked(1);
  const p2 = other.call('BLPOP', 'k2', 0);
  await waitForBlocked(2);
  // Both k3 and k2 get data in one transaction: keys are served in the order they were
  // touched, so rd takes k3's element and the other waiter gets k2's.
  await r('MULTI');
  await r('RPUSH', 'k3', 'three');
  await r('RPUSH', 'k2', 'two');
  await r('EXEC');
  assert.deepEqual(await p, ['k3', 'three']);
  assert.deepEqual(await p2, ['k2', 'two']);
  assert.equal(await r('EXISTS', 'k1', 'k2', 'k3'), 0);
  rd.close();
  other.close();
});

test('After EXEC the waiter sees the final state of the transaction', async () => {
  const rd = await client();
  await r('DEL', 'fs');
  const p = rd.call('BLMPOP', 0, 1, 'fs', 'LEFT', 'COUNT', 10);
  await waitForBlocked(1);
  await r('MULTI');
  await r('RPUSH', 'fs', 'a', 'b', 'c');
  await r('LPOP', 'fs');
  await r('RPUSH', 'fs', 'd');
  await r('LSET', 'fs', 0, 'B');
  await r('EXEC');
  assert.deepEqual(await p, ['fs', ['B', 'c', 'd']]);
  rd.close();
});

test('A key pushed and popped in the same transaction wakes nobody', async () => {
  const rd = await client();
  await r('DEL', 'pp');
  const p = rd.call('BLPOP', 'pp', 0);
  await waitForBlocked(1);
  await r('MULTI');
  await r('RPUSH', 'pp', 'a');
  await r('LPOP', 'pp');
  assert.deepEqual(await r('EXEC'), [1, 'a']);
  assert.equal(await blockedClients(), 1);
  await r('RPUSH', 'pp', 'later');
  assert.deepEqual(await p, ['pp', 'later']);
  rd.close();
});

test('A push from another client wakes the waiter, which then runs what it pipelined', async () => {
  const rd = await client();
  await r('DEL', 'wk');
  const [blpop, ping, get] = [rd.call('BLPOP', 'wk', 0), rd.call('PING'), rd.call('LLEN', 'wk')];
  await waitForBlocked(1);
  await r('RPUSH', 'wk', 'a', 'b');
  assert.deepEqual(await blpop, ['wk', 'a']);
  assert.deepEqual(await ping, { status: 'PONG' });
  assert.equal(await get, 1);
  rd.close();
});

test('A blocked client that disconnects leaves no trace', async () => {
  const rd = await client();
  const id = (await rd.call('CLIENT', 'ID')) as number;
  await r('DEL', 'gone');
  void rd.call('BLPOP', 'gone', 0);
  await waitForBlocked(1);
  assert.match((await r('CLIENT', 'LIST', 'ID', id)) as string, /flags=b .*cmd=blpop /);
  rd.close();
  await waitForBlocked(0);
  assert.equal(await r('CLIENT', 'LIST', 'ID', id), '');
  await r('RPUSH', 'gone', 'kept');
  assert.deepEqual(await r('LRANGE', 'gone', 0, -1), ['kept']);
  const info = (await r('INFO', 'clients')) as string;
  assert.match(info, /blocked_clients:0\r\n/);
});

test('Blocking command accounted only once in commandstats', async () => {
  await r('CONFIG', 'RESETSTAT');
  const rd = await client();
  await r('DEL', 'mylist');
  const p = rd.call('BLPOP', 'mylist', 0);
  await waitForBlocked(1);
  await r('LPUSH', 'mylist', 1);
  await p;
  const stats = (await r('INFO', 'commandstats')) as string;
  assert.match(stats, /cmdstat_blpop:calls=1,.*,rejected_calls=0,failed_calls=0/);
  rd.close();
});

test('Blocking command accounted only once in commandstats after timeout', async () => {
  await r('CONFIG', 'RESETSTAT');
  const rd = await client();
  await r('DEL', 'mylist');
  assert.equal(await rd.call('BLPOP', 'mylist', '0.01'), null);
  const stats = (await r('INFO', 'commandstats')) as string;
  assert.match(stats, /cmdstat_blpop:calls=1,.*,rejected_calls=0,failed_calls=0/);
  rd.close();
});

for (const pop of ['BLPOP', 'BLMPOP_RIGHT']) {
  test(`client unblock tests (${pop})`, async () => {
    await r('DEL', 'l');
    const rd = await client();
    const id = (await rd.call('CLIENT', 'ID')) as number;
    // Default: as a timeout.
    let p = bpop(rd, pop, ['l'], 0);
    await waitForBlocked(1);
    assert.equal(await r('CLIENT', 'UNBLOCK', id), 1);
    assert.equal(await p, null);
    // TIMEOUT.
    p = bpop(rd, pop, ['l'], 0);
    await waitForBlocked(1);
    assert.equal(await r('CLIENT', 'UNBLOCK', id, 'TIMEOUT'), 1);
    assert.equal(await p, null);
    // ERROR.
    p = bpop(rd, pop, ['l'], 0);
    await waitForBlocked(1);
    assert.equal(await r('CLIENT', 'UNBLOCK', id, 'ERROR'), 1);
    assertError(await p, 'UNBLOCKED client unblocked via CLIENT UNBLOCK');
    // Invalid id, and a client that is not blocked.
    assertError(await r('CLIENT', 'UNBLOCK', 'asd'), 'ERR value is not an integer or out of range');
    assert.equal(await r('CLIENT', 'UNBLOCK', (await r('CLIENT', 'ID')) as number), 0);
    // The client and the list still work.
    p = bpop(rd, pop, ['l'], 0);
    await waitForBlocked(1);
    await r('LPUSH', 'l', 'foo');
    assert.deepEqual(await p, popped(pop, 'l', 'foo'));
    rd.close();
  });
}

test('Regression for bug 593 - chaining BRPOPLPUSH with other blocking cmds', async () => {
  const rd1 = await client();
  const rd2 = await client();
  await r('DEL', 'a', 'b', 'c');
  const p1 = rd1.call('BRPOPLPUSH', 'a', 'b', 0);
  const p1b = rd1.call('BRPOPLPUSH', 'a', 'b', 0);
  const p2 = rd2.call('BRPOPLPUSH', 'b', 'c', 0);
  await waitForBlocked(2);
  await r('LPUSH', 'a', 'data');
  assert.equal(await p1, 'data');
  assert.equal(await p2, 'data');
  rd1.close();
  rd2.close();
  void p1b;
  assert.deepEqual(await r('PING'), { status: 'PONG' });
  await waitForBlocked(0);
  assert.deepEqual(await r('LRANGE', 'c', 0, -1), ['data']);
});
