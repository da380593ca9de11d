/**
 * `chatscale run --report FILE.html`: one run as a self-contained page: headline figures, charts
 * (latency CDF, CPU, latency and throughput over time, CPU by server) and the tables of the
 * Markdown report. Pure: a result in, the page's text out (async only because Vega renders so).
 */
import { sortedRecord } from '../../metrics/counters.js';
import type { RunResult, ServerResult } from '../../metrics/run-result.js';
import { MARKDOWN_SERIES_ROWS_MAX } from '../markdown.js';
import { formatBytes, formatCount, formatFigure, formatMs, formatPercent, formatSeconds, LINK_ALIGN, LINK_HEADER, linkRow, messageFigureRows, runMetaSentence, serverFigureRow, SLICE_SECTIONS_NOTE, sliceDerivedRows, sliceHeading, TIME_SERIES_HEADER, timeSeriesRows } from '../format.js';
import { roleCounts, serverView } from '../servers.js';
import { cpuOverTimeSpec, latencyCdfSpec, latencyOverTimeSpec, serverCpuSpec, throughputOverTimeSpec } from './charts.js';
import { cards, paragraph, renderPage, section, table, type ColumnAlign } from './page.js';
import { renderChartGrid } from './render-svg.js';

const SERVER_HEADER = ['id', 'role', 'region', 'cores', 'cpu', 'memory peak', 'connections peak', 'queue peak', 'queue mean', 'operations', 'dropped'];
const SERVER_ALIGN: ColumnAlign[] = ['left', 'left', 'left', ...Array<ColumnAlign>(8).fill('right')];

function serverRow(server: ServerResult): string[] {
  return serverFigureRow(server, server.id);
}

/** The page's headline: one line under the title. */
export function runLede(result: RunResult): string {
  return `seed ${result.seed} · ${result.fidelity} fidelity · ${formatSeconds(result.simulatedSeconds)} simulated · stopped by ${result.stoppedBy} · chatscale ${result.version}`;
}

function serverTables(result: RunResult): string[] {
  const view = serverView(result.servers);
  if (view.listed.length > 0) return [table(SERVER_HEADER, view.listed.map(serverRow), SERVER_ALIGN)];
  return [
    table(
      ['region', 'role', 'servers', 'cores', 'cpu mean', 'cpu max', 'memory peak max', 'connections peak (sum)', 'queue peak max', 'operations', 'dropped'],
      view.groups.map((g) => [
        g.region,
        g.role,
        formatCount(g.servers),
        formatCount(g.cores),
        formatPercent(g.cpuUtilisationMean),
        formatPercent(g.cpuUtilisationMax),
        formatBytes(g.memoryBytesPeakMax),
        formatFigure(g.connectionsPeak),
        formatFigure(g.cpuQueuePeakMax),
        formatFigure(g.operations),
        formatFigure(g.dropped),
      ]),
      ['left', 'left', ...Array<ColumnAlign>(9).fill('right')],
    ),
    paragraph(`Busiest ${view.busiest.length} by CPU:`),
    table(SERVER_HEADER, view.busiest.map(serverRow), SERVER_ALIGN),
  ];
}

export async function renderRunHtml(result: RunResult): Promise<string> {
  const e = result.latency.endToEnd;
  const m = result.messages;
  // The busiest server of any role: named on its card, as it may be a directory or an offline store.
  const busiest = result.servers.reduce<ServerResult | null>((top, s) => (top === null || s.cpuUtilisation > top.cpuUtilisation ? s : top), null);
  const body: string[] = [];
  if (result.partial) {
    body.push(paragraph(`Partial: the run was cut short (${result.stoppedBy}); figures cover the simulated time so far.`, 'warning'));
  }
  body.push(
    cards([
      { label: 'messages delivered', value: formatFigure(m.delivered) },
      // In a slice, the rate is the deployment's, derived: said on the card, as the figures beside it are the slice's.
      { label: result.slice === undefined ? 'deliveries / s' : 'deliveries / s (deployment, derived)', value: formatFigure(result.rates.messagesOutPerSecond) },
      { label: 'latency p50', value: `${formatMs(e.p50Ms)} ms` },
      { label: 'latency p99', value: `${formatMs(e.p99Ms)} ms` },
      { label: 'latency p99.9', value: `${formatMs(e.p999Ms)} ms` },
      { label: busiest === null ? 'busiest server CPU' : `busiest server CPU (${busiest.id})`, value: formatPercent(busiest?.cpuUtilisation ?? 0) },
      { label: 'dropped', value: formatFigure(m.dropped) },
    ]),
  );
  const interval = formatSeconds(result.timeSeries.intervalMs / 1000);
  body.push(
    section(
      'Charts',
      await renderChartGrid([
        {
          id: 'latency-cdf',
          title: 'End-to-end latency CDF',
          spec: latencyCdfSpec(e),
          caption: 'Share of delivered messages (y) that took at most the latency on x, from the run’s latency histogram.',
          whenEmpty: 'No message was delivered, so there is no latency distribution to draw.',
        },
        {
          id: 'cpu-over-time',
          title: 'CPU utilisation over time',
          spec: cpuOverTimeSpec(result.timeSeries),
          caption: `Mean CPU utilisation of the chat servers in each ${interval} interval.`,
          whenEmpty: `The run recorded ${result.timeSeries.startMs.length} time-series interval${result.timeSeries.startMs.length === 1 ? '' : 's'} of ${interval}; the charts over time need two or more (a longer run, or a shorter output.timeSeriesInterval).`,
        },
        {
          id: 'latency-over-time',
          title: 'Latency over time',
          spec: latencyOverTimeSpec(result.timeSeries),
          caption: `p50 and p99 of the messages delivered in each ${interval} interval.`,
          whenEmpty: '',
        },
        {
          id: 'throughput-over-time',
          title: 'Throughput over time',
          spec: throughputOverTimeSpec(result.timeSeries),
          caption: `Messages sent, and copies delivered to devices (a group message counts once per device), per simulated second, per ${interval} interval.`,
          whenEmpty: '',
        },
        {
          id: 'server-cpu',
          title: 'CPU utilisation by server',
          spec: serverCpuSpec(result.servers),
          caption: 'Busy share of each server’s cores (chat) or capacity (directory, offline store) over the measured window.',
          whenEmpty: 'The run has no servers.',
        },
      ].filter((chart) => chart.spec !== null || chart.whenEmpty !== '')),
    ),
  );

  if (result.slice !== undefined) {
    body.push(section(sliceHeading(result.slice), table(['figure', 'value'], sliceDerivedRows(result), ['left', 'right']), paragraph(SLICE_SECTIONS_NOTE)));
  }
  body.push(
    section(
      'Messages',
      table(
        ['figure', 'value'],
        [
          ...messageFigureRows(result),
        ],
        ['left', 'right'],
      ),
    ),
    section(
      'End-to-end latency (ms)',
      table(['count', 'mean', 'p50', 'p90', 'p99', 'p99.9', 'max'], [[formatFigure(e.count), ...[e.meanMs, e.p50Ms, e.p90Ms, e.p99Ms, e.p999Ms, e.maxMs].map(formatMs)]], Array<ColumnAlign>(7).fill('right')),
    ),
  );
  if (result.servers.length > 0) body.push(section(`Servers (${result.servers.length}: ${roleCounts(result.servers)})`, ...serverTables(result)));
  if (result.links.length > 0) {
    body.push(
      section(
        'Links',
        table(
          LINK_HEADER,
          result.links.map((l) => linkRow(l, l.id)),
          [...LINK_ALIGN],
        ),
      ),
    );
  }
  const series = timeSeriesRows(result.timeSeries, MARKDOWN_SERIES_ROWS_MAX);
  if (series !== null) {
    body.push(section('Time series', paragraph(series.note), table(TIME_SERIES_HEADER, series.rows, Array<ColumnAlign>(7).fill('right'))));
  }
  const operations = Object.entries(sortedRecord(result.operations));
  if (operations.length > 0) {
    body.push(section('Operations', table(['operation', 'count'], operations.map(([name, count]) => [name, formatFigure(count)]), ['left', 'right'])));
  }
  body.push(section('Run', paragraph(runMetaSentence(result.meta))));
  return renderPage({
    title: `chatscale run: ${result.scenario}`,
    lede: runLede(result),
    body,
    footer: `Made by chatscale ${result.version} from scenario ${result.scenario}, seed ${result.seed}. Self-contained: no script, nothing loaded from a network.`,
  });
}
