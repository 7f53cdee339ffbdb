/**
 * Set commands: SADD SREM SMEMBERS SISMEMBER SMISMEMBER SCARD SPOP SRANDMEMBER SMOVE SSCAN.
 * SINTER/SUNION/SDIFF and their STORE and CARD forms are in set-algebra.ts.
 *
 * Events and dirty counts follow Redis 7.0's t_set.c: 'sadd' / 'srem' once per command when
 * something changed, 'spop' before the members leave, 'del' after the event that emptied the
 * set; SMOVE fires 'srem' on the source and 'sadd' on the destination only when the member was
 * new there.
 *
 * SPOP and SRANDMEMBER draw uniformly (one random index into the dense member array). Like
 * HRANDFIELD, SRANDMEMBER refuses repetition counts above MAX_REPEAT (Redis 7.0 tries to
 * answer them until memory runs out).
 */
import type { Argv } from '../protocol/argv.js';
import type { Database } from '../keyspace/database.js';
import { NOTIFY } from '../keyspace/notify.js';
import { RedisSet } from '../values/set.js';
import { globMatch } from '../util/glob.js';
import { ERR } from './errors.js';
import { distinctSample, MAX_REPEAT, parseRandomCount, randomIndex, replyScan } from './hash-random.js';
import { CURSOR_PAST_END, parseScanCursor, parseScanOptions } from './scan.js';
import type { CommandContext, CommandSpec, KeySpec } from './spec.js';
import { argKey } from './key-arg.js';

const spec1 = (flags: string[]): KeySpec[] => [{ flags, begin_search: { index: 1 }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } }];
const key0 = { name: 'key', type: 'key', key_spec_index: 0 } as const;
const member = { name: 'member', type: 'string' } as const;
const members = { name: 'member', type: 'string', multiple: true } as const;

export const setCommands = [
  {
    name: 'sadd', arity: -3, flags: ['write', 'denyoom', 'fast'], acl: ['set'], keys: [1, 1, 1], keySpecs: spec1(['RW', 'insert']),
    group: 'set', since: '1.0.0', summary: 'Add members to a set, creating it if needed',
    complexity: 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
    args: [key0, members], run: sadd,
  },
  {
    name: 'srem', arity: -3, flags: ['write', 'fast'], acl: ['set'], keys: [1, 1, 1], keySpecs: spec1(['RW', 'delete']),
    group: 'set', since: '1.0.0', summary: 'Remove members from a set, deleting it when none remain',
    complexity: 'O(N) where N is the number of members to be removed.', args: [key0, members], run: srem,
  },
  {
    name: 'smembers', arity: 2, flags: ['readonly'], acl: ['set'], keys: [1, 1, 1], keySpecs: spec1(['RO', 'access']),
    group: 'set', since: '1.0.0', summary: 'List every member of a set', complexity: 'O(N) where N is the set cardinality.',
    tips: ['nondeterministic_output_order'], args: [key0], run: smembers,
  },
  {
    name: 'sismember', arity: 3, flags: ['readonly', 'fast'], acl: ['set'], keys: [1, 1, 1], keySpecs: spec1(['RO']),
    group: 'set', since: '1.0.0', summary: 'Tell whether a value is a member of a set', complexity: 'O(1)',
    args: [key0, member], run: sismember,
  },
  {
    name: 'smismember', arity: -3, flags: ['readonly', 'fast'], acl: ['set'], keys: [1, 1, 1], keySpecs: spec1(['RO', 'access']),
    group: 'set', since: '6.2.0', summary: 'Tell, for each of several values, whether it is a member of a set',
    complexity: 'O(N) where N is the number of elements being checked for membership', args: [key0, members], run: smismember,
  },
  {
    name: 'scard', arity: 2, flags: ['readonly', 'fast'], acl: ['set'], keys: [1, 1, 1], keySpecs: spec1(['RO']),
    group: 'set', since: '1.0.0', summary: 'Count the members of a set', complexity: 'O(1)', args: [key0], run: scard,
  },
  {
    name: 'spop', arity: -2, flags: ['write', 'fast'], acl: ['set'], keys: [1, 1, 1], keySpecs: spec1(['RW', 'access', 'delete']),
    group: 'set', since: '1.0.0', summary: 'Remove and return random members of a set',
    complexity: 'Without the count argument O(1), otherwise O(N) where N is the value of the passed count.',
    tips: ['nondeterministic_output'], args: [key0, { name: 'count', type: 'integer', optional: true, since: '3.2.0' }], run: spop,
  },
  {
    name: 'srandmember', arity: -2, flags: ['readonly'], acl: ['set'], keys: [1, 1, 1], keySpecs: spec1(['RO', 'access']),
    group: 'set', since: '1.0.0', summary: 'Return random members of a set without removing them',
    complexity: 'Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.',
    tips: ['nondeterministic_output'], args: [key0, { name: 'count', type: 'integer', optional: true, since: '2.6.0' }], run: srandmember,
  },
  {
    name: 'smove', arity: 4, flags: ['write', 'fast'], acl: ['set'], keys: [1, 2, 1],
    keySpecs: [
      { flags: ['RW', 'access', 'delete'], begin_search: { index: 1 }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } },
      { flags: ['RW', 'insert'], begin_search: { index: 2 }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } },
    ],
    group: 'set', since: '1.0.0', summary: 'Move a member from one set to another', complexity: 'O(1)',
    args: [{ name: 'source', type: 'key', key_spec_index: 0 }, { name: 'destination', type: 'key', key_spec_index: 1 }, member],
    run: smove,
  },
  {
    name: 'sscan', arity: -3, flags: ['readonly'], acl: ['set'], keys: [1, 1, 1], keySpecs: spec1(['RO', 'access']),
    group: 'set', since: '2.8.0', summary: 'Iterate over the members of a set a few at a time',
    complexity: 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.',
    tips: ['nondeterministic_output'],
    args: [
      key0,
      { name: 'cursor', type: 'integer' },
      { name: 'pattern', type: 'pattern', token: 'MATCH', optional: true },
      { name: 'count', type: 'integer', token: 'COUNT', optional: true },
    ],
    run: sscan,
  },
] as const satisfies readonly CommandSpec[];

/** The set at key: undefined when missing, null after replying WRONGTYPE. */
export function getSet(ctx: CommandContext, key: string, write: boolean): RedisSet | null | undefined {
  const v = write ? ctx.db.lookupWrite(key) : ctx.db.lookupRead(key);
  if (v === undefined) return undefined;
  if (typeof v === 'string' || v.type !== 'set') {
    ctx.reply.error(ERR.wrongType);
    return null;
  }
  return v as RedisSet;
}

/** Reply members with a set header (RESP3 '~', RESP2 array). */
export function replyMembers(ctx: CommandContext, items: readonly string[]): void {
  const r = ctx.reply;
  r.setHeader(items.length);
  for (let i = 0; i < items.length; i++) r.bulk(items[i] as string);
}

/** After members left a set: delete the key when it became empty (firing 'del'), else signal. */
function afterRemoval(db: Database, key: string, set: RedisSet): void {
  if (set.size === 0) {
    db.delete(key);
    db.notify(NOTIFY.GENERIC, 'del', key);
  } else {
    db.signalModified(key);
  }
}

/** SADD key member [member ...] */
function sadd(ctx: CommandContext, argv: Argv): void {
  const key = argKey(ctx, argv, 1);
  const db = ctx.db;
  let set = getSet(ctx, key, true);
  if (set === null) return;
  const created = set === undefined;
  if (set === undefined) set = RedisSet.forMember(argv.str(2), ctx.ks.initialWord());
  const limits = ctx.ks.encoding;
  let added = 0;
  for (let i = 2; i < argv.argc; i++) if (set.add(argv.str(i), limits)) added++;
  if (created) db.add(key, set);
  if (added > 0) {
    if (!created) db.signalModified(key);
    db.notify(NOTIFY.SET, 'sadd', key);
  }
  ctx.dirty += added;
  ctx.reply.integer(added);
}

/** SREM key member [member ...] */
function srem(ctx: CommandContext, argv: Argv): void {
  const key = argKey(ctx, argv, 1);
  const set = getSet(ctx, key, true);
  if (set === null) return;
  if (set === undefined) {
    ctx.reply.integer(0);
    return;
  }
  const db = ctx.db;
  let deleted = 0;
  for (let i = 2; i < argv.argc; i++) {
    if (!set.remove(argv.str(i))) continue;
    deleted++;
    if (set.size === 0) break;
  }
  if (deleted > 0) {
    const removed = set.size === 0;
    if (removed) db.delete(key);
    else db.signalModified(key);
    db.notify(NOTIFY.SET, 'srem', key);
    if (removed) db.notify(NOTIFY.GENERIC, 'del', key);
    ctx.dirty += deleted;
  }
  ctx.reply.integer(deleted);
}

/** SMEMBERS key (Redis runs it as SINTER of one key: a set reply, empty when missing) */
function smembers(ctx: CommandContext, argv: Argv): void {
  const set = getSet(ctx, argKey(ctx, argv, 1), false);
  if (set === null) return;
  if (set === undefined) {
    ctx.reply.setHeader(0);
    return;
  }
  replyMembers(ctx, set.members());
}

/** SISMEMBER key member */
function sismember(ctx: CommandContext, argv: Argv): void {
  const set = getSet(ctx, argKey(ctx, argv, 1), false);
  if (set === null) return;
  ctx.reply.integer(set !== undefined && set.has(argv.str(2)) ? 1 : 0);
}

/** SMISMEMBER key member [member ...] */
function smismember(ctx: CommandContext, argv: Argv): void {
  const set = getSet(ctx, argKey(ctx, argv, 1), false);
  if (set === null) return;
  ctx.reply.arrayHeader(argv.argc - 2);
  for (let i = 2; i < argv.argc; i++) ctx.reply.integer(set !== undefined && set.has(argv.str(i)) ? 1 : 0);
}

/** SCARD key */
function scard(ctx: CommandContext, argv: Argv): void {
  const set = getSet(ctx, argKey(ctx, argv, 1), false);
  if (set === null) return;
  ctx.reply.integer(set === undefined ? 0 : set.size);
}

/** SPOP key [count] */
function spop(ctx: CommandContext, argv: Argv): void {
  if (argv.argc === 3) {
    spopWithCount(ctx, argv);
    return;
  }
  if (argv.argc > 3) {
    ctx.reply.error(ERR.syntax);
    return;
  }
  const key = argKey(ctx, argv, 1);
  const set = getSet(ctx, key, true);
  if (set === null) return;
  if (set === undefined) {
    ctx.reply.nullBulk();
    return;
  }
  const db = ctx.db;
  const m = set.removeAt(randomIndex(ctx, set.size));
  db.notify(NOTIFY.SET, 'spop', key);
  ctx.reply.bulk(m);
  afterRemoval(db, key, set);
  ctx.dirty++;
  // A random pop propagates as what it removed.
  ctx.rewriteArgv(['SREM', key, m]);
}

function spopWithCount(ctx: CommandContext, argv: Argv): void {
  const l = argv.int(2);
  if (l === null || l < 0) {
    ctx.reply.error(ERR.mustBePositive);
    return;
  }
  const key = argKey(ctx, argv, 1);
  const set = getSet(ctx, key, true);
  if (set === null) return;
  if (set === undefined || l === 0) {
    ctx.reply.setHeader(0);
    return;
  }
  const db = ctx.db;
  const size = set.size;
  db.notify(NOTIFY.SET, 'spop', key);
  if (l >= size) {
    ctx.dirty += size;
    // Redis answers through SUNION of the key (another read look-up), then deletes it.
    db.lookupRead(key);
    replyMembers(ctx, set.members());
    db.delete(key);
    db.notify(NOTIFY.GENERIC, 'del', key);
    ctx.rewriteArgv(['DEL', key]);
    return;
  }
  const count = Number(l);
  ctx.dirty += count;
  const r = ctx.reply;
  r.setHeader(count);
  // One SREM per member popped (wrapped in MULTI/EXEC with the others), as Redis 7.0.
  const dbIndex = ctx.client.dbIndex;
  for (let i = 0; i < count; i++) {
    const m = set.removeAt(randomIndex(ctx, set.size));
    r.bulk(m);
    ctx.alsoPropagate(dbIndex, ['SREM', key, m]);
  }
  ctx.preventPropagation();
  db.signalModified(key);
}

/** SRANDMEMBER key [count] */
function srandmember(ctx: CommandContext, argv: Argv): void {
  if (argv.argc === 3) {
    srandmemberWithCount(ctx, argv);
    return;
  }
  if (argv.argc > 3) {
    ctx.reply.error(ERR.syntax);
    return;
  }
  const set = getSet(ctx, argKey(ctx, argv, 1), false);
  if (set === null) return;
  if (set === undefined) ctx.reply.nullBulk();
  else ctx.reply.bulk(set.at(randomIndex(ctx, set.size)));
}

function srandmemberWithCount(ctx: CommandContext, argv: Argv): void {
  const l = parseRandomCount(ctx, argv, 2);
  if (l === null) return;
  const set = getSet(ctx, argKey(ctx, argv, 1), false);
  if (set === null) return;
  if (set === undefined || l === 0) {
    ctx.reply.emptyArray();
    return;
  }
  const r = ctx.reply;
  const size = set.size;
  if (l < 0 || l === 1) {
    const count = Number(typeof l === 'bigint' ? -l : Math.abs(l));
    if (count > MAX_REPEAT) {
      r.error(ERR.outOfRange);
      return;
    }
    r.arrayHeader(count);
    for (let i = 0; i < count; i++) r.bulk(set.at(randomIndex(ctx, size)));
    return;
  }
  if (l >= size) {
    const all = set.members();
    r.arrayHeader(all.length);
    for (let i = 0; i < all.length; i++) r.bulk(all[i] as string);
    return;
  }
  const picked = distinctSample(ctx, size, Number(l));
  r.arrayHeader(picked.length);
  for (const i of picked) r.bulk(set.at(i));
}

/** SMOVE source destination member */
function smove(ctx: CommandContext, argv: Argv): void {
  const srcKey = argKey(ctx, argv, 1);
  const dstKey = argv.str(2);
  const db = ctx.db;
  const srcV = db.lookupWrite(srcKey);
  const dstV = db.lookupWrite(dstKey);
  if (srcV === undefined) {
    ctx.reply.integer(0);
    return;
  }
  if (typeof srcV === 'string' || srcV.type !== 'set' || (dstV !== undefined && (typeof dstV === 'string' || dstV.type !== 'set'))) {
    ctx.reply.error(ERR.wrongType);
    return;
  }
  const src = srcV as RedisSet;
  const m = argv.str(3);
  if (src === dstV) {
    ctx.reply.integer(src.has(m) ? 1 : 0);
    return;
  }
  if (!src.remove(m)) {
    ctx.reply.integer(0);
    return;
  }
  db.notify(NOTIFY.SET, 'srem', srcKey);
  afterRemoval(db, srcKey, src);
  let dst = dstV as RedisSet | undefined;
  if (dst === undefined) {
    dst = RedisSet.forMember(m, ctx.ks.initialWord());
    db.add(dstKey, dst);
  }
  ctx.dirty++;
  if (dst.add(m, ctx.ks.encoding)) {
    ctx.dirty++;
    db.signalModified(dstKey);
    db.notify(NOTIFY.SET, 'sadd', dstKey);
  }
  ctx.reply.integer(1);
}

/** SSCAN key cursor [MATCH pattern] [COUNT count] */
function sscan(ctx: CommandContext, argv: Argv): void {
  const cursor = parseScanCursor(ctx, argv, 2);
  if (cursor === null) return;
  const set = getSet(ctx, argKey(ctx, argv, 1), false);
  if (set === null) return;
  if (set === undefined) {
    replyScan(ctx, 0, []);
    return;
  }
  const o = parseScanOptions(ctx, argv, 3, false);
  if (o === null) return;
  const found: string[] = [];
  const next = set.scan(cursor === CURSOR_PAST_END ? 0xffffffff : cursor, o.count, found);
  const pattern = o.pattern;
  replyScan(ctx, next, pattern === null ? found : found.filter((m) => globMatch(pattern, m)));
}
