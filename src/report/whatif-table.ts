/**
 * `chatscale whatif` as text: the headline figures of base and variant side by side with deltas
 * and which way each moved, then the SLOs and which flip. Pure.
 */
import { WHATIF_HEADLINE_KEYS, type WhatifReport } from '../engine/whatif.js';
import { formatDeltaPercent, formatFigure } from './compare-table.js';
import { renderTable } from './table.js';

function effect(status: string): string {
  if (status === 'regression') return 'worse';
  if (status === 'better') return 'better';
  return '';
}

export function renderWhatifText(report: WhatifReport): string {
  const lines: string[] = [];
  const base = `${report.base.scenario} (seed ${report.base.seed})`;
  lines.push(`whatif: ${base} against ${report.changes.join(' ')}`);
  if (report.common.length > 0) lines.push(`both runs: ${report.common.join(' ')}`);
  lines.push('');
  const rows: string[][] = [['figure', 'base', 'variant', 'delta', '']];
  const byKey = new Map(report.figures.map((f) => [f.key, f]));
  for (const key of WHATIF_HEADLINE_KEYS) {
    const f = byKey.get(key);
    if (f === undefined) continue;
    rows.push([key, formatFigure(f.baseline), formatFigure(f.result), formatDeltaPercent(f.deltaPercent), effect(f.status)]);
  }
  lines.push(...renderTable(rows, { align: ['left', 'right', 'right', 'right', 'left'] }));
  if (report.slos.length > 0) {
    lines.push('');
    const sloRows: string[][] = [['SLO', 'base', 'variant', '']];
    for (const s of report.slos) {
      const cell = (e: { value: number; pass: boolean }) => `${formatFigure(e.value)} ${e.pass ? 'pass' : 'FAIL'}`;
      sloRows.push([s.slo, cell(s.base), cell(s.variant), s.flipped ? `FLIPS: ${s.change}` : s.change]);
    }
    lines.push(...renderTable(sloRows, { align: ['left', 'right', 'right', 'left'] }));
    const flips = report.slos.filter((s) => s.flipped);
    lines.push('');
    lines.push(flips.length === 0 ? 'no SLO flips' : `${flips.length} SLO${flips.length === 1 ? '' : 's'} flip: ${flips.map((s) => `${s.slo} ${s.change}`).join('; ')}`);
  }
  return `${lines.join('\n')}\n`;
}
