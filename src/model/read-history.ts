/**
 * The reads of messages delivered before the run began. A copy that is read is read within a
 * window (60 s) of its delivery, uniformly over it. In steady state, the reads due at any moment come
 * from the deliveries of the window before it; a run that starts from a warm state (connections,
 * the offline backlog) but no deliveries before time 0 sees its reads ramp up from nothing over the
 * whole first window. A warm-up of 10 s left the peak minute of global-2025 with 65% of its
 * steady-state read receipts, and a shorter one fewer (session 7).
 *
 * So the run's missing history is filled in once, at the end of the warm-up: the reads scheduled
 * during the warm-up give their rate r per second; the reads that deliveries before time 0 would
 * cause after the warm-up's end w arrive at rate r (W - t) / W at time t in [w, W) (a delivery at
 * -a is read at -a + u, u uniform over [0, W)), so r (W - w)^2 / (2 W) of them in expectation, at
 * times drawn from that density. Each takes the place of one of the warm-up's reads, drawn
 * uniformly (a reservoir of them): who reads, from whom, and so where its receipt goes.
 */
import type { RandomStream } from '../sim/random.js';

/** Reads kept as templates (a reservoir sample of the warm-up's); more would only repeat them. */
const TEMPLATES_MAX = 4096;

export class ReadHistory<T> {
  private readonly windowNs: number;
  private readonly templates: T[] = [];
  /** Reads noted so far (the warm-up's, until inject). */
  private noted = 0;
  private injected = false;

  constructor(windowNs: number) {
    this.windowNs = windowNs;
  }

  /** A read scheduled during the warm-up (a reservoir sample keeps up to TEMPLATES_MAX of them). */
  note(template: T, rng: RandomStream): void {
    if (this.injected) return;
    this.noted++;
    if (this.templates.length < TEMPLATES_MAX) this.templates.push(template);
    else {
      const at = rng.nextInt(this.noted);
      if (at < TEMPLATES_MAX) this.templates[at] = template;
    }
  }

  /** Whether reads are still being noted (until inject). */
  get noting(): boolean {
    return !this.injected;
  }

  /**
   * At the warm-up's end (`nowNs`, the run having started at 0): schedules the history's reads
   * through `schedule(template, atNs)`, and stops noting. Returns how many. None after a warm-up of
   * 0 (no rate to go by) or of a whole window or more (nothing missing by then).
   */
  inject(nowNs: number, rng: RandomStream, schedule: (template: T, atNs: number) => void): number {
    if (this.injected) return 0;
    this.injected = true;
    const window = this.windowNs;
    if (!(nowNs > 0) || nowNs >= window || this.templates.length === 0) return 0;
    const ratePerNs = this.noted / nowNs;
    const left = window - nowNs;
    const expected = (ratePerNs * left * left) / (2 * window);
    // Rounded up or down at random, so that the count is right in expectation.
    const count = Math.floor(expected) + (rng.nextFloat() < expected - Math.floor(expected) ? 1 : 0);
    for (let i = 0; i < count; i++) {
      // Inverse of the CDF of the density (W - t) over [w, W): t = W - (W - w) sqrt(U).
      const atNs = Math.round(window - left * Math.sqrt(rng.nextFloat()));
      schedule(this.templates[rng.nextInt(this.templates.length)]!, Math.max(nowNs, atNs));
    }
    return count;
  }
}
