/**
 * CLIENT LIST / CLIENT INFO / CLIENT KILL over the server's clients, in Redis 7.0's format
 * (plus 7.2's lib-name= and lib-ver=, since CLIENT SETINFO is accepted).
 *
 * Only clients with a connection are listed or killed: transport-less clients (in-process
 * calls, the scripting client) are Redis's "fake clients", which CLIENT LIST never shows.
 *
 * Field values are the real ones where Cinnabar has them. Where it has no equivalent of a
 * Redis internal, the line reports the closest true figure: rbs/rbp are the reply slab size
 * the writer allocates, qbuf-free is 0 (the parser does not reserve spare room), and tot-mem
 * is the sum of the buffers counted here (query buffer, argv, MULTI queue, pending output),
 * without Redis's fixed per-client struct overhead.
 */
import type { ClientKillFilter, ClientRegistry, ClientSession, ClientType } from '../commands/spec.js';
import type { Client } from './client.js';
import type { Server } from './server.js';

/** The reply slab the ReplyWriter allocates first (protocol/reply-writer.ts). */
const REPLY_SLAB = 16 * 1024;

export class ClientList implements ClientRegistry {
  constructor(private readonly server: Server) {}

  nextId(): number {
    return this.server.nextClientId();
  }

  /** Redis's getClientType: master and replica links do not exist yet, so normal or pubsub. */
  static typeOf(c: Client): ClientType {
    return subscriptionCount(c) > 0 ? 'pubsub' : 'normal';
  }

  /** One CLIENT LIST line (without the trailing newline). `argvMem` is for the running client. */
  line(c: Client, argvMem = 0): string {
    const now = this.server.clockNow();
    const t = c.transport;
    const inMulti = c.tx?.inMulti === true;
    const queue = inMulti ? (c.tx.queue ?? []) : [];
    let multiMem = 0;
    for (const q of queue) for (let i = 0; i < q.argv.argc; i++) multiMem += q.argv.len(i);
    const qbuf = t?.queryBufferLength ?? 0;
    const obl = c.reply.length;
    const omem = Math.max(0, (t?.outputBufferLength ?? obl) - obl);
    const cmd = c.commandName === '' ? 'NULL' : c.commandName;
    return (
      `id=${c.id} addr=${t?.addr ?? ''} laddr=${t?.laddr ?? ''} fd=${t?.fd ?? -1} name=${c.name} ` +
      `age=${seconds(now - c.createdAt)} idle=${seconds(now - c.lastInteraction)} flags=${flagsOf(c)} ` +
      `db=${c.dbIndex} sub=${c.channels.size} psub=${c.patterns.size} ssub=${c.shardChannels.size} ` +
      `multi=${inMulti ? queue.length : -1} qbuf=${qbuf} qbuf-free=0 argv-mem=${argvMem} multi-mem=${multiMem} ` +
      `rbs=${REPLY_SLAB} rbp=${REPLY_SLAB} obl=${obl} oll=0 omem=${omem} ` +
      `tot-mem=${qbuf + argvMem + multiMem + obl + omem} events=${omem > 0 ? 'rw' : 'r'} cmd=${cmd} ` +
      `user=${c.user} redir=-1 resp=${c.resp} lib-name=${c.libName} lib-ver=${c.libVer}`
    );
  }

  list(filter: { ids?: readonly number[]; type?: ClientType }, caller: ClientSession, argvMem: number): string {
    let out = '';
    const add = (c: Client) => {
      out += `${this.line(c, c.id === caller.id ? argvMem : 0)}\n`;
    };
    if (filter.ids) {
      // Redis walks the ids as given: repeated ids repeat the line, unknown ids are skipped.
      for (const id of filter.ids) {
        const c = this.server.clientMap.get(id);
        if (c?.transport) add(c);
      }
      return out;
    }
    for (const c of this.server.clientMap.values()) {
      if (!c.transport) continue;
      if (filter.type !== undefined && ClientList.typeOf(c) !== filter.type) continue;
      add(c);
    }
    return out;
  }

  info(caller: ClientSession, argvMem: number): string {
    const c = this.server.clientMap.get(caller.id);
    return c ? `${this.line(c, argvMem)}\n` : '';
  }

  unblock(id: number, withError: boolean): boolean {
    return this.server.blocking.unblock(id, withError);
  }

  kill(filter: ClientKillFilter, caller: ClientSession): number {
    let killed = 0;
    for (const c of [...this.server.clientMap.values()]) {
      const t = c.transport;
      if (!t) continue;
      if (filter.addr !== undefined && t.addr !== filter.addr) continue;
      if (filter.laddr !== undefined && t.laddr !== filter.laddr) continue;
      if (filter.type !== undefined && ClientList.typeOf(c) !== filter.type) continue;
      if (filter.id !== undefined && c.id !== filter.id) continue;
      if (filter.user !== undefined && c.user !== filter.user) continue;
      if (c.id === caller.id) {
        if (filter.skipMe) continue;
        // Killing yourself: the reply still goes out, then the connection closes.
        caller.closeAfterReply = true;
      } else {
        // Redis frees a killed client at once; what it had not been sent yet is dropped.
        this.server.log('verbose', `Killing client id=${c.id} addr=${t.addr} (CLIENT KILL)`);
        t.destroy();
      }
      killed++;
    }
    return killed;
  }
}

function subscriptionCount(c: Client): number {
  return c.channels.size + c.patterns.size + c.shardChannels.size;
}

function seconds(ms: number): number {
  return Math.max(0, Math.floor(ms / 1000));
}

/** The flags= letters Redis 7.0 prints, for the states Cinnabar has (7.2's T for NO-TOUCH). */
function flagsOf(c: Client): string {
  let f = '';
  if (subscriptionCount(c) > 0) f += 'P';
  if (c.tx?.inMulti === true) f += 'x';
  if (c.blocked) f += 'b';
  if (c.dirtyCas) f += 'd';
  if (c.closeAfterReply) f += 'c';
  if (c.noEvict) f += 'e';
  if (c.noTouch) f += 'T';
  return f === '' ? 'N' : f;
}
