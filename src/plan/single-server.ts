/**
 * Closed forms for the two single-server queues everyone checks first (Kleinrock vol. 1, 3.2 and
 * 5.6; Gross and Harris 2.2 and 5.1). With rho = lambda S < 1:
 *   M/M/1:  Wq = rho S / (1 - rho),        W = S / (1 - rho),
 *           Lq = rho^2 / (1 - rho),        L = rho / (1 - rho)
 *   M/D/1:  Wq = rho S / (2 (1 - rho)),    W = Wq + S,
 *           Lq = rho^2 / (2 (1 - rho)),    L = Lq + rho
 * Both have P(wait) = rho. Written out rather than routed through M/M/c or Pollaczek-Khinchine so the
 * tests can check those general formulas against these. Times in seconds, rates per second.
 */
import { checkPositive, invalid, saturated } from './not-steady.js';
import type { QueueResult } from './queue-metrics.js';

export interface SingleServerInput {
  readonly arrivalRatePerSecond: number;
  readonly serviceTimeSeconds: number;
}

function checkInput(input: SingleServerInput): QueueResult | null {
  const reason =
    checkPositive('arrivalRatePerSecond', input.arrivalRatePerSecond, true) ??
    checkPositive('serviceTimeSeconds', input.serviceTimeSeconds);
  if (reason !== null) return invalid(reason);
  const utilisation = input.arrivalRatePerSecond * input.serviceTimeSeconds;
  if (!(utilisation < 1)) return saturated(utilisation, `utilisation ${utilisation} >= 1: the queue grows without bound`);
  return null;
}

/** M/M/1 closed form. */
export function mm1(input: SingleServerInput): QueueResult {
  const problem = checkInput(input);
  if (problem !== null) return problem;
  const { arrivalRatePerSecond, serviceTimeSeconds } = input;
  const rho = arrivalRatePerSecond * serviceTimeSeconds;
  return {
    stable: true,
    model: 'M/M/1',
    servers: 1,
    arrivalRatePerSecond,
    serviceTimeSeconds,
    offeredLoadErlangs: rho,
    utilisation: rho,
    probabilityOfWait: rho,
    waitSecondsMean: (rho * serviceTimeSeconds) / (1 - rho),
    responseSecondsMean: serviceTimeSeconds / (1 - rho),
    queueLengthMean: (rho * rho) / (1 - rho),
    inSystemMean: rho / (1 - rho),
  };
}

/** M/D/1 closed form (constant service time S). */
export function md1(input: SingleServerInput): QueueResult {
  const problem = checkInput(input);
  if (problem !== null) return problem;
  const { arrivalRatePerSecond, serviceTimeSeconds } = input;
  const rho = arrivalRatePerSecond * serviceTimeSeconds;
  const waitSecondsMean = (rho * serviceTimeSeconds) / (2 * (1 - rho));
  const queueLengthMean = (rho * rho) / (2 * (1 - rho));
  return {
    stable: true,
    model: 'M/D/1',
    servers: 1,
    arrivalRatePerSecond,
    serviceTimeSeconds,
    offeredLoadErlangs: rho,
    utilisation: rho,
    probabilityOfWait: rho,
    waitSecondsMean,
    responseSecondsMean: waitSecondsMean + serviceTimeSeconds,
    queueLengthMean,
    inSystemMean: queueLengthMean + rho,
  };
}
