/**
 * OBJECT ENCODING | FREQ | IDLETIME | REFCOUNT | HELP: introspection of a key's value.
 *
 * OBJECT reads with Redis's LOOKUP_NOTOUCH | LOOKUP_NONOTIFY: it reclaims an expired key and
 * counts a keyspace hit or miss, but never changes the LRU/LFU word it reports on and fires no
 * 'keymiss'. FREQ needs an LFU maxmemory-policy and IDLETIME a non-LFU one, as in Redis.
 *
 * REFCOUNT: Redis shares one object per integer 0..9999 (OBJ_SHARED_INTEGERS) unless maxmemory
 * is set with an LRU/LFU policy, and reports such objects with refcount INT_MAX; every other
 * value has its own object (refcount 1). Compact strings are immutable values, so whether a
 * string would be shared is decided from its content and the current configuration.
 */
import type { Argv } from '../protocol/argv.js';
import { LOOKUP } from '../keyspace/database.js';
import { idleMs, lfuDecrAndReturn } from '../keyspace/lru.js';
import { compactEncoding, valueLru } from '../values/string.js';
import { META_CHARS, type RedisValue } from '../values/types.js';
import { ERR } from './errors.js';
import type { CommandContext, CommandSpec, KeySpec } from './spec.js';

const key2: KeySpec[] = [{ flags: ['RO'], begin_search: { index: 2 }, find_keys: { lastkey: 0, keystep: 1, limit: 0 } }];
const keyArg = [{ name: 'key', type: 'key', key_spec_index: 0 }] as const;
const sub = {
  arity: 3, flags: ['readonly'], acl: ['keyspace'], keys: [2, 2, 1], keySpecs: key2, group: 'generic', complexity: 'O(1)',
  tips: ['nondeterministic_output'], args: keyArg,
} as const;

export const objectCommands = [
  {
    name: 'object', arity: -2, flags: [], group: 'generic', since: '2.2.3', summary: 'A container for value introspection commands',
    complexity: 'Depends on subcommand.',
    subcommands: [
      { ...sub, name: 'encoding', since: '2.2.3', summary: 'Return the internal representation of the value of a key', run: encoding },
      { ...sub, name: 'freq', since: '4.0.0', summary: 'Return the logarithmic access-frequency counter of the value of a key', run: freq },
      { ...sub, name: 'idletime', since: '2.2.3', summary: 'Return the seconds since the value of a key was last accessed', run: idletime },
      { ...sub, name: 'refcount', since: '2.2.3', summary: 'Return how many references the value of a key has', run: refcount },
      {
        name: 'help', arity: 2, flags: ['loading', 'stale'], acl: ['keyspace'], group: 'generic', since: '6.2.0',
        summary: 'Describe the OBJECT subcommands', complexity: 'O(1)', run: help,
      },
    ],
  },
] as const satisfies readonly CommandSpec[];

/** Redis's OBJ_SHARED_REFCOUNT. */
const SHARED_REFCOUNT = 2147483647;
const SHARED_INTEGERS = 10000;

/** Whether Redis would keep this value as one of its shared integer objects right now. */
export function isSharedInteger(ctx: CommandContext, v: RedisValue): boolean {
  if (typeof v !== 'string' || v.length - META_CHARS > 4 || compactEncoding(v) !== 'int') return false;
  const n = Number(v.slice(0, v.length - META_CHARS));
  if (n < 0 || n >= SHARED_INTEGERS) return false;
  if (ctx.server.config.get('maxmemory') === '0') return true;
  const policy = ctx.server.config.get('maxmemory-policy');
  return !policy.endsWith('-lru') && !policy.endsWith('-lfu');
}

export function objectRefcount(ctx: CommandContext, v: RedisValue): number {
  return isSharedInteger(ctx, v) ? SHARED_REFCOUNT : 1;
}

/** The value for OBJECT's subcommands, or undefined after replying null. */
function lookup(ctx: CommandContext, argv: Argv): RedisValue | undefined {
  const v = ctx.db.lookupReadFlags(argv.str(2), LOOKUP.NOTOUCH | LOOKUP.NONOTIFY);
  if (v === undefined) ctx.reply.nullBulk();
  return v;
}

/** OBJECT ENCODING key */
function encoding(ctx: CommandContext, argv: Argv): void {
  const v = lookup(ctx, argv);
  if (v !== undefined) ctx.reply.bulk(typeof v === 'string' ? compactEncoding(v) : v.encoding());
}

/** OBJECT REFCOUNT key */
function refcount(ctx: CommandContext, argv: Argv): void {
  const v = lookup(ctx, argv);
  if (v !== undefined) ctx.reply.integer(objectRefcount(ctx, v));
}

/** OBJECT IDLETIME key */
function idletime(ctx: CommandContext, argv: Argv): void {
  const v = lookup(ctx, argv);
  if (v === undefined) return;
  if (ctx.ks.evictionKind === 'lfu') {
    ctx.reply.error(ERR.objectIdleLfu);
    return;
  }
  ctx.reply.integer(Math.floor(idleMs(valueLru(v), ctx.ks.now) / 1000));
}

/** OBJECT FREQ key */
function freq(ctx: CommandContext, argv: Argv): void {
  const v = lookup(ctx, argv);
  if (v === undefined) return;
  if (ctx.ks.evictionKind !== 'lfu') {
    ctx.reply.error(ERR.objectFreqNoLfu);
    return;
  }
  // Decay first: the word is only refreshed on access, so an idle key's stored counter is stale.
  ctx.reply.integer(lfuDecrAndReturn(valueLru(v), ctx.ks.now, ctx.ks.lfuDecayTime));
}

/** Lines after Redis's "<CMD> <subcommand> ..." header; HELP's own entry is appended. */
const HELP_LINES = [
  'ENCODING <key>',
  '    Name the internal representation of the value stored at <key>.',
  'FREQ <key>',
  '    The logarithmic access-frequency counter of <key> (LFU policies only).',
  'IDLETIME <key>',
  '    Seconds since <key> was last read or written (non-LFU policies only).',
  'REFCOUNT <key>',
  '    How many references the value stored at <key> has.',
];

/** The reply of a HELP subcommand: an array of status lines framed like Redis's addReplyHelp. */
export function replyHelp(ctx: CommandContext, command: string, lines: readonly string[]): void {
  ctx.reply.arrayHeader(lines.length + 3);
  ctx.reply.simple(`${command} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`);
  for (const l of lines) ctx.reply.simple(l);
  ctx.reply.simple('HELP');
  ctx.reply.simple('    Prints this help.');
}

/** OBJECT HELP */
function help(ctx: CommandContext): void {
  replyHelp(ctx, 'OBJECT', HELP_LINES);
}
