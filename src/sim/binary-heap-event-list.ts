/**
 * A plain binary min-heap over a flat Float64Array (time, seq, kind, arg per slot).
 * The baseline the bucket ladder is measured against; also the ladder's in-bucket order keeper.
 */
import { EVENT_STRIDE, type EventList } from './event-list.js';
import { DOUBLE_ZERO } from './stable-shapes.js';

const INITIAL_CAPACITY = 1024;

export class BinaryHeapEventList implements EventList {
  private data: Float64Array;
  private count = 0;
  poppedTimeNs = DOUBLE_ZERO;
  poppedSeq = DOUBLE_ZERO;
  poppedKind = DOUBLE_ZERO;
  poppedArg = DOUBLE_ZERO;

  constructor(initialCapacity = INITIAL_CAPACITY) {
    this.data = new Float64Array(Math.max(16, initialCapacity) * EVENT_STRIDE);
  }

  get size(): number {
    return this.count;
  }

  clear(): void {
    this.count = 0; // capacity is kept, as flatqueue does
  }

  peekTimeNs(): number {
    return this.count === 0 ? Infinity : this.data[0]!;
  }

  /**
   * Time of the earliest event; only meaningful when size > 0. Unlike peekTimeNs it never yields the
   * constant Infinity, so V8 keeps the result a raw double instead of boxing it on the heap.
   */
  topTimeNs(): number {
    return this.data[0]!;
  }

  /** Sequence number of the earliest event; only meaningful when size > 0. */
  peekSeq(): number {
    return this.data[1]!;
  }

  push(timeNs: number, seq: number, kind: number, arg: number): void {
    if ((this.count + 1) * EVENT_STRIDE > this.data.length) this.grow();
    const d = this.data;
    let pos = this.count++;
    // Sift up: move parents down until the slot for the new event is found.
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      const p = parent * EVENT_STRIDE;
      const pt = d[p]!;
      if (pt < timeNs || (pt === timeNs && d[p + 1]! < seq)) break;
      const q = pos * EVENT_STRIDE;
      d[q] = pt;
      d[q + 1] = d[p + 1]!;
      d[q + 2] = d[p + 2]!;
      d[q + 3] = d[p + 3]!;
      pos = parent;
    }
    const q = pos * EVENT_STRIDE;
    d[q] = timeNs;
    d[q + 1] = seq;
    d[q + 2] = kind;
    d[q + 3] = arg;
  }

  pop(): boolean {
    if (this.count === 0) return false;
    const d = this.data;
    this.poppedTimeNs = d[0]!;
    this.poppedSeq = d[1]!;
    this.poppedKind = d[2]!;
    this.poppedArg = d[3]!;
    const last = --this.count;
    if (last === 0) return true;
    const l = last * EVENT_STRIDE;
    const t = d[l]!;
    const s = d[l + 1]!;
    const k = d[l + 2]!;
    const a = d[l + 3]!;
    this.siftDown(0, last, t, s, k, a);
    return true;
  }

  /** Appends without ordering; call heapify() before the next pop. Used for bulk loads. */
  appendUnordered(timeNs: number, seq: number, kind: number, arg: number): void {
    if ((this.count + 1) * EVENT_STRIDE > this.data.length) this.grow();
    const q = this.count++ * EVENT_STRIDE;
    const d = this.data;
    d[q] = timeNs;
    d[q + 1] = seq;
    d[q + 2] = kind;
    d[q + 3] = arg;
  }

  /** Restores heap order after bulk appends, in O(n) (Floyd). */
  heapify(): void {
    const d = this.data;
    const n = this.count;
    for (let start = (n >> 1) - 1; start >= 0; start--) {
      const q = start * EVENT_STRIDE;
      this.siftDown(start, n, d[q]!, d[q + 1]!, d[q + 2]!, d[q + 3]!);
    }
  }

  /** Moves the event (t, s, k, a) down from `pos` in a heap of `n` until its children are later. */
  private siftDown(start: number, n: number, t: number, s: number, k: number, a: number): void {
    const d = this.data;
    const half = n >> 1;
    let pos = start;
    while (pos < half) {
      let child = 2 * pos + 1;
      let c = child * EVENT_STRIDE;
      const right = child + 1;
      if (right < n) {
        const r = right * EVENT_STRIDE;
        const rt = d[r]!;
        const ct = d[c]!;
        if (rt < ct || (rt === ct && d[r + 1]! < d[c + 1]!)) {
          child = right;
          c = r;
        }
      }
      const ct = d[c]!;
      if (t < ct || (t === ct && s < d[c + 1]!)) break;
      const q = pos * EVENT_STRIDE;
      d[q] = ct;
      d[q + 1] = d[c + 1]!;
      d[q + 2] = d[c + 2]!;
      d[q + 3] = d[c + 3]!;
      pos = child;
    }
    const q = pos * EVENT_STRIDE;
    d[q] = t;
    d[q + 1] = s;
    d[q + 2] = k;
    d[q + 3] = a;
  }

  private grow(): void {
    const next = new Float64Array(this.data.length * 2);
    next.set(this.data);
    this.data = next;
  }
}
