/**
 * CONFIG GET | SET | RESETSTAT | REWRITE | HELP: the configuration table at run time.
 *
 * The table, its validation and its GET/SET semantics live in src/config (reached through
 * ctx.server.config, rewrite.ts for CONFIG REWRITE); this module only parses arguments and
 * replies.
 */
import type { Argv } from '../protocol/argv.js';
import { ERR } from './errors.js';
import { replyHelp } from './client.js';
import type { CommandContext, CommandSpec } from './spec.js';

const sub = { flags: ['admin', 'noscript', 'loading', 'stale'], group: 'server' } as const;

export const configCommands = [
  {
    name: 'config', arity: -2, flags: [], group: 'server', since: '2.0.0', summary: 'A container for configuration commands',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        ...sub, name: 'get', arity: -3, since: '2.0.0', summary: 'Return the values of the directives matching patterns',
        complexity: 'O(N) when N is the number of configuration parameters provided',
        args: [{ name: 'parameter', type: 'block', multiple: true, arguments: [{ name: 'parameter', type: 'string' }] }],
        run: configGet,
      },
      {
        ...sub, name: 'set', arity: -4, since: '2.0.0', summary: 'Change directives at run time, all or none',
        complexity: 'O(N) when N is the number of configuration parameters provided',
        tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        args: [
          {
            name: 'parameter_value', type: 'block', multiple: true,
            arguments: [{ name: 'parameter', type: 'string' }, { name: 'value', type: 'string' }],
          },
        ],
        run: configSet,
      },
      {
        ...sub, name: 'rewrite', arity: 2, since: '2.8.0', summary: 'Write the running configuration into the configuration file',
        complexity: 'O(1)', run: configRewrite,
      },
      {
        ...sub, name: 'resetstat', arity: 2, since: '2.0.0', summary: 'Zero the statistics INFO reports',
        complexity: 'O(1)', run: configResetStat,
      },
      {
        name: 'help', arity: 2, flags: ['loading', 'stale'], group: 'server', since: '5.0.0', summary: 'Describe the CONFIG subcommands',
        complexity: 'O(1)', run: (ctx: CommandContext) => replyHelp(ctx, 'CONFIG', CONFIG_HELP),
      },
    ],
  },
] as const satisfies readonly CommandSpec[];

const CONFIG_HELP = [
  'GET <pattern>',
  '    Return parameters matching the glob-like <pattern> and their values.',
  'SET <directive> <value>',
  '    Set the configuration <directive> to <value>.',
  'RESETSTAT',
  '    Reset statistics reported by the INFO command.',
  'REWRITE',
  '    Rewrite the configuration file.',
];

/** CONFIG GET parameter [parameter ...] */
function configGet(ctx: CommandContext, argv: Argv): void {
  const patterns: string[] = [];
  for (let i = 2; i < argv.argc; i++) patterns.push(argv.str(i));
  const pairs = ctx.server.config.matching(patterns);
  const r = ctx.reply;
  r.mapHeader(pairs.length);
  for (const [name, value] of pairs) {
    r.bulk(name);
    r.bulk(value);
  }
}

/** CONFIG SET parameter value [parameter value ...] */
function configSet(ctx: CommandContext, argv: Argv): void {
  if (argv.argc % 2 !== 0) {
    ctx.reply.error(ERR.syntax);
    return;
  }
  const pairs: [string, string][] = [];
  for (let i = 2; i + 1 < argv.argc; i += 2) pairs.push([argv.str(i), argv.str(i + 1)]);
  const err = ctx.server.config.set(pairs, { isLocalClient: () => isLocalClient(ctx) });
  if (err === null) ctx.reply.ok();
  else ctx.reply.error(err);
}

/** CONFIG REWRITE */
function configRewrite(ctx: CommandContext): void {
  const err = ctx.server.config.rewrite ? ctx.server.config.rewrite(false) : 'ERR The server is running without a config file';
  if (err === null) ctx.reply.ok();
  else ctx.reply.error(err);
}

/** CONFIG RESETSTAT */
function configResetStat(ctx: CommandContext): void {
  ctx.server.resetStats();
  ctx.reply.ok();
}

/** Redis's islocalClient: a unix socket or a loopback address (enable-protected-configs local). */
function isLocalClient(ctx: CommandContext): boolean {
  const line = ctx.server.clients.info(ctx.client, 0);
  const m = / addr=(\S*)/.exec(` ${line}`);
  if (!m) return false;
  const addr = m[1] as string;
  if (addr.startsWith('/')) return true;
  const host = addr.slice(0, addr.lastIndexOf(':')).replace(/^\[|\]$/g, '');
  return host === '::1' || host.startsWith('127.') || host.startsWith('::ffff:127.');
}
