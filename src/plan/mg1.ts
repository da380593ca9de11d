/**
 * M/G/1 by the Pollaczek-Khinchine mean-value formula (Kleinrock vol. 1, eq. 5.105;
 * Gross and Harris, section 5.1.1): with rho = lambda S < 1 and cs^2 = Var(S) / S^2,
 *   Wq = rho S (1 + cs^2) / (2 (1 - rho))  =  lambda E[S^2] / (2 (1 - rho))
 *   W  = Wq + S,  Lq = lambda Wq,  L = lambda W,  P(wait) = rho (PASTA).
 * Special cases: cs^2 = 1 is M/M/1, cs^2 = 0 is M/D/1. Times in seconds, rates per second.
 */
import { checkPositive, invalid, saturated } from './not-steady.js';
import type { QueueResult } from './queue-metrics.js';

interface Mg1Base {
  readonly arrivalRatePerSecond: number;
  /** Mean service time S. */
  readonly serviceTimeSeconds: number;
}

/** Service variability given either as the squared coefficient of variation or as a variance. */
export type Mg1Input =
  | (Mg1Base & { readonly serviceScv: number; readonly serviceVarianceSeconds2?: never })
  | (Mg1Base & { readonly serviceVarianceSeconds2: number; readonly serviceScv?: never });

/** cs^2 = Var(S) / E[S]^2. */
export function scvFromVariance(meanSeconds: number, varianceSeconds2: number): number {
  return varianceSeconds2 / (meanSeconds * meanSeconds);
}

/** Steady-state M/G/1 figures labelled `model`, or NotSteady for rho >= 1 or a bad argument. */
export function mg1(input: Mg1Input, model = 'M/G/1 (Pollaczek-Khinchine)'): QueueResult {
  const { arrivalRatePerSecond, serviceTimeSeconds } = input;
  const baseReason =
    checkPositive('arrivalRatePerSecond', arrivalRatePerSecond, true) ??
    checkPositive('serviceTimeSeconds', serviceTimeSeconds);
  if (baseReason !== null) return invalid(baseReason);
  const serviceScv =
    input.serviceScv !== undefined ? input.serviceScv : scvFromVariance(serviceTimeSeconds, input.serviceVarianceSeconds2);
  const scvReason =
    input.serviceScv !== undefined
      ? checkPositive('serviceScv', serviceScv, true)
      : checkPositive('serviceVarianceSeconds2', input.serviceVarianceSeconds2, true);
  if (scvReason !== null) return invalid(scvReason);
  const utilisation = arrivalRatePerSecond * serviceTimeSeconds;
  if (!(utilisation < 1)) {
    return saturated(utilisation, `utilisation ${utilisation} >= 1: the queue grows without bound`);
  }
  const waitSecondsMean = (utilisation * serviceTimeSeconds * (1 + serviceScv)) / (2 * (1 - utilisation));
  const responseSecondsMean = waitSecondsMean + serviceTimeSeconds;
  return {
    stable: true,
    model,
    servers: 1,
    arrivalRatePerSecond,
    serviceTimeSeconds,
    offeredLoadErlangs: utilisation,
    utilisation,
    probabilityOfWait: utilisation,
    waitSecondsMean,
    responseSecondsMean,
    queueLengthMean: arrivalRatePerSecond * waitSecondsMean,
    inSystemMean: arrivalRatePerSecond * responseSecondsMean,
  };
}
