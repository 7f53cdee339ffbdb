/*
 * The `struct` library of Redis's scripting: struct.pack(fmt, ...), struct.unpack(fmt, s [, i])
 * and struct.size(fmt), with the format language of Roberto Ierusalimschy's struct 0.2:
 *   > < = byte order (big, little, native); ![n] maximum alignment; x a zero byte;
 *   b/B h/H l/L T i[n]/I[n] signed/unsigned integers (char, short, long, size_t, int of n
 *   bytes); f d float and double; s zero-terminated string; c[n] n chars (0: the whole
 *   string when packing, the previous number when unpacking); spaces are ignored.
 *
 * Sizes are those of the x86-64 build of Redis (long and size_t are 8 bytes), and positions are
 * 64-bit, so results do not depend on this being a 32-bit target.
 */
#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "lauxlib.h"
#include "lua.h"

#define SIZE_CHAR 1
#define SIZE_SHORT 2
#define SIZE_INT 4
#define SIZE_LONG 8
#define SIZE_SIZE_T 8
#define MAX_INT_SIZE 32
#define MAX_ALIGN 8

enum { BIG_ENDIAN_ORDER, LITTLE_ENDIAN_ORDER };

typedef struct {
  int endian;
  int align;
} fmt_state;

static int native_endian(void) {
  const uint16_t probe = 1;
  return *(const unsigned char *)&probe == 1 ? LITTLE_ENDIAN_ORDER : BIG_ENDIAN_ORDER;
}

static void reset_state(fmt_state *st) {
  st->endian = native_endian();
  st->align = 1;
}

/* Conversions of a double to 64-bit integers with x86-64's results for any input. */
static uint64_t x86_tounsigned(double n) {
  const double two63 = 9223372036854775808.0;
  if (n < two63) return (uint64_t)(int64_t)n;
  return ((uint64_t)(int64_t)(n - two63)) ^ 0x8000000000000000ULL;
}

/* An optional decimal count after an option. */
static int read_count(lua_State *L, const char **fmt, int dflt) {
  if (!isdigit((unsigned char)**fmt)) return dflt;
  int a = 0;
  do {
    int d = **fmt - '0';
    if (a > INT_MAX / 10 || a * 10 > INT_MAX - d) luaL_error(L, "integral size overflow");
    a = a * 10 + d;
    (*fmt)++;
  } while (isdigit((unsigned char)**fmt));
  return a;
}

static uint64_t option_size(lua_State *L, int opt, const char **fmt) {
  switch (opt) {
    case 'B': case 'b': return SIZE_CHAR;
    case 'H': case 'h': return SIZE_SHORT;
    case 'L': case 'l': return SIZE_LONG;
    case 'T': return SIZE_SIZE_T;
    case 'f': return 4;
    case 'd': return 8;
    case 'x': return 1;
    case 'c': return (uint64_t)read_count(L, fmt, 1);
    case 'i': case 'I': {
      int n = read_count(L, fmt, SIZE_INT);
      if (n > MAX_INT_SIZE) luaL_error(L, "integral size %d is larger than limit of %d", n, MAX_INT_SIZE);
      return (uint64_t)n;
    }
    default: return 0;
  }
}

/* Padding before an item of `size` bytes at offset `pos` (sizes cap at the alignment). */
static uint64_t padding(uint64_t pos, const fmt_state *st, int opt, uint64_t size) {
  if (size == 0 || opt == 'c') return 0;
  if (size > (uint64_t)st->align) size = (uint64_t)st->align;
  return (size - (pos & (size - 1))) & (size - 1);
}

static void control_option(lua_State *L, int opt, const char **fmt, fmt_state *st) {
  switch (opt) {
    case ' ': return;
    case '>': st->endian = BIG_ENDIAN_ORDER; return;
    case '<': st->endian = LITTLE_ENDIAN_ORDER; return;
    case '!': {
      int a = read_count(L, fmt, MAX_ALIGN);
      if (!(a > 0 && (a & (a - 1)) == 0)) luaL_error(L, "alignment %d is not a power of 2", a);
      st->align = a;
      return;
    }
    default: {
      const char *msg = lua_pushfstring(L, "invalid format option '%c'", opt);
      luaL_argerror(L, 1, msg);
    }
  }
}

/* Integers are the low 64 bits of the number in the chosen byte order; bytes beyond the
 * eighth are zero. */
static void pack_integer(lua_State *L, luaL_Buffer *b, int arg, int endian, int size) {
  lua_Number n = luaL_checknumber(L, arg);
  uint64_t v = n < 0 ? (uint64_t)(int64_t)n : x86_tounsigned(n);
  char bytes[MAX_INT_SIZE];
  for (int i = 0; i < size; i++) {
    int at = endian == LITTLE_ENDIAN_ORDER ? i : size - 1 - i;
    bytes[at] = (char)(v & 0xff);
    v >>= 8;
  }
  luaL_addlstring(b, bytes, (size_t)size);
}

static void to_order(char *p, int size, int endian) {
  if (endian == native_endian()) return;
  for (int i = 0, j = size - 1; i < j; i++, j--) {
    char t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
}

static int struct_pack(lua_State *L) {
  const char *fmt = luaL_checkstring(L, 1);
  fmt_state st;
  int arg = 2;
  uint64_t total = 0;
  luaL_Buffer b;
  reset_state(&st);
  lua_pushnil(L); /* keeps the arguments apart from the buffer's pieces */
  luaL_buffinit(L, &b);
  while (*fmt != '\0') {
    int opt = *fmt++;
    uint64_t size = option_size(L, opt, &fmt);
    uint64_t pad = padding(total, &st, opt, size);
    total += pad;
    while (pad-- > 0) luaL_addchar(&b, '\0');
    switch (opt) {
      case 'b': case 'B': case 'h': case 'H': case 'l': case 'L': case 'T': case 'i': case 'I':
        pack_integer(L, &b, arg++, st.endian, (int)size);
        break;
      case 'x':
        luaL_addchar(&b, '\0');
        break;
      case 'f': {
        float f = (float)luaL_checknumber(L, arg++);
        to_order((char *)&f, 4, st.endian);
        luaL_addlstring(&b, (char *)&f, 4);
        break;
      }
      case 'd': {
        double d = (double)luaL_checknumber(L, arg++);
        to_order((char *)&d, 8, st.endian);
        luaL_addlstring(&b, (char *)&d, 8);
        break;
      }
      case 'c': case 's': {
        size_t l;
        const char *s = luaL_checklstring(L, arg++, &l);
        if (size == 0) size = l;
        /* (the argument number reported is the next one, as in Redis) */
        luaL_argcheck(L, (uint64_t)l >= size, arg, "string too short");
        luaL_addlstring(&b, s, (size_t)size);
        if (opt == 's') {
          luaL_addchar(&b, '\0');
          size++;
        }
        break;
      }
      default:
        control_option(L, opt, &fmt, &st);
    }
    total += size;
  }
  luaL_pushresult(&b);
  return 1;
}

static lua_Number unpack_integer(const char *p, int endian, int is_signed, int size) {
  uint64_t v = 0;
  for (int i = 0; i < size; i++) {
    int at = endian == BIG_ENDIAN_ORDER ? i : size - 1 - i;
    v = (v << 8) | (unsigned char)p[at];
  }
  if (!is_signed) return (lua_Number)v;
  /* Sign extension from the item's top bit; like x86's shifts, the count wraps at 64. */
  uint64_t mask = ~(uint64_t)0 << ((unsigned)(size * 8 - 1) & 63);
  if (v & mask) v |= mask;
  return (lua_Number)(int64_t)v;
}

static int struct_unpack(lua_State *L) {
  fmt_state st;
  const char *fmt = luaL_checkstring(L, 1);
  size_t ld_sz;
  const char *data = luaL_checklstring(L, 2, &ld_sz);
  uint64_t ld = ld_sz;
  uint64_t pos = (uint64_t)luaL_optinteger(L, 3, 1);
  int n = 0;
  luaL_argcheck(L, pos > 0, 3, "offset must be 1 or greater");
  pos--;
  reset_state(&st);
  while (*fmt) {
    int opt = *fmt++;
    uint64_t size = option_size(L, opt, &fmt);
    pos += padding(pos, &st, opt, size);
    luaL_argcheck(L, size <= ld && pos <= ld - size, 2, "data string too short");
    luaL_checkstack(L, 2, "too many results");
    switch (opt) {
      case 'b': case 'B': case 'h': case 'H': case 'l': case 'L': case 'T': case 'i': case 'I':
        lua_pushnumber(L, unpack_integer(data + pos, st.endian, islower(opt), (int)size));
        n++;
        break;
      case 'x':
        break;
      case 'f': {
        float f;
        memcpy(&f, data + pos, 4);
        to_order((char *)&f, 4, st.endian);
        lua_pushnumber(L, f);
        n++;
        break;
      }
      case 'd': {
        double d;
        memcpy(&d, data + pos, 8);
        to_order((char *)&d, 8, st.endian);
        lua_pushnumber(L, d);
        n++;
        break;
      }
      case 'c': {
        if (size == 0) {
          if (n == 0 || !lua_isnumber(L, -1)) luaL_error(L, "format 'c0' needs a previous size");
          size = x86_tounsigned(lua_tonumber(L, -1));
          lua_pop(L, 1);
          n--;
          luaL_argcheck(L, size <= ld && pos <= ld - size, 2, "data string too short");
        }
        lua_pushlstring(L, data + pos, (size_t)size);
        n++;
        break;
      }
      case 's': {
        const char *e = memchr(data + pos, '\0', (size_t)(ld - pos));
        if (e == NULL) luaL_error(L, "unfinished string in data");
        size = (uint64_t)(e - (data + pos)) + 1;
        lua_pushlstring(L, data + pos, (size_t)size - 1);
        n++;
        break;
      }
      default:
        control_option(L, opt, &fmt, &st);
    }
    pos += size;
  }
  lua_pushnumber(L, (lua_Number)(int64_t)(pos + 1));
  return n + 1;
}

static int struct_size(lua_State *L) {
  fmt_state st;
  const char *fmt = luaL_checkstring(L, 1);
  uint64_t pos = 0;
  reset_state(&st);
  while (*fmt) {
    int opt = *fmt++;
    uint64_t size = option_size(L, opt, &fmt);
    pos += padding(pos, &st, opt, size);
    if (opt == 's') luaL_argerror(L, 1, "option 's' has no fixed size");
    else if (opt == 'c' && size == 0) luaL_argerror(L, 1, "option 'c0' has no fixed size");
    if (!isalnum(opt)) control_option(L, opt, &fmt, &st);
    pos += size;
  }
  lua_pushnumber(L, (lua_Number)(int64_t)pos);
  return 1;
}

static const luaL_Reg struct_functions[] = {
    {"pack", struct_pack}, {"unpack", struct_unpack}, {"size", struct_size}, {NULL, NULL}};

int luaopen_cinn_struct(lua_State *L) {
  luaL_register(L, "struct", struct_functions);
  return 1;
}
