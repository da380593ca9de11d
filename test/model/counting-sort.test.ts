/** orderByKey: the stable counting sort that groups a slice's devices by home and by record slot. */
import { describe, expect, it } from 'vitest';
import { orderByKey } from '../../src/model/counting-sort.js';

describe('orderByKey', () => {
  it('orders by key, keeping the order met within a key, with each key range in start', () => {
    const keys = [2, 0, 2, 1, 0, 2];
    const { order, start } = orderByKey(keys, 4);
    expect([...order]).toEqual([1, 4, 3, 0, 2, 5]);
    expect([...start]).toEqual([0, 2, 3, 6, 6]);
  });

  it('agrees with a stable sort on random keys, empty keys included', () => {
    let x = 12345;
    const keys = Uint32Array.from({ length: 10_000 }, () => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return (x >>> 8) % 97;
    });
    const { order, start } = orderByKey(keys, 100);
    const expected = [...keys.keys()].sort((a, b) => keys[a]! - keys[b]! || a - b);
    expect([...order]).toEqual(expected);
    for (let key = 0; key < 100; key++) {
      for (let i = start[key]!; i < start[key + 1]!; i++) expect(keys[order[i]!]).toBe(key);
    }
    expect(start[100]).toBe(keys.length);
  });

  it('gives an empty range to a key between others that no item has', () => {
    const { order, start } = orderByKey([0, 3, 3], 5);
    expect([...order]).toEqual([0, 1, 2]);
    expect([...start]).toEqual([0, 1, 1, 1, 3, 3]);
  });

  it('refuses a key out of range rather than dropping it', () => {
    expect(() => orderByKey([0, 5], 5)).toThrow(/key 5 at 1 is outside \[0, 5\)/);
    expect(() => orderByKey([-1], 5)).toThrow(RangeError);
  });

  it('handles no items', () => {
    const { order, start } = orderByKey(new Int32Array(0), 3);
    expect(order.length).toBe(0);
    expect([...start]).toEqual([0, 0, 0, 0]);
  });
});
