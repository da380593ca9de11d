/**
 * The analytic first guess a capacity search starts from: each chat server as an M/M/c queue over
 * its cores, fed by its share of the workload's CPU operations.
 *
 * Per message (deployment-wide), from the resolved scenario:
 * - route: 1, at the sender's server;
 * - deliver and ack: one per recipient device copy (groups and companions included), and one
 *   server ack back to the sender;
 * - fanout: one per extra device copy of a group message;
 * - receipt: one per copy (delivery receipt), plus one per read copy (read receipt);
 * - store: one per copy to an offline device (1 - the region's mean online share).
 * Session churn (connect, disconnect, directory lookups on connect) and group setup are left out:
 * they are small next to messages in most workloads, and the simulation that follows measures them.
 * Each region carries the CPU of its share of the online users, spread evenly over its servers.
 * Costs count at their mean times `costs.scale`; a calibration profile is not read here.
 */
import type { ResolvedScenario } from '../../scenario/resolved.js';
import { estimateFootprint } from '../../scenario/estimate.js';
import { mmc } from '../mmc.js';
import type { QueueResult } from '../queue-metrics.js';

export interface RegionLoadEstimate {
  region: string;
  servers: number;
  cores: number;
  /** CPU operations per second arriving at one server of the region. */
  operationsPerSecondPerServer: number;
  /** Mean CPU time of one operation, seconds. */
  serviceTimeSeconds: number;
  /** Offered load / cores of one server. */
  utilisation: number;
  /** The M/M/c figures of one server (stable: false when utilisation >= 1). */
  queue: QueueResult;
}

export interface LoadEstimate {
  messagesPerSecond: number;
  /** CPU operations per message, deployment-wide (those with a cost). */
  operationsPerMessage: number;
  /** CPU seconds per message, deployment-wide. */
  cpuSecondsPerMessage: number;
  regions: RegionLoadEstimate[];
  /** The busiest region's server utilisation: what `cpu<...` SLOs bound. */
  utilisationMax: number;
}

function meanNs(spec: { mean: number | null; constant: number | null }): number {
  return spec.mean ?? spec.constant ?? 0;
}

export function estimateLoad(scenario: ResolvedScenario): LoadEstimate {
  const { workload, costs } = scenario;
  const copies = estimateFootprint(scenario).copiesPerMessage;
  const onlineUsers = scenario.regions.reduce((sum, r) => sum + r.users * r.online.fractionMean, 0);
  const offlineShare = onlineUsers === 0 || scenario.totals.users === 0 ? 0 : 1 - onlineUsers / scenario.totals.users;
  const groupCopies = workload.groups.fraction > 0 ? copies - (1 - workload.groups.fraction) * workload.devicesPerUserMean : 0;
  const counts: Record<string, number> = {
    route: 1,
    deliver: copies,
    ack: copies + 1,
    fanout: Math.max(0, groupCopies - workload.groups.fraction),
    receipt: copies * (1 + workload.read.within60sFraction),
    store: copies * offlineShare,
  };
  let operations = 0;
  let cpuNs = 0;
  for (const [op, count] of Object.entries(counts)) {
    const costNs = meanNs(costs.opsNs[op as keyof typeof costs.opsNs].costNs) * costs.scale;
    if (costNs <= 0 || count <= 0) continue;
    operations += count;
    cpuNs += count * costNs;
  }
  const messagesPerSecond = scenario.totals.messagesPerSecondMean;
  const serviceTimeSeconds = operations > 0 ? cpuNs / operations / 1e9 : 0;
  const regions = scenario.regions.map((region): RegionLoadEstimate => {
    const share = onlineUsers > 0 ? (region.users * region.online.fractionMean) / onlineUsers : 0;
    const servers = region.chatServers.count;
    const cores = region.chatServers.cores;
    const operationsPerSecondPerServer = servers > 0 ? (messagesPerSecond * share * operations) / servers : 0;
    const utilisation = (operationsPerSecondPerServer * serviceTimeSeconds) / cores;
    const queue =
      operationsPerSecondPerServer > 0 && serviceTimeSeconds > 0
        ? mmc({ arrivalRatePerSecond: operationsPerSecondPerServer, serviceTimeSeconds, servers: cores })
        : mmc({ arrivalRatePerSecond: 0, serviceTimeSeconds: Math.max(serviceTimeSeconds, 1e-9), servers: cores });
    return { region: region.name, servers, cores, operationsPerSecondPerServer, serviceTimeSeconds, utilisation, queue };
  });
  return {
    messagesPerSecond,
    operationsPerMessage: operations,
    cpuSecondsPerMessage: cpuNs / 1e9,
    regions,
    utilisationMax: Math.max(0, ...regions.map((r) => r.utilisation)),
  };
}
