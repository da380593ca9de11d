/**
 * Simulated time is an integer count of nanoseconds held in a JS number (a double).
 *
 * Why: a double holds every integer up to 2^53 exactly, which is 9.007e15 ns, about 104 simulated
 * days, far longer than any run here (a peak hour, a day, a New Year's Eve). Integer nanoseconds make
 * sums of delays exact and order-independent, so equal times really are equal and ties are broken
 * only by the sequence number (DESIGN.md section 5); floating seconds would drift with the order in
 * which delays were added. A bigint would also be exact but is several times slower on the hot path.
 */
export const NS_PER_US = 1_000;
export const NS_PER_MS = 1_000_000;
export const NS_PER_S = 1_000_000_000;
export const NS_PER_MIN = 60 * NS_PER_S;
export const NS_PER_HOUR = 60 * NS_PER_MIN;
export const NS_PER_DAY = 24 * NS_PER_HOUR;

/** The largest time the kernel accepts: beyond it integer nanoseconds stop being exact. */
export const TIME_NS_MAX = Number.MAX_SAFE_INTEGER;

/**
 * An event scheduled past TIME_NS_MAX (or at an infinite time). Correct code never does this with
 * sane parameters: it means a delay drawn from the model (a latency, a service time, a transmission
 * at some bandwidth, a queue behind them) was absurdly long, so a caller may report it as its
 * input's fault rather than as a bug (the CLI does). `what` names the event; `atNs` is the time asked for.
 */
export class ClockRangeError extends RangeError {
  constructor(
    readonly what: string,
    readonly atNs: number,
  ) {
    super(`kernel: cannot schedule ${what} ${describeClockOverrun(atNs)}`);
    this.name = 'ClockRangeError';
  }
}

/** `at 150 simulated days, past the clock's exact range of 104 days`. */
export function describeClockOverrun(atNs: number): string {
  const when = Number.isFinite(atNs) ? `at ${(atNs / NS_PER_DAY).toPrecision(3)} simulated days` : 'at an infinite time';
  return `${when}, past the clock's exact range of ${Math.floor(TIME_NS_MAX / NS_PER_DAY)} days`;
}

/** Rounds a (possibly fractional) delay in nanoseconds to the kernel's integer grid. */
export function toNs(delayNs: number): number {
  return Math.round(delayNs);
}

export function secondsToNs(seconds: number): number {
  return Math.round(seconds * NS_PER_S);
}

export function nsToSeconds(timeNs: number): number {
  return timeNs / NS_PER_S;
}

export function nsToMs(timeNs: number): number {
  return timeNs / NS_PER_MS;
}
