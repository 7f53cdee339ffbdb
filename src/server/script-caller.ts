/**
 * ScriptCaller: how a script's redis.call reaches the command table (Redis's scriptCall).
 *
 * Commands run as one fake client (never listed, never blocking) that takes the caller's
 * database and user at the start of each script. Before a command runs, the script rules are
 * checked in Redis's order: the command exists with a valid arity, is not `noscript`, and is
 * not a write (or may-replicate) command in a read-only script. Refusals are error replies
 * counted in the error stats, and the command's rejected_calls, like Redis's afterErrorReply.
 * The dispatcher's clock is frozen for the whole script: keys expire as of the script's start.
 *
 * A busy script is suspended between event-loop turns (src/scripting/script-run.ts). While it
 * is, the caller's further requests wait (it is marked blocked), a dispatcher gate answers
 * -BUSY to every command without the allow_busy flag, the propagation unit stays open so that
 * the script's effects reach the AOF as one unit, and the frozen time is put back before each
 * turn of the script.
 */
import type { Argv } from '../protocol/argv.js';
import type { CommandContext, ScriptRunFlags } from '../commands/spec.js';
import { Client } from './client.js';
import { ClientTransaction } from './transaction.js';
import { ClientPubSub } from './client-pubsub.js';
import { F, type CommandEntry } from './command-table.js';
import type { Gate } from './dispatcher.js';
import type { Server } from './server.js';
import { ERR, SCRIPT_ERR } from '../commands/errors.js';


const EMPTY = Buffer.alloc(0);

export class ScriptCaller {
  private fake: Client | null = null;
  private running = false;
  private readOnly = false;
  private allowOom = false;
  /** A write command has run in this script (Redis's SCRIPT_WRITE_DIRTY). */
  wroteData = false;
  /** The command time the script runs at, and whether the clock was frozen before it. */
  private snapshot = 0;
  private prevFrozen = false;
  /** The script has been suspended; its caller, until it ends. */
  private suspendedOnce = false;
  private busyError = '';
  private readonly busyGate: Gate = (_c, e) => ((e.flags & F.allow_busy) !== 0 ? null : this.busyError);

  constructor(private readonly server: Server) {}

  /** A script is suspended (busy): other clients get -BUSY. */
  get busy(): boolean {
    return this.suspendedOnce;
  }

  begin(caller: CommandContext, run: ScriptRunFlags): void {
    const c = this.client();
    c.select(caller.client.dbIndex);
    c.user = caller.client.user;
    c.resp = 2;
    this.readOnly = run.readOnly;
    this.allowOom = run.allowOom;
    this.wroteData = false;
    this.running = true;
    this.suspendedOnce = false;
    const d = this.server.dispatcher;
    this.prevFrozen = d.timeFrozen;
    d.timeFrozen = true;
    this.snapshot = this.server.ks.now;
  }

  end(): void {
    this.running = false;
    // After a suspension the script ends on its own event-loop turn: nothing outside is frozen.
    this.server.dispatcher.timeFrozen = this.suspendedOnce ? false : this.prevFrozen;
  }

  /** The script is suspended: hold its caller, refuse other clients' commands, keep the unit. */
  suspend(caller: CommandContext, busyError: string): void {
    const c = caller as Client;
    const d = this.server.dispatcher;
    this.suspendedOnce = true;
    this.busyError = busyError;
    c.blocked = true;
    c.scriptSuspended = true;
    d.gates.push(this.busyGate);
    d.prop.depth++;
  }

  /** The script goes on: its time as when it started. */
  resume(): void {
    this.server.dispatcher.timeFrozen = true;
    this.server.ks.now = this.snapshot;
  }

  /** A suspended script has ended (and replied): its caller, an EXEC around it, and blocked clients carry on. */
  finished(caller: CommandContext): void {
    const c = caller as Client;
    const d = this.server.dispatcher;
    const i = d.gates.indexOf(this.busyGate);
    if (i >= 0) d.gates.splice(i, 1);
    this.suspendedOnce = false;
    c.blocked = false;
    c.scriptSuspended = false;
    c.tx.resumeExec();
    const prop = d.prop;
    prop.depth--;
    if (prop.depth === 0 && prop.pending) prop.flushUnit();
    // This turn has no input to schedule beforeSleep, which writes the AOF and the replies it holds.
    this.server.afterInput();
    // The rest of an EXEC may have started another busy script.
    if (c.scriptSuspended) return;
    const blocking = this.server.blocking;
    if (blocking.hasReady) blocking.serveReady();
    c.resume();
  }

  call(argv: Argv, resp: 2 | 3): Uint8Array {
    const c = this.client();
    const w = c.reply;
    w.resp = resp;
    if (!this.running) return this.refuse(SCRIPT_ERR.notInScript, null);
    let e: CommandEntry | undefined = this.server.table.find(argv);
    if (e !== undefined && e.subcommands !== null && argv.argc >= 2) e = e.subcommands.get(argv.lower(1));
    if (e === undefined) return this.refuse(SCRIPT_ERR.unknownCommand, null);
    const arity = e.spec.arity;
    if ((arity > 0 && argv.argc !== arity) || argv.argc < -arity) return this.refuse(SCRIPT_ERR.arity, e);
    const flags = e.flags;
    if ((flags & F.noscript) !== 0) return this.refuse(SCRIPT_ERR.noscriptCommand, e);
    if (this.readOnly && (flags & (F.write | F.may_replicate)) !== 0) return this.refuse(SCRIPT_ERR.writeFromReadOnly, e);
    // MISCONF (scriptVerifyWriteCommandAllow): refused unless the script already wrote.
    if ((flags & F.write) !== 0 && !this.wroteData && this.server.persistence.writesDenied) return this.refuse(ERR.misconf, e);
    // scriptVerifyOOM: deny-oom commands are refused over maxmemory until the script writes.
    if (!this.allowOom && (flags & F.denyoom) !== 0 && !this.wroteData && this.server.oomDenied()) return this.refuse(ERR.oom, e);
    if ((flags & F.write) !== 0) this.wroteData = true;
    this.server.dispatcher.call(c, e, argv);
    return w.take() ?? EMPTY;
  }

  private refuse(msg: string, e: CommandEntry | null): Uint8Array {
    if (e !== null) e.stats.rejectedCalls++;
    const w = this.client().reply;
    w.error(msg);
    return w.take() ?? EMPTY;
  }

  private client(): Client {
    if (this.fake !== null) return this.fake;
    const s = this.server;
    const c = new Client(0, s.ks, s, true, s.clockNow());
    c.reply.onError = (msg) => s.dispatcher.countError(msg);
    // No blocker and inExec: blocking commands answer at once, as for Redis's script client.
    c.inExec = true;
    c.inScript = true;
    c.propagator = s.dispatcher.prop;
    c.tx = new ClientTransaction(c, s);
    c.pubsub = new ClientPubSub(c, s);
    this.fake = c;
    return c;
  }
}
