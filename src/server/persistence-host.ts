/**
 * Wiring of the persistence subsystem to the server: what it may read and change (the
 * keyspace, the config, the change counter, the clock, the log), and the dispatcher gates its
 * state turns on, as Redis's processCommand checks them:
 *
 *   MISCONF  while the last background save failed, save points exist and
 *            stop-writes-on-bgsave-error is yes: write commands and PING are refused;
 *   LOADING  while the dataset is being loaded: commands without the `loading` flag are
 *            refused.
 *
 * The gates are in the dispatcher's list only while they apply, so the common path pays
 * nothing for them.
 */
import { ERR } from '../commands/errors.js';
import { Persistence, type PersistenceHost } from '../persistence/persistence.js';
import { F } from './command-table.js';
import type { Gate } from './dispatcher.js';
import type { Server } from './server.js';

/** Redis's writeCommandsDeniedByDiskError check (PING included, as Redis does). */
const misconfGate: Gate = (_c, e) => ((e.flags & F.write) !== 0 || e.fullName === 'ping' ? ERR.misconf : null);

/** Redis's "-LOADING" check. */
const loadingGate: Gate = (_c, e) => ((e.flags & F.loading) === 0 ? ERR.loading : null);

function setGate(gates: Gate[], gate: Gate, on: boolean): void {
  const i = gates.indexOf(gate);
  if (on && i < 0) gates.push(gate);
  else if (!on && i >= 0) gates.splice(i, 1);
}

export function createPersistence(server: Server): Persistence {
  let p: Persistence | null = null;
  const host: PersistenceHost = {
    ks: server.ks,
    config: server.config,
    get dirty() {
      return server.dirty;
    },
    set dirty(v: number) {
      server.dirty = v;
    },
    clockNow: () => server.clockNow(),
    log: (level, msg) => server.log(level, msg),
    usedMemory: () => server.metrics.usedMemory(),
    gatesChanged: () => {
      if (p === null) return;
      const gates = server.dispatcher.gates;
      // MISCONF is checked before LOADING, as in processCommand.
      setGate(gates, loadingGate, false);
      setGate(gates, misconfGate, p.writesDenied);
      setGate(gates, loadingGate, p.loading);
    },
  };
  p = new Persistence(host);
  server.config.onChange((name) => {
    if (name === 'save' || name === 'stop-writes-on-bgsave-error') p?.configChanged();
    return null;
  });
  return p;
}
