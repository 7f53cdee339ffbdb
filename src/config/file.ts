/**
 * redis.conf reading, as Redis's loadServerConfig: the file's text, then "\n", then the
 * command-line options turned into lines ("--port 6380 --save ''" → `port "6380"` ...), parsed
 * line by line with redis.conf quoting; `include` reads another file in place. Errors carry
 * Redis's FATAL CONFIG FILE ERROR text naming the line.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { splitArgs } from '../protocol/request-parser.js';
import type { Config } from './config.js';

export class ConfigFileError extends Error {
  constructor(
    readonly lineNumber: number,
    readonly lineText: string,
    readonly reason: string,
  ) {
    super(reason);
  }

  /** The text Redis prints to stderr before exiting with status 1. */
  fatalText(redisVersion: string): string {
    return `\n*** FATAL CONFIG FILE ERROR (Redis ${redisVersion}) ***\nReading the configuration file, at line ${this.lineNumber}\n>>> '${this.lineText}'\n${this.reason}\n`;
  }
}

/** Quote an argument the way sdscatrepr does for command-line options. */
function repr(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch === '\\' || ch === '"') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\x07') out += '\\a';
    else if (ch === '\b') out += '\\b';
    else if (c < 0x20 || c > 0x7e) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Turn `--name v1 v2 --other v` into config lines, as redis-server's main() does. */
export function optionsToText(args: readonly string[]): string {
  let text = '';
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a.startsWith('--') && a.length > 2) {
      if (text.length > 0) text += '\n';
      text += a.slice(2);
      // A lone "--save" followed by another option means `save ""` (Redis special case).
      if (a === '--save' && (i + 1 >= args.length || (args[i + 1] as string).startsWith('--'))) text += ' ""';
    } else {
      text += ` ${repr(a)}`;
    }
  }
  return text.length > 0 ? `${text}\n` : '';
}

/** Expand `include` patterns (a '*' in the file name part is a glob, as in Redis 7). */
function expandInclude(pattern: string, baseDir: string): string[] {
  const p = path.resolve(baseDir, pattern);
  const base = path.basename(p);
  if (!base.includes('*')) return [p];
  const dir = path.dirname(p);
  const re = new RegExp(`^${base.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return readdirSync(dir)
    .filter((f) => re.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Apply config text to `config`. Throws ConfigFileError on the first bad line. */
export function loadConfigText(config: Config, text: string, baseDir: string, depth = 0): void {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '' || line.startsWith('#')) continue;
    const buf = Buffer.from(line, 'latin1');
    const parts = splitArgs(buf, 0, buf.length);
    if (parts === null) throw new ConfigFileError(i + 1, line, 'Unbalanced quotes in configuration line');
    if (parts.length === 0) continue;
    const args = parts.map((p) => p.toString('latin1'));
    const name = (args[0] as string).toLowerCase();
    if (name === 'include' && args.length === 2) {
      if (depth > 16) throw new ConfigFileError(i + 1, line, 'Too many nested includes');
      for (const f of expandInclude(args[1] as string, baseDir)) {
        let content: string;
        try {
          content = readFileSync(f, 'latin1');
        } catch (err) {
          throw new ConfigFileError(i + 1, line, `Fatal error, can't open config file '${f}': ${(err as Error).message}`);
        }
        loadConfigText(config, content, path.dirname(f), depth + 1);
      }
      continue;
    }
    const err = config.load(name, args.slice(1));
    if (err !== null) throw new ConfigFileError(i + 1, line, err);
  }
}

/** redis-server [configfile] [--option value ...]: the whole configuration. */
export function loadConfig(config: Config, argv: readonly string[]): { configFile: string | null } {
  let configFile: string | null = null;
  let rest = argv;
  if (argv.length > 0 && !(argv[0] as string).startsWith('--')) {
    configFile = argv[0] as string;
    rest = argv.slice(1);
  }
  let text = '';
  let baseDir = process.cwd();
  if (configFile !== null) {
    try {
      text = configFile === '-' ? readFileSync(0, 'latin1') : readFileSync(configFile, 'latin1');
    } catch (err) {
      throw new Error(`Fatal error, can't open config file '${configFile}': ${(err as Error).message}`);
    }
    if (configFile !== '-') baseDir = path.dirname(path.resolve(configFile));
  }
  text += `\n${optionsToText(rest)}`;
  loadConfigText(config, text, baseDir);
  return { configFile };
}
