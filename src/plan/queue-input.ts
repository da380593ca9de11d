/**
 * Turns the `chatscale queue` flags (strings as typed) into a QueueInput, or a list of problems,
 * one per bad flag, so the CLI can report them all at once and exit 2. Pure: no process, no throw.
 */
import { SERVERS_MAX } from './not-steady.js';
import { type QueueInput } from './queue-report.js';
import { parseRatePerSecond, parseTimeWithUnit } from './queue-units.js';

/** The queue command's flags as commander hands them over (undefined when absent). */
export interface QueueFlags {
  readonly arrivalRate?: string | undefined;
  readonly serviceTime?: string | undefined;
  readonly servers?: string | undefined;
  readonly target?: string | undefined;
  readonly serviceCv?: string | undefined;
  readonly arrivalCv?: string | undefined;
}

/** One bad flag; the same shape as the CLI's InputProblem (field is the flag, e.g. `--servers`). */
export interface FlagProblem {
  readonly field: string;
  readonly reason: string;
}

export type ParsedQueueFlags = { readonly ok: true; readonly input: QueueInput } | { readonly ok: false; readonly problems: FlagProblem[] };

const COEFFICIENT_OF_VARIATION = /^\s*(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?\s*$/i;

/**
 * Largest coefficient of variation taken. Allen-Cunneen uses its square (and adds two squares), so a
 * cv near 1e154 would overflow to Infinity; a million is far past any real service or arrival process.
 */
export const CV_MAX = 1_000_000;

function parseCv(flag: string, text: string, problems: FlagProblem[]): number | undefined {
  if (!COEFFICIENT_OF_VARIATION.test(text)) {
    problems.push({ field: flag, reason: `expected a coefficient of variation >= 0 (standard deviation / mean; 1 is exponential, 0 constant), got '${text}'` });
    return undefined;
  }
  const cv = Number(text);
  if (!(cv <= CV_MAX)) {
    const overflow = Number.isFinite(cv * cv) ? '' : ' (its square, which the model uses, overflows to Infinity)';
    problems.push({ field: flag, reason: `expected a coefficient of variation from 0 to ${CV_MAX}, got '${text}': too large${overflow}` });
    return undefined;
  }
  return cv;
}

/** A whole number as typed: digits, or exponent notation that is a whole number (1e6). Null otherwise. */
function parseWholeNumber(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\+?(?:\d+(?:\.\d*)?|\.\d+)(?:e\+?\d+)?$/i.test(trimmed)) return null;
  const value = Number(trimmed);
  return Number.isSafeInteger(value) ? value : null;
}

/** Parses and checks every flag; reports all problems, not just the first. */
export function parseQueueFlags(flags: QueueFlags): ParsedQueueFlags {
  const problems: FlagProblem[] = [];

  let arrivalRatePerSecond = Number.NaN;
  if (flags.arrivalRate === undefined) {
    problems.push({ field: '--arrival-rate', reason: 'required: the mean arrival rate, e.g. 0.35/min, 1000/h or 12/s' });
  } else {
    const rate = parseRatePerSecond(flags.arrivalRate);
    if (typeof rate !== 'number') problems.push({ field: '--arrival-rate', reason: rate.error });
    else if (!(rate > 0)) problems.push({ field: '--arrival-rate', reason: `must be greater than 0, got '${flags.arrivalRate}'` });
    else arrivalRatePerSecond = rate;
  }

  let serviceTimeSeconds = Number.NaN;
  let displayTimeUnit = { symbol: 's', seconds: 1 };
  if (flags.serviceTime === undefined) {
    problems.push({ field: '--service-time', reason: 'required: the mean service time per arrival, e.g. 10min, 180s or 200us' });
  } else {
    const time = parseTimeWithUnit(flags.serviceTime);
    if ('error' in time) problems.push({ field: '--service-time', reason: time.error });
    else if (!(time.seconds > 0)) problems.push({ field: '--service-time', reason: `must be greater than 0, got '${flags.serviceTime}'` });
    else {
      serviceTimeSeconds = time.seconds;
      displayTimeUnit = { ...time.unit };
    }
  }

  let servers = Number.NaN;
  if (flags.servers === undefined) {
    problems.push({ field: '--servers', reason: 'required: the number of servers (agents, cores), a whole number >= 1' });
  } else {
    const count = parseWholeNumber(flags.servers);
    if (count === null || count < 1 || count > SERVERS_MAX) problems.push({ field: '--servers', reason: `expected a whole number from 1 to ${SERVERS_MAX}, got '${flags.servers}'` });
    else servers = count;
  }

  let targetSeconds: number | undefined;
  if (flags.target !== undefined) {
    const time = parseTimeWithUnit(flags.target);
    if ('error' in time) problems.push({ field: '--target', reason: time.error });
    else targetSeconds = time.seconds;
  }

  const serviceCv = flags.serviceCv === undefined ? undefined : parseCv('--service-cv', flags.serviceCv, problems);
  const arrivalCv = flags.arrivalCv === undefined ? undefined : parseCv('--arrival-cv', flags.arrivalCv, problems);

  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    input: {
      arrivalRatePerSecond,
      serviceTimeSeconds,
      servers,
      ...(targetSeconds === undefined ? {} : { targetSeconds }),
      ...(serviceCv === undefined ? {} : { serviceCv }),
      ...(arrivalCv === undefined ? {} : { arrivalCv }),
      displayTimeUnit,
    },
  };
}
