/**
 * String commands.
 */
import type { Argv } from '../protocol/argv.js';
import { NOTIFY } from '../keyspace/notify.js';
import { compactFromBytes, isStringValue, type StringValue } from '../values/string.js';
import { META_CHARS, type RedisValue } from '../values/types.js';
import { ERR, invalidExpireTime } from './errors.js';
import type { CommandContext, CommandSpec } from './spec.js';

export const stringCommands = [
  {
    name: 'get', arity: 2, flags: ['readonly', 'fast'], acl: ['string'], keys: [1, 1, 1], group: 'string', since: '1.0.0',
    summary: 'Return the string value of a key', complexity: 'O(1)',
    keySpecs: [{ flags: ['RO', 'access'], begin_search: { index: 1 }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } }],
    args: [{ name: 'key', type: 'key', key_spec_index: 0 }],
    run: get,
  },
  {
    name: 'set', arity: -3, flags: ['write', 'denyoom'], acl: ['string'], keys: [1, 1, 1], group: 'string', since: '1.0.0',
    summary: 'Set a key to a string value, with optional expiry and conditions', complexity: 'O(1)',
    keySpecs: [{ flags: ['RW', 'access', 'update', 'variable_flags'], begin_search: { index: 1 }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } }],
    args: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'value', type: 'string' },
      { name: 'condition', type: 'oneof', optional: true, since: '2.6.12', arguments: [{ name: 'nx', type: 'pure-token', token: 'NX' }, { name: 'xx', type: 'pure-token', token: 'XX' }] },
      { name: 'get', type: 'pure-token', token: 'GET', optional: true, since: '6.2.0' },
      {
        name: 'expiration', type: 'oneof', optional: true,
        arguments: [
          { name: 'seconds', type: 'integer', token: 'EX', since: '2.6.12' },
          { name: 'milliseconds', type: 'integer', token: 'PX', since: '2.6.12' },
          { name: 'unix-time-seconds', type: 'unix-time', token: 'EXAT', since: '6.2.0' },
          { name: 'unix-time-milliseconds', type: 'unix-time', token: 'PXAT', since: '6.2.0' },
          { name: 'keepttl', type: 'pure-token', token: 'KEEPTTL', since: '6.0.0' },
        ],
      },
    ],
    run: set,
  },
] as const satisfies readonly CommandSpec[];

/** Reply a string value's bytes as a bulk string. */
export function replyString(ctx: CommandContext, v: StringValue): void {
  if (typeof v === 'string') ctx.reply.bulk(v, v.length - META_CHARS);
  else ctx.reply.bulkBytes(v.buf, 0, v.len);
}

/** GET key */
function get(ctx: CommandContext, argv: Argv): void {
  const v = ctx.db.lookupRead(argv.str(1));
  if (v === undefined) ctx.reply.nullBulk();
  else if (typeof v === 'string') ctx.reply.bulk(v, v.length - META_CHARS);
  else if (v.type === 'string') replyString(ctx, v as StringValue);
  else ctx.reply.error(ERR.wrongType);
}

const SET_NX = 1;
const SET_XX = 2;
const SET_GET = 4;
const SET_KEEPTTL = 8;
const SET_EX = 16;
const SET_PX = 32;
const SET_EXAT = 64;
const SET_PXAT = 128;
const SET_EXPIRE_ANY = SET_EX | SET_PX | SET_EXAT | SET_PXAT;

/**
 * Parse SET/GETEX-style options from argv[from..]: Redis's parseExtendedStringArgumentsOrReply.
 * Returns null after replying an error.
 */
export function parseSetOptions(
  ctx: CommandContext,
  argv: Argv,
  from: number,
  command: 'set' | 'getex',
): { flags: number; expireAt: number } | null {
  let flags = 0;
  let expireArg = -1;
  for (let j = from; j < argv.argc; j++) {
    const hasNext = j + 1 < argv.argc;
    if (command === 'set' && argv.is(j, 'NX') && !(flags & SET_XX)) flags |= SET_NX;
    else if (command === 'set' && argv.is(j, 'XX') && !(flags & SET_NX)) flags |= SET_XX;
    else if (command === 'set' && argv.is(j, 'GET')) flags |= SET_GET;
    else if (command === 'set' && argv.is(j, 'KEEPTTL') && !(flags & SET_EXPIRE_ANY)) flags |= SET_KEEPTTL;
    else if (command === 'getex' && argv.is(j, 'PERSIST') && !(flags & SET_EXPIRE_ANY)) flags |= SET_KEEPTTL;
    else if (argv.is(j, 'EX') && !(flags & SET_KEEPTTL) && !(flags & SET_EXPIRE_ANY) && hasNext) {
      flags |= SET_EX;
      expireArg = ++j;
    } else if (argv.is(j, 'PX') && !(flags & SET_KEEPTTL) && !(flags & SET_EXPIRE_ANY) && hasNext) {
      flags |= SET_PX;
      expireArg = ++j;
    } else if (argv.is(j, 'EXAT') && !(flags & SET_KEEPTTL) && !(flags & SET_EXPIRE_ANY) && hasNext) {
      flags |= SET_EXAT;
      expireArg = ++j;
    } else if (argv.is(j, 'PXAT') && !(flags & SET_KEEPTTL) && !(flags & SET_EXPIRE_ANY) && hasNext) {
      flags |= SET_PXAT;
      expireArg = ++j;
    } else {
      ctx.reply.error(ERR.syntax);
      return null;
    }
  }
  let expireAt = -1;
  if (expireArg >= 0) {
    const raw = argv.int(expireArg);
    if (raw === null || typeof raw === 'bigint') {
      // A bigint is a valid int64 that would overflow once scaled or added to now.
      if (raw === null) ctx.reply.error(ERR.notInteger);
      else ctx.reply.error(invalidExpireTime(command));
      return null;
    }
    if (raw <= 0) {
      ctx.reply.error(invalidExpireTime(command));
      return null;
    }
    let ms = flags & (SET_EX | SET_EXAT) ? raw * 1000 : raw;
    if (flags & (SET_EX | SET_PX)) ms += ctx.ks.now;
    if (!Number.isSafeInteger(ms)) {
      ctx.reply.error(invalidExpireTime(command));
      return null;
    }
    expireAt = ms;
  }
  return { flags, expireAt };
}

/** SET key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL] */
function set(ctx: CommandContext, argv: Argv): void {
  const key = argv.str(1);
  const db = ctx.db;
  let flags = 0;
  let expireAt = -1;
  if (argv.argc > 3) {
    const o = parseSetOptions(ctx, argv, 3, 'set');
    if (o === null) return;
    flags = o.flags;
    expireAt = o.expireAt;
  }
  let old: RedisValue | undefined;
  if (flags & SET_GET) {
    old = db.lookupRead(key);
    if (old !== undefined && !isStringValue(old)) {
      ctx.reply.error(ERR.wrongType);
      return;
    }
  } else if (flags & (SET_NX | SET_XX)) {
    old = db.lookupWrite(key);
  }
  const exists = flags & SET_GET ? old !== undefined : flags & (SET_NX | SET_XX) ? old !== undefined : false;
  if ((flags & SET_NX && exists) || (flags & SET_XX && !exists)) {
    if (flags & SET_GET && old !== undefined) replyString(ctx, old as StringValue);
    else ctx.reply.nullBulk();
    return;
  }
  const value = compactFromBytes(argv.buf, argv.starts[2] as number, argv.ends[2] as number, ctx.ks.initialWord());
  db.set(key, value, (flags & SET_KEEPTTL) !== 0 || expireAt >= 0);
  ctx.dirty++;
  db.notify(NOTIFY.STRING, 'set', key);
  if (expireAt >= 0) {
    db.setExpire(key, expireAt);
    db.notify(NOTIFY.GENERIC, 'expire', key);
  }
  if (flags & SET_GET) {
    if (old === undefined) ctx.reply.nullBulk();
    else replyString(ctx, old as StringValue);
  } else {
    ctx.reply.ok();
  }
}
