/**
 * Persistence: RDB snapshots for one server — SAVE, BGSAVE (SCHEDULE), LASTSAVE, DUMP/RESTORE
 * payloads, DEBUG RELOAD, `save` points, FLUSHALL's save, the final save at shutdown, loading
 * the dump at start-up, and the state INFO persistence reports and the MISCONF / LOADING
 * gates read.
 *
 * Behaviour and log lines follow Redis 7.0 (rdb.c, server.c); the background save has no
 * fork (snapshot.ts). Depends on the keyspace, values and config; the server supplies the
 * rest through PersistenceHost.
 */
import { readFile } from 'node:fs/promises';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/config.js';
import { strerror } from '../config/config.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import type { PersistenceService } from '../commands/spec.js';
import { ERR } from '../commands/errors.js';
import type { RedisValue } from '../values/types.js';
import { createDumpPayload, readDumpPayload, verifyDumpPayload } from './dump-payload.js';
import { applyLruLfu } from './lru-hints.js';
import { RdbError } from './rdb-format.js';
import { RdbLoader } from './rdb-load.js';
import { saveSync, SaveError, tempFileName, type SaveOptions } from './rdb-save.js';
import { Aborted, BackgroundSave } from './snapshot.js';

export type PersistenceLogLevel = 'debug' | 'verbose' | 'notice' | 'warning';

/** What persistence needs from the server that owns it. */
export interface PersistenceHost {
  readonly ks: Keyspace;
  readonly config: Config;
  /** Changes since the last save (Redis's server.dirty). */
  dirty: number;
  clockNow(): number;
  log(level: PersistenceLogLevel, msg: string): void;
  usedMemory(): number;
  /** writesDenied or loading changed: the dispatcher's gates follow. */
  gatesChanged(): void;
}

/**
 * The function libraries saved with the dataset (FUNCTION2 records), as the scripting
 * subsystem keeps them. Until one is installed, libraries found in a loaded RDB are kept as
 * source text and written back by later saves, so nothing is lost on the way through.
 */
export interface FunctionLibraries {
  /** Every library's source code. */
  codes(): readonly string[];
  /** Replace every library with these (after loading an RDB); the error text, or null. */
  replaceAll(codes: readonly string[]): string | null;
}

/** Redis's CONFIG_BGSAVE_RETRY_DELAY: after a failed BGSAVE, save points wait this long. */
const BGSAVE_RETRY_DELAY = 5;
/** Parsing time per event-loop turn while loading at start-up. */
const LOAD_SLICE_MS = 20;

function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}

export class Persistence implements PersistenceService {
  private readonly host: PersistenceHost;
  /** LASTSAVE (seconds): at start-up the dataset counts as saved, as in Redis. */
  lastSave: number;
  private lastBgsaveOk = true;
  private lastBgsaveTry = 0;
  private dirtyBeforeBgsave = 0;
  private bg: BackgroundSave | null = null;
  private bgScheduled = false;
  private saveTimeLast = -1;
  private saves = 0;
  private lastCowSize = 0;
  loading = false;
  private loadingStart = 0;
  private loadingTotal = 0;
  private loadingLoaded = 0;
  private loadingRdbUsedMem = 0;
  private keysLoaded = 0;
  private keysExpired = 0;
  /** The live function libraries, once scripting installs them (see FunctionLibraries). */
  functionLibraries: FunctionLibraries | null = null;
  /** Libraries from a loaded RDB while no FunctionLibraries is installed. */
  private keptFunctions: readonly string[] = [];
  /** Set by an AOF rewrite that runs: BGSAVE then waits (SCHEDULE) as with Redis's other child. */
  otherChildActive: () => boolean = () => false;

  constructor(host: PersistenceHost) {
    this.host = host;
    this.lastSave = seconds(host.clockNow());
  }

  private get config(): Config {
    return this.host.config;
  }

  private get dir(): string {
    return this.config.get('dir');
  }

  private get filename(): string {
    return this.config.get('dbfilename');
  }

  /** `save` as [seconds, changes] pairs (empty: no save points). */
  savePoints(): [number, number][] {
    const parts = this.config.get('save').split(' ').filter((p) => p !== '');
    const out: [number, number][] = [];
    for (let i = 0; i + 1 < parts.length; i += 2) out.push([Number(parts[i]), Number(parts[i + 1])]);
    return out;
  }

  /** The function libraries' source, as a save writes them. */
  get functions(): readonly string[] {
    return this.functionLibraries !== null ? this.functionLibraries.codes() : this.keptFunctions;
  }

  /**
   * Libraries read from an RDB (or an AOF's RDB preamble) become the current ones; throws
   * RdbError when the function engine refuses them (the load fails, as in Redis).
   */
  set functions(codes: readonly string[]) {
    this.setFunctions(codes);
  }

  private setFunctions(codes: readonly string[]): void {
    if (this.functionLibraries === null) {
      this.keptFunctions = codes;
      return;
    }
    const err = this.functionLibraries.replaceAll(codes);
    if (err !== null) throw new RdbError(`Failed loading library, ${err}`);
  }

  get bgsaveInProgress(): boolean {
    return this.bg !== null;
  }

  /** Redis's writeCommandsDeniedByDiskError for RDB: MISCONF is answered to writes. */
  get writesDenied(): boolean {
    return !this.lastBgsaveOk && this.config.bool('stop-writes-on-bgsave-error') && this.savePoints().length > 0;
  }

  private saveOptions(aofBase = false): SaveOptions {
    const policy = this.config.get('maxmemory-policy');
    const ks = this.host.ks;
    return {
      compress: this.config.bool('rdbcompression'),
      checksum: this.config.bool('rdbchecksum'),
      hint: policy.endsWith('-lfu') ? 'lfu' : policy.endsWith('-lru') ? 'lru' : 'none',
      lfuDecayTime: ks.lfuDecayTime,
      now: this.host.clockNow(),
      usedMemory: this.host.usedMemory(),
      functions: this.functions,
      aofBase,
      encode: { listMaxListpackSize: ks.encoding.listMaxListpackSize },
    };
  }

  private logSaveError(err: unknown): void {
    const log = this.host.log;
    if (err instanceof SaveError && err.op === 'open') {
      log('warning', `Failed opening the temp RDB file ${tempFileName()} (in server root dir ${this.dir}) for saving: ${strerror(err.cause)}`);
    } else if (err instanceof SaveError && err.op === 'rename') {
      log(
        'warning',
        `Error moving temp DB file ${tempFileName()} on the final destination ${this.filename} (in server root dir ${this.dir}): ${strerror(err.cause)}`,
      );
    } else if (err instanceof SaveError) {
      log('warning', `Write error saving DB on disk(${err.op}): ${strerror(err.cause)}`);
    } else {
      log('warning', `Write error saving DB on disk: ${strerror(err)}`);
    }
  }

  /** rdbSave: true when the file was written. */
  private saveNow(): boolean {
    try {
      saveSync(this.host.ks, this.dir, this.filename, this.saveOptions());
    } catch (err) {
      this.logSaveError(err);
      return false;
    }
    this.host.log('notice', 'DB saved on disk');
    this.host.dirty = 0;
    this.lastSave = seconds(this.host.clockNow());
    this.setBgsaveStatus(true);
    return true;
  }

  private setBgsaveStatus(ok: boolean): void {
    const before = this.writesDenied;
    this.lastBgsaveOk = ok;
    if (this.writesDenied !== before) this.host.gatesChanged();
  }

  /** A change of `save` or `stop-writes-on-bgsave-error` may open or close the gate. */
  configChanged(): void {
    this.host.gatesChanged();
  }

  // ---- commands ----------------------------------------------------------------------------

  save(): string | null {
    if (this.bg !== null) return ERR.bgsaveInProgress;
    this.saves++;
    return this.saveNow() ? null : ERR.saveFailed;
  }

  /** Another background job (an AOF rewrite) holds the keyspace's copy-on-write hook. */
  private otherJob(): boolean {
    return this.otherChildActive() || (this.bg === null && this.host.ks.writeObserver !== null);
  }

  bgsave(schedule: boolean, inExec: boolean): { status: string } | { error: string } {
    if (this.bg !== null) return { error: ERR.bgsaveInProgress };
    if (this.otherJob() || inExec) {
      if (schedule || inExec) {
        this.bgScheduled = true;
        return { status: 'Background saving scheduled' };
      }
      return { error: ERR.bgsaveChildActive };
    }
    this.startBackgroundSave();
    return { status: 'Background saving started' };
  }

  /** rdbSaveBackground. */
  startBackgroundSave(): void {
    const host = this.host;
    const now = host.clockNow();
    this.saves++;
    this.dirtyBeforeBgsave = host.dirty;
    this.lastBgsaveTry = seconds(now);
    const bg = new BackgroundSave(host.ks, this.saveOptions(), this.dir, this.filename, now, Math.max(0, this.config.int('rdb-key-save-delay')));
    this.bg = bg;
    host.ks.writeObserver = bg;
    host.log('notice', `Background saving started by pid ${process.pid}`);
    bg.run().then(
      () => this.bgsaveDone(bg, null),
      (err: unknown) => this.bgsaveDone(bg, err),
    );
  }

  /** backgroundSaveDoneHandlerDisk */
  private bgsaveDone(bg: BackgroundSave, err: unknown): void {
    if (this.bg !== bg) return;
    this.bg = null;
    const host = this.host;
    const now = host.clockNow();
    this.lastCowSize = bg.capturedPeak;
    if (err === null) {
      host.log('notice', 'Background saving terminated with success');
      host.dirty = host.dirty - this.dirtyBeforeBgsave;
      this.lastSave = seconds(now);
      this.setBgsaveStatus(true);
    } else if (err instanceof Aborted) {
      // Redis kills its child with SIGUSR1, which does not count as a failure.
      host.log('warning', 'Background saving terminated by signal 10');
    } else {
      this.logSaveError(err);
      host.log('warning', 'Background saving error');
      this.setBgsaveStatus(false);
    }
    this.saveTimeLast = seconds(now) - seconds(bg.startedAt);
  }

  /** killRDBChild: stop a background save (its temp file is removed). */
  private abortBackgroundSave(): void {
    const bg = this.bg;
    if (bg === null) return;
    bg.abort();
  }

  dump(v: RedisValue): Buffer {
    return createDumpPayload(v, { listMaxListpackSize: this.host.ks.encoding.listMaxListpackSize }, this.config.bool('rdbcompression'));
  }

  restore(payload: Uint8Array, freq: number, idleSeconds: number): RedisValue | { error: string } {
    if (!verifyDumpPayload(payload)) return { error: ERR.dumpPayloadInvalid };
    const ks = this.host.ks;
    let v: RedisValue;
    try {
      v = readDumpPayload(payload, { lru: ks.initialWord(), limits: ks.encoding });
    } catch (err) {
      if (err instanceof RdbError) {
        this.host.log('verbose', `Bad DUMP payload: ${err.message}`);
        return { error: ERR.badDataFormat };
      }
      throw err;
    }
    return applyLruLfu(v, ks, ks.now, freq, idleSeconds);
  }

  debugReload(merge: boolean, flush: boolean, save: boolean): string | null {
    if (this.bg !== null) this.abortBackgroundSave();
    if (save && !this.saveNow()) return ERR.saveFailed;
    const ks = this.host.ks;
    // Functions are emptied too (Redis's emptyData without EMPTYDB_NOFUNCTIONS) unless NOFLUSH.
    const keep = flush ? [] : [...this.functions];
    if (flush) for (const db of ks.dbs) db.flush();
    const file = path.join(this.dir, this.filename);
    let buf: Buffer;
    try {
      buf = readFileSync(file);
    } catch {
      return ERR.debugReloadFailed;
    }
    try {
      const l = this.loader(buf, merge);
      l.step(Infinity);
      this.afterLoad(l, keep);
    } catch (err) {
      if (!(err instanceof RdbError)) throw err;
      this.host.log('warning', `Internal error in RDB reading offset ${err.offset} -> ${err.message}`);
      return ERR.debugReloadFailed;
    }
    this.host.log('warning', 'DB reloaded by DEBUG RELOAD');
    return null;
  }

  flushedAll(): boolean {
    this.abortBackgroundSave();
    if (this.savePoints().length === 0) return false;
    return this.saveNow(); // not counted in rdb_saves, as Redis's flushAllDataAndResetRDB
  }

  // ---- save points, shutdown -------------------------------------------------------------

  /** From the server cron: save points, and a scheduled BGSAVE (serverCron). */
  cron(nowMs: number): void {
    if (this.loading) return;
    if (this.bg !== null) return;
    if (this.otherJob()) return;
    const now = seconds(nowMs);
    const canRetry = now - this.lastBgsaveTry > BGSAVE_RETRY_DELAY || this.lastBgsaveOk;
    const dirty = this.host.dirty;
    for (const [secs, changes] of this.savePoints()) {
      if (dirty >= changes && now - this.lastSave > secs && canRetry) {
        this.host.log('notice', `${changes} changes in ${secs} seconds. Saving...`);
        this.startBackgroundSave();
        return;
      }
    }
    if (this.bgScheduled && canRetry) {
      this.bgScheduled = false;
      this.startBackgroundSave();
    }
  }

  /**
   * prepareForShutdown's RDB part: stop a background save, then save when asked to (SAVE) or
   * when save points exist (unless NOSAVE). False when that save failed and FORCE was not
   * given: the server must not exit.
   */
  shutdownSave(nosave: boolean, save: boolean, force: boolean): boolean {
    const log = this.host.log;
    if (this.bg !== null) {
      log('warning', 'There is a child saving an .rdb. Killing it!');
      this.abortBackgroundSave();
    }
    // Never a final save of a half-loaded dataset (Redis turns SAVE into NOSAVE while loading).
    if (!this.loading && ((this.savePoints().length > 0 && !nosave) || save)) {
      log('notice', 'Saving the final RDB snapshot before exiting.');
      if (!this.saveNow()) {
        if (force) {
          log('warning', 'Error trying to save the DB. Exit anyway.');
        } else {
          log('warning', "Error trying to save the DB, can't exit.");
          return false;
        }
      }
    }
    return true;
  }

  // ---- loading ---------------------------------------------------------------------------

  private loader(buf: Buffer, allowDup: boolean): RdbLoader {
    return new RdbLoader(buf, this.host.ks, {
      checksum: this.config.bool('rdbchecksum'),
      allowDup,
      now: this.host.clockNow(),
      log: (level, msg) => this.host.log(level, msg),
    });
  }

  private afterLoad(l: RdbLoader, keep: readonly string[] = []): void {
    this.keysLoaded = l.keysLoaded;
    this.keysExpired = l.keysExpired;
    // The file's libraries join those kept (none, unless DEBUG RELOAD NOFLUSH kept them).
    this.setFunctions([...new Set([...keep, ...l.functions])]);
    const log = this.host.log;
    if (l.emptySkipped > 0) {
      log('warning', `Done loading RDB, keys loaded: ${l.keysLoaded}, keys expired: ${l.keysExpired}, empty keys skipped: ${l.emptySkipped}.`);
    } else {
      log('notice', `Done loading RDB, keys loaded: ${l.keysLoaded}, keys expired: ${l.keysExpired}.`);
    }
  }

  /**
   * loadDataFromDisk: read `dir/dbfilename` if it exists, in slices while the server answers
   * -LOADING. Rejects (leaving the file alone) when it cannot be read or is not a valid RDB;
   * the caller must not start serving then.
   */
  async loadAtStartup(): Promise<void> {
    const file = path.join(this.dir, this.filename);
    const host = this.host;
    const t0 = performance.now();
    let buf: Buffer;
    try {
      // Like Redis, which answers clients only every loading-process-events-interval-bytes
      // (2 MB) of loading: a file up to that size is read and loaded before any client is
      // served; a bigger one is read asynchronously and loaded in slices, with -LOADING
      // answered meanwhile (from now on: no command may see the half-empty keyspace).
      if (statSync(file).size <= this.config.int('loading-process-events-interval-bytes')) {
        buf = readFileSync(file);
      } else {
        this.loading = true;
        this.loadingStart = seconds(host.clockNow());
        this.loadingTotal = 0;
        this.loadingLoaded = 0;
        host.gatesChanged();
        buf = await readFile(file);
      }
    } catch (err) {
      if (this.loading) {
        this.loading = false;
        host.gatesChanged();
      }
      if ((err as { code?: string }).code === 'ENOENT') return;
      const msg = `Fatal error loading the DB: ${strerror(err)}. Exiting.`;
      host.log('warning', msg);
      throw new Error(msg);
    }
    const ks = host.ks;
    this.loadingTotal = buf.length;
    const frozen = ks.expiryFrozen;
    ks.expiryFrozen = true;
    try {
      const l = this.loader(buf, false);
      // key-load-delay (µs per key; tests): fewer keys per slice and a pause between slices.
      const delay = this.loading ? Math.max(0, this.config.int('key-load-delay')) : 0;
      const maxKeys = delay > 0 ? Math.max(1, Math.floor((LOAD_SLICE_MS * 1000) / delay)) : Infinity;
      let keys = 0;
      while (!l.step(this.loading ? LOAD_SLICE_MS : Infinity, maxKeys)) {
        this.loadingLoaded = l.loadedBytes;
        this.loadingRdbUsedMem = l.usedMem;
        const stepKeys = l.keysRead - keys;
        keys = l.keysRead;
        if (delay > 0) await new Promise<void>((resolve) => setTimeout(resolve, Math.max(1, (stepKeys * delay) / 1000)));
        else await new Promise<void>((resolve) => setImmediate(resolve));
      }
      this.afterLoad(l);
      host.log('notice', `DB loaded from disk: ${((performance.now() - t0) / 1000).toFixed(3)} seconds`);
    } catch (err) {
      if (!(err instanceof RdbError)) throw err;
      for (const db of ks.dbs) db.flush();
      host.log('warning', `Internal error in RDB reading offset ${err.offset}, file ${file} -> ${err.message}`);
      host.log('warning', 'Terminating server after rdb file reading failure.');
      throw new Error(`Bad RDB file ${file}: ${err.message} (offset ${err.offset})`);
    } finally {
      ks.expiryFrozen = frozen;
      this.loading = false;
      host.gatesChanged();
    }
  }

  // ---- INFO --------------------------------------------------------------------------------

  /** The RDB lines of INFO persistence, from loading: to rdb_last_load_keys_loaded:. */
  infoLines(): string[] {
    const now = seconds(this.host.clockNow());
    const bg = this.bg;
    const cow = bg !== null ? bg.capturedBytes : 0;
    const perc = bg !== null && bg.keysTotal > 0 ? Math.min(100, (bg.keysProcessed / bg.keysTotal) * 100) : 0;
    return [
      `loading:${this.loading ? 1 : 0}`,
      'async_loading:0',
      `current_cow_peak:${bg !== null ? bg.capturedPeak : 0}`,
      `current_cow_size:${cow}`,
      'current_cow_size_age:0',
      `current_fork_perc:${perc.toFixed(2)}`,
      `current_save_keys_processed:${bg !== null ? bg.keysProcessed : 0}`,
      `current_save_keys_total:${bg !== null ? bg.keysTotal : 0}`,
      `rdb_changes_since_last_save:${this.host.dirty}`,
      `rdb_bgsave_in_progress:${bg !== null ? 1 : 0}`,
      `rdb_last_save_time:${this.lastSave}`,
      `rdb_last_bgsave_status:${this.lastBgsaveOk ? 'ok' : 'err'}`,
      `rdb_last_bgsave_time_sec:${this.saveTimeLast}`,
      `rdb_current_bgsave_time_sec:${bg !== null ? now - seconds(bg.startedAt) : -1}`,
      `rdb_saves:${this.saves}`,
      `rdb_last_cow_size:${this.lastCowSize}`,
      `rdb_last_load_keys_expired:${this.keysExpired}`,
      `rdb_last_load_keys_loaded:${this.keysLoaded}`,
    ];
  }

  /** The loading_* lines INFO persistence ends with while loading. */
  loadingInfoLines(): string[] {
    if (!this.loading) return [];
    const now = seconds(this.host.clockNow());
    const total = this.loadingTotal;
    const loaded = this.loadingLoaded;
    const perc = total > 0 ? (loaded / total) * 100 : 0;
    const elapsed = now - this.loadingStart;
    const remaining = total - loaded;
    const eta = elapsed === 0 ? 1 : Math.floor((elapsed * remaining) / (loaded + 1));
    return [
      `loading_start_time:${this.loadingStart}`,
      `loading_total_bytes:${total}`,
      `loading_rdb_used_mem:${this.loadingRdbUsedMem}`,
      `loading_loaded_bytes:${loaded}`,
      `loading_loaded_perc:${perc.toFixed(2)}`,
      `loading_eta_seconds:${eta}`,
    ];
  }
}
