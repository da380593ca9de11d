/**
 * Slice fidelity's one-to-one messages, drawn straight from the rates at which they touch the
 * slice, without drawing the rest of the deployment's stream (DESIGN.md section 4).
 *
 * The workload's one-to-one model (workload.ts): messages arrive at rate L(t); each takes a sender
 * by drawing users in proportion to an activity weight w (rank^-s, or 1) until one is online, then
 * a recipient (a region, then a user in it, uniformly or by popularity). So user u sends at rate
 * L(t) w_u online_u / sum_v w_v online_v. Two independent Poisson streams hold every message that
 * touches the slice, and nothing else:
 *
 * 1. Senders inside. Attempts at rate L(t) W_S / Z(t) (W_S the slice's share of the weight, Z(t)
 *    the share of weight online), each at a slice user drawn by weight (SliceUserSampler); an
 *    attempt whose user is offline sends nothing. Its recipient is drawn as in the full model.
 * 2. Senders outside, recipients inside. Messages at rate L(t) sum_r' q_r'(t) / Z(t), with
 *    q_r'(t) = W_r' U_r'(t) c(r'): the weight of region r''s online senders (U_r' the share of its
 *    users online) times c(r'), the chance that a recipient of theirs is in the slice. Each takes
 *    its sender's region r' in proportion to q_r'(t), then a sender of r' as the full model draws
 *    one (by weight, until online; everyone's draw, keeping those of r'); one from inside is
 *    dropped (stream 1 has it); then the recipient's region and the recipient are drawn among the
 *    slice's users. The attempts come at L(t) c_max and are thinned by sum q / (Z c_max) when they
 *    are scheduled. Until session 10 each attempt drew its sender first and kept it with
 *    probability c(r') / c_max: for a part in a small region almost every attempt was one kernel
 *    event and a sender drawn for nothing (global-2025's North American part: 2.3 M of its 5.6 M
 *    events, 2.3 s of its 13.8 s).
 *
 * Z(t) counts users outside the slice online as the outside model does (each device online with
 * the region's share): Z(t) = sum_r W_r (1 - E[(1 - f_r(t))^devices]). What this leaves out, all
 * below one part in N_r: the sender never being its own recipient (1 / N_r), and the cap of 64
 * sender draws (0.8^64 at 20% online).
 */
import type { ResolvedScenario } from '../scenario/resolved.js';
import type { ZipfDistribution } from '../sim/distributions/index.js';
import type { FeistelPermutation } from './feistel-permutation.js';
import type { Population } from './population.js';
import { SliceUserSampler, type SliceUserList } from './slice-users.js';

/** Ranks whose region is looked up one by one when weighing the regions; the rest by expectation. */
const TOP_RANKS_WEIGHED = 65_536;

export interface RankModel {
  senderZipf: ZipfDistribution | null;
  senderRanks: FeistelPermutation;
  recipientZipf: ReadonlyArray<ZipfDistribution | null>;
  recipientRanks: readonly FeistelPermutation[];
}

export class SliceOneToOne {
  /** The slice's users by activity weight (stream 1's senders). */
  readonly senders: SliceUserSampler;
  /** Per region, the slice's users there by popularity (stream 2's recipients). */
  readonly recipients: SliceUserSampler[];
  /** W_S: the slice's share of the activity weight. */
  readonly senderWeightShare: number;
  /** c(r') by sender region, and its largest value c_max. */
  readonly insideRecipientBySenderRegion: Float64Array;
  readonly insideRecipientMax: number;
  /** W_r: each region's share of the activity weight. */
  private readonly regionWeightShare: Float64Array;
  /** [r' R + r]: P(recipient region r | sender region r') x the slice's share of r's popularity. */
  private readonly insideRecipient: Float64Array;
  private readonly devicesPerUser: ResolvedScenario['workload']['devicesPerUser'];
  private readonly regionCount: number;

  constructor(scenario: ResolvedScenario, population: Population, slice: SliceUserList, ranks: RankModel) {
    const regions = scenario.regions;
    const r = regions.length;
    this.regionCount = r;
    this.devicesPerUser = scenario.workload.devicesPerUser;
    const senderZipf = ranks.senderZipf;
    this.senders = new SliceUserSampler(slice.users, 0, slice.users.length, senderZipf === null ? null : { ranks: ranks.senderRanks, firstUserId: 0, skew: senderZipf.s });
    this.senderWeightShare = senderZipf === null ? slice.users.length / population.users : this.senders.weight * senderZipf.probabilityOfRank1;
    this.regionWeightShare = regionWeightShares(scenario, population, senderZipf, ranks.senderRanks);
    this.recipients = regions.map((region) => {
      const zipf = ranks.recipientZipf[region.index] ?? null;
      const rankModel = zipf === null ? null : { ranks: ranks.recipientRanks[region.index]!, firstUserId: region.userIdFirst, skew: zipf.s };
      return new SliceUserSampler(slice.users, slice.regionStart[region.index]!, slice.regionStart[region.index + 1]!, rankModel);
    });
    const insideShare = regions.map((region, i) => {
      const zipf = ranks.recipientZipf[region.index] ?? null;
      if (region.users === 0) return 0;
      return zipf === null ? this.recipients[i]!.count / region.users : this.recipients[i]!.weight * zipf.probabilityOfRank1;
    });
    const sameRegion = scenario.workload.recipients.sameRegionFraction;
    this.insideRecipient = new Float64Array(r * r);
    this.insideRecipientBySenderRegion = new Float64Array(r);
    for (const from of regions) {
      let total = 0;
      for (const to of regions) {
        let p: number;
        if (r === 1) p = 1;
        else if (to === from) p = sameRegion;
        else p = population.users > from.users ? ((1 - sameRegion) * to.users) / (population.users - from.users) : 0;
        if (to === from && to.users < 2) p = 0; // nobody else to write to (workload.pickRecipient)
        const rate = p * insideShare[to.index]!;
        this.insideRecipient[from.index * r + to.index] = rate;
        total += rate;
      }
      this.insideRecipientBySenderRegion[from.index] = total;
    }
    this.insideRecipientMax = Math.max(0, ...this.insideRecipientBySenderRegion);
  }

  /**
   * Z: the share of the activity weight that is online, given each region's share of devices
   * online. A user is online when any of its devices is.
   */
  onlineWeightShare(deviceOnlineFraction: (regionIndex: number) => number): number {
    let z = 0;
    for (let i = 0; i < this.regionCount; i++) z += this.regionWeightShare[i]! * this.userOnlineFraction(deviceOnlineFraction(i));
    return z;
  }

  /**
   * Stream 2's sender regions at a time: q_r' = W_r' U_r' c(r') (see the top), as running totals
   * into `cumulative` (an entry a region). Returns the share of stream 2's attempts that send,
   * sum q / (Z c_max), or 0 when nobody is online.
   */
  insideRecipientSenders(deviceOnlineFraction: (regionIndex: number) => number, cumulative: Float64Array): number {
    let online = 0;
    let total = 0;
    for (let i = 0; i < this.regionCount; i++) {
      const weightOnline = this.regionWeightShare[i]! * this.userOnlineFraction(deviceOnlineFraction(i));
      online += weightOnline;
      total += weightOnline * this.insideRecipientBySenderRegion[i]!;
      cumulative[i] = total;
    }
    return online > 0 && this.insideRecipientMax > 0 ? total / (online * this.insideRecipientMax) : 0;
  }

  /** A sender region in proportion to q, from insideRecipientSenders' running totals; `u` uniform in [0, 1). -1 when all are 0. */
  insideRecipientSenderRegion(cumulative: Float64Array, u: number): number {
    const point = u * cumulative[this.regionCount - 1]!;
    let last = -1;
    for (let i = 0; i < this.regionCount; i++) {
      const before = i === 0 ? 0 : cumulative[i - 1]!;
      if (cumulative[i]! <= before) continue;
      last = i;
      if (point < cumulative[i]!) return i;
    }
    return last;
  }

  /** W_r: a region's share of the activity weight. */
  regionWeight(regionIndex: number): number {
    return this.regionWeightShare[regionIndex] ?? 0;
  }

  /** 1 - E[(1 - f)^devices]: a user's chance of having a device online. */
  userOnlineFraction(f: number): number {
    let offline = 0;
    for (const { devices, fraction } of this.devicesPerUser) offline += fraction * Math.pow(1 - f, devices);
    return 1 - offline;
  }

  /** A recipient region for a sender of region `from`, in proportion to insideRecipient; `u` uniform in [0, 1). */
  recipientRegion(from: number, u: number): number {
    const r = this.regionCount;
    let point = u * this.insideRecipientBySenderRegion[from]!;
    let last = -1;
    for (let to = 0; to < r; to++) {
      const rate = this.insideRecipient[from * r + to]!;
      if (rate <= 0) continue;
      last = to;
      if ((point -= rate) < 0) return to;
    }
    return last;
  }
}

/**
 * W_r: each region's share of the senders' activity weight. Uniform senders: its share of users.
 * By rank: the top ranks' users are looked up (they carry the weight that chance would spread
 * unevenly), the rest shared in proportion to the users left in each region.
 */
function regionWeightShares(scenario: ResolvedScenario, population: Population, zipf: ZipfDistribution | null, ranks: FeistelPermutation): Float64Array {
  const regions = scenario.regions;
  const shares = new Float64Array(regions.length);
  const users = population.users;
  if (users === 0) return shares;
  if (zipf === null) {
    for (const region of regions) shares[region.index] = region.users / users;
    return shares;
  }
  const top = Math.min(users, TOP_RANKS_WEIGHED);
  const topCount = new Float64Array(regions.length);
  let topWeight = 0;
  for (let rank = 1; rank <= top; rank++) {
    const region = population.regionOf(ranks.forward(rank - 1)).index;
    const w = zipf.probability(rank);
    shares[region] += w;
    topCount[region]++;
    topWeight += w;
  }
  const rest = Math.max(0, 1 - topWeight);
  if (users > top) for (const region of regions) shares[region.index] += (rest * (region.users - topCount[region.index]!)) / (users - top);
  return shares;
}
