/**
 * CPU cost of each operation the routing core reports, in nanoseconds, from the scenario's cost
 * table (or calibrate profile) times the hardware scale. The scenario names costs by what a capacity
 * planner thinks in (route, deliver, ack...); the core reports finer operation kinds. This table
 * maps one onto the other; core operations with no scenario cost (duplicate, reject, expire, drop,
 * serverSend, serverReceive, timer) cost nothing.
 *
 * `deliver` is charged per message copy pushed to a device; a receipt or group event pushed to a
 * device costs `receipt` instead (the core reports both as one kind, `deliver`; the host knows
 * what it pushes), so that "CPU per message" means what the scenario says it means.
 */
import { Op, OP_COUNT } from '../core/ops.js';
import type { CostOp } from '../scenario/schema.js';
import type { ResolvedCosts } from '../scenario/resolved.js';
import type { Distribution } from '../sim/distributions/index.js';
import type { RandomStream } from '../sim/random.js';
import { durationDistribution } from './distribution-of.js';

const CORE_OP_TO_COST: ReadonlyArray<[number, CostOp]> = [
  [Op.Route, 'route'],
  [Op.Deliver, 'deliver'],
  [Op.Fanout, 'fanout'],
  [Op.ServerAck, 'ack'],
  [Op.Ack, 'ack'],
  [Op.Receipt, 'receipt'],
  [Op.Store, 'store'],
  [Op.Drain, 'drain'],
  [Op.DirectoryLookup, 'directoryLookup'],
  [Op.DirectoryWrite, 'directoryLookup'],
  [Op.Connect, 'connect'],
  [Op.Disconnect, 'disconnect'],
  [Op.GroupChange, 'groupChange'],
  [Op.SenderKey, 'senderKey'],
];

export class CostModel {
  /** Per core op kind: the distribution of its cost in ns, or null when it is free. */
  private readonly byOp: Array<Distribution | null>;
  private readonly receiptPush: Distribution | null;
  private readonly scale: number;
  private readonly rng: RandomStream;

  constructor(costs: ResolvedCosts, rng: RandomStream) {
    this.scale = costs.scale;
    this.rng = rng;
    this.byOp = new Array<Distribution | null>(OP_COUNT).fill(null);
    for (const [op, name] of CORE_OP_TO_COST) this.byOp[op] = CostModel.distributionOf(costs, name);
    this.receiptPush = CostModel.distributionOf(costs, 'receipt');
  }

  private static distributionOf(costs: ResolvedCosts, name: CostOp): Distribution | null {
    const spec = costs.opsNs[name].costNs;
    if (spec.constant === 0) return null;
    return durationDistribution(spec);
  }

  /** Cost in ns of one core operation. */
  costNs(op: number): number {
    const dist = this.byOp[op];
    return dist === null || dist === undefined ? 0 : dist.sample(this.rng) * this.scale;
  }

  /** Mean cost in ns of one core operation (cost table times scale). */
  meanNs(op: number): number {
    const dist = this.byOp[op];
    return dist === null || dist === undefined ? 0 : dist.mean * this.scale;
  }

  /** Cost in ns of pushing a non-message frame (receipt, group event) to a device. */
  receiptPushNs(): number {
    return this.receiptPush === null ? 0 : this.receiptPush.sample(this.rng) * this.scale;
  }

  isFree(op: number): boolean {
    return this.byOp[op] === null;
  }
}
