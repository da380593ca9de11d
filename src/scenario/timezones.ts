/**
 * Time zones of regions: an IANA name (`Europe/Berlin`) or a fixed UTC offset (`UTC+5:30`,
 * `-08:00`, `UTC`). The simulator needs the offset at the simulated start instant to place each
 * region on its diurnal curve; IANA names get theirs (DST included) from the platform's ICU data.
 */
import { suggestion } from './did-you-mean.js';
import { quoteShort } from './fields.js';

const OFFSET = /^(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$/i;

export type TimezoneCheck = { ok: true } | { error: string };

function fixedOffsetMinutes(text: string): number | { error: string } | undefined {
  const trimmed = text.trim();
  if (/^(UTC|GMT|Z)$/i.test(trimmed)) return 0;
  const match = OFFSET.exec(trimmed);
  if (match === null) return undefined;
  const hours = Number(match[2]);
  const minutes = Number(match[3] ?? '0');
  if (hours > 14 || minutes >= 60) return { error: `UTC offset out of range (-14:00 to +14:00), got ${JSON.stringify(text)}` };
  const total = hours * 60 + minutes;
  return match[1] === '-' ? -total : total;
}

let knownZones: readonly string[] | undefined;
function ianaZones(): readonly string[] {
  knownZones ??= Intl.supportedValuesOf('timeZone');
  return knownZones;
}

function isIanaZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

export function checkTimezone(text: string): TimezoneCheck {
  const fixed = fixedOffsetMinutes(text);
  if (typeof fixed === 'number') return { ok: true };
  if (fixed !== undefined) return fixed;
  if (isIanaZone(text.trim())) return { ok: true };
  // A did-you-mean compares with every zone name: not for a text no zone name is near in length.
  const hint = text.length > 64 ? '' : suggestion(text.trim(), ianaZones());
  const help = hint.startsWith('; did') ? hint : '; use an IANA name such as Europe/Berlin or an offset such as UTC+5:30';
  return { error: `unknown time zone ${quoteShort(text)}${help}` };
}

/** The zone's offset from UTC in minutes at the given instant (positive east of Greenwich). */
export function utcOffsetMinutesAt(timezone: string, instantMs: number): number {
  const fixed = fixedOffsetMinutes(timezone);
  if (typeof fixed === 'number') return fixed;
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: timezone.trim(), timeZoneName: 'longOffset' }).formatToParts(
    new Date(instantMs),
  );
  const name = parts.find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (match === null) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

/** A start of `HH:MM` (UTC) is placed on this date, so DST is well defined and runs reproducible. */
export const START_REFERENCE_DATE = '2025-01-15';

const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** `12:00` (UTC time of day on START_REFERENCE_DATE) or an ISO 8601 instant -> epoch milliseconds. */
export function parseStartInstantMs(text: string): number | { error: string } {
  const trimmed = text.trim();
  const clock = TIME_OF_DAY.exec(trimmed);
  if (clock !== null) return Date.parse(`${START_REFERENCE_DATE}T${clock[1]}:${clock[2]}:${clock[3] ?? '00'}Z`);
  if (ISO_INSTANT.test(trimmed)) {
    const ms = Date.parse(trimmed);
    if (!Number.isNaN(ms)) return ms;
  }
  return { error: `expected a UTC time of day such as 12:00 or an ISO 8601 instant such as 2025-12-31T23:00:00Z, got ${JSON.stringify(text)}` };
}
