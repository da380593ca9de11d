/**
 * Distribution-valued fields (`accessLatency: "lognormal(35ms, 0.4)"`, `route: "exp(200us)"`,
 * `bytes: 200B`). The scenario layer checks them and keeps the text; the simulator builds its
 * samplers from the text with the field's unit parser. The check is pluggable (a function from
 * text to ok or a reason); the default is the simulator's own parser (src/sim/distributions), so
 * a scenario that validates is one the simulator can build. A light syntactic check that needs
 * no simulator code is kept for tests and for tools that only lint files.
 */
import {
  ConstantDistribution,
  isDistributionParseError,
  parseDistribution,
  type Distribution,
} from '../sim/distributions/index.js';
import { suggestion } from './did-you-mean.js';
import { parseCount, type UnitParser } from './units.js';

/** A distribution as the scenario wrote it, for the simulator to parse with the field's unit. */
export interface DistributionSpec {
  /** As written, e.g. `exp(200us)` or `30ms` (a bare 0 becomes `0`). */
  text: string;
  /**
   * The value in the field's base unit (ns for durations, bytes for sizes) when the text is a
   * constant (`30ms`, `constant(30ms)`), else null. Lets the simulator use FIFO delay lines.
   */
  constant: number | null;
  /** The exact mean in the field's base unit; null when it does not exist (heavy tails) or is unknown. */
  mean: number | null;
}

export type DistributionCheck = { ok: true } | { error: string };

/** Judges one distribution text; pluggable. */
export type DistributionValidator = (text: string) => DistributionCheck;

/** The unit families distribution fields are written in. */
export type DistributionUnit = 'duration' | 'size';

/** One validator per unit family; `loadScenario` takes these in its options. */
export type DistributionValidators = Record<DistributionUnit, DistributionValidator>;

/** Names (and aliases) the simulator's parser knows, for did-you-mean. */
export const DISTRIBUTION_NAMES = [
  'constant',
  'const',
  'exponential',
  'exp',
  'uniform',
  'normal',
  'gaussian',
  'lognormal',
  'pareto',
  'zipf',
] as const;

function unknownNameReason(name: string, text: string): string {
  return `unknown distribution "${name}" in ${JSON.stringify(text)}${suggestion(name, DISTRIBUTION_NAMES)}`;
}

/** Times and sizes are never negative: the simulator's parser truncates or refuses accordingly. */
function build(text: string, parseUnit: UnitParser): Distribution | { reason: string } {
  return parseDistribution(text, (part) => parseUnit(part), { nonNegative: true });
}

/**
 * How far a distribution's draws may reach: at most `max` in the field's base unit, except with
 * probability below `p` per draw. `describe` renders a value of the unit for the reason.
 */
export interface TailLimit {
  p: number;
  max: number;
  what: string;
  describe: (value: number) => string;
}

/**
 * Delays (latencies, CPU costs) stay under a day except once in a billion draws. A run draws
 * millions to billions of them, and the simulated clock is exact only to 2^53 ns (104 days): a
 * distribution whose tail reaches past that (`lognormal(35ms, 50)`, `exp(100d)`) validated before
 * session 13 and then stopped the run when a draw overflowed the clock.
 */
export const DELAY_TAIL_LIMIT: TailLimit = {
  p: 1e-9,
  max: 86_400e9,
  what: 'a day',
  describe: (ns) => (Number.isFinite(ns) ? `${(ns / 86_400e9).toPrecision(3)} days` : 'infinity'),
};

/** The default check: the simulator's parser, with a did-you-mean for unknown names; and the tail's reach, given a limit. */
export function simulatorDistributionValidator(parseUnit: UnitParser, tail?: TailLimit): DistributionValidator {
  return (text) => {
    const plain = parseUnit(text);
    if (typeof plain === 'number') return { ok: true };
    if (text.includes('(') && !text.includes(')')) {
      // YAML splits `{ bytes: lognormal(100KiB, 1.0) }` at the comma: the usual cause.
      return { error: `unbalanced parenthesis in ${JSON.stringify(text)}; inside { ... } quote a distribution that has a comma: "lognormal(100KiB, 1.0)"` };
    }
    const built = build(text, parseUnit);
    if (!isDistributionParseError(built)) {
      const reach = tail === undefined ? 0 : built.tailBound(tail.p);
      if (tail !== undefined && !(reach <= tail.max)) {
        return {
          error:
            `${JSON.stringify(text)} draws up to ${tail.describe(reach)} (all but one draw in ${formatOdds(tail.p)}), and a run makes millions of draws: ` +
            `keep its tail under ${tail.what} (a smaller mean or maximum, a smaller sigma, a larger alpha)`,
        };
      }
      return { ok: true };
    }
    const unknown = /unknown distribution '([^']*)'/.exec(built.reason);
    if (unknown !== null) return { error: unknownNameReason(unknown[1] ?? '', text) };
    // A plain word with no call is a bad quantity: the unit parser says it best.
    if (!text.includes('(')) return { error: plain.error };
    return { error: built.reason };
  };
}

const CALL = /^([A-Za-z][A-Za-z0-9]*)\s*\((.*)\)$/s;

/** A light check without the simulator: a quantity, or `name(args)` with a known name and sane args. */
export function syntacticDistributionValidator(parseUnit: UnitParser): DistributionValidator {
  return (text) => {
    const plain = parseUnit(text);
    if (typeof plain === 'number') return { ok: true };
    const call = CALL.exec(text.trim());
    if (call === null) return { error: plain.error };
    const name = call[1] ?? '';
    if (!(DISTRIBUTION_NAMES as readonly string[]).includes(name)) return { error: unknownNameReason(name, text) };
    const inner = (call[2] ?? '').trim();
    const args = inner === '' ? [] : inner.split(',').map((arg) => arg.trim().replace(/^[A-Za-z]+\s*=\s*/, ''));
    if (args.length === 0 || args.length > 4) return { error: `expected 1 to 4 arguments in ${JSON.stringify(text)}` };
    for (const arg of args) {
      if (typeof parseUnit(arg) === 'number' || (/^[+-]?[\d.]/.test(arg) && typeof parseCount(arg) === 'number')) continue;
      const reason = parseUnit(arg);
      return { error: `bad argument ${JSON.stringify(arg)} in ${JSON.stringify(text)}: ${typeof reason === 'number' ? '' : reason.error}` };
    }
    return { ok: true };
  };
}

/** Constant and mean of a distribution text that passed validation, in base units. */
export function describeDistribution(text: string, parseUnit: UnitParser): DistributionSpec {
  const plain = parseUnit(text);
  if (typeof plain === 'number') return { text, constant: plain, mean: plain };
  const built = build(text, parseUnit);
  if (isDistributionParseError(built)) return { text, constant: null, mean: null };
  const constant = built instanceof ConstantDistribution ? built.value : null;
  return { text, constant, mean: Number.isFinite(built.mean) ? built.mean : null };
}

/** `a billion` for 1e-9. */
function formatOdds(p: number): string {
  const odds = 1 / p;
  if (Math.abs(odds - 1e9) < 1) return 'a billion';
  if (Math.abs(odds - 1e6) < 1) return 'a million';
  return odds.toExponential(0);
}
