/**
 * ReplyWriter: encodes replies in RESP2 or RESP3 into a per-connection output slab.
 *
 * Hot path. Replies for a whole batch of pipelined requests accumulate in one slab and leave
 * in a single socket write (`take()`), so pipelining costs one syscall. The slab is handed to
 * the socket by reference (no copy): after `take()` the writer continues after the taken
 * region, and when the slab is full a new one is allocated while the old one stays alive
 * until the socket has written it. Common replies are pre-encoded. Strings are written with
 * latin1Write, which is the byte-exact mapping used for keys and values everywhere.
 *
 * RESP3-only types degrade to their RESP2 forms exactly as Redis does: map → flat array,
 * set → array, double → bulk string, null → $-1 or *-1, boolean → integer, verbatim → bulk.
 *
 * Imports nothing from the rest of src/.
 */
import { formatDouble } from './number-format.js';

const SLAB = 16 * 1024;
/** A slab grown beyond this for a big reply is released once its bytes are taken. */
const MAX_KEPT_SLAB = 1024 * 1024;

export const SHARED = {
  ok: Buffer.from('+OK\r\n'),
  pong: Buffer.from('+PONG\r\n'),
  queued: Buffer.from('+QUEUED\r\n'),
  nullBulk2: Buffer.from('$-1\r\n'),
  nullArray2: Buffer.from('*-1\r\n'),
  null3: Buffer.from('_\r\n'),
  emptyArray: Buffer.from('*0\r\n'),
  emptyBulk: Buffer.from('$0\r\n\r\n'),
  czero: Buffer.from(':0\r\n'),
  cone: Buffer.from(':1\r\n'),
  true3: Buffer.from('#t\r\n'),
  false3: Buffer.from('#f\r\n'),
} as const;

const SMALL_INTS = 1024;
const smallIntReplies: Buffer[] = [];
for (let i = 0; i < SMALL_INTS; i++) smallIntReplies.push(Buffer.from(`:${i}\r\n`));

export class ReplyWriter {
  resp: 2 | 3 = 2;
  /** Called with every error reply (INFO errorstats, failed_calls). */
  onError: ((msg: string) => void) | null = null;
  private slab: Buffer = EMPTY;
  private start = 0;
  private off = 0;
  /** Bytes written into earlier slabs: mark() positions stay valid across a new slab. */
  private base = 0;

  /** Bytes waiting to be taken. */
  get length(): number {
    return this.off - this.start;
  }

  /** A position to roll back to (CLIENT REPLY SKIP/OFF discard a command's reply). */
  mark(): number {
    return this.base + this.off;
  }

  /** Drop what was written since `mark`, unless part of it has already been taken. */
  rollback(mark: number): void {
    const o = mark - this.base;
    if (o >= this.start && o <= this.off) this.off = o;
  }

  /** Hand the pending bytes over (to socket.write); null when there are none. */
  take(): Buffer | null {
    if (this.off === this.start) return null;
    const out = this.slab.subarray(this.start, this.off);
    if (this.slab.length > MAX_KEPT_SLAB) {
      // A big reply made this slab big: let it go with the write instead of keeping it.
      this.base += this.off;
      this.slab = EMPTY;
      this.start = 0;
      this.off = 0;
    } else {
      this.start = this.off;
    }
    return out;
  }

  private ensure(n: number): void {
    if (this.off + n <= this.slab.length) return;
    const pending = this.off - this.start;
    const next = Buffer.allocUnsafe(Math.max(SLAB, (pending + n) * 2));
    if (pending > 0) this.slab.copy(next, 0, this.start, this.off);
    this.base += this.start;
    this.slab = next;
    this.start = 0;
    this.off = pending;
  }

  raw(b: Uint8Array): void {
    const n = b.length;
    this.ensure(n);
    if (n <= 16) {
      // Shared replies (+OK, :1, $-1) are a few bytes: a loop beats TypedArray.set's call.
      const s = this.slab;
      const o = this.off;
      for (let i = 0; i < n; i++) s[o + i] = b[i] as number;
    } else {
      this.slab.set(b, this.off);
    }
    this.off += n;
  }

  private ascii(s: string): void {
    this.ensure(s.length);
    this.off += this.slab.latin1Write(s, this.off, s.length);
  }

  private crlf(): void {
    const o = this.off;
    this.slab[o] = 0x0d;
    this.slab[o + 1] = 0x0a;
    this.off = o + 2;
  }

  /** Writes `prefix` + decimal n + CRLF; n is a non-negative safe integer here. */
  private header(prefix: number, n: number): void {
    this.ensure(24);
    const s = this.slab;
    let o = this.off;
    s[o++] = prefix;
    if (n < 10) {
      s[o++] = 0x30 + n;
    } else {
      let digits = 2;
      for (let t = 100; t <= n; t *= 10) digits++;
      let p = o + digits - 1;
      let v = n;
      while (v > 0) {
        s[p--] = 0x30 + (v % 10);
        v = Math.floor(v / 10);
      }
      o += digits;
    }
    s[o] = 0x0d;
    s[o + 1] = 0x0a;
    this.off = o + 2;
  }

  ok(): void {
    this.raw(SHARED.ok);
  }

  /** +status */
  simple(s: string): void {
    this.ensure(s.length + 3);
    this.slab[this.off++] = 0x2b;
    this.off += this.slab.latin1Write(s, this.off, s.length);
    this.crlf();
  }

  /** -ERR ... ; `msg` carries its own code ("ERR ...", "WRONGTYPE ..."). Newlines become spaces, as Redis does. */
  error(msg: string): void {
    const clean = msg.includes('\n') || msg.includes('\r') ? msg.replace(/[\r\n]/g, ' ') : msg;
    if (this.onError !== null) this.onError(clean);
    this.ensure(clean.length + 3);
    this.slab[this.off++] = 0x2d;
    this.off += this.slab.latin1Write(clean, this.off, clean.length);
    this.crlf();
  }

  integer(n: number | bigint): void {
    if (typeof n === 'number' && n >= 0 && n < SMALL_INTS && Number.isInteger(n)) {
      this.raw(smallIntReplies[n] as Buffer);
      return;
    }
    this.ascii(`:${n}\r\n`);
  }

  /** Bulk string from a latin1 JS string; `len` writes only its first len chars. */
  bulk(s: string, len = s.length): void {
    this.header(0x24, len);
    this.ensure(len + 2);
    this.off += this.slab.latin1Write(s, this.off, len);
    this.crlf();
  }

  bulkBytes(b: Uint8Array, start = 0, end = b.length): void {
    const len = end - start;
    this.header(0x24, len);
    this.ensure(len + 2);
    this.slab.set(start === 0 && end === b.length ? b : b.subarray(start, end), this.off);
    this.off += len;
    this.crlf();
  }

  /** Null bulk: $-1 in RESP2, _ in RESP3. */
  nullBulk(): void {
    this.raw(this.resp === 3 ? SHARED.null3 : SHARED.nullBulk2);
  }

  /** Null array: *-1 in RESP2, _ in RESP3. */
  nullArray(): void {
    this.raw(this.resp === 3 ? SHARED.null3 : SHARED.nullArray2);
  }

  arrayHeader(n: number): void {
    this.header(0x2a, n);
  }

  /** A map of n pairs: %n in RESP3, *2n in RESP2. */
  mapHeader(n: number): void {
    if (this.resp === 3) this.header(0x25, n);
    else this.header(0x2a, n * 2);
  }

  setHeader(n: number): void {
    this.header(this.resp === 3 ? 0x7e : 0x2a, n);
  }

  pushHeader(n: number): void {
    this.header(this.resp === 3 ? 0x3e : 0x2a, n);
  }

  /** A double as Redis 7.0 prints it (%.17g): bulk in RESP2, ',' in RESP3. */
  double(d: number): void {
    const s = formatDouble(d);
    if (this.resp === 3) this.ascii(`,${s}\r\n`);
    else this.bulk(s);
  }

  /** A double already formatted (e.g. INCRBYFLOAT's humanized text) with the RESP3 type. */
  doubleText(s: string): void {
    if (this.resp === 3) this.ascii(`,${s}\r\n`);
    else this.bulk(s);
  }

  bool(b: boolean): void {
    if (this.resp === 3) this.raw(b ? SHARED.true3 : SHARED.false3);
    else this.raw(b ? SHARED.cone : SHARED.czero);
  }

  /** Verbatim string (INFO, CLIENT LIST...): '=' with a 3-letter format in RESP3, bulk in RESP2. */
  verbatim(s: string, format = 'txt'): void {
    if (this.resp !== 3) {
      this.bulk(s);
      return;
    }
    this.header(0x3d, s.length + 4);
    this.ascii(`${format}:`);
    this.ensure(s.length + 2);
    this.off += this.slab.latin1Write(s, this.off, s.length);
    this.crlf();
  }

  bigNumber(s: string): void {
    if (this.resp === 3) this.ascii(`(${s}\r\n`);
    else this.bulk(s);
  }

  emptyArray(): void {
    this.raw(SHARED.emptyArray);
  }

  /** Array of bulk strings (latin1). */
  bulkArray(items: readonly string[]): void {
    this.arrayHeader(items.length);
    for (let i = 0; i < items.length; i++) this.bulk(items[i] as string);
  }
}

const EMPTY = Buffer.alloc(0);
