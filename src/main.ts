/**
 * The server binary: `cinnabar [configfile] [--directive value ...]`, like redis-server.
 */
import { Config } from './config/config.js';
import { ConfigFileError, loadConfig } from './config/file.js';
import { Listeners } from './network/listener.js';
import { CINNABAR_VERSION, REDIS_VERSION, Server } from './server/server.js';

function usage(): string {
  return [
    'Usage: cinnabar [/path/to/redis.conf] [options] [-]',
    '       cinnabar - (read config from stdin)',
    '       cinnabar -v or --version',
    '       cinnabar -h or --help',
    '',
    'Examples:',
    '       cinnabar (run the server with default config)',
    '       cinnabar /etc/redis/6379.conf',
    '       cinnabar --port 7777',
    '       cinnabar /etc/myredis.conf --loglevel verbose -',
    '       cinnabar --port 7777 --save "" --appendonly no',
    '',
  ].join('\n');
}

export async function main(argv: readonly string[]): Promise<number> {
  const first = argv[0];
  if (first === '-v' || first === '--version') {
    process.stdout.write(`Cinnabar server v=${CINNABAR_VERSION} redis_version=${REDIS_VERSION} node=${process.version} bits=64\n`);
    return 0;
  }
  if (first === '-h' || first === '--help') {
    process.stdout.write(usage());
    return 0;
  }
  const config = new Config();
  // Redis 7.0's shipped redis.conf binds loopback only; so do we when nothing says otherwise.
  config.load('bind', ['127.0.0.1', '-::1']);
  config.load('dir', [process.cwd()]);
  try {
    loadConfig(config, argv);
  } catch (err) {
    if (err instanceof ConfigFileError) process.stderr.write(err.fatalText(REDIS_VERSION));
    else process.stderr.write(`${(err as Error).message}\n`);
    return 1;
  }
  let listeners: Listeners | null = null;
  let exiting = false;
  const exit = async (code: number) => {
    if (exiting) return;
    exiting = true;
    if (listeners) await listeners.close();
    process.exit(code);
  };
  const server = new Server({ config, onShutdown: () => void exit(0) });
  server.logger.enabled = true;
  const log = server.log;
  log('warning', 'oO0OoO0OoO0Oo Cinnabar is starting oO0OoO0OoO0Oo');
  log('warning', `Cinnabar version=${CINNABAR_VERSION}, redis_version=${REDIS_VERSION}, bits=64, pid=${process.pid}, just started`);
  log('warning', argv.length > 0 ? 'Configuration loaded' : 'Warning: no config file specified, using the default config.');
  listeners = new Listeners(server);
  let port: number;
  try {
    port = await listeners.listen();
  } catch (err) {
    log('warning', `Failed listening on port ${config.int('port')} (tcp), aborting: ${(err as Error).message}`);
    return 1;
  }
  log('notice', `Running mode=standalone, port=${port}.`);
  log('warning', 'Server initialized');
  server.startCron();
  log('notice', 'Ready to accept connections');
  const onSignal = (sig: string) => {
    log('warning', `Received ${sig} scheduling shutdown...`);
    server.beginShutdown();
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  return -1; // keep running
}
