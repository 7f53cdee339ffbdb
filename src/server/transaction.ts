/**
 * A client's MULTI/EXEC state (TransactionControl). Commands are queued by the dispatcher
 * once the gates pass; EXEC runs them back to back through Dispatcher.call with the client
 * marked inExec, so blocking commands answer at once and blocked clients are served only after
 * the whole transaction (the dispatcher's after-command hook for EXEC).
 */
import type { Argv } from '../protocol/argv.js';
import type { TransactionControl } from '../commands/spec.js';
import type { CommandEntry } from './command-table.js';
import type { Client } from './client.js';
import type { Server } from './server.js';

export const EXECABORT = 'EXECABORT Transaction discarded because of previous errors.';

export interface QueuedCommand {
  readonly entry: CommandEntry;
  readonly argv: Argv;
}

export class ClientTransaction implements TransactionControl {
  queue: QueuedCommand[] | null = null;
  /** A command was rejected while queueing: EXEC answers EXECABORT. */
  aborted = false;

  constructor(
    private readonly c: Client,
    private readonly server: Server,
  ) {}

  get inMulti(): boolean {
    return this.queue !== null;
  }

  begin(): string | null {
    if (this.queue !== null) return 'ERR MULTI calls can not be nested';
    this.queue = [];
    this.aborted = false;
    return null;
  }

  /** Drop the queue (DISCARD, RESET, EXEC's end). */
  clear(): void {
    this.queue = null;
    this.aborted = false;
  }

  discard(): string | null {
    if (this.queue === null) return 'ERR DISCARD without MULTI';
    this.clear();
    this.unwatch();
    return null;
  }

  watch(keys: readonly string[]): string | null {
    if (this.queue !== null) return 'ERR WATCH inside MULTI is not allowed';
    for (const k of keys) this.server.watches.watch(this.c, this.c.db, k, this.server.ks.now);
    return null;
  }

  unwatch(): void {
    this.server.watches.unwatchAll(this.c);
  }

  exec(): void {
    const c = this.c;
    const w = c.reply;
    const q = this.queue;
    if (q === null) {
      w.error('ERR EXEC without MULTI');
      return;
    }
    if (this.aborted) {
      this.clear();
      this.unwatch();
      w.error(EXECABORT);
      return;
    }
    const ks = this.server.ks;
    if (c.dirtyCas || this.server.watches.expiredSinceWatch(c, ks.dbs, ks.now)) {
      this.clear();
      this.unwatch();
      w.nullArray();
      return;
    }
    this.clear();
    this.unwatch();
    const name = c.commandName;
    c.inExec = true;
    try {
      w.arrayHeader(q.length);
      for (const cmd of q) this.server.dispatcher.call(c, cmd.entry, cmd.argv);
    } finally {
      c.inExec = false;
      c.commandName = name;
    }
  }
}
