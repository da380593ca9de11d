/**
 * How long a run of a scenario takes, estimated before it runs (issue 6's guard: memory and time).
 * A rough model fitted on the project's 2-core reference machine (BENCHMARKS.md, session 4
 * sitting; first fitted in session 3 and refitted after session 4 made runs 1.3 to 1.6x faster):
 * - setup: 1.0 us per device connected at time 0 (measured 0.4 to 2.2 us: reference-chat,
 *   connected-20m, whatsapp-2014, global-2025, whose slice also indexes its 30 M users);
 * - simulation: 11.5 us per message and per message copy in the simulated servers (measured 5 us
 *   on reference-chat's single-device users up to 25 us on global-2025's 11.4 M connected devices,
 *   where every access misses the caches; about their geometric mean, so each is within 2.2x);
 * - a slice draws only the messages that touch it (slice-one-to-one.ts, slice-groups.ts), so its
 *   cost is that of its own messages;
 * - parts (sliceParts) run two at once on the 2 cores, each with its share of setup and simulation.
 * On the five runs it was fitted on it is within 2.5x (reference-chat 2.2x over, whatsapp-2014 1.4x
 * under, the others within 1.2x), so it is printed as a range: enough to tell seconds from minutes
 * from hours.
 */
import type { FootprintEstimate } from './estimate.js';
import type { ResolvedScenario } from './resolved.js';
import { NS_PER_S } from './units.js';

export const SETUP_NS_PER_CONNECTED_DEVICE = 1000;
export const SIMULATION_NS_PER_MESSAGE_OR_COPY = 11_500;
/** The reference machine's cores: how many parts run at once. */
const REFERENCE_CORES = 2;
/** The model's error on the runs it was fitted on, either way. */
export const WALL_ESTIMATE_FACTOR = 2.5;

export interface WallTimeEstimate {
  setupSeconds: number;
  simulationSeconds: number;
  /** Setup and simulation, shared by the parts that run at once. */
  wallSeconds: number;
  wallSecondsLow: number;
  wallSecondsHigh: number;
}

export function estimateWallTime(scenario: ResolvedScenario, footprint: FootprintEstimate): WallTimeEstimate {
  const { workload, totals } = scenario;
  // Messages come from online users: over the run the rate follows the online share, which the
  // connected-device peak already takes at its highest.
  let devicesOnlineMean = 0;
  for (const region of scenario.regions) devicesOnlineMean += region.users * workload.devicesPerUserMean * region.online.fractionMean;
  const rateFactor = workload.arrivals.kind === 'perUserPerDay' && devicesOnlineMean > 0 ? totals.connectedDevicesPeak / devicesOnlineMean : 1;
  const messagesPerSecond = totals.messagesPerSecondMean * rateFactor;
  const share = footprint.simulatedShare;
  const sliceWorkPerSecond = (messagesPerSecond + footprint.messageCopiesPerSecond * rateFactor) * share;
  const durationSeconds = scenario.durationNs / NS_PER_S;
  const setupSeconds = (footprint.connectedDevicesPeak * SETUP_NS_PER_CONNECTED_DEVICE) / NS_PER_S;
  const simulationSeconds = (sliceWorkPerSecond * durationSeconds * SIMULATION_NS_PER_MESSAGE_OR_COPY) / NS_PER_S;
  const atOnce = share < 1 ? Math.min(REFERENCE_CORES, scenario.sliceParts) : 1;
  const wallSeconds = (setupSeconds + simulationSeconds) / atOnce;
  return {
    setupSeconds,
    simulationSeconds,
    wallSeconds,
    wallSecondsLow: wallSeconds / WALL_ESTIMATE_FACTOR,
    wallSecondsHigh: wallSeconds * WALL_ESTIMATE_FACTOR,
  };
}
