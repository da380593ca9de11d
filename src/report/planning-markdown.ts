/**
 * `--report FILE.md` for plan, whatif and sweep: the same content as their HTML reports
 * (src/report/html/), as Markdown tables, for a pull-request comment or a wiki. Pure.
 */
import { WHATIF_HEADLINE_KEYS, type WhatifReport } from '../engine/whatif.js';
import type { PlanResult } from '../plan/search/plan-search.js';
import { formatDeltaPercent } from './compare-table.js';
import { effectOf } from './html/charts.js';
import { curveVerdict, planAnalyticLine, planAnswerLine, planBindingLine, type PlanContext } from './html/plan-html.js';
import { sweepTableRows, type SweepReport } from './html/sweep-html.js';
import { flipsLine, formatFigure, type WhatifContext } from './html/whatif-html.js';
import { renderMarkdownTable } from './table.js';

const figure = (value: number): string => String(Number(value.toPrecision(4)));

export function renderPlanMarkdown(plan: PlanResult, context: PlanContext): string {
  const out = [
    `# chatscale plan: ${plan.field} for ${context.scenario}`,
    '',
    `Smallest ${plan.field} in ${plan.min}..${plan.max} meeting ${plan.slos.map((s) => `\`${s}\``).join(', ')} · seed${plan.seeds.length === 1 ? '' : 's'} ${plan.seeds.join(', ')} · chatscale ${context.version}`,
    '',
    `**${planAnswerLine(plan)}**`,
  ];
  const binding = planBindingLine(plan);
  if (binding !== null) out.push('', binding);
  out.push('', `Confidence: ${plan.confidence}.`, '', planAnalyticLine(plan), '', '## Capacity curve', '');
  out.push(
    ...renderMarkdownTable(
      [
        [plan.field, 'analytic cpu', 'seeds run', 'p99 ms (max)', 'cpu max', 'result'],
        ...plan.curve.map((p) => [String(p.value), figure(p.analyticUtilisation), String(p.runs.length), p.p99MsMax.toFixed(3), p.cpuUtilisationMax.toFixed(4), curveVerdict(p)]),
      ],
      ['right', 'right', 'right', 'right', 'right', 'left'],
    ),
  );
  return `${out.join('\n')}\n`;
}

export function renderWhatifMarkdown(report: WhatifReport, context: WhatifContext): string {
  const out = [`# chatscale whatif: ${report.base.scenario}`, '', `${report.base.scenario} (seed ${report.base.seed}) against \`${report.changes.join(' ')}\` · chatscale ${context.version}`];
  if (report.common.length > 0) out.push('', `Both runs: \`${report.common.join(' ')}\``);
  const flips = flipsLine(report);
  if (flips !== null) {
    const cell = (e: { value: number; pass: boolean }) => `${formatFigure(e.value)} ${e.pass ? 'pass' : '**FAIL**'}`;
    out.push('', `**${flips}**`, '', '## SLOs', '');
    out.push(...renderMarkdownTable([['SLO', 'base', 'variant', 'change'], ...report.slos.map((s) => [`\`${s.slo}\``, cell(s.base), cell(s.variant), s.flipped ? `**FLIPS: ${s.change}**` : s.change])], ['left', 'right', 'right', 'left']));
  }
  const byKey = new Map(report.figures.map((f) => [f.key, f]));
  const rows = WHATIF_HEADLINE_KEYS.flatMap((key) => {
    const f = byKey.get(key);
    if (f === undefined) return [];
    const effect = effectOf(f);
    return [[`\`${key}\``, formatFigure(f.baseline), formatFigure(f.result), formatDeltaPercent(f.deltaPercent), effect === 'worse' ? '**worse**' : effect === 'better' ? 'better' : '']];
  });
  out.push('', '## Figures', '', ...renderMarkdownTable([['figure', 'base', 'variant', 'delta', ''], ...rows], ['left', 'right', 'right', 'right', 'left']));
  return `${out.join('\n')}\n`;
}

export function renderSweepMarkdown(sweep: SweepReport): string {
  const share = sweep.shard === null ? '' : ` · shard ${sweep.shard}`;
  const out = [
    `# chatscale sweep: ${sweep.scenario}`,
    '',
    `Sweep \`${sweep.sweep}\` · ${sweep.points} point${sweep.points === 1 ? '' : 's'} x ${sweep.repeats} repeat${sweep.repeats === 1 ? '' : 's'} = ${sweep.runs} runs${share} · chatscale ${sweep.version}`,
  ];
  if (!sweep.complete) out.push('', '> **Incomplete:** some runs are not in the points file yet; rerun the sweep to resume.');
  const t = sweepTableRows(sweep.summaries);
  out.push('', '## Points', '', ...(sweep.summaries.length === 0 ? ['No run has finished.'] : renderMarkdownTable([t.header, ...t.rows], t.align)));
  return `${out.join('\n')}\n`;
}
