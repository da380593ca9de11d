/**
 * The time series as CSV: a header row with the contract's key names, then one row per interval.
 * Figures are rounded like the JSON (metrics/rounding.ts), rows end in `\n`, and the text ends
 * with a newline, so a spreadsheet or `diff` sees the same bytes for the same run.
 */
import { roundFigure } from '../metrics/rounding.js';
import type { TimeSeries } from '../metrics/run-result.js';

/** Columns in contract order; `intervalMs` is the same on every row, so it is not a column. */
export const TIME_SERIES_CSV_COLUMNS = [
  'startMs',
  'spanMs',
  'sent',
  'delivered',
  'latencyP50Ms',
  'latencyP99Ms',
  'cpuUtilisationMean',
  'connections',
] as const satisfies readonly (keyof TimeSeries)[];

export function renderTimeSeriesCsv(series: TimeSeries): string {
  const rows = series.startMs.length;
  for (const column of TIME_SERIES_CSV_COLUMNS) {
    if (series[column].length !== rows) {
      throw new Error(`time series: ${column} has ${series[column].length} values for ${rows} intervals`);
    }
  }
  const lines = [TIME_SERIES_CSV_COLUMNS.join(',')];
  for (let row = 0; row < rows; row++) {
    lines.push(
      TIME_SERIES_CSV_COLUMNS.map((column) => {
        const value = series[column][row]!;
        if (!Number.isFinite(value)) throw new Error(`time series: ${column}[${row}] is ${value}, not a finite number`);
        return String(roundFigure(column, value));
      }).join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
