/**
 * The compact in-memory offline store: per-device FIFO lists of envelopes stored by value in one
 * shared table of rows (envelope-rows.ts), with (head, tail, count) per device in an inline hash
 * table. No object per device or per entry: `append` copies the envelope's fields, and `peek`,
 * `shift` and the callbacks get a new Envelope equal to the one appended (as from a store that
 * serialises its entries), so the stored messages, most of them waiting for a device that is
 * offline, are nothing for the garbage collector to copy.
 * Bounds: `deviceCapacity` per device and `totalCapacity` overall; `append` refuses beyond them.
 */
import { EnvelopeRows } from '../envelope-rows.js';
import type { Envelope } from '../frames.js';
import { StoreResult, type OfflineStore } from '../ports.js';
import { EMPTY_KEY, RecordTable } from '../record-table.js';

const Q_HEAD = 1;
const Q_TAIL = 2;
const Q_COUNT = 3;
const Q_STRIDE = 4;
/** The end of a list. */
const NIL = -1;

export interface OfflineStoreOptions {
  /** Entries per device (default 10,000). */
  deviceCapacity?: number;
  /** Entries over all devices (default 50,000,000). */
  totalCapacity?: number;
}

export const DEFAULT_DEVICE_CAPACITY = 10_000;
export const DEFAULT_TOTAL_CAPACITY = 50_000_000;

export class MemoryOfflineStore implements OfflineStore {
  readonly deviceCapacity: number;
  readonly totalCapacity: number;
  private readonly queues = new RecordTable(Q_STRIDE, 64);
  private readonly rows = new EnvelopeRows(256);
  private total = 0;
  /** Where the next expiry sweep resumes, as a record offset. */
  private sweepCursor = 0;
  private readonly emptied: number[] = [];

  constructor(options: OfflineStoreOptions = {}) {
    this.deviceCapacity = options.deviceCapacity ?? DEFAULT_DEVICE_CAPACITY;
    this.totalCapacity = options.totalCapacity ?? DEFAULT_TOTAL_CAPACITY;
    if (!Number.isInteger(this.deviceCapacity) || this.deviceCapacity < 1) throw new RangeError(`deviceCapacity must be a positive integer, got ${this.deviceCapacity}`);
    if (!Number.isInteger(this.totalCapacity) || this.totalCapacity < 1) throw new RangeError(`totalCapacity must be a positive integer, got ${this.totalCapacity}`);
  }

  append(deviceKey: number, env: Envelope): number {
    if (this.total >= this.totalCapacity) return StoreResult.StoreFull;
    let offset = this.queues.find(deviceKey);
    if (offset < 0) {
      offset = this.queues.insert(deviceKey);
      this.queues.records[offset + Q_HEAD] = NIL;
      this.queues.records[offset + Q_TAIL] = NIL;
    } else if (this.queues.records[offset + Q_COUNT]! >= this.deviceCapacity) {
      return StoreResult.DeviceFull;
    }
    const queue = this.queues.records;
    const index = this.rows.alloc(env);
    const tail = queue[offset + Q_TAIL]!;
    if (tail === NIL) queue[offset + Q_HEAD] = index;
    else this.rows.next[tail] = index;
    queue[offset + Q_TAIL] = index;
    queue[offset + Q_COUNT]!++;
    this.total++;
    return StoreResult.Stored;
  }

  prepend(deviceKey: number, env: Envelope): void {
    let offset = this.queues.find(deviceKey);
    if (offset < 0) {
      offset = this.queues.insert(deviceKey);
      this.queues.records[offset + Q_HEAD] = NIL;
      this.queues.records[offset + Q_TAIL] = NIL;
    }
    const queue = this.queues.records;
    const index = this.rows.alloc(env);
    const head = queue[offset + Q_HEAD]!;
    this.rows.next[index] = head;
    if (head === NIL) queue[offset + Q_TAIL] = index;
    queue[offset + Q_HEAD] = index;
    queue[offset + Q_COUNT]!++;
    this.total++;
  }

  peek(deviceKey: number): Envelope | undefined {
    const offset = this.queues.find(deviceKey);
    if (offset < 0) return undefined;
    const head = this.queues.records[offset + Q_HEAD]!;
    return head === NIL ? undefined : this.rows.envelopeAt(head);
  }

  shift(deviceKey: number): Envelope | undefined {
    const offset = this.queues.find(deviceKey);
    if (offset < 0) return undefined;
    const env = this.popHead(offset);
    if (this.queues.records[offset + Q_COUNT] === 0) this.queues.remove(deviceKey);
    return env;
  }

  count(deviceKey: number): number {
    const offset = this.queues.find(deviceKey);
    return offset < 0 ? 0 : this.queues.records[offset + Q_COUNT]!;
  }

  size(): number {
    return this.total;
  }

  /** Devices with at least one entry. */
  get deviceCount(): number {
    return this.queues.size;
  }

  removeDevice(deviceKey: number, onRemoved: (deviceKey: number, env: Envelope) => void): number {
    const offset = this.queues.find(deviceKey);
    if (offset < 0) return 0;
    let removed = 0;
    while (this.queues.records[offset + Q_COUNT]! > 0) {
      onRemoved(deviceKey, this.popHead(offset));
      removed++;
    }
    this.queues.remove(deviceKey);
    return removed;
  }

  expire(cutoffNs: number, maxEntries: number, onExpired: (deviceKey: number, env: Envelope) => void): number {
    let removed = 0;
    const slots = this.queues.records.length / Q_STRIDE;
    let offset = this.sweepCursor < this.queues.records.length ? this.sweepCursor : 0;
    // One pass over every queue at most; a queue's entries are in queue-time order, so only
    // its head can be the oldest.
    for (let visited = 0; visited < slots && removed < maxEntries; visited++) {
      const queue = this.queues.records;
      const deviceKey = queue[offset]!;
      if (deviceKey !== EMPTY_KEY) {
        while (removed < maxEntries && queue[offset + Q_COUNT]! > 0) {
          if (this.rows.atNsOf(queue[offset + Q_HEAD]!) > cutoffNs) break;
          onExpired(deviceKey, this.popHead(offset));
          removed++;
        }
        if (queue[offset + Q_COUNT] === 0) this.emptied.push(deviceKey);
      }
      offset += Q_STRIDE;
      if (offset >= queue.length) offset = 0;
    }
    this.sweepCursor = offset;
    // Removing shifts records, so empty queues are removed after the pass.
    for (const deviceKey of this.emptied) this.queues.remove(deviceKey);
    this.emptied.length = 0;
    return removed;
  }

  private popHead(offset: number): Envelope {
    const queue = this.queues.records;
    const index = queue[offset + Q_HEAD]!;
    const env = this.rows.envelopeAt(index);
    const next = this.rows.next[index]!;
    this.rows.release(index);
    queue[offset + Q_HEAD] = next;
    if (next === NIL) queue[offset + Q_TAIL] = NIL;
    queue[offset + Q_COUNT]!--;
    this.total--;
    return env;
  }
}
