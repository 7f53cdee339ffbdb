/**
 * INFO: Redis 7.0's sections, in Redis's order and with its field names, built from live
 * server state.
 *
 * A field appears when Cinnabar can give it a true value. Capabilities that do not exist yet
 * (RDB/AOF, replication, cluster, tracking, forks) report what Redis reports when they are
 * idle or disabled, which is the truth here (no save has happened, no replica is attached);
 * Redis internals with no equivalent in a Node process (allocator statistics, jemalloc
 * fragmentation, the main thread's own CPU time, the git build id) are left out rather than
 * invented. Memory figures are the process's: V8 heap plus memory outside it (Buffers).
 *
 * Selection (INFO [section ...]): no argument means 'default'; 'all' adds commandstats and
 * latencystats; 'everything' also adds module sections (there are none); names are
 * case-insensitive, unknown ones are ignored, and sections always come out in Redis's order.
 */
import os from 'node:os';
import path from 'node:path';
import type { CommandContext } from '../commands/spec.js';
import { lruClock } from '../keyspace/lru.js';
import { wallClockMicros } from '../commands/server.js';
import type { CommandEntry } from './command-table.js';
import { CINNABAR_VERSION, type Server } from './server.js';

const DEFAULT_SECTIONS = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules', 'errorstats', 'cluster', 'keyspace'];

/** Redis samples instantaneous metrics every 100 ms over the last 16 samples. */
const METRIC_SAMPLES = 16;
const METRIC_PERIOD_MS = 100;

class InstantMetric {
  private readonly samples = new Float64Array(METRIC_SAMPLES);
  private idx = 0;
  private lastTime = 0;
  private lastValue = 0;

  /** Record the counter's current value (Redis's trackInstantaneousMetric). */
  track(now: number, value: number): void {
    if (this.lastTime !== 0) {
      const dt = now - this.lastTime;
      this.samples[this.idx] = dt > 0 ? ((value - this.lastValue) * 1000) / dt : 0;
      this.idx = (this.idx + 1) % METRIC_SAMPLES;
    }
    this.lastTime = now;
    this.lastValue = value;
  }

  /** Per-second average over the samples. */
  get(): number {
    let sum = 0;
    for (let i = 0; i < METRIC_SAMPLES; i++) sum += this.samples[i] as number;
    return sum / METRIC_SAMPLES;
  }
}

/** Counters INFO reports that are sampled over time: rates, peak memory. */
export class ServerMetrics {
  /** Replication id of this master (there is no replication history to carry). */
  readonly replId = randomHex(40);
  readonly startupMemory = usedMemory();
  peakMemory = this.startupMemory;
  private readonly ops = new InstantMetric();
  private readonly netIn = new InstantMetric();
  private readonly netOut = new InstantMetric();
  private lastSample = 0;

  /** Called from the server cron; samples at most every 100 ms. */
  cron(server: Server, now: number): void {
    if (now - this.lastSample < METRIC_PERIOD_MS) return;
    this.lastSample = now;
    this.ops.track(now, server.dispatcher.totalCommands);
    this.netIn.track(now, server.stats.netInputBytes);
    this.netOut.track(now, server.stats.netOutputBytes);
    this.usedMemory();
  }

  /** Current used memory, updating the peak. */
  usedMemory(): number {
    const used = usedMemory();
    if (used > this.peakMemory) this.peakMemory = used;
    return used;
  }

  opsPerSec(): number {
    return Math.round(this.ops.get());
  }

  inputKbps(): number {
    return this.netIn.get() / 1024;
  }

  outputKbps(): number {
    return this.netOut.get() / 1024;
  }
}

function usedMemory(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

export function buildInfo(server: Server, args: readonly string[], _ctx: CommandContext): string {
  const wanted = new Set<string>();
  let all = false;
  if (args.length === 0) for (const s of DEFAULT_SECTIONS) wanted.add(s);
  for (const a of args) {
    if (a === 'default') for (const s of DEFAULT_SECTIONS) wanted.add(s);
    else if (a === 'all' || a === 'everything') all = true;
    else wanted.add(a);
  }
  const out: string[] = [];
  const section = (name: string, title: string, fields: () => string[]) => {
    if (!all && !wanted.has(name)) return;
    if (out.length > 0) out.push('');
    out.push(`# ${title}`, ...fields());
  };
  section('server', 'Server', () => serverSection(server));
  section('clients', 'Clients', () => clientsSection(server));
  section('memory', 'Memory', () => memorySection(server));
  section('persistence', 'Persistence', () => persistenceSection(server));
  section('stats', 'Stats', () => statsSection(server));
  section('replication', 'Replication', () => replicationSection(server));
  section('cpu', 'CPU', cpuSection);
  section('modules', 'Modules', () => []);
  section('commandstats', 'Commandstats', () => commandStatsSection(server));
  section('errorstats', 'Errorstats', () => errorStatsSection(server));
  // Per-command latency histograms are not tracked; the section is there, empty.
  section('latencystats', 'Latencystats', () => []);
  section('cluster', 'Cluster', () => ['cluster_enabled:0']);
  section('keyspace', 'Keyspace', () => keyspaceSection(server));
  return out.length === 0 ? '' : `${out.join('\r\n')}\r\n`;
}

function serverSection(server: Server): string[] {
  const now = server.clockNow();
  const uptime = Math.floor((now - server.startedAt) / 1000);
  const hz = server.config.get('hz');
  const lines = [
    `redis_version:${server.version}`,
    'redis_git_sha1:00000000',
    'redis_git_dirty:0',
    `cinnabar_version:${CINNABAR_VERSION}`,
    `node_version:${process.versions.node}`,
    'redis_mode:standalone',
    `os:${os.type()} ${os.release()} ${os.machine()}`,
    `arch_bits:${/64/.test(process.arch) ? 64 : 32}`,
  ];
  const mux = MULTIPLEXING_API[process.platform];
  if (mux !== undefined) lines.push(`multiplexing_api:${mux}`);
  lines.push(
    `process_id:${process.pid}`,
    'process_supervised:no',
    `run_id:${server.runId}`,
    `tcp_port:${server.tcpPort}`,
    `server_time_usec:${wallClockMicros(now)}`,
    `uptime_in_seconds:${uptime}`,
    `uptime_in_days:${Math.floor(uptime / 86400)}`,
    `hz:${hz}`,
    `configured_hz:${hz}`,
    `lru_clock:${lruClock(now)}`,
    `executable:${process.argv[1] !== undefined ? path.resolve(process.argv[1]) : process.execPath}`,
    `config_file:${server.configFile}`,
    'io_threads_active:0',
  );
  return lines;
}

/** The event notification mechanism libuv uses on each platform. */
const MULTIPLEXING_API: Partial<Record<NodeJS.Platform, string>> = {
  linux: 'epoll',
  android: 'epoll',
  darwin: 'kqueue',
  freebsd: 'kqueue',
  openbsd: 'kqueue',
  netbsd: 'kqueue',
  sunos: 'evport',
};

function clientsSection(server: Server): string[] {
  let connected = 0;
  let maxIn = 0;
  let maxOut = 0;
  for (const c of server.clientMap.values()) {
    const t = c.transport;
    if (!t) continue;
    connected++;
    maxIn = Math.max(maxIn, t.queryBufferLength);
    maxOut = Math.max(maxOut, t.outputBufferLength);
  }
  return [
    `connected_clients:${connected}`,
    'cluster_connections:0',
    `maxclients:${server.config.get('maxclients')}`,
    `client_recent_max_input_buffer:${maxIn}`,
    `client_recent_max_output_buffer:${maxOut}`,
    `blocked_clients:${server.blocking.blockedClients}`,
    'tracking_clients:0',
  ];
}

function memorySection(server: Server): string[] {
  const m = server.metrics;
  const used = m.usedMemory();
  const rss = process.memoryUsage.rss();
  const peak = m.peakMemory;
  const total = os.totalmem();
  const maxmemory = Number(server.config.get('maxmemory'));
  // The Lua heap of EVAL scripts (0 until the first script creates the engine).
  const lua = server.scripting.memory();
  let clientsMem = 0;
  for (const c of server.clientMap.values()) {
    if (c.transport) clientsMem += c.transport.queryBufferLength + c.transport.outputBufferLength;
  }
  return [
    `used_memory:${used}`,
    `used_memory_human:${bytesToHuman(used)}`,
    `used_memory_rss:${rss}`,
    `used_memory_rss_human:${bytesToHuman(rss)}`,
    `used_memory_peak:${peak}`,
    `used_memory_peak_human:${bytesToHuman(peak)}`,
    `used_memory_peak_perc:${((used * 100) / peak).toFixed(2)}%`,
    `used_memory_startup:${m.startupMemory}`,
    `total_system_memory:${total}`,
    `total_system_memory_human:${bytesToHuman(total)}`,
    `used_memory_lua:${lua.lua}`,
    `used_memory_vm_eval:${lua.lua}`,
    `used_memory_lua_human:${bytesToHuman(lua.lua)}`,
    `used_memory_scripts_eval:${lua.scriptsMemory}`,
    `number_of_cached_scripts:${lua.scripts}`,
    `number_of_functions:${lua.functions}`,
    `number_of_libraries:${lua.libraries}`,
    `used_memory_vm_functions:${lua.functionsLua}`,
    `used_memory_vm_total:${lua.lua + lua.functionsLua}`,
    `used_memory_vm_total_human:${bytesToHuman(lua.lua + lua.functionsLua)}`,
    `used_memory_functions:${lua.functionsMemory}`,
    `used_memory_scripts:${lua.scriptsMemory + lua.functionsMemory}`,
    `used_memory_scripts_human:${bytesToHuman(lua.scriptsMemory + lua.functionsMemory)}`,
    `maxmemory:${maxmemory}`,
    `maxmemory_human:${bytesToHuman(maxmemory)}`,
    `maxmemory_policy:${server.config.get('maxmemory-policy')}`,
    `mem_fragmentation_ratio:${(rss / used).toFixed(2)}`,
    `mem_fragmentation_bytes:${rss - used}`,
    'mem_not_counted_for_evict:0',
    'mem_replication_backlog:0',
    'mem_total_replication_buffers:0',
    'mem_clients_slaves:0',
    `mem_clients_normal:${clientsMem}`,
    'mem_cluster_links:0',
    'mem_aof_buffer:0',
    'active_defrag_running:0',
    'lazyfree_pending_objects:0',
    'lazyfreed_objects:0',
  ];
}

/** The RDB state from the persistence subsystem, the AOF's from the AOF. */
function persistenceSection(server: Server): string[] {
  return [
    ...server.persistence.infoLines(),
    ...server.aof.infoLines(),
    'module_fork_in_progress:0',
    'module_fork_last_cow_size:0',
    ...server.aof.infoTailLines(),
    ...server.persistence.loadingInfoLines(),
  ];
}

function statsSection(server: Server): string[] {
  const st = server.stats;
  const ks = server.ks.stats;
  const m = server.metrics;
  const d = server.dispatcher;
  return [
    `total_connections_received:${st.connectionsReceived}`,
    `total_commands_processed:${d.totalCommands}`,
    `instantaneous_ops_per_sec:${m.opsPerSec()}`,
    `total_net_input_bytes:${st.netInputBytes}`,
    `total_net_output_bytes:${st.netOutputBytes}`,
    'total_net_repl_input_bytes:0',
    'total_net_repl_output_bytes:0',
    `instantaneous_input_kbps:${m.inputKbps().toFixed(2)}`,
    `instantaneous_output_kbps:${m.outputKbps().toFixed(2)}`,
    'instantaneous_input_repl_kbps:0.00',
    'instantaneous_output_repl_kbps:0.00',
    `rejected_connections:${st.rejectedConnections}`,
    'sync_full:0',
    'sync_partial_ok:0',
    'sync_partial_err:0',
    `expired_keys:${ks.expiredKeys}`,
    `expired_stale_perc:${(ks.expiredStalePerc * 100).toFixed(2)}`,
    `expired_time_cap_reached_count:${ks.expiredTimeCapReachedCount}`,
    `expire_cycle_cpu_milliseconds:${Math.floor(ks.expireCycleCpuMs)}`,
    `evicted_keys:${ks.evictedKeys}`,
    'evicted_clients:0',
    'total_eviction_exceeded_time:0',
    'current_eviction_exceeded_time:0',
    `keyspace_hits:${ks.keyspaceHits}`,
    `keyspace_misses:${ks.keyspaceMisses}`,
    `pubsub_channels:${server.pubsub.channelCount}`,
    `pubsub_patterns:${server.pubsub.patternCount}`,
    `pubsubshard_channels:${server.pubsub.shardChannelCount}`,
    'latest_fork_usec:0',
    'total_forks:0',
    'migrate_cached_sockets:0',
    'slave_expires_tracked_keys:0',
    'active_defrag_hits:0',
    'active_defrag_misses:0',
    'active_defrag_key_hits:0',
    'active_defrag_key_misses:0',
    'total_active_defrag_time:0',
    'current_active_defrag_time:0',
    'tracking_total_keys:0',
    'tracking_total_items:0',
    'tracking_total_prefixes:0',
    'unexpected_error_replies:0',
    `total_error_replies:${d.totalErrorReplies}`,
    'dump_payload_sanitizations:0',
    `total_reads_processed:${server.stats.readsProcessed}`,
    `total_writes_processed:${server.stats.writesProcessed}`,
    'io_threaded_reads_processed:0',
    'io_threaded_writes_processed:0',
    'reply_buffer_shrinks:0',
    'reply_buffer_expands:0',
  ];
}

function replicationSection(server: Server): string[] {
  return [
    'role:master',
    'connected_slaves:0',
    'master_failover_state:no-failover',
    `master_replid:${server.metrics.replId}`,
    'master_replid2:0000000000000000000000000000000000000000',
    'master_repl_offset:0',
    'second_repl_offset:-1',
    'repl_backlog_active:0',
    'repl_backlog_size:1048576',
    'repl_backlog_first_byte_offset:0',
    'repl_backlog_histlen:0',
  ];
}

/** Process CPU time; Node has no per-thread figure, so the *_main_thread fields are left out. */
function cpuSection(): string[] {
  const u = process.cpuUsage();
  return [
    `used_cpu_sys:${seconds6(u.system)}`,
    `used_cpu_user:${seconds6(u.user)}`,
    'used_cpu_sys_children:0.000000',
    'used_cpu_user_children:0.000000',
  ];
}

function seconds6(us: number): string {
  return `${Math.floor(us / 1e6)}.${String(Math.floor(us % 1e6)).padStart(6, '0')}`;
}

/** cmdstat_<name> for every command (and subcommand) that was called, rejected or failed. */
function commandStatsSection(server: Server): string[] {
  const lines: string[] = [];
  const add = (e: CommandEntry) => {
    const s = e.stats;
    if (s.calls === 0 && s.rejectedCalls === 0 && s.failedCalls === 0) return;
    const usec = Math.floor(s.usec);
    const perCall = s.calls === 0 ? 0 : usec / s.calls;
    lines.push(
      `cmdstat_${e.fullName}:calls=${s.calls},usec=${usec},usec_per_call=${perCall.toFixed(2)},` +
        `rejected_calls=${s.rejectedCalls},failed_calls=${s.failedCalls}`,
    );
  };
  for (const e of server.table.entries) {
    add(e);
    if (e.subcommands) for (const sub of e.subcommands.values()) add(sub);
  }
  return lines;
}

/** errorstat_<CODE>:count=N, sorted by code as Redis's radix tree keeps them. */
function errorStatsSection(server: Server): string[] {
  const codes = [...server.dispatcher.errorStats.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return codes.map(([code, n]) => `errorstat_${code}:count=${n}`);
}

function keyspaceSection(server: Server): string[] {
  const lines: string[] = [];
  for (const db of server.ks.dbs) {
    const n = db.size;
    if (n > 0) lines.push(`db${db.id}:keys=${n},expires=${db.expires.size},avg_ttl=${Math.floor(db.avgTtl)}`);
  }
  return lines;
}

/** Redis's bytesToHuman. */
export function bytesToHuman(n: number): string {
  const units = ['K', 'M', 'G', 'T', 'P'];
  if (n < 1024) return `${n}B`;
  let d = n;
  for (const u of units) {
    d /= 1024;
    if (d < 1024 || u === 'P') return `${d.toFixed(2)}${u}`;
  }
  return `${n}B`;
}

function randomHex(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(Math.random() * 16).toString(16);
  return s;
}
