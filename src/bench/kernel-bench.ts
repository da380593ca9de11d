/**
 * The hold model (Jones, CACM 29(4), 1986; Vaucher and Duval, 1975), the classic measure of an
 * event list, run through the real kernel: `pending` events are in the list; each hold pops the
 * earliest through Simulator.run's dispatch loop, whose handler draws an exponential increment and
 * schedules the next event at now + increment. So a hold costs one pop, one dispatch, one draw and
 * one push: what every event of a real model pays at least.
 *
 * The wall clock is injected (milliseconds, e.g. performance.now from the CLI); this module never
 * reads time itself (DESIGN.md section 2).
 */
import { BinaryHeapEventList } from '../sim/binary-heap-event-list.js';
import { BucketEventList } from '../sim/bucket-event-list.js';
import type { EventList } from '../sim/event-list.js';
import { RandomStreams } from '../sim/random.js';
import { Simulator } from '../sim/simulator.js';

export type WallClockMs = () => number;

export interface HoldBenchOptions {
  /** Mean of the exponential increment; default 1000 ns per pending event, so ties are rare. */
  meanIncrementNs?: number;
  /** Holds run before the clock starts, so the list reaches its steady shape and the JIT warms up. */
  warmupHolds?: number;
  seed?: number;
  /** Also run the plain binary heap, for the comparison (default true). */
  heap?: boolean;
  /** Called before each phase, for progress lines. */
  progress?: (line: string) => void;
}

export interface HoldRunFigures {
  pending: number;
  holds: number;
  wallSeconds: number;
  eventsPerWallSecond: number;
}

export interface HoldBenchFigures {
  pending: number;
  holds: number;
  /** Through the default event list (the bucket ladder). */
  eventsPerWallSecond: number;
  wallSeconds: number;
  /** The same through a plain binary heap; null when not run. */
  heapEventsPerWallSecond: number | null;
  heapWallSeconds: number | null;
}

/** Count per wall second; NaN when the clock did not move (a coarse or fake clock). */
export function perWallSecond(count: number, elapsedMs: number): number {
  return elapsedMs > 0 ? count / (elapsedMs / 1000) : Number.NaN;
}

function checkCount(what: string, value: number, min: number): void {
  if (!(Number.isSafeInteger(value) && value >= min)) throw new RangeError(`hold bench: ${what} must be an integer >= ${min}, got ${value}`);
}

/** One hold-model run through a Simulator on the given event list. */
export function holdRun(pending: number, holds: number, clock: WallClockMs, eventList: EventList, options: HoldBenchOptions = {}): HoldRunFigures {
  checkCount('pending', pending, 1);
  checkCount('holds', holds, 1);
  const meanIncrementNs = options.meanIncrementNs ?? 1000 * pending;
  const warmupHolds = options.warmupHolds ?? pending;
  checkCount('warmupHolds', warmupHolds, 0);
  const sim = new Simulator({ eventList });
  const rng = new RandomStreams(options.seed ?? 1).stream('hold');
  let kind = -1;
  kind = sim.register('hold', (arg) => {
    sim.scheduleIn(rng.nextExponential() * meanIncrementNs, kind, arg);
  });
  for (let i = 0; i < pending; i++) sim.scheduleIn(rng.nextExponential() * meanIncrementNs, kind, i);
  if (warmupHolds > 0) sim.run({ maxEvents: warmupHolds });
  const startMs = clock();
  const outcome = sim.run({ maxEvents: holds });
  const elapsedMs = clock() - startMs;
  if (outcome.events !== holds || sim.pendingEvents !== pending) {
    throw new Error(`hold bench: ran ${outcome.events} of ${holds} holds, ${sim.pendingEvents} pending instead of ${pending} (broken invariant)`);
  }
  return { pending, holds, wallSeconds: elapsedMs / 1000, eventsPerWallSecond: perWallSecond(holds, elapsedMs) };
}

/**
 * The hold model at `pending` events for `holds` holds, through the kernel's default event list and
 * (unless options.heap is false) through the plain binary heap.
 */
export function holdBench(pending: number, holds: number, clock: WallClockMs, options: HoldBenchOptions = {}): HoldBenchFigures {
  options.progress?.(`hold: ${pending} pending, ${holds} holds, bucket ladder`);
  const ladder = holdRun(pending, holds, clock, new BucketEventList(), options);
  let heap: HoldRunFigures | null = null;
  if (options.heap ?? true) {
    options.progress?.(`hold: ${pending} pending, ${holds} holds, binary heap`);
    heap = holdRun(pending, holds, clock, new BinaryHeapEventList(), options);
  }
  return {
    pending,
    holds,
    eventsPerWallSecond: ladder.eventsPerWallSecond,
    wallSeconds: ladder.wallSeconds,
    heapEventsPerWallSecond: heap === null ? null : heap.eventsPerWallSecond,
    heapWallSeconds: heap === null ? null : heap.wallSeconds,
  };
}
