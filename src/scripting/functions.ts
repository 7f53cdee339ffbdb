/**
 * FUNCTION libraries, as Redis 7.0's functions.c keeps them: libraries by name (case-sensitive),
 * functions by name (case-insensitive, unique across libraries), the `#!<engine> name=<lib>`
 * metadata line, and the rules of FUNCTION LOAD [REPLACE], DELETE, FLUSH and RESTORE (a set of
 * libraries joined with FLUSH / APPEND / REPLACE, all or nothing).
 *
 * A library's code runs in the engine's FUNCTION state (lua-engine.ts), where it registers its
 * functions through redis.register_function; register() receives them here. The registry
 * keeps each callback's handle in that state; when the engine loses its compiled functions
 * (a replaced instance), revalidate() runs every library's code again for new handles.
 *
 * Imports its own folder only.
 */
import { LIB_COMPILE_ERROR, LIB_OK, STATE_FUNCTION } from './lua-engine.js';

export interface FunctionInfo {
  readonly name: string;
  readonly description: string | null;
  /** Script flags (SCRIPT_FLAG bits, without compat). */
  readonly flags: number;
  /** The callback's handle in the engine's FUNCTION state. */
  ref: number;
  readonly library: Library;
}

export interface Library {
  readonly name: string;
  /** The whole code as given to FUNCTION LOAD (shebang line included), one char per byte. */
  readonly code: string;
  /** By name as registered (case-sensitive), in registration order. */
  readonly functions: Map<string, FunctionInfo>;
}

/** What the registry needs of the Lua engine. */
export interface FunctionEngine {
  readonly generation: number;
  loadLibrary(code: Uint8Array, hookEvery: number): number;
  outputText(): string;
  release(ref: number, state: number): void;
  resetFunctions(): void;
}

export type RestorePolicy = 'flush' | 'append' | 'replace';

/** Redis's error for a bad library or function name (it says "Library" for both). */
export const BAD_NAME =
  'Library names can only contain letters, numbers, or underscores(_) and must be at least one character long';

/** functionsVerifyName: [A-Za-z0-9_]+ */
function validName(name: string): boolean {
  if (name.length === 0) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const ok = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f;
    if (!ok) return false;
  }
  return true;
}

/** The metadata of `#!<engine> name=<lib>\n<code>`: a string is the error. */
export function parseLibraryMetadata(payload: string): { engine: string; name: string; body: string } | string {
  if (!payload.startsWith('#!')) return 'Missing library metadata';
  const nl = payload.indexOf('\n');
  if (nl < 0) return 'Invalid library metadata';
  const parts = splitArgs(payload.slice(0, nl));
  if (parts === null || parts.length === 0) return 'Invalid library metadata';
  const engine = (parts[0] as string).slice(2);
  let name: string | null = null;
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i] as string;
    if (part.length >= 5 && part.slice(0, 5).toLowerCase() === 'name=') {
      if (name !== null) return 'Invalid metadata value, name argument was given multiple times';
      name = part.slice(5);
      continue;
    }
    return `Invalid metadata value given: ${part}`;
  }
  if (name === null) return 'Library name was not given';
  // The code keeps the shebang's newline, so that its line numbers are the payload's.
  return { engine, name, body: payload.slice(nl) };
}

/** Redis's sdssplitargs (quotes and escapes), enough for a metadata line; null if unbalanced. */
function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\n' || c === '\r' || c === '\t' || c === '\v' || c === '\f';
  for (;;) {
    while (i < n && isSpace(line[i])) i++;
    if (i >= n) return out;
    let cur = '';
    let inq = false;
    let insq = false;
    for (;;) {
      const c = line[i];
      if (inq) {
        if (c === undefined) return null;
        if (c === '\\' && line[i + 1] === 'x' && /^[0-9a-fA-F]{2}$/.test(line.slice(i + 2, i + 4))) {
          cur += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 3;
        } else if (c === '\\' && i + 1 < n) {
          i++;
          const e = line[i] as string;
          cur += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === 'b' ? '\b' : e === 'a' ? '\x07' : e;
        } else if (c === '"') {
          if (i + 1 < n && !isSpace(line[i + 1])) return null;
          inq = false;
          i++;
          break;
        } else {
          cur += c;
        }
      } else if (insq) {
        if (c === undefined) return null;
        if (c === '\\' && line[i + 1] === "'") {
          i++;
          cur += "'";
        } else if (c === "'") {
          if (i + 1 < n && !isSpace(line[i + 1])) return null;
          insq = false;
          i++;
          break;
        } else {
          cur += c;
        }
      } else if (c === undefined || isSpace(c)) {
        break;
      } else if (c === '"') {
        inq = true;
      } else if (c === "'") {
        insq = true;
      } else {
        cur += c;
      }
      i++;
    }
    out.push(cur);
  }
}

/** Libraries and functions of one context (the current one, or one being restored). */
class LibraryContext {
  readonly libraries = new Map<string, Library>();
  /** By lower-cased name: FCALL finds functions case-insensitively. */
  readonly functions = new Map<string, FunctionInfo>();

  link(lib: Library): void {
    for (const f of lib.functions.values()) {
      const key = f.name.toLowerCase();
      if (!this.functions.has(key)) this.functions.set(key, f);
    }
    this.libraries.set(lib.name, lib);
  }

  unlink(lib: Library): void {
    for (const f of lib.functions.values()) {
      const key = f.name.toLowerCase();
      if (this.functions.get(key) === f) this.functions.delete(key);
    }
    this.libraries.delete(lib.name);
  }
}

export class FunctionLibraries {
  private ctx = new LibraryContext();
  /** The library whose code is running (its functions register into it). */
  private pending: { lib: Library } | null = null;
  private generation = -1;

  /** `engine` creates the engine if needed; `created` is it, or null when none exists yet. */
  constructor(
    private readonly engine: () => FunctionEngine,
    private readonly created: () => FunctionEngine | null,
  ) {}

  get libraryCount(): number {
    return this.ctx.libraries.size;
  }

  get functionCount(): number {
    return this.ctx.functions.size;
  }

  libraries(): IterableIterator<Library> {
    return this.ctx.libraries.values();
  }

  /** FCALL's look-up; revalidates handles first when the engine lost them. */
  find(name: string): FunctionInfo | undefined {
    const f = this.ctx.functions.get(name.toLowerCase());
    if (f !== undefined && this.engine().generation !== this.generation) this.revalidate();
    return this.ctx.functions.get(name.toLowerCase());
  }

  /** Bytes Redis would count as used_memory_functions (structures, names, code). */
  overhead(): number {
    let n = 0;
    for (const lib of this.ctx.libraries.values()) {
      n += 64 + lib.name.length + lib.code.length;
      for (const f of lib.functions.values()) n += 56 + f.name.length + (f.description?.length ?? 0);
    }
    return n + 200;
  }

  /** redis.register_function while a library loads: null, or the error. */
  register(name: string, description: string | null, flags: number, ref: number): string | null {
    const p = this.pending;
    if (p === null) return 'redis.register_function can only be called on FUNCTION LOAD command';
    if (!validName(name)) return BAD_NAME;
    if (p.lib.functions.has(name)) return 'Function already exists in the library';
    p.lib.functions.set(name, { name, description, flags, ref, library: p.lib });
    return null;
  }

  /**
   * FUNCTION LOAD [REPLACE]: the library's name, or { error }. `timeoutHook` > 0 makes the
   * engine's hook run during the load (the caller's hook() enforces the 500 ms limit).
   */
  load(code: string, replace: boolean, timeoutHook: number): string | { error: string } {
    this.sync();
    const r = this.create(code, replace, this.ctx, timeoutHook);
    return typeof r === 'string' ? r : { error: r.error };
  }

  /** FUNCTION DELETE: false when there is no such library. */
  delete(name: string): boolean {
    const lib = this.ctx.libraries.get(name);
    if (lib === undefined) return false;
    this.ctx.unlink(lib);
    this.release(lib);
    return true;
  }

  /** FUNCTION FLUSH: every library goes, and the engine's FUNCTION state with them. */
  flush(): void {
    this.ctx = new LibraryContext();
    const engine = this.created();
    if (engine === null) return;
    engine.resetFunctions();
    this.generation = engine.generation;
  }

  /**
   * FUNCTION RESTORE (and RDB loading): the libraries of `codes` join the current ones under
   * `policy`, all or none. Returns null or the error message.
   */
  restore(codes: readonly string[], policy: RestorePolicy): string | null {
    if (codes.length === 0) {
      if (policy === 'flush') this.flush();
      return null;
    }
    this.sync();
    const tmp = new LibraryContext();
    for (const code of codes) {
      const r = this.create(code, false, tmp, 0);
      if (typeof r !== 'string') {
        for (const lib of tmp.libraries.values()) this.release(lib);
        return r.error;
      }
    }
    if (policy === 'flush') {
      for (const lib of this.ctx.libraries.values()) this.release(lib);
      this.ctx = tmp;
      return null;
    }
    const err = this.join(tmp, policy === 'replace');
    if (err !== null) for (const lib of tmp.libraries.values()) this.release(lib);
    return err;
  }

  // -------------------------------------------------------------------------------------------

  /** libraryJoin: move `src`'s libraries in; on a collision nothing changes. */
  private join(src: LibraryContext, replace: boolean): string | null {
    const replaced: Library[] = [];
    const rollback = (): void => {
      for (const lib of replaced) this.ctx.link(lib);
    };
    for (const lib of src.libraries.values()) {
      const old = this.ctx.libraries.get(lib.name);
      if (old === undefined) continue;
      if (!replace) {
        rollback();
        return `Library ${lib.name} already exists`;
      }
      this.ctx.unlink(old);
      replaced.push(old);
    }
    for (const key of src.functions.keys()) {
      const f = this.ctx.functions.get(key);
      if (f !== undefined) {
        rollback();
        return `Function ${(src.functions.get(key) as FunctionInfo).name} already exists`;
      }
    }
    for (const lib of src.libraries.values()) this.ctx.link(lib);
    for (const lib of replaced) this.release(lib);
    return null;
  }

  /** functionsCreateWithLibraryCtx: compile and register one library into `into`. */
  private create(code: string, replace: boolean, into: LibraryContext, timeoutHook: number): string | { error: string } {
    const md = parseLibraryMetadata(code);
    if (typeof md === 'string') return { error: md };
    if (!validName(md.name)) return { error: BAD_NAME };
    if (md.engine.toLowerCase() !== 'lua') return { error: `Engine '${md.engine}' not found` };
    const old = into.libraries.get(md.name);
    if (old !== undefined && !replace) return { error: `Library '${md.name}' already exists` };
    if (old !== undefined) into.unlink(old);
    const lib: Library = { name: md.name, code, functions: new Map() };
    const fail = (error: string): { error: string } => {
      this.release(lib);
      if (old !== undefined) into.link(old);
      return { error };
    };
    const engine = this.engine();
    this.pending = { lib };
    let status: number;
    try {
      status = engine.loadLibrary(Buffer.from(md.body, 'latin1'), timeoutHook);
    } finally {
      this.pending = null;
    }
    if (status !== LIB_OK) {
      const msg = engine.outputText();
      return fail(status === LIB_COMPILE_ERROR ? `Error compiling function: ${msg}` : `Error registering functions: ${msg}`);
    }
    if (lib.functions.size === 0) return fail('No functions registered');
    for (const f of lib.functions.values()) {
      if (into.functions.has(f.name.toLowerCase())) return fail(`Function ${f.name} already exists`);
    }
    into.link(lib);
    if (old !== undefined) this.release(old);
    return md.name;
  }

  private release(lib: Library): void {
    if (this.engine().generation !== this.generation) return; // its handles are gone already
    for (const f of lib.functions.values()) this.engine().release(f.ref, STATE_FUNCTION);
  }

  /** Before loading: the handles held must belong to the engine's current instance. */
  private sync(): void {
    if (this.engine().generation !== this.generation) this.revalidate();
  }

  /** The engine lost its compiled functions: run every library's code again for new handles. */
  private revalidate(): void {
    const libs = [...this.ctx.libraries.values()];
    this.ctx = new LibraryContext();
    this.generation = this.engine().generation;
    // The same code loaded before; should one fail now (it cannot, short of memory), it is dropped.
    for (const lib of libs) this.create(lib.code, false, this.ctx, 0);
    this.generation = this.engine().generation;
  }
}
