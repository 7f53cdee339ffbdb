/**
 * RedisStream: the stream value — entries in ID order, the stream's counters (last ID, first
 * ID, max deleted ID, entries added) and its consumer groups — with the semantics of Redis
 * 7.0's t_stream.c.
 *
 * Entries live in a sorted array of StreamNodes, each the counterpart of one Redis listpack
 * (see structures/stream-node.ts): a seek is a binary search over the nodes' first IDs and
 * then within one node, O(log n); XADD appends to the last node or opens a new one under the
 * same rules as Redis (stream-node-max-bytes / -max-entries), so trimming with `~`, which
 * only drops whole nodes, removes exactly what Redis removes. Unlike other aggregates, an
 * empty stream is a value of its own and stays in the keyspace.
 *
 * Pure data: times come from the caller; nothing here replies or notifies.
 */
import type { RedisObject } from './types.js';
import { StreamNode } from './structures/stream-node.js';
import {
  cmpId,
  countIncr,
  countSub,
  ID_MAX,
  ID_MIN,
  isZeroCount,
  type Count,
  type StreamID,
} from './structures/stream-id.js';
import { byteCompare, ConsumerGroup, ENTRIES_READ_INVALID } from './stream-group.js';

/** STREAM_LISTPACK_MAX_SIZE: no node grows past 1 GB whatever the configuration says. */
const NODE_MAX_SIZE = 1 << 30;

export interface TrimArgs {
  strategy: 'maxlen' | 'minid';
  /** MAXLEN: the length to keep (Infinity when beyond 2^53). */
  maxlen: number;
  /** MINID: entries below it go. */
  minid: StreamID;
  /** `~`: only whole nodes are removed. */
  approx: boolean;
  /** Most entries to remove; 0 = no limit. */
  limit: number;
}

export class RedisStream implements RedisObject {
  readonly type = 'stream' as const;
  lru: number;
  nodes: StreamNode[] = [];
  /** Live entries. */
  length = 0;
  lastId: StreamID = ID_MIN;
  /** First live entry's ID when the stream last changed at its head (0-0 when empty). */
  firstId: StreamID = ID_MIN;
  maxDeletedId: StreamID = ID_MIN;
  entriesAdded: Count = 0;
  groups: Map<string, ConsumerGroup> | null = null;
  /**
   * Bumped whenever Redis would signal blocked readers (new entries, a group destroyed):
   * blocked XREAD/XREADGROUP clients compare it to tell such a change from other writes.
   */
  readyGen = 0;

  constructor(lru: number) {
    this.lru = lru;
  }

  encoding(): string {
    return 'stream';
  }

  clone(lru: number): RedisStream {
    const s = new RedisStream(lru);
    s.nodes = this.nodes.map((n) => n.clone());
    s.length = this.length;
    s.lastId = this.lastId;
    s.firstId = this.firstId;
    s.maxDeletedId = this.maxDeletedId;
    s.entriesAdded = this.entriesAdded;
    if (this.groups !== null) {
      s.groups = new Map();
      for (const [name, g] of this.groups) s.groups.set(name, g.clone());
    }
    return s;
  }

  // ---- entries ----------------------------------------------------------------------------

  /**
   * Append an entry with an ID above lastId (the caller checked). `fv` alternates field and
   * value; `totalLen` is the sum of their lengths. A new node starts when the last one would
   * reach maxBytes (0 = 1 GB) or holds maxEntries entries, tombstones included (0 = no limit).
   */
  append(id: StreamID, fv: readonly string[], totalLen: number, maxBytes: number, maxEntries: number): void {
    let tail = this.nodes[this.nodes.length - 1];
    if (tail !== undefined) {
      const limit = maxBytes === 0 || maxBytes > NODE_MAX_SIZE ? NODE_MAX_SIZE : maxBytes;
      if (tail.bytes + totalLen >= limit || (maxEntries !== 0 && tail.n >= maxEntries)) tail = undefined;
    }
    if (tail === undefined) {
      this.nodes[this.nodes.length - 1]?.seal();
      const fields: string[] = [];
      for (let i = 0; i < fv.length; i += 2) fields.push(fv[i] as string);
      tail = new StreamNode(id, fields);
      this.nodes.push(tail);
    }
    tail.append(id, fv);
    this.length++;
    this.entriesAdded = countIncr(this.entriesAdded);
    this.lastId = id;
    if (this.length === 1) this.firstId = id;
  }

  /** Index of the last node whose first ID <= id, or -1. */
  private nodeAtOrBefore(id: StreamID): number {
    const ns = this.nodes;
    let lo = 0;
    let hi = ns.length - 1;
    if (hi < 0 || cmpId(id, (ns[0] as StreamNode).master) < 0) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (cmpId(id, (ns[mid] as StreamNode).master) >= 0) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * Visit live entries with start <= ID <= end, ascending or (rev) descending, until fn
   * returns false. The stream must not change during the walk.
   */
  forEachEntry(start: StreamID, end: StreamID, rev: boolean, fn: (node: StreamNode, i: number) => boolean): void {
    const ns = this.nodes;
    if (!rev) {
      let ni = this.nodeAtOrBefore(start);
      if (ni < 0) ni = 0;
      for (let first = true; ni < ns.length; ni++, first = false) {
        const node = ns[ni] as StreamNode;
        for (let i = first ? node.lowerBound(start) : 0; i < node.n; i++) {
          if (node.isDeleted(i)) continue;
          if (cmpId(node.idAt(i), end) > 0) return;
          if (!fn(node, i)) return;
        }
      }
    } else {
      let ni = this.nodeAtOrBefore(end);
      for (let first = true; ni >= 0; ni--, first = false) {
        const node = ns[ni] as StreamNode;
        for (let i = first ? node.upperIndex(end) : node.n - 1; i >= 0; i--) {
          if (node.isDeleted(i)) continue;
          if (cmpId(node.idAt(i), start) < 0) return;
          if (!fn(node, i)) return;
        }
      }
    }
  }

  /** Node and index of the live entry with this ID, or null. */
  private locate(id: StreamID): { ni: number; i: number } | null {
    const ni = this.nodeAtOrBefore(id);
    if (ni < 0) return null;
    const node = this.nodes[ni] as StreamNode;
    const i = node.lowerBound(id);
    if (i >= node.n || node.isDeleted(i) || cmpId(node.idAt(i), id) !== 0) return null;
    return { ni, i };
  }

  /** streamEntryExists: a live entry with this ID. */
  has(id: StreamID): boolean {
    return this.locate(id) !== null;
  }

  /** The live entry with this ID as [node, index], or null. */
  entry(id: StreamID): [StreamNode, number] | null {
    const at = this.locate(id);
    return at === null ? null : [this.nodes[at.ni] as StreamNode, at.i];
  }

  /**
   * streamDeleteItem: tombstone the entry, or drop its node when it was the node's last live
   * entry. Counters (first ID, max deleted ID) are the caller's (XDEL's) business.
   */
  deleteEntry(id: StreamID): boolean {
    const at = this.locate(id);
    if (at === null) return false;
    const node = this.nodes[at.ni] as StreamNode;
    if (node.count === 1) this.nodes.splice(at.ni, 1);
    else node.markDeleted(at.i);
    this.length--;
    return true;
  }

  /**
   * streamGetEdgeID: the first (or last) entry's ID, tombstones included unless skipped;
   * ID_MAX (first) or ID_MIN (last) when there is none.
   */
  edgeId(first: boolean, skipTombstones: boolean): StreamID {
    const ns = this.nodes;
    if (first) {
      for (const node of ns) for (let i = 0; i < node.n; i++) if (!skipTombstones || !node.isDeleted(i)) return node.idAt(i);
      return ID_MAX;
    }
    for (let ni = ns.length - 1; ni >= 0; ni--) {
      const node = ns[ni] as StreamNode;
      for (let i = node.n - 1; i >= 0; i--) if (!skipTombstones || !node.isDeleted(i)) return node.idAt(i);
    }
    return ID_MIN;
  }

  /** streamLastValidID: the last live entry's ID (0-0 when empty). */
  lastValidId(): StreamID {
    return this.edgeId(false, true);
  }

  /** streamTrim: returns how many entries went. */
  trim(a: TrimArgs): number {
    const ns = this.nodes;
    let deleted = 0;
    let removed = 0;
    while (removed < ns.length) {
      if (a.strategy === 'maxlen' && this.length <= a.maxlen) break;
      const node = ns[removed] as StreamNode;
      const entries = node.count;
      if (a.limit !== 0 && deleted + entries > a.limit) break;
      const whole =
        a.strategy === 'maxlen' ? this.length - entries >= a.maxlen : cmpId(node.idAt(node.n - 1), a.minid) < 0;
      if (whole) {
        removed++;
        this.length -= entries;
        deleted += entries;
        continue;
      }
      if (a.approx) break;
      // Tombstone entries from the head of this node until the condition holds.
      for (let i = 0; i < node.n; i++) {
        const stop = a.strategy === 'maxlen' ? this.length <= a.maxlen : cmpId(node.idAt(i), a.minid) >= 0;
        if (stop) break;
        if (!node.isDeleted(i)) {
          node.markDeleted(i);
          this.length--;
          deleted++;
        }
      }
      break;
    }
    if (removed > 0) ns.splice(0, removed);
    if (this.length === 0) this.firstId = ID_MIN;
    else if (deleted > 0) this.firstId = this.edgeId(true, true);
    return deleted;
  }

  // ---- consumer-group bookkeeping ----------------------------------------------------------

  /** streamRangeHasTombstones: might [start, end] hold a deleted entry? */
  rangeHasTombstones(start: StreamID, end: StreamID | null): boolean {
    if (this.length === 0 || this.maxDeletedId.isZero()) return false;
    if (cmpId(this.firstId, this.maxDeletedId) > 0) return false;
    return cmpId(start, this.maxDeletedId) <= 0 && (end === null || cmpId(this.maxDeletedId, end) <= 0);
  }

  /**
   * streamEstimateDistanceFromFirstEverEntry: the logical read counter of `id`, when it can
   * be known; ENTRIES_READ_INVALID otherwise.
   */
  estimateDistance(id: StreamID): Count {
    if (isZeroCount(this.entriesAdded)) return 0;
    const cmpLast = cmpId(id, this.lastId);
    if (this.length === 0 && cmpLast < 1) return this.entriesAdded;
    if (cmpLast === 0) return this.entriesAdded;
    if (cmpLast > 0) return ENTRIES_READ_INVALID;
    const cmpFirst = cmpId(id, this.firstId);
    if (this.maxDeletedId.isZero() || cmpId(this.maxDeletedId, this.firstId) < 0) {
      if (cmpFirst < 0) return countSub(this.entriesAdded, this.length);
      if (cmpFirst === 0) return countSub(this.entriesAdded, this.length - 1);
    }
    return ENTRIES_READ_INVALID;
  }

  /** streamReplyWithCGLag: entries not yet delivered to the group, or null when unknown. */
  lag(g: ConsumerGroup): Count | null {
    if (isZeroCount(this.entriesAdded)) return 0;
    if (g.entriesRead !== ENTRIES_READ_INVALID && !this.rangeHasTombstones(g.lastId, null)) {
      return countSub(this.entriesAdded, g.entriesRead);
    }
    const read = this.estimateDistance(g.lastId);
    return read === ENTRIES_READ_INVALID ? null : countSub(this.entriesAdded, read);
  }

  lookupGroup(name: string): ConsumerGroup | undefined {
    return this.groups === null ? undefined : this.groups.get(name);
  }

  /** streamCreateCG; undefined when the name is taken. */
  createGroup(name: string, lastId: StreamID, entriesRead: Count): ConsumerGroup | undefined {
    if (this.groups === null) this.groups = new Map();
    if (this.groups.has(name)) return undefined;
    const g = new ConsumerGroup(lastId, entriesRead);
    this.groups.set(name, g);
    return g;
  }

  destroyGroup(name: string): boolean {
    return this.groups !== null && this.groups.delete(name);
  }

  /** Groups in name order, as Redis's radix tree lists them. */
  sortedGroups(): [string, ConsumerGroup][] {
    if (this.groups === null) return [];
    return [...this.groups].sort((a, b) => byteCompare(a[0], b[0]));
  }

  // ---- introspection ------------------------------------------------------------------------

  /**
   * rax->numnodes of Redis's radix tree of nodes, keyed by the 16-byte big-endian first IDs:
   * the node count of the compressed trie over those keys (a head node when empty).
   */
  radixTreeNodes(): number {
    const keys = this.nodes.map((n) => idBytes(n.master));
    if (keys.length === 0) return 1;
    return raxCount(keys, 0, keys.length, 0);
  }
}

function idBytes(id: StreamID): Uint8Array {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  v.setUint32(0, id.msHi);
  v.setUint32(4, id.msLo);
  v.setUint32(8, id.seqHi);
  v.setUint32(12, id.seqLo);
  return b;
}

/** Nodes of the compressed trie holding keys[lo..hi), which share their first `depth` bytes. */
function raxCount(keys: Uint8Array[], lo: number, hi: number, depth: number): number {
  if (depth === 16) return 1; // the key's own (leaf) node
  if (hi - lo === 1) return 2; // one compressed node with the rest of the key, then the leaf
  const a = keys[lo] as Uint8Array;
  const z = keys[hi - 1] as Uint8Array;
  let d = depth;
  while (a[d] === z[d]) d++;
  let total = (d > depth ? 1 : 0) + 1; // a compressed node for the shared run, then a branch
  let start = lo;
  for (let i = lo + 1; i <= hi; i++) {
    if (i === hi || (keys[i] as Uint8Array)[d] !== (keys[start] as Uint8Array)[d]) {
      total += raxCount(keys, start, i, d + 1);
      start = i;
    }
  }
  return total;
}
