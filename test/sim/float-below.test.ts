/**
 * Comparisons of a 53-bit float with a probability, answered from its first 32-bit half where
 * that settles them (floatBelowFromHigh, hash64FloatBelow): the same
 * answers and the same draws as comparing the whole float, including at the interval's ends.
 */
import { describe, expect, it } from 'vitest';
import { floatBelowFromHigh, hash64Float, hash64FloatBelow, RandomStreams, uint32PairToFloat } from '../../src/sim/random.js';

describe('floatBelowFromHigh', () => {
  it('agrees with comparing the whole float, p at and beside the boundaries', () => {
    const rng = new RandomStreams(3).stream('test');
    for (let i = 0; i < 20_000; i++) {
      const hi = rng.nextUint32();
      const lo = i % 3 === 0 ? 0 : i % 3 === 1 ? 0xffffffff : rng.nextUint32();
      const low = (hi >>> 5) * 2 ** -27;
      const candidates = [low, low + 2 ** -27, low + 2 ** -28, uint32PairToFloat(hi, lo), uint32PairToFloat(hi, lo) + 2 ** -53, rng.nextFloat(), 0, 1, -1, 2, NaN];
      for (const p of candidates) {
        const whole = uint32PairToFloat(hi, lo) < p;
        const settled = floatBelowFromHigh(hi | 0, p);
        if (settled >= 0) expect(settled === 1).toBe(whole);
      }
      // Undecided only when p lies inside the first half's interval.
      expect(floatBelowFromHigh(hi, low + 2 ** -28)).toBe(-1);
    }
  });

  it('hash64FloatBelow is hash64Float(...) < p', () => {
    for (let id = 0; id < 5000; id++) {
      const u = hash64Float(11, id, 2);
      for (const p of [0.85, u, u + 2 ** -53, u - 2 ** -53, (Math.floor(u * 2 ** 27) + 1) * 2 ** -27]) {
        expect(hash64FloatBelow(11, id, 2, p)).toBe(u < p);
      }
    }
  });
});
