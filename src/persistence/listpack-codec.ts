/**
 * Redis's listpack, byte for byte: the serialized form of small hashes and sorted sets, of
 * quicklist nodes and of stream nodes.
 *
 * Layout: total bytes (uint32 LE), element count (uint16 LE, 65535 when unknown), entries,
 * 0xFF. An entry is an encoding with its data, then a "backlen" (the entry's length, 1-5
 * bytes, read backwards). A string that is a canonical int64 of fewer than 21 chars is stored
 * as an integer in the smallest of 7-bit unsigned, 13-, 16-, 24-, 32- or 64-bit signed;
 * other strings get a 6-bit, 12-bit or 32-bit length. The writer makes exactly Redis's
 * choices (lpAppend / lpAppendInteger), so DUMP payloads match Redis's.
 *
 * This is the wire format only; the in-memory listpack of hashes (values/structures/
 * listpack.ts) is Cinnabar's own. Imports nothing from src/ beyond persistence/.
 */
import { RdbError } from './rdb-format.js';

const HDR = 6;
const EOF = 0xff;
const NUMELE_UNKNOWN = 65535;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** lpStringToInt64 on chars [s, e) of a latin1 string: a number when safe, a bigint beyond, or null. */
export function lpStringToInt(str: string, s = 0, e = str.length): number | bigint | null {
  const n = e - s;
  if (n === 0 || n >= 21) return null;
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
  for (let i = p + 1; i < e; i++) {
    const c = str.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return null;
  }
  if (e - p <= 15) {
    const v = Number(str.slice(p, e));
    return neg ? -v : v;
  }
  const big = BigInt(str.slice(s, e));
  if (big < INT64_MIN || big > INT64_MAX) return null;
  const num = Number(big);
  return Number.isSafeInteger(num) ? num : big;
}

function backlenSize(l: number): number {
  return l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
}

/** Bytes lpAppend would add for this string (encoding, data and backlen), without building it. */
export function lpEntrySize(str: string): number {
  const iv = lpStringToInt(str);
  let l: number;
  if (iv !== null) {
    if (typeof iv === 'bigint') l = 9;
    else if (iv >= 0 && iv <= 127) l = 1;
    else if (iv >= -4096 && iv <= 4095) l = 2;
    else if (iv >= -32768 && iv <= 32767) l = 3;
    else if (iv >= -8388608 && iv <= 8388607) l = 4;
    else if (iv >= -2147483648 && iv <= 2147483647) l = 5;
    else l = 9;
  } else {
    const n = str.length;
    l = n < 64 ? 1 + n : n < 4096 ? 2 + n : 5 + n;
  }
  return l + backlenSize(l);
}

/** Bytes of an empty listpack (header and terminator). */
export const LP_EMPTY_BYTES = HDR + 1;

/** Builds one listpack. reset() it to start another; the buffer is reused. */
export class ListpackWriter {
  private b: Buffer;
  private pos = HDR;
  count = 0;

  constructor(capacity = 256) {
    this.b = Buffer.allocUnsafe(Math.max(capacity, 16));
  }

  reset(): void {
    this.pos = HDR;
    this.count = 0;
  }

  /** Bytes the listpack would take if finished now (lpBytes). */
  get bytes(): number {
    return this.pos + 1;
  }

  private ensure(n: number): void {
    if (this.pos + n + 1 <= this.b.length) return;
    const nb = Buffer.allocUnsafe(Math.max(this.pos + n + 1, this.b.length * 2));
    this.b.copy(nb, 0, 0, this.pos);
    this.b = nb;
  }

  private backlen(l: number): void {
    const b = this.b;
    let p = this.pos;
    if (l <= 127) {
      b[p++] = l;
    } else if (l < 16383) {
      b[p++] = l >>> 7;
      b[p++] = (l & 127) | 128;
    } else if (l < 2097151) {
      b[p++] = l >>> 14;
      b[p++] = ((l >>> 7) & 127) | 128;
      b[p++] = (l & 127) | 128;
    } else if (l < 268435455) {
      b[p++] = l >>> 21;
      b[p++] = ((l >>> 14) & 127) | 128;
      b[p++] = ((l >>> 7) & 127) | 128;
      b[p++] = (l & 127) | 128;
    } else {
      b[p++] = Math.floor(l / 268435456);
      b[p++] = ((l >>> 21) & 127) | 128;
      b[p++] = ((l >>> 14) & 127) | 128;
      b[p++] = ((l >>> 7) & 127) | 128;
      b[p++] = (l & 127) | 128;
    }
    this.pos = p;
    this.count++;
  }

  /** lpAppendInteger */
  appendInt(v: number | bigint): void {
    this.ensure(9 + 5);
    const b = this.b;
    const p = this.pos;
    if (typeof v === 'number' && v >= 0 && v <= 127) {
      b[p] = v;
      this.pos = p + 1;
      this.backlen(1);
    } else if (typeof v === 'number' && v >= -4096 && v <= 4095) {
      const u = v < 0 ? (1 << 13) + v : v;
      b[p] = (u >>> 8) | 0xc0;
      b[p + 1] = u & 0xff;
      this.pos = p + 2;
      this.backlen(2);
    } else if (typeof v === 'number' && v >= -32768 && v <= 32767) {
      b[p] = 0xf1;
      b.writeInt16LE(v, p + 1);
      this.pos = p + 3;
      this.backlen(3);
    } else if (typeof v === 'number' && v >= -8388608 && v <= 8388607) {
      b[p] = 0xf2;
      b.writeIntLE(v, p + 1, 3);
      this.pos = p + 4;
      this.backlen(4);
    } else if (typeof v === 'number' && v >= -2147483648 && v <= 2147483647) {
      b[p] = 0xf3;
      b.writeInt32LE(v, p + 1);
      this.pos = p + 5;
      this.backlen(5);
    } else {
      b[p] = 0xf4;
      b.writeBigInt64LE(typeof v === 'bigint' ? v : BigInt(v), p + 1);
      this.pos = p + 9;
      this.backlen(9);
    }
  }

  /** lpAppend of chars [s, e) of a latin1 string: an integer when it reads as one. */
  append(str: string, s = 0, e = str.length): void {
    const iv = lpStringToInt(str, s, e);
    if (iv !== null) {
      this.appendInt(iv);
      return;
    }
    const n = e - s;
    this.ensure(n + 10);
    const b = this.b;
    let p = this.pos;
    let hdr: number;
    if (n < 64) {
      b[p++] = n | 0x80;
      hdr = 1;
    } else if (n < 4096) {
      b[p++] = (n >>> 8) | 0xe0;
      b[p++] = n & 0xff;
      hdr = 2;
    } else {
      b[p++] = 0xf0;
      b.writeUInt32LE(n, p);
      p += 4;
      hdr = 5;
    }
    p += b.latin1Write(s === 0 ? str : str.slice(s, e), p, n);
    this.pos = p;
    this.backlen(hdr + n);
  }

  /** The finished listpack (a view into the writer's buffer, valid until the next change). */
  finish(): Buffer {
    this.ensure(0);
    const b = this.b;
    b[this.pos] = EOF;
    const total = this.pos + 1;
    b.writeUInt32LE(total, 0);
    b.writeUInt16LE(this.count < NUMELE_UNKNOWN ? this.count : NUMELE_UNKNOWN, 4);
    return b.subarray(0, total);
  }
}

/**
 * Walks a listpack entry by entry, checking its structure as it goes (lpValidateIntegrity
 * with deep validation): header length, every entry inside the buffer, each backlen equal to
 * its entry's size, the terminator, and the element count when the header knows it.
 */
export class ListpackReader {
  private readonly b: Uint8Array;
  private readonly buf: Buffer;
  private p: number;
  private readonly end: number;
  private seen = 0;
  private readonly declared: number;
  /** The current entry: an integer (isInt, intValue) or a string (strStart..strEnd of buf). */
  isInt = false;
  intValue: number | bigint = 0;
  strStart = 0;
  strEnd = 0;

  constructor(buf: Buffer, start: number, end: number) {
    this.buf = buf;
    this.b = buf;
    if (end - start < HDR + 1) throw new RdbError('Listpack integrity check failed.');
    const total = buf.readUInt32LE(start);
    if (total !== end - start || buf[end - 1] !== EOF) throw new RdbError('Listpack integrity check failed.');
    this.declared = buf.readUInt16LE(start + 4);
    this.p = start + HDR;
    this.end = end - 1;
  }

  private bad(): never {
    throw new RdbError('Listpack integrity check failed.');
  }

  /** Move to the next entry; false at the end (after checking the count). */
  next(): boolean {
    const b = this.b;
    const p = this.p;
    if (p === this.end) {
      if (this.declared !== NUMELE_UNKNOWN && this.declared !== this.seen) this.bad();
      return false;
    }
    const c = b[p] as number;
    let len: number; // encoding + data
    this.isInt = true;
    if (c < 0x80) {
      this.intValue = c;
      len = 1;
    } else if (c < 0xc0) {
      len = 1 + (c & 0x3f);
      this.isInt = false;
      this.strStart = p + 1;
    } else if (c < 0xe0) {
      if (p + 2 > this.end) this.bad();
      const u = ((c & 0x1f) << 8) | (b[p + 1] as number);
      this.intValue = u >= 4096 ? u - 8192 : u;
      len = 2;
    } else if (c < 0xf0) {
      if (p + 2 > this.end) this.bad();
      len = 2 + (((c & 0x0f) << 8) | (b[p + 1] as number));
      this.isInt = false;
      this.strStart = p + 2;
    } else if (c === 0xf0) {
      if (p + 5 > this.end) this.bad();
      len = 5 + this.buf.readUInt32LE(p + 1);
      this.isInt = false;
      this.strStart = p + 5;
    } else if (c === 0xf1) {
      if (p + 3 > this.end) this.bad();
      this.intValue = this.buf.readInt16LE(p + 1);
      len = 3;
    } else if (c === 0xf2) {
      if (p + 4 > this.end) this.bad();
      this.intValue = this.buf.readIntLE(p + 1, 3);
      len = 4;
    } else if (c === 0xf3) {
      if (p + 5 > this.end) this.bad();
      this.intValue = this.buf.readInt32LE(p + 1);
      len = 5;
    } else if (c === 0xf4) {
      if (p + 9 > this.end) this.bad();
      const big = this.buf.readBigInt64LE(p + 1);
      const num = Number(big);
      this.intValue = Number.isSafeInteger(num) ? num : big;
      len = 9;
    } else {
      this.bad();
    }
    if (!this.isInt) this.strEnd = p + len;
    // The backlen: its size follows from len; it must encode len.
    const bl = backlenSize(len);
    const q = p + len;
    if (q + bl > this.end) this.bad();
    let v = 0;
    let shift = 0;
    for (let i = q + bl - 1; i >= q; i--) {
      const x = b[i] as number;
      v += (x & 127) * 2 ** shift;
      shift += 7;
      // Every byte but the first (lowest address) carries the continuation bit.
      if (((x & 128) === 0) !== (i === q)) this.bad();
    }
    if (v !== len) this.bad();
    this.p = q + bl;
    this.seen++;
    return true;
  }

  /** The current entry as a latin1 string (integers as decimal text). */
  string(): string {
    return this.isInt ? String(this.intValue) : this.buf.latin1Slice(this.strStart, this.strEnd);
  }

  /** The current entry as an integer (lpGetInteger: a string entry must read as one). */
  integer(): number | bigint {
    if (this.isInt) return this.intValue;
    const v = lpStringToInt(this.buf.latin1Slice(this.strStart, this.strEnd));
    if (v === null) this.bad();
    return v;
  }

  /** Entries read so far. */
  get count(): number {
    return this.seen;
  }
}

/** Every entry of a listpack as latin1 strings. */
export function listpackStrings(buf: Buffer, start: number, end: number): string[] {
  const r = new ListpackReader(buf, start, end);
  const out: string[] = [];
  while (r.next()) out.push(r.string());
  return out;
}
