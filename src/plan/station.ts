/**
 * Stations of an open network (tandem lines, Jackson networks) and the figures each returns.
 * Times in seconds, rates per second.
 */
import { allenCunneen } from './mgc.js';
import { mmc } from './mmc.js';
import { checkPositive, invalid, type NotSteady } from './not-steady.js';

/** A FIFO station with `servers` identical servers. */
export interface QueueStation {
  readonly kind: 'queue';
  readonly name?: string;
  readonly servers: number;
  readonly serviceTimeSeconds: number;
  /** cs^2 of the service time; exponential (1) when omitted. Only tandem lines use it. */
  readonly serviceScv?: number;
}

/** An infinite-server station: every job spends `delaySeconds` on average, with no queueing (a link, think time). */
export interface DelayStation {
  readonly kind: 'delay';
  readonly name?: string;
  readonly delaySeconds: number;
}

export type StationSpec = QueueStation | DelayStation;

export interface StationMetrics {
  readonly name: string;
  /** 'M/M/c', 'M/G/c (Allen-Cunneen)', 'G/G/c (Allen-Cunneen)' or 'delay'. */
  readonly model: string;
  readonly arrivalRatePerSecond: number;
  /** Per-server utilisation; null for a delay station, which has unbounded servers. */
  readonly utilisation: number | null;
  readonly probabilityOfWait: number;
  readonly waitSecondsMean: number;
  /** Mean time spent at the station per visit. */
  readonly responseSecondsMean: number;
  readonly queueLengthMean: number;
  readonly inSystemMean: number;
}

export function stationName(station: StationSpec, index: number): string {
  return station.name ?? `station ${index}`;
}

/**
 * One station's figures at arrival rate `arrivalRatePerSecond` and interarrival SCV `arrivalScv`.
 * M/M/c exactly when both SCVs are 1, else Allen-Cunneen.
 */
export function solveStation(
  station: StationSpec,
  index: number,
  arrivalRatePerSecond: number,
  arrivalScv: number,
): StationMetrics | NotSteady {
  const name = stationName(station, index);
  if (station.kind === 'delay') {
    const reason = checkPositive(`${name}: delaySeconds`, station.delaySeconds, true);
    if (reason !== null) return invalid(reason);
    return {
      name,
      model: 'delay',
      arrivalRatePerSecond,
      utilisation: null,
      probabilityOfWait: 0,
      waitSecondsMean: 0,
      responseSecondsMean: station.delaySeconds,
      queueLengthMean: 0,
      inSystemMean: arrivalRatePerSecond * station.delaySeconds,
    };
  }
  const serviceScv = station.serviceScv ?? 1;
  const input = { arrivalRatePerSecond, serviceTimeSeconds: station.serviceTimeSeconds, servers: station.servers };
  const result =
    serviceScv === 1 && arrivalScv === 1 ? mmc(input) : allenCunneen({ ...input, serviceScv, arrivalScv });
  if (!result.stable) return { ...result, reason: `${name}: ${result.reason}` };
  return {
    name,
    model: result.model,
    arrivalRatePerSecond,
    utilisation: result.utilisation,
    probabilityOfWait: result.probabilityOfWait,
    waitSecondsMean: result.waitSecondsMean,
    responseSecondsMean: result.responseSecondsMean,
    queueLengthMean: result.queueLengthMean,
    inSystemMean: result.inSystemMean,
  };
}

/** The figures of a whole open network. */
export interface NetworkMetrics {
  readonly stable: true;
  /** Total external arrival rate = network throughput in steady state. */
  readonly throughputPerSecond: number;
  /** Mean time from entering the network to leaving it: sum of L_i over total arrivals (Little). */
  readonly responseSecondsMean: number;
  /** Mean number of jobs anywhere in the network. */
  readonly inSystemMean: number;
  /** True when the figures are exact (product form), false when an approximation was used. */
  readonly exact: boolean;
  readonly stations: readonly StationMetrics[];
}

export type NetworkResult = NetworkMetrics | NotSteady;
