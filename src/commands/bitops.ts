/**
 * Bitmap commands over string values: SETBIT GETBIT BITCOUNT BITPOS BITOP (BITFIELD is in
 * bitfield.ts, which shares the offset parsing and the write lookup below).
 *
 * Argument checks, their order and the replies follow Redis 7.0 exactly, quirks included:
 * BITCOUNT and BITPOS look the key up before parsing the range, so a missing key answers 0
 * (BITPOS: 0 or -1) whatever follows; BITCOUNT's "start > end, both negative" shortcut
 * comes before the BYTE|BIT token is checked.
 *
 * Writes edit a RawString in place. A compact value is turned into one (Redis's
 * dbUnshareStringValue, after which OBJECT ENCODING says "raw") only when a write really
 * changes it: our keyspace can only swap a value by signalling it, and a SETBIT that changes
 * nothing must not disturb a WATCH (Redis unshares silently). As in Redis 7.0, SETBIT and
 * BITFIELD count as changes (signal, 'setbit' event, dirty) only when a bit changes or the
 * value grows.
 *
 * Bit ranges are counted and searched a 32-bit word at a time (values/bitmap.ts).
 */
import type { Argv } from '../protocol/argv.js';
import { parseInt64 } from '../protocol/argv.js';
import { NOTIFY } from '../keyspace/notify.js';
import { byteAt, findBit, popcountByte, popcountRange } from '../values/bitmap.js';
import { isStringValue, RawString, strLen, type StringValue } from '../values/string.js';
import { ERR } from './errors.js';
import type { CommandContext, CommandSpec, KeySpec } from './spec.js';

function keyRange(flags: readonly string[], index: number, lastkey: number): KeySpec {
  return { flags, begin_search: { index }, find_keys: { lastkey, keystep: 1, limit: 0 } };
}

const KEY_ARG = { name: 'key', type: 'key', key_spec_index: 0 } as const;
const INDEX_UNIT = {
  name: 'index_unit', type: 'oneof', since: '7.0.0', optional: true,
  arguments: [
    { name: 'byte', type: 'pure-token', token: 'BYTE' },
    { name: 'bit', type: 'pure-token', token: 'BIT' },
  ],
} as const;

export const bitopsCommands = [
  {
    name: 'setbit', arity: 4, flags: ['write', 'denyoom'], acl: ['bitmap'], keys: [1, 1, 1], group: 'bitmap', since: '2.2.0',
    summary: 'Set or clear one bit of a string value, growing it as needed, and return the old bit', complexity: 'O(1)',
    keySpecs: [keyRange(['RW', 'access', 'update'], 1, 0)],
    args: [KEY_ARG, { name: 'offset', type: 'integer' }, { name: 'value', type: 'integer' }],
    run: setbit,
  },
  {
    name: 'getbit', arity: 3, flags: ['readonly', 'fast'], acl: ['bitmap'], keys: [1, 1, 1], group: 'bitmap', since: '2.2.0',
    summary: 'Return one bit of a string value (0 past its end)', complexity: 'O(1)',
    keySpecs: [keyRange(['RO', 'access'], 1, 0)],
    args: [KEY_ARG, { name: 'offset', type: 'integer' }],
    run: getbit,
  },
  {
    name: 'bitcount', arity: -2, flags: ['readonly'], acl: ['bitmap'], keys: [1, 1, 1], group: 'bitmap', since: '2.6.0',
    summary: 'Count the set bits of a string value, optionally within a byte or bit range', complexity: 'O(N)',
    keySpecs: [keyRange(['RO', 'access'], 1, 0)],
    args: [
      KEY_ARG,
      {
        name: 'index', type: 'block', optional: true,
        arguments: [{ name: 'start', type: 'integer' }, { name: 'end', type: 'integer' }, INDEX_UNIT],
      },
    ],
    run: bitcount,
  },
  {
    name: 'bitpos', arity: -3, flags: ['readonly'], acl: ['bitmap'], keys: [1, 1, 1], group: 'bitmap', since: '2.8.7',
    summary: 'Find the first set or clear bit of a string value, optionally within a byte or bit range', complexity: 'O(N)',
    keySpecs: [keyRange(['RO', 'access'], 1, 0)],
    args: [
      KEY_ARG,
      { name: 'bit', type: 'integer' },
      {
        name: 'index', type: 'block', optional: true,
        arguments: [
          { name: 'start', type: 'integer' },
          { name: 'end_index', type: 'block', optional: true, arguments: [{ name: 'end', type: 'integer' }, INDEX_UNIT] },
        ],
      },
    ],
    run: bitpos,
  },
  {
    name: 'bitop', arity: -4, flags: ['write', 'denyoom'], acl: ['bitmap'], keys: [2, -1, 1], group: 'bitmap', since: '2.6.0',
    summary: 'Combine string values bit by bit (AND, OR, XOR, NOT) into a destination key', complexity: 'O(N)',
    keySpecs: [keyRange(['OW', 'update'], 2, 0), keyRange(['RO', 'access'], 3, -1)],
    args: [
      { name: 'operation', type: 'string' },
      { name: 'destkey', type: 'key', key_spec_index: 0 },
      { name: 'key', type: 'key', key_spec_index: 1, multiple: true },
    ],
    run: bitop,
  },
] as const satisfies readonly CommandSpec[];

// ---- shared with bitfield.ts ------------------------------------------------------------

/** proto-max-bulk-len: bit offsets must address a byte below it. */
function maxStringLength(ctx: CommandContext): number {
  return Number(ctx.server.config.get('proto-max-bulk-len'));
}

/** The smallest proto-max-bulk-len CONFIG SET accepts: bytes below it need no config read. */
const MIN_PROTO_MAX_BULK_LEN = 1024 * 1024;

/**
 * A bit offset argument (Redis's getBitOffsetFromArgument), or null after replying the error.
 * With `bits` > 0 (BITFIELD), "#N" means N * bits; the product wraps at 64 bits as in C, so
 * a huge N can come back small or negative, exactly as Redis computes it.
 */
export function bitOffsetOrReply(ctx: CommandContext, argv: Argv, i: number, bits: number): number | null {
  const s = argv.starts[i] as number;
  const e = argv.ends[i] as number;
  const hash = bits > 0 && e > s && argv.buf[s] === 0x23; /* '#' */
  let off = parseInt64(argv.buf, hash ? s + 1 : s, e);
  if (off !== null && hash) {
    const product = BigInt.asIntN(64, BigInt(off) * BigInt(bits));
    off = Number.isSafeInteger(Number(product)) ? Number(product) : product;
  }
  // A bigint offset is beyond 2^53: negative, or past any configurable string length we can hold.
  if (off === null || typeof off === 'bigint' || off < 0 || (off >= MIN_PROTO_MAX_BULK_LEN * 8 && Math.floor(off / 8) >= maxStringLength(ctx))) {
    ctx.reply.error(ERR.bitOffset);
    return null;
  }
  return off;
}

/**
 * The value at `key` for a bit write reaching bit `maxbit` (Redis's lookupStringForBitCommand):
 * undefined after replying WRONGTYPE. A missing key is created zero-filled (a RawString, so
 * OBJECT ENCODING says raw). An existing value is returned as it is: the caller unshares it
 * with writableBitmap() once it knows a write will happen.
 */
export function bitmapForWrite(ctx: CommandContext, key: string, maxbit: number): { v: StringValue; created: boolean } | undefined {
  const v = ctx.db.lookupWrite(key);
  if (v === undefined) {
    const n = Math.floor(maxbit / 8) + 1;
    const raw = new RawString(EMPTY, ctx.ks.initialWord(), n);
    raw.resize(n);
    ctx.db.add(key, raw);
    return { v: raw, created: true };
  }
  if (!isStringValue(v)) {
    ctx.reply.error(ERR.wrongType);
    return undefined;
  }
  return { v, created: false };
}

/**
 * The value as a RawString at least `bytes` long (zero-padded): the RawString itself, grown
 * in place, or a raw copy of a compact value stored in its place (a new object: fresh LRU
 * word, as Redis's dbUnshareStringValue).
 */
export function writableBitmap(ctx: CommandContext, key: string, v: StringValue, bytes: number): RawString {
  if (typeof v !== 'string') {
    v.resize(bytes);
    return v;
  }
  const raw = RawString.from(v, ctx.ks.initialWord(), Math.max(strLen(v), bytes));
  raw.resize(bytes);
  ctx.db.replace(key, raw);
  return raw;
}

const EMPTY = Buffer.alloc(0);

// ---- SETBIT / GETBIT ----------------------------------------------------------------------

/** SETBIT key offset value */
function setbit(ctx: CommandContext, argv: Argv): void {
  const offset = bitOffsetOrReply(ctx, argv, 2, 0);
  if (offset === null) return;
  const on = argv.int(3);
  if (on !== 0 && on !== 1) {
    ctx.reply.error(ERR.bitValue);
    return;
  }
  const key = argv.str(1);
  const target = bitmapForWrite(ctx, key, offset);
  if (target === undefined) return;
  const byte = Math.floor(offset / 8);
  const shift = 7 - (offset % 8);
  const old = (byteAt(target.v, byte) >> shift) & 1;
  const grows = byte >= strLen(target.v);
  if (target.created || grows || old !== on) {
    const raw = writableBitmap(ctx, key, target.v, byte + 1);
    raw.buf[byte] = ((raw.buf[byte] as number) & ~(1 << shift)) | (on << shift);
    ctx.db.signalModified(key);
    ctx.db.notify(NOTIFY.STRING, 'setbit', key);
    ctx.dirty++;
  }
  ctx.reply.integer(old);
}

/** GETBIT key offset */
function getbit(ctx: CommandContext, argv: Argv): void {
  const offset = bitOffsetOrReply(ctx, argv, 2, 0);
  if (offset === null) return;
  const v = ctx.db.lookupRead(argv.str(1));
  if (v === undefined) {
    ctx.reply.integer(0);
    return;
  }
  if (!isStringValue(v)) {
    ctx.reply.error(ERR.wrongType);
    return;
  }
  ctx.reply.integer((byteAt(v, Math.floor(offset / 8)) >> (7 - (offset % 8))) & 1);
}

// ---- BITCOUNT / BITPOS --------------------------------------------------------------------

/** The BYTE|BIT argument at i: true for BIT, false for BYTE, null (after replying) otherwise. */
function unitIsBitOrReply(ctx: CommandContext, argv: Argv, i: number): boolean | null {
  if (argv.is(i, 'BIT')) return true;
  if (argv.is(i, 'BYTE')) return false;
  ctx.reply.error(ERR.syntax);
  return null;
}

/**
 * Normalize a start/end pair against a length (in bytes or bits): negative indexes count
 * from the end, then both are clamped into [0, total-1]. Any int64 converts to the nearest
 * double safely here: values beyond 2^53 are clamped anyway.
 */
function clampRange(start: number | bigint, end: number | bigint, total: number): [number, number] {
  let s = Number(start);
  let e = Number(end);
  if (s < 0) s = total + s;
  if (e < 0) e = total + e;
  if (s < 0) s = 0;
  if (e < 0) e = 0;
  if (e >= total) e = total - 1;
  return [s, e];
}

/** BITCOUNT key [start end [BYTE|BIT]] */
function bitcount(ctx: CommandContext, argv: Argv): void {
  const v = ctx.db.lookupRead(argv.str(1));
  if (v === undefined) {
    ctx.reply.integer(0);
    return;
  }
  if (!isStringValue(v)) {
    ctx.reply.error(ERR.wrongType);
    return;
  }
  const len = strLen(v);
  let startBit: number;
  let endBit: number;
  if (argv.argc === 4 || argv.argc === 5) {
    const rs = argv.int(2);
    const re = argv.int(3);
    if (rs === null || re === null) {
      ctx.reply.error(ERR.notInteger);
      return;
    }
    if (rs < 0 && re < 0 && rs > re) {
      ctx.reply.integer(0);
      return;
    }
    let isBit = false;
    if (argv.argc === 5) {
      const u = unitIsBitOrReply(ctx, argv, 4);
      if (u === null) return;
      isBit = u;
    }
    const [s, e] = clampRange(rs, re, isBit ? len * 8 : len);
    if (s > e) {
      ctx.reply.integer(0);
      return;
    }
    startBit = isBit ? s : s * 8;
    endBit = isBit ? e : e * 8 + 7;
  } else if (argv.argc === 2) {
    if (len === 0) {
      ctx.reply.integer(0);
      return;
    }
    startBit = 0;
    endBit = len * 8 - 1;
  } else {
    ctx.reply.error(ERR.syntax);
    return;
  }
  ctx.reply.integer(countBits(v, startBit, endBit));
}

/** Set bits among bits [startBit, endBit] of a value (within it). */
function countBits(v: StringValue, startBit: number, endBit: number): number {
  const first = Math.floor(startBit / 8);
  const last = Math.floor(endBit / 8);
  let n = popcountRange(v, first, last + 1);
  // Take back the bits of the edge bytes that lie outside the range.
  const lead = startBit % 8;
  const trail = endBit % 8;
  if (lead !== 0) n -= popcountByte(byteAt(v, first) & ~((1 << (8 - lead)) - 1));
  if (trail !== 7) n -= popcountByte(byteAt(v, last) & ((1 << (7 - trail)) - 1));
  return n;
}

/** BITPOS key bit [start [end [BYTE|BIT]]] */
function bitpos(ctx: CommandContext, argv: Argv): void {
  const bit = argv.int(2);
  if (bit === null) {
    ctx.reply.error(ERR.notInteger);
    return;
  }
  if (bit !== 0 && bit !== 1) {
    ctx.reply.error(ERR.bitposBit);
    return;
  }
  const v = ctx.db.lookupRead(argv.str(1));
  if (v === undefined) {
    // A missing key is an endless run of zeros.
    ctx.reply.integer(bit === 1 ? -1 : 0);
    return;
  }
  if (!isStringValue(v)) {
    ctx.reply.error(ERR.wrongType);
    return;
  }
  const len = strLen(v);
  let start: number;
  let end: number;
  let isBit = false;
  let endGiven = false;
  if (argv.argc >= 4 && argv.argc <= 6) {
    const rs = argv.int(3);
    if (rs === null) {
      ctx.reply.error(ERR.notInteger);
      return;
    }
    if (argv.argc === 6) {
      const u = unitIsBitOrReply(ctx, argv, 5);
      if (u === null) return;
      isBit = u;
    }
    let re: number | bigint = len - 1;
    if (argv.argc >= 5) {
      const parsed = argv.int(4);
      if (parsed === null) {
        ctx.reply.error(ERR.notInteger);
        return;
      }
      re = parsed;
      endGiven = true;
    }
    [start, end] = clampRange(rs, re, isBit ? len * 8 : len);
  } else if (argv.argc === 3) {
    start = 0;
    end = len - 1;
  } else {
    ctx.reply.error(ERR.syntax);
    return;
  }
  // An empty range holds neither a 0 nor a 1.
  if (start > end) {
    ctx.reply.integer(-1);
    return;
  }
  const startBit = isBit ? start : start * 8;
  const endBit = isBit ? end : end * 8 + 7;
  const pos = findBit(v, startBit, endBit, bit);
  if (pos >= 0 || bit === 1 || endGiven) {
    ctx.reply.integer(pos);
    return;
  }
  // Looking for a 0 with no explicit end: the value continues with zeros past its end.
  ctx.reply.integer(endBit + 1);
}

// ---- BITOP --------------------------------------------------------------------------------

const OP_AND = 0;
const OP_OR = 1;
const OP_XOR = 2;
const OP_NOT = 3;

/** BITOP AND|OR|XOR|NOT destkey key [key ...] */
function bitop(ctx: CommandContext, argv: Argv): void {
  let op: number;
  if (argv.is(1, 'AND')) op = OP_AND;
  else if (argv.is(1, 'OR')) op = OP_OR;
  else if (argv.is(1, 'XOR')) op = OP_XOR;
  else if (argv.is(1, 'NOT')) op = OP_NOT;
  else {
    ctx.reply.error(ERR.syntax);
    return;
  }
  if (op === OP_NOT && argv.argc !== 4) {
    ctx.reply.error(ERR.bitopNotSingleKey);
    return;
  }
  // Sources as byte views: a RawString's own buffer, a copy of a compact value; missing = empty.
  const numkeys = argv.argc - 3;
  const src: Buffer[] = [];
  let maxlen = 0;
  let minlen = 0;
  for (let j = 0; j < numkeys; j++) {
    const v = ctx.db.lookupRead(argv.str(j + 3));
    let b: Buffer = EMPTY;
    if (v !== undefined) {
      if (!isStringValue(v)) {
        ctx.reply.error(ERR.wrongType);
        return;
      }
      b = typeof v === 'string' ? Buffer.from(v.slice(0, strLen(v)), 'latin1') : v.buf.subarray(0, v.len);
    }
    src.push(b);
    if (b.length > maxlen) maxlen = b.length;
    if (j === 0 || b.length < minlen) minlen = b.length;
  }
  const db = ctx.db;
  const dest = argv.str(2);
  if (maxlen === 0) {
    // An empty result deletes the destination (Redis stores no empty strings from BITOP).
    if (db.delete(dest)) {
      db.notify(NOTIFY.GENERIC, 'del', dest);
      ctx.dirty++;
    }
    ctx.reply.integer(0);
    return;
  }
  const res = Buffer.allocUnsafe(maxlen);
  const done = bitopWords(op, src, res, minlen);
  bitopBytes(op, src, res, done, maxlen);
  const raw = new RawString(EMPTY, ctx.ks.initialWord(), 0);
  raw.buf = res;
  raw.len = maxlen;
  db.set(dest, raw);
  db.notify(NOTIFY.STRING, 'set', dest);
  ctx.dirty++;
  ctx.reply.integer(maxlen);
}

/** Is the buffer's memory 4-byte aligned (so it can be viewed as 32-bit words)? */
function aligned(b: Buffer): boolean {
  return (b.byteOffset & 3) === 0;
}

/**
 * The word-at-a-time part of BITOP: the first `minlen` bytes (where every source has data),
 * rounded down to whole words, when every buffer is aligned. Returns the bytes done.
 */
function bitopWords(op: number, src: readonly Buffer[], res: Buffer, minlen: number): number {
  const words = minlen >>> 2;
  if (words < 8 || !aligned(res) || !src.every(aligned)) return 0;
  const out = new Int32Array(res.buffer, res.byteOffset, words);
  const first = src[0] as Buffer;
  out.set(new Int32Array(first.buffer, first.byteOffset, words));
  if (op === OP_NOT) {
    for (let i = 0; i < words; i++) out[i] = ~(out[i] as number);
    return words * 4;
  }
  for (let k = 1; k < src.length; k++) {
    const b = src[k] as Buffer;
    const w = new Int32Array(b.buffer, b.byteOffset, words);
    if (op === OP_AND) for (let i = 0; i < words; i++) out[i] = (out[i] as number) & (w[i] as number);
    else if (op === OP_OR) for (let i = 0; i < words; i++) out[i] = (out[i] as number) | (w[i] as number);
    else for (let i = 0; i < words; i++) out[i] = (out[i] as number) ^ (w[i] as number);
  }
  return words * 4;
}

/** The byte-at-a-time rest of BITOP, from byte `from`; shorter sources count as zeros. */
function bitopBytes(op: number, src: readonly Buffer[], res: Buffer, from: number, maxlen: number): void {
  const first = src[0] as Buffer;
  for (let j = from; j < maxlen; j++) {
    let out = j < first.length ? (first[j] as number) : 0;
    if (op === OP_NOT) {
      res[j] = ~out & 0xff;
      continue;
    }
    for (let k = 1; k < src.length; k++) {
      const b = src[k] as Buffer;
      const byte = j < b.length ? (b[j] as number) : 0;
      if (op === OP_AND) out &= byte;
      else if (op === OP_OR) out |= byte;
      else out ^= byte;
    }
    res[j] = out;
  }
}
