/*
 * Exported entry points of the Lua bridge: exceptions, memory, state life cycle, compiling
 * scripts and running them (KEYS/ARGV, error formatting, the count hook).
 *
 * Every entry point that can raise a Lua error runs it inside lua_pcall, so no error ever
 * escapes to the (absent) panic path. A JavaScript exception that is not a Lua error (a wasm
 * trap, a native stack overflow) is never caught in wasm: it unwinds to the host, which then
 * discards this instance as unusable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge.h"
#include "lualib.h"

struct cinn_io cinn_io;

/* ---------------------------------------------------------------------------------------
 * Exceptions: see LUAI_THROW/LUAI_TRY in the patched luaconf.h.
 * ------------------------------------------------------------------------------------- */

uint32_t cinn_stack_get(void);
void cinn_stack_set(uint32_t sp);

void lua_wasm_throw(void) {
  js_throw();
  __builtin_unreachable();
}

void lua_wasm_try(void *f, void *L, void *ud) { js_try(f, (lua_State *)L, ud, cinn_stack_get()); }

/* Called by the host's js_try inside its JavaScript try block. */
CINN_EXPORT(cinn_pfunc) void cinn_pfunc(void *f, lua_State *L, void *ud) {
  ((void (*)(lua_State *, void *))f)(L, ud);
}

/* After catching a Lua error the host restores the shadow stack the unwound frames used. */
CINN_EXPORT(cinn_set_sp) void cinn_set_sp(uint32_t sp) { cinn_stack_set(sp); }

/* ---------------------------------------------------------------------------------------
 * Memory: Lua's allocations are counted and capped; the bridge's own buffers are not.
 * ------------------------------------------------------------------------------------- */

static size_t mem_used = 0;
static size_t mem_limit = (size_t)-1;

static void *cinn_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  (void)ud;
  if (nsize == 0) {
    free(ptr);
    mem_used -= osize;
    return NULL;
  }
  /* Lua 5.1 assumes shrinking never fails, so only growth is refused. */
  if (nsize > osize && mem_used - osize + nsize > mem_limit) return NULL;
  void *p = realloc(ptr, nsize);
  if (p == NULL) return NULL;
  mem_used = mem_used - osize + nsize;
  return p;
}

CINN_EXPORT(cinn_set_mem_limit) void cinn_set_mem_limit(uint32_t limit) {
  mem_limit = limit == 0 ? (size_t)-1 : (size_t)limit;
}

CINN_EXPORT(cinn_mem_used) uint32_t cinn_mem_used(void) { return (uint32_t)mem_used; }

int cinn_buf_reserve(cinn_buf *b, size_t extra) {
  if (b->cap - b->len >= extra) return 1;
  size_t need = b->len + extra;
  if (need < b->len) return 0;
  size_t cap = b->cap < 256 ? 256 : b->cap;
  while (cap < need) {
    if (cap > ((size_t)-1) / 2) {
      cap = need;
      break;
    }
    cap *= 2;
  }
  char *p = realloc(b->p, cap);
  if (p == NULL) return 0;
  b->p = p;
  b->cap = cap;
  return 1;
}

void cinn_buf_add(lua_State *L, cinn_buf *b, const char *s, size_t n) {
  if (!cinn_buf_reserve(b, n)) luaL_error(L, "not enough memory");
  memcpy(b->p + b->len, s, n);
  b->len += n;
}

/* A big transient buffer is given back once it has served. */
static void buf_trim(cinn_buf *b) {
  if (b->cap > (1u << 20)) {
    free(b->p);
    b->p = NULL;
    b->cap = 0;
  }
  b->len = 0;
}

static cinn_buf g_reply, g_out, g_in;

CINN_EXPORT(cinn_io_addr) struct cinn_io *cinn_io_addr(void) { return &cinn_io; }

/* Room for n bytes of redis.call reply; 0 when memory is exhausted. */
CINN_EXPORT(cinn_reply_reserve) uint32_t cinn_reply_reserve(uint32_t n) {
  g_reply.len = 0;
  if (!cinn_buf_reserve(&g_reply, n)) return 0;
  cinn_io.reply = (uint32_t)(uintptr_t)g_reply.p;
  cinn_io.reply_cap = (uint32_t)g_reply.cap;
  return cinn_io.reply;
}

/* Room for n bytes of input (script body, KEYS/ARGV); 0 when memory is exhausted. */
CINN_EXPORT(cinn_in_reserve) uint32_t cinn_in_reserve(uint32_t n) {
  g_in.len = 0;
  if (!cinn_buf_reserve(&g_in, n)) return 0;
  cinn_io.in = (uint32_t)(uintptr_t)g_in.p;
  cinn_io.in_cap = (uint32_t)g_in.cap;
  return cinn_io.in;
}

static void set_out(const char *s, size_t n) {
  g_out.len = 0;
  if (!cinn_buf_reserve(&g_out, n + 1)) {
    static const char oom[] = "ERR Out of memory";
    s = oom;
    n = sizeof(oom) - 1;
    g_out.len = 0;
    if (!cinn_buf_reserve(&g_out, n + 1)) return;
  }
  memcpy(g_out.p, s, n);
  g_out.len = n;
  cinn_io.out = (uint32_t)(uintptr_t)g_out.p;
  cinn_io.out_len = (uint32_t)n;
}

/* ---------------------------------------------------------------------------------------
 * State life cycle.
 * ------------------------------------------------------------------------------------- */

/* Per state (an EVAL state and a FUNCTION state share this module): protected bodies kept
 * in the registry so that running them allocates nothing. */
typedef struct cinn_state {
  lua_State *L;
  int kind;
  int ref_eval, ref_compile, ref_gc, ref_lib;
} cinn_state;

static cinn_state states[2];

static cinn_state *state_of(lua_State *L) { return states[1].L == L ? &states[1] : &states[0]; }

static int eval_body(lua_State *L);
static int compile_body(lua_State *L);
static int lib_body(lua_State *L);
static int gc_body(lua_State *L) {
  lua_gc(L, LUA_GCCOLLECT, 0);
  return 0;
}

static struct {
  const char *version;
  int kind;
} open_args;

static int open_body(lua_State *L) {
  cinn_state *st = &states[open_args.kind];
  lua_settop(L, 0);
  cinn_open_sandbox(L, open_args.version, open_args.kind);
  lua_pushcfunction(L, eval_body);
  st->ref_eval = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_pushcfunction(L, compile_body);
  st->ref_compile = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_pushcfunction(L, gc_body);
  st->ref_gc = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_pushcfunction(L, lib_body);
  st->ref_lib = luaL_ref(L, LUA_REGISTRYINDEX);
  return 0;
}

/* A new sandboxed state for EVAL (kind 0) or FUNCTION libraries (kind 1); the version
 * string is "7.0.15"-like, NUL-terminated. 0 on failure. */
CINN_EXPORT(cinn_open) lua_State *cinn_open(const char *version, int32_t kind) {
  if (kind != CINN_KIND_EVAL && kind != CINN_KIND_FUNCTION) return NULL;
  lua_State *L = lua_newstate(cinn_alloc, NULL);
  if (L == NULL) return NULL;
  states[kind].L = L;
  states[kind].kind = kind;
  open_args.version = version;
  open_args.kind = kind;
  if (lua_cpcall(L, open_body, NULL) != 0) {
    lua_close(L);
    states[kind].L = NULL;
    return NULL;
  }
  return L;
}

CINN_EXPORT(cinn_close) void cinn_close(lua_State *L) {
  cinn_state *st = state_of(L);
  lua_close(L);
  st->L = NULL;
}

/* used_memory_lua, as Redis reports it (whole kilobytes). */
CINN_EXPORT(cinn_lua_memory) uint32_t cinn_lua_memory(lua_State *L) {
  return (uint32_t)lua_gc(L, LUA_GCCOUNT, 0) * 1024u;
}

CINN_EXPORT(cinn_full_gc) void cinn_full_gc(lua_State *L) {
  lua_rawgeti(L, LUA_REGISTRYINDEX, state_of(L)->ref_gc);
  if (lua_pcall(L, 0, 0, 0) != 0) lua_pop(L, 1);
}

/* ---------------------------------------------------------------------------------------
 * Compiling: io.in holds the body; the function is kept in the registry under a reference.
 * ------------------------------------------------------------------------------------- */

static const char *compile_src;
static size_t compile_len;
static const char *compile_chunkname;
static int compile_ref;

static int compile_body(lua_State *L) {
  if (luaL_loadbuffer(L, compile_src, compile_len, compile_chunkname) != 0) {
    size_t n;
    const char *m = lua_tolstring(L, -1, &n);
    set_out(m ? m : "", m ? n : 0);
    compile_ref = 0;
    return 0;
  }
  compile_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  return 0;
}

/* Compile io.in[0..len) as chunk "@user_script" (kind 0) or "@user_function" (kind 1).
 * Returns the function's reference (> 0), or 0 with Lua's message in io.out. */
CINN_EXPORT(cinn_load) int32_t cinn_load(lua_State *L, uint32_t len, int32_t kind) {
  compile_src = g_in.p;
  compile_len = len;
  compile_chunkname = kind == 1 ? "@user_function" : "@user_script";
  compile_ref = 0;
  lua_rawgeti(L, LUA_REGISTRYINDEX, state_of(L)->ref_compile);
  if (lua_pcall(L, 0, 0, 0) != 0) {
    size_t n;
    const char *m = lua_tolstring(L, -1, &n);
    set_out(m ? m : "not enough memory", m ? n : 17);
    lua_pop(L, 1);
    return 0;
  }
  return compile_ref;
}

/* ---------------------------------------------------------------------------------------
 * Loading a FUNCTION library: its code runs once, with only the loading API as globals, and
 * registers functions through redis.register_function (functions.c).
 * ------------------------------------------------------------------------------------- */

static int lib_status, lib_hook_every;

static void load_hook_fn(lua_State *L, lua_Debug *ar) {
  (void)ar;
  int32_t n = host_hook();
  if (n <= 0) return;
  lua_sethook(L, load_hook_fn, LUA_MASKLINE, 0);
  cinn_push_error(L, (const char *)(uintptr_t)cinn_io.reply, (size_t)n);
  lua_error(L);
}

/* The message Redis's luaExtractErrorInformation takes from an error value: "ERR <text>" for
 * a string, the err field of a table. */
static void set_out_error_value(lua_State *L) {
  size_t n = 0;
  const char *msg;
  g_out.len = 0;
  if (lua_isstring(L, -1)) {
    msg = lua_tolstring(L, -1, &n);
    cinn_buf_add(L, &g_out, "ERR ", 4);
    cinn_buf_add(L, &g_out, msg, n);
  } else if (lua_istable(L, -1)) {
    lua_getfield(L, -1, "err");
    msg = lua_isstring(L, -1) ? lua_tolstring(L, -1, &n) : "(null)";
    if (n == 0 && !lua_isstring(L, -1)) n = 6;
    cinn_buf_add(L, &g_out, msg, n);
    lua_pop(L, 1);
  } else {
    cinn_buf_add(L, &g_out, "(null)", 6);
  }
}

static int lib_body(lua_State *L) {
  cinn_library_globals(L, 1);
  if (luaL_loadbuffer(L, compile_src, compile_len, "@user_function") != 0) {
    size_t n;
    const char *m = lua_tolstring(L, -1, &n);
    g_out.len = 0;
    cinn_buf_add(L, &g_out, m ? m : "", m ? n : 0);
    lib_status = 1;
  } else {
    if (lib_hook_every > 0) lua_sethook(L, load_hook_fn, LUA_MASKCOUNT, lib_hook_every);
    cinn_loading = 1;
    int err = lua_pcall(L, 0, 0, 0);
    cinn_loading = 0;
    lua_sethook(L, NULL, 0, 0);
    if (err != 0) {
      set_out_error_value(L);
      lib_status = 2;
    } else {
      lib_status = 0;
    }
  }
  lua_settop(L, 0);
  cinn_library_globals(L, 0);
  return 0;
}

/* Run the library code in io.in[0..len) in the FUNCTION state. Returns 0 (its functions were
 * registered through host_register), 1 (compile error: Lua's message in io.out) or 2 (it
 * failed while loading: the error message in io.out, as Redis extracts it). hook_every > 0
 * installs the count hook, whose host_hook answer can abort the load (timeout). */
CINN_EXPORT(cinn_lib_load) int32_t cinn_lib_load(lua_State *L, uint32_t len, int32_t hook_every) {
  compile_src = g_in.p;
  compile_len = len;
  lib_hook_every = hook_every;
  lib_status = 2;
  lua_rawgeti(L, LUA_REGISTRYINDEX, state_of(L)->ref_lib);
  if (lua_pcall(L, 0, 0, 0) != 0) {
    cinn_loading = 0;
    lua_sethook(L, NULL, 0, 0);
    size_t n;
    const char *m = lua_tolstring(L, -1, &n);
    set_out(m ? m : "not enough memory", m ? n : 17);
    lua_settop(L, 0);
    cinn_library_globals(L, 0);
    return 2;
  }
  cinn_io.out = (uint32_t)(uintptr_t)g_out.p;
  cinn_io.out_len = (uint32_t)g_out.len;
  return lib_status;
}

CINN_EXPORT(cinn_unref) void cinn_unref(lua_State *L, int32_t ref) { luaL_unref(L, LUA_REGISTRYINDEX, ref); }

/* ---------------------------------------------------------------------------------------
 * Running a script.
 * ------------------------------------------------------------------------------------- */

int cinn_in_run = 0;

static struct {
  int ref, nkeys, nargs, client_resp, hook_every, kind;
  const char *name; /* the script's name in error messages: the SHA1, or a function name */
  size_t name_len;
  int status;
} run;

static void hook_fn(lua_State *L, lua_Debug *ar) {
  (void)ar;
  int32_t n = host_hook();
  if (n == 0) return;
  if (n < 0) {
    /* The host wants its event loop to turn: suspend at the next instruction if this spot
     * allows it, else run on until a later hook finds one that does. */
    if (cinn_vm_can_suspend(L)) cinn_vm_suspend_requested = 1;
    return;
  }
  /* Keep firing on every line so that a pcall in the script cannot swallow the abort. */
  lua_sethook(L, hook_fn, LUA_MASKLINE, 0);
  cinn_push_error(L, (const char *)(uintptr_t)cinn_io.reply, (size_t)n);
  lua_error(L);
}

/* KEYS or ARGV from io.in: lengths (u32) first, then the bytes. */
static void push_array(lua_State *L, const uint32_t *lens, const char **data, int n) {
  lua_createtable(L, n, 0);
  for (int j = 0; j < n; j++) {
    lua_pushlstring(L, *data, lens[j]);
    *data += lens[j];
    lua_rawseti(L, -2, j + 1);
  }
}

static void set_global_unlocked(lua_State *L, const char *name) {
  lua_setreadonly(L, LUA_GLOBALSINDEX, 0);
  lua_setglobal(L, name);
  lua_setreadonly(L, LUA_GLOBALSINDEX, 1);
}

static void put_out(lua_State *L, const char *s, size_t n) { cinn_buf_add(L, &g_out, s, n); }

/* Redis's final error text for a failed script: "<err>[ script: <name>, on <source>:<line>.]" */
static int format_error(lua_State *L) {
  g_out.len = 0;
  if (!lua_istable(L, -1)) {
    const char *msg = lua_isstring(L, -1) ? lua_tostring(L, -1) : "execution failure";
    static const char head[] = "ERR Error running script ";
    put_out(L, head, sizeof(head) - 1);
    put_out(L, run.name, run.name_len);
    put_out(L, ", ", 2);
    size_t ml = strlen(msg);
    put_out(L, msg, ml > 100 ? 100 : ml);
    return 1;
  }
  const char *msg = NULL, *source = NULL, *line = NULL;
  int ignore_stats = 0;
  lua_getfield(L, -1, "err");
  if (lua_isstring(L, -1)) msg = lua_tostring(L, -1);
  lua_getfield(L, -2, "source");
  if (lua_isstring(L, -1)) source = lua_tostring(L, -1);
  lua_getfield(L, -3, "line");
  if (lua_isstring(L, -1)) line = lua_tostring(L, -1);
  lua_getfield(L, -4, "ignore_error_stats_update");
  if (lua_isboolean(L, -1)) ignore_stats = lua_toboolean(L, -1);
  /* An error table without a message (error({})) crashes Redis 7.0.15; say something. */
  if (msg == NULL) msg = "ERR unknown error";
  put_out(L, msg, strlen(msg));
  if (line != NULL && source != NULL) {
    put_out(L, " script: ", 9);
    put_out(L, run.name, run.name_len);
    put_out(L, ", on ", 5);
    put_out(L, source, strlen(source));
    put_out(L, ":", 1);
    put_out(L, line, strlen(line));
    put_out(L, ".", 1);
  }
  lua_pop(L, 4);
  return ignore_stats ? 2 : 1;
}

static int gc_count = 0;

static int eval_body(lua_State *L) {
  const uint32_t *lens = (const uint32_t *)(uintptr_t)(cinn_io.in);
  const char *data = (const char *)(lens + run.nkeys + run.nargs);
  lua_settop(L, 0);
  cinn_push_error_handler(L, run.kind);
  lua_rawgeti(L, LUA_REGISTRYINDEX, run.ref);
  if (run.hook_every > 0) lua_sethook(L, hook_fn, LUA_MASKCOUNT, run.hook_every);
  int nargs = 0;
  push_array(L, lens, &data, run.nkeys);
  if (run.kind == CINN_KIND_EVAL)
    set_global_unlocked(L, "KEYS");
  else
    nargs++;
  push_array(L, lens + run.nkeys, &data, run.nargs);
  if (run.kind == CINN_KIND_EVAL)
    set_global_unlocked(L, "ARGV");
  else
    nargs++;
  cinn_io.resp = 2;
  cinn_io.repl_flags = 3;
  cinn_in_run = 1;
  cinn_vm_begin(L);
  int err = lua_pcall(L, nargs, 1, 1);
  cinn_vm_end();
  cinn_in_run = 0;
  if (run.hook_every > 0) lua_sethook(L, NULL, 0, 0);
  /* A step of incremental collection every 50 runs, as Redis does, keeps full cycles rare. */
  if (++gc_count == 50) {
    lua_gc(L, LUA_GCSTEP, 50);
    gc_count = 0;
  }
  if (err != 0) {
    run.status = format_error(L);
  } else {
    g_out.len = 0;
    run.status = cinn_reply_from_lua(L, &g_out, run.client_resp, cinn_io.resp);
  }
  return 0;
}

/* Run the function `ref`. io.in holds the nkeys + nargs lengths (u32) then their bytes, then
 * the script's name (name_len bytes) used in error messages. hook_every > 0 installs the count
 * hook. Returns 0 with the RESP reply in io.out, or 1/2 with an error message in io.out (2: the
 * error was already counted by the command that raised it). */
CINN_EXPORT(cinn_eval)
int32_t cinn_eval(lua_State *L, int32_t ref, int32_t nkeys, int32_t nargs, uint32_t data_len, uint32_t name_len,
                  int32_t client_resp, int32_t hook_every) {
  run.ref = ref;
  run.nkeys = nkeys;
  run.nargs = nargs;
  run.client_resp = client_resp;
  run.hook_every = hook_every;
  run.name = g_in.p + 4u * (uint32_t)(nkeys + nargs) + data_len;
  run.name_len = name_len;
  run.status = 0;
  run.kind = state_of(L)->kind;
  lua_rawgeti(L, LUA_REGISTRYINDEX, state_of(L)->ref_eval);
  if (lua_pcall(L, 0, 0, 0) != 0) {
    /* Out of memory while setting up or converting the reply. */
    cinn_in_run = 0;
    cinn_vm_end();
    lua_sethook(L, NULL, 0, 0);
    const char *m = lua_isstring(L, -1) ? lua_tostring(L, -1) : "execution failure";
    char buf[200];
    int n = snprintf(buf, sizeof(buf), "ERR Error running script %.*s, %.100s", (int)run.name_len, run.name, m);
    lua_settop(L, 0);
    set_out(buf, n < 0 ? 0 : (size_t)n);
    buf_trim(&g_reply);
    return 1;
  }
  lua_settop(L, 0);
  cinn_io.out = (uint32_t)(uintptr_t)g_out.p;
  cinn_io.out_len = (uint32_t)g_out.len;
  buf_trim(&g_reply);
  return run.status;
}

/* The host has copied io.out: a big output buffer is released. */
CINN_EXPORT(cinn_out_done) void cinn_out_done(void) { buf_trim(&g_out); }
