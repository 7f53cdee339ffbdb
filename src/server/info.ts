/**
 * INFO: Redis 7.0's sections and field names, built from live server state.
 */
import type { CommandContext } from '../commands/spec.js';
import { CINNABAR_VERSION, type Server } from './server.js';

export function buildInfo(server: Server, sections: readonly string[], _ctx: CommandContext): string {
  const want = (s: string) => sections.length === 0 || sections.includes('all') || sections.includes('default') || sections.includes('everything') || sections.includes(s);
  const out: string[] = [];
  if (want('server')) {
    out.push('# Server', `redis_version:${server.version}`, `cinnabar_version:${CINNABAR_VERSION}`, 'redis_mode:standalone', `process_id:${process.pid}`, `tcp_port:${server.tcpPort}`, '');
  }
  if (want('keyspace')) {
    out.push('# Keyspace');
    for (const db of server.ks.dbs) {
      const n = db.size;
      if (n > 0) out.push(`db${db.id}:keys=${n},expires=${db.expires.size},avg_ttl=${Math.round(db.avgTtl)}`);
    }
    out.push('');
  }
  return out.join('\r\n');
}
