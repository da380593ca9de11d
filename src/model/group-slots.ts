/**
 * Implicit groups that can be listed from both sides: a group's members from its id, and a user's
 * groups from its id (DESIGN.md section 4). A slice draws the group messages that reach its own users
 * from their groups (slice-groups.ts) instead of screening every group message of the deployment.
 *
 * How: each region's groups hold membership slots, laid out size class by size class (the groups of
 * size s are consecutive ids, s slots each), so a group's slots are a range computed from its id.
 * A keyed permutation deals the region's M slots to its N users: slot j is held by user
 * scatter^-1(perm(j) mod N), so every user holds floor(M / N) or ceil(M / N) slots (2.8 on average
 * for global-2025's sizes), and user u's slots are perm^-1(v), perm^-1(v + N), ... with v =
 * scatter(u). `scatter` (affine) spreads the users that hold one slot more over the region, rather
 * than giving them to its lowest ids; it runs forwards (a multiply) from the user's side, which a
 * slice does for each of its tens of millions of users, and backwards (a modular multiply) from
 * the group's, which happens once per member listed. Each size class has round(G p_s) groups, p_s being the
 * size distribution's mass at s, counted cumulatively so the classes add up to G exactly.
 *
 * A group whose slots fall twice on one user (chance about s^2 / 2N: 0.35% for 1,024 members in 150
 * M users) lists that user once.
 */
import { FeistelPermutation } from './feistel-permutation.js';
import { AffinePermutation } from './permutation.js';

export interface RegionGroups {
  /** Users in the region, and the first user id. */
  users: number;
  userIdFirst: number;
  /** The region's first group id and its number of groups. */
  groupIdFirst: number;
  groups: number;
  /** Membership slots in all (the sum of the groups' sizes). */
  slots: number;
  /** Per size class from the smallest: its size, first group (from groupIdFirst) and first slot. */
  classSize: Float64Array;
  classGroupFirst: Float64Array;
  classSlotFirst: Float64Array;
  /** Slot j is held by local user scatter^-1(perm(j) mod users). */
  perm: FeistelPermutation;
  scatter: AffinePermutation;
}

/**
 * A region's groups: `groups` of them, sizes from `sizeMin` with probabilities `p` (index 0 is
 * sizeMin), their slots dealt to the users by a permutation keyed by `key`.
 */
export function regionGroups(users: number, userIdFirst: number, groupIdFirst: number, groups: number, sizeMin: number, p: Float64Array, key: number, scatterKey: number): RegionGroups {
  const sizes: number[] = [];
  const groupFirst: number[] = [];
  const slotFirst: number[] = [];
  let cumulative = 0;
  let assigned = 0;
  let slots = 0;
  for (let i = 0; i < p.length; i++) {
    cumulative += p[i]!;
    // The last class takes what rounding left, so the classes hold exactly `groups`.
    const through = i === p.length - 1 ? groups : Math.min(groups, Math.round(groups * cumulative));
    const count = through - assigned;
    if (count <= 0) continue;
    sizes.push(sizeMin + i);
    groupFirst.push(assigned);
    slotFirst.push(slots);
    assigned = through;
    slots += count * (sizeMin + i);
  }
  groupFirst.push(assigned);
  slotFirst.push(slots);
  return {
    users,
    userIdFirst,
    groupIdFirst,
    groups,
    slots,
    classSize: Float64Array.from(sizes),
    classGroupFirst: Float64Array.from(groupFirst),
    classSlotFirst: Float64Array.from(slotFirst),
    perm: new FeistelPermutation(Math.max(1, slots), key),
    scatter: new AffinePermutation(Math.max(1, users), scatterKey),
  };
}

/** The size class of a group (its index from the region's first group). */
export function classOfGroup(region: RegionGroups, local: number): number {
  return lastAtOrBelow(region.classGroupFirst, region.classSize.length, local);
}

/** The size class holding a slot. */
function classOfSlot(region: RegionGroups, slot: number): number {
  return lastAtOrBelow(region.classSlotFirst, region.classSize.length, slot);
}

/** The last of the first `count` entries of an ascending array at or below a value (binary search). */
function lastAtOrBelow(ascending: Float64Array, count: number, value: number): number {
  let lo = 0;
  let hi = count - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (ascending[mid]! <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** A group's size (its slots) and first slot, from its index in the region. */
export function groupSlots(region: RegionGroups, local: number): { size: number; firstSlot: number } {
  const c = classOfGroup(region, local);
  const size = region.classSize[c]!;
  return { size, firstSlot: region.classSlotFirst[c]! + (local - region.classGroupFirst[c]!) * size };
}

/** The user id holding a slot. */
export function userOfSlot(region: RegionGroups, slot: number): number {
  return region.userIdFirst + region.scatter.inverse(region.perm.forward(slot) % region.users);
}

/**
 * `out[i] = userOfSlot(region, firstSlot + i)` for i < count: a group's members, slot by slot. The
 * permutation runs two slots at a time (FeistelPermutation.forwardOfRun), whose dependent multiplies
 * then overlap; slice parts list a hundred thousand groups' members each.
 */
export function usersOfSlots(region: RegionGroups, firstSlot: number, count: number, out: Float64Array): void {
  region.perm.forwardOfRun(firstSlot, count, out);
  const users = region.users;
  for (let i = 0; i < count; i++) out[i] = region.userIdFirst + region.scatter.inverse(out[i]! % users);
}

/** The group (its index in the region) holding a slot. */
export function groupOfSlot(region: RegionGroups, slot: number): number {
  const c = classOfSlot(region, slot);
  return region.classGroupFirst[c]! + Math.floor((slot - region.classSlotFirst[c]!) / region.classSize[c]!);
}

/** How many slots a user holds (local id u): the k with v + k N below the slot count, v = scatter(u). */
export function slotCountOf(region: RegionGroups, local: number): number {
  const v = region.scatter.forward(local);
  return v < region.slots ? Math.floor((region.slots - 1 - v) / region.users) + 1 : 0;
}

/** The k-th slot a user holds (local id u; k below slotCountOf). */
export function slotOfUser(region: RegionGroups, local: number, k: number): number {
  return region.perm.inverse(region.scatter.forward(local) + k * region.users);
}
