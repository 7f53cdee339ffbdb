/**
 * LuaEngine: the TypeScript half of the Lua bridge. It loads build/lua.wasm (Lua 5.1.5 and
 * lua-cjson from Debian's sources plus native/lua/*.c, built by scripts/build-lua.sh), provides
 * its few imports, and exposes what scripting needs: a sandboxed state as Redis 7.0 sets it up,
 * compiling a script body, running it with KEYS/ARGV, and a host callback for redis.call.
 *
 * Hot path. A redis.call costs one wasm→JS call: the C side leaves the arguments as
 * (pointer, length) pairs into Lua's own strings, and the host sees them through one reused
 * Argv over the wasm memory (zero copies); the command's RESP reply is copied once into wasm
 * memory and converted to Lua values in C. A script's result comes back as RESP bytes (or an
 * error message) in wasm memory, already in the calling client's protocol.
 *
 * Lua errors unwind wasm frames as a JavaScript exception (see native/lua/bridge.c). Any other
 * exception out of wasm (a trap, a native stack overflow) leaves the instance in an unknown
 * state: the engine then replaces it, and `generation` changes so callers recompile.
 *
 * Imports nothing from src/ but protocol/.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Argv } from '../protocol/argv.js';

/** What a running script asks of the server. */
export interface LuaHost {
  /**
   * redis.call / redis.pcall. `argv` views wasm memory and is valid only during the call;
   * `resp` is the protocol the script selected (redis.setresp). Returns the command's reply as
   * RESP bytes (an error reply for refusals: "-ERR ...\r\n").
   */
  call(argv: Argv, resp: 2 | 3): Uint8Array;
  /** redis.acl_check_cmd: true/false, or null when the command does not exist. */
  aclCheck(argv: Argv): boolean | null;
  /** redis.log, level 0 (debug) to 3 (warning). */
  log(level: number, message: string): void;
  /**
   * The count hook: null to go on, or an error that aborts the script: "-CODE message", or a
   * plain message that gets the ERR code (as Redis's luaPushError takes it).
   */
  hook(): string | null;
}

export interface LuaEngineOptions {
  /** Reported as redis.REDIS_VERSION (and _NUM). */
  readonly version: string;
  /** Cap on the Lua heap in bytes (0: none beyond wasm32's 4 GB). */
  readonly memoryLimit?: number;
}

/** Outcome of run(): the reply (RESP) or an error message is then in output()/outputText(). */
export const RUN_OK = 0;
/** The script failed; outputText() is the error message (without '-'). */
export const RUN_ERROR = 1;
/** Like RUN_ERROR, but the error was already counted (by the command that raised it). */
export const RUN_ERROR_COUNTED = 2;

/** Chunk names: EVAL scripts are "@user_script", FUNCTION libraries "@user_function". */
export const CHUNK_SCRIPT = 0;
export const CHUNK_FUNCTION = 1;

// Offsets (in 32-bit words) of struct cinn_io's fields.
const IO_ARGS = 0;
const IO_REPLY = 1;
const IO_REPLY_CAP = 2;
const IO_OUT = 3;
const IO_OUT_LEN = 4;
const IO_IN = 5;
const IO_IN_CAP = 6;
const IO_REPL_FLAGS = 7;

// WASI errno values used by the stubs.
const EBADF = 8;
const ENOSYS = 52;

/**
 * The part of the WebAssembly API used here. The project's lib settings (ES2022, no DOM) do not
 * declare it, although Node always provides it.
 */
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => { readonly exports: unknown };
}
interface WasmModule {
  readonly __brand?: 'WasmModule';
}
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Thrown through wasm frames for a Lua error; caught by js_try. One object, never a new one. */
const LUA_THROW = { luaThrow: true } as const;

interface Exports {
  memory: WasmMemory;
  _initialize(): void;
  cinn_pfunc(f: number, L: number, ud: number): void;
  cinn_set_sp(sp: number): void;
  cinn_set_mem_limit(bytes: number): void;
  cinn_mem_used(): number;
  cinn_io_addr(): number;
  cinn_reply_reserve(n: number): number;
  cinn_in_reserve(n: number): number;
  cinn_open(version: number): number;
  cinn_close(L: number): void;
  cinn_lua_memory(L: number): number;
  cinn_full_gc(L: number): void;
  cinn_load(L: number, len: number, kind: number): number;
  cinn_unref(L: number, ref: number): void;
  cinn_eval(L: number, ref: number, nkeys: number, nargs: number, dataLen: number, nameLen: number, clientResp: number, hookEvery: number): number;
  cinn_out_done(): void;
}

let cachedModule: WasmModule | null = null;

/** Where build/lua.wasm is: CINNABAR_LUA_WASM, else beside the package, else under the cwd. */
export function luaWasmPath(): string {
  const env = process.env['CINNABAR_LUA_WASM'];
  if (env !== undefined && env !== '') return env;
  const candidates = [
    path.resolve(import.meta.dirname, '../../../build/lua.wasm'), // dist/src/scripting → package root
    path.resolve(import.meta.dirname, '../../build/lua.wasm'), // src/scripting (type stripping)
    path.resolve(process.cwd(), 'build/lua.wasm'),
  ];
  for (const p of candidates) if (existsSync(p)) return p;
  throw new Error(`build/lua.wasm not found (looked in ${candidates.join(', ')}); run scripts/build-lua.sh`);
}

function compiledModule(): WasmModule {
  if (cachedModule === null) cachedModule = new wasm.Module(readFileSync(luaWasmPath()));
  return cachedModule;
}

export class LuaEngine {
  /** Changes whenever compiled functions are lost (reset, or a replaced instance). */
  generation = 0;
  private ex!: Exports;
  private L = 0;
  private io = 0;
  private mem: Buffer = Buffer.alloc(0);
  private u32: Uint32Array = new Uint32Array(0);
  private readonly argv = new Argv(Buffer.alloc(0), 32);
  private running = false;
  private hookEvery = 0;
  private memoryLimit: number;

  constructor(
    private readonly host: LuaHost,
    private readonly opts: LuaEngineOptions,
  ) {
    this.memoryLimit = opts.memoryLimit ?? 0;
    this.instantiate();
  }

  /** Drop every compiled script and start from a fresh sandbox (SCRIPT FLUSH). */
  reset(): void {
    if (this.running) throw new Error('LuaEngine.reset() while a script runs');
    this.ex.cinn_close(this.L);
    this.L = 0;
    this.openState();
  }

  /** Lua's heap as Redis reports used_memory_lua (whole kilobytes). */
  usedMemory(): number {
    return this.ex.cinn_lua_memory(this.L);
  }

  /** Bytes the allocator holds for Lua (exact), for limits and tests. */
  heapBytes(): number {
    return this.ex.cinn_mem_used();
  }

  setMemoryLimit(bytes: number): void {
    this.memoryLimit = bytes;
    this.ex.cinn_set_mem_limit(bytes <= 0 || bytes >= 0xffffffff ? 0 : bytes >>> 0);
  }

  /**
   * Instructions between calls of host.hook (Redis uses 100000); 0 disables the hook, as Redis
   * does when busy-reply-threshold is 0.
   */
  setHookInterval(instructions: number): void {
    this.hookEvery = instructions > 0 ? Math.min(instructions, 0x7fffffff) : 0;
  }

  /** Bytes of wasm linear memory (it grows with the Lua heap and never shrinks). */
  wasmMemoryBytes(): number {
    return this.ex.memory.buffer.byteLength;
  }

  /**
   * Give back linear memory a large script made grow: when it exceeds `threshold` bytes while
   * the Lua heap is small again, the instance is replaced by a fresh one (compiled functions
   * are lost: `generation` changes). Returns whether it did.
   */
  recycleIfBloated(threshold: number): boolean {
    if (this.running || this.wasmMemoryBytes() <= threshold) return false;
    this.collectGarbage();
    if (this.heapBytes() > threshold / 4) return false;
    this.instantiate();
    return true;
  }

  /** A full garbage collection (after a memory error, or on demand). */
  collectGarbage(): void {
    this.ex.cinn_full_gc(this.L);
  }

  /**
   * Compile a script body. Returns the function's handle (> 0), or 0 with Lua's message in
   * outputText() ("user_script:1: ..." for a syntax error).
   */
  compile(body: Uint8Array, kind: number = CHUNK_SCRIPT): number {
    const ptr = this.reserveInput(body.length);
    this.view().set(body, ptr);
    try {
      return this.ex.cinn_load(this.L, body.length, kind);
    } catch (err) {
      this.fail(err, 'compile');
      return 0;
    }
  }

  /** Forget a compiled function. */
  release(ref: number): void {
    this.ex.cinn_unref(this.L, ref);
  }

  /**
   * Run compiled function `ref` with KEYS = argv[keysFrom .. keysFrom+nkeys) and ARGV =
   * argv[argsFrom .. argsFrom+nargs). `name` (the SHA1, or a function name) appears in error
   * messages; `clientResp` is the protocol of the reply in output(). Returns RUN_OK,
   * RUN_ERROR or RUN_ERROR_COUNTED.
   */
  run(ref: number, argv: Argv, keysFrom: number, nkeys: number, argsFrom: number, nargs: number, name: string, clientResp: 2 | 3): number {
    if (this.running) throw new Error('LuaEngine.run() is not reentrant');
    let data = 0;
    for (let i = 0; i < nkeys; i++) data += argv.len(keysFrom + i);
    for (let i = 0; i < nargs; i++) data += argv.len(argsFrom + i);
    const n = nkeys + nargs;
    const base = this.reserveInput(4 * n + data + name.length);
    const mem = this.view();
    const u32 = this.u32;
    let w = base >>> 2;
    let off = base + 4 * n;
    const src = argv.buf;
    for (let i = 0; i < n; i++) {
      const idx = i < nkeys ? keysFrom + i : argsFrom + (i - nkeys);
      const s = argv.starts[idx] as number;
      const e = argv.ends[idx] as number;
      u32[w++] = e - s;
      if (e > s) src.copy(mem, off, s, e);
      off += e - s;
    }
    mem.latin1Write(name, off, name.length);
    this.running = true;
    try {
      return this.ex.cinn_eval(this.L, ref, nkeys, nargs, data, name.length, clientResp, this.hookEvery);
    } catch (err) {
      return this.fail(err, name);
    } finally {
      this.running = false;
    }
  }

  /** The last reply (RESP) or error message, as a view of wasm memory valid until the next call. */
  output(): Buffer {
    const mem = this.view();
    const ptr = this.u32[this.io + IO_OUT] as number;
    return mem.subarray(ptr, ptr + (this.u32[this.io + IO_OUT_LEN] as number));
  }

  outputText(): string {
    const mem = this.view();
    const ptr = this.u32[this.io + IO_OUT] as number;
    return mem.latin1Slice(ptr, ptr + (this.u32[this.io + IO_OUT_LEN] as number));
  }

  /** Give back a large output buffer once its bytes are copied. */
  outputDone(): void {
    this.ex.cinn_out_done();
  }

  /** redis.set_repl() flags of the last run (REPL_ALL = 3 unless the script changed them). */
  replicationFlags(): number {
    this.view();
    return this.u32[this.io + IO_REPL_FLAGS] as number;
  }

  // ----------------------------------------------------------------------------------------

  private instantiate(): void {
    const instance = new wasm.Instance(compiledModule(), { env: this.envImports(), wasi_snapshot_preview1: wasiImports() });
    this.ex = instance.exports as unknown as Exports;
    this.ex._initialize();
    this.io = this.ex.cinn_io_addr() >>> 2;
    this.mem = Buffer.alloc(0);
    this.setMemoryLimit(this.memoryLimit);
    this.openState();
  }

  private openState(): void {
    const v = this.opts.version;
    const ptr = this.reserveInput(v.length + 1);
    const mem = this.view();
    mem.latin1Write(v, ptr, v.length);
    mem[ptr + v.length] = 0;
    this.L = this.ex.cinn_open(ptr);
    if (this.L === 0) throw new Error('cannot create the Lua state (out of memory)');
    this.generation++;
  }

  /** A foreign exception out of wasm: report it as the script's error and start over. */
  private fail(err: unknown, name: string): number {
    const msg = err instanceof Error ? err.message : String(err);
    this.instantiate();
    const text = `ERR Error running script ${name}, ${msg}`.slice(0, 200);
    const ptr = this.reserveInput(text.length);
    // The message is left in the input buffer and exposed as the output.
    this.view().latin1Write(text, ptr, text.length);
    this.u32[this.io + IO_OUT] = ptr;
    this.u32[this.io + IO_OUT_LEN] = text.length;
    return RUN_ERROR;
  }

  /** The wasm memory as a Buffer, re-created after the memory has grown. */
  private view(): Buffer {
    if (this.mem.byteLength === 0 || this.mem.buffer !== this.ex.memory.buffer) {
      const ab = this.ex.memory.buffer;
      this.mem = Buffer.from(ab);
      this.u32 = new Uint32Array(ab);
    }
    return this.mem;
  }

  private reserveInput(n: number): number {
    this.view();
    if (n > (this.u32[this.io + IO_IN_CAP] as number) || (this.u32[this.io + IO_IN] as number) === 0) {
      const p = this.ex.cinn_in_reserve(n);
      if (p === 0) throw new Error('Lua bridge: out of memory');
    }
    this.view();
    return this.u32[this.io + IO_IN] as number;
  }

  /** The current redis.call arguments as the reusable Argv. */
  private callArgv(argc: number): Argv {
    const mem = this.view();
    const u32 = this.u32;
    const argv = this.argv;
    argv.buf = mem;
    argv.argc = 0;
    argv.reserve(argc);
    let p = (u32[this.io + IO_ARGS] as number) >>> 2;
    for (let i = 0; i < argc; i++) {
      const start = u32[p++] as number;
      argv.push(start, start + (u32[p++] as number));
    }
    return argv;
  }

  private writeReply(reply: Uint8Array): number {
    const n = reply.length;
    this.view();
    let ptr = this.u32[this.io + IO_REPLY] as number;
    if (n > (this.u32[this.io + IO_REPLY_CAP] as number) || ptr === 0) {
      ptr = this.ex.cinn_reply_reserve(n);
      if (ptr === 0) return this.writeReply(OOM_REPLY);
    }
    this.view().set(reply, ptr);
    return n;
  }

  private envImports(): Record<string, (...args: number[]) => number | void> {
    return {
      js_throw: () => {
        throw LUA_THROW;
      },
      js_try: (f: number, L: number, ud: number, sp: number) => {
        try {
          this.ex.cinn_pfunc(f, L, ud);
        } catch (e) {
          if (e !== LUA_THROW) throw e;
          this.ex.cinn_set_sp(sp);
        }
      },
      host_call: (argc: number, resp: number) => {
        const argv = this.callArgv(argc);
        let reply: Uint8Array;
        try {
          reply = this.host.call(argv, resp === 3 ? 3 : 2);
        } catch (e) {
          reply = Buffer.from(`-ERR ${e instanceof Error ? e.message : String(e)}\r\n`, 'latin1');
        }
        return this.writeReply(reply);
      },
      host_acl_check: (argc: number) => {
        const r = this.host.aclCheck(this.callArgv(argc));
        return r === null ? -1 : r ? 1 : 0;
      },
      host_log: (level: number, ptr: number, len: number) => {
        this.host.log(level, this.view().latin1Slice(ptr, ptr + len));
      },
      host_hook: () => {
        let msg: string | null = null;
        try {
          msg = this.host.hook();
        } catch {
          msg = null;
        }
        if (msg === null) return 0;
        return this.writeReply(Buffer.from(msg, 'latin1'));
      },
    };
  }
}

const OOM_REPLY = Buffer.from('-OOM command not allowed when used memory > \'maxmemory\'.\r\n');

/** WASI as far as wasi-libc's start-up and stdio need it: no files, stdout/stderr discarded. */
function wasiImports(): Record<string, (...args: number[]) => number> {
  const none = (): number => ENOSYS;
  const badf = (): number => EBADF;
  return {
    fd_close: badf,
    fd_fdstat_get: badf,
    fd_fdstat_set_flags: badf,
    fd_prestat_get: badf, // ends wasi-libc's scan of pre-opened directories
    fd_prestat_dir_name: badf,
    fd_read: badf,
    fd_renumber: badf,
    fd_seek: badf,
    fd_write: badf,
    path_open: none,
    proc_exit: (code: number): number => {
      throw new Error(`Lua runtime exited (${code})`);
    },
  };
}
