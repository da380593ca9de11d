/**
 * Singly linked FIFO lists of envelopes in one shared pool of parallel arrays: a list is a pair
 * of indices (head, tail) kept by its owner, so a device's push window costs no object of its own.
 * Freed slots go on a free list and are reused; the pool grows by doubling and never shrinks
 * (its size is bounded by the push window times the connected devices).
 */
import type { Envelope } from './frames.js';
import { DOUBLE_ZERO } from './double-zero.js';

// Local name for the hot code: an exported binding is a cell that V8 reloads at every use.
const NONE = -1;
/** "No slot": the end of a list. */
export const NIL = NONE;

export class EnvelopePool {
  next: Int32Array;
  items: (Envelope | null)[];
  private free = DOUBLE_ZERO + NONE;
  private top = 0;
  /** Slots in use. */
  used = 0;

  constructor(initialCapacity = 1024) {
    this.next = new Int32Array(initialCapacity);
    this.items = new Array<Envelope | null>(initialCapacity).fill(null);
  }

  /** A slot holding `env` with no successor. */
  alloc(env: Envelope): number {
    let index: number;
    if (this.free !== NONE) {
      index = this.free;
      this.free = this.next[index]!;
    } else {
      if (this.top === this.next.length) this.grow();
      index = this.top++;
    }
    this.next[index] = NONE;
    this.items[index] = env;
    this.used++;
    return index;
  }

  release(index: number): void {
    this.items[index] = null;
    this.next[index] = this.free;
    this.free = index;
    this.used--;
  }

  get capacity(): number {
    return this.next.length;
  }

  private grow(): void {
    const size = this.next.length * 2;
    const next = new Int32Array(size);
    next.set(this.next);
    this.next = next;
    for (let i = this.items.length; i < size; i++) this.items.push(null);
  }
}
