/**
 * Server introspection and control: INFO, TIME, COMMAND (and its subcommands), SHUTDOWN.
 *
 * COMMAND's replies are generated from the command table rows (command-docs.ts); INFO's text
 * is built by the server (server/info.ts), which owns the statistics it reports.
 */
import type { Argv } from '../protocol/argv.js';
import { globMatch } from '../util/glob.js';
import {
  fullNameOf,
  hasKeyArguments,
  keysWithFlags,
  lookupByFullName,
  replyCommandDocs,
  replyCommandInfo,
  replyKeyFlags,
  tailArgv,
} from './command-docs.js';
import { ERR } from './errors.js';
import { replyHelp } from './client.js';
import type { CommandContext, CommandSpec } from './spec.js';

const sub = {
  group: 'server' as const,
  flags: ['loading', 'stale'] as const,
  acl: ['connection'] as const,
};

const NAMES_ARG = [{ name: 'command-name', type: 'string', optional: true, multiple: true }] as const;

export const serverCommands = [
  {
    name: 'info', arity: -1, flags: ['loading', 'stale'], acl: ['dangerous'], group: 'server', since: '1.0.0',
    summary: 'Report server state and statistics, by section', complexity: 'O(1)',
    tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
    args: [{ name: 'section', type: 'string', optional: true, multiple: true }],
    run: info,
  },
  {
    name: 'time', arity: 1, flags: ['loading', 'stale', 'fast'], group: 'server', since: '2.6.0',
    summary: "Return the server's clock: Unix seconds and microseconds", complexity: 'O(1)',
    tips: ['nondeterministic_output'],
    run: time,
  },
  {
    name: 'shutdown', arity: -1, flags: ['admin', 'noscript', 'loading', 'stale', 'no_multi', 'allow_busy'], group: 'server', since: '1.0.0',
    summary: 'Stop the server, optionally saving first',
    complexity: 'O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)',
    args: [
      {
        name: 'nosave_save', type: 'oneof', optional: true,
        arguments: [
          { name: 'nosave', type: 'pure-token', token: 'NOSAVE' },
          { name: 'save', type: 'pure-token', token: 'SAVE' },
        ],
      },
      { name: 'now', type: 'pure-token', token: 'NOW', since: '7.0.0', optional: true },
      { name: 'force', type: 'pure-token', token: 'FORCE', since: '7.0.0', optional: true },
      { name: 'abort', type: 'pure-token', token: 'ABORT', since: '7.0.0', optional: true },
    ],
    run: shutdown,
  },
  {
    name: 'command', arity: -1, flags: ['loading', 'stale'], acl: ['connection'], group: 'server', since: '2.8.13',
    summary: 'Describe every command the server has', complexity: 'O(N) where N is the total number of Redis commands',
    tips: ['nondeterministic_output_order'],
    run: commandAll,
    subcommands: [
      {
        ...sub, name: 'count', arity: 2, since: '2.8.13', summary: 'Count the commands the server has', complexity: 'O(1)',
        run: (ctx: CommandContext) => ctx.reply.integer(ctx.server.commands.all().length),
      },
      {
        ...sub, name: 'list', arity: -2, since: '7.0.0', summary: 'List command names, optionally filtered',
        complexity: 'O(N) where N is the total number of Redis commands', tips: ['nondeterministic_output_order'],
        args: [
          {
            name: 'filterby', type: 'oneof', token: 'FILTERBY', optional: true,
            arguments: [
              { name: 'module-name', type: 'string', token: 'MODULE' },
              { name: 'category', type: 'string', token: 'ACLCAT' },
              { name: 'pattern', type: 'pattern', token: 'PATTERN' },
            ],
          },
        ],
        run: commandList,
      },
      {
        ...sub, name: 'info', arity: -2, since: '2.8.13', summary: 'Describe the given commands, or all of them',
        complexity: 'O(N) where N is the number of commands to look up', tips: ['nondeterministic_output_order'],
        args: NAMES_ARG,
        run: commandInfo,
      },
      {
        ...sub, name: 'docs', arity: -2, since: '7.0.0', summary: 'Documentation of the given commands, or of all of them',
        complexity: 'O(N) where N is the number of commands to look up', tips: ['nondeterministic_output_order'],
        args: NAMES_ARG,
        run: commandDocs,
      },
      {
        ...sub, name: 'getkeys', arity: -4, since: '2.8.13', summary: 'Extract the key names from a full command line',
        complexity: 'O(N) where N is the number of arguments to the command',
        run: (ctx: CommandContext, argv: Argv) => getKeys(ctx, argv, false),
      },
      {
        ...sub, name: 'getkeysandflags', arity: -4, since: '7.0.0', summary: 'Extract the key names and their access flags from a full command line',
        complexity: 'O(N) where N is the number of arguments to the command',
        run: (ctx: CommandContext, argv: Argv) => getKeys(ctx, argv, true),
      },
      {
        ...sub, name: 'help', arity: 2, since: '5.0.0', summary: 'List the COMMAND subcommands', complexity: 'O(1)',
        run: (ctx: CommandContext) => replyHelp(ctx, 'COMMAND', COMMAND_HELP),
      },
    ],
  },
] as const satisfies readonly CommandSpec[];

const COMMAND_HELP = [
  '(no subcommand)',
  '    Return details about all Redis commands.',
  'COUNT',
  '    Return the total number of commands in this Redis server.',
  'LIST',
  '    Return a list of all commands in this Redis server.',
  'INFO [<command-name> ...]',
  '    Return details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'DOCS [<command-name> ...]',
  '    Return documentation details about multiple Redis commands.',
  '    If no command names are given, documentation details for all',
  '    commands are returned.',
  'GETKEYS <full-command>',
  '    Return the keys from a full Redis command.',
  'GETKEYSANDFLAGS <full-command>',
  '    Return the keys and the access flags from a full Redis command.',
] as const;

/** INFO [section ...]: a verbatim string in RESP3. */
function info(ctx: CommandContext, argv: Argv): void {
  const sections: string[] = [];
  for (let i = 1; i < argv.argc; i++) sections.push(argv.lower(i));
  ctx.reply.verbatim(ctx.server.info(sections, ctx));
}

/**
 * The wall clock in microseconds, given the server's clock in ms: the high-resolution clock
 * supplies the microseconds when it agrees with the server's clock (it does unless a test
 * injected a fake one, whose time then wins).
 */
export function wallClockMicros(ms: number): number {
  const hr = performance.timeOrigin + performance.now();
  return Math.abs(hr - ms) < 1000 ? Math.floor(hr * 1000) : Math.floor(ms) * 1000;
}

/** TIME: [unix seconds, microseconds] as bulk strings. */
function time(ctx: CommandContext): void {
  const us = wallClockMicros(ctx.server.clockNow());
  const r = ctx.reply;
  r.arrayHeader(2);
  r.bulk(String(Math.floor(us / 1e6)));
  r.bulk(String(us % 1e6));
}

/** SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT] */
function shutdown(ctx: CommandContext, argv: Argv): void {
  const o = { nosave: false, save: false, now: false, force: false, abort: false };
  for (let i = 1; i < argv.argc; i++) {
    if (argv.is(i, 'NOSAVE')) o.nosave = true;
    else if (argv.is(i, 'SAVE')) o.save = true;
    else if (argv.is(i, 'NOW')) o.now = true;
    else if (argv.is(i, 'FORCE')) o.force = true;
    else if (argv.is(i, 'ABORT')) o.abort = true;
    else {
      ctx.reply.error(ERR.syntax);
      return;
    }
  }
  if ((o.abort && (o.nosave || o.save || o.now || o.force)) || (o.nosave && o.save)) {
    ctx.reply.error(ERR.syntax);
    return;
  }
  if (!o.abort && !o.now && !ctx.canBlock) {
    ctx.reply.error(ERR.shutdownDenyBlocking);
    return;
  }
  // During a busy script only SHUTDOWN NOSAVE goes through (the script is dropped).
  const busy = o.abort || o.nosave ? null : ctx.server.scripting.busyError();
  if (busy !== null) {
    ctx.reply.error(busy);
    return;
  }
  const err = ctx.server.shutdown(o);
  if (err !== null) ctx.reply.error(err);
  else if (o.abort) ctx.reply.ok();
  // A successful shutdown answers nothing: the connection closes, as when Redis exits.
}

/** COMMAND: every command's COMMAND INFO entry. */
function commandAll(ctx: CommandContext): void {
  const reg = ctx.server.commands;
  const all = reg.all();
  ctx.reply.arrayHeader(all.length);
  for (const spec of all) replyCommandInfo(ctx.reply, reg, spec, null);
}

/** COMMAND INFO [command-name ...]: nil for names that are not commands. */
function commandInfo(ctx: CommandContext, argv: Argv): void {
  if (argv.argc === 2) {
    commandAll(ctx);
    return;
  }
  const reg = ctx.server.commands;
  ctx.reply.arrayHeader(argv.argc - 2);
  for (let i = 2; i < argv.argc; i++) {
    const found = lookupByFullName(reg, argv.str(i));
    if (found === null) ctx.reply.nullBulk();
    else replyCommandInfo(ctx.reply, reg, found.spec, found.parent);
  }
}

/** COMMAND DOCS [command-name ...]: a map from name to docs; unknown names are left out. */
function commandDocs(ctx: CommandContext, argv: Argv): void {
  const reg = ctx.server.commands;
  const w = ctx.reply;
  if (argv.argc === 2) {
    const all = reg.all();
    w.mapHeader(all.length);
    for (const spec of all) {
      w.bulk(spec.name);
      replyCommandDocs(w, spec);
    }
    return;
  }
  const found: { spec: CommandSpec; parent: CommandSpec | null }[] = [];
  for (let i = 2; i < argv.argc; i++) {
    const f = lookupByFullName(reg, argv.str(i));
    if (f !== null) found.push(f);
  }
  w.mapHeader(found.length);
  for (const f of found) {
    w.bulk(fullNameOf(f.spec, f.parent));
    replyCommandDocs(w, f.spec);
  }
}

/** COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern] */
function commandList(ctx: CommandContext, argv: Argv): void {
  const reg = ctx.server.commands;
  let keep: (spec: CommandSpec, fullName: string) => boolean = () => true;
  if (argv.argc === 5 && argv.is(2, 'FILTERBY')) {
    const arg = argv.str(4);
    if (argv.is(3, 'MODULE')) {
      keep = () => false; // no module is ever loaded
    } else if (argv.is(3, 'ACLCAT')) {
      const cat = arg.toLowerCase();
      keep = (spec) => reg.aclCategories(spec).some((c) => c === cat);
    } else if (argv.is(3, 'PATTERN')) {
      keep = (_spec, name) => globMatch(arg, name, true);
    } else {
      ctx.reply.error(ERR.syntax);
      return;
    }
  } else if (argv.argc !== 2) {
    ctx.reply.error(ERR.syntax);
    return;
  }
  const names: string[] = [];
  for (const spec of reg.all()) {
    if (keep(spec, spec.name)) names.push(spec.name);
    for (const s of spec.subcommands ?? []) {
      const full = fullNameOf(s, spec);
      if (keep(s, full)) names.push(full);
    }
  }
  ctx.reply.bulkArray(names);
}

/** COMMAND GETKEYS / GETKEYSANDFLAGS command [arg ...] */
function getKeys(ctx: CommandContext, argv: Argv, withFlags: boolean): void {
  const reg = ctx.server.commands;
  const name = argv.str(2);
  // A 'container|sub' name is not a command line: Redis looks up argv words, never fullnames.
  let spec = name.includes('|') ? undefined : reg.lookup(name.toLowerCase());
  if (spec?.subcommands && spec.subcommands.length > 0 && argv.argc > 3) {
    const subName = argv.lower(3);
    spec = spec.subcommands.find((s) => s.name === subName);
  }
  if (spec === undefined) {
    ctx.reply.error(ERR.invalidCommandSpecified);
    return;
  }
  if (!hasKeyArguments(spec)) {
    ctx.reply.error(ERR.commandHasNoKeys);
    return;
  }
  const argc = argv.argc - 2;
  if ((spec.arity > 0 && spec.arity !== argc) || argc < -spec.arity) {
    ctx.reply.error(ERR.invalidCommandArgCount);
    return;
  }
  const line = tailArgv(argv, 2);
  const keys = keysWithFlags(spec, line);
  if (keys === null || keys.length === 0) {
    if (spec.flags.some((f) => f === 'no_mandatory_keys')) ctx.reply.emptyArray();
    else ctx.reply.error(ERR.invalidCommandArgs);
    return;
  }
  const w = ctx.reply;
  w.arrayHeader(keys.length);
  for (const k of keys) {
    if (!withFlags) {
      w.bulkBytes(line.bytes(k.pos));
      continue;
    }
    w.arrayHeader(2);
    w.bulkBytes(line.bytes(k.pos));
    replyKeyFlags(w, k.flags);
  }
}
