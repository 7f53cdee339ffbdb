/**
 * BGSAVE without fork(): a point-in-time RDB written while the server keeps serving.
 *
 * The keyspace is serialized a slice at a time (a few ms of work, then the event loop runs),
 * and the file is written by libuv's thread pool meanwhile. The view stays consistent through
 * copy-on-write at the key level: while the save runs, Database tells it (WriteObserver)
 * before any key changes, and a key not yet written is serialized right then, old value and
 * expiry, into that database's "captured" bytes; the walk then skips it. A key created after
 * the save started is remembered the same way and never written. Memory held for the save is
 * therefore what the writes during the save touched, not a copy of the dataset.
 *
 * Walking a database: the dictionary moves entries on deletion (keydict.ts), so positions are
 * no use; the walk follows the SCAN cursor over buckets instead. A key's place in that order
 * is its reversed hash, and once the cursor (reversed) has passed it, the key has been
 * visited whatever resizes happened: a key is "written" iff rev32(hash) < rev32(cursor). When
 * the table shrinks a bucket can come round again; its keys already passed are skipped by the
 * same test, so every key is written exactly once.
 *
 * A database is identified by its dictionary object, not its number: SWAPDB moves a
 * dictionary to another number and the save follows it; FLUSHDB gives the database a new
 * dictionary, so the save goes on with the old one, which nothing modifies any more.
 */
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Database } from '../keyspace/database.js';
import { hashKey, type KeyDict } from '../keyspace/keydict.js';
import type { Keyspace, WriteObserver } from '../keyspace/keyspace.js';
import { RdbFileWriter, SaveError, fsyncDir, tempFileName, type SaveOptions } from './rdb-save.js';

/** Serialization time per event-loop turn. */
const SLICE_MS = 1;
/** Output handed to the file at this size. */
const CHUNK = 256 * 1024;
/** Serialization waits for the disk when this much is queued. */
const HIGH_WATER = 16 * 1024 * 1024;
/** Keys asked of the dictionary per scan step. */
const SCAN_COUNT = 32;
/** Scan steps with a key delay ask for few keys, so a slice stays near its key quota. */
const SCAN_COUNT_DELAYED = 1;

function rev32(v: number): number {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  v = (v >>> 16) | (v << 16);
  return v >>> 0;
}

interface DbState {
  readonly id: number;
  readonly dict: KeyDict;
  readonly expires: Map<string, number>;
  /** RESIZEDB hints: sizes when the save started. */
  readonly size: number;
  readonly expiresSize: number;
  cursor: number;
  /** rev32(cursor): keys whose reversed hash is below it have been written. */
  passed: number;
  started: boolean;
  done: boolean;
  /** Keys written out of turn (captured before a change) or created during the save. */
  touched: Set<string> | null;
  /** Serialized captured keys not yet placed in the file. */
  captured: Buffer[];
}

export class Aborted extends Error {
  constructor() {
    super('background save aborted');
  }
}

export class BackgroundSave implements WriteObserver {
  readonly startedAt: number;
  keysProcessed = 0;
  readonly keysTotal: number;
  private readonly ks: Keyspace;
  private readonly states: DbState[] = [];
  private readonly byDict = new Map<KeyDict, DbState>();
  private cur = 0;
  private readonly writer: RdbFileWriter;
  /** Serializes captured keys (no checksum: its bytes pass through `writer` later). */
  private readonly capture: RdbFileWriter;
  private readonly dir: string;
  private readonly filename: string;
  private readonly tmp: string;
  private fh: FileHandle | null = null;
  private readonly queue: Buffer[] = [];
  private queued = 0;
  private writing: Promise<void> | null = null;
  private writeError: unknown = null;
  private aborted = false;
  private readonly scratch: string[] = [];
  /** Keys the last slice wrote (the pause after it, with rdb-key-save-delay). */
  private sliceKeys = 0;
  /** Bytes of captured keys waiting: memory the save holds because of writes (INFO's cow size). */
  capturedBytes = 0;
  capturedPeak = 0;

  /**
   * rdb-key-save-delay (µs per key; tests): the save is slowed by writing fewer keys per
   * slice and pausing between slices, never by blocking the event loop.
   */
  private readonly keyDelayUs: number;

  constructor(ks: Keyspace, opts: SaveOptions, dir: string, filename: string, now: number, keyDelayUs = 0) {
    this.ks = ks;
    this.keyDelayUs = keyDelayUs;
    this.startedAt = now;
    this.writer = new RdbFileWriter(opts);
    this.capture = new RdbFileWriter({ ...opts, checksum: false });
    this.dir = dir;
    this.filename = filename;
    this.tmp = path.join(dir, tempFileName());
    let total = 0;
    for (const db of ks.dbs) {
      const st: DbState = {
        id: db.id,
        dict: db.dict,
        expires: db.expires,
        size: db.size,
        expiresSize: db.expires.size,
        cursor: 0,
        passed: 0,
        started: false,
        done: db.size === 0,
        touched: new Set(),
        captured: [],
      };
      total += st.size;
      this.states.push(st);
      this.byDict.set(db.dict, st);
    }
    this.keysTotal = total;
  }

  /** WriteObserver: keep the old version of a key not written yet. */
  beforeWrite(db: Database, key: string): void {
    const st = this.byDict.get(db.dict);
    if (st === undefined || st.done) return;
    if (rev32(hashKey(key)) < st.passed) return;
    const touched = st.touched as Set<string>;
    if (touched.has(key)) return;
    touched.add(key);
    const v = st.dict.get(key);
    if (v === undefined) return; // created during the save: not part of it
    const when = st.expires.get(key);
    this.capture.keyValue(key, v, when === undefined ? -1 : when);
    const b = this.capture.enc.take();
    st.captured.push(b);
    this.capturedBytes += b.length;
    if (this.capturedBytes > this.capturedPeak) this.capturedPeak = this.capturedBytes;
    this.keysProcessed++;
  }

  /** Run to completion; resolves once the file is in place. Throws SaveError or Aborted. */
  async run(): Promise<void> {
    try {
      try {
        this.fh = await open(this.tmp, 'w');
      } catch (err) {
        throw new SaveError('open', err);
      }
      this.writer.header();
      while (!this.sliceDone()) {
        if (this.writer.pending >= CHUNK) this.enqueue(this.writer.take());
        if (this.queued >= HIGH_WATER) await this.drain();
        if (this.keyDelayUs > 0) await new Promise<void>((resolve) => setTimeout(resolve, Math.max(1, (this.sliceKeys * this.keyDelayUs) / 1000)));
        else await new Promise<void>((resolve) => setImmediate(resolve));
        if (this.aborted) throw new Aborted();
        if (this.writeError !== null) throw new SaveError('write', this.writeError);
      }
      this.detach();
      this.enqueue(this.writer.finish());
      await this.drain();
      if (this.aborted) throw new Aborted();
      const fh = this.fh;
      try {
        await fh.sync();
      } catch (err) {
        throw new SaveError('fsync', err);
      }
      this.fh = null;
      try {
        await fh.close();
      } catch (err) {
        throw new SaveError('fclose', err);
      }
      if (this.aborted) throw new Aborted();
      try {
        await rename(this.tmp, path.join(this.dir, this.filename));
      } catch (err) {
        throw new SaveError('rename', err);
      }
      try {
        fsyncDir(this.dir);
      } catch (err) {
        throw new SaveError('fsyncFileDir', err);
      }
    } catch (err) {
      this.detach();
      await this.cleanup();
      throw err instanceof SaveError || err instanceof Aborted ? err : new SaveError('write', err);
    }
  }

  /** Stop (FLUSHALL, SHUTDOWN): no more captures; run() rejects with Aborted and removes the temp file. */
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
      await unlink(this.tmp);
    } catch {
      // never created, or gone
    }
  }

  /** One slice of serialization; true when every database is written. */
  private sliceDone(): boolean {
    const t0 = performance.now();
    const w = this.writer;
    const keys = this.scratch;
    const maxKeys = this.keyDelayUs > 0 ? Math.max(1, Math.floor((SLICE_MS * 1000) / this.keyDelayUs)) : Infinity;
    let written = 0;
    this.sliceKeys = 0;
    while (this.cur < this.states.length) {
      const st = this.states[this.cur] as DbState;
      if (st.done && !st.started && st.captured.length === 0) {
        this.cur++;
        continue;
      }
      if (!st.started) {
        w.selectDb(st.id, st.size, st.expiresSize);
        st.started = true;
      }
      this.placeCaptured(st);
      if (!st.done) {
        keys.length = 0;
        const before = st.passed;
        const next = st.dict.scan(st.cursor, this.keyDelayUs > 0 ? SCAN_COUNT_DELAYED : SCAN_COUNT, keys);
        const touched = st.touched as Set<string>;
        for (let i = 0; i < keys.length; i++) {
          const key = keys[i] as string;
          if (rev32(hashKey(key)) < before) continue; // passed already (the table shrank)
          if (touched.size !== 0 && touched.has(key)) continue;
          const v = st.dict.get(key);
          if (v === undefined) continue;
          const when = st.expires.size === 0 ? undefined : st.expires.get(key);
          w.keyValue(key, v, when === undefined ? -1 : when);
          this.keysProcessed++;
          written++;
          this.sliceKeys++;
        }
        st.cursor = next;
        if (next === 0) {
          st.done = true;
          st.touched = null;
          this.byDict.delete(st.dict);
        } else {
          st.passed = rev32(next);
        }
      }
      if (st.done) {
        this.placeCaptured(st);
        this.cur++;
      }
      if (w.pending >= CHUNK) this.enqueue(w.take());
      if (written >= maxKeys || performance.now() - t0 > SLICE_MS) return false;
    }
    return true;
  }

  private placeCaptured(st: DbState): void {
    if (st.captured.length === 0) return;
    for (const b of st.captured) {
      this.writer.enc.bytes(b);
      this.capturedBytes -= b.length;
    }
    st.captured.length = 0;
  }

  private enqueue(b: Buffer): void {
    if (b.length === 0) return;
    this.queue.push(b);
    this.queued += b.length;
    if (this.writing === null) this.writing = this.pump();
  }

  /** Write queued chunks in order, one at a time; a failure is kept for drain() to throw. */
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
      }
    } catch (err) {
      this.writeError = err;
    } finally {
      this.writing = null;
    }
  }

  /** Wait until everything queued is written; throws the write error, if any. */
  private async drain(): Promise<void> {
    while (this.writing !== null) await this.writing;
    if (this.writeError !== null) throw new SaveError('write', this.writeError);
  }
}
