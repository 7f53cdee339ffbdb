/**
 * Persistence directives (part of the one config table, spread into options.ts).
 *
 * RDB snapshots are built (src/persistence): `save` points (Redis 7.0's default schedule
 * "3600 1 300 100 60 10000"), `dbfilename`, `dir`, `rdbcompression`, `rdbchecksum` and
 * `stop-writes-on-bgsave-error` act as in Redis. So does the append-only file
 * (persistence/aof*.ts): `appendonly` (also at run time), `appendfilename`, `appenddirname`,
 * `appendfsync`, the automatic rewrite, `aof-load-truncated`, `aof-use-rdb-preamble`,
 * `aof-timestamp-enabled`, `aof-disable-auto-gc`, `no-appendfsync-on-rewrite`.
 * `aof-rewrite-incremental-fsync` only tunes (a rewrite here writes in slices from the event
 * loop and fsyncs once at the end). `dir` is implemented (Config changes or
 * validates the working directory, see config.ts); `dir` and `dbfilename` are protected
 * configs as in Redis.
 */
import { INT_MAX, LLONG_MAX } from './numeric.js';
import { boolOpt, enumOpt, numOpt, specialOpt, strOpt, type OptionRow } from './option-types.js';
import { checkAppendDirname, checkAppendFilename, checkDbFilename, parseSave } from './special.js';

const INT_MIN = -(2n ** 31n);

function oneArg(args: readonly string[]): { value: string } | { error: string } {
  return args.length === 1 ? { value: args[0] as string } : { error: 'wrong number of arguments' };
}

export const PERSISTENCE_OPTIONS: readonly OptionRow[] = [
  specialOpt('save', '3600 1 300 100 60 10000', parseSave, { multiArg: true }),
  boolOpt('appendonly', 'no'),
  specialOpt('dir', '', oneArg, { protected: true }),
  strOpt('dbfilename', 'dump.rdb', { protected: true, check: checkDbFilename }),
  strOpt('appendfilename', 'appendonly.aof', { immutable: true, check: checkAppendFilename }),
  strOpt('appenddirname', 'appendonlydir', { immutable: true, check: checkAppendDirname }),
  enumOpt('appendfsync', ['everysec', 'always', 'no'], 'everysec'),
  boolOpt('no-appendfsync-on-rewrite', 'no'),
  numOpt('auto-aof-rewrite-percentage', 'int', 0n, INT_MAX, 100n),
  numOpt('auto-aof-rewrite-min-size', 'off_t', 0n, LLONG_MAX, 64n * 1024n * 1024n, { memory: true }),
  boolOpt('aof-load-truncated', 'yes'),
  boolOpt('aof-use-rdb-preamble', 'yes'),
  boolOpt('aof-timestamp-enabled', 'no'),
  boolOpt('aof-rewrite-incremental-fsync', 'yes', { status: 'tuning' }),
  boolOpt('aof-disable-auto-gc', 'no'),
  boolOpt('rdbcompression', 'yes'),
  boolOpt('rdbchecksum', 'yes', { immutable: true }),
  boolOpt('rdb-del-sync-files', 'no', { status: 'tuning' }),
  boolOpt('rdb-save-incremental-fsync', 'yes', { status: 'tuning' }),
  boolOpt('stop-writes-on-bgsave-error', 'yes'),
  enumOpt('sanitize-dump-payload', ['no', 'yes', 'clients'], 'no', { status: 'tuning' }),
  numOpt('rdb-key-save-delay', 'int', INT_MIN, INT_MAX, 0n, { hidden: true, status: 'tuning' }),
  numOpt('key-load-delay', 'int', INT_MIN, INT_MAX, 0n, { hidden: true, status: 'tuning' }),
  numOpt('loading-process-events-interval-bytes', 'off_t', 1024n, INT_MAX, 2n * 1024n * 1024n, { hidden: true, status: 'tuning' }),
];
