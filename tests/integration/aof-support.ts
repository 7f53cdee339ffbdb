/**
 * Helpers for the AOF tests (aof*.test.ts), after Redis's tests/support/aofmanifest.tcl and
 * util.tcl: commands in AOF form, AOF directories built by hand, servers started on them
 * (embedded, or the binary as a child process), complete dumps of a dataset to compare two
 * servers, and waits on INFO fields.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RespClient, ReplyError, startTestServer, type Reply, type TestServer } from '../helpers/server.js';
import type { StartOptions } from '../../src/index.js';

export const ROOT = path.resolve(import.meta.dirname, '../../..');
export const BIN = path.join(ROOT, 'bin', 'cinnabar');

/** A command as the AOF holds it (Redis's formatCommand). */
export function formatCommand(...args: (string | number | Buffer)[]): string {
  let s = `*${args.length}\r\n`;
  for (const a of args) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a), 'latin1');
    s += `$${b.length}\r\n${b.toString('latin1')}\r\n`;
  }
  return s;
}

export function tempDir(prefix = 'aof-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** Write files (latin1 text) into dir/appendonlydir, creating it; `manifest` as given. */
export function createAofDir(dir: string, files: Record<string, string>, manifest?: string, dirname = 'appendonlydir'): string {
  const aofDir = path.join(dir, dirname);
  mkdirSync(aofDir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(aofDir, name), text, 'latin1');
  if (manifest !== undefined) writeFileSync(path.join(aofDir, 'appendonly.aof.manifest'), manifest, 'latin1');
  return aofDir;
}

/** The manifest's lines (trimmed, without empty ones). */
export function manifestLines(dir: string, filename = 'appendonly.aof', dirname = 'appendonlydir'): string[] {
  return readFileSync(path.join(dir, dirname, `${filename}.manifest`), 'latin1')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** The INCR file commands go to now (the last one listed). */
export function lastIncrPath(dir: string, filename = 'appendonly.aof'): string {
  const incrs = manifestLines(dir, filename).filter((l) => l.endsWith('type i'));
  const last = incrs[incrs.length - 1];
  assert.ok(last !== undefined, 'no INCR file in the manifest');
  return path.join(dir, 'appendonlydir', (last.split(' ')[1] as string).replace(/^"|"$/g, ''));
}

export function fileExists(dir: string, name: string): boolean {
  return existsSync(path.join(dir, name));
}

/** Start an embedded server with the AOF on in `dir`, logging to dir/log.txt. Rejects when it refuses to start. */
export function startAof(dir: string, opts: StartOptions = {}): Promise<TestServer> {
  return startTestServer({ dir, appendonly: 'yes', 'auto-aof-rewrite-percentage': 0, log: true, logfile: path.join(dir, 'log.txt'), ...opts });
}

export function logText(dir: string): string {
  return existsSync(path.join(dir, 'log.txt')) ? readFileSync(path.join(dir, 'log.txt'), 'latin1') : '';
}

export function countLogLines(dir: string, needle: string): number {
  return logText(dir)
    .split('\n')
    .filter((l) => l.includes(needle)).length;
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** Poll until cond() holds (up to timeoutMs). */
export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 10000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** One field of INFO persistence. */
export async function infoField(c: RespClient, field: string): Promise<string> {
  const text = (await c.call('INFO', 'persistence')) as string;
  const m = new RegExp(`^${field}:(.*)$`, 'm').exec(text);
  return m === null ? '' : (m[1] as string).trim();
}

/** waitForBgrewriteaof: until no rewrite runs (nor is scheduled). */
export async function waitForRewrite(c: RespClient): Promise<void> {
  await waitFor(async () => (await infoField(c, 'aof_rewrite_in_progress')) === '0' && (await infoField(c, 'aof_rewrite_scheduled')) === '0', 20000, 'the AOF rewrite');
}

// ---- a complete dump of a dataset, to compare servers ----------------------------------------

function pairsToMap(r: Reply): Map<string, Reply> {
  const m = new Map<string, Reply>();
  if (r instanceof Map) {
    for (const [k, v] of r) m.set(String(k), v);
    return m;
  }
  const a = r as Reply[];
  for (let i = 0; i + 1 < a.length; i += 2) m.set(String(a[i]), a[i + 1] as Reply);
  return m;
}

/** Stream state that must survive a reload: entries, counters, groups, consumers and PELs. */
async function dumpStream(c: RespClient, key: string): Promise<unknown> {
  const full = pairsToMap(await c.call('XINFO', 'STREAM', key, 'FULL'));
  const groups = ((full.get('groups') as Reply[] | undefined) ?? []).map((g) => {
    const gm = pairsToMap(g);
    const consumers = ((gm.get('consumers') as Reply[] | undefined) ?? []).map((cr) => {
      const cm = pairsToMap(cr);
      return { name: cm.get('name'), pending: cm.get('pending') };
    });
    return { name: gm.get('name'), lastId: gm.get('last-delivered-id'), entriesRead: gm.get('entries-read'), pel: gm.get('pending'), consumers };
  });
  return {
    entries: await c.call('XRANGE', key, '-', '+'),
    length: full.get('length'),
    lastId: full.get('last-generated-id'),
    maxDeleted: full.get('max-deleted-entry-id'),
    entriesAdded: full.get('entries-added'),
    groups,
  };
}

/** Every key of every database with its type, value and absolute expire time. */
export async function dumpAll(c: RespClient, databases = 16): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (let db = 0; db < databases; db++) {
    await c.call('SELECT', db);
    const keys: string[] = [];
    let cursor = '0';
    do {
      const r = (await c.call('SCAN', cursor, 'COUNT', 1000)) as [string, string[]];
      cursor = r[0];
      keys.push(...r[1]);
    } while (cursor !== '0');
    keys.sort();
    for (const key of keys) {
      const type = ((await c.call('TYPE', key)) as { status: string }).status;
      let value: unknown;
      switch (type) {
        case 'string':
          value = await c.call('GET', key);
          break;
        case 'list':
          value = await c.call('LRANGE', key, 0, -1);
          break;
        case 'set':
          value = ((await c.call('SMEMBERS', key)) as string[]).sort();
          break;
        case 'zset':
          value = await c.call('ZRANGE', key, 0, -1, 'WITHSCORES');
          break;
        case 'hash': {
          const h = pairsToMap(await c.call('HGETALL', key));
          value = [...h.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
          break;
        }
        case 'stream':
          value = await dumpStream(c, key);
          break;
        default:
          value = `<${type}>`;
      }
      out[`${db}:${key}`] = { type, value, expire: await c.call('PEXPIRETIME', key) };
    }
  }
  await c.call('SELECT', 0);
  return out;
}

// ---- the binary as a child process -------------------------------------------------------------

export function freePort(): Promise<number> {
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

export interface Child {
  readonly proc: ChildProcess;
  readonly port: number;
  /** What it printed (its log, with no logfile). */
  output(): string;
  /** Resolves with the exit code (or signal) once it has exited. */
  readonly exited: Promise<number | string>;
  client(): Promise<RespClient>;
  /** SIGKILL (by pid) and wait. */
  kill(signal?: NodeJS.Signals): Promise<number | string>;
}

/**
 * Run a server binary (bin/cinnabar or redis-server) on a free port bound to 127.0.0.1, in
 * `dir`; resolves once it accepts connections (or rejects if it exits first).
 */
export async function startChild(bin: string, dir: string, args: string[]): Promise<Child> {
  const port = await freePort();
  const proc = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString('latin1')));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString('latin1')));
  const exited = new Promise<number | string>((resolve) => proc.once('exit', (code, sig) => resolve(code ?? sig ?? -1)));
  let gone = false;
  void exited.then(() => (gone = true));
  const clients: RespClient[] = [];
  const child: Child = {
    proc,
    port,
    output: () => out,
    exited,
    async client() {
      const c = await RespClient.connect(port);
      clients.push(c);
      return c;
    },
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      for (const c of clients) c.close();
      if (!gone && proc.pid !== undefined) process.kill(proc.pid, signal);
      return exited;
    },
  };
  for (let i = 0; ; i++) {
    if (gone) throw new Error(`${bin} exited before accepting connections:\n${out}`);
    try {
      const c = await RespClient.connect(port);
      // Still loading? Wait for a real answer.
      const r = await c.call('PING');
      c.close();
      if (!(r instanceof ReplyError)) break;
    } catch {
      // not listening yet
    }
    if (i > 400) {
      await child.kill();
      throw new Error(`${bin} did not start:\n${out}`);
    }
    await sleep(25);
  }
  return child;
}

/** Run the binary until it exits (a server that refuses to start); resolves with code and output. */
export async function runToExit(bin: string, dir: string, args: string[], timeoutMs = 15000): Promise<{ code: number | string; output: string }> {
  const port = await freePort();
  const proc = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString('latin1')));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString('latin1')));
  const timer = setTimeout(() => {
    if (proc.pid !== undefined && proc.exitCode === null) process.kill(proc.pid, 'SIGKILL');
  }, timeoutMs);
  const code = await new Promise<number | string>((resolve) => proc.once('exit', (c, s) => resolve(c ?? s ?? -1)));
  clearTimeout(timer);
  return { code, output: out };
}

/** deepEqual of two dumps, reporting the differing keys one by one (readable with binary keys). */
export function assertSameData(got: Record<string, unknown>, expected: Record<string, unknown>): void {
  const problems: string[] = [];
  const keys = new Set([...Object.keys(got), ...Object.keys(expected)]);
  for (const k of keys) {
    const a = JSON.stringify(got[k]);
    const b = JSON.stringify(expected[k]);
    if (a === b) continue;
    // Where they part, with some context either side.
    let i = 0;
    while (a !== undefined && b !== undefined && i < a.length && a[i] === b[i]) i++;
    const from = Math.max(0, i - 80);
    problems.push(`${JSON.stringify(k)} differs at ${i}:\n  got      …${a?.slice(from, i + 120)}\n  expected …${b?.slice(from, i + 120)}`);
  }
  assert.deepEqual(problems, [], problems.join('\n'));
}
