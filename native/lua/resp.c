/*
 * Conversions between RESP and Lua values, with Redis 7.0's rules:
 *  - a redis.call reply (RESP2 or RESP3 bytes written by the command) becomes a Lua value:
 *    nil bulk/array -> false, status -> {ok=}, error -> {err=}, integer -> number, and in RESP3
 *    map -> {map={}}, set -> {set={}}, double -> {double=}, big number -> {big_number=},
 *    verbatim -> {verbatim_string={format=,string=}}, null -> nil, boolean -> boolean;
 *  - a script's return value becomes the reply to the calling client, in that client's
 *    protocol, with booleans following the protocol the script selected (redis.setresp).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bridge.h"

/* ---------------------------------------------------------------------------------------
 * Errors as tables.
 * ------------------------------------------------------------------------------------- */

static int is_crlf(char c) { return c == '\r' || c == '\n'; }

void cinn_push_error(lua_State *L, const char *err, size_t len) {
  /* "-CODE message" keeps its code; anything else is an ERR. Text stops at a NUL byte. */
  size_t n = strnlen(err, len);
  const char *code = "ERR", *msg = err;
  size_t code_len = 3, msg_len = n;
  if (n > 0 && err[0] == '-') {
    const char *sp = memchr(err, ' ', n);
    if (sp == NULL) {
      msg = err + 1;
      msg_len = n - 1;
    } else {
      code = err + 1;
      code_len = (size_t)(sp - err) - 1;
      msg = sp + 1;
      msg_len = n - (size_t)(sp + 1 - err);
    }
  }
  while (msg_len > 0 && is_crlf(msg[0])) msg++, msg_len--;
  while (msg_len > 0 && is_crlf(msg[msg_len - 1])) msg_len--;
  luaL_checkstack(L, 4, "reached lua stack limit");
  lua_createtable(L, 0, 1);
  lua_pushliteral(L, "err");
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  luaL_addlstring(&b, code, code_len);
  luaL_addchar(&b, ' ');
  luaL_addlstring(&b, msg, msg_len);
  luaL_pushresult(&b);
  lua_settable(L, -3);
}

/* ---------------------------------------------------------------------------------------
 * RESP -> Lua
 * ------------------------------------------------------------------------------------- */

typedef struct {
  const char *p, *end;
} cursor;

/* The line after the type byte; advances past its CRLF. */
static const char *read_line(cursor *c, size_t *len) {
  const char *s = c->p + 1;
  const char *e = memchr(s, '\r', (size_t)(c->end - s));
  if (e == NULL) e = c->end;
  *len = (size_t)(e - s);
  c->p = e + 2 <= c->end ? e + 2 : c->end;
  return s;
}

static long long read_ll(const char *s, size_t len) {
  char tmp[32];
  if (len >= sizeof(tmp)) len = sizeof(tmp) - 1;
  memcpy(tmp, s, len);
  tmp[len] = '\0';
  return strtoll(tmp, NULL, 10);
}

static void parse(lua_State *L, cursor *c, int push);

static void set_field_table(lua_State *L, const char *name) {
  lua_createtable(L, 0, 1);
  lua_pushstring(L, name);
}

static void parse(lua_State *L, cursor *c, int push) {
  if (c->p >= c->end) {
    if (push) lua_pushnil(L);
    return;
  }
  if (push) luaL_checkstack(L, 6, "reached lua stack limit");
  char type = *c->p;
  size_t len;
  const char *s = read_line(c, &len);
  switch (type) {
    case '$': {
      long long n = read_ll(s, len);
      if (n < 0) {
        if (push) lua_pushboolean(L, 0);
        return;
      }
      const char *data = c->p;
      c->p = data + n + 2 <= c->end ? data + n + 2 : c->end;
      if (push) lua_pushlstring(L, data, (size_t)n);
      return;
    }
    case '+':
      if (!push) return;
      set_field_table(L, "ok");
      lua_pushlstring(L, s, len);
      lua_settable(L, -3);
      return;
    case '-':
      if (!push) return;
      cinn_push_error(L, s - 1, len + 1);
      /* The command already counted this error when it replied. */
      lua_pushliteral(L, "ignore_error_stats_update");
      lua_pushboolean(L, 1);
      lua_settable(L, -3);
      return;
    case ':':
      if (push) lua_pushnumber(L, (lua_Number)read_ll(s, len));
      return;
    case '_':
      if (push) lua_pushnil(L);
      return;
    case '#':
      if (push) lua_pushboolean(L, len > 0 && s[0] == 't');
      return;
    case ',': {
      if (!push) return;
      char tmp[400];
      size_t l = len < sizeof(tmp) - 1 ? len : sizeof(tmp) - 1;
      memcpy(tmp, s, l);
      tmp[l] = '\0';
      set_field_table(L, "double");
      lua_pushnumber(L, strtod(tmp, NULL));
      lua_settable(L, -3);
      return;
    }
    case '(':
      if (!push) return;
      set_field_table(L, "big_number");
      lua_pushlstring(L, s, len);
      lua_settable(L, -3);
      return;
    case '=': {
      long long n = read_ll(s, len);
      const char *data = c->p;
      c->p = data + n + 2 <= c->end ? data + n + 2 : c->end;
      if (!push) return;
      set_field_table(L, "verbatim_string");
      lua_createtable(L, 0, 2);
      lua_pushliteral(L, "string");
      lua_pushlstring(L, n >= 4 ? data + 4 : data, n >= 4 ? (size_t)n - 4 : 0);
      lua_settable(L, -3);
      lua_pushliteral(L, "format");
      lua_pushlstring(L, data, n >= 3 ? 3 : (size_t)(n < 0 ? 0 : n));
      lua_settable(L, -3);
      lua_settable(L, -3);
      return;
    }
    case '*':
    case '>': {
      long long n = read_ll(s, len);
      if (n < 0) {
        if (push) lua_pushboolean(L, 0);
        return;
      }
      if (push) lua_createtable(L, n > 1024 ? 1024 : (int)n, 0);
      for (long long j = 0; j < n; j++) {
        if (push) lua_pushnumber(L, (lua_Number)(j + 1));
        parse(L, c, push);
        if (push) lua_settable(L, -3);
      }
      return;
    }
    case '%': {
      long long n = read_ll(s, len);
      if (push) {
        set_field_table(L, "map");
        lua_newtable(L);
      }
      for (long long j = 0; j < n; j++) {
        parse(L, c, push);
        parse(L, c, push);
        if (push) lua_settable(L, -3);
      }
      if (push) lua_settable(L, -3);
      return;
    }
    case '~': {
      long long n = read_ll(s, len);
      if (push) {
        set_field_table(L, "set");
        lua_newtable(L);
      }
      for (long long j = 0; j < n; j++) {
        parse(L, c, push);
        if (push) {
          luaL_checkstack(L, 1, "reached lua stack limit");
          lua_pushboolean(L, 1);
          lua_settable(L, -3);
        }
      }
      if (push) lua_settable(L, -3);
      return;
    }
    case '|': {
      /* Attributes are not exposed to scripts: skip them, then read the reply itself. */
      long long n = read_ll(s, len);
      for (long long j = 0; j < n; j++) {
        parse(L, c, 0);
        parse(L, c, 0);
      }
      parse(L, c, push);
      return;
    }
    default:
      if (push) lua_pushnil(L);
      return;
  }
}

void cinn_push_resp(lua_State *L, const char *reply, size_t len) {
  cursor c = {reply, reply + len};
  parse(L, &c, 1);
}

/* ---------------------------------------------------------------------------------------
 * Lua -> RESP
 * ------------------------------------------------------------------------------------- */

typedef struct {
  lua_State *L;
  cinn_buf *o;
  int cresp, sresp;
} writer;

static void put(writer *w, const char *s, size_t n) { cinn_buf_add(w->L, w->o, s, n); }

static void put_header(writer *w, char type, long long n) {
  char tmp[32];
  int l = snprintf(tmp, sizeof(tmp), "%c%lld\r\n", type, n);
  put(w, tmp, (size_t)l);
}

static void put_bulk(writer *w, const char *s, size_t n) {
  put_header(w, '$', (long long)n);
  put(w, s, n);
  put(w, "\r\n", 2);
}

/* Text up to a NUL with CR/LF mapped to spaces, as Redis's sdsmapchars on a C string. */
static void put_line_text(writer *w, const char *s, size_t n) {
  size_t start = w->o->len;
  put(w, s, n);
  for (size_t i = start; i < w->o->len; i++)
    if (is_crlf(w->o->p[i])) w->o->p[i] = ' ';
}

static void put_null(writer *w) {
  if (w->cresp == 2) put(w, "$-1\r\n", 5);
  else put(w, "_\r\n", 3);
}

static void put_double(writer *w, double d) {
  char tmp[64];
  int l;
  if (d > 1.7976931348623157e308 || d < -1.7976931348623157e308)
    l = snprintf(tmp, sizeof(tmp), "%s", d > 0 ? "inf" : "-inf");
  else
    l = snprintf(tmp, sizeof(tmp), "%.17g", d);
  if (w->cresp == 2) {
    put_bulk(w, tmp, (size_t)l);
  } else {
    put(w, ",", 1);
    put(w, tmp, (size_t)l);
    put(w, "\r\n", 2);
  }
}

/* Insert an aggregate header at `at` once the element count is known. */
static void insert_header(writer *w, size_t at, char type, long long n) {
  char tmp[32];
  int l = snprintf(tmp, sizeof(tmp), "%c%lld\r\n", type, n);
  if (!cinn_buf_reserve(w->o, (size_t)l)) luaL_error(w->L, "not enough memory");
  memmove(w->o->p + at + l, w->o->p + at, w->o->len - at);
  memcpy(w->o->p + at, tmp, (size_t)l);
  w->o->len += (size_t)l;
}

/* Look up t[name] (t on top) without metamethods, as Redis 7.0.15 does; leaves the value on
 * the stack and returns its type. */
static int field(lua_State *L, const char *name) {
  lua_pushstring(L, name);
  lua_rawget(L, -2);
  return lua_type(L, -1);
}

static int emit(writer *w, int top);

/* The "err" field of the table below the pushed field is a string: write the error. */
static int emit_error(writer *w, int top) {
  lua_State *L = w->L;
  lua_pop(L, 1);
  const char *msg = NULL;
  int ignore = 0;
  lua_getfield(L, -1, "err");
  if (lua_isstring(L, -1)) msg = lua_tostring(L, -1);
  lua_getfield(L, -2, "ignore_error_stats_update");
  if (lua_isboolean(L, -1)) ignore = lua_toboolean(L, -1);
  size_t n = msg ? strlen(msg) : 0;
  /* Redis prefixes '-', trims CR/LF at the end and maps the others to spaces. */
  while (n > 0 && is_crlf(msg[n - 1])) n--;
  if (top) {
    w->o->len = 0;
    put_line_text(w, msg ? msg : "", n);
  } else {
    put(w, "-", 1);
    put_line_text(w, msg ? msg : "", n);
    put(w, "\r\n", 2);
  }
  lua_pop(L, 3);
  return top ? (ignore ? 2 : 1) : 0;
}

static int emit_table(writer *w, int top) {
  lua_State *L = w->L;
  int t;
  if (field(L, "err") == LUA_TSTRING) return emit_error(w, top);
  lua_pop(L, 1);
  if (field(L, "ok") == LUA_TSTRING) {
    const char *s = lua_tostring(L, -1);
    put(w, "+", 1);
    put_line_text(w, s, strlen(s));
    put(w, "\r\n", 2);
    lua_pop(L, 2);
    return 0;
  }
  lua_pop(L, 1);
  if (field(L, "double") == LUA_TNUMBER) {
    put_double(w, lua_tonumber(L, -1));
    lua_pop(L, 2);
    return 0;
  }
  lua_pop(L, 1);
  if (field(L, "big_number") == LUA_TSTRING) {
    size_t n;
    const char *s = lua_tolstring(L, -1, &n);
    if (w->cresp == 2) {
      put_header(w, '$', (long long)n);
      put_line_text(w, s, n);
      put(w, "\r\n", 2);
    } else {
      put(w, "(", 1);
      put_line_text(w, s, n);
      put(w, "\r\n", 2);
    }
    lua_pop(L, 2);
    return 0;
  }
  lua_pop(L, 1);
  if (field(L, "verbatim_string") == LUA_TTABLE) {
    if (field(L, "format") == LUA_TSTRING) {
      const char *fmt = lua_tostring(L, -1);
      lua_pushstring(L, "string");
      lua_rawget(L, -3);
      if (lua_type(L, -1) == LUA_TSTRING) {
        size_t n;
        const char *s = lua_tolstring(L, -1, &n);
        if (w->cresp == 2) {
          put_bulk(w, s, n);
        } else {
          char ext[3];
          for (int i = 0; i < 3; i++) ext[i] = *fmt ? *fmt++ : ' ';
          put_header(w, '=', (long long)n + 4);
          put(w, ext, 3);
          put(w, ":", 1);
          put(w, s, n);
          put(w, "\r\n", 2);
        }
        lua_pop(L, 4);
        return 0;
      }
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  t = field(L, "map");
  if (t == LUA_TTABLE) {
    size_t at = w->o->len;
    long long n = 0;
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      lua_pushvalue(L, -2);
      emit(w, 0); /* key */
      emit(w, 0); /* value */
      n++;
    }
    if (w->cresp == 2) insert_header(w, at, '*', n * 2);
    else insert_header(w, at, '%', n);
    lua_pop(L, 2);
    return 0;
  }
  lua_pop(L, 1);
  t = field(L, "set");
  if (t == LUA_TTABLE) {
    size_t at = w->o->len;
    long long n = 0;
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      lua_pop(L, 1);
      lua_pushvalue(L, -1);
      emit(w, 0);
      n++;
    }
    insert_header(w, at, w->cresp == 2 ? '*' : '~', n);
    lua_pop(L, 2);
    return 0;
  }
  lua_pop(L, 1);
  /* An array: elements 1, 2, ... up to the first nil. */
  size_t at = w->o->len;
  long long n = 0;
  for (long long j = 1;; j++) {
    lua_pushnumber(L, (lua_Number)j);
    lua_rawget(L, -2);
    if (lua_type(L, -1) == LUA_TNIL) {
      lua_pop(L, 1);
      break;
    }
    emit(w, 0);
    n++;
  }
  insert_header(w, at, '*', n);
  lua_pop(L, 1);
  return 0;
}

/* Write the value on top of the stack and pop it. */
static int emit(writer *w, int top) {
  lua_State *L = w->L;
  if (!lua_checkstack(L, 4)) {
    put(w, "-ERR reached lua stack limit\r\n", 30);
    lua_pop(L, 1);
    return 0;
  }
  switch (lua_type(L, -1)) {
    case LUA_TSTRING: {
      size_t n;
      const char *s = lua_tolstring(L, -1, &n);
      put_bulk(w, s, n);
      break;
    }
    case LUA_TBOOLEAN: {
      int b = lua_toboolean(L, -1);
      if (w->sresp == 2) {
        if (b) put(w, ":1\r\n", 4);
        else put_null(w);
      } else if (w->cresp == 2) {
        put(w, b ? ":1\r\n" : ":0\r\n", 4);
      } else {
        put(w, b ? "#t\r\n" : "#f\r\n", 4);
      }
      break;
    }
    case LUA_TNUMBER: {
      char tmp[32];
      int l = snprintf(tmp, sizeof(tmp), ":%lld\r\n", (long long)lua_tonumber(L, -1));
      put(w, tmp, (size_t)l);
      break;
    }
    case LUA_TTABLE:
      return emit_table(w, top);
    default:
      put_null(w);
  }
  lua_pop(L, 1);
  return 0;
}

int cinn_reply_from_lua(lua_State *L, cinn_buf *out, int client_resp, int script_resp) {
  writer w = {L, out, client_resp, script_resp};
  return emit(&w, 1);
}
