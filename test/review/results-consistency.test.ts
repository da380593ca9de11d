/**
 * Review, session 13: results that contradicted their own definitions (found by a review helper).
 * Peaks below the mean when the run's end cut the last time-series interval short, and arrivals
 * with no one to send to that fell out of every count.
 */
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/engine/run-scenario.js';
import type { RunResult } from '../../src/metrics/run-result.js';
import { renderRunMarkdown, renderRunText, renderTimeSeriesCsv } from '../../src/report/index.js';
import { renderRunHtml } from '../../src/report/html/run-html.js';
import { loadScenario } from '../../src/scenario/index.js';
import { SMALL } from './small-scenario.js';

function run(overrides: string[]): RunResult {
  const loaded = loadScenario({ text: SMALL, fileName: 'small.yaml' }, overrides);
  if (!loaded.ok) throw new Error(loaded.problems.map((p) => p.reason).join('; '));
  return runScenario(loaded.scenario);
}

describe('a last time-series interval cut short by the run', () => {
  // 2 s with 500 ms of warm-up: 1.5 s measured, in intervals of 1 s and 500 ms.
  const result = run(['duration=2s', 'warmup=500ms']);

  it('has its own length in spanMs, in the JSON and the CSV', () => {
    expect(result.timeSeries.spanMs).toEqual([1000, 500]);
    expect(renderTimeSeriesCsv(result.timeSeries).split('\n')[0]).toMatch(/^startMs,spanMs,sent,/);
    expect(renderTimeSeriesCsv(result.timeSeries).split('\n')[2]).toMatch(/^1000,500,/);
  });

  it('counts over its own length for the peaks, so no peak is below its mean', () => {
    const { rates, timeSeries } = result;
    expect(rates.messagesInPerSecondPeak).toBeGreaterThanOrEqual(rates.messagesInPerSecond);
    expect(rates.messagesOutPerSecondPeak).toBeGreaterThanOrEqual(rates.messagesOutPerSecond);
    const perSecond = timeSeries.delivered.map((count, i) => (count * 1000) / timeSeries.spanMs[i]!);
    expect(rates.messagesOutPerSecondPeak).toBeCloseTo(Math.max(...perSecond), 3);
  });

  it('is said to be shorter in the terminal summary', () => {
    expect(renderRunText(result, { color: false })).toContain('Time series (2 intervals of 1s, the last 500ms)');
  });
});

describe('arrivals with no one to send to', () => {
  it('count as unsent: one user alone sends nothing, and every arrival is accounted', () => {
    const result = run(['duration=1s', 'regions.eu.users=1', 'chatServers.perRegion=1', 'workload.groups.share=0%']);
    expect(result.messages.sent).toBe(0);
    // 500 arrivals a second, Poisson: about 500 in the one second measured.
    expect(result.messages.unsent).toBeGreaterThan(400);
    expect(result.messages.unsent).toBeLessThan(600);
  });
});

describe('a run in which no copy reached a device', () => {
  it('says so in the reports instead of a latency table of zeros; the JSON keeps its numbers', () => {
    // One-hour access latency over a one-second run: nothing arrives.
    const result = run(['duration=1s', 'regions.eu.accessLatency=1h']);
    expect(result.latency.endToEnd.count).toBe(0);
    expect(result.latency.endToEnd.meanMs).toBe(0);
    const text = renderRunText(result, { color: false });
    expect(text).toContain('no copy reached a device in the measured window');
    expect(text).not.toMatch(/count\s+mean\s+p50/);
    expect(renderRunMarkdown(result)).toContain('no copy reached a device in the measured window');
  });
});

describe('a slice\'s derived figures in every report (session 13)', () => {
  const twoRegions = ['duration=2s', 'warmup=500ms', 'regions.us={timezone: UTC, users: 2000}', 'links.eu-us={latency: 50ms}', 'fidelity=slice'];

  it('the Markdown and HTML reports title them as derived and give the CPU with its interval', async () => {
    const result = run([...twoRegions, 'sliceServers=2']);
    const markdown = renderRunMarkdown(result);
    expect(markdown).toContain(`## Deployment, derived from a slice of 2 of 4 chat servers`);
    expect(markdown).toMatch(/\| chat-server CPU \(99% CI\) \| [\d.]+% \([\d.]+% to [\d.]+%\) \|/);
    expect(markdown).toContain('The sections below describe the slice');
    const html = await renderRunHtml(result);
    expect(html).toContain('Deployment, derived from a slice of 2 of 4 chat servers');
    expect(html).toContain('deliveries / s (deployment, derived)');
  });

  it('with one simulated server per region the interval is not of zero width', () => {
    const d = run([...twoRegions, 'sliceServers=2']).slice!.derived;
    expect(d.cpuUtilisationCi99High).toBeGreaterThan(d.cpuUtilisationCi99Low);
  });

  it('with a single simulated server nothing bounds it but 0 to 1', () => {
    const d = run([...twoRegions, 'sliceServers=1']).slice!.derived;
    expect(d.cpuUtilisationCi99Low).toBe(0);
    expect(d.cpuUtilisationCi99High).toBe(1);
  });
});

describe('the HTML report (session 13)', () => {
  it('names the busiest server on its card and has the time series as a table, as the Markdown does', async () => {
    const result = run(['duration=2s', 'warmup=500ms']);
    const busiest = [...result.servers].sort((a, b) => b.cpuUtilisation - a.cpuUtilisation)[0]!;
    const html = await renderRunHtml(result);
    expect(html).toContain(`busiest server CPU (${busiest.id})`);
    expect(html).toContain('<h2>Time series</h2>');
    expect(html).toContain('2 intervals of 1s, the last 500ms.');
    expect(renderRunMarkdown(result)).toContain('2 intervals of 1s, the last 500ms.');
  });
});
