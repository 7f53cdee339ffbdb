/**
 * Blocking sorted-set pops: BZPOPMIN BZPOPMAX BZMPOP.
 *
 * Each first does what its non-blocking form does (the first non-empty sorted set among the
 * keys is popped; a key of another type answers WRONGTYPE); with nothing to pop it blocks, or,
 * when it cannot block (inside MULTI or a script), answers the timeout's null array at once,
 * as Redis does. When a key it waits on is touched, serve() pops through the same helpers as
 * ZPOPMIN/ZMPOP (zset.ts); a key that is missing, empty or of another type at that moment
 * keeps the client waiting.
 *
 * Replies: BZPOPMIN/BZPOPMAX answer [key, member, score] (the score a bulk string in RESP2, a
 * double in RESP3), BZMPOP answers ZMPOP's [key, [[member, score], ...]]; a timeout answers a
 * null array (*-1, or _ in RESP3).
 */
import type { Argv } from '../protocol/argv.js';
import type { RedisZset } from '../values/zset.js';
import type { CommandContext, CommandSpec, KeySpec } from './spec.js';
import { parseBlockingTimeout } from './timeout.js';
import { parseZmpop, replyMpop, zpop } from './zset.js';
import { numkeysKeys, zsetForWrite } from './zset-args.js';

const lastButOne: KeySpec[] = [{ flags: ['RW', 'access', 'delete'], begin_search: { index: 1 }, find_keys: { lastkey: -2, keystep: 1, limit: 0 } }];

export const zsetBlockingCommands = [
  {
    name: 'bzpopmin', arity: -3, flags: ['write', 'noscript', 'blocking', 'fast'], acl: ['sortedset'], keys: [1, -2, 1], keySpecs: lastButOne,
    group: 'sorted-set', since: '5.0.0', summary: 'Pop the lowest-scored member of the first non-empty sorted set, blocking until there is one',
    complexity: 'O(log(N)) for a sorted set of N members.',
    args: [{ name: 'key', type: 'key', key_spec_index: 0, multiple: true }, { name: 'timeout', type: 'double' }],
    run: (c, a) => bzpop(c, a, false),
  },
  {
    name: 'bzpopmax', arity: -3, flags: ['write', 'noscript', 'blocking', 'fast'], acl: ['sortedset'], keys: [1, -2, 1], keySpecs: lastButOne,
    group: 'sorted-set', since: '5.0.0', summary: 'Pop the highest-scored member of the first non-empty sorted set, blocking until there is one',
    complexity: 'O(log(N)) for a sorted set of N members.',
    args: [{ name: 'key', type: 'key', key_spec_index: 0, multiple: true }, { name: 'timeout', type: 'double' }],
    run: (c, a) => bzpop(c, a, true),
  },
  {
    name: 'bzmpop', arity: -5, flags: ['write', 'blocking', 'movablekeys'], acl: ['sortedset'], keys: [0, 0, 0], group: 'sorted-set', since: '7.0.0',
    keySpecs: [{ flags: ['RW', 'access', 'delete'], begin_search: { index: 2 }, find_keys: { keynumidx: 0, firstkey: 1, keystep: 1 } }],
    summary: 'Pop the lowest- or highest-scored members of the first non-empty sorted set among several, blocking until there is one',
    complexity: 'O(K) + O(M*log(N)) for K keys and M members popped from a sorted set of size N.',
    args: [
      { name: 'timeout', type: 'double' },
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', key_spec_index: 0, multiple: true },
      { name: 'where', type: 'oneof', arguments: [{ name: 'min', type: 'pure-token', token: 'MIN' }, { name: 'max', type: 'pure-token', token: 'MAX' }] },
      { name: 'count', type: 'integer', token: 'COUNT', optional: true },
    ],
    getKeys: (argv) => numkeysKeys(argv, 2),
    run: bzmpop,
  },
] as const satisfies readonly CommandSpec[];

/** The non-empty sorted set at key, or undefined (missing, empty or another type: keep waiting). */
function readyZset(ctx: CommandContext, key: string): RedisZset | undefined {
  const v = ctx.db.lookupWrite(key);
  if (v === undefined || typeof v === 'string' || v.type !== 'zset') return undefined;
  const z = v as RedisZset;
  return z.length > 0 ? z : undefined;
}

/** Pop one member from z for BZPOPMIN/BZPOPMAX and reply [key, member, score]. */
function popOne(ctx: CommandContext, key: string, z: RedisZset, max: boolean): void {
  const p = zpop(ctx, ctx.db, key, z, max, 1);
  ctx.reply.arrayHeader(3);
  ctx.reply.bulk(key);
  ctx.reply.bulk(p.members[0] as string);
  ctx.reply.double(p.scores[0] as number);
  // Propagated as the non-blocking pop, served now or later.
  ctx.rewriteArgv([max ? 'ZPOPMAX' : 'ZPOPMIN', key]);
}

/** BZMPOP's pop: reply [key, [[member, score] ...]], propagated as ZPOPMIN/ZPOPMAX key count. */
function mpopOne(ctx: CommandContext, key: string, z: RedisZset, max: boolean, count: number): void {
  const p = zpop(ctx, ctx.db, key, z, max, count);
  replyMpop(ctx, key, p);
  ctx.rewriteArgv([max ? 'ZPOPMAX' : 'ZPOPMIN', key, String(p.members.length)]);
}

/** BZPOPMIN/BZPOPMAX key [key ...] timeout */
function bzpop(ctx: CommandContext, argv: Argv, max: boolean): void {
  const deadline = parseBlockingTimeout(ctx, argv, argv.argc - 1);
  if (deadline === null) return;
  const keys: string[] = [];
  for (let i = 1; i < argv.argc - 1; i++) keys.push(argv.str(i));
  for (const key of keys) {
    const z = zsetForWrite(ctx, key);
    if (z === null) return; // WRONGTYPE replied
    if (z === undefined || z.length === 0) continue;
    popOne(ctx, key, z, max);
    return;
  }
  if (!ctx.canBlock) {
    ctx.reply.nullArray();
    return;
  }
  ctx.block({
    keys,
    deadline,
    serve: (key) => {
      const z = readyZset(ctx, key);
      if (z === undefined) return false;
      popOne(ctx, key, z, max);
      return true;
    },
    timeout: () => ctx.reply.nullArray(),
  });
}

/** BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]; as Redis, the timeout is checked last. */
function bzmpop(ctx: CommandContext, argv: Argv): void {
  const a = parseZmpop(ctx, argv, 2);
  if (a === null) return;
  const deadline = parseBlockingTimeout(ctx, argv, 1);
  if (deadline === null) return;
  for (const key of a.keys) {
    const z = zsetForWrite(ctx, key);
    if (z === null) return;
    if (z === undefined || z.length === 0) continue;
    mpopOne(ctx, key, z, a.max, a.count);
    return;
  }
  if (!ctx.canBlock) {
    ctx.reply.nullArray();
    return;
  }
  ctx.block({
    keys: a.keys,
    deadline,
    serve: (key) => {
      const z = readyZset(ctx, key);
      if (z === undefined) return false;
      mpopOne(ctx, key, z, a.max, a.count);
      return true;
    },
    timeout: () => ctx.reply.nullArray(),
  });
}
