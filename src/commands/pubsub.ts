/**
 * Pub/Sub commands: SUBSCRIBE PSUBSCRIBE UNSUBSCRIBE PUNSUBSCRIBE PUBLISH PUBSUB
 * SSUBSCRIBE SUNSUBSCRIBE SPUBLISH. The subscription state and delivery live in
 * src/pubsub/pubsub.ts, reached through ctx.pubsub.
 */
import type { Argv } from '../protocol/argv.js';
import { ERR, unknownSubcommandOrArity } from './errors.js';
import type { CommandContext, CommandSpec, SubscriptionKind } from './spec.js';
import { replyHelp } from './object.js';

const subFlags = ['pubsub', 'noscript', 'loading', 'stale'] as const;

function names(argv: Argv, from: number): string[] {
  const out: string[] = [];
  for (let i = from; i < argv.argc; i++) out.push(argv.str(i));
  return out;
}

const sub = (kind: SubscriptionKind) => (ctx: CommandContext, argv: Argv) => ctx.pubsub.subscribe(kind, names(argv, 1));

/**
 * SSUBSCRIBE: a client that expects one reply per command (inside MULTI/EXEC) cannot enter
 * subscribed mode. Redis lets SUBSCRIBE/PSUBSCRIBE through there for backward compatibility.
 */
function ssubscribe(ctx: CommandContext, argv: Argv): void {
  if (!ctx.canBlock) {
    ctx.reply.error(ERR.ssubscribeDenyBlocking);
    return;
  }
  ctx.pubsub.subscribe('shard', names(argv, 1));
}
const unsub = (kind: SubscriptionKind) => (ctx: CommandContext, argv: Argv) =>
  ctx.pubsub.unsubscribe(kind, argv.argc > 1 ? names(argv, 1) : null);

/** Lines between addReplyHelp's header and its closing HELP entry (same shape as Redis's). */
const HELP_LINES = [
  'CHANNELS [<pattern>]',
  '    List the channels that have at least one subscriber, optionally matching <pattern>.',
  'NUMPAT',
  '    Count the patterns clients are subscribed to.',
  'NUMSUB [<channel> ...]',
  '    For each channel, count its subscribers; subscriptions to patterns are not',
  '    counted (no channels: an empty list).',
  'SHARDCHANNELS [<pattern>]',
  '    List the shard channels that have at least one subscriber, optionally matching <pattern>.',
  'SHARDNUMSUB [<shardchannel> ...]',
  '    For each shard channel, count its subscribers.',
];

const shardKeySpec = [{ flags: ['not_key'], begin_search: { index: 1 }, find_keys: { lastkey: -1, keystep: 1, limit: 0 } }];

export const pubsubCommands = [
  {
    name: 'subscribe', arity: -2, flags: subFlags, group: 'pubsub', since: '2.0.0', summary: 'Listen for messages published to channels',
    complexity: 'O(N) where N is the number of channels to subscribe to.', args: [{ name: 'channel', type: 'string', multiple: true }],
    run: sub('channel'),
  },
  {
    name: 'psubscribe', arity: -2, flags: subFlags, group: 'pubsub', since: '2.0.0', summary: 'Listen for messages published to channels matching patterns',
    complexity: 'O(N) where N is the number of patterns the client is already subscribed to.',
    args: [{ name: 'pattern', type: 'block', multiple: true, arguments: [{ name: 'pattern', type: 'pattern' }] }], run: sub('pattern'),
  },
  {
    name: 'ssubscribe', arity: -2, flags: subFlags, keys: [1, -1, 1], keySpecs: shardKeySpec, group: 'pubsub', since: '7.0.0',
    summary: 'Listen for messages published to shard channels', complexity: 'O(N) where N is the number of shard channels to subscribe to.',
    args: [{ name: 'shardchannel', type: 'string', multiple: true }], run: ssubscribe,
  },
  {
    name: 'unsubscribe', arity: -1, flags: subFlags, group: 'pubsub', since: '2.0.0', summary: 'Stop listening to channels',
    complexity: 'O(N) where N is the number of clients already subscribed to a channel.',
    args: [{ name: 'channel', type: 'string', optional: true, multiple: true }], run: unsub('channel'),
  },
  {
    name: 'punsubscribe', arity: -1, flags: subFlags, group: 'pubsub', since: '2.0.0', summary: 'Stop listening to channel patterns',
    complexity: 'O(N+M) where N is the number of patterns the client is already subscribed and M is the number of total patterns subscribed in the system (by any client).',
    args: [{ name: 'pattern', type: 'pattern', optional: true, multiple: true }], run: unsub('pattern'),
  },
  {
    name: 'sunsubscribe', arity: -1, flags: subFlags, keys: [1, -1, 1], keySpecs: shardKeySpec, group: 'pubsub', since: '7.0.0',
    summary: 'Stop listening to shard channels', complexity: 'O(N) where N is the number of clients already subscribed to a shard channel.',
    args: [{ name: 'shardchannel', type: 'string', optional: true, multiple: true }], run: unsub('shard'),
  },
  {
    name: 'publish', arity: 3, flags: ['pubsub', 'loading', 'stale', 'fast'], group: 'pubsub', since: '2.0.0',
    summary: 'Post a message to a channel', complexity: 'O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).',
    args: [{ name: 'channel', type: 'string' }, { name: 'message', type: 'string' }],
    run: (ctx: CommandContext, argv: Argv) => ctx.reply.integer(ctx.pubsub.publish('channel', argv.str(1), argv.str(2))),
  },
  {
    name: 'spublish', arity: 3, flags: ['pubsub', 'loading', 'stale', 'fast'], keys: [1, 1, 1],
    keySpecs: [{ flags: ['not_key'], begin_search: { index: 1 }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } }],
    group: 'pubsub', since: '7.0.0', summary: 'Post a message to a shard channel', complexity: 'O(N) where N is the number of clients subscribed to the receiving shard channel.',
    args: [{ name: 'shardchannel', type: 'string' }, { name: 'message', type: 'string' }],
    run: (ctx: CommandContext, argv: Argv) => ctx.reply.integer(ctx.pubsub.publish('shard', argv.str(1), argv.str(2))),
  },
  {
    name: 'pubsub', arity: -2, flags: [], group: 'pubsub', since: '2.8.0', summary: 'A container for Pub/Sub commands', complexity: 'Depends on subcommand.',
    subcommands: [
      {
        name: 'channels', arity: -2, flags: ['pubsub', 'loading', 'stale'], group: 'pubsub', since: '2.8.0', summary: 'List active channels',
        complexity: 'O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)',
        args: [{ name: 'pattern', type: 'pattern', optional: true }],
        run: (ctx: CommandContext, argv: Argv) => channels(ctx, argv, 'channel'),
      },
      {
        name: 'shardchannels', arity: -2, flags: ['pubsub', 'loading', 'stale'], group: 'pubsub', since: '7.0.0', summary: 'List active shard channels',
        complexity: 'O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels).',
        args: [{ name: 'pattern', type: 'pattern', optional: true }],
        run: (ctx: CommandContext, argv: Argv) => channels(ctx, argv, 'shard'),
      },
      {
        name: 'numsub', arity: -2, flags: ['pubsub', 'loading', 'stale'], group: 'pubsub', since: '2.8.0', summary: 'Count subscribers of channels',
        complexity: 'O(N) for the NUMSUB subcommand, where N is the number of requested channels',
        args: [{ name: 'channel', type: 'string', optional: true, multiple: true }],
        run: (ctx: CommandContext, argv: Argv) => numsub(ctx, argv, 'channel'),
      },
      {
        name: 'shardnumsub', arity: -2, flags: ['pubsub', 'loading', 'stale'], group: 'pubsub', since: '7.0.0', summary: 'Count subscribers of shard channels',
        complexity: 'O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels',
        args: [{ name: 'shardchannel', type: 'string', optional: true, multiple: true }],
        run: (ctx: CommandContext, argv: Argv) => numsub(ctx, argv, 'shard'),
      },
      {
        name: 'numpat', arity: 2, flags: ['pubsub', 'loading', 'stale'], group: 'pubsub', since: '2.8.0', summary: 'Count the subscribed patterns',
        complexity: 'O(1)', run: (ctx: CommandContext) => ctx.reply.integer(ctx.pubsub.patternCount),
      },
      {
        name: 'help', arity: 2, flags: ['loading', 'stale'], group: 'pubsub', since: '6.2.0', summary: 'Show what PUBSUB can do', complexity: 'O(1)',
        run: (ctx: CommandContext) => replyHelp(ctx, 'PUBSUB', HELP_LINES),
      },
    ],
  },
] as const satisfies readonly CommandSpec[];

/** PUBSUB CHANNELS / SHARDCHANNELS [pattern]: more than one pattern is Redis's syntax error. */
function channels(ctx: CommandContext, argv: Argv, kind: 'channel' | 'shard'): void {
  if (argv.argc > 3) {
    ctx.reply.error(unknownSubcommandOrArity(argv.str(1), 'pubsub'));
    return;
  }
  ctx.reply.bulkArray(ctx.pubsub.activeChannels(kind, argv.argc > 2 ? argv.str(2) : null));
}

function numsub(ctx: CommandContext, argv: Argv, kind: 'channel' | 'shard'): void {
  ctx.reply.arrayHeader((argv.argc - 2) * 2);
  for (let i = 2; i < argv.argc; i++) {
    const name = argv.str(i);
    ctx.reply.bulk(name);
    ctx.reply.integer(ctx.pubsub.count(kind, name));
  }
}
