/**
 * A two-level ladder event list: the default event list of the kernel.
 *
 * Why not a binary heap: at 10^6 pending events a heap touches log2(10^6) = 20 cache lines per
 * operation, scattered over 32 MB, and runs at about 2 M holds per second here. This list keeps the
 * events of the current bucket as a sorted run read by a cursor (a pop is an array read), the rest of
 * a time window in a few thousand coarse buckets that are only appended to, and everything past the
 * window in an unsorted "far" list. A bucket is sorted only when time reaches it, as in a ladder
 * queue (Tang, Goh and Thng, 2005). Events scheduled into the current bucket after it was sorted
 * (zero-delay events, mostly) go to a small "late" heap, and a pop takes the earlier of the run's
 * head and the heap's top.
 *
 * Why few, coarse buckets (hundreds of events each) rather than many small ones: memory, not
 * arithmetic, is the limit at 10^6 pending events. A push writes to the tail of its bucket; with a
 * few thousand buckets those tails stay in cache and each bucket fills its blocks like a stream,
 * whereas with tens of thousands every push missed the cache. And a window wide enough to hold every
 * pending event means an event is moved once (pushed into its bucket, then sorted out of it) instead
 * of being re-read from the far list at every re-cut. A coarse bucket is sorted in cache by
 * distribution (see sortBucketRun), which costs a few operations per event whatever its size.
 *
 * With at most SMALL_MODE_MAX events pending there are no buckets: small mode keeps every event in
 * the late heap, and tiny mode (at most TINY_MAX, e.g. M/M/1's one or two) keeps them sorted in the
 * run itself.
 *
 * Order is exactly (time, seq): an event's bucket is a monotonic function of its time (see push),
 * so buckets partition time in order, and each bucket is sorted by (time, seq).
 */
import { BinaryHeapEventList } from './binary-heap-event-list.js';
import { EVENT_STRIDE, type EventList } from './event-list.js';
import { BucketSorter } from './bucket-sort.js';
import { DOUBLE_ZERO } from './stable-shapes.js';

/**
 * Events per coarse bucket the width aims at, where the far events are densest: about the square
 * root of the population, within these bounds. Larger buckets amortise their load and sort and keep
 * fewer bucket tails in cache; smaller ones send fewer pushes to the late heap (a push lands in the
 * current bucket about once in n / perBucket). Measured on the hold model, per CPU second: at 10^3
 * pending 64 beat 512 by 22%, at 10^5 512 beat 64 by 25%, at 10^6 1024 beat 512 by 12%.
 */
const TARGET_PER_BUCKET_MIN = 64;
const TARGET_PER_BUCKET_MAX = 1024;
/** Events per storage block of a bucket (4 doubles each: 1 KiB per block). */
const BLOCK_EVENTS = 32;
const BLOCK_DOUBLES = BLOCK_EVENTS * EVENT_STRIDE;
const BLOCK_SHIFT = Math.log2(BLOCK_DOUBLES);
const BLOCK_MASK = BLOCK_DOUBLES - 1;
/** At most this many buckets in a window: enough to span 10^6 exponential delays at the target. */
const BUCKETS_MAX = 1 << 15;
const FAR_SAMPLE_MAX = 1024;
/**
 * Tiny mode (a small mode with at most this many events) keeps them sorted in the run itself, so a
 * pop takes pop()'s inlined fast path and a push is an insertion into a few slots (see insertTiny).
 */
const TINY_MAX = 8;
/** TINY_MAX events in doubles of the run. */
const TINY_MAX_DOUBLES = TINY_MAX * EVENT_STRIDE;
// insertTiny writes the event stride as the literal 4 (it says why); this stops the module from
// loading, rather than misplacing events, should the stride ever change.
if (EVENT_STRIDE !== 4) throw new Error(`bucket event list: insertTiny assumes an event stride of 4, not ${EVENT_STRIDE}`);
/** Small mode turns tiny once its heap is down to this many events (hysteresis against TINY_MAX). */
const TINY_ENTER_MAX = 4;
/** Above this many pending events the list leaves small mode for buckets (see enterSmallMode). */
const SMALL_MODE_MAX = 256;
/** At or below this many far events a window is one wide bucket (see cutWindow). */
const SMALL_POPULATION = 64;
/** A small population's window spans this many times the spread of its events. */
const SMALL_WINDOW_SPREADS = 8;

export class BucketEventList implements EventList {
  /** The current bucket, sorted by (time, seq), consumed from runPos to runEnd. */
  private run = new Float64Array(1024 * EVENT_STRIDE);
  private runPos = 0;
  private runEnd = 0;
  /** Events pushed into the current bucket's range after it was sorted. */
  private readonly late = new BinaryHeapEventList(256);
  private readonly sorter = new BucketSorter();
  private pending = 0;

  // The window: an event at t has bucket position (t - windowStartNs) * bucketsPerNs; its bucket is
  // the integer part. Computed the same way everywhere, so the bucket is monotonic in t.
  private windowStartNs = DOUBLE_ZERO;
  private bucketsPerNs = DOUBLE_ZERO;
  private bucketCount = 0;
  /** Next bucket to load. Positions below lateBelow go to the late heap: Infinity in small mode. */
  private nextBucket = 0;
  private lateBelow = Infinity;
  /** Small mode with its events in the run rather than the late heap (see TINY_MAX). */
  private tiny = false;

  /** Per bucket: where its next event goes in `blocks` (in doubles); 0 for an empty bucket. */
  private bucketWritePos = new Int32Array(BUCKETS_MAX);
  private bucketHead = new Int32Array(BUCKETS_MAX);

  // Block pool: blocks of BLOCK_EVENTS events, linked per bucket, recycled through a free stack.
  // Block 0 is never used, so that a write position of 0 can mean "no block yet".
  private blocks = new Float64Array(1024 * BLOCK_DOUBLES);
  private blockNext = new Int32Array(1024);
  private freeBlocks = new Int32Array(1024);
  private freeCount = 0;
  private blocksAllocated = 1;

  // Far list: unsorted events at or past the window's end.
  private far = new Float64Array(4096 * EVENT_STRIDE);
  private farCount = 0;
  /** Scratch for the strided sample that sets a window's bucket width. */
  private readonly sample = new Float64Array(FAR_SAMPLE_MAX);

  poppedTimeNs = DOUBLE_ZERO;
  poppedSeq = DOUBLE_ZERO;
  poppedKind = DOUBLE_ZERO;
  poppedArg = DOUBLE_ZERO;

  get size(): number {
    return this.pending;
  }

  clear(): void {
    this.runPos = 0;
    this.runEnd = 0;
    this.late.clear();
    for (let b = this.nextBucket; b < this.bucketCount; b++) this.releaseBucket(b);
    this.pending = 0;
    this.farCount = 0;
    this.bucketCount = 0;
    this.nextBucket = 0;
    this.windowStartNs = 0;
    this.bucketsPerNs = 0;
    this.lateBelow = Infinity;
    this.tiny = false;
  }

  push(timeNs: number, seq: number, kind: number, arg: number): void {
    this.pending++;
    // Tiny mode straight to its insertion: through pushSlow it was a call that V8 did not inline.
    if (this.tiny) {
      this.insertTiny(timeNs, seq, kind, arg);
      return;
    }
    const position = (timeNs - this.windowStartNs) * this.bucketsPerNs;
    // The common case inline: into a bucket whose last block has room. Kept small so that V8
    // inlines push into its caller; a call that is not inlined boxes timeNs (above 2^30) on the heap.
    if (position >= this.lateBelow && position < this.bucketCount) {
      const b = position | 0;
      const q = this.bucketWritePos[b]!;
      if ((q & BLOCK_MASK) !== 0) {
        const blocks = this.blocks;
        blocks[q] = timeNs;
        blocks[q + 1] = seq;
        blocks[q + 2] = kind;
        blocks[q + 3] = arg;
        this.bucketWritePos[b] = q + EVENT_STRIDE;
        return;
      }
    }
    this.pushSlow(position, timeNs, seq, kind, arg);
  }

  /** push() for a bucket's first event or a new block, the far list and the late heap. */
  private pushSlow(position: number, timeNs: number, seq: number, kind: number, arg: number): void {
    if (position >= this.lateBelow) {
      if (position < this.bucketCount) this.appendToBucket(position | 0, timeNs, seq, kind, arg);
      else this.appendFar(timeNs, seq, kind, arg);
    } else if (this.tiny) {
      this.insertTiny(timeNs, seq, kind, arg);
    } else {
      this.late.push(timeNs, seq, kind, arg);
      if (this.late.size > SMALL_MODE_MAX && this.lateBelow === Infinity) this.leaveSmallMode();
    }
  }

  pop(): boolean {
    const pos = this.runPos;
    // The common case first and small, so that it inlines into the dispatch loop.
    if (pos !== this.runEnd && this.late.size === 0) {
      const run = this.run;
      this.pending--;
      this.poppedTimeNs = run[pos]!;
      this.poppedSeq = run[pos + 1]!;
      this.poppedKind = run[pos + 2]!;
      this.poppedArg = run[pos + 3]!;
      this.runPos = pos + EVENT_STRIDE;
      return true;
    }
    return this.popSlow();
  }

  /**
   * pop() when the run is used up or the late heap holds events. Written without a double crossing
   * a call (each such value is boxed on the heap), since up to a fifth of pops come this way.
   */
  private popSlow(): boolean {
    if (this.runPos === this.runEnd) {
      if (this.late.size === 0 && !this.refillNear()) return false;
      // The late heap holds events, or a refill went back to small mode, where it holds everything.
      if (this.runPos === this.runEnd) return this.popLate();
    }
    if (this.late.size !== 0 && this.lateIsFirst()) return this.popLate();
    const run = this.run;
    const pos = this.runPos;
    this.pending--;
    this.poppedTimeNs = run[pos]!;
    this.poppedSeq = run[pos + 1]!;
    this.poppedKind = run[pos + 2]!;
    this.poppedArg = run[pos + 3]!;
    this.runPos = pos + EVENT_STRIDE;
    return true;
  }

  /** Whether the late heap's top is strictly earlier in (time, seq) than the run's head. */
  private lateIsFirst(): boolean {
    const late = this.late;
    const lt = late.topTimeNs();
    const rt = this.run[this.runPos]!;
    return lt < rt || (lt === rt && late.peekSeq() < this.run[this.runPos + 1]!);
  }

  private popLate(): boolean {
    const late = this.late;
    late.pop();
    this.pending--;
    this.poppedTimeNs = late.poppedTimeNs;
    this.poppedSeq = late.poppedSeq;
    this.poppedKind = late.poppedKind;
    this.poppedArg = late.poppedArg;
    // In small mode the run is empty, so the heap's few remaining events can move there.
    if (late.size <= TINY_ENTER_MAX && this.lateBelow === Infinity) this.enterTiny();
    return true;
  }

  /** From small mode to tiny mode: the late heap's events, popped in order, become the run. */
  private enterTiny(): void {
    const late = this.late;
    const run = this.run;
    let q = 0;
    while (late.pop()) {
      run[q] = late.poppedTimeNs;
      run[q + 1] = late.poppedSeq;
      run[q + 2] = late.poppedKind;
      run[q + 3] = late.poppedArg;
      q += EVENT_STRIDE;
    }
    this.runPos = 0;
    this.runEnd = q;
    this.tiny = true;
  }

  /**
   * A push in tiny mode: insertion into the sorted run. Kept under 270 bytes of bytecode, so that V8
   * inlines it into a caller that has already inlined the kernel's scheduleAt and push (an M/M/1
   * departure does; at 312 bytes it did not, and each departure paid a call): the event stride is
   * written as the literal 4 (an imported constant costs a load and a hole check at each use), and
   * the two rare cases share one call.
   */
  private insertTiny(timeNs: number, seq: number, kind: number, arg: number): void {
    const run = this.run;
    const end = this.runEnd;
    if (end - this.runPos >= TINY_MAX_DOUBLES || end + 4 > run.length) {
      this.insertTinyRare(timeNs, seq, kind, arg);
      return;
    }
    let j = end - 4;
    while (j >= this.runPos && (run[j]! > timeNs || (run[j] === timeNs && run[j + 1]! > seq))) {
      run[j + 4] = run[j]!;
      run[j + 5] = run[j + 1]!;
      run[j + 6] = run[j + 2]!;
      run[j + 7] = run[j + 3]!;
      j -= 4;
    }
    run[j + 4] = timeNs;
    run[j + 5] = seq;
    run[j + 6] = kind;
    run[j + 7] = arg;
    this.runEnd = end + 4;
  }

  /** insertTiny past TINY_MAX events (back to small mode), or at the end of the run (compacted first). */
  private insertTinyRare(timeNs: number, seq: number, kind: number, arg: number): void {
    if (this.runEnd - this.runPos >= TINY_MAX_DOUBLES) {
      this.leaveTiny(timeNs, seq, kind, arg);
      return;
    }
    this.compactRun();
    this.insertTiny(timeNs, seq, kind, arg);
  }

  /** Tiny mode past TINY_MAX events: back to small mode, every event in the late heap. */
  private leaveTiny(timeNs: number, seq: number, kind: number, arg: number): void {
    const run = this.run;
    for (let q = this.runPos; q < this.runEnd; q += EVENT_STRIDE) this.late.push(run[q]!, run[q + 1]!, run[q + 2]!, run[q + 3]!);
    this.late.push(timeNs, seq, kind, arg);
    this.runPos = 0;
    this.runEnd = 0;
    this.tiny = false;
  }

  /** Moves tiny mode's events to the start of the run, when they reach its end. */
  private compactRun(): void {
    this.run.copyWithin(0, this.runPos, this.runEnd);
    this.runEnd -= this.runPos;
    this.runPos = 0;
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
        this.lateBelow = this.nextBucket;
        if (this.bucketWritePos[b] !== 0) {
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
    this.lateBelow = Infinity;
  }

  /** Back to buckets once the population outgrows small mode: everything goes far, to be cut. */
  private leaveSmallMode(): void {
    const late = this.late;
    while (late.pop()) this.appendFar(late.poppedTimeNs, late.poppedSeq, late.poppedKind, late.poppedArg);
    this.lateBelow = -Infinity;
    this.bucketCount = 0;
    this.nextBucket = 0;
  }

  private appendToBucket(b: number, timeNs: number, seq: number, kind: number, arg: number): void {
    let q = this.bucketWritePos[b]!;
    if ((q & BLOCK_MASK) === 0) {
      // No block yet, or the last one is full.
      const block = this.allocBlock();
      if (q === 0) this.bucketHead[b] = block;
      else this.blockNext[(q - 1) >> BLOCK_SHIFT] = block;
      q = block << BLOCK_SHIFT;
    }
    const blocks = this.blocks;
    blocks[q] = timeNs;
    blocks[q + 1] = seq;
    blocks[q + 2] = kind;
    blocks[q + 3] = arg;
    this.bucketWritePos[b] = q + EVENT_STRIDE;
  }

  /** Sorts bucket b into the run and frees its blocks. */
  private loadBucket(b: number): void {
    const endPos = this.bucketWritePos[b]!;
    const head = this.bucketHead[b]!;
    const lastBlock = (endPos - 1) >> BLOCK_SHIFT;
    let count = (endPos - (lastBlock << BLOCK_SHIFT)) / EVENT_STRIDE;
    for (let block = head; block !== lastBlock; block = this.blockNext[block]!) count += BLOCK_EVENTS;
    if (count * EVENT_STRIDE > this.run.length) {
      let capacity = this.run.length;
      while (capacity < count * EVENT_STRIDE) capacity *= 2;
      this.run = new Float64Array(capacity);
    }
    this.sorter.sortBlocks(this.blocks, this.blockNext, head, BLOCK_EVENTS, count, this.run, this.windowStartNs, this.bucketsPerNs, b, this.late);
    for (let block = head; ; block = this.blockNext[block]!) {
      this.freeBlocks[this.freeCount++] = block;
      if (block === lastBlock) break;
    }
    this.bucketWritePos[b] = 0;
    this.runPos = 0;
    this.runEnd = count * EVENT_STRIDE;
  }

  private releaseBucket(b: number): void {
    const endPos = this.bucketWritePos[b]!;
    if (endPos === 0) return;
    const lastBlock = (endPos - 1) >> BLOCK_SHIFT;
    for (let block = this.bucketHead[b]!; ; block = this.blockNext[block]!) {
      this.freeBlocks[this.freeCount++] = block;
      if (block === lastBlock) break;
    }
    this.bucketWritePos[b] = 0;
  }

  private allocBlock(): number {
    if (this.freeCount > 0) return this.freeBlocks[--this.freeCount]!;
    if (this.blocksAllocated === this.blockNext.length) this.growBlocks();
    return this.blocksAllocated++;
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
   * Re-cuts the window from the far list. The width comes from the spacing of the earliest quarter
   * of a strided sample, so a few very late events (day-long timeouts) do not make buckets so wide
   * that everything lands in one; the window then spans every far event, up to BUCKETS_MAX buckets.
   * Events past the new window stay in the far list.
   */
  private cutWindow(): void {
    const far = this.far;
    const n = this.farCount;
    let minNs = Infinity;
    let maxNs = -Infinity;
    for (let q = 0; q < n * EVENT_STRIDE; q += EVENT_STRIDE) {
      const t = far[q]!;
      if (t < minNs) minNs = t;
      if (t > maxNs) maxNs = t;
    }
    let widthNs: number;
    if (n <= SMALL_POPULATION) {
      // A handful of events (a single queue): one bucket spanning several times their spread, so
      // that new events land inside it (in the late heap) instead of forcing a re-cut every pop.
      widthNs = Math.max(1, (maxNs - minNs + 1) * SMALL_WINDOW_SPREADS);
    } else {
      const sampleSize = Math.min(n, FAR_SAMPLE_MAX);
      const stride = n / sampleSize;
      const sample = this.sample.subarray(0, sampleSize);
      for (let i = 0; i < sampleSize; i++) sample[i] = far[Math.floor(i * stride) * EVENT_STRIDE]!;
      sample.sort();
      const quarter = Math.max(1, Math.floor(sampleSize / 4));
      const spanNs = sample[quarter]! - minNs;
      const eventsInSpan = (quarter / sampleSize) * n;
      const perBucket = Math.min(TARGET_PER_BUCKET_MAX, Math.max(TARGET_PER_BUCKET_MIN, Math.sqrt(n)));
      widthNs = (spanNs / Math.max(1, eventsInSpan)) * perBucket;
      if (!(widthNs >= 1)) widthNs = 1;
    }
    const bucketsPerNs = 1 / widthNs;
    const bucketCount = Math.min(BUCKETS_MAX, Math.floor((maxNs - minNs) * bucketsPerNs) + 1);

    this.windowStartNs = minNs;
    this.bucketsPerNs = bucketsPerNs;
    this.bucketCount = bucketCount;
    this.nextBucket = 0;
    this.lateBelow = 0;

    // Scatter the far events into buckets, compacting the ones that stay far in place.
    let kept = 0;
    for (let q = 0; q < n * EVENT_STRIDE; q += EVENT_STRIDE) {
      const t = far[q]!;
      const position = (t - minNs) * bucketsPerNs;
      if (position < bucketCount) {
        this.appendToBucket(position | 0, t, far[q + 1]!, far[q + 2]!, far[q + 3]!);
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
