import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerQueue, renderQueueText } from '../../src/cli/commands/queue.js';
import { BadInputError, EXIT_BAD_INPUT } from '../../src/cli/errors.js';
import { exitCodeFor } from '../../src/cli/program.js';
import { parseQueueFlags, queueReport } from '../../src/plan/index.js';

async function runQueue(args: string[]): Promise<{ out: string; err: string; error: unknown }> {
  let out = '';
  let err = '';
  const program = new Command().exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
  registerQueue(program, { out: (text) => (out += text), err: (text) => (err += text) });
  try {
    await program.parseAsync(['queue', ...args], { from: 'user' });
    return { out, err, error: undefined };
  } catch (error) {
    return { out, err, error };
  }
}

describe('queueReport', () => {
  it('reproduces the ErlangC R package vector with a 20 s target', () => {
    const report = queueReport({ arrivalRatePerSecond: 10 / 180, serviceTimeSeconds: 180, servers: 14, targetSeconds: 20 });
    expect(report.model).toBe('M/M/c');
    expect(report.stable).toBe(true);
    expect(report.probabilityOfWait).toBeCloseTo(0.17413, 5);
    expect(report.serviceLevel).toBeCloseTo(0.88835, 5);
    expect(report.meanWait).toBeCloseTo(7.836, 3);
    expect(report.utilisation).toBeCloseTo(0.714, 3);
  });

  it('switches to Allen-Cunneen with a service CV and squares it', () => {
    // cv 0.5 -> cs^2 0.25: Wq = 7.836 x (1 + 0.25) / 2.
    const report = queueReport({ arrivalRatePerSecond: 10 / 180, serviceTimeSeconds: 180, servers: 14, serviceCv: 0.5 });
    expect(report.model).toBe('M/G/c (Allen-Cunneen)');
    expect(report.meanWait).toBeCloseTo(7.836 * 0.625, 3);
    expect(report.serviceLevel).toBeNull();
  });

  it('answers an unstable system with stable: false and the utilisation', () => {
    const report = queueReport({ arrivalRatePerSecond: 1, serviceTimeSeconds: 5, servers: 4 });
    expect(report).toMatchObject({ stable: false, utilisation: 1.25, meanWait: null, serviceLevel: null });
    expect(report.reason).toContain('grows without bound');
  });
});

describe('parseQueueFlags', () => {
  it('reports one problem per bad or missing flag, all at once', () => {
    const parsed = parseQueueFlags({ arrivalRate: 'lots', servers: '2.5', target: '5 parsecs', serviceCv: '-1' });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems.map((p) => p.field)).toEqual(['--arrival-rate', '--service-time', '--servers', '--target', '--service-cv']);
  });
});

describe('chatscale queue (in process)', () => {
  it('prints exactly one JSON object for the PDQ M/M/4 vector, times in seconds', async () => {
    const run = await runQueue(['--arrival-rate', '0.35/min', '--service-time', '10min', '--servers', '4', '--target', '5min', '--json']);
    expect(run.error).toBeUndefined();
    const lines = run.out.trim().split('\n');
    expect(lines).toHaveLength(1);
    const json = JSON.parse(lines[0]!);
    expect(json.model).toBe('M/M/c');
    expect(json.utilisation).toBeCloseTo(0.875, 12);
    expect(json.meanWait / 60).toBeCloseTo(14.7572, 4);
    expect(json.meanResponse / 60).toBeCloseTo(24.7572, 4);
    expect(json.meanInSystem).toBeCloseTo(8.665, 3);
    expect(json.meanQueueLength).toBeCloseTo(5.165, 3);
    // P(wait <= 5 min) = 1 - Pw exp(-(c - A) t / S) = 1 - Pw exp(-0.25).
    expect(json.serviceLevel).toBeCloseTo(1 - json.probabilityOfWait * Math.exp(-0.25), 12);
    expect(json.inputs).toEqual({
      arrivalRatePerSecond: 0.35 / 60,
      serviceTimeSeconds: 600,
      servers: 4,
      targetSeconds: 300,
      serviceCv: null,
      arrivalCv: null,
    });
  });

  it('renders an aligned table in the input unit and in seconds', async () => {
    const run = await runQueue(['--arrival-rate', '0.35/min', '--service-time', '10min', '--servers', '4', '--target', '300s']);
    expect(run.error).toBeUndefined();
    // 1 - Pw exp(-0.25) with Pw = 0.737861 (PDQ's M/M/4): 42.5353 %.
    expect(run.out).toMatch(/^service level \(wait <= 5 min\) +42\.5353 %$/m);
    expect(run.out).toMatch(/^utilisation +87\.5 %$/m);
    expect(run.out).toMatch(/^mean wait +14\.7572 min +885\.433 s$/m);
    expect(run.out).toMatch(/^mean response +24\.7572 min +1485\.43 s$/m);
    expect(run.out).toMatch(/^mean queue length +5\.16503$/m);
    expect(run.out).toMatch(/^mean in system +8\.66503$/m);
    const valueColumn = run.out.split('\n').filter((line) => line.startsWith('mean')).map((line) => line.search(/\d/));
    expect(new Set(valueColumn).size).toBe(1);
  });

  it('says clearly when the queue grows without bound, and exits normally', async () => {
    const run = await runQueue(['--arrival-rate', '30/min', '--service-time', '10s', '--servers', '4']);
    expect(run.error).toBeUndefined();
    expect(run.out).toMatch(/^utilisation +125 %$/m);
    expect(run.out).toContain('grows without bound');
    // A = 0.5/s x 10 s = 5 Erlang, so 6 servers are the fewest with utilisation below 1.
    expect(run.out).toContain('at least 6 servers');
    const json = JSON.parse((await runQueue(['--arrival-rate', '30/min', '--service-time', '10s', '--servers', '4', '--json'])).out);
    expect(json).toMatchObject({ stable: false, utilisation: 1.25, meanWait: null, serversMinStable: 6 });
  });

  it('turns bad flags into BadInputError: exit 2, one line per flag', async () => {
    const run = await runQueue(['--arrival-rate', '12/fortnight', '--service-time', '-3s', '--servers', '0']);
    expect(run.error).toBeInstanceOf(BadInputError);
    let err = '';
    expect(exitCodeFor(run.error, (text) => (err += text))).toBe(EXIT_BAD_INPUT);
    const lines = err.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^error: --arrival-rate: unknown rate unit '\/fortnight'/);
    expect(lines[1]).toMatch(/^error: --service-time: a time cannot be negative/);
    expect(lines[2]).toMatch(/^error: --servers: expected a whole number/);
    expect(run.out).toBe('');
  });

  it('keeps the text renderer usable on its own', () => {
    const report = queueReport({ arrivalRatePerSecond: 25_000, serviceTimeSeconds: 200e-6, servers: 8 });
    const text = renderQueueText(report, { symbol: 'us', seconds: 1e-6 });
    expect(text).toMatch(/^utilisation +62\.5 %$/m);
    expect(text).toMatch(/^mean response +\d+(\.\d+)? us +\d/m);
  });
});
