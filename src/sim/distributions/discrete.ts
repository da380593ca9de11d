import type { RandomStream } from '../random.js';
import { type Distribution, DistributionParamError, formatParam } from './distribution.js';

/** Bounds the alias tables (two typed arrays of this length). */
export const DISCRETE_OUTCOMES_MAX = 10_000_000;

/**
 * Weighted choice among finitely many outcomes by Vose's alias method: O(n) to build, O(1) and
 * one uniform per draw. sample() returns the chosen value; sampleIndex() the chosen index, for
 * outcomes that are not numbers. E.g. devicesPerUser {1: 70%, 2: 20%, 5: 10%} is
 * `discrete([1, 2, 5], [70, 20, 10])`.
 */
export class DiscreteDistribution implements Distribution {
  readonly values: Float64Array;
  /** The normalised probabilities, in input order. */
  readonly probabilities: Float64Array;
  readonly mean: number;
  readonly variance: number;
  /** Probability of keeping column i rather than taking its alias, per column. */
  private readonly keep: Float64Array;
  private readonly alias: Int32Array;
  private readonly count: number;

  constructor(values: readonly number[], weights: readonly number[]) {
    const n = values.length;
    if (n === 0) throw new DistributionParamError('discrete: needs at least one outcome');
    if (n > DISCRETE_OUTCOMES_MAX) throw new DistributionParamError(`discrete: at most ${DISCRETE_OUTCOMES_MAX} outcomes, got ${n}`);
    if (weights.length !== n) {
      throw new DistributionParamError(`discrete: ${n} values but ${weights.length} weights`);
    }
    let total = 0;
    for (let i = 0; i < n; i++) {
      const w = weights[i]!;
      if (!(Number.isFinite(w) && w >= 0)) throw new DistributionParamError(`discrete: weight ${i} must be a finite number >= 0, got ${w}`);
      if (!Number.isFinite(values[i]!)) throw new DistributionParamError(`discrete: value ${i} must be finite, got ${values[i]}`);
      total += w;
    }
    if (!(total > 0)) throw new DistributionParamError('discrete: the weights must not all be 0');

    this.count = n;
    this.values = Float64Array.from(values);
    this.probabilities = new Float64Array(n);
    let m1 = 0;
    for (let i = 0; i < n; i++) {
      this.probabilities[i] = weights[i]! / total;
      m1 += this.probabilities[i]! * values[i]!;
    }
    let m2c = 0;
    for (let i = 0; i < n; i++) m2c += this.probabilities[i]! * (values[i]! - m1) ** 2;
    this.mean = m1;
    this.variance = m2c;

    // Vose (1991): scale probabilities by n; pair each column below 1 with one above 1.
    this.keep = new Float64Array(n);
    this.alias = new Int32Array(n);
    const scaled = new Float64Array(n);
    const small = new Int32Array(n);
    const large = new Int32Array(n);
    let smallCount = 0;
    let largeCount = 0;
    for (let i = 0; i < n; i++) {
      scaled[i] = this.probabilities[i]! * n;
      if (scaled[i]! < 1) small[smallCount++] = i;
      else large[largeCount++] = i;
    }
    while (smallCount > 0 && largeCount > 0) {
      const s = small[--smallCount]!;
      const l = large[--largeCount]!;
      this.keep[s] = scaled[s]!;
      this.alias[s] = l;
      scaled[l] = scaled[l]! + scaled[s]! - 1;
      if (scaled[l]! < 1) small[smallCount++] = l;
      else large[largeCount++] = l;
    }
    // What is left is 1 up to rounding.
    while (largeCount > 0) {
      const l = large[--largeCount]!;
      this.keep[l] = 1;
      this.alias[l] = l;
    }
    while (smallCount > 0) {
      const s = small[--smallCount]!;
      this.keep[s] = 1;
      this.alias[s] = s;
    }
  }

  /** Index of the chosen outcome, in input order. */
  sampleIndex(rng: RandomStream): number {
    // One 53-bit uniform gives both the column (integer part) and the coin (fractional part).
    const scaled = rng.nextFloat() * this.count;
    const column = Math.floor(scaled);
    return scaled - column < this.keep[column]! ? column : this.alias[column]!;
  }

  sample(rng: RandomStream): number {
    return this.values[this.sampleIndex(rng)]!;
  }

  tailBound(_p: number): number {
    let max = -Infinity;
    for (const value of this.values) if (value > max) max = value;
    return max;
  }

  describe(): string {
    const parts: string[] = [];
    const shown = Math.min(this.count, 8);
    for (let i = 0; i < shown; i++) parts.push(`${formatParam(this.values[i]!)}: ${formatParam(this.probabilities[i]! * 100)}%`);
    if (this.count > shown) parts.push(`... ${this.count - shown} more`);
    return `discrete(${parts.join(', ')})`;
  }
}

/** Weighted choice of values[i] with probability weights[i] / sum(weights). */
export function discrete(values: readonly number[], weights: readonly number[]): DiscreteDistribution {
  return new DiscreteDistribution(values, weights);
}

/** Weighted choice from a map of value to weight, e.g. `{ 1: 70, 2: 20, 5: 10 }`. */
export function discreteFromRecord(weightsByValue: Readonly<Record<string, number>>): DiscreteDistribution {
  const values: number[] = [];
  const weights: number[] = [];
  for (const [key, weight] of Object.entries(weightsByValue)) {
    const value = Number(key);
    if (key.trim() === '' || !Number.isFinite(value)) throw new DistributionParamError(`discrete: '${key}' is not a number`);
    values.push(value);
    weights.push(weight);
  }
  return new DiscreteDistribution(values, weights);
}
