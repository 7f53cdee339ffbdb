/**
 * The runtime command table, built once from the family modules' spec rows.
 *
 * Look-up happens on every request, so it avoids allocating: the command name's bytes are
 * hashed case-insensitively straight from the request buffer and compared byte by byte with
 * the candidate. Each entry carries its flags as a bitmask for the dispatcher's gates and its
 * per-command statistics for INFO commandstats.
 */
import type { Argv } from '../protocol/argv.js';
import type { AclCategory, CommandFlag, CommandRegistry, CommandSpec } from '../commands/spec.js';

export const F = {
  write: 1 << 0,
  readonly: 1 << 1,
  denyoom: 1 << 2,
  admin: 1 << 3,
  pubsub: 1 << 4,
  noscript: 1 << 5,
  blocking: 1 << 6,
  loading: 1 << 7,
  stale: 1 << 8,
  skip_monitor: 1 << 9,
  skip_slowlog: 1 << 10,
  asking: 1 << 11,
  fast: 1 << 12,
  no_auth: 1 << 13,
  may_replicate: 1 << 14,
  no_mandatory_keys: 1 << 15,
  no_multi: 1 << 16,
  movablekeys: 1 << 17,
  allow_busy: 1 << 18,
  no_async_loading: 1 << 19,
} as const satisfies Record<CommandFlag, number>;

/** Not a Redis flag: commands that run (not queue) inside MULTI, as processCommand's list. */
export const TX_CONTROL = 1 << 30;
const TX_CONTROL_NAMES = new Set(['multi', 'exec', 'discard', 'watch', 'quit', 'reset']);

export interface CommandStats {
  calls: number;
  usec: number;
  rejectedCalls: number;
  failedCalls: number;
}

export class CommandEntry {
  readonly flags: number;
  /** 'get', or 'client|kill' for subcommands: the name Redis prints in errors and stats. */
  readonly fullName: string;
  readonly subcommands: Map<string, CommandEntry> | null;
  readonly stats: CommandStats = { calls: 0, usec: 0, rejectedCalls: 0, failedCalls: 0 };
  readonly aclCategories: readonly AclCategory[];
  /** The name requests use (spec.name unless rename-command changed it). */
  name: string;

  constructor(
    readonly spec: CommandSpec,
    readonly parent: CommandEntry | null,
  ) {
    let f = 0;
    for (const fl of spec.flags) f |= F[fl];
    if (parent === null && TX_CONTROL_NAMES.has(spec.name)) f |= TX_CONTROL;
    this.flags = f;
    this.fullName = parent ? `${parent.spec.name}|${spec.name}` : spec.name;
    this.name = spec.name;
    this.aclCategories = deriveAclCategories(spec);
    if (spec.subcommands && spec.subcommands.length > 0) {
      this.subcommands = new Map();
      for (const sub of spec.subcommands) this.subcommands.set(sub.name, new CommandEntry(sub, this));
    } else {
      this.subcommands = null;
    }
  }
}

/** Redis 7.0's setImplicitACLCategories plus the row's explicit categories. */
export function deriveAclCategories(spec: CommandSpec): AclCategory[] {
  const out: AclCategory[] = [];
  const has = (f: CommandFlag) => spec.flags.includes(f);
  const explicit = spec.acl ?? [];
  if (has('write')) out.push('write');
  if (has('readonly') && !explicit.includes('scripting')) out.push('read');
  if (has('admin')) out.push('admin', 'dangerous');
  if (has('pubsub')) out.push('pubsub');
  if (has('fast')) out.push('fast');
  if (has('blocking')) out.push('blocking');
  if (!has('fast')) out.push('slow');
  for (const c of explicit) if (!out.includes(c)) out.push(c);
  return out;
}

const HASH_SEED = 0x811c9dc5;

function hashFolded(b: Buffer | string, s: number, e: number): number {
  let h = HASH_SEED;
  if (typeof b === 'string') {
    for (let i = s; i < e; i++) {
      let c = b.charCodeAt(i);
      if (c >= 0x41 && c <= 0x5a) c |= 0x20;
      h = Math.imul(h ^ c, 0x01000193);
    }
  } else {
    for (let i = s; i < e; i++) {
      let c = b[i] as number;
      if (c >= 0x41 && c <= 0x5a) c |= 0x20;
      h = Math.imul(h ^ c, 0x01000193);
    }
  }
  return h >>> 0;
}

export class CommandTable implements CommandRegistry {
  private readonly byName = new Map<string, CommandEntry>();
  private readonly byHash = new Map<number, CommandEntry[]>();
  readonly entries: CommandEntry[] = [];
  /** Longest name a request can use (renamed commands may be long random strings). */
  private maxNameLength = 32;

  constructor(families: readonly (readonly CommandSpec[])[]) {
    for (const fam of families) for (const spec of fam) this.add(spec);
  }

  private add(spec: CommandSpec): void {
    if (this.byName.has(spec.name)) throw new Error(`duplicate command ${spec.name}`);
    const e = new CommandEntry(spec, null);
    this.byName.set(spec.name, e);
    this.entries.push(e);
    const h = hashFolded(spec.name, 0, spec.name.length);
    const list = this.byHash.get(h);
    if (list) list.push(e);
    else this.byHash.set(h, [e]);
  }

  /** The entry for argv[0], or undefined. No allocation. */
  find(argv: Argv): CommandEntry | undefined {
    const b = argv.buf;
    const s = argv.starts[0] as number;
    const e = argv.ends[0] as number;
    if (e - s > this.maxNameLength) return undefined;
    const list = this.byHash.get(hashFolded(b, s, e));
    if (list === undefined) return undefined;
    for (let i = 0; i < list.length; i++) {
      const cand = list[i] as CommandEntry;
      const name = cand.name;
      if (name.length !== e - s) continue;
      let ok = true;
      for (let j = 0; j < name.length; j++) {
        let c = b[s + j] as number;
        if (c >= 0x41 && c <= 0x5a) c |= 0x20;
        if (c !== name.charCodeAt(j)) {
          ok = false;
          break;
        }
      }
      if (ok) return cand;
    }
    return undefined;
  }

  /**
   * rename-command: requests reach the command by `to` from now on, or not at all when `to` is
   * ''. Errors and statistics keep its real name, as in Redis. Returns Redis's error or null.
   */
  rename(from: string, to: string): string | null {
    const e = this.byName.get(from.toLowerCase());
    if (e === undefined) return 'No such command in rename-command';
    const target = to.toLowerCase();
    if (target !== '' && this.byName.has(target)) return 'Target command name already exists';
    this.byName.delete(e.name);
    const h = hashFolded(e.name, 0, e.name.length);
    const list = this.byHash.get(h) ?? [];
    list.splice(list.indexOf(e), 1);
    if (list.length === 0) this.byHash.delete(h);
    if (target === '') {
      this.entries.splice(this.entries.indexOf(e), 1);
      return null;
    }
    e.name = target;
    this.maxNameLength = Math.max(this.maxNameLength, target.length);
    this.byName.set(target, e);
    const h2 = hashFolded(target, 0, target.length);
    const list2 = this.byHash.get(h2);
    if (list2) list2.push(e);
    else this.byHash.set(h2, [e]);
    return null;
  }

  entry(name: string): CommandEntry | undefined {
    const lower = name.toLowerCase();
    const bar = lower.indexOf('|');
    if (bar < 0) return this.byName.get(lower);
    const parent = this.byName.get(lower.slice(0, bar));
    return parent?.subcommands?.get(lower.slice(bar + 1));
  }

  aclCategories(spec: CommandSpec): readonly AclCategory[] {
    return deriveAclCategories(spec);
  }

  lookup(name: string): CommandSpec | undefined {
    return this.entry(name)?.spec;
  }

  all(): readonly CommandSpec[] {
    return this.entries.map((e) => e.spec);
  }

  keyPositions(spec: CommandSpec, argv: Argv): number[] {
    if (spec.getKeys) return spec.getKeys(argv);
    const out: number[] = [];
    if (!spec.keys) return out;
    const [first, last, step] = spec.keys;
    if (first === 0) return out;
    const lastIdx = last < 0 ? argv.argc + last : last;
    for (let i = first; i <= lastIdx && i < argv.argc; i += step) out.push(i);
    return out;
  }
}
