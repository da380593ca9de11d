/**
 * The reads of messages delivered before the run began. A copy that is read is read within a
 * window (60 s) of its delivery, uniformly over it. In steady state, the reads due at any moment come
 * from the deliveries of the window before it; a run that starts from a warm state (connections,
 * the offline backlog) but no deliveries before time 0 sees its reads ramp up from nothing over the
 * whole first window. A warm-up of 10 s left the peak minute of global-2025 with 65% of its
 * steady-state read receipts, and a shorter one fewer (session 7).
 *
 * So the run's missing history is filled in from the end of the warm-up w, a chunk at a time: at
 * rate r, the reads that deliveries before time 0 would cause arrive at rate r (W - t) / W at time
 * t in [w, W) (a delivery at -a is read at -a + u, u uniform over [0, W)). Each takes the place of
 * one of the run's own reads, drawn uniformly (a reservoir of them): who reads, from whom, and so
 * where its receipt goes.
 *
 * r is the rate of the run's own reads over the latest half of the time run so far, measured anew
 * for each chunk. Not over all of it: reads are decided at delivery, which comes a pipeline's
 * latency L (uplink, the cores, a hop, the downlink: tens to hundreds of ms) after the send, so the
 * first L of the run has next to none. Measured over the whole of a 100 ms warm-up, r came out at a
 * third of its value, and a slice's outside (whose reads come a hop sooner) at half: the slice test
 * had 73% more read receipts from outside than the full run (session 8). Over the latest half, the
 * estimate is unbiased once half the elapsed time exceeds L, whatever the warm-up.
 */
import type { RandomStream } from '../sim/random.js';
import type { Simulator } from '../sim/simulator.js';
import { emptyObjectArray } from '../sim/stable-shapes.js';

/** Reads kept as templates (a reservoir sample of the run's); more would only repeat them. */
const TEMPLATES_MAX = 4096;
/** The history is filled in a chunk of this long at a time. */
export const READ_HISTORY_CHUNK_NS = 100e6;
/** Reads are counted in bins of this long, so that the latest half of a short warm-up is its own. */
const BIN_NS = 10e6;

export class ReadHistory<T> {
  /** Reads come within this long of their delivery (60 s). */
  readonly windowNs: number;
  private readonly templates: T[] = emptyObjectArray();
  /** Reads noted so far, and by bin of BIN_NS from time 0. */
  private noted = 0;
  private readonly notedByBin: number[] = [];

  constructor(windowNs: number) {
    this.windowNs = windowNs;
  }

  /**
   * A read the run decided at `nowNs` (a reservoir sample keeps up to TEMPLATES_MAX of them). Past
   * the window nothing is filled in any more, and nothing is noted.
   */
  note(template: T, nowNs: number, rng: RandomStream): void {
    if (nowNs >= this.windowNs) return;
    const bin = Math.floor(nowNs / BIN_NS);
    while (this.notedByBin.length <= bin) this.notedByBin.push(0);
    this.notedByBin[bin]!++;
    this.noted++;
    if (this.templates.length < TEMPLATES_MAX) this.templates.push(template);
    else {
      const at = rng.nextInt(this.noted);
      if (at < TEMPLATES_MAX) this.templates[at] = template;
    }
  }

  /** Reads per ns over the latest half of [0, nowNs), or 0 when none were noted there. */
  ratePerNs(nowNs: number): number {
    const first = Math.floor(nowNs / 2 / BIN_NS);
    const last = Math.min(this.notedByBin.length - 1, Math.floor(nowNs / BIN_NS));
    let count = 0;
    for (let bin = first; bin <= last; bin++) count += this.notedByBin[bin]!;
    const spanNs = nowNs - first * BIN_NS;
    return spanNs > 0 ? count / spanNs : 0;
  }

  /**
   * Schedules, through `schedule(template, atNs)`, the history's reads due in [fromNs, toNs) (the
   * run having started at 0), at the rate measured up to fromNs. Returns how many.
   */
  fillIn(fromNs: number, toNs: number, rng: RandomStream, schedule: (template: T, atNs: number) => void): number {
    const window = this.windowNs;
    const endNs = Math.min(toNs, window);
    if (!(endNs > fromNs) || this.templates.length === 0) return 0;
    const ratePerNs = this.ratePerNs(fromNs);
    const leftFrom = window - fromNs;
    const leftTo = window - endNs;
    // The integral of r (W - t) / W over [fromNs, endNs).
    const expected = (ratePerNs * (leftFrom * leftFrom - leftTo * leftTo)) / (2 * window);
    // Rounded up or down at random, so that the count is right in expectation.
    const count = Math.floor(expected) + (rng.nextFloat() < expected - Math.floor(expected) ? 1 : 0);
    for (let i = 0; i < count; i++) {
      // Inverse of the CDF of the density (W - t) over [fromNs, endNs).
      const left = Math.sqrt(leftFrom * leftFrom - rng.nextFloat() * (leftFrom * leftFrom - leftTo * leftTo));
      const atNs = Math.min(endNs - 1, Math.max(fromNs, Math.round(window - left)));
      schedule(this.templates[rng.nextInt(this.templates.length)]!, atNs);
    }
    return count;
  }
}

/**
 * Fills in a ReadHistory on the kernel: `start()` (at the warm-up's end) fills in the chunk from
 * now, and an event of kind `name` each chunk after it does the next, until the window is over.
 */
export class ReadHistoryFeed<T> {
  private readonly sim: Simulator;
  private readonly history: ReadHistory<T>;
  private readonly rng: RandomStream;
  private readonly schedule: (template: T, atNs: number) => void;
  private readonly kind: number;

  constructor(sim: Simulator, name: string, history: ReadHistory<T>, rng: RandomStream, schedule: (template: T, atNs: number) => void) {
    this.sim = sim;
    this.history = history;
    this.rng = rng;
    this.schedule = schedule;
    this.kind = sim.register(name, () => this.chunk());
  }

  start(): void {
    this.chunk();
  }

  private chunk(): void {
    const fromNs = this.sim.nowNs;
    const windowNs = this.history.windowNs;
    if (fromNs >= windowNs) return;
    const toNs = fromNs + READ_HISTORY_CHUNK_NS;
    this.history.fillIn(fromNs, toNs, this.rng, this.schedule);
    if (toNs < windowNs) this.sim.scheduleAt(toNs, this.kind, 0);
  }
}
