/**
 * RedisZset: the sorted set value, in Redis's two encodings.
 *
 * - 'listpack' (small sets): two parallel arrays kept in (score, member) order; member look-up
 *   is a linear scan, as in Redis's listpack. Like Redis 7.0's listpack, which stores a score
 *   as text, a score of -0 is kept as 0.
 * - 'skiplist' (big sets): a ZTree (structures/zset-tree.ts), a B+tree with subtree counts and
 *   a member → leaf dictionary: O(log n) insert, delete, rank and rank → element.
 *
 * A set starts as listpack and becomes skiplist when an insertion would take it past
 * zset-max-listpack-entries or brings a member longer than zset-max-listpack-value; it never
 * goes back, except that a store command building a new key picks by size (fromSorted), as
 * Redis does.
 *
 * Memory, one zset of 100,000 members "member:<i>" (Node 20 x64: heapUsed + arrayBuffers
 * growth after gc, `node --expose-gc`; Redis 7.0.15: used_memory growth, jemalloc):
 *   random float scores, random insertion order: Cinnabar 94.5 B/member, Redis 111 B/member
 *   integer scores, inserted in order:            Cinnabar 74 B/member,   Redis 111 B/member
 * Per member: the string (~32 B for 12 chars), its Map entry (~37 B at that load), and its leaf
 * slot (8 B pointer + 8 B score + 4 B hash, over a ~70% average fill for random inserts).
 *
 * Imports only from values/.
 */
import type { RedisObject } from './types.js';
import { keyCmp, Leaf, TreeCursor, ZTree } from './structures/zset-tree.js';

/** The encoding thresholds a zset obeys (Keyspace.encoding's zset fields). */
export interface ZsetLimits {
  readonly zsetMaxListpackEntries: number;
  readonly zsetMaxListpackValue: number;
}

/** A position in a zset, walked with next() (ascending) or prev() (descending). */
export interface ZsetIter {
  readonly valid: boolean;
  readonly member: string;
  readonly score: number;
  next(): void;
  prev(): void;
}

class ListpackIter implements ZsetIter {
  private readonly members: string[];
  private readonly scores: number[];
  private i: number;

  constructor(members: string[], scores: number[], i: number) {
    this.members = members;
    this.scores = scores;
    this.i = i;
  }

  get valid(): boolean {
    return this.i >= 0 && this.i < this.members.length;
  }

  get member(): string {
    return this.members[this.i] as string;
  }

  get score(): number {
    return this.scores[this.i] as number;
  }

  next(): void {
    this.i++;
  }

  prev(): void {
    this.i--;
  }
}

const SCAN_SLOTS = 64;

interface ScanState {
  it: Iterator<string>;
  visited: number;
}

export class RedisZset implements RedisObject {
  readonly type = 'zset' as const;
  lru: number;
  /** Listpack encoding: members and scores in order; null once converted. */
  private lpMembers: string[] | null = [];
  private lpScores: number[] | null = [];
  /** Skiplist encoding. */
  private tree: ZTree | null = null;
  /** Live ZSCAN iterators over the dictionary (skiplist encoding only), created on demand. */
  private scans: (ScanState | undefined)[] | null = null;
  private nextScanSlot = 1;

  constructor(lru: number) {
    this.lru = lru;
  }

  encoding(): string {
    return this.tree === null ? 'listpack' : 'skiplist';
  }

  get isListpack(): boolean {
    return this.tree === null;
  }

  get length(): number {
    return this.tree === null ? (this.lpMembers as string[]).length : this.tree.size;
  }

  clone(lru: number): RedisZset {
    const z = new RedisZset(lru);
    if (this.tree === null) {
      z.lpMembers = (this.lpMembers as string[]).slice();
      z.lpScores = (this.lpScores as number[]).slice();
    } else {
      const ms: string[] = [];
      const ss: number[] = [];
      this.forEach((m, s) => {
        ms.push(m);
        ss.push(s);
      });
      z.toSkiplist();
      (z.tree as ZTree).load(ms, ss);
    }
    return z;
  }

  /**
   * A new zset from entries already in (score, member) order, encoded by size like the
   * result of a Redis store command (listpack when it fits the limits).
   */
  static fromSorted(members: string[], scores: number[], lru: number, limits: ZsetLimits): RedisZset {
    const z = new RedisZset(lru);
    let maxLen = 0;
    for (let i = 0; i < members.length; i++) if ((members[i] as string).length > maxLen) maxLen = (members[i] as string).length;
    if (members.length <= limits.zsetMaxListpackEntries && maxLen <= limits.zsetMaxListpackValue) {
      for (let i = 0; i < scores.length; i++) if (scores[i] === 0) scores[i] = 0; // -0 → 0
      z.lpMembers = members;
      z.lpScores = scores;
    } else {
      z.toSkiplist();
      (z.tree as ZTree).load(members, scores);
    }
    return z;
  }

  /** Switch to the skiplist encoding (Redis's zsetConvert). */
  toSkiplist(): void {
    if (this.tree !== null) return;
    const t = new ZTree();
    t.load(this.lpMembers as string[], this.lpScores as number[]);
    this.tree = t;
    this.lpMembers = null;
    this.lpScores = null;
  }

  // ---- point operations ------------------------------------------------------------------

  score(member: string): number | undefined {
    if (this.tree !== null) return this.tree.score(member);
    const i = (this.lpMembers as string[]).indexOf(member);
    return i < 0 ? undefined : (this.lpScores as number[])[i];
  }

  /** 0-based rank in ascending order, or -1 when absent. */
  rank(member: string): number {
    if (this.tree !== null) return this.tree.rank(member);
    return (this.lpMembers as string[]).indexOf(member);
  }

  /** Add a member known to be absent, converting the encoding first when the limits say so. */
  insert(member: string, score: number, limits: ZsetLimits): void {
    if (this.tree === null) {
      const ms = this.lpMembers as string[];
      if (ms.length + 1 > limits.zsetMaxListpackEntries || member.length > limits.zsetMaxListpackValue) {
        this.toSkiplist();
      } else {
        lpInsert(ms, this.lpScores as number[], member, score === 0 ? 0 : score);
        return;
      }
    }
    (this.tree as ZTree).insert(member, score);
  }

  /** Give a present member a new score. */
  update(member: string, score: number): void {
    if (this.tree !== null) {
      this.tree.updateScore(member, score);
      return;
    }
    const ms = this.lpMembers as string[];
    const ss = this.lpScores as number[];
    const i = ms.indexOf(member);
    ms.splice(i, 1);
    ss.splice(i, 1);
    lpInsert(ms, ss, member, score === 0 ? 0 : score);
  }

  /** Remove a member; false when it was absent. */
  delete(member: string): boolean {
    if (this.tree !== null) return this.tree.delete(member) !== undefined;
    const ms = this.lpMembers as string[];
    const i = ms.indexOf(member);
    if (i < 0) return false;
    ms.splice(i, 1);
    (this.lpScores as number[]).splice(i, 1);
    return true;
  }

  // ---- ranges ------------------------------------------------------------------------------

  /** An iterator positioned at a 0-based rank (invalid when out of range). */
  iter(rank: number): ZsetIter {
    if (this.tree !== null) {
      if (rank < 0 || rank >= this.tree.size) return new TreeCursor(null, 0);
      return this.tree.at(rank);
    }
    return new ListpackIter(this.lpMembers as string[], this.lpScores as number[], rank);
  }

  /** Number of members with score < s (≤ s when inclusive). */
  countScoreBelow(s: number, inclusive: boolean): number {
    if (this.tree !== null) return this.tree.countScoreBelow(s, inclusive);
    const ss = this.lpScores as number[];
    let lo = 0;
    let hi = ss.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const v = ss[mid] as number;
      if (inclusive ? v <= s : v < s) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Number of members < m (≤ m when inclusive), for sets whose scores are all equal. */
  countLexBelow(m: string, inclusive: boolean): number {
    if (this.tree !== null) return this.tree.countLexBelow(m, inclusive);
    const ms = this.lpMembers as string[];
    let lo = 0;
    let hi = ms.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const v = ms[mid] as string;
      if (inclusive ? v <= m : v < m) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Remove ranks [start, end] (inclusive; 0 ≤ start ≤ end < length). */
  deleteRange(start: number, end: number): void {
    if (this.tree !== null) {
      this.tree.deleteRange(start, end);
      return;
    }
    (this.lpMembers as string[]).splice(start, end - start + 1);
    (this.lpScores as number[]).splice(start, end - start + 1);
  }

  /** Every member in ascending order. */
  forEach(fn: (member: string, score: number) => void): void {
    if (this.tree === null) {
      const ms = this.lpMembers as string[];
      const ss = this.lpScores as number[];
      for (let i = 0; i < ms.length; i++) fn(ms[i] as string, ss[i] as number);
      return;
    }
    for (let leaf: Leaf | null = this.tree.first; leaf !== null; leaf = leaf.next) {
      for (let j = 0; j < leaf.n; j++) fn(leaf.members[j] as string, leaf.scores[j] as number);
    }
  }

  // ---- ZSCAN -------------------------------------------------------------------------------

  /**
   * Visit about `count` members from `cursor`; returns the next cursor (0 at the end). A
   * listpack is returned whole in one call, as Redis does. For the skiplist encoding a
   * cursor names a live Map iterator (which survives insertions and deletions and visits
   * every member present throughout exactly once) plus how far it got; an unknown cursor
   * resumes by position.
   */
  scan(cursor: number, count: number, visit: (member: string, score: number) => void): number {
    if (this.tree === null) {
      this.forEach(visit);
      return 0;
    }
    const dict = this.tree.dict;
    if (this.scans === null) this.scans = [];
    let slot = cursor % SCAN_SLOTS;
    const visitedIn = Math.floor(cursor / SCAN_SLOTS);
    let st = cursor === 0 ? undefined : this.scans[slot];
    if (st === undefined || st.visited !== visitedIn) {
      st = { it: dict.keys(), visited: 0 };
      for (let i = 0; i < visitedIn; i++) {
        if (st.it.next().done) break;
        st.visited++;
      }
      slot = this.nextScanSlot;
      this.nextScanSlot = this.nextScanSlot + 1 >= SCAN_SLOTS ? 1 : this.nextScanSlot + 1;
    }
    // Past `count`, one more step when the end may be near, so a finished walk says 0 now
    // rather than after an extra empty call (COUNT is only a hint).
    for (let seen = 0; seen < count || (seen === count && st.visited >= dict.size); seen++) {
      const r = st.it.next();
      if (r.done) {
        this.scans[slot] = undefined;
        return 0;
      }
      st.visited++;
      const leaf = dict.get(r.value) as Leaf;
      visit(r.value, leaf.scores[leaf.indexOf(r.value)] as number);
    }
    this.scans[slot] = st;
    return st.visited * SCAN_SLOTS + slot;
  }
}

/** Insert into the listpack arrays at the (score, member) position. */
function lpInsert(ms: string[], ss: number[], member: string, score: number): void {
  let lo = 0;
  let hi = ms.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keyCmp(ss[mid] as number, ms[mid] as string, score, member) < 0) lo = mid + 1;
    else hi = mid;
  }
  if (lo === ms.length) {
    ms.push(member);
    ss.push(score);
  } else {
    ms.splice(lo, 0, member);
    ss.splice(lo, 0, score);
  }
}
