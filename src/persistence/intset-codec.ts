/**
 * Redis's intset blob, the serialized form of small integer sets (RDB_TYPE_SET_INTSET):
 * encoding (uint32 LE: 2, 4 or 8 bytes per element), length (uint32 LE), then the elements,
 * ascending, little-endian two's complement. Cinnabar's in-memory intset keeps the same
 * element bytes in a latin1 string (values/structures/intset.ts), so conversion is a header
 * plus a copy. Imports nothing from src/ beyond persistence/.
 */
import { RdbError } from './rdb-format.js';
import type { RdbEncoder } from './rdb-encoder.js';

/** Write the blob for elements `data` (width bytes each) as one RDB string. */
export function writeIntset(enc: RdbEncoder, data: string, width: number): void {
  const n = data.length / width;
  const blob = Buffer.allocUnsafe(8 + data.length);
  blob.writeUInt32LE(width, 0);
  blob.writeUInt32LE(n, 4);
  blob.latin1Write(data, 8, data.length);
  enc.stringBytes(blob, 0, blob.length);
}

/**
 * Check a blob (intsetValidateIntegrity, deep: sorted without duplicates) and return its
 * element bytes and width.
 */
export function readIntset(b: Buffer, s: number, e: number): { data: string; width: number } {
  const bad = (): never => {
    throw new RdbError('Intset integrity check failed.');
  };
  if (e - s < 8) bad();
  const width = b.readUInt32LE(s);
  if (width !== 2 && width !== 4 && width !== 8) bad();
  const n = b.readUInt32LE(s + 4);
  if (8 + n * width !== e - s || n === 0) bad();
  let prev: bigint | number | null = null;
  for (let i = 0; i < n; i++) {
    const o = s + 8 + i * width;
    const v: number | bigint = width === 2 ? b.readInt16LE(o) : width === 4 ? b.readInt32LE(o) : b.readBigInt64LE(o);
    if (prev !== null && !(v > prev)) bad();
    prev = v;
  }
  return { data: b.latin1Slice(s + 8, e), width };
}
