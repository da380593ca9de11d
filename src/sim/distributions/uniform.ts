import type { RandomStream } from '../random.js';
import { type Distribution, DistributionParamError, formatParam, requireFinite } from './distribution.js';

/** Continuous uniform on [min, max). */
export class UniformDistribution implements Distribution {
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly variance: number;
  private readonly width: number;

  constructor(min: number, max: number) {
    requireFinite('uniform: min', min);
    requireFinite('uniform: max', max);
    if (!(min <= max)) throw new DistributionParamError(`uniform: min must be <= max, got min ${min} > max ${max}`);
    this.min = min;
    this.max = max;
    this.width = max - min;
    this.mean = (min + max) / 2;
    this.variance = (this.width * this.width) / 12;
  }

  sample(rng: RandomStream): number {
    return this.min + this.width * rng.nextFloat();
  }

  tailBound(_p: number): number {
    return this.max;
  }

  describe(): string {
    return `uniform(${formatParam(this.min)}, ${formatParam(this.max)})`;
  }
}

export function uniform(min: number, max: number): UniformDistribution {
  return new UniformDistribution(min, max);
}
