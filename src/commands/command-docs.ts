/**
 * COMMAND's replies, generated from the command table rows: the COMMAND INFO entry (Redis
 * 7.0's 10-element layout), the COMMAND DOCS map, and key extraction with access flags for
 * COMMAND GETKEYS / GETKEYSANDFLAGS (Redis's getKeysUsingKeySpecs over the row's key specs,
 * the row's getKeys for movable keys, or the legacy first/last/step range).
 *
 * Sets and arrays are chosen exactly as Redis 7.0 does in RESP3: flags, ACL categories, tips
 * and key specs are sets; the subcommand list is an empty set or a non-empty array.
 */
import { Argv } from '../protocol/argv.js';
import type { ReplyWriter } from '../protocol/reply-writer.js';
import type { AclCategory, ArgDoc, CommandFlag, CommandRegistry, CommandSpec, KeySpec } from './spec.js';

/** Redis prints command flags in this order (addReplyFlagsForCommand). */
const FLAG_ORDER: readonly CommandFlag[] = [
  'write', 'readonly', 'denyoom', 'admin', 'pubsub', 'noscript', 'blocking', 'loading', 'stale', 'skip_monitor',
  'skip_slowlog', 'asking', 'fast', 'no_auth', 'may_replicate', 'no_mandatory_keys', 'no_multi', 'movablekeys', 'allow_busy',
];

/** ACL categories in Redis's table order (ACLCommandCategories), which COMMAND INFO follows. */
export const ACL_ORDER: readonly AclCategory[] = [
  'keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap', 'hyperloglog', 'geo', 'stream',
  'pubsub', 'admin', 'fast', 'slow', 'blocking', 'dangerous', 'connection', 'transaction', 'scripting',
];

/** Key-spec flags in Redis's order (addReplyFlagsForKeyArgs). */
const KEY_FLAG_ORDER = ['RO', 'RW', 'OW', 'RM', 'access', 'update', 'insert', 'delete', 'not_key', 'incomplete', 'variable_flags'];

function byOrder<T>(items: readonly T[], order: readonly T[]): T[] {
  return [...items].sort((a, b) => rank(order, a) - rank(order, b));
}

function rank<T>(order: readonly T[], x: T): number {
  const i = order.indexOf(x);
  return i < 0 ? order.length : i;
}

/** 'get', or 'client|kill' for a subcommand. */
export function fullNameOf(spec: CommandSpec, parent: CommandSpec | null): string {
  return parent === null ? spec.name : `${parent.name}|${spec.name}`;
}

/**
 * Resolve a name as COMMAND INFO/DOCS take it: 'get' or 'container|sub' (case-insensitive).
 * Returns the spec and its parent, or null.
 */
export function lookupByFullName(reg: CommandRegistry, name: string): { spec: CommandSpec; parent: CommandSpec | null } | null {
  const lower = name.toLowerCase();
  const bar = lower.indexOf('|');
  if (bar < 0) {
    const spec = reg.lookup(lower);
    return spec ? { spec, parent: null } : null;
  }
  const parent = reg.lookup(lower.slice(0, bar));
  const sub = parent?.subcommands?.find((s) => s.name === lower.slice(bar + 1));
  return parent && sub ? { spec: sub, parent } : null;
}

/**
 * The key specs COMMAND INFO reports: the row's own, or one derived from its legacy
 * (first, last, step) range. Derived access flags are a best guess from the command flags
 * (Redis's rows all carry explicit specs; rows here should too).
 */
export function keySpecsOf(spec: CommandSpec): readonly KeySpec[] {
  if (spec.keySpecs) return spec.keySpecs;
  if (!spec.keys || spec.keys[0] <= 0) return [];
  const [first, last, step] = spec.keys;
  const flags = spec.flags.includes('write') ? ['RW', 'access', 'update'] : ['RO', 'access'];
  return [{ flags, begin_search: { index: first }, find_keys: { lastkey: last < 0 ? last : last - first, keystep: step, limit: 0 } }];
}

/** One COMMAND INFO entry: name, arity, flags, first, last, step, categories, tips, key specs, subcommands. */
export function replyCommandInfo(w: ReplyWriter, reg: CommandRegistry, spec: CommandSpec, parent: CommandSpec | null): void {
  w.arrayHeader(10);
  w.bulk(fullNameOf(spec, parent));
  w.integer(spec.arity);
  const flags = byOrder(spec.flags, FLAG_ORDER);
  w.setHeader(flags.length);
  for (const f of flags) w.simple(f);
  const [first, last, step] = spec.keys ?? [0, 0, 0];
  w.integer(first);
  w.integer(last);
  w.integer(step);
  const cats = byOrder(reg.aclCategories(spec), ACL_ORDER);
  w.setHeader(cats.length);
  for (const c of cats) w.simple(`@${c}`);
  const tips = spec.tips ?? [];
  w.setHeader(tips.length);
  for (const t of tips) w.bulk(t);
  const specs = keySpecsOf(spec);
  w.setHeader(specs.length);
  for (const ks of specs) replyKeySpec(w, ks);
  const subs = spec.subcommands ?? [];
  if (subs.length === 0) w.setHeader(0);
  else w.arrayHeader(subs.length);
  for (const s of subs) replyCommandInfo(w, reg, s, spec);
}

/** Key access flags as a RESP set, in Redis's order. */
export function replyKeyFlags(w: ReplyWriter, flags: readonly string[]): void {
  const sorted = byOrder(flags, KEY_FLAG_ORDER);
  w.setHeader(sorted.length);
  for (const f of sorted) w.simple(f);
}

function replyKeySpec(w: ReplyWriter, ks: KeySpec): void {
  w.mapHeader(ks.notes === undefined ? 3 : 4);
  if (ks.notes !== undefined) {
    w.bulk('notes');
    w.bulk(ks.notes);
  }
  w.bulk('flags');
  replyKeyFlags(w, ks.flags);
  w.bulk('begin_search');
  w.mapHeader(2);
  w.bulk('type');
  const bs = ks.begin_search;
  if ('unknown' in bs) {
    w.bulk('unknown');
    w.bulk('spec');
    w.mapHeader(0);
  } else if ('index' in bs) {
    w.bulk('index');
    w.bulk('spec');
    w.mapHeader(1);
    w.bulk('index');
    w.integer(bs.index);
  } else {
    w.bulk('keyword');
    w.bulk('spec');
    w.mapHeader(2);
    w.bulk('keyword');
    w.bulk(bs.keyword);
    w.bulk('startfrom');
    w.integer(bs.startfrom);
  }
  w.bulk('find_keys');
  w.mapHeader(2);
  w.bulk('type');
  const fk = ks.find_keys;
  if ('unknown' in fk) {
    w.bulk('unknown');
    w.bulk('spec');
    w.mapHeader(0);
  } else if ('lastkey' in fk) {
    w.bulk('range');
    w.bulk('spec');
    w.mapHeader(3);
    w.bulk('lastkey');
    w.integer(fk.lastkey);
    w.bulk('keystep');
    w.integer(fk.keystep);
    w.bulk('limit');
    w.integer(fk.limit);
  } else {
    w.bulk('keynum');
    w.bulk('spec');
    w.mapHeader(3);
    w.bulk('keynumidx');
    w.integer(fk.keynumidx);
    w.bulk('firstkey');
    w.integer(fk.firstkey);
    w.bulk('keystep');
    w.integer(fk.keystep);
  }
}

/** The COMMAND DOCS value for one command: summary, since, group, complexity, doc_flags, arguments, subcommands. */
export function replyCommandDocs(w: ReplyWriter, spec: CommandSpec): void {
  const docFlags = spec.docFlags ?? [];
  const args = spec.args ?? [];
  const subs = spec.subcommands ?? [];
  let n = 3; // summary, since, group
  if (spec.complexity !== undefined) n++;
  if (docFlags.length > 0) n++;
  if (args.length > 0) n++;
  if (subs.length > 0) n++;
  w.mapHeader(n);
  w.bulk('summary');
  w.bulk(spec.summary);
  w.bulk('since');
  w.bulk(spec.since);
  w.bulk('group');
  w.bulk(spec.group);
  if (spec.complexity !== undefined) {
    w.bulk('complexity');
    w.bulk(spec.complexity);
  }
  if (docFlags.length > 0) {
    w.bulk('doc_flags');
    w.setHeader(docFlags.length);
    for (const f of docFlags) w.simple(f);
  }
  if (args.length > 0) {
    w.bulk('arguments');
    replyArgs(w, args);
  }
  if (subs.length > 0) {
    w.bulk('subcommands');
    w.mapHeader(subs.length);
    for (const s of subs) {
      w.bulk(fullNameOf(s, spec));
      replyCommandDocs(w, s);
    }
  }
}

/** Argument maps in Redis 7.0's key order: name, type, key_spec_index, token, since, flags, arguments. */
function replyArgs(w: ReplyWriter, args: readonly ArgDoc[]): void {
  w.arrayHeader(args.length);
  for (const a of args) {
    const flags: string[] = [];
    if (a.optional) flags.push('optional');
    if (a.multiple) flags.push('multiple');
    if (a.multiple_token) flags.push('multiple_token');
    const nested = a.type === 'oneof' || a.type === 'block' ? (a.arguments ?? []) : null;
    let n = 2;
    if (a.key_spec_index !== undefined) n++;
    if (a.token !== undefined) n++;
    if (a.since !== undefined) n++;
    if (flags.length > 0) n++;
    if (nested !== null) n++;
    w.mapHeader(n);
    w.bulk('name');
    w.bulk(a.name);
    w.bulk('type');
    w.bulk(a.type);
    if (a.key_spec_index !== undefined) {
      w.bulk('key_spec_index');
      w.integer(a.key_spec_index);
    }
    if (a.token !== undefined) {
      w.bulk('token');
      w.bulk(a.token);
    }
    if (a.since !== undefined) {
      w.bulk('since');
      w.bulk(a.since);
    }
    if (flags.length > 0) {
      w.bulk('flags');
      w.setHeader(flags.length);
      for (const f of flags) w.simple(f);
    }
    if (nested !== null) {
      w.bulk('arguments');
      replyArgs(w, nested);
    }
  }
}

export interface KeyRef {
  readonly pos: number;
  readonly flags: readonly string[];
}

/**
 * Keys of a command line (argv[0] is the command name) with their access flags, or null when
 * the line does not fit the command's key layout (Redis: "Invalid arguments").
 */
export function keysWithFlags(spec: CommandSpec, argv: Argv): KeyRef[] | null {
  const specs = keySpecsOf(spec);
  // As Redis: key specs first when they are reliable, the row's getKeys when they are not
  // (variable flags, incomplete specs) or when they do not fit the line.
  const reliable = !specs.some((ks) => ks.flags.includes('variable_flags') || ks.flags.includes('incomplete'));
  if (!spec.getKeys || reliable) {
    const keys = keysFromSpecs(specs, argv, false);
    if (keys !== null || !spec.getKeys) return keys;
  }
  // Flags for the positions getKeys finds come from the spec covering each, if any.
  const covered = keysFromSpecs(specs, argv, true) ?? [];
  const flagsAt = spec.getKeyFlags;
  return spec.getKeys(argv).map((pos) => ({ pos, flags: covered.find((k) => k.pos === pos)?.flags ?? flagsAt?.(argv, pos) ?? specs[0]?.flags ?? [] }));
}

/** Redis's getKeysUsingKeySpecs; `partial` skips specs that do not fit instead of failing. */
function keysFromSpecs(specs: readonly KeySpec[], argv: Argv, partial: boolean): KeyRef[] | null {
  const argc = argv.argc;
  const out: KeyRef[] = [];
  for (const ks of specs) {
    if (ks.flags.includes('not_key')) continue;
    let first = 0;
    const bs = ks.begin_search;
    // An unknown spec cannot locate keys: the whole lookup fails over to getKeys (as Redis).
    if ('unknown' in bs) {
      if (partial) continue;
      return null;
    }
    if ('index' in bs) {
      first = bs.index;
    } else {
      const from = bs.startfrom > 0 ? bs.startfrom : argc + bs.startfrom;
      const to = bs.startfrom > 0 ? argc - 1 : 0;
      for (let i = from; i !== to; i = from <= to ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break;
        if (argv.str(i).toLowerCase() === bs.keyword.toLowerCase()) {
          first = i + 1;
          break;
        }
      }
      if (first === 0) continue; // keyword absent: this spec has no keys here
    }
    let last: number;
    let step: number;
    const fk = ks.find_keys;
    if ('unknown' in fk) {
      if (partial) continue;
      return null;
    }
    if ('lastkey' in fk) {
      if (fk.lastkey >= 0) last = first + fk.lastkey;
      else if (fk.limit === 0) last = argc + fk.lastkey;
      else last = first + (Math.floor((argc - first) / fk.limit) + fk.lastkey);
      step = fk.keystep;
    } else {
      if (first + fk.keynumidx >= argc) {
        if (partial) continue;
        return null;
      }
      const n = argv.safeInt(first + fk.keynumidx);
      if (n === null || n < 0) {
        if (partial) continue;
        return null;
      }
      first += fk.firstkey;
      last = first + n - 1;
      step = fk.keystep;
    }
    if (last >= argc || last < first || first >= argc) {
      if (partial) continue;
      return null;
    }
    for (let i = first; i <= last; i += step) out.push({ pos: i, flags: ks.flags });
  }
  return out;
}

/** An Argv of argv[from..]: the command line COMMAND GETKEYS is asked about. */
export function tailArgv(argv: Argv, from: number): Argv {
  const parts: Buffer[] = [];
  for (let i = from; i < argv.argc; i++) parts.push(argv.bytes(i));
  return Argv.fromStrings(parts);
}

/** Does the command declare keys at all (Redis's doesCommandHaveKeys)? */
export function hasKeyArguments(spec: CommandSpec): boolean {
  return spec.getKeys !== undefined || keySpecsOf(spec).length > 0;
}
