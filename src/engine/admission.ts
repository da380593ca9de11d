/**
 * Refuses a run the machine cannot hold or the engine cannot do, before anything is allocated
 * (DESIGN.md section 9): the estimate and the fix, not an out-of-memory crash.
 */
import { estimateFootprint, type ResolvedScenario } from '../scenario/index.js';
import { deviceStateBytesPerUser } from '../model/client-state.js';

/**
 * Bytes per connected device in a run, routing core and simulator together, with a margin: peak
 * RSS per connected device measured 254 B at 2 million and 148 B at 20 million (BENCHMARKS.md).
 */
export const CONNECTED_DEVICE_BYTES = 320;

/**
 * Per user inside the slice: the table from dense index to user id (a float64), and the senders'
 * sampler (slice-users.ts: a position and a float32 weight, and 6 bytes more while it is built).
 */
const SLICE_INDEX_BYTES_PER_USER = 8 + 8 + 6;

/**
 * Each part running on a worker thread beside the others: its own V8 heap, code and young
 * generation. Measured: whatsapp-2014 in 8 parts, two at a time, peaked at 1.87 GB where its
 * parts' tables come to about 1.2 GB (session 9).
 */
const WORKER_BYTES = 256 * 1024 * 1024;

export interface AdmissionProblem {
  field: string;
  reason: string;
}

function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

/** What a run needs in memory by the engine's own measured costs (admissionNeed). */
export interface AdmissionNeed {
  totalBytes: number;
  connectedDevicesPeak: number;
  connectedBytes: number;
  /** Client state for every user simulated: all of them in full fidelity, the slice's in a slice. */
  clientStateBytes: number;
  /** Users whose client state is held. */
  users: number;
  partsAtOnce: number;
}

/**
 * What a run needs in memory, with `partsAtOnce` of a slice's parts side by side (run --jobs; 1
 * when they run one after another). A part holds its share of the slice's servers, so memory
 * scales by partsAtOnce / parts.
 */
export function admissionNeed(scenario: ResolvedScenario, partsAtOnce = 1): AdmissionNeed {
  const footprint = estimateFootprint(scenario);
  // The scenario layer budgets 800 B per connected device (DESIGN.md's ceiling); the engine's
  // measured cost is lower, and refusing runs that fit would be wrong, so it counts its own.
  const connectedBytes = footprint.connectedDevicesPeak * CONNECTED_DEVICE_BYTES;
  // The engine also keeps a few numbers per possible device of every user it simulates (client
  // state): all users in full fidelity, those homed on the slice's servers (plus an index) in a slice.
  const sliceShare = scenario.fidelity === 'slice' ? Math.min(1, scenario.sliceServers / scenario.totals.chatServers) : 1;
  const clientStateBytes = scenario.totals.users * sliceShare * (deviceStateBytesPerUser(scenario.workload.devicesPerUserMean) + (sliceShare < 1 ? SLICE_INDEX_BYTES_PER_USER : 0));
  const atOnce = Math.min(partsAtOnce, scenario.sliceParts);
  // The parts at once hold their share of the tables; the runtime is there once, and each part on
  // a worker thread brings a heap of its own.
  const tableBytes = footprint.totalBytes - footprint.fixedBytes - footprint.connectedDevicesBytes + connectedBytes + clientStateBytes;
  const totalBytes = tableBytes * (atOnce / scenario.sliceParts) + footprint.fixedBytes + (atOnce > 1 ? atOnce * WORKER_BYTES : 0);
  return {
    totalBytes,
    connectedDevicesPeak: footprint.connectedDevicesPeak,
    connectedBytes,
    clientStateBytes,
    users: Math.round(scenario.totals.users * sliceShare),
    partsAtOnce: atOnce,
  };
}

/** Problems that stop this scenario from running here, with partsAtOnce as in admissionNeed; empty when it may run. */
export function admissionProblems(scenario: ResolvedScenario, memoryBytesAvailable: number, partsAtOnce = 1): AdmissionProblem[] {
  const problems: AdmissionProblem[] = [];
  const need = admissionNeed(scenario, partsAtOnce);
  if (need.totalBytes > memoryBytesAvailable) {
    // What the memory goes to, largest first, so the fix offered is for the part that is too big:
    // messages in flight (a long latency or a high rate) want another fix than users do.
    const footprint = estimateFootprint(scenario);
    const share = need.partsAtOnce / scenario.sliceParts;
    const devices = Math.round(need.connectedDevicesPeak).toLocaleString('en-US');
    const parts: Array<{ bytes: number; what: string; fix: string }> = [
      { bytes: need.connectedBytes * share, what: `for ${devices} connected devices`, fix: usersFix(scenario) },
      { bytes: need.clientStateBytes * share, what: `of client state for ${scenario.totals.users.toLocaleString('en-US')} users`, fix: usersFix(scenario) },
      {
        bytes: footprint.inFlightBytes * share,
        what: `for ${Math.round(footprint.inFlightCopies).toLocaleString('en-US')} message copies in flight (the message rate times the time a copy travels)`,
        fix: 'check the latencies (accessLatency, links, interServerLatency) and the message rate for values far too large',
      },
      {
        bytes: footprint.storedBytes * share,
        what: `for ${Math.round(footprint.storedMessagesPeak).toLocaleString('en-US')} messages stored for offline devices`,
        fix: 'a shorter duration, a larger online share, or a lower message rate',
      },
    ];
    parts.sort((a, b) => b.bytes - a.bytes);
    const told = parts.filter((part, index) => index === 0 || part.bytes >= 0.1 * need.totalBytes);
    problems.push({
      field: 'regions',
      reason:
        `needs about ${gib(need.totalBytes)} (${told.map((part) => `${gib(part.bytes)} ${part.what}`).join(', ')}) but ${gib(memoryBytesAvailable)} is available; ` +
        parts[0]!.fix,
    });
  }
  return problems;
}

function usersFix(scenario: ResolvedScenario): string {
  return scenario.fidelity === 'slice'
    ? 'simulate fewer servers (a smaller sliceServers), split them into more sliceParts run fewer at once, or fewer users'
    : 'simulate a few of its servers in detail with fidelity: slice and sliceServers: k, or fewer users';
}
