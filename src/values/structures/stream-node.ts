/**
 * StreamNode: one run of consecutive stream entries, the counterpart of one listpack in
 * Redis's radix tree of listpacks (t_stream.c).
 *
 * A node starts with a "master entry": the field names of its first entry. Later entries with
 * exactly those fields store only their values (the SAMEFIELDS flag), as Redis compresses
 * them. Entries are never moved: XDEL and trimming inside a node only flag an entry deleted
 * (a tombstone that keeps counting against the node's size), and a node goes away when its
 * last live entry does. IDs are kept whole (four uint32 words each) rather than as deltas, so
 * a seek is a binary search over the node.
 *
 * The node also keeps, to the byte, the size the equivalent Redis listpack would have
 * (`bytes`): XADD opens a new node when stream-node-max-bytes would be exceeded, and trimming
 * with `~` removes whole nodes only, so matching Redis's node boundaries is what makes
 * approximate trimming, LIMIT and XINFO's radix-tree counters answer exactly as Redis does.
 * The same layout is what an RDB writer emits as the node's listpack.
 *
 * Memory: while a node is the stream's tail, its strings sit in an array (short integers as
 * numbers); once a newer node starts, entries can no longer be added to it and `seal()` packs
 * all its strings into one latin1 string with an offset table, and trims the typed arrays to
 * size. A sealed entry then costs its bytes plus ~25 bytes of IDs, flags and offsets, instead
 * of a heap string per field and value.
 *
 * Imports nothing from src/ beyond stream-id.
 */
import { cmpIdWords, lpDeltaSize, lpIntSize, lpStrSize, readIdWords, writeIdWords, type StreamID } from './stream-id.js';

export const ENTRY_DELETED = 1;
export const ENTRY_SAMEFIELDS = 2;

/** Listpack header (total bytes + element count) and end marker. */
const LP_OVERHEAD = 7;
const MIN_CAPACITY = 4;

export class StreamNode {
  /** ID of the node's first entry: the radix-tree key in Redis. */
  readonly master: StreamID;
  /** Field names of the master entry. */
  readonly fields: readonly string[];
  /** Live entries. */
  count = 0;
  /** Tombstones. */
  deleted = 0;
  /** Entries stored, live or not (count + deleted). */
  n = 0;
  ids: Uint32Array;
  flags: Uint8Array;
  /** starts[i]..starts[i+1]: entry i's strings (values only, or field/value pairs), numbered in order. */
  starts: Uint32Array;
  /** The strings of an open node; short canonical integers are kept as numbers (see pack). */
  private data: (string | number)[] | null = [];
  /** A sealed node's strings, back to back: string k is blob[offs[k]..offs[k+1]). */
  private blob = '';
  private offs: Uint32Array | null = null;
  /** Listpack bytes of everything but the count and deleted counters. */
  private fixedBytes: number;

  constructor(master: StreamID, fields: readonly string[]) {
    this.master = master;
    this.fields = fields;
    this.ids = new Uint32Array(MIN_CAPACITY * 4);
    this.flags = new Uint8Array(MIN_CAPACITY);
    this.starts = new Uint32Array(MIN_CAPACITY + 1);
    let b = lpIntSize(fields.length) + lpIntSize(0);
    for (const f of fields) b += lpStrSize(f);
    this.fixedBytes = b;
  }

  /** lpBytes() of the equivalent listpack. */
  get bytes(): number {
    return LP_OVERHEAD + lpIntSize(this.count) + lpIntSize(this.deleted) + this.fixedBytes;
  }

  private grow(): void {
    const cap = this.flags.length * 2;
    const ids = new Uint32Array(cap * 4);
    ids.set(this.ids);
    this.ids = ids;
    const flags = new Uint8Array(cap);
    flags.set(this.flags);
    this.flags = flags;
    const starts = new Uint32Array(cap + 1);
    starts.set(this.starts);
    this.starts = starts;
  }

  /** Append an entry; `fv` alternates field, value. The ID must be above every ID here. */
  append(id: StreamID, fv: readonly string[]): void {
    if (this.n === this.flags.length) this.grow();
    const numfields = fv.length >> 1;
    const mf = this.fields;
    let same = numfields === mf.length;
    for (let i = 0; same && i < numfields; i++) if (fv[i * 2] !== mf[i]) same = false;
    const i = this.n;
    writeIdWords(id, this.ids, i * 4);
    this.flags[i] = same ? ENTRY_SAMEFIELDS : 0;
    const m = this.master;
    // flags, ms delta, seq delta, [numfields, fields], values, lp-count
    let b = lpIntSize(ENTRY_SAMEFIELDS);
    b += lpDeltaSize(id.msHi, id.msLo, m.msHi, m.msLo) + lpDeltaSize(id.seqHi, id.seqLo, m.seqHi, m.seqLo);
    if (this.data === null) this.unseal();
    const data = this.data as (string | number)[];
    if (same) {
      for (let j = 0; j < numfields; j++) {
        const v = fv[j * 2 + 1] as string;
        data.push(pack(v));
        b += lpStrSize(v);
      }
      b += lpIntSize(numfields + 3);
    } else {
      b += lpIntSize(numfields);
      for (let j = 0; j < fv.length; j++) {
        const s = fv[j] as string;
        data.push(pack(s));
        b += lpStrSize(s);
      }
      b += lpIntSize(numfields * 2 + 4);
    }
    this.fixedBytes += b;
    this.n = i + 1;
    this.starts[i + 1] = data.length;
    this.count++;
  }

  idAt(i: number): StreamID {
    return readIdWords(this.ids, i * 4);
  }

  isDeleted(i: number): boolean {
    return ((this.flags[i] as number) & ENTRY_DELETED) !== 0;
  }

  /** Field/value count of entry i. */
  numFields(i: number): number {
    if (((this.flags[i] as number) & ENTRY_SAMEFIELDS) !== 0) return this.fields.length;
    return ((this.starts[i + 1] as number) - (this.starts[i] as number)) >> 1;
  }

  field(i: number, j: number): string {
    if (((this.flags[i] as number) & ENTRY_SAMEFIELDS) !== 0) return this.fields[j] as string;
    return this.str((this.starts[i] as number) + j * 2);
  }

  value(i: number, j: number): string {
    if (((this.flags[i] as number) & ENTRY_SAMEFIELDS) !== 0) return this.str((this.starts[i] as number) + j);
    return this.str((this.starts[i] as number) + j * 2 + 1);
  }

  /** String k of the node. */
  private str(k: number): string {
    if (this.data !== null) return unpack(this.data[k] as string | number);
    const offs = this.offs as Uint32Array;
    return this.blob.slice(offs[k] as number, offs[k + 1] as number);
  }

  /**
   * Back to an open node: a sealed node becomes the tail again when the node after it lost
   * its last entry, and XADD appends to it if the (possibly reconfigured) limits allow.
   */
  private unseal(): void {
    const offs = this.offs as Uint32Array;
    const data: (string | number)[] = [];
    for (let k = 0; k + 1 < offs.length; k++) data.push(pack(this.blob.slice(offs[k] as number, offs[k + 1] as number)));
    this.data = data;
    this.blob = '';
    this.offs = null;
  }

  /** No more appends: pack the strings into one and drop the spare capacity. */
  seal(): void {
    const data = this.data;
    if (data === null) return;
    const offs = new Uint32Array(data.length + 1);
    const parts: string[] = new Array<string>(data.length);
    let o = 0;
    for (let k = 0; k < data.length; k++) {
      const str = unpack(data[k] as string | number);
      parts[k] = str;
      offs[k] = o;
      o += str.length;
    }
    offs[data.length] = o;
    this.blob = parts.join('');
    this.offs = offs;
    this.data = null;
    const n = this.n;
    this.ids = this.ids.slice(0, n * 4);
    this.flags = this.flags.slice(0, n);
    this.starts = this.starts.slice(0, n + 1);
  }

  /** Flag entry i deleted (it must be live). The caller removes the node when count reaches 0. */
  markDeleted(i: number): void {
    this.flags[i] = (this.flags[i] as number) | ENTRY_DELETED;
    this.count--;
    this.deleted++;
  }

  /** First index whose ID >= id (n when none). */
  lowerBound(id: StreamID): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmpIdWords(id, this.ids, mid * 4) > 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Last index whose ID <= id (-1 when none). */
  upperIndex(id: StreamID): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmpIdWords(id, this.ids, mid * 4) >= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** A deep copy (COPY). Strings are immutable, so they are shared. */
  clone(): StreamNode {
    const c = new StreamNode(this.master, this.fields);
    c.count = this.count;
    c.deleted = this.deleted;
    c.n = this.n;
    c.ids = this.ids.slice();
    c.flags = this.flags.slice();
    c.starts = this.starts.slice();
    c.data = this.data === null ? null : this.data.slice();
    c.blob = this.blob;
    c.offs = this.offs;
    c.fixedBytes = this.fixedBytes;
    return c;
  }
}

/**
 * Keep a short canonical decimal integer ("0", "42", "-7"; at most 9 chars, so it is exact and
 * prints back identically) as a number: stream values are often numbers, and a small integer
 * in an array slot costs nothing beyond the slot, where each string is a heap object.
 */
function pack(s: string): string | number {
  const n = s.length;
  if (n === 0 || n > 9) return s;
  let p = s.charCodeAt(0) === 0x2d ? 1 : 0;
  if (p === n) return s;
  const first = s.charCodeAt(p);
  if (first === 0x30) return n === 1 ? 0 : s;
  if (first < 0x31 || first > 0x39) return s;
  for (p++; p < n; p++) {
    const c = s.charCodeAt(p);
    if (c < 0x30 || c > 0x39) return s;
  }
  return Number(s);
}

function unpack(v: string | number): string {
  return typeof v === 'number' ? String(v) : v;
}
