import { describe, expect, it } from 'vitest';
import { registerPlan } from '../../src/cli/commands/plan.js';
import type { RunResult } from '../../src/metrics/run-result.js';
import { estimateLoad } from '../../src/plan/search/analytic.js';
import { analyticBracket, planSearch, utilisationLimit, type PlanResult } from '../../src/plan/search/plan-search.js';
import { parseSlos, type Slo } from '../../src/plan/search/slo.js';
import { loadScenario, resolveScenarioArgument, type ResolvedScenario } from '../../src/scenario/index.js';
import { sampleRunResult } from '../fixtures/run-result.js';
import { runCli } from './cli-harness.js';

/**
 * reference-chat scaled down: 2 servers, 20,000 messages/s, exponential 200 us route and deliver.
 * Each server gets 10,000 routes + 10,000 delivers per second = 4 Erlangs of CPU, so with c cores
 * the M/M/c utilisation is 4 / c: 5 cores 0.8, 6 cores 0.667. With cpu<0.7 the answer is 6.
 */
const TINY = ['regions.main.users=10000', 'workload.messagesPerSecond=20000/s', 'chatServers.perRegion=2', 'duration=1.5s'];

function tinyScenario(cores: number, seed = 1): ResolvedScenario {
  const loaded = loadScenario(resolveScenarioArgument('reference-chat'), [...TINY, `chatServers.cores=${cores}`, `seed=${seed}`]);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  return loaded.scenario;
}

function slos(...texts: string[]): Slo[] {
  const parsed = parseSlos(texts);
  if (!parsed.ok) throw new Error(parsed.problems[0]!.reason);
  return parsed.slos;
}

/** A stand-in run: busiest-server CPU = erlangs / cores (+ a per-seed bump), p99 falling with cores. */
function fakeRun(erlangs: number, bump: (cores: number, seed: number) => number = () => 0) {
  const calls: string[] = [];
  const run = async (scenario: ResolvedScenario): Promise<RunResult> => {
    const cores = scenario.regions[0]!.chatServers.cores;
    calls.push(`${cores}/${scenario.seed}`);
    const result = structuredClone(sampleRunResult());
    const cpu = erlangs / cores + bump(cores, scenario.seed);
    result.servers = result.servers.map((s) => ({ ...s, cpuUtilisation: cpu }));
    result.latency.endToEnd.p99Ms = 60 + 10 / cores;
    result.messages.dropped = 0;
    return result;
  };
  return { run, calls };
}

async function search(run: (s: ResolvedScenario) => Promise<RunResult>, options: { min?: number; max?: number; slo?: string[]; seeds?: number[] } = {}): Promise<PlanResult> {
  return planSearch({
    field: 'chatServers.cores',
    min: options.min ?? 1,
    max: options.max ?? 24,
    slos: slos(...(options.slo ?? ['cpu<0.7'])),
    seeds: options.seeds ?? [1, 2, 3],
    scenarioFor: (value, seed) => tinyScenario(value, seed),
    run,
  });
}

describe('analytic estimate', () => {
  it('gives reference-chat its M/M/8 utilisation of 0.625 and the tiny scenario 4 / c', () => {
    const full = loadScenario(resolveScenarioArgument('reference-chat'), []);
    if (!full.ok) throw new Error('reference-chat does not load');
    const estimate = estimateLoad(full.scenario);
    expect(estimate.utilisationMax).toBeCloseTo(0.625, 12);
    expect(estimate.operationsPerMessage).toBe(2);
    expect(estimate.cpuSecondsPerMessage).toBeCloseTo(400e-6, 15);
    expect(estimate.regions[0]!.operationsPerSecondPerServer).toBeCloseTo(25_000, 6);
    const queue = estimate.regions[0]!.queue;
    // 30 + W + 2 x 15/16 + W + 30 = 62.297 ms (DESIGN.md section 7), W the M/M/8 time in system.
    expect(queue.stable).toBe(true);
    if (queue.stable) expect(60 + 1.875 + 2 * queue.responseSecondsMean * 1000).toBeCloseTo(62.297, 3);
    expect(estimateLoad(tinyScenario(5)).utilisationMax).toBeCloseTo(0.8, 12);
    expect(estimateLoad(tinyScenario(6)).utilisationMax).toBeCloseTo(4 / 6, 12);
  });

  it('brackets by bisection: the smallest value below the limit', () => {
    expect(analyticBracket(1, 100, 0.7, (c) => 4 / c)).toBe(6);
    expect(analyticBracket(7, 100, 0.7, (c) => 4 / c)).toBe(7);
    expect(analyticBracket(1, 5, 0.7, (c) => 4 / c)).toBeNull();
    expect(utilisationLimit(slos('p99<100', 'cpu<0.8', 'servers.cpuUtilisation.max<=0.7'))).toBe(0.7);
    expect(utilisationLimit(slos('servers.chat.cpuUtilisation.max<0.6'))).toBe(0.6);
    expect(utilisationLimit(slos('p99<100'))).toBe(0.9);
  });
});

describe('planSearch (stand-in runs)', () => {
  it('confirms the analytic answer: 6 passes on every seed, 5 fails', async () => {
    const { run, calls } = fakeRun(4);
    const plan = await search(run);
    expect(plan.analytic).toEqual({ value: 6, utilisation: 4 / 6, utilisationLimit: 0.7 });
    expect(plan.answer).toBe(6);
    expect(calls).toEqual(['6/1', '5/1', '6/2', '6/3']);
    expect(plan.curve.map((p) => [p.value, p.pass, p.runs.length])).toEqual([
      [5, false, 1],
      [6, true, 3],
    ]);
    expect(plan.binding).toMatchObject({ slo: 'cpu<0.7', value: 4 / 6 });
    expect(plan.confidence).toBe('chatServers.cores=6 met every SLO with all 3 seeds; 5 failed on 1 of 1 seed run: cpu<0.7 (0.8)');
  });

  it('steps up by 1, 2, 4 and bisects when the simulation needs more than the estimate', async () => {
    const { run, calls } = fakeRun(5); // 5/7 = 0.714 fails, 5/8 = 0.625 passes
    const plan = await search(run, { seeds: [1] });
    expect(plan.answer).toBe(8);
    expect(calls).toEqual(['6/1', '7/1', '9/1', '8/1']);
  });

  it('steps down when the estimate is generous', async () => {
    const { run, calls } = fakeRun(3); // 3/4 = 0.75 fails, 3/5 = 0.6 passes
    const plan = await search(run, { seeds: [1] });
    expect(plan.answer).toBe(5);
    expect(calls).toEqual(['6/1', '5/1', '3/1', '4/1']);
  });

  it('moves up when a confirming seed fails, and names the binding constraint at the worst seed', async () => {
    const { run, calls } = fakeRun(4, (cores, seed) => (seed === 3 && cores === 6 ? 0.05 : 0));
    const plan = await search(run, { slo: ['cpu<0.7', 'p99<70'] });
    expect(plan.answer).toBe(7);
    expect(calls).toEqual(['6/1', '5/1', '6/2', '6/3', '7/1', '7/2', '7/3']);
    expect(plan.curve.find((p) => p.value === 6)!.pass).toBe(false);
    // At 7 cores: cpu 4/7 = 0.571 (margin 18.4%), p99 61.43 (margin 12.2%): latency binds.
    expect(plan.binding).toMatchObject({ slo: 'p99<70' });
    expect(plan.binding!.margin).toBeCloseTo((70 - (60 + 10 / 7)) / 70, 12);
  });

  it('answers null when even the top of the range fails', async () => {
    const { run } = fakeRun(4);
    const plan = await search(run, { max: 5, seeds: [1] });
    expect(plan.analytic.value).toBeNull();
    expect(plan.answer).toBeNull();
    expect(plan.confidence).toBe('even chatServers.cores=5, the top of the range, fails: cpu<0.7 (0.8)');
  });
});

describe('chatscale plan (simulated, in process)', () => {
  const tinySets = TINY.flatMap((s) => ['--set', s]);

  it('finds 6 cores for cpu<0.7 on the tiny reference-chat, confirmed on 3 seeds', async () => {
    const run = await runCli(registerPlan, ['plan', 'reference-chat', ...tinySets, '--vary', 'chatServers.cores', '--slo', 'cpu<0.7', '--slo', 'p99<100', '--jobs', '1', '--json']);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const plan = JSON.parse(run.out) as PlanResult;
    expect(plan.answer).toBe(6);
    expect(plan.analytic.value).toBe(6);
    const six = plan.curve.find((p) => p.value === 6)!;
    expect(six.runs.map((r) => r.seed)).toEqual([1, 2, 3]);
    // Simulated utilisation near 4/6; 5 cores near 0.8.
    for (const r of six.runs) expect(r.cpuUtilisationMax).toBeGreaterThan(0.64);
    expect(plan.curve.find((p) => p.value === 5)!.cpuUtilisationMax).toBeGreaterThan(0.76);
    expect(plan.binding!.slo).toBe('cpu<0.7');
  });

  it('exits 1 when no value in the range meets the SLOs, 2 for a bad SLO', async () => {
    const none = await runCli(registerPlan, ['plan', 'reference-chat', ...tinySets, '--set', 'duration=0.5s', '--vary', 'chatServers.cores', '--range', '6..7', '--slo', 'p99<50', '--seeds', '1', '--jobs', '1']);
    expect(none.code).toBe(1);
    expect(none.out).toContain('answer: none: no chatServers.cores in 6..7 meets every SLO');
    expect(none.err).toBe('plan: no chatServers.cores in 6..7 meets p99<50\n');
    const bad = await runCli(registerPlan, ['plan', 'reference-chat', '--vary', 'chatServers.cores', '--slo', 'cpu<<0.7', '--seeds', '0']);
    expect(bad.code).toBe(2);
    expect(bad.err).toBe('error: --slo: "cpu<<0.7": expected a number after <, got "<0.7"\nerror: --seeds: expected an integer from 1 to 100, got "0"\n');
  });
});
