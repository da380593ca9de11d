/**
 * One part of a run: a kernel and a deployment, run interval by interval, and what they measured
 * kept as sums (counts, busy nanoseconds, histograms) rather than ratios, so that parts add up.
 *
 * A full-fidelity run, and a slice in one part, is one part. A slice with `sliceParts: m` splits
 * its k simulated servers into m parts that run independently, each with the others as generated
 * traffic (src/model/outside-world.ts); they can run one after another, side by side in worker
 * threads (`run --jobs`), or on other machines (`run --shard i/n`, then `chatscale merge`).
 * src/engine/assemble-run.ts turns the parts into the results contract, the same way whichever
 * way they ran, so a merge is byte for byte what one machine produces.
 */
import { openBufferSession } from '../core/large-buffers.js';
import { OP_COUNT } from '../core/ops.js';
import { LatencyHistogram, type LatencyHistogramJson } from '../metrics/latency-histogram.js';
import type { ServerResult } from '../metrics/run-result.js';
import { Deployment, type DeploymentObserver } from '../model/deployment.js';
import { busyNsUntil } from '../model/measured-window.js';
import type { ResolvedScenario } from '../scenario/resolved.js';
import { RandomStreams } from '../sim/random.js';
import { Simulator } from '../sim/simulator.js';

export interface RunProgress {
  simulatedNs: number;
  durationNs: number;
  events: number;
}

export interface RunOptions {
  /** Wall clock in milliseconds (performance.now); only `meta` reads it. */
  wallClockMs?: () => number;
  /** Resident memory probe in bytes (process.memoryUsage().rss); only `meta` reads it. */
  rssBytes?: () => number;
  onProgress?: (progress: RunProgress) => void;
  /** Polled between slices of events; true ends the run early with a partial report. */
  shouldStop?: () => boolean;
}

/** Which of a slice's parts to run: index from 0, of count (the scenario's sliceParts). */
export interface PartSelector {
  index: number;
  count: number;
}

/** One measured interval of a part, as sums. */
export interface PartInterval {
  startNs: number;
  spanNs: number;
  sent: number;
  delivered: number;
  /** The interval's latency percentiles, as the report shows them. */
  latencyP50Ms: number;
  latencyP99Ms: number;
  /**
   * With more than one part, the interval's histogram too: percentiles of several parts come from
   * their histograms added up, not from their percentiles.
   */
  latency: LatencyHistogramJson | null;
  /** Busy core-nanoseconds and cores of the simulated chat servers. */
  busyNs: number;
  cores: number;
  /** Connections at the interval's end, in all and by region (for the derived peak). */
  connections: number;
  connectionsByRegion: number[];
  connects: number;
  /**
   * The interval's messages sent by devices homed on simulated servers, copies delivered to
   * devices and device connects, by region: a slice's derived peaks scale each region by its own
   * N_r / k_r (slice-derivation.ts).
   */
  sentInsideByRegion: number[];
  deliveriesByRegion: number[];
  connectsByRegion: number[];
}

/**
 * A chat server's figures, as the results contract has them (a server is in exactly one part), but
 * its NIC's busy time rather than a ratio: the ratio is over the run's measured time.
 */
export type PartServer = Omit<ServerResult, 'id' | 'role' | 'nicUtilisation'> & {
  index: number;
  regionIndex: number;
  nicBusyNs: number;
  nicUnlimited: boolean;
};

/** A directory or offline store: every part loads it, so its work is summed. */
export interface PartService {
  id: string;
  role: 'directory' | 'offlineStore';
  region: string;
  unlimited: boolean;
  busyNs: number;
  requests: number;
  /** Sum of the waits for the service of the requests that arrived in the window, and the most found ahead of one. */
  queueWaitNsSum: number;
  queuePeak: number;
}

export interface PartLink {
  id: string;
  from: string;
  to: string;
  /** Per direction; null for an unlimited link (a region's LAN, or `bandwidth: unlimited`). */
  bandwidthBitsPerSecond: number | null;
  busyNs: number;
  bytes: number;
  messages: number;
  lost: number;
}

export interface RunPart {
  part: PartSelector;
  /** Simulated time reached, and where the measured window began (ns). */
  endNs: number;
  measureStartNs: number;
  partial: boolean;
  stoppedBy: string;
  counters: {
    sent: number;
    delivered: number;
    droppedMessages: number;
    deliveriesToDevices: number;
    backlogDeliveries: number;
    warmupDeliveries: number;
    duplicatesAtDevices: number;
    rejected: number;
    senderOffline: number;
  };
  pending: number;
  /** Core operations by kind (ops.ts order), summed over the part's chat servers. */
  operations: number[];
  latency: LatencyHistogram;
  intervals: PartInterval[];
  servers: PartServer[];
  services: PartService[];
  links: PartLink[];
  /** Slice only: simulated servers by region (k_r of this part), messages in and out by region. */
  simulatedByRegion: number[];
  sentInsideByRegion: number[];
  deliveriesByRegion: number[];
  events: number;
  wallSeconds: number;
  setupWallSeconds: number;
  peakRssBytes: number;
}

/** Events between checks of shouldStop and progress, so Ctrl-C answers within a fraction of a second. */
const EVENTS_PER_SLICE = 500_000;

const round = (value: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

export const WHOLE_RUN: PartSelector = { index: 0, count: 1 };

export function runPart(scenario: ResolvedScenario, part: PartSelector = WHOLE_RUN, options: RunOptions = {}): RunPart {
  const steps = runPartSteps(scenario, part, options);
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
  }
}

/**
 * runPart, handing the event loop a turn between slices of events: a signal handler (Ctrl-C) runs
 * and shouldStop sees it. A synchronous run never lets it run, so the CLI runs this one.
 */
export async function runPartAsync(scenario: ResolvedScenario, part: PartSelector = WHOLE_RUN, options: RunOptions = {}): Promise<RunPart> {
  const steps = runPartSteps(scenario, part, options);
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/**
 * A part's random streams. Each part of a split slice draws from streams of its own: with the
 * root's, every part drew the same numbers under the same names, servers of equal rates saw their
 * arrivals at the same instants, the parts' fluctuations added up in step, and the busiest second
 * of their sum rose with the number of parts (whatsapp-2014's copies out +5.3% against the
 * published figure in 8 parts, +1.4% in 2; session 9). A run of one part keeps the root's streams.
 */
export function partStreams(seed: number, part: PartSelector): RandomStreams {
  const root = new RandomStreams(seed);
  return part.count > 1 ? root.substreams(`part-${part.index}`) : root;
}

/** The run as a generator that yields between slices of events (see runPartAsync). */
/**
 * Records each counted delivery's latency in the run's histogram and the interval's. A class, not
 * an object literal of a closure: the deployment's delivery handler would embed a part's closure
 * in its optimised code and lose that code when the part ended (src/model/server-ports.ts).
 */
class LatencyRecorder implements DeploymentObserver {
  constructor(
    private readonly whole: LatencyHistogram,
    private readonly interval: LatencyHistogram,
  ) {}

  delivered(latencyNs: number, counted: boolean): void {
    if (!counted) return;
    this.whole.record(latencyNs);
    this.interval.record(latencyNs);
  }
}

/**
 * The part in a buffer session (src/core/large-buffers.ts): its device tables reuse the memory the
 * part before it on this thread used, already faulted in. Nothing the part returns holds one of
 * those buffers (the RunPart is counts, sums and histograms of its own), so the session ends with it.
 */
function* runPartSteps(scenario: ResolvedScenario, part: PartSelector, options: RunOptions): Generator<void, RunPart> {
  const buffers = openBufferSession();
  try {
    const wallStartMs = (options.wallClockMs ?? (() => 0))();
    const sim = new Simulator();
    const streams = partStreams(scenario.seed, part);
    const latency = new LatencyHistogram();
    const intervalLatency = new LatencyHistogram();
    const deployment = new Deployment(
      scenario,
      sim,
      streams,
      new LatencyRecorder(latency, intervalLatency),
      part,
    );
    return yield* measure(scenario, part, options, sim, deployment, latency, intervalLatency, wallStartMs, () => buffers.dropSpares());
  } finally {
    buffers.close();
  }
}

function* measure(
  scenario: ResolvedScenario,
  part: PartSelector,
  options: RunOptions,
  sim: Simulator,
  deployment: Deployment,
  latency: LatencyHistogram,
  intervalLatency: LatencyHistogram,
  wallStartMs: number,
  /** Called once the deployment has started (its large tables made). */
  onStarted: () => void,
): Generator<void, RunPart> {
  const wallClockMs = options.wallClockMs ?? (() => 0);
  const rssBytes = options.rssBytes ?? (() => 0);
  let rssPeak = rssBytes();
  deployment.start();
  onStarted();
  const setupWallSeconds = (wallClockMs() - wallStartMs) / 1000;

  const intervalNs = scenario.output.timeSeriesIntervalNs;
  let stoppedBy = 'time';
  let eventLimitLeft = scenario.maxEvents ?? Infinity;

  /** Runs until `untilNs`; false when the run was stopped early. */
  function* advance(untilNs: number): Generator<void, boolean> {
    for (;;) {
      if (options.shouldStop?.() === true) {
        stoppedBy = 'interrupted';
        return false;
      }
      const outcome = sim.run({ untilNs, maxEvents: Math.min(EVENTS_PER_SLICE, eventLimitLeft) });
      eventLimitLeft -= outcome.events;
      options.onProgress?.({ simulatedNs: sim.nowNs, durationNs: scenario.durationNs, events: sim.eventsProcessed });
      yield; // the asynchronous driver lets the event loop turn here (Ctrl-C)
      if (eventLimitLeft <= 0) {
        stoppedBy = 'maxEvents';
        return false;
      }
      if (outcome.stoppedBy === 'time' || outcome.stoppedBy === 'empty') {
        sim.nowNs = Math.max(sim.nowNs, untilNs);
        return true;
      }
    }
  }

  let ok = yield* advance(scenario.warmupNs);
  deployment.beginMeasuring();
  const measureStartNs = sim.nowNs;
  const regionCount = scenario.regions.length;
  const simulated = deployment.servers.filter((s) => deployment.outside.isSimulatedServer(s.index));
  const cores = simulated.reduce((sum, s) => sum + s.cpu.servers, 0);
  let busyNsBefore = simulated.reduce((sum, s) => sum + s.cpu.busyServerNs(), 0);
  let sentBefore = 0;
  let connectsBefore = 0;
  let deliveredBefore = 0;
  // By region, the counts at the last interval's end (they restarted at beginMeasuring).
  const sentInsideBefore = new Float64Array(regionCount);
  const deliveriesBefore = new Float64Array(regionCount);
  const connectsByRegionBefore = new Float64Array(regionCount);
  const since = (now: Float64Array, before: Float64Array) => {
    const delta = Array.from(now, (value, r) => value - before[r]!);
    before.set(now);
    return delta;
  };
  const intervals: PartInterval[] = [];
  for (let startNs = measureStartNs; ok && startNs < scenario.durationNs; startNs += intervalNs) {
    const endNs = Math.min(startNs + intervalNs, scenario.durationNs);
    intervalLatency.reset();
    ok = yield* advance(endNs);
    deployment.sampleMemory();
    rssPeak = Math.max(rssPeak, rssBytes());
    const busyNow = simulated.reduce((sum, s) => sum + s.cpu.busyServerNs(), 0);
    const connectionsByRegion = new Array<number>(regionCount).fill(0);
    for (const s of simulated) connectionsByRegion[s.region.index]! += s.connections;
    const counters = deployment.counters;
    const summary = intervalLatency.summary();
    intervals.push({
      startNs,
      spanNs: sim.nowNs - startNs,
      sent: counters.sent - sentBefore,
      delivered: counters.deliveriesToDevices - deliveredBefore,
      latencyP50Ms: summary.p50Ms,
      latencyP99Ms: summary.p99Ms,
      latency: part.count > 1 ? intervalLatency.toJson() : null,
      busyNs: busyNow - busyNsBefore,
      cores,
      connections: deployment.servers.reduce((sum, s) => sum + s.connections, 0),
      connectionsByRegion,
      connects: counters.connects - connectsBefore,
      sentInsideByRegion: since(deployment.sentInsideByRegion, sentInsideBefore),
      deliveriesByRegion: since(deployment.deliveriesByRegion, deliveriesBefore),
      connectsByRegion: since(deployment.connectsByRegion, connectsByRegionBefore),
    });
    busyNsBefore = busyNow;
    connectsBefore = counters.connects;
    sentBefore = counters.sent;
    deliveredBefore = counters.deliveriesToDevices;
  }

  const nowNs = sim.nowNs;
  const operations = new Array<number>(OP_COUNT).fill(0);
  for (const s of simulated) for (let op = 0; op < OP_COUNT; op++) operations[op]! += s.opCounts[op]!;
  const simulatedByRegion = new Array<number>(regionCount).fill(0);
  for (const s of simulated) simulatedByRegion[s.region.index]!++;
  const counters = deployment.counters;
  return {
    part,
    endNs: nowNs,
    measureStartNs,
    partial: !ok,
    stoppedBy,
    counters: {
      sent: counters.sent,
      delivered: counters.delivered,
      droppedMessages: counters.droppedMessages,
      deliveriesToDevices: counters.deliveriesToDevices,
      backlogDeliveries: counters.backlogDeliveries,
      warmupDeliveries: counters.warmupDeliveries,
      duplicatesAtDevices: counters.duplicatesAtDevices,
      rejected: counters.rejected,
      senderOffline: counters.senderOffline,
    },
    pending: deployment.messages.countedPending(),
    operations,
    latency,
    intervals,
    servers: simulated.map((s) => ({
      index: s.index,
      region: s.region.name,
      regionIndex: s.region.index,
      cores: s.cpu.servers,
      cpuUtilisation: round(s.cpu.utilisation(), 6),
      memoryBytesPeak: s.memoryBytesPeak,
      connectionsPeak: s.connectionsPeak,
      cpuQueuePeak: s.cpu.waitingPeak,
      cpuQueueMean: round(s.cpu.waitingMean(), 6),
      operations: s.opCounts.reduce((a, b) => a + b, 0),
      dropped: s.cpuDrops,
      // Busy time counts inside the measured window; a run stopped early takes back what is booked past its end.
      nicBusyNs: busyNsUntil(s.nicBusyNs, s.nicFreeAtNs, nowNs, deployment.measuredWindow),
      nicUnlimited: s.nicBitsPerSecond === null,
    })),
    services: [...deployment.directories, ...deployment.offlineStores].map((service) => ({
      id: service.id,
      role: service.role,
      region: service.region,
      unlimited: service.capacityOpsPerSecond === null,
      busyNs: service.capacityOpsPerSecond === null ? 0 : service.busyNsUntil(nowNs),
      requests: service.requests,
      queueWaitNsSum: service.queueWaitNsSum,
      queuePeak: service.queuePeak,
    })),
    links: deployment.links.map((l) => ({
      id: l.id,
      from: l.from,
      to: l.to,
      bandwidthBitsPerSecond: l.bandwidthBitsPerSecond,
      busyNs: busyNsUntil(l.busyNs, l.freeAtNs, nowNs, deployment.measuredWindow),
      bytes: l.bytes,
      messages: l.messages,
      lost: l.lost,
    })),
    simulatedByRegion,
    sentInsideByRegion: [...deployment.sentInsideByRegion],
    deliveriesByRegion: [...deployment.deliveriesByRegion],
    events: sim.eventsProcessed,
    wallSeconds: (wallClockMs() - wallStartMs) / 1000,
    setupWallSeconds,
    peakRssBytes: rssPeak,
  };
}
