import { describe, expect, it } from 'vitest';
import {
  constant,
  DiscreteDistribution,
  discrete,
  discreteFromRecord,
  DistributionParamError,
  empiricalCdf,
  empiricalDensity,
  exponential,
  lognormal,
  lognormalFromMeanCv,
  normal,
  pareto,
  truncatedNormal,
  uniform,
} from '../../src/sim/distributions/index.js';
import {
  chiSquare,
  chiSquareLimit,
  draw,
  expectMeanNear,
  expectProportionNear,
  expectVarianceNear,
  fractionAtMost,
  moments,
  streamFor,
} from './random-stats.js';

const N = 200_000;

/** Draws N samples and checks the sample mean and variance against the analytic ones. */
function checkMoments(name: string, distribution: Parameters<typeof draw>[0]): Float64Array {
  const samples = draw(distribution, streamFor(name), N);
  const m = moments(samples);
  expectMeanNear(m, distribution.mean, distribution.variance);
  expectVarianceNear(m, distribution.variance);
  return samples;
}

describe('constant', () => {
  it('always returns its value, with variance 0', () => {
    const d = constant(30e6);
    const rng = streamFor('const');
    expect(d.sample(rng)).toBe(30e6);
    expect(d.sample(rng)).toBe(30e6);
    expect(d.mean).toBe(30e6);
    expect(d.variance).toBe(0);
    expect(d.describe()).toBe('constant(30000000)');
  });
});

describe('uniform', () => {
  it('has mean (a+b)/2 and variance (b-a)^2/12, and stays in [a, b)', () => {
    const d = uniform(10, 20);
    expect(d.mean).toBe(15);
    expect(d.variance).toBeCloseTo(100 / 12, 12);
    const samples = checkMoments('uniform', d);
    const m = moments(samples);
    expect(m.min).toBeGreaterThanOrEqual(10);
    expect(m.max).toBeLessThan(20);
    expectProportionNear(fractionAtMost(samples, 12.5) * N, N, 0.25);
  });
});

describe('exponential', () => {
  it('has mean m and variance m^2, and P(X <= m) = 1 - 1/e', () => {
    const d = exponential(200);
    expect(d.mean).toBe(200);
    expect(d.variance).toBe(40_000);
    const samples = checkMoments('exponential', d);
    expect(moments(samples).min).toBeGreaterThan(0);
    expectProportionNear(fractionAtMost(samples, 200) * N, N, 1 - Math.exp(-1));
    expectProportionNear(fractionAtMost(samples, 1000) * N, N, 1 - Math.exp(-5));
  });
});

describe('normal', () => {
  it('has the given mean and sd, and P(X <= mean + sd) = Phi(1)', () => {
    const d = normal(50, 5);
    expect(d.mean).toBe(50);
    expect(d.variance).toBe(25);
    const samples = checkMoments('normal', d);
    expectProportionNear(fractionAtMost(samples, 55) * N, N, 0.8413447460685429);
    expectProportionNear(fractionAtMost(samples, 40) * N, N, 0.022750131948179195);
  });

  it('truncated at 0 from a mean of 0 is the half-normal: mean sqrt(2/pi), variance 1 - 2/pi', () => {
    const d = truncatedNormal(0, 1);
    expect(d.mean).toBeCloseTo(Math.sqrt(2 / Math.PI), 14);
    expect(d.variance).toBeCloseTo(1 - 2 / Math.PI, 14);
    const samples = checkMoments('half-normal', d);
    expect(moments(samples).min).toBeGreaterThanOrEqual(0);
  });

  it('truncated at 0 with most mass below 0 (the exponential-proposal tail sampler) matches its moments', () => {
    // mu = -3 sigma: only 0.13% of the untruncated mass is kept.
    const d = truncatedNormal(-3, 1);
    // Mean of Z | Z > 3 is phi(3) / Q(3), with Q(3) = 0.0013498980316300946 from tables.
    const phi3 = Math.exp(-4.5) / Math.sqrt(2 * Math.PI);
    expect(d.mean).toBeCloseTo(phi3 / 0.0013498980316300946 - 3, 12);
    const samples = checkMoments('normal-tail', d);
    expect(moments(samples).min).toBeGreaterThanOrEqual(0);
    // P(X > 0.5 | X > 0) = Q(3.5) / Q(3).
    expectProportionNear((1 - fractionAtMost(samples, 0.5)) * N, N, 0.00023262907903552504 / 0.0013498980316300946);
  });

  it('truncated at 0 far from the bound is the plain normal', () => {
    const d = truncatedNormal(50, 5);
    expect(d.mean).toBeCloseTo(50, 10);
    expect(d.variance).toBeCloseTo(25, 8);
    checkMoments('normal-far', d);
    const partly = truncatedNormal(1, 1);
    checkMoments('normal-partly', partly);
  });

  it('refuses sd <= 0 and non-finite parameters', () => {
    expect(() => normal(1, 0)).toThrow(DistributionParamError);
    expect(() => normal(NaN, 1)).toThrow(DistributionParamError);
    expect(() => truncatedNormal(1, -1)).toThrow(DistributionParamError);
  });
});

describe('lognormal', () => {
  it('has median m, mean m e^(s^2/2) and variance (e^(s^2) - 1) m^2 e^(s^2)', () => {
    const d = lognormal(35, 0.4);
    expect(d.mean).toBeCloseTo(35 * Math.exp(0.08), 12);
    expect(d.variance).toBeCloseTo((Math.exp(0.16) - 1) * 35 * 35 * Math.exp(0.16), 9);
    const samples = checkMoments('lognormal', d);
    expectProportionNear(fractionAtMost(samples, 35) * N, N, 0.5);
    // ln X within one sigma of ln(median).
    expectProportionNear(fractionAtMost(samples, 35 * Math.exp(0.4)) * N, N, 0.8413447460685429);
    expect(d.describe()).toBe('lognormal(median=35, sigma=0.4)');
  });

  it('from mean and cv has exactly that mean and cv', () => {
    const d = lognormalFromMeanCv(40, 0.5);
    expect(d.mean).toBeCloseTo(40, 12);
    expect(Math.sqrt(d.variance) / d.mean).toBeCloseTo(0.5, 12);
    checkMoments('lognormal-cv', d);
    const heavy = lognormal(300, 1.0);
    checkMoments('lognormal-heavy', heavy);
  });
});

describe('pareto', () => {
  it('unbounded, alpha 5: mean alpha L / (alpha - 1), variance L^2 alpha / ((alpha-1)^2 (alpha-2))', () => {
    const d = pareto(5, 2);
    expect(d.mean).toBe(2.5);
    expect(d.variance).toBeCloseTo((4 * 5) / (16 * 3), 14);
    const samples = checkMoments('pareto-5', d);
    expect(moments(samples).min).toBeGreaterThanOrEqual(2);
    // P(X > x) = (L/x)^alpha.
    expectProportionNear((1 - fractionAtMost(samples, 3)) * N, N, (2 / 3) ** 5);
  });

  it('unbounded with a heavy tail has Infinity where a moment does not exist', () => {
    const d = pareto(1.5, 3);
    expect(d.mean).toBe(9);
    expect(d.variance).toBe(Infinity);
    expect(pareto(1, 3).mean).toBe(Infinity);
    const samples = draw(d, streamFor('pareto-heavy'), N);
    // Median L 2^(1/alpha).
    expectProportionNear(fractionAtMost(samples, 3 * 2 ** (1 / 1.5)) * N, N, 0.5);
  });

  it('bounded (1.5, 3, 1024): exact moments and CDF, values within [min, max]', () => {
    const d = pareto(1.5, 3, 1024);
    // E[X] = alpha L^alpha / (1 - (L/H)^alpha) * (H^(1-alpha) - L^(1-alpha)) / (1 - alpha).
    const mass = 1 - (3 / 1024) ** 1.5;
    const mean = ((1.5 * 3 ** 1.5) / mass) * ((1024 ** -0.5 - 3 ** -0.5) / -0.5);
    const second = ((1.5 * 3 ** 1.5) / mass) * ((1024 ** 0.5 - 3 ** 0.5) / 0.5);
    expect(d.mean).toBeCloseTo(mean, 10);
    expect(d.variance).toBeCloseTo(second - mean * mean, 8);
    const samples = checkMoments('pareto-bounded', d);
    const m = moments(samples);
    expect(m.min).toBeGreaterThanOrEqual(3);
    expect(m.max).toBeLessThanOrEqual(1024);
    expectProportionNear(fractionAtMost(samples, 10) * N, N, (1 - (3 / 10) ** 1.5) / mass);
    // Continuous up to max: no atom there (clamping an unbounded Pareto would put 0.016% on it).
    let atMax = 0;
    for (const x of samples) if (x === 1024) atMax++;
    expect(atMax).toBe(0);
  });

  it('bounded with alpha equal to a moment order (alpha = 2) uses the logarithmic limit', () => {
    const d = pareto(2, 1, 100);
    // E[X^2] = alpha L^2 ln(H/L) / (1 - (L/H)^alpha).
    const mass = 1 - 1e-4;
    const mean = ((2 * 1) / mass) * (1 - 1 / 100);
    expect(d.mean).toBeCloseTo(mean, 12);
    expect(d.variance).toBeCloseTo((2 * Math.log(100)) / mass - mean * mean, 12);
    checkMoments('pareto-alpha-2', d);
  });

  it('refuses bad parameters', () => {
    expect(() => pareto(0, 1)).toThrow(DistributionParamError);
    expect(() => pareto(1.5, 0)).toThrow(DistributionParamError);
    expect(() => pareto(1.5, 3, 3)).toThrow(DistributionParamError);
  });
});

describe('empirical', () => {
  it('density: a triangle on [0, 2] has mean 1 and variance 1/6, whatever the y scale', () => {
    const d = empiricalDensity([
      { x: 0, y: 0 },
      { x: 1, y: 10 },
      { x: 2, y: 0 },
    ]);
    expect(d.mean).toBeCloseTo(1, 14);
    expect(d.variance).toBeCloseTo(1 / 6, 14);
    expect(d.totalArea).toBe(10);
    expect(d.valueAt(0.5)).toBe(5);
    expect(d.valueAt(1.5)).toBe(5);
    expect(d.valueAt(3)).toBe(0);
    expect(d.densityAt(1)).toBeCloseTo(1, 14);
    expect(d.cdfAt(0.5)).toBeCloseTo(0.125, 14);
    expect(d.cdfAt(1)).toBeCloseTo(0.5, 14);
    expect(d.quantile(0.125)).toBeCloseTo(0.5, 12);
    expect(d.quantile(0.875)).toBeCloseTo(1.5, 12);
    const samples = checkMoments('triangle', d);
    expectProportionNear(fractionAtMost(samples, 0.5) * N, N, 0.125);
  });

  it('density: a diurnal curve (24 hourly points) puts each period its share of the area', () => {
    // Relative activity by hour: low at night, a morning and an evening peak.
    const activity = [3, 2, 1.5, 1, 1, 1.5, 3, 6, 8, 8, 7.5, 7, 7.5, 7, 6.5, 6.5, 7, 7.5, 8.5, 10, 10, 9, 7, 5, 3];
    const d = empiricalDensity(activity.map((y, hour) => ({ x: hour, y })));
    // Area by trapezoids, computed here independently.
    let total = 0;
    let night = 0;
    for (let h = 0; h < 24; h++) {
      const area = (activity[h]! + activity[h + 1]!) / 2;
      total += area;
      if (h < 6) night += area;
    }
    expect(d.cdfAt(6)).toBeCloseTo(night / total, 14);
    expect(d.valueAt(19.5)).toBe(10);
    expect(d.valueAt(7.25)).toBeCloseTo(6.5, 14);
    const samples = checkMoments('diurnal', d);
    expectProportionNear(fractionAtMost(samples, 6) * N, N, night / total);
  });

  it('cdf: piecewise-linear CDF points give exact moments and quantiles', () => {
    const d = empiricalCdf([
      { x: 0, y: 0 },
      { x: 10, y: 0.5 },
      { x: 100, y: 1 },
    ]);
    expect(d.mean).toBeCloseTo(30, 12);
    // E[X^2] = 0.5 * 100/3 + 0.5 * (100 + 1000 + 10000) / 3.
    expect(d.variance).toBeCloseTo(0.5 * (100 / 3) + (0.5 * 11100) / 3 - 900, 10);
    expect(d.quantile(0.5)).toBe(10);
    expect(d.quantile(0.75)).toBeCloseTo(55, 12);
    expect(d.cdfAt(55)).toBeCloseTo(0.75, 14);
    const samples = checkMoments('cdf', d);
    expectProportionNear(fractionAtMost(samples, 10) * N, N, 0.5);
  });

  it('cdf: a flat stretch (no mass) is never sampled', () => {
    const d = empiricalCdf([
      { x: 0, y: 0 },
      { x: 1, y: 0.5 },
      { x: 5, y: 0.5 },
      { x: 6, y: 1 },
    ]);
    const samples = draw(d, streamFor('flat'), 50_000);
    let inGap = 0;
    for (const x of samples) if (x > 1 && x < 5) inGap++;
    expect(inGap).toBe(0);
    expect(d.mean).toBeCloseTo(0.5 * 0.5 + 0.5 * 5.5, 12);
  });

  it('refuses bad curves', () => {
    expect(() => empiricalDensity([{ x: 0, y: 1 }])).toThrow(DistributionParamError);
    expect(() => empiricalDensity([{ x: 1, y: 1 }, { x: 0, y: 1 }])).toThrow(/increase/);
    expect(() => empiricalDensity([{ x: 0, y: 0 }, { x: 1, y: 0 }])).toThrow(/area/);
    expect(() => empiricalDensity([{ x: 0, y: -1 }, { x: 1, y: 1 }])).toThrow(/< 0/);
    expect(() => empiricalCdf([{ x: 0, y: 0.1 }, { x: 1, y: 1 }])).toThrow(/first point/);
    expect(() => empiricalCdf([{ x: 0, y: 0 }, { x: 1, y: 0.7 }, { x: 2, y: 0.6 }, { x: 3, y: 1 }])).toThrow(/decrease/);
  });
});

describe('discrete (alias method)', () => {
  it('devicesPerUser {1: 70%, 2: 20%, 5: 10%}: frequencies, mean 1.6, variance 1.44', () => {
    const d = discreteFromRecord({ 1: 70, 2: 20, 5: 10 });
    expect(d.mean).toBeCloseTo(1.6, 14);
    expect(d.variance).toBeCloseTo(1.44, 14);
    const samples = checkMoments('devices', d);
    const counts = new Map<number, number>();
    for (const x of samples) counts.set(x, (counts.get(x) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual([1, 2, 5]);
    expectProportionNear(counts.get(1)!, N, 0.7);
    expectProportionNear(counts.get(2)!, N, 0.2);
    expectProportionNear(counts.get(5)!, N, 0.1);
  });

  it('50 uneven weights, some zero: chi-square fit, zero weights never drawn', () => {
    const rng = streamFor('weights');
    const weights: number[] = [];
    for (let i = 0; i < 50; i++) weights.push(i % 7 === 3 ? 0 : 1 + (i * 37) % 11 + i * i * 0.01);
    const values = weights.map((_, i) => i);
    const d: DiscreteDistribution = discrete(values, weights);
    const counts = new Float64Array(50);
    for (let i = 0; i < N; i++) counts[d.sampleIndex(rng)]!++;
    const total = weights.reduce((a, b) => a + b, 0);
    const observed: number[] = [];
    const expected: number[] = [];
    for (let i = 0; i < 50; i++) {
      if (weights[i] === 0) {
        expect(counts[i]).toBe(0);
      } else {
        observed.push(counts[i]!);
        expected.push((N * weights[i]!) / total);
      }
    }
    expect(chiSquare(observed, expected)).toBeLessThan(chiSquareLimit(observed.length - 1));
  });

  it('refuses bad weights', () => {
    expect(() => discrete([], [])).toThrow(DistributionParamError);
    expect(() => discrete([1, 2], [1])).toThrow(/2 values but 1 weights/);
    expect(() => discrete([1], [-1])).toThrow(/weight 0/);
    expect(() => discrete([1, 2], [0, 0])).toThrow(/all be 0/);
    expect(() => discreteFromRecord({ x: 1 })).toThrow(/not a number/);
  });
});

describe('tailBound: how far draws reach', () => {
  it('is the exact upper quantile where there is a closed form', () => {
    expect(exponential(2).tailBound(1e-9)).toBeCloseTo(2 * Math.log(1e9), 9);
    expect(pareto(2, 1).tailBound(1e-6)).toBeCloseTo(1000, 6);
    expect(pareto(2, 1, 50).tailBound(1e-6)).toBe(50);
    expect(uniform(3, 7).tailBound(1e-9)).toBe(7);
    expect(constant(5).tailBound(1e-9)).toBe(5);
  });

  it('is above the true quantile for the normal family (a Chernoff bound) and not far above', () => {
    // The standard normal's upper 1e-9 quantile is 5.998.
    const z = normal(0, 1).tailBound(1e-9);
    expect(z).toBeGreaterThan(5.998);
    expect(z).toBeLessThan(6.5);
    expect(lognormal(1, 0.5).tailBound(1e-9)).toBeGreaterThan(Math.exp(0.5 * 5.998));
    // Truncated at 0 with the mean far above: as the normal, within the bound's slack.
    expect(truncatedNormal(100, 1).tailBound(1e-9)).toBeGreaterThan(105.99);
  });

  it('is above every one of many draws, also for a truncated normal with its bound above the mean', () => {
    const cases = [exponential(1), lognormal(1, 1), truncatedNormal(0, 1, 2), pareto(1.5, 1)];
    for (const distribution of cases) {
      const bound = distribution.tailBound(1e-6);
      const samples = draw(distribution, streamFor(`tail ${distribution.describe()}`), 100_000);
      expect(Math.max(...samples)).toBeLessThan(bound);
    }
  });
});
