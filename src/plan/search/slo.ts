/**
 * Service level objectives over a run's results: `latency.endToEnd.p99Ms<200`, `cpu<0.7`,
 * `loss<0.001`, `rates.messagesOutPerSecond>=19000`. One SLO is `<figure> <op> <number>[unit]`:
 *
 * - figure: any key of the compare table (src/engine/compare.ts resultFigures, e.g.
 *   `latency.endToEnd.p99Ms`, `servers.cpuUtilisation.max`, `links.utilisation.max`,
 *   `operations.route`), or an alias: `cpu` (the busiest server's CPU utilisation, any role:
 *   chat server, directory or offline store; `servers.chat.cpuUtilisation.max` reads chat servers only), `loss`
 *   (messages.dropped / messages.sent), `p50`, `p90`, `p99`, `p999`, `mean`, `max` (end-to-end
 *   latency in ms);
 * - op: `<`, `<=`, `>`, `>=`;
 * - number: plain, or with `%` (a fraction: `cpu<70%` is `cpu<0.7`), or for latencies `ms`/`s`/`us`.
 *
 * Parsing reports every problem at once as data; evaluating gives the value, pass or fail and the
 * margin (relative slack to the limit; the SLO with the least margin is the binding constraint).
 */
import { OP_NAMES } from '../../core/ops.js';
import { resultFigures, type ResultInput } from '../../engine/compare.js';
import { suggestion } from '../../scenario/did-you-mean.js';

export type SloOperator = '<' | '<=' | '>' | '>=';

export interface Slo {
  /** As written (trimmed). */
  text: string;
  /** As written before the operator: a figure key or an alias. */
  metric: string;
  /** What the metric reads, for reports: `servers.cpuUtilisation.max`, `messages.dropped / messages.sent`. */
  reads: string;
  operator: SloOperator;
  /** In the figure's unit (ms for latencies, a fraction for utilisation and loss). */
  limit: number;
}

export interface SloProblem {
  slo: string;
  reason: string;
}

export type SloParse = { ok: true; slos: Slo[] } | { ok: false; problems: SloProblem[] };

/** How an alias reads a result. */
interface Alias {
  reads: string;
  unit: 'fraction' | 'ms';
  value(result: ResultInput): number;
}

const LATENCY_ALIASES: Record<string, string> = { p50: 'p50Ms', p90: 'p90Ms', p99: 'p99Ms', p999: 'p999Ms', mean: 'meanMs', max: 'maxMs' };

const ALIASES: Record<string, Alias> = {
  cpu: { reads: 'servers.cpuUtilisation.max', unit: 'fraction', value: (r) => Math.max(0, ...r.servers.map((s) => s.cpuUtilisation)) },
  loss: { reads: 'messages.dropped / messages.sent', unit: 'fraction', value: (r) => (r.messages.sent === 0 ? 0 : r.messages.dropped / r.messages.sent) },
  ...Object.fromEntries(
    Object.entries(LATENCY_ALIASES).map(([alias, key]): [string, Alias] => [
      alias,
      { reads: `latency.endToEnd.${key}`, unit: 'ms', value: (r) => r.latency.endToEnd[key as 'p99Ms'] },
    ]),
  ),
};

/** A result with every figure zero, to list the figure keys a result has. */
function skeletonResult(): ResultInput {
  const zeroLatency = { count: 0, meanMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, p999Ms: 0, maxMs: 0 };
  return {
    scenario: '',
    seed: 0,
    version: '',
    fidelity: 'full',
    simulatedSeconds: 0,
    partial: false,
    stoppedBy: 'time',
    messages: { sent: 0, delivered: 0, dropped: 0, pending: 0, deliveriesToDevices: 0, backlogDeliveries: 0, warmupDeliveries: 0, duplicates: 0, storedOffline: 0, expired: 0, rejected: 0, unsent: 0 },
    latency: { endToEnd: zeroLatency },
    rates: { messagesInPerSecond: 0, messagesOutPerSecond: 0, messagesInPerSecondPeak: 0, messagesOutPerSecondPeak: 0, loginsPerSecondPeak: 0, connectionsPeak: 0 },
    // One server per role, so the per-role figure keys are listed too.
    servers: (['chat', 'directory', 'offlineStore'] as const).map((role) => ({
      id: role,
      role,
      region: '',
      cores: 1,
      cpuUtilisation: 0,
      memoryBytesPeak: 0,
      connectionsPeak: 0,
      cpuQueuePeak: 0,
      cpuQueueMean: 0,
      operations: 0,
      dropped: 0,
      nicUtilisation: 0,
    })),
    links: [],
    operations: Object.fromEntries(OP_NAMES.map((name) => [name, 0])),
    timeSeries: { intervalMs: 0, startMs: [], spanMs: [], sent: [], delivered: [], latencyP50Ms: [], latencyP99Ms: [], cpuUtilisationMean: [], connections: [] },
  };
}

/** Figure keys an SLO may name (meta is measured on the machine, so it makes no SLO). */
export const SLO_FIGURE_KEYS: readonly string[] = resultFigures(skeletonResult()).map((f) => f.key);
export const SLO_ALIASES: readonly string[] = Object.keys(ALIASES);

function unitOf(metric: string): 'fraction' | 'ms' | 'count' {
  const alias = ALIASES[metric];
  if (alias !== undefined) return alias.unit;
  if (metric.endsWith('Ms')) return 'ms';
  if (metric.includes('tilisation')) return 'fraction';
  return 'count';
}

const SLO_PATTERN = /^\s*([A-Za-z][\w.]*)\s*(<=|>=|<|>|=+|!=)?\s*(.*?)\s*$/;
const NUMBER_PATTERN = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*(%|ms|us|s)?$/;

function parseOne(raw: string): Slo | SloProblem {
  const text = raw.trim();
  const match = SLO_PATTERN.exec(text);
  if (text === '' || match === null) return { slo: raw, reason: 'expected <figure><op><number>, such as latency.endToEnd.p99Ms<200 or cpu<0.7' };
  const [, metric = '', operator, limitText = ''] = match;
  if (operator === undefined || !['<', '<=', '>', '>='].includes(operator)) {
    return { slo: raw, reason: `expected one of <, <=, >, >= after ${metric}${operator !== undefined ? `, got ${operator}` : ''} (e.g. ${metric}<0.7)` };
  }
  if (ALIASES[metric] === undefined && !SLO_FIGURE_KEYS.includes(metric)) {
    const known = [...SLO_ALIASES, ...SLO_FIGURE_KEYS];
    const hint = suggestion(metric, known);
    return { slo: raw, reason: `unknown figure "${metric}"${hint.startsWith('; did') ? hint : `; use an alias (${SLO_ALIASES.join(', ')}) or a figure key such as latency.endToEnd.p99Ms`}` };
  }
  const number = NUMBER_PATTERN.exec(limitText);
  if (number === null) return { slo: raw, reason: `expected a number after ${operator}, got ${JSON.stringify(limitText)}` };
  const unit = unitOf(metric);
  let limit = Number(number[1]);
  const suffix = number[2];
  if (suffix === '%') {
    if (unit !== 'fraction') return { slo: raw, reason: `${metric} is not a fraction; % applies to cpu, loss and utilisations` };
    limit /= 100;
  } else if (suffix !== undefined) {
    if (unit !== 'ms') return { slo: raw, reason: `${metric} is not a latency; ${suffix} applies to latency figures (ms)` };
    limit *= suffix === 's' ? 1000 : suffix === 'us' ? 0.001 : 1;
  }
  if (!Number.isFinite(limit)) return { slo: raw, reason: `the limit ${JSON.stringify(limitText)} is not a finite number` };
  if (unit === 'fraction' && (limit < 0 || limit > 1)) {
    return { slo: raw, reason: `${metric} is a fraction from 0 to 1, got ${limit} (write 0.7 or 70%)` };
  }
  // Every figure is >= 0 (fractions <= 1, latencies > 0 once anything is delivered): a bound no run
  // can meet is a typo, refused here rather than found failing after a whole search.
  if (unit === 'ms' && !(limit > 0)) return { slo: raw, reason: `a latency bound must be greater than 0 ms, got ${limit}` };
  const below = operator === '<' || operator === '<=';
  if (below && (limit < 0 || (operator === '<' && limit === 0))) return { slo: raw, reason: `${metric} is never negative, so no run can meet ${operator} ${limit}` };
  if (unit === 'fraction' && operator === '>' && limit === 1) return { slo: raw, reason: `${metric} is a fraction of at most 1, so no run can meet > 1` };
  return { text, metric, reads: ALIASES[metric]?.reads ?? metric, operator: operator as SloOperator, limit };
}

/** Parses every SLO; all problems at once. */
export function parseSlos(texts: readonly string[]): SloParse {
  const slos: Slo[] = [];
  const problems: SloProblem[] = [];
  for (const text of texts) {
    const parsed = parseOne(text);
    if ('reason' in parsed) problems.push(parsed);
    else slos.push(parsed);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, slos };
}

export interface SloEvaluation {
  slo: string;
  value: number;
  limit: number;
  pass: boolean;
  /**
   * Relative slack to the limit: (limit - value) / |limit| for < and <=, (value - limit) / |limit|
   * for > and >=; the absolute slack when the limit is 0. Negative when the SLO fails.
   */
  margin: number;
}

/** The figure an SLO reads from a result. */
export function sloValue(slo: Slo, result: ResultInput): number {
  const alias = ALIASES[slo.metric];
  if (alias !== undefined) return alias.value(result);
  const figure = resultFigures(result).find((f) => f.key === slo.metric);
  return figure?.value ?? 0;
}

/** Whether an SLO reads an end-to-end latency figure (which means nothing without deliveries). */
function readsLatency(slo: Slo): boolean {
  return slo.metric.startsWith('latency.') || ['p50', 'p90', 'p99', 'p999', 'mean', 'max'].includes(slo.metric);
}

export function evaluateSlo(slo: Slo, result: ResultInput): SloEvaluation {
  const value = sloValue(slo, result);
  if (readsLatency(slo) && result.latency.endToEnd.count === 0) {
    // Nothing was delivered: a latency of 0 ms would pass any bound, so the SLO fails instead.
    return { slo: slo.text, value: Infinity, limit: slo.limit, pass: false, margin: -Infinity };
  }
  const below = slo.operator === '<' || slo.operator === '<=';
  const pass =
    slo.operator === '<' ? value < slo.limit : slo.operator === '<=' ? value <= slo.limit : slo.operator === '>' ? value > slo.limit : value >= slo.limit;
  const slack = below ? slo.limit - value : value - slo.limit;
  const margin = slo.limit === 0 ? slack : slack / Math.abs(slo.limit);
  return { slo: slo.text, value, limit: slo.limit, pass, margin };
}

export function evaluateSlos(slos: readonly Slo[], result: ResultInput): SloEvaluation[] {
  return slos.map((slo) => evaluateSlo(slo, result));
}

/** The evaluation with the least margin: the constraint that binds first. Null for no SLOs. */
export function bindingSlo(evaluations: readonly SloEvaluation[]): SloEvaluation | null {
  let best: SloEvaluation | null = null;
  for (const e of evaluations) if (best === null || e.margin < best.margin) best = e;
  return best;
}
