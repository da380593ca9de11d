import { describe, expect, it } from 'vitest';
import { NumberRows } from '../../src/model/transit.js';

describe('NumberRows', () => {
  it('keeps each row\'s numbers through growth and reuses freed rows', () => {
    const rows = new NumberRows(3);
    const count = 2500; // past the first two doublings of 1,024 rows
    const made: number[] = [];
    for (let i = 0; i < count; i++) {
      const row = rows.alloc();
      const at = row * rows.width;
      rows.values[at] = i;
      rows.values[at + 1] = 2 ** 40 + i;
      rows.values[at + 2] = -i / 3;
      made.push(row);
    }
    expect(new Set(made).size).toBe(count);
    expect(rows.size).toBe(count);
    made.forEach((row, i) => {
      const at = row * rows.width;
      expect([rows.values[at], rows.values[at + 1], rows.values[at + 2]]).toEqual([i, 2 ** 40 + i, -i / 3]);
    });
    rows.free(made[7]!);
    rows.free(made[2000]!);
    expect(rows.size).toBe(count - 2);
    expect(new Set([rows.alloc(), rows.alloc()])).toEqual(new Set([made[7], made[2000]]));
    expect(rows.size).toBe(count);
  });

  it('refuses a width that is not a positive integer', () => {
    expect(() => new NumberRows(0)).toThrow(RangeError);
    expect(() => new NumberRows(1.5)).toThrow(RangeError);
  });
});
