/**
 * Test fixtures: an in-process Cinnabar on port 0, clients for it, reply assertions, and the
 * real redis-server 7.0 as an oracle where a test compares behaviour.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer, type StartOptions } from '../../src/index.js';
import { globMatch } from '../../src/util/glob.js';
import { ReplyError, RespClient, type Reply } from './resp-client.js';

export { ReplyError, RespClient, type Reply };

export interface TestServer extends RunningServer {
  /** A new connected client; closed automatically by close(). */
  client(): Promise<RespClient>;
}

/**
 * Start an embedded server on a free port. Call close() in an after() hook. Save points are
 * off (`save ""`) unless the test passes its own, so no test writes dump.rdb behind its back.
 */
export async function startTestServer(opts: StartOptions = {}): Promise<TestServer> {
  const srv = await startServer({ port: 0, save: '', ...opts });
  const clients: RespClient[] = [];
  return {
    host: srv.host,
    port: srv.port,
    url: srv.url,
    async client() {
      const c = await RespClient.connect(srv.port);
      clients.push(c);
      return c;
    },
    async close() {
      for (const c of clients) c.close();
      await srv.close();
    },
  };
}

/** Assert that a reply is an error whose text matches a Redis-style glob ('WRONGTYPE*'). */
export function assertError(reply: Reply, pattern: string): void {
  assert.ok(reply instanceof ReplyError, `expected an error matching ${pattern}, got ${inspectReply(reply)}`);
  assert.ok(globMatch(pattern, reply.message), `error '${reply.message}' does not match '${pattern}'`);
}

export const OK: Reply = { status: 'OK' };

export function inspectReply(r: Reply): string {
  if (r instanceof ReplyError) return `ReplyError(${r.message})`;
  return JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Map ? [...v] : v));
}

/** Is Debian's redis-server available (scripts/install-test-deps.sh installs it)? */
export function haveRedisServer(): boolean {
  return spawnSync('redis-server', ['--version']).status === 0;
}

export interface Oracle {
  port: number;
  client(): Promise<RespClient>;
  close(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** Start the real redis-server 7.0 on loopback (no persistence) for comparison tests. */
export async function startOracle(args: string[] = []): Promise<Oracle> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'oracle-'));
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...args], {
    stdio: 'ignore',
  });
  const clients: RespClient[] = [];
  for (let i = 0; i < 100; i++) {
    try {
      const c = await RespClient.connect(port);
      c.close();
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    port,
    async client() {
      const c = await RespClient.connect(port);
      clients.push(c);
      return c;
    },
    async close() {
      for (const c of clients) c.close();
      if (child.pid !== undefined && child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        process.kill(child.pid, 'SIGKILL');
        await exited;
      }
    },
  };
}
