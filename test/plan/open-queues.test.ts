import { describe, expect, it } from 'vitest';
import {
  allenCunneen,
  md1,
  mg1,
  mm1,
  mmc,
  mmcServiceLevel,
  mmcWaitSecondsQuantile,
  type QueueMetrics,
  type QueueResult,
} from '../../src/plan/index.js';

function steady(result: QueueResult): QueueMetrics {
  if (!result.stable) throw new Error(`expected a steady state, got: ${result.reason}`);
  return result;
}

const MINUTE_SECONDS = 60;

describe('M/M/c (Erlang C)', () => {
  it('reproduces PDQ M/M/4: arrivals 0.35/min, service 10 min', () => {
    const q = steady(mmc({ arrivalRatePerSecond: 0.35 / MINUTE_SECONDS, serviceTimeSeconds: 10 * MINUTE_SECONDS, servers: 4 }));
    expect(q.utilisation).toBeCloseTo(0.875, 12);
    expect(q.waitSecondsMean / MINUTE_SECONDS).toBeCloseTo(14.7572, 4);
    expect(q.responseSecondsMean / MINUTE_SECONDS).toBeCloseTo(24.7572, 4);
    expect(q.inSystemMean).toBeCloseTo(8.665, 3);
    expect(q.queueLengthMean).toBeCloseTo(5.165, 3);
  });

  it('reproduces the ErlangC R package: A = 10 Erlang, c = 14, AHT 180 s, target 20 s', () => {
    const q = steady(mmc({ arrivalRatePerSecond: 10 / 180, serviceTimeSeconds: 180, servers: 14 }));
    expect(q.probabilityOfWait).toBeCloseTo(0.17413, 5);
    expect(mmcServiceLevel(q, 20)).toBeCloseTo(0.88835, 5);
    expect(q.waitSecondsMean).toBeCloseTo(7.836, 3);
    expect(q.utilisation).toBeCloseTo(0.714, 3);
  });

  it('checks DESIGN.md section 7: 60 ms + 2 W(M/M/8) + 2 ms x 15/16 = 62.297 ms', () => {
    const q = steady(mmc({ arrivalRatePerSecond: 25_000, serviceTimeSeconds: 200e-6, servers: 8 }));
    expect(q.utilisation).toBeCloseTo(0.625, 12);
    const endToEndMs = 60 + 2 * q.responseSecondsMean * 1e3 + 2 * (15 / 16);
    expect(endToEndMs).toBeCloseTo(62.297, 3);
  });

  it('equals the M/M/1 closed form with one server', () => {
    const general = steady(mmc({ arrivalRatePerSecond: 0.9, serviceTimeSeconds: 1, servers: 1 }));
    const closed = steady(mm1({ arrivalRatePerSecond: 0.9, serviceTimeSeconds: 1 }));
    // reference-mm1 (DESIGN.md section 7): mean time in system 10 s.
    expect(closed.responseSecondsMean).toBeCloseTo(10, 12);
    for (const key of ['probabilityOfWait', 'waitSecondsMean', 'responseSecondsMean', 'queueLengthMean', 'inSystemMean'] as const) {
      expect(general[key]).toBeCloseTo(closed[key], 12);
    }
  });

  it('gives service level 1 - Pw exp(-(c - A) t / S) and its inverse as the wait quantile', () => {
    const q = steady(mmc({ arrivalRatePerSecond: 3, serviceTimeSeconds: 1, servers: 4 }));
    const level = mmcServiceLevel(q, 0.5);
    expect(level).toBeCloseTo(1 - q.probabilityOfWait * Math.exp(-(4 - 3) * 0.5), 14);
    expect(mmcServiceLevel(q, 0)).toBeCloseTo(1 - q.probabilityOfWait, 14);
    expect(mmcWaitSecondsQuantile(q, level)).toBeCloseTo(0.5, 12);
    // Fewer than 1 - Pw of arrivals wait, so the median wait is 0.
    expect(mmcWaitSecondsQuantile(q, 0.2)).toBe(0);
  });

  it('reports saturation and bad arguments as data, not exceptions', () => {
    const full = mmc({ arrivalRatePerSecond: 4, serviceTimeSeconds: 1, servers: 4 });
    expect(full).toMatchObject({ stable: false, problem: 'saturated', utilisation: 1 });
    const over = mmc({ arrivalRatePerSecond: 10, serviceTimeSeconds: 1, servers: 4 });
    expect(over).toMatchObject({ stable: false, problem: 'saturated', utilisation: 2.5 });
    expect(mmc({ arrivalRatePerSecond: 1, serviceTimeSeconds: 1, servers: 0 })).toMatchObject({ stable: false, problem: 'invalid' });
    expect(mmc({ arrivalRatePerSecond: 1, serviceTimeSeconds: 1, servers: 2.5 })).toMatchObject({ stable: false, problem: 'invalid' });
    expect(mmc({ arrivalRatePerSecond: -1, serviceTimeSeconds: 1, servers: 2 })).toMatchObject({ stable: false, problem: 'invalid' });
    expect(mmc({ arrivalRatePerSecond: 1, serviceTimeSeconds: Number.NaN, servers: 2 })).toMatchObject({ stable: false, problem: 'invalid' });
  });

  it('handles 5000 servers at 4900 Erlang with finite figures', () => {
    const q = steady(mmc({ arrivalRatePerSecond: 4900, serviceTimeSeconds: 1, servers: 5000 }));
    expect(q.utilisation).toBeCloseTo(0.98, 12);
    // Wq = Pw S / (c - A): with Pw in (0, 1), Wq is below S / 100 = 10 ms.
    expect(q.waitSecondsMean).toBeGreaterThan(0);
    expect(q.waitSecondsMean).toBeLessThan(0.01);
    expect(q.inSystemMean).toBeCloseTo(4900 + q.queueLengthMean, 6);
  });
});

describe('single-server closed forms and Pollaczek-Khinchine', () => {
  it('M/D/1 at rho 0.8, S = 1 waits 2 (M/M/1 waits 4)', () => {
    const deterministic = steady(md1({ arrivalRatePerSecond: 0.8, serviceTimeSeconds: 1 }));
    const markovian = steady(mm1({ arrivalRatePerSecond: 0.8, serviceTimeSeconds: 1 }));
    expect(deterministic.waitSecondsMean).toBeCloseTo(2, 12);
    expect(markovian.waitSecondsMean).toBeCloseTo(4, 12);
    expect(deterministic.queueLengthMean).toBeCloseTo(1.6, 12);
    expect(markovian.inSystemMean).toBeCloseTo(4, 12);
  });

  it('P-K reduces to M/D/1 at cs^2 = 0 and M/M/1 at cs^2 = 1', () => {
    const input = { arrivalRatePerSecond: 0.8, serviceTimeSeconds: 1 };
    expect(steady(mg1({ ...input, serviceScv: 0 })).waitSecondsMean).toBeCloseTo(steady(md1(input)).waitSecondsMean, 12);
    expect(steady(mg1({ ...input, serviceScv: 1 })).waitSecondsMean).toBeCloseTo(steady(mm1(input)).waitSecondsMean, 12);
  });

  it('P-K from a variance: lognormal-like service with mean 2 s, variance 12 s^2', () => {
    // cs^2 = 12 / 4 = 3; rho = 0.25 x 2 = 0.5; Wq = 0.5 x 2 x (1 + 3) / (2 x 0.5) = 4 s.
    const q = steady(mg1({ arrivalRatePerSecond: 0.25, serviceTimeSeconds: 2, serviceVarianceSeconds2: 12 }));
    expect(q.waitSecondsMean).toBeCloseTo(4, 12);
    expect(q.responseSecondsMean).toBeCloseTo(6, 12);
    expect(q.inSystemMean).toBeCloseTo(1.5, 12);
  });

  it('reports rho >= 1 as saturated', () => {
    expect(md1({ arrivalRatePerSecond: 1, serviceTimeSeconds: 1 })).toMatchObject({ stable: false, problem: 'saturated' });
    expect(mg1({ arrivalRatePerSecond: 2, serviceTimeSeconds: 1, serviceScv: 0.5 })).toMatchObject({ stable: false, utilisation: 2 });
    expect(mg1({ arrivalRatePerSecond: 0.5, serviceTimeSeconds: 1, serviceScv: -1 })).toMatchObject({ stable: false, problem: 'invalid' });
  });
});

describe('Allen-Cunneen', () => {
  it('is exactly M/M/c when ca^2 = cs^2 = 1, and exactly P-K for one server', () => {
    const input = { arrivalRatePerSecond: 0.35 / 60, serviceTimeSeconds: 600, servers: 4 };
    expect(steady(allenCunneen({ ...input, serviceScv: 1 })).waitSecondsMean).toBeCloseTo(steady(mmc(input)).waitSecondsMean, 9);
    const single = { arrivalRatePerSecond: 0.7, serviceTimeSeconds: 1 };
    expect(steady(allenCunneen({ ...single, servers: 1, serviceScv: 0.3 })).waitSecondsMean).toBeCloseTo(
      steady(mg1({ ...single, serviceScv: 0.3 })).waitSecondsMean,
      12,
    );
  });

  it('scales the M/M/c wait by (ca^2 + cs^2) / 2 and labels the model', () => {
    const input = { arrivalRatePerSecond: 10 / 180, serviceTimeSeconds: 180, servers: 14 };
    const deterministic = steady(allenCunneen({ ...input, serviceScv: 0 }));
    expect(deterministic.model).toBe('M/G/c (Allen-Cunneen)');
    // 7.836 s x (1 + 0) / 2.
    expect(deterministic.waitSecondsMean).toBeCloseTo(3.918, 3);
    expect(deterministic.responseSecondsMean).toBeCloseTo(183.918, 3);
    const bursty = steady(allenCunneen({ ...input, serviceScv: 1, arrivalScv: 4 }));
    expect(bursty.model).toBe('G/G/c (Allen-Cunneen)');
    expect(bursty.waitSecondsMean).toBeCloseTo(7.836 * 2.5, 2);
  });
});
