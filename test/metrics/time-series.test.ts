import { describe, expect, it } from 'vitest';
import { TimeSeriesRecorder } from '../../src/metrics/time-series.js';

const MS = 1_000_000;
const S = 1_000_000_000;

describe('TimeSeriesRecorder', () => {
  it('puts counts, latency percentiles and gauges in the right interval, the last one partial', () => {
    const series = new TimeSeriesRecorder({ intervalNs: 1 * S, endNs: 2.5 * S });
    expect(series.intervals).toBe(3);
    // Interval 0: three sent, two delivered at 30 and 50 ms.
    series.recordSent(0);
    series.recordSent(0.2 * S);
    series.recordSent(0.999_999_999 * S);
    series.recordDelivered(0.5 * S, 30 * MS);
    series.recordDelivered(0.6 * S, 50 * MS);
    series.sampleGauges(series.intervalEndNs(0), { connections: 100, cpuBusyCoreNs: 2 * S, cpuCores: 8 });
    // Interval 1: the message sent at 0.999999999 s is delivered at 1.0 s (a boundary is the next interval's).
    series.recordDelivered(1 * S, 10 * MS);
    series.sampleGauges(series.intervalEndNs(1), { connections: 120, cpuBusyCoreNs: 6 * S, cpuCores: 8 });
    // Interval 2 is half an interval long: 1 core-second busy over 8 cores * 0.5 s.
    series.recordSent(2.4 * S);
    expect(series.intervalEndNs(2)).toBe(2.5 * S);
    series.sampleGauges(2.5 * S, { connections: 90, cpuBusyCoreNs: 7 * S, cpuCores: 8 });
    expect(series.result()).toEqual({
      intervalMs: 1000,
      startMs: [0, 1000, 2000],
      spanMs: [1000, 1000, 500],
      sent: [3, 0, 1],
      delivered: [2, 1, 0],
      // p50 of {30, 50} ms is the top of 30 ms's bucket (1,831 * 16,384 = 29,999,104 to
      // 30,015,487 ns); p99 is the exact max, 50 ms.
      latencyP50Ms: [30.015, 10, 0],
      latencyP99Ms: [50, 10, 0],
      cpuUtilisationMean: [0.25, 0.5, 0.25],
      connections: [100, 120, 90],
    });
    expect(series.recordsOutside).toBe(0);
  });

  it('leaves out and counts records before the start (warm-up) and at or after the end', () => {
    const series = new TimeSeriesRecorder({ intervalNs: 100 * MS, startNs: 1 * S, endNs: 1.2 * S, cpuBusyCoreNsAtStart: 4 * S });
    series.recordSent(0.5 * S);
    series.recordDelivered(0.9 * S, 1 * MS);
    series.recordSent(1.05 * S);
    series.recordDelivered(1.2 * S, 1 * MS);
    series.sampleGauges(1.1 * S, { connections: 5, cpuBusyCoreNs: 4.05 * S, cpuCores: 1 });
    const result = series.result();
    expect(result.startMs).toEqual([1000, 1100]);
    expect(result.sent).toEqual([1, 0]);
    expect(result.delivered).toEqual([0, 0]);
    expect(result.cpuUtilisationMean).toEqual([0.5, 0]);
    expect(series.recordsOutside).toBe(3);
  });

  it('ends the series where a run cut short stopped, and reports percentiles so far mid-interval', () => {
    const series = new TimeSeriesRecorder({ intervalNs: 1 * S, endNs: 10 * S });
    series.recordDelivered(0.1 * S, 2 * MS);
    series.recordDelivered(1.5 * S, 4 * MS);
    const partial = series.result(1.7 * S);
    expect(partial.startMs).toEqual([0, 1000]);
    expect(partial.latencyP50Ms).toEqual([2, 4]);
    // Recording goes on after a mid-run result; the interval's figures include both deliveries.
    series.recordDelivered(1.8 * S, 8 * MS);
    expect(series.result(2 * S).latencyP99Ms).toEqual([2, 8]);
    expect(series.result().startMs).toHaveLength(10);
  });

  it('treats a delivery in an earlier interval than the last as a bug', () => {
    const series = new TimeSeriesRecorder({ intervalNs: 1 * S, endNs: 3 * S });
    series.recordDelivered(2 * S, 1 * MS);
    expect(() => series.recordDelivered(1 * S, 1 * MS)).toThrow(
      'time series: a delivery in interval 1 came after one in interval 2 (time went back)',
    );
  });

  it('refuses a series longer than its bound or with a bad interval', () => {
    expect(() => new TimeSeriesRecorder({ intervalNs: 1 * MS, endNs: 3600 * S, intervalsMax: 1000 })).toThrow(
      'time series: 3600000 intervals of 1000000 ns exceed the bound of 1000; use a wider interval',
    );
    expect(() => new TimeSeriesRecorder({ intervalNs: 0, endNs: S })).toThrow(/intervalNs must be a positive integer/);
  });
});
