/**
 * MULTI EXEC DISCARD WATCH UNWATCH. The queueing itself happens in the dispatcher (a client
 * in MULTI has its commands queued after the gates pass, and any rejection flags the
 * transaction); these handlers drive the state through ctx.tx, implemented by the server.
 */
import type { Argv } from '../protocol/argv.js';
import type { CommandContext, CommandSpec } from './spec.js';

const control = ['noscript', 'loading', 'stale', 'fast', 'allow_busy'] as const;

export const transactionCommands = [
  {
    name: 'multi', arity: 1, flags: control, acl: ['transaction'], group: 'transactions', since: '1.2.0',
    summary: 'Start a transaction', complexity: 'O(1)',
    run: (ctx: CommandContext) => {
      const err = ctx.tx.begin();
      if (err !== null) ctx.reply.error(err);
      else ctx.reply.ok();
    },
  },
  {
    name: 'exec', arity: 1, flags: ['noscript', 'loading', 'stale', 'skip_slowlog'], acl: ['transaction'], group: 'transactions',
    since: '1.2.0', summary: 'Run every command queued since MULTI', complexity: 'Depends on commands in the transaction',
    // EXEC itself is never propagated: the commands it ran are (in MULTI/EXEC when several).
    run: (ctx: CommandContext) => {
      ctx.tx.exec();
      ctx.preventPropagation();
    },
  },
  {
    name: 'discard', arity: 1, flags: control, acl: ['transaction'], group: 'transactions', since: '2.0.0',
    summary: 'Drop every command queued since MULTI', complexity: 'O(N), when N is the number of queued commands',
    run: (ctx: CommandContext) => {
      const err = ctx.tx.discard();
      if (err !== null) ctx.reply.error(err);
      else ctx.reply.ok();
    },
  },
  {
    name: 'watch', arity: -2, flags: control, acl: ['transaction'], keys: [1, -1, 1], group: 'transactions', since: '2.2.0',
    keySpecs: [{ flags: ['RO'], begin_search: { index: 1 }, find_keys: { lastkey: -1, keystep: 1, limit: 0 } }],
    summary: 'Make the next EXEC fail if any of these keys changes', complexity: 'O(1) for every key',
    args: [{ name: 'key', type: 'key', key_spec_index: 0, multiple: true }],
    run: (ctx: CommandContext, argv: Argv) => {
      const keys: string[] = [];
      for (let i = 1; i < argv.argc; i++) keys.push(argv.str(i));
      const err = ctx.tx.watch(keys);
      if (err !== null) ctx.reply.error(err);
      else ctx.reply.ok();
    },
  },
  {
    name: 'unwatch', arity: 1, flags: control, acl: ['transaction'], group: 'transactions', since: '2.2.0',
    summary: 'Forget every WATCHed key', complexity: 'O(1)',
    run: (ctx: CommandContext) => {
      ctx.tx.unwatch();
      ctx.reply.ok();
    },
  },
] as const satisfies readonly CommandSpec[];
