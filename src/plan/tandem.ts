/**
 * A tandem line: every job visits the stations in order, once each.
 *
 * With Poisson arrivals and exponential stations the departures of an M/M/c are again Poisson
 * (Burke's theorem), so each station is an independent M/M/c at the same rate and the mean
 * response is exactly the sum of the stations' means. Delay (infinite-server) stations keep the
 * stream's character and add their delay. With a non-exponential station the line is approximated
 * station by station (Whitt's QNA, Bell Labs Tech. J. 62(9), 1983, eq. 39): each station is
 * Allen-Cunneen at its arrival SCV, and its departure SCV becomes the next station's arrival SCV:
 *   cd^2 = 1 + (1 - rho^2)(ca^2 - 1) + rho^2 (cs^2 - 1) / sqrt(c).
 * Times in seconds, rates per second.
 */
import { checkPositive, invalid } from './not-steady.js';
import { type NetworkResult, type StationMetrics, type StationSpec, solveStation } from './station.js';

export interface TandemInput {
  readonly arrivalRatePerSecond: number;
  /** ca^2 of the external arrivals; 1 (Poisson) when omitted. */
  readonly arrivalScv?: number;
  readonly stations: readonly StationSpec[];
}

/** Departure SCV of a G/G/c station (QNA linking equation). */
export function departureScv(arrivalScv: number, serviceScv: number, utilisation: number, servers: number): number {
  const rho2 = utilisation * utilisation;
  return 1 + (1 - rho2) * (arrivalScv - 1) + (rho2 * (serviceScv - 1)) / Math.sqrt(servers);
}

/** Mean response of a tandem line, or NotSteady naming the first saturated or invalid station. */
export function tandem(input: TandemInput): NetworkResult {
  const arrivalScvExternal = input.arrivalScv ?? 1;
  const reason =
    checkPositive('arrivalRatePerSecond', input.arrivalRatePerSecond, true) ??
    checkPositive('arrivalScv', arrivalScvExternal, true);
  if (reason !== null) return invalid(reason);
  const stations: StationMetrics[] = [];
  let arrivalScv = arrivalScvExternal;
  let exact = arrivalScvExternal === 1;
  for (const [index, station] of input.stations.entries()) {
    const metrics = solveStation(station, index, input.arrivalRatePerSecond, arrivalScv);
    if (!('name' in metrics)) return metrics;
    stations.push(metrics);
    if (station.kind === 'queue') {
      const serviceScv = station.serviceScv ?? 1;
      if (serviceScv !== 1) exact = false;
      arrivalScv = departureScv(arrivalScv, serviceScv, metrics.utilisation ?? 0, station.servers);
    }
  }
  const responseSecondsMean = stations.reduce((sum, s) => sum + s.responseSecondsMean, 0);
  return {
    stable: true,
    throughputPerSecond: input.arrivalRatePerSecond,
    responseSecondsMean,
    inSystemMean: input.arrivalRatePerSecond * responseSecondsMean,
    exact,
    stations,
  };
}
