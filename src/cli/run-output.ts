/** Renders a run's result for the CLI: the terminal summary or JSON, CSV and report files. */
import { existsSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { RunResult } from '../metrics/run-result.js';
import { renderRunJson, renderRunMarkdown, renderRunText, renderTimeSeriesCsv } from '../report/index.js';
import { BadInputError } from './errors.js';

export interface OutputFlags {
  json?: boolean;
  report?: string;
}

/** Colour only on a terminal and never when NO_COLOR is set (no-color.org). */
export function useColor(isTty: boolean): boolean {
  return isTty && (process.env['NO_COLOR'] ?? '') === '' && process.env['TERM'] !== 'dumb';
}

/** Checks a --report path before a run starts, so a long run never ends in an unusable path. */
export function checkReportPath(file: string | undefined): void {
  if (file === undefined) return;
  const ext = extname(file).toLowerCase();
  if (ext !== '.md' && ext !== '.html') throw new BadInputError({ field: '--report', reason: `expected a file ending in .md or .html, got ${JSON.stringify(file)}` });
  if (existsSync(file)) throw new BadInputError({ field: '--report', reason: `${file} exists; choose another name or remove it (nothing is overwritten)` });
}

export const renderRunOutput = {
  main(result: RunResult, flags: OutputFlags, isTty: boolean): string {
    return flags.json === true ? renderRunJson(result) : renderRunText(result, { color: useColor(isTty) });
  },
  csv(result: RunResult): string {
    return renderTimeSeriesCsv(result.timeSeries);
  },
  report(result: RunResult, file: string): void {
    // HTML with charts comes with the planning reports; until then an .html report is the Markdown.
    writeFileSync(file, renderRunMarkdown(result), { flag: 'wx' });
  },
};
