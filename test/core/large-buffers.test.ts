import { beforeEach, describe, expect, it } from 'vitest';
import { LARGE_BYTES, largeBuffer, openBufferSession, releaseLargeBuffer, sizeClassOf, spareBytes } from '../../src/core/large-buffers.js';
import { RecordTable } from '../../src/core/record-table.js';

/** Runs `use` in a session of its own and closes it. */
function inSession<T>(use: () => T): T {
  const session = openBufferSession();
  try {
    return use();
  } finally {
    session.close();
  }
}

describe('largeBuffer', () => {
  // The spares are the thread's: a session that takes nothing leaves none, whatever ran before.
  beforeEach(() => inSession(() => undefined));

  it('hands a session the buffers the session before it used, zeroed, best fit first', () => {
    const [big, small] = inSession(() => {
      const bigBuffer = largeBuffer(4 * LARGE_BYTES);
      const smallBuffer = largeBuffer(2 * LARGE_BYTES);
      new Uint8Array(bigBuffer).fill(7);
      new Uint8Array(smallBuffer).fill(7);
      return [bigBuffer, smallBuffer];
    });
    expect(spareBytes()).toBe(6 * LARGE_BYTES);
    inSession(() => {
      const fits = largeBuffer(LARGE_BYTES + 1);
      expect(fits).toBe(small);
      expect(new Uint8Array(fits, 0, LARGE_BYTES + 1).every((byte) => byte === 0)).toBe(true);
      const next = largeBuffer(3 * LARGE_BYTES);
      expect(next).toBe(big);
      expect(new Uint8Array(next, 0, 3 * LARGE_BYTES).every((byte) => byte === 0)).toBe(true);
      // Nothing left that fits: a new buffer.
      const fresh = largeBuffer(LARGE_BYTES);
      expect(fresh).not.toBe(big);
      expect(fresh).not.toBe(small);
    });
  });

  it('makes a new buffer in a session up to a sixteenth longer, so the next session\'s slightly larger request fits it', () => {
    expect(sizeClassOf(LARGE_BYTES)).toBe(LARGE_BYTES);
    expect(sizeClassOf(LARGE_BYTES + 1)).toBe(LARGE_BYTES + LARGE_BYTES / 16);
    expect(sizeClassOf(30_000_000)).toBe(30_408_704); // 29 steps of 2^24 / 16
    for (const bytes of [LARGE_BYTES + 1, 3_000_001, 29_600_000, 123_456_789]) {
      expect(sizeClassOf(bytes)).toBeGreaterThanOrEqual(bytes);
      expect(sizeClassOf(bytes)).toBeLessThanOrEqual(bytes * (1 + 1 / 16));
    }
    // A table of 29.6 MB in one part, then of 30 MB in the next (a slice with 1.4% more users).
    const first = inSession(() => largeBuffer(29_600_000));
    expect(first.byteLength).toBe(sizeClassOf(29_600_000));
    inSession(() => expect(largeBuffer(30_000_000)).toBe(first));
    // Outside a session the length is as asked.
    expect(largeBuffer(29_600_000).byteLength).toBe(29_600_000);
  });

  it('leaves a recycled buffer as it was when asked not to zero it', () => {
    const used = inSession(() => {
      const buffer = largeBuffer(LARGE_BYTES);
      new Uint8Array(buffer).fill(9);
      return buffer;
    });
    inSession(() => {
      const again = largeBuffer(LARGE_BYTES, false);
      expect(again).toBe(used);
      expect(new Uint8Array(again)[0]).toBe(9);
    });
  });

  it('recycles nothing small, nothing outside a session, and nothing of sessions that overlapped', () => {
    inSession(() => largeBuffer(LARGE_BYTES - 1));
    expect(spareBytes()).toBe(0);
    largeBuffer(LARGE_BYTES);
    expect(spareBytes()).toBe(0);
    // Two parts interleaved on one thread: neither may get the other's live buffers later.
    const first = openBufferSession();
    const a = largeBuffer(LARGE_BYTES);
    const second = openBufferSession();
    const b = largeBuffer(LARGE_BYTES);
    expect(b).not.toBe(a);
    second.close();
    first.close();
    expect(spareBytes()).toBe(0);
  });

  it('drops the spares a session has not taken once it says its tables are made', () => {
    inSession(() => largeBuffer(2 * LARGE_BYTES));
    const session = openBufferSession();
    session.dropSpares();
    expect(spareBytes()).toBe(0);
    largeBuffer(LARGE_BYTES);
    session.close();
    expect(spareBytes()).toBe(LARGE_BYTES);
    // Closing twice changes nothing.
    session.close();
    expect(spareBytes()).toBe(LARGE_BYTES);
    inSession(() => undefined);
    expect(spareBytes()).toBe(0);
  });

  it('forgets a buffer released before its session ends (a table that grew out of it)', () => {
    inSession(() => {
      const outgrown = largeBuffer(2 * LARGE_BYTES);
      largeBuffer(LARGE_BYTES);
      releaseLargeBuffer(outgrown);
      releaseLargeBuffer(new ArrayBuffer(8)); // not handed out: nothing happens
    });
    expect(spareBytes()).toBe(LARGE_BYTES);
  });

  it('gives a record table a longer, dirty buffer that it uses as if new, and lets go of what it outgrows', () => {
    const model = new Map<number, number>();
    inSession(() => {
      const first = new RecordTable(4, 100_000); // 3.2 MB of records
      for (let key = 0; key < 50_000; key++) first.records[first.insert(key * 7) + 1] = key;
    });
    const held = spareBytes();
    expect(held).toBeGreaterThanOrEqual(100_000 * 32);
    let lastBytes = 0;
    inSession(() => {
      const table = new RecordTable(2, 70_000); // 1.1 MB: takes the 3.2 MB spare
      expect(spareBytes()).toBe(0);
      for (let key = 0; key < 50_000; key++) expect(table.find(key * 7)).toBe(-1);
      // Past its load bound it grows into fresh buffers, releasing the ones it outgrew.
      for (let i = 0; i < 200_000; i++) {
        const key = (i * 2_654_435_761) % 1_000_003;
        table.records[table.insert(key) + 1] = i;
        model.set(key, i);
        if (i % 3 === 0) {
          table.remove(key);
          model.delete(key);
        }
      }
      expect(table.size).toBe(model.size);
      for (const [key, value] of model) expect(table.records[table.find(key) + 1]).toBe(value);
      expect(table.records.length).toBeGreaterThan(2 * 70_000 * 2); // it grew twice at least
      lastBytes = table.records.buffer.byteLength;
    });
    // What the session kept for the next is the table's last buffer alone, not the ones it outgrew.
    expect(spareBytes()).toBe(lastBytes);
  });
});
