/**
 * Directives that set the thresholds at which aggregate types change encoding (OBJECT
 * ENCODING listpack → hashtable/skiplist/quicklist, intset → ...). Part of the one config
 * table (options.ts spreads these rows in). The server copies them into
 * `Keyspace.encoding` so value code reads plain numbers.
 */
import type { OptionRow } from './options.js';

const I64 = 9223372036854775807;

export const ENCODING_OPTIONS: readonly OptionRow[] = [
  { name: 'hash-max-listpack-entries', aliases: ['hash-max-ziplist-entries'], kind: 'int', default: '512', min: 0, max: I64, mutable: true },
  { name: 'hash-max-listpack-value', aliases: ['hash-max-ziplist-value'], kind: 'int', default: '64', min: 0, max: I64, mutable: true },
  { name: 'set-max-intset-entries', kind: 'int', default: '512', min: 0, max: I64, mutable: true },
  // 7.2's names, accepted because configs written for newer servers use them.
  { name: 'set-max-listpack-entries', kind: 'int', default: '128', min: 0, max: I64, mutable: true },
  { name: 'set-max-listpack-value', kind: 'int', default: '64', min: 0, max: I64, mutable: true },
  { name: 'zset-max-listpack-entries', aliases: ['zset-max-ziplist-entries'], kind: 'int', default: '128', min: 0, max: I64, mutable: true },
  { name: 'zset-max-listpack-value', aliases: ['zset-max-ziplist-value'], kind: 'int', default: '64', min: 0, max: I64, mutable: true },
  { name: 'list-max-listpack-size', aliases: ['list-max-ziplist-size'], kind: 'int', default: '-2', min: -5, max: I64, mutable: true },
  { name: 'list-compress-depth', kind: 'int', default: '0', min: 0, max: 2147483647, mutable: true },
];
