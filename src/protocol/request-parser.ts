/**
 * Incremental RESP request parser: multibulk (`*N\r\n$len\r\n...`) and inline commands.
 *
 * Bytes arrive in chunks; `feed()` appends them and `next()` yields one command at a time into
 * a reused Argv, or reports that more bytes are needed, or a protocol error (after which the
 * connection must be closed, as Redis does). When nothing is left over from the previous
 * chunk, the chunk itself becomes the input buffer (zero copy); a partial command is carried
 * over into an accumulator that grows geometrically, so a huge bulk arriving in many small
 * chunks costs O(n), and when the bulk length is known the accumulator is sized for it once.
 *
 * Limits are checked before anything is allocated for a request: proto-max-bulk-len, the
 * multibulk count (1024*1024), 64 KB for an inline line or a length line, and Redis 7.0's
 * lower limits for clients that have not authenticated yet.
 *
 * Imports nothing from the rest of src/.
 */
import { Argv } from './argv.js';

export const PARSE_NEED_MORE = 0;
export const PARSE_COMMAND = 1;
export const PARSE_ERROR = -1;
export type ParseResult = typeof PARSE_NEED_MORE | typeof PARSE_COMMAND | typeof PARSE_ERROR;

const CR = 0x0d;
const LF = 0x0a;
const INLINE_MAX = 64 * 1024;
const MULTIBULK_MAX = 1024 * 1024;
const UNAUTH_MULTIBULK_MAX = 10;
const UNAUTH_BULK_MAX = 16384;
/** Above this a bulk argument gets an accumulator of exactly its size. */
const BIG_ARG = 32 * 1024;

export interface ParserLimits {
  protoMaxBulkLen: number;
}

export class RequestParser {
  readonly argv = new Argv();
  /** Message for the last PARSE_ERROR, e.g. "Protocol error: invalid bulk length". */
  error = '';
  /** Clients that have not authenticated get Redis's tighter limits. */
  authenticated = true;
  /** Set when the last command came inline (Redis skips replies differently for those). */
  inline = false;

  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  private end = 0;
  /** True when `buf` is our own accumulator rather than a chunk handed to us. */
  private owned = false;
  // State of a multibulk request in progress, so a partial request is not re-scanned.
  private mbRemaining = -1; // arguments still to read, -1 when between requests
  private bulkLen = -1; // length of the bulk being read, -1 when a '$' line is expected
  private reqStart = 0;

  constructor(private readonly limits: ParserLimits) {}

  /** Bytes buffered but not yet consumed (the query buffer, for client-query-buffer-limit). */
  get pending(): number {
    return this.end - this.pos;
  }

  feed(chunk: Buffer): void {
    if (this.pos >= this.end && this.mbRemaining < 0) {
      this.buf = chunk;
      this.pos = 0;
      this.end = chunk.length;
      this.owned = false;
      this.reqStart = 0;
      this.argv.buf = chunk;
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
    let cap = Math.max(need * 2, 16 * 1024);
    if (this.bulkLen > BIG_ARG) cap = Math.max(need, this.pos - keepFrom + this.bulkLen + 2);
    const nb = Buffer.allocUnsafe(cap);
    this.buf.copy(nb, 0, keepFrom, this.end);
    chunk.copy(nb, this.end - keepFrom);
    this.buf = nb;
    this.owned = true;
    this.pos -= keepFrom;
    this.reqStart -= keepFrom;
    this.end = need;
    this.rebaseArgs(keepFrom);
  }

  private rebaseArgs(shift: number): void {
    const a = this.argv;
    a.buf = this.buf;
    if (shift === 0 || this.mbRemaining < 0) return;
    for (let i = 0; i < a.argc; i++) {
      a.starts[i] = (a.starts[i] as number) - shift;
      a.ends[i] = (a.ends[i] as number) - shift;
    }
  }

  /** Parse the next command into `argv`. */
  next(): ParseResult {
    for (;;) {
      if (this.mbRemaining < 0) {
        if (this.pos >= this.end) return PARSE_NEED_MORE;
        const c = this.buf[this.pos] as number;
        if (c === 0x2a /* '*' */) {
          const r = this.startMultibulk();
          if (r !== PARSE_COMMAND) return r;
          if (this.mbRemaining < 0) continue; // *0 or *-1: empty request, skip
        } else {
          const r = this.parseInline();
          if (r === PARSE_COMMAND && this.argv.argc === 0) continue; // empty line
          return r;
        }
      }
      const r = this.continueMultibulk();
      return r;
    }
  }

  private startMultibulk(): ParseResult {
    const nl = this.buf.indexOf(LF, this.pos);
    if (nl < 0 || nl >= this.end) {
      if (this.end - this.pos > INLINE_MAX) return this.fail('Protocol error: too big mbulk count string');
      return PARSE_NEED_MORE;
    }
    if (nl === this.pos || this.buf[nl - 1] !== CR) {
      // Redis searches for "\r\n"; a bare "\n" leaves the count unparseable.
      return this.fail('Protocol error: invalid multibulk length');
    }
    const n = parseLength(this.buf, this.pos + 1, nl - 1);
    if (n === null || n > MULTIBULK_MAX) return this.fail('Protocol error: invalid multibulk length');
    if (!this.authenticated && n > UNAUTH_MULTIBULK_MAX) return this.fail('Protocol error: unauthenticated multibulk length');
    this.pos = nl + 1;
    this.inline = false;
    if (n <= 0) {
      this.mbRemaining = -1;
      return PARSE_COMMAND;
    }
    this.reqStart = this.pos;
    this.mbRemaining = n;
    this.bulkLen = -1;
    this.argv.argc = 0;
    this.argv.buf = this.buf;
    this.argv.reserve(Math.min(n, 1024));
    return PARSE_COMMAND;
  }

  private continueMultibulk(): ParseResult {
    const b = this.buf;
    while (this.mbRemaining > 0) {
      if (this.bulkLen < 0) {
        if (this.pos >= this.end) return PARSE_NEED_MORE;
        const nl = b.indexOf(LF, this.pos);
        if (nl < 0 || nl >= this.end) {
          if (this.end - this.pos > INLINE_MAX) return this.fail('Protocol error: too big bulk count string');
          return PARSE_NEED_MORE;
        }
        const first = b[this.pos] as number;
        if (first !== 0x24 /* '$' */) {
          return this.fail(`Protocol error: expected '$', got '${String.fromCharCode(first)}'`);
        }
        if (b[nl - 1] !== CR) return this.fail('Protocol error: invalid bulk length');
        const len = parseLength(b, this.pos + 1, nl - 1);
        if (len === null || len < 0 || len > this.limits.protoMaxBulkLen) return this.fail('Protocol error: invalid bulk length');
        if (!this.authenticated && len > UNAUTH_BULK_MAX) return this.fail('Protocol error: unauthenticated bulk length');
        this.bulkLen = len;
        this.pos = nl + 1;
      }
      const len = this.bulkLen;
      if (this.end - this.pos < len + 2) return PARSE_NEED_MORE;
      this.argv.push(this.pos, this.pos + len);
      this.pos += len + 2; // Redis does not check that the bulk is followed by CRLF
      this.bulkLen = -1;
      this.mbRemaining--;
    }
    this.mbRemaining = -1;
    this.argv.buf = b;
    return PARSE_COMMAND;
  }

  private parseInline(): ParseResult {
    const b = this.buf;
    const nl = b.indexOf(LF, this.pos);
    if (nl < 0 || nl >= this.end) {
      if (this.end - this.pos > INLINE_MAX) return this.fail('Protocol error: too big inline request');
      return PARSE_NEED_MORE;
    }
    let lineEnd = nl;
    if (lineEnd > this.pos && b[lineEnd - 1] === CR) lineEnd--;
    const a = this.argv;
    a.argc = 0;
    a.buf = b;
    this.inline = true;
    const start = this.pos;
    this.pos = nl + 1;
    // Fast path: no quotes, split on spaces/tabs in place.
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
      while (i < lineEnd) {
        while (i < lineEnd && isSpace(b[i] as number)) i++;
        if (i >= lineEnd) break;
        const s = i;
        while (i < lineEnd && !isSpace(b[i] as number)) i++;
        a.push(s, i);
      }
      return PARSE_COMMAND;
    }
    const parts = splitArgs(b, start, lineEnd);
    if (parts === null) return this.fail('Protocol error: unbalanced quotes in request');
    const owned = Argv.fromStrings(parts);
    a.buf = owned.buf;
    a.argc = 0;
    for (let i = 0; i < owned.argc; i++) a.push(owned.starts[i] as number, owned.ends[i] as number);
    return PARSE_COMMAND;
  }

  private fail(msg: string): ParseResult {
    this.error = msg;
    return PARSE_ERROR;
  }
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0b || c === 0x0c || c === CR || c === LF;
}

/** Parse the digits of a length line (optionally negative). */
function parseLength(b: Buffer, s: number, e: number): number | null {
  if (s >= e || e - s > 19) return null;
  let p = s;
  let neg = false;
  if (b[p] === 0x2d) {
    neg = true;
    p++;
    if (p === e) return null;
  }
  let v = 0;
  for (; p < e; p++) {
    const c = (b[p] as number) - 0x30;
    if (c < 0 || c > 9) return null;
    v = v * 10 + c;
  }
  return neg ? -v : v;
}

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/**
 * Split a line the way redis-cli and Redis's inline protocol do (sdssplitargs): double quotes
 * with \n \r \t \b \a \\ \" and \xHH escapes, single quotes with \' only; a closing quote must
 * be followed by a space or the end. Returns null on unbalanced quotes.
 */
export function splitArgs(b: Buffer, start: number, end: number): Buffer[] | null {
  const out: Buffer[] = [];
  let i = start;
  for (;;) {
    while (i < end && isSpace(b[i] as number)) i++;
    if (i >= end) return out;
    const cur: number[] = [];
    let inDq = false;
    let inSq = false;
    let done = false;
    while (!done) {
      if (inDq) {
        if (i >= end) return null;
        const c = b[i] as number;
        if (c === 0x5c && i + 3 < end && b[i + 1] === 0x78 && hexVal(b[i + 2] as number) >= 0 && hexVal(b[i + 3] as number) >= 0) {
          cur.push(hexVal(b[i + 2] as number) * 16 + hexVal(b[i + 3] as number));
          i += 3;
        } else if (c === 0x5c && i + 1 < end) {
          i++;
          const e = b[i] as number;
          cur.push(e === 0x6e ? 0x0a : e === 0x72 ? 0x0d : e === 0x74 ? 0x09 : e === 0x62 ? 0x08 : e === 0x61 ? 0x07 : e);
        } else if (c === 0x22) {
          if (i + 1 < end && !isSpace(b[i + 1] as number)) return null;
          done = true;
        } else {
          cur.push(c);
        }
      } else if (inSq) {
        if (i >= end) return null;
        const c = b[i] as number;
        if (c === 0x5c && i + 1 < end && b[i + 1] === 0x27) {
          i++;
          cur.push(0x27);
        } else if (c === 0x27) {
          if (i + 1 < end && !isSpace(b[i + 1] as number)) return null;
          done = true;
        } else {
          cur.push(c);
        }
      } else {
        if (i >= end) {
          done = true;
          break;
        }
        const c = b[i] as number;
        if (isSpace(c)) done = true;
        else if (c === 0x22) inDq = true;
        else if (c === 0x27) inSq = true;
        else cur.push(c);
      }
      if (i < end) i++;
    }
    out.push(Buffer.from(cur));
  }
}
