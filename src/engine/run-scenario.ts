/**
 * Runs a resolved scenario in this thread and returns the results contract: its parts
 * (src/engine/run-part.ts; one unless a slice sets sliceParts) one after another, then
 * assembled (src/engine/assemble-run.ts). Pure apart from what is injected: the wall clock and the
 * memory probe (for `meta` only), progress and the stop request (Ctrl-C) come from the caller.
 */
import type { RunResult } from '../metrics/run-result.js';
import type { ResolvedScenario } from '../scenario/resolved.js';
import { assembleRun } from './assemble-run.js';
import { runPart, type PartSelector, type RunOptions, type RunPart } from './run-part.js';

export type { RunOptions, RunProgress } from './run-part.js';

/** The parts of a scenario's run: all of them, or those of one shard (every count-th from index). */
export function partsOf(scenario: ResolvedScenario, shard: { index: number; count: number } | null = null): PartSelector[] {
  const count = scenario.sliceParts;
  const out: PartSelector[] = [];
  for (let index = shard?.index ?? 0; index < count; index += shard?.count ?? 1) out.push({ index, count });
  return out;
}

/** Runs the given parts one after another; progress counts through all of them. */
export function runParts(scenario: ResolvedScenario, parts: readonly PartSelector[], options: RunOptions = {}): RunPart[] {
  const results: RunPart[] = [];
  parts.forEach((part, i) => {
    if (results.some((r) => r.partial)) return; // stopped: the rest are not started
    const onProgress = options.onProgress;
    results.push(
      runPart(scenario, part, {
        ...options,
        onProgress:
          onProgress === undefined
            ? undefined
            : (p) => onProgress({ ...p, simulatedNs: i * p.durationNs + p.simulatedNs, durationNs: parts.length * p.durationNs }),
      }),
    );
  });
  return results;
}

export function runScenario(scenario: ResolvedScenario, options: RunOptions = {}): RunResult {
  const wallClockMs = options.wallClockMs ?? (() => 0);
  const rssBytes = options.rssBytes ?? (() => 0);
  const wallStartMs = wallClockMs();
  const parts = runParts(scenario, partsOf(scenario), options);
  return assembleRun(scenario, parts, { wallSeconds: (wallClockMs() - wallStartMs) / 1000, peakRssBytes: rssBytes() });
}
