/**
 * Sorts one coarse bucket of the ladder (bucket-event-list.ts) into its run, by (time, seq).
 *
 * Why a distribution sort: a bucket holds hundreds of events spread fairly evenly over its width, so
 * cutting the width into about one slot per event and counting puts nearly every event in its final
 * place in two linear passes; only the few that share a slot need comparing. That is a few operations
 * per event whatever the bucket's size, where an insertion sort grows with it and a heap sort costs
 * log2(n) passes over memory. The slot is a monotonic function of time, so slots never disorder
 * events; within a slot, order is settled by comparing (time, seq), so correctness never depends on
 * how evenly the events spread. A slot with many events (a burst at one instant) is checked for order
 * and, only if out of order, heap-sorted, so the worst case stays O(n log n).
 */
import type { BinaryHeapEventList } from './binary-heap-event-list.js';
import { EVENT_STRIDE } from './event-list.js';

/** Slots up to this size are sorted by insertion (fast in cache); larger ones through a heap. */
const INSERTION_SORT_MAX = 32;

export class BucketSorter {
  /** Slot of each event of the bucket, in block order. */
  private slotOf = new Int32Array(1024);
  /** Per slot: first the count, then (after the prefix sum) where its next event goes in the run. */
  private slotNext = new Int32Array(1025);

  /**
   * Sorts the `count` events of a bucket, stored in the linked blocks from `head` (each of
   * `blockEvents` events), into `run`. The bucket covers positions [bucket, bucket + 1), where an
   * event's position is (time - startNs) * bucketsPerNs, exactly as the ladder computed it.
   * `scratch` must be empty; it is left empty.
   */
  sortBlocks(
    blocks: Float64Array,
    blockNext: Int32Array,
    head: number,
    blockEvents: number,
    count: number,
    run: Float64Array,
    startNs: number,
    bucketsPerNs: number,
    bucket: number,
    scratch: BinaryHeapEventList,
  ): void {
    let slots = 1;
    while (slots < count) slots <<= 1;
    if (this.slotOf.length < count) this.slotOf = new Int32Array(slots);
    if (this.slotNext.length < slots + 1) this.slotNext = new Int32Array(slots + 1);
    const slotOf = this.slotOf;
    const slotNext = this.slotNext;
    slotNext.fill(0, 0, slots + 1);
    const blockDoubles = blockEvents * EVENT_STRIDE;
    const lastSlot = slots - 1;

    // Pass 1: each event's slot, and the size of each slot (counted one place up, for the prefix sum).
    let block = head;
    let remaining = count;
    let i = 0;
    while (remaining > 0) {
      const n = remaining < blockEvents ? remaining : blockEvents;
      const base = block * blockDoubles;
      for (let q = base; q < base + n * EVENT_STRIDE; q += EVENT_STRIDE) {
        // In [0, 1) in exact arithmetic; rounding can only reach 1, hence the clamp.
        let slot = (((blocks[q]! - startNs) * bucketsPerNs - bucket) * slots) | 0;
        if (slot > lastSlot) slot = lastSlot;
        slotOf[i++] = slot;
        slotNext[slot + 1]!++;
      }
      remaining -= n;
      block = blockNext[block]!;
    }
    for (let s = 1; s <= slots; s++) slotNext[s]! += slotNext[s - 1]!;

    // Pass 2: every event to the next free place of its slot, so a slot keeps block (push) order.
    block = head;
    remaining = count;
    i = 0;
    while (remaining > 0) {
      const n = remaining < blockEvents ? remaining : blockEvents;
      const base = block * blockDoubles;
      for (let q = base; q < base + n * EVENT_STRIDE; q += EVENT_STRIDE) {
        const r = slotNext[slotOf[i++]!]!++ * EVENT_STRIDE;
        run[r] = blocks[q]!;
        run[r + 1] = blocks[q + 1]!;
        run[r + 2] = blocks[q + 2]!;
        run[r + 3] = blocks[q + 3]!;
      }
      remaining -= n;
      block = blockNext[block]!;
    }

    // Now slotNext[s] is where slot s ends; order the slots that hold more than one event.
    let from = 0;
    for (let s = 0; s < slots; s++) {
      const to = slotNext[s]!;
      if (to - from > 1) sortRange(run, from, to, scratch);
      from = to;
    }
  }
}

/** Sorts events [from, to) of `run` by (time, seq). */
function sortRange(run: Float64Array, from: number, to: number, scratch: BinaryHeapEventList): void {
  if (to - from <= INSERTION_SORT_MAX) sortByInsertion(run, from, to);
  else if (!isSorted(run, from, to)) sortByHeap(run, from, to, scratch);
}

function isSorted(run: Float64Array, from: number, to: number): boolean {
  for (let q = (from + 1) * EVENT_STRIDE; q < to * EVENT_STRIDE; q += EVENT_STRIDE) {
    const p = q - EVENT_STRIDE;
    if (run[p]! > run[q]! || (run[p] === run[q] && run[p + 1]! > run[q + 1]!)) return false;
  }
  return true;
}

/** Stable insertion sort of events [from, to) in place by (time, seq). */
function sortByInsertion(run: Float64Array, from: number, to: number): void {
  const start = from * EVENT_STRIDE;
  for (let i = start + EVENT_STRIDE; i < to * EVENT_STRIDE; i += EVENT_STRIDE) {
    const t = run[i]!;
    const s = run[i + 1]!;
    let j = i - EVENT_STRIDE;
    if (run[j]! < t || (run[j] === t && run[j + 1]! < s)) continue;
    const k = run[i + 2]!;
    const a = run[i + 3]!;
    while (j >= start && (run[j]! > t || (run[j] === t && run[j + 1]! > s))) {
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

/** Sorts events [from, to) through a heap: O(n log n) whatever the input. */
function sortByHeap(run: Float64Array, from: number, to: number, scratch: BinaryHeapEventList): void {
  for (let q = from * EVENT_STRIDE; q < to * EVENT_STRIDE; q += EVENT_STRIDE) {
    scratch.appendUnordered(run[q]!, run[q + 1]!, run[q + 2]!, run[q + 3]!);
  }
  scratch.heapify();
  for (let q = from * EVENT_STRIDE; q < to * EVENT_STRIDE; q += EVENT_STRIDE) {
    scratch.pop();
    run[q] = scratch.poppedTimeNs;
    run[q + 1] = scratch.poppedSeq;
    run[q + 2] = scratch.poppedKind;
    run[q + 3] = scratch.poppedArg;
  }
}
