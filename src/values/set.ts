/**
 * RedisSet: the set value, in Redis 7.0's two encodings.
 *
 * - 'intset': every member is an int64 in canonical form (string2ll accepts it: no '+', no
 *   leading zeros, no "-0") and there are at most set-max-intset-entries of them. Kept sorted
 *   in a packed string (structures/intset.ts), so SMEMBERS/SSCAN list them in ascending order
 *   as Redis does.
 * - 'hashtable': a StrDict of the members (structures/dict.ts).
 *
 * A set is created as an intset when its first member is an integer (setTypeCreate), and
 * converts to a hashtable when a non-integer member arrives or the intset grows past
 * set-max-intset-entries; it never converts back. Redis 7.2's 'listpack' set encoding does not
 * exist in 7.0, so the set-max-listpack-* directives (accepted for 7.2 configs) have no effect.
 *
 * Memory (Node 20 x64, heapUsed + arrayBuffers after two gcs; Redis 7.0.15 used_memory delta):
 * one set of 100,000 members "member:<i>": Cinnabar 54 B/member, Redis 63 B/member; an intset
 * of 512 small integers: Cinnabar ~1,120 B per value, Redis 1,328 B (MEMORY USAGE, key included).
 *
 * Imports only from values/.
 */
import type { RedisObject } from './types.js';
import { StrDict } from './structures/dict.js';
import {
  intsetGet,
  intsetInsertAt,
  intsetRemoveAt,
  intsetSearch,
  intsetUpgrade,
  parseInt64Parts,
  widthFor,
  type Int64Parts,
} from './structures/intset.js';

/** The encoding thresholds a set obeys (Keyspace.encoding's set fields). */
export interface SetLimits {
  readonly setMaxIntsetEntries: number;
}

const parts: Int64Parts = { hi: 0, lo: 0 };

/** The member's int64 halves in `parts`, or false when it is not a canonical int64. */
function asInt(member: string): boolean {
  return parseInt64Parts(member, parts);
}

export class RedisSet implements RedisObject {
  readonly type = 'set' as const;
  lru: number;
  /** Packed intset while the encoding is 'intset', else null. */
  private is: string | null;
  /** Element width of the intset (2, 4 or 8). */
  private iw: number;
  private dict: StrDict | null;

  private constructor(lru: number, dict: StrDict | null) {
    this.lru = lru;
    this.is = dict === null ? '' : null;
    this.iw = 2;
    this.dict = dict;
  }

  /** A new empty set of the encoding Redis would pick for this first member (setTypeCreate). */
  static forMember(member: string, lru: number): RedisSet {
    return asInt(member) ? new RedisSet(lru, null) : new RedisSet(lru, new StrDict(false));
  }

  /** An empty intset-encoded set (the start of SINTERSTORE/SUNIONSTORE/SDIFFSTORE results). */
  static emptyIntset(lru: number): RedisSet {
    return new RedisSet(lru, null);
  }

  /**
   * A set from an intset's element bytes (`width` bytes each, ascending; RDB loading), made a
   * hashtable when it holds more than set-max-intset-entries, as Redis converts on load.
   */
  static fromIntset(data: string, width: number, lru: number, limits: SetLimits): RedisSet {
    const s = new RedisSet(lru, null);
    s.is = data;
    s.iw = width;
    if (s.size > limits.setMaxIntsetEntries) s.toHashtable();
    return s;
  }

  /** The element bytes and width while the encoding is 'intset', else null (RDB saving). */
  intsetParts(): { data: string; width: number } | null {
    return this.is === null ? null : { data: this.is, width: this.iw };
  }

  encoding(): string {
    return this.is !== null ? 'intset' : 'hashtable';
  }

  get size(): number {
    return this.is !== null ? this.is.length / this.iw : (this.dict as StrDict).size;
  }

  clone(lru: number): RedisSet {
    const s = new RedisSet(lru, this.dict === null ? null : this.dict.clone());
    s.is = this.is;
    s.iw = this.iw;
    return s;
  }

  has(member: string): boolean {
    if (this.is !== null) return asInt(member) && widthFor(parts) <= this.iw && intsetSearch(this.is, this.iw, parts) >= 0;
    return (this.dict as StrDict).has(member);
  }

  /** Add a member (setTypeAdd); converts the encoding as Redis does. Returns whether it was new. */
  add(member: string, limits: SetLimits): boolean {
    if (this.is !== null) {
      if (asInt(member)) {
        let s = this.is;
        const need = widthFor(parts);
        if (need > this.iw) {
          s = intsetUpgrade(s, this.iw, need);
          this.iw = need;
        }
        const at = intsetSearch(s, this.iw, parts);
        if (at >= 0) {
          this.is = s;
          return false;
        }
        this.is = intsetInsertAt(s, this.iw, -at - 1, parts);
        if (this.size > limits.setMaxIntsetEntries) this.toHashtable();
        return true;
      }
      this.toHashtable();
    }
    return (this.dict as StrDict).add(member);
  }

  remove(member: string): boolean {
    if (this.is !== null) {
      if (!asInt(member) || widthFor(parts) > this.iw) return false;
      const at = intsetSearch(this.is, this.iw, parts);
      if (at < 0) return false;
      this.is = intsetRemoveAt(this.is, this.iw, at);
      return true;
    }
    return (this.dict as StrDict).delete(member);
  }

  private toHashtable(): void {
    const s = this.is as string;
    const n = s.length / this.iw;
    const d = new StrDict(false, n + 1);
    for (let i = 0; i < n; i++) {
      const m = intsetGet(s, this.iw, i);
      d.addNew(m, m);
    }
    this.dict = d;
    this.is = null;
  }

  /** Member i, 0 <= i < size: ascending for an intset, dense-array order for a hashtable. */
  at(i: number): string {
    return this.is !== null ? intsetGet(this.is, this.iw, i) : (this.dict as StrDict).at(i);
  }

  /** Every member, in the order SMEMBERS lists them. */
  members(): string[] {
    if (this.dict !== null) return this.dict.ents.slice();
    const n = this.size;
    const out = new Array<string>(n);
    for (let i = 0; i < n; i++) out[i] = intsetGet(this.is as string, this.iw, i);
    return out;
  }

  /** Remove and return member i. */
  removeAt(i: number): string {
    if (this.is !== null) {
      const m = intsetGet(this.is, this.iw, i);
      this.is = intsetRemoveAt(this.is, this.iw, i);
      return m;
    }
    const d = this.dict as StrDict;
    const m = d.at(i);
    d.removeAt(i);
    return m;
  }

  /**
   * One SSCAN step: an intset is small, so all of it is returned with cursor 0 (as Redis does
   * for its compact encodings); a hashtable goes bucket by bucket.
   */
  scan(cursor: number, count: number, out: string[]): number {
    if (this.is !== null) {
      const n = this.size;
      for (let i = 0; i < n; i++) out.push(intsetGet(this.is, this.iw, i));
      return 0;
    }
    return (this.dict as StrDict).scan(cursor, count, 1, out);
  }
}
