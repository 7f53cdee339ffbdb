/**
 * redis.conf reading, as Redis's main() and loadServerConfig(): the config file's text (a
 * glob may name several files), then stdin's ('-'), then "\n" and the command-line options
 * turned into lines (`--port 6380 --save ''` → `port "6380"` / `save ""`), parsed line by line
 * with redis.conf quoting. Line numbers in errors count those lines exactly as redis-server
 * does. `include` reads other files in place (their own line numbers); rename-command, user,
 * loadmodule, sentinel and module options are handled here; everything else is a row of the
 * config table. A bad line throws ConfigFileError with Redis's FATAL CONFIG FILE ERROR text.
 */
import { closeSync, openSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { splitArgs } from '../protocol/request-parser.js';
import { globMatch } from '../util/glob.js';
import { strerror, type Config } from './config.js';

export class ConfigFileError extends Error {
  /** null: the error is not about one line (e.g. the log file cannot be opened). */
  readonly lineNumber: number | null;
  readonly lineText: string;
  readonly reason: string;

  constructor(lineNumber: number | null, lineText: string, reason: string) {
    super(reason);
    this.lineNumber = lineNumber;
    this.lineText = lineText;
    this.reason = reason;
  }

  /** The text Redis prints to stderr before exiting with status 1 (latin1: the file's bytes). */
  fatalText(redisVersion: string): string {
    const where = this.lineNumber === null ? '' : `Reading the configuration file, at line ${this.lineNumber}\n>>> '${this.lineText}'\n`;
    return `\n*** FATAL CONFIG FILE ERROR (Redis ${redisVersion}) ***\n${where}${this.reason}\n`;
  }
}

/** A configuration file that cannot be read: Redis logs this (not the FATAL banner) and exits 1. */
export class ConfigOpenError extends Error {}

/** What redis-server's command line asks for. */
export type CommandLine =
  | { kind: 'version' }
  | { kind: 'help' }
  | { kind: 'unsupported'; what: string }
  | {
      kind: 'run';
      /** Absolute path of the config file (argv[0] when it does not start with '-'). */
      configFile: string | null;
      fromStdin: boolean;
      /** The options as config lines, exactly as redis-server builds them. */
      options: string;
      /** True when no argument at all was given. */
      noArgs: boolean;
    };

/** sdscatrepr: quote a command-line argument's bytes for the options text. */
function repr(arg: string): string {
  let out = '"';
  for (const c of Buffer.from(arg, 'utf8')) {
    if (c === 0x5c) out += '\\\\';
    else if (c === 0x22) out += '\\"';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x07) out += '\\a';
    else if (c === 0x08) out += '\\b';
    else if (c < 0x20 || c > 0x7e) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += String.fromCharCode(c);
  }
  return `${out}"`;
}

function wordCount(s: string): number {
  const b = Buffer.from(s, 'utf8');
  return splitArgs(b, 0, b.length)?.length ?? 0;
}

/** Parse redis-server's arguments: [configfile] [--directive value ...] [-]. */
export function parseCommandLine(argv: readonly string[], cwd: string): CommandLine {
  const first = argv[0];
  if (first === '-v' || first === '--version') return { kind: 'version' };
  if (first === '--help' || first === '-h') return { kind: 'help' };
  if (first === '--test-memory' || first === '--check-system') return { kind: 'unsupported', what: first };
  if (argv.includes('--sentinel')) return { kind: 'unsupported', what: '--sentinel' };
  let j = 0;
  let configFile: string | null = null;
  if (first !== undefined && !first.startsWith('-')) {
    configFile = path.resolve(cwd, first);
    j = 1;
  }
  let options = '';
  let fromStdin = false;
  let handledLast = true;
  for (; j < argv.length; j++) {
    const a = argv[j] as string;
    const last = j === argv.length - 1;
    const next = argv[j + 1];
    if (a === '-' && (j === 0 || last)) {
      fromStdin = true;
    } else if (handledLast && a.startsWith('--')) {
      if (options.length > 0) options += '\n';
      options += `${Buffer.from(a.slice(2), 'utf8').toString('latin1')} `;
      if (wordCount(a) === 1) {
        handledLast = false;
        // `--save` followed by another option (or nothing) means `save ""` (Redis 7.0.1+).
        if (a.toLowerCase() === '--save' && (last || (next as string).startsWith('--'))) {
          options += '""';
          handledLast = true;
        }
      } else {
        handledLast = true;
      }
    } else {
      options += `${repr(a)} `;
      handledLast = true;
    }
  }
  return { kind: 'run', configFile, fromStdin, options, noArgs: argv.length === 0 };
}

const HAS_GLOB = /[*?[]/;

/** POSIX glob() of a path whose components may hold wildcards: existing paths, sorted. */
export function expandGlob(pattern: string, cwd: string): string[] {
  const comps = pattern.split('/').filter((c) => c !== '');
  let found: string[] = [pattern.startsWith('/') ? '/' : ''];
  for (const comp of comps) {
    const next: string[] = [];
    for (const base of found) {
      const join = (n: string) => (base === '' || base.endsWith('/') ? base + n : `${base}/${n}`);
      if (!HAS_GLOB.test(comp)) {
        next.push(join(comp));
        continue;
      }
      let names: string[];
      try {
        names = readdirSync(path.resolve(cwd, base === '' ? '.' : base));
      } catch {
        continue;
      }
      // As glob(3) without GLOB_PERIOD: a leading '.' must be matched explicitly.
      for (const n of names) if ((!n.startsWith('.') || comp.startsWith('.')) && globMatch(comp, n)) next.push(join(n));
    }
    found = next;
  }
  return found
    .filter((f) => {
      try {
        statSync(path.resolve(cwd, f));
        return true;
      } catch {
        return false;
      }
    })
    .sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
}

/** Read a file as bytes (latin1). A directory reads as empty, as fgets() on one does. */
function readConfigFile(file: string, shownAs: string): string {
  try {
    if (statSync(file).isDirectory()) {
      closeSync(openSync(file, 'r'));
      return '';
    }
    return readFileSync(file, 'latin1');
  } catch (err) {
    throw new ConfigOpenError(`Fatal error, can't open config file '${shownAs}': ${strerror(err)}`);
  }
}

/** The text of a config file name or glob (Redis's loadServerConfig file part). */
function readConfigSource(name: string, cwd: string): string {
  if (HAS_GLOB.test(name)) {
    let text = '';
    for (const f of expandGlob(name, cwd)) text += readConfigFile(path.resolve(cwd, f), f);
    return text;
  }
  return readConfigFile(path.resolve(cwd, name), name);
}

export interface LoadOptions {
  /** Command names (lower case) for rename-command; without it renames are not checked. */
  commandNames?: Iterable<string>;
  /** Reads stdin for `-` (default: fd 0). */
  readStdin?: () => string;
  /** Logs a warning the way the server logs before start-up ("Reading config from stdin"). */
  log?: (msg: string) => void;
}

/** State shared by nested includes while one configuration is read. */
interface LoadState {
  readonly config: Config;
  readonly commands: Set<string> | null;
  depth: number;
  /** A `save` line was read: later ones add save points instead of replacing them (Redis). */
  saveSeen?: boolean;
}

/** Directives Redis 7.0 still accepts (with one argument) and ignores. */
const DEPRECATED = new Set(['list-max-ziplist-entries', 'list-max-ziplist-value', 'lua-replicate-commands']);

/**
 * A `user` line Cinnabar can honour without ACLs: the default user with every key, channel
 * and command (`user default on nopass ~* &* +@all`, as CONFIG REWRITE writes it, in any
 * order), optionally with one `>password`, which is what requirepass means. True if applied.
 */
function applyDefaultUser(config: Config, args: readonly string[]): boolean {
  if (args[1] !== 'default') return false;
  const grants = new Map([
    ['on', 'on'],
    ['nopass', 'nopass'],
    ['sanitize-payload', 'sanitize'],
    ['~*', 'keys'],
    ['allkeys', 'keys'],
    ['&*', 'channels'],
    ['allchannels', 'channels'],
    ['+@all', 'commands'],
    ['allcommands', 'commands'],
  ]);
  const seen = new Set<string>();
  let password: string | null = null;
  for (const a of args.slice(2)) {
    if (a.startsWith('>') && password === null) {
      password = a.slice(1);
      continue;
    }
    const k = grants.get(a.toLowerCase());
    if (k === undefined) return false;
    seen.add(k);
  }
  if (!seen.has('on') || !seen.has('keys') || !seen.has('channels') || !seen.has('commands')) return false;
  if (password !== null && seen.has('nopass')) return false;
  if (password !== null) config.load('requirepass', [password]);
  return true;
}

/** Parse config text; throws ConfigFileError on the first bad line (Redis's loadServerConfigFromString). */
function loadConfigString(st: LoadState, text: string): void {
  const config = st.config;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    if (line === '' || line.startsWith('#')) continue;
    const fail = (reason: string) => new ConfigFileError(i + 1, line, reason);
    const buf = Buffer.from(line, 'latin1');
    const parts = splitArgs(buf, 0, buf.length);
    if (parts === null) throw fail('Unbalanced quotes in configuration line');
    if (parts.length === 0) continue;
    const args = parts.map((p) => p.toString('latin1'));
    const name = (args[0] as string).toLowerCase();
    const argc = args.length;
    if (config.row(name)) {
      let rest = args.slice(1);
      if (name === 'save') {
        // The first `save` line replaces the default points, later ones add to them.
        const cur = config.get('save');
        if (st.saveSeen === true && cur !== '' && !(rest.length === 1 && rest[0] === '')) rest = [...cur.split(' '), ...rest];
        st.saveSeen = true;
      }
      const err = config.load(name, rest);
      if (err !== null) throw fail(err);
      continue;
    }
    if (DEPRECATED.has(name) && argc === 2) continue;
    if (name === 'include' && argc === 2) {
      if (st.depth >= 64) throw fail('Too many nested includes');
      st.depth++;
      loadConfigString(st, readConfigSource(args[1] as string, config.workingDir));
      st.depth--;
    } else if (name === 'rename-command' && argc === 3) {
      renameCommand(st, args[1] as string, args[2] as string, fail);
    } else if (name === 'user' && argc >= 2) {
      if (!applyDefaultUser(config, args)) throw fail("'user' is not supported by Cinnabar yet (ACL users are not built)");
    } else if (name === 'loadmodule' && argc >= 2) {
      throw fail("'loadmodule' is not supported by Cinnabar (modules are native Redis plugins)");
    } else if (name.includes('.')) {
      if (argc !== 2) throw fail('Module config specified without value');
      config.moduleConfigs.push([name, args[1] as string]);
    } else if (name === 'sentinel') {
      if (argc !== 1) throw fail('sentinel directive while not in sentinel mode');
    } else {
      throw fail('Bad directive or wrong number of arguments');
    }
  }
  const logfile = config.get('logfile');
  if (logfile !== '') {
    try {
      closeSync(openSync(path.resolve(config.workingDir, logfile), 'a'));
    } catch (err) {
      throw new ConfigFileError(null, '', `Can't open the log file: ${strerror(err)}`);
    }
  }
}

function renameCommand(st: LoadState, from: string, to: string, fail: (reason: string) => Error): void {
  const f = from.toLowerCase();
  const t = to.toLowerCase();
  if (st.commands) {
    if (f.includes('|') || !st.commands.has(f)) throw fail('No such command in rename-command');
    st.commands.delete(f);
    if (t !== '') {
      if (st.commands.has(t)) throw fail('Target command name already exists');
      st.commands.add(t);
    }
  }
  st.config.renamedCommands.push([f, t]);
}

/** Apply config text to `config` (no file, no stdin). Throws ConfigFileError on the first bad line. */
export function loadConfigText(config: Config, text: string, opts: LoadOptions = {}): void {
  loadConfigString({ config, commands: opts.commandNames ? new Set(opts.commandNames) : null, depth: 0 }, text);
}

/**
 * Load the whole configuration for a parsed command line: the file (or glob), stdin, then the
 * options. Throws ConfigOpenError or ConfigFileError.
 */
export function loadServerConfig(config: Config, cl: Extract<CommandLine, { kind: 'run' }>, opts: LoadOptions = {}): void {
  let text = '';
  if (cl.configFile !== null) {
    config.configFile = cl.configFile;
    text += readConfigSource(cl.configFile, config.workingDir);
  }
  if (cl.fromStdin) {
    opts.log?.('Reading config from stdin');
    text += opts.readStdin ? opts.readStdin() : readFileSync(0, 'latin1');
  }
  text += `\n${cl.options}`;
  loadConfigText(config, text, opts);
}
