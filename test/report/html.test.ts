/**
 * The HTML reports as text: one <svg> per chart, nothing that reaches a network, the titles and
 * axis labels a reader looks for, the figures of the input, and the same bytes for the same input.
 */
import { describe, expect, it } from 'vitest';
import { renderPlanHtml, renderRunHtml, renderSweepHtml, renderWhatifHtml } from '../../src/report/html/index.js';
import { cdfPoints, latencyCdfSpec, logTicks, markerLabelOffsets, timeTicks, useLogLatencyAxis } from '../../src/report/html/charts.js';
import { escapeHtml } from '../../src/report/html/page.js';
import { renameSvgIds } from '../../src/report/html/render-svg.js';
import { estimateTextWidth, textWidthEm } from '../../src/report/html/text-width.js';
import { renderPlanMarkdown, renderSweepMarkdown, renderWhatifMarkdown } from '../../src/report/planning-markdown.js';
import { sampleRunResult } from '../fixtures/run-result.js';
import { runWithCdf, samplePlan, sampleSweep, sampleWhatif } from './html-fixtures.js';

const count = (text: string, pattern: RegExp): number => (text.match(pattern) ?? []).length;

/** The text of every SVG <text> element, decoded enough to compare. */
function svgTexts(html: string): string[] {
  return [...html.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>'));
}

/** Checks every page must pass: self-contained, no script, unique ids, one svg per figure. */
function expectSelfContained(html: string, charts: number): void {
  expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
  expect(html).not.toMatch(/https?:\/\//);
  expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\((?!#)/i);
  expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
  expect(count(html, /<svg\b/g)).toBe(charts);
  expect(count(html, /<\/svg>/g)).toBe(charts);
  expect(count(html, /<figure class="chart"/g)).toBe(charts);
  const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
  expect(new Set(ids).size).toBe(ids.length);
  // Every clip-path reference points at an id of the page.
  for (const match of html.matchAll(/url\(#([^)]+)\)/g)) expect(ids).toContain(match[1]);
}

describe('renderRunHtml', () => {
  it('draws the latency CDF, CPU, latency and throughput over time, and CPU by server', async () => {
    const html = await renderRunHtml(runWithCdf());
    expectSelfContained(html, 5);
    const texts = svgTexts(html);
    for (const title of ['End-to-end latency CDF', 'CPU utilisation over time', 'Latency over time', 'Throughput over time', 'CPU utilisation by server']) {
      expect(texts).toContain(title);
    }
    for (const axis of ['latency (ms, log scale)', 'share of copies delivered within', 'simulated time (s, interval start)', 'mean chat-server CPU', 'latency (ms)', 'messages / s', 'CPU utilisation']) {
      expect(texts).toContain(axis);
    }
    // The CDF's markers carry the summary's figures, the subtitle the count, mean and max.
    expect(texts).toEqual(expect.arrayContaining(['p50 61.83 ms', 'p90 64.12 ms', 'p99 67.9 ms', 'p99.9 171.6 ms']));
    expect(texts).toContain('1,999,000 deliveries · mean 70.5 ms · max 1,280 ms');
    // Log ticks 1-2-5 from the fastest point (60.1 ms) to the max.
    expect(texts).toEqual(expect.arrayContaining(['100', '200', '500', '1,000']));
    // The busiest server first: in-chat-1 at 53%.
    expect(texts).toEqual(expect.arrayContaining(['in-chat-1', '53.0%', 'eu-store-0']));
    // Headline cards and tables hold the result's figures.
    expect(html).toContain('<div class="label">latency p99</div><div class="value">67.903 ms</div>');
    expect(html).toContain('<td>deliveries to devices</td><td class="num">2,600,000</td>');
    // A link's bandwidth, and "unlimited" rather than an idle-looking 0.0% for a LAN.
    expect(html).toMatch(/<td>eu-in<\/td>.*?<td class="num">10Gbps<\/td><td class="num">12\.5%<\/td>/);
    expect(html).toMatch(/<td>eu-lan<\/td>.*?<td class="num">unlimited<\/td><td class="num">unlimited<\/td>/);
    expect(html).toContain('<title>chatscale run: fixture-two-regions</title>');
  });

  it('gives the same bytes for the same result, whatever was rendered before in the process', async () => {
    const first = await renderRunHtml(runWithCdf());
    await renderPlanHtml(samplePlan(), { scenario: 'x', version: '0.1.0' });
    const second = await renderRunHtml(runWithCdf());
    expect(second).toBe(first);
  });

  it('falls back to the five summary percentiles for a result without cdf, and says so', async () => {
    const html = await renderRunHtml(sampleRunResult());
    expectSelfContained(html, 5);
    expect(svgTexts(html)).toContain('1,999,000 deliveries · mean 62.3 ms · max 80.13 ms (from the five summary percentiles)');
    // 61.8 to 80.1 ms is less than a factor of 20: a linear axis.
    expect(svgTexts(html)).toContain('latency (ms)');
  });

  it('says in words what it cannot draw: no deliveries, one interval', async () => {
    const result = sampleRunResult();
    result.latency.endToEnd = { count: 0, meanMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, p999Ms: 0, maxMs: 0, cdf: [] };
    const series = result.timeSeries;
    result.timeSeries = { ...series, startMs: [0], sent: [1], delivered: [0], latencyP50Ms: [0], latencyP99Ms: [0], cpuUtilisationMean: [0.5], connections: [1] };
    const html = await renderRunHtml(result);
    expectSelfContained(html, 1); // CPU by server only
    expect(html).toContain('No message was delivered, so there is no latency distribution to draw.');
    expect(html).toContain('The run recorded 1 time-series interval of 2s; the charts over time need two or more');
  });

  it('escapes every text from the data', async () => {
    const result = runWithCdf();
    result.scenario = '<script>alert("x")</script>';
    const html = await renderRunHtml(result);
    expect(html).not.toContain('<script');
    expect(html).toContain('<title>chatscale run: &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</title>');
  });

  it('marks a partial run', async () => {
    const html = await renderRunHtml(sampleRunResult({ partial: true }));
    expect(html).toContain('<p class="warning">Partial: the run was cut short (interrupt); figures cover the simulated time so far.</p>');
  });
});

describe('renderPlanHtml', () => {
  it('draws the capacity curve (p99 and CPU against the field) with the SLO limits and the answer', async () => {
    const html = await renderPlanHtml(samplePlan(), { scenario: 'fixture', version: '0.1.0' });
    expectSelfContained(html, 2);
    const texts = svgTexts(html);
    for (const text of ['Capacity curve: p99 latency', 'Capacity curve: CPU', 'chatServers.perRegion', 'p99 latency, worst seed (ms)', 'CPU utilisation']) {
      expect(texts).toContain(text);
    }
    expect(texts).toEqual(expect.arrayContaining(['SLO: latency.endToEnd.p99Ms<200', 'SLO: cpu<0.7', 'answer 7', 'pass', 'fail', 'analytic (M/M/c)']));
    // Ticks on the simulated values only.
    expect(texts).toEqual(expect.arrayContaining(['4', '6', '7', '8', '10', '12']));
    expect(texts).not.toContain('5');
    expect(html).toContain('<p class="verdict pass">Answer: chatServers.perRegion = 7.</p>');
    expect(html).toContain('<tr class="fail"><td class="num">6</td><td class="num">0.5</td><td class="num">1</td><td class="num">207.333</td><td class="num">0.5333</td><td>FAIL: latency.endToEnd.p99Ms&lt;200</td></tr>');
    expect(html).toContain('Binding constraint: cpu&lt;0.7 (worst seed 0.4571 against 0.7, margin 34.7%).');
    expect(await renderPlanHtml(samplePlan(), { scenario: 'fixture', version: '0.1.0' })).toBe(html);
  });

  it('says so when no value meets the SLOs', async () => {
    const plan = { ...samplePlan(), answer: null, binding: null };
    const html = await renderPlanHtml(plan, { scenario: 'fixture', version: '0.1.0' });
    expect(html).toContain('<p class="verdict fail">No chatServers.perRegion in 1..16 meets every SLO.</p>');
    expect(svgTexts(html)).not.toContain('answer 7');
  });
});

describe('renderWhatifHtml', () => {
  it('draws base and variant bars per figure and the change from base', async () => {
    const html = await renderWhatifHtml(sampleWhatif(), { version: '0.1.0' });
    expectSelfContained(html, 4);
    const texts = svgTexts(html);
    for (const text of ['Latency: base and variant', 'Utilisation: base and variant', 'Throughput: base and variant', 'Change from base', 'latency (ms)', 'utilisation', 'messages / s', 'change from base (%)']) {
      expect(texts).toContain(text);
    }
    // Bars' labels: base and variant values, and the deltas.
    expect(texts).toEqual(expect.arrayContaining(['base', 'variant', 'p99', 'p99.9', 'busiest server', '67.9', '240.5', '+254%', '+80%', '-0.2%']));
    expect(html).toContain('<p class="verdict fail">2 SLOs flip: p99&lt;200 now fails; cpu&lt;0.9 now fails.</p>');
    expect(html).toContain('<tr class="fail"><td>latency.endToEnd.p99Ms</td><td class="num">67.903</td><td class="num">240.5</td><td class="num">+254%</td><td>worse</td></tr>');
    expect(await renderWhatifHtml(sampleWhatif(), { version: '0.1.0' })).toBe(html);
  });
});

describe('renderSweepHtml', () => {
  it('draws p99, CPU and throughput against the first axis, one line per value of the second', async () => {
    const html = await renderSweepHtml(sampleSweep());
    expectSelfContained(html, 3);
    const texts = svgTexts(html);
    for (const text of ['p99 latency across the sweep', 'Busiest server CPU across the sweep', 'Throughput across the sweep', 'chatServers.cores', 'p99 latency, mean of repeats (ms)', 'messages out / s']) {
      expect(texts).toContain(text);
    }
    expect(texts).toEqual(expect.arrayContaining(['placement=hash', 'placement=region', '4', '8', '16']));
    expect(html).toContain('<td>16</td><td>region</td><td class="num">2</td><td class="num">199,160</td><td class="num">60.000</td><td class="num">105.500</td><td class="num">105.000..106.000</td>');
    expect(await renderSweepHtml(sampleSweep())).toBe(html);
  });

  it('has no charts and says why before any run finished', async () => {
    const html = await renderSweepHtml({ ...sampleSweep(), summaries: [], complete: false });
    expectSelfContained(html, 0);
    expect(html).toContain('No run of the sweep has finished, so there is nothing to draw.');
    expect(html).toContain('<p class="warning">Incomplete:');
  });
});

describe('planning Markdown reports', () => {
  it('plan: the answer, binding constraint and the curve as a table', () => {
    const text = renderPlanMarkdown(samplePlan(), { scenario: 'fixture', version: '0.1.0' });
    expect(text).toContain('# chatscale plan: chatServers.perRegion for fixture\n');
    expect(text).toContain('**Answer: chatServers.perRegion = 7.**');
    expect(text).toContain('| chatServers.perRegion | analytic cpu | seeds run | p99 ms (max) | cpu max | result |\n| ---: | ---: | ---: | ---: | ---: | --- |\n| 4 | 0.75 | 1 | 646.000 | 0.8000 | FAIL: latency.endToEnd.p99Ms<200, cpu<0.7 |');
  });

  it('whatif: SLOs that flip and the figures with deltas', () => {
    const text = renderWhatifMarkdown(sampleWhatif(), { version: '0.1.0' });
    expect(text).toContain('**2 SLOs flip: p99<200 now fails; cpu<0.9 now fails.**');
    expect(text).toContain('| `latency.endToEnd.p99Ms` | 67.903 | 240.5 | +254% | **worse** |');
    expect(text).toContain('| `messages.sent` | 2,000,000 | 2,000,000 | 0% |  |');
  });

  it('sweep: one row per point', () => {
    const text = renderSweepMarkdown(sampleSweep());
    expect(text).toContain('| chatServers.cores | placement | runs | out msg/s | mean ms | p99 ms (mean) | p99 range | cpu max | loss |');
    expect(text).toContain('| 4 | hash | 2 | 199,040 | 75.000 | 220.500 | 220.000..221.000 | 100.0% | 6.00e-6 |');
  });
});

describe('chart helpers', () => {
  it('logTicks: 1-2-5 per decade within the range, thinned past 8', () => {
    expect(logTicks(31, 7900)).toEqual([50, 100, 200, 500, 1000, 2000, 5000]);
    expect(logTicks(0.5, 2)).toEqual([0.5, 1, 2]);
    expect(logTicks(1, 1e6)).toEqual([1, 10, 100, 1000, 10000, 100000, 1000000]);
  });

  it('uses a log latency axis only for a tail 20 times the fastest point', () => {
    expect(useLogLatencyAxis([{ latencyMs: 60, fraction: 0.5 }, { latencyMs: 1199, fraction: 1 }])).toBe(false);
    expect(useLogLatencyAxis([{ latencyMs: 60, fraction: 0.5 }, { latencyMs: 1200, fraction: 1 }])).toBe(true);
    expect(useLogLatencyAxis([{ latencyMs: 0, fraction: 0.5 }, { latencyMs: 1200, fraction: 1 }])).toBe(false);
  });

  it('cdfPoints: the result cdf, else the summary percentiles; nothing without deliveries', () => {
    expect(cdfPoints(runWithCdf().latency.endToEnd)).toHaveLength(7);
    expect(cdfPoints(sampleRunResult().latency.endToEnd).map((p) => p.fraction)).toEqual([0.5, 0.9, 0.99, 0.999, 1]);
    expect(latencyCdfSpec({ count: 0, meanMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, p999Ms: 0, maxMs: 0 })).toBeNull();
  });

  it('moves a marker label down a row when it would cover the previous one', () => {
    const markers = [
      { label: 'p50', latencyMs: 62.36, fraction: 0.5, text: 'p50 62.36 ms' },
      { label: 'p99', latencyMs: 63.37, fraction: 0.99, text: 'p99 63.37 ms' },
      { label: 'p99.9', latencyMs: 63.5, fraction: 0.999, text: 'p99.9 63.5 ms' },
      { label: 'max', latencyMs: 90, fraction: 0.9999, text: 'far right' },
    ];
    const at = (ms: number) => (ms - 60) / 30;
    const offsets = markerLabelOffsets(markers, at);
    // p99.9 lies 0.13 ms right of p99: its label goes just under p99's (14 px rows); the others stay.
    expect(offsets[0]).toBe(0);
    expect(offsets[1]).toBe(0);
    expect(offsets[2]).toBeGreaterThanOrEqual(14);
    expect(offsets[2]).toBeLessThanOrEqual(18);
    expect(offsets[3]).toBe(0);
  });

  it('timeTicks: every interval start up to 12, else every k-th', () => {
    const series = sampleRunResult().timeSeries;
    expect(timeTicks(series)).toEqual([0, 2, 4, 6, 8]);
    const long = { ...series, startMs: Array.from({ length: 30 }, (_, i) => i * 1000) };
    expect(timeTicks(long)).toEqual([0, 3, 6, 9, 12, 15, 18, 21, 24, 27]);
  });

  it('renameSvgIds: ids in order of appearance with the chart prefix, references too', () => {
    const svg = '<svg><g clip-path="url(#clip7)"></g><defs><clipPath id="clip7"><rect/></clipPath><clipPath id="clip9"/></defs><use href="#clip9"/></svg>';
    expect(renameSvgIds(svg, 'cdf')).toBe('<svg><g clip-path="url(#cdf-1)"></g><defs><clipPath id="cdf-1"><rect/></clipPath><clipPath id="cdf-2"/></defs><use href="#cdf-2"/></svg>');
  });

  it('text widths: Helvetica advance widths, bold wider', () => {
    expect(textWidthEm('0')).toBe(0.556);
    expect(textWidthEm('Wi')).toBeCloseTo(0.944 + 0.222, 9);
    const plain = estimateTextWidth({ fontSize: 10 }, 'p99');
    expect(plain).toBeCloseTo((0.556 * 3 * 10) * 1.05, 9);
    expect(estimateTextWidth({ fontSize: 10, fontWeight: 600 }, 'p99')).toBeGreaterThan(plain);
    expect(estimateTextWidth({ fontSize: 10 })).toBe(0);
  });

  it('escapeHtml', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

describe('degenerate data', () => {
  it('draws without a Vega warning: one latency value, all-zero series, one curve point, one sweep point, text axis values', async () => {
    const run = sampleRunResult();
    run.latency.endToEnd = { count: 5, meanMs: 60, p50Ms: 60, p90Ms: 60, p99Ms: 60, p999Ms: 60, maxMs: 60, cdf: [{ latencyMs: 60, fraction: 0.5 }, { latencyMs: 60, fraction: 1 }] };
    const zeros = run.timeSeries.startMs.map(() => 0);
    run.timeSeries = { ...run.timeSeries, sent: zeros, delivered: zeros, latencyP50Ms: zeros, latencyP99Ms: zeros, cpuUtilisationMean: zeros };
    run.servers = run.servers.map((s) => ({ ...s, cpuUtilisation: 0 }));
    expectSelfContained(await renderRunHtml(run), 5);

    const plan = samplePlan();
    plan.curve = plan.curve.slice(0, 1);
    expectSelfContained(await renderPlanHtml(plan, { scenario: 'x', version: '0.1.0' }), 2);

    const one = sampleSweep();
    one.summaries = one.summaries.slice(0, 1);
    expectSelfContained(await renderSweepHtml(one), 3);

    const text = sampleSweep();
    text.summaries = text.summaries.map((s) => ({ ...s, point: { 'costs.route': `exp(${s.point['chatServers.cores']}us)`, placement: s.point['placement']! } }));
    const html = await renderSweepHtml(text);
    expectSelfContained(html, 3);
    expect(svgTexts(html)).toEqual(expect.arrayContaining(['exp(4us)', 'exp(8us)', 'exp(16us)', 'costs.route']));
  });
});
