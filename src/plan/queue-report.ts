/**
 * The data behind `chatscale queue`: M/M/c by Erlang C, or Allen-Cunneen when a service or arrival
 * coefficient of variation is given. Keys of QueueReport are the command's JSON contract
 * (issue 5): times in seconds, serviceLevel null without a target.
 */
import { allenCunneen, allenCunneenModel } from './mgc.js';
import { mmc } from './mmc.js';
import { serviceLevelExponentialTail } from './queue-metrics.js';

export interface QueueInput {
  readonly arrivalRatePerSecond: number;
  readonly serviceTimeSeconds: number;
  readonly servers: number;
  /** The service-level threshold t in P(wait <= t). */
  readonly targetSeconds?: number;
  /** Coefficient of variation (sd / mean, not squared) of the service time; 1 is exponential. */
  readonly serviceCv?: number;
  /** Coefficient of variation of interarrival times; 1 is Poisson. */
  readonly arrivalCv?: number;
  /** The unit the user gave the service time in, for display only. */
  readonly displayTimeUnit?: { readonly symbol: string; readonly seconds: number };
}

export interface QueueReport {
  /** "M/M/c", "M/G/c (Allen-Cunneen)", or "G/G/c (Allen-Cunneen)" when the arrival CV is not 1. */
  readonly model: string;
  /** False when utilisation >= 1 (the queue grows without bound) or an argument is out of range. */
  readonly stable: boolean;
  /** Why the queue is not stable; null when it is. */
  readonly reason: string | null;
  /** A = arrival rate x service time, Erlangs. */
  readonly offeredLoadErlangs: number;
  /** Fewest servers with utilisation below 1: floor(A) + 1. */
  readonly serversMinStable: number;
  /** A / c; null only when the arguments make it meaningless. */
  readonly utilisation: number | null;
  readonly probabilityOfWait: number | null;
  /** Seconds in queue (Wq). */
  readonly meanWait: number | null;
  /** Seconds in system (W = Wq + S). */
  readonly meanResponse: number | null;
  readonly meanQueueLength: number | null;
  readonly meanInSystem: number | null;
  /** P(wait <= target); null without a target or when unstable. */
  readonly serviceLevel: number | null;
  readonly inputs: {
    readonly arrivalRatePerSecond: number;
    readonly serviceTimeSeconds: number;
    readonly servers: number;
    readonly targetSeconds: number | null;
    readonly serviceCv: number | null;
    readonly arrivalCv: number | null;
  };
}

/** Computes the queue command's report; never throws for a valid-typed input. */
export function queueReport(input: QueueInput): QueueReport {
  const { arrivalRatePerSecond, serviceTimeSeconds, servers } = input;
  const inputs = {
    arrivalRatePerSecond,
    serviceTimeSeconds,
    servers,
    targetSeconds: input.targetSeconds ?? null,
    serviceCv: input.serviceCv ?? null,
    arrivalCv: input.arrivalCv ?? null,
  };
  const general = input.serviceCv !== undefined || input.arrivalCv !== undefined;
  const serviceCv = input.serviceCv ?? 1;
  const arrivalCv = input.arrivalCv ?? 1;
  const result = general
    ? allenCunneen({ arrivalRatePerSecond, serviceTimeSeconds, servers, serviceScv: serviceCv ** 2, arrivalScv: arrivalCv ** 2 })
    : mmc({ arrivalRatePerSecond, serviceTimeSeconds, servers });
  const model = general ? allenCunneenModel(arrivalCv ** 2) : 'M/M/c';
  const offeredLoadErlangs = arrivalRatePerSecond * serviceTimeSeconds;
  const serversMinStable = Math.floor(offeredLoadErlangs) + 1;
  if (!result.stable) {
    return {
      model,
      stable: false,
      reason: result.reason,
      offeredLoadErlangs,
      serversMinStable,
      utilisation: result.utilisation,
      probabilityOfWait: null,
      meanWait: null,
      meanResponse: null,
      meanQueueLength: null,
      meanInSystem: null,
      serviceLevel: null,
      inputs,
    };
  }
  return {
    model,
    stable: true,
    reason: null,
    offeredLoadErlangs,
    serversMinStable,
    utilisation: result.utilisation,
    probabilityOfWait: result.probabilityOfWait,
    meanWait: result.waitSecondsMean,
    meanResponse: result.responseSecondsMean,
    meanQueueLength: result.queueLengthMean,
    meanInSystem: result.inSystemMean,
    // Exact for M/M/c; for Allen-Cunneen an exponential tail with the approximated mean wait.
    serviceLevel:
      input.targetSeconds === undefined
        ? null
        : serviceLevelExponentialTail(result.probabilityOfWait, result.waitSecondsMean, input.targetSeconds),
    inputs,
  };
}
