/**
 * The JSON form of run parts: what a worker thread posts back, and what `run --shard i/n --out`
 * writes for `chatscale merge` to assemble. A file carries the resolved scenario it ran, so a merge
 * needs nothing else, and checks that every part comes from the same scenario, version and seed.
 */
import { createHash } from 'node:crypto';
import { LatencyHistogram, LatencyHistogramDecodeError, type LatencyHistogramJson } from '../metrics/latency-histogram.js';
import type { ResolvedScenario } from '../scenario/resolved.js';
import type { RunPart } from './run-part.js';
import { VERSION } from './version.js';

/**
 * v2 (session 14): links carry their bandwidth, and count bytes by when a frame leaves the link.
 * A v1 file from an older chatscale is refused by name rather than merged into a wrong report.
 */
export const RUN_PARTS_FORMAT = 'chatscale-run-parts-v2';

export type RunPartJson = Omit<RunPart, 'latency'> & { latency: LatencyHistogramJson };

export interface RunPartsFile {
  format: typeof RUN_PARTS_FORMAT;
  version: string;
  /** sha256 of the resolved scenario's JSON: parts merge only with parts of the same scenario. */
  scenarioSha256: string;
  scenario: ResolvedScenario;
  /** The shard that wrote the file, as i/n. */
  shard: string;
  parts: RunPartJson[];
}

export function partToJson(part: RunPart): RunPartJson {
  return { ...part, latency: part.latency.toJson() };
}

export function partFromJson(json: RunPartJson): RunPart {
  return { ...json, latency: LatencyHistogram.fromJson(json.latency) };
}

export function scenarioSha256(scenario: ResolvedScenario): string {
  return createHash('sha256').update(JSON.stringify(scenario)).digest('hex');
}

export function runPartsFileText(scenario: ResolvedScenario, shard: { index: number; count: number }, parts: readonly RunPart[]): string {
  const file: RunPartsFile = {
    format: RUN_PARTS_FORMAT,
    version: VERSION,
    scenarioSha256: scenarioSha256(scenario),
    scenario,
    shard: `${shard.index}/${shard.count}`,
    parts: parts.map(partToJson),
  };
  return `${JSON.stringify(file)}\n`;
}

export interface PartsInput {
  file: string;
  text: string;
}

export type MergedParts = { ok: true; scenario: ResolvedScenario; parts: RunPart[] } | { ok: false; problems: { file: string; reason: string }[] };

/** Reads parts files and checks that together they hold every part of one run exactly once. */
export function readRunParts(inputs: readonly PartsInput[]): MergedParts {
  const problems: { file: string; reason: string }[] = [];
  let reference: { file: string; sha: string; scenario: ResolvedScenario } | null = null;
  const byIndex = new Map<number, { file: string; part: RunPart }>();
  for (const { file, text } of inputs) {
    let data: RunPartsFile;
    try {
      data = JSON.parse(text) as RunPartsFile;
    } catch (error) {
      problems.push({ file, reason: `not JSON (${(error as Error).message})` });
      continue;
    }
    if (data === null || typeof data !== 'object' || data.format !== RUN_PARTS_FORMAT) {
      problems.push({ file, reason: `expected a file written by chatscale run --shard i/n --out (format ${RUN_PARTS_FORMAT})` });
      continue;
    }
    if (data.version !== VERSION) {
      problems.push({ file, reason: `written by chatscale ${data.version}, this is ${VERSION}: run every shard with the same version` });
      continue;
    }
    if (!Array.isArray(data.parts) || typeof data.scenarioSha256 !== 'string') {
      problems.push({ file, reason: 'has no parts (truncated or edited?)' });
      continue;
    }
    if (reference === null) reference = { file, sha: data.scenarioSha256, scenario: data.scenario };
    else if (data.scenarioSha256 !== reference.sha) {
      problems.push({ file, reason: `ran another scenario (or other --set/--seed) than ${reference.file}: their resolved scenarios differ` });
      continue;
    }
    for (const json of data.parts) {
      const index = json?.part?.index;
      const earlier = byIndex.get(index);
      if (earlier !== undefined) {
        problems.push({ file, reason: `part ${index} is also in ${earlier.file}: give each shard once` });
        continue;
      }
      try {
        byIndex.set(index, { file, part: partFromJson(json) });
      } catch (error) {
        if (!(error instanceof LatencyHistogramDecodeError)) throw error;
        problems.push({ file, reason: `part ${index}: ${error.message}` });
      }
    }
  }
  if (reference === null) return { ok: false, problems };
  const count = reference.scenario.sliceParts;
  const missing: number[] = [];
  for (let index = 0; index < count; index++) if (!byIndex.has(index)) missing.push(index);
  if (missing.length > 0) {
    problems.push({ file: reference.file, reason: `the run has ${count} parts; missing part${missing.length === 1 ? '' : 's'} ${missing.join(', ')}: merge the files of every shard` });
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, scenario: reference.scenario, parts: [...byIndex.values()].map((v) => v.part).sort((a, b) => a.part.index - b.part.index) };
}
