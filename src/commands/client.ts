/**
 * CLIENT and its subcommands: ID GETNAME SETNAME LIST INFO KILL REPLY NO-EVICT HELP as in
 * Redis 7.0, plus SETINFO and NO-TOUCH from 7.2 (clients send SETINFO on every connection).
 * UNBLOCK ends another client's blocking command (through the ClientRegistry).
 * Subcommands Cinnabar does not have (PAUSE, TRACKING, CACHING, ...) are absent from
 * the table, so they get the dispatcher's unknown-subcommand error and are not in HELP.
 *
 * The client list itself (formatting, filters, killing) is the server's ClientRegistry.
 */
import type { Argv } from '../protocol/argv.js';
import { ERR, clientAttrInvalid, noSuchUser, unknownClientType, unknownSubcommandOrArity, unrecognizedOption } from './errors.js';
import type { ClientKillFilter, ClientType, CommandContext, CommandSpec } from './spec.js';

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

const ON_OFF = [
  { name: 'on', type: 'pure-token', token: 'ON' },
  { name: 'off', type: 'pure-token', token: 'OFF' },
] as const;

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
        run: setname,
      },
      {
        ...sub, name: 'setinfo', arity: 4, flags: ['noscript', 'loading', 'stale'], since: '7.2.0',
        summary: 'Record the client library name or version shown by CLIENT LIST', complexity: 'O(1)',
        args: [
          {
            name: 'attr', type: 'oneof',
            arguments: [
              { name: 'libname', type: 'string', token: 'LIB-NAME' },
              { name: 'libver', type: 'string', token: 'LIB-VER' },
            ],
          },
        ],
        run: setinfo,
      },
      {
        ...sub, name: 'list', arity: -2, flags: ['admin', 'noscript', 'loading', 'stale'], since: '2.4.0',
        summary: 'List the connected clients', complexity: 'O(N) where N is the number of client connections',
        tips: ['nondeterministic_output'],
        args: [
          {
            name: 'normal_master_replica_pubsub', type: 'oneof', token: 'TYPE', since: '5.0.0', optional: true,
            arguments: [
              { name: 'normal', type: 'pure-token', token: 'NORMAL' },
              { name: 'master', type: 'pure-token', token: 'MASTER' },
              { name: 'replica', type: 'pure-token', token: 'REPLICA' },
              { name: 'pubsub', type: 'pure-token', token: 'PUBSUB' },
            ],
          },
          { name: 'id', type: 'block', token: 'ID', since: '6.2.0', optional: true, arguments: [{ name: 'client-id', type: 'integer', multiple: true }] },
        ],
        run: list,
      },
      {
        ...sub, name: 'info', arity: 2, flags: ['noscript', 'loading', 'stale'], since: '6.2.0',
        summary: 'Describe the current connection in CLIENT LIST format', complexity: 'O(1)',
        tips: ['nondeterministic_output'],
        run: (ctx: CommandContext, argv: Argv) => ctx.reply.verbatim(ctx.server.clients.info(ctx.client, argvMem(argv))),
      },
      {
        ...sub, name: 'kill', arity: -3, flags: ['admin', 'noscript', 'loading', 'stale'], since: '2.4.0',
        summary: 'Close client connections by address, id, type or user', complexity: 'O(N) where N is the number of client connections',
        args: [
          {
            name: 'filter', type: 'oneof',
            arguments: [
              { name: 'ip:port', type: 'string' },
              {
                name: 'new-format', type: 'oneof', multiple: true,
                arguments: [
                  { name: 'client-id', type: 'integer', token: 'ID', since: '2.8.12', optional: true },
                  {
                    name: 'normal_master_slave_pubsub', type: 'oneof', token: 'TYPE', since: '2.8.12', optional: true,
                    arguments: [
                      { name: 'normal', type: 'pure-token', token: 'NORMAL' },
                      { name: 'master', type: 'pure-token', token: 'MASTER', since: '3.2.0' },
                      { name: 'slave', type: 'pure-token', token: 'SLAVE' },
                      { name: 'replica', type: 'pure-token', token: 'REPLICA', since: '5.0.0' },
                      { name: 'pubsub', type: 'pure-token', token: 'PUBSUB' },
                    ],
                  },
                  { name: 'username', type: 'string', token: 'USER', optional: true },
                  { name: 'ip:port', type: 'string', token: 'ADDR', optional: true },
                  { name: 'ip:port', type: 'string', token: 'LADDR', since: '6.2.0', optional: true },
                  { name: 'yes/no', type: 'string', token: 'SKIPME', optional: true },
                ],
              },
            ],
          },
        ],
        run: kill,
      },
      {
        ...sub, name: 'unblock', arity: -3, flags: ['admin', 'noscript', 'loading', 'stale'], since: '5.0.0',
        summary: 'End the blocking command another connection is waiting in', complexity: 'O(log N) where N is the number of client connections',
        args: [
          { name: 'client-id', type: 'integer' },
          {
            name: 'timeout_error', type: 'oneof', optional: true,
            arguments: [
              { name: 'timeout', type: 'pure-token', token: 'TIMEOUT' },
              { name: 'error', type: 'pure-token', token: 'ERROR' },
            ],
          },
        ],
        run: unblock,
      },
      {
        ...sub, name: 'reply', arity: 3, flags: ['noscript', 'loading', 'stale'], since: '3.2.0',
        summary: 'Turn replies to this connection on or off, or skip the next one', complexity: 'O(1)',
        args: [
          {
            name: 'on_off_skip', type: 'oneof',
            arguments: [...ON_OFF, { name: 'skip', type: 'pure-token', token: 'SKIP' }],
          },
        ],
        run: reply,
      },
      {
        ...sub, name: 'no-evict', arity: 3, flags: ['admin', 'noscript', 'loading', 'stale'], since: '7.0.0',
        summary: 'Exempt this connection from client eviction, or not', complexity: 'O(1)',
        args: [{ name: 'enabled', type: 'oneof', arguments: ON_OFF }],
        run: (ctx: CommandContext, argv: Argv) => onOff(ctx, argv, (v) => (ctx.client.noEvict = v)),
      },
      {
        ...sub, name: 'no-touch', arity: 3, flags: ['noscript', 'loading', 'stale'], since: '7.2.0',
        summary: "Keep this connection's reads from updating keys' LRU/LFU, or not", complexity: 'O(1)',
        args: [{ name: 'enabled', type: 'oneof', arguments: ON_OFF }],
        run: (ctx: CommandContext, argv: Argv) => onOff(ctx, argv, (v) => (ctx.client.noTouch = v)),
      },
      {
        ...sub, name: 'help', arity: 2, flags: ['loading', 'stale'], since: '5.0.0', summary: 'List the CLIENT subcommands', complexity: 'O(1)',
        run: (ctx: CommandContext) => replyHelp(ctx, 'CLIENT', CLIENT_HELP),
      },
    ],
  },
] as const satisfies readonly CommandSpec[];

/** Syntax lines of the subcommands above, as Redis prints them (SETINFO/NO-TOUCH as 7.2). */
const CLIENT_HELP = [
  'GETNAME',
  '    Return the name of the current connection.',
  'ID',
  '    Return the ID of the current connection.',
  'INFO',
  '    Return information about the current client connection.',
  'KILL <ip:port>',
  '    Kill connection made from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Kill connections. Options are:',
  '    * ADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made from the specified address',
  '    * LADDR (<ip:port>|<unixsocket>:0)',
  '      Kill connections made to specified local address',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Kill connections by type.',
  '    * USER <username>',
  '      Kill connections authenticated by <username>.',
  '    * SKIPME (YES|NO)',
  '      Skip killing current connection (default: yes).',
  'LIST [options ...]',
  '    Return information about client connections. Options:',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '      Return clients of specified type.',
  'REPLY (ON|OFF|SKIP)',
  '    Control the replies sent to the current connection.',
  'SETNAME <name>',
  '    Assign the name <name> to the current connection.',
  'SETINFO <option> <value>',
  '    Set client meta attr. Options are:',
  '    * LIB-NAME: the client lib name.',
  '    * LIB-VER: the client lib version.',
  'UNBLOCK <clientid> [TIMEOUT|ERROR]',
  '    Unblock the specified blocked client.',
  'NO-EVICT (ON|OFF)',
  '    Protect current client connection from eviction.',
  'NO-TOUCH (ON|OFF)',
  '    Will not touch LRU/LFU stats when this mode is on.',
] as const;

/**
 * Redis's addReplyHelp: a header line, the command's lines, then HELP itself, each as a
 * status reply.
 */
export function replyHelp(ctx: CommandContext, cmd: string, lines: readonly string[]): void {
  const r = ctx.reply;
  r.arrayHeader(lines.length + 3);
  r.simple(`${cmd} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`);
  for (const l of lines) r.simple(l);
  r.simple('HELP');
  r.simple('    Prints this help.');
}

/** Bytes of the running command's arguments (CLIENT LIST's argv-mem for the caller). */
function argvMem(argv: Argv): number {
  let n = 0;
  for (let i = 0; i < argv.argc; i++) n += argv.len(i);
  return n;
}

/** Redis's getClientTypeByName ('slave' is still accepted for 'replica'). */
function clientTypeByName(name: string): ClientType | null {
  switch (name.toLowerCase()) {
    case 'normal':
      return 'normal';
    case 'slave':
    case 'replica':
      return 'replica';
    case 'pubsub':
      return 'pubsub';
    case 'master':
      return 'master';
    default:
      return null;
  }
}

/** CLIENT SETNAME connection-name (an empty name removes it). */
function setname(ctx: CommandContext, argv: Argv): void {
  const name = argv.str(2);
  if (!isValidClientName(name)) {
    ctx.reply.error(ERR.clientNameSpaces);
    return;
  }
  ctx.client.name = name;
  ctx.reply.ok();
}

/** CLIENT SETINFO LIB-NAME|LIB-VER value (Redis 7.2). */
function setinfo(ctx: CommandContext, argv: Argv): void {
  const attr = argv.str(2);
  const value = argv.str(3);
  const isName = argv.is(2, 'LIB-NAME');
  if (!isName && !argv.is(2, 'LIB-VER')) {
    ctx.reply.error(unrecognizedOption(attr));
    return;
  }
  if (!isValidClientName(value)) {
    ctx.reply.error(clientAttrInvalid(attr));
    return;
  }
  if (isName) ctx.client.libName = value;
  else ctx.client.libVer = value;
  ctx.reply.ok();
}

/** CLIENT LIST [TYPE normal|master|replica|pubsub] [ID client-id ...] */
function list(ctx: CommandContext, argv: Argv): void {
  const filter: { ids?: number[]; type?: ClientType } = {};
  if (argv.argc === 4 && argv.is(2, 'TYPE')) {
    const type = clientTypeByName(argv.str(3));
    if (type === null) {
      ctx.reply.error(unknownClientType(argv.str(3)));
      return;
    }
    filter.type = type;
  } else if (argv.argc > 3 && argv.is(2, 'ID')) {
    const ids: number[] = [];
    for (let i = 3; i < argv.argc; i++) {
      const id = argv.int(i);
      if (id === null) {
        ctx.reply.error(ERR.invalidClientId);
        return;
      }
      // Ids beyond 2^53 (or negative) name no client; keep them out of the number space.
      ids.push(typeof id === 'number' ? id : -1);
    }
    filter.ids = ids;
  } else if (argv.argc !== 2) {
    ctx.reply.error(ERR.syntax);
    return;
  }
  ctx.reply.verbatim(ctx.server.clients.list(filter, ctx.client, argvMem(argv)));
}

/**
 * CLIENT KILL ip:port (old form: replies OK or "No such client", and may kill the caller) or
 * CLIENT KILL <filter> <value> ... (replies the count; SKIPME defaults to yes).
 */
function kill(ctx: CommandContext, argv: Argv): void {
  if (argv.argc === 3) {
    const n = ctx.server.clients.kill({ addr: argv.str(2), skipMe: false }, ctx.client);
    if (n === 0) ctx.reply.error(ERR.noSuchClient);
    else ctx.reply.ok();
    return;
  }
  const filter: ClientKillFilter = { skipMe: true };
  // Options come in pairs; a lone trailing option is a syntax error like an unknown one.
  for (let i = 2; i < argv.argc; i += 2) {
    const more = i + 1 < argv.argc;
    if (more && argv.is(i, 'ID')) {
      const id = argv.int(i + 1);
      if (id === null || id < 1) {
        ctx.reply.error(ERR.clientIdNotPositive);
        return;
      }
      filter.id = typeof id === 'number' ? id : -1;
    } else if (more && argv.is(i, 'TYPE')) {
      const type = clientTypeByName(argv.str(i + 1));
      if (type === null) {
        ctx.reply.error(unknownClientType(argv.str(i + 1)));
        return;
      }
      filter.type = type;
    } else if (more && argv.is(i, 'ADDR')) {
      filter.addr = argv.str(i + 1);
    } else if (more && argv.is(i, 'LADDR')) {
      filter.laddr = argv.str(i + 1);
    } else if (more && argv.is(i, 'USER')) {
      const user = argv.str(i + 1);
      // Only the default user exists until ACLs are built.
      if (user !== 'default') {
        ctx.reply.error(noSuchUser(user));
        return;
      }
      filter.user = user;
    } else if (more && argv.is(i, 'SKIPME')) {
      if (argv.is(i + 1, 'YES')) filter.skipMe = true;
      else if (argv.is(i + 1, 'NO')) filter.skipMe = false;
      else {
        ctx.reply.error(ERR.syntax);
        return;
      }
    } else {
      ctx.reply.error(ERR.syntax);
      return;
    }
  }
  ctx.reply.integer(ctx.server.clients.kill(filter, ctx.client));
}

/**
 * CLIENT UNBLOCK client-id [TIMEOUT|ERROR]: 1 when the client was blocked (it then answers as
 * on timeout, or with the UNBLOCKED error), else 0. As Redis, the reason is checked before
 * the id, and a fifth argument is the generic subcommand error.
 */
function unblock(ctx: CommandContext, argv: Argv): void {
  if (argv.argc > 4) {
    ctx.reply.error(unknownSubcommandOrArity(argv.str(1), 'client'));
    return;
  }
  let withError = false;
  if (argv.argc === 4) {
    if (argv.is(3, 'ERROR')) withError = true;
    else if (!argv.is(3, 'TIMEOUT')) {
      ctx.reply.error(ERR.clientUnblockReason);
      return;
    }
  }
  const id = argv.int(2);
  if (id === null) {
    ctx.reply.error(ERR.notInteger);
    return;
  }
  const done = typeof id === 'number' && id > 0 && ctx.server.clients.unblock(id, withError);
  ctx.reply.integer(done ? 1 : 0);
}

/**
 * CLIENT REPLY ON|OFF|SKIP. OFF and SKIP reply nothing themselves; the dispatcher drops the
 * replies while the mode is 'off', and the next command's reply after SKIP.
 */
function reply(ctx: CommandContext, argv: Argv): void {
  const c = ctx.client;
  if (argv.is(2, 'ON')) {
    c.replyMode = 'on';
    ctx.reply.ok();
  } else if (argv.is(2, 'OFF')) {
    c.replyMode = 'off';
  } else if (argv.is(2, 'SKIP')) {
    if (c.replyMode !== 'off') c.replyMode = 'skip-next';
  } else {
    ctx.reply.error(ERR.syntax);
  }
}

function onOff(ctx: CommandContext, argv: Argv, set: (on: boolean) => void): void {
  if (argv.is(2, 'ON')) set(true);
  else if (argv.is(2, 'OFF')) set(false);
  else {
    ctx.reply.error(ERR.syntax);
    return;
  }
  ctx.reply.ok();
}
