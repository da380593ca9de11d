import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/metrics/run-result.js';
import type { ResolvedScenario } from '../../src/scenario/resolved.js';
import { loadScenario, resolveScenarioArgument } from '../../src/scenario/index.js';
import { buildGrid, parseVary, type Axis, type SweepGrid } from '../../src/sweep/grid.js';
import { mergePoints } from '../../src/sweep/merge.js';
import { parsePointsText, sweepId } from '../../src/sweep/points-file.js';
import { memoryPointsStore } from '../../src/sweep/points-store.js';
import type { RunPool } from '../../src/sweep/pool.js';
import { summarisePoints } from '../../src/sweep/summary.js';
import { runSweep, type SweepOutcome, type SweepSpec } from '../../src/sweep/sweep.js';
import { sampleRunResult } from '../fixtures/run-result.js';

const loaded = loadScenario(resolveScenarioArgument('reference-chat'), []);
if (!loaded.ok) throw new Error('reference-chat does not load');
const BASE = loaded.scenario;

function grid(axes: string[], repeats: number): SweepGrid {
  const parsed = axes.map((text) => parseVary(text) as Axis);
  const built = buildGrid(parsed, repeats, BASE.seed);
  if ('reason' in built) throw new Error(built.reason);
  return built;
}

/** The grid's point fields live in `cores` and `scale` of the scenario, so the stand-in result can show them. */
function spec(g: SweepGrid, shard: SweepSpec['shard'] = null): SweepSpec {
  return {
    grid: g,
    id: sweepId(BASE, g, '0.1.0'),
    shard,
    scenarioFor: (run) => {
      const cores = Number(run.point['cores'] ?? 8);
      const scale = Number(run.point['scale'] ?? 1);
      const regions = BASE.regions.map((r) => ({ ...r, chatServers: { ...r.chatServers, cores } }));
      return { ...BASE, regions, costs: { ...BASE.costs, scale }, seed: run.seed };
    },
  };
}

/**
 * A stand-in pool: the result's p99 and CPU are functions of cores, scale and seed; runs finish
 * in reverse order of submission within each batch of `jobs`, so completion order != run order.
 */
let measuredCalls = 0;

function fakePool(jobs: number): RunPool & { started: number[] } {
  const started: number[] = [];
  let inFlight = 0;
  return {
    mode: 'threads',
    jobs,
    started,
    run(scenario: ResolvedScenario): Promise<RunResult> {
      const cores = scenario.regions[0]!.chatServers.cores;
      started.push(cores * 1000 + scenario.seed);
      const delayMs = (jobs - inFlight++) * 3;
      return new Promise((resolve) =>
        setTimeout(() => {
          inFlight--;
          const r = structuredClone(sampleRunResult());
          r.seed = scenario.seed;
          r.latency.endToEnd.p99Ms = 60 + (10 * scenario.costs.scale) / cores + scenario.seed / 1000;
          r.servers = r.servers.map((s) => ({ ...s, cpuUtilisation: (0.5 * scenario.costs.scale * 8) / cores }));
          r.meta.wallSeconds = ++measuredCalls; // measured, differs per call: must not reach the file
          resolve(r);
        }, delayMs),
      );
    },
    async close() {},
  };
}

async function sweepTo(store: ReturnType<typeof memoryPointsStore>, s: SweepSpec, jobs: number, stopAfter = Infinity): Promise<SweepOutcome> {
  let done = 0;
  const outcome = await runSweep(s, fakePool(jobs), store, { onRunDone: () => void done++, shouldStop: () => done >= stopAfter });
  if ('ok' in outcome) throw new Error(JSON.stringify(outcome.problems));
  return outcome;
}

describe('runSweep', () => {
  const g = grid(['cores=4..6', 'scale=1,2'], 2); // 6 points x 2 repeats = 12 runs

  it('writes one line per run, in run order once complete, without meta', async () => {
    const store = memoryPointsStore();
    const outcome = await sweepTo(store, spec(g), 3);
    expect([outcome.ran, outcome.skipped, outcome.complete]).toEqual([12, 0, true]);
    const lines = parsePointsText(store.text!).lines.map((l) => l.line);
    expect(lines.map((l) => l.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(lines[3]).toMatchObject({ index: 3, runs: 12, point: { cores: 4, scale: 2 }, repeat: 1, seed: 2 });
    expect('meta' in lines[0]!.result).toBe(false);
    expect(store.text!.endsWith('\n')).toBe(true);
    const summary = summarisePoints(lines);
    expect(summary.map((s) => [s.point, s.runs, s.seeds])).toEqual([
      [{ cores: 4, scale: 1 }, 2, [1, 2]],
      [{ cores: 4, scale: 2 }, 2, [1, 2]],
      [{ cores: 5, scale: 1 }, 2, [1, 2]],
      [{ cores: 5, scale: 2 }, 2, [1, 2]],
      [{ cores: 6, scale: 1 }, 2, [1, 2]],
      [{ cores: 6, scale: 2 }, 2, [1, 2]],
    ]);
    expect(summary[1]!.cpuUtilisationMax).toBe(2); // 0.5 x 2 x 8 / 4
    expect(summary[0]!.p99MsMin).toBe(62.501);
    expect(summary[0]!.p99MsMax).toBe(62.502);
  });

  it('gives the same bytes whatever the number of jobs', async () => {
    const one = memoryPointsStore();
    const four = memoryPointsStore();
    await sweepTo(one, spec(g), 1);
    await sweepTo(four, spec(g), 4);
    expect(four.text).toBe(one.text);
  });

  it('resumes: a stopped sweep reruns only the missing runs and ends with the same bytes', async () => {
    const reference = memoryPointsStore();
    await sweepTo(reference, spec(g), 2);
    const store = memoryPointsStore();
    const first = await sweepTo(store, spec(g), 2, 5);
    expect(first.complete).toBe(false);
    expect(first.stopped).toBe(true);
    const finished = parsePointsText(store.text!).lines.length;
    expect(finished).toBeGreaterThanOrEqual(5);
    // A crash in the middle of a write leaves a cut-short last line: it is dropped and rerun.
    store.text += '{"sweep":"abc","ind';
    const second = await sweepTo(store, spec(g), 2);
    expect([second.skipped, second.ran, second.complete]).toEqual([finished, 12 - finished, true]);
    expect(store.text).toBe(reference.text);
  });

  it('refuses a file written by another sweep, and corrupt lines, with line numbers', async () => {
    const other = memoryPointsStore('other.jsonl');
    await sweepTo(other, spec(grid(['cores=4..5'], 1)), 1);
    const outcome = await runSweep(spec(g), fakePool(1), other);
    expect('ok' in outcome && outcome.problems).toEqual([
      { file: 'other.jsonl', line: 1, reason: expect.stringMatching(/^written by another sweep \(id [0-9a-f]{16}, 2 runs; this one is [0-9a-f]{16}, 12 runs\)/) },
    ]);
    const corrupt = memoryPointsStore('corrupt.jsonl', 'not json\n{"a":1}\n');
    const bad = await runSweep(spec(g), fakePool(1), corrupt);
    expect('ok' in bad && bad.problems.map((p) => [p.line, p.reason.slice(0, 20)])).toEqual([
      [1, 'not JSON (Unexpected'],
      [2, 'no "sweep" id: not a'],
    ]);
  });
});

describe('mergePoints', () => {
  const g = grid(['cores=4..6', 'scale=1,2'], 2);

  it('joins shards into exactly the bytes of one unsharded sweep', async () => {
    const single = memoryPointsStore();
    await sweepTo(single, spec(g), 2);
    const shards = [0, 1, 2].map(() => memoryPointsStore());
    for (const [i, store] of shards.entries()) {
      const outcome = await sweepTo(store, spec(g, { index: i, count: 3 }), 2);
      expect(outcome.lines.map((l) => l.line.index)).toEqual([i, i + 3, i + 6, i + 9]);
    }
    // Order of files and duplicated identical lines do not matter.
    const merged = mergePoints([
      { file: 's2.jsonl', text: shards[2]!.text! },
      { file: 's0.jsonl', text: shards[0]!.text! },
      { file: 's1.jsonl', text: shards[1]!.text! },
      { file: 'again.jsonl', text: shards[1]!.text! },
    ]);
    expect(merged.ok).toBe(true);
    if (merged.ok) expect(merged.text).toBe(single.text);
  });

  it('refuses missing runs, mixed sweeps and two results for one run', async () => {
    const shards = [0, 1].map(() => memoryPointsStore());
    for (const [i, store] of shards.entries()) await sweepTo(store, spec(g, { index: i, count: 3 }), 1);
    const missing = mergePoints([
      { file: 'a.jsonl', text: shards[0]!.text! },
      { file: 'b.jsonl', text: shards[1]!.text! },
    ]);
    expect(!missing.ok && missing.problems).toEqual([{ file: 'a.jsonl, b.jsonl', reason: '4 of 12 runs are missing (run indices 2, 5, 8, 11): is a shard\'s file left out, or unfinished?' }]);

    const other = memoryPointsStore();
    await sweepTo(other, spec(grid(['cores=4..5'], 1)), 1);
    const mixed = mergePoints([
      { file: 'a.jsonl', text: shards[0]!.text! },
      { file: 'o.jsonl', text: other.text! },
    ]);
    expect(!mixed.ok && mixed.problems[0]!.reason).toMatch(/^belongs to sweep [0-9a-f]{16} \(2 runs\), but a.jsonl belongs to sweep [0-9a-f]{16} \(12 runs\)/);

    const firstLine = shards[0]!.text!.split('\n')[0]!;
    const tampered = firstLine.replace('"seed":1,', '"seed":1, ');
    const conflict = mergePoints([
      { file: 'a.jsonl', text: shards[0]!.text! },
      { file: 't.jsonl', text: `${tampered}\n` },
    ]);
    expect(!conflict.ok && conflict.problems[0]).toEqual({ file: 't.jsonl', line: 1, reason: 'run 0 differs from a.jsonl:1: the same run gave two results (different chatscale versions?)' });
  });
});
