#!/usr/bin/env bash
# Builds build/lua.wasm: the Lua 5.1.5 interpreter and lua-cjson 2.1.0 from Debian's source
# packages, with the project's patches (native/lua/patches) and glue (native/lua/*.c), compiled
# to WebAssembly by Debian's clang, lld and wasi-libc, then made suspendable by Binaryen's
# asyncify (Debian's binaryen: wasm-opt). The scripting engine (src/scripting/lua-engine.ts)
# loads it.
#
# Reproducible and idempotent: the sources are verified by SHA-256, the compiler output is
# deterministic, and nothing is done when build/lua.wasm was built from the same inputs (script,
# patches, glue, pinned checksums). Installs the toolchain with apt-get when it is missing (needs
# root or sudo). Fetches the sources with `apt-get source --download-only` through a private
# deb-src list derived from the machine's own Debian entries, leaving the system's apt
# configuration untouched. Prints the wasm's SHA-256.
#
# Environment: CINNABAR_LUA_FORCE=1 rebuilds even when up to date; CINNABAR_LUA_BUILD_DIR builds
# somewhere else than build/ (a parallel build, a CI cache).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NATIVE="$ROOT/native/lua"
BUILD="${CINNABAR_LUA_BUILD_DIR:-$ROOT/build}"
OUT="$BUILD/lua.wasm"
STAMP="$BUILD/lua.wasm.inputs"
SRC_CACHE="$BUILD/lua-src"
WORK="$BUILD/lua-work"

# Debian source packages and the checksums of what is taken from them.
LUA_PKG="lua5.1=5.1.5-9"
CJSON_PKG="lua-cjson=2.1.0+dfsg-2.2"
LUA_ORIG="lua5.1_5.1.5.orig.tar.gz"
LUA_ORIG_SHA256="2640fc56a795f29d28ef15e13c34a47e223960b0240e8cb0a82d9b0738695333"
CJSON_ORIG="lua-cjson_2.1.0+dfsg.orig.tar.gz"
CJSON_ORIG_SHA256="94f1fce36742cf00e99c5071b309b9f71e6e7daf60a7151f7bf4ac0a97259ac4"
# Debian's fix for the vararg stack overflow (Redis carries the same fix).
DEB_VARARG_PATCH="debian/patches/0004-Fix-stack-overflow-in-vararg-functions.patch"
DEB_VARARG_PATCH_SHA256="0b8c75f3bbf3633aefb7b60046a610f0b9fe4a7eb53d8fbdfec2b9f0679b2746"
# Deepest recursion of Lua's pattern matcher (lstrlib.c): bounded by the host's native stack.
MAX_MATCH_DEPTH=5000
# Binaryen, for wasm-opt's asyncify: Debian bookworm's package, at this version.
BINARYEN_PKG="binaryen=108-1"
BINARYEN_VERSION="wasm-opt version 108"

# Asyncify (see native/lua/suspend.c): js_try re-enters wasm, so a suspension can unwind through
# it. The VM loop saves itself and is left alone; so are functions in which no Lua code can run
# with the hook able to suspend (allocation, errors and error handlers, hooks, GC finalizers,
# metamethods, stdio, number parsing, string buffers, redis.call's own work): instrumenting
# them would only slow them down.
ASYNCIFY_IMPORTS="env.js_try"
ASYNCIFY_REMOVE="luaV_execute cinn_vm_enter
  luaM_realloc_ luaM_growaux_ luaM_toobig
  GCTM luaC_step luaC_fullgc luaC_callGCTM
  luaD_throw lua_wasm_throw luaD_callhook luaD_poscall growCI
  luaG_errormsg luaG_runerror luaG_typeerror luaG_concaterror luaG_aritherror luaG_ordererror
  lua_error luaL_error luaL_argerror luaL_typerror
  luaO_pushvfstring luaO_pushfstring lua_pushfstring lua_pushvfstring
  luaL_prepbuffer luaL_addlstring luaL_addvalue luaL_pushresult
  luaV_gettable luaV_settable call_binTM call_orderTM Arith luaV_concat luaV_lessthan luaV_equalval
  redis_generic_call cinn_push_resp cinn_push_error
  printf_core vfprintf vsnprintf snprintf sprintf vsprintf fprintf fwrite __fwritex fputs fputc
  __overflow fflush exit __stdio_exit __toread __uflow fgets getc ungetc fread fclose freopen
  strtod __floatscan __intscan __shgetc strtoll strtoul fpconv_strtod fpconv_g_fmt"

log() { printf 'build-lua: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

inputs_hash() {
  {
    sha256sum "$ROOT/scripts/build-lua.sh"
    find "$NATIVE" -type f | LC_ALL=C sort | xargs sha256sum
    clang --version 2>/dev/null | head -1 || true
    wasm-opt --version 2>/dev/null | head -1 || true
  } | sed "s#$ROOT/##" | sha256sum | cut -d' ' -f1
}

report() {
  local sum size
  sum="$(sha256sum "$OUT" | cut -d' ' -f1)"
  size="$(stat -c %s "$OUT")"
  echo "build-lua: $OUT ($size bytes) sha256 $sum"
}

# --- 1. toolchain -------------------------------------------------------------------------------
have_toolchain() {
  command -v clang >/dev/null 2>&1 && command -v wasm-ld >/dev/null 2>&1 &&
    [ "$(wasm-opt --version 2>/dev/null | head -1)" = "$BINARYEN_VERSION" ] &&
    [ -f /usr/include/wasm32-wasi/stdio.h ] && [ -f /usr/lib/wasm32-wasi/libc.a ] &&
    ls /usr/lib/llvm-*/lib/clang/*/lib/wasi/libclang_rt.builtins-wasm32.a >/dev/null 2>&1 &&
    command -v patch >/dev/null 2>&1
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root (or sudo) to run: $*"; fi
}

if ! have_toolchain; then
  log "installing clang lld wasi-libc libclang-rt-dev-wasm32 patch $BINARYEN_PKG"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends clang lld wasi-libc libclang-rt-dev-wasm32 patch "$BINARYEN_PKG" >/dev/null
  have_toolchain || die "the WebAssembly toolchain is still incomplete after apt-get install"
fi

mkdir -p "$BUILD"
HASH="$(inputs_hash)"
if [ -z "${CINNABAR_LUA_FORCE:-}" ] && [ -f "$OUT" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$HASH" ]; then
  log "up to date"
  report
  exit 0
fi

# --- 2. sources ---------------------------------------------------------------------------------
check_sha256() { # file expected
  local got
  got="$(sha256sum "$1" | cut -d' ' -f1)"
  [ "$got" = "$2" ] || die "checksum mismatch for $(basename "$1"): got $got, expected $2"
}

# deb-src entries mirroring the machine's own Debian `deb` entries (same URIs, suites, keys).
write_src_lists() { # dir
  local dir="$1" codename f
  codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
  [ -n "$codename" ] || die "cannot tell the Debian release (VERSION_CODENAME in /etc/os-release)"
  mkdir -p "$dir/parts" "$dir/lists/partial"
  : > "$dir/sources.list"
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    # Keep stanzas with Types: deb whose suites belong to this release; turn them into deb-src.
    awk -v rel="$codename" '
      function flush() {
        if (n > 0 && isdeb && relok) { for (i = 1; i <= n; i++) print lines[i]; print "" }
        n = 0; isdeb = 0; relok = 0
      }
      /^[[:space:]]*$/ { flush(); next }
      /^Types:/ { isdeb = ($0 ~ /(^|[[:space:]])deb([[:space:]]|$)/); lines[++n] = "Types: deb-src"; next }
      /^Suites:/ { relok = (index($0, rel) > 0) }
      /^Enabled:[[:space:]]*no/ { isdeb = 0 }
      { lines[++n] = $0 }
      END { flush() }
    ' "$f" > "$dir/parts/$(basename "$f")"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    grep -E "^deb[[:space:]].*[[:space:]]$codename([-/][^[:space:]]*)?[[:space:]]" "$f" |
      sed -E 's/^deb[[:space:]]/deb-src /' >> "$dir/sources.list" || true
  done
}

fetch_sources() {
  local apt="$SRC_CACHE/apt" opts
  write_src_lists "$apt"
  opts=(-o "Dir::Etc::SourceParts=$apt/parts" -o "Dir::Etc::SourceList=$apt/sources.list"
        -o "Dir::State::Lists=$apt/lists" -qq)
  # As root, apt would hand the download to its _apt user, who cannot write into build/.
  [ "$(id -u)" -ne 0 ] || opts+=(-o "APT::Sandbox::User=root")
  log "fetching Debian source packages $LUA_PKG $CJSON_PKG"
  apt-get "${opts[@]}" update || die "apt-get update of the deb-src lists failed"
  (cd "$SRC_CACHE" && { apt-get "${opts[@]}" source --download-only "$LUA_PKG" "$CJSON_PKG" ||
    apt-get "${opts[@]}" source --download-only "${LUA_PKG%%=*}" "${CJSON_PKG%%=*}"; }) >/dev/null ||
    die "apt-get source failed"
}

mkdir -p "$SRC_CACHE"
if [ ! -f "$SRC_CACHE/$LUA_ORIG" ] || [ ! -f "$SRC_CACHE/$CJSON_ORIG" ] ||
   ! ls "$SRC_CACHE"/lua5.1_*.debian.tar.* >/dev/null 2>&1; then
  fetch_sources
fi
check_sha256 "$SRC_CACHE/$LUA_ORIG" "$LUA_ORIG_SHA256"
check_sha256 "$SRC_CACHE/$CJSON_ORIG" "$CJSON_ORIG_SHA256"

# --- 3. unpack and patch ------------------------------------------------------------------------
rm -rf "$WORK"
mkdir -p "$WORK"
tar -xzf "$SRC_CACHE/$LUA_ORIG" -C "$WORK"
tar -xzf "$SRC_CACHE/$CJSON_ORIG" -C "$WORK"
LUA_DIR="$WORK/lua-5.1.5"
CJSON_DIR="$(find "$WORK" -maxdepth 1 -type d -name 'lua-cjson-*' | head -1)"
[ -d "$LUA_DIR/src" ] && [ -n "$CJSON_DIR" ] || die "unexpected layout of the source tarballs"
DEB_TAR="$(ls "$SRC_CACHE"/lua5.1_*.debian.tar.* | LC_ALL=C sort | tail -1)"
tar -xf "$DEB_TAR" -C "$LUA_DIR" "$DEB_VARARG_PATCH"
check_sha256 "$LUA_DIR/$DEB_VARARG_PATCH" "$DEB_VARARG_PATCH_SHA256"
(cd "$LUA_DIR" && patch -p1 -s < "$DEB_VARARG_PATCH")
for p in "$NATIVE"/patches/0*.patch; do
  (cd "$LUA_DIR" && patch -p1 -s --no-backup-if-mismatch < "$p") || die "patch $(basename "$p") failed"
done
for p in "$NATIVE"/patches/cjson-*.patch; do
  (cd "$CJSON_DIR" && patch -p1 -s --no-backup-if-mismatch < "$p") || die "patch $(basename "$p") failed"
done

# --- 4. compile ---------------------------------------------------------------------------------
LUA_CORE="lapi lcode ldebug ldo ldump lfunc lgc llex lmem lobject lopcodes lparser lstate lstring
  ltable ltm lundump lvm lzio lauxlib lbaselib ldblib lmathlib lstrlib ltablib"
# Only wasi-libc's headers (and ours): never fall back to the host's glibc headers.
CFLAGS=(--target=wasm32-wasi --sysroot=/usr -nostdinc -isystem "$(clang -print-resource-dir)/include"
  -isystem /usr/include/wasm32-wasi -I"$NATIVE/include" -O2 -DNDEBUG -DLUA_WASM_JSEH -DLUA_USELONGLONG
  "-DLUA_MAXMATCHDEPTH=$MAX_MATCH_DEPTH" -DENABLE_CJSON_GLOBAL -mexec-model=reactor
  "-ffile-prefix-map=$WORK=." "-ffile-prefix-map=$ROOT=." -fno-ident -Wno-everything
  -I"$LUA_DIR/src" -I"$CJSON_DIR" -I"$NATIVE")
SOURCES=()
for f in $LUA_CORE; do SOURCES+=("$LUA_DIR/src/$f.c"); done
SOURCES+=("$CJSON_DIR/lua_cjson.c" "$CJSON_DIR/strbuf.c" "$CJSON_DIR/fpconv.c")
SOURCES+=("$NATIVE"/bridge.c "$NATIVE"/redis_api.c "$NATIVE"/resp.c "$NATIVE"/functions.c
  "$NATIVE"/suspend.c "$NATIVE"/lib_bit.c "$NATIVE"/lib_struct.c "$NATIVE"/lib_cmsgpack.c "$NATIVE"/sha1.c
  "$NATIVE"/stackops.S)

log "compiling ${#SOURCES[@]} files"
OBJ="$WORK/obj"
mkdir -p "$OBJ"
# One object per source, then a link without -O: clang's driver would otherwise run any
# wasm-opt it finds on PATH over the linked module, so the output would depend on the machine.
for src in "${SOURCES[@]}"; do printf '%s\0' "$src"; done |
  xargs -0 -P "$(nproc 2>/dev/null || echo 2)" -I{} sh -c 'f="$1"; shift; b="$(basename "$f")"; exec clang "$@" -c "$f" -o "'"$OBJ"'/${b%.*}.o"' _ {} "${CFLAGS[@]}"
clang --target=wasm32-wasi --sysroot=/usr -mexec-model=reactor "$OBJ"/*.o -o "$WORK/lua-linked.wasm" \
  -Wl,--no-entry -Wl,--stack-first -Wl,-z,stack-size=1048576 \
  -Wl,--initial-memory=4194304 -Wl,--max-memory=4294967296
log "asyncify"
wasm-opt "$WORK/lua-linked.wasm" --asyncify "--pass-arg=asyncify-imports@$ASYNCIFY_IMPORTS" \
  "--pass-arg=asyncify-removelist@$(echo $ASYNCIFY_REMOVE | tr ' ' ',')" \
  -O2 --strip-debug --strip-producers -o "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "$HASH" > "$STAMP"
rm -rf "$WORK"
report
