/** Renders a run's result for the CLI: the terminal summary or JSON, CSV and report files. */
import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { RunResult } from '../metrics/run-result.js';
import { renderRunJson, renderRunMarkdown, renderRunText, renderTimeSeriesCsv } from '../report/index.js';
import { renderRunHtml } from '../report/html/run-html.js';
import { outputFileProblems } from './output-path.js';
import { BadInputError, type InputProblem } from './errors.js';

export interface OutputFlags {
  json?: boolean;
  report?: string;
}

/** Colour only on a terminal and never when NO_COLOR is set (no-color.org). */
export function useColor(isTty: boolean): boolean {
  return isTty && (process.env['NO_COLOR'] ?? '') === '' && process.env['TERM'] !== 'dumb';
}

/** What is wrong with a --report path (none when it is fine or not given), checked before any run. */
export function reportPathProblems(file: string | undefined): InputProblem[] {
  if (file === undefined) return [];
  const ext = extname(file).toLowerCase();
  if (ext !== '.md' && ext !== '.html') return [{ field: '--report', reason: `expected a file ending in .md or .html, got ${JSON.stringify(file)}` }];
  return outputFileProblems(file, '--report');
}

/** Checks a --report path before a run starts, so a long run never ends in an unusable path. */
export function checkReportPath(file: string | undefined): void {
  const problems = reportPathProblems(file);
  if (problems.length > 0) throw new BadInputError(problems);
}

/** The two forms of a report; the HTML one is rendered only when asked for (it loads Vega). */
export interface ReportRenderers {
  markdown(): string;
  html(): Promise<string>;
}

/** Writes `--report FILE` as Markdown (.md) or a self-contained HTML page (.html); never overwrites. */
export async function writeReport(file: string, render: ReportRenderers): Promise<void> {
  const text = extname(file).toLowerCase() === '.html' ? await render.html() : render.markdown();
  writeFileSync(file, text, { flag: 'wx' });
}

export const renderRunOutput = {
  main(result: RunResult, flags: OutputFlags, isTty: boolean): string {
    return flags.json === true ? renderRunJson(result) : renderRunText(result, { color: useColor(isTty) });
  },
  csv(result: RunResult): string {
    return renderTimeSeriesCsv(result.timeSeries);
  },
  report(result: RunResult, file: string): Promise<void> {
    return writeReport(file, { markdown: () => renderRunMarkdown(result), html: () => renderRunHtml(result) });
  },
};
