/**
 * The error catalogue: every error string Cinnabar sends, exactly as Redis 7.0 writes it,
 * code prefix included. Handlers reply with these; nothing else builds error text inline.
 * (tests/unit/errors.test.ts checks each against a live redis-server where it can be provoked.)
 */

export const ERR = {
  wrongType: 'WRONGTYPE Operation against a key holding the wrong kind of value',
  syntax: 'ERR syntax error',
  notInteger: 'ERR value is not an integer or out of range',
  notFloat: 'ERR value is not a valid float',
  overflow: 'ERR increment or decrement would overflow',
  decrOverflow: 'ERR decrement would overflow',
  incrNanInf: 'ERR increment would produce NaN or Infinity',
  noAuth: 'NOAUTH Authentication required.',
  wrongPass: 'WRONGPASS invalid username-password pair or user is disabled.',
  authNotConfigured:
    'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
  dbIndexOutOfRange: 'ERR DB index is out of range',
  invalidDbIndex: 'ERR invalid DB index',
  noSuchKey: 'ERR no such key',
  sameObject: 'ERR source and destination objects are the same',
  offsetOutOfRange: 'ERR offset is out of range',
  stringTooLong: 'ERR string exceeds maximum allowed size (proto-max-bulk-len)',
  noProto: 'NOPROTO unsupported protocol version',
  protoNotInteger: 'ERR Protocol version is not an integer or out of range',
  mustBePositive: 'ERR value is out of range, must be positive',
  timeoutNotFloat: 'ERR timeout is not a float or out of range',
  timeoutNegative: 'ERR timeout is negative',
  nxXxGtLt: 'ERR NX and XX, GT or LT options at the same time are not compatible',
  gtLtNx: 'ERR GT and LT options at the same time are not compatible',
  clientNameSpaces: 'ERR Client names cannot contain spaces, newlines or special characters.',
  noSuchClient: 'ERR No such client',
  invalidCursor: 'ERR invalid cursor',
  invalidFirstDbIndex: 'ERR invalid first DB index',
  invalidSecondDbIndex: 'ERR invalid second DB index',
  notInt32: 'ERR value is out of range, value must between -2147483648 and 2147483647',
  lcsBothLenIdx: "ERR If you want both the length and indexes, please just use IDX.",
  lcsNotString: 'ERR The specified keys must contain string values',
  lcsTooLong: 'ERR String too long for LCS',
  insufficientMemory: 'ERR Insufficient memory',
  objectFreqNoLfu:
    'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
  objectIdleLfu:
    'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
  shutdownFailed: 'ERR Errors trying to SHUTDOWN. Check logs.',
  oom: "OOM command not allowed when used memory > 'maxmemory'.",
  loading: 'LOADING Redis is loading the dataset in memory',
  getexPersistOrTtl: 'ERR syntax error',
  // connection / introspection (CLIENT, HELLO, COMMAND, SHUTDOWN)
  helloNoAuth:
    'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time',
  invalidClientId: 'ERR Invalid client ID',
  clientIdNotPositive: 'ERR client-id should be greater than 0',
  invalidCommandSpecified: 'ERR Invalid command specified',
  commandHasNoKeys: 'ERR The command has no key arguments',
  invalidCommandArgCount: 'ERR Invalid number of arguments specified for command',
  invalidCommandArgs: 'ERR Invalid arguments specified for command',
  noShutdownInProgress: 'ERR No shutdown in progress.',
  clientUnblockReason: 'ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR',
  // SORT
  sortNotDouble: "ERR One or more scores can't be converted into double",
  shutdownDenyBlocking: "ERR SHUTDOWN without NOW or ABORT isn't allowed for DENY BLOCKING client",
  // sorted sets
  zaddXxNx: 'ERR XX and NX options at the same time are not compatible',
  zaddGtLtNx: 'ERR GT, LT, and/or NX options at the same time are not compatible',
  zaddIncrPair: 'ERR INCR option supports a single increment-element pair',
  zsetNaN: 'ERR resulting score is not a number (NaN)',
  minMaxNotFloat: 'ERR min or max is not a float',
  minMaxNotLex: 'ERR min or max not valid string range item',
  zrangeLimitNeedsBy: 'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX',
  zrangeBylexWithscores: 'ERR syntax error, WITHSCORES not supported in combination with BYLEX',
  weightNotFloat: 'ERR weight value is not a float',
  numkeysPositive: 'ERR numkeys should be greater than 0',
  countPositive: 'ERR count should be greater than 0',
  limitNegative: "ERR LIMIT can't be negative",
  outOfRange: 'ERR value is out of range',
  outOfRangeLong: 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
  // hashes and sets
  hashValueNotInteger: 'ERR hash value is not an integer',
  hashValueNotFloat: 'ERR hash value is not a float',
  valueNanOrInf: 'ERR value is NaN or Infinity',
  numkeysTooBig: "ERR Number of keys can't be greater than number of args",
  // geo
  geoMemberNotFound: 'ERR could not decode requested zset member',
  geoUnit: 'ERR unsupported unit provided. please use M, KM, FT, MI',
  geoNeedRadius: 'ERR need numeric radius',
  geoRadiusNegative: 'ERR radius cannot be negative',
  geoNeedWidth: 'ERR need numeric width',
  geoNeedHeight: 'ERR need numeric height',
  geoBoxNegative: 'ERR height or width cannot be negative',
  geoCountPositive: 'ERR COUNT must be > 0',
  geoAnyNeedsCount: 'ERR the ANY argument requires COUNT argument',
  // HyperLogLog
  hllNotValid: 'WRONGTYPE Key is not a valid HyperLogLog string value.',
  hllCorrupted: 'INVALIDOBJ Corrupted HLL object detected',
  pfdebugNoKey: 'ERR The specified key does not exist',
  hllNotSparse: 'ERR HLL encoding is not sparse',
  pfselftestNotSparse: 'ERR TESTFAILED sparse encoding not used',
  pfselftestDisagree: 'ERR TESTFAILED dense/sparse disagree',
  // bitmaps (SETBIT GETBIT BITPOS BITOP BITFIELD)
  bitOffset: 'ERR bit offset is not an integer or out of range',
  bitValue: 'ERR bit is not an integer or out of range',
  bitposBit: 'ERR The bit argument must be 1 or 0.',
  bitopNotSingleKey: 'ERR BITOP NOT must be called with a single source key.',
  bitfieldType: 'ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.',
  bitfieldOverflowType: 'ERR Invalid OVERFLOW type specified',
  bitfieldRoGetOnly: 'ERR BITFIELD_RO only supports the GET subcommand',
  // streams (XADD XRANGE XREAD XGROUP XINFO ...)
  invalidStreamId: 'ERR Invalid stream ID specified as stream command argument',
  xaddIdTooSmall: 'ERR The ID specified in XADD is equal or smaller than the target stream top item',
  xaddIdZero: 'ERR The ID specified in XADD must be greater than 0-0',
  streamExhausted: 'ERR The stream has exhausted the last possible ID, unable to add more items',
  streamElementsTooLarge: 'ERR Elements are too large to be stored',
  maxlenMinidTogether: 'ERR syntax error, MAXLEN and MINID options at the same time are not compatible',
  maxlenNegative: 'ERR The MAXLEN argument must be >= 0.',
  trimLimitNegative: 'ERR The LIMIT argument must be >= 0.',
  trimLimitNoStrategy: 'ERR syntax error, LIMIT cannot be used without specifying a trimming strategy',
  xtrimNoStrategy: 'ERR syntax error, XTRIM must be called with a trimming strategy',
  trimLimitNoApprox: 'ERR syntax error, LIMIT cannot be used without the special ~ option',
  invalidStartInterval: 'ERR invalid start ID for the interval',
  invalidEndInterval: 'ERR invalid end ID for the interval',
  xreadUnbalanced: "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.",
  xreadGroupOption: 'ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.',
  xreadNoackOption: 'ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.',
  xreadgroupMissingGroup: 'ERR Missing GROUP option for XREADGROUP',
  xreadgroupDollar:
    'ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.',
  xreadGreater: 'ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.',
  timeoutNotInteger: 'ERR timeout is not an integer or out of range',
  entriesReadNegative: 'ERR value for ENTRIESREAD must be positive or -1',
  xgroupKeyRequired:
    'ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.',
  busyGroup: 'BUSYGROUP Consumer Group name already exists',
  entriesAddedNegative: 'ERR entries_added must be positive',
  xsetidBelowMaxDeleted: 'ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id',
  xsetidBelowTop: 'ERR The ID specified in XSETID is smaller than the target stream top item',
  xsetidEntriesAddedBelowLength: 'ERR The entries_added specified in XSETID is smaller than the target stream length',
  xclaimMinIdle: 'ERR Invalid min-idle-time argument for XCLAIM',
  xclaimIdle: 'ERR Invalid IDLE option argument for XCLAIM',
  xclaimTime: 'ERR Invalid TIME option argument for XCLAIM',
  xclaimRetryCount: 'ERR Invalid RETRYCOUNT option argument for XCLAIM',
  xautoclaimMinIdle: 'ERR Invalid min-idle-time argument for XAUTOCLAIM',
  xautoclaimCount: 'ERR COUNT must be > 0',
  xautoclaimCountTooHigh: 'ERR Insufficient memory, failed allocating transient memory, COUNT too high.',
  blockedGroupGone: 'NOGROUP the consumer group this client was blocked on no longer exists',
  blockedStreamGone: 'UNBLOCKED the stream key no longer exists',
  // persistence (SAVE BGSAVE DUMP RESTORE DEBUG RELOAD) and the MISCONF gate
  saveFailed: 'ERR',
  bgsaveInProgress: 'ERR Background save already in progress',
  bgsaveChildActive:
    "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.",
  dumpPayloadInvalid: 'ERR DUMP payload version or checksum are wrong',
  badDataFormat: 'ERR Bad data format',
  busyKey: 'BUSYKEY Target key name already exists.',
  invalidTtl: 'ERR Invalid TTL value, must be >= 0',
  invalidIdletime: 'ERR Invalid IDLETIME value, must be >= 0',
  invalidFreq: 'ERR Invalid FREQ value, must be >= 0 and <= 255',
  debugReloadOptions: 'ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.',
  debugReloadFailed: 'ERR Error trying to load the RDB dump',
  bgrewriteaofInProgress: 'ERR Background append only file rewriting already in progress',
  bgrewriteaofFailed: "ERR Can't execute an AOF background rewriting. Please check the server logs for more information.",
  misconf:
    "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.",
  // lists
  lposRankZero:
    "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
  lposCountNegative: "ERR COUNT can't be negative",
  lposMaxlenNegative: "ERR MAXLEN can't be negative",
  indexOutOfRange: 'ERR index out of range',
  // transactions
  multiNested: 'ERR MULTI calls can not be nested',
  watchInsideMulti: 'ERR WATCH inside MULTI is not allowed',
  execWithoutMulti: 'ERR EXEC without MULTI',
  discardWithoutMulti: 'ERR DISCARD without MULTI',
  execAbort: 'EXECABORT Transaction discarded because of previous errors.',
  // pub/sub
  ssubscribeDenyBlocking: "ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client",
} as const;

export function unknownPfdebugSubcommand(sub: string): string {
  return `ERR Unknown PFDEBUG subcommand '${cstr(sub)}'`;
}

export function pfselftestRegister(reg: number, expected: number, got: number): string {
  return `ERR TESTFAILED Register ${reg} should be ${expected} but is ${got}`;
}

export function pfselftestError(card: number, abserr: number): string {
  return `ERR TESTFAILED Too big error. card:${card} abserr:${abserr}`;
}

/** A point outside the WGS84 limits; lon and lat as printf's "%f" writes them. */
export function geoInvalidLonLat(lon: string, lat: string): string {
  return `ERR invalid longitude,latitude pair ${lon},${lat}`;
}

/** WITHDIST, WITHHASH or WITHCOORD together with a destination key. */
export function geoStoreIncompatible(geosearchstore: boolean): string {
  return `ERR ${geosearchstore ? 'GEOSEARCHSTORE' : 'STORE option in GEORADIUS'} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`;
}

/** GEOSEARCH without FROMMEMBER/FROMLONLAT; names the command as the client typed it. */
export function geoExactlyOneFrom(cmd: string): string {
  return `ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${cstr(cmd)}`;
}

export function geoExactlyOneBy(cmd: string): string {
  return `ERR exactly one of BYRADIUS and BYBOX can be specified for ${cstr(cmd)}`;
}

/** ZUNION & co. with numkeys < 1 (Redis names the command in lower case). */
export function atLeastOneInputKey(cmd: string): string {
  return `ERR at least 1 input key is needed for '${cmd}' command`;
}

/** Text printed by Redis through "%s": it ends at the first NUL byte. */
function cstr(s: string): string {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}

export function helloOptionSyntax(opt: string): string {
  return `ERR Syntax error in HELLO option '${cstr(opt)}'`;
}

export function unknownClientType(type: string): string {
  return `ERR Unknown client type '${cstr(type)}'`;
}

export function noSuchUser(user: string): string {
  return `ERR No such user '${cstr(user)}'`;
}

/** CLIENT SETINFO with an attribute other than LIB-NAME / LIB-VER (Redis 7.2). */
export function unrecognizedOption(attr: string): string {
  return `ERR Unrecognized option '${cstr(attr)}'`;
}

/** CLIENT SETINFO value outside '!'..'~' (Redis 7.2; names the attribute as the client wrote it). */
export function clientAttrInvalid(attr: string): string {
  return `ERR ${cstr(attr)} cannot contain spaces, newlines or special characters.`;
}

export function wrongArity(fullName: string): string {
  return `ERR wrong number of arguments for '${fullName}' command`;
}

export function invalidExpireTime(cmd: string): string {
  return `ERR invalid expire time in '${cmd}' command`;
}

/** "ERR unknown command 'foo', with args beginning with: 'a' 'b' " (args text capped at 128). */
export function unknownCommand(name: string, args: readonly string[]): string {
  let list = '';
  for (const a of args) {
    if (list.length >= 128) break;
    list += `'${a.slice(0, 128 - list.length)}' `;
  }
  return `ERR unknown command '${cut(name)}', with args beginning with: ${list}`;
}

export function unknownSubcommand(sub: string, cmd: string): string {
  return `ERR unknown subcommand '${cut(sub)}'. Try ${cmd.toUpperCase()} HELP.`;
}

/** addReplySubcommandSyntaxError: commands that parse their own subcommands (DEBUG). */
export function unknownSubcommandOrArity(sub: string, cmd: string): string {
  return `ERR unknown subcommand or wrong number of arguments for '${cut(sub)}'. Try ${cmd.toUpperCase()} HELP.`;
}

/** EXPIRE and friends with an option other than NX/XX/GT/LT (printed with %s: stops at a NUL). */
export function unsupportedOption(opt: string): string {
  return `ERR Unsupported option ${cstr(opt)}`;
}

function cut(s: string): string {
  return s.length > 128 ? s.slice(0, 128) : s;
}

/** XREADGROUP on a missing key or group (key and group printed with %s). */
export function noGroupXreadgroup(key: string, group: string): string {
  return `NOGROUP No such key '${cstr(key)}' or consumer group '${cstr(group)}' in XREADGROUP with GROUP option`;
}

/** XPENDING, XCLAIM, XAUTOCLAIM on a missing key or group. */
export function noKeyOrGroup(key: string, group: string): string {
  return `NOGROUP No such key '${cstr(key)}' or consumer group '${cstr(group)}'`;
}

/** XGROUP SETID/CREATECONSUMER/DELCONSUMER and XINFO CONSUMERS on a missing group. */
export function noSuchGroup(group: string, key: string): string {
  return `NOGROUP No such consumer group '${cstr(group)}' for key name '${cstr(key)}'`;
}

export function xclaimUnknownOption(opt: string): string {
  return `ERR Unrecognized XCLAIM option '${cstr(opt)}'`;
}

/** Scripting (EVAL, SCRIPT, redis.call refusals), as Redis 7.0.15 words them. */
export const SCRIPT_ERR = {
  noScript: 'NOSCRIPT No matching script. Please use EVAL.',
  keysGreaterThanArgs: "ERR Number of keys can't be greater than number of args",
  negativeKeys: "ERR Number of keys can't be negative",
  roWithWriteFlag: 'ERR Can not execute a script with write flag using *_ro command.',
  flushOption: 'ERR SCRIPT FLUSH only support SYNC|ASYNC option',
  notBusy: 'NOTBUSY No scripts in execution right now.',
  debugMode: 'ERR Use SCRIPT DEBUG YES/SYNC/NO',
  /** Not a Redis error: this server has no Lua debugger. */
  debugUnsupported: 'ERR SCRIPT DEBUG is not supported by this server',
  unknownCommand: 'ERR Unknown Redis command called from script',
  arity: 'ERR Wrong number of args calling Redis command from script',
  noscriptCommand: 'ERR This Redis command is not allowed from script',
  writeFromReadOnly: 'ERR Write commands are not allowed from read-only scripts.',
  notInScript: 'ERR redis.call/pcall can only be called inside a script invocation',
  shebangInvalid: 'ERR Invalid script shebang',
  shebangNoEngine: 'ERR Invalid engine in script shebang',
  // busy scripts (SCRIPT KILL, FUNCTION KILL, SHUTDOWN NOSAVE)
  busyEval: 'BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.',
  busyFunction: 'BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.',
  unkillable:
    'UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.',
  oomFlagNotSet: "OOM allow-oom flag is not set on the script, can not run it when used memory > 'maxmemory'",
  // functions (FCALL, FUNCTION)
  functionNotFound: 'ERR Function not found',
  badNumberOfKeys: 'ERR Bad number of keys provided',
  libraryNotFound: 'ERR Library not found',
  functionFlushOption: 'ERR FUNCTION FLUSH only supports SYNC|ASYNC option',
  libraryNameMissing: 'ERR library name argument was not given',
  functionCodeMissing: 'ERR Function code is missing',
  restorePolicy: 'ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.',
  notAFunction: 'ERR given type is not a function',
  libraryPayload: 'ERR Failed loading library payload',
} as const;

/** XREAD / XREADGROUP with BLOCK from a script (the command's name as the script wrote it). */
export function blockFromScript(command: string): string {
  return `ERR ${command} command is not allowed with BLOCK option from scripts`;
}

/** FUNCTION LIST with an argument it does not know. */
export function functionListUnknownArgument(arg: string): string {
  return `ERR Unknown argument ${arg}`;
}

/** FUNCTION LOAD with an option other than REPLACE. */
export function functionLoadUnknownOption(option: string): string {
  return `ERR Unknown option given: ${option}`;
}

/** `#!<engine>` other than `#!lua`. */
export function shebangUnexpectedEngine(engine: string): string {
  return `ERR Unexpected engine in script shebang: ${engine}`;
}

export function shebangUnknownOption(option: string): string {
  return `ERR Unknown lua shebang option: ${option}`;
}

export function shebangUnexpectedFlag(flag: string): string {
  return `ERR Unexpected flag in script shebang: ${flag}`;
}

/** A script body that does not compile (Lua's message follows). */
export function scriptCompileError(luaMessage: string): string {
  return `ERR Error compiling script (new function): ${luaMessage}`;
}

/** Writes refused after a failed write (or fsync) of the AOF; `why` is strerror's text. */
export function aofWriteError(why: string): string {
  return `MISCONF Errors writing to the AOF file: ${why}`;
}
