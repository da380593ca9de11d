import type { RandomStream } from '../random.js';
import { type Distribution, formatParam, requirePositive } from './distribution.js';

/** Exponential with the given mean (not rate), by inversion: -mean * ln(U), U in (0, 1). */
export class ExponentialDistribution implements Distribution {
  readonly mean: number;
  readonly variance: number;

  constructor(mean: number) {
    requirePositive('exponential: mean', mean);
    this.mean = mean;
    this.variance = mean * mean;
  }

  sample(rng: RandomStream): number {
    return -this.mean * Math.log(rng.nextOpen());
  }

  describe(): string {
    return `exponential(mean=${formatParam(this.mean)})`;
  }
}

export function exponential(mean: number): ExponentialDistribution {
  return new ExponentialDistribution(mean);
}
