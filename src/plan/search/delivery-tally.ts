/**
 * Per-region operation counts, and what delivering a copy of a message or a receipt to devices
 * charges at their home: the shared half of the operation counts (operation-tally.ts adds the
 * workload's sections). Each count's comment says where in the routing core
 * (src/core/chat-server.ts) it happens.
 */
import type { ResolvedScenario } from '../../scenario/resolved.js';
import { zeroCounts, type OperationCounts, type OperationKind } from './operation-kinds.js';
import type { RegionState } from './region-state.js';

/** Whose copy: a one-to-one recipient's (delivery receipt and read), a group member's (delivery receipt only), the sender's own other devices' (neither). */
export type CopyKind = 'oneToOne' | 'group' | 'own';

export class DeliveryTally {
  /** Operations per second at each region's servers, by kind, indexed as `states`. */
  readonly ops: OperationCounts[];
  /** Devices per user (mean), and users of all regions. */
  protected readonly devices: number;
  protected readonly usersTotal: number;

  constructor(
    protected readonly scenario: ResolvedScenario,
    readonly states: RegionState[],
  ) {
    this.ops = states.map(() => zeroCounts());
    this.devices = scenario.workload.devicesPerUserMean;
    this.usersTotal = scenario.totals.users;
  }

  /** Counts `perSecond` operations of `kind` at region q's servers (nothing for a rate that is not positive). */
  protected add(q: number, kind: OperationKind, perSecond: number): void {
    if (perSecond > 0) this.ops[q]![kind] += perSecond;
  }

  // Receipts back to a sender: `routeToUser` copies them to every device of the sender user
  // (queueForDeviceAt: fanout; online: a push priced `receipt` and the device's ack; offline: a
  // store, drained in the window only if it logs in (no backlog holds receipts).
  protected receiptToDevices(q: number, online: number, offline: number, rate: number): void {
    const s = this.states[q]!;
    this.add(q, 'fanout', (online + offline) * rate);
    this.add(q, 'receiptPush', online * rate);
    this.add(q, 'ack', online * rate);
    this.add(q, 'store', offline * rate);
    const drained = offline * rate * (1 - s.backlogShare);
    this.add(q, 'drain', drained);
    this.add(q, 'receiptPush', drained);
    this.add(q, 'ack', drained);
  }

  // To a sender homed in q, soon after it sent (its devices as when it sent) or later (each online with p).
  protected receiptToSender(q: number, rate: number, soon: boolean): void {
    const s = this.states[q]!;
    if (soon) this.receiptToDevices(q, s.onlineOfPresent, s.offlineOfPresent, rate);
    else this.receiptToDevices(q, s.devicesOfPresent * s.p, s.devicesOfPresent * (1 - s.p), rate);
  }

  // To a random user (a backlog copy's sender: model/deployment.ts restoreBacklog), in a region by users.
  protected receiptToRandomUser(rate: number): void {
    const { devices, usersTotal } = this;
    this.states.forEach((s, q) => {
      const share = usersTotal > 0 ? s.users / usersTotal : 0;
      this.receiptToDevices(q, devices * s.p, devices * (1 - s.p), rate * share);
      s.touchRate += s.users > 0 ? (rate * share) / s.users : 0;
    });
  }

  /**
   * Copies of a message to devices homed in q: `online` and `offline` of them per message at
   * `rate` messages per second. `kind`: a one-to-one recipient's copies (delivery receipt and
   * read), a group member's (delivery receipt only), or the sender's own other devices (neither).
   * The sender is homed in `senderRegion`.
   */
  protected copies(q: number, online: number, offline: number, rate: number, kind: CopyKind, senderRegion: number): void {
    const s = this.states[q]!;
    const receipts = kind !== 'own';
    const reads = kind === 'oneToOne' ? this.scenario.workload.read.within60sFraction * s.readStays : 0;
    // queueForDeviceAt: a fanout per copy; online: a push (`deliver`, priced deliver for a message)
    // and, when it arrives, the device's cumulative ack (`ack` at homeAckAt).
    this.add(q, 'fanout', (online + offline) * rate);
    this.add(q, 'deliver', online * rate);
    this.add(q, 'ack', online * rate);
    // confirmed: a copy from another user earns its sender a delivery receipt (`receipt`, at the
    // device's home), routed to every device of the sender; maybeRead: a one-to-one copy is read
    // within a minute for read.within60s of them (if still online): a sequenced frame at the
    // reader's home (`route`, server `ack`) that sends a read receipt (`receipt`) the same way.
    const received = (count: number, soon: boolean): void => {
      if (!receipts) return;
      this.add(q, 'receipt', count * rate);
      this.receiptToSender(senderRegion, count * rate, soon);
      if (reads > 0) {
        this.add(q, 'route', count * rate * reads);
        this.add(q, 'serverAck', count * rate * reads);
        this.add(q, 'receipt', count * rate * reads);
        this.receiptToSender(senderRegion, count * rate * reads, soon);
      }
    };
    received(online, true);
    // storeOffline: a `store` per copy to an offline device. The window's drains of this device
    // class: its own stores drained by devices that logged in during the run (1 - backlogShare of
    // the logins), pushed and acked, with their receipts and reads then.
    this.add(q, 'store', offline * rate);
    const drained = offline * (1 - s.backlogShare);
    this.add(q, 'drain', drained * rate);
    this.add(q, 'deliver', drained * rate);
    this.add(q, 'ack', drained * rate);
    received(drained, false);
  }
}
