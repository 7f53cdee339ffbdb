/**
 * BITFIELD and BITFIELD_RO: signed and unsigned integers of 1 to 64 bits (u64 excepted) at any
 * bit offset of a string value, read, written and incremented with WRAP, SAT or FAIL
 * overflow handling.
 *
 * All sub-operations are parsed (every error reported in argument order) before anything
 * runs; a write grows the value up front to the farthest bit any SET/INCRBY reaches, as Redis
 * does, even when every write then fails with OVERFLOW FAIL.
 *
 * Arithmetic: fields up to 32 bits stay in doubles, where every intermediate is exact;
 * wider fields go through BigInt with the same 64-bit wrap-around Redis's C arithmetic has
 * (its overflow checks compare against int64 differences that may themselves wrap, and that
 * is reproduced rather than "fixed").
 */
import type { Argv } from '../protocol/argv.js';
import { parseInt64 } from '../protocol/argv.js';
import { NOTIFY } from '../keyspace/notify.js';
import { byteAt } from '../values/bitmap.js';
import { isStringValue, strLen, type RawString, type StringValue } from '../values/string.js';
import { bitmapForWrite, bitOffsetOrReply, writableBitmap } from './bitops.js';
import { ERR } from './errors.js';
import type { ArgDoc, CommandContext, CommandSpec, KeySpec } from './spec.js';

const KEY_SPEC_RW: KeySpec = {
  notes: 'This command allows both access and modification of the key',
  flags: ['RW', 'access', 'update', 'variable_flags'],
  begin_search: { index: 1 },
  find_keys: { lastkey: 0, keystep: 1, limit: 0 },
};
const KEY_SPEC_RO: KeySpec = { flags: ['RO', 'access'], begin_search: { index: 1 }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } };

const ENCODING: ArgDoc = { name: 'encoding', type: 'string' };
const OFFSET: ArgDoc = { name: 'offset', type: 'integer' };
const GET_DOC: ArgDoc = { name: 'encoding_offset', type: 'block', token: 'GET', arguments: [ENCODING, OFFSET] };

export const bitfieldCommands = [
  {
    name: 'bitfield', arity: -2, flags: ['write', 'denyoom'], acl: ['bitmap'], keys: [1, 1, 1], group: 'bitmap', since: '3.2.0',
    summary: 'Read, write and increment integers of arbitrary width at arbitrary bit offsets of a string value',
    complexity: 'O(1) for each subcommand specified',
    keySpecs: [KEY_SPEC_RW],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      {
        name: 'operation', type: 'oneof', optional: true, multiple: true,
        arguments: [
          GET_DOC,
          {
            name: 'write', type: 'block',
            arguments: [
              {
                name: 'wrap_sat_fail', type: 'oneof', token: 'OVERFLOW', optional: true,
                arguments: [
                  { name: 'wrap', type: 'pure-token', token: 'WRAP' },
                  { name: 'sat', type: 'pure-token', token: 'SAT' },
                  { name: 'fail', type: 'pure-token', token: 'FAIL' },
                ],
              },
              {
                name: 'write_operation', type: 'oneof',
                arguments: [
                  { name: 'encoding_offset_value', type: 'block', token: 'SET', arguments: [ENCODING, OFFSET, { name: 'value', type: 'integer' }] },
                  { name: 'encoding_offset_increment', type: 'block', token: 'INCRBY', arguments: [ENCODING, OFFSET, { name: 'increment', type: 'integer' }] },
                ],
              },
            ],
          },
        ],
      },
    ],
    run: bitfield,
  },
  {
    name: 'bitfield_ro', arity: -2, flags: ['readonly', 'fast'], acl: ['bitmap'], keys: [1, 1, 1], group: 'bitmap', since: '6.0.0',
    summary: 'Read integers of arbitrary width at arbitrary bit offsets of a string value (read-only BITFIELD)',
    complexity: 'O(1) for each subcommand specified',
    keySpecs: [KEY_SPEC_RO],
    args: [{ name: 'key', type: 'key', key_spec_index: 0 }, { ...GET_DOC, optional: true, multiple: true, multiple_token: true }],
    run: bitfieldRo,
  },
] as const satisfies readonly CommandSpec[];

const OP_GET = 0;
const OP_SET = 1;
const OP_INCRBY = 2;

const OVERFLOW_WRAP = 0;
const OVERFLOW_SAT = 1;
const OVERFLOW_FAIL = 2;

interface BitfieldOp {
  opcode: number;
  overflow: number;
  signed: boolean;
  bits: number;
  offset: number;
  /** SET's value or INCRBY's increment (an int64). */
  arg: number | bigint;
}

/** BITFIELD key [GET type offset | [OVERFLOW WRAP|SAT|FAIL] SET|INCRBY type offset value ...] */
function bitfield(ctx: CommandContext, argv: Argv): void {
  bitfieldGeneric(ctx, argv, false);
}

/** BITFIELD_RO key [GET type offset ...] */
function bitfieldRo(ctx: CommandContext, argv: Argv): void {
  bitfieldGeneric(ctx, argv, true);
}

/** The 'i<n>' / 'u<n>' type at argument i as ±bits (negative = signed), or 0 after replying. */
function bitfieldTypeOrReply(ctx: CommandContext, argv: Argv, i: number): number {
  const b = argv.buf;
  const s = argv.starts[i] as number;
  const e = argv.ends[i] as number;
  const sign = s < e ? b[s] : 0;
  // Redis reads the width as a C string: it ends at the first NUL byte.
  let stop = s + 1;
  while (stop < e && b[stop] !== 0) stop++;
  const bits = sign === 0x69 /* i */ || sign === 0x75 /* u */ ? parseInt64(b, s + 1, stop) : null;
  if (bits === null || bits < 1 || bits > (sign === 0x69 ? 64 : 63)) {
    ctx.reply.error(ERR.bitfieldType);
    return 0;
  }
  return sign === 0x69 ? -Number(bits) : Number(bits);
}

function bitfieldGeneric(ctx: CommandContext, argv: Argv, readonlyCommand: boolean): void {
  const ops: BitfieldOp[] = [];
  let overflow = OVERFLOW_WRAP;
  let writes = false;
  let highestBit = 0;
  for (let j = 2; j < argv.argc; j++) {
    const remaining = argv.argc - j - 1;
    let opcode: number;
    if (argv.is(j, 'GET') && remaining >= 2) opcode = OP_GET;
    else if (argv.is(j, 'SET') && remaining >= 3) opcode = OP_SET;
    else if (argv.is(j, 'INCRBY') && remaining >= 3) opcode = OP_INCRBY;
    else if (argv.is(j, 'OVERFLOW') && remaining >= 1) {
      j++;
      if (argv.is(j, 'WRAP')) overflow = OVERFLOW_WRAP;
      else if (argv.is(j, 'SAT')) overflow = OVERFLOW_SAT;
      else if (argv.is(j, 'FAIL')) overflow = OVERFLOW_FAIL;
      else {
        ctx.reply.error(ERR.bitfieldOverflowType);
        return;
      }
      continue;
    } else {
      ctx.reply.error(ERR.syntax);
      return;
    }
    const type = bitfieldTypeOrReply(ctx, argv, j + 1);
    if (type === 0) return;
    const bits = Math.abs(type);
    const offset = bitOffsetOrReply(ctx, argv, j + 2, bits);
    if (offset === null) return;
    let arg: number | bigint = 0;
    if (opcode !== OP_GET) {
      writes = true;
      if (offset + bits - 1 > highestBit) highestBit = offset + bits - 1;
      const v = argv.int(j + 3);
      if (v === null) {
        ctx.reply.error(ERR.notInteger);
        return;
      }
      arg = v;
    }
    ops.push({ opcode, overflow, signed: type < 0, bits, offset, arg });
    j += opcode === OP_GET ? 2 : 3;
  }

  const key = argv.str(1);
  if (!writes) {
    const v = ctx.db.lookupRead(key);
    if (v !== undefined && !isStringValue(v)) {
      ctx.reply.error(ERR.wrongType);
      return;
    }
    ctx.reply.arrayHeader(ops.length);
    for (const op of ops) ctx.reply.integer(readField(v, op.offset, op.bits, op.signed));
    return;
  }
  if (readonlyCommand) {
    ctx.reply.error(ERR.bitfieldRoGetOnly);
    return;
  }
  const target = bitmapForWrite(ctx, key, highestBit);
  if (target === undefined) return;
  const bytes = Math.floor(highestBit / 8) + 1;
  // Creating or growing the value makes every write a change, whatever it writes (Redis 7.0).
  const grown = target.created || bytes > strLen(target.v);
  let cur: StringValue = target.v;
  let raw: RawString | null = grown ? writableBitmap(ctx, key, cur, bytes) : typeof cur === 'string' ? null : cur;
  if (raw !== null) cur = raw;
  let changes = 0;
  ctx.reply.arrayHeader(ops.length);
  for (const op of ops) {
    if (op.opcode === OP_GET) {
      ctx.reply.integer(readField(cur, op.offset, op.bits, op.signed));
      continue;
    }
    const old = readField(cur, op.offset, op.bits, op.signed);
    const r = op.bits <= 32 ? computeSmall(op, old as number) : computeWide(op, old as bigint);
    if (r === null) {
      // OVERFLOW FAIL: nothing written.
      ctx.reply.nullBulk();
      continue;
    }
    ctx.reply.integer(op.opcode === OP_SET ? old : r);
    if (r !== old) {
      // Unshare a compact value only now that its bytes change.
      if (raw === null) {
        raw = writableBitmap(ctx, key, cur, bytes);
        cur = raw;
      }
      writeField(raw, op.offset, op.bits, r);
    }
    if (grown || r !== old) changes++;
  }
  if (changes > 0) {
    ctx.db.signalModified(key);
    ctx.db.notify(NOTIFY.STRING, 'setbit', key);
    ctx.dirty += changes;
  }
}

// ---- field access -------------------------------------------------------------------------

/**
 * The field of `bits` bits at bit `offset` (zero-padded past the value's end): a number for
 * up to 32 bits, a bigint above.
 */
function readField(v: StringValue | undefined, offset: number, bits: number, signed: boolean): number | bigint {
  const byte = Math.floor(offset / 8);
  const lead = offset % 8;
  const nb = (lead + bits + 7) >>> 3;
  const shift = nb * 8 - lead - bits;
  if (bits <= 32) {
    // At most 5 bytes: exact in a double.
    let acc = 0;
    for (let k = 0; k < nb; k++) acc = acc * 256 + byteOf(v, byte + k);
    const range = 2 ** bits;
    const u = Math.floor(acc / 2 ** shift) % range;
    return signed && u >= range / 2 ? u - range : u;
  }
  // 5 to 9 bytes: the last 4 in `lo`, the rest in `hi`.
  let hi = 0;
  let lo = 0;
  for (let k = 0; k < nb - 4; k++) hi = hi * 256 + byteOf(v, byte + k);
  for (let k = nb - 4; k < nb; k++) lo = lo * 256 + byteOf(v, byte + k);
  const acc = (BigInt(hi) << 32n) | BigInt(lo);
  const u = BigInt.asUintN(bits, acc >> BigInt(shift));
  return signed ? BigInt.asIntN(bits, u) : u;
}

function byteOf(v: StringValue | undefined, i: number): number {
  return v === undefined ? 0 : byteAt(v, i);
}

/** Store `value` (in the field's signed or unsigned range) as the field at bit `offset`. */
function writeField(raw: RawString, offset: number, bits: number, value: number | bigint): void {
  const buf = raw.buf;
  const byte = Math.floor(offset / 8);
  const lead = offset % 8;
  const nb = (lead + bits + 7) >>> 3;
  const shift = nb * 8 - lead - bits;
  if (typeof value === 'number') {
    const range = 2 ** bits;
    const u = value < 0 ? value + range : value;
    let acc = 0;
    for (let k = 0; k < nb; k++) acc = acc * 256 + (buf[byte + k] as number);
    const p = 2 ** shift;
    acc += (u - (Math.floor(acc / p) % range)) * p;
    for (let k = nb - 1; k >= 0; k--) {
      buf[byte + k] = acc % 256;
      acc = Math.floor(acc / 256);
    }
    return;
  }
  let acc = 0n;
  for (let k = 0; k < nb; k++) acc = (acc << 8n) | BigInt(buf[byte + k] as number);
  const mask = ((1n << BigInt(bits)) - 1n) << BigInt(shift);
  acc = (acc & ~mask) | (BigInt.asUintN(bits, value) << BigInt(shift));
  for (let k = nb - 1; k >= 0; k--) {
    buf[byte + k] = Number(acc & 0xffn);
    acc >>= 8n;
  }
}

// ---- overflow arithmetic ------------------------------------------------------------------

/** x modulo 2^bits in [0, 2^bits), for any int64 x (exact: bigints are reduced as bigints). */
function modRange(x: number | bigint, bits: number): number {
  if (typeof x === 'bigint') return Number(BigInt.asUintN(bits, x));
  const range = 2 ** bits;
  const m = x % range;
  return m < 0 ? m + range : m;
}

/**
 * The value a SET/INCRBY stores in a field of up to 32 bits, given the old value; null when
 * OVERFLOW FAIL refuses it. Every quantity fits a double exactly; the int64 argument may be a
 * bigint, which is always out of range.
 */
function computeSmall(op: BitfieldOp, old: number): number | null {
  const bits = op.bits;
  const range = 2 ** bits;
  const max = op.signed ? range / 2 - 1 : range - 1;
  const min = op.signed ? -range / 2 : 0;
  const arg = op.arg;
  // `base + arg` is the exact result; `dir` says which way it overflows (0: it fits).
  const base = op.opcode === OP_SET ? 0 : old;
  let dir: number;
  if (op.opcode === OP_SET && !op.signed && arg < 0) {
    // Redis converts the value to uint64 first: a negative one is a huge positive.
    dir = 1;
  } else {
    dir = arg > max - base ? 1 : arg < min - base ? -1 : 0;
  }
  if (dir === 0) return base + Number(arg);
  if (op.overflow === OVERFLOW_FAIL) return null;
  if (op.overflow === OVERFLOW_SAT) return dir > 0 ? max : min;
  // |base + (arg mod 2^bits)| < 2^33: still exact.
  const u = modRange(base + modRange(arg, bits), bits);
  return op.signed && u > max ? u - range : u;
}

/** computeSmall for fields of 33 to 64 bits, reproducing Redis's int64/uint64 arithmetic. */
function computeWide(op: BitfieldOp, old: bigint): bigint | null {
  const bits = op.bits;
  const b = BigInt(bits);
  const arg = BigInt(op.arg);
  const value = op.opcode === OP_SET ? (op.signed ? arg : BigInt.asUintN(64, arg)) : old;
  const incr = op.opcode === OP_SET ? 0n : arg;
  let dir: number;
  let max: bigint;
  let min: bigint;
  if (op.signed) {
    max = (1n << (b - 1n)) - 1n;
    min = -max - 1n;
    const maxincr = BigInt.asIntN(64, max - value);
    const minincr = BigInt.asIntN(64, min - value);
    if (value > max || (bits !== 64 && incr > maxincr) || (value >= 0n && incr > 0n && incr > maxincr)) dir = 1;
    else if (value < min || (bits !== 64 && incr < minincr) || (value < 0n && incr < 0n && incr < minincr)) dir = -1;
    else dir = 0;
  } else {
    max = (1n << b) - 1n;
    min = 0n;
    const maxincr = BigInt.asIntN(64, max - value);
    const minincr = BigInt.asIntN(64, -value);
    if (value > max || (incr > 0n && incr > maxincr)) dir = 1;
    else if (incr < 0n && incr < minincr) dir = -1;
    else dir = 0;
  }
  if (dir === 0) return value + incr;
  if (op.overflow === OVERFLOW_FAIL) return null;
  if (op.overflow === OVERFLOW_SAT) return dir > 0 ? max : min;
  return op.signed ? BigInt.asIntN(bits, value + incr) : BigInt.asUintN(bits, value + incr);
}
