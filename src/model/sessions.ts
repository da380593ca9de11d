/**
 * Device sessions: online for sessionMean on average, then offline for sessionMean x (1 - p) / p,
 * so that a share p of devices is online in steady state; an online device also reconnects (its
 * connection closes and opens again at once) reconnectsPerHour times an hour. Each change comes
 * after an exponential time at these rates.
 */
import type { ResolvedRegion } from '../scenario/resolved.js';
import { NS_PER_HOUR } from '../sim/time.js';

type OnlineSettings = ResolvedRegion['online'];

/** Rate (per ns) at which an online device's session ends: none while everyone is online (p = 1). */
export function sessionEndsPerNs(online: OnlineSettings, p: number): number {
  return p >= 1 ? 0 : 1 / online.sessionMeanNs;
}

/** Rate (per ns) at which an online device reconnects. */
export function reconnectsPerNs(online: OnlineSettings): number {
  return online.reconnectsPerHour / NS_PER_HOUR;
}

/** Rate (per ns) of a device's next session change, online or not, at online share p; 0: none. */
export function sessionChangePerNs(online: OnlineSettings, isOnline: boolean, p: number): number {
  const reconnects = reconnectsPerNs(online);
  if (p >= 1 && reconnects === 0) return 0; // always online: no sessions end
  return isOnline ? sessionEndsPerNs(online, p) + reconnects : p / Math.max(online.sessionMeanNs * (1 - p), 1);
}
