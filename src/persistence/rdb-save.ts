/**
 * Writing whole RDB files as Redis 7.0's rdbSaveRio lays them out:
 *
 *   "REDIS0010", aux fields (redis-ver, redis-bits, ctime, used-mem, aof-base), the function
 *   libraries (FUNCTION2), then per non-empty database SELECTDB, RESIZEDB and its keys (each
 *   with EXPIRETIME_MS, IDLE or FREQ as the policy asks, type, key, value), EOF, and the
 *   CRC-64 of all that (zero when rdbchecksum is off).
 *
 * RdbFileWriter produces the bytes in chunks for a sink; saveSync() is SAVE's blocking path
 * (temp file, fsync, rename, fsync of the directory). The background save (snapshot.ts)
 * drives the same writer a slice at a time.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { Database } from '../keyspace/database.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import { idleMs, lfuDecrAndReturn } from '../keyspace/lru.js';
import { valueLru } from '../values/string.js';
import type { RedisValue } from '../values/types.js';
import { Crc64 } from './crc64.js';
import { OP, RDB_VERSION } from './rdb-format.js';
import { RdbEncoder } from './rdb-encoder.js';
import { rdbTypeOf, writeValue, type EncodeOptions } from './value-encoder.js';

export const REDIS_VER = '7.0.15';

/** Chunks are handed to the sink once they reach this size. */
const CHUNK = 256 * 1024;

/** What a save needs to know beyond the keyspace. */
export interface SaveOptions {
  readonly compress: boolean;
  readonly checksum: boolean;
  /** 'lru' writes IDLE, 'lfu' writes FREQ, per maxmemory-policy (Redis's flags). */
  readonly hint: 'lru' | 'lfu' | 'none';
  readonly lfuDecayTime: number;
  /** Wall clock (ms) for ctime and idle times. */
  readonly now: number;
  readonly usedMemory: number;
  /** Function libraries' source code, saved as FUNCTION2 records. */
  readonly functions: readonly string[];
  /** The RDB preamble of an AOF base file. */
  readonly aofBase: boolean;
  readonly encode: EncodeOptions;
}

export class RdbFileWriter {
  readonly enc: RdbEncoder;
  private readonly crc: Crc64 | null;
  private readonly opts: SaveOptions;
  bytesWritten = 0;

  constructor(opts: SaveOptions) {
    this.opts = opts;
    this.enc = new RdbEncoder(opts.compress, CHUNK + 64 * 1024);
    this.crc = opts.checksum ? new Crc64() : null;
  }

  /** Bytes buffered, not yet taken. */
  get pending(): number {
    return this.enc.pos;
  }

  /** The buffered bytes (checksummed now), for the sink; the writer starts a new chunk. */
  take(): Buffer {
    const b = this.enc.take();
    if (this.crc !== null) this.crc.update(b, 0, b.length);
    this.bytesWritten += b.length;
    return b;
  }

  private aux(key: string, value: string): void {
    this.enc.byte(OP.AUX);
    this.enc.string(key);
    this.enc.string(value);
  }

  /** Magic, aux fields, functions. */
  header(): void {
    const o = this.opts;
    this.enc.latin1(`REDIS${String(RDB_VERSION).padStart(4, '0')}`);
    this.aux('redis-ver', REDIS_VER);
    this.aux('redis-bits', '64');
    this.aux('ctime', String(Math.floor(o.now / 1000)));
    this.aux('used-mem', String(o.usedMemory));
    this.aux('aof-base', o.aofBase ? '1' : '0');
    for (const code of o.functions) {
      this.enc.byte(OP.FUNCTION2);
      this.enc.string(code);
    }
  }

  /** SELECTDB and RESIZEDB before a database's keys. */
  selectDb(id: number, size: number, expires: number): void {
    this.enc.byte(OP.SELECTDB);
    this.enc.len(id);
    this.enc.byte(OP.RESIZEDB);
    this.enc.len(size);
    this.enc.len(expires);
  }

  /** One key (rdbSaveKeyValuePair); `expire` is absolute ms or -1. */
  keyValue(key: string, v: RedisValue, expire: number): void {
    const enc = this.enc;
    const o = this.opts;
    if (expire !== -1) {
      enc.byte(OP.EXPIRETIME_MS);
      enc.int64LE(expire);
    }
    if (o.hint === 'lru') {
      enc.byte(OP.IDLE);
      enc.len(Math.floor(idleMs(valueLru(v), o.now) / 1000));
    } else if (o.hint === 'lfu') {
      enc.byte(OP.FREQ);
      enc.byte(lfuDecrAndReturn(valueLru(v), o.now, o.lfuDecayTime));
    }
    enc.byte(rdbTypeOf(v));
    enc.string(key);
    writeValue(enc, v, o.encode);
  }

  /** Every key of a database, as they are now (SAVE: nothing changes meanwhile). */
  database(db: Database, sink: (b: Buffer) => void): void {
    if (db.size === 0) return;
    this.selectDb(db.id, db.size, db.expires.size);
    const expires = db.expires;
    const hasExpires = expires.size !== 0;
    for (const [key, v] of db.entries()) {
      const when = hasExpires ? expires.get(key) : undefined;
      this.keyValue(key, v, when === undefined ? -1 : when);
      if (this.enc.pos >= CHUNK) sink(this.take());
    }
  }

  /** EOF and the checksum; returns the last chunk. */
  finish(): Buffer {
    this.enc.byte(OP.EOF);
    const last = this.take();
    const sum = Buffer.alloc(8);
    if (this.crc !== null) this.crc.writeLE(sum, 0);
    this.bytesWritten += 8;
    return Buffer.concat([last, sum]);
  }
}

/** The name of the temporary file a save writes before renaming it (Redis's temp-<pid>.rdb). */
export function tempFileName(): string {
  return `temp-${process.pid}.rdb`;
}

/** Where and what a failed save got wrong, for the log ("Write error saving DB on disk(fsync): ..."). */
export class SaveError extends Error {
  readonly op: string;
  override readonly cause: unknown;
  constructor(op: string, cause: unknown) {
    super(`${op}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.op = op;
    this.cause = cause;
  }
}

/**
 * SAVE: the whole keyspace to `dir/filename` now, blocking (Redis's rdbSave). Throws
 * SaveError; the temporary file is removed on failure.
 */
export function saveSync(ks: Keyspace, dir: string, filename: string, opts: SaveOptions): number {
  const tmp = path.join(dir, tempFileName());
  let fd: number;
  try {
    fd = openSync(tmp, 'w');
  } catch (err) {
    throw new SaveError('open', err);
  }
  let op = 'rdbSaveRio';
  try {
    const w = new RdbFileWriter(opts);
    const sink = (b: Buffer): void => {
      let off = 0;
      while (off < b.length) off += writeSync(fd, b, off, b.length - off);
    };
    w.header();
    for (const db of ks.dbs) w.database(db, sink);
    sink(w.finish());
    op = 'fsync';
    fsyncSync(fd);
    op = 'fclose';
    closeSync(fd);
    fd = -1;
    op = 'rename';
    renameSync(tmp, path.join(dir, filename));
    op = 'fsyncFileDir';
    fsyncDir(dir);
    return w.bytesWritten;
  } catch (err) {
    if (fd >= 0) {
      try {
        closeSync(fd);
      } catch {
        // already failing
      }
    }
    try {
      unlinkSync(tmp);
    } catch {
      // gone already
    }
    throw err instanceof SaveError ? err : new SaveError(op, err);
  }
}

/** fsync a directory so a rename in it is durable. */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
