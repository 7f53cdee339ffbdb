/**
 * Keyspace iteration: KEYS, SCAN, RANDOMKEY, plus the cursor and option parsing that HSCAN,
 * SSCAN and ZSCAN share with SCAN (parseScanCursor, parseScanOptions).
 *
 * SCAN's cursor is Redis's: a reverse-binary bucket cursor over the key dictionary
 * (keyspace/keydict.ts), stateless, and every key present for the whole iteration is
 * returned across resizes, as Redis guarantees. Filtering happens in
 * Redis's order after the keys are collected: MATCH, then TYPE (a read lookup, which counts a
 * hit or miss and reclaims the key if expired), then lazy expiry. A lone '*' pattern matches
 * everything, the empty key included (Redis's fast path; '**' does not match "").
 */
import type { Argv } from '../protocol/argv.js';
import { LOOKUP } from '../keyspace/database.js';
import { globMatch } from '../util/glob.js';
import { typeOf } from '../values/types.js';
import { ERR } from './errors.js';
import type { CommandContext, CommandSpec } from './spec.js';

export const scanCommands = [
  {
    name: 'keys', arity: 2, flags: ['readonly'], acl: ['keyspace', 'dangerous'], group: 'generic', since: '1.0.0',
    summary: 'List the keys matching a glob-style pattern', complexity: 'O(N) in the number of keys of the database',
    tips: ['request_policy:all_shards', 'nondeterministic_output_order'], args: [{ name: 'pattern', type: 'pattern' }], run: keys,
  },
  {
    name: 'scan', arity: -2, flags: ['readonly'], acl: ['keyspace'], group: 'generic', since: '2.8.0',
    summary: 'Iterate over the keys of the database a few at a time',
    complexity: 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.',
    tips: ['nondeterministic_output', 'request_policy:special'],
    args: [
      { name: 'cursor', type: 'integer' },
      { name: 'pattern', type: 'pattern', token: 'MATCH', optional: true },
      { name: 'count', type: 'integer', token: 'COUNT', optional: true },
      { name: 'type', type: 'string', token: 'TYPE', optional: true, since: '6.0.0' },
    ],
    run: scan,
  },
  {
    name: 'randomkey', arity: 1, flags: ['readonly'], acl: ['keyspace'], group: 'generic', since: '1.0.0',
    summary: 'Return a key picked at random', complexity: 'O(1)',
    tips: ['request_policy:all_shards', 'nondeterministic_output'], run: randomkey,
  },
] as const satisfies readonly CommandSpec[];

/** A cursor no iteration of ours ever hands out: the scan is over (Redis answers 0 for -1). */
export const CURSOR_PAST_END = -1;

const ULONG_MAX = 2n ** 64n - 1n;

/**
 * A SCAN-family cursor, parsed like Redis (strtoul, base 10): optional sign, digits, nothing
 * else, no leading space, within unsigned 64 bits (a '-' wraps around, the empty string is 0).
 * Returns a safe integer, CURSOR_PAST_END for larger values, or null after replying the error.
 */
export function parseScanCursor(ctx: CommandContext, argv: Argv, i: number): number | null {
  const s = argv.str(i);
  let p = 0;
  let neg = false;
  const c0 = s.charCodeAt(0);
  if (c0 === 0x2b || c0 === 0x2d) {
    neg = c0 === 0x2d;
    p = 1;
  }
  let ok = s.length === 0 || p < s.length;
  for (let k = p; k < s.length && ok; k++) {
    const c = s.charCodeAt(k);
    if (c < 0x30 || c > 0x39) ok = false;
  }
  let v = ok && s.length > p ? BigInt(s.slice(p)) : 0n;
  if (!ok || v > ULONG_MAX) {
    ctx.reply.error(ERR.invalidCursor);
    return null;
  }
  if (neg && v !== 0n) v = ULONG_MAX + 1n - v;
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : CURSOR_PAST_END;
}

export interface ScanOptions {
  count: number;
  /** null when every element matches (no MATCH, or MATCH '*'). */
  pattern: string | null;
  /** SCAN's TYPE filter; null when absent. */
  type: string | null;
}

/**
 * MATCH / COUNT (and TYPE for SCAN itself) from argv[from..]; later options override earlier
 * ones. Returns null after replying the error.
 */
export function parseScanOptions(ctx: CommandContext, argv: Argv, from: number, allowType: boolean): ScanOptions | null {
  const o: ScanOptions = { count: 10, pattern: null, type: null };
  for (let i = from; i < argv.argc; i += 2) {
    const hasValue = i + 1 < argv.argc;
    if (hasValue && argv.is(i, 'COUNT')) {
      const n = argv.int(i + 1);
      if (n === null) {
        ctx.reply.error(ERR.notInteger);
        return null;
      }
      if (n < 1) {
        ctx.reply.error(ERR.syntax);
        return null;
      }
      o.count = typeof n === 'bigint' ? Number.MAX_SAFE_INTEGER : n;
    } else if (hasValue && argv.is(i, 'MATCH')) {
      const p = argv.str(i + 1);
      o.pattern = p === '*' ? null : p;
    } else if (hasValue && allowType && argv.is(i, 'TYPE')) {
      o.type = argv.str(i + 1);
    } else {
      ctx.reply.error(ERR.syntax);
      return null;
    }
  }
  return o;
}

/** Case-insensitive ASCII comparison, as strcasecmp for type names. */
function sameTypeName(a: string, b: string): boolean {
  return a.length === b.length && a.toLowerCase() === b.toLowerCase();
}

/** SCAN cursor [MATCH pattern] [COUNT count] [TYPE type] */
function scan(ctx: CommandContext, argv: Argv): void {
  const cursor = parseScanCursor(ctx, argv, 1);
  if (cursor === null) return;
  const o = parseScanOptions(ctx, argv, 2, true);
  if (o === null) return;
  const db = ctx.db;
  const found: string[] = [];
  const next = cursor === CURSOR_PAST_END ? 0 : db.scanKeys(cursor, o.count, found);
  const out: string[] = [];
  for (const key of found) {
    if (o.pattern !== null && !globMatch(o.pattern, key)) continue;
    if (o.type !== null) {
      const v = db.lookupReadFlags(key, LOOKUP.NOTOUCH);
      if (!sameTypeName(o.type, v === undefined ? 'none' : typeOf(v))) continue;
    }
    if (db.expireIfNeeded(key)) continue;
    out.push(key);
  }
  ctx.reply.arrayHeader(2);
  ctx.reply.bulk(String(next));
  ctx.reply.bulkArray(out);
}

/** KEYS pattern: logically expired keys are skipped but left for expiry to reclaim. */
function keys(ctx: CommandContext, argv: Argv): void {
  const pattern = argv.str(1);
  const all = pattern === '*';
  const db = ctx.db;
  const out: string[] = [];
  for (const [key] of db.entries()) {
    if ((all || globMatch(pattern, key)) && !db.keyIsExpired(key)) out.push(key);
  }
  ctx.reply.bulkArray(out);
}

/** RANDOMKEY */
function randomkey(ctx: CommandContext): void {
  const key = ctx.db.randomKey();
  if (key === null) ctx.reply.nullBulk();
  else ctx.reply.bulk(key);
}
