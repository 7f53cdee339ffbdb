/**
 * TCP listeners for a Server: one per `bind` address, all on the same port. An address
 * prefixed with '-' is optional (Redis 7: skipped if unavailable, e.g. no IPv6). Enforces
 * maxclients and protected mode when accepting.
 */
import net from 'node:net';
import type { Server } from '../server/server.js';
import { Connection } from './connection.js';

const PROTECTED_MODE_MSG =
  "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Set up an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n";

const MAXCLIENTS_MSG = '-ERR max number of clients reached\r\n';

function isLoopback(addr: string | undefined): boolean {
  if (!addr) return false;
  const a = addr.startsWith('::ffff:') ? addr.slice(7) : addr;
  return a === '::1' || a.startsWith('127.');
}

export class Listeners {
  private readonly servers: net.Server[] = [];
  private readonly sockets = new Set<net.Socket>();

  constructor(private readonly server: Server) {}

  /** Listen on every bind address; resolves to the port in use. */
  async listen(): Promise<number> {
    const cfg = this.server.config;
    let port = cfg.int('port');
    const binds = cfg.get('bind').split(/\s+/).filter((b) => b !== '');
    if (binds.length === 0) binds.push('*');
    for (const raw of binds) {
      const optional = raw.startsWith('-');
      let host = optional ? raw.slice(1) : raw;
      if (host === '*') host = '0.0.0.0';
      if (host === '::*') host = '::';
      const srv = net.createServer({ noDelay: true }, (sock) => this.accept(sock));
      try {
        await new Promise<void>((resolve, reject) => {
          srv.once('error', reject);
          srv.listen({ host, port, backlog: cfg.int('tcp-backlog'), ipv6Only: host.includes(':') }, () => {
            srv.off('error', reject);
            resolve();
          });
        });
      } catch (err) {
        if (optional) continue;
        await this.close();
        throw err;
      }
      const a = srv.address();
      if (a && typeof a === 'object') port = a.port;
      this.servers.push(srv);
    }
    this.server.tcpPort = port;
    return port;
  }

  private accept(sock: net.Socket): void {
    const s = this.server;
    if (s.shuttingDown) {
      sock.destroy();
      return;
    }
    if (s.clientMap.size >= s.config.int('maxclients')) {
      s.stats.rejectedConnections++;
      sock.end(MAXCLIENTS_MSG, () => sock.destroy());
      return;
    }
    if (s.config.bool('protected-mode') && s.requirepass === '' && !isLoopback(sock.remoteAddress)) {
      s.stats.rejectedConnections++;
      sock.end(PROTECTED_MODE_MSG, () => sock.destroy());
      return;
    }
    const ka = s.config.int('tcp-keepalive');
    if (ka > 0) sock.setKeepAlive(true, ka * 1000);
    this.sockets.add(sock);
    sock.on('close', () => this.sockets.delete(sock));
    new Connection(sock, s);
  }

  async close(): Promise<void> {
    for (const sock of this.sockets) sock.destroy();
    await Promise.all(this.servers.map((srv) => new Promise<void>((r) => srv.close(() => r()))));
    this.servers.length = 0;
  }
}
