/**
 * The reports' charts as Vega-Lite specs: plain data in, a spec out (render-svg.ts draws them).
 * Each function returns null when there is nothing to draw (no messages, no intervals), and the
 * page says so in words instead of showing an empty frame.
 *
 * Every spec has a fixed size, the system font stack and no interaction (the page has no script),
 * and inlines its data, so the spec alone determines the picture.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Config } from 'vega-lite';
import type { FigureComparison } from '../../engine/compare.js';
import type { LatencyCdfPoint, LatencySummary, ServerResult, TimeSeries } from '../../metrics/run-result.js';
import type { PlanResult } from '../../plan/search/plan-search.js';
import type { PointSummary } from '../../sweep/summary.js';
import { busiestServers } from '../servers.js';
import { CHART_FONT_STACK } from './page.js';
import { estimateTextWidth } from './text-width.js';

/** Outer size of a chart in CSS pixels, axes, title and legend included (autosize fit). */
export const CHART_WIDTH = 520;
export const CHART_HEIGHT = 300;
/** Servers in the CPU bar chart at most (the busiest); a bar per server past that is unreadable. */
export const SERVER_BARS_MAX = 20;

export const COLORS = {
  primary: '#2563eb',
  light: '#93c5fd',
  base: '#9ca3af',
  variant: '#2563eb',
  pass: '#16a34a',
  fail: '#dc2626',
  analytic: '#6b7280',
  limit: '#dc2626',
  marker: '#9ca3af',
  roles: { chat: '#2563eb', directory: '#f59e0b', offlineStore: '#10b981' },
} as const;

const CONFIG: Config = {
  font: CHART_FONT_STACK,
  background: 'white',
  padding: 6,
  view: { stroke: '#e5e7eb' },
  axis: {
    labelColor: '#374151',
    titleColor: '#111827',
    titleFontWeight: 600,
    titleFontSize: 12,
    labelFontSize: 11,
    gridColor: '#eef0f3',
    domainColor: '#9ca3af',
    tickColor: '#9ca3af',
  },
  title: { anchor: 'start', fontSize: 14, fontWeight: 600, subtitleFontSize: 11.5, subtitleColor: '#6b7280', offset: 10, color: '#111827' },
  legend: { orient: 'top', direction: 'horizontal', labelFontSize: 11, titleFontSize: 11, symbolSize: 80 },
};

/** The parts every spec shares: title, size, config. */
function frame(title: string, subtitle: string, height = CHART_HEIGHT) {
  return {
    title: subtitle === '' ? { text: title } : { text: title, subtitle },
    width: CHART_WIDTH,
    height,
    autosize: { type: 'fit', contains: 'padding' },
    config: CONFIG,
  };
}

/** `1,234.5`: for subtitles (the charts' own labels use d3-format in the spec). */
function figure(value: number, digits = 4): string {
  const rounded = Number(value.toPrecision(digits));
  return rounded.toLocaleString('en-US', { maximumFractionDigits: 3 });
}

const ms = (value: number): string => `${figure(value, 4)} ms`;

// ---------------------------------------------------------------------------------------------
// A run

/**
 * The points the CDF chart draws: the result's `cdf` when it has one, else the summary's
 * percentiles (results written before `cdf` existed). Empty when nothing was delivered.
 */
export function cdfPoints(summary: LatencySummary): LatencyCdfPoint[] {
  if (summary.count === 0) return [];
  if (summary.cdf !== undefined && summary.cdf.length > 0) return summary.cdf;
  return [
    { latencyMs: summary.p50Ms, fraction: 0.5 },
    { latencyMs: summary.p90Ms, fraction: 0.9 },
    { latencyMs: summary.p99Ms, fraction: 0.99 },
    { latencyMs: summary.p999Ms, fraction: 0.999 },
    { latencyMs: summary.maxMs, fraction: 1 },
  ];
}

/** A log latency axis when the tail is 20 times the fastest point or more (and nothing is 0). */
export function useLogLatencyAxis(points: readonly LatencyCdfPoint[]): boolean {
  if (points.length < 2 || points.some((p) => !(p.latencyMs > 0))) return false;
  const low = Math.min(...points.map((p) => p.latencyMs));
  const high = Math.max(...points.map((p) => p.latencyMs));
  return high / low >= 20;
}

/** Tick values for a log axis from `low` to `high`: 1-2-5 per decade, thinned to at most 8. */
export function logTicks(low: number, high: number): number[] {
  const first = Math.floor(Math.log10(low));
  const last = Math.ceil(Math.log10(high));
  for (const steps of [[1, 2, 5], [1, 3], [1]]) {
    const ticks: number[] = [];
    for (let decade = first; decade <= last; decade++) {
      for (const step of steps) {
        const tick = Number((step * 10 ** decade).toPrecision(12));
        if (tick >= low && tick <= high) ticks.push(tick);
      }
    }
    if (ticks.length <= 8) return ticks;
  }
  return [];
}

interface CdfMarker {
  label: string;
  latencyMs: number;
  fraction: number;
  text: string;
}

/**
 * Vertical offsets (px) for the markers' labels so that none overlaps another. Each label sits
 * right of and below its point, where a CDF never has a line (the curve only rises); when two
 * percentiles lie close (p99 and p99.9 of a tight distribution) the later label moves down a row.
 * Positions are estimated from the chart's size and the text widths Vega will use.
 */
export function markerLabelOffsets(markers: readonly CdfMarker[], xAt: (latencyMs: number) => number): number[] {
  const plotWidth = CHART_WIDTH - 110;
  const plotHeight = CHART_HEIGHT - 90;
  const rowPx = 14;
  const placed: { left: number; right: number; top: number; bottom: number }[] = [];
  return markers.map((m) => {
    const left = xAt(m.latencyMs) * plotWidth + 6;
    const right = left + estimateTextWidth({ fontSize: 11 }, m.text);
    const top = (1 - m.fraction) * plotHeight + 4;
    let dy = 0;
    const overlapping = () => placed.find((b) => left < b.right + 4 && right + 4 > b.left && top + dy < b.bottom + 1 && top + dy + rowPx > b.top - 1);
    // Just below the label in the way; bounded: each step clears one of the labels placed before.
    for (let box = overlapping(), steps = 0; box !== undefined && steps < markers.length; box = overlapping(), steps++) dy = Math.ceil(box.bottom + 1 - top);
    placed.push({ left, right, top: top + dy, bottom: top + dy + rowPx });
    return dy;
  });
}

export function latencyCdfSpec(summary: LatencySummary): TopLevelSpec | null {
  const points = cdfPoints(summary);
  if (points.length === 0) return null;
  const log = useLogLatencyAxis(points);
  const markers = [
    { label: 'p50', latencyMs: summary.p50Ms, fraction: 0.5 },
    { label: 'p90', latencyMs: summary.p90Ms, fraction: 0.9 },
    { label: 'p99', latencyMs: summary.p99Ms, fraction: 0.99 },
    { label: 'p99.9', latencyMs: summary.p999Ms, fraction: 0.999 },
  ]
    .filter((m) => !log || m.latencyMs > 0)
    .map((m) => ({ ...m, text: `${m.label} ${figure(m.latencyMs)} ms` }));
  const lowMs = Math.min(...points.map((p) => p.latencyMs));
  const highMs = Math.max(...points.map((p) => p.latencyMs));
  const x = {
    field: 'latencyMs',
    type: 'quantitative' as const,
    scale: log ? { type: 'log' as const, nice: false } : { zero: false },
    axis: log ? { title: 'latency (ms, log scale)', values: logTicks(lowMs, highMs), format: ',~r' } : { title: 'latency (ms)' },
  };
  const y = { field: 'fraction', type: 'quantitative' as const, scale: { domain: [0, 1] }, axis: { title: 'share of copies delivered within', format: '.0%' } };
  const position = log
    ? (v: number) => (Math.log(v) - Math.log(lowMs)) / (Math.log(highMs) - Math.log(lowMs) || 1)
    : (v: number) => (v - lowMs) / (highMs - lowMs || 1);
  const offsets = markerLabelOffsets(markers, position);
  const source = summary.cdf !== undefined && summary.cdf.length > 0 ? '' : ' (from the five summary percentiles)';
  return {
    ...frame('End-to-end latency CDF', `${summary.count.toLocaleString('en-US')} deliveries · mean ${ms(summary.meanMs)} · max ${ms(summary.maxMs)}${source}`),
    layer: [
      {
        data: { values: markers },
        mark: { type: 'rule', color: COLORS.marker, strokeDash: [4, 3] },
        encoding: { x, y, y2: { datum: 0 } },
      },
      {
        data: { values: points },
        mark: { type: 'line', color: COLORS.primary, strokeWidth: 2, interpolate: 'linear' },
        encoding: { x, y },
      },
      {
        data: { values: markers },
        mark: { type: 'point', filled: true, size: 45, color: COLORS.primary },
        encoding: { x, y },
      },
      // One layer per label: dy is a mark property, not an encoding.
      ...markers.map((marker, i) => ({
        data: { values: [marker] },
        mark: { type: 'text', align: 'left', baseline: 'top', dx: 6, dy: 4 + offsets[i]!, fontSize: 11, color: '#111827' },
        encoding: { x, y, text: { field: 'text' } },
      })),
    ],
  } as TopLevelSpec;
}

function seriesRows(series: TimeSeries): { timeS: number; i: number }[] {
  return series.startMs.map((startMs, i) => ({ timeS: startMs / 1000, i }));
}

/** Ticks on interval starts, at most 12 (every k-th interval). */
export function timeTicks(series: TimeSeries): number[] {
  const step = Math.max(1, Math.ceil(series.startMs.length / 12));
  return series.startMs.filter((_, i) => i % step === 0).map((startMs) => startMs / 1000);
}

function timeAxis(series: TimeSeries) {
  return {
    field: 'timeS',
    type: 'quantitative' as const,
    scale: { zero: false, nice: false },
    axis: { title: 'simulated time (s, interval start)', format: '~r', values: timeTicks(series) },
  };
}

/** Over-time charts need two intervals at least: one point draws no line. */
export const SERIES_INTERVALS_MIN = 2;

export function cpuOverTimeSpec(series: TimeSeries): TopLevelSpec | null {
  if (series.startMs.length < SERIES_INTERVALS_MIN) return null;
  const values = seriesRows(series).map(({ timeS, i }) => ({ timeS, cpu: series.cpuUtilisationMean[i] ?? 0 }));
  const peak = Math.max(...values.map((v) => v.cpu));
  return {
    ...frame('CPU utilisation over time', `mean over chat servers per ${figure(series.intervalMs / 1000)} s interval · peak ${(peak * 100).toFixed(1)}%`),
    data: { values },
    mark: { type: 'line', color: COLORS.primary, strokeWidth: 2, point: { filled: true, size: 24, color: COLORS.primary } },
    encoding: {
      x: timeAxis(series),
      y: { field: 'cpu', type: 'quantitative', scale: { domain: [0, Math.max(1, peak)] }, axis: { title: 'mean chat-server CPU', format: '.0%' } },
    },
  } as TopLevelSpec;
}

export function latencyOverTimeSpec(series: TimeSeries): TopLevelSpec | null {
  if (series.startMs.length < SERIES_INTERVALS_MIN) return null;
  const values = seriesRows(series).flatMap(({ timeS, i }) => [
    { timeS, percentile: 'p50', latencyMs: series.latencyP50Ms[i] ?? 0 },
    { timeS, percentile: 'p99', latencyMs: series.latencyP99Ms[i] ?? 0 },
  ]);
  return {
    ...frame('Latency over time', `end-to-end p50 and p99 of the messages delivered in each ${figure(series.intervalMs / 1000)} s interval`),
    data: { values },
    mark: { type: 'line', strokeWidth: 2, point: { filled: true, size: 20 } },
    encoding: {
      x: timeAxis(series),
      y: { field: 'latencyMs', type: 'quantitative', axis: { title: 'latency (ms)' } },
      color: { field: 'percentile', type: 'nominal', scale: { domain: ['p50', 'p99'], range: [COLORS.light, COLORS.primary] }, legend: { title: null } },
    },
  } as TopLevelSpec;
}

export function throughputOverTimeSpec(series: TimeSeries): TopLevelSpec | null {
  if (series.startMs.length < SERIES_INTERVALS_MIN || !(series.intervalMs > 0)) return null;
  // Each interval over its own length: the last may be cut short by the run's end.
  const perSecond = (i: number) => 1000 / (series.spanMs[i] ?? series.intervalMs);
  const values = seriesRows(series).flatMap(({ timeS, i }) => [
    { timeS, kind: 'sent', rate: (series.sent[i] ?? 0) * perSecond(i) },
    { timeS, kind: 'delivered to devices', rate: (series.delivered[i] ?? 0) * perSecond(i) },
  ]);
  return {
    ...frame('Throughput over time', `messages per simulated second, per ${figure(series.intervalMs / 1000)} s interval`),
    data: { values },
    mark: { type: 'line', strokeWidth: 2, point: { filled: true, size: 20 } },
    encoding: {
      x: timeAxis(series),
      y: { field: 'rate', type: 'quantitative', axis: { title: 'messages / s', format: ',~r' } },
      color: { field: 'kind', type: 'nominal', scale: { domain: ['sent', 'delivered to devices'], range: [COLORS.base, COLORS.primary] }, legend: { title: null } },
      strokeDash: { field: 'kind', type: 'nominal', scale: { domain: ['sent', 'delivered to devices'], range: [[4, 3], [1, 0]] } },
    },
  } as TopLevelSpec;
}

export function serverCpuSpec(servers: readonly ServerResult[]): TopLevelSpec | null {
  if (servers.length === 0) return null;
  const shown = busiestServers(servers, SERVER_BARS_MAX);
  const values = shown.map((s) => ({ id: s.id, role: s.role, cpu: s.cpuUtilisation, text: `${(s.cpuUtilisation * 100).toFixed(1)}%` }));
  const roles = (['chat', 'directory', 'offlineStore'] as const).filter((role) => shown.some((s) => s.role === role));
  const subtitle = shown.length === servers.length ? `all ${servers.length} servers, busiest first` : `the ${shown.length} busiest of ${servers.length} servers`;
  const y = { field: 'id', type: 'nominal' as const, sort: shown.map((s) => s.id), axis: { title: null, labelLimit: 160 } };
  return {
    ...frame('CPU utilisation by server', subtitle, Math.max(CHART_HEIGHT, 100 + 18 * shown.length)),
    data: { values },
    layer: [
      {
        mark: { type: 'bar', height: { band: 0.7 } },
        encoding: {
          y,
          x: { field: 'cpu', type: 'quantitative', scale: { domain: [0, 1] }, axis: { title: 'CPU utilisation', format: '.0%' } },
          color: { field: 'role', type: 'nominal', scale: { domain: roles, range: roles.map((r) => COLORS.roles[r]) }, legend: { title: null } },
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 10, color: '#374151' },
        encoding: { y, x: { field: 'cpu', type: 'quantitative' }, text: { field: 'text' } },
      },
    ],
  } as TopLevelSpec;
}

// ---------------------------------------------------------------------------------------------
// A plan

/** The SLO limit a curve chart draws, when one of the plan's SLOs bounds that figure from above. */
export function sloLimit(plan: PlanResult, metrics: readonly string[]): { limit: number; slo: string } | null {
  for (const slo of plan.slos) {
    const match = /^\s*([A-Za-z][\w.]*)\s*(<=|<)/.exec(slo);
    if (match === null || !metrics.includes(match[1]!)) continue;
    const evaluation = plan.curve.flatMap((p) => p.runs.flatMap((r) => r.evaluations)).find((e) => e.slo === slo);
    if (evaluation !== undefined) return { limit: evaluation.limit, slo };
  }
  return null;
}

export const P99_SLO_METRICS = ['p99', 'latency.endToEnd.p99Ms'];
export const CPU_SLO_METRICS = ['cpu', 'servers.cpuUtilisation.max', 'servers.chat.cpuUtilisation.max'];

function curveRows(plan: PlanResult) {
  return plan.curve.map((p) => ({
    value: p.value,
    p99Ms: p.p99MsMax,
    cpu: p.cpuUtilisationMax,
    analytic: p.analyticUtilisation,
    result: p.pass ? 'pass' : 'fail',
  }));
}

const resultColor = { field: 'result', type: 'nominal' as const, scale: { domain: ['pass', 'fail'], range: [COLORS.pass, COLORS.fail] }, legend: { title: null } };

/** Ticks on the given values when they are few, else every integer tick Vega picks. */
function integerTicks(values: readonly number[]): { values?: number[]; format: string } {
  const distinct = [...new Set(values)].sort((a, b) => a - b);
  return distinct.length <= 12 ? { values: distinct, format: ',~r' } : { format: ',~r' };
}

function valueAxis(plan: PlanResult) {
  return { field: 'value', type: 'quantitative' as const, scale: { zero: false, padding: 12 }, axis: { title: plan.field, ...integerTicks(plan.curve.map((p) => p.value)) } };
}

/** Layers shared by both curve charts: the answer as a vertical rule, a limit as a horizontal one. */
function markerLayers(plan: PlanResult, limit: { limit: number; slo: string } | null, yField: string): object[] {
  const layers: object[] = [];
  if (plan.answer !== null) {
    layers.push({
      data: { values: [{ value: plan.answer, text: `answer ${plan.answer}` }] },
      layer: [
        { mark: { type: 'rule', color: COLORS.pass, strokeDash: [2, 2] }, encoding: { x: { field: 'value', type: 'quantitative' } } },
        {
          mark: { type: 'text', align: 'left', baseline: 'top', dx: 4, y: 4, fontSize: 11, color: COLORS.pass },
          encoding: { x: { field: 'value', type: 'quantitative' }, text: { field: 'text' } },
        },
      ],
    });
  }
  if (limit !== null) {
    layers.push({
      data: { values: [{ [yField]: limit.limit, text: `SLO: ${limit.slo}` }] },
      layer: [
        { mark: { type: 'rule', color: COLORS.limit, strokeDash: [6, 4] }, encoding: { y: { field: yField, type: 'quantitative' } } },
        {
          mark: { type: 'text', align: 'right', baseline: 'bottom', dx: -4, dy: -3, fontSize: 11, color: COLORS.limit },
          encoding: { x: { value: 'width' }, y: { field: yField, type: 'quantitative' }, text: { field: 'text' } },
        },
      ],
    });
  }
  return layers;
}

export function capacityLatencySpec(plan: PlanResult): TopLevelSpec | null {
  if (plan.curve.length === 0) return null;
  const rows = curveRows(plan);
  const limit = sloLimit(plan, P99_SLO_METRICS);
  const values = [...rows.map((r) => r.p99Ms), ...(limit === null ? [] : [limit.limit])].filter((v) => v > 0);
  const log = values.length === rows.length + (limit === null ? 0 : 1) && Math.max(...values) / Math.min(...values) >= 20;
  const y = { field: 'p99Ms', type: 'quantitative' as const, scale: log ? { type: 'log' as const } : { zero: true }, axis: { title: `p99 latency, worst seed (ms${log ? ', log scale' : ''})` } };
  return {
    ...frame('Capacity curve: p99 latency', `each simulated ${plan.field}; green met every SLO on every seed run`),
    layer: [
      { data: { values: rows }, mark: { type: 'line', color: COLORS.analytic, strokeWidth: 1.5 }, encoding: { x: valueAxis(plan), y } },
      { data: { values: rows }, mark: { type: 'point', filled: true, size: 70, opacity: 1 }, encoding: { x: valueAxis(plan), y, color: resultColor, shape: { field: 'result', type: 'nominal', scale: { domain: ['pass', 'fail'], range: ['circle', 'cross'] } } } },
      ...markerLayers(plan, limit, 'p99Ms'),
    ],
  } as TopLevelSpec;
}

export function capacityCpuSpec(plan: PlanResult): TopLevelSpec | null {
  if (plan.curve.length === 0) return null;
  const rows = curveRows(plan);
  const limit = sloLimit(plan, CPU_SLO_METRICS);
  const lines = rows.flatMap((r) => [
    { value: r.value, cpu: r.cpu, source: 'simulated (busiest server)' },
    { value: r.value, cpu: r.analytic, source: 'analytic (M/M/c)' },
  ]);
  const peak = Math.max(1, ...lines.map((l) => l.cpu));
  const y = { field: 'cpu', type: 'quantitative' as const, scale: { domain: [0, peak] }, axis: { title: 'CPU utilisation', format: '.0%' } };
  const sources = ['simulated (busiest server)', 'analytic (M/M/c)'];
  return {
    ...frame('Capacity curve: CPU', `busiest server, worst seed, against the analytic estimate`),
    layer: [
      {
        data: { values: lines },
        mark: { type: 'line', strokeWidth: 1.5 },
        encoding: {
          x: valueAxis(plan),
          y,
          stroke: { field: 'source', type: 'nominal', scale: { domain: sources, range: [COLORS.analytic, '#a78bfa'] }, legend: { title: null } },
          strokeDash: { field: 'source', type: 'nominal', scale: { domain: sources, range: [[1, 0], [5, 3]] }, legend: { title: null } },
        },
      },
      {
        data: { values: rows },
        mark: { type: 'point', filled: true, size: 70, strokeWidth: 0, opacity: 1 },
        encoding: {
          x: valueAxis(plan),
          y,
          fill: { ...resultColor, legend: { title: null } },
          shape: { field: 'result', type: 'nominal', scale: { domain: ['pass', 'fail'], range: ['circle', 'cross'] }, legend: { title: null } },
        },
      },
      ...markerLayers(plan, limit, 'cpu'),
    ],
  } as TopLevelSpec;
}

// ---------------------------------------------------------------------------------------------
// What-if

/** Short names for the figures a what-if chart shows. */
export const WHATIF_LABELS: Record<string, string> = {
  'messages.sent': 'sent',
  'messages.delivered': 'delivered',
  'messages.dropped': 'dropped',
  'messages.pending': 'pending',
  'messages.deliveriesToDevices': 'deliveries to devices',
  'latency.endToEnd.meanMs': 'mean',
  'latency.endToEnd.p50Ms': 'p50',
  'latency.endToEnd.p90Ms': 'p90',
  'latency.endToEnd.p99Ms': 'p99',
  'latency.endToEnd.p999Ms': 'p99.9',
  'latency.endToEnd.maxMs': 'max',
  'rates.messagesInPerSecond': 'in / s',
  'rates.messagesOutPerSecond': 'out / s',
  'servers.count': 'servers',
  'servers.cpuUtilisation.max': 'busiest server',
  'servers.chat.cpuUtilisation.max': 'busiest chat',
  'servers.chat.cpuUtilisation.mean': 'chat mean',
  'servers.directory.cpuUtilisation.max': 'directory',
  'servers.offlineStore.cpuUtilisation.max': 'offline store',
  'servers.nicUtilisation.max': 'busiest NIC',
  'servers.cpuQueuePeak.max': 'CPU queue peak',
  'servers.memoryBytesPeak.max': 'memory peak',
  'links.utilisation.max': 'busiest link',
  'links.lost.sum': 'lost on links',
};

export const WHATIF_LATENCY_KEYS = ['latency.endToEnd.meanMs', 'latency.endToEnd.p50Ms', 'latency.endToEnd.p90Ms', 'latency.endToEnd.p99Ms', 'latency.endToEnd.p999Ms', 'latency.endToEnd.maxMs'];
export const WHATIF_UTILISATION_KEYS = [
  'servers.cpuUtilisation.max',
  'servers.chat.cpuUtilisation.max',
  'servers.chat.cpuUtilisation.mean',
  'servers.directory.cpuUtilisation.max',
  'servers.offlineStore.cpuUtilisation.max',
  'links.utilisation.max',
];
export const WHATIF_THROUGHPUT_KEYS = ['rates.messagesInPerSecond', 'rates.messagesOutPerSecond'];

const labelOf = (key: string): string => WHATIF_LABELS[key] ?? key;

export interface WhatifBarsOptions {
  title: string;
  subtitle: string;
  axisTitle: string;
  /** d3-format for the labels over the bars. */
  format: string;
  /** d3-format for the axis (default: `format`). */
  axisFormat?: string;
  /** A fixed y domain, e.g. [0, 1] for utilisation. */
  domain?: [number, number];
}

/** Base and variant side by side for each of `keys` present on both sides, in `keys` order. */
export function whatifBarsSpec(figures: readonly FigureComparison[], keys: readonly string[], options: WhatifBarsOptions): TopLevelSpec | null {
  const byKey = new Map(figures.map((f) => [f.key, f]));
  const present = keys.map((key) => byKey.get(key)).filter((f): f is FigureComparison => f !== undefined && f.baseline !== null && f.result !== null);
  if (present.length === 0) return null;
  const values = present.flatMap((f) => [
    { figure: labelOf(f.key), run: 'base', value: f.baseline! },
    { figure: labelOf(f.key), run: 'variant', value: f.result! },
  ]);
  const order = present.map((f) => labelOf(f.key));
  const x = { field: 'figure', type: 'nominal' as const, sort: order, axis: { title: null, labelAngle: 0, labelLimit: 90 } };
  const xOffset = { field: 'run', type: 'nominal' as const, sort: ['base', 'variant'] };
  const peak = Math.max(...values.map((v) => v.value));
  const y = {
    field: 'value',
    type: 'quantitative' as const,
    scale: options.domain !== undefined ? { domain: [options.domain[0], Math.max(options.domain[1], peak)] } : { zero: true },
    axis: { title: options.axisTitle, format: options.axisFormat ?? options.format },
  };
  return {
    ...frame(options.title, options.subtitle),
    data: { values },
    layer: [
      {
        mark: { type: 'bar', width: { band: 0.9 } },
        encoding: { x, xOffset, y, color: { field: 'run', type: 'nominal', scale: { domain: ['base', 'variant'], range: [COLORS.base, COLORS.variant] }, legend: { title: null } } },
      },
      {
        mark: { type: 'text', baseline: 'bottom', dy: -2, fontSize: 9.5, color: '#374151' },
        encoding: { x, xOffset, y, text: { field: 'value', type: 'quantitative', format: options.format } },
      },
    ],
  } as TopLevelSpec;
}

/** Which way a figure moved, as the delta chart colours it. */
export function effectOf(f: FigureComparison): 'worse' | 'better' | 'unchanged' | 'not gated' {
  if (f.status === 'regression') return 'worse';
  if (f.status === 'better' || f.status === 'changed') return 'better';
  if (f.status === 'same') return 'unchanged';
  return 'not gated';
}

/** Deltas in % of the base for `keys`; figures missing a side or with a zero base are left out. */
export function whatifDeltaSpec(figures: readonly FigureComparison[], keys: readonly string[]): TopLevelSpec | null {
  const byKey = new Map(figures.map((f) => [f.key, f]));
  const shown = keys
    .map((key) => byKey.get(key))
    .filter((f): f is FigureComparison => f !== undefined && f.deltaPercent !== null && Number.isFinite(f.deltaPercent));
  if (shown.length === 0) return null;
  const values = shown.map((f) => {
    const delta = f.deltaPercent!;
    return { figure: labelOf(f.key), delta, effect: effectOf(f), text: `${delta > 0 ? '+' : ''}${Number(delta.toPrecision(3))}%` };
  });
  const effects = ['worse', 'better', 'unchanged', 'not gated'];
  const y = { field: 'figure', type: 'nominal' as const, sort: values.map((v) => v.figure), axis: { title: null, labelLimit: 150 } };
  // From the largest fall to the largest rise (0 always in), with room for the labels either side.
  const low = Math.min(0, ...values.map((v) => v.delta));
  const high = Math.max(0, ...values.map((v) => v.delta));
  const room = Math.max(1, high - low) * 0.18;
  const domain = [low < 0 ? low - room : 0, high > 0 ? high + room : low < 0 ? room / 3 : 1];
  const x = { field: 'delta', type: 'quantitative' as const, scale: { domain, nice: false }, axis: { title: 'change from base (%)' } };
  return {
    ...frame('Change from base', 'variant against base, in % of the base; red is worse, green better', Math.max(CHART_HEIGHT, 110 + 17 * values.length)),
    data: { values },
    layer: [
      {
        mark: { type: 'bar', height: { band: 0.7 } },
        encoding: {
          y,
          x,
          color: { field: 'effect', type: 'nominal', scale: { domain: effects, range: [COLORS.fail, COLORS.pass, '#d1d5db', COLORS.base] }, legend: { title: null } },
        },
      },
      { data: { values: [{ delta: 0 }] }, mark: { type: 'rule', color: '#6b7280' }, encoding: { x: { field: 'delta', type: 'quantitative' } } },
      // Labels past the end of each bar: to the right of a rise, to the left of a fall.
      {
        transform: [{ filter: 'datum.delta >= 0' }],
        mark: { type: 'text', fontSize: 10, color: '#374151', align: 'left', dx: 4 },
        encoding: { y, x, text: { field: 'text' } },
      },
      {
        transform: [{ filter: 'datum.delta < 0' }],
        mark: { type: 'text', fontSize: 10, color: '#374151', align: 'right', dx: -4 },
        encoding: { y, x, text: { field: 'text' } },
      },
    ],
  } as TopLevelSpec;
}

// ---------------------------------------------------------------------------------------------
// A sweep

export interface SweepChartRow {
  x: number | string;
  series: string;
  p99Ms: number;
  p99MsMin: number;
  p99MsMax: number;
  cpu: number;
  outPerSecond: number;
  latencyMeanMs: number;
}

/** The first axis is the x axis; the others, if any, name the series (one colour each). */
export function sweepRows(summaries: readonly PointSummary[]): { axis: string; numeric: boolean; rows: SweepChartRow[]; seriesNames: string[] } {
  const axes = summaries.length === 0 ? [] : Object.keys(summaries[0]!.point);
  const axis = axes[0] ?? 'point';
  const rows = summaries.map((s) => ({
    x: s.point[axis] ?? '',
    series: axes.slice(1).map((a) => `${a}=${s.point[a]}`).join(', ') || 'all',
    p99Ms: s.p99MsMean,
    p99MsMin: s.p99MsMin,
    p99MsMax: s.p99MsMax,
    cpu: s.cpuUtilisationMax,
    outPerSecond: s.messagesOutPerSecondMean,
    latencyMeanMs: s.latencyMeanMs,
  }));
  const seriesNames = [...new Set(rows.map((r) => r.series))];
  return { axis, numeric: rows.every((r) => typeof r.x === 'number'), rows, seriesNames };
}

const SERIES_COLORS = ['#2563eb', '#f59e0b', '#10b981', '#dc2626', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#6b7280', '#ea580c'];

function sweepEncoding(data: ReturnType<typeof sweepRows>) {
  const order = [...new Set(data.rows.map((r) => r.x))];
  const x = data.numeric
    ? { field: 'x', type: 'quantitative' as const, scale: { zero: false, padding: 12 }, axis: { title: data.axis, ...integerTicks(data.rows.map((r) => r.x as number)) } }
    : { field: 'x', type: 'ordinal' as const, sort: order, axis: { title: data.axis, labelAngle: 0 } };
  const color =
    data.seriesNames.length > 1
      ? { color: { field: 'series', type: 'nominal' as const, sort: data.seriesNames, scale: { range: SERIES_COLORS }, legend: { title: null, columns: 3 } } }
      : { color: { value: COLORS.primary } };
  return { x, color };
}

export function sweepLatencySpec(summaries: readonly PointSummary[]): TopLevelSpec | null {
  if (summaries.length === 0) return null;
  const data = sweepRows(summaries);
  const { x, color } = sweepEncoding(data);
  const repeats = summaries.some((s) => s.runs > 1);
  // Not from zero: across a sweep p99 moves by a few percent until a knee, and that is the point.
  const y = { field: 'p99Ms', type: 'quantitative' as const, scale: { zero: false }, axis: { title: repeats ? 'p99 latency, mean of repeats (ms)' : 'p99 latency (ms)' } };
  return {
    ...frame('p99 latency across the sweep', repeats ? 'mean over the repeats; the bar spans the lowest to the highest repeat' : `one run per point`),
    data: { values: data.rows },
    layer: [
      ...(repeats ? [{ mark: { type: 'rule', strokeWidth: 1.5, opacity: 0.6 }, encoding: { x, y: { field: 'p99MsMin', type: 'quantitative' }, y2: { field: 'p99MsMax' }, ...color } }] : []),
      { mark: { type: 'line', strokeWidth: 2, point: { filled: true, size: 36 } }, encoding: { x, y, ...color } },
    ],
  } as TopLevelSpec;
}

export function sweepCpuSpec(summaries: readonly PointSummary[]): TopLevelSpec | null {
  if (summaries.length === 0) return null;
  const data = sweepRows(summaries);
  const { x, color } = sweepEncoding(data);
  const peak = Math.max(1, ...data.rows.map((r) => r.cpu));
  return {
    ...frame('Busiest server CPU across the sweep', 'the highest over the repeats of each point'),
    data: { values: data.rows },
    mark: { type: 'line', strokeWidth: 2, point: { filled: true, size: 36 } },
    encoding: { x, y: { field: 'cpu', type: 'quantitative', scale: { domain: [0, peak] }, axis: { title: 'CPU utilisation', format: '.0%' } }, ...color },
  } as TopLevelSpec;
}

export function sweepThroughputSpec(summaries: readonly PointSummary[]): TopLevelSpec | null {
  if (summaries.length === 0) return null;
  const data = sweepRows(summaries);
  const { x, color } = sweepEncoding(data);
  return {
    ...frame('Throughput across the sweep', 'messages delivered to devices per simulated second, mean of the repeats'),
    data: { values: data.rows },
    mark: { type: 'line', strokeWidth: 2, point: { filled: true, size: 36 } },
    encoding: { x, y: { field: 'outPerSecond', type: 'quantitative', axis: { title: 'messages out / s', format: ',~r' } }, ...color },
  } as TopLevelSpec;
}
