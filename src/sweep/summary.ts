/**
 * A sweep's lines summarised per grid point (its repeats together): what the sweep and merge
 * commands print at the end. Pure.
 */
import type { AxisValue } from './grid.js';
import type { PointLine } from './points-file.js';

export interface PointSummary {
  point: Record<string, AxisValue>;
  /** Runs (repeats) of the point in the lines. */
  runs: number;
  seeds: number[];
  /** Means over the runs. */
  messagesOutPerSecondMean: number;
  latencyMeanMs: number;
  p99MsMean: number;
  p99MsMin: number;
  p99MsMax: number;
  /** The busiest server's CPU utilisation, the largest over the runs. */
  cpuUtilisationMax: number;
  /** messages.dropped / messages.sent, pooled over the runs. */
  lossFraction: number;
}

const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

/** One summary per point, in the order of the points' first run. */
export function summarisePoints(lines: readonly PointLine[]): PointSummary[] {
  const groups = new Map<string, PointLine[]>();
  for (const line of [...lines].sort((a, b) => a.index - b.index)) {
    const key = JSON.stringify(line.point);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [line]);
    else group.push(line);
  }
  return [...groups.values()].map((group) => {
    const results = group.map((l) => l.result);
    const p99 = results.map((r) => r.latency.endToEnd.p99Ms);
    const sent = results.reduce((sum, r) => sum + r.messages.sent, 0);
    const dropped = results.reduce((sum, r) => sum + r.messages.dropped, 0);
    return {
      point: group[0]!.point,
      runs: group.length,
      seeds: group.map((l) => l.seed),
      messagesOutPerSecondMean: mean(results.map((r) => r.rates.messagesOutPerSecond)),
      latencyMeanMs: mean(results.map((r) => r.latency.endToEnd.meanMs)),
      p99MsMean: mean(p99),
      p99MsMin: Math.min(...p99),
      p99MsMax: Math.max(...p99),
      cpuUtilisationMax: Math.max(...results.map((r) => Math.max(0, ...r.servers.map((s) => s.cpuUtilisation)))),
      lossFraction: sent === 0 ? 0 : dropped / sent,
    };
  });
}
