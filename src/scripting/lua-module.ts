/**
 * The compiled build/lua.wasm module (loaded once per process, shared by every engine) and the
 * WASI imports its libc start-up needs. Imports nothing from src/.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

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
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
export const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;


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

export function compiledModule(): WasmModule {
  if (cachedModule === null) cachedModule = new wasmApi.Module(readFileSync(luaWasmPath()));
  return cachedModule;
}

/** WASI as far as wasi-libc's start-up and stdio need it: no files, stdout/stderr discarded. */
export function wasiImports(): Record<string, (...args: number[]) => number> {
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
