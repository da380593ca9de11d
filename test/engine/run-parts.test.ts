/**
 * A slice in independent parts (sliceParts, issue 6): the parts split the slice's servers, and one
 * machine, worker threads and shards merged from files give the same results, byte for byte apart
 * from `meta`. The parts together also derive the deployment's figures as one slice does.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerMerge } from '../../src/cli/commands/merge.js';
import { assembleRun } from '../../src/engine/assemble-run.js';
import { runPartsOnThreads } from '../../src/engine/part-threads.js';
import { partStreams, runPart } from '../../src/engine/run-part.js';
import { RandomStreams } from '../../src/sim/random.js';
import { partFromJson, partToJson, readRunParts, runPartsFileText } from '../../src/engine/run-part-json.js';
import { renderRunJson } from '../../src/report/json.js';
import { partsOf, runPartsAsync, runScenario } from '../../src/engine/run-scenario.js';
import type { RunResult } from '../../src/metrics/run-result.js';
import { onlineFractionAtNs } from '../../src/model/online-fraction.js';
import { renderRunText } from '../../src/report/terminal.js';
import { partOfSliceServers, simulatedServers } from '../../src/model/outside-world.js';
import { loadScenario } from '../../src/scenario/index.js';
import { runCommand } from '../helpers/run-cli.js';
import { runCli } from '../planning/cli-harness.js';

const TWO_REGIONS = `name: parts
seed: 5
duration: 1100ms
warmup: 100ms
fidelity: slice
sliceServers: 6
sliceParts: 3
regions:
  a: { timezone: UTC, users: 60000, chatServers: { count: 6 } }
  b: { timezone: UTC, users: 30000, chatServers: { count: 3 } }
links:
  a-b: { latency: 20ms }
chatServers: { cores: 8 }
workload:
  online: { share: 50% }
  messagesPerSecond: 9000/s
  recipients: { sameRegion: 50% }
  groups: { share: 10%, size: { min: 3, max: 20 } }
`;

function load(overrides: string[] = []) {
  const loaded = loadScenario({ text: TWO_REGIONS, fileName: 'parts.yaml' }, overrides);
  if (!loaded.ok) throw new Error(loaded.problems.map((p) => `${p.field}: ${p.reason}`).join('\n'));
  return loaded.scenario;
}

const withoutMeta = (result: RunResult) => JSON.stringify({ ...result, meta: undefined });
const relative = (a: number, b: number) => Math.abs(a - b) / b;

describe('a slice in parts', () => {
  const scenario = load();
  const whole = runScenario(scenario);

  it("gives each part streams of its own, so parts' fluctuations do not coincide; one part keeps the root's", () => {
    const draws = (streams: RandomStreams) => Array.from({ length: 64 }, () => streams.stream('workload-senders-inside').nextUint32());
    const root = draws(new RandomStreams(7));
    expect(draws(partStreams(7, { index: 0, count: 1 }))).toEqual(root);
    const part0 = draws(partStreams(7, { index: 0, count: 2 }));
    const part1 = draws(partStreams(7, { index: 1, count: 2 }));
    expect(draws(partStreams(7, { index: 1, count: 2 }))).toEqual(part1);
    for (const [x, y] of [[root, part0], [root, part1], [part0, part1]] as const) expect(x.filter((v, i) => v === y[i]).length).toBeLessThanOrEqual(1);
  });

  it('splits the slice servers among the parts, balanced (here all alike, so in server order)', () => {
    const parts = partsOf(scenario).map((part) => runPart(scenario, part));
    const servers = parts.map((p) => p.servers.map((s) => s.index));
    expect(servers.flat().sort((a, b) => a - b)).toEqual(whole.servers.filter((s) => s.role === 'chat').map((s) => Number(s.id.slice(5))));
    expect(new Set(servers.flat()).size).toBe(6);
    expect(servers.map((s) => s.length)).toEqual([2, 2, 2]);
    // Stratified: region a has 6 of the 9 servers, so 4 of the 6 simulated; every server has
    // 10,000 users half online, so the balanced deal goes in server order.
    expect(parts.map((p) => p.simulatedByRegion)).toEqual([[2, 0], [1, 1], [1, 1]]);
    expect(whole.slice?.simulatedServers).toBe(6);
    expect(whole.messages.sent).toBeGreaterThan(0);
    expect(whole.messages.sent).toBe(parts.reduce((sum, p) => sum + p.counters.sent, 0));
  });

  it("deals servers of unequal load so that the parts' loads are close: global-2025's two parts", () => {
    const global = loadScenario('scenarios/global-2025.yaml');
    if (!global.ok) throw new Error('global-2025 does not load');
    const g = global.scenario;
    const slice = simulatedServers(g);
    const partOf = partOfSliceServers(g, slice, 2);
    const loads = [0, 0];
    const regionOf = (server: number) => g.regions.find((r) => server >= r.chatServers.serverIndexFirst && server < r.chatServers.serverIndexFirst + r.chatServers.count)!;
    slice.forEach((inSlice, server) => {
      if (inSlice !== 1) return expect(partOf[server]).toBe(-1);
      const region = regionOf(server);
      loads[partOf[server]!]! += (region.users / region.chatServers.count) * onlineFractionAtNs(g, region, g.durationNs / 2);
    });
    // 8 servers, 4 a part; the local times at 15:00 UTC make the regions' online shares differ by up
    // to 1.7x. Dealt round-robin in server order, the parts were 10.7% apart; balanced, 5.1%.
    expect(Array.from(partOf).filter((p) => p >= 0).sort()).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    expect(Math.max(...loads) / Math.min(...loads)).toBeLessThan(1.06);
    // Each part's servers, as simulatedServers gives them, are the ones dealt to it.
    for (const part of [0, 1]) {
      const mine = simulatedServers(g, { index: part, count: 2 });
      mine.forEach((v, server) => expect(v === 1).toBe(partOf[server] === part));
    }
  });

  it('names the regions a partial set of parts did not simulate, and prints them beside the derived figures', () => {
    expect(whole.slice?.regionsNotSimulated).toEqual([]);
    // Part 0 holds two servers of region a and none of b (as a run cut short after its first part).
    const first = assembleRun(scenario, [runPart(scenario, partsOf(scenario)[0]!)], { wallSeconds: 1, peakRssBytes: 0 });
    expect(first.slice?.simulatedServers).toBe(2);
    expect(first.slice?.regionsNotSimulated).toEqual(['b']);
    const text = renderRunText(first, { color: false });
    expect(text).toContain("no server simulated in b: its load is assumed equal, per server, to the simulated regions'");
    expect(renderRunText(whole, { color: false })).not.toContain('no server simulated');
  });

  it('gives the same bytes whatever order the parts ran in and through their JSON form', () => {
    const parts = partsOf(scenario).reverse().map((part) => runPart(scenario, part));
    const viaJson = parts.map((p) => partFromJson(JSON.parse(JSON.stringify(partToJson(p)))));
    expect(withoutMeta(assembleRun(scenario, parts, { wallSeconds: 1, peakRssBytes: 0 }))).toBe(withoutMeta(whole));
    expect(withoutMeta(assembleRun(scenario, viaJson, { wallSeconds: 1, peakRssBytes: 0 }))).toBe(withoutMeta(whole));
  });

  it("reports each part's own wall, setup and events in meta.parts, in part order, merged or not; none for one part", () => {
    // A clock that moves 250 ms at each reading: a part reads it at its start, after its setup and
    // at its end, so its setup takes 0.25 s and the whole part 0.5 s.
    let clockMs = 0;
    const options = { wallClockMs: () => (clockMs += 250) };
    const parts = partsOf(scenario).reverse().map((part) => runPart(scenario, part, options));
    const viaJson = parts.map((p) => partFromJson(JSON.parse(JSON.stringify(partToJson(p)))));
    const result = assembleRun(scenario, parts, { wallSeconds: 9, peakRssBytes: 0 });
    const expected = [...parts].reverse().map((p, index) => ({ index, wallSeconds: 0.5, setupWallSeconds: 0.25, events: p.events, partial: false }));
    expect(result.meta.parts).toEqual(expected);
    expect(assembleRun(scenario, viaJson, { wallSeconds: 9, peakRssBytes: 0 }).meta.parts).toEqual(expected);
    expect(expected.reduce((sum, t) => sum + t.events, 0)).toBe(result.meta.events);
    expect(result.meta.setupWallSeconds).toBe(0.25);
    expect(renderRunText(result, { color: false })).toMatch(/^Parts: 3 parts, 500ms wall each, setup 250ms$/m);
    expect(renderRunJson(result)).toContain('"parts": [\n      {\n        "index": 0,\n        "wallSeconds": 0.5,\n        "setupWallSeconds": 0.25,\n');
    const onePart = runScenario(load(['sliceParts=1']));
    expect(onePart.meta.parts).toBeUndefined();
    expect(renderRunText(onePart, { color: false })).not.toMatch(/^Parts:/m);
  });

  it('names the quickest and the slowest part, and a part cut short, in the Parts line', () => {
    const clock = (stepMs: number) => {
      let clockMs = 0;
      return () => (clockMs += stepMs);
    };
    const [first, second] = partsOf(scenario);
    const whole = runPart(scenario, first!, { wallClockMs: clock(1000) });
    // Stopped at its first check: the part a Ctrl-C ends, the last of a run cut short.
    const stopped = runPart(scenario, second!, { wallClockMs: clock(100), shouldStop: () => true });
    const result = assembleRun(scenario, [whole, stopped], { wallSeconds: 9, peakRssBytes: 0 });
    expect(result.partial).toBe(true);
    expect(result.meta.parts!.map((p) => [p.index, p.partial])).toEqual([[0, false], [1, true]]);
    expect(renderRunText(result, { color: false })).toMatch(/^Parts: 2 parts, 200ms \(part 1\) to 2s \(part 0\) wall, setup 100ms to 1s; part 1 cut short$/m);
    // Stopped in its first part, a split run still says so part by part.
    expect(assembleRun(scenario, [stopped], { wallSeconds: 9, peakRssBytes: 0 }).meta.parts).toHaveLength(1);
  });

  it('derives the deployment as one slice of the same servers does', () => {
    // A routing cost that makes CPU mostly message work: with the tiny default costs it is mostly
    // the reconnects' backlog drains, a few bursts that make either figure noisy. No reads: in a
    // one-second run nearly all of them are the history's (read-history.ts), at a rate measured
    // over fractions of a second of bursty deliveries (group fan-outs, backlog drains), which made
    // the CPU of the two differ by up to 11% with seeds 5 to 8 (session 8).
    const shape = ['costs.route=exp(1ms)', 'workload.read.within60s=0%'];
    const routed = runScenario(load(shape));
    const one = runScenario(load([...shape, 'sliceParts=1']));
    expect(one.slice?.simulatedServers).toBe(6);
    expect(relative(routed.slice!.derived.messagesInPerSecond, one.slice!.derived.messagesInPerSecond)).toBeLessThan(0.05);
    expect(relative(routed.slice!.derived.connectionsPeak, one.slice!.derived.connectionsPeak)).toBeLessThan(0.01);
    // A second of 9,000 messages/s: the two differ by noise, +2.6%, +2.6%, +0.6% and -3.3% with
    // seeds 5 to 8 (session 8), so 5% is about two of its standard deviations.
    expect(relative(routed.slice!.derived.cpuUtilisationMean, one.slice!.derived.cpuUtilisationMean)).toBeLessThan(0.05);
  });

  it('runs the parts on worker threads (from dist/, when built) with the same result', async () => {
    const url = new URL('../../dist/engine/part-worker.js', import.meta.url);
    if (!existsSync(fileURLToPath(url))) return; // dist/ is built by npm install; without it there are no workers to test
    const parts = await runPartsOnThreads(scenario, partsOf(scenario), 2, {}, url);
    expect(withoutMeta(assembleRun(scenario, parts, { wallSeconds: 1, peakRssBytes: 0 }))).toBe(withoutMeta(whole));
  });

  it('fails with the part and its reason when a worker reports an error or exits, and leaves no worker running', async () => {
    const url = new URL('../fixtures/broken-part-worker.mjs', import.meta.url);
    // Two lanes: part 0 reports an error on one, part 1's worker exits on the other; either may be first.
    await expect(runPartsOnThreads(scenario, partsOf(scenario), 2, {}, url)).rejects.toThrow(/^part (0: boom in part 0|1: a part's worker exited with code 7)$/);
    const one = { index: 1, count: 3 };
    await expect(runPartsOnThreads(scenario, [one, one], 2, {}, url)).rejects.toThrow(/^part 1: a part's worker exited with code 7$/);
    await expect(runPartsOnThreads(scenario, [{ index: 0, count: 3 }, { index: 2, count: 3 }], 2, {}, url)).rejects.toThrow(/^part [02]: boom in part [02]$/);
  });

  it('refuses a merge that misses a part, repeats one or mixes scenarios', () => {
    const text = (overrides: string[], index: number) => {
      const s = load(overrides);
      return runPartsFileText(s, { index, count: 3 }, [runPart(s, { index, count: 3 })]);
    };
    const missing = readRunParts([{ file: 'p0.json', text: text([], 0) }, { file: 'p1.json', text: text([], 1) }]);
    expect(missing.ok ? [] : missing.problems).toEqual([{ file: 'p0.json', reason: 'the run has 3 parts; missing part 2: merge the files of every shard' }]);
    const other = readRunParts([{ file: 'p0.json', text: text([], 0) }, { file: 'q1.json', text: text(['seed=6'], 1) }]);
    expect(other.ok ? [] : other.problems.map((p) => p.file + ': ' + p.reason)).toContain(
      'q1.json: ran another scenario (or other --set/--seed) than p0.json: their resolved scenarios differ',
    );
    const notParts = readRunParts([{ file: 'x.json', text: '{"cases":[]}' }]);
    expect(notParts.ok).toBe(false);
  });
});

describe('run --shard and merge (CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chatscale-parts-'));
  const scenarioFile = join(dir, 'parts.yaml');

  it('writes each shard\'s parts and merges them into the unsharded run\'s report', async () => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(scenarioFile, TWO_REGIONS);
    const single = await runCommand([scenarioFile, '--json']);
    expect(single.code).toBe(0);
    for (const i of [0, 1]) {
      const shard = await runCommand([scenarioFile, '--shard', `${i}/2`, '--out', join(dir, `part${i}.json`)]);
      expect(shard.err).toBe('');
      expect(shard.out).toBe(`shard ${i}/2: parts ${i === 0 ? '0, 2' : '1'}`.replace('parts 1', 'part 1') + ` of 3 written to ${join(dir, `part${i}.json`)}\n`);
    }
    const merged = await runCli(registerMerge, ['merge', join(dir, 'part0.json'), join(dir, 'part1.json'), '--json']);
    expect(merged.err).toBe('');
    expect(merged.code).toBe(0);
    expect(withoutMeta(JSON.parse(merged.out) as RunResult)).toBe(withoutMeta(JSON.parse(single.out) as RunResult));
    expect(readFileSync(join(dir, 'part0.json'), 'utf8')).toMatch(/^\{"format":"chatscale-run-parts-v2"/);
  });

  it('refuses bad shard flags with one line each and exit code 2, writing nothing', async () => {
    const outcome = await runCommand([scenarioFile, '--shard', '3/2', '--jobs', 'x', '--out', join(dir, 'part0.json')]);
    expect(outcome.code).toBe(2);
    expect(outcome.err.trim().split('\n')).toEqual([
      'error: --jobs: expected a whole number from 1 to 256, got "x"',
      'error: --shard: shard 3/2 does not exist: shards are numbered 0 to 1',
      `error: --out: ${join(dir, 'part0.json')} exists; choose another name or remove it (nothing is overwritten)`,
    ]);
    const noOut = await runCommand([scenarioFile, '--shard', '0/2']);
    expect(noOut.err.trim()).toBe('error: --shard: a shard writes its parts to a file: add --out part-i.json');
  });
});

describe('sliceParts in a scenario', () => {
  it('needs a slice, and at most sliceServers parts', () => {
    const full = loadScenario({ text: TWO_REGIONS.replace('fidelity: slice', 'fidelity: full'), fileName: 'p.yaml' }, []);
    expect(full.ok ? [] : full.problems.map((p) => p.reason)).toEqual(['sliceParts splits a slice: it needs fidelity: slice']);
    const many = loadScenario({ text: TWO_REGIONS, fileName: 'p.yaml' }, ['sliceParts=7']);
    expect(many.ok ? [] : many.problems.map((p) => p.reason)).toEqual(['expected at most sliceServers (6) parts, got 7']);
  });
});

describe('stopping a run (Ctrl-C)', () => {
  it('the asynchronous run lets the event loop turn, so a stop asked from a callback is seen', async () => {
    const scenario = load(['duration=5s']);
    let stop = false;
    setImmediate(() => {
      stop = true; // what the CLI's SIGINT handler does; a synchronous run would never let it run
    });
    const [part] = await runPartsAsync(scenario, [{ index: 0, count: 3 }], { shouldStop: () => stop });
    expect(part!.partial).toBe(true);
    expect(part!.stoppedBy).toBe('interrupted');
    expect(part!.endNs).toBeLessThan(scenario.durationNs);
  });
});
