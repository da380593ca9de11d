/**
 * The contract every OfflineStore implementation must pass. `make(deviceCapacity, totalCapacity)`
 * returns an empty store with those bounds.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeviceKind, Envelope, StoreResult, type OfflineStore } from '../../src/core/index.js';

function env(seq: number, atNs = seq): Envelope {
  const e = new Envelope(DeviceKind.Message, 1, 2, seq, 0, 10);
  e.seq = seq;
  e.atNs = atNs;
  return e;
}

export function storeContract(name: string, make: (deviceCapacity: number, totalCapacity: number) => OfflineStore): void {
  describe(`OfflineStore contract: ${name}`, () => {
    it('is a FIFO per device', () => {
      const store = make(10, 100);
      [1, 2, 3].forEach((seq) => expect(store.append(8, env(seq))).toBe(StoreResult.Stored));
      store.append(16, env(4));
      expect(store.count(8)).toBe(3);
      expect(store.size()).toBe(4);
      expect(store.peek(8)?.seq).toBe(1);
      expect([store.shift(8)?.seq, store.shift(8)?.seq, store.shift(8)?.seq, store.shift(8)]).toEqual([1, 2, 3, undefined]);
      expect(store.count(8)).toBe(0);
      expect(store.peek(8)).toBeUndefined();
      expect(store.shift(16)?.seq).toBe(4);
      expect(store.size()).toBe(0);
    });

    it('gives back every field of an entry as appended', () => {
      const store = make(10, 100);
      const stored = new Envelope(DeviceKind.GroupMessage, 2 ** 40 + 3, 2 ** 33 + 5, 2 ** 45 + 7, 1, 321);
      stored.seq = 2 ** 35 + 9;
      stored.atNs = 2 ** 52 - 1;
      store.append(8, stored);
      store.prepend(8, env(1));
      expect(store.shift(8)?.seq).toBe(1);
      expect({ ...store.peek(8) }).toEqual({ ...stored });
      expect({ ...store.shift(8) }).toEqual({ ...stored });
    });

    it('puts entries back at the front in the order given', () => {
      const store = make(10, 100);
      store.append(8, env(5));
      store.prepend(8, env(4));
      store.prepend(8, env(3));
      expect([store.shift(8)?.seq, store.shift(8)?.seq, store.shift(8)?.seq]).toEqual([3, 4, 5]);
      store.prepend(24, env(9));
      expect(store.shift(24)?.seq).toBe(9);
    });

    it('refuses beyond the per-device bound and the total bound', () => {
      const store = make(2, 3);
      expect(store.deviceCapacity).toBe(2);
      expect(store.totalCapacity).toBe(3);
      expect(store.append(8, env(1))).toBe(StoreResult.Stored);
      expect(store.append(8, env(2))).toBe(StoreResult.Stored);
      expect(store.append(8, env(3))).toBe(StoreResult.DeviceFull);
      expect(store.append(16, env(4))).toBe(StoreResult.Stored);
      expect(store.append(24, env(5))).toBe(StoreResult.StoreFull);
      expect(store.size()).toBe(3);
      store.shift(8);
      expect(store.append(24, env(6))).toBe(StoreResult.Stored);
    });

    it('removes a device\'s entries in order', () => {
      const store = make(10, 100);
      [1, 2].forEach((seq) => store.append(8, env(seq)));
      store.append(16, env(3));
      const removed: number[] = [];
      expect(store.removeDevice(8, (_device, e) => removed.push(e.seq))).toBe(2);
      expect(removed).toEqual([1, 2]);
      expect(store.count(8)).toBe(0);
      expect(store.size()).toBe(1);
      expect(store.removeDevice(8, () => undefined)).toBe(0);
    });

    it('expires entries at or before the cutoff, oldest first per device, at most maxEntries per call', () => {
      const store = make(10, 100);
      [10, 20, 30].forEach((at, i) => store.append(8, env(i + 1, at)));
      [15, 25].forEach((at, i) => store.append(16, env(i + 4, at)));
      const expired: [number, number][] = [];
      const onExpired = (device: number, e: Envelope): void => {
        expired.push([device, e.seq]);
      };
      expect(store.expire(20, 2, onExpired)).toBe(2);
      expect(store.expire(20, 10, onExpired)).toBe(1);
      expect(expired.sort((x, y) => x[1] - y[1])).toEqual([
        [8, 1],
        [8, 2],
        [16, 4],
      ]);
      expect(store.expire(20, 10, onExpired)).toBe(0);
      expect(store.count(8)).toBe(1);
      expect(store.count(16)).toBe(1);
      expect(store.size()).toBe(2);
    });

    it('matches a model under random operations', () => {
      fc.assert(
        fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 3 })), { maxLength: 200 }), (ops) => {
          const store = make(5, 12);
          const model = new Map<number, number[]>();
          let next = 1;
          const total = (): number => [...model.values()].reduce((sum, q) => sum + q.length, 0);
          for (const [op, d] of ops) {
            const device = d * 8;
            const queue = model.get(device) ?? [];
            model.set(device, queue);
            if (op <= 1) {
              const seq = next++;
              const expected = total() >= 12 ? StoreResult.StoreFull : queue.length >= 5 ? StoreResult.DeviceFull : StoreResult.Stored;
              expect(store.append(device, env(seq))).toBe(expected);
              if (expected === StoreResult.Stored) queue.push(seq);
            } else if (op === 2) {
              expect(store.shift(device)?.seq).toBe(queue.shift());
            } else if (op === 3) {
              const seq = next++;
              store.prepend(device, env(seq));
              queue.unshift(seq);
            } else {
              expect(store.peek(device)?.seq).toBe(queue[0]);
            }
            expect(store.count(device)).toBe(queue.length);
            expect(store.size()).toBe(total());
          }
        }),
        { numRuns: 100 },
      );
    });
  });
}
