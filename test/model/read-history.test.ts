/** The reads of deliveries before the run: with them, the read rate is flat from the warm-up's end. */
import { describe, expect, it } from 'vitest';
import { ReadHistory } from '../../src/model/read-history.js';
import { RandomStreams } from '../../src/sim/random.js';

const NS_PER_S = 1e9;
const WINDOW = 60 * NS_PER_S;

/**
 * Deliveries at `rate` a second from time 0, each read with probability 1/2 at a uniform time within
 * the window; the history is noted until `warmup` and injected then. Returns the reads per second in
 * each of the window's 6 tenths after the warm-up, from the run's own deliveries and the history's.
 */
function readsPerSecondByBin(rate: number, warmupSeconds: number, inject: boolean, seed: number): number[] {
  const warmup = warmupSeconds * NS_PER_S;
  const rng = new RandomStreams(seed).stream('test');
  const history = new ReadHistory<number>(WINDOW);
  const bins = new Float64Array(6);
  const binWidth = (WINDOW - warmup) / bins.length;
  const count = (at: number) => {
    if (at >= warmup && at < WINDOW) bins[Math.floor((at - warmup) / binWidth)]!++;
  };
  let injected = !inject;
  const gapNs = () => (rng.nextExponential() / rate) * NS_PER_S;
  for (let t = gapNs(); t < WINDOW; t += gapNs()) {
    if (!injected && t >= warmup) {
      history.inject(warmup, rng, (_template, at) => count(at));
      injected = true;
    }
    if (rng.nextFloat() >= 0.5) continue;
    if (history.noting) history.note(t, rng);
    count(Math.round(t + rng.nextFloat() * WINDOW));
  }
  return Array.from(bins, (n) => n / (binWidth / NS_PER_S));
}

describe('ReadHistory', () => {
  it('fills in the reads of deliveries before the run: the read rate is flat from the warm-up on', () => {
    const rate = 20_000;
    const perBin = readsPerSecondByBin(rate, 3, true, 1);
    // Steady state: rate / 2 reads a second. Each bin holds about 95,000 reads (sd about 0.3%), and
    // the history's count follows the warm-up's 30,000 reads (sd about 0.6%).
    for (const perSecond of perBin) expect(Math.abs(perSecond / (rate / 2) - 1)).toBeLessThan(0.02);
  });

  it('is needed: without it the reads ramp up over the window', () => {
    const perBin = readsPerSecondByBin(20_000, 3, false, 1);
    expect(perBin[0]! / 10_000).toBeLessThan(0.2);
    expect(perBin[5]! / 10_000).toBeGreaterThan(0.85);
  });

  it('adds nothing after a warm-up of 0 or of a whole window, and stops noting once injected', () => {
    const rng = new RandomStreams(2).stream('test');
    const none = new ReadHistory<number>(WINDOW);
    none.note(1, rng);
    expect(none.inject(0, rng, () => undefined)).toBe(0);
    const late = new ReadHistory<number>(WINDOW);
    late.note(1, rng);
    expect(late.inject(WINDOW, rng, () => undefined)).toBe(0);
    expect(late.noting).toBe(false);
  });
});
