/**
 * Propagation: what reaches the AOF (and, later, replicas) after commands change data, in
 * Redis 7.0's shape (server.c call() / alsoPropagate / propagatePendingCommands).
 *
 * An *execution unit* is one top-level command (with everything EXEC or a script runs inside
 * it) or one blocked client being served. During a unit, commands queue what they propagate:
 * keys found expired (DEL), extra commands (ctx.alsoPropagate), then each command's own
 * arguments, possibly rewritten (ctx.rewriteArgv), when it changed data and did not prevent
 * it. When the unit ends, one queued command is fed as it is; several are wrapped in
 * MULTI/EXEC so that they load atomically, as Redis 7.0 does (EXEC itself and EVAL are never
 * propagated: their effects are). Keys reclaimed by the active expiry cycle are fed at once,
 * each on its own (Redis's propagate_no_multi).
 *
 * With no target (AOF off) every entry point returns at its first check: the hot path pays
 * one field read. A unit of one command (the common case) is fed straight from the request's
 * Argv, without a copy; only commands nested in EXEC or a script are copied while queued.
 */
import { Argv } from '../protocol/argv.js';
import type { PropArg } from '../commands/spec.js';

/** Where propagated commands go (the AOF writer). */
export interface PropagationTarget {
  /** Append one command, run in database `db` (-1: no SELECT needed, e.g. EXEC). */
  feed(db: number, cmd: Argv | readonly PropArg[]): void;
}

const MULTI: readonly PropArg[] = ['MULTI'];
const EXEC: readonly PropArg[] = ['EXEC'];

export class Propagator {
  target: PropagationTarget | null = null;
  /** Nesting of units in progress (dispatcher.call, a blocked client being served). */
  depth = 0;
  private readonly dbs: number[] = [];
  private readonly cmds: (Argv | readonly PropArg[])[] = [];

  /** alsoPropagate: queue a command for the current unit. */
  also(db: number, args: readonly PropArg[]): void {
    if (this.target === null) return;
    if (this.depth === 0) {
      this.target.feed(db, args);
      return;
    }
    this.dbs.push(db);
    this.cmds.push(ownedArgs(args));
  }

  /**
   * A command's own propagation at the end of its call (depth already back to its caller's).
   * At the top level with nothing queued it is fed straight away: `argv` is still valid.
   */
  own(db: number, cmd: Argv | readonly PropArg[]): void {
    const target = this.target;
    if (target === null) return;
    if (this.depth === 0 && this.cmds.length === 0) {
      target.feed(db, cmd);
      return;
    }
    this.dbs.push(db);
    // Nested commands' arguments (EXEC's queue, a script's redis.call) may be reused before
    // the unit ends: keep copies.
    this.cmds.push(this.depth === 0 ? cmd : cmd instanceof Argv ? cmd.clone() : ownedArgs(cmd));
  }

  /** A key deleted because it expired: DEL in its unit, or on its own (active expiry). */
  expired(db: number, key: string): void {
    if (this.target === null) return;
    this.also(db, ['DEL', key]);
  }

  get pending(): boolean {
    return this.cmds.length !== 0;
  }

  /** End of a top-level unit: feed what it queued, in MULTI/EXEC when more than one. */
  flushUnit(): void {
    const cmds = this.cmds;
    const n = cmds.length;
    if (n === 0) return;
    const dbs = this.dbs;
    const target = this.target;
    if (target !== null) {
      if (n === 1) {
        target.feed(dbs[0] as number, cmds[0] as Argv);
      } else {
        target.feed(dbs[0] as number, MULTI);
        for (let i = 0; i < n; i++) target.feed(dbs[i] as number, cmds[i] as Argv);
        target.feed(-1, EXEC);
      }
    }
    cmds.length = 0;
    dbs.length = 0;
  }
}

/** Arguments with byte views copied (views into a request buffer do not outlive the command). */
function ownedArgs(args: readonly PropArg[]): readonly PropArg[] {
  for (let i = 0; i < args.length; i++) {
    if (typeof args[i] !== 'string') return args.map((a) => (typeof a === 'string' ? a : Buffer.from(a)));
  }
  return args;
}
