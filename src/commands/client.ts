/**
 * CLIENT and its subcommands.
 */
import type { Argv } from '../protocol/argv.js';
import { ERR } from './errors.js';
import type { CommandContext, CommandSpec } from './spec.js';

/** Redis: names may not contain spaces, newlines or other characters outside '!'..'~'. */
export function isValidClientName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

const sub = {
  group: 'connection' as const,
  acl: ['connection'] as const,
};

export const clientCommands = [
  {
    name: 'client', arity: -2, flags: [], group: 'connection', since: '2.4.0', summary: 'A container for client connection commands',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        ...sub, name: 'id', arity: 2, flags: ['noscript', 'loading', 'stale'], since: '5.0.0', summary: 'Return the ID of the connection', complexity: 'O(1)',
        run: (ctx: CommandContext) => ctx.reply.integer(ctx.client.id),
      },
      {
        ...sub, name: 'getname', arity: 2, flags: ['noscript', 'loading', 'stale'], since: '2.6.9', summary: 'Return the name of the connection', complexity: 'O(1)',
        run: (ctx: CommandContext) => (ctx.client.name === '' ? ctx.reply.nullBulk() : ctx.reply.bulk(ctx.client.name)),
      },
      {
        ...sub, name: 'setname', arity: 3, flags: ['noscript', 'loading', 'stale'], since: '2.6.9', summary: 'Set the name of the connection', complexity: 'O(1)',
        args: [{ name: 'connection-name', type: 'string' }],
        run: (ctx: CommandContext, argv: Argv) => {
          const name = argv.str(2);
          if (!isValidClientName(name)) {
            ctx.reply.error(ERR.clientNameSpaces);
            return;
          }
          ctx.client.name = name;
          ctx.reply.ok();
        },
      },
    ],
  },
] as const satisfies readonly CommandSpec[];
