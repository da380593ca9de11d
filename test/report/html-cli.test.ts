/**
 * `--report FILE.html|.md` through the commands, in process, on tiny simulations: the file holds
 * the page with its charts (or the Markdown), and an existing file is refused with exit 2 before
 * anything runs.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerPlan } from '../../src/cli/commands/plan.js';
import { registerSweep } from '../../src/cli/commands/sweep.js';
import { registerWhatif } from '../../src/cli/commands/whatif.js';
import { runCli } from '../planning/cli-harness.js';
import { runCommand } from '../helpers/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'chatscale-report-'));
const file = (name: string) => join(dir, name);
/** reference-chat at 2 chat servers, 20,000 messages/s, 1 simulated second: well under a second of wall time. */
const TINY = ['regions.main.users=10000', 'workload.messagesPerSecond=20000/s', 'chatServers.perRegion=2', 'duration=1s'];
const tinySets = TINY.flatMap((s) => ['--set', s]);
const tinyBoth = TINY.flatMap((s) => ['--set-both', s]);


const svgCount = (html: string): number => (html.match(/<svg\b/g) ?? []).length;

describe('--report', () => {
  it('run: .html writes the page with its charts, .md the Markdown', async () => {
    const html = await runCommand(['reference-chat', ...tinySets, '--set', 'output.timeSeriesInterval=250ms', '--json', '--report', file('run.html')]);
    expect(html.err).toBe('');
    expect(html.code).toBe(0);
    const page = readFileSync(file('run.html'), 'utf8');
    expect(page).toContain('<title>chatscale run: reference-chat</title>');
    expect(svgCount(page)).toBe(5);
    // The page's CDF comes from the run's histogram, the same figures as the JSON on stdout.
    const result = JSON.parse(html.out) as { latency: { endToEnd: { p50Ms: number; cdf: unknown[] } } };
    expect(result.latency.endToEnd.cdf).toHaveLength(29);
    expect(page).not.toContain('(from the five summary percentiles)');

    const md = await runCommand(['reference-chat', ...tinySets, '--report', file('run.md')]);
    expect(md.code).toBe(0);
    expect(readFileSync(file('run.md'), 'utf8')).toMatch(/^# chatscale run: reference-chat\n/);
  });

  it('whatif: the page with four charts', async () => {
    const run = await runCli(registerWhatif, ['whatif', 'reference-chat', ...tinyBoth, '--set', 'chatServers.cores=4', '--slo', 'cpu<0.7', '--jobs', '1', '--report', file('whatif.html')]);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const page = readFileSync(file('whatif.html'), 'utf8');
    expect(page).toContain('<title>chatscale whatif: reference-chat</title>');
    expect(page).toContain('reference-chat (seed 1) against --set chatServers.cores=4');
    expect(svgCount(page)).toBe(4);
  });

  it('plan: the capacity curve, also when no value meets the SLOs (exit 1, report written)', async () => {
    const run = await runCli(registerPlan, ['plan', 'reference-chat', ...tinySets, '--set', 'duration=0.5s', '--vary', 'chatServers.cores', '--range', '6..7', '--slo', 'p99<50', '--seeds', '1', '--jobs', '1', '--report', file('plan.html')]);
    expect(run.code).toBe(1);
    const page = readFileSync(file('plan.html'), 'utf8');
    expect(page).toContain('<p class="verdict fail">No chatServers.cores in 6..7 meets every SLO.</p>');
    expect(svgCount(page)).toBe(2);
    const md = await runCli(registerPlan, ['plan', 'reference-chat', ...tinySets, '--set', 'duration=0.5s', '--vary', 'chatServers.cores', '--range', '6..7', '--slo', 'p99<50', '--seeds', '1', '--jobs', '1', '--report', file('plan.md')]);
    expect(md.code).toBe(1);
    expect(readFileSync(file('plan.md'), 'utf8')).toContain('**No chatServers.cores in 6..7 meets every SLO.**');
  });

  it('sweep: the points charted against the first axis', async () => {
    const run = await runCli(
      (program, io) => registerSweep(program, io, { workerUrl: null }),
      ['sweep', 'reference-chat', ...tinySets, '--set', 'duration=0.5s', '--vary', 'chatServers.cores=3..4', '--jobs', '1', '--out', file('points.jsonl'), '--report', file('sweep.html')],
    );
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const page = readFileSync(file('sweep.html'), 'utf8');
    expect(page).toContain('<title>chatscale sweep: reference-chat</title>');
    expect(svgCount(page)).toBe(3);
    expect(page).toContain('<td>3</td><td class="num">1</td>');
  });

  it('refuses an existing file or another extension with exit 2, before running anything', async () => {
    writeFileSync(file('taken.html'), 'mine');
    const cases = [
      await runCommand(['reference-chat', ...tinySets, '--report', file('taken.html')]),
      await runCli(registerWhatif, ['whatif', 'reference-chat', '--set', 'chatServers.cores=4', '--report', file('taken.html')]),
      await runCli(registerPlan, ['plan', 'reference-chat', '--vary', 'chatServers.cores', '--slo', 'cpu<0.7', '--report', file('taken.html')]),
      await runCli((program, io) => registerSweep(program, io, { workerUrl: null }), ['sweep', 'reference-chat', '--vary', 'chatServers.cores=3..4', '--out', file('never.jsonl'), '--report', file('taken.html')]),
    ];
    for (const c of cases) {
      expect(c.code).toBe(2);
      expect(c.err).toContain(`error: --report: ${file('taken.html')} exists; choose another name or remove it (nothing is overwritten)`);
    }
    expect(readFileSync(file('taken.html'), 'utf8')).toBe('mine');
    const pdf = await runCli(registerWhatif, ['whatif', 'reference-chat', '--set', 'chatServers.cores=4', '--report', file('report.pdf')]);
    expect(pdf.code).toBe(2);
    expect(pdf.err).toContain('error: --report: expected a file ending in .md or .html');
  });
});
