/**
 * The core operations per second that a scenario's workload causes at each region's chat servers,
 * by kind, counted from what the routing core (src/core/chat-server.ts) and the model around it
 * (src/model) do: the counting half of the analytic estimate (analytic.ts says what is counted and
 * why; each count below says where in the core it happens).
 */
import { copiesPerMessage } from '../../model/backlog.js';
import { onlineFractionAtNs } from '../../model/online-fraction.js';
import { Population } from '../../model/population.js';
import { reconnectsPerNs, sessionEndsPerNs } from '../../model/sessions.js';
import type { ResolvedRegion, ResolvedScenario } from '../../scenario/resolved.js';
import type { CostOp } from '../../scenario/schema.js';
import { NS_PER_S } from '../../scenario/units.js';
import { firstTouchShare, pickAverage } from './first-touch.js';

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

/** A read happens within this time of the delivery, uniformly (model/deployment.ts READ_WINDOW_NS). */
const READ_WINDOW_SECONDS = 60;

export function zeroCounts(): OperationCounts {
  return Object.fromEntries(OPERATION_KINDS.map((kind) => [kind, 0])) as OperationCounts;
}

/** What a region's online share makes of its users (model/backlog.ts copiesPerMessage, per region). */
interface RegionState {
  region: ResolvedRegion;
  users: number;
  servers: number;
  /** Devices online (share), users with none online, and users with one. */
  p: number;
  away: number;
  present: number;
  /** Devices of an online user, its offline ones, its online ones (the sending one included); devices of an offline user. */
  devicesOfPresent: number;
  offlineOfPresent: number;
  onlineOfPresent: number;
  devicesOfAway: number;
  /** For an offline device, the chance that its user's other devices are offline too (device-weighted; connect lookups). */
  othersOfflineGivenOffline: number;
  /** Logins per second of one offline device; session ends and reconnects per second of an online one. */
  loginRate: number;
  endRate: number;
  reconnectRate: number;
  /** Share of a message's reads that still find the reading device online (read within a minute). */
  readStays: number;
  /** Share of the window's drains of devices offline since the start (backlog), firstTouchShare(loginRate). */
  backlogShare: number;
  /**
   * Touches per second of one user at its home that load its device mask (a group copy, a backlog
   * receipt, a login), taken as spread evenly over the users; one-to-one recipients are counted
   * by their pick instead (oneToOneIn).
   */
  touchRate: number;
  /** One-to-one messages per second into the region. */
  oneToOneIn: number;
}

/**
 * Operations per second at each region's servers, by kind. Every count is commented with where
 * in the core it happens; "first touch" counts use firstTouchShare over the measured window.
 */
export function estimateOperations(scenario: ResolvedScenario): { messagesPerSecond: number; regions: { state: RegionState; ops: OperationCounts }[]; sessions: OperationCounts } {
  const { workload } = scenario;
  const startS = scenario.warmupNs / NS_PER_S;
  const endS = Math.max(startS, scenario.durationNs / NS_PER_S);
  const population = new Population(scenario);
  const devices = workload.devicesPerUserMean;
  const usersTotal = scenario.totals.users;
  const serversTotal = scenario.totals.chatServers;

  // The online share over the window: the diurnal curve (linear between whole hours), sampled.
  const meanOnline = (region: ResolvedRegion): number => {
    if (endS <= startS) return onlineFractionAtNs(scenario, region, scenario.warmupNs);
    const steps = Math.max(32, Math.ceil((endS - startS) / 900));
    let sum = 0;
    for (let i = 0; i <= steps; i++) {
      const f = onlineFractionAtNs(scenario, region, (startS + ((endS - startS) * i) / steps) * NS_PER_S);
      sum += i === 0 || i === steps ? f / 2 : f;
    }
    return sum / steps;
  };

  const states: RegionState[] = scenario.regions.map((region) => {
    const p = Math.min(1, Math.max(0, meanOnline(region)));
    let away = 0;
    let devicesOfAwaySum = 0;
    let othersOffline = 0;
    for (const { devices: k, fraction } of workload.devicesPerUser) {
      away += fraction * Math.pow(1 - p, k);
      devicesOfAwaySum += fraction * k * Math.pow(1 - p, k);
      othersOffline += fraction * k * Math.pow(1 - p, k - 1);
    }
    // Nobody online means everybody away, exactly: the device shares sum to 1 only within rounding
    // (0.7 + 0.2 + 0.1), and a present share of 1e-16 would send the whole offered rate.
    if (!(p > 0)) away = 1;
    const present = 1 - away;
    const devicesOfPresent = present > 0 ? (devices - devicesOfAwaySum) / present : devices;
    const offlineOfPresent = present > 0 ? Math.max(0, (devices * (1 - p) - devicesOfAwaySum) / present) : 0;
    const sessionMeanS = region.online.sessionMeanNs / NS_PER_S;
    const endsPerS = sessionEndsPerNs(region.online, p) * NS_PER_S;
    const reconnectsPerS = reconnectsPerNs(region.online) * NS_PER_S;
    // Offline for sessionMean (1 - p) / p on average (sessions.ts).
    const loginRate = p > 0 && p < 1 ? p / (sessionMeanS * (1 - p)) : 0;
    // A read comes uniformly within a minute; the device's session ends at rate 1 / sessionMean
    // meanwhile (a reconnect keeps it online): P(still online) = (1 - e^-x) / x, x = 60 s / session.
    const x = endsPerS * READ_WINDOW_SECONDS;
    return {
      region,
      users: region.users,
      servers: region.chatServers.count,
      p,
      away,
      present,
      devicesOfPresent,
      offlineOfPresent,
      onlineOfPresent: devicesOfPresent - offlineOfPresent,
      devicesOfAway: away > 0 ? devicesOfAwaySum / away : 0,
      othersOfflineGivenOffline: devices > 0 ? othersOffline / devices : 0,
      loginRate,
      endRate: endsPerS,
      reconnectRate: reconnectsPerS,
      readStays: x > 0 ? -Math.expm1(-x) / x : 1,
      backlogShare: loginRate > 0 ? firstTouchShare(loginRate, startS, endS) : 1,
      touchRate: 0,
      oneToOneIn: 0,
    };
  });
  const regionCount = states.length;
  const ops = states.map(() => zeroCounts());
  const add = (q: number, kind: OperationKind, perSecond: number): void => {
    if (perSecond > 0) ops[q]![kind] += perSecond;
  };

  // Messages per second: the scenario's stream, or each region's daily rate scaled by its online
  // share now over its mean (model/workload.ts totalArrivalRatePerSecond).
  const arrivals = workload.arrivals;
  let messagesPerSecond = 0;
  if (arrivals.kind === 'totalPerSecond') messagesPerSecond = arrivals.messagesPerSecond;
  else {
    for (const s of states) {
      const ratio = s.region.online.fractionMean > 0 ? s.p / s.region.online.fractionMean : 0;
      messagesPerSecond += ((s.users * arrivals.messagesPerUserPerDayMean) / 86_400) * ratio;
    }
  }
  const groupShare = population.groups > 0 ? workload.groups.fraction : 0;
  const oneToOnePerSecond = messagesPerSecond * (1 - groupShare);
  const groupPerSecond = messagesPerSecond * groupShare;

  // One-to-one senders: a user with a device online, uniformly (or by activity rank, kept when
  // online: the same share per region), so a region sends in proportion to its online users.
  const onlineUsers = states.map((s) => s.users * s.present);
  const onlineUsersTotal = onlineUsers.reduce((a, b) => a + b, 0);
  // Recipients: the sender's region for sameRegion of them, else another in proportion to users.
  const recipientRegionShare = (from: number, to: number): number => {
    if (regionCount === 1) return 1;
    const same = workload.recipients.sameRegionFraction;
    if (from === to) return same;
    const others = usersTotal - states[from]!.users;
    return others > 0 ? ((1 - same) * states[to]!.users) / others : 0;
  };
  const recipientSkew = workload.recipients.pick === 'zipf' ? workload.recipients.zipfSkew : 0;

  // Groups: drawn uniformly over all groups, kept when a member is online (workload.ts); members
  // all of one region; sizes by population.groupSizeProbabilities.
  const { min: sizeMin, probabilities } = population.groupSizeProbabilities();
  const groupWeight = states.map((s, q) => {
    let w = 0;
    for (let i = 0; i < probabilities.length; i++) w += probabilities[i]! * (1 - Math.pow(s.away, sizeMin + i));
    return population.regionGroups[q]!.groups * w;
  });
  const groupWeightTotal = groupWeight.reduce((a, b) => a + b, 0);

  // Members besides the sender (uniform among those online), given someone is online; of them,
  // those whose copy reaches a device during the run (online, or logging in during it) send
  // receipts; and the servers other than the sender's home that home k of them (placement spreads
  // a region's users evenly over its servers).
  const othersOnlineOf = (s: RegionState, size: number): number => (size * s.present) / (1 - Math.pow(s.away, size)) - 1;
  const receiversOf = (s: RegionState, size: number): number => {
    const online = othersOnlineOf(s, size);
    return online + (size - 1 - online) * (1 - s.backlogShare);
  };
  const otherHomesOf = (servers: number, members: number): number => (servers - 1) * (1 - Math.pow(1 - 1 / Math.max(1, servers), Math.max(0, members)));
  let groupHomesMean = 0;
  states.forEach((s, g) => {
    for (let i = 0; i < probabilities.length; i++) {
      const w = groupWeightTotal > 0 ? (population.regionGroups[g]!.groups * probabilities[i]! * (1 - Math.pow(s.away, sizeMin + i))) / groupWeightTotal : 0;
      if (w > 0) groupHomesMean += w * otherHomesOf(s.servers, receiversOf(s, sizeMin + i));
    }
  });
  // Per (server, sender) rate at which a server routes receipts to a sender homed elsewhere: the
  // sender's messages (an online user's share), each reaching one other home (one-to-one) or
  // groupHomesMean (groups), out of all servers. The first of them misses the home cache.
  const homesPerMessage = (1 - groupShare) + groupShare * groupHomesMean;
  const senderRatePerServer = onlineUsersTotal > 0 && serversTotal > 0 ? (messagesPerSecond * homesPerMessage) / onlineUsersTotal / serversTotal : 0;
  const senderCold = firstTouchShare(senderRatePerServer, startS, endS);

  // Receipts back to a sender: `routeToUser` copies them to every device of the sender user
  // (queueForDeviceAt: fanout; online: a push priced `receipt` and the device's ack; offline: a
  // store, drained in the window only if it logs in (no backlog holds receipts).
  const receiptToDevices = (q: number, online: number, offline: number, rate: number): void => {
    const s = states[q]!;
    add(q, 'fanout', (online + offline) * rate);
    add(q, 'receiptPush', online * rate);
    add(q, 'ack', online * rate);
    add(q, 'store', offline * rate);
    const drained = offline * rate * (1 - s.backlogShare);
    add(q, 'drain', drained);
    add(q, 'receiptPush', drained);
    add(q, 'ack', drained);
  };
  // To a sender homed in q, soon after it sent (its devices as when it sent) or later (each online with p).
  const receiptToSender = (q: number, rate: number, soon: boolean): void => {
    const s = states[q]!;
    if (soon) receiptToDevices(q, s.onlineOfPresent, s.offlineOfPresent, rate);
    else receiptToDevices(q, s.devicesOfPresent * s.p, s.devicesOfPresent * (1 - s.p), rate);
  };
  // To a random user (a backlog copy's sender: model/deployment.ts restoreBacklog), in a region by users.
  const receiptToRandomUser = (rate: number): void => {
    states.forEach((s, q) => {
      const share = usersTotal > 0 ? s.users / usersTotal : 0;
      receiptToDevices(q, devices * s.p, devices * (1 - s.p), rate * share);
      s.touchRate += s.users > 0 ? (rate * share) / s.users : 0;
    });
  };
  /** Backlog copies drained per second: each sends its receipts to a random user. */
  let backlogSenders = 0;

  /**
   * Copies of a message to devices homed in q: `online` and `offline` of them per message at
   * `rate` messages per second. `kind`: a one-to-one recipient's copies (delivery receipt and
   * read), a group member's (delivery receipt only), or the sender's own other devices (neither).
   * The sender is homed in `senderRegion`.
   */
  const copies = (q: number, online: number, offline: number, rate: number, kind: 'oneToOne' | 'group' | 'own', senderRegion: number): void => {
    const s = states[q]!;
    const receipts = kind !== 'own';
    const reads = kind === 'oneToOne' ? workload.read.within60sFraction * s.readStays : 0;
    // queueForDeviceAt: a fanout per copy; online: a push (`deliver`, priced deliver for a message)
    // and, when it arrives, the device's cumulative ack (`ack` at homeAckAt).
    add(q, 'fanout', (online + offline) * rate);
    add(q, 'deliver', online * rate);
    add(q, 'ack', online * rate);
    // confirmed: a copy from another user earns its sender a delivery receipt (`receipt`, at the
    // device's home), routed to every device of the sender; maybeRead: a one-to-one copy is read
    // within a minute for read.within60s of them (if still online): a sequenced frame at the
    // reader's home (`route`, server `ack`) that sends a read receipt (`receipt`) the same way.
    const received = (count: number, soon: boolean): void => {
      if (!receipts) return;
      add(q, 'receipt', count * rate);
      receiptToSender(senderRegion, count * rate, soon);
      if (reads > 0) {
        add(q, 'route', count * rate * reads);
        add(q, 'serverAck', count * rate * reads);
        add(q, 'receipt', count * rate * reads);
        receiptToSender(senderRegion, count * rate * reads, soon);
      }
    };
    received(online, true);
    // storeOffline: a `store` per copy to an offline device. The window's drains of this device
    // class: its own stores drained by devices that logged in during the run (1 - backlogShare of
    // the logins), pushed and acked, with their receipts and reads then.
    add(q, 'store', offline * rate);
    const drained = offline * (1 - s.backlogShare);
    add(q, 'drain', drained * rate);
    add(q, 'deliver', drained * rate);
    add(q, 'ack', drained * rate);
    received(drained, false);
  };

  // ---- One-to-one messages (sendOneToOne, routeMessage).
  states.forEach((from, q) => {
    const rate = onlineUsersTotal > 0 ? (oneToOnePerSecond * onlineUsers[q]!) / onlineUsersTotal : 0;
    if (!(rate > 0)) return;
    // homeClientFrame: `route` and the server ack (`sendAck`; its push to the sender costs nothing).
    add(q, 'route', rate);
    add(q, 'serverAck', rate);
    // routeMessage: the sender's other devices get a copy (homed with the sender).
    copies(q, from.onlineOfPresent - 1, from.offlineOfPresent, rate, 'own', q);
    for (let r = 0; r < regionCount; r++) {
      const share = recipientRegionShare(q, r);
      if (!(share > 0)) continue;
      const to = states[r]!;
      // Every device of the recipient (a user picked whatever its devices), each online with p.
      copies(r, devices * to.p, devices * (1 - to.p), rate * share, 'oneToOne', q);
      to.oneToOneIn += rate * share;
      // routeToUserAt at the sender's home: the recipient's home from a cold cache (homeOfUser),
      // once per (server, recipient) in the run; a recipient homed on the same server is local.
      const perServer = (rate * share) / Math.max(1, from.servers);
      const cold = pickAverage(to.users, recipientSkew, (pk) => firstTouchShare(perServer * pk, startS, endS));
      const elsewhere = r === q ? 1 - 1 / Math.max(1, from.servers) : 1;
      add(q, 'directoryLookup', rate * share * elsewhere * cold);
      // confirmed at the recipient's home: the receipt's route to the sender (homeOfUser, cold
      // once per (server, sender)), if any device of the recipient takes it during the run.
      const takes = to.present + (1 - to.present) * (1 - to.backlogShare);
      add(r, 'directoryLookup', rate * share * elsewhere * takes * senderCold);
    }
  });

  // ---- Group messages (sendGroupMessage, groupRequest, fanOut).
  const groupOfflineMembers = states.map(() => 0);
  states.forEach((s, g) => {
    if (!(groupPerSecond > 0) || !(groupWeightTotal > 0)) return;
    const groupsHere = population.regionGroups[g]!.groups;
    if (!(groupsHere > 0)) return;
    for (let i = 0; i < probabilities.length; i++) {
      const size = sizeMin + i;
      const withSomeoneOnline = 1 - Math.pow(s.away, size);
      const rate = (groupPerSecond * groupsHere * probabilities[i]! * withSomeoneOnline) / groupWeightTotal;
      if (!(rate > 0)) continue;
      const othersOnline = othersOnlineOf(s, size);
      const othersOffline = size - 1 - othersOnline;
      add(g, 'route', rate);
      add(g, 'serverAck', rate);
      // fanOut copies to every member device but the sending one: the sender's others, the online
      // members' devices, the offline members' (all offline).
      const ownOnline = s.onlineOfPresent - 1;
      const ownOffline = s.offlineOfPresent;
      const otherOnline = othersOnline * s.onlineOfPresent;
      const otherOffline = othersOnline * s.offlineOfPresent + othersOffline * s.devicesOfAway;
      copies(g, ownOnline, ownOffline, rate, 'own', g);
      copies(g, otherOnline, otherOffline, rate, 'group', g);
      // Group.needsSenderKey: a device's first message to a group since it was created (at its
      // first message in the run) carries the sender key, a `senderKey` per copy. A group gets
      // messages at rate / groups of its size, spread over its online members' online devices.
      const perGroup = rate / (groupsHere * probabilities[i]!);
      const senders = Math.max(1, (othersOnline + 1) * s.onlineOfPresent);
      const firstShare = firstTouchShare(perGroup / senders, startS, endS);
      add(g, 'senderKey', (ownOnline + ownOffline + otherOnline + otherOffline) * firstShare * rate);
      // routeToGroupHome: the group's home from a cold cache, once per (server, group): the
      // group's messages come from the servers its online members are homed on.
      const homesOnline = s.servers * (1 - Math.pow(1 - 1 / Math.max(1, s.servers), Math.max(1, othersOnline + 1)));
      add(g, 'directoryLookup', rate * firstTouchShare(perGroup / Math.max(1, homesOnline), startS, endS));
      // Member homes other than the sender's route receipts to the sender (cold once per
      // (server, sender)), those of the members reached during the run; an offline member whose
      // device mask is not loaded yet (no device online at the start, untouched since) costs a
      // lookup at its home (loadMask, counted below).
      add(g, 'directoryLookup', rate * otherHomesOf(s.servers, receiversOf(s, size)) * senderCold);
      s.touchRate += s.users > 0 ? (rate * size) / s.users : 0;
      groupOfflineMembers[g]! += rate * othersOffline;
    }
  });

  // ---- The warm start's backlog (offlineStore.warmBacklog; model/backlog.ts): a device offline
  // since the start drains, when it logs in, the copies it missed: copies to offline devices per
  // message (at the start's online share) spread evenly over the offline devices. Each is a
  // one-to-one message from a random user: pushed (`drain`, `deliver`, `ack`), a delivery receipt
  // and a read for read.within60s of them, routed to that user's devices.
  if (scenario.offlineStore.warmBacklog) {
    let onlineAtStart = 0;
    for (const s of states) onlineAtStart += s.users * onlineFractionAtNs(scenario, s.region, 0);
    const shareAtStart = usersTotal > 0 ? onlineAtStart / usersTotal : 0;
    const offlineDevices = usersTotal * devices * (1 - shareAtStart);
    const perDevice = offlineDevices > 0 ? (messagesPerSecond * copiesPerMessage(scenario, population, shareAtStart).toOffline) / offlineDevices : 0;
    const retentionS = scenario.offlineStore.retentionNs / NS_PER_S;
    const perDeviceMax = scenario.offlineStore.messagesPerDeviceMax;
    states.forEach((s, q) => {
      // Logins x the copies each drains: perDevice x its time offline (exponential, with mean
      // 1 / loginRate), that time capped by the retention and the copies by messagesPerDeviceMax:
      // perDevice / loginRate x (1 - e^(-cap x loginRate)), cap = min(retention, max / perDevice).
      const capS = Math.min(retentionS, perDevice > 0 ? perDeviceMax / perDevice : Infinity);
      // No logins (nobody online, or everybody): nothing is drained, the limit of the above at 0.
      const kept = s.loginRate > 0 ? -Math.expm1(-capS * s.loginRate) : 0;
      const drains = s.users * devices * (1 - s.p) * perDevice * kept * s.backlogShare;
      if (!(drains > 0)) return;
      add(q, 'drain', drains);
      add(q, 'deliver', drains);
      add(q, 'ack', drains);
      const reads = workload.read.within60sFraction * s.readStays;
      add(q, 'receipt', drains * (1 + reads));
      add(q, 'route', drains * reads);
      add(q, 'serverAck', drains * reads);
      receiptToRandomUser(drains * (1 + reads));
      // The receipt's route to a random user from a cold cache (homeOfUser): once per (server, user).
      const perServerUser = usersTotal > 0 ? drains / Math.max(1, s.servers) / usersTotal : 0;
      add(q, 'directoryLookup', drains * (1 - 1 / Math.max(1, serversTotal)) * firstTouchShare(perServerUser, startS, endS));
      backlogSenders += drains;
    });
  }

  // ---- Session churn (model/sessions.ts), per second: an online device's session ends at
  // 1 / sessionMean (p < 1) and it reconnects reconnectsPerHour (a disconnect and a connect); an
  // offline one logs in so that the share online stays p. connectDevice: `connect` and a directory
  // write (setSession); closeLocal: `disconnect` and a directory write (clearSession). A login of a
  // device whose user has no record at its home yet (no device online at the start, untouched
  // since) looks its home and its devices up (2 lookups). Attach lookups: none (devices connect to
  // their home).
  const sessions = zeroCounts();
  states.forEach((s, q) => {
    const onlineDevices = s.users * devices * s.p;
    const logins = s.users * devices * (1 - s.p) * s.loginRate;
    const reconnects = onlineDevices * s.reconnectRate;
    const connects = logins + reconnects;
    const disconnects = onlineDevices * s.endRate + reconnects;
    s.touchRate += s.users > 0 ? logins / s.users : 0;
    add(q, 'connect', connects);
    add(q, 'disconnect', disconnects);
    add(q, 'directoryWrite', connects + disconnects);
    sessions.connect += connects;
    sessions.disconnect += disconnects;
    sessions.directoryWrite += connects + disconnects;
  });

  // ---- Device masks loaded on first need (loadMask, one lookup): the users with no device online
  // at the start have none loaded at their home until something touches them: a one-to-one
  // message (by its recipient pick), a group message or receipt, a login.
  states.forEach((s, q) => {
    if (!(s.users > 0) || !(s.away > 0)) return;
    const untouched = firstTouchShare(s.touchRate, startS, endS);
    const perRecipient = pickAverage(s.users, recipientSkew, (pk) => firstTouchShare(s.oneToOneIn * pk + s.touchRate, startS, endS));
    add(q, 'directoryLookup', s.oneToOneIn * s.away * perRecipient);
    add(q, 'directoryLookup', groupOfflineMembers[q]! * untouched);
    // A backlog copy's first receipt, to a random user (with no device online at the start for
    // `away` of them).
    const share = usersTotal > 0 ? s.users / usersTotal : 0;
    add(q, 'directoryLookup', backlogSenders * share * s.away * untouched);
    const loginLookups = 2 * s.users * devices * (1 - s.p) * s.loginRate * s.othersOfflineGivenOffline * untouched;
    add(q, 'directoryLookup', loginLookups);
    sessions.directoryLookup += loginLookups;
  });

  return { messagesPerSecond, regions: states.map((state, q) => ({ state, ops: ops[q]! })), sessions };
}
