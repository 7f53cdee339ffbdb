/**
 * Keyspace: the numbered databases plus what they share — the cached command time, the
 * LRU/LFU policy that decides how access is recorded, statistics, and the hooks through which
 * subsystems (WATCH, blocking, notifications) hear about modifications.
 *
 * Pure data: no sockets, no RESP, no clock of its own. The server sets `now` before each
 * command (Redis's cached mstime) and supplies `random`.
 *
 * The active expiry cycle mirrors Redis's activeExpireCycle: each call visits up to 16
 * databases, resuming after the last one visited (all of them when the previous call ran out
 * of time); per database it samples 20 volatile keys (+5 per active-expire-effort step),
 * deletes the expired ones and repeats while more than 10% (-1 per step) of a sample was
 * stale, checking every 16 samples against its time budget. Sampling walks a persistent
 * iterator over the expires Map rather than random buckets, so across cycles every volatile
 * key is examined in turn.
 */
import { Database } from './database.js';
import { lfuInitWord, lfuTouch, lruClock } from './lru.js';

export interface KeyspaceHooks {
  /** A key's value changed, was deleted, or expired (WATCH, blocked clients, tracking). */
  modified(db: Database, key: string): void;
  /**
   * Clients blocked on the key should re-check it, though its value was not "modified" for
   * WATCH (Redis's signalKeyAsReady without signalModifiedKey: XGROUP DESTROY).
   */
  ready(db: Database, key: string): void;
  /** A keyspace event to publish (already filtered by notifyFlags' class bits). */
  event(type: number, event: string, key: string, dbid: number): void;
  /**
   * The database is about to be emptied (FLUSHDB/FLUSHALL) or, when `replacedWith` is given,
   * swapped with another (SWAPDB): WATCH must dirty keys that exist in either.
   */
  flushing(db: Database, replacedWith: Database | null): void;
  /** A key was deleted because it expired (lazily or by the active cycle): propagate a DEL. */
  expired(db: Database, key: string): void;
}

/**
 * Told before a key changes — its value (in place or replaced), its presence or its expiry —
 * while a background save runs, so the save can write the key's old version first
 * (persistence/snapshot.ts). Database calls it from every write path; when no save runs,
 * `Keyspace.writeObserver` is null and the cost is that one check.
 */
export interface WriteObserver {
  beforeWrite(db: Database, key: string): void;
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
  ready() {},
  event() {},
  flushing() {},
  expired() {},
};

/** Redis's ACTIVE_EXPIRE_CYCLE_* tuning at effort 1, and CRON_DBS_PER_CALL. */
const KEYS_PER_LOOP = 20;
const FAST_DURATION_MS = 1;
const SLOW_TIME_PERC = 25;
const ACCEPTABLE_STALE = 10; // percent
const DBS_PER_CALL = 16;

export type ExpireCycleKind = 'slow' | 'fast';

export class Keyspace {
  readonly dbs: Database[];
  /** Time of the current command in ms (Redis's cached mstime); set by the server. */
  now = Date.now();
  /** Set while a script runs or while loading: keys do not expire (Redis's behaviour). */
  expiryFrozen = false;
  /** DEBUG SET-ACTIVE-EXPIRE: whether the cron reclaims expired keys nobody reads. */
  activeExpireEnabled = true;
  /** Set by CLIENT NO-TOUCH / OBJECT: lookups do not update LRU/LFU. */
  noTouch = false;
  notifyFlags = 0;
  /** LRU or LFU accounting per maxmemory-policy. */
  evictionKind: EvictionKind = 'lru';
  lfuLogFactor = 10;
  lfuDecayTime = 1;
  hooks: KeyspaceHooks = NO_HOOKS;
  /** A running background save's copy-on-write hook (see WriteObserver), or null. */
  writeObserver: WriteObserver | null = null;
  readonly encoding: EncodingLimits = {
    hashMaxListpackEntries: 512,
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
  /** Active expiry state kept across calls, as the statics of activeExpireCycle. */
  private expireNextDb = 0;
  private expireTimelimitExit = false;
  private lastFastCycle = -Infinity;
  stats: KeyspaceStats = {
    keyspaceHits: 0,
    keyspaceMisses: 0,
    expiredKeys: 0,
    expiredStalePerc: 0,
    expiredTimeCapReachedCount: 0,
    expireCycleCpuMs: 0,
    evictedKeys: 0,
  };

  constructor(databases: number) {
    this.dbs = [];
    for (let i = 0; i < databases; i++) this.dbs.push(new Database(i, this));
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
   * One active-expiry cycle. 'slow' runs from the cron with (25 + 2·effort)% of the cron period;
   * 'fast' is meant for the end of an event-loop turn and runs for at most 1 ms (+25% per effort
   * step), no more often than every other such period, and only when the last cycle ran out of
   * time. (Redis also lets it run when the stale-key estimate is high, but compares a ratio with
   * a percentage there, so in practice only the time-limit condition ever holds; we keep that.)
   * `effort` is active-expire-effort (1..10). `clock` reads real time in ms for the budget; key
   * expiry compares with `now`, which the caller sets first.
   */
  activeExpireCycle(kind: ExpireCycleKind, hz: number, effortConfig: number, clock: () => number): void {
    if (this.expiryFrozen) return;
    const effort = Math.min(9, Math.max(0, effortConfig - 1));
    const keysPerLoop = KEYS_PER_LOOP + (KEYS_PER_LOOP / 4) * effort;
    const fastDuration = FAST_DURATION_MS + (FAST_DURATION_MS / 4) * effort;
    const acceptableStale = ACCEPTABLE_STALE - effort;
    const start = clock();
    if (kind === 'fast') {
      if (!this.expireTimelimitExit && this.stats.expiredStalePerc < acceptableStale) return;
      if (start < this.lastFastCycle + fastDuration * 2) return;
      this.lastFastCycle = start;
    }
    const n = this.dbs.length;
    const dbsPerCall = DBS_PER_CALL > n || this.expireTimelimitExit ? n : DBS_PER_CALL;
    const timelimit = kind === 'fast' ? fastDuration : Math.max(0.001, ((SLOW_TIME_PERC + 2 * effort) * 1000) / hz / 100);
    this.expireTimelimitExit = false;
    const now = this.now;
    let totalSampled = 0;
    let totalExpired = 0;
    let iteration = 0;
    for (let j = 0; j < dbsPerCall && !this.expireTimelimitExit; j++) {
      // Advance first, so a database that exhausts the budget does not get it again next time.
      const db = this.dbs[this.expireNextDb % n] as Database;
      this.expireNextDb = (this.expireNextDb + 1) % n;
      let sampled = 0;
      let expired = 0;
      do {
        iteration++;
        if (db.expires.size === 0) {
          db.avgTtl = 0;
          break;
        }
        const num = Math.min(db.expires.size, keysPerLoop);
        sampled = 0;
        expired = 0;
        let ttlSum = 0;
        let ttlSamples = 0;
        let wrapped = false;
        while (sampled < num) {
          if (db.expireCursor === null) db.expireCursor = db.expires.entries();
          const r = db.expireCursor.next();
          if (r.done) {
            db.expireCursor = null;
            // Deletions may have shrunk the Map below `num`: do not sample a key twice.
            if (wrapped) break;
            wrapped = true;
            continue;
          }
          const key = r.value[0];
          const when = r.value[1];
          const ttl = when - now;
          if (now > when) {
            db.deleteExpired(key);
            expired++;
          }
          if (ttl > 0) {
            ttlSum += ttl;
            ttlSamples++;
          }
          sampled++;
        }
        totalSampled += sampled;
        totalExpired += expired;
        if (ttlSamples > 0) {
          // Running average: 2% for this sample, 98% for the previous estimate (integer maths).
          const avg = Math.trunc(ttlSum / ttlSamples);
          if (db.avgTtl === 0) db.avgTtl = avg;
          db.avgTtl = Math.trunc(db.avgTtl / 50) * 49 + Math.trunc(avg / 50);
        }
        if ((iteration & 0xf) === 0 && clock() - start > timelimit) {
          this.expireTimelimitExit = true;
          this.stats.expiredTimeCapReachedCount++;
          break;
        }
      } while (sampled === 0 || Math.floor((expired * 100) / sampled) > acceptableStale);
    }
    this.stats.expireCycleCpuMs += clock() - start;
    const perc = totalSampled ? totalExpired / totalSampled : 0;
    this.stats.expiredStalePerc = perc * 0.05 + this.stats.expiredStalePerc * 0.95;
  }
}
