/**
 * SORT and SORT_RO, as Redis 7.0's sort.c behaves.
 *
 * The elements of a list, set or sorted set are sorted numerically (each read as a C double by
 * strtod), or with ALPHA as strings, either by themselves or by a weight looked up through a
 * BY pattern (`weight_*`, or `obj_*->field` for a hash field). A BY pattern without '*' means
 * "do not sort": lists and sorted sets keep their own order (LIMIT then reads just that range),
 * a set keeps its iteration order unless the result is STOREd, when it is sorted ALPHA so the
 * stored list is deterministic. GET patterns replace each element in the reply ('#' is the
 * element itself). STORE writes the result as a list (deleting the destination when it is
 * empty) and answers its length.
 *
 * Comparisons are Redis's: numeric ties fall back to comparing the elements' bytes; ALPHA
 * compares with strcoll, which in the C locale is byte order up to the first NUL, except when
 * STOREing, where the whole byte strings are compared. A full sort is stable (glibc's qsort
 * is a merge sort), so equal weights keep the elements' loading order; BY with a LIMIT uses
 * Redis's partial quicksort, which orders equal weights its own way.
 */
import type { Argv } from '../protocol/argv.js';
import { NOTIFY } from '../keyspace/notify.js';
import type { RedisHash } from '../values/hash.js';
import { RedisList } from '../values/list.js';
import type { RedisSet } from '../values/set.js';
import { strText, type StringValue } from '../values/string.js';
import { pqsort } from '../util/pqsort.js';
import type { RedisZset } from '../values/zset.js';
import { ERR } from './errors.js';
import type { ArgDoc, CommandContext, CommandSpec, KeySpec } from './spec.js';
import { parseRangeDouble } from './zset-args.js';

const BY_GET_NOTE =
  "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort";
const STORE_NOTE = "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array";

const SORTED_KEY: KeySpec = { flags: ['RO', 'access'], begin_search: { index: 1 }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } };
const PATTERN_KEYS: KeySpec = { notes: BY_GET_NOTE, flags: ['RO', 'access'], begin_search: { unknown: true }, find_keys: { unknown: true } };
const STORE_KEY: KeySpec = { notes: STORE_NOTE, flags: ['OW', 'update'], begin_search: { unknown: true }, find_keys: { unknown: true } };

const SORT_ARGS: readonly ArgDoc[] = [
  { name: 'key', type: 'key', key_spec_index: 0 },
  { name: 'pattern', type: 'pattern', key_spec_index: 1, token: 'BY', optional: true },
  { name: 'offset_count', type: 'block', token: 'LIMIT', optional: true, arguments: [{ name: 'offset', type: 'integer' }, { name: 'count', type: 'integer' }] },
  { name: 'pattern', type: 'pattern', key_spec_index: 1, token: 'GET', optional: true, multiple: true, multiple_token: true },
  { name: 'order', type: 'oneof', optional: true, arguments: [{ name: 'asc', type: 'pure-token', token: 'ASC' }, { name: 'desc', type: 'pure-token', token: 'DESC' }] },
  { name: 'sorting', type: 'pure-token', token: 'ALPHA', optional: true },
];

const COMPLEXITY =
  'O(N+M*log(M)) for N elements in the list, set or sorted set and M elements returned; O(N) when nothing is sorted.';

export const sortCommands = [
  {
    name: 'sort', arity: -2, flags: ['write', 'denyoom', 'movablekeys'], acl: ['set', 'sortedset', 'list', 'dangerous'], keys: [1, 1, 1],
    keySpecs: [SORTED_KEY, PATTERN_KEYS, STORE_KEY],
    group: 'generic', since: '1.0.0', summary: 'Sort the elements of a list, set or sorted set, optionally storing the result',
    complexity: COMPLEXITY,
    args: [...SORT_ARGS, { name: 'destination', type: 'key', key_spec_index: 2, token: 'STORE', optional: true }],
    getKeys: sortKeys,
    getKeyFlags: (_argv, pos) => (pos === 1 ? SORTED_KEY.flags : STORE_KEY.flags),
    run: (ctx, argv) => sortGeneric(ctx, argv, false),
  },
  {
    name: 'sort_ro', arity: -2, flags: ['readonly', 'movablekeys'], acl: ['set', 'sortedset', 'list', 'dangerous'], keys: [1, 1, 1],
    keySpecs: [SORTED_KEY, PATTERN_KEYS],
    group: 'generic', since: '7.0.0', summary: 'Sort the elements of a list, set or sorted set (the read-only SORT, without STORE)',
    complexity: COMPLEXITY,
    args: SORT_ARGS,
    getKeys: () => [1],
    run: (ctx, argv) => sortGeneric(ctx, argv, true),
  },
] as const satisfies readonly CommandSpec[];

/**
 * Redis's sortGetKeys: the sorted key, and the argument after the last STORE. Options with
 * arguments are skipped over by their known widths; STORE itself does not skip its argument,
 * as in Redis.
 */
function sortKeys(argv: Argv): number[] {
  let store = -1;
  for (let i = 2; i < argv.argc; i++) {
    if (argv.is(i, 'LIMIT')) i += 2;
    else if (argv.is(i, 'GET') || argv.is(i, 'BY')) i += 1;
    else if (argv.is(i, 'STORE') && i + 1 < argv.argc) store = i + 1;
  }
  return store < 0 ? [1] : [1, store];
}

/** One element being sorted: the element, its numeric weight, or its ALPHA weight when BY is used. */
interface SortItem {
  readonly obj: string;
  score: number;
  cmp: string | null;
}

/** The text of s as C code sees it: up to the first NUL. */
function cstr(s: string): string {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}

/** SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA] [STORE destination] */
function sortGeneric(ctx: CommandContext, argv: Argv, readonly: boolean): void {
  let desc = false;
  let alpha = false;
  let dontsort = false;
  let limitStart = 0;
  let limitCount = -1;
  let sortby: string | null = null;
  let storekey: string | null = null;
  const gets: string[] = [];
  for (let j = 2; j < argv.argc; j++) {
    const left = argv.argc - j - 1;
    if (argv.is(j, 'ASC')) desc = false;
    else if (argv.is(j, 'DESC')) desc = true;
    else if (argv.is(j, 'ALPHA')) alpha = true;
    else if (argv.is(j, 'LIMIT') && left >= 2) {
      const s = argv.int(j + 1);
      const c = s === null ? null : argv.int(j + 2);
      if (s === null || c === null) {
        ctx.reply.error(ERR.notInteger);
        return;
      }
      limitStart = Number(s);
      limitCount = Number(c);
      j += 2;
    } else if (!readonly && argv.is(j, 'STORE') && left >= 1) {
      storekey = argv.str(++j);
    } else if (argv.is(j, 'BY') && left >= 1) {
      sortby = argv.str(++j);
      // A constant pattern means "don't sort"; a later BY with '*' does not undo it (Redis).
      if (!cstr(sortby).includes('*')) dontsort = true;
    } else if (argv.is(j, 'GET') && left >= 1) {
      gets.push(argv.str(++j));
    } else {
      ctx.reply.error(ERR.syntax);
      return;
    }
  }

  const key = argv.str(1);
  const sortval = ctx.db.lookupRead(key);
  if (sortval !== undefined && (typeof sortval === 'string' || (sortval.type !== 'list' && sortval.type !== 'set' && sortval.type !== 'zset'))) {
    ctx.reply.error(ERR.wrongType);
    return;
  }
  const type = sortval === undefined ? 'list' : sortval.type;

  // An unsorted set gives its iteration order, which is not deterministic: a stored result
  // is sorted ALPHA instead. (Redis does the same inside scripts; a command here cannot yet
  // tell that it runs from one.)
  if (dontsort && type === 'set' && storekey !== null) {
    dontsort = false;
    alpha = true;
    sortby = null;
  }
  // Redis converts a listpack sorted set to a skiplist for SORT, visibly in OBJECT ENCODING.
  if (type === 'zset') (sortval as RedisZset).toSkiplist();

  const length = sortval === undefined ? 0 : type === 'list' ? (sortval as RedisList).length : type === 'set' ? (sortval as RedisSet).size : (sortval as RedisZset).length;
  let start = Math.min(Math.max(limitStart, 0), length);
  const count = Math.min(Math.max(limitCount, -1), length);
  let end = count < 0 ? length - 1 : start + count - 1;
  if (start >= length) {
    start = length - 1;
    end = length - 2;
  }
  if (end >= length) end = length - 1;

  // Lists and sorted sets left unsorted are read in their own order, only the LIMIT range.
  const ranged = dontsort && (type === 'list' || type === 'zset');
  const vector: SortItem[] = [];
  if (sortval !== undefined) {
    if (ranged) {
      if (end >= start) {
        const n = end - start + 1;
        if (type === 'list') {
          const list = sortval as RedisList;
          for (let i = 0; i < n; i++) vector.push(item(list.at(desc ? length - start - 1 - i : start + i) as string));
        } else {
          const it = (sortval as RedisZset).iter(desc ? length - 1 - start : start);
          for (let i = 0; i < n; i++) {
            vector.push(item(it.member));
            if (desc) it.prev();
            else it.next();
          }
        }
        end -= start;
        start = 0;
      }
    } else if (type === 'list') {
      for (const e of (sortval as RedisList).toArray()) vector.push(item(e));
    } else if (type === 'set') {
      for (const e of (sortval as RedisSet).members()) vector.push(item(e));
    } else {
      (sortval as RedisZset).forEach((m) => vector.push(item(m)));
    }
  }

  let badScore = false;
  if (!dontsort) {
    for (const it of vector) {
      const byval = sortby !== null ? lookupByPattern(ctx, sortby, it.obj) : it.obj;
      if (byval === null) continue;
      if (alpha) {
        if (sortby !== null) it.cmp = byval;
      } else {
        const score = sortScore(byval);
        if (score === null) badScore = true;
        else it.score = score;
      }
    }
    const cmp = comparator(desc, alpha, sortby !== null, storekey !== null);
    // As Redis: with BY and a LIMIT, only the range asked for is sorted (an unstable partial
    // quicksort, so equal weights come out in Redis's own order); otherwise a stable sort.
    if (sortby !== null && (start !== 0 || end !== vector.length - 1)) pqsort(vector, cmp, start, end);
    else vector.sort(cmp);
  }

  if (badScore) {
    ctx.reply.error(ERR.sortNotDouble);
    return;
  }
  const n = end - start + 1;
  const outputLen = gets.length > 0 ? gets.length * n : n;
  if (storekey === null) {
    const r = ctx.reply;
    r.arrayHeader(outputLen);
    for (let j = start; j <= end; j++) {
      const obj = (vector[j] as SortItem).obj;
      if (gets.length === 0) r.bulk(obj);
      for (const g of gets) {
        const v = lookupByPattern(ctx, g, obj);
        if (v === null) r.nullBulk();
        else r.bulk(v);
      }
    }
    return;
  }
  storeResult(ctx, storekey, vector, start, end, gets, outputLen);
}

function item(obj: string): SortItem {
  return { obj, score: 0, cmp: null };
}

/** STORE: the result becomes a list at dest; an empty result deletes dest. Replies the length. */
function storeResult(ctx: CommandContext, dest: string, vector: readonly SortItem[], start: number, end: number, gets: readonly string[], outputLen: number): void {
  const db = ctx.db;
  if (outputLen > 0) {
    const list = new RedisList(ctx.ks.initialWord(), outputLen);
    for (let j = start; j <= end; j++) {
      const obj = (vector[j] as SortItem).obj;
      if (gets.length === 0) list.pushTail(obj);
      for (const g of gets) list.pushTail(lookupByPattern(ctx, g, obj) ?? '');
    }
    db.set(dest, list);
    db.notify(NOTIFY.LIST, 'sortstore', dest);
    ctx.dirty += outputLen;
  } else if (db.delete(dest)) {
    db.notify(NOTIFY.GENERIC, 'del', dest);
    ctx.dirty++;
  }
  ctx.reply.integer(outputLen);
}

/**
 * Redis's lookupKeyByPattern: '#' is the element itself; otherwise the first '*' is replaced
 * by the element and the result names a string key, or with `->field` after the '*' (and a
 * non-empty field) a hash field. Anything missing or of another type gives null. The searches
 * stop at a NUL as C's strchr/strstr do; the lengths are the full ones, as in Redis.
 */
function lookupByPattern(ctx: CommandContext, pattern: string, subst: string): string | null {
  if (pattern.charCodeAt(0) === 0x23 && (pattern.length === 1 || pattern.charCodeAt(1) === 0)) return subst;
  const c = cstr(pattern);
  const star = c.indexOf('*');
  if (star < 0) return null;
  const arrow = c.indexOf('->', star + 1);
  const hasField = arrow >= 0 && arrow + 2 < c.length;
  const field = hasField ? pattern.slice(arrow + 2) : null;
  const postfixLen = pattern.length - (star + 1) - (hasField ? (field as string).length + 2 : 0);
  const key = pattern.slice(0, star) + subst + pattern.slice(star + 1, star + 1 + postfixLen);
  const v = ctx.db.lookupRead(key);
  if (v === undefined) return null;
  if (field !== null) {
    if (typeof v === 'string' || v.type !== 'hash') return null;
    return (v as RedisHash).get(field) ?? null;
  }
  if (typeof v !== 'string' && v.type !== 'string') return null;
  return strText(v as StringValue);
}

const MIN_NORMAL = 2.2250738585072014e-308;

/**
 * A weight as SORT reads it: strtod must consume the text up to its end (or a NUL), and
 * neither NaN nor a range error (overflow, or an inexact underflow) is accepted. Leading
 * spaces are skipped; the empty string is 0, spaces alone are refused.
 */
function sortScore(s: string): number | null {
  const v = parseRangeDouble(s);
  if (v === null) return null;
  const text = cstr(s).toLowerCase();
  if (!Number.isFinite(v)) return text.includes('inf') ? v : null;
  const hex = /0x/.test(text);
  if (v === 0) {
    // Zero from digits that are not all zero is an underflow.
    const e = text.search(hex ? /p/ : /e/);
    const mant = (e < 0 ? text : text.slice(0, e)).replace(/^\s*[+-]?(0x)?/, '');
    return /[1-9a-f]/.test(mant) ? null : v;
  }
  // A decimal subnormal is never exact, and glibc flags it ERANGE. (A hex subnormal may be
  // exact; it is taken as such.)
  if (Math.abs(v) < MIN_NORMAL && !hex) return null;
  return v;
}

/** strcoll in the C locale: unsigned bytes, up to the first NUL of either string. */
function collate(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return x - y;
    if (x === 0) return 0;
  }
  if (a.length === b.length) return 0;
  // The shorter one ends first, unless the longer one has a NUL right there.
  return a.length < b.length ? (b.charCodeAt(n) === 0 ? 0 : -1) : a.charCodeAt(n) === 0 ? 0 : 1;
}

/** Byte-wise comparison of whole strings (compareStringObjects): latin1 code units are bytes. */
function binary(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparator(desc: boolean, alpha: boolean, byPattern: boolean, store: boolean): (a: SortItem, b: SortItem) => number {
  const strCmp = store ? binary : collate;
  let cmp: (a: SortItem, b: SortItem) => number;
  if (!alpha) {
    cmp = (a, b) => (a.score > b.score ? 1 : a.score < b.score ? -1 : binary(a.obj, b.obj));
  } else if (byPattern) {
    cmp = (a, b) => {
      if (a.cmp === null || b.cmp === null) return a.cmp === b.cmp ? 0 : a.cmp === null ? -1 : 1;
      return strCmp(a.cmp, b.cmp);
    };
  } else {
    cmp = (a, b) => strCmp(a.obj, b.obj);
  }
  return desc ? (a, b) => -cmp(a, b) : cmp;
}
