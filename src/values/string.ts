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

  /** Make room for n bytes without changing the length (greedy, like sdsMakeRoomFor). */
  reserve(n: number): void {
    if (n <= this.buf.length) return;
    const nb = Buffer.allocUnsafe(greedyCapacity(n));
    this.buf.copy(nb, 0, 0, this.len);
    this.buf = nb;
  }

  /** Grow to at least n bytes, zero-filling new bytes (SETRANGE/SETBIT semantics). */
  resize(n: number): void {
    if (n <= this.len) return;
    this.reserve(n);
    this.buf.fill(0, this.len, n);
    this.len = n;
  }

  append(b: Uint8Array): void {
    this.reserve(this.len + b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  /**
   * A mutable copy of any string value with room for `capacity` bytes (Redis's
   * dbUnshareStringValue followed by sdsMakeRoomFor: the edit that follows does not
   * reallocate).
   */
  static from(v: StringValue, lru: number, capacity: number): RawString {
    const r = new RawString(EMPTY, lru, 0);
    const n = strLen(v);
    r.buf = Buffer.allocUnsafe(Math.max(capacity, n));
    if (typeof v === 'string') r.buf.latin1Write(v, 0, n);
    else v.buf.copy(r.buf, 0, 0, n);
    r.len = n;
    return r;
  }
}

const EMPTY = Buffer.alloc(0);

/** Redis's sdsMakeRoomFor greedy growth: double below 1MB, then +1MB. */
export function greedyCapacity(n: number): number {
  return n < 1024 * 1024 ? n * 2 : n + 1024 * 1024;
}

export type StringValue = string | RawString;

let scratch = Buffer.allocUnsafe(4096);

function scratchFor(n: number): Buffer {
  if (scratch.length < n) scratch = Buffer.allocUnsafe(Math.max(n, scratch.length * 2));
  return scratch;
}

/**
 * Build a compact string from bytes [s, e) of `src` with the given LRU word.
 *
 * Hot path (every SET). When `src` has 3 bytes after the value (in a request buffer, the
 * CRLF and whatever follows), the LRU word is written there for the one latin1Slice that
 * makes the string and the bytes are put back at once: no copy through a scratch buffer.
 * Nothing else can observe `src` in between (one thread, no await).
 */
export function compactFromBytes(src: Buffer, s: number, e: number, lru: number): string {
  if (e + META_CHARS <= src.length) {
    const b0 = src[e] as number;
    const b1 = src[e + 1] as number;
    const b2 = src[e + 2] as number;
    src[e] = (lru >>> 16) & 0xff;
    src[e + 1] = (lru >>> 8) & 0xff;
    src[e + 2] = lru & 0xff;
    const out = src.latin1Slice(s, e + META_CHARS);
    src[e] = b0;
    src[e + 1] = b1;
    src[e + 2] = b2;
    return out;
  }
  const n = e - s;
  const b = scratchFor(n + META_CHARS);
  src.copy(b, 0, s, e);
  b[n] = (lru >>> 16) & 0xff;
  b[n + 1] = (lru >>> 8) & 0xff;
  b[n + 2] = lru & 0xff;
  return b.latin1Slice(0, n + META_CHARS);
}

/** Longest string V8 builds flat on concatenation (ConsString::kMinLength is 13). */
const FLAT_CONCAT_MAX = 12;
let suffixLru = -1;
let suffixChars = '';

/** The 3 LRU chars of a compact string (cached: the word changes at most once a second). */
function lruSuffix(lru: number): string {
  if (lru !== suffixLru) {
    suffixChars = String.fromCharCode((lru >>> 16) & 0xff, (lru >>> 8) & 0xff, lru & 0xff);
    suffixLru = lru;
  }
  return suffixChars;
}

/**
 * A compact string holding the decimal text of a safe integer (INCR's result). Short results
 * are concatenated, which V8 copies into a flat string (measured ~4x cheaper than going
 * through the scratch Buffer); longer ones would become cons strings, so they take the
 * Buffer route.
 */
export function compactFromInt(v: number, lru: number): string {
  const text = String(v);
  if (text.length + META_CHARS <= FLAT_CONCAT_MAX) return text + lruSuffix(lru);
  return compactFromString(text, lru);
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

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** Up to this many digits a decimal is a safe JS integer. */
const SAFE_DIGITS = 15;

/**
 * Chars [0, n) of a latin1 string as a strict int64 (Redis's string2ll: optional '-', no
 * '+', no spaces, no leading zeros, "-0" refused): a number when safe, a bigint beyond 2^53,
 * null when not an integer in range.
 */
export function parseIntChars(s: string, n: number): number | bigint | null {
  if (n === 0 || n > 20) return null;
  let p = 0;
  let neg = false;
  if (s.charCodeAt(0) === 0x2d) {
    if (n === 1) return null;
    neg = true;
    p = 1;
  }
  const first = s.charCodeAt(p);
  if (first === 0x30) return n === 1 ? 0 : null;
  if (first < 0x31 || first > 0x39) return null;
  if (n - p <= SAFE_DIGITS) {
    let v = 0;
    for (; p < n; p++) {
      const c = s.charCodeAt(p) - 0x30;
      if (c < 0 || c > 9) return null;
      v = v * 10 + c;
    }
    return neg ? -v : v;
  }
  for (let i = p; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return null;
  }
  const big = BigInt(s.slice(0, n));
  if (big < INT64_MIN || big > INT64_MAX) return null;
  const asNum = Number(big);
  return Number.isSafeInteger(asNum) ? asNum : big;
}

/** A string value as a strict int64 (see parseIntChars); null when it is not one. */
export function strToInt64(v: StringValue): number | bigint | null {
  if (typeof v === 'string') return parseIntChars(v, v.length - META_CHARS);
  if (v.len > 20) return null;
  return parseIntChars(v.buf.latin1Slice(0, v.len), v.len);
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
