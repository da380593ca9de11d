/**
 * The implicit population (DESIGN.md section 4): every attribute of a user (region, home server,
 * devices) and of a group (size, members, home) is a pure function of (seed, id) computed with a
 * counter-based hash on demand, so users who do nothing in the window cost no memory.
 */
import type { ImplicitPopulation } from '../core/memory/implicit-directory.js';
import type { ResolvedRegion, ResolvedScenario } from '../scenario/resolved.js';
import { hash64Float, hash64FloatBelow, hash64Uint32, uint32PairToFloat } from '../sim/random.js';
import { AffinePermutation } from './permutation.js';

/** Groups a user belongs to on average; with the mean group size it sets the number of groups. */
export const GROUP_MEMBERSHIPS_PER_USER = 3;
/** Groups up to this size find repeated members by a scan, larger ones with a Set. */
const MEMBERS_SCANNED_MAX = 32;

const SALT_HOME = 1;
const SALT_DEVICES = 2;
const SALT_GROUP_HOME = 3;
const SALT_GROUP_SIZE = 4;
const SALT_GROUP_MEMBER = 5;
const SALT_GROUP_REGION = 6;
const SALT_GROUP_MEMBER_LOW = 7;

export class Population implements ImplicitPopulation {
  readonly users: number;
  readonly groups: number;
  readonly serverCount: number;
  private readonly seed: number;
  private readonly regions: ResolvedRegion[];
  private readonly placement: ResolvedScenario['placement'];
  /** Cumulative device-count fractions, and the device counts they pick. */
  private readonly deviceCumulative: number[];
  private readonly deviceCounts: number[];
  private readonly groupSize: ResolvedScenario['workload']['groups']['size'];
  /** Per region, the keyed permutation of its users that hash placement deals round its servers. */
  private readonly permutations: AffinePermutation[];

  constructor(scenario: ResolvedScenario) {
    this.seed = scenario.seed >>> 0;
    this.regions = scenario.regions;
    this.placement = scenario.placement;
    this.users = scenario.totals.users;
    this.serverCount = scenario.totals.chatServers;
    let cumulative = 0;
    this.deviceCumulative = [];
    this.deviceCounts = [];
    for (const { devices, fraction } of scenario.workload.devicesPerUser) {
      cumulative += fraction;
      this.deviceCumulative.push(cumulative);
      this.deviceCounts.push(devices);
    }
    this.permutations = scenario.regions.map((r) => new AffinePermutation(Math.max(1, r.users), hash64Uint32(this.seed, r.index, SALT_HOME)));
    this.groupSize = scenario.workload.groups.size;
    const groupShare = scenario.workload.groups.fraction;
    this.groups = groupShare > 0 ? Math.max(1, Math.round((this.users * GROUP_MEMBERSHIPS_PER_USER) / this.groupSizeMean())) : 0;
  }

  regionOf(userId: number): ResolvedRegion {
    const regions = this.regions;
    for (let i = regions.length - 1; i > 0; i--) if (userId >= regions[i]!.userIdFirst) return regions[i]!;
    return regions[0]!;
  }

  homeOf(userId: number): number {
    const region = this.regionOf(userId);
    const servers = region.chatServers;
    return servers.serverIndexFirst + (this.placementIndexIn(region, userId) % servers.count);
  }

  /**
   * Where placement deals the user in its region: the user is on the region's server
   * `index mod count`, the `floor(index / count)`-th of that server's users (in `forEachUserOf`
   * order). hash: a keyed permutation of the region's users, dealt round the servers, so that it
   * can be run backwards (forEachUserOf). least-loaded needs state; over an implicit population a
   * uniform spread is its steady state, so it places as hash does.
   */
  placementIndexOf(userId: number): number {
    return this.placementIndexIn(this.regionOf(userId), userId);
  }

  /** placementIndexOf for a user of `region` (homeOf has found it already). */
  private placementIndexIn(region: ResolvedRegion, userId: number): number {
    const local = userId - region.userIdFirst;
    return this.placement === 'modulo' ? local : this.permutations[region.index]!.forward(local);
  }

  /** How many users are homed on a server. */
  userCountOf(server: number): number {
    const region = this.regionOfServer(server);
    if (region === undefined) return 0;
    const slot = server - region.chatServers.serverIndexFirst;
    return region.users > slot ? Math.ceil((region.users - slot) / region.chatServers.count) : 0;
  }

  private regionOfServer(server: number): ResolvedRegion | undefined {
    return this.regions.find((r) => server >= r.chatServers.serverIndexFirst && server < r.chatServers.serverIndexFirst + r.chatServers.count);
  }

  /**
   * Calls `visit` with every user homed on `server`, in placement order (the n-th call is the
   * user whose `placementIndexOf` divided by the server count is n), touching no one else.
   */
  forEachUserOf(server: number, visit: (userId: number) => void): void {
    const region = this.regionOfServer(server);
    if (region === undefined) return;
    const slot = server - region.chatServers.serverIndexFirst;
    const first = region.userIdFirst;
    const count = region.chatServers.count;
    if (this.placement === 'modulo') {
      for (let j = slot; j < region.users; j += count) visit(first + j);
    } else {
      this.permutations[region.index]!.forEachInverse(slot, count, (local) => visit(first + local));
    }
  }

  /** Number of devices of a user: a draw from devicesPerUser keyed by the user id. */
  deviceCountOf(userId: number): number {
    if (this.deviceCounts.length === 1) return this.deviceCounts[0]!; // one choice: no draw needed
    // u = hash64Float(seed, userId, SALT_DEVICES) against each cumulative fraction in turn, mostly
    // from the hash's first lane alone (a dry run asks this of every user it draws).
    const cumulative = this.deviceCumulative;
    for (let i = 0; i < cumulative.length - 1; i++) if (hash64FloatBelow(this.seed, userId, SALT_DEVICES, cumulative[i]!)) return this.deviceCounts[i]!;
    return this.deviceCounts[this.deviceCounts.length - 1]!;
  }

  devicesOf(userId: number): number {
    if (userId < 0 || userId >= this.users) return 0;
    return (1 << this.deviceCountOf(userId)) - 1;
  }

  groupHomeOf(groupId: number): number {
    return hash64Uint32(this.seed, groupId, SALT_GROUP_HOME) % this.serverCount;
  }

  /**
   * Members of a group: distinct users, mostly of one region, the creator first. Written into
   * `members` when given (emptied first), so that a slice's dry run, which lists a group for about
   * one candidate message in ten and keeps none, reuses one array.
   */
  groupMembers(groupId: number, members: number[] = []): number[] {
    const size = this.groupSizeOf(groupId);
    // The group's region in proportion to the regions' users, so that users everywhere are in
    // about the same number of groups.
    const region = this.regionOf(Math.floor(hash64Float(this.seed, groupId, SALT_GROUP_REGION) * this.users));
    members.length = 0;
    // Repeats are dropped: found by scanning the members so far in a small group (most are), which
    // is quicker than making a Set, and by a Set in a large one.
    const seen = size > MEMBERS_SCANNED_MAX ? new Set<number>() : null;
    const keyHigh = hash64Uint32(this.seed, groupId, SALT_GROUP_MEMBER) | 0;
    const keyLow = hash64Uint32(this.seed, groupId, SALT_GROUP_MEMBER_LOW) | 0;
    // Bounded: a few extra draws cover hash collisions in a small region.
    for (let i = 0; members.length < size && i < size * 4; i++) {
      // The group's own keys, then the member's position: independent across seeds and groups. A
      // 53-bit fraction of the region, not a 32-bit hash modulo its users (biased at billions).
      const user = region.userIdFirst + Math.floor(memberFraction(keyHigh, keyLow, i) * region.users);
      if (seen === null ? !members.includes(user) : !seen.has(user)) {
        seen?.add(user);
        members.push(user);
      }
    }
    return members;
  }

  groupSizeOf(groupId: number): number {
    const u = hash64Float(this.seed, groupId, SALT_GROUP_SIZE);
    const size = this.groupSize;
    if (size.kind === 'uniform') return size.min + Math.floor(u * (size.max - size.min + 1));
    // Bounded Pareto by inversion.
    const { paretoAlpha: a, min: lo, max: hi } = size;
    const x = lo / Math.pow(1 - u * (1 - Math.pow(lo / hi, a)), 1 / a);
    return Math.min(hi, Math.max(lo, Math.floor(x)));
  }

  /**
   * The probability of each whole group size from `min` to `max` as `groupSizeOf` draws them
   * (index 0 is `min`): the bounded Pareto's mass between s and s + 1, exactly.
   */
  groupSizeProbabilities(): { min: number; probabilities: Float64Array } {
    const size = this.groupSize;
    const probabilities = new Float64Array(size.max - size.min + 1);
    if (size.kind === 'uniform' || size.min === size.max) return { min: size.min, probabilities: probabilities.fill(1 / probabilities.length) };
    const { paretoAlpha: a, min: lo, max: hi } = size;
    const cdf = (x: number) => (1 - Math.pow(lo / x, a)) / (1 - Math.pow(lo / hi, a));
    for (let s = lo; s < hi; s++) probabilities[s - lo] = cdf(s + 1) - cdf(s);
    return { min: lo, probabilities };
  }

  private groupSizeMean(): number {
    const size = this.groupSize;
    if (size.kind === 'uniform') return (size.min + size.max) / 2;
    const { paretoAlpha: a, min: lo, max: hi } = size;
    if (a === 1) return (hi * lo * Math.log(hi / lo)) / (hi - lo);
    return ((Math.pow(lo, a) / (1 - Math.pow(lo / hi, a))) * (a / (a - 1)) * (1 / Math.pow(lo, a - 1) - 1 / Math.pow(hi, a - 1)));
  }
}

/**
 * The i-th member draw of a group as a 53-bit fraction, from the group's two 32-bit keys: each half
 * a lowbias32 mix (Wellons' integer hash finaliser, a bijection with good avalanche) of its key plus
 * i times an odd constant. A slice screens the group messages of the whole deployment by drawing
 * their members (about 6 each), and the general counter hash (two lanes of six Murmur rounds) was
 * half of that work.
 */
function memberFraction(keyHigh: number, keyLow: number, i: number): number {
  return uint32PairToFloat(lowbias32(keyHigh + Math.imul(i, 0x9e3779b9)), lowbias32(keyLow + Math.imul(i, 0x85ebca6b)));
}

function lowbias32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  return h ^ (h >>> 16);
}
