/**
 * Assembles a run from a resolved scenario (kernel, deployment, metrics), runs it interval by
 * interval and returns the results contract. Pure apart from what is injected: the wall clock and
 * the memory probe (for `meta` only), progress and the stop request (Ctrl-C) come from the caller.
 */
import { OP_NAMES } from '../core/ops.js';
import { latencyCdf } from '../metrics/latency-cdf.js';
import { LatencyHistogram } from '../metrics/latency-histogram.js';
import type { LinkResult, RunResult, ServerResult, TimeSeries } from '../metrics/run-result.js';
import { Deployment } from '../model/deployment.js';
import type { ResolvedScenario } from '../scenario/resolved.js';
import { RandomStreams } from '../sim/random.js';
import { Simulator } from '../sim/simulator.js';
import { NS_PER_MS, NS_PER_S } from '../sim/time.js';
import { derivedConnections, sliceResult, sliceStrata } from './slice-derivation.js';
import { VERSION } from './version.js';

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

/** Events between checks of shouldStop and progress, so Ctrl-C answers within a fraction of a second. */
const EVENTS_PER_SLICE = 500_000;

const round = (value: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

/** The busiest full interval's count, per second (a last, shorter interval is not extrapolated). */
function peakPerSecond(counts: readonly number[], intervalMs: number): number {
  let peak = 0;
  for (const count of counts) peak = Math.max(peak, count);
  return intervalMs > 0 ? (peak * 1000) / intervalMs : 0;
}

export function runScenario(scenario: ResolvedScenario, options: RunOptions = {}): RunResult {
  const wallClockMs = options.wallClockMs ?? (() => 0);
  const rssBytes = options.rssBytes ?? (() => 0);
  const wallStartMs = wallClockMs();
  let rssPeak = rssBytes();

  const sim = new Simulator();
  const streams = new RandomStreams(scenario.seed);
  const latency = new LatencyHistogram();
  const intervalLatency = new LatencyHistogram();
  const deployment = new Deployment(scenario, sim, streams, {
    delivered: (latencyNs, counted) => {
      if (!counted) return;
      latency.record(latencyNs);
      intervalLatency.record(latencyNs);
    },
  });
  deployment.start();
  const setupWallSeconds = (wallClockMs() - wallStartMs) / 1000;

  const intervalNs = scenario.output.timeSeriesIntervalNs;
  const series: TimeSeries = { intervalMs: intervalNs / NS_PER_MS, startMs: [], sent: [], delivered: [], latencyP50Ms: [], latencyP99Ms: [], cpuUtilisationMean: [], connections: [] };
  let stoppedBy = 'time';
  let partial = false;
  let eventLimitLeft = scenario.maxEvents ?? Infinity;

  /** Runs until `untilNs`; false when the run was stopped early. */
  const advance = (untilNs: number): boolean => {
    for (;;) {
      if (options.shouldStop?.() === true) {
        stoppedBy = 'interrupted';
        return false;
      }
      const outcome = sim.run({ untilNs, maxEvents: Math.min(EVENTS_PER_SLICE, eventLimitLeft) });
      eventLimitLeft -= outcome.events;
      options.onProgress?.({ simulatedNs: sim.nowNs, durationNs: scenario.durationNs, events: sim.eventsProcessed });
      if (eventLimitLeft <= 0) {
        stoppedBy = 'maxEvents';
        return false;
      }
      if (outcome.stoppedBy === 'time' || outcome.stoppedBy === 'empty') {
        sim.nowNs = Math.max(sim.nowNs, untilNs);
        return true;
      }
    }
  };

  let ok = advance(scenario.warmupNs);
  deployment.beginMeasuring();
  const measureStartNs = sim.nowNs;
  let busyNsBefore = deployment.servers.map((s) => s.cpu.busyServerNs());
  let sentBefore = 0;
  let connectsBefore = 0;
  let loginsPerSecondPeak = 0;
  let deliveredBefore = 0;
  const strata = deployment.outside.isSlice ? sliceStrata(deployment) : null;
  let derivedConnectionsPeak = 0;
  for (let startNs = measureStartNs; ok && startNs < scenario.durationNs; startNs += intervalNs) {
    const endNs = Math.min(startNs + intervalNs, scenario.durationNs);
    intervalLatency.reset();
    ok = advance(endNs);
    deployment.sampleMemory();
    rssPeak = Math.max(rssPeak, rssBytes());
    const spanNs = sim.nowNs - startNs;
    let busyNs = 0;
    let cores = 0;
    const busyNow = deployment.servers.map((s) => s.cpu.busyServerNs());
    deployment.servers.forEach((s, i) => {
      busyNs += busyNow[i]! - busyNsBefore[i]!;
      cores += s.cpu.servers;
    });
    busyNsBefore = busyNow;
    const counters = deployment.counters;
    const summary = intervalLatency.summary();
    series.startMs.push(round((startNs - measureStartNs) / NS_PER_MS, 3));
    series.sent.push(counters.sent - sentBefore);
    series.delivered.push(counters.deliveriesToDevices - deliveredBefore);
    series.latencyP50Ms.push(summary.p50Ms);
    series.latencyP99Ms.push(summary.p99Ms);
    series.cpuUtilisationMean.push(spanNs > 0 && cores > 0 ? round(busyNs / (spanNs * cores), 6) : 0);
    series.connections.push(deployment.servers.reduce((sum, s) => sum + s.connections, 0));
    if (strata !== null) derivedConnectionsPeak = Math.max(derivedConnectionsPeak, derivedConnections(deployment, strata));
    if (spanNs > 0) loginsPerSecondPeak = Math.max(loginsPerSecondPeak, ((counters.connects - connectsBefore) * NS_PER_S) / spanNs);
    connectsBefore = counters.connects;
    sentBefore = counters.sent;
    deliveredBefore = counters.deliveriesToDevices;
  }
  if (!ok) partial = true;

  const measuredNs = Math.max(1, sim.nowNs - measureStartNs);
  const measuredSeconds = measuredNs / NS_PER_S;
  const counters = deployment.counters;
  const operations: Record<string, number> = {};
  OP_NAMES.forEach((name, op) => {
    operations[name] = deployment.servers.reduce((sum, s) => sum + s.opCounts[op]!, 0);
  });
  // In a slice, only the simulated servers are reported (the derived block covers the rest).
  const simulatedServers = deployment.servers.filter((s) => deployment.outside.isSimulatedServer(s.index));
  const servers: ServerResult[] = simulatedServers.map((s) => ({
    id: `chat-${s.index}`,
    role: 'chat',
    region: s.region.name,
    cores: s.cpu.servers,
    cpuUtilisation: round(s.cpu.utilisation(), 6),
    memoryBytesPeak: s.memoryBytesPeak,
    connectionsPeak: s.connectionsPeak,
    cpuQueuePeak: s.cpu.waitingPeak,
    cpuQueueMean: round(s.cpu.waitingMean(), 6),
    operations: s.opCounts.reduce((a, b) => a + b, 0),
    dropped: s.cpuDrops,
    // Frames are charged to the NIC when queued; what is still queued at the end is taken back out.
    nicUtilisation: s.nicBitsPerSecond === null ? 0 : round(Math.max(0, s.nicBusyNs - Math.max(0, s.nicFreeAtNs - sim.nowNs)) / measuredNs, 6),
  }));
  for (const service of [...deployment.directories, ...deployment.offlineStores]) {
    servers.push({
      id: service.id,
      role: service.role,
      region: service.region,
      cores: 1,
      cpuUtilisation: service.capacityOpsPerSecond === null ? 0 : round(Math.max(0, service.busyNsUntil(sim.nowNs)) / measuredNs, 6),
      memoryBytesPeak: 0,
      connectionsPeak: 0,
      cpuQueuePeak: 0,
      cpuQueueMean: 0,
      operations: service.requests,
      dropped: 0,
      nicUtilisation: 0,
    });
  }
  const links: LinkResult[] = deployment.links.map((l) => ({
    id: l.id,
    from: l.from,
    to: l.to,
    utilisation: l.bandwidthBitsPerSecond === null ? 0 : round(Math.max(0, l.busyNs - Math.max(0, l.freeAtNs - sim.nowNs)) / measuredNs, 6),
    bytes: l.bytes,
    messages: l.messages,
    lost: l.lost,
  }));
  const pending = deployment.messages.countedPending();
  const slice = strata !== null ? sliceResult(deployment, strata, servers, measuredSeconds, derivedConnectionsPeak) : undefined;
  const wallSeconds = (wallClockMs() - wallStartMs) / 1000;
  return {
    scenario: scenario.name,
    seed: scenario.seed,
    version: VERSION,
    fidelity: scenario.fidelity,
    simulatedSeconds: round(sim.nowNs / NS_PER_S, 9),
    partial,
    stoppedBy,
    messages: {
      sent: counters.sent,
      delivered: counters.delivered,
      dropped: counters.droppedMessages,
      pending,
      deliveriesToDevices: counters.deliveriesToDevices,
      backlogDeliveries: counters.backlogDeliveries,
      duplicates: counters.duplicatesAtDevices,
      storedOffline: operations['store'] ?? 0,
      expired: operations['expire'] ?? 0,
      rejected: counters.rejected,
      unsent: counters.senderOffline,
    },
    latency: { endToEnd: { ...latency.summary(), cdf: latencyCdf(latency) } },
    rates: {
      messagesInPerSecond: round(counters.sent / measuredSeconds, 3),
      messagesOutPerSecond: round(counters.deliveriesToDevices / measuredSeconds, 3),
      messagesInPerSecondPeak: round(peakPerSecond(series.sent, series.intervalMs), 3),
      messagesOutPerSecondPeak: round(peakPerSecond(series.delivered, series.intervalMs), 3),
      loginsPerSecondPeak: round(loginsPerSecondPeak, 3),
      connectionsPeak: series.connections.reduce((peak, c) => Math.max(peak, c), 0),
    },
    servers,
    links,
    operations,
    timeSeries: series,
    ...(slice === undefined ? {} : { slice }),
    meta: {
      wallSeconds: round(wallSeconds, 3),
      events: sim.eventsProcessed,
      eventsPerWallSecond: wallSeconds > 0 ? Math.round(sim.eventsProcessed / wallSeconds) : 0,
      messagesPerWallSecond: wallSeconds > 0 ? Math.round(counters.delivered / wallSeconds) : 0,
      peakRssBytes: rssPeak,
      setupWallSeconds: round(setupWallSeconds, 3),
    },
  };
}
