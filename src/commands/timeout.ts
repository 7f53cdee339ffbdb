/**
 * Timeouts of blocking commands, parsed as Redis 7.0's getTimeoutFromObjectOrReply does:
 * seconds as a long double (strtold: decimal or hex, "inf"; no surrounding spaces), turned
 * into whole milliseconds rounding up, so 0.0001 waits 1 ms rather than forever. A value whose
 * milliseconds do not fit an int64 behaves like x86's conversion (LLONG_MIN) and is reported
 * as negative, which is what redis-server answers for `BLPOP k inf`.
 */
import type { Argv } from '../protocol/argv.js';
import { ERR } from './errors.js';
import type { CommandContext } from './spec.js';

const HEX_FLOAT = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const DEC_FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** strtold over the whole string; null when it would not consume everything or is NaN. */
export function parseLongDouble(s: string): number | null {
  if (s.length === 0) return null;
  const l = s.toLowerCase();
  if (l === 'inf' || l === '+inf' || l === 'infinity' || l === '+infinity') return Infinity;
  if (l === '-inf' || l === '-infinity') return -Infinity;
  if (DEC_FLOAT.test(s)) return Number(s);
  const m = HEX_FLOAT.exec(s);
  if (m && ((m[2] ?? '') !== '' || (m[3] ?? '') !== '')) {
    const int = m[2] ? parseInt(m[2], 16) : 0;
    const fracDigits = m[3] ?? '';
    let frac = 0;
    for (let i = 0; i < fracDigits.length; i++) frac += parseInt(fracDigits[i] as string, 16) / 16 ** (i + 1);
    const v = (int + frac) * 2 ** Number(m[4] ?? '0');
    return m[1] === '-' ? -v : v;
  }
  return null;
}

const INT64_LIMIT = 2 ** 63;

/**
 * Parse argv[i] as a blocking timeout in seconds. Returns the absolute deadline in ms, 0 for
 * "wait forever", or null after replying the error.
 */
export function parseBlockingTimeout(ctx: CommandContext, argv: Argv, i: number): number | null {
  const v = parseLongDouble(argv.str(i));
  if (v === null) {
    ctx.reply.error(ERR.timeoutNotFloat);
    return null;
  }
  let ms = Math.ceil(v * 1000);
  if (!Number.isFinite(ms) || ms >= INT64_LIMIT || ms < -INT64_LIMIT) ms = -1;
  if (ms < 0) {
    ctx.reply.error(ERR.timeoutNegative);
    return null;
  }
  return ms === 0 ? 0 : ms + ctx.server.clockNow();
}

/**
 * XREAD/XREADGROUP BLOCK <milliseconds>: an int64 (getTimeoutFromObjectOrReply in ms). Returns
 * the absolute deadline, 0 for "wait forever", or null after replying the error.
 */
export function parseBlockingTimeoutMs(ctx: CommandContext, argv: Argv, i: number): number | null {
  const v = argv.int(i);
  if (v === null) {
    ctx.reply.error(ERR.timeoutNotInteger);
    return null;
  }
  if (v < 0) {
    ctx.reply.error(ERR.timeoutNegative);
    return null;
  }
  return v === 0 ? 0 : Number(v) + ctx.server.clockNow();
}
