/**
 * M/M/c: Poisson arrivals, exponential service, c identical FIFO servers (Erlang C model).
 *
 * With A = lambda S and rho = A / c < 1 (Gross and Harris, section 2.3; Kleinrock vol. 1, 3.5):
 *   Pw  = C(A, c)                       (Erlang C, see erlang.ts)
 *   Wq  = Pw S / (c - A)
 *   W   = Wq + S
 *   Lq  = lambda Wq,  L = lambda W       (Little)
 *   P(wait <= t) = 1 - Pw exp(-(c - A) t / S)
 * Times in seconds, rates per second.
 */
import { erlangC } from './erlang.js';
import { checkPositive, checkServers, invalid, saturated } from './not-steady.js';
import {
  type QueueMetrics,
  type QueueResult,
  serviceLevelExponentialTail,
  waitSecondsQuantileExponentialTail,
} from './queue-metrics.js';

export interface MmcInput {
  readonly arrivalRatePerSecond: number;
  readonly serviceTimeSeconds: number;
  readonly servers: number;
}

/** Validates the three M/M/c arguments; returns the first problem as a NotSteady, or null. */
export function checkMmcInput(input: MmcInput): QueueResult | null {
  const reason =
    checkPositive('arrivalRatePerSecond', input.arrivalRatePerSecond, true) ??
    checkPositive('serviceTimeSeconds', input.serviceTimeSeconds) ??
    checkServers('servers', input.servers);
  if (reason !== null) return invalid(reason);
  const offeredLoadErlangs = input.arrivalRatePerSecond * input.serviceTimeSeconds;
  const utilisation = offeredLoadErlangs / input.servers;
  if (!(utilisation < 1)) {
    return saturated(
      utilisation,
      `utilisation ${utilisation} >= 1: offered load ${offeredLoadErlangs} Erlang on ${input.servers} server(s), the queue grows without bound`,
    );
  }
  return null;
}

/** Steady-state M/M/c figures, or NotSteady when rho >= 1 or an argument is out of range. */
export function mmc(input: MmcInput): QueueResult {
  const problem = checkMmcInput(input);
  if (problem !== null) return problem;
  const { arrivalRatePerSecond, serviceTimeSeconds, servers } = input;
  const offeredLoadErlangs = arrivalRatePerSecond * serviceTimeSeconds;
  const probabilityOfWait = erlangC(offeredLoadErlangs, servers);
  const waitSecondsMean = (probabilityOfWait * serviceTimeSeconds) / (servers - offeredLoadErlangs);
  const responseSecondsMean = waitSecondsMean + serviceTimeSeconds;
  return {
    stable: true,
    model: 'M/M/c',
    servers,
    arrivalRatePerSecond,
    serviceTimeSeconds,
    offeredLoadErlangs,
    utilisation: offeredLoadErlangs / servers,
    probabilityOfWait,
    waitSecondsMean,
    responseSecondsMean,
    queueLengthMean: arrivalRatePerSecond * waitSecondsMean,
    inSystemMean: arrivalRatePerSecond * responseSecondsMean,
  };
}

/**
 * Service level P(wait <= targetSeconds) of an M/M/c result: 1 - Pw exp(-(c - A) t / S).
 * Written through the conditional-exponential form, which is the same expression for M/M/c.
 */
export function mmcServiceLevel(metrics: QueueMetrics, targetSeconds: number): number {
  if (!(targetSeconds >= 0)) throw new RangeError(`targetSeconds must be >= 0, got ${targetSeconds}`);
  return serviceLevelExponentialTail(metrics.probabilityOfWait, metrics.waitSecondsMean, targetSeconds);
}

/** The p-quantile of the M/M/c wait: max(0, S / (c - A) ln(Pw / (1 - p))). */
export function mmcWaitSecondsQuantile(metrics: QueueMetrics, quantile: number): number {
  return waitSecondsQuantileExponentialTail(metrics.probabilityOfWait, metrics.waitSecondsMean, quantile);
}
