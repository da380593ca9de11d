/**
 * `chatscale compare` as Markdown: one row per figure (baseline, result, delta, verdict) and a
 * closing verdict line; and the list of what `--update` changed. Pure: a Comparison in, text out.
 */
import type { Comparison, FigureComparison, FigureKind } from '../engine/compare.js';
import { GATED_KINDS } from '../engine/compare.js';
import { roundSignificant } from '../metrics/rounding.js';
import { renderMarkdownTable } from './table.js';

/** A figure as it reads in a table: integers in full, others to 6 significant digits. */
export function formatFigure(value: number | null): string {
  if (value === null) return '-';
  if (Number.isInteger(value)) return String(value);
  return String(roundSignificant(value, 6));
}

/** `+1.23%`, `-0.5%`, `0%`, `+inf%` (from a zero baseline), `-` when a side is missing. */
export function formatDeltaPercent(delta: number | null): string {
  if (delta === null) return '-';
  if (delta === 0) return '0%';
  if (!Number.isFinite(delta)) return delta > 0 ? '+inf%' : '-inf%';
  const text = Math.abs(delta) >= 100 ? delta.toFixed(0) : Math.abs(delta) >= 0.01 ? delta.toFixed(2) : delta.toPrecision(2);
  return `${delta > 0 ? '+' : ''}${text}%`;
}

function verdict(figure: FigureComparison): string {
  switch (figure.status) {
    case 'same':
      return '=';
    case 'ok':
      return 'ok (within tolerance)';
    case 'better':
      return 'better';
    case 'regression':
      return '**REGRESSION**';
    case 'changed':
      return '**CHANGED**';
    case 'missing':
      return figure.baseline === null ? 'only in result' : 'only in baseline';
    case 'info':
      return figure.kind === 'meta' ? 'measured, not gated' : 'not gated';
  }
}

const KIND_LABEL: Record<FigureKind, string> = {
  throughput: 'throughput',
  latency: 'latency',
  utilisation: 'utilisation',
  loss: 'loss',
  info: 'info',
  meta: 'meta',
};

export function describeTolerance(comparison: Comparison): string {
  return `${formatFigure(roundSignificant(comparison.toleranceFraction * 100, 6))}%`;
}

/** The closing line: which gated figures failed, or that none did. */
export function compareVerdictLine(comparison: Comparison): string {
  const gated = comparison.figures.filter((f) => GATED_KINDS.includes(f.kind)).length;
  const tolerance = describeTolerance(comparison);
  if (comparison.pass) {
    const better = comparison.figures.filter((f) => f.status === 'better').length;
    return `compare: pass: no gated figure ${comparison.anyChange ? 'moved' : 'regressed'} beyond ${tolerance} (${gated} gated${better > 0 ? `, ${better} better` : ''})`;
  }
  const what = comparison.anyChange ? 'moved' : 'regressed';
  const list = comparison.failures.map((f) => `${f.key} ${formatDeltaPercent(f.deltaPercent)}`).join(', ');
  return `compare: FAIL: ${comparison.failures.length} of ${gated} gated figures ${what} beyond ${tolerance}: ${list}`;
}

export interface CompareMarkdownOptions {
  /** Only the figures that differ (the table says how many equal ones it left out). */
  changedOnly?: boolean;
}

export function renderCompareMarkdown(comparison: Comparison, names: { baseline: string; result: string }, options: CompareMarkdownOptions = {}): string {
  const rows: string[][] = [['figure', 'kind', `baseline (${names.baseline})`, `result (${names.result})`, 'delta', 'verdict']];
  const shown = options.changedOnly === true ? comparison.figures.filter((f) => f.status !== 'same') : comparison.figures;
  const hidden = comparison.figures.length - shown.length;
  for (const figure of shown) {
    rows.push([`\`${figure.key}\``, KIND_LABEL[figure.kind], formatFigure(figure.baseline), formatFigure(figure.result), formatDeltaPercent(figure.deltaPercent), verdict(figure)]);
  }
  const rule = comparison.anyChange
    ? `Gate: a throughput, latency, utilisation or loss figure that moves either way by more than ${describeTolerance(comparison)} fails.`
    : `Gate: a throughput figure that falls, or a latency, utilisation or loss figure that rises, by more than ${describeTolerance(comparison)} fails.`;
  const lines = [
    `## chatscale compare`,
    '',
    rule,
    '',
    ...(shown.length > 0 ? renderMarkdownTable(rows, ['left', 'left', 'right', 'right', 'right', 'left']) : ['No figure differs.']),
    ...(hidden > 0 && shown.length > 0 ? ['', `${hidden} equal figures not shown (--changed-only).`] : []),
    '',
    ...comparison.notes.map((note) => `Note: ${note}.`),
    ...(comparison.notes.length > 0 ? [''] : []),
    compareVerdictLine(comparison),
  ];
  return `${lines.join('\n')}\n`;
}

/** What `--update` changed: every simulated figure that moved, and how many measured ones did. */
export function renderUpdateSummary(comparison: Comparison, baselineFile: string): string {
  const moved = comparison.figures.filter((f) => f.status !== 'same');
  const simulated = moved.filter((f) => f.kind !== 'meta');
  const measured = moved.length - simulated.length;
  if (simulated.length === 0 && comparison.notes.length === 0) {
    return `updated ${baselineFile}: no simulated figure changed${measured > 0 ? ` (${measured} measured meta figures did)` : ''}\n`;
  }
  const lines = [`updated ${baselineFile}: ${simulated.length} simulated figure${simulated.length === 1 ? '' : 's'} changed${measured > 0 ? `, and ${measured} measured meta figures` : ''}`];
  for (const f of simulated) lines.push(`  ${f.key}: ${formatFigure(f.baseline)} -> ${formatFigure(f.result)} (${formatDeltaPercent(f.deltaPercent)})`);
  for (const note of comparison.notes) lines.push(`  ${note}`);
  return `${lines.join('\n')}\n`;
}
