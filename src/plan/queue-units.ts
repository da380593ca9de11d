/**
 * The `chatscale queue` command's small unit parser: times such as `10min`, `120s`, `200ms`, `5us`,
 * `1.5h`, and rates such as `0.35/min`, `1000/h`, `12/s`. A bare number is seconds for a time and
 * per second for a rate. Pure functions that return a number or { error }; never throw.
 * (src/scenario has its own, fuller parser; the two may merge later.)
 */

export interface UnitError {
  readonly error: string;
}

export interface TimeUnit {
  /** The symbol to print, e.g. "min". */
  readonly symbol: string;
  /** Seconds in one of this unit. */
  readonly seconds: number;
}

const NANOSECOND: TimeUnit = { symbol: 'ns', seconds: 1e-9 };
const MICROSECOND: TimeUnit = { symbol: 'us', seconds: 1e-6 };
const MILLISECOND: TimeUnit = { symbol: 'ms', seconds: 1e-3 };
export const SECOND: TimeUnit = { symbol: 's', seconds: 1 };
const MINUTE: TimeUnit = { symbol: 'min', seconds: 60 };
const HOUR: TimeUnit = { symbol: 'h', seconds: 3600 };
const DAY: TimeUnit = { symbol: 'd', seconds: 86_400 };

/**
 * Accepted spellings. A bare `m` is left out on purpose: in capacity work it is read as minutes
 * by some and as milli- by others, and a wrong guess is off by 60,000.
 */
const TIME_UNITS: ReadonlyMap<string, TimeUnit> = new Map([
  ['ns', NANOSECOND],
  ['us', MICROSECOND],
  ['\u00b5s', MICROSECOND],
  ['\u03bcs', MICROSECOND],
  ['ms', MILLISECOND],
  ['s', SECOND],
  ['sec', SECOND],
  ['secs', SECOND],
  ['second', SECOND],
  ['seconds', SECOND],
  ['min', MINUTE],
  ['mins', MINUTE],
  ['minute', MINUTE],
  ['minutes', MINUTE],
  ['h', HOUR],
  ['hr', HOUR],
  ['hrs', HOUR],
  ['hour', HOUR],
  ['hours', HOUR],
  ['d', DAY],
  ['day', DAY],
  ['days', DAY],
]);

const NUMBER_THEN_REST = /^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)\s*(.*?)\s*$/i;

function splitNumber(text: string): { value: number; rest: string } | null {
  const match = NUMBER_THEN_REST.exec(text);
  if (match === null) return null;
  return { value: Number(match[1]), rest: match[2] ?? '' };
}

/** A time with its unit, so output can be shown in the unit the user typed. */
export function parseTimeWithUnit(text: string): { seconds: number; unit: TimeUnit } | UnitError {
  const example = 'a time like 120s, 200ms, 5us, 10min or 1.5h';
  const parts = splitNumber(text);
  if (parts === null) return { error: `expected ${example}, got '${text}'` };
  const unit = parts.rest === '' ? SECOND : TIME_UNITS.get(parts.rest.toLowerCase());
  if (unit === undefined) return { error: `unknown time unit '${parts.rest}' in '${text}'; expected ${example}` };
  if (parts.value < 0) return { error: `a time cannot be negative, got '${text}'` };
  const seconds = parts.value * unit.seconds;
  if (!Number.isFinite(seconds)) return { error: `'${text}' is too large` };
  return { seconds, unit };
}

/** A time in seconds, or { error }. */
export function parseTimeSeconds(text: string): number | UnitError {
  const parsed = parseTimeWithUnit(text);
  return 'error' in parsed ? parsed : parsed.seconds;
}

/** A rate per second, or { error }: `12/s`, `0.35/min`, `1000/h`, `5` (per second). */
export function parseRatePerSecond(text: string): number | UnitError {
  const example = 'a rate like 12/s, 0.35/min or 1000/h (a bare number is per second)';
  const parts = splitNumber(text);
  if (parts === null) return { error: `expected ${example}, got '${text}'` };
  let unit = SECOND;
  if (parts.rest !== '') {
    const per = /^\/\s*(.+)$/.exec(parts.rest);
    const found = per === null ? undefined : TIME_UNITS.get(per[1]!.toLowerCase());
    if (found === undefined) return { error: `unknown rate unit '${parts.rest}' in '${text}'; expected ${example}` };
    unit = found;
  }
  if (parts.value < 0) return { error: `a rate cannot be negative, got '${text}'` };
  const perSecond = parts.value / unit.seconds;
  if (!Number.isFinite(perSecond)) return { error: `'${text}' is too large` };
  return perSecond;
}

/** Type guard for the { error } branch of the parsers above. */
export function isUnitError(value: unknown): value is UnitError {
  return typeof value === 'object' && value !== null && 'error' in value;
}
