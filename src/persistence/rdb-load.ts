/**
 * Loading an RDB file into the keyspace (Redis 7.0's rdbLoadRio), in steps so the server can
 * answer -LOADING meanwhile: each step() parses for a time budget and returns whether the
 * file is done.
 *
 * Per key, the opcodes before it (EXPIRETIME(_MS), IDLE, FREQ) apply to it; keys already
 * expired are dropped and counted (rdb_last_load_keys_expired); empty aggregates are skipped
 * with a warning, as Redis does; a duplicated key is an error unless `allowDup` (DEBUG RELOAD
 * MERGE). AUX fields are logged as Redis logs them; function libraries are collected as
 * source text; module data is refused. The CRC-64 is verified at EOF (when both the file and
 * rdbchecksum have one). Keys go straight into the dictionaries: no events, no WATCH.
 */
import type { Keyspace } from '../keyspace/keyspace.js';
import type { RedisValue } from '../values/types.js';
import { Crc64 } from './crc64.js';
import { isObjectType, OP, RDB_VERSION, RdbError } from './rdb-format.js';
import { RdbReader } from './rdb-reader.js';
import { readValue, type DecodeContext } from './value-decoder.js';
import { applyLruLfu } from './lru-hints.js';

export interface LoadOptions {
  /** rdbchecksum: verify the CRC-64 at EOF. */
  readonly checksum: boolean;
  /** DEBUG RELOAD MERGE: a key already present is replaced. */
  readonly allowDup: boolean;
  /** Wall clock (ms): keys expired before it are dropped. */
  readonly now: number;
  /**
   * An AOF's RDB base (Redis's RDBFLAGS_AOF_PREAMBLE): expired keys are kept, since the
   * commands that follow in the AOF may act on them before they expire.
   */
  readonly keepExpired?: boolean;
  readonly log: (level: 'notice' | 'warning' | 'verbose', msg: string) => void;
}

export class RdbLoader {
  private readonly r: RdbReader;
  private readonly crc = new Crc64();
  private crcPos = 0;
  private readonly ks: Keyspace;
  private readonly opts: LoadOptions;
  private readonly ctx: DecodeContext;
  private version = 0;
  private dbid = 0;
  private expire = -1;
  private idle = -1;
  private freq = -1;
  done = false;
  keysLoaded = 0;
  keysExpired = 0;
  emptySkipped = 0;
  /** Keys read (loaded, expired or skipped). */
  private keysSeen = 0;

  get keysRead(): number {
    return this.keysSeen;
  }
  /** The aux field used-mem (INFO's loading_rdb_used_mem). */
  usedMem = 0;
  /** Function library sources found (FUNCTION2, or 7.0-rc FUNCTION records converted). */
  readonly functions: string[] = [];

  constructor(buf: Buffer, ks: Keyspace, opts: LoadOptions) {
    this.r = new RdbReader(buf);
    this.ks = ks;
    this.opts = opts;
    this.ctx = { lru: ks.initialWord(), limits: ks.encoding };
  }

  get loadedBytes(): number {
    return this.r.pos;
  }

  get totalBytes(): number {
    return this.r.end;
  }

  private header(): void {
    const r = this.r;
    r.need(9);
    const magic = r.buf.latin1Slice(0, 9);
    r.pos = 9;
    if (!magic.startsWith('REDIS')) throw new RdbError('Wrong signature trying to load DB from file', 0);
    const ver = parseInt(magic.slice(5), 10);
    if (!(ver >= 1 && ver <= RDB_VERSION)) throw new RdbError(`Can't handle RDB format version ${Number.isNaN(ver) ? 0 : ver}`, 5);
    this.version = ver;
  }

  /**
   * Parse for about `budgetMs`, or at most `maxKeys` keys (key-load-delay); true once the
   * whole file is loaded. Throws RdbError (with the offset reached).
   */
  step(budgetMs: number, maxKeys = Infinity): boolean {
    if (this.done) return true;
    const r = this.r;
    try {
      if (this.version === 0) this.header();
      const t0 = performance.now();
      const keys0 = this.keysSeen;
      let n = 0;
      for (;;) {
        if ((++n & 63) === 0 && performance.now() - t0 > budgetMs) break;
        if (this.keysSeen - keys0 >= maxKeys) break;
        if (this.next()) {
          this.finishChecksum();
          this.done = true;
          return true;
        }
      }
    } catch (err) {
      if (err instanceof RdbError && err.offset === 0) throw new RdbError(err.message, r.pos);
      throw err;
    }
    this.crc.update(r.buf, this.crcPos, r.pos);
    this.crcPos = r.pos;
    return false;
  }

  /** One opcode or key; true at EOF. */
  private next(): boolean {
    const r = this.r;
    const type = r.u8();
    switch (type) {
      case OP.EXPIRETIME:
        r.need(4);
        this.expire = r.buf.readInt32LE(r.pos) * 1000;
        r.pos += 4;
        return false;
      case OP.EXPIRETIME_MS:
        this.expire = r.int64LE();
        return false;
      case OP.FREQ:
        this.freq = r.u8();
        return false;
      case OP.IDLE:
        this.idle = r.len();
        return false;
      case OP.EOF:
        return true;
      case OP.SELECTDB: {
        const id = r.len();
        if (id >= this.ks.dbs.length) {
          throw new RdbError(`FATAL: Data file was created with a Redis server configured to handle more than ${this.ks.dbs.length} databases. Exiting`, r.pos);
        }
        this.dbid = id;
        return false;
      }
      case OP.RESIZEDB:
        r.len();
        r.len();
        return false;
      case OP.AUX:
        this.aux(r.latin1(), r.latin1());
        return false;
      case OP.MODULE_AUX:
        throw new RdbError("The RDB file contains AUX module data I can't load: no matching module", r.pos);
      case OP.FUNCTION:
        this.functions.push(this.oldFunction());
        return false;
      case OP.FUNCTION2:
        this.functions.push(r.latin1());
        return false;
      default:
        break;
    }
    if (!isObjectType(type)) throw new RdbError(`Unknown RDB encoding type ${type}`, r.pos - 1);
    const key = r.latin1();
    const v = readValue(r, type, this.ctx);
    this.keysSeen++;
    if (v === null) {
      if (this.emptySkipped++ < 10) this.opts.log('warning', `rdbLoadObject skipping empty key: ${key}`);
    } else if (this.expire !== -1 && this.expire < this.opts.now && this.opts.keepExpired !== true) {
      this.keysExpired++;
    } else {
      this.add(key, v);
    }
    this.expire = -1;
    this.idle = -1;
    this.freq = -1;
    return false;
  }

  private add(key: string, value: RedisValue): void {
    const db = this.ks.dbs[this.dbid] as (typeof this.ks.dbs)[number];
    const v = this.idle >= 0 || this.freq >= 0 ? applyLruLfu(value, this.ks, this.opts.now, this.freq, this.idle) : value;
    const dict = db.dict;
    if (dict.indexOf(key) >= 0) {
      if (!this.opts.allowDup) throw new RdbError(`RDB has duplicated key '${key}' in DB ${this.dbid}`, this.r.pos);
      dict.set(key, v);
      db.expires.delete(key);
    } else {
      dict.addAfterMiss(key, v);
    }
    if (this.expire !== -1) db.expires.set(key, this.expire);
    this.keysLoaded++;
  }

  private aux(key: string, value: string): void {
    const log = this.opts.log;
    const n = parseInt(value, 10) || 0;
    if (key.startsWith('%')) {
      log('notice', `RDB '${key}': ${value}`);
    } else if (key === 'redis-ver') {
      log('notice', `Loading RDB produced by version ${value}`);
    } else if (key === 'ctime') {
      log('notice', `RDB age ${Math.max(0, Math.floor(this.opts.now / 1000) - n)} seconds`);
    } else if (key === 'used-mem') {
      this.usedMem = n;
      log('notice', `RDB memory usage when created ${(n / (1024 * 1024)).toFixed(2)} Mb`);
    } else if (key === 'aof-preamble' && n !== 0) {
      log('notice', 'RDB has an AOF tail');
    } else if (key === 'aof-base' && n !== 0) {
      log('notice', 'RDB is base AOF');
    }
  }

  /** A 7.0-rc FUNCTION record: name, engine, optional description, code. */
  private oldFunction(): string {
    const r = this.r;
    const name = r.latin1();
    const engine = r.latin1();
    if (r.len() !== 0) r.latin1();
    const blob = r.latin1();
    return `#!${engine} name=${name}\n${blob}`;
  }

  private finishChecksum(): void {
    const r = this.r;
    this.crc.update(r.buf, this.crcPos, r.pos);
    this.crcPos = r.pos;
    if (this.version < 5) return;
    r.need(8);
    const at = r.pos;
    r.pos += 8;
    if (!this.opts.checksum) return;
    let zero = true;
    for (let i = at; i < at + 8; i++) if (r.buf[i] !== 0) zero = false;
    if (zero) {
      this.opts.log('warning', 'RDB file was saved with checksum disabled: no check performed.');
      return;
    }
    if (!this.crc.equalsLE(r.buf, at)) {
      const got = r.buf.readBigUInt64LE(at).toString(16);
      this.opts.log('warning', `Wrong RDB checksum expected: (${this.crc.hex()}) but got (${got}). Aborting now.`);
      throw new RdbError('RDB CRC error', at);
    }
  }
}
