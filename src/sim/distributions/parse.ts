/**
 * Parses the distribution strings of scenario files: "30ms", "exp(200us)", "uniform(10ms, 20ms)",
 * "normal(50ms, 5ms)", "lognormal(35ms, 0.4)", "lognormal(mean=40ms, cv=0.5)", "pareto(1.5, 3, 1024)",
 * "zipf(1.1, 1e9)". Quantities (times, sizes) go through an injected unit parser, so this module
 * does not depend on the scenario layer; shapes (sigma, alpha, s) and counts are plain numbers.
 * Bad input is returned as a reason, never thrown.
 */
import { constant } from './constant.js';
import { type Distribution, DistributionParamError } from './distribution.js';
import { exponential } from './exponential.js';
import { lognormal, lognormalFromMeanCv } from './lognormal.js';
import { normal, truncatedNormal } from './normal.js';
import { pareto } from './pareto.js';
import { uniform } from './uniform.js';
import { zipf } from './zipf.js';

/** Turns "30ms" into a number in the caller's base unit, or says why it cannot. */
export type UnitParser = (text: string) => number | { error: string };

export interface DistributionParseError {
  reason: string;
}

export type DistributionParseResult = Distribution | DistributionParseError;

export interface ParseDistributionOptions {
  /**
   * For quantities that cannot be negative (times, sizes): normal(...) becomes a normal truncated
   * at 0, and parameters that would allow negative values are refused.
   */
  nonNegative?: boolean;
}

export function isDistributionParseError(result: DistributionParseResult): result is DistributionParseError {
  return typeof (result as Partial<DistributionParseError>).reason === 'string';
}

type ParamKind = 'quantity' | 'number';

interface ParamSpec {
  name: string;
  kind: ParamKind;
  optional?: boolean;
}

interface FamilySpec {
  /** Parameters in positional order; any may also be given as name=value. */
  params: ParamSpec[];
  usage: string;
  build(args: Map<string, number>, options: ParseDistributionOptions): Distribution | string;
}

const q = (name: string, optional = false): ParamSpec => ({ name, kind: 'quantity', optional });
const num = (name: string, optional = false): ParamSpec => ({ name, kind: 'number', optional });

function arg(args: Map<string, number>, name: string): number {
  const value = args.get(name);
  if (value === undefined) throw new Error(`invariant: missing parsed argument ${name}`);
  return value;
}

function nonNegativeCheck(options: ParseDistributionOptions, what: string, value: number): string | undefined {
  return options.nonNegative === true && value < 0 ? `${what} must be >= 0 here, got ${value}` : undefined;
}

const FAMILIES: Record<string, FamilySpec> = {
  constant: {
    params: [q('value')],
    usage: 'constant(value)',
    build: (a, o) => nonNegativeCheck(o, 'value', arg(a, 'value')) ?? constant(arg(a, 'value')),
  },
  exponential: {
    params: [q('mean')],
    usage: 'exponential(mean)',
    build: (a) => exponential(arg(a, 'mean')),
  },
  uniform: {
    params: [q('min'), q('max')],
    usage: 'uniform(min, max)',
    build: (a, o) => nonNegativeCheck(o, 'min', arg(a, 'min')) ?? uniform(arg(a, 'min'), arg(a, 'max')),
  },
  normal: {
    params: [q('mean'), q('sd')],
    usage: 'normal(mean, sd)',
    build: (a, o) =>
      o.nonNegative === true ? truncatedNormal(arg(a, 'mean'), arg(a, 'sd'), 0) : normal(arg(a, 'mean'), arg(a, 'sd')),
  },
  lognormal: {
    params: [q('median', true), num('sigma', true), q('mean', true), num('cv', true)],
    usage: 'lognormal(median, sigma) or lognormal(mean=..., cv=...)',
    build: (a) => {
      const byMedian = a.has('median') || a.has('sigma');
      const byMean = a.has('mean') || a.has('cv');
      if (byMedian && byMean) return 'give either median and sigma, or mean and cv, not both';
      if (byMean) {
        if (!a.has('mean') || !a.has('cv')) return 'mean=... needs cv=... (and cv needs mean)';
        return lognormalFromMeanCv(arg(a, 'mean'), arg(a, 'cv'));
      }
      if (!a.has('median') || !a.has('sigma')) return 'expected 2 arguments: median and sigma';
      return lognormal(arg(a, 'median'), arg(a, 'sigma'));
    },
  },
  pareto: {
    params: [num('alpha'), q('min'), q('max', true)],
    usage: 'pareto(alpha, min[, max])',
    build: (a) => pareto(arg(a, 'alpha'), arg(a, 'min'), a.get('max')),
  },
  zipf: {
    params: [num('s'), num('n')],
    usage: 'zipf(s, n)',
    build: (a) => zipf(arg(a, 's'), arg(a, 'n')),
  },
};

const ALIASES: Record<string, string> = {
  const: 'constant',
  constant: 'constant',
  exp: 'exponential',
  exponential: 'exponential',
  uniform: 'uniform',
  normal: 'normal',
  gaussian: 'normal',
  lognormal: 'lognormal',
  pareto: 'pareto',
  zipf: 'zipf',
};

const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const CALL = /^([A-Za-z][A-Za-z0-9_]*)\s*\(([^()]*)\)$/;
const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]*$/;
/** Refuse absurd inputs early rather than scanning them. */
const TEXT_LENGTH_MAX = 1000;

/** A dimensionless number: 1.5, 1e9, -0.25. */
export function parsePlainNumber(text: string): number | undefined {
  return PLAIN_NUMBER.test(text) ? Number(text) : undefined;
}

function parseArgument(spec: ParamSpec, text: string, unitParser: UnitParser): number | string {
  if (text === '') return `${spec.name}: missing value`;
  if (spec.kind === 'number') {
    const value = parsePlainNumber(text);
    return value === undefined ? `${spec.name}: expected a plain number, got '${text}'` : value;
  }
  let parsed: number | { error: string };
  try {
    parsed = unitParser(text);
  } catch (error) {
    return `${spec.name}: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (typeof parsed === 'number') {
    return Number.isFinite(parsed) ? parsed : `${spec.name}: '${text}' is not a finite quantity`;
  }
  return `${spec.name}: ${parsed.error}`;
}

function fail(text: string, reason: string): DistributionParseError {
  return { reason: `'${text}': ${reason}` };
}

/**
 * Parses a distribution string. A bare quantity ("30ms", "5") is a constant. Returns the
 * distribution, or `{ reason }` naming what is wrong; bad text never throws.
 */
export function parseDistribution(
  text: string,
  unitParser: UnitParser,
  options: ParseDistributionOptions = {},
): DistributionParseResult {
  if (typeof text !== 'string') return { reason: `expected a distribution string, got ${typeof text}` };
  const trimmed = text.trim();
  if (trimmed === '') return { reason: 'empty distribution' };
  if (trimmed.length > TEXT_LENGTH_MAX) return { reason: `distribution text longer than ${TEXT_LENGTH_MAX} characters` };

  let familyName: string;
  let family: FamilySpec;
  let rawArgs: string[];
  if (!trimmed.includes('(') && !trimmed.includes(')')) {
    familyName = 'constant';
    family = FAMILIES.constant!;
    rawArgs = [trimmed];
  } else {
    const call = CALL.exec(trimmed);
    if (call === null) {
      return fail(trimmed, 'expected a quantity like 30ms or a call like name(arg, ...) with balanced parentheses');
    }
    const name = call[1]!.toLowerCase();
    const canonical = ALIASES[name];
    if (canonical === undefined) {
      return fail(trimmed, `unknown distribution '${call[1]}'; expected one of: ${Object.keys(ALIASES).join(', ')}`);
    }
    familyName = canonical;
    family = FAMILIES[canonical]!;
    const inner = call[2]!.trim();
    rawArgs = inner === '' ? [] : inner.split(',').map((part) => part.trim());
  }

  const args = new Map<string, number>();
  const usage = `usage: ${family.usage}`;
  let positional = 0;
  for (const raw of rawArgs) {
    const eq = raw.indexOf('=');
    let spec: ParamSpec | undefined;
    let valueText: string;
    if (eq >= 0) {
      const key = raw.slice(0, eq).trim();
      valueText = raw.slice(eq + 1).trim();
      if (!IDENTIFIER.test(key)) return fail(trimmed, `bad argument name '${key}'; ${usage}`);
      spec = family.params.find((p) => p.name === key);
      if (spec === undefined) return fail(trimmed, `${familyName} has no parameter '${key}'; ${usage}`);
    } else {
      if (args.size > positional) return fail(trimmed, `positional argument '${raw}' after a named one; ${usage}`);
      spec = family.params[positional];
      if (spec === undefined) {
        return fail(trimmed, `${familyName} takes at most ${family.params.length} argument${family.params.length === 1 ? '' : 's'}, got ${rawArgs.length}; ${usage}`);
      }
      positional++;
      valueText = raw;
    }
    if (args.has(spec.name)) return fail(trimmed, `${spec.name} given twice; ${usage}`);
    const value = parseArgument(spec, valueText, unitParser);
    if (typeof value === 'string') return fail(trimmed, `${familyName}: ${value}`);
    args.set(spec.name, value);
  }
  const missing = family.params.filter((p) => p.optional !== true && !args.has(p.name)).map((p) => p.name);
  if (missing.length > 0) return fail(trimmed, `${familyName}: missing ${missing.join(', ')}; ${usage}`);

  try {
    const built = family.build(args, options);
    return typeof built === 'string' ? fail(trimmed, `${familyName}: ${built}`) : built;
  } catch (error) {
    // Impossible parameters are the user's to fix; anything else is a bug and stays loud.
    if (error instanceof DistributionParamError) return fail(trimmed, error.message);
    throw error;
  }
}
