/**
 * Packaging: `npm pack` the project, install the tarball offline into a fresh project (the
 * package has no runtime dependencies), and use it the two ways users do — the `cinnabar`
 * binary and `import { startServer } from 'cinnabar'`, typed declarations included.
 *
 * The tarball is packed from a staging copy of the package (package.json, bin/, docs, and the
 * compiled dist/src this very test run was built with), so the test does not depend on, or
 * write to, the checkout's own dist/ (parallel builds use their own output directories).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RespClient } from '../helpers/resp-client.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** The compiled tree this test belongs to: <outDir>/tests/integration → <outDir>. */
const OUT_DIR = path.resolve(HERE, '../..');

function isProjectRoot(dir: string): boolean {
  const pj = path.join(dir, 'package.json');
  if (!existsSync(pj)) return false;
  return (JSON.parse(readFileSync(pj, 'utf8')) as { name?: string }).name === 'cinnabar';
}

/** The checkout: above the default outDir (dist/), or the working directory for other outDirs. */
function projectRoot(): string {
  for (const dir of [path.resolve(OUT_DIR, '..'), process.cwd()]) if (isProjectRoot(dir)) return dir;
  throw new Error('cannot find the cinnabar checkout (run the test from the project directory)');
}

function run(cmd: string, args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, npm_config_update_notifier: 'false' } });
  if (r.error) throw r.error;
  if (r.status !== 0) assert.fail(`${cmd} ${args.join(' ')} exited with ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r;
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

interface PackResult {
  filename: string;
  files: { path: string }[];
}

let work: string;
let tarball: string;
let packed: PackResult;
let consumer: string;

before(() => {
  const root = projectRoot();
  work = mkdtempSync(path.join(tmpdir(), 'cinnabar-pack-'));
  const stage = path.join(work, 'stage');
  cpSync(path.join(root, 'package.json'), path.join(stage, 'package.json'));
  cpSync(path.join(root, 'bin'), path.join(stage, 'bin'), { recursive: true });
  for (const extra of ['README.md', 'LICENSE', 'docs']) {
    if (existsSync(path.join(root, extra))) cpSync(path.join(root, extra), path.join(stage, extra), { recursive: true });
  }
  assert.ok(existsSync(path.join(OUT_DIR, 'src', 'index.js')), `no compiled sources in ${OUT_DIR}`);
  cpSync(path.join(OUT_DIR, 'src'), path.join(stage, 'dist', 'src'), { recursive: true });
  // --ignore-scripts: `prepare` would rebuild into the stage; it holds the build already.
  const r = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], stage);
  packed = (JSON.parse(r.stdout) as PackResult[])[0] as PackResult;
  tarball = path.join(work, packed.filename);
  consumer = path.join(work, 'consumer');
  mkdirSync(consumer);
  writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'cinnabar-consumer', version: '1.0.0', private: true, type: 'module' }));
  run('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], consumer);
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

test('the tarball holds the compiled sources, typed declarations and the binary, and nothing else', () => {
  const files = packed.files.map((f) => f.path).sort();
  for (const f of ['package.json', 'bin/cinnabar', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/main.js']) {
    assert.ok(files.includes(f), `${f} missing from the tarball`);
  }
  assert.deepEqual(
    files.filter((f) => f.endsWith('.test.js') || f.endsWith('.test.d.ts') || f.endsWith('.map') || f.startsWith('tests/') || f.startsWith('src/') || f.endsWith('.ts') && !f.endsWith('.d.ts')),
    [],
  );
  const pj = JSON.parse(readFileSync(path.join(consumer, 'node_modules', 'cinnabar', 'package.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(pj.dependencies, undefined, 'the package must install without runtime dependencies');
  assert.deepEqual(pj.exports, { '.': { types: './dist/src/index.d.ts', import: './dist/src/index.js' }, './package.json': './package.json' });
});

test('npx cinnabar --version', () => {
  const r = run('npx', ['--no', '--', 'cinnabar', '--version'], consumer);
  assert.match(r.stdout, /^Cinnabar server v=\S+ .*\n$/);
  const version = (JSON.parse(readFileSync(path.join(consumer, 'node_modules', 'cinnabar', 'package.json'), 'utf8')) as { version: string }).version;
  assert.ok(r.stdout.includes(version), `the version line does not name the package version ${version}: ${r.stdout}`);
});

test('the installed binary starts with --port and answers PING', async () => {
  const port = await freePort();
  const bin = path.join(consumer, 'node_modules', '.bin', 'cinnabar');
  const child = spawn(bin, ['--port', String(port), '--save', ''], { cwd: consumer, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    let c: RespClient | null = null;
    for (let i = 0; i < 200 && c === null; i++) {
      c = await RespClient.connect(port).catch(() => null);
      if (c === null) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(c, `the server did not start:\n${output}`);
    assert.deepEqual(await c.call('PING'), { status: 'PONG' });
    assert.deepEqual(await c.call('SET', 'k', 'v'), { status: 'OK' });
    assert.equal(await c.call('GET', 'k'), 'v');
    c.close();
  } finally {
    if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
  }
  assert.equal(await exited, 0, output);
  assert.match(output, /Ready to accept connections/);
});

test("import { startServer } from 'cinnabar' works from the installed package", () => {
  writeFileSync(
    path.join(consumer, 'use.mjs'),
    [
      "import { startServer } from 'cinnabar';",
      "import net from 'node:net';",
      'const srv = await startServer({ port: 0 });',
      "const reply = await new Promise((resolve, reject) => {",
      "  const s = net.connect(srv.port, '127.0.0.1', () => s.write('PING\\r\\n'));",
      "  s.once('data', (d) => { resolve(d.toString()); s.destroy(); });",
      "  s.once('error', reject);",
      '});',
      'await srv.close();',
      'process.stdout.write(JSON.stringify({ url: srv.url.replace(/\\d+$/, "PORT"), reply }));',
    ].join('\n'),
  );
  const r = run(process.execPath, ['use.mjs'], consumer);
  assert.deepEqual(JSON.parse(r.stdout), { url: 'redis://127.0.0.1:PORT', reply: '+PONG\r\n' });
});

test('the typed declarations resolve for a TypeScript consumer', () => {
  const root = projectRoot();
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  writeFileSync(
    path.join(consumer, 'use.ts'),
    [
      "import { startServer, type RunningServer, type StartOptions } from 'cinnabar';",
      "const opts: StartOptions = { port: 0, requirepass: 'pw', databases: 4 };",
      'const srv: RunningServer = await startServer(opts);',
      'const port: number = srv.port;',
      'const url: string = srv.url;',
      'await srv.close();',
      'export { port, url };',
      '// @ts-expect-error: port is a number',
      "void startServer({ port: 'x' as unknown as boolean[] });",
    ].join('\n'),
  );
  writeFileSync(
    path.join(consumer, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        types: ['node'],
        typeRoots: [path.join(root, 'node_modules', '@types')],
      },
      files: ['use.ts'],
    }),
  );
  run(process.execPath, [tsc, '-p', '.'], consumer);
});
