/**
 * Slice fidelity's group messages, drawn from the groups that reach the slice (DESIGN.md section 4),
 * as slice-one-to-one.ts draws its one-to-one messages.
 *
 * The workload's group model (workload.ts): group messages arrive at rate L(t) g; each draws a group
 * uniformly among all G, and the sender among its members online; a group with nobody online is
 * passed over for another. So group h is written to at rate L(t) g P_h(t) / (G Z_g(t)), P_h being
 * the chance that a member is online and Z_g its mean over all groups. A message touches the slice
 * when a member is homed there; those groups are drawn here from the slice's own users' membership
 * slots (group-slots.ts):
 *
 * Attempts at rate L(t) g K / (G Z_g(t)), K being the membership slots the slice's users hold. An
 * attempt draws one of those K slots uniformly, so group h with m_h of them, and keeps it with
 * probability 1 / m_h: each group reaching the slice is attempted at rate L(t) g / (G Z_g(t)), as in
 * the full model. An attempt whose group has nobody online sends nothing.
 *
 * A group homed on a slice server with no member inside still costs that server its fan-out: a
 * second stream attempts the H groups homed inside at rate L(t) g H / (G Z_g(t)), uniformly, and
 * drops those with a member inside (the first stream has them).
 *
 * Z_g(t) = sum over regions and sizes of the groups' share times 1 - (1 - q_r(t))^s, q_r being a
 * user's chance of having a device online, its members taken as independent (a group's few members
 * inside the slice are online as simulated, the rest as the outside model has them).
 */
import { groupOfSlot, groupSlots, slotCountOf, slotOfUser, userOfSlot } from './group-slots.js';
import type { Population } from './population.js';
import type { SliceUserList } from './slice-users.js';
import type { RandomStream } from '../sim/random.js';

/**
 * Whether a user is homed in the slice: an object with a method rather than a closure, which each
 * part of a slice would make anew and V8 would embed in drawGroup's optimised code (server-ports.ts).
 */
export interface InsideTest {
  isInside(user: number): boolean;
}

export class SliceGroups {
  /** K: membership slots held by the slice's users, in all and per region. */
  readonly slotsInside: number;
  private readonly slotsInsideByRegion: Float64Array;
  /** Per region, the most slots a user holds (a draw of k below it is kept when the user holds k). */
  private readonly slotsPerUserMax: Float64Array;
  private readonly population: Population;
  private readonly slice: SliceUserList;
  /** The slice's servers, and how many groups each is home to (running total). */
  private readonly servers: readonly number[];
  private readonly homedCumulative: Float64Array;
  /** Groups homed on the slice's servers. */
  readonly groupsHomedInside: number;

  constructor(population: Population, slice: SliceUserList, servers: readonly number[]) {
    this.population = population;
    this.slice = slice;
    this.servers = servers;
    this.homedCumulative = new Float64Array(servers.length);
    let homed = 0;
    servers.forEach((server, i) => {
      homed += population.groupCountHomedOn(server);
      this.homedCumulative[i] = homed;
    });
    this.groupsHomedInside = homed;
    const regions = population.regionGroups;
    this.slotsInsideByRegion = new Float64Array(regions.length);
    this.slotsPerUserMax = new Float64Array(regions.length);
    let total = 0;
    regions.forEach((region, r) => {
      if (region.groups === 0 || region.users === 0) return;
      this.slotsPerUserMax[r] = Math.ceil(region.slots / region.users);
      let slots = 0;
      for (let p = slice.regionStart[r]!; p < slice.regionStart[r + 1]!; p++) slots += slotCountOf(region, slice.users[p]! - region.userIdFirst);
      this.slotsInsideByRegion[r] = slots;
      total += slots;
    });
    this.slotsInside = total;
  }

  /**
   * One attempt's group: a slot of the slice's users drawn uniformly, its group kept with
   * probability 1 / (its slots held inside); -1 when not kept. `inside` says whether a user is
   * homed in the slice. The group's distinct members are left in `members` (the caller's scratch),
   * listed once here for the count and again for nobody.
   */
  drawGroup(rng: RandomStream, inside: InsideTest, members: number[]): number {
    if (this.slotsInside === 0) return -1;
    // The region in proportion to its slots inside, then a user there and one of its slots.
    let point = rng.nextFloat() * this.slotsInside;
    let r = 0;
    while (r < this.slotsInsideByRegion.length - 1 && (point -= this.slotsInsideByRegion[r]!) >= 0) r++;
    const region = this.population.regionGroups[r]!;
    const first = this.slice.regionStart[r]!;
    const users = this.slice.regionStart[r + 1]! - first;
    for (;;) {
      const local = this.slice.users[first + rng.nextInt(users)]! - region.userIdFirst;
      const k = rng.nextInt(this.slotsPerUserMax[r]!);
      // Users hold floor or ceil of the slots per user: a k past this one's count is drawn again, so
      // every slot inside is equally likely.
      if (k >= slotCountOf(region, local)) continue;
      const localGroup = groupOfSlot(region, slotOfUser(region, local, k));
      const groupId = region.groupIdFirst + localGroup;
      this.population.groupMembers(groupId, members);
      const { size, firstSlot } = groupSlots(region, localGroup);
      let held = 0;
      if (members.length === size) {
        for (const member of members) if (inside.isInside(member)) held++;
      } else {
        // A member holding two of the group's slots (rare): the slots inside are counted, not the members.
        for (let i = 0; i < size; i++) if (inside.isInside(userOfSlot(region, firstSlot + i))) held++;
      }
      return held > 0 && rng.nextInt(held) === 0 ? groupId : -1;
    }
  }

  /** A group homed on one of the slice's servers, uniformly; -1 when there is none. */
  drawGroupHomedInside(rng: RandomStream): number {
    if (this.groupsHomedInside === 0) return -1;
    const point = Math.floor(rng.nextFloat() * this.groupsHomedInside);
    let i = 0;
    while (this.homedCumulative[i]! <= point) i++;
    const k = point - (i > 0 ? this.homedCumulative[i - 1]! : 0);
    return this.population.groupHomedOn(this.servers[i]!, k);
  }

  /**
   * Z_g: the mean over all groups of the chance that a member is online, given each region's chance
   * that a user is (a user online when any of its devices is).
   */
  onlineGroupShare(userOnlineFraction: (regionIndex: number) => number): number {
    const total = this.population.groups;
    if (total === 0) return 0;
    // A plain loop, not forEach: a double that a callback adds to a variable of its caller lives in
    // a heap box, a new one at every update (9% of a global-2025 part's allocations, session 10).
    let z = 0;
    const regions = this.population.regionGroups;
    for (let r = 0; r < regions.length; r++) {
      const region = regions[r]!;
      if (region.groups === 0) continue;
      const offline = 1 - userOnlineFraction(r);
      // (1 - q)^s class by class, sizes ascending: powers by multiplication from the last size.
      let power = 1;
      let powerOf = 0;
      let sum = 0;
      for (let c = 0; c < region.classSize.length; c++) {
        const size = region.classSize[c]!;
        while (powerOf < size) {
          power *= offline;
          powerOf++;
        }
        sum += (region.classGroupFirst[c + 1]! - region.classGroupFirst[c]!) * (1 - power);
      }
      z += sum / total;
    }
    return z;
  }
}
