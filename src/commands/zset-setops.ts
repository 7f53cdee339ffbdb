/**
 * Sorted-set commands, part 3: set algebra — ZUNION, ZINTER, ZDIFF, their *STORE forms and
 * ZINTERCARD. Inputs may be sorted sets or plain sets (whose members count with score 1).
 *
 * As in Redis, union and intersection visit the inputs from the smallest to the largest (so
 * a sum is added up in that order), a weight times a score that makes NaN (0 × inf) counts
 * as 0, and so does a sum of +inf and -inf. Results are sorted by (score, member) and a
 * stored result is encoded by its size, like any new key a store command makes.
 */
import type { Argv } from '../protocol/argv.js';
import { NOTIFY } from '../keyspace/notify.js';
import type { RedisSet } from '../values/set.js';
import { RedisZset } from '../values/zset.js';
import { keyCmp } from '../values/structures/zset-tree.js';
import { atLeastOneInputKey, ERR } from './errors.js';
import type { CommandContext, CommandSpec } from './spec.js';
import { numkeysKeys, parseStrictDouble, scoredArrayHeader, scoredEntry } from './zset-args.js';

const aggregateArg = {
  name: 'aggregate', type: 'oneof', token: 'AGGREGATE', optional: true,
  arguments: [{ name: 'sum', type: 'pure-token', token: 'SUM' }, { name: 'min', type: 'pure-token', token: 'MIN' }, { name: 'max', type: 'pure-token', token: 'MAX' }],
} as const;
const weightArg = { name: 'weight', type: 'integer', token: 'WEIGHTS', optional: true, multiple: true } as const;
const withscoresArg = { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', optional: true } as const;
const readKeys = [{ flags: ['RO', 'access'], begin_search: { index: 1 }, find_keys: { keynumidx: 0, firstkey: 1, keystep: 1 } }] as const;
const storeKeys = [
  { flags: ['OW', 'update'], begin_search: { index: 1 }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } },
  { flags: ['RO', 'access'], begin_search: { index: 2 }, find_keys: { keynumidx: 0, firstkey: 1, keystep: 1 } },
] as const;
const numkeysArg = { name: 'numkeys', type: 'integer' } as const;
const storeKeyPositions = (argv: Argv): number[] => [1, ...numkeysKeys(argv, 2)];

const OP_UNION = 0;
const OP_INTER = 1;
const OP_DIFF = 2;
const AGG_SUM = 0;
const AGG_MIN = 1;
const AGG_MAX = 2;

export const zsetSetopCommands = [
  {
    name: 'zunion', arity: -3, flags: ['readonly', 'movablekeys'], acl: ['sortedset'], keys: [0, 0, 0], group: 'sorted-set', since: '6.2.0',
    summary: 'Return the union of sorted sets, scores combined', complexity: 'O(N)+O(M*log(M)) for N input members and M result members.',
    keySpecs: readKeys,
    args: [numkeysArg, { name: 'key', type: 'key', key_spec_index: 0, multiple: true }, weightArg, aggregateArg, withscoresArg],
    getKeys: (argv) => numkeysKeys(argv, 1),
    run: (ctx, argv) => zsetop(ctx, argv, OP_UNION, false, false),
  },
  {
    name: 'zinter', arity: -3, flags: ['readonly', 'movablekeys'], acl: ['sortedset'], keys: [0, 0, 0], group: 'sorted-set', since: '6.2.0',
    summary: 'Return the intersection of sorted sets, scores combined',
    complexity: 'O(N*K)+O(M*log(M)) with N the smallest input, K inputs and M result members.',
    keySpecs: readKeys,
    args: [numkeysArg, { name: 'key', type: 'key', key_spec_index: 0, multiple: true }, weightArg, aggregateArg, withscoresArg],
    getKeys: (argv) => numkeysKeys(argv, 1),
    run: (ctx, argv) => zsetop(ctx, argv, OP_INTER, false, false),
  },
  {
    name: 'zdiff', arity: -3, flags: ['readonly', 'movablekeys'], acl: ['sortedset'], keys: [0, 0, 0], group: 'sorted-set', since: '6.2.0',
    summary: 'Return the members of the first sorted set that are in none of the others',
    complexity: 'O(L + (N-K)log(N)) in the worst case, L being all input members and N the first input.',
    keySpecs: readKeys,
    args: [numkeysArg, { name: 'key', type: 'key', key_spec_index: 0, multiple: true }, withscoresArg],
    getKeys: (argv) => numkeysKeys(argv, 1),
    run: (ctx, argv) => zsetop(ctx, argv, OP_DIFF, false, false),
  },
  {
    name: 'zunionstore', arity: -4, flags: ['write', 'denyoom', 'movablekeys'], acl: ['sortedset'], keys: [1, 1, 1], group: 'sorted-set', since: '2.0.0',
    summary: 'Store the union of sorted sets in a key', complexity: 'O(N)+O(M*log(M)) for N input members and M result members.',
    keySpecs: storeKeys,
    args: [{ name: 'destination', type: 'key', key_spec_index: 0 }, numkeysArg, { name: 'key', type: 'key', key_spec_index: 1, multiple: true }, weightArg, aggregateArg],
    getKeys: storeKeyPositions,
    run: (ctx, argv) => zsetop(ctx, argv, OP_UNION, true, false),
  },
  {
    name: 'zinterstore', arity: -4, flags: ['write', 'denyoom', 'movablekeys'], acl: ['sortedset'], keys: [1, 1, 1], group: 'sorted-set', since: '2.0.0',
    summary: 'Store the intersection of sorted sets in a key',
    complexity: 'O(N*K)+O(M*log(M)) with N the smallest input, K inputs and M result members.',
    keySpecs: storeKeys,
    args: [{ name: 'destination', type: 'key', key_spec_index: 0 }, numkeysArg, { name: 'key', type: 'key', key_spec_index: 1, multiple: true }, weightArg, aggregateArg],
    getKeys: storeKeyPositions,
    run: (ctx, argv) => zsetop(ctx, argv, OP_INTER, true, false),
  },
  {
    name: 'zdiffstore', arity: -4, flags: ['write', 'denyoom', 'movablekeys'], acl: ['sortedset'], keys: [1, 1, 1], group: 'sorted-set', since: '6.2.0',
    summary: 'Store in a key the members of the first sorted set that are in none of the others',
    complexity: 'O(L + (N-K)log(N)) in the worst case, L being all input members and N the first input.',
    keySpecs: storeKeys,
    args: [{ name: 'destination', type: 'key', key_spec_index: 0 }, numkeysArg, { name: 'key', type: 'key', key_spec_index: 1, multiple: true }],
    getKeys: storeKeyPositions,
    run: (ctx, argv) => zsetop(ctx, argv, OP_DIFF, true, false),
  },
  {
    name: 'zintercard', arity: -3, flags: ['readonly', 'movablekeys'], acl: ['sortedset'], keys: [0, 0, 0], group: 'sorted-set', since: '7.0.0',
    summary: 'Count the members of the intersection of sorted sets, optionally stopping at a limit',
    complexity: 'O(N*K) in the worst case, N being the smallest input and K the number of inputs.',
    keySpecs: readKeys,
    args: [numkeysArg, { name: 'key', type: 'key', key_spec_index: 0, multiple: true }, { name: 'limit', type: 'integer', token: 'LIMIT', optional: true }],
    getKeys: (argv) => numkeysKeys(argv, 1),
    run: (ctx, argv) => zsetop(ctx, argv, OP_INTER, false, true),
  },
] as const satisfies readonly CommandSpec[];

// ---- inputs --------------------------------------------------------------------------------

/** One input: a sorted set, a plain set read as members of score 1, or a missing key. */
class Source {
  readonly zset: RedisZset | null;
  readonly set: RedisSet | null;
  weight = 1;

  constructor(zset: RedisZset | null, set: RedisSet | null) {
    this.zset = zset;
    this.set = set;
  }

  get size(): number {
    if (this.zset !== null) return this.zset.length;
    return this.set === null ? 0 : this.set.size;
  }

  /** Visit every member in order; stops early when `fn` returns false. */
  forEach(fn: (member: string, score: number) => boolean | void): void {
    if (this.zset !== null) {
      const n = this.zset.length;
      const it = this.zset.iter(0);
      for (let i = 0; i < n; i++, it.next()) if (fn(it.member, it.score) === false) return;
    } else if (this.set !== null) {
      for (const m of this.set.members()) if (fn(m, 1) === false) return;
    }
  }

  /** The member's score (1 in a plain set), or undefined. */
  find(member: string): number | undefined {
    if (this.zset !== null) return this.zset.score(member);
    return this.set !== null && this.set.has(member) ? 1 : undefined;
  }
}

/** weight × score, where NaN (0 × ±inf) counts as 0. */
function weighted(weight: number, score: number): number {
  const v = weight * score;
  return Number.isNaN(v) ? 0 : v;
}

function aggregate(target: number, v: number, agg: number): number {
  if (agg === AGG_SUM) {
    const s = target + v;
    return Number.isNaN(s) ? 0 : s; // +inf + -inf
  }
  if (agg === AGG_MIN) return v < target ? v : target;
  return v > target ? v : target;
}

// ---- the generic command ------------------------------------------------------------------

/**
 * Z{UNION,INTER,DIFF}[STORE] and ZINTERCARD. Redis's order of checks: numkeys, the keys'
 * types, then the options.
 */
function zsetop(ctx: CommandContext, argv: Argv, op: number, store: boolean, cardOnly: boolean): void {
  const numkeysIdx = store ? 2 : 1;
  const nk = argv.int(numkeysIdx);
  if (nk === null) {
    ctx.reply.error(ERR.notInteger);
    return;
  }
  if (nk < 1) {
    ctx.reply.error(atLeastOneInputKey(ctx.commandName));
    return;
  }
  if (typeof nk === 'bigint' || nk > argv.argc - numkeysIdx - 1) {
    ctx.reply.error(ERR.syntax);
    return;
  }
  const setnum = nk;
  const db = ctx.db;
  const sources: Source[] = [];
  for (let i = 0; i < setnum; i++) {
    const key = argv.str(numkeysIdx + 1 + i);
    const v = store ? db.lookupWrite(key) : db.lookupRead(key);
    if (v === undefined) sources.push(new Source(null, null));
    else if (typeof v !== 'string' && v.type === 'zset') sources.push(new Source(v as RedisZset, null));
    else if (typeof v !== 'string' && v.type === 'set') sources.push(new Source(null, v as RedisSet));
    else {
      ctx.reply.error(ERR.wrongType);
      return;
    }
  }
  let agg = AGG_SUM;
  let withScores = false;
  let limit = 0;
  let j = numkeysIdx + 1 + setnum;
  while (j < argv.argc) {
    const remaining = argv.argc - j;
    if (op !== OP_DIFF && !cardOnly && remaining >= setnum + 1 && argv.is(j, 'WEIGHTS')) {
      j++;
      for (let i = 0; i < setnum; i++, j++) {
        const w = parseStrictDouble(argv.str(j));
        if (w === null) {
          ctx.reply.error(ERR.weightNotFloat);
          return;
        }
        (sources[i] as Source).weight = w;
      }
    } else if (op !== OP_DIFF && !cardOnly && remaining >= 2 && argv.is(j, 'AGGREGATE')) {
      if (argv.is(j + 1, 'SUM')) agg = AGG_SUM;
      else if (argv.is(j + 1, 'MIN')) agg = AGG_MIN;
      else if (argv.is(j + 1, 'MAX')) agg = AGG_MAX;
      else {
        ctx.reply.error(ERR.syntax);
        return;
      }
      j += 2;
    } else if (!store && !cardOnly && argv.is(j, 'WITHSCORES')) {
      withScores = true;
      j++;
    } else if (cardOnly && remaining >= 2 && argv.is(j, 'LIMIT')) {
      const l = argv.int(j + 1);
      if (l === null || l < 0) {
        ctx.reply.error(ERR.limitNegative);
        return;
      }
      limit = typeof l === 'bigint' ? Number.MAX_SAFE_INTEGER : l;
      j += 2;
    } else {
      ctx.reply.error(ERR.syntax);
      return;
    }
  }
  // Smallest first (stable), which is what makes intersections cheap; ZDIFF keeps its order.
  if (op !== OP_DIFF) sources.sort((a, b) => a.size - b.size);
  const members: string[] = [];
  const scores: number[] = [];
  if (op === OP_INTER) {
    const first = sources[0] as Source;
    if (first.size > 0) {
      let found = 0;
      first.forEach((m, s) => {
        let score = weighted(first.weight, s);
        for (let k = 1; k < sources.length; k++) {
          const src = sources[k] as Source;
          const other = src.find(m);
          if (other === undefined) return true;
          score = aggregate(score, other * src.weight, agg);
        }
        found++;
        members.push(m);
        scores.push(score);
        return !(cardOnly && limit > 0 && found >= limit);
      });
    }
    if (cardOnly) {
      ctx.reply.integer(members.length);
      return;
    }
  } else if (op === OP_UNION) {
    const acc = new Map<string, number>();
    for (const src of sources) {
      if (src.size === 0) continue;
      src.forEach((m, s) => {
        const v = weighted(src.weight, s);
        const cur = acc.get(m);
        acc.set(m, cur === undefined ? v : aggregate(cur, v, agg));
      });
    }
    for (const [m, s] of acc) {
      members.push(m);
      scores.push(s);
    }
  } else {
    const first = sources[0] as Source;
    first.forEach((m, s) => {
      for (let k = 1; k < sources.length; k++) if ((sources[k] as Source).find(m) !== undefined) return true;
      members.push(m);
      scores.push(s);
      return true;
    });
  }
  const [sortedMembers, sortedScores] = sortByScore(members, scores);
  if (store) {
    storeResult(ctx, argv.str(1), op, sortedMembers, sortedScores);
    return;
  }
  const n = sortedMembers.length;
  scoredArrayHeader(ctx, n, withScores);
  for (let i = 0; i < n; i++) scoredEntry(ctx, sortedMembers[i] as string, sortedScores[i] as number, withScores);
}

/** Order (member, score) pairs by score then member; inputs already in order pass through. */
function sortByScore(members: string[], scores: number[]): [string[], number[]] {
  const n = members.length;
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) {
    if (keyCmp(scores[i - 1] as number, members[i - 1] as string, scores[i] as number, members[i] as string) > 0) sorted = false;
  }
  if (sorted) return [members, scores];
  const idx = new Array<number>(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  idx.sort((a, b) => keyCmp(scores[a] as number, members[a] as string, scores[b] as number, members[b] as string));
  const m2 = new Array<string>(n);
  const s2 = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const k = idx[i] as number;
    m2[i] = members[k] as string;
    s2[i] = scores[k] as number;
  }
  return [m2, s2];
}

const STORE_EVENT = ['zunionstore', 'zinterstore', 'zdiffstore'] as const;

function storeResult(ctx: CommandContext, dst: string, op: number, members: string[], scores: number[]): void {
  const db = ctx.db;
  if (members.length === 0) {
    ctx.reply.integer(0);
    if (db.delete(dst)) {
      db.notify(NOTIFY.GENERIC, 'del', dst);
      ctx.dirty++;
    }
    return;
  }
  const z = RedisZset.fromSorted(members, scores, ctx.ks.initialWord(), ctx.ks.encoding);
  db.set(dst, z);
  db.notify(NOTIFY.ZSET, STORE_EVENT[op] as string, dst);
  ctx.dirty++;
  ctx.reply.integer(z.length);
}
