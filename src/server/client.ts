/**
 * Client: the session state of one connection, which is also the CommandContext its commands
 * run in (one object per connection, reused for every command, so the hot path allocates no
 * context). The transport (a socket, or nothing for in-process calls) is behind an interface
 * so that server/ does not depend on network/.
 */
import { ReplyWriter } from '../protocol/reply-writer.js';
import type { Database } from '../keyspace/database.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import type { ClientSession, CommandContext, ServerServices } from '../commands/spec.js';

/** What the server needs from the connection underneath a client. */
export interface ClientTransport {
  /** Flush pending replies to the peer. */
  flush(): void;
  /** Close after flushing what is pending (QUIT, CLIENT KILL, protocol errors). */
  close(): void;
  readonly queryBufferLength: number;
  readonly outputBufferLength: number;
  readonly fd: number;
  readonly addr: string;
  readonly laddr: string;
}

export class Client implements ClientSession, CommandContext {
  readonly id: number;
  name = '';
  dbIndex = 0;
  authenticated: boolean;
  user = 'default';
  libName = '';
  libVer = '';
  noTouch = false;
  noEvict = false;
  replyMode: 'on' | 'off' | 'skip' = 'on';
  closeAfterReply = false;
  readonly createdAt: number;
  lastInteraction: number;
  /** Full name of the last command run ('NULL' before any), for CLIENT LIST's cmd=. */
  lastCommand = 'NULL';
  commandName = '';
  dirty = 0;
  readonly reply = new ReplyWriter();
  db: Database;
  transport: ClientTransport | null = null;
  /** Set when the client is being closed; no more commands run. */
  closing = false;

  constructor(
    id: number,
    readonly ks: Keyspace,
    readonly server: ServerServices,
    authenticated: boolean,
    now: number,
  ) {
    this.id = id;
    this.authenticated = authenticated;
    this.createdAt = now;
    this.lastInteraction = now;
    this.db = ks.db(0);
  }

  get client(): ClientSession {
    return this;
  }

  get resp(): 2 | 3 {
    return this.reply.resp;
  }

  set resp(v: 2 | 3) {
    this.reply.resp = v;
  }

  select(index: number): void {
    this.dbIndex = index;
    this.db = this.ks.db(index);
  }
}
