/**
 * `chatscale merge part0.jsonl part1.jsonl ... --out all.jsonl`: joins the files of a sharded sweep
 * into exactly the file one unsharded run writes (lines in run order), and prints the summary.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { outputFileProblems } from '../output-path.js';
import type { Command } from 'commander';
import { renderSweepTable } from '../../report/sweep-table.js';
import { mergePoints, type MergeInput } from '../../sweep/merge.js';
import { summarisePoints } from '../../sweep/summary.js';
import { assembleRun } from '../../engine/assemble-run.js';
import { readRunParts, RUN_PARTS_FORMAT } from '../../engine/run-part-json.js';
import { VERSION } from '../../engine/version.js';
import { BadInputError, type InputProblem } from '../errors.js';
import { renderRunOutput } from '../run-output.js';
import { processIo, type CommandIo } from './compare.js';
import { fileProblemsToInput } from './sweep.js';

interface MergeFlags {
  out?: string;
  json?: boolean;
}

type InputKind = 'parts' | 'sweep';

const NEITHER = `not a chatscale file to merge: expected a run's parts file (from run --shard i/n --out) or a sweep's points file (from sweep --out)`;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads one input: its text, or the reason it cannot be read (one line, no stack). */
function readInput(file: string): { text: string } | { reason: string } {
  try {
    if (statSync(file).isDirectory()) return { reason: 'is a directory; expected a file' };
    return { text: readFileSync(file, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { reason: 'no such file' };
    if (code === 'EISDIR') return { reason: 'is a directory; expected a file' };
    if (code === 'EACCES' || code === 'EPERM') return { reason: 'cannot be read (permission denied)' };
    if (code === 'ENOTDIR') return { reason: 'no such file (a part of its path is a file, not a directory)' };
    return { reason: `cannot be read (${code ?? String(error)})` };
  }
}

/**
 * What one file is, judged by that file alone (so one bad file cannot turn a parts merge into a
 * sweep merge): a run's parts file (one JSON object with the parts format), a sweep's points file
 * (JSONL whose first line is a sweep line), or the reason it is neither.
 */
function classify(text: string): { kind: InputKind } | { reason: string } {
  if (text.trim() === '') return { reason: `is empty: ${NEITHER}` };
  let whole: unknown;
  let wholeError: Error | null = null;
  try {
    whole = JSON.parse(text);
  } catch (error) {
    wholeError = error as Error;
  }
  if (wholeError === null) {
    if (isObject(whole) && typeof whole['format'] === 'string' && whole['format'].startsWith('chatscale-run-parts')) {
      if (whole['format'] !== RUN_PARTS_FORMAT) return { reason: `has format ${whole['format']}, this chatscale ${VERSION} reads ${RUN_PARTS_FORMAT}: run every shard with the same version` };
      if (whole['version'] !== VERSION) {
        return { reason: `written by chatscale ${typeof whole['version'] === 'string' ? whole['version'] : JSON.stringify(whole['version'] ?? null)}, this is ${VERSION}: run every shard with the same version` };
      }
      return { kind: 'parts' };
    }
    if (isObject(whole) && typeof whole['sweep'] === 'string') return { kind: 'sweep' };
    return { reason: NEITHER };
  }
  const firstLine = text.split('\n').find((line) => line.trim() !== '') ?? '';
  try {
    const first: unknown = JSON.parse(firstLine);
    if (isObject(first) && typeof first['sweep'] === 'string') return { kind: 'sweep' };
    return { reason: NEITHER };
  } catch {
    return { reason: `not JSON (${wholeError.message.replace(/\s+/g, ' ').slice(0, 120)}): ${NEITHER}` };
  }
}

function listFiles(files: readonly string[]): string {
  return files.length <= 3 ? files.join(', ') : `${files.slice(0, 3).join(', ')} and ${files.length - 3} more`;
}

/**
 * The parts of one run, from run --shard i/n --out: the run's report, as run prints it. `problems`
 * are those already found in the inputs; they are reported with any of --out's, before any work.
 */
function mergeRunParts(inputs: readonly MergeInput[], flags: MergeFlags, io: CommandIo, problems: readonly InputProblem[]): void {
  const all = [...problems];
  if (flags.out !== undefined) all.push({ field: '--out', reason: 'merging a run\'s parts prints its report: leave out --out (use --json for the results contract)' });
  if (all.length > 0) throw new BadInputError(all);
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
      const byKind: Record<InputKind, string[]> = { parts: [], sweep: [] };
      for (const file of files) {
        const read = readInput(file);
        if ('reason' in read) {
          problems.push({ file, reason: read.reason });
          continue;
        }
        const judged = classify(read.text);
        if ('reason' in judged) {
          problems.push({ file, reason: judged.reason });
          continue;
        }
        byKind[judged.kind].push(file);
        inputs.push({ file, text: read.text });
      }
      if (byKind.parts.length > 0 && byKind.sweep.length > 0) {
        problems.push({
          reason: `the files mix run parts files (from run --shard: ${listFiles(byKind.parts)}) and sweep points files (from sweep --out: ${listFiles(byKind.sweep)}): merge the shards of one run, or of one sweep`,
        });
        throw new BadInputError(problems);
      }
      if (byKind.parts.length > 0) return mergeRunParts(inputs, flags, io, problems);
      // No file is a sweep's either: the reasons above are the whole story (--out is not to blame).
      if (byKind.sweep.length === 0) throw new BadInputError(problems.length > 0 ? problems : { reason: 'no files to merge' });
      if (flags.out === undefined) throw new BadInputError([...problems, { field: '--out', reason: 'merging a sweep writes a file: add --out all.jsonl' }]);
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
