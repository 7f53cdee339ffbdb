/**
 * The shape of a configuration-table row and small builders for the rows, so that each
 * redis.conf directive is one readable line in options*.ts.
 *
 * A row says how a directive's text is parsed and printed (kind, numeric C type and bounds,
 * enum names), whether CONFIG SET may change it (mutable, protected, restartOnly) and whether
 * Cinnabar has the capability it asks for (status, inert).
 */
import type { NumericSpec, NumType } from './numeric.js';

export type OptionKind = 'bool' | 'int' | 'memory' | 'enum' | 'string' | 'special';

/**
 * implemented: the behaviour exists in Cinnabar and follows the value.
 * tuning: accepted with any valid value, stored and printed, but it only tunes something no
 *   client can observe in Cinnabar today (e.g. a knob of replication, which cannot be enabled
 *   because `replicaof` is inert). The feature reads it when it is built.
 * inert: the capability is not built; only the value that asks for nothing is accepted.
 */
export type OptionStatus = 'implemented' | 'tuning' | 'inert';

export type ParseResult = { value: string } | { error: string };

export interface OptionRow {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly kind: OptionKind;
  /** Default, as the text CONFIG GET prints. */
  readonly default: string;
  readonly min?: number;
  readonly max?: number;
  /** Values above max are clamped rather than refused. */
  readonly clamp?: boolean;
  /** Enum names, in Redis's order (the order of its error message). */
  readonly values?: readonly string[];
  /** false: CONFIG SET refuses it (Redis's IMMUTABLE_CONFIG). */
  readonly mutable: boolean;
  /**
   * For 'special': parse args into the canonical text, or return an error message. `current`
   * is the value being replaced (client-output-buffer-limit only changes the classes named).
   */
  readonly parse?: (args: readonly string[], current: string) => ParseResult;
  /** Capability not built yet: the only values accepted are those for which this is true. */
  readonly inert?: (value: string) => boolean;
  /** CONFIG SET on it is refused unless enable-protected-configs allows it (PROTECTED_CONFIG). */
  readonly protected?: boolean;
  /** Exact C type and bounds of a numeric directive (int/memory kinds). */
  readonly num?: NumericSpec;
  /** Not listed by CONFIG GET patterns, only by its exact name (HIDDEN_CONFIG). */
  readonly hidden?: boolean;
  /** Takes several arguments; CONFIG SET splits its value on spaces (MULTI_ARG_CONFIG). */
  readonly multiArg?: boolean;
  /** Extra validity check on the canonical value (Redis's is_valid_fn); an error or null. */
  readonly check?: (value: string) => string | null;
  /** Enum names that are synonyms print as another name (oom-score-adj relative → yes). */
  readonly synonyms?: Readonly<Record<string, string>>;
  /** A set of flags from `values` (several arguments OR-ed, shutdown-on-sigterm). */
  readonly flagSet?: boolean;
  /** Adjust a value after it is set (Redis's apply step clamping hz); `from` says by whom. */
  readonly normalize?: (value: string, from: 'file' | 'set') => string;
  /** Mutable in Redis but changing it at run time is not built: CONFIG SET may only keep it. */
  readonly restartOnly?: boolean;
  readonly status?: OptionStatus;
}

export interface RowOptions {
  readonly aliases?: readonly string[];
  readonly immutable?: boolean;
  readonly protected?: boolean;
  readonly hidden?: boolean;
  readonly inert?: (value: string) => boolean;
  readonly check?: (value: string) => string | null;
  readonly normalize?: (value: string, from: 'file' | 'set') => string;
  readonly restartOnly?: boolean;
  readonly status?: OptionStatus;
}

function common(name: string, o: RowOptions): Omit<OptionRow, 'kind' | 'default'> {
  return {
    name,
    mutable: o.immutable !== true,
    status: o.status ?? (o.inert ? 'inert' : 'implemented'),
    ...(o.aliases ? { aliases: o.aliases } : {}),
    ...(o.protected ? { protected: true } : {}),
    ...(o.hidden ? { hidden: true } : {}),
    ...(o.inert ? { inert: o.inert } : {}),
    ...(o.check ? { check: o.check } : {}),
    ...(o.normalize ? { normalize: o.normalize } : {}),
    ...(o.restartOnly ? { restartOnly: true } : {}),
  };
}

export function boolOpt(name: string, def: 'yes' | 'no', o: RowOptions = {}): OptionRow {
  return { ...common(name, o), kind: 'bool', default: def };
}

export interface NumOptions extends RowOptions {
  readonly memory?: boolean;
  readonly percent?: boolean;
  readonly octal?: boolean;
}

export function numOpt(name: string, type: NumType, min: bigint, max: bigint, def: bigint, o: NumOptions = {}): OptionRow {
  const num: NumericSpec = {
    type,
    min,
    max,
    ...(o.memory ? { memory: true } : {}),
    ...(o.percent ? { percent: true } : {}),
    ...(o.octal ? { octal: true } : {}),
  };
  return {
    ...common(name, o),
    kind: o.memory ? 'memory' : 'int',
    default: o.octal ? def.toString(8) : def.toString(),
    num,
  };
}

export function enumOpt(name: string, values: readonly string[], def: string, o: RowOptions & { synonyms?: Record<string, string>; flagSet?: boolean } = {}): OptionRow {
  return {
    ...common(name, o),
    kind: 'enum',
    default: def,
    values,
    ...(o.synonyms ? { synonyms: o.synonyms } : {}),
    ...(o.flagSet ? { flagSet: true, multiArg: true } : {}),
  };
}

export function strOpt(name: string, def: string, o: RowOptions = {}): OptionRow {
  return { ...common(name, o), kind: 'string', default: def };
}

export function specialOpt(name: string, def: string, parse: (args: readonly string[], current: string) => ParseResult, o: RowOptions & { multiArg?: boolean } = {}): OptionRow {
  return { ...common(name, o), kind: 'special', default: def, parse, ...(o.multiArg ? { multiArg: true } : {}) };
}

/** Inert predicates: the value that asks for nothing. */
export const isEmpty = (v: string): boolean => v === '';
export const isNo = (v: string): boolean => v === 'no';
export const isZero = (v: string): boolean => v === '0';
