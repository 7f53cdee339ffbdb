/*
 * The scripting sandbox of Redis 7.0.15 (as Debian ships it, with its security fixes): the
 * libraries, the `redis` table, Redis's pcall and math.random, the error handler, and the
 * read-only globals.
 *
 * The set-up replays Redis's order of operations on the globals table (libraries first, through
 * an allow list; then pcall, redis, math.random; then debug removed and the error handler
 * added). The hash part's layout, and so the order pairs() visits the globals, depends on that
 * order, and scripts can observe it.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bridge.h"
#include "lualib.h"

/* ---------------------------------------------------------------------------------------
 * Globals allowed while the libraries load (anything else is dropped, as in Redis).
 * ------------------------------------------------------------------------------------- */

static const char *const allowed_globals[] = {
    /* libraries */
    "string", "cjson", "bit", "cmsgpack", "math", "table", "struct",
    /* Redis's API */
    "redis", "__redis__err__handler",
    /* Lua built-ins */
    "xpcall", "tostring", "setmetatable", "next", "assert", "tonumber", "rawequal", "collectgarbage",
    "getmetatable", "rawset", "pcall", "coroutine", "type", "_G", "select", "unpack", "gcinfo", "pairs",
    "rawget", "loadstring", "ipairs", "_VERSION", "load", "error",
    /* removed once the error handler has captured it */
    "debug", NULL};

static int is_allowed_global(const char *name) {
  for (const char *const *p = allowed_globals; *p != NULL; p++)
    if (strcmp(*p, name) == 0) return 1;
  return 0;
}

/* __newindex of the globals during set-up. */
static int allow_list_newindex(lua_State *L) {
  if (lua_gettop(L) != 3) luaL_error(L, "Wrong number of arguments to luaNewIndexAllowList");
  if (!lua_istable(L, -3)) luaL_error(L, "first argument to luaNewIndexAllowList must be a table");
  if (!lua_isstring(L, -2) && !lua_isnumber(L, -2))
    luaL_error(L, "Second argument to luaNewIndexAllowList must be a string or number");
  if (is_allowed_global(lua_tostring(L, -2))) lua_rawset(L, -3);
  return 0;
}

/* __index of the globals once the sandbox is sealed. */
int cinn_missing_global_index(lua_State *L) {
  if (lua_gettop(L) != 2) luaL_error(L, "Wrong number of arguments to luaProtectedTableError");
  if (!lua_isstring(L, -1) && !lua_isnumber(L, -1))
    luaL_error(L, "Second argument to luaProtectedTableError must be a string or number");
  return luaL_error(L, "Script attempted to access nonexistent global variable '%s'", lua_tostring(L, -1));
}

/* Mark the table on top, every table reachable from it and their metatables read-only. */
void cinn_protect_recursively(lua_State *L) {
  if (lua_isreadonly(L, -1)) return; /* visited (e.g. _G._G) */
  lua_setreadonly(L, -1, 1);
  luaL_checkstack(L, 2, "protecting tables");
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    if (lua_istable(L, -1)) cinn_protect_recursively(L);
    lua_pop(L, 1);
  }
  if (lua_getmetatable(L, -1)) {
    cinn_protect_recursively(L);
    lua_pop(L, 1);
  }
}

/* The metatables of non-table types (the string library's, chiefly) are locked too. */
static void protect_basic_type_metatables(lua_State *L) {
  for (int i = 0; i < 7; i++) {
    switch (i) {
      case 0: lua_pushstring(L, ""); break;
      case 1: lua_pushnumber(L, 0); break;
      case 2: lua_pushboolean(L, 0); break;
      case 3: lua_pushnil(L); break;
      case 4: lua_pushcfunction(L, cinn_missing_global_index); break;
      case 5: lua_newthread(L); break;
      default: lua_pushlightuserdata(L, (void *)L); break;
    }
    if (lua_getmetatable(L, -1)) {
      cinn_protect_recursively(L);
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
}

/* ---------------------------------------------------------------------------------------
 * The redis.* functions.
 * ------------------------------------------------------------------------------------- */

static int raise_error(lua_State *L, const char *msg) {
  cinn_push_error(L, msg, strlen(msg));
  return lua_error(L);
}

/* (pointer, length) pairs for the host, and room to format numbers. */
static uint32_t *args_tab = NULL;
static char *num_buf = NULL;
static int args_cap = 0;

/* redis.call / redis.pcall: arguments become the command's argv (numbers as %.17g). */
static int redis_generic_call(lua_State *L, int raise) {
  if (!cinn_in_run) return raise_error(L, "redis.call/pcall can only be called inside a script invocation");
  int argc = lua_gettop(L);
  if (argc == 0) {
    static const char msg[] = "Please specify at least one argument for this redis lib call";
    cinn_push_error(L, msg, sizeof(msg) - 1);
    return raise ? lua_error(L) : 1;
  }
  if (argc > args_cap) {
    int cap = argc < 16 ? 16 : argc;
    uint32_t *t = realloc(args_tab, sizeof(uint32_t) * 2 * (size_t)cap);
    if (t != NULL) args_tab = t;
    char *n = realloc(num_buf, 32 * (size_t)cap);
    if (n != NULL) num_buf = n;
    if (t == NULL || n == NULL) return luaL_error(L, "not enough memory");
    args_cap = cap;
  }
  for (int j = 0; j < argc; j++) {
    size_t len;
    const char *s;
    if (lua_type(L, j + 1) == LUA_TNUMBER) {
      char *d = num_buf + 32 * j;
      len = (size_t)snprintf(d, 32, "%.17g", (double)lua_tonumber(L, j + 1));
      s = d;
    } else {
      s = lua_tolstring(L, j + 1, &len);
      if (s == NULL) {
        lua_settop(L, 0);
        static const char msg[] = "Lua redis lib command arguments must be strings or integers";
        cinn_push_error(L, msg, sizeof(msg) - 1);
        return raise ? lua_error(L) : 1;
      }
    }
    args_tab[2 * j] = (uint32_t)(uintptr_t)s;
    args_tab[2 * j + 1] = (uint32_t)len;
  }
  cinn_io.args = (uint32_t)(uintptr_t)args_tab;
  int32_t n = host_call(argc, cinn_io.resp);
  /* The argument strings are no longer needed: the reply may need the stack space. */
  lua_settop(L, 0);
  const char *reply = (const char *)(uintptr_t)cinn_io.reply;
  if (n <= 0) {
    static const char msg[] = "-ERR the command produced no reply";
    cinn_push_error(L, msg, sizeof(msg) - 1);
    return raise ? lua_error(L) : 1;
  }
  cinn_push_resp(L, reply, (size_t)n);
  if (raise && reply[0] == '-') return lua_error(L);
  return 1;
}

static int redis_call(lua_State *L) { return redis_generic_call(L, 1); }
static int redis_pcall(lua_State *L) { return redis_generic_call(L, 0); }

/* Redis's pcall: an error that is an {err=...} table comes back as its message. */
static int sandbox_pcall(lua_State *L) {
  int argc = lua_gettop(L);
  lua_pushboolean(L, 1);
  lua_insert(L, 1);
  if (lua_pcall(L, argc - 1, LUA_MULTRET, 0) != 0) {
    lua_remove(L, 1);
    if (lua_istable(L, -1)) {
      lua_getfield(L, -1, "err");
      if (lua_isstring(L, -1)) lua_replace(L, -2);
    }
    lua_pushboolean(L, 0);
    lua_insert(L, 1);
  }
  return lua_gettop(L);
}

static int redis_sha1hex(lua_State *L) {
  if (lua_gettop(L) != 1) return raise_error(L, "wrong number of arguments");
  size_t len = 0;
  const char *s = lua_tolstring(L, 1, &len);
  char digest[41];
  cinn_sha1hex(digest, (const unsigned char *)(s ? s : ""), s ? len : 0);
  lua_pushstring(L, digest);
  return 1;
}

static int redis_error_reply(lua_State *L) {
  if (lua_gettop(L) != 1 || lua_type(L, -1) != LUA_TSTRING) {
    static const char msg[] = "wrong number or type of arguments";
    cinn_push_error(L, msg, sizeof(msg) - 1);
    return 1;
  }
  const char *err = lua_tostring(L, -1);
  if (err[0] == '-') {
    cinn_push_error(L, err, strlen(err));
  } else {
    lua_pushliteral(L, "-");
    lua_pushvalue(L, -2);
    lua_concat(L, 2);
    const char *e = lua_tostring(L, -1);
    cinn_push_error(L, e, strlen(e));
  }
  return 1;
}

static int redis_status_reply(lua_State *L) {
  if (lua_gettop(L) != 1 || lua_type(L, -1) != LUA_TSTRING) {
    static const char msg[] = "wrong number or type of arguments";
    cinn_push_error(L, msg, sizeof(msg) - 1);
    return 1;
  }
  lua_newtable(L);
  lua_pushstring(L, "ok");
  lua_pushvalue(L, -3);
  lua_settable(L, -3);
  return 1;
}

static int redis_set_repl(lua_State *L) {
  if (!cinn_in_run) return raise_error(L, "redis.set_repl can only be called inside a script invocation");
  if (lua_gettop(L) != 1) return raise_error(L, "redis.set_repl() requires two arguments.");
  int flags = (int)lua_tonumber(L, -1);
  if ((flags & ~3) != 0)
    return raise_error(L, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.");
  cinn_io.repl_flags = flags;
  return 0;
}

static int redis_acl_check_cmd(lua_State *L) {
  if (!cinn_in_run) return raise_error(L, "redis.acl_check_cmd can only be called inside a script invocation");
  int argc = lua_gettop(L);
  if (argc == 0) return raise_error(L, "Please specify at least one argument for this redis lib call");
  if (argc > args_cap) {
    uint32_t *t = realloc(args_tab, sizeof(uint32_t) * 2 * (size_t)argc);
    char *n = t ? realloc(num_buf, 32 * (size_t)argc) : NULL;
    if (t) args_tab = t;
    if (n) num_buf = n;
    if (!t || !n) return luaL_error(L, "not enough memory");
    args_cap = argc;
  }
  for (int j = 0; j < argc; j++) {
    size_t len;
    const char *s;
    if (lua_type(L, j + 1) == LUA_TNUMBER) {
      char *d = num_buf + 32 * j;
      len = (size_t)snprintf(d, 32, "%.17g", (double)lua_tonumber(L, j + 1));
      s = d;
    } else {
      s = lua_tolstring(L, j + 1, &len);
      if (s == NULL) return raise_error(L, "Lua redis lib command arguments must be strings or integers");
    }
    args_tab[2 * j] = (uint32_t)(uintptr_t)s;
    args_tab[2 * j + 1] = (uint32_t)len;
  }
  cinn_io.args = (uint32_t)(uintptr_t)args_tab;
  int32_t r = host_acl_check(argc);
  lua_settop(L, 0);
  if (r < 0) return raise_error(L, "Invalid command passed to redis.acl_check_cmd()");
  lua_pushboolean(L, r);
  return 1;
}

static int redis_log(lua_State *L) {
  int argc = lua_gettop(L);
  if (argc < 2) return raise_error(L, "redis.log() requires two arguments or more.");
  if (!lua_isnumber(L, -argc)) return raise_error(L, "First argument must be a number (log level).");
  int level = (int)lua_tonumber(L, -argc);
  if (level < 0 || level > 3) return raise_error(L, "Invalid debug level.");
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (int j = 1; j < argc; j++) {
    size_t len;
    const char *s = lua_tolstring(L, j + 1, &len);
    if (s != NULL) {
      if (j != 1) luaL_addchar(&b, ' ');
      luaL_addlstring(&b, s, len);
    }
  }
  luaL_pushresult(&b);
  size_t len;
  const char *msg = lua_tolstring(L, -1, &len);
  host_log(level, msg, (uint32_t)len);
  return 0;
}

static int redis_setresp(lua_State *L) {
  if (!cinn_in_run) return raise_error(L, "redis.setresp can only be called inside a script invocation");
  if (lua_gettop(L) != 1) return raise_error(L, "redis.setresp() requires one argument.");
  int resp = (int)lua_tonumber(L, -1);
  if (resp != 2 && resp != 3) return raise_error(L, "RESP version must be 2 or 3.");
  cinn_io.resp = resp;
  return 0;
}

/* The debugger (SCRIPT DEBUG) is not available: breakpoints never stop, debug logs nothing. */
static int redis_breakpoint(lua_State *L) {
  lua_pushboolean(L, 0);
  return 1;
}
static int redis_debug(lua_State *L) {
  (void)L;
  return 0;
}
static int redis_replicate_commands(lua_State *L) {
  lua_pushboolean(L, 1);
  return 1;
}

/* ---------------------------------------------------------------------------------------
 * math.random: a 48-bit linear congruential generator with rand48's constants, shared by
 * every script of the process and seeded only by math.randomseed, as in Redis.
 * ------------------------------------------------------------------------------------- */

static uint64_t rand48_state = 0x1234ABCD330EULL;

static int32_t rand48_next(void) {
  rand48_state = (rand48_state * 0x5DEECE66DULL + 0xB) & 0xFFFFFFFFFFFFULL;
  return (int32_t)(rand48_state >> 17);
}

static int math_random(lua_State *L) {
  if (!cinn_in_run) return luaL_error(L, "math.random can only be called inside a script invocation");
  lua_Number r = (lua_Number)(rand48_next() % INT32_MAX) / (lua_Number)INT32_MAX;
  switch (lua_gettop(L)) {
    case 0:
      lua_pushnumber(L, r);
      break;
    case 1: {
      int u = luaL_checkint(L, 1);
      luaL_argcheck(L, 1 <= u, 1, "interval is empty");
      lua_pushnumber(L, floor(r * u) + 1);
      break;
    }
    case 2: {
      int l = luaL_checkint(L, 1);
      int u = luaL_checkint(L, 2);
      luaL_argcheck(L, l <= u, 2, "interval is empty");
      lua_pushnumber(L, floor(r * (u - l + 1)) + l);
      break;
    }
    default:
      return luaL_error(L, "wrong number of arguments");
  }
  return 1;
}

static int math_randomseed(lua_State *L) {
  if (!cinn_in_run) return luaL_error(L, "math.randomseed can only be called inside a script invocation");
  uint32_t seed = (uint32_t)luaL_checkint(L, 1);
  rand48_state = ((uint64_t)seed << 16) | 0x330E;
  return 0;
}

/* ---------------------------------------------------------------------------------------
 * The error handler of every script run: errors become {err=, source=, line=} tables, the
 * position being the script's line (the caller's, when a C function raised the error).
 * ------------------------------------------------------------------------------------- */

#define REGISTRY_TOSTRING "__cinn_tostring"

static int error_handler(lua_State *L) {
  lua_Debug ar;
  int found = lua_getstack(L, 1, &ar) && lua_getinfo(L, "nSl", &ar);
  if (found && strcmp(ar.what, "C") == 0) found = lua_getstack(L, 2, &ar) && lua_getinfo(L, "nSl", &ar);
  lua_settop(L, 1);
  if (!lua_istable(L, 1)) {
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, "ERR ");
    lua_getfield(L, LUA_REGISTRYINDEX, REGISTRY_TOSTRING);
    lua_pushvalue(L, 1);
    lua_call(L, 1, 1);
    lua_concat(L, 2);
    lua_setfield(L, -2, "err");
    lua_replace(L, 1);
  }
  if (found) {
    lua_pushstring(L, ar.source);
    lua_setfield(L, 1, "source");
    lua_pushnumber(L, ar.currentline);
    lua_setfield(L, 1, "line");
  }
  return 1;
}

/* ---------------------------------------------------------------------------------------
 * Set-up.
 * ------------------------------------------------------------------------------------- */

static void load_lib(lua_State *L, const char *name, lua_CFunction open) {
  lua_pushcfunction(L, open);
  lua_pushstring(L, name);
  lua_call(L, 1, 0);
}

static void set_function(lua_State *L, const char *name, lua_CFunction f) {
  lua_pushstring(L, name);
  lua_pushcfunction(L, f);
  lua_settable(L, -3);
}

static void set_number(lua_State *L, const char *name, lua_Number n) {
  lua_pushstring(L, name);
  lua_pushnumber(L, n);
  lua_settable(L, -3);
}

static int version_number(const char *v) {
  int major = atoi(v), minor = 0, patch = 0;
  const char *p = strchr(v, '.');
  if (p != NULL) {
    minor = atoi(p + 1);
    p = strchr(p + 1, '.');
    if (p != NULL) patch = atoi(p + 1);
  }
  return (major << 16) | (minor << 8) | patch;
}

/* The error metatable of Redis's luaSetErrorMetatable: reading a missing field raises. */
static void set_error_metatable(lua_State *L) {
  lua_newtable(L);
  lua_pushcfunction(L, cinn_missing_global_index);
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, -2);
}

static void set_log_and_version(lua_State *L, const char *version) {
  set_function(L, "log", redis_log);
  set_number(L, "LOG_DEBUG", 0);
  set_number(L, "LOG_VERBOSE", 1);
  set_number(L, "LOG_NOTICE", 2);
  set_number(L, "LOG_WARNING", 3);
  set_number(L, "REDIS_VERSION_NUM", version_number(version));
  lua_pushstring(L, "REDIS_VERSION");
  lua_pushstring(L, version);
  lua_settable(L, -3);
}

/*
 * FUNCTION libraries run in a state of their own, set up as Redis 7.0's function engine does:
 * the same libraries and `redis` API (without the debugger's functions); while a library's
 * code loads, globals resolve to a table holding only redis.register_function, redis.log and
 * the version fields; the error handler lives in the registry; and the globals table scripts
 * see is an empty read-only table whose metatable reads through to the protected globals.
 */
#define REGISTRY_LIBRARY_API "__LIBRARY_API__"
#define REGISTRY_GLOBALS_API "__GLOBALS_API__"
#define REGISTRY_ERROR_HANDLER "__ERROR_HANDLER__"

static void finish_function_sandbox(lua_State *L, const char *version) {
  lua_newtable(L); /* the globals while a library loads */
  lua_newtable(L); /* their `redis` */
  set_function(L, "register_function", cinn_register_function);
  set_log_and_version(L, version);
  set_error_metatable(L);
  lua_setfield(L, -2, "redis");
  set_error_metatable(L);
  cinn_protect_recursively(L);
  lua_setfield(L, LUA_REGISTRYINDEX, REGISTRY_LIBRARY_API);

  lua_pushnil(L);
  lua_setglobal(L, "debug");
  lua_pushcfunction(L, error_handler);
  lua_setfield(L, LUA_REGISTRYINDEX, REGISTRY_ERROR_HANDLER);

  lua_pushvalue(L, LUA_GLOBALSINDEX);
  set_error_metatable(L);
  cinn_protect_recursively(L);
  lua_pop(L, 1);
  lua_pushvalue(L, LUA_GLOBALSINDEX);
  lua_setfield(L, LUA_REGISTRYINDEX, REGISTRY_GLOBALS_API);

  lua_newtable(L); /* the new globals */
  lua_newtable(L); /* their metatable */
  lua_pushvalue(L, LUA_GLOBALSINDEX);
  lua_setfield(L, -2, "__index");
  lua_setreadonly(L, -1, 1);
  lua_setmetatable(L, -2);
  lua_setreadonly(L, -1, 1);
  lua_replace(L, LUA_GLOBALSINDEX);
  protect_basic_type_metatables(L);
}

/* Point the globals' metatable at the loading API (loading = 1) or back at the globals. */
void cinn_library_globals(lua_State *L, int loading) {
  lua_getmetatable(L, LUA_GLOBALSINDEX);
  lua_setreadonly(L, -1, 0);
  lua_getfield(L, LUA_REGISTRYINDEX, loading ? REGISTRY_LIBRARY_API : REGISTRY_GLOBALS_API);
  lua_setfield(L, -2, "__index");
  /* Redis re-protects the globals table here, leaving this metatable writable. */
  lua_setreadonly(L, LUA_GLOBALSINDEX, 1);
  lua_pop(L, 1);
}

/* Push the error handler of a run (EVAL: the global; functions: the registry's). */
void cinn_push_error_handler(lua_State *L, int kind) {
  if (kind == CINN_KIND_FUNCTION)
    lua_getfield(L, LUA_REGISTRYINDEX, REGISTRY_ERROR_HANDLER);
  else
    lua_getglobal(L, "__redis__err__handler");
}

void cinn_open_sandbox(lua_State *L, const char *version, int kind) {
  /* Only allowed names may become globals while the libraries register themselves. */
  lua_pushvalue(L, LUA_GLOBALSINDEX);
  lua_newtable(L);
  lua_pushcfunction(L, allow_list_newindex);
  lua_setfield(L, -2, "__newindex");
  lua_setmetatable(L, -2);
  lua_pop(L, 1);

  load_lib(L, "", luaopen_base);
  load_lib(L, LUA_TABLIBNAME, luaopen_table);
  load_lib(L, LUA_STRLIBNAME, luaopen_string);
  load_lib(L, LUA_MATHLIBNAME, luaopen_math);
  load_lib(L, LUA_DBLIBNAME, luaopen_debug);
  load_lib(L, "cjson", luaopen_cjson);
  load_lib(L, "struct", luaopen_cinn_struct);
  load_lib(L, "cmsgpack", luaopen_cinn_cmsgpack);
  load_lib(L, "bit", luaopen_cinn_bit);

  lua_getglobal(L, "tostring");
  lua_setfield(L, LUA_REGISTRYINDEX, REGISTRY_TOSTRING);

  lua_pushcfunction(L, sandbox_pcall);
  lua_setglobal(L, "pcall");

  lua_newtable(L);
  set_function(L, "call", redis_call);
  set_function(L, "pcall", redis_pcall);
  set_log_and_version(L, version);
  set_function(L, "setresp", redis_setresp);
  set_function(L, "sha1hex", redis_sha1hex);
  set_function(L, "error_reply", redis_error_reply);
  set_function(L, "status_reply", redis_status_reply);
  set_function(L, "set_repl", redis_set_repl);
  set_number(L, "REPL_NONE", 0);
  set_number(L, "REPL_AOF", 1);
  set_number(L, "REPL_SLAVE", 2);
  set_number(L, "REPL_REPLICA", 2);
  set_number(L, "REPL_ALL", 3);
  set_function(L, "acl_check_cmd", redis_acl_check_cmd);
  lua_setglobal(L, "redis");

  lua_getglobal(L, "math");
  set_function(L, "random", math_random);
  set_function(L, "randomseed", math_randomseed);
  lua_setglobal(L, "math");

  if (kind == CINN_KIND_FUNCTION) {
    finish_function_sandbox(L, version);
    return;
  }

  lua_getglobal(L, "redis");
  set_function(L, "breakpoint", redis_breakpoint);
  set_function(L, "debug", redis_debug);
  set_function(L, "replicate_commands", redis_replicate_commands);
  lua_setglobal(L, "redis");

  lua_pushnil(L);
  lua_setglobal(L, "debug");
  lua_pushcfunction(L, error_handler);
  lua_setglobal(L, "__redis__err__handler");

  /* Seal: unknown globals raise, and nothing reachable can be modified. */
  lua_pushvalue(L, LUA_GLOBALSINDEX);
  set_error_metatable(L);
  cinn_protect_recursively(L);
  lua_pop(L, 1);
  protect_basic_type_metatables(L);
}
