/**
 * Set algebra: SINTER SINTERCARD SUNION SDIFF SINTERSTORE SUNIONSTORE SDIFFSTORE.
 *
 * As in Redis 7.0 (sinterGenericCommand / sunionDiffGenericCommand): every source key is looked
 * up for reading in argument order, a missing key counts as an empty set and the first key of
 * another type answers WRONGTYPE. Results are built the way Redis builds them, by adding
 * members one at a time to a set that starts as an intset, so a stored result (and the order
 * members are listed in: ascending for an intset) matches Redis's. SINTER without STORE lists
 * the members of the smallest set that all others contain, in that set's order.
 *
 * STORE variants replace the destination whatever its type (dropping its TTL) and fire
 * 'sinterstore' / 'sunionstore' / 'sdiffstore'; an empty result deletes the destination
 * instead and fires 'del' if it existed.
 */
import type { Argv } from '../protocol/argv.js';
import { NOTIFY } from '../keyspace/notify.js';
import { RedisSet } from '../values/set.js';
import { ERR } from './errors.js';
import { replyMembers } from './set.js';
import type { CommandContext, CommandSpec, KeySpec } from './spec.js';

const readAll: KeySpec[] = [{ flags: ['RO', 'access'], begin_search: { index: 1 }, find_keys: { lastkey: -1, keystep: 1, limit: 0 } }];
const storeSpecs = (dstFlags: string[]): KeySpec[] => [
  { flags: dstFlags, begin_search: { index: 1 }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } },
  { flags: ['RO', 'access'], begin_search: { index: 2 }, find_keys: { lastkey: -1, keystep: 1, limit: 0 } },
];
const keys0 = { name: 'key', type: 'key', key_spec_index: 0, multiple: true } as const;
const storeArgs = [{ name: 'destination', type: 'key', key_spec_index: 0 }, { name: 'key', type: 'key', key_spec_index: 1, multiple: true }] as const;
const INTER_COMPLEXITY = 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.';
const UNION_COMPLEXITY = 'O(N) where N is the total number of elements in all given sets.';

const OP_UNION = 0;
const OP_DIFF = 1;

export const setAlgebraCommands = [
  {
    name: 'sinter', arity: -2, flags: ['readonly'], acl: ['set'], keys: [1, -1, 1], keySpecs: readAll, group: 'set', since: '1.0.0',
    summary: 'Members common to all the given sets', complexity: INTER_COMPLEXITY, tips: ['nondeterministic_output_order'],
    args: [keys0], run: (c, a) => sinter(c, a, 1, null),
  },
  {
    name: 'sintercard', arity: -3, flags: ['readonly', 'movablekeys'], acl: ['set'], group: 'set', since: '7.0.0',
    keySpecs: [{ flags: ['RO', 'access'], begin_search: { index: 1 }, find_keys: { keynumidx: 0, firstkey: 1, keystep: 1 } }],
    summary: 'Count the members common to all the given sets, optionally stopping at a limit', complexity: INTER_COMPLEXITY,
    args: [{ name: 'numkeys', type: 'integer' }, keys0, { name: 'limit', type: 'integer', token: 'LIMIT', optional: true }],
    getKeys: sintercardKeys, run: sintercard,
  },
  {
    name: 'sunion', arity: -2, flags: ['readonly'], acl: ['set'], keys: [1, -1, 1], keySpecs: readAll, group: 'set', since: '1.0.0',
    summary: 'Members of any of the given sets', complexity: UNION_COMPLEXITY, tips: ['nondeterministic_output_order'],
    args: [keys0], run: (c, a) => sunionDiff(c, a, 1, null, OP_UNION),
  },
  {
    name: 'sdiff', arity: -2, flags: ['readonly'], acl: ['set'], keys: [1, -1, 1], keySpecs: readAll, group: 'set', since: '1.0.0',
    summary: 'Members of the first set that are in none of the others', complexity: UNION_COMPLEXITY,
    tips: ['nondeterministic_output_order'], args: [keys0], run: (c, a) => sunionDiff(c, a, 1, null, OP_DIFF),
  },
  {
    name: 'sinterstore', arity: -3, flags: ['write', 'denyoom'], acl: ['set'], keys: [1, -1, 1], keySpecs: storeSpecs(['RW', 'update']),
    group: 'set', since: '1.0.0', summary: 'Store the intersection of sets in a key', complexity: INTER_COMPLEXITY,
    args: storeArgs, run: (c, a) => sinter(c, a, 2, a.str(1)),
  },
  {
    name: 'sunionstore', arity: -3, flags: ['write', 'denyoom'], acl: ['set'], keys: [1, -1, 1], keySpecs: storeSpecs(['OW', 'update']),
    group: 'set', since: '1.0.0', summary: 'Store the union of sets in a key', complexity: UNION_COMPLEXITY,
    args: storeArgs, run: (c, a) => sunionDiff(c, a, 2, a.str(1), OP_UNION),
  },
  {
    name: 'sdiffstore', arity: -3, flags: ['write', 'denyoom'], acl: ['set'], keys: [1, -1, 1], keySpecs: storeSpecs(['OW', 'update']),
    group: 'set', since: '1.0.0', summary: 'Store the difference of sets in a key', complexity: UNION_COMPLEXITY,
    args: storeArgs, run: (c, a) => sunionDiff(c, a, 2, a.str(1), OP_DIFF),
  },
] as const satisfies readonly CommandSpec[];

/** Key positions of SINTERCARD: none when numkeys is not in 1..(keys given), as in Redis. */
function sintercardKeys(argv: Argv): number[] {
  const n = argv.safeInt(1);
  if (n === null || n < 1 || n > argv.argc - 2) return [];
  const out: number[] = [];
  for (let i = 2; i < 2 + n; i++) out.push(i);
  return out;
}

/**
 * Look up argv[from .. from+n) for reading: sets (undefined for a missing key), or null after
 * replying WRONGTYPE for the first key of another type.
 */
function lookupSets(ctx: CommandContext, argv: Argv, from: number, n: number): (RedisSet | undefined)[] | null {
  const sets: (RedisSet | undefined)[] = [];
  for (let i = from; i < from + n; i++) {
    const v = ctx.db.lookupRead(argv.str(i));
    if (v !== undefined && (typeof v === 'string' || v.type !== 'set')) {
      ctx.reply.error(ERR.wrongType);
      return null;
    }
    sets.push(v as RedisSet | undefined);
  }
  return sets;
}

/** Write a STORE result (or delete the destination when it is empty) and reply its size. */
function store(ctx: CommandContext, dst: string, result: RedisSet, event: string): void {
  const db = ctx.db;
  if (result.size > 0) {
    // setKey looks the destination up for writing first: an expired one is reclaimed ('expired'
    // event) and the result counts as a new key.
    if (db.expires.size !== 0) db.expireIfNeeded(dst);
    db.set(dst, result);
    ctx.reply.integer(result.size);
    db.notify(NOTIFY.SET, event, dst);
    ctx.dirty++;
    return;
  }
  ctx.reply.integer(0);
  if (db.delete(dst)) {
    ctx.dirty++;
    db.notify(NOTIFY.GENERIC, 'del', dst);
  }
}

/**
 * The intersection: members of the smallest set found in every other one, in the smallest
 * set's order, stopping after `limit` (0 = no limit). null when some key is missing.
 */
function intersect(sets: (RedisSet | undefined)[], limit: number): string[] | null {
  const present: RedisSet[] = [];
  for (const s of sets) {
    if (s === undefined) return null;
    present.push(s);
  }
  // Smallest first, like Redis's qsort by cardinality.
  present.sort((a, b) => a.size - b.size);
  const first = present[0] as RedisSet;
  const out: string[] = [];
  const n = first.size;
  outer: for (let i = 0; i < n; i++) {
    const m = first.at(i);
    for (let j = 1; j < present.length; j++) {
      const s = present[j] as RedisSet;
      if (s !== first && !s.has(m)) continue outer;
    }
    out.push(m);
    if (limit > 0 && out.length >= limit) break;
  }
  return out;
}

/** SINTER key [key ...] / SINTERSTORE destination key [key ...] */
function sinter(ctx: CommandContext, argv: Argv, from: number, dst: string | null): void {
  const sets = lookupSets(ctx, argv, from, argv.argc - from);
  if (sets === null) return;
  const members = intersect(sets, 0) ?? [];
  if (dst === null) {
    replyMembers(ctx, members);
    return;
  }
  store(ctx, dst, build(ctx, members), 'sinterstore');
}

/** A new set holding `members`, built as Redis builds results (intset first, converting as needed). */
function build(ctx: CommandContext, members: readonly string[]): RedisSet {
  const result = RedisSet.emptyIntset(ctx.ks.initialWord());
  const limits = ctx.ks.encoding;
  for (let i = 0; i < members.length; i++) result.add(members[i] as string, limits);
  return result;
}

/** SINTERCARD numkeys key [key ...] [LIMIT limit] */
function sintercard(ctx: CommandContext, argv: Argv): void {
  const numkeys = argv.int(1);
  if (numkeys === null || numkeys < 1) {
    ctx.reply.error(ERR.numkeysPositive);
    return;
  }
  if (numkeys > argv.argc - 2) {
    ctx.reply.error(ERR.numkeysTooBig);
    return;
  }
  const n = Number(numkeys);
  let limit = 0;
  for (let j = 2 + n; j < argv.argc; j++) {
    if (argv.is(j, 'LIMIT') && j + 1 < argv.argc) {
      j++;
      const l = argv.int(j);
      if (l === null || l < 0) {
        ctx.reply.error(ERR.limitNegative);
        return;
      }
      limit = typeof l === 'bigint' ? Number.MAX_SAFE_INTEGER : l;
    } else {
      ctx.reply.error(ERR.syntax);
      return;
    }
  }
  const sets = lookupSets(ctx, argv, 2, n);
  if (sets === null) return;
  const members = intersect(sets, limit);
  ctx.reply.integer(members === null ? 0 : members.length);
}

/** SUNION / SDIFF key [key ...] and their STORE forms */
function sunionDiff(ctx: CommandContext, argv: Argv, from: number, dst: string | null, op: number): void {
  const sets = lookupSets(ctx, argv, from, argv.argc - from);
  if (sets === null) return;
  const result = RedisSet.emptyIntset(ctx.ks.initialWord());
  const limits = ctx.ks.encoding;
  if (op === OP_UNION) {
    for (const s of sets) {
      if (s === undefined) continue;
      const n = s.size;
      for (let i = 0; i < n; i++) result.add(s.at(i), limits);
    }
  } else {
    const first = sets[0];
    // The same key given again as a later set empties the difference at once.
    const sameSet = first !== undefined && sets.indexOf(first, 1) > 0;
    if (first !== undefined && !sameSet) {
      const n = first.size;
      outer: for (let i = 0; i < n; i++) {
        const m = first.at(i);
        for (let j = 1; j < sets.length; j++) {
          const s = sets[j];
          if (s !== undefined && s.has(m)) continue outer;
        }
        result.add(m, limits);
      }
    }
  }
  if (dst === null) {
    replyMembers(ctx, result.members());
    return;
  }
  store(ctx, dst, result, op === OP_UNION ? 'sunionstore' : 'sdiffstore');
}
