/**
 * ZTree: the ordered index of a big sorted set (Redis's "skiplist" encoding) — a B+tree over
 * (score, member) with subtree counts, plus the member → leaf dictionary.
 *
 * Why not a skiplist: one node object per member costs ~100 bytes in V8. Here a leaf holds up
 * to LEAF_MAX entries as parallel arrays (member strings; scores and member hashes in one
 * ArrayBuffer), so an entry costs its slots; the dictionary maps each member to its *leaf* (a
 * pointer, so no boxed double per member). A member's score is found by scanning the leaf's
 * hash array, which touches one contiguous block instead of every member string.
 *
 * Order statistics: inner nodes keep the size of each child's subtree, so rank → element and
 * element → rank (walking up through parent pointers) are O(log n). Separator keys in inner
 * nodes are lower bounds of their child (they may go stale after deletions, which keeps them
 * valid bounds); child 0 has no separator.
 *
 * Invariants: every leaf except a lone root holds ≥ 1 entry; the dictionary has exactly the
 * members in the leaves; leaves are chained (prev/next) in order.
 *
 * Imports only its node module.
 */

import {
  clearTail,
  fillInner,
  INNER_MAX,
  INNER_MIN,
  innerInsertAt,
  keyCmp,
  Leaf,
  LEAF_MAX,
  LEAF_MIN,
  Inner,
  leafInsertAt,
  memberHash,
  moveEntries,
  shiftLeft,
  shiftRight,
  sum,
  TreeCursor,
  type TreeNode,
} from './zset-nodes.js';

export { keyCmp, Leaf, Inner, memberHash, setTreeFanout, TreeCursor, type TreeNode } from './zset-nodes.js';

export class ZTree {
  root: TreeNode = new Leaf();
  first: Leaf;
  last: Leaf;
  readonly dict: Map<string, Leaf> = new Map();

  constructor() {
    this.first = this.root as Leaf;
    this.last = this.first;
  }

  get size(): number {
    return this.dict.size;
  }

  has(member: string): boolean {
    return this.dict.has(member);
  }

  score(member: string): number | undefined {
    const leaf = this.dict.get(member);
    if (leaf === undefined) return undefined;
    return leaf.scores[leaf.indexOf(member)];
  }

  // ---- order statistics ------------------------------------------------------------------

  /** 0-based rank of a member, or -1. */
  rank(member: string): number {
    const leaf = this.dict.get(member);
    if (leaf === undefined) return -1;
    let r = leaf.indexOf(member);
    let node: TreeNode = leaf;
    for (let p = node.parent; p !== null; node = p, p = p.parent) {
      const i = p.children.indexOf(node);
      const c = p.counts;
      for (let j = 0; j < i; j++) r += c[j] as number;
    }
    return r;
  }

  /** The entry at a 0-based rank (0 ≤ rank < size). */
  at(rank: number): TreeCursor {
    let node = this.root;
    while (!node.isLeaf) {
      const c = node.counts;
      let i = 0;
      while (rank >= (c[i] as number) && i < node.n - 1) rank -= c[i++] as number;
      node = node.children[i] as TreeNode;
    }
    return new TreeCursor(rank < node.n ? node : null, rank);
  }

  /** How many entries have score < s (or ≤ s when `inclusive`). */
  countScoreBelow(s: number, inclusive: boolean): number {
    let node = this.root;
    let acc = 0;
    while (!node.isLeaf) {
      const seps = node.sepScores;
      // Last child i ≥ 1 whose separator satisfies the predicate; everything before it does.
      let lo = 1;
      let hi = node.n - 1;
      let pick = 0;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const v = seps[mid] as number;
        if (inclusive ? v <= s : v < s) {
          pick = mid;
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      for (let j = 0; j < pick; j++) acc += node.counts[j] as number;
      node = node.children[pick] as TreeNode;
    }
    const sc = node.scores;
    let lo = 0;
    let hi = node.n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const v = sc[mid] as number;
      if (inclusive ? v <= s : v < s) lo = mid + 1;
      else hi = mid;
    }
    return acc + lo;
  }

  /**
   * How many entries have member < m (or ≤ m when `inclusive`), meaningful when all scores
   * are equal (Redis's lex ranges make the same assumption).
   */
  countLexBelow(m: string, inclusive: boolean): number {
    let node = this.root;
    let acc = 0;
    while (!node.isLeaf) {
      const seps = node.sepMembers;
      let lo = 1;
      let hi = node.n - 1;
      let pick = 0;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const v = seps[mid] as string;
        if (inclusive ? v <= m : v < m) {
          pick = mid;
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      for (let j = 0; j < pick; j++) acc += node.counts[j] as number;
      node = node.children[pick] as TreeNode;
    }
    const ms = node.members;
    let lo = 0;
    let hi = node.n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const v = ms[mid] as string;
      if (inclusive ? v <= m : v < m) lo = mid + 1;
      else hi = mid;
    }
    return acc + lo;
  }

  // ---- insertion ---------------------------------------------------------------------------

  /** Insert a member known to be absent. */
  insert(member: string, score: number): void {
    let node = this.root;
    while (!node.isLeaf) {
      let lo = 1;
      let hi = node.n - 1;
      let pick = 0;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (keyCmp(node.sepScores[mid] as number, node.sepMembers[mid] as string, score, member) <= 0) {
          pick = mid;
          lo = mid + 1;
        } else {
          hi = mid - 1;
        }
      }
      node.counts[pick] = (node.counts[pick] as number) + 1;
      node = node.children[pick] as TreeNode;
    }
    const leaf = node;
    let lo = 0;
    let hi = leaf.n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (keyCmp(leaf.scores[mid] as number, leaf.members[mid] as string, score, member) < 0) lo = mid + 1;
      else hi = mid;
    }
    if (leaf.n < LEAF_MAX) {
      leafInsertAt(leaf, lo, member, score);
      this.dict.set(member, leaf);
    } else {
      this.splitLeafAndInsert(leaf, lo, member, score);
    }
  }

  private splitLeafAndInsert(left: Leaf, pos: number, member: string, score: number): void {
    const right = new Leaf();
    // Appends and prepends (rising timestamps, counters) split unevenly so leaves stay full.
    const n = left.n;
    const mid = pos === n ? n : pos === 0 ? 0 : n >> 1;
    moveEntries(left, mid, right, 0, n - mid);
    right.n = n - mid;
    left.n = mid;
    clearTail(left, mid, n);
    for (let i = 0; i < right.n; i++) this.dict.set(right.members[i] as string, right);
    if (pos <= mid && !(pos === n && mid === n)) {
      leafInsertAt(left, pos, member, score);
      this.dict.set(member, left);
    } else {
      leafInsertAt(right, pos - mid, member, score);
      this.dict.set(member, right);
    }
    right.next = left.next;
    right.prev = left;
    if (left.next !== null) left.next.prev = right;
    else this.last = right;
    left.next = right;
    this.attachRight(left, right, left.n, right.n, right.scores[0] as number, right.members[0] as string);
  }

  /**
   * Put `right` just after `left` in left's parent (creating a root if needed). Both counts
   * are given; the parent's total already includes them (insert counted on the way down).
   */
  private attachRight(left: TreeNode, right: TreeNode, leftCount: number, rightCount: number, sepScore: number, sepMember: string): void {
    const p = left.parent;
    if (p === null) {
      const root = new Inner();
      root.children.push(left, right);
      root.counts.push(leftCount, rightCount);
      root.sepScores[1] = sepScore;
      root.sepMembers[1] = sepMember;
      root.n = 2;
      left.parent = root;
      right.parent = root;
      this.root = root;
      return;
    }
    const i = p.children.indexOf(left);
    p.counts[i] = leftCount;
    if (p.n < INNER_MAX) {
      innerInsertAt(p, i + 1, right, rightCount, sepScore, sepMember);
      return;
    }
    // Split the full parent: lay out its n+1 children, then cut (unevenly when appending).
    const kids = p.children.slice();
    const cnts = p.counts.slice();
    const ss = Array.from(p.sepScores.subarray(0, p.n));
    const sm = p.sepMembers.slice(0, p.n);
    kids.splice(i + 1, 0, right);
    cnts.splice(i + 1, 0, rightCount);
    ss.splice(i + 1, 0, sepScore);
    sm.splice(i + 1, 0, sepMember);
    const total = kids.length;
    // Appending leaves p nearly full; the new node gets two children so it has a sibling.
    const mid = i + 1 === total - 1 ? total - 2 : total >> 1;
    const q = new Inner();
    fillInner(p, kids, cnts, ss, sm, 0, mid);
    fillInner(q, kids, cnts, ss, sm, mid, total);
    q.sepMembers[0] = '';
    this.attachRight(p, q, sum(p.counts), sum(q.counts), ss[mid] as number, sm[mid] as string);
  }

  // ---- deletion ----------------------------------------------------------------------------

  /** Remove a member; returns its score, or undefined when absent. */
  delete(member: string): number | undefined {
    const leaf = this.dict.get(member);
    if (leaf === undefined) return undefined;
    const idx = leaf.indexOf(member);
    const score = leaf.scores[idx] as number;
    this.dict.delete(member);
    this.removeAt(leaf, idx);
    return score;
  }

  /** Change the score of a present member, keeping its dictionary entry (SCAN order). */
  updateScore(member: string, score: number): void {
    const leaf = this.dict.get(member) as Leaf;
    const idx = leaf.indexOf(member);
    // Fast path: the new key still sorts between its neighbours in the same leaf. At a leaf
    // edge this is only safe at the ends of the whole order (separators bound the others).
    const n = leaf.n;
    const okLeft = idx > 0 ? keyCmp(leaf.scores[idx - 1] as number, leaf.members[idx - 1] as string, score, member) < 0 : leaf.prev === null;
    const okRight = idx < n - 1 ? keyCmp(score, member, leaf.scores[idx + 1] as number, leaf.members[idx + 1] as string) < 0 : leaf.next === null;
    if (okLeft && okRight) {
      leaf.scores[idx] = score;
      return;
    }
    this.removeAt(leaf, idx);
    this.insert(member, score);
  }

  private removeAt(leaf: Leaf, idx: number): void {
    const n = leaf.n;
    const ms = leaf.members;
    for (let i = idx; i < n - 1; i++) ms[i] = ms[i + 1] as string;
    ms[n - 1] = '';
    leaf.scores.copyWithin(idx, idx + 1, n);
    leaf.hashes.copyWithin(idx, idx + 1, n);
    leaf.n = n - 1;
    let node: TreeNode = leaf;
    for (let p = node.parent; p !== null; node = p, p = p.parent) {
      const i = p.children.indexOf(node);
      p.counts[i] = (p.counts[i] as number) - 1;
    }
    if (leaf.n < LEAF_MIN) this.rebalanceLeaf(leaf);
  }

  private rebalanceLeaf(leaf: Leaf): void {
    const p = leaf.parent;
    if (p === null) return; // a root leaf may hold anything, even nothing
    const i = p.children.indexOf(leaf);
    const hasRight = i + 1 < p.n;
    const left = hasRight ? leaf : (p.children[i - 1] as Leaf);
    const right = hasRight ? (p.children[i + 1] as Leaf) : leaf;
    const li = hasRight ? i : i - 1;
    const total = left.n + right.n;
    if (total <= (LEAF_MAX * 3) >> 2) {
      // Merge right into left.
      moveEntries(right, 0, left, left.n, right.n);
      for (let j = left.n; j < total; j++) this.dict.set(left.members[j] as string, left);
      left.n = total;
      left.next = right.next;
      if (right.next !== null) right.next.prev = left;
      else this.last = left;
      p.counts[li] = total;
      this.removeChild(p, li + 1);
      return;
    }
    // Redistribute evenly.
    const want = total >> 1;
    if (left.n > want) {
      const k = left.n - want;
      shiftRight(right, k);
      moveEntries(left, want, right, 0, k);
      clearTail(left, want, left.n);
      for (let j = 0; j < k; j++) this.dict.set(right.members[j] as string, right);
      left.n = want;
      right.n += k;
    } else {
      const k = want - left.n;
      moveEntries(right, 0, left, left.n, k);
      for (let j = left.n; j < want; j++) this.dict.set(left.members[j] as string, left);
      shiftLeft(right, k);
      left.n = want;
      right.n -= k;
    }
    p.counts[li] = left.n;
    p.counts[li + 1] = right.n;
    p.sepScores[li + 1] = right.scores[0] as number;
    p.sepMembers[li + 1] = right.members[0] as string;
  }

  private removeChild(p: Inner, i: number): void {
    p.children.splice(i, 1);
    p.counts.splice(i, 1);
    const n = p.n;
    for (let j = i; j < n - 1; j++) p.sepMembers[j] = p.sepMembers[j + 1] as string;
    p.sepScores.copyWithin(i, i + 1, n);
    p.sepMembers[n - 1] = '';
    p.n = n - 1;
    if (i === 0) p.sepMembers[0] = '';
    if (p.parent === null) {
      if (p.n === 1) {
        const only = p.children[0] as TreeNode;
        only.parent = null;
        this.root = only;
      }
      return;
    }
    if (p.n < INNER_MIN) this.rebalanceInner(p);
  }

  private rebalanceInner(node: Inner): void {
    const p = node.parent as Inner;
    const i = p.children.indexOf(node);
    const hasRight = i + 1 < p.n;
    const left = hasRight ? node : (p.children[i - 1] as Inner);
    const right = hasRight ? (p.children[i + 1] as Inner) : node;
    const li = hasRight ? i : i - 1;
    // The separator between them becomes right's child-0 bound when children move across.
    const midScore = p.sepScores[li + 1] as number;
    const midMember = p.sepMembers[li + 1] as string;
    const total = left.n + right.n;
    if (total <= (INNER_MAX * 3) >> 2) {
      for (let j = 0; j < right.n; j++) {
        const k = left.n + j;
        const child = right.children[j] as TreeNode;
        left.children.push(child);
        left.counts.push(right.counts[j] as number);
        left.sepScores[k] = j === 0 ? midScore : (right.sepScores[j] as number);
        left.sepMembers[k] = j === 0 ? midMember : (right.sepMembers[j] as string);
        child.parent = left;
      }
      left.n = total;
      p.counts[li] = sum(left.counts);
      this.removeChild(p, li + 1);
      return;
    }
    const want = total >> 1;
    // Rebuild both from one list: simple and rare.
    const kids: TreeNode[] = [...left.children, ...right.children];
    const cnts: number[] = [...left.counts, ...right.counts];
    const ss: number[] = [];
    const sm: string[] = [];
    for (let j = 0; j < left.n; j++) {
      ss.push(left.sepScores[j] as number);
      sm.push(left.sepMembers[j] as string);
    }
    for (let j = 0; j < right.n; j++) {
      ss.push(j === 0 ? midScore : (right.sepScores[j] as number));
      sm.push(j === 0 ? midMember : (right.sepMembers[j] as string));
    }
    fillInner(left, kids, cnts, ss, sm, 0, want);
    fillInner(right, kids, cnts, ss, sm, want, total);
    p.counts[li] = sum(left.counts);
    p.counts[li + 1] = sum(right.counts);
    p.sepScores[li + 1] = ss[want] as number;
    p.sepMembers[li + 1] = sm[want] as string;
    right.sepMembers[0] = '';
  }

  /** Remove every entry. */
  clear(): void {
    this.root = new Leaf();
    this.first = this.root;
    this.last = this.first;
    this.dict.clear();
  }

  /** Replace the contents with entries already in order (bulk load, O(n)). */
  load(members: readonly string[], scores: ArrayLike<number>, from = 0, to = members.length): void {
    this.clear();
    const n = to - from;
    if (n === 0) return;
    let level: TreeNode[] = [];
    let levelCounts: number[] = [];
    let levelSepS: number[] = [];
    let levelSepM: string[] = [];
    let prev: Leaf | null = null;
    for (let off = from; off < to; ) {
      const leaf = new Leaf();
      const k = Math.min(LEAF_MAX, to - off);
      for (let j = 0; j < k; j++) {
        const m = members[off + j] as string;
        leaf.members[j] = m;
        leaf.scores[j] = scores[off + j] as number;
        leaf.hashes[j] = memberHash(m);
        this.dict.set(m, leaf);
      }
      leaf.n = k;
      leaf.prev = prev;
      if (prev !== null) prev.next = leaf;
      else this.first = leaf;
      prev = leaf;
      level.push(leaf);
      levelCounts.push(k);
      levelSepS.push(leaf.scores[0] as number);
      levelSepM.push(leaf.members[0] as string);
      off += k;
    }
    this.last = prev as Leaf;
    while (level.length > 1) {
      const up: TreeNode[] = [];
      const upCounts: number[] = [];
      const upS: number[] = [];
      const upM: string[] = [];
      // Spread children evenly so that no node ends up with a lone child.
      const groups = Math.ceil(level.length / INNER_MAX);
      for (let g = 0; g < groups; g++) {
        const off = Math.floor((g * level.length) / groups);
        const end = Math.floor(((g + 1) * level.length) / groups);
        const node = new Inner();
        fillInner(node, level, levelCounts, levelSepS, levelSepM, off, end);
        node.sepMembers[0] = '';
        up.push(node);
        upCounts.push(sum(node.counts));
        upS.push(levelSepS[off] as number);
        upM.push(levelSepM[off] as string);
      }
      level = up;
      levelCounts = upCounts;
      levelSepS = upS;
      levelSepM = upM;
    }
    this.root = level[0] as TreeNode;
    this.root.parent = null;
  }

  /** Remove the entries of ranks [start, end] (inclusive, in range). */
  deleteRange(start: number, end: number): void {
    const k = end - start + 1;
    const n = this.size;
    if (k <= 0) return;
    if (k * 4 > n) {
      // Rebuild from what remains: O(n) instead of k deletions.
      const keepM: string[] = [];
      const keepS: number[] = [];
      let r = 0;
      for (let leaf: Leaf | null = this.first; leaf !== null; leaf = leaf.next) {
        for (let j = 0; j < leaf.n; j++, r++) {
          if (r < start || r > end) {
            keepM.push(leaf.members[j] as string);
            keepS.push(leaf.scores[j] as number);
          }
        }
      }
      this.load(keepM, keepS);
      return;
    }
    for (let i = 0; i < k; i++) {
      const c = this.at(start);
      const leaf = c.leaf as Leaf;
      this.dict.delete(leaf.members[c.idx] as string);
      this.removeAt(leaf, c.idx);
    }
  }
}
