/**
 * WATCH bookkeeping: which clients watch which (db, key), and marking them dirty (Redis's
 * CLIENT_DIRTY_CAS) when the key is touched. Every modification reaches touch() through the
 * keyspace's `modified` signal — writes, deletions, expiry, eviction, RENAME, MOVE — and
 * FLUSHDB/FLUSHALL/SWAPDB through touchDb(). A key that exists but has logically expired
 * between WATCH and EXEC also fails the EXEC (Redis 7.0), checked by expiredSinceWatch().
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
  /** The key had already expired (logically) when WATCHed. */
  readonly expiredAtWatch: boolean;
}

function slot(db: number, key: string): string {
  return `${db}\u0000${key}`;
}

export class WatchManager<W extends Watcher> {
  private readonly byKey = new Map<string, Set<W>>();

  get size(): number {
    return this.byKey.size;
  }

  watch(w: W, db: Database, key: string, now: number): void {
    if (w.watched.some((k) => k.db === db.id && k.key === key)) return;
    const when = db.getExpire(key);
    const expiredAtWatch = when !== -1 && when <= now && db.peek(key) !== undefined;
    w.watched.push({ db: db.id, key, expiredAtWatch });
    const s = slot(db.id, key);
    const set = this.byKey.get(s);
    if (set) set.add(w);
    else this.byKey.set(s, new Set([w]));
  }

  unwatchAll(w: W): void {
    for (const k of w.watched) {
      const s = slot(k.db, k.key);
      const set = this.byKey.get(s);
      if (!set) continue;
      set.delete(w);
      if (set.size === 0) this.byKey.delete(s);
    }
    w.watched = [];
    w.dirtyCas = false;
  }

  touch(db: number, key: string): void {
    if (this.byKey.size === 0) return;
    const set = this.byKey.get(slot(db, key));
    if (set) for (const w of set) w.dirtyCas = true;
  }

  /**
   * FLUSHDB/FLUSHALL/SWAPDB: touch watched keys of `db` that exist there, or (SWAPDB) exist in
   * the database that replaces it.
   */
  touchDb(db: Database, replacedWith: Database | null): void {
    if (this.byKey.size === 0) return;
    const prefix = `${db.id}\u0000`;
    for (const [s, set] of this.byKey) {
      if (!s.startsWith(prefix)) continue;
      const key = s.slice(prefix.length);
      if (db.peek(key) !== undefined || (replacedWith !== null && replacedWith.peek(key) !== undefined)) {
        for (const w of set) w.dirtyCas = true;
      }
    }
  }

  /** A watched key that exists but expired after WATCH (not already expired then). */
  expiredSinceWatch(w: W, dbs: readonly Database[], now: number): boolean {
    for (const k of w.watched) {
      if (k.expiredAtWatch) continue;
      const db = dbs[k.db];
      if (!db) continue;
      const when = db.getExpire(k.key);
      if (when !== -1 && when <= now && db.peek(k.key) !== undefined) return true;
    }
    return false;
  }
}
