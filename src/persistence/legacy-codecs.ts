/**
 * Readers for the compact encodings of older RDB files, which Redis 7.0 still loads and
 * converts: the ziplist (lists before quicklist 2, hashes and sorted sets before listpacks,
 * quicklist nodes of RDB_TYPE_LIST_QUICKLIST) and the zipmap (hashes of Redis 2.4 and older).
 * Nothing writes them any more. Imports nothing from src/ beyond persistence/.
 *
 * ziplist: zlbytes (u32 LE), zltail (u32 LE), zllen (u16 LE), entries, 0xFF. An entry is
 * prevlen (1 byte, or 0xFE + u32 LE), an encoding, the data:
 *   00pppppp / 01pppppp qqqqqqqq (big-endian) / 10000000 + u32 big-endian: string lengths;
 *   0xC0 int16, 0xD0 int32, 0xE0 int64, 0xF0 int24, 0xFE int8 (all little-endian);
 *   0xF1..0xFD: the integers 0..12 themselves.
 * zipmap: zmlen (1 byte), then per pair: key length, key, value length, a "free" byte, the
 * value and that many unused bytes; lengths are 1 byte (< 254) or 0xFE + u32; 0xFF ends it.
 */
import { RdbError } from './rdb-format.js';

function corrupt(what: string): never {
  throw new RdbError(`${what} integrity check failed.`);
}

/** Every entry of a ziplist, as latin1 strings (ziplistValidateIntegrity, deep). */
export function ziplistStrings(b: Buffer, s: number, e: number, what = 'Ziplist'): string[] {
  const bad = (): never => corrupt(what);
  if (e - s < 11) bad();
  if (b.readUInt32LE(s) !== e - s || b[e - 1] !== 0xff) bad();
  const tail = b.readUInt32LE(s + 4);
  const declared = b.readUInt16LE(s + 8);
  const out: string[] = [];
  let p = s + 10;
  let prevLen = 0;
  let lastStart = -1;
  while (p < e - 1) {
    const start = p;
    // prevlen
    let pl: number;
    if (b[p] === 0xfe) {
      if (p + 5 > e - 1) bad();
      pl = b.readUInt32LE(p + 1);
      p += 5;
    } else {
      pl = b[p] as number;
      p += 1;
    }
    if (pl !== prevLen) bad();
    if (p >= e - 1) bad();
    const c = b[p] as number;
    const kind = c >> 6;
    if (kind === 0 || kind === 1 || kind === 2) {
      let n: number;
      if (kind === 0) {
        n = c & 0x3f;
        p += 1;
      } else if (kind === 1) {
        if (p + 2 > e - 1) bad();
        n = ((c & 0x3f) << 8) | (b[p + 1] as number);
        p += 2;
      } else {
        if (c !== 0x80 || p + 5 > e - 1) bad();
        n = b.readUInt32BE(p + 1);
        p += 5;
      }
      if (p + n > e - 1) bad();
      out.push(b.latin1Slice(p, p + n));
      p += n;
    } else {
      p += 1;
      let v: number | bigint;
      if (c === 0xc0) {
        if (p + 2 > e - 1) bad();
        v = b.readInt16LE(p);
        p += 2;
      } else if (c === 0xd0) {
        if (p + 4 > e - 1) bad();
        v = b.readInt32LE(p);
        p += 4;
      } else if (c === 0xe0) {
        if (p + 8 > e - 1) bad();
        const big = b.readBigInt64LE(p);
        v = Number.isSafeInteger(Number(big)) ? Number(big) : big;
        p += 8;
      } else if (c === 0xf0) {
        if (p + 3 > e - 1) bad();
        v = b.readIntLE(p, 3);
        p += 3;
      } else if (c === 0xfe) {
        if (p + 1 > e - 1) bad();
        v = b.readInt8(p);
        p += 1;
      } else if (c >= 0xf1 && c <= 0xfd) {
        v = (c & 0x0f) - 1;
      } else {
        corrupt(what);
      }
      out.push(String(v));
    }
    prevLen = p - start;
    lastStart = start;
  }
  if (p !== e - 1) bad();
  if (out.length > 0 && lastStart - s !== tail) bad();
  if (out.length === 0 && tail !== 10) bad();
  if (declared !== 65535 && declared !== out.length) bad();
  return out;
}

/** The field, value, field, value... of a zipmap (zipmapValidateIntegrity). */
export function zipmapStrings(b: Buffer, s: number, e: number): string[] {
  const bad = (): never => {
    throw new RdbError('Zipmap integrity check failed.');
  };
  if (e - s < 2 || b[e - 1] !== 0xff) bad();
  let p = s + 1;
  const out: string[] = [];
  const readLen = (): number => {
    if (p >= e) bad();
    const c = b[p] as number;
    if (c < 254) {
      p += 1;
      return c;
    }
    if (c !== 254 || p + 5 > e) bad();
    const n = b.readUInt32LE(p + 1);
    p += 5;
    return n;
  };
  while (b[p] !== 0xff) {
    const kl = readLen();
    if (p + kl > e) bad();
    const key = b.latin1Slice(p, p + kl);
    p += kl;
    const vl = readLen();
    if (p >= e) bad();
    const free = b[p] as number;
    p += 1;
    if (p + vl + free > e - 1) bad();
    out.push(key, b.latin1Slice(p, p + vl));
    p += vl + free;
    if (p >= e) bad();
  }
  if (p !== e - 1) bad();
  const zmlen = b[s] as number;
  if (out.length === 0 || (zmlen !== 254 && zmlen * 2 !== out.length)) bad();
  return out;
}
