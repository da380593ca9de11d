/**
 * `chatscale sweep scenario --vary k=a..b:step --vary k2=x,y [--repeat N] [--jobs N] [--out f.jsonl]
 * [--shard i/n] [--report f.html]`: a grid of runs on worker threads. Each finished run is appended to the JSONL
 * file as one line; rerunning with the same --out skips what is there (resume). `--shard i/n`
 * runs the runs whose index mod n == i; `chatscale merge` joins the shards' files.
 */
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { VERSION } from '../../engine/version.js';
import { renderSweepHtml, type SweepReport } from '../../report/html/sweep-html.js';
import { renderSweepMarkdown } from '../../report/planning-markdown.js';
import { renderSweepTable } from '../../report/sweep-table.js';
import type { ResolvedScenario } from '../../scenario/resolved.js';
import { OVERRIDE_FILE } from '../../scenario/index.js';
import { buildGrid, gridRun, parseRepeat, parseShard, parseVary, shardRunIndices, type Axis, type Shard, type SweepGrid } from '../../sweep/grid.js';
import { sweepId, type PointLine } from '../../sweep/points-file.js';
import { filePointsStore } from '../../sweep/points-store.js';
import { createRunPool } from '../../sweep/pool.js';
import { summarisePoints } from '../../sweep/summary.js';
import { readExisting, runSweep, type FileProblem, type SweepOutcome } from '../../sweep/sweep.js';
import { outputFileProblems } from '../output-path.js';
import { BadInputError, formatProblem, type InputProblem } from '../errors.js';
import { progressReporter } from '../progress.js';
import { reportPathProblems, writeReport } from '../run-output.js';
import { collectRepeatable, loadScenarioArgument } from '../scenario-arg.js';
import { processIo, type CommandIo } from './compare.js';

/** What the planning commands need besides io: where the compiled worker is (tests override). */
export interface PoolDeps {
  /** undefined: run-worker.js beside the pool when it exists (dist/), else in-process. */
  workerUrl?: URL | null;
}

export const JOBS_MAX = 256;

/** `--jobs N`: 1..256; default all cores. */
export function parseJobs(text: string | undefined, problems: InputProblem[]): number {
  if (text === undefined) return availableParallelism();
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > JOBS_MAX) {
    problems.push({ field: '--jobs', reason: `expected an integer from 1 to ${JOBS_MAX}, got ${JSON.stringify(text)}` });
    return 1;
  }
  return Number(text);
}

export function fileProblemsToInput(problems: readonly FileProblem[]): InputProblem[] {
  return problems.map((p) => ({ file: p.file, line: p.line, reason: p.reason }));
}

/**
 * A problem the scenario layer found in an override the command made from a flag (`--vary`,
 * `--range`), restated under that flag: `what` is what the user typed (`chatServers.cores=abc`),
 * `field` the field it sets. The scenario layer files such problems under `--set`, which the user
 * did not type. An unknown field is a problem of the field, not of the value, so it names the field only.
 */
export function flagOverrideProblem(flag: string, what: string, field: string, problem: InputProblem): InputProblem {
  if (problem.file !== OVERRIDE_FILE) return { field: flag, reason: `${what}: ${formatProblem(problem).replace(/^error: /, '')}` };
  const path = problem.field;
  const onPath = path === undefined || path === field || field.startsWith(`${path}.`);
  if (onPath && problem.reason.startsWith('unknown field "')) return { field: flag, reason: `${field}: ${problem.reason}` };
  return { field: flag, reason: `${what}: ${onPath ? '' : `${path}: `}${problem.reason}` };
}

/**
 * A --set of a field the command varies (or of a mapping holding it) would be overridden at every
 * point without a word: `plan --set chatServers.perRegion=3 --vary chatServers.perRegion`.
 */
export function setConflictsWithVary(set: readonly string[], varied: readonly string[], flag: string): InputProblem[] {
  const problems: InputProblem[] = [];
  for (const text of set) {
    const path = text.slice(0, Math.max(0, text.indexOf('='))).trim();
    if (path === '') continue;
    const field = varied.find((f) => f === path || f.startsWith(`${path}.`) || path.startsWith(`${f}.`));
    if (field !== undefined) problems.push({ field: '--set', reason: `${text}: ${flag} ${field} sets that field at every point, so this --set would be overridden; leave one of them out` });
  }
  return problems;
}

/** Adds problems not already in the list (the same problem from many points is told once). */
export function addUnique(problems: InputProblem[], more: readonly InputProblem[]): void {
  const seen = new Set(problems.map(formatProblem));
  for (const problem of more) {
    const key = formatProblem(problem);
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(problem);
    }
  }
}

/** The problems loading the scenario with these overrides finds ([] when it loads). */
function overrideProblems(argument: string, flags: { set: string[]; seed?: string }, overrides: string[]): InputProblem[] {
  try {
    loadScenarioArgument(argument, { set: [...flags.set, ...overrides], seed: flags.seed });
    return [];
  } catch (error) {
    if (!(error instanceof BadInputError)) throw error;
    return error.problems;
  }
}

interface SweepFlags {
  vary: string[];
  repeat: string;
  jobs?: string;
  out?: string;
  shard?: string;
  set: string[];
  seed?: string;
  json?: boolean;
  report?: string;
}

export interface PreparedSweep {
  base: ResolvedScenario;
  grid: SweepGrid;
  shard: Shard | null;
  id: string;
  out: string;
  jobs: number;
  /** Resolved scenario of each point this share still has to run, by point index. */
  scenarios: Map<number, ResolvedScenario>;
}

/** Parses and checks everything before a run starts; every problem at once. */
export function prepareSweep(argument: string, flags: SweepFlags): PreparedSweep {
  const problems: InputProblem[] = [];
  const { scenario: base } = loadScenarioArgument(argument, { set: flags.set, seed: flags.seed });
  const axes: Axis[] = [];
  if (flags.vary.length === 0) problems.push({ field: '--vary', reason: 'give at least one --vary field=a..b[:step] or field=x,y' });
  for (const text of flags.vary) {
    const axis = parseVary(text);
    if ('reason' in axis) problems.push({ field: '--vary', reason: axis.reason });
    else axes.push(axis);
  }
  problems.push(...setConflictsWithVary(flags.set, axes.map((axis) => axis.field), '--vary'));
  const repeat = parseRepeat(flags.repeat);
  if (typeof repeat !== 'number') problems.push({ field: '--repeat', reason: repeat.reason });
  let shard: Shard | null = null;
  if (flags.shard !== undefined) {
    const parsed = parseShard(flags.shard);
    if ('reason' in parsed) problems.push({ field: '--shard', reason: parsed.reason });
    else shard = parsed;
  }
  const jobs = parseJobs(flags.jobs, problems);
  if (flags.out !== undefined && !flags.out.endsWith('.jsonl')) problems.push({ field: '--out', reason: `expected a file ending in .jsonl, got ${JSON.stringify(flags.out)}` });
  problems.push(...reportPathProblems(flags.report));
  const grid = problems.length === 0 ? buildGrid(axes, typeof repeat === 'number' ? repeat : -1, base.seed) : null;
  if (grid !== null && 'reason' in grid) problems.push({ field: /--repeat/.test(grid.reason) ? '--repeat' : '--vary', reason: grid.reason });
  if (problems.length > 0 || grid === null || 'reason' in grid) throw new BadInputError(problems);

  const id = sweepId(base, grid, VERSION);
  const out = flags.out ?? `${base.name.replace(/[^\w.-]+/g, '-')}-sweep-${id.slice(0, 8)}${shard === null ? '' : `-shard-${shard.index}-of-${shard.count}`}.jsonl`;
  // An existing points file is resumed, so only a folder in its place or a missing folder is bad.
  const outProblems = outputFileProblems(out, '--out', { overwrite: true });
  if (outProblems.length > 0) throw new BadInputError(outProblems);
  const existing = readExisting(filePointsStore(out), id, grid.runs);
  if (!existing.ok) throw new BadInputError(fileProblemsToInput(existing.problems));
  const done = new Set(existing.lines.map((l) => l.line.index));

  // Every point still to run is loaded (and so checked) before the first run starts. A point the
  // scenario refuses is told as the --vary value that makes it bad, or as the combination when
  // each value alone is fine.
  const scenarios = new Map<number, ResolvedScenario>();
  const valueChecks = new Map<string, InputProblem[]>();
  const valueProblems = (axis: Axis, override: string): InputProblem[] => {
    let found = valueChecks.get(override);
    if (found === undefined) {
      found = overrideProblems(argument, flags, [override]).map((p) => flagOverrideProblem('--vary', override, axis.field, p));
      valueChecks.set(override, found);
    }
    return found;
  };
  for (const index of shardRunIndices(grid.runs, shard)) {
    if (done.has(index)) continue;
    const run = gridRun(grid, index);
    if (scenarios.has(run.pointIndex)) continue;
    try {
      const { scenario } = loadScenarioArgument(argument, { set: [...flags.set, ...run.overrides], seed: flags.seed });
      scenarios.set(run.pointIndex, scenario);
    } catch (error) {
      if (!(error instanceof BadInputError)) throw error;
      const single = grid.axes.flatMap((axis, a) => valueProblems(axis, run.overrides[a]!));
      const where = run.overrides.join(' ');
      const together = error.problems.map((p): InputProblem => ({ field: '--vary', reason: `${where}: ${p.file === OVERRIDE_FILE ? `${p.field ?? ''}${p.field === undefined ? '' : ': '}${p.reason}` : formatProblem(p).replace(/^error: /, '')}` }));
      addUnique(problems, single.length > 0 ? single : together);
    }
  }
  if (problems.length > 0) throw new BadInputError(problems);
  return { base, grid, shard, id, out, jobs, scenarios };
}

function describeGrid(prepared: PreparedSweep): string {
  const { grid, shard } = prepared;
  const share = shard === null ? '' : `; shard ${shard.index}/${shard.count}: ${shardRunIndices(grid.runs, shard).length} runs`;
  return `sweep ${prepared.id}: ${prepared.base.name}, ${grid.points} point${grid.points === 1 ? '' : 's'} x ${grid.repeats} repeat${grid.repeats === 1 ? '' : 's'} = ${grid.runs} runs${share}`;
}

export function sweepJson(prepared: PreparedSweep, outcome: SweepOutcome, wallSeconds: number, mode: string): string {
  const body = {
    sweep: prepared.id,
    scenario: prepared.base.name,
    runs: prepared.grid.runs,
    points: prepared.grid.points,
    repeats: prepared.grid.repeats,
    shard: prepared.shard === null ? null : `${prepared.shard.index}/${prepared.shard.count}`,
    out: prepared.out,
    shareRuns: outcome.shareRuns,
    skipped: outcome.skipped,
    ran: outcome.ran,
    complete: outcome.complete,
    mode,
    wallSeconds: Number(wallSeconds.toFixed(3)),
    summaries: summarisePoints(outcome.lines.map((l) => l.line)),
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

/** What `--report` shows: the sweep's identity and its points so far, summarised. */
export function sweepReport(prepared: PreparedSweep, outcome: SweepOutcome): SweepReport {
  return {
    sweep: prepared.id,
    scenario: prepared.base.name,
    version: VERSION,
    runs: prepared.grid.runs,
    points: prepared.grid.points,
    repeats: prepared.grid.repeats,
    shard: prepared.shard === null ? null : `${prepared.shard.index}/${prepared.shard.count}`,
    complete: outcome.complete,
    summaries: summarisePoints(outcome.lines.map((l) => l.line)),
  };
}

export function registerSweep(program: Command, io: CommandIo = processIo, deps: PoolDeps = {}): void {
  program
    .command('sweep')
    .description('a grid of runs on worker threads, each finished run appended to a JSONL file (resumable, shardable)')
    .argument('<scenario>', 'scenario file (YAML or JSON), or a built-in name: quickstart, reference-chat')
    .option('--vary <field=values>', 'a grid axis: field=a..b (integers), field=a..b:step, or field=x,y,z (repeatable)', collectRepeatable, [])
    .option('--repeat <n>', 'runs per point; repeat r uses seed = base seed + r', '1')
    .option('--jobs <n>', 'runs at once on worker threads (default: all cores)')
    .option('--out <file.jsonl>', 'points file; an existing one of the same sweep is resumed (default: <scenario>-sweep-<id>.jsonl)')
    .option('--shard <i/n>', 'run only the runs whose index mod n == i (0-based); join the files with chatscale merge')
    .option('--set <path=value>', 'override a field of the base scenario (repeatable)', collectRepeatable, [])
    .option('--seed <n>', 'base seed (repeat r uses seed + r)')
    .option('--json', 'print the summary as one JSON object')
    .option('--report <file>', 'also write a report of the points: .md for Markdown, .html for a self-contained page with charts')
    .action(async (argument: string, flags: SweepFlags) => {
      const prepared = prepareSweep(argument, flags);
      const pool = createRunPool({
        jobs: prepared.jobs,
        workerUrl: deps.workerUrl,
        measure: { wallClockMs: () => performance.now(), rssBytes: () => process.memoryUsage.rss() },
      });
      const mode = pool.mode === 'threads' ? `${pool.jobs} worker thread${pool.jobs === 1 ? '' : 's'}` : 'this thread (no compiled worker found)';
      let interrupted = false;
      const onSigint = () => {
        interrupted = true;
        void pool.close();
      };
      process.on('SIGINT', onSigint);
      const progress = io.errIsTty ? progressReporter(io.err) : null;
      if (io.errIsTty) io.err(`${describeGrid(prepared)}\n`);
      const startedMs = performance.now();
      let outcome: Awaited<ReturnType<typeof runSweep>>;
      try {
        outcome = await runSweep(
          {
            grid: prepared.grid,
            id: prepared.id,
            shard: prepared.shard,
            scenarioFor: (run) => ({ ...prepared.scenarios.get(run.pointIndex)!, seed: run.seed }),
          },
          pool,
          filePointsStore(prepared.out),
          {
            shouldStop: () => interrupted,
            onRunDone: (done, todo) => progress?.update(done / todo, `${done}/${todo} runs`),
          },
        );
      } finally {
        progress?.done();
        process.off('SIGINT', onSigint);
        await pool.close();
      }
      if ('ok' in outcome) throw new BadInputError(fileProblemsToInput(outcome.problems));
      const wallSeconds = (performance.now() - startedMs) / 1000;
      if (flags.json === true) {
        io.out(sweepJson(prepared, outcome, wallSeconds, pool.mode));
      } else {
        const lines = [
          describeGrid(prepared),
          `  ${outcome.skipped} already in ${prepared.out}, ran ${outcome.ran} on ${mode} in ${wallSeconds.toFixed(1)} s`,
          '',
          renderSweepTable(summarisePoints(outcome.lines.map((l): PointLine => l.line))).trimEnd(),
          '',
          outcome.complete
            ? `${prepared.out}: ${outcome.lines.length} runs of this ${prepared.shard === null ? 'sweep' : 'shard'}, in run order`
            : `${prepared.out}: ${outcome.lines.length} of ${outcome.shareRuns} runs; rerun the same command to resume`,
        ];
        io.out(`${lines.join('\n')}\n`);
      }
      if (flags.report !== undefined) {
        const report = sweepReport(prepared, outcome);
        await writeReport(flags.report, { markdown: () => renderSweepMarkdown(report), html: () => renderSweepHtml(report) });
      }
      if (interrupted) {
        io.err(`interrupted: ${outcome.lines.length} of ${outcome.shareRuns} runs are in ${prepared.out}; rerun the same command to resume\n`);
        process.exitCode = 130;
      }
    });
}
