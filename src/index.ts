/**
 * Cinnabar's public API: embed a Redis-compatible server in a Node process.
 *
 *   import { startServer } from 'cinnabar';
 *   const srv = await startServer({ port: 0 });   // any redis.conf directive as a key
 *   // srv.url === 'redis://127.0.0.1:<port>'
 *   await srv.close();
 *
 * Each call creates an independent server (its own keyspace, config and clients).
 */
import { Config } from './config/config.js';
import { Listeners } from './network/listener.js';
import { Server } from './server/server.js';

export type DirectiveValue = string | number | boolean | readonly (string | number)[];

export interface StartOptions {
  /** TCP port; 0 picks a free one. Default 6379. */
  port?: number;
  /** Write Redis-style logs to stdout (or `logfile`). Default false when embedded. */
  log?: boolean;
  /**
   * The wall clock in ms (default Date.now). Tests inject a fake one to move time forward
   * without sleeping: command time, expiry, LRU/LFU clocks and the cron all read it.
   */
  clock?: () => number;
  /** Any other redis.conf directive, e.g. `requirepass: 'secret'`, `'maxmemory-policy': 'allkeys-lru'`. */
  [directive: string]: DirectiveValue | (() => number) | undefined;
}

export interface RunningServer {
  readonly host: string;
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/** `multiWord`: the directive's one string value holds several words (save "3600 1 300 100"). */
function directiveArgs(v: DirectiveValue, multiWord: boolean): string[] {
  if (typeof v === 'boolean') return [v ? 'yes' : 'no'];
  if (typeof v === 'number') return [String(v)];
  if (typeof v === 'string') return v === '' || !multiWord ? [v] : v.trim().split(/\s+/);
  return v.map(String);
}

/** Build the Config for embedded use from an options object; throws on a bad directive. */
export function configFromOptions(opts: StartOptions): Config {
  const config = new Config();
  config.load('bind', ['127.0.0.1', '-::1']);
  for (const [name, value] of Object.entries(opts)) {
    if (name === 'log' || name === 'clock' || value === undefined || typeof value === 'function') continue;
    const err = config.load(name, directiveArgs(value, config.row(name)?.multiArg === true));
    if (err !== null) throw new Error(`Cinnabar: bad directive '${name}': ${err}`);
  }
  return config;
}

export async function startServer(opts: StartOptions = {}): Promise<RunningServer> {
  const config = configFromOptions(opts);
  let listeners: Listeners | null = null;
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    if (closing === null) {
      closing = (async () => {
        server.beginShutdown();
        if (listeners) await listeners.close();
      })();
    }
    return closing;
  };
  const server: Server = new Server({ config, onShutdown: () => void close(), ...(opts.clock ? { clock: opts.clock } : {}) });
  server.logger.enabled = opts.log === true;
  listeners = new Listeners(server);
  const port = await listeners.listen();
  // Like redis-server: the dump file (dir/dbfilename) is loaded once listening (clients get
  // -LOADING meanwhile); a file that cannot be loaded stops the start.
  try {
    await server.loadDataFromDisk();
  } catch (err) {
    await close();
    throw err;
  }
  server.startCron();
  const host = config.get('bind').split(/\s+/)[0]?.replace(/^-/, '') ?? '127.0.0.1';
  return { host, port, url: `redis://${host.includes(':') ? `[${host}]` : host}:${port}`, close };
}
