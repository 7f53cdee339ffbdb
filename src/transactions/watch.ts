/**
 * WATCH bookkeeping: which clients watch which (db, key), and marking them dirty (Redis's
 * CLIENT_DIRTY_CAS) when the key is touched. Every modification reaches touch() through the
 * keyspace's `modified` signal — writes, deletions, expiry, eviction, RENAME, MOVE — and
 * FLUSHDB/FLUSHALL/SWAPDB through touchDb(). A key that exists but has logically expired
 * between WATCH and EXEC also fails the EXEC (Redis 7.0), checked by expiredSinceWatch().
 *
 * Stale keys follow Redis 7.0: a key already expired (but not yet deleted) when WATCHed is
 * flagged `expired`; its deletion — lazy expiry, FLUSHDB, SWAPDB bringing no key or another
 * expired one — is no logical change and clears the flag instead of dirtying the client.
 * Likewise SWAPDB replacing a missing key with an expired one only flags it.
 */
import type { Database } from '../keyspace/database.js';

export interface Watcher {
  readonly id: number;
  /** Set when a watched key was touched: the next EXEC fails. */
  dirtyCas: boolean;
  watched: WatchedKey[];
}

export interface WatchedKey {
  readonly db: number;
  readonly key: string;
  /** The key is there but logically expired, as it was when WATCHed (Redis's wk->expired). */
  expired: boolean;
}

function slot(db: number, key: string): string {
  return `${db}\u0000${key}`;
}

export class WatchManager<W extends Watcher> {
  private readonly byKey = new Map<string, Map<W, WatchedKey>>();

  get size(): number {
    return this.byKey.size;
  }

  watch(w: W, db: Database, key: string, now: number): void {
    if (w.watched.some((k) => k.db === db.id && k.key === key)) return;
    const when = db.getExpire(key);
    const wk: WatchedKey = { db: db.id, key, expired: when !== -1 && when < now && db.peek(key) !== undefined };
    w.watched.push(wk);
    const s = slot(db.id, key);
    const m = this.byKey.get(s);
    if (m) m.set(w, wk);
    else this.byKey.set(s, new Map([[w, wk]]));
  }

  unwatchAll(w: W): void {
    for (const k of w.watched) {
      const s = slot(k.db, k.key);
      const m = this.byKey.get(s);
      if (!m) continue;
      m.delete(w);
      if (m.size === 0) this.byKey.delete(s);
    }
    w.watched = [];
    w.dirtyCas = false;
  }

  /** The key was modified (already applied): dirty its watchers. */
  touch(db: Database, key: string): void {
    if (this.byKey.size === 0) return;
    const m = this.byKey.get(slot(db.id, key));
    if (!m) return;
    for (const [w, wk] of m) {
      // An expired key being deleted is logically no change.
      if (wk.expired && db.peek(key) === undefined) {
        wk.expired = false;
        continue;
      }
      w.dirtyCas = true;
    }
  }

  /**
   * FLUSHDB/FLUSHALL (replacedWith null) or SWAPDB, before the change: dirty the watchers of
   * keys of `db` that exist there or in the database replacing it, unless the change is only
   * between "missing" and "expired".
   */
  touchDb(db: Database, replacedWith: Database | null): void {
    if (this.byKey.size === 0) return;
    const prefix = `${db.id}\u0000`;
    for (const [s, m] of this.byKey) {
      if (!s.startsWith(prefix)) continue;
      const key = s.slice(prefix.length);
      const existsHere = db.peek(key) !== undefined;
      const existsThere = replacedWith !== null && replacedWith.peek(key) !== undefined;
      if (!existsHere && !existsThere) continue;
      const expiredThere = existsThere && (replacedWith as Database).keyIsExpired(key);
      for (const [w, wk] of m) {
        if (wk.expired) {
          if (!existsThere) {
            // The expired key is deleted: no logical change.
            wk.expired = false;
            continue;
          }
          if (expiredThere) continue; // an expired key replaced with another expired one
        } else if (!existsHere && expiredThere) {
          // A missing key replaced with an expired one: still logically missing.
          wk.expired = true;
          continue;
        }
        w.dirtyCas = true;
      }
    }
  }

  /** A watched key that exists but expired after WATCH (not already expired then). */
  expiredSinceWatch(w: W, dbs: readonly Database[], now: number): boolean {
    for (const k of w.watched) {
      if (k.expired) continue;
      const db = dbs[k.db];
      if (!db) continue;
      const when = db.getExpire(k.key);
      if (when !== -1 && when < now && db.peek(k.key) !== undefined) return true;
    }
    return false;
  }
}
