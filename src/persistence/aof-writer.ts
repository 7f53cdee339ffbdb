/**
 * AofWriter: the INCR file being appended to, and the buffer of commands not written yet
 * (Redis's aof_fd and aof_buf, feedAppendOnlyFile and flushAppendOnlyFile).
 *
 * Commands are encoded into the buffer as they are propagated; the server calls flush() once
 * per event-loop turn (its beforeSleep), before it sends the turn's replies, so a reply never
 * leaves before the write it acknowledges has reached the file:
 *   always    write, then fdatasync, right there: the one fsync covers the whole turn;
 *   everysec  write; an fdatasync runs in libuv's thread pool about once a second, never on
 *             the command path;
 *   no        write; the kernel decides when to sync.
 * A failed write keeps the data for the next attempt (and makes the server refuse writes,
 * aof_last_write_status:err), except under `always`, where Redis exits: the reply of an
 * unlogged write must not be sent.
 */
import { closeSync, fdatasync, fdatasyncSync, ftruncateSync, fstatSync, writeSync } from 'node:fs';
import { Argv } from '../protocol/argv.js';
import type { PropArg } from '../commands/spec.js';
import { RespOut } from './aof-resp.js';

export type FsyncPolicy = 'always' | 'everysec' | 'no';

const SELECT_CACHE: string[] = [];
function selectCommand(db: number): string {
  let s = SELECT_CACHE[db];
  if (s === undefined) {
    const d = String(db);
    s = `*2\r\n$6\r\nSELECT\r\n$${d.length}\r\n${d}\r\n`;
    SELECT_CACHE[db] = s;
  }
  return s;
}

export interface WriterHooks {
  log(level: 'notice' | 'warning' | 'verbose', msg: string): void;
  /** Wall clock in ms. */
  now(): number;
  /** The buffer went from empty to not: the server must flush before replying. */
  pending(): void;
  /** `always` could not write or sync: Redis exits (the server decides how). */
  fatal(msg: string): void;
  /** lastWriteOk or bioFsyncError changed: writes are refused or allowed again. */
  statusChanged(): void;
  /** no-appendfsync-on-rewrite with a save or rewrite running: skip fsyncs for now. */
  fsyncPaused(): boolean;
}

export class AofWriter {
  fd = -1;
  readonly buf = new RespOut();
  /** Database of the last command written (-1: the next one writes a SELECT). */
  selectedDb = -1;
  policy: FsyncPolicy = 'everysec';
  timestamps = false;
  private curTimestamp = 0;
  /** Whether propagated commands are kept (AOF on, or turning on while its rewrite runs). */
  accepting = false;
  /** Size of the whole AOF (base + INCR files), aof_current_size. */
  currentSize = 0;
  /** Size of the INCR file being written, aof_last_incr_size. */
  lastIncrSize = 0;
  /** aof_current_size when the last fsync started. */
  fsyncOffset = 0;
  /** Seconds of the last fsync (everysec paces on it). */
  lastFsync = 0;
  fsyncInFlight = false;
  /** Descriptors to close once their background fsync completes. */
  private readonly closeAfterFsync = new Set<number>();
  /** INFO aof_delayed_fsync: writes Redis had to make without waiting for a slow fsync (never here). */
  readonly delayedFsync = 0;
  lastWriteOk = true;
  lastWriteError = '';
  /** An fsync done in the thread pool failed (logged; AOF reopening clears it). */
  bioFsyncError = '';
  private lastErrorLog = 0;
  /** DEBUG AOF-FLUSH-SLEEP: microseconds to sleep before each write (tests). */
  flushSleepUs = 0;

  constructor(private readonly hooks: WriterHooks) {}

  get bufferLength(): number {
    return this.buf.length;
  }

  private seconds(): number {
    return Math.floor(this.hooks.now() / 1000);
  }

  /** feedAppendOnlyFile: one propagated command. */
  feed(db: number, cmd: Argv | readonly PropArg[]): void {
    if (!this.accepting) return;
    const out = this.buf;
    if (out.length === 0) this.hooks.pending();
    if (this.timestamps) {
      const now = this.seconds();
      if (this.curTimestamp < now) {
        this.curTimestamp = now;
        out.raw(`#TS:${now}\r\n`);
      }
    }
    if (db !== -1 && db !== this.selectedDb) {
      out.raw(selectCommand(db));
      this.selectedDb = db;
    }
    if (cmd instanceof Argv) out.argv(cmd);
    else out.args(cmd);
  }

  /** Whether the buffer holds commands not written yet. */
  get hasPending(): boolean {
    return this.buf.length !== 0;
  }

  /**
   * flushAppendOnlyFile: write the buffer, then fsync as the policy says. (`force` is
   * Redis's: writing even while a background fsync runs, which every write does here.)
   */
  flush(_force: boolean): void {
    if (this.fd < 0) return;
    const now = this.seconds();
    if (this.buf.length === 0) {
      // A write may have gone out without its fsync (everysec with one in flight): catch up.
      if (this.policy === 'everysec' && this.fsyncOffset !== this.currentSize && now > this.lastFsync && !this.fsyncInFlight) this.trySync(now);
      return;
    }
    // Redis postpones this write (up to 2 s) while a background fsync runs, and sends the
    // replies meanwhile. Here the write always goes first: a reply never acknowledges a write
    // the file does not have yet, whatever the fsync is doing (write(2) to the page cache does
    // not wait for fdatasync on the filesystems this runs on).
    if (this.flushSleepUs > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, this.flushSleepUs / 1000);
    const b = this.buf.buf;
    const len = this.buf.length;
    let written = 0;
    let error: unknown = null;
    try {
      while (written < len) written += writeSync(this.fd, b, written, len - written);
    } catch (err) {
      error = err;
    }
    if (error !== null) {
      this.writeFailed(error, written, len, now);
      return;
    }
    if (!this.lastWriteOk) {
      this.hooks.log('warning', 'AOF write error looks solved, Redis can write again.');
      this.lastWriteOk = true;
      this.lastWriteError = '';
      this.hooks.statusChanged();
    }
    this.currentSize += written;
    this.lastIncrSize += written;
    this.buf.reset();
    this.trySync(now);
  }

  private writeFailed(err: unknown, written: number, len: number, now: number): void {
    const canLog = now - this.lastErrorLog > 30;
    if (canLog) this.lastErrorLog = now;
    const msg = errnoText(err);
    if (written > 0) {
      // A partial write: take it back, so that the file never ends in half a command.
      try {
        ftruncateSync(this.fd, this.lastIncrSize);
        written = 0;
      } catch (e) {
        if (canLog) this.hooks.log('warning', `Could not remove short write from the append-only file.  Redis may refuse to load the AOF the next time it starts.  ftruncate: ${errnoText(e)}`);
      }
      if (canLog) this.hooks.log('warning', `Short write while writing to the AOF file: (nwritten=${written}, expected=${len})`);
    } else if (canLog) {
      this.hooks.log('warning', `Error writing to the AOF file: ${msg}`);
    }
    if (this.policy === 'always') {
      this.hooks.log('warning', "Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...");
      this.hooks.fatal(msg);
      return;
    }
    const was = this.lastWriteOk;
    this.lastWriteOk = false;
    this.lastWriteError = msg;
    if (was) this.hooks.statusChanged();
    if (written > 0) {
      this.currentSize += written;
      this.lastIncrSize += written;
      this.buf.consume(written);
    }
  }

  private trySync(now: number): void {
    if (this.policy !== 'no' && this.hooks.fsyncPaused()) return;
    if (this.policy === 'always') {
      try {
        fdatasyncSync(this.fd);
      } catch (err) {
        this.hooks.log('warning', `Can't persist AOF for fsync error when the AOF fsync policy is 'always': ${errnoText(err)}. Exiting...`);
        this.hooks.fatal(errnoText(err));
        return;
      }
      this.fsyncOffset = this.currentSize;
      this.lastFsync = now;
    } else if (this.policy === 'everysec' && now > this.lastFsync) {
      if (!this.fsyncInFlight) this.backgroundFsync();
      this.lastFsync = now;
    }
  }

  /** fdatasync in libuv's thread pool (Redis's bio fsync job). */
  private backgroundFsync(): void {
    const fd = this.fd;
    this.fsyncInFlight = true;
    this.fsyncOffset = this.currentSize;
    fdatasync(fd, (err) => {
      // A file switched away from (or closed) meanwhile is closed now, its fsync done.
      if (this.closeAfterFsync.delete(fd)) {
        closeQuiet(fd);
        return;
      }
      if (fd !== this.fd) return;
      this.fsyncInFlight = false;
      const before = this.bioFsyncError;
      if (err) {
        this.bioFsyncError = errnoText(err);
        this.hooks.log('warning', `Fail to fsync the AOF file: ${this.bioFsyncError}`);
      } else {
        this.bioFsyncError = '';
      }
      if (before !== this.bioFsyncError) this.hooks.statusChanged();
    });
  }

  /** Write and fsync everything now (shutdown, turning the AOF off, a rewrite switching files). */
  syncNow(): boolean {
    this.flush(true);
    if (this.fd < 0) return true;
    try {
      fdatasyncSync(this.fd);
      this.fsyncOffset = this.currentSize;
      this.lastFsync = this.seconds();
      return true;
    } catch (err) {
      this.hooks.log('warning', `Fail to fsync the AOF file: ${errnoText(err)}`);
      return false;
    }
  }

  /** Switch to another INCR file (already open); the old one is synced and closed. */
  switchTo(fd: number): void {
    const old = this.fd;
    if (old >= 0) {
      // Written out first; under everysec its fsync may lag, so do it now (a small file).
      try {
        fdatasyncSync(old);
      } catch {
        // logged by the next write, if the disk is really failing
      }
      this.release(old);
      this.fsyncOffset = this.currentSize;
      this.lastFsync = this.seconds();
    }
    this.fd = fd;
    this.lastIncrSize = fd >= 0 ? fstatSync(fd).size : 0;
    this.selectedDb = -1;
  }

  close(): void {
    if (this.fd >= 0) this.release(this.fd);
    this.fd = -1;
    this.selectedDb = -1;
  }

  /** Close a descriptor, or leave that to the background fsync still using it. */
  private release(fd: number): void {
    if (this.fsyncInFlight) {
      this.closeAfterFsync.add(fd);
      this.fsyncInFlight = false;
    } else {
      closeQuiet(fd);
    }
  }

  /** Drop what was not written (the AOF was turned off, or its first rewrite failed). */
  discard(): void {
    this.buf.reset();
  }
}

export function errnoText(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const map: Record<string, string> = {
    ENOSPC: 'No space left on device',
    EACCES: 'Permission denied',
    ENOENT: 'No such file or directory',
    EIO: 'Input/output error',
    EBADF: 'Bad file descriptor',
    EROFS: 'Read-only file system',
    EDQUOT: 'Disk quota exceeded',
    EFBIG: 'File too large',
    EISDIR: 'Is a directory',
    ENOTDIR: 'Not a directory',
  };
  if (e.code !== undefined && map[e.code] !== undefined) return map[e.code] as string;
  return e.message ?? String(err);
}

function closeQuiet(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // nothing to do
  }
}
