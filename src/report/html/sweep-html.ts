/**
 * `chatscale sweep --report FILE.html`: the grid's points summarised (p99, busiest CPU and
 * throughput against the first --vary axis, one line per combination of the others) and the
 * table `sweep` prints. Pure: a sweep's summary in, the page's text out.
 */
import type { PointSummary } from '../../sweep/summary.js';
import { sweepCpuSpec, sweepLatencySpec, sweepThroughputSpec } from './charts.js';
import { paragraph, renderPage, section, table, type ColumnAlign } from './page.js';
import { renderChartGrid } from './render-svg.js';

/** What a sweep report shows: the identity of the sweep and its points' summaries. */
export interface SweepReport {
  /** The sweep's id (sweepId). */
  sweep: string;
  scenario: string;
  version: string;
  runs: number;
  points: number;
  repeats: number;
  /** `i/n`, or null for the whole grid. */
  shard: string | null;
  /** Every run of the share is in the points file. */
  complete: boolean;
  summaries: PointSummary[];
}

export function sweepTableRows(summaries: readonly PointSummary[]): { header: string[]; rows: string[][]; align: ColumnAlign[] } {
  const fields = summaries.length === 0 ? [] : Object.keys(summaries[0]!.point);
  const header = [...fields, 'runs', 'out msg/s', 'mean ms', 'p99 ms (mean)', 'p99 range', 'cpu max', 'loss'];
  const rows = summaries.map((s) => [
    ...fields.map((field) => String(s.point[field] ?? '')),
    String(s.runs),
    Math.round(s.messagesOutPerSecondMean).toLocaleString('en-US'),
    s.latencyMeanMs.toFixed(3),
    s.p99MsMean.toFixed(3),
    s.runs > 1 ? `${s.p99MsMin.toFixed(3)}..${s.p99MsMax.toFixed(3)}` : '',
    `${(s.cpuUtilisationMax * 100).toFixed(1)}%`,
    s.lossFraction === 0 ? '0' : s.lossFraction.toExponential(2),
  ]);
  const align = header.map((_, i): ColumnAlign => (i < fields.length ? 'left' : 'right'));
  return { header, rows, align };
}

export async function renderSweepHtml(sweep: SweepReport): Promise<string> {
  const s = sweep.summaries;
  const axes = s.length === 0 ? [] : Object.keys(s[0]!.point);
  const body: string[] = [];
  if (!sweep.complete) body.push(paragraph('Incomplete: some runs of this sweep are not in the points file yet; rerun the sweep to resume, and the figures below will fill in.', 'warning'));
  const byOthers = axes.length > 1 ? `; one line per ${axes.slice(1).join(' and ')}` : '';
  body.push(
    section(
      'Charts',
      await renderChartGrid([
        {
          id: 'sweep-p99',
          title: 'p99 latency across the sweep',
          spec: sweepLatencySpec(s),
          caption: `p99 end-to-end latency at each point, against ${axes[0] ?? 'the point'}${byOthers}.`,
          whenEmpty: 'No run of the sweep has finished, so there is nothing to draw.',
        },
        { id: 'sweep-cpu', title: 'Busiest server CPU across the sweep', spec: sweepCpuSpec(s), caption: 'The busiest server’s CPU utilisation at each point.', whenEmpty: '' },
        { id: 'sweep-throughput', title: 'Throughput across the sweep', spec: sweepThroughputSpec(s), caption: 'Copies delivered to devices per simulated second at each point.', whenEmpty: '' },
      ].filter((chart) => chart.spec !== null || chart.whenEmpty !== '')),
    ),
  );
  const t = sweepTableRows(s);
  if (s.length > 0) body.push(section('Points', table(t.header, t.rows, t.align)));
  const share = sweep.shard === null ? '' : ` · shard ${sweep.shard}`;
  return renderPage({
    title: `chatscale sweep: ${sweep.scenario}`,
    lede: `sweep ${sweep.sweep} · ${sweep.points} point${sweep.points === 1 ? '' : 's'} x ${sweep.repeats} repeat${sweep.repeats === 1 ? '' : 's'} = ${sweep.runs} runs${share} · chatscale ${sweep.version}`,
    body,
    footer: `Made by chatscale ${sweep.version} from the sweep's points file. Self-contained: no script, nothing loaded from a network.`,
  });
}
