import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import {
  hash64Float,
  hash64Open,
  hash64Uint32,
  murmur3Words,
  RandomStream,
  RandomStreams,
  uint32PairToFloat,
  uint32PairToOpen,
} from '../../src/sim/random.js';
import {
  chiSquare,
  chiSquareLimit,
  expectMeanNear,
  expectProportionNear,
  expectVarianceNear,
  moments,
  streamFor,
} from './random-stats.js';

const N = 200_000;

function firstUint32s(stream: RandomStream, count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(stream.nextUint32());
  return out;
}

describe('RandomStream generator', () => {
  it('steps exactly as seedrandom\'s Tyche-i from the same state, draw for draw', () => {
    // The stream writes Tyche-i's round out on its own fields (for speed); seedrandom stays the
    // reference. Its state after the stream's 20 discarded seeding rounds is the stream's start.
    for (const seed of [1, 42, -7]) {
      const stream = new RandomStreams(seed).stream('arrivals');
      const [a, b, c, d] = stream.key;
      const reference = seedrandom.tychei('', { state: { a: a | 0, b: b | 0, c: c | 0, d: d | 0 } });
      for (let i = 0; i < 20; i++) reference.int32();
      for (let i = 0; i < 1_000_000; i++) {
        const expected = reference.int32() >>> 0;
        const actual = stream.nextUint32();
        if (actual !== expected) expect.fail(`seed ${seed}, draw ${i}: ${actual} against seedrandom's ${expected}`);
      }
    }
  });
});

describe('murmur3Words', () => {
  it('matches published MurmurHash3_x86_32 vectors', () => {
    expect(murmur3Words([], 0)).toBe(0);
    expect(murmur3Words([], 1)).toBe(0x514e28b7);
    expect(murmur3Words([], 0xffffffff)).toBe(0x81f16f39);
    expect(murmur3Words([0], 0)).toBe(0x2362f9de);
    expect(murmur3Words([0xffffffff], 0)).toBe(0x76293b50);
    // Bytes 21 43 65 87, little-endian.
    expect(murmur3Words([0x87654321], 0)).toBe(0xf55b516b);
    expect(murmur3Words([0x87654321], 0x5082edee)).toBe(0x2362f9de);
  });
});

describe('counter-based hash', () => {
  it('is MurmurHash3 over (seed, a, b) split into 32-bit halves', () => {
    const big = 2 ** 40 + 12345;
    const expected = murmur3Words([7, 0, big >>> 0, Math.floor(big / 2 ** 32), 3, 0], 0);
    expect(hash64Uint32(7, big, 3)).toBe(expected);
    expect(hash64Uint32(7, 5)).toBe(hash64Uint32(7, 5, 0));
    // Pinned so that an accidental change to the population hash is caught.
    expect(hash64Uint32(7, 123456789, 2)).toBe(3112462263);
    expect(hash64Float(7, 123456789, 2)).toBe(0.7246765910693416);
  });

  it('separates ids above 2^32 from their low halves', () => {
    expect(hash64Uint32(1, 2 ** 32 + 5)).not.toBe(hash64Uint32(1, 5));
    expect(hash64Uint32(2 ** 32 + 1, 5)).not.toBe(hash64Uint32(1, 5));
  });

  it('is uniform over sequential ids (chi-square, 100 buckets)', () => {
    const buckets = new Float64Array(100);
    const values = new Float64Array(N);
    for (let id = 0; id < N; id++) {
      const u = hash64Float(99, id, 4);
      values[id] = u;
      buckets[Math.floor(u * 100)]!++;
    }
    const expected = new Float64Array(100).fill(N / 100);
    expect(chiSquare(buckets, expected)).toBeLessThan(chiSquareLimit(99));
    const m = moments(values);
    expect(m.min).toBeGreaterThanOrEqual(0);
    expect(m.max).toBeLessThan(1);
    expectMeanNear(m, 0.5, 1 / 12);
    expectVarianceNear(m, 1 / 12);
  });

  it('gives uncorrelated values for neighbouring ids, attributes and seeds', () => {
    const neighbours: Array<(id: number) => number> = [
      (id) => hash64Float(5, id + 1, 0),
      (id) => hash64Float(5, id, 1),
      (id) => hash64Float(6, id, 0),
    ];
    for (const neighbour of neighbours) {
      let sxy = 0;
      for (let id = 0; id < N; id++) sxy += (hash64Float(5, id, 0) - 0.5) * (neighbour(id) - 0.5);
      // Correlation of two independent uniforms: mean 0, standard error 1/sqrt(n).
      const correlation = sxy / N / (1 / 12);
      expect(Math.abs(correlation)).toBeLessThan(5 / Math.sqrt(N));
    }
  });

  it('flips each output bit with probability 1/2 when any single input bit flips (avalanche)', () => {
    const ids = 4000;
    for (let bit = 0; bit < 53; bit += 4) {
      let flipped = 0;
      for (let id = 0; id < ids; id++) {
        const a = id * 2 ** 20 + 17;
        const lo = a >>> 0;
        const hi = Math.floor(a / 2 ** 32);
        const b = bit < 32 ? hi * 2 ** 32 + ((lo ^ (1 << bit)) >>> 0) : (hi ^ (1 << (bit - 32))) * 2 ** 32 + lo;
        let x = (hash64Uint32(3, a) ^ hash64Uint32(3, b)) >>> 0;
        while (x !== 0) {
          flipped += x & 1;
          x >>>= 1;
        }
      }
      expectProportionNear(flipped, ids * 32, 0.5);
    }
  });

  it('hash64Open stays strictly inside (0, 1)', () => {
    let inside = 0;
    for (let id = 0; id < 10_000; id++) {
      const u = hash64Open(1, id, 2);
      if (u > 0 && u < 1) inside++;
    }
    expect(inside).toBe(10_000);
  });
});

describe('uint32 pairs to floats', () => {
  it('covers [0, 1) with 53 bits and (0, 1) with 52 bits plus a half step', () => {
    expect(uint32PairToFloat(0, 0)).toBe(0);
    expect(uint32PairToFloat(0xffffffff, 0xffffffff)).toBe(1 - 2 ** -53);
    expect(uint32PairToFloat(0, 0x40)).toBe(2 ** -53);
    expect(uint32PairToOpen(0, 0)).toBe(2 ** -53);
    expect(uint32PairToOpen(0xffffffff, 0xffffffff)).toBe(1 - 2 ** -53);
    expect(Number.isFinite(Math.log(uint32PairToOpen(0, 0)))).toBe(true);
  });
});

describe('RandomStreams', () => {
  it('reproduces the same first 1000 values from the same seed and name', () => {
    const a = firstUint32s(new RandomStreams(42).stream('arrivals'), 1000);
    const b = firstUint32s(new RandomStreams(42).stream('arrivals'), 1000);
    expect(a).toEqual(b);
    // Pinned: a change here changes every simulation result.
    expect(firstUint32s(new RandomStreams(42).stream('x'), 3)).toEqual([3990534332, 968027243, 3190203421]);
  });

  it('gives different values for different names and different seeds', () => {
    const base = firstUint32s(new RandomStreams(42).stream('arrivals'), 1000);
    const otherName = firstUint32s(new RandomStreams(42).stream('arrivalz'), 1000);
    const otherSeed = firstUint32s(new RandomStreams(43).stream('arrivals'), 1000);
    const negativeSeed = firstUint32s(new RandomStreams(-42).stream('arrivals'), 1000);
    for (const other of [otherName, otherSeed, negativeSeed]) {
      let equal = 0;
      for (let i = 0; i < 1000; i++) if (other[i] === base[i]) equal++;
      expect(equal).toBeLessThanOrEqual(1);
    }
  });

  it('does not shift a stream when other streams are added or used', () => {
    const alone = new RandomStreams(7);
    const a1 = firstUint32s(alone.stream('a'), 500);
    const crowded = new RandomStreams(7);
    const c = crowded.stream('c');
    firstUint32s(c, 123);
    const a = crowded.stream('a');
    const b = crowded.stream('b');
    const a2: number[] = [];
    for (let i = 0; i < 500; i++) {
      a2.push(a.nextUint32());
      b.nextFloat();
      crowded.stream(`extra-${i}`).nextUint32();
    }
    expect(a2).toEqual(a1);
  });

  it('returns the same stream object for the same name', () => {
    const streams = new RandomStreams(1);
    expect(streams.stream('net')).toBe(streams.stream('net'));
  });

  it('refuses seeds that are not safe integers and empty names', () => {
    expect(() => new RandomStreams(1.5)).toThrow(RangeError);
    expect(() => new RandomStreams(2 ** 60)).toThrow(RangeError);
    expect(() => new RandomStreams(1).stream('')).toThrow(RangeError);
  });

  it('derives distinct hash seeds per purpose and per master seed', () => {
    const streams = new RandomStreams(42);
    const population = streams.hashSeed('population');
    expect(Number.isSafeInteger(population) && population >= 0).toBe(true);
    expect(population).toBe(streams.hashSeed('population'));
    expect(population).not.toBe(streams.hashSeed('groups'));
    expect(population).not.toBe(new RandomStreams(43).hashSeed('population'));
  });

  it('gives each substreams root its own numbers under the same names, the same ones every time', () => {
    const root = new RandomStreams(42);
    const base = firstUint32s(root.stream('arrivals'), 1000);
    const part0 = firstUint32s(new RandomStreams(42).substreams('part-0').stream('arrivals'), 1000);
    const part1 = firstUint32s(new RandomStreams(42).substreams('part-1').stream('arrivals'), 1000);
    expect(firstUint32s(new RandomStreams(42).substreams('part-1').stream('arrivals'), 1000)).toEqual(part1);
    // Nor is a substreams root the root's stream of the same name.
    const named = firstUint32s(new RandomStreams(42).stream('part-1'), 1000);
    for (const [x, y] of [[base, part0], [base, part1], [part0, part1], [named, part1]] as const) {
      let equal = 0;
      for (let i = 0; i < 1000; i++) if (x[i] === y[i]) equal++;
      expect(equal).toBeLessThanOrEqual(1);
    }
    expect(root.substreams('part-0').masterSeed).toBe(42);
    expect(() => root.substreams('')).toThrow(RangeError);
  });

  it('produces uncorrelated streams for different names', () => {
    const a = streamFor('left');
    const b = streamFor('right');
    let sxy = 0;
    for (let i = 0; i < N; i++) sxy += (a.nextFloat() - 0.5) * (b.nextFloat() - 0.5);
    expect(Math.abs(sxy / N / (1 / 12))).toBeLessThan(5 / Math.sqrt(N));
  });
});

describe('RandomStream.fork', () => {
  it('depends only on the parent key and the name, not on how far the parent has advanced', () => {
    const fresh = new RandomStreams(9).stream('net');
    const advanced = new RandomStreams(9).stream('net');
    firstUint32s(advanced, 777);
    expect(firstUint32s(advanced.fork('link-3'), 100)).toEqual(firstUint32s(fresh.fork('link-3'), 100));
    expect(advanced.fork('link-3').name).toBe('net/link-3');
  });

  it('does not draw from the parent', () => {
    const a = new RandomStreams(9).stream('net');
    const b = new RandomStreams(9).stream('net');
    a.fork('x');
    a.fork('y');
    expect(firstUint32s(a, 100)).toEqual(firstUint32s(b, 100));
  });

  it('differs from the parent and from siblings', () => {
    const parent = new RandomStreams(9).stream('net');
    const p = firstUint32s(new RandomStreams(9).stream('net'), 200);
    const x = firstUint32s(parent.fork('x'), 200);
    const y = firstUint32s(parent.fork('y'), 200);
    let same = 0;
    for (let i = 0; i < 200; i++) same += (x[i] === y[i] ? 1 : 0) + (x[i] === p[i] ? 1 : 0);
    expect(same).toBe(0);
  });
});

describe('RandomStream draws', () => {
  it('nextFloat is uniform on [0, 1) (moments and 64-bucket chi-square)', () => {
    const rng = streamFor('float');
    const values = new Float64Array(N);
    const buckets = new Float64Array(64);
    for (let i = 0; i < N; i++) {
      const u = rng.nextFloat();
      values[i] = u;
      buckets[Math.floor(u * 64)]!++;
    }
    const m = moments(values);
    expect(m.min).toBeGreaterThanOrEqual(0);
    expect(m.max).toBeLessThan(1);
    expectMeanNear(m, 0.5, 1 / 12);
    expectVarianceNear(m, 1 / 12);
    expect(chiSquare(buckets, new Float64Array(64).fill(N / 64))).toBeLessThan(chiSquareLimit(63));
  });

  it('nextOpen is uniform and strictly inside (0, 1)', () => {
    const rng = streamFor('open');
    const values = new Float64Array(N);
    for (let i = 0; i < N; i++) values[i] = rng.nextOpen();
    const m = moments(values);
    expect(m.min).toBeGreaterThan(0);
    expect(m.max).toBeLessThan(1);
    expectMeanNear(m, 0.5, 1 / 12);
  });

  it('nextUint32 covers 32 bits evenly (each bit set half the time)', () => {
    const rng = streamFor('bits');
    const ones = new Float64Array(32);
    const count = 50_000;
    for (let i = 0; i < count; i++) {
      const u = rng.nextUint32();
      if (!(u >= 0 && u < 2 ** 32 && Number.isInteger(u))) throw new Error(`not a uint32: ${u}`);
      for (let bit = 0; bit < 32; bit++) ones[bit]! += (u >>> bit) & 1;
    }
    for (let bit = 0; bit < 32; bit++) expectProportionNear(ones[bit]!, count, 0.5);
  });

  it('nextInt(n) is unbiased for small n, for n where rejection matters, and above 2^32', () => {
    const rng = streamFor('ints');
    const seven = new Float64Array(7);
    for (let i = 0; i < N; i++) seven[rng.nextInt(7)]!++;
    expect(chiSquare(seven, new Float64Array(7).fill(N / 7))).toBeLessThan(chiSquareLimit(6));

    // n = 3 * 2^30: a modulo of 32 bits without rejection would give the first third twice the
    // mass of the others; with rejection the thirds are equal.
    const n = 3 * 2 ** 30;
    const thirds = new Float64Array(3);
    for (let i = 0; i < N; i++) thirds[Math.floor(rng.nextInt(n) / 2 ** 30)]!++;
    expect(chiSquare(thirds, new Float64Array(3).fill(N / 3))).toBeLessThan(chiSquareLimit(2));

    const large = 2 ** 53 - 3;
    const values = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      const k = rng.nextInt(large);
      if (!(k >= 0 && k < large && Number.isInteger(k))) throw new Error(`nextInt(${large}) gave ${k}`);
      values[i] = k / large;
    }
    expectMeanNear(moments(values), 0.5, 1 / 12);
    expect(rng.nextInt(1)).toBe(0);
  });

  it('nextInt refuses n that is not an integer in [1, 2^53]', () => {
    const rng = streamFor('bad-int');
    expect(() => rng.nextInt(0)).toThrow(RangeError);
    expect(() => rng.nextInt(2.5)).toThrow(RangeError);
    expect(() => rng.nextInt(2 ** 54)).toThrow(RangeError);
    expect(() => rng.nextInt(NaN)).toThrow(RangeError);
  });

  it('nextGaussian is standard normal (moments and P(Z <= 1))', () => {
    const rng = streamFor('gauss');
    const values = new Float64Array(N);
    for (let i = 0; i < N; i++) values[i] = rng.nextGaussian();
    const m = moments(values);
    expectMeanNear(m, 0, 1);
    expectVarianceNear(m, 1);
    let below = 0;
    for (let i = 0; i < N; i++) if (values[i]! <= 1) below++;
    expectProportionNear(below, N, 0.8413447460685429);
  });

  it('nextExponential has mean 1 and variance 1', () => {
    const rng = streamFor('exp');
    const values = new Float64Array(N);
    for (let i = 0; i < N; i++) values[i] = rng.nextExponential();
    const m = moments(values);
    expectMeanNear(m, 1, 1);
    expectVarianceNear(m, 1);
  });

  it('nextExponential follows the exponential law across the ziggurat layers, wedges and tail', () => {
    // 1,000,000 draws: the tail beyond the base layer (x > 7.697) has probability 4.5e-4, so about
    // 450 draws take the tail path and some 11,000 the wedge tests.
    const rng = streamFor('exp-shape');
    const count = 1_000_000;
    const binWidth = 0.1;
    const bins = 100;
    const observed = new Float64Array(bins + 1);
    let tail = 0;
    for (let i = 0; i < count; i++) {
      const x = rng.nextExponential();
      expect(x >= 0).toBe(true);
      const b = Math.floor(x / binWidth);
      observed[b < bins ? b : bins]!++;
      if (x > 7.69711747013104972) tail++;
    }
    const expected = new Float64Array(bins + 1);
    for (let b = 0; b < bins; b++) expected[b] = count * (Math.exp(-b * binWidth) - Math.exp(-(b + 1) * binWidth));
    expected[bins] = count * Math.exp(-bins * binWidth);
    expect(chiSquare(observed, expected)).toBeLessThan(chiSquareLimit(bins));
    expectProportionNear(tail, count, Math.exp(-7.69711747013104972));
  });
});
