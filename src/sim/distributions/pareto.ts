import type { RandomStream } from '../random.js';
import { type Distribution, DistributionParamError, formatParam, requirePositive } from './distribution.js';
import { expm1OverX } from './special-functions.js';

/**
 * Pareto with shape alpha and scale (minimum) min; bounded to [min, max] when max is given
 * (the bounded Pareto of Harchol-Balter, the usual model of group and file sizes).
 * Sampling by inversion; values are real numbers, so round at the call site for counts.
 */
export class ParetoDistribution implements Distribution {
  readonly alpha: number;
  readonly min: number;
  /** Infinity when unbounded. */
  readonly max: number;
  readonly mean: number;
  readonly variance: number;
  private readonly negInvAlpha: number;
  /** 1 - (min/max)^alpha: the mass an unbounded Pareto puts on [min, max]. */
  private readonly boundedMass: number;

  constructor(alpha: number, min: number, max = Infinity) {
    requirePositive('pareto: alpha', alpha);
    requirePositive('pareto: min', min);
    if (!(max > min)) throw new DistributionParamError(`pareto: max must be > min, got max ${max} <= min ${min}`);
    this.alpha = alpha;
    this.min = min;
    this.max = max;
    this.negInvAlpha = -1 / alpha;
    if (max === Infinity) {
      this.boundedMass = 1;
      this.mean = alpha > 1 ? (alpha * min) / (alpha - 1) : Infinity;
      this.variance = alpha > 2 ? (min * min * alpha) / ((alpha - 1) * (alpha - 1) * (alpha - 2)) : Infinity;
    } else {
      const logRatio = Math.log(max / min);
      this.boundedMass = -Math.expm1(-alpha * logRatio);
      const m1 = this.boundedRawMoment(1, logRatio);
      const m2 = this.boundedRawMoment(2, logRatio);
      this.mean = m1;
      this.variance = Math.max(0, m2 - m1 * m1);
    }
  }

  /**
   * E[X^k] of the bounded Pareto: alpha L^alpha / (1 - (L/H)^alpha) * (H^(k-alpha) - L^(k-alpha)) / (k - alpha),
   * written as L^k * ln(H/L) * expm1OverX(...) so that k = alpha (and alpha near k) are exact.
   */
  private boundedRawMoment(k: number, logRatio: number): number {
    const e = k - this.alpha;
    return (this.alpha * Math.pow(this.min, k) * logRatio * expm1OverX(e * logRatio)) / this.boundedMass;
  }

  sample(rng: RandomStream): number {
    // Inversion: X = L * (1 - U * boundedMass)^(-1/alpha) with U in [0, 1); 1 - U*mass is in (0, 1].
    const x = this.min * Math.exp(this.negInvAlpha * Math.log1p(-rng.nextFloat() * this.boundedMass));
    return x > this.max ? this.max : x;
  }

  tailBound(p: number): number {
    // P(X > x) = (min / x)^alpha unbounded; a bound truncates the tail, which only lowers it.
    return Math.min(this.max, this.min * Math.pow(p, -1 / this.alpha));
  }

  describe(): string {
    const bound = this.max === Infinity ? '' : `, max=${formatParam(this.max)}`;
    return `pareto(alpha=${formatParam(this.alpha)}, min=${formatParam(this.min)}${bound})`;
  }
}

/** Pareto(alpha, min), bounded above by max when given. */
export function pareto(alpha: number, min: number, max?: number): ParetoDistribution {
  return new ParetoDistribution(alpha, min, max ?? Infinity);
}
