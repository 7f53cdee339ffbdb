/**
 * A client's side of Pub/Sub (PubSubControl): subscription confirmations in the client's
 * protocol, and the counts Redis reports in them.
 */
import type { PubSubControl, SubscriptionKind } from '../commands/spec.js';
import type { Client } from './client.js';
import type { Server } from './server.js';

const VERB: Record<SubscriptionKind, [string, string]> = {
  channel: ['subscribe', 'unsubscribe'],
  pattern: ['psubscribe', 'punsubscribe'],
  shard: ['ssubscribe', 'sunsubscribe'],
};

export class ClientPubSub implements PubSubControl {
  constructor(
    private readonly c: Client,
    private readonly server: Server,
  ) {}

  get subscriptions(): number {
    return this.c.channels.size + this.c.patterns.size;
  }

  get subscribed(): boolean {
    return this.c.channels.size + this.c.patterns.size + this.c.shardChannels.size > 0;
  }

  private countFor(kind: SubscriptionKind): number {
    return kind === 'shard' ? this.c.shardChannels.size : this.subscriptions;
  }

  private confirm(verb: string, name: string | null, count: number): void {
    const w = this.c.reply;
    w.pushHeader(3);
    w.bulk(verb);
    if (name === null) w.nullBulk();
    else w.bulk(name);
    w.integer(count);
  }

  /**
   * Confirmations are push messages, which CLIENT REPLY OFF/SKIP do not silence (Redis writes
   * them with CLIENT_PUSHING set, in RESP2 too): hand them to the connection now, before the
   * dispatcher drops the command's reply.
   */
  private pushed(): void {
    if (this.c.replyMode !== 'on') this.c.transport?.flush();
  }

  subscribe(kind: SubscriptionKind, names: readonly string[]): void {
    for (const n of names) {
      this.server.pubsub.subscribe(this.c, kind, n);
      this.confirm(VERB[kind][0], n, this.countFor(kind));
    }
    this.pushed();
  }

  unsubscribe(kind: SubscriptionKind, names: readonly string[] | null): void {
    const mine = kind === 'channel' ? this.c.channels : kind === 'pattern' ? this.c.patterns : this.c.shardChannels;
    const list = names ?? [...mine];
    if (list.length === 0) {
      this.confirm(VERB[kind][1], null, this.countFor(kind));
    } else {
      for (const n of list) {
        this.server.pubsub.unsubscribe(this.c, kind, n);
        this.confirm(VERB[kind][1], n, this.countFor(kind));
      }
    }
    this.pushed();
  }

  publish(kind: 'channel' | 'shard', channel: string, message: string): number {
    return this.server.pubsub.publish(kind, channel, message);
  }

  activeChannels(kind: 'channel' | 'shard', pattern: string | null): string[] {
    return this.server.pubsub.activeChannels(kind, pattern);
  }

  count(kind: 'channel' | 'shard', name: string): number {
    return this.server.pubsub.count(kind, name);
  }

  get patternCount(): number {
    return this.server.pubsub.patternCount;
  }
}
