/**
 * Connection commands: PING ECHO QUIT SELECT HELLO AUTH RESET.
 * (CLIENT lives in client.ts.)
 */
import type { Argv } from '../protocol/argv.js';
import { ERR, helloOptionSyntax, wrongArity } from './errors.js';
import type { CommandContext, CommandSpec } from './spec.js';
import { isValidClientName } from './client.js';

export const connectionCommands = [
  {
    name: 'ping', arity: -1, flags: ['fast'], acl: ['connection'], group: 'connection', since: '1.0.0',
    summary: 'Answer PONG, or echo the given message', complexity: 'O(1)',
    args: [{ name: 'message', type: 'string', optional: true }],
    tips: ['request_policy:all_shards', 'response_policy:all_succeeded'],
    run: ping,
  },
  {
    name: 'echo', arity: 2, flags: ['loading', 'stale', 'fast'], acl: ['connection'], group: 'connection', since: '1.0.0',
    summary: 'Reply with the given message', complexity: 'O(1)',
    args: [{ name: 'message', type: 'string' }],
    run: (ctx, argv) => ctx.reply.bulkBytes(argv.bytes(1)),
  },
  {
    name: 'quit', arity: -1, flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'], acl: ['connection'],
    group: 'connection', since: '1.0.0', summary: 'Close the connection after replying OK', complexity: 'O(1)',
    run: (ctx) => {
      ctx.reply.ok();
      ctx.client.closeAfterReply = true;
    },
  },
  {
    name: 'select', arity: 2, flags: ['loading', 'stale', 'fast'], acl: ['connection'], group: 'connection', since: '1.0.0',
    summary: 'Change the selected database for this connection', complexity: 'O(1)',
    args: [{ name: 'index', type: 'integer' }],
    run: select,
  },
  {
    name: 'hello', arity: -1, flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'], acl: ['connection'],
    group: 'connection', since: '6.0.0', summary: 'Handshake: choose the protocol, optionally authenticate and name the connection',
    complexity: 'O(1)',
    args: [
      {
        name: 'arguments', type: 'block', optional: true,
        arguments: [
          { name: 'protover', type: 'integer' },
          { name: 'username_password', type: 'block', token: 'AUTH', optional: true, arguments: [{ name: 'username', type: 'string' }, { name: 'password', type: 'string' }] },
          { name: 'clientname', type: 'string', token: 'SETNAME', optional: true },
        ],
      },
    ],
    run: hello,
  },
  {
    name: 'auth', arity: -2, flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'], acl: ['connection'],
    group: 'connection', since: '1.0.0', summary: 'Authenticate the connection', complexity: 'O(N) where N is the number of passwords defined for the user',
    args: [{ name: 'username', type: 'string', optional: true, since: '6.0.0' }, { name: 'password', type: 'string' }],
    run: auth,
  },
  {
    name: 'reset', arity: 1, flags: ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'], acl: ['connection'],
    group: 'connection', since: '6.2.0', summary: 'Reset the connection to its initial state', complexity: 'O(1)',
    run: reset,
  },
] as const satisfies readonly CommandSpec[];

/**
 * PING [message]. A RESP2 subscriber (to channels, patterns or shard channels) gets
 * ["pong", message]: it cannot take a plain reply.
 */
function ping(ctx: CommandContext, argv: Argv): void {
  if (argv.argc > 2) {
    ctx.reply.error(wrongArity('ping'));
    return;
  }
  if (ctx.client.resp === 2 && ctx.pubsub.subscribed) {
    ctx.reply.arrayHeader(2);
    ctx.reply.bulk('pong');
    if (argv.argc === 1) ctx.reply.bulk('');
    else ctx.reply.bulkBytes(argv.bytes(1));
    return;
  }
  if (argv.argc === 1) ctx.reply.simple('PONG');
  else ctx.reply.bulkBytes(argv.bytes(1));
}

/** SELECT index */
function select(ctx: CommandContext, argv: Argv): void {
  const idx = argv.safeInt(1);
  if (idx === null) {
    ctx.reply.error(ERR.notInteger);
    return;
  }
  if (idx < 0 || idx >= ctx.ks.dbs.length) {
    ctx.reply.error(ERR.dbIndexOutOfRange);
    return;
  }
  ctx.select(idx);
  ctx.reply.ok();
}

/** Check credentials against the default user (ACL users come later). */
function checkPassword(ctx: CommandContext, user: string, pass: string): boolean {
  if (user !== 'default') return false;
  const required = ctx.server.requirepass;
  // Without requirepass the default user is "nopass", so every password is accepted.
  return required === '' || pass === required;
}

/** AUTH [username] password */
function auth(ctx: CommandContext, argv: Argv): void {
  if (argv.argc > 3) {
    ctx.reply.error(ERR.syntax);
    return;
  }
  if (argv.argc === 2 && ctx.server.requirepass === '') {
    ctx.reply.error(ERR.authNotConfigured);
    return;
  }
  const user = argv.argc === 3 ? argv.str(1) : 'default';
  const pass = argv.str(argv.argc - 1);
  if (checkPassword(ctx, user, pass)) {
    ctx.client.authenticated = true;
    ctx.client.user = user;
    ctx.reply.ok();
  } else {
    ctx.reply.error(ERR.wrongPass);
  }
}

/** HELLO [protover [AUTH username password] [SETNAME clientname]] */
function hello(ctx: CommandContext, argv: Argv): void {
  let ver = 0;
  if (argv.argc >= 2) {
    const v = argv.int(1);
    if (v === null) {
      ctx.reply.error(ERR.protoNotInteger);
      return;
    }
    if (v !== 2 && v !== 3) {
      ctx.reply.error(ERR.noProto);
      return;
    }
    ver = v;
  }
  let authUser: string | null = null;
  let authPass = '';
  let setName: string | null = null;
  for (let i = 2; i < argv.argc; i++) {
    const more = argv.argc - 1 - i;
    if (argv.is(i, 'AUTH') && more >= 2) {
      authUser = argv.str(i + 1);
      authPass = argv.str(i + 2);
      i += 2;
    } else if (argv.is(i, 'SETNAME') && more >= 1) {
      setName = argv.str(i + 1);
      i += 1;
    } else {
      ctx.reply.error(helloOptionSyntax(argv.str(i)));
      return;
    }
  }
  if (authUser !== null) {
    if (!checkPassword(ctx, authUser, authPass)) {
      ctx.reply.error(ERR.wrongPass);
      return;
    }
    ctx.client.authenticated = true;
    ctx.client.user = authUser;
  }
  if (!ctx.client.authenticated) {
    ctx.reply.error(ERR.helloNoAuth);
    return;
  }
  if (setName !== null) {
    if (!isValidClientName(setName)) {
      ctx.reply.error(ERR.clientNameSpaces);
      return;
    }
    ctx.client.name = setName;
  }
  if (ver !== 0) ctx.client.resp = ver as 2 | 3;
  const r = ctx.reply;
  r.mapHeader(7);
  r.bulk('server');
  r.bulk('redis');
  r.bulk('version');
  r.bulk(ctx.server.version);
  r.bulk('proto');
  r.integer(ctx.client.resp);
  r.bulk('id');
  r.integer(ctx.client.id);
  r.bulk('mode');
  r.bulk('standalone');
  r.bulk('role');
  r.bulk('master');
  r.bulk('modules');
  r.emptyArray();
}

/**
 * RESET: back to a fresh connection's state, as Redis 7.0's clearClientConnectionState:
 * MULTI and WATCH dropped, every subscription dropped without confirmations, db 0, RESP2, no
 * name, replies on, authenticated only if the default user needs no password. NO-EVICT and
 * the library name/version survive (7.0); NO-TOUCH is cleared, as in 7.2 where it comes from.
 */
function reset(ctx: CommandContext): void {
  const c = ctx.client;
  if (ctx.tx.inMulti) ctx.tx.discard();
  else ctx.tx.unwatch();
  // Unsubscribing replies confirmations; RESET sends none, so they are rolled back.
  const mark = ctx.reply.mark();
  ctx.pubsub.unsubscribe('channel', null);
  ctx.pubsub.unsubscribe('pattern', null);
  ctx.pubsub.unsubscribe('shard', null);
  ctx.reply.rollback(mark);
  c.resp = 2;
  c.name = '';
  // Redis clears OFF and a pending SKIP, but a skip already covering RESET itself stands.
  if (c.replyMode !== 'skip') c.replyMode = 'on';
  c.noTouch = false;
  ctx.select(0);
  c.authenticated = ctx.server.requirepass === '';
  c.user = 'default';
  ctx.reply.simple('RESET');
}
