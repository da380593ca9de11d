/**
 * `chatscale plan scenario --slo EXPR... --vary FIELD [--range a..b] [--seeds 3] [--json] [--report f.html]`: the
 * smallest integer value of FIELD meeting every SLO, bracketed analytically (M/M/c) and confirmed
 * by simulation with several seeds. Exit 1 when no value in the range meets the SLOs.
 */
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { analyticBracket, planSearch, utilisationLimit, type PlanResult } from '../../plan/search/plan-search.js';
import { estimateLoad } from '../../plan/search/analytic.js';
import { VERSION } from '../../engine/version.js';
import { renderPlanHtml } from '../../report/html/plan-html.js';
import { renderPlanText } from '../../report/plan-table.js';
import { renderPlanMarkdown } from '../../report/planning-markdown.js';
import type { ResolvedScenario } from '../../scenario/resolved.js';
import { createRunPool } from '../../sweep/pool.js';
import { BadInputError, GateFailedError, type InputProblem } from '../errors.js';
import { reportPathProblems, writeReport } from '../run-output.js';
import { collectRepeatable, loadScenarioArgument } from '../scenario-arg.js';
import { processIo, type CommandIo } from './compare.js';
import { addUnique, flagOverrideProblem, parseJobs, setConflictsWithVary, type PoolDeps } from './sweep.js';
import { parseWholeNumber } from '../../sweep/grid.js';
import { sloFlags } from './whatif.js';

/** Largest value a default range reaches, and the most seeds a plan takes. */
export const PLAN_DEFAULT_RANGE_MAX = 4096;
export const PLAN_SEEDS_MAX = 100;

interface PlanFlags {
  slo: string[];
  vary?: string;
  range?: string;
  seeds: string;
  set: string[];
  seed?: string;
  jobs?: string;
  json?: boolean;
  report?: string;
}

function parseRange(text: string, problems: InputProblem[]): { min: number; max: number } | null {
  const match = /^\s*(.+?)\s*\.\.\s*(.+?)\s*$/.exec(text);
  const min = match === null ? null : parseWholeNumber(match[1]!);
  const max = match === null ? null : parseWholeNumber(match[2]!);
  if (match === null || min === null || max === null) {
    const bad = match === null ? '' : [match[1]!, match[2]!].find((end) => parseWholeNumber(end) === null)!;
    problems.push({ field: '--range', reason: `expected whole numbers a..b such as 4..64${bad === '' ? '' : ` (${JSON.stringify(bad)} is not a whole number of at most ${Number.MAX_SAFE_INTEGER})`}, got ${JSON.stringify(text)}` });
    return null;
  }
  if (max < min) {
    problems.push({ field: '--range', reason: `the range ${text} runs backwards; write ${match[2]!.trim()}..${match[1]!.trim()}` });
    return null;
  }
  return { min, max };
}

/** Why the scenario refused a probe value, without the example and value it quotes (plan's, not the user's). */
function whyNot(problems: readonly InputProblem[]): string {
  const reasons = problems.map((p) => p.reason.replace(/(?:,?\s*e\.g\.[^;]*)?;?\s*got .*$/, '').trim()).filter((r) => r !== '');
  return reasons.length === 0 ? '' : `: ${[...new Set(reasons)].join('; ')}`;
}

/** Values plan tries to tell a field that takes no whole number from one whose range starts above 1. */
const WHOLE_NUMBER_PROBES = [1, 2, 10, 100, 1000];

export function registerPlan(program: Command, io: CommandIo = processIo, deps: PoolDeps = {}): void {
  program
    .command('plan')
    .description('smallest value of a capacity field (servers per region, cores...) that meets every SLO, by analytic bracket and simulation')
    .argument('<scenario>', 'scenario file (YAML or JSON), or a built-in name')
    .option('--slo <expr>', 'an SLO every run must meet, e.g. "latency.endToEnd.p99Ms<200", "cpu<0.7", "loss<0.001" (repeatable)', collectRepeatable, [])
    .option('--vary <field>', 'the integer field to size, e.g. chatServers.perRegion or chatServers.cores')
    .option('--range <a..b>', 'values to consider (default 1 to 4x the analytic estimate, at least 8)')
    .option('--seeds <n>', 'seeds that must all pass at the answer (seed, seed+1, ...)', '3')
    .option('--set <path=value>', 'override a field (repeatable), e.g. duration=5s', collectRepeatable, [])
    .option('--seed <n>', 'first seed')
    .option('--jobs <n>', 'runs at once when confirming seeds (default: all cores)')
    .option('--json', 'print the plan (curve, answer, binding constraint) as one JSON object')
    .option('--report <file>', 'also write a report: .md for Markdown, .html for a self-contained page with the capacity curve')
    .action(async (argument: string, flags: PlanFlags) => {
      const problems: InputProblem[] = [];
      const slos = sloFlags(flags.slo, problems);
      if (flags.slo.length === 0) problems.push({ field: '--slo', reason: 'give at least one SLO, e.g. --slo "cpu<0.7"' });
      const field = flags.vary?.trim() ?? '';
      if (field === '' || field.includes('=')) problems.push({ field: '--vary', reason: `expected a field path such as chatServers.perRegion${field.includes('=') ? ' (no values: plan searches them; give --range a..b)' : ''}` });
      else problems.push(...setConflictsWithVary(flags.set, [field], '--vary'));
      const seedCount = /^\d+$/.test(flags.seeds) ? Number(flags.seeds) : NaN;
      if (!(seedCount >= 1 && seedCount <= PLAN_SEEDS_MAX)) problems.push({ field: '--seeds', reason: `expected an integer from 1 to ${PLAN_SEEDS_MAX}, got ${JSON.stringify(flags.seeds)}` });
      let range = flags.range === undefined ? null : parseRange(flags.range, problems);
      const jobs = flags.jobs === undefined ? availableParallelism() : parseJobs(flags.jobs, problems);
      problems.push(...reportPathProblems(flags.report));
      if (problems.length > 0) throw new BadInputError(problems);

      const { scenario: base } = loadScenarioArgument(argument, { set: flags.set, seed: flags.seed });
      const loaded = new Map<number, ResolvedScenario>();
      const scenarioAt = (value: number): ResolvedScenario => {
        let scenario = loaded.get(value);
        if (scenario === undefined) {
          scenario = loadScenarioArgument(argument, { set: [...flags.set, `${field}=${value}`], seed: flags.seed }).scenario;
          loaded.set(value, scenario);
        }
        return scenario;
      };
      // The field is checked before any search: plan sets it to whole numbers, so a field the
      // scenario does not know, or one that takes no whole number (a duration, a percentage), is a
      // --vary problem; a value of the range the field refuses is a --range problem.
      const refused = (value: number): InputProblem[] => {
        try {
          scenarioAt(value);
          return [];
        } catch (error) {
          if (!(error instanceof BadInputError)) throw error;
          return error.problems;
        }
      };
      const firstRefusal = refused(WHOLE_NUMBER_PROBES[0]!);
      if (firstRefusal.length > 0 && WHOLE_NUMBER_PROBES.slice(1).every((value) => refused(value).length > 0)) {
        const asVary = firstRefusal.map((p) => flagOverrideProblem('--vary', field, field, p));
        if (asVary.some((p) => p.reason.startsWith(`${field}: unknown field`))) addUnique(problems, asVary.filter((p) => p.reason.startsWith(`${field}: unknown field`)));
        else {
          problems.push({
            field: '--vary',
            reason: `${field}: plan can only vary a field that takes a whole number (a count, such as chatServers.perRegion or chatServers.cores); ${field} does not${whyNot(firstRefusal)}`,
          });
        }
        throw new BadInputError(problems);
      }
      // Both ends are loaded first, so a value the scenario refuses is reported before any run.
      const ends = range === null ? [1, PLAN_DEFAULT_RANGE_MAX] : [range.min, range.max];
      for (const value of new Set(ends)) {
        const found = refused(value).map((p) =>
          range === null
            ? flagOverrideProblem('--vary', `${field}=${value}`, field, { ...p, reason: `${p.reason} (the default range is 1..${PLAN_DEFAULT_RANGE_MAX}; give the values to search with --range a..b)` })
            : flagOverrideProblem('--range', `${flags.range!.trim()}: ${field}=${value}`, field, p),
        );
        addUnique(problems, found);
      }
      if (problems.length > 0) throw new BadInputError(problems);
      if (range === null) {
        const estimate = analyticBracket(1, PLAN_DEFAULT_RANGE_MAX, utilisationLimit(slos), (v) => estimateLoad(scenarioAt(v)).utilisationMax);
        if (estimate === null) {
          throw new BadInputError({ field: '--range', reason: `no ${field} up to ${PLAN_DEFAULT_RANGE_MAX} brings the analytic utilisation below ${utilisationLimit(slos)}; give the range to search with --range a..b` });
        }
        range = { min: 1, max: Math.min(PLAN_DEFAULT_RANGE_MAX, Math.max(8, 4 * estimate)) };
      }

      const seeds = Array.from({ length: seedCount }, (_, i) => base.seed + i);
      const pool = createRunPool({ jobs, workerUrl: deps.workerUrl, measure: { wallClockMs: () => performance.now(), rssBytes: () => process.memoryUsage.rss() } });
      let plan: PlanResult;
      try {
        plan = await planSearch({
          field,
          min: range.min,
          max: range.max,
          slos,
          seeds,
          scenarioFor: (value, seed) => ({ ...scenarioAt(value), seed }),
          run: (scenario) => pool.run(scenario),
          onRun: io.errIsTty ? (value, seed, pass) => io.err(`  ${field}=${value} seed ${seed}: ${pass ? 'pass' : 'fail'}\n`) : undefined,
        });
      } finally {
        await pool.close();
      }
      io.out(flags.json === true ? `${JSON.stringify(plan, null, 2)}\n` : renderPlanText(plan));
      if (flags.report !== undefined) {
        const context = { scenario: base.name, version: VERSION };
        await writeReport(flags.report, { markdown: () => renderPlanMarkdown(plan, context), html: () => renderPlanHtml(plan, context) });
      }
      if (plan.answer === null) throw new GateFailedError(`plan: no ${field} in ${range.min}..${range.max} meets ${plan.slos.join(', ')}`);
    });
}
