/**
 * Pub/Sub: channel, pattern and shard-channel subscriptions and message delivery, as Redis's
 * pubsub.c. A message frame is encoded once per protocol version and handed to every
 * subscriber (RESP2 array or RESP3 push). Patterns use Redis's glob rules (util/glob.ts).
 *
 * Subscribers that stop reading are bounded by `client-output-buffer-limit pubsub`: the hard
 * limit disconnects at once, the soft limit after it has been exceeded continuously for the
 * soft seconds; the check runs each time a message is queued for that subscriber.
 */
import { globMatch } from '../util/glob.js';

export type SubKind = 'channel' | 'pattern' | 'shard';

export interface Subscriber {
  readonly id: number;
  readonly resp: 2 | 3;
  readonly channels: Set<string>;
  readonly patterns: Set<string>;
  readonly shardChannels: Set<string>;
  /** Queue raw protocol bytes for the subscriber and flush them. */
  deliver(frame: Buffer): void;
  /** Bytes queued for this subscriber and not yet written to its socket. */
  readonly outputBufferLength: number;
  /** Drop the connection (output buffer limit). */
  disconnect(reason: string): void;
  /** When the soft limit started being exceeded (0 = not exceeded). */
  softLimitSince: number;
}

export interface OutputLimit {
  hard: number;
  soft: number;
  softSeconds: number;
}

function bulk(s: string): string {
  return `$${s.length}\r\n${s}\r\n`;
}

function frame(resp: 2 | 3, parts: readonly string[]): Buffer {
  let out = `${resp === 3 ? '>' : '*'}${parts.length}\r\n`;
  for (const p of parts) out += bulk(p);
  return Buffer.from(out, 'latin1');
}

export class PubSub<S extends Subscriber> {
  private readonly channels = new Map<string, Set<S>>();
  private readonly patterns = new Map<string, Set<S>>();
  private readonly shard = new Map<string, Set<S>>();
  limit: OutputLimit = { hard: 32 * 1024 * 1024, soft: 8 * 1024 * 1024, softSeconds: 60 };
  now: () => number = Date.now;

  private table(kind: SubKind): Map<string, Set<S>> {
    return kind === 'channel' ? this.channels : kind === 'pattern' ? this.patterns : this.shard;
  }

  private own(s: S, kind: SubKind): Set<string> {
    return kind === 'channel' ? s.channels : kind === 'pattern' ? s.patterns : s.shardChannels;
  }

  /** Returns true when the subscription is new. */
  subscribe(s: S, kind: SubKind, name: string): boolean {
    const mine = this.own(s, kind);
    if (mine.has(name)) return false;
    mine.add(name);
    const t = this.table(kind);
    const set = t.get(name);
    if (set) set.add(s);
    else t.set(name, new Set([s]));
    return true;
  }

  unsubscribe(s: S, kind: SubKind, name: string): boolean {
    const mine = this.own(s, kind);
    if (!mine.delete(name)) return false;
    const t = this.table(kind);
    const set = t.get(name);
    if (set) {
      set.delete(s);
      if (set.size === 0) t.delete(name);
    }
    return true;
  }

  /** Forget a subscriber entirely (disconnect, RESET). */
  removeAll(s: S): void {
    for (const kind of ['channel', 'pattern', 'shard'] as const) {
      for (const name of [...this.own(s, kind)]) this.unsubscribe(s, kind, name);
    }
  }

  /** PUBLISH / SPUBLISH: returns the number of clients that received it. */
  publish(kind: 'channel' | 'shard', channel: string, message: string): number {
    let n = 0;
    const frames: [Buffer | null, Buffer | null] = [null, null];
    const get = (resp: 2 | 3, parts: () => string[]) => {
      const i = resp - 2;
      let f = frames[i] ?? null;
      if (f === null) {
        f = frame(resp, parts());
        frames[i] = f;
      }
      return f;
    };
    const direct = (kind === 'channel' ? this.channels : this.shard).get(channel);
    if (direct) {
      const type = kind === 'channel' ? 'message' : 'smessage';
      for (const s of direct) {
        this.send(s, get(s.resp, () => [type, channel, message]));
        n++;
      }
    }
    if (kind === 'channel' && this.patterns.size > 0) {
      for (const [pat, subs] of this.patterns) {
        if (!globMatch(pat, channel)) continue;
        const pframes: [Buffer | null, Buffer | null] = [null, null];
        for (const s of subs) {
          const i = s.resp - 2;
          let f = pframes[i] ?? null;
          if (f === null) {
            f = frame(s.resp, ['pmessage', pat, channel, message]);
            pframes[i] = f;
          }
          this.send(s, f);
          n++;
        }
      }
    }
    return n;
  }

  private send(s: S, f: Buffer): void {
    s.deliver(f);
    const used = s.outputBufferLength;
    const l = this.limit;
    if (l.hard > 0 && used >= l.hard) {
      s.disconnect('hard');
      return;
    }
    if (l.soft > 0 && used >= l.soft) {
      const now = this.now();
      if (s.softLimitSince === 0) s.softLimitSince = now;
      else if (now - s.softLimitSince >= l.softSeconds * 1000) s.disconnect('soft');
    } else {
      s.softLimitSince = 0;
    }
  }

  /** PUBSUB CHANNELS / SHARDCHANNELS [pattern] */
  activeChannels(kind: 'channel' | 'shard', pattern: string | null): string[] {
    const out: string[] = [];
    for (const name of this.table(kind).keys()) if (pattern === null || globMatch(pattern, name)) out.push(name);
    return out;
  }

  /** PUBSUB NUMSUB / SHARDNUMSUB */
  count(kind: 'channel' | 'shard', name: string): number {
    return this.table(kind).get(name)?.size ?? 0;
  }

  /** PUBSUB NUMPAT: number of distinct patterns subscribed (Redis 7.0 counts patterns). */
  get patternCount(): number {
    return this.patterns.size;
  }

  get channelCount(): number {
    return this.channels.size;
  }

  get shardChannelCount(): number {
    return this.shard.size;
  }
}

/** Parse `client-output-buffer-limit`'s pubsub class (e.g. "normal 0 0 0 slave ... pubsub 33554432 8388608 60"). */
export function parsePubsubLimit(text: string): OutputLimit | null {
  const parts = text.trim().split(/\s+/);
  for (let i = 0; i + 3 < parts.length; i += 4) {
    if ((parts[i] as string).toLowerCase() === 'pubsub') {
      const hard = Number(parts[i + 1]);
      const soft = Number(parts[i + 2]);
      const secs = Number(parts[i + 3]);
      if ([hard, soft, secs].some((n) => !Number.isFinite(n))) return null;
      return { hard, soft, softSeconds: secs };
    }
  }
  return null;
}
