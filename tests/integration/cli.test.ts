/**
 * The server binary as operators run it: the project's bin/cinnabar spawned as a real process
 * with redis-server's arguments. Checks start-up and shutdown logs, signals, config files
 * (include with globs, units, stdin) and the configuration errors, compared byte for byte with
 * what redis-server 7.0.15 prints for the same input when it is installed.
 *
 * Runs on the compiled tree: bin/cinnabar imports ../dist/src/main.js, and this file lives in
 * dist/tests/integration, so the checkout is three levels up.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { haveRedisServer, ReplyError, RespClient, type Reply } from '../helpers/server.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const BIN = path.join(ROOT, 'bin', 'cinnabar');
const HAVE_REDIS = haveRedisServer();

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

interface Running {
  child: ChildProcess;
  port: number;
  output(): string;
  exited: Promise<number | null>;
  client(): Promise<RespClient>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Start bin/cinnabar and wait (bounded) until its port accepts connections. */
async function start(args: string[], opts: { cwd: string; port?: number; input?: string }): Promise<Running> {
  const port = opts.port ?? (await freePort());
  // A config file must come first, as for redis-server.
  const first = args[0];
  const argv = first !== undefined && !first.startsWith('-') ? [first, '--port', String(port), ...args.slice(1)] : ['--port', String(port), ...args];
  const child = spawn(BIN, argv, { cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  if (opts.input !== undefined) child.stdin?.end(opts.input);
  else child.stdin?.end();
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString('latin1')));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString('latin1')));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const clients: RespClient[] = [];
  let up = false;
  for (let i = 0; i < 200 && !up && child.exitCode === null; i++) {
    const c = await RespClient.connect(port).catch(() => null);
    if (c) {
      c.close();
      up = true;
    } else {
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  if (!up) {
    if (child.exitCode === null) child.kill('SIGKILL');
    assert.fail(`cinnabar did not start:\n${out}`);
  }
  return {
    child,
    port,
    output: () => out,
    exited,
    async client() {
      const c = await RespClient.connect(port);
      clients.push(c);
      return c;
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      for (const c of clients) c.close();
      if (child.exitCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Run a binary that is expected to exit by itself (configuration errors, --version). */
function runToExit(cmd: string, args: string[], cwd: string, input = ''): Result {
  const r = spawnSync(cmd, args, { cwd, input, encoding: 'latin1', timeout: 10000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Log lines without pid, role and time: "# Fatal error ...". */
function logText(s: string): string {
  return s.replace(/^\d+:[CM] \d\d \w{3} \d{4} [\d:.]+ /gm, '');
}

describe('bin/cinnabar', () => {
  let work: string;

  before(() => {
    work = mkdtempSync(path.join(tmpdir(), 'cinnabar-cli-'));
  });

  after(() => {
    rmSync(work, { recursive: true, force: true });
  });

  test('--version and -v print the version and exit 0', () => {
    for (const flag of ['--version', '-v']) {
      const r = runToExit(BIN, [flag], work);
      assert.equal(r.status, 0);
      assert.match(r.stdout, /^Cinnabar server v=\d+\.\d+\.\d+ redis_version=7\.0\.15 node=v\d+\.\d+\.\d+ bits=64\n$/);
    }
  });

  test('--help prints the usage on stderr and exits 1, as redis-server does', () => {
    const r = runToExit(BIN, ['--help'], work);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^Usage: cinnabar \[\/path\/to\/redis\.conf\] \[options\] \[-\]\n/);
    assert.match(r.stderr, /cinnabar - \(read config from stdin\)/);
  });

  test('starts like redis-server, answers, and shuts down on SIGTERM with exit 0', async () => {
    const run = await start(['--save', '', '--appendonly', 'no'], { cwd: work });
    const c = await run.client();
    assert.deepEqual(await c.call('PING'), { status: 'PONG' });
    assert.deepEqual(await c.call('SET', 'k', 'v'), { status: 'OK' });
    assert.equal(await c.call('GET', 'k'), 'v');
    assert.deepEqual(await c.call('CONFIG', 'GET', 'port'), ['port', String(run.port)]);
    assert.deepEqual(await c.call('CONFIG', 'GET', 'bind'), ['bind', '127.0.0.1 -::1']);
    assert.deepEqual(await c.call('CONFIG', 'GET', 'protected-mode'), ['protected-mode', 'yes']);
    assert.deepEqual(await c.call('CONFIG', 'GET', 'databases'), ['databases', '16']);
    assert.equal(await run.stop('SIGTERM'), 0);
    const log = logText(run.output());
    const pid = run.child.pid as number;
    const lines = [
      '# oO0OoO0OoO0Oo Cinnabar is starting oO0OoO0OoO0Oo',
      `# Cinnabar version=`,
      `, redis_version=7.0.15, bits=64, pid=${pid}, just started`,
      '# Configuration loaded',
      `* Running mode=standalone, port=${run.port}.`,
      '# Server initialized',
      '* Ready to accept connections',
      `${pid}:signal-handler (`,
      ') Received SIGTERM scheduling shutdown...',
      '# User requested shutdown...',
      '# Redis is now ready to exit, bye bye...',
    ];
    let at = 0;
    for (const l of lines) {
      const i = log.indexOf(l, at);
      assert.ok(i >= 0, `missing (in order) ${JSON.stringify(l)} in:\n${log}`);
      at = i + l.length;
    }
  });

  test('SIGINT shuts down cleanly too', async () => {
    const run = await start([], { cwd: work });
    assert.equal(await run.stop('SIGINT'), 0);
    // With the default save points the final snapshot is saved in between, as redis-server does.
    assert.match(run.output(), /Received SIGINT scheduling shutdown\.\.\.\n.*User requested shutdown\.\.\.\n(?:.*Saving the final RDB snapshot before exiting\.\n.*DB saved on disk\n)?.*Redis is now ready to exit, bye bye\.\.\.\n/);
  });

  test('a config file with include globs, units and quoting', async () => {
    const dir = path.join(work, 'inc');
    mkdirSync(path.join(dir, 'conf.d'), { recursive: true });
    writeFileSync(
      path.join(dir, 'redis.conf'),
      [
        '# a comment, then blank lines',
        '',
        '   ',
        'proto-max-bulk-len 1GB',
        "client-query-buffer-limit '64mb'",
        'maxmemory-policy ALLKEYS-LRU',
        'requirepass "s3cr\\x65t word"',
        'include conf.d/*.conf',
        'save ""',
        '',
      ].join('\n'),
    );
    writeFileSync(path.join(dir, 'conf.d', 'a.conf'), 'timeout 7\nhz 20\n');
    writeFileSync(path.join(dir, 'conf.d', 'b.conf'), 'timeout 9\n');
    // include resolves from the working directory, as in Redis.
    const run = await start(['redis.conf', '--loglevel', 'warning'], { cwd: dir });
    try {
      const c = await run.client();
      assert.ok((await c.call('PING')) instanceof ReplyError);
      assert.deepEqual(await c.call('AUTH', 's3cret word'), { status: 'OK' });
      const get = async (n: string): Promise<Reply> => ((await c.call('CONFIG', 'GET', n)) as Reply[])[1] as Reply;
      assert.equal(await get('proto-max-bulk-len'), '1073741824');
      assert.equal(await get('client-query-buffer-limit'), '67108864');
      assert.equal(await get('maxmemory-policy'), 'allkeys-lru');
      assert.equal(await get('timeout'), '9');
      assert.equal(await get('hz'), '20');
      assert.equal(await get('loglevel'), 'warning');
    } finally {
      assert.equal(await run.stop(), 0);
    }
    // loglevel warning: notice lines such as "Ready to accept connections" are not logged.
    assert.ok(!run.output().includes('Ready to accept connections'));
  });

  test('cinnabar - reads the configuration from stdin', async () => {
    const run = await start(['-'], { cwd: work, input: 'timeout 42\nmaxmemory-policy volatile-ttl\n' });
    try {
      const c = await run.client();
      assert.deepEqual(await c.call('CONFIG', 'GET', 'timeout'), ['timeout', '42']);
      assert.deepEqual(await c.call('CONFIG', 'GET', 'maxmemory-policy'), ['maxmemory-policy', 'volatile-ttl']);
    } finally {
      await run.stop();
    }
    assert.match(logText(run.output()), /^# Reading config from stdin$/m);
  });

  test('rename-command renames a command and "" disables one', async () => {
    const run = await start(['--rename-command', 'get', 'myget', '--rename-command', 'flushdb', '', '--rename-command', 'ping', 'b840fc02d524045429941cc15f59e41cb7be6c52'], { cwd: work });
    try {
      const c = await run.client();
      await c.call('SET', 'k', 'v');
      assert.equal(await c.call('MYGET', 'k'), 'v');
      const e1 = await c.call('GET', 'k');
      assert.ok(e1 instanceof ReplyError);
      assert.equal(e1.message, "ERR unknown command 'GET', with args beginning with: 'k' ");
      const e2 = await c.call('FLUSHDB');
      assert.ok(e2 instanceof ReplyError && e2.message.startsWith("ERR unknown command 'FLUSHDB'"));
      // Errors keep the command's real name, as in Redis.
      const e3 = await c.call('myget');
      assert.ok(e3 instanceof ReplyError);
      assert.equal(e3.message, "ERR wrong number of arguments for 'get' command");
      assert.deepEqual(await c.call('b840fc02d524045429941cc15f59e41cb7be6c52'), { status: 'PONG' });
    } finally {
      await run.stop();
    }
  });

  test('dir changes the working directory; the pid file is written and removed', async () => {
    const data = path.join(work, 'data');
    mkdirSync(data, { recursive: true });
    const run = await start(['--dir', './data', '--pidfile', 'cinnabar.pid', '--logfile', 'server.log'], { cwd: work });
    const pidFile = path.join(data, 'cinnabar.pid');
    try {
      const c = await run.client();
      assert.deepEqual(await c.call('CONFIG', 'GET', 'dir'), ['dir', realpathSync(data)]);
      assert.equal(readFileSync(pidFile, 'utf8'), `${run.child.pid as number}\n`);
    } finally {
      assert.equal(await run.stop(), 0);
    }
    assert.ok(!existsSync(pidFile), 'the pid file is removed at shutdown');
    const log = readFileSync(path.join(data, 'server.log'), 'latin1');
    assert.match(log, /Ready to accept connections/);
    assert.match(log, /Removing the pid file\./);
  });

  test('a port in use stops start-up as redis-server does', async () => {
    const blocker = net.createServer();
    const port = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as net.AddressInfo).port)));
    try {
      const r = runToExit(BIN, ['--port', String(port), '--bind', '127.0.0.1'], work);
      assert.equal(r.status, 1);
      assert.match(
        logText(r.stdout),
        new RegExp(`^# Warning: Could not create server TCP listening socket 127\\.0\\.0\\.1:${port}: bind: Address already in use\\n# Failed listening on port ${port} \\(TCP\\), aborting\\.\\n`, 'm'),
      );
    } finally {
      blocker.close();
    }
  });

  test('an inert directive stops start-up naming it', () => {
    const r = runToExit(BIN, ['--tls-replication', 'yes'], work);
    assert.equal(r.status, 1);
    assert.equal(
      r.stderr,
      "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 2\n>>> 'tls-replication \"yes\"'\n'tls-replication yes' is not supported by Cinnabar yet (that capability is not built)\n",
    );
  });
});

describe('CONFIG REWRITE', () => {
  let work: string;

  before(() => {
    work = mkdtempSync(path.join(tmpdir(), 'cinnabar-rewrite-'));
  });

  after(() => {
    rmSync(work, { recursive: true, force: true });
  });

  async function configMap(c: RespClient): Promise<Map<string, string>> {
    const flat = (await c.call('CONFIG', 'GET', '*')) as string[];
    const m = new Map<string, string>();
    for (let i = 0; i + 1 < flat.length; i += 2) m.set(flat[i] as string, flat[i + 1] as string);
    return m;
  }

  test('CONFIG REWRITE sanity: a restart reads back the same configuration', async () => {
    const dir = mkdtempSync(path.join(work, 'sanity-'));
    const port = await freePort();
    writeFileSync(path.join(dir, 'redis.conf'), `# my server\nport ${port}\nsave ""\n`);
    let run = await start(['redis.conf'], { cwd: dir, port });
    let c = await run.client();
    const sets: [string, string][] = [
      ['maxmemory-policy', 'allkeys-lfu'],
      ['hz', '25'],
      ['notify-keyspace-events', 'Ex'],
      ['client-query-buffer-limit', '64mb'],
      ['masterauth', 'with "quotes" and spaces'],
      ['shutdown-on-sigterm', 'nosave now'],
      ['latency-tracking-info-percentiles', '50 99.9'],
      ['requirepass', 'pw'],
    ];
    for (const [k, v] of sets) assert.deepEqual(await c.call('CONFIG', 'SET', k, v), { status: 'OK' }, k);
    await c.call('AUTH', 'pw');
    const before = await configMap(c);
    assert.deepEqual(await c.call('CONFIG', 'REWRITE'), { status: 'OK' });
    assert.equal(await run.stop(), 0);
    const text = readFileSync(path.join(dir, 'redis.conf'), 'latin1');
    assert.ok(text.startsWith(`# my server\nport ${port}\nsave ""\n`), text);
    assert.match(text, /\n# Generated by CONFIG REWRITE\n/);
    assert.match(text, /\nmasterauth "with \\"quotes\\" and spaces"\n/);
    run = await start(['redis.conf'], { cwd: dir, port });
    c = await run.client();
    await c.call('AUTH', 'pw');
    assert.deepEqual(await configMap(c), before);
    assert.equal(await run.stop(), 0);
  });

  test('CONFIG REWRITE handles rename-command properly', async () => {
    const dir = mkdtempSync(path.join(work, 'rename-'));
    const port = await freePort();
    writeFileSync(path.join(dir, 'redis.conf'), `port ${port}\nrename-command flushdb badger\n`);
    let run = await start(['redis.conf'], { cwd: dir, port });
    let c = await run.client();
    assert.ok((await c.call('FLUSHDB')) instanceof ReplyError);
    assert.deepEqual(await c.call('CONFIG', 'REWRITE'), { status: 'OK' });
    await run.stop();
    run = await start(['redis.conf'], { cwd: dir, port });
    c = await run.client();
    const e = await c.call('FLUSHDB');
    assert.ok(e instanceof ReplyError && e.message.startsWith('ERR unknown command'));
    assert.deepEqual(await c.call('BADGER'), { status: 'OK' });
    await run.stop();
  });

  test('CONFIG REWRITE handles alias config properly', async () => {
    for (const order of [['hash-max-listpack-entries 20', 'hash-max-ziplist-entries 21'], ['hash-max-ziplist-entries 20', 'hash-max-listpack-entries 21']]) {
      const dir = mkdtempSync(path.join(work, 'alias-'));
      const port = await freePort();
      writeFileSync(path.join(dir, 'redis.conf'), `port ${port}\n${order.join('\n')}\n`);
      let run = await start(['redis.conf'], { cwd: dir, port });
      let c = await run.client();
      assert.deepEqual(await c.call('CONFIG', 'GET', 'hash-max-listpack-entries'), ['hash-max-listpack-entries', '21']);
      assert.deepEqual(await c.call('CONFIG', 'GET', 'hash-max-ziplist-entries'), ['hash-max-ziplist-entries', '21']);
      assert.deepEqual(await c.call('CONFIG', 'SET', 'hash-max-listpack-entries', '100'), { status: 'OK' });
      assert.deepEqual(await c.call('CONFIG', 'REWRITE'), { status: 'OK' });
      await run.stop();
      run = await start(['redis.conf'], { cwd: dir, port });
      c = await run.client();
      assert.deepEqual(await c.call('CONFIG', 'GET', 'hash-max-listpack-entries'), ['hash-max-listpack-entries', '100']);
      await run.stop();
    }
  });

  test('CONFIG REWRITE keeps the layout of the file as redis-server does', { skip: !HAVE_REDIS && 'redis-server is not installed' }, async () => {
    const template = [
      '# top comment',
      'port PORT',
      'save ""',
      'slaveof no one',
      'hash-max-ziplist-entries 21',
      'hash-max-listpack-entries 20',
      'slave-read-only no',
      'rename-command flushdb badger',
      '   # indented comment',
      'lua-time-limit 6000',
      '',
      '',
      'timeout 5',
      'timeout 6',
      'requirepass ""',
      'client-output-buffer-limit normal 0 0 0 replica 256mb 64mb 60',
      'proc-title-template "{title} {port}"',
      'unixsocketperm 700',
      '',
    ].join('\n');
    const sets: [string, string][] = [
      ['maxmemory-samples', '7'],
      ['notify-keyspace-events', 'KEA'],
      ['masterauth', 'a b"c'],
      ['appendfsync', 'always'],
      ['proto-max-bulk-len', '1000000000'],
      ['client-query-buffer-limit', '2gb'],
      ['latency-tracking-info-percentiles', '1.5 99'],
      ['oom-score-adj-values', '1 2 3'],
      ['shutdown-on-sigterm', 'now nosave'],
      ['key-load-delay', '5'],
      ['client-output-buffer-limit', 'pubsub 64mb 1kb 5'],
      ['repl-backlog-size', '2mb'],
    ];
    /** Run one server binary over the template; the rewritten file with its port and dir normalised. */
    const rewriteWith = async (bin: string): Promise<string> => {
      const dir = realpathSync(mkdtempSync(path.join(work, 'layout-')));
      const port = await freePort();
      writeFileSync(path.join(dir, 'r.conf'), template.replace('PORT', String(port)));
      const child = spawn(bin, ['r.conf', '--bind', '127.0.0.1', '--dir', dir], { cwd: dir, stdio: 'ignore' });
      try {
        let c: RespClient | null = null;
        for (let i = 0; i < 200 && c === null; i++) {
          c = await RespClient.connect(port).catch(() => null);
          if (c === null) await new Promise((r) => setTimeout(r, 25));
        }
        assert.ok(c, `${bin} did not start`);
        for (const [k, v] of sets) assert.deepEqual(await c.call('CONFIG', 'SET', k, v), { status: 'OK' }, `${bin} ${k}`);
        assert.deepEqual(await c.call('CONFIG', 'REWRITE'), { status: 'OK' });
        c.close();
      } finally {
        child.kill('SIGKILL');
      }
      const text = readFileSync(path.join(dir, 'r.conf'), 'latin1').replaceAll(dir, 'DIR').replace(`port ${port}`, 'port P');
      // Redis appends new lines in its hash table's order: compare that part as a set.
      const at = text.indexOf('# Generated by CONFIG REWRITE');
      return `${text.slice(0, at)}${text.slice(at).split('\n').filter((l) => l !== '').sort().join('\n')}`;
    };
    const theirs = await rewriteWith('redis-server');
    const ours = await rewriteWith(BIN);
    // Redis also writes a `user` line for each ACL user; Cinnabar has no ACL users to write.
    const withoutUsers = (t: string) =>
      t
        .split('\n')
        .filter((l) => !l.startsWith('user '))
        .join('\n');
    assert.match(theirs, /\nuser default on nopass /);
    assert.equal(ours, withoutUsers(theirs));
  });
});

/** Configuration errors: [files to write, arguments, stdin]. Each must exit 1 as redis-server does. */
const ERROR_CASES: { name: string; files?: Record<string, string>; args: string[]; input?: string }[] = [
  { name: 'bad directive', files: { 'a.conf': 'port 7000\nfoo bar\n' }, args: ['a.conf'] },
  { name: 'wrong number of arguments', files: { 'a.conf': 'port\n' }, args: ['a.conf'] },
  { name: 'bad integer', files: { 'a.conf': 'timeout abc\n' }, args: ['a.conf'] },
  { name: 'bad yes/no', files: { 'a.conf': 'protected-mode maybe\n' }, args: ['a.conf'] },
  { name: 'bad enum', files: { 'a.conf': 'loglevel loud\n' }, args: ['a.conf'] },
  { name: 'out of range', files: { 'a.conf': '# c\n\n  maxclients -5  \n' }, args: ['a.conf'] },
  { name: 'unbalanced quotes', files: { 'a.conf': 'requirepass "abc\n' }, args: ['a.conf'] },
  { name: 'bad memory unit', files: { 'a.conf': 'proto-max-bulk-len 1tb\n' }, args: ['a.conf'] },
  { name: 'error inside an include', files: { 'a.conf': 'timeout 1\ninclude b.conf\n', 'b.conf': '# b\nhz x\n' }, args: ['a.conf'] },
  { name: 'include of a missing file', files: { 'a.conf': 'include missing.conf\n' }, args: ['a.conf'] },
  { name: 'missing config file', args: ['no-such.conf'] },
  { name: 'option after a file counts the file lines', files: { 'a.conf': 'timeout 1\nhz 10\n' }, args: ['a.conf', '--port', '7000', '--maxclients', '0'] },
  { name: 'unknown option', args: ['--port', '7000', '--foo', '1'] },
  { name: 'option with two values', args: ['--port', '6379', '6380'] },
  { name: 'option value starting with --', args: ['--port', '--bla', '--loglevel', 'verbose'] },
  { name: 'multi-argument option in one string', args: ['--shutdown-on-sigterm', 'nosave bad'] },
  { name: 'stdin then options', args: ['-', '--timeout', '1'], input: 'hz 10\nhz nope\n' },
  { name: 'rename of an unknown command', args: ['--rename-command', 'nosuch', 'x'] },
  { name: 'rename onto an existing command', args: ['--rename-command', 'get', 'set'] },
  { name: 'dir that does not exist', args: ['--dir', '/nonexistent/dir'] },
  { name: 'log file that cannot be opened', args: ['--logfile', '/nonexistent/x.log'] },
  { name: 'sentinel directive outside sentinel mode', files: { 'a.conf': 'sentinel monitor mymaster 127.0.0.1 6379 2\n' }, args: ['a.conf'] },
  { name: 'module option without value', args: ['--mymod.opt'] },
];

describe('configuration errors', () => {
  let work: string;

  before(() => {
    work = mkdtempSync(path.join(tmpdir(), 'cinnabar-cfgerr-'));
  });

  after(() => {
    rmSync(work, { recursive: true, force: true });
  });

  test('print the FATAL CONFIG FILE ERROR banner naming the line, and exit 1', () => {
    writeFileSync(path.join(work, 'bad.conf'), 'port 7000\n\nmaxmemory-policy allkeys-lru\nloglevel loud\n');
    const r = runToExit(BIN, ['bad.conf', '--timeout', '5'], work);
    assert.equal(r.status, 1);
    assert.equal(
      r.stderr,
      "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 4\n>>> 'loglevel loud'\nargument(s) must be one of the following: debug, verbose, notice, warning\n",
    );
    const r2 = runToExit(BIN, ['bad.conf', '--port', 'abc'], work);
    assert.equal(r2.status, 1);
    assert.match(r2.stderr, /at line 4\n>>> 'loglevel loud'/);
    writeFileSync(path.join(work, 'ok.conf'), 'port 7000\n');
    const r3 = runToExit(BIN, ['ok.conf', '--port', 'abc'], work);
    // Two file lines, the empty one after the final newline, then "\n" and the options.
    assert.match(r3.stderr, /at line 3\n>>> 'port "abc"'\nargument couldn't be parsed into an integer\n$/);
  });

  for (const cs of ERROR_CASES) {
    test(`same output as redis-server: ${cs.name}`, { skip: !HAVE_REDIS && 'redis-server is not installed' }, () => {
      const dir = mkdtempSync(path.join(work, 'case-'));
      for (const [f, t] of Object.entries(cs.files ?? {})) writeFileSync(path.join(dir, f), t);
      const ours = runToExit(BIN, cs.args, dir, cs.input);
      const theirs = runToExit('redis-server', cs.args, dir, cs.input);
      assert.equal(theirs.status, 1, `redis-server accepted the case:\n${theirs.stdout}`);
      assert.equal(ours.status, 1, ours.stdout);
      assert.equal(ours.stderr, theirs.stderr);
      // Errors that Redis logs (unreadable files) rather than print in the banner.
      const logged = (s: string) =>
        logText(s)
          .split('\n')
          .filter((l) => /^# (Fatal error|Reading config)/.test(l))
          .join('\n');
      assert.equal(logged(ours.stdout), logged(theirs.stdout));
    });
  }
});
