/**
 * Blocking list commands: BLPOP BRPOP BRPOPLPUSH BLMOVE BLMPOP.
 *
 * Each first tries what its non-blocking form does; with nothing to serve it blocks (or, when
 * it cannot block — inside MULTI or a script — answers as a timeout at once, as Redis does).
 * When a key it waits on is touched, serve() re-runs the same helper from list.ts.
 * Replies match Redis 7.0, including its quirks: a timed-out BRPOPLPUSH/BLMOVE answers a null
 * *array* (*-1) while the same command inside MULTI answers a null bulk ($-1).
 */
import type { Argv } from '../protocol/argv.js';
import { RedisList } from '../values/list.js';
import { ERR } from './errors.js';
import { afterPop, getList, moveOne, mpop, numkeysKeys, parseMpop } from './list.js';
import type { CommandContext, CommandSpec, KeySpec } from './spec.js';
import { parseBlockingTimeout } from './timeout.js';

const whereArg = (name: string) =>
  ({ name, type: 'oneof', arguments: [{ name: 'left', type: 'pure-token', token: 'LEFT' }, { name: 'right', type: 'pure-token', token: 'RIGHT' }] }) as const;
const lastButOne: KeySpec[] = [{ flags: ['RW', 'access', 'delete'], begin_search: { index: 1 }, find_keys: { lastkey: -2, keystep: 1, limit: 0 } }];
const srcDst: KeySpec[] = [
  { flags: ['RW', 'access', 'delete'], begin_search: { index: 1 }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } },
  { flags: ['RW', 'insert'], begin_search: { index: 2 }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } },
];

export const listBlockingCommands = [
  {
    name: 'blpop', arity: -3, flags: ['write', 'noscript', 'blocking'], acl: ['list'], keys: [1, -2, 1], keySpecs: lastButOne,
    group: 'list', since: '2.0.0', summary: 'Pop the first element of the first non-empty list, blocking until one is available',
    complexity: 'O(N) where N is the number of provided keys',
    args: [{ name: 'key', type: 'key', key_spec_index: 0, multiple: true }, { name: 'timeout', type: 'double' }],
    run: (c, a) => bpop(c, a, true),
  },
  {
    name: 'brpop', arity: -3, flags: ['write', 'noscript', 'blocking'], acl: ['list'], keys: [1, -2, 1], keySpecs: lastButOne,
    group: 'list', since: '2.0.0', summary: 'Pop the last element of the first non-empty list, blocking until one is available',
    complexity: 'O(N) where N is the number of provided keys',
    args: [{ name: 'key', type: 'key', key_spec_index: 0, multiple: true }, { name: 'timeout', type: 'double' }],
    run: (c, a) => bpop(c, a, false),
  },
  {
    name: 'brpoplpush', arity: 4, flags: ['write', 'denyoom', 'noscript', 'blocking'], acl: ['list'], keys: [1, 2, 1], keySpecs: srcDst,
    group: 'list', since: '2.2.0', summary: 'Pop from the tail of a list and push to another, blocking until an element is available',
    complexity: 'O(1)', docFlags: ['deprecated'],
    args: [{ name: 'source', type: 'key', key_spec_index: 0 }, { name: 'destination', type: 'key', key_spec_index: 1 }, { name: 'timeout', type: 'double' }],
    run: (c, a) => bmove(c, a, false, true, 3),
  },
  {
    name: 'blmove', arity: 6, flags: ['write', 'denyoom', 'noscript', 'blocking'], acl: ['list'], keys: [1, 2, 1], keySpecs: srcDst,
    group: 'list', since: '6.2.0', summary: 'Pop from one list and push to another, blocking until an element is available', complexity: 'O(1)',
    args: [
      { name: 'source', type: 'key', key_spec_index: 0 },
      { name: 'destination', type: 'key', key_spec_index: 1 },
      whereArg('wherefrom'),
      whereArg('whereto'),
      { name: 'timeout', type: 'double' },
    ],
    run: (c, a) => {
      const from = a.is(3, 'LEFT') ? true : a.is(3, 'RIGHT') ? false : null;
      const to = a.is(4, 'LEFT') ? true : a.is(4, 'RIGHT') ? false : null;
      if (from === null || to === null) {
        c.reply.error(ERR.syntax);
        return;
      }
      bmove(c, a, from, to, 5);
    },
  },
  {
    name: 'blmpop', arity: -5, flags: ['write', 'blocking', 'movablekeys'], acl: ['list'], group: 'list', since: '7.0.0',
    keySpecs: [{ flags: ['RW', 'access', 'delete'], begin_search: { index: 2 }, find_keys: { keynumidx: 0, firstkey: 1, keystep: 1 } }],
    summary: 'Pop elements from the first non-empty list among several, blocking until one is available',
    complexity: 'O(N+M)',
    args: [
      { name: 'timeout', type: 'double' },
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', key_spec_index: 0, multiple: true },
      whereArg('where'),
      { name: 'count', type: 'integer', token: 'COUNT', optional: true },
    ],
    getKeys: (argv) => numkeysKeys(argv, 2),
    run: blmpop,
  },
] as const satisfies readonly CommandSpec[];

/** Pop one element from key for a BLPOP/BRPOP client and reply [key, element]. */
function popFor(ctx: CommandContext, key: string, head: boolean): boolean | null {
  const db = ctx.db;
  const list = getList(ctx, db, key);
  if (list === null) return null;
  if (list === undefined || list.length === 0) return false;
  ctx.reply.arrayHeader(2);
  ctx.reply.bulk(key);
  ctx.reply.bulk((head ? list.popHead() : list.popTail()) as string);
  ctx.dirty++;
  afterPop(db, key, list, head ? 'lpop' : 'rpop');
  // Propagated as the non-blocking pop, served now or later.
  ctx.rewriteArgv([head ? 'LPOP' : 'RPOP', key]);
  return true;
}

/** BLPOP/BRPOP key [key ...] timeout */
function bpop(ctx: CommandContext, argv: Argv, head: boolean): void {
  const deadline = parseBlockingTimeout(ctx, argv, argv.argc - 1);
  if (deadline === null) return;
  const keys: string[] = [];
  for (let i = 1; i < argv.argc - 1; i++) keys.push(argv.str(i));
  for (const key of keys) {
    const r = popFor(ctx, key, head);
    if (r !== false) return; // served, or WRONGTYPE replied
  }
  if (!ctx.canBlock) {
    ctx.reply.nullArray();
    return;
  }
  ctx.block({
    keys,
    deadline,
    // Once blocked, a key that became another type keeps the client waiting (Redis 7.0).
    serve: (key) => isList(ctx, key) && popFor(ctx, key, head) === true,
    timeout: () => ctx.reply.nullArray(),
  });
}

function isList(ctx: CommandContext, key: string): boolean {
  const v = ctx.db.lookupWrite(key);
  return v !== undefined && typeof v !== 'string' && v.type === 'list' && (v as RedisList).length > 0;
}

/** BRPOPLPUSH / BLMOVE: timeout at argv[ti]. */
function bmove(ctx: CommandContext, argv: Argv, fromHead: boolean, toHead: boolean, ti: number): void {
  const deadline = parseBlockingTimeout(ctx, argv, ti);
  if (deadline === null) return;
  const src = argv.str(1);
  const dst = argv.str(2);
  // Propagated as the non-blocking move (RPOPLPUSH, or LMOVE with the directions given).
  const prop = ti === 3 ? ['RPOPLPUSH', src, dst] : ['LMOVE', src, dst, argv.str(3), argv.str(4)];
  ctx.rewriteArgv(prop);
  const r = moveOne(ctx, ctx.db, src, dst, fromHead, toHead);
  if (r !== undefined) return;
  if (!ctx.canBlock) {
    ctx.reply.nullBulk();
    return;
  }
  ctx.block({
    keys: [src],
    deadline,
    // A wrong-typed destination at wake-up answers WRONGTYPE and ends the wait, as in Redis.
    serve: (key) => {
      if (!isList(ctx, key)) return false;
      ctx.rewriteArgv(prop);
      return moveOne(ctx, ctx.db, src, dst, fromHead, toHead) !== undefined;
    },
    timeout: () => ctx.reply.nullArray(),
  });
}

/** BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count] */
function blmpop(ctx: CommandContext, argv: Argv): void {
  const deadline = parseBlockingTimeout(ctx, argv, 1);
  if (deadline === null) return;
  const p = parseMpop(ctx, argv, 2);
  if (p === null) return;
  if (mpop(ctx, p.keys, p.head, p.count)) return;
  if (!ctx.canBlock) {
    ctx.reply.nullArray();
    return;
  }
  ctx.block({
    keys: p.keys,
    deadline,
    serve: (key) => isList(ctx, key) && mpop(ctx, [key], p.head, p.count),
    timeout: () => ctx.reply.nullArray(),
  });
}
