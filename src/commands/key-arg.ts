/**
 * Key arguments, hot path: the key string for argv[i], taken from the keyspace when the key
 * exists. An existing key is then found without making a new string of its bytes (saves the
 * allocation and V8's hashing of a fresh string), and later look-ups by that string in the
 * same command hit the dictionary's last-index shortcut. A missing key gets a fresh string, as
 * argv.str(i) would give.
 */
import type { Argv } from '../protocol/argv.js';
import type { CommandContext } from './spec.js';

export function argKey(ctx: CommandContext, argv: Argv, i: number): string {
  return ctx.db.keyFromBytes(argv.buf, argv.starts[i] as number, argv.ends[i] as number);
}
