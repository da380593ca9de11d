import { describe, expect, it } from 'vitest';
import { renderTimeSeriesCsv } from '../../src/report/csv.js';
import { sampleRunResult } from '../fixtures/run-result.js';

describe('renderTimeSeriesCsv', () => {
  it('writes a header and one row per interval', () => {
    expect(renderTimeSeriesCsv(sampleRunResult().timeSeries)).toBe(
      [
        'startMs,spanMs,sent,delivered,latencyP50Ms,latencyP99Ms,cpuUtilisationMean,connections',
        '0,2000,380000,379000,61.5,66.2,0.44,295000',
        '2000,2000,410000,410200,61.9,68.4,0.47,300000',
        '4000,2000,420000,419900,62.1,70.1,0.49,302000',
        '6000,2000,400000,400100,61.8,67.3,0.46,301000',
        '8000,2000,390000,389800,61.7,66.9,0.45,299500',
        '',
      ].join('\n'),
    );
  });

  it('rounds like the JSON and writes only the header for an empty series', () => {
    const series = sampleRunResult().timeSeries;
    series.cpuUtilisationMean[0] = 0.1 + 0.2;
    series.latencyP50Ms[0] = 61.50049;
    expect(renderTimeSeriesCsv(series).split('\n')[1]).toBe('0,2000,380000,379000,61.5,66.2,0.3,295000');
    const empty = { intervalMs: 1000, startMs: [], spanMs: [], sent: [], delivered: [], latencyP50Ms: [], latencyP99Ms: [], cpuUtilisationMean: [], connections: [] };
    expect(renderTimeSeriesCsv(empty)).toBe('startMs,spanMs,sent,delivered,latencyP50Ms,latencyP99Ms,cpuUtilisationMean,connections\n');
  });

  it('refuses columns of different lengths and non-finite figures', () => {
    const series = sampleRunResult().timeSeries;
    series.connections.pop();
    expect(() => renderTimeSeriesCsv(series)).toThrow('time series: connections has 4 values for 5 intervals');
    const nan = sampleRunResult().timeSeries;
    nan.sent[2] = Number.NaN;
    expect(() => renderTimeSeriesCsv(nan)).toThrow('time series: sent[2] is NaN, not a finite number');
  });
});
