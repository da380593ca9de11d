/**
 * Poisson arrivals in integer nanoseconds (the kernel's time unit, exact to 2^53 ns, about 104
 * days). Rates are in events per simulated second. Gaps are drawn in continuous time and each
 * arrival is rounded to the nearest nanosecond, so an arrival may coincide with the time it was
 * asked after (when the gap rounds to 0 ns) but is never before it.
 */
import type { RandomStream } from './random.js';
import type { Simulator } from './simulator.js';

const NS_PER_S = 1e9;
/** Past this time integer nanoseconds are no longer exact. */
const TIME_NS_MAX = Number.MAX_SAFE_INTEGER;

/** A rate that varies with simulated time, e.g. a diurnal curve scaled to a peak. */
export interface RateCurve {
  /** Events per second at time timeNs; must stay within [0, the process's bound]. */
  ratePerSecondAt(timeNs: number): number;
}

/** Wraps a plain function as a RateCurve (allocates once, not per call). */
export function rateCurve(ratePerSecondAt: (timeNs: number) => number): RateCurve {
  return { ratePerSecondAt };
}

/** The next arrival of a constant-rate Poisson process after afterNs: afterNs + round(Exp gap). */
export function nextPoissonArrivalNs(rng: RandomStream, afterNs: number, ratePerSecond: number): number {
  if (!(ratePerSecond > 0 && ratePerSecond < Infinity)) {
    throw new RangeError(`Poisson rate must be a finite number > 0 per second, got ${ratePerSecond}`);
  }
  return afterNs + Math.round((rng.nextExponential() * NS_PER_S) / ratePerSecond);
}

/** A constant-rate Poisson process: exponential gaps with mean 1e9 / rate ns. */
export class ConstantRatePoissonProcess {
  readonly ratePerSecond: number;
  readonly meanGapNs: number;
  private readonly rng: RandomStream;

  constructor(rng: RandomStream, ratePerSecond: number) {
    if (!(ratePerSecond > 0 && ratePerSecond < Infinity)) {
      throw new RangeError(`Poisson rate must be a finite number > 0 per second, got ${ratePerSecond}`);
    }
    this.rng = rng;
    this.ratePerSecond = ratePerSecond;
    this.meanGapNs = NS_PER_S / ratePerSecond;
  }

  /** The next arrival time (integer ns) at or after afterNs. */
  nextArrivalNs(afterNs: number): number {
    return afterNs + Math.round(this.rng.nextExponential() * this.meanGapNs);
  }

  /**
   * Schedules `kind(arg)` at the next arrival after now: the arrival nextArrivalNs(sim.nowNs) gives,
   * from the same draw. Why a method of the process: an event handler that draws the gap itself
   * and schedules the event inlines both the exponential draw and the kernel's push, more than V8
   * inlines into one function (920 bytes of bytecode), and whichever call is left over boxes a
   * double (the draw's result, or the time passed to the push) on the heap at every arrival. Here
   * the draw and the push are inlined in this method's own code and only small integers cross the
   * call. reference-mm1 made 33 to 35 bytes of garbage per customer before; with this, 3 in five
   * processes of eight and 19 in the other three, as V8's inlining choices vary from process to
   * process (sampling heap profiler; session 15).
   */
  scheduleNext(sim: Simulator, kind: number, arg: number): void {
    sim.scheduleAt(this.nextArrivalNs(sim.nowNs), kind, arg);
  }
}

/**
 * A Poisson process with a time-varying rate, by thinning (Lewis and Shedler 1979): candidates
 * come from a homogeneous process at the bound rate, and one at time t is kept with probability
 * rate(t) / bound. Exact for any rate curve that stays within the bound; the cost per arrival is
 * bound / average rate candidates, so keep the bound tight.
 */
export class ThinnedPoissonProcess {
  readonly rateBoundPerSecond: number;
  private readonly rng: RandomStream;
  private readonly curve: RateCurve;
  private readonly meanCandidateGapNs: number;
  /** Candidates drawn and kept so far, for measuring the thinning's efficiency. */
  candidates = 0;
  arrivals = 0;

  constructor(rng: RandomStream, curve: RateCurve, rateBoundPerSecond: number) {
    if (!(rateBoundPerSecond > 0 && rateBoundPerSecond < Infinity)) {
      throw new RangeError(`Poisson rate bound must be a finite number > 0 per second, got ${rateBoundPerSecond}`);
    }
    this.rng = rng;
    this.curve = curve;
    this.rateBoundPerSecond = rateBoundPerSecond;
    this.meanCandidateGapNs = NS_PER_S / rateBoundPerSecond;
  }

  /**
   * The next arrival time (integer ns) at or after afterNs and no later than horizonNs, or
   * Infinity if there is none by then (the horizon bounds the work when the rate is 0 for long).
   * Throws if the curve leaves [0, bound], which is a bug in whoever chose the bound.
   */
  nextArrivalNs(afterNs: number, horizonNs: number = TIME_NS_MAX): number {
    const rng = this.rng;
    const bound = this.rateBoundPerSecond;
    let timeNs = afterNs;
    for (;;) {
      timeNs += rng.nextExponential() * this.meanCandidateGapNs;
      const candidateNs = Math.round(timeNs);
      if (candidateNs > horizonNs) return Infinity;
      this.candidates++;
      const rate = this.curve.ratePerSecondAt(candidateNs);
      if (!(rate >= 0 && rate <= bound)) {
        throw new RangeError(`rate ${rate}/s at t=${candidateNs}ns is outside [0, ${bound}/s], the bound given to the Poisson process`);
      }
      if (rng.nextFloat() * bound < rate) {
        this.arrivals++;
        return candidateNs;
      }
    }
  }
}
