/**
 * Wire tests of CLIENT UNBLOCK, mirroring Redis 7.0's "client unblock tests" (tests/unit/type/
 * list.tcl) for BLPOP, and the same for the blocking sorted-set pops: the blocked command
 * answers as on timeout (or with the UNBLOCKED error), the caller gets :1, and :0 when the
 * client is not blocked or does not exist.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, OK, ReplyError, startTestServer, type RespClient, type Reply, type TestServer } from '../helpers/server.js';

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

async function waitForBlocked(n: number): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    const info = (await r('INFO', 'clients')) as string;
    if (info.includes(`blocked_clients:${n}\r\n`)) return;
    await new Promise((res) => setTimeout(res, 2));
  }
  throw new Error(`never saw ${n} blocked clients`);
}

const UNBLOCKED = 'UNBLOCKED client unblocked via CLIENT UNBLOCK';

const BLOCKING: [string, (string | number)[], string, Reply][] = [
  ['BLPOP', ['BLPOP', 'l', 0], 'LPUSH', ['l', 'foo']],
  ['BZPOPMIN', ['BZPOPMIN', 'z', 0], 'ZADD', ['z', 'foo', '1']],
  ['BZMPOP', ['BZMPOP', 0, 1, 'z', 'MAX'], 'ZADD', ['z', [['foo', '1']]]],
];

for (const [name, cmd, push, served] of BLOCKING) {
  test(`client unblock tests - ${name}`, async () => {
    await r('DEL', 'l', 'z');
    const rd = await srv.client();
    const id = (await rd.call('CLIENT', 'ID')) as number;

    // Default: as a timeout.
    let reply = rd.call(...cmd);
    await waitForBlocked(1);
    assert.equal(await r('CLIENT', 'UNBLOCK', id), 1);
    assert.equal(await reply, null);

    // TIMEOUT.
    reply = rd.call(...cmd);
    await waitForBlocked(1);
    assert.equal(await r('CLIENT', 'UNBLOCK', id, 'TIMEOUT'), 1);
    assert.equal(await reply, null);

    // ERROR.
    reply = rd.call(...cmd);
    await waitForBlocked(1);
    assert.equal(await r('client', 'unblock', id, 'error'), 1);
    assertError(await reply, UNBLOCKED);
    await waitForBlocked(0);

    // An invalid client id.
    assertError(await r('CLIENT', 'UNBLOCK', 'asd'), 'ERR value is not an integer or out of range');

    // A client that is not blocked.
    const myid = (await r('CLIENT', 'ID')) as number;
    assert.equal(await r('CLIENT', 'UNBLOCK', myid), 0);

    // Finally, this client and the key are still functional.
    reply = rd.call(...cmd);
    await waitForBlocked(1);
    if (push === 'LPUSH') await r('LPUSH', 'l', 'foo');
    else await r('ZADD', 'z', 1, 'foo');
    assert.deepEqual(await reply, served);
    rd.close();
  });
}

test('CLIENT UNBLOCK answers the blocked command\'s timeout reply in RESP3', async () => {
  const rd = await srv.client();
  await rd.call('HELLO', '3');
  const id = (await rd.call('CLIENT', 'ID')) as number;
  const pending = rd.rawExchange('*3\r\n$8\r\nBZPOPMAX\r\n$1\r\nz\r\n$1\r\n0\r\n', 3, 5000);
  await waitForBlocked(1);
  assert.equal(await r('CLIENT', 'UNBLOCK', id), 1);
  assert.equal((await pending).toString('latin1'), '_\r\n');
  rd.close();
});

test('CLIENT UNBLOCK argument errors', async () => {
  assertError(await r('CLIENT', 'UNBLOCK', 1, 'foo'), 'ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
  // The reason is checked before the id.
  assertError(await r('CLIENT', 'UNBLOCK', 'abc', 'foo'), 'ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
  // Five arguments: Redis's generic error, naming the subcommand as it was written.
  assertError(await r('CLIENT', 'unblock', 1, 'timeout', 'x'), "ERR unknown subcommand or wrong number of arguments for 'unblock'. Try CLIENT HELP.");
  assertError(await r('CLIENT', 'UNBLOCK', 1, 'timeout', 'x'), "ERR unknown subcommand or wrong number of arguments for 'UNBLOCK'. Try CLIENT HELP.");
  assertError(await r('CLIENT', 'UNBLOCK'), "ERR wrong number of arguments for 'client|unblock' command");
  assertError(await r('CLIENT', 'UNBLOCK', '1.5'), 'ERR value is not an integer or out of range');
  // Unknown ids, negative ones and ids beyond 2^53 name no client.
  assert.equal(await r('CLIENT', 'UNBLOCK', 99999), 0);
  assert.equal(await r('CLIENT', 'UNBLOCK', -1), 0);
  assert.equal(await r('CLIENT', 'UNBLOCK', 0), 0);
  assert.equal(await r('CLIENT', 'UNBLOCK', '9223372036854775807', 'ERROR'), 0);
});

test('An unblocked client runs what it pipelined, and a later push is not delivered to it', async () => {
  await r('DEL', 'l');
  const rd = await srv.client();
  const id = (await rd.call('CLIENT', 'ID')) as number;
  const replies = rd.pipeline([['BLPOP', 'l', 0], ['PING', 'after']]);
  await waitForBlocked(1);
  assert.equal(await r('CLIENT', 'UNBLOCK', id, 'ERROR'), 1);
  const [first, second] = await replies;
  assert.ok(first instanceof ReplyError && first.message === UNBLOCKED);
  assert.equal(second, 'after');
  await waitForBlocked(0);
  assert.equal(await r('RPUSH', 'l', 'x'), 1);
  assert.deepEqual(await r('LRANGE', 'l', 0, -1), ['x']);
  assert.equal(await r('CLIENT', 'UNBLOCK', id), 0);
  rd.close();
});

test('CLIENT UNBLOCK inside MULTI/EXEC', async () => {
  await r('DEL', 'z');
  const rd = await srv.client();
  const id = (await rd.call('CLIENT', 'ID')) as number;
  const reply = rd.call('BZPOPMIN', 'z', 0);
  await waitForBlocked(1);
  assert.deepEqual(await r('MULTI'), OK);
  await r('CLIENT', 'UNBLOCK', id);
  await r('CLIENT', 'UNBLOCK', id);
  assert.deepEqual(await r('EXEC'), [1, 0]);
  assert.equal(await reply, null);
  rd.close();
});

test('CLIENT UNBLOCK of one waiter leaves the others waiting in order', async () => {
  await r('DEL', 'z');
  const rds = [await srv.client(), await srv.client(), await srv.client()];
  const ids = await Promise.all(rds.map((x) => x.call('CLIENT', 'ID') as Promise<number>));
  const replies: Promise<Reply>[] = [];
  for (let i = 0; i < rds.length; i++) {
    replies.push((rds[i] as RespClient).call('BZPOPMIN', 'z', 0));
    await waitForBlocked(i + 1);
  }
  assert.equal(await r('CLIENT', 'UNBLOCK', ids[0] as number), 1);
  assert.equal(await replies[0], null);
  await r('ZADD', 'z', 1, 'a');
  assert.deepEqual(await replies[1], ['z', 'a', '1']);
  await waitForBlocked(1);
  await r('ZADD', 'z', 2, 'b');
  assert.deepEqual(await replies[2], ['z', 'b', '2']);
  for (const x of rds) x.close();
});
