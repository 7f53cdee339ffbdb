/* Cinnabar: ldo.c includes <setjmp.h>, which wasi-libc does not provide; Lua errors use the
 * host's exceptions instead (LUA_WASM_JSEH in luaconf.h), so nothing from it is needed. */
#ifndef CINNABAR_SETJMP_H
#define CINNABAR_SETJMP_H
#endif
