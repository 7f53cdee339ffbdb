/**
 * Sorted-set commands, part 2: ranges by rank, score and lex — ZRANGE (with BYSCORE, BYLEX,
 * REV, LIMIT, WITHSCORES), ZRANGESTORE, the older ZREVRANGE / Z[REV]RANGEBYSCORE /
 * Z[REV]RANGEBYLEX forms, ZCOUNT, ZLEXCOUNT and ZREMRANGEBY{SCORE,RANK,LEX}.
 *
 * All of them go through ranks: a score or lex range becomes [first, last) ranks with two
 * O(log n) searches, and LIMIT's offset is rank arithmetic rather than a walk.
 */
import type { Argv } from '../protocol/argv.js';
import { NOTIFY } from '../keyspace/notify.js';
import { RedisZset } from '../values/zset.js';
import { ERR } from './errors.js';
import type { CommandContext, CommandSpec } from './spec.js';
import { afterRemoval } from './zset.js';
import { argKey } from './key-arg.js';
import {
  lexRangeRanks,
  parseLexRange,
  parseScoreRange,
  scoredArrayHeader,
  scoredEntry,
  scoreRangeRanks,
  toIndex,
  zsetForRead,
  zsetForWrite,
} from './zset-args.js';

const keyArg = { name: 'key', type: 'key', key_spec_index: 0 } as const;
const RO_ACCESS = [{ flags: ['RO', 'access'], begin_search: { index: 1 }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } }] as const;
const RW_DELETE = [{ flags: ['RW', 'delete'], begin_search: { index: 1 }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } }] as const;
const limitArg = { name: 'offset_count', type: 'block', token: 'LIMIT', optional: true, arguments: [{ name: 'offset', type: 'integer' }, { name: 'count', type: 'integer' }] } as const;
const withscoresArg = { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', optional: true } as const;
const sortbyArg = { name: 'sortby', type: 'oneof', optional: true, arguments: [{ name: 'byscore', type: 'pure-token', token: 'BYSCORE' }, { name: 'bylex', type: 'pure-token', token: 'BYLEX' }] } as const;

const BY_AUTO = 0;
const BY_RANK = 1;
const BY_SCORE = 2;
const BY_LEX = 3;
const DIR_AUTO = 0;
const DIR_FORWARD = 1;
const DIR_REVERSE = 2;

export const zsetRangeCommands = [
  {
    name: 'zrange', arity: -4, flags: ['readonly'], acl: ['sortedset'], keys: [1, 1, 1], group: 'sorted-set', since: '1.2.0',
    summary: 'Return a range of sorted-set members by rank, score or lex order',
    complexity: 'O(log(N)+M) for M members returned from a sorted set of size N.',
    keySpecs: RO_ACCESS,
    args: [
      keyArg,
      { name: 'start', type: 'string' },
      { name: 'stop', type: 'string' },
      { ...sortbyArg, since: '6.2.0' },
      { name: 'rev', type: 'pure-token', token: 'REV', since: '6.2.0', optional: true },
      { ...limitArg, since: '6.2.0' },
      withscoresArg,
    ],
    run: (ctx, argv) => zrangeGeneric(ctx, argv, 1, false, BY_AUTO, DIR_AUTO),
  },
  {
    name: 'zrangestore', arity: -5, flags: ['write', 'denyoom'], acl: ['sortedset'], keys: [1, 2, 1], group: 'sorted-set', since: '6.2.0',
    summary: 'Store a range of a sorted set (by rank, score or lex order) in another key',
    complexity: 'O(log(N)+M) for M members stored from a sorted set of size N.',
    keySpecs: [
      { flags: ['OW', 'update'], begin_search: { index: 1 }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } },
      { flags: ['RO', 'access'], begin_search: { index: 2 }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } },
    ],
    args: [
      { name: 'dst', type: 'key', key_spec_index: 0 },
      { name: 'src', type: 'key', key_spec_index: 1 },
      { name: 'min', type: 'string' },
      { name: 'max', type: 'string' },
      sortbyArg,
      { name: 'rev', type: 'pure-token', token: 'REV', optional: true },
      limitArg,
    ],
    run: (ctx, argv) => zrangeGeneric(ctx, argv, 2, true, BY_AUTO, DIR_AUTO),
  },
  {
    name: 'zrevrange', arity: -4, flags: ['readonly'], acl: ['sortedset'], keys: [1, 1, 1], group: 'sorted-set', since: '1.2.0',
    summary: 'Return a range of sorted-set members by rank, highest score first',
    complexity: 'O(log(N)+M) for M members returned from a sorted set of size N.',
    docFlags: ['deprecated'],
    keySpecs: RO_ACCESS,
    args: [keyArg, { name: 'start', type: 'integer' }, { name: 'stop', type: 'integer' }, withscoresArg],
    run: (ctx, argv) => zrangeGeneric(ctx, argv, 1, false, BY_RANK, DIR_REVERSE),
  },
  {
    name: 'zrangebyscore', arity: -4, flags: ['readonly'], acl: ['sortedset'], keys: [1, 1, 1], group: 'sorted-set', since: '1.0.5',
    summary: 'Return the sorted-set members whose scores fall in a range, lowest first',
    complexity: 'O(log(N)+M) for M members returned from a sorted set of size N.',
    docFlags: ['deprecated'],
    keySpecs: RO_ACCESS,
    args: [keyArg, { name: 'min', type: 'double' }, { name: 'max', type: 'double' }, { ...withscoresArg, since: '2.0.0' }, limitArg],
    run: (ctx, argv) => zrangeGeneric(ctx, argv, 1, false, BY_SCORE, DIR_FORWARD),
  },
  {
    name: 'zrevrangebyscore', arity: -4, flags: ['readonly'], acl: ['sortedset'], keys: [1, 1, 1], group: 'sorted-set', since: '2.2.0',
    summary: 'Return the sorted-set members whose scores fall in a range, highest first',
    complexity: 'O(log(N)+M) for M members returned from a sorted set of size N.',
    docFlags: ['deprecated'],
    keySpecs: RO_ACCESS,
    args: [keyArg, { name: 'max', type: 'double' }, { name: 'min', type: 'double' }, withscoresArg, limitArg],
    run: (ctx, argv) => zrangeGeneric(ctx, argv, 1, false, BY_SCORE, DIR_REVERSE),
  },
  {
    name: 'zrangebylex', arity: -4, flags: ['readonly'], acl: ['sortedset'], keys: [1, 1, 1], group: 'sorted-set', since: '2.8.9',
    summary: 'Return the members of an equal-score sorted set between two strings, in byte order',
    complexity: 'O(log(N)+M) for M members returned from a sorted set of size N.',
    docFlags: ['deprecated'],
    keySpecs: RO_ACCESS,
    args: [keyArg, { name: 'min', type: 'string' }, { name: 'max', type: 'string' }, limitArg],
    run: (ctx, argv) => zrangeGeneric(ctx, argv, 1, false, BY_LEX, DIR_FORWARD),
  },
  {
    name: 'zrevrangebylex', arity: -4, flags: ['readonly'], acl: ['sortedset'], keys: [1, 1, 1], group: 'sorted-set', since: '2.8.9',
    summary: 'Return the members of an equal-score sorted set between two strings, in reverse byte order',
    complexity: 'O(log(N)+M) for M members returned from a sorted set of size N.',
    docFlags: ['deprecated'],
    keySpecs: RO_ACCESS,
    args: [keyArg, { name: 'max', type: 'string' }, { name: 'min', type: 'string' }, limitArg],
    run: (ctx, argv) => zrangeGeneric(ctx, argv, 1, false, BY_LEX, DIR_REVERSE),
  },
  {
    name: 'zcount', arity: 4, flags: ['readonly', 'fast'], acl: ['sortedset'], keys: [1, 1, 1], group: 'sorted-set', since: '2.0.0',
    summary: 'Count the sorted-set members whose scores fall in a range', complexity: 'O(log(N)) for a sorted set of size N.',
    keySpecs: RO_ACCESS,
    args: [keyArg, { name: 'min', type: 'double' }, { name: 'max', type: 'double' }],
    run: zcount,
  },
  {
    name: 'zlexcount', arity: 4, flags: ['readonly', 'fast'], acl: ['sortedset'], keys: [1, 1, 1], group: 'sorted-set', since: '2.8.9',
    summary: 'Count the members of an equal-score sorted set between two strings', complexity: 'O(log(N)) for a sorted set of size N.',
    keySpecs: RO_ACCESS,
    args: [keyArg, { name: 'min', type: 'string' }, { name: 'max', type: 'string' }],
    run: zlexcount,
  },
  {
    name: 'zremrangebyscore', arity: 4, flags: ['write'], acl: ['sortedset'], keys: [1, 1, 1], group: 'sorted-set', since: '1.2.0',
    summary: 'Remove the sorted-set members whose scores fall in a range',
    complexity: 'O(log(N)+M) for M members removed from a sorted set of size N.',
    keySpecs: RW_DELETE,
    args: [keyArg, { name: 'min', type: 'double' }, { name: 'max', type: 'double' }],
    run: (ctx, argv) => zremrange(ctx, argv, BY_SCORE),
  },
  {
    name: 'zremrangebyrank', arity: 4, flags: ['write'], acl: ['sortedset'], keys: [1, 1, 1], group: 'sorted-set', since: '2.0.0',
    summary: 'Remove the sorted-set members within a range of ranks',
    complexity: 'O(log(N)+M) for M members removed from a sorted set of size N.',
    keySpecs: RW_DELETE,
    args: [keyArg, { name: 'start', type: 'integer' }, { name: 'stop', type: 'integer' }],
    run: (ctx, argv) => zremrange(ctx, argv, BY_RANK),
  },
  {
    name: 'zremrangebylex', arity: 4, flags: ['write'], acl: ['sortedset'], keys: [1, 1, 1], group: 'sorted-set', since: '2.8.9',
    summary: 'Remove the members of an equal-score sorted set between two strings',
    complexity: 'O(log(N)+M) for M members removed from a sorted set of size N.',
    keySpecs: RW_DELETE,
    args: [keyArg, { name: 'min', type: 'string' }, { name: 'max', type: 'string' }],
    run: (ctx, argv) => zremrange(ctx, argv, BY_LEX),
  },
] as const satisfies readonly CommandSpec[];

/** Ranks [first, last] (inclusive) of a rank range after Redis's index sanitizing; null when empty. */
function rankBounds(len: number, startArg: number | bigint, endArg: number | bigint): [number, number] | null {
  let start = toIndex(startArg);
  let end = toIndex(endArg);
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (start > end || start >= len) return null;
  if (end >= len) end = len - 1;
  return [start, end];
}

/**
 * Every ZRANGE form. `argStart` is the index of the source key (2 for ZRANGESTORE, which has
 * the destination first); `by`/`dir` are fixed by the older commands and AUTO for ZRANGE,
 * whose options then choose them. Parsing, then range parsing, then the key look-up: that is
 * Redis's order, and so the order in which errors are reported.
 */
function zrangeGeneric(ctx: CommandContext, argv: Argv, argStart: number, store: boolean, byFixed: number, dirFixed: number): void {
  let by = byFixed;
  let dir = dirFixed;
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = argStart + 3; j < argv.argc; j++) {
    const left = argv.argc - j - 1;
    if (!store && argv.is(j, 'WITHSCORES')) {
      withScores = true;
    } else if (argv.is(j, 'LIMIT') && left >= 2) {
      const o = argv.int(j + 1);
      const l = o === null ? null : argv.int(j + 2);
      if (o === null || l === null) {
        ctx.reply.error(ERR.notInteger);
        return;
      }
      offset = toIndex(o);
      limit = toIndex(l);
      j += 2;
    } else if (dir === DIR_AUTO && argv.is(j, 'REV')) {
      dir = DIR_REVERSE;
    } else if (by === BY_AUTO && argv.is(j, 'BYLEX')) {
      by = BY_LEX;
    } else if (by === BY_AUTO && argv.is(j, 'BYSCORE')) {
      by = BY_SCORE;
    } else {
      ctx.reply.error(ERR.syntax);
      return;
    }
  }
  if (dir === DIR_AUTO) dir = DIR_FORWARD;
  if (by === BY_AUTO) by = BY_RANK;
  if (limit !== -1 && by === BY_RANK) {
    ctx.reply.error(ERR.zrangeLimitNeedsBy);
    return;
  }
  if (withScores && by === BY_LEX) {
    ctx.reply.error(ERR.zrangeBylexWithscores);
    return;
  }
  const reverse = dir === DIR_REVERSE;
  // Score and lex ranges are written max first when reversed.
  let minIdx = argStart + 1;
  let maxIdx = argStart + 2;
  if (reverse && by !== BY_RANK) {
    minIdx = argStart + 2;
    maxIdx = argStart + 1;
  }
  let rankStart: number | bigint = 0;
  let rankEnd: number | bigint = 0;
  let scoreRange = null;
  let lexRange = null;
  if (by === BY_RANK) {
    const s = argv.int(minIdx);
    const e = s === null ? null : argv.int(maxIdx);
    if (s === null || e === null) {
      ctx.reply.error(ERR.notInteger);
      return;
    }
    rankStart = s;
    rankEnd = e;
  } else if (by === BY_SCORE) {
    scoreRange = parseScoreRange(argv.str(minIdx), argv.str(maxIdx));
    if (scoreRange === null) {
      ctx.reply.error(ERR.minMaxNotFloat);
      return;
    }
  } else {
    lexRange = parseLexRange(argv.str(minIdx), argv.str(maxIdx));
    if (lexRange === null) {
      ctx.reply.error(ERR.minMaxNotLex);
      return;
    }
  }
  const z = zsetForRead(ctx, argv.str(argStart));
  if (z === null) return;
  // Work out the first rank to emit and how many, walking down when reversed.
  let first = 0;
  let n = 0;
  if (z !== undefined) {
    const len = z.length;
    if (by === BY_RANK) {
      const b = rankBounds(len, rankStart, rankEnd);
      if (b !== null) {
        first = reverse ? len - 1 - b[0] : b[0];
        n = b[1] - b[0] + 1;
      }
    } else {
      const [lo, hi] = scoreRange !== null ? scoreRangeRanks(z, scoreRange) : lexRangeRanks(z, lexRange as NonNullable<typeof lexRange>, reverse);
      // A negative offset skips everything, as Redis's `while (offset--)` walk does.
      if (offset >= 0 && hi - lo > offset) {
        n = hi - lo - offset;
        if (limit >= 0 && limit < n) n = limit;
        first = reverse ? hi - 1 - offset : lo + offset;
      }
    }
  }
  if (store) {
    storeRange(ctx, argKey(ctx, argv, 1), z, first, n, reverse, by === BY_RANK);
    return;
  }
  if (z === undefined || n === 0) {
    ctx.reply.emptyArray();
    return;
  }
  scoredArrayHeader(ctx, n, withScores);
  const it = z.iter(first);
  for (let i = 0; i < n; i++) {
    scoredEntry(ctx, it.member, it.score, withScores);
    if (reverse) it.prev();
    else it.next();
  }
}

/** ZRANGESTORE's result: the selected members into dst (encoded by size), or dst deleted. */
function storeRange(ctx: CommandContext, dst: string, z: RedisZset | undefined, first: number, n: number, reverse: boolean, byRank: boolean): void {
  const db = ctx.db;
  if (z === undefined || n === 0) {
    ctx.reply.integer(0);
    if (db.delete(dst)) {
      db.notify(NOTIFY.GENERIC, 'del', dst);
      ctx.dirty++;
    }
    return;
  }
  const members: string[] = new Array<string>(n);
  const scores: number[] = new Array<number>(n);
  // The result is always stored in ascending order: walk up from the lowest selected rank.
  const it = z.iter(reverse ? first - n + 1 : first);
  for (let i = 0; i < n; i++, it.next()) {
    members[i] = it.member;
    scores[i] = it.score;
  }
  // Redis adds the emitted members one by one to a new zset, created as a listpack unless a
  // rank range already says it is too long; the members added while it is still a listpack
  // lose a -0 sign (a listpack stores the score as text).
  const limits = ctx.ks.encoding;
  const startsListpack = (byRank ? n : 0) <= limits.zsetMaxListpackEntries;
  for (let e = 0; startsListpack && e < n && e < limits.zsetMaxListpackEntries; e++) {
    const i = reverse ? n - 1 - e : e;
    if ((members[i] as string).length > limits.zsetMaxListpackValue) break;
    if (scores[i] === 0) scores[i] = 0;
  }
  db.set(dst, RedisZset.fromSorted(members, scores, ctx.ks.initialWord(), ctx.ks.encoding));
  db.notify(NOTIFY.ZSET, 'zrangestore', dst);
  ctx.dirty++;
  ctx.reply.integer(n);
}

/** ZCOUNT key min max */
function zcount(ctx: CommandContext, argv: Argv): void {
  const range = parseScoreRange(argv.str(2), argv.str(3));
  if (range === null) {
    ctx.reply.error(ERR.minMaxNotFloat);
    return;
  }
  const z = zsetForRead(ctx, argKey(ctx, argv, 1));
  if (z === null) return;
  if (z === undefined) {
    ctx.reply.integer(0);
    return;
  }
  const [lo, hi] = scoreRangeRanks(z, range);
  ctx.reply.integer(hi - lo);
}

/** ZLEXCOUNT key min max */
function zlexcount(ctx: CommandContext, argv: Argv): void {
  const range = parseLexRange(argv.str(2), argv.str(3));
  if (range === null) {
    ctx.reply.error(ERR.minMaxNotLex);
    return;
  }
  const z = zsetForRead(ctx, argKey(ctx, argv, 1));
  if (z === null) return;
  if (z === undefined) {
    ctx.reply.integer(0);
    return;
  }
  const [lo, hi] = lexRangeRanks(z, range);
  ctx.reply.integer(hi - lo);
}

const REMRANGE_EVENT = ['', 'zremrangebyrank', 'zremrangebyscore', 'zremrangebylex'] as const;

/** ZREMRANGEBYSCORE / ZREMRANGEBYRANK / ZREMRANGEBYLEX key min max */
function zremrange(ctx: CommandContext, argv: Argv, by: number): void {
  let rankStart: number | bigint = 0;
  let rankEnd: number | bigint = 0;
  let scoreRange = null;
  let lexRange = null;
  if (by === BY_RANK) {
    const s = argv.int(2);
    const e = s === null ? null : argv.int(3);
    if (s === null || e === null) {
      ctx.reply.error(ERR.notInteger);
      return;
    }
    rankStart = s;
    rankEnd = e;
  } else if (by === BY_SCORE) {
    scoreRange = parseScoreRange(argv.str(2), argv.str(3));
    if (scoreRange === null) {
      ctx.reply.error(ERR.minMaxNotFloat);
      return;
    }
  } else {
    lexRange = parseLexRange(argv.str(2), argv.str(3));
    if (lexRange === null) {
      ctx.reply.error(ERR.minMaxNotLex);
      return;
    }
  }
  const key = argKey(ctx, argv, 1);
  const z = zsetForWrite(ctx, key);
  if (z === null) return;
  if (z === undefined) {
    ctx.reply.integer(0);
    return;
  }
  let lo: number;
  let hi: number; // exclusive
  if (by === BY_RANK) {
    const b = rankBounds(z.length, rankStart, rankEnd);
    if (b === null) {
      ctx.reply.integer(0);
      return;
    }
    lo = b[0];
    hi = b[1] + 1;
  } else {
    [lo, hi] = scoreRange !== null ? scoreRangeRanks(z, scoreRange) : lexRangeRanks(z, lexRange as NonNullable<typeof lexRange>);
  }
  const deleted = hi - lo;
  if (deleted > 0) {
    z.deleteRange(lo, hi - 1);
    ctx.db.notify(NOTIFY.ZSET, REMRANGE_EVENT[by] as string, key);
    afterRemoval(ctx.db, key, z);
    ctx.dirty += deleted;
  }
  ctx.reply.integer(deleted);
}
