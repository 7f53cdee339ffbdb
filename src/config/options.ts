/**
 * The configuration table: one row per redis.conf directive, as Redis's static_configs[].
 *
 * The redis.conf parser, command-line flags, CONFIG GET/SET/RESETSTAT, INFO and the server's
 * start-up all read this table. A row's `kind` says how its text is parsed and printed;
 * `inert` marks a directive whose capability Cinnabar does not have yet: it is accepted only
 * with a value that asks for nothing (so existing redis.conf files keep working) and refused,
 * naming the directive, otherwise.
 */

export type OptionKind = 'bool' | 'int' | 'memory' | 'enum' | 'string' | 'special';

export interface OptionRow {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly kind: OptionKind;
  /** Default, as the text CONFIG GET prints. */
  readonly default: string;
  readonly min?: number;
  readonly max?: number;
  /** Values above max are clamped rather than refused (hz). */
  readonly clamp?: boolean;
  readonly values?: readonly string[];
  /** false: CONFIG SET refuses it (Redis's IMMUTABLE_CONFIG). */
  readonly mutable: boolean;
  /** For 'special': parse args into the canonical text, or return an error message. */
  readonly parse?: (args: readonly string[]) => { value: string } | { error: string };
  /** Capability not built yet: the only values accepted are those for which this is true. */
  readonly inert?: (value: string) => boolean;
  /** CONFIG SET on it is refused in protected configs (enable-protected-configs). */
  readonly protected?: boolean;
}

const isEmpty = (v: string) => v === '';
const isNo = (v: string) => v === 'no';
const isZero = (v: string) => v === '0';

function saveParse(args: readonly string[]): { value: string } | { error: string } {
  if (args.length === 1 && args[0] === '') return { value: '' };
  if (args.length % 2 !== 0) return { error: 'Invalid save parameters' };
  for (const a of args) {
    if (!/^\d+$/.test(a)) return { error: 'Invalid save parameters' };
  }
  return { value: args.join(' ') };
}

import { ENCODING_OPTIONS } from './options-encoding.js';

export const OPTIONS: readonly OptionRow[] = [
  ...ENCODING_OPTIONS,
  // network
  { name: 'port', kind: 'int', default: '6379', min: 0, max: 65535, mutable: true },
  { name: 'bind', kind: 'special', default: '* -::*', mutable: true, parse: (a) => ({ value: a.join(' ') }) },
  { name: 'protected-mode', kind: 'bool', default: 'yes', mutable: true },
  { name: 'tcp-backlog', kind: 'int', default: '511', min: 0, max: 2147483647, mutable: false },
  { name: 'timeout', kind: 'int', default: '0', min: 0, max: 2147483647, mutable: true },
  { name: 'tcp-keepalive', kind: 'int', default: '300', min: 0, max: 2147483647, mutable: true },
  { name: 'unixsocket', kind: 'string', default: '', mutable: false, inert: isEmpty },
  { name: 'maxclients', kind: 'int', default: '10000', min: 1, max: 2147483647, mutable: true },
  // general
  { name: 'databases', kind: 'int', default: '16', min: 1, max: 2147483647, mutable: false },
  { name: 'daemonize', kind: 'bool', default: 'no', mutable: false, inert: isNo },
  { name: 'pidfile', kind: 'string', default: '', mutable: false },
  { name: 'loglevel', kind: 'enum', default: 'notice', values: ['debug', 'verbose', 'notice', 'warning', 'nothing'], mutable: true },
  { name: 'logfile', kind: 'string', default: '', mutable: false },
  { name: 'hz', kind: 'int', default: '10', min: 1, max: 500, clamp: true, mutable: true },
  { name: 'requirepass', kind: 'string', default: '', mutable: true },
  // protocol limits
  { name: 'proto-max-bulk-len', kind: 'memory', default: '536870912', min: 1024 * 1024, max: Number.MAX_SAFE_INTEGER, mutable: true },
  { name: 'client-query-buffer-limit', kind: 'memory', default: '1073741824', min: 1024 * 1024, max: Number.MAX_SAFE_INTEGER, mutable: true },
  // keyspace
  { name: 'notify-keyspace-events', kind: 'special', default: '', mutable: true },
  { name: 'maxmemory', kind: 'memory', default: '0', min: 0, max: Number.MAX_SAFE_INTEGER, mutable: true, inert: isZero },
  {
    name: 'maxmemory-policy',
    kind: 'enum',
    default: 'noeviction',
    values: ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction'],
    mutable: true,
  },
  { name: 'lfu-log-factor', kind: 'int', default: '10', min: 0, max: 2147483647, mutable: true },
  { name: 'lfu-decay-time', kind: 'int', default: '1', min: 0, max: 2147483647, mutable: true },
  { name: 'active-expire-effort', kind: 'int', default: '1', min: 1, max: 10, mutable: true },
  // persistence (not built yet: only values that ask for nothing)
  { name: 'save', kind: 'special', default: '', mutable: true, parse: saveParse, inert: isEmpty },
  { name: 'appendonly', kind: 'bool', default: 'no', mutable: true, inert: isNo },
  { name: 'dir', kind: 'special', default: '', mutable: true, parse: (a) => ({ value: a.join(' ') }) },
  { name: 'dbfilename', kind: 'string', default: 'dump.rdb', mutable: true },
];
