/**
 * The counter stream (src/sim/counter-stream.ts): draws are a pure function of (key, item, draw
 * number), so restarting an item gives its draws again from any state, and each draw is the
 * counter hash hash64Uint32(seed, item, draw), whose first rounds it keeps per item.
 */
import { describe, expect, it } from 'vitest';
import { CounterStream } from '../../src/sim/counter-stream.js';
import { counterHashFrom, counterHashPrefix, hash64Uint32, RandomStreams } from '../../src/sim/random.js';

describe('CounterStream', () => {
  const key = new RandomStreams(42).keyOf('workload-messages');

  it('draws hash64Uint32(seed, item, draw): the prefix kept since restart changes nothing', () => {
    const seed = hash64Uint32(key[0] >>> 0, key[1] >>> 0, (key[2] ^ key[3]) >>> 0);
    const stream = new CounterStream(key, 'test');
    for (const item of [0, 1, 7, 2 ** 31 + 5, 2 ** 40 + 3, Number.MAX_SAFE_INTEGER]) {
      stream.restart(item);
      for (let draw = 0; draw < 20; draw++) expect(stream.nextUint32()).toBe(hash64Uint32(seed, item, draw));
      expect(counterHashFrom(counterHashPrefix(seed, item), 2 ** 33 + 1) >>> 0).toBe(hash64Uint32(seed, item, 2 ** 33 + 1));
    }
  });

  it('gives an item the same draws whatever was drawn before', () => {
    const a = new CounterStream(key, 'a');
    const b = new CounterStream(key, 'b');
    a.restart(12);
    const first = [a.nextFloat(), a.nextExponential(), a.nextInt(1000)];
    b.restart(3);
    b.nextFloat();
    b.restart(12);
    expect([b.nextFloat(), b.nextExponential(), b.nextInt(1000)]).toEqual(first);
  });
});
