import type { RandomStream } from '../random.js';
import {
  type Distribution,
  formatParam,
  REJECTION_ROUNDS_MAX,
  rejectionExhausted,
  requireFinite,
  normalTailZ,
  requirePositive,
} from './distribution.js';
import { inverseMillsRatio } from './special-functions.js';

/** Normal(mean, sd). May be negative: use truncatedNormal for times and sizes. */
export class NormalDistribution implements Distribution {
  readonly mean: number;
  readonly sd: number;
  readonly variance: number;

  constructor(mean: number, sd: number) {
    requireFinite('normal: mean', mean);
    requirePositive('normal: sd', sd);
    this.mean = mean;
    this.sd = sd;
    this.variance = sd * sd;
  }

  sample(rng: RandomStream): number {
    return this.mean + this.sd * rng.nextGaussian();
  }

  tailBound(p: number): number {
    return this.mean + this.sd * normalTailZ(p);
  }

  describe(): string {
    return `normal(mean=${formatParam(this.mean)}, sd=${formatParam(this.sd)})`;
  }
}

/**
 * Below this standardized bound, plain rejection (draw a normal, keep it if above the bound)
 * accepts at least 20% of draws; above it, Robert's exponential proposal is used instead, which
 * accepts over 75% however far into the tail the bound lies.
 */
const PLAIN_REJECTION_ALPHA_MAX = 0.84;

/**
 * Normal(mu, sigma) conditioned on X >= lower (default 0: a time or size that cannot be
 * negative). mean and variance are those of the truncated distribution, not mu and sigma^2.
 */
export class TruncatedNormalDistribution implements Distribution {
  readonly mu: number;
  readonly sigma: number;
  readonly lower: number;
  readonly mean: number;
  readonly variance: number;
  /** Standardized bound (lower - mu) / sigma. */
  private readonly alpha: number;
  private readonly useTailSampler: boolean;
  /** Rate of the exponential proposal in Robert's (1995) tail sampler. */
  private readonly tailRate: number;

  constructor(mu: number, sigma: number, lower = 0) {
    requireFinite('normal: mean', mu);
    requirePositive('normal: sd', sigma);
    requireFinite('normal: lower bound', lower);
    this.mu = mu;
    this.sigma = sigma;
    this.lower = lower;
    const alpha = (lower - mu) / sigma;
    this.alpha = alpha;
    const lambda = inverseMillsRatio(alpha);
    this.mean = mu + sigma * lambda;
    this.variance = sigma * sigma * Math.max(0, 1 + alpha * lambda - lambda * lambda);
    this.useTailSampler = alpha > PLAIN_REJECTION_ALPHA_MAX;
    this.tailRate = (alpha + Math.sqrt(alpha * alpha + 4)) / 2;
  }

  sample(rng: RandomStream): number {
    const alpha = this.alpha;
    if (!this.useTailSampler) {
      for (let round = 0; round < REJECTION_ROUNDS_MAX; round++) {
        const z = rng.nextGaussian();
        if (z >= alpha) return Math.max(this.lower, this.mu + this.sigma * z);
      }
    } else {
      // Robert (1995): z = alpha + Exp(rate), accepted with probability exp(-(z - rate)^2 / 2).
      const rate = this.tailRate;
      for (let round = 0; round < REJECTION_ROUNDS_MAX; round++) {
        const z = alpha - Math.log(rng.nextOpen()) / rate;
        const d = z - rate;
        if (rng.nextFloat() <= Math.exp(-0.5 * d * d)) return Math.max(this.lower, this.mu + this.sigma * z);
      }
    }
    throw rejectionExhausted('truncated normal');
  }

  tailBound(p: number): number {
    // Truncated below only. With the bound below the mean (alpha <= 0) at least half the mass is
    // kept, so the tail at p is at most the normal's at p / 2. Above it, Z given Z >= alpha exceeds
    // alpha + t with probability at most exp(-alpha t - t^2 / 2) <= exp(-t^2 / 2).
    if (this.alpha <= 0) return this.mu + this.sigma * normalTailZ(p / 2);
    return this.lower + this.sigma * normalTailZ(p);
  }

  describe(): string {
    return `normal(mean=${formatParam(this.mu)}, sd=${formatParam(this.sigma)}, truncated below ${formatParam(this.lower)})`;
  }
}

export function normal(mean: number, sd: number): NormalDistribution {
  return new NormalDistribution(mean, sd);
}

/** Normal(mean, sd) truncated to [lower, inf); lower defaults to 0. */
export function truncatedNormal(mean: number, sd: number, lower = 0): TruncatedNormalDistribution {
  return new TruncatedNormalDistribution(mean, sd, lower);
}
