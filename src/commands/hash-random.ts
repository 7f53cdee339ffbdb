/**
 * HRANDFIELD and HSCAN.
 *
 * HRANDFIELD follows Redis 7.0's four cases: a negative count (or 1) samples with repetition; a
 * count at least the hash's size returns it whole; a count close to the size (count * 3 > size)
 * drops random fields from a copy; otherwise random fields are drawn until enough distinct ones
 * were found. Sampling is uniform (one random index into a dense array). In RESP3, WITHVALUES
 * answers an array of [field, value] pairs; in RESP2 a flat array.
 *
 * Deliberate difference: Redis 7.0 will try to answer any negative count (a count of -10^12
 * fills memory until the client is dropped or the server dies); Cinnabar refuses repetition
 * counts above MAX_REPEAT with "value is out of range".
 */
import type { Argv } from '../protocol/argv.js';
import type { HashView } from '../values/hash.js';
import { globMatch } from '../util/glob.js';
import { ERR } from './errors.js';
import { getHash } from './hash.js';
import { CURSOR_PAST_END, parseScanCursor, parseScanOptions } from './scan.js';
import type { CommandContext, CommandSpec, KeySpec } from './spec.js';

const spec1 = (flags: string[]): KeySpec[] => [{ flags, begin_search: { index: 1 }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } }];
const key0 = { name: 'key', type: 'key', key_spec_index: 0 } as const;

export const hashRandomCommands = [
  {
    name: 'hrandfield', arity: -2, flags: ['readonly'], acl: ['hash'], keys: [1, 1, 1], keySpecs: spec1(['RO', 'access']),
    group: 'hash', since: '6.2.0', summary: 'Pick random fields (and optionally their values) from a hash',
    complexity: 'O(N) where N is the number of fields returned', tips: ['nondeterministic_output'],
    args: [
      key0,
      {
        name: 'options', type: 'block', optional: true,
        arguments: [{ name: 'count', type: 'integer' }, { name: 'withvalues', type: 'pure-token', token: 'WITHVALUES', optional: true }],
      },
    ],
    run: hrandfield,
  },
  {
    name: 'hscan', arity: -3, flags: ['readonly'], acl: ['hash'], keys: [1, 1, 1], keySpecs: spec1(['RO', 'access']),
    group: 'hash', since: '2.8.0', summary: 'Iterate over the fields and values of a hash a few at a time',
    complexity: 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.',
    tips: ['nondeterministic_output'],
    args: [
      key0,
      { name: 'cursor', type: 'integer' },
      { name: 'pattern', type: 'pattern', token: 'MATCH', optional: true },
      { name: 'count', type: 'integer', token: 'COUNT', optional: true },
    ],
    run: hscan,
  },
] as const satisfies readonly CommandSpec[];

/** Largest repetition count answered (see the module comment). */
export const MAX_REPEAT = 1 << 24;
/** LONG_MAX / 2: HRANDFIELD's bound on the count when WITHVALUES doubles the reply. */
const HALF_LONG_MAX = 4611686018427387903n;
const LONG_MIN = -(2n ** 63n);
/** Redis's HRANDFIELD_SUB_STRATEGY_MUL / SRANDMEMBER_SUB_STRATEGY_MUL. */
export const SUB_STRATEGY_MUL = 3;

/**
 * A random-count argument parsed as Redis's getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX);
 * null after replying the error.
 */
export function parseRandomCount(ctx: CommandContext, argv: Argv, i: number): number | bigint | null {
  const n = argv.int(i);
  if (n === null) {
    ctx.reply.error(ERR.notInteger);
    return null;
  }
  if (n === LONG_MIN) {
    ctx.reply.error(ERR.outOfRangeLong);
    return null;
  }
  return n;
}

/** Uniform random integer in [0, n). */
export function randomIndex(ctx: CommandContext, n: number): number {
  return Math.floor(ctx.ks.random() * n);
}

/**
 * Indexes of `count` distinct positions out of `size` (count < size), as Redis's CASE 3 and
 * CASE 4 pick them: drop random positions from all of them when count is close to size,
 * otherwise draw random positions until enough distinct ones came up.
 */
export function distinctSample(ctx: CommandContext, size: number, count: number): number[] {
  if (count * SUB_STRATEGY_MUL > size) {
    const all = new Array<number>(size);
    for (let i = 0; i < size; i++) all[i] = i;
    let n = size;
    while (n > count) {
      const j = randomIndex(ctx, n);
      all[j] = all[n - 1] as number;
      n--;
    }
    all.length = count;
    return all;
  }
  const seen = new Set<number>();
  const out: number[] = [];
  while (out.length < count) {
    const j = randomIndex(ctx, size);
    if (seen.has(j)) continue;
    seen.add(j);
    out.push(j);
  }
  return out;
}

/** HRANDFIELD key [count [WITHVALUES]] */
function hrandfield(ctx: CommandContext, argv: Argv): void {
  if (argv.argc >= 3) {
    const l = parseRandomCount(ctx, argv, 2);
    if (l === null) return;
    let withValues = false;
    if (argv.argc > 4 || (argv.argc === 4 && !argv.is(3, 'WITHVALUES'))) {
      ctx.reply.error(ERR.syntax);
      return;
    }
    if (argv.argc === 4) {
      withValues = true;
      if (BigInt(l) < -HALF_LONG_MAX || BigInt(l) > HALF_LONG_MAX) {
        ctx.reply.error(ERR.outOfRange);
        return;
      }
    }
    hrandfieldWithCount(ctx, argv, l, withValues);
    return;
  }
  const h = getHash(ctx, argv.str(1), false);
  if (h === null) return;
  if (h === undefined) {
    ctx.reply.nullBulk();
    return;
  }
  const view = h.view();
  ctx.reply.bulk(view.field(randomIndex(ctx, view.size)));
}

function hrandfieldWithCount(ctx: CommandContext, argv: Argv, l: number | bigint, withValues: boolean): void {
  const h = getHash(ctx, argv.str(1), false);
  if (h === null) return;
  if (h === undefined || l === 0) {
    ctx.reply.emptyArray();
    return;
  }
  const r = ctx.reply;
  const resp3 = r.resp === 3;
  const uniq = l > 0;
  const view = h.view();
  const size = view.size;
  if (!uniq || l === 1) {
    const count = Number(typeof l === 'bigint' ? -l : Math.abs(l));
    if (count > MAX_REPEAT) {
      r.error(ERR.outOfRange);
      return;
    }
    r.arrayHeader(withValues && !resp3 ? count * 2 : count);
    for (let i = 0; i < count; i++) replyEntry(ctx, view, randomIndex(ctx, size), withValues);
    return;
  }
  const count = typeof l === 'bigint' || l >= size ? size : l;
  r.arrayHeader(withValues && !resp3 ? count * 2 : count);
  if (count === size) {
    for (let i = 0; i < size; i++) replyEntry(ctx, view, i, withValues);
    return;
  }
  for (const i of distinctSample(ctx, size, count)) replyEntry(ctx, view, i, withValues);
}

function replyEntry(ctx: CommandContext, view: HashView, i: number, withValues: boolean): void {
  const r = ctx.reply;
  if (withValues && r.resp === 3) r.arrayHeader(2);
  r.bulk(view.field(i));
  if (withValues) r.bulk(view.value(i));
}

/** The SCAN reply: [cursor, [elements...]]. */
export function replyScan(ctx: CommandContext, cursor: number, items: readonly string[]): void {
  const r = ctx.reply;
  r.arrayHeader(2);
  r.bulk(String(cursor));
  r.arrayHeader(items.length);
  for (let i = 0; i < items.length; i++) r.bulk(items[i] as string);
}

/** HSCAN key cursor [MATCH pattern] [COUNT count] */
function hscan(ctx: CommandContext, argv: Argv): void {
  const cursor = parseScanCursor(ctx, argv, 2);
  if (cursor === null) return;
  const h = getHash(ctx, argv.str(1), false);
  if (h === null) return;
  if (h === undefined) {
    replyScan(ctx, 0, []);
    return;
  }
  const o = parseScanOptions(ctx, argv, 3, false);
  if (o === null) return;
  const found: string[] = [];
  const next = h.scan(cursor === CURSOR_PAST_END ? 0xffffffff : cursor, o.count, found);
  if (o.pattern === null) {
    replyScan(ctx, next, found);
    return;
  }
  const kept: string[] = [];
  for (let i = 0; i < found.length; i += 2) {
    const f = found[i] as string;
    if (globMatch(o.pattern, f)) kept.push(f, found[i + 1] as string);
  }
  replyScan(ctx, next, kept);
}
