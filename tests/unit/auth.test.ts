/**
 * AUTH, HELLO AUTH and requirepass, mirroring Redis's tests/unit/auth.tcl, plus Redis 7.0's
 * protocol limits for clients that have not authenticated yet.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, OK, startTestServer, type Reply, type RespClient, type TestServer } from '../helpers/server.js';

const WRONGPASS = 'WRONGPASS invalid username-password pair or user is disabled.';
const NOAUTH = 'NOAUTH Authentication required.';
const HELLO_NOAUTH =
  'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time';

/** Write raw bytes and collect everything until the server closes (or 2 s pass). */
async function rawUntilClose(c: RespClient, data: string): Promise<{ text: string; closed: boolean }> {
  const chunks: Buffer[] = [];
  c.socket.on('data', (d: Buffer) => chunks.push(d));
  c.write(data);
  const closed = await Promise.race([c.waitClosed().then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 2000))]);
  return { text: Buffer.concat(chunks).toString('latin1'), closed };
}

describe('auth without requirepass', () => {
  let srv: TestServer;
  let r: RespClient;

  before(async () => {
    srv = await startTestServer();
    r = await srv.client();
  });

  after(async () => {
    await srv.close();
  });

  test('AUTH fails if there is no password configured server side', async () => {
    assertError(
      await r.call('AUTH', 'foo'),
      'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
    );
  });

  test('Arity check for auth command', async () => {
    assertError(await r.call('AUTH', 'a', 'b', 'c'), 'ERR syntax error');
    assertError(await r.call('AUTH'), "ERR wrong number of arguments for 'auth' command");
  });

  test('AUTH default with any password succeeds: the default user has no password', async () => {
    assert.deepEqual(await r.call('AUTH', 'default', 'anything'), OK);
    assertError(await r.call('AUTH', 'someone', 'anything'), WRONGPASS);
  });

  test('HELLO AUTH default with any password succeeds', async () => {
    const m = (await r.call('HELLO', '3', 'AUTH', 'default', 'whatever')) as Map<Reply, Reply>;
    assert.equal(m.get('proto'), 3);
    assertError(await r.call('HELLO', '3', 'AUTH', 'nobody', 'whatever'), WRONGPASS);
  });
});

describe('auth with requirepass foobar', () => {
  let srv: TestServer;
  let r: RespClient;

  before(async () => {
    srv = await startTestServer({ requirepass: 'foobar' });
    r = await srv.client();
  });

  after(async () => {
    await srv.close();
  });

  test('AUTH fails when a wrong password is given', async () => {
    assertError(await r.call('AUTH', 'wrong!'), WRONGPASS);
  });

  test('Arbitrary command gives an error when AUTH is required', async () => {
    assertError(await r.call('SET', 'foo', 'bar'), NOAUTH);
    assertError(await r.call('PING'), NOAUTH);
    assertError(await r.call('CLIENT', 'ID'), NOAUTH);
    assertError(await r.call('INFO'), NOAUTH);
  });

  test('Unknown commands and wrong arity are reported before NOAUTH', async () => {
    assertError(await r.call('NOSUCH'), "ERR unknown command 'NOSUCH', with args beginning with: ");
    assertError(await r.call('GET'), "ERR wrong number of arguments for 'get' command");
  });

  test('HELLO without AUTH is refused before authentication', async () => {
    assertError(await r.call('HELLO', '3'), HELLO_NOAUTH);
    assertError(await r.call('HELLO'), HELLO_NOAUTH);
    assertError(await r.call('HELLO', '3', 'AUTH', 'default', 'wrong'), WRONGPASS);
    assertError(await r.call('HELLO', '3', 'AUTH', 'foobar', 'foobar'), WRONGPASS);
    // Still RESP2 and still unauthenticated.
    r.types.length = 0;
    assertError(await r.call('GET', 'x'), NOAUTH);
    assert.deepEqual(r.types, ['-']);
  });

  test('AUTH succeeds when the right password is given', async () => {
    assert.deepEqual(await r.call('AUTH', 'foobar'), OK);
  });

  test('Once AUTH succeeded we can actually send commands to the server', async () => {
    assert.deepEqual(await r.call('SET', 'foo', '100'), OK);
    assert.equal(await r.call('INCR', 'foo'), 101);
  });

  test('AUTH with the default user name and a failed AUTH keeps the client authenticated', async () => {
    assert.deepEqual(await r.call('AUTH', 'default', 'foobar'), OK);
    assertError(await r.call('AUTH', 'default', 'wrong'), WRONGPASS);
    assert.equal(await r.call('GET', 'foo'), '101');
  });

  test('HELLO 3 AUTH default pw authenticates and switches protocol at once', async () => {
    const c = await srv.client();
    const m = (await c.call('HELLO', '3', 'AUTH', 'default', 'foobar', 'SETNAME', 'authed')) as Map<Reply, Reply>;
    assert.ok(m instanceof Map);
    assert.equal(m.get('proto'), 3);
    assert.equal(await c.call('CLIENT', 'GETNAME'), 'authed');
    assert.equal(await c.call('GET', 'foo'), '101');
  });

  test('HELLO 2 AUTH with the password alone as user fails: a user is required', async () => {
    const c = await srv.client();
    assertError(await c.call('HELLO', '2', 'AUTH', 'foobar'), "ERR Syntax error in HELLO option 'AUTH'");
  });

  test('QUIT, AUTH, HELLO and RESET need no authentication', async () => {
    const c = await srv.client();
    assert.deepEqual(await c.call('RESET'), { status: 'RESET' });
    assert.deepEqual(await c.call('AUTH', 'foobar'), OK);
    assert.deepEqual(await c.call('PING'), { status: 'PONG' });
    // RESET logs the client out again when the default user has a password.
    assert.deepEqual(await c.call('RESET'), { status: 'RESET' });
    assertError(await c.call('PING'), NOAUTH);
    assert.deepEqual(await c.call('QUIT'), OK);
    await c.waitClosed();
  });

  test('For unauthenticated clients multibulk and bulk length are limited', async () => {
    let res = await rawUntilClose(await srv.client(), '*100\r\n');
    assert.equal(res.text, '-ERR Protocol error: unauthenticated multibulk length\r\n');
    assert.ok(res.closed);
    res = await rawUntilClose(await srv.client(), '*1\r\n$100000000\r\n');
    assert.equal(res.text, '-ERR Protocol error: unauthenticated bulk length\r\n');
    assert.ok(res.closed);
  });

  test('Unauthenticated limits are 10 arguments and 16384 bytes per argument', async () => {
    const c = await srv.client();
    assertError(await c.call('GET', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'), "ERR wrong number of arguments for 'get' command");
    assertError(await c.call('ECHO', 'x'.repeat(16384)), NOAUTH);
    let res = await rawUntilClose(await srv.client(), '*11\r\n');
    assert.equal(res.text, '-ERR Protocol error: unauthenticated multibulk length\r\n');
    res = await rawUntilClose(await srv.client(), '*1\r\n$16385\r\n');
    assert.equal(res.text, '-ERR Protocol error: unauthenticated bulk length\r\n');
  });

  test('Authenticated clients are not limited', async () => {
    const c = await srv.client();
    assert.deepEqual(await c.call('AUTH', 'foobar'), OK);
    const args = Array.from({ length: 20 }, (_v, i) => [`k${i}`, 'v']).flat();
    assert.deepEqual(await c.call('MSET', ...args), OK);
    assert.equal(await c.call('ECHO', 'x'.repeat(100000)), 'x'.repeat(100000));
  });
});

describe('auth with a binary password', () => {
  test('AUTH fails when binary password is wrong, succeeds when correct', async () => {
    const srv = await startTestServer({ requirepass: 'abc\x00def' });
    try {
      const r = await srv.client();
      assertError(await r.call('AUTH', 'abc'), WRONGPASS);
      assert.deepEqual(await r.call('AUTH', 'abc\x00def'), OK);
    } finally {
      await srv.close();
    }
  });
});
