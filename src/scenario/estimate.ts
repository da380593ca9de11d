/**
 * What a run of a scenario needs in memory, estimated before it runs, so `validate` can show it
 * and `run` can refuse a scenario too large for the machine (DESIGN.md section 9) with the fix.
 *
 * Assumptions (each a constant below, printed by `validate`):
 * - 800 bytes per connected device, everything included: the budget of DESIGN.md section 10
 *   (session, routing entry, connection queue share, directory entry).
 * - 256 bytes per message copy in flight (pool slot: ids, times, endpoints, size, state). Copies
 *   in flight = copies per second x time in the system (Little's law), where the time in the
 *   system is two access latencies, the slowest link, a hop, and 100 ms of queueing and acks.
 * - 96 bytes per message stored for an offline device; every copy to an offline device stays
 *   stored for the rest of the run (worst case), at most messagesPerDeviceMax per device.
 * - 2 MiB per simulated chat server for histograms, time series and CPU queues, and 128 MiB for
 *   the Node runtime and code.
 * - 16 bytes per ordered pair of chat servers with a simulated end (the links' FIFO times and the
 *   frame tickets that keep a pair's frames in order): N x N at full fidelity, 2 x k x N in a
 *   slice (256 MB for 2,000 servers in full, 1.3 MB for 8 of 10,000 in a slice).
 * - With fidelity slice, devices, copies and stored messages scale by sliceServers / chatServers.
 * Distributions count at their mean (the first argument when the mean is unknown).
 */
import { pareto } from '../sim/distributions/index.js';
import type { ResolvedScenario } from './resolved.js';
import { NS_PER_MS, NS_PER_S } from './units.js';

export const BYTES_PER_CONNECTED_DEVICE = 800;
export const BYTES_PER_MESSAGE_IN_FLIGHT = 256;
export const BYTES_PER_STORED_MESSAGE = 96;
export const BYTES_PER_SIMULATED_SERVER = 2 * 1024 * 1024;
/** Node and V8 at rest, plus the launcher's 64 MB semi-spaces (two of them; bin/chatscale.js). */
export const RUNTIME_BASE_BYTES = 256 * 1024 * 1024;
export const BYTES_PER_SERVER_PAIR = 16;
/** Queueing, acks and receipts on top of the path's latencies, for Little's law. */
export const IN_FLIGHT_SLACK_NS = 100 * NS_PER_MS;

export interface FootprintEstimate {
  /** Chat servers simulated in detail, and their share of the deployment. */
  simulatedServers: number;
  simulatedShare: number;
  /** Devices connected at the busiest hour, in the simulated servers. */
  connectedDevicesPeak: number;
  connectedDevicesBytes: number;
  /** Message copies (one per recipient device) per simulated second, deployment-wide. */
  messageCopiesPerSecond: number;
  /** Mean recipient devices per message (groups and companions included). */
  copiesPerMessage: number;
  inFlightCopies: number;
  inFlightBytes: number;
  storedMessagesPeak: number;
  storedBytes: number;
  fixedBytes: number;
  totalBytes: number;
  /** The assumptions above, as sentences for people. */
  assumptions: string[];
}

function meanOr(spec: { mean: number | null; constant: number | null }, fallback: number): number {
  return spec.mean ?? spec.constant ?? fallback;
}

/** Mean members of a group (sender included), from its size distribution. */
export function groupSizeMean(size: ResolvedScenario['workload']['groups']['size']): number {
  if (size.kind === 'uniform') return (size.min + size.max) / 2;
  if (size.min === size.max) return size.min;
  return pareto(size.paretoAlpha, size.min, size.max).mean;
}

export function estimateFootprint(scenario: ResolvedScenario): FootprintEstimate {
  const { workload, totals } = scenario;
  const simulatedShare = totals.chatServers > 0 ? scenario.sliceServers / totals.chatServers : 1;

  const connectedDevicesPeak = Math.round(totals.connectedDevicesPeak * simulatedShare);
  const groupMembersOther = Math.max(0, groupSizeMean(workload.groups.size) - 1);
  const copiesPerMessage =
    workload.devicesPerUserMean * ((1 - workload.groups.fraction) * 1 + workload.groups.fraction * groupMembersOther);
  const messageCopiesPerSecond = totals.messagesPerSecondMean * copiesPerMessage;

  const accessNs = Math.max(0, ...scenario.regions.map((region) => meanOr(region.accessLatencyNs, 0)));
  const hopNs = Math.max(0, ...scenario.regions.map((region) => meanOr(region.chatServers.interServerLatencyNs, 0)));
  const linkNs = Math.max(0, ...scenario.links.map((link) => meanOr(link.latencyNs, 0)));
  const residenceNs = 2 * accessNs + hopNs + linkNs + IN_FLIGHT_SLACK_NS;
  const inFlightCopies = Math.round(messageCopiesPerSecond * simulatedShare * (residenceNs / NS_PER_S));

  const durationSeconds = scenario.durationNs / NS_PER_S;
  let storedMessagesPeak = 0;
  for (const region of scenario.regions) {
    const offlineFraction = 1 - region.online.fractionMean;
    if (offlineFraction <= 0) continue;
    const regionShare = totals.users > 0 ? region.users / totals.users : 0;
    const copiesToOffline = messageCopiesPerSecond * regionShare * offlineFraction * durationSeconds;
    const offlineDevices = region.users * workload.devicesPerUserMean * offlineFraction;
    storedMessagesPeak += Math.min(copiesToOffline, offlineDevices * scenario.offlineStore.messagesPerDeviceMax);
  }
  storedMessagesPeak = Math.round(storedMessagesPeak * simulatedShare);

  const connectedDevicesBytes = connectedDevicesPeak * BYTES_PER_CONNECTED_DEVICE;
  const inFlightBytes = inFlightCopies * BYTES_PER_MESSAGE_IN_FLIGHT;
  const storedBytes = storedMessagesPeak * BYTES_PER_STORED_MESSAGE;
  const serverPairs = scenario.sliceServers * totals.chatServers * (scenario.sliceServers < totals.chatServers ? 2 : 1);
  const fixedBytes = RUNTIME_BASE_BYTES + scenario.sliceServers * BYTES_PER_SIMULATED_SERVER + serverPairs * BYTES_PER_SERVER_PAIR;
  return {
    simulatedServers: scenario.sliceServers,
    simulatedShare,
    connectedDevicesPeak,
    connectedDevicesBytes,
    messageCopiesPerSecond,
    copiesPerMessage,
    inFlightCopies,
    inFlightBytes,
    storedMessagesPeak,
    storedBytes,
    fixedBytes,
    totalBytes: connectedDevicesBytes + inFlightBytes + storedBytes + fixedBytes,
    assumptions: [
      `${BYTES_PER_CONNECTED_DEVICE} B per connected device (the budget of DESIGN.md section 10)`,
      `${BYTES_PER_MESSAGE_IN_FLIGHT} B per message copy in flight; in flight = copies/s x (2 access + hop + slowest link + ${IN_FLIGHT_SLACK_NS / NS_PER_MS} ms)`,
      `${BYTES_PER_STORED_MESSAGE} B per stored message; every copy to an offline device stays stored for the run`,
      `${BYTES_PER_SIMULATED_SERVER / 1024 / 1024} MiB per simulated server, ${BYTES_PER_SERVER_PAIR} B per ordered pair of chat servers with a simulated end and ${RUNTIME_BASE_BYTES / 1024 / 1024} MiB for the runtime`,
    ],
  };
}
