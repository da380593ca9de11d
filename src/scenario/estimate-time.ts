/**
 * How long a run of a scenario takes, estimated before it runs (issue 6's guard: memory and time).
 * A rough model fitted on the project's 2-core reference machine (BENCHMARKS.md, "Run-time
 * estimate", session 9), in three terms:
 * - start-up: 2 s (two node starts through the launcher and loading take about 1 s; the rest is
 *   the JIT's warm-up, which weighs on short runs: fitted on the quickstart's 5 s);
 * - setup: 1 us per device connected at time 0 (measured 0.65 to 2 us: connected-20m, reference-chat,
 *   whatsapp-2014, global-2025, new-years-eve, quickstart);
 * - simulation: per message and per message copy in the simulated servers, 7 us plus 15 us for
 *   each doubling of the devices connected in one part past a million. Why the memory term: a run
 *   is bound by cache and TLB misses (scripts/memory-latency.mjs: a random load costs 160 ns in 64
 *   MB and 410 ns in 2 GB here), and a part's tables grow with its connected devices; measured
 *   per message or copy: 6.6 us at 1 M devices (reference-chat), 47 us at 5.8 M (global-2025's
 *   parts), 52 us at 7.8 M (whatsapp-2014), 55 us at 11.9 M (new-years-eve). The first fit (11.5 us
 *   flat, session 4) was 3 to 4 times under on the last three;
 * - a slice draws only the messages that touch it (slice-one-to-one.ts, slice-groups.ts), so its
 *   cost is that of its own messages;
 * - parts (sliceParts) run two at once on the 2 cores, each with its share of setup and simulation
 *   and of the connected devices.
 * On the six runs it was fitted on it is within 1.4x (quickstart 1.3x under, its short run the
 * richest per message; connected-20m 1.4x over; the rest within 1.15x), and this machine's speed
 * itself drifts by 1.5x within an hour, so it is printed as a range of 2x either way: enough to
 * tell seconds from minutes from hours.
 */
import type { FootprintEstimate } from './estimate.js';
import type { ResolvedScenario } from './resolved.js';
import { NS_PER_S } from './units.js';

export const START_UP_SECONDS = 2;
export const SETUP_NS_PER_CONNECTED_DEVICE = 1000;
/** Simulation cost per message or copy at up to a million devices connected in one part... */
export const SIMULATION_NS_PER_MESSAGE_OR_COPY = 7_000;
/** ...and what each doubling of a part's connected devices past a million adds to it. */
export const SIMULATION_NS_PER_DEVICE_DOUBLING = 15_000;
const DEVICES_AT_BASE_COST = 1_000_000;
/** The reference machine's cores: how many parts run at once. */
const REFERENCE_CORES = 2;
/** The model's error on the runs it was fitted on, with the machine's own drift, either way. */
export const WALL_ESTIMATE_FACTOR = 2;

/** Simulation ns per message or copy in a part with this many devices connected. */
export function simulationNsPerMessageOrCopy(connectedDevicesPerPart: number): number {
  const doublings = Math.log2(Math.max(1, connectedDevicesPerPart / DEVICES_AT_BASE_COST));
  return SIMULATION_NS_PER_MESSAGE_OR_COPY + SIMULATION_NS_PER_DEVICE_DOUBLING * doublings;
}

export interface WallTimeEstimate {
  /** Setup and simulation over all parts (a part's simulation grows with its connected devices). */
  setupSeconds: number;
  simulationSeconds: number;
  /** Start-up, then setup and simulation shared by the parts that run at once. */
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
  const parts = scenario.fidelity === 'slice' ? Math.max(1, scenario.sliceParts) : 1;
  const setupSeconds = (footprint.connectedDevicesPeak * SETUP_NS_PER_CONNECTED_DEVICE) / NS_PER_S;
  const nsPerUnit = simulationNsPerMessageOrCopy(footprint.connectedDevicesPeak / parts);
  const simulationSeconds = (sliceWorkPerSecond * durationSeconds * nsPerUnit) / NS_PER_S;
  const atOnce = Math.min(REFERENCE_CORES, parts);
  const wallSeconds = START_UP_SECONDS + (setupSeconds + simulationSeconds) / atOnce;
  return {
    setupSeconds,
    simulationSeconds,
    wallSeconds,
    wallSecondsLow: wallSeconds / WALL_ESTIMATE_FACTOR,
    wallSecondsHigh: wallSeconds * WALL_ESTIMATE_FACTOR,
  };
}
