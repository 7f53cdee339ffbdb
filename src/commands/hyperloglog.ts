/**
 * HyperLogLog commands: PFADD PFCOUNT PFMERGE, and the internal PFDEBUG and PFSELFTEST.
 * The encoding and the estimator are in values/hyperloglog.ts; HyperLogLogs are plain string
 * values (TYPE string, GET returns Redis's exact bytes).
 *
 * Editing a value turns a compact string into a RawString (Redis's dbUnshareStringValue).
 * That happens only when a command actually writes: a PFADD that changes no register or a
 * PFCOUNT answered from the cache leaves the stored value as it is, so it cannot disturb a
 * WATCH (Redis unshares silently; our keyspace can only swap a value by signalling it).
 *
 * As in Redis 7.0: PFCOUNT of one key stores the cardinality it computes in the header, which
 * counts as a change (signalled, dirty++) but fires no event; PFMERGE fires 'pfadd'.
 */
import type { Argv } from '../protocol/argv.js';
import { NOTIFY } from '../keyspace/notify.js';
import {
  cardReply,
  createHll,
  denseGet,
  denseSetRegister,
  hllAdd,
  hllCacheValid,
  hllCachedCard,
  hllCount,
  hllCountRaw,
  hllDecodeSparse,
  hllEncoding,
  hllInvalidateCache,
  hllMerge,
  hllSet,
  hllSetCachedCard,
  hllSparseToDense,
  isValidHll,
  HLL_DENSE,
  HLL_DENSE_SIZE,
  HLL_HDR_SIZE,
  HLL_REGISTERS,
  HLL_SPARSE,
} from '../values/hyperloglog.js';
import { isStringValue, RawString, strBytes, strLen, type StringValue } from '../values/string.js';
import type { RedisValue } from '../values/types.js';
import { ERR, pfselftestError, pfselftestRegister, unknownPfdebugSubcommand } from './errors.js';
import type { CommandContext, CommandSpec, KeySpec } from './spec.js';

function keyRange(flags: readonly string[], index: number, lastkey: number): KeySpec {
  return { flags, begin_search: { index }, find_keys: { lastkey, keystep: 1, limit: 0 } };
}

export const hyperloglogCommands = [
  {
    name: 'pfadd', arity: -2, flags: ['write', 'denyoom', 'fast'], acl: ['hyperloglog'], keys: [1, 1, 1], group: 'hyperloglog', since: '2.8.9',
    summary: 'Add elements to a HyperLogLog, creating the key when absent', complexity: 'O(1) to add every element.',
    keySpecs: [keyRange(['RW', 'insert'], 1, 0)],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'element', type: 'string', optional: true, multiple: true },
    ],
    run: pfadd,
  },
  {
    name: 'pfcount', arity: -2, flags: ['readonly'], acl: ['hyperloglog'], keys: [1, -1, 1], group: 'hyperloglog', since: '2.8.9',
    summary: 'Estimate the number of distinct elements seen by one HyperLogLog or the union of several',
    complexity:
      'O(1) with a very small average constant time when called with a single key. O(N) with N being the number of keys, and much bigger constant times, when called with multiple keys.',
    // RW: counting one key caches the result in the value.
    keySpecs: [keyRange(['RW', 'access'], 1, -1)],
    args: [{ name: 'key', type: 'key', key_spec_index: 0, multiple: true }],
    run: pfcount,
  },
  {
    name: 'pfmerge', arity: -2, flags: ['write', 'denyoom'], acl: ['hyperloglog'], keys: [1, -1, 1], group: 'hyperloglog', since: '2.8.9',
    summary: 'Store the union of HyperLogLogs in a destination key', complexity: 'O(N) to merge N HyperLogLogs, but with high constant times.',
    keySpecs: [keyRange(['RW', 'access', 'insert'], 1, 0), keyRange(['RO', 'access'], 2, -1)],
    args: [
      { name: 'destkey', type: 'key', key_spec_index: 0 },
      { name: 'sourcekey', type: 'key', key_spec_index: 1, multiple: true },
    ],
    run: pfmerge,
  },
  {
    name: 'pfdebug', arity: 3, flags: ['write', 'denyoom', 'admin'], acl: ['hyperloglog'], keys: [2, 2, 1], group: 'hyperloglog', since: '2.8.9',
    summary: 'Inspect or convert the internal representation of a HyperLogLog', complexity: 'N/A', docFlags: ['syscmd'],
    keySpecs: [keyRange(['RW', 'access'], 2, 0)],
    args: [
      { name: 'subcommand', type: 'string' },
      { name: 'key', type: 'key', key_spec_index: 0 },
    ],
    run: pfdebug,
  },
  {
    name: 'pfselftest', arity: 1, flags: ['admin'], acl: ['hyperloglog'], group: 'hyperloglog', since: '2.8.9',
    summary: 'Check the HyperLogLog register access and estimation error', complexity: 'N/A', docFlags: ['syscmd'],
    run: pfselftest,
  },
] as const satisfies readonly CommandSpec[];

/** hll-sparse-max-bytes, read per command so CONFIG SET applies to the next write. */
function sparseMaxBytes(ctx: CommandContext): number {
  return Number(ctx.server.config.get('hll-sparse-max-bytes'));
}

const headerScratch = Buffer.alloc(HLL_HDR_SIZE);

/**
 * Redis's isHLLObjectOrReply: the header of a value that must be a HyperLogLog (for a compact
 * value, a copy in module scratch, so a cached PFCOUNT copies 16 bytes, not 12 KB), or null
 * after replying Redis's error.
 */
function hllHeaderOrReply(ctx: CommandContext, v: RedisValue): Buffer | null {
  if (!isStringValue(v)) {
    ctx.reply.error(ERR.wrongType);
    return null;
  }
  let hdr: Buffer;
  if (typeof v === 'string') {
    headerScratch.fill(0);
    headerScratch.latin1Write(v, 0, Math.min(HLL_HDR_SIZE, strLen(v)));
    hdr = headerScratch;
  } else {
    hdr = v.buf;
  }
  if (!isValidHll(hdr, strLen(v))) {
    ctx.reply.error(ERR.hllNotValid);
    return null;
  }
  return hdr;
}

/** The bytes of a value that must be a HyperLogLog, or null after replying Redis's error. */
function hllBytesOrReply(ctx: CommandContext, v: RedisValue): Buffer | null {
  if (hllHeaderOrReply(ctx, v) === null) return null;
  return strBytes(v as StringValue);
}

/** The value as a RawString to edit: itself, or a copy of a compact value (not yet stored). */
function editable(ctx: CommandContext, v: RedisValue, b: Buffer): RawString {
  return typeof v === 'string' ? new RawString(b, ctx.ks.initialWord()) : (v as RawString);
}

/** Publish an edit: store a fresh copy (which signals) or signal the in-place edit. */
function commit(ctx: CommandContext, key: string, v: RedisValue, h: RawString): void {
  if (v !== h) ctx.db.replace(key, h);
  else ctx.db.signalModified(key);
}

/** PFADD key [element ...] */
function pfadd(ctx: CommandContext, argv: Argv): void {
  const db = ctx.db;
  const key = argv.str(1);
  const v = db.lookupWrite(key);
  let h: RawString;
  let updated = 0;
  if (v === undefined) {
    h = createHll(ctx.ks.initialWord());
    db.add(key, h);
    updated++;
  } else {
    const b = hllBytesOrReply(ctx, v);
    if (b === null) return;
    h = editable(ctx, v, b);
  }
  const max = sparseMaxBytes(ctx);
  for (let j = 2; j < argv.argc; j++) {
    const r = hllAdd(h, argv.buf, argv.starts[j] as number, argv.ends[j] as number, max);
    if (r === 1) {
      updated++;
    } else if (r === -1) {
      // Registers changed before the corruption was found stay changed, as in Redis.
      if (v !== undefined && v !== h && updated > 0) db.replace(key, h);
      ctx.reply.error(ERR.hllCorrupted);
      return;
    }
  }
  if (updated > 0) {
    hllInvalidateCache(h.buf);
    if (v !== undefined) commit(ctx, key, v, h); // a new key was signalled by add()
    db.notify(NOTIFY.STRING, 'pfadd', key);
    ctx.dirty += updated;
  }
  ctx.reply.integer(updated > 0 ? 1 : 0);
}

/** 16384 one-byte registers: the union PFCOUNT and PFMERGE build (module scratch). */
const maxRegisters = new Uint8Array(HLL_REGISTERS);

/**
 * Merge the HyperLogLogs at argv[from..] into maxRegisters. Returns null after replying an
 * error, else whether any of them is dense.
 */
function mergeInputs(ctx: CommandContext, argv: Argv, from: number): boolean | null {
  maxRegisters.fill(0);
  let anyDense = false;
  for (let j = from; j < argv.argc; j++) {
    const v = ctx.db.lookupRead(argv.str(j));
    if (v === undefined) continue; // a missing key counts as an empty HyperLogLog
    const b = hllBytesOrReply(ctx, v);
    if (b === null) return null;
    if (hllEncoding(b) === HLL_DENSE) anyDense = true;
    if (!hllMerge(maxRegisters, b, b.length)) {
      ctx.reply.error(ERR.hllCorrupted);
      return null;
    }
  }
  return anyDense;
}

/** PFCOUNT key [key ...] */
function pfcount(ctx: CommandContext, argv: Argv): void {
  if (argv.argc > 2) {
    if (mergeInputs(ctx, argv, 1) === null) return;
    ctx.reply.integer(cardReply(hllCountRaw(maxRegisters)));
    return;
  }
  const key = argv.str(1);
  const v = ctx.db.lookupRead(key);
  if (v === undefined) {
    ctx.reply.integer(0);
    return;
  }
  const hdr = hllHeaderOrReply(ctx, v);
  if (hdr === null) return;
  if (hllCacheValid(hdr)) {
    ctx.reply.integer(hllCachedCard(hdr));
    return;
  }
  const b = strBytes(v as StringValue);
  const card = hllCount(b, b.length);
  if (card === -1) {
    ctx.reply.error(ERR.hllCorrupted);
    return;
  }
  const h = editable(ctx, v, b);
  hllSetCachedCard(h.buf, card);
  commit(ctx, key, v, h);
  ctx.dirty++;
  ctx.reply.integer(cardReply(card));
}

/** PFMERGE destkey sourcekey [sourcekey ...] (the destination is an input too) */
function pfmerge(ctx: CommandContext, argv: Argv): void {
  const useDense = mergeInputs(ctx, argv, 1);
  if (useDense === null) return;
  const db = ctx.db;
  const key = argv.str(1);
  const v = db.lookupWrite(key);
  let h: RawString;
  if (v === undefined) {
    h = createHll(ctx.ks.initialWord());
    db.add(key, h);
  } else {
    // Already validated as an input.
    const b = hllBytesOrReply(ctx, v);
    if (b === null) return;
    h = editable(ctx, v, b);
  }
  if (useDense && !hllSparseToDense(h)) {
    ctx.reply.error(ERR.hllCorrupted);
    return;
  }
  const max = sparseMaxBytes(ctx);
  for (let j = 0; j < HLL_REGISTERS; j++) {
    const m = maxRegisters[j] as number;
    if (m !== 0) hllSet(h, j, m, max);
  }
  hllInvalidateCache(h.buf);
  if (v !== undefined) commit(ctx, key, v, h);
  // Redis reports a merge as an add of many elements.
  db.notify(NOTIFY.STRING, 'pfadd', key);
  ctx.dirty++;
  ctx.reply.ok();
}

/** PFDEBUG <GETREG|DECODE|ENCODING|TODENSE> key */
function pfdebug(ctx: CommandContext, argv: Argv): void {
  const key = argv.str(2);
  const v = ctx.db.lookupWrite(key);
  if (v === undefined) {
    ctx.reply.error(ERR.pfdebugNoKey);
    return;
  }
  const b = hllBytesOrReply(ctx, v);
  if (b === null) return;
  if (argv.is(1, 'GETREG') || argv.is(1, 'TODENSE')) {
    let regs: Uint8Array = b;
    let converted = false;
    if (hllEncoding(b) === HLL_SPARSE) {
      const h = editable(ctx, v, b);
      if (!hllSparseToDense(h)) {
        ctx.reply.error(ERR.hllCorrupted);
        return;
      }
      // Redis converts in place without signalling; a compact value has to be swapped.
      if (h !== v) ctx.db.replace(key, h);
      ctx.dirty++;
      regs = h.buf;
      converted = true;
    }
    if (argv.is(1, 'TODENSE')) {
      ctx.reply.integer(converted ? 1 : 0);
      return;
    }
    ctx.reply.arrayHeader(HLL_REGISTERS);
    for (let j = 0; j < HLL_REGISTERS; j++) ctx.reply.integer(denseGet(regs, HLL_HDR_SIZE, j));
  } else if (argv.is(1, 'DECODE')) {
    if (hllEncoding(b) !== HLL_SPARSE) ctx.reply.error(ERR.hllNotSparse);
    else ctx.reply.bulk(hllDecodeSparse(b, b.length));
  } else if (argv.is(1, 'ENCODING')) {
    ctx.reply.simple(hllEncoding(b) === HLL_DENSE ? 'dense' : 'sparse');
  } else {
    ctx.reply.error(unknownPfdebugSubcommand(argv.str(1)));
  }
}

const SELFTEST_CYCLES = 1000;
const SELFTEST_ELEMENTS = 10_000_000;

/**
 * PFSELFTEST: Redis's two checks. (1) 1000 rounds of random values written to every dense
 * register read back unchanged. (2) 10 million distinct 8-byte elements added to a dense and
 * a sparse HyperLogLog: at 1, 10, 100, ... the two agree, the sparse one is still sparse while
 * small, and the estimate is within 6 standard errors.
 */
function pfselftest(ctx: CommandContext): void {
  const random = ctx.ks.random;
  const dense = new RawString(Buffer.alloc(HLL_DENSE_SIZE), 0);
  const regs = dense.buf;
  const bytecounters = new Uint8Array(HLL_REGISTERS);
  for (let j = 0; j < SELFTEST_CYCLES; j++) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const r = Math.floor(random() * 64);
      bytecounters[i] = r;
      denseSetRegister(regs, HLL_HDR_SIZE, i, r);
    }
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const val = denseGet(regs, HLL_HDR_SIZE, i);
      if (val !== bytecounters[i]) {
        ctx.reply.error(pfselftestRegister(i, bytecounters[i] as number, val));
        return;
      }
    }
  }

  regs.fill(0, HLL_HDR_SIZE);
  const sparse = createHll(0);
  const max = sparseMaxBytes(ctx);
  const relerr = 1.04 / Math.sqrt(HLL_REGISTERS);
  const seedLo = Math.floor(random() * 0x100000000);
  const seedHi = Math.floor(random() * 0x100000000);
  const ele = Buffer.alloc(8);
  ele.writeUInt32LE(seedHi, 4);
  let checkpoint = 1;
  for (let j = 1; j <= SELFTEST_ELEMENTS; j++) {
    ele.writeUInt32LE((j ^ seedLo) >>> 0, 0);
    hllAdd(dense, ele, 0, 8, max);
    hllAdd(sparse, ele, 0, 8, max);
    if (j !== checkpoint) continue;
    if (j < max / 2 && hllEncoding(sparse.buf) !== HLL_SPARSE) {
      ctx.reply.error(ERR.pfselftestNotSparse);
      return;
    }
    const card = hllCount(regs, HLL_DENSE_SIZE);
    if (card !== hllCount(sparse.buf, sparse.len)) {
      ctx.reply.error(ERR.pfselftestDisagree);
      return;
    }
    const abserr = Math.abs(checkpoint - card);
    const maxerr = j === 10 ? 1 : Math.ceil(relerr * 6 * checkpoint);
    if (abserr > maxerr) {
      ctx.reply.error(pfselftestError(checkpoint, abserr));
      return;
    }
    checkpoint *= 10;
  }
  ctx.reply.ok();
}
