/**
 * `chatscale whatif base.yaml --set k=v ... [--against other.yaml] [--slo EXPR]... [--json] [--report f.html]`: runs the
 * base and a variant with the same seed (on two worker threads when compiled), prints them side by
 * side with deltas, and which SLOs flip. A report, not a gate: exit 0 unless the input is bad.
 */
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import type { ResultInput } from '../../engine/compare.js';
import { whatifReport } from '../../engine/whatif.js';
import { evaluateSlos, parseSlos, type Slo } from '../../plan/search/slo.js';
import { canonicalRunResult } from '../../report/json.js';
import { VERSION } from '../../engine/version.js';
import { renderWhatifHtml } from '../../report/html/whatif-html.js';
import { renderWhatifMarkdown } from '../../report/planning-markdown.js';
import { renderWhatifText } from '../../report/whatif-table.js';
import { createRunPool } from '../../sweep/pool.js';
import { OVERRIDE_FILE } from '../../scenario/index.js';
import type { ResolvedScenario } from '../../scenario/resolved.js';
import { BadInputError, type InputProblem } from '../errors.js';
import { reportPathProblems, writeReport } from '../run-output.js';
import { collectRepeatable, loadScenarioArgument } from '../scenario-arg.js';
import { processIo, type CommandIo } from './compare.js';
import { parseJobs, type PoolDeps } from './sweep.js';

interface WhatifFlags {
  set: string[];
  setBoth: string[];
  against?: string;
  slo: string[];
  seed?: string;
  jobs?: string;
  json?: boolean;
  report?: string;
}

/** Parses --slo flags into SLOs, or adds one problem per bad one. */
export function sloFlags(texts: readonly string[], problems: InputProblem[]): Slo[] {
  const parsed = parseSlos(texts);
  if (parsed.ok) return parsed.slos;
  for (const p of parsed.problems) problems.push({ field: '--slo', reason: `${JSON.stringify(p.slo)}: ${p.reason}` });
  return [];
}

export function registerWhatif(program: Command, io: CommandIo = processIo, deps: PoolDeps = {}): void {
  program
    .command('whatif')
    .description('a scenario and a variant of it (same seed) side by side, with deltas and the SLOs that flip')
    .argument('<scenario>', 'base scenario file (YAML or JSON), or a built-in name')
    .option('--set <path=value>', 'a change that makes the variant, e.g. chatServers.cores=16 (repeatable)', collectRepeatable, [])
    .option('--against <scenario>', 'compare with this scenario instead (--set changes apply to it)')
    .option('--set-both <path=value>', 'override base and variant alike, e.g. duration=5s (repeatable)', collectRepeatable, [])
    .option('--slo <expr>', 'an SLO to check on both, e.g. "latency.endToEnd.p99Ms<200", "cpu<0.7", "loss<0.001" (repeatable)', collectRepeatable, [])
    .option('--seed <n>', 'seed for both runs')
    .option('--jobs <n>', 'runs at once (default 2, or 1 on one core)')
    .option('--json', 'print the comparison, SLOs and both results as one JSON object')
    .option('--report <file>', 'also write a report: .md for Markdown, .html for a self-contained page with charts')
    .action(async (argument: string, flags: WhatifFlags) => {
      const problems: InputProblem[] = [];
      const slos = sloFlags(flags.slo, problems);
      const jobs = flags.jobs === undefined ? Math.min(2, availableParallelism()) : parseJobs(flags.jobs, problems);
      if (flags.set.length === 0 && flags.against === undefined) {
        problems.push({ field: '--set', reason: 'nothing to compare: give the variant with --set path=value (repeatable) or --against other.yaml' });
      }
      // Both sides run on one seed (the variant takes the base's), so a --set of the seed would be
      // dropped without a word and the report would compare a run with itself.
      for (const text of flags.set) {
        if (text.slice(0, Math.max(0, text.indexOf('='))).trim() === 'seed') {
          problems.push({ field: '--set', reason: `${text}: both runs use one seed, so the variant cannot change it; use --seed N (or --set-both seed=N) to run both on another seed` });
        }
      }
      problems.push(...reportPathProblems(flags.report));
      // The base is loaded with the other checks, so a bad --set-both value or --seed is told
      // alongside them (and under --set-both: the scenario layer files override problems as --set).
      let base: ResolvedScenario | null = null;
      try {
        base = loadScenarioArgument(argument, { set: flags.setBoth, seed: flags.seed }).scenario;
      } catch (error) {
        if (!(error instanceof BadInputError)) throw error;
        problems.push(...error.problems.map((p) => (p.file === OVERRIDE_FILE ? { ...p, file: '--set-both' } : p)));
      }
      if (problems.length > 0 || base === null) throw new BadInputError(problems);
      // The variant runs with the base's seed, so the difference is the change, not the randomness.
      const { scenario: variant } = loadScenarioArgument(flags.against ?? argument, { set: [...flags.setBoth, ...flags.set], seed: String(base.seed) });
      const changes = [...(flags.against === undefined ? [] : [`--against ${flags.against}`]), ...flags.set.map((s) => `--set ${s}`)];

      const pool = createRunPool({ jobs, workerUrl: deps.workerUrl, measure: { wallClockMs: () => performance.now(), rssBytes: () => process.memoryUsage.rss() } });
      let results: [ResultInput, ResultInput];
      try {
        const [b, v] = await Promise.all([pool.run(base), pool.run(variant)]);
        results = [canonicalRunResult(b), canonicalRunResult(v)];
      } finally {
        await pool.close();
      }
      const common = flags.setBoth.map((s) => `--set-both ${s}`);
      const report = whatifReport(results[0], results[1], changes, (result) => evaluateSlos(slos, result), common);
      if (flags.json === true) {
        const figures = report.figures.map((f) => ({ ...f, deltaPercent: f.deltaPercent !== null && Number.isFinite(f.deltaPercent) ? Number(f.deltaPercent.toPrecision(6)) : null }));
        io.out(`${JSON.stringify({ ...report, figures, results: { base: results[0], variant: results[1] } }, null, 2)}\n`);
      } else {
        io.out(renderWhatifText(report));
      }
      if (flags.report !== undefined) {
        const context = { version: VERSION };
        await writeReport(flags.report, { markdown: () => renderWhatifMarkdown(report, context), html: () => renderWhatifHtml(report, context) });
      }
    });
}
