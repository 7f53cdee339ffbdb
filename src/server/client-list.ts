/**
 * CLIENT LIST / CLIENT INFO / CLIENT KILL over the server's clients, in Redis 7.0's format.
 */
import type { ClientRegistry } from '../commands/spec.js';
import type { Client } from './client.js';
import type { Server } from './server.js';

export class ClientList implements ClientRegistry {
  constructor(private readonly server: Server) {}

  nextId(): number {
    return this.server.nextClientId();
  }

  /** One CLIENT LIST line for a client (without the trailing newline). */
  line(c: Client): string {
    const now = this.server.clockNow();
    const t = c.transport;
    const flags = 'N';
    return (
      `id=${c.id} addr=${t?.addr ?? ''} laddr=${t?.laddr ?? ''} fd=${t?.fd ?? -1} name=${c.name} ` +
      `age=${Math.floor((now - c.createdAt) / 1000)} idle=${Math.floor((now - c.lastInteraction) / 1000)} flags=${flags} ` +
      `db=${c.dbIndex} sub=0 psub=0 ssub=0 multi=-1 qbuf=${t?.queryBufferLength ?? 0} qbuf-free=0 argv-mem=0 multi-mem=0 ` +
      `rbs=16384 rbp=0 obl=0 oll=0 omem=${t?.outputBufferLength ?? 0} tot-mem=0 events=r cmd=${c.lastCommand} ` +
      `user=${c.user} redir=-1 resp=${c.resp} lib-name=${c.libName} lib-ver=${c.libVer}`
    );
  }

  list(filter: { ids?: readonly number[]; type?: string }): string {
    let out = '';
    for (const c of this.server.clientMap.values()) {
      if (filter.ids && !filter.ids.includes(c.id)) continue;
      out += `${this.line(c)}\n`;
    }
    return out;
  }

  info(id: number): string {
    const c = this.server.clientMap.get(id);
    return c ? `${this.line(c)}\n` : '';
  }

  kill(): number | string {
    return 'ERR No such client';
  }
}
