/**
 * The implicit population (DESIGN.md section 4): every attribute of a user (region, home server,
 * devices) and of a group (size, members, home) is a pure function of (seed, id) computed with a
 * counter-based hash on demand, so users who do nothing in the window cost no memory.
 */
import type { ImplicitPopulation } from '../core/memory/implicit-directory.js';
import type { ResolvedRegion, ResolvedScenario } from '../scenario/resolved.js';
import { hash64FloatBelow, hash64Uint32 } from '../sim/random.js';
import { FeistelPermutation } from './feistel-permutation.js';
import { groupSlots, regionGroups, usersOfSlots, type RegionGroups } from './group-slots.js';
import { AffinePermutation } from './permutation.js';

/** Groups a user belongs to on average; with the mean group size it sets the number of groups. */
export const GROUP_MEMBERSHIPS_PER_USER = 3;
/** Groups up to this size find repeated members by a scan, larger ones with a Set. */
const MEMBERS_SCANNED_MAX = 32;

const SALT_HOME = 1;
const SALT_DEVICES = 2;
const SALT_GROUP_HOME = 3;
const SALT_GROUP_MEMBER = 5;
const SALT_GROUP_SCATTER = 6;

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
  /** Per region, its groups and their membership slots (group-slots.ts). */
  readonly regionGroups: RegionGroups[];
  /** Group id to home: perm(id) mod servers. */
  private readonly groupHomes: FeistelPermutation;
  /** groupMembers' scratch: the user of each slot of the group, repeats included. */
  private slotUsers = new Float64Array(64);

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
    // Each region holds groups in proportion to its users, about three memberships a user.
    const { min, probabilities } = this.groupSizeProbabilities();
    let groupIdFirst = 0;
    this.regionGroups = scenario.regions.map((r) => {
      const groups = groupShare > 0 && r.users > 0 ? Math.max(1, Math.round((r.users * GROUP_MEMBERSHIPS_PER_USER) / this.groupSizeMean())) : 0;
      const region = regionGroups(r.users, r.userIdFirst, groupIdFirst, groups, min, probabilities, hash64Uint32(this.seed, r.index, SALT_GROUP_MEMBER), hash64Uint32(this.seed, r.index, SALT_GROUP_SCATTER));
      groupIdFirst += groups;
      return region;
    });
    this.groups = groupIdFirst;
    this.groupHomes = new FeistelPermutation(Math.max(1, this.groups), hash64Uint32(this.seed, 0, SALT_GROUP_HOME));
  }

  /** The region holding a group id. */
  regionGroupsOf(groupId: number): RegionGroups {
    const regions = this.regionGroups;
    for (let i = regions.length - 1; i > 0; i--) if (groupId >= regions[i]!.groupIdFirst) return regions[i]!;
    return regions[0]!;
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

  /** placementIndexOf for a user of `region` (the caller has found it already). */
  placementIndexIn(region: ResolvedRegion, userId: number): number {
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

  /**
   * A group's home server: perm(id) mod servers, a keyed permutation of the group ids, so that a
   * slice can list the groups homed on its servers (groupHomedOn) as it lists their users.
   */
  groupHomeOf(groupId: number): number {
    return this.groupHomes.forward(groupId) % this.serverCount;
  }

  /** How many groups are homed on a server. */
  groupCountHomedOn(server: number): number {
    return server < this.groups ? Math.floor((this.groups - 1 - server) / this.serverCount) + 1 : 0;
  }

  /** The k-th group homed on a server (k below groupCountHomedOn). */
  groupHomedOn(server: number, k: number): number {
    return this.groupHomes.inverse(server + k * this.serverCount);
  }

  /**
   * Members of a group: the distinct users holding its slots, all of one region (group-slots.ts).
   * Written into `members` when given (emptied first), so that a caller that keeps none reuses one
   * array.
   */
  groupMembers(groupId: number, members: number[] = []): number[] {
    const region = this.regionGroupsOf(groupId);
    const { size, firstSlot } = groupSlots(region, groupId - region.groupIdFirst);
    members.length = 0;
    // Repeats (rare) are dropped: found by scanning the members so far in a small group (most are),
    // which is quicker than making a Set, and by a Set in a large one.
    const seen = size > MEMBERS_SCANNED_MAX ? new Set<number>() : null;
    if (this.slotUsers.length < size) this.slotUsers = new Float64Array(Math.max(size, 2 * this.slotUsers.length));
    const slotUsers = this.slotUsers;
    usersOfSlots(region, firstSlot, size, slotUsers);
    for (let i = 0; i < size; i++) {
      const user = slotUsers[i]!;
      if (seen === null ? !members.includes(user) : !seen.has(user)) {
        seen?.add(user);
        members.push(user);
      }
    }
    return members;
  }

  /** A group's size: its membership slots (its distinct members may be fewer, rarely). */
  groupSizeOf(groupId: number): number {
    const region = this.regionGroupsOf(groupId);
    return groupSlots(region, groupId - region.groupIdFirst).size;
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
