/**
 * String commands that measure, read or edit part of a value: STRLEN APPEND GETRANGE SUBSTR
 * SETRANGE.
 *
 * APPEND and SETRANGE edit in place. A compact value is first turned into a RawString (Redis's
 * dbUnshareStringValue, after which OBJECT ENCODING says "raw"); a RawString grows greedily
 * (double below 1MB, then +1MB, as sdsMakeRoomFor), so repeated APPENDs are amortized O(1).
 * Both refuse to grow a value past proto-max-bulk-len.
 */
import type { Argv } from '../protocol/argv.js';
import { NOTIFY } from '../keyspace/notify.js';
import { compactFromBytes, greedyCapacity, isStringValue, RawString, strLen, type StringValue } from '../values/string.js';
import { ERR } from './errors.js';
import type { CommandContext, CommandSpec, KeySpec } from './spec.js';

function key1(flags: readonly string[]): KeySpec {
  return { flags, begin_search: { index: 1 }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } };
}

const KEY_ARG = { name: 'key', type: 'key', key_spec_index: 0 } as const;
const RANGE_COMPLEXITY =
  'O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.';

export const stringRangeCommands = [
  {
    name: 'strlen', arity: 2, flags: ['readonly', 'fast'], acl: ['string'], keys: [1, 1, 1], group: 'string', since: '2.2.0',
    summary: 'Return the length in bytes of a string value', complexity: 'O(1)',
    keySpecs: [key1(['RO'])],
    args: [KEY_ARG],
    run: strlen,
  },
  {
    name: 'append', arity: 3, flags: ['write', 'denyoom', 'fast'], acl: ['string'], keys: [1, 1, 1], group: 'string', since: '2.0.0',
    summary: 'Append bytes to a string value, creating the key when absent',
    complexity:
      'O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.',
    keySpecs: [key1(['RW', 'insert'])],
    args: [KEY_ARG, { name: 'value', type: 'string' }],
    run: append,
  },
  {
    name: 'getrange', arity: 4, flags: ['readonly'], acl: ['string'], keys: [1, 1, 1], group: 'string', since: '2.4.0',
    summary: 'Return a byte range of a string value', complexity: RANGE_COMPLEXITY,
    keySpecs: [key1(['RO', 'access'])],
    args: [KEY_ARG, { name: 'start', type: 'integer' }, { name: 'end', type: 'integer' }],
    run: getrange,
  },
  {
    name: 'substr', arity: 4, flags: ['readonly'], acl: ['string'], keys: [1, 1, 1], group: 'string', since: '1.0.0',
    summary: 'Return a byte range of a string value (old name of GETRANGE)', complexity: RANGE_COMPLEXITY,
    docFlags: ['deprecated'],
    keySpecs: [key1(['RO', 'access'])],
    args: [KEY_ARG, { name: 'start', type: 'integer' }, { name: 'end', type: 'integer' }],
    run: getrange,
  },
  {
    name: 'setrange', arity: 4, flags: ['write', 'denyoom'], acl: ['string'], keys: [1, 1, 1], group: 'string', since: '2.2.0',
    summary: 'Overwrite part of a string value at an offset, zero-padding as needed',
    complexity:
      'O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.',
    keySpecs: [key1(['RW', 'update'])],
    args: [KEY_ARG, { name: 'offset', type: 'integer' }, { name: 'value', type: 'string' }],
    run: setrange,
  },
] as const satisfies readonly CommandSpec[];

/** STRLEN key */
function strlen(ctx: CommandContext, argv: Argv): void {
  const v = ctx.db.lookupRead(argv.str(1));
  if (v === undefined) ctx.reply.integer(0);
  else if (!isStringValue(v)) ctx.reply.error(ERR.wrongType);
  else ctx.reply.integer(strLen(v));
}

/** proto-max-bulk-len: the largest string APPEND and SETRANGE may build. */
function maxStringLength(ctx: CommandContext): number {
  return Number(ctx.server.config.get('proto-max-bulk-len'));
}

/**
 * The value at `key` as a RawString with room for `capacity` bytes, replacing a compact value
 * in the keyspace (a new object: it starts a fresh LRU/LFU word, as in Redis).
 */
function unshare(ctx: CommandContext, key: string, v: StringValue, capacity: number): RawString {
  if (typeof v !== 'string') return v;
  const raw = RawString.from(v, ctx.ks.initialWord(), capacity);
  ctx.db.replace(key, raw);
  return raw;
}

/** APPEND key value */
function append(ctx: CommandContext, argv: Argv): void {
  const db = ctx.db;
  const key = argv.str(1);
  const v = db.lookupWrite(key);
  let total: number;
  if (v === undefined) {
    // A new key holds the argument like SET would (OBJECT ENCODING int/embstr/raw by content).
    db.add(key, compactFromBytes(argv.buf, argv.starts[2] as number, argv.ends[2] as number, ctx.ks.initialWord()));
    total = argv.len(2);
  } else {
    if (!isStringValue(v)) {
      ctx.reply.error(ERR.wrongType);
      return;
    }
    total = strLen(v) + argv.len(2);
    if (total > maxStringLength(ctx)) {
      ctx.reply.error(ERR.stringTooLong);
      return;
    }
    const raw = unshare(ctx, key, v, greedyCapacity(total));
    raw.append(argv.bytes(2));
    db.signalModified(key);
  }
  db.notify(NOTIFY.STRING, 'append', key);
  ctx.dirty++;
  ctx.reply.integer(total);
}

/**
 * GETRANGE key start end (and SUBSTR). Negative indexes count from the end; the range is
 * clamped to the value, and an empty reply means nothing is left of it.
 */
function getrange(ctx: CommandContext, argv: Argv): void {
  const rs = argv.int(2);
  const re = argv.int(3);
  if (rs === null || re === null) {
    ctx.reply.error(ERR.notInteger);
    return;
  }
  const v = ctx.db.lookupRead(argv.str(1));
  if (v === undefined) {
    ctx.reply.bulk('');
    return;
  }
  if (!isStringValue(v)) {
    ctx.reply.error(ERR.wrongType);
    return;
  }
  // Compared before any conversion: int64 values beyond 2^53 may be bigints.
  if (rs < 0 && re < 0 && rs > re) {
    ctx.reply.bulk('');
    return;
  }
  const n = strLen(v);
  // Every int64 is far beyond any string length, so the nearest double keeps the logic exact.
  let start = Number(rs);
  let end = Number(re);
  if (start < 0) start = n + start;
  if (end < 0) end = n + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= n) end = n - 1;
  if (start > end || n === 0) {
    ctx.reply.bulk('');
    return;
  }
  if (typeof v === 'string') ctx.reply.bulk(v.slice(start, end + 1));
  else ctx.reply.bulkBytes(v.buf, start, end + 1);
}

/** SETRANGE key offset value */
function setrange(ctx: CommandContext, argv: Argv): void {
  const offset = argv.int(2);
  if (offset === null) {
    ctx.reply.error(ERR.notInteger);
    return;
  }
  if (offset < 0) {
    ctx.reply.error(ERR.offsetOutOfRange);
    return;
  }
  const db = ctx.db;
  const key = argv.str(1);
  const vlen = argv.len(3);
  const v = db.lookupWrite(key);
  if (v !== undefined && !isStringValue(v)) {
    ctx.reply.error(ERR.wrongType);
    return;
  }
  if (vlen === 0) {
    // Nothing to write: the length as it is (0 for a missing key, which stays missing).
    ctx.reply.integer(v === undefined ? 0 : strLen(v));
    return;
  }
  // A bigint offset is beyond 2^53, so beyond any proto-max-bulk-len.
  if (typeof offset !== 'number' || offset + vlen > maxStringLength(ctx)) {
    ctx.reply.error(ERR.stringTooLong);
    return;
  }
  const end = offset + vlen;
  let raw: RawString;
  if (v === undefined) {
    raw = new RawString(EMPTY, ctx.ks.initialWord(), end);
    raw.resize(end);
    db.add(key, raw);
  } else {
    raw = unshare(ctx, key, v, Math.max(strLen(v), end));
    raw.resize(end);
    db.signalModified(key);
  }
  raw.buf.set(argv.bytes(3), offset);
  db.notify(NOTIFY.STRING, 'setrange', key);
  ctx.dirty++;
  ctx.reply.integer(raw.len);
}

const EMPTY = Buffer.alloc(0);
