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
  lcsBothLenIdx: "ERR If you want both the length and indexes, please just use IDX.",
  lcsNotString: 'ERR The specified keys must contain string values',
  objectFreqNoLfu:
    'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
  objectIdleLfu:
    'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
  shutdownFailed: 'ERR Errors trying to SHUTDOWN. Check logs.',
  oom: "OOM command not allowed when used memory > 'maxmemory'.",
  loading: 'LOADING Redis is loading the dataset in memory',
  getexPersistOrTtl: 'ERR syntax error',
} as const;

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

export function unknownSubcommandOrArity(sub: string, cmd: string): string {
  return `ERR Unknown subcommand or wrong number of arguments for '${cut(sub)}'. Try ${cmd.toUpperCase()} HELP.`;
}

function cut(s: string): string {
  return s.length > 128 ? s.slice(0, 128) : s;
}
