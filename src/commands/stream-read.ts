/**
 * XREAD and XREADGROUP (Redis's xreadCommand, shared by both), synchronous and blocking.
 *
 * Served at once when some stream has entries past the given ID (for XREADGROUP ">", past the
 * group's last delivered ID; any other XREADGROUP ID reads the consumer's own pending history
 * and never blocks). Otherwise, with BLOCK, the client waits; it is served after a command
 * that Redis would signal for the key — new entries (XADD), a destroyed group, the key
 * deleted, overwritten, flushed or swapped — and only then re-checks, exactly as
 * serveClientsBlockedOnStreamKey does: an XREAD waiter is answered when the stream's last ID
 * passed the one it waits after (even if those entries were deleted meanwhile: an empty
 * list), an XREADGROUP waiter gets the group's new entries, or NOGROUP when the group is gone,
 * or UNBLOCKED when the key no longer holds a stream. Other writes to the key (XDEL, XTRIM,
 * EXPIRE...) signal the blocking layer too; the stream's readyGen and the value's identity
 * tell those apart, so they do not serve anyone Redis would keep waiting.
 */
import type { Argv } from '../protocol/argv.js';
import { ReplyWriter } from '../protocol/reply-writer.js';
import { LOOKUP } from '../keyspace/database.js';
import { NOTIFY } from '../keyspace/notify.js';
import type { RedisValue } from '../values/types.js';
import type { RedisStream } from '../values/stream.js';
import { ENTRIES_READ_INVALID, Nack, type Consumer, type ConsumerGroup } from '../values/stream-group.js';
import type { StreamNode } from '../values/structures/stream-node.js';
import { cmpId, countIncr, cstr, ID_MAX, ID_MIN, incrId, isZeroCount, type StreamID } from '../values/structures/stream-id.js';
import { blockFromScript, ERR, noGroupXreadgroup } from './errors.js';
import { getStream, parseCountOrReply, parseIdOrReply, replyEntry, replyRange } from './stream.js';
import type { CommandContext, CommandSpec } from './spec.js';
import { parseBlockingTimeoutMs } from './timeout.js';

/** Entries a blocked reader gets at most when it gave no COUNT. */
const BLOCKED_DEFAULT_COUNT = 1000;

const STREAMS_ARGS = [
  { name: 'count', type: 'integer', token: 'COUNT', optional: true },
  { name: 'milliseconds', type: 'integer', token: 'BLOCK', optional: true },
] as const;
const STREAMS_BLOCK = {
  name: 'streams', type: 'block', token: 'STREAMS',
  arguments: [{ name: 'key', type: 'key', key_spec_index: 0, multiple: true }, { name: 'id', type: 'string', multiple: true }],
} as const;

export const streamReadCommands = [
  {
    name: 'xread', arity: -4, flags: ['readonly', 'blocking', 'movablekeys'], acl: ['stream'], keys: [0, 0, 0],
    keySpecs: [{ flags: ['RO', 'access'], begin_search: { keyword: 'STREAMS', startfrom: 1 }, find_keys: { lastkey: -1, keystep: 1, limit: 2 } }],
    group: 'stream', since: '5.0.0', summary: 'Read entries newer than given IDs from one or more streams, optionally waiting for them',
    complexity: 'O(log N) to seek each stream plus O(M) for the M entries returned',
    args: [...STREAMS_ARGS, STREAMS_BLOCK],
    getKeys: xreadKeys,
    run: (c, a) => xread(c, a, false),
  },
  {
    name: 'xreadgroup', arity: -7, flags: ['write', 'blocking', 'movablekeys'], acl: ['stream'], keys: [0, 0, 0],
    keySpecs: [{ flags: ['RO', 'access'], begin_search: { keyword: 'STREAMS', startfrom: 4 }, find_keys: { lastkey: -1, keystep: 1, limit: 2 } }],
    group: 'stream', since: '5.0.0', summary: 'Read entries for a consumer of a consumer group, new ones or its pending history',
    complexity: 'O(log N) to seek each stream plus O(M) for the M entries returned',
    args: [
      { name: 'group_consumer', type: 'block', token: 'GROUP', arguments: [{ name: 'group', type: 'string' }, { name: 'consumer', type: 'string' }] },
      ...STREAMS_ARGS,
      { name: 'noack', type: 'pure-token', token: 'NOACK', optional: true },
      STREAMS_BLOCK,
    ],
    getKeys: xreadKeys,
    run: (c, a) => xread(c, a, true),
  },
] as const satisfies readonly CommandSpec[];

/** xreadGetKeys: the keys after the first STREAMS option (none on a syntax error). */
function xreadKeys(argv: Argv): number[] {
  let pos = -1;
  for (let i = 1; i < argv.argc; i++) {
    if (argv.is(i, 'BLOCK') || argv.is(i, 'COUNT')) i++;
    else if (argv.is(i, 'GROUP')) i += 2;
    else if (argv.is(i, 'NOACK')) continue;
    else if (argv.is(i, 'STREAMS')) {
      pos = i;
      break;
    } else break;
  }
  const num = argv.argc - pos - 1;
  if (pos === -1 || num === 0 || num % 2 !== 0) return [];
  const out: number[] = [];
  for (let i = pos + 1; i < argv.argc - num / 2; i++) out.push(i);
  return out;
}

/** Holds the per-stream replies until their number (the outer array's length) is known. */
const scratch = new ReplyWriter();

/** XREAD [COUNT count] [BLOCK ms] STREAMS key [key ...] id [id ...], and XREADGROUP GROUP group consumer [...] */
function xread(ctx: CommandContext, argv: Argv, xreadgroup: boolean): void {
  let deadline = -1;
  let count = 0;
  let streamsArg = 0;
  let streamsCount = 0;
  let noack = false;
  let groupName: string | null = null;
  let consumerName = '';
  const argc = argv.argc;
  for (let i = 1; i < argc; i++) {
    const more = argc - i - 1;
    if (argv.is(i, 'BLOCK') && more > 0) {
      if (ctx.inScript) return void ctx.reply.error(blockFromScript(argv.str(0)));
      i++;
      const d = parseBlockingTimeoutMs(ctx, argv, i);
      if (d === null) return;
      deadline = d;
    } else if (argv.is(i, 'COUNT') && more > 0) {
      i++;
      const c = parseCountOrReply(ctx, argv, i);
      if (c === null) return;
      count = c < 0 ? 0 : c;
    } else if (argv.is(i, 'STREAMS') && more > 0) {
      streamsArg = i + 1;
      streamsCount = argc - streamsArg;
      if (streamsCount % 2 !== 0) return void ctx.reply.error(ERR.xreadUnbalanced);
      streamsCount /= 2;
      break;
    } else if (argv.is(i, 'GROUP') && more >= 2) {
      if (!xreadgroup) return void ctx.reply.error(ERR.xreadGroupOption);
      groupName = argv.str(i + 1);
      consumerName = argv.str(i + 2);
      i += 2;
    } else if (argv.is(i, 'NOACK')) {
      if (!xreadgroup) return void ctx.reply.error(ERR.xreadNoackOption);
      noack = true;
    } else {
      return void ctx.reply.error(ERR.syntax);
    }
  }
  if (streamsArg === 0) return void ctx.reply.error(ERR.syntax);
  if (xreadgroup && groupName === null) return void ctx.reply.error(ERR.xreadgroupMissingGroup);

  const ids: StreamID[] = [];
  const groups: (ConsumerGroup | undefined)[] = [];
  for (let k = 0; k < streamsCount; k++) {
    const key = argv.str(streamsArg + k);
    const s = getStream(ctx, key, false);
    if (s === null) return;
    if (groupName !== null) {
      const g = s === undefined ? undefined : s.lookupGroup(groupName);
      if (g === undefined) return void ctx.reply.error(noGroupXreadgroup(key, groupName));
      groups.push(g);
    }
    const raw = argv.str(streamsArg + streamsCount + k);
    const arg = cstr(raw);
    if (arg === '$') {
      if (xreadgroup) return void ctx.reply.error(ERR.xreadgroupDollar);
      ids.push(s === undefined ? ID_MIN : s.lastId);
    } else if (arg === '>') {
      if (!xreadgroup) return void ctx.reply.error(ERR.xreadGreater);
      // The largest ID stands for ">", as in Redis (so passing it explicitly means ">" too).
      ids.push(ID_MAX);
    } else {
      const id = parseIdOrReply(ctx, raw, true);
      if (id === null) return;
      ids.push(id);
    }
  }

  // Serve synchronously what can be.
  const w = scratch;
  w.take();
  w.resp = ctx.reply.resp;
  let served = 0;
  for (let k = 0; k < streamsCount; k++) {
    const key = argv.str(streamsArg + k);
    const v = ctx.db.lookupRead(key);
    if (v === undefined) continue;
    const s = v as RedisStream;
    const g = groups[k];
    let gt = ids[k] as StreamID;
    let serve = false;
    let history = false;
    if (g !== undefined) {
      if (!gt.isMax()) {
        serve = true;
        history = true;
      } else if (s.length > 0 && cmpId(s.lastValidId(), g.lastId) > 0) {
        serve = true;
        gt = g.lastId;
      }
    } else if (s.length > 0 && cmpId(s.lastValidId(), gt) > 0) {
      serve = true;
    }
    if (!serve) continue;
    served++;
    const start = incrId(gt) ?? ID_MIN;
    if (w.resp === 2) w.arrayHeader(2);
    w.bulk(key);
    if (g === undefined) {
      replyRange(w, s, start, ID_MAX, count, false);
      continue;
    }
    const consumer = consumerFor(ctx, key, g, groupName as string, consumerName, noack);
    if (history) replyHistory(w, ctx, s, consumer, start, count);
    else deliver(w, ctx, s, key, g, groupName as string, consumer, start, count, noack);
    ctx.dirty++;
  }
  // XREADGROUP propagates its effects (XCLAIM, XGROUP SETID / CREATECONSUMER), not itself.
  if (xreadgroup) ctx.preventPropagation();
  if (served > 0) {
    if (ctx.reply.resp === 2) ctx.reply.arrayHeader(served);
    else ctx.reply.mapHeader(served);
    const bytes = w.take();
    if (bytes !== null) ctx.reply.raw(bytes);
    return;
  }
  if (deadline === -1 || !ctx.canBlock) {
    ctx.reply.nullArray();
    return;
  }
  blockForStreams(ctx, argv, streamsArg, streamsCount, ids, deadline, count === 0 ? BLOCKED_DEFAULT_COUNT : count, groupName, consumerName, noack);
}

/**
 * streamLookupConsumer, else streamCreateConsumer (counted and announced). A consumer created
 * by a NOACK read propagates as XGROUP CREATECONSUMER (no XCLAIM will create it).
 */
function consumerFor(ctx: CommandContext, key: string, g: ConsumerGroup, groupName: string, name: string, noack: boolean): Consumer {
  // XREADGROUP finds the stream with a read look-up (as Redis does) but changes it from here on.
  ctx.db.willModify(key);
  const now = ctx.ks.now;
  let c = g.lookupConsumer(name, now);
  if (c === undefined) {
    c = g.createConsumer(name, now) as Consumer;
    ctx.dirty++;
    ctx.db.notify(NOTIFY.STREAM, 'xgroup-createconsumer', key);
    if (noack) ctx.alsoPropagate(ctx.client.dbIndex, ['XGROUP', 'CREATECONSUMER', key, groupName, name]);
  }
  return c;
}

/**
 * streamReplyWithRange with a group: the entries from start on, moving the group's last ID
 * and read counter forward and (without NOACK) recording each delivery in the PELs. Each
 * delivery propagates as an XCLAIM that recreates its PEL entry exactly; with NOACK, the
 * group's new last ID propagates as XGROUP SETID.
 */
function deliver(w: ReplyWriter, ctx: CommandContext, s: RedisStream, key: string, g: ConsumerGroup, groupName: string, consumer: Consumer, start: StreamID, count: number, noack: boolean): void {
  const nodes: StreamNode[] = [];
  const idx: number[] = [];
  s.forEachEntry(start, ID_MAX, false, (node, i) => {
    nodes.push(node);
    idx.push(i);
    return count === 0 || nodes.length < count;
  });
  const now = ctx.ks.now;
  const dbIndex = ctx.client.dbIndex;
  let lastIdMoved = false;
  w.arrayHeader(nodes.length);
  for (let k = 0; k < nodes.length; k++) {
    const node = nodes[k] as StreamNode;
    const i = idx[k] as number;
    const id = node.idAt(i);
    if (cmpId(id, g.lastId) > 0) {
      if (g.entriesRead !== ENTRIES_READ_INVALID && !s.rangeHasTombstones(id, null)) g.entriesRead = countIncr(g.entriesRead);
      else if (!isZeroCount(s.entriesAdded)) g.entriesRead = s.estimateDistance(id);
      g.lastId = id;
      lastIdMoved = true;
    }
    replyEntry(w, node, i);
    if (noack) continue;
    let nack = g.pel.get(id);
    if (nack === undefined) {
      nack = new Nack(consumer, now);
      g.pel.insert(id, nack);
      consumer.pel.insert(id, nack);
    } else {
      // Delivered before (the group's last ID was moved back): the entry changes hands.
      if (nack.consumer !== null) nack.consumer.pel.delete(id);
      nack.consumer = consumer;
      nack.deliveryTime = now;
      nack.deliveryCount = 1;
      consumer.pel.insert(id, nack);
    }
    ctx.alsoPropagate(dbIndex, xclaimEffect(key, groupName, consumer.name, id, nack, g.lastId));
  }
  if (noack && lastIdMoved) {
    ctx.alsoPropagate(dbIndex, ['XGROUP', 'SETID', key, groupName, g.lastId.toString(), 'ENTRIESREAD', String(g.entriesRead)]);
  }
}

/**
 * streamPropagateXCLAIM: the XCLAIM that puts a PEL entry back as it is, whatever the state
 * of the replica or the AOF being loaded.
 */
export function xclaimEffect(key: string, groupName: string, consumer: string, id: StreamID, nack: Nack, lastId: StreamID): string[] {
  return [
    'XCLAIM', key, groupName, consumer, '0', id.toString(), 'TIME', String(nack.deliveryTime),
    'RETRYCOUNT', String(nack.deliveryCount), 'FORCE', 'JUSTID', 'LASTID', lastId.toString(),
  ];
}

/**
 * streamReplyWithRangeFromConsumerPEL: the consumer's pending entries from start on; an entry
 * deleted from the stream meanwhile is reported as [id, nil].
 */
function replyHistory(w: ReplyWriter, ctx: CommandContext, s: RedisStream, consumer: Consumer, start: StreamID, count: number): void {
  const ids: StreamID[] = [];
  const nacks: Nack[] = [];
  consumer.pel.forEach(start, (id, nack) => {
    ids.push(id);
    nacks.push(nack);
    return count === 0 || ids.length < count;
  });
  w.arrayHeader(ids.length);
  for (let k = 0; k < ids.length; k++) {
    const id = ids[k] as StreamID;
    const e = s.entry(id);
    if (e === null) {
      w.arrayHeader(2);
      w.bulk(id.toString());
      w.nullArray();
      continue;
    }
    replyEntry(w, e[0], e[1]);
    const nack = nacks[k] as Nack;
    nack.deliveryTime = ctx.ks.now;
    nack.deliveryCount = countIncr(nack.deliveryCount);
  }
}

interface WaitState {
  /** The ID entries must come after (XREAD; XREADGROUP reads the group's). */
  gt: StreamID;
  /** The value and its readyGen when last looked at, to tell Redis-signalled changes apart. */
  seen: RedisValue | undefined;
  gen: number;
}

function blockForStreams(
  ctx: CommandContext,
  argv: Argv,
  streamsArg: number,
  streamsCount: number,
  ids: StreamID[],
  deadline: number,
  count: number,
  groupName: string | null,
  consumerName: string,
  noack: boolean,
): void {
  const keys: string[] = [];
  const state = new Map<string, WaitState>();
  for (let k = 0; k < streamsCount; k++) {
    const key = argv.str(streamsArg + k);
    keys.push(key);
    // A key given twice waits for the first ID given for it, as Redis's dictAdd keeps it.
    if (state.has(key)) continue;
    const v = ctx.db.peek(key);
    state.set(key, { gt: ids[k] as StreamID, seen: v, gen: genOf(v) });
  }
  ctx.block({
    keys,
    deadline,
    serve: (key) => serveBlocked(ctx, key, state.get(key) as WaitState, count, groupName, consumerName, noack),
    timeout: () => ctx.reply.nullArray(),
  });
}

function genOf(v: RedisValue | undefined): number {
  return v !== undefined && typeof v !== 'string' && v.type === 'stream' ? (v as RedisStream).readyGen : -1;
}

/** serveClientsBlockedOnStreamKey / unblockDeletedStreamReadgroupClients for one waiter. */
function serveBlocked(ctx: CommandContext, key: string, st: WaitState, count: number, groupName: string | null, consumerName: string, noack: boolean): boolean {
  const v = ctx.db.lookupReadFlags(key, LOOKUP.NONOTIFY | LOOKUP.NOSTATS);
  const gen = genOf(v);
  if (v === st.seen && gen === st.gen) return false;
  st.seen = v;
  st.gen = gen;
  if (gen === -1) {
    if (groupName === null) return false;
    ctx.reply.error(ERR.blockedStreamGone);
    return true;
  }
  const s = v as RedisStream;
  let gt = st.gt;
  let g: ConsumerGroup | undefined;
  if (groupName !== null) {
    g = s.lookupGroup(groupName);
    if (g === undefined) {
      ctx.reply.error(ERR.blockedGroupGone);
      return true;
    }
    gt = g.lastId;
  }
  if (cmpId(s.lastId, gt) <= 0) return false;
  const start = incrId(gt) ?? ID_MIN;
  const w = ctx.reply;
  if (w.resp === 2) {
    w.arrayHeader(1);
    w.arrayHeader(2);
  } else {
    w.mapHeader(1);
  }
  w.bulk(key);
  if (g === undefined) replyRange(w, s, start, ID_MAX, count, false);
  else deliver(w, ctx, s, key, g, groupName as string, consumerFor(ctx, key, g, groupName as string, consumerName, noack), start, count, noack);
  return true;
}
