import { describe, expect, it } from 'vitest';
import { erlangB, erlangC } from '../../src/plan/index.js';

/**
 * Independent reference: the textbook sums evaluated in log space,
 *   B = (A^c / c!) / sum_{k=0..c} A^k / k!,
 *   C = (A^c / c! * c / (c - A)) / (sum_{k<c} A^k / k! + A^c / c! * c / (c - A)),
 * with log-sum-exp so c in the thousands does not overflow. Shares no code with the recurrence.
 */
function logTerms(offeredLoad: number, servers: number): number[] {
  const terms = [0];
  let logFactorial = 0;
  for (let k = 1; k <= servers; k += 1) {
    logFactorial += Math.log(k);
    terms.push(k * Math.log(offeredLoad) - logFactorial);
  }
  return terms;
}

function logSumExp(values: number[]): number {
  const max = Math.max(...values);
  return max + Math.log(values.reduce((sum, v) => sum + Math.exp(v - max), 0));
}

function erlangBReference(offeredLoad: number, servers: number): number {
  const terms = logTerms(offeredLoad, servers);
  return Math.exp(terms[servers]! - logSumExp(terms));
}

function erlangCReference(offeredLoad: number, servers: number): number {
  const terms = logTerms(offeredLoad, servers);
  const lastWeighted = terms[servers]! + Math.log(servers / (servers - offeredLoad));
  return Math.exp(lastWeighted - logSumExp([...terms.slice(0, servers), lastWeighted]));
}

describe('Erlang B', () => {
  it('matches the published table value B(10 Erlang, 10 servers) = 0.21458', () => {
    expect(erlangB(10, 10)).toBeCloseTo(0.21458, 5);
  });

  it('matches values worked by hand', () => {
    // B(A, 1) = A / (1 + A); B(2, 2) = 2 / (1 + 2 + 2) = 0.4; B(A, 0) = 1 (no servers: all lost).
    expect(erlangB(1, 1)).toBe(0.5);
    expect(erlangB(2, 2)).toBeCloseTo(0.4, 15);
    expect(erlangB(7, 0)).toBe(1);
    expect(erlangB(0, 3)).toBe(0);
  });

  it('agrees with the log-space sum across small and large systems', () => {
    for (const [load, servers] of [
      [0.5, 1],
      [3.5, 4],
      [10, 14],
      [95.3, 100],
      [800, 1000],
      [4900, 5000],
    ] as const) {
      expect(erlangB(load, servers)).toBeCloseTo(erlangBReference(load, servers), 12);
    }
  });

  it('treats bad arguments as programmer errors', () => {
    expect(() => erlangB(-1, 3)).toThrow(RangeError);
    expect(() => erlangB(1, 2.5)).toThrow(RangeError);
  });
});

describe('Erlang C', () => {
  it('matches the ErlangC R package: A = 10, c = 14 gives P(wait) 0.17413', () => {
    expect(erlangC(10, 14)).toBeCloseTo(0.17413, 5);
  });

  it('is 1 at and beyond saturation, and rho for one server', () => {
    expect(erlangC(4, 4)).toBe(1);
    expect(erlangC(5, 4)).toBe(1);
    expect(erlangC(0.8, 1)).toBeCloseTo(0.8, 15);
  });

  it('stays finite and exact for c = 5000 servers at 4900 Erlang', () => {
    const probabilityOfWait = erlangC(4900, 5000);
    expect(Number.isFinite(probabilityOfWait)).toBe(true);
    expect(probabilityOfWait).toBeGreaterThanOrEqual(0);
    expect(probabilityOfWait).toBeLessThanOrEqual(1);
    expect(probabilityOfWait).toBeCloseTo(erlangCReference(4900, 5000), 10);
    // Halfin-Whitt regime: beta = (c - A) / sqrt(A) = 100 / 70 ~ 1.43 gives P(wait) near 0.1.
    expect(probabilityOfWait).toBeGreaterThan(0.05);
    expect(probabilityOfWait).toBeLessThan(0.2);
  });

  it('handles ten thousand servers at a load a hair below capacity', () => {
    const probabilityOfWait = erlangC(9999.999, 10_000);
    expect(probabilityOfWait).toBeGreaterThan(0.99);
    expect(probabilityOfWait).toBeLessThanOrEqual(1);
  });
});
