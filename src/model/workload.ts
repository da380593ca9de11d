/**
 * The offered load: an open-loop Poisson stream of messages (it does not slow down when the
 * deployment does), each from an online device of a sender to a recipient or a group, with sizes
 * drawn from the scenario. Every draw here comes from the workload's own streams and happens at an
 * arrival, so the messages offered are the same whatever the deployment does with them (DESIGN.md
 * section 5).
 *
 * Slice fidelity offers the whole deployment's load too (its rates and mix are the full
 * deployment's), but draws only the messages that touch the slice, from the rates at which they
 * do: four Poisson streams of attempts (slice-one-to-one.ts for one-to-one messages sent from
 * inside and into it, slice-groups.ts for groups with members inside or homed there). The full
 * stream below is not drawn at all in a slice.
 */
import { groupSendFrame, sendFrame, type ClientFrame } from '../core/frames.js';
import { deviceKeyOf } from '../core/ids.js';
import type { ResolvedRegion, ResolvedScenario } from '../scenario/resolved.js';
import { ZipfDistribution, type Distribution } from '../sim/distributions/index.js';
import { hash64Uint32, type RandomStream } from '../sim/random.js';
import type { Simulator } from '../sim/simulator.js';
import { NS_PER_S } from '../sim/time.js';
import { sizeDistribution } from './distribution-of.js';
import { FeistelPermutation } from './feistel-permutation.js';
import type { Population } from './population.js';
import { SliceGroups, type InsideTest } from './slice-groups.js';
import { SliceOneToOne } from './slice-one-to-one.js';
import type { SliceUserList } from './slice-users.js';
import { DOUBLE_ZERO, emptyDoubleArray } from '../sim/stable-shapes.js';

/**
 * Draws to find an online sender (or a recipient other than the sender) before giving up: at 10%
 * online, 64 draws by activity rank all miss 0.1% of the time (16 missed 18.5%).
 */
const DRAWS_MAX = 64;
/**
 * Draws of everyone's senders to find one of a given region (stream 2): 1 / W_r expected, so a
 * region with a millionth of the activity weight would need a million. A bound that is never met
 * in practice; met, the message counts as one whose sender was offline.
 */
const REGION_SENDER_DRAWS_MAX = 1 << 22;
const SALT_SENDER_RANK = 11;
const SALT_RECIPIENT_RANK = 12;
const SECONDS_PER_DAY = 86_400;
/**
 * How often a slice recomputes Z and Z_g, the online weights its direct streams are thinned by:
 * every 10 simulated ms. The online shares move by about 10^-6 of themselves in that time, far
 * below a run's sampling noise, and Z_g (a sum over every group size class of every region, some
 * 5,000 terms in global-2025) cost 1.0 s of a 40 s slice part when recomputed every millisecond.
 */
const ONLINE_WEIGHT_PERIOD_NS = 10_000_000;
/**
 * Periods whose Z and Z_g are kept, direct-mapped by the period's low bits: the direct streams ask
 * at their next candidates' times, each often in a period of its own, and at the present. With the
 * last period alone kept, global-2025's part recomputed Z_g 14,668 times for 6,300 periods (some
 * 0.7 s of an 11.6 s part).
 */
const PERIOD_SLOTS = 4; // a power of two: a slot is the period's low bits

/** What the workload needs of the deployment it loads. */
export interface WorkloadHost {
  /** The share of the region's users online at a time. */
  onlineFractionAt(region: ResolvedRegion, atNs: number): number;
  /** An online device slot of the user, trying slots from `start` on, or -1. */
  onlineSlotOf(user: number, start: number): number;
  nextClientSeq(deviceKey: number): number;
  sendFromDevice(deviceKey: number, frame: ClientFrame): void;
  noteMessageSent(deviceKey: number, seq: number, copies: number, isGroup: boolean): void;
  /** An arrival of the offered load not sent: no device online to send it, or no one to send it to. */
  noteUnsent(): void;
  /** Whether some chat servers are outside the simulation (slice fidelity, or a part of one). */
  readonly isSlice: boolean;
  /** Slice fidelity: whether the user is homed on a simulated server (always true in full). */
  isSimulatedUser(user: number): boolean;
  /** The share of the user's region online at a time (ns; default now). */
  onlineFractionOf(user: number, atNs?: number): number;
  /** Slice fidelity: a message from a device homed outside the slice; returns its client seq. */
  messageFromOutside(senderKey: number, recipientUser: number, bytes: number): number;
  /** Slice fidelity: a group message from a device homed outside the slice; returns its client seq. */
  groupMessageFromOutside(senderKey: number, groupId: number, members: readonly number[], bytes: number): number;
  /** Slice fidelity: whether a group's home server is simulated. */
  isGroupHomedInside(groupId: number): boolean;
  /** Slice fidelity: whether the user at a position of the slice's user list has a device online. */
  sliceUserOnline(position: number): boolean;
  /** A user with a device online, uniformly (full fidelity), or -1 when nobody is online. */
  randomOnlineUser(rng: RandomStream): number;
  /** Makes a group exist at its home before its first message (groups predate the run). */
  ensureGroup(groupId: number, members: readonly number[]): void;
}

/**
 * Slice fidelity: the slice's users, and the streams its one-to-one messages are drawn from
 * (slice-one-to-one.ts): one for those sent from inside, one for those sent into it.
 */
export interface SliceDirect {
  users: SliceUserList;
  /** The slice's servers (their indices). */
  servers: readonly number[];
  sendersInside: RandomStream;
  recipientsInside: RandomStream;
  groupsInside: RandomStream;
  groupsHomedInside: RandomStream;
}

export class Workload implements InsideTest {
  private readonly scenario: ResolvedScenario;
  private readonly population: Population;
  private readonly sim: Simulator;
  private readonly host: WorkloadHost;
  /**
   * Draws of a message: the workload's stream, or in a slice the stream of the direct stream whose
   * message is being drawn.
   */
  private rng: RandomStream;
  /** Gaps between arrivals: the workload's stream (the same object as `rng` in full fidelity). */
  private readonly gaps: RandomStream;
  private readonly kindArrival: number;
  /** The offered rate's highest value over the run (per ns). */
  private readonly arrivalRatePerNs: number;
  /**
   * Candidates arrive at this rate (per ns): the offered rate's highest, or in a slice the group
   * messages' share of it (its one-to-one messages come from the direct streams).
   */
  private readonly candidateRatePerNs: number;
  /** Slice fidelity: its one-to-one messages' rates and samplers, their streams and event kinds. */
  private readonly direct: SliceOneToOne | null = null;
  private readonly directDraws: SliceDirect | null;
  private readonly kindSenderInside: number = -1;
  private readonly kindRecipientInside: number = -1;
  /** Slice fidelity: the groups that reach it (slice-groups.ts), their event kind, rate and bound. */
  private readonly groupsDirect: SliceGroups | null = null;
  private readonly kindGroupInside: number = -1;
  private readonly groupInsideRatePerNs: number = DOUBLE_ZERO;
  private readonly kindGroupHomedInside: number = -1;
  private readonly groupHomedInsideRatePerNs: number = DOUBLE_ZERO;
  /** B_g: a bound on L(t) / (L_max Z_g(t)) over the run (as senderAttemptBound for groups). */
  private readonly groupAttemptBound: number = DOUBLE_ZERO;
  /** Z_g by period slot, and the period each slot holds (onlineGroupWeightAt). */
  private readonly onlineGroupWeights = new Float64Array(PERIOD_SLOTS);
  private readonly onlineGroupWeightPeriods = new Float64Array(PERIOD_SLOTS).fill(-1);
  /** The direct streams' candidate rates (per ns). */
  private readonly senderInsideRatePerNs: number = DOUBLE_ZERO;
  private readonly recipientInsideRatePerNs: number = DOUBLE_ZERO;
  /** B: a bound on L(t) / (L_max Z(t)) over the run; stream 1's candidates come at L_max B W_S. */
  private readonly senderAttemptBound: number = DOUBLE_ZERO;
  /** Z by period slot, and the period (ONLINE_WEIGHT_PERIOD_NS) each slot holds (onlineWeightSlot). */
  private readonly onlineWeights = new Float64Array(PERIOD_SLOTS);
  private readonly onlineWeightPeriods = new Float64Array(PERIOD_SLOTS).fill(-1);
  /**
   * Stream 2's sender regions for the same periods: their running totals of q (slice-one-to-one.ts),
   * a view a slot, and the share of its attempts that send.
   */
  private readonly recipientSenders: Float64Array[];
  private readonly recipientKeeps = new Float64Array(PERIOD_SLOTS);
  /** Whether the offered rate is the same throughout (no thinning draw then). */
  private readonly rateIsConstant: boolean;
  /**
   * The offered rate where it bends (each region's whole local hours, and the run's ends) and its
   * values there: between two of them it is linear (a sum of linear diurnal curves), so thinning
   * reads it off its segment instead of summing the regions' curves for every candidate.
   */
  private readonly rateTimesNs: Float64Array;
  private readonly ratesPerSecond: Float64Array;
  /** The segment the last candidate fell in (candidates come in time order). */
  private rateSegment = 0;
  private readonly textBytes: Distribution;
  private readonly mediaBytes: Distribution;
  /** Activity ranks of senders (perUserPerDay with a zipf skew), or null for uniform senders. */
  private readonly senderZipf: ZipfDistribution | null;
  /** Popularity ranks of recipients per region, or null entries for uniform recipients. */
  private readonly recipientZipf: Array<ZipfDistribution | null>;
  /** Which user holds an activity rank (over all users), and a popularity rank (per region). */
  private readonly senderRanks: FeistelPermutation;
  private readonly recipientRanks: FeistelPermutation[];
  /** Groups that have been created (by their first sender), with their members. */
  private readonly groupsCreated = new Map<number, readonly number[]>();
  /** Slice fidelity: only messages that touch a simulated server are generated in detail. */
  private readonly slice: boolean;
  /** isInside's last user (-1: none yet) and its answer (whether it is homed in the slice). */
  private insideUser = DOUBLE_ZERO - 1;
  private insideAnswer = false;
  /** Per region, the online share last computed and the time (ns) it was computed for. */
  private readonly fraction: Float64Array;
  private readonly fractionAtNs: Float64Array;

  /**
   * `rng` is the workload's stream; `sliceDirect` a slice's users and streams (null in full
   * fidelity). What the workload asks of the deployment goes through `host`, an object with
   * methods, not closures (server-ports.ts says why).
   */
  constructor(
    scenario: ResolvedScenario,
    population: Population,
    sim: Simulator,
    rng: RandomStream,
    host: WorkloadHost,
    sliceDirect: SliceDirect | null = null,
  ) {
    this.scenario = scenario;
    this.population = population;
    this.sim = sim;
    this.host = host;
    this.slice = host.isSlice;
    if (this.slice && sliceDirect === null) throw new Error('workload: a slice needs its users and direct streams (broken invariant)');
    this.gaps = rng;
    this.rng = rng;
    this.textBytes = sizeDistribution(scenario.workload.sizes.text.sizeBytes);
    this.mediaBytes = sizeDistribution(scenario.workload.sizes.media.sizeBytes);
    this.kindArrival = sim.register('workload.arrival', () => this.onArrival());
    this.fraction = new Float64Array(scenario.regions.length);
    this.fractionAtNs = new Float64Array(scenario.regions.length).fill(-1);
    this.recipientSenders = Array.from({ length: PERIOD_SLOTS }, () => new Float64Array(scenario.regions.length));
    let lowest = Infinity;
    let highest = 0;
    const breakpoints = [...new Set(this.rateBreakpointsNs())].sort((a, b) => a - b);
    this.rateTimesNs = Float64Array.from(breakpoints);
    this.ratesPerSecond = Float64Array.from(breakpoints, (atNs) => this.offeredPerSecondAt(atNs));
    for (const rate of this.ratesPerSecond) {
      lowest = Math.min(lowest, rate);
      highest = Math.max(highest, rate);
    }
    this.arrivalRatePerNs = highest / NS_PER_S;
    this.rateIsConstant = lowest === highest;
    const groupShare = population.groups > 0 ? scenario.workload.groups.fraction : 0;
    // A slice draws all its messages from the direct streams.
    this.candidateRatePerNs = this.slice ? 0 : this.arrivalRatePerNs;
    const arrivals = scenario.workload.arrivals;
    this.senderZipf = arrivals.kind === 'perUserPerDay' && arrivals.senderZipfSkew > 0 ? new ZipfDistribution(arrivals.senderZipfSkew, population.users) : null;
    const recipients = scenario.workload.recipients;
    this.recipientZipf = scenario.regions.map((r) => (recipients.pick === 'zipf' && recipients.zipfSkew > 0 && r.users > 0 ? new ZipfDistribution(recipients.zipfSkew, r.users) : null));
    const seed = scenario.seed >>> 0;
    this.senderRanks = new FeistelPermutation(Math.max(1, population.users), hash64Uint32(seed, 0, SALT_SENDER_RANK));
    this.recipientRanks = scenario.regions.map((r) => new FeistelPermutation(Math.max(1, r.users), hash64Uint32(seed, r.index, SALT_RECIPIENT_RANK)));
    this.directDraws = this.slice ? sliceDirect : null;
    if (this.directDraws !== null) {
      const ranks = { senderZipf: this.senderZipf, senderRanks: this.senderRanks, recipientZipf: this.recipientZipf, recipientRanks: this.recipientRanks };
      const direct = new SliceOneToOne(scenario, population, this.directDraws.users, ranks);
      this.direct = direct;
      this.kindSenderInside = sim.register('workload.sender-inside', () => this.onSenderInside());
      this.kindRecipientInside = sim.register('workload.recipient-inside', () => this.onRecipientInside());
      const oneToOneRatePerNs = this.arrivalRatePerNs * (1 - groupShare);
      this.senderAttemptBound = this.senderAttemptBoundOf(direct);
      this.senderInsideRatePerNs = oneToOneRatePerNs * this.senderAttemptBound * direct.senderWeightShare;
      this.recipientInsideRatePerNs = oneToOneRatePerNs * direct.insideRecipientMax;
      if (groupShare > 0) {
        const groups = new SliceGroups(population, this.directDraws.users, this.directDraws.servers);
        this.groupsDirect = groups;
        this.kindGroupInside = sim.register('workload.group-inside', () => this.onGroupInside());
        this.groupAttemptBound = this.attemptBoundOf(
          (fractionOf) => groups.onlineGroupShare((i) => direct.userOnlineFraction(fractionOf(i))),
          (region) => population.regionGroups[region]!.groups / population.groups,
        );
        this.groupInsideRatePerNs = ((this.arrivalRatePerNs * groupShare * groups.slotsInside) / population.groups) * this.groupAttemptBound;
        this.kindGroupHomedInside = sim.register('workload.group-homed-inside', () => this.onGroupHomedInside());
        this.groupHomedInsideRatePerNs = ((this.arrivalRatePerNs * groupShare * groups.groupsHomedInside) / population.groups) * this.groupAttemptBound;
      }
    }
  }

  /** Schedules the first arrival of each stream. */
  start(): void {
    if (this.hasArrivals) this.scheduleNext(this.sim.nowNs);
    if (this.direct !== null) {
      this.scheduleDirect(this.kindSenderInside, this.senderInsideRatePerNs, this.directDraws!.sendersInside, this.sim.nowNs);
      this.scheduleDirect(this.kindRecipientInside, this.recipientInsideRatePerNs, this.directDraws!.recipientsInside, this.sim.nowNs);
      if (this.groupsDirect !== null) {
        this.scheduleDirect(this.kindGroupInside, this.groupInsideRatePerNs, this.directDraws!.groupsInside, this.sim.nowNs);
        this.scheduleDirect(this.kindGroupHomedInside, this.groupHomedInsideRatePerNs, this.directDraws!.groupsHomedInside, this.sim.nowNs);
      }
    }
  }

  /** Whether any candidate message arrives at all (a rate above 0 at some time of the run). */
  get hasArrivals(): boolean {
    return this.candidateRatePerNs > 0;
  }

  /**
   * B for stream 1 (slice-one-to-one.ts): L(t) / (L_max Z(t)) <= B throughout the run. Z is lowest
   * where every region's online share is (the shares are linear between the rate's breakpoints,
   * and Z grows with each); and as a user with f of its devices online is online with chance at
   * least f, L / Z is also at most max_r a_r / W_r when the rate is sum_r a_r f_r (per user per day).
   */
  private senderAttemptBoundOf(direct: SliceOneToOne): number {
    return this.attemptBoundOf((fractionOf) => direct.onlineWeightShare(fractionOf), (region) => direct.regionWeight(region));
  }

  /**
   * `online(fractionOf)` is Z given each region's device online share, growing with each;
   * `regionShare(r)` the region's share of what Z averages (weight or groups). Z is lowest where
   * every region's online share is (the shares are linear between the rate's breakpoints); and as a
   * user or group with f of its devices online is online with chance at least f, L / Z is also at
   * most max_r a_r / share_r when the rate is sum_r a_r f_r (per user per day).
   */
  private attemptBoundOf(online: (fractionOf: (regionIndex: number) => number) => number, regionShare: (regionIndex: number) => number): number {
    const regions = this.scenario.regions;
    const lowest = regions.map((region) => Math.min(...Array.from(this.rateTimesNs, (atNs) => this.host.onlineFractionAt(region, atNs))));
    const onlineLowest = online((i) => lowest[i]!);
    const highestPerSecond = this.arrivalRatePerNs * NS_PER_S;
    let bound = onlineLowest > 0 ? 1 / onlineLowest : Infinity;
    const arrivals = this.scenario.workload.arrivals;
    if (arrivals.kind === 'perUserPerDay') {
      let ratio = 0;
      for (const region of regions) {
        if (region.online.fractionMean <= 0 || region.users === 0) continue;
        const perOnlineShare = (region.users * arrivals.messagesPerUserPerDayMean) / SECONDS_PER_DAY / region.online.fractionMean;
        const share = regionShare(region.index);
        ratio = Math.max(ratio, share > 0 ? perOnlineShare / share : Infinity);
      }
      bound = Math.min(bound, ratio / highestPerSecond);
    }
    // Nobody online anywhere at some time, with a rate that does not follow the online share (a
    // constant messagesPerSecond): no finite bound; such a run's attempts are thinned against a
    // share online of 1 in 10^6 instead (a message more would need more online than that).
    return Number.isFinite(bound) ? bound : 1e6;
  }

  /** Schedules a direct stream's next candidate after `fromNs`, thinned by time (none past the end). */
  private scheduleDirect(kind: number, ratePerNs: number, rng: RandomStream, fromNs: number): void {
    if (!(ratePerNs > 0)) return;
    let atNs = fromNs;
    for (;;) {
      atNs += Math.max(1, Math.round(rng.nextExponential() / ratePerNs));
      if (atNs > this.scenario.durationNs) return;
      if (rng.nextFloat() < this.directKeepShare(kind, atNs)) break;
    }
    this.sim.scheduleAt(atNs, kind, 0);
  }

  /**
   * The share of a direct stream's candidates kept at a time: L(t) / L_max; for stream 1 over Z(t) B,
   * for stream 2 times sum q / (Z c_max) (slice-one-to-one.ts), for the group streams over Z_g(t) B_g.
   */
  private directKeepShare(kind: number, atNs: number): number {
    const byRate = this.rateIsConstant ? 1 : this.offeredRateOnSegment(atNs) / (this.arrivalRatePerNs * NS_PER_S);
    if (kind === this.kindSenderInside) return byRate / (this.onlineWeights[this.onlineWeightSlot(atNs)]! * this.senderAttemptBound);
    if (kind === this.kindGroupInside || kind === this.kindGroupHomedInside) return byRate / (this.onlineGroupWeightAt(atNs) * this.groupAttemptBound);
    if (kind === this.kindRecipientInside) return byRate * this.recipientKeeps[this.onlineWeightSlot(atNs)]!;
    return byRate;
  }

  /** Z_g at a time, once per period (as onlineWeightSlot; a sum over every size class of each region). */
  private onlineGroupWeightAt(atNs: number): number {
    const period = Math.floor(atNs / ONLINE_WEIGHT_PERIOD_NS);
    const slot = period & (PERIOD_SLOTS - 1);
    if (this.onlineGroupWeightPeriods[slot] !== period) {
      const regions = this.scenario.regions;
      const periodNs = period * ONLINE_WEIGHT_PERIOD_NS;
      const direct = this.direct!;
      this.onlineGroupWeightPeriods[slot] = period;
      this.onlineGroupWeights[slot] = this.groupsDirect!.onlineGroupShare((i) => direct.userOnlineFraction(this.host.onlineFractionAt(regions[i]!, periodNs)));
    }
    return this.onlineGroupWeights[slot]!;
  }

  /** Stream 3: an attempt at a group that reaches the slice; it is written to if a member is online. */
  private onGroupInside(): void {
    const draws = this.directDraws!.groupsInside;
    this.scheduleDirect(this.kindGroupInside, this.groupInsideRatePerNs, draws, this.sim.nowNs);
    this.rng = draws;
    const groupId = this.groupsDirect!.drawGroup(draws, this, this.drawnMembers);
    if (groupId >= 0) {
      const members = this.groupsCreated.get(groupId) ?? this.drawnMembers;
      // A group of one distinct member (slots that fell on one user, in a tiny region) sends nothing.
      if (members.length >= 2) this.groupAttempt(groupId, members);
    }
    this.rng = this.gaps;
  }

  /**
   * The slot that holds Z (and stream 2's q) for a time, computed once per period
   * (ONLINE_WEIGHT_PERIOD_NS): Z's sum of powers per region cost 0.7 s of a 40 s slice part when
   * computed for every attempt.
   */
  private onlineWeightSlot(atNs: number): number {
    const period = Math.floor(atNs / ONLINE_WEIGHT_PERIOD_NS);
    const slot = period & (PERIOD_SLOTS - 1);
    if (this.onlineWeightPeriods[slot] !== period) {
      const regions = this.scenario.regions;
      const periodNs = period * ONLINE_WEIGHT_PERIOD_NS;
      this.onlineWeightPeriods[slot] = period;
      const fractionOf = (i: number) => this.host.onlineFractionAt(regions[i]!, periodNs);
      this.onlineWeights[slot] = this.direct!.onlineWeightShare(fractionOf);
      this.recipientKeeps[slot] = this.direct!.insideRecipientSenders(fractionOf, this.recipientSenders[slot]!);
    }
    return slot;
  }

  /** Stream 1: an attempt at a slice user drawn by activity; it sends if online. */
  private onSenderInside(): void {
    const draws = this.directDraws!.sendersInside;
    this.scheduleDirect(this.kindSenderInside, this.senderInsideRatePerNs, draws, this.sim.nowNs);
    this.rng = draws;
    // Most attempts find their user offline (two in three in global-2025): asked of the user's
    // position first, one byte, before its devices' records are read.
    const position = this.direct!.senders.samplePosition(draws);
    const sender = position >= 0 && this.host.sliceUserOnline(position) ? this.directDraws!.users.users[position]! : -1;
    const slot = sender < 0 ? -1 : this.onlineDeviceOf(sender);
    if (slot >= 0) {
      const recipient = this.pickRecipient(sender);
      if (recipient >= 0) this.sendOneToOneFrom(sender, slot, recipient);
    }
    this.rng = this.gaps;
  }

  /**
   * Stream 2: a sender drawn as in the full model; from outside the slice, kept with the chance
   * that its recipient is inside, which is then drawn among the slice's users.
   */
  private onRecipientInside(): void {
    const draws = this.directDraws!.recipientsInside;
    this.scheduleDirect(this.kindRecipientInside, this.recipientInsideRatePerNs, draws, this.sim.nowNs);
    this.rng = draws;
    this.sendIntoSlice(draws);
    this.rng = this.gaps;
  }

  /** Stream 2's message (slice-one-to-one.ts): a sender region by q, a sender of it online, a recipient inside. */
  private sendIntoSlice(draws: RandomStream): void {
    const direct = this.direct!;
    const q = this.recipientSenders[this.onlineWeightSlot(this.sim.nowNs)]!; // this period's
    const from = direct.insideRecipientSenderRegion(q, draws.nextFloat());
    if (from < 0) return;
    // A sender of region `from` as the full model draws one: everyone's draw, keeping those of
    // `from` (1 / W_from draws each), until one is online (DRAWS_MAX of them asked, as elsewhere).
    let sender = -1;
    let slot = -1;
    for (let asked = 0, drawn = 0; asked < DRAWS_MAX && slot < 0 && drawn < REGION_SENDER_DRAWS_MAX; drawn++) {
      sender = this.pickSender();
      if (this.population.regionOf(sender).index !== from) continue;
      asked++;
      slot = this.onlineDeviceOf(sender);
    }
    if (slot < 0) return this.host.noteUnsent();
    if (this.isInside(sender)) return; // stream 1's
    const region = direct.recipientRegion(from, draws.nextFloat());
    const recipient = region < 0 ? -1 : direct.recipients[region]!.sample(draws);
    if (recipient >= 0) this.sendOneToOneFrom(sender, slot, recipient);
  }

  /** Messages offered per second at a time (ns from the start; negative before it). */
  offeredPerSecondAt(atNs: number): number {
    return this.totalArrivalRatePerSecond((region) => this.host.onlineFractionAt(region, atNs));
  }

  /** offeredPerSecondAt for a time in the run, from the linear segment it falls in. */
  private offeredRateOnSegment(atNs: number): number {
    const times = this.rateTimesNs;
    let i = this.rateSegment;
    if (atNs < times[i]!) i = 0;
    while (i + 2 < times.length && atNs >= times[i + 1]!) i++;
    this.rateSegment = i;
    const t0 = times[i]!;
    const t1 = times[i + 1] ?? t0;
    const r0 = this.ratesPerSecond[i]!;
    return t1 > t0 ? r0 + ((this.ratesPerSecond[i + 1]! - r0) * (atNs - t0)) / (t1 - t0) : r0;
  }

  /**
   * The times in the run where the offered rate can peak: its ends, and each region's whole local
   * hours, where the diurnal curve (linear between them) bends. The rate's highest value over the
   * run is at one of them.
   */
  private rateBreakpointsNs(): number[] {
    const durationNs = this.scenario.durationNs;
    const times = [0, durationNs];
    const hourMs = 3_600_000;
    for (const region of this.scenario.regions) {
      const localStartMs = this.scenario.startUtcMs + region.utcOffsetMinutes * 60_000;
      let atMs = Math.ceil(localStartMs / hourMs) * hourMs - localStartMs;
      for (; atMs * 1e6 < durationNs; atMs += hourMs) times.push(atMs * 1e6);
    }
    return times;
  }

  /**
   * Messages per second: the scenario's stream, or the users' daily mean scaled by how many are
   * online (messages come from online users), as the diurnal curve moves during the run.
   */
  totalArrivalRatePerSecond(onlineFractionAt: (region: ResolvedRegion) => number): number {
    const arrivals = this.scenario.workload.arrivals;
    if (arrivals.kind === 'totalPerSecond') return arrivals.messagesPerSecond;
    let rate = 0;
    for (const region of this.scenario.regions) {
      const onlineRatio = region.online.fractionMean > 0 ? onlineFractionAt(region) / region.online.fractionMean : 0;
      rate += ((region.users * arrivals.messagesPerUserPerDayMean) / SECONDS_PER_DAY) * onlineRatio;
    }
    return rate;
  }

  private nextArrivalGapNs(): number {
    return Math.max(1, Math.round(this.gaps.nextExponential() / this.candidateRatePerNs));
  }

  private onArrival(): void {
    this.scheduleNext(this.sim.nowNs);
    this.sendMessage();
  }

  private sendMessage(): void {
    if (this.population.groups > 0 && this.rng.nextFloatBelow(this.scenario.workload.groups.fraction)) this.sendGroupMessage();
    else this.sendOneToOne();
  }

  /**
   * Schedules the next arrival after `fromNs` (none past the end of the run). Candidates come at the
   * run's highest rate and each is kept with the rate at its time over that (thinning: Lewis and
   * Shedler, 1979), so the stream follows the diurnal curve.
   */
  private scheduleNext(fromNs: number): void {
    let atNs = fromNs;
    for (;;) {
      atNs += this.nextArrivalGapNs();
      if (atNs > this.scenario.durationNs) return;
      if (this.rateIsConstant || this.gaps.nextFloat() * this.arrivalRatePerNs * NS_PER_S < this.offeredRateOnSegment(atNs)) break;
    }
    this.sim.scheduleAt(atNs, this.kindArrival, 0);
  }

  /**
   * A sender: uniform over all users, or by activity rank when senders are Zipf-skewed. Ranks go to
   * users through a keyed permutation, so the busiest users are scattered over ids and servers, and
   * a slice can list its own users' ranks (slice-users.ts).
   */
  private pickSender(): number {
    if (this.senderZipf === null) return this.rng.nextInt(this.population.users);
    return this.senderRanks.forward(this.senderZipf.sample(this.rng) - 1);
  }

  /** A recipient in a region: uniform, or by popularity rank when recipients are Zipf-skewed. */
  private pickRecipientIn(region: ResolvedRegion): number {
    const zipf = this.recipientZipf[region.index];
    if (zipf === null || zipf === undefined) return region.userIdFirst + this.rng.nextInt(region.users);
    return region.userIdFirst + this.recipientRanks[region.index]!.forward(zipf.sample(this.rng) - 1);
  }

  /** An online device of the user, from a random first slot, or -1. */
  private onlineDeviceOf(user: number): number {
    const count = this.population.deviceCountOf(user);
    const start = count > 1 ? this.rng.nextInt(count) : 0;
    if (this.isInside(user)) return this.host.onlineSlotOf(user, start);
    return this.onlineSlotOutside(user, count, start);
  }

  /**
   * Homed outside the slice: its sessions are not simulated, so each of its devices is online with
   * the region's share, and the first online one from `start` sends, as inside (a user with
   * companions is online more often than one device is).
   */
  private onlineSlotOutside(user: number, count: number, start: number): number {
    const fraction = this.onlineFractionOfRegion(this.population.regionOf(user), this.sim.nowNs);
    for (let i = 0; i < count; i++) if (this.rng.nextFloatBelow(fraction)) return (start + i) % count;
    return -1;
  }

  /**
   * The share of a region online at a time, remembered for that time: a message asks it for every
   * outside sender and group member it draws, all at one time.
   */
  private onlineFractionOfRegion(region: ResolvedRegion, atNs: number): number {
    const r = region.index;
    if (this.fractionAtNs[r] !== atNs) {
      this.fractionAtNs[r] = atNs;
      this.fraction[r] = this.host.onlineFractionAt(region, atNs);
    }
    return this.fraction[r]!;
  }

  /** groupAttempt's scratch: the order its members are asked in (grown to the largest group met). */
  private probeOrder = new Int32Array(64);
  /** onGroupInside's scratch: the members of the group drawn (copied if the group is created). */
  private readonly drawnMembers: number[] = emptyDoubleArray();

  /**
   * Whether the user is homed on a simulated server (always in full fidelity). The answer for the
   * last user asked is kept: a message asks about its sender when it looks for an online device
   * and again when it routes.
   */
  isInside(user: number): boolean {
    if (!this.slice) return true;
    if (user !== this.insideUser) {
      this.insideUser = user;
      this.insideAnswer = this.host.isSimulatedUser(user);
    }
    return this.insideAnswer;
  }

  private anyInside(users: readonly number[]): boolean {
    for (const user of users) if (this.isInside(user)) return true;
    return false;
  }

  private messageBytes(): number {
    return this.messageBytesFrom(this.rng);
  }

  /** A message's size (bytes): text or media, from the scenario's size distributions. */
  messageBytesFrom(rng: RandomStream): number {
    const sizes = this.scenario.workload.sizes;
    const dist = rng.nextFloatBelow(sizes.media.fraction) ? this.mediaBytes : this.textBytes;
    return Math.max(1, Math.round(dist.sample(rng)));
  }

  private sendOneToOne(): void {
    let sender = -1;
    let slot = -1;
    if (this.senderZipf === null && !this.slice) {
      // Senders uniform over the users online now: the offered rate holds at any online share.
      sender = this.host.randomOnlineUser(this.rng);
      if (sender >= 0) slot = this.onlineDeviceOf(sender);
    } else {
      // By activity rank (or, in a slice, over users partly outside): draw until one is online.
      for (let i = 0; i < DRAWS_MAX && slot < 0; i++) {
        sender = this.pickSender();
        slot = this.onlineDeviceOf(sender);
      }
    }
    if (slot < 0) return this.host.noteUnsent();
    const recipient = this.pickRecipient(sender);
    // No one to send to (a region of one user): not sent either, and counted so (messages.unsent).
    if (recipient < 0) return this.host.noteUnsent();
    this.sendOneToOneFrom(sender, slot, recipient);
  }

  /** A one-to-one message from an online device (`slot`) of the sender to the recipient. */
  private sendOneToOneFrom(sender: number, slot: number, recipient: number): void {
    const senderInside = this.isInside(sender);
    const recipientInside = this.isInside(recipient);
    if (!senderInside && !recipientInside) return; // between two servers outside the slice
    const deviceKey = deviceKeyOf(sender, slot);
    if (!senderInside) {
      const seq = this.host.messageFromOutside(deviceKey, recipient, this.messageBytes());
      this.host.noteMessageSent(deviceKey, seq, this.population.deviceCountOf(recipient), false);
      return;
    }
    const seq = this.host.nextClientSeq(deviceKey);
    // Every device of the recipient (inside the slice), and the sender's other devices.
    const copies = (recipientInside ? this.population.deviceCountOf(recipient) : 0) + this.population.deviceCountOf(sender) - 1;
    this.host.noteMessageSent(deviceKey, seq, copies, false);
    this.host.sendFromDevice(deviceKey, sendFrame(seq, recipient, this.messageBytes()));
  }

  private pickRecipient(sender: number): number {
    const regions = this.scenario.regions;
    const senderRegion = this.population.regionOf(sender);
    let region = senderRegion;
    if (regions.length > 1 && !this.rng.nextFloatBelow(this.scenario.workload.recipients.sameRegionFraction)) {
      // Another region, in proportion to its users.
      let pick = this.rng.nextFloat() * (this.population.users - senderRegion.users);
      for (const r of regions) {
        if (r === senderRegion) continue;
        region = r;
        if ((pick -= r.users) < 0) break;
      }
    }
    if (region.users < 2 && region === senderRegion) return -1;
    for (let i = 0; i < DRAWS_MAX; i++) {
      const user = this.pickRecipientIn(region);
      if (user !== sender) return user;
    }
    return -1;
  }

  /**
   * A group message comes from an online member: a group is drawn, then its sender uniformly among
   * the members with a device online (each member's device found as for any sender). A group with
   * nobody online is passed over for another (up to DRAWS_MAX draws), so the offered rate holds at
   * any online share: messages come from people who are online, and a group with more of them
   * online is the likelier to be written to.
   */
  private sendGroupMessage(): void {
    for (let draw = 0; draw < DRAWS_MAX; draw++) {
      const groupId = this.rng.nextInt(this.population.groups);
      const members = this.groupsCreated.get(groupId) ?? this.population.groupMembers(groupId);
      if (members.length < 2) return this.sendOneToOne();
      if (this.groupAttempt(groupId, members)) return;
    }
    this.host.noteUnsent();
  }

  /** Stream 4: an attempt at a group homed in the slice with no member there (their fan-out). */
  private onGroupHomedInside(): void {
    const draws = this.directDraws!.groupsHomedInside;
    this.scheduleDirect(this.kindGroupHomedInside, this.groupHomedInsideRatePerNs, draws, this.sim.nowNs);
    this.rng = draws;
    const groupId = this.groupsDirect!.drawGroupHomedInside(draws);
    if (groupId >= 0) {
      const members = this.groupsCreated.get(groupId) ?? this.population.groupMembers(groupId);
      if (members.length >= 2 && !this.anyInside(members)) this.groupAttempt(groupId, members);
    }
    this.rng = this.gaps;
  }

  /**
   * A message to a group from a member online, drawn uniformly; false when nobody is online. The
   * members are asked in a uniformly random order (a partial Fisher-Yates shuffle of their indices)
   * and the first one online sends: given who is online, each of them is equally likely to come
   * first. Asking every member, as a reservoir draw would, cost an online check (and for a member
   * outside a slice, a draw per device) per member of groups of up to 1,024, most of them wasted:
   * about a third of global-2025's group work.
   */
  private groupAttempt(groupId: number, members: readonly number[]): boolean {
    const count = members.length;
    if (this.probeOrder.length < count) this.probeOrder = new Int32Array(Math.max(count, 2 * this.probeOrder.length));
    const order = this.probeOrder;
    for (let i = 0; i < count; i++) order[i] = i;
    for (let k = 0; k < count; k++) {
      const j = k + this.rng.nextInt(count - k);
      const member = members[order[j]!]!;
      order[j] = order[k]!;
      const slot = this.onlineDeviceOf(member);
      if (slot < 0) continue;
      this.sendGroupMessageFrom(groupId, members, member, slot);
      return true;
    }
    return false;
  }

  private sendGroupMessageFrom(groupId: number, candidates: readonly number[], sender: number, slot: number): void {
    let members = this.groupsCreated.get(groupId);
    const senderInside = this.isInside(sender);
    let copies = senderInside ? -1 : 0; // every member device inside the slice but the sending one
    for (const member of candidates) if (this.isInside(member)) copies += this.population.deviceCountOf(member);
    // No member inside the slice, and its home outside: nothing of it reaches the slice.
    if (!senderInside && copies === 0 && !this.host.isGroupHomedInside(groupId)) return;
    const deviceKey = deviceKeyOf(sender, slot);
    if (members === undefined) {
      // Groups predate the run: one used for the first time is made to exist at its home now,
      // before any member's message can reach it (no creation traffic, no race with it).
      members = candidates.slice();
      this.groupsCreated.set(groupId, members);
      this.host.ensureGroup(groupId, members);
    }
    if (!senderInside) {
      const seq = this.host.groupMessageFromOutside(deviceKey, groupId, members, this.messageBytes());
      this.host.noteMessageSent(deviceKey, seq, copies, true);
      return;
    }
    const seq = this.host.nextClientSeq(deviceKey);
    this.host.noteMessageSent(deviceKey, seq, copies, true);
    this.host.sendFromDevice(deviceKey, groupSendFrame(seq, groupId, this.messageBytes()));
  }
}
