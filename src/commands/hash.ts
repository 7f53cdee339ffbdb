/**
 * Hash commands: HSET HSETNX HMSET HGET HMGET HGETALL HDEL HEXISTS HLEN HKEYS HVALS HSTRLEN
 * HINCRBY HINCRBYFLOAT. HRANDFIELD and HSCAN are in hash-random.ts.
 *
 * Writes go through RedisHash.set, which applies the listpack → hashtable conversion rules.
 * Events and dirty counts follow Redis 7.0's t_hash.c: HSET/HMSET/HSETNX fire 'hset' (HSET even
 * when nothing changed), HDEL fires 'hdel' and then 'del' when the hash became empty.
 */
import type { Argv } from '../protocol/argv.js';
import { parseInt64Str } from '../protocol/argv.js';
import type { Database } from '../keyspace/database.js';
import { NOTIFY } from '../keyspace/notify.js';
import { RedisHash } from '../values/hash.js';
import { addLongDouble, formatLongDoubleHuman, parseLongDouble, type LongDouble } from '../util/long-double.js';
import { ERR, wrongArity } from './errors.js';
import type { CommandContext, CommandSpec, KeySpec } from './spec.js';
import { argKey } from './key-arg.js';

const spec1 = (flags: string[]): KeySpec[] => [{ flags, begin_search: { index: 1 }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } }];
const key0 = { name: 'key', type: 'key', key_spec_index: 0 } as const;
const field = { name: 'field', type: 'string' } as const;
const fields = { name: 'field', type: 'string', multiple: true } as const;
const fieldValues = {
  name: 'field_value', type: 'block', multiple: true,
  arguments: [{ name: 'field', type: 'string' }, { name: 'value', type: 'string' }],
} as const;

export const hashCommands = [
  {
    name: 'hset', arity: -4, flags: ['write', 'denyoom', 'fast'], acl: ['hash'], keys: [1, 1, 1], keySpecs: spec1(['RW', 'update']),
    group: 'hash', since: '2.0.0', summary: 'Set one or more fields of a hash, creating it if needed',
    complexity: 'O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.',
    args: [key0, fieldValues], run: (c, a) => hset(c, a, false),
  },
  {
    name: 'hsetnx', arity: 4, flags: ['write', 'denyoom', 'fast'], acl: ['hash'], keys: [1, 1, 1], keySpecs: spec1(['RW', 'insert']),
    group: 'hash', since: '2.0.0', summary: 'Set a hash field only when it does not exist yet', complexity: 'O(1)',
    args: [key0, field, { name: 'value', type: 'string' }], run: hsetnx,
  },
  {
    name: 'hmset', arity: -4, flags: ['write', 'denyoom', 'fast'], acl: ['hash'], keys: [1, 1, 1], keySpecs: spec1(['RW', 'update']),
    group: 'hash', since: '2.0.0', summary: 'Set several hash fields (deprecated form of HSET that answers OK)',
    complexity: 'O(N) where N is the number of fields being set.', docFlags: ['deprecated'],
    args: [key0, fieldValues], run: (c, a) => hset(c, a, true),
  },
  {
    name: 'hget', arity: 3, flags: ['readonly', 'fast'], acl: ['hash'], keys: [1, 1, 1], keySpecs: spec1(['RO', 'access']),
    group: 'hash', since: '2.0.0', summary: 'Read the value of one hash field', complexity: 'O(1)',
    args: [key0, field], run: hget,
  },
  {
    name: 'hmget', arity: -3, flags: ['readonly', 'fast'], acl: ['hash'], keys: [1, 1, 1], keySpecs: spec1(['RO', 'access']),
    group: 'hash', since: '2.0.0', summary: 'Read the values of several hash fields',
    complexity: 'O(N) where N is the number of fields being requested.', args: [key0, fields], run: hmget,
  },
  {
    name: 'hgetall', arity: 2, flags: ['readonly'], acl: ['hash'], keys: [1, 1, 1], keySpecs: spec1(['RO', 'access']),
    group: 'hash', since: '2.0.0', summary: 'Read every field and value of a hash', complexity: 'O(N) where N is the size of the hash.',
    tips: ['nondeterministic_output_order'], args: [key0], run: (c, a) => hgetall(c, a, true, true),
  },
  {
    name: 'hdel', arity: -3, flags: ['write', 'fast'], acl: ['hash'], keys: [1, 1, 1], keySpecs: spec1(['RW', 'delete']),
    group: 'hash', since: '2.0.0', summary: 'Remove fields from a hash, deleting it when none remain',
    complexity: 'O(N) where N is the number of fields to be removed.', args: [key0, fields], run: hdel,
  },
  {
    name: 'hexists', arity: 3, flags: ['readonly', 'fast'], acl: ['hash'], keys: [1, 1, 1], keySpecs: spec1(['RO']),
    group: 'hash', since: '2.0.0', summary: 'Tell whether a hash has a field', complexity: 'O(1)', args: [key0, field], run: hexists,
  },
  {
    name: 'hlen', arity: 2, flags: ['readonly', 'fast'], acl: ['hash'], keys: [1, 1, 1], keySpecs: spec1(['RO']),
    group: 'hash', since: '2.0.0', summary: 'Count the fields of a hash', complexity: 'O(1)', args: [key0], run: hlen,
  },
  {
    name: 'hkeys', arity: 2, flags: ['readonly'], acl: ['hash'], keys: [1, 1, 1], keySpecs: spec1(['RO', 'access']),
    group: 'hash', since: '2.0.0', summary: 'List the field names of a hash', complexity: 'O(N) where N is the size of the hash.',
    tips: ['nondeterministic_output_order'], args: [key0], run: (c, a) => hgetall(c, a, true, false),
  },
  {
    name: 'hvals', arity: 2, flags: ['readonly'], acl: ['hash'], keys: [1, 1, 1], keySpecs: spec1(['RO', 'access']),
    group: 'hash', since: '2.0.0', summary: 'List the values of a hash', complexity: 'O(N) where N is the size of the hash.',
    tips: ['nondeterministic_output_order'], args: [key0], run: (c, a) => hgetall(c, a, false, true),
  },
  {
    name: 'hstrlen', arity: 3, flags: ['readonly', 'fast'], acl: ['hash'], keys: [1, 1, 1], keySpecs: spec1(['RO']),
    group: 'hash', since: '3.2.0', summary: 'Length in bytes of the value of a hash field', complexity: 'O(1)',
    args: [key0, field], run: hstrlen,
  },
  {
    name: 'hincrby', arity: 4, flags: ['write', 'denyoom', 'fast'], acl: ['hash'], keys: [1, 1, 1], keySpecs: spec1(['RW', 'access', 'update']),
    group: 'hash', since: '2.0.0', summary: 'Add an integer to the value of a hash field', complexity: 'O(1)',
    args: [key0, field, { name: 'increment', type: 'integer' }], run: hincrby,
  },
  {
    name: 'hincrbyfloat', arity: 4, flags: ['write', 'denyoom', 'fast'], acl: ['hash'], keys: [1, 1, 1],
    keySpecs: spec1(['RW', 'access', 'update']), group: 'hash', since: '2.6.0',
    summary: 'Add a floating point number to the value of a hash field', complexity: 'O(1)',
    args: [key0, field, { name: 'increment', type: 'double' }], run: hincrbyfloat,
  },
] as const satisfies readonly CommandSpec[];

/** The hash at key: undefined when missing, null after replying WRONGTYPE. */
export function getHash(ctx: CommandContext, key: string, write: boolean): RedisHash | null | undefined {
  const v = write ? ctx.db.lookupWrite(key) : ctx.db.lookupRead(key);
  if (v === undefined) return undefined;
  if (typeof v === 'string' || v.type !== 'hash') {
    ctx.reply.error(ERR.wrongType);
    return null;
  }
  return v as RedisHash;
}

/**
 * hashTypeLookupWriteOrCreate: the hash at key, or a new one added to the database; null after
 * replying WRONGTYPE.
 */
function hashForWrite(ctx: CommandContext, key: string): RedisHash | null {
  const h = getHash(ctx, key, true);
  if (h === null) return null;
  if (h !== undefined) return h;
  const created = new RedisHash(ctx.ks.initialWord());
  ctx.db.add(key, created);
  return created;
}

/** After a write to an existing or just-added hash: WATCH and the event. */
function touched(db: Database, key: string, event: string): void {
  db.signalModified(key);
  db.notify(NOTIFY.HASH, event, key);
}

/** HSET key field value [field value ...] / HMSET key field value [field value ...] */
function hset(ctx: CommandContext, argv: Argv, legacy: boolean): void {
  if (argv.argc % 2 === 1) {
    ctx.reply.error(wrongArity(ctx.commandName));
    return;
  }
  const key = argKey(ctx, argv, 1);
  const h = hashForWrite(ctx, key);
  if (h === null) return;
  const limits = ctx.ks.encoding;
  let created = 0;
  for (let i = 2; i < argv.argc; i += 2) if (h.set(argv.str(i), argv.str(i + 1), limits)) created++;
  if (legacy) ctx.reply.ok();
  else ctx.reply.integer(created);
  touched(ctx.db, key, 'hset');
  ctx.dirty += (argv.argc - 2) / 2;
}

/** HSETNX key field value */
function hsetnx(ctx: CommandContext, argv: Argv): void {
  const key = argKey(ctx, argv, 1);
  const h = hashForWrite(ctx, key);
  if (h === null) return;
  const f = argv.str(2);
  if (h.has(f)) {
    ctx.reply.integer(0);
    return;
  }
  h.set(f, argv.str(3), ctx.ks.encoding);
  ctx.reply.integer(1);
  touched(ctx.db, key, 'hset');
  ctx.dirty++;
}

/** HGET key field */
function hget(ctx: CommandContext, argv: Argv): void {
  const h = getHash(ctx, argKey(ctx, argv, 1), false);
  if (h === null) return;
  const v = h === undefined ? undefined : h.get(argv.str(2));
  if (v === undefined) ctx.reply.nullBulk();
  else ctx.reply.bulk(v);
}

/** HMGET key field [field ...] */
function hmget(ctx: CommandContext, argv: Argv): void {
  const h = getHash(ctx, argKey(ctx, argv, 1), false);
  if (h === null) return;
  ctx.reply.arrayHeader(argv.argc - 2);
  for (let i = 2; i < argv.argc; i++) {
    const v = h === undefined ? undefined : h.get(argv.str(i));
    if (v === undefined) ctx.reply.nullBulk();
    else ctx.reply.bulk(v);
  }
}

/** HGETALL key (a map in RESP3) / HKEYS key / HVALS key */
function hgetall(ctx: CommandContext, argv: Argv, withFields: boolean, withValues: boolean): void {
  const h = getHash(ctx, argKey(ctx, argv, 1), false);
  if (h === null) return;
  const r = ctx.reply;
  const both = withFields && withValues;
  const n = h === undefined ? 0 : h.size;
  if (both) r.mapHeader(n);
  else r.arrayHeader(n);
  if (h === undefined) return;
  h.forEach((f, v) => {
    if (withFields) r.bulk(f);
    if (withValues) r.bulk(v);
  });
}

/** HDEL key field [field ...] */
function hdel(ctx: CommandContext, argv: Argv): void {
  const key = argKey(ctx, argv, 1);
  const h = getHash(ctx, key, true);
  if (h === null) return;
  if (h === undefined) {
    ctx.reply.integer(0);
    return;
  }
  const db = ctx.db;
  let deleted = 0;
  let removed = false;
  for (let i = 2; i < argv.argc; i++) {
    if (!h.delete(argv.str(i))) continue;
    deleted++;
    if (h.size === 0) {
      db.delete(key);
      removed = true;
      break;
    }
  }
  if (deleted > 0) {
    if (!removed) db.signalModified(key);
    db.notify(NOTIFY.HASH, 'hdel', key);
    if (removed) db.notify(NOTIFY.GENERIC, 'del', key);
    ctx.dirty += deleted;
  }
  ctx.reply.integer(deleted);
}

/** HEXISTS key field */
function hexists(ctx: CommandContext, argv: Argv): void {
  const h = getHash(ctx, argKey(ctx, argv, 1), false);
  if (h === null) return;
  ctx.reply.integer(h !== undefined && h.has(argv.str(2)) ? 1 : 0);
}

/** HLEN key */
function hlen(ctx: CommandContext, argv: Argv): void {
  const h = getHash(ctx, argKey(ctx, argv, 1), false);
  if (h === null) return;
  ctx.reply.integer(h === undefined ? 0 : h.size);
}

/** HSTRLEN key field */
function hstrlen(ctx: CommandContext, argv: Argv): void {
  const h = getHash(ctx, argKey(ctx, argv, 1), false);
  if (h === null) return;
  ctx.reply.integer(h === undefined ? 0 : h.strlen(argv.str(2)));
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** HINCRBY key field increment */
function hincrby(ctx: CommandContext, argv: Argv): void {
  const incr = argv.int(3);
  if (incr === null) {
    ctx.reply.error(ERR.notInteger);
    return;
  }
  const key = argKey(ctx, argv, 1);
  const h = hashForWrite(ctx, key);
  if (h === null) return;
  const f = argv.str(2);
  const cur = h.get(f);
  let old: number | bigint = 0;
  if (cur !== undefined) {
    const parsed = parseInt64Str(cur);
    if (parsed === null) {
      ctx.reply.error(ERR.hashValueNotInteger);
      return;
    }
    old = parsed;
  }
  let next: number | bigint;
  if (typeof old === 'number' && typeof incr === 'number' && Number.isSafeInteger(old + incr)) {
    next = old + incr;
  } else {
    const big = BigInt(old) + BigInt(incr);
    if (big < INT64_MIN || big > INT64_MAX) {
      ctx.reply.error(ERR.overflow);
      return;
    }
    next = big;
  }
  h.set(f, String(next), ctx.ks.encoding);
  ctx.reply.integer(next);
  touched(ctx.db, key, 'hincrby');
  ctx.dirty++;
}

/** HINCRBYFLOAT key field increment (computed in x87 long double, like Redis on x86-64) */
function hincrbyfloat(ctx: CommandContext, argv: Argv): void {
  const incr = parseLongDouble(argv.str(3));
  if (incr === null) {
    ctx.reply.error(ERR.notFloat);
    return;
  }
  if (incr.inf) {
    ctx.reply.error(ERR.valueNanOrInf);
    return;
  }
  const key = argKey(ctx, argv, 1);
  const h = hashForWrite(ctx, key);
  if (h === null) return;
  const f = argv.str(2);
  const cur = h.get(f);
  let old: LongDouble = ZERO;
  if (cur !== undefined) {
    const parsed = parseLongDouble(cur);
    if (parsed === null) {
      ctx.reply.error(ERR.hashValueNotFloat);
      return;
    }
    old = parsed;
  }
  const sum = addLongDouble(old, incr);
  if (sum === null || sum.inf) {
    ctx.reply.error(ERR.incrNanInf);
    return;
  }
  const text = formatLongDoubleHuman(sum);
  h.set(f, text, ctx.ks.encoding);
  ctx.reply.bulk(text);
  touched(ctx.db, key, 'hincrbyfloat');
  ctx.dirty++;
  // Propagated as the value it produced: float formatting must not differ on reload.
  ctx.rewriteArgv(['HSET', key, f, text]);
}

const ZERO: LongDouble = { neg: false, m: 0n, e: 0, inf: false };
