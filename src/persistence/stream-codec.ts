/**
 * Streams in RDB_TYPE_STREAM_LISTPACKS_2 (and the older RDB_TYPE_STREAM_LISTPACKS on load):
 *
 *   node count; per node: its master ID (16 bytes, ms and seq big-endian) and its listpack;
 *   length; last ID; first ID; max deleted ID; entries added (each ID as two lengths);
 *   group count; per group (in name order): name, last ID, entries read, the group PEL
 *   (count; per entry: 16-byte ID, delivery time in ms LE, delivery count), consumers
 *   (count; per consumer in name order: name, seen time, its PEL as bare IDs).
 *
 * A node's listpack is the one Redis builds (streamAppendItem): a master entry
 * [count, deleted, field count, fields..., 0], then per entry [flags, ms delta, seq delta,
 * (field count, field, value)... or values only when the fields are the master's, lp-count].
 * StreamNode keeps entries with those flags and tombstones (values/structures/
 * stream-node.ts), so the bytes come out as Redis's for the same history.
 */
import { RedisStream } from '../values/stream.js';
import { Nack } from '../values/stream-group.js';
import { StreamNode } from '../values/structures/stream-node.js';
import { StreamID, type Count } from '../values/structures/stream-id.js';
import { RdbError, STREAM_ITEM_DELETED, STREAM_ITEM_SAMEFIELDS, T } from './rdb-format.js';
import type { RdbEncoder } from './rdb-encoder.js';
import type { RdbReader } from './rdb-reader.js';
import { ListpackReader, ListpackWriter } from './listpack-codec.js';

const TWO32 = 4294967296;
const lp = new ListpackWriter(4096);

/** a - b of two uint64 halves, as the int64 Redis stores (two's complement wrap). */
function delta(aHi: number, aLo: number, bHi: number, bLo: number): number | bigint {
  if (aHi < 0x200000 && bHi < 0x200000) {
    const d = (aHi * TWO32 + aLo) - (bHi * TWO32 + bLo);
    if (Number.isSafeInteger(d)) return d;
  }
  const big = BigInt.asIntN(64, ((BigInt(aHi) << 32n) | BigInt(aLo)) - ((BigInt(bHi) << 32n) | BigInt(bLo)));
  const n = Number(big);
  return Number.isSafeInteger(n) ? n : big;
}

/** base + d (mod 2^64) as uint64 halves. */
function addDelta(hi: number, lo: number, d: number | bigint): [number, number] {
  if (typeof d === 'number' && hi < 0x200000) {
    const v = hi * TWO32 + lo + d;
    if (Number.isSafeInteger(v) && v >= 0) return [Math.floor(v / TWO32), v % TWO32];
  }
  const v = BigInt.asUintN(64, ((BigInt(hi) << 32n) | BigInt(lo)) + BigInt(d));
  return [Number(v >> 32n), Number(v & 0xffffffffn)];
}

function idKey(id: StreamID): Buffer {
  const b = Buffer.allocUnsafe(16);
  b.writeUInt32BE(id.msHi, 0);
  b.writeUInt32BE(id.msLo, 4);
  b.writeUInt32BE(id.seqHi, 8);
  b.writeUInt32BE(id.seqLo, 12);
  return b;
}

function idFrom(b: Buffer, o: number): StreamID {
  return new StreamID(b.readUInt32BE(o), b.readUInt32BE(o + 4), b.readUInt32BE(o + 8), b.readUInt32BE(o + 12));
}

/** A Count (int64) as the uint64 rdbSaveLen writes: -1 becomes 2^64-1. */
function countLen(enc: RdbEncoder, c: Count): void {
  if (typeof c === 'number' && c >= 0) {
    enc.len(c);
    return;
  }
  const u = BigInt.asUintN(64, BigInt(c));
  enc.lenU64(Number(u >> 32n), Number(u & 0xffffffffn));
}

function readCount(r: RdbReader): Count {
  const [hi, lo] = r.lenU64();
  if (hi < 0x200000) return hi * TWO32 + lo;
  const v = BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
}

function readId(r: RdbReader): StreamID {
  const [msHi, msLo] = r.lenU64();
  const [seqHi, seqLo] = r.lenU64();
  return new StreamID(msHi, msLo, seqHi, seqLo);
}

function writeId(enc: RdbEncoder, id: StreamID): void {
  enc.lenU64(id.msHi, id.msLo);
  enc.lenU64(id.seqHi, id.seqLo);
}

/** The listpack Redis would hold for this node. */
function nodeListpack(node: StreamNode): Buffer {
  lp.reset();
  const m = node.master;
  lp.appendInt(node.count);
  lp.appendInt(node.deleted);
  lp.appendInt(node.fields.length);
  for (const f of node.fields) lp.append(f);
  lp.appendInt(0);
  for (let i = 0; i < node.n; i++) {
    const flags = node.flags[i] as number;
    const id = node.idAt(i);
    lp.appendInt(flags);
    lp.appendInt(delta(id.msHi, id.msLo, m.msHi, m.msLo));
    lp.appendInt(delta(id.seqHi, id.seqLo, m.seqHi, m.seqLo));
    const nf = node.numFields(i);
    if ((flags & STREAM_ITEM_SAMEFIELDS) !== 0) {
      for (let j = 0; j < nf; j++) lp.append(node.value(i, j));
      lp.appendInt(nf + 3);
    } else {
      lp.appendInt(nf);
      for (let j = 0; j < nf; j++) {
        lp.append(node.field(i, j));
        lp.append(node.value(i, j));
      }
      lp.appendInt(nf * 2 + 4);
    }
  }
  return lp.finish();
}

export function encodeStream(enc: RdbEncoder, s: RedisStream): void {
  enc.len(s.nodes.length);
  for (const node of s.nodes) {
    enc.stringBytes(idKey(node.master));
    const b = nodeListpack(node);
    enc.stringBytes(b, 0, b.length);
  }
  enc.len(s.length);
  writeId(enc, s.lastId);
  writeId(enc, s.firstId);
  writeId(enc, s.maxDeletedId);
  countLen(enc, s.entriesAdded);
  const groups = s.sortedGroups();
  enc.len(groups.length);
  for (const [name, g] of groups) {
    enc.string(name);
    writeId(enc, g.lastId);
    countLen(enc, g.entriesRead);
    enc.len(g.pel.size);
    g.pel.forEach(null, (id, nack) => {
      enc.bytes(idKey(id));
      enc.int64LE(nack.deliveryTime);
      countLen(enc, nack.deliveryCount);
      return true;
    });
    const consumers = g.sortedConsumers();
    enc.len(consumers.length);
    for (const c of consumers) {
      enc.string(c.name);
      enc.int64LE(c.seenTime);
      enc.len(c.pel.size);
      c.pel.forEach(null, (id) => {
        enc.bytes(idKey(id));
        return true;
      });
    }
  }
}

function bad(): never {
  throw new RdbError('Stream listpack integrity check failed.');
}

/** The next listpack entry as a safe integer. */
function num(r: ListpackReader): number {
  if (!r.next()) bad();
  const v = r.integer();
  if (typeof v !== 'number') bad();
  return v;
}

/** Rebuild one node from its master ID and listpack (streamValidateListpackIntegrity). */
function decodeNode(master: StreamID, buf: Buffer, start: number, end: number): StreamNode | null {
  const r = new ListpackReader(buf, start, end);
  if (!r.next()) throw new RdbError('Empty listpack inside stream');
  const count = r.integer();
  const deleted = num(r);
  const nMaster = num(r);
  if (typeof count !== 'number' || nMaster < 0) bad();
  const fields: string[] = [];
  for (let j = 0; j < nMaster; j++) {
    if (!r.next()) bad();
    fields.push(r.string());
  }
  if (num(r) !== 0) bad();
  const node = new StreamNode(master, fields);
  const fv: string[] = [];
  let prevId: StreamID | null = null;
  while (r.next()) {
    const flags = r.integer();
    if (typeof flags !== 'number') bad();
    if (!r.next()) bad();
    const msd = r.integer();
    if (!r.next()) bad();
    const seqd = r.integer();
    const [msHi, msLo] = addDelta(master.msHi, master.msLo, msd);
    const [seqHi, seqLo] = addDelta(master.seqHi, master.seqLo, seqd);
    const id = new StreamID(msHi, msLo, seqHi, seqLo);
    if (prevId !== null && !(cmpGreater(id, prevId))) bad();
    if (prevId === null && cmpGreater(master, id)) bad();
    prevId = id;
    fv.length = 0;
    let lpCount: number;
    if ((flags & STREAM_ITEM_SAMEFIELDS) !== 0) {
      for (let j = 0; j < nMaster; j++) {
        if (!r.next()) bad();
        fv.push(fields[j] as string, r.string());
      }
      lpCount = nMaster + 3;
    } else {
      const nf = num(r);
      if (nf < 0) bad();
      for (let j = 0; j < nf; j++) {
        if (!r.next()) bad();
        const f = r.string();
        if (!r.next()) bad();
        fv.push(f, r.string());
      }
      lpCount = nf * 2 + 4;
    }
    if (num(r) !== lpCount) bad();
    node.append(id, fv);
    if ((flags & STREAM_ITEM_DELETED) !== 0) node.markDeleted(node.n - 1);
  }
  if (node.count !== count || node.deleted !== deleted) bad();
  return node.count === 0 ? null : node;
}

function cmpGreater(a: StreamID, b: StreamID): boolean {
  if (a.msHi !== b.msHi) return a.msHi > b.msHi;
  if (a.msLo !== b.msLo) return a.msLo > b.msLo;
  if (a.seqHi !== b.seqHi) return a.seqHi > b.seqHi;
  return a.seqLo > b.seqLo;
}

/** rdbLoadObject for RDB_TYPE_STREAM_LISTPACKS(_2). */
export function decodeStream(r: RdbReader, type: number, lru: number): RedisStream {
  const s = new RedisStream(lru);
  const nodes = r.len();
  let live = 0;
  let prevMaster: StreamID | null = null;
  for (let i = 0; i < nodes; i++) {
    r.readString();
    if (r.se - r.ss !== 16) throw new RdbError('Stream node key entry is not the size of a stream ID');
    const master = idFrom(r.sb, r.ss);
    if (prevMaster !== null && !cmpGreater(master, prevMaster)) throw new RdbError('Listpack re-added with existing key');
    prevMaster = master;
    r.readString();
    const node = decodeNode(master, r.sb, r.ss, r.se);
    if (node === null) continue;
    const last = s.nodes[s.nodes.length - 1];
    if (last !== undefined) last.seal();
    s.nodes.push(node);
    live += node.count;
  }
  const length = r.len();
  if (length !== live) throw new RdbError('Stream length does not match its entries');
  s.length = length;
  s.lastId = readId(r);
  // Entries above the last ID would let XADD * repeat an ID.
  const tail = s.nodes[s.nodes.length - 1];
  if (tail !== undefined && cmpGreater(tail.idAt(tail.n - 1), s.lastId)) throw new RdbError('Stream last ID below its entries');
  if (type === T.STREAM_LISTPACKS_2) {
    s.firstId = readId(r);
    s.maxDeletedId = readId(r);
    s.entriesAdded = readCount(r);
  } else {
    s.entriesAdded = length;
    s.firstId = s.length === 0 ? s.firstId : s.edgeId(true, true);
  }
  const ngroups = r.len();
  for (let gi = 0; gi < ngroups; gi++) {
    const name = r.latin1();
    const lastId = readId(r);
    const entriesRead = type === T.STREAM_LISTPACKS_2 ? readCount(r) : s.estimateDistance(lastId);
    const g = s.createGroup(name, lastId, entriesRead);
    if (g === undefined) throw new RdbError(`Duplicated consumer group name ${name}`);
    const pelSize = r.len();
    for (let k = 0; k < pelSize; k++) {
      r.need(16);
      const id = idFrom(r.buf, r.pos);
      r.pos += 16;
      const nack = new Nack(null, r.int64LE());
      nack.deliveryCount = readCount(r);
      if (!g.pel.insert(id, nack)) throw new RdbError('Duplicated global PEL entry loading stream consumer group');
    }
    const nconsumers = r.len();
    for (let ci = 0; ci < nconsumers; ci++) {
      const cname = r.latin1();
      const c = g.createConsumer(cname, 0);
      if (c === undefined) throw new RdbError('Duplicate stream consumer detected.');
      c.seenTime = r.int64LE();
      const n = r.len();
      for (let k = 0; k < n; k++) {
        r.need(16);
        const id = idFrom(r.buf, r.pos);
        r.pos += 16;
        const nack = g.pel.get(id);
        if (nack === undefined) throw new RdbError('Consumer entry not found in group global PEL');
        nack.consumer = c;
        if (!c.pel.insert(id, nack)) throw new RdbError('Duplicated consumer PEL entry  loading a stream consumer group');
      }
    }
    // Redis checks this only with deep sanitization; a NACK without an owner would break XCLAIM.
    g.pel.forEach(null, (_id, nack) => {
      if (nack.consumer === null) throw new RdbError('Stream CG PEL entry without consumer');
      return true;
    });
  }
  return s;
}

