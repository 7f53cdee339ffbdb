/**
 * RedisList: a list value, stored as a ring-buffer deque of latin1 strings (one char per byte).
 *
 * Pushes and pops at both ends are O(1) amortized and LINDEX/LSET are O(1), where Redis's
 * quicklist is O(n) for the latter; LINSERT/LREM/LTRIM are O(n) as in Redis. Elements are
 * plain strings (no per-element object), so memory per element is the V8 string plus one
 * array slot. Redis 7.0 reports every list as 'quicklist' whatever its size (the 'listpack'
 * list encoding arrived in 7.2), so OBJECT ENCODING does too.
 */
import type { RedisObject } from './types.js';

const MIN_CAPACITY = 4;

export class RedisList implements RedisObject {
  readonly type = 'list' as const;
  lru: number;
  private items: (string | undefined)[];
  private head = 0;
  length = 0;

  constructor(lru: number, capacity = MIN_CAPACITY) {
    this.lru = lru;
    this.items = new Array<string | undefined>(Math.max(MIN_CAPACITY, capacity));
  }

  encoding(): string {
    return 'quicklist';
  }

  clone(lru: number): RedisList {
    const l = new RedisList(lru, this.length);
    for (let i = 0; i < this.length; i++) l.pushTail(this.at(i) as string);
    return l;
  }

  private grow(): void {
    const cap = this.items.length;
    const next = new Array<string | undefined>(cap * 2);
    for (let i = 0; i < this.length; i++) next[i] = this.items[(this.head + i) % cap];
    this.items = next;
    this.head = 0;
  }

  /** Shrink when mostly empty so a drained queue gives its memory back. */
  private maybeShrink(): void {
    const cap = this.items.length;
    if (cap > 64 && this.length < cap / 4) {
      const next = new Array<string | undefined>(Math.max(MIN_CAPACITY, cap >> 1));
      for (let i = 0; i < this.length; i++) next[i] = this.items[(this.head + i) % cap];
      this.items = next;
      this.head = 0;
    }
  }

  pushHead(v: string): void {
    if (this.length === this.items.length) this.grow();
    const cap = this.items.length;
    this.head = (this.head - 1 + cap) % cap;
    this.items[this.head] = v;
    this.length++;
  }

  pushTail(v: string): void {
    if (this.length === this.items.length) this.grow();
    this.items[(this.head + this.length) % this.items.length] = v;
    this.length++;
  }

  popHead(): string | undefined {
    if (this.length === 0) return undefined;
    const v = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) % this.items.length;
    this.length--;
    this.maybeShrink();
    return v;
  }

  popTail(): string | undefined {
    if (this.length === 0) return undefined;
    const i = (this.head + this.length - 1) % this.items.length;
    const v = this.items[i];
    this.items[i] = undefined;
    this.length--;
    this.maybeShrink();
    return v;
  }

  /** Element at index 0..length-1 (no negative indexes here). */
  at(i: number): string | undefined {
    if (i < 0 || i >= this.length) return undefined;
    return this.items[(this.head + i) % this.items.length];
  }

  setAt(i: number, v: string): void {
    this.items[(this.head + i) % this.items.length] = v;
  }

  /** Elements [start, end] inclusive, already clamped by the caller. */
  range(start: number, end: number): string[] {
    const out: string[] = [];
    for (let i = start; i <= end; i++) out.push(this.items[(this.head + i) % this.items.length] as string);
    return out;
  }

  /** Insert before index i (i == length appends). O(n). */
  insertAt(i: number, v: string): void {
    if (i === 0) {
      this.pushHead(v);
      return;
    }
    if (i === this.length) {
      this.pushTail(v);
      return;
    }
    const all = this.range(0, this.length - 1);
    all.splice(i, 0, v);
    this.replaceAll(all);
  }

  /** Keep only [start, end] (inclusive; an empty range empties the list). */
  trim(start: number, end: number): void {
    if (start > end || start >= this.length) {
      this.replaceAll([]);
      return;
    }
    this.replaceAll(this.range(start, Math.min(end, this.length - 1)));
  }

  /** Replace the content (after LREM/LTRIM/LINSERT in the middle). */
  replaceAll(items: string[]): void {
    const cap = Math.max(MIN_CAPACITY, items.length);
    this.items = items.length >= MIN_CAPACITY ? items : [...items, ...new Array<undefined>(cap - items.length)];
    this.head = 0;
    this.length = items.length;
  }

  toArray(): string[] {
    return this.range(0, this.length - 1);
  }
}
