/**
 * reference-chat (DESIGN.md section 7) through the real routing core, timed: delivered messages
 * per wall second over the whole run and over the simulation alone (without connecting the
 * million devices at time 0), and the mean latency to check it still matches theory (62.297 ms).
 */
import { runScenario } from '../engine/run-scenario.js';
import { loadScenario, resolveScenarioArgument } from '../scenario/index.js';
import type { WallClockMs } from './kernel-bench.js';

export interface ChatBenchFigures {
  simulatedSeconds: number;
  messagesDelivered: number;
  wallSeconds: number;
  setupWallSeconds: number;
  messagesPerWallSecond: number;
  messagesPerWallSecondAfterSetup: number;
  events: number;
  eventsPerWallSecond: number;
  meanMs: number;
  meanMsTheory: number;
  p99Ms: number;
  peakRssBytes: number;
}

export const REFERENCE_CHAT_MEAN_MS = 62.297;

export function chatBench(durationSeconds: number, nowMs: WallClockMs, rssBytes: () => number = () => 0): ChatBenchFigures {
  const loaded = loadScenario(resolveScenarioArgument('reference-chat'), [`duration=${durationSeconds}s`]);
  if (!loaded.ok) throw new Error(`reference-chat did not load: ${loaded.problems.map((p) => p.reason).join('; ')}`);
  const result = runScenario(loaded.scenario, { wallClockMs: nowMs, rssBytes });
  const wallSeconds = result.meta.wallSeconds;
  const setupWallSeconds = result.meta.setupWallSeconds ?? 0;
  const delivered = result.messages.delivered;
  return {
    simulatedSeconds: result.simulatedSeconds,
    messagesDelivered: delivered,
    wallSeconds,
    setupWallSeconds,
    messagesPerWallSecond: Math.round(delivered / wallSeconds),
    messagesPerWallSecondAfterSetup: Math.round(delivered / Math.max(1e-9, wallSeconds - setupWallSeconds)),
    events: result.meta.events,
    eventsPerWallSecond: result.meta.eventsPerWallSecond,
    meanMs: result.latency.endToEnd.meanMs,
    meanMsTheory: REFERENCE_CHAT_MEAN_MS,
    p99Ms: result.latency.endToEnd.p99Ms,
    peakRssBytes: result.meta.peakRssBytes,
  };
}
