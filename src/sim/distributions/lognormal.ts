import type { RandomStream } from '../random.js';
import { type Distribution, formatParam, normalTailZ, requireNonNegative, requirePositive } from './distribution.js';

/**
 * Lognormal: X = median * exp(sigma * Z), Z standard normal. sigma is the standard deviation of
 * ln X (the form scenario files use: `lognormal(35ms, 0.4)`); median = exp(mu).
 */
export class LognormalDistribution implements Distribution {
  readonly median: number;
  readonly sigma: number;
  readonly mean: number;
  readonly variance: number;

  constructor(median: number, sigma: number) {
    requirePositive('lognormal: median', median);
    requireNonNegative('lognormal: sigma', sigma);
    this.median = median;
    this.sigma = sigma;
    const s2 = sigma * sigma;
    this.mean = median * Math.exp(s2 / 2);
    // Var = (e^{s^2} - 1) e^{2 mu + s^2}; expm1 keeps small sigma exact.
    this.variance = Math.expm1(s2) * median * median * Math.exp(s2);
  }

  sample(rng: RandomStream): number {
    return this.median * Math.exp(this.sigma * rng.nextGaussian());
  }

  tailBound(p: number): number {
    return this.median * Math.exp(this.sigma * normalTailZ(p));
  }

  describe(): string {
    return `lognormal(median=${formatParam(this.median)}, sigma=${formatParam(this.sigma)})`;
  }
}

/** Lognormal by median and the standard deviation of its log. */
export function lognormal(median: number, sigma: number): LognormalDistribution {
  return new LognormalDistribution(median, sigma);
}

/**
 * Lognormal by mean and coefficient of variation (sd / mean): sigma^2 = ln(1 + cv^2) and
 * median = mean / sqrt(1 + cv^2).
 */
export function lognormalFromMeanCv(mean: number, cv: number): LognormalDistribution {
  requirePositive('lognormal: mean', mean);
  requireNonNegative('lognormal: cv', cv);
  const onePlusCv2 = 1 + cv * cv;
  return new LognormalDistribution(mean / Math.sqrt(onePlusCv2), Math.sqrt(Math.log1p(cv * cv)));
}
