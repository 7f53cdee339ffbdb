/**
 * RdbReader: the byte-level reader of RDB data over one buffer (a whole file or a DUMP
 * payload): lengths, strings in any of their encodings, times, doubles. Every read checks the
 * bounds and throws RdbError on truncated or malformed input.
 *
 * readString() does not allocate for verbatim strings: it leaves the bytes' location in
 * (sb, ss, se) — the input itself, or a scratch buffer for integer-encoded and LZF strings —
 * valid until the next readString(). Imports nothing from src/ beyond persistence/.
 */
import { lzfDecompress } from './lzf.js';
import { ENC, RdbError } from './rdb-format.js';

const TWO32 = 4294967296;

let scratch = Buffer.allocUnsafe(4096);

function room(n: number): Buffer {
  if (scratch.length < n + 3) scratch = Buffer.allocUnsafe(Math.max(n + 3, scratch.length * 2));
  return scratch;
}

export class RdbReader {
  readonly buf: Buffer;
  pos: number;
  readonly end: number;
  /** Where the last readString() left its bytes: sb[ss, se). */
  sb: Buffer;
  ss = 0;
  se = 0;
  /** Set by readLen(): whether the length byte announced a special string encoding. */
  encoded = false;

  constructor(buf: Buffer, pos = 0, end = buf.length) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
    this.sb = buf;
  }

  fail(what: string): never {
    throw new RdbError(what, this.pos);
  }

  need(n: number): void {
    if (this.pos + n > this.end) this.fail('Unexpected EOF reading RDB file');
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  u8(): number {
    if (this.pos >= this.end) this.fail('Unexpected EOF reading RDB file');
    return this.buf[this.pos++] as number;
  }

  /** rdbLoadLenByRef: a length, or (encoded = true) the number of a special encoding. */
  readLen(): number {
    const b0 = this.u8();
    const type = b0 >> 6;
    this.encoded = false;
    if (type === 3) {
      this.encoded = true;
      return b0 & 0x3f;
    }
    if (type === 0) return b0 & 0x3f;
    if (type === 1) return ((b0 & 0x3f) << 8) | this.u8();
    if (b0 === 0x80) {
      this.need(4);
      const v = this.buf.readUInt32BE(this.pos);
      this.pos += 4;
      return v;
    }
    if (b0 === 0x81) {
      this.need(8);
      const hi = this.buf.readUInt32BE(this.pos);
      const lo = this.buf.readUInt32BE(this.pos + 4);
      this.pos += 8;
      return hi * TWO32 + lo;
    }
    this.fail(`Unknown length encoding ${type} in rdbLoadLen()`);
  }

  /** A plain length (an encoded one is malformed here). */
  len(): number {
    const n = this.readLen();
    if (this.encoded) this.fail('Unexpected string encoding where a length was expected');
    return n;
  }

  /** A length as uint64 halves [hi, lo] (stream IDs and counters). */
  lenU64(): [number, number] {
    const b0 = this.buf[this.pos];
    if (b0 === 0x81) {
      this.pos++;
      this.need(8);
      const hi = this.buf.readUInt32BE(this.pos);
      const lo = this.buf.readUInt32BE(this.pos + 4);
      this.pos += 8;
      return [hi, lo];
    }
    return [0, this.len()];
  }

  /** A signed 64-bit little-endian integer (times in ms: exact below 2^53). */
  int64LE(): number {
    this.need(8);
    const v = this.buf.readBigInt64LE(this.pos);
    this.pos += 8;
    return Number(v);
  }

  binaryDouble(): number {
    this.need(8);
    const d = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return d;
  }

  /** rdbLoadDoubleValue: the text form of old ZSETs (length byte; 253 nan, 254 inf, 255 -inf). */
  textDouble(): number {
    const n = this.u8();
    if (n === 255) return -Infinity;
    if (n === 254) return Infinity;
    if (n === 253) return NaN;
    this.need(n);
    const t = this.buf.latin1Slice(this.pos, this.pos + n);
    this.pos += n;
    const d = Number(t.trim());
    if (Number.isNaN(d) && !/^\s*nan/i.test(t)) this.fail('Invalid double value');
    return d;
  }

  /** Read a string (rdbGenericLoadStringObject) and leave its bytes in (sb, ss, se). */
  readString(): void {
    const n = this.readLen();
    if (!this.encoded) {
      this.need(n);
      this.sb = this.buf;
      this.ss = this.pos;
      this.se = this.pos + n;
      this.pos += n;
      return;
    }
    switch (n) {
      case ENC.INT8: {
        this.need(1);
        const v = this.buf.readInt8(this.pos);
        this.pos += 1;
        this.intText(v);
        return;
      }
      case ENC.INT16: {
        this.need(2);
        const v = this.buf.readInt16LE(this.pos);
        this.pos += 2;
        this.intText(v);
        return;
      }
      case ENC.INT32: {
        this.need(4);
        const v = this.buf.readInt32LE(this.pos);
        this.pos += 4;
        this.intText(v);
        return;
      }
      case ENC.LZF: {
        const clen = this.len();
        const len = this.len();
        this.need(clen);
        // LZF inflates at most 88-fold (3 bytes for a 264-byte back reference): a larger claim
        // is corrupt, and must not make us allocate it.
        if (len > clen * 88 + 64) this.fail('Invalid LZF compressed string');
        const out = room(len);
        if (lzfDecompress(this.buf, this.pos, this.pos + clen, out, len) !== len) this.fail('Invalid LZF compressed string');
        this.pos += clen;
        this.sb = out;
        this.ss = 0;
        this.se = len;
        return;
      }
      default:
        this.fail(`Unknown RDB string encoding type ${n}`);
    }
  }

  private intText(v: number): void {
    const t = String(v);
    const out = room(t.length);
    out.latin1Write(t, 0, t.length);
    this.sb = out;
    this.ss = 0;
    this.se = t.length;
  }

  /** A string as a latin1 JS string. */
  latin1(): string {
    this.readString();
    return this.sb.latin1Slice(this.ss, this.se);
  }

  /** A string as a Buffer of its own (a copy). */
  bufferCopy(): Buffer {
    this.readString();
    return Buffer.from(this.sb.subarray(this.ss, this.se));
  }
}
