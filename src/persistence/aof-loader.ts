/**
 * Loading one AOF file (Redis 7.0's loadSingleAppendOnlyFile): an RDB part first when the
 * file starts with "REDIS" (a base written with aof-use-rdb-preamble, or an old-style AOF
 * with an RDB preamble), then commands in RESP form, run one by one as the AOF client.
 *
 * Like Redis: '#' lines are annotations (#TS:...) and skipped; anything else that is not a
 * command is a format error; a file that ends inside a command (or inside MULTI, whose
 * commands were only queued) is "truncated": with aof-load-truncated yes the file is cut back
 * to its last complete command and loading goes on (the caller refuses it unless it is the
 * last file), otherwise loading fails. Redis's log lines are kept word for word.
 *
 * The file is read in 1 MB chunks (the RDB part needs the whole file in memory) and run in
 * steps of a time budget, so the server can answer -LOADING between them.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync, truncateSync } from 'node:fs';
import { Argv } from '../protocol/argv.js';
import { RdbError } from './rdb-format.js';

export type AofLoadResult = 'ok' | 'truncated' | 'empty' | 'not_exist' | 'open_err' | 'failed';

/** How the loader runs commands: the server's AOF client. */
export interface AofExecutor {
  /**
   * Run (or, inside MULTI, queue) one command. 'unknown': no such command; 'arity': it
   * cannot be run with these arguments (a damaged file).
   */
  exec(argv: Argv): 'ok' | 'unknown' | 'arity';
  /** The client is between MULTI and EXEC. */
  readonly inMulti: boolean;
  /** Forget a transaction left open. */
  resetMulti(): void;
}

/** A resumable RDB loader (persistence/rdb-load.ts's RdbLoader). */
export interface RdbStepper {
  step(budgetMs: number): boolean;
  readonly loadedBytes: number;
}

export interface AofLoadOptions {
  readonly truncatedOk: boolean;
  readonly exec: AofExecutor;
  /** An RDB loader over the whole file's bytes. */
  readonly rdb: (buf: Buffer) => RdbStepper;
  readonly log: (level: 'notice' | 'warning' | 'verbose', msg: string) => void;
}

const CHUNK = 1024 * 1024;
/** Redis's AOF_ANNOTATION_LINE_MAX_LEN: fgets's buffer for '*', '$' and '#' lines. */
const LINE_MAX = 1024;

class Eof extends Error {}
class FormatError extends Error {}

export class AofFileLoader {
  result: AofLoadResult | null = null;
  private fd = -1;
  private size = 0;
  /** Bytes buffered from the file: buf[0, end) is file[base, base + end). */
  private buf = Buffer.allocUnsafe(CHUNK);
  private bufPos = 0;
  private bufEnd = 0;
  /** Start (in buf) of the command being read. */
  private anchor = 0;
  private base = 0;
  private fileEof = false;
  private validUpTo = 0;
  private validBeforeMulti = 0;
  private rdb: RdbStepper | null = null;
  private started = false;
  private readonly argv = new Argv(Buffer.alloc(0));
  commands = 0;

  constructor(
    private readonly path: string,
    /** The name Redis logs (the file name within the AOF directory). */
    private readonly name: string,
    private readonly opts: AofLoadOptions,
  ) {}

  /** Bytes of the file processed so far. */
  get loadedBytes(): number {
    return this.rdb !== null && !this.started ? this.rdb.loadedBytes : this.base + this.bufPos;
  }

  get totalBytes(): number {
    return this.size;
  }

  private open(): boolean {
    try {
      this.fd = openSync(this.path, 'r');
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ENOENT') {
        this.opts.log('warning', `The append log file ${this.name} doesn't exist: No such file or directory`);
        this.result = 'not_exist';
      } else {
        this.opts.log('warning', `Fatal error: can't open the append log file ${this.name} for reading: ${(err as Error).message}`);
        this.result = 'open_err';
      }
      return false;
    }
    this.size = fstatSync(this.fd).size;
    if (this.size === 0) {
      this.result = 'empty';
      this.close();
      return false;
    }
    const sig = Buffer.alloc(5);
    const n = readSync(this.fd, sig, 0, 5, 0);
    if (n === 5 && sig.latin1Slice(0, 5) === 'REDIS') {
      const oldStyle = !this.name.includes('.base.');
      this.opts.log('notice', oldStyle ? 'Reading RDB preamble from AOF file...' : 'Reading RDB base file on AOF loading...');
      this.rdb = this.opts.rdb(readFileSync(this.path));
    }
    return true;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  /** Load for about `budgetMs`; true once finished (see `result`). */
  step(budgetMs: number): boolean {
    if (this.result !== null) return true;
    if (this.fd < 0 && !this.open()) return true;
    const t0 = performance.now();
    if (this.rdb !== null && !this.started) {
      try {
        if (!this.rdb.step(budgetMs)) return false;
      } catch (err) {
        if (!(err instanceof RdbError)) throw err;
        const oldStyle = !this.name.includes('.base.');
        this.opts.log('warning', `Internal error in RDB reading offset ${err.offset} -> ${err.message}`);
        this.opts.log('warning', oldStyle ? `Error reading the RDB preamble of the AOF file ${this.name}, AOF loading aborted` : `Error reading the RDB base file ${this.name}, AOF loading aborted`);
        return this.finish('failed');
      }
      this.base = this.rdb.loadedBytes;
      this.validUpTo = this.base;
      if (!this.name.includes('.base.')) this.opts.log('notice', 'Reading the remaining AOF tail...');
    }
    this.started = true;
    try {
      let n = 0;
      for (;;) {
        if ((++n & 255) === 0 && performance.now() - t0 > budgetMs) return false;
        if (!this.next()) break;
      }
    } catch (err) {
      if (err instanceof Eof) return this.truncated();
      if (err instanceof FormatError) {
        this.opts.log('warning', `Bad file format reading the append only file ${this.name}: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>`);
        return this.finish('failed');
      }
      if (err instanceof UnknownCommand) {
        this.opts.log('warning', `Unknown command '${err.message}' reading the append only file ${this.name}`);
        return this.finish('failed');
      }
      this.opts.log('warning', `Unrecoverable error reading the append only file ${this.name}: ${(err as Error).message}`);
      return this.finish('failed');
    }
    // A clean end of file, but inside MULTI: the transaction is incomplete.
    if (this.opts.exec.inMulti) {
      this.opts.log('warning', `Revert incomplete MULTI/EXEC transaction in AOF file ${this.name}`);
      this.validUpTo = this.validBeforeMulti;
      return this.truncated();
    }
    return this.finish('ok');
  }

  private finish(r: AofLoadResult): boolean {
    this.result = r;
    this.opts.exec.resetMulti();
    this.close();
    return true;
  }

  /** uxeof: a short read. */
  private truncated(): boolean {
    this.opts.exec.resetMulti();
    if (this.opts.truncatedOk) {
      this.opts.log('warning', `!!! Warning: short read while loading the AOF file ${this.name}!!!`);
      this.opts.log('warning', `!!! Truncating the AOF ${this.name} at offset ${this.validUpTo} !!!`);
      try {
        truncateSync(this.path, this.validUpTo);
        this.opts.log('warning', `AOF ${this.name} loaded anyway because aof-load-truncated is enabled`);
        return this.finish('truncated');
      } catch (err) {
        this.opts.log('warning', `Error truncating the AOF file ${this.name}: ${(err as Error).message}`);
      }
    }
    this.opts.log(
      'warning',
      `Unexpected end of file reading the append only file ${this.name}. You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.`,
    );
    return this.finish('failed');
  }

  // ---- reading ----------------------------------------------------------------------------

  /** Make at least n bytes available from bufPos (fewer only at end of file). */
  private fill(n: number): void {
    while (this.bufEnd - this.bufPos < n && !this.fileEof) {
      // Keep the command being read (from `anchor`): its arguments are offsets into buf.
      const keep = this.anchor;
      if (keep > 0) {
        this.buf.copy(this.buf, 0, keep, this.bufEnd);
        this.base += keep;
        this.bufEnd -= keep;
        this.bufPos -= keep;
        this.anchor = 0;
      }
      if (this.bufEnd + CHUNK > this.buf.length || this.bufPos + n > this.buf.length) {
        const nb = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.bufPos + n + CHUNK));
        this.buf.copy(nb, 0, 0, this.bufEnd);
        this.buf = nb;
      }
      const got = readSync(this.fd, this.buf, this.bufEnd, this.buf.length - this.bufEnd, this.base + this.bufEnd);
      if (got === 0) this.fileEof = true;
      this.bufEnd += got;
    }
  }

  /**
   * fgets: a line up to '\n' (kept out of the result) or LINE_MAX - 1 bytes; null at end of
   * file. Returns [start, end) of the line's text in buf and moves past it.
   */
  private line(): [number, number] | null {
    this.fill(LINE_MAX);
    if (this.bufPos >= this.bufEnd) return null;
    const limit = Math.min(this.bufEnd, this.bufPos + LINE_MAX - 1);
    let i = this.buf.indexOf(0x0a, this.bufPos);
    if (i < 0 || i >= limit) i = limit - 1;
    const start = this.bufPos;
    this.bufPos = i + 1;
    return [start, i + 1];
  }

  /** One command (or annotation); false at a clean end of file. */
  private next(): boolean {
    this.anchor = this.bufPos;
    const l = this.line();
    if (l === null) return false;
    const b = this.buf;
    const c0 = b[l[0]];
    if (c0 === 0x23) return true; // '#': annotation
    if (c0 !== 0x2a) throw new FormatError();
    if (l[1] - l[0] === 1) throw new Eof(); // "*" then nothing
    const argc = atoi(b.latin1Slice(l[0] + 1, l[1]));
    if (argc < 1) throw new FormatError();
    // Arguments are collected as offsets into buf: nothing may move buf meanwhile, so the
    // whole command is made available first.
    const starts: number[] = [];
    const lens: number[] = [];
    for (let j = 0; j < argc; j++) {
      const h = this.line();
      if (h === null) throw new Eof();
      if (this.buf[h[0]] !== 0x24) throw new FormatError();
      const len = strtol(this.buf.latin1Slice(h[0] + 1, h[1]));
      this.fill(len + 2);
      if (this.bufEnd - this.bufPos < len) throw new Eof();
      starts.push(this.base + this.bufPos);
      lens.push(len);
      this.bufPos += len;
      if (this.bufEnd - this.bufPos < 2) throw new Eof();
      this.bufPos += 2; // CRLF, not checked (as Redis)
    }
    // The bytes of the command may have moved while reading: rebuild the Argv over buf.
    const a = this.argv;
    a.buf = this.buf;
    a.argc = 0;
    a.reserve(argc);
    for (let j = 0; j < argc; j++) {
      const s = (starts[j] as number) - this.base;
      a.push(s, s + (lens[j] as number));
    }
    const isMulti = argc === 1 && a.is(0, 'MULTI');
    if (isMulti) this.validBeforeMulti = this.validUpTo;
    const r = this.opts.exec.exec(a);
    if (r === 'unknown') throw new UnknownCommand(a.str(0));
    if (r === 'arity') throw new FormatError();
    this.commands++;
    this.validUpTo = this.base + this.bufPos;
    return true;
  }
}

class UnknownCommand extends Error {}

/** C's atoi over the digits after '*'. */
function atoi(s: string): number {
  const m = /^[\t\n\v\f\r ]*([+-]?\d+)/.exec(s);
  return m === null ? 0 : Number(m[1]);
}

/** strtol(buf, NULL, 10) as a length: garbage reads as 0, negative lengths as 0. */
function strtol(s: string): number {
  const v = atoi(s);
  return v < 0 ? 0 : v;
}
