/**
 * The hidden classes of a part's objects are final from the first object on (src/sim/stable-shapes.ts):
 * a slice's parts run one after another on a thread, and code optimised in one part is thrown away
 * in the next wherever an object of the same class has another hidden class there. V8's own
 * %HaveSameMap answers the question. The flag that allows it is set at run time, in this file's
 * process only (vitest runs each test file in a process of its own); the slice test comes first, so
 * that objects of the project's classes are first made there.
 */
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { limitsWith, wireSizesWith } from '../../src/core/config.js';
import { Envelope } from '../../src/core/frames.js';
import { partStreams } from '../../src/engine/run-part.js';
import { LatencyHistogram } from '../../src/metrics/latency-histogram.js';
import { Deployment } from '../../src/model/deployment.js';
import { loadScenario } from '../../src/scenario/index.js';
import { DOUBLE_ZERO, emptyDoubleArray, emptyObjectArray } from '../../src/sim/stable-shapes.js';
import { Simulator } from '../../src/sim/simulator.js';

setFlagsFromString('--allow-natives-syntax');
const sameHiddenClass = new Function('a', 'b', 'return %HaveSameMap(a, b);') as (a: object, b: object) => boolean;

// Past 2^31 ns of simulated time, so that times no longer fit a small integer.
const SLICE = `name: shapes
seed: 3
duration: 2600ms
warmup: 100ms
fidelity: slice
sliceServers: 4
sliceParts: 2
regions:
  a: { timezone: UTC, users: 40000, chatServers: { count: 4 } }
  b: { timezone: UTC, users: 20000, chatServers: { count: 2 } }
links:
  a-b: { latency: 20ms }
workload:
  online: { share: 50% }
  messagesPerSecond: 4000/s
  groups: { share: 10%, size: { min: 3, max: 20 } }
`;

/** Paths below `a` (and the same paths below `b`) whose objects have different hidden classes. */
function differingHiddenClasses(a: unknown, b: unknown, path: string, seen = new Set<object>(), depth = 0): string[] {
  if (depth > 6 || a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return [];
  if (seen.has(a) || ArrayBuffer.isView(a) || a instanceof Map || a instanceof Set) return [];
  seen.add(a);
  const found = sameHiddenClass(a, b) ? [] : [path];
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length > 0 && other.length > 0 ? [...found, ...differingHiddenClasses(a[0], other[0], `${path}[0]`, seen, depth + 1)] : found;
  }
  const fieldsOfB = b as Record<string, unknown>;
  for (const [key, value] of Object.entries(a)) found.push(...differingHiddenClasses(value, fieldsOfB[key], `${path}.${key}`, seen, depth + 1));
  return found;
}

describe('stable hidden classes', () => {
  it("a slice's objects have their final hidden classes from the first: a deployment built before any run, and the next part's after one", () => {
    const loaded = loadScenario({ text: SLICE, fileName: 'shapes.yaml' });
    if (!loaded.ok) throw new Error(loaded.problems.map((p) => p.reason).join('\n'));
    const scenario = loaded.scenario;
    const build = (index: number) => {
      const sim = new Simulator();
      const part = { index, count: 2 };
      const deployment = new Deployment(scenario, sim, partStreams(scenario.seed, part), { delivered() {} }, part);
      deployment.start();
      return { sim, deployment };
    };
    const beforeAnyRun = build(1);
    const histogramBefore = new LatencyHistogram();
    const first = build(0);
    first.sim.run({ untilNs: scenario.durationNs });
    expect(first.sim.nowNs).toBeGreaterThan(2 ** 31);
    const recorded = new LatencyHistogram();
    for (const latencyNs of [1e6, 2 ** 33 + 0.5, 3]) recorded.record(latencyNs);
    const second = build(1);
    for (const [a, b] of [
      [beforeAnyRun, second],
      [first, second],
    ] as const) {
      expect(differingHiddenClasses(a.deployment, b.deployment, 'deployment')).toEqual([]);
      expect(differingHiddenClasses(a.sim, b.sim, 'sim')).toEqual([]);
    }
    expect(differingHiddenClasses(histogramBefore, recorded, 'histogram')).toEqual([]);
    expect(differingHiddenClasses(recorded, new LatencyHistogram(), 'histogram')).toEqual([]);
  });

  it('DOUBLE_ZERO is plain zero, and the empty arrays are empty', () => {
    expect(Object.is(DOUBLE_ZERO, 0)).toBe(true);
    expect(DOUBLE_ZERO - 1).toBe(-1);
    expect(emptyDoubleArray()).toEqual([]);
    expect(emptyObjectArray()).toEqual([]);
  });

  it('a field that starts from DOUBLE_ZERO keeps its hidden class when a double arrives; one that starts from 0 does not', () => {
    class FromDouble {
      atNs = DOUBLE_ZERO;
    }
    class FromZero {
      atNs = 0;
    }
    const [double, later] = [new FromDouble(), new FromDouble()];
    double.atNs = 2 ** 40 + 0.5;
    expect(sameHiddenClass(double, later)).toBe(true);
    // The control: V8 (Node 20) does change the class of a field that starts as a small integer. Should
    // a later V8 not, this file no longer tests anything, and stable-shapes.ts may no longer be needed.
    const [zero, afterZero] = [new FromZero(), new FromZero()];
    zero.atNs = 2 ** 40 + 0.5;
    expect(sameHiddenClass(zero, afterZero)).toBe(false);
    const doubles = emptyDoubleArray();
    doubles.push(2 ** 40 + 0.5);
    expect(sameHiddenClass(doubles, emptyDoubleArray())).toBe(true);
    const objects = emptyObjectArray<object>();
    objects.push({});
    expect(sameHiddenClass(objects, emptyObjectArray())).toBe(true);
  });

  it('envelopes whatever their values, and the core limits and wire sizes whatever fields are given, have one hidden class', () => {
    const small = new Envelope(1, 2, 3, 4, 0, 100);
    const large = new Envelope(2, 2 ** 40, 2 ** 41, 2 ** 35, 1, 2 ** 33);
    large.seq = 2 ** 33;
    large.atNs = 2 ** 45;
    expect(sameHiddenClass(small, large)).toBe(true);
    expect(sameHiddenClass(limitsWith(), limitsWith({ offlineTtlNs: 1e15, pushWindow: 64 }))).toBe(true);
    // As the object spread did: a field given is taken as given, even undefined (the core then refuses
    // it), and no limits at all are the defaults.
    expect(limitsWith({ pushWindow: undefined }).pushWindow).toBeUndefined();
    expect(limitsWith({ pushWindow: 7 }).pushWindow).toBe(7);
    expect(limitsWith(null)).toEqual(limitsWith());
    expect(sameHiddenClass(wireSizesWith(), wireSizesWith({ ackBytes: 1 }))).toBe(true);
    expect(wireSizesWith({ ackBytes: 1 }).ackBytes).toBe(1);
  });

});
