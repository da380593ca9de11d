/** Renders a run's result for the CLI (temporary: JSON only until the report layer lands). */
import { writeFileSync } from 'node:fs';
import type { RunResult } from '../metrics/run-result.js';

export interface OutputFlags {
  json?: boolean;
  report?: string;
}

export const renderRunOutput = {
  main(result: RunResult, _flags: OutputFlags, _color: boolean): string {
    return `${JSON.stringify(result, null, 2)}\n`;
  },
  csv(result: RunResult): string {
    return JSON.stringify(result.timeSeries);
  },
  report(result: RunResult, file: string): void {
    writeFileSync(file, JSON.stringify(result));
  },
};
