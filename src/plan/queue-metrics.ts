/**
 * The steady-state figures every open single-station formula in src/plan returns.
 *
 * Units: every time in this layer is in seconds and every rate is per second; convert at the edge
 * (the CLI's unit parser, a scenario's units). Counts (queue lengths) have no unit.
 */
import type { NotSteady } from './not-steady.js';

export interface QueueMetrics {
  readonly stable: true;
  /** Which formula produced the figures, e.g. "M/M/c", "M/D/1", "M/G/c (Allen-Cunneen)". */
  readonly model: string;
  readonly servers: number;
  readonly arrivalRatePerSecond: number;
  readonly serviceTimeSeconds: number;
  /** A = arrival rate x mean service time, in Erlangs. */
  readonly offeredLoadErlangs: number;
  /** rho = A / c: the long-run fraction of time a server is busy (occupancy). */
  readonly utilisation: number;
  /** Probability that an arrival waits at all (Erlang C for M/M/c; rho for M/G/1 by PASTA). */
  readonly probabilityOfWait: number;
  /** Wq: mean time in queue before service starts (average speed of answer). */
  readonly waitSecondsMean: number;
  /** W = Wq + S: mean time in system. */
  readonly responseSecondsMean: number;
  /** Lq = lambda Wq (Little's law). */
  readonly queueLengthMean: number;
  /** L = lambda W (Little's law). */
  readonly inSystemMean: number;
}

export type QueueResult = QueueMetrics | NotSteady;

/**
 * P(wait <= t) when the wait is 0 with probability 1 - Pw and exponential otherwise, with the
 * conditional mean chosen so the overall mean is Wq: P = 1 - Pw exp(-t Pw / Wq).
 * Exact for M/M/c (there Wq / Pw = S / (c - A)); an approximation for anything else.
 */
export function serviceLevelExponentialTail(
  probabilityOfWait: number,
  waitSecondsMean: number,
  targetSeconds: number,
): number {
  if (probabilityOfWait <= 0 || waitSecondsMean <= 0) return 1;
  const conditionalWaitSecondsMean = waitSecondsMean / probabilityOfWait;
  return 1 - probabilityOfWait * Math.exp(-targetSeconds / conditionalWaitSecondsMean);
}

/**
 * The p-quantile of the wait under the same tail shape as serviceLevelExponentialTail:
 * the smallest t with P(wait <= t) >= p; 0 when at least a fraction p never waits.
 */
export function waitSecondsQuantileExponentialTail(
  probabilityOfWait: number,
  waitSecondsMean: number,
  quantile: number,
): number {
  if (!(quantile >= 0 && quantile < 1)) throw new RangeError(`quantile must be in [0, 1), got ${quantile}`);
  if (probabilityOfWait <= 1 - quantile || waitSecondsMean <= 0) return 0;
  const conditionalWaitSecondsMean = waitSecondsMean / probabilityOfWait;
  return conditionalWaitSecondsMean * Math.log(probabilityOfWait / (1 - quantile));
}
