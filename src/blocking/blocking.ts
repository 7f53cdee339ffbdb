/**
 * Blocking commands (BLPOP, BRPOP, BLMOVE, BLMPOP, BZPOPMIN, BZMPOP, XREAD BLOCK, ...): the
 * registry of clients waiting on keys and the rules for waking them, as Redis's blocked.c.
 *
 * A handler that finds nothing to serve calls ctx.block() with the keys and two callbacks:
 * serve(key) retries the command's work for a key that may now be ready (replying and
 * returning true when it could), timeout() replies the timeout answer. Any modification of a
 * key someone waits on (the keyspace's `modified` signal) marks it ready; after the current
 * command completes — after EXEC or a script as a whole, never in the middle — ready keys are
 * served, waiting clients first-come first-served. A served client is unblocked, its reply is
 * flushed and the requests it pipelined meanwhile run. Serving may make other keys ready
 * (BLMOVE pushes), which are served in the same pass. Spurious signals are harmless: serve()
 * re-checks the data.
 */
import type { BlockRequest } from '../commands/spec.js';

/** What the blocking layer needs from a client. */
export interface Blockable {
  readonly id: number;
  blocked: boolean;
  dbIndex: number;
  /** Flush the reply and process requests that arrived while blocked. */
  resume(): void;
  /** Reply an error (CLIENT UNBLOCK ... ERROR). */
  replyError(msg: string): void;
}

interface Waiter<C extends Blockable> {
  readonly client: C;
  readonly req: BlockRequest;
  readonly slots: string[];
  timer: NodeJS.Timeout | null;
}

/** Runs a serve/timeout callback in the client's context (time, dirty counting, propagation). */
export type RunAs<C> = (client: C, fn: () => boolean) => boolean;

/** The longest delay setTimeout honours. */
const MAX_TIMER_MS = 2147483647;

function slotOf(db: number, key: string): string {
  return `${db}\u0000${key}`;
}

export class BlockManager<C extends Blockable> {
  private readonly waiting = new Map<string, Waiter<C>[]>();
  private readonly byClient = new Map<number, Waiter<C>>();
  private readonly ready = new Set<string>();
  private resumeQueue: C[] = [];
  private serving = false;

  constructor(
    private readonly runAs: RunAs<C>,
    private readonly clock: () => number,
  ) {}

  get blockedClients(): number {
    return this.byClient.size;
  }

  isBlocked(id: number): boolean {
    return this.byClient.has(id);
  }

  block(client: C, req: BlockRequest): void {
    const slots = req.keys.map((k) => slotOf(client.dbIndex, k));
    const w: Waiter<C> = { client, req, slots, timer: null };
    for (const s of new Set(slots)) {
      const list = this.waiting.get(s);
      if (list) list.push(w);
      else this.waiting.set(s, [w]);
    }
    this.byClient.set(client.id, w);
    client.blocked = true;
    if (req.deadline > 0) this.arm(w);
  }

  /** setTimeout caps delays at 2^31-1 ms (longer ones fire at once): re-arm until the deadline. */
  private arm(w: Waiter<C>): void {
    const ms = Math.max(0, w.req.deadline - this.clock());
    w.timer = setTimeout(() => (ms > MAX_TIMER_MS ? this.arm(w) : this.onTimeout(w)), Math.min(ms, MAX_TIMER_MS));
  }

  /** A key changed: if someone waits on it, serve after the current command. */
  signal(db: number, key: string): void {
    if (this.waiting.size === 0) return;
    const s = slotOf(db, key);
    if (this.waiting.has(s)) this.ready.add(s);
  }

  /**
   * Every key waited on in database `db` may have changed (FLUSHDB/FLUSHALL, SWAPDB): serve
   * them after the command, as Redis does for stream readers whose key is gone.
   */
  signalDb(db: number): void {
    if (this.waiting.size === 0) return;
    const prefix = `${db}\u0000`;
    for (const s of this.waiting.keys()) if (s.startsWith(prefix)) this.ready.add(s);
  }

  get hasReady(): boolean {
    return this.ready.size > 0 || this.resumeQueue.length > 0;
  }

  /** Serve every ready key, then let unblocked clients run what they pipelined. */
  serveReady(): void {
    if (this.serving) return;
    this.serving = true;
    try {
      for (;;) {
        while (this.ready.size > 0) {
          const batch = [...this.ready];
          this.ready.clear();
          for (const s of batch) this.serveSlot(s);
        }
        if (this.resumeQueue.length === 0) break;
        const q = this.resumeQueue;
        this.resumeQueue = [];
        for (const c of q) c.resume();
      }
    } finally {
      this.serving = false;
    }
  }

  private serveSlot(s: string): void {
    const list = this.waiting.get(s);
    if (!list) return;
    const key = s.slice(s.indexOf('\u0000') + 1);
    for (const w of [...list]) {
      if (this.byClient.get(w.client.id) !== w) continue;
      const served = this.runAs(w.client, () => w.req.serve(key));
      if (served) this.release(w);
    }
  }

  private onTimeout(w: Waiter<C>): void {
    w.timer = null;
    if (this.byClient.get(w.client.id) !== w) return;
    this.runAs(w.client, () => {
      w.req.timeout();
      return true;
    });
    this.release(w);
    this.serveReady();
  }

  /** Take the waiter out of every list and queue its client to resume. */
  private release(w: Waiter<C>): void {
    this.remove(w);
    this.resumeQueue.push(w.client);
  }

  private remove(w: Waiter<C>): void {
    if (w.timer !== null) clearTimeout(w.timer);
    w.timer = null;
    for (const s of new Set(w.slots)) {
      const list = this.waiting.get(s);
      if (!list) continue;
      const i = list.indexOf(w);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) this.waiting.delete(s);
    }
    this.byClient.delete(w.client.id);
    w.client.blocked = false;
  }

  /** CLIENT UNBLOCK: answer as a timeout, or with the UNBLOCKED error. Returns whether it was blocked. */
  unblock(id: number, withError: boolean): boolean {
    const w = this.byClient.get(id);
    if (!w) return false;
    this.runAs(w.client, () => {
      if (withError) w.client.replyError('UNBLOCKED client unblocked via CLIENT UNBLOCK');
      else w.req.timeout();
      return true;
    });
    this.release(w);
    return true;
  }

  /** The client went away: forget it without replying. */
  drop(id: number): void {
    const w = this.byClient.get(id);
    if (w) this.remove(w);
    this.resumeQueue = this.resumeQueue.filter((c) => c.id !== id);
  }
}
