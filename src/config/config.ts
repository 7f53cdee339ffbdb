/**
 * Config: the live values of the directives in options.ts, their validation and printing,
 * and the CONFIG GET / CONFIG SET semantics of Redis 7.0.15.
 *
 * Values are kept as the canonical text CONFIG GET prints; typed accessors read them. Whoever
 * must react to a change (the server applying hz, the keyspace taking notify-keyspace-events)
 * registers a listener. CONFIG SET validates every pair first and applies all or none, with
 * the error texts and precedence of Redis's configSetCommand.
 *
 * `dir` is the one directive with process-wide state in Redis (chdir). The server binary asks
 * for the same ('chdir' mode); embedded servers share their process with others, so there the
 * directory is checked and remembered but the process's working directory is left alone.
 */
import { accessSync, constants as fsConstants, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { splitArgs } from '../protocol/request-parser.js';
import { globMatch } from '../util/glob.js';
import { parseNumeric, type NumericSpec } from './numeric.js';
import { OPTIONS } from './options.js';
import type { OptionRow, ParseResult } from './option-types.js';
import { rewriteConfigFile } from './rewrite.js';

export type ConfigListener = (name: string, value: string) => string | null;

export interface ConfigOptions {
  rows?: readonly OptionRow[];
  /** 'chdir': `dir` changes the process's working directory, as redis-server does. */
  dirMode?: 'chdir' | 'virtual';
}

export interface SetOptions {
  /** Whether the calling client is local (loopback or unix socket), for protected configs. */
  isLocalClient?: () => boolean;
}

/** Parse "1gb", "100mb", "10k", "5" into bytes (Redis's memtoull); null if malformed. */
export function parseMemory(s: string): number | null {
  const r = parseNumeric({ type: 'ulonglong', min: 0n, max: 2n ** 64n - 1n, memory: true }, s);
  return 'value' in r ? Number(r.value) : null;
}

const I64_MAX = 2n ** 63n - 1n;

/** A numeric spec for rows that give only kind/min/max (number bounds beyond 2^53 mean int64). */
function specOf(r: OptionRow): NumericSpec {
  if (r.num) return r.num;
  const big = (n: number | undefined, d: bigint) => (n === undefined ? d : n >= 2 ** 63 ? I64_MAX : n <= -(2 ** 63) ? -I64_MAX - 1n : BigInt(n));
  return { type: 'longlong', min: big(r.min, -I64_MAX - 1n), max: big(r.max, I64_MAX), ...(r.kind === 'memory' ? { memory: true } : {}) };
}

/** strerror() texts for the system errors configuration and start-up report. */
const STRERROR: Readonly<Record<string, string>> = {
  ENOENT: 'No such file or directory',
  ENOTDIR: 'Not a directory',
  EACCES: 'Permission denied',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
  EIO: 'Input/output error',
  EISDIR: 'Is a directory',
  EADDRINUSE: 'Address already in use',
  EADDRNOTAVAIL: 'Cannot assign requested address',
};

export function strerror(err: unknown): string {
  const code = (err as { code?: string }).code ?? '';
  return STRERROR[code] ?? (err instanceof Error ? err.message : String(err));
}

export function notBuilt(name: string, value: string): string {
  return `'${name}${value === '' ? ' ""' : ` ${value}`}' is not supported by Cinnabar yet (that capability is not built)`;
}

export class Config {
  /** Every name (primary and alias, lower case) → its row. */
  private readonly rows = new Map<string, OptionRow>();
  /** Primary rows in table order, then each alias name, as CONFIG GET lists them. */
  private readonly names: string[] = [];
  private readonly values = new Map<string, string>();
  private readonly listeners: ConfigListener[] = [];
  private readonly dirMode: 'chdir' | 'virtual';
  private dirValue: string;
  /** rename-command directives read from the configuration, in order (file.ts). */
  readonly renamedCommands: [string, string][] = [];
  /** Module options ("name.option value") read from the configuration (file.ts). */
  readonly moduleConfigs: [string, string][] = [];
  /** Absolute path of the configuration file, if one was given. */
  configFile: string | null = null;

  constructor(opts: ConfigOptions | readonly OptionRow[] = {}) {
    const o: ConfigOptions = Array.isArray(opts) ? { rows: opts as readonly OptionRow[] } : (opts as ConfigOptions);
    this.dirMode = o.dirMode ?? 'virtual';
    this.dirValue = process.cwd();
    for (const r of o.rows ?? OPTIONS) {
      this.rows.set(r.name, r);
      this.names.push(r.name);
      this.values.set(r.name, r.default);
    }
    for (const r of o.rows ?? OPTIONS) {
      for (const a of r.aliases ?? []) {
        this.rows.set(a, r);
        this.names.push(a);
      }
    }
  }

  row(name: string): OptionRow | undefined {
    return this.rows.get(name.toLowerCase());
  }

  /** Every row, in table order. */
  allRows(): OptionRow[] {
    return this.names.map((n) => this.rows.get(n) as OptionRow).filter((r, i, a) => a.indexOf(r) === i);
  }

  onChange(l: ConfigListener): void {
    this.listeners.push(l);
  }

  /** Canonical text of a directive (what CONFIG GET prints). */
  get(name: string): string {
    const r = this.row(name);
    if (!r) throw new Error(`no such config ${name}`);
    if (r.name === 'dir') return this.dirMode === 'chdir' ? process.cwd() : this.dirValue;
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
   * wording ("argument couldn't be parsed into an integer", ...). Refuses values of inert
   * directives that would ask for a capability Cinnabar does not have.
   */
  validate(r: OptionRow, args: readonly string[]): ParseResult {
    const res = this.parseArgs(r, args);
    if ('error' in res) return res;
    if (r.check) {
      const err = r.check(res.value);
      if (err !== null) return { error: err };
    }
    if (r.inert && !r.inert(res.value)) return { error: notBuilt(r.name, res.value) };
    return res;
  }

  private parseArgs(r: OptionRow, args: readonly string[]): ParseResult {
    if (!r.multiArg && args.length !== 1) return { error: 'wrong number of arguments' };
    const text = args[0] ?? '';
    switch (r.kind) {
      case 'special':
        if (r.name === 'dir') return this.checkDir(text);
        return r.parse ? r.parse(args, this.values.get(r.name) as string) : { value: args.join(' ') };
      case 'bool': {
        const l = text.toLowerCase();
        return l === 'yes' || l === 'no' ? { value: l } : { error: "argument must be 'yes' or 'no'" };
      }
      case 'int':
      case 'memory': {
        const res = parseNumeric(specOf(r), text);
        if ('value' in res && r.clamp && r.max !== undefined && Number(res.value) > r.max) return { value: String(r.max) };
        return res;
      }
      case 'enum':
        return this.parseEnum(r, args);
      case 'string':
        return { value: text };
    }
  }

  private parseEnum(r: OptionRow, args: readonly string[]): ParseResult {
    const values = r.values ?? [];
    const bad = { error: `argument(s) must be one of the following: ${values.join(', ')}` };
    if (!r.flagSet) {
      const l = (args[0] ?? '').toLowerCase();
      if (!values.includes(l)) return bad;
      return { value: r.synonyms?.[l] ?? l };
    }
    // A set of flags: OR-ed, printed in table order; the first name (0) only when alone.
    if (args.length === 0) return bad;
    const set = new Set<string>();
    for (const a of args) {
      const l = a.toLowerCase();
      if (!values.includes(l)) return bad;
      if (l !== values[0]) set.add(l);
    }
    const out = values.filter((v) => set.has(v));
    return { value: out.length === 0 ? (values[0] as string) : out.join(' ') };
  }

  /**
   * `dir`: must be an existing, enterable directory; the error is chdir()'s strerror, as
   * Redis reports it. Checked without changing anything: store() moves there.
   */
  private checkDir(p: string): ParseResult {
    try {
      if (p === '') throw Object.assign(new Error('empty'), { code: 'ENOENT' });
      const abs = path.resolve(this.workingDir, p);
      if (!statSync(abs).isDirectory()) throw Object.assign(new Error('not a dir'), { code: 'ENOTDIR' });
      accessSync(abs, fsConstants.X_OK);
      return { value: realpathSync(abs) };
    } catch (err) {
      return { error: strerror(err) };
    }
  }

  /** Where relative paths (include, pidfile, logfile) resolve: the current `dir`. */
  get workingDir(): string {
    return this.dirMode === 'chdir' ? process.cwd() : this.dirValue;
  }

  private store(r: OptionRow, value: string): void {
    if (r.name === 'dir') {
      if (this.dirMode === 'chdir') process.chdir(value);
      else this.dirValue = value;
      return;
    }
    this.values.set(r.name, value);
  }

  private notify(name: string, value: string): string | null {
    for (const l of this.listeners) {
      const err = l(name, value);
      if (err) return err;
    }
    return null;
  }

  /**
   * Set a directive from a config file or the command line: null, or the reason Redis gives
   * (printed under the FATAL CONFIG FILE ERROR banner, naming the line).
   */
  load(name: string, args: readonly string[]): string | null {
    const r = this.row(name);
    if (!r) return 'Bad directive or wrong number of arguments';
    let a = args;
    if (r.multiArg && args.length === 1 && args[0] !== '') {
      // One argument of a multi-argument directive is split like a config line, so that
      // `--save "3600 1 300 100"` works (Redis 7.0.x).
      const b = Buffer.from(args[0] as string, 'latin1');
      a = (splitArgs(b, 0, b.length) ?? []).map((p) => p.toString('latin1'));
    }
    const v = this.validate(r, a);
    if ('error' in v) return v.error;
    const value = r.normalize ? r.normalize(v.value, 'file') : v.value;
    this.store(r, value);
    return this.notify(r.name, value);
  }

  /** CONFIG SET: all or nothing. Returns Redis's error text (with its ERR prefix) or null. */
  set(pairs: readonly (readonly [string, string])[], opts: SetOptions = {}): string | null {
    const failed = (name: string, why: string) => `ERR CONFIG SET failed (possibly related to argument '${name}') - ${why}`;
    // 1. Resolve names; the first problem found wins, as Redis reports only one.
    // Redis registers an alias as its own entry: `slave-read-only x replica-read-only y` is no
    // duplicate (the last one wins), `maxclients 1 MAXCLIENTS 2` is.
    const chosen: OptionRow[] = [];
    const seen = new Set<string>();
    for (const [name] of pairs) {
      const lname = name.toLowerCase();
      const r = this.rows.get(lname);
      if (!r) return `ERR Unknown option or number of arguments for CONFIG SET - '${name}'`;
      if (!r.mutable) return failed(name, "can't set immutable config");
      if (r.protected && !this.allowProtected(opts)) return failed(name, "can't set protected config");
      if (seen.has(lname)) return failed(name, 'duplicate parameter');
      seen.add(lname);
      chosen.push(r);
    }
    // 2. Validate every value before changing anything.
    const staged: [OptionRow, string][] = [];
    for (let i = 0; i < pairs.length; i++) {
      const r = chosen[i] as OptionRow;
      const [name, text] = pairs[i] as readonly [string, string];
      // Redis names the directive as registered: the alias when an alias was used.
      const regName = r.aliases?.includes(name.toLowerCase()) ? name.toLowerCase() : r.name;
      const args = r.multiArg ? (text === '' ? [] : text.split(' ')) : [text];
      const v = this.validate(r, args);
      if ('error' in v) return failed(regName, v.error);
      const value = r.normalize ? r.normalize(v.value, 'set') : v.value;
      if (r.restartOnly && value !== this.get(r.name)) {
        return failed(regName, `Cinnabar cannot change ${r.name} at run time yet (restart with the new value)`);
      }
      staged.push([r, value]);
    }
    // 3. Apply; a listener refusing restores every old value.
    const old = staged.map(([r]) => [r, this.get(r.name)] as const);
    for (const [r, value] of staged) {
      const before = this.get(r.name);
      if (value === before) continue;
      this.store(r, value);
      const err = this.notify(r.name, value);
      if (err) {
        for (const [or, ov] of old) {
          this.store(or, ov);
          this.notify(or.name, ov);
        }
        return failed(r.name, err);
      }
    }
    return null;
  }

  /**
   * CONFIG REWRITE: write the running configuration into the configuration file. Returns
   * Redis's error text or null. forceAll writes every directive (DEBUG CONFIG-REWRITE-FORCE-ALL).
   */
  rewrite(forceAll = false): string | null {
    if (this.configFile === null) return 'ERR The server is running without a config file';
    try {
      rewriteConfigFile(this, this.configFile, forceAll);
      return null;
    } catch (err) {
      return `ERR Rewriting config file: ${strerror(err)}`;
    }
  }

  private allowProtected(opts: SetOptions): boolean {
    const mode = this.get('enable-protected-configs');
    if (mode === 'yes') return true;
    return mode === 'local' && (opts.isLocalClient?.() ?? false);
  }

  /**
   * CONFIG GET: (name, value) for every directive matching any pattern. A pattern without
   * glob characters is an exact, case-insensitive name (hidden directives included) and is
   * echoed as given; glob patterns list every visible name, aliases included, as 7.0 does.
   */
  matching(patterns: readonly string[]): [string, string][] {
    const out = new Map<string, [string, string]>();
    for (const pat of patterns) {
      if (!/[*?[]/.test(pat)) {
        const r = this.rows.get(pat.toLowerCase());
        if (r && !out.has(pat.toLowerCase())) out.set(pat.toLowerCase(), [pat, this.get(r.name)]);
        continue;
      }
      for (const name of this.names) {
        const r = this.rows.get(name) as OptionRow;
        if (r.hidden || out.has(name)) continue;
        if (globMatch(pat, name, true)) out.set(name, [name, this.get(r.name)]);
      }
    }
    return [...out.values()];
  }
}
