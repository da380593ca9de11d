/**
 * A c-server FIFO queue that settles each job's start and finish when the job arrives, so it needs
 * no kernel event of its own. In FIFO order job n starts at max(arrival, the earliest time a
 * server is free once jobs 1..n-1 have started) and holds that server until start + service
 * (Lindley's recursion, over c servers' free times): exactly the schedule MultiServerQueue plays
 * out with a departure event per job (a test compares them job for job). The caller schedules an
 * event at the finish only when something happens then: a chat server's CPU work whose output
 * leaves at its end. Work without output (an ack that frees a window) costs no event at all,
 * which was a fifth of whatsapp-2014's events (session 5).
 *
 * Utilisation and queue length are the same time integrals MultiServerQueue keeps, computed from
 * what has been booked: the future is known, so the integral up to now is the booked total less
 * the part still ahead. Every figure is an integer number of nanoseconds (sums stay below 2^53),
 * so the accounting is exact and does not depend on when it is read.
 */
import { checkQueueShape, waitingRingSize, type QueueShape } from './queue-shape.js';
import type { Simulator } from './simulator.js';
import { DOUBLE_ZERO } from './stable-shapes.js';

/** Slots of FifoCores.totals: integer ns sums since the queue was made. */
const SERVICE_BOOKED_NS = 0;
const WAIT_BOOKED_NS = 1;
/** Σ start over the jobs still waiting (in the ring). */
const WAITING_STARTS_NS = 2;
/** busyIntegralNs() and waitingIntegralNs() at the last reset. */
const BUSY_AT_RESET_NS = 3;
const WAITING_AT_RESET_NS = 4;

export type FifoCoresOptions = QueueShape;

export class FifoCores {
  readonly name: string;
  readonly servers: number;
  readonly waitingMax: number;
  arrivals = 0;
  drops = 0;
  waitingPeak = 0;

  private readonly sim: Simulator;
  /** Each server's free time (ns), as a binary min-heap: the root is the next server free. */
  private readonly freeAtNs: Float64Array;
  /** Start times of the jobs that have not started yet, in order (FIFO starts never go back). */
  private waitingStartNs: Float64Array;
  private head = 0;
  private waiting = 0;
  /** Sums in a typed array: V8 boxes a double held in a field (see MultiServerQueue). */
  private readonly totals = new Float64Array(5);
  private windowStartNs = DOUBLE_ZERO;

  constructor(sim: Simulator, options: FifoCoresOptions) {
    checkQueueShape(options);
    this.sim = sim;
    this.name = options.name;
    this.servers = options.servers;
    this.waitingMax = options.waitingMax;
    this.freeAtNs = new Float64Array(options.servers);
    this.waitingStartNs = new Float64Array(waitingRingSize(options.waitingMax));
  }

  /**
   * Offers a job needing `serviceNs` (an integer) now: returns when it will finish (ns), or -1 when
   * every server is busy and the waiting room is full (the job is dropped and counted).
   */
  admit(serviceNs: number): number {
    const nowNs = this.sim.nowNs;
    this.startWaitingUpTo(nowNs);
    this.arrivals++;
    const free = this.freeAtNs;
    const earliestFreeNs = free[0]!;
    const startNs = earliestFreeNs > nowNs ? earliestFreeNs : nowNs;
    if (startNs > nowNs) {
      if (this.waiting >= this.waitingMax) {
        this.drops++;
        return -1;
      }
      this.enqueueStart(startNs);
      this.totals[WAIT_BOOKED_NS] += startNs - nowNs;
    }
    const finishNs = startNs + serviceNs;
    this.totals[SERVICE_BOOKED_NS] += serviceNs;
    this.replaceEarliest(finishNs);
    return finishNs;
  }

  /** Servers busy now. */
  get busyServers(): number {
    const nowNs = this.sim.nowNs;
    let busy = 0;
    for (let i = 0; i < this.servers; i++) if (this.freeAtNs[i]! > nowNs) busy++;
    return busy;
  }

  /** Jobs waiting now (arrived, not started). */
  get waitingJobs(): number {
    this.startWaitingUpTo(this.sim.nowNs);
    return this.waiting;
  }

  /** Mean fraction of servers busy since the last reset. */
  utilisation(): number {
    const spanNs = this.sim.nowNs - this.windowStartNs;
    return spanNs > 0 ? this.busyServerNs() / (spanNs * this.servers) : 0;
  }

  /** Mean number of jobs waiting (not in service) since the last reset. */
  waitingMean(): number {
    const spanNs = this.sim.nowNs - this.windowStartNs;
    return spanNs > 0 ? (this.waitingIntegralNs() - this.totals[WAITING_AT_RESET_NS]!) / spanNs : 0;
  }

  /** Busy server-nanoseconds since the last reset (for per-interval series). */
  busyServerNs(): number {
    return this.busyIntegralNs() - this.totals[BUSY_AT_RESET_NS]!;
  }

  /** Starts a new accounting window (after warm-up); counters and integrals restart. */
  resetStatistics(): void {
    this.totals[BUSY_AT_RESET_NS] = this.busyIntegralNs();
    this.totals[WAITING_AT_RESET_NS] = this.waitingIntegralNs();
    this.windowStartNs = this.sim.nowNs;
    this.arrivals = 0;
    this.drops = 0;
    this.waitingPeak = this.waitingJobs;
  }

  /**
   * Busy server-ns since the queue was made: all service booked, less what is still ahead of now.
   * Each server's booked work is unbroken from now to its free time: a job that found its server
   * free started at its own arrival, which is not after now.
   */
  private busyIntegralNs(): number {
    const nowNs = this.sim.nowNs;
    let aheadNs = 0;
    for (let i = 0; i < this.servers; i++) {
      const freeNs = this.freeAtNs[i]!;
      if (freeNs > nowNs) aheadNs += freeNs - nowNs;
    }
    return this.totals[SERVICE_BOOKED_NS]! - aheadNs;
  }

  /** Job-ns of waiting since the queue was made: all waits booked, less what is still ahead of now. */
  private waitingIntegralNs(): number {
    const nowNs = this.sim.nowNs;
    this.startWaitingUpTo(nowNs);
    return this.totals[WAIT_BOOKED_NS]! - (this.totals[WAITING_STARTS_NS]! - this.waiting * nowNs);
  }

  /** Drops from the waiting ring the jobs that have started by `nowNs`. */
  private startWaitingUpTo(nowNs: number): void {
    const ring = this.waitingStartNs;
    while (this.waiting > 0) {
      const startNs = ring[this.head]!;
      if (startNs > nowNs) return;
      this.totals[WAITING_STARTS_NS] -= startNs;
      this.head = this.head + 1 === ring.length ? 0 : this.head + 1;
      this.waiting--;
    }
  }

  private enqueueStart(startNs: number): void {
    if (this.waiting === this.waitingStartNs.length) this.growRing();
    const ring = this.waitingStartNs;
    let tail = this.head + this.waiting;
    if (tail >= ring.length) tail -= ring.length;
    ring[tail] = startNs;
    this.waiting++;
    this.totals[WAITING_STARTS_NS] += startNs;
    if (this.waiting > this.waitingPeak) this.waitingPeak = this.waiting;
  }

  /** The earliest-free server takes a job until `finishNs`: the heap's root is replaced, sifted down. */
  private replaceEarliest(finishNs: number): void {
    const heap = this.freeAtNs;
    const size = heap.length;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= size) break;
      const right = left + 1;
      const child = right < size && heap[right]! < heap[left]! ? right : left;
      if (heap[child]! >= finishNs) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = finishNs;
  }

  private growRing(): void {
    const size = this.waitingStartNs.length;
    const grown = new Float64Array(size * 2);
    for (let i = 0; i < this.waiting; i++) grown[i] = this.waitingStartNs[(this.head + i) % size]!;
    this.waitingStartNs = grown;
    this.head = 0;
  }
}
