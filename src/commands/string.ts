/**
 * String commands that read or replace whole values: GET SET SETNX SETEX PSETEX GETSET GETDEL
 * GETEX MGET MSET MSETNX. (Partial edits are in string-range.ts, counters in
 * string-counters.ts, LCS in lcs.ts.)
 *
 * Hot path: GET, SET, MGET and MSET are benchmarked. They allocate only the key string and the
 * stored value, parse options without building objects (module-level scratch), and check
 * expiry only when the database has volatile keys.
 *
 * Redis order of operations is kept where it shows: SET validates the expire before looking
 * anything up; GETEX looks the key up before validating the expire; a key found expired is
 * deleted ('expired' event) before being replaced, so the new value fires 'new'.
 */
import type { Argv } from '../protocol/argv.js';
import { NOTIFY } from '../keyspace/notify.js';
import { compactFromBytes, isStringValue, type StringValue } from '../values/string.js';
import { META_CHARS } from '../values/types.js';
import { ERR, invalidExpireTime, wrongArity } from './errors.js';
import type { CommandContext, CommandSpec, KeySpec } from './spec.js';

function key1(flags: readonly string[]): KeySpec {
  return { flags, begin_search: { index: 1 }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } };
}

const KEY_ARG = { name: 'key', type: 'key', key_spec_index: 0 } as const;
const VALUE_ARG = { name: 'value', type: 'string' } as const;

export const stringCommands = [
  {
    name: 'get', arity: 2, flags: ['readonly', 'fast'], acl: ['string'], keys: [1, 1, 1], group: 'string', since: '1.0.0',
    summary: 'Return the string value of a key', complexity: 'O(1)',
    keySpecs: [key1(['RO', 'access'])],
    args: [KEY_ARG],
    run: get,
  },
  {
    name: 'set', arity: -3, flags: ['write', 'denyoom'], acl: ['string'], keys: [1, 1, 1], group: 'string', since: '1.0.0',
    summary: 'Set a key to a string value, with optional expiry and conditions', complexity: 'O(1)',
    keySpecs: [key1(['RW', 'access', 'update', 'variable_flags'])],
    args: [
      KEY_ARG,
      VALUE_ARG,
      { name: 'condition', type: 'oneof', optional: true, since: '2.6.12', arguments: [{ name: 'nx', type: 'pure-token', token: 'NX' }, { name: 'xx', type: 'pure-token', token: 'XX' }] },
      { name: 'get', type: 'pure-token', token: 'GET', optional: true, since: '6.2.0' },
      {
        name: 'expiration', type: 'oneof', optional: true,
        arguments: [
          { name: 'seconds', type: 'integer', token: 'EX', since: '2.6.12' },
          { name: 'milliseconds', type: 'integer', token: 'PX', since: '2.6.12' },
          { name: 'unix-time-seconds', type: 'unix-time', token: 'EXAT', since: '6.2.0' },
          { name: 'unix-time-milliseconds', type: 'unix-time', token: 'PXAT', since: '6.2.0' },
          { name: 'keepttl', type: 'pure-token', token: 'KEEPTTL', since: '6.0.0' },
        ],
      },
    ],
    run: set,
  },
  {
    name: 'setnx', arity: 3, flags: ['write', 'denyoom', 'fast'], acl: ['string'], keys: [1, 1, 1], group: 'string', since: '1.0.0',
    summary: 'Set a key to a string value only when the key is absent', complexity: 'O(1)',
    keySpecs: [key1(['OW', 'insert'])],
    args: [KEY_ARG, VALUE_ARG],
    run: setnx,
  },
  {
    name: 'setex', arity: 4, flags: ['write', 'denyoom'], acl: ['string'], keys: [1, 1, 1], group: 'string', since: '2.0.0',
    summary: 'Set a key to a string value with a time to live in seconds', complexity: 'O(1)',
    keySpecs: [key1(['OW', 'update'])],
    args: [KEY_ARG, { name: 'seconds', type: 'integer' }, VALUE_ARG],
    run: setex,
  },
  {
    name: 'psetex', arity: 4, flags: ['write', 'denyoom'], acl: ['string'], keys: [1, 1, 1], group: 'string', since: '2.6.0',
    summary: 'Set a key to a string value with a time to live in milliseconds', complexity: 'O(1)',
    keySpecs: [key1(['OW', 'update'])],
    args: [KEY_ARG, { name: 'milliseconds', type: 'integer' }, VALUE_ARG],
    run: psetex,
  },
  {
    name: 'getset', arity: 3, flags: ['write', 'denyoom', 'fast'], acl: ['string'], keys: [1, 1, 1], group: 'string', since: '1.0.0',
    summary: 'Replace the string value of a key and return the previous one', complexity: 'O(1)',
    docFlags: ['deprecated'],
    keySpecs: [key1(['RW', 'access', 'update'])],
    args: [KEY_ARG, VALUE_ARG],
    run: getset,
  },
  {
    name: 'getdel', arity: 2, flags: ['write', 'fast'], acl: ['string'], keys: [1, 1, 1], group: 'string', since: '6.2.0',
    summary: 'Return the string value of a key and delete the key', complexity: 'O(1)',
    keySpecs: [key1(['RW', 'access', 'delete'])],
    args: [KEY_ARG],
    run: getdel,
  },
  {
    name: 'getex', arity: -2, flags: ['write', 'fast'], acl: ['string'], keys: [1, 1, 1], group: 'string', since: '6.2.0',
    summary: 'Return the string value of a key, optionally changing its time to live', complexity: 'O(1)',
    keySpecs: [key1(['RW', 'access', 'update'])],
    args: [
      KEY_ARG,
      {
        name: 'expiration', type: 'oneof', optional: true,
        arguments: [
          { name: 'seconds', type: 'integer', token: 'EX' },
          { name: 'milliseconds', type: 'integer', token: 'PX' },
          { name: 'unix-time-seconds', type: 'unix-time', token: 'EXAT' },
          { name: 'unix-time-milliseconds', type: 'unix-time', token: 'PXAT' },
          { name: 'persist', type: 'pure-token', token: 'PERSIST' },
        ],
      },
    ],
    run: getex,
  },
  {
    name: 'mget', arity: -2, flags: ['readonly', 'fast'], acl: ['string'], keys: [1, -1, 1], group: 'string', since: '1.0.0',
    summary: 'Return the string values of several keys', complexity: 'O(N) where N is the number of keys to retrieve.',
    tips: ['request_policy:multi_shard'],
    keySpecs: [{ flags: ['RO', 'access'], begin_search: { index: 1 }, find_keys: { lastkey: -1, keystep: 1, limit: 0 } }],
    args: [{ name: 'key', type: 'key', key_spec_index: 0, multiple: true }],
    run: mget,
  },
  {
    name: 'mset', arity: -3, flags: ['write', 'denyoom'], acl: ['string'], keys: [1, -1, 2], group: 'string', since: '1.0.1',
    summary: 'Set several keys to string values at once', complexity: 'O(N) where N is the number of keys to set.',
    tips: ['request_policy:multi_shard', 'response_policy:all_succeeded'],
    keySpecs: [{ flags: ['OW', 'update'], begin_search: { index: 1 }, find_keys: { lastkey: -1, keystep: 2, limit: 0 } }],
    args: [{ name: 'key_value', type: 'block', multiple: true, arguments: [KEY_ARG, VALUE_ARG] }],
    run: (ctx, argv) => msetGeneric(ctx, argv, false),
  },
  {
    name: 'msetnx', arity: -3, flags: ['write', 'denyoom'], acl: ['string'], keys: [1, -1, 2], group: 'string', since: '1.0.1',
    summary: 'Set several keys to string values, only when none of them exists', complexity: 'O(N) where N is the number of keys to set.',
    tips: ['request_policy:multi_shard', 'response_policy:agg_min'],
    keySpecs: [{ flags: ['OW', 'insert'], begin_search: { index: 1 }, find_keys: { lastkey: -1, keystep: 2, limit: 0 } }],
    args: [{ name: 'key_value', type: 'block', multiple: true, arguments: [KEY_ARG, VALUE_ARG] }],
    run: (ctx, argv) => msetGeneric(ctx, argv, true),
  },
] as const satisfies readonly CommandSpec[];

/** Reply a string value's bytes as a bulk string. */
export function replyString(ctx: CommandContext, v: StringValue): void {
  if (typeof v === 'string') ctx.reply.bulk(v, v.length - META_CHARS);
  else ctx.reply.bulkBytes(v.buf, 0, v.len);
}

/** GET key */
function get(ctx: CommandContext, argv: Argv): void {
  const v = ctx.db.lookupReadBytes(argv.buf, argv.starts[1] as number, argv.ends[1] as number);
  if (v === undefined) ctx.reply.nullBulk();
  else if (typeof v === 'string') ctx.reply.bulk(v, v.length - META_CHARS);
  else if (v.type === 'string') replyString(ctx, v as StringValue);
  else ctx.reply.error(ERR.wrongType);
}

/**
 * Redis's getGenericCommand: reply the value (or null); false after replying WRONGTYPE.
 * Counts a hit or a miss, like any read.
 */
function replyOldValue(ctx: CommandContext, key: string): boolean {
  const v = ctx.db.lookupRead(key);
  if (v === undefined) {
    ctx.reply.nullBulk();
    return true;
  }
  if (!isStringValue(v)) {
    ctx.reply.error(ERR.wrongType);
    return false;
  }
  replyString(ctx, v);
  return true;
}

// ---- SET options (Redis's parseExtendedStringArgumentsOrReply) ------------------------------

const SET_NX = 1;
const SET_XX = 2;
const SET_GET = 4;
const SET_KEEPTTL = 8;
const SET_EX = 16;
const SET_PX = 32;
const SET_EXAT = 64;
const SET_PXAT = 128;
const SET_PERSIST = 256;

const CMD_SET = 0;
const CMD_GETEX = 1;

// Results of the last parseExtendedArgs (module scratch: no allocation per command).
let optFlags = 0;
let optExpireArg = -1;

/**
 * Parse SET / GETEX options from argv[from..] into optFlags / optExpireArg; false after
 * replying a syntax error. Each option is refused only when it conflicts with another kind:
 * repeating the same one is accepted and the last expire given wins (as in Redis).
 */
function parseExtendedArgs(ctx: CommandContext, argv: Argv, from: number, command: number): boolean {
  let flags = 0;
  let expireArg = -1;
  const isSet = command === CMD_SET;
  for (let j = from; j < argv.argc; j++) {
    const hasNext = j + 1 < argv.argc;
    if (isSet && argv.is(j, 'NX') && !(flags & SET_XX)) {
      flags |= SET_NX;
    } else if (isSet && argv.is(j, 'XX') && !(flags & SET_NX)) {
      flags |= SET_XX;
    } else if (isSet && argv.is(j, 'GET')) {
      flags |= SET_GET;
    } else if (isSet && argv.is(j, 'KEEPTTL') && !(flags & (SET_PERSIST | SET_EX | SET_EXAT | SET_PX | SET_PXAT))) {
      flags |= SET_KEEPTTL;
    } else if (!isSet && argv.is(j, 'PERSIST') && !(flags & (SET_EX | SET_EXAT | SET_PX | SET_PXAT | SET_KEEPTTL))) {
      flags |= SET_PERSIST;
    } else if (hasNext && argv.is(j, 'EX') && !(flags & (SET_KEEPTTL | SET_PERSIST | SET_EXAT | SET_PX | SET_PXAT))) {
      flags |= SET_EX;
      expireArg = ++j;
    } else if (hasNext && argv.is(j, 'PX') && !(flags & (SET_KEEPTTL | SET_PERSIST | SET_EX | SET_EXAT | SET_PXAT))) {
      flags |= SET_PX;
      expireArg = ++j;
    } else if (hasNext && argv.is(j, 'EXAT') && !(flags & (SET_KEEPTTL | SET_PERSIST | SET_EX | SET_PX | SET_PXAT))) {
      flags |= SET_EXAT;
      expireArg = ++j;
    } else if (hasNext && argv.is(j, 'PXAT') && !(flags & (SET_KEEPTTL | SET_PERSIST | SET_EX | SET_EXAT | SET_PX))) {
      flags |= SET_PXAT;
      expireArg = ++j;
    } else {
      ctx.reply.error(ERR.syntax);
      return false;
    }
  }
  optFlags = flags;
  optExpireArg = expireArg;
  return true;
}

const LLONG_MAX_DIV_1000 = 9223372036854775n;
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Redis's getExpireMillisecondsOrReply: the absolute expire time in ms of argv[i], or -1 after
 * replying an error. Errors name the running command ('set', 'setex', 'getex', ...).
 *
 * Times beyond 2^53 ms (year 287396) are valid int64 in Redis; they are kept as the nearest
 * double, so PTTL of such a key is approximate.
 */
function expireMsOrReply(ctx: CommandContext, argv: Argv, i: number, seconds: boolean, relative: boolean): number {
  const raw = argv.int(i);
  if (raw === null) {
    ctx.reply.error(ERR.notInteger);
    return -1;
  }
  if (raw <= 0) {
    ctx.reply.error(invalidExpireTime(ctx.commandName));
    return -1;
  }
  if (typeof raw === 'number') {
    const ms = (seconds ? raw * 1000 : raw) + (relative ? ctx.ks.now : 0);
    if (Number.isSafeInteger(ms)) return ms;
  }
  // int64 arithmetic with Redis's overflow checks.
  let b = BigInt(raw);
  if (seconds) {
    if (b > LLONG_MAX_DIV_1000) {
      ctx.reply.error(invalidExpireTime(ctx.commandName));
      return -1;
    }
    b *= 1000n;
  }
  if (relative) b += BigInt(ctx.ks.now);
  if (b > INT64_MAX) {
    ctx.reply.error(invalidExpireTime(ctx.commandName));
    return -1;
  }
  return Number(b);
}

function expireOf(ctx: CommandContext, argv: Argv, flags: number, arg: number): number {
  return expireMsOrReply(ctx, argv, arg, (flags & (SET_EX | SET_EXAT)) !== 0, (flags & (SET_EX | SET_PX)) !== 0);
}

// ---- SET and its variants ------------------------------------------------------------------

const REPLY_OK = 0; // OK, or null when NX/XX aborts (SET)
const REPLY_ONE_ZERO = 1; // 1, or 0 when aborted (SETNX)

/**
 * Redis's setGenericCommand after the expire has been validated. `valueArg` is where the
 * value is in argv; expireAt is an absolute ms time or -1.
 */
function setGeneric(ctx: CommandContext, argv: Argv, valueArg: number, flags: number, expireAt: number, replies: number): void {
  const db = ctx.db;
  const key = argv.str(1);
  if (flags & SET_GET && !replyOldValue(ctx, key)) return;
  if (flags & (SET_NX | SET_XX)) {
    const found = db.lookupWrite(key) !== undefined;
    if ((flags & SET_NX && found) || (flags & SET_XX && !found)) {
      if (!(flags & SET_GET)) {
        if (replies === REPLY_ONE_ZERO) ctx.reply.integer(0);
        else ctx.reply.nullBulk();
      }
      return;
    }
  } else if (db.expires.size !== 0) {
    db.expireIfNeeded(key);
  }
  const value = compactFromBytes(argv.buf, argv.starts[valueArg] as number, argv.ends[valueArg] as number, ctx.ks.initialWord());
  db.set(key, value, (flags & SET_KEEPTTL) !== 0 || expireAt >= 0);
  ctx.dirty++;
  db.notify(NOTIFY.STRING, 'set', key);
  if (expireAt >= 0) {
    db.setExpire(key, expireAt);
    db.notify(NOTIFY.GENERIC, 'expire', key);
    // Any expire propagates as an absolute one (a reload must not extend the key's life).
    ctx.rewriteArgv(['SET', key, argv.str(valueArg), 'PXAT', String(expireAt)]);
  } else if (flags & SET_GET) {
    rewriteWithoutGet(ctx, argv);
  }
  if (!(flags & SET_GET)) {
    if (replies === REPLY_ONE_ZERO) ctx.reply.integer(1);
    else ctx.reply.ok();
  }
}

/** SET ... GET propagates without its GET options. */
function rewriteWithoutGet(ctx: CommandContext, argv: Argv): void {
  const args: string[] = [];
  for (let j = 0; j < argv.argc; j++) if (j < 3 || !argv.is(j, 'GET')) args.push(argv.str(j));
  ctx.rewriteArgv(args);
}

/** SET key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL] */
function set(ctx: CommandContext, argv: Argv): void {
  if (argv.argc === 3) {
    // The plain form, inlined: no options to parse, no condition to check.
    const db = ctx.db;
    const value = compactFromBytes(argv.buf, argv.starts[2] as number, argv.ends[2] as number, ctx.ks.initialWord());
    const key = db.setBytes(argv.buf, argv.starts[1] as number, argv.ends[1] as number, value, false);
    ctx.dirty++;
    db.notify(NOTIFY.STRING, 'set', key);
    ctx.reply.ok();
    return;
  }
  if (!parseExtendedArgs(ctx, argv, 3, CMD_SET)) return;
  const flags = optFlags;
  let expireAt = -1;
  if (optExpireArg >= 0) {
    expireAt = expireOf(ctx, argv, flags, optExpireArg);
    if (expireAt < 0) return;
  }
  setGeneric(ctx, argv, 2, flags, expireAt, REPLY_OK);
}

/** SETNX key value */
function setnx(ctx: CommandContext, argv: Argv): void {
  setGeneric(ctx, argv, 2, SET_NX, -1, REPLY_ONE_ZERO);
}

/** SETEX key seconds value */
function setex(ctx: CommandContext, argv: Argv): void {
  const at = expireMsOrReply(ctx, argv, 2, true, true);
  if (at >= 0) setGeneric(ctx, argv, 3, 0, at, REPLY_OK);
}

/** PSETEX key milliseconds value */
function psetex(ctx: CommandContext, argv: Argv): void {
  const at = expireMsOrReply(ctx, argv, 2, false, true);
  if (at >= 0) setGeneric(ctx, argv, 3, 0, at, REPLY_OK);
}

/** GETSET key value: SET with GET, except that the TTL is always cleared. */
function getset(ctx: CommandContext, argv: Argv): void {
  const key = argv.str(1);
  if (!replyOldValue(ctx, key)) return;
  const db = ctx.db;
  db.set(key, compactFromBytes(argv.buf, argv.starts[2] as number, argv.ends[2] as number, ctx.ks.initialWord()), false);
  db.notify(NOTIFY.STRING, 'set', key);
  ctx.dirty++;
  ctx.rewriteArgv(['SET', key, argv.str(2)]);
}

/** GETDEL key */
function getdel(ctx: CommandContext, argv: Argv): void {
  const key = argv.str(1);
  const db = ctx.db;
  const v = db.lookupRead(key);
  if (v === undefined) {
    ctx.reply.nullBulk();
    return;
  }
  if (!isStringValue(v)) {
    ctx.reply.error(ERR.wrongType);
    return;
  }
  replyString(ctx, v);
  db.delete(key);
  db.notify(NOTIFY.GENERIC, 'del', key);
  ctx.dirty++;
  ctx.rewriteArgv(['DEL', key]);
}

/** GETEX key [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | PERSIST] */
function getex(ctx: CommandContext, argv: Argv): void {
  if (!parseExtendedArgs(ctx, argv, 2, CMD_GETEX)) return;
  const flags = optFlags;
  const expireArg = optExpireArg;
  const key = argv.str(1);
  const db = ctx.db;
  const v = db.lookupRead(key);
  if (v === undefined) {
    ctx.reply.nullBulk();
    return;
  }
  if (!isStringValue(v)) {
    ctx.reply.error(ERR.wrongType);
    return;
  }
  let at = -1;
  if (expireArg >= 0) {
    at = expireOf(ctx, argv, flags, expireArg);
    if (at < 0) return;
  }
  replyString(ctx, v);
  // Propagated as its effect: DEL, PEXPIREAT (absolute) or PERSIST. While loading, a time in
  // the past is kept as it is (Redis's checkAlreadyExpired).
  if (flags & (SET_EXAT | SET_PXAT) && at <= ctx.ks.now && !ctx.ks.expiryFrozen) {
    // An absolute time already past: the key goes now.
    db.delete(key);
    db.notify(NOTIFY.GENERIC, 'del', key);
    ctx.dirty++;
    ctx.rewriteArgv(['DEL', key]);
  } else if (at >= 0) {
    db.setExpire(key, at);
    db.signalModified(key);
    db.notify(NOTIFY.GENERIC, 'expire', key);
    ctx.dirty++;
    ctx.rewriteArgv(['PEXPIREAT', key, String(at)]);
  } else if (flags & SET_PERSIST && db.removeExpire(key)) {
    db.signalModified(key);
    db.notify(NOTIFY.GENERIC, 'persist', key);
    ctx.dirty++;
    ctx.rewriteArgv(['PERSIST', key]);
  }
}

// ---- multi-key ------------------------------------------------------------------------------

/** MGET key [key ...]: keys that are missing or not strings answer null. */
function mget(ctx: CommandContext, argv: Argv): void {
  const db = ctx.db;
  const w = ctx.reply;
  const argc = argv.argc;
  w.arrayHeader(argc - 1);
  for (let i = 1; i < argc; i++) {
    const v = db.lookupRead(argv.str(i));
    if (v === undefined) w.nullBulk();
    else if (typeof v === 'string') w.bulk(v, v.length - META_CHARS);
    else if (v.type === 'string') replyString(ctx, v as StringValue);
    else w.nullBulk();
  }
}

/** MSET key value [key value ...] / MSETNX key value [key value ...] */
function msetGeneric(ctx: CommandContext, argv: Argv, nx: boolean): void {
  const argc = argv.argc;
  if ((argc & 1) === 0) {
    ctx.reply.error(wrongArity(ctx.commandName));
    return;
  }
  const db = ctx.db;
  if (nx) {
    for (let j = 1; j < argc; j += 2) {
      if (db.lookupWrite(argv.str(j)) !== undefined) {
        ctx.reply.integer(0);
        return;
      }
    }
  }
  const lru = ctx.ks.initialWord();
  const starts = argv.starts;
  const ends = argv.ends;
  for (let j = 1; j < argc; j += 2) {
    const value = compactFromBytes(argv.buf, starts[j + 1] as number, ends[j + 1] as number, lru);
    const key = db.setBytes(argv.buf, starts[j] as number, ends[j] as number, value, false);
    db.notify(NOTIFY.STRING, 'set', key);
  }
  ctx.dirty += (argc - 1) >> 1;
  if (nx) ctx.reply.integer(1);
  else ctx.reply.ok();
}
