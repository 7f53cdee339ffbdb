/**
 * Logging in Redis's format: "pid:role dd Mon yyyy hh:mm:ss.mmm <level-char> message", with
 * the same level characters ('.' debug, '-' verbose, '*' notice, '#' warning) and loglevel
 * filtering, to stdout or `logfile`.
 */
import { appendFileSync } from 'node:fs';
import type { Config } from '../config/config.js';

export type LogLevel = 'debug' | 'verbose' | 'notice' | 'warning';

const RANK: Record<string, number> = { debug: 0, verbose: 1, notice: 2, warning: 3, nothing: 4 };
const MARK: Record<LogLevel, string> = { debug: '.', verbose: '-', notice: '*', warning: '#' };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export class Logger {
  /** Embedded servers default to silence; the binary turns this on. */
  enabled = false;

  constructor(private readonly config: Config) {}

  log(level: LogLevel, msg: string): void {
    if (!this.enabled) return;
    if ((RANK[level] ?? 0) < (RANK[this.config.get('loglevel')] ?? 2)) return;
    const d = new Date();
    const p2 = (n: number) => String(n).padStart(2, '0');
    const ts = `${p2(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
    const line = `${process.pid}:M ${ts} ${MARK[level]} ${msg}\n`;
    const file = this.config.get('logfile');
    if (file) appendFileSync(file, line);
    else process.stdout.write(line);
  }
}
