/**
 * The statistics behind the validation tests: the hard-coded t quantiles are recomputed from the
 * t density, and the batch-means interval is checked for coverage on data whose mean is known.
 */
import { describe, expect, it } from 'vitest';
import { RandomStreams } from '../../src/sim/random.js';
import { batchMeans99, T_QUANTILE_0995 } from './validation-support.js';

/** P(T <= x) for Student's t with df degrees of freedom, by Simpson's rule on the density. */
function tCdf(x: number, df: number): number {
  const density = (t: number) => Math.pow(1 + (t * t) / df, -(df + 1) / 2);
  const simpson = (from: number, to: number, steps: number) => {
    const h = (to - from) / steps;
    let sum = density(from) + density(to);
    for (let i = 1; i < steps; i++) sum += density(from + i * h) * (i % 2 === 1 ? 4 : 2);
    return (sum * h) / 3;
  };
  // Past 60 the density is below 1e-20 of its peak for df >= 19: the tail is negligible.
  const half = simpson(0, 60, 600_000);
  return 0.5 + simpson(0, x, 200_000) / (2 * half);
}

describe('batch-means statistics', () => {
  it.each(Object.entries(T_QUANTILE_0995))('t(0.995, %s) is right to the digits given', (df, quantile) => {
    expect(Math.abs(tCdf(quantile, Number(df)) - 0.995)).toBeLessThan(2e-7);
    // And a quantile off in the 4th digit would be caught.
    expect(Math.abs(tCdf(quantile * 1.001, Number(df)) - 0.995)).toBeGreaterThan(5e-6);
  });

  it('covers a known mean about 99% of the time, and half the width does not', () => {
    const rng = new RandomStreams(11).stream('coverage');
    const replications = 400;
    const samples = new Float64Array(30 * 50);
    let misses = 0;
    let missesHalfWidth = 0;
    for (let r = 0; r < replications; r++) {
      for (let i = 0; i < samples.length; i++) samples[i] = rng.nextExponential();
      const ci = batchMeans99(samples, 0);
      expect(ci.batchSize).toBe(50);
      if (ci.low > 1 || ci.high < 1) misses++;
      if (Math.abs(ci.mean - 1) > ci.halfWidth / 2) missesHalfWidth++;
    }
    // Binomial(400, 0.01): mean 4, P(more than 10) < 0.3%.
    expect(misses).toBeLessThanOrEqual(10);
    // Half the width is about an 82% interval: some 70 misses expected.
    expect(missesHalfWidth).toBeGreaterThan(40);
  });

  it('computes the interval exactly on a small hand example', () => {
    // 30 batches of 2: batch means 0..29 (each batch is [b - 0.5, b + 0.5]).
    const samples = new Float64Array(60);
    for (let b = 0; b < 30; b++) {
      samples[2 * b] = b - 0.5;
      samples[2 * b + 1] = b + 0.5;
    }
    const ci = batchMeans99(samples, 0);
    expect(ci.mean).toBeCloseTo(14.5, 12);
    // sd of 0..29 is sqrt(77.5).
    expect(ci.halfWidth).toBeCloseTo((2.756386 * Math.sqrt(77.5)) / Math.sqrt(30), 12);
    // A warm-up is dropped before cutting: 58 samples left, batches of 1 (the last 28 unused).
    expect(batchMeans99(samples, 2).batchSize).toBe(1);
  });
});
