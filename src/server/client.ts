/**
 * Client: the session state of one connection, which is also the CommandContext its commands
 * run in (one object per connection, reused for every command, so the hot path allocates no
 * context). The transport (a socket, or nothing for in-process calls) is behind an interface
 * so that server/ does not depend on network/.
 */
import { ReplyWriter } from '../protocol/reply-writer.js';
import type { Database } from '../keyspace/database.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import type { BlockRequest, ClientSession, CommandContext, PropArg, ServerServices } from '../commands/spec.js';
import type { Blockable } from '../blocking/blocking.js';
import type { Watcher, WatchedKey } from '../transactions/watch.js';
import type { ClientTransaction } from './transaction.js';
import type { Subscriber } from '../pubsub/pubsub.js';
import type { ClientPubSub } from './client-pubsub.js';
import type { Propagator } from './propagate.js';

/** What the server needs from the connection underneath a client. */
export interface ClientTransport {
  /** Flush pending replies to the peer. */
  flush(): void;
  /** After an unblock: flush the reply and process requests buffered meanwhile. */
  resume(): void;
  /** Close after flushing what is pending (QUIT, CLIENT KILL, protocol errors). */
  close(): void;
  /** Close at once, dropping pending output (output buffer limits). */
  destroy(): void;
  readonly queryBufferLength: number;
  readonly outputBufferLength: number;
  readonly fd: number;
  readonly addr: string;
  readonly laddr: string;
}

export class Client implements ClientSession, CommandContext, Blockable, Watcher, Subscriber {
  readonly id: number;
  name = '';
  dbIndex = 0;
  authenticated: boolean;
  user = 'default';
  libName = '';
  libVer = '';
  noTouch = false;
  noEvict = false;
  replyMode: 'on' | 'off' | 'skip' | 'skip-next' = 'on';
  closeAfterReply = false;
  /** The AOF client: replayed commands are taken as they are (mustObeyClient). */
  mustObey = false;
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
  /** Waiting in a blocking command; its further requests stay buffered. */
  blocked = false;
  /** Inside EXEC or a script: blocking commands must not block. */
  inExec = false;
  /** The client scripts' redis.call commands run as (Redis's CLIENT_SCRIPT). */
  inScript = false;
  /** Its command is a suspended (busy) script: EXEC carries on once the script ends. */
  scriptSuspended = false;
  /** WATCH state. */
  dirtyCas = false;
  watched: WatchedKey[] = [];
  /** MULTI state; installed by the server right after construction. */
  tx!: ClientTransaction;
  /** Pub/Sub state. */
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  readonly shardChannels = new Set<string>();
  softLimitSince = 0;
  pubsub!: ClientPubSub;
  /** Installed by the server: registers a blocked command. */
  blocker: ((c: Client, req: BlockRequest) => void) | null = null;
  /** Installed by the server: where alsoPropagate goes. */
  propagator: Propagator | null = null;
  /** What the running command propagates instead of its argv (rewriteArgv), or null. */
  propArgv: readonly PropArg[] | null = null;
  /** The running command must not propagate its own argv (preventPropagation). */
  propPrevented = false;

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

  get canBlock(): boolean {
    return !this.inExec && this.blocker !== null;
  }

  block(req: BlockRequest): void {
    if (this.blocker === null) throw new Error('this client cannot block');
    this.blocker(this, req);
  }

  resume(): void {
    this.transport?.resume();
  }

  deliver(frame: Buffer): void {
    this.reply.raw(frame);
    this.transport?.flush();
  }

  get outputBufferLength(): number {
    return this.transport?.outputBufferLength ?? 0;
  }

  disconnect(_reason: string): void {
    this.transport?.destroy();
  }

  replyError(msg: string): void {
    this.reply.error(msg);
  }

  select(index: number): void {
    this.dbIndex = index;
    this.db = this.ks.db(index);
  }

  rewriteArgv(args: readonly PropArg[]): void {
    this.propArgv = args;
  }

  alsoPropagate(dbIndex: number, args: readonly PropArg[]): void {
    if (this.propagator !== null) this.propagator.also(dbIndex, args);
  }

  preventPropagation(): void {
    this.propPrevented = true;
  }
}
