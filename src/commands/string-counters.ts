/**
 * Counters on string values: INCR DECR INCRBY DECRBY INCRBYFLOAT.
 *
 * Integers are int64 exactly as in Redis. INCR is benchmarked, so the common case (current
 * value and result both safe JS integers) stays on plain numbers and writes the digits of the
 * result straight into the new compact string; bigint is used only beyond 2^53.
 *
 * INCRBYFLOAT computes in x87 extended precision like Redis on x86-64 (util/long-double.ts)
 * and stores the result as "%.17Lf" without trailing zeros, so "0.1 + 0.2" is "0.3".
 */
import type { Argv } from '../protocol/argv.js';
import { NOTIFY } from '../keyspace/notify.js';
import { addLongDouble, formatLongDoubleHuman, parseLongDouble, type LongDouble } from '../util/long-double.js';
import { compactFromInt, compactFromString, compactLru, strText, strToInt64, type StringValue } from '../values/string.js';
import type { RedisValue } from '../values/types.js';
import { ERR } from './errors.js';
import type { CommandContext, CommandSpec, KeySpec } from './spec.js';

const KEY_SPEC: KeySpec = { flags: ['RW', 'access', 'update'], begin_search: { index: 1 }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } };
const KEY_ARG = { name: 'key', type: 'key', key_spec_index: 0 } as const;

export const stringCounterCommands = [
  {
    name: 'incr', arity: 2, flags: ['write', 'denyoom', 'fast'], acl: ['string'], keys: [1, 1, 1], group: 'string', since: '1.0.0',
    summary: 'Add one to the integer held by a key', complexity: 'O(1)',
    keySpecs: [KEY_SPEC],
    args: [KEY_ARG],
    run: (ctx, argv) => incrDecr(ctx, argv, 1),
  },
  {
    name: 'decr', arity: 2, flags: ['write', 'denyoom', 'fast'], acl: ['string'], keys: [1, 1, 1], group: 'string', since: '1.0.0',
    summary: 'Subtract one from the integer held by a key', complexity: 'O(1)',
    keySpecs: [KEY_SPEC],
    args: [KEY_ARG],
    run: (ctx, argv) => incrDecr(ctx, argv, -1),
  },
  {
    name: 'incrby', arity: 3, flags: ['write', 'denyoom', 'fast'], acl: ['string'], keys: [1, 1, 1], group: 'string', since: '1.0.0',
    summary: 'Add an integer to the integer held by a key', complexity: 'O(1)',
    keySpecs: [KEY_SPEC],
    args: [KEY_ARG, { name: 'increment', type: 'integer' }],
    run: incrby,
  },
  {
    name: 'decrby', arity: 3, flags: ['write', 'denyoom', 'fast'], acl: ['string'], keys: [1, 1, 1], group: 'string', since: '1.0.0',
    summary: 'Subtract an integer from the integer held by a key', complexity: 'O(1)',
    keySpecs: [KEY_SPEC],
    args: [KEY_ARG, { name: 'decrement', type: 'integer' }],
    run: decrby,
  },
  {
    name: 'incrbyfloat', arity: 3, flags: ['write', 'denyoom', 'fast'], acl: ['string'], keys: [1, 1, 1], group: 'string', since: '2.6.0',
    summary: 'Add a floating point number to the number held by a key', complexity: 'O(1)',
    keySpecs: [KEY_SPEC],
    args: [KEY_ARG, { name: 'increment', type: 'double' }],
    run: incrbyfloat,
  },
] as const satisfies readonly CommandSpec[];

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** Redis shares the objects of 0..9999 (OBJ_SHARED_INTEGERS), so INCR into them makes a new object. */
const SHARED_INTEGERS = 10000;

/** INCRBY key increment */
function incrby(ctx: CommandContext, argv: Argv): void {
  const incr = argv.int(2);
  if (incr === null) ctx.reply.error(ERR.notInteger);
  else incrDecr(ctx, argv, incr);
}

/** DECRBY key decrement */
function decrby(ctx: CommandContext, argv: Argv): void {
  const decr = argv.int(2);
  if (decr === null) ctx.reply.error(ERR.notInteger);
  else if (decr === INT64_MIN) ctx.reply.error(ERR.decrOverflow); // its negation is not an int64
  else incrDecr(ctx, argv, -decr);
}

/** Redis's incrDecrCommand: argv[1] += incr as int64. */
function incrDecr(ctx: CommandContext, argv: Argv, incr: number | bigint): void {
  const db = ctx.db;
  const key = db.keyFromBytes(argv.buf, argv.starts[1] as number, argv.ends[1] as number);
  const v = db.lookupWrite(key);
  let cur: number | bigint = 0;
  if (v !== undefined) {
    if (typeof v !== 'string' && v.type !== 'string') {
      ctx.reply.error(ERR.wrongType);
      return;
    }
    const parsed = strToInt64(v as StringValue);
    if (parsed === null) {
      ctx.reply.error(ERR.notInteger);
      return;
    }
    cur = parsed;
  }
  let next: number | bigint;
  if (typeof cur === 'number' && typeof incr === 'number' && Number.isSafeInteger(cur + incr)) {
    next = cur + incr;
  } else {
    const sum = BigInt(cur) + BigInt(incr);
    if (sum < INT64_MIN || sum > INT64_MAX) {
      ctx.reply.error(ERR.overflow);
      return;
    }
    const asNum = Number(sum);
    next = Number.isSafeInteger(asNum) ? asNum : sum;
  }
  const word = lruForResult(ctx, v, cur, next);
  const stored = typeof next === 'number' ? compactFromInt(next, word) : compactFromString(next.toString(), word);
  if (v === undefined) db.add(key, stored);
  else db.replace(key, stored);
  db.notify(NOTIFY.STRING, 'incrby', key);
  ctx.dirty++;
  ctx.reply.integer(next);
}

/**
 * Redis updates an int-encoded, unshared object in place (keeping its LRU/LFU word) unless
 * the result is a shared integer; otherwise the value is a new object with a fresh word.
 */
function lruForResult(ctx: CommandContext, old: RedisValue | undefined, cur: number | bigint, next: number | bigint): number {
  if (typeof old === 'string' && !(cur >= 0 && cur < SHARED_INTEGERS) && !(next >= 0 && next < SHARED_INTEGERS)) {
    return compactLru(old);
  }
  return ctx.ks.initialWord();
}

/** INCRBYFLOAT key increment */
function incrbyfloat(ctx: CommandContext, argv: Argv): void {
  const db = ctx.db;
  const key = argv.str(1);
  const v = db.lookupWrite(key);
  let cur: LongDouble | null = ZERO;
  if (v !== undefined) {
    if (typeof v !== 'string' && v.type !== 'string') {
      ctx.reply.error(ERR.wrongType);
      return;
    }
    cur = parseLongDouble(strText(v as StringValue));
  }
  const incr = cur === null ? null : parseLongDouble(argv.str(2));
  if (cur === null || incr === null) {
    ctx.reply.error(ERR.notFloat);
    return;
  }
  const sum = addLongDouble(cur, incr);
  if (sum === null || sum.inf) {
    ctx.reply.error(ERR.incrNanInf);
    return;
  }
  const text = formatLongDoubleHuman(sum);
  const stored = compactFromString(text, ctx.ks.initialWord());
  if (v === undefined) db.add(key, stored);
  else db.replace(key, stored);
  db.notify(NOTIFY.STRING, 'incrbyfloat', key);
  ctx.dirty++;
  ctx.reply.bulk(text);
  // Propagated as the value it produced: float formatting must not differ on reload.
  ctx.rewriteArgv(['SET', key, text, 'KEEPTTL']);
}

const ZERO: LongDouble = { neg: false, m: 0n, e: 0, inf: false };
