/**
 * LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]: longest common subsequence of
 * two string values, by the classic dynamic-programming table (O(N*M) time and memory, as in
 * Redis). IDX reports the matched ranges walking back from the ends of both strings, so the
 * ranges come last-first, exactly as Redis emits them.
 */
import type { Argv } from '../protocol/argv.js';
import { isStringValue, strBytes, type StringValue } from '../values/string.js';
import { ERR } from './errors.js';
import type { CommandContext, CommandSpec } from './spec.js';

export const lcsCommands = [
  {
    name: 'lcs', arity: -3, flags: ['readonly'], acl: ['string'], keys: [1, 2, 1], group: 'string', since: '7.0.0',
    summary: 'Find the longest common subsequence of two string values',
    complexity: 'O(N*M) where N and M are the lengths of s1 and s2, respectively',
    keySpecs: [{ flags: ['RO', 'access'], begin_search: { index: 1 }, find_keys: { lastkey: 1, keystep: 1, limit: 0 } }],
    args: [
      { name: 'key1', type: 'key', key_spec_index: 0 },
      { name: 'key2', type: 'key', key_spec_index: 0 },
      { name: 'len', type: 'pure-token', token: 'LEN', optional: true },
      { name: 'idx', type: 'pure-token', token: 'IDX', optional: true },
      { name: 'len', type: 'integer', token: 'MINMATCHLEN', optional: true },
      { name: 'withmatchlen', type: 'pure-token', token: 'WITHMATCHLEN', optional: true },
    ],
    run: lcs,
  },
] as const satisfies readonly CommandSpec[];

/** Redis refuses strings whose length does not fit its uint32 table indexes. */
const MAX_LCS_INPUT = 2 ** 32 - 2;
const EMPTY = Buffer.alloc(0);

function lcs(ctx: CommandContext, argv: Argv): void {
  const db = ctx.db;
  const va = db.lookupRead(argv.str(1));
  const vb = db.lookupRead(argv.str(2));
  if ((va !== undefined && !isStringValue(va)) || (vb !== undefined && !isStringValue(vb))) {
    ctx.reply.error(ERR.lcsNotString);
    return;
  }
  let getLen = false;
  let getIdx = false;
  let withMatchLen = false;
  let minMatchLen = 0;
  for (let j = 3; j < argv.argc; j++) {
    const more = argv.argc - 1 - j;
    if (argv.is(j, 'IDX')) {
      getIdx = true;
    } else if (argv.is(j, 'LEN')) {
      getLen = true;
    } else if (argv.is(j, 'WITHMATCHLEN')) {
      withMatchLen = true;
    } else if (argv.is(j, 'MINMATCHLEN') && more > 0) {
      const n = argv.int(j + 1);
      if (n === null) {
        ctx.reply.error(ERR.notInteger);
        return;
      }
      minMatchLen = n < 0 ? 0 : Number(n);
      j++;
    } else {
      ctx.reply.error(ERR.syntax);
      return;
    }
  }
  if (getIdx && getLen) {
    ctx.reply.error(ERR.lcsBothLenIdx);
    return;
  }
  const a = va === undefined ? EMPTY : strBytes(va as StringValue);
  const b = vb === undefined ? EMPTY : strBytes(vb as StringValue);
  if (a.length >= MAX_LCS_INPUT || b.length >= MAX_LCS_INPUT) {
    ctx.reply.error(ERR.lcsTooLong);
    return;
  }
  const alen = a.length;
  const blen = b.length;
  const stride = blen + 1;
  let table: Uint32Array;
  try {
    table = new Uint32Array((alen + 1) * stride);
  } catch {
    ctx.reply.error(ERR.insufficientMemory);
    return;
  }
  // table[i*stride + j] = LCS length of a[0..i) and b[0..j); row 0 and column 0 stay 0.
  for (let i = 1; i <= alen; i++) {
    const ai = a[i - 1];
    const row = i * stride;
    const prev = row - stride;
    for (let j = 1; j <= blen; j++) {
      if (ai === b[j - 1]) {
        table[row + j] = (table[prev + j - 1] as number) + 1;
      } else {
        const up = table[prev + j] as number;
        const left = table[row + j - 1] as number;
        table[row + j] = up > left ? up : left;
      }
    }
  }
  const total = table[alen * stride + blen] as number;
  if (getLen) {
    ctx.reply.integer(total);
    return;
  }

  // Walk back from the end, collecting the subsequence and the contiguous matched ranges.
  const result = Buffer.allocUnsafe(total);
  const ranges: number[] = []; // aStart, aEnd, bStart, bEnd per range
  let idx = total;
  let i = alen;
  let j = blen;
  let aStart = -1;
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a[i - 1] === b[j - 1]) {
      result[idx - 1] = a[i - 1] as number;
      if (aStart < 0) {
        aStart = aEnd = i - 1;
        bStart = bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      if (aStart === 0 || bStart === 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      const up = table[(i - 1) * stride + j] as number;
      const left = table[i * stride + j - 1] as number;
      if (up > left) i--;
      else j--;
      if (aStart >= 0) emit = true;
    }
    if (emit) {
      if (getIdx && (minMatchLen === 0 || aEnd - aStart + 1 >= minMatchLen)) ranges.push(aStart, aEnd, bStart, bEnd);
      aStart = -1;
    }
  }

  if (!getIdx) {
    ctx.reply.bulkBytes(result);
    return;
  }
  const w = ctx.reply;
  w.mapHeader(2);
  w.bulk('matches');
  const count = ranges.length / 4;
  w.arrayHeader(count);
  for (let r = 0; r < ranges.length; r += 4) {
    const as = ranges[r] as number;
    const ae = ranges[r + 1] as number;
    w.arrayHeader(withMatchLen ? 3 : 2);
    w.arrayHeader(2);
    w.integer(as);
    w.integer(ae);
    w.arrayHeader(2);
    w.integer(ranges[r + 2] as number);
    w.integer(ranges[r + 3] as number);
    if (withMatchLen) w.integer(ae - as + 1);
  }
  w.bulk('len');
  w.integer(total);
}
