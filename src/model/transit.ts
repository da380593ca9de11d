/**
 * A slot pool for things in flight (frames on a link, jobs on a CPU): an event carries the slot
 * index as its integer arg, so the kernel never holds an object. Slots are recycled through a free
 * stack; the pool only grows to the peak number in flight.
 */
export class SlotPool<T> {
  private readonly items: Array<T | undefined> = [];
  private readonly free: number[] = [];
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
