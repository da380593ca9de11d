/**
 * `chatscale merge part0.jsonl part1.jsonl ... --out all.jsonl`: joins the files of a sharded sweep
 * into exactly the file one unsharded run writes (lines in run order), and prints the summary.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { outputFileProblems } from '../output-path.js';
import type { Command } from 'commander';
import { renderSweepTable } from '../../report/sweep-table.js';
import { mergePoints, type MergeInput } from '../../sweep/merge.js';
import { summarisePoints } from '../../sweep/summary.js';
import { assembleRun } from '../../engine/assemble-run.js';
import { readRunParts, RUN_PARTS_FORMAT } from '../../engine/run-part-json.js';
import { BadInputError, type InputProblem } from '../errors.js';
import { renderRunOutput } from '../run-output.js';
import { processIo, type CommandIo } from './compare.js';
import { fileProblemsToInput } from './sweep.js';

interface MergeFlags {
  out?: string;
  json?: boolean;
}

/** Whether the files are run parts (JSON from run --shard) rather than sweep shards (JSONL). */
function areRunParts(inputs: readonly MergeInput[]): boolean {
  return inputs.length > 0 && inputs.every((input) => input.text.trimStart().startsWith(`{"format":"${RUN_PARTS_FORMAT}"`));
}

/** The parts of one run, from run --shard i/n --out: the run's report, as run prints it. */
function mergeRunParts(inputs: readonly MergeInput[], flags: MergeFlags, io: CommandIo): void {
  if (flags.out !== undefined) throw new BadInputError({ field: '--out', reason: 'merging a run\'s parts prints its report: leave out --out (use --json for the results contract)' });
  const merged = readRunParts(inputs);
  if (!merged.ok) throw new BadInputError(merged.problems);
  const wallSeconds = merged.parts.reduce((sum, p) => sum + p.wallSeconds, 0);
  const result = assembleRun(merged.scenario, merged.parts, { wallSeconds, peakRssBytes: 0 });
  io.out(renderRunOutput.main(result, { json: flags.json === true }, process.stdout.isTTY === true));
}

export function registerMerge(program: Command, io: CommandIo = processIo): void {
  program
    .command('merge')
    .description('join the shards of a sweep (JSONL) or of a run (run --shard, JSON) into what one unsharded sweep or run gives')
    .argument('<files...>', 'JSONL files written by chatscale sweep, or JSON files written by chatscale run --shard i/n --out')
    .option('--out <file.jsonl>', 'sweeps: the merged file to write (refuses to overwrite an existing file)')
    .option('--json', 'print the summary (sweeps) or the results contract (runs) as one JSON object')
    .action((files: string[], flags: MergeFlags) => {
      const problems: InputProblem[] = [];
      const inputs: MergeInput[] = [];
      for (const file of files) {
        try {
          inputs.push({ file, text: readFileSync(file, 'utf8') });
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          problems.push({ file, reason: code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? String(error)})` });
        }
      }
      if (problems.length === 0 && areRunParts(inputs)) return mergeRunParts(inputs, flags, io);
      if (flags.out === undefined) throw new BadInputError({ field: '--out', reason: 'merging a sweep writes a file: add --out all.jsonl' });
      const out = flags.out;
      if (!out.endsWith('.jsonl')) problems.push({ field: '--out', reason: `expected a file ending in .jsonl, got ${JSON.stringify(out)}` });
      if (files.includes(out)) problems.push({ field: '--out', reason: `${out} is also an input; write the merge to a new file` });
      const outProblems = files.includes(out) ? [] : outputFileProblems(out, '--out');
      if (problems.length > 0) throw new BadInputError([...problems, ...outProblems]);
      const merged = mergePoints(inputs);
      if (!merged.ok) throw new BadInputError([...fileProblemsToInput(merged.problems), ...outProblems]);
      if (outProblems.length > 0) throw new BadInputError(outProblems);
      try {
        writeFileSync(out, merged.text, { flag: 'wx' });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new BadInputError({ field: '--out', reason: `${out} exists; choose another name or remove it (nothing is overwritten)` });
        throw error;
      }
      const summaries = summarisePoints(merged.lines.map((l) => l.line));
      if (flags.json === true) {
        io.out(`${JSON.stringify({ sweep: merged.sweep, runs: merged.runs, files, out, summaries }, null, 2)}\n`);
        return;
      }
      io.out(
        [
          `merge: sweep ${merged.sweep}, ${merged.runs} runs from ${files.length} file${files.length === 1 ? '' : 's'}`,
          '',
          renderSweepTable(summaries).trimEnd(),
          '',
          `${out}: ${merged.runs} runs, in run order`,
        ].join('\n') + '\n',
      );
    });
}
