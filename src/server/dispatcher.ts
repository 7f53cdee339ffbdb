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
import { performance } from 'node:perf_hooks';
import type { Argv } from '../protocol/argv.js';
import { SHARED } from '../protocol/reply-writer.js';
import { ERR, unknownCommand, unknownSubcommand, wrongArity } from '../commands/errors.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import type { Client } from './client.js';
import { F, TX_CONTROL, type CommandEntry, type CommandTable } from './command-table.js';
import { Propagator } from './propagate.js';

export type Gate = (c: Client, e: CommandEntry, argv: Argv) => string | null;

/** Commands that must be authenticated first unless flagged no_auth. */
export const requireAuth: Gate = (c, e) => (c.authenticated || (e.flags & F.no_auth) !== 0 ? null : ERR.noAuth);

function isSubscribed(c: Client): boolean {
  return c.channels.size !== 0 || c.patterns.size !== 0 || c.shardChannels.size !== 0;
}

/** Commands a RESP2 client may run while subscribed. */
const SUBSCRIBER_ALLOWED = new Set(['subscribe', 'psubscribe', 'ssubscribe', 'unsubscribe', 'punsubscribe', 'sunsubscribe', 'ping', 'quit', 'reset']);

/** RESP2 subscribers can only manage subscriptions (RESP3 ones may run anything). */
export const subscriberContext: Gate = (c, e) => {
  if (c.resp !== 2 || !isSubscribed(c)) return null;
  const name = e.parent ? e.parent.spec.name : e.spec.name;
  if (SUBSCRIBER_ALLOWED.has(name)) return null;
  return `ERR Can't execute '${e.fullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`;
};

export interface DispatchHooks {
  /** After a command that changed data (dirty > 0): propagation to AOF/replicas. */
  afterWrite(c: Client, e: CommandEntry, argv: Argv, dirty: number): void;
  /** After every command (blocking wake-ups, keyspace-event delivery). */
  afterCommand(c: Client): void;
}

/** Commands of one pipelined batch that may share one Date.now() reading (see wallNow). */
const WALL_REUSE = 15;

/** requireAuth and subscriberContext; subsystems append theirs after them. */
const BUILTIN_GATES = 2;

export class Dispatcher {
  readonly gates: Gate[] = [requireAuth, subscriberContext];
  hooks: DispatchHooks | null = null;
  /** What commands propagate to the AOF, per execution unit (see propagate.ts). */
  readonly prop = new Propagator();
  /** Total changes since the last save, Redis's server.dirty. */
  dirty = 0;
  totalCommands = 0;
  rejectedCalls = 0;
  readonly errorStats = new Map<string, number>();
  totalErrorReplies = 0;
  /**
   * Error replies already attributed to a command (Redis's prev_err_count): an error raised
   * by a command inside EXEC or a script counts as that command's failure, not EXEC's too.
   */
  private errorMark = 0;
  /**
   * While a script runs, its commands keep the script's start time as the command time, so
   * keys expire as of the script's start (Redis's script snapshot time).
   */
  timeFrozen = false;

  /**
   * A cheap wall clock for bookkeeping that tolerates a millisecond of error (client idle
   * times): origin + the monotonic counter. The origin starts as performance.timeOrigin;
   * resyncClock(), every cron tick, follows the wall clock when it moves by more than a
   * millisecond. Key expiry uses wallNow() instead: under NTP slewing the two clocks part by
   * up to a millisecond between resyncs, and a PTTL one above the TTL just set is visible.
   */
  private origin = performance.timeOrigin;

  constructor(
    readonly table: CommandTable,
    readonly ks: Keyspace,
    /** An injected wall clock (tests), or null for the fast clock above. */
    private readonly clock: (() => number) | null,
  ) {}

  /** Current wall-clock time in ms (integer). */
  now(): number {
    return this.clock !== null ? this.clock() : Math.floor(this.origin + performance.now());
  }

  /**
   * The command's wall-clock time (Redis's mstime for expiry). Date.now() itself, since keys'
   * absolute expiry times come from clients' wall clocks; but within one batch of pipelined
   * requests a reading is reused for up to WALL_REUSE commands (connections call endBatch()
   * after each batch, so nothing outside a batch ever sees a stale reading).
   */
  private wallNow(): number {
    if (this.wallUses > 0) {
      this.wallUses--;
      return this.wallCached;
    }
    this.wallUses = WALL_REUSE;
    return (this.wallCached = Date.now());
  }

  private wallCached = 0;
  private wallUses = 0;

  /** End of a batch of requests read together: the next command reads the clock again. */
  endBatch(): void {
    this.wallUses = 0;
  }

  resyncClock(): void {
    const drift = Date.now() - (this.origin + performance.now());
    // Date.now() truncates to the ms: within (-1, 1] the anchor is still right.
    if (drift > 1 || drift < -1) this.origin += drift;
  }

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
      e.stats.rejectedCalls++;
      this.reject(c, wrongArity(e.fullName));
      return null;
    }
    return e;
  }

  /** Run one request from a client. */
  dispatch(c: Client, argv: Argv): void {
    const e = this.resolve(c, argv);
    if (e === null) return;
    // The common case (authenticated, not a RESP2 subscriber, no subsystem gate) costs two
    // field reads instead of a call per gate.
    const gates = this.gates;
    if (gates.length !== BUILTIN_GATES || !c.authenticated || (c.resp === 2 && isSubscribed(c))) {
      for (let i = 0; i < gates.length; i++) {
        const err = (gates[i] as Gate)(c, e, argv);
        if (err !== null) {
          e.stats.rejectedCalls++;
          this.reject(c, err);
          return;
        }
      }
    }
    const tx = c.tx;
    if (tx.queue !== null && (e.flags & TX_CONTROL) === 0) {
      if ((e.flags & F.no_multi) !== 0) {
        this.reject(c, 'ERR Command not allowed inside a transaction');
        return;
      }
      tx.queue.push({ entry: e, argv: argv.clone() });
      // +QUEUED is a reply like any other: CLIENT REPLY OFF drops it (SKIP cannot reach here:
      // the CLIENT REPLY SKIP itself would have been queued).
      if (c.replyMode === 'on') c.reply.raw(SHARED.queued);
      return;
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
    this.errorMark = this.totalErrorReplies;
    const t0 = performance.now();
    if (!this.timeFrozen) this.ks.now = this.clock !== null ? this.clock() : this.wallNow();
    c.commandName = e.fullName;
    // A nested call (EXEC's commands, a script's) keeps its caller's change count and
    // propagation state apart: EXEC counts none of its commands' changes a second time.
    const outerDirty = c.dirty;
    c.dirty = 0;
    const prop = this.prop;
    const outerArgv = c.propArgv;
    const outerPrevented = c.propPrevented;
    c.propArgv = null;
    c.propPrevented = false;
    prop.depth++;
    if (c.noTouch && (e.flags & F.readonly) !== 0) this.ks.noTouch = true;
    try {
      run(c, argv);
    } catch (err) {
      w.error(`ERR ${err instanceof Error ? err.message : String(err)}`);
    }
    prop.depth--;
    const usec = (performance.now() - t0) * 1000;
    this.ks.noTouch = false;
    const st = e.stats;
    st.calls++;
    st.usec += usec;
    if (this.totalErrorReplies > this.errorMark) st.failedCalls++;
    this.errorMark = this.totalErrorReplies;
    this.totalCommands++;
    c.lastCommand = e.fullName;
    if (skip || c.replyMode !== 'on') applyReplyMode(c, skip, mark);
    const dirty = c.dirty;
    if (dirty > 0) {
      this.dirty += dirty;
      if (prop.target !== null && !c.propPrevented) prop.own(c.dbIndex, c.propArgv ?? argv);
      if (this.hooks !== null) this.hooks.afterWrite(c, e, argv, dirty);
    }
    c.propArgv = outerArgv;
    c.propPrevented = outerPrevented;
    c.dirty = outerDirty;
    if (prop.depth === 0 && prop.pending) prop.flushUnit();
    if (this.hooks !== null) this.hooks.afterCommand(c);
  }

  private reject(c: Client, msg: string): void {
    this.rejectedCalls++;
    // Any command refused while queueing makes EXEC fail with EXECABORT, as in Redis.
    if (c.tx.queue !== null) c.tx.aborted = true;
    const mode = c.replyMode;
    if (mode === 'on') {
      c.reply.error(msg);
      return;
    }
    // CLIENT REPLY OFF / SKIP silence refusals too; errorstats still count them.
    const mark = c.reply.mark();
    c.reply.error(msg);
    c.reply.rollback(mark);
    if (mode === 'skip') c.replyMode = 'on';
  }

  /** Count an error reply by its code (INFO errorstats). Wired to every ReplyWriter. */
  countError(msg: string): void {
    this.totalErrorReplies++;
    const sp = msg.indexOf(' ');
    const code = sp < 0 ? msg : msg.slice(0, sp);
    this.errorStats.set(code, (this.errorStats.get(code) ?? 0) + 1);
  }
}

/**
 * CLIENT REPLY after a command, as Redis checks its flags when a reply is written: a skipped
 * command's reply is dropped unless the command itself turned replies on (CLIENT REPLY ON);
 * OFF drops everything; a skip lasts one command, and SKIP arms it for the next one.
 */
function applyReplyMode(c: Client, skipped: boolean, mark: number): void {
  const mode = c.replyMode;
  if (mode === 'off' || (skipped && mode !== 'on')) c.reply.rollback(mark);
  if (mode === 'skip') c.replyMode = 'on';
  else if (mode === 'skip-next') c.replyMode = 'skip';
}
