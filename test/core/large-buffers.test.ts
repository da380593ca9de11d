import { describe, expect, it } from 'vitest';
import { LARGE_BYTES, largeBuffer, openBufferSession, spareBytes } from '../../src/core/large-buffers.js';

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
});
