/**
 * Persistence directives (part of the one config table, spread into options.ts).
 *
 * Snapshots and the append-only file are not built yet, so `save` (default '' here, Redis's
 * built-in default is "3600 1 300 100 60 10000") and `appendonly` are inert: only the values
 * that ask for no persistence are accepted. Every other row only tunes how snapshots or the
 * AOF are written, which cannot happen while those two are off: tuning (any valid value is
 * stored, with Redis's validation, for the persistence layer to read). `dir` is implemented
 * (Config changes or validates the working directory, see config.ts); `dbfilename` is stored
 * for SAVE/BGSAVE. Both are protected configs as in Redis.
 */
import { INT_MAX, LLONG_MAX } from './numeric.js';
import { boolOpt, enumOpt, isEmpty, isNo, numOpt, specialOpt, strOpt, type OptionRow } from './option-types.js';
import { checkAppendDirname, checkAppendFilename, checkDbFilename, parseSave } from './special.js';

const INT_MIN = -(2n ** 31n);

function oneArg(args: readonly string[]): { value: string } | { error: string } {
  return args.length === 1 ? { value: args[0] as string } : { error: 'wrong number of arguments' };
}

export const PERSISTENCE_OPTIONS: readonly OptionRow[] = [
  specialOpt('save', '', parseSave, { multiArg: true, inert: isEmpty }),
  boolOpt('appendonly', 'no', { inert: isNo }),
  specialOpt('dir', '', oneArg, { protected: true }),
  strOpt('dbfilename', 'dump.rdb', { protected: true, check: checkDbFilename, status: 'tuning' }),
  strOpt('appendfilename', 'appendonly.aof', { immutable: true, check: checkAppendFilename, status: 'tuning' }),
  strOpt('appenddirname', 'appendonlydir', { immutable: true, check: checkAppendDirname, status: 'tuning' }),
  enumOpt('appendfsync', ['everysec', 'always', 'no'], 'everysec', { status: 'tuning' }),
  boolOpt('no-appendfsync-on-rewrite', 'no', { status: 'tuning' }),
  numOpt('auto-aof-rewrite-percentage', 'int', 0n, INT_MAX, 100n, { status: 'tuning' }),
  numOpt('auto-aof-rewrite-min-size', 'off_t', 0n, LLONG_MAX, 64n * 1024n * 1024n, { memory: true, status: 'tuning' }),
  boolOpt('aof-load-truncated', 'yes', { status: 'tuning' }),
  boolOpt('aof-use-rdb-preamble', 'yes', { status: 'tuning' }),
  boolOpt('aof-timestamp-enabled', 'no', { status: 'tuning' }),
  boolOpt('aof-rewrite-incremental-fsync', 'yes', { status: 'tuning' }),
  boolOpt('aof-disable-auto-gc', 'no', { status: 'tuning' }),
  boolOpt('rdbcompression', 'yes', { status: 'tuning' }),
  boolOpt('rdbchecksum', 'yes', { immutable: true, status: 'tuning' }),
  boolOpt('rdb-del-sync-files', 'no', { status: 'tuning' }),
  boolOpt('rdb-save-incremental-fsync', 'yes', { status: 'tuning' }),
  boolOpt('stop-writes-on-bgsave-error', 'yes', { status: 'tuning' }),
  enumOpt('sanitize-dump-payload', ['no', 'yes', 'clients'], 'no', { status: 'tuning' }),
  numOpt('rdb-key-save-delay', 'int', INT_MIN, INT_MAX, 0n, { hidden: true, status: 'tuning' }),
  numOpt('key-load-delay', 'int', INT_MIN, INT_MAX, 0n, { hidden: true, status: 'tuning' }),
  numOpt('loading-process-events-interval-bytes', 'off_t', 1024n, INT_MAX, 2n * 1024n * 1024n, { hidden: true, status: 'tuning' }),
];
