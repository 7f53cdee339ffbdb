/**
 * Every command family's table, in one list: the single source the server builds its
 * command table from. Adding a family = one import and one entry here.
 */
import type { CommandSpec } from './spec.js';
import { connectionCommands } from './connection.js';
import { clientCommands } from './client.js';
import { serverCommands } from './server.js';
import { stringCommands } from './string.js';
import { stringRangeCommands } from './string-range.js';
import { stringCounterCommands } from './string-counters.js';
import { lcsCommands } from './lcs.js';
import { listCommands } from './list.js';
import { listBlockingCommands } from './list-blocking.js';
import { transactionCommands } from './transactions.js';
import { pubsubCommands } from './pubsub.js';
import { genericCommands } from './generic.js';
import { expireCommands } from './expire.js';
import { scanCommands } from './scan.js';
import { objectCommands } from './object.js';
import { debugCommands } from './debug.js';
import { configCommands } from './config.js';
import { zsetCommands } from './zset.js';
import { zsetRangeCommands } from './zset-range.js';
import { zsetSetopCommands } from './zset-setops.js';
import { zsetBlockingCommands } from './zset-blocking.js';
import { sortCommands } from './sort.js';
import { hashCommands } from './hash.js';
import { hashRandomCommands } from './hash-random.js';
import { setCommands } from './set.js';
import { setAlgebraCommands } from './set-algebra.js';
import { hyperloglogCommands } from './hyperloglog.js';
import { bitopsCommands } from './bitops.js';
import { bitfieldCommands } from './bitfield.js';
import { geoCommands } from './geo.js';
import { streamCommands } from './stream.js';
import { streamReadCommands } from './stream-read.js';
import { streamGroupCommands } from './stream-groups.js';
import { streamInfoCommands } from './stream-info.js';
import { scriptingCommands } from './scripting.js';
import { functionCommands } from './functions.js';
import { persistenceCommands } from './persistence.js';
import { aofCommands } from './aof.js';
import { dumpCommands } from './dump.js';

export const ALL_COMMANDS: readonly (readonly CommandSpec[])[] = [
  connectionCommands,
  clientCommands,
  serverCommands,
  stringCommands,
  stringRangeCommands,
  stringCounterCommands,
  lcsCommands,
  listCommands,
  listBlockingCommands,
  transactionCommands,
  pubsubCommands,
  genericCommands,
  expireCommands,
  scanCommands,
  objectCommands,
  debugCommands,
  configCommands,
  zsetCommands,
  zsetRangeCommands,
  zsetSetopCommands,
  zsetBlockingCommands,
  sortCommands,
  hashCommands,
  hashRandomCommands,
  setCommands,
  setAlgebraCommands,
  hyperloglogCommands,
  bitopsCommands,
  bitfieldCommands,
  geoCommands,
  streamCommands,
  streamReadCommands,
  streamGroupCommands,
  streamInfoCommands,
  scriptingCommands,
  functionCommands,
  persistenceCommands,
  aofCommands,
  dumpCommands,
];
