/**
 * Parsers and validators for the directives that are not a plain bool/number/enum/string
 * (Redis's SPECIAL_CONFIG rows and is_valid_fn checks), each producing the canonical text
 * CONFIG GET prints or the error text Redis 7.0.15 gives for the same input.
 */
import { parseNotifyFlags, notifyFlagsToString } from '../keyspace/notify.js';
import { memtoull } from './numeric.js';
import type { ParseResult } from './option-types.js';

const TWO64 = 2n ** 64n;
const LLONG_MAX = 2n ** 63n - 1n;

/** C's strtoll(s, &end, 10) that must consume the whole string: leading blanks, a sign, saturating. */
function strtollWhole(s: string): bigint | null {
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d*)$/.exec(s);
  if (!m) return null;
  const digits = m[2] as string;
  if (digits === '') return m[1] === '' && /^[ \t\n\v\f\r]*$/.test(s) ? 0n : null;
  let v = BigInt(digits);
  if (m[1] === '-') v = -v;
  if (v > LLONG_MAX) return LLONG_MAX;
  if (v < -LLONG_MAX - 1n) return -LLONG_MAX - 1n;
  return v;
}

/** (int) of a long long, as C truncates. */
function toInt32(v: bigint): bigint {
  return BigInt.asIntN(32, v);
}

/** save "" | save <seconds> <changes> [<seconds> <changes> ...] */
export function parseSave(args: readonly string[]): ParseResult {
  const a = args.length === 1 && args[0] === '' ? [] : args;
  if (a.length % 2 !== 0) return { error: 'Invalid save parameters' };
  const out: string[] = [];
  for (let j = 0; j < a.length; j++) {
    const v = strtollWhole(a[j] as string);
    if (v === null || (j % 2 === 0 && v < 1n) || (j % 2 === 1 && v < 0n)) return { error: 'Invalid save parameters' };
    out.push((j % 2 === 0 ? v : toInt32(v)).toString());
  }
  return { value: out.join(' ') };
}

/** bind addr [addr ...] (at most 16); a single "" binds nothing. */
export function parseBind(args: readonly string[]): ParseResult {
  if (args.length > 16) return { error: 'Too many bind addresses specified.' };
  if (args.length === 1 && args[0] === '') return { value: '' };
  return { value: args.join(' ') };
}

const OBUF_CLASSES = ['normal', 'slave', 'pubsub'] as const;

/**
 * client-output-buffer-limit <class> <hard> <soft> <soft-seconds> [...]: classes not named
 * keep their current limits; the whole value is refused if any group is bad.
 */
export function parseClientOutputBufferLimit(args: readonly string[], current: string): ParseResult {
  if (args.length % 4 !== 0) return { error: 'Wrong number of arguments in buffer limit configuration.' };
  const cur = current.split(' ');
  const limits = new Map<string, [bigint, bigint, bigint]>();
  for (let i = 0; i + 3 < cur.length; i += 4) {
    limits.set(cur[i] as string, [BigInt(cur[i + 1] as string), BigInt(cur[i + 2] as string), BigInt(cur[i + 3] as string)]);
  }
  const staged: [string, [bigint, bigint, bigint]][] = [];
  for (let j = 0; j < args.length; j += 4) {
    let cls = (args[j] as string).toLowerCase();
    if (cls === 'replica') cls = 'slave';
    if (!(OBUF_CLASSES as readonly string[]).includes(cls)) return { error: 'Invalid client class specified in buffer limit configuration.' };
    const hard = memtoull(args[j + 1] as string);
    const soft = memtoull(args[j + 2] as string);
    const secs = strtollWhole(args[j + 3] as string);
    if (hard === null || soft === null || secs === null || toInt32(secs) < 0n) {
      return { error: 'Error in hard, soft or soft_seconds setting in buffer limit configuration.' };
    }
    staged.push([cls, [hard, soft, toInt32(secs)]]);
  }
  for (const [cls, l] of staged) limits.set(cls, l);
  return { value: formatObufLimits(limits) };
}

function formatObufLimits(limits: ReadonlyMap<string, readonly [bigint, bigint, bigint]>): string {
  return OBUF_CLASSES.map((c) => {
    const l = limits.get(c) ?? [0n, 0n, 0n];
    return `${c} ${l[0] % TWO64} ${l[1] % TWO64} ${l[2]}`;
  }).join(' ');
}

/** oom-score-adj-values <master> <replica> <bgchild>, each in [-2000, 2000]. */
export function parseOomScoreAdjValues(args: readonly string[]): ParseResult {
  if (args.length !== 3) return { error: 'wrong number of arguments' };
  const out: string[] = [];
  for (const a of args) {
    const v = strtollWhole(a);
    if (v === null || v < -2000n || v > 2000n) return { error: 'Invalid oom-score-adj-values, elements must be between -2000 and 2000.' };
    out.push(v.toString());
  }
  return { value: out.join(' ') };
}

/** replicaof <host> <port> | replicaof no one. */
export function parseReplicaOf(args: readonly string[]): ParseResult {
  if (args.length !== 2) return { error: 'wrong number of arguments' };
  const [host, port] = args as [string, string];
  if (host.toLowerCase() === 'no' && port.toLowerCase() === 'one') return { value: '' };
  const p = strtollWhole(port);
  if (p === null || p < 0n || p > 65535n) return { error: 'Invalid master port' };
  return { value: `${host} ${p}` };
}

/** Redis's string2d: strtod over the whole string, no surrounding blanks, not NaN. */
function string2d(s: string): number | null {
  if (s.length === 0 || s.length >= 5120 || /^\s|\s$/.test(s)) return null;
  if (!/^[+-]?(\d+\.?\d*(e[+-]?\d+)?|\.\d+(e[+-]?\d+)?|inf(inity)?)$/i.test(s)) return null;
  const v = /inf/i.test(s) ? (s.startsWith('-') ? -Infinity : Infinity) : Number(s);
  return Number.isNaN(v) ? null : v;
}

/** "%f" then trailing zeros (and a bare '.') dropped, as Redis's trimDoubleString. */
function formatPercentile(v: number): string {
  let s = v.toFixed(6);
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s;
}

/** latency-tracking-info-percentiles p [p ...] in [0, 100]; a single "" means none. */
export function parseLatencyPercentiles(args: readonly string[]): ParseResult {
  if (args.length === 1 && args[0] === '') return { value: '' };
  const out: string[] = [];
  for (const a of args) {
    const v = string2d(a);
    if (v === null) return { error: 'Invalid latency-tracking-info-percentiles parameters' };
    if (v > 100 || v < 0) return { error: 'latency-tracking-info-percentiles parameters should sit between [0.0,100.0]' };
    out.push(formatPercentile(v));
  }
  return { value: out.join(' ') };
}

/** notify-keyspace-events: the class letters, printed in Redis's canonical order. */
export function parseNotifyKeyspaceEvents(args: readonly string[]): ParseResult {
  if (args.length !== 1) return { error: 'wrong number of arguments' };
  const f = parseNotifyFlags(args[0] as string);
  if (f === null) return { error: "Invalid event class character. Use 'Ag$lshzxeKEtmdn'." };
  return { value: notifyFlagsToString(f) };
}

/** Redis's pathIsBaseName. */
function isBaseName(v: string): boolean {
  return !v.includes('/') && !v.includes('\\');
}

export const checkDbFilename = (v: string): string | null => (isBaseName(v) ? null : "dbfilename can't be a path, just a filename");

export function checkAppendFilename(v: string): string | null {
  if (v === '') return "appendfilename can't be empty";
  return isBaseName(v) ? null : "appendfilename can't be a path, just a filename";
}

export function checkAppendDirname(v: string): string | null {
  if (v === '') return "appenddirname can't be empty";
  return isBaseName(v) ? null : "appenddirname can't be a path, just a dirname";
}

export function checkAnnouncedHostname(v: string): string | null {
  if (v.length >= 256) return 'Hostnames must be less than 256 characters';
  if (!/^[A-Za-z0-9.-]*$/.test(v)) return 'Hostnames may only contain alphanumeric characters, hyphens or dots';
  return null;
}

/** Variables a proc-title-template may use, with what they expand to. */
export interface ProcTitleVars {
  title: string;
  'listen-addr': string;
  'server-mode': string;
  port: string;
  'tls-port': string;
  unixsocket: string;
  'config-file': string;
}

/**
 * Expand a proc-title-template: `{name}` variables, `{{` for a literal '{'; null when the
 * template is malformed or names an unknown variable. The result is trimmed of spaces.
 */
export function expandProcTitle(template: string, vars: ProcTitleVars): string | null {
  let out = '';
  let p = 0;
  while (p < template.length) {
    const sv = template.indexOf('{', p);
    if (sv < 0) {
      out += template.slice(p);
      break;
    }
    out += template.slice(p, sv);
    if (sv + 1 >= template.length) return null;
    if (template[sv + 1] === '{') {
      out += '{';
      p = sv + 2;
      continue;
    }
    const ev = template.indexOf('}', sv + 1);
    if (ev < 0) return null;
    const name = template.slice(sv + 1, ev);
    if (!Object.prototype.hasOwnProperty.call(vars, name)) return null;
    out += vars[name as keyof ProcTitleVars];
    p = ev + 1;
  }
  return out.replace(/^ +| +$/g, '');
}

export function checkProcTitleTemplate(v: string): string | null {
  // Redis validates with an empty title and the server's own values for the rest: what makes
  // a template invalid is a syntax error, an unknown variable or an empty result.
  const sample: ProcTitleVars = { title: '', 'listen-addr': '*:6379', 'server-mode': '', port: '6379', 'tls-port': '0', unixsocket: '', 'config-file': '' };
  const r = expandProcTitle(v, sample);
  return r === null || r === '' ? 'template format is invalid or contains unknown variables' : null;
}

/** Debian's Redis is built without the defragmenting allocator and refuses `activedefrag yes` so. */
export const checkActiveDefrag = (v: string): string | null =>
  v === 'yes'
    ? 'Active defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default with the Redis source distribution'
    : null;

export const checkShutdownFlags = (v: string): string | null =>
  v.split(' ').includes('save') && v.split(' ').includes('nosave') ? "shutdown options SAVE and NOSAVE can't be used simultaneously" : null;
