/**
 * KeyDict: a database's key → value dictionary (Redis's db->dict).
 *
 * Why not a JS Map (what this replaced): measured on Node 20 with 100,000 keys, a lookup by a
 * key taken from the request cost ~400 ns: the request's bytes must first become a new string
 * (latin1Slice, ~70 ns and garbage), which V8 then hashes and compares through its slow
 * string-equality path. Here a request's key bytes are hashed and compared where they lie
 * (`indexOfBytes`), so GET, and SET of an existing key, allocate no key string at all: ~200 ns
 * for the same lookup. A Map also holds at most 2^24 entries; this holds up to V8's array
 * limit (~2^27 keys per database).
 *
 * Layout, like the 'hashtable' encoding of sets and hashes (values/structures/dict.ts):
 *   - entries are dense (index 0..size-1); deleting moves the last entry into the hole, so a
 *     random key is one random index (RANDOMKEY);
 *   - entry i's key and value sit side by side in one array (`kv[2i]`, `kv[2i+1]`) and its
 *     cached 32-bit hash and chain link side by side in one Int32Array (`links[2i]`,
 *     `links[2i+1]`): a look-up of a big keyspace is bound by cache misses, and pairing the
 *     fields saves two of them (measured ~20% faster than four separate arrays);
 *   - buckets (`heads`) are chains of entry indexes, sized like Redis: a power of two,
 *     doubled when entries outnumber buckets, halved down when under 10% full;
 *   - SCAN walks buckets with Redis's reverse-binary cursor (dictScan): stateless cursors, and
 *     every key present for the whole iteration is returned, across resizes.
 * Unlike Redis the resize relinks all entries at once (~10 ms per million keys), as a Map
 * does; there is no incremental rehash.
 *
 * Hashing: seeded FNV-1a with a murmur3 finalizer, over the chars of a key string or the bytes
 * of a request (the same numbers: keys are latin1, one char per byte). The seed is random per
 * process, as Redis's siphash key is.
 */
import type { RedisValue } from '../values/types.js';

const MIN_BUCKETS = 16;
const MIN_CAPACITY = 16;
/** Redis's HASHTABLE_MIN_FILL: shrink when less than 10% of the buckets would be used. */
const MIN_FILL_PERCENT = 10;

const SEED = ((Math.random() * 0x100000000) | 0) ^ 0x811c9dc5;

function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

export function hashKey(s: string): number {
  let h = SEED;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return finish(h);
}

export function hashKeyBytes(b: Uint8Array, start: number, end: number): number {
  let h = SEED;
  for (let i = start; i < end; i++) h = Math.imul(h ^ (b[i] as number), 0x01000193);
  return finish(h);
}

/** Reverse the bits of a 32-bit value (for the SCAN cursor). */
function rev32(v: number): number {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  v = (v >>> 16) | (v << 16);
  return v >>> 0;
}

export class KeyDict {
  /** Entry i's key at 2i and value at 2i+1. */
  private kv: (string | RedisValue)[] = [];
  /** Entry i's hash at 2i and next entry in its bucket chain (-1: none) at 2i+1. */
  private links: Int32Array = new Int32Array(MIN_CAPACITY * 2);
  private heads: Int32Array = new Int32Array(MIN_BUCKETS).fill(-1);
  private mask = MIN_BUCKETS - 1;
  private count = 0;
  /** Hash of the key of the last failed lookup, so the insertion that follows skips rehashing. */
  private lastHash = 0;
  /**
   * Index found by the last lookup (-1 after a removal moved entries): a command that looks a
   * key up by its bytes and then again by the returned key string (INCR) hashes it once.
   */
  private lastIndex = -1;

  get size(): number {
    return this.count;
  }

  get bucketCount(): number {
    return this.mask + 1;
  }

  /** Index of `key`, or -1. */
  indexOf(key: string): number {
    const li = this.lastIndex;
    if (li >= 0 && this.kv[2 * li] === key) return li;
    const h = hashKey(key);
    this.lastHash = h;
    const links = this.links;
    const kv = this.kv;
    for (let i = this.heads[h & this.mask] as number; i >= 0; i = links[2 * i + 1] as number) {
      if (links[2 * i] === h && kv[2 * i] === key) {
        this.lastIndex = i;
        return i;
      }
    }
    return -1;
  }

  /** Index of the key whose bytes are b[start, end), or -1. Allocates nothing. */
  indexOfBytes(b: Uint8Array, start: number, end: number): number {
    const h = hashKeyBytes(b, start, end);
    this.lastHash = h;
    const n = end - start;
    const links = this.links;
    const kv = this.kv;
    for (let i = this.heads[h & this.mask] as number; i >= 0; i = links[2 * i + 1] as number) {
      if (links[2 * i] !== h) continue;
      const k = kv[2 * i] as string;
      if (k.length !== n) continue;
      let j = 0;
      while (j < n && k.charCodeAt(j) === b[start + j]) j++;
      if (j === n) {
        this.lastIndex = i;
        return i;
      }
    }
    return -1;
  }

  keyAt(i: number): string {
    return this.kv[2 * i] as string;
  }

  valueAt(i: number): RedisValue {
    return this.kv[2 * i + 1] as RedisValue;
  }

  setValueAt(i: number, v: RedisValue): void {
    this.kv[2 * i + 1] = v;
  }

  get(key: string): RedisValue | undefined {
    const i = this.indexOf(key);
    return i < 0 ? undefined : (this.kv[2 * i + 1] as RedisValue);
  }

  has(key: string): boolean {
    return this.indexOf(key) >= 0;
  }

  /** Store; returns true when the key is new. */
  set(key: string, v: RedisValue): boolean {
    const i = this.indexOf(key);
    if (i >= 0) {
      this.kv[2 * i + 1] = v;
      return false;
    }
    this.insert(this.lastHash, key, v);
    return true;
  }

  /** Add a key right after indexOf/indexOfBytes of the same key returned -1. */
  addAfterMiss(key: string, v: RedisValue): void {
    this.insert(this.lastHash, key, v);
  }

  private insert(h: number, key: string, v: RedisValue): void {
    const i = this.count;
    if (2 * i === this.links.length) this.resizeLinks(Math.floor(i * 1.5) + 16);
    this.kv.push(key, v);
    this.count = i + 1;
    const b = h & this.mask;
    this.links[2 * i] = h;
    this.links[2 * i + 1] = this.heads[b] as number;
    this.heads[b] = i;
    if (i + 1 > this.mask + 1) this.rehash((this.mask + 1) * 2);
  }

  delete(key: string): boolean {
    const i = this.indexOf(key);
    if (i < 0) return false;
    this.removeAt(i);
    return true;
  }

  /** Remove entry i; the last entry moves into its slot. */
  removeAt(i: number): void {
    this.lastIndex = -1;
    this.unlink(i);
    const links = this.links;
    const last = this.count - 1;
    if (i !== last) {
      // Point whoever referred to `last` at `i`, then move it.
      const b = (links[2 * last] as number) & this.mask;
      if (this.heads[b] === last) {
        this.heads[b] = i;
      } else {
        let p = this.heads[b] as number;
        while (links[2 * p + 1] !== last) p = links[2 * p + 1] as number;
        links[2 * p + 1] = i;
      }
      this.kv[2 * i] = this.kv[2 * last] as string;
      this.kv[2 * i + 1] = this.kv[2 * last + 1] as RedisValue;
      links[2 * i] = links[2 * last] as number;
      links[2 * i + 1] = links[2 * last + 1] as number;
    }
    this.kv.pop();
    this.kv.pop();
    this.count = last;
    const nb = this.mask + 1;
    if (nb > MIN_BUCKETS && (last * 100) / nb < MIN_FILL_PERCENT) {
      let want = MIN_BUCKETS;
      while (want < last) want *= 2;
      this.rehash(want);
    }
    if (links.length > MIN_CAPACITY * 8 && last < links.length / 8) {
      this.resizeLinks(Math.max(MIN_CAPACITY, last * 2));
    }
  }

  private unlink(i: number): void {
    const links = this.links;
    const b = (links[2 * i] as number) & this.mask;
    if (this.heads[b] === i) {
      this.heads[b] = links[2 * i + 1] as number;
      return;
    }
    let p = this.heads[b] as number;
    while (links[2 * p + 1] !== i) p = links[2 * p + 1] as number;
    links[2 * p + 1] = links[2 * i + 1] as number;
  }

  /** Room for `entries` entries in `links`. */
  private resizeLinks(entries: number): void {
    const l = new Int32Array(entries * 2);
    l.set(this.links.subarray(0, Math.min(l.length, this.count * 2)));
    this.links = l;
  }

  private rehash(nb: number): void {
    const heads = new Int32Array(nb).fill(-1);
    const mask = nb - 1;
    const links = this.links;
    for (let i = this.count - 1; i >= 0; i--) {
      const b = (links[2 * i] as number) & mask;
      links[2 * i + 1] = heads[b] as number;
      heads[b] = i;
    }
    this.heads = heads;
    this.mask = mask;
  }

  /**
   * One SCAN step (Redis's dictScan loop): push the keys of buckets from `cursor` on, in
   * reverse-binary order, until `count` were pushed or 10×count buckets were visited.
   * Returns the next cursor, 0 when the iteration is complete.
   */
  scan(cursor: number, count: number, out: string[]): number {
    let v = cursor >>> 0;
    let emitted = 0;
    let buckets = count * 10;
    do {
      const mask = this.mask;
      for (let i = this.heads[v & mask] as number; i >= 0; i = this.links[2 * i + 1] as number) {
        out.push(this.kv[2 * i] as string);
        emitted++;
      }
      v = rev32((v | ~mask) >>> 0) + 1;
      if (v > 0xffffffff) return 0;
      v = rev32(v);
    } while (v !== 0 && buckets-- > 0 && emitted < count);
    return v;
  }

  /** A uniformly random entry index (size must be > 0). */
  randomIndex(random: () => number): number {
    return Math.floor(random() * this.count);
  }

  /** A copy of every key. */
  allKeys(): string[] {
    const out: string[] = new Array<string>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.kv[2 * i] as string;
    return out;
  }

  /** Every entry; callers must not modify the dictionary while iterating. */
  *entries(): IterableIterator<[string, RedisValue]> {
    const kv = this.kv;
    for (let i = 0; i < this.count; i++) yield [kv[2 * i] as string, kv[2 * i + 1] as RedisValue];
  }
}
