/*
 * The `cmsgpack` library of Redis's scripting: MessagePack encoding of Lua values.
 *
 *   cmsgpack.pack(v1, v2, ...)       -> the encodings of the values, concatenated
 *   cmsgpack.unpack(s)               -> every value encoded in s
 *   cmsgpack.unpack_one(s [, off])   -> next offset (-1 at the end), one value
 *   cmsgpack.unpack_limit(s, n [, off]) -> next offset, up to n values
 *
 * Encoding choices follow lua-cmsgpack 0.4.0 as Redis ships it, since scripts and clients
 * compare bytes: integral numbers use the smallest integer form, other numbers float32 when
 * exact and float64 otherwise; a table whose keys are exactly 1..n is an array, any other a map;
 * tables nested 16 deep encode as nil. Decoded integers are pushed through a 64-bit signed
 * integer, as on x86-64.
 */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lauxlib.h"
#include "lua.h"

#define MAX_NESTING 16

/* ---------------------------------------------------------------------------------------
 * Output buffer, owned by a userdata so that an error while encoding frees it.
 * ------------------------------------------------------------------------------------- */

typedef struct {
  unsigned char *p;
  size_t len, cap;
} pack_buf;

static const char BUF_META[] = "cinnabar.cmsgpack.buffer";

static int buf_gc(lua_State *L) {
  pack_buf *b = lua_touserdata(L, 1);
  free(b->p);
  b->p = NULL;
  return 0;
}

static void buf_put(lua_State *L, pack_buf *b, const void *s, size_t n) {
  if (b->cap - b->len < n) {
    size_t cap = b->cap ? b->cap : 64;
    while (cap - b->len < n) {
      if (cap > ((size_t)-1) / 2) luaL_error(L, "not enough memory");
      cap *= 2;
    }
    unsigned char *p = realloc(b->p, cap);
    if (p == NULL) luaL_error(L, "not enough memory");
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
}

/* Big-endian bytes of v after a type byte. */
static void put_typed(lua_State *L, pack_buf *b, unsigned char type, uint64_t v, int nbytes) {
  unsigned char out[9];
  out[0] = type;
  for (int i = 0; i < nbytes; i++) out[1 + i] = (unsigned char)(v >> (8 * (nbytes - 1 - i)));
  buf_put(L, b, out, (size_t)nbytes + 1);
}

/* ---------------------------------------------------------------------------------------
 * Encoding.
 * ------------------------------------------------------------------------------------- */

static void encode_int(lua_State *L, pack_buf *b, int64_t n) {
  if (n >= 0) {
    if (n <= 127) {
      unsigned char c = (unsigned char)n;
      buf_put(L, b, &c, 1);
    } else if (n <= 0xff) put_typed(L, b, 0xcc, (uint64_t)n, 1);
    else if (n <= 0xffff) put_typed(L, b, 0xcd, (uint64_t)n, 2);
    else if (n <= 0xffffffffLL) put_typed(L, b, 0xce, (uint64_t)n, 4);
    else put_typed(L, b, 0xcf, (uint64_t)n, 8);
  } else {
    if (n >= -32) {
      unsigned char c = (unsigned char)(int8_t)n;
      buf_put(L, b, &c, 1);
    } else if (n >= -128) put_typed(L, b, 0xd0, (uint64_t)n, 1);
    else if (n >= -32768) put_typed(L, b, 0xd1, (uint64_t)n, 2);
    else if (n >= -2147483648LL) put_typed(L, b, 0xd2, (uint64_t)n, 4);
    else put_typed(L, b, 0xd3, (uint64_t)n, 8);
  }
}

static void encode_double(lua_State *L, pack_buf *b, double d) {
  float f = (float)d;
  if (d == (double)f) {
    uint32_t bits;
    memcpy(&bits, &f, 4);
    put_typed(L, b, 0xca, bits, 4);
  } else {
    uint64_t bits;
    memcpy(&bits, &d, 8);
    put_typed(L, b, 0xcb, bits, 8);
  }
}

static void encode_string(lua_State *L, pack_buf *b, const char *s, size_t len) {
  if (len < 32) {
    unsigned char c = (unsigned char)(0xa0 | len);
    buf_put(L, b, &c, 1);
  } else if (len <= 0xff) put_typed(L, b, 0xd9, len, 1);
  else if (len <= 0xffff) put_typed(L, b, 0xda, len, 2);
  else put_typed(L, b, 0xdb, len, 4);
  buf_put(L, b, s, len);
}

static void encode_header(lua_State *L, pack_buf *b, uint64_t n, unsigned char fix, unsigned char t16,
                          unsigned char t32) {
  if (n <= 15) {
    unsigned char c = (unsigned char)(fix | n);
    buf_put(L, b, &c, 1);
  } else if (n <= 65535) put_typed(L, b, t16, n, 2);
  else put_typed(L, b, t32, n & 0xffffffffu, 4);
}

static void encode_value(lua_State *L, pack_buf *b, int level);

/* True when the table's keys are exactly the integers 1..n. */
static int is_array(lua_State *L) {
  int count = 0, max = 0;
  int top = lua_gettop(L);
  luaL_checkstack(L, 2, "in function table_is_an_array");
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    lua_pop(L, 1);
    lua_Number n;
    if (lua_type(L, -1) != LUA_TNUMBER || (n = lua_tonumber(L, -1)) <= 0 || isinf(n) || (lua_Number)(int)n != n) {
      lua_settop(L, top);
      return 0;
    }
    if (n > max) max = (int)n;
    count++;
  }
  lua_settop(L, top);
  return max == count;
}

static void encode_table(lua_State *L, pack_buf *b, int level) {
  if (is_array(L)) {
    size_t len = lua_objlen(L, -1);
    encode_header(L, b, len, 0x90, 0xdc, 0xdd);
    luaL_checkstack(L, 1, "in function mp_encode_lua_table_as_array");
    for (size_t j = 1; j <= len; j++) {
      lua_pushnumber(L, (lua_Number)j);
      lua_gettable(L, -2);
      encode_value(L, b, level + 1);
    }
    return;
  }
  uint64_t n = 0;
  luaL_checkstack(L, 3, "in function mp_encode_lua_table_as_map");
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    lua_pop(L, 1);
    n++;
  }
  encode_header(L, b, n, 0x80, 0xde, 0xdf);
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    lua_pushvalue(L, -2);
    encode_value(L, b, level + 1); /* key */
    encode_value(L, b, level + 1); /* value */
  }
}

/* Encode the value on top of the stack and pop it. */
static void encode_value(lua_State *L, pack_buf *b, int level) {
  int t = lua_type(L, -1);
  if (t == LUA_TTABLE && level == MAX_NESTING) t = LUA_TNIL;
  switch (t) {
    case LUA_TSTRING: {
      size_t len;
      const char *s = lua_tolstring(L, -1, &len);
      encode_string(L, b, s, len);
      break;
    }
    case LUA_TBOOLEAN: {
      unsigned char c = lua_toboolean(L, -1) ? 0xc3 : 0xc2;
      buf_put(L, b, &c, 1);
      break;
    }
    case LUA_TNUMBER: {
      lua_Number n = lua_tonumber(L, -1);
      if (!isinf(n) && (lua_Number)(int64_t)n == n) encode_int(L, b, (int64_t)lua_tointeger(L, -1));
      else encode_double(L, b, (double)n);
      break;
    }
    case LUA_TTABLE:
      encode_table(L, b, level);
      break;
    default: {
      unsigned char c = 0xc0;
      buf_put(L, b, &c, 1);
    }
  }
  lua_pop(L, 1);
}

static int mp_pack(lua_State *L) {
  int nargs = lua_gettop(L);
  if (nargs == 0) return luaL_argerror(L, 0, "MessagePack pack needs input.");
  if (!lua_checkstack(L, nargs)) return luaL_argerror(L, 0, "Too many arguments for MessagePack pack.");
  pack_buf *b = lua_newuserdata(L, sizeof(pack_buf));
  b->p = NULL;
  b->len = b->cap = 0;
  luaL_getmetatable(L, BUF_META);
  lua_setmetatable(L, -2);
  for (int i = 1; i <= nargs; i++) {
    luaL_checkstack(L, 1, "in function mp_check");
    lua_pushvalue(L, i);
    encode_value(L, b, 0);
    lua_pushlstring(L, (const char *)b->p, b->len);
    b->len = 0;
  }
  lua_concat(L, nargs);
  return 1;
}

/* ---------------------------------------------------------------------------------------
 * Decoding.
 * ------------------------------------------------------------------------------------- */

enum { DEC_OK, DEC_EOF, DEC_BADFMT };

typedef struct {
  const unsigned char *p;
  size_t left;
  int err;
} cursor;

#define NEED(c, n)                \
  do {                            \
    if ((c)->left < (size_t)(n)) { \
      (c)->err = DEC_EOF;         \
      return;                     \
    }                             \
  } while (0)

static uint64_t be(const unsigned char *p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; i++) v = (v << 8) | p[i];
  return v;
}

static void skip(cursor *c, size_t n) {
  c->p += n;
  c->left -= n;
}

static void decode_value(lua_State *L, cursor *c);

static void decode_array(lua_State *L, cursor *c, size_t len) {
  lua_newtable(L);
  luaL_checkstack(L, 1, "in function mp_decode_to_lua_array");
  for (size_t i = 1; i <= len; i++) {
    lua_pushnumber(L, (lua_Number)i);
    decode_value(L, c);
    if (c->err) return;
    lua_settable(L, -3);
  }
}

static void decode_map(lua_State *L, cursor *c, size_t len) {
  lua_newtable(L);
  while (len--) {
    decode_value(L, c);
    if (c->err) return;
    decode_value(L, c);
    if (c->err) return;
    lua_settable(L, -3);
  }
}

/* Integers go through int64 like lua_pushinteger on x86-64 (uint64 above 2^63 wraps). */
static void push_int(lua_State *L, int64_t v) { lua_pushnumber(L, (lua_Number)v); }

static void push_str(lua_State *L, cursor *c, size_t hdr, size_t len) {
  skip(c, hdr);
  NEED(c, len);
  lua_pushlstring(L, (const char *)c->p, len);
  skip(c, len);
}

static void decode_value(lua_State *L, cursor *c) {
  NEED(c, 1);
  luaL_checkstack(L, 1, "too many return values at once; use unpack_one or unpack_limit instead.");
  unsigned char t = c->p[0];
  switch (t) {
    case 0xcc: NEED(c, 2); push_int(L, c->p[1]); skip(c, 2); return;
    case 0xd0: NEED(c, 2); push_int(L, (int8_t)c->p[1]); skip(c, 2); return;
    case 0xcd: NEED(c, 3); push_int(L, (int64_t)be(c->p + 1, 2)); skip(c, 3); return;
    case 0xd1: NEED(c, 3); push_int(L, (int16_t)be(c->p + 1, 2)); skip(c, 3); return;
    case 0xce: NEED(c, 5); push_int(L, (int64_t)be(c->p + 1, 4)); skip(c, 5); return;
    case 0xd2: NEED(c, 5); push_int(L, (int32_t)be(c->p + 1, 4)); skip(c, 5); return;
    case 0xcf: NEED(c, 9); push_int(L, (int64_t)be(c->p + 1, 8)); skip(c, 9); return;
    case 0xd3: NEED(c, 9); push_int(L, (int64_t)be(c->p + 1, 8)); skip(c, 9); return;
    case 0xc0: lua_pushnil(L); skip(c, 1); return;
    case 0xc3: lua_pushboolean(L, 1); skip(c, 1); return;
    case 0xc2: lua_pushboolean(L, 0); skip(c, 1); return;
    case 0xca: {
      NEED(c, 5);
      uint32_t bits = (uint32_t)be(c->p + 1, 4);
      float f;
      memcpy(&f, &bits, 4);
      lua_pushnumber(L, f);
      skip(c, 5);
      return;
    }
    case 0xcb: {
      NEED(c, 9);
      uint64_t bits = be(c->p + 1, 8);
      double d;
      memcpy(&d, &bits, 8);
      lua_pushnumber(L, d);
      skip(c, 9);
      return;
    }
    case 0xd9: NEED(c, 2); push_str(L, c, 2, c->p[1]); return;
    case 0xda: NEED(c, 3); push_str(L, c, 3, (size_t)be(c->p + 1, 2)); return;
    case 0xdb: NEED(c, 5); push_str(L, c, 5, (size_t)be(c->p + 1, 4)); return;
    case 0xdc: { NEED(c, 3); size_t n = (size_t)be(c->p + 1, 2); skip(c, 3); decode_array(L, c, n); return; }
    case 0xdd: { NEED(c, 5); size_t n = (size_t)be(c->p + 1, 4); skip(c, 5); decode_array(L, c, n); return; }
    case 0xde: { NEED(c, 3); size_t n = (size_t)be(c->p + 1, 2); skip(c, 3); decode_map(L, c, n); return; }
    case 0xdf: { NEED(c, 5); size_t n = (size_t)be(c->p + 1, 4); skip(c, 5); decode_map(L, c, n); return; }
    default:
      if ((t & 0x80) == 0) {
        push_int(L, t);
        skip(c, 1);
      } else if ((t & 0xe0) == 0xe0) {
        push_int(L, (int8_t)t);
        skip(c, 1);
      } else if ((t & 0xe0) == 0xa0) {
        size_t n = t & 0x1f;
        NEED(c, 1 + n);
        push_str(L, c, 1, n);
      } else if ((t & 0xf0) == 0x90) {
        skip(c, 1);
        decode_array(L, c, t & 0xf);
      } else if ((t & 0xf0) == 0x80) {
        skip(c, 1);
        decode_map(L, c, t & 0xf);
      } else {
        c->err = DEC_BADFMT;
      }
  }
}

static int unpack_full(lua_State *L, lua_Integer limit, lua_Integer offset) {
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  int all = !limit && !offset;
  if (offset < 0 || limit < 0)
    return luaL_error(L, "Invalid request to unpack with offset of %d and limit of %d.", (int)offset, (int)len);
  if ((unsigned long long)offset > (unsigned long long)len)
    return luaL_error(L, "Start offset %d greater than input length %d.", (int)offset, (int)len);
  if (all) limit = INT_MAX;
  cursor c = {(const unsigned char *)s + offset, len - (size_t)offset, DEC_OK};
  int count;
  for (count = 0; c.left > 0 && count < limit; count++) {
    decode_value(L, &c);
    if (c.err == DEC_EOF) return luaL_error(L, "Missing bytes in input.");
    if (c.err == DEC_BADFMT) return luaL_error(L, "Bad data format in input.");
  }
  if (!all) {
    size_t next = len - c.left;
    luaL_checkstack(L, 1, "in function mp_unpack_full");
    lua_pushnumber(L, c.left == 0 ? -1 : (lua_Number)next);
    lua_insert(L, 2);
    count++;
  }
  return count;
}

static int mp_unpack(lua_State *L) { return unpack_full(L, 0, 0); }

static int mp_unpack_one(lua_State *L) {
  lua_Integer offset = luaL_optinteger(L, 2, 0);
  lua_pop(L, lua_gettop(L) - 1);
  return unpack_full(L, 1, offset);
}

static int mp_unpack_limit(lua_State *L) {
  lua_Integer limit = luaL_checkinteger(L, 2);
  lua_Integer offset = luaL_optinteger(L, 3, 0);
  lua_pop(L, lua_gettop(L) - 1);
  return unpack_full(L, limit, offset);
}

int luaopen_cinn_cmsgpack(lua_State *L) {
  luaL_newmetatable(L, BUF_META);
  lua_pushcfunction(L, buf_gc);
  lua_setfield(L, -2, "__gc");
  lua_pop(L, 1);

  lua_newtable(L);
  lua_pushcfunction(L, mp_pack);
  lua_setfield(L, -2, "pack");
  lua_pushcfunction(L, mp_unpack);
  lua_setfield(L, -2, "unpack");
  lua_pushcfunction(L, mp_unpack_one);
  lua_setfield(L, -2, "unpack_one");
  lua_pushcfunction(L, mp_unpack_limit);
  lua_setfield(L, -2, "unpack_limit");
  /* The module's metadata, as scripts can read it. */
  lua_pushliteral(L, "cmsgpack");
  lua_setfield(L, -2, "_NAME");
  lua_pushliteral(L, "lua-cmsgpack 0.4.0");
  lua_setfield(L, -2, "_VERSION");
  lua_pushliteral(L, "Copyright (C) 2012, Salvatore Sanfilippo");
  lua_setfield(L, -2, "_COPYRIGHT");
  lua_pushliteral(L, "MessagePack C implementation for Lua");
  lua_setfield(L, -2, "_DESCRIPTION");
  lua_pushvalue(L, -1);
  lua_setglobal(L, "cmsgpack");
  return 1;
}
