/**
 * The public embedding API (src/index.ts): start servers inside a Node process, talk to them
 * over real sockets, and shut them down cleanly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer } from '../../src/index.js';
import { assertError, OK } from '../helpers/server.js';
import { RespClient } from '../helpers/resp-client.js';

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

test('startServer resolves to { host, port, url, close() } and serves RESP', async () => {
  const srv = await startServer({ port: 0 });
  try {
    assert.equal(srv.host, '127.0.0.1');
    assert.ok(Number.isInteger(srv.port) && srv.port > 0);
    assert.equal(srv.url, `redis://127.0.0.1:${srv.port}`);
    assert.equal(typeof srv.close, 'function');
    const c = await RespClient.connect(srv.port);
    assert.deepEqual(await c.call('PING'), { status: 'PONG' });
    assert.deepEqual(await c.call('SET', 'k', 'v'), OK);
    assert.equal(await c.call('GET', 'k'), 'v');
    c.close();
  } finally {
    await srv.close();
  }
});

test('directives are applied (numbers, strings, booleans)', async () => {
  const srv = await startServer({ port: 0, databases: 2, requirepass: 'secret', 'protected-mode': false, 'proto-max-bulk-len': '2mb' });
  try {
    const c = await RespClient.connect(srv.port);
    assertError(await c.call('GET', 'k'), 'NOAUTH Authentication required.');
    assert.deepEqual(await c.call('AUTH', 'secret'), OK);
    assert.deepEqual(await c.call('SELECT', '1'), OK);
    assertError(await c.call('SELECT', '2'), 'ERR DB index is out of range');
    c.close();
  } finally {
    await srv.close();
  }
});

test('a directive value with spaces stays one value unless the directive takes several words', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cinnabar embed '));
  const srv = await startServer({ port: 0, dir, bind: '127.0.0.1 -::1' });
  try {
    const c = await RespClient.connect(srv.port);
    assert.deepEqual(await c.call('CONFIG', 'GET', 'dir'), ['dir', dir]);
    assert.deepEqual(await c.call('CONFIG', 'GET', 'bind'), ['bind', '127.0.0.1 -::1']);
    c.close();
  } finally {
    await srv.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('two servers in one process are independent (keys, config, clients)', async () => {
  const a = await startServer({ port: 0 });
  const b = await startServer({ port: 0, requirepass: 'pw', databases: 1 });
  try {
    assert.notEqual(a.port, b.port);
    const ca = await RespClient.connect(a.port);
    const cb = await RespClient.connect(b.port);
    // Config: only b wants a password, only a has 16 databases.
    assert.deepEqual(await ca.call('SET', 'shared-name', 'from-a'), OK);
    assertError(await cb.call('GET', 'shared-name'), 'NOAUTH*');
    assert.deepEqual(await cb.call('AUTH', 'pw'), OK);
    assert.deepEqual(await ca.call('SELECT', '5'), OK);
    assertError(await cb.call('SELECT', '5'), 'ERR DB index is out of range');
    // Keys.
    assert.equal(await cb.call('GET', 'shared-name'), null);
    assert.deepEqual(await cb.call('SET', 'shared-name', 'from-b'), OK);
    assert.deepEqual(await ca.call('SELECT', '0'), OK);
    assert.equal(await ca.call('GET', 'shared-name'), 'from-a');
    // Clients: each server numbers and lists only its own.
    const ca2 = await RespClient.connect(a.port);
    assert.equal(await ca.call('CLIENT', 'ID'), 1);
    assert.equal(await cb.call('CLIENT', 'ID'), 1);
    assert.equal(await ca2.call('CLIENT', 'ID'), 2);
    const listA = String(await ca.call('CLIENT', 'LIST')).trim().split('\n');
    const listB = String(await cb.call('CLIENT', 'LIST')).trim().split('\n');
    assert.equal(listA.length, 2);
    assert.equal(listB.length, 1);
    // Closing one leaves the other serving.
    await a.close();
    await ca.waitClosed();
    assert.deepEqual(await cb.call('PING'), { status: 'PONG' });
    assert.equal(await cb.call('GET', 'shared-name'), 'from-b');
    ca.close();
    ca2.close();
    cb.close();
  } finally {
    await a.close();
    await b.close();
  }
});

test('close() ends the clients and frees the port', async () => {
  const srv = await startServer({ port: 0 });
  const port = srv.port;
  const c1 = await RespClient.connect(port);
  const c2 = await RespClient.connect(port);
  assert.deepEqual(await c1.call('PING'), { status: 'PONG' });
  await srv.close();
  await Promise.all([c1.waitClosed(), c2.waitClosed()]);
  assert.equal(c1.closed && c2.closed, true);
  assert.equal(await canListen(port), true);
  await assert.rejects(RespClient.connect(port), /ECONNREFUSED/);
  // close() is idempotent.
  await srv.close();
  // The same port can serve again.
  const again = await startServer({ port });
  try {
    assert.equal(again.port, port);
    const c = await RespClient.connect(port);
    assert.deepEqual(await c.call('PING'), { status: 'PONG' });
    c.close();
  } finally {
    await again.close();
  }
});

test('a bad directive rejects with a clear error', async () => {
  await assert.rejects(startServer({ port: 0, 'no-such-directive': 'x' }), {
    message: "Cinnabar: bad directive 'no-such-directive': Bad directive or wrong number of arguments",
  });
  await assert.rejects(startServer({ port: 0, maxmemory: 'lots' }), /^Error: Cinnabar: bad directive 'maxmemory': /);
  await assert.rejects(startServer({ port: 0, 'maxmemory-policy': 'bogus' }), /bad directive 'maxmemory-policy': argument\(s\) must be one of the following/);
  await assert.rejects(startServer({ port: 70000 }), /bad directive 'port': argument must be between 0 and 65535 inclusive/);
});

test('a port already in use rejects, and nothing is left listening', async () => {
  const first = await startServer({ port: 0 });
  try {
    await assert.rejects(startServer({ port: first.port }), /EADDRINUSE/);
    const c = await RespClient.connect(first.port);
    assert.deepEqual(await c.call('PING'), { status: 'PONG' });
    c.close();
  } finally {
    await first.close();
  }
});
