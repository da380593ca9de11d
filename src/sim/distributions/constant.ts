import type { RandomStream } from '../random.js';
import { type Distribution, formatParam, requireFinite } from './distribution.js';

/** Always the same value; draws nothing from the stream. */
export class ConstantDistribution implements Distribution {
  readonly mean: number;
  readonly variance = 0;
  readonly value: number;

  constructor(value: number) {
    requireFinite('constant: value', value);
    this.value = value;
    this.mean = value;
  }

  sample(_rng: RandomStream): number {
    return this.value;
  }

  tailBound(_p: number): number {
    return this.value;
  }

  describe(): string {
    return `constant(${formatParam(this.value)})`;
  }
}

export function constant(value: number): ConstantDistribution {
  return new ConstantDistribution(value);
}
