/**
 * The run as Markdown, for `--report FILE.md`, a pull-request comment or a wiki page: the same
 * sections as the terminal summary, as pipe tables. Long time series are shown every k-th
 * interval (the CSV has all of them).
 */
import { sortedRecord } from '../metrics/counters.js';
import type { RunResult, ServerResult } from '../metrics/run-result.js';
import { formatBytes, formatCount, formatFigure, formatMs, formatPercent, formatSeconds, LINK_ALIGN, LINK_HEADER, linkRow, messageFigureRows, NO_LATENCY, runMetaSentence, serverFigureRow, SLICE_SECTIONS_NOTE, sliceDerivedRows, sliceHeading, TIME_SERIES_HEADER, timeSeriesRows } from './format.js';
import { roleCounts, serverView } from './servers.js';
import { renderMarkdownTable, type Align } from './table.js';

/** Time-series rows shown at most; a longer series is sampled evenly. */
export const MARKDOWN_SERIES_ROWS_MAX = 24;

const SERVER_HEADER = ['id', 'role', 'region', 'cores', 'cpu', 'memory peak', 'connections peak', 'queue peak', 'queue mean', 'operations', 'dropped'];
const SERVER_ALIGN: Align[] = ['left', 'left', 'left', ...Array<Align>(8).fill('right')];

function serverRow(server: ServerResult): string[] {
  return serverFigureRow(server, `\`${server.id}\``);
}

export function renderRunMarkdown(result: RunResult): string {
  const out: string[] = [];
  const section = (title: string, lines: string[]): void => {
    out.push('', `## ${title}`, '', ...lines);
  };

  out.push(`# chatscale run: ${result.scenario}`, '');
  out.push(
    `Seed ${result.seed} · ${result.fidelity} fidelity · ${formatSeconds(result.simulatedSeconds)} simulated · ` +
      `chatscale ${result.version} · stopped by ${result.stoppedBy}`,
  );
  if (result.partial) {
    out.push('', `> **Partial:** the run was cut short (${result.stoppedBy}); figures cover the simulated time so far.`);
  }

  if (result.slice !== undefined) {
    section(sliceHeading(result.slice), [...renderMarkdownTable([['figure', 'value'], ...sliceDerivedRows(result)], ['left', 'right']), '', SLICE_SECTIONS_NOTE]);
  }
  section(
    'Messages',
    renderMarkdownTable(
      [
        ['figure', 'value'],
        ...messageFigureRows(result),
      ],
      ['left', 'right'],
    ),
  );

  const e = result.latency.endToEnd;
  section(
    'End-to-end latency (ms)',
    e.count === 0 ? [NO_LATENCY] : renderMarkdownTable(
      [
        ['count', 'mean', 'p50', 'p90', 'p99', 'p99.9', 'max'],
        [formatFigure(e.count), ...[e.meanMs, e.p50Ms, e.p90Ms, e.p99Ms, e.p999Ms, e.maxMs].map(formatMs)],
      ],
      Array<Align>(7).fill('right'),
    ),
  );

  if (result.servers.length > 0) {
    const view = serverView(result.servers);
    const lines =
      view.listed.length > 0
        ? renderMarkdownTable([SERVER_HEADER, ...view.listed.map(serverRow)], SERVER_ALIGN)
        : [
            ...renderMarkdownTable(
              [
                ['region', 'role', 'servers', 'cores', 'cpu mean', 'cpu max', 'memory peak max', 'connections peak (sum)', 'queue peak max', 'operations', 'dropped'],
                ...view.groups.map((group) => [
                  group.region,
                  group.role,
                  formatCount(group.servers),
                  formatCount(group.cores),
                  formatPercent(group.cpuUtilisationMean),
                  formatPercent(group.cpuUtilisationMax),
                  formatBytes(group.memoryBytesPeakMax),
                  formatFigure(group.connectionsPeak),
                  formatFigure(group.cpuQueuePeakMax),
                  formatFigure(group.operations),
                  formatFigure(group.dropped),
                ]),
              ],
              ['left', 'left', ...Array<Align>(9).fill('right')],
            ),
            '',
            `Busiest ${view.busiest.length} by CPU:`,
            '',
            ...renderMarkdownTable([SERVER_HEADER, ...view.busiest.map(serverRow)], SERVER_ALIGN),
          ];
    section(`Servers (${result.servers.length}: ${roleCounts(result.servers)})`, lines);
  }

  if (result.links.length > 0) {
    section(
      'Links',
      renderMarkdownTable(
        [LINK_HEADER, ...result.links.map((link) => linkRow(link, `\`${link.id}\``))],
        [...LINK_ALIGN],
      ),
    );
  }

  const operations = Object.entries(sortedRecord(result.operations));
  if (operations.length > 0) {
    section(
      'Operations',
      renderMarkdownTable([['operation', 'count'], ...operations.map(([name, count]) => [`\`${name}\``, formatFigure(count)])], ['left', 'right']),
    );
  }

  const series = timeSeriesRows(result.timeSeries, MARKDOWN_SERIES_ROWS_MAX);
  if (series !== null) section('Time series', [series.note, '', ...renderMarkdownTable([TIME_SERIES_HEADER, ...series.rows], ['right', ...Array<Align>(6).fill('right')])]);

  section('Run', [runMetaSentence(result.meta)]);
  return `${out.join('\n')}\n`;
}
