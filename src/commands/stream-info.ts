/**
 * XINFO STREAM [FULL [COUNT n]] | GROUPS | CONSUMERS | HELP, with Redis 7.0's fields:
 * entries-added, max-deleted-entry-id, recorded-first-entry-id, each group's entries-read and
 * lag, and per consumer 'idle' (XINFO CONSUMERS) or 'seen-time' (FULL). Groups and consumers
 * are listed in name order, as Redis's radix trees hold them.
 */
import type { Argv } from '../protocol/argv.js';
import type { ReplyWriter } from '../protocol/reply-writer.js';
import type { RedisStream } from '../values/stream.js';
import { ENTRIES_READ_INVALID, type ConsumerGroup } from '../values/stream-group.js';
import { ID_MAX, ID_MIN, type Count } from '../values/structures/stream-id.js';
import { replyHelp } from './client.js';
import { ERR, noSuchGroup, unknownSubcommandOrArity } from './errors.js';
import { getStream, replyEntry, replyRange } from './stream.js';
import type { ArgDoc, CommandContext, CommandSpec, KeySpec } from './spec.js';

const KEY_AT_2: KeySpec[] = [{ flags: ['RO', 'access'], begin_search: { index: 2 }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } }];
const KEY: ArgDoc = { name: 'key', type: 'key', key_spec_index: 0 };
const sub = { group: 'stream', acl: ['stream'], since: '5.0.0' } as const;

export const streamInfoCommands = [
  {
    name: 'xinfo', arity: -2, flags: [], group: 'stream', since: '5.0.0', summary: 'A container for stream introspection commands',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        ...sub, name: 'stream', arity: -3, flags: ['readonly'], keys: [2, 2, 1], keySpecs: KEY_AT_2,
        summary: "Describe a stream: its counters, first and last entries, or with FULL its entries, groups and PELs",
        complexity: 'O(1), or O(N) for the entries and pending entries FULL returns',
        args: [KEY, { name: 'full', type: 'block', token: 'FULL', optional: true, arguments: [{ name: 'count', type: 'integer', token: 'COUNT', optional: true }] }],
        run: xinfoStream,
      },
      {
        ...sub, name: 'groups', arity: 3, flags: ['readonly'], keys: [2, 2, 1], keySpecs: KEY_AT_2,
        summary: 'Describe the consumer groups of a stream', complexity: 'O(M) for the M groups', args: [KEY], run: xinfoGroups,
      },
      {
        ...sub, name: 'consumers', arity: 4, flags: ['readonly'], keys: [2, 2, 1], keySpecs: KEY_AT_2, tips: ['nondeterministic_output'],
        summary: 'Describe the consumers of a consumer group', complexity: 'O(M) for the M consumers',
        args: [KEY, { name: 'groupname', type: 'string' }], run: xinfoConsumers,
      },
      {
        ...sub, name: 'help', arity: 2, flags: ['loading', 'stale'], summary: 'Describe the XINFO subcommands', complexity: 'O(1)',
        run: (ctx: CommandContext) => replyHelp(ctx, 'XINFO', XINFO_HELP),
      },
    ],
  },
] as const satisfies readonly CommandSpec[];

const XINFO_HELP = [
  'CONSUMERS <key> <groupname>',
  '    Show consumers of <groupname>.',
  'GROUPS <key>',
  '    Show the stream consumer groups.',
  'STREAM <key> [FULL [COUNT <count>]',
  '    Show information about the stream.',
];

/** The stream at argv[2]; "no such key" when missing; null after replying. */
function infoStream(ctx: CommandContext, argv: Argv): RedisStream | null {
  const s = getStream(ctx, argv.str(2), false);
  if (s === undefined) {
    ctx.reply.error(ERR.noSuchKey);
    return null;
  }
  return s;
}

function replyCount(w: ReplyWriter, c: Count | null): void {
  if (c === null) w.nullBulk();
  else w.integer(c);
}

function replyEntriesRead(w: ReplyWriter, g: ConsumerGroup): void {
  replyCount(w, g.entriesRead === ENTRIES_READ_INVALID ? null : g.entriesRead);
}

/** XINFO STREAM key [FULL [COUNT count]] */
function xinfoStream(ctx: CommandContext, argv: Argv): void {
  const s = infoStream(ctx, argv);
  if (s === null) return;
  const optc = argv.argc - 3;
  let full = false;
  let count = 10;
  if (optc > 0) {
    const bad = (optc !== 1 && optc !== 3) || !argv.is(3, 'FULL') || (optc === 3 && !argv.is(4, 'COUNT'));
    if (bad) return void ctx.reply.error(unknownSubcommandOrArity(argv.str(1), 'xinfo'));
    if (optc === 3) {
      const v = argv.int(5);
      if (v === null) return void ctx.reply.error(ERR.notInteger);
      count = v < 0 ? 10 : Number(v);
    }
    full = true;
  }
  const w = ctx.reply;
  w.mapHeader(full ? 9 : 10);
  w.bulk('length');
  w.integer(s.length);
  w.bulk('radix-tree-keys');
  w.integer(s.nodes.length);
  w.bulk('radix-tree-nodes');
  w.integer(s.radixTreeNodes());
  w.bulk('last-generated-id');
  w.bulk(s.lastId.toString());
  w.bulk('max-deleted-entry-id');
  w.bulk(s.maxDeletedId.toString());
  w.bulk('entries-added');
  w.integer(s.entriesAdded);
  w.bulk('recorded-first-entry-id');
  w.bulk(s.firstId.toString());
  if (!full) {
    w.bulk('groups');
    w.integer(s.groups === null ? 0 : s.groups.size);
    w.bulk('first-entry');
    replyEdge(w, s, false);
    w.bulk('last-entry');
    replyEdge(w, s, true);
    return;
  }
  w.bulk('entries');
  replyRange(w, s, ID_MIN, ID_MAX, count, false);
  w.bulk('groups');
  const groups = s.sortedGroups();
  w.arrayHeader(groups.length);
  for (const [name, g] of groups) replyGroupFull(w, s, name, g, count);
}

/** The first (or last) live entry, or a null. */
function replyEdge(w: ReplyWriter, s: RedisStream, last: boolean): void {
  let found = false;
  s.forEachEntry(ID_MIN, ID_MAX, last, (node, i) => {
    replyEntry(w, node, i);
    found = true;
    return false;
  });
  if (!found) w.nullBulk();
}

function replyGroupFull(w: ReplyWriter, s: RedisStream, name: string, g: ConsumerGroup, count: number): void {
  w.mapHeader(7);
  w.bulk('name');
  w.bulk(name);
  w.bulk('last-delivered-id');
  w.bulk(g.lastId.toString());
  w.bulk('entries-read');
  replyEntriesRead(w, g);
  w.bulk('lag');
  replyCount(w, s.lag(g));
  w.bulk('pel-count');
  w.integer(g.pel.size);
  w.bulk('pending');
  const limit = count === 0 ? g.pel.size : Math.min(count, g.pel.size);
  w.arrayHeader(limit);
  let n = 0;
  g.pel.forEach(null, (id, nack) => {
    if (n++ >= limit) return false;
    w.arrayHeader(4);
    w.bulk(id.toString());
    w.bulk(nack.consumer === null ? '' : nack.consumer.name);
    w.integer(nack.deliveryTime);
    w.integer(nack.deliveryCount);
    return true;
  });
  w.bulk('consumers');
  const consumers = g.sortedConsumers();
  w.arrayHeader(consumers.length);
  for (const c of consumers) {
    w.mapHeader(4);
    w.bulk('name');
    w.bulk(c.name);
    w.bulk('seen-time');
    w.integer(c.seenTime);
    w.bulk('pel-count');
    w.integer(c.pel.size);
    w.bulk('pending');
    const cl = count === 0 ? c.pel.size : Math.min(count, c.pel.size);
    w.arrayHeader(cl);
    let k = 0;
    c.pel.forEach(null, (id, nack) => {
      if (k++ >= cl) return false;
      w.arrayHeader(3);
      w.bulk(id.toString());
      w.integer(nack.deliveryTime);
      w.integer(nack.deliveryCount);
      return true;
    });
  }
}

/** XINFO GROUPS key */
function xinfoGroups(ctx: CommandContext, argv: Argv): void {
  const s = infoStream(ctx, argv);
  if (s === null) return;
  const w = ctx.reply;
  const groups = s.sortedGroups();
  w.arrayHeader(groups.length);
  for (const [name, g] of groups) {
    w.mapHeader(6);
    w.bulk('name');
    w.bulk(name);
    w.bulk('consumers');
    w.integer(g.consumers.size);
    w.bulk('pending');
    w.integer(g.pel.size);
    w.bulk('last-delivered-id');
    w.bulk(g.lastId.toString());
    w.bulk('entries-read');
    replyEntriesRead(w, g);
    w.bulk('lag');
    replyCount(w, s.lag(g));
  }
}

/** XINFO CONSUMERS key group */
function xinfoConsumers(ctx: CommandContext, argv: Argv): void {
  const s = infoStream(ctx, argv);
  if (s === null) return;
  const g = s.lookupGroup(argv.str(3));
  if (g === undefined) return void ctx.reply.error(noSuchGroup(argv.str(3), argv.str(2)));
  const w = ctx.reply;
  const now = ctx.ks.now;
  const consumers = g.sortedConsumers();
  w.arrayHeader(consumers.length);
  for (const c of consumers) {
    w.mapHeader(3);
    w.bulk('name');
    w.bulk(c.name);
    w.bulk('pending');
    w.integer(c.pel.size);
    w.bulk('idle');
    w.integer(Math.max(0, now - c.seenTime));
  }
}
