/**
 * `chatscale plan --report FILE.html`: the capacity curve (p99 and CPU against the sized field,
 * pass or fail per value, the SLO limits and the answer), then the curve as a table, the answer,
 * the binding constraint and the confidence. Pure: a plan in, the page's text out.
 */
import type { PlanResult } from '../../plan/search/plan-search.js';
import { capacityCpuSpec, capacityLatencySpec } from './charts.js';
import { cards, escapeHtml, paragraph, renderPage, section, table } from './page.js';
import { renderChartGrid } from './render-svg.js';

/** What the plan itself does not carry: which scenario, which chatscale. */
export interface PlanContext {
  scenario: string;
  version: string;
}

const figure = (value: number): string => String(Number(value.toPrecision(4)));

/** The SLOs a curve point failed (any seed), or `pass`. */
export function curveVerdict(point: PlanResult['curve'][number]): string {
  if (point.pass) return 'pass';
  const failed = [...new Set(point.runs.flatMap((r) => r.evaluations.filter((e) => !e.pass).map((e) => e.slo)))];
  return `FAIL: ${failed.join(', ')}`;
}

export function planAnswerLine(plan: PlanResult): string {
  return plan.answer === null ? `No ${plan.field} in ${plan.min}..${plan.max} meets every SLO.` : `Answer: ${plan.field} = ${plan.answer}.`;
}

export function planBindingLine(plan: PlanResult): string | null {
  const b = plan.binding;
  if (b === null) return null;
  return `Binding constraint: ${b.slo} (worst seed ${figure(b.value)} against ${figure(b.limit)}, margin ${(b.margin * 100).toFixed(1)}%).`;
}

export function planAnalyticLine(plan: PlanResult): string {
  const limit = figure(plan.analytic.utilisationLimit);
  return plan.analytic.value === null
    ? `Analytic estimate: no value in the range brings the M/M/c utilisation below ${limit}; the search simulated from the top.`
    : `Analytic estimate: ${plan.field} = ${plan.analytic.value} (M/M/c utilisation ${figure(plan.analytic.utilisation ?? 0)} < ${limit}).`;
}

export async function renderPlanHtml(plan: PlanResult, context: PlanContext): Promise<string> {
  const answered = plan.answer !== null;
  const body: string[] = [
    `<p class="verdict ${answered ? 'pass' : 'fail'}">${escapeHtml(planAnswerLine(plan))}</p>`,
    cards([
      { label: 'answer', value: answered ? `${plan.answer}` : 'none' },
      { label: 'analytic estimate', value: plan.analytic.value === null ? 'none' : `${plan.analytic.value}` },
      { label: 'values simulated', value: `${plan.curve.length}` },
      { label: 'seeds', value: plan.seeds.join(', ') },
    ]),
  ];
  const binding = planBindingLine(plan);
  if (binding !== null) body.push(paragraph(binding));
  body.push(paragraph(`Confidence: ${plan.confidence}.`), paragraph(planAnalyticLine(plan), 'note'));
  body.push(
    section(
      'Capacity curve',
      await renderChartGrid([
        {
          id: 'capacity-p99',
          title: 'Capacity curve: p99 latency',
          spec: capacityLatencySpec(plan),
          caption: `p99 end-to-end latency at each simulated ${plan.field}, the worst over the seeds run there.`,
          whenEmpty: 'The search simulated no value, so there is no curve to draw.',
        },
        {
          id: 'capacity-cpu',
          title: 'Capacity curve: CPU',
          spec: capacityCpuSpec(plan),
          caption: `Busiest server's CPU utilisation at each ${plan.field} (worst seed), beside the M/M/c estimate that bracketed the search.`,
          whenEmpty: '',
        },
      ].filter((chart) => chart.spec !== null || chart.whenEmpty !== '')),
      table(
        [plan.field, 'analytic cpu', 'seeds run', 'p99 ms (max)', 'cpu max', 'result'],
        plan.curve.map((p) => ({
          cells: [String(p.value), figure(p.analyticUtilisation), String(p.runs.length), p.p99MsMax.toFixed(3), p.cpuUtilisationMax.toFixed(4), curveVerdict(p)],
          className: p.pass ? 'pass' : 'fail',
        })),
        ['right', 'right', 'right', 'right', 'right', 'left'],
      ),
    ),
  );
  return renderPage({
    title: `chatscale plan: ${plan.field} for ${context.scenario}`,
    lede: `smallest ${plan.field} in ${plan.min}..${plan.max} meeting ${plan.slos.join(', ')} · seed${plan.seeds.length === 1 ? '' : 's'} ${plan.seeds.join(', ')} · chatscale ${context.version}`,
    body,
    footer: `Made by chatscale ${context.version} from scenario ${context.scenario}. Self-contained: no script, nothing loaded from a network.`,
  });
}
