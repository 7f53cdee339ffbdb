/**
 * Sorted-set commands, part 1: members and scores (ZADD ZINCRBY ZREM ZCARD ZSCORE ZMSCORE
 * ZRANK ZREVRANK), pops (ZPOPMIN ZPOPMAX ZMPOP, with `zpop`/`replyPopped` for the blocking
 * variants), ZRANDMEMBER and ZSCAN. Ranges are in zset-range.ts, set operations in
 * zset-setops.ts, shared parsing and reply shapes in zset-args.ts.
 */
import type { Argv } from '../protocol/argv.js';
import { formatDouble } from '../protocol/number-format.js';
import type { Database } from '../keyspace/database.js';
import { NOTIFY } from '../keyspace/notify.js';
import { globMatch } from '../util/glob.js';
import { RedisZset } from '../values/zset.js';
import { ERR } from './errors.js';
import { CURSOR_PAST_END, parseScanCursor, parseScanOptions } from './scan.js';
import type { CommandContext, CommandSpec } from './spec.js';
import { numkeysKeys, parseStrictDouble, scoredArrayHeader, scoredEntry, zsetForRead, zsetForWrite } from './zset-args.js';
import { argKey } from './key-arg.js';

const keyArg = { name: 'key', type: 'key', key_spec_index: 0 } as const;
const RO_ACCESS = [{ flags: ['RO', 'access'], begin_search: { index: 1 }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } }] as const;
const RW_ACCESS_DELETE = [{ flags: ['RW', 'access', 'delete'], begin_search: { index: 1 }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } }] as const;

export const zsetCommands = [
  {
    name: 'zadd', arity: -4, flags: ['write', 'denyoom', 'fast'], acl: ['sortedset'], keys: [1, 1, 1], group: 'sorted-set', since: '1.2.0',
    summary: 'Add members with scores to a sorted set, or change the scores of members already there',
    complexity: 'O(log(N)) per member added or updated, N being the size of the sorted set.',
    keySpecs: [{ flags: ['RW', 'update'], begin_search: { index: 1 }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } }],
    args: [
      keyArg,
      { name: 'condition', type: 'oneof', since: '3.0.2', optional: true, arguments: [{ name: 'nx', type: 'pure-token', token: 'NX' }, { name: 'xx', type: 'pure-token', token: 'XX' }] },
      { name: 'comparison', type: 'oneof', since: '6.2.0', optional: true, arguments: [{ name: 'gt', type: 'pure-token', token: 'GT' }, { name: 'lt', type: 'pure-token', token: 'LT' }] },
      { name: 'change', type: 'pure-token', token: 'CH', since: '3.0.2', optional: true },
      { name: 'increment', type: 'pure-token', token: 'INCR', since: '3.0.2', optional: true },
      { name: 'score_member', type: 'block', multiple: true, arguments: [{ name: 'score', type: 'double' }, { name: 'member', type: 'string' }] },
    ],
    run: zadd,
  },
  {
    name: 'zincrby', arity: 4, flags: ['write', 'denyoom', 'fast'], acl: ['sortedset'], keys: [1, 1, 1], group: 'sorted-set', since: '1.2.0',
    summary: 'Add an increment to the score of a sorted-set member', complexity: 'O(log(N)), N being the size of the sorted set.',
    keySpecs: [{ flags: ['RW', 'access', 'update'], begin_search: { index: 1 }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } }],
    args: [keyArg, { name: 'increment', type: 'integer' }, { name: 'member', type: 'string' }],
    run: zincrby,
  },
  {
    name: 'zrem', arity: -3, flags: ['write', 'fast'], acl: ['sortedset'], keys: [1, 1, 1], group: 'sorted-set', since: '1.2.0',
    summary: 'Remove members from a sorted set', complexity: 'O(M*log(N)) for M members removed from a sorted set of size N.',
    keySpecs: [{ flags: ['RW', 'delete'], begin_search: { index: 1 }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } }],
    args: [keyArg, { name: 'member', type: 'string', multiple: true }],
    run: zrem,
  },
  {
    name: 'zcard', arity: 2, flags: ['readonly', 'fast'], acl: ['sortedset'], keys: [1, 1, 1], group: 'sorted-set', since: '1.2.0',
    summary: 'Count the members of a sorted set', complexity: 'O(1)',
    keySpecs: [{ flags: ['RO'], begin_search: { index: 1 }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } }],
    args: [keyArg],
    run: zcard,
  },
  {
    name: 'zscore', arity: 3, flags: ['readonly', 'fast'], acl: ['sortedset'], keys: [1, 1, 1], group: 'sorted-set', since: '1.2.0',
    summary: 'Return the score of a sorted-set member', complexity: 'O(1)',
    keySpecs: RO_ACCESS,
    args: [keyArg, { name: 'member', type: 'string' }],
    run: zscore,
  },
  {
    name: 'zmscore', arity: -3, flags: ['readonly', 'fast'], acl: ['sortedset'], keys: [1, 1, 1], group: 'sorted-set', since: '6.2.0',
    summary: 'Return the scores of several sorted-set members', complexity: 'O(N) for N members asked for.',
    keySpecs: RO_ACCESS,
    args: [keyArg, { name: 'member', type: 'string', multiple: true }],
    run: zmscore,
  },
  {
    name: 'zrank', arity: 3, flags: ['readonly', 'fast'], acl: ['sortedset'], keys: [1, 1, 1], group: 'sorted-set', since: '2.0.0',
    summary: 'Return the position of a member in a sorted set, lowest score first', complexity: 'O(log(N))',
    keySpecs: RO_ACCESS,
    args: [keyArg, { name: 'member', type: 'string' }],
    run: (ctx, argv) => zrankGeneric(ctx, argv, false),
  },
  {
    name: 'zrevrank', arity: 3, flags: ['readonly', 'fast'], acl: ['sortedset'], keys: [1, 1, 1], group: 'sorted-set', since: '2.0.0',
    summary: 'Return the position of a member in a sorted set, highest score first', complexity: 'O(log(N))',
    keySpecs: RO_ACCESS,
    args: [keyArg, { name: 'member', type: 'string' }],
    run: (ctx, argv) => zrankGeneric(ctx, argv, true),
  },
  {
    name: 'zpopmin', arity: -2, flags: ['write', 'fast'], acl: ['sortedset'], keys: [1, 1, 1], group: 'sorted-set', since: '5.0.0',
    summary: 'Remove and return the members with the lowest scores', complexity: 'O(M*log(N)) for M members popped from a sorted set of size N.',
    keySpecs: RW_ACCESS_DELETE,
    args: [keyArg, { name: 'count', type: 'integer', optional: true }],
    run: (ctx, argv) => zpopCommand(ctx, argv, false),
  },
  {
    name: 'zpopmax', arity: -2, flags: ['write', 'fast'], acl: ['sortedset'], keys: [1, 1, 1], group: 'sorted-set', since: '5.0.0',
    summary: 'Remove and return the members with the highest scores', complexity: 'O(M*log(N)) for M members popped from a sorted set of size N.',
    keySpecs: RW_ACCESS_DELETE,
    args: [keyArg, { name: 'count', type: 'integer', optional: true }],
    run: (ctx, argv) => zpopCommand(ctx, argv, true),
  },
  {
    name: 'zmpop', arity: -4, flags: ['write', 'movablekeys'], acl: ['sortedset'], keys: [0, 0, 0], group: 'sorted-set', since: '7.0.0',
    summary: 'Remove and return members with the lowest or highest scores from the first non-empty sorted set of several',
    complexity: 'O(K) + O(M*log(N)) for K keys and M members popped from a sorted set of size N.',
    keySpecs: [{ flags: ['RW', 'access', 'delete'], begin_search: { index: 1 }, find_keys: { keynumidx: 0, firstkey: 1, keystep: 1 } }],
    args: [
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', key_spec_index: 0, multiple: true },
      { name: 'where', type: 'oneof', arguments: [{ name: 'min', type: 'pure-token', token: 'MIN' }, { name: 'max', type: 'pure-token', token: 'MAX' }] },
      { name: 'count', type: 'integer', token: 'COUNT', optional: true },
    ],
    getKeys: (argv) => numkeysKeys(argv, 1),
    run: zmpop,
  },
  {
    name: 'zrandmember', arity: -2, flags: ['readonly'], acl: ['sortedset'], keys: [1, 1, 1], group: 'sorted-set', since: '6.2.0',
    summary: 'Return random members of a sorted set', complexity: 'O(N) for N members returned.',
    tips: ['nondeterministic_output'],
    keySpecs: RO_ACCESS,
    args: [
      keyArg,
      { name: 'options', type: 'block', optional: true, arguments: [{ name: 'count', type: 'integer' }, { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', optional: true }] },
    ],
    run: zrandmember,
  },
  {
    name: 'zscan', arity: -3, flags: ['readonly'], acl: ['sortedset'], keys: [1, 1, 1], group: 'sorted-set', since: '2.8.0',
    summary: 'Iterate over the members and scores of a sorted set a few at a time',
    complexity: 'O(1) per call; O(N) for a whole iteration over N members.',
    tips: ['nondeterministic_output'],
    keySpecs: RO_ACCESS,
    args: [
      keyArg,
      { name: 'cursor', type: 'integer' },
      { name: 'pattern', type: 'pattern', token: 'MATCH', optional: true },
      { name: 'count', type: 'integer', token: 'COUNT', optional: true },
    ],
    run: zscan,
  },
] as const satisfies readonly CommandSpec[];

// ---- ZADD / ZINCRBY --------------------------------------------------------------------

const ZADD_NX = 1;
const ZADD_XX = 2;
const ZADD_GT = 4;
const ZADD_LT = 8;
const ZADD_CH = 16;
const ZADD_INCR = 32;

/** ZADD key [NX | XX] [GT | LT] [CH] [INCR] score member [score member ...] */
export function zadd(ctx: CommandContext, argv: Argv): void {
  zaddGeneric(ctx, argv, 0);
}

/** ZINCRBY key increment member */
function zincrby(ctx: CommandContext, argv: Argv): void {
  zaddGeneric(ctx, argv, ZADD_INCR);
}

function zaddGeneric(ctx: CommandContext, argv: Argv, baseFlags: number): void {
  let flags = baseFlags;
  let j = 2;
  for (; j < argv.argc; j++) {
    if (argv.is(j, 'NX')) flags |= ZADD_NX;
    else if (argv.is(j, 'XX')) flags |= ZADD_XX;
    else if (argv.is(j, 'CH')) flags |= ZADD_CH;
    else if (argv.is(j, 'INCR')) flags |= ZADD_INCR;
    else if (argv.is(j, 'GT')) flags |= ZADD_GT;
    else if (argv.is(j, 'LT')) flags |= ZADD_LT;
    else break;
  }
  const scoreIdx = j;
  const pairs = argv.argc - scoreIdx;
  if (pairs % 2 !== 0 || pairs === 0) {
    ctx.reply.error(ERR.syntax);
    return;
  }
  const elements = pairs / 2;
  const nx = (flags & ZADD_NX) !== 0;
  const xx = (flags & ZADD_XX) !== 0;
  const gt = (flags & ZADD_GT) !== 0;
  const lt = (flags & ZADD_LT) !== 0;
  const incr = (flags & ZADD_INCR) !== 0;
  if (nx && xx) {
    ctx.reply.error(ERR.zaddXxNx);
    return;
  }
  if ((gt && nx) || (lt && nx) || (gt && lt)) {
    ctx.reply.error(ERR.zaddGtLtNx);
    return;
  }
  if (incr && elements > 1) {
    ctx.reply.error(ERR.zaddIncrPair);
    return;
  }
  // Every score is parsed before anything changes: one bad score adds nothing.
  const scores: number[] = new Array<number>(elements);
  for (let i = 0; i < elements; i++) {
    const s = parseStrictDouble(argv.str(scoreIdx + i * 2));
    if (s === null) {
      ctx.reply.error(ERR.notFloat);
      return;
    }
    scores[i] = s;
  }
  const key = argKey(ctx, argv, 1);
  const db = ctx.db;
  let z = zsetForWrite(ctx, key);
  if (z === null) return;
  let added = 0;
  let updated = 0;
  let processed = 0;
  let result = 0;
  if (z === undefined) {
    if (xx) {
      replyZadd(ctx, incr, 0, 0, ch(flags), null);
      return;
    }
    z = new RedisZset(ctx.ks.initialWord());
    db.add(key, z);
  }
  const limits = ctx.ks.encoding;
  for (let i = 0; i < elements; i++) {
    const member = argv.str(scoreIdx + i * 2 + 1);
    let score = scores[i] as number;
    const cur = z.score(member);
    if (cur !== undefined) {
      if (nx) continue;
      if (incr) {
        score += cur;
        if (Number.isNaN(score)) {
          ctx.reply.error(ERR.zsetNaN);
          finishZadd(ctx, key, incr, added, updated);
          return;
        }
      }
      if ((lt && score >= cur) || (gt && score <= cur)) continue;
      if (score !== cur) {
        z.update(member, score);
        updated++;
      }
      processed++;
      result = score;
    } else if (!xx) {
      z.insert(member, score, limits);
      added++;
      processed++;
      result = score;
    }
  }
  finishZadd(ctx, key, incr, added, updated);
  replyZadd(ctx, incr, added, updated, ch(flags), processed === 0 ? null : result);
}

function ch(flags: number): boolean {
  return (flags & ZADD_CH) !== 0;
}

function finishZadd(ctx: CommandContext, key: string, incr: boolean, added: number, updated: number): void {
  if (added + updated === 0) return;
  ctx.db.signalModified(key);
  ctx.db.notify(NOTIFY.ZSET, incr ? 'zincr' : 'zadd', key);
  ctx.dirty += added + updated;
}

function replyZadd(ctx: CommandContext, incr: boolean, added: number, updated: number, chFlag: boolean, result: number | null): void {
  if (incr) {
    if (result === null) ctx.reply.nullBulk();
    else ctx.reply.double(result);
  } else {
    ctx.reply.integer(chFlag ? added + updated : added);
  }
}

// ---- ZREM and point reads --------------------------------------------------------------------

/** ZREM key member [member ...] */
function zrem(ctx: CommandContext, argv: Argv): void {
  const key = argKey(ctx, argv, 1);
  const z = zsetForWrite(ctx, key);
  if (z === null) return;
  if (z === undefined) {
    ctx.reply.integer(0);
    return;
  }
  let deleted = 0;
  for (let i = 2; i < argv.argc; i++) {
    if (z.delete(argv.str(i))) deleted++;
    if (z.length === 0) break;
  }
  if (deleted > 0) {
    ctx.db.notify(NOTIFY.ZSET, 'zrem', key);
    afterRemoval(ctx.db, key, z);
    ctx.dirty += deleted;
  }
  ctx.reply.integer(deleted);
}

/** After members left a zset: delete the key when it is empty ('del' event), signal it. */
export function afterRemoval(db: Database, key: string, z: RedisZset): void {
  if (z.length === 0) {
    db.delete(key);
    db.notify(NOTIFY.GENERIC, 'del', key);
  } else {
    db.signalModified(key);
  }
}

/** ZCARD key */
function zcard(ctx: CommandContext, argv: Argv): void {
  const z = zsetForRead(ctx, argKey(ctx, argv, 1));
  if (z === null) return;
  ctx.reply.integer(z === undefined ? 0 : z.length);
}

/** ZSCORE key member */
function zscore(ctx: CommandContext, argv: Argv): void {
  const z = zsetForRead(ctx, argKey(ctx, argv, 1));
  if (z === null) return;
  const s = z === undefined ? undefined : z.score(argv.str(2));
  if (s === undefined) ctx.reply.nullBulk();
  else ctx.reply.double(s);
}

/** ZMSCORE key member [member ...] */
function zmscore(ctx: CommandContext, argv: Argv): void {
  const z = zsetForRead(ctx, argKey(ctx, argv, 1));
  if (z === null) return;
  ctx.reply.arrayHeader(argv.argc - 2);
  for (let i = 2; i < argv.argc; i++) {
    const s = z === undefined ? undefined : z.score(argv.str(i));
    if (s === undefined) ctx.reply.nullBulk();
    else ctx.reply.double(s);
  }
}

/** ZRANK key member / ZREVRANK key member */
function zrankGeneric(ctx: CommandContext, argv: Argv, reverse: boolean): void {
  const z = zsetForRead(ctx, argKey(ctx, argv, 1));
  if (z === null) return;
  const r = z === undefined ? -1 : z.rank(argv.str(2));
  if (r < 0) ctx.reply.nullBulk();
  else ctx.reply.integer(reverse ? (z as RedisZset).length - 1 - r : r);
}

// ---- pops ----------------------------------------------------------------------------------

export interface Popped {
  members: string[];
  scores: number[];
}

/**
 * Pop up to `count` members with the lowest (or, with `max`, highest) scores from the zset at
 * key, firing 'zpopmin'/'zpopmax' (and 'del' when it empties), signalling the key and counting
 * dirty. The caller has checked that the key holds a non-empty zset. Shared with BZPOPMIN,
 * BZPOPMAX and BZMPOP, which call it when they are served.
 */
export function zpop(ctx: CommandContext, db: Database, key: string, z: RedisZset, max: boolean, count: number): Popped {
  const n = Math.min(count, z.length);
  const members: string[] = new Array<string>(n);
  const scores: number[] = new Array<number>(n);
  const len = z.length;
  const it = z.iter(max ? len - 1 : 0);
  for (let i = 0; i < n; i++) {
    members[i] = it.member;
    scores[i] = it.score;
    if (max) it.prev();
    else it.next();
  }
  if (max) z.deleteRange(len - n, len - 1);
  else z.deleteRange(0, n - 1);
  db.notify(NOTIFY.ZSET, max ? 'zpopmax' : 'zpopmin', key);
  afterRemoval(db, key, z);
  ctx.dirty += n;
  return { members, scores };
}

/**
 * Reply popped members: nested [member, score] pairs when `nested` (ZMPOP, and ZPOPMIN with a
 * COUNT in RESP3), else a flat member/score array.
 */
export function replyPopped(ctx: CommandContext, p: Popped, nested: boolean): void {
  const r = ctx.reply;
  const n = p.members.length;
  r.arrayHeader(nested ? n : n * 2);
  for (let i = 0; i < n; i++) {
    if (nested) r.arrayHeader(2);
    r.bulk(p.members[i] as string);
    r.double(p.scores[i] as number);
  }
}

/** ZMPOP / BZMPOP's reply: [key, [[member, score], ...]]. */
export function replyMpop(ctx: CommandContext, key: string, p: Popped): void {
  ctx.reply.arrayHeader(2);
  ctx.reply.bulk(key);
  replyPopped(ctx, p, true);
}

/** ZPOPMIN key [count] / ZPOPMAX key [count] */
function zpopCommand(ctx: CommandContext, argv: Argv, max: boolean): void {
  if (argv.argc > 3) {
    ctx.reply.error(ERR.syntax);
    return;
  }
  let count = -1;
  if (argv.argc === 3) {
    const c = argv.int(2);
    if (c === null || c < 0) {
      ctx.reply.error(ERR.mustBePositive);
      return;
    }
    count = typeof c === 'bigint' ? Number.MAX_SAFE_INTEGER : c;
  }
  const key = argKey(ctx, argv, 1);
  const z = zsetForWrite(ctx, key);
  if (z === null) return;
  if (z === undefined || count === 0) {
    ctx.reply.emptyArray();
    return;
  }
  const p = zpop(ctx, ctx.db, key, z, max, count < 0 ? 1 : count);
  replyPopped(ctx, p, ctx.reply.resp === 3 && count >= 0);
}

export interface MpopArgs {
  keys: string[];
  max: boolean;
  count: number;
}

/**
 * numkeys key [key ...] MIN|MAX [COUNT count] from argv[from]: ZMPOP's arguments, shared with
 * BZMPOP. Returns null after replying the error.
 */
export function parseZmpop(ctx: CommandContext, argv: Argv, from: number): MpopArgs | null {
  const nk = argv.int(from);
  if (nk === null || nk < 1) {
    ctx.reply.error(ERR.numkeysPositive);
    return null;
  }
  const whereIdx = typeof nk === 'bigint' ? argv.argc : from + nk + 1;
  if (whereIdx >= argv.argc) {
    ctx.reply.error(ERR.syntax);
    return null;
  }
  let max: boolean;
  if (argv.is(whereIdx, 'MIN')) max = false;
  else if (argv.is(whereIdx, 'MAX')) max = true;
  else {
    ctx.reply.error(ERR.syntax);
    return null;
  }
  let count = -1;
  for (let j = whereIdx + 1; j < argv.argc; j++) {
    if (count === -1 && argv.is(j, 'COUNT') && j + 1 < argv.argc) {
      const c = argv.int(++j);
      if (c === null || c < 1) {
        ctx.reply.error(ERR.countPositive);
        return null;
      }
      count = typeof c === 'bigint' ? Number.MAX_SAFE_INTEGER : c;
    } else {
      ctx.reply.error(ERR.syntax);
      return null;
    }
  }
  const keys: string[] = [];
  for (let i = from + 1; i < whereIdx; i++) keys.push(argv.str(i));
  return { keys, max, count: count === -1 ? 1 : count };
}

/** ZMPOP numkeys key [key ...] MIN|MAX [COUNT count] */
function zmpop(ctx: CommandContext, argv: Argv): void {
  const a = parseZmpop(ctx, argv, 1);
  if (a === null) return;
  for (const key of a.keys) {
    const z = zsetForWrite(ctx, key);
    if (z === null) return;
    if (z === undefined) continue;
    const p = zpop(ctx, ctx.db, key, z, a.max, a.count);
    replyMpop(ctx, key, p);
    // Propagated as the pop it did, with the count popped.
    ctx.rewriteArgv([a.max ? 'ZPOPMAX' : 'ZPOPMIN', key, String(p.members.length)]);
    return;
  }
  ctx.reply.nullArray();
}

// ---- ZRANDMEMBER ---------------------------------------------------------------------------

const LONG_MAX = 2n ** 63n - 1n;
const HALF_LONG_MAX = LONG_MAX / 2n;

/** ZRANDMEMBER key [count [WITHSCORES]] */
function zrandmember(ctx: CommandContext, argv: Argv): void {
  if (argv.argc === 2) {
    const z = zsetForRead(ctx, argKey(ctx, argv, 1));
    if (z === null) return;
    if (z === undefined) ctx.reply.nullBulk();
    else ctx.reply.bulk(z.iter(Math.floor(ctx.ks.random() * z.length)).member);
    return;
  }
  const c = argv.int(2);
  if (c === null) {
    ctx.reply.error(ERR.notInteger);
    return;
  }
  if (BigInt(c) < -LONG_MAX) {
    ctx.reply.error(ERR.outOfRangeLong);
    return;
  }
  let withScores = false;
  if (argv.argc === 4 && argv.is(3, 'WITHSCORES')) {
    withScores = true;
  } else if (argv.argc >= 4) {
    ctx.reply.error(ERR.syntax);
    return;
  }
  // Redis refuses counts whose member+score reply length would overflow a long.
  if (withScores && (BigInt(c) < -HALF_LONG_MAX || BigInt(c) > HALF_LONG_MAX)) {
    ctx.reply.error(ERR.outOfRange);
    return;
  }
  const z = zsetForRead(ctx, argKey(ctx, argv, 1));
  if (z === null) return;
  if (z === undefined || c === 0 || c === 0n) {
    ctx.reply.emptyArray();
    return;
  }
  const size = z.length;
  const random = ctx.ks.random;
  if (c < 0) {
    // Repetitions allowed: -count independent picks.
    const n = typeof c === 'bigint' ? Number.MAX_SAFE_INTEGER : -c;
    scoredArrayHeader(ctx, n, withScores);
    for (let i = 0; i < n; i++) {
      const it = z.iter(Math.floor(random() * size));
      scoredEntry(ctx, it.member, it.score, withScores);
    }
    return;
  }
  const count = typeof c === 'bigint' ? Number.MAX_SAFE_INTEGER : c;
  if (count >= size) {
    scoredArrayHeader(ctx, size, withScores);
    z.forEach((m, s) => scoredEntry(ctx, m, s, withScores));
    return;
  }
  scoredArrayHeader(ctx, count, withScores);
  if (count * 3 > size || z.isListpack) {
    // Selection sampling (Knuth's algorithm S): one ordered pass, every subset equally likely.
    let needed = count;
    let left = size;
    const it = z.iter(0);
    for (; needed > 0; left--, it.next()) {
      if (random() * left < needed) {
        scoredEntry(ctx, it.member, it.score, withScores);
        needed--;
      }
    }
    return;
  }
  // Few out of many: distinct random ranks, each O(log n).
  const picked = new Set<number>();
  while (picked.size < count) {
    const r = Math.floor(random() * size);
    if (picked.has(r)) continue;
    picked.add(r);
    const it = z.iter(r);
    scoredEntry(ctx, it.member, it.score, withScores);
  }
}

// ---- ZSCAN ---------------------------------------------------------------------------------

/** ZSCAN key cursor [MATCH pattern] [COUNT count] */
function zscan(ctx: CommandContext, argv: Argv): void {
  const cursor = parseScanCursor(ctx, argv, 2);
  if (cursor === null) return;
  const z = zsetForRead(ctx, argKey(ctx, argv, 1));
  if (z === null) return;
  if (z === undefined) {
    ctx.reply.arrayHeader(2);
    ctx.reply.bulk('0');
    ctx.reply.emptyArray();
    return;
  }
  const o = parseScanOptions(ctx, argv, 3, false);
  if (o === null) return;
  const out: string[] = [];
  const pattern = o.pattern;
  const visit = (m: string, s: number): void => {
    if (pattern !== null && !globMatch(pattern, m)) return;
    out.push(m, formatDouble(s));
  };
  const next = cursor === CURSOR_PAST_END && !z.isListpack ? 0 : z.scan(cursor === CURSOR_PAST_END ? 0 : cursor, o.count, visit);
  ctx.reply.arrayHeader(2);
  ctx.reply.bulk(String(next));
  ctx.reply.bulkArray(out);
}
