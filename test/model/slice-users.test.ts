/** Drawing a slice's users by the Zipf weight of their rank, and the rates of the direct streams. */
import { describe, expect, it } from 'vitest';
import { FeistelPermutation } from '../../src/model/feistel-permutation.js';
import { rankWeight32, SliceUserSampler } from '../../src/model/slice-users.js';
import { RandomStreams } from '../../src/sim/random.js';

/** Users 0..n-1 of a population of `population`, every third one (a slice's users are scattered). */
function sliceOf(count: number): Float64Array {
  return Float64Array.from({ length: count }, (_, i) => 3 * i + 1);
}

describe('SliceUserSampler', () => {
  it.each([0.5, 1, 2.5])('draws users in proportion to rank^-%s, the weight summed exactly', (skew) => {
    const population = 3000;
    const ranks = new FeistelPermutation(population, 17);
    const users = sliceOf(1000);
    const sampler = new SliceUserSampler(users, 0, users.length, { ranks, firstUserId: 0, skew });
    const weightOf = (user: number) => Math.pow(ranks.inverse(user) + 1, -skew);
    const total = users.reduce((sum, user) => sum + weightOf(user), 0);
    // Weights are kept as float32: the total within a few parts in 10^8.
    expect(Math.abs(sampler.weight - total) / total).toBeLessThan(1e-7);
    expect(sampler.count).toBe(1000);
    // Chi-square over the 20 heaviest users and the rest pooled in 10 groups by weight.
    const draws = 200_000;
    const rng = new RandomStreams(5).stream('sampler');
    const counts = new Map<number, number>();
    for (let i = 0; i < draws; i++) {
      const user = sampler.sample(rng);
      counts.set(user, (counts.get(user) ?? 0) + 1);
    }
    for (const user of counts.keys()) expect(users.includes(user)).toBe(true);
    const byWeight = [...users].sort((a, b) => weightOf(b) - weightOf(a));
    const cells: number[][] = [...byWeight.slice(0, 20).map((u) => [u])];
    const rest = byWeight.slice(20);
    for (let g = 0; g < 10; g++) cells.push(rest.slice((g * rest.length) / 10, ((g + 1) * rest.length) / 10));
    let chi2 = 0;
    for (const cell of cells) {
      const expected = (draws * cell.reduce((s, u) => s + weightOf(u), 0)) / total;
      const observed = cell.reduce((s, u) => s + (counts.get(u) ?? 0), 0);
      chi2 += (observed - expected) ** 2 / expected;
    }
    // 29 degrees of freedom: the 99.9% point is 58.3.
    expect(chi2).toBeLessThan(58.3);
  });

  it.each([0.5, 1, 0.7])('weighs a rank as fround(exp(-s ln rank)) does, to the bit, at skew %s', (skew) => {
    // The ranks nearest a float32 rounding boundary, where 1 / sqrt(rank) or 1 / rank falls back
    // to the exp (found by search: 1,943,110 and 2,259,982 at 1/2, 2,294,945 and 2,796,203 at 1),
    // their neighbours, small ranks, and ranks spread up to 2^36.
    const ranks = [1, 2, 3, 4, 1_943_110, 2_259_982, 2_294_945, 2_796_203, 4_533_827, 4_589_890];
    for (const r of [...ranks]) ranks.push(r + 1, Math.max(1, r - 1));
    for (let i = 0; i < 200_000; i++) ranks.push(1 + Math.floor(((i * 0.6180339887498949) % 1) * 2 ** (6 + (i % 31))));
    const wrong = ranks.filter((r) => rankWeight32(r, skew) !== Math.fround(Math.exp(-skew * Math.log(r))));
    expect(wrong).toEqual([]);
  });

  it.each([0.5, 1, 0.7])('sums the same float32 weights, bucket by bucket, as fround(exp(-s ln rank)) gives at skew %s', (skew) => {
    // At skews 1/2 and 1 the sampler takes the closed form (1 / sqrt(rank), 1 / rank) where it
    // rounds to the same float32 as the exp would: its total must be the one the exp gives, to the bit.
    const n = 3e9;
    const ranks = new FeistelPermutation(n, 2025);
    const users = Float64Array.from({ length: 300_000 }, (_, i) => Math.floor(i * 9_973.3));
    const sampler = new SliceUserSampler(users, 0, users.length, { ranks, firstUserId: 0, skew });
    const buckets = new Float64Array(80);
    for (const user of users) {
      const w = Math.fround(Math.exp(-skew * Math.log(ranks.inverse(user) + 1)));
      let b = 0;
      while (w <= 2 ** -(b + 1)) b++;
      buckets[b] += w;
    }
    const total = buckets.reduce((sum, w) => sum + w, 0);
    expect(sampler.weight).toBe(total);
  });

  it('draws uniformly without a table when the run has no ranks, and only from its own range', () => {
    const users = sliceOf(100);
    const sampler = new SliceUserSampler(users, 10, 30, null);
    expect([sampler.count, sampler.weight]).toEqual([20, 20]);
    const rng = new RandomStreams(1).stream('uniform');
    const counts = new Map<number, number>();
    for (let i = 0; i < 40_000; i++) {
      const user = sampler.sample(rng);
      counts.set(user, (counts.get(user) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual(Array.from(users.slice(10, 30)));
    // Binomial(40000, 1/20): mean 2000, sd 44.
    for (const count of counts.values()) expect(Math.abs(count - 2000)).toBeLessThan(220);
  });

  it('gives -1 from an empty run', () => {
    const sampler = new SliceUserSampler(new Float64Array(0), 0, 0, { ranks: new FeistelPermutation(10, 1), firstUserId: 0, skew: 1 });
    expect(sampler.sample(new RandomStreams(1).stream('x'))).toBe(-1);
    expect(sampler.weight).toBe(0);
  });
});
