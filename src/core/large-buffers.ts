/**
 * Large buffers that one run of work hands on to the next in the same thread.
 *
 * Why: on a virtual machine a page the process has not touched before costs the host a fault at
 * its first touch. A 256 MB table took 450 to 500 ms to fill on fresh memory and 20 to 30 ms on
 * memory the process had used before (session 16; huge pages on), and glibc returns every
 * allocation this large to the kernel when it is freed. A slice's parts run one after another on
 * each lane, each building device tables of hundreds of MB, so each part paid those faults again.
 *
 * How: a host that runs such work one piece after another opens a session around each
 * (`openBufferSession`, then `close()` once nothing of the piece is in use any more). While one
 * session is open, `largeBuffer` hands out the buffers the previous session used, best fit first,
 * and notes what it hands out for the next. Outside a session, or while two are open at once (two
 * pieces interleaved on one thread: nothing is recycled then), it is a plain `new ArrayBuffer`.
 * Buffers below LARGE_BYTES are never recycled: the allocator keeps small ones warm anyway.
 *
 * The contract is the host's: nothing made in a session (a RecordTable, a NumMap, a ChatServer)
 * may be used after it closes, or it would share its memory with the next session's tables.
 * runPart keeps it: what it returns holds no table. What a session leaves as spares is held until
 * the next session drops it (or the thread ends): after a run of parts, the last part's tables.
 */

/** Buffers of at least this many bytes are recycled. */
export const LARGE_BYTES = 1 << 20;

/**
 * A new buffer in a session is made this much longer at most, rounded up to a sixteenth of its power
 * of two, so that the next part's request for the same table, a few percent larger (slices differ
 * in users by 1 to 2%), still fits it. The tail costs nothing until it is touched: fresh pages are
 * faulted in at first touch, and a zeroed new ArrayBuffer is not written.
 */
const SIZE_CLASS_STEPS = 16;

/** Buffers the last closed session used, free for the open one. */
let spares: ArrayBuffer[] = [];
/** Buffers handed out in the open session. */
let handedOut: ArrayBuffer[] = [];
let openSessions = 0;
/** Two sessions overlapped since the last time none was open: recycle nothing of either. */
let overlapped = false;

export interface BufferSession {
  /**
   * Lets the garbage collector have the spares the session has not taken: call it once the session
   * has made its large tables (a part's setup), so that memory is not held twice.
   */
  dropSpares(): void;
  /** Ends the session: everything `largeBuffer` handed out in it may be handed out again. */
  close(): void;
}

export function openBufferSession(): BufferSession {
  openSessions++;
  if (openSessions > 1) overlapped = true;
  let closed = false;
  return {
    dropSpares(): void {
      if (!closed) spares = [];
    },
    close(): void {
      if (closed) return;
      closed = true;
      openSessions--;
      if (openSessions > 0) return;
      // Spares the session did not take are dropped (the garbage collector frees them), so at most
      // one session's buffers are kept between sessions.
      spares = overlapped ? [] : handedOut;
      handedOut = [];
      overlapped = false;
    },
  };
}

/**
 * An ArrayBuffer of at least `bytes` bytes (view it with explicit lengths: a recycled one may be
 * longer). Zero-filled, unless `zeroed` is false, for a caller that fills what it uses anyway.
 */
export function largeBuffer(bytes: number, zeroed = true): ArrayBuffer {
  if (openSessions !== 1 || overlapped || bytes < LARGE_BYTES) return new ArrayBuffer(bytes);
  let best = -1;
  for (let i = 0; i < spares.length; i++) {
    const size = spares[i]!.byteLength;
    if (size >= bytes && (best < 0 || size < spares[best]!.byteLength)) best = i;
  }
  let buffer: ArrayBuffer;
  if (best < 0) {
    buffer = new ArrayBuffer(sizeClassOf(bytes));
  } else {
    buffer = spares[best]!;
    spares[best] = spares[spares.length - 1]!;
    spares.pop();
    if (zeroed) new Uint8Array(buffer, 0, bytes).fill(0);
  }
  handedOut.push(buffer);
  return buffer;
}

/** `bytes` rounded up to a sixteenth of its power of two (SIZE_CLASS_STEPS). */
export function sizeClassOf(bytes: number): number {
  const step = 2 ** Math.floor(Math.log2(bytes)) / SIZE_CLASS_STEPS;
  return Math.ceil(bytes / step) * step;
}

/**
 * Says a buffer from `largeBuffer` is no longer used before its session ends (a table that grew into
 * a new one): the session forgets it, so the garbage collector frees it as it would have without
 * recycling, rather than its being held to the session's end and handed on.
 */
export function releaseLargeBuffer(buffer: ArrayBufferLike): void {
  const at = handedOut.lastIndexOf(buffer as ArrayBuffer);
  if (at < 0) return;
  handedOut[at] = handedOut[handedOut.length - 1]!;
  handedOut.pop();
}

/** Bytes held as spares between sessions (tests, memory estimates). */
export function spareBytes(): number {
  return spares.reduce((sum, buffer) => sum + buffer.byteLength, 0);
}
