/**
 * A c-server FIFO queue with a bounded waiting room, built on the kernel (the kernel does not know
 * it). Jobs are integers owned by the caller; service times are given on arrival. Utilisation and
 * queue length are accounted as time integrals, so their means are exact over any window.
 */
import { checkQueueShape, waitingRingSize, type QueueShape } from './queue-shape.js';
import type { Simulator } from './simulator.js';

// Slots of MultiServerQueue.accounting.
const BUSY_INTEGRAL = 0;
const WAITING_INTEGRAL = 1;
const LAST_CHANGE_NS = 2;

export interface MultiServerQueueOptions extends QueueShape {
  /** Called when a job finishes service (at its departure time). */
  onDepart: (job: number) => void;
}

export class MultiServerQueue {
  readonly name: string;
  readonly servers: number;
  readonly waitingMax: number;
  arrivals = 0;
  departures = 0;
  drops = 0;
  waitingPeak = 0;

  private readonly sim: Simulator;
  private readonly onDepart: (job: number) => void;
  private readonly departKind: number;
  private busy = 0;
  // Ring buffer of waiting jobs and their service times.
  private ringJob: Float64Array;
  private ringServiceNs: Float64Array;
  private head = 0;
  private waiting = 0;
  // Time integrals since the last reset, in (servers x ns) and (jobs x ns).
  /**
   * The time integrals of busy servers and of waiting jobs, and when they were last advanced, in a
   * typed array rather than three number fields: V8 keeps a double field in a box of its own, so
   * advance() (at every arrival and departure) paid a load more per field.
   */
  private readonly accounting = new Float64Array(3);
  private windowStartNs = 0;

  constructor(sim: Simulator, options: MultiServerQueueOptions) {
    checkQueueShape(options);
    this.sim = sim;
    this.name = options.name;
    this.servers = options.servers;
    this.waitingMax = options.waitingMax;
    this.onDepart = options.onDepart;
    const initial = waitingRingSize(options.waitingMax);
    this.ringJob = new Float64Array(initial);
    this.ringServiceNs = new Float64Array(initial);
    this.departKind = sim.register(`queue.${options.name}.depart`, (job) => this.depart(job));
  }

  /** Offers a job; returns false (and counts a drop) when every server is busy and the room is full. */
  arrive(job: number, serviceNs: number): boolean {
    this.advance();
    this.arrivals++;
    if (this.busy < this.servers) {
      this.busy++;
      this.sim.scheduleIn(serviceNs, this.departKind, job);
      return true;
    }
    if (this.waiting >= this.waitingMax) {
      this.drops++;
      return false;
    }
    if (this.waiting === this.ringJob.length) this.growRing();
    const tail = (this.head + this.waiting) & (this.ringJob.length - 1); // a power of two (waitingRingSize)
    this.ringJob[tail] = job;
    this.ringServiceNs[tail] = serviceNs;
    this.waiting++;
    if (this.waiting > this.waitingPeak) this.waitingPeak = this.waiting;
    return true;
  }

  get busyServers(): number {
    return this.busy;
  }

  get waitingJobs(): number {
    return this.waiting;
  }

  /** Mean fraction of servers busy since the last reset. */
  utilisation(): number {
    this.advance();
    const spanNs = this.sim.nowNs - this.windowStartNs;
    return spanNs > 0 ? this.accounting[BUSY_INTEGRAL]! / (spanNs * this.servers) : 0;
  }

  /** Mean number of jobs waiting (not in service) since the last reset. */
  waitingMean(): number {
    this.advance();
    const spanNs = this.sim.nowNs - this.windowStartNs;
    return spanNs > 0 ? this.accounting[WAITING_INTEGRAL]! / spanNs : 0;
  }

  /** Busy server-nanoseconds since the last reset (for per-interval series). */
  busyServerNs(): number {
    this.advance();
    return this.accounting[BUSY_INTEGRAL]!;
  }

  /** Starts a new accounting window (after warm-up); counters and integrals restart. */
  resetStatistics(): void {
    this.advance();
    this.accounting[BUSY_INTEGRAL] = 0;
    this.accounting[WAITING_INTEGRAL] = 0;
    this.windowStartNs = this.sim.nowNs;
    this.arrivals = 0;
    this.departures = 0;
    this.drops = 0;
    this.waitingPeak = this.waiting;
  }

  private advance(): void {
    const now = this.sim.nowNs;
    const accounting = this.accounting;
    const dt = now - accounting[LAST_CHANGE_NS]!;
    if (dt > 0) {
      accounting[BUSY_INTEGRAL] += this.busy * dt;
      accounting[WAITING_INTEGRAL] += this.waiting * dt;
      accounting[LAST_CHANGE_NS] = now;
    }
  }

  private depart(job: number): void {
    this.advance();
    this.departures++;
    if (this.waiting > 0) {
      const next = this.ringJob[this.head]!;
      const serviceNs = this.ringServiceNs[this.head]!;
      this.head = (this.head + 1) & (this.ringJob.length - 1);
      this.waiting--;
      this.sim.scheduleIn(serviceNs, this.departKind, next);
    } else {
      this.busy--;
    }
    this.onDepart(job);
  }

  private growRing(): void {
    const size = this.ringJob.length;
    const jobs = new Float64Array(size * 2);
    const services = new Float64Array(size * 2);
    for (let i = 0; i < this.waiting; i++) {
      jobs[i] = this.ringJob[(this.head + i) % size]!;
      services[i] = this.ringServiceNs[(this.head + i) % size]!;
    }
    this.ringJob = jobs;
    this.ringServiceNs = services;
    this.head = 0;
  }
}
