/*
 * Suspending a running script so that the host's event loop can turn (a busy script: other
 * clients then get -BUSY, and SCRIPT KILL / FUNCTION KILL / SHUTDOWN NOSAVE are served), and
 * resuming it later exactly where it stopped.
 *
 * The wasm call stack is saved by Binaryen's asyncify (scripts/build-lua.sh), except for the
 * frames of luaV_execute: instrumenting the interpreter loop made pure Lua ~60% slower, so it
 * is left alone and saves itself (patches/07-suspendable-vm.patch). A VM frame can be
 * suspended at the count hook (the innermost frame) or while it calls a C function from
 * OP_CALL/OP_TAILCALL (pcall, table.sort, string.gsub, ... with Lua code running inside).
 * Each such frame pushes a record here while the stack unwinds (innermost first) and takes it
 * back while the stack is rebuilt (outermost first).
 *
 * A VM frame inside anything else (a metamethod run by an instruction, a Lua iterator of a
 * generic for, an error handler) cannot be rebuilt this way: those calls raise
 * cinn_vm_nosuspend (patches/07), cinn_vm_can_suspend() refuses then, and the script simply
 * runs on until a later hook finds it in a place that can suspend. Functions that can only run
 * Lua code inside such calls need no asyncify (build-lua.sh's removelist).
 */
#include <stdlib.h>

#include "bridge.h"
#include "lstate.h"
#include "lobject.h"
#include "lopcodes.h"
#include "lvm.h"

uint32_t cinn_stack_get(void);
void cinn_stack_set(uint32_t sp);
int cinn_vm_unwinding = 0;
int cinn_vm_rewinding = 0;
int cinn_vm_suspend_requested = 0;
int cinn_vm_nosuspend = 0;

/* A script may suspend this deep in C calls (all of Lua's limit): asyncify then saves about
 * 42 KB of frames, which the host's buffer (lua-engine.ts) holds with room to spare. */
#define MAX_SUSPEND_DEPTH LUAI_MAXCCALLS

typedef struct vm_level {
  lua_State *L;
  int nexeccalls, site, nresults;
  unsigned int entry_sp;
} vm_level;

static vm_level levels[LUAI_MAXCCALLS + 8];
static int nlevels = 0;

/*
 * The shadow stack (C's stack in linear memory). Asyncify leaves it alone: instrumented frames
 * keep their place in it, as their saved locals point there. A VM frame, though, gives its
 * part back when it returns to suspend, and takes a new one when it is entered again, wherever
 * the stack pointer then is. So the VM is entered through cinn_vm_enter, which notes where its
 * frame starts and, when the stack is rebuilt, puts the stack pointer back there first; and
 * while the script is suspended the stack pointer stays below the deepest frame, so that
 * nothing run meanwhile writes over the suspended frames.
 */
unsigned int cinn_vm_entry_sp = 0;
static uint32_t deep_sp = 0;

void cinn_vm_enter(lua_State *L, int nexeccalls) {
  if (cinn_vm_rewinding && nlevels > 0) {
    cinn_vm_entry_sp = levels[nlevels - 1].entry_sp;
    cinn_stack_set(cinn_vm_entry_sp);
  } else {
    cinn_vm_entry_sp = cinn_stack_get();
  }
  luaV_execute(L, nexeccalls);
}

void (*cinn_vm_execute)(lua_State *L, int nexeccalls) = cinn_vm_enter;

/* The script being run: its thread, the CallInfo that called it, and the C depth there. */
static lua_State *script_L = NULL;
static int script_ci = 0;
static int script_nccalls = 0;

/* The coroutines being resumed (lua_resume pushes them), innermost last. */
lua_State *cinn_vm_threads[CINN_MAX_THREADS];
int cinn_vm_nthreads = 0;

void cinn_vm_begin(lua_State *L) {
  script_L = L;
  script_ci = (int)(L->ci - L->base_ci);
  script_nccalls = L->nCcalls;
  cinn_vm_nosuspend = 0;
  cinn_vm_nthreads = 0;
}

void cinn_vm_end(void) { script_L = NULL; }

/* Every Lua frame of thread T below its current one and above `bottom` must be calling
 * something through OP_CALL or OP_TAILCALL; any other instruction means a metamethod or an
 * iterator called by the VM, which cannot be rebuilt. */
static int frames_can_suspend(lua_State *T, CallInfo *bottom) {
  for (CallInfo *ci = T->ci - 1; ci > bottom; ci--) {
    if (!isLua(ci)) continue;
    OpCode op = GET_OPCODE(*(ci->savedpc - 1));
    if (op != OP_CALL && op != OP_TAILCALL) return 0;
  }
  return 1;
}

int cinn_vm_can_suspend(lua_State *L) {
  int n = cinn_vm_nthreads;
  if (script_L == NULL || cinn_vm_nosuspend || cinn_vm_unwinding || cinn_vm_rewinding) return 0;
  if (n > CINN_MAX_THREADS) return 0;
  /* The hook must fire in the innermost thread: the script's, or the coroutine resumed last. */
  if (L != (n > 0 ? cinn_vm_threads[n - 1] : script_L)) return 0;
  /* A resumed coroutine takes its resumer's count (lua_xmove): L's is the whole depth. */
  if (L->nCcalls - script_nccalls > MAX_SUSPEND_DEPTH) return 0;
  if (!frames_can_suspend(script_L, script_L->base_ci + script_ci)) return 0;
  for (int i = 0; i < n; i++)
    if (!frames_can_suspend(cinn_vm_threads[i], cinn_vm_threads[i]->base_ci)) return 0;
  return 1;
}

void cinn_vm_suspend(lua_State *L, int nexeccalls, int site, int nresults, unsigned int entry_sp) {
  if (nlevels >= (int)(sizeof(levels) / sizeof(levels[0]))) __builtin_trap();
  vm_level *lv = &levels[nlevels++];
  lv->L = L;
  lv->nexeccalls = nexeccalls;
  lv->site = site;
  lv->nresults = nresults;
  lv->entry_sp = entry_sp;
  if (site == CINN_SITE_HOOK) {
    deep_sp = cinn_stack_get();
    /* The innermost frame: have the host start unwinding the rest of the stack. */
    cinn_vm_suspend_requested = 0;
    cinn_vm_unwinding = 1;
    js_suspend();
  }
}

int cinn_vm_resume(lua_State *L, int *nexeccalls, int *nresults) {
  if (nlevels <= 0) __builtin_trap();
  vm_level *lv = &levels[--nlevels];
  if (lv->L != L) __builtin_trap();
  *nexeccalls = lv->nexeccalls;
  *nresults = lv->nresults;
  if (lv->site == CINN_SITE_HOOK) {
    /* The innermost frame is back: the stack is whole again. */
    cinn_vm_rewinding = 0;
    js_resumed();
  }
  return lv->site;
}

/* The host has stopped the unwind: the script is suspended, its frames kept out of reach. */
CINN_EXPORT(cinn_vm_unwound) void cinn_vm_unwound(void) {
  cinn_vm_unwinding = 0;
  cinn_stack_set(deep_sp);
}

/* The host is about to rebuild the stack (then it calls cinn_eval again). */
CINN_EXPORT(cinn_vm_rewind) void cinn_vm_rewind(void) { cinn_vm_rewinding = 1; }

/* The asyncify data area: {current, end} followed by the saved frames. */
CINN_EXPORT(cinn_vm_buffer) uint32_t cinn_vm_buffer(uint32_t size) {
  static uint32_t *buf = NULL;
  if (buf == NULL) {
    buf = malloc(size);
    if (buf == NULL) return 0;
    buf[1] = (uint32_t)(uintptr_t)buf + size;
  }
  buf[0] = (uint32_t)(uintptr_t)(buf + 2);
  return (uint32_t)(uintptr_t)buf;
}
