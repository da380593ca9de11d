/**
 * Building blocks of the scenario schema: zod leaves that parse units and say what they expected
 * in the project's message style (`expected a positive integer, got -4`), and strict objects whose
 * unknown keys are errors. The schema file composes these; nothing here knows a scenario field.
 *
 * Unit fields accept a string or a number and convert in a transform, so z.output has base units
 * while the JSON Schema (generated from the input side) shows what a person writes; `pattern`
 * and `examples` go to the JSON Schema as editor hints, the unit parser stays the authority.
 */
import * as z from 'zod';
import { suggestion } from './did-you-mean.js';
import { describeDistribution, type DistributionSpec, type DistributionValidator } from './distributions.js';
import { UNIT_PARSERS, type QuantityKind } from './units.js';

/** How a value reads in a reason: `-4`, `"abc"`, `a mapping`, `a list`, `null`. */
export function describeInput(input: unknown): string {
  if (input === undefined) return 'nothing';
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  // YAML tags that make objects of other kinds: `!!binary`, `!!set`, `!!timestamp`.
  if (ArrayBuffer.isView(input)) return 'binary data (!!binary)';
  if (input instanceof Set) return 'a set (!!set)';
  if (input instanceof Date) return 'a date';
  if (typeof input === 'object') return 'a mapping';
  if (typeof input === 'string') return quoteShort(input);
  if (typeof input === 'number' && Number.isNaN(input)) return 'not a number (.nan)';
  if (typeof input === 'number' && !Number.isFinite(input)) return 'a number too large to be real';
  return String(input);
}

/** `expected WHAT, got INPUT`, or for a missing field `required; expected WHAT`. */
export function expectedReason(what: string, input: unknown): string {
  if (input === undefined) return `required field is missing; expected ${what}`;
  return `expected ${what}, got ${describeInput(input)}`;
}

function errorFor(what: string) {
  return (issue: { input?: unknown }) => expectedReason(what, issue.input);
}

/**
 * Integers: cores, server counts, seeds. Plain numbers only (no units, no strings). Past the
 * maximum the reason names it: `expected a positive integer of at most 4096, got 5000`.
 */
export function integer(options: { min: number; max?: number; what: string }) {
  const error = errorFor(options.what);
  const max = options.max ?? Number.MAX_SAFE_INTEGER;
  const tooLarge = options.what.includes(String(max)) ? error : errorFor(`${options.what} of at most ${max}`);
  return z.number({ error }).int({ error }).min(options.min, { error }).max(max, { error: tooLarge });
}

/** Real numbers: scale factors, Zipf skews. `minExclusive` for strictly positive ones. */
export function real(options: { min: number; minExclusive?: boolean; max: number; what: string }) {
  const error = errorFor(options.what);
  const base = z.number({ error });
  const bounded = options.minExclusive === true ? base.gt(options.min, { error }) : base.gte(options.min, { error });
  return bounded.lte(options.max, { error });
}

/** Free text: names, descriptions, paths. */
export function text(options: { what: string; maxLength?: number }) {
  const error = errorFor(options.what);
  const maxLength = options.maxLength ?? 10_000;
  return z
    .string({ error })
    .min(1, { error })
    .max(maxLength, { error: (issue) => `expected ${options.what} of at most ${maxLength} characters, got ${String(issue.input).length}` });
}

/** Longest string echoed whole in a reason; a longer one is cut, with its length said. */
const ECHO_CHARS_MAX = 80;

/** A string as a reason quotes it: whole when short, else its start and its length. */
export function quoteShort(input: string): string {
  if (input.length <= ECHO_CHARS_MAX) return JSON.stringify(input);
  return `${JSON.stringify(input.slice(0, ECHO_CHARS_MAX - 20))}... (${input.length} characters)`;
}

/** One of a few words, with a did-you-mean for typos. */
export function choice<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, {
    error: (issue) => {
      const input = issue.input;
      const near = typeof input === 'string' ? suggestion(input, values) : '';
      const base = expectedReason(`one of ${values.join(', ')}`, input);
      return near.startsWith('; did') ? `${base}${near}` : base;
    },
  });
}

/** A map whose unknown keys are errors (the did-you-mean is added where issues become problems). */
export function strict<Shape extends z.core.$ZodLooseShape>(shape: Shape, what = 'a mapping') {
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'invalid_type' ? expectedReason(what, issue.input) : undefined),
  });
}

/** A mapping from names to values (regions, links, shares by device count). */
export function mapping<Key extends z.ZodType<string, string>, Value extends z.ZodType>(key: Key, value: Value, what: string) {
  return z.record(key, value, {
    error: (issue) => (issue.code === 'invalid_type' ? expectedReason(what, issue.input) : undefined),
  });
}

/** Hints for editors (JSON Schema `pattern`); the unit parsers decide what is accepted. */
const NUMBER_PATTERN = String.raw`[0-9][0-9_]*(\.[0-9_]+)?([eE][+-]?[0-9]+)?`;
export const UNIT_PATTERNS: Record<QuantityKind, string> = {
  duration: String.raw`^\s*(0|${NUMBER_PATTERN}\s*(ns|us|µs|μs|ms|s|sec|min|h|d))\s*$`,
  size: String.raw`^\s*(0|${NUMBER_PATTERN}\s*(B|bytes?|kB|KB|MB|GB|TB|KiB|MiB|GiB|TiB))\s*$`,
  bandwidth: String.raw`^\s*(unlimited|0|${NUMBER_PATTERN}\s*([kKMGT]?(bps|bit/s|b/s|Bps|B/s)|[KMGT]i(B/s|Bps)))\s*$`,
  count: String.raw`^\s*${NUMBER_PATTERN}\s*[kMG]?\s*$`,
  percent: String.raw`^\s*${NUMBER_PATTERN}\s*%\s*$`,
  rate: String.raw`^\s*(unlimited|${NUMBER_PATTERN}\s*[kMG]?\s*(/\s*(s|sec|second|min|minute|h|hour|d|day))?)\s*$`,
};

export interface QuantityOptions {
  /** What the field expects, for reasons: `a latency such as 30ms`. */
  what: string;
  min?: number;
  /** Refuse the minimum itself (e.g. a duration must be > 0). */
  minExclusive?: boolean;
  max?: number;
  /** Must be a whole number (counts of users, events). */
  integer?: boolean;
  examples?: string[];
}

function inRange(value: number, options: QuantityOptions): boolean {
  if (options.integer === true && !Number.isInteger(value)) return false;
  if (options.min !== undefined && (options.minExclusive === true ? value <= options.min : value < options.min)) return false;
  if (options.max !== undefined && value > options.max) return false;
  return true;
}

/** A quantity with units (`30ms`, `64GiB`, `25%`, `40e6`) converted to its base unit. */
export function quantity(kind: QuantityKind, options: QuantityOptions) {
  const parse = UNIT_PARSERS[kind];
  return z
    .union([z.string(), z.number()], { error: errorFor(options.what) })
    .transform((value, context): number => {
      const parsed = parse(value);
      if (typeof parsed !== 'number') {
        // A negative number is out of range like any other: say what the field takes.
        const message = parsed.error.startsWith('cannot be negative') ? expectedReason(options.what, value) : parsed.error;
        context.issues.push({ code: 'custom', message, input: value });
        return z.NEVER;
      }
      if (!inRange(parsed, options)) {
        context.issues.push({ code: 'custom', message: expectedReason(options.what, value), input: value });
        return z.NEVER;
      }
      return parsed;
    })
    .meta({ pattern: UNIT_PATTERNS[kind], ...(options.examples === undefined ? {} : { examples: options.examples }) });
}

/** Like quantity, but the word `unlimited` is accepted and becomes null (no limit, no delay). */
export function quantityOrUnlimited(kind: 'bandwidth' | 'rate', options: QuantityOptions) {
  const parse = UNIT_PARSERS[kind];
  return z
    .union([z.string(), z.number()], { error: errorFor(`${options.what} or unlimited`) })
    .transform((value, context): number | null => {
      if (typeof value === 'string' && value.trim() === 'unlimited') return null;
      const parsed = parse(value);
      if (typeof parsed !== 'number') {
        context.issues.push({ code: 'custom', message: parsed.error, input: value });
        return z.NEVER;
      }
      if (!inRange(parsed, options)) {
        context.issues.push({ code: 'custom', message: expectedReason(`${options.what} or unlimited`, value), input: value });
        return z.NEVER;
      }
      return parsed;
    })
    .meta({ pattern: UNIT_PATTERNS[kind], ...(options.examples === undefined ? {} : { examples: options.examples }) });
}

/** A distribution in a unit family (`exp(200us)`, `lognormal(300KiB, 1.2)`, `30ms`, `0`). */
export function distribution(kind: 'duration' | 'size', validate: DistributionValidator, examples: string[]) {
  const parse = UNIT_PARSERS[kind];
  const what = kind === 'duration' ? 'a duration or distribution such as 30ms or exp(200us)' : 'a size or distribution such as 200B';
  return z
    .union([z.string(), z.number()], { error: errorFor(what) })
    .transform((value, context): DistributionSpec => {
      const asText = typeof value === 'number' ? String(value) : value.trim();
      if (typeof value === 'number' && value !== 0) {
        const parsed = parse(value);
        context.issues.push({ code: 'custom', message: typeof parsed === 'number' ? expectedReason(what, value) : parsed.error, input: value });
        return z.NEVER;
      }
      const check = validate(asText);
      if ('error' in check) {
        context.issues.push({ code: 'custom', message: check.error, input: value });
        return z.NEVER;
      }
      return describeDistribution(asText, parse);
    })
    .meta({ examples });
}
