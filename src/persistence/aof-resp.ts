/**
 * RespOut: a growable byte buffer that writes commands as RESP arrays of bulk strings, the
 * format of AOF files (Redis's catAppendOnlyGenericCommand / rioWriteBulk*).
 *
 * Hot path when the AOF is on: every propagated command is encoded here, straight from the
 * request's bytes (Argv offsets) with no intermediate strings; latin1 strings (keys, compact
 * values) are written with Buffer#latin1Write, one char per byte.
 */
import type { Argv } from '../protocol/argv.js';

const CRLF0 = 0x0d;
const CRLF1 = 0x0a;

export class RespOut {
  buf: Buffer;
  pos = 0;

  constructor(capacity = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  get length(): number {
    return this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + n) cap *= 2;
    const b = Buffer.allocUnsafe(cap);
    this.buf.copy(b, 0, 0, this.pos);
    this.buf = b;
  }

  /** A '*n' or '$n' header line. */
  private header(ch: number, n: number): void {
    this.ensure(24);
    const b = this.buf;
    b[this.pos++] = ch;
    // Digits written in place: no string per header on the hot path.
    let digits = 1;
    for (let t = n; t >= 10; t = Math.floor(t / 10)) digits++;
    let p = this.pos + digits;
    this.pos = p;
    let v = n;
    do {
      b[--p] = 0x30 + (v % 10);
      v = Math.floor(v / 10);
    } while (v > 0);
    b[this.pos++] = CRLF0;
    b[this.pos++] = CRLF1;
  }

  arrayHeader(n: number): void {
    this.header(0x2a, n);
  }

  /** A bulk string from a latin1 string (bytes = char codes). */
  bulkStr(s: string, start = 0, end = s.length): void {
    const n = end - start;
    this.header(0x24, n);
    this.ensure(n + 2);
    const b = this.buf;
    this.pos += b.latin1Write(start === 0 && end === s.length ? s : s.slice(start, end), this.pos);
    b[this.pos++] = CRLF0;
    b[this.pos++] = CRLF1;
  }

  bulkBytes(src: Uint8Array, start = 0, end = src.length): void {
    const n = end - start;
    this.header(0x24, n);
    this.ensure(n + 2);
    const b = this.buf;
    b.set(src.subarray(start, end), this.pos);
    this.pos += n;
    b[this.pos++] = CRLF0;
    b[this.pos++] = CRLF1;
  }

  bulkInt(v: number | bigint): void {
    this.bulkStr(String(v));
  }

  /** Raw bytes (an annotation line, a pre-encoded command). */
  raw(s: string): void {
    this.ensure(s.length);
    this.pos += this.buf.latin1Write(s, this.pos);
  }

  rawBytes(src: Uint8Array): void {
    this.ensure(src.length);
    this.buf.set(src, this.pos);
    this.pos += src.length;
  }

  /** A whole command from a request's arguments. */
  argv(a: Argv): void {
    const n = a.argc;
    this.arrayHeader(n);
    const src = a.buf;
    for (let i = 0; i < n; i++) this.bulkBytes(src, a.starts[i] as number, a.ends[i] as number);
  }

  /** A whole command from strings and byte arrays. */
  args(a: readonly (string | Uint8Array)[]): void {
    this.arrayHeader(a.length);
    for (let i = 0; i < a.length; i++) {
      const x = a[i] as string | Uint8Array;
      if (typeof x === 'string') this.bulkStr(x);
      else this.bulkBytes(x);
    }
  }

  /** The bytes written so far (a view: valid until the next write), and start over. */
  take(): Buffer {
    const out = this.buf.subarray(0, this.pos);
    this.pos = 0;
    return out;
  }

  /** A copy of the bytes written so far, and start over; shrinks a buffer grown large. */
  takeCopy(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.pos));
    this.pos = 0;
    if (this.buf.length > 4 * 1024 * 1024) this.buf = Buffer.allocUnsafe(64 * 1024);
    return out;
  }

  /** Drop the first n bytes (a partial write went through). */
  consume(n: number): void {
    this.buf.copy(this.buf, 0, n, this.pos);
    this.pos -= n;
  }

  reset(): void {
    this.pos = 0;
    if (this.buf.length > 4 * 1024 * 1024) this.buf = Buffer.allocUnsafe(64 * 1024);
  }
}
