/**
 * Relations between fields that a per-field schema cannot see: shares that must sum to 100%,
 * links that must join two existing regions, a warmup shorter than the run. They run on the raw
 * data (after overrides) next to the schema, not after it, so that one pass reports every
 * problem; each check reads only the fields it needs and stays silent when those are themselves
 * malformed (the schema reports that).
 */
import { closest } from './did-you-mean.js';
import { DEFAULTS } from './schema.js';
import { COUNT_MAX, parseCount, parseDurationNs, parsePercentFraction, type UnitParser } from './units.js';

export interface CrossProblem {
  path: PropertyKey[];
  reason: string;
  /** Point at the key (a link's name) rather than the value. */
  pointAt?: 'key' | 'value';
}

/** Missing links are listed one by one up to this many, then summarised. */
const MISSING_LINKS_LISTED_MAX = 5;
/** A time series longer than this many buckets is refused: it would not fit a report. */
export const TIME_SERIES_BUCKETS_MAX = 1_000_000;

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function at(data: unknown, path: readonly string[]): unknown {
  let current = data;
  for (const segment of path) {
    if (!isMapping(current)) return undefined;
    current = current[segment];
  }
  return current;
}

/** The parsed value, the fallback when absent, or undefined when malformed (the schema reports it). */
function parsedOr(value: unknown, parse: UnitParser, fallback: number | undefined): number | undefined {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const parsed = parse(value);
  return typeof parsed === 'number' ? parsed : undefined;
}

function integerOr(value: unknown, fallback: number): number | undefined {
  if (value === undefined) return fallback;
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? value : undefined;
}

function percentText(fraction: number): string {
  return `${Number((fraction * 100).toFixed(6))}%`;
}

export interface LinkEnds {
  a: string;
  b: string;
}

/** The two regions a link name `a-b` joins (names may hold `-`): the one split naming two regions. */
export function linkEnds(name: string, regionNames: readonly string[]): LinkEnds | { error: string; suggested?: string } {
  const splits: LinkEnds[] = [];
  for (let index = name.indexOf('-'); index >= 0; index = name.indexOf('-', index + 1)) {
    const a = name.slice(0, index);
    const b = name.slice(index + 1);
    if (regionNames.includes(a) && regionNames.includes(b)) splits.push({ a, b });
  }
  const only = splits[0];
  if (splits.length === 1 && only !== undefined) {
    if (only.a === only.b) return { error: `a link joins two different regions, got ${JSON.stringify(name)}` };
    return only;
  }
  if (splits.length > 1) return { error: `ambiguous link name ${JSON.stringify(name)}: it splits into regions in more than one way; rename a region` };
  const pairs: string[] = [];
  for (const a of regionNames) for (const b of regionNames) if (a !== b) pairs.push(`${a}-${b}`);
  const near = closest(name, pairs);
  return {
    error: `${JSON.stringify(name)} does not name two regions${near !== undefined ? `; did you mean "${near}"?` : `; regions are ${regionNames.join(', ')}`}`,
    ...(near === undefined ? {} : { suggested: near }),
  };
}

function checkRegionsAndLinks(data: Record<string, unknown>, problems: CrossProblem[]): void {
  const regions = data['regions'];
  if (!isMapping(regions)) return;
  const regionNames = Object.keys(regions);
  if (regionNames.length === 0) {
    problems.push({ path: ['regions'], reason: 'at least one region is needed, e.g. regions: { eu: { timezone: Europe/Berlin, users: 1e6 } }' });
    return;
  }
  let usersTotal = 0;
  for (const name of regionNames) {
    const users = parsedOr(at(regions, [name, 'users']), parseCount, undefined);
    if (users !== undefined) usersTotal += users;
  }
  if (usersTotal > COUNT_MAX) problems.push({ path: ['regions'], reason: `${usersTotal.toExponential(2)} users in all: too many to be real (over 1e15)` });

  const links = data['links'] ?? {};
  if (!isMapping(links)) return;
  const joined = new Map<string, string>();
  // A pair a misspelt link name was probably meant for is not reported missing a second time.
  const meant = new Set<string>();
  for (const name of Object.keys(links)) {
    const ends = linkEnds(name, regionNames);
    if ('error' in ends) {
      problems.push({ path: ['links', name], reason: ends.error, pointAt: 'key' });
      if (ends.suggested !== undefined) meant.add(ends.suggested);
      continue;
    }
    const pair = [ends.a, ends.b].sort().join('\u0000');
    const earlier = joined.get(pair);
    if (earlier !== undefined) {
      problems.push({ path: ['links', name], reason: `joins the same regions as link ${earlier}; give each pair once`, pointAt: 'key' });
      continue;
    }
    joined.set(pair, name);
  }
  const missing: [string, string][] = [];
  for (const [index, a] of regionNames.entries()) {
    for (const b of regionNames.slice(index + 1)) {
      if (!joined.has([a, b].sort().join('\u0000')) && !meant.has(`${a}-${b}`) && !meant.has(`${b}-${a}`)) missing.push([a, b]);
    }
  }
  for (const [a, b] of missing.slice(0, MISSING_LINKS_LISTED_MAX)) {
    problems.push({ path: ['links'], reason: `no link between ${a} and ${b}; add links.${a}-${b}: { latency: 50ms }` });
  }
  if (missing.length > MISSING_LINKS_LISTED_MAX) {
    problems.push({ path: ['links'], reason: `and ${missing.length - MISSING_LINKS_LISTED_MAX} more pairs of regions without a link` });
  }
}

function checkTimes(data: Record<string, unknown>, problems: CrossProblem[]): void {
  const durationNs = parsedOr(data['duration'] ?? DEFAULTS.duration, parseDurationNs, undefined);
  const warmupNs = parsedOr(data['warmup'] ?? DEFAULTS.warmup, parseDurationNs, undefined);
  if (durationNs !== undefined && warmupNs !== undefined && warmupNs >= durationNs && durationNs > 0) {
    problems.push({ path: ['warmup'], reason: `warmup (${String(data['warmup'] ?? DEFAULTS.warmup)}) must be shorter than duration (${String(data['duration'] ?? DEFAULTS.duration)})` });
  }
  const intervalNs = parsedOr(at(data, ['output', 'timeSeriesInterval']) ?? DEFAULTS.timeSeriesInterval, parseDurationNs, undefined);
  if (durationNs !== undefined && intervalNs !== undefined && intervalNs > 0 && durationNs / intervalNs > TIME_SERIES_BUCKETS_MAX) {
    problems.push({
      path: ['output', 'timeSeriesInterval'],
      reason: `${Math.ceil(durationNs / intervalNs)} time-series buckets over the duration; at most ${TIME_SERIES_BUCKETS_MAX}, use a longer interval`,
    });
  }
}

function checkFidelity(data: Record<string, unknown>, problems: CrossProblem[]): void {
  const sliceParts = data['sliceParts'];
  if (data['fidelity'] !== 'slice') {
    if (sliceParts !== undefined && sliceParts !== 1) problems.push({ path: ['sliceParts'], reason: 'sliceParts splits a slice: it needs fidelity: slice' });
    return;
  }
  const sliceServers = data['sliceServers'];
  if (typeof sliceParts === 'number' && typeof sliceServers === 'number' && sliceParts > sliceServers) {
    problems.push({ path: ['sliceParts'], reason: `expected at most sliceServers (${sliceServers}) parts, got ${sliceParts}` });
  }
  if (sliceServers === undefined) {
    problems.push({ path: ['fidelity'], reason: 'fidelity slice needs sliceServers: how many chat servers to simulate in full' });
    return;
  }
  const regions = data['regions'];
  if (!isMapping(regions) || typeof sliceServers !== 'number') return;
  const perRegion = integerOr(at(data, ['chatServers', 'perRegion']), DEFAULTS.chatServersPerRegion);
  if (perRegion === undefined) return;
  let total = 0;
  for (const name of Object.keys(regions)) {
    const count = integerOr(at(regions, [name, 'chatServers', 'count']), perRegion);
    if (count === undefined) return;
    total += count;
  }
  if (sliceServers > total) {
    problems.push({ path: ['sliceServers'], reason: `expected at most the deployment's ${total} chat servers, got ${sliceServers}` });
  }
}

/** Diurnal points need at least one point and a weight above 0, or nobody would ever be online. */
function checkDiurnal(diurnal: unknown, path: PropertyKey[], problems: CrossProblem[]): void {
  if (!isMapping(diurnal)) return;
  const weights = Object.values(diurnal);
  if (weights.length === 0) {
    problems.push({ path, reason: 'give at least one point { hour: weight }, or flat or default' });
  } else if (weights.every((weight) => weight === 0)) {
    problems.push({ path, reason: 'the weights must not all be 0: no one would ever be online' });
  }
}

function checkWorkload(data: Record<string, unknown>, problems: CrossProblem[]): void {
  const regions = data['regions'];
  if (isMapping(regions)) {
    for (const name of Object.keys(regions)) checkDiurnal(at(regions, [name, 'online', 'diurnal']), ['regions', name, 'online', 'diurnal'], problems);
  }
  const workload = data['workload'];
  if (!isMapping(workload)) return;
  checkDiurnal(at(workload, ['online', 'diurnal']), ['workload', 'online', 'diurnal'], problems);

  const devices = workload['devicesPerUser'];
  if (isMapping(devices)) {
    const shares = Object.values(devices).map((share) => parsedOr(share, parsePercentFraction, undefined));
    if (shares.every((share) => share !== undefined)) {
      const sum = shares.reduce((total: number, share) => total + (share ?? 0), 0);
      if (Math.abs(sum - 1) > 1e-9) {
        problems.push({ path: ['workload', 'devicesPerUser'], reason: `shares sum to ${percentText(sum)}, expected 100%` });
      }
    }
  }

  if (workload['messagesPerUserPerDay'] !== undefined && workload['messagesPerSecond'] !== undefined) {
    problems.push({
      path: ['workload', 'messagesPerSecond'],
      reason: 'give either messagesPerSecond (one stream for the deployment) or messagesPerUserPerDay, not both',
    });
  }

  const textShare = at(workload, ['sizes', 'text', 'share']);
  const mediaShare = at(workload, ['sizes', 'media', 'share']);
  if (textShare !== undefined && mediaShare !== undefined) {
    const text = parsedOr(textShare, parsePercentFraction, undefined);
    const media = parsedOr(mediaShare, parsePercentFraction, undefined);
    if (text !== undefined && media !== undefined && Math.abs(text + media - 1) > 1e-9) {
      problems.push({ path: ['workload', 'sizes'], reason: `text and media shares sum to ${percentText(text + media)}, expected 100%` });
    }
  }

  const size = at(workload, ['groups', 'size']);
  if (isMapping(size)) {
    const min = integerOr(size['min'], DEFAULTS.groupSizeMin);
    const max = integerOr(size['max'], DEFAULTS.groupSizeMax);
    if (min !== undefined && max !== undefined && min > max) {
      problems.push({ path: ['workload', 'groups', 'size', 'min'], reason: `min (${min}) must not exceed max (${max})` });
    }
  }
}

/** Every relation problem in the data; the schema's own problems are reported separately. */
export function crossCheck(data: unknown): CrossProblem[] {
  const problems: CrossProblem[] = [];
  if (!isMapping(data)) return problems;
  checkRegionsAndLinks(data, problems);
  checkTimes(data, problems);
  checkFidelity(data, problems);
  checkWorkload(data, problems);
  return problems;
}
