/**
 * `chatscale plan` as text: the analytic estimate, the capacity curve (each simulated value with
 * its analytic utilisation, worst p99 and CPU over the seeds run, and pass or the SLOs it failed),
 * the answer, the binding constraint and how sure the answer is. Pure.
 */
import type { PlanResult } from '../plan/search/plan-search.js';
import { renderTable } from './table.js';

const figure = (value: number): string => String(Number(value.toPrecision(4)));

export function renderPlanText(plan: PlanResult): string {
  const lines: string[] = [];
  const seeds = plan.seeds.join(', ');
  lines.push(`plan: smallest ${plan.field} in ${plan.min}..${plan.max} meeting ${plan.slos.join(', ')} (seed${plan.seeds.length === 1 ? '' : 's'} ${seeds})`);
  const limit = figure(plan.analytic.utilisationLimit);
  lines.push(
    plan.analytic.value === null
      ? `analytic estimate: no value in the range brings the M/M/c utilisation below ${limit}; simulating from the top`
      : `analytic estimate: ${plan.field}=${plan.analytic.value} (M/M/c utilisation ${figure(plan.analytic.utilisation ?? 0)} < ${limit})`,
  );
  lines.push('', 'capacity curve (simulated values):');
  const rows: string[][] = [[plan.field, 'analytic cpu', 'seeds run', 'p99 ms (max)', 'cpu max', 'result']];
  for (const point of plan.curve) {
    const failed = [...new Set(point.runs.flatMap((r) => r.evaluations.filter((e) => !e.pass).map((e) => e.slo)))];
    rows.push([
      String(point.value),
      figure(point.analyticUtilisation),
      String(point.runs.length),
      point.p99MsMax.toFixed(3),
      point.cpuUtilisationMax.toFixed(4),
      point.pass ? 'pass' : `FAIL: ${failed.join(', ')}`,
    ]);
  }
  lines.push(...renderTable(rows, { align: ['right', 'right', 'right', 'right', 'right', 'left'] }));
  lines.push('');
  if (plan.answer === null) {
    lines.push(`answer: none: no ${plan.field} in ${plan.min}..${plan.max} meets every SLO`);
  } else {
    lines.push(`answer: ${plan.field} = ${plan.answer}`);
    if (plan.binding !== null) {
      const b = plan.binding;
      lines.push(`binding constraint: ${b.slo} (worst seed ${figure(b.value)} against ${figure(b.limit)}, margin ${(b.margin * 100).toFixed(1)}%)`);
    }
  }
  lines.push(`confidence: ${plan.confidence}`);
  return `${lines.join('\n')}\n`;
}
