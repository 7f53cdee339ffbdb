/**
 * The AOF manifest: which files make up the append-only file in `appenddirname`, in Redis
 * 7.0's multi-part layout (aof.c).
 *
 *   file appendonly.aof.2.base.rdb seq 2 type b     one BASE (a snapshot: RDB or commands)
 *   file appendonly.aof.1.incr.aof seq 1 type h     HISTORY, left by a rewrite, then deleted
 *   file appendonly.aof.2.incr.aof seq 2 type i     INCR files, commands since that base
 *
 * Parsing is as strict as Redis's (a bad manifest stops the server with Redis's message);
 * writing goes through a temp file, fsync, rename and an fsync of the directory, so a crash
 * leaves either the old manifest or the new one. Names that need quoting are written the way
 * sdscatrepr quotes them and read back the way sdssplitargs splits a line.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';

export type AofFileType = 'b' | 'h' | 'i';

export interface AofInfo {
  name: string;
  seq: number;
  type: AofFileType;
}

export const BASE_SUFFIX = '.base';
export const INCR_SUFFIX = '.incr';
export const RDB_FORMAT_SUFFIX = '.rdb';
export const AOF_FORMAT_SUFFIX = '.aof';
export const MANIFEST_SUFFIX = '.manifest';
export const TEMP_PREFIX = 'temp-';

/** Redis's MANIFEST_MAX_LINE. */
const MAX_LINE = 1024;

/** A manifest that cannot be used; `line` is the offending line (trimmed) when there is one. */
export class ManifestError extends Error {
  constructor(
    message: string,
    readonly lineNo: number,
    readonly line: string | null,
  ) {
    super(message);
  }
}

export class AofManifest {
  base: AofInfo | null = null;
  /** Newest first, as Redis adds them at the head. */
  history: AofInfo[] = [];
  incrs: AofInfo[] = [];
  baseSeq = 0;
  incrSeq = 0;

  clone(): AofManifest {
    const m = new AofManifest();
    m.base = this.base === null ? null : { ...this.base };
    m.history = this.history.map((a) => ({ ...a }));
    m.incrs = this.incrs.map((a) => ({ ...a }));
    m.baseSeq = this.baseSeq;
    m.incrSeq = this.incrSeq;
    return m;
  }

  get empty(): boolean {
    return this.base === null && this.incrs.length === 0;
  }

  /** A new BASE name (format per aof-use-rdb-preamble); the current base becomes history. */
  newBase(filename: string, rdb: boolean): string {
    if (this.base !== null) {
      this.base.type = 'h';
      this.history.unshift(this.base);
    }
    const seq = ++this.baseSeq;
    const name = `${filename}.${seq}${BASE_SUFFIX}${rdb ? RDB_FORMAT_SUFFIX : AOF_FORMAT_SUFFIX}`;
    this.base = { name, seq, type: 'b' };
    return name;
  }

  /** A new INCR file, appended to the list. */
  newIncr(filename: string): string {
    const seq = ++this.incrSeq;
    const name = `${filename}.${seq}${INCR_SUFFIX}${AOF_FORMAT_SUFFIX}`;
    this.incrs.push({ name, seq, type: 'i' });
    return name;
  }

  /** The INCR file commands go to (a new one when there is none). */
  lastIncr(filename: string): string {
    const last = this.incrs[this.incrs.length - 1];
    return last !== undefined ? last.name : this.newIncr(filename);
  }

  /** After a rewrite: every INCR but the one being written (`keepLast`) becomes history. */
  markRewrittenIncrsAsHistory(keepLast: boolean): void {
    const keep = keepLast ? this.incrs.pop() : undefined;
    // From the newest, each to the head of the history: they end up oldest first (as Redis).
    for (let k = this.incrs.length - 1; k >= 0; k--) this.history.unshift({ ...(this.incrs[k] as AofInfo), type: 'h' });
    this.incrs = keep !== undefined ? [keep] : [];
  }

  /** The manifest's text: base, then history, then INCR files. */
  format(): string {
    let s = '';
    const line = (a: AofInfo) => `file ${needsRepr(a.name) ? repr(a.name) : a.name} seq ${a.seq} type ${a.type}\n`;
    if (this.base !== null) s += line(this.base);
    for (const a of this.history) s += line(a);
    for (const a of this.incrs) s += line(a);
    return s;
  }

  /** aofLoadManifestFromFile. Throws ManifestError with Redis's message. */
  static parse(text: string): AofManifest {
    const m = new AofManifest();
    let maxSeq = 0;
    let lineNo = 0;
    let pos = 0;
    if (text.length === 0) throw new ManifestError('Found an empty AOF manifest', 0, null);
    while (pos < text.length) {
      const nl = text.indexOf('\n', pos);
      // fgets reads at most MAX_LINE chars: a longer line (or a last one without '\n') fails.
      const raw = nl < 0 ? text.slice(pos) : text.slice(pos, nl + 1);
      pos = nl < 0 ? text.length : nl + 1;
      lineNo++;
      if (raw.startsWith('#')) continue;
      if (raw.length > MAX_LINE || !raw.endsWith('\n')) {
        throw new ManifestError('The AOF manifest file contains too long line', lineNo, null);
      }
      const line = raw.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
      if (line.length === 0) throw new ManifestError('Invalid AOF manifest file format', lineNo, line);
      const argv = splitArgs(line);
      // At least six fields, in pairs: newer keys are allowed (forward compatibility).
      if (argv === null || argv.length < 6 || argv.length % 2 !== 0) {
        throw new ManifestError('Invalid AOF manifest file format', lineNo, line);
      }
      let name: string | null = null;
      let seq = 0;
      let type = '';
      for (let i = 0; i < argv.length; i += 2) {
        const k = (argv[i] as string).toLowerCase();
        const v = argv[i + 1] as string;
        if (k === 'file') {
          name = v;
          if (!isBaseName(name)) throw new ManifestError("File can't be a path, just a filename", lineNo, line);
        } else if (k === 'seq') {
          seq = atoll(v);
        } else if (k === 'type') {
          type = v.charAt(0);
        }
      }
      if (name === null || name === '' || seq === 0 || type === '') {
        throw new ManifestError('Invalid AOF manifest file format', lineNo, line);
      }
      if (type === 'b') {
        if (m.base !== null) throw new ManifestError('Found duplicate base file information', lineNo, line);
        m.base = { name, seq, type: 'b' };
        m.baseSeq = seq;
      } else if (type === 'h') {
        m.history.push({ name, seq, type: 'h' });
      } else if (type === 'i') {
        if (seq <= maxSeq) throw new ManifestError('Found a non-monotonic sequence number', lineNo, line);
        m.incrs.push({ name, seq, type: 'i' });
        m.incrSeq = seq;
        maxSeq = seq;
      } else {
        throw new ManifestError('Unknown AOF file type', lineNo, line);
      }
    }
    return m;
  }

  static load(file: string): AofManifest {
    return AofManifest.parse(readFileSync(file, 'latin1'));
  }

  /**
   * writeAofManifestFile: temp file, fsync, rename, fsync of the directory. Throws the
   * failing step's error with `op` set ('open', 'write', 'fsync', 'rename', 'fsyncdir').
   */
  persist(dir: string, filename: string): void {
    const tmp = path.join(dir, `${TEMP_PREFIX}${filename}${MANIFEST_SUFFIX}`);
    const dst = path.join(dir, `${filename}${MANIFEST_SUFFIX}`);
    const buf = Buffer.from(this.format(), 'latin1');
    let fd = -1;
    let op = 'open';
    try {
      fd = openSync(tmp, 'w', 0o644);
      op = 'write';
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
      op = 'fsync';
      fsyncSync(fd);
      closeSync(fd);
      fd = -1;
      op = 'rename';
      renameSync(tmp, dst);
      op = 'fsyncdir';
      fsyncDirectory(dir);
    } catch (err) {
      if (fd >= 0) closeSync(fd);
      throw Object.assign(err instanceof Error ? err : new Error(String(err)), { op });
    }
  }
}

export function manifestName(filename: string): string {
  return `${filename}${MANIFEST_SUFFIX}`;
}

export function tempIncrName(filename: string): string {
  return `${TEMP_PREFIX}${filename}${INCR_SUFFIX}`;
}

export function fsyncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function isBaseName(p: string): boolean {
  return !p.includes('/');
}

/** C's atoll: optional spaces and sign, digits up to the first other char; 0 when none. */
function atoll(s: string): number {
  const m = /^[\t\n\v\f\r ]*([+-]?\d+)/.exec(s);
  return m === null ? 0 : Number(m[1]);
}

/** sdsneedsrepr: quoting is needed for spaces, quotes, backslashes and unprintable bytes. */
function needsRepr(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5c || c === 0x22 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x07 || c === 0x08 || c < 0x20 || c >= 0x7f || c === 0x20) return true;
  }
  return false;
}

/** sdscatrepr: a double-quoted string with C escapes. */
function repr(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i] as string;
    if (ch === '\\' || ch === '"') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c === 7) out += '\\a';
    else if (c === 8) out += '\\b';
    else if (c < 0x20 || c >= 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** sdssplitargs: words separated by blanks, "double" (C escapes) and 'single' quoting. Null when unbalanced. */
export function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  const isSpace = (ch: string | undefined) => ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t' || ch === '\v' || ch === '\f';
  for (;;) {
    while (i < n && isSpace(line[i])) i++;
    if (i >= n) return out;
    let cur = '';
    let inq = false;
    let insq = false;
    for (;;) {
      const ch = line[i];
      if (inq) {
        if (ch === undefined) return null;
        if (ch === '\\' && line[i + 1] === 'x' && isHex(line[i + 2]) && isHex(line[i + 3])) {
          cur += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
          i += 3;
        } else if (ch === '\\' && line[i + 1] !== undefined) {
          i++;
          const e = line[i] as string;
          cur += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === 'b' ? '\b' : e === 'a' ? '\x07' : e;
        } else if (ch === '"') {
          // The closing quote must be followed by a space or the end.
          if (i + 1 < n && !isSpace(line[i + 1])) return null;
          inq = false;
          i++;
          break;
        } else {
          cur += ch;
        }
      } else if (insq) {
        if (ch === undefined) return null;
        if (ch === '\\' && line[i + 1] === "'") {
          i++;
          cur += "'";
        } else if (ch === "'") {
          if (i + 1 < n && !isSpace(line[i + 1])) return null;
          insq = false;
          i++;
          break;
        } else {
          cur += ch;
        }
      } else {
        if (ch === undefined || isSpace(ch)) break;
        if (ch === '"') inq = true;
        else if (ch === "'") insq = true;
        else cur += ch;
      }
      i++;
    }
    out.push(cur);
  }
}

function isHex(ch: string | undefined): boolean {
  return ch !== undefined && /^[0-9a-fA-F]$/.test(ch);
}
