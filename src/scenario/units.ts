/**
 * Pure parsers for the quantities a scenario is written in: `30ms`, `10Gbps`, `64GiB`, `1.5e9`,
 * `25%`, `200000/s`. Each returns a number in the base unit named by the function, or
 * `{ error: reason }` with a reason written for the user (it ends up after `field:` in a problem).
 *
 * Base units: durations in integer nanoseconds, bandwidth in bits per second, sizes in integer
 * bytes, counts as plain numbers, percentages as fractions (25% -> 0.25), rates per second.
 *
 * Why strings with units and not bare numbers: a bare `30` for a latency is ambiguous (ms? s?), and
 * a wrong guess is silently off by a factor of a thousand. So durations, sizes and bandwidths need
 * a unit (zero excepted), and percentages need their `%`.
 */

export type UnitResult = number | { error: string };

/** Parses one quantity; numbers as YAML/JSON gave them are accepted where unambiguous. */
export type UnitParser = (value: string | number) => UnitResult;

// One definition of the time grid: the kernel's (integer nanoseconds, see src/sim/time.ts).
import { NS_PER_DAY, NS_PER_HOUR, NS_PER_MIN, NS_PER_MS, NS_PER_S, NS_PER_US } from '../sim/time.js';
export { NS_PER_DAY, NS_PER_HOUR, NS_PER_MIN, NS_PER_MS, NS_PER_S, NS_PER_US };

/** Beyond 2^53 integer nanoseconds stop being exact in a double (about 104 days). */
export const DURATION_NS_MAX = Number.MAX_SAFE_INTEGER;
/** Beyond 2^53 bytes (8 PiB) a size is not a real machine's or message's. */
export const SIZE_BYTES_MAX = Number.MAX_SAFE_INTEGER;
/** Counts (users, events) and rates above 10^15 are not real: the world has 8e9 people. */
export const COUNT_MAX = 1e15;
export const RATE_PER_SECOND_MAX = 1e15;
/** A petabit per second is far past any NIC or link. */
export const BANDWIDTH_BITS_PER_SECOND_MAX = 1e15;

const DURATION_UNITS_NS: Record<string, number> = {
  ns: 1,
  us: NS_PER_US,
  'µs': NS_PER_US,
  'μs': NS_PER_US,
  ms: NS_PER_MS,
  s: NS_PER_S,
  sec: NS_PER_S,
  min: NS_PER_MIN,
  h: NS_PER_HOUR,
  d: NS_PER_DAY,
};

const SIZE_UNITS_BYTES: Record<string, number> = {
  B: 1,
  byte: 1,
  bytes: 1,
  kB: 1e3,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
  TiB: 1024 ** 4,
};

const BANDWIDTH_UNITS_BPS: Record<string, number> = (() => {
  const table: Record<string, number> = {};
  const decimal: Record<string, number> = { '': 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12 };
  for (const [prefix, factor] of Object.entries(decimal)) {
    table[`${prefix}bps`] = factor;
    table[`${prefix}bit/s`] = factor;
    table[`${prefix}b/s`] = factor;
    table[`${prefix}Bps`] = factor * 8;
    table[`${prefix}B/s`] = factor * 8;
  }
  const binary: Record<string, number> = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };
  for (const [prefix, factor] of Object.entries(binary)) {
    table[`${prefix}B/s`] = factor * 8;
    table[`${prefix}Bps`] = factor * 8;
  }
  return table;
})();

const RATE_UNITS_PER_SECOND: Record<string, number> = {
  s: 1,
  sec: 1,
  second: 1,
  min: 1 / 60,
  minute: 1 / 60,
  h: 1 / 3600,
  hour: 1 / 3600,
  d: 1 / 86400,
  day: 1 / 86400,
};

const COUNT_SUFFIXES: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9 };

// A decimal number with optional `_` digit separators and exponent, then an optional unit.
const QUANTITY = /^([+-]?(?:\d+(?:_\d+)*(?:\.\d+(?:_\d+)*)?|\.\d+(?:_\d+)*)(?:[eE][+-]?\d+)?)\s*(.*)$/;

interface Split {
  magnitude: number;
  unit: string;
}

function quote(value: string | number): string {
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}

/** Splits `30ms` into 30 and `ms`; reasons for what cannot be a number at all. */
function split(value: string | number, what: string, example: string): Split | { error: string } {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return { error: `expected ${what} such as ${example}, got NaN` };
    return { magnitude: value, unit: '' };
  }
  const text = value.trim();
  if (text === '') return { error: `expected ${what} such as ${example}, got an empty string` };
  if (/^[+-]?\d{1,3}(,\d{3})+(\.\d+)?/.test(text)) {
    return { error: `write numbers without thousands separators (e.g. 1000000 or 1e6), got ${quote(value)}` };
  }
  const match = QUANTITY.exec(text);
  if (match === null) return { error: `expected ${what} such as ${example}, got ${quote(value)}` };
  const magnitude = Number((match[1] ?? '').replaceAll('_', ''));
  return { magnitude, unit: (match[2] ?? '').trim() };
}

function checkMagnitude(magnitude: number, value: string | number): { error: string } | undefined {
  if (!Number.isFinite(magnitude)) return { error: `number too large to be real, got ${quote(value)}` };
  if (magnitude < 0) return { error: `cannot be negative, got ${quote(value)}` };
  return undefined;
}

function unitList(table: Record<string, number>): string {
  return Object.keys(table).join(', ');
}

/** `30ms`, `200us`, `250ns`, `5s`, `5min`, `2h`, `1d` -> integer nanoseconds (rounded). */
export function parseDurationNs(value: string | number): UnitResult {
  const what = 'a duration';
  const parts = split(value, what, '30ms or 5min');
  if ('error' in parts) return parts;
  const bad = checkMagnitude(parts.magnitude, value);
  if (bad !== undefined) return bad;
  if (parts.unit === '') {
    if (parts.magnitude === 0) return 0;
    return { error: `a duration needs a unit (ns, us, ms, s, min, h, d), e.g. ${parts.magnitude}ms; got ${quote(value)}` };
  }
  if (parts.unit === 'm') return { error: `ambiguous unit "m" in ${quote(value)}: write min for minutes or ms for milliseconds` };
  const factor = DURATION_UNITS_NS[parts.unit];
  if (factor === undefined) {
    return { error: `unknown duration unit "${parts.unit}" in ${quote(value)}; use one of ${unitList(DURATION_UNITS_NS)}` };
  }
  const ns = Math.round(parts.magnitude * factor);
  if (ns > DURATION_NS_MAX) return { error: `duration too large to be real (over 2^53 ns, about 104 days), got ${quote(value)}` };
  return ns;
}

/** `10Gbps`, `100Mbps`, `2.5Gbit/s`, `125MB/s` -> bits per second. */
export function parseBandwidthBitsPerSecond(value: string | number): UnitResult {
  const parts = split(value, 'a bandwidth', '10Gbps or 125MB/s');
  if ('error' in parts) return parts;
  const bad = checkMagnitude(parts.magnitude, value);
  if (bad !== undefined) return bad;
  if (parts.unit === '') {
    if (parts.magnitude === 0) return 0;
    return { error: `a bandwidth needs a unit (bps, Mbps, Gbps, MB/s, ...), e.g. ${parts.magnitude}Gbps; got ${quote(value)}` };
  }
  const factor = BANDWIDTH_UNITS_BPS[parts.unit];
  if (factor === undefined) {
    return { error: `unknown bandwidth unit "${parts.unit}" in ${quote(value)}; use bps, kbps, Mbps, Gbps, Tbps, Gbit/s, MB/s, GiB/s, ...` };
  }
  const bitsPerSecond = parts.magnitude * factor;
  if (bitsPerSecond > BANDWIDTH_BITS_PER_SECOND_MAX) {
    return { error: `bandwidth too large to be real (over 1 Pbps), got ${quote(value)}` };
  }
  return bitsPerSecond;
}

/** `200B`, `300KiB`, `64GiB`, `1.5MB` -> integer bytes (rounded). */
export function parseSizeBytes(value: string | number): UnitResult {
  const parts = split(value, 'a size', '200B or 64GiB');
  if ('error' in parts) return parts;
  const bad = checkMagnitude(parts.magnitude, value);
  if (bad !== undefined) return bad;
  if (parts.unit === '') {
    if (parts.magnitude === 0) return 0;
    return { error: `a size needs a unit (B, kB, MB, GB, KiB, MiB, GiB, ...), e.g. ${parts.magnitude}B; got ${quote(value)}` };
  }
  const factor = SIZE_UNITS_BYTES[parts.unit];
  if (factor === undefined) {
    const hint = /^[kKMGT]i?b$/.test(parts.unit) ? ' (a lowercase b is bits; sizes are in bytes, B)' : '';
    return { error: `unknown size unit "${parts.unit}" in ${quote(value)}${hint}; use one of ${unitList(SIZE_UNITS_BYTES)}` };
  }
  const bytes = Math.round(parts.magnitude * factor);
  if (bytes > SIZE_BYTES_MAX) return { error: `size too large to be real (over 2^53 bytes), got ${quote(value)}` };
  return bytes;
}

/** `1.5e9`, `40e6`, `150`, `40M`, `342k` -> a number; whether it must be whole is the schema's call. */
export function parseCount(value: string | number): UnitResult {
  const parts = split(value, 'a number', '150, 40e6 or 40M');
  if ('error' in parts) return parts;
  const bad = checkMagnitude(parts.magnitude, value);
  if (bad !== undefined) return bad;
  const factor = COUNT_SUFFIXES[parts.unit];
  if (factor === undefined) {
    return { error: `expected a number such as 150, 40e6 or 40M, got ${quote(value)}` };
  }
  const count = parts.magnitude * factor;
  if (count > COUNT_MAX) return { error: `number too large to be real (over 1e15), got ${quote(value)}` };
  return count;
}

/** `25%`, `0.01%` -> a fraction (0.25, 0.0001). A bare number is refused: 0.25 could mean 0.25%. */
export function parsePercentFraction(value: string | number): UnitResult {
  if (typeof value === 'number') {
    return { error: `write a percentage with %, e.g. ${value}% or ${value * 100}%; got ${value}` };
  }
  const parts = split(value, 'a percentage', '25%');
  if ('error' in parts) return parts;
  const bad = checkMagnitude(parts.magnitude, value);
  if (bad !== undefined) return bad;
  if (parts.unit !== '%') return { error: `expected a percentage such as 25%, got ${quote(value)}` };
  return parts.magnitude / 100;
}

/** `200000/s`, `40/day`, `342k/s`, `1.2M/min` -> per second. A bare number is per second. */
export function parseRatePerSecond(value: string | number): UnitResult {
  if (typeof value === 'number') {
    const bad = checkMagnitude(value, value);
    if (bad !== undefined) return bad;
    if (value > RATE_PER_SECOND_MAX) return { error: `rate too large to be real (over 1e15 per second), got ${value}` };
    return value;
  }
  const text = value.trim();
  const slash = text.lastIndexOf('/');
  const countText = slash < 0 ? text : text.slice(0, slash).trim();
  const unit = slash < 0 ? 's' : text.slice(slash + 1).trim();
  const perUnit = RATE_UNITS_PER_SECOND[unit];
  if (perUnit === undefined) {
    return { error: `unknown rate unit "/${unit}" in ${quote(value)}; use /s, /min, /h or /day` };
  }
  const count = parseCount(countText);
  if (typeof count !== 'number') {
    if (count.error.includes('too large')) return { error: `rate too large to be real, got ${quote(value)}` };
    return { error: `expected a rate such as 200000/s or 40/day, got ${quote(value)}` };
  }
  const perSecond = count * perUnit;
  if (perSecond > RATE_PER_SECOND_MAX) return { error: `rate too large to be real (over 1e15 per second), got ${quote(value)}` };
  return perSecond;
}

/** Which parser a quantity uses, by the kind of thing it measures. */
export type QuantityKind = 'duration' | 'size' | 'bandwidth' | 'count' | 'percent' | 'rate';

export const UNIT_PARSERS: Record<QuantityKind, UnitParser> = {
  duration: parseDurationNs,
  size: parseSizeBytes,
  bandwidth: parseBandwidthBitsPerSecond,
  count: parseCount,
  percent: parsePercentFraction,
  rate: parseRatePerSecond,
};
