/**
 * An AOF base file in command form (`aof-use-rdb-preamble no`), written in the background
 * without fork(): the counterpart of snapshot.ts's BackgroundSave for RDB, on the same
 * principles.
 *
 * The keyspace is walked a slice at a time (a few ms, then the event loop runs) along each
 * dictionary's SCAN cursor; while the walk runs, Database tells it (WriteObserver) before any
 * key changes, and a key not written yet is written right then, old value and expiry first.
 * A key is "written" once the cursor's reversed value has passed its reversed hash, whatever
 * resizes happened, so each key is written exactly once; keys created during the walk are
 * remembered and skipped. Databases are followed by their dictionary object: SWAPDB moves it,
 * FLUSHDB replaces it (the walk finishes the old one, which nothing changes any more). The
 * point in time is the moment the walk starts, which is when the new INCR file opens.
 *
 * The command form has no per-database sections, so a key captured out of turn goes straight
 * to the output after a SELECT of its database.
 */
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import type { Database } from '../keyspace/database.js';
import { hashKey, type KeyDict } from '../keyspace/keydict.js';
import type { Keyspace, WriteObserver } from '../keyspace/keyspace.js';
import { RespOut } from './aof-resp.js';
import { writeKeyCommands } from './aof-commands.js';

const SLICE_MS = 4;
const CHUNK = 256 * 1024;
const HIGH_WATER = 16 * 1024 * 1024;
const SCAN_COUNT = 32;

function rev32(v: number): number {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  v = (v >>> 16) | (v << 16);
  return v >>> 0;
}

interface DbWalk {
  readonly id: number;
  readonly dict: KeyDict;
  readonly expires: Map<string, number>;
  cursor: number;
  passed: number;
  done: boolean;
  touched: Set<string> | null;
}

export class AofBaseAborted extends Error {
  constructor() {
    super('AOF rewrite aborted');
  }
}

export interface AofBaseOptions {
  /** aof-timestamp-enabled: a #TS annotation first (seconds). */
  readonly timestamp: number | null;
  /** Function libraries' source, written as FUNCTION LOAD. */
  readonly functions: readonly string[];
}

export class AofBaseSave implements WriteObserver {
  keysProcessed = 0;
  readonly keysTotal: number;
  capturedBytes = 0;
  private readonly walks: DbWalk[] = [];
  private readonly byDict = new Map<KeyDict, DbWalk>();
  private cur = 0;
  private readonly out = new RespOut(CHUNK + 64 * 1024);
  private selected = -1;
  private fh: FileHandle | null = null;
  private readonly queue: Buffer[] = [];
  private queued = 0;
  private writing: Promise<void> | null = null;
  private writeError: unknown = null;
  private aborted = false;
  private readonly scratch: string[] = [];
  bytesWritten = 0;

  constructor(
    private readonly ks: Keyspace,
    private readonly tmpPath: string,
    private readonly finalPath: string,
    private readonly opts: AofBaseOptions,
  ) {
    let total = 0;
    for (const db of ks.dbs) {
      const w: DbWalk = { id: db.id, dict: db.dict, expires: db.expires, cursor: 0, passed: 0, done: db.size === 0, touched: new Set() };
      total += db.size;
      this.walks.push(w);
      if (!w.done) this.byDict.set(db.dict, w);
    }
    this.keysTotal = total;
  }

  /** WriteObserver: write the key's current (old) version now if the walk has not reached it. */
  beforeWrite(db: Database, key: string): void {
    const w = this.byDict.get(db.dict);
    if (w === undefined || w.done) return;
    if (rev32(hashKey(key)) < w.passed) return;
    const touched = w.touched as Set<string>;
    if (touched.has(key)) return;
    touched.add(key);
    const v = w.dict.get(key);
    if (v === undefined) return; // created after the start: not part of this base
    const before = this.out.length;
    this.key(w, key);
    this.capturedBytes += this.out.length - before;
  }

  private key(w: DbWalk, key: string): void {
    const v = w.dict.get(key);
    if (v === undefined) return;
    if (this.selected !== w.id) {
      this.out.args(['SELECT', String(w.id)]);
      this.selected = w.id;
    }
    const when = w.expires.size === 0 ? undefined : w.expires.get(key);
    writeKeyCommands(this.out, key, v, when === undefined ? -1 : when);
    this.keysProcessed++;
  }

  async run(): Promise<void> {
    try {
      this.fh = await open(this.tmpPath, 'w');
      if (this.opts.timestamp !== null) this.out.raw(`#TS:${this.opts.timestamp}\r\n`);
      for (const code of this.opts.functions) this.out.args(['FUNCTION', 'LOAD', code]);
      while (!this.slice()) {
        if (this.out.length >= CHUNK) this.enqueue(this.out.takeCopy());
        if (this.queued >= HIGH_WATER) await this.drain();
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (this.aborted) throw new AofBaseAborted();
        if (this.writeError !== null) throw this.writeError;
      }
      this.detach();
      this.enqueue(this.out.takeCopy());
      await this.drain();
      if (this.aborted) throw new AofBaseAborted();
      const fh = this.fh;
      await fh.sync();
      this.fh = null;
      await fh.close();
      if (this.aborted) throw new AofBaseAborted();
      await rename(this.tmpPath, this.finalPath);
    } catch (err) {
      this.detach();
      await this.cleanup();
      throw err;
    }
  }

  abort(): void {
    this.aborted = true;
    this.detach();
  }

  private detach(): void {
    if (this.ks.writeObserver === this) this.ks.writeObserver = null;
    this.byDict.clear();
  }

  private async cleanup(): Promise<void> {
    const fh = this.fh;
    this.fh = null;
    while (this.writing !== null) await this.writing;
    if (fh !== null) {
      try {
        await fh.close();
      } catch {
        // already failing
      }
    }
    try {
      await unlink(this.tmpPath);
    } catch {
      // never created
    }
  }

  /** One slice of the walk; true when every database is written. */
  private slice(): boolean {
    const t0 = performance.now();
    const keys = this.scratch;
    while (this.cur < this.walks.length) {
      const w = this.walks[this.cur] as DbWalk;
      if (w.done) {
        this.cur++;
        continue;
      }
      keys.length = 0;
      const before = w.passed;
      const next = w.dict.scan(w.cursor, SCAN_COUNT, keys);
      const touched = w.touched as Set<string>;
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i] as string;
        if (rev32(hashKey(key)) < before) continue; // passed already (the table shrank)
        if (touched.size !== 0 && touched.has(key)) continue;
        this.key(w, key);
      }
      w.cursor = next;
      if (next === 0) {
        w.done = true;
        w.touched = null;
        this.byDict.delete(w.dict);
        this.cur++;
      } else {
        w.passed = rev32(next);
      }
      if (this.out.length >= CHUNK) this.enqueue(this.out.takeCopy());
      if (performance.now() - t0 > SLICE_MS) return false;
    }
    return true;
  }

  private enqueue(b: Buffer): void {
    if (b.length === 0) return;
    this.queue.push(b);
    this.queued += b.length;
    this.capturedBytes = Math.max(0, this.capturedBytes - b.length);
    if (this.writing === null) this.writing = this.pump();
  }

  private async pump(): Promise<void> {
    try {
      while (this.queue.length > 0 && this.writeError === null) {
        const b = this.queue.shift() as Buffer;
        const fh = this.fh as FileHandle;
        let off = 0;
        while (off < b.length) {
          const { bytesWritten } = await fh.write(b, off, b.length - off);
          off += bytesWritten;
        }
        this.queued -= b.length;
        this.bytesWritten += b.length;
      }
    } catch (err) {
      this.writeError = err;
    } finally {
      this.writing = null;
    }
  }

  private async drain(): Promise<void> {
    while (this.writing !== null) await this.writing;
    if (this.writeError !== null) throw this.writeError;
  }
}
