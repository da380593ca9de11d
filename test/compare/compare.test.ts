import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerCompare } from '../../src/cli/commands/compare.js';
import { compareResults, deltaPercent, parseResultText, parseTolerance, resultFigures, type ResultInput } from '../../src/engine/compare.js';
import type { RunResult } from '../../src/metrics/run-result.js';
import { renderRunJson } from '../../src/report/json.js';
import { sampleRunResult } from '../fixtures/run-result.js';
import { runCli } from '../planning/cli-harness.js';

/** A copy of the sample result with `change` applied to it. */
function variant(change: (r: RunResult) => void): RunResult {
  const r = structuredClone(sampleRunResult());
  change(r);
  return r;
}

function statusOf(baseline: ResultInput, result: ResultInput, key: string, tolerance: number, anyChange = false): string {
  const c = compareResults(baseline, result, { toleranceFraction: tolerance, anyChange });
  return c.figures.find((f) => f.key === key)!.status;
}

describe('resultFigures', () => {
  it('flattens the contract and summarises servers and links as max, mean and sums', () => {
    const figures = new Map(resultFigures(sampleRunResult()).map((f) => [f.key, f]));
    expect(figures.get('messages.delivered')).toEqual({ key: 'messages.delivered', value: 1_999_000, kind: 'throughput' });
    expect(figures.get('latency.endToEnd.p99Ms')).toEqual({ key: 'latency.endToEnd.p99Ms', value: 67.903, kind: 'latency' });
    // Chat servers 0.40, 0.43, 0.50, 0.53; directories 0.20, 0.25; stores 0.10, 0.10.
    expect(figures.get('servers.cpuUtilisation.max')!.value).toBe(0.53);
    expect(figures.get('servers.chat.cpuUtilisation.mean')!.value).toBeCloseTo((0.4 + 0.43 + 0.5 + 0.53) / 4, 12);
    expect(figures.get('servers.directory.cpuUtilisation.max')).toMatchObject({ value: 0.25, kind: 'utilisation' });
    expect(figures.get('servers.offlineStore.count')).toMatchObject({ value: 2, kind: 'info' });
    expect(figures.get('servers.nicUtilisation.max')).toMatchObject({ value: 0, kind: 'utilisation' });
    expect([...figures.keys()].filter((k) => k.startsWith('servers.') && k.includes('cpuUtilisation'))).toEqual([
      'servers.cpuUtilisation.max',
      'servers.chat.cpuUtilisation.max',
      'servers.chat.cpuUtilisation.mean',
      'servers.directory.cpuUtilisation.max',
      'servers.directory.cpuUtilisation.mean',
      'servers.offlineStore.cpuUtilisation.max',
      'servers.offlineStore.cpuUtilisation.mean',
    ]);
    expect(figures.get('links.utilisation.max')!.value).toBe(0.125);
    // The mean is over the links with a bandwidth: the unlimited eu-lan (0) is not an idle link.
    expect(figures.get('links.utilisation.mean')!.value).toBeCloseTo((0.125 + 0.0625) / 2, 12);
    expect(figures.get('links.count')!.value).toBe(3);
    expect(figures.get('links.lost.sum')).toMatchObject({ value: 3, kind: 'loss' });
    expect(figures.get('operations.route')).toMatchObject({ value: 2_000_000, kind: 'info' });
    expect(figures.get('meta.wallSeconds')).toMatchObject({ value: 1.25, kind: 'meta' });
  });
});

describe('compareResults gating', () => {
  const base = sampleRunResult();

  it('passes identical results with every figure the same', () => {
    const c = compareResults(base, sampleRunResult(), { toleranceFraction: 0 });
    expect(c.pass).toBe(true);
    expect(c.figures.every((f) => f.status === 'same')).toBe(true);
  });

  it('fails a latency rise beyond the tolerance and passes one within it', () => {
    // p99 67.903 -> 69.261: +2.0000% (just under 2.0001%); -> 69.3: +2.057%.
    const within = variant((r) => (r.latency.endToEnd.p99Ms = 69.261));
    const beyond = variant((r) => (r.latency.endToEnd.p99Ms = 69.3));
    expect(statusOf(base, within, 'latency.endToEnd.p99Ms', 0.02)).toBe('ok');
    expect(statusOf(base, beyond, 'latency.endToEnd.p99Ms', 0.02)).toBe('regression');
    const c = compareResults(base, beyond, { toleranceFraction: 0.02 });
    expect(c.pass).toBe(false);
    expect(c.failures.map((f) => f.key)).toEqual(['latency.endToEnd.p99Ms']);
    expect(c.failures[0]!.deltaPercent).toBeCloseTo(2.0573, 3);
  });

  it('fails a throughput fall, and calls a throughput rise better', () => {
    const fell = variant((r) => (r.messages.delivered = 1_999_000 - 1));
    const rose = variant((r) => (r.rates.messagesOutPerSecond = 250_000));
    expect(statusOf(base, fell, 'messages.delivered', 0)).toBe('regression');
    expect(statusOf(base, rose, 'rates.messagesOutPerSecond', 0)).toBe('better');
    expect(compareResults(base, rose, { toleranceFraction: 0 }).pass).toBe(true);
  });

  it('fails a utilisation rise and a loss rise, even from zero', () => {
    const hotter = variant((r) => (r.servers[3]!.cpuUtilisation = 0.531));
    expect(statusOf(base, hotter, 'servers.cpuUtilisation.max', 0)).toBe('regression');
    const lossy = variant((r) => (r.messages.expired = 1));
    const c = compareResults(base, lossy, { toleranceFraction: 0.5 });
    expect(c.figures.find((f) => f.key === 'messages.expired')).toMatchObject({ status: 'regression', deltaPercent: Infinity });
  });

  it('shows meta and info figures but never gates them', () => {
    const slower = variant((r) => {
      r.meta.wallSeconds = 100;
      r.meta.peakRssBytes *= 10;
      r.messages.sent = 1; // the offered load: shown, not gated
      r.servers[0]!.memoryBytesPeak *= 4;
    });
    const c = compareResults(base, slower, { toleranceFraction: 0 });
    expect(c.pass).toBe(true);
    expect(c.figures.find((f) => f.key === 'meta.wallSeconds')).toMatchObject({ status: 'info', kind: 'meta', deltaPercent: 7900 });
    expect(c.figures.find((f) => f.key === 'messages.sent')!.status).toBe('info');
  });

  it('with anyChange fails an improvement beyond tolerance too', () => {
    const faster = variant((r) => (r.latency.endToEnd.meanMs = 50));
    expect(compareResults(base, faster, { toleranceFraction: 0 }).pass).toBe(true);
    const strict = compareResults(base, faster, { toleranceFraction: 0, anyChange: true });
    expect(strict.pass).toBe(false);
    expect(strict.failures.map((f) => [f.key, f.status])).toEqual([['latency.endToEnd.meanMs', 'changed']]);
  });

  it('notes non-numeric differences and figures present on one side only', () => {
    const other = variant((r) => {
      r.seed = 7;
      r.operations['newOp'] = 5;
    });
    const c = compareResults(base, other, { toleranceFraction: 0 });
    expect(c.notes).toEqual(['seed differs: baseline 42, result 7']);
    expect(c.figures.find((f) => f.key === 'operations.newOp')).toMatchObject({ baseline: null, result: 5, status: 'missing' });
    expect(c.pass).toBe(true);
  });

  it('reads results from before a figure existed (no nicUtilisation): shown as missing, not gated', () => {
    const older = variant((r) => {
      for (const s of r.servers) delete (s as Partial<typeof s>).nicUtilisation;
    });
    const c = compareResults(older, base, { toleranceFraction: 0 });
    expect(c.figures.find((f) => f.key === 'servers.nicUtilisation.max')).toMatchObject({ baseline: null, result: 0, status: 'missing' });
    expect(c.pass).toBe(true);
  });

  it('computes deltas against the baseline', () => {
    expect(deltaPercent(200, 210)).toBe(5);
    expect(deltaPercent(-4, -2)).toBe(50);
    expect(deltaPercent(0, 0)).toBe(0);
    expect(deltaPercent(0, 3)).toBe(Infinity);
  });
});

describe('parsing', () => {
  it('reads tolerances as percent', () => {
    expect(parseTolerance('2%')).toEqual({ fraction: 0.02 });
    expect(parseTolerance('0%')).toEqual({ fraction: 0 });
    expect(parseTolerance('0.5')).toEqual({ fraction: 0.005 });
    expect(parseTolerance('-1%')).toHaveProperty('reason');
    expect(parseTolerance('lots')).toHaveProperty('reason');
  });

  it('says what is wrong with a file that is not a result', () => {
    expect(parseResultText('{"scenario": 1}')).toEqual({ ok: false, reason: 'not a chatscale result: scenario is a number, expected a string' });
    const noP99 = JSON.parse(renderRunJson(sampleRunResult())) as { latency: { endToEnd: Record<string, unknown> } };
    delete noP99.latency.endToEnd['p99Ms'];
    expect(parseResultText(JSON.stringify(noP99))).toEqual({ ok: false, reason: 'not a chatscale result: missing latency.endToEnd.p99Ms' });
    const bad = parseResultText('{"a":');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.reason).toMatch(/^not JSON \(/);
    expect(parseResultText(renderRunJson(sampleRunResult())).ok).toBe(true);
  });
});

describe('chatscale compare (in process)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chatscale-compare-'));
  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const baseFile = write('base.json', renderRunJson(sampleRunResult()));

  it('exits 0 on the same result and prints a Markdown table of every figure', async () => {
    const run = await runCli(registerCompare, ['compare', baseFile, write('same.json', renderRunJson(sampleRunResult())), '--tolerance', '0%']);
    expect(run.code).toBe(0);
    expect(run.out).toContain('| `latency.endToEnd.p99Ms` | latency | 67.903 | 67.903 | 0% | = |');
    expect(run.out.trim().split('\n').at(-1)).toBe('compare: pass: no gated figure regressed beyond 0% (25 gated)');
  });

  it('exits 1 on a regression, naming the figure on stderr', async () => {
    const worse = write('worse.json', renderRunJson(variant((r) => (r.latency.endToEnd.p99Ms = 80))));
    const run = await runCli(registerCompare, ['compare', baseFile, worse, '--tolerance', '2%']);
    expect(run.code).toBe(1);
    expect(run.out).toContain('| `latency.endToEnd.p99Ms` | latency | 67.903 | 80 | +17.82% | **REGRESSION** |');
    expect(run.err).toContain('compare: FAIL: 1 of 25 gated figures regressed beyond 2%: latency.endToEnd.p99Ms +17.82%');
  });

  it('--json prints the verdict and figures; Infinity deltas become null', async () => {
    const lossy = write('lossy.json', renderRunJson(variant((r) => (r.messages.expired = 2))));
    const run = await runCli(registerCompare, ['compare', baseFile, lossy, '--json']);
    expect(run.code).toBe(1);
    const body = JSON.parse(run.out) as { pass: boolean; failures: string[]; figures: { key: string; deltaPercent: number | null }[] };
    expect(body.pass).toBe(false);
    expect(body.failures).toEqual(['messages.expired']);
    expect(body.figures.find((f) => f.key === 'messages.expired')!.deltaPercent).toBeNull();
  });

  it('exits 2 with one line per bad file', async () => {
    const notJson = write('not.json', 'hello');
    const notResult = write('other.json', '{"hello": 1}');
    const run = await runCli(registerCompare, ['compare', join(dir, 'missing.json'), notJson]);
    expect(run.code).toBe(2);
    expect(run.err.trim().split('\n')).toEqual([`error: ${join(dir, 'missing.json')}: no such file`, expect.stringMatching(new RegExp(`^error: ${notJson}: not JSON \\(.*\\)$`))]);
    const second = await runCli(registerCompare, ['compare', notResult, baseFile, '--tolerance', 'x']);
    expect(second.code).toBe(2);
    expect(second.err.trim().split('\n')).toEqual([
      'error: --tolerance: expected a percentage such as 2% or 0%, got "x"',
      `error: ${notResult}: not a chatscale result: missing scenario`,
    ]);
  });

  it('--update rewrites the baseline with the result and lists what changed', async () => {
    const baseline = write('update-base.json', renderRunJson(sampleRunResult()));
    const resultText = renderRunJson(variant((r) => {
      r.latency.endToEnd.p99Ms = 70;
      r.meta.wallSeconds = 3;
    }));
    const result = write('update-result.json', resultText);
    const run = await runCli(registerCompare, ['compare', baseline, result, '--update']);
    expect(run.code).toBe(0);
    expect(run.out).toBe(`updated ${baseline}: 1 simulated figure changed, and 1 measured meta figures\n  latency.endToEnd.p99Ms: 67.903 -> 70 (+3.09%)\n`);
    expect(readFileSync(baseline, 'utf8')).toBe(resultText);
    const again = await runCli(registerCompare, ['compare', baseline, result, '--tolerance', '0%']);
    expect(again.code).toBe(0);
  });
});

describe('chatscale compare --changed-only', () => {
  it('lists only the figures that moved, and says how many it left out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatscale-compare-'));
    const baseline = join(dir, 'b.json');
    const result = join(dir, 'r.json');
    writeFileSync(baseline, renderRunJson(sampleRunResult()));
    writeFileSync(result, renderRunJson(variant((r) => (r.rates.messagesOutPerSecond = 199_000))));
    const run = await runCli(registerCompare, ['compare', baseline, result, '--changed-only', '--tolerance', '0%']);
    expect(run.code).toBe(1);
    const rows = run.out.split('\n').filter((line) => line.startsWith('| `'));
    expect(rows).toEqual(['| `rates.messagesOutPerSecond` | throughput | 199900 | 199000 | -0.45% | **REGRESSION** |']);
    expect(run.out).toContain(`${resultFigures(sampleRunResult()).length - 1} equal figures not shown (--changed-only).`);
  });
});
