/** hourOfDay (src/model/online-fraction.ts) is exactly ((hours % 24) + 24) % 24, without fmod. */
import { describe, expect, it } from 'vitest';
import { hourOfDay } from '../../src/model/online-fraction.js';
import { RandomStreams } from '../../src/sim/random.js';

const reference = (hours: number) => ((hours % 24) + 24) % 24;

describe('hourOfDay', () => {
  it('gives the same double as the fmod expression', () => {
    const rng = new RandomStreams(9).stream('test');
    const cases = [0, -0, 1e-300, 23.999999999999996, 24, 48, 1e6, 2 ** 40, 2 ** 40 - 1, 2 ** 53, -1, -24, -1e-9, NaN, Infinity, -Infinity];
    for (let i = 0; i < 200_000; i++) {
      // Times in ms since 1970 over hours (the caller's range), and multiples of 24 a few ulps off.
      const hours = (rng.nextFloat() * 2e12 + i) / 3_600_000;
      cases.push(hours);
      const near = 24 * Math.floor(rng.nextFloat() * 2 ** (i % 40));
      let below = near;
      let above = near;
      for (let step = 0; step < 3; step++) {
        below = below - Math.max(Number.MIN_VALUE, below * 2 ** -52);
        above = above + Math.max(Number.MIN_VALUE, above * 2 ** -52);
        cases.push(below, above);
      }
      cases.push(rng.nextFloat() * 24, rng.nextFloat() * 2 ** (i % 45));
    }
    for (const hours of cases) expect(Object.is(hourOfDay(hours), reference(hours)), `${hours}`).toBe(true);
  });
});
