/**
 * How long a run of a scenario takes, estimated before it runs (issue 6's guard: memory and time).
 * A rough model fitted on the project's 2-core reference machine (BENCHMARKS.md, "Run-time
 * estimate", session 9), in these terms:
 * - start-up: 2 s (two node starts through the launcher and loading take about 1 s; the rest is
 *   the JIT's warm-up, which weighs on short runs);
 * - setup: 1 us per device connected at time 0 (measured 0.65 to 2 us), and 1 s per part (each
 *   part builds its own tables; the first part on each worker thread also warms the JIT);
 * - simulation, per message and per message copy in the simulated servers, at a cost that grows
 *   with the devices connected in one part, because a run is bound by cache and TLB misses
 *   (scripts/memory-latency.mjs: a random load costs 160 ns in 64 MB and 410 ns in 2 GB here):
 *   - full fidelity: 7 us, plus 15 us for each doubling past a million devices (reference-chat
 *     6.6 us at 1 M; the quickstart 15 us at 0.2 M, its short run the richest per message);
 *   - a slice: 23 us, plus 6.4 us for each doubling past a million. A slice's message is dearer: its
 *     part also holds the state of every user of its servers and plays the outside world's traffic
 *     into them (9 to 11 events a message against 5 to 8), so its tables are big at any part size
 *     (session 9 measured 44 us at 1.0 M devices a part, 38 at 1.5 M, 42 to 45 at 2.9 M, 39 to 53
 *     at 3.9 to 5.9 M, 52 to 55 at 7.8 to 11.9 M: global-2025, whatsapp-2014, new-years-eve in 1 to
 *     8 parts). Session 10 made eight parts cheaper (warm workers, fewer stream-2 events): 0.77 to
 *     0.85 of the session 9 model's cost in middling spells. Refitted (29 and 8 instead of 36 and
 *     6) to those and to session 9's one- and two-part runs, which were not measured again.
 *     Sessions 14 to 19 made eight-part runs about a fifth faster again: in session 20 the
 *     published scenarios took 49.5 s (global-2025, median of 24), 53.2 s (whatsapp-2014) and
 *     62.4 s (new-years-eve) in fast spells, against 62, 61 and 82 s estimated, so both terms are
 *     scaled by 0.8 (23 and 6.4);
 * - a slice draws only the messages that touch it (slice-one-to-one.ts, slice-groups.ts), so its
 *   cost is that of its own messages;
 * - parts (sliceParts) run two at once on the 2 cores.
 * The first fit (session 4: 11.5 us flat) was 3 to 4 times under on the published scenarios'
 * whole minutes. This one is within 1.45x on the 14 runs of session 9 (connected-20m 1.43x over,
 * the rest within 1.25x) and within 1.1x on session 10's eight-part runs of the three published
 * scenarios; scaled in session 20, it puts them at 50.4, 51.5 and 67.4 s, within 1.1x of that
 * session's fast-spell runs. The machine's own speed drifts 1.5x within an hour, so it is printed as
 * a range of 2x either way: enough to tell seconds from minutes from hours.
 */
import type { FootprintEstimate } from './estimate.js';
import type { ResolvedScenario } from './resolved.js';
import { NS_PER_S } from './units.js';

export const START_UP_SECONDS = 2;
export const SETUP_NS_PER_CONNECTED_DEVICE = 1000;
export const SETUP_SECONDS_PER_PART = 1;
/**
 * Simulation cost per message or copy, at up to a million devices connected in one part, and what
 * each doubling past that adds: at full fidelity and in a slice.
 */
export const FULL_NS_PER_MESSAGE_OR_COPY = 7_000;
export const FULL_NS_PER_DEVICE_DOUBLING = 15_000;
export const SLICE_NS_PER_MESSAGE_OR_COPY = 23_000;
export const SLICE_NS_PER_DEVICE_DOUBLING = 6_400;
const DEVICES_AT_BASE_COST = 1_000_000;
/** The reference machine's cores: how many parts run at once. */
const REFERENCE_CORES = 2;
/** The model's error on the runs it was fitted on, with the machine's own drift, either way. */
export const WALL_ESTIMATE_FACTOR = 2;

/** Simulation ns per message or copy in a part with this many devices connected. */
export function simulationNsPerMessageOrCopy(connectedDevicesPerPart: number, slice: boolean): number {
  const doublings = Math.log2(Math.max(1, connectedDevicesPerPart / DEVICES_AT_BASE_COST));
  return slice
    ? SLICE_NS_PER_MESSAGE_OR_COPY + SLICE_NS_PER_DEVICE_DOUBLING * doublings
    : FULL_NS_PER_MESSAGE_OR_COPY + FULL_NS_PER_DEVICE_DOUBLING * doublings;
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
  const slice = scenario.fidelity === 'slice';
  const parts = slice ? Math.max(1, scenario.sliceParts) : 1;
  const setupSeconds = (footprint.connectedDevicesPeak * SETUP_NS_PER_CONNECTED_DEVICE) / NS_PER_S + parts * SETUP_SECONDS_PER_PART;
  const nsPerUnit = simulationNsPerMessageOrCopy(footprint.connectedDevicesPeak / parts, slice);
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
