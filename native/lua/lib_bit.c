/*
 * The `bit` library of Redis's scripting (the LuaBitOp 1.0.2 interface): 32-bit operations on
 * Lua numbers. Arguments are reduced modulo 2^32 after rounding to the nearest integer (ties to
 * even), and results are signed 32-bit numbers.
 */
#include <stdint.h>
#include <string.h>

#include "lauxlib.h"
#include "lua.h"

/* Adding 1.5 * 2^52 leaves the integer part, rounded to nearest even, in the low mantissa bits;
 * reading those 32 bits gives the argument modulo 2^32 for any finite double. */
static uint32_t to_bits(lua_State *L, int idx) {
  double n = (double)lua_tonumber(L, idx) + 6755399441055744.0;
  uint64_t raw;
  memcpy(&raw, &n, sizeof(raw));
  uint32_t b = (uint32_t)raw;
  if (b == 0 && !lua_isnumber(L, idx)) luaL_typerror(L, idx, "number");
  return b;
}

static int push_bits(lua_State *L, uint32_t b) {
  lua_pushnumber(L, (lua_Number)(int32_t)b);
  return 1;
}

static int bit_tobit(lua_State *L) { return push_bits(L, to_bits(L, 1)); }
static int bit_bnot(lua_State *L) { return push_bits(L, ~to_bits(L, 1)); }

static int bit_band(lua_State *L) {
  uint32_t b = to_bits(L, 1);
  for (int i = lua_gettop(L); i > 1; i--) b &= to_bits(L, i);
  return push_bits(L, b);
}

static int bit_bor(lua_State *L) {
  uint32_t b = to_bits(L, 1);
  for (int i = lua_gettop(L); i > 1; i--) b |= to_bits(L, i);
  return push_bits(L, b);
}

static int bit_bxor(lua_State *L) {
  uint32_t b = to_bits(L, 1);
  for (int i = lua_gettop(L); i > 1; i--) b ^= to_bits(L, i);
  return push_bits(L, b);
}

/* Shift counts use their low 5 bits. */
static int bit_lshift(lua_State *L) {
  uint32_t b = to_bits(L, 1), n = to_bits(L, 2) & 31;
  return push_bits(L, b << n);
}

static int bit_rshift(lua_State *L) {
  uint32_t b = to_bits(L, 1), n = to_bits(L, 2) & 31;
  return push_bits(L, b >> n);
}

static int bit_arshift(lua_State *L) {
  uint32_t b = to_bits(L, 1), n = to_bits(L, 2) & 31;
  int32_t s = (int32_t)b;
  /* Arithmetic shift written out, so it does not depend on the compiler's choice. */
  uint32_t r = n == 0 ? b : (s < 0 ? ~(~b >> n) : b >> n);
  return push_bits(L, r);
}

static int bit_rol(lua_State *L) {
  uint32_t b = to_bits(L, 1), n = to_bits(L, 2) & 31;
  return push_bits(L, n == 0 ? b : (b << n) | (b >> (32 - n)));
}

static int bit_ror(lua_State *L) {
  uint32_t b = to_bits(L, 1), n = to_bits(L, 2) & 31;
  return push_bits(L, n == 0 ? b : (b >> n) | (b << (32 - n)));
}

static int bit_bswap(lua_State *L) {
  uint32_t b = to_bits(L, 1);
  b = (b >> 24) | ((b >> 8) & 0xff00u) | ((b & 0xff00u) << 8) | (b << 24);
  return push_bits(L, b);
}

/* tohex(x [, n]): n hex digits (default 8, at most 8); a negative n gives upper case. */
static int bit_tohex(lua_State *L) {
  uint32_t b = to_bits(L, 1);
  int32_t n = lua_isnone(L, 2) ? 8 : (int32_t)to_bits(L, 2);
  const char *digits = "0123456789abcdef";
  char buf[8];
  if (n == INT32_MIN) n = INT32_MIN + 1;
  if (n < 0) {
    n = -n;
    digits = "0123456789ABCDEF";
  }
  if (n > 8) n = 8;
  for (int i = (int)n - 1; i >= 0; i--) {
    buf[i] = digits[b & 15];
    b >>= 4;
  }
  lua_pushlstring(L, buf, (size_t)n);
  return 1;
}

static const luaL_Reg bit_functions[] = {
    {"tobit", bit_tobit},   {"bnot", bit_bnot},       {"band", bit_band},     {"bor", bit_bor},
    {"bxor", bit_bxor},     {"lshift", bit_lshift},   {"rshift", bit_rshift}, {"arshift", bit_arshift},
    {"rol", bit_rol},       {"ror", bit_ror},         {"bswap", bit_bswap},   {"tohex", bit_tohex},
    {NULL, NULL}};

int luaopen_cinn_bit(lua_State *L) {
  luaL_register(L, "bit", bit_functions);
  return 1;
}
