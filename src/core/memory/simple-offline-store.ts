/**
 * A deliberately plain offline store (a Map of arrays): easy to read, slow at scale. It is the
 * second implementation the store contract suite runs against, and a reference when the compact
 * store is in doubt.
 */
import type { Envelope } from '../frames.js';
import { StoreResult, type OfflineStore } from '../ports.js';

export class SimpleOfflineStore implements OfflineStore {
  readonly deviceCapacity: number;
  readonly totalCapacity: number;
  private readonly queues = new Map<number, Envelope[]>();
  private total = 0;

  constructor(deviceCapacity = 10_000, totalCapacity = 50_000_000) {
    this.deviceCapacity = deviceCapacity;
    this.totalCapacity = totalCapacity;
  }

  append(deviceKey: number, env: Envelope): number {
    if (this.total >= this.totalCapacity) return StoreResult.StoreFull;
    const queue = this.queues.get(deviceKey) ?? [];
    if (queue.length >= this.deviceCapacity) return StoreResult.DeviceFull;
    queue.push(env);
    this.queues.set(deviceKey, queue);
    this.total++;
    return StoreResult.Stored;
  }

  prepend(deviceKey: number, env: Envelope): void {
    const queue = this.queues.get(deviceKey) ?? [];
    queue.unshift(env);
    this.queues.set(deviceKey, queue);
    this.total++;
  }

  peek(deviceKey: number): Envelope | undefined {
    return this.queues.get(deviceKey)?.[0];
  }

  shift(deviceKey: number): Envelope | undefined {
    const queue = this.queues.get(deviceKey);
    if (queue === undefined) return undefined;
    const env = queue.shift();
    this.total--;
    if (queue.length === 0) this.queues.delete(deviceKey);
    return env;
  }

  count(deviceKey: number): number {
    return this.queues.get(deviceKey)?.length ?? 0;
  }

  size(): number {
    return this.total;
  }

  removeDevice(deviceKey: number, onRemoved: (deviceKey: number, env: Envelope) => void): number {
    const queue = this.queues.get(deviceKey);
    if (queue === undefined) return 0;
    this.queues.delete(deviceKey);
    this.total -= queue.length;
    for (const env of queue) onRemoved(deviceKey, env);
    return queue.length;
  }

  expire(cutoffNs: number, maxEntries: number, onExpired: (deviceKey: number, env: Envelope) => void): number {
    let removed = 0;
    for (const [deviceKey, queue] of [...this.queues]) {
      while (removed < maxEntries && queue.length > 0 && queue[0]!.atNs <= cutoffNs) {
        onExpired(deviceKey, queue.shift()!);
        this.total--;
        removed++;
      }
      if (queue.length === 0) this.queues.delete(deviceKey);
      if (removed >= maxEntries) break;
    }
    return removed;
  }
}
