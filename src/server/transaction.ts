/**
 * A client's MULTI/EXEC state (TransactionControl). Commands are queued by the dispatcher
 * once the gates pass; EXEC runs them back to back through Dispatcher.call with the client
 * marked inExec, so blocking commands answer at once and blocked clients are served only after
 * the whole transaction (the dispatcher's after-command hook for EXEC), and with the command
 * time frozen at EXEC's.
 */
import type { Argv } from '../protocol/argv.js';
import type { TransactionControl } from '../commands/spec.js';
import type { CommandEntry } from './command-table.js';
import type { Client } from './client.js';
import type { Server } from './server.js';
import { ERR } from '../commands/errors.js';

export interface QueuedCommand {
  readonly entry: CommandEntry;
  readonly argv: Argv;
}

export class ClientTransaction implements TransactionControl {
  queue: QueuedCommand[] | null = null;
  /** A command was rejected while queueing: EXEC answers EXECABORT. */
  aborted = false;
  /** EXEC's commands left to run after a busy script it runs has ended. */
  private rest: { readonly queue: QueuedCommand[]; readonly next: number } | null = null;

  constructor(
    private readonly c: Client,
    private readonly server: Server,
  ) {}

  get inMulti(): boolean {
    return this.queue !== null;
  }

  begin(): string | null {
    if (this.queue !== null) return ERR.multiNested;
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
    if (this.queue === null) return ERR.discardWithoutMulti;
    this.clear();
    this.unwatch();
    return null;
  }

  watch(keys: readonly string[]): string | null {
    if (this.queue !== null) return ERR.watchInsideMulti;
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
      w.error(ERR.execWithoutMulti);
      return;
    }
    if (this.aborted) {
      this.clear();
      this.unwatch();
      w.error(ERR.execAbort);
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
    w.arrayHeader(q.length);
    this.runQueued(q, 0);
  }

  /** A busy script suspended inside EXEC has ended: run the rest of the transaction. */
  resumeExec(): void {
    const rest = this.rest;
    if (rest === null) return;
    this.rest = null;
    this.runQueued(rest.queue, rest.next);
  }

  /** Run queued commands from `from` on; a busy script suspends the rest (see resumeExec). */
  private runQueued(q: QueuedCommand[], from: number): void {
    const c = this.c;
    const name = c.commandName;
    const d = this.server.dispatcher;
    // The queued commands run at EXEC's time, as in Redis: a key that expires while the
    // transaction runs (DEBUG SLEEP, a slow command) stays there until EXEC is over.
    const frozen = d.timeFrozen;
    d.timeFrozen = true;
    c.inExec = true;
    try {
      for (let i = from; i < q.length; i++) {
        const cmd = q[i] as QueuedCommand;
        d.call(c, cmd.entry, cmd.argv);
        if (c.scriptSuspended) {
          this.rest = { queue: q, next: i + 1 };
          return;
        }
      }
    } finally {
      c.inExec = false;
      d.timeFrozen = frozen;
      c.commandName = name;
    }
  }
}
