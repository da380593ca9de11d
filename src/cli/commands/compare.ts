/**
 * `chatscale compare baseline.json result.json [--tolerance 2%] [--any-change] [--update] [--json]`:
 * the CI regression gate. Prints a Markdown table of every figure with its delta and exits 1 when a
 * throughput figure fell, or a latency, utilisation or loss figure rose, beyond the tolerance.
 * `--update` rewrites the baseline with the result on purpose and lists what changed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { compareResults, parseResultText, parseTolerance, type Comparison, type ResultInput } from '../../engine/compare.js';
import { compareVerdictLine, renderCompareMarkdown, renderUpdateSummary } from '../../report/compare-table.js';
import { BadInputError, GateFailedError, type InputProblem } from '../errors.js';

/** Where the planning commands write; tests pass a capturing writer. */
export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
  /** Progress bars only on a terminal. */
  errIsTty: boolean;
}

export const processIo: CommandIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  get errIsTty() {
    return process.stderr.isTTY === true;
  },
};

interface CompareFlags {
  tolerance: string;
  anyChange?: boolean;
  update?: boolean;
  changedOnly?: boolean;
  json?: boolean;
}

/** Reads a result file; a problem (one line) when it is missing, not JSON or not a result. */
export function readResultFile(file: string): { result: ResultInput; text: string } | InputProblem {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, expected a result JSON file' : `cannot be read (${code ?? String(error)})`;
    return { file, reason };
  }
  const parsed = parseResultText(text);
  if (!parsed.ok) return { file, reason: parsed.reason };
  return { result: parsed.result, text };
}

export function comparisonJson(comparison: Comparison, files: { baseline: string; result: string }, updated: boolean): string {
  // Infinity (a figure that was 0 in the baseline) has no JSON form: it becomes null there.
  const figures = comparison.figures.map((f) => ({ ...f, deltaPercent: f.deltaPercent !== null && Number.isFinite(f.deltaPercent) ? Number(f.deltaPercent.toPrecision(6)) : null }));
  const body = {
    baseline: files.baseline,
    result: files.result,
    toleranceFraction: comparison.toleranceFraction,
    anyChange: comparison.anyChange,
    pass: comparison.pass,
    updated,
    failures: comparison.failures.map((f) => f.key),
    notes: comparison.notes,
    figures,
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

export function registerCompare(program: Command, io: CommandIo = processIo): void {
  program
    .command('compare')
    .description('CI regression gate: every figure of two results with deltas; exit 1 when throughput fell or latency/utilisation/loss rose beyond the tolerance')
    .argument('<baseline>', 'baseline result (JSON from chatscale run --json)')
    .argument('<result>', 'new result to check against the baseline')
    .option('--tolerance <percent>', 'relative change allowed before a figure fails, e.g. 2% or 0%', '2%')
    .option('--any-change', 'fail on a move beyond tolerance in either direction (an improvement too), for exact gates')
    .option('--update', 'rewrite the baseline file with the result (on purpose) and print what changed; exits 0')
    .option('--changed-only', 'list only the figures that differ (the verdict still covers every figure)')
    .option('--json', 'print the comparison as one JSON object')
    .action((baselineFile: string, resultFile: string, flags: CompareFlags) => {
      const problems: InputProblem[] = [];
      const tolerance = parseTolerance(flags.tolerance);
      if ('reason' in tolerance) problems.push({ field: '--tolerance', reason: tolerance.reason });
      const baseline = readResultFile(baselineFile);
      const result = readResultFile(resultFile);
      if ('reason' in baseline) problems.push(baseline);
      if ('reason' in result) problems.push(result);
      if (problems.length > 0 || 'reason' in tolerance || 'reason' in baseline || 'reason' in result) throw new BadInputError(problems);

      const comparison = compareResults(baseline.result, result.result, { toleranceFraction: tolerance.fraction, anyChange: flags.anyChange === true });
      const files = { baseline: baselineFile, result: resultFile };
      if (flags.update === true) {
        if (baseline.text !== result.text) writeFileSync(baselineFile, result.text);
        if (flags.json === true) io.out(comparisonJson(comparison, files, true));
        else io.out(renderUpdateSummary(comparison, baselineFile));
        return;
      }
      io.out(flags.json === true ? comparisonJson(comparison, files, false) : renderCompareMarkdown(comparison, files, { changedOnly: flags.changedOnly === true }));
      if (!comparison.pass) {
        throw new GateFailedError(`${compareVerdictLine(comparison)}\nIf the change is intended, accept it with: chatscale compare ${baselineFile} ${resultFile} --update`);
      }
    });
}
