/** The reads of deliveries before the run: with them, the read rate is flat from the warm-up on. */
import { describe, expect, it } from 'vitest';
import { READ_HISTORY_CHUNK_NS, ReadHistory } from '../../src/model/read-history.js';
import { RandomStreams } from '../../src/sim/random.js';

const NS_PER_S = 1e9;
const WINDOW = 60 * NS_PER_S;

/**
 * Deliveries at `rate` a second from time `lag` (a pipeline's latency: nothing is delivered before
 * it), each read with probability 1/2 at a uniform time within the window. The history is filled in
 * chunk by chunk from the end of the warm-up, as ReadHistoryFeed does on the kernel. Returns the
 * reads per second in each of `bins` equal bins of [warmup, until).
 */
function readsPerSecond(options: { rate: number; warmupSeconds: number; fill: boolean; seed: number; lagSeconds?: number; untilSeconds?: number; bins?: number }): number[] {
  const warmup = options.warmupSeconds * NS_PER_S;
  const until = (options.untilSeconds ?? 60) * NS_PER_S;
  const rng = new RandomStreams(options.seed).stream('test');
  const history = new ReadHistory<number>(WINDOW);
  const bins = new Float64Array(options.bins ?? 6);
  const binWidth = (until - warmup) / bins.length;
  const count = (at: number) => {
    if (at >= warmup && at < until) bins[Math.floor((at - warmup) / binWidth)]!++;
  };
  let nextChunk = options.fill ? warmup : Infinity;
  const gapNs = () => (rng.nextExponential() / options.rate) * NS_PER_S;
  for (let t = (options.lagSeconds ?? 0) * NS_PER_S + gapNs(); t < until; t += gapNs()) {
    // Every delivery before a chunk's start is noted before the chunk is filled in.
    for (; nextChunk <= t && nextChunk < WINDOW; nextChunk += READ_HISTORY_CHUNK_NS) {
      history.fillIn(nextChunk, nextChunk + READ_HISTORY_CHUNK_NS, rng, (_template, at) => count(at));
    }
    if (rng.nextFloat() >= 0.5) continue;
    history.note(t, t, rng);
    count(Math.round(t + rng.nextFloat() * WINDOW));
  }
  return Array.from(bins, (n) => n / (binWidth / NS_PER_S));
}

describe('ReadHistory', () => {
  it('fills in the reads of deliveries before the run: the read rate is flat from the warm-up on', () => {
    const perBin = readsPerSecond({ rate: 20_000, warmupSeconds: 3, fill: true, seed: 1 });
    // Steady state: rate / 2 reads a second. Each bin holds about 95,000 reads (sd about 0.3%).
    for (const perSecond of perBin) expect(Math.abs(perSecond / 10_000 - 1)).toBeLessThan(0.02);
  });

  it('is needed: without it the reads ramp up over the window', () => {
    const perBin = readsPerSecond({ rate: 20_000, warmupSeconds: 3, fill: false, seed: 1 });
    expect(perBin[0]! / 10_000).toBeLessThan(0.2);
    expect(perBin[5]! / 10_000).toBeGreaterThan(0.85);
  });

  it("measures the rate past the pipeline's latency: a 100 ms warm-up, deliveries from 60 ms, flat at once", () => {
    // The first second after the warm-up, in tenths: about 1,000 reads each (sd about 3%), nearly
    // all of them filled in. Measured over the whole warm-up instead of its latest half, the rate
    // came out at 40% of the truth, and the first tenths with it.
    const perBin = readsPerSecond({ rate: 20_000, warmupSeconds: 0.1, lagSeconds: 0.06, fill: true, seed: 3, untilSeconds: 1.1, bins: 10 });
    const mean = perBin.reduce((a, b) => a + b, 0) / perBin.length;
    expect(Math.abs(mean / 10_000 - 1)).toBeLessThan(0.04);
    for (const perSecond of perBin.slice(1)) expect(Math.abs(perSecond / 10_000 - 1)).toBeLessThan(0.12);
  });

  it('adds nothing without reads to go by, or past the window', () => {
    const rng = new RandomStreams(2).stream('test');
    const history = new ReadHistory<number>(WINDOW);
    expect(history.fillIn(0, READ_HISTORY_CHUNK_NS, rng, () => undefined)).toBe(0);
    history.note(1, NS_PER_S, rng);
    expect(history.ratePerNs(2 * NS_PER_S)).toBeCloseTo(1 / NS_PER_S, 15);
    expect(history.fillIn(WINDOW, WINDOW + READ_HISTORY_CHUNK_NS, rng, () => undefined)).toBe(0);
    history.note(2, WINDOW, rng);
    expect(history.ratePerNs(2 * NS_PER_S)).toBeCloseTo(1 / NS_PER_S, 15);
  });
});
