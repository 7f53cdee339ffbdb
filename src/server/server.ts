/**
 * Server: the composition root of one Cinnabar instance — config, keyspace, command table,
 * dispatcher, clients, the cron (active expiry, client timeouts) and logging.
 *
 * Several Servers can live in one process; nothing here is global. The network layer creates
 * a Client per connection through createClient(); index.ts wires listeners to a Server.
 */
import { Config } from '../config/config.js';
import { ALL_COMMANDS } from '../commands/index.js';
import type { CommandContext, ScriptRunFlags, ServerServices } from '../commands/spec.js';
import type { Argv } from '../protocol/argv.js';
import { Keyspace, type EncodingLimits } from '../keyspace/keyspace.js';
import { ENCODING_OPTIONS } from '../config/options-encoding.js';
import { parseNotifyFlags } from '../keyspace/notify.js';
import { CommandTable } from './command-table.js';
import { Dispatcher } from './dispatcher.js';
import { Client, type ClientTransport } from './client.js';
import { ClientList } from './client-list.js';
import { buildInfo, ServerMetrics } from './info.js';
import { ERR } from '../commands/errors.js';
import { Logger, type LogLevel } from './log.js';
import { BlockManager } from '../blocking/blocking.js';
import { wireSubsystems } from './subsystems.js';
import { WatchManager } from '../transactions/watch.js';
import { ClientTransaction } from './transaction.js';
import { ClientPubSub } from './client-pubsub.js';
import { PubSub, parsePubsubLimit } from '../pubsub/pubsub.js';
import { Scripting } from '../scripting/scripting.js';
import { ScriptCaller } from './script-caller.js';
import { dumpFunctionsPayload, restoreFunctionsPayload } from './function-payload.js';
import { createPersistence } from './persistence-host.js';
import type { Persistence } from '../persistence/persistence.js';
import { createAof } from './aof-host.js';
import type { Aof } from '../persistence/aof.js';

export const REDIS_VERSION = '7.0.15';
export const CINNABAR_VERSION = '0.1.0';

export interface ServerStats {
  connectionsReceived: number;
  rejectedConnections: number;
  netInputBytes: number;
  /** Socket reads and writes (INFO total_reads_processed / total_writes_processed). */
  readsProcessed: number;
  writesProcessed: number;
  netOutputBytes: number;
}

export interface ServerOptions {
  config: Config;
  /** Wall clock in ms; tests may inject a fake one. */
  clock?: () => number;
  random?: () => number;
  logger?: Logger;
  /** Called when SHUTDOWN (or a signal) decides the server stops. */
  onShutdown?: () => void;
  /**
   * An error Redis cannot survive (an AOF write failing under appendfsync always): the
   * binary exits(1); by default the server shuts down.
   */
  onFatal?: (msg: string) => void;
  /** Absolute path of the config file loaded, for INFO's config_file ('' when none). */
  configFile?: string;
}

export class Server implements ServerServices {
  readonly version = REDIS_VERSION;
  readonly startedAt: number;
  readonly config: Config;
  readonly ks: Keyspace;
  readonly table: CommandTable;
  readonly dispatcher: Dispatcher;
  readonly clientMap = new Map<number, Client>();
  readonly clients: ClientList;
  readonly log: (level: LogLevel, msg: string) => void;
  readonly logger: Logger;
  readonly stats: ServerStats = { connectionsReceived: 0, rejectedConnections: 0, netInputBytes: 0, netOutputBytes: 0, readsProcessed: 0, writesProcessed: 0 };
  readonly limits = { protoMaxBulkLen: 512 * 1024 * 1024, clientQueryBufferLimit: 1024 * 1024 * 1024 };
  readonly clockNow: () => number;
  /** The same wall clock, read through the dispatcher's monotonic anchor (hot path). */
  readonly fastNow: () => number;
  readonly runId: string;
  readonly blocking: BlockManager<Client>;
  readonly watches = new WatchManager<Client>();
  readonly pubsub = new PubSub<Client>();
  /** Rates and peaks INFO reports, sampled by the cron. */
  readonly metrics = new ServerMetrics();
  readonly scripting: Scripting;
  /** RDB snapshots, DUMP/RESTORE, loading at start-up (src/persistence). */
  readonly persistence: Persistence;
  /** The append-only file (src/persistence/aof.ts). */
  readonly aof: Aof;
  /** Connections whose replies wait for this turn's AOF write (see holdReply). */
  private readonly heldReplies = new Set<ClientTransport>();
  private readonly onFatal: ((msg: string) => void) | null;
  private readonly scriptCaller = new ScriptCaller(this);
  readonly configFile: string;
  /** Ports actually listened on, filled in by the listener. */
  tcpPort = 0;
  private cron: NodeJS.Timeout | null = null;
  private lastClientId = 0;
  private onShutdown: (() => void) | null;
  shuttingDown = false;

  constructor(opts: ServerOptions) {
    this.config = opts.config;
    this.clockNow = opts.clock ?? Date.now;
    this.fastNow = opts.clock ?? (() => this.dispatcher.now());
    this.startedAt = this.clockNow();
    this.logger = opts.logger ?? new Logger(this.config);
    this.log = (level, msg) => this.logger.log(level, msg);
    this.onShutdown = opts.onShutdown ?? null;
    this.configFile = opts.configFile ?? '';
    this.runId = randomHex(40);
    this.ks = new Keyspace(this.config.int('databases'));
    if (opts.random) this.ks.random = opts.random;
    this.table = new CommandTable(ALL_COMMANDS);
    for (const [from, to] of this.config.renamedCommands) this.table.rename(from, to);
    this.dispatcher = new Dispatcher(this.table, this.ks, opts.clock ?? null);
    this.clients = new ClientList(this);
    this.blocking = new BlockManager<Client>((c, fn) => this.runAs(c, fn), this.clockNow);
    this.scripting = new Scripting({ server: this, log: (level, msg) => this.log(level, msg) });
    wireSubsystems(this);
    this.persistence = createPersistence(this);
    this.aof = createAof(this);
    this.onFatal = opts.onFatal ?? null;
    for (const row of ENCODING_OPTIONS) this.applyConfig(row.name, this.config.get(row.name));
    if (this.config.row('client-output-buffer-limit')) this.applyConfig('client-output-buffer-limit', this.config.get('client-output-buffer-limit'));
    this.pubsub.now = this.clockNow;
    for (const name of ['proto-max-bulk-len', 'client-query-buffer-limit', 'notify-keyspace-events', 'maxmemory-policy', 'lfu-log-factor', 'lfu-decay-time', 'hz']) {
      this.applyConfig(name, this.config.get(name));
    }
    this.config.onChange((name, value) => this.applyConfig(name, value));
  }

  get commands(): CommandTable {
    return this.table;
  }

  get dirty(): number {
    return this.dispatcher.dirty;
  }

  set dirty(v: number) {
    this.dispatcher.dirty = v;
  }

  get requirepass(): string {
    return this.config.get('requirepass');
  }

  /** Keep the derived runtime state in step with the config table. */
  private applyConfig(name: string, value: string): string | null {
    switch (name) {
      case 'proto-max-bulk-len':
        this.limits.protoMaxBulkLen = Number(value);
        break;
      case 'client-query-buffer-limit':
        this.limits.clientQueryBufferLimit = Number(value);
        break;
      case 'notify-keyspace-events':
        this.ks.notifyFlags = parseNotifyFlags(value) ?? 0;
        break;
      case 'maxmemory-policy':
        this.ks.evictionKind = value.endsWith('lfu') ? 'lfu' : 'lru';
        break;
      case 'lfu-log-factor':
        this.ks.lfuLogFactor = Number(value);
        break;
      case 'lfu-decay-time':
        this.ks.lfuDecayTime = Number(value);
        break;
      case 'hz':
        if (this.cron !== null) this.startCron();
        break;
      case 'hash-max-listpack-entries':
      case 'hash-max-listpack-value':
      case 'set-max-intset-entries':
      case 'set-max-listpack-entries':
      case 'set-max-listpack-value':
      case 'zset-max-listpack-entries':
      case 'zset-max-listpack-value':
      case 'list-max-listpack-size':
      case 'list-compress-depth': {
        // 'hash-max-listpack-entries' → hashMaxListpackEntries
        const field = name.replace(/-([a-z])/g, (_m, ch: string) => ch.toUpperCase()) as keyof EncodingLimits;
        this.ks.encoding[field] = Number(value);
        break;
      }
      case 'client-output-buffer-limit': {
        const l = parsePubsubLimit(value);
        if (l) this.pubsub.limit = l;
        break;
      }
      case 'appendonly':
        // CONFIG SET appendonly: startAppendOnly / stopAppendOnly (a rewrite inside EXEC waits).
        if (value === 'yes') return this.aof.startAppendOnly(this.dispatcher.prop.depth > 1);
        this.aof.stopAppendOnly();
        break;
      case 'appendfsync':
      case 'aof-timestamp-enabled':
        this.aof.applyConfig();
        break;
      case 'aof-disable-auto-gc':
        if (value === 'no') this.aof.deleteHistoryFiles();
        break;
      case 'requirepass':
        // Redis: setting a password does not log out connected clients; clearing it makes the
        // default user nopass, so connections that never authenticated may run commands.
        if (value === '') for (const c of this.clientMap.values()) c.authenticated = true;
        break;
      default:
        break;
    }
    return null;
  }

  /** Start periodic work (active expiry, client timeouts): Redis's serverCron at `hz`. */
  startCron(): void {
    if (this.cron !== null) clearInterval(this.cron);
    const hz = this.config.int('hz');
    this.cron = setInterval(() => this.serverCron(), Math.max(2, Math.floor(1000 / hz)));
    this.cron.unref();
  }

  private beforeSleepScheduled = false;
  private readonly beforeSleepFn = (): void => this.beforeSleep();

  /**
   * Called by connections after a batch of input: schedules beforeSleep() once per event-loop
   * turn (Redis runs it before every epoll wait).
   */
  afterInput(): void {
    if (this.beforeSleepScheduled) return;
    this.beforeSleepScheduled = true;
    setImmediate(this.beforeSleepFn);
  }

  /** Redis's beforeSleep: the fast expiry cycle, when the last slow one ran out of time. */
  private beforeSleep(): void {
    this.beforeSleepScheduled = false;
    // A busy script is suspended mid-run: nothing may change the keyspace under it.
    if (!this.shuttingDown && this.ks.activeExpireEnabled && !this.scripting.busy) {
      this.ks.now = this.fastNow();
      this.ks.activeExpireCycle('fast', this.config.int('hz'), this.config.int('active-expire-effort'), () => performance.now());
      if (this.blocking.hasReady) this.blocking.serveReady();
    }
    // flushAppendOnlyFile, then the replies it was holding (handleClientsWithPendingWrites).
    this.aof.beforeSleep();
    this.releaseReplies();
  }

  /**
   * Connection.flush asks first: while this turn's commands are not written to the AOF yet,
   * replies wait for beforeSleep (under appendfsync always, for the fsync too), so that no
   * reply acknowledges — or shows — a write the AOF does not have.
   */
  holdReply(t: ClientTransport): boolean {
    if (!this.aof.writer.hasPending || this.releasing) return false;
    this.heldReplies.add(t);
    return true;
  }

  private releasing = false;

  private releaseReplies(): void {
    if (this.heldReplies.size === 0) return;
    const held = [...this.heldReplies];
    this.heldReplies.clear();
    this.releasing = true;
    try {
      for (const t of held) t.flush();
    } finally {
      this.releasing = false;
    }
  }

  /** Write the AOF buffer now (a connection closing after its reply). */
  flushAofNow(): void {
    this.aof.beforeSleep();
    this.releaseReplies();
  }

  /** Redis would exit(1) here. */
  fatal(msg: string): void {
    if (this.onFatal !== null) {
      this.onFatal(msg);
      return;
    }
    this.beginShutdown();
  }

  /**
   * loadDataFromDisk: the AOF manifest (always, as Redis), then the AOF when appendonly is
   * yes, else the RDB file; then the AOF is opened for appending (aofOpenIfNeededOnServerStart)
   * and history files left by a rewrite are removed. Rejects when the server must not start
   * (logged).
   */
  async loadDataFromDisk(): Promise<void> {
    this.aof.loadManifestFromDisk();
    if (this.config.bool('appendonly')) await this.aof.loadAtStartup();
    else await this.persistence.loadAtStartup();
    this.aof.openOnServerStart();
    this.aof.deleteHistoryFiles();
  }

  private serverCron(): void {
    this.dispatcher.resyncClock();
    const now = this.clockNow();
    // While a busy script is suspended its time and its keyspace stay as they are, and no
    // snapshot starts halfway through it (Redis runs no serverCron then).
    const busy = this.scripting.busy;
    if (!busy) this.ks.now = now;
    this.metrics.cron(this, now);
    if (!busy) this.persistence.cron(now);
    this.aof.cron();
    if (this.ks.activeExpireEnabled && !busy) {
      this.ks.activeExpireCycle('slow', this.config.int('hz'), this.config.int('active-expire-effort'), () => performance.now());
    }
    // Keys that expired here may have blocked readers to answer (XREADGROUP: the stream is
    // gone); Redis handles ready keys before sleeping, not only after commands.
    if (this.blocking.hasReady && !busy) this.blocking.serveReady();
    const timeout = this.config.int('timeout');
    if (timeout > 0) {
      for (const c of this.clientMap.values()) {
        if (now - c.lastInteraction > timeout * 1000 && c.transport) {
          this.log('verbose', 'Closing idle client');
          c.transport.close();
        }
      }
    }
  }

  createClient(transport: ClientTransport | null): Client {
    const id = ++this.lastClientId;
    const c = new Client(id, this.ks, this, this.requirepass === '', this.clockNow());
    c.transport = transport;
    c.reply.onError = (msg) => this.dispatcher.countError(msg);
    c.blocker = (cl, req) => this.blocking.block(cl, req);
    c.propagator = this.dispatcher.prop;
    c.tx = new ClientTransaction(c, this);
    c.pubsub = new ClientPubSub(c, this);
    this.clientMap.set(id, c);
    if (transport) this.stats.connectionsReceived++;
    return c;
  }

  removeClient(c: Client): void {
    c.closing = true;
    if (c.blocked) this.blocking.drop(c.id);
    if (c.watched.length > 0) this.watches.unwatchAll(c);
    this.pubsub.removeAll(c);
    this.clientMap.delete(c.id);
  }

  /**
   * Run work for a client outside its own request (a blocked command being served, a
   * timeout): the command time is refreshed and changes are counted like a command's.
   */
  runAs(c: Client, fn: () => boolean): boolean {
    this.ks.now = this.clockNow();
    c.dirty = 0;
    // One execution unit: a served BLPOP propagates as the LPOP its helper rewrote it to.
    const prop = this.dispatcher.prop;
    c.propArgv = null;
    c.propPrevented = false;
    prop.depth++;
    let r: boolean;
    try {
      r = fn();
    } finally {
      prop.depth--;
    }
    if (c.dirty > 0) {
      this.dispatcher.dirty += c.dirty;
      if (c.propArgv !== null && !c.propPrevented) prop.own(c.dbIndex, c.propArgv);
    }
    c.propArgv = null;
    c.propPrevented = false;
    if (prop.depth === 0 && prop.pending) prop.flushUnit();
    return r;
  }

  beginScript(caller: CommandContext, run: ScriptRunFlags): void {
    this.scriptCaller.begin(caller, run);
  }

  callFromScript(argv: Argv, resp: 2 | 3): Uint8Array {
    return this.scriptCaller.call(argv, resp);
  }

  endScript(): void {
    this.scriptCaller.end();
  }

  suspendScript(caller: CommandContext, busyError: string): void {
    this.scriptCaller.suspend(caller, busyError);
  }

  resumeScript(): void {
    this.scriptCaller.resume();
  }

  scriptFinished(caller: CommandContext): void {
    this.scriptCaller.finished(caller);
  }

  scriptWroteData(): boolean {
    return this.scriptCaller.wroteData;
  }

  /** maxmemory is not enforced yet: nothing is refused for memory (the checks are wired). */
  oomDenied(): boolean {
    return false;
  }

  dumpFunctions(): Buffer {
    return dumpFunctionsPayload(this.scripting.functionLibraryCodes(), this.config.bool('rdbcompression'));
  }

  restoreFunctions(payload: Uint8Array, policy: 'flush' | 'append' | 'replace'): string | null {
    return restoreFunctionsPayload(payload, (codes) => this.scripting.functionRestore(codes, policy));
  }

  nextClientId(): number {
    return this.lastClientId + 1;
  }

  info(sections: readonly string[], ctx: import('../commands/spec.js').CommandContext): string {
    return buildInfo(this, sections, ctx);
  }

  resetStats(): void {
    this.ks.resetStats();
    this.stats.connectionsReceived = 0;
    this.stats.rejectedConnections = 0;
    this.stats.netInputBytes = 0;
    this.stats.netOutputBytes = 0;
    this.dispatcher.totalCommands = 0;
    this.dispatcher.rejectedCalls = 0;
    this.dispatcher.errorStats.clear();
    this.dispatcher.totalErrorReplies = 0;
    this.metrics.peakMemory = this.metrics.usedMemory();
    for (const e of this.table.entries) {
      const all = e.subcommands ? [e, ...e.subcommands.values()] : [e];
      for (const x of all) {
        x.stats.calls = 0;
        x.stats.usec = 0;
        x.stats.rejectedCalls = 0;
        x.stats.failedCalls = 0;
      }
    }
  }

  shutdown(opts: { nosave: boolean; save: boolean; now: boolean; force: boolean; abort: boolean }): string | null {
    // Nothing can be in progress: with no replicas to wait for, a shutdown completes at once.
    if (opts.abort) return ERR.noShutdownInProgress;
    this.log('warning', 'User requested shutdown...');
    // prepareForShutdown: stop a background save, then the final snapshot when save points
    // are set (unless NOSAVE) or SAVE asks; a failed save keeps the server up unless FORCE.
    // The AOF first, as prepareForShutdown: stop a rewrite, write and fsync.
    if (!this.aof.shutdown(opts.force)) return ERR.shutdownFailed;
    if (!this.persistence.shutdownSave(opts.nosave, opts.save, opts.force)) return ERR.shutdownFailed;
    this.beginShutdown();
    return null;
  }

  /** Stop everything: clients are closed, the cron stops, the embedder is told. */
  beginShutdown(): void {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    this.scripting.abandon();
    this.log('warning', 'Redis is now ready to exit, bye bye...');
    this.stop();
    const cb = this.onShutdown;
    this.onShutdown = null;
    if (cb) cb();
  }

  stop(): void {
    if (this.cron !== null) clearInterval(this.cron);
    this.cron = null;
    for (const c of [...this.clientMap.values()]) c.transport?.close();
    // Whatever path led here (SHUTDOWN, a signal, an embedder's close()): the AOF is complete.
    this.aof.stop();
  }
}

function randomHex(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(Math.random() * 16).toString(16);
  return s;
}
