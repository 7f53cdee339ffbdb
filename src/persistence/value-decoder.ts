/**
 * Rebuild one value from its RDB form (Redis 7.0's rdbLoadObject), for every type Redis 7.0
 * reads: the current encodings and the older ones (plain lists, ziplists, zipmaps, quicklist
 * v1, old sorted sets with text scores, streams without the v2 counters). The in-memory
 * encoding follows the loading server's thresholds as Redis's loader decides it (an intset or
 * listpack that is too big becomes a hashtable / skiplist).
 *
 * Returns null for an empty aggregate, which Redis skips when loading a file (and RESTORE
 * refuses); malformed input throws RdbError. Module values are refused.
 */
import type { EncodingLimits } from '../keyspace/keyspace.js';
import { compactFromBytes } from '../values/string.js';
import type { RedisValue } from '../values/types.js';
import { RedisList } from '../values/list.js';
import { RedisSet } from '../values/set.js';
import { RedisHash } from '../values/hash.js';
import { RedisZset } from '../values/zset.js';
import { keyCmp } from '../values/structures/zset-tree.js';
import { CONTAINER_PACKED, CONTAINER_PLAIN, RdbError, T } from './rdb-format.js';
import type { RdbReader } from './rdb-reader.js';
import { ListpackReader, listpackStrings } from './listpack-codec.js';
import { readIntset } from './intset-codec.js';
import { ziplistStrings, zipmapStrings } from './legacy-codecs.js';
import { decodeStream } from './stream-codec.js';

export interface DecodeContext {
  /** The LRU/LFU word new values start with. */
  readonly lru: number;
  readonly limits: EncodingLimits;
}

const MODULE_NAME_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** moduleTypeNameByID: the 9-char type name packed in a module id's top 54 bits. */
function moduleTypeName(hi: number, lo: number): string {
  let id = ((BigInt(hi) << 32n) | BigInt(lo)) >> 10n;
  const out: string[] = [];
  for (let j = 0; j < 9; j++) {
    out.unshift(MODULE_NAME_CHARS[Number(id & 63n)] as string);
    id >>= 6n;
  }
  return out.join('');
}

/** Read the value of an object of RDB type `type`; null for an empty aggregate. */
export function readValue(r: RdbReader, type: number, ctx: DecodeContext): RedisValue | null {
  switch (type) {
    case T.STRING:
      r.readString();
      return compactFromBytes(r.sb, r.ss, r.se, ctx.lru);
    case T.LIST:
      return readPlainList(r, ctx);
    case T.SET:
      return readPlainSet(r, ctx);
    case T.ZSET:
    case T.ZSET_2:
      return readPlainZset(r, type, ctx);
    case T.HASH:
      return readPlainHash(r, ctx);
    case T.LIST_QUICKLIST:
    case T.LIST_QUICKLIST_2:
      return readQuicklist(r, type, ctx);
    case T.HASH_ZIPMAP:
    case T.LIST_ZIPLIST:
    case T.SET_INTSET:
    case T.ZSET_ZIPLIST:
    case T.ZSET_LISTPACK:
    case T.HASH_ZIPLIST:
    case T.HASH_LISTPACK:
      r.readString();
      return readEncodedBlob(r, type, ctx);
    case T.STREAM_LISTPACKS:
    case T.STREAM_LISTPACKS_2:
      return decodeStream(r, type, ctx.lru);
    case T.MODULE:
    case T.MODULE_2: {
      const [hi, lo] = r.lenU64();
      throw new RdbError(`The RDB file contains module data I can't load: no matching module type '${moduleTypeName(hi, lo)}'`);
    }
    default:
      throw new RdbError(`Unknown RDB encoding type ${type}`);
  }
}

function readPlainList(r: RdbReader, ctx: DecodeContext): RedisList | null {
  const n = r.len();
  if (n === 0) return null;
  const l = new RedisList(ctx.lru, Math.min(n, 1 << 20));
  for (let i = 0; i < n; i++) l.pushTail(r.latin1());
  return l;
}

function listFrom(items: readonly string[], ctx: DecodeContext): RedisList | null {
  if (items.length === 0) return null;
  const l = new RedisList(ctx.lru, items.length);
  for (const it of items) l.pushTail(it);
  return l;
}

function readPlainSet(r: RdbReader, ctx: DecodeContext): RedisSet | null {
  const n = r.len();
  if (n === 0) return null;
  let s: RedisSet | null = null;
  for (let i = 0; i < n; i++) {
    const m = r.latin1();
    if (s === null) s = RedisSet.forMember(m, ctx.lru);
    if (!s.add(m, ctx.limits)) throw new RdbError('Duplicate set members detected');
  }
  return s;
}

function addHashPairs(pairs: readonly string[], ctx: DecodeContext, what: string): RedisHash | null {
  if (pairs.length % 2 !== 0) throw new RdbError(`${what} integrity check failed.`);
  if (pairs.length === 0) return null;
  const h = new RedisHash(ctx.lru);
  for (let i = 0; i < pairs.length; i += 2) {
    if (!h.set(pairs[i] as string, pairs[i + 1] as string, ctx.limits)) throw new RdbError('Duplicate hash fields detected');
  }
  return h;
}

function readPlainHash(r: RdbReader, ctx: DecodeContext): RedisHash | null {
  const n = r.len();
  if (n === 0) return null;
  const h = new RedisHash(ctx.lru);
  for (let i = 0; i < n; i++) {
    const f = r.latin1();
    const v = r.latin1();
    if (!h.set(f, v, ctx.limits)) throw new RdbError('Duplicate hash fields detected');
  }
  return h;
}

/** Members and scores in any order, duplicates refused, into a zset encoded by size. */
function zsetFrom(members: string[], scores: number[], ctx: DecodeContext): RedisZset | null {
  const n = members.length;
  if (n === 0) return null;
  const seen = new Set<string>(members);
  if (seen.size !== n) throw new RdbError('Duplicate zset fields detected');
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) {
    if (keyCmp(scores[i - 1] as number, members[i - 1] as string, scores[i] as number, members[i] as string) > 0) sorted = false;
  }
  if (!sorted) {
    // RDB_TYPE_ZSET_2 lists members from the greatest: usually a reversal is enough.
    let reversed = true;
    for (let i = 1; i < n && reversed; i++) {
      if (keyCmp(scores[i - 1] as number, members[i - 1] as string, scores[i] as number, members[i] as string) < 0) reversed = false;
    }
    if (reversed) {
      members.reverse();
      scores.reverse();
    } else {
      const order = members.map((_m, i) => i);
      order.sort((a, b) => keyCmp(scores[a] as number, members[a] as string, scores[b] as number, members[b] as string));
      const ms = order.map((i) => members[i] as string);
      const ss = order.map((i) => scores[i] as number);
      return RedisZset.fromSorted(ms, ss, ctx.lru, ctx.limits);
    }
  }
  return RedisZset.fromSorted(members, scores, ctx.lru, ctx.limits);
}

function readPlainZset(r: RdbReader, type: number, ctx: DecodeContext): RedisZset | null {
  const n = r.len();
  if (n === 0) return null;
  const members: string[] = [];
  const scores: number[] = [];
  for (let i = 0; i < n; i++) {
    members.push(r.latin1());
    const d = type === T.ZSET_2 ? r.binaryDouble() : r.textDouble();
    if (Number.isNaN(d)) throw new RdbError('Zset with NAN score detected');
    scores.push(d);
  }
  return zsetFrom(members, scores, ctx);
}

/** zzlStrtod: a score stored as text in a ziplist/listpack. */
function parseScore(s: string): number {
  const l = s.toLowerCase();
  if (l === 'inf' || l === '+inf' || l === 'infinity') return Infinity;
  if (l === '-inf' || l === '-infinity') return -Infinity;
  const d = Number(s);
  if (Number.isNaN(d) || s.trim() === '') throw new RdbError('Zset with NAN score detected');
  return d;
}

function zsetFromPairs(pairs: readonly string[], ctx: DecodeContext, what: string): RedisZset | null {
  if (pairs.length % 2 !== 0) throw new RdbError(`${what} integrity check failed.`);
  const members: string[] = [];
  const scores: number[] = [];
  for (let i = 0; i < pairs.length; i += 2) {
    members.push(pairs[i] as string);
    scores.push(parseScore(pairs[i + 1] as string));
  }
  return zsetFrom(members, scores, ctx);
}

function readQuicklist(r: RdbReader, type: number, ctx: DecodeContext): RedisList | null {
  const nodes = r.len();
  if (nodes === 0) return null;
  const l = new RedisList(ctx.lru, 16);
  for (let i = 0; i < nodes; i++) {
    let container = CONTAINER_PACKED;
    if (type === T.LIST_QUICKLIST_2) {
      container = r.len();
      if (container !== CONTAINER_PACKED && container !== CONTAINER_PLAIN) throw new RdbError('Quicklist integrity check failed.');
    }
    r.readString();
    if (r.se === r.ss) throw new RdbError('Quicklist integrity check failed.');
    if (container === CONTAINER_PLAIN) {
      l.pushTail(r.sb.latin1Slice(r.ss, r.se));
      continue;
    }
    if (type === T.LIST_QUICKLIST_2) {
      const lp = new ListpackReader(r.sb, r.ss, r.se);
      while (lp.next()) l.pushTail(lp.string());
    } else {
      for (const e of ziplistStrings(r.sb, r.ss, r.se)) l.pushTail(e);
    }
  }
  return l.length === 0 ? null : l;
}

/** The one-string encodings: the blob is in (r.sb, r.ss, r.se). */
function readEncodedBlob(r: RdbReader, type: number, ctx: DecodeContext): RedisValue | null {
  const b = r.sb;
  const s = r.ss;
  const e = r.se;
  switch (type) {
    case T.HASH_ZIPMAP:
      return addHashPairs(zipmapStrings(b, s, e), ctx, 'Zipmap');
    case T.LIST_ZIPLIST:
      return listFrom(ziplistStrings(b, s, e, 'List ziplist'), ctx);
    case T.SET_INTSET: {
      const is = readIntset(b, s, e);
      return RedisSet.fromIntset(is.data, is.width, ctx.lru, ctx.limits);
    }
    case T.ZSET_ZIPLIST:
      return zsetFromPairs(ziplistStrings(b, s, e, 'Zset ziplist'), ctx, 'Zset ziplist');
    case T.ZSET_LISTPACK:
      return zsetFromPairs(listpackStrings(b, s, e), ctx, 'Zset listpack');
    case T.HASH_ZIPLIST:
      return addHashPairs(ziplistStrings(b, s, e, 'Hash ziplist'), ctx, 'Hash ziplist');
    case T.HASH_LISTPACK:
      return addHashPairs(listpackStrings(b, s, e), ctx, 'Hash listpack');
    default:
      throw new RdbError(`Unknown RDB encoding type ${type}`);
  }
}
