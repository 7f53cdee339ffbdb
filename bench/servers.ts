/**
 * Benchmark fixtures: the two servers under test as separate OS processes, and what the
 * benchmark reads about them from /proc (CPU ticks, resident memory).
 *
 * Every child this module (or runChild) starts is recorded in `children`, so the bench can
 * stop exactly the processes it started, by pid, on success, on error and on SIGINT. Nothing
 * here ever signals a process it did not spawn, and servers listen on 127.0.0.1 only.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RespClient, type Reply } from '../tests/helpers/resp-client.js';

export type ServerKind = 'redis' | 'cinnabar';

/** Every live child of the bench (servers and redis-benchmark runs), by pid. */
const children = new Map<number, ChildProcess>();

export function track(child: ChildProcess): void {
  const pid = child.pid;
  if (pid === undefined) return;
  children.set(pid, child);
  child.once('exit', () => children.delete(pid));
}

/** Synchronous last resort (process 'exit' handler): SIGKILL whatever we started and is alive. */
export function killAllChildrenSync(): void {
  for (const [pid, child] of children) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  children.clear();
}

export const CLK_TCK = ((): number => {
  const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const n = Number(r.stdout.trim());
  return Number.isFinite(n) && n > 0 ? n : 100;
})();

/** utime + stime of a process (all its threads), in clock ticks. */
export function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  // The command name (field 2) may contain spaces; fields after it start past the last ')'.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state), so utime (field 14) is rest[11] and stime (15) rest[12].
  return Number(rest[11]) + Number(rest[12]);
}

/** VmRSS in bytes. */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'latin1');
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) * 1024;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One RESP call with a deadline, on a short-lived connection. */
export async function callOnce(port: number, args: readonly (string | number)[], timeoutMs = 10_000): Promise<Reply> {
  const c = await RespClient.connect(port);
  try {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timeout waiting for ${args[0]} on port ${port}`)), timeoutMs);
    });
    try {
      return await Promise.race([c.call(...args), timeout]);
    } finally {
      clearTimeout(timer);
    }
  } finally {
    c.close();
  }
}

/** Where the repository and the compiled Cinnabar live, relative to this compiled file. */
export interface CinnabarLaunch {
  repoRoot: string;
  /** The script node runs: bin/cinnabar, or this build's launcher when built elsewhere. */
  script: string;
  description: string;
}

export function cinnabarLaunch(): CinnabarLaunch {
  // This file compiles to <distRoot>/bench/servers.js.
  const distRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const repoRoot = process.cwd();
  const bin = path.join(repoRoot, 'bin', 'cinnabar');
  if (!existsSync(bin)) throw new Error(`run the bench from the repository root (no ${bin})`);
  if (distRoot === path.join(repoRoot, 'dist')) return { repoRoot, script: bin, description: 'node bin/cinnabar (dist/)' };
  // Built into another directory (a private tsc --outDir): run the server compiled alongside
  // the bench, not whatever happens to be in the repository's dist/.
  const launcher = path.join(distRoot, 'bench', 'launch-cinnabar.js');
  return { repoRoot, script: launcher, description: `node ${launcher} (build at ${distRoot})` };
}

/** The node flags bin/cinnabar's shebang line gives the server (`#!/usr/bin/env -S node ...`). */
function binNodeFlags(repoRoot: string): string[] {
  const first = readFileSync(path.join(repoRoot, 'bin', 'cinnabar'), 'utf8').split('\n', 1)[0] ?? '';
  const m = /^#!\S*env -S node\s*(.*)$/.exec(first);
  return m && m[1] ? m[1].trim().split(/\s+/) : [];
}

export interface StartOpts {
  /** Extra node flags for Cinnabar (e.g. --cpu-prof). */
  nodeFlags?: readonly string[];
}

/** Servers started and not yet stopped, so every exit path can stop them. */
const liveServers = new Set<ServerProcess>();

export async function stopAllServers(): Promise<void> {
  await Promise.all([...liveServers].map((s) => s.stop()));
}

/** A server under test, running as its own process on a loopback port. */
export class ServerProcess {
  readonly kind: ServerKind;
  readonly port: number;
  readonly child: ChildProcess;
  /** The server's own empty working directory (--dir), removed when it stops. */
  readonly dir: string;
  private stderrTail = '';
  private readonly exitPromise: Promise<void>;

  private constructor(kind: ServerKind, port: number, child: ChildProcess, dir: string) {
    this.kind = kind;
    this.port = port;
    this.child = child;
    this.dir = dir;
    const keep = (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString('latin1')).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exitPromise = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  get pid(): number {
    const pid = this.child.pid;
    if (pid === undefined) throw new Error(`${this.kind} has no pid`);
    return pid;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last lines the server wrote, for error messages. */
  get output(): string {
    return this.stderrTail;
  }

  cpuTicks(): number {
    return cpuTicks(this.pid);
  }

  rss(): number {
    return rssBytes(this.pid);
  }

  assertAlive(): void {
    if (!this.alive) throw new Error(`${this.kind} (pid ${this.child.pid}) exited (${this.child.exitCode ?? this.child.signalCode}); last output:\n${this.output}`);
  }

  /** SIGTERM (lets Cinnabar flush a --cpu-prof profile), then SIGKILL after a grace period. */
  async stop(graceMs = 5000): Promise<void> {
    liveServers.delete(this);
    await this.terminate(graceMs);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async terminate(graceMs: number): Promise<void> {
    if (!this.alive) return;
    const pid = this.pid;
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      return;
    }
    const timedOut = await Promise.race([this.exitPromise.then(() => false), sleep(graceMs).then(() => true)]);
    if (timedOut && this.alive) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // exited in between
      }
      await Promise.race([this.exitPromise, sleep(2000)]);
    }
  }

  static async start(kind: ServerKind, opts: StartOpts = {}): Promise<ServerProcess> {
    // A port picked by listen(0) can be taken by another process before the server binds it;
    // the server then exits (or answers from someone else's pid), so check and retry.
    let lastErr: Error | null = null;
    for (let attempt = 0; attempt < 4; attempt++) {
      const port = await freePort();
      const sp = spawnServer(kind, port, opts);
      liveServers.add(sp);
      try {
        await sp.waitReady();
        return sp;
      } catch (err) {
        lastErr = err as Error;
        await sp.stop(1000);
      }
    }
    throw lastErr ?? new Error(`could not start ${kind}`);
  }

  private async waitReady(): Promise<void> {
    const deadline = Date.now() + 20_000;
    let ready = false;
    while (!ready && Date.now() < deadline) {
      this.assertAlive();
      try {
        const r = await callOnce(this.port, ['PING'], 2000);
        ready = typeof r === 'object' && r !== null && 'status' in r && r.status === 'PONG';
      } catch {
        // not listening yet
      }
      if (!ready) await sleep(50);
    }
    if (!ready) throw new Error(`${this.kind} did not answer PING within 20 s; output:\n${this.output}`);
    // Make sure the process answering is ours, not another program that grabbed the port.
    const info = await callOnce(this.port, ['INFO', 'server']);
    const m = typeof info === 'string' ? /process_id:(\d+)/.exec(info) : null;
    if (m && Number(m[1]) !== this.pid) throw new Error(`port ${this.port} is served by pid ${m[1]}, not our ${this.kind} (pid ${this.pid})`);
    this.assertAlive();
  }

  static create(kind: ServerKind, port: number, child: ChildProcess, dir: string): ServerProcess {
    return new ServerProcess(kind, port, child, dir);
  }
}

function spawnServer(kind: ServerKind, port: number, opts: StartOpts): ServerProcess {
  // An empty --dir of its own: a server started elsewhere would load any dump.rdb lying in its
  // working directory (even with --save ""), and that data would skew every measurement.
  const dir = mkdtempSync(path.join(os.tmpdir(), `cinnabar-bench-${kind}-`));
  const common = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  let child: ChildProcess;
  if (kind === 'redis') {
    child = spawn('redis-server', common, { stdio: ['ignore', 'pipe', 'pipe'] });
  } else {
    const launch = cinnabarLaunch();
    // The server chdirs to --dir, and a build outside the repository (tsc --outDir) has no
    // build/lua.wasm beside it: name the repository's engine explicitly.
    const luaWasm = path.join(launch.repoRoot, 'build', 'lua.wasm');
    child = spawn(process.execPath, [...binNodeFlags(launch.repoRoot), ...(opts.nodeFlags ?? []), launch.script, ...common], {
      cwd: launch.repoRoot,
      env: { CINNABAR_LUA_WASM: luaWasm, ...process.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }
  if (child.pid === undefined) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`could not spawn ${kind}`);
  }
  track(child);
  return ServerProcess.create(kind, port, child, dir);
}

export function redisVersion(): string {
  const r = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  return (/v=(\S+)/.exec(r.stdout) ?? [])[1] ?? 'unknown';
}
