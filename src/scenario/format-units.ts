/**
 * The inverse of units.ts: base units back to the notation a scenario is written in (`30ms`,
 * `64GiB`, `10Gbps`, `25%`), so what `validate` prints can be pasted back into a file. Counts get
 * thousands separators (fixed, not locale-dependent) for reading only.
 */
import { NS_PER_DAY, NS_PER_HOUR, NS_PER_MIN, NS_PER_MS, NS_PER_S, NS_PER_US } from './units.js';

/** Up to `digits` significant digits, no trailing zeros, no exponent for ordinary magnitudes. */
function short(value: number, digits = 4): string {
  if (value === 0) return '0';
  return String(Number(value.toPrecision(digits)));
}

export function formatDurationNs(durationNs: number): string {
  const steps: [number, string][] = [
    [NS_PER_DAY, 'd'],
    [NS_PER_HOUR, 'h'],
    [NS_PER_MIN, 'min'],
    [NS_PER_S, 's'],
    [NS_PER_MS, 'ms'],
    [NS_PER_US, 'us'],
  ];
  if (durationNs === 0) return '0s';
  for (const [factor, unit] of steps) {
    if (Math.abs(durationNs) >= factor) return `${short(durationNs / factor)}${unit}`;
  }
  return `${short(durationNs)}ns`;
}

export function formatBytes(bytes: number): string {
  const steps: [number, string][] = [
    [1024 ** 4, 'TiB'],
    [1024 ** 3, 'GiB'],
    [1024 ** 2, 'MiB'],
    [1024, 'KiB'],
  ];
  for (const [factor, unit] of steps) {
    if (Math.abs(bytes) >= factor) return `${short(bytes / factor, 3)}${unit}`;
  }
  return `${short(bytes)}B`;
}

export function formatBitsPerSecond(bitsPerSecond: number | null): string {
  if (bitsPerSecond === null) return 'unlimited';
  const steps: [number, string][] = [
    [1e12, 'Tbps'],
    [1e9, 'Gbps'],
    [1e6, 'Mbps'],
    [1e3, 'kbps'],
  ];
  for (const [factor, unit] of steps) {
    if (Math.abs(bitsPerSecond) >= factor) return `${short(bitsPerSecond / factor)}${unit}`;
  }
  return `${short(bitsPerSecond)}bps`;
}

/** `1,000,000`; fractions keep up to 3 decimals. */
export function formatCount(count: number): string {
  if (!Number.isFinite(count)) return String(count);
  const rounded = Math.abs(count) >= 100 ? Math.round(count) : Number(count.toFixed(3));
  const [whole = '0', fraction] = String(Math.abs(rounded)).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${rounded < 0 ? '-' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

/** `25%`, `0.01%`, `92.5%` (3 significant digits). */
export function formatFraction(fraction: number): string {
  return `${short(fraction * 100, 3)}%`;
}

/** `200,000/s`, or `unlimited`. */
export function formatRate(perSecond: number | null): string {
  return perSecond === null ? 'unlimited' : `${formatCount(perSecond)}/s`;
}
