/**
 * Connection: socket ⇄ request parser ⇄ dispatcher ⇄ reply writer.
 *
 * Hot path. Each 'data' event parses and runs every complete request in the chunk, then
 * writes all their replies with one socket.write (pipelining costs one syscall). A protocol
 * error replies Redis's message and closes this connection only. The query buffer is bounded
 * by client-query-buffer-limit, checked as bytes arrive, before a request is assembled.
 */
import type { Socket } from 'node:net';
import { PARSE_COMMAND, PARSE_ERROR, RequestParser } from '../protocol/request-parser.js';
import type { Client, ClientTransport } from '../server/client.js';
import type { Server } from '../server/server.js';

export class Connection implements ClientTransport {
  readonly parser: RequestParser;
  readonly client: Client;
  private closed = false;
  readonly addr: string;
  readonly laddr: string;
  readonly fd: number;

  constructor(
    private readonly socket: Socket,
    private readonly server: Server,
  ) {
    this.parser = new RequestParser(server.limits);
    this.client = server.createClient(this);
    this.parser.authenticated = this.client.authenticated;
    this.addr = formatAddr(socket.remoteAddress, socket.remotePort);
    this.laddr = formatAddr(socket.localAddress, socket.localPort);
    const handle = (socket as unknown as { _handle?: { fd?: number } })._handle;
    this.fd = handle?.fd ?? -1;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => this.teardown());
    socket.on('close', () => this.teardown());
  }

  get queryBufferLength(): number {
    return this.parser.pending;
  }

  get outputBufferLength(): number {
    return this.socket.writableLength + this.client.reply.length;
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    const server = this.server;
    const c = this.client;
    server.stats.netInputBytes += chunk.length;
    const p = this.parser;
    p.feed(chunk);
    if (p.pending > server.limits.clientQueryBufferLimit) {
      server.log('warning', `Closing client that reached max query buffer length: id=${c.id} addr=${this.addr} qbuf=${p.pending}`);
      this.destroy();
      return;
    }
    c.lastInteraction = server.clockNow();
    const dispatcher = server.dispatcher;
    for (;;) {
      if (c.closing || this.closed) break;
      const r = p.next();
      if (r === PARSE_COMMAND) {
        dispatcher.dispatch(c, p.argv);
        if (c.closeAfterReply) {
          this.close();
          return;
        }
        // A command may have authenticated the client (AUTH, HELLO): lift the parser limits.
        p.authenticated = c.authenticated;
      } else if (r === PARSE_ERROR) {
        c.reply.error(`ERR ${p.error}`);
        server.log('verbose', `Protocol error (${p.error}) from client: id=${c.id} addr=${this.addr}`);
        this.close();
        return;
      } else {
        break;
      }
    }
    this.flush();
  }

  flush(): void {
    if (this.closed) return;
    const out = this.client.reply.take();
    if (out !== null) {
      this.server.stats.netOutputBytes += out.length;
      this.socket.write(out);
    }
  }

  /** Flush what is pending, then close (QUIT, protocol error, CLIENT KILL). */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.socket.end();
    this.teardown();
  }

  /** Close without flushing. */
  destroy(): void {
    this.closed = true;
    this.socket.destroy();
    this.teardown();
  }

  private tornDown = false;

  private teardown(): void {
    if (this.tornDown) return;
    this.tornDown = true;
    this.closed = true;
    this.server.removeClient(this.client);
  }
}

function formatAddr(host: string | undefined, port: number | undefined): string {
  if (host === undefined) return '';
  const h = host.startsWith('::ffff:') ? host.slice(7) : host;
  return h.includes(':') ? `[${h}]:${port ?? 0}` : `${h}:${port ?? 0}`;
}
