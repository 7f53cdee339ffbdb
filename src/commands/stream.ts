/**
 * Stream commands on entries: XADD XLEN XRANGE XREVRANGE XDEL XTRIM XSETID, and the helpers
 * the other stream modules share (ID parsing exactly as t_stream.c's, entry replies, the
 * stream lookup). Consumer groups are in stream-groups.ts, XREAD/XREADGROUP in
 * stream-read.ts, XINFO in stream-info.ts.
 *
 * Write notifications follow Redis 7.0: XADD/XDEL/XTRIM signal the key (WATCH, blocked
 * readers) only when they change it; XSETID does not signal at all; XADD also bumps the
 * stream's readyGen, which is what blocked readers wait for.
 */
import type { Argv } from '../protocol/argv.js';
import type { ReplyWriter } from '../protocol/reply-writer.js';
import { NOTIFY } from '../keyspace/notify.js';
import { RedisStream, type TrimArgs } from '../values/stream.js';
import type { StreamNode } from '../values/structures/stream-node.js';
import {
  cmpId,
  cstr,
  decrId,
  ID_MAX,
  ID_MIN,
  incrId,
  nextSeq,
  parseU64,
  StreamID,
  type Count,
} from '../values/structures/stream-id.js';
import { ERR, wrongArity } from './errors.js';
import type { ArgDoc, CommandContext, CommandSpec, KeySpec } from './spec.js';

const keyAt1 = (flags: string[]): KeySpec[] => [{ flags, begin_search: { index: 1 }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } }];
const KEY: ArgDoc = { name: 'key', type: 'key', key_spec_index: 0 };
const TRIM_ARGS: readonly ArgDoc[] = [
  {
    name: 'strategy', type: 'oneof',
    arguments: [{ name: 'maxlen', type: 'pure-token', token: 'MAXLEN' }, { name: 'minid', type: 'pure-token', token: 'MINID', since: '6.2.0' }],
  },
  {
    name: 'operator', type: 'oneof', optional: true,
    arguments: [{ name: 'equal', type: 'pure-token', token: '=' }, { name: 'approximately', type: 'pure-token', token: '~' }],
  },
  { name: 'threshold', type: 'string' },
  { name: 'count', type: 'integer', token: 'LIMIT', since: '6.2.0', optional: true },
];
const COUNT_ARG: ArgDoc = { name: 'count', type: 'integer', token: 'COUNT', optional: true };

export const streamCommands = [
  {
    name: 'xadd', arity: -5, flags: ['write', 'denyoom', 'fast'], acl: ['stream'], keys: [1, 1, 1], keySpecs: keyAt1(['RW', 'update']),
    group: 'stream', since: '5.0.0', summary: 'Append an entry to a stream, creating the stream if needed, and optionally trim it',
    complexity: 'O(1) to add the entry, O(N) for the entries evicted by trimming', tips: ['nondeterministic_output'],
    args: [
      KEY,
      { name: 'nomkstream', type: 'pure-token', token: 'NOMKSTREAM', since: '6.2.0', optional: true },
      { name: 'trim', type: 'block', optional: true, arguments: TRIM_ARGS },
      { name: 'id_or_auto', type: 'oneof', arguments: [{ name: 'auto_id', type: 'pure-token', token: '*' }, { name: 'id', type: 'string' }] },
      { name: 'field_value', type: 'block', multiple: true, arguments: [{ name: 'field', type: 'string' }, { name: 'value', type: 'string' }] },
    ],
    run: xadd,
  },
  {
    name: 'xlen', arity: 2, flags: ['readonly', 'fast'], acl: ['stream'], keys: [1, 1, 1], keySpecs: keyAt1(['RO']),
    group: 'stream', since: '5.0.0', summary: 'Count the entries of a stream', complexity: 'O(1)',
    args: [KEY], run: xlen,
  },
  {
    name: 'xrange', arity: -4, flags: ['readonly'], acl: ['stream'], keys: [1, 1, 1], keySpecs: keyAt1(['RO', 'access']),
    group: 'stream', since: '5.0.0', summary: 'Return the entries of a stream whose IDs fall in a range, oldest first',
    complexity: 'O(log N) to seek plus O(M) for the M entries returned',
    args: [KEY, { name: 'start', type: 'string' }, { name: 'end', type: 'string' }, COUNT_ARG],
    run: (c, a) => xrange(c, a, false),
  },
  {
    name: 'xrevrange', arity: -4, flags: ['readonly'], acl: ['stream'], keys: [1, 1, 1], keySpecs: keyAt1(['RO', 'access']),
    group: 'stream', since: '5.0.0', summary: 'Return the entries of a stream whose IDs fall in a range, newest first',
    complexity: 'O(log N) to seek plus O(M) for the M entries returned',
    args: [KEY, { name: 'end', type: 'string' }, { name: 'start', type: 'string' }, COUNT_ARG],
    run: (c, a) => xrange(c, a, true),
  },
  {
    name: 'xdel', arity: -3, flags: ['write', 'fast'], acl: ['stream'], keys: [1, 1, 1], keySpecs: keyAt1(['RW', 'delete']),
    group: 'stream', since: '5.0.0', summary: 'Delete entries of a stream by ID', complexity: 'O(log N) per ID',
    args: [KEY, { name: 'id', type: 'string', multiple: true }], run: xdel,
  },
  {
    name: 'xtrim', arity: -4, flags: ['write'], acl: ['stream'], keys: [1, 1, 1], keySpecs: keyAt1(['RW', 'delete']),
    group: 'stream', since: '5.0.0', summary: 'Drop the oldest entries of a stream down to a length or up to an ID',
    complexity: 'O(N) for the N entries evicted', tips: ['nondeterministic_output'],
    args: [KEY, { name: 'trim', type: 'block', arguments: TRIM_ARGS }], run: xtrim,
  },
  {
    name: 'xsetid', arity: -3, flags: ['write', 'denyoom', 'fast'], acl: ['stream'], keys: [1, 1, 1], keySpecs: keyAt1(['RW', 'update']),
    group: 'stream', since: '5.0.0', summary: "Set a stream's last ID and, optionally, its added-entries counter and largest deleted ID",
    complexity: 'O(1)',
    args: [
      KEY,
      { name: 'last-id', type: 'string' },
      { name: 'entries_added', type: 'integer', token: 'ENTRIESADDED', since: '7.0.0', optional: true },
      { name: 'max_deleted_entry_id', type: 'string', token: 'MAXDELETEDID', since: '7.0.0', optional: true },
    ],
    run: xsetid,
  },
] as const satisfies readonly CommandSpec[];

// ---- shared helpers ------------------------------------------------------------------------

/** The stream at key: undefined when missing, null after replying WRONGTYPE. */
export function getStream(ctx: CommandContext, key: string, write: boolean): RedisStream | null | undefined {
  const v = write ? ctx.db.lookupWrite(key) : ctx.db.lookupRead(key);
  if (v === undefined) return undefined;
  if (typeof v === 'string' || v.type !== 'stream') {
    ctx.reply.error(ERR.wrongType);
    return null;
  }
  return v as RedisStream;
}

export interface ParsedId {
  id: StreamID;
  /** False for XADD's "<ms>-*" form. */
  seqGiven: boolean;
}

/**
 * streamGenericParseIDOrReply without the reply: "<ms>-<seq>", "<ms>" (the sequence is 0 or,
 * with missingSeqMax, 2^64-1), "-" and "+" unless strict, "<ms>-*" when seqStar. The text is
 * read as C does, up to its first NUL; anything over 127 bytes is invalid.
 */
export function parseStreamId(raw: string, missingSeqMax: boolean, strict: boolean, seqStar: boolean): ParsedId | null {
  if (raw.length > 127) return null;
  const buf = cstr(raw);
  if (buf === '-') return strict ? null : { id: ID_MIN, seqGiven: true };
  if (buf === '+') return strict ? null : { id: ID_MAX, seqGiven: true };
  const dot = buf.indexOf('-');
  const ms = parseU64(dot < 0 ? buf : buf.slice(0, dot));
  if (ms === null) return null;
  if (dot < 0) {
    const seq = missingSeqMax ? 0xffffffff : 0;
    return { id: new StreamID(ms[0], ms[1], seq, seq), seqGiven: true };
  }
  const rest = buf.slice(dot + 1);
  if (seqStar && rest === '*') return { id: new StreamID(ms[0], ms[1], 0, 0), seqGiven: false };
  const seq = parseU64(rest);
  if (seq === null) return null;
  return { id: new StreamID(ms[0], ms[1], seq[0], seq[1]), seqGiven: true };
}

/** A strict (no "-"/"+") or lenient ID, replying the error when invalid. */
export function parseIdOrReply(ctx: CommandContext, raw: string, strict: boolean, missingSeqMax = false): StreamID | null {
  const p = parseStreamId(raw, missingSeqMax, strict, false);
  if (p === null) {
    ctx.reply.error(ERR.invalidStreamId);
    return null;
  }
  return p.id;
}

/**
 * A range bound (streamParseIntervalIDOrReply): "(" makes it exclusive, which is applied here
 * by moving to the next (start) or previous (end) ID. Replies the error and returns null.
 */
export function parseRangeBoundOrReply(ctx: CommandContext, raw: string, isEnd: boolean): StreamID | null {
  const exclusive = raw.length > 1 && raw.charCodeAt(0) === 0x28;
  const id = parseIdOrReply(ctx, exclusive ? raw.slice(1) : raw, exclusive, isEnd);
  if (id === null || !exclusive) return id;
  const moved = isEnd ? decrId(id) : incrId(id);
  if (moved === null) ctx.reply.error(isEnd ? ERR.invalidEndInterval : ERR.invalidStartInterval);
  return moved;
}

/** An int64 argument as a count (beyond ±2^53 it reads as ±Infinity); null after replying. */
export function parseCountOrReply(ctx: CommandContext, argv: Argv, i: number, msg: string = ERR.notInteger): number | null {
  const v = argv.int(i);
  if (v === null) {
    ctx.reply.error(msg);
    return null;
  }
  if (typeof v === 'bigint') return v > 0n ? Infinity : -Infinity;
  return v;
}

/** One entry: [id, [field, value, ...]]. */
export function replyEntry(w: ReplyWriter, node: StreamNode, i: number): void {
  w.arrayHeader(2);
  w.bulk(node.idAt(i).toString());
  const nf = node.numFields(i);
  w.arrayHeader(nf * 2);
  for (let j = 0; j < nf; j++) {
    w.bulk(node.field(i, j));
    w.bulk(node.value(i, j));
  }
}

const scratchNodes: StreamNode[] = [];
const scratchIdx: number[] = [];

/** The live entries with start <= ID <= end as an array, at most `count` (0 = all). */
export function replyRange(w: ReplyWriter, s: RedisStream, start: StreamID, end: StreamID, count: number, rev: boolean): number {
  scratchNodes.length = 0;
  scratchIdx.length = 0;
  s.forEachEntry(start, end, rev, (node, i) => {
    scratchNodes.push(node);
    scratchIdx.push(i);
    return count === 0 || scratchNodes.length < count;
  });
  const n = scratchNodes.length;
  w.arrayHeader(n);
  for (let k = 0; k < n; k++) replyEntry(w, scratchNodes[k] as StreamNode, scratchIdx[k] as number);
  scratchNodes.length = 0;
  return n;
}

/** stream-node-max-bytes and stream-node-max-entries, as XADD and trimming read them. */
export function nodeLimits(ctx: CommandContext): { maxBytes: number; maxEntries: number } {
  const cfg = ctx.server.config;
  return { maxBytes: Number(cfg.get('stream-node-max-bytes')), maxEntries: Number(cfg.get('stream-node-max-entries')) };
}

// ---- XADD / XTRIM argument parsing ---------------------------------------------------------

interface AddTrimArgs extends TrimArgs {
  /** Position of the ID argument (XADD); argc when none was found. */
  idPos: number;
  id: StreamID;
  idGiven: boolean;
  seqGiven: boolean;
  noMkstream: boolean;
  hasStrategy: boolean;
}

/** streamParseAddOrTrimArgsOrReply: options of XADD (xadd) or XTRIM. Null after replying. */
function parseAddTrimArgs(ctx: CommandContext, argv: Argv, xadd: boolean): AddTrimArgs | null {
  const a: AddTrimArgs = {
    idPos: 2, id: ID_MIN, idGiven: false, seqGiven: true, noMkstream: false, hasStrategy: false,
    strategy: 'maxlen', maxlen: 0, minid: ID_MIN, approx: false, limit: 0,
  };
  let limitGiven = false;
  const argc = argv.argc;
  let i = 2;
  for (; i < argc; i++) {
    if (xadd && argv.len(i) === 1 && argv.is(i, '*')) break; // the common case, without a string
    const more = argc - 1 - i;
    const opt = cstr(argv.str(i)).toUpperCase();
    if (xadd && opt === '*') break;
    if ((opt === 'MAXLEN' || opt === 'MINID') && more > 0) {
      if (a.hasStrategy) return fail(ctx, ERR.maxlenMinidTogether);
      a.approx = false;
      const next = cstr(argv.str(i + 1));
      if (more >= 2 && next === '~') {
        a.approx = true;
        i++;
      } else if (more >= 2 && next === '=') {
        i++;
      }
      if (opt === 'MAXLEN') {
        const v = argv.int(i + 1);
        if (v === null) return fail(ctx, ERR.notInteger);
        if (v < 0) return fail(ctx, ERR.maxlenNegative);
        a.maxlen = typeof v === 'bigint' ? Infinity : v;
        a.strategy = 'maxlen';
      } else {
        const id = parseIdOrReply(ctx, argv.str(i + 1), true);
        if (id === null) return null;
        a.minid = id;
        a.strategy = 'minid';
      }
      a.hasStrategy = true;
      i++;
    } else if (opt === 'LIMIT' && more > 0) {
      const v = argv.int(i + 1);
      if (v === null) return fail(ctx, ERR.notInteger);
      if (v < 0) return fail(ctx, ERR.trimLimitNegative);
      a.limit = typeof v === 'bigint' ? Infinity : v;
      limitGiven = true;
      i++;
    } else if (xadd && opt === 'NOMKSTREAM') {
      a.noMkstream = true;
    } else if (xadd) {
      const p = parseStreamId(argv.str(i), false, true, true);
      if (p === null) return fail(ctx, ERR.invalidStreamId);
      a.id = p.id;
      a.seqGiven = p.seqGiven;
      a.idGiven = true;
      break;
    } else {
      return fail(ctx, ERR.syntax);
    }
  }
  a.idPos = i;
  if (a.limit !== 0 && !a.hasStrategy) return fail(ctx, ERR.trimLimitNoStrategy);
  if (!xadd && !a.hasStrategy) return fail(ctx, ERR.xtrimNoStrategy);
  if (ctx.client.mustObey) {
    // Replayed from the AOF: the threshold was rewritten exact, so no node limit applies
    // (and LIMIT may come with '=').
    a.limit = 0;
  } else if (limitGiven) {
    if (!a.approx) return fail(ctx, ERR.trimLimitNoApprox);
  } else if (a.approx) {
    // Approximate trimming does at most 100 nodes' worth of work unless told otherwise.
    const limit = 100 * nodeLimits(ctx).maxEntries;
    a.limit = limit <= 0 ? 10000 : Math.min(limit, 1000000);
  } else {
    a.limit = 0;
  }
  return a;
}

function fail(ctx: CommandContext, msg: string): null {
  ctx.reply.error(msg);
  return null;
}

// ---- handlers ------------------------------------------------------------------------------

/** XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value [field value ...] */
function xadd(ctx: CommandContext, argv: Argv): void {
  const a = parseAddTrimArgs(ctx, argv, true);
  if (a === null) return;
  const fieldPos = a.idPos + 1;
  const nargs = argv.argc - fieldPos;
  if (nargs < 2 || nargs % 2 === 1) {
    ctx.reply.error(wrongArity(ctx.commandName));
    return;
  }
  // 0-0 can never be added: answer before creating the key.
  if (a.idGiven && a.seqGiven && a.id.isZero()) {
    ctx.reply.error(ERR.xaddIdZero);
    return;
  }
  const key = argv.str(1);
  const db = ctx.db;
  let s = getStream(ctx, key, true);
  if (s === null) return;
  if (s === undefined) {
    if (a.noMkstream) {
      ctx.reply.nullBulk();
      return;
    }
    s = new RedisStream(ctx.ks.initialWord());
    db.add(key, s);
  }
  const last = s.lastId;
  if (last.isMax()) {
    ctx.reply.error(ERR.streamExhausted);
    return;
  }
  let id: StreamID;
  if (!a.idGiven) {
    const now = ctx.ks.now;
    id = now > last.msNumber() ? StreamID.of(now, 0) : (incrId(last) ?? ID_MIN);
  } else if (!a.seqGiven && a.id.msHi === last.msHi && a.id.msLo === last.msLo) {
    const next = nextSeq(last);
    if (next === null) {
      // Redis fails here without setting errno, so the reply is the "too large" one.
      ctx.reply.error(ERR.streamElementsTooLarge);
      return;
    }
    id = next;
  } else {
    id = a.id;
  }
  if (cmpId(id, last) <= 0) {
    ctx.reply.error(ERR.xaddIdTooSmall);
    return;
  }
  const fv: string[] = [];
  let total = 0;
  for (let i = fieldPos; i < argv.argc; i++) {
    const v = argv.str(i);
    total += v.length;
    fv.push(v);
  }
  if (total > 1 << 30) {
    ctx.reply.error(ERR.streamElementsTooLarge);
    return;
  }
  const lim = nodeLimits(ctx);
  s.append(id, fv, total, lim.maxBytes, lim.maxEntries);
  ctx.reply.bulk(id.toString());
  db.signalModified(key);
  db.notify(NOTIFY.STREAM, 'xadd', key);
  ctx.dirty++;
  if (a.hasStrategy && s.trim(a) > 0) db.notify(NOTIFY.STREAM, 'xtrim', key);
  s.readyGen++;
  // Propagated with the ID it got and, after a `~` trim, the exact threshold reached.
  if (!a.idGiven || !a.seqGiven || a.approx) rewriteAddTrim(ctx, argv, a, s, !a.idGiven || !a.seqGiven ? id : null);
}

/** XLEN key */
function xlen(ctx: CommandContext, argv: Argv): void {
  const s = getStream(ctx, argv.str(1), false);
  if (s === null) return;
  ctx.reply.integer(s === undefined ? 0 : s.length);
}

/** XRANGE key start end [COUNT count] / XREVRANGE key end start [COUNT count] */
function xrange(ctx: CommandContext, argv: Argv, rev: boolean): void {
  const start = parseRangeBoundOrReply(ctx, argv.str(rev ? 3 : 2), false);
  if (start === null) return;
  const end = parseRangeBoundOrReply(ctx, argv.str(rev ? 2 : 3), true);
  if (end === null) return;
  let count = -1;
  for (let j = 4; j < argv.argc; j++) {
    if (argv.is(j, 'COUNT') && j + 1 < argv.argc) {
      const c = parseCountOrReply(ctx, argv, j + 1);
      if (c === null) return;
      count = c < 0 ? 0 : c;
      j++;
    } else {
      ctx.reply.error(ERR.syntax);
      return;
    }
  }
  const s = getStream(ctx, argv.str(1), false);
  if (s === null) return;
  if (s === undefined) {
    ctx.reply.emptyArray();
    return;
  }
  if (count === 0) ctx.reply.nullArray();
  else replyRange(ctx.reply, s, start, end, count === -1 ? 0 : count, rev);
}

/** XDEL key id [id ...] */
function xdel(ctx: CommandContext, argv: Argv): void {
  const key = argv.str(1);
  const s = getStream(ctx, key, true);
  if (s === null) return;
  if (s === undefined) {
    ctx.reply.integer(0);
    return;
  }
  // All IDs are checked first, so a bad one leaves the stream untouched.
  const ids: StreamID[] = [];
  for (let j = 2; j < argv.argc; j++) {
    const id = parseIdOrReply(ctx, argv.str(j), true);
    if (id === null) return;
    ids.push(id);
  }
  let deleted = 0;
  let firstGone = false;
  for (const id of ids) {
    if (!s.deleteEntry(id)) continue;
    if (cmpId(id, s.firstId) === 0) firstGone = true;
    if (cmpId(id, s.maxDeletedId) > 0) s.maxDeletedId = id;
    deleted++;
  }
  if (deleted > 0) {
    if (s.length === 0) s.firstId = ID_MIN;
    else if (firstGone) s.firstId = s.edgeId(true, true);
    ctx.db.signalModified(key);
    ctx.db.notify(NOTIFY.STREAM, 'xdel', key);
    ctx.dirty += deleted;
  }
  ctx.reply.integer(deleted);
}

/** XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count] */
function xtrim(ctx: CommandContext, argv: Argv): void {
  const a = parseAddTrimArgs(ctx, argv, false);
  if (a === null) return;
  const key = argv.str(1);
  const s = getStream(ctx, key, true);
  if (s === null) return;
  if (s === undefined) {
    ctx.reply.integer(0);
    return;
  }
  const deleted = s.trim(a);
  if (deleted > 0) {
    ctx.db.notify(NOTIFY.STREAM, 'xtrim', key);
    ctx.db.signalModified(key);
    ctx.dirty += deleted;
    if (a.approx) rewriteAddTrim(ctx, argv, a, s, null);
  }
  ctx.reply.integer(deleted);
}

/**
 * XADD / XTRIM as propagated (streamRewriteApproxSpecifier, streamRewriteTrimArgument): the
 * generated ID in place of `*` (or `ms-*`), and an approximate trim made exact — `~` becomes
 * `=` and the threshold what the trim reached (the length for MAXLEN, the first entry's ID,
 * deleted ones included, for MINID) — so a reload trims exactly the same entries.
 */
function rewriteAddTrim(ctx: CommandContext, argv: Argv, a: AddTrimArgs, s: RedisStream, id: StreamID | null): void {
  const args = argv.toStrings();
  if (id !== null) args[a.idPos] = id.toString();
  if (a.approx) {
    // Options only: XADD's fields (from idPos) may hold anything.
    for (let i = 2; i + 2 < a.idPos; i++) {
      if ((argv.is(i, 'MAXLEN') || argv.is(i, 'MINID')) && cstr(argv.str(i + 1)) === '~') {
        args[i + 1] = '=';
        args[i + 2] = a.strategy === 'maxlen' ? String(s.length) : s.edgeId(true, false).toString();
        break;
      }
    }
  }
  ctx.rewriteArgv(args);
}

/** XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id] */
function xsetid(ctx: CommandContext, argv: Argv): void {
  const id = parseIdOrReply(ctx, argv.str(2), true);
  if (id === null) return;
  let entriesAdded: Count = -1;
  let maxDeleted = ID_MIN;
  for (let i = 3; i < argv.argc; i += 2) {
    const more = argv.argc - 1 - i;
    if (argv.is(i, 'ENTRIESADDED') && more > 0) {
      const v = argv.int(i + 1);
      if (v === null) return void ctx.reply.error(ERR.notInteger);
      if (v < 0) return void ctx.reply.error(ERR.entriesAddedNegative);
      entriesAdded = v;
    } else if (argv.is(i, 'MAXDELETEDID') && more > 0) {
      const m = parseIdOrReply(ctx, argv.str(i + 1), true);
      if (m === null) return;
      if (cmpId(id, m) < 0) return void ctx.reply.error(ERR.xsetidBelowMaxDeleted);
      maxDeleted = m;
    } else {
      return void ctx.reply.error(ERR.syntax);
    }
  }
  const key = argv.str(1);
  const s = getStream(ctx, key, true);
  if (s === null) return;
  if (s === undefined) return void ctx.reply.error(ERR.noSuchKey);
  if (s.length > 0) {
    if (cmpId(id, s.lastValidId()) < 0) return void ctx.reply.error(ERR.xsetidBelowTop);
    if (entriesAdded !== -1 && s.length > entriesAdded) return void ctx.reply.error(ERR.xsetidEntriesAddedBelowLength);
  }
  s.lastId = id;
  if (entriesAdded !== -1) s.entriesAdded = entriesAdded;
  if (!maxDeleted.isZero()) s.maxDeletedId = maxDeleted;
  ctx.reply.ok();
  ctx.dirty++;
  ctx.db.notify(NOTIFY.STREAM, 'xsetid', key);
}
