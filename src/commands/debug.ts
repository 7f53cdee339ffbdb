/**
 * DEBUG: the subset Redis's test suite leans on — SET-ACTIVE-EXPIRE, SLEEP, OBJECT, RELOAD,
 * LOADAOF, AOF-FLUSH-SLEEP and HELP.
 * Any other subcommand answers as Redis answers one it does not know.
 *
 * DEBUG SLEEP stops the whole server, as in Redis (the point is to freeze it): the event loop's
 * thread waits on Atomics.wait, so nothing else runs meanwhile.
 *
 * DEBUG OBJECT prints Redis's line. Fields that describe C memory are stand-ins with the same
 * shape: the address is a stable per-value label (equal for equal shared integers) and the
 * serialized length is the RDB size of a string as Redis computes it, without LZF compression
 * (so compressible strings over 20 bytes read longer than in Redis). Other types report what
 * their class offers through DebugObjectInfo, 0 otherwise.
 */
import type { Argv } from '../protocol/argv.js';
import { idleMs } from '../keyspace/lru.js';
import { compactEncoding, strLen, strText, valueLru, type StringValue } from '../values/string.js';
import type { RedisObject, RedisValue } from '../values/types.js';
import { ERR, unknownSubcommandOrArity } from './errors.js';
import { isSharedInteger, objectRefcount, replyHelp } from './object.js';
import type { CommandContext, CommandSpec } from './spec.js';

export const debugCommands = [
  {
    name: 'debug', arity: -2, flags: ['admin', 'noscript', 'loading', 'stale'], group: 'server', since: '1.0.0',
    summary: 'A container for debugging commands', complexity: 'Depends on subcommand.', docFlags: ['syscmd'],
    run: debug,
  },
] as const satisfies readonly CommandSpec[];

/** What a value class may offer to DEBUG OBJECT beyond RedisObject. */
export interface DebugObjectInfo {
  /** Bytes the value takes in an RDB file (Redis's rdbSavedObjectLen). */
  rdbLength?(): number;
  /** Fields Redis appends for the encoding, each with a leading space (" ql_nodes:1 ..."). */
  debugFields?(): string;
}

const HELP_LINES = [
  'AOF-FLUSH-SLEEP <microsec>',
  '    Pause for <microsec> before each write of the AOF buffer (for tests).',
  'LOADAOF',
  '    Write the AOF buffer out, empty the dataset and load the AOF files again.',
  'OBJECT <key>',
  '    Low-level details of the value stored at <key>.',
  'RELOAD [MERGE] [NOFLUSH] [NOSAVE]',
  '    Save the RDB file, empty the dataset and load the file back (NOSAVE: load',
  '    the existing file; NOFLUSH: keep the dataset; MERGE: loaded keys replace it).',
  'SET-ACTIVE-EXPIRE <0|1>',
  '    0 stops reclaiming expired keys in the background (they still expire when',
  '    accessed); 1 restores it.',
  'SLEEP <seconds>',
  '    Freeze the server for <seconds> (decimals allowed).',
];

/** DEBUG <subcommand> [arg ...] */
function debug(ctx: CommandContext, argv: Argv): void {
  if (argv.argc === 2 && argv.is(1, 'HELP')) {
    replyHelp(ctx, 'DEBUG', HELP_LINES);
  } else if (argv.argc === 3 && argv.is(1, 'OBJECT')) {
    debugObject(ctx, argv.str(2));
  } else if (argv.argc === 3 && argv.is(1, 'SLEEP')) {
    sleepSeconds(strtod(argv.str(2)));
    ctx.reply.ok();
  } else if (argv.is(1, 'RELOAD')) {
    debugReload(ctx, argv);
  } else if (argv.argc === 2 && argv.is(1, 'LOADAOF')) {
    ctx.server.aof.debugLoadAof();
    ctx.reply.ok();
  } else if (argv.argc === 3 && argv.is(1, 'AOF-FLUSH-SLEEP')) {
    ctx.server.aof.setFlushSleep(Math.max(0, atoi(argv.str(2))));
    ctx.reply.ok();
  } else if (argv.argc === 3 && argv.is(1, 'SET-ACTIVE-EXPIRE')) {
    ctx.ks.activeExpireEnabled = atoi(argv.str(2)) !== 0;
    ctx.reply.ok();
  } else {
    ctx.reply.error(unknownSubcommandOrArity(argv.str(1), argv.str(0)));
  }
}

/** DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save, empty, load back (persistence does the work). */
function debugReload(ctx: CommandContext, argv: Argv): void {
  let merge = false;
  let flush = true;
  let save = true;
  for (let j = 2; j < argv.argc; j++) {
    if (argv.is(j, 'MERGE')) merge = true;
    else if (argv.is(j, 'NOFLUSH')) flush = false;
    else if (argv.is(j, 'NOSAVE')) save = false;
    else return void ctx.reply.error(ERR.debugReloadOptions);
  }
  const err = ctx.server.persistence.debugReload(merge, flush, save);
  if (err !== null) ctx.reply.error(err);
  else ctx.reply.ok();
}

/** C's atoi: leading whitespace, a sign, digits; anything else ends the number (0 if none). */
export function atoi(s: string): number {
  const m = /^[\t\n\v\f\r ]*([+-]?\d+)/.exec(s);
  if (m === null) return 0;
  const n = Number(m[1]);
  // atoi overflow is undefined behaviour; glibc returns the low 32 bits of strtol's result.
  return Number.isSafeInteger(n) ? n | 0 : -1;
}

/** C's strtod on a prefix, for decimal numbers, inf and nan (0 when nothing parses). */
export function strtod(s: string): number {
  const m = /^[\t\n\v\f\r ]*([+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan))/i.exec(s);
  if (m === null) return 0;
  const t = (m[1] as string).toLowerCase();
  if (t.endsWith('inf') || t.endsWith('infinity')) return t.startsWith('-') ? -Infinity : Infinity;
  if (t.endsWith('nan')) return NaN;
  return Number(t);
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/** Block this thread (and so the server) like nanosleep; negative or NaN times do not sleep. */
function sleepSeconds(seconds: number): void {
  if (!(seconds > 0)) return;
  // Redis converts to whole microseconds first.
  const ms = Math.floor(Math.min(seconds, 1e9) * 1e6) / 1000;
  if (ms > 0) Atomics.wait(sleepCell, 0, 0, ms);
}

/** DEBUG OBJECT key: raw dictionary access, like Redis's dictFind (no expiry, no stats). */
function debugObject(ctx: CommandContext, key: string): void {
  const v = ctx.db.peek(key);
  if (v === undefined) {
    ctx.reply.error(ERR.noSuchKey);
    return;
  }
  const info = typeof v === 'string' ? null : (v as RedisObject & DebugObjectInfo);
  const encoding = typeof v === 'string' ? compactEncoding(v) : v.encoding();
  const serialized = info === null || info.type === 'string' ? rdbStringLength(v as StringValue) : (info.rdbLength?.() ?? 0);
  const lru = valueLru(v);
  const idle = Math.floor(idleMs(lru, ctx.ks.now) / 1000);
  const extra = info?.debugFields?.() ?? '';
  ctx.reply.simple(
    `Value at:${address(ctx, v, key)} refcount:${objectRefcount(ctx, v)} encoding:${encoding} serializedlength:${serialized} ` +
      `lru:${lru} lru_seconds_idle:${idle}${extra}`,
  );
}

/** Bytes of an RDB length prefix (rdbSaveLen). */
function rdbLenBytes(n: number): number {
  if (n < 1 << 6) return 1;
  if (n < 1 << 14) return 2;
  if (n <= 0xffffffff) return 5;
  return 9;
}

/**
 * RDB size of a string (rdbSaveRawString): canonical integers in int32 range take a type byte
 * plus 1, 2 or 4 bytes; anything else is a length prefix and the bytes.
 */
export function rdbStringLength(v: StringValue): number {
  const n = strLen(v);
  if (n <= 11 && n > 0) {
    const text = strText(v);
    if (/^-?[1-9]\d*$|^0$/.test(text)) {
      const x = Number(text);
      if (x >= -128 && x <= 127) return 2;
      if (x >= -32768 && x <= 32767) return 3;
      if (x >= -2147483648 && x <= 2147483647) return 5;
    }
  }
  return rdbLenBytes(n) + n;
}

const ADDRESS_BASE = 0x7f3a_0000_0000;
const SHARED_BASE = 0x7f39_0000_0000;
const objectAddresses = new WeakMap<object, number>();
let nextAddress = 0;

/** A stable label shaped like a pointer: per object, per key for immutable strings. */
function address(ctx: CommandContext, v: RedisValue, key: string): string {
  let a: number;
  if (typeof v === 'string') {
    if (isSharedInteger(ctx, v)) {
      a = SHARED_BASE + Number(strText(v)) * 16;
    } else {
      let h = 0x811c9dc5 ^ ctx.db.id;
      for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
      a = ADDRESS_BASE + (h >>> 0) * 16;
    }
  } else {
    let known = objectAddresses.get(v);
    if (known === undefined) {
      known = ADDRESS_BASE + 0x10_0000_0000 + nextAddress++ * 0x50;
      objectAddresses.set(v, known);
    }
    a = known;
  }
  return `0x${a.toString(16)}`;
}
