/**
 * The capacity search behind `chatscale plan`: the smallest integer value of a capacity field
 * (servers per region, cores...) whose runs meet every SLO.
 *
 * 1. Analytic bracket: the smallest value whose M/M/c server utilisation (analytic.ts) is below
 *    the tightest `cpu` SLO, or 0.9 without one, found by bisection over the range.
 * 2. Simulation with the first seed: from that estimate, step down (if it passes) or up (if it
 *    fails) by 1, 2, 4... until the answer is bracketed by a failing and a passing value, then
 *    bisect between them.
 * 3. Confirmation: the answer must pass with every seed; if one fails, the next value up is tried.
 *
 * The search assumes more of the field never makes things worse (monotone). Each (value, seed) is
 * simulated at most once. Runs are injected: the CLI passes its worker pool.
 */
import type { RunResult } from '../../metrics/run-result.js';
import type { ResolvedScenario } from '../../scenario/resolved.js';
import { estimateLoad } from './analytic.js';
import { bindingSlo, evaluateSlos, sloValue, type Slo, type SloEvaluation } from './slo.js';

/** Utilisation the analytic bracket aims below when no SLO bounds cpu. */
export const ANALYTIC_UTILISATION_DEFAULT = 0.9;
/** Bound on simulated values per search: the stepping and bisection need about 2 log2(range). */
export const PLAN_VALUES_MAX = 64;

export interface PlanInput {
  field: string;
  min: number;
  max: number;
  slos: readonly Slo[];
  /** Every seed must pass at the answer; the first one drives the search. */
  seeds: readonly number[];
  /** The scenario with the field set to `value` and the given seed. */
  scenarioFor(value: number, seed: number): ResolvedScenario;
  run(scenario: ResolvedScenario): Promise<RunResult>;
  /** After each simulated run. */
  onRun?(value: number, seed: number, pass: boolean): void;
}

export interface PlanRun {
  seed: number;
  p99Ms: number;
  cpuUtilisationMax: number;
  lossFraction: number;
  pass: boolean;
  evaluations: SloEvaluation[];
}

export interface CurvePoint {
  value: number;
  /** The analytic busiest-server utilisation at this value. */
  analyticUtilisation: number;
  runs: PlanRun[];
  /** Every run at this value met every SLO. */
  pass: boolean;
  p99MsMax: number;
  cpuUtilisationMax: number;
}

export interface PlanResult {
  field: string;
  min: number;
  max: number;
  slos: string[];
  seeds: number[];
  analytic: { value: number | null; utilisation: number | null; utilisationLimit: number };
  /** The smallest value meeting every SLO on every seed; null when none in the range does. */
  answer: number | null;
  /** Every simulated value, ascending. */
  curve: CurvePoint[];
  /** At the answer: the SLO with the least margin over all seeds (worst seed). */
  binding: SloEvaluation | null;
  /** One sentence on how sure the answer is. */
  confidence: string;
}

const CPU_METRICS = new Set(['cpu', 'servers.cpuUtilisation.max', 'servers.chat.cpuUtilisation.max']);

/** The tightest upper bound the SLOs put on the busiest server's CPU, or the default. */
export function utilisationLimit(slos: readonly Slo[]): number {
  let limit = ANALYTIC_UTILISATION_DEFAULT;
  let bound = false;
  for (const slo of slos) {
    if (CPU_METRICS.has(slo.metric) && (slo.operator === '<' || slo.operator === '<=')) {
      limit = bound ? Math.min(limit, slo.limit) : slo.limit;
      bound = true;
    }
  }
  return limit;
}

/** The smallest value in [min, max] whose analytic utilisation is below the limit (bisection), or null. */
export function analyticBracket(min: number, max: number, limit: number, utilisationAt: (value: number) => number): number | null {
  const below = (value: number) => utilisationAt(value) < limit;
  if (!below(max)) return null;
  if (below(min)) return min;
  let lo = min; // fails
  let hi = max; // passes
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (below(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

export async function planSearch(input: PlanInput): Promise<PlanResult> {
  const { slos, seeds } = input;
  const firstSeed = seeds[0]!;
  const limit = utilisationLimit(slos);
  const analyticCache = new Map<number, number>();
  const analyticAt = (value: number): number => {
    let u = analyticCache.get(value);
    if (u === undefined) {
      u = estimateLoad(input.scenarioFor(value, firstSeed)).utilisationMax;
      analyticCache.set(value, u);
    }
    return u;
  };
  const estimate = analyticBracket(input.min, input.max, limit, analyticAt);

  const runs = new Map<number, Map<number, PlanRun>>();
  let simulatedValues = 0;
  const runAt = async (value: number, seed: number): Promise<PlanRun> => {
    let byValue = runs.get(value);
    if (byValue === undefined) {
      if (simulatedValues >= PLAN_VALUES_MAX) throw new Error(`plan: more than ${PLAN_VALUES_MAX} values simulated; the search is not converging`);
      simulatedValues += 1;
      byValue = new Map();
      runs.set(value, byValue);
    }
    const known = byValue.get(seed);
    if (known !== undefined) return known;
    const result = await input.run(input.scenarioFor(value, seed));
    const evaluations = evaluateSlos(slos, result);
    const cpuSlo = { text: 'cpu', metric: 'cpu', reads: '', operator: '<' as const, limit: 1 };
    const lossSlo = { ...cpuSlo, metric: 'loss' };
    const run: PlanRun = {
      seed,
      p99Ms: result.latency.endToEnd.p99Ms,
      cpuUtilisationMax: sloValue(cpuSlo, result),
      lossFraction: sloValue(lossSlo, result),
      pass: evaluations.every((e) => e.pass),
      evaluations,
    };
    byValue.set(seed, run);
    input.onRun?.(value, seed, run.pass);
    return run;
  };
  const passesFirstSeed = async (value: number) => (await runAt(value, firstSeed)).pass;
  const passesAllSeeds = async (value: number) => (await Promise.all(seeds.map((seed) => runAt(value, seed)))).every((r) => r.pass);

  // Bracket by simulation from the analytic estimate: lastFail < answer <= firstPass.
  const start = estimate ?? input.max;
  let lastFail: number | null = null;
  let firstPass: number | null = null;
  if (await passesFirstSeed(start)) {
    firstPass = start;
    for (let step = 1; firstPass > input.min; step *= 2) {
      const candidate = Math.max(input.min, firstPass - step);
      if (await passesFirstSeed(candidate)) firstPass = candidate;
      else {
        lastFail = candidate;
        break;
      }
    }
  } else {
    lastFail = start;
    for (let step = 1; lastFail < input.max; step *= 2) {
      const candidate = Math.min(input.max, lastFail + step);
      if (await passesFirstSeed(candidate)) {
        firstPass = candidate;
        break;
      }
      lastFail = candidate;
    }
  }
  if (firstPass !== null && lastFail !== null) {
    while (firstPass - lastFail > 1) {
      const mid = Math.floor((lastFail + firstPass) / 2);
      if (await passesFirstSeed(mid)) firstPass = mid;
      else lastFail = mid;
    }
  }

  // Confirm with every seed, moving up while a seed fails.
  let answer: number | null = null;
  for (let value = firstPass; value !== null && value <= input.max; value += 1) {
    if (await passesAllSeeds(value)) {
      answer = value;
      break;
    }
  }

  const curve = [...runs.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([value, bySeed]): CurvePoint => {
      const list = [...bySeed.values()].sort((a, b) => a.seed - b.seed);
      return {
        value,
        analyticUtilisation: analyticAt(value),
        runs: list,
        pass: list.every((r) => r.pass),
        p99MsMax: Math.max(...list.map((r) => r.p99Ms)),
        cpuUtilisationMax: Math.max(...list.map((r) => r.cpuUtilisationMax)),
      };
    });

  let binding: SloEvaluation | null = null;
  if (answer !== null) {
    const atAnswer = [...runs.get(answer)!.values()];
    // Per SLO, the worst seed; then the SLO with the least margin.
    const worst = slos.map((_, i) => atAnswer.map((r) => r.evaluations[i]!).reduce((a, b) => (b.margin < a.margin ? b : a)));
    binding = bindingSlo(worst);
  }
  return {
    field: input.field,
    min: input.min,
    max: input.max,
    slos: slos.map((s) => s.text),
    seeds: [...seeds],
    analytic: { value: estimate, utilisation: estimate === null ? null : analyticAt(estimate), utilisationLimit: limit },
    answer,
    curve,
    binding,
    confidence: confidenceOf(answer, input, curve),
  };
}

function confidenceOf(answer: number | null, input: PlanInput, curve: CurvePoint[]): string {
  const seeds = input.seeds.length;
  if (answer === null) {
    const top = curve.find((p) => p.value === input.max);
    if (top === undefined) return `no value up to ${input.max} met every SLO`;
    // Which SLOs, and by how much: an SLO the varied field cannot move (a busiest server that is
    // an offline store, when chat servers are varied) shows as one that stays put.
    const failing = top.runs.find((r) => !r.pass);
    const why = failing?.evaluations.filter((e) => !e.pass).map((e) => `${e.slo} (${Number(e.value.toPrecision(4))})`).join(', ');
    return `even ${input.field}=${input.max}, the top of the range, fails${why ? `: ${why}` : ' an SLO'}`;
  }
  const below = curve.find((p) => p.value === answer - 1);
  const met = `${input.field}=${answer} met every SLO with all ${seeds} seed${seeds === 1 ? '' : 's'}`;
  if (answer === input.min) return `${met}; it is the bottom of the range, so a smaller value may do too`;
  if (below === undefined) return `${met}`;
  const failed = below.runs.filter((r) => !r.pass);
  const why = failed[0]?.evaluations.filter((e) => !e.pass).map((e) => `${e.slo} (${Number(e.value.toPrecision(4))})`).join(', ');
  return `${met}; ${answer - 1} failed on ${failed.length} of ${below.runs.length} seed${below.runs.length === 1 ? '' : 's'} run${why ? `: ${why}` : ''}`;
}
