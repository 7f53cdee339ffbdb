/**
 * Wiring of the AOF (src/persistence/aof.ts) to the server: the propagation target, the AOF
 * client that loading runs commands as, the flush before replies, and the MISCONF gate of a
 * failed AOF write (Redis's writeCommandsDeniedByDiskError, DISK_ERROR_TYPE_AOF).
 *
 * The AOF client is a fake client, like Redis's createAOFClient: it never blocks, its replies
 * are dropped, and inside MULTI it queues every command but EXEC. Commands run through
 * Dispatcher.call without the gates (no auth, MISCONF or LOADING checks), with arity checked
 * here since a damaged file could hold anything.
 */
import type { Argv } from '../protocol/argv.js';
import { aofWriteError } from '../commands/errors.js';
import { Aof, type AofHost } from '../persistence/aof.js';
import type { AofExecutor } from '../persistence/aof-loader.js';
import { Client } from './client.js';
import { ClientTransaction } from './transaction.js';
import { ClientPubSub } from './client-pubsub.js';
import { F, type CommandEntry } from './command-table.js';
import type { Gate } from './dispatcher.js';
import type { Server } from './server.js';

class AofClient implements AofExecutor {
  private readonly c: Client;

  constructor(private readonly server: Server) {
    const c = new Client(0, server.ks, server, true, server.clockNow());
    c.reply.onError = () => undefined;
    c.tx = new ClientTransaction(c, server);
    c.pubsub = new ClientPubSub(c, server);
    c.propagator = server.dispatcher.prop;
    c.mustObey = true;
    this.c = c;
  }

  get inMulti(): boolean {
    return this.c.tx.queue !== null;
  }

  resetMulti(): void {
    this.c.tx.clear();
    this.c.select(0);
  }

  exec(argv: Argv): 'ok' | 'unknown' | 'arity' {
    const s = this.server;
    let e: CommandEntry | undefined = s.table.find(argv);
    if (e !== undefined && e.subcommands !== null && argv.argc >= 2) e = e.subcommands.get(argv.lower(1));
    if (e === undefined) return 'unknown';
    const arity = e.spec.arity;
    if ((arity > 0 && argv.argc !== arity) || argv.argc < -arity) return 'arity';
    const c = this.c;
    const q = c.tx.queue;
    if (q !== null && e.fullName !== 'exec') {
      q.push({ entry: e, argv: argv.clone() });
      return 'ok';
    }
    // Loading runs commands without counting them (commandstats, total_commands_processed),
    // as Redis calls their procs directly; the changes do count (rdb_changes_since_last_save).
    const d = s.dispatcher;
    const entries = q === null ? [e] : [e, ...q.map((x) => x.entry)];
    const saved = entries.map((x) => [x.stats.calls, x.stats.usec, x.stats.failedCalls] as const);
    const total = d.totalCommands;
    d.call(c, e, argv);
    for (let i = entries.length - 1; i >= 0; i--) {
      const st = (entries[i] as CommandEntry).stats;
      const [calls, usec, failed] = saved[i] as readonly [number, number, number];
      st.calls = calls;
      st.usec = usec;
      st.failedCalls = failed;
    }
    d.totalCommands = total;
    c.reply.take();
    return 'ok';
  }
}

export function createAof(server: Server): Aof {
  let aof: Aof | null = null;
  const gate: Gate = (_c, e) => ((e.flags & F.write) !== 0 || e.fullName === 'ping' ? aofWriteError((aof as Aof).writeError) : null);
  const host: AofHost = {
    ks: server.ks,
    config: server.config,
    persistence: server.persistence,
    clockNow: () => server.clockNow(),
    log: (level, msg) => server.log(level, msg),
    usedMemory: () => server.metrics.usedMemory(),
    setTarget: (w) => {
      server.dispatcher.prop.target = w;
    },
    pending: () => server.afterInput(),
    fatal: (msg) => server.fatal(msg),
    executor: new AofClient(server),
    setLoading: (on) => {
      const p = server.persistence;
      p.loading = on;
      // Re-evaluates the LOADING (and MISCONF) gates from the persistence state.
      p.configChanged();
    },
    resetDirty: () => {
      server.dirty = 0;
    },
    gatesChanged: () => {
      const gates = server.dispatcher.gates;
      const i = gates.indexOf(gate);
      const on = aof !== null && aof.writesDenied;
      if (on && i < 0) gates.push(gate);
      else if (!on && i >= 0) gates.splice(i, 1);
    },
  };
  aof = new Aof(host);
  server.persistence.otherChildActive = () => aof !== null && aof.rewriteInProgress;
  return aof;
}
