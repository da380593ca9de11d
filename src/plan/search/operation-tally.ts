/**
 * The operations per second the workload's sections cause at each region's servers: one-to-one
 * messages, group messages, the warm start's backlog, session churn, and device masks loaded on
 * first need. Run the sections in that order (later ones read the touches earlier ones leave on
 * the region states). Each count's comment says where in the routing core (src/core/chat-server.ts)
 * it happens; "first touch" counts use firstTouchShare over the measured window.
 */
import { copiesPerMessage } from '../../model/backlog.js';
import { onlineFractionAtNs } from '../../model/online-fraction.js';
import type { Population } from '../../model/population.js';
import type { ResolvedScenario } from '../../scenario/resolved.js';
import { NS_PER_S } from '../../scenario/units.js';
import { DeliveryTally } from './delivery-tally.js';
import { firstTouchShare, pickAverage } from './first-touch.js';
import { othersOnlineOf, otherHomesOf, receiversOf, recipientRegionShare, type MessageRates } from './message-rates.js';
import { zeroCounts, type OperationCounts } from './operation-kinds.js';
import type { MeasuredWindow, RegionState } from './region-state.js';

export class OperationTally extends DeliveryTally {
  /** Session churn per second, all regions (also counted per region). */
  readonly sessions: OperationCounts = zeroCounts();
  /** Group copies per second to members with no device online, per region (their masks: deviceMasks). */
  private readonly groupOfflineMembers: number[];
  /** Backlog copies drained per second: each sends its receipts to a random user. */
  private backlogSenders = 0;
  private readonly recipientSkew: number;

  constructor(
    scenario: ResolvedScenario,
    private readonly population: Population,
    states: RegionState[],
    private readonly rates: MessageRates,
    private readonly window: MeasuredWindow,
  ) {
    super(scenario, states);
    this.groupOfflineMembers = states.map(() => 0);
    this.recipientSkew = scenario.workload.recipients.pick === 'zipf' ? scenario.workload.recipients.zipfSkew : 0;
  }

  /** The share of keys used at `perSecond` whose first use falls in the window (a cold cache's misses). */
  private firstTouch(perSecond: number): number {
    return firstTouchShare(perSecond, this.window.startS, this.window.endS);
  }

  // ---- One-to-one messages (sendOneToOne, routeMessage).
  oneToOne(): void {
    const { onlineUsers, onlineUsersTotal, oneToOnePerSecond, senderCold } = this.rates;
    this.states.forEach((from, q) => {
      const rate = onlineUsersTotal > 0 ? (oneToOnePerSecond * onlineUsers[q]!) / onlineUsersTotal : 0;
      if (!(rate > 0)) return;
      // homeClientFrame: `route` and the server ack (`sendAck`; its push to the sender costs nothing).
      this.add(q, 'route', rate);
      this.add(q, 'serverAck', rate);
      // routeMessage: the sender's other devices get a copy (homed with the sender).
      this.copies(q, from.onlineOfPresent - 1, from.offlineOfPresent, rate, 'own', q);
      for (let r = 0; r < this.states.length; r++) {
        const share = recipientRegionShare(this.scenario, this.states, q, r);
        if (!(share > 0)) continue;
        const to = this.states[r]!;
        // Every device of the recipient (a user picked whatever its devices), each online with p.
        this.copies(r, this.devices * to.p, this.devices * (1 - to.p), rate * share, 'oneToOne', q);
        to.oneToOneIn += rate * share;
        // routeToUserAt at the sender's home: the recipient's home from a cold cache (homeOfUser),
        // once per (server, recipient) in the run; a recipient homed on the same server is local.
        const perServer = (rate * share) / Math.max(1, from.servers);
        const cold = pickAverage(to.users, this.recipientSkew, (pk) => this.firstTouch(perServer * pk));
        const elsewhere = r === q ? 1 - 1 / Math.max(1, from.servers) : 1;
        this.add(q, 'directoryLookup', rate * share * elsewhere * cold);
        // confirmed at the recipient's home: the receipt's route to the sender (homeOfUser, cold
        // once per (server, sender)), if any device of the recipient takes it during the run.
        const takes = to.present + (1 - to.present) * (1 - to.backlogShare);
        this.add(r, 'directoryLookup', rate * share * elsewhere * takes * senderCold);
      }
    });
  }

  // ---- Group messages (sendGroupMessage, groupRequest, fanOut), by region and size.
  groups(): void {
    const { groupPerSecond, groupWeightTotal, sizeMin, probabilities } = this.rates;
    this.states.forEach((s, g) => {
      if (!(groupPerSecond > 0) || !(groupWeightTotal > 0)) return;
      const groupsHere = this.population.regionGroups[g]!.groups;
      if (!(groupsHere > 0)) return;
      for (let i = 0; i < probabilities.length; i++) this.groupsOfSize(s, g, groupsHere, sizeMin + i, probabilities[i]!);
    });
  }

  /** Messages of region g's groups of one size (`probability` of its groups are of that size). */
  private groupsOfSize(s: RegionState, g: number, groupsHere: number, size: number, probability: number): void {
    const withSomeoneOnline = 1 - Math.pow(s.away, size);
    const rate = (this.rates.groupPerSecond * groupsHere * probability * withSomeoneOnline) / this.rates.groupWeightTotal;
    if (!(rate > 0)) return;
    const othersOnline = othersOnlineOf(s, size);
    const othersOffline = size - 1 - othersOnline;
    this.add(g, 'route', rate);
    this.add(g, 'serverAck', rate);
    // fanOut copies to every member device but the sending one: the sender's others, the online
    // members' devices, the offline members' (all offline).
    const ownOnline = s.onlineOfPresent - 1;
    const ownOffline = s.offlineOfPresent;
    const otherOnline = othersOnline * s.onlineOfPresent;
    const otherOffline = othersOnline * s.offlineOfPresent + othersOffline * s.devicesOfAway;
    this.copies(g, ownOnline, ownOffline, rate, 'own', g);
    this.copies(g, otherOnline, otherOffline, rate, 'group', g);
    // Group.needsSenderKey: a device's first message to a group since it was created (at its
    // first message in the run) carries the sender key, a `senderKey` per copy. A group gets
    // messages at rate / groups of its size, spread over its online members' online devices.
    const perGroup = rate / (groupsHere * probability);
    const senders = Math.max(1, (othersOnline + 1) * s.onlineOfPresent);
    const firstShare = this.firstTouch(perGroup / senders);
    this.add(g, 'senderKey', (ownOnline + ownOffline + otherOnline + otherOffline) * firstShare * rate);
    // routeToGroupHome: the group's home from a cold cache, once per (server, group): the
    // group's messages come from the servers its online members are homed on.
    const homesOnline = s.servers * (1 - Math.pow(1 - 1 / Math.max(1, s.servers), Math.max(1, othersOnline + 1)));
    this.add(g, 'directoryLookup', rate * this.firstTouch(perGroup / Math.max(1, homesOnline)));
    // Member homes other than the sender's route receipts to the sender (cold once per
    // (server, sender)), those of the members reached during the run; an offline member whose
    // device mask is not loaded yet (no device online at the start, untouched since) costs a
    // lookup at its home (loadMask, counted in deviceMasks).
    this.add(g, 'directoryLookup', rate * otherHomesOf(s.servers, receiversOf(s, size)) * this.rates.senderCold);
    s.touchRate += s.users > 0 ? (rate * size) / s.users : 0;
    this.groupOfflineMembers[g]! += rate * othersOffline;
  }

  // ---- The warm start's backlog (offlineStore.warmBacklog; model/backlog.ts): a device offline
  // since the start drains, when it logs in, the copies it missed: copies to offline devices per
  // message (at the start's online share) spread evenly over the offline devices. Each is a
  // one-to-one message from a random user: pushed (`drain`, `deliver`, `ack`), a delivery receipt
  // and a read for read.within60s of them, routed to that user's devices.
  warmBacklog(): void {
    if (!this.scenario.offlineStore.warmBacklog) return;
    const { usersTotal, devices } = this;
    const perDevice = this.backlogPerOfflineDevicePerSecond();
    const retentionS = this.scenario.offlineStore.retentionNs / NS_PER_S;
    const perDeviceMax = this.scenario.offlineStore.messagesPerDeviceMax;
    const serversTotal = this.scenario.totals.chatServers;
    this.states.forEach((s, q) => {
      // Logins x the copies each drains: perDevice x its time offline (exponential, with mean
      // 1 / loginRate), that time capped by the retention and the copies by messagesPerDeviceMax:
      // perDevice / loginRate x (1 - e^(-cap x loginRate)), cap = min(retention, max / perDevice).
      const capS = Math.min(retentionS, perDevice > 0 ? perDeviceMax / perDevice : Infinity);
      // No logins (nobody online, or everybody): nothing is drained, the limit of the above at 0.
      const kept = s.loginRate > 0 ? -Math.expm1(-capS * s.loginRate) : 0;
      const drains = s.users * devices * (1 - s.p) * perDevice * kept * s.backlogShare;
      if (!(drains > 0)) return;
      this.add(q, 'drain', drains);
      this.add(q, 'deliver', drains);
      this.add(q, 'ack', drains);
      const reads = this.scenario.workload.read.within60sFraction * s.readStays;
      this.add(q, 'receipt', drains * (1 + reads));
      this.add(q, 'route', drains * reads);
      this.add(q, 'serverAck', drains * reads);
      this.receiptToRandomUser(drains * (1 + reads));
      // The receipt's route to a random user from a cold cache (homeOfUser): once per (server, user).
      const perServerUser = usersTotal > 0 ? drains / Math.max(1, s.servers) / usersTotal : 0;
      this.add(q, 'directoryLookup', drains * (1 - 1 / Math.max(1, serversTotal)) * this.firstTouch(perServerUser));
      this.backlogSenders += drains;
    });
  }

  /** The backlog's copies per second of the run's messages to each device offline at the start. */
  private backlogPerOfflineDevicePerSecond(): number {
    const { usersTotal, devices } = this;
    let onlineAtStart = 0;
    for (const s of this.states) onlineAtStart += s.users * onlineFractionAtNs(this.scenario, s.region, 0);
    const shareAtStart = usersTotal > 0 ? onlineAtStart / usersTotal : 0;
    const offlineDevices = usersTotal * devices * (1 - shareAtStart);
    return offlineDevices > 0 ? (this.rates.messagesPerSecond * copiesPerMessage(this.scenario, this.population, shareAtStart).toOffline) / offlineDevices : 0;
  }

  // ---- Session churn (model/sessions.ts), per second: an online device's session ends at
  // 1 / sessionMean (p < 1) and it reconnects reconnectsPerHour (a disconnect and a connect); an
  // offline one logs in so that the share online stays p. connectDevice: `connect` and a directory
  // write (setSession); closeLocal: `disconnect` and a directory write (clearSession). A login of a
  // device whose user has no record at its home yet (no device online at the start, untouched
  // since) looks its home and its devices up (2 lookups, counted in deviceMasks). Attach lookups:
  // none (devices connect to their home).
  sessionChurn(): void {
    const { devices, sessions } = this;
    this.states.forEach((s, q) => {
      const onlineDevices = s.users * devices * s.p;
      const logins = s.users * devices * (1 - s.p) * s.loginRate;
      const reconnects = onlineDevices * s.reconnectRate;
      const connects = logins + reconnects;
      const disconnects = onlineDevices * s.endRate + reconnects;
      s.touchRate += s.users > 0 ? logins / s.users : 0;
      this.add(q, 'connect', connects);
      this.add(q, 'disconnect', disconnects);
      this.add(q, 'directoryWrite', connects + disconnects);
      sessions.connect += connects;
      sessions.disconnect += disconnects;
      sessions.directoryWrite += connects + disconnects;
    });
  }

  // ---- Device masks loaded on first need (loadMask, one lookup): the users with no device online
  // at the start have none loaded at their home until something touches them: a one-to-one
  // message (by its recipient pick), a group message or receipt, a login.
  deviceMasks(): void {
    const { devices, usersTotal } = this;
    this.states.forEach((s, q) => {
      if (!(s.users > 0) || !(s.away > 0)) return;
      const untouched = this.firstTouch(s.touchRate);
      const perRecipient = pickAverage(s.users, this.recipientSkew, (pk) => this.firstTouch(s.oneToOneIn * pk + s.touchRate));
      this.add(q, 'directoryLookup', s.oneToOneIn * s.away * perRecipient);
      this.add(q, 'directoryLookup', this.groupOfflineMembers[q]! * untouched);
      // A backlog copy's first receipt, to a random user (with no device online at the start for
      // `away` of them).
      const share = usersTotal > 0 ? s.users / usersTotal : 0;
      this.add(q, 'directoryLookup', this.backlogSenders * share * s.away * untouched);
      const loginLookups = 2 * s.users * devices * (1 - s.p) * s.loginRate * s.othersOfflineGivenOffline * untouched;
      this.add(q, 'directoryLookup', loginLookups);
      this.sessions.directoryLookup += loginLookups;
    });
  }
}
