/**
 * Redis's objectSetLRUOrLFU: the IDLE / FREQ hints of an RDB key (or RESTORE's IDLETIME /
 * FREQ) become the value's LRU/LFU word. Under an LFU policy only a frequency applies
 * (minutes now, counter as given); otherwise only an idle time (seconds) applies, the access
 * time being now minus idle on the wrapping 24-bit clock.
 */
import type { Keyspace } from '../keyspace/keyspace.js';
import { LRU_CLOCK_MAX, lruClock } from '../keyspace/lru.js';
import { withLru } from '../values/string.js';
import type { RedisValue } from '../values/types.js';

/** `freq` (0..255) and `idleSeconds` are -1 when not given. */
export function applyLruLfu(v: RedisValue, ks: Keyspace, nowMs: number, freq: number, idleSeconds: number): RedisValue {
  let word: number;
  if (ks.evictionKind === 'lfu') {
    if (freq < 0) return v;
    word = ((Math.floor(nowMs / 60000) & 0xffff) << 8) | freq;
  } else if (idleSeconds >= 0) {
    const clock = lruClock(nowMs);
    let abs = clock - idleSeconds;
    if (abs < 0) abs = (clock + Math.floor(LRU_CLOCK_MAX / 2)) % LRU_CLOCK_MAX;
    word = abs;
  } else {
    return v;
  }
  if (typeof v === 'string') return withLru(v, word);
  v.lru = word;
  return v;
}
