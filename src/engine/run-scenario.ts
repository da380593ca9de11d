/**
 * Runs a resolved scenario in this thread and returns the results contract: its parts
 * (src/engine/run-part.ts; one unless a slice sets sliceParts) one after another, then
 * assembled (src/engine/assemble-run.ts). Pure apart from what is injected: the wall clock and the
 * memory probe (for `meta` only), progress and the stop request (Ctrl-C) come from the caller.
 */
import type { RunResult } from '../metrics/run-result.js';
import type { ResolvedScenario } from '../scenario/resolved.js';
import { assembleRun } from './assemble-run.js';
import { runPart, runPartAsync, type PartSelector, type RunOptions, type RunPart } from './run-part.js';

export type { RunOptions, RunProgress } from './run-part.js';

/** The parts of a scenario's run: all of them, or those of one shard (every count-th from index). */
export function partsOf(scenario: ResolvedScenario, shard: { index: number; count: number } | null = null): PartSelector[] {
  const count = scenario.sliceParts;
  const out: PartSelector[] = [];
  for (let index = shard?.index ?? 0; index < count; index += shard?.count ?? 1) out.push({ index, count });
  return out;
}

/** Progress through `count` parts run one after another: part i's time comes after i whole runs. */
function partProgress(options: RunOptions, i: number, count: number): RunOptions['onProgress'] {
  const onProgress = options.onProgress;
  if (onProgress === undefined) return undefined;
  return (p) => onProgress({ ...p, simulatedNs: i * p.durationNs + p.simulatedNs, durationNs: count * p.durationNs });
}

/** Runs the given parts one after another; a part stopped early ends the run. */
export function runParts(scenario: ResolvedScenario, parts: readonly PartSelector[], options: RunOptions = {}): RunPart[] {
  const results: RunPart[] = [];
  for (let i = 0; i < parts.length && !results.some((r) => r.partial); i++) {
    results.push(runPart(scenario, parts[i]!, { ...options, onProgress: partProgress(options, i, parts.length) }));
  }
  return results;
}

/** runParts, letting the event loop turn between slices of events (so Ctrl-C is seen). */
export async function runPartsAsync(scenario: ResolvedScenario, parts: readonly PartSelector[], options: RunOptions = {}): Promise<RunPart[]> {
  const results: RunPart[] = [];
  for (let i = 0; i < parts.length && !results.some((r) => r.partial); i++) {
    results.push(await runPartAsync(scenario, parts[i]!, { ...options, onProgress: partProgress(options, i, parts.length) }));
  }
  return results;
}

export function runScenario(scenario: ResolvedScenario, options: RunOptions = {}): RunResult {
  const wallClockMs = options.wallClockMs ?? (() => 0);
  const rssBytes = options.rssBytes ?? (() => 0);
  const wallStartMs = wallClockMs();
  const parts = runParts(scenario, partsOf(scenario), options);
  return assembleRun(scenario, parts, { wallSeconds: (wallClockMs() - wallStartMs) / 1000, peakRssBytes: rssBytes() });
}
