/**
 * The server binary: `cinnabar [configfile] [--directive value ...] [-]`, with redis-server's
 * arguments, configuration errors, start-up log and signal handling.
 *
 * Start-up order follows redis-server: read the configuration (file, stdin, options; a bad
 * line prints the FATAL CONFIG FILE ERROR banner on stderr and exits 1), log the start, create
 * the server, listen, write the pid file, set the process title, then "Ready to accept
 * connections". SIGTERM and SIGINT shut down cleanly (exit 0).
 */
import { unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ALL_COMMANDS } from './commands/index.js';
import { Config, strerror } from './config/config.js';
import { ConfigFileError, ConfigOpenError, loadServerConfig, parseCommandLine } from './config/file.js';
import { expandProcTitle } from './config/special.js';
import { Listeners } from './network/listener.js';
import { CINNABAR_VERSION, REDIS_VERSION, Server } from './server/server.js';

const USAGE = `Usage: cinnabar [/path/to/redis.conf] [options] [-]
       cinnabar - (read config from stdin)
       cinnabar -v or --version
       cinnabar -h or --help

Examples:
       cinnabar (run the server with default conf)
       echo 'maxmemory 128mb' | cinnabar -
       cinnabar /etc/redis/6379.conf
       cinnabar --port 7777
       cinnabar /etc/myredis.conf --loglevel verbose -
       cinnabar /etc/myredis.conf --loglevel verbose
`;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A log line before the server exists, with Redis's 'C' role (Logger takes over after). */
function earlyLog(config: Config, msg: string): void {
  const d = new Date();
  const p2 = (n: number) => String(n).padStart(2, '0');
  const ts = `${p2(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
  writeLog(config, `${process.pid}:C ${ts} # ${msg}\n`);
}

function writeLog(config: Config, line: string): void {
  const file = config.get('logfile');
  if (file === '') {
    process.stdout.write(line);
    return;
  }
  try {
    writeFileSync(file, line, { flag: 'a' });
  } catch {
    process.stdout.write(line);
  }
}

/** The banner always-show-logo asks for (Redis prints its ASCII-art logo). */
function logo(port: number): string {
  return [
    '',
    '       _                       _',
    '  ___ (_) _ __   _ __    __ _ | |__    __ _  _ __     ' + `Cinnabar ${CINNABAR_VERSION} (Redis ${REDIS_VERSION} compatible) 64 bit`,
    ' / __|| || \'_ \\ | \'_ \\  / _` || \'_ \\  / _` || \'__|    ' + 'Running in standalone mode',
    '| (__ | || | | || | | || (_| || |_) || (_| || |       ' + `Port: ${port}`,
    ' \\___||_||_| |_||_| |_| \\__,_||_.__/  \\__,_||_|       ' + `PID: ${process.pid}`,
    '',
  ].join('\n');
}

/** Run the server; resolves to an exit code, or -1 while the server keeps running. */
export async function main(argv: readonly string[]): Promise<number> {
  const cl = parseCommandLine(argv, process.cwd());
  if (cl.kind === 'version') {
    process.stdout.write(`Cinnabar server v=${CINNABAR_VERSION} redis_version=${REDIS_VERSION} node=${process.version} bits=64\n`);
    return 0;
  }
  if (cl.kind === 'help') {
    process.stderr.write(USAGE);
    return 1;
  }
  if (cl.kind === 'unsupported') {
    process.stderr.write(`${cl.what} is not supported by Cinnabar.\n`);
    return 1;
  }
  // Like redis-server (which ignores SIGPIPE), a closed stdout must not stop the server.
  process.stdout.on('error', () => undefined);
  const config = new Config({ dirMode: 'chdir' });
  // Redis 7.0's shipped redis.conf binds loopback only; so does Cinnabar unless told otherwise.
  config.load('bind', ['127.0.0.1', '-::1']);
  const commandNames = ALL_COMMANDS.flatMap((fam) => fam.map((s) => s.name));
  try {
    loadServerConfig(config, cl, { commandNames, log: (msg) => earlyLog(config, msg) });
  } catch (err) {
    if (err instanceof ConfigFileError) process.stderr.write(Buffer.from(err.fatalText(REDIS_VERSION), 'latin1'));
    else if (err instanceof ConfigOpenError) earlyLog(config, err.message);
    else throw err;
    return 1;
  }
  earlyLog(config, 'oO0OoO0OoO0Oo Cinnabar is starting oO0OoO0OoO0Oo');
  earlyLog(config, `Cinnabar version=${CINNABAR_VERSION}, redis_version=${REDIS_VERSION}, bits=64, pid=${process.pid}, just started`);
  earlyLog(
    config,
    cl.noArgs ? 'Warning: no config file specified, using the default config. In order to specify a config file use cinnabar /path/to/redis.conf' : 'Configuration loaded',
  );

  let listeners: Listeners | null = null;
  let pidFile: string | null = null;
  let exiting = false;
  const exit = async (code: number) => {
    if (exiting) return;
    exiting = true;
    if (listeners) await listeners.close();
    process.exit(code);
  };
  const server = new Server({
    config,
    onShutdown: () => void exit(0),
    // Redis exits(1) when it cannot keep the AOF under appendfsync always.
    onFatal: () => process.exit(1),
    ...(config.configFile ? { configFile: config.configFile } : {}),
  });
  server.logger.enabled = true;
  const log = server.log;
  const removePidFile = () => {
    if (pidFile === null) return;
    log('notice', 'Removing the pid file.');
    try {
      unlinkSync(pidFile);
    } catch {
      // already gone
    }
    pidFile = null;
  };
  process.on('exit', removePidFile);
  const onSignal = (sig: 'SIGTERM' | 'SIGINT') => {
    if (server.shuttingDown) {
      // A second SIGINT while shutting down: Redis exits at once.
      writeLog(config, `${process.pid}:signal-handler (${Math.floor(Date.now() / 1000)}) You insist... exiting now.\n`);
      process.exit(1);
    }
    writeLog(config, `${process.pid}:signal-handler (${Math.floor(Date.now() / 1000)}) Received ${sig} scheduling shutdown...\n`);
    // prepareForShutdown with the shutdown-on-sigterm / shutdown-on-sigint flags: the final
    // save when save points are set; a failed save keeps the server running (unless force).
    const flags = config.get(sig === 'SIGTERM' ? 'shutdown-on-sigterm' : 'shutdown-on-sigint').split(' ');
    const err = server.shutdown({
      nosave: flags.includes('nosave'),
      save: flags.includes('save'),
      now: flags.includes('now'),
      force: flags.includes('force'),
      abort: false,
    });
    if (err !== null) {
      log('warning', `${sig} received but errors trying to shut down the server, check the logs for more information`);
      return;
    }
    removePidFile();
  };
  // Installed before listening, as Redis's initServer does: a signal never finds the default.
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  if (config.get('port') === '0') {
    // Port 0 means no TCP listener in Redis, and there is no unix socket or TLS yet.
    log('warning', 'Configured to not listen anywhere, exiting.');
    return 1;
  }
  listeners = new Listeners(server);
  let port: number;
  try {
    port = await listeners.listen();
  } catch (err) {
    const e = err as { address?: string };
    const host = e.address === '0.0.0.0' ? '*' : e.address === '::' ? '::*' : (e.address ?? '*');
    log('warning', `Warning: Could not create server TCP listening socket ${host}:${config.get('port')}: bind: ${strerror(err)}`);
    log('warning', `Failed listening on port ${config.get('port')} (TCP), aborting.`);
    return 1;
  }
  if (config.bool('always-show-logo')) writeLog(config, `${logo(port)}\n`);
  else log('notice', `Running mode=standalone, port=${port}.`);
  log('warning', 'Server initialized');
  if (config.moduleConfigs.length > 0) {
    log('warning', 'Module Configuration detected without loadmodule directive or no ApplyConfig call: aborting');
    await listeners.close();
    return 1;
  }
  const pidPath = config.get('pidfile');
  if (pidPath !== '') {
    try {
      writeFileSync(pidPath, `${process.pid}\n`);
      pidFile = path.resolve(pidPath);
    } catch (err) {
      log('warning', `Failed to write PID file: ${strerror(err)}`);
    }
  }
  if (config.bool('set-proc-title')) {
    const bind = config.get('bind').split(' ')[0] ?? '*';
    const title = expandProcTitle(config.get('proc-title-template'), {
      title: 'cinnabar',
      'listen-addr': `${bind === '' ? '*' : bind}:${port}`,
      'server-mode': '',
      port: String(port),
      'tls-port': config.get('tls-port'),
      unixsocket: config.get('unixsocket'),
      'config-file': config.configFile ?? '',
    });
    if (title) process.title = title;
  }
  try {
    await server.loadDataFromDisk();
  } catch {
    // Logged by the loader (Fatal error loading the DB / Internal error in RDB reading ...).
    await listeners.close();
    return 1;
  }
  server.startCron();
  log('notice', 'Ready to accept connections');

  return -1;
}
