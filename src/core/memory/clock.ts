/** A clock the host moves by hand (tests, simulators). */
import type { Clock } from '../ports.js';

export class ManualClock implements Clock {
  private timeNs: number;

  constructor(startNs = 0) {
    this.timeNs = startNs;
  }

  nowNs(): number {
    return this.timeNs;
  }

  /** Moves time forward; time never goes backwards. */
  advance(deltaNs: number): void {
    if (!(deltaNs >= 0)) throw new RangeError(`clock can only move forward, got ${deltaNs} ns`);
    this.timeNs += deltaNs;
  }

  set(timeNs: number): void {
    if (!(timeNs >= this.timeNs)) throw new RangeError(`clock can only move forward: ${timeNs} < ${this.timeNs}`);
    this.timeNs = timeNs;
  }
}
