/**
 * The results contract (DESIGN.md section 8) from the parts of a run (src/engine/run-part.ts):
 * counts and busy times add up, histograms merge, a server is in one part only. The parts are
 * combined in part order whatever order they finished in, so one machine, worker threads and a
 * merge of shards give the same bytes (apart from `meta`).
 */
import { OP_NAMES } from '../core/ops.js';
import { latencyCdf } from '../metrics/latency-cdf.js';
import { LatencyHistogram } from '../metrics/latency-histogram.js';
import type { LinkResult, PartMeta, RatesResult, RunResult, ServerResult, TimeSeries } from '../metrics/run-result.js';
import type { ResolvedScenario } from '../scenario/resolved.js';
import { NS_PER_MS, NS_PER_S } from '../sim/time.js';
import type { RunPart } from './run-part.js';
import { isPartialCover, scaledByRegion, sliceResult, sliceStrata } from './slice-derivation.js';
import { VERSION } from './version.js';

export interface AssembleMeta {
  /** Wall time of the whole run as the caller saw it (s). */
  wallSeconds: number;
  /** Resident memory peak of the caller's process, beside the parts' own (bytes). */
  peakRssBytes: number;
}

const round = (value: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

/** The busiest full interval's count, per second (a last, shorter interval is not extrapolated). */
/**
 * The busiest interval's count per second, each interval over its own length: a last interval cut
 * short by the run's end (a 2 s run in 1.5 s of measuring) is as busy per second as the others,
 * though its count is smaller, and dividing it by the full interval put the peak below the mean.
 */
function peakPerSecond(counts: readonly number[], spansMs: readonly number[]): number {
  let peak = 0;
  counts.forEach((count, i) => {
    const spanMs = spansMs[i]!;
    if (spanMs > 0) peak = Math.max(peak, (count * 1000) / spanMs);
  });
  return peak;
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/** Adds arrays of equal length element by element. */
function addUp(arrays: readonly (readonly number[])[]): number[] {
  const out = new Array<number>(arrays[0]?.length ?? 0).fill(0);
  for (const values of arrays) values.forEach((value, i) => (out[i]! += value));
  return out;
}

/** The parts' histograms added up (the only one when there is one part). */
function mergedLatency(parts: readonly RunPart[]): LatencyHistogram {
  if (parts.length === 1) return parts[0]!.latency;
  return LatencyHistogram.merged(parts.map((p) => p.latency));
}

function timeSeries(scenario: ResolvedScenario, parts: readonly RunPart[], measureStartNs: number): TimeSeries {
  const intervalNs = scenario.output.timeSeriesIntervalNs;
  const series: TimeSeries = { intervalMs: intervalNs / NS_PER_MS, startMs: [], spanMs: [], sent: [], delivered: [], latencyP50Ms: [], latencyP99Ms: [], cpuUtilisationMean: [], connections: [] };
  // A part stopped early (Ctrl-C) has fewer intervals: the series covers what every part ran.
  const intervals = Math.min(...parts.map((p) => p.intervals.length));
  const scratch = parts.length > 1 ? new LatencyHistogram() : null;
  for (let i = 0; i < intervals; i++) {
    const rows = parts.map((p) => p.intervals[i]!);
    const first = rows[0]!;
    const spanNs = first.spanNs;
    const busyNs = sum(rows.map((r) => r.busyNs));
    const cores = sum(rows.map((r) => r.cores));
    series.startMs.push(round((first.startNs - measureStartNs) / NS_PER_MS, 3));
    series.spanMs.push(round(spanNs / NS_PER_MS, 3));
    series.sent.push(sum(rows.map((r) => r.sent)));
    series.delivered.push(sum(rows.map((r) => r.delivered)));
    if (scratch === null) {
      series.latencyP50Ms.push(first.latencyP50Ms);
      series.latencyP99Ms.push(first.latencyP99Ms);
    } else {
      scratch.reset();
      for (const row of rows) if (row.latency !== null) scratch.merge(LatencyHistogram.fromJson(row.latency));
      const summary = scratch.summary();
      series.latencyP50Ms.push(summary.p50Ms);
      series.latencyP99Ms.push(summary.p99Ms);
    }
    series.cpuUtilisationMean.push(spanNs > 0 && cores > 0 ? round(busyNs / (spanNs * cores), 6) : 0);
    series.connections.push(sum(rows.map((r) => r.connections)));
  }
  return series;
}

function partMeta(part: RunPart): PartMeta {
  return {
    index: part.part.index,
    wallSeconds: round(part.wallSeconds, 3),
    setupWallSeconds: round(part.setupWallSeconds, 3),
    events: part.events,
    partial: part.partial,
  };
}

export function assembleRun(scenario: ResolvedScenario, parts: readonly RunPart[], meta: AssembleMeta): RunResult {
  if (parts.length === 0) throw new Error('assemble: no parts (broken invariant)');
  const ordered = [...parts].sort((a, b) => a.part.index - b.part.index);
  const first = ordered[0]!;
  const measureStartNs = first.measureStartNs;
  const endNs = Math.max(...ordered.map((p) => p.endNs));
  const measuredNs = Math.max(1, endNs - measureStartNs);
  const measuredSeconds = measuredNs / NS_PER_S;

  const operationCounts = addUp(ordered.map((p) => p.operations));
  const operations: Record<string, number> = {};
  OP_NAMES.forEach((name, op) => {
    operations[name] = operationCounts[op] ?? 0;
  });
  const counter = (name: keyof RunPart['counters']) => sum(ordered.map((p) => p.counters[name]));

  const chat = ordered.flatMap((p) => p.servers).sort((a, b) => a.index - b.index);
  const servers: ServerResult[] = chat.map((s) => ({
    id: `chat-${s.index}`,
    role: 'chat',
    region: s.region,
    cores: s.cores,
    cpuUtilisation: s.cpuUtilisation,
    memoryBytesPeak: s.memoryBytesPeak,
    connectionsPeak: s.connectionsPeak,
    cpuQueuePeak: s.cpuQueuePeak,
    cpuQueueMean: s.cpuQueueMean,
    operations: s.operations,
    dropped: s.dropped,
    nicUtilisation: s.nicUnlimited ? 0 : round(s.nicBusyNs / measuredNs, 6),
  }));
  // Backing services and links are shared: every part's load on them adds up.
  first.services.forEach((service, i) => {
    const all = ordered.map((p) => p.services[i]!);
    servers.push({
      id: service.id,
      role: service.role,
      region: service.region,
      cores: 1,
      cpuUtilisation: service.unlimited ? 0 : round(sum(all.map((s) => s.busyNs)) / measuredNs, 6),
      memoryBytesPeak: 0,
      connectionsPeak: 0,
      // Each part queues its own share of the load: the peak is the largest part's; the mean (by
      // Little's law, waits over the window) adds up as the busy time does.
      cpuQueuePeak: Math.max(...all.map((s) => s.queuePeak)),
      cpuQueueMean: round(sum(all.map((s) => s.queueWaitNsSum)) / measuredNs, 6),
      operations: sum(all.map((s) => s.requests)),
      dropped: 0,
      nicUtilisation: 0,
    });
  });
  const links: LinkResult[] = first.links.map((link, i) => {
    const all = ordered.map((p) => p.links[i]!);
    return {
      id: link.id,
      from: link.from,
      to: link.to,
      bandwidthBitsPerSecond: link.bandwidthBitsPerSecond,
      utilisation: link.bandwidthBitsPerSecond === null ? 0 : round(sum(all.map((l) => l.busyNs)) / measuredNs, 6),
      bytes: sum(all.map((l) => l.bytes)),
      messages: sum(all.map((l) => l.messages)),
      lost: sum(all.map((l) => l.lost)),
    };
  });

  const series = timeSeries(scenario, ordered, measureStartNs);
  const spanIntervals = series.startMs.length;
  let loginsPerSecondPeak = 0;
  const strata = sliceStrata(scenario, addUp(ordered.map((p) => p.simulatedByRegion)));
  const isSlice = scenario.fidelity === 'slice' && isPartialCover(strata);
  // A slice's deployment-wide peaks: each interval's counts by region, scaled, then the busiest.
  const derivedPeaks = { messagesInPerSecond: 0, messagesOutPerSecond: 0, loginsPerSecond: 0, connections: 0 };
  for (let i = 0; i < spanIntervals; i++) {
    const rows = ordered.map((p) => p.intervals[i]!);
    const spanNs = rows[0]!.spanNs;
    if (spanNs > 0) loginsPerSecondPeak = Math.max(loginsPerSecondPeak, (sum(rows.map((r) => r.connects)) * NS_PER_S) / spanNs);
    if (!isSlice) continue;
    derivedPeaks.connections = Math.max(derivedPeaks.connections, scaledByRegion(addUp(rows.map((r) => r.connectionsByRegion)), strata));
    if (spanNs <= 0) continue;
    const perSecond = (byRegion: number[][]) => (scaledByRegion(addUp(byRegion), strata) * NS_PER_S) / spanNs;
    derivedPeaks.messagesInPerSecond = Math.max(derivedPeaks.messagesInPerSecond, perSecond(rows.map((r) => r.sentInsideByRegion)));
    derivedPeaks.messagesOutPerSecond = Math.max(derivedPeaks.messagesOutPerSecond, perSecond(rows.map((r) => r.deliveriesByRegion)));
    derivedPeaks.loginsPerSecond = Math.max(derivedPeaks.loginsPerSecond, perSecond(rows.map((r) => r.connectsByRegion)));
  }

  const latency = mergedLatency(ordered);
  const sent = counter('sent');
  const deliveriesToDevices = counter('deliveriesToDevices');
  const delivered = counter('delivered');
  const simulatedRates: RatesResult = {
    messagesInPerSecond: round(sent / measuredSeconds, 3),
    messagesOutPerSecond: round(deliveriesToDevices / measuredSeconds, 3),
    messagesInPerSecondPeak: round(peakPerSecond(series.sent, series.spanMs), 3),
    messagesOutPerSecondPeak: round(peakPerSecond(series.delivered, series.spanMs), 3),
    loginsPerSecondPeak: round(loginsPerSecondPeak, 3),
    connectionsPeak: series.connections.reduce((peak, c) => Math.max(peak, c), 0),
  };
  const slice = isSlice
    ? sliceResult(scenario, strata, servers, measuredSeconds, derivedPeaks, simulatedRates, {
        sentInside: addUp(ordered.map((p) => p.sentInsideByRegion)),
        deliveries: addUp(ordered.map((p) => p.deliveriesByRegion)),
      })
    : undefined;
  const events = sum(ordered.map((p) => p.events));
  const stopped = ordered.find((p) => p.stoppedBy !== 'time');
  const wallSeconds = meta.wallSeconds;
  return {
    scenario: scenario.name,
    seed: scenario.seed,
    version: VERSION,
    fidelity: scenario.fidelity,
    simulatedSeconds: round(endNs / NS_PER_S, 9),
    partial: ordered.some((p) => p.partial),
    stoppedBy: stopped === undefined ? 'time' : stopped.stoppedBy,
    messages: {
      sent,
      delivered,
      dropped: counter('droppedMessages'),
      pending: sum(ordered.map((p) => p.pending)),
      deliveriesToDevices,
      backlogDeliveries: counter('backlogDeliveries'),
      warmupDeliveries: counter('warmupDeliveries'),
      duplicates: counter('duplicatesAtDevices'),
      storedOffline: operations['store'] ?? 0,
      expired: operations['expire'] ?? 0,
      rejected: counter('rejected'),
      unsent: counter('senderOffline'),
    },
    latency: { endToEnd: { ...latency.summary(), cdf: latencyCdf(latency) } },
    rates: slice === undefined ? simulatedRates : slice.rates,
    servers,
    links,
    operations,
    timeSeries: series,
    ...(slice === undefined ? {} : { slice: slice.result }),
    meta: {
      wallSeconds: round(wallSeconds, 3),
      events,
      eventsPerWallSecond: wallSeconds > 0 ? Math.round(events / wallSeconds) : 0,
      messagesPerWallSecond: wallSeconds > 0 ? Math.round(delivered / wallSeconds) : 0,
      peakRssBytes: Math.max(meta.peakRssBytes, ...ordered.map((p) => p.peakRssBytes)),
      setupWallSeconds: round(Math.max(...ordered.map((p) => p.setupWallSeconds)), 3),
      ...(first.part.count > 1 ? { parts: ordered.map(partMeta) } : {}),
    },
  };
}
