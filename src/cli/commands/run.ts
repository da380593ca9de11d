/**
 * `chatscale run [scenario]`: simulate a scenario (the built-in quickstart when none is named) and
 * print its report: a terminal summary, or only the JSON results contract with --json.
 * Ctrl-C stops the run and prints the partial report; `--csv DIR` writes the time series.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import os from 'node:os';
import { admissionProblems } from '../../engine/admission.js';
import { assembleRun } from '../../engine/assemble-run.js';
import { runPartsOnThreads } from '../../engine/part-threads.js';
import { runPartsFileText } from '../../engine/run-part-json.js';
import { partsOf } from '../../engine/run-scenario.js';
import type { RunResult } from '../../metrics/run-result.js';
import type { ResolvedScenario } from '../../scenario/resolved.js';
import { parseShard, type Shard } from '../../sweep/grid.js';
import { makeFolders, outputFileProblems, outputFolderProblems, writeAfterRun, writeAfterRunAsync } from '../output-path.js';
import { BadInputError, type InputProblem } from '../errors.js';
import { collectRepeatable, loadScenarioArgument } from '../scenario-arg.js';
import { checkReportPath, renderRunOutput, type OutputFlags } from '../run-output.js';
import { progressReporter } from '../progress.js';

interface RunFlags extends OutputFlags {
  set: string[];
  seed?: string;
  csv?: string;
  jobs?: string;
  shard?: string;
  out?: string;
}

/** Worker threads for a slice's parts: a few per core is already more than helps. */
const JOBS_MAX = 256;

/** --jobs, --shard and --out, checked together (one problem per bad flag). */
function partFlags(flags: RunFlags, parts: number): { jobs: number | null; shard: Shard | null } {
  const problems: InputProblem[] = [];
  let jobs: number | null = null;
  if (flags.jobs !== undefined) {
    jobs = /^\d+$/.test(flags.jobs) ? Number(flags.jobs) : Number.NaN;
    if (!(jobs >= 1 && jobs <= JOBS_MAX)) problems.push({ field: '--jobs', reason: `expected a whole number from 1 to ${JOBS_MAX}, got ${JSON.stringify(flags.jobs)}` });
  }
  let shard: Shard | null = null;
  if (flags.shard !== undefined) {
    const parsed = parseShard(flags.shard);
    if ('reason' in parsed) problems.push({ field: '--shard', reason: parsed.reason });
    else if (parsed.count > parts) problems.push({ field: '--shard', reason: `the scenario's run has ${parts} part${parts === 1 ? '' : 's'} (sliceParts), so at most ${parts} shards, got ${parsed.count}` });
    else shard = parsed;
    if (flags.out === undefined) problems.push({ field: '--shard', reason: 'a shard writes its parts to a file: add --out part-i.json' });
    if (flags.json === true || flags.csv !== undefined || flags.report !== undefined) {
      problems.push({ field: '--shard', reason: 'a shard has no report of its own: merge the shards (chatscale merge) and report that' });
    }
  }
  if (flags.out !== undefined) {
    if (flags.shard === undefined) problems.push({ field: '--out', reason: 'only a shard writes a parts file: add --shard i/n' });
    if (!flags.out.endsWith('.json')) problems.push({ field: '--out', reason: `expected a file ending in .json, got ${JSON.stringify(flags.out)}` });
    else problems.push(...outputFileProblems(flags.out, '--out'));
  }
  if (problems.length > 0) throw new BadInputError(problems);
  return { jobs, shard };
}

/**
 * Without --jobs, a slice's parts run as many at once as there are cores for, and as fit in memory
 * side by side (a part holds its share of the slice): global-2025's two parts take both cores.
 */
function defaultJobs(scenario: ResolvedScenario, memoryAvailable: number): number {
  for (let jobs = Math.min(os.availableParallelism(), scenario.sliceParts); jobs > 1; jobs--) {
    if (admissionProblems(scenario, memoryAvailable, jobs).length === 0) return jobs;
  }
  return 1;
}

export interface RunIo {
  stdout(text: string): void;
  stderr(text: string): void;
  stderrIsTty: boolean;
  stdoutIsTty: boolean;
}

const processIo: RunIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  get stderrIsTty() {
    return process.stderr.isTTY === true;
  },
  get stdoutIsTty() {
    return process.stdout.isTTY === true;
  },
};

export function registerRun(program: Command, io: RunIo = processIo): void {
  program
    .command('run')
    .description('simulate a scenario and report latency and resource use (default: the built-in quickstart)')
    .argument('[scenario]', 'scenario file (YAML or JSON), or a built-in name: quickstart, reference-chat', 'quickstart')
    .option('--set <path=value>', 'override a field, e.g. chatServers.perRegion=40 (repeatable)', collectRepeatable, [])
    .option('--seed <n>', 'override the seed')
    .option('--json', 'print only the JSON results contract on stdout')
    .option('--csv <dir>', 'also write the time series as <dir>/timeseries.csv')
    .option('--report <file>', 'also write a report: .md for Markdown, .html for a self-contained page with charts')
    .option('--jobs <n>', 'run a slice\'s parts (sliceParts) this many at once, on worker threads (default: one per core, as many as fit in memory)')
    .option('--shard <i/n>', 'run only every n-th part from part i, and write them to --out for chatscale merge')
    .option('--out <file.json>', 'with --shard: the parts file to write (refuses to overwrite)')
    .action(async (argument: string, flags: RunFlags) => {
      const { scenario, file } = loadScenarioArgument(argument, flags);
      checkReportPath(flags.report);
      const { jobs: jobsAsked, shard } = partFlags(flags, scenario.sliceParts);
      const memoryAvailable = Math.min(os.totalmem(), os.freemem() + process.memoryUsage.rss()) * 0.8;
      const jobs = jobsAsked ?? defaultJobs(scenario, memoryAvailable);
      const refused = admissionProblems(scenario, memoryAvailable, jobs);
      if (refused.length > 0) throw new BadInputError(refused.map((p) => ({ file, ...p })));
      if (flags.csv !== undefined) {
        const problems = outputFolderProblems(flags.csv, '--csv');
        if (problems.length === 0 && existsSync(join(flags.csv, 'timeseries.csv'))) {
          problems.push({ field: '--csv', reason: `${join(flags.csv, 'timeseries.csv')} exists; choose another folder or remove it (nothing is overwritten)` });
        }
        if (problems.length > 0) throw new BadInputError(problems);
      }
      let interrupted = false;
      const onSigint = () => {
        interrupted = true;
      };
      process.on('SIGINT', onSigint);
      const progress = io.stderrIsTty ? progressReporter(io.stderr) : null;
      const wallStartMs = performance.now();
      let result: RunResult;
      try {
        const parts = await runPartsOnThreads(scenario, partsOf(scenario, shard), jobs, {
          wallClockMs: () => performance.now(),
          rssBytes: () => process.memoryUsage.rss(),
          onProgress: progress === null ? undefined : (p) => progress.update(p.simulatedNs / p.durationNs, `${(p.simulatedNs / 1e9).toFixed(1)} s simulated`),
          shouldStop: () => interrupted,
        });
        if (shard !== null) {
          if (parts.some((p) => p.partial)) throw new BadInputError({ field: '--shard', reason: 'the shard was stopped before its end; nothing was written (run it again)' });
          const out = flags.out!;
          writeAfterRun('--out', () => writeFileSync(out, runPartsFileText(scenario, shard, parts), { flag: 'wx' }));
          io.stdout(`shard ${shard.index}/${shard.count}: part${parts.length === 1 ? '' : 's'} ${parts.map((p) => p.part.index).join(', ')} of ${scenario.sliceParts} written to ${flags.out}\n`);
          return;
        }
        result = assembleRun(scenario, parts, { wallSeconds: (performance.now() - wallStartMs) / 1000, peakRssBytes: process.memoryUsage.rss() });
      } finally {
        progress?.done();
        process.off('SIGINT', onSigint);
      }
      // The report first: whatever happens to the files after, the run's figures are not lost.
      io.stdout(renderRunOutput.main(result, flags, io.stdoutIsTty));
      if (flags.csv !== undefined) {
        const csv = flags.csv;
        writeAfterRun('--csv', () => {
          makeFolders(csv);
          writeFileSync(join(csv, 'timeseries.csv'), renderRunOutput.csv(result), { flag: 'wx' });
        });
      }
      if (flags.report !== undefined) {
        const report = flags.report;
        await writeAfterRunAsync('--report', () => renderRunOutput.report(result, report));
      }
      if (result.partial && result.stoppedBy === 'interrupted') {
        io.stderr('interrupted: the report above covers the simulated time before Ctrl-C\n');
        // 128 + SIGINT, as a shell reports a command Ctrl-C ended: a script must not take it for a full run.
        process.exitCode = 130;
      }
    });
}
