import { describe, expect, it } from 'vitest';
import { registerWhatif } from '../../src/cli/commands/whatif.js';
import { whatifReport } from '../../src/engine/whatif.js';
import { evaluateSlos, parseSlos } from '../../src/plan/search/slo.js';
import { renderWhatifText } from '../../src/report/whatif-table.js';
import { sampleRunResult } from '../fixtures/run-result.js';
import { runCli } from './cli-harness.js';

describe('whatifReport', () => {
  it('puts the figures side by side and finds the SLOs that flip', () => {
    const base = sampleRunResult();
    const variant = structuredClone(base);
    variant.latency.endToEnd.p99Ms = 120;
    variant.servers = variant.servers.map((s) => ({ ...s, cpuUtilisation: s.cpuUtilisation / 2 }));
    const parsed = parseSlos(['p99<100', 'cpu<0.5', 'loss<0.001']);
    if (!parsed.ok) throw new Error('bad SLOs');
    const report = whatifReport(base, variant, ['--set chatServers.cores=32'], (r) => evaluateSlos(parsed.slos, r));
    expect(report.slos.map((s) => [s.slo, s.base.pass, s.variant.pass, s.change, s.flipped])).toEqual([
      ['p99<100', true, false, 'now fails', true],
      ['cpu<0.5', false, true, 'now passes', true],
      ['loss<0.001', true, true, 'still passes', false],
    ]);
    expect(report.figures.find((f) => f.key === 'latency.endToEnd.p99Ms')).toMatchObject({ baseline: 67.903, result: 120, status: 'regression' });
    const text = renderWhatifText(report);
    expect(text).toContain('2 SLOs flip: p99<100 now fails; cpu<0.5 now passes');
    expect(text).toMatch(/latency\.endToEnd\.p99Ms\s+67\.903\s+120\s+\+76\.72%\s+worse/);
    expect(text).toMatch(/servers\.cpuUtilisation\.max\s+0\.53\s+0\.265\s+-50\.00%\s+better/);
  });
});

describe('chatscale whatif (simulated, in process)', () => {
  const tiny = ['--set-both', 'regions.main.users=10000', '--set-both', 'workload.messagesPerSecond=20000/s', '--set-both', 'chatServers.perRegion=2', '--set-both', 'duration=0.5s'];

  it('runs base and variant with the same seed and reports the cpu SLO flipping', async () => {
    const run = await runCli(registerWhatif, ['whatif', 'reference-chat', ...tiny, '--set-both', 'chatServers.cores=5', '--set', 'chatServers.cores=6', '--slo', 'cpu<0.7', '--seed', '9', '--jobs', '1', '--json']);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const body = JSON.parse(run.out) as {
      base: { seed: number };
      variant: { seed: number };
      changes: string[];
      slos: { slo: string; change: string; base: { value: number }; variant: { value: number } }[];
      results: { base: { servers: { cores: number }[] }; variant: { servers: { cores: number }[] } };
    };
    expect([body.base.seed, body.variant.seed]).toEqual([9, 9]);
    expect(body.changes).toEqual(['--set chatServers.cores=6']);
    expect(body.results.base.servers[0]!.cores).toBe(5);
    expect(body.results.variant.servers[0]!.cores).toBe(6);
    // M/M/c: 4 Erlangs per server: 0.8 on 5 cores, 0.667 on 6.
    expect(body.slos[0]).toMatchObject({ slo: 'cpu<0.7', change: 'now passes' });
    expect(body.slos[0]!.base.value).toBeGreaterThan(0.74);
    expect(body.slos[0]!.variant.value).toBeLessThan(0.69);
  });

  it('needs a change, and good SLOs (exit 2)', async () => {
    const run = await runCli(registerWhatif, ['whatif', 'reference-chat', '--slo', 'cpu<2']);
    expect(run.code).toBe(2);
    expect(run.err).toBe(
      'error: --slo: "cpu<2": cpu is a fraction from 0 to 1, got 2 (write 0.7 or 70%)\n' +
        'error: --set: nothing to compare: give the variant with --set path=value (repeatable) or --against other.yaml\n',
    );
  });
});
