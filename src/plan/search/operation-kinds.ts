/**
 * The kinds of core operation the analytic estimate counts (operation-counts.ts), and the scenario
 * cost each is priced at.
 */
import type { CostOp } from '../../scenario/schema.js';

/** The core operations counted, by what they are (a push of a receipt is priced `receipt`). */
export const OPERATION_KINDS = [
  'route',
  'serverAck',
  'deliver',
  'receiptPush',
  'fanout',
  'ack',
  'receipt',
  'store',
  'drain',
  'directoryLookup',
  'directoryWrite',
  'senderKey',
  'connect',
  'disconnect',
  'groupChange',
] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];
export type OperationCounts = Record<OperationKind, number>;

/** The scenario cost each counted operation is priced at (model/cost-model.ts). */
export const OPERATION_COST: Readonly<Record<OperationKind, CostOp>> = {
  route: 'route',
  serverAck: 'ack',
  deliver: 'deliver',
  receiptPush: 'receipt',
  fanout: 'fanout',
  ack: 'ack',
  receipt: 'receipt',
  store: 'store',
  drain: 'drain',
  directoryLookup: 'directoryLookup',
  directoryWrite: 'directoryLookup',
  senderKey: 'senderKey',
  connect: 'connect',
  disconnect: 'disconnect',
  groupChange: 'groupChange',
};

export function zeroCounts(): OperationCounts {
  return Object.fromEntries(OPERATION_KINDS.map((kind) => [kind, 0])) as OperationCounts;
}
