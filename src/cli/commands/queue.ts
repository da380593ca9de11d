/**
 * `chatscale queue`: the analytic calculator a capacity planner reaches for first.
 * M/M/c by Erlang C; with --service-cv (or --arrival-cv), Allen-Cunneen. This file only parses
 * flags, calls queueReport (src/plan) and renders its data as a table or one JSON object.
 */
import type { Command } from 'commander';
import { parseQueueFlags, queueReport, type QueueFlags, type QueueReport } from '../../plan/index.js';
import { BadInputError } from '../errors.js';

/** Where the command writes; tests pass a capturing writer. */
export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
}

const processIo: CommandIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

interface QueueOptions extends QueueFlags {
  readonly json?: boolean;
}

/** Six significant digits: enough to compare with published tables, short enough to read. */
function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return String(Number(value.toPrecision(6)));
}

function formatPercent(fraction: number): string {
  return `${formatNumber(fraction * 100)} %`;
}

/** Aligns rows of cells into columns separated by two spaces. */
function alignRows(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
}

/** The readable table: times in the service time's unit and in seconds, utilisation as a percentage. */
export function renderQueueText(report: QueueReport, displayTimeUnit: { symbol: string; seconds: number }): string {
  const unit = displayTimeUnit;
  const bothUnits = unit.seconds !== 1;
  const time = (seconds: number | null): string[] => {
    if (seconds === null) return ['-'];
    const inSeconds = `${formatNumber(seconds)} s`;
    return bothUnits ? [`${formatNumber(seconds / unit.seconds)} ${unit.symbol}`, inSeconds] : [inSeconds];
  };
  const count = (value: number | null): string[] => [value === null ? '-' : formatNumber(value)];
  const { inputs } = report;
  const rows: string[][] = [
    ['model', report.model],
    ['servers', String(inputs.servers)],
    // Per minute or per hour reads well; per microsecond does not, so sub-second units show /s only.
    unit.seconds > 1
      ? ['arrival rate', `${formatNumber(inputs.arrivalRatePerSecond * unit.seconds)} /${unit.symbol}`, `${formatNumber(inputs.arrivalRatePerSecond)} /s`]
      : ['arrival rate', `${formatNumber(inputs.arrivalRatePerSecond)} /s`],
    ['service time', ...time(inputs.serviceTimeSeconds)],
  ];
  if (inputs.serviceCv !== null) rows.push(['service CV', formatNumber(inputs.serviceCv)]);
  if (inputs.arrivalCv !== null) rows.push(['arrival CV', formatNumber(inputs.arrivalCv)]);
  rows.push(['offered load', `${formatNumber(report.offeredLoadErlangs)} Erlang`]);
  rows.push(['utilisation', report.utilisation === null ? '-' : formatPercent(report.utilisation)]);
  if (!report.stable) {
    const lines = [alignRows(rows), '', `unstable: ${report.reason ?? 'no steady state'}.`];
    lines.push(
      `A steady state needs at least ${report.serversMinStable} servers at this load, or a shorter service time.`,
    );
    return `${lines.join('\n')}\n`;
  }
  rows.push(['probability of wait', formatPercent(report.probabilityOfWait ?? 0)]);
  rows.push(['mean wait', ...time(report.meanWait)]);
  rows.push(['mean response', ...time(report.meanResponse)]);
  rows.push(['mean queue length', ...count(report.meanQueueLength)]);
  rows.push(['mean in system', ...count(report.meanInSystem)]);
  if (report.serviceLevel !== null && inputs.targetSeconds !== null) {
    const target = bothUnits ? `${formatNumber(inputs.targetSeconds / unit.seconds)} ${unit.symbol}` : `${formatNumber(inputs.targetSeconds)} s`;
    rows.push([`service level (wait <= ${target})`, formatPercent(report.serviceLevel)]);
  }
  return `${alignRows(rows)}\n`;
}

/** Registers `queue` on the program. `io` defaults to the process's stdout and stderr. */
export function registerQueue(program: Command, io: CommandIo = processIo): void {
  program
    .command('queue')
    .description('analytic M/M/c (Erlang C) or M/G/c (Allen-Cunneen) queue: waits, queue lengths, service level')
    .option('--arrival-rate <rate>', 'mean arrival rate, e.g. 0.35/min, 1000/h, 12/s (bare number: per second)')
    .option('--service-time <time>', 'mean service time, e.g. 10min, 180s, 200ms, 5us')
    .option('--servers <count>', 'number of identical servers')
    .option('--target <time>', 'report the service level P(wait <= target)')
    .option('--service-cv <cv>', 'service time coefficient of variation (sd/mean); switches to Allen-Cunneen')
    .option('--arrival-cv <cv>', 'interarrival coefficient of variation (sd/mean); switches to Allen-Cunneen')
    .option('--json', 'print one JSON object (times in seconds)')
    .action((options: QueueOptions) => {
      const parsed = parseQueueFlags(options);
      if (!parsed.ok) throw new BadInputError(parsed.problems.map((p) => ({ field: p.field, reason: p.reason })));
      const report = queueReport(parsed.input);
      // An unstable queue is an answer, not an error: exit 0 with stable: false.
      if (options.json === true) io.out(`${JSON.stringify(report)}\n`);
      else io.out(renderQueueText(report, parsed.input.displayTimeUnit ?? { symbol: 's', seconds: 1 }));
    });
}
