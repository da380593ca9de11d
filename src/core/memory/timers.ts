/**
 * In-memory timers: a binary heap ordered by (due time, scheduling order), cancellation in O(1)
 * by forgetting the handle (the heap entry is skipped when it surfaces). The host calls
 * `runDue(nowNs, fire)` as its clock advances.
 */
import type { Clock, Timers } from '../ports.js';

export class MemoryTimers implements Timers {
  private readonly clock: Clock;
  private dueNs: number[] = [];
  private handles: number[] = [];
  /** Live timers: handle -> token. */
  private readonly live = new Map<number, number>();
  private nextHandle = 1;

  constructor(clock: Clock) {
    this.clock = clock;
  }

  schedule(delayNs: number, token: number): number {
    if (!(delayNs >= 0)) throw new RangeError(`timer delay must be >= 0 ns, got ${delayNs}`);
    const handle = this.nextHandle++;
    this.live.set(handle, token);
    this.push(this.clock.nowNs() + delayNs, handle);
    return handle;
  }

  cancel(handle: number): void {
    this.live.delete(handle);
  }

  /** Number of timers scheduled and not yet fired or cancelled. */
  get pending(): number {
    return this.live.size;
  }

  /** Due time of the earliest live timer, or +Infinity. */
  nextDueNs(): number {
    this.skipCancelled();
    return this.dueNs.length === 0 ? Number.POSITIVE_INFINITY : this.dueNs[0]!;
  }

  /** Fires every live timer due at or before `nowNs`, earliest first; returns how many fired. */
  runDue(nowNs: number, fire: (token: number) => void): number {
    let fired = 0;
    for (;;) {
      this.skipCancelled();
      if (this.dueNs.length === 0 || this.dueNs[0]! > nowNs) return fired;
      const handle = this.handles[0]!;
      this.pop();
      const token = this.live.get(handle)!;
      this.live.delete(handle);
      fire(token);
      fired++;
    }
  }

  private skipCancelled(): void {
    while (this.handles.length > 0 && !this.live.has(this.handles[0]!)) this.pop();
  }

  // Ties on due time are broken by handle, which grows with scheduling order.
  private less(a: number, b: number): boolean {
    const da = this.dueNs[a]!;
    const db = this.dueNs[b]!;
    return da < db || (da === db && this.handles[a]! < this.handles[b]!);
  }

  private swap(a: number, b: number): void {
    const d = this.dueNs[a]!;
    this.dueNs[a] = this.dueNs[b]!;
    this.dueNs[b] = d;
    const h = this.handles[a]!;
    this.handles[a] = this.handles[b]!;
    this.handles[b] = h;
  }

  private push(dueNs: number, handle: number): void {
    this.dueNs.push(dueNs);
    this.handles.push(handle);
    let i = this.dueNs.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private pop(): void {
    const last = this.dueNs.length - 1;
    this.swap(0, last);
    this.dueNs.pop();
    this.handles.pop();
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < last && this.less(left, smallest)) smallest = left;
      if (right < last && this.less(right, smallest)) smallest = right;
      if (smallest === i) return;
      this.swap(i, smallest);
      i = smallest;
    }
  }
}
