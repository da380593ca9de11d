/**
 * Per-interval accumulators for the run's time series (`TimeSeries` in run-result.ts): messages
 * sent and delivered, end-to-end latency p50 and p99 of the messages delivered in the interval,
 * and gauges sampled at each interval's end (connected devices, chat-server CPU utilisation).
 *
 * Intervals are half-open, [start + k * interval, start + (k + 1) * interval), and the last one
 * ends at the run's end, so it may be shorter. Counts go to the interval of the time they happen
 * (a message is sent in one interval and delivered in another). Latency needs one histogram, not
 * one per interval: deliveries come in time order (the kernel's clock never goes back), so when
 * one lands in a later interval the current interval's percentiles are final and the histogram is
 * reset and reused. Records outside [start, end), such as during a warm-up, are counted and left
 * out, not an error.
 *
 * CPU utilisation over an interval is the growth of cumulative busy core-nanoseconds since the
 * previous sample, over cores times the time between samples: the engine reads a running total
 * (MultiServerQueue.busyServerNs summed over servers) and never resets anything.
 */
import { LatencyHistogram, nsToMsRounded } from './latency-histogram.js';
import type { TimeSeries } from './run-result.js';

export interface IntervalGauges {
  /** Devices connected at the sample time, over all chat servers. */
  connections: number;
  /** Busy core-nanoseconds of the chat servers' CPUs, cumulative (never reset). */
  cpuBusyCoreNs: number;
  /** Cores of the chat servers (the denominator of utilisation). */
  cpuCores: number;
}

export interface TimeSeriesRecorderOptions {
  /** Width of an interval in nanoseconds (a positive integer). */
  intervalNs: number;
  /** Start of the first interval (default 0; the end of a warm-up, if any). */
  startNs?: number;
  /** End of the run; the last interval ends here. */
  endNs: number;
  /** Busy core-nanoseconds already on the clock at `startNs` (default 0). */
  cpuBusyCoreNsAtStart?: number;
  /** Bound on the number of intervals (default 1,000,000); a longer series is refused up front. */
  intervalsMax?: number;
}

export const TIME_SERIES_INTERVALS_MAX = 1_000_000;

export class TimeSeriesRecorder {
  readonly intervalNs: number;
  readonly startNs: number;
  readonly endNs: number;
  /** Intervals between start and end (the last may be partial). */
  readonly intervals: number;
  private readonly sent: Float64Array;
  private readonly delivered: Float64Array;
  private readonly latencyP50Ms: Float64Array;
  private readonly latencyP99Ms: Float64Array;
  private readonly cpuUtilisation: Float64Array;
  private readonly connections: Float64Array;
  private readonly latency = new LatencyHistogram();
  /** The interval whose deliveries the latency histogram holds (-1 before the first). */
  private latencyInterval = -1;
  private lastSampleNs: number;
  private lastBusyCoreNs: number;
  private outside = 0;

  constructor(options: TimeSeriesRecorderOptions) {
    const startNs = options.startNs ?? 0;
    const intervalsMax = options.intervalsMax ?? TIME_SERIES_INTERVALS_MAX;
    if (!(Number.isSafeInteger(options.intervalNs) && options.intervalNs > 0)) {
      throw new RangeError(`time series: intervalNs must be a positive integer, got ${options.intervalNs}`);
    }
    if (!(Number.isSafeInteger(startNs) && Number.isSafeInteger(options.endNs) && options.endNs >= startNs)) {
      throw new RangeError(`time series: need integer startNs <= endNs, got ${startNs} and ${options.endNs}`);
    }
    const intervals = Math.ceil((options.endNs - startNs) / options.intervalNs);
    if (intervals > intervalsMax) {
      throw new RangeError(
        `time series: ${intervals} intervals of ${options.intervalNs} ns exceed the bound of ${intervalsMax}; use a wider interval`,
      );
    }
    this.intervalNs = options.intervalNs;
    this.startNs = startNs;
    this.endNs = options.endNs;
    this.intervals = intervals;
    this.sent = new Float64Array(intervals);
    this.delivered = new Float64Array(intervals);
    this.latencyP50Ms = new Float64Array(intervals);
    this.latencyP99Ms = new Float64Array(intervals);
    this.cpuUtilisation = new Float64Array(intervals);
    this.connections = new Float64Array(intervals);
    this.lastSampleNs = startNs;
    this.lastBusyCoreNs = options.cpuBusyCoreNsAtStart ?? 0;
  }

  /** Records outside [start, end) that were left out (warm-up, or after the end). */
  get recordsOutside(): number {
    return this.outside;
  }

  /** The interval holding `timeNs`, or -1 when it is outside [start, end). */
  intervalOf(timeNs: number): number {
    if (timeNs < this.startNs || timeNs >= this.endNs) return -1;
    return Math.floor((timeNs - this.startNs) / this.intervalNs);
  }

  /** Where interval `index` ends: the time at which the engine samples its gauges. */
  intervalEndNs(index: number): number {
    return Math.min(this.startNs + (index + 1) * this.intervalNs, this.endNs);
  }

  recordSent(timeNs: number): void {
    const index = this.intervalOf(timeNs);
    if (index < 0) this.outside++;
    else this.sent[index]!++;
  }

  /** A message (or copy) delivered at `timeNs` after `latencyNs` end to end. */
  recordDelivered(timeNs: number, latencyNs: number): void {
    const index = this.intervalOf(timeNs);
    if (index < 0) {
      this.outside++;
      return;
    }
    if (index !== this.latencyInterval) this.moveLatencyTo(index);
    this.delivered[index]!++;
    this.latency.record(latencyNs);
  }

  private moveLatencyTo(index: number): void {
    if (index < this.latencyInterval) {
      throw new Error(
        `time series: a delivery in interval ${index} came after one in interval ${this.latencyInterval} (time went back)`,
      );
    }
    this.finishLatencyInterval();
    this.latencyInterval = index;
  }

  private finishLatencyInterval(): void {
    this.writeLatencyPercentiles();
    this.latency.reset();
  }

  private writeLatencyPercentiles(): void {
    if (this.latencyInterval < 0 || this.latency.count === 0) return;
    const [p50Ns, p99Ns] = this.latency.percentilesNs([50, 99]);
    this.latencyP50Ms[this.latencyInterval] = nsToMsRounded(p50Ns!);
    this.latencyP99Ms[this.latencyInterval] = nsToMsRounded(p99Ns!);
  }

  /**
   * Gauges sampled at `timeNs`, normally the end of an interval (intervalEndNs); they belong to the
   * interval that ends at or contains `timeNs`. Call once per interval, in time order.
   */
  sampleGauges(timeNs: number, gauges: IntervalGauges): void {
    if (timeNs <= this.startNs || timeNs > this.endNs) {
      this.outside++;
      return;
    }
    if (timeNs < this.lastSampleNs) {
      throw new Error(`time series: gauges sampled at ${timeNs} ns after a sample at ${this.lastSampleNs} ns`);
    }
    const index = Math.ceil((timeNs - this.startNs) / this.intervalNs) - 1;
    const spanNs = timeNs - this.lastSampleNs;
    const busyNs = gauges.cpuBusyCoreNs - this.lastBusyCoreNs;
    if (spanNs > 0 && gauges.cpuCores > 0) this.cpuUtilisation[index] = busyNs / (gauges.cpuCores * spanNs);
    this.connections[index] = gauges.connections;
    this.lastSampleNs = timeNs;
    this.lastBusyCoreNs = gauges.cpuBusyCoreNs;
  }

  /**
   * The series from the start to `untilNs` (default the run's end; for a run cut short, the time it
   * stopped, so the series ends there). An interval with no delivery has latency 0 (its delivered
   * count of 0 says why); one never sampled has gauges 0.
   */
  result(untilNs: number = this.endNs): TimeSeries {
    // The current interval's percentiles so far; recording may go on (a progress report mid-run).
    this.writeLatencyPercentiles();
    const clampedNs = Math.min(Math.max(untilNs, this.startNs), this.endNs);
    const intervals = Math.ceil((clampedNs - this.startNs) / this.intervalNs);
    const startMs: number[] = [];
    const spanMs: number[] = [];
    for (let i = 0; i < intervals; i++) {
      const fromNs = this.startNs + i * this.intervalNs;
      startMs.push(fromNs / 1_000_000);
      spanMs.push((Math.min(fromNs + this.intervalNs, clampedNs) - fromNs) / 1_000_000);
    }
    const take = (values: Float64Array): number[] => Array.from(values.subarray(0, intervals));
    return {
      intervalMs: this.intervalNs / 1_000_000,
      startMs,
      spanMs,
      sent: take(this.sent),
      delivered: take(this.delivered),
      latencyP50Ms: take(this.latencyP50Ms),
      latencyP99Ms: take(this.latencyP99Ms),
      cpuUtilisationMean: take(this.cpuUtilisation),
      connections: take(this.connections),
    };
  }
}
