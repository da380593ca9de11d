/**
 * A FIFO delay line: what a TCP connection or a link does to the messages it carries. Messages
 * leave in the order they entered, each no earlier than its own delay allows and never before the
 * one ahead of it, so a line needs one event-list entry for its head instead of one per message
 * (DESIGN.md section 4b). With a constant delay that is exactly a constant-latency link.
 */
import type { Simulator } from './simulator.js';

export interface DelayLineOptions {
  name: string;
  /** Messages in flight at most; a send beyond it is refused (counted, returns false). */
  inFlightMax: number;
  onArrive: (payload: number) => void;
}

export class DelayLine {
  readonly name: string;
  readonly inFlightMax: number;
  sent = 0;
  refused = 0;
  inFlightPeak = 0;

  private readonly sim: Simulator;
  private readonly onArrive: (payload: number) => void;
  private readonly arriveKind: number;
  private ringPayload: Float64Array;
  private ringArriveNs: Float64Array;
  private head = 0;
  private count = 0;
  private lastArriveNs = 0;

  constructor(sim: Simulator, options: DelayLineOptions) {
    this.sim = sim;
    this.name = options.name;
    this.inFlightMax = options.inFlightMax;
    this.onArrive = options.onArrive;
    const initial = Math.max(16, Math.min(options.inFlightMax, 1024));
    this.ringPayload = new Float64Array(initial);
    this.ringArriveNs = new Float64Array(initial);
    this.arriveKind = sim.register(`line.${options.name}.arrive`, () => this.arrive());
  }

  get inFlight(): number {
    return this.count;
  }

  /** Sends a payload that arrives after delayNs, or after the message ahead of it if that is later. */
  send(payload: number, delayNs: number): boolean {
    if (this.count >= this.inFlightMax) {
      this.refused++;
      return false;
    }
    let arriveNs = this.sim.nowNs + Math.round(delayNs);
    if (arriveNs < this.lastArriveNs) arriveNs = this.lastArriveNs;
    this.lastArriveNs = arriveNs;
    if (this.count === this.ringPayload.length) this.growRing();
    const tail = (this.head + this.count) % this.ringPayload.length;
    this.ringPayload[tail] = payload;
    this.ringArriveNs[tail] = arriveNs;
    this.count++;
    this.sent++;
    if (this.count > this.inFlightPeak) this.inFlightPeak = this.count;
    if (this.count === 1) this.sim.scheduleAt(arriveNs, this.arriveKind, 0);
    return true;
  }

  private arrive(): void {
    const size = this.ringPayload.length;
    const payload = this.ringPayload[this.head]!;
    this.head = (this.head + 1) % size;
    this.count--;
    if (this.count > 0) this.sim.scheduleAt(this.ringArriveNs[this.head]!, this.arriveKind, 0);
    this.onArrive(payload);
  }

  private growRing(): void {
    const size = this.ringPayload.length;
    const payloads = new Float64Array(size * 2);
    const times = new Float64Array(size * 2);
    for (let i = 0; i < this.count; i++) {
      payloads[i] = this.ringPayload[(this.head + i) % size]!;
      times[i] = this.ringArriveNs[(this.head + i) % size]!;
    }
    this.ringPayload = payloads;
    this.ringArriveNs = times;
    this.head = 0;
  }
}
