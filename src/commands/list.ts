/**
 * List commands (non-blocking). The blocking variants are in list-blocking.ts and reuse the
 * pop/move helpers exported here, so a served blocked client does exactly what the
 * non-blocking command would have done.
 */
import type { Argv } from '../protocol/argv.js';
import type { Database } from '../keyspace/database.js';
import { NOTIFY } from '../keyspace/notify.js';
import { RedisList } from '../values/list.js';
import { ERR } from './errors.js';
import type { CommandContext, CommandSpec, KeySpec } from './spec.js';

const k1 = (flags: string[]): KeySpec[] => [{ flags, begin_search: { index: 1 }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } }];
const key0 = { name: 'key', type: 'key', key_spec_index: 0 } as const;
const whereArg = (name: string) =>
  ({ name, type: 'oneof', arguments: [{ name: 'left', type: 'pure-token', token: 'LEFT' }, { name: 'right', type: 'pure-token', token: 'RIGHT' }] }) as const;

export const listCommands = [
  {
    name: 'lpush', arity: -3, flags: ['write', 'denyoom', 'fast'], acl: ['list'], keys: [1, 1, 1], keySpecs: k1(['RW', 'insert']),
    group: 'list', since: '1.0.0', summary: 'Prepend elements to a list, creating it if needed', complexity: 'O(1) per element',
    args: [key0, { name: 'element', type: 'string', multiple: true }], run: (c, a) => push(c, a, true, false),
  },
  {
    name: 'rpush', arity: -3, flags: ['write', 'denyoom', 'fast'], acl: ['list'], keys: [1, 1, 1], keySpecs: k1(['RW', 'insert']),
    group: 'list', since: '1.0.0', summary: 'Append elements to a list, creating it if needed', complexity: 'O(1) per element',
    args: [key0, { name: 'element', type: 'string', multiple: true }], run: (c, a) => push(c, a, false, false),
  },
  {
    name: 'lpushx', arity: -3, flags: ['write', 'denyoom', 'fast'], acl: ['list'], keys: [1, 1, 1], keySpecs: k1(['RW', 'insert']),
    group: 'list', since: '2.2.0', summary: 'Prepend elements to a list only if it exists', complexity: 'O(1) per element',
    args: [key0, { name: 'element', type: 'string', multiple: true }], run: (c, a) => push(c, a, true, true),
  },
  {
    name: 'rpushx', arity: -3, flags: ['write', 'denyoom', 'fast'], acl: ['list'], keys: [1, 1, 1], keySpecs: k1(['RW', 'insert']),
    group: 'list', since: '2.2.0', summary: 'Append elements to a list only if it exists', complexity: 'O(1) per element',
    args: [key0, { name: 'element', type: 'string', multiple: true }], run: (c, a) => push(c, a, false, true),
  },
  {
    name: 'lpop', arity: -2, flags: ['write', 'fast'], acl: ['list'], keys: [1, 1, 1], keySpecs: k1(['RW', 'access', 'delete']),
    group: 'list', since: '1.0.0', summary: 'Remove and return elements from the head of a list', complexity: 'O(N) in the number of elements returned',
    args: [key0, { name: 'count', type: 'integer', optional: true, since: '6.2.0' }], run: (c, a) => pop(c, a, true),
  },
  {
    name: 'rpop', arity: -2, flags: ['write', 'fast'], acl: ['list'], keys: [1, 1, 1], keySpecs: k1(['RW', 'access', 'delete']),
    group: 'list', since: '1.0.0', summary: 'Remove and return elements from the tail of a list', complexity: 'O(N) in the number of elements returned',
    args: [key0, { name: 'count', type: 'integer', optional: true, since: '6.2.0' }], run: (c, a) => pop(c, a, false),
  },
  {
    name: 'llen', arity: 2, flags: ['readonly', 'fast'], acl: ['list'], keys: [1, 1, 1], keySpecs: k1(['RO']),
    group: 'list', since: '1.0.0', summary: 'Return the length of a list', complexity: 'O(1)', args: [key0], run: llen,
  },
  {
    name: 'lrange', arity: 4, flags: ['readonly'], acl: ['list'], keys: [1, 1, 1], keySpecs: k1(['RO', 'access']),
    group: 'list', since: '1.0.0', summary: 'Return a range of elements of a list', complexity: 'O(S+N)',
    args: [key0, { name: 'start', type: 'integer' }, { name: 'stop', type: 'integer' }], run: lrange,
  },
  {
    name: 'lindex', arity: 3, flags: ['readonly'], acl: ['list'], keys: [1, 1, 1], keySpecs: k1(['RO', 'access']),
    group: 'list', since: '1.0.0', summary: 'Return the element at an index of a list', complexity: 'O(N)',
    args: [key0, { name: 'index', type: 'integer' }], run: lindex,
  },
  {
    name: 'lset', arity: 4, flags: ['write', 'denyoom'], acl: ['list'], keys: [1, 1, 1], keySpecs: k1(['RW', 'update']),
    group: 'list', since: '1.0.0', summary: 'Set the element at an index of a list', complexity: 'O(N)',
    args: [key0, { name: 'index', type: 'integer' }, { name: 'element', type: 'string' }], run: lset,
  },
  {
    name: 'linsert', arity: 5, flags: ['write', 'denyoom'], acl: ['list'], keys: [1, 1, 1], keySpecs: k1(['RW', 'insert']),
    group: 'list', since: '2.2.0', summary: 'Insert an element before or after another element of a list', complexity: 'O(N)',
    args: [
      key0,
      { name: 'where', type: 'oneof', arguments: [{ name: 'before', type: 'pure-token', token: 'BEFORE' }, { name: 'after', type: 'pure-token', token: 'AFTER' }] },
      { name: 'pivot', type: 'string' },
      { name: 'element', type: 'string' },
    ],
    run: linsert,
  },
  {
    name: 'lrem', arity: 4, flags: ['write'], acl: ['list'], keys: [1, 1, 1], keySpecs: k1(['RW', 'delete']),
    group: 'list', since: '1.0.0', summary: 'Remove occurrences of an element from a list', complexity: 'O(N+M)',
    args: [key0, { name: 'count', type: 'integer' }, { name: 'element', type: 'string' }], run: lrem,
  },
  {
    name: 'ltrim', arity: 4, flags: ['write'], acl: ['list'], keys: [1, 1, 1], keySpecs: k1(['RW', 'delete']),
    group: 'list', since: '1.0.0', summary: 'Trim a list to a range of indexes', complexity: 'O(N)',
    args: [key0, { name: 'start', type: 'integer' }, { name: 'stop', type: 'integer' }], run: ltrim,
  },
  {
    name: 'lpos', arity: -3, flags: ['readonly'], acl: ['list'], keys: [1, 1, 1], keySpecs: k1(['RO', 'access']),
    group: 'list', since: '6.0.6', summary: 'Return the indexes of matching elements of a list', complexity: 'O(N)',
    args: [
      key0,
      { name: 'element', type: 'string' },
      { name: 'rank', type: 'integer', token: 'RANK', optional: true },
      { name: 'num-matches', type: 'integer', token: 'COUNT', optional: true },
      { name: 'len', type: 'integer', token: 'MAXLEN', optional: true },
    ],
    run: lpos,
  },
  {
    name: 'lmove', arity: 5, flags: ['write', 'denyoom'], acl: ['list'], keys: [1, 2, 1],
    keySpecs: [
      { flags: ['RW', 'access', 'delete'], begin_search: { index: 1 }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } },
      { flags: ['RW', 'insert'], begin_search: { index: 2 }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } },
    ],
    group: 'list', since: '6.2.0', summary: 'Pop an element from one list and push it to another', complexity: 'O(1)',
    args: [
      { name: 'source', type: 'key', key_spec_index: 0 },
      { name: 'destination', type: 'key', key_spec_index: 1 },
      whereArg('wherefrom'),
      whereArg('whereto'),
    ],
    run: lmove,
  },
  {
    name: 'rpoplpush', arity: 3, flags: ['write', 'denyoom'], acl: ['list'], keys: [1, 2, 1],
    keySpecs: [
      { flags: ['RW', 'access', 'delete'], begin_search: { index: 1 }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } },
      { flags: ['RW', 'insert'], begin_search: { index: 2 }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } },
    ],
    group: 'list', since: '1.2.0', summary: 'Pop from the tail of one list and push to the head of another', complexity: 'O(1)',
    docFlags: ['deprecated'],
    args: [
      { name: 'source', type: 'key', key_spec_index: 0 },
      { name: 'destination', type: 'key', key_spec_index: 1 },
    ],
    run: (ctx, argv) => {
      const src = argv.str(1);
      const dst = argv.str(2);
      const r = moveOne(ctx, ctx.db, src, dst, false, true);
      if (r === undefined) ctx.reply.nullBulk();
    },
  },
  {
    name: 'lmpop', arity: -4, flags: ['write', 'movablekeys'], acl: ['list'], group: 'list', since: '7.0.0',
    keySpecs: [{ flags: ['RW', 'access', 'delete'], begin_search: { index: 1 }, find_keys: { keynumidx: 0, firstkey: 1, keystep: 1 } }],
    summary: 'Pop elements from the first non-empty list among several', complexity: 'O(N+M)',
    args: [
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', key_spec_index: 0, multiple: true },
      whereArg('where'),
      { name: 'count', type: 'integer', token: 'COUNT', optional: true },
    ],
    getKeys: (argv) => numkeysKeys(argv, 1),
    run: (ctx, argv) => {
      const p = parseMpop(ctx, argv, 1);
      if (p === null) return;
      if (!mpop(ctx, p.keys, p.head, p.count)) ctx.reply.nullArray();
    },
  },
] as const satisfies readonly CommandSpec[];

/**
 * Keys of a `numkeys key...` command whose numkeys is at argv[idx]; none (COMMAND GETKEYS:
 * "Invalid arguments") when numkeys is not positive or names more keys than there are
 * arguments, as Redis's key-spec lookup refuses rather than truncates.
 */
export function numkeysKeys(argv: Argv, idx: number): number[] {
  const n = argv.safeInt(idx);
  const out: number[] = [];
  if (n === null || n <= 0 || idx + n >= argv.argc) return out;
  for (let i = idx + 1; i <= idx + n; i++) out.push(i);
  return out;
}

/** The list at key: undefined when missing, null after replying WRONGTYPE. */
export function getList(ctx: CommandContext, db: Database, key: string, write = true): RedisList | null | undefined {
  const v = write ? db.lookupWrite(key) : db.lookupRead(key);
  if (v === undefined) return undefined;
  if (typeof v === 'string' || v.type !== 'list') {
    ctx.reply.error(ERR.wrongType);
    return null;
  }
  return v as RedisList;
}

/** LPUSH/RPUSH/LPUSHX/RPUSHX key element [element ...] */
function push(ctx: CommandContext, argv: Argv, head: boolean, onlyExisting: boolean): void {
  const key = argv.str(1);
  const db = ctx.db;
  let list = getList(ctx, db, key);
  if (list === null) return;
  const created = list === undefined;
  if (list === undefined) {
    if (onlyExisting) {
      ctx.reply.integer(0);
      return;
    }
    list = new RedisList(ctx.ks.initialWord());
  }
  for (let i = 2; i < argv.argc; i++) {
    if (head) list.pushHead(argv.str(i));
    else list.pushTail(argv.str(i));
  }
  if (created) db.add(key, list);
  else db.signalModified(key);
  ctx.dirty += argv.argc - 2;
  db.notify(NOTIFY.LIST, head ? 'lpush' : 'rpush', key);
  ctx.reply.integer(list.length);
}

/** After elements left a list: fire the pop event and delete the key if it became empty. */
export function afterPop(db: Database, key: string, list: RedisList, event: string): void {
  db.notify(NOTIFY.LIST, event, key);
  dropIfEmpty(db, key, list);
}

/** Redis never keeps an empty list: delete it (with its 'del' event), else signal the change. */
function dropIfEmpty(db: Database, key: string, list: RedisList): void {
  if (list.length === 0) {
    db.delete(key);
    db.notify(NOTIFY.GENERIC, 'del', key);
  } else {
    db.signalModified(key);
  }
}

/** LPOP/RPOP key [count] */
function pop(ctx: CommandContext, argv: Argv, head: boolean): void {
  if (argv.argc > 3) {
    ctx.reply.error(`ERR wrong number of arguments for '${ctx.commandName}' command`);
    return;
  }
  let count = -1;
  if (argv.argc === 3) {
    // getPositiveLongFromObjectOrReply: one message whether it is not a number or negative.
    const n = argv.int(2);
    if (n === null || n < 0) {
      ctx.reply.error(ERR.mustBePositive);
      return;
    }
    count = Number(n);
  }
  const key = argv.str(1);
  const db = ctx.db;
  const list = getList(ctx, db, key);
  if (list === null) return;
  if (list === undefined) {
    if (count >= 0) ctx.reply.nullArray();
    else ctx.reply.nullBulk();
    return;
  }
  if (count === 0) {
    ctx.reply.emptyArray();
    return;
  }
  if (count < 0) {
    ctx.reply.bulk((head ? list.popHead() : list.popTail()) as string);
    ctx.dirty++;
  } else {
    const n = Math.min(count, list.length);
    ctx.reply.arrayHeader(n);
    for (let i = 0; i < n; i++) ctx.reply.bulk((head ? list.popHead() : list.popTail()) as string);
    ctx.dirty += n;
  }
  afterPop(db, key, list, head ? 'lpop' : 'rpop');
}

/** LLEN key */
function llen(ctx: CommandContext, argv: Argv): void {
  const list = getList(ctx, ctx.db, argv.str(1), false);
  if (list === null) return;
  ctx.reply.integer(list === undefined ? 0 : list.length);
}

/** Parse two integer arguments (range bounds); null after replying an error. */
function rangeArgs(ctx: CommandContext, argv: Argv, i: number): [number, number] | null {
  const a = argv.int(i);
  const b = argv.int(i + 1);
  if (a === null || b === null) {
    ctx.reply.error(ERR.notInteger);
    return null;
  }
  return [Number(a), Number(b)];
}

/** LRANGE key start stop */
function lrange(ctx: CommandContext, argv: Argv): void {
  const r = rangeArgs(ctx, argv, 2);
  if (r === null) return;
  const list = getList(ctx, ctx.db, argv.str(1), false);
  if (list === null) return;
  if (list === undefined) {
    ctx.reply.emptyArray();
    return;
  }
  const len = list.length;
  let [start, end] = r;
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (start > end || start >= len) {
    ctx.reply.emptyArray();
    return;
  }
  if (end >= len) end = len - 1;
  ctx.reply.arrayHeader(end - start + 1);
  for (let i = start; i <= end; i++) ctx.reply.bulk(list.at(i) as string);
}

/** LINDEX key index (the key is looked up before the index is parsed, as in Redis) */
function lindex(ctx: CommandContext, argv: Argv): void {
  const list = getList(ctx, ctx.db, argv.str(1), false);
  if (list === null) return;
  if (list === undefined) {
    ctx.reply.nullBulk();
    return;
  }
  const idx = argv.int(2);
  if (idx === null) {
    ctx.reply.error(ERR.notInteger);
    return;
  }
  let i = Number(idx);
  if (i < 0) i = list.length + i;
  const v = list.at(i);
  if (v === undefined) ctx.reply.nullBulk();
  else ctx.reply.bulk(v);
}

/** LSET key index element (the key is looked up before the index is parsed, as in Redis) */
function lset(ctx: CommandContext, argv: Argv): void {
  const key = argv.str(1);
  const list = getList(ctx, ctx.db, key);
  if (list === null) return;
  if (list === undefined) {
    ctx.reply.error(ERR.noSuchKey);
    return;
  }
  const idx = argv.int(2);
  if (idx === null) {
    ctx.reply.error(ERR.notInteger);
    return;
  }
  let i = Number(idx);
  if (i < 0) i = list.length + i;
  if (i < 0 || i >= list.length) {
    ctx.reply.error(ERR.indexOutOfRange);
    return;
  }
  list.setAt(i, argv.str(3));
  ctx.db.signalModified(key);
  ctx.db.notify(NOTIFY.LIST, 'lset', key);
  ctx.dirty++;
  ctx.reply.ok();
}

/** LINSERT key BEFORE|AFTER pivot element */
function linsert(ctx: CommandContext, argv: Argv): void {
  let after: boolean;
  if (argv.is(2, 'AFTER')) after = true;
  else if (argv.is(2, 'BEFORE')) after = false;
  else {
    ctx.reply.error(ERR.syntax);
    return;
  }
  const key = argv.str(1);
  const list = getList(ctx, ctx.db, key);
  if (list === null) return;
  if (list === undefined) {
    ctx.reply.integer(0);
    return;
  }
  const pivot = argv.str(3);
  for (let i = 0; i < list.length; i++) {
    if (list.at(i) === pivot) {
      list.insertAt(after ? i + 1 : i, argv.str(4));
      ctx.db.signalModified(key);
      ctx.db.notify(NOTIFY.LIST, 'linsert', key);
      ctx.dirty++;
      ctx.reply.integer(list.length);
      return;
    }
  }
  ctx.reply.integer(-1);
}

/** LREM key count element */
function lrem(ctx: CommandContext, argv: Argv): void {
  const cnt = argv.int(2);
  if (cnt === null) {
    ctx.reply.error(ERR.notInteger);
    return;
  }
  const key = argv.str(1);
  const list = getList(ctx, ctx.db, key);
  if (list === null) return;
  if (list === undefined) {
    ctx.reply.integer(0);
    return;
  }
  const count = Number(cnt);
  const el = argv.str(3);
  const items = list.toArray();
  let removed = 0;
  const limit = count === 0 ? Infinity : Math.abs(count);
  if (count >= 0) {
    const kept: string[] = [];
    for (const it of items) {
      if (it === el && removed < limit) removed++;
      else kept.push(it);
    }
    if (removed > 0) list.replaceAll(kept);
  } else {
    const kept: string[] = [];
    for (let i = items.length - 1; i >= 0; i--) {
      const it = items[i] as string;
      if (it === el && removed < limit) removed++;
      else kept.push(it);
    }
    if (removed > 0) list.replaceAll(kept.reverse());
  }
  if (removed > 0) {
    ctx.db.notify(NOTIFY.LIST, 'lrem', key);
    dropIfEmpty(ctx.db, key, list);
    ctx.dirty += removed;
  }
  ctx.reply.integer(removed);
}

/** LTRIM key start stop */
function ltrim(ctx: CommandContext, argv: Argv): void {
  const r = rangeArgs(ctx, argv, 2);
  if (r === null) return;
  const key = argv.str(1);
  const list = getList(ctx, ctx.db, key);
  if (list === null) return;
  if (list === undefined) {
    ctx.reply.ok();
    return;
  }
  const len = list.length;
  let [start, end] = r;
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  let removed: number;
  if (start > end || start >= len) {
    removed = len;
    list.trim(1, 0);
  } else {
    if (end >= len) end = len - 1;
    removed = len - (end - start + 1);
    list.trim(start, end);
  }
  ctx.db.notify(NOTIFY.LIST, 'ltrim', key);
  dropIfEmpty(ctx.db, key, list);
  ctx.dirty += removed;
  ctx.reply.ok();
}

const INT64_MIN = -(2n ** 63n);

/** LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len] */
function lpos(ctx: CommandContext, argv: Argv): void {
  let rank = 1;
  let count = -1;
  let maxlen = 0;
  for (let j = 3; j < argv.argc; j++) {
    const more = argv.argc - 1 - j;
    if (argv.is(j, 'RANK') && more > 0) {
      const v = argv.int(++j);
      if (v === null) return ctx.reply.error(ERR.notInteger);
      if (v === 0) {
        return ctx.reply.error(ERR.lposRankZero);
      }
      // Redis negates a negative rank in int64 arithmetic: -2^63 stays negative, so every
      // match qualifies (as for -1). Other ranks beyond 2^53 can never be reached.
      rank = typeof v === 'bigint' ? (v === INT64_MIN ? -1 : v < 0n ? -Number.MAX_SAFE_INTEGER : Number.MAX_SAFE_INTEGER) : v;
    } else if (argv.is(j, 'COUNT') && more > 0) {
      // A range check in Redis: not a number and negative share the message.
      const v = argv.int(++j);
      if (v === null || v < 0) return ctx.reply.error(ERR.lposCountNegative);
      count = Number(v);
    } else if (argv.is(j, 'MAXLEN') && more > 0) {
      const v = argv.int(++j);
      if (v === null || v < 0) return ctx.reply.error(ERR.lposMaxlenNegative);
      maxlen = Number(v);
    } else {
      return ctx.reply.error(ERR.syntax);
    }
  }
  const list = getList(ctx, ctx.db, argv.str(1), false);
  if (list === null) return;
  if (list === undefined) {
    if (count >= 0) ctx.reply.emptyArray();
    else ctx.reply.nullBulk();
    return;
  }
  const el = argv.str(2);
  const len = list.length;
  const fromTail = rank < 0;
  let skip = Math.abs(rank) - 1;
  const want = count < 0 ? 1 : count === 0 ? Infinity : count;
  const found: number[] = [];
  let compared = 0;
  for (let n = 0; n < len && found.length < want; n++) {
    if (maxlen !== 0 && compared >= maxlen) break;
    const i = fromTail ? len - 1 - n : n;
    compared++;
    if (list.at(i) === el) {
      if (skip > 0) skip--;
      else found.push(i);
    }
  }
  if (count >= 0) {
    ctx.reply.arrayHeader(found.length);
    for (const i of found) ctx.reply.integer(i);
  } else if (found.length === 0) {
    ctx.reply.nullBulk();
  } else {
    ctx.reply.integer(found[0] as number);
  }
}

function parseWhere(argv: Argv, i: number): boolean | null {
  if (argv.is(i, 'LEFT')) return true;
  if (argv.is(i, 'RIGHT')) return false;
  return null;
}

/**
 * Move one element from src to dst (LMOVE/RPOPLPUSH and their blocking forms once served).
 * Replies the element and returns it; returns undefined (nothing replied) when src is missing
 * or empty, null after replying WRONGTYPE.
 */
export function moveOne(ctx: CommandContext, db: Database, src: string, dst: string, fromHead: boolean, toHead: boolean): string | null | undefined {
  const slist = getList(ctx, db, src);
  if (slist === null) return null;
  if (slist === undefined || slist.length === 0) return undefined;
  let dlist = src === dst ? slist : getList(ctx, db, dst);
  if (dlist === null) return null;
  const value = (fromHead ? slist.popHead() : slist.popTail()) as string;
  const created = dlist === undefined;
  if (dlist === undefined) dlist = new RedisList(ctx.ks.initialWord());
  if (toHead) dlist.pushHead(value);
  else dlist.pushTail(value);
  if (created) db.add(dst, dlist);
  else db.signalModified(dst);
  db.notify(NOTIFY.LIST, toHead ? 'lpush' : 'rpush', dst);
  ctx.reply.bulk(value);
  db.notify(NOTIFY.LIST, fromHead ? 'lpop' : 'rpop', src);
  dropIfEmpty(db, src, slist);
  ctx.dirty++;
  return value;
}

/** LMOVE source destination LEFT|RIGHT LEFT|RIGHT */
function lmove(ctx: CommandContext, argv: Argv): void {
  const from = parseWhere(argv, 3);
  const to = parseWhere(argv, 4);
  if (from === null || to === null) {
    ctx.reply.error(ERR.syntax);
    return;
  }
  const r = moveOne(ctx, ctx.db, argv.str(1), argv.str(2), from, to);
  if (r === undefined) ctx.reply.nullBulk();
}

export interface MpopArgs {
  keys: string[];
  head: boolean;
  count: number;
}

/** Parse `numkeys key... LEFT|RIGHT [COUNT n]` with numkeys at argv[idx]; null after replying. */
export function parseMpop(ctx: CommandContext, argv: Argv, idx: number): MpopArgs | null {
  const n = argv.int(idx);
  if (n === null || n <= 0) {
    ctx.reply.error(ERR.numkeysPositive);
    return null;
  }
  const whereIdx = idx + Number(n) + 1;
  if (whereIdx >= argv.argc) {
    ctx.reply.error(ERR.syntax);
    return null;
  }
  const head = parseWhere(argv, whereIdx);
  if (head === null) {
    ctx.reply.error(ERR.syntax);
    return null;
  }
  let count = -1;
  for (let j = whereIdx + 1; j < argv.argc; j++) {
    if (count === -1 && argv.is(j, 'COUNT') && j + 1 < argv.argc) {
      const c = argv.int(++j);
      if (c === null || c <= 0) {
        ctx.reply.error(ERR.countPositive);
        return null;
      }
      count = Number(c);
    } else {
      ctx.reply.error(ERR.syntax);
      return null;
    }
  }
  const keys: string[] = [];
  for (let i = idx + 1; i < whereIdx; i++) keys.push(argv.str(i));
  return { keys, head, count: count === -1 ? 1 : count };
}

/**
 * Pop up to count elements from the first non-empty list among keys and reply
 * [key, [elements]]. Returns false (nothing replied) when all are empty; true otherwise
 * (including after a WRONGTYPE reply).
 */
export function mpop(ctx: CommandContext, keys: readonly string[], head: boolean, count: number): boolean {
  const db = ctx.db;
  for (const key of keys) {
    const list = getList(ctx, db, key);
    if (list === null) return true;
    if (list === undefined || list.length === 0) continue;
    const n = Math.min(count, list.length);
    ctx.reply.arrayHeader(2);
    ctx.reply.bulk(key);
    ctx.reply.arrayHeader(n);
    for (let i = 0; i < n; i++) ctx.reply.bulk((head ? list.popHead() : list.popTail()) as string);
    ctx.dirty += n;
    afterPop(db, key, list, head ? 'lpop' : 'rpop');
    // LMPOP / BLMPOP propagate as the pop they did, with the count popped.
    ctx.rewriteArgv([head ? 'LPOP' : 'RPOP', key, String(n)]);
    return true;
  }
  return false;
}
