/**
 * Consumer groups: XGROUP (CREATE SETID DESTROY CREATECONSUMER DELCONSUMER HELP), XACK,
 * XPENDING, XCLAIM, XAUTOCLAIM. XREADGROUP is in stream-read.ts.
 *
 * As in Redis 7.0, none of these signal the key as modified (WATCH is not touched), except
 * XGROUP CREATE when MKSTREAM creates the key; XGROUP DESTROY wakes XREADGROUP clients blocked
 * on the group (they get NOGROUP) through the blocking layer alone. Idle times are measured
 * against the command's time.
 */
import type { Argv } from '../protocol/argv.js';
import { NOTIFY } from '../keyspace/notify.js';
import { RedisStream } from '../values/stream.js';
import { ENTRIES_READ_INVALID, Nack, type Consumer, type ConsumerGroup } from '../values/stream-group.js';
import { cmpId, countIncr, cstr, ID_MIN, incrId, normalizeCount, type Count, type StreamID } from '../values/structures/stream-id.js';
import { replyHelp } from './client.js';
import { ERR, noKeyOrGroup, noSuchGroup, unknownSubcommandOrArity, xclaimUnknownOption } from './errors.js';
import { getStream, parseIdOrReply, parseRangeBoundOrReply, parseStreamId, replyEntry } from './stream.js';
import { xclaimEffect } from './stream-read.js';
import type { ArgDoc, CommandContext, CommandSpec, KeySpec } from './spec.js';

const keyAt = (index: number, flags: string[]): KeySpec[] => [{ flags, begin_search: { index }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } }];
const KEY: ArgDoc = { name: 'key', type: 'key', key_spec_index: 0 };
const GROUPNAME: ArgDoc = { name: 'groupname', type: 'string' };
const GROUP_ID: ArgDoc = { name: 'id', type: 'oneof', arguments: [{ name: 'id', type: 'string' }, { name: 'new_id', type: 'pure-token', token: '$' }] };
const ENTRIES_READ: ArgDoc = { name: 'entries_read', type: 'integer', token: 'ENTRIESREAD', optional: true };
const sub = { group: 'stream', acl: ['stream'] } as const;

export const streamGroupCommands = [
  {
    name: 'xgroup', arity: -2, flags: [], group: 'stream', since: '5.0.0', summary: 'A container for consumer group commands',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        ...sub, name: 'create', arity: -5, flags: ['write', 'denyoom'], keys: [2, 2, 1], keySpecs: keyAt(2, ['RW', 'insert']), since: '5.0.0',
        summary: 'Create a consumer group positioned at an ID of the stream', complexity: 'O(1)',
        args: [KEY, GROUPNAME, GROUP_ID, { name: 'mkstream', type: 'pure-token', token: 'MKSTREAM', optional: true }, ENTRIES_READ],
        run: (c, a) => xgroup(c, a, 'create'),
      },
      {
        ...sub, name: 'setid', arity: -5, flags: ['write'], keys: [2, 2, 1], keySpecs: keyAt(2, ['RW', 'update']), since: '5.0.0',
        summary: "Move a consumer group's last delivered ID", complexity: 'O(1)',
        args: [KEY, GROUPNAME, GROUP_ID, ENTRIES_READ],
        run: (c, a) => xgroup(c, a, 'setid'),
      },
      {
        ...sub, name: 'destroy', arity: 4, flags: ['write'], keys: [2, 2, 1], keySpecs: keyAt(2, ['RW', 'delete']), since: '5.0.0',
        summary: 'Remove a consumer group with its consumers and pending entries', complexity: 'O(N) for the N pending entries',
        args: [KEY, GROUPNAME], run: (c, a) => xgroup(c, a, 'destroy'),
      },
      {
        ...sub, name: 'createconsumer', arity: 5, flags: ['write', 'denyoom'], keys: [2, 2, 1], keySpecs: keyAt(2, ['RW', 'insert']), since: '6.2.0',
        summary: 'Add a consumer to a consumer group', complexity: 'O(1)',
        args: [KEY, GROUPNAME, { name: 'consumername', type: 'string' }], run: (c, a) => xgroup(c, a, 'createconsumer'),
      },
      {
        ...sub, name: 'delconsumer', arity: 5, flags: ['write'], keys: [2, 2, 1], keySpecs: keyAt(2, ['RW', 'delete']), since: '5.0.0',
        summary: 'Remove a consumer from a consumer group, dropping its pending entries', complexity: 'O(1)',
        args: [KEY, GROUPNAME, { name: 'consumername', type: 'string' }], run: (c, a) => xgroup(c, a, 'delconsumer'),
      },
      {
        ...sub, name: 'help', arity: 2, flags: ['loading', 'stale'], since: '5.0.0', summary: 'Describe the XGROUP subcommands', complexity: 'O(1)',
        run: (ctx: CommandContext) => replyHelp(ctx, 'XGROUP', XGROUP_HELP),
      },
    ],
  },
  {
    name: 'xack', arity: -4, flags: ['write', 'fast'], acl: ['stream'], keys: [1, 1, 1], keySpecs: keyAt(1, ['RW', 'update']),
    group: 'stream', since: '5.0.0', summary: 'Acknowledge entries of a consumer group, removing them from its pending list',
    complexity: 'O(log N) per ID', args: [KEY, { name: 'group', type: 'string' }, { name: 'id', type: 'string', multiple: true }],
    run: xack,
  },
  {
    name: 'xpending', arity: -3, flags: ['readonly'], acl: ['stream'], keys: [1, 1, 1], keySpecs: keyAt(1, ['RO', 'access']),
    group: 'stream', since: '5.0.0', summary: "Summarize a consumer group's pending entries, or list them in an ID range",
    complexity: 'O(N) for the N entries returned (O(M) over the consumers in the summary form)', tips: ['nondeterministic_output'],
    args: [
      KEY,
      { name: 'group', type: 'string' },
      {
        name: 'filters', type: 'block', optional: true,
        arguments: [
          { name: 'min-idle-time', type: 'integer', token: 'IDLE', since: '6.2.0', optional: true },
          { name: 'start', type: 'string' },
          { name: 'end', type: 'string' },
          { name: 'count', type: 'integer' },
          { name: 'consumer', type: 'string', optional: true },
        ],
      },
    ],
    run: xpending,
  },
  {
    name: 'xclaim', arity: -6, flags: ['write', 'fast'], acl: ['stream'], keys: [1, 1, 1], keySpecs: keyAt(1, ['RW', 'update']),
    group: 'stream', since: '5.0.0', summary: 'Take over pending entries of a consumer group that have been idle long enough',
    complexity: 'O(log N) per ID', tips: ['nondeterministic_output'],
    args: [
      KEY,
      { name: 'group', type: 'string' },
      { name: 'consumer', type: 'string' },
      { name: 'min-idle-time', type: 'string' },
      { name: 'id', type: 'string', multiple: true },
      { name: 'ms', type: 'integer', token: 'IDLE', optional: true },
      { name: 'unix-time-milliseconds', type: 'unix-time', token: 'TIME', optional: true },
      { name: 'count', type: 'integer', token: 'RETRYCOUNT', optional: true },
      { name: 'force', type: 'pure-token', token: 'FORCE', optional: true },
      { name: 'justid', type: 'pure-token', token: 'JUSTID', optional: true },
      { name: 'id', type: 'string', token: 'LASTID', optional: true },
    ],
    run: xclaim,
  },
  {
    name: 'xautoclaim', arity: -6, flags: ['write', 'fast'], acl: ['stream'], keys: [1, 1, 1], keySpecs: keyAt(1, ['RW', 'delete']),
    group: 'stream', since: '6.2.0', summary: 'Scan pending entries of a consumer group from an ID and take over those idle long enough',
    complexity: 'O(1) per entry examined (at most ten times COUNT)', tips: ['nondeterministic_output'],
    args: [
      KEY,
      { name: 'group', type: 'string' },
      { name: 'consumer', type: 'string' },
      { name: 'min-idle-time', type: 'string' },
      { name: 'start', type: 'string' },
      { name: 'count', type: 'integer', token: 'COUNT', optional: true },
      { name: 'justid', type: 'pure-token', token: 'JUSTID', optional: true },
    ],
    run: xautoclaim,
  },
] as const satisfies readonly CommandSpec[];

const XGROUP_HELP = [
  'CREATE <key> <groupname> <id|$> [option]',
  '    Create a new consumer group. Options are:',
  '    * MKSTREAM',
  '      Create the empty stream if it does not exist.',
  '    * ENTRIESREAD entries_read',
  "      Set the group's entries_read counter (internal use).",
  'CREATECONSUMER <key> <groupname> <consumer>',
  '    Create a new consumer in the specified group.',
  'DELCONSUMER <key> <groupname> <consumer>',
  '    Remove the specified consumer.',
  'DESTROY <key> <groupname>',
  '    Remove the specified group.',
  'SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]',
  '    Set the current group ID and entries_read counter.',
];

type XgroupSub = 'create' | 'setid' | 'destroy' | 'createconsumer' | 'delconsumer';

/** XGROUP CREATE|SETID|DESTROY|CREATECONSUMER|DELCONSUMER key group ... (xgroupCommand's order of checks) */
function xgroup(ctx: CommandContext, argv: Argv, op: XgroupSub): void {
  const argc = argv.argc;
  let mkstream = false;
  let entriesRead: Count = ENTRIES_READ_INVALID;
  for (let i = 5; i < argc; ) {
    if (op === 'create' && argv.is(i, 'MKSTREAM')) {
      mkstream = true;
      i++;
    } else if ((op === 'create' || op === 'setid') && argv.is(i, 'ENTRIESREAD') && i + 1 < argc) {
      const v = argv.int(i + 1);
      if (v === null) return void ctx.reply.error(ERR.notInteger);
      if (v < 0 && v !== ENTRIES_READ_INVALID) return void ctx.reply.error(ERR.entriesReadNegative);
      entriesRead = v;
      i += 2;
    } else {
      return void ctx.reply.error(unknownSubcommandOrArity(argv.str(1), 'xgroup'));
    }
  }
  const key = argv.str(2);
  const groupName = argv.str(3);
  let s = getStream(ctx, key, true);
  if (s === null) return;
  let g: ConsumerGroup | undefined;
  if (!mkstream) {
    if (s === undefined) return void ctx.reply.error(ERR.xgroupKeyRequired);
    g = s.lookupGroup(groupName);
    if (g === undefined && (op === 'setid' || op === 'createconsumer' || op === 'delconsumer')) {
      return void ctx.reply.error(noSuchGroup(groupName, key));
    }
  }
  const db = ctx.db;
  switch (op) {
    case 'create': {
      if (argc > 8) return void ctx.reply.error(unknownSubcommandOrArity(argv.str(1), 'xgroup'));
      let id: StreamID;
      if (cstr(argv.str(4)) === '$') {
        id = s === undefined ? ID_MIN : s.lastId;
      } else {
        const p = parseIdOrReply(ctx, argv.str(4), true);
        if (p === null) return;
        id = p;
      }
      if (s === undefined) {
        s = new RedisStream(ctx.ks.initialWord());
        db.add(key, s);
      }
      if (s.createGroup(groupName, id, entriesRead) === undefined) return void ctx.reply.error(ERR.busyGroup);
      ctx.reply.ok();
      ctx.dirty++;
      db.notify(NOTIFY.STREAM, 'xgroup-create', key);
      return;
    }
    case 'setid': {
      if (argc !== 5 && argc !== 7) return void ctx.reply.error(unknownSubcommandOrArity(argv.str(1), 'xgroup'));
      const grp = g as ConsumerGroup;
      let id: StreamID;
      if (cstr(argv.str(4)) === '$') {
        id = (s as RedisStream).lastId;
      } else {
        const p = parseIdOrReply(ctx, argv.str(4), false);
        if (p === null) return;
        id = p;
      }
      grp.lastId = id;
      grp.entriesRead = entriesRead;
      ctx.reply.ok();
      ctx.dirty++;
      db.notify(NOTIFY.STREAM, 'xgroup-setid', key);
      return;
    }
    case 'destroy': {
      if (g === undefined) return void ctx.reply.integer(0);
      const st = s as RedisStream;
      st.destroyGroup(groupName);
      ctx.reply.integer(1);
      ctx.dirty++;
      db.notify(NOTIFY.STREAM, 'xgroup-destroy', key);
      // XREADGROUP clients blocked on the group are answered NOGROUP.
      st.readyGen++;
      db.signalKeyAsReady(key);
      return;
    }
    case 'createconsumer': {
      const created = (g as ConsumerGroup).createConsumer(argv.str(4), ctx.ks.now);
      if (created !== undefined) {
        ctx.dirty++;
        db.notify(NOTIFY.STREAM, 'xgroup-createconsumer', key);
      }
      ctx.reply.integer(created === undefined ? 0 : 1);
      return;
    }
    case 'delconsumer': {
      const grp = g as ConsumerGroup;
      const c = grp.lookupConsumer(argv.str(4), ctx.ks.now, false);
      let pending = 0;
      if (c !== undefined) {
        pending = grp.deleteConsumer(c);
        ctx.dirty++;
        db.notify(NOTIFY.STREAM, 'xgroup-delconsumer', key);
      }
      ctx.reply.integer(pending);
      return;
    }
  }
}

/** The key's stream and group for XPENDING/XCLAIM/XAUTOCLAIM; null after replying. */
function streamAndGroup(ctx: CommandContext, key: string, groupName: string): [RedisStream, ConsumerGroup] | null {
  const s = getStream(ctx, key, false);
  if (s === null) return null;
  const g = s === undefined ? undefined : s.lookupGroup(groupName);
  if (g === undefined) {
    ctx.reply.error(noKeyOrGroup(key, groupName));
    return null;
  }
  return [s as RedisStream, g];
}

/** XACK key group id [id ...] */
function xack(ctx: CommandContext, argv: Argv): void {
  const s = getStream(ctx, argv.str(1), false);
  if (s === null) return;
  const g = s === undefined ? undefined : s.lookupGroup(argv.str(2));
  if (g === undefined) return void ctx.reply.integer(0);
  // Parse every ID first: the reply is a count, never an error, once something is acked.
  const ids: StreamID[] = [];
  for (let j = 3; j < argv.argc; j++) {
    const id = parseIdOrReply(ctx, argv.str(j), true);
    if (id === null) return;
    ids.push(id);
  }
  let acked = 0;
  for (const id of ids) {
    const nack = g.pel.get(id);
    if (nack === undefined) continue;
    g.removeNack(id, nack);
    acked++;
    ctx.dirty++;
  }
  ctx.reply.integer(acked);
}

/** XPENDING key group [[IDLE min-idle-time] start end count [consumer]] */
function xpending(ctx: CommandContext, argv: Argv): void {
  const argc = argv.argc;
  if (argc !== 3 && (argc < 6 || argc > 9)) return void ctx.reply.error(ERR.syntax);
  let minIdle = 0;
  let count = 0;
  let start = ID_MIN;
  let end = ID_MIN;
  let consumerName: string | null = null;
  if (argc >= 6) {
    let at = 3;
    if (argv.is(3, 'IDLE')) {
      const v = argv.int(4);
      if (v === null) return void ctx.reply.error(ERR.notInteger);
      minIdle = Number(v);
      if (argc < 8) return void ctx.reply.error(ERR.syntax);
      at += 2;
    }
    const c = argv.int(at + 2);
    if (c === null) return void ctx.reply.error(ERR.notInteger);
    count = c < 0 ? 0 : Number(c);
    const st = parseRangeBoundOrReply(ctx, argv.str(at), false);
    if (st === null) return;
    const en = parseRangeBoundOrReply(ctx, argv.str(at + 1), true);
    if (en === null) return;
    start = st;
    end = en;
    if (at + 3 < argc) consumerName = argv.str(at + 3);
  }
  const sg = streamAndGroup(ctx, argv.str(1), argv.str(2));
  if (sg === null) return;
  const g = sg[1];
  const r = ctx.reply;
  if (argc === 3) {
    r.arrayHeader(4);
    r.integer(g.pel.size);
    if (g.pel.size === 0) {
      r.nullBulk();
      r.nullBulk();
      r.nullArray();
      return;
    }
    r.bulk((g.pel.firstKey() as StreamID).toString());
    r.bulk((g.pel.lastKey() as StreamID).toString());
    const owners = g.sortedConsumers().filter((c) => c.pel.size > 0);
    r.arrayHeader(owners.length);
    for (const c of owners) {
      r.arrayHeader(2);
      r.bulk(c.name);
      r.bulk(String(c.pel.size));
    }
    return;
  }
  let pel = g.pel;
  if (consumerName !== null) {
    const c = g.lookupConsumer(consumerName, ctx.ks.now, false);
    if (c === undefined) return void r.emptyArray();
    pel = c.pel;
  }
  const now = ctx.ks.now;
  const ids: StreamID[] = [];
  const nacks: Nack[] = [];
  if (count > 0) {
    pel.forEach(start, (id, nack) => {
      if (cmpId(id, end) > 0) return false;
      if (minIdle !== 0 && now - nack.deliveryTime < minIdle) return true;
      ids.push(id);
      nacks.push(nack);
      return ids.length < count;
    });
  }
  r.arrayHeader(ids.length);
  for (let k = 0; k < ids.length; k++) {
    const nack = nacks[k] as Nack;
    r.arrayHeader(4);
    r.bulk((ids[k] as StreamID).toString());
    r.bulk((nack.consumer as Consumer).name);
    r.integer(Math.max(0, now - nack.deliveryTime));
    r.integer(nack.deliveryCount);
  }
}

/** The claiming consumer, found (seen-time refreshed) or created on first need. */
function claimer(ctx: CommandContext, key: string, g: ConsumerGroup, name: string): Consumer {
  let c = g.lookupConsumer(name, ctx.ks.now);
  if (c === undefined) {
    c = g.createConsumer(name, ctx.ks.now) as Consumer;
    ctx.dirty++;
    ctx.db.notify(NOTIFY.STREAM, 'xgroup-createconsumer', key);
  }
  return c;
}

/** Give a NACK to `to`, moving it out of its previous owner's PEL. */
function transfer(id: StreamID, nack: Nack, to: Consumer): void {
  if (nack.consumer === to) return;
  if (nack.consumer !== null) nack.consumer.pel.delete(id);
  to.pel.insert(id, nack);
  nack.consumer = to;
}

/** Reply the claimed entries (or IDs with JUSTID), all known to exist. */
function replyClaimed(ctx: CommandContext, s: RedisStream, ids: readonly StreamID[], justid: boolean): void {
  const r = ctx.reply;
  r.arrayHeader(ids.length);
  for (const id of ids) {
    if (justid) {
      r.bulk(id.toString());
    } else {
      const e = s.entry(id) as NonNullable<ReturnType<RedisStream['entry']>>;
      replyEntry(r, e[0], e[1]);
    }
  }
}

/** XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME ms] [RETRYCOUNT n] [FORCE] [JUSTID] [LASTID id] */
function xclaim(ctx: CommandContext, argv: Argv): void {
  const key = argv.str(1);
  const sg = streamAndGroup(ctx, key, argv.str(2));
  if (sg === null) return;
  const [s, g] = sg;
  const mi = argv.int(4);
  if (mi === null) return void ctx.reply.error(ERR.xclaimMinIdle);
  const minIdle = mi < 0 ? 0 : Number(mi);
  // The IDs run up to the first argument that is not one; the options follow.
  const ids: StreamID[] = [];
  let j = 5;
  for (; j < argv.argc; j++) {
    const p = parseStreamId(argv.str(j), false, true, false);
    if (p === null) break;
    ids.push(p.id);
  }
  xclaimWithOptions(ctx, argv, key, s, g, minIdle, ids, j);
}

function xclaimWithOptions(ctx: CommandContext, argv: Argv, key: string, s: RedisStream, g: ConsumerGroup, minIdle: number, ids: StreamID[], from: number): void {
  const argc = argv.argc;
  const now = ctx.ks.now;
  let force = false;
  let justid = false;
  let deliveryTime = -1;
  let retryCount: Count = -1;
  let lastId = ID_MIN;
  for (let j = from; j < argc; j++) {
    const more = argc - 1 - j;
    if (argv.is(j, 'FORCE')) {
      force = true;
    } else if (argv.is(j, 'JUSTID')) {
      justid = true;
    } else if (argv.is(j, 'IDLE') && more > 0) {
      const v = argv.int(++j);
      if (v === null) return void ctx.reply.error(ERR.xclaimIdle);
      deliveryTime = now - Number(v);
    } else if (argv.is(j, 'TIME') && more > 0) {
      const v = argv.int(++j);
      if (v === null) return void ctx.reply.error(ERR.xclaimTime);
      deliveryTime = Number(v);
    } else if (argv.is(j, 'RETRYCOUNT') && more > 0) {
      const v = argv.int(++j);
      if (v === null) return void ctx.reply.error(ERR.xclaimRetryCount);
      retryCount = typeof v === 'bigint' ? normalizeCount(v) : v;
    } else if (argv.is(j, 'LASTID') && more > 0) {
      const id = parseIdOrReply(ctx, argv.str(++j), true);
      if (id === null) return;
      lastId = id;
    } else {
      return void ctx.reply.error(xclaimUnknownOption(argv.str(j)));
    }
  }
  let lastIdMoved = false;
  if (cmpId(lastId, g.lastId) > 0) {
    g.lastId = lastId;
    lastIdMoved = true;
  }
  // An IDLE or TIME in the future (or before the epoch) means "now".
  if (deliveryTime < 0 || deliveryTime > now) deliveryTime = now;
  let consumer: Consumer | null = null;
  const claimed: StreamID[] = [];
  const dbIndex = ctx.client.dbIndex;
  const groupName = argv.str(2);
  for (const id of ids) {
    let nack = g.pel.get(id);
    if (!s.has(id)) {
      // The entry is gone: its NACK goes too (an XCLAIM of it does the same on reload).
      if (nack !== undefined) {
        if (nack.consumer !== null) ctx.alsoPropagate(dbIndex, xclaimEffect(key, groupName, nack.consumer.name, id, nack, g.lastId));
        g.removeNack(id, nack);
        ctx.dirty++;
        lastIdMoved = false;
      }
      continue;
    }
    if (force && nack === undefined) {
      nack = new Nack(null, now);
      g.pel.insert(id, nack);
    }
    if (nack === undefined) continue;
    if (nack.consumer !== null && minIdle !== 0 && now - nack.deliveryTime < minIdle) continue;
    if (consumer === null) consumer = claimer(ctx, key, g, argv.str(3));
    transfer(id, nack, consumer);
    nack.deliveryTime = deliveryTime;
    if (retryCount >= 0) nack.deliveryCount = retryCount;
    else if (!justid) nack.deliveryCount = countIncr(nack.deliveryCount);
    claimed.push(id);
    ctx.dirty++;
    lastIdMoved = false;
    ctx.alsoPropagate(dbIndex, xclaimEffect(key, groupName, consumer.name, id, nack, g.lastId));
  }
  // Redis propagates a moved last ID on its own when nothing else carried it.
  if (lastIdMoved) {
    ctx.dirty++;
    ctx.alsoPropagate(dbIndex, ['XGROUP', 'SETID', key, groupName, g.lastId.toString(), 'ENTRIESREAD', String(g.entriesRead)]);
  }
  // XCLAIM propagates as the state it left (the XCLAIMs above), not as itself.
  ctx.preventPropagation();
  replyClaimed(ctx, s, claimed, justid);
}

/** COUNT's upper bound: LONG_MAX / sizeof(streamID). */
const AUTOCLAIM_MAX_COUNT = 576460752303423487n;
/**
 * Redis allocates COUNT stream IDs up front and answers "Insufficient memory" when that
 * fails; past 2^47 bytes (the x86-64 user address space) it fails on any machine.
 */
const AUTOCLAIM_ALLOC_LIMIT = 2 ** 47 / 16;

/** XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID] */
function xautoclaim(ctx: CommandContext, argv: Argv): void {
  const mi = argv.int(4);
  if (mi === null) return void ctx.reply.error(ERR.xautoclaimMinIdle);
  const minIdle = mi < 0 ? 0 : Number(mi);
  const start = parseRangeBoundOrReply(ctx, argv.str(5), false);
  if (start === null) return;
  let count = 100;
  let justid = false;
  for (let j = 6; j < argv.argc; j++) {
    const more = argv.argc - 1 - j;
    if (argv.is(j, 'COUNT') && more > 0) {
      const v = argv.int(j + 1);
      if (v === null || v < 1 || BigInt(v) > AUTOCLAIM_MAX_COUNT) return void ctx.reply.error(ERR.xautoclaimCount);
      count = Number(v);
      j++;
    } else if (argv.is(j, 'JUSTID')) {
      justid = true;
    } else {
      return void ctx.reply.error(ERR.syntax);
    }
  }
  const key = argv.str(1);
  const sg = streamAndGroup(ctx, key, argv.str(2));
  if (sg === null) return;
  const [s, g] = sg;
  if (count > AUTOCLAIM_ALLOC_LIMIT) return void ctx.reply.error(ERR.xautoclaimCountTooHigh);
  const now = ctx.ks.now;
  let attempts = count * 10;
  let consumer: Consumer | null = null;
  const claimed: StreamID[] = [];
  const deleted: StreamID[] = [];
  let cursor: StreamID | null = start;
  let last: StreamID | null = null;
  let eof = false;
  const dbIndex = ctx.client.dbIndex;
  const groupName = argv.str(2);
  // Propagated as XCLAIMs of what it claimed or dropped, not as itself.
  ctx.preventPropagation();
  while (attempts-- > 0 && count > 0) {
    const e = cursor === null ? null : g.pel.ceiling(cursor);
    if (e === null) {
      eof = true;
      break;
    }
    const { id, value: nack } = e;
    last = id;
    cursor = incrId(id);
    if (!s.has(id)) {
      if (nack.consumer !== null) ctx.alsoPropagate(dbIndex, xclaimEffect(key, groupName, nack.consumer.name, id, nack, g.lastId));
      g.removeNack(id, nack);
      ctx.dirty++;
      deleted.push(id);
      count--;
      continue;
    }
    if (minIdle !== 0 && now - nack.deliveryTime < minIdle) continue;
    if (consumer === null) consumer = claimer(ctx, key, g, argv.str(3));
    transfer(id, nack, consumer);
    nack.deliveryTime = now;
    if (!justid) nack.deliveryCount = countIncr(nack.deliveryCount);
    claimed.push(id);
    count--;
    ctx.dirty++;
    ctx.alsoPropagate(dbIndex, xclaimEffect(key, groupName, consumer.name, id, nack, g.lastId));
  }
  // The cursor for the next call: the PEL entry after the last one examined, 0-0 at the end.
  let next = ID_MIN;
  if (!eof && last !== null) {
    const after = incrId(last);
    const e = after === null ? null : g.pel.ceiling(after);
    if (e !== null) next = e.id;
  }
  const r = ctx.reply;
  r.arrayHeader(3);
  r.bulk(next.toString());
  replyClaimed(ctx, s, claimed, justid);
  r.arrayHeader(deleted.length);
  for (const id of deleted) r.bulk(id.toString());
}
