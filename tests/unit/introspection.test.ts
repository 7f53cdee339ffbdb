/**
 * CLIENT and its subcommands, RESET, PING/ECHO/SELECT/HELLO basics and SHUTDOWN, mirroring
 * Redis's tests/unit/introspection.tcl (and 7.2's CLIENT SETINFO / NO-TOUCH tests).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  assertError,
  haveRedisServer,
  OK,
  startOracle,
  startTestServer,
  type Reply,
  type RespClient,
  type TestServer,
} from '../helpers/server.js';

/** One CLIENT LIST line as field → value. */
function fields(line: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const kv of line.trim().split(' ')) {
    const eq = kv.indexOf('=');
    m.set(kv.slice(0, eq), kv.slice(eq + 1));
  }
  return m;
}

function lines(list: Reply): string[] {
  assert.equal(typeof list, 'string');
  return (list as string).split('\n').filter((l) => l !== '');
}

async function infoOf(c: RespClient): Promise<Map<string, string>> {
  return fields((await c.call('CLIENT', 'INFO')) as string);
}

/** The CLIENT LIST line of client `id`, seen from `by`. */
async function lineOf(by: RespClient, id: number): Promise<Map<string, string> | undefined> {
  const [l] = lines(await by.call('CLIENT', 'LIST', 'ID', id));
  return l === undefined ? undefined : fields(l);
}

/** Poll (no fixed sleep) until `cond` holds: a closed peer is noticed asynchronously. */
async function until(cond: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await cond()) return;
    await new Promise((r) => setImmediate(r));
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('introspection', () => {
  let srv: TestServer;
  let r: RespClient;

  before(async () => {
    srv = await startTestServer();
    r = await srv.client();
    await r.call('SELECT', '9');
  });

  after(async () => {
    await srv.close();
  });

  test('CLIENT LIST', async () => {
    const l = lines(await r.call('CLIENT', 'LIST'));
    assert.equal(l.length, 1);
    assert.match(
      l[0] as string,
      /^id=\d+ addr=127\.0\.0\.1:\d+ laddr=127\.0\.0\.1:\d+ fd=\d+ name= age=\d+ idle=\d+ flags=N db=9 sub=0 psub=0 ssub=0 multi=-1 qbuf=\d+ qbuf-free=\d+ argv-mem=10 multi-mem=0 rbs=\d+ rbp=\d+ obl=\d+ oll=0 omem=0 tot-mem=\d+ events=r cmd=client\|list user=default redir=-1 resp=2 lib-name= lib-ver=$/,
    );
  });

  test('CLIENT LIST with IDs', async () => {
    const myid = (await r.call('CLIENT', 'ID')) as number;
    const l = lines(await r.call('CLIENT', 'LIST', 'ID', myid));
    assert.equal(l.length, 1);
    assert.ok((l[0] as string).startsWith(`id=${myid} `));
    // Ids are walked as given: unknown ones are skipped, repeated ones repeat.
    assert.equal(lines(await r.call('CLIENT', 'LIST', 'ID', myid, 999999, myid)).length, 2);
    assert.equal(await r.call('CLIENT', 'LIST', 'ID', '0'), '');
    assertError(await r.call('CLIENT', 'LIST', 'ID', 'abc'), 'ERR Invalid client ID');
    assertError(await r.call('CLIENT', 'LIST', 'ID'), 'ERR syntax error');
    assertError(await r.call('CLIENT', 'LIST', 'foo'), 'ERR syntax error');
    assertError(await r.call('CLIENT', 'LIST', 'TYPE', 'normal', 'ID', '1'), 'ERR syntax error');
  });

  test('CLIENT INFO', async () => {
    const info = (await r.call('CLIENT', 'INFO')) as string;
    assert.ok(info.endsWith('\n'));
    assert.match(info, /^id=\d+ addr=127\.0\.0\.1:\d+ laddr=\S+ fd=\d+ name= age=\d+ idle=\d+ flags=N db=9 sub=0 psub=0 ssub=0 multi=-1 .* cmd=client\|info user=default redir=-1 resp=2 lib-name= lib-ver=\n$/);
    assert.equal(fields(info).get('id'), String(await r.call('CLIENT', 'ID')));
  });

  test('CLIENT LIST and CLIENT INFO are verbatim strings in RESP3', async () => {
    const c = await srv.client();
    await c.call('HELLO', '3');
    c.types.length = 0;
    const list = (await c.call('CLIENT', 'LIST')) as string;
    const info = (await c.call('CLIENT', 'INFO')) as string;
    assert.deepEqual(c.types, ['=', '=']);
    assert.match(list, /resp=3 lib-name= lib-ver=\n/);
    assert.equal(fields(info).get('resp'), '3');
  });

  test('CLIENT LIST TYPE filters by client type', async () => {
    const sub = await srv.client();
    const subId = (await sub.call('CLIENT', 'ID')) as number;
    await sub.call('SUBSCRIBE', 'ch1', 'ch2');
    const pubsub = lines(await r.call('CLIENT', 'LIST', 'TYPE', 'pubsub')).map(fields);
    assert.deepEqual(pubsub.map((f) => f.get('id')), [String(subId)]);
    assert.equal(pubsub[0]?.get('flags'), 'P');
    assert.equal(pubsub[0]?.get('sub'), '2');
    const normal = lines(await r.call('CLIENT', 'LIST', 'TYPE', 'NORMAL')).map(fields);
    assert.ok(normal.length >= 1 && normal.every((f) => f.get('id') !== String(subId)));
    assert.equal(await r.call('CLIENT', 'LIST', 'TYPE', 'replica'), '');
    assert.equal(await r.call('CLIENT', 'LIST', 'TYPE', 'slave'), '');
    assert.equal(await r.call('CLIENT', 'LIST', 'TYPE', 'master'), '');
    assertError(await r.call('CLIENT', 'LIST', 'TYPE', 'foo'), "ERR Unknown client type 'foo'");
    sub.close();
  });

  test('CLIENT LIST shows MULTI and blocked state of other clients', async () => {
    const a = await srv.client();
    const aId = (await a.call('CLIENT', 'ID')) as number;
    assert.deepEqual(await a.call('MULTI'), OK);
    assert.deepEqual(await a.call('SET', 'x', '1'), { status: 'QUEUED' });
    let f = (await lineOf(r, aId)) as Map<string, string>;
    assert.equal(f.get('flags'), 'x');
    assert.equal(f.get('multi'), '1');
    assert.equal(f.get('multi-mem'), String('SETx1'.length));
    await a.call('DISCARD');
    const b = await srv.client();
    await b.call('SELECT', '9');
    const bId = (await b.call('CLIENT', 'ID')) as number;
    const blocked = b.call('BLPOP', 'introspection-nokey', '0');
    await until(async () => (await lineOf(r, bId))?.get('flags') === 'b', 'BLPOP to block');
    f = (await lineOf(r, bId)) as Map<string, string>;
    assert.equal(f.get('cmd'), 'blpop');
    assert.deepEqual(await r.call('RPUSH', 'introspection-nokey', 'v'), 1);
    assert.deepEqual(await blocked, ['introspection-nokey', 'v']);
    a.close();
    b.close();
  });

  test('CLIENT LIST has the field set and order of Redis 7.0, plus lib-name and lib-ver', { skip: !haveRedisServer() }, async () => {
    const oracle = await startOracle();
    try {
      const o = await oracle.client();
      const theirs = [...fields(lines(await o.call('CLIENT', 'LIST'))[0] as string).keys()];
      const ours = [...fields(lines(await r.call('CLIENT', 'LIST'))[0] as string).keys()];
      assert.deepEqual(ours, [...theirs, 'lib-name', 'lib-ver']);
    } finally {
      await oracle.close();
    }
  });

  test('CLIENT KILL with illegal arguments', async () => {
    assertError(await r.call('CLIENT', 'KILL'), "ERR wrong number of arguments for 'client|kill' command");
    assertError(await r.call('CLIENT', 'KILL', 'ID', '10', 'wrong_arg'), 'ERR syntax error');
    assertError(await r.call('CLIENT', 'KILL', 'ID', 'str'), 'ERR client-id should be greater than 0');
    assertError(await r.call('CLIENT', 'KILL', 'ID', '-1'), 'ERR client-id should be greater than 0');
    assertError(await r.call('CLIENT', 'KILL', 'ID', '0'), 'ERR client-id should be greater than 0');
    assertError(await r.call('CLIENT', 'KILL', 'TYPE', 'wrong_type'), "ERR Unknown client type 'wrong_type'");
    assertError(await r.call('CLIENT', 'KILL', 'USER', 'wrong_user'), "ERR No such user 'wrong_user'");
    assertError(await r.call('CLIENT', 'KILL', 'SKIPME', 'yes_or_no'), 'ERR syntax error');
    assertError(await r.call('CLIENT', 'KILL', 'MAXAGE', '5'), 'ERR syntax error');
    assertError(await r.call('CLIENT', 'KILL', 'foo', 'bar'), 'ERR syntax error');
    // The old form with one argument treats it as an address, whatever it is.
    assertError(await r.call('CLIENT', 'KILL', 'ID'), 'ERR No such client');
    assertError(await r.call('CLIENT', 'KILL', '000.123.321.567:0000'), 'ERR No such client');
    assertError(await r.call('CLIENT', 'KILL', '127.0.0.1:'), 'ERR No such client');
    // The filter form answers a count, 0 when nothing matches.
    assert.equal(await r.call('CLIENT', 'KILL', 'ID', '999999'), 0);
    assert.equal(await r.call('CLIENT', 'KILL', 'ADDR', '1.2.3.4:5'), 0);
    assert.equal(await r.call('CLIENT', 'KILL', 'LADDR', 'x'), 0);
    assert.equal(await r.call('CLIENT', 'KILL', 'TYPE', 'master'), 0);
  });

  test('CLIENT KILL by ID, ADDR, LADDR, TYPE and USER', async () => {
    const victim = async () => {
      const c = await srv.client();
      const f = await infoOf(c);
      return { c, id: f.get('id') as string, addr: f.get('addr') as string, laddr: f.get('laddr') as string };
    };
    let v = await victim();
    assert.equal(await r.call('CLIENT', 'KILL', 'ID', v.id), 1);
    await v.c.waitClosed();
    v = await victim();
    assert.equal(await r.call('CLIENT', 'KILL', 'ADDR', v.addr, 'ID', v.id), 1);
    await v.c.waitClosed();
    v = await victim();
    assert.deepEqual(await r.call('CLIENT', 'KILL', v.addr), OK);
    await v.c.waitClosed();
    v = await victim();
    // LADDR is the server side: every client of this server shares it; SKIPME keeps the caller.
    const before = lines(await r.call('CLIENT', 'LIST')).length;
    assert.equal(await r.call('CLIENT', 'KILL', 'LADDR', v.laddr, 'ID', v.id), 1);
    await v.c.waitClosed();
    v = await victim();
    await v.c.call('SUBSCRIBE', 'killme');
    assert.equal(await r.call('CLIENT', 'KILL', 'TYPE', 'pubsub'), 1);
    await v.c.waitClosed();
    v = await victim();
    assert.equal(await r.call('CLIENT', 'KILL', 'USER', 'default', 'ID', v.id), 1);
    await v.c.waitClosed();
    await until(async () => lines(await r.call('CLIENT', 'LIST')).length === before - 1, 'killed clients to leave CLIENT LIST');
  });

  test('CLIENT KILL SKIPME YES/NO will kill all clients', async () => {
    const s = await startTestServer();
    try {
      const me = await s.client();
      const rd1 = await s.client();
      const rd2 = await s.client();
      await rd1.call('PING');
      await rd2.call('PING');
      assert.equal(await me.call('CLIENT', 'KILL', 'SKIPME', 'yes'), 2);
      await rd1.waitClosed();
      await rd2.waitClosed();
      const rd3 = await s.client();
      await rd3.call('PING');
      // Killing yourself: the count still arrives, then the connection closes.
      assert.equal(await me.call('CLIENT', 'KILL', 'SKIPME', 'no'), 2);
      await me.waitClosed();
      await rd3.waitClosed();
      const again = await s.client();
      assert.deepEqual(await again.call('PING'), { status: 'PONG' });
    } finally {
      await s.close();
    }
  });

  test('CLIENT KILL old form can kill the calling client', async () => {
    const c = await srv.client();
    const addr = (await infoOf(c)).get('addr') as string;
    assert.deepEqual(await c.call('CLIENT', 'KILL', addr), OK);
    await c.waitClosed();
  });

  test('CLIENT command unhappy path coverage', async () => {
    assertError(await r.call('CLIENT', 'NO-EVICT', 'wrongInput'), 'ERR syntax error');
    assertError(await r.call('CLIENT', 'NO-TOUCH', 'wrongInput'), 'ERR syntax error');
    assertError(await r.call('CLIENT', 'REPLY', 'wrongInput'), 'ERR syntax error');
    assertError(await r.call('CLIENT', 'REPLY'), "ERR wrong number of arguments for 'client|reply' command");
    assertError(await r.call('CLIENT'), "ERR wrong number of arguments for 'client' command");
    assertError(await r.call('CLIENT', 'ID', 'x'), "ERR wrong number of arguments for 'client|id' command");
    // Subcommands Cinnabar does not have do not exist.
    for (const sub of ['PAUSE', 'UNPAUSE', 'TRACKING', 'CACHING', 'GETREDIR', 'TRACKINGINFO']) {
      assertError(await r.call('CLIENT', sub, '1'), `ERR unknown subcommand '${sub}'. Try CLIENT HELP.`);
    }
  });

  test('CLIENT HELP lists the subcommands there are', async () => {
    const help = ((await r.call('CLIENT', 'HELP')) as { status: string }[]).map((s) => s.status);
    assert.equal(help[0], 'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    for (const sub of ['GETNAME', 'ID', 'INFO', 'KILL <ip:port>', 'LIST [options ...]', 'REPLY (ON|OFF|SKIP)', 'SETNAME <name>', 'SETINFO <option> <value>', 'UNBLOCK <clientid> [TIMEOUT|ERROR]', 'NO-EVICT (ON|OFF)', 'NO-TOUCH (ON|OFF)']) {
      assert.ok(help.includes(sub), sub);
    }
    assert.ok(!help.some((l) => /^(PAUSE|UNPAUSE|TRACKING|CACHING|GETREDIR)\b/.test(l)));
    assert.deepEqual(help.slice(-2), ['HELP', '    Prints this help.']);
  });

  test('CLIENT REPLY OFF/ON: disable all commands reply', async () => {
    const rd = await srv.client();
    rd.write('*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$3\r\nOFF\r\n*2\r\n$4\r\nPING\r\n$4\r\npong\r\n*2\r\n$4\r\nPING\r\n$5\r\npong2\r\n');
    // Errors are silenced too.
    rd.write('*1\r\n$7\r\nNOSUCHC\r\n*1\r\n$3\r\nGET\r\n');
    assert.deepEqual(await rd.call('CLIENT', 'REPLY', 'ON'), OK);
    assert.equal(await rd.call('PING', 'pong3'), 'pong3');
  });

  test('CLIENT REPLY SKIP: skip the next command reply', async () => {
    const rd = await srv.client();
    rd.write('*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$4\r\nSKIP\r\n*2\r\n$4\r\nPING\r\n$4\r\npong\r\n');
    assert.equal(await rd.call('PING', 'pong2'), 'pong2');
    // A skipped CLIENT REPLY SKIP arms the skip again; a refused command consumes a skip.
    rd.write('*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$4\r\nSKIP\r\n*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$4\r\nSKIP\r\n*1\r\n$4\r\nPING\r\n');
    rd.write('*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$4\r\nSKIP\r\n*1\r\n$7\r\nNOSUCHC\r\n');
    assert.equal(await rd.call('PING', 'pong3'), 'pong3');
  });

  test('CLIENT REPLY ON: unset SKIP flag', async () => {
    const rd = await srv.client();
    rd.write('*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$4\r\nSKIP\r\n');
    assert.deepEqual(await rd.call('CLIENT', 'REPLY', 'ON'), OK);
    assert.deepEqual(await rd.call('PING'), { status: 'PONG' });
  });

  test('CLIENT GETNAME should return NIL if name is not assigned', async () => {
    assert.equal(await r.call('CLIENT', 'GETNAME'), null);
  });

  test('CLIENT LIST shows empty fields for unassigned names', async () => {
    assert.match((await r.call('CLIENT', 'LIST')) as string, / name= /);
  });

  test('CLIENT SETNAME does not accept spaces', async () => {
    assertError(await r.call('CLIENT', 'SETNAME', 'foo bar'), 'ERR Client names cannot contain spaces, newlines or special characters.');
    assertError(await r.call('CLIENT', 'SETNAME', 'foo\nbar'), 'ERR Client names cannot contain spaces, newlines or special characters.');
  });

  test('CLIENT SETNAME can assign a name to this connection', async () => {
    assert.deepEqual(await r.call('CLIENT', 'SETNAME', 'myname'), OK);
    assert.match((await r.call('CLIENT', 'LIST')) as string, /name=myname /);
    assert.equal(await r.call('CLIENT', 'GETNAME'), 'myname');
  });

  test('CLIENT SETNAME can change the name of an existing connection', async () => {
    assert.deepEqual(await r.call('CLIENT', 'SETNAME', 'someothername'), OK);
    assert.match((await r.call('CLIENT', 'LIST')) as string, /name=someothername /);
    assert.deepEqual(await r.call('CLIENT', 'SETNAME', ''), OK);
    assert.equal(await r.call('CLIENT', 'GETNAME'), null);
  });

  test('After CLIENT SETNAME, connection can still be closed', async () => {
    const rd = await srv.client();
    assert.deepEqual(await rd.call('CLIENT', 'SETNAME', 'foobar'), OK);
    assert.match((await r.call('CLIENT', 'LIST')) as string, /name=foobar /);
    rd.close();
    await until(async () => !((await r.call('CLIENT', 'LIST')) as string).includes('name=foobar '), 'foobar to leave CLIENT LIST');
  });

  test('CLIENT SETINFO can set a library name to this connection', async () => {
    assert.deepEqual(await r.call('CLIENT', 'SETINFO', 'lib-name', 'redis.py'), OK);
    assert.deepEqual(await r.call('CLIENT', 'SETINFO', 'LIB-VER', '1.2.3'), OK);
    assert.match((await r.call('CLIENT', 'INFO')) as string, / lib-name=redis\.py lib-ver=1\.2\.3\n$/);
  });

  test('CLIENT SETINFO invalid args', async () => {
    assertError(await r.call('CLIENT', 'SETINFO', 'lib-name'), "ERR wrong number of arguments for 'client|setinfo' command");
    assertError(await r.call('CLIENT', 'SETINFO', 'lib-name', 'redis py'), 'ERR lib-name cannot contain spaces, newlines or special characters.');
    assertError(await r.call('CLIENT', 'SETINFO', 'LIB-NAME', 'redis.py\n'), 'ERR LIB-NAME cannot contain spaces, newlines or special characters.');
    assertError(await r.call('CLIENT', 'SETINFO', 'badger', 'hamster'), "ERR Unrecognized option 'badger'");
    // None of these changed the values set before.
    assert.match((await r.call('CLIENT', 'INFO')) as string, / lib-name=redis\.py lib-ver=1\.2\.3\n$/);
  });

  test('RESET does NOT clean library name', async () => {
    assert.deepEqual(await r.call('RESET'), { status: 'RESET' });
    assert.match((await r.call('CLIENT', 'INFO')) as string, / lib-name=redis\.py /);
  });

  test('CLIENT SETINFO can clear library name', async () => {
    assert.deepEqual(await r.call('CLIENT', 'SETINFO', 'lib-name', ''), OK);
    assert.match((await r.call('CLIENT', 'INFO')) as string, / lib-name= lib-ver=1\.2\.3\n$/);
  });

  test('CLIENT NO-EVICT and NO-TOUCH show in flags; RESET keeps NO-EVICT and clears NO-TOUCH', async () => {
    const c = await srv.client();
    assert.deepEqual(await c.call('CLIENT', 'NO-EVICT', 'on'), OK);
    assert.equal((await infoOf(c)).get('flags'), 'e');
    assert.deepEqual(await c.call('CLIENT', 'NO-TOUCH', 'ON'), OK);
    assert.equal((await infoOf(c)).get('flags'), 'eT');
    assert.deepEqual(await c.call('RESET'), { status: 'RESET' });
    assert.equal((await infoOf(c)).get('flags'), 'e');
    assert.deepEqual(await c.call('CLIENT', 'NO-EVICT', 'off'), OK);
    assert.equal((await infoOf(c)).get('flags'), 'N');
  });

  test('RESET clears client state', async () => {
    const c = await srv.client();
    await c.call('CLIENT', 'SETNAME', 'foo');
    await c.call('SELECT', '2');
    assert.deepEqual(await c.call('RESET'), { status: 'RESET' });
    const f = await infoOf(c);
    assert.equal(f.get('name'), '');
    assert.equal(f.get('db'), '0');
  });

  test('RESET clears and discards MULTI state', async () => {
    const c = await srv.client();
    await c.call('MULTI');
    await c.call('SET', 'reset-multi', 'x');
    assert.deepEqual(await c.call('RESET'), { status: 'RESET' });
    assertError(await c.call('EXEC'), 'ERR EXEC without MULTI');
    assert.equal(await c.call('GET', 'reset-multi'), null);
  });

  test('RESET clears Pub/Sub state', async () => {
    const c = await srv.client();
    await c.call('SUBSCRIBE', 'ch');
    assert.deepEqual(await c.call('RESET'), { status: 'RESET' });
    // Back to a normal client: any command works, and it is no longer a subscriber.
    assert.deepEqual(await c.call('PING'), { status: 'PONG' });
    assert.equal((await infoOf(c)).get('sub'), '0');
  });

  test('RESET back to RESP2', async () => {
    const c = await srv.client();
    await c.call('HELLO', '3');
    c.types.length = 0;
    assert.deepEqual(await c.call('RESET'), { status: 'RESET' });
    assert.equal(await c.call('CLIENT', 'GETNAME'), null);
    assert.deepEqual(c.types, ['+', '$']);
  });

  test('PING in RESP2 subscribed mode replies [pong, message]', async () => {
    const c = await srv.client();
    await c.call('SUBSCRIBE', 'ch');
    assert.deepEqual(await c.call('PING'), ['pong', '']);
    assert.deepEqual(await c.call('PING', 'hi'), ['pong', 'hi']);
    assertError(await c.call('PING', 'a', 'b'), "ERR wrong number of arguments for 'ping' command");
  });

  test('ECHO and SELECT', async () => {
    assert.equal(await r.call('ECHO', 'hello'), 'hello');
    assertError(await r.call('ECHO'), "ERR wrong number of arguments for 'echo' command");
    assertError(await r.call('SELECT', 'x'), 'ERR value is not an integer or out of range');
    assertError(await r.call('SELECT', '16'), 'ERR DB index is out of range');
    assertError(await r.call('SELECT', '-1'), 'ERR DB index is out of range');
    assert.deepEqual(await r.call('SELECT', '15'), OK);
    assert.deepEqual(await r.call('SELECT', '9'), OK);
  });

  test('HELLO replies the server map, switches protocol and names the connection', async () => {
    const c = await srv.client();
    const id = (await c.call('CLIENT', 'ID')) as number;
    const m = (await c.call('HELLO', '3', 'SETNAME', 'hello-name')) as Map<Reply, Reply>;
    assert.deepEqual([...m], [
      ['server', 'redis'],
      ['version', '7.0.15'],
      ['proto', 3],
      ['id', id],
      ['mode', 'standalone'],
      ['role', 'master'],
      ['modules', []],
    ]);
    assert.equal(await c.call('CLIENT', 'GETNAME'), 'hello-name');
    assert.deepEqual(await c.call('HELLO'), m);
    assert.deepEqual(await c.call('HELLO', '2'), ['server', 'redis', 'version', '7.0.15', 'proto', 2, 'id', id, 'mode', 'standalone', 'role', 'master', 'modules', []]);
  });

  test('HELLO errors', async () => {
    const c = await srv.client();
    assertError(await c.call('HELLO', '4'), 'NOPROTO unsupported protocol version');
    assertError(await c.call('HELLO', '1'), 'NOPROTO unsupported protocol version');
    assertError(await c.call('HELLO', '9223372036854775807'), 'NOPROTO unsupported protocol version');
    assertError(await c.call('HELLO', '03'), 'ERR Protocol version is not an integer or out of range');
    assertError(await c.call('HELLO', 'x'), 'ERR Protocol version is not an integer or out of range');
    assertError(await c.call('HELLO', '3', 'SETNAME'), "ERR Syntax error in HELLO option 'SETNAME'");
    assertError(await c.call('HELLO', '3', 'AUTH', 'a'), "ERR Syntax error in HELLO option 'AUTH'");
    assertError(await c.call('HELLO', '3', 'foo'), "ERR Syntax error in HELLO option 'foo'");
    // A bad name is refused after the version check but before the protocol switches.
    assertError(await c.call('HELLO', '3', 'SETNAME', 'a b'), 'ERR Client names cannot contain spaces, newlines or special characters.');
    assert.equal((await infoOf(c)).get('resp'), '2');
  });
});

describe('SHUTDOWN', () => {
  test('SHUTDOWN ABORT with no shutdown in progress, and illegal combinations', async () => {
    const s = await startTestServer();
    try {
      const c = await s.client();
      assertError(await c.call('SHUTDOWN', 'ABORT'), 'ERR No shutdown in progress.');
      assertError(await c.call('SHUTDOWN', 'foo'), 'ERR syntax error');
      assertError(await c.call('SHUTDOWN', 'NOSAVE', 'SAVE'), 'ERR syntax error');
      assertError(await c.call('SHUTDOWN', 'ABORT', 'NOW'), 'ERR syntax error');
      assertError(await c.call('SHUTDOWN', 'NOSAVE', 'ABORT'), 'ERR syntax error');
      assert.deepEqual(await c.call('MULTI'), OK);
      assertError(await c.call('SHUTDOWN'), 'ERR Command not allowed inside a transaction');
      await c.call('DISCARD');
      assert.deepEqual(await c.call('PING'), { status: 'PONG' });
    } finally {
      await s.close();
    }
  });

  for (const args of [['NOSAVE'], [], ['SAVE', 'NOW', 'FORCE']]) {
    test(`SHUTDOWN${args.map((a) => ` ${a}`).join('')} closes every connection and stops listening`, async () => {
      // SHUTDOWN SAVE writes dump.rdb: into a directory of its own, not the working directory.
      const s = await startTestServer({ dir: mkdtempSync(path.join(tmpdir(), 'shutdown-')) });
      const c = await s.client();
      const other = await s.client();
      await other.call('PING');
      c.write(`*${args.length + 1}\r\n$8\r\nSHUTDOWN\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`);
      await c.waitClosed();
      await other.waitClosed();
      const refused = await new Promise<boolean>((resolve) => {
        const sock = net.connect(s.port, '127.0.0.1');
        sock.once('connect', () => {
          sock.destroy();
          resolve(false);
        });
        sock.once('error', () => resolve(true));
      });
      assert.equal(refused, true);
      await s.close();
    });
  }
});
