/**
 * The warm start's offline backlog (`offlineStore.warmBacklog`). A run starts with its sessions
 * in their steady state, but a store that starts empty is not: about two thirds of a messaging
 * service's devices are offline at any time, each holding the copies that arrived since it went
 * away, and in a steady state what reconnecting devices drain equals what offline ones are sent.
 * Without the backlog, "messages out" in a one-minute run is a fraction of the real figure.
 *
 * A device offline since before the run gets its backlog when it comes online (so nobody else
 * costs memory): its time offline before the run is exponential with the mean offline spell
 * (memoryless, as the session model is), capped by the retention, and the copies it missed are
 * Poisson with the mean that the deployment's message rate over that time gives. The rate per
 * device follows the diurnal curve backwards from the start.
 */
import type { ResolvedScenario } from '../scenario/resolved.js';
import type { RandomStream } from '../sim/random.js';
import { NS_PER_S } from '../sim/time.js';
import type { Population } from './population.js';

const NS_PER_MINUTE = 60 * NS_PER_S;
const MINUTES_PER_DAY = 1440;
/** Above this mean, a Poisson count is drawn from its normal approximation (error far below 1%). */
const POISSON_EXACT_MEAN_MAX = 30;

/** Copies a message in makes on average: to every device, and to the devices that are offline. */
export interface CopiesPerMessage {
  all: number;
  toOffline: number;
}

/**
 * Copies a message in makes, counting every recipient device and the sender's other devices, and
 * how many of them go to offline devices, when each device is online with probability `online`.
 * A sender is online, and a group message goes to a group with a member online (workload.ts), so
 * groups are weighted by the chance that one of their members is online, and the members besides
 * the sender are online less often than devices at large (the sender was one of those online).
 */
export function copiesPerMessage(scenario: ResolvedScenario, population: Population, online: number): CopiesPerMessage {
  const devices = scenario.workload.devicesPerUserMean;
  // A user is online when one of its devices is: `away` is the chance it is not. Devices of
  // online users that are offline (`offlineOfOnline`), and devices of offline users (`ofOffline`).
  let away = 0;
  let devicesOfAway = 0;
  for (const { devices: k, fraction } of scenario.workload.devicesPerUser) {
    away += fraction * Math.pow(1 - online, k);
    devicesOfAway += fraction * k * Math.pow(1 - online, k);
  }
  const present = 1 - away;
  // Devices of an online user (more than of a user at large: one with more is more often online),
  // the offline ones among them, and devices of an offline user.
  const devicesOfPresent = present > 0 ? (devices - devicesOfAway) / present : devices;
  const offlineOfOnline = present > 0 ? (devices * (1 - online) - devicesOfAway) / present : 0;
  const ofOffline = away > 0 ? devicesOfAway / away : 0;
  // One-to-one: every device of the recipient, the sender's other devices.
  const oneToOne = { all: devices + devicesOfPresent - 1, toOffline: devices * (1 - online) + offlineOfOnline };
  const groupShare = population.groups > 0 ? scenario.workload.groups.fraction : 0;
  if (groupShare === 0) return oneToOne;
  const { min, probabilities } = population.groupSizeProbabilities();
  let weight = 0;
  let all = 0;
  let toOffline = 0;
  for (let i = 0; i < probabilities.length; i++) {
    const size = min + i;
    const withSomeoneOnline = 1 - Math.pow(away, size);
    const w = probabilities[i]! * withSomeoneOnline;
    if (!(w > 0)) continue;
    // Members online besides the sender, given that someone (the sender) is.
    const othersOnline = (size * present) / withSomeoneOnline - 1;
    weight += w;
    all += w * (othersOnline * devicesOfPresent + (size - 1 - othersOnline) * ofOffline + devicesOfPresent - 1);
    toOffline += w * (offlineOfOnline * (othersOnline + 1) + ofOffline * (size - 1 - othersOnline));
  }
  if (!(weight > 0)) return oneToOne;
  return {
    all: (1 - groupShare) * oneToOne.all + groupShare * (all / weight),
    toOffline: (1 - groupShare) * oneToOne.toOffline + groupShare * (toOffline / weight),
  };
}

export class OfflineBacklog {
  /** Copies per device over the last i minutes before the start, i = 0..1440. */
  private readonly cumulative = new Float64Array(MINUTES_PER_DAY + 1);
  private readonly retentionNs: number;

  /**
   * `messagesInPerSecondAt(atNs)`: the deployment's offered messages per second at a time (ns from
   * the start; negative before it). `copiesToOffline`: copies per message that go to offline
   * devices; `offlineDevices`: devices offline in all.
   */
  constructor(messagesInPerSecondAt: (atNs: number) => number, copiesToOffline: number, offlineDevices: number, retentionNs: number) {
    this.retentionNs = retentionNs;
    const perDevice = (atNs: number) => (messagesInPerSecondAt(atNs) * copiesToOffline) / Math.max(1, offlineDevices);
    let previous = perDevice(0);
    for (let minute = 1; minute <= MINUTES_PER_DAY; minute++) {
      const rate = perDevice(-minute * NS_PER_MINUTE);
      this.cumulative[minute] = this.cumulative[minute - 1]! + ((previous + rate) / 2) * 60;
      previous = rate;
    }
  }

  /** Mean copies a device missed while offline for `offlineNs` up to the start. */
  meanCopies(offlineNs: number): number {
    const minutes = Math.min(offlineNs, this.retentionNs) / NS_PER_MINUTE;
    const days = Math.floor(minutes / MINUTES_PER_DAY);
    const rest = minutes - days * MINUTES_PER_DAY;
    const whole = Math.floor(rest);
    const partial = whole < MINUTES_PER_DAY ? (this.cumulative[whole + 1]! - this.cumulative[whole]!) * (rest - whole) : 0;
    return days * this.cumulative[MINUTES_PER_DAY]! + this.cumulative[whole]! + partial;
  }

  /** Copies for a device offline since an exponential time with mean `meanOfflineNs` before the start. */
  drawCopies(meanOfflineNs: number, rng: RandomStream): number {
    return poisson(this.meanCopies(rng.nextExponential() * meanOfflineNs), rng);
  }
}

/** A Poisson count: by multiplying uniforms for small means, else from the normal approximation. */
export function poisson(mean: number, rng: RandomStream): number {
  if (!(mean > 0)) return 0;
  if (mean > POISSON_EXACT_MEAN_MAX) return Math.max(0, Math.round(mean + Math.sqrt(mean) * rng.nextGaussian()));
  const limit = Math.exp(-mean);
  let count = 0;
  let product = rng.nextOpen();
  while (product > limit) {
    count++;
    product *= rng.nextOpen();
  }
  return count;
}
