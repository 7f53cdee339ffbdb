/**
 * Argv: the arguments of one request, as offsets into the bytes they arrived in.
 *
 * The parser fills one Argv per connection and reuses it for every command, so the hot path
 * allocates no per-argument Buffer views: handlers pull what they need (`str()` for a latin1
 * string to key a Map, `bytes()` for a zero-copy view, `int()` without any string at all).
 * An Argv is only valid until the parser is fed again; code that keeps a command for later
 * (MULTI queue, blocked client, AOF) takes `clone()`, which owns its bytes.
 *
 * Imports nothing from the rest of src/.
 */

const UPPER_TO_LOWER = 0x20;

export class Argv {
  buf: Buffer;
  argc = 0;
  // Float64Array rather than Int32Array: a request may span more than 2 GB of input.
  starts: Float64Array;
  ends: Float64Array;

  constructor(buf: Buffer = EMPTY, capacity = 16) {
    this.buf = buf;
    this.starts = new Float64Array(capacity);
    this.ends = new Float64Array(capacity);
  }

  /** Make room for `n` arguments (only ever grows). */
  reserve(n: number): void {
    if (n <= this.starts.length) return;
    let cap = this.starts.length * 2;
    while (cap < n) cap *= 2;
    const s = new Float64Array(cap);
    const e = new Float64Array(cap);
    s.set(this.starts);
    e.set(this.ends);
    this.starts = s;
    this.ends = e;
  }

  push(start: number, end: number): void {
    if (this.argc === this.starts.length) this.reserve(this.argc + 1);
    this.starts[this.argc] = start;
    this.ends[this.argc] = end;
    this.argc++;
  }

  len(i: number): number {
    return (this.ends[i] as number) - (this.starts[i] as number);
  }

  /** The argument as a latin1 string: a lossless 1:1 view of the bytes, used as a Map key. */
  str(i: number): string {
    return this.buf.latin1Slice(this.starts[i] as number, this.ends[i] as number);
  }

  /** A zero-copy view; valid only while this Argv is. */
  bytes(i: number): Buffer {
    return this.buf.subarray(this.starts[i] as number, this.ends[i] as number);
  }

  /** Case-insensitive comparison with an ASCII token given in UPPER case (e.g. 'NX'). */
  is(i: number, upperToken: string): boolean {
    const s = this.starts[i] as number;
    const n = (this.ends[i] as number) - s;
    if (n !== upperToken.length) return false;
    const b = this.buf;
    for (let j = 0; j < n; j++) {
      let c = b[s + j] as number;
      if (c >= 0x61 && c <= 0x7a) c -= UPPER_TO_LOWER;
      if (c !== upperToken.charCodeAt(j)) return false;
    }
    return true;
  }

  /** The argument lower-cased, for table look-ups of subcommands and options. */
  lower(i: number): string {
    return this.str(i).toLowerCase();
  }

  /**
   * Parse as a signed 64-bit integer with Redis's strictness (no spaces, no '+', no leading
   * zeros, optional '-'). Returns a JS number when the value is a safe integer, a bigint when
   * it is a valid int64 beyond 2^53, and null when it is not an integer in range.
   */
  int(i: number): number | bigint | null {
    return parseInt64(this.buf, this.starts[i] as number, this.ends[i] as number);
  }

  /** Like int() but only accepts values that are safe JS integers; null otherwise. */
  safeInt(i: number): number | null {
    const v = parseInt64(this.buf, this.starts[i] as number, this.ends[i] as number);
    return typeof v === 'number' ? v : null;
  }

  /** A copy that owns its bytes, for commands kept past the current read. */
  clone(): Argv {
    let total = 0;
    for (let i = 0; i < this.argc; i++) total += this.len(i);
    const out = Buffer.allocUnsafe(total);
    const copy = new Argv(out, Math.max(4, this.argc));
    let off = 0;
    for (let i = 0; i < this.argc; i++) {
      const s = this.starts[i] as number;
      const e = this.ends[i] as number;
      this.buf.copy(out, off, s, e);
      copy.push(off, off + (e - s));
      off += e - s;
    }
    return copy;
  }

  /** The arguments as latin1 strings (for logs, MONITOR, errors; not the hot path). */
  toStrings(from = 0): string[] {
    const r: string[] = [];
    for (let i = from; i < this.argc; i++) r.push(this.str(i));
    return r;
  }

  static fromStrings(args: readonly (string | Buffer)[]): Argv {
    const bufs = args.map((a) => (typeof a === 'string' ? Buffer.from(a, 'latin1') : a));
    const total = bufs.reduce((n, b) => n + b.length, 0);
    const out = Buffer.allocUnsafe(total);
    const argv = new Argv(out, Math.max(4, bufs.length));
    let off = 0;
    for (const b of bufs) {
      b.copy(out, off);
      argv.push(off, off + b.length);
      off += b.length;
    }
    return argv;
  }
}

const EMPTY = Buffer.alloc(0);
const MAX_SAFE_DIGITS = 15;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Redis's string2ll over bytes: strict decimal int64. */
export function parseInt64(b: Buffer | Uint8Array, s: number, e: number): number | bigint | null {
  const n = e - s;
  if (n === 0 || n > 20) return null;
  let p = s;
  let neg = false;
  if (b[p] === 0x2d) {
    neg = true;
    p++;
    if (p === e) return null;
  }
  const first = b[p] as number;
  if (first === 0x30) return n === 1 ? 0 : null; // "0" only; "-0" and "01" are invalid
  if (first < 0x31 || first > 0x39) return null;
  const digits = e - p;
  if (digits <= MAX_SAFE_DIGITS) {
    let v = 0;
    for (; p < e; p++) {
      const c = (b[p] as number) - 0x30;
      if (c < 0 || c > 9) return null;
      v = v * 10 + c;
    }
    return neg ? -v : v;
  }
  let v = 0n;
  for (; p < e; p++) {
    const c = (b[p] as number) - 0x30;
    if (c < 0 || c > 9) return null;
    v = v * 10n + BigInt(c);
  }
  if (neg) v = -v;
  if (v < INT64_MIN || v > INT64_MAX) return null;
  const asNum = Number(v);
  return Number.isSafeInteger(asNum) ? asNum : v;
}

/** string2ll for a JS latin1 string. */
export function parseInt64Str(str: string): number | bigint | null {
  const n = str.length;
  if (n === 0 || n > 20) return null;
  if (n <= MAX_SAFE_DIGITS) {
    let p = 0;
    let neg = false;
    if (str.charCodeAt(0) === 0x2d) {
      neg = true;
      p = 1;
      if (n === 1) return null;
    }
    const first = str.charCodeAt(p);
    if (first === 0x30) return n === 1 ? 0 : null;
    if (first < 0x31 || first > 0x39) return null;
    let v = 0;
    for (; p < n; p++) {
      const c = str.charCodeAt(p) - 0x30;
      if (c < 0 || c > 9) return null;
      v = v * 10 + c;
    }
    return neg ? -v : v;
  }
  return parseInt64(Buffer.from(str, 'latin1'), 0, n);
}
