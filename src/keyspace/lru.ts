/**
 * The 24-bit LRU/LFU word kept with every value, with Redis's arithmetic (evict.c):
 * LRU: seconds clock modulo 2^24. LFU: 16 bits of minutes modulo 2^16, then an 8-bit
 * logarithmic counter that starts at 5 and decays by one per `lfu-decay-time` minutes.
 * Pure functions: the caller passes the time and the random source.
 */

export const LRU_CLOCK_MAX = (1 << 24) - 1;
export const LRU_CLOCK_RESOLUTION_MS = 1000;
export const LFU_INIT_VAL = 5;

export function lruClock(nowMs: number): number {
  return Math.floor(nowMs / LRU_CLOCK_RESOLUTION_MS) & LRU_CLOCK_MAX;
}

/** Idle time in ms of an object with LRU word `lru` (estimateObjectIdleTime). */
export function idleMs(lru: number, nowMs: number): number {
  const clock = lruClock(nowMs);
  if (clock >= lru) return (clock - lru) * LRU_CLOCK_RESOLUTION_MS;
  return (clock + (LRU_CLOCK_MAX - lru)) * LRU_CLOCK_RESOLUTION_MS;
}

function lfuMinutes(nowMs: number): number {
  return Math.floor(nowMs / 60000) & 0xffff;
}

export function lfuInitWord(nowMs: number): number {
  return (lfuMinutes(nowMs) << 8) | LFU_INIT_VAL;
}

function lfuTimeElapsed(ldt: number, nowMs: number): number {
  const now = lfuMinutes(nowMs);
  if (now >= ldt) return now - ldt;
  return 65535 - ldt + now;
}

/** The counter after decay (LFUDecrAndReturn), which is also what OBJECT FREQ reports. */
export function lfuDecrAndReturn(word: number, nowMs: number, decayTime: number): number {
  const ldt = word >>> 8;
  const counter = word & 255;
  const periods = decayTime ? Math.floor(lfuTimeElapsed(ldt, nowMs) / decayTime) : 0;
  if (periods) return periods > counter ? 0 : counter - periods;
  return counter;
}

/** The word after one access (updateLFU): decay, then a logarithmic increment. */
export function lfuTouch(word: number, nowMs: number, decayTime: number, logFactor: number, random: () => number): number {
  let counter = lfuDecrAndReturn(word, nowMs, decayTime);
  if (counter < 255) {
    const baseval = Math.max(0, counter - LFU_INIT_VAL);
    const p = 1.0 / (baseval * logFactor + 1);
    if (random() < p) counter++;
  }
  return (lfuMinutes(nowMs) << 8) | counter;
}
