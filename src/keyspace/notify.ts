/**
 * Keyspace notification classes (notify-keyspace-events), as the bit flags Redis uses.
 * The keyspace emits (class, event, key, db); pubsub/notifications decides what to publish.
 */
export const NOTIFY = {
  KEYSPACE: 1 << 0, // K
  KEYEVENT: 1 << 1, // E
  GENERIC: 1 << 2, // g
  STRING: 1 << 3, // $
  LIST: 1 << 4, // l
  SET: 1 << 5, // s
  HASH: 1 << 6, // h
  ZSET: 1 << 7, // z
  EXPIRED: 1 << 8, // x
  EVICTED: 1 << 9, // e
  STREAM: 1 << 10, // t
  KEY_MISS: 1 << 11, // m (excluded from A)
  MODULE: 1 << 12, // d
  NEW: 1 << 13, // n (excluded from A)
} as const;

export const NOTIFY_ALL =
  NOTIFY.GENERIC | NOTIFY.STRING | NOTIFY.LIST | NOTIFY.SET | NOTIFY.HASH | NOTIFY.ZSET | NOTIFY.EXPIRED | NOTIFY.EVICTED | NOTIFY.STREAM | NOTIFY.MODULE;

/** Parse a notify-keyspace-events string; null if it has an unknown letter. */
export function parseNotifyFlags(s: string): number | null {
  let flags = 0;
  for (const ch of s) {
    switch (ch) {
      case 'A': flags |= NOTIFY_ALL; break;
      case 'g': flags |= NOTIFY.GENERIC; break;
      case '$': flags |= NOTIFY.STRING; break;
      case 'l': flags |= NOTIFY.LIST; break;
      case 's': flags |= NOTIFY.SET; break;
      case 'h': flags |= NOTIFY.HASH; break;
      case 'z': flags |= NOTIFY.ZSET; break;
      case 'x': flags |= NOTIFY.EXPIRED; break;
      case 'e': flags |= NOTIFY.EVICTED; break;
      case 'K': flags |= NOTIFY.KEYSPACE; break;
      case 'E': flags |= NOTIFY.KEYEVENT; break;
      case 't': flags |= NOTIFY.STREAM; break;
      case 'm': flags |= NOTIFY.KEY_MISS; break;
      case 'd': flags |= NOTIFY.MODULE; break;
      case 'n': flags |= NOTIFY.NEW; break;
      default: return null;
    }
  }
  return flags;
}

/** The inverse, in Redis's canonical letter order (keyspaceEventsFlagsToString). */
export function notifyFlagsToString(flags: number): string {
  let r = '';
  if ((flags & NOTIFY_ALL) === NOTIFY_ALL) {
    r += 'A';
    // Redis prints 'n' only in the branch below, so its "An" reads back as "A" while the flag
    // stays in effect. The configuration here is this text, so 'n' must stay visible.
    if (flags & NOTIFY.NEW) r += 'n';
  } else {
    if (flags & NOTIFY.GENERIC) r += 'g';
    if (flags & NOTIFY.STRING) r += '$';
    if (flags & NOTIFY.LIST) r += 'l';
    if (flags & NOTIFY.SET) r += 's';
    if (flags & NOTIFY.HASH) r += 'h';
    if (flags & NOTIFY.ZSET) r += 'z';
    if (flags & NOTIFY.EXPIRED) r += 'x';
    if (flags & NOTIFY.EVICTED) r += 'e';
    if (flags & NOTIFY.STREAM) r += 't';
    if (flags & NOTIFY.MODULE) r += 'd';
    if (flags & NOTIFY.NEW) r += 'n';
  }
  if (flags & NOTIFY.KEYSPACE) r += 'K';
  if (flags & NOTIFY.KEYEVENT) r += 'E';
  if (flags & NOTIFY.KEY_MISS) r += 'm';
  return r;
}
