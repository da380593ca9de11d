/**
 * The share of a region's users online at each local hour. `share` is the day's mean; the
 * diurnal shape (flat, the built-in default, or points) says how it varies over the day.
 */
import { NS_PER_HOUR } from './units.js';

/**
 * The built-in day, by local hour (relative weights): a trough around 04:00, a morning rise, a
 * plateau through the working day and an evening peak around 21:00, the shape messaging traffic
 * charts commonly show. A plausible default, not a measurement; give points to use your own.
 */
export const DEFAULT_DIURNAL_WEIGHTS: readonly number[] = [
  0.45, 0.3, 0.22, 0.18, 0.16, 0.2, 0.35, 0.6, 0.85, 1.0, 1.1, 1.15, 1.2, 1.15, 1.1, 1.1, 1.15, 1.25, 1.35, 1.5, 1.65, 1.7,
  1.45, 0.9,
];

export type DiurnalShape = 'flat' | 'default' | Record<string, number>;

/** Weights at each whole local hour from points `{hour: weight}`, linear between, wrapping at midnight. */
function weightsFromPoints(points: Record<string, number>): number[] {
  const sorted = Object.entries(points)
    .map(([hour, weight]) => ({ hour: Number(hour), weight }))
    .sort((a, b) => a.hour - b.hour);
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (first === undefined || last === undefined) return new Array<number>(24).fill(1);
  const weights: number[] = [];
  for (let hour = 0; hour < 24; hour++) {
    let before = last;
    let after = first;
    for (const point of sorted) {
      if (point.hour <= hour) before = point;
    }
    for (let index = sorted.length - 1; index >= 0; index--) {
      const point = sorted[index];
      if (point !== undefined && point.hour >= hour) after = point;
    }
    const beforeHour = before.hour <= hour ? before.hour : before.hour - 24;
    const afterHour = after.hour >= hour ? after.hour : after.hour + 24;
    const span = afterHour - beforeHour;
    const t = span === 0 ? 0 : (hour - beforeHour) / span;
    weights.push(before.weight + (after.weight - before.weight) * t);
  }
  return weights;
}

/**
 * The fraction of users online at the start of each local hour 0..23 (interpolate linearly
 * between hours): `share` times the shape normalised to a mean of 1, capped at 1.
 */
export function onlineFractionByLocalHour(shareFraction: number, shape: DiurnalShape): number[] {
  const weights =
    shape === 'flat' ? new Array<number>(24).fill(1) : shape === 'default' ? [...DEFAULT_DIURNAL_WEIGHTS] : weightsFromPoints(shape);
  const mean = weights.reduce((sum, weight) => sum + weight, 0) / weights.length;
  return weights.map((weight) => (mean > 0 ? Math.min(1, (shareFraction * weight) / mean) : 0));
}

/** The online fraction at a local time of day (nanoseconds since local midnight), interpolated. */
export function onlineFractionAt(fractionByLocalHour: readonly number[], localTimeOfDayNs: number): number {
  const hours = (((localTimeOfDayNs / NS_PER_HOUR) % 24) + 24) % 24;
  const index = Math.floor(hours);
  const next = (index + 1) % 24;
  const t = hours - index;
  const a = fractionByLocalHour[index] ?? 0;
  const b = fractionByLocalHour[next] ?? 0;
  return a + (b - a) * t;
}

/**
 * The largest online fraction during [localStartNs, localStartNs + durationNs) of local time: the
 * curve is linear between whole hours, so its maximum is at the window's ends or a whole hour.
 */
export function onlineFractionMaxOver(fractionByLocalHour: readonly number[], localStartNs: number, durationNs: number): number {
  if (durationNs >= 24 * NS_PER_HOUR) return Math.max(...fractionByLocalHour);
  let max = Math.max(onlineFractionAt(fractionByLocalHour, localStartNs), onlineFractionAt(fractionByLocalHour, localStartNs + durationNs));
  const firstHour = Math.ceil(localStartNs / NS_PER_HOUR);
  for (let hour = firstHour; hour * NS_PER_HOUR < localStartNs + durationNs; hour++) {
    max = Math.max(max, onlineFractionAt(fractionByLocalHour, hour * NS_PER_HOUR));
  }
  return max;
}
