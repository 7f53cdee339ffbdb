/**
 * Serialize one value as Redis 7.0's rdbSaveObjectType + rdbSaveObject do, choosing the RDB
 * type from the value's encoding exactly as Redis would for the same data:
 *
 *   string                     RDB_TYPE_STRING (integer-encoded / LZF / verbatim)
 *   list                       RDB_TYPE_LIST_QUICKLIST_2: listpack nodes, split as RPUSH
 *                              fills a quicklist (list-max-listpack-size)
 *   set (intset | hashtable)   RDB_TYPE_SET_INTSET blob | RDB_TYPE_SET members
 *   hash (listpack | hashtable) RDB_TYPE_HASH_LISTPACK | RDB_TYPE_HASH field/value pairs
 *   zset (listpack | skiplist) RDB_TYPE_ZSET_LISTPACK (member, score) | RDB_TYPE_ZSET_2,
 *                              members from the greatest, binary double scores
 *   stream                     RDB_TYPE_STREAM_LISTPACKS_2 (stream-codec.ts)
 *
 * Imports values/ to read them; nothing from server/ or commands/.
 */
import { RawString } from '../values/string.js';
import type { RedisObject, RedisValue } from '../values/types.js';
import { META_CHARS } from '../values/types.js';
import type { RedisList } from '../values/list.js';
import type { RedisSet } from '../values/set.js';
import type { RedisHash } from '../values/hash.js';
import type { RedisZset } from '../values/zset.js';
import type { RedisStream } from '../values/stream.js';
import { formatG } from '../protocol/number-format.js';
import { CONTAINER_PACKED, T } from './rdb-format.js';
import type { RdbEncoder } from './rdb-encoder.js';
import { ListpackWriter, LP_EMPTY_BYTES, lpEntrySize } from './listpack-codec.js';
import { writeIntset } from './intset-codec.js';
import { encodeStream } from './stream-codec.js';

/** What the list encoder needs of the configuration. */
export interface EncodeOptions {
  /** list-max-listpack-size (the quicklist fill factor). */
  readonly listMaxListpackSize: number;
}

const lp = new ListpackWriter(1024);

/** The RDB object type Redis would write for this value (rdbSaveObjectType). */
export function rdbTypeOf(v: RedisValue): number {
  if (typeof v === 'string') return T.STRING;
  switch (v.type) {
    case 'string':
      return T.STRING;
    case 'list':
      return T.LIST_QUICKLIST_2;
    case 'set':
      return v.encoding() === 'intset' ? T.SET_INTSET : T.SET;
    case 'zset':
      return v.encoding() === 'listpack' ? T.ZSET_LISTPACK : T.ZSET_2;
    case 'hash':
      return v.encoding() === 'listpack' ? T.HASH_LISTPACK : T.HASH;
    case 'stream':
      return T.STREAM_LISTPACKS_2;
  }
}

/** Type byte and value (what follows the key in an RDB file; the body of a DUMP payload). */
export function writeObject(enc: RdbEncoder, v: RedisValue, opts: EncodeOptions): void {
  enc.byte(rdbTypeOf(v));
  writeValue(enc, v, opts);
}

/** The value alone (rdbSaveObject). */
export function writeValue(enc: RdbEncoder, v: RedisValue, opts: EncodeOptions): void {
  if (typeof v === 'string') {
    enc.string(v, 0, v.length - META_CHARS);
    return;
  }
  const o: RedisObject = v;
  switch (o.type) {
    case 'string': {
      const r = o as RawString;
      enc.stringBytes(r.buf, 0, r.len);
      return;
    }
    case 'list':
      writeList(enc, o as RedisList, opts.listMaxListpackSize);
      return;
    case 'set':
      writeSet(enc, o as RedisSet);
      return;
    case 'hash':
      writeHash(enc, o as RedisHash);
      return;
    case 'zset':
      writeZset(enc, o as RedisZset);
      return;
    case 'stream':
      encodeStream(enc, o as RedisStream);
      return;
  }
}

/** quicklist's optimization_level: node byte limits for fill -1..-5. */
const OPTIMIZATION_LEVEL = [4096, 8192, 16384, 32768, 65536];
const SIZE_SAFETY_LIMIT = 8192;
const SIZE_ESTIMATE_OVERHEAD = 8;

/** _quicklistNodeAllowInsert: may a node of `bytes` bytes and `count` entries take one of `sz` bytes? */
function nodeAllowsInsert(bytes: number, count: number, fill: number, sz: number): boolean {
  const newSz = bytes + sz + SIZE_ESTIMATE_OVERHEAD;
  if (fill < 0) {
    const limit = OPTIMIZATION_LEVEL[-fill - 1];
    if (limit !== undefined && newSz <= limit) return true;
  }
  if (newSz > SIZE_SAFETY_LIMIT) return false;
  return count < fill;
}

function writeList(enc: RdbEncoder, l: RedisList, fill: number): void {
  // Node boundaries are found first (the count comes before the nodes), by the rule RPUSH
  // follows: a node takes the next element while the estimate allows it.
  const n = l.length;
  const cuts: number[] = [];
  let bytes = LP_EMPTY_BYTES;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const e = l.at(i) as string;
    if (count > 0 && !nodeAllowsInsert(bytes, count, fill, e.length)) {
      cuts.push(i);
      bytes = LP_EMPTY_BYTES;
      count = 0;
    }
    bytes += lpEntrySize(e);
    count++;
  }
  cuts.push(n);
  enc.len(cuts.length);
  let from = 0;
  for (const to of cuts) {
    lp.reset();
    for (let i = from; i < to; i++) lp.append(l.at(i) as string);
    enc.len(CONTAINER_PACKED);
    const b = lp.finish();
    enc.stringBytes(b, 0, b.length);
    from = to;
  }
}

function writeSet(enc: RdbEncoder, s: RedisSet): void {
  const is = s.intsetParts();
  if (is !== null) {
    writeIntset(enc, is.data, is.width);
    return;
  }
  const n = s.size;
  enc.len(n);
  for (let i = 0; i < n; i++) enc.string(s.at(i));
}

function writeHash(enc: RdbEncoder, h: RedisHash): void {
  if (h.encoding() === 'listpack') {
    lp.reset();
    h.forEach((f, v) => {
      lp.append(f);
      lp.append(v);
    });
    const b = lp.finish();
    enc.stringBytes(b, 0, b.length);
    return;
  }
  enc.len(h.size);
  h.forEach((f, v) => {
    enc.string(f);
    enc.string(v);
  });
}

const TWO62 = 2 ** 62;

/** zzlInsertAt's score element: an integer when double2ll allows, else d2string's text. */
function appendScore(w: ListpackWriter, d: number): void {
  if (Number.isInteger(d) && d >= -TWO62 && d <= TWO62) {
    w.appendInt(Number.isSafeInteger(d) ? d : BigInt(d));
    return;
  }
  w.append(formatG(d, 17));
}

function writeZset(enc: RdbEncoder, z: RedisZset): void {
  if (z.isListpack) {
    lp.reset();
    z.forEach((m, s) => {
      lp.append(m);
      appendScore(lp, s);
    });
    const b = lp.finish();
    enc.stringBytes(b, 0, b.length);
    return;
  }
  const n = z.length;
  enc.len(n);
  // From the greatest, as Redis walks its skiplist from the tail (loading then inserts at the head).
  for (const it = z.iter(n - 1); it.valid; it.prev()) {
    enc.string(it.member);
    enc.binaryDouble(it.score);
  }
}
