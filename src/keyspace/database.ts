/**
 * Database: one of the numbered keyspaces (SELECT n). Owns the key → value dictionary and the
 * key → absolute-expiry (ms) dictionary, like Redis's `dict` and `expires`.
 *
 * Dictionary: a V8 Map holds at most 2^24 entries, so the dictionary is a list of Maps
 * ("shards"). Nearly always there is one, and the hot path touches `main` directly; past
 * `shardCapacity` keys, new keys go to further shards. A key lives in exactly one shard.
 *
 * Lazy expiry happens in lookupRead/lookupWrite, as in Redis's lookupKey*; the active cycle is
 * in keyspace.ts. A key with expire time `when` is expired once now > when (Redis's
 * keyIsExpired), so at now === when it still exists with a TTL of 0. Every modification goes
 * through `signalModified` (WATCH, blocked clients) and `notify` (keyspace events); command
 * families never reach those subsystems directly.
 *
 * SCAN: a cursor names a live Map iterator kept in a small table (V8 Map iterators survive
 * insertions, deletions and rehashing, visiting each entry present throughout exactly once),
 * together with how many entries it has visited. An unknown or evicted cursor resumes by
 * position, which still returns every key that was present throughout unless keys before it
 * were deleted meanwhile. A key lives in one shard for its whole life, so walking the shards
 * in order keeps the guarantee. See docs/architecture.md.
 */
import type { RedisValue } from '../values/types.js';
import { compactLru, withLru } from '../values/string.js';
import type { Keyspace } from './keyspace.js';
import { NOTIFY } from './notify.js';

/** Keys per Map; V8's limit is 2^24 entries. */
export const DEFAULT_SHARD_CAPACITY = 1 << 23;

const CURSOR_SLOTS = 1024;

/** Flags for lookupReadFlags, as Redis's LOOKUP_* (a plain read uses none of them). */
export const LOOKUP = {
  /** Do not update the LRU/LFU word (TTL, TYPE, EXISTS, OBJECT). */
  NOTOUCH: 1,
  /** Do not fire the 'keymiss' event (OBJECT). */
  NONOTIFY: 2,
  /** Do not count keyspace hits/misses. */
  NOSTATS: 4,
} as const;

interface ScanState {
  it: Iterator<string>;
  shard: number;
  visited: number;
  gen: number;
}

export class Database {
  readonly id: number;
  main: Map<string, RedisValue> = new Map();
  private shards: Map<string, RedisValue>[] = [this.main];
  expires: Map<string, number> = new Map();
  /** Bumped when the dictionary is replaced (FLUSHDB, SWAPDB) so stale cursors restart. */
  private gen = 0;
  private cursors: (ScanState | undefined)[] = [];
  private nextCursorSlot = 1;
  /** Iterator over `expires` used by the active expiry cycle; survives between cycles. */
  expireCursor: Iterator<[string, number]> | null = null;
  /** Sum of TTLs seen by the active cycle, for INFO's avg_ttl (an estimate, as in Redis). */
  avgTtl = 0;
  private randomIt: Iterator<string> | null = null;

  constructor(
    id: number,
    readonly ks: Keyspace,
    readonly shardCapacity = DEFAULT_SHARD_CAPACITY,
  ) {
    this.id = id;
  }

  get size(): number {
    if (this.shards.length === 1) return this.main.size;
    let n = 0;
    for (const s of this.shards) n += s.size;
    return n;
  }

  /** How many Maps the dictionary spans (1 until it outgrows shardCapacity). */
  get shardCount(): number {
    return this.shards.length;
  }

  // ---- raw dictionary access (no expiry logic) -------------------------------------------

  /** The value without expiry checks or LRU update. */
  peek(key: string): RedisValue | undefined {
    const v = this.main.get(key);
    if (v !== undefined || this.shards.length === 1) return v;
    for (let i = 1; i < this.shards.length; i++) {
      const w = (this.shards[i] as Map<string, RedisValue>).get(key);
      if (w !== undefined) return w;
    }
    return undefined;
  }

  private shardOf(key: string): Map<string, RedisValue> | undefined {
    if (this.main.has(key)) return this.main;
    for (let i = 1; i < this.shards.length; i++) {
      const s = this.shards[i] as Map<string, RedisValue>;
      if (s.has(key)) return s;
    }
    return undefined;
  }

  /** Store without touching the expire (the caller decides). Returns true if the key is new. */
  private dictSet(key: string, v: RedisValue): boolean {
    const m = this.main;
    if (this.shards.length === 1) {
      const before = m.size;
      if (before < this.shardCapacity || m.has(key)) {
        m.set(key, v);
        return m.size !== before;
      }
    } else {
      const holder = this.shardOf(key);
      if (holder !== undefined) {
        holder.set(key, v);
        return false;
      }
    }
    for (const s of this.shards) {
      if (s.size < this.shardCapacity) {
        s.set(key, v);
        return true;
      }
    }
    const s = new Map<string, RedisValue>();
    s.set(key, v);
    this.shards.push(s);
    return true;
  }

  private dictDelete(key: string): boolean {
    if (this.main.delete(key)) return true;
    for (let i = 1; i < this.shards.length; i++) {
      if ((this.shards[i] as Map<string, RedisValue>).delete(key)) return true;
    }
    return false;
  }

  // ---- lookups ----------------------------------------------------------------------------

  /** True (and deletes it) when the key has a past expiry: Redis's expireIfNeeded. */
  expireIfNeeded(key: string): boolean {
    if (this.expires.size === 0) return false;
    const when = this.expires.get(key);
    if (when === undefined || when >= this.ks.now) return false;
    if (this.ks.expiryFrozen) return false;
    this.deleteExpired(key);
    return true;
  }

  /** Delete a key because it expired: stats, 'expired' event, WATCH. */
  deleteExpired(key: string): void {
    this.dictDelete(key);
    this.expires.delete(key);
    this.ks.stats.expiredKeys++;
    this.notify(NOTIFY.EXPIRED, 'expired', key);
    this.signalModified(key);
  }

  /** Look up for reading: lazy expiry, keyspace hits/misses, LRU/LFU touch. */
  lookupRead(key: string): RedisValue | undefined {
    let v = this.main.get(key);
    if (v === undefined && this.shards.length > 1) v = this.peek(key);
    if (v !== undefined && this.expires.size !== 0 && this.expireIfNeeded(key)) v = undefined;
    if (v === undefined) {
      this.ks.stats.keyspaceMisses++;
      this.notify(NOTIFY.KEY_MISS, 'keymiss', key);
      return undefined;
    }
    this.ks.stats.keyspaceHits++;
    if (!this.ks.noTouch) v = this.touch(key, v);
    return v;
  }

  /** Look up for writing: lazy expiry only (Redis's lookupKeyWrite). */
  lookupWrite(key: string): RedisValue | undefined {
    let v = this.main.get(key);
    if (v === undefined && this.shards.length > 1) v = this.peek(key);
    if (v !== undefined && this.expires.size !== 0 && this.expireIfNeeded(key)) return undefined;
    if (v !== undefined && !this.ks.noTouch) v = this.touch(key, v);
    return v;
  }

  /**
   * Look up for reading with Redis's LOOKUP_* flags (lookupKeyReadWithFlags): lazy expiry
   * always; stats, 'keymiss' and the LRU/LFU touch unless the flags say otherwise.
   */
  lookupReadFlags(key: string, flags: number): RedisValue | undefined {
    let v = this.peek(key);
    if (v !== undefined && this.expires.size !== 0 && this.expireIfNeeded(key)) v = undefined;
    if (v === undefined) {
      if ((flags & LOOKUP.NOSTATS) === 0) this.ks.stats.keyspaceMisses++;
      if ((flags & LOOKUP.NONOTIFY) === 0) this.notify(NOTIFY.KEY_MISS, 'keymiss', key);
      return undefined;
    }
    if ((flags & LOOKUP.NOSTATS) === 0) this.ks.stats.keyspaceHits++;
    if ((flags & LOOKUP.NOTOUCH) === 0 && !this.ks.noTouch) v = this.touch(key, v);
    return v;
  }

  /** Whether the key has an expire in the past, without deleting it (KEYS; keyIsExpired). */
  keyIsExpired(key: string): boolean {
    if (this.expires.size === 0 || this.ks.expiryFrozen) return false;
    const when = this.expires.get(key);
    return when !== undefined && when < this.ks.now;
  }

  /** Exists without stats or touch (EXISTS uses lookupRead in Redis; this is for internals). */
  has(key: string): boolean {
    const v = this.peek(key);
    if (v === undefined) return false;
    return !this.expireIfNeeded(key);
  }

  /** Update the LRU/LFU word on access. A compact string is replaced by a copy only when it changes. */
  touch(key: string, v: RedisValue): RedisValue {
    if (typeof v === 'string') {
      const old = compactLru(v);
      const w = this.ks.touchWord(old);
      if (w === old) return v;
      const nv = withLru(v, w);
      if (this.shards.length === 1) this.main.set(key, nv);
      else this.dictSet(key, nv);
      return nv;
    }
    v.lru = this.ks.touchWord(v.lru);
    return v;
  }

  // ---- modifications ----------------------------------------------------------------------

  /**
   * Store a value (Redis's setKey): overwrites any previous value of any type, clears the
   * expire unless keepTtl, signals the modification. Events are the command's business.
   */
  set(key: string, v: RedisValue, keepTtl = false): boolean {
    const added = this.dictSet(key, v);
    if (!keepTtl && this.expires.size !== 0) this.expires.delete(key);
    this.signalModified(key);
    if (added) this.notify(NOTIFY.NEW, 'new', key);
    return added;
  }

  /** Replace the value of an existing key in place (no expire change), e.g. after INCR. */
  replace(key: string, v: RedisValue): void {
    if (this.shards.length === 1) this.main.set(key, v);
    else this.dictSet(key, v);
    this.signalModified(key);
  }

  /** Add a key known to be absent (dbAdd); fires the 'new' event like Redis. */
  add(key: string, v: RedisValue): void {
    this.dictSet(key, v);
    this.signalModified(key);
    this.notify(NOTIFY.NEW, 'new', key);
  }

  /** Delete a key (dbDelete). Returns whether it existed. Signals; events are the caller's. */
  delete(key: string): boolean {
    if (!this.dictDelete(key)) return false;
    if (this.expires.size !== 0) this.expires.delete(key);
    this.signalModified(key);
    return true;
  }

  setExpire(key: string, whenMs: number): void {
    this.expires.set(key, whenMs);
  }

  /** Absolute expiry in ms, or -1 when the key has none. */
  getExpire(key: string): number {
    if (this.expires.size === 0) return -1;
    const w = this.expires.get(key);
    return w === undefined ? -1 : w;
  }

  removeExpire(key: string): boolean {
    return this.expires.delete(key);
  }

  signalModified(key: string): void {
    this.ks.hooks.modified(this, key);
  }

  notify(type: number, event: string, key: string): void {
    if ((this.ks.notifyFlags & type) !== 0) this.ks.hooks.event(type, event, key, this.id);
  }

  /** Remove every key (FLUSHDB); returns how many there were. */
  flush(): number {
    const n = this.size;
    this.ks.hooks.flushing(this, null);
    this.main = new Map();
    this.shards = [this.main];
    this.expires = new Map();
    this.resetIterators();
    return n;
  }

  /** Exchange contents with another database (SWAPDB). */
  swapWith(other: Database): void {
    this.ks.hooks.flushing(this, other);
    this.ks.hooks.flushing(other, this);
    const m = this.main;
    const s = this.shards;
    const e = this.expires;
    this.main = other.main;
    this.shards = other.shards;
    this.expires = other.expires;
    other.main = m;
    other.shards = s;
    other.expires = e;
    const a = this.avgTtl;
    this.avgTtl = other.avgTtl;
    other.avgTtl = a;
    this.resetIterators();
    other.resetIterators();
  }

  private resetIterators(): void {
    this.gen++;
    this.cursors = [];
    this.expireCursor = null;
    this.randomIt = null;
  }

  allKeys(): string[] {
    const out: string[] = [];
    for (const s of this.shards) for (const k of s.keys()) out.push(k);
    return out;
  }

  /** Every entry, shard by shard (KEYS, persistence). Callers must not modify while iterating. */
  *entries(): IterableIterator<[string, RedisValue]> {
    for (const s of this.shards) yield* s.entries();
  }

  // ---- SCAN -------------------------------------------------------------------------------

  /**
   * Collect the keys of about `count` entries starting at `cursor` into `out`; returns the next
   * cursor (0 when the iteration is complete). Keys come as they are, expired or not: the
   * caller filters (MATCH, TYPE, then lazy expiry) in Redis's order.
   */
  scanKeys(cursor: number, count: number, out: string[]): number {
    let st: ScanState | undefined;
    let slot = cursor % CURSOR_SLOTS;
    const visitedIn = Math.floor(cursor / CURSOR_SLOTS);
    if (cursor !== 0) {
      const cand = this.cursors[slot];
      if (cand !== undefined && cand.visited === visitedIn && cand.gen === this.gen) st = cand;
    }
    if (st === undefined) {
      st = { it: (this.shards[0] as Map<string, RedisValue>).keys(), shard: 0, visited: 0, gen: this.gen };
      // Positional resume for an unknown cursor: skip what it says it had visited.
      for (let i = 0; i < visitedIn; i++) if (!this.advance(st)) break;
      slot = this.nextCursorSlot;
      this.nextCursorSlot = this.nextCursorSlot + 1 >= CURSOR_SLOTS ? 1 : this.nextCursorSlot + 1;
    }
    let seen = 0;
    while (seen < count) {
      const r = st.it.next();
      if (r.done) {
        if (st.shard + 1 >= this.shards.length) {
          if (this.cursors[slot] === st) this.cursors[slot] = undefined;
          return 0;
        }
        st.shard++;
        st.it = (this.shards[st.shard] as Map<string, RedisValue>).keys();
        continue;
      }
      st.visited++;
      seen++;
      out.push(r.value);
    }
    this.cursors[slot] = st;
    return st.visited * CURSOR_SLOTS + slot;
  }

  private advance(st: ScanState): boolean {
    for (;;) {
      const r = st.it.next();
      if (!r.done) {
        st.visited++;
        return true;
      }
      if (st.shard + 1 >= this.shards.length) return false;
      st.shard++;
      st.it = (this.shards[st.shard] as Map<string, RedisValue>).keys();
    }
  }

  // ---- random keys -----------------------------------------------------------------------

  /**
   * A random key, for RANDOMKEY (dbRandomKey): a persistent iterator advanced by a random
   * stride, so each call is O(stride) rather than O(n). A volatile key found expired is deleted
   * and the search goes on, so the loop ends: every turn either returns or removes a key.
   */
  randomKey(): string | null {
    for (;;) {
      const total = this.size;
      if (total === 0) return null;
      const stride = Math.floor(this.ks.random() * Math.min(total, 64));
      let key: string | null = null;
      for (let i = 0; i <= stride; i++) key = this.nextRandomIterKey();
      if (key === null) return null;
      if (this.expires.size !== 0 && this.expires.has(key) && this.expireIfNeeded(key)) continue;
      return key;
    }
  }

  private nextRandomIterKey(): string | null {
    for (let pass = 0; pass < 2; pass++) {
      if (this.randomIt === null) this.randomIt = this.keysAcrossShards();
      const r = this.randomIt.next();
      if (!r.done) return r.value;
      this.randomIt = null;
    }
    return null;
  }

  private *keysAcrossShards(): IterableIterator<string> {
    // Start from a random shard so every shard gets visited.
    const n = this.shards.length;
    const first = Math.floor(this.ks.random() * n);
    for (let i = 0; i < n; i++) yield* (this.shards[(first + i) % n] as Map<string, RedisValue>).keys();
  }
}

