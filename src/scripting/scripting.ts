/**
 * Scripting: EVAL/EVALSHA (and their _RO forms) and the script cache behind SCRIPT, as in
 * Redis 7.0's eval.c. Scripts are kept by SHA1 with their body and shebang flags; the Lua
 * engine (lua-engine.ts) is created on first use, so a server that never runs a script never
 * loads the WebAssembly module.
 *
 * A run: numkeys is checked, the function is found (or compiled, for EVAL), the shebang's
 * flags are checked against the command, then the script runs (script-run.ts) with its
 * redis.call commands going through ServerServices.callFromScript (the server's dispatcher,
 * with script rules).
 *
 * FUNCTION libraries (functions.ts) share the engine, in a Lua state of their own; FCALL runs
 * their functions the same way.
 *
 * Imports commands/ (types), protocol/ and its own folder only.
 */
import { createHash } from 'node:crypto';
import type { Argv } from '../protocol/argv.js';
import type { CommandContext, FunctionLibraryView, ScriptingService, ServerServices } from '../commands/spec.js';
import { ERR, SCRIPT_ERR, scriptCompileError, shebangUnexpectedEngine, shebangUnexpectedFlag, shebangUnknownOption } from '../commands/errors.js';
import { CHUNK_SCRIPT, LuaEngine, STATE_EVAL, STATE_FUNCTION, SUSPEND, type LuaHost } from './lua-engine.js';
import { FunctionLibraries, type RestorePolicy } from './functions.js';
import { HOOK_INSTRUCTIONS, ScriptRunner } from './script-run.js';

/** Shebang / register_function flags; a script without a shebang runs in compatibility mode. */
export const SCRIPT_FLAG = {
  compat: 1,
  noWrites: 2,
  allowOom: 4,
  allowStale: 8,
  noCluster: 16,
  allowCrossSlot: 32,
} as const;

/** Flag names in Redis's order (FUNCTION LIST reports them in it). */
const FLAG_NAMES: Readonly<Record<string, number>> = {
  'no-writes': SCRIPT_FLAG.noWrites,
  'allow-oom': SCRIPT_FLAG.allowOom,
  'allow-stale': SCRIPT_FLAG.allowStale,
  'no-cluster': SCRIPT_FLAG.noCluster,
  'allow-cross-slot-keys': SCRIPT_FLAG.allowCrossSlot,
};

/**
 * Cap on the Lua heap. Redis has none (a runaway script takes the machine's memory); wasm
 * memory only grows, so a bound keeps one bad script from holding gigabytes: it fails with
 * "not enough memory" instead.
 */
const LUA_HEAP_LIMIT = 512 * 1024 * 1024;
/** FUNCTION LOAD stops a library's code that runs longer than this (Redis's LOAD_TIMEOUT_MS). */
const LOAD_TIMEOUT_MS = 500;

/** What the server provides besides ServerServices. */
export interface ScriptingDeps {
  readonly server: ServerServices;
  log(level: 'debug' | 'verbose' | 'notice' | 'warning', msg: string): void;
}

interface CachedScript {
  readonly body: Buffer;
  readonly flags: number;
  /** Length of the shebang line (compiled from there on, keeping its newline). */
  readonly shebangLength: number;
  /** The compiled function in the engine, valid while `generation` matches the engine's. */
  ref: number;
  generation: number;
}

/** Parse `#!lua flags=a,b` into script flags; a string is the error reply. */
export function parseShebang(body: Buffer): { flags: number; length: number } | string {
  if (body.length < 2 || body[0] !== 0x23 || body[1] !== 0x21) return { flags: SCRIPT_FLAG.compat, length: 0 };
  const nl = body.indexOf(0x0a);
  if (nl < 0) return SCRIPT_ERR.shebangInvalid;
  const parts = body.latin1Slice(0, nl).split(/[ \t\r\v\f]+/).filter((p) => p !== '');
  if (parts.length === 0) return SCRIPT_ERR.shebangNoEngine;
  if (parts[0] !== '#!lua') return shebangUnexpectedEngine(parts[0] as string);
  let flags = 0;
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i] as string;
    if (!part.startsWith('flags=')) return shebangUnknownOption(part);
    const list = part.slice(6);
    if (list === '') continue;
    for (const name of list.split(',')) {
      const f = FLAG_NAMES[name];
      if (f === undefined) return shebangUnexpectedFlag(name);
      flags |= f;
    }
  }
  return { flags, length: nl };
}

export function sha1hex(body: Uint8Array): string {
  return createHash('sha1').update(body).digest('hex');
}

export class Scripting implements ScriptingService, LuaHost {
  private engine: LuaEngine | null = null;
  private readonly scripts = new Map<string, CachedScript>();
  /** Bytes of cached bodies and names, for used_memory_scripts_eval. */
  private scriptBytes = 0;
  readonly functions = new FunctionLibraries(
    () => this.lua(),
    () => this.engine,
  );
  private readonly runner: ScriptRunner;
  /** performance.now() after which a FUNCTION LOAD's code is stopped; 0: no load runs. */
  private loadDeadline = 0;
  private loading = false;

  constructor(private readonly deps: ScriptingDeps) {
    this.runner = new ScriptRunner(deps, () => this.lua());
  }

  /** A script is running: it is suspended, busy, and other clients get -BUSY. */
  get busy(): boolean {
    return this.runner.running;
  }

  /** The -BUSY error for the running script (EVAL's or a function's), or null. */
  busyError(): string | null {
    const isEval = this.runner.runningEval;
    return isEval === null ? null : isEval ? SCRIPT_ERR.busyEval : SCRIPT_ERR.busyFunction;
  }

  eval(ctx: CommandContext, argv: Argv, bySha: boolean, readOnly: boolean): void {
    const w = ctx.reply;
    if (bySha && argv.len(1) !== 40) {
      w.error(SCRIPT_ERR.noScript);
      return;
    }
    const numkeys = this.numkeys(ctx, argv, ERR.notInteger);
    if (numkeys < 0) return;
    let sha: string;
    let script: CachedScript | undefined;
    if (bySha) {
      sha = argv.str(1).toLowerCase();
      script = this.scripts.get(sha);
      if (script === undefined) {
        w.error(SCRIPT_ERR.noScript);
        return;
      }
    } else {
      const body = argv.bytes(1);
      sha = sha1hex(body);
      script = this.scripts.get(sha) ?? this.create(ctx, sha, body);
      if (script === undefined) return;
    }
    const engine = this.lua();
    if (script.generation !== engine.generation && !this.compile(ctx, script)) return;
    this.runChecked(ctx, argv, script.ref, STATE_EVAL, numkeys, sha, script.flags, true, readOnly);
  }

  fcall(ctx: CommandContext, argv: Argv, readOnly: boolean): void {
    const f = this.functions.find(argv.str(1));
    if (f === undefined) {
      ctx.reply.error(SCRIPT_ERR.functionNotFound);
      return;
    }
    const numkeys = this.numkeys(ctx, argv, SCRIPT_ERR.badNumberOfKeys);
    if (numkeys < 0) return;
    this.runChecked(ctx, argv, f.ref, STATE_FUNCTION, numkeys, f.name, f.flags, false, readOnly);
  }

  load(ctx: CommandContext, body: Uint8Array): void {
    const sha = sha1hex(body);
    if (!this.scripts.has(sha) && this.create(ctx, sha, Buffer.from(body)) === undefined) return;
    ctx.reply.bulk(sha);
  }

  exists(sha: string): boolean {
    return this.scripts.has(sha.toLowerCase());
  }

  flush(): void {
    this.scripts.clear();
    this.scriptBytes = 0;
    this.engine?.reset();
  }

  kill(ctx: CommandContext, isEval: boolean): void {
    this.runner.kill(ctx, isEval);
  }

  /** Drop a busy script without finishing it (SHUTDOWN NOSAVE, the server closing). */
  abandon(): void {
    this.runner.abandon();
  }

  memory(): { lua: number; scripts: number; scriptsMemory: number; functionsLua: number; functions: number; libraries: number; functionsMemory: number } {
    const engine = this.engine;
    const f = this.functions;
    return {
      lua: engine === null ? 0 : engine.usedMemory(),
      scripts: this.scripts.size,
      scriptsMemory: this.scriptBytes,
      functionsLua: engine === null ? 0 : engine.functionsMemory(),
      functions: f.functionCount,
      libraries: f.libraryCount,
      functionsMemory: f.overhead(),
    };
  }

  // ---- FUNCTION ------------------------------------------------------------------------------

  functionLoad(ctx: CommandContext, code: string, replace: boolean): void {
    this.loading = true;
    // Commands replayed from the AOF load with no time limit, as Redis's mustObeyClient.
    this.loadDeadline = ctx.client.mustObey ? 0 : performance.now() + LOAD_TIMEOUT_MS;
    let r: string | { error: string };
    try {
      r = this.functions.load(code, replace, HOOK_INSTRUCTIONS);
    } finally {
      this.loading = false;
      this.loadDeadline = 0;
    }
    if (typeof r !== 'string') {
      ctx.reply.error(`ERR ${r.error}`);
      return;
    }
    ctx.dirty++;
    ctx.reply.bulk(r);
  }

  functionDelete(name: string): boolean {
    return this.functions.delete(name);
  }

  functionFlush(): void {
    this.functions.flush();
  }

  functionList(): FunctionLibraryView[] {
    const out: FunctionLibraryView[] = [];
    for (const lib of this.functions.libraries()) {
      const functions = [];
      for (const f of lib.functions.values()) functions.push({ name: f.name, description: f.description, flags: flagNames(f.flags) });
      out.push({ name: lib.name, engine: 'LUA', code: lib.code, functions });
    }
    return out;
  }

  functionStats(ctx: CommandContext): void {
    const w = ctx.reply;
    if (this.runner.runningEval === true) {
      w.error(SCRIPT_ERR.busyEval);
      return;
    }
    w.mapHeader(2);
    w.bulk('running_script');
    this.runner.replyRunning(ctx);
    w.bulk('engines');
    w.mapHeader(1);
    w.bulk('LUA');
    w.mapHeader(2);
    w.bulk('libraries_count');
    w.integer(this.functions.libraryCount);
    w.bulk('functions_count');
    w.integer(this.functions.functionCount);
  }

  functionLibraryCodes(): string[] {
    const out: string[] = [];
    for (const lib of this.functions.libraries()) out.push(lib.code);
    return out;
  }

  functionRestore(codes: readonly string[], policy: RestorePolicy): string | null {
    return this.functions.restore(codes, policy);
  }

  // ---- LuaHost ------------------------------------------------------------------------------

  call(argv: Argv, resp: 2 | 3): Uint8Array {
    return this.deps.server.callFromScript(argv, resp);
  }

  aclCheck(argv: Argv): boolean | null {
    // No ACL rules beyond the default user yet, so every existing command is allowed.
    return this.deps.server.commands.lookup(argv.lower(0)) === undefined ? null : true;
  }

  log(level: number, message: string): void {
    const name = level <= 0 ? 'debug' : level === 1 ? 'verbose' : level === 2 ? 'notice' : 'warning';
    this.deps.log(name, message);
  }

  hook(): string | null | typeof SUSPEND {
    if (this.loading) return this.loadDeadline > 0 && performance.now() > this.loadDeadline ? 'FUNCTION LOAD timeout' : null;
    return this.runner.hook();
  }

  registerFunction(name: string, description: string | null, flags: number, ref: number): string | null {
    return this.functions.register(name, description, flags, ref);
  }

  // -------------------------------------------------------------------------------------------

  private lua(): LuaEngine {
    if (this.engine === null) this.engine = new LuaEngine(this, { version: this.deps.server.version, memoryLimit: LUA_HEAP_LIMIT });
    return this.engine;
  }

  /** numkeys (argv[2]) checked as Redis does; -1 once the error is replied. */
  private numkeys(ctx: CommandContext, argv: Argv, notNumber: string): number {
    const n = argv.int(2);
    if (n === null || typeof n === 'bigint') {
      ctx.reply.error(notNumber);
      return -1;
    }
    if (n > argv.argc - 3) {
      ctx.reply.error(SCRIPT_ERR.keysGreaterThanArgs);
      return -1;
    }
    if (n < 0) {
      ctx.reply.error(SCRIPT_ERR.negativeKeys);
      return -1;
    }
    return n;
  }

  /** scriptPrepareForRun's checks of the script's flags, then the run. */
  private runChecked(ctx: CommandContext, argv: Argv, ref: number, state: number, nkeys: number, name: string, flags: number, isEval: boolean, readOnly: boolean): void {
    const compat = (flags & SCRIPT_FLAG.compat) !== 0;
    const noWrites = (flags & SCRIPT_FLAG.noWrites) !== 0;
    const allowOom = (flags & SCRIPT_FLAG.allowOom) !== 0;
    if (!compat) {
      if (!noWrites && readOnly) {
        ctx.reply.error(SCRIPT_ERR.roWithWriteFlag);
        return;
      }
      if (!noWrites && !allowOom && this.deps.server.oomDenied()) {
        ctx.reply.error(SCRIPT_ERR.oomFlagNotSet);
        return;
      }
    }
    this.runner.start(ctx, argv, {
      ref,
      state,
      nkeys,
      name,
      isEval,
      readOnly: readOnly || (!compat && noWrites),
      allowOom: !compat && allowOom,
    });
  }

  /** Add a script to the cache, compiling it; replies the error and returns undefined on failure. */
  private create(ctx: CommandContext, sha: string, body: Buffer): CachedScript | undefined {
    const shebang = parseShebang(body);
    if (typeof shebang === 'string') {
      ctx.reply.error(shebang);
      return undefined;
    }
    const script: CachedScript = { body: Buffer.from(body), flags: shebang.flags, shebangLength: shebang.length, ref: 0, generation: -1 };
    if (!this.compile(ctx, script)) return undefined;
    this.scripts.set(sha, script);
    this.scriptBytes += script.body.length + 40;
    return script;
  }

  private compile(ctx: CommandContext, script: CachedScript): boolean {
    const engine = this.lua();
    const ref = engine.compile(script.body.subarray(script.shebangLength), CHUNK_SCRIPT);
    if (ref === 0) {
      ctx.reply.error(scriptCompileError(engine.outputText()));
      return false;
    }
    script.ref = ref;
    script.generation = engine.generation;
    return true;
  }
}

/** Script flags as FUNCTION LIST names them, in Redis's order. */
function flagNames(flags: number): string[] {
  const out: string[] = [];
  for (const [name, bit] of Object.entries(FLAG_NAMES)) if ((flags & bit) !== 0) out.push(name);
  return out;
}
