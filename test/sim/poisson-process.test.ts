import { describe, expect, it } from 'vitest';
import {
  ConstantRatePoissonProcess,
  nextPoissonArrivalNs,
  rateCurve,
  ThinnedPoissonProcess,
} from '../../src/sim/poisson-process.js';
import { RandomStreams } from '../../src/sim/random.js';
import { Simulator } from '../../src/sim/simulator.js';
import { chiSquare, chiSquareLimit, expectMeanNear, expectVarianceNear, moments, SIGMAS, streamFor } from './random-stats.js';

const NS_PER_S = 1e9;

/** Sinusoidal rate: base (1 + depth sin(2 pi t / period)), in events per second. */
const BASE_PER_S = 1000;
const DEPTH = 0.8;
const PERIOD_S = 10;

function sinusoidRate(timeNs: number): number {
  return BASE_PER_S * (1 + DEPTH * Math.sin((2 * Math.PI * timeNs) / NS_PER_S / PERIOD_S));
}

/** Integral of sinusoidRate over [0, t seconds]: the expected count. */
function sinusoidIntegral(tS: number): number {
  return BASE_PER_S * (tS + ((DEPTH * PERIOD_S) / (2 * Math.PI)) * (1 - Math.cos((2 * Math.PI * tS) / PERIOD_S)));
}

function arrivalsUntil(next: (afterNs: number) => number, endNs: number): number[] {
  const times: number[] = [];
  let t = 0;
  for (;;) {
    t = next(t);
    if (t > endNs) return times;
    times.push(t);
  }
}

describe('constant-rate Poisson', () => {
  it('gaps are exponential with mean 1e9 / rate ns; arrivals are integer ns and never go back', () => {
    const process = new ConstantRatePoissonProcess(streamFor('poisson-const'), 2000);
    expect(process.meanGapNs).toBe(500_000);
    const times = arrivalsUntil((t) => process.nextArrivalNs(t), 100 * NS_PER_S);
    const gaps = new Float64Array(times.length - 1);
    let backwards = 0;
    let fractional = 0;
    for (let i = 1; i < times.length; i++) {
      gaps[i - 1] = times[i]! - times[i - 1]!;
      if (gaps[i - 1]! < 0) backwards++;
      if (!Number.isInteger(times[i])) fractional++;
    }
    expect(backwards).toBe(0);
    expect(fractional).toBe(0);
    // 200,000 expected in 100 s; Poisson count, sd sqrt(200,000).
    expect(Math.abs(times.length - 200_000)).toBeLessThan(SIGMAS * Math.sqrt(200_000));
    const m = moments(gaps);
    expectMeanNear(m, 500_000, 500_000 ** 2);
    expectVarianceNear(m, 500_000 ** 2);
  });

  it('scheduleNext fires the event at the times nextArrivalNs gives, from the same draws', () => {
    const expected = new ConstantRatePoissonProcess(streamFor('poisson-next'), 50);
    const times: number[] = [];
    for (let t = 0, i = 0; i < 1000; i++) times.push((t = expected.nextArrivalNs(t)));
    const sim = new Simulator();
    const process = new ConstantRatePoissonProcess(streamFor('poisson-next'), 50);
    const fired: Array<[number, number]> = [];
    const kind = sim.register('arrival', (arg) => {
      fired.push([sim.nowNs, arg]);
      if (fired.length < 1000) process.scheduleNext(sim, kind, arg + 1);
    });
    process.scheduleNext(sim, kind, 7);
    sim.run();
    expect(fired.map(([t]) => t)).toEqual(times);
    expect(fired.map(([, arg]) => arg)).toEqual(times.map((_, i) => 7 + i));
  });

  it('nextPoissonArrivalNs gives the same law as the class', () => {
    const rng = streamFor('poisson-fn');
    const gaps = new Float64Array(100_000);
    let t = 1_000;
    for (let i = 0; i < gaps.length; i++) {
      const next = nextPoissonArrivalNs(rng, t, 10_000);
      gaps[i] = next - t;
      t = next;
    }
    const m = moments(gaps);
    expectMeanNear(m, 100_000, 100_000 ** 2);
    expect(() => nextPoissonArrivalNs(rng, 0, 0)).toThrow(RangeError);
    expect(() => new ConstantRatePoissonProcess(rng, Infinity)).toThrow(RangeError);
  });
});

describe('thinned Poisson with a sinusoidal rate', () => {
  const endS = 20;

  it('counts per 1 s bin match the integral of the rate (each bin and chi-square)', () => {
    const process = new ThinnedPoissonProcess(streamFor('poisson-sin'), rateCurve(sinusoidRate), BASE_PER_S * (1 + DEPTH));
    const endNs = endS * NS_PER_S;
    const times = arrivalsUntil((t) => process.nextArrivalNs(t, endNs), endNs);
    const observed = new Float64Array(endS);
    for (const t of times) observed[Math.min(endS - 1, Math.floor(t / NS_PER_S))]!++;
    const expected = new Float64Array(endS);
    for (let b = 0; b < endS; b++) {
      expected[b] = sinusoidIntegral(b + 1) - sinusoidIntegral(b);
      expect(Math.abs(observed[b]! - expected[b]!)).toBeLessThan(SIGMAS * Math.sqrt(expected[b]!));
    }
    expect(chiSquare(observed, expected)).toBeLessThan(chiSquareLimit(endS));
    // Two full periods: the expected total is exactly base * 20 s.
    expect(Math.abs(times.length - 20_000)).toBeLessThan(SIGMAS * Math.sqrt(20_000));
    // Thinning efficiency: candidates come at the bound rate.
    expect(Math.abs(process.candidates - 1800 * endS)).toBeLessThan(SIGMAS * Math.sqrt(1800 * endS));
    expect(process.arrivals).toBe(times.length);
  });

  it('the count over a part period [0, 2.5 s] matches its integral', () => {
    const endNs = 2.5 * NS_PER_S;
    const expectedCount = sinusoidIntegral(2.5); // 2500 + 8000 / (2 pi) = 3773.2
    let total = 0;
    const runs = 20;
    for (let run = 0; run < runs; run++) {
      const process = new ThinnedPoissonProcess(new RandomStreams(run).stream('part'), rateCurve(sinusoidRate), 1800);
      total += arrivalsUntil((t) => process.nextArrivalNs(t, endNs), endNs).length;
    }
    expect(Math.abs(total - runs * expectedCount)).toBeLessThan(SIGMAS * Math.sqrt(runs * expectedCount));
  });

  it('time-rescaled gaps are exponential with mean 1 (time-rescaling theorem)', () => {
    const process = new ThinnedPoissonProcess(streamFor('poisson-rescale'), rateCurve(sinusoidRate), 1800);
    const times = arrivalsUntil((t) => process.nextArrivalNs(t), endS * NS_PER_S);
    const rescaled = new Float64Array(times.length - 1);
    for (let i = 1; i < times.length; i++) {
      rescaled[i - 1] = sinusoidIntegral(times[i]! / NS_PER_S) - sinusoidIntegral(times[i - 1]! / NS_PER_S);
    }
    const m = moments(rescaled);
    expectMeanNear(m, 1, 1);
    expectVarianceNear(m, 1);
  });

  it('is reproducible from its seed', () => {
    const run = (): number[] => {
      const process = new ThinnedPoissonProcess(new RandomStreams(5).stream('arrivals'), rateCurve(sinusoidRate), 1800);
      return arrivalsUntil((t) => process.nextArrivalNs(t), NS_PER_S);
    };
    expect(run()).toEqual(run());
  });

  it('returns Infinity past the horizon when the rate is zero', () => {
    const silent = new ThinnedPoissonProcess(streamFor('silent'), rateCurve(() => 0), 1000);
    expect(silent.nextArrivalNs(0, 10 * NS_PER_S)).toBe(Infinity);
    expect(silent.candidates).toBeGreaterThan(9000);
  });

  it('refuses a curve that leaves [0, bound]', () => {
    const over = new ThinnedPoissonProcess(streamFor('over'), rateCurve(() => 2000), 1000);
    expect(() => over.nextArrivalNs(0)).toThrow(/outside \[0, 1000\/s\]/);
    const negative = new ThinnedPoissonProcess(streamFor('negative'), rateCurve(() => -1), 1000);
    expect(() => negative.nextArrivalNs(0)).toThrow(RangeError);
    expect(() => new ThinnedPoissonProcess(streamFor('x'), rateCurve(() => 1), 0)).toThrow(RangeError);
  });
});
