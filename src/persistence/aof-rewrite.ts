/**
 * One AOF rewrite (BGREWRITEAOF, the automatic rewrite, `appendonly yes` at run time), as
 * Redis 7.0's rewriteAppendOnlyFileBackground and backgroundRewriteDoneHandler, without fork:
 *
 *   1. Write out the buffer, open a new INCR file (a temporary one while the AOF is turning
 *      on) and record it in the manifest: from now on commands go there.
 *   2. In the same event-loop turn, start writing the new base as the dataset is at that
 *      instant: an RDB (aof-use-rdb-preamble yes, snapshot.ts's BackgroundSave) or commands
 *      (aof-base-save.ts), both copy-on-write, a slice at a time, to a temporary file in `dir`.
 *   3. When it is complete: rename it to the next base name in the AOF directory, turn the old
 *      base and the INCR files written before step 1 into history, persist the manifest, and
 *      delete the history (unless aof-disable-auto-gc).
 * A crash at any point leaves a manifest that describes files that are all there: the new
 * INCR file is listed (after the old ones) before the new base replaces them.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { tempIncrName } from './aof-manifest.js';
import { AofBaseAborted, AofBaseSave } from './aof-base-save.js';
import { errnoText } from './aof-writer.js';
import { writeKeyCommands } from './aof-commands.js';
import { RespOut } from './aof-resp.js';
import type { Aof } from './aof.js';
import { Aborted, BackgroundSave } from './snapshot.js';
import { saveSync } from './rdb-save.js';

interface RunningSave {
  readonly keysProcessed: number;
  readonly keysTotal: number;
  readonly capturedBytes: number;
  run(): Promise<void>;
  abort(): void;
}

export class AofRewrite {
  /** Seconds. */
  readonly startedAt: number;
  cowPeak = 0;
  private killed = false;
  private readonly save: RunningSave;
  /** The finished base, in `dir`, before it moves into the AOF directory. */
  private readonly tmpName: string;
  private readonly rdb: boolean;

  private constructor(
    private readonly aof: Aof,
    rdb: boolean,
  ) {
    const host = aof.host;
    this.startedAt = Math.floor(host.clockNow() / 1000);
    this.rdb = rdb;
    this.tmpName = `temp-rewriteaof-bg-${process.pid}.aof`;
    const dir = aof.dir;
    if (rdb) {
      this.save = new BackgroundSave(host.ks, aof.saveOptions(), dir, this.tmpName, host.clockNow());
    } else {
      this.save = new AofBaseSave(host.ks, path.join(dir, `temp-rewriteaof-${process.pid}.aof`), path.join(dir, this.tmpName), {
        timestamp: aof.config.bool('aof-timestamp-enabled') ? this.startedAt : null,
        functions: host.persistence.functions,
      });
    }
  }

  /** rewriteAppendOnlyFileBackground: null (logged) when the rewrite cannot start. */
  static start(aof: Aof): AofRewrite | null {
    const host = aof.host;
    const log = host.log;
    try {
      mkdirSync(aof.aofDir, { recursive: true });
    } catch (err) {
      log('warning', `Can't open or create append-only dir ${aof.config.get('appenddirname')}: ${errnoText(err)}`);
      return null;
    }
    const w = aof.writer;
    w.selectedDb = -1;
    w.flush(true);
    if (!AofRewrite.openNewIncr(aof)) return null;
    aof.rewrites++;
    const r = new AofRewrite(aof, aof.config.bool('aof-use-rdb-preamble'));
    host.ks.writeObserver = r.save as BackgroundSave | AofBaseSave;
    log('notice', `Background append only file rewriting started by pid ${process.pid}`);
    r.save.run().then(
      () => r.done(null),
      (err: unknown) => r.done(err),
    );
    return r;
  }

  /** openNewIncrAofForAppend: where commands go while the base is written. */
  private static openNewIncr(aof: Aof): boolean {
    if (aof.state === 'off') return true;
    const host = aof.host;
    const temp = aof.state === 'on' ? aof.manifest.clone() : null;
    const name = temp !== null ? temp.newIncr(aof.filename) : tempIncrName(aof.filename);
    let fd: number;
    try {
      fd = openSync(path.join(aof.aofDir, name), 'w', 0o644);
    } catch (err) {
      host.log('warning', `Can't open the append-only file ${name}: ${errnoText(err)}`);
      return false;
    }
    if (temp !== null && !aof.persistManifest(temp, false)) {
      closeSync(fd);
      return false;
    }
    host.log('notice', `Creating AOF incr file ${name} on background rewrite`);
    aof.writer.switchTo(fd);
    aof.writer.lastIncrSize = 0;
    if (temp !== null) aof.manifest = temp;
    return true;
  }

  /** Progress sample for aof_last_cow_size (memory held because of writes during the rewrite). */
  sampleCow(): void {
    if (this.save.capturedBytes > this.cowPeak) this.cowPeak = this.save.capturedBytes;
  }

  /** killAppendOnlyChild: stop without counting a failure; temp files are removed. */
  kill(): void {
    if (this.killed) return;
    this.killed = true;
    this.aof.host.log('notice', `Killing running AOF rewrite child: ${process.pid}`);
    this.save.abort();
    this.cleanup();
  }

  private done(err: unknown): void {
    if (this.killed) return;
    const aof = this.aof;
    const log = aof.host.log;
    this.sampleCow();
    if (err !== null) {
      aof.lastRewriteOk = false;
      if (err instanceof Aborted || err instanceof AofBaseAborted) {
        log('warning', 'Background AOF rewrite terminated by signal 10');
      } else {
        log('warning', `Write error writing append only file on disk: ${errnoText(err)}`);
        log('warning', 'Background AOF rewrite terminated with error');
        aof.consecutiveFailures++;
      }
      this.cleanup();
      return;
    }
    log('notice', 'Background AOF rewrite terminated with success');
    if (this.install()) {
      aof.lastRewriteOk = true;
      aof.consecutiveFailures = 0;
      log('notice', 'Background AOF rewrite finished successfully');
      if (aof.state === 'wait_rewrite') aof.state = 'on';
    } else {
      aof.lastRewriteOk = false;
      aof.consecutiveFailures++;
    }
    this.cleanup();
  }

  /** The new base (and INCR file, when turning on) in place, the manifest updated. */
  private install(): boolean {
    const aof = this.aof;
    const log = aof.host.log;
    const w = aof.writer;
    const temp = aof.manifest.clone();
    const baseName = temp.newBase(aof.filename, this.rdb);
    const basePath = path.join(aof.aofDir, baseName);
    try {
      renameSync(path.join(aof.dir, this.tmpName), basePath);
    } catch (err) {
      log('warning', `Error trying to rename the temporary AOF base file ${this.tmpName} into ${basePath}: ${errnoText(err)}`);
      return false;
    }
    log('notice', `Successfully renamed the temporary AOF base file ${this.tmpName} into ${baseName}`);
    let incrPath: string | null = null;
    if (aof.state === 'wait_rewrite') {
      const tempIncr = tempIncrName(aof.filename);
      const incrName = temp.newIncr(aof.filename);
      incrPath = path.join(aof.aofDir, incrName);
      try {
        renameSync(path.join(aof.aofDir, tempIncr), incrPath);
      } catch (err) {
        log('warning', `Error trying to rename the temporary AOF incr file ${path.join(aof.aofDir, tempIncr)} into ${incrPath}: ${errnoText(err)}`);
        unlinkQuiet(basePath);
        return false;
      }
      log('notice', `Successfully renamed the temporary AOF incr file ${tempIncr} into ${incrName}`);
    }
    temp.markRewrittenIncrsAsHistory(w.fd >= 0);
    if (!aof.persistManifest(temp, false)) {
      unlinkQuiet(basePath);
      if (incrPath !== null) unlinkQuiet(incrPath);
      return false;
    }
    aof.manifest = temp;
    if (w.fd >= 0) {
      w.selectedDb = -1;
      w.currentSize = statSync(basePath).size + w.lastIncrSize;
      aof.rewriteBaseSize = w.currentSize;
      w.fsyncOffset = w.currentSize;
      w.lastFsync = Math.floor(aof.host.clockNow() / 1000);
    }
    aof.deleteHistoryFiles();
    return true;
  }

  private cleanup(): void {
    const aof = this.aof;
    unlinkQuiet(path.join(aof.dir, this.tmpName));
    unlinkQuiet(path.join(aof.dir, `temp-rewriteaof-${process.pid}.aof`));
    if (aof.state === 'wait_rewrite') {
      aof.writer.discard();
      const tempIncr = tempIncrName(aof.filename);
      aof.host.log('notice', `Removing the temp incr aof file ${tempIncr} in the background`);
      unlinkQuiet(path.join(aof.aofDir, tempIncr));
    }
    aof.rewriteEnded(this);
  }

  /**
   * rewriteAppendOnlyFile in the foreground: the base made at start-up when the AOF starts
   * empty. False (logged) on failure.
   */
  static writeBaseSync(aof: Aof, file: string): boolean {
    const host = aof.host;
    const dir = path.dirname(file);
    try {
      if (aof.config.bool('aof-use-rdb-preamble')) {
        saveSync(host.ks, dir, path.basename(file), aof.saveOptions());
        return true;
      }
      const tmp = path.join(aof.dir, `temp-rewriteaof-${process.pid}.aof`);
      const out = new RespOut();
      if (aof.config.bool('aof-timestamp-enabled')) out.raw(`#TS:${Math.floor(host.clockNow() / 1000)}\r\n`);
      for (const code of host.persistence.functions) out.args(['FUNCTION', 'LOAD', code]);
      for (const db of host.ks.dbs) {
        if (db.size === 0) continue;
        out.args(['SELECT', String(db.id)]);
        for (const [key, v] of db.entries()) writeKeyCommands(out, key, v, db.getExpire(key));
      }
      const fd = openSync(tmp, 'w', 0o644);
      try {
        const b = out.take();
        let off = 0;
        while (off < b.length) off += writeSync(fd, b, off, b.length - off);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, file);
      return true;
    } catch (err) {
      host.log('warning', `Write error writing append only file on disk: ${errnoText(err)}`);
      return false;
    }
  }
}

function unlinkQuiet(p: string): void {
  try {
    unlinkSync(p);
  } catch {
    // not there
  }
}
