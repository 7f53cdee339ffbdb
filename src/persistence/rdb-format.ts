/**
 * The numbers of Redis 7.0's RDB format (rdb.h, RDB version 10): object types, opcodes,
 * string encodings, and the error a reader raises on bad input. Imports nothing from src/.
 */

export const RDB_VERSION = 10;

/** Object types (the byte before a key, and the first byte of a DUMP payload). */
export const T = {
  STRING: 0,
  LIST: 1,
  SET: 2,
  ZSET: 3,
  HASH: 4,
  ZSET_2: 5,
  MODULE: 6,
  MODULE_2: 7,
  HASH_ZIPMAP: 9,
  LIST_ZIPLIST: 10,
  SET_INTSET: 11,
  ZSET_ZIPLIST: 12,
  HASH_ZIPLIST: 13,
  LIST_QUICKLIST: 14,
  STREAM_LISTPACKS: 15,
  HASH_LISTPACK: 16,
  ZSET_LISTPACK: 17,
  LIST_QUICKLIST_2: 18,
  STREAM_LISTPACKS_2: 19,
} as const;

/** rdbIsObjectType */
export function isObjectType(t: number): boolean {
  return (t >= 0 && t <= 7) || (t >= 9 && t <= 19);
}

/** Opcodes that may stand where an object type would. */
export const OP = {
  FUNCTION2: 245,
  /** Functions as 7.0 release candidates wrote them. */
  FUNCTION: 246,
  MODULE_AUX: 247,
  IDLE: 248,
  FREQ: 249,
  AUX: 250,
  RESIZEDB: 251,
  EXPIRETIME_MS: 252,
  EXPIRETIME: 253,
  SELECTDB: 254,
  EOF: 255,
} as const;

/** Special string encodings (first byte 11xxxxxx). */
export const ENC = {
  INT8: 0,
  INT16: 1,
  INT32: 2,
  LZF: 3,
} as const;

/** Quicklist node containers (RDB_TYPE_LIST_QUICKLIST_2). */
export const CONTAINER_PLAIN = 1;
export const CONTAINER_PACKED = 2;

/** Stream entry flags inside a node's listpack. */
export const STREAM_ITEM_DELETED = 1;
export const STREAM_ITEM_SAMEFIELDS = 2;

/**
 * Bad input: a truncated file, a corrupt structure, a checksum mismatch, a module value.
 * `message` says what, as a log line would.
 */
export class RdbError extends Error {
  /** The reader's offset when the problem was found. */
  readonly offset: number;
  constructor(message: string, offset = 0) {
    super(message);
    this.name = 'RdbError';
    this.offset = offset;
  }
}
