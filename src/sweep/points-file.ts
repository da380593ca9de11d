/**
 * The sweep's JSONL file: one line per finished run,
 *   {"sweep":"<id>","index":3,"runs":12,"point":{"chatServers.cores":4},"repeat":1,"seed":43,"result":{...}}
 * appended as each run finishes (so a crash loses at most the runs in flight) and, once every run
 * of the file's share is there, rewritten in run-index order (so a finished file has one content).
 *
 * `result` is the results contract without `meta`: meta is wall time and memory measured on the
 * machine that ran the point (DESIGN.md section 5), so it would differ between two machines, two
 * runs or two shards; leaving it out is what makes merged shards byte-identical to one run.
 *
 * `sweep` identifies the sweep (base scenario, grid, repeats, version): resume and merge refuse to
 * mix lines of different sweeps. `runs` lets merge check that every run is there.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { RunResult } from '../metrics/run-result.js';
import { canonicalRunResult } from '../report/json.js';
import type { ResolvedScenario } from '../scenario/resolved.js';
import type { AxisValue, GridRun, SweepGrid } from './grid.js';
import type { ResultInput } from '../engine/compare.js';
import { checkResultShape } from '../engine/compare.js';

export type PointResult = Omit<RunResult, 'meta'>;

export interface PointLine {
  sweep: string;
  index: number;
  runs: number;
  point: Record<string, AxisValue>;
  repeat: number;
  seed: number;
  result: PointResult;
}

/** A line as read back: the parsed record and its exact text (without the newline). */
export interface ReadLine {
  line: PointLine;
  text: string;
  /** 1-based, for messages. */
  lineNumber: number;
}

/**
 * The sweep's identity: a hash of the base scenario as resolved (file paths reduced to their
 * names, so shards on machines with different install folders agree), the axes, the repeat count
 * and the version that simulates.
 */
export function sweepId(base: ResolvedScenario, grid: SweepGrid, version: string): string {
  const scenario = { ...base, costs: { ...base.costs, profilePath: base.costs.profilePath === null ? null : basename(base.costs.profilePath) } };
  const identity = JSON.stringify({ scenario, axes: grid.axes, repeats: grid.repeats, baseSeed: grid.baseSeed, version });
  return createHash('sha256').update(identity).digest('hex').slice(0, 16);
}

/** The line for a finished run, without the newline. Same run, same bytes. */
export function pointLineText(id: string, grid: SweepGrid, run: GridRun, result: RunResult): string {
  const { meta: _meta, ...simulated } = canonicalRunResult(result);
  void _meta;
  const line: PointLine = { sweep: id, index: run.index, runs: grid.runs, point: run.point, repeat: run.repeat, seed: run.seed, result: simulated };
  return JSON.stringify(line);
}

export interface LineProblem {
  lineNumber: number;
  reason: string;
}

/** Checks a parsed line's shape. */
function lineProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const record = value as Record<string, unknown>;
  if (typeof record['sweep'] !== 'string') return 'no "sweep" id: not a line written by chatscale sweep';
  for (const key of ['index', 'runs', 'repeat', 'seed']) {
    const v = record[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) return `"${key}" is not a non-negative integer`;
  }
  if ((record['index'] as number) >= (record['runs'] as number)) return `"index" ${String(record['index'])} is not below "runs" ${String(record['runs'])}`;
  if (typeof record['point'] !== 'object' || record['point'] === null) return '"point" is not an object';
  const shape = checkResultShape(record['result']);
  if (shape !== null) return `"result" is not a chatscale result: ${shape}`;
  return null;
}

export interface ParsedPointsFile {
  lines: ReadLine[];
  problems: LineProblem[];
  /** True when the last line had no newline and did not parse: a write cut short by a crash. */
  truncatedTail: boolean;
}

/** Parses a JSONL file's text; every bad line is a problem except a cut-short last one. */
export function parsePointsText(text: string): ParsedPointsFile {
  const lines: ReadLine[] = [];
  const problems: LineProblem[] = [];
  let truncatedTail = false;
  const rows = text.split('\n');
  const endsWithNewline = text.endsWith('\n');
  rows.forEach((row, i) => {
    const isLast = i === rows.length - 1;
    if (row.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(row);
    } catch (error) {
      if (isLast && !endsWithNewline) {
        truncatedTail = true;
        return;
      }
      problems.push({ lineNumber: i + 1, reason: `not JSON (${(error as Error).message.replace(/\s+/g, ' ').slice(0, 120)})` });
      return;
    }
    const problem = lineProblem(value);
    if (problem !== null) problems.push({ lineNumber: i + 1, reason: problem });
    else lines.push({ line: value as PointLine, text: row, lineNumber: i + 1 });
  });
  return { lines, problems, truncatedTail };
}

export interface Deduplicated {
  /** One line per run index, ascending. */
  lines: ReadLine[];
  /** Two lines for the same run that differ: a mix of versions, or a bug (results must repeat). */
  conflicts: { index: number; first: ReadLine; second: ReadLine }[];
}

/** Sorts by run index and keeps one line per index; identical duplicates are harmless. */
export function deduplicate(lines: readonly ReadLine[]): Deduplicated {
  const byIndex = new Map<number, ReadLine>();
  const conflicts: Deduplicated['conflicts'] = [];
  for (const line of lines) {
    const seen = byIndex.get(line.line.index);
    if (seen === undefined) byIndex.set(line.line.index, line);
    else if (seen.text !== line.text) conflicts.push({ index: line.line.index, first: seen, second: line });
  }
  return { lines: [...byIndex.values()].sort((a, b) => a.line.index - b.line.index), conflicts };
}

/** A finished file's text: the lines in run-index order, each ending in a newline. */
export function sortedPointsText(lines: readonly ReadLine[]): string {
  return lines.map((line) => `${line.text}\n`).join('');
}

/** The result of a line, as compare and the SLO evaluator read results. */
export function lineResult(line: PointLine): ResultInput {
  return line.result as ResultInput;
}
