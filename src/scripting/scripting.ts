/**
 * Scripting: EVAL/EVALSHA (and their _RO forms) and the script cache behind SCRIPT, as in
 * Redis 7.0's eval.c. Scripts are kept by SHA1 with their body and shebang flags; the Lua
 * engine (lua-engine.ts) is created on first use, so a server that never runs a script never
 * loads the WebAssembly module.
 *
 * A run: numkeys is checked, the function is found (or compiled, for EVAL), the shebang's
 * flags are checked against the command, then the script runs with its redis.call commands
 * going through ServerServices.callFromScript (the server's dispatcher, with script rules).
 *
 * Imports commands/ (types), protocol/ and its own folder only.
 */
import { createHash } from 'node:crypto';
import type { Argv } from '../protocol/argv.js';
import type { CommandContext, ScriptingService, ServerServices } from '../commands/spec.js';
import { ERR, SCRIPT_ERR, scriptCompileError, shebangUnexpectedEngine, shebangUnexpectedFlag, shebangUnknownOption } from '../commands/errors.js';
import { CHUNK_SCRIPT, LuaEngine, RUN_ERROR_COUNTED, RUN_OK, type LuaHost } from './lua-engine.js';

/** Shebang flags (`#!lua flags=...`); a script without a shebang runs in compatibility mode. */
export const SCRIPT_FLAG = {
  compat: 1,
  noWrites: 2,
  allowOom: 4,
  allowStale: 8,
  noCluster: 16,
  allowCrossSlot: 32,
} as const;

const FLAG_NAMES: Readonly<Record<string, number>> = {
  'no-writes': SCRIPT_FLAG.noWrites,
  'allow-oom': SCRIPT_FLAG.allowOom,
  'allow-stale': SCRIPT_FLAG.allowStale,
  'no-cluster': SCRIPT_FLAG.noCluster,
  'allow-cross-slot-keys': SCRIPT_FLAG.allowCrossSlot,
};

/** Redis's count-hook period, in Lua VM instructions. */
const HOOK_INSTRUCTIONS = 100_000;

/**
 * Cap on the Lua heap. Redis has none (a runaway script takes the machine's memory); wasm
 * memory only grows, so a bound keeps one bad script from holding gigabytes: it fails with
 * "not enough memory" instead.
 */
const LUA_HEAP_LIMIT = 512 * 1024 * 1024;
/** Linear memory above this, with a small heap after a run, is given back (new instance). */
const LUA_RECYCLE_ABOVE = 64 * 1024 * 1024;

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

  constructor(private readonly deps: ScriptingDeps) {}

  eval(ctx: CommandContext, argv: Argv, bySha: boolean, readOnly: boolean): void {
    const w = ctx.reply;
    if (bySha && argv.len(1) !== 40) {
      w.error(SCRIPT_ERR.noScript);
      return;
    }
    const numkeys = argv.int(2);
    if (numkeys === null || typeof numkeys === 'bigint') {
      w.error(ERR.notInteger);
      return;
    }
    if (numkeys > argv.argc - 3) {
      w.error(SCRIPT_ERR.keysGreaterThanArgs);
      return;
    }
    if (numkeys < 0) {
      w.error(SCRIPT_ERR.negativeKeys);
      return;
    }
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
    const flags = script.flags;
    const compat = (flags & SCRIPT_FLAG.compat) !== 0;
    if (!compat && readOnly && (flags & SCRIPT_FLAG.noWrites) === 0) {
      w.error(SCRIPT_ERR.roWithWriteFlag);
      return;
    }
    const server = this.deps.server;
    server.beginScript(ctx, {
      readOnly: readOnly || (!compat && (flags & SCRIPT_FLAG.noWrites) !== 0),
      allowOom: !compat && (flags & SCRIPT_FLAG.allowOom) !== 0,
    });
    let status: number;
    try {
      engine.setHookInterval(Number(server.config.get('busy-reply-threshold')) > 0 ? HOOK_INSTRUCTIONS : 0);
      status = engine.run(script.ref, argv, 3, numkeys, 3 + numkeys, argv.argc - 3 - numkeys, sha, ctx.client.resp);
    } finally {
      server.endScript();
    }
    if (status === RUN_OK) w.raw(engine.output());
    else if (status === RUN_ERROR_COUNTED) w.raw(Buffer.from(`-${engine.outputText().replace(/[\r\n]/g, ' ')}\r\n`, 'latin1'));
    else w.error(engine.outputText());
    engine.outputDone();
    engine.recycleIfBloated(LUA_RECYCLE_ABOVE);
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

  memory(): { lua: number; scripts: number; scriptsMemory: number } {
    return {
      lua: this.engine === null ? 0 : this.engine.usedMemory(),
      scripts: this.scripts.size,
      scriptsMemory: this.scriptBytes,
    };
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

  hook(): string | null {
    return null;
  }

  // -------------------------------------------------------------------------------------------

  private lua(): LuaEngine {
    if (this.engine === null) this.engine = new LuaEngine(this, { version: this.deps.server.version, memoryLimit: LUA_HEAP_LIMIT });
    return this.engine;
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
