/**
 * The shape of a command-table row and of the context a handler runs in.
 *
 * Each family module opens with an array of CommandSpec rows; everything else (dispatch,
 * arity checks, COMMAND INFO/DOCS/COUNT/LIST/GETKEYS, ACL categories, the MULTI / script /
 * OOM / loading gates, propagation) reads those rows. The context is an interface so that
 * command code depends on nothing above it: server/ implements it.
 */
import type { Argv } from '../protocol/argv.js';
import type { ReplyWriter } from '../protocol/reply-writer.js';
import type { Database } from '../keyspace/database.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import type { RedisValue } from '../values/types.js';

/** Flags exactly as COMMAND INFO names them in Redis 7.0. */
export type CommandFlag =
  | 'write'
  | 'readonly'
  | 'denyoom'
  | 'admin'
  | 'pubsub'
  | 'noscript'
  | 'blocking'
  | 'loading'
  | 'stale'
  | 'skip_monitor'
  | 'skip_slowlog'
  | 'asking'
  | 'fast'
  | 'no_auth'
  | 'may_replicate'
  | 'no_mandatory_keys'
  | 'no_multi'
  | 'movablekeys'
  | 'allow_busy'
  | 'no_async_loading';

/** ACL categories (without '@'). Implicit ones (write, read, fast, slow, admin, ...) are derived. */
export type AclCategory =
  | 'keyspace'
  | 'read'
  | 'write'
  | 'set'
  | 'sortedset'
  | 'list'
  | 'hash'
  | 'string'
  | 'bitmap'
  | 'hyperloglog'
  | 'geo'
  | 'stream'
  | 'pubsub'
  | 'admin'
  | 'fast'
  | 'slow'
  | 'blocking'
  | 'dangerous'
  | 'connection'
  | 'transaction'
  | 'scripting';

export type CommandGroup =
  | 'generic'
  | 'string'
  | 'list'
  | 'set'
  | 'sorted-set'
  | 'hash'
  | 'pubsub'
  | 'transactions'
  | 'connection'
  | 'server'
  | 'scripting'
  | 'hyperloglog'
  | 'cluster'
  | 'sentinel'
  | 'geo'
  | 'stream'
  | 'bitmap';

/** An argument description for COMMAND DOCS (Redis 7.0's shape). */
export interface ArgDoc {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'double' | 'key' | 'pattern' | 'unix-time' | 'pure-token' | 'oneof' | 'block';
  readonly token?: string;
  readonly optional?: boolean;
  readonly multiple?: boolean;
  readonly multiple_token?: boolean;
  readonly key_spec_index?: number;
  readonly since?: string;
  readonly display?: string;
  readonly arguments?: readonly ArgDoc[];
}

/** A Redis 7 key specification (COMMAND INFO element 9). */
export interface KeySpec {
  /** Redis's explanatory note, shown first in COMMAND INFO when present. */
  readonly notes?: string;
  readonly flags: readonly string[];
  /** `unknown`: the keys cannot be found from the spec (SORT's BY/GET/STORE); getKeys is used. */
  readonly begin_search: { readonly index: number } | { readonly keyword: string; readonly startfrom: number } | { readonly unknown: true };
  readonly find_keys:
    | { readonly lastkey: number; readonly keystep: number; readonly limit: number }
    | { readonly keynumidx: number; readonly firstkey: number; readonly keystep: number }
    | { readonly unknown: true };
}

export type Handler = (ctx: CommandContext, argv: Argv) => void;

export interface CommandSpec {
  /** Lower-case name; for a subcommand, the subcommand alone (e.g. 'kill'). */
  readonly name: string;
  /** Redis arity: n means exactly n arguments (with the name), -n means at least n. */
  readonly arity: number;
  readonly flags: readonly CommandFlag[];
  /** Explicit ACL categories; write/read/fast/slow/admin/... are derived from the flags. */
  readonly acl?: readonly AclCategory[];
  /** Legacy key range (first, last, step); last -1 means up to the last argument. */
  readonly keys?: readonly [first: number, last: number, step: number];
  readonly keySpecs?: readonly KeySpec[];
  readonly group: CommandGroup;
  readonly since: string;
  readonly summary: string;
  readonly complexity?: string;
  readonly docFlags?: readonly string[];
  readonly tips?: readonly string[];
  readonly args?: readonly ArgDoc[];
  readonly subcommands?: readonly CommandSpec[];
  /** Absent only on container commands, which dispatch to their subcommands. */
  readonly run?: Handler;
  /** Key positions for movablekeys commands (and COMMAND GETKEYS). */
  readonly getKeys?: (argv: Argv) => number[];
  /** Access flags of a key getKeys found, when no key spec covers it (SORT's STORE key). */
  readonly getKeyFlags?: (argv: Argv, pos: number) => readonly string[];
}

/** What a handler may ask of the client that sent the command. */
export interface ClientSession {
  readonly id: number;
  /**
   * The client replays what a master already checked (the AOF client; Redis's
   * mustObeyClient): options that would be refused from a user are taken as they are.
   */
  readonly mustObey: boolean;
  name: string;
  /** Index of the selected database. */
  dbIndex: number;
  resp: 2 | 3;
  authenticated: boolean;
  user: string;
  libName: string;
  libVer: string;
  noTouch: boolean;
  noEvict: boolean;
  /**
   * CLIENT REPLY: 'skip' drops the reply of the command running (or about to run);
   * 'skip-next' is what CLIENT REPLY SKIP sets, turned into 'skip' when it completes.
   */
  replyMode: 'on' | 'off' | 'skip' | 'skip-next';
  /** Close the connection after the reply has been written (QUIT). */
  closeAfterReply: boolean;
  readonly createdAt: number;
}

/** Server-wide services a handler may use. Implemented by server/. */
export interface ServerServices {
  readonly version: string;
  readonly startedAt: number;
  /** Current wall time in ms (not the cached command time). */
  clockNow(): number;
  /** Total changes since the last save (Redis's server.dirty). */
  dirty: number;
  config: ConfigAccess;
  clients: ClientRegistry;
  commands: CommandRegistry;
  info(sections: readonly string[], ctx: CommandContext): string;
  resetStats(): void;
  /** Begin shutdown; returns an error message when refused. */
  shutdown(opts: { nosave: boolean; save: boolean; now: boolean; force: boolean; abort: boolean }): string | null;
  /** requirepass of the default user ('' = none). */
  readonly requirepass: string;
  /** EVAL/EVALSHA/SCRIPT (src/scripting). */
  readonly scripting: ScriptingService;
  /**
   * Start running a script for `caller`: its redis.call commands then go through
   * callFromScript() until endScript(). Commands run as a separate client in the caller's
   * database, with the key-expiry clock frozen at the script's start, as in Redis.
   */
  beginScript(caller: CommandContext, run: ScriptRunFlags): void;
  /**
   * redis.call: run one command through the dispatcher with the script rules (no noscript
   * commands, no writes from read-only scripts, no blocking). Returns the reply as RESP bytes
   * in protocol `resp`, valid until the next call; refusals are error replies.
   */
  callFromScript(argv: Argv, resp: 2 | 3): Uint8Array;
  endScript(): void;
  /**
   * The running script is suspended (a busy script): the caller's further requests wait,
   * other clients get `busyError` for anything but allow_busy commands, and the effects stay
   * one execution unit, until scriptFinished().
   */
  suspendScript(caller: CommandContext, busyError: string): void;
  /** A suspended script is about to go on (its frozen command time is restored). */
  resumeScript(): void;
  /** A script that was suspended has ended and replied: the caller carries on. */
  scriptFinished(caller: CommandContext): void;
  /** The running script has run a write command (SCRIPT KILL then answers UNKILLABLE). */
  scriptWroteData(): boolean;
  /** Memory is over maxmemory as of the current command (deny-oom commands are refused). */
  oomDenied(): boolean;
  /** FUNCTION DUMP: the libraries as Redis's serialized payload. */
  dumpFunctions(): Buffer;
  /** FUNCTION RESTORE: load a FUNCTION DUMP payload; null, or the error reply. */
  restoreFunctions(payload: Uint8Array, policy: 'flush' | 'append' | 'replace'): string | null;
  /** RDB snapshots, DUMP/RESTORE payloads (src/persistence). */
  readonly persistence: PersistenceService;
  /** The append-only file (src/persistence/aof.ts). */
  readonly aof: AofService;
}

/** The AOF as commands see it (implemented in src/persistence/aof.ts). */
export interface AofService {
  /** BGREWRITEAOF: the status reply text, or the error reply; inExec inside MULTI. */
  bgrewriteaof(inExec: boolean): { status: string } | { error: string };
  /** DEBUG LOADAOF: empty the dataset and load the AOF files again (a failure is fatal, as in Redis). */
  debugLoadAof(): void;
  /** DEBUG AOF-FLUSH-SLEEP: microseconds to sleep before each AOF write (tests). */
  setFlushSleep(us: number): void;
}

/** RDB persistence as commands see it (implemented in src/persistence). */
export interface PersistenceService {
  /** SAVE (and the save DEBUG RELOAD does first): null when saved, else the error reply. */
  save(): string | null;
  /** BGSAVE [SCHEDULE]: the status reply ('+' text) or an error reply; inExec inside MULTI. */
  bgsave(schedule: boolean, inExec: boolean): { status: string } | { error: string };
  /** LASTSAVE: unix time (seconds) of the last successful save. */
  readonly lastSave: number;
  /** DUMP: the serialized value (type, value, RDB version, CRC-64). */
  dump(v: RedisValue): Buffer;
  /**
   * RESTORE's payload: the value with IDLETIME/FREQ applied (-1 when not given), or the error
   * reply (a bad version or checksum, a malformed payload).
   */
  restore(payload: Uint8Array, freq: number, idleSeconds: number): RedisValue | { error: string };
  /** DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: null when reloaded, else the error reply. */
  debugReload(merge: boolean, flush: boolean, save: boolean): string | null;
  /**
   * FLUSHALL just emptied every database: a background save stops (its data is gone) and,
   * with save points configured, the empty dataset is saved. True when that save succeeded.
   */
  flushedAll(): boolean;
}

/** How a script run constrains the commands it calls (Redis's run_ctx flags). */
export interface ScriptRunFlags {
  /** EVAL_RO/EVALSHA_RO, or a shebang without writes: write commands are refused. */
  readonly readOnly: boolean;
  /** The shebang's allow-oom: deny-oom commands run even over maxmemory. */
  readonly allowOom: boolean;
}

/** The scripting subsystem as commands see it (implemented in src/scripting). */
export interface ScriptingService {
  /** EVAL, EVALSHA, EVAL_RO, EVALSHA_RO: run and reply. */
  eval(ctx: CommandContext, argv: Argv, bySha: boolean, readOnly: boolean): void;
  /** SCRIPT LOAD: the SHA1 reply, or the compile error. */
  load(ctx: CommandContext, body: Uint8Array): void;
  /** SCRIPT EXISTS answer for one SHA1 (case-insensitive). */
  exists(sha: string): boolean;
  /** SCRIPT FLUSH: forget every script and reset the Lua state. */
  flush(): void;
  /** INFO's scripting memory fields (eval's, then functions'). */
  memory(): { lua: number; scripts: number; scriptsMemory: number; functionsLua: number; functions: number; libraries: number; functionsMemory: number };
  /** A script is running, suspended because it is busy. */
  readonly busy: boolean;
  /** The -BUSY error for the running script (EVAL's or a function's), or null when none runs. */
  busyError(): string | null;
  /** SCRIPT KILL (isEval) / FUNCTION KILL: replies. */
  kill(ctx: CommandContext, isEval: boolean): void;
  /** FCALL / FCALL_RO: run and reply. */
  fcall(ctx: CommandContext, argv: Argv, readOnly: boolean): void;
  /** FUNCTION LOAD: replies the library name or the error (and counts the change). */
  functionLoad(ctx: CommandContext, code: string, replace: boolean): void;
  /** FUNCTION DELETE: false when there is no such library. */
  functionDelete(name: string): boolean;
  /** FUNCTION FLUSH */
  functionFlush(): void;
  /** FUNCTION LIST's data, one entry per library. */
  functionList(): FunctionLibraryView[];
  /** FUNCTION STATS: replies. */
  functionStats(ctx: CommandContext): void;
  /** Every library's code (FUNCTION DUMP, RDB saves), in order. */
  functionLibraryCodes(): string[];
  /** Libraries' code joined to the current ones (FUNCTION RESTORE, RDB loads); null or the error. */
  functionRestore(codes: readonly string[], policy: 'flush' | 'append' | 'replace'): string | null;
}

/** A FUNCTION library as FUNCTION LIST shows it. */
export interface FunctionLibraryView {
  readonly name: string;
  readonly engine: string;
  /** The code as loaded, one char per byte. */
  readonly code: string;
  readonly functions: readonly { readonly name: string; readonly description: string | null; readonly flags: readonly string[] }[];
}

export interface ConfigAccess {
  /** Matching (name, value) pairs for CONFIG GET patterns. */
  matching(patterns: readonly string[]): [string, string][];
  /**
   * Apply CONFIG SET pairs atomically; returns an error message or null. isLocalClient tells
   * whether the caller is local, for enable-protected-configs 'local'.
   */
  set(pairs: readonly [string, string][], opts?: { isLocalClient?: () => boolean }): string | null;
  /** CONFIG REWRITE into the configuration file; returns an error message or null. */
  rewrite?(forceAll?: boolean): string | null;
  /** The current value of one directive (for code that needs it as text). */
  get(name: string): string;
}

/** Redis's client types (CLIENT LIST/KILL TYPE). */
export type ClientType = 'normal' | 'master' | 'replica' | 'pubsub';

/** CLIENT KILL's filter form; every given field must match. */
export interface ClientKillFilter {
  id?: number;
  type?: ClientType;
  addr?: string;
  laddr?: string;
  user?: string;
  /** Leave the calling client alone (default yes; the old `CLIENT KILL addr` form kills it too). */
  skipMe: boolean;
}

export interface ClientRegistry {
  /** CLIENT LIST lines, each ending in '\n'; `argvMem` is the caller's current argv size. */
  list(filter: { ids?: readonly number[]; type?: ClientType }, caller: ClientSession, argvMem: number): string;
  /** CLIENT INFO: the caller's line, ending in '\n'. */
  info(caller: ClientSession, argvMem: number): string;
  /** Kill matching clients (the caller is closed after its reply); returns how many matched. */
  kill(filter: ClientKillFilter, caller: ClientSession): number;
  /** CLIENT UNBLOCK: end a client's blocking command as a timeout or with the UNBLOCKED error; false when it is not blocked. */
  unblock(id: number, withError: boolean): boolean;
  nextId(): number;
}

export interface CommandRegistry {
  lookup(name: string): CommandSpec | undefined;
  all(): readonly CommandSpec[];
  /** ACL categories as COMMAND INFO reports them (explicit plus those implied by the flags). */
  aclCategories(spec: CommandSpec): readonly AclCategory[];
  /** Positions of keys in argv per the spec (COMMAND GETKEYS); null when it has none. */
  keyPositions(spec: CommandSpec, argv: Argv): number[];
}

/** A blocking command's wait (see src/blocking/blocking.ts). */
export interface BlockRequest {
  /** Keys to wait on, in the client's current database. */
  readonly keys: readonly string[];
  /** Absolute deadline in ms (wall clock), or 0 to wait forever. */
  readonly deadline: number;
  /** Try again now that `key` may be ready; reply and return true if the client was served. */
  serve(key: string): boolean;
  /** Reply what the command answers on timeout (usually a null). */
  timeout(): void;
}

/** MULTI/EXEC/WATCH state of the client, driven by the transaction commands. */
export interface TransactionControl {
  /** MULTI; returns an error message when refused. */
  begin(): string | null;
  /** EXEC: runs the queue and replies (or replies the error / null). */
  exec(): void;
  discard(): string | null;
  watch(keys: readonly string[]): string | null;
  unwatch(): void;
  readonly inMulti: boolean;
}

export type SubscriptionKind = 'channel' | 'pattern' | 'shard';

/** Pub/Sub operations of the client (see src/pubsub/pubsub.ts). */
export interface PubSubControl {
  /** SUBSCRIBE/PSUBSCRIBE/SSUBSCRIBE: subscribes and replies one confirmation per name. */
  subscribe(kind: SubscriptionKind, names: readonly string[]): void;
  /** The UNSUBSCRIBE family; null names = all of that kind. Replies the confirmations. */
  unsubscribe(kind: SubscriptionKind, names: readonly string[] | null): void;
  publish(kind: 'channel' | 'shard', channel: string, message: string): number;
  activeChannels(kind: 'channel' | 'shard', pattern: string | null): string[];
  count(kind: 'channel' | 'shard', name: string): number;
  readonly patternCount: number;
  /** Channel + pattern subscriptions of this client (shard ones are counted apart, as Redis). */
  readonly subscriptions: number;
  /** Subscribed to anything, shard channels included: Redis's CLIENT_PUBSUB (RESP2 PING). */
  readonly subscribed: boolean;
}

/** Everything a handler sees. One instance per connection, reused for every command. */
export interface CommandContext {
  readonly reply: ReplyWriter;
  readonly ks: Keyspace;
  /** The selected database. */
  db: Database;
  readonly client: ClientSession;
  readonly server: ServerServices;
  /** Changes made by this command (increment per key modified, as Redis's server.dirty). */
  dirty: number;
  /** Select another database for this client (SELECT, RESET). */
  select(index: number): void;
  /** The full name of the running command, as Redis prints it in errors ('set', 'client|kill'). */
  readonly commandName: string;
  /** False inside MULTI/EXEC and scripts, where blocking commands answer at once. */
  readonly canBlock: boolean;
  /** The command was called by a script (redis.call), as Redis's CLIENT_SCRIPT. */
  readonly inScript: boolean;
  /** Suspend this client until req.serve() succeeds or the deadline passes. */
  block(req: BlockRequest): void;
  readonly tx: TransactionControl;
  readonly pubsub: PubSubControl;
  /**
   * Propagate this command to the AOF (and replicas) as `args` instead of its own arguments,
   * if it changed data: Redis's rewriteClientCommandVector (SET EX → SET PXAT, BLPOP → LPOP).
   */
  rewriteArgv(args: readonly PropArg[]): void;
  /**
   * Propagate `args` too, in database `dbIndex`, before this command's own propagation
   * (Redis's alsoPropagate: SPOP count → SREM per member). Several commands propagated by one
   * command (or EXEC, or a script) are wrapped in MULTI/EXEC.
   */
  alsoPropagate(dbIndex: number, args: readonly PropArg[]): void;
  /** Do not propagate this command's own arguments (preventCommandPropagation). */
  preventPropagation(): void;
}

/** An argument to propagate: a latin1 string (one char per byte) or bytes. */
export type PropArg = string | Uint8Array;
