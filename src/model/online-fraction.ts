/**
 * The share of a region's devices online at a simulated time: its diurnal curve (by local hour,
 * linear between whole hours) at the region's local time. A pure function of the scenario.
 */
import type { ResolvedRegion, ResolvedScenario } from '../scenario/resolved.js';
import { NS_PER_MS } from '../sim/time.js';

export function onlineFractionAtNs(scenario: ResolvedScenario, region: ResolvedRegion, atNs: number): number {
  const localMs = scenario.startUtcMs + atNs / NS_PER_MS + region.utcOffsetMinutes * 60_000;
  const hour = hourOfDay(localMs / 3_600_000);
  const curve = region.online.fractionByLocalHour;
  const h0 = Math.floor(hour);
  const f = hour - h0;
  return curve[h0]! * (1 - f) + curve[h0 === 23 ? 0 : h0 + 1]! * f;
}

/**
 * ((hours % 24) + 24) % 24, the same double, without `%` on doubles: V8 calls the C library's
 * fmod for it, and a slice's dry run asks for an online share about twice per candidate message.
 * For 0 <= hours < 2^40: q = floor(hours / 24) is the true quotient or, when the division rounds
 * up to an integer, one more; hours - 24 q is then exact (both are multiples of the ulp of hours
 * and the difference is below 24 in size), and negative only in the second case. That gives
 * hours % 24 exactly, as fmod does; adding 24 rounds as before, and `% 24` of a sum in [24, 48]
 * is the sum minus 24 (exact, Sterbenz), or 0 at 48. Other values take the original expression.
 */
export function hourOfDay(hours: number): number {
  if (!(hours >= 0 && hours < 2 ** 40)) return ((hours % 24) + 24) % 24;
  const q = Math.floor(hours / 24);
  let remainder = hours - q * 24;
  if (remainder < 0) remainder = hours - (q - 1) * 24;
  const sum = remainder + 24;
  return sum < 48 ? sum - 24 : 0;
}
