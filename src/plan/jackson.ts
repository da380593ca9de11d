/**
 * Open Jackson network (Jackson 1957/1963; Kleinrock vol. 1, 4.8; Bolch et al., "Queueing Networks
 * and Markov Chains", 7.1): Poisson external arrivals gamma_i, exponential FIFO stations with c_i
 * servers, and Markov routing P[i][j] (the probability a job leaving i goes next to j; with
 * probability 1 - sum_j P[i][j] it leaves the network).
 *   Traffic equations:   lambda = gamma + P^T lambda,   solved directly.
 *   Product form:        each station behaves as an independent M/M/c at rate lambda_i.
 *   Network response:    T = sum_i L_i / sum_i gamma_i   (Little's law on the whole network).
 * Delay (infinite-server) stations are allowed: they keep the product form (BCMP type 3).
 * Times in seconds, rates per second.
 */
import { solveLinear } from './linear-solve.js';
import { checkPositive, invalid, saturated } from './not-steady.js';
import { type DelayStation, type NetworkResult, type QueueStation, type StationMetrics, solveStation } from './station.js';

/** Jackson networks need exponential service, so a queue station here has no serviceScv. */
export type JacksonStation = Omit<QueueStation, 'serviceScv'> | DelayStation;

export interface JacksonInput {
  readonly externalArrivalRatesPerSecond: readonly number[];
  /** routing[i][j]: probability that a job finishing at station i goes next to station j. */
  readonly routing: readonly (readonly number[])[];
  readonly stations: readonly JacksonStation[];
}

/** Slack for row sums of a routing matrix typed by hand (0.1 + 0.2 + 0.7 is not exactly 1). */
const ROW_SUM_TOLERANCE = 1e-9;

/** Solves lambda = gamma + P^T lambda; null when no job can ever leave some part of the network. */
export function trafficEquations(
  externalArrivalRatesPerSecond: readonly number[],
  routing: readonly (readonly number[])[],
): number[] | null {
  const n = externalArrivalRatesPerSecond.length;
  const system = Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => (i === j ? 1 : 0) - routing[j]![i]!),
  );
  return solveLinear(system, externalArrivalRatesPerSecond);
}

/** Mean response of an open Jackson network, or NotSteady naming the problem. */
export function jackson(input: JacksonInput): NetworkResult {
  const n = input.stations.length;
  // Shapes are the caller's code, not the user's numbers.
  if (input.externalArrivalRatesPerSecond.length !== n || input.routing.length !== n) {
    throw new RangeError(`jackson: ${n} stations need ${n} arrival rates and an ${n}x${n} routing matrix`);
  }
  for (const row of input.routing) {
    if (row.length !== n) throw new RangeError(`jackson: routing must be ${n}x${n}`);
  }
  for (const [i, rate] of input.externalArrivalRatesPerSecond.entries()) {
    const reason = checkPositive(`externalArrivalRatesPerSecond[${i}]`, rate, true);
    if (reason !== null) return invalid(reason);
  }
  for (const [i, row] of input.routing.entries()) {
    let rowSum = 0;
    for (const [j, p] of row.entries()) {
      if (!(p >= 0 && p <= 1)) return invalid(`routing[${i}][${j}] must be a probability in [0, 1], got ${p}`);
      rowSum += p;
    }
    if (rowSum > 1 + ROW_SUM_TOLERANCE) return invalid(`routing row ${i} sums to ${rowSum}, more than 1`);
  }
  const throughputPerSecond = input.externalArrivalRatesPerSecond.reduce((sum, rate) => sum + rate, 0);
  if (!(throughputPerSecond > 0)) return invalid('the network has no external arrivals');
  const arrivalRates = trafficEquations(input.externalArrivalRatesPerSecond, input.routing);
  if (arrivalRates === null || arrivalRates.some((rate) => !(rate >= -1e-9 * throughputPerSecond))) {
    return invalid('routing traps jobs: some stations have no path out of the network');
  }
  const stations: StationMetrics[] = [];
  let worst: { utilisation: number; reason: string } | null = null;
  for (const [i, station] of input.stations.entries()) {
    const metrics = solveStation(station, i, Math.max(0, arrivalRates[i]!), 1);
    if ('name' in metrics) {
      stations.push(metrics);
      continue;
    }
    if (metrics.problem === 'invalid') return metrics;
    // Report the most saturated station, since that is the one to fix first.
    if (worst === null || (metrics.utilisation ?? 0) > worst.utilisation) {
      worst = { utilisation: metrics.utilisation ?? 0, reason: metrics.reason };
    }
  }
  if (worst !== null) return saturated(worst.utilisation, worst.reason);
  const inSystemMean = stations.reduce((sum, s) => sum + s.inSystemMean, 0);
  return {
    stable: true,
    throughputPerSecond,
    responseSecondsMean: inSystemMean / throughputPerSecond,
    inSystemMean,
    exact: true,
    stations,
  };
}
