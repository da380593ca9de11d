/**
 * `chatscale whatif --report FILE.html`: base and variant side by side: bars per figure (latency,
 * utilisation, throughput), the change from base in %, the SLOs and which flip, and the headline
 * table. Pure: a what-if report in, the page's text out.
 */
import { WHATIF_HEADLINE_KEYS, type WhatifReport } from '../../engine/whatif.js';
import { formatDeltaPercent } from '../compare-table.js';
import { WHATIF_LATENCY_KEYS, WHATIF_THROUGHPUT_KEYS, WHATIF_UTILISATION_KEYS, effectOf, whatifBarsSpec, whatifDeltaSpec } from './charts.js';
import { escapeHtml, paragraph, renderPage, section, table } from './page.js';
import { renderChartGrid } from './render-svg.js';

/** A figure to 6 significant digits with thousands separators; `-` for a side that lacks it. */
export function formatFigure(value: number | null): string {
  if (value === null) return '-';
  return Number(value.toPrecision(6)).toLocaleString('en-US', { maximumFractionDigits: 6 });
}

export interface WhatifContext {
  version: string;
}

/** `3 SLOs flip: ...` or `no SLO flips`; null without SLOs. */
export function flipsLine(report: WhatifReport): string | null {
  if (report.slos.length === 0) return null;
  const flips = report.slos.filter((s) => s.flipped);
  return flips.length === 0 ? 'No SLO flips.' : `${flips.length} SLO${flips.length === 1 ? '' : 's'} flip: ${flips.map((s) => `${s.slo} ${s.change}`).join('; ')}.`;
}

export async function renderWhatifHtml(report: WhatifReport, context: WhatifContext): Promise<string> {
  const body: string[] = [];
  const flips = flipsLine(report);
  if (flips !== null) {
    const failing = report.slos.some((s) => s.change === 'now fails');
    body.push(`<p class="verdict ${failing ? 'fail' : 'pass'}">${escapeHtml(flips)}</p>`);
  }
  if (report.common.length > 0) body.push(paragraph(`Both runs: ${report.common.join(' ')}`, 'note'));
  body.push(
    section(
      'Charts',
      await renderChartGrid([
        {
          id: 'whatif-latency',
          title: 'Latency: base and variant',
          spec: whatifBarsSpec(report.figures, WHATIF_LATENCY_KEYS, { title: 'Latency: base and variant', subtitle: 'end-to-end, ms', axisTitle: 'latency (ms)', format: ',.4~r' }),
          caption: 'End-to-end latency figures of both runs (same seed).',
          whenEmpty: 'The results have no latency figures to compare.',
        },
        {
          id: 'whatif-utilisation',
          title: 'Utilisation: base and variant',
          spec: whatifBarsSpec(report.figures, WHATIF_UTILISATION_KEYS, {
            title: 'Utilisation: base and variant',
            subtitle: 'busiest server, chat servers, backing services, busiest link',
            axisTitle: 'utilisation',
            format: '.1%',
            axisFormat: '.0%',
            domain: [0, 1],
          }),
          caption: 'CPU utilisation (servers) and bandwidth utilisation (links) of both runs.',
          whenEmpty: 'The results have no utilisation figures to compare.',
        },
        {
          id: 'whatif-throughput',
          title: 'Throughput: base and variant',
          spec: whatifBarsSpec(report.figures, WHATIF_THROUGHPUT_KEYS, { title: 'Throughput: base and variant', subtitle: 'messages per simulated second', axisTitle: 'messages / s', format: ',.4~r' }),
          caption: 'Messages in (sent) and out (copies delivered to devices) per simulated second.',
          whenEmpty: 'The results have no throughput figures to compare.',
        },
        {
          id: 'whatif-delta',
          title: 'Change from base',
          spec: whatifDeltaSpec(report.figures, WHATIF_HEADLINE_KEYS),
          caption: 'Each headline figure of the variant in % of the base (figures whose base is 0 are left out; the table has them).',
          whenEmpty: 'No figure has a base to compare with.',
        },
      ]),
    ),
  );
  if (report.slos.length > 0) {
    const cell = (e: { value: number; pass: boolean }) => `${formatFigure(e.value)} ${e.pass ? 'pass' : 'FAIL'}`;
    body.push(
      section(
        'SLOs',
        table(
          ['SLO', 'base', 'variant', 'change'],
          report.slos.map((s) => ({
            cells: [s.slo, cell(s.base), cell(s.variant), s.flipped ? `FLIPS: ${s.change}` : s.change],
            className: s.variant.pass ? 'pass' : 'fail',
          })),
          ['left', 'right', 'right', 'left'],
        ),
      ),
    );
  }
  const byKey = new Map(report.figures.map((f) => [f.key, f]));
  const rows = WHATIF_HEADLINE_KEYS.flatMap((key) => {
    const f = byKey.get(key);
    if (f === undefined) return [];
    const effect = effectOf(f);
    return [
      {
        cells: [key, formatFigure(f.baseline), formatFigure(f.result), formatDeltaPercent(f.deltaPercent), effect === 'unchanged' || effect === 'not gated' ? '' : effect],
        ...(effect === 'worse' ? { className: 'fail' } : {}),
      },
    ];
  });
  body.push(section('Figures', table(['figure', 'base', 'variant', 'delta', ''], rows, ['left', 'right', 'right', 'right', 'left'])));
  const base = `${report.base.scenario} (seed ${report.base.seed})`;
  return renderPage({
    title: `chatscale whatif: ${report.base.scenario}`,
    lede: `${base} against ${report.changes.join(' ')} · chatscale ${context.version}`,
    body,
    footer: `Made by chatscale ${context.version}. Base and variant ran with the same seed, so the difference is the change. Self-contained: no script, nothing loaded from a network.`,
  });
}
