/**
 * What a region's online share makes of its users over the run's measured window: the per-region
 * state the operation counts (operation-counts.ts) start from (model/backlog.ts copiesPerMessage,
 * per region).
 */
import { onlineFractionAtNs } from '../../model/online-fraction.js';
import { reconnectsPerNs, sessionEndsPerNs } from '../../model/sessions.js';
import type { ResolvedRegion, ResolvedScenario } from '../../scenario/resolved.js';
import { NS_PER_S } from '../../scenario/units.js';
import { firstTouchShare } from './first-touch.js';

/** A read happens within this time of the delivery, uniformly (model/deployment.ts READ_WINDOW_NS). */
const READ_WINDOW_SECONDS = 60;

/** The run's measured window, seconds since the start: warm-up to end (never ending before it starts). */
export interface MeasuredWindow {
  startS: number;
  endS: number;
}

export function measuredWindow(scenario: ResolvedScenario): MeasuredWindow {
  const startS = scenario.warmupNs / NS_PER_S;
  const endS = Math.max(startS, scenario.durationNs / NS_PER_S);
  return { startS, endS };
}

/** What a region's online share makes of its users (model/backlog.ts copiesPerMessage, per region). */
export interface RegionState {
  region: ResolvedRegion;
  users: number;
  servers: number;
  /** Devices online (share), users with none online, and users with one. */
  p: number;
  away: number;
  present: number;
  /** Devices of an online user, its offline ones, its online ones (the sending one included); devices of an offline user. */
  devicesOfPresent: number;
  offlineOfPresent: number;
  onlineOfPresent: number;
  devicesOfAway: number;
  /** For an offline device, the chance that its user's other devices are offline too (device-weighted; connect lookups). */
  othersOfflineGivenOffline: number;
  /** Logins per second of one offline device; session ends and reconnects per second of an online one. */
  loginRate: number;
  endRate: number;
  reconnectRate: number;
  /** Share of a message's reads that still find the reading device online (read within a minute). */
  readStays: number;
  /** Share of the window's drains of devices offline since the start (backlog), firstTouchShare(loginRate). */
  backlogShare: number;
  /**
   * Touches per second of one user at its home that load its device mask (a group copy, a backlog
   * receipt, a login), taken as spread evenly over the users; one-to-one recipients are counted
   * by their pick instead (oneToOneIn).
   */
  touchRate: number;
  /** One-to-one messages per second into the region. */
  oneToOneIn: number;
}

/** Each region's state over the window, in the scenario's region order; touchRate and oneToOneIn start at 0. */
export function regionStates(scenario: ResolvedScenario, window: MeasuredWindow): RegionState[] {
  return scenario.regions.map((region) => regionState(scenario, region, window));
}

// The online share over the window: the diurnal curve (linear between whole hours), sampled.
function meanOnlineShare(scenario: ResolvedScenario, region: ResolvedRegion, { startS, endS }: MeasuredWindow): number {
  if (endS <= startS) return onlineFractionAtNs(scenario, region, scenario.warmupNs);
  const steps = Math.max(32, Math.ceil((endS - startS) / 900));
  let sum = 0;
  for (let i = 0; i <= steps; i++) {
    const f = onlineFractionAtNs(scenario, region, (startS + ((endS - startS) * i) / steps) * NS_PER_S);
    sum += i === 0 || i === steps ? f / 2 : f;
  }
  return sum / steps;
}

/**
 * Over the devices-per-user mix at online share p, per user: the share with no device online,
 * their devices, and the device-weighted chance that a device's other devices are all offline
 * (times the devices; not yet divided by the mean).
 */
function awaySums(devicesPerUser: ResolvedScenario['workload']['devicesPerUser'], p: number): { away: number; devicesOfAwaySum: number; othersOffline: number } {
  let away = 0;
  let devicesOfAwaySum = 0;
  let othersOffline = 0;
  for (const { devices: k, fraction } of devicesPerUser) {
    away += fraction * Math.pow(1 - p, k);
    devicesOfAwaySum += fraction * k * Math.pow(1 - p, k);
    othersOffline += fraction * k * Math.pow(1 - p, k - 1);
  }
  return { away, devicesOfAwaySum, othersOffline };
}

function regionState(scenario: ResolvedScenario, region: ResolvedRegion, window: MeasuredWindow): RegionState {
  const devices = scenario.workload.devicesPerUserMean;
  const p = Math.min(1, Math.max(0, meanOnlineShare(scenario, region, window)));
  const sums = awaySums(scenario.workload.devicesPerUser, p);
  const { devicesOfAwaySum, othersOffline } = sums;
  // Nobody online means everybody away, exactly: the device shares sum to 1 only within rounding
  // (0.7 + 0.2 + 0.1), and a present share of 1e-16 would send the whole offered rate.
  const away = p > 0 ? sums.away : 1;
  const present = 1 - away;
  const devicesOfPresent = present > 0 ? (devices - devicesOfAwaySum) / present : devices;
  const offlineOfPresent = present > 0 ? Math.max(0, (devices * (1 - p) - devicesOfAwaySum) / present) : 0;
  const sessionMeanS = region.online.sessionMeanNs / NS_PER_S;
  const endsPerS = sessionEndsPerNs(region.online, p) * NS_PER_S;
  const reconnectsPerS = reconnectsPerNs(region.online) * NS_PER_S;
  // Offline for sessionMean (1 - p) / p on average (sessions.ts).
  const loginRate = p > 0 && p < 1 ? p / (sessionMeanS * (1 - p)) : 0;
  // A read comes uniformly within a minute; the device's session ends at rate 1 / sessionMean
  // meanwhile (a reconnect keeps it online): P(still online) = (1 - e^-x) / x, x = 60 s / session.
  const x = endsPerS * READ_WINDOW_SECONDS;
  return {
    region,
    users: region.users,
    servers: region.chatServers.count,
    p,
    away,
    present,
    devicesOfPresent,
    offlineOfPresent,
    onlineOfPresent: devicesOfPresent - offlineOfPresent,
    devicesOfAway: away > 0 ? devicesOfAwaySum / away : 0,
    othersOfflineGivenOffline: devices > 0 ? othersOffline / devices : 0,
    loginRate,
    endRate: endsPerS,
    reconnectRate: reconnectsPerS,
    readStays: x > 0 ? -Math.expm1(-x) / x : 1,
    backlogShare: loginRate > 0 ? firstTouchShare(loginRate, window.startS, window.endS) : 1,
    touchRate: 0,
    oneToOneIn: 0,
  };
}
