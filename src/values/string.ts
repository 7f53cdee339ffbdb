/**
 * String values: compact (immutable primitive with a 3-char LRU suffix, see types.ts) or
 * RawString (a growable byte array, for values edited in place: APPEND, SETRANGE, SETBIT,
 * BITFIELD, HyperLogLog). Redis reports the first as int/embstr/raw by content and length and
 * the second as raw, which is also what Redis reports after an in-place edit.
 *
 * Every reader of a string value goes through this module, so the suffix never leaks.
 */
import { META_CHARS, type RedisObject, type RedisValue } from './types.js';

/** A mutable string value (Redis's "raw" sds that is appended to or edited in place). */
export class RawString implements RedisObject {
  readonly type = 'string' as const;
  lru: number;
  buf: Buffer;
  len: number;

  constructor(bytes: Buffer, lru: number, spare = 0) {
    this.buf = Buffer.allocUnsafe(bytes.length + spare);
    bytes.copy(this.buf, 0);
    this.len = bytes.length;
    this.lru = lru;
  }

  encoding(): string {
    return 'raw';
  }

  clone(lru: number): RawString {
    return new RawString(this.bytes(), lru);
  }

  bytes(): Buffer {
    return this.buf.subarray(0, this.len);
  }

  /** Grow to at least n bytes, zero-filling new bytes (SETRANGE/SETBIT semantics). */
  resize(n: number): void {
    if (n <= this.len) return;
    if (n > this.buf.length) {
      // Double while small, +1MB steps when large, like sdsMakeRoomFor's greedy growth.
      const cap = n < 1024 * 1024 ? n * 2 : n + 1024 * 1024;
      const nb = Buffer.allocUnsafe(cap);
      this.buf.copy(nb, 0, 0, this.len);
      this.buf = nb;
    }
    this.buf.fill(0, this.len, n);
    this.len = n;
  }

  append(b: Uint8Array): void {
    const old = this.len;
    this.resize(old + b.length);
    this.buf.set(b, old);
  }
}

export type StringValue = string | RawString;

let scratch = Buffer.allocUnsafe(4096);

function scratchFor(n: number): Buffer {
  if (scratch.length < n) scratch = Buffer.allocUnsafe(Math.max(n, scratch.length * 2));
  return scratch;
}

/** Build a compact string from bytes [s, e) of `src` with the given LRU word. */
export function compactFromBytes(src: Uint8Array, s: number, e: number, lru: number): string {
  const n = e - s;
  const b = scratchFor(n + META_CHARS);
  b.set(src.subarray(s, e), 0);
  b[n] = (lru >>> 16) & 0xff;
  b[n + 1] = (lru >>> 8) & 0xff;
  b[n + 2] = lru & 0xff;
  return b.latin1Slice(0, n + META_CHARS);
}

/** Build a compact string from a latin1 string (e.g. a formatted number). */
export function compactFromString(text: string, lru: number): string {
  // Through the scratch buffer: `text + suffix` would make a V8 cons string, which is larger
  // and flattened later anyway.
  const n = text.length;
  const b = scratchFor(n + META_CHARS);
  b.latin1Write(text, 0, n);
  b[n] = (lru >>> 16) & 0xff;
  b[n + 1] = (lru >>> 8) & 0xff;
  b[n + 2] = lru & 0xff;
  return b.latin1Slice(0, n + META_CHARS);
}

/** The same compact string with another LRU word. */
export function withLru(v: string, lru: number): string {
  const n = v.length - META_CHARS;
  const b = scratchFor(v.length);
  b.latin1Write(v, 0, n);
  b[n] = (lru >>> 16) & 0xff;
  b[n + 1] = (lru >>> 8) & 0xff;
  b[n + 2] = lru & 0xff;
  return b.latin1Slice(0, v.length);
}

export function compactLru(v: string): number {
  const n = v.length;
  return (v.charCodeAt(n - 3) << 16) | (v.charCodeAt(n - 2) << 8) | v.charCodeAt(n - 1);
}

export function valueLru(v: RedisValue): number {
  return typeof v === 'string' ? compactLru(v) : v.lru;
}

/** Length in bytes of a string value. */
export function strLen(v: StringValue): number {
  return typeof v === 'string' ? v.length - META_CHARS : v.len;
}

/** The bytes of a string value as a latin1 JS string (allocates for compact values). */
export function strText(v: StringValue): string {
  return typeof v === 'string' ? v.slice(0, v.length - META_CHARS) : v.buf.latin1Slice(0, v.len);
}

/** The bytes of a string value as a Buffer (a copy for compact values, a view for raw). */
export function strBytes(v: StringValue): Buffer {
  return typeof v === 'string' ? Buffer.from(v.slice(0, v.length - META_CHARS), 'latin1') : v.buf.subarray(0, v.len);
}

export function isStringValue(v: RedisValue): v is StringValue {
  return typeof v === 'string' || v.type === 'string';
}

/** Largest string Redis keeps as embstr. */
const EMBSTR_MAX = 44;

/** OBJECT ENCODING of a compact string: int when it is a canonical int64, else by length. */
export function compactEncoding(v: string): string {
  const n = v.length - META_CHARS;
  if (n <= 20 && n > 0 && isCanonicalInt(v, n)) return 'int';
  return n <= EMBSTR_MAX ? 'embstr' : 'raw';
}

function isCanonicalInt(v: string, n: number): boolean {
  let p = 0;
  if (v.charCodeAt(0) === 0x2d) {
    if (n === 1) return false;
    p = 1;
  }
  const f = v.charCodeAt(p);
  if (f === 0x30) return n === 1;
  if (f < 0x31 || f > 0x39) return false;
  for (let i = p + 1; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  if (n - p < 19) return true;
  const big = BigInt(v.slice(0, n));
  return big >= -(2n ** 63n) && big <= 2n ** 63n - 1n;
}

export function encodingOf(v: RedisValue): string {
  return typeof v === 'string' ? compactEncoding(v) : v.encoding();
}
