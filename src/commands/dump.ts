/**
 * DUMP and RESTORE: a value as Redis's serialized payload (RDB object, RDB version, CRC-64)
 * and back, byte-compatible with redis-server 7.0 both ways. The format itself lives in
 * src/persistence (reached through ServerServices.persistence).
 */
import type { Argv } from '../protocol/argv.js';
import { NOTIFY } from '../keyspace/notify.js';
import { ERR } from './errors.js';
import type { CommandContext, CommandSpec, KeySpec } from './spec.js';

const k1 = (flags: string[]): KeySpec[] => [{ flags, begin_search: { index: 1 }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } }];

export const dumpCommands = [
  {
    name: 'dump', arity: 2, flags: ['readonly'], acl: ['keyspace'], keys: [1, 1, 1], keySpecs: k1(['RO', 'access']),
    group: 'generic', since: '2.6.0', summary: 'Serialize the value at a key in the format RESTORE takes',
    complexity: 'O(1) to find the key, plus O(N*M) to serialize N elements of average size M',
    tips: ['nondeterministic_output'],
    args: [{ name: 'key', type: 'key', key_spec_index: 0 }],
    run: dump,
  },
  {
    name: 'restore', arity: -4, flags: ['write', 'denyoom'], acl: ['keyspace', 'dangerous'], keys: [1, 1, 1], keySpecs: k1(['OW', 'update']),
    group: 'generic', since: '2.6.0', summary: 'Create a key from a DUMP payload, optionally replacing it and setting its TTL and access hints',
    complexity: 'O(1) to create the key, plus O(N*M) to rebuild N elements of average size M (O(N*M*log(N)) for sorted sets)',
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'ttl', type: 'integer' },
      { name: 'serialized-value', type: 'string' },
      { name: 'replace', type: 'pure-token', token: 'REPLACE', since: '3.0.0', optional: true },
      { name: 'absttl', type: 'pure-token', token: 'ABSTTL', since: '5.0.0', optional: true },
      { name: 'seconds', type: 'integer', token: 'IDLETIME', since: '5.0.0', optional: true },
      { name: 'frequency', type: 'integer', token: 'FREQ', since: '5.0.0', optional: true },
    ],
    run: restore,
  },
] as const satisfies readonly CommandSpec[];

/** DUMP key */
function dump(ctx: CommandContext, argv: Argv): void {
  const v = ctx.db.lookupRead(argv.str(1));
  if (v === undefined) {
    ctx.reply.nullBulk();
    return;
  }
  ctx.reply.bulkBytes(ctx.server.persistence.dump(v));
}

/** RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency] */
function restore(ctx: CommandContext, argv: Argv): void {
  let replace = false;
  let absttl = false;
  let freq = -1;
  let idle = -1;
  for (let j = 4; j < argv.argc; j++) {
    const more = argv.argc - j - 1;
    if (argv.is(j, 'REPLACE')) {
      replace = true;
    } else if (argv.is(j, 'ABSTTL')) {
      absttl = true;
    } else if (argv.is(j, 'IDLETIME') && more >= 1 && freq === -1) {
      const v = argv.int(j + 1);
      if (v === null) return void ctx.reply.error(ERR.notInteger);
      if (v < 0) return void ctx.reply.error(ERR.invalidIdletime);
      idle = Number(v);
      j++;
    } else if (argv.is(j, 'FREQ') && more >= 1 && idle === -1) {
      const v = argv.int(j + 1);
      if (v === null) return void ctx.reply.error(ERR.notInteger);
      if (v < 0 || v > 255) return void ctx.reply.error(ERR.invalidFreq);
      freq = Number(v);
      j++;
    } else {
      return void ctx.reply.error(ERR.syntax);
    }
  }
  const key = argv.str(1);
  const db = ctx.db;
  if (!replace && db.lookupWrite(key) !== undefined) return void ctx.reply.error(ERR.busyKey);
  const t = argv.int(2);
  if (t === null) return void ctx.reply.error(ERR.notInteger);
  if (t < 0) return void ctx.reply.error(ERR.invalidTtl);
  const got = ctx.server.persistence.restore(argv.bytes(3), freq, idle);
  if (typeof got !== 'string' && 'error' in got) return void ctx.reply.error(got.error);
  const value = got;
  const deleted = replace ? db.delete(key) : false;
  let ttl = Number(t);
  if (ttl !== 0 && !absttl) ttl += ctx.ks.now;
  if (ttl !== 0 && ttl <= ctx.ks.now && !ctx.ks.expiryFrozen) {
    // Already expired: nothing is created; a replaced key is gone (Redis propagates a DEL).
    if (deleted) {
      db.notify(NOTIFY.GENERIC, 'del', key);
      ctx.dirty++;
      ctx.rewriteArgv(['DEL', key]);
    }
    ctx.reply.ok();
    return;
  }
  db.add(key, value);
  if (ttl !== 0) {
    db.setExpire(key, ttl);
    if (!absttl) {
      // Propagated with the TTL made absolute (ABSTTL appended): a reload must not extend it.
      const args = argv.toStrings();
      args[2] = String(ttl);
      args.push('ABSTTL');
      ctx.rewriteArgv(args);
    }
  }
  db.notify(NOTIFY.GENERIC, 'restore', key);
  ctx.reply.ok();
  ctx.dirty++;
}
