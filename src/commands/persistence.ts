/**
 * SAVE, BGSAVE [SCHEDULE], LASTSAVE: RDB snapshots on demand. The work is src/persistence's
 * (through ServerServices.persistence); these handlers parse and reply.
 */
import type { Argv } from '../protocol/argv.js';
import { ERR } from './errors.js';
import type { CommandContext, CommandSpec } from './spec.js';

export const persistenceCommands = [
  {
    name: 'save', arity: 1, flags: ['admin', 'noscript', 'no_async_loading', 'no_multi'], group: 'server', since: '1.0.0',
    summary: 'Write the dataset to the RDB file now, blocking until done',
    complexity: 'O(N) where N is the total number of keys in all databases',
    run: save,
  },
  {
    name: 'bgsave', arity: -1, flags: ['admin', 'noscript', 'no_async_loading'], group: 'server', since: '1.0.0',
    summary: 'Write the dataset to the RDB file in the background while serving', complexity: 'O(1)',
    args: [{ name: 'schedule', type: 'pure-token', token: 'SCHEDULE', since: '3.2.2', optional: true }],
    run: bgsave,
  },
  {
    name: 'lastsave', arity: 1, flags: ['loading', 'stale', 'fast'], acl: ['admin', 'dangerous'], group: 'server', since: '1.0.0',
    summary: 'Unix time of the last successful save to disk', complexity: 'O(1)',
    tips: ['nondeterministic_output'],
    run: (ctx: CommandContext) => ctx.reply.integer(ctx.server.persistence.lastSave),
  },
] as const satisfies readonly CommandSpec[];

/** SAVE */
function save(ctx: CommandContext): void {
  const err = ctx.server.persistence.save();
  if (err !== null) ctx.reply.error(err);
  else ctx.reply.ok();
}

/** BGSAVE [SCHEDULE] */
function bgsave(ctx: CommandContext, argv: Argv): void {
  let schedule = false;
  if (argv.argc > 1) {
    if (argv.argc === 2 && argv.is(1, 'SCHEDULE')) schedule = true;
    else return void ctx.reply.error(ERR.syntax);
  }
  // Inside MULTI/EXEC a BGSAVE is scheduled rather than started, as in Redis.
  const r = ctx.server.persistence.bgsave(schedule, !ctx.canBlock);
  if ('error' in r) ctx.reply.error(r.error);
  else ctx.reply.simple(r.status);
}
