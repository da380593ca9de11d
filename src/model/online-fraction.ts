/**
 * The share of a region's devices online at a simulated time: its diurnal curve (by local hour,
 * linear between whole hours) at the region's local time. A pure function of the scenario, so the
 * deployment and the screening thread (src/engine/screening-worker.ts) compute the same doubles.
 */
import type { ResolvedRegion, ResolvedScenario } from '../scenario/resolved.js';
import { NS_PER_MS } from '../sim/time.js';

export function onlineFractionAtNs(scenario: ResolvedScenario, region: ResolvedRegion, atNs: number): number {
  const localMs = scenario.startUtcMs + atNs / NS_PER_MS + region.utcOffsetMinutes * 60_000;
  const hour = (((localMs / 3_600_000) % 24) + 24) % 24;
  const curve = region.online.fractionByLocalHour;
  const h0 = Math.floor(hour);
  const f = hour - h0;
  return curve[h0]! * (1 - f) + curve[(h0 + 1) % 24]! * f;
}
