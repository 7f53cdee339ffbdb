/**
 * The dispatcher: look a request up in the command table, pass it through the gates, run it,
 * account for it.
 *
 * Hot path. One call per request; no closures or allocation beyond what the command itself
 * needs. Gates are named predicates in a list (Redis's processCommand is one 330-line
 * function): each returns null to let the command through or the error to reply. Subsystems
 * (MULTI, pub/sub, scripting, persistence) add gates and post-execution hooks here rather
 * than patching command code.
 */
import type { Argv } from '../protocol/argv.js';
import { ERR, unknownCommand, unknownSubcommand, wrongArity } from '../commands/errors.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import type { Client } from './client.js';
import { F, type CommandEntry, type CommandTable } from './command-table.js';

export type Gate = (c: Client, e: CommandEntry, argv: Argv) => string | null;

/** Commands that must be authenticated first unless flagged no_auth. */
export const requireAuth: Gate = (c, e) => (c.authenticated || (e.flags & F.no_auth) !== 0 ? null : ERR.noAuth);

export interface DispatchHooks {
  /** After a command that changed data (dirty > 0): propagation to AOF/replicas. */
  afterWrite(c: Client, e: CommandEntry, argv: Argv, dirty: number): void;
  /** After every command (blocking wake-ups, keyspace-event delivery). */
  afterCommand(c: Client): void;
}

export class Dispatcher {
  readonly gates: Gate[] = [requireAuth];
  hooks: DispatchHooks | null = null;
  /** Total changes since the last save, Redis's server.dirty. */
  dirty = 0;
  totalCommands = 0;
  rejectedCalls = 0;
  readonly errorStats = new Map<string, number>();
  totalErrorReplies = 0;

  constructor(
    readonly table: CommandTable,
    readonly ks: Keyspace,
    private readonly clock: () => number,
  ) {}

  /** Resolve argv to a table entry, or reply the Redis error and return null. */
  resolve(c: Client, argv: Argv): CommandEntry | null {
    let e = this.table.find(argv);
    if (e === undefined) {
      this.reject(c, unknownCommand(argv.str(0), argv.toStrings(1)));
      return null;
    }
    if (e.subcommands !== null && argv.argc >= 2) {
      const sub = e.subcommands.get(argv.lower(1));
      if (sub === undefined) {
        this.reject(c, unknownSubcommand(argv.str(1), e.spec.name));
        return null;
      }
      e = sub;
    }
    const arity = e.spec.arity;
    if ((arity > 0 && argv.argc !== arity) || argv.argc < -arity) {
      this.reject(c, wrongArity(e.fullName));
      return null;
    }
    return e;
  }

  /** Run one request from a client. */
  dispatch(c: Client, argv: Argv): void {
    const e = this.resolve(c, argv);
    if (e === null) return;
    const gates = this.gates;
    for (let i = 0; i < gates.length; i++) {
      const err = (gates[i] as Gate)(c, e, argv);
      if (err !== null) {
        e.stats.rejectedCalls++;
        this.reject(c, err);
        return;
      }
    }
    this.call(c, e, argv);
  }

  /** Execute a resolved command (also used by EXEC and scripts, which have their own gates). */
  call(c: Client, e: CommandEntry, argv: Argv): void {
    const run = e.spec.run;
    if (run === undefined) return;
    const w = c.reply;
    const skip = c.replyMode === 'skip';
    const mark = w.mark();
    const errorsBefore = this.totalErrorReplies;
    this.ks.now = this.clock();
    c.commandName = e.fullName;
    c.dirty = 0;
    if (c.noTouch && (e.flags & F.readonly) !== 0) this.ks.noTouch = true;
    const t0 = performance.now();
    try {
      run(c, argv);
    } catch (err) {
      w.error(`ERR ${err instanceof Error ? err.message : String(err)}`);
    }
    const usec = (performance.now() - t0) * 1000;
    this.ks.noTouch = false;
    const st = e.stats;
    st.calls++;
    st.usec += usec;
    if (this.totalErrorReplies !== errorsBefore) st.failedCalls++;
    this.totalCommands++;
    c.lastCommand = e.fullName;
    if (c.replyMode === 'off') {
      w.rollback(mark);
    } else if (skip) {
      w.rollback(mark);
      if (c.replyMode === 'skip') c.replyMode = 'on';
    }
    const dirty = c.dirty;
    if (dirty > 0) {
      this.dirty += dirty;
      if (this.hooks !== null) this.hooks.afterWrite(c, e, argv, dirty);
    }
    if (this.hooks !== null) this.hooks.afterCommand(c);
  }

  private reject(c: Client, msg: string): void {
    this.rejectedCalls++;
    c.reply.error(msg);
  }

  /** Count an error reply by its code (INFO errorstats). Wired to every ReplyWriter. */
  countError(msg: string): void {
    this.totalErrorReplies++;
    const sp = msg.indexOf(' ');
    const code = sp < 0 ? msg : msg.slice(0, sp);
    this.errorStats.set(code, (this.errorStats.get(code) ?? 0) + 1);
  }
}
