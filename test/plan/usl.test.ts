import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { uslConcurrencyPeak, uslFit, uslThroughputPerSecond, type UslFit, type UslParameters, type UslPoint } from '../../src/plan/index.js';

function fitted(result: ReturnType<typeof uslFit>): UslFit {
  if (!result.ok) throw new Error(result.reason);
  return result;
}

function curve(parameters: UslParameters, concurrencies: readonly number[]): UslPoint[] {
  return concurrencies.map((concurrency) => ({ concurrency, throughputPerSecond: uslThroughputPerSecond(parameters, concurrency) }));
}

function sse(points: readonly UslPoint[], parameters: UslParameters): number {
  return points.reduce((sum, p) => sum + (p.throughputPerSecond - uslThroughputPerSecond(parameters, p.concurrency)) ** 2, 0);
}

const TRUE_PARAMETERS: UslParameters = { lambdaPerSecond: 1200, sigma: 0.04, kappa: 0.0005 };
const LEVELS = [1, 2, 4, 8, 12, 16, 24, 32, 48, 64];

describe('Universal Scalability Law', () => {
  it('evaluates X(N) and Nmax = sqrt((1 - sigma) / kappa)', () => {
    expect(uslThroughputPerSecond(TRUE_PARAMETERS, 1)).toBe(1200);
    // X(10) = 12000 / (1 + 0.36 + 0.045) = 8540.925...
    expect(uslThroughputPerSecond(TRUE_PARAMETERS, 10)).toBeCloseTo(12000 / 1.405, 9);
    expect(uslConcurrencyPeak(TRUE_PARAMETERS)).toBeCloseTo(Math.sqrt(0.96 / 0.0005), 12);
    expect(uslConcurrencyPeak({ ...TRUE_PARAMETERS, kappa: 0 })).toBeNull();
  });

  it('recovers lambda, sigma and kappa exactly from noise-free points', () => {
    const fit = fitted(uslFit(curve(TRUE_PARAMETERS, LEVELS)));
    expect(fit.lambdaPerSecond).toBeCloseTo(1200, 8);
    expect(fit.sigma).toBeCloseTo(0.04, 12);
    expect(fit.kappa).toBeCloseTo(0.0005, 14);
    expect(fit.rSquared).toBeCloseTo(1, 12);
    expect(fit.concurrencyPeak).toBeCloseTo(Math.sqrt(0.96 / 0.0005), 8);
    // The linearised closed form alone is already exact on noise-free data.
    const linear = fitted(uslFit(curve(TRUE_PARAMETERS, LEVELS), { refine: false }));
    expect(linear.sigma).toBeCloseTo(0.04, 12);
    expect(linear.iterations).toBe(0);
  });

  it('recovers the parameters approximately from points with 2% noise, at the least-squares optimum', () => {
    const random = seedrandom('usl-noise-7');
    const points = curve(TRUE_PARAMETERS, [...LEVELS, 6, 20, 40, 56]).map((p) => ({
      concurrency: p.concurrency,
      throughputPerSecond: p.throughputPerSecond * (1 + 0.02 * (2 * random() - 1)),
    }));
    const fit = fitted(uslFit(points));
    expect(fit.lambdaPerSecond).toBeGreaterThan(1200 * 0.95);
    expect(fit.lambdaPerSecond).toBeLessThan(1200 * 1.05);
    expect(Math.abs(fit.sigma - 0.04)).toBeLessThan(0.01);
    expect(Math.abs(fit.kappa - 0.0005) / 0.0005).toBeLessThan(0.2);
    expect(fit.rSquared).toBeGreaterThan(0.99);
    // A least-squares fit must do at least as well as the truth, and the refinement as well as the start.
    expect(sse(points, fit)).toBeLessThanOrEqual(sse(points, TRUE_PARAMETERS));
    expect(sse(points, fit)).toBeLessThanOrEqual(sse(points, fitted(uslFit(points, { refine: false }))));
  });

  it('reproduces the published fit of the Rust usl crate (codahale/usl) on its 32-point benchmark', () => {
    // Measurements and coefficients from codahale/usl src/lib.rs tests (unconstrained least
    // squares on X): sigma 0.02671591, kappa 7.690945e-4, lambda 995.6486, floor(Nmax) 35,
    // X(35) = 12341.7454.
    const measurements: [number, number][] = [
      [1, 955.16], [2, 1878.91], [3, 2688.01], [4, 3548.68], [5, 4315.54], [6, 5130.43], [7, 5931.37], [8, 6531.08],
      [9, 7219.8], [10, 7867.61], [11, 8278.71], [12, 8646.7], [13, 9047.84], [14, 9426.55], [15, 9645.37], [16, 9897.24],
      [17, 10097.6], [18, 10240.5], [19, 10532.39], [20, 10798.52], [21, 11151.43], [22, 11518.63], [23, 11806.0], [24, 12089.37],
      [25, 12075.41], [26, 12177.29], [27, 12211.41], [28, 12158.93], [29, 12155.27], [30, 12118.04], [31, 12140.4], [32, 12074.39],
    ];
    const fit = fitted(uslFit(measurements.map(([concurrency, throughputPerSecond]) => ({ concurrency, throughputPerSecond }))));
    expect(fit.sigma / 0.02671591).toBeCloseTo(1, 5);
    expect(fit.kappa / 7.690945e-4).toBeCloseTo(1, 5);
    expect(fit.lambdaPerSecond / 995.6486).toBeCloseTo(1, 5);
    expect(Math.floor(fit.concurrencyPeak!)).toBe(35);
    expect(uslThroughputPerSecond(fit, 35) / 12341.7454).toBeCloseTo(1, 5);
  });

  it('keeps sigma and kappa non-negative by default, and reports unusable input', () => {
    // Perfectly linear scaling: the unconstrained optimum sits on kappa = sigma = 0.
    const linear = fitted(uslFit(curve({ lambdaPerSecond: 100, sigma: 0, kappa: 0 }, [1, 2, 4, 8])));
    expect(linear.sigma).toBeGreaterThanOrEqual(0);
    expect(linear.kappa).toBeGreaterThanOrEqual(0);
    expect(linear.lambdaPerSecond).toBeCloseTo(100, 6);
    expect(linear.concurrencyPeak).toBeNull();
    expect(uslFit([{ concurrency: 1, throughputPerSecond: 10 }, { concurrency: 2, throughputPerSecond: 19 }])).toMatchObject({ ok: false });
    expect(
      uslFit([
        { concurrency: 1, throughputPerSecond: 10 },
        { concurrency: 2, throughputPerSecond: -1 },
        { concurrency: 3, throughputPerSecond: 25 },
      ]),
    ).toMatchObject({ ok: false, reason: expect.stringContaining('point 1') });
  });
});
