import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EnvelopePool, NIL } from '../../src/core/envelope-pool.js';
import { EnvelopeRows } from '../../src/core/envelope-rows.js';
import { DeviceKind, Envelope, NumMap, RecordTable } from '../../src/core/index.js';

describe('RecordTable', () => {
  it('stores records inline, grows, and keeps every key after growth', () => {
    const table = new RecordTable(4, 16);
    for (let key = 0; key < 1000; key++) {
      const offset = table.insert(key * 8 + 3);
      table.records[offset + 1] = key;
      table.records[offset + 3] = -key;
    }
    expect(table.size).toBe(1000);
    for (let key = 0; key < 1000; key++) {
      const offset = table.find(key * 8 + 3);
      expect(table.records[offset + 1]).toBe(key);
      expect(table.records[offset + 3]).toBe(-key);
    }
    expect(table.find(5)).toBe(-1);
  });

  it('handles keys above 2^32 (device keys of user ids up to 5e9)', () => {
    const table = new RecordTable(2);
    const keys = [5e9 * 8 + 4, 2 ** 32, 2 ** 32 + 8, 2 ** 40 + 1, 0];
    keys.forEach((key, i) => (table.records[table.insert(key) + 1] = i));
    keys.forEach((key, i) => expect(table.records[table.find(key) + 1]).toBe(i));
  });

  it('zeroes a record reused after a removal', () => {
    const table = new RecordTable(3);
    table.records[table.insert(7) + 2] = 99;
    table.remove(7);
    expect(table.records[table.insert(7) + 2]).toBe(0);
  });

  it('holds exactly the capacity asked for, a power of two or not', () => {
    expect(new RecordTable(8, 1000).bytes).toBeGreaterThanOrEqual(1000 * 64);
    expect(new RecordTable(8, 1000).bytes).toBeLessThan(1000 * 64 + 64);
    expect(new RecordTable(2, 3).bytes).toBeLessThan(16 * 16 + 64); // 16 records at the least
  });

  it('behaves like a Map under random inserts and removals (backward-shift deletion), at any capacity', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 150 }), fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 300 }), fc.integer()), { maxLength: 400 }), (capacity, ops) => {
        const map = new NumMap(capacity);
        const model = new Map<number, number>();
        for (const [insert, key, value] of ops) {
          if (insert) {
            map.set(key, value);
            model.set(key, value);
          } else {
            expect(map.delete(key)).toBe(model.delete(key));
          }
        }
        expect(map.size).toBe(model.size);
        for (let key = 0; key <= 300; key++) expect(map.get(key, -99)).toBe(model.get(key) ?? -99);
      }),
      { numRuns: 200 },
    );
  });
});

describe('EnvelopePool', () => {
  it('reuses released slots and grows past its initial capacity', () => {
    const pool = new EnvelopePool(2);
    const env = new Envelope(2, 0, 0, 0, 0, 10);
    const a = pool.alloc(env);
    const b = pool.alloc(env);
    const c = pool.alloc(env);
    expect(pool.capacity).toBe(4);
    expect(pool.next[c]).toBe(NIL);
    pool.release(b);
    expect(pool.alloc(env)).toBe(b);
    expect(pool.used).toBe(3);
    expect(new Set([a, b, c]).size).toBe(3);
  });
});

describe('EnvelopeRows', () => {
  it('stores envelopes by value, reuses freed rows and keeps every row through growth', () => {
    const rows = new EnvelopeRows(2);
    const made = [0, 1, 2, 3, 4].map((i) => {
      const env = new Envelope(DeviceKind.Message, 2 ** 40 + i, 2 ** 33 + i, 2 ** 45 + i, i, 100 + i);
      env.seq = 2 ** 35 + i;
      env.atNs = 2 ** 50 + i;
      return env;
    });
    const indices = made.map((env) => rows.alloc(env));
    expect(rows.capacity).toBe(8);
    expect(rows.used).toBe(5);
    indices.forEach((row, i) => {
      const back = rows.envelopeAt(row);
      expect(back).not.toBe(made[i]);
      expect({ ...back }).toEqual({ ...made[i]! });
      expect(rows.atNsOf(row)).toBe(2 ** 50 + i);
      expect(rows.next[row]).toBe(-1);
    });
    rows.release(indices[1]!);
    expect(rows.alloc(made[4]!)).toBe(indices[1]);
    expect({ ...rows.envelopeAt(indices[1]!) }).toEqual({ ...made[4]! });
  });
});
