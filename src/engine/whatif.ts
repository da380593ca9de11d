/**
 * What-if: a base and a variant run of one scenario (same seed), side by side with their deltas,
 * and which checks (SLOs) flip between them. Pure over two results; the checks are passed in as a
 * function so this layer does not depend on the SLO parser above it (src/plan/search/slo.ts).
 */
import { compareResults, type FigureComparison, type ResultInput } from './compare.js';

/** One check of one result: what src/plan/search/slo.ts evaluateSlos returns. */
export interface CheckEvaluation {
  slo: string;
  value: number;
  limit: number;
  pass: boolean;
  margin: number;
}

export type SloChange = 'still passes' | 'still fails' | 'now fails' | 'now passes';

export interface SloFlip {
  slo: string;
  base: CheckEvaluation;
  variant: CheckEvaluation;
  change: SloChange;
  flipped: boolean;
}

export interface WhatifReport {
  base: { scenario: string; seed: number };
  variant: { scenario: string; seed: number };
  /** What makes the variant: `--set` overrides, or `--against file`. */
  changes: string[];
  /** Overrides applied to both runs (`--set-both`), for the record. */
  common: string[];
  /** Every figure; status relative to the base (regression = worse, better = better). */
  figures: FigureComparison[];
  slos: SloFlip[];
}

/** The headline figures a what-if shows side by side (JSON carries every figure). */
export const WHATIF_HEADLINE_KEYS: readonly string[] = [
  'messages.sent',
  'messages.delivered',
  'messages.dropped',
  'messages.pending',
  'messages.deliveriesToDevices',
  'latency.endToEnd.meanMs',
  'latency.endToEnd.p50Ms',
  'latency.endToEnd.p90Ms',
  'latency.endToEnd.p99Ms',
  'latency.endToEnd.p999Ms',
  'latency.endToEnd.maxMs',
  'rates.messagesInPerSecond',
  'rates.messagesOutPerSecond',
  'servers.count',
  'servers.cpuUtilisation.max',
  'servers.chat.cpuUtilisation.max',
  'servers.chat.cpuUtilisation.mean',
  'servers.cpuQueuePeak.max',
  'servers.memoryBytesPeak.max',
  'links.utilisation.max',
  'links.lost.sum',
];

function changeOf(base: boolean, variant: boolean): SloChange {
  if (base && variant) return 'still passes';
  if (!base && !variant) return 'still fails';
  return base ? 'now fails' : 'now passes';
}

export function whatifReport(
  base: ResultInput,
  variant: ResultInput,
  changes: string[],
  checks: (result: ResultInput) => CheckEvaluation[] = () => [],
  common: string[] = [],
): WhatifReport {
  const comparison = compareResults(base, variant, { toleranceFraction: 0 });
  const before = checks(base);
  const after = checks(variant);
  const slos = before.map((b, i): SloFlip => {
    const a = after[i]!;
    return { slo: b.slo, base: b, variant: a, change: changeOf(b.pass, a.pass), flipped: b.pass !== a.pass };
  });
  return {
    base: { scenario: base.scenario, seed: base.seed },
    variant: { scenario: variant.scenario, seed: variant.seed },
    changes,
    common,
    figures: comparison.figures,
    slos,
  };
}
