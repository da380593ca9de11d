/**
 * How fast latencies are recorded: this module's LatencyHistogram against hdr-histogram-js's
 * pure-JS `recordValue` on the same values (a reference-chat-like spread: 60 ms plus an
 * exponential tail). Wall time is injected; this module never reads a clock itself.
 */
import hdr from 'hdr-histogram-js';
import { LatencyHistogram } from './latency-histogram.js';

export interface LatencyHistogramBenchOptions {
  /** Wall clock in milliseconds (e.g. performance.now). */
  nowMs: () => number;
  /** Values recorded per measurement (default 5,000,000). */
  records?: number;
}

export interface LatencyHistogramBenchResult {
  records: number;
  ownRecordsPerSecond: number;
  libraryRecordsPerSecond: number;
  /** Both summaries agree (a check that the two recorded the same thing). */
  p99NsOwn: number;
  p99NsLibrary: number;
}

export function benchLatencyHistogram(options: LatencyHistogramBenchOptions): LatencyHistogramBenchResult {
  const records = options.records ?? 5_000_000;
  // 65,536 precomputed values, cycled, so the loop measures recording and not value generation.
  const values = new Float64Array(1 << 16);
  let state = 12_345;
  for (let i = 0; i < values.length; i++) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    values[i] = 60_000_000 + Math.floor(-Math.log((state + 1) / 4_294_967_297) * 800_000);
  }
  const mask = values.length - 1;

  const own = new LatencyHistogram();
  let start = options.nowMs();
  for (let i = 0; i < records; i++) own.record(values[i & mask]!);
  const ownMs = options.nowMs() - start;

  const library = hdr.build({
    bitBucketSize: 64,
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000_000,
    numberOfSignificantValueDigits: 3,
  });
  start = options.nowMs();
  for (let i = 0; i < records; i++) library.recordValue(values[i & mask]!);
  const libraryMs = options.nowMs() - start;

  return {
    records,
    ownRecordsPerSecond: Math.round(records / (ownMs / 1000)),
    libraryRecordsPerSecond: Math.round(records / (libraryMs / 1000)),
    p99NsOwn: own.percentileNs(99),
    p99NsLibrary: Math.min(library.getValueAtPercentile(99), own.maxNs),
  };
}
