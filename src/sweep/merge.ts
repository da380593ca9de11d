/**
 * `chatscale merge`: the lines of several shard files (or partial files) of one sweep, in run-index
 * order, one line per run: exactly the file one unsharded run of the sweep writes. Refuses lines
 * of different sweeps, two different results for one run, and a merge with runs missing.
 */
import { deduplicate, parsePointsText, sortedPointsText, type ReadLine } from './points-file.js';
import type { FileProblem } from './sweep.js';

export interface MergeInput {
  file: string;
  text: string;
}

export type MergeOutcome = { ok: true; text: string; lines: ReadLine[]; sweep: string; runs: number } | { ok: false; problems: FileProblem[] };

/** Missing run indices as `3, 7, 11` (the first `shown`, then how many more). */
function listIndices(indices: number[], shown = 10): string {
  const head = indices.slice(0, shown).join(', ');
  return indices.length > shown ? `${head} and ${indices.length - shown} more` : head;
}

export function mergePoints(inputs: readonly MergeInput[]): MergeOutcome {
  const problems: FileProblem[] = [];
  const all: (ReadLine & { file: string })[] = [];
  for (const input of inputs) {
    const parsed = parsePointsText(input.text);
    for (const p of parsed.problems) problems.push({ file: input.file, line: p.lineNumber, reason: p.reason });
    if (parsed.truncatedTail) problems.push({ file: input.file, reason: 'the last line is cut short (a sweep stopped while writing): rerun that sweep with the same --out to finish it' });
    for (const line of parsed.lines) all.push({ ...line, file: input.file });
    if (parsed.lines.length === 0 && parsed.problems.length === 0 && !parsed.truncatedTail) problems.push({ file: input.file, reason: 'no sweep lines in this file' });
  }
  if (problems.length > 0) return { ok: false, problems };
  const first = all[0];
  if (first === undefined) return { ok: false, problems: [{ file: inputs[0]?.file ?? '(none)', reason: 'nothing to merge' }] };
  for (const line of all) {
    if (line.line.sweep !== first.line.sweep || line.line.runs !== first.line.runs) {
      problems.push({
        file: line.file,
        line: line.lineNumber,
        reason: `belongs to sweep ${line.line.sweep} (${line.line.runs} runs), but ${first.file} belongs to sweep ${first.line.sweep} (${first.line.runs} runs): merge only the shards of one sweep`,
      });
      return { ok: false, problems };
    }
  }
  const { lines, conflicts } = deduplicate(all);
  for (const c of conflicts) {
    const a = c.first as ReadLine & { file: string };
    const b = c.second as ReadLine & { file: string };
    problems.push({ file: b.file, line: b.lineNumber, reason: `run ${c.index} differs from ${a.file}:${a.lineNumber}: the same run gave two results (different chatscale versions?)` });
  }
  const runs = first.line.runs;
  const present = new Set(lines.map((l) => l.line.index));
  const missing: number[] = [];
  for (let index = 0; index < runs; index++) if (!present.has(index)) missing.push(index);
  if (missing.length > 0) {
    problems.push({ file: inputs.map((i) => i.file).join(', '), reason: `${missing.length} of ${runs} runs are missing (run indices ${listIndices(missing)}): is a shard's file left out, or unfinished?` });
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, text: sortedPointsText(lines), lines, sweep: first.line.sweep, runs };
}
