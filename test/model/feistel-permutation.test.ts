/** The rank permutation: a bijection on [0, n), inverted exactly, with no arithmetic regularity. */
import { describe, expect, it } from 'vitest';
import { expectBijection } from './bijection.js';
import { FeistelPermutation } from '../../src/model/feistel-permutation.js';

describe('FeistelPermutation', () => {
  it.each([1, 2, 3, 5, 1000, 4096, 65_537, 200_000])('is a bijection on [0, %i) and inverse undoes it', (n) => {
    expectBijection(new FeistelPermutation(n, 42), n);
  });

  it('inverts exactly at the sizes of large populations and up to 2^36', () => {
    const wrong: string[] = [];
    for (const n of [465e6, 3e9, 2 ** 32 + 1, 5e9, 2 ** 36]) {
      const perm = new FeistelPermutation(n, 2025);
      for (let i = 0; i < 20_000; i++) {
        const y = i < 10 ? n - 1 - i : Math.floor(((i * 0.6180339887498949) % 1) * n);
        const x = perm.inverse(y);
        if (!(x >= 0 && x < n && Number.isInteger(x)) || perm.forward(x) !== y) wrong.push(`n ${n}: y ${y}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('inverseOfEach gives what inverse gives, value by value, odd counts and cycle walks included', () => {
    // n just above a square (m^2 - n large): many values walk the cycle, in either lane of the pair.
    for (const n of [1, 2, 5, 65_537, 1_000_001, 3e9]) {
      const perm = new FeistelPermutation(n, 7);
      const count = Math.min(n, 9_999);
      const ys = Float64Array.from({ length: count }, (_, i) => (i < 20 ? n - 1 - (i % n) : Math.floor(((i * 0.6180339887498949) % 1) * n)));
      const out = new Float64Array(count).fill(-1);
      perm.inverseOfEach(ys, out);
      const wrong = Array.from(ys).filter((y, i) => out[i] !== perm.inverse(y));
      expect(wrong).toEqual([]);
      // A shorter count leaves the rest alone.
      const part = new Float64Array(count).fill(-1);
      perm.inverseOfEach(ys, part, Math.min(3, count));
      expect(Array.from(part.subarray(Math.min(3, count)))).toEqual(new Array(count - Math.min(3, count)).fill(-1));
    }
  });

  it('gives the values it gave before its rounds lost their branches (checksums taken at 0cc7145)', () => {
    // 200,000 values each way at three sizes, folded into a 32-bit checksum, and a few values by name.
    const checksums: Array<[number, number, number, number]> = [];
    for (const [n, key] of [[1_000_003, 9], [3e9, 2025], [2 ** 36, 11]] as const) {
      const perm = new FeistelPermutation(n, key);
      let forward = 0;
      let inverse = 0;
      for (let i = 0; i < 200_000; i++) {
        const x = Math.floor(((i * 0.6180339887498949) % 1) * n);
        forward = (Math.imul(forward, 31) + (perm.forward(x) % 1_000_003)) | 0;
        inverse = (Math.imul(inverse, 31) + (perm.inverse(x) % 1_000_003)) | 0;
      }
      checksums.push([n, key, forward, inverse]);
    }
    expect(checksums).toEqual([
      [1_000_003, 9, 534_509_131, 1_720_741_365],
      [3e9, 2025, -498_934_862, -120_457_029],
      [2 ** 36, 11, 693_127_779, 1_089_977_026],
    ]);
    const perm = new FeistelPermutation(3e9, 2025);
    expect([0, 1, 1_500_000_000, 2_999_999_999].map((x) => [perm.forward(x), perm.inverse(x)])).toEqual([
      [2_335_802_726, 2_004_138_838],
      [2_175_692_575, 2_104_732_811],
      [746_952_666, 2_662_984_496],
      [2_753_412_578, 2_573_397_460],
    ]);
    expect([new FeistelPermutation(1, 3).forward(0), new FeistelPermutation(2, 5).forward(0), new FeistelPermutation(2, 5).inverse(1)]).toEqual([0, 1, 0]);
  });

  it('forwardOfRun gives what forward gives for a run of values, odd counts and cycle walks included', () => {
    for (const n of [1, 2, 5, 65_537, 1_000_001, 3e9]) {
      const perm = new FeistelPermutation(n, 11);
      // Runs at the start, in the middle and at the very end of [0, n), of odd and even lengths.
      for (const [first, count] of [[0, Math.min(n, 7)], [Math.floor(n / 3), Math.min(n - Math.floor(n / 3), 1_024)], [n - Math.min(n, 5), Math.min(n, 5)], [0, 0]] as const) {
        const out = new Float64Array(count + 1).fill(-1);
        perm.forwardOfRun(first, count, out);
        const wrong = Array.from({ length: count }, (_, i) => first + i).filter((x, i) => out[i] !== perm.forward(x));
        expect(wrong).toEqual([]);
        expect(out[count]).toBe(-1);
      }
    }
  });

  it('sends consecutive ranks to servers with no arithmetic pattern: the first 7,000 ranks fill 7 servers as chance does', () => {
    // Under an affine map the step between consecutive ranks' servers is constant; here the servers
    // of ranks x and x + 1 are independent, so each step value 0..6 turns up about 1,000 times.
    const perm = new FeistelPermutation(1_000_003, 9);
    const steps = new Array<number>(7).fill(0);
    for (let x = 0; x < 7000; x++) steps[(((perm.forward(x + 1) % 7) - (perm.forward(x) % 7)) + 7) % 7]!++;
    // Binomial(7000, 1/7): mean 1000, sd 29; 5 sd either side.
    for (const count of steps) expect(Math.abs(count - 1000)).toBeLessThan(150);
  });

  it('depends on its key', () => {
    const one = new FeistelPermutation(1_000_000, 1);
    const two = new FeistelPermutation(1_000_000, 2);
    let same = 0;
    for (let x = 0; x < 1000; x++) if (one.forward(x) === two.forward(x)) same++;
    expect(same).toBeLessThan(5);
  });

  it('refuses a size outside [1, 2^36]', () => {
    expect(() => new FeistelPermutation(0, 1)).toThrow(RangeError);
    expect(() => new FeistelPermutation(2 ** 36 + 1, 1)).toThrow(RangeError);
  });
});
