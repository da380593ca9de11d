/**
 * What a slice of k chat servers says about all N (DESIGN.md section 4). The slice is a stratified
 * sample: each region r has k_r of its N_r servers simulated (src/model/outside-world.ts), and
 * regions differ in users per server and in time of day, so each region's figures are scaled by
 * its own N_r / k_r, not by N / k. A region with no server in the slice (k below the number of
 * regions) cannot be measured: the regions that are in it are scaled up to the whole deployment
 * by servers, and the result says so only through its wider interval.
 */
import type { RatesResult, ServerResult, SliceResult } from '../metrics/run-result.js';
import { tQuantile995 } from '../metrics/t-quantile.js';
import type { ResolvedScenario } from '../scenario/resolved.js';

const round = (value: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

/** Per region (by index): servers simulated (k_r), servers in all (N_r), and the scale to apply. */
export interface SliceStrata {
  simulated: number[];
  servers: number[];
  /** N_r / k_r, times the share of servers the represented regions stand for; 0 for k_r = 0. */
  scale: number[];
}

/** The strata of a slice whose simulated servers per region are `simulatedByRegion` (k_r). */
export function sliceStrata(scenario: ResolvedScenario, simulatedByRegion: readonly number[]): SliceStrata {
  const servers = scenario.regions.map((r) => r.chatServers.count);
  const simulated = [...simulatedByRegion];
  const total = servers.reduce((a, b) => a + b, 0);
  const represented = servers.reduce((sum, n, r) => sum + (simulated[r]! > 0 ? n : 0), 0);
  const coverage = represented > 0 ? total / represented : 0;
  return { simulated, servers, scale: servers.map((n, r) => (simulated[r]! > 0 ? (n / simulated[r]!) * coverage : 0)) };
}

/** Whether the strata leave servers out (a slice), rather than cover every server (full). */
export function isPartialCover(strata: SliceStrata): boolean {
  return strata.simulated.reduce((a, b) => a + b, 0) < strata.servers.reduce((a, b) => a + b, 0);
}

/**
 * Per-server CPU utilisation of the whole deployment: the stratified mean (each region weighted by
 * its share of servers) with a 99% t interval. A region's variance is its own sample variance, or
 * with one server in the slice the variance pooled over the regions that have two or more. When no
 * region has two, the servers' variance taken together (regions ignored: wider, as it should be);
 * with a single server, nothing bounds the mean but utilisation's own range, 0 to 1. (Before session
 * 13 those cases gave an interval of zero width: certainty exactly where nothing was known.)
 */
function cpuEstimate(strata: SliceStrata, cpuByRegion: number[][]): { mean: number; halfWidth: number } {
  const weights = strata.servers.map((n, r) => (strata.simulated[r]! > 0 ? n : 0));
  const weightTotal = weights.reduce((a, b) => a + b, 0);
  if (weightTotal === 0) return { mean: 0, halfWidth: 0 };
  const means = cpuByRegion.map((xs) => (xs.length > 0 ? xs.reduce((a, b) => a + b, 0) / xs.length : 0));
  let pooledSquares = 0;
  let pooledDf = 0;
  const variances = cpuByRegion.map((xs, r) => {
    if (xs.length < 2) return -1;
    const squares = xs.reduce((a, x) => a + (x - means[r]!) ** 2, 0);
    pooledSquares += squares;
    pooledDf += xs.length - 1;
    return squares / (xs.length - 1);
  });
  if (pooledDf === 0) {
    const all = cpuByRegion.flat();
    if (all.length < 2) {
      const only = all.length === 1 ? all[0]! : 0;
      return { mean: only, halfWidth: Infinity };
    }
    const overall = all.reduce((a, b) => a + b, 0) / all.length;
    pooledSquares = all.reduce((a, x) => a + (x - overall) ** 2, 0);
    pooledDf = all.length - 1;
  }
  const pooled = pooledSquares / pooledDf;
  let mean = 0;
  let standardErrorSquared = 0;
  cpuByRegion.forEach((xs, r) => {
    if (xs.length === 0) return;
    const w = weights[r]! / weightTotal;
    mean += w * means[r]!;
    standardErrorSquared += (w * w * (variances[r]! >= 0 ? variances[r]! : pooled)) / xs.length;
  });
  const halfWidth = tQuantile995(pooledDf) * Math.sqrt(standardErrorSquared);
  return { mean, halfWidth };
}

/** A count the slice made by region, scaled to the deployment: each region by its own N_r / k_r. */
export function scaledByRegion(byRegion: readonly number[], strata: SliceStrata): number {
  let sum = 0;
  byRegion.forEach((value, r) => {
    sum += value * strata.scale[r]!;
  });
  return sum;
}

/** The busiest interval's figures, already scaled to the deployment (assemble-run.ts). */
export interface DerivedPeaks {
  messagesInPerSecond: number;
  messagesOutPerSecond: number;
  loginsPerSecond: number;
  connections: number;
}

/**
 * The deployment's figures derived from the slice's (messages in by the sender's region, out by
 * the device's): the `slice` block of the results, with the slice's own rates in it, and the
 * deployment's rates, which the results' `rates` reports for a slice.
 */
export function sliceResult(
  scenario: ResolvedScenario,
  strata: SliceStrata,
  servers: readonly ServerResult[],
  measuredSeconds: number,
  peaks: DerivedPeaks,
  simulatedRates: RatesResult,
  byRegion: { sentInside: readonly number[]; deliveries: readonly number[] },
): { result: SliceResult; rates: RatesResult } {
  const regionIndex = new Map(scenario.regions.map((r) => [r.name, r.index]));
  const cpuByRegion: number[][] = scenario.regions.map(() => []);
  for (const server of servers) if (server.role === 'chat') cpuByRegion[regionIndex.get(server.region)!]!.push(server.cpuUtilisation);
  const cpu = cpuEstimate(strata, cpuByRegion);
  const messagesInPerSecond = round(scaledByRegion(byRegion.sentInside, strata) / measuredSeconds, 3);
  const messagesOutPerSecond = round(scaledByRegion(byRegion.deliveries, strata) / measuredSeconds, 3);
  const connectionsPeak = Math.round(peaks.connections);
  return {
    result: {
      simulatedServers: strata.simulated.reduce((a, b) => a + b, 0),
      totalServers: strata.servers.reduce((a, b) => a + b, 0),
      regionsNotSimulated: scenario.regions.filter((r) => strata.servers[r.index]! > 0 && strata.simulated[r.index] === 0).map((r) => r.name),
      derived: {
        cpuUtilisationMean: round(cpu.mean, 6),
        cpuUtilisationCi99Low: round(Math.max(0, cpu.mean - cpu.halfWidth), 6),
        cpuUtilisationCi99High: round(Math.min(1, cpu.mean + cpu.halfWidth), 6),
        messagesInPerSecond,
        messagesOutPerSecond,
        connectionsPeak,
      },
      simulatedRates,
    },
    rates: {
      messagesInPerSecond,
      messagesOutPerSecond,
      messagesInPerSecondPeak: round(peaks.messagesInPerSecond, 3),
      messagesOutPerSecondPeak: round(peaks.messagesOutPerSecond, 3),
      loginsPerSecondPeak: round(peaks.loginsPerSecond, 3),
      connectionsPeak,
    },
  };
}
