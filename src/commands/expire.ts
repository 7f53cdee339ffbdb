/**
 * Expiry commands: EXPIRE PEXPIRE EXPIREAT PEXPIREAT (with NX XX GT LT), TTL PTTL EXPIRETIME
 * PEXPIRETIME, PERSIST.
 *
 * Expire times are absolute Unix times in ms, kept by the Database beside the dictionary.
 * Arguments are int64 as in Redis, so the overflow checks are Redis's (seconds × 1000 and
 * base time + value must stay within int64); a time at or before now deletes the key at once
 * (checkAlreadyExpired) and fires 'del' instead of 'expire'. Times beyond 2^53 ms (year
 * 287396) are stored as the nearest double, so TTL replies for them are approximate.
 */
import type { Argv } from '../protocol/argv.js';
import { LOOKUP } from '../keyspace/database.js';
import { NOTIFY } from '../keyspace/notify.js';
import { ERR, invalidExpireTime, unsupportedOption } from './errors.js';
import type { ArgDoc, CommandContext, CommandSpec, KeySpec } from './spec.js';

const k1 = (flags: string[]): KeySpec[] => [{ flags, begin_search: { index: 1 }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } }];
const key0 = { name: 'key', type: 'key', key_spec_index: 0 } as const;
const condition: ArgDoc = {
  name: 'condition', type: 'oneof', optional: true, since: '7.0.0',
  arguments: [
    { name: 'nx', type: 'pure-token', token: 'NX' },
    { name: 'xx', type: 'pure-token', token: 'XX' },
    { name: 'gt', type: 'pure-token', token: 'GT' },
    { name: 'lt', type: 'pure-token', token: 'LT' },
  ],
};

const SECONDS = true;
const MILLISECONDS = false;
const RELATIVE = true;
const ABSOLUTE = false;

export const expireCommands = [
  {
    name: 'expire', arity: -3, flags: ['write', 'fast'], acl: ['keyspace'], keys: [1, 1, 1], keySpecs: k1(['RW', 'update']),
    group: 'generic', since: '1.0.0', summary: 'Give a key a time to live, in seconds', complexity: 'O(1)',
    args: [key0, { name: 'seconds', type: 'integer' }, condition],
    run: (c, a) => expireGeneric(c, a, RELATIVE, SECONDS),
  },
  {
    name: 'pexpire', arity: -3, flags: ['write', 'fast'], acl: ['keyspace'], keys: [1, 1, 1], keySpecs: k1(['RW', 'update']),
    group: 'generic', since: '2.6.0', summary: 'Give a key a time to live, in milliseconds', complexity: 'O(1)',
    args: [key0, { name: 'milliseconds', type: 'integer' }, condition],
    run: (c, a) => expireGeneric(c, a, RELATIVE, MILLISECONDS),
  },
  {
    name: 'expireat', arity: -3, flags: ['write', 'fast'], acl: ['keyspace'], keys: [1, 1, 1], keySpecs: k1(['RW', 'update']),
    group: 'generic', since: '1.2.0', summary: 'Make a key expire at a Unix time given in seconds', complexity: 'O(1)',
    args: [key0, { name: 'unix-time-seconds', type: 'unix-time' }, condition],
    run: (c, a) => expireGeneric(c, a, ABSOLUTE, SECONDS),
  },
  {
    name: 'pexpireat', arity: -3, flags: ['write', 'fast'], acl: ['keyspace'], keys: [1, 1, 1], keySpecs: k1(['RW', 'update']),
    group: 'generic', since: '2.6.0', summary: 'Make a key expire at a Unix time given in milliseconds', complexity: 'O(1)',
    args: [key0, { name: 'unix-time-milliseconds', type: 'unix-time' }, condition],
    run: (c, a) => expireGeneric(c, a, ABSOLUTE, MILLISECONDS),
  },
  {
    name: 'ttl', arity: 2, flags: ['readonly', 'fast'], acl: ['keyspace'], keys: [1, 1, 1], keySpecs: k1(['RO', 'access']),
    group: 'generic', since: '1.0.0', summary: 'Return the remaining time to live of a key, in seconds', complexity: 'O(1)',
    tips: ['nondeterministic_output'], args: [key0], run: (c, a) => ttlGeneric(c, a, false, false),
  },
  {
    name: 'pttl', arity: 2, flags: ['readonly', 'fast'], acl: ['keyspace'], keys: [1, 1, 1], keySpecs: k1(['RO', 'access']),
    group: 'generic', since: '2.6.0', summary: 'Return the remaining time to live of a key, in milliseconds', complexity: 'O(1)',
    tips: ['nondeterministic_output'], args: [key0], run: (c, a) => ttlGeneric(c, a, true, false),
  },
  {
    name: 'expiretime', arity: 2, flags: ['readonly', 'fast'], acl: ['keyspace'], keys: [1, 1, 1], keySpecs: k1(['RO', 'access']),
    group: 'generic', since: '7.0.0', summary: 'Return the Unix time in seconds at which a key will expire', complexity: 'O(1)',
    args: [key0], run: (c, a) => ttlGeneric(c, a, false, true),
  },
  {
    name: 'pexpiretime', arity: 2, flags: ['readonly', 'fast'], acl: ['keyspace'], keys: [1, 1, 1], keySpecs: k1(['RO', 'access']),
    group: 'generic', since: '7.0.0', summary: 'Return the Unix time in milliseconds at which a key will expire', complexity: 'O(1)',
    args: [key0], run: (c, a) => ttlGeneric(c, a, true, true),
  },
  {
    name: 'persist', arity: 2, flags: ['write', 'fast'], acl: ['keyspace'], keys: [1, 1, 1], keySpecs: k1(['RW', 'update']),
    group: 'generic', since: '2.2.0', summary: 'Remove the time to live of a key', complexity: 'O(1)',
    args: [key0], run: persist,
  },
] as const satisfies readonly CommandSpec[];

const EXPIRE_NX = 1;
const EXPIRE_XX = 2;
const EXPIRE_GT = 4;
const EXPIRE_LT = 8;

/** NX XX GT LT from argv[3..] (parseExtendedExpireArgumentsOrReply); -1 after replying an error. */
function parseExpireFlags(ctx: CommandContext, argv: Argv): number {
  let flags = 0;
  for (let j = 3; j < argv.argc; j++) {
    if (argv.is(j, 'NX')) flags |= EXPIRE_NX;
    else if (argv.is(j, 'XX')) flags |= EXPIRE_XX;
    else if (argv.is(j, 'GT')) flags |= EXPIRE_GT;
    else if (argv.is(j, 'LT')) flags |= EXPIRE_LT;
    else {
      ctx.reply.error(unsupportedOption(argv.str(j)));
      return -1;
    }
  }
  if (flags & EXPIRE_NX && flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT)) {
    ctx.reply.error(ERR.nxXxGtLt);
    return -1;
  }
  if (flags & EXPIRE_GT && flags & EXPIRE_LT) {
    ctx.reply.error(ERR.gtLtNx);
    return -1;
  }
  return flags;
}

const LLONG_MAX = 2n ** 63n - 1n;
const LLONG_MIN = -(2n ** 63n);
/** Below this magnitude, value × 1000 + now is exact in a double and cannot overflow int64. */
const FAST_LIMIT = 2 ** 43;

/**
 * The absolute expire time in ms for an int64 argument, or null when converting it would
 * overflow int64 (Redis's checks: seconds beyond LLONG_MAX/1000 either way, then base + when).
 */
export function absoluteExpireMs(raw: number | bigint, seconds: boolean, basetime: number): number | null {
  if (typeof raw === 'number' && raw < FAST_LIMIT && raw > -FAST_LIMIT) return (seconds ? raw * 1000 : raw) + basetime;
  let when = BigInt(raw);
  if (seconds) {
    if (when > LLONG_MAX / 1000n || when < LLONG_MIN / 1000n) return null;
    when *= 1000n;
  }
  const base = BigInt(basetime);
  if (when > LLONG_MAX - base) return null;
  return Number(when + base);
}

/** EXPIRE key seconds [NX | XX | GT | LT] and its three siblings. */
function expireGeneric(ctx: CommandContext, argv: Argv, relative: boolean, seconds: boolean): void {
  const flags = argv.argc > 3 ? parseExpireFlags(ctx, argv) : 0;
  if (flags < 0) return;
  const raw = argv.int(2);
  if (raw === null) {
    ctx.reply.error(ERR.notInteger);
    return;
  }
  const when = absoluteExpireMs(raw, seconds, relative ? ctx.ks.now : 0);
  if (when === null) {
    ctx.reply.error(invalidExpireTime(ctx.commandName));
    return;
  }
  const db = ctx.db;
  const key = argv.str(1);
  if (db.lookupWrite(key) === undefined) {
    ctx.reply.integer(0);
    return;
  }
  if (flags !== 0) {
    const current = db.getExpire(key);
    // No expire counts as an infinite TTL: GT never beats it, LT always does.
    if ((flags & EXPIRE_NX && current !== -1) || (flags & EXPIRE_XX && current === -1) || (flags & EXPIRE_GT && (current === -1 || when <= current)) || (flags & EXPIRE_LT && current !== -1 && when >= current)) {
      ctx.reply.integer(0);
      return;
    }
  }
  ctx.dirty++;
  // A time already past deletes the key (propagated as DEL), except while loading, which
  // keeps the expire as it is (Redis's checkAlreadyExpired). Otherwise the expire propagates
  // as PEXPIREAT with the absolute time, flags kept.
  if (when <= ctx.ks.now && !ctx.ks.expiryFrozen) {
    db.delete(key);
    db.notify(NOTIFY.GENERIC, 'del', key);
    ctx.rewriteArgv(['DEL', key]);
  } else {
    db.setExpire(key, when);
    db.signalModified(key);
    db.notify(NOTIFY.GENERIC, 'expire', key);
    if (relative || seconds) {
      const args = ['PEXPIREAT', key, String(when)];
      for (let i = 3; i < argv.argc; i++) args.push(argv.str(i));
      ctx.rewriteArgv(args);
    }
  }
  ctx.reply.integer(1);
}

/** TTL / PTTL / EXPIRETIME / PEXPIRETIME key: -2 when absent, -1 without an expire. */
function ttlGeneric(ctx: CommandContext, argv: Argv, ms: boolean, absolute: boolean): void {
  const key = argv.str(1);
  const db = ctx.db;
  if (db.lookupReadFlags(key, LOOKUP.NOTOUCH) === undefined) {
    ctx.reply.integer(-2);
    return;
  }
  const expire = db.getExpire(key);
  if (expire === -1) {
    ctx.reply.integer(-1);
    return;
  }
  let ttl = absolute ? expire : expire - ctx.ks.now;
  if (ttl < 0) ttl = 0;
  ctx.reply.integer(ms ? ttl : Math.floor((ttl + 500) / 1000));
}

/** PERSIST key */
function persist(ctx: CommandContext, argv: Argv): void {
  const key = argv.str(1);
  const db = ctx.db;
  if (db.lookupWrite(key) === undefined || !db.removeExpire(key)) {
    ctx.reply.integer(0);
    return;
  }
  db.signalModified(key);
  db.notify(NOTIFY.GENERIC, 'persist', key);
  ctx.dirty++;
  ctx.reply.integer(1);
}
