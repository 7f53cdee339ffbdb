/**
 * StrDict: the 'hashtable' encoding of sets and hashes — a chained hash table over dense
 * arrays, holding latin1 strings.
 *
 * Why not a JS Map/Set: measured on Node 20 (x64), a Map<string, string> of 100,000 fields
 * costs ~101 B/field against Redis's ~75, and a Map cannot give a random element in O(1)
 * (SPOP, SRANDMEMBER, HRANDFIELD) nor a stateless SCAN cursor. Here:
 *
 *   - each element is ONE string: a set member as is; a hash field and its value packed as
 *     varint(field length) + field + value, so a hash pays one string header per field, not two;
 *   - elements sit in a dense array (`ents`, index 0..size-1): a random element is one random
 *     index (uniform, fairer than Redis's dictGetFairRandomKey), and deletion moves the last
 *     element into the hole;
 *   - buckets are chains of indexes through Int32Arrays (`heads` per bucket; per element its
 *     cached 32-bit hash and chain link side by side in `links`, one cache line for both),
 *     with Redis's sizing: the bucket count is a power of two, doubled when elements outnumber
 *     buckets, shrunk when under 10% full;
 *   - SCAN walks buckets with Redis's reverse-binary cursor (dictScan), so it keeps Redis's
 *     guarantee — every element present for the whole iteration is returned at least once,
 *     across any number of resizes — with no per-cursor state. Moving elements between dense
 *     slots does not matter: buckets are defined by hashes.
 *
 * Unlike Redis there is no incremental rehash: a resize relinks every element at once
 * (~10 ms per million elements).
 *
 * Hashing: seeded FNV-1a over the chars with a murmur3 finalizer; the seed is random per
 * process, so bucket order (and so SCAN order) differs between runs, as with Redis's siphash.
 *
 * Imports nothing from src/.
 */

const MIN_BUCKETS = 4;
const MIN_CAPACITY = 8;
/** Redis's HASHTABLE_MIN_FILL: shrink when less than 10% of the buckets would be used. */
const MIN_FILL_PERCENT = 10;

const SEED = (Math.random() * 0x100000000) | 0;

/** 32-bit hash of s[start, end). */
export function hashChars(s: string, start: number, end: number): number {
  let h = SEED ^ 0x811c9dc5;
  for (let i = start; i < end; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** Reverse the bits of a 32-bit value (for the SCAN cursor). */
function rev32(v: number): number {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  v = (v >>> 16) | (v << 16);
  return v >>> 0;
}

// ---- packed pairs: varint(field length) + field + value ------------------------------------

/** Where the field starts in a packed pair; set by pairFieldLen(). */
let fieldStart = 0;

/** Length of the field of a packed pair; also sets `fieldStart`. */
function pairFieldLen(e: string): number {
  let c = e.charCodeAt(0);
  if (c < 0x80) {
    fieldStart = 1;
    return c;
  }
  let len = c & 0x7f;
  let mul = 0x80;
  let p = 1;
  do {
    c = e.charCodeAt(p++);
    len += (c & 0x7f) * mul;
    mul *= 0x80;
  } while (c >= 0x80);
  fieldStart = p;
  return len;
}

let scratch = Buffer.allocUnsafe(256);

/** Pack a field and its value into one string. */
export function packPair(field: string, value: string): string {
  const need = field.length + value.length + 5;
  if (scratch.length < need) scratch = Buffer.allocUnsafe(Math.max(need, scratch.length * 2));
  let o = 0;
  let n = field.length;
  while (n >= 0x80) {
    scratch[o++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 0x80);
  }
  scratch[o++] = n;
  o += scratch.latin1Write(field, o, field.length);
  o += scratch.latin1Write(value, o, value.length);
  return scratch.latin1Slice(0, o);
}

export function pairField(e: string): string {
  const n = pairFieldLen(e);
  return e.slice(fieldStart, fieldStart + n);
}

export function pairValue(e: string): string {
  const n = pairFieldLen(e);
  return e.slice(fieldStart + n);
}

export function pairValueLen(e: string): number {
  const n = pairFieldLen(e);
  return e.length - fieldStart - n;
}

// ---- the table -------------------------------------------------------------------------------

export class StrDict {
  /** True: elements are packed (field, value) pairs keyed by field; false: plain members. */
  readonly pairs: boolean;
  /** Dense elements, 0..size-1. */
  ents: string[] = [];
  /** Element i's hash at 2i and the next element of its bucket chain (-1: none) at 2i+1. */
  private links: Int32Array;
  private heads: Int32Array;
  private mask: number;
  /** Hash of the key of the last indexOf(), for addAfterMiss(). */
  private lastHash = 0;

  constructor(pairs: boolean, expected = 0) {
    this.pairs = pairs;
    const cap = Math.max(MIN_CAPACITY, expected);
    this.links = new Int32Array(cap * 2);
    let nb = MIN_BUCKETS;
    while (nb < expected) nb *= 2;
    this.heads = new Int32Array(nb).fill(-1);
    this.mask = nb - 1;
  }

  get size(): number {
    return this.ents.length;
  }

  /** Number of buckets (for tests and DEBUG). */
  get bucketCount(): number {
    return this.mask + 1;
  }

  private keyHash(key: string): number {
    return hashChars(key, 0, key.length);
  }

  private matches(e: string, key: string): boolean {
    if (!this.pairs) return e === key;
    const n = pairFieldLen(e);
    return n === key.length && e.startsWith(key, fieldStart);
  }

  /** Index of the element with this key (member or field), or -1. */
  indexOf(key: string): number {
    const h = this.keyHash(key);
    this.lastHash = h;
    const links = this.links;
    const ents = this.ents;
    for (let i = this.heads[h & this.mask] as number; i >= 0; i = links[2 * i + 1] as number) {
      if (links[2 * i] === h && this.matches(ents[i] as string, key)) return i;
    }
    return -1;
  }

  has(key: string): boolean {
    return this.indexOf(key) >= 0;
  }

  at(i: number): string {
    return this.ents[i] as string;
  }

  /** Replace element i by one with the same key (a hash field's new value). */
  replaceAt(i: number, e: string): void {
    this.ents[i] = e;
  }

  /**
   * Add an element whose key is known to be absent; `key` is the member or field, `e` the
   * element (the member itself, or packPair(field, value)).
   */
  addNew(key: string, e: string): void {
    this.insert(this.keyHash(key), e);
  }

  /** Add element e right after indexOf(its key) returned -1 (saves hashing the key twice). */
  addAfterMiss(e: string): void {
    this.insert(this.lastHash, e);
  }

  private insert(h: number, e: string): void {
    const i = this.ents.length;
    if (2 * i === this.links.length) this.resizeArrays(Math.floor(i * 1.5) + 1);
    this.ents.push(e);
    const b = h & this.mask;
    this.links[2 * i] = h;
    this.links[2 * i + 1] = this.heads[b] as number;
    this.heads[b] = i;
    if (i + 1 > this.mask + 1) this.rehash((this.mask + 1) * 2);
  }

  /** Add a member if absent (sets). Returns whether it was added. */
  add(member: string): boolean {
    if (this.indexOf(member) >= 0) return false;
    this.insert(this.lastHash, member);
    return true;
  }

  /** Remove the element with this key; returns whether it existed. */
  delete(key: string): boolean {
    const i = this.indexOf(key);
    if (i < 0) return false;
    this.removeAt(i);
    return true;
  }

  /** Remove element i (the last element moves into its slot). */
  removeAt(i: number): void {
    this.unlink(i);
    const last = this.ents.length - 1;
    if (i !== last) {
      // Point whoever referred to `last` at `i`, then move it.
      const links = this.links;
      const b = (links[2 * last] as number) & this.mask;
      if (this.heads[b] === last) {
        this.heads[b] = i;
      } else {
        let p = this.heads[b] as number;
        while (links[2 * p + 1] !== last) p = links[2 * p + 1] as number;
        links[2 * p + 1] = i;
      }
      this.ents[i] = this.ents[last] as string;
      links[2 * i] = links[2 * last] as number;
      links[2 * i + 1] = links[2 * last + 1] as number;
    }
    this.ents.pop();
    const size = this.ents.length;
    const nb = this.mask + 1;
    if (nb > MIN_BUCKETS && (size * 100) / nb < MIN_FILL_PERCENT) {
      let want = MIN_BUCKETS;
      while (want < size) want *= 2;
      this.rehash(want);
    }
    if (this.links.length > MIN_CAPACITY * 4 && size < this.links.length / 8) {
      this.resizeArrays(Math.max(MIN_CAPACITY, size * 2));
    }
  }

  /** Take element i out of its bucket chain. */
  private unlink(i: number): void {
    const links = this.links;
    const b = (links[2 * i] as number) & this.mask;
    if (this.heads[b] === i) {
      this.heads[b] = links[2 * i + 1] as number;
      return;
    }
    let p = this.heads[b] as number;
    while (links[2 * p + 1] !== i) p = links[2 * p + 1] as number;
    links[2 * p + 1] = links[2 * i + 1] as number;
  }

  private resizeArrays(cap: number): void {
    const l = new Int32Array(cap * 2);
    l.set(this.links.subarray(0, 2 * Math.min(cap, this.ents.length)));
    this.links = l;
  }

  /** Relink every element into `nb` buckets. */
  private rehash(nb: number): void {
    const heads = new Int32Array(nb).fill(-1);
    const mask = nb - 1;
    const links = this.links;
    // Walk backwards so each chain keeps ascending index order (not required, just tidy).
    for (let i = this.ents.length - 1; i >= 0; i--) {
      const b = (links[2 * i] as number) & mask;
      links[2 * i + 1] = heads[b] as number;
      heads[b] = i;
    }
    this.heads = heads;
    this.mask = mask;
  }

  /**
   * One SCAN call (Redis's dictScan loop): emit the elements of buckets from `cursor` on,
   * in reverse-binary order, until at least `count` were emitted or `maxBuckets` buckets were
   * visited. `weight` is how many reply elements one element counts for (2 for a hash:
   * Redis counts field and value). Returns the next cursor, 0 when the iteration is complete.
   */
  scan(cursor: number, count: number, weight: number, out: string[]): number {
    let v = cursor >>> 0;
    let emitted = 0;
    let buckets = count * 10;
    do {
      const mask = this.mask;
      for (let i = this.heads[v & mask] as number; i >= 0; i = this.links[2 * i + 1] as number) {
        out.push(this.ents[i] as string);
        emitted += weight;
      }
      // Set the unmasked bits, increment the reversed cursor, reverse back.
      v = rev32((v | ~mask) >>> 0) + 1;
      if (v > 0xffffffff) return 0;
      v = rev32(v);
    } while (v !== 0 && buckets-- > 0 && emitted < count);
    return v;
  }

  clone(): StrDict {
    const d = new StrDict(this.pairs, 0);
    d.ents = this.ents.slice();
    d.links = this.links.slice();
    d.heads = this.heads.slice();
    d.mask = this.mask;
    return d;
  }
}
