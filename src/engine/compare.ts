/**
 * Comparing two results (the CI regression gate behind `chatscale compare`, and the deltas of
 * `whatif`): every numeric figure of the results contract, flattened to a dotted key, with its
 * kind, which says whether a rise or a fall is a regression.
 *
 * Gated kinds and the direction that regresses:
 * - throughput (messages.delivered, messages.deliveriesToDevices, rates.*): a fall;
 * - latency (latency.endToEnd.*Ms): a rise;
 * - utilisation (servers.cpuUtilisation.max, servers.<role>.cpuUtilisation.max/mean,
 *   servers.nicUtilisation.max, links.utilisation.max/mean): a rise;
 * - loss (messages.dropped, messages.expired, messages.duplicates, servers.dropped.sum,
 *   links.lost.sum): a rise.
 * Everything else is shown and never gated: the offered load (messages.sent), counts that depend
 * on where the run ended (pending), memory and queue peaks, operation counts, and `meta.*`, which
 * is measured on the machine, not simulated (DESIGN.md section 5).
 *
 * Pure: plain data in, plain data out. Parsing a file's text is here too, so the checks that make
 * a file "a RunResult" are one function that every command reading results shares.
 */
import type { RunResult } from '../metrics/run-result.js';

/** A result as read from a file: the contract, with `meta` optional (sweep lines leave it out). */
export type ResultInput = Omit<RunResult, 'meta'> & { meta?: RunResult['meta'] };

export type FigureKind = 'throughput' | 'latency' | 'utilisation' | 'loss' | 'info' | 'meta';

export const GATED_KINDS: readonly FigureKind[] = ['throughput', 'latency', 'utilisation', 'loss'];

/** Which way a figure has to move to be a regression. */
export function worseDirection(kind: FigureKind): 'fall' | 'rise' | null {
  if (kind === 'throughput') return 'fall';
  if (kind === 'latency' || kind === 'utilisation' || kind === 'loss') return 'rise';
  return null;
}

export interface Figure {
  key: string;
  value: number;
  kind: FigureKind;
}

const max = (values: number[]): number => (values.length === 0 ? 0 : Math.max(...values));
const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);
const mean = (values: number[]): number => (values.length === 0 ? 0 : sum(values) / values.length);

const ROLE_ORDER = ['chat', 'directory', 'offlineStore'];
const roleRank = (role: string): number => (ROLE_ORDER.includes(role) ? ROLE_ORDER.indexOf(role) : ROLE_ORDER.length);

/**
 * Every numeric figure of a result, in contract order, per-server and per-link ones summarised:
 * servers as the busiest one (`servers.cpuUtilisation.max`, what the `cpu` SLO reads) and per role
 * (`servers.chat.cpuUtilisation.max` and `.mean`, `servers.directory...`), links as max and mean.
 */
export function resultFigures(result: ResultInput): Figure[] {
  const figures: Figure[] = [];
  const add = (key: string, value: number, kind: FigureKind): void => {
    figures.push({ key, value, kind });
  };
  add('simulatedSeconds', result.simulatedSeconds, 'info');
  const m = result.messages;
  add('messages.sent', m.sent, 'info');
  add('messages.delivered', m.delivered, 'throughput');
  add('messages.dropped', m.dropped, 'loss');
  add('messages.pending', m.pending, 'info');
  add('messages.deliveriesToDevices', m.deliveriesToDevices, 'throughput');
  add('messages.storedOffline', m.storedOffline, 'info');
  add('messages.expired', m.expired, 'loss');
  // A copy delivered twice breaks the product's promise; results from before the field read as 0.
  add('messages.duplicates', m.duplicates ?? 0, 'loss');
  const latency = result.latency.endToEnd;
  add('latency.endToEnd.count', latency.count, 'info');
  for (const key of ['meanMs', 'p50Ms', 'p90Ms', 'p99Ms', 'p999Ms', 'maxMs'] as const) add(`latency.endToEnd.${key}`, latency[key], 'latency');
  add('rates.messagesInPerSecond', result.rates.messagesInPerSecond, 'throughput');
  add('rates.messagesOutPerSecond', result.rates.messagesOutPerSecond, 'throughput');

  const servers = result.servers;
  add('servers.count', servers.length, 'info');
  add('servers.cpuUtilisation.max', max(servers.map((s) => s.cpuUtilisation)), 'utilisation');
  // Per role: a mean over chat servers and backing services together would mean little.
  const roles = [...new Set(servers.map((s) => s.role as string))].sort((a, b) => roleRank(a) - roleRank(b) || (a < b ? -1 : a > b ? 1 : 0));
  for (const role of roles) {
    const cpu = servers.filter((s) => s.role === role).map((s) => s.cpuUtilisation);
    add(`servers.${role}.count`, cpu.length, 'info');
    add(`servers.${role}.cpuUtilisation.max`, max(cpu), 'utilisation');
    add(`servers.${role}.cpuUtilisation.mean`, mean(cpu), 'utilisation');
  }
  // NIC egress (results from before the NIC model have no such figure).
  const nic = servers.map((s) => (s as { nicUtilisation?: unknown }).nicUtilisation).filter((v): v is number => typeof v === 'number');
  if (nic.length > 0) add('servers.nicUtilisation.max', max(nic), 'utilisation');
  add('servers.cpuQueuePeak.max', max(servers.map((s) => s.cpuQueuePeak)), 'info');
  add('servers.cpuQueueMean.max', max(servers.map((s) => s.cpuQueueMean)), 'info');
  add('servers.memoryBytesPeak.max', max(servers.map((s) => s.memoryBytesPeak)), 'info');
  add('servers.connectionsPeak.sum', sum(servers.map((s) => s.connectionsPeak)), 'info');
  add('servers.operations.sum', sum(servers.map((s) => s.operations)), 'info');
  add('servers.dropped.sum', sum(servers.map((s) => s.dropped)), 'loss');

  const links = result.links;
  // Utilisation is of a bandwidth: an unlimited link (a region's LAN) has none, and its 0 would
  // pull the mean down as if it were an idle link. (Results from before bandwidthBitsPerSecond
  // lack the field and count every link, as they did.)
  const linkUtil = links.filter((l) => l.bandwidthBitsPerSecond !== null).map((l) => l.utilisation);
  add('links.count', links.length, 'info');
  add('links.utilisation.max', max(linkUtil), 'utilisation');
  add('links.utilisation.mean', mean(linkUtil), 'utilisation');
  add('links.bytes.sum', sum(links.map((l) => l.bytes)), 'info');
  add('links.messages.sum', sum(links.map((l) => l.messages)), 'info');
  add('links.lost.sum', sum(links.map((l) => l.lost)), 'loss');

  for (const op of Object.keys(result.operations).sort()) add(`operations.${op}`, result.operations[op]!, 'info');
  if (result.meta !== undefined) {
    for (const [key, value] of Object.entries(result.meta)) if (typeof value === 'number') add(`meta.${key}`, value, 'meta');
  }
  return figures;
}

export type FigureStatus = 'same' | 'ok' | 'better' | 'regression' | 'changed' | 'info' | 'missing';

export interface FigureComparison {
  key: string;
  kind: FigureKind;
  /** Null when the figure exists on one side only. */
  baseline: number | null;
  result: number | null;
  /** (result - baseline) / |baseline| x 100; null when a side is missing; Infinity from a zero baseline. */
  deltaPercent: number | null;
  /**
   * same: equal; ok: moved within tolerance (or in the good direction when only regressions gate);
   * better: moved the good way beyond tolerance; regression: moved the bad way beyond tolerance;
   * changed: moved beyond tolerance with --any-change; info: not gated (and moved);
   * missing: on one side only.
   */
  status: FigureStatus;
}

export interface CompareOptions {
  /** Relative tolerance as a fraction: 0.02 for 2%. */
  toleranceFraction: number;
  /** Gate a move beyond tolerance in either direction (an improvement too): for exact CI gates. */
  anyChange?: boolean;
}

export interface Comparison {
  toleranceFraction: number;
  anyChange: boolean;
  pass: boolean;
  figures: FigureComparison[];
  /** The figures that fail the gate, in table order. */
  failures: FigureComparison[];
  /** Differences in the non-numeric fields (scenario, seed, version...), as sentences. */
  notes: string[];
}

export function deltaPercent(baseline: number, result: number): number {
  if (baseline === result) return 0;
  if (baseline === 0) return result > 0 ? Infinity : -Infinity;
  return ((result - baseline) / Math.abs(baseline)) * 100;
}

/** True when `result` lies beyond `baseline` by more than the tolerance, in `direction`. */
function beyond(baseline: number, result: number, direction: 'fall' | 'rise', toleranceFraction: number): boolean {
  const slack = Math.abs(baseline) * toleranceFraction;
  return direction === 'rise' ? result > baseline + slack : result < baseline - slack;
}

function statusOf(kind: FigureKind, baseline: number, result: number, options: CompareOptions): FigureStatus {
  if (baseline === result) return 'same';
  const direction = worseDirection(kind);
  if (direction === null) return 'info';
  const tolerance = options.toleranceFraction;
  if (beyond(baseline, result, direction, tolerance)) return 'regression';
  const good = direction === 'rise' ? 'fall' : 'rise';
  if (beyond(baseline, result, good, tolerance)) return options.anyChange === true ? 'changed' : 'better';
  return 'ok';
}

export function compareResults(baseline: ResultInput, result: ResultInput, options: CompareOptions): Comparison {
  const before = resultFigures(baseline);
  const after = new Map(resultFigures(result).map((f) => [f.key, f]));
  const figures: FigureComparison[] = [];
  for (const figure of before) {
    const other = after.get(figure.key);
    after.delete(figure.key);
    if (other === undefined) {
      figures.push({ key: figure.key, kind: figure.kind, baseline: figure.value, result: null, deltaPercent: null, status: 'missing' });
      continue;
    }
    figures.push({
      key: figure.key,
      kind: figure.kind,
      baseline: figure.value,
      result: other.value,
      deltaPercent: deltaPercent(figure.value, other.value),
      status: statusOf(figure.kind, figure.value, other.value, options),
    });
  }
  for (const figure of after.values()) {
    figures.push({ key: figure.key, kind: figure.kind, baseline: null, result: figure.value, deltaPercent: null, status: 'missing' });
  }
  const failures = figures.filter((f) => f.status === 'regression' || f.status === 'changed');
  return {
    toleranceFraction: options.toleranceFraction,
    anyChange: options.anyChange === true,
    pass: failures.length === 0,
    figures,
    failures,
    notes: differenceNotes(baseline, result),
  };
}

function differenceNotes(baseline: ResultInput, result: ResultInput): string[] {
  const notes: string[] = [];
  for (const key of ['scenario', 'seed', 'version', 'fidelity', 'partial', 'stoppedBy'] as const) {
    if (baseline[key] !== result[key]) notes.push(`${key} differs: baseline ${JSON.stringify(baseline[key])}, result ${JSON.stringify(result[key])}`);
  }
  if (result.partial) notes.push('the result is partial (the run was cut short): its figures cover less simulated time');
  return notes;
}

/**
 * Parses `2%`, `0.5 %` or a bare `2` (percent either way) into a fraction. Null with the reason
 * for anything else, so the CLI can report it as bad input.
 */
export function parseTolerance(text: string): { fraction: number } | { reason: string } {
  const match = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*%?\s*$/.exec(text);
  if (match === null) return { reason: `expected a percentage such as 2% or 0%, got ${JSON.stringify(text)}` };
  const percent = Number(match[1]);
  if (!(percent <= 1000)) return { reason: `expected a percentage from 0% to 1000%, got ${JSON.stringify(text)}` };
  return { fraction: percent / 100 };
}

/** Paths the contract requires, with the type each must have; `meta` is optional (sweep lines). */
const REQUIRED: ReadonlyArray<[string, 'number' | 'string' | 'boolean' | 'array' | 'object']> = [
  ['scenario', 'string'],
  ['seed', 'number'],
  ['version', 'string'],
  ['simulatedSeconds', 'number'],
  ['partial', 'boolean'],
  ['messages', 'object'],
  ['messages.sent', 'number'],
  ['messages.delivered', 'number'],
  ['messages.dropped', 'number'],
  ['messages.pending', 'number'],
  ['messages.deliveriesToDevices', 'number'],
  ['messages.storedOffline', 'number'],
  ['messages.expired', 'number'],
  ['latency.endToEnd', 'object'],
  ['latency.endToEnd.count', 'number'],
  ['latency.endToEnd.meanMs', 'number'],
  ['latency.endToEnd.p50Ms', 'number'],
  ['latency.endToEnd.p90Ms', 'number'],
  ['latency.endToEnd.p99Ms', 'number'],
  ['latency.endToEnd.p999Ms', 'number'],
  ['latency.endToEnd.maxMs', 'number'],
  ['rates.messagesInPerSecond', 'number'],
  ['rates.messagesOutPerSecond', 'number'],
  ['servers', 'array'],
  ['links', 'array'],
  ['operations', 'object'],
];

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Null when `value` has the shape of a results contract, else the first thing wrong with it. */
export function checkResultShape(value: unknown): string | null {
  if (typeName(value) !== 'object') return `expected a JSON object (the output of \`chatscale run --json\`), got ${typeName(value)}`;
  for (const [path, type] of REQUIRED) {
    let node: unknown = value;
    for (const part of path.split('.')) node = typeName(node) === 'object' ? (node as Record<string, unknown>)[part] : undefined;
    if (node === undefined) return `missing ${path}`;
    const actual = typeName(node);
    if (actual !== type) return `${path} is a ${actual}, expected a ${type}`;
    if (type === 'number' && !Number.isFinite(node)) return `${path} is ${String(node)}, expected a finite number`;
  }
  const record = value as { servers: unknown[]; links: unknown[]; operations: Record<string, unknown> };
  for (const [index, server] of record.servers.entries()) {
    const s = server as Record<string, unknown> | null;
    for (const key of ['cpuUtilisation', 'cpuQueuePeak', 'cpuQueueMean', 'memoryBytesPeak', 'connectionsPeak', 'operations', 'dropped']) {
      if (typeName(s) !== 'object' || typeof s![key] !== 'number') return `servers[${index}].${key} is missing or not a number`;
    }
  }
  for (const [index, link] of record.links.entries()) {
    const l = link as Record<string, unknown> | null;
    for (const key of ['utilisation', 'bytes', 'messages', 'lost']) {
      if (typeName(l) !== 'object' || typeof l![key] !== 'number') return `links[${index}].${key} is missing or not a number`;
    }
  }
  for (const [key, count] of Object.entries(record.operations)) {
    if (typeof count !== 'number') return `operations.${key} is not a number`;
  }
  return null;
}

/** A result file's text as a result, or the one reason it is not one. */
export function parseResultText(text: string): { ok: true; result: ResultInput } | { ok: false; reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `not JSON (${(error as Error).message.replace(/\s+/g, ' ')})` };
  }
  const problem = checkResultShape(value);
  if (problem !== null) return { ok: false, reason: `not a chatscale result: ${problem}` };
  return { ok: true, result: value as ResultInput };
}
