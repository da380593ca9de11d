import { describe, expect, it } from 'vitest';
import { mva, type MvaResult } from '../../src/plan/index.js';

function solved(result: ReturnType<typeof mva>): MvaResult {
  if (!result.stable) throw new Error(result.reason);
  return result;
}

/**
 * Brute-force check: the continuous-time Markov chain of a closed cyclic network
 * terminals (think Z, infinite server) -> CPU (FCFS, exp mean D1) -> disk (FCFS, exp mean D2) -> terminals.
 * State (a, b): a customers at the CPU, b at the disk, N - a - b thinking. The stationary
 * distribution is found by power iteration on the uniformised chain, which shares nothing with MVA.
 */
function ctmcCyclic(customers: number, thinkSeconds: number, cpuSeconds: number, diskSeconds: number) {
  const states: [number, number][] = [];
  const index = new Map<string, number>();
  for (let a = 0; a <= customers; a += 1) {
    for (let b = 0; a + b <= customers; b += 1) {
      index.set(`${a},${b}`, states.length);
      states.push([a, b]);
    }
  }
  const transitions: { from: number; to: number; rate: number }[] = [];
  for (const [i, [a, b]] of states.entries()) {
    const thinking = customers - a - b;
    if (thinking > 0) transitions.push({ from: i, to: index.get(`${a + 1},${b}`)!, rate: thinking / thinkSeconds });
    if (a > 0) transitions.push({ from: i, to: index.get(`${a - 1},${b + 1}`)!, rate: 1 / cpuSeconds });
    if (b > 0) transitions.push({ from: i, to: index.get(`${a},${b - 1}`)!, rate: 1 / diskSeconds });
  }
  const outRate = new Float64Array(states.length);
  for (const t of transitions) outRate[t.from]! += t.rate;
  const uniformRate = Math.max(...outRate) * 1.05;
  let pi = new Float64Array(states.length).fill(1 / states.length);
  for (let iteration = 0; iteration < 200_000; iteration += 1) {
    const next = new Float64Array(states.length);
    for (let i = 0; i < states.length; i += 1) next[i] = pi[i]! * (1 - outRate[i]! / uniformRate);
    for (const t of transitions) next[t.to]! += (pi[t.from]! * t.rate) / uniformRate;
    let change = 0;
    for (let i = 0; i < states.length; i += 1) change += Math.abs(next[i]! - pi[i]!);
    pi = next;
    if (change < 1e-15) break;
  }
  let diskBusy = 0;
  let cpuQueue = 0;
  let diskQueue = 0;
  for (const [i, [a, b]] of states.entries()) {
    if (b > 0) diskBusy += pi[i]!;
    cpuQueue += a * pi[i]!;
    diskQueue += b * pi[i]!;
  }
  return { throughputPerSecond: diskBusy / diskSeconds, cpuQueue, diskQueue };
}

describe('exact MVA', () => {
  it('matches a two-queue closed network worked by hand', () => {
    // D1 = 1 s, D2 = 2 s, no think time. N = 1: X = 1 / 3, Q1 = 1/3, Q2 = 2/3.
    // N = 2: R1 = 1 (1 + 1/3) = 4/3, R2 = 2 (1 + 2/3) = 10/3, X = 2 / (14/3) = 3/7.
    // Cross-check by product form: G(N) = sum over n1 + n2 = N of D1^n1 D2^n2, G(1) = 3, G(2) = 7,
    // X(2) = G(1) / G(2) = 3/7.
    const result = solved(
      mva({
        customers: 2,
        stations: [
          { kind: 'queue', demandSeconds: 1 },
          { kind: 'queue', demandSeconds: 2 },
        ],
      }),
    );
    expect(result.throughputPerSecondByCustomers[1]).toBeCloseTo(1 / 3, 14);
    expect(result.throughputPerSecond).toBeCloseTo(3 / 7, 14);
    expect(result.responseSecondsMean).toBeCloseTo(14 / 3, 14);
    expect(result.stations[0]!.residenceSeconds).toBeCloseTo(4 / 3, 14);
    expect(result.stations[1]!.queueLengthMean).toBeCloseTo((3 / 7) * (10 / 3), 14);
    expect(result.stations[1]!.utilisation).toBeCloseTo(6 / 7, 14);
  });

  it('agrees with a brute-force CTMC of terminals, CPU and disk for N = 1..6', () => {
    const thinkSeconds = 4;
    const cpuSeconds = 0.5;
    const diskSeconds = 0.8;
    const result = solved(
      mva({
        customers: 6,
        thinkTimeSeconds: thinkSeconds,
        stations: [
          { name: 'cpu', kind: 'queue', demandSeconds: cpuSeconds },
          { name: 'disk', kind: 'queue', demandSeconds: diskSeconds },
        ],
      }),
    );
    for (let n = 1; n <= 6; n += 1) {
      const chain = ctmcCyclic(n, thinkSeconds, cpuSeconds, diskSeconds);
      expect(result.throughputPerSecondByCustomers[n]).toBeCloseTo(chain.throughputPerSecond, 9);
      // Response time law: R(n) = n / X(n) - Z.
      expect(result.responseSecondsByCustomers[n]).toBeCloseTo(n / chain.throughputPerSecond - thinkSeconds, 8);
    }
    const chain = ctmcCyclic(6, thinkSeconds, cpuSeconds, diskSeconds);
    expect(result.stations[0]!.queueLengthMean).toBeCloseTo(chain.cpuQueue, 9);
    expect(result.stations[1]!.queueLengthMean).toBeCloseTo(chain.diskQueue, 9);
  });

  it('treats a delay station like think time and approaches the bottleneck bound', () => {
    const withDelay = solved(
      mva({
        customers: 50,
        stations: [
          { kind: 'delay', demandSeconds: 4 },
          { kind: 'queue', demandSeconds: 0.5 },
          { kind: 'queue', demandSeconds: 0.8 },
        ],
      }),
    );
    const withThink = solved(
      mva({ customers: 50, thinkTimeSeconds: 4, stations: [{ kind: 'queue', demandSeconds: 0.5 }, { kind: 'queue', demandSeconds: 0.8 }] }),
    );
    expect(withDelay.throughputPerSecond).toBeCloseTo(withThink.throughputPerSecond, 12);
    // Asymptotic bound X <= 1 / Dmax = 1.25/s; at N = 50 the disk is saturated.
    expect(withThink.throughputPerSecond).toBeLessThanOrEqual(1.25);
    expect(withThink.throughputPerSecond).toBeCloseTo(1.25, 6);
  });

  it('reports bad arguments as data', () => {
    expect(mva({ customers: 2.5, stations: [{ kind: 'queue', demandSeconds: 1 }] })).toMatchObject({ stable: false, problem: 'invalid' });
    expect(mva({ customers: 3, stations: [{ kind: 'queue', demandSeconds: -1 }] })).toMatchObject({ stable: false, problem: 'invalid' });
    expect(mva({ customers: 3, stations: [] })).toMatchObject({ stable: false, problem: 'invalid' });
    expect(mva({ customers: 1e9, stations: [{ kind: 'queue', demandSeconds: 1 }] })).toMatchObject({ stable: false, problem: 'invalid' });
  });
});
