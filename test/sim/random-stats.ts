/**
 * Statistical helpers shared by the randomness tests (random*, distributions*, poisson*). Every
 * tolerance is a number of standard errors computed from the sample, so a broken sampler fails
 * and a correct one passes for the fixed seeds used (the tests are deterministic).
 */
import { expect } from 'vitest';
import type { Distribution } from '../../src/sim/distributions/index.js';
import { RandomStreams, type RandomStream } from '../../src/sim/random.js';

export const SIGMAS = 5;

export interface SampleMoments {
  count: number;
  mean: number;
  /** Unbiased sample variance. */
  variance: number;
  /** Fourth central moment, for the standard error of the variance. */
  m4: number;
  min: number;
  max: number;
}

export function moments(samples: Float64Array): SampleMoments {
  const count = samples.length;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < count; i++) {
    const x = samples[i]!;
    sum += x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const mean = sum / count;
  let m2 = 0;
  let m4 = 0;
  for (let i = 0; i < count; i++) {
    const d = samples[i]! - mean;
    const d2 = d * d;
    m2 += d2;
    m4 += d2 * d2;
  }
  return { count, mean, variance: m2 / (count - 1), m4: m4 / count, min, max };
}

export function streamFor(name: string, seed = 20240611): RandomStream {
  return new RandomStreams(seed).stream(name);
}

export function draw(distribution: Distribution, rng: RandomStream, count: number): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = distribution.sample(rng);
  return out;
}

/** The sample mean lies within SIGMAS standard errors of the analytic mean. */
export function expectMeanNear(m: SampleMoments, mean: number, variance: number): void {
  const standardError = Math.sqrt(variance / m.count);
  expect(Math.abs(m.mean - mean)).toBeLessThanOrEqual(SIGMAS * standardError);
}

/**
 * The sample variance lies within SIGMAS standard errors of the analytic variance, the standard
 * error being sqrt((mu4 - sigma^4) / n) with mu4 estimated from the sample.
 */
export function expectVarianceNear(m: SampleMoments, variance: number): void {
  const standardError = Math.sqrt(Math.max(m.m4 - m.variance * m.variance, 0) / m.count);
  expect(Math.abs(m.variance - variance)).toBeLessThanOrEqual(SIGMAS * standardError);
}

/** A sampled proportion lies within SIGMAS binomial standard errors of p. */
export function expectProportionNear(hits: number, count: number, p: number): void {
  const standardError = Math.sqrt((p * (1 - p)) / count);
  expect(Math.abs(hits / count - p)).toBeLessThanOrEqual(SIGMAS * standardError);
}

/** Fraction of samples <= x. */
export function fractionAtMost(samples: Float64Array, x: number): number {
  let hits = 0;
  for (let i = 0; i < samples.length; i++) if (samples[i]! <= x) hits++;
  return hits / samples.length;
}

/**
 * Pearson chi-square statistic of observed counts against expected counts; compare with
 * chiSquareLimit(degrees of freedom).
 */
export function chiSquare(observed: ArrayLike<number>, expected: ArrayLike<number>): number {
  let chi = 0;
  for (let i = 0; i < observed.length; i++) {
    const d = observed[i]! - expected[i]!;
    chi += (d * d) / expected[i]!;
  }
  return chi;
}

/** Mean plus SIGMAS standard deviations of a chi-square with dof degrees of freedom. */
export function chiSquareLimit(dof: number): number {
  return dof + SIGMAS * Math.sqrt(2 * dof);
}
