/**
 * Incremental RESP request parser: multibulk (`*N\r\n$len\r\n...`) and inline commands.
 *
 * Hot path. Bytes arrive in chunks; `feed()` appends them and `next()` yields one command at a
 * time into a reused Argv (offsets into the input, no copies), reports that more bytes are
 * needed, or reports a protocol error (after which the connection must be closed, as Redis
 * does). When nothing is left over from the previous chunk, the chunk itself becomes the input
 * buffer (zero copy); a partial request is carried over into an accumulator that grows
 * geometrically, so a huge bulk arriving in many small chunks costs O(n). A multibulk request
 * in progress keeps its state (arguments still to read, length of the current bulk), so the
 * bytes already parsed are never scanned again.
 *
 * The byte-level rules are Redis 7.0's (networking.c), including its quirks, because clients
 * and tests observe them:
 * - length lines end at the first '\r' and the byte after it is skipped unchecked; a bulk is
 *   followed by two bytes that are skipped unchecked too;
 * - lines are searched like C strings: a NUL byte before the terminator means "not found
 *   yet", so the request waits until the 64 KB line limit turns it into an error;
 * - inline lines end at '\n' (a preceding '\r' is dropped) and are split like sdssplitargs;
 * - counts and lengths are strict int64 decimals (no '+', no leading zeros, no "-0").
 *
 * Limits are checked before anything is allocated for a request: proto-max-bulk-len, the
 * multibulk count (INT_MAX, as in Redis 7.0), 64 KB for an inline line or a length line, and
 * Redis 7.0's lower limits for clients that have not authenticated yet. A big bulk gets an
 * accumulator of its exact size only when it fits within client-query-buffer-limit.
 *
 * Imports nothing from the rest of src/.
 */
import { constants as bufferConstants } from 'node:buffer';
import { Argv, parseInt64 } from './argv.js';

export const PARSE_NEED_MORE = 0;
export const PARSE_COMMAND = 1;
export const PARSE_ERROR = -1;
export type ParseResult = typeof PARSE_NEED_MORE | typeof PARSE_COMMAND | typeof PARSE_ERROR;

const CR = 0x0d;
const LF = 0x0a;
const NUL = 0x00;
/** PROTO_INLINE_MAX_SIZE: an inline request or a length line may not exceed this unterminated. */
export const INLINE_MAX = 64 * 1024;
/** Redis 7.0 accepts a multibulk count up to INT_MAX (arguments are allocated as they come). */
export const MULTIBULK_MAX = 2147483647;
export const UNAUTH_MULTIBULK_MAX = 10;
export const UNAUTH_BULK_MAX = 16384;
/** PROTO_MBULK_BIG_ARG: from this size on a bulk gets an accumulator sized for it at once. */
const BIG_ARG = 32 * 1024;
const MIN_ACCUMULATOR = 16 * 1024;
/** Arguments reserved up front for a multibulk; more are added as they actually arrive. */
const ARGV_PREALLOC = 1024;
/** The largest Buffer Node can allocate: one request must fit in it. */
const MAX_ACCUMULATOR = bufferConstants.MAX_LENGTH;

export interface ParserLimits {
  protoMaxBulkLen: number;
  clientQueryBufferLimit: number;
  /** The most bytes one request may span (default: the largest Buffer); tests lower it. */
  maxRequestBytes?: number;
}

export class RequestParser {
  readonly argv = new Argv();
  /** Message for the last PARSE_ERROR, e.g. "Protocol error: invalid bulk length". */
  error = '';
  /** Clients that have not authenticated get Redis's tighter limits. */
  authenticated = true;
  /** Set when the last command came inline. */
  inline = false;
  /**
   * Set when a request outgrew the largest possible buffer (several huge arguments adding up
   * to more than 4 GB): the bytes were dropped and the connection must be closed.
   */
  overflow = false;

  private buf: Buffer = EMPTY;
  private pos = 0;
  private end = 0;
  /** True when `buf` is our own accumulator rather than a chunk handed to us. */
  private owned = false;
  /** Arguments still to read of the multibulk in progress; -1 between requests. */
  private mbRemaining = -1;
  /** Length of the bulk being read; -1 while a '$' line is expected. */
  private bulkLen = -1;
  /** Where the multibulk in progress starts in `buf` (its arguments are offsets into it). */
  private reqStart = 0;
  private readonly limits: ParserLimits;

  constructor(limits: ParserLimits) {
    this.limits = limits;
  }

  /** Bytes received but not parsed yet: Redis's query buffer, for client-query-buffer-limit. */
  get pending(): number {
    return this.end - this.pos;
  }

  /** The first `n` unparsed bytes (for logs), as a copy. */
  peek(n: number): Buffer {
    return Buffer.from(this.buf.subarray(this.pos, Math.min(this.end, this.pos + n)));
  }

  /** Capacity held by the accumulator (0 while working on a borrowed chunk). */
  get allocated(): number {
    return this.owned ? this.buf.length : 0;
  }

  feed(chunk: Buffer): void {
    if (chunk.length === 0 || this.overflow) return;
    if (this.pos >= this.end && this.mbRemaining < 0) {
      // Nothing carried over: parse the chunk in place.
      this.buf = chunk;
      this.pos = 0;
      this.end = chunk.length;
      this.owned = false;
      this.reqStart = 0;
      return;
    }
    if (this.owned && this.end + chunk.length <= this.buf.length) {
      chunk.copy(this.buf, this.end);
      this.end += chunk.length;
      return;
    }
    // Keep the part of the current request already parsed (its args are offsets into it).
    const keepFrom = this.mbRemaining >= 0 ? this.reqStart : this.pos;
    const need = this.end - keepFrom + chunk.length;
    const max = this.limits.maxRequestBytes ?? MAX_ACCUMULATOR;
    if (need > max) {
      this.overflow = true;
      return;
    }
    let cap = Math.max(need * 2, MIN_ACCUMULATOR);
    const bulk = this.bulkLen;
    if (bulk >= BIG_ARG && bulk + 2 <= this.limits.clientQueryBufferLimit) {
      // The whole bulk is allowed to arrive: make room for it once instead of doubling.
      cap = Math.max(need, this.pos - keepFrom + bulk + 2);
    }
    if (cap > max) cap = max;
    const nb = Buffer.allocUnsafe(cap);
    this.buf.copy(nb, 0, keepFrom, this.end);
    chunk.copy(nb, this.end - keepFrom);
    this.buf = nb;
    this.owned = true;
    this.pos -= keepFrom;
    this.end = need;
    if (this.mbRemaining >= 0) {
      this.reqStart -= keepFrom;
      const a = this.argv;
      a.buf = nb;
      if (keepFrom !== 0) {
        for (let i = 0; i < a.argc; i++) {
          a.starts[i] = (a.starts[i] as number) - keepFrom;
          a.ends[i] = (a.ends[i] as number) - keepFrom;
        }
      }
    } else {
      this.reqStart = 0;
    }
  }

  /** Parse the next command into `argv`. */
  next(): ParseResult {
    for (;;) {
      if (this.mbRemaining < 0) {
        if (this.pos >= this.end) return PARSE_NEED_MORE;
        if (this.buf[this.pos] === 0x2a /* '*' */) {
          const r = this.startMultibulk();
          if (r !== PARSE_COMMAND) return r;
          if (this.mbRemaining < 0) continue; // "*0" or a negative count: nothing to run
        } else {
          const r = this.parseInline();
          if (r === PARSE_COMMAND && this.argv.argc === 0) continue; // empty line
          return r;
        }
      }
      return this.continueMultibulk();
    }
  }

  private startMultibulk(): ParseResult {
    const b = this.buf;
    const start = this.pos;
    const cr = findByte(b, start, this.end, CR);
    if (cr < 0) {
      if (this.end - start > INLINE_MAX) return this.fail('Protocol error: too big mbulk count string');
      return PARSE_NEED_MORE;
    }
    if (cr + 2 > this.end) return PARSE_NEED_MORE; // the byte after '\r' must have arrived
    const n = parseInt64(b, start + 1, cr);
    if (n === null || n > MULTIBULK_MAX) return this.fail('Protocol error: invalid multibulk length');
    if (n > UNAUTH_MULTIBULK_MAX && !this.authenticated) return this.fail('Protocol error: unauthenticated multibulk length');
    this.pos = cr + 2;
    this.inline = false;
    if (n <= 0) return PARSE_COMMAND; // mbRemaining stays -1: an empty request
    const count = n as number;
    this.reqStart = this.pos;
    this.mbRemaining = count;
    this.bulkLen = -1;
    const a = this.argv;
    a.argc = 0;
    a.buf = b;
    a.reserve(count < ARGV_PREALLOC ? count : ARGV_PREALLOC);
    return PARSE_COMMAND;
  }

  private continueMultibulk(): ParseResult {
    const b = this.buf;
    const a = this.argv;
    while (this.mbRemaining > 0) {
      if (this.bulkLen < 0) {
        const start = this.pos;
        const cr = findByte(b, start, this.end, CR);
        if (cr < 0) {
          if (this.end - start > INLINE_MAX) return this.fail('Protocol error: too big bulk count string');
          return PARSE_NEED_MORE;
        }
        if (cr + 2 > this.end) return PARSE_NEED_MORE;
        const first = b[start] as number;
        if (first !== 0x24 /* '$' */) {
          return this.fail(`Protocol error: expected '$', got '${String.fromCharCode(first)}'`);
        }
        const len = parseInt64(b, start + 1, cr);
        if (len === null || len < 0 || len > this.limits.protoMaxBulkLen) return this.fail('Protocol error: invalid bulk length');
        if (len > UNAUTH_BULK_MAX && !this.authenticated) return this.fail('Protocol error: unauthenticated bulk length');
        this.bulkLen = len as number;
        this.pos = cr + 2;
      }
      const len = this.bulkLen;
      if (this.end - this.pos < len + 2) return PARSE_NEED_MORE;
      a.push(this.pos, this.pos + len);
      this.pos += len + 2; // Redis does not check that the bulk is followed by CRLF
      this.bulkLen = -1;
      this.mbRemaining--;
    }
    this.mbRemaining = -1;
    a.buf = b;
    return PARSE_COMMAND;
  }

  private parseInline(): ParseResult {
    const b = this.buf;
    const start = this.pos;
    const nl = findByte(b, start, this.end, LF);
    if (nl < 0) {
      if (this.end - start > INLINE_MAX) return this.fail('Protocol error: too big inline request');
      return PARSE_NEED_MORE;
    }
    let lineEnd = nl;
    if (lineEnd > start && b[lineEnd - 1] === CR) lineEnd--;
    const a = this.argv;
    a.argc = 0;
    a.buf = b;
    this.inline = true;
    this.pos = nl + 1;
    // Fast path: no quotes, so the arguments are plain byte ranges of the line.
    let quoted = false;
    for (let i = start; i < lineEnd; i++) {
      const c = b[i] as number;
      if (c === 0x22 || c === 0x27) {
        quoted = true;
        break;
      }
    }
    if (!quoted) {
      let i = start;
      for (;;) {
        while (i < lineEnd && isSpace(b[i] as number)) i++;
        if (i >= lineEnd) return PARSE_COMMAND;
        const s = i;
        while (i < lineEnd && !isSeparator(b[i] as number)) i++;
        a.push(s, i);
        if (i < lineEnd) i++; // the separator belongs to this argument
      }
    }
    const parts = splitArgs(b, start, lineEnd);
    if (parts === null) return this.fail('Protocol error: unbalanced quotes in request');
    let total = 0;
    for (const p of parts) total += p.length;
    const out = Buffer.allocUnsafe(total);
    let off = 0;
    a.buf = out;
    for (const p of parts) {
      p.copy(out, off);
      a.push(off, off + p.length);
      off += p.length;
    }
    return PARSE_COMMAND;
  }

  private fail(msg: string): ParseResult {
    this.error = msg;
    return PARSE_ERROR;
  }
}

const EMPTY = Buffer.alloc(0);

/** Bytes as Redis's sdscatrepr prints them: a quoted string with C escapes and \xHH. */
export function reprBytes(b: Uint8Array): string {
  let s = '"';
  for (const c of b) {
    if (c === 0x5c) s += '\\\\';
    else if (c === 0x22) s += '\\"';
    else if (c === LF) s += '\\n';
    else if (c === CR) s += '\\r';
    else if (c === 0x09) s += '\\t';
    else if (c === 0x07) s += '\\a';
    else if (c === 0x08) s += '\\b';
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return `${s}"`;
}

/**
 * Index of the first `target` byte in [from, end), or -1 when there is none or a NUL comes
 * first (Redis looks for line ends with strchr, which stops at NUL).
 */
function findByte(b: Buffer, from: number, end: number, target: number): number {
  for (let i = from; i < end; i++) {
    const c = b[i] as number;
    if (c === target) return i;
    if (c === NUL) return -1;
  }
  return -1;
}

/** C isspace(): what sdssplitargs skips between arguments. */
function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** What ends an unquoted argument in sdssplitargs (\v and \f do not). */
function isSeparator(c: number): boolean {
  return c === 0x20 || c === LF || c === CR || c === 0x09 || c === NUL;
}

function isHexDigit(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

function hexVal(c: number): number {
  if (c <= 0x39) return c - 0x30;
  if (c >= 0x61) return c - 0x61 + 10;
  return c - 0x41 + 10;
}

/**
 * Split a line the way redis-cli, redis.conf and Redis's inline protocol do (sdssplitargs):
 * double quotes with \n \r \t \b \a \\ \" and \xHH escapes, single quotes with \' only; a
 * closing quote must be followed by a space or the end. The range is treated as a C string
 * (a NUL byte ends it). Returns null on unbalanced quotes.
 */
export function splitArgs(b: Uint8Array, start: number, end: number): Buffer[] | null {
  // at(i): the byte at i, or 0 past the end, mirroring the C string's terminator.
  const at = (i: number): number => (i < end ? (b[i] as number) : 0);
  const out: Buffer[] = [];
  let p = start;
  for (;;) {
    while (at(p) !== 0 && isSpace(at(p))) p++;
    if (at(p) === 0) return out;
    const cur: number[] = [];
    let inDq = false;
    let inSq = false;
    let done = false;
    while (!done) {
      const c = at(p);
      if (inDq) {
        if (c === 0x5c && at(p + 1) === 0x78 && isHexDigit(at(p + 2)) && isHexDigit(at(p + 3))) {
          cur.push(hexVal(at(p + 2)) * 16 + hexVal(at(p + 3)));
          p += 3;
        } else if (c === 0x5c && at(p + 1) !== 0) {
          p++;
          const e = at(p);
          cur.push(e === 0x6e ? 0x0a : e === 0x72 ? 0x0d : e === 0x74 ? 0x09 : e === 0x62 ? 0x08 : e === 0x61 ? 0x07 : e);
        } else if (c === 0x22) {
          if (at(p + 1) !== 0 && !isSpace(at(p + 1))) return null;
          done = true;
        } else if (c === 0) {
          return null;
        } else {
          cur.push(c);
        }
      } else if (inSq) {
        if (c === 0x5c && at(p + 1) === 0x27) {
          p++;
          cur.push(0x27);
        } else if (c === 0x27) {
          if (at(p + 1) !== 0 && !isSpace(at(p + 1))) return null;
          done = true;
        } else if (c === 0) {
          return null;
        } else {
          cur.push(c);
        }
      } else if (isSeparator(c)) {
        done = true;
      } else if (c === 0x22) {
        inDq = true;
      } else if (c === 0x27) {
        inSq = true;
      } else {
        cur.push(c);
      }
      if (at(p) !== 0) p++;
    }
    out.push(Buffer.from(cur));
  }
}
