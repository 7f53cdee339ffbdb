/**
 * Connection: socket ⇄ request parser ⇄ dispatcher ⇄ reply writer.
 *
 * Hot path. Each 'data' event parses and runs every complete request in the chunk, then
 * writes all their replies with one socket.write (pipelining costs one syscall). A protocol
 * error replies Redis's message and closes this connection only. The query buffer is bounded
 * by client-query-buffer-limit, checked as bytes arrive, before a request is assembled.
 */
import type { Socket } from 'node:net';
import { PARSE_COMMAND, PARSE_ERROR, RequestParser, reprBytes } from '../protocol/request-parser.js';
import type { Client, ClientTransport } from '../server/client.js';
import type { Server } from '../server/server.js';

/** How long a closing connection may stay half-open while the peer has not hung up. */
const CLOSE_LINGER_MS = 250;

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
    server.stats.readsProcessed++;
    const p = this.parser;
    p.feed(chunk);
    if (p.pending > server.limits.clientQueryBufferLimit || p.overflow) {
      server.log('warning', `Closing client that reached max query buffer length: ${server.clients.line(c)} (qbuf initial bytes: ${reprBytes(p.peek(64))})`);
      this.destroy();
      return;
    }
    c.lastInteraction = server.fastNow();
    server.afterInput();
    // A blocked client's further requests wait in the query buffer, as in Redis.
    if (c.blocked) return;
    this.processInput();
  }

  /** Run every complete request buffered, stopping if the client blocks or closes. */
  private processInput(): void {
    // Commands of one batch may share a clock reading, never beyond it (Dispatcher.wallNow).
    const dispatcher = this.server.dispatcher;
    dispatcher.endBatch();
    try {
      this.runBuffered();
    } finally {
      dispatcher.endBatch();
    }
  }

  private runBuffered(): void {
    const server = this.server;
    const c = this.client;
    const p = this.parser;
    const dispatcher = server.dispatcher;
    // Another client may have changed it meanwhile (CONFIG SET requirepass "" lets everyone in).
    p.authenticated = c.authenticated;
    for (;;) {
      if (c.closing || this.closed || c.blocked) break;
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
        // Like any reply, the error is counted but not sent under CLIENT REPLY OFF / SKIP.
        // (Redis then leaves the connection open but deaf until the peer hangs up; we close.)
        const mark = c.reply.mark();
        c.reply.error(`ERR ${p.error}`);
        if (c.replyMode !== 'on') c.reply.rollback(mark);
        server.log('verbose', `Protocol error (${p.error}) from client: ${server.clients.line(c)}. Query buffer during protocol error: ${reprBytes(p.peek(128))}`);
        this.close();
        return;
      } else {
        break;
      }
    }
    this.flush();
  }

  /** The client was unblocked: send its reply and carry on with what it sent meanwhile. */
  resume(): void {
    if (this.closed) return;
    this.processInput();
  }

  flush(): void {
    if (this.closed) return;
    // Replies wait for the AOF write of this turn's commands (the server flushes us then).
    if (this.server.holdReply(this)) return;
    const out = this.client.reply.take();
    if (out !== null) {
      this.server.stats.netOutputBytes += out.length;
      this.server.stats.writesProcessed++;
      this.socket.write(out);
    }
  }

  /** Flush what is pending, then close (QUIT, protocol error, CLIENT KILL). */
  close(): void {
    if (this.closed) return;
    // A reply held for the AOF must go before the FIN: write the AOF now.
    this.server.flushAofNow();
    this.flush();
    this.closed = true;
    // Send FIN after the replies, keep reading (and discarding) until the peer hangs up too,
    // and close for good after CLOSE_LINGER_MS at most, so that a client still sending sees
    // the connection go away. Closing at once with unread input would make the kernel reset
    // the connection, which can destroy the reply before the client has read it.
    const sock = this.socket;
    sock.end();
    const timer = setTimeout(() => sock.destroy(), CLOSE_LINGER_MS);
    timer.unref();
    sock.once('close', () => clearTimeout(timer));
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
