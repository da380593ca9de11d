/**
 * The readable summary `chatscale run` prints: a header, then messages, latency, servers, links,
 * operations, the time series as sparklines and how fast the run went. A pure function of the
 * result; colour only when asked (the CLI decides from the terminal and NO_COLOR), through a Chalk
 * instance of our own so the environment never changes the output of a test.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import { sortedRecord } from '../metrics/counters.js';
import type { LinkResult, RunResult, ServerResult, TimeSeries } from '../metrics/run-result.js';
import { formatBytes, formatCount, formatFigure, formatMs, formatParts, formatPercent, formatSeconds, lastIntervalNote, LINK_ALIGN, LINK_HEADER, LINK_UTILISATION_COLUMN, linkRow, NO_LATENCY, notSimulatedNote, simulatedRatesOf, sliceHeading } from './format.js';
import { roleCounts, serverView, type ServerGroup } from './servers.js';
import { sparkline } from './sparkline.js';
import { renderTable, type Cell } from './table.js';

export interface RenderTextOptions {
  color: boolean;
}

/** CPU at or above this is shown in yellow, at or above `CPU_RED` in red. */
const CPU_YELLOW = 0.8;
const CPU_RED = 0.95;
const SPARKLINE_WIDTH = 60;

interface Styles {
  title: (text: string) => string;
  dim: (text: string) => string;
  warn: (text: string) => string;
  bad: (text: string) => string;
}

function styles(chalk: ChalkInstance): Styles {
  return { title: chalk.bold, dim: chalk.dim, warn: chalk.yellow, bad: chalk.red };
}

export function renderRunText(result: RunResult, options: RenderTextOptions): string {
  const s = styles(new Chalk({ level: options.color ? 1 : 0 }));
  const sections = [
    header(result, s),
    slice(result, s),
    messages(result, s),
    latency(result, s),
    servers(result.servers, s),
    links(result.links, s),
    operations(result.operations, s),
    timeSeries(result.timeSeries, s),
    run(result, s),
  ];
  return `${sections.filter((lines) => lines.length > 0).map((lines) => lines.join('\n')).join('\n\n')}\n`;
}

function header(result: RunResult, s: Styles): string[] {
  const lines = [
    `${s.title('chatscale run')}  ${result.scenario}`,
    `  seed ${result.seed} · ${result.fidelity} fidelity · ${formatSeconds(result.simulatedSeconds)} simulated · chatscale ${result.version} · stopped by ${result.stoppedBy}`,
  ];
  if (result.partial) {
    lines.push(s.warn(`  PARTIAL: the run was cut short (${result.stoppedBy}); figures cover the simulated time so far`));
  }
  return lines;
}

/** With fidelity: slice, what the simulated servers say about the whole deployment (derived). */
function slice(result: RunResult, s: Styles): string[] {
  const slice = result.slice;
  if (slice === undefined) return [];
  const d = slice.derived;
  return [
    s.title(sliceHeading(slice)),
    ...(slice.regionsNotSimulated.length === 0 ? [] : [s.warn(`  ${notSimulatedNote(slice.regionsNotSimulated)}`)]),
    `  chat-server CPU    ${formatPercent(d.cpuUtilisationMean)} (99% CI ${formatPercent(d.cpuUtilisationCi99Low)} to ${formatPercent(d.cpuUtilisationCi99High)})`,
    `  messages in        ${formatFigure(d.messagesInPerSecond)}/s (peak ${formatFigure(result.rates.messagesInPerSecondPeak)}/s)`,
    `  copies delivered   ${formatFigure(d.messagesOutPerSecond)}/s (peak ${formatFigure(result.rates.messagesOutPerSecondPeak)}/s)`,
    `  logins peak        ${formatFigure(result.rates.loginsPerSecondPeak)}/s`,
    `  connections peak   ${formatFigure(d.connectionsPeak)}`,
    '  (the sections below describe the slice)',
  ];
}

function countCell(value: number, s: Styles, badWhenPositive = false): Cell {
  return { text: formatFigure(value), ...(badWhenPositive && value > 0 ? { style: s.bad } : {}) };
}

function messages(result: RunResult, s: Styles): string[] {
  const m = result.messages;
  const rows: Cell[][] = [
    ['sent', countCell(m.sent, s), `${formatFigure(simulatedRatesOf(result).messagesInPerSecond)}/s in`],
    ['delivered', countCell(m.delivered, s), `${formatFigure(simulatedRatesOf(result).messagesOutPerSecond)}/s out`],
    ['dropped', countCell(m.dropped, s, true)],
    ['pending', countCell(m.pending, s)],
    ['to devices', countCell(m.deliveriesToDevices, s)],
    ['stored offline', countCell(m.storedOffline, s)],
    ['expired', countCell(m.expired, s, true)],
    ['rejected', countCell(m.rejected, s, true)],
    ['unsent', countCell(m.unsent, s)],
  ];
  return [s.title('Messages'), ...renderTable(rows, { align: ['left', 'right', 'left'] })];
}

function latency(result: RunResult, s: Styles): string[] {
  const e = result.latency.endToEnd;
  // The JSON keeps its numbers (0 with a count of 0); a table of zeros would read as instant delivery.
  if (e.count === 0) return [s.title('End-to-end latency (ms)'), `  ${NO_LATENCY}`];
  const rows = [
    ['count', 'mean', 'p50', 'p90', 'p99', 'p99.9', 'max'],
    [formatFigure(e.count), ...[e.meanMs, e.p50Ms, e.p90Ms, e.p99Ms, e.p999Ms, e.maxMs].map(formatMs)],
  ];
  return [
    s.title('End-to-end latency (ms)'),
    ...renderTable(rows, { align: Array(7).fill('right'), headerStyle: s.dim }),
  ];
}

function cpuCell(fraction: number, s: Styles): Cell {
  const text = formatPercent(fraction);
  if (fraction >= CPU_RED) return { text, style: s.bad };
  if (fraction >= CPU_YELLOW) return { text, style: s.warn };
  return text;
}

function serverRows(list: readonly ServerResult[], s: Styles): Cell[][] {
  return [
    ['id', 'role', 'region', 'cores', 'cpu', 'memory peak', 'connections', 'queue peak', 'queue mean', 'operations', 'dropped'],
    ...list.map((server) => [
      server.id,
      server.role,
      server.region,
      formatCount(server.cores),
      cpuCell(server.cpuUtilisation, s),
      formatBytes(server.memoryBytesPeak),
      formatFigure(server.connectionsPeak),
      formatFigure(server.cpuQueuePeak),
      formatFigure(server.cpuQueueMean),
      formatFigure(server.operations),
      countCell(server.dropped, s, true),
    ]),
  ];
}

const SERVER_ALIGN = ['left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'] as const;

function groupRows(groups: readonly ServerGroup[], s: Styles): Cell[][] {
  return [
    ['region', 'role', 'servers', 'cores', 'cpu mean', 'cpu max', 'memory peak max', 'connections', 'queue peak max', 'operations', 'dropped'],
    ...groups.map((group) => [
      group.region,
      group.role,
      formatCount(group.servers),
      formatCount(group.cores),
      cpuCell(group.cpuUtilisationMean, s),
      cpuCell(group.cpuUtilisationMax, s),
      formatBytes(group.memoryBytesPeakMax),
      formatFigure(group.connectionsPeak),
      formatFigure(group.cpuQueuePeakMax),
      formatFigure(group.operations),
      countCell(group.dropped, s, true),
    ]),
  ];
}

function servers(list: readonly ServerResult[], s: Styles): string[] {
  if (list.length === 0) return [];
  const view = serverView(list);
  const title = s.title(`Servers (${list.length}: ${roleCounts(list)})`);
  if (view.listed.length > 0) {
    return [title, ...renderTable(serverRows(view.listed, s), { align: SERVER_ALIGN, headerStyle: s.dim })];
  }
  return [
    title,
    ...renderTable(groupRows(view.groups, s), { align: ['left', 'left', ...Array<'right'>(9).fill('right')], headerStyle: s.dim }),
    '',
    s.title(`Busiest ${view.busiest.length} by CPU`),
    ...renderTable(serverRows(view.busiest, s), { align: SERVER_ALIGN, headerStyle: s.dim }),
  ];
}

function links(list: readonly LinkResult[], s: Styles): string[] {
  if (list.length === 0) return [];
  const rows: Cell[][] = [
    LINK_HEADER,
    ...list.map((link): Cell[] => {
      const row: Cell[] = linkRow(link, link.id);
      // Colour a limited link's utilisation as a CPU's, and its losses.
      if (link.bandwidthBitsPerSecond !== null) row[LINK_UTILISATION_COLUMN] = cpuCell(link.utilisation, s);
      row[row.length - 1] = countCell(link.lost, s, true);
      return row;
    }),
  ];
  return [s.title('Links'), ...renderTable(rows, { align: [...LINK_ALIGN], headerStyle: s.dim })];
}

function operations(record: Readonly<Record<string, number>>, s: Styles): string[] {
  const entries = Object.entries(sortedRecord(record));
  if (entries.length === 0) return [];
  const rows = entries.map(([name, count]) => [name, formatFigure(count)]);
  return [s.title('Operations'), ...renderTable(rows, { align: ['left', 'right'] })];
}

function timeSeries(series: TimeSeries, s: Styles): string[] {
  const intervals = series.startMs.length;
  if (intervals === 0) return [];
  const every = formatSeconds(series.intervalMs / 1000);
  const range = (values: readonly number[], format: (value: number) => string): string =>
    `${format(Math.min(...values))} .. ${format(Math.max(...values))}`;
  const rows: Cell[][] = [
    [`sent per ${every}`, sparkline(series.sent, SPARKLINE_WIDTH), range(series.sent, formatFigure)],
    [`delivered per ${every}`, sparkline(series.delivered, SPARKLINE_WIDTH), range(series.delivered, formatFigure)],
    ['latency p50 (ms)', sparkline(series.latencyP50Ms, SPARKLINE_WIDTH), range(series.latencyP50Ms, formatMs)],
    ['latency p99 (ms)', sparkline(series.latencyP99Ms, SPARKLINE_WIDTH), range(series.latencyP99Ms, formatMs)],
    ['chat cpu', sparkline(series.cpuUtilisationMean, SPARKLINE_WIDTH), range(series.cpuUtilisationMean, formatPercent)],
    ['connections', sparkline(series.connections, SPARKLINE_WIDTH), range(series.connections, formatFigure)],
  ];
  return [
    s.title(`Time series (${intervals} intervals of ${every}${lastIntervalNote(series)})`),
    ...renderTable(rows, { align: ['left', 'left', 'left'] }),
  ];
}

function run(result: RunResult, s: Styles): string[] {
  const m = result.meta;
  return [
    s.dim(
      `Run: ${formatSeconds(m.wallSeconds)} wall · ${formatFigure(m.events)} events (${formatFigure(m.eventsPerWallSecond)}/s) · ` +
        `${formatFigure(m.messagesPerWallSecond)} messages/s · peak RSS ${formatBytes(m.peakRssBytes)}`,
    ),
    ...(m.parts === undefined ? [] : [s.dim(`Parts: ${formatParts(m.parts)}`)]),
  ];
}
