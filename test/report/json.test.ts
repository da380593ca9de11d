import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/metrics/run-result.js';
import { canonicalRunResult, renderRunJson, renderStableJson } from '../../src/report/json.js';
import { sampleRunResult } from '../fixtures/run-result.js';

/** The same data with every object's keys in reverse order (arrays keep their order). */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).reverse()) out[key] = reverseKeys((value as Record<string, unknown>)[key]);
  return out;
}

describe('renderRunJson', () => {
  it('writes keys in contract order, 2-space indent, sorted operations and a final newline', () => {
    const text = renderRunJson(sampleRunResult());
    const lines = text.split('\n');
    expect(lines.slice(0, 10)).toEqual([
      '{',
      '  "scenario": "fixture-two-regions",',
      '  "seed": 42,',
      '  "version": "0.1.0",',
      '  "fidelity": "full",',
      '  "simulatedSeconds": 10,',
      '  "partial": false,',
      '  "stoppedBy": "duration",',
      '  "messages": {',
      '    "sent": 2000000,',
    ]);
    const topLevel = lines.filter((line) => /^ {2}"/.test(line)).map((line) => line.split('"')[1]);
    expect(topLevel).toEqual([
      'scenario', 'seed', 'version', 'fidelity', 'simulatedSeconds', 'partial', 'stoppedBy',
      'messages', 'latency', 'rates', 'servers', 'links', 'operations', 'timeSeries', 'meta',
    ]);
    const operations = lines.indexOf('  "operations": {');
    expect(lines.slice(operations + 1, operations + 7)).toEqual([
      '    "ack": 2600000,',
      '    "deliver": 2600000,',
      '    "fanout": 600000,',
      '    "receipt": 1999000,',
      '    "route": 2000000,',
      '    "storeOffline": 3400',
    ]);
    expect(text.endsWith('    "peakRssBytes": 536870912\n  }\n}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual(sampleRunResult());
  });

  it('gives the same bytes whatever order the object was built in', () => {
    const result = sampleRunResult({ chatServersPerRegion: 3 });
    expect(renderRunJson(reverseKeys(result) as RunResult)).toBe(renderRunJson(result));
  });

  it('rounds floating-point noise: 3 decimals for Ms and Seconds, 6 significant digits elsewhere', () => {
    const result = sampleRunResult();
    result.servers[0]!.cpuUtilisation = 0.1 + 0.2; // 0.30000000000000004
    result.latency.endToEnd.p99Ms = 67.90300000000001;
    result.timeSeries.latencyP99Ms[1] = 68.4004999;
    result.meta.wallSeconds = 1.23456;
    result.meta.eventsPerWallSecond = 9_600_123.456;
    const parsed = JSON.parse(renderRunJson(result)) as RunResult;
    expect(parsed.servers[0]!.cpuUtilisation).toBe(0.3);
    expect(parsed.latency.endToEnd.p99Ms).toBe(67.903);
    expect(parsed.timeSeries.latencyP99Ms[1]).toBe(68.4);
    expect(parsed.meta.wallSeconds).toBe(1.235);
    expect(parsed.meta.eventsPerWallSecond).toBe(9_600_120);
  });

  it('keeps keys the contract does not know yet, after the known ones, sorted', () => {
    const result = { ...sampleRunResult(), zeta: 1, alpha: { b: 1, a: 2.0000001 } } as RunResult;
    const lines = renderRunJson(result).split('\n');
    const meta = lines.indexOf('  "meta": {');
    expect(lines.slice(meta + 6)).toEqual(['  },', '  "alpha": {', '    "a": 2,', '    "b": 1', '  },', '  "zeta": 1', '}', '']);
    expect(Object.keys(canonicalRunResult(result)).at(-1)).toBe('zeta');
  });

  it('refuses a NaN or infinite figure, naming where it is', () => {
    const result = sampleRunResult();
    result.servers[2]!.cpuUtilisation = Number.NaN;
    expect(() => renderRunJson(result)).toThrow('result: servers[2].cpuUtilisation is NaN, not a finite number');
    const series = sampleRunResult();
    series.timeSeries.latencyP50Ms[3] = Number.POSITIVE_INFINITY;
    expect(() => renderRunJson(series)).toThrow('result: timeSeries.latencyP50Ms[3] is Infinity, not a finite number');
  });

  it('renders any plain data with sorted keys', () => {
    expect(renderStableJson({ b: [1.00000001, { d: 1, c: 2 }], a: 'x' })).toBe(
      '{\n  "a": "x",\n  "b": [\n    1,\n    {\n      "c": 2,\n      "d": 1\n    }\n  ]\n}\n',
    );
  });
});
