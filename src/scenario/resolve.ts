/**
 * From the parsed scenario (units converted, schema defaults applied) to the resolved one the
 * simulator consumes: per-region overrides merged, regions, users and servers numbered, online
 * shares laid out by local hour, costs given their precedence. Runs only on data that passed the
 * schema and the cross-checks, so it asserts instead of reporting.
 */
import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { describeDistribution } from './distributions.js';
import { onlineFractionByLocalHour, onlineFractionMaxOver, type DiurnalShape } from './diurnal.js';
import type { ResolvedCost, ResolvedRegion, ResolvedScenario, ResolvedWorkload } from './resolved.js';
import { BUILT_IN_COSTS, COST_OPS, type CostOp, type ScenarioParsed } from './schema.js';
import { linkEnds } from './cross-checks.js';
import { NS_PER_MIN, NS_PER_MS, parseDurationNs } from './units.js';
import { parseStartInstantMs, utcOffsetMinutesAt } from './timezones.js';

const SECONDS_PER_DAY = 86_400;
const MS_PER_DAY = SECONDS_PER_DAY * 1000;
/** Without messagesPerUserPerDay or messagesPerSecond: a plausible messaging user's day. */
export const DEFAULT_MESSAGES_PER_USER_PER_DAY = { mean: 40, zipf: 1 };
/** Without either size share: mostly text. */
export const DEFAULT_TEXT_FRACTION = 0.9;

function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`resolveScenario: ${message}`);
}

function sizeFractions(text: number | undefined, media: number | undefined): { text: number; media: number } {
  if (text === undefined && media === undefined) return { text: DEFAULT_TEXT_FRACTION, media: 1 - DEFAULT_TEXT_FRACTION };
  if (text === undefined) return { text: Math.max(0, 1 - (media ?? 0)), media: media ?? 0 };
  if (media === undefined) return { text, media: Math.max(0, 1 - text) };
  return { text, media };
}

function resolveWorkload(workload: ScenarioParsed['workload']): ResolvedWorkload {
  const devicesPerUser = Object.entries(workload.devicesPerUser)
    .map(([devices, fraction]) => ({ devices: Number(devices), fraction }))
    .sort((a, b) => a.devices - b.devices);
  const devicesPerUserMean = devicesPerUser.reduce((sum, entry) => sum + entry.devices * entry.fraction, 0);
  const arrivals: ResolvedWorkload['arrivals'] =
    workload.messagesPerSecond !== undefined
      ? { kind: 'totalPerSecond', messagesPerSecond: workload.messagesPerSecond, senderZipfSkew: 0 }
      : {
          kind: 'perUserPerDay',
          messagesPerUserPerDayMean: workload.messagesPerUserPerDay?.mean ?? DEFAULT_MESSAGES_PER_USER_PER_DAY.mean,
          senderZipfSkew: workload.messagesPerUserPerDay?.zipf ?? DEFAULT_MESSAGES_PER_USER_PER_DAY.zipf,
        };
  const size = workload.groups.size;
  const fractions = sizeFractions(workload.sizes.text.share, workload.sizes.media.share);
  return {
    devicesPerUser,
    devicesPerUserMean,
    arrivals,
    recipients: { sameRegionFraction: workload.recipients.sameRegion, pick: workload.recipients.pick, zipfSkew: workload.recipients.zipf },
    groups: {
      fraction: workload.groups.share,
      size:
        size.pareto === undefined
          ? { kind: 'uniform', min: size.min, max: size.max }
          : { kind: 'boundedPareto', paretoAlpha: size.pareto, min: size.min, max: size.max },
    },
    sizes: {
      text: { fraction: fractions.text, sizeBytes: workload.sizes.text.bytes },
      media: { fraction: fractions.media, sizeBytes: workload.sizes.media.bytes },
    },
    read: { within60sFraction: workload.read.within60s },
  };
}

export interface ResolveContext {
  /** Directory that relative paths in the scenario (costs.profile) are relative to. */
  baseDir: string;
}

export function resolveScenario(parsed: ScenarioParsed, context: ResolveContext): ResolvedScenario {
  const startUtcMs = parseStartInstantMs(parsed.start);
  assert(typeof startUtcMs === 'number', 'start passed the schema but does not parse');
  const workload = resolveWorkload(parsed.workload);

  const regions: ResolvedRegion[] = [];
  let userIdFirst = 0;
  let serverIndexFirst = 0;
  for (const [index, [name, region]] of Object.entries(parsed.regions).entries()) {
    const online = { ...parsed.workload.online, ...stripUndefined(region.online ?? {}) };
    const fractionByLocalHour = onlineFractionByLocalHour(online.share, online.diurnal as DiurnalShape);
    const servers = region.chatServers ?? {};
    const count = servers.count ?? parsed.chatServers.perRegion;
    regions.push({
      name,
      index,
      timezone: region.timezone,
      utcOffsetMinutes: utcOffsetMinutesAt(region.timezone, startUtcMs),
      users: region.users,
      userIdFirst,
      accessLatencyNs: region.accessLatency,
      online: {
        fractionByLocalHour,
        fractionMean: fractionByLocalHour.reduce((sum, fraction) => sum + fraction, 0) / fractionByLocalHour.length,
        sessionMeanNs: online.meanSession,
        reconnectsPerHour: online.reconnectsPerHour,
      },
      chatServers: {
        count,
        serverIndexFirst,
        cores: servers.cores ?? parsed.chatServers.cores,
        memoryBytes: servers.memory ?? parsed.chatServers.memory,
        nicBitsPerSecond: servers.nic !== undefined ? servers.nic : parsed.chatServers.nic,
        interServerLatencyNs: servers.interServerLatency ?? parsed.chatServers.interServerLatency,
        cpuQueueMax: parsed.chatServers.cpuQueueMax,
      },
    });
    userIdFirst += region.users;
    serverIndexFirst += count;
  }
  assert(regions.length > 0, 'no regions');

  const regionNames = regions.map((region) => region.name);
  const links = Object.entries(parsed.links).map(([name, link]) => {
    const ends = linkEnds(name, regionNames);
    assert(!('error' in ends), `link ${name} passed the cross-checks but does not resolve`);
    return {
      name,
      regionA: ends.a,
      regionB: ends.b,
      latencyNs: link.latency,
      bandwidthBitsPerSecond: link.bandwidth,
      lossFraction: link.loss,
    };
  });

  const opsNs = {} as Record<CostOp, ResolvedCost>;
  const profileCostsNs = parsed.costs.profile === undefined ? {} : readProfileCostsNs(resolvePath(context.baseDir, parsed.costs.profile));
  for (const op of COST_OPS) {
    const listed = parsed.costs[op];
    const measuredNs = profileCostsNs[op];
    if (listed !== undefined) opsNs[op] = { costNs: listed, source: 'table' };
    else if (measuredNs !== undefined) opsNs[op] = { costNs: describeDistribution(`${measuredNs}ns`, parseDurationNs), source: 'profile' };
    else if (parsed.costs.others !== undefined) opsNs[op] = { costNs: parsed.costs.others, source: 'others' };
    else opsNs[op] = { costNs: describeDistribution(BUILT_IN_COSTS[op], parseDurationNs), source: 'builtIn' };
  }

  const chatServersTotal = regions.reduce((sum, region) => sum + region.chatServers.count, 0);
  const users = regions.reduce((sum, region) => sum + region.users, 0);
  const devicesTotal = users * workload.devicesPerUserMean;
  // Simulated time 0 is startUtcMs; a region's local clock is UTC plus its offset.
  const startOfDayUtcNs = (((startUtcMs % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY) * NS_PER_MS;
  const connectedDevicesPeak = regions.reduce((sum, region) => {
    const localStartNs = startOfDayUtcNs + region.utcOffsetMinutes * NS_PER_MIN;
    const fractionMax = onlineFractionMaxOver(region.online.fractionByLocalHour, localStartNs, parsed.duration);
    return sum + region.users * workload.devicesPerUserMean * fractionMax;
  }, 0);
  const messagesPerSecondMean =
    workload.arrivals.kind === 'totalPerSecond' ? workload.arrivals.messagesPerSecond : (users * workload.arrivals.messagesPerUserPerDayMean) / SECONDS_PER_DAY;

  return {
    name: parsed.name,
    description: parsed.description ?? '',
    seed: parsed.seed,
    startUtcMs,
    startUtcIso: new Date(startUtcMs).toISOString(),
    durationNs: parsed.duration,
    warmupNs: parsed.warmup,
    fidelity: parsed.fidelity,
    sliceServers: parsed.fidelity === 'slice' ? (parsed.sliceServers ?? chatServersTotal) : chatServersTotal,
    sliceParts: parsed.fidelity === 'slice' ? (parsed.sliceParts ?? 1) : 1,
    maxEvents: parsed.maxEvents ?? null,
    regions,
    links,
    placement: parsed.chatServers.placement,
    directory: { latencyNs: parsed.directory.latency, capacityOpsPerSecond: parsed.directory.capacity, queueMax: parsed.directory.queueMax },
    offlineStore: {
      latencyNs: parsed.offlineStore.latency,
      capacityOpsPerSecond: parsed.offlineStore.capacity,
      queueMax: parsed.offlineStore.queueMax,
      messagesPerDeviceMax: parsed.offlineStore.messagesPerDeviceMax,
      retentionNs: parsed.offlineStore.retention,
      warmBacklog: parsed.offlineStore.warmBacklog,
    },
    costs: {
      scale: parsed.costs.scale,
      profilePath: parsed.costs.profile === undefined ? null : resolvePath(context.baseDir, parsed.costs.profile),
      opsNs,
    },
    workload,
    output: { timeSeriesIntervalNs: parsed.output.timeSeriesInterval },
    totals: {
      users,
      chatServers: chatServersTotal,
      cores: regions.reduce((sum, region) => sum + region.chatServers.count * region.chatServers.cores, 0),
      devices: Math.round(devicesTotal),
      connectedDevicesPeak: Math.round(connectedDevicesPeak),
      messagesPerSecondMean,
    },
  };
}

/**
 * The measured mean cost per operation of a `chatscale calibrate` profile (load.ts has checked its
 * shape). Means are used as constant costs: calibrate measures means, not distributions.
 */
function readProfileCostsNs(path: string): Partial<Record<string, number>> {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as { costsNs: Record<string, number> };
  return profile.costsNs;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
