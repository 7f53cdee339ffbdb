/**
 * The real client libraries against Cinnabar: ioredis 6 and node-redis 6 (both default to
 * RESP3 through HELLO 3, then send SELECT, CLIENT SETINFO and, for ioredis, INFO as a ready
 * check), node-redis also with RESP2. Each does the everyday commands, big pipelines, binary
 * values, database URLs and password authentication the way applications use them.
 */
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { createClient, RESP_TYPES } from 'redis';
import { startTestServer, type TestServer } from '../helpers/server.js';

let srv: TestServer;

before(async () => {
  srv = await startTestServer();
});

after(async () => {
  await srv.close();
});

/** An ioredis client that fails fast instead of reconnecting forever. */
function ioredis(target: string | number, opts: Record<string, unknown> = {}): Redis {
  const common = { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, ...opts };
  const r = typeof target === 'number' ? new Redis(target, '127.0.0.1', common) : new Redis(target, common);
  r.on('error', () => {});
  return r;
}

function bytes256(): Buffer {
  const b = Buffer.alloc(256);
  for (let i = 0; i < 256; i++) b[i] = i;
  return b;
}

describe('ioredis (RESP3 by default)', () => {
  test('connects (HELLO 3, CLIENT SETINFO, INFO ready check) and runs the basics', async () => {
    const r = ioredis(srv.port);
    try {
      await r.connect();
      assert.equal(r.status, 'ready');
      assert.equal(await r.ping(), 'PONG');
      assert.equal(await r.set('io:k', 'v'), 'OK');
      assert.equal(await r.get('io:k'), 'v');
      assert.equal(await r.get('io:missing'), null);
      assert.equal(await r.incr('io:n'), 1);
      assert.equal(await r.incrby('io:n', 41), 42);
      assert.equal(await r.expire('io:k', 100), 1);
      const ttl = await r.ttl('io:k');
      assert.ok(ttl > 95 && ttl <= 100, `ttl ${ttl}`);
      assert.equal(await r.ttl('io:n'), -1);
      assert.equal(await r.ttl('io:missing'), -2);
      assert.equal(await r.mset('io:a', '1', 'io:b', '2'), 'OK');
      assert.deepEqual(await r.mget('io:a', 'io:b', 'io:missing'), ['1', '2', null]);
      assert.equal(await r.del('io:a', 'io:b', 'io:missing'), 2);
      await assert.rejects(r.incr('io:k'), /ERR value is not an integer or out of range/);
    } finally {
      r.disconnect();
    }
  });

  test('pipeline of 1000 commands', async () => {
    const r = ioredis(srv.port);
    try {
      await r.connect();
      const p = r.pipeline();
      for (let i = 0; i < 500; i++) p.set(`io:p:${i}`, String(i));
      for (let i = 0; i < 500; i++) p.get(`io:p:${i}`);
      const res = await p.exec();
      assert.ok(res);
      assert.equal(res.length, 1000);
      for (let i = 0; i < 500; i++) assert.deepEqual(res[i], [null, 'OK']);
      for (let i = 0; i < 500; i++) assert.deepEqual(res[500 + i], [null, String(i)]);
    } finally {
      r.disconnect();
    }
  });

  test('binary keys and values (getBuffer)', async () => {
    const r = ioredis(srv.port);
    try {
      await r.connect();
      const key = Buffer.from([0x00, 0x0d, 0x0a, 0xff, 0x06, 0x16]);
      const value = bytes256();
      assert.equal(await r.set(key, value), 'OK');
      const got = await r.getBuffer(key);
      assert.ok(Buffer.isBuffer(got));
      assert.deepEqual(got, value);
    } finally {
      r.disconnect();
    }
  });

  test('URL with a database number selects it', async () => {
    const r = ioredis(`redis://127.0.0.1:${srv.port}/3`);
    const check = await srv.client();
    try {
      await r.connect();
      await r.set('io:db3', 'three');
      assert.equal(await check.call('GET', 'io:db3'), null);
      await check.call('SELECT', '3');
      assert.equal(await check.call('GET', 'io:db3'), 'three');
    } finally {
      r.disconnect();
    }
  });

  test('RESP2 (protocol: 2) works as well', async () => {
    const r = ioredis(srv.port, { protocol: 2 });
    try {
      await r.connect();
      assert.equal(await r.set('io:r2', 'x'), 'OK');
      assert.equal(await r.get('io:r2'), 'x');
    } finally {
      r.disconnect();
    }
  });

  test('MULTI/EXEC', async () => {
    const r = ioredis(srv.port);
    try {
      await r.connect();
      const res = await r.multi().set('io:m', '1').incr('io:m').get('io:m').exec();
      assert.deepEqual(res, [
        [null, 'OK'],
        [null, 2],
        [null, '2'],
      ]);
    } finally {
      r.disconnect();
    }
  });
});

describe('ioredis with requirepass', () => {
  let secured: TestServer;
  before(async () => {
    secured = await startTestServer({ requirepass: 'pw' });
  });
  after(async () => {
    await secured.close();
  });

  test('password in the URL authenticates (HELLO 3 AUTH default pw)', async () => {
    const r = ioredis(`redis://:pw@127.0.0.1:${secured.port}`);
    try {
      await r.connect();
      assert.equal(await r.set('io:auth', 'ok'), 'OK');
      assert.equal(await r.get('io:auth'), 'ok');
    } finally {
      r.disconnect();
    }
  });

  /** Connect and report the error ioredis emitted; the connection must not become ready. */
  async function failedConnection(r: Redis): Promise<string> {
    const errors: string[] = [];
    r.on('error', (e: Error) => errors.push(e.message));
    try {
      await assert.rejects(r.connect());
      assert.notEqual(r.status, 'ready');
    } finally {
      r.disconnect();
    }
    assert.ok(errors.length > 0, 'no error surfaced');
    return errors[0] as string;
  }

  test('a wrong password fails with WRONGPASS', async () => {
    const err = await failedConnection(ioredis(`redis://:nope@127.0.0.1:${secured.port}`));
    assert.equal(err, 'WRONGPASS invalid username-password pair or user is disabled.');
  });

  test('no password: the handshake fails with NOAUTH', async () => {
    const err = await failedConnection(ioredis(secured.port));
    assert.match(err, /^NOAUTH HELLO must be called with the client already authenticated/);
  });
});

describe('node-redis', () => {
  for (const resp of [3, 2] as const) {
    test(`RESP${resp}: connects and runs the basics`, async () => {
      const c = createClient({ url: srv.url, RESP: resp });
      c.on('error', () => {});
      await c.connect();
      try {
        assert.equal(await c.ping(), 'PONG');
        assert.equal(await c.set(`nr${resp}:k`, 'v'), 'OK');
        assert.equal(await c.get(`nr${resp}:k`), 'v');
        assert.equal(await c.get(`nr${resp}:missing`), null);
        assert.equal(await c.incr(`nr${resp}:n`), 1);
        assert.equal(await c.expire(`nr${resp}:k`, 100), 1);
        const ttl = await c.ttl(`nr${resp}:k`);
        assert.ok(ttl > 95 && ttl <= 100, `ttl ${ttl}`);
        assert.equal(await c.mSet([`nr${resp}:a`, '1', `nr${resp}:b`, '2']), 'OK');
        assert.deepEqual(await c.mGet([`nr${resp}:a`, `nr${resp}:b`, `nr${resp}:missing`]), ['1', '2', null]);
        assert.equal(await c.del([`nr${resp}:a`, `nr${resp}:b`]), 2);
        assert.equal(await c.sendCommand(['ECHO', 'raw']), 'raw');
        assert.equal(await c.sendCommand(['CLIENT', 'GETNAME']), null);
        await assert.rejects(c.sendCommand(['NOSUCHCOMMAND']), /ERR unknown command 'NOSUCHCOMMAND'/);
      } finally {
        c.destroy();
      }
    });

    test(`RESP${resp}: 1000 concurrent commands are pipelined`, async () => {
      const c = createClient({ url: srv.url, RESP: resp });
      c.on('error', () => {});
      await c.connect();
      try {
        const sets: Promise<unknown>[] = [];
        for (let i = 0; i < 500; i++) sets.push(c.set(`nr${resp}:p:${i}`, String(i)));
        const gets: Promise<string | null>[] = [];
        for (let i = 0; i < 500; i++) gets.push(c.get(`nr${resp}:p:${i}`));
        assert.deepEqual(await Promise.all(sets), new Array(500).fill('OK'));
        const got = await Promise.all(gets);
        for (let i = 0; i < 500; i++) assert.equal(got[i], String(i));
        const res = await c.multi().set(`nr${resp}:pl`, 'x').get(`nr${resp}:pl`).execAsPipeline();
        assert.deepEqual(res, ['OK', 'x']);
      } finally {
        c.destroy();
      }
    });

    test(`RESP${resp}: binary values as Buffers`, async () => {
      const c = createClient({ url: srv.url, RESP: resp });
      c.on('error', () => {});
      await c.connect();
      try {
        const key = Buffer.from([0x00, 0x0d, 0x0a, 0xff]);
        const value = bytes256();
        assert.equal(await c.set(key, value), 'OK');
        const got = await c.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer }).get(key);
        assert.ok(Buffer.isBuffer(got));
        assert.deepEqual(got, value);
      } finally {
        c.destroy();
      }
    });
  }

  test('default client (RESP3, HELLO 3) with a database URL', async () => {
    const c = createClient({ url: `${srv.url}/5` });
    c.on('error', () => {});
    await c.connect();
    const check = await srv.client();
    try {
      await c.set('nr:db5', 'five');
      await check.call('SELECT', '5');
      assert.equal(await check.call('GET', 'nr:db5'), 'five');
      // HELLO with no version answers in the connection's protocol: a RESP3 map here, not an array.
      const hello = await c.sendCommand(['HELLO']);
      assert.ok(typeof hello === 'object' && hello !== null && !Array.isArray(hello), `HELLO reply ${JSON.stringify(hello)}`);
      const proto = hello instanceof Map ? hello.get('proto') : (hello as unknown as Record<string, unknown>)['proto'];
      assert.equal(proto, 3);
    } finally {
      c.destroy();
    }
  });

  test('MULTI/EXEC', async () => {
    const c = createClient({ url: srv.url });
    c.on('error', () => {});
    await c.connect();
    try {
      assert.deepEqual(await c.multi().set('nr:m', '1').incr('nr:m').get('nr:m').exec(), ['OK', 2, '2']);
    } finally {
      c.destroy();
    }
  });

  test('password in the URL, and WRONGPASS for a wrong one', async () => {
    const secured = await startTestServer({ requirepass: 'pw' });
    try {
      for (const resp of [3, 2] as const) {
        const ok = createClient({ url: `redis://:pw@127.0.0.1:${secured.port}`, RESP: resp });
        ok.on('error', () => {});
        await ok.connect();
        assert.equal(await ok.set('nr:auth', 'ok'), 'OK');
        ok.destroy();
        const bad = createClient({ url: `redis://:nope@127.0.0.1:${secured.port}`, RESP: resp, socket: { reconnectStrategy: false } });
        bad.on('error', () => {});
        await assert.rejects(bad.connect(), /WRONGPASS invalid username-password pair or user is disabled\./);
        if (bad.isOpen) bad.destroy();
      }
    } finally {
      await secured.close();
    }
  });
});
