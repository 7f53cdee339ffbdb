/**
 * Scripting commands: EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT. The work is done by the
 * scripting subsystem (src/scripting) through ServerServices.scripting; these handlers only
 * parse what is theirs to parse.
 */
import type { Argv } from '../protocol/argv.js';
import type { ArgDoc, CommandContext, CommandSpec, KeySpec } from './spec.js';
import { replyHelp } from './object.js';
import { SCRIPT_ERR } from './errors.js';

const evalFlags = ['noscript', 'stale', 'skip_monitor', 'no_mandatory_keys', 'movablekeys'] as const;
const evalRoFlags = ['readonly', 'noscript', 'stale', 'skip_monitor', 'no_mandatory_keys', 'movablekeys'] as const;
const keyRange = { index: 2 } as const;
const keyCount = { keynumidx: 0, firstkey: 1, keystep: 1 } as const;
const rwKeys: readonly KeySpec[] = [{ flags: ['RW', 'access', 'update'], begin_search: keyRange, find_keys: keyCount }];
const roKeys: readonly KeySpec[] = [{ flags: ['RO', 'access'], begin_search: keyRange, find_keys: keyCount }];
// EVAL and EVAL_RO carry Redis 7.0's note on their key spec (EVALSHA's have none).
const evalRwKeys: readonly KeySpec[] = [{ notes: 'We cannot tell how the keys will be used so we assume the worst, RW and UPDATE', ...(rwKeys[0] as KeySpec) }];
const evalRoKeys: readonly KeySpec[] = [{ notes: 'We cannot tell how the keys will be used so we assume the worst, RO and ACCESS', ...(roKeys[0] as KeySpec) }];

function evalArgs(first: string): readonly ArgDoc[] {
  return [
    { name: first, type: 'string' },
    { name: 'numkeys', type: 'integer' },
    { name: 'key', type: 'key', key_spec_index: 0, optional: true, multiple: true },
    { name: 'arg', type: 'string', optional: true, multiple: true },
  ];
}

/** Keys of EVAL-like commands: numkeys names after argv[2] (none when numkeys is invalid). */
function evalKeyPositions(argv: Argv): number[] {
  const n = argv.safeInt(2);
  if (n === null || n < 0 || n > argv.argc - 3) return [];
  const keys: number[] = [];
  for (let i = 0; i < n; i++) keys.push(3 + i);
  return keys;
}

const runAs = 'Depends on the script that is executed.';

const HELP_LINES = [
  'DEBUG (YES|SYNC|NO)',
  '    Choose the debug mode of the scripts that follow (the debugger is not available here).',
  'EXISTS <sha1> [<sha1> ...]',
  '    For each SHA1, 1 if the script cache holds that script, else 0.',
  'FLUSH [ASYNC|SYNC]',
  '    Empty the script cache (and start a fresh Lua environment).',
  'KILL',
  '    Stop the script that is running, if it has not written anything yet.',
  'LOAD <script>',
  '    Add a script to the cache without running it; replies its SHA1.',
];

const sub = { group: 'scripting', acl: ['scripting'] } as const;

export const scriptingCommands: readonly CommandSpec[] = [
  {
    name: 'eval', arity: -3, flags: evalFlags, acl: ['scripting'], keys: [0, 0, 0], keySpecs: evalRwKeys, group: 'scripting',
    since: '2.6.0', summary: 'Run a Lua script on the server', complexity: runAs, args: evalArgs('script'),
    getKeys: evalKeyPositions, run: (ctx, argv) => ctx.server.scripting.eval(ctx, argv, false, false),
  },
  {
    name: 'evalsha', arity: -3, flags: evalFlags, acl: ['scripting'], keys: [0, 0, 0], keySpecs: rwKeys, group: 'scripting',
    since: '2.6.0', summary: 'Run a cached Lua script, named by its SHA1', complexity: runAs, args: evalArgs('sha1'),
    getKeys: evalKeyPositions, run: (ctx, argv) => ctx.server.scripting.eval(ctx, argv, true, false),
  },
  {
    name: 'eval_ro', arity: -3, flags: evalRoFlags, acl: ['scripting'], keys: [0, 0, 0], keySpecs: evalRoKeys, group: 'scripting',
    since: '7.0.0', summary: 'Run a Lua script that may only read', complexity: runAs, args: evalArgs('script'),
    getKeys: evalKeyPositions, run: (ctx, argv) => ctx.server.scripting.eval(ctx, argv, false, true),
  },
  {
    name: 'evalsha_ro', arity: -3, flags: evalRoFlags, acl: ['scripting'], keys: [0, 0, 0], keySpecs: roKeys, group: 'scripting',
    since: '7.0.0', summary: 'Run a cached Lua script that may only read, named by its SHA1', complexity: runAs,
    args: evalArgs('sha1'), getKeys: evalKeyPositions, run: (ctx, argv) => ctx.server.scripting.eval(ctx, argv, true, true),
  },
  {
    name: 'script', arity: -2, flags: [], group: 'scripting', since: '2.6.0', summary: 'A container for script cache commands',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        ...sub, name: 'debug', arity: 3, flags: ['noscript'], since: '3.2.0', summary: 'Choose the debug mode of later scripts',
        complexity: 'O(1)', run: scriptDebug,
        args: [{ name: 'mode', type: 'oneof', arguments: [
          { name: 'yes', type: 'pure-token', token: 'YES' },
          { name: 'sync', type: 'pure-token', token: 'SYNC' },
          { name: 'no', type: 'pure-token', token: 'NO' },
        ] }],
      },
      {
        ...sub, name: 'exists', arity: -3, flags: ['noscript'], since: '2.6.0', summary: 'Tell which scripts the cache holds',
        complexity: 'O(N) for N SHA1s', tips: ['request_policy:all_shards', 'response_policy:agg_logical_and'],
        args: [{ name: 'sha1', type: 'string', multiple: true }], run: scriptExists,
      },
      {
        ...sub, name: 'flush', arity: -2, flags: ['noscript'], since: '2.6.0', summary: 'Empty the script cache',
        complexity: 'O(N) for N cached scripts', tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        args: [{ name: 'async', type: 'oneof', since: '6.2.0', optional: true, arguments: [
          { name: 'async', type: 'pure-token', token: 'ASYNC' },
          { name: 'sync', type: 'pure-token', token: 'SYNC' },
        ] }],
        run: scriptFlush,
      },
      {
        ...sub, name: 'help', arity: 2, flags: ['loading', 'stale'], since: '5.0.0', summary: 'Describe the SCRIPT subcommands',
        complexity: 'O(1)', run: (ctx) => replyHelp(ctx, 'SCRIPT', HELP_LINES),
      },
      {
        ...sub, name: 'kill', arity: 2, flags: ['noscript', 'allow_busy'], since: '2.6.0', summary: 'Stop the running script',
        complexity: 'O(1)', tips: ['request_policy:all_shards', 'response_policy:one_succeeded'], run: scriptKill,
      },
      {
        ...sub, name: 'load', arity: 3, flags: ['noscript', 'stale'], since: '2.6.0', summary: 'Add a script to the script cache',
        complexity: 'O(N) for a body of N bytes', tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'],
        args: [{ name: 'script', type: 'string' }], run: (ctx, argv) => ctx.server.scripting.load(ctx, argv.bytes(2)),
      },
    ],
  },
];

/** SCRIPT EXISTS sha1 [sha1 ...] */
function scriptExists(ctx: CommandContext, argv: Argv): void {
  const s = ctx.server.scripting;
  ctx.reply.arrayHeader(argv.argc - 2);
  for (let i = 2; i < argv.argc; i++) ctx.reply.integer(s.exists(argv.str(i)) ? 1 : 0);
}

/** SCRIPT FLUSH [ASYNC|SYNC] */
function scriptFlush(ctx: CommandContext, argv: Argv): void {
  if (argv.argc > 3 || (argv.argc === 3 && !argv.is(2, 'SYNC') && !argv.is(2, 'ASYNC'))) {
    ctx.reply.error(SCRIPT_ERR.flushOption);
    return;
  }
  ctx.server.scripting.flush();
  ctx.reply.ok();
}

/** SCRIPT KILL: stop the busy EVAL script (unless it has written). */
function scriptKill(ctx: CommandContext): void {
  ctx.server.scripting.kill(ctx, true);
}

/** SCRIPT DEBUG YES|SYNC|NO: there is no Lua debugger; NO is accepted, the others refused. */
function scriptDebug(ctx: CommandContext, argv: Argv): void {
  if (argv.is(2, 'NO')) ctx.reply.ok();
  else if (argv.is(2, 'YES') || argv.is(2, 'SYNC')) ctx.reply.error(SCRIPT_ERR.debugUnsupported);
  else ctx.reply.error(SCRIPT_ERR.debugMode);
}
