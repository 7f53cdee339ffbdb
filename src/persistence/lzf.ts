/**
 * LZF, the compression of RDB strings (rdbcompression) and compressed quicklist nodes.
 *
 * Format (liblzf): a sequence of runs, each introduced by a control byte:
 *   000LLLLL                     a literal run of L+1 bytes (1..32) follows;
 *   LLLooooo oooooooo            a back reference of L+2 bytes (3..8) at distance o+1;
 *   111ooooo LLLLLLLL oooooooo   a back reference of L+9 bytes at distance o+1.
 *
 * The compressor reproduces the choices of liblzf 3.6 as Redis builds it (HLOG 16, VERY_FAST,
 * a 3-byte hash, matches of at most 264 bytes within 8 KB, a position 0 never referenced,
 * and only the last two positions of a match re-hashed), so the output is byte-identical to
 * Redis's for the same input — which makes DUMP payloads of long strings equal — except in
 * rare cases where Redis's hash table, which it does not clear between calls, still holds a
 * usable stale entry; either output decompresses to the same bytes. Here the table is
 * "cleared" per call with a generation stamp instead of 256 KB of writes.
 *
 * Imports nothing from src/.
 */

const HLOG = 16;
const HSIZE = 1 << HLOG;
const MAX_LIT = 1 << 5;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);

/** Last input position (+1) seen per hash slot, valid when stamp[slot] === generation. */
const htab = new Int32Array(HSIZE);
const stamp = new Uint32Array(HSIZE);
let generation = 0;

function idx(h: number): number {
  // ((h >> (3*8 - HLOG)) - h*5) & (HSIZE - 1), in 32-bit unsigned arithmetic as in C.
  return ((h >>> 8) - Math.imul(h, 5)) & (HSIZE - 1);
}

/**
 * Compress in[start, end) into out[0, outLen). Returns the compressed length, or 0 when the
 * result would not fit in outLen bytes (Redis asks for at least 4 bytes saved).
 */
export function lzfCompress(input: Uint8Array, start: number, end: number, out: Uint8Array, outLen: number): number {
  const inLen = end - start;
  if (inLen === 0 || outLen === 0) return 0;
  generation = (generation + 1) >>> 0;
  if (generation === 0) {
    stamp.fill(0);
    generation = 1;
  }
  const gen = generation;
  // Positions are relative to `start`; table entries store position + 1 (0 never valid).
  let ip = 0;
  let op = 1; // room for the first literal-run control byte
  let lit = 0;
  const inEnd = inLen;
  let hval = ((input[start] as number) << 8) | (input[start + 1] as number);
  while (ip < inEnd - 2) {
    hval = ((hval << 8) | (input[start + ip + 2] as number)) >>> 0;
    const slot = idx(hval);
    const ref = stamp[slot] === gen ? (htab[slot] as number) - 1 : -1;
    htab[slot] = ip + 1;
    stamp[slot] = gen;
    let off = 0;
    if (
      ref > 0 &&
      (off = ip - ref - 1) < MAX_OFF &&
      input[start + ref + 2] === input[start + ip + 2] &&
      input[start + ref] === input[start + ip] &&
      input[start + ref + 1] === input[start + ip + 1]
    ) {
      let len = 2;
      let maxlen = inEnd - ip - len;
      if (maxlen > MAX_REF) maxlen = MAX_REF;
      if (op + 3 + 1 >= outLen) {
        if (op - (lit === 0 ? 1 : 0) + 3 + 1 >= outLen) return 0;
      }
      out[op - lit - 1] = lit - 1; // stop the literal run
      if (lit === 0) op--; // undo an empty run
      // liblzf first compares up to 16 bytes unrolled without looking at maxlen (so near the
      // end of the input a match may run 1-2 bytes past it), then byte by byte.
      let stopped = false;
      if (maxlen > 16) {
        for (let k = 0; k < 16; k++) {
          len++;
          if (input[start + ref + len] !== input[start + ip + len]) {
            stopped = true;
            break;
          }
        }
      }
      if (!stopped) {
        do len++;
        while (len < maxlen && input[start + ref + len] === input[start + ip + len]);
      }
      len -= 2; // the match is len + 2 bytes long, as the format counts it
      ip++;
      if (len < 7) {
        out[op++] = (off >>> 8) + (len << 5);
      } else {
        out[op++] = (off >>> 8) + (7 << 5);
        out[op++] = len - 7;
      }
      out[op++] = off & 0xff;
      lit = 0;
      op++; // start a new literal run
      ip += len + 1;
      if (ip >= inEnd - 2) break;
      // VERY_FAST: hash the last two positions of the match.
      ip -= 2;
      hval = ((input[start + ip] as number) << 8) | (input[start + ip + 1] as number);
      hval = ((hval << 8) | (input[start + ip + 2] as number)) >>> 0;
      let s = idx(hval);
      htab[s] = ip + 1;
      stamp[s] = gen;
      ip++;
      hval = ((hval << 8) | (input[start + ip + 2] as number)) >>> 0;
      s = idx(hval);
      htab[s] = ip + 1;
      stamp[s] = gen;
      ip++;
    } else {
      if (op >= outLen) return 0;
      lit++;
      out[op++] = input[start + ip++] as number;
      if (lit === MAX_LIT) {
        out[op - lit - 1] = lit - 1;
        lit = 0;
        op++;
      }
    }
  }
  if (op + 3 > outLen) return 0;
  while (ip < inEnd) {
    lit++;
    out[op++] = input[start + ip++] as number;
    if (lit === MAX_LIT) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  out[op - lit - 1] = lit - 1; // end the last run
  if (lit === 0) op--;
  return op;
}

/**
 * Decompress in[start, end) into out[0, outLen). Returns the decompressed length, or -1 when
 * the data is malformed or does not fit (lzf_decompress's E2BIG / EINVAL).
 */
export function lzfDecompress(input: Uint8Array, start: number, end: number, out: Uint8Array, outLen: number): number {
  let ip = start;
  let op = 0;
  while (ip < end) {
    let ctrl = input[ip++] as number;
    if (ctrl < 32) {
      ctrl++;
      if (op + ctrl > outLen) return -1;
      if (ip + ctrl > end) return -1;
      for (let i = 0; i < ctrl; i++) out[op++] = input[ip++] as number;
    } else {
      let len = ctrl >>> 5;
      let ref = op - ((ctrl & 0x1f) << 8) - 1;
      if (ip >= end) return -1;
      if (len === 7) {
        len += input[ip++] as number;
        if (ip >= end) return -1;
      }
      ref -= input[ip++] as number;
      len += 2;
      if (op + len > outLen) return -1;
      if (ref < 0) return -1;
      // Byte by byte: the reference may overlap what is being written (run-length repeats).
      for (let i = 0; i < len; i++) out[op++] = out[ref++] as number;
    }
  }
  return op;
}
