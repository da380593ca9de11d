/**
 * How figures read in the terminal and Markdown reports. Fixed decimals where figures stand in a
 * column (latencies, percentages), so a column lines up; thousands separators on counts. Every
 * figure goes through metrics/rounding.ts first, so a report shows what the JSON holds.
 */
import type { LinkResult, PartMeta, RatesResult, RunResult, ServerResult, TimeSeries } from '../metrics/run-result.js';
import { roundFigure } from '../metrics/rounding.js';
import { formatBitsPerSecond, formatBytes, formatCount, formatDurationNs } from '../scenario/format-units.js';

export { formatBytes, formatCount };

/** `62.297` (milliseconds, always 3 decimals). */
export function formatMs(valueMs: number): string {
  return roundFigure('valueMs', valueMs).toFixed(3);
}

/** `62.5%` (a fraction, always 1 decimal). */
export function formatPercent(fraction: number): string {
  return `${(roundFigure('fraction', fraction) * 100).toFixed(1)}%`;
}

/** `10s`, `2min`, `1.5h` (simulated or wall seconds). */
export function formatSeconds(seconds: number): string {
  return formatDurationNs(Math.round(roundFigure('seconds', seconds) * 1e9));
}

/**
 * A run's parts (meta.parts) in one phrase: how many, the quickest and the slowest by wall time
 * (named: a lane's first part also compiles the code the others reuse, so a slow run shows whether
 * it waited on one part or was slow throughout), the range of their setups, and any cut short.
 */
export function formatParts(parts: readonly PartMeta[]): string {
  const quickest = parts.reduce((a, b) => (b.wallSeconds < a.wallSeconds ? b : a));
  const slowest = parts.reduce((a, b) => (b.wallSeconds > a.wallSeconds ? b : a));
  const walls =
    quickest.wallSeconds === slowest.wallSeconds
      ? `${formatSeconds(slowest.wallSeconds)} wall each`
      : `${formatSeconds(quickest.wallSeconds)} (part ${quickest.index}) to ${formatSeconds(slowest.wallSeconds)} (part ${slowest.index}) wall`;
  const setups = parts.map((p) => p.setupWallSeconds);
  const [setupLow, setupHigh] = [Math.min(...setups), Math.max(...setups)];
  const setup = setupLow === setupHigh ? formatSeconds(setupLow) : `${formatSeconds(setupLow)} to ${formatSeconds(setupHigh)}`;
  const cut = parts.filter((p) => p.partial).map((p) => `; part ${p.index} cut short`);
  return `${parts.length} part${parts.length === 1 ? '' : 's'}, ${walls}, setup ${setup}${cut.join('')}`;
}

/** The Markdown and HTML reports' "Run" paragraph: what the run cost on this machine. */
export function runMetaSentence(meta: RunResult['meta']): string {
  const parts = meta.parts === undefined ? '' : `${formatParts(meta.parts)}. `;
  return (
    `${formatSeconds(meta.wallSeconds)} wall · ${formatFigure(meta.events)} events (${formatFigure(meta.eventsPerWallSecond)}/s) · ` +
    `${formatFigure(meta.messagesPerWallSecond)} messages/s · peak RSS ${formatBytes(meta.peakRssBytes)}. ${parts}` +
    'Measured on the machine, unlike every figure above.'
  );
}

/** A count or a mean: `2,000,000`, `0.5`. */
export function formatFigure(value: number): string {
  return formatCount(roundFigure('value', value));
}

/** One server's row in the Markdown and HTML server tables (the id as given, formatted by the caller). */
export function serverFigureRow(server: ServerResult, id: string): string[] {
  return [
    id,
    server.role,
    server.region,
    formatCount(server.cores),
    formatPercent(server.cpuUtilisation),
    formatBytes(server.memoryBytesPeak),
    formatFigure(server.connectionsPeak),
    formatFigure(server.cpuQueuePeak),
    formatFigure(server.cpuQueueMean),
    formatFigure(server.operations),
    formatFigure(server.dropped),
  ];
}

/** The messages section of a run's report, as (label, value) rows: one list for every format. */
export function messageFigureRows(result: RunResult): Array<[string, string]> {
  const m = result.messages;
  return [
    ['sent', formatFigure(m.sent)],
    ['delivered', formatFigure(m.delivered)],
    ['dropped', formatFigure(m.dropped)],
    ['pending', formatFigure(m.pending)],
    ['deliveries to devices', formatFigure(m.deliveriesToDevices)],
    ['stored offline', formatFigure(m.storedOffline)],
    ['expired', formatFigure(m.expired)],
    ['rejected', formatFigure(m.rejected)],
    ['unsent (not sent: no sender online, or no one to send to)', formatFigure(m.unsent)],
    [`messages in per second${result.slice === undefined ? '' : ', the slice'}`, formatFigure(simulatedRatesOf(result).messagesInPerSecond)],
    [`messages out per second${result.slice === undefined ? '' : ', the slice'}`, formatFigure(simulatedRatesOf(result).messagesOutPerSecond)],
  ];
}

/** The heading of a slice's derived figures, as the terminal, Markdown and HTML reports title them. */
export function sliceHeading(slice: NonNullable<RunResult['slice']>): string {
  return `Deployment, derived from a slice of ${slice.simulatedServers} of ${slice.totalServers} chat servers`;
}

/** Said after a slice's derived figures: what follows is the slice's own. */
export const SLICE_SECTIONS_NOTE = 'The sections below describe the slice: the simulated servers and what they carried.';

/**
 * A slice's derived figures for the whole deployment, as rows (the Markdown and HTML reports; the
 * terminal lays out the same figures): CPU with its 99% interval, rates with their peaks.
 */
export function sliceDerivedRows(result: RunResult): Array<[string, string]> {
  const slice = result.slice;
  if (slice === undefined) return [];
  const d = slice.derived;
  return [
    ['chat-server CPU (99% CI)', `${formatPercent(d.cpuUtilisationMean)} (${formatPercent(d.cpuUtilisationCi99Low)} to ${formatPercent(d.cpuUtilisationCi99High)})`],
    ['messages in per second (peak)', `${formatFigure(d.messagesInPerSecond)} (${formatFigure(result.rates.messagesInPerSecondPeak)})`],
    ['copies delivered per second (peak)', `${formatFigure(d.messagesOutPerSecond)} (${formatFigure(result.rates.messagesOutPerSecondPeak)})`],
    ['logins per second, peak', formatFigure(result.rates.loginsPerSecondPeak)],
    ['connections, peak', formatFigure(d.connectionsPeak)],
    ...(slice.regionsNotSimulated.length === 0 ? [] : ([['regions not simulated', notSimulatedNote(slice.regionsNotSimulated)]] satisfies Array<[string, string]>)),
  ];
}

/**
 * Says which regions a slice's derived figures did not measure: their servers are counted as
 * carrying the simulated regions' load per server (slice-derivation.ts), which may be far off
 * when regions differ in time of day or users per server.
 */
export function notSimulatedNote(regions: readonly string[]): string {
  return `no server simulated in ${regions.join(', ')}: ${regions.length === 1 ? 'its' : 'their'} load is assumed equal, per server, to the simulated regions'`;
}

/** The rates of the simulated servers: `rates` itself, or in a slice its own (`rates` is derived). */
export function simulatedRatesOf(result: RunResult): RatesResult {
  return result.slice?.simulatedRates ?? result.rates;
}

/** `, the last 500ms` when the run's end cut the last interval short (its counts are smaller for it). */
export function lastIntervalNote(series: Pick<TimeSeries, 'intervalMs' | 'spanMs'>): string {
  const last = series.spanMs[series.spanMs.length - 1];
  return last !== undefined && last < series.intervalMs ? `, the last ${formatSeconds(last / 1000)}` : '';
}

/** Said instead of a latency table of zeros, when no copy reached a device in the measured window. */
export const NO_LATENCY = 'none: no copy reached a device in the measured window, so there is no latency to report';

/** The links table's columns, in every report. */
export const LINK_HEADER = ['id', 'from', 'to', 'bandwidth', 'utilisation', 'bytes', 'messages', 'lost'];
export const LINK_ALIGN = ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'right'] as const;
export const LINK_UTILISATION_COLUMN = 4;

/**
 * One link's row (the id as given, formatted by the caller). An unlimited link has no utilisation
 * to show: the JSON's 0 would read as an idle link, so the cell says "unlimited".
 */
export function linkRow(link: LinkResult, id: string): string[] {
  const unlimited = link.bandwidthBitsPerSecond === null;
  return [
    id,
    link.from,
    link.to,
    formatBitsPerSecond(link.bandwidthBitsPerSecond),
    unlimited ? 'unlimited' : formatPercent(link.utilisation),
    formatBytes(link.bytes),
    formatFigure(link.messages),
    formatFigure(link.lost),
  ];
}

/** The time series table's columns, in the Markdown and HTML reports. */
export const TIME_SERIES_HEADER = ['start (s)', 'sent', 'delivered', 'p50 (ms)', 'p99 (ms)', 'chat cpu', 'connections'];

/**
 * The time series as table rows, at most `rowsMax` of them (one interval in every `step` when there
 * are more), and the note that says so; null for an empty series.
 */
export function timeSeriesRows(series: TimeSeries, rowsMax: number): { rows: string[][]; note: string } | null {
  const intervals = series.startMs.length;
  if (intervals === 0) return null;
  const step = Math.ceil(intervals / rowsMax);
  const rows: string[][] = [];
  for (let i = 0; i < intervals; i += step) {
    rows.push([
      formatFigure(series.startMs[i]! / 1000),
      formatFigure(series.sent[i]!),
      formatFigure(series.delivered[i]!),
      formatMs(series.latencyP50Ms[i]!),
      formatMs(series.latencyP99Ms[i]!),
      formatPercent(series.cpuUtilisationMean[i]!),
      formatFigure(series.connections[i]!),
    ]);
  }
  const every = formatSeconds(series.intervalMs / 1000);
  const note =
    step === 1
      ? `${intervals} intervals of ${every}${lastIntervalNote(series)}.`
      : `${intervals} intervals of ${every}${lastIntervalNote(series)}; one row in every ${step} shown (the CSV has all).`;
  return { rows, note };
}
