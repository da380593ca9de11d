/**
 * Inputs for the HTML report tests: a run with a CDF, a plan, a what-if and a sweep, each built
 * from fixed figures so a test can say what the page must show.
 */
import { whatifReport, type WhatifReport } from '../../src/engine/whatif.js';
import type { RunResult } from '../../src/metrics/run-result.js';
import type { CurvePoint, PlanResult } from '../../src/plan/search/plan-search.js';
import { evaluateSlos, parseSlos } from '../../src/plan/search/slo.js';
import type { SweepReport } from '../../src/report/html/sweep-html.js';
import type { PointLine } from '../../src/sweep/points-file.js';
import { summarisePoints } from '../../src/sweep/summary.js';
import { sampleRunResult } from '../fixtures/run-result.js';

/** The sample run with a CDF whose tail is long enough for a log axis (max / p0.1 > 20). */
export function runWithCdf(): RunResult {
  const result = sampleRunResult();
  result.latency.endToEnd = {
    count: 1_999_000,
    meanMs: 70.5,
    p50Ms: 61.834,
    p90Ms: 64.12,
    p99Ms: 67.903,
    p999Ms: 171.55,
    maxMs: 1280.127,
    cdf: [
      { latencyMs: 60.1, fraction: 0.001 },
      { latencyMs: 60.5, fraction: 0.01 },
      { latencyMs: 61.834, fraction: 0.5 },
      { latencyMs: 64.12, fraction: 0.9 },
      { latencyMs: 67.903, fraction: 0.99 },
      { latencyMs: 171.55, fraction: 0.999 },
      { latencyMs: 1280.127, fraction: 1 },
    ],
  };
  return result;
}

function evaluations(slos: string[], p99Ms: number, cpu: number) {
  const parsed = parseSlos(slos);
  if (!parsed.ok) throw new Error('fixture SLOs');
  return parsed.slos.map((slo) => {
    const value = slo.metric === 'cpu' ? cpu : p99Ms;
    const slack = slo.limit - value;
    return { slo: slo.text, value, limit: slo.limit, pass: value < slo.limit, margin: slack / slo.limit };
  });
}

export const PLAN_SLOS = ['latency.endToEnd.p99Ms<200', 'cpu<0.7'];

/** chatServers.perRegion 4..12: fails below 8 (p99 and CPU), passes from 8 on. */
export function samplePlan(): PlanResult {
  const curve: CurvePoint[] = [4, 6, 7, 8, 10, 12].map((value) => {
    const cpu = 3.2 / value;
    const p99Ms = 60 + 2400 * Math.max(0, cpu - 0.35) ** 2 + (value < 8 ? 400 / value : 0);
    const runs = [42, 43, 44].slice(0, value === 7 ? 3 : 1).map((seed) => {
      const e = evaluations(PLAN_SLOS, p99Ms + (seed - 42), cpu);
      return { seed, p99Ms: p99Ms + (seed - 42), cpuUtilisationMax: cpu, lossFraction: 0, pass: e.every((x) => x.pass), evaluations: e };
    });
    return {
      value,
      analyticUtilisation: 3 / value,
      runs,
      pass: runs.every((r) => r.pass),
      p99MsMax: Math.max(...runs.map((r) => r.p99Ms)),
      cpuUtilisationMax: cpu,
    };
  });
  const answer = curve.find((p) => p.pass)!;
  return {
    field: 'chatServers.perRegion',
    min: 1,
    max: 16,
    slos: PLAN_SLOS,
    seeds: [42, 43, 44],
    analytic: { value: 5, utilisation: 0.6, utilisationLimit: 0.7 },
    answer: answer.value,
    curve,
    binding: answer.runs[0]!.evaluations[1]!,
    confidence: 'chatServers.perRegion=7 met every SLO with all 3 seeds; 6 failed on 1 of 1 seed run: latency.endToEnd.p99Ms<200 (207.3)',
  };
}

/** Base: the sample run; variant: half the cores' worth of headroom (CPU up, latency up). */
export function sampleWhatif(): WhatifReport {
  const base = sampleRunResult();
  const variant = sampleRunResult();
  variant.latency.endToEnd = { ...base.latency.endToEnd, meanMs: 75.1, p50Ms: 70.2, p90Ms: 90.4, p99Ms: 240.5, p999Ms: 410.2, maxMs: 990.3 };
  variant.servers = variant.servers.map((s) => (s.role === 'chat' ? { ...s, cores: 8, cpuUtilisation: Math.min(0.99, s.cpuUtilisation * 1.8) } : s));
  variant.rates = { ...base.rates, messagesInPerSecond: 200_000, messagesOutPerSecond: 199_500 };
  const parsed = parseSlos(['p99<200', 'cpu<0.9']);
  if (!parsed.ok) throw new Error('fixture SLOs');
  return whatifReport(base, variant, ['--set chatServers.cores=8'], (r) => evaluateSlos(parsed.slos, r), ['--set duration=10s']);
}

/** A 3 x 2 grid (cores x placement), 2 repeats each. */
export function sampleSweep(): SweepReport {
  const lines: PointLine[] = [];
  let index = 0;
  for (const cores of [4, 8, 16]) {
    for (const placement of ['hash', 'region']) {
      for (const repeat of [0, 1]) {
        const result = sampleRunResult();
        const { meta: _meta, ...simulated } = result;
        simulated.latency.endToEnd = { ...simulated.latency.endToEnd, p99Ms: 60 + 640 / cores + (placement === 'region' ? 5 : 0) + repeat, meanMs: 55 + 80 / cores };
        simulated.servers = simulated.servers.map((s) => ({ ...s, cpuUtilisation: Math.min(1, (s.cpuUtilisation * 8) / cores) }));
        simulated.rates = { ...simulated.rates, messagesInPerSecond: 200_000, messagesOutPerSecond: 199_000 + cores * 10 };
        lines.push({ sweep: 'abc123', index, runs: 12, point: { 'chatServers.cores': cores, placement }, repeat, seed: 42 + repeat, result: simulated });
        index++;
      }
    }
  }
  return {
    sweep: 'abc123def456',
    scenario: 'fixture-two-regions',
    version: '0.1.0',
    runs: 12,
    points: 6,
    repeats: 2,
    shard: null,
    complete: true,
    summaries: summarisePoints(lines),
  };
}
