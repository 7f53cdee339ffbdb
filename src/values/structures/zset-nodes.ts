/**
 * The nodes of ZTree (zset-tree.ts) and the array shuffling they need: leaves holding up to
 * LEAF_MAX entries as parallel arrays (members, scores, and member hashes), inner nodes with
 * children, subtree counts and separator keys, and a cursor for walking entries in order.
 *
 * Imports nothing.
 */

export let LEAF_MAX = 64;
export let LEAF_MIN = LEAF_MAX >> 2;
export let INNER_MAX = 64;
export let INNER_MIN = INNER_MAX >> 2; // ≥ 2: every non-root inner node has a sibling to lean on

/** Tests shrink the node sizes to exercise deep trees with few entries. */
export function setTreeFanout(leafMax: number, innerMax: number): void {
  LEAF_MAX = leafMax;
  LEAF_MIN = leafMax >> 2;
  INNER_MAX = innerMax;
  INNER_MIN = Math.max(2, innerMax >> 2);
}

/**
 * A cheap 32-bit hash of a member (FNV-1a over its length and up to 32 chars from both ends).
 * Leaves keep it per entry so finding a member scans one contiguous Int32Array instead of
 * touching every member string, which costs a cache miss each in a big set.
 */
export function memberHash(m: string): number {
  const n = m.length;
  let h = (0x811c9dc5 ^ n) | 0;
  if (n <= 32) {
    for (let i = 0; i < n; i++) h = Math.imul(h ^ m.charCodeAt(i), 0x01000193);
  } else {
    for (let i = 0; i < 16; i++) h = Math.imul(h ^ m.charCodeAt(i), 0x01000193);
    for (let i = n - 16; i < n; i++) h = Math.imul(h ^ m.charCodeAt(i), 0x01000193);
  }
  return h;
}

export class Leaf {
  readonly isLeaf = true as const;
  n = 0;
  members: string[];
  scores: Float64Array;
  hashes: Int32Array;
  parent: Inner | null = null;
  prev: Leaf | null = null;
  next: Leaf | null = null;

  constructor() {
    this.members = new Array<string>(LEAF_MAX).fill('');
    const buf = new ArrayBuffer(LEAF_MAX * 12);
    this.scores = new Float64Array(buf, 0, LEAF_MAX);
    this.hashes = new Int32Array(buf, LEAF_MAX * 8, LEAF_MAX);
  }

  indexOf(member: string): number {
    const h = memberHash(member);
    const hs = this.hashes;
    const m = this.members;
    for (let i = 0; i < this.n; i++) if (hs[i] === h && m[i] === member) return i;
    return -1;
  }
}

export class Inner {
  readonly isLeaf = false as const;
  n = 0;
  children: TreeNode[] = [];
  counts: number[] = [];
  sepScores = new Float64Array(INNER_MAX);
  sepMembers: string[] = new Array<string>(INNER_MAX).fill('');
  parent: Inner | null = null;
}

export type TreeNode = Leaf | Inner;

/** Order of (score, member) pairs: by score, then by member bytes. */
export function keyCmp(s1: number, m1: string, s2: number, m2: string): number {
  if (s1 < s2) return -1;
  if (s1 > s2) return 1;
  return m1 < m2 ? -1 : m1 > m2 ? 1 : 0;
}

/** A position in the tree, for walking a range in either direction. */
export class TreeCursor {
  leaf: Leaf | null;
  idx: number;

  constructor(leaf: Leaf | null, idx: number) {
    this.leaf = leaf;
    this.idx = idx;
  }

  get valid(): boolean {
    return this.leaf !== null;
  }

  get member(): string {
    return (this.leaf as Leaf).members[this.idx] as string;
  }

  get score(): number {
    return (this.leaf as Leaf).scores[this.idx] as number;
  }

  next(): void {
    const l = this.leaf as Leaf;
    if (++this.idx >= l.n) {
      this.leaf = l.next;
      this.idx = 0;
    }
  }

  prev(): void {
    if (--this.idx < 0) {
      const p = (this.leaf as Leaf).prev;
      this.leaf = p;
      this.idx = p === null ? 0 : p.n - 1;
    }
  }
}

export function sum(a: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] as number;
  return s;
}

export function fillInner(node: Inner, kids: readonly TreeNode[], cnts: readonly number[], ss: readonly number[], sm: readonly string[], from: number, to: number): void {
  node.children = kids.slice(from, to);
  node.counts = cnts.slice(from, to);
  node.sepMembers.fill('');
  for (let j = from; j < to; j++) {
    node.sepScores[j - from] = ss[j] as number;
    node.sepMembers[j - from] = sm[j] as string;
    (kids[j] as TreeNode).parent = node;
  }
  node.n = to - from;
}

export function leafInsertAt(leaf: Leaf, pos: number, member: string, score: number): void {
  const ms = leaf.members;
  for (let i = leaf.n; i > pos; i--) ms[i] = ms[i - 1] as string;
  leaf.scores.copyWithin(pos + 1, pos, leaf.n);
  leaf.hashes.copyWithin(pos + 1, pos, leaf.n);
  ms[pos] = member;
  leaf.scores[pos] = score;
  leaf.hashes[pos] = memberHash(member);
  leaf.n++;
}

export function innerInsertAt(p: Inner, pos: number, child: TreeNode, count: number, sepScore: number, sepMember: string): void {
  p.children.splice(pos, 0, child);
  p.counts.splice(pos, 0, count);
  for (let j = p.n; j > pos; j--) p.sepMembers[j] = p.sepMembers[j - 1] as string;
  p.sepScores.copyWithin(pos + 1, pos, p.n);
  p.sepScores[pos] = sepScore;
  p.sepMembers[pos] = sepMember;
  child.parent = p;
  p.n++;
}

export function moveEntries(src: Leaf, from: number, dst: Leaf, to: number, k: number): void {
  for (let j = 0; j < k; j++) dst.members[to + j] = src.members[from + j] as string;
  dst.scores.set(src.scores.subarray(from, from + k), to);
  dst.hashes.set(src.hashes.subarray(from, from + k), to);
}

export function clearTail(leaf: Leaf, from: number, to: number): void {
  for (let j = from; j < to; j++) leaf.members[j] = '';
}

export function shiftRight(leaf: Leaf, k: number): void {
  const ms = leaf.members;
  for (let j = leaf.n - 1; j >= 0; j--) ms[j + k] = ms[j] as string;
  leaf.scores.copyWithin(k, 0, leaf.n);
  leaf.hashes.copyWithin(k, 0, leaf.n);
}

export function shiftLeft(leaf: Leaf, k: number): void {
  const ms = leaf.members;
  const n = leaf.n;
  for (let j = k; j < n; j++) ms[j - k] = ms[j] as string;
  for (let j = n - k; j < n; j++) ms[j] = '';
  leaf.scores.copyWithin(0, k, n);
  leaf.hashes.copyWithin(0, k, n);
}
