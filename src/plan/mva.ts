/**
 * Exact Mean Value Analysis for a closed, single-class, product-form network (Reiser and Lavenberg,
 * J. ACM 27(2), 1980; Lazowska et al., "Quantitative System Performance", 1984, chapter 6.3).
 * Each station k has a service demand D_k = V_k S_k (visits x service time per visit). For
 * n = 1..N customers:
 *   R_k(n) = D_k (1 + Q_k(n-1))   queueing (single-server FCFS exponential, or PS/LCFS-PR)
 *   R_k(n) = D_k                  delay (infinite server)
 *   X(n)   = n / (Z + sum_k R_k(n))
 *   Q_k(n) = X(n) R_k(n)
 * Z is the think time of terminal customers (itself a delay station; kept separate because
 * interactive models quote it apart). Response R(n) = sum_k R_k(n) excludes Z.
 * Multi-server stations are not exact under this recurrence and are not offered here.
 * Times in seconds, throughputs per second.
 */
import { checkPositive, invalid, type NotSteady } from './not-steady.js';

export interface MvaStation {
  readonly name?: string;
  readonly kind: 'queue' | 'delay';
  /** Total service demand per customer cycle, D_k = visits x service time per visit. */
  readonly demandSeconds: number;
}

export interface MvaInput {
  readonly stations: readonly MvaStation[];
  /** N, the customer population. */
  readonly customers: number;
  /** Z, the mean think time between a response and the next request; 0 when omitted. */
  readonly thinkTimeSeconds?: number;
}

export interface MvaStationMetrics {
  readonly name: string;
  readonly kind: 'queue' | 'delay';
  /** R_k(N): mean time per cycle at this station, queueing included. */
  readonly residenceSeconds: number;
  /** Q_k(N): mean number of customers at this station. */
  readonly queueLengthMean: number;
  /** U_k = X D_k: utilisation of a queueing station, mean busy servers of a delay station. */
  readonly utilisation: number;
}

export interface MvaResult {
  readonly stable: true;
  readonly customers: number;
  /** X(N): system throughput, cycles per second. */
  readonly throughputPerSecond: number;
  /** R(N) = sum of residence times, think time excluded. */
  readonly responseSecondsMean: number;
  readonly stations: readonly MvaStationMetrics[];
  /** X(n) for n = 0..N, so a capacity curve needs one call. */
  readonly throughputPerSecondByCustomers: readonly number[];
  /** R(n) for n = 0..N (R(0) = 0). */
  readonly responseSecondsByCustomers: readonly number[];
}

/** Bound on N x K so a typo (1e9 customers) is refused rather than running for minutes. */
export const MVA_WORK_MAX = 50_000_000;

/** Exact MVA, or NotSteady ('invalid') for a negative demand or a non-integer population. */
export function mva(input: MvaInput): MvaResult | NotSteady {
  const { stations, customers } = input;
  const thinkTimeSeconds = input.thinkTimeSeconds ?? 0;
  if (!Number.isInteger(customers) || customers < 0) return invalid(`customers must be a whole number >= 0, got ${customers}`);
  const thinkReason = checkPositive('thinkTimeSeconds', thinkTimeSeconds, true);
  if (thinkReason !== null) return invalid(thinkReason);
  if (stations.length === 0) return invalid('a closed network needs at least one station');
  for (const [k, station] of stations.entries()) {
    const reason = checkPositive(`${station.name ?? `station ${k}`}: demandSeconds`, station.demandSeconds, true);
    if (reason !== null) return invalid(reason);
  }
  const totalDemandSeconds = stations.reduce((sum, s) => sum + s.demandSeconds, 0) + thinkTimeSeconds;
  if (customers > 0 && !(totalDemandSeconds > 0)) return invalid('every demand and the think time are 0: throughput would be infinite');
  if (customers * stations.length > MVA_WORK_MAX) {
    return invalid(`customers x stations = ${customers * stations.length} exceeds ${MVA_WORK_MAX}; use an asymptotic bound instead`);
  }

  const stationCount = stations.length;
  const queueLength = new Float64Array(stationCount);
  const residence = new Float64Array(stationCount);
  const throughputByCustomers = [0];
  const responseByCustomers = [0];
  let throughputPerSecond = 0;
  for (let n = 1; n <= customers; n += 1) {
    let responseSeconds = 0;
    for (let k = 0; k < stationCount; k += 1) {
      const station = stations[k]!;
      // Arrival theorem: an arriving customer sees the network as it is with n - 1 customers.
      residence[k] = station.kind === 'delay' ? station.demandSeconds : station.demandSeconds * (1 + queueLength[k]!);
      responseSeconds += residence[k]!;
    }
    throughputPerSecond = n / (thinkTimeSeconds + responseSeconds);
    for (let k = 0; k < stationCount; k += 1) queueLength[k] = throughputPerSecond * residence[k]!;
    throughputByCustomers.push(throughputPerSecond);
    responseByCustomers.push(responseSeconds);
  }
  return {
    stable: true,
    customers,
    throughputPerSecond,
    responseSecondsMean: responseByCustomers[customers]!,
    stations: stations.map((station, k) => ({
      name: station.name ?? `station ${k}`,
      kind: station.kind,
      residenceSeconds: residence[k]!,
      queueLengthMean: queueLength[k]!,
      utilisation: throughputPerSecond * station.demandSeconds,
    })),
    throughputPerSecondByCustomers: throughputByCustomers,
    responseSecondsByCustomers: responseByCustomers,
  };
}
