/**
 * The analytic first guess a capacity search starts from: each chat server as an M/M/c queue over
 * its cores, fed by the CPU operations that land on its region's servers. Nothing is simulated
 * here; every count is derived from what the routing core (src/core/chat-server.ts) and the model
 * around it (src/model) do, at the scenario's mean rates over the run's measured window (warm-up
 * to end), so that it can be held against the simulation that follows.
 *
 * Per region: the share of devices online is the diurnal curve averaged over the window (what the
 * simulation follows; not the day's mean), which sets the users with a device online (senders;
 * a user with more devices is online more often) and the devices of online and offline users.
 * Messages per second follow the online share for per-user rates. Devices connect to their
 * user's home server, so a device's pushes, acks, stores and drains run there.
 *
 * Per message sent (the comments in operation-tally.ts and delivery-tally.ts say where each happens in the core):
 * - at the sender's home: `route` and a server ack (priced `ack`; its push is free), and a copy
 *   to each of the sender's other devices;
 * - per device copy (one-to-one: every device of the recipient; group: every device of every
 *   member but the sending one), at that device's home: `fanout`; online: a `deliver` push and
 *   the device's `ack`; offline: a `store`, drained later; `senderKey` on every copy of a device's
 *   first message to a group in the run;
 * - per copy taken from another user: a delivery `receipt`, and for a one-to-one copy a read
 *   (route, server ack, receipt) for `read.within60s` of them (less those whose device goes
 *   offline within the minute), each copied to every device of the sender (fanout, then a push
 *   priced `receipt` and an ack, or a store);
 * - drains in the window: the warm start's backlog (offlineStore.warmBacklog) for devices offline
 *   since the start, whose copies come from random users (receipts and reads go to them), and the
 *   run's own stores for devices that logged in since;
 * - directory lookups of caches that start cold (recipient and sender homes, group homes, device
 *   masks): each key's first use in the run, from its rate of use (firstTouchShare).
 * Per second, not per message: session churn (connect, disconnect, a directory write each, and
 * the lookups of a login whose user the home has not met). Group changes: none (the workload
 * sends none; groups that predate the run are created uncharged).
 * Each region's CPU is spread evenly over its servers. Costs count at their mean times
 * `costs.scale` (the table, profile or built-in costs, as resolved). Not modelled: a drain still
 * under way when the run ends, pushes lost on a closing connection and sent again, and the home
 * cache's clearing when full.
 */
import type { ResolvedScenario } from '../../scenario/resolved.js';
import { NS_PER_S } from '../../scenario/units.js';
import { mmc } from '../mmc.js';
import type { QueueResult } from '../queue-metrics.js';
import { estimateOperations, OPERATION_COST, OPERATION_KINDS, zeroCounts, type OperationCounts, type OperationKind } from './operation-counts.js';

export { firstTouchShare } from './first-touch.js';

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
  /** Share of the region's devices online, averaged over the measured window. */
  onlineShare: number;
  /** Operations per second at all of the region's servers, by kind (priced or not). */
  operationsPerSecond: OperationCounts;
}

export interface LoadEstimate {
  /** Messages sent per second over the measured window. */
  messagesPerSecond: number;
  /** CPU operations per message, deployment-wide (those with a cost; session churn included, per message). */
  operationsPerMessage: number;
  /** CPU seconds per message, deployment-wide (session churn included, per message). */
  cpuSecondsPerMessage: number;
  regions: RegionLoadEstimate[];
  /** The busiest region's server utilisation: what `cpu<...` SLOs bound. */
  utilisationMax: number;
  /** Operations per message sent, deployment-wide, by kind (session churn not included). */
  operationCountsPerMessage: OperationCounts;
  /** Session churn per second, deployment-wide: connects, disconnects, their directory writes and lookups. */
  sessionOperationsPerSecond: OperationCounts;
}

function meanNs(spec: { mean: number | null; constant: number | null }): number {
  return spec.mean ?? spec.constant ?? 0;
}

export function estimateLoad(scenario: ResolvedScenario): LoadEstimate {
  const { costs } = scenario;
  const { messagesPerSecond, regions: byRegion, sessions } = estimateOperations(scenario);
  const costNsOf = (kind: OperationKind): number => meanNs(costs.opsNs[OPERATION_COST[kind]].costNs) * costs.scale;
  const perMessage = zeroCounts();
  let operationsPerSecond = 0;
  let cpuNsPerSecond = 0;
  const regions = byRegion.map(({ state, ops }): RegionLoadEstimate => {
    let operations = 0;
    let cpuNs = 0;
    for (const kind of OPERATION_KINDS) {
      const count = ops[kind];
      if (messagesPerSecond > 0) perMessage[kind] += count / messagesPerSecond;
      const costNs = costNsOf(kind);
      if (!(costNs > 0) || !(count > 0)) continue;
      operations += count;
      cpuNs += count * costNs;
    }
    operationsPerSecond += operations;
    cpuNsPerSecond += cpuNs;
    const servers = state.servers;
    const cores = state.region.chatServers.cores;
    const operationsPerSecondPerServer = servers > 0 ? operations / servers : 0;
    const serviceTimeSeconds = operations > 0 ? cpuNs / operations / NS_PER_S : 0;
    const utilisation = servers > 0 && cores > 0 ? cpuNs / NS_PER_S / servers / cores : 0;
    const queue =
      operationsPerSecondPerServer > 0 && serviceTimeSeconds > 0
        ? mmc({ arrivalRatePerSecond: operationsPerSecondPerServer, serviceTimeSeconds, servers: cores })
        : mmc({ arrivalRatePerSecond: 0, serviceTimeSeconds: Math.max(serviceTimeSeconds, 1e-9), servers: cores });
    return { region: state.region.name, servers, cores, operationsPerSecondPerServer, serviceTimeSeconds, utilisation, queue, onlineShare: state.p, operationsPerSecond: ops };
  });
  // Session churn is per second, not per message: taken out of the per-message counts.
  for (const kind of OPERATION_KINDS) if (messagesPerSecond > 0) perMessage[kind] -= sessions[kind] / messagesPerSecond;
  return {
    messagesPerSecond,
    operationsPerMessage: messagesPerSecond > 0 ? operationsPerSecond / messagesPerSecond : 0,
    cpuSecondsPerMessage: messagesPerSecond > 0 ? cpuNsPerSecond / messagesPerSecond / NS_PER_S : 0,
    regions,
    utilisationMax: Math.max(0, ...regions.map((r) => r.utilisation)),
    operationCountsPerMessage: perMessage,
    sessionOperationsPerSecond: sessions,
  };
}
