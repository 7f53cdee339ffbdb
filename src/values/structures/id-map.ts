/**
 * IdMap: an ordered map from stream IDs to values, for the pending entries lists (PEL) of
 * consumer groups and consumers — Redis keeps these in radix trees keyed by the 128-bit ID.
 *
 * A sorted list of chunks: each chunk holds up to CHUNK sorted keys (four uint32 words per ID
 * in one typed array) and their values; chunks are found by binary search on their first key,
 * so look-ups, inserts and deletes are O(log n + CHUNK). Deliveries append in ID order, which
 * fills chunks densely; a chunk that drains below a quarter merges with its successor.
 *
 * Imports nothing from src/ beyond stream-id.
 */
import { cmpIdWords, readIdWords, writeIdWords, type StreamID } from './stream-id.js';

const CHUNK = 64;

class Chunk<V> {
  keys = new Uint32Array(CHUNK * 4);
  vals: V[] = [];
  n = 0;
}

export class IdMap<V> {
  private chunks: Chunk<V>[] = [];
  size = 0;

  /** Index of the chunk that holds or would hold id (-1 when there are none). */
  private chunkFor(id: StreamID): number {
    const cs = this.chunks;
    let lo = 0;
    let hi = cs.length - 1;
    if (hi < 0) return -1;
    // Last chunk whose first key <= id.
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (cmpIdWords(id, (cs[mid] as Chunk<V>).keys, 0) >= 0) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** First position in chunk c whose key >= id. */
  private lowerBound(c: Chunk<V>, id: StreamID): number {
    let lo = 0;
    let hi = c.n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cmpIdWords(id, c.keys, mid * 4) > 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  get(id: StreamID): V | undefined {
    const ci = this.chunkFor(id);
    if (ci < 0) return undefined;
    const c = this.chunks[ci] as Chunk<V>;
    const i = this.lowerBound(c, id);
    if (i < c.n && cmpIdWords(id, c.keys, i * 4) === 0) return c.vals[i];
    return undefined;
  }

  /** Insert when absent (raxTryInsert); returns false, changing nothing, when present. */
  insert(id: StreamID, v: V): boolean {
    let ci = this.chunkFor(id);
    if (ci < 0) {
      const c = new Chunk<V>();
      writeIdWords(id, c.keys, 0);
      c.vals.push(v);
      c.n = 1;
      this.chunks.push(c);
      this.size++;
      return true;
    }
    let c = this.chunks[ci] as Chunk<V>;
    let i = this.lowerBound(c, id);
    if (i < c.n && cmpIdWords(id, c.keys, i * 4) === 0) return false;
    if (c.n === CHUNK) {
      // Appends (the common case) start a fresh chunk; other inserts split the full one.
      if (i === CHUNK && ci === this.chunks.length - 1) {
        const next = new Chunk<V>();
        this.chunks.push(next);
        c = next;
        ci++;
        i = 0;
      } else {
        const right = new Chunk<V>();
        const half = CHUNK >> 1;
        right.keys.set(c.keys.subarray(half * 4, CHUNK * 4));
        right.vals = c.vals.splice(half);
        right.n = CHUNK - half;
        c.n = half;
        this.chunks.splice(ci + 1, 0, right);
        if (i > half) {
          c = right;
          i -= half;
        }
      }
    }
    c.keys.copyWithin((i + 1) * 4, i * 4, c.n * 4);
    writeIdWords(id, c.keys, i * 4);
    c.vals.splice(i, 0, v);
    c.n++;
    this.size++;
    return true;
  }

  delete(id: StreamID): boolean {
    const ci = this.chunkFor(id);
    if (ci < 0) return false;
    const c = this.chunks[ci] as Chunk<V>;
    const i = this.lowerBound(c, id);
    if (i >= c.n || cmpIdWords(id, c.keys, i * 4) !== 0) return false;
    c.keys.copyWithin(i * 4, (i + 1) * 4, c.n * 4);
    c.vals.splice(i, 1);
    c.n--;
    this.size--;
    if (c.n === 0) {
      this.chunks.splice(ci, 1);
    } else if (c.n < CHUNK >> 2 && ci + 1 < this.chunks.length) {
      const next = this.chunks[ci + 1] as Chunk<V>;
      if (c.n + next.n <= CHUNK) {
        c.keys.set(next.keys.subarray(0, next.n * 4), c.n * 4);
        for (let j = 0; j < next.n; j++) c.vals.push(next.vals[j] as V);
        c.n += next.n;
        this.chunks.splice(ci + 1, 1);
      }
    }
    return true;
  }

  /** The smallest key, or null when empty. */
  firstKey(): StreamID | null {
    const c = this.chunks[0];
    return c === undefined ? null : readIdWords(c.keys, 0);
  }

  lastKey(): StreamID | null {
    const c = this.chunks[this.chunks.length - 1];
    return c === undefined ? null : readIdWords(c.keys, (c.n - 1) * 4);
  }

  /** The first entry whose key >= id, or null (raxSeek ">=" then raxNext). */
  ceiling(id: StreamID): { id: StreamID; value: V } | null {
    let ci = this.chunkFor(id);
    if (ci < 0) return null;
    let c = this.chunks[ci] as Chunk<V>;
    let i = this.lowerBound(c, id);
    if (i >= c.n) {
      ci++;
      if (ci >= this.chunks.length) return null;
      c = this.chunks[ci] as Chunk<V>;
      i = 0;
    }
    return { id: readIdWords(c.keys, i * 4), value: c.vals[i] as V };
  }

  /**
   * Visit entries in key order starting at the first key >= from (all when from is null)
   * until fn returns false. The map must not be modified during the walk.
   */
  forEach(from: StreamID | null, fn: (id: StreamID, v: V) => boolean): void {
    const cs = this.chunks;
    let ci = 0;
    let i = 0;
    if (from !== null) {
      ci = this.chunkFor(from);
      if (ci < 0) return;
      i = this.lowerBound(cs[ci] as Chunk<V>, from);
    }
    for (; ci < cs.length; ci++, i = 0) {
      const c = cs[ci] as Chunk<V>;
      for (; i < c.n; i++) if (!fn(readIdWords(c.keys, i * 4), c.vals[i] as V)) return;
    }
  }
}
