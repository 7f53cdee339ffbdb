/**
 * Consumer groups of a stream: the group (last delivered ID, entries_read counter, the pending
 * entries list), its consumers (each with its own PEL and seen-time) and the NACKs — one per
 * delivered-but-unacknowledged entry, shared between the group PEL and its owner's PEL, as in
 * Redis's streamCG / streamConsumer / streamNACK.
 *
 * Groups and consumers live in Maps; whoever lists them (XINFO, XPENDING) sorts the names
 * bytewise, which is the order of Redis's radix trees. Times are absolute ms supplied by the
 * caller (the command's time): this layer has no clock.
 */
import { IdMap } from './structures/id-map.js';
import type { Count, StreamID } from './structures/stream-id.js';

/** entries_read when the group's position in the stream's history is unknown. */
export const ENTRIES_READ_INVALID = -1;

export class Nack {
  deliveryTime: number;
  deliveryCount: Count;
  /** Null only transiently, for a NACK XCLAIM FORCE creates before assigning it. */
  consumer: Consumer | null;

  constructor(consumer: Consumer | null, now: number) {
    this.deliveryTime = now;
    this.deliveryCount = 1;
    this.consumer = consumer;
  }
}

export class Consumer {
  readonly name: string;
  seenTime: number;
  readonly pel = new IdMap<Nack>();

  constructor(name: string, now: number) {
    this.name = name;
    this.seenTime = now;
  }
}

export class ConsumerGroup {
  lastId: StreamID;
  entriesRead: Count;
  readonly pel = new IdMap<Nack>();
  readonly consumers = new Map<string, Consumer>();

  constructor(lastId: StreamID, entriesRead: Count) {
    this.lastId = lastId;
    this.entriesRead = entriesRead;
  }

  /** streamLookupConsumer: refreshes seen-time unless told not to. */
  lookupConsumer(name: string, now: number, refresh = true): Consumer | undefined {
    const c = this.consumers.get(name);
    if (c !== undefined && refresh) c.seenTime = now;
    return c;
  }

  /** streamCreateConsumer; undefined when it exists already. */
  createConsumer(name: string, now: number): Consumer | undefined {
    if (this.consumers.has(name)) return undefined;
    const c = new Consumer(name, now);
    this.consumers.set(name, c);
    return c;
  }

  /** streamDelConsumer: its pending entries leave the group PEL too. Returns how many. */
  deleteConsumer(c: Consumer): number {
    const n = c.pel.size;
    c.pel.forEach(null, (id) => {
      this.pel.delete(id);
      return true;
    });
    this.consumers.delete(c.name);
    return n;
  }

  /** Drop a NACK from the group PEL and its owner's (XACK, claims of deleted entries). */
  removeNack(id: StreamID, nack: Nack): void {
    this.pel.delete(id);
    if (nack.consumer !== null) nack.consumer.pel.delete(id);
  }

  /** Consumers in name order (the order of Redis's radix tree). */
  sortedConsumers(): Consumer[] {
    return [...this.consumers.values()].sort((a, b) => byteCompare(a.name, b.name));
  }

  /** A deep copy with NACKs shared between the copied group and consumer PELs. */
  clone(): ConsumerGroup {
    const g = new ConsumerGroup(this.lastId, this.entriesRead);
    const copies = new Map<Nack, Nack>();
    this.pel.forEach(null, (id, nack) => {
      const n = new Nack(null, nack.deliveryTime);
      n.deliveryCount = nack.deliveryCount;
      copies.set(nack, n);
      g.pel.insert(id, n);
      return true;
    });
    for (const c of this.consumers.values()) {
      const nc = new Consumer(c.name, c.seenTime);
      g.consumers.set(c.name, nc);
      c.pel.forEach(null, (id, nack) => {
        const n = copies.get(nack) as Nack;
        n.consumer = nc;
        nc.pel.insert(id, n);
        return true;
      });
    }
    return g;
  }
}

/** memcmp order of latin1 strings (one char per byte), as radix trees iterate. */
export function byteCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
