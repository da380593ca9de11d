import { describe, expect, it } from 'vitest';
import { departureScv, jackson, mmc, tandem, type NetworkMetrics, type NetworkResult } from '../../src/plan/index.js';

function steady(result: NetworkResult): NetworkMetrics {
  if (!result.stable) throw new Error(`expected a steady state, got: ${result.reason}`);
  return result;
}

describe('tandem line', () => {
  it('reproduces DESIGN.md section 7 reference-chat: 62.297 ms end to end', () => {
    // uplink, sender's M/M/8, the expected inter-server hop (15 of 16 recipients are remote),
    // recipient's M/M/8, downlink.
    const server = { kind: 'queue', servers: 8, serviceTimeSeconds: 200e-6 } as const;
    const line = steady(
      tandem({
        arrivalRatePerSecond: 25_000,
        stations: [
          { kind: 'delay', name: 'uplink', delaySeconds: 0.03 },
          { ...server, name: 'sender server' },
          { kind: 'delay', name: 'hop', delaySeconds: 0.002 * (15 / 16) },
          { ...server, name: 'recipient server' },
          { kind: 'delay', name: 'downlink', delaySeconds: 0.03 },
        ],
      }),
    );
    expect(line.exact).toBe(true);
    expect(line.responseSecondsMean * 1e3).toBeCloseTo(62.297, 3);
    expect(line.stations[1]!.utilisation).toBeCloseTo(0.625, 12);
    expect(line.stations.map((s) => s.name)).toEqual(['uplink', 'sender server', 'hop', 'recipient server', 'downlink']);
  });

  it('propagates departure variability (QNA) into the next station', () => {
    // Station 1: M/D/1 at rho 0.5, Wq = 0.5 x 1 x (1 + 0) / (2 x 0.5) = 0.5 s, W = 1.5 s.
    // Its departures: cd^2 = 1 + (1 - 0.25)(1 - 1) + 0.25 (0 - 1) / 1 = 0.75.
    // Station 2: exponential, ca^2 = 0.75: Wq = Wq(M/M/1) (0.75 + 1) / 2 = 1 x 0.875, W = 1.875 s.
    expect(departureScv(1, 0, 0.5, 1)).toBeCloseTo(0.75, 15);
    const line = steady(
      tandem({
        arrivalRatePerSecond: 0.5,
        stations: [
          { kind: 'queue', servers: 1, serviceTimeSeconds: 1, serviceScv: 0 },
          { kind: 'queue', servers: 1, serviceTimeSeconds: 1 },
        ],
      }),
    );
    expect(line.exact).toBe(false);
    expect(line.stations[0]!.responseSecondsMean).toBeCloseTo(1.5, 12);
    expect(line.stations[1]!.responseSecondsMean).toBeCloseTo(1.875, 12);
    expect(line.responseSecondsMean).toBeCloseTo(3.375, 12);
    expect(line.inSystemMean).toBeCloseTo(0.5 * 3.375, 12);
  });

  it('names the saturated station', () => {
    const result = tandem({
      arrivalRatePerSecond: 2,
      stations: [
        { kind: 'queue', name: 'fast', servers: 1, serviceTimeSeconds: 0.1 },
        { kind: 'queue', name: 'slow', servers: 1, serviceTimeSeconds: 0.6 },
      ],
    });
    if (result.stable) throw new Error('expected saturation');
    expect(result.problem).toBe('saturated');
    expect(result.reason).toMatch(/^slow: utilisation 1\.2 >= 1/);
    expect(result.utilisation).toBeCloseTo(1.2, 12);
  });
});

describe('open Jackson network', () => {
  it('solves a single M/M/1 with feedback: T = S / (1 - rho) / (1 - p)', () => {
    // gamma = 1/s, feedback p = 0.5 so lambda = 2/s; S = 0.25 s so rho = 0.5;
    // each visit takes 0.5 s and a job makes 2 visits on average: T = 1 s, L = 1.
    const net = steady(jackson({ externalArrivalRatesPerSecond: [1], routing: [[0.5]], stations: [{ kind: 'queue', servers: 1, serviceTimeSeconds: 0.25 }] }));
    expect(net.stations[0]!.arrivalRatePerSecond).toBeCloseTo(2, 12);
    expect(net.responseSecondsMean).toBeCloseTo(1, 12);
    expect(net.inSystemMean).toBeCloseTo(1, 12);
  });

  it('solves a three-station network worked by hand', () => {
    // Station 0 (M/M/1, S = 0.5 s) sends 60% to 1 and 40% to 2; station 1 (M/M/2, S = 1 s) sends
    // half its jobs back to 0; station 2 is a 2 s delay; gamma = [1, 0, 0] per second.
    // Traffic: l0 = 1 + 0.5 l1, l1 = 0.6 l0, l2 = 0.4 l0  =>  l0 = 10/7, l1 = 6/7, l2 = 4/7.
    // L0 = rho/(1-rho) with rho = 5/7: 2.5.  L1 (M/M/2, rho = 3/7) = 2 rho / (1 - rho^2) = 1.05.
    // L2 = l2 x 2 = 8/7.  T = (2.5 + 1.05 + 8/7) / 1 = 4.692857...
    const net = steady(
      jackson({
        externalArrivalRatesPerSecond: [1, 0, 0],
        routing: [
          [0, 0.6, 0.4],
          [0.5, 0, 0],
          [0, 0, 0],
        ],
        stations: [
          { kind: 'queue', servers: 1, serviceTimeSeconds: 0.5 },
          { kind: 'queue', servers: 2, serviceTimeSeconds: 1 },
          { kind: 'delay', delaySeconds: 2 },
        ],
      }),
    );
    expect(net.stations.map((s) => s.arrivalRatePerSecond)).toEqual([10 / 7, 6 / 7, 4 / 7].map((v) => expect.closeTo(v, 12)));
    expect(net.stations[0]!.inSystemMean).toBeCloseTo(2.5, 12);
    expect(net.stations[1]!.inSystemMean).toBeCloseTo(1.05, 12);
    expect(net.stations[2]!.inSystemMean).toBeCloseTo(8 / 7, 12);
    expect(net.responseSecondsMean).toBeCloseTo(2.5 + 1.05 + 8 / 7, 12);
    expect(net.exact).toBe(true);
  });

  it('equals the tandem line when routing is a chain', () => {
    const stations = [
      { kind: 'queue', servers: 3, serviceTimeSeconds: 0.4 },
      { kind: 'queue', servers: 1, serviceTimeSeconds: 0.1 },
    ] as const;
    const chain = steady(jackson({ externalArrivalRatesPerSecond: [5, 0], routing: [[0, 1], [0, 0]], stations: [...stations] }));
    const line = steady(tandem({ arrivalRatePerSecond: 5, stations: [...stations] }));
    const first = mmc({ arrivalRatePerSecond: 5, serviceTimeSeconds: 0.4, servers: 3 });
    if (!first.stable) throw new Error(first.reason);
    expect(chain.responseSecondsMean).toBeCloseTo(line.responseSecondsMean, 12);
    expect(chain.stations[0]!.responseSecondsMean).toBeCloseTo(first.responseSecondsMean, 12);
  });

  it('reports bad routing, traps and saturation as data; shape mismatches throw', () => {
    const station = { kind: 'queue', servers: 1, serviceTimeSeconds: 0.1 } as const;
    expect(jackson({ externalArrivalRatesPerSecond: [1, 0], routing: [[0, 0.7], [0.6, 0.5]], stations: [station, station] })).toMatchObject({
      stable: false,
      problem: 'invalid',
      reason: expect.stringContaining('row 1 sums to 1.1'),
    });
    expect(jackson({ externalArrivalRatesPerSecond: [1, 0], routing: [[0, 1], [1, 0]], stations: [station, station] })).toMatchObject({
      stable: false,
      problem: 'invalid',
      reason: expect.stringContaining('traps jobs'),
    });
    // Feedback 0.95 makes lambda = 20/s at a station that serves 10/s.
    expect(jackson({ externalArrivalRatesPerSecond: [1], routing: [[0.95]], stations: [station] })).toMatchObject({
      stable: false,
      problem: 'saturated',
      utilisation: expect.closeTo(2, 9),
    });
    expect(() => jackson({ externalArrivalRatesPerSecond: [1], routing: [[0, 0]], stations: [station] })).toThrow(RangeError);
  });
});
