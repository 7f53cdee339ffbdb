/**
 * ScriptCaller: how a script's redis.call reaches the command table (Redis's scriptCall).
 *
 * Commands run as one fake client (never listed, never blocking) that takes the caller's
 * database and user at the start of each script. Before a command runs, the script rules are
 * checked in Redis's order: the command exists with a valid arity, is not `noscript`, and is
 * not a write (or may-replicate) command in a read-only script. Refusals are error replies
 * counted in the error stats, and the command's rejected_calls, like Redis's afterErrorReply.
 * The dispatcher's clock is frozen for the whole script: keys expire as of the script's start.
 */
import type { Argv } from '../protocol/argv.js';
import type { CommandContext, ScriptRunFlags } from '../commands/spec.js';
import { Client } from './client.js';
import { ClientTransaction } from './transaction.js';
import { ClientPubSub } from './client-pubsub.js';
import { F, type CommandEntry } from './command-table.js';
import type { Server } from './server.js';
import { SCRIPT_ERR } from '../commands/errors.js';


const EMPTY = Buffer.alloc(0);

export class ScriptCaller {
  private fake: Client | null = null;
  private running = false;
  private readOnly = false;
  /** A write command has run in this script (Redis's SCRIPT_WRITE_DIRTY). */
  wroteData = false;

  constructor(private readonly server: Server) {}

  begin(caller: CommandContext, run: ScriptRunFlags): void {
    const c = this.client();
    c.select(caller.client.dbIndex);
    c.user = caller.client.user;
    c.resp = 2;
    this.readOnly = run.readOnly;
    this.wroteData = false;
    this.running = true;
    this.server.dispatcher.timeFrozen = true;
  }

  end(): void {
    this.running = false;
    this.server.dispatcher.timeFrozen = false;
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
    c.tx = new ClientTransaction(c, s);
    c.pubsub = new ClientPubSub(c, s);
    this.fake = c;
    return c;
  }
}
