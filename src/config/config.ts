/**
 * Config: the live values of the directives in options.ts, their parsing and printing.
 *
 * Values are kept as the canonical text CONFIG GET prints, plus typed accessors. Whoever
 * needs to react to a change (the server applying maxclients, the keyspace taking
 * notify-keyspace-events) registers a listener; CONFIG SET applies all pairs or none.
 */
import { globMatch } from '../util/glob.js';
import { parseNotifyFlags, notifyFlagsToString } from '../keyspace/notify.js';
import { OPTIONS, type OptionRow } from './options.js';

export type ConfigListener = (name: string, value: string) => string | null;

/** Parse "1gb", "100mb", "10k", "5" into bytes (memtoull); null if malformed. */
export function parseMemory(s: string): number | null {
  const m = /^(-?\d+)([a-z]*)$/i.exec(s);
  if (!m) return null;
  const unit = (m[2] ?? '').toLowerCase();
  const mul: Record<string, number> = { '': 1, b: 1, k: 1000, kb: 1024, m: 1000 ** 2, mb: 1024 ** 2, g: 1000 ** 3, gb: 1024 ** 3 };
  const f = mul[unit];
  if (f === undefined) return null;
  return Number(m[1]) * f;
}

export class Config {
  private readonly rows = new Map<string, OptionRow>();
  private readonly values = new Map<string, string>();
  private readonly listeners: ConfigListener[] = [];

  constructor(rows: readonly OptionRow[] = OPTIONS) {
    for (const r of rows) {
      this.rows.set(r.name, r);
      for (const a of r.aliases ?? []) this.rows.set(a, r);
      this.values.set(r.name, r.default);
    }
  }

  row(name: string): OptionRow | undefined {
    return this.rows.get(name.toLowerCase());
  }

  onChange(l: ConfigListener): void {
    this.listeners.push(l);
  }

  /** Canonical text of a directive. */
  get(name: string): string {
    const r = this.row(name);
    if (!r) throw new Error(`no such config ${name}`);
    return this.values.get(r.name) as string;
  }

  int(name: string): number {
    return Number(this.get(name));
  }

  bool(name: string): boolean {
    return this.get(name) === 'yes';
  }

  /**
   * Validate one directive's arguments into canonical text, or an error message in Redis's
   * wording ("argument couldn't be parsed into an integer", ...).
   */
  validate(r: OptionRow, args: readonly string[]): { value: string } | { error: string } {
    if (r.kind === 'special') {
      let res: { value: string } | { error: string };
      if (r.name === 'notify-keyspace-events') {
        if (args.length !== 1) return { error: 'wrong number of arguments' };
        const f = parseNotifyFlags(args[0] as string);
        res = f === null ? { error: 'Invalid event class character. Use \'Ag$lshzxeKEtmdn\'.' } : { value: notifyFlagsToString(f) };
      } else if (r.parse) {
        res = r.parse(args);
      } else {
        res = { value: args.join(' ') };
      }
      if ('value' in res && r.inert && !r.inert(res.value)) return { error: notBuilt(r.name, res.value) };
      return res;
    }
    if (args.length !== 1) return { error: 'wrong number of arguments' };
    const text = args[0] as string;
    let value: string;
    switch (r.kind) {
      case 'bool': {
        const l = text.toLowerCase();
        if (l !== 'yes' && l !== 'no') return { error: "argument must be 'yes' or 'no'" };
        value = l;
        break;
      }
      case 'int': {
        if (!/^-?\d+$/.test(text)) return { error: "argument couldn't be parsed into an integer" };
        let n = Number(text);
        if (r.max !== undefined && n > r.max) {
          if (r.clamp) n = r.max;
          else return { error: `argument must be between ${r.min ?? 0} and ${r.max} inclusive` };
        }
        if (r.min !== undefined && n < r.min) return { error: `argument must be between ${r.min} and ${r.max ?? 0} inclusive` };
        value = String(n);
        break;
      }
      case 'memory': {
        const n = parseMemory(text);
        if (n === null) return { error: 'argument must be a memory value' };
        if ((r.min !== undefined && n < r.min) || (r.max !== undefined && n > r.max)) {
          return { error: `argument must be between ${r.min ?? 0} and ${r.max ?? 0} inclusive` };
        }
        value = String(n);
        break;
      }
      case 'enum': {
        const l = text.toLowerCase();
        if (!r.values?.includes(l)) return { error: `argument(s) must be one of the following: ${r.values?.join(', ') ?? ''}` };
        value = l;
        break;
      }
      default:
        value = text;
    }
    if (r.inert && !r.inert(value)) return { error: notBuilt(r.name, value) };
    return { value };
  }

  /** Set from a config file or the command line (listeners run; errors are fatal there). */
  load(name: string, args: readonly string[]): string | null {
    const r = this.row(name);
    if (!r) return 'Bad directive or wrong number of arguments';
    const v = this.validate(r, args);
    if ('error' in v) return v.error;
    this.values.set(r.name, v.value);
    for (const l of this.listeners) {
      const err = l(r.name, v.value);
      if (err) return err;
    }
    return null;
  }

  /** CONFIG SET: all or nothing. Returns Redis's error text or null. */
  set(pairs: readonly [string, string][]): string | null {
    const seen = new Set<string>();
    const staged: [OptionRow, string, string][] = [];
    for (const [name, text] of pairs) {
      const r = this.row(name);
      if (!r || !r.mutable) {
        if (r && !r.mutable) return `ERR CONFIG SET failed (possibly related to argument '${name}') - can't set immutable config`;
        return `ERR Unknown option or number of arguments for CONFIG SET - '${name}'`;
      }
      if (seen.has(r.name)) return `ERR CONFIG SET failed (possibly related to argument '${name}') - duplicate parameter`;
      seen.add(r.name);
      const args = r.kind === 'special' && r.name !== 'notify-keyspace-events' ? splitWords(text) : [text];
      const v = this.validate(r, args);
      if ('error' in v) return `ERR CONFIG SET failed (possibly related to argument '${name}') - ${v.error}`;
      staged.push([r, v.value, name]);
    }
    const old = staged.map(([r]) => [r, this.values.get(r.name) as string] as const);
    for (const [r, value, name] of staged) {
      this.values.set(r.name, value);
      for (const l of this.listeners) {
        const err = l(r.name, value);
        if (err) {
          for (const [or, ov] of old) {
            this.values.set(or.name, ov);
            for (const l2 of this.listeners) l2(or.name, ov);
          }
          return `ERR CONFIG SET failed (possibly related to argument '${name}') - ${err}`;
        }
      }
    }
    return null;
  }

  /** CONFIG GET: every name (aliases included, as 7.0 does) matching any pattern. */
  matching(patterns: readonly string[]): [string, string][] {
    const out = new Map<string, string>();
    for (const pat of patterns) {
      const exact = this.rows.get(pat.toLowerCase());
      if (exact && !/[*?[]/.test(pat)) {
        out.set(pat.toLowerCase(), this.values.get(exact.name) as string);
        continue;
      }
      for (const [name, r] of this.rows) {
        if (globMatch(pat, name, true)) out.set(name, this.values.get(r.name) as string);
      }
    }
    return [...out];
  }
}

function notBuilt(name: string, value: string): string {
  return `'${name} ${value}' is not supported by Cinnabar yet (that capability is not built)`;
}

function splitWords(s: string): string[] {
  const t = s.trim();
  return t === '' ? [''] : t.split(/\s+/);
}
