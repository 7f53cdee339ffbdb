/*
 * FUNCTION libraries: redis.register_function, as Redis 7.0's function engine reads its
 * arguments (positional `name, callback`, or one table of named arguments with flags), and the
 * metadata is handed to the host, which keeps the library. The callback stays in the registry
 * under a reference the host uses to call it (FCALL) and to release it.
 */
#include <string.h>
#include <strings.h>

#include "bridge.h"

int cinn_loading = 0;

/* Redis's scripts_flags_def, in its order (FUNCTION LIST reports flags in this order). */
static const struct {
  const char *name;
  int flag;
} script_flags[] = {
    {"no-writes", 1 << 1}, {"allow-oom", 1 << 2}, {"allow-stale", 1 << 3},
    {"no-cluster", 1 << 4}, {"allow-cross-slot-keys", 1 << 5}, {NULL, 0},
};

static int push_error_and_raise(lua_State *L, const char *msg) {
  cinn_push_error(L, msg, strlen(msg));
  return lua_error(L);
}

/* The flags table on top of the stack; -1 for an unknown flag (or a non-string entry). */
static int read_flags(lua_State *L) {
  int flags = 0;
  for (int j = 1;; j++) {
    lua_pushnumber(L, j);
    lua_gettable(L, -2);
    if (lua_isnil(L, -1)) {
      lua_pop(L, 1);
      return flags;
    }
    if (!lua_isstring(L, -1)) {
      lua_pop(L, 1);
      return -1;
    }
    const char *name = lua_tostring(L, -1);
    int found = 0;
    for (int f = 0; script_flags[f].name != NULL; f++) {
      if (strcasecmp(script_flags[f].name, name) == 0) {
        flags |= script_flags[f].flag;
        found = 1;
        break;
      }
    }
    lua_pop(L, 1);
    if (!found) return -1;
  }
}

typedef struct reg_args {
  const char *name, *desc;
  size_t name_len, desc_len;
  int has_desc, flags, ref;
} reg_args;

/* redis.register_function{function_name=..., callback=..., flags=..., description=...} */
static const char *read_named(lua_State *L, reg_args *a) {
  if (!lua_istable(L, 1))
    return "calling redis.register_function with a single argument is only applicable to Lua table (representing "
           "named arguments).";
  /* Slots 2 and 3 anchor the name and description (lua_tolstring may convert a number). */
  lua_settop(L, 3);
  lua_pushnil(L);
  while (lua_next(L, 1)) {
    if (!lua_isstring(L, -2)) return "named argument key given to redis.register_function is not a string";
    const char *key = lua_tostring(L, -2);
    if (strcasecmp(key, "function_name") == 0) {
      if (!lua_isstring(L, -1)) return "function_name argument given to redis.register_function must be a string";
      lua_pushvalue(L, -1);
      lua_replace(L, 2);
      a->name = lua_tolstring(L, 2, &a->name_len);
    } else if (strcasecmp(key, "description") == 0) {
      if (!lua_isstring(L, -1)) return "description argument given to redis.register_function must be a string";
      lua_pushvalue(L, -1);
      lua_replace(L, 3);
      a->desc = lua_tolstring(L, 3, &a->desc_len);
      a->has_desc = 1;
    } else if (strcasecmp(key, "callback") == 0) {
      if (!lua_isfunction(L, -1)) return "callback argument given to redis.register_function must be a function";
      if (a->ref != LUA_NOREF) luaL_unref(L, LUA_REGISTRYINDEX, a->ref);
      a->ref = luaL_ref(L, LUA_REGISTRYINDEX); /* pops the value */
      continue;
    } else if (strcasecmp(key, "flags") == 0) {
      if (!lua_istable(L, -1))
        return "flags argument to redis.register_function must be a table representing function flags";
      int flags = read_flags(L);
      if (flags < 0) return "unknown flag given";
      a->flags = flags;
    } else {
      return "unknown argument given to redis.register_function";
    }
    lua_pop(L, 1);
  }
  if (a->name == NULL) return "redis.register_function must get a function name argument";
  if (a->ref == LUA_NOREF) return "redis.register_function must get a callback argument";
  return NULL;
}

/* redis.register_function(name, callback) */
static const char *read_positional(lua_State *L, reg_args *a) {
  if (!lua_isstring(L, 1)) return "first argument to redis.register_function must be a string";
  if (!lua_isfunction(L, 2)) return "second argument to redis.register_function must be a function";
  a->name = lua_tolstring(L, 1, &a->name_len);
  lua_pushvalue(L, 2);
  a->ref = luaL_ref(L, LUA_REGISTRYINDEX);
  return NULL;
}

int cinn_register_function(lua_State *L) {
  if (!cinn_loading) return push_error_and_raise(L, "redis.register_function can only be called on FUNCTION LOAD command");
  reg_args a = {NULL, NULL, 0, 0, 0, 0, LUA_NOREF};
  int argc = lua_gettop(L);
  const char *err;
  if (argc < 1 || argc > 2)
    err = "wrong number of arguments to redis.register_function";
  else
    err = argc == 1 ? read_named(L, &a) : read_positional(L, &a);
  if (err == NULL) {
    int32_t n = host_register(a.name, (uint32_t)a.name_len, a.desc, a.has_desc ? (int32_t)a.desc_len : -1, a.flags, a.ref);
    if (n == 0) return 0;
    luaL_unref(L, LUA_REGISTRYINDEX, a.ref);
    cinn_push_error(L, (const char *)(uintptr_t)cinn_io.reply, (size_t)n);
    return lua_error(L);
  }
  if (a.ref != LUA_NOREF) luaL_unref(L, LUA_REGISTRYINDEX, a.ref);
  return push_error_and_raise(L, err);
}
