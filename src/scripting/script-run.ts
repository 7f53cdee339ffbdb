/**
 * ScriptRunner: one script run (EVAL or FCALL) from start to reply, as Redis 7.0's script.c
 * drives it: the script's rules are set up (read-only, allow-oom), it runs, and its result or
 * error is the caller's reply.
 *
 * A run past busy-reply-threshold is a busy script. The count hook then asks the engine to
 * suspend it (lua-engine.ts), the server holds the caller's further requests and answers -BUSY
 * to other clients (only allow_busy commands run: SCRIPT KILL, FUNCTION KILL, FUNCTION STATS,
 * SHUTDOWN NOSAVE, MULTI/WATCH...), and the script resumes on the next event-loop turn, again
 * every TURN_MS while it runs. SCRIPT KILL marks it killed: the next hook raises Redis's error,
 * and from then on the hook fires on every line so that pcall cannot keep it alive. A script
 * that has written cannot be killed (UNKILLABLE), as in Redis.
 *
 * Imports commands/ (types and errors), protocol/ and its own folder only.
 */
import type { Argv } from '../protocol/argv.js';
import type { CommandContext, ServerServices } from '../commands/spec.js';
import { SCRIPT_ERR } from '../commands/errors.js';
import { LuaEngine, RUN_ERROR_COUNTED, RUN_OK, RUN_SUSPENDED, SUSPEND } from './lua-engine.js';

/** Redis's count-hook period, in Lua VM instructions. */
export const HOOK_INSTRUCTIONS = 100_000;
/** A busy script lets the event loop turn at least this often (ms). */
const TURN_MS = 5;
/**
 * A busy script that has not let the event loop turn for this many busy-reply-thresholds
 * (at least STUCK_MIN_MS) is stuck where it cannot be suspended (an endless loop inside a
 * metamethod, a generic-for iterator or an error handler): SCRIPT KILL could never reach it,
 * so it is killed as if by SCRIPT KILL, provided it has not written.
 */
const STUCK_THRESHOLDS = 10;
const STUCK_MIN_MS = 1000;
/** Linear memory above this, with a small heap after a run, is given back (new instance). */
const LUA_RECYCLE_ABOVE = 64 * 1024 * 1024;
const KILLED = 'Script killed by user with SCRIPT KILL...';

/** What a run needs to know about the script. */
export interface RunRequest {
  /** The compiled function's handle, and the engine state it lives in. */
  readonly ref: number;
  readonly state: number;
  readonly nkeys: number;
  /** The SHA1, or the function's name (error messages, FUNCTION STATS). */
  readonly name: string;
  readonly isEval: boolean;
  /** Write commands are refused (EVAL_RO/FCALL_RO, or the no-writes flag). */
  readonly readOnly: boolean;
  readonly allowOom: boolean;
}

interface RunState {
  readonly ctx: CommandContext;
  readonly name: string;
  readonly isEval: boolean;
  /** performance.now() at the start, and when the event loop last had its turn. */
  readonly start: number;
  lastTurn: number;
  timedOut: boolean;
  killed: boolean;
  killLogged: boolean;
  /** Suspended at least once: the caller waits, and the reply is written when it ends. */
  suspended: boolean;
  /** The reply is not to be sent (CLIENT REPLY OFF/SKIP when the command ran). */
  silent: boolean;
  /** The caller's command (FUNCTION STATS), kept once the run is suspended. */
  command: readonly string[];
}

export interface RunnerDeps {
  readonly server: ServerServices;
  log(level: 'debug' | 'verbose' | 'notice' | 'warning', msg: string): void;
}

export class ScriptRunner {
  private current: RunState | null = null;
  private readonly resumeFn = (): void => this.resume();

  constructor(
    private readonly deps: RunnerDeps,
    private readonly engine: () => LuaEngine,
  ) {}

  /** A script is running (it can only be observed from outside while suspended). */
  get running(): boolean {
    return this.current !== null;
  }

  /** Whether the running script is an EVAL (true) or a function (false); null when none. */
  get runningEval(): boolean | null {
    return this.current === null ? null : this.current.isEval;
  }

  /** Run a script for `ctx` with KEYS/ARGV from argv[3...]; replies now or when it ends. */
  start(ctx: CommandContext, argv: Argv, req: RunRequest): void {
    const server = this.deps.server;
    const engine = this.engine();
    server.beginScript(ctx, { readOnly: req.readOnly, allowOom: req.allowOom });
    const now = performance.now();
    this.current = {
      ctx,
      name: req.name,
      isEval: req.isEval,
      start: now,
      lastTurn: now,
      timedOut: false,
      killed: false,
      killLogged: false,
      suspended: false,
      silent: false,
      command: [],
    };
    engine.setHookInterval(Number(server.config.get('busy-reply-threshold')) > 0 ? HOOK_INSTRUCTIONS : 0);
    const n = req.nkeys;
    let status: number;
    try {
      status = engine.run(req.ref, argv, 3, n, 3 + n, argv.argc - 3 - n, req.name, ctx.client.resp, req.state);
    } catch (err) {
      this.current = null;
      server.endScript();
      throw err;
    }
    if (status === RUN_SUSPENDED) {
      this.suspended(argv);
      return;
    }
    this.finish(status);
  }

  /** The engine's count hook. */
  hook(): string | null | typeof SUSPEND {
    const run = this.current;
    if (run === null) return null;
    if (run.killed) {
      if (!run.killLogged) {
        run.killLogged = true;
        this.deps.log('warning', 'Lua script killed by user with SCRIPT KILL.');
      }
      return KILLED;
    }
    const now = performance.now();
    const threshold = Number(this.deps.server.config.get('busy-reply-threshold'));
    if (!run.timedOut) {
      const elapsed = now - run.start;
      if (elapsed < threshold) return null;
      run.timedOut = true;
      this.deps.log(
        'warning',
        `Slow script detected: still in execution after ${Math.floor(elapsed)} milliseconds. You can try killing the script using the ${run.isEval ? 'SCRIPT KILL' : 'FUNCTION KILL'} command. Script name is: ${run.name}.`,
      );
      return SUSPEND;
    }
    const sinceTurn = now - run.lastTurn;
    if (sinceTurn >= Math.max(STUCK_MIN_MS, STUCK_THRESHOLDS * threshold) && !this.deps.server.scriptWroteData()) {
      run.killed = true;
      run.killLogged = true;
      this.deps.log('warning', `Lua script killed: it could not give the server a turn for ${Math.floor(sinceTurn)} milliseconds. Script name is: ${run.name}.`);
      return KILLED;
    }
    return sinceTurn >= TURN_MS ? SUSPEND : null;
  }

  /** SCRIPT KILL (isEval) or FUNCTION KILL, as Redis's scriptKill answers. */
  kill(ctx: CommandContext, isEval: boolean): void {
    const run = this.current;
    const w = ctx.reply;
    if (run === null) w.error(SCRIPT_ERR.notBusy);
    else if (this.deps.server.scriptWroteData()) w.error(SCRIPT_ERR.unkillable);
    else if (isEval && !run.isEval) w.error(SCRIPT_ERR.busyFunction);
    else if (!isEval && run.isEval) w.error(SCRIPT_ERR.busyEval);
    else {
      run.killed = true;
      w.ok();
    }
  }

  /** FUNCTION STATS's running_script: null, or the function, its command and its duration. */
  replyRunning(ctx: CommandContext): void {
    const run = this.current;
    const w = ctx.reply;
    if (run === null) {
      w.nullBulk();
      return;
    }
    w.mapHeader(3);
    w.bulk('name');
    w.bulk(run.name);
    w.bulk('command');
    w.arrayHeader(run.command.length);
    for (const a of run.command) w.bulk(a);
    w.bulk('duration_ms');
    w.integer(Math.floor(performance.now() - run.start));
  }

  /** Drop a suspended script without finishing it (SHUTDOWN NOSAVE, the server closing). */
  abandon(): void {
    if (this.current === null) return;
    this.current = null;
    this.engine().abandon();
  }

  // -------------------------------------------------------------------------------------------

  private suspended(argv: Argv): void {
    const run = this.current as RunState;
    if (!run.suspended) {
      run.suspended = true;
      const mode = run.ctx.client.replyMode;
      run.silent = mode === 'off' || mode === 'skip';
      run.command = argv.toStrings(0);
      this.deps.server.suspendScript(run.ctx, run.isEval ? SCRIPT_ERR.busyEval : SCRIPT_ERR.busyFunction);
    }
    setImmediate(this.resumeFn);
  }

  private resume(): void {
    const run = this.current;
    const engine = this.engine();
    if (run === null || !engine.suspended) return;
    this.deps.server.resumeScript();
    run.lastTurn = performance.now();
    const status = engine.resume();
    if (status === RUN_SUSPENDED) {
      setImmediate(this.resumeFn);
      return;
    }
    this.finish(status);
  }

  /** The script ended: its reply goes to the caller, and the server is told. */
  private finish(status: number): void {
    const run = this.current as RunState;
    this.current = null;
    const engine = this.engine();
    const w = run.ctx.reply;
    if (!run.silent) {
      if (status === RUN_OK) w.raw(engine.output());
      // The error was counted by the command that raised it: write it without counting again.
      else if (status === RUN_ERROR_COUNTED) w.raw(Buffer.from(`-${engine.outputText().replace(/[\r\n]/g, ' ')}\r\n`, 'latin1'));
      else w.error(engine.outputText());
    }
    engine.outputDone();
    const server = this.deps.server;
    server.endScript();
    if (run.suspended) server.scriptFinished(run.ctx);
    engine.recycleIfBloated(LUA_RECYCLE_ABOVE);
  }
}
