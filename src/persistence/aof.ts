/**
 * The append-only file of one server, in Redis 7.0's multi-part layout (aof.c): the manifest
 * and its files in `appenddirname`, the INCR file commands are appended to (aof-writer.ts),
 * loading at start-up and by DEBUG LOADAOF (aof-loader.ts), BGREWRITEAOF and the automatic
 * rewrite (aof-rewrite.ts), CONFIG SET appendonly at run time, the shutdown flush, and the
 * aof_* fields of INFO persistence.
 *
 * States, as server.aof_state: 'off'; 'on'; 'wait_rewrite' while `appendonly yes` set at run
 * time waits for its first rewrite (commands then go to a temporary INCR file that becomes
 * the first INCR file when the new base is in place).
 *
 * Depends on the keyspace, config and the RDB code (the base file's preamble); the server
 * supplies the rest through AofHost.
 */
import { existsSync, mkdirSync, openSync, renameSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/config.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import type { AofService } from '../commands/spec.js';
import { ERR } from '../commands/errors.js';
import { AofManifest, ManifestError, manifestName } from './aof-manifest.js';
import { AofWriter, errnoText, type FsyncPolicy } from './aof-writer.js';
import { AofFileLoader, type AofExecutor, type AofLoadResult } from './aof-loader.js';
import { AofRewrite } from './aof-rewrite.js';
import type { Persistence } from './persistence.js';
import { RdbLoader } from './rdb-load.js';
import type { SaveOptions } from './rdb-save.js';

export type AofState = 'off' | 'on' | 'wait_rewrite';
export type AofLogLevel = 'debug' | 'verbose' | 'notice' | 'warning';

/** What the AOF needs from the server that owns it. */
export interface AofHost {
  readonly ks: Keyspace;
  readonly config: Config;
  readonly persistence: Persistence;
  clockNow(): number;
  log(level: AofLogLevel, msg: string): void;
  usedMemory(): number;
  /** Propagated commands go to `w`, or nowhere (null). */
  setTarget(w: AofWriter | null): void;
  /** The write buffer became non-empty: flush before the turn's replies go out. */
  pending(): void;
  /** A write or fsync failed under `appendfsync always`: Redis exits. */
  fatal(msg: string): void;
  /** The AOF client that loading runs commands as. */
  readonly executor: AofExecutor;
  /** Loading state: the -LOADING gate and INFO's loading:. */
  setLoading(on: boolean): void;
  /** Writes refused (MISCONF) while the last AOF write failed: the gate follows. */
  gatesChanged(): void;
  /** DEBUG LOADAOF: the reloaded commands are no changes to save (server.dirty = 0). */
  resetDirty(): void;
}

/** Thrown by loading when the server must not start (the cause is in the log). */
export class AofLoadError extends Error {}

/** AOF_REWRITE_LIMITE_THRESHOLD / _MAX_MINUTES. */
const REWRITE_LIMIT_THRESHOLD = 3;
const REWRITE_LIMIT_MAX_MINUTES = 60;
const LOAD_SLICE_MS = 20;

export class Aof implements AofService {
  state: AofState = 'off';
  manifest = new AofManifest();
  readonly writer: AofWriter;
  rewrite: AofRewrite | null = null;
  rewriteScheduled = false;
  lastRewriteOk = true;
  rewrites = 0;
  consecutiveFailures = 0;
  lastRewriteTimeSec = -1;
  lastCowSize = 0;
  /** aof_rewrite_base_size: the AOF's size after the last rewrite (auto-rewrite growth base). */
  rewriteBaseSize = 0;
  private nextDelayMinutes = 0;
  private nextRewriteTime = 0;

  constructor(readonly host: AofHost) {
    this.writer = new AofWriter({
      log: (level, msg) => host.log(level, msg),
      now: () => host.clockNow(),
      pending: () => host.pending(),
      fatal: (msg) => host.fatal(msg),
      statusChanged: () => host.gatesChanged(),
      fsyncPaused: () => this.config.bool('no-appendfsync-on-rewrite') && (this.rewrite !== null || host.persistence.bgsaveInProgress),
    });
    this.applyConfig();
  }

  get config(): Config {
    return this.host.config;
  }

  get filename(): string {
    return this.config.get('appendfilename');
  }

  get dir(): string {
    return this.config.get('dir');
  }

  /** The AOF directory (absolute). */
  get aofDir(): string {
    return path.join(this.dir, this.config.get('appenddirname'));
  }

  get rewriteInProgress(): boolean {
    return this.rewrite !== null;
  }

  /** Writes are refused (MISCONF) while the last write to the AOF failed. */
  get writesDenied(): boolean {
    return this.state !== 'off' && (!this.writer.lastWriteOk || this.writer.bioFsyncError !== '');
  }

  get writeError(): string {
    return this.writer.lastWriteOk ? this.writer.bioFsyncError : this.writer.lastWriteError;
  }

  private seconds(): number {
    return Math.floor(this.host.clockNow() / 1000);
  }

  /** Keep the writer in step with appendfsync / aof-timestamp-enabled. */
  applyConfig(): void {
    this.writer.policy = this.config.get('appendfsync') as FsyncPolicy;
    this.writer.timestamps = this.config.bool('aof-timestamp-enabled');
  }

  /** Feeding is on when the AOF is on, or turning on with its rewrite running. */
  syncAccepting(): void {
    const w = this.writer;
    w.accepting = this.state === 'on' || (this.state === 'wait_rewrite' && this.rewrite !== null);
    this.host.setTarget(this.state === 'off' ? null : w);
  }

  // ---- start-up ----------------------------------------------------------------------------

  /** aofLoadManifestFromDisk: a bad manifest stops the server (AofLoadError). */
  loadManifestFromDisk(): void {
    this.manifest = new AofManifest();
    if (!isDir(this.aofDir)) {
      this.host.log('debug', `The AOF directory ${this.config.get('appenddirname')} doesn't exist`);
      return;
    }
    const file = path.join(this.aofDir, manifestName(this.filename));
    if (!existsSync(file)) {
      this.host.log('debug', `The AOF manifest file ${manifestName(this.filename)} doesn't exist`);
      return;
    }
    try {
      this.manifest = AofManifest.load(file);
    } catch (err) {
      const log = this.host.log;
      if (err instanceof ManifestError) {
        log('warning', '\n*** FATAL AOF MANIFEST FILE ERROR ***\n');
        if (err.line !== null) {
          log('warning', `Reading the manifest file, at line ${err.lineNo}\n`);
          log('warning', `>>> '${err.line}'\n`);
        }
        log('warning', `${err.message}\n`);
      } else {
        log('warning', `Fatal error: can't open the AOF manifest file ${file} for reading: ${errnoText(err)}`);
      }
      throw new AofLoadError(err instanceof Error ? err.message : String(err));
    }
  }

  /**
   * loadDataFromDisk with appendonly yes: the files of the manifest (loaded first, whatever
   * `appendonly` says, as Redis does), in slices: the server answers -LOADING meanwhile.
   * Throws AofLoadError when the server must not start.
   */
  async loadAtStartup(): Promise<void> {
    this.state = 'on';
    const t0 = performance.now();
    // In slices: clients get -LOADING between them.
    const steps = this.loadFiles();
    let it = steps.next();
    while (!it.done) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      it = steps.next();
    }
    const r = it.value;
    if (r === 'ok' || r === 'truncated') {
      this.host.log('notice', `DB loaded from append only file: ${((performance.now() - t0) / 1000).toFixed(3)} seconds`);
    } else if (r !== 'not_exist' && r !== 'empty') {
      throw new AofLoadError('AOF loading failed');
    }
  }

  /** aofUpgradePrepare: an old single-file AOF in `dir` moves into the AOF directory as the base. */
  private upgradeIfNeeded(): void {
    const old = path.join(this.dir, this.filename);
    if (!existsSync(old)) return;
    const m = this.manifest;
    const upgrade =
      !isDir(this.aofDir) ||
      m.empty ||
      (m.base !== null && m.incrs.length === 0 && m.base.name === this.filename && !existsSync(path.join(this.aofDir, this.filename)));
    if (!upgrade) return;
    this.createDir();
    m.base = { name: this.filename, seq: 1, type: 'b' };
    m.baseSeq = 1;
    this.persistManifest(m, true);
    try {
      renameSync(old, path.join(this.aofDir, this.filename));
    } catch (err) {
      this.host.log('warning', `Error trying to move the old AOF file ${this.filename} into dir ${this.config.get('appenddirname')}: ${errnoText(err)}`);
      throw new AofLoadError('AOF upgrade failed');
    }
    this.host.log('notice', `Successfully migrated an old-style AOF file (${this.filename}) into the AOF directory (${this.config.get('appenddirname')}).`);
  }

  private createDir(): void {
    try {
      mkdirSync(this.aofDir, { recursive: true });
    } catch (err) {
      this.host.log('warning', `Can't open or create append-only dir ${this.config.get('appenddirname')}: ${errnoText(err)}`);
      throw new AofLoadError('AOF directory');
    }
  }

  /** persistAofManifest; `fatal`: a failure stops the server (start-up paths). */
  persistManifest(m: AofManifest, fatal: boolean): boolean {
    try {
      m.persist(this.aofDir, this.filename);
      return true;
    } catch (err) {
      const op = (err as { op?: string }).op;
      const tmp = `temp-${manifestName(this.filename)}`;
      const msg =
        op === 'open'
          ? `Can't open the AOF manifest file ${tmp}: ${errnoText(err)}`
          : op === 'write'
            ? `Error trying to write the temporary AOF manifest file ${tmp}: ${errnoText(err)}`
            : op === 'fsync'
              ? `Fail to fsync the temp AOF file ${tmp}: ${errnoText(err)}.`
              : op === 'rename'
                ? `Error trying to rename the temporary AOF manifest file ${tmp} into ${manifestName(this.filename)}: ${errnoText(err)}`
                : `Fail to fsync AOF directory ${path.join(this.aofDir, manifestName(this.filename))}: ${errnoText(err)}.`;
      this.host.log('warning', msg);
      if (fatal) throw new AofLoadError(msg);
      return false;
    }
  }

  /**
   * loadAppendOnlyFiles: base then INCR files, as the AOF client; yields between slices of
   * about LOAD_SLICE_MS (the caller decides whether the event loop runs meanwhile).
   */
  *loadFiles(): Generator<void, AofLoadResult, void> {
    this.upgradeIfNeeded();
    const m = this.manifest;
    if (m.empty) return 'not_exist';
    const files = [...(m.base !== null ? [m.base] : []), ...m.incrs];
    let total = 0;
    for (const f of files) {
      try {
        total += statSync(path.join(this.aofDir, f.name)).size;
      } catch (err) {
        this.host.log('warning', `Unable to obtain the AOF file ${f.name} length. stat: ${errnoText(err)}`);
        return 'failed';
      }
    }
    if (total === 0) return 'empty';
    const host = this.host;
    const ks = host.ks;
    const frozen = ks.expiryFrozen;
    const accepting = this.writer.accepting;
    this.writer.accepting = false;
    ks.expiryFrozen = true;
    host.setLoading(true);
    let ret: AofLoadResult = 'ok';
    let baseSize = 0;
    try {
      for (let i = 0; i < files.length; i++) {
        const f = files[i] as (typeof files)[number];
        const last = i === files.length - 1;
        const t0 = performance.now();
        const loader = new AofFileLoader(path.join(this.aofDir, f.name), f.name, {
          truncatedOk: this.config.bool('aof-load-truncated'),
          exec: host.executor,
          rdb: (buf) => this.rdbLoader(buf),
          log: (level, msg) => host.log(level, msg),
        });
        while (!loader.step(LOAD_SLICE_MS)) yield;
        ret = loader.result ?? 'failed';
        if (f.type === 'b') baseSize = loader.totalBytes;
        if (ret === 'ok' || (ret === 'truncated' && last)) {
          host.log('notice', `DB loaded from ${f.type === 'b' ? 'base' : 'incr'} file ${f.name}: ${((performance.now() - t0) / 1000).toFixed(3)} seconds`);
        }
        // An empty INCR file counts as loaded: other files had data.
        if (ret === 'empty') ret = 'ok';
        if (ret === 'truncated' && !last) {
          host.log('warning', 'Fatal error: the truncated file is not the last file');
          ret = 'failed';
        }
        if (ret === 'open_err' || ret === 'failed' || ret === 'not_exist') {
          // Never half-loaded: what was read so far goes.
          for (const db of ks.dbs) db.flush();
          return ret === 'not_exist' ? 'failed' : ret;
        }
      }
      // Sizes after any truncation.
      let size = 0;
      for (const f of files) size += statSync(path.join(this.aofDir, f.name)).size;
      this.writer.currentSize = size;
      this.writer.fsyncOffset = size;
      this.rewriteBaseSize = baseSize;
      return ret;
    } finally {
      ks.expiryFrozen = frozen;
      this.writer.accepting = accepting;
      host.setLoading(false);
    }
  }

  private rdbLoader(buf: Buffer): RdbLoader {
    const p = this.host.persistence;
    const l = new RdbLoader(buf, this.host.ks, {
      checksum: this.config.bool('rdbchecksum'),
      allowDup: false,
      now: this.host.clockNow(),
      keepExpired: true,
      log: (level, msg) => this.host.log(level, msg),
    });
    const step = l.step.bind(l);
    // Function libraries of the preamble are kept, as a loaded RDB's are.
    return Object.assign(l, {
      step: (ms: number) => {
        const done = step(ms);
        if (done) p.functions = l.functions;
        return done;
      },
    });
  }

  /**
   * aofOpenIfNeededOnServerStart: with the AOF on, a base is made for an empty start, the
   * last INCR file is opened for appending (or created) and the manifest written.
   */
  openOnServerStart(): void {
    if (this.state !== 'on') return;
    this.createDir();
    const m = this.manifest;
    const hadIncr = m.incrs.length > 0;
    if (m.base === null && !hadIncr) {
      const name = m.newBase(this.filename, this.config.bool('aof-use-rdb-preamble'));
      if (!AofRewrite.writeBaseSync(this, path.join(this.aofDir, name))) throw new AofLoadError('AOF base');
      this.host.log('notice', `Creating AOF base file ${name} on server start`);
    }
    const incr = m.lastIncr(this.filename);
    let fd: number;
    try {
      fd = openSync(path.join(this.aofDir, incr), 'a', 0o644);
    } catch (err) {
      this.host.log('warning', `Can't open the append-only file ${incr}: ${errnoText(err)}`);
      throw new AofLoadError('AOF open');
    }
    this.persistManifest(m, true);
    this.writer.switchTo(fd);
    this.host.log('notice', hadIncr ? `Opening AOF incr file ${incr} on server start` : `Creating AOF incr file ${incr} on server start`);
    this.syncAccepting();
  }

  // ---- run time ----------------------------------------------------------------------------

  /** beforeSleep: write (and fsync per policy) what this turn propagated. */
  beforeSleep(): void {
    if (this.state !== 'off' || this.writer.hasPending) this.writer.flush(false);
  }

  /** serverCron's AOF part: pending fsyncs and writes, scheduled and automatic rewrites. */
  cron(): void {
    const w = this.writer;
    if (this.state !== 'off') w.flush(false);
    if (this.rewrite !== null) {
      this.rewrite.sampleCow();
      return;
    }
    if (this.host.persistence.bgsaveInProgress) return;
    if (this.rewriteScheduled && !this.limited()) {
      this.startRewrite();
      return;
    }
    const perc = this.config.int('auto-aof-rewrite-percentage');
    const min = this.config.int('auto-aof-rewrite-min-size');
    if (this.state === 'on' && perc > 0 && w.currentSize > min) {
      const base = this.rewriteBaseSize > 0 ? this.rewriteBaseSize : 1;
      const growth = Math.floor((w.currentSize * 100) / base) - 100;
      if (growth >= perc && !this.limited()) {
        this.host.log('notice', `Starting automatic rewriting of AOF on ${growth}% growth`);
        this.startRewrite();
      }
    }
  }

  /** aofRewriteLimited: after 3 failures in a row, automatic rewrites back off (1, 2, 4 .. 60 min). */
  private limited(): boolean {
    if (this.consecutiveFailures < REWRITE_LIMIT_THRESHOLD) {
      this.nextDelayMinutes = 0;
      this.nextRewriteTime = 0;
      return false;
    }
    const now = this.seconds();
    if (this.nextRewriteTime !== 0) {
      if (now < this.nextRewriteTime) return true;
      this.nextRewriteTime = 0;
      return false;
    }
    this.nextDelayMinutes = this.nextDelayMinutes === 0 ? 1 : Math.min(this.nextDelayMinutes * 2, REWRITE_LIMIT_MAX_MINUTES);
    this.nextRewriteTime = now + this.nextDelayMinutes * 60;
    this.host.log('warning', `Background AOF rewrite has repeatedly failed and triggered the limit, will retry in ${this.nextDelayMinutes} minutes`);
    return true;
  }

  /** rewriteAppendOnlyFileBackground. */
  startRewrite(): boolean {
    if (this.rewrite !== null || this.host.persistence.bgsaveInProgress) return false;
    const r = AofRewrite.start(this);
    if (r === null) {
      this.lastRewriteOk = false;
      return false;
    }
    this.rewrite = r;
    this.rewriteScheduled = false;
    this.syncAccepting();
    return true;
  }

  /** Called by AofRewrite when its run is over (either way). */
  rewriteEnded(r: AofRewrite): void {
    if (this.rewrite !== r) return;
    this.rewrite = null;
    this.lastCowSize = r.cowPeak;
    this.lastRewriteTimeSec = this.seconds() - r.startedAt;
    // Still waiting to turn on: try again (Redis reschedules).
    if (this.state === 'wait_rewrite') this.rewriteScheduled = true;
    this.syncAccepting();
  }

  bgrewriteaof(inExec: boolean): { status: string } | { error: string } {
    if (this.rewrite !== null) return { error: ERR.bgrewriteaofInProgress };
    if (this.host.persistence.bgsaveInProgress || inExec) {
      this.rewriteScheduled = true;
      // A manual rewrite runs as soon as it can, whatever the failure count.
      this.consecutiveFailures = 0;
      return { status: 'Background append only file rewriting scheduled' };
    }
    if (this.startRewrite()) return { status: 'Background append only file rewriting started' };
    return { error: ERR.bgrewriteaofFailed };
  }

  /** CONFIG SET appendonly yes: startAppendOnly. An error message when it cannot start. */
  startAppendOnly(inExec: boolean): string | null {
    if (this.state !== 'off') return null;
    this.state = 'wait_rewrite';
    if (this.host.persistence.bgsaveInProgress) {
      this.rewriteScheduled = true;
      this.host.log('warning', 'AOF was enabled but there is already another background operation. An AOF background was scheduled to start when possible.');
    } else if (inExec) {
      this.rewriteScheduled = true;
      this.host.log('warning', 'AOF was enabled during a transaction. An AOF background was scheduled to start when possible.');
    } else {
      if (this.rewrite !== null) {
        this.host.log('warning', 'AOF was enabled but there is already an AOF rewriting in background. Stopping background AOF and starting a rewrite now.');
        this.rewrite.kill();
      }
      if (!this.startRewrite()) {
        this.state = 'off';
        this.syncAccepting();
        this.host.log('warning', "Redis needs to enable the AOF but can't trigger a background AOF rewrite operation. Check the above logs for more info about the error.");
        return 'Unable to turn on AOF. Check server logs.';
      }
    }
    this.writer.lastFsync = this.seconds();
    if (this.writer.bioFsyncError !== '') {
      this.host.log('warning', 'AOF reopen, just ignore the AOF fsync error in bio job');
      this.writer.bioFsyncError = '';
    }
    if (!this.writer.lastWriteOk) {
      this.host.log('warning', 'AOF reopen, just ignore the last error.');
      this.writer.lastWriteOk = true;
      this.writer.lastWriteError = '';
      this.host.gatesChanged();
    }
    this.syncAccepting();
    return null;
  }

  /** CONFIG SET appendonly no: stopAppendOnly. */
  stopAppendOnly(): void {
    if (this.state === 'off') return;
    const w = this.writer;
    w.flush(true);
    w.syncNow();
    w.close();
    w.discard();
    this.state = 'off';
    this.rewriteScheduled = false;
    w.lastIncrSize = 0;
    if (this.rewrite !== null) this.rewrite.kill();
    if (!w.lastWriteOk) {
      w.lastWriteOk = true;
      this.host.gatesChanged();
    }
    this.syncAccepting();
  }

  /** aof-disable-auto-gc turned off: history files go now. */
  deleteHistoryFiles(): void {
    const m = this.manifest;
    if (this.config.bool('aof-disable-auto-gc') || m.history.length === 0) return;
    for (const h of m.history) {
      this.host.log('notice', `Removing the history file ${h.name} in the background`);
      const p = path.join(this.aofDir, h.name);
      // Redis unlinks in a background thread; removing a file is quick enough here.
      try {
        unlinkSync(p);
      } catch {
        // gone already
      }
    }
    m.history = [];
    this.persistManifest(m, false);
  }

  /**
   * prepareForShutdown's AOF part: stop a rewrite (refused while the first one of a run-time
   * `appendonly yes` is pending, unless forced), then write and fsync. False: do not exit.
   */
  shutdown(force: boolean): boolean {
    const log = this.host.log;
    if (this.rewrite !== null || this.state === 'wait_rewrite') {
      if (this.state === 'wait_rewrite') {
        if (!force) {
          log('warning', "Writing initial AOF, can't exit.");
          return false;
        }
        log('warning', 'Writing initial AOF. Exit anyway.');
      }
      if (this.rewrite !== null) {
        log('warning', 'There is a child rewriting the AOF. Killing it!');
        this.rewrite.kill();
      }
    }
    if (this.state !== 'off') {
      log('notice', 'Calling fsync() on the AOF file.');
      this.writer.syncNow();
    }
    return true;
  }

  /** At exit, whatever the path: no rewrite left running, everything written, the file closed. */
  stop(): void {
    if (this.rewrite !== null) this.rewrite.kill();
    if (this.state !== 'off') this.writer.syncNow();
    this.writer.close();
    this.host.setTarget(null);
  }

  /**
   * DEBUG LOADAOF: write what is pending, empty the dataset, load the files again, at once.
   * Redis exits when that fails; so does this (host.fatal).
   */
  debugLoadAof(): void {
    if (this.state === 'on') this.writer.flush(true);
    for (const db of this.host.ks.dbs) db.flush();
    let r: AofLoadResult = 'failed';
    try {
      this.loadManifestFromDisk();
      this.deleteHistoryFiles();
      const steps = this.loadFiles();
      let it = steps.next();
      while (!it.done) it = steps.next();
      r = it.value;
    } catch (err) {
      if (!(err instanceof AofLoadError)) throw err;
    }
    if (r !== 'ok' && r !== 'empty' && r !== 'not_exist' && r !== 'truncated') {
      this.host.fatal('DEBUG LOADAOF failed');
      return;
    }
    this.host.resetDirty();
    this.host.log('warning', 'Append Only File loaded by DEBUG LOADAOF');
  }

  /** DEBUG AOF-FLUSH-SLEEP: a pause before each write of the buffer (tests). */
  setFlushSleep(us: number): void {
    this.writer.flushSleepUs = us;
  }

  // ---- INFO --------------------------------------------------------------------------------

  /** The aof_* lines of INFO persistence up to aof_last_cow_size. */
  infoLines(): string[] {
    const r = this.rewrite;
    return [
      `aof_enabled:${this.state !== 'off' ? 1 : 0}`,
      `aof_rewrite_in_progress:${r !== null ? 1 : 0}`,
      `aof_rewrite_scheduled:${this.rewriteScheduled ? 1 : 0}`,
      `aof_last_rewrite_time_sec:${this.lastRewriteTimeSec}`,
      `aof_current_rewrite_time_sec:${r !== null ? this.seconds() - r.startedAt : -1}`,
      `aof_last_bgrewrite_status:${this.lastRewriteOk ? 'ok' : 'err'}`,
      `aof_rewrites:${this.rewrites}`,
      `aof_rewrites_consecutive_failures:${this.consecutiveFailures}`,
      `aof_last_write_status:${this.writer.lastWriteOk && this.writer.bioFsyncError === '' ? 'ok' : 'err'}`,
      `aof_last_cow_size:${this.lastCowSize}`,
    ];
  }

  /** The lines after module_fork_last_cow_size, when the AOF is on. */
  infoTailLines(): string[] {
    if (this.state === 'off') return [];
    const w = this.writer;
    return [
      `aof_current_size:${w.currentSize}`,
      `aof_base_size:${this.rewriteBaseSize}`,
      `aof_pending_rewrite:${this.rewriteScheduled ? 1 : 0}`,
      `aof_buffer_length:${w.bufferLength}`,
      `aof_pending_bio_fsync:${w.fsyncInFlight ? 1 : 0}`,
      `aof_delayed_fsync:${w.delayedFsync}`,
    ];
  }

  /** Options of an RDB written as an AOF base (the preamble). */
  saveOptions(): SaveOptions {
    const policy = this.config.get('maxmemory-policy');
    const ks = this.host.ks;
    return {
      compress: this.config.bool('rdbcompression'),
      checksum: this.config.bool('rdbchecksum'),
      hint: policy.endsWith('-lfu') ? 'lfu' : policy.endsWith('-lru') ? 'lru' : 'none',
      lfuDecayTime: ks.lfuDecayTime,
      now: this.host.clockNow(),
      usedMemory: this.host.usedMemory(),
      functions: this.host.persistence.functions,
      aofBase: true,
      encode: { listMaxListpackSize: ks.encoding.listMaxListpackSize },
    };
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
