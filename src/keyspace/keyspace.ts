/**
 * Keyspace: the numbered databases plus what they share — the cached command time, the
 * LRU/LFU policy that decides how access is recorded, statistics, and the hooks through which
 * subsystems (WATCH, blocking, notifications) hear about modifications.
 *
 * Pure data: no sockets, no RESP, no clock of its own. The server sets `now` before each
 * command (Redis's cached mstime) and supplies `random`.
 *
 * The active expiry cycle mirrors Redis's activeExpireCycle (slow cycle): per database, sample
 * 20 keys with an expire; delete the expired ones; repeat while more than 10% of a sample
 * was stale; stop at a time budget (25% of the cron period by default). Sampling walks a
 * persistent iterator over the expires Map, so across cycles every volatile key is examined.
 */
import { Database, DEFAULT_SHARD_CAPACITY } from './database.js';
import { lfuInitWord, lfuTouch, lruClock } from './lru.js';

export interface KeyspaceHooks {
  /** A key's value changed, was deleted, or expired (WATCH, blocked clients, tracking). */
  modified(db: Database, key: string): void;
  /** A keyspace event to publish (already filtered by notifyFlags' class bits). */
  event(type: number, event: string, key: string, dbid: number): void;
  /** Whether FLUSHDB must signal every key (some client WATCHes keys). */
  wantsFlushedKeys(): boolean;
}

export interface KeyspaceStats {
  keyspaceHits: number;
  keyspaceMisses: number;
  expiredKeys: number;
  expiredStalePerc: number;
  expiredTimeCapReachedCount: number;
  expireCycleCpuMs: number;
  evictedKeys: number;
}

/** Encoding thresholds (the *-max-listpack-* directives), kept in step by the server. */
export interface EncodingLimits {
  hashMaxListpackEntries: number;
  hashMaxListpackValue: number;
  setMaxIntsetEntries: number;
  setMaxListpackEntries: number;
  setMaxListpackValue: number;
  zsetMaxListpackEntries: number;
  zsetMaxListpackValue: number;
  listMaxListpackSize: number;
  listCompressDepth: number;
}

export type EvictionKind = 'lru' | 'lfu' | 'none';

const NO_HOOKS: KeyspaceHooks = {
  modified() {},
  event() {},
  wantsFlushedKeys: () => false,
};

const KEYS_PER_LOOP = 20;
const ACCEPTABLE_STALE = 10; // percent

export class Keyspace {
  readonly dbs: Database[];
  /** Time of the current command in ms (Redis's cached mstime); set by the server. */
  now = Date.now();
  /** Set while a script runs or while loading: keys do not expire (Redis's behaviour). */
  expiryFrozen = false;
  /** Set by CLIENT NO-TOUCH / OBJECT: lookups do not update LRU/LFU. */
  noTouch = false;
  notifyFlags = 0;
  /** LRU or LFU accounting per maxmemory-policy. */
  evictionKind: EvictionKind = 'lru';
  lfuLogFactor = 10;
  lfuDecayTime = 1;
  hooks: KeyspaceHooks = NO_HOOKS;
  readonly encoding: EncodingLimits = {
    hashMaxListpackEntries: 128,
    hashMaxListpackValue: 64,
    setMaxIntsetEntries: 512,
    setMaxListpackEntries: 128,
    setMaxListpackValue: 64,
    zsetMaxListpackEntries: 128,
    zsetMaxListpackValue: 64,
    listMaxListpackSize: -2,
    listCompressDepth: 0,
  };
  random: () => number = Math.random;
  stats: KeyspaceStats = {
    keyspaceHits: 0,
    keyspaceMisses: 0,
    expiredKeys: 0,
    expiredStalePerc: 0,
    expiredTimeCapReachedCount: 0,
    expireCycleCpuMs: 0,
    evictedKeys: 0,
  };

  constructor(databases: number, shardCapacity = DEFAULT_SHARD_CAPACITY) {
    this.dbs = [];
    for (let i = 0; i < databases; i++) this.dbs.push(new Database(i, this, shardCapacity));
  }

  db(i: number): Database {
    return this.dbs[i] as Database;
  }

  /** The LRU/LFU word a new value starts with. */
  initialWord(): number {
    return this.evictionKind === 'lfu' ? lfuInitWord(this.now) : lruClock(this.now);
  }

  /** The word after an access. */
  touchWord(old: number): number {
    if (this.evictionKind === 'lfu') return lfuTouch(old, this.now, this.lfuDecayTime, this.lfuLogFactor, this.random);
    return lruClock(this.now);
  }

  resetStats(): void {
    const s = this.stats;
    s.keyspaceHits = 0;
    s.keyspaceMisses = 0;
    s.expiredKeys = 0;
    s.expiredStalePerc = 0;
    s.expiredTimeCapReachedCount = 0;
    s.expireCycleCpuMs = 0;
    s.evictedKeys = 0;
  }

  /**
   * One slow active-expiry cycle within `budgetMs` of wall time. `clock` reads the real time
   * (for the budget); key expiry compares with `now`, which the caller sets first.
   */
  activeExpireCycle(budgetMs: number, clock: () => number): void {
    if (this.expiryFrozen) return;
    const start = clock();
    let sampled = 0;
    let expired = 0;
    let timedOut = false;
    for (const db of this.dbs) {
      if (timedOut) break;
      let iteration = 0;
      for (;;) {
        if (db.expires.size === 0) {
          db.avgTtl = 0;
          break;
        }
        let checked = 0;
        let gone = 0;
        let ttlSum = 0;
        let ttlSamples = 0;
        const budget = Math.min(KEYS_PER_LOOP, db.expires.size);
        while (checked < budget) {
          if (db.expireCursor === null) db.expireCursor = db.expires.entries();
          const r = db.expireCursor.next();
          if (r.done) {
            db.expireCursor = null;
            if (checked === 0 && iteration > 0) break;
            continue;
          }
          checked++;
          const [key, when] = r.value;
          if (when <= this.now) {
            db.deleteExpired(key);
            gone++;
          } else {
            ttlSum += when - this.now;
            ttlSamples++;
          }
        }
        sampled += checked;
        expired += gone;
        if (ttlSamples > 0) {
          const avg = ttlSum / ttlSamples;
          // Running average weighted like Redis (2% of the new sample).
          db.avgTtl = db.avgTtl === 0 ? avg : (db.avgTtl / 50) * 49 + avg / 50;
        }
        iteration++;
        if ((iteration & 15) === 0 && clock() - start > budgetMs) {
          timedOut = true;
          this.stats.expiredTimeCapReachedCount++;
          break;
        }
        if (checked === 0 || (gone * 100) / checked <= ACCEPTABLE_STALE) break;
      }
    }
    const elapsed = clock() - start;
    this.stats.expireCycleCpuMs += elapsed;
    const perc = sampled ? expired / sampled : 0;
    this.stats.expiredStalePerc = perc * 0.05 + this.stats.expiredStalePerc * 0.95;
  }
}
