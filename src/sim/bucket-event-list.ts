/**
 * A two-level ladder event list: the default event list of the kernel.
 *
 * Why not a binary heap: at 10^6 pending events a heap touches log2(10^6) = 20 cache lines per
 * operation, scattered over 32 MB, and runs at about 2 M holds per second here; even a heap of 32
 * events that sits in L1 costs about 60 ns per hold. This list keeps the events of the current bucket
 * as a sorted run read by a cursor (a pop is an array read), the rest of a time window in buckets
 * that are only appended to (contiguous blocks, so an insert touches one warm cache line), and
 * everything past the window in an unsorted "far" list. A bucket is sorted only when time reaches it,
 * as in a ladder queue (Tang, Goh and Thng, 2005) with one rung. Events scheduled into the current
 * bucket after it was sorted (zero-delay events, mostly) go to a small "late" heap, and a pop takes
 * the earlier of the run's head and the heap's top.
 * The window is re-cut from the far list when it is used up, with a bucket width chosen from a
 * sample of the far events so that a bucket holds about TARGET_PER_BUCKET events whatever the
 * distribution of delays.
 *
 * Order is exactly (time, seq): buckets partition time, and the near heap orders within one.
 */
import { BinaryHeapEventList } from './binary-heap-event-list.js';
import { EVENT_STRIDE, type EventList } from './event-list.js';

/** Events per bucket the width aims at: small enough to heapify in cache, large enough to amortise. */
const TARGET_PER_BUCKET = 32;
/** Events per storage block of a bucket (4 doubles each: 1 KiB per block). */
const BLOCK_EVENTS = 32;
const BLOCK_DOUBLES = BLOCK_EVENTS * EVENT_STRIDE;
const BUCKETS_MAX = 1 << 16;
const FAR_SAMPLE_MAX = 1024;
/** Above this many pending events the list leaves small mode for buckets (see enterSmallMode). */
const SMALL_MODE_MAX = 256;
/** At or below this many far events a window is one wide bucket (see cutWindow). */
const SMALL_POPULATION = 64;
/** A small population's window spans this many times the spread of its events. */
const SMALL_WINDOW_SPREADS = 8;
/** Buckets up to this size are sorted by insertion (fast in cache); larger ones through a heap. */
const INSERTION_SORT_MAX = 64;

export class BucketEventList implements EventList {
  /** The current bucket, sorted by (time, seq), consumed from runPos to runEnd. */
  private run = new Float64Array(256 * EVENT_STRIDE);
  private runPos = 0;
  private runEnd = 0;
  /** Events pushed into the current bucket's range after it was sorted. */
  private readonly late = new BinaryHeapEventList(256);

  // Window [windowStartNs, windowEndNs) cut into bucketCount buckets of widthNs (integers).
  private windowStartNs = 0;
  private windowEndNs = 0;
  private widthNs = 1;
  private bucketCount = 0;
  /** Next bucket to load; everything before nearEndNs is in the near heap. */
  private nextBucket = 0;
  /** Infinity in small mode: every event is in the late heap (see SMALL_MODE_MAX). */
  private nearEndNs = Infinity;

  private bucketHead = new Int32Array(BUCKETS_MAX).fill(-1);
  private bucketTail = new Int32Array(BUCKETS_MAX).fill(-1);
  private bucketSize = new Int32Array(BUCKETS_MAX);
  private bucketEvents = 0;

  // Block pool: blocks of BLOCK_EVENTS events, linked per bucket, recycled through a free stack.
  private blocks = new Float64Array(1024 * BLOCK_DOUBLES);
  private blockNext = new Int32Array(1024);
  private freeBlocks = new Int32Array(1024);
  private freeCount = 0;
  private blocksAllocated = 0;

  // Far list: unsorted events at or past windowEndNs.
  private far = new Float64Array(4096 * EVENT_STRIDE);
  /** Scratch for the strided sample that sets a window's bucket width. */
  private readonly sample = new Float64Array(FAR_SAMPLE_MAX);
  private farCount = 0;

  poppedTimeNs = 0;
  poppedSeq = 0;
  poppedKind = 0;
  poppedArg = 0;

  get size(): number {
    return (this.runEnd - this.runPos) / EVENT_STRIDE + this.late.size + this.bucketEvents + this.farCount;
  }

  clear(): void {
    this.runPos = 0;
    this.runEnd = 0;
    this.late.clear();
    for (let b = 0; b < this.bucketCount; b++) this.releaseBucket(b);
    this.bucketEvents = 0;
    this.farCount = 0;
    this.bucketCount = 0;
    this.nextBucket = 0;
    this.windowStartNs = 0;
    this.windowEndNs = 0;
    this.nearEndNs = Infinity;
  }

  push(timeNs: number, seq: number, kind: number, arg: number): void {
    if (timeNs < this.nearEndNs) {
      this.late.push(timeNs, seq, kind, arg);
      if (this.late.size > SMALL_MODE_MAX && this.nearEndNs === Infinity) this.leaveSmallMode();
    } else if (timeNs < this.windowEndNs) {
      this.appendToBucket(this.bucketIndex(timeNs), timeNs, seq, kind, arg);
    } else {
      this.appendFar(timeNs, seq, kind, arg);
    }
  }

  pop(): boolean {
    let pos = this.runPos;
    const late = this.late;
    if (pos === this.runEnd) {
      if (late.size === 0) {
        if (!this.refillNear()) return false;
        pos = this.runPos;
      } else {
        return this.popLate();
      }
      // A refill may have gone back to small mode, where the late heap holds everything.
      if (pos === this.runEnd) return this.popLate();
    }
    const run = this.run;
    if (late.size !== 0) {
      // The late heap's top wins only when strictly earlier in (time, seq).
      const lt = late.peekTimeNs();
      const rt = run[pos]!;
      if (lt < rt || (lt === rt && late.peekSeq() < run[pos + 1]!)) return this.popLate();
    }
    this.poppedTimeNs = run[pos]!;
    this.poppedSeq = run[pos + 1]!;
    this.poppedKind = run[pos + 2]!;
    this.poppedArg = run[pos + 3]!;
    this.runPos = pos + EVENT_STRIDE;
    return true;
  }

  private popLate(): boolean {
    const late = this.late;
    late.pop();
    this.poppedTimeNs = late.poppedTimeNs;
    this.poppedSeq = late.poppedSeq;
    this.poppedKind = late.poppedKind;
    this.poppedArg = late.poppedArg;
    return true;
  }

  peekTimeNs(): number {
    if (this.runPos === this.runEnd && this.late.size === 0 && !this.refillNear()) return Infinity;
    const lateNs = this.late.peekTimeNs();
    const runNs = this.runPos < this.runEnd ? this.run[this.runPos]! : Infinity;
    return lateNs < runNs ? lateNs : runNs;
  }

  /** Sorts the next non-empty bucket (re-cutting the window when needed) into the run. */
  private refillNear(): boolean {
    for (;;) {
      while (this.nextBucket < this.bucketCount) {
        const b = this.nextBucket++;
        this.nearEndNs = b + 1 === this.bucketCount ? this.windowEndNs : this.windowStartNs + (b + 1) * this.widthNs;
        if (this.bucketSize[b] !== 0) {
          this.loadBucket(b);
          return true;
        }
      }
      if (this.farCount === 0) return false;
      if (this.farCount <= SMALL_MODE_MAX / 2) {
        this.enterSmallMode();
        return true;
      }
      this.cutWindow();
    }
  }

  /**
   * Small mode: with a few dozen events pending (one queue, a quiet model) buckets cost more than
   * they save, so every event lives in the late heap, which is then simply a small binary heap.
   */
  private enterSmallMode(): void {
    const far = this.far;
    for (let i = 0; i < this.farCount; i++) {
      const q = i * EVENT_STRIDE;
      this.late.push(far[q]!, far[q + 1]!, far[q + 2]!, far[q + 3]!);
    }
    this.farCount = 0;
    this.bucketCount = 0;
    this.nextBucket = 0;
    this.nearEndNs = Infinity;
  }

  /** Back to buckets once the population outgrows small mode: everything goes far, to be cut. */
  private leaveSmallMode(): void {
    const late = this.late;
    while (late.pop()) this.appendFar(late.poppedTimeNs, late.poppedSeq, late.poppedKind, late.poppedArg);
    this.nearEndNs = -Infinity;
    this.windowEndNs = -Infinity;
    this.bucketCount = 0;
    this.nextBucket = 0;
  }

  private bucketIndex(timeNs: number): number {
    const offset = timeNs - this.windowStartNs;
    let b = Math.floor(offset / this.widthNs);
    // Guard against the division rounding up across a boundary for very wide buckets.
    if (b * this.widthNs > offset) b--;
    else if ((b + 1) * this.widthNs <= offset) b++;
    if (b < this.nextBucket) b = this.nextBucket; // never happens while nearEndNs is exact; keeps order safe
    return b;
  }

  private appendToBucket(b: number, timeNs: number, seq: number, kind: number, arg: number): void {
    let tail = this.bucketTail[b]!;
    const used = this.bucketSize[b]! % BLOCK_EVENTS;
    if (tail < 0 || used === 0) {
      const block = this.allocBlock();
      if (tail < 0) this.bucketHead[b] = block;
      else this.blockNext[tail] = block;
      this.bucketTail[b] = block;
      tail = block;
    }
    const q = tail * BLOCK_DOUBLES + used * EVENT_STRIDE;
    const blocks = this.blocks;
    blocks[q] = timeNs;
    blocks[q + 1] = seq;
    blocks[q + 2] = kind;
    blocks[q + 3] = arg;
    this.bucketSize[b]!++;
    this.bucketEvents++;
  }

  private loadBucket(b: number): void {
    const blocks = this.blocks;
    let remaining = this.bucketSize[b]!;
    const count = remaining;
    if (count * EVENT_STRIDE > this.run.length) {
      let capacity = this.run.length;
      while (capacity < count * EVENT_STRIDE) capacity *= 2;
      this.run = new Float64Array(capacity);
    }
    const run = this.run;
    let block = this.bucketHead[b]!;
    this.bucketEvents -= remaining;
    let w = 0;
    while (block >= 0) {
      const n = remaining < BLOCK_EVENTS ? remaining : BLOCK_EVENTS;
      const from = block * BLOCK_DOUBLES;
      run.set(blocks.subarray(from, from + n * EVENT_STRIDE), w);
      w += n * EVENT_STRIDE;
      remaining -= n;
      const next = this.blockNext[block]!;
      this.freeBlocks[this.freeCount++] = block;
      block = next;
    }
    this.bucketHead[b] = -1;
    this.bucketTail[b] = -1;
    this.bucketSize[b] = 0;
    this.runPos = 0;
    this.runEnd = count * EVENT_STRIDE;
    if (count <= INSERTION_SORT_MAX) sortRunByInsertion(run, count);
    else sortRunByHeap(run, count, this.late);
  }

  private releaseBucket(b: number): void {
    let block = this.bucketHead[b]!;
    while (block >= 0) {
      const next = this.blockNext[block]!;
      this.freeBlocks[this.freeCount++] = block;
      block = next;
    }
    this.bucketHead[b] = -1;
    this.bucketTail[b] = -1;
    this.bucketSize[b] = 0;
  }

  private allocBlock(): number {
    let block: number;
    if (this.freeCount > 0) {
      block = this.freeBlocks[--this.freeCount]!;
    } else {
      if (this.blocksAllocated === this.blockNext.length) this.growBlocks();
      block = this.blocksAllocated++;
    }
    this.blockNext[block] = -1;
    return block;
  }

  private growBlocks(): void {
    const capacity = this.blockNext.length * 2;
    const blocks = new Float64Array(capacity * BLOCK_DOUBLES);
    blocks.set(this.blocks);
    this.blocks = blocks;
    const next = new Int32Array(capacity);
    next.set(this.blockNext);
    this.blockNext = next;
    const free = new Int32Array(capacity);
    free.set(this.freeBlocks.subarray(0, this.freeCount));
    this.freeBlocks = free;
  }

  private appendFar(timeNs: number, seq: number, kind: number, arg: number): void {
    if ((this.farCount + 1) * EVENT_STRIDE > this.far.length) {
      const grown = new Float64Array(this.far.length * 2);
      grown.set(this.far);
      this.far = grown;
    }
    const q = this.farCount++ * EVENT_STRIDE;
    const far = this.far;
    far[q] = timeNs;
    far[q + 1] = seq;
    far[q + 2] = kind;
    far[q + 3] = arg;
  }

  /**
   * Re-cuts the window from the far list: the width comes from the spacing of the earliest quarter
   * of a strided sample, so a few very late events (day-long timeouts) do not make buckets so wide
   * that everything lands in one. Events past the new window stay in the far list.
   */
  private cutWindow(): void {
    const far = this.far;
    const n = this.farCount;
    let minNs = Infinity;
    for (let i = 0; i < n; i++) {
      const t = far[i * EVENT_STRIDE]!;
      if (t < minNs) minNs = t;
    }
    let widthNs: number;
    let bucketCount = 1;
    if (n <= SMALL_POPULATION) {
      // A handful of events (a single queue): one bucket spanning several times their spread, so
      // that new events land inside it (in the late heap) instead of forcing a re-cut every pop.
      let maxNs = minNs;
      for (let i = 0; i < n; i++) maxNs = Math.max(maxNs, far[i * EVENT_STRIDE]!);
      widthNs = Math.max(1, Math.ceil((maxNs - minNs + 1) * SMALL_WINDOW_SPREADS));
    } else {
      const sampleSize = Math.min(n, FAR_SAMPLE_MAX);
      const stride = n / sampleSize;
      const sample = this.sample.subarray(0, sampleSize);
      for (let i = 0; i < sampleSize; i++) sample[i] = far[Math.floor(i * stride) * EVENT_STRIDE]!;
      sample.sort();
      const quarter = Math.max(1, Math.floor(sampleSize / 4));
      const spanNs = sample[quarter]! - minNs;
      const eventsInSpan = (quarter / sampleSize) * n;
      widthNs = Math.ceil((spanNs / Math.max(1, eventsInSpan)) * TARGET_PER_BUCKET);
      if (!(widthNs >= 1)) widthNs = 1;
      while (bucketCount < BUCKETS_MAX && bucketCount * TARGET_PER_BUCKET < n) bucketCount <<= 1;
    }

    this.windowStartNs = minNs;
    this.widthNs = widthNs;
    this.bucketCount = bucketCount;
    this.windowEndNs = minNs + bucketCount * widthNs;
    this.nextBucket = 0;
    this.nearEndNs = minNs;

    // Scatter the far events into buckets, compacting the ones that stay far in place.
    let kept = 0;
    for (let i = 0; i < n; i++) {
      const q = i * EVENT_STRIDE;
      const t = far[q]!;
      if (t < this.windowEndNs) {
        this.appendToBucket(this.bucketIndex(t), t, far[q + 1]!, far[q + 2]!, far[q + 3]!);
      } else {
        const k = kept++ * EVENT_STRIDE;
        far[k] = t;
        far[k + 1] = far[q + 1]!;
        far[k + 2] = far[q + 2]!;
        far[k + 3] = far[q + 3]!;
      }
    }
    this.farCount = kept;
  }
}

/** Stable insertion sort of `count` events in place by (time, seq). */
function sortRunByInsertion(run: Float64Array, count: number): void {
  const end = count * EVENT_STRIDE;
  for (let i = EVENT_STRIDE; i < end; i += EVENT_STRIDE) {
    const t = run[i]!;
    const s = run[i + 1]!;
    let j = i - EVENT_STRIDE;
    if (run[j]! < t || (run[j] === t && run[j + 1]! < s)) continue;
    const k = run[i + 2]!;
    const a = run[i + 3]!;
    while (j >= 0 && (run[j]! > t || (run[j] === t && run[j + 1]! > s))) {
      run[j + 4] = run[j]!;
      run[j + 5] = run[j + 1]!;
      run[j + 6] = run[j + 2]!;
      run[j + 7] = run[j + 3]!;
      j -= EVENT_STRIDE;
    }
    run[j + 4] = t;
    run[j + 5] = s;
    run[j + 6] = k;
    run[j + 7] = a;
  }
}

/**
 * Sorts a large bucket (a burst of events at nearly one time) through a heap: O(n log n) whatever the
 * input. `scratch` must be empty; it is left empty.
 */
function sortRunByHeap(run: Float64Array, count: number, scratch: BinaryHeapEventList): void {
  for (let q = 0; q < count * EVENT_STRIDE; q += EVENT_STRIDE) {
    scratch.appendUnordered(run[q]!, run[q + 1]!, run[q + 2]!, run[q + 3]!);
  }
  scratch.heapify();
  for (let q = 0; q < count * EVENT_STRIDE; q += EVENT_STRIDE) {
    scratch.pop();
    run[q] = scratch.poppedTimeNs;
    run[q + 1] = scratch.poppedSeq;
    run[q + 2] = scratch.poppedKind;
    run[q + 3] = scratch.poppedArg;
  }
}
