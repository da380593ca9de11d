/**
 * The core operations per second that a scenario's workload causes at each region's chat servers,
 * by kind, counted from what the routing core (src/core/chat-server.ts) and the model around it
 * (src/model) do: the counting half of the analytic estimate (analytic.ts says what is counted and
 * why). The pieces: the kinds counted and their prices (operation-kinds.ts); each region's state
 * over the measured window (region-state.ts); messages per second and how they spread
 * (message-rates.ts); and the counts, each commented with where in the core it happens: a copy or
 * receipt delivered to devices (delivery-tally.ts) and the workload's sections (operation-tally.ts).
 */
import { Population } from '../../model/population.js';
import type { ResolvedScenario } from '../../scenario/resolved.js';
import { messageRates } from './message-rates.js';
import type { OperationCounts } from './operation-kinds.js';
import { OperationTally } from './operation-tally.js';
import { measuredWindow, regionStates, type RegionState } from './region-state.js';

export { OPERATION_COST, OPERATION_KINDS, zeroCounts, type OperationCounts, type OperationKind } from './operation-kinds.js';
export type { RegionState } from './region-state.js';

/** Operations per second by region (with the state they were counted from), and session churn's share of them. */
export interface OperationEstimate {
  messagesPerSecond: number;
  regions: { state: RegionState; ops: OperationCounts }[];
  sessions: OperationCounts;
}

/**
 * Operations per second at each region's servers, by kind. Every count is commented with where
 * in the core it happens; "first touch" counts use firstTouchShare over the measured window.
 */
export function estimateOperations(scenario: ResolvedScenario): OperationEstimate {
  const window = measuredWindow(scenario);
  const population = new Population(scenario);
  const states = regionStates(scenario, window);
  const rates = messageRates(scenario, population, states, window);
  const tally = new OperationTally(scenario, population, states, rates, window);
  // In this order: group messages, backlog receipts and logins add touches (touchRate) that the
  // device masks then read, and one-to-one messages their recipients (oneToOneIn).
  tally.oneToOne();
  tally.groups();
  tally.warmBacklog();
  tally.sessionChurn();
  tally.deviceMasks();
  return { messagesPerSecond: rates.messagesPerSecond, regions: states.map((state, q) => ({ state, ops: tally.ops[q]! })), sessions: tally.sessions };
}
