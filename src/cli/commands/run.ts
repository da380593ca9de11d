/**
 * `chatscale run [scenario]`: simulate a scenario (the built-in quickstart when none is named) and
 * print its report: a terminal summary, or only the JSON results contract with --json.
 * Ctrl-C stops the run and prints the partial report; `--csv DIR` writes the time series.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import os from 'node:os';
import { admissionProblems } from '../../engine/admission.js';
import { runScenario } from '../../engine/run-scenario.js';
import type { RunResult } from '../../metrics/run-result.js';
import { BadInputError } from '../errors.js';
import { outputFolderProblems } from '../output-path.js';
import { collectRepeatable, loadScenarioArgument } from '../scenario-arg.js';
import { checkReportPath, renderRunOutput, type OutputFlags } from '../run-output.js';
import { progressReporter } from '../progress.js';

interface RunFlags extends OutputFlags {
  set: string[];
  seed?: string;
  csv?: string;
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
    .action(async (argument: string, flags: RunFlags) => {
      const { scenario, file } = loadScenarioArgument(argument, flags);
      checkReportPath(flags.report);
      const refused = admissionProblems(scenario, Math.min(os.totalmem(), os.freemem() + process.memoryUsage.rss()) * 0.8);
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
      let result: RunResult;
      try {
        result = runScenario(scenario, {
          wallClockMs: () => performance.now(),
          rssBytes: () => process.memoryUsage.rss(),
          onProgress: progress === null ? undefined : (p) => progress.update(p.simulatedNs / p.durationNs, `${(p.simulatedNs / 1e9).toFixed(1)} s simulated`),
          shouldStop: () => interrupted,
        });
      } finally {
        progress?.done();
        process.off('SIGINT', onSigint);
      }
      // The report first: whatever happens to the files after, the run's figures are not lost.
      io.stdout(renderRunOutput.main(result, flags, io.stdoutIsTty));
      if (flags.csv !== undefined) {
        mkdirSync(flags.csv, { recursive: true });
        writeFileSync(join(flags.csv, 'timeseries.csv'), renderRunOutput.csv(result), { flag: 'wx' });
      }
      if (flags.report !== undefined) await renderRunOutput.report(result, flags.report);
      if (result.partial && result.stoppedBy === 'interrupted') io.stderr('interrupted: the report above covers the simulated time before Ctrl-C\n');
    });
}
