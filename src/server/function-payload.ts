/**
 * FUNCTION DUMP / RESTORE payloads, byte-compatible with Redis 7.0's: each library as the RDB
 * opcode FUNCTION2 (245) followed by its code as an RDB string (LZF-compressed over 20 bytes
 * when rdbcompression is on), then the RDB version (2 bytes, little-endian) and a CRC-64 of
 * everything before it (8 bytes, little-endian), as in a DUMP payload. RESTORE also reads the
 * FUNCTION (246) records of 7.0's release candidates. The RDB primitives are persistence's.
 */
import { crc64 } from '../persistence/crc64.js';
import { verifyDumpPayload } from '../persistence/dump-payload.js';
import { RdbEncoder } from '../persistence/rdb-encoder.js';
import { OP, RDB_VERSION } from '../persistence/rdb-format.js';
import { RdbReader } from '../persistence/rdb-reader.js';
import { ERR, SCRIPT_ERR } from '../commands/errors.js';

export function dumpFunctionsPayload(codes: readonly string[], compress: boolean): Buffer {
  const enc = new RdbEncoder(compress, 64);
  for (const code of codes) {
    enc.byte(OP.FUNCTION2);
    enc.string(code);
  }
  enc.byte(RDB_VERSION & 0xff);
  enc.byte((RDB_VERSION >> 8) & 0xff);
  const c = crc64(enc.buf, 0, enc.pos);
  enc.ensure(8);
  c.writeLE(enc.buf, enc.pos);
  enc.pos += 8;
  return enc.take();
}

/**
 * Read the libraries of a payload and hand their code to `restore` (which joins them to the
 * current ones). Returns null, or the error reply.
 */
export function restoreFunctionsPayload(payload: Uint8Array, restore: (codes: string[]) => string | null): string | null {
  if (!verifyDumpPayload(payload)) return ERR.dumpPayloadInvalid;
  const buf = Buffer.isBuffer(payload) ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.length);
  const r = new RdbReader(buf, 0, buf.length - 10);
  const codes: string[] = [];
  while (r.remaining > 0) {
    const type = r.u8();
    if (type !== OP.FUNCTION && type !== OP.FUNCTION2) return SCRIPT_ERR.notAFunction;
    try {
      if (type === OP.FUNCTION2) {
        codes.push(r.latin1());
      } else {
        // A 7.0 release candidate's record: name, engine, description (if flagged), code.
        const name = r.latin1();
        const engine = r.latin1();
        if (r.len() !== 0) r.latin1();
        codes.push(`#!${engine} name=${name}\n${r.latin1()}`);
      }
    } catch {
      return SCRIPT_ERR.libraryPayload;
    }
  }
  const err = restore(codes);
  return err === null ? null : `ERR ${err}`;
}
