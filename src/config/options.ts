/**
 * The configuration table: one row per redis.conf directive Redis 7.0.15 knows, as Redis's
 * static_configs[] (names, aliases, C types, bounds, defaults and mutability all equal
 * Redis's; tests/unit/config.test.ts compares them with a live redis-server).
 *
 * The redis.conf parser, command-line flags, CONFIG GET/SET/RESETSTAT, INFO and the server's
 * start-up all read this table. Every row has a status (option-types.ts):
 *   implemented — Cinnabar does what the value says;
 *   tuning      — any valid value is accepted because the only thing it tunes cannot be
 *                 observed by a client today: either the feature is gated by an inert
 *                 directive (replication knobs while `replicaof` is inert), or it tunes
 *                 process internals that do not exist in Node (allocator, C signal handlers);
 *   inert       — the capability is not built: only the value that asks for nothing is
 *                 accepted, anything else is refused at start-up and by CONFIG SET naming
 *                 the directive, never silently ignored.
 * The reasoning is written per group below. Directives that are not key/value pairs
 * (include, rename-command, user, loadmodule, sentinel) are handled by file.ts.
 */
import { ENCODING_OPTIONS } from './options-encoding.js';
import { PERSISTENCE_OPTIONS } from './options-persistence.js';
import { REPLICATION_OPTIONS } from './options-replication.js';
import { INT_MAX, LLONG_MAX, LONG_MAX, UINT_MAX, type NumericSpec } from './numeric.js';
import { boolOpt, enumOpt, isEmpty, isNo, isZero, numOpt, specialOpt, strOpt, type OptionRow } from './option-types.js';
import {
  checkActiveDefrag,
  checkProcTitleTemplate,
  checkShutdownFlags,
  parseBind,
  parseClientOutputBufferLimit,
  parseLatencyPercentiles,
  parseNotifyKeyspaceEvents,
  parseOomScoreAdjValues,
} from './special.js';

export type { OptionKind, OptionRow, OptionStatus } from './option-types.js';

const HZ_MIN = 1;
const HZ_MAX = 500;

/*
 * Network. port/bind/protected-mode/tcp-backlog/timeout/tcp-keepalive/maxclients are
 * implemented by network/listener.ts and the server cron. Changing port or bind with CONFIG SET
 * would need a synchronous re-listen (Redis rebinds before replying): Node listens
 * asynchronously, so CONFIG SET may only keep their current value (restartOnly) and says so.
 * unixsocket (no unix listener yet) and socket-mark-id (SO_MARK is not reachable from Node) are
 * inert; unixsocketperm only applies to a unix socket, which cannot be enabled, so any valid value
 * is tuning; bind-source-addr only applies to outgoing replication/cluster links (inert).
 */
const NETWORK: readonly OptionRow[] = [
  numOpt('port', 'int', 0n, 65535n, 6379n, { restartOnly: true }),
  specialOpt('bind', '* -::*', parseBind, { multiArg: true, restartOnly: true }),
  boolOpt('protected-mode', 'yes'),
  numOpt('tcp-backlog', 'int', 0n, INT_MAX, 511n, { immutable: true }),
  numOpt('timeout', 'int', 0n, INT_MAX, 0n),
  numOpt('tcp-keepalive', 'int', 0n, INT_MAX, 300n),
  numOpt('maxclients', 'uint', 1n, UINT_MAX, 10000n),
  strOpt('unixsocket', '', { immutable: true, inert: isEmpty }),
  numOpt('unixsocketperm', 'uint', 0n, 0o777n, 0n, { immutable: true, octal: true, status: 'tuning' }),
  numOpt('socket-mark-id', 'uint', 0n, UINT_MAX, 0n, { immutable: true, inert: isZero }),
  strOpt('bind-source-addr', '', { status: 'tuning' }),
];

/*
 * Process and logging. databases, pidfile, loglevel, logfile, hz, set-proc-title,
 * proc-title-template and always-show-logo are implemented (main.ts writes the pid file, sets
 * process.title, prints the logo). daemonize, supervised and syslog-enabled ask for process
 * management Cinnabar does not do: inert at their "no". syslog-ident/facility only matter with
 * syslog (tuning). The *_cpulist directives pin threads to CPUs, io-threads starts I/O threads,
 * oom-score-adj rewrites /proc/self/oom_score_adj: not built, so inert; their dependent knobs
 * (io-threads-do-reads, oom-score-adj-values) are tuning. crash-log/memcheck, use-exit-on-panic,
 * disable-thp, jemalloc-bg-thread, dynamic-hz and watchdog-period tune C-runtime internals
 * that have no counterpart in Node: tuning. shutdown-on-sigterm / -sigint choose what SIGTERM
 * and SIGINT do (save, nosave, now, force), as in Redis.
 */
const PROCESS: readonly OptionRow[] = [
  numOpt('databases', 'int', 1n, INT_MAX, 16n, { immutable: true }),
  boolOpt('daemonize', 'no', { immutable: true, inert: isNo }),
  enumOpt('supervised', ['upstart', 'systemd', 'auto', 'no'], 'no', { immutable: true, inert: isNo }),
  strOpt('pidfile', '', { immutable: true }),
  enumOpt('loglevel', ['debug', 'verbose', 'notice', 'warning'], 'notice'),
  strOpt('logfile', '', { immutable: true }),
  boolOpt('syslog-enabled', 'no', { immutable: true, inert: isNo }),
  strOpt('syslog-ident', 'redis', { immutable: true, status: 'tuning' }),
  enumOpt('syslog-facility', ['user', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'], 'local0', { immutable: true, status: 'tuning' }),
  boolOpt('always-show-logo', 'no', { immutable: true }),
  boolOpt('set-proc-title', 'yes', { immutable: true }),
  strOpt('proc-title-template', '{title} {listen-addr} {server-mode}', { check: checkProcTitleTemplate }),
  numOpt('hz', 'int', 0n, INT_MAX, 10n, { normalize: (v) => String(Math.min(HZ_MAX, Math.max(HZ_MIN, Number(v)))) }),
  boolOpt('dynamic-hz', 'yes', { status: 'tuning' }),
  numOpt('shutdown-timeout', 'int', 0n, INT_MAX, 10n, { status: 'tuning' }),
  enumOpt('shutdown-on-sigint', ['default', 'save', 'nosave', 'now', 'force'], 'default', { flagSet: true, check: checkShutdownFlags }),
  enumOpt('shutdown-on-sigterm', ['default', 'save', 'nosave', 'now', 'force'], 'default', { flagSet: true, check: checkShutdownFlags }),
  strOpt('server_cpulist', '', { immutable: true, inert: isEmpty }),
  strOpt('bio_cpulist', '', { immutable: true, inert: isEmpty }),
  strOpt('aof_rewrite_cpulist', '', { immutable: true, inert: isEmpty }),
  strOpt('bgsave_cpulist', '', { immutable: true, inert: isEmpty }),
  numOpt('io-threads', 'int', 1n, 128n, 1n, { immutable: true, inert: (v) => v === '1' }),
  boolOpt('io-threads-do-reads', 'no', { immutable: true, status: 'tuning' }),
  enumOpt('oom-score-adj', ['no', 'yes', 'relative', 'absolute'], 'no', { synonyms: { relative: 'yes' }, inert: isNo }),
  specialOpt('oom-score-adj-values', '0 200 800', parseOomScoreAdjValues, { multiArg: true, status: 'tuning' }),
  boolOpt('crash-log-enabled', 'yes', { status: 'tuning' }),
  boolOpt('crash-memcheck-enabled', 'yes', { status: 'tuning' }),
  boolOpt('use-exit-on-panic', 'no', { hidden: true, status: 'tuning' }),
  boolOpt('disable-thp', 'yes', { immutable: true, status: 'tuning' }),
  boolOpt('jemalloc-bg-thread', 'yes', { status: 'tuning' }),
  numOpt('watchdog-period', 'int', 0n, INT_MAX, 0n, { hidden: true, status: 'tuning' }),
  strOpt('ignore-warnings', '', { status: 'tuning' }),
];

/*
 * Security. requirepass is implemented (the default user's password); enable-protected-configs
 * gates CONFIG SET of dir and dbfilename as in Redis. aclfile (loading ACL users) is not built:
 * inert. acllog-max-len and acl-pubsub-default tune ACL LOG / users created by ACL SETUSER, and
 * enable-debug-command / enable-module-command gate DEBUG and MODULE: stored for those
 * commands to read (tuning until they do).
 */
const SECURITY: readonly OptionRow[] = [
  strOpt('requirepass', ''),
  strOpt('aclfile', '', { immutable: true, inert: isEmpty }),
  numOpt('acllog-max-len', 'ulong', 0n, LONG_MAX, 128n, { status: 'tuning' }),
  enumOpt('acl-pubsub-default', ['allchannels', 'resetchannels'], 'resetchannels', { status: 'tuning' }),
  enumOpt('enable-protected-configs', ['no', 'yes', 'local'], 'no', { immutable: true }),
  enumOpt('enable-debug-command', ['no', 'yes', 'local'], 'no', { immutable: true, status: 'tuning' }),
  enumOpt('enable-module-command', ['no', 'yes', 'local'], 'no', { immutable: true, status: 'tuning' }),
];

/*
 * Limits and the keyspace. Protocol limits, client-output-buffer-limit's pubsub class,
 * notify-keyspace-events, maxmemory-policy and lfu-* (OBJECT FREQ/IDLETIME), active-expire-
 * effort, hll-sparse-max-bytes (read by each HyperLogLog write) and stream-node-max-bytes /
 * stream-node-max-entries (read by XADD) are implemented. maxmemory
 * (eviction/OOM) and maxmemory-clients (client eviction) are inert at 0; the eviction knobs
 * (samples, tenacity) can only act when maxmemory is set: tuning. client-output-buffer-limit
 * may not limit the normal class (output limits for normal clients are not enforced); the
 * replica class is tuning. The remaining rows tune features that read them when built
 * (SLOWLOG, LATENCY, tracking, scripts' busy threshold) or C memory
 * management (lazy freeing, rehashing, defragmentation): tuning. activedefrag yes is refused
 * as Debian's Redis refuses it.
 */
const LIMITS: readonly OptionRow[] = [
  numOpt('proto-max-bulk-len', 'longlong', 1024n * 1024n, LONG_MAX, 512n * 1024n * 1024n, { memory: true }),
  numOpt('client-query-buffer-limit', 'size_t', 1024n * 1024n, LONG_MAX, 1024n * 1024n * 1024n, { memory: true }),
  specialOpt('client-output-buffer-limit', 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60', parseClientOutputBufferLimit, {
    multiArg: true,
    inert: (v) => v.startsWith('normal 0 0 0 '),
  }),
  specialOpt('notify-keyspace-events', '', parseNotifyKeyspaceEvents),
  numOpt('maxmemory', 'ulonglong', 0n, 2n ** 64n - 1n, 0n, { memory: true, inert: isZero }),
  numOpt('maxmemory-clients', 'ssize_t', -100n, LLONG_MAX, 0n, { memory: true, percent: true, inert: isZero }),
  enumOpt('maxmemory-policy', ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction'], 'noeviction'),
  numOpt('maxmemory-samples', 'int', 1n, INT_MAX, 5n, { status: 'tuning' }),
  numOpt('maxmemory-eviction-tenacity', 'int', 0n, 100n, 10n, { status: 'tuning' }),
  numOpt('lfu-log-factor', 'int', 0n, INT_MAX, 10n),
  numOpt('lfu-decay-time', 'int', 0n, INT_MAX, 1n),
  numOpt('active-expire-effort', 'int', 1n, 10n, 1n),
  numOpt('tracking-table-max-keys', 'size_t', 0n, LONG_MAX, 1000000n, { status: 'tuning' }),
  numOpt('busy-reply-threshold', 'longlong', 0n, LONG_MAX, 5000n, { aliases: ['lua-time-limit'], status: 'tuning' }),
  numOpt('slowlog-log-slower-than', 'longlong', -1n, LLONG_MAX, 10000n, { status: 'tuning' }),
  numOpt('slowlog-max-len', 'ulong', 0n, LONG_MAX, 128n, { status: 'tuning' }),
  numOpt('latency-monitor-threshold', 'longlong', 0n, LLONG_MAX, 0n, { status: 'tuning' }),
  boolOpt('latency-tracking', 'yes', { status: 'tuning' }),
  specialOpt('latency-tracking-info-percentiles', '50 99 99.9', parseLatencyPercentiles, { multiArg: true, status: 'tuning' }),
  numOpt('hll-sparse-max-bytes', 'size_t', 0n, LONG_MAX, 3000n, { memory: true }),
  numOpt('stream-node-max-bytes', 'size_t', 0n, LONG_MAX, 4096n, { memory: true }),
  numOpt('stream-node-max-entries', 'longlong', 0n, LLONG_MAX, 100n),
  boolOpt('lazyfree-lazy-eviction', 'no', { status: 'tuning' }),
  boolOpt('lazyfree-lazy-expire', 'no', { status: 'tuning' }),
  boolOpt('lazyfree-lazy-server-del', 'no', { status: 'tuning' }),
  boolOpt('lazyfree-lazy-user-del', 'no', { status: 'tuning' }),
  boolOpt('lazyfree-lazy-user-flush', 'no', { status: 'tuning' }),
  boolOpt('activerehashing', 'yes', { status: 'tuning' }),
  boolOpt('activedefrag', 'no', { check: checkActiveDefrag, status: 'tuning' }),
  numOpt('active-defrag-ignore-bytes', 'size_t', 1n, LLONG_MAX, 100n << 20n, { memory: true, status: 'tuning' }),
  numOpt('active-defrag-threshold-lower', 'int', 0n, 1000n, 10n, { status: 'tuning' }),
  numOpt('active-defrag-threshold-upper', 'int', 0n, 1000n, 100n, { status: 'tuning' }),
  numOpt('active-defrag-cycle-min', 'int', 1n, 99n, 1n, { status: 'tuning' }),
  numOpt('active-defrag-cycle-max', 'int', 1n, 99n, 25n, { status: 'tuning' }),
  numOpt('active-defrag-max-scan-fields', 'ulong', 1n, LONG_MAX, 1000n, { status: 'tuning' }),
];

/**
 * Redis's exact types for the encoding rows (options-encoding.ts, shared with the value
 * layer): the *-value thresholds are memory values, the rest plain integers.
 */
const ENCODING_TYPES: Readonly<Record<string, NumericSpec>> = {
  'hash-max-listpack-entries': { type: 'size_t', min: 0n, max: LONG_MAX },
  'hash-max-listpack-value': { type: 'size_t', min: 0n, max: LONG_MAX, memory: true },
  'set-max-intset-entries': { type: 'size_t', min: 0n, max: LONG_MAX },
  'zset-max-listpack-entries': { type: 'size_t', min: 0n, max: LONG_MAX },
  'zset-max-listpack-value': { type: 'size_t', min: 0n, max: LONG_MAX, memory: true },
  'list-max-listpack-size': { type: 'int', min: -(2n ** 31n), max: INT_MAX },
  'list-compress-depth': { type: 'int', min: 0n, max: INT_MAX },
};

/** Directive names Redis 7.0.15 does not have (7.2's set-max-listpack-*): exact-name only. */
const NOT_IN_7_0 = new Set(['set-max-listpack-entries', 'set-max-listpack-value']);

function refineEncoding(r: OptionRow): OptionRow {
  const num = ENCODING_TYPES[r.name];
  const memory = num?.memory === true;
  return {
    ...r,
    ...(num ? { num, kind: memory ? ('memory' as const) : ('int' as const) } : {}),
    ...(NOT_IN_7_0.has(r.name) ? { hidden: true } : {}),
  };
}

export const OPTIONS: readonly OptionRow[] = [
  ...NETWORK,
  ...PROCESS,
  ...SECURITY,
  ...LIMITS,
  ...ENCODING_OPTIONS.map(refineEncoding),
  ...PERSISTENCE_OPTIONS,
  ...REPLICATION_OPTIONS,
];

/** Names of the inert directives (for docs and tests). */
export function inertDirectives(): string[] {
  return OPTIONS.filter((r) => r.inert !== undefined).map((r) => r.name);
}
