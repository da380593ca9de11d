/**
 * The latency distribution as a short list of CDF points, for charts (the HTML report's latency
 * CDF) and for readers of the JSON who want more than five percentiles. Read from the run's
 * histogram at fixed percentiles, dense in the tail where capacity questions are decided.
 */
import { nsToMsRounded, type LatencyHistogram } from './latency-histogram.js';
import type { LatencyCdfPoint } from './run-result.js';

/** Percentiles read (ascending): the body every 5%, the tail down to one message in 100,000. */
export const LATENCY_CDF_PERCENTILES: readonly number[] = [
  0.1, 1, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90, 95, 97.5, 99, 99.5, 99.9, 99.95, 99.99,
  99.999, 100,
];

/**
 * One point per percentile: `fraction` (p / 100) of the messages took at most `latencyMs`, the
 * histogram's value at that percentile (HdrHistogram's rule, capped at the exact maximum), in ms to
 * 3 decimals. Empty when nothing was recorded.
 */
export function latencyCdf(histogram: LatencyHistogram): LatencyCdfPoint[] {
  if (histogram.count === 0) return [];
  const valuesNs = histogram.percentilesNs(LATENCY_CDF_PERCENTILES);
  return LATENCY_CDF_PERCENTILES.map((percentile, i) => ({ latencyMs: nsToMsRounded(valuesNs[i]!), fraction: percentile / 100 }));
}
