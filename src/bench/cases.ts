/**
 * The registry of `chatscale bench` cases. A case is a name and a function from the bench context
 * (an injected wall clock, the --quick flag, a progress sink) to plain figures; adding one is one
 * line in BENCH_CASES. A case may name a peer workload (../shared/peers), which `--peer` runs beside
 * it to add the peer's speed and the ratio.
 */
import { CORE_BENCH_KINDS, runCoreBench, type CoreBenchKind } from '../engine/core-bench.js';
import { BinaryHeapEventList } from '../sim/binary-heap-event-list.js';
import { holdBench, type WallClockMs } from './kernel-bench.js';
import { chatBench } from './chat-bench.js';
import { median } from 'simple-statistics';
import { MM1_CUSTOMERS_DEFAULT, mm1Bench, type Mm1BenchFigures } from './mm1-bench.js';
import type { PeerModel, PeerResult } from './peer.js';

export type FigureValue = number | string | boolean | null;
export type BenchFigures = Record<string, FigureValue>;

export interface BenchContext {
  /** Wall clock in milliseconds (performance.now from the CLI). */
  nowMs: WallClockMs;
  /** Small sizes, for a CI smoke test: seconds in all, figures only indicative. */
  quick: boolean;
  progress?: (line: string) => void;
  /** Heap plus array-buffer bytes in use, for cases that report memory. */
  memoryBytes?: () => number;
  /** Resident set size in bytes, for cases that report their peak. */
  rssBytes?: () => number;
  /** Forces a garbage collection, when the host can. */
  gc?: () => void;
  /** Runs a peer workload; given only with --peer. */
  runPeer?: (model: PeerModel, scale: number) => PeerResult;
}

export interface PeerSpec {
  model: PeerModel;
  /** The peer's scale argument: at 1, SimPy's mm1 takes some 10-15 s here. */
  scale: (quick: boolean) => number;
  /** Our figure to compare (per wall second) and the name the peer's same figure gets. */
  figure: string;
  peerFigure: string;
  /**
   * The case runs the peer itself, through BenchContext.runPeer, one run at `scale` between each of
   * its own timed rounds, and reports the ratio round by round (see interleavedPeerFigures);
   * otherwise runBench runs the peer once, after the case.
   */
  interleaved?: boolean;
}

export interface BenchCase {
  name: string;
  description: string;
  run: (context: BenchContext) => BenchFigures;
  peer?: PeerSpec;
}

/** Full and --quick hold counts: 5 M holds is about half a second at the 10 M/s target. */
const HOLDS = 5_000_000;
const HOLDS_QUICK = 200_000;
/** reference-mm1's untimed warm-up: customers per warm-up run (see the case). */
const MM1_WARMUP_CUSTOMERS = 50_000;
const MM1_WARMUP_CUSTOMERS_QUICK = 5_000;
/**
 * reference-mm1's warm-up rounds, each a run on the ladder and one on the heap, as a timed round.
 * Why two: each run builds its model afresh, so its handlers are new closures, and the code V8
 * optimised during the first run had inlined the old ones. The second run deoptimises on them
 * ("wrong call target", then a heap run's "insufficient type feedback" in the shared kernel) and
 * re-optimises for any closure. That recompiling, about 80 ms on the pinned CPU, fell inside the
 * first timed round: 5.8 to 6.4 M customers/s against 8.1 to 8.5 in the rounds after it, even after
 * a warm-up of a million customers on one model (session 17, `taskset -c 1`).
 */
const MM1_WARMUP_ROUNDS = 2;
/** reference-mm1's timed runs (each on the ladder and then the heap); the figure is their median. */
const MM1_TIMED_RUNS = 5;
const MM1_TIMED_RUNS_QUICK = 2;
/**
 * reference-mm1's SimPy peer: one run of 200,000 customers after each of the five timed rounds, a
 * million in all as before session 12, when one run of a million followed all five rounds. Why
 * interleaved: this machine's speed moves by a third within seconds (our runs 5.8 or 8.3 M customers
 * per second, the peer's 100 or 143 K, minutes apart), and a peer run of six seconds after ours of
 * one second compared two different machines; the ratio now comes from runs seconds apart. Why not
 * a shorter peer run: SimPy's speed per customer does not depend on the run's length here (163 to
 * 165 K customers per second at 300,000 against 161 to 163 K at a million, session 12).
 */
const MM1_PEER: PeerSpec = {
  model: 'mm1',
  scale: (quick) => (quick ? 0.025 : 0.2),
  figure: 'customersPerWallSecond',
  peerFigure: 'peerCustomersPerWallSecond',
  interleaved: true,
};

function holdCase(pending: number, name: string): BenchCase {
  return {
    name,
    description: `hold model, ${pending} pending events, exponential increments, through Simulator.run (bucket ladder, then binary heap)`,
    run: (context) => {
      const holds = context.quick ? HOLDS_QUICK : HOLDS;
      const warmupHolds = context.quick ? Math.min(pending, 100_000) : Math.max(pending, 1_000_000);
      const figures = holdBench(pending, holds, context.nowMs, {
        warmupHolds,
        ...(context.progress === undefined ? {} : { progress: context.progress }),
      });
      return { ...figures };
    },
  };
}

function coreCase(kind: CoreBenchKind): BenchCase {
  return {
    name: kind,
    description: `routing core alone, in-process (${kind === 'core-1to1' ? 'one-to-one messages' : 'groups of 256'})`,
    run: (context) => {
      context.progress?.(`${kind}: connecting devices and sending`);
      const { name: _name, ...figures } = runCoreBench(kind, {
        nowMs: context.nowMs,
        ...(context.memoryBytes === undefined ? {} : { memoryBytes: context.memoryBytes }),
        ...(context.gc === undefined ? {} : { gc: context.gc }),
        ...(context.quick ? { devices: 100_000, messages: kind === 'core-1to1' ? 200_000 : 2_000 } : {}),
      });
      return { ...figures };
    },
  };
}

export const BENCH_CASES: readonly BenchCase[] = [
  holdCase(1e3, 'hold-1e3'),
  holdCase(1e5, 'hold-1e5'),
  holdCase(1e6, 'hold-1e6'),
  {
    name: 'reference-mm1',
    description: 'DESIGN.md section 7: M/M/1, arrivals 0.9/s, service 1/s, 1,000,000 customers; theory 10 s (bucket ladder, then binary heap)',
    run: (context) => {
      const customers = context.quick ? 50_000 : MM1_CUSTOMERS_DEFAULT;
      // An untimed warm-up first, as the hold cases do with warmupHolds, then several timed runs of
      // the full model, each built from nothing like the peer's, and the median is the figure. Why
      // not one timed run: a run takes about 0.15 s, and V8's tiering was still finishing inside
      // the first ones (5.9 M/s, then 6.3 to 7.5 M/s in the same process: BENCHMARKS.md, session
      // 4), so one run measured the compiler as much as the kernel. The warm-up is rounds of a
      // ladder run and a heap run, as the timed rounds are (MM1_WARMUP_ROUNDS says why two). The
      // first timed run is reported beside the median (firstRunCustomersPerWallSecond). The SimPy
      // peer is timed cold: CPython has no JIT to warm.
      const warmupRunCustomers = context.quick ? MM1_WARMUP_CUSTOMERS_QUICK : MM1_WARMUP_CUSTOMERS;
      const warmupCustomers = warmupRunCustomers * 2 * MM1_WARMUP_ROUNDS;
      const timedRuns = context.quick ? MM1_TIMED_RUNS_QUICK : MM1_TIMED_RUNS;
      const peerScale = MM1_PEER.scale(context.quick);
      context.progress?.(`reference-mm1: ${warmupCustomers} customers untimed (warm-up)`);
      for (let round = 0; round < MM1_WARMUP_ROUNDS; round++) {
        mm1Bench(warmupRunCustomers, context.nowMs, { seed: 2 + round });
        mm1Bench(warmupRunCustomers, context.nowMs, { seed: 2 + round, eventList: new BinaryHeapEventList() });
      }
      const ladderRates: number[] = [];
      const heapRates: number[] = [];
      const peerRuns: PeerResult[] = [];
      let figures: Mm1BenchFigures | undefined;
      // Ladder and heap alternate, so that neither gets all of the later, warmer rounds; with --peer,
      // a peer run follows each round, so that ours and the peer's share the machine's spells.
      for (let round = 1; round <= timedRuns; round++) {
        context.progress?.(`reference-mm1: ${customers} customers, bucket ladder (${round} of ${timedRuns})`);
        figures = mm1Bench(customers, context.nowMs);
        ladderRates.push(figures.customersPerWallSecond);
        // The same model on the plain binary heap: at one or two pending events it may be the faster list.
        context.progress?.(`reference-mm1: ${customers} customers, binary heap (${round} of ${timedRuns})`);
        heapRates.push(mm1Bench(customers, context.nowMs, { eventList: new BinaryHeapEventList() }).customersPerWallSecond);
        const peerFailed = peerRuns.length > 0 && peerRuns[0]!.figures === null;
        if (context.runPeer !== undefined && !peerFailed) {
          context.progress?.(`reference-mm1: SimPy peer, mm1 at scale ${peerScale} (${round} of ${timedRuns})`);
          peerRuns.push(context.runPeer(MM1_PEER.model, peerScale));
        }
      }
      // Every timed run has the same seed, so the simulated figures are those of any one of them.
      const customersPerWallSecond = median(ladderRates);
      return {
        ...figures!,
        customersPerWallSecond,
        wallSeconds: customers / customersPerWallSecond,
        eventsPerWallSecond: (figures!.events * customersPerWallSecond) / customers,
        timedRuns,
        firstRunCustomersPerWallSecond: ladderRates[0]!,
        minCustomersPerWallSecond: Math.min(...ladderRates),
        maxCustomersPerWallSecond: Math.max(...ladderRates),
        warmupCustomers,
        heapCustomersPerWallSecond: median(heapRates),
        ...(context.runPeer === undefined ? {} : interleavedPeerFigures(ladderRates, peerRuns, MM1_PEER)),
      };
    },
    peer: MM1_PEER,
  },
  ...CORE_BENCH_KINDS.map(coreCase),
  {
    name: 'reference-chat',
    description: 'DESIGN.md section 7 through the real routing core: 16 servers x 8 cores, 1,000,000 users, 200,000 messages/s, 10 simulated seconds; theory 62.297 ms',
    run: (context) => {
      const seconds = context.quick ? 1 : 10;
      context.progress?.(`reference-chat: ${seconds} simulated seconds`);
      return { ...chatBench(seconds, context.nowMs, context.rssBytes) };
    },
    peer: { model: 'chat', scale: (quick) => (quick ? 0.02 : 0.2), figure: 'messagesPerWallSecond', peerFigure: 'peerMessagesPerWallSecond' },
  },
];

export interface CaseSelection {
  cases: BenchCase[];
  /** Names asked for that no case has. */
  unknown: string[];
}

/** The cases named (in registry order, each once), or all of them when none are named. */
export function selectCases(names: readonly string[] | undefined, registry: readonly BenchCase[] = BENCH_CASES): CaseSelection {
  if (names === undefined || names.length === 0) return { cases: [...registry], unknown: [] };
  const known = new Set(registry.map((c) => c.name));
  const unknown = [...new Set(names.filter((name) => !known.has(name)))];
  const wanted = new Set(names);
  return { cases: registry.filter((c) => wanted.has(c.name)), unknown };
}

export interface BenchCaseResult extends BenchFigures {
  name: string;
}

/** What `chatscale bench --json` prints. */
export interface BenchReport {
  cases: BenchCaseResult[];
}

export interface BenchRunOptions extends BenchContext {
  cases: readonly BenchCase[];
}

/** Adds the peer's figures, or why there are none, to a case's figures. */
function withPeer(figures: BenchFigures, spec: PeerSpec, result: PeerResult): BenchFigures {
  if (result.figures === null) {
    return { ...figures, [spec.peerFigure]: null, speedupVsPeer: null, peerUnavailable: result.reason };
  }
  const peer = result.figures;
  const ours = figures[spec.figure];
  return {
    ...figures,
    [spec.peerFigure]: peer.completedPerWallSecond,
    speedupVsPeer: typeof ours === 'number' && peer.completedPerWallSecond > 0 ? ours / peer.completedPerWallSecond : null,
    peer: peer.peer,
    peerScale: peer.scale,
    peerCompleted: peer.completed,
    peerWallSeconds: peer.wallSeconds,
    peerMeanSeconds: peer.meanSeconds,
    peerP99Seconds: peer.p99Seconds,
  };
}

/**
 * The peer's figures for a case that ran it between its own rounds (PeerSpec.interleaved): the
 * peer's speed is the median of its runs, and the ratio is the median of the rounds' own ratios
 * (round i's figure over peer run i, which followed it), with their range. A peer that could not run
 * gives no figures and the reason, as with withPeer.
 */
export function interleavedPeerFigures(ourRates: readonly number[], peerRuns: readonly PeerResult[], spec: PeerSpec): BenchFigures {
  const failed = peerRuns.find((run) => run.figures === null);
  if (failed !== undefined || peerRuns.length === 0) {
    return { [spec.peerFigure]: null, speedupVsPeer: null, peerUnavailable: failed?.reason ?? 'no peer run' };
  }
  const peers = peerRuns.map((run) => run.figures!);
  const ratios = peers.map((peer, i) => (peer.completedPerWallSecond > 0 ? ourRates[i]! / peer.completedPerWallSecond : Number.NaN));
  const usable = ratios.filter((ratio) => Number.isFinite(ratio));
  return {
    [spec.peerFigure]: median(peers.map((peer) => peer.completedPerWallSecond)),
    speedupVsPeer: usable.length > 0 ? median(usable) : null,
    minSpeedupVsPeer: usable.length > 0 ? Math.min(...usable) : null,
    maxSpeedupVsPeer: usable.length > 0 ? Math.max(...usable) : null,
    peer: peers[0]!.peer,
    peerRuns: peers.length,
    peerScale: peers[0]!.scale,
    peerCompleted: peers.reduce((sum, peer) => sum + peer.completed, 0),
    peerWallSeconds: peers.reduce((sum, peer) => sum + peer.wallSeconds, 0),
    peerMeanSeconds: peers[0]!.meanSeconds,
    peerP99Seconds: peers[0]!.p99Seconds,
  };
}

/** Runs the cases in order, one at a time (they measure wall time: nothing runs beside them). */
export function runBench(options: BenchRunOptions): BenchReport {
  const cases: BenchCaseResult[] = [];
  for (const benchCase of options.cases) {
    let figures = benchCase.run(options);
    if (options.runPeer !== undefined && benchCase.peer !== undefined && benchCase.peer.interleaved !== true) {
      const spec = benchCase.peer;
      const scale = spec.scale(options.quick);
      options.progress?.(`${benchCase.name}: SimPy peer, ${spec.model} at scale ${scale}`);
      figures = withPeer(figures, spec, options.runPeer(spec.model, scale));
    }
    const { name: _figureName, ...rest } = figures;
    cases.push({ name: benchCase.name, ...rest });
  }
  return { cases };
}

export interface BenchTarget {
  caseName: string;
  figure: string;
  atLeast: number;
  label: string;
}

/** DESIGN.md section 10, for the cases here. */
export const BENCH_TARGETS: readonly BenchTarget[] = [
  { caseName: 'hold-1e6', figure: 'eventsPerWallSecond', atLeast: 10_000_000, label: 'hold-1e6 >= 10 M events per wall second' },
  { caseName: 'reference-mm1', figure: 'speedupVsPeer', atLeast: 50, label: 'reference-mm1 >= 50x SimPy' },
  { caseName: 'reference-chat', figure: 'messagesPerWallSecond', atLeast: 1_000_000, label: 'reference-chat >= 1 M delivered messages per wall second' },
  { caseName: 'reference-chat', figure: 'speedupVsPeer', atLeast: 30, label: 'reference-chat >= 30x SimPy' },
];

export interface TargetCheck {
  label: string;
  /** The figure the target is on, e.g. eventsPerWallSecond. */
  figure: string;
  value: number | null;
  /** null when the case or figure was not measured in this run (e.g. no --peer). */
  met: boolean | null;
}

export function checkTargets(report: BenchReport, targets: readonly BenchTarget[] = BENCH_TARGETS): TargetCheck[] {
  return targets.map((target) => {
    const found = report.cases.find((c) => c.name === target.caseName);
    const value = found?.[target.figure];
    const { label, figure } = target;
    if (typeof value !== 'number' || Number.isNaN(value)) return { label, figure, value: null, met: null };
    return { label, figure, value, met: value >= target.atLeast };
  });
}
