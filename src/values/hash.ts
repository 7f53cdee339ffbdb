/**
 * RedisHash: the hash value, in Redis 7.0's two encodings.
 *
 * - 'listpack': fields and values alternate in one packed string (structures/listpack.ts), in
 *   insertion order, as in Redis's listpack; look-ups scan it.
 * - 'hashtable': a StrDict whose elements pack each field with its value into one string
 *   (structures/dict.ts).
 *
 * A hash starts as a listpack and becomes a hashtable when a write brings a field or value
 * longer than hash-max-listpack-value, or the field count passes hash-max-listpack-entries
 * (Redis 7.0.15 checks the lengths on HSET, HSETNX, HINCRBY and HINCRBYFLOAT alike). It never
 * converts back.
 *
 * Memory, measured (Node 20 x64, `node --expose-gc`, heapUsed + arrayBuffers after two gcs;
 * Redis 7.0.15 with jemalloc, used_memory delta), fields "field:<i>" with values "value:<i>":
 *   one hash of 100,000 fields:  Cinnabar 64 B/field, Redis 75 B/field (a Map<string,string>
 *                                would be 101 B/field);
 *   100,000 hashes of 5 fields:  Cinnabar 199 B per hash value (object + packed listpack),
 *                                Redis ~130 B (robj + listpack); a Map per hash would be
 *                                ~590 B.
 * The hashtable's figure rests on packing field and value into one string: keeping them as two
 * strings would add a string header and an array slot per field (~96 B/field).
 *
 * Imports only from values/.
 */
import type { RedisObject } from './types.js';
import { packPair, pairField, pairValue, pairValueLen, StrDict } from './structures/dict.js';
import { lpAppend2, lpCut, lpData, lpFindField, lpGet, lpLen, lpNext, lpReplace } from './structures/listpack.js';

/** The encoding thresholds a hash obeys (Keyspace.encoding's hash fields). */
export interface HashLimits {
  readonly hashMaxListpackEntries: number;
  readonly hashMaxListpackValue: number;
}

/** Random access to a hash's fields by position, for HRANDFIELD. */
export interface HashView {
  readonly size: number;
  field(i: number): string;
  value(i: number): string;
}

class DictView implements HashView {
  constructor(private readonly d: StrDict) {}
  get size(): number {
    return this.d.size;
  }
  field(i: number): string {
    return pairField(this.d.at(i));
  }
  value(i: number): string {
    return pairValue(this.d.at(i));
  }
}

class ArrayView implements HashView {
  constructor(
    private readonly fields: string[],
    private readonly values: string[],
  ) {}
  get size(): number {
    return this.fields.length;
  }
  field(i: number): string {
    return this.fields[i] as string;
  }
  value(i: number): string {
    return this.values[i] as string;
  }
}

export class RedisHash implements RedisObject {
  readonly type = 'hash' as const;
  lru: number;
  /** The listpack while the encoding is 'listpack', else null. */
  private lp: string | null;
  /** Field count of the listpack. */
  private n: number;
  private dict: StrDict | null;

  constructor(lru: number) {
    this.lru = lru;
    this.lp = '';
    this.n = 0;
    this.dict = null;
  }

  encoding(): string {
    return this.lp !== null ? 'listpack' : 'hashtable';
  }

  get size(): number {
    return this.lp !== null ? this.n : (this.dict as StrDict).size;
  }

  clone(lru: number): RedisHash {
    const h = new RedisHash(lru);
    h.lp = this.lp;
    h.n = this.n;
    h.dict = this.dict === null ? null : this.dict.clone();
    return h;
  }

  get(field: string): string | undefined {
    const lp = this.lp;
    if (lp !== null) {
      const p = lpFindField(lp, field);
      return p < 0 ? undefined : lpGet(lp, lpNext(lp, p));
    }
    const d = this.dict as StrDict;
    const i = d.indexOf(field);
    return i < 0 ? undefined : pairValue(d.at(i));
  }

  has(field: string): boolean {
    if (this.lp !== null) return lpFindField(this.lp, field) >= 0;
    return (this.dict as StrDict).indexOf(field) >= 0;
  }

  /** Length of the field's value; 0 when the field is absent (HSTRLEN). */
  strlen(field: string): number {
    const lp = this.lp;
    if (lp !== null) {
      const p = lpFindField(lp, field);
      return p < 0 ? 0 : lpLen(lp, lpNext(lp, p));
    }
    const d = this.dict as StrDict;
    const i = d.indexOf(field);
    return i < 0 ? 0 : pairValueLen(d.at(i));
  }

  /** Set a field (hashTypeSet), converting the encoding as Redis does. Returns whether it is new. */
  set(field: string, value: string, limits: HashLimits): boolean {
    let lp = this.lp;
    if (lp !== null) {
      const max = limits.hashMaxListpackValue;
      if (field.length > max || value.length > max) {
        this.toHashtable();
        lp = null;
      } else {
        const p = lpFindField(lp, field);
        if (p >= 0) {
          const vp = lpNext(lp, p);
          this.lp = lpReplace(lp, vp, lpNext(lp, vp), value);
          return false;
        }
        this.lp = lpAppend2(lp, field, value);
        this.n++;
        if (this.n > limits.hashMaxListpackEntries) this.toHashtable();
        return true;
      }
    }
    const d = this.dict as StrDict;
    const i = d.indexOf(field);
    if (i >= 0) {
      d.replaceAt(i, packPair(field, value));
      return false;
    }
    d.addAfterMiss(packPair(field, value));
    return true;
  }

  delete(field: string): boolean {
    const lp = this.lp;
    if (lp !== null) {
      const p = lpFindField(lp, field);
      if (p < 0) return false;
      this.lp = lpCut(lp, p, lpNext(lp, lpNext(lp, p)));
      this.n--;
      return true;
    }
    return (this.dict as StrDict).delete(field);
  }

  private toHashtable(): void {
    const lp = this.lp as string;
    const d = new StrDict(true, this.n + 1);
    for (let p = 0; p < lp.length; ) {
      const f = lpGet(lp, p);
      p = lpData + f.length;
      const v = lpGet(lp, p);
      p = lpData + v.length;
      d.addNew(f, packPair(f, v));
    }
    this.dict = d;
    this.lp = null;
    this.n = 0;
  }

  /** Visit every field and value, in listpack order or dense-array order. */
  forEach(fn: (field: string, value: string) => void): void {
    const lp = this.lp;
    if (lp !== null) {
      for (let p = 0; p < lp.length; ) {
        const f = lpGet(lp, p);
        p = lpData + f.length;
        const v = lpGet(lp, p);
        p = lpData + v.length;
        fn(f, v);
      }
      return;
    }
    const ents = (this.dict as StrDict).ents;
    for (let i = 0; i < ents.length; i++) {
      const e = ents[i] as string;
      fn(pairField(e), pairValue(e));
    }
  }

  /** Positional access (a snapshot for a listpack, a live view for a hashtable). */
  view(): HashView {
    if (this.dict !== null) return new DictView(this.dict);
    const fields: string[] = [];
    const values: string[] = [];
    this.forEach((f, v) => {
      fields.push(f);
      values.push(v);
    });
    return new ArrayView(fields, values);
  }

  /**
   * One HSCAN step into `out` as field, value, field, value...: a listpack is returned whole
   * with cursor 0 (as Redis does for compact encodings); a hashtable goes bucket by bucket,
   * where `count` counts fields and values both, as Redis's does.
   */
  scan(cursor: number, count: number, out: string[]): number {
    if (this.dict === null) {
      this.forEach((f, v) => {
        out.push(f, v);
      });
      return 0;
    }
    const ents: string[] = [];
    const next = this.dict.scan(cursor, count, 2, ents);
    for (const e of ents) out.push(pairField(e), pairValue(e));
    return next;
  }
}
