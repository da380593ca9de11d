/**
 * The table `chatscale sweep` and `merge` print at the end: one row per grid point, its repeats
 * summarised (p99 as the mean and the range over the seeds). Pure: summaries in, lines out.
 */
import type { PointSummary } from '../sweep/summary.js';
import { formatFigure } from './compare-table.js';
import { renderTable } from './table.js';

const fixed = (value: number, digits: number): string => value.toFixed(digits);

export function renderSweepTable(summaries: readonly PointSummary[]): string {
  if (summaries.length === 0) return '  (no runs)\n';
  const fields = Object.keys(summaries[0]!.point);
  const multiple = summaries.some((s) => s.runs > 1);
  const header = [...fields, 'runs', 'out msg/s', 'mean ms', multiple ? 'p99 ms (mean)' : 'p99 ms', ...(multiple ? ['p99 range'] : []), 'cpu max', 'loss'];
  const rows: string[][] = [header];
  for (const s of summaries) {
    rows.push([
      ...fields.map((field) => String(s.point[field] ?? '')),
      String(s.runs),
      formatFigure(Math.round(s.messagesOutPerSecondMean)),
      fixed(s.latencyMeanMs, 3),
      fixed(s.p99MsMean, 3),
      ...(multiple ? [`${fixed(s.p99MsMin, 3)}..${fixed(s.p99MsMax, 3)}`] : []),
      fixed(s.cpuUtilisationMax, 4),
      s.lossFraction === 0 ? '0' : s.lossFraction.toExponential(2),
    ]);
  }
  const align = header.map((_, i) => (i < fields.length ? 'left' : 'right') as 'left' | 'right');
  return `${renderTable(rows, { align }).join('\n')}\n`;
}
