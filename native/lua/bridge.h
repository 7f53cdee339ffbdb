/*
 * Cinnabar's Lua bridge: the C half of src/scripting/lua-engine.ts.
 *
 * The TypeScript side talks to one exported function per operation and exchanges bytes through
 * buffers in linear memory whose addresses it reads from `cinn_io` (struct below). Lua never
 * calls JavaScript except through the few `env` imports declared here. Everything that builds
 * or reads Lua values (KEYS/ARGV, the RESP <-> Lua conversions, the sandbox) lives in C so that
 * a script's redis.call costs one host call and no intermediate JavaScript objects.
 */
#ifndef CINNABAR_BRIDGE_H
#define CINNABAR_BRIDGE_H

#include <stddef.h>
#include <stdint.h>

#include "lua.h"
#include "lauxlib.h"

#define CINN_EXPORT(name) __attribute__((export_name(#name)))
#define CINN_IMPORT(name) __attribute__((import_module("env"), import_name(#name)))

/* Host (JavaScript) functions. */
CINN_IMPORT(js_throw) void js_throw(void);
CINN_IMPORT(js_try) void js_try(void *f, lua_State *L, void *ud, uint32_t sp);
/* Run a command from redis.call/pcall: arguments are in io.args; the host writes the RESP reply
 * into io.reply (growing it with cinn_reply_reserve) and returns its length. */
CINN_IMPORT(host_call) int32_t host_call(int32_t argc, int32_t resp);
/* redis.acl_check_cmd: 1 allowed, 0 denied, -1 unknown command. */
CINN_IMPORT(host_acl_check) int32_t host_acl_check(int32_t argc);
/* redis.log */
CINN_IMPORT(host_log) void host_log(int32_t level, const char *msg, uint32_t len);
/* Count hook: 0 = continue; n > 0 = abort the script with the error text io.reply[0..n);
 * -1 = suspend the script if it can be (see suspend.c) so that the event loop turns. */
CINN_IMPORT(host_hook) int32_t host_hook(void);
/* Suspending (suspend.c): the host starts asyncify's unwind, or ends its rewind. */
CINN_IMPORT(js_suspend) void js_suspend(void);
CINN_IMPORT(js_resumed) void js_resumed(void);
/* redis.register_function during FUNCTION LOAD: the function `ref` (a registry reference) is
 * named name[0..name_len), described by desc[0..desc_len) (desc_len < 0: none), with script
 * flags. Returns 0, or n > 0: refused, with the error text in io.reply[0..n). */
CINN_IMPORT(host_register)
int32_t host_register(const char *name, uint32_t name_len, const char *desc, int32_t desc_len, int32_t flags, int32_t ref);

/* Shared with the host: the host reads the addresses once per use (they move on growth). */
struct cinn_io {
  uint32_t args;      /* (pointer, length) pairs of the current redis.call arguments */
  uint32_t reply;     /* reply buffer the host fills for redis.call */
  uint32_t reply_cap;
  uint32_t out;       /* a script's result as RESP, or an error message */
  uint32_t out_len;
  uint32_t in;        /* input buffer (script bodies, KEYS/ARGV) the host fills */
  uint32_t in_cap;
  int32_t repl_flags; /* redis.set_repl() during the current run */
  int32_t resp;       /* redis.setresp() during the current run */
};
extern struct cinn_io cinn_io;

/* Byte buffer in plain malloc memory (not counted as Lua memory). */
typedef struct cinn_buf {
  char *p;
  size_t len, cap;
} cinn_buf;
int cinn_buf_reserve(cinn_buf *b, size_t extra);
void cinn_buf_add(lua_State *L, cinn_buf *b, const char *s, size_t n);

/* resp.c */
void cinn_push_resp(lua_State *L, const char *reply, size_t len);
/* Serialize the value on top of the stack (popping it) into `out` as a client reply. Returns 0,
 * or 1/2 when the top-level value is an error (2: do not count it in error stats), in which
 * case `out` holds only the message. */
int cinn_reply_from_lua(lua_State *L, cinn_buf *out, int client_resp, int script_resp);
/* Push {err=...} built from "-CODE msg" or "msg" as Redis's luaPushErrorBuff does. */
void cinn_push_error(lua_State *L, const char *err, size_t len);

/* redis_api.c: the sandbox of EVAL scripts (kind 0) or of FUNCTION libraries (kind 1) */
#define CINN_KIND_EVAL 0
#define CINN_KIND_FUNCTION 1
void cinn_open_sandbox(lua_State *L, const char *version, int kind);
extern int cinn_in_run; /* a script invocation is in progress (redis.call allowed) */
/* The C function that raises Redis's "Script attempted to access nonexistent global" error. */
int cinn_missing_global_index(lua_State *L);
void cinn_protect_recursively(lua_State *L);
/* FUNCTION state: globals read through to the loading API (1) or the real globals (0). */
void cinn_library_globals(lua_State *L, int loading);
void cinn_push_error_handler(lua_State *L, int kind);

/* functions.c */
int cinn_register_function(lua_State *L);
extern int cinn_loading; /* a FUNCTION LOAD is running its library's code */

/* suspend.c */
void cinn_vm_begin(lua_State *L);
void cinn_vm_end(void);
int cinn_vm_can_suspend(lua_State *L);
extern int cinn_vm_suspend_requested;

/* libraries */
int luaopen_cjson(lua_State *L);
int luaopen_cinn_bit(lua_State *L);
int luaopen_cinn_struct(lua_State *L);
int luaopen_cinn_cmsgpack(lua_State *L);
void cinn_sha1hex(char out[41], const unsigned char *data, size_t len);

#endif
