/**
 * Database: one of the numbered keyspaces (SELECT n). Owns the key → value dictionary
 * (KeyDict, see keydict.ts) and the key → absolute-expiry (ms) dictionary, like Redis's `dict`
 * and `expires`.
 *
 * Lazy expiry happens in the lookups, as in Redis's lookupKey*; the active cycle is in
 * keyspace.ts. A key with expire time `when` is expired once now > when (Redis's
 * keyIsExpired), so at now === when it still exists with a TTL of 0. Every modification goes
 * through `signalModified` (WATCH, blocked clients) and `notify` (keyspace events); command
 * families never reach those subsystems directly.
 *
 * The *Bytes variants take a key as bytes of the request (GET, SET, INCR, MSET): an existing
 * key is found without making a string of it, and the stored key string is used from then on.
 *
 * SCAN uses the dictionary's reverse-binary bucket cursor, as Redis does: stateless, and
 * every key present for the whole iteration is returned. See docs/architecture.md.
 *
 * Background saves: every write path (lookupWrite, set, replace, setBytes, add, delete,
 * deleteExpired, setExpire, removeExpire, willModify) calls `ks.writeObserver` before the key
 * changes, when a save is running, so the save keeps the key's old version (copy-on-write
 * without fork, persistence/snapshot.ts). FLUSHDB and SWAPDB need no call: the save holds
 * the dictionaries themselves, and a flushed one is never written to again.
 */
import type { RedisValue } from '../values/types.js';
import { compactLru, withLru } from '../values/string.js';
import type { Keyspace } from './keyspace.js';
import { KeyDict } from './keydict.js';
import { NOTIFY } from './notify.js';

/** Flags for lookupReadFlags, as Redis's LOOKUP_* (a plain read uses none of them). */
export const LOOKUP = {
  /** Do not update the LRU/LFU word (TTL, TYPE, EXISTS, OBJECT). */
  NOTOUCH: 1,
  /** Do not fire the 'keymiss' event (OBJECT). */
  NONOTIFY: 2,
  /** Do not count keyspace hits/misses. */
  NOSTATS: 4,
} as const;

export class Database {
  readonly id: number;
  dict = new KeyDict();
  expires: Map<string, number> = new Map();
  /** Iterator over `expires` used by the active expiry cycle; survives between cycles. */
  expireCursor: Iterator<[string, number]> | null = null;
  /** Sum of TTLs seen by the active cycle, for INFO's avg_ttl (an estimate, as in Redis). */
  avgTtl = 0;

  constructor(
    id: number,
    readonly ks: Keyspace,
  ) {
    this.id = id;
  }

  get size(): number {
    return this.dict.size;
  }

  /** The value without expiry checks or LRU update. */
  peek(key: string): RedisValue | undefined {
    return this.dict.get(key);
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
    if (this.ks.writeObserver !== null) this.ks.writeObserver.beforeWrite(this, key);
    this.dict.delete(key);
    this.expires.delete(key);
    this.ks.stats.expiredKeys++;
    this.ks.hooks.expired(this, key);
    this.notify(NOTIFY.EXPIRED, 'expired', key);
    this.signalModified(key);
  }

  /** Look up for reading: lazy expiry, keyspace hits/misses, LRU/LFU touch. */
  lookupRead(key: string): RedisValue | undefined {
    const i = this.dict.indexOf(key);
    if (i < 0 || (this.expires.size !== 0 && this.expireIfNeeded(key))) {
      this.ks.stats.keyspaceMisses++;
      this.notify(NOTIFY.KEY_MISS, 'keymiss', key);
      return undefined;
    }
    this.ks.stats.keyspaceHits++;
    return this.ks.noTouch ? this.dict.valueAt(i) : this.touchAt(i);
  }

  /** lookupRead of the key whose bytes are b[start, end) (GET): no key string is made on a hit. */
  lookupReadBytes(b: Buffer, start: number, end: number): RedisValue | undefined {
    const d = this.dict;
    const i = d.indexOfBytes(b, start, end);
    if (i < 0 || (this.expires.size !== 0 && this.expireIfNeeded(d.keyAt(i)))) {
      this.ks.stats.keyspaceMisses++;
      if ((this.ks.notifyFlags & NOTIFY.KEY_MISS) !== 0) this.notify(NOTIFY.KEY_MISS, 'keymiss', b.latin1Slice(start, end));
      return undefined;
    }
    this.ks.stats.keyspaceHits++;
    return this.ks.noTouch ? d.valueAt(i) : this.touchAt(i);
  }

  /**
   * The key string for the bytes b[start, end): the stored one when the key exists (no
   * allocation, and later Map look-ups by it, e.g. in `expires`, compare by identity).
   */
  keyFromBytes(b: Buffer, start: number, end: number): string {
    const i = this.dict.indexOfBytes(b, start, end);
    return i >= 0 ? this.dict.keyAt(i) : b.latin1Slice(start, end);
  }

  /** Look up for writing: lazy expiry only (Redis's lookupKeyWrite). */
  lookupWrite(key: string): RedisValue | undefined {
    const i = this.dict.indexOf(key);
    if (i < 0 || (this.expires.size !== 0 && this.expireIfNeeded(key))) return undefined;
    if (this.ks.writeObserver !== null) this.ks.writeObserver.beforeWrite(this, key);
    return this.ks.noTouch ? this.dict.valueAt(i) : this.touchAt(i);
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
    const i = this.dict.indexOf(key);
    return i < 0 ? v : this.touchAt(i);
  }

  /** touch() of the entry at dictionary index i; returns its (possibly new) value. */
  private touchAt(i: number): RedisValue {
    const v = this.dict.valueAt(i);
    if (typeof v === 'string') {
      const old = compactLru(v);
      const w = this.ks.touchWord(old);
      if (w === old) return v;
      const nv = withLru(v, w);
      this.dict.setValueAt(i, nv);
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
    if (this.ks.writeObserver !== null) this.ks.writeObserver.beforeWrite(this, key);
    const added = this.dict.set(key, v);
    if (!keepTtl && this.expires.size !== 0) this.expires.delete(key);
    this.signalModified(key);
    if (added) this.notify(NOTIFY.NEW, 'new', key);
    return added;
  }

  /** Replace the value of an existing key in place (no expire change), e.g. after INCR. */
  replace(key: string, v: RedisValue): void {
    if (this.ks.writeObserver !== null) this.ks.writeObserver.beforeWrite(this, key);
    this.dict.set(key, v);
    this.signalModified(key);
  }

  /**
   * set() for a key given as bytes b[start, end) (SET, MSET), after any lazy expiry of it.
   * Returns the key string (the stored one when the key existed).
   */
  setBytes(b: Buffer, start: number, end: number, v: RedisValue, keepTtl: boolean): string {
    const d = this.dict;
    let i = d.indexOfBytes(b, start, end);
    let key: string;
    if (i >= 0 && this.expires.size !== 0 && this.expireIfNeeded(d.keyAt(i))) i = -1;
    if (i >= 0) {
      key = d.keyAt(i);
      if (this.ks.writeObserver !== null) this.ks.writeObserver.beforeWrite(this, key);
      d.setValueAt(i, v);
      if (!keepTtl && this.expires.size !== 0) this.expires.delete(key);
      this.signalModified(key);
      return key;
    }
    key = b.latin1Slice(start, end);
    if (this.ks.writeObserver !== null) this.ks.writeObserver.beforeWrite(this, key);
    d.set(key, v);
    this.signalModified(key);
    this.notify(NOTIFY.NEW, 'new', key);
    return key;
  }

  /** Add a key known to be absent (dbAdd); fires the 'new' event like Redis. */
  add(key: string, v: RedisValue): void {
    if (this.ks.writeObserver !== null) this.ks.writeObserver.beforeWrite(this, key);
    this.dict.set(key, v);
    this.signalModified(key);
    this.notify(NOTIFY.NEW, 'new', key);
  }

  /** Delete a key (dbDelete). Returns whether it existed. Signals; events are the caller's. */
  delete(key: string): boolean {
    if (this.ks.writeObserver !== null) this.ks.writeObserver.beforeWrite(this, key);
    if (!this.dict.delete(key)) return false;
    if (this.expires.size !== 0) this.expires.delete(key);
    this.signalModified(key);
    return true;
  }

  setExpire(key: string, whenMs: number): void {
    if (this.ks.writeObserver !== null) this.ks.writeObserver.beforeWrite(this, key);
    this.expires.set(key, whenMs);
  }

  /** Absolute expiry in ms, or -1 when the key has none. */
  getExpire(key: string): number {
    if (this.expires.size === 0) return -1;
    const w = this.expires.get(key);
    return w === undefined ? -1 : w;
  }

  removeExpire(key: string): boolean {
    if (this.ks.writeObserver !== null) this.ks.writeObserver.beforeWrite(this, key);
    return this.expires.delete(key);
  }

  /**
   * Before changing in place a value found through a read look-up (XREADGROUP's PEL): the
   * same notice lookupWrite gives a running background save.
   */
  willModify(key: string): void {
    if (this.ks.writeObserver !== null) this.ks.writeObserver.beforeWrite(this, key);
  }

  signalModified(key: string): void {
    this.ks.hooks.modified(this, key);
  }

  /** Wake clients blocked on the key without touching WATCH (Redis's signalKeyAsReady). */
  signalKeyAsReady(key: string): void {
    this.ks.hooks.ready(this, key);
  }

  notify(type: number, event: string, key: string): void {
    if ((this.ks.notifyFlags & type) !== 0) this.ks.hooks.event(type, event, key, this.id);
  }

  /** Remove every key (FLUSHDB); returns how many there were. */
  flush(): number {
    const n = this.size;
    this.ks.hooks.flushing(this, null);
    this.dict = new KeyDict();
    this.expires = new Map();
    this.resetIterators();
    return n;
  }

  /** Exchange contents with another database (SWAPDB). */
  swapWith(other: Database): void {
    this.ks.hooks.flushing(this, other);
    this.ks.hooks.flushing(other, this);
    const d = this.dict;
    const e = this.expires;
    this.dict = other.dict;
    this.expires = other.expires;
    other.dict = d;
    other.expires = e;
    const a = this.avgTtl;
    this.avgTtl = other.avgTtl;
    other.avgTtl = a;
    this.resetIterators();
    other.resetIterators();
  }

  private resetIterators(): void {
    this.expireCursor = null;
  }

  allKeys(): string[] {
    return this.dict.allKeys();
  }

  /** Every entry (KEYS, persistence). Callers must not modify while iterating. */
  entries(): IterableIterator<[string, RedisValue]> {
    return this.dict.entries();
  }

  // ---- SCAN -------------------------------------------------------------------------------

  /**
   * Collect the keys of about `count` entries starting at `cursor` into `out`; returns the next
   * cursor (0 when the iteration is complete). Keys come as they are, expired or not: the
   * caller filters (MATCH, TYPE, then lazy expiry) in Redis's order.
   */
  scanKeys(cursor: number, count: number, out: string[]): number {
    return this.dict.scan(cursor, count, out);
  }

  // ---- random keys -----------------------------------------------------------------------

  /**
   * A random key, for RANDOMKEY (dbRandomKey): a uniformly random entry. A volatile key found
   * expired is deleted and the search goes on, so the loop ends: every turn either returns or
   * removes a key.
   */
  randomKey(): string | null {
    for (;;) {
      if (this.dict.size === 0) return null;
      const key = this.dict.keyAt(this.dict.randomIndex(this.ks.random));
      if (this.expires.size !== 0 && this.expires.has(key) && this.expireIfNeeded(key)) continue;
      return key;
    }
  }
}
