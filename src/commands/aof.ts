/**
 * BGREWRITEAOF: rewrite the append-only file in the background. The work is the AOF's
 * (src/persistence/aof.ts, through ServerServices.aof); the handler only replies.
 */
import type { CommandContext, CommandSpec } from './spec.js';

export const aofCommands = [
  {
    name: 'bgrewriteaof', arity: 1, flags: ['admin', 'noscript', 'no_async_loading'], group: 'server', since: '1.0.0',
    summary: 'Rewrite the append-only file in the background, as a compact snapshot plus new writes',
    complexity: 'O(1)',
    run: bgrewriteaof,
  },
] as const satisfies readonly CommandSpec[];

/** BGREWRITEAOF */
function bgrewriteaof(ctx: CommandContext): void {
  // Inside MULTI/EXEC the rewrite is scheduled rather than started, as in Redis.
  const r = ctx.server.aof.bgrewriteaof(!ctx.canBlock);
  if ('error' in r) ctx.reply.error(r.error);
  else ctx.reply.simple(r.status);
}
