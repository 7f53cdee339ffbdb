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
 * A running script can be suspended (the host's hook answers SUSPEND): its wasm stack is saved
 * by Binaryen's asyncify and the VM's own frames (native/lua/suspend.c), run() returns
 * RUN_SUSPENDED, and resume() later carries on where it stopped. Nothing else may run Lua in
 * this engine meanwhile.
 *
 * Two Lua states live in one instance: EVAL scripts' and FUNCTION libraries' (created on first
 * use), each sandboxed as Redis 7.0 sets up its own.
 *
 * Imports nothing from src/ but protocol/.
 */
import { Argv } from '../protocol/argv.js';
import { compiledModule, wasiImports, wasmApi, type WasmMemory } from './lua-module.js';

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
   * The count hook: null to go on, SUSPEND to let the event loop turn (the script is
   * suspended if it is at a point that allows it), or an error that aborts the script:
   * "-CODE message", or a plain message that gets the ERR code (as Redis's luaPushError takes it).
   */
  hook(): string | null | typeof SUSPEND;
  /**
   * redis.register_function while a library loads: null when accepted, else the error
   * (e.g. "Function already exists in the library"). `ref` is the callback's handle.
   */
  registerFunction(name: string, description: string | null, flags: number, ref: number): string | null;
}

/** LuaHost.hook()'s answer asking to suspend the script. */
export const SUSPEND: unique symbol = Symbol('suspend');

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
/** The script is suspended: call resume() (or abandon()) before anything else. */
export const RUN_SUSPENDED = 3;

/** Chunk names: EVAL scripts are "@user_script", FUNCTION libraries "@user_function". */
export const CHUNK_SCRIPT = 0;
export const CHUNK_FUNCTION = 1;

/** Which Lua state: EVAL scripts', or FUNCTION libraries'. */
export const STATE_EVAL = 0;
export const STATE_FUNCTION = 1;

/** loadLibrary() outcomes: registered; did not compile; failed while running. */
export const LIB_OK = 0;
export const LIB_COMPILE_ERROR = 1;
export const LIB_RUN_ERROR = 2;

/**
 * Room for what asyncify saves of a suspended script's wasm frames: about 42 KB at Lua's
 * deepest nesting of C calls (200), 600 bytes for a script suspended in its own code.
 */
const SUSPEND_BUFFER = 256 * 1024;

// Offsets (in 32-bit words) of struct cinn_io's fields.
const IO_ARGS = 0;
const IO_REPLY = 1;
const IO_REPLY_CAP = 2;
const IO_OUT = 3;
const IO_OUT_LEN = 4;
const IO_IN = 5;
const IO_IN_CAP = 6;
const IO_REPL_FLAGS = 7;

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
  cinn_open(version: number, kind: number): number;
  cinn_close(L: number): void;
  cinn_lua_memory(L: number): number;
  cinn_full_gc(L: number): void;
  cinn_load(L: number, len: number, kind: number): number;
  cinn_unref(L: number, ref: number): void;
  cinn_eval(L: number, ref: number, nkeys: number, nargs: number, dataLen: number, nameLen: number, clientResp: number, hookEvery: number): number;
  cinn_out_done(): void;
  cinn_lib_load(L: number, len: number, hookEvery: number): number;
  cinn_vm_unwound(): void;
  cinn_vm_rewind(): void;
  cinn_vm_buffer(size: number): number;
  asyncify_start_unwind(data: number): void;
  asyncify_stop_unwind(): void;
  asyncify_start_rewind(data: number): void;
  asyncify_stop_rewind(): void;
}

export class LuaEngine {
  /** Changes whenever compiled functions are lost (reset, or a replaced instance). */
  generation = 0;
  private ex!: Exports;
  /** The EVAL state, and the FUNCTION state (0 until first used). */
  private L = 0;
  private F = 0;
  private io = 0;
  private mem: Buffer = Buffer.alloc(0);
  private u32: Uint32Array = new Uint32Array(0);
  private readonly argv = new Argv(Buffer.alloc(0), 32);
  private running = false;
  private hookEvery = 0;
  private memoryLimit: number;
  /** Asyncify's data area for a suspended script (allocated on first suspension). */
  private asyncData = 0;
  /** js_suspend was called: the wasm stack is unwinding to run()/resume(). */
  private unwinding = false;
  /** A script is suspended; the state it runs in. */
  private suspendedIn = 0;

  constructor(
    private readonly host: LuaHost,
    private readonly opts: LuaEngineOptions,
  ) {
    this.memoryLimit = opts.memoryLimit ?? 0;
    this.instantiate();
  }

  /** A script is suspended (run() or resume() answered RUN_SUSPENDED). */
  get suspended(): boolean {
    return this.suspendedIn !== 0;
  }

  /**
   * Drop every compiled EVAL script and start that state from a fresh sandbox (SCRIPT FLUSH,
   * whose caller forgets every handle). FUNCTION libraries keep theirs.
   */
  reset(): void {
    if (this.running) throw new Error('LuaEngine.reset() while a script runs');
    this.ex.cinn_close(this.L);
    this.L = 0;
    this.L = this.openState(STATE_EVAL);
  }

  /** Drop every FUNCTION library's functions: the FUNCTION state starts afresh when next used. */
  resetFunctions(): void {
    if (this.running) throw new Error('LuaEngine.resetFunctions() while a script runs');
    if (this.F !== 0) this.ex.cinn_close(this.F);
    this.F = 0;
  }

  /** Lua's heap as Redis reports used_memory_lua (whole kilobytes). */
  usedMemory(): number {
    return this.ex.cinn_lua_memory(this.L);
  }

  /** The FUNCTION state's heap (used_memory_vm_functions); 0 before any library loaded. */
  functionsMemory(): number {
    return this.F === 0 ? 0 : this.ex.cinn_lua_memory(this.F);
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
    if (this.F !== 0) this.ex.cinn_full_gc(this.F);
  }

  /**
   * Compile a script body. Returns the function's handle (> 0), or 0 with Lua's message in
   * outputText() ("user_script:1: ..." for a syntax error).
   */
  compile(body: Uint8Array, kind: number = CHUNK_SCRIPT): number {
    if (this.running) throw new Error('LuaEngine.compile() while a script runs');
    const ptr = this.reserveInput(body.length);
    this.view().set(body, ptr);
    try {
      return this.ex.cinn_load(this.L, body.length, kind);
    } catch (err) {
      this.fail(err, 'compile');
      return 0;
    }
  }

  /**
   * Run a FUNCTION library's code (after its shebang line) in the FUNCTION state, where it
   * registers its functions through host.registerFunction. Returns LIB_OK, or LIB_COMPILE_ERROR
   * / LIB_RUN_ERROR with the message in outputText() (Lua's, or as Redis extracts it from the
   * error: "ERR ..."). `hookEvery` > 0 lets host.hook() abort a load that runs too long.
   */
  loadLibrary(code: Uint8Array, hookEvery: number): number {
    if (this.running) throw new Error('LuaEngine.loadLibrary() while a script runs');
    if (this.F === 0) this.F = this.openState(STATE_FUNCTION);
    const ptr = this.reserveInput(code.length);
    this.view().set(code, ptr);
    this.running = true;
    try {
      return this.ex.cinn_lib_load(this.F, code.length, hookEvery > 0 ? Math.min(hookEvery, 0x7fffffff) : 0);
    } catch (err) {
      this.fail(err, 'library');
      return LIB_RUN_ERROR;
    } finally {
      this.running = false;
    }
  }

  /** Forget a compiled function (of the EVAL state, or a FUNCTION state's callback). */
  release(ref: number, state: number = STATE_EVAL): void {
    if (state === STATE_FUNCTION) {
      if (this.F !== 0) this.ex.cinn_unref(this.F, ref);
    } else {
      this.ex.cinn_unref(this.L, ref);
    }
  }

  /**
   * Run compiled function `ref` of `state` with KEYS = argv[keysFrom .. keysFrom+nkeys) and
   * ARGV = argv[argsFrom .. argsFrom+nargs) (EVAL: as globals; functions: as the two
   * arguments). `name` (the SHA1, or a function name) appears in error messages; `clientResp`
   * is the protocol of the reply in output(). Returns RUN_OK, RUN_ERROR, RUN_ERROR_COUNTED or
   * RUN_SUSPENDED.
   */
  run(ref: number, argv: Argv, keysFrom: number, nkeys: number, argsFrom: number, nargs: number, name: string, clientResp: 2 | 3, state: number = STATE_EVAL): number {
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
    const L = state === STATE_FUNCTION ? this.F : this.L;
    if (L === 0) throw new Error('LuaEngine.run(): no FUNCTION library was loaded');
    this.running = true;
    this.unwinding = false;
    let status: number;
    try {
      status = this.ex.cinn_eval(L, ref, nkeys, nargs, data, name.length, clientResp, this.hookEvery);
    } catch (err) {
      this.running = false;
      return this.fail(err, name);
    }
    return this.afterRun(L, status);
  }

  /** Carry on with the suspended script: RUN_OK, RUN_ERROR(_COUNTED) or RUN_SUSPENDED again. */
  resume(): number {
    const L = this.suspendedIn;
    if (L === 0) throw new Error('LuaEngine.resume(): no script is suspended');
    this.suspendedIn = 0;
    this.unwinding = false;
    let status: number;
    try {
      this.ex.cinn_vm_rewind();
      this.ex.asyncify_start_rewind(this.asyncData);
      // The arguments are ignored: asyncify restores the call's own locals.
      status = this.ex.cinn_eval(L, 0, 0, 0, 0, 0, 2, 0);
    } catch (err) {
      this.running = false;
      return this.fail(err, 'script');
    }
    return this.afterRun(L, status);
  }

  /** Drop a suspended script without running it further (the instance is replaced). */
  abandon(): void {
    if (this.suspendedIn === 0) return;
    this.suspendedIn = 0;
    this.running = false;
    this.instantiate();
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

  private afterRun(L: number, status: number): number {
    if (this.unwinding) {
      this.ex.asyncify_stop_unwind();
      this.ex.cinn_vm_unwound();
      this.unwinding = false;
      this.suspendedIn = L;
      return RUN_SUSPENDED;
    }
    this.running = false;
    return status;
  }

  private instantiate(): void {
    const instance = new wasmApi.Instance(compiledModule(), { env: this.envImports(), wasi_snapshot_preview1: wasiImports() });
    this.ex = instance.exports as unknown as Exports;
    this.ex._initialize();
    this.io = this.ex.cinn_io_addr() >>> 2;
    this.mem = Buffer.alloc(0);
    this.asyncData = 0;
    this.unwinding = false;
    this.suspendedIn = 0;
    this.F = 0;
    this.setMemoryLimit(this.memoryLimit);
    this.L = this.openState(STATE_EVAL);
    this.generation++;
  }

  private openState(kind: number): number {
    const v = this.opts.version;
    const ptr = this.reserveInput(v.length + 1);
    const mem = this.view();
    mem.latin1Write(v, ptr, v.length);
    mem[ptr + v.length] = 0;
    const L = this.ex.cinn_open(ptr, kind);
    if (L === 0) throw new Error('cannot create the Lua state (out of memory)');
    return L;
  }

  /** A foreign exception out of wasm: report it as the script's error and start over. */
  private fail(err: unknown, name: string): number {
    const msg = err instanceof Error ? err.message : String(err);
    this.running = false;
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
        let msg: string | null | typeof SUSPEND = null;
        try {
          msg = this.host.hook();
        } catch {
          msg = null;
        }
        if (msg === null) return 0;
        if (msg === SUSPEND) return -1;
        return this.writeReply(Buffer.from(msg, 'latin1'));
      },
      host_register: (namePtr: number, nameLen: number, descPtr: number, descLen: number, flags: number, ref: number) => {
        const mem = this.view();
        const name = mem.latin1Slice(namePtr, namePtr + nameLen);
        const desc = descLen < 0 ? null : mem.latin1Slice(descPtr, descPtr + descLen);
        let err: string | null;
        try {
          err = this.host.registerFunction(name, desc, flags, ref);
        } catch (e) {
          err = e instanceof Error ? e.message : String(e);
        }
        return err === null ? 0 : this.writeReply(Buffer.from(err, 'latin1'));
      },
      js_suspend: () => {
        // Called by the innermost VM frame: from here every frame on the way out saves itself.
        if (this.asyncData === 0) this.asyncData = this.ex.cinn_vm_buffer(SUSPEND_BUFFER);
        else this.ex.cinn_vm_buffer(SUSPEND_BUFFER);
        if (this.asyncData === 0) throw new Error('Lua bridge: out of memory');
        this.unwinding = true;
        this.ex.asyncify_start_unwind(this.asyncData);
      },
      js_resumed: () => {
        this.ex.asyncify_stop_rewind();
      },
    };
  }
}

const OOM_REPLY = Buffer.from('-OOM command not allowed when used memory > \'maxmemory\'.\r\n');
