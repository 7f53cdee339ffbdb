/**
 * DUMP / RESTORE payloads (Redis's createDumpPayload / verifyDumpPayload): the object type
 * and serialized value, then the RDB version (2 bytes LE) and a CRC-64 of everything before
 * it (8 bytes LE). Byte-compatible with redis-server 7.0 in both directions.
 */
import type { RedisValue } from '../values/types.js';
import { crc64 } from './crc64.js';
import { isObjectType, RDB_VERSION, RdbError } from './rdb-format.js';
import { RdbEncoder } from './rdb-encoder.js';
import { RdbReader } from './rdb-reader.js';
import { writeObject, type EncodeOptions } from './value-encoder.js';
import { readValue, type DecodeContext } from './value-decoder.js';

export function createDumpPayload(v: RedisValue, opts: EncodeOptions, compress: boolean): Buffer {
  const enc = new RdbEncoder(compress, 64);
  writeObject(enc, v, opts);
  enc.byte(RDB_VERSION & 0xff);
  enc.byte((RDB_VERSION >> 8) & 0xff);
  const c = crc64(enc.buf, 0, enc.pos);
  enc.ensure(8);
  c.writeLE(enc.buf, enc.pos);
  enc.pos += 8;
  return enc.take();
}

/** Footer check: a known RDB version and a matching checksum. */
export function verifyDumpPayload(p: Uint8Array): boolean {
  const n = p.length;
  if (n < 10) return false;
  const ver = (p[n - 10] as number) | ((p[n - 9] as number) << 8);
  if (ver > RDB_VERSION) return false;
  return crc64(p, 0, n - 8).equalsLE(p, n - 8);
}

/** The value of a verified payload; throws RdbError when it is malformed or empty. */
export function readDumpPayload(p: Uint8Array, ctx: DecodeContext): RedisValue {
  const buf = Buffer.isBuffer(p) ? p : Buffer.from(p.buffer, p.byteOffset, p.length);
  const r = new RdbReader(buf, 0, buf.length - 10);
  const type = r.u8();
  if (!isObjectType(type)) throw new RdbError('Bad object type');
  const v = readValue(r, type, ctx);
  if (v === null) throw new RdbError('Empty key');
  return v;
}
