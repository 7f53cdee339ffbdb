/**
 * The value model of the keyspace.
 *
 * A value is either a *compact string* (a JS primitive latin1 string) or a RedisObject.
 *
 * Compact strings are how nearly every string value is stored: a flat one-byte V8 string costs
 * 16 bytes of header, where any wrapper object would add ~40 bytes per key (measured: 109 vs
 * 149 heap bytes per `key:NNNNNNN` → 32-byte pair). Redis keeps a 24-bit LRU/LFU word in every
 * object; we keep the same 24 bits as the last 3 chars of the compact string, so the value's
 * bytes are `s.length - META_CHARS` chars long. Writers hand `s` and that length to the reply
 * writer, which copies only the prefix, so reading costs nothing extra. The word is rewritten
 * (a new string) only when it changes, at most once per LRU clock tick for LRU policies.
 *
 * Every other value (mutable strings, lists, hashes, ...) is an object with a `type` tag and
 * an `lru` field holding the same 24-bit word.
 */

export type ValueType = 'string' | 'list' | 'set' | 'zset' | 'hash' | 'stream';

export interface RedisObject {
  readonly type: ValueType;
  /** 24-bit LRU clock or LFU (minutes << 8 | counter) word, as in Redis's robj. */
  lru: number;
  /** OBJECT ENCODING name, as Redis reports it. */
  encoding(): string;
  /** A deep copy carrying the given LRU word (COPY, MULTI-less snapshots). */
  clone(lru: number): RedisObject;
}

export type RedisValue = string | RedisObject;

/** Number of trailing chars of a compact string that hold the LRU/LFU word. */
export const META_CHARS = 3;

export function typeOf(v: RedisValue): ValueType {
  return typeof v === 'string' ? 'string' : v.type;
}
