import { describe, expect, it } from 'vitest';
import { LATENCY_CDF_PERCENTILES, latencyCdf } from '../../src/metrics/latency-cdf.js';
import { LatencyHistogram } from '../../src/metrics/latency-histogram.js';
import { renderRunJson } from '../../src/report/json.js';
import { sampleRunResult } from '../fixtures/run-result.js';

describe('latencyCdf', () => {
  it('is empty for an empty histogram', () => {
    expect(latencyCdf(new LatencyHistogram())).toEqual([]);
  });

  it('reads the histogram at each percentile: 1..1000 ms uniform gives p% at p*10 ms', () => {
    const histogram = new LatencyHistogram();
    for (let ms = 1; ms <= 1000; ms++) histogram.record(ms * 1_000_000);
    const cdf = latencyCdf(histogram);
    expect(cdf.map((p) => p.fraction)).toEqual(LATENCY_CDF_PERCENTILES.map((p) => p / 100));
    const at = (fraction: number) => cdf.find((p) => p.fraction === fraction)!.latencyMs;
    // HdrHistogram reports the top of the bucket (3 significant digits: within 0.1%).
    expect(at(0.5)).toBeGreaterThanOrEqual(500);
    expect(at(0.5)).toBeLessThan(500.5);
    expect(at(0.9)).toBeGreaterThanOrEqual(900);
    expect(at(0.9)).toBeLessThan(901);
    expect(at(0.01)).toBeGreaterThanOrEqual(10);
    expect(at(0.01)).toBeLessThan(10.01);
    expect(at(1)).toBe(1000); // the exact maximum
    for (let i = 1; i < cdf.length; i++) expect(cdf[i]!.latencyMs).toBeGreaterThanOrEqual(cdf[i - 1]!.latencyMs);
  });

  it('is written in contract order (latencyMs, fraction) inside latency.endToEnd, after maxMs', () => {
    const result = sampleRunResult();
    result.latency.endToEnd.cdf = [
      { fraction: 0.5, latencyMs: 62.0004 } as never,
      { fraction: 1, latencyMs: 80 } as never,
    ];
    const text = renderRunJson(result);
    expect(text).toContain('"maxMs": 80.127,\n      "cdf": [\n        {\n          "latencyMs": 62,\n          "fraction": 0.5\n        },');
  });
});
