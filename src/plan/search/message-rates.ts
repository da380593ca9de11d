/**
 * Messages per second over the measured window and how they spread: one-to-one over the regions
 * (senders, recipients), groups over the regions and their sizes; and the share of receipts whose
 * route back to their sender starts from a cold home cache. Pure sums over the region states
 * (region-state.ts); the operation counts (operation-counts.ts) charge them.
 */
import type { Population } from '../../model/population.js';
import type { ResolvedScenario } from '../../scenario/resolved.js';
import { firstTouchShare } from './first-touch.js';
import type { MeasuredWindow, RegionState } from './region-state.js';

export interface MessageRates {
  /** Messages sent per second, all regions; of them one-to-one and group (groupShare of them). */
  messagesPerSecond: number;
  groupShare: number;
  oneToOnePerSecond: number;
  groupPerSecond: number;
  /** Users with a device online per region (one-to-one senders), and their sum. */
  onlineUsers: number[];
  onlineUsersTotal: number;
  /** Group sizes from sizeMin on, with their probabilities (population.groupSizeProbabilities). */
  sizeMin: number;
  probabilities: Float64Array;
  /** Groups of all regions weighted by the chance that a member is online (they send; per region: groupsIn). */
  groupWeightTotal: number;
  /** Share of a sender's receipts routed to it by a server whose home cache misses it (first of the run). */
  senderCold: number;
}

export function messageRates(scenario: ResolvedScenario, population: Population, states: RegionState[], { startS, endS }: MeasuredWindow): MessageRates {
  const messagesPerSecond = messagesPerSecondOf(scenario, states);
  const groupShare = population.groups > 0 ? scenario.workload.groups.fraction : 0;
  // One-to-one senders: a user with a device online, uniformly (or by activity rank, kept when
  // online: the same share per region), so a region sends in proportion to its online users.
  const onlineUsers = states.map((s) => s.users * s.present);
  const onlineUsersTotal = onlineUsers.reduce((a, b) => a + b, 0);
  const { min: sizeMin, probabilities } = population.groupSizeProbabilities();
  const groupWeightTotal = states.map((s, q) => groupsIn(population, s, q, sizeMin, probabilities)).reduce((a, b) => a + b, 0);
  const groupHomesMean = groupHomesMeanOf(population, states, sizeMin, probabilities, groupWeightTotal);
  // Per (server, sender) rate at which a server routes receipts to a sender homed elsewhere: the
  // sender's messages (an online user's share), each reaching one other home (one-to-one) or
  // groupHomesMean (groups), out of all servers. The first of them misses the home cache.
  const serversTotal = scenario.totals.chatServers;
  const homesPerMessage = (1 - groupShare) + groupShare * groupHomesMean;
  const senderRatePerServer = onlineUsersTotal > 0 && serversTotal > 0 ? (messagesPerSecond * homesPerMessage) / onlineUsersTotal / serversTotal : 0;
  return {
    messagesPerSecond,
    groupShare,
    oneToOnePerSecond: messagesPerSecond * (1 - groupShare),
    groupPerSecond: messagesPerSecond * groupShare,
    onlineUsers,
    onlineUsersTotal,
    sizeMin,
    probabilities,
    groupWeightTotal,
    senderCold: firstTouchShare(senderRatePerServer, startS, endS),
  };
}

// Messages per second: the scenario's stream, or each region's daily rate scaled by its online
// share now over its mean (model/workload.ts totalArrivalRatePerSecond).
function messagesPerSecondOf(scenario: ResolvedScenario, states: RegionState[]): number {
  const arrivals = scenario.workload.arrivals;
  if (arrivals.kind === 'totalPerSecond') return arrivals.messagesPerSecond;
  let messagesPerSecond = 0;
  for (const s of states) {
    const ratio = s.region.online.fractionMean > 0 ? s.p / s.region.online.fractionMean : 0;
    messagesPerSecond += ((s.users * arrivals.messagesPerUserPerDayMean) / 86_400) * ratio;
  }
  return messagesPerSecond;
}

// Groups: drawn uniformly over all groups, kept when a member is online (workload.ts); members
// all of one region; sizes by population.groupSizeProbabilities. A region's groups, weighted so.
function groupsIn(population: Population, s: RegionState, q: number, sizeMin: number, probabilities: Float64Array): number {
  let w = 0;
  for (let i = 0; i < probabilities.length; i++) w += probabilities[i]! * (1 - Math.pow(s.away, sizeMin + i));
  return population.regionGroups[q]!.groups * w;
}

// The mean, over group messages, of the member homes besides the sender's that send it receipts.
function groupHomesMeanOf(population: Population, states: RegionState[], sizeMin: number, probabilities: Float64Array, groupWeightTotal: number): number {
  let groupHomesMean = 0;
  states.forEach((s, g) => {
    for (let i = 0; i < probabilities.length; i++) {
      const w = groupWeightTotal > 0 ? (population.regionGroups[g]!.groups * probabilities[i]! * (1 - Math.pow(s.away, sizeMin + i))) / groupWeightTotal : 0;
      if (w > 0) groupHomesMean += w * otherHomesOf(s.servers, receiversOf(s, sizeMin + i));
    }
  });
  return groupHomesMean;
}

// Recipients: the sender's region for sameRegion of them, else another in proportion to users.
export function recipientRegionShare(scenario: ResolvedScenario, states: RegionState[], from: number, to: number): number {
  if (states.length === 1) return 1;
  const same = scenario.workload.recipients.sameRegionFraction;
  if (from === to) return same;
  const others = scenario.totals.users - states[from]!.users;
  return others > 0 ? ((1 - same) * states[to]!.users) / others : 0;
}

// Members besides the sender (uniform among those online), given someone is online; of them,
// those whose copy reaches a device during the run (online, or logging in during it) send
// receipts; and the servers other than the sender's home that home k of them (placement spreads
// a region's users evenly over its servers).
export function othersOnlineOf(s: RegionState, size: number): number {
  return (size * s.present) / (1 - Math.pow(s.away, size)) - 1;
}
export function receiversOf(s: RegionState, size: number): number {
  const online = othersOnlineOf(s, size);
  return online + (size - 1 - online) * (1 - s.backlogShare);
}
export function otherHomesOf(servers: number, members: number): number {
  return (servers - 1) * (1 - Math.pow(1 - 1 / Math.max(1, servers), Math.max(0, members)));
}
