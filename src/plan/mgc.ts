/**
 * G/G/c and M/G/c by the Allen-Cunneen approximation (Allen, "Probability, Statistics and Queueing
 * Theory", 2nd ed., 1990, section 6.3; Hopp and Spearman, "Factory Physics", eq. 8.7 "Kingman-like"):
 *   Wq(G/G/c) ~= Wq(M/M/c) (ca^2 + cs^2) / 2
 * where ca^2 and cs^2 are the squared coefficients of variation of interarrival and service times.
 * It is exact for M/M/c (ca = cs = 1) and for M/G/1 (it reduces to Pollaczek-Khinchine), and good to
 * a few percent for M/G/c at moderate to high load. W = Wq + S and Little's law give the rest.
 * P(wait) is taken from Erlang C (an approximation once ca or cs differs from 1), and the service
 * level assumes an exponential conditional wait with the Allen-Cunneen mean (see
 * serviceLevelExponentialTail). Times in seconds, rates per second.
 */
import { checkPositive, invalid } from './not-steady.js';
import { mmc } from './mmc.js';
import type { QueueResult } from './queue-metrics.js';

export interface AllenCunneenInput {
  readonly arrivalRatePerSecond: number;
  readonly serviceTimeSeconds: number;
  readonly servers: number;
  /** cs^2 = Var(S) / S^2: 1 for exponential service, 0 for constant. */
  readonly serviceScv: number;
  /** ca^2 of interarrival times; 1 (Poisson arrivals) when omitted. */
  readonly arrivalScv?: number;
}

/** The model label: M/G/c when arrivals are Poisson (ca^2 = 1), else G/G/c. */
export function allenCunneenModel(arrivalScv: number): string {
  return arrivalScv === 1 ? 'M/G/c (Allen-Cunneen)' : 'G/G/c (Allen-Cunneen)';
}

/** Allen-Cunneen mean-value estimates, or NotSteady for rho >= 1 or a bad argument. */
export function allenCunneen(input: AllenCunneenInput): QueueResult {
  const arrivalScv = input.arrivalScv ?? 1;
  const reason = checkPositive('serviceScv', input.serviceScv, true) ?? checkPositive('arrivalScv', arrivalScv, true);
  if (reason !== null) return invalid(reason);
  const markovian = mmc(input);
  if (!markovian.stable) return markovian;
  const variabilityFactor = (arrivalScv + input.serviceScv) / 2;
  const waitSecondsMean = markovian.waitSecondsMean * variabilityFactor;
  const responseSecondsMean = waitSecondsMean + input.serviceTimeSeconds;
  return {
    ...markovian,
    model: allenCunneenModel(arrivalScv),
    waitSecondsMean,
    responseSecondsMean,
    queueLengthMean: input.arrivalRatePerSecond * waitSecondsMean,
    inSystemMean: input.arrivalRatePerSecond * responseSecondsMean,
  };
}
