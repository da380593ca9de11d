/** Histograms, counters and per-interval series, and the results contract they feed. */
export type { LatencySummary, LinkResult, RunResult, ServerResult, TimeSeries } from './run-result.js';
export {
  LatencyHistogram,
  LatencyHistogramDecodeError,
  LATENCY_HISTOGRAM_FORMAT,
  bucketIndexOf,
  highestValueAt,
  lowestValueAt,
  nsToMsRounded,
  type LatencyHistogramJson,
} from './latency-histogram.js';
export {
  TimeSeriesRecorder,
  TIME_SERIES_INTERVALS_MAX,
  type IntervalGauges,
  type TimeSeriesRecorderOptions,
} from './time-series.js';
export { Counters, compareCodeUnits, sortedRecord, sumRecords } from './counters.js';
export { roundDecimals, roundFigure, roundSignificant } from './rounding.js';
