/** The placement permutation: a bijection on [0, n), inverted exactly, spreading users evenly. */
import { describe, expect, it } from 'vitest';
import { expectBijection } from './bijection.js';
import { AffinePermutation } from '../../src/model/permutation.js';

describe('AffinePermutation', () => {
  it.each([1, 2, 3, 1000, 4096, 65_537, 200_000])('is a bijection on [0, %i) and inverse undoes it', (n) => {
    expectBijection(new AffinePermutation(n, 42), n);
  });

  it('spreads consecutive ids evenly over servers (mod 7), not in blocks', () => {
    const perm = new AffinePermutation(70_000, 7);
    const perServer = new Array<number>(7).fill(0);
    for (let x = 0; x < 70_000; x++) perServer[perm.forward(x) % 7]!++;
    for (const count of perServer) expect(count).toBe(10_000); // exact: a bijection, residues balanced
    const early = new Set<number>();
    for (let x = 0; x < 700; x++) early.add(perm.forward(x) % 7);
    expect(early.size).toBe(7);
  });

  it('depends on its key', () => {
    const one = new AffinePermutation(1_000_000, 1);
    const two = new AffinePermutation(1_000_000, 2);
    let same = 0;
    for (let x = 0; x < 1000; x++) if (one.forward(x) === two.forward(x)) same++;
    expect(same).toBeLessThan(5);
  });

  it('inverts exactly at the sizes of large regions and up to 2^36, without tables', () => {
    const wrong: string[] = [];
    for (const n of [850e6, 1100e6, 2 ** 32 - 1, 3e9, 5e9, 2 ** 36]) {
      const perm = new AffinePermutation(n, 2025);
      for (let i = 0; i < 20_000; i++) {
        // Spread over [0, n), and the ends, where a x + b is largest.
        const y = i < 10 ? n - 1 - i : Math.floor(((i * 0.6180339887498949) % 1) * n);
        const x = perm.inverse(y);
        if (!(x >= 0 && x < n && Number.isInteger(x)) || perm.forward(x) !== y || perm.inverse(perm.forward(y)) !== y) wrong.push(`n ${n}: y ${y}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('lists a server\'s users in placement order: forEachInverse(s, count) is inverse(s), inverse(s + count), ...', () => {
    for (const [n, count, slot] of [
      [100_003, 7, 3],
      [1100e6, 294, 17],
      [10, 20, 4],
      [10, 20, 15],
    ] as const) {
      const perm = new AffinePermutation(n, 99);
      const listed: number[] = [];
      perm.forEachInverse(slot, count, (x) => {
        if (listed.length < 5000) listed.push(x);
      });
      const expected: number[] = [];
      for (let y = slot; y < n && expected.length < 5000; y += count) expected.push(perm.inverse(y));
      expect(listed).toEqual(expected);
    }
  });

  it('refuses a size it cannot keep exact', () => {
    expect(() => new AffinePermutation(0, 1)).toThrow(/n must be/);
    expect(() => new AffinePermutation(2 ** 36 + 1, 1)).toThrow(/n must be/);
  });
});
