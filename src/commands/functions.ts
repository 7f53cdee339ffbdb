/**
 * Functions: FCALL, FCALL_RO and FUNCTION (LOAD DELETE FLUSH LIST DUMP RESTORE STATS KILL HELP),
 * as Redis 7.0. The libraries live in the scripting subsystem (src/scripting/functions.ts),
 * reached through ServerServices.scripting; DUMP and RESTORE payloads are made by the server,
 * which has the RDB encoding. These handlers parse what is theirs to parse.
 */
import type { Argv } from '../protocol/argv.js';
import { globMatch } from '../util/glob.js';
import type { CommandContext, CommandSpec, KeySpec } from './spec.js';
import { replyHelp } from './object.js';
import { functionListUnknownArgument, functionLoadUnknownOption, SCRIPT_ERR, unknownSubcommandOrArity } from './errors.js';

const fcallFlags = ['noscript', 'stale', 'skip_monitor', 'no_mandatory_keys', 'movablekeys'] as const;
const fcallRoFlags = ['readonly', 'noscript', 'stale', 'skip_monitor', 'no_mandatory_keys', 'movablekeys'] as const;
const keyRange = { index: 2 } as const;
const keyCount = { keynumidx: 0, firstkey: 1, keystep: 1 } as const;
const rwKeys: readonly KeySpec[] = [
  {
    notes: 'We cannot tell how the keys will be used so we assume the worst, RW and UPDATE',
    flags: ['RW', 'access', 'update'],
    begin_search: keyRange,
    find_keys: keyCount,
  },
];
const roKeys: readonly KeySpec[] = [
  { notes: 'We cannot tell how the keys will be used so we assume the worst, RO and ACCESS', flags: ['RO', 'access'], begin_search: keyRange, find_keys: keyCount },
];
const fcallArgs = [
  { name: 'function', type: 'string' },
  { name: 'numkeys', type: 'integer' },
  { name: 'key', type: 'key', key_spec_index: 0, optional: true, multiple: true },
  { name: 'arg', type: 'string', optional: true, multiple: true },
] as const;

/** Keys of FCALL-like commands: numkeys names after argv[2] (none when numkeys is invalid). */
function fcallKeyPositions(argv: Argv): number[] {
  const n = argv.safeInt(2);
  if (n === null || n < 0 || n > argv.argc - 3) return [];
  const keys: number[] = [];
  for (let i = 0; i < n; i++) keys.push(3 + i);
  return keys;
}

const HELP_LINES = [
  'LOAD [REPLACE] <FUNCTION CODE>',
  '    Load a library from its code ("#!lua name=<library>" first); REPLACE overwrites a library of that name.',
  'DELETE <LIBRARY NAME>',
  '    Remove a library and its functions.',
  'LIST [LIBRARYNAME PATTERN] [WITHCODE]',
  '    Describe the libraries (name, engine, functions, and with WITHCODE their code),',
  '    only those whose name matches PATTERN when it is given.',
  'STATS',
  '    The function running now (name, command, duration in ms) or nil, and the engines',
  '    with their library and function counts.',
  'KILL',
  '    Stop the function running now, if it has not written anything yet.',
  'FLUSH [ASYNC|SYNC]',
  '    Remove every library.',
  'DUMP',
  '    A serialized payload of every library, for FUNCTION RESTORE.',
  'RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]',
  '    Load the libraries of a FUNCTION DUMP payload: FLUSH removes the current ones first,',
  '    APPEND (the default) fails on a name already taken, REPLACE takes over such libraries.',
];

const sub = { group: 'scripting', acl: ['scripting'], since: '7.0.0' } as const;
const allShards = ['request_policy:all_shards', 'response_policy:all_succeeded'] as const;

export const functionCommands: readonly CommandSpec[] = [
  {
    name: 'fcall', arity: -3, flags: fcallFlags, acl: ['scripting'], keys: [0, 0, 0], keySpecs: rwKeys, group: 'scripting',
    since: '7.0.0', summary: 'Call a function of a loaded library', complexity: 'Depends on the function that is executed.',
    args: fcallArgs, getKeys: fcallKeyPositions, run: (ctx, argv) => ctx.server.scripting.fcall(ctx, argv, false),
  },
  {
    name: 'fcall_ro', arity: -3, flags: fcallRoFlags, acl: ['scripting'], keys: [0, 0, 0], keySpecs: roKeys, group: 'scripting',
    since: '7.0.0', summary: 'Call a function that does not write', complexity: 'Depends on the function that is executed.',
    args: fcallArgs, getKeys: fcallKeyPositions, run: (ctx, argv) => ctx.server.scripting.fcall(ctx, argv, true),
  },
  {
    name: 'function', arity: -2, flags: [], group: 'scripting', since: '7.0.0', summary: 'A container for function commands',
    complexity: 'Depends on subcommand.',
    subcommands: [
      {
        ...sub, name: 'delete', arity: 3, flags: ['write', 'noscript'], summary: 'Remove a library and its functions',
        complexity: 'O(1)', tips: allShards, args: [{ name: 'library-name', type: 'string' }], run: functionDelete,
      },
      {
        ...sub, name: 'dump', arity: 2, flags: ['noscript'], summary: 'Serialize every library into a payload',
        complexity: 'O(N) where N is the number of functions', run: (ctx) => ctx.reply.bulkBytes(ctx.server.dumpFunctions()),
      },
      {
        ...sub, name: 'flush', arity: -2, flags: ['write', 'noscript'], summary: 'Remove every library',
        complexity: 'O(N) where N is the number of functions deleted', tips: allShards, run: functionFlush,
        args: [{ name: 'async', type: 'oneof', optional: true, arguments: [
          { name: 'async', type: 'pure-token', token: 'ASYNC' },
          { name: 'sync', type: 'pure-token', token: 'SYNC' },
        ] }],
      },
      {
        ...sub, name: 'help', arity: 2, flags: ['loading', 'stale'], summary: 'Describe the FUNCTION subcommands',
        complexity: 'O(1)', run: (ctx) => replyHelp(ctx, 'FUNCTION', HELP_LINES),
      },
      {
        ...sub, name: 'kill', arity: 2, flags: ['noscript', 'allow_busy'], summary: 'Stop the function running now',
        complexity: 'O(1)', tips: ['request_policy:all_shards', 'response_policy:one_succeeded'],
        run: (ctx) => ctx.server.scripting.kill(ctx, false),
      },
      {
        ...sub, name: 'list', arity: -2, flags: ['noscript'], summary: 'Describe the libraries and their functions',
        complexity: 'O(N) where N is the number of functions', tips: ['nondeterministic_output_order'], run: functionList,
        args: [
          { name: 'library-name-pattern', type: 'string', token: 'LIBRARYNAME', optional: true },
          { name: 'withcode', type: 'pure-token', token: 'WITHCODE', optional: true },
        ],
      },
      {
        ...sub, name: 'load', arity: -3, flags: ['write', 'denyoom', 'noscript'], summary: 'Load a library of functions',
        complexity: 'O(1) (considering compilation time is redundant)', tips: allShards, run: functionLoad,
        args: [
          { name: 'replace', type: 'pure-token', token: 'REPLACE', optional: true },
          { name: 'function-code', type: 'string' },
        ],
      },
      {
        ...sub, name: 'restore', arity: -3, flags: ['write', 'denyoom', 'noscript'], summary: 'Load the libraries of a FUNCTION DUMP payload',
        complexity: 'O(N) where N is the number of functions on the payload', tips: allShards, run: functionRestore,
        args: [
          { name: 'serialized-value', type: 'string' },
          { name: 'policy', type: 'oneof', optional: true, arguments: [
            { name: 'flush', type: 'pure-token', token: 'FLUSH' },
            { name: 'append', type: 'pure-token', token: 'APPEND' },
            { name: 'replace', type: 'pure-token', token: 'REPLACE' },
          ] },
        ],
      },
      {
        ...sub, name: 'stats', arity: 2, flags: ['noscript', 'allow_busy'], summary: 'The function running now, and the engines',
        complexity: 'O(1)', tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
        run: (ctx) => ctx.server.scripting.functionStats(ctx),
      },
    ],
  },
];

/** FUNCTION LOAD [REPLACE] code */
function functionLoad(ctx: CommandContext, argv: Argv): void {
  let replace = false;
  let i = 2;
  for (; i < argv.argc - 1; i++) {
    if (!argv.is(i, 'REPLACE')) {
      ctx.reply.error(functionLoadUnknownOption(argv.str(i)));
      return;
    }
    replace = true;
  }
  if (i >= argv.argc) {
    ctx.reply.error(SCRIPT_ERR.functionCodeMissing);
    return;
  }
  ctx.server.scripting.functionLoad(ctx, argv.str(i), replace);
}

/** FUNCTION DELETE library-name */
function functionDelete(ctx: CommandContext, argv: Argv): void {
  if (!ctx.server.scripting.functionDelete(argv.str(2))) {
    ctx.reply.error(SCRIPT_ERR.libraryNotFound);
    return;
  }
  ctx.dirty++;
  ctx.reply.ok();
}

/** FUNCTION FLUSH [ASYNC|SYNC] */
function functionFlush(ctx: CommandContext, argv: Argv): void {
  if (argv.argc > 3) {
    ctx.reply.error(unknownSubcommandOrArity(argv.str(1), 'function'));
    return;
  }
  if (argv.argc === 3 && !argv.is(2, 'SYNC') && !argv.is(2, 'ASYNC')) {
    ctx.reply.error(SCRIPT_ERR.functionFlushOption);
    return;
  }
  ctx.server.scripting.functionFlush();
  ctx.dirty++;
  ctx.reply.ok();
}

/** FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE] */
function functionList(ctx: CommandContext, argv: Argv): void {
  let withCode = false;
  let pattern: string | null = null;
  for (let i = 2; i < argv.argc; i++) {
    if (!withCode && argv.is(i, 'WITHCODE')) {
      withCode = true;
      continue;
    }
    if (pattern === null && argv.is(i, 'LIBRARYNAME')) {
      if (i >= argv.argc - 1) {
        ctx.reply.error(SCRIPT_ERR.libraryNameMissing);
        return;
      }
      pattern = argv.str(++i);
      continue;
    }
    ctx.reply.error(functionListUnknownArgument(argv.str(i)));
    return;
  }
  const libs = ctx.server.scripting.functionList().filter((l) => pattern === null || globMatch(pattern, l.name, true));
  const w = ctx.reply;
  w.arrayHeader(libs.length);
  for (const lib of libs) {
    w.mapHeader(withCode ? 4 : 3);
    w.bulk('library_name');
    w.bulk(lib.name);
    w.bulk('engine');
    w.bulk(lib.engine);
    w.bulk('functions');
    w.arrayHeader(lib.functions.length);
    for (const f of lib.functions) {
      w.mapHeader(3);
      w.bulk('name');
      w.bulk(f.name);
      w.bulk('description');
      if (f.description === null) w.nullBulk();
      else w.bulk(f.description);
      w.bulk('flags');
      w.setHeader(f.flags.length);
      for (const flag of f.flags) w.simple(flag);
    }
    if (withCode) {
      w.bulk('library_code');
      w.bulk(lib.code);
    }
  }
}

/** FUNCTION RESTORE serialized-value [FLUSH|APPEND|REPLACE] */
function functionRestore(ctx: CommandContext, argv: Argv): void {
  if (argv.argc > 4) {
    ctx.reply.error(unknownSubcommandOrArity(argv.str(1), 'function'));
    return;
  }
  let policy: 'flush' | 'append' | 'replace' = 'append';
  if (argv.argc === 4) {
    if (argv.is(3, 'APPEND')) policy = 'append';
    else if (argv.is(3, 'REPLACE')) policy = 'replace';
    else if (argv.is(3, 'FLUSH')) policy = 'flush';
    else {
      ctx.reply.error(SCRIPT_ERR.restorePolicy);
      return;
    }
  }
  const err = ctx.server.restoreFunctions(argv.bytes(2), policy);
  if (err !== null) {
    ctx.reply.error(err);
    return;
  }
  ctx.dirty++;
  ctx.reply.ok();
}
