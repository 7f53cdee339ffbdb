/**
 * RdbEncoder: the byte-level writer of RDB data — lengths, strings (integer-encoded, LZF-
 * compressed or verbatim, as rdbSaveRawString chooses), millisecond times, binary doubles —
 * into a growable buffer that the caller drains in chunks (a file, a DUMP payload).
 *
 * Strings come either as latin1 JS strings (one char per byte: how keys and values are kept)
 * or as bytes. Imports nothing from src/ beyond persistence/.
 */
import { lzfCompress } from './lzf.js';
import { ENC } from './rdb-format.js';

const RDB_32BITLEN = 0x80;
const RDB_64BITLEN = 0x81;
const ENCVAL = 3 << 6;
const TWO32 = 4294967296;

let scratchIn = Buffer.allocUnsafe(1024);
let scratchOut = Buffer.allocUnsafe(1024);

function inRoom(n: number): Buffer {
  if (scratchIn.length < n) scratchIn = Buffer.allocUnsafe(Math.max(n, scratchIn.length * 2));
  return scratchIn;
}

function outRoom(n: number): Buffer {
  if (scratchOut.length < n) scratchOut = Buffer.allocUnsafe(Math.max(n, scratchOut.length * 2));
  return scratchOut;
}

/**
 * The value of chars [s, e) as an int32 when Redis would store it integer-encoded (string2ll
 * accepts it: optional '-', no leading zeros, no "-0"), else null. Two copies (string and
 * bytes) rather than a callback: this runs for every key and value saved.
 */
function int32OfLatin1(str: string, s: number, e: number): number | null {
  const n = e - s;
  if (n === 0 || n > 11) return null;
  let p = s;
  let neg = false;
  if (str.charCodeAt(p) === 0x2d) {
    if (n === 1) return null;
    neg = true;
    p++;
  }
  const first = str.charCodeAt(p);
  if (first === 0x30) return n === 1 ? 0 : null;
  if (first < 0x31 || first > 0x39) return null;
  let v = 0;
  for (; p < e; p++) {
    const c = str.charCodeAt(p) - 0x30;
    if (c < 0 || c > 9) return null;
    v = v * 10 + c;
  }
  if (neg) v = -v;
  return v >= -2147483648 && v <= 2147483647 ? v : null;
}

function int32OfBytes(b: Uint8Array, s: number, e: number): number | null {
  const n = e - s;
  if (n === 0 || n > 11) return null;
  let p = s;
  let neg = false;
  if (b[p] === 0x2d) {
    if (n === 1) return null;
    neg = true;
    p++;
  }
  const first = b[p] as number;
  if (first === 0x30) return n === 1 ? 0 : null;
  if (first < 0x31 || first > 0x39) return null;
  let v = 0;
  for (; p < e; p++) {
    const c = (b[p] as number) - 0x30;
    if (c < 0 || c > 9) return null;
    v = v * 10 + c;
  }
  if (neg) v = -v;
  return v >= -2147483648 && v <= 2147483647 ? v : null;
}

export class RdbEncoder {
  buf: Buffer;
  pos = 0;
  /** rdbcompression: strings over 20 bytes are LZF-compressed when that saves 4+ bytes. */
  compress: boolean;

  constructor(compress: boolean, capacity = 4096) {
    this.compress = compress;
    this.buf = Buffer.allocUnsafe(capacity);
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const nb = Buffer.allocUnsafe(Math.max(this.pos + n, this.buf.length * 2));
    this.buf.copy(nb, 0, 0, this.pos);
    this.buf = nb;
  }

  /** Everything written so far, as a new buffer; the encoder starts over empty. */
  take(): Buffer {
    const out = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafe(Math.max(4096, Math.min(this.buf.length, 1 << 20)));
    this.pos = 0;
    return out;
  }

  /** The bytes written so far (a view, valid until the next write). */
  view(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  reset(): void {
    this.pos = 0;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  bytes(src: Uint8Array, s = 0, e = src.length): void {
    const n = e - s;
    this.ensure(n);
    this.buf.set(src.subarray(s, e), this.pos);
    this.pos += n;
  }

  /** Chars [s, e) of a latin1 string as bytes. */
  latin1(str: string, s = 0, e = str.length): void {
    const n = e - s;
    this.ensure(n);
    // latin1Write stops after n bytes: a prefix needs no slice (compact strings end in LRU chars).
    this.pos += this.buf.latin1Write(s === 0 ? str : str.slice(s, e), this.pos, n);
  }

  /** rdbSaveLen: 6-bit, 14-bit, 32-bit big-endian or 64-bit big-endian length. */
  len(n: number): void {
    this.ensure(9);
    const b = this.buf;
    let p = this.pos;
    if (n < 64) {
      b[p++] = n;
    } else if (n < 16384) {
      b[p++] = (n >>> 8) | 0x40;
      b[p++] = n & 0xff;
    } else if (n < TWO32) {
      b[p++] = RDB_32BITLEN;
      b.writeUInt32BE(n, p);
      p += 4;
    } else {
      b[p++] = RDB_64BITLEN;
      b.writeUInt32BE(Math.floor(n / TWO32), p);
      b.writeUInt32BE(n % TWO32, p + 4);
      p += 8;
    }
    this.pos = p;
  }

  /** A length given as uint64 halves (stream IDs, counters beyond 2^53). */
  lenU64(hi: number, lo: number): void {
    if (hi === 0) {
      this.len(lo);
      return;
    }
    this.ensure(9);
    this.buf[this.pos++] = RDB_64BITLEN;
    this.buf.writeUInt32BE(hi >>> 0, this.pos);
    this.buf.writeUInt32BE(lo >>> 0, this.pos + 4);
    this.pos += 8;
  }

  /** A signed 64-bit integer, little-endian (rdbSaveMillisecondTime). */
  int64LE(v: number | bigint): void {
    this.ensure(8);
    this.buf.writeBigInt64LE(typeof v === 'bigint' ? v : BigInt(v), this.pos);
    this.pos += 8;
  }

  /** rdbSaveBinaryDoubleValue */
  binaryDouble(d: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(d, this.pos);
    this.pos += 8;
  }

  /** A 32-bit little-endian word (ziplist/intset headers built in place). */
  u32LE(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(v >>> 0, this.pos);
    this.pos += 4;
  }

  /** rdbEncodeInteger for an int32 value. */
  private encodedInt(v: number): void {
    this.ensure(5);
    const b = this.buf;
    let p = this.pos;
    if (v >= -128 && v <= 127) {
      b[p++] = ENCVAL | ENC.INT8;
      b[p++] = v & 0xff;
    } else if (v >= -32768 && v <= 32767) {
      b[p++] = ENCVAL | ENC.INT16;
      b[p++] = v & 0xff;
      b[p++] = (v >> 8) & 0xff;
    } else {
      b[p++] = ENCVAL | ENC.INT32;
      b.writeInt32LE(v, p);
      p += 4;
    }
    this.pos = p;
  }

  /** rdbSaveLongLongAsStringObject: integer-encoded when it fits 32 bits, else as text. */
  longLong(v: number | bigint): void {
    if (typeof v === 'number' && v >= -2147483648 && v <= 2147483647) {
      this.encodedInt(v);
      return;
    }
    const text = String(v);
    this.len(text.length);
    this.latin1(text);
  }

  /** rdbSaveRawString of chars [s, e) of a latin1 string. */
  string(str: string, s = 0, e = str.length): void {
    const n = e - s;
    if (n <= 11) {
      const v = int32OfLatin1(str, s, e);
      if (v !== null) {
        this.encodedInt(v);
        return;
      }
    }
    if (this.compress && n > 20) {
      const src = inRoom(n);
      src.latin1Write(s === 0 ? str : str.slice(s, e), 0, n);
      if (this.lzf(src, 0, n)) return;
      this.len(n);
      this.bytes(src, 0, n);
      return;
    }
    this.len(n);
    this.latin1(str, s, e);
  }

  /** rdbSaveRawString of bytes [s, e). */
  stringBytes(src: Uint8Array, s = 0, e = src.length): void {
    const n = e - s;
    if (n <= 11) {
      const v = int32OfBytes(src, s, e);
      if (v !== null) {
        this.encodedInt(v);
        return;
      }
    }
    if (this.compress && n > 20 && this.lzf(src, s, e)) return;
    this.len(n);
    this.bytes(src, s, e);
  }

  /** An LZF blob (rdbSaveLzfBlob) when compression saves at least 4 bytes; false otherwise. */
  private lzf(src: Uint8Array, s: number, e: number): boolean {
    const n = e - s;
    const outLen = n - 4;
    const out = outRoom(outLen + 1);
    const clen = lzfCompress(src, s, e, out, outLen);
    if (clen === 0) return false;
    this.lzfBlob(out, clen, n);
    return true;
  }

  /** rdbSaveLzfBlob: already-compressed data of `clen` bytes that inflates to `rawLen`. */
  lzfBlob(data: Uint8Array, clen: number, rawLen: number): void {
    this.byte(ENCVAL | ENC.LZF);
    this.len(clen);
    this.len(rawLen);
    this.bytes(data, 0, clen);
  }
}
