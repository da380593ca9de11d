import { describe, expect, it } from 'vitest';
import { bindingSlo, evaluateSlo, evaluateSlos, parseSlos, type Slo } from '../../src/plan/search/slo.js';
import { sampleRunResult } from '../fixtures/run-result.js';

function one(text: string): Slo {
  const parsed = parseSlos([text]);
  if (!parsed.ok) throw new Error(parsed.problems[0]!.reason);
  return parsed.slos[0]!;
}

describe('parseSlos', () => {
  it('reads figure keys, aliases, operators and units', () => {
    expect(one('latency.endToEnd.p99Ms<200')).toEqual({ text: 'latency.endToEnd.p99Ms<200', metric: 'latency.endToEnd.p99Ms', reads: 'latency.endToEnd.p99Ms', operator: '<', limit: 200 });
    expect(one(' cpu <= 70% ')).toMatchObject({ metric: 'cpu', reads: 'servers.cpuUtilisation.max', operator: '<=', limit: 0.7 });
    expect(one('loss<1e-3')).toMatchObject({ reads: 'messages.dropped / messages.sent', limit: 0.001 });
    expect(one('p99<0.2s')).toMatchObject({ reads: 'latency.endToEnd.p99Ms', limit: 200 });
    expect(one('rates.messagesOutPerSecond>=19000')).toMatchObject({ operator: '>=', limit: 19000 });
    expect(one('operations.route>0')).toMatchObject({ operator: '>', limit: 0 });
  });

  it('reports every bad SLO at once with a reason', () => {
    const parsed = parseSlos(['latency.p99<200', 'cpu=0.7', 'cpu<lots', 'cpu<7', 'messages.sent<5ms', 'p99 200', '', 'links.utilisation.max<0.5']);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems.map((p) => [p.slo, p.reason])).toEqual([
      ['latency.p99<200', 'unknown figure "latency.p99"; use an alias (cpu, loss, p50, p90, p99, p999, mean, max) or a figure key such as latency.endToEnd.p99Ms'],
      ['cpu=0.7', 'expected one of <, <=, >, >= after cpu, got = (e.g. cpu<0.7)'],
      ['cpu<lots', 'expected a number after <, got "lots"'],
      ['cpu<7', 'cpu is a fraction from 0 to 1, got 7 (write 0.7 or 70%)'],
      ['messages.sent<5ms', 'messages.sent is not a latency; ms applies to latency figures (ms)'],
      ['p99 200', 'expected one of <, <=, >, >= after p99 (e.g. p99<0.7)'],
      ['', 'expected <figure><op><number>, such as latency.endToEnd.p99Ms<200 or cpu<0.7'],
    ]);
  });

  it('suggests the nearest figure for a typo', () => {
    const parsed = parseSlos(['latency.endToEnd.p99ms<200']);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems[0]!.reason).toBe('unknown figure "latency.endToEnd.p99ms"; did you mean "latency.endToEnd.p99Ms"?');
  });
});

describe('evaluateSlo', () => {
  const result = sampleRunResult(); // p99 67.903 ms, busiest server 0.53, 12 dropped of 2,000,000 sent

  it('reads the figure, decides pass or fail and the relative margin', () => {
    expect(evaluateSlo(one('p99<100'), result)).toEqual({ slo: 'p99<100', value: 67.903, limit: 100, pass: true, margin: (100 - 67.903) / 100 });
    expect(evaluateSlo(one('cpu<0.5'), result)).toMatchObject({ value: 0.53, pass: false });
    expect(evaluateSlo(one('cpu<0.5'), result).margin).toBeCloseTo(-0.06, 12);
    expect(evaluateSlo(one('loss<0.00001'), result)).toMatchObject({ value: 6e-6, pass: true });
    expect(evaluateSlo(one('messages.delivered>=1999000'), result)).toMatchObject({ pass: true, margin: 0 });
    expect(evaluateSlo(one('messages.delivered>1999000'), result)).toMatchObject({ pass: false, margin: 0 });
    expect(evaluateSlo(one('links.lost.sum<=0'), result)).toMatchObject({ value: 3, pass: false, margin: -3 });
  });

  it('names the SLO with the least margin as binding', () => {
    const evaluations = evaluateSlos([one('p99<100'), one('cpu<0.6'), one('loss<0.001')], result);
    expect(bindingSlo(evaluations)!.slo).toBe('cpu<0.6'); // (0.6 - 0.53) / 0.6 = 11.7% beats 32% and 99.4%
    expect(bindingSlo([])).toBeNull();
  });
});
