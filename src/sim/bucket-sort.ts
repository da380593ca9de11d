/**
 * Sorts one coarse bucket of the ladder (bucket-event-list.ts) into its run, by (time, seq).
 *
 * Why a distribution sort: a bucket holds hundreds of events spread fairly evenly over its width, so
 * cutting the width into about one slot per event and counting puts nearly every event in its final
 * place in two linear passes; only the few that share a slot need comparing. That is a few operations
 * per event whatever the bucket's size, where an insertion sort grows with it and a heap sort costs
 * log2(n) passes over memory. The slot is a monotonic function of time, so slots never disorder
 * events; within a slot, order is settled by comparing (time, seq), so correctness never depends on
 * how evenly the events spread. Should a crowded slot make that slow, a heap sort takes over, so the
 * worst case stays O(n log n).
 */
import type { BinaryHeapEventList } from './binary-heap-event-list.js';
import { EVENT_STRIDE } from './event-list.js';

/**
 * Shifts per event the insertion pass may make before giving up for a heap sort. Evenly spread
 * events share slots in pairs and triples and cost well under one; a burst at one instant with its
 * seqs out of order (timer wheel firings) can cost n^2 / 4.
 */
const INSERTION_MOVES_PER_EVENT = 8;

export class BucketSorter {
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
    if (this.slotNext.length < slots + 1) this.slotNext = new Int32Array(slots + 1);
    const slotNext = this.slotNext;
    slotNext.fill(0, 0, slots + 1);
    const blockDoubles = blockEvents * EVENT_STRIDE;
    const lastSlot = slots - 1;

    // Pass 1: the size of each slot, counted one place up for the prefix sum. The slot is computed
    // again in pass 2 rather than stored: three flops cost less than a store and a load.
    let block = head;
    let remaining = count;
    while (remaining > 0) {
      const n = remaining < blockEvents ? remaining : blockEvents;
      const base = block * blockDoubles;
      for (let q = base; q < base + n * EVENT_STRIDE; q += EVENT_STRIDE) {
        // In [0, 1) in exact arithmetic; rounding can only reach 1, hence the clamp.
        let slot = (((blocks[q]! - startNs) * bucketsPerNs - bucket) * slots) | 0;
        if (slot > lastSlot) slot = lastSlot;
        slotNext[slot + 1]!++;
      }
      remaining -= n;
      block = blockNext[block]!;
    }
    for (let s = 1; s <= slots; s++) slotNext[s]! += slotNext[s - 1]!;

    // Pass 2: every event to the next free place of its slot, so a slot keeps block (push) order.
    block = head;
    remaining = count;
    while (remaining > 0) {
      const n = remaining < blockEvents ? remaining : blockEvents;
      const base = block * blockDoubles;
      for (let q = base; q < base + n * EVENT_STRIDE; q += EVENT_STRIDE) {
        const t = blocks[q]!;
        let slot = (((t - startNs) * bucketsPerNs - bucket) * slots) | 0;
        if (slot > lastSlot) slot = lastSlot;
        const r = slotNext[slot]!++ * EVENT_STRIDE;
        run[r] = t;
        run[r + 1] = blocks[q + 1]!;
        run[r + 2] = blocks[q + 2]!;
        run[r + 3] = blocks[q + 3]!;
      }
      remaining -= n;
      block = blockNext[block]!;
    }

    // Slots are in order; events that share a slot are next to each other but maybe out of order.
    // One insertion pass settles them, unless a crowded slot (a burst at one instant, out of seq
    // order) makes it slow: past a budget of moves, a heap sort finishes in O(n log n).
    if (!sortByInsertion(run, count, INSERTION_MOVES_PER_EVENT * count)) sortByHeap(run, count, scratch);
  }
}

/**
 * Stable insertion sort of the first `count` events of `run` by (time, seq). Returns false, leaving
 * the events permuted but not sorted, once more than `movesMax` events have been shifted.
 */
function sortByInsertion(run: Float64Array, count: number, movesMax: number): boolean {
  let moves = 0;
  for (let i = EVENT_STRIDE; i < count * EVENT_STRIDE; i += EVENT_STRIDE) {
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
      moves++;
    }
    run[j + 4] = t;
    run[j + 5] = s;
    run[j + 6] = k;
    run[j + 7] = a;
    if (moves > movesMax) return false;
  }
  return true;
}

/** Sorts the first `count` events of `run` through a heap: O(n log n) whatever the input. */
function sortByHeap(run: Float64Array, count: number, scratch: BinaryHeapEventList): void {
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
