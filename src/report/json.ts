/**
 * The results contract as text: keys in the order of run-result.ts whatever order the object was
 * built in, numbers rounded by one rule (metrics/rounding.ts), two-space indentation and a final
 * newline. Equal results therefore give equal bytes, which is what lets CI diff two runs and
 * `merge` reproduce one run exactly.
 *
 * Keys the contract does not know yet (added later, as the contract allows) are kept, after the
 * known ones, in code-unit order. A NaN or infinite figure is a bug upstream and throws, naming
 * its path, rather than turning into `null`.
 */
import { compareCodeUnits } from '../metrics/counters.js';
import { roundFigure } from '../metrics/rounding.js';
import type { LatencyCdfPoint, LatencySummary, LinkResult, PartMeta, RatesResult, RunResult, ServerResult, SliceResult, TimeSeries } from '../metrics/run-result.js';

/** How to order an object's keys: known keys in contract order, each with the shape of its value. */
type Shape = { fields: Record<string, Shape | 'leaf' | 'sorted'> } | { items: Shape };

/** Each `Record<keyof X, ...>` below is checked by the compiler to name every key of X. */
const latencySummaryShape: { fields: Record<keyof LatencySummary, Shape | 'leaf'> } = {
  fields: {
    count: 'leaf',
    meanMs: 'leaf',
    p50Ms: 'leaf',
    p90Ms: 'leaf',
    p99Ms: 'leaf',
    p999Ms: 'leaf',
    maxMs: 'leaf',
    cdf: { items: { fields: { latencyMs: 'leaf', fraction: 'leaf' } satisfies Record<keyof LatencyCdfPoint, 'leaf'> } },
  },
};

const serverShape: { fields: Record<keyof ServerResult, 'leaf'> } = {
  fields: {
    id: 'leaf',
    role: 'leaf',
    region: 'leaf',
    cores: 'leaf',
    cpuUtilisation: 'leaf',
    memoryBytesPeak: 'leaf',
    connectionsPeak: 'leaf',
    cpuQueuePeak: 'leaf',
    cpuQueueMean: 'leaf',
    operations: 'leaf',
    dropped: 'leaf',
    nicUtilisation: 'leaf',
  },
};

const ratesShape: { fields: Record<keyof RatesResult, 'leaf'> } = {
  fields: {
    messagesInPerSecond: 'leaf',
    messagesOutPerSecond: 'leaf',
    messagesInPerSecondPeak: 'leaf',
    messagesOutPerSecondPeak: 'leaf',
    loginsPerSecondPeak: 'leaf',
    connectionsPeak: 'leaf',
  },
};

const linkShape: { fields: Record<keyof LinkResult, 'leaf'> } = {
  fields: { id: 'leaf', from: 'leaf', to: 'leaf', bandwidthBitsPerSecond: 'leaf', utilisation: 'leaf', bytes: 'leaf', messages: 'leaf', lost: 'leaf' },
};

const timeSeriesShape: { fields: Record<keyof TimeSeries, 'leaf'> } = {
  fields: {
    intervalMs: 'leaf',
    startMs: 'leaf',
    spanMs: 'leaf',
    sent: 'leaf',
    delivered: 'leaf',
    latencyP50Ms: 'leaf',
    latencyP99Ms: 'leaf',
    cpuUtilisationMean: 'leaf',
    connections: 'leaf',
  },
};

const runShape: { fields: Record<keyof RunResult, Shape | 'leaf' | 'sorted'> } = {
  fields: {
    scenario: 'leaf',
    seed: 'leaf',
    version: 'leaf',
    fidelity: 'leaf',
    simulatedSeconds: 'leaf',
    partial: 'leaf',
    stoppedBy: 'leaf',
    messages: {
      fields: {
        sent: 'leaf',
        delivered: 'leaf',
        dropped: 'leaf',
        pending: 'leaf',
        deliveriesToDevices: 'leaf',
        backlogDeliveries: 'leaf',
        warmupDeliveries: 'leaf',
        duplicates: 'leaf',
        storedOffline: 'leaf',
        expired: 'leaf',
        rejected: 'leaf',
        unsent: 'leaf',
      } satisfies Record<keyof RunResult['messages'], 'leaf'>,
    },
    latency: { fields: { endToEnd: latencySummaryShape } satisfies Record<keyof RunResult['latency'], Shape> },
    rates: ratesShape,
    servers: { items: serverShape },
    links: { items: linkShape },
    operations: 'sorted',
    timeSeries: timeSeriesShape,
    slice: {
      fields: {
        simulatedServers: 'leaf',
        totalServers: 'leaf',
        regionsNotSimulated: 'leaf',
        derived: {
          fields: {
            cpuUtilisationMean: 'leaf',
            cpuUtilisationCi99Low: 'leaf',
            cpuUtilisationCi99High: 'leaf',
            messagesInPerSecond: 'leaf',
            messagesOutPerSecond: 'leaf',
            connectionsPeak: 'leaf',
          } satisfies Record<keyof SliceResult['derived'], 'leaf'>,
        },
        simulatedRates: ratesShape,
      },
    },
    meta: {
      fields: {
        wallSeconds: 'leaf',
        events: 'leaf',
        eventsPerWallSecond: 'leaf',
        messagesPerWallSecond: 'leaf',
        peakRssBytes: 'leaf',
        setupWallSeconds: 'leaf',
        parts: {
          items: {
            fields: { index: 'leaf', wallSeconds: 'leaf', setupWallSeconds: 'leaf', events: 'leaf', partial: 'leaf' } satisfies Record<keyof PartMeta, 'leaf'>,
          },
        },
      } satisfies Record<keyof RunResult['meta'], Shape | 'leaf'>,
    },
  },
};

/** A copy of `result` with keys in contract order and figures rounded: what `renderRunJson` prints. */
export function canonicalRunResult(result: RunResult): RunResult {
  return canonical(result, runShape, '', '') as RunResult;
}

/** The results contract as JSON text: stable key order, rounded figures, 2-space indent, final newline. */
export function renderRunJson(result: RunResult): string {
  return `${JSON.stringify(canonicalRunResult(result), null, 2)}\n`;
}

/** Any plain data as stable JSON text: object keys in code-unit order, figures rounded by key. */
export function renderStableJson(value: unknown): string {
  return `${JSON.stringify(canonical(value, 'sorted', '', ''), null, 2)}\n`;
}

/**
 * `key` is the nearest object key above the value: it chooses the rounding of a number, also
 * for the numbers inside an array such as `latencyP99Ms`. `path` is for error messages.
 */
function canonical(value: unknown, shape: Shape | 'leaf' | 'sorted', key: string, path: string): unknown {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`result: ${path || '(root)'} is ${value}, not a finite number`);
    return roundFigure(key, value);
  }
  if (Array.isArray(value)) {
    const itemShape = typeof shape === 'object' && 'items' in shape ? shape.items : shape === 'leaf' ? 'leaf' : 'sorted';
    return value.map((item, index) => canonical(item, itemShape, key, `${path}[${index}]`));
  }
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const fields = typeof shape === 'object' && 'fields' in shape ? shape.fields : {};
  const out: Record<string, unknown> = {};
  for (const field of Object.keys(fields)) {
    if (field in record && record[field] !== undefined) {
      out[field] = canonical(record[field], fields[field]!, field, path ? `${path}.${field}` : field);
    }
  }
  for (const field of Object.keys(record).sort(compareCodeUnits)) {
    if (field in fields || record[field] === undefined) continue;
    out[field] = canonical(record[field], 'sorted', field, path ? `${path}.${field}` : field);
  }
  return out;
}
