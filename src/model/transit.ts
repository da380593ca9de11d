/**
 * Pools for things in flight (frames on a link, jobs on a CPU): an event carries the slot index
 * as its integer arg, so the kernel never holds an object. Slots are recycled through a free
 * stack; a pool only grows to the peak number in flight.
 */
import { DOUBLE_ZERO, emptyDoubleArray, emptyObjectArray } from '../sim/stable-shapes.js';

/** Objects by slot. */
export class SlotPool<T> {
  // Of objects and of doubles from the start (stable-shapes.ts): a pool is made empty for each part.
  private readonly items: Array<T | undefined> = emptyObjectArray();
  private readonly free: number[] = emptyDoubleArray();
  private live = 0;
  peak = 0;

  put(item: T): number {
    this.live++;
    if (this.live > this.peak) this.peak = this.live;
    const slot = this.free.pop();
    if (slot !== undefined) {
      this.items[slot] = item;
      return slot;
    }
    this.items.push(item);
    return this.items.length - 1;
  }

  /** The item in a slot, left in place. */
  peek(slot: number): T {
    const item = this.items[slot];
    if (item === undefined) throw new Error(`slot pool: slot ${slot} is empty`);
    return item;
  }

  take(slot: number): T {
    const item = this.items[slot];
    if (item === undefined) throw new Error(`slot pool: slot ${slot} is empty (taken twice?)`);
    this.items[slot] = undefined;
    this.free.push(slot);
    this.live--;
    return item;
  }

  get size(): number {
    return this.live;
  }
}

/**
 * A frame in flight as three numbers and one reference in parallel arrays (no object per frame):
 * read `a`, `b`, `c` and `ref` after `take(slot)`.
 */
export class FramePool<T> {
  private numA = new Float64Array(1024);
  private numB = new Float64Array(1024);
  private numC = new Float64Array(1024);
  private refs: Array<T | null> = new Array<T | null>(1024).fill(null);
  private freeSlots = new Int32Array(1024);
  private freeCount = 0;
  private used = 0;
  private live = 0;
  a = DOUBLE_ZERO;
  b = DOUBLE_ZERO;
  c = DOUBLE_ZERO;
  ref: T | null = null;

  put(a: number, b: number, ref: T | null, c = 0): number {
    let slot: number;
    if (this.freeCount > 0) {
      slot = this.freeSlots[--this.freeCount]!;
    } else {
      if (this.used === this.numA.length) this.grow();
      slot = this.used++;
    }
    this.numA[slot] = a;
    this.numB[slot] = b;
    this.numC[slot] = c;
    this.refs[slot] = ref;
    this.live++;
    return slot;
  }

  take(slot: number): void {
    this.a = this.numA[slot]!;
    this.b = this.numB[slot]!;
    this.c = this.numC[slot]!;
    this.ref = this.refs[slot]!;
    this.refs[slot] = null;
    this.freeSlots[this.freeCount++] = slot;
    this.live--;
  }

  get size(): number {
    return this.live;
  }

  private grow(): void {
    const size = this.numA.length * 2;
    const a = new Float64Array(size);
    a.set(this.numA);
    this.numA = a;
    const b = new Float64Array(size);
    b.set(this.numB);
    this.numB = b;
    const c = new Float64Array(size);
    c.set(this.numC);
    this.numC = c;
    const free = new Int32Array(size);
    free.set(this.freeSlots);
    this.freeSlots = free;
    for (let i = this.refs.length; i < size; i++) this.refs.push(null);
  }
}

/**
 * Rows of `width` numbers in one Float64Array, recycled through a free stack: for things that wait
 * long in the kernel (a read due up to a minute after its delivery), which as objects would outlive
 * a scavenge or two and be copied and promoted. `alloc` returns a row; its numbers are
 * `values[row * width + i]` (read `values` after `alloc`, which may replace it) until `free(row)`.
 */
export class NumberRows {
  readonly width: number;
  values: Float64Array;
  private freeRows = new Int32Array(1024);
  private freeCount = 0;
  private used = 0;
  private live = 0;

  constructor(width: number) {
    if (!Number.isInteger(width) || width < 1) throw new RangeError(`NumberRows: width must be a positive integer, got ${width}`);
    this.width = width;
    this.values = new Float64Array(1024 * width);
  }

  alloc(): number {
    this.live++;
    if (this.freeCount > 0) return this.freeRows[--this.freeCount]!;
    if (this.used * this.width === this.values.length) this.grow();
    return this.used++;
  }

  free(row: number): void {
    this.freeRows[this.freeCount++] = row;
    this.live--;
  }

  get size(): number {
    return this.live;
  }

  private grow(): void {
    const values = new Float64Array(this.values.length * 2);
    values.set(this.values);
    this.values = values;
    const free = new Int32Array(this.freeRows.length * 2);
    free.set(this.freeRows);
    this.freeRows = free;
  }
}
