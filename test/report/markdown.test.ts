import { describe, expect, it } from 'vitest';
import { renderRunMarkdown } from '../../src/report/markdown.js';
import { sampleRunResult } from '../fixtures/run-result.js';

describe('renderRunMarkdown', () => {
  it('has a title, the run line and every section as a pipe table', () => {
    const lines = renderRunMarkdown(sampleRunResult()).split('\n');
    expect(lines.slice(0, 3)).toEqual([
      '# chatscale run: fixture-two-regions',
      '',
      'Seed 42 · full fidelity · 10s simulated · chatscale 0.1.0 · stopped by duration',
    ]);
    expect(lines.filter((line) => line.startsWith('## '))).toEqual([
      '## Messages',
      '## End-to-end latency (ms)',
      '## Servers (8: 4 chat, 2 directory, 2 offlineStore)',
      '## Links',
      '## Operations',
      '## Time series',
      '## Run',
    ]);
    expect(lines).toContain('| sent | 2,000,000 |');
    expect(lines).toContain('| messages out per second | 199,900 |');
    expect(lines).toContain('| ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    expect(lines).toContain('| 1,999,000 | 62.297 | 61.834 | 64.120 | 67.903 | 71.550 | 80.127 |');
    expect(lines).toContain('| `in-chat-1` | chat | in | 16 | 53.0% | 3.5GiB | 151,000 | 16 | 1.75 | 1,210,000 | 12 |');
    expect(lines).toContain('| `eu-in` | eu | in | 10Gbps | 12.5% | 1.15GiB | 150,000 | 3 |');
    // An unlimited link has no utilisation: the JSON's 0 is not shown as an idle 0.0%.
    expect(lines).toContain('| `eu-lan` | eu | eu | unlimited | unlimited | 94.2MiB | 400,000 | 0 |');
    expect(lines).toContain('| `ack` | 2,600,000 |');
    expect(lines).toContain('5 intervals of 2s.');
    expect(lines).toContain('| 4 | 420,000 | 419,900 | 62.100 | 70.100 | 49.0% | 302,000 |');
    expect(lines.at(-2)).toBe(
      '1.25s wall · 12,000,000 events (9,600,000/s) · 1,600,000 messages/s · peak RSS 512MiB. Measured on the machine, unlike every figure above.',
    );
    expect(lines.at(-1)).toBe('');
  });

  it('aggregates many servers, marks a partial run and samples a long series', () => {
    const result = sampleRunResult({ chatServersPerRegion: 10, partial: true });
    const intervals = 100;
    result.timeSeries = {
      intervalMs: 100,
      startMs: Array.from({ length: intervals }, (_, i) => i * 100),
      spanMs: Array<number>(intervals).fill(100),
      sent: Array.from({ length: intervals }, (_, i) => 1000 + i),
      delivered: Array.from({ length: intervals }, (_, i) => 990 + i),
      latencyP50Ms: Array(intervals).fill(61.5),
      latencyP99Ms: Array(intervals).fill(66),
      cpuUtilisationMean: Array(intervals).fill(0.5),
      connections: Array(intervals).fill(300_000),
    };
    const lines = renderRunMarkdown(result).split('\n');
    expect(lines).toContain('> **Partial:** the run was cut short (interrupt); figures cover the simulated time so far.');
    expect(lines).toContain('| in | chat | 10 | 160 | 63.5% | 77.0% | 11.5GiB | 1,545,000 | 24 | 12,450,000 | 12 |');
    expect(lines).toContain('Busiest 5 by CPU:');
    expect(lines).toContain('| `in-chat-9` | chat | in | 16 | 77.0% | 11.5GiB | 159,000 | 24 | 3.75 | 1,290,000 | 0 |');
    expect(lines).toContain('100 intervals of 100ms; one row in every 5 shown (the CSV has all).');
    const seriesRows = lines.filter((line) => /^\| \d+(\.\d+)? \| 1,0\d\d \|/.test(line));
    expect(seriesRows).toHaveLength(20);
    expect(seriesRows[1]).toBe('| 0.5 | 1,005 | 995 | 61.500 | 66.000 | 50.0% | 300,000 |');
  });
});
