import type { RandomStream } from '../random.js';
import { type Distribution, formatParam, requirePositive } from './distribution.js';

/** Exponential with the given mean (not rate): mean times the stream's standard exponential (a ziggurat). */
export class ExponentialDistribution implements Distribution {
  readonly mean: number;
  readonly variance: number;

  constructor(mean: number) {
    requirePositive('exponential: mean', mean);
    this.mean = mean;
    this.variance = mean * mean;
  }

  sample(rng: RandomStream): number {
    return this.mean * rng.nextExponential();
  }

  tailBound(p: number): number {
    return -this.mean * Math.log(p);
  }

  describe(): string {
    return `exponential(mean=${formatParam(this.mean)})`;
  }
}

export function exponential(mean: number): ExponentialDistribution {
  return new ExponentialDistribution(mean);
}
