/**
 * Running a sweep's share of the grid: skip the runs already in the points file (resume), run the
 * rest on the pool with `jobs` in flight, append each line as its run finishes, and when the
 * share is complete rewrite the file in run-index order.
 */
import type { ResolvedScenario } from '../scenario/resolved.js';
import { gridRun, shardRunIndices, type GridRun, type Shard, type SweepGrid } from './grid.js';
import { deduplicate, parsePointsText, pointLineText, sortedPointsText, type ReadLine } from './points-file.js';
import type { PointsStore } from './points-store.js';
import type { RunPool } from './pool.js';

export interface SweepSpec {
  grid: SweepGrid;
  /** sweepId(...) of the grid and base scenario. */
  id: string;
  shard: Shard | null;
  /** The scenario of one run: the base with the point's overrides and the run's seed. */
  scenarioFor(run: GridRun): ResolvedScenario;
}

export interface SweepHooks {
  /** After each finished run's line is written. */
  onRunDone?(done: number, todo: number, run: GridRun): void;
  /** Polled before each run starts; true stops dispatching (runs in flight still finish). */
  shouldStop?(): boolean;
}

export interface FileProblem {
  file: string;
  line?: number;
  reason: string;
}

export interface SweepOutcome {
  /** Runs of this share (all runs without a shard). */
  shareRuns: number;
  /** Already in the file when the sweep started. */
  skipped: number;
  /** Run now. */
  ran: number;
  /** Every line of this share now in the file, in run-index order. */
  lines: ReadLine[];
  /** Every run of the share is in the file (and the file was rewritten in order). */
  complete: boolean;
  stopped: boolean;
}

export type ExistingLines = { ok: true; lines: ReadLine[]; truncatedTail: boolean } | { ok: false; problems: FileProblem[] };

/** Reads the lines already in the store and checks they belong to this sweep. */
export function readExisting(store: PointsStore, id: string, runs: number): ExistingLines {
  const text = store.read();
  if (text === null || text === '') return { ok: true, lines: [], truncatedTail: false };
  const parsed = parsePointsText(text);
  const problems: FileProblem[] = parsed.problems.map((p) => ({ file: store.name, line: p.lineNumber, reason: p.reason }));
  for (const { line, lineNumber } of parsed.lines) {
    if (line.sweep !== id || line.runs !== runs) {
      problems.push({
        file: store.name,
        line: lineNumber,
        reason: `written by another sweep (id ${line.sweep}, ${line.runs} runs; this one is ${id}, ${runs} runs): the scenario, --set, --vary, --repeat, --seed or version differ; choose another --out`,
      });
      break;
    }
  }
  const { lines, conflicts } = deduplicate(parsed.lines);
  for (const c of conflicts) problems.push({ file: store.name, line: c.second.lineNumber, reason: `run ${c.index} appears twice with different results (lines ${c.first.lineNumber} and ${c.second.lineNumber})` });
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, lines, truncatedTail: parsed.truncatedTail };
}

export async function runSweep(spec: SweepSpec, pool: RunPool, store: PointsStore, hooks: SweepHooks = {}): Promise<SweepOutcome | { ok: false; problems: FileProblem[] }> {
  const existing = readExisting(store, spec.id, spec.grid.runs);
  if (!existing.ok) return existing;
  // A line cut short by a crash is dropped before appending after it.
  if (existing.truncatedTail) store.replace(sortedPointsText(existing.lines));

  const share = shardRunIndices(spec.grid.runs, spec.shard);
  const done = new Map<number, ReadLine>(existing.lines.map((l) => [l.line.index, l]));
  const skipped = share.filter((index) => done.has(index)).length;
  const todo = share.filter((index) => !done.has(index));

  let next = 0;
  let ran = 0;
  let stopped = false;
  let failure: unknown = null;
  const lane = async (): Promise<void> => {
    while (next < todo.length && failure === null) {
      if (hooks.shouldStop?.() === true) {
        stopped = true;
        return;
      }
      const run = gridRun(spec.grid, todo[next++]!);
      let text: string;
      try {
        const result = await pool.run(spec.scenarioFor(run));
        text = pointLineText(spec.id, spec.grid, run, result);
      } catch (error) {
        if (failure === null && hooks.shouldStop?.() !== true) failure = error;
        else stopped = true;
        return;
      }
      store.append(`${text}\n`);
      done.set(run.index, { line: JSON.parse(text) as ReadLine['line'], text, lineNumber: 0 });
      ran += 1;
      hooks.onRunDone?.(ran, todo.length, run);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(pool.jobs, todo.length)) }, lane));
  if (failure !== null) throw failure;

  const all = [...done.values()].sort((a, b) => a.line.index - b.line.index);
  const complete = share.every((index) => done.has(index));
  // The finished file has one content whatever order the runs finished in.
  if (complete) {
    const sorted = sortedPointsText(all);
    if (store.read() !== sorted) store.replace(sorted);
  }
  const shareSet = new Set(share);
  return { shareRuns: share.length, skipped, ran, lines: all.filter((l) => shareSet.has(l.line.index)), complete, stopped };
}
