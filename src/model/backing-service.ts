/**
 * A backing service a chat server waits on: the directory or the offline store of a region. Each
 * request costs the chat server no CPU but delays the call's output by the service's latency plus
 * any queueing at its capacity. The capacity is a single FIFO server with a deterministic service
 * time of 1 / capacity, evaluated by Lindley's recursion at the request's time, so it needs no
 * events of its own: saturating it grows the wait without bound, as a real one would.
 */
import type { Distribution } from '../sim/distributions/index.js';
import type { RandomStream } from '../sim/random.js';
import { busyNsUntil, overlapNs, type MeasuredWindow } from './measured-window.js';
import { DOUBLE_ZERO } from '../sim/stable-shapes.js';

export class BackingService {
  readonly id: string;
  readonly role: 'directory' | 'offlineStore';
  readonly region: string;
  readonly capacityOpsPerSecond: number | null;
  requests = 0;
  busyNs = DOUBLE_ZERO;
  waitNsMax = DOUBLE_ZERO;
  /**
   * Queueing of requests that arrive in the measured window: the sum of their waits for the
   * server (not the latency), and the most requests found ahead of one. By Little's law the sum over
   * the window's length is the mean number waiting: the cpuQueueMean a chat server reports, here
   * without events of its own.
   */
  queueWaitNsSum = DOUBLE_ZERO;
  queuePeak = 0;
  private readonly latency: Distribution;
  private readonly serviceNs: number;
  private readonly window: MeasuredWindow;
  private freeAtNs = DOUBLE_ZERO;

  constructor(id: string, role: 'directory' | 'offlineStore', region: string, latency: Distribution, capacityOpsPerSecond: number | null, window: MeasuredWindow) {
    this.id = id;
    this.window = window;
    this.role = role;
    this.region = region;
    this.latency = latency;
    this.capacityOpsPerSecond = capacityOpsPerSecond;
    this.serviceNs = DOUBLE_ZERO + (capacityOpsPerSecond === null ? 0 : 1e9 / capacityOpsPerSecond);
  }

  /** One request at `nowNs`: how long the caller waits for the answer (queueing plus latency). */
  requestDelayNs(nowNs: number, rng: RandomStream): number {
    this.requests++;
    let waitNs = 0;
    if (this.serviceNs > 0) {
      const startNs = this.freeAtNs > nowNs ? this.freeAtNs : nowNs;
      if (nowNs >= this.window.startNs && nowNs < this.window.endNs && startNs > nowNs) {
        this.queueWaitNsSum += startNs - nowNs;
        // Requests ahead: the one in service and those waiting (all of one service time).
        const ahead = Math.ceil((startNs - nowNs) / this.serviceNs);
        if (ahead > this.queuePeak) this.queuePeak = ahead;
      }
      this.freeAtNs = startNs + this.serviceNs;
      this.busyNs += overlapNs(startNs, this.freeAtNs, this.window);
      waitNs = this.freeAtNs - nowNs;
      if (waitNs > this.waitNsMax) this.waitNsMax = waitNs;
    }
    return waitNs + this.latency.sample(rng);
  }

  /** Busy time in the measured window up to `nowNs` (measured-window.ts). */
  busyNsUntil(nowNs: number): number {
    return busyNsUntil(this.busyNs, this.freeAtNs, nowNs, this.window);
  }

  /** Restarts the counts at the window's start; busy time counts only inside the window already. */
  resetStatistics(): void {
    this.requests = 0;
    this.waitNsMax = 0;
    this.queueWaitNsSum = 0;
    this.queuePeak = 0;
  }
}
