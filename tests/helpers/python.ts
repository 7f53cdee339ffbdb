/**
 * Fixtures for the Python client tests (Celery, RQ, channels-redis): find a Python 3 that has
 * Debian's client packages, run the small programs of tests/integration/python/ against an
 * in-process Cinnabar, keep long-running workers as child processes stopped by pid, and read
 * back which commands Cinnabar refused (INFO errorstats / commandstats stand in for MONITOR).
 *
 * Debian's python3-* packages live in /usr/lib/python3/dist-packages and belong to
 * /usr/bin/python3; the first `python3` on PATH may be another interpreter (pyenv here), so
 * /usr/bin/python3 is tried first. PYTHON in the environment overrides both.
 * Children are spawned asynchronously: the server under test runs on this process's event
 * loop, so a synchronous wait would deadlock it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { startTestServer, type TestServer } from './server.js';
import { ReplyError, type Reply } from './resp-client.js';

/** The directory of the Python programs; tests also run from a build outside the checkout. */
export const PYTHON_DIR = ((): string => {
  const candidates = [
    path.resolve(import.meta.dirname, '../../../tests/integration/python'),
    path.resolve(process.cwd(), 'tests/integration/python'),
  ];
  return candidates.find((d) => existsSync(path.join(d, 'celery_app.py'))) ?? (candidates[0] as string);
})();

export type PythonProbe = { python: string; skip: false } | { python: null; skip: string };

/**
 * A Python 3 that can import every module in `modules`, or the reason to skip: which Debian
 * packages (`packages`) are missing. The reason names the script that installs them.
 */
export function findPython(modules: readonly string[], packages: readonly string[]): PythonProbe {
  const candidates = [process.env['PYTHON'], '/usr/bin/python3', 'python3'].filter((p): p is string => !!p);
  let sawPython = false;
  for (const python of candidates) {
    const r = spawnSync(python, ['-c', `import ${modules.join(', ')}`], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
    if (r.error) continue;
    sawPython = true;
    if (r.status === 0) return { python, skip: false };
  }
  if (!sawPython) return { python: null, skip: 'Python 3 is not installed' };
  if (!existsSync(PYTHON_DIR)) return { python: null, skip: `the Python test programs are not at ${PYTHON_DIR}` };
  return {
    python: null,
    skip: `Debian's ${packages.join(', ')} not installed (scripts/install-test-deps.sh installs them)`,
  };
}

/**
 * Whether Cinnabar implements `command` (COMMAND INFO answers a null entry for unknown ones).
 * Tests of clients that need Lua gate on this so they start running once scripting lands.
 */
export async function serverHasCommand(command: string): Promise<boolean> {
  const srv = await startTestServer();
  try {
    const c = await srv.client();
    const r = await c.call('COMMAND', 'INFO', command);
    return Array.isArray(r) && Array.isArray(r[0]);
  } finally {
    await srv.close();
  }
}

function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  // No .pyc files in the checkout; unbuffered so worker logs arrive as they happen.
  return { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1', ...extra };
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run a Python program from PYTHON_DIR to completion; killed (by pid) after `timeoutMs`. */
export function runPython(python: string, args: readonly string[], env: Record<string, string>, timeoutMs = 60_000): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, args, { cwd: PYTHON_DIR, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${timeoutMs} ms]`;
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Run a program that prints one JSON object as its last stdout line; fail with its stderr. */
export async function runPythonJson(python: string, args: readonly string[], env: Record<string, string>, timeoutMs?: number): Promise<Record<string, unknown>> {
  const r = await runPython(python, args, env, timeoutMs);
  const last = r.stdout.trim().split('\n').pop() ?? '';
  if (r.code !== 0 || !last.startsWith('{')) {
    throw new Error(`python3 ${args.join(' ')} exited ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr.slice(-6000)}`);
  }
  return JSON.parse(last) as Record<string, unknown>;
}

export interface Worker {
  readonly child: ChildProcess;
  /** Everything the worker printed so far (stdout and stderr). */
  output(): string;
  /** SIGTERM (warm shutdown), then SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** Start a long-running Python process and resolve once its output matches `ready`. */
export function startWorker(python: string, args: readonly string[], env: Record<string, string>, ready: RegExp, timeoutMs = 60_000): Promise<Worker> {
  const child = spawn(python, args, { cwd: PYTHON_DIR, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const worker: Worker = {
    child,
    output: () => out,
    async stop(graceMs = 15_000) {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      process.kill(child.pid, 'SIGTERM');
      const timer = setTimeout(() => {
        if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
      }, graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void worker.stop(0).then(() => reject(new Error(`worker not ready after ${timeoutMs} ms:\n${out.slice(-6000)}`)));
    }, timeoutMs);
    const onData = (d: Buffer): void => {
      out += d.toString('utf8');
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve(worker);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`worker exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${out.slice(-6000)}`));
    });
  });
}

/**
 * The errors Cinnabar sent back, from INFO errorstats ('ERR' → count), and the commands that
 * failed, from INFO commandstats ('evalsha' → failed_calls): a client that swallows an error
 * (an unknown command, say) still shows up here. NOSCRIPT answers to EVALSHA are left out:
 * they are how redis-py learns to SCRIPT LOAD, not a gap.
 */
export async function refusedCommands(srv: TestServer, password?: string): Promise<{ errors: Record<string, number>; failed: Record<string, number> }> {
  const c = await srv.client();
  if (password !== undefined) await c.call('AUTH', password);
  const text = (r: Reply): string => {
    if (typeof r !== 'string') throw new Error(`INFO answered ${r instanceof ReplyError ? r.message : JSON.stringify(r)}`);
    return r;
  };
  const errors: Record<string, number> = {};
  for (const m of text(await c.call('INFO', 'errorstats')).matchAll(/^errorstat_([^:]+):count=(\d+)/gm)) {
    errors[m[1] as string] = Number(m[2]);
  }
  const failed: Record<string, number> = {};
  for (const m of text(await c.call('INFO', 'commandstats')).matchAll(/^cmdstat_([^:]+):.*?failed_calls=(\d+)/gm)) {
    if (m[2] !== '0') failed[m[1] as string] = Number(m[2]);
  }
  c.close();
  const noscript = errors['NOSCRIPT'] ?? 0;
  delete errors['NOSCRIPT'];
  if (failed['evalsha'] !== undefined) failed['evalsha'] -= noscript;
  if (failed['evalsha'] === 0) delete failed['evalsha'];
  return { errors, failed };
}
