/** `chatscale run` in-process: JSON output, bad input as exit 2 with one line per problem, no overwrites. */
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../helpers/run-cli.js';


const quick = ['--set', 'duration=1500ms', '--set', 'warmup=500ms'];

describe('chatscale run', () => {
  it('prints only the results contract with --json, and writes the CSV series', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'chatscale-run-')), 'series');
    const { code, out, err } = await runCommand(['quickstart', ...quick, '--json', '--csv', dir]);
    expect(err).toBe('');
    expect(code).toBe(0);
    const result = JSON.parse(out);
    expect(result.scenario).toBe('quickstart');
    expect(result.simulatedSeconds).toBe(1.5);
    expect(result.messages.sent).toBeGreaterThan(15_000);
    const csv = readFileSync(join(dir, 'timeseries.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(2); // header and one 1 s interval
  });

  it('reports every bad --set at once and exits 2 without a stack', async () => {
    const { code, out, err } = await runCommand(['quickstart', '--set', 'chatServers.cores=0', '--set', 'duration=banana', '--json']);
    expect(code).toBe(2);
    expect(out).toBe('');
    const lines = err.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.every((line) => line.startsWith('error: --set '))).toBe(true);
    expect(err).not.toContain('    at ');
  });

  it('names a missing scenario file and exits 2', async () => {
    const { code, err } = await runCommand(['no-such-scenario.yaml']);
    expect(code).toBe(2);
    expect(err.trim()).toBe('error: no-such-scenario.yaml: no such file');
  });

  it('never overwrites an existing CSV or report file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatscale-run-'));
    mkdirSync(join(dir, 'series'));
    writeFileSync(join(dir, 'series', 'timeseries.csv'), 'mine');
    writeFileSync(join(dir, 'report.md'), 'mine too');
    const csv = await runCommand(['quickstart', ...quick, '--csv', join(dir, 'series')]);
    expect(csv.code).toBe(2);
    expect(readFileSync(join(dir, 'series', 'timeseries.csv'), 'utf8')).toBe('mine');
    const report = await runCommand(['quickstart', ...quick, '--report', join(dir, 'report.md')]);
    expect(report.code).toBe(2);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toBe('mine too');
  });
});
