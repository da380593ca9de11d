/** The placement permutation: a bijection on [0, n), inverted exactly, spreading like a hash. */
import { describe, expect, it } from 'vitest';
import { FeistelPermutation } from '../../src/model/permutation.js';

describe('FeistelPermutation', () => {
  it.each([1, 2, 3, 1000, 4096, 65_537])('is a bijection on [0, %i) and inverse undoes it', (n) => {
    const perm = new FeistelPermutation(n, 42);
    const seen = new Uint8Array(n);
    for (let x = 0; x < n; x++) {
      const y = perm.forward(x);
      expect(y >= 0 && y < n).toBe(true);
      seen[y]!++;
      expect(perm.inverse(y)).toBe(x);
    }
    expect(seen.every((count) => count === 1)).toBe(true);
  });

  it('spreads consecutive ids evenly over servers (mod 7), like a hash', () => {
    const perm = new FeistelPermutation(70_000, 7);
    const perServer = new Array<number>(7).fill(0);
    for (let x = 0; x < 70_000; x++) perServer[perm.forward(x) % 7]!++;
    for (const count of perServer) expect(count).toBe(10_000); // exact: a bijection, residues balanced
    // ...and not in blocks: the first 700 ids land on every server.
    const early = new Set<number>();
    for (let x = 0; x < 700; x++) early.add(perm.forward(x) % 7);
    expect(early.size).toBe(7);
  });

  it('works at billions without tables', () => {
    const perm = new FeistelPermutation(3e9, 1);
    for (const x of [0, 1, 123_456_789, 2_999_999_999]) {
      const y = perm.forward(x);
      expect(y).toBeLessThan(3e9);
      expect(perm.inverse(y)).toBe(x);
    }
  });

  it('inverts exactly at the sizes of large regions, where forward and inverse run in int32 (up to 2^32 - 1)', () => {
    for (const n of [850e6, 1100e6, 2 ** 32 - 1]) {
      const perm = new FeistelPermutation(n, 2025);
      for (let i = 0; i < 20_000; i++) {
        const y = Math.floor((i * 0.6180339887498949 % 1) * n);
        const x = perm.inverse(y);
        expect(x).toBeLessThan(n);
        expect(perm.forward(x)).toBe(y);
      }
    }
  });
});
