/**
 * Generic keyspace commands: DEL UNLINK EXISTS TYPE TOUCH RENAME RENAMENX COPY MOVE, and the
 * whole-database ones DBSIZE FLUSHDB FLUSHALL SWAPDB. (Expiry commands are in expire.ts,
 * KEYS/SCAN/RANDOMKEY in scan.ts, OBJECT in object.ts, DEBUG in debug.ts.)
 *
 * Keyspace events are exactly Redis 7.0's: DEL fires 'del' per deleted key; RENAME fires 'new'
 * (the destination is added), 'rename_from' and 'rename_to'; COPY 'new' and 'copy_to'; MOVE
 * 'new' in the target database, 'move_from' and 'move_to'. Lookups follow Redis's flags: EXISTS
 * and TYPE count hits and misses but leave the LRU alone; TOUCH is a plain read.
 */
import type { Argv } from '../protocol/argv.js';
import { LOOKUP } from '../keyspace/database.js';
import { NOTIFY } from '../keyspace/notify.js';
import { withLru } from '../values/string.js';
import { typeOf, type RedisValue } from '../values/types.js';
import { ERR } from './errors.js';
import type { ArgDoc, CommandContext, CommandSpec, KeySpec } from './spec.js';

const spec = (index: number, flags: string[]): KeySpec => ({ flags, begin_search: { index }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } });
const allKeys = (flags: string[]): KeySpec[] => [{ flags, begin_search: { index: 1 }, find_keys: { lastkey: -1, keystep: 1, limit: 0 } }];
const keys0: ArgDoc = { name: 'key', type: 'key', key_spec_index: 0, multiple: true };
const key0: ArgDoc = { name: 'key', type: 'key', key_spec_index: 0 };
const multiShard = ['request_policy:multi_shard', 'response_policy:agg_sum'];
const flushMode: ArgDoc = {
  name: 'async', type: 'oneof', optional: true,
  arguments: [
    { name: 'async', type: 'pure-token', token: 'ASYNC', since: '4.0.0' },
    { name: 'sync', type: 'pure-token', token: 'SYNC', since: '6.2.0' },
  ],
};

export const genericCommands = [
  {
    name: 'del', arity: -2, flags: ['write'], acl: ['keyspace'], keys: [1, -1, 1], keySpecs: allKeys(['RM', 'delete']),
    group: 'generic', since: '1.0.0', summary: 'Delete keys', complexity: 'O(N) in the number of keys, plus the size of each aggregate removed',
    tips: multiShard, args: [keys0], run: del,
  },
  {
    name: 'unlink', arity: -2, flags: ['write', 'fast'], acl: ['keyspace'], keys: [1, -1, 1], keySpecs: allKeys(['RM', 'delete']),
    group: 'generic', since: '4.0.0', summary: 'Delete keys, leaving the reclamation of their memory to the runtime', complexity: 'O(1) per key removed',
    tips: multiShard, args: [keys0], run: del,
  },
  {
    name: 'exists', arity: -2, flags: ['readonly', 'fast'], acl: ['keyspace'], keys: [1, -1, 1], keySpecs: allKeys(['RO']),
    group: 'generic', since: '1.0.0', summary: 'Count how many of the given keys exist', complexity: 'O(N) in the number of keys',
    tips: multiShard, args: [keys0], run: exists,
  },
  {
    name: 'type', arity: 2, flags: ['readonly', 'fast'], acl: ['keyspace'], keys: [1, 1, 1], keySpecs: [spec(1, ['RO'])],
    group: 'generic', since: '1.0.0', summary: 'Return the type of the value stored at a key', complexity: 'O(1)',
    args: [key0], run: type,
  },
  {
    name: 'touch', arity: -2, flags: ['readonly', 'fast'], acl: ['keyspace'], keys: [1, -1, 1], keySpecs: allKeys(['RO']),
    group: 'generic', since: '3.2.1', summary: 'Mark keys as just accessed; return how many exist', complexity: 'O(N) in the number of keys',
    tips: multiShard, args: [keys0], run: touch,
  },
  {
    name: 'rename', arity: 3, flags: ['write'], acl: ['keyspace'], keys: [1, 2, 1], keySpecs: [spec(1, ['RW', 'access', 'delete']), spec(2, ['OW', 'update'])],
    group: 'generic', since: '1.0.0', summary: 'Give a key a new name, replacing any key of that name', complexity: 'O(1)',
    args: [key0, { name: 'newkey', type: 'key', key_spec_index: 1 }], run: (c, a) => rename(c, a, false),
  },
  {
    name: 'renamenx', arity: 3, flags: ['write', 'fast'], acl: ['keyspace'], keys: [1, 2, 1], keySpecs: [spec(1, ['RW', 'access', 'delete']), spec(2, ['OW', 'insert'])],
    group: 'generic', since: '1.0.0', summary: 'Give a key a new name unless a key of that name exists', complexity: 'O(1)',
    args: [key0, { name: 'newkey', type: 'key', key_spec_index: 1 }], run: (c, a) => rename(c, a, true),
  },
  {
    name: 'copy', arity: -3, flags: ['write', 'denyoom'], acl: ['keyspace'], keys: [1, 2, 1], keySpecs: [spec(1, ['RO', 'access']), spec(2, ['OW', 'update'])],
    group: 'generic', since: '6.2.0', summary: 'Copy the value (and time to live) of a key to another key, possibly in another database',
    complexity: 'O(N) for aggregates in the number of nested elements, O(1) for strings',
    args: [
      { name: 'source', type: 'key', key_spec_index: 0 },
      { name: 'destination', type: 'key', key_spec_index: 1 },
      { name: 'destination-db', type: 'integer', token: 'DB', optional: true },
      { name: 'replace', type: 'pure-token', token: 'REPLACE', optional: true },
    ],
    run: copy,
  },
  {
    name: 'move', arity: 3, flags: ['write', 'fast'], acl: ['keyspace'], keys: [1, 1, 1], keySpecs: [spec(1, ['RW', 'access', 'update'])],
    group: 'generic', since: '1.0.0', summary: 'Move a key to another database', complexity: 'O(1)',
    args: [key0, { name: 'db', type: 'integer' }], run: move,
  },
  {
    name: 'dbsize', arity: 1, flags: ['readonly', 'fast'], acl: ['keyspace'], group: 'server', since: '1.0.0',
    summary: 'Return how many keys the selected database holds', complexity: 'O(1)',
    tips: ['request_policy:all_shards', 'response_policy:agg_sum'], run: (c) => c.reply.integer(c.db.size),
  },
  {
    name: 'flushdb', arity: -1, flags: ['write'], acl: ['keyspace', 'dangerous'], group: 'server', since: '1.0.0',
    summary: 'Delete every key of the selected database', complexity: 'O(N) in the number of keys of the database',
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'], args: [flushMode], run: (c, a) => flush(c, a, false),
  },
  {
    name: 'flushall', arity: -1, flags: ['write'], acl: ['keyspace', 'dangerous'], group: 'server', since: '1.0.0',
    summary: 'Delete every key of every database', complexity: 'O(N) in the number of keys of all databases',
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'], args: [flushMode], run: (c, a) => flush(c, a, true),
  },
  {
    name: 'swapdb', arity: 3, flags: ['write', 'fast'], acl: ['keyspace', 'dangerous'], group: 'server', since: '4.0.0',
    summary: 'Exchange the contents of two databases', complexity: 'O(N) in the clients watching or blocked on keys of either database',
    args: [{ name: 'index1', type: 'integer' }, { name: 'index2', type: 'integer' }], run: swapdb,
  },
] as const satisfies readonly CommandSpec[];

/** DEL key [key ...] and UNLINK (memory is the garbage collector's either way). */
function del(ctx: CommandContext, argv: Argv): void {
  const db = ctx.db;
  let n = 0;
  for (let j = 1; j < argv.argc; j++) {
    const key = argv.str(j);
    // An expired key is reclaimed as expired ('expired' event, stats), not deleted by us.
    db.expireIfNeeded(key);
    if (db.delete(key)) {
      db.notify(NOTIFY.GENERIC, 'del', key);
      n++;
    }
  }
  ctx.dirty += n;
  ctx.reply.integer(n);
}

/** EXISTS key [key ...]: a key named twice counts twice. */
function exists(ctx: CommandContext, argv: Argv): void {
  const db = ctx.db;
  let n = 0;
  for (let j = 1; j < argv.argc; j++) if (db.lookupReadFlags(argv.str(j), LOOKUP.NOTOUCH) !== undefined) n++;
  ctx.reply.integer(n);
}

/** TYPE key */
function type(ctx: CommandContext, argv: Argv): void {
  const v = ctx.db.lookupReadFlags(argv.str(1), LOOKUP.NOTOUCH);
  ctx.reply.simple(v === undefined ? 'none' : typeOf(v));
}

/** TOUCH key [key ...] */
function touch(ctx: CommandContext, argv: Argv): void {
  const db = ctx.db;
  let n = 0;
  for (let j = 1; j < argv.argc; j++) if (db.lookupRead(argv.str(j)) !== undefined) n++;
  ctx.reply.integer(n);
}

/** RENAME key newkey / RENAMENX key newkey: the value keeps its identity and its expire. */
function rename(ctx: CommandContext, argv: Argv, nx: boolean): void {
  const db = ctx.db;
  const src = argv.str(1);
  const dst = argv.str(2);
  const v = db.lookupWrite(src);
  if (v === undefined) {
    ctx.reply.error(ERR.noSuchKey);
    return;
  }
  if (src === dst) {
    if (nx) ctx.reply.integer(0);
    else ctx.reply.ok();
    return;
  }
  const expire = db.getExpire(src);
  if (db.lookupWrite(dst) !== undefined) {
    if (nx) {
      ctx.reply.integer(0);
      return;
    }
    db.delete(dst);
  }
  db.add(dst, v);
  if (expire !== -1) db.setExpire(dst, expire);
  db.delete(src);
  db.notify(NOTIFY.GENERIC, 'rename_from', src);
  db.notify(NOTIFY.GENERIC, 'rename_to', dst);
  ctx.dirty++;
  if (nx) ctx.reply.integer(1);
  else ctx.reply.ok();
}

/** A database index argument (getIntFromObjectOrReply, then selectDb): null after replying. */
function dbIndexArg(ctx: CommandContext, argv: Argv, i: number): number | null {
  const raw = argv.int(i);
  if (raw === null) {
    ctx.reply.error(ERR.notInteger);
    return null;
  }
  // getIntFromObjectOrReply: a valid int64 outside int32 has its own message.
  if (typeof raw === 'bigint' || raw < -0x80000000 || raw > 0x7fffffff) {
    ctx.reply.error(ERR.notInt32);
    return null;
  }
  if (raw < 0 || raw >= ctx.ks.dbs.length) {
    ctx.reply.error(ERR.dbIndexOutOfRange);
    return null;
  }
  return raw;
}

/** A copy of a value carrying a fresh LRU/LFU word, as a newly created object would. */
function duplicate(ctx: CommandContext, v: RedisValue): RedisValue {
  const word = ctx.ks.initialWord();
  return typeof v === 'string' ? withLru(v, word) : v.clone(word);
}

/** COPY source destination [DB destination-db] [REPLACE] */
function copy(ctx: CommandContext, argv: Argv): void {
  const src = ctx.db;
  let dst = src;
  let replace = false;
  for (let j = 3; j < argv.argc; j++) {
    if (argv.is(j, 'REPLACE')) {
      replace = true;
    } else if (argv.is(j, 'DB') && j + 1 < argv.argc) {
      const id = dbIndexArg(ctx, argv, j + 1);
      if (id === null) return;
      dst = ctx.ks.db(id);
      j++;
    } else {
      ctx.reply.error(ERR.syntax);
      return;
    }
  }
  const key = argv.str(1);
  const newkey = argv.str(2);
  if (src === dst && key === newkey) {
    ctx.reply.error(ERR.sameObject);
    return;
  }
  const v = src.lookupRead(key);
  if (v === undefined) {
    ctx.reply.integer(0);
    return;
  }
  const expire = src.getExpire(key);
  if (dst.lookupWrite(newkey) !== undefined) {
    if (!replace) {
      ctx.reply.integer(0);
      return;
    }
    dst.delete(newkey);
  }
  dst.add(newkey, duplicate(ctx, v));
  if (expire !== -1) dst.setExpire(newkey, expire);
  dst.notify(NOTIFY.GENERIC, 'copy_to', newkey);
  ctx.dirty++;
  ctx.reply.integer(1);
}

/** MOVE key db */
function move(ctx: CommandContext, argv: Argv): void {
  const src = ctx.db;
  const id = dbIndexArg(ctx, argv, 2);
  if (id === null) return;
  const dst = ctx.ks.db(id);
  if (dst === src) {
    ctx.reply.error(ERR.sameObject);
    return;
  }
  const key = argv.str(1);
  const v = src.lookupWrite(key);
  if (v === undefined) {
    ctx.reply.integer(0);
    return;
  }
  const expire = src.getExpire(key);
  if (dst.lookupWrite(key) !== undefined) {
    ctx.reply.integer(0);
    return;
  }
  dst.add(key, v);
  if (expire !== -1) dst.setExpire(key, expire);
  src.delete(key);
  src.notify(NOTIFY.GENERIC, 'move_from', key);
  dst.notify(NOTIFY.GENERIC, 'move_to', key);
  ctx.dirty++;
  ctx.reply.integer(1);
}

/**
 * FLUSHDB / FLUSHALL [ASYNC | SYNC]. Both modes drop the dictionaries at once: freeing is the
 * garbage collector's work, off the command path, so ASYNC and SYNC behave alike.
 */
function flush(ctx: CommandContext, argv: Argv, all: boolean): void {
  if (argv.argc > 2 || (argv.argc === 2 && !argv.is(1, 'SYNC') && !argv.is(1, 'ASYNC'))) {
    ctx.reply.error(ERR.syntax);
    return;
  }
  if (all) {
    let n = 0;
    for (const db of ctx.ks.dbs) n += db.flush();
    // Redis counts one more change for FLUSHALL itself, so it is always propagated.
    ctx.dirty += n + 1;
    // A background save stops; with save points the empty dataset is saved now, and the
    // change counter ends at 0 once this command's changes are added (Redis's rdbSave inside).
    if (ctx.server.persistence.flushedAll()) ctx.server.dirty = -ctx.dirty;
  } else {
    ctx.dirty += ctx.db.flush();
  }
  ctx.reply.ok();
}

/** SWAPDB index1 index2 */
function swapdb(ctx: CommandContext, argv: Argv): void {
  const a = int32Arg(argv, 1);
  if (a === null) {
    ctx.reply.error(ERR.invalidFirstDbIndex);
    return;
  }
  const b = int32Arg(argv, 2);
  if (b === null) {
    ctx.reply.error(ERR.invalidSecondDbIndex);
    return;
  }
  const n = ctx.ks.dbs.length;
  if (a < 0 || a >= n || b < 0 || b >= n) {
    ctx.reply.error(ERR.dbIndexOutOfRange);
    return;
  }
  if (a !== b) ctx.ks.db(a).swapWith(ctx.ks.db(b));
  ctx.dirty++;
  ctx.reply.ok();
}

function int32Arg(argv: Argv, i: number): number | null {
  const v = argv.safeInt(i);
  return v === null || v < -0x80000000 || v > 0x7fffffff ? null : v;
}
