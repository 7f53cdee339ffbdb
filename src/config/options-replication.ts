/**
 * Replication, cluster and TLS directives (part of the one config table, spread into
 * options.ts).
 *
 * None of the three capabilities is built. Their switches are inert at the value that asks
 * for nothing: replicaof/slaveof (no master), cluster-enabled no, tls-port 0, tls-replication
 * and tls-cluster no. min-replicas-to-write is inert at 0 too: on a master it refuses writes
 * unless enough replicas are connected, which a client would observe. Every other row only
 * tunes a link, a cluster bus or a TLS context that cannot exist while those switches are off,
 * so any value Redis would accept is stored (tuning) for those subsystems to read when built.
 */
import { INT_MAX, LLONG_MAX, LONG_MAX } from './numeric.js';
import { boolOpt, enumOpt, isEmpty, isNo, isZero, numOpt, specialOpt, strOpt, type OptionRow, type RowOptions } from './option-types.js';
import { checkAnnouncedHostname, parseReplicaOf } from './special.js';

const T: RowOptions = { status: 'tuning' };
const REPL_BACKLOG_MIN = 16 * 1024;

export const REPLICATION_OPTIONS: readonly OptionRow[] = [
  specialOpt('replicaof', '', parseReplicaOf, { aliases: ['slaveof'], immutable: true, multiArg: true, inert: isEmpty }),
  strOpt('masterauth', '', T),
  strOpt('masteruser', '', T),
  strOpt('replica-announce-ip', '', { aliases: ['slave-announce-ip'], ...T }),
  numOpt('replica-announce-port', 'int', 0n, 65535n, 0n, { aliases: ['slave-announce-port'], ...T }),
  boolOpt('replica-announced', 'yes', T),
  boolOpt('replica-serve-stale-data', 'yes', { aliases: ['slave-serve-stale-data'], ...T }),
  boolOpt('replica-read-only', 'yes', { aliases: ['slave-read-only'], ...T }),
  boolOpt('replica-ignore-maxmemory', 'yes', { aliases: ['slave-ignore-maxmemory'], ...T }),
  boolOpt('replica-lazy-flush', 'no', { aliases: ['slave-lazy-flush'], ...T }),
  numOpt('replica-priority', 'int', 0n, INT_MAX, 100n, { aliases: ['slave-priority'], ...T }),
  boolOpt('replica-ignore-disk-write-errors', 'no', T),
  boolOpt('repl-diskless-sync', 'yes', T),
  numOpt('repl-diskless-sync-delay', 'int', 0n, INT_MAX, 5n, T),
  numOpt('repl-diskless-sync-max-replicas', 'int', 0n, INT_MAX, 0n, T),
  enumOpt('repl-diskless-load', ['disabled', 'on-empty-db', 'swapdb'], 'disabled', T),
  boolOpt('repl-disable-tcp-nodelay', 'no', T),
  numOpt('repl-ping-replica-period', 'int', 1n, INT_MAX, 10n, { aliases: ['repl-ping-slave-period'], ...T }),
  numOpt('repl-timeout', 'int', 1n, INT_MAX, 60n, T),
  // Redis grows a CONFIG SET value below 16kb to 16kb when it resizes the backlog.
  numOpt('repl-backlog-size', 'longlong', 1n, LLONG_MAX, 1024n * 1024n, {
    memory: true,
    normalize: (v, from) => (from === 'set' && Number(v) < REPL_BACKLOG_MIN ? String(REPL_BACKLOG_MIN) : v),
    ...T,
  }),
  numOpt('repl-backlog-ttl', 'time_t', 0n, LONG_MAX, 3600n, T),
  numOpt('min-replicas-to-write', 'int', 0n, INT_MAX, 0n, { aliases: ['min-slaves-to-write'], inert: isZero }),
  numOpt('min-replicas-max-lag', 'int', 0n, INT_MAX, 10n, { aliases: ['min-slaves-max-lag'], ...T }),
  enumOpt('propagation-error-behavior', ['ignore', 'panic', 'panic-on-replicas'], 'ignore', T),

  boolOpt('cluster-enabled', 'no', { immutable: true, inert: isNo }),
  strOpt('cluster-config-file', 'nodes.conf', { immutable: true, ...T }),
  numOpt('cluster-port', 'int', 0n, 65535n, 0n, { immutable: true, ...T }),
  numOpt('cluster-node-timeout', 'longlong', 0n, LLONG_MAX, 15000n, T),
  strOpt('cluster-announce-ip', '', T),
  strOpt('cluster-announce-hostname', '', { check: checkAnnouncedHostname, ...T }),
  numOpt('cluster-announce-port', 'int', 0n, 65535n, 0n, T),
  numOpt('cluster-announce-bus-port', 'int', 0n, 65535n, 0n, T),
  numOpt('cluster-announce-tls-port', 'int', 0n, 65535n, 0n, T),
  numOpt('cluster-replica-validity-factor', 'int', 0n, INT_MAX, 10n, { aliases: ['cluster-slave-validity-factor'], ...T }),
  numOpt('cluster-migration-barrier', 'int', 0n, INT_MAX, 1n, T),
  boolOpt('cluster-require-full-coverage', 'yes', T),
  boolOpt('cluster-replica-no-failover', 'no', { aliases: ['cluster-slave-no-failover'], ...T }),
  boolOpt('cluster-allow-reads-when-down', 'no', T),
  boolOpt('cluster-allow-pubsubshard-when-down', 'yes', T),
  boolOpt('cluster-allow-replica-migration', 'yes', T),
  numOpt('cluster-link-sendbuf-limit', 'ulonglong', 0n, 2n ** 64n - 1n, 0n, { memory: true, ...T }),
  enumOpt('cluster-preferred-endpoint-type', ['ip', 'hostname', 'unknown-endpoint'], 'ip', T),

  numOpt('tls-port', 'int', 0n, 65535n, 0n, { inert: isZero }),
  boolOpt('tls-replication', 'no', { inert: isNo }),
  boolOpt('tls-cluster', 'no', { inert: isNo }),
  numOpt('tls-session-cache-size', 'int', 0n, INT_MAX, 20480n, T),
  numOpt('tls-session-cache-timeout', 'int', 0n, INT_MAX, 300n, T),
  enumOpt('tls-auth-clients', ['no', 'yes', 'optional'], 'yes', T),
  boolOpt('tls-prefer-server-ciphers', 'no', T),
  boolOpt('tls-session-caching', 'yes', T),
  ...[
    'tls-cert-file',
    'tls-key-file',
    'tls-key-file-pass',
    'tls-client-cert-file',
    'tls-client-key-file',
    'tls-client-key-file-pass',
    'tls-dh-params-file',
    'tls-ca-cert-file',
    'tls-ca-cert-dir',
    'tls-protocols',
    'tls-ciphers',
    'tls-ciphersuites',
  ].map((n) => strOpt(n, '', T)),
];
