/** The implicit population's placement can be run backwards: a server's users, and only them. */
import { describe, expect, it } from 'vitest';
import { Population } from '../../src/model/population.js';
import { groupOfSlot, groupSlots, slotCountOf, slotOfUser, userOfSlot, usersOfSlots } from '../../src/model/group-slots.js';
import { loadScenario } from '../../src/scenario/index.js';

/** The i-th of a spread of groups (golden-ratio steps over the ids): its id, region and slots. */
function groupAt(people: Population, i: number) {
  const g = Math.floor(((i * 0.6180339887498949) % 1) * people.groups);
  const region = [...people.regionGroups].reverse().find((r) => r.groupIdFirst <= g)!;
  return { g, region, ...groupSlots(region, g - region.groupIdFirst) };
}

function population(placement: string) {
  const result = loadScenario('scenarios/quickstart.yaml', [`chatServers.placement=${placement}`]);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return new Population(result.scenario);
}

describe.each(['hash', 'modulo'])('placement %s', (placement) => {
  const people = population(placement);

  it('lists exactly the users homed on each server', () => {
    const listed = new Int32Array(people.users).fill(-1);
    for (let server = 0; server < people.serverCount; server++) {
      people.forEachUserOf(server, (user) => {
        expect(listed[user]).toBe(-1);
        listed[user] = server;
      });
    }
    let mismatches = 0;
    for (let user = 0; user < people.users; user++) if (listed[user] !== people.homeOf(user)) mismatches++;
    expect(mismatches).toBe(0);
  });

  it('ranks a user by its placement index, in the order forEachUserOf lists them', () => {
    let mismatches = 0;
    for (let server = 0; server < people.serverCount; server++) {
      let rank = 0;
      people.forEachUserOf(server, (user) => {
        const servers = people.regionOf(user).chatServers;
        const index = people.placementIndexOf(user);
        if (servers.serverIndexFirst + (index % servers.count) !== server || Math.floor(index / servers.count) !== rank) mismatches++;
        rank++;
      });
      expect(rank).toBe(people.userCountOf(server));
    }
    expect(mismatches).toBe(0);
  });

  it('spreads a region evenly over its servers', () => {
    // eu: 80,000 users on 3 servers.
    const counts = [0, 1, 2].map((server) => {
      let n = 0;
      people.forEachUserOf(server, () => n++);
      return n;
    });
    expect(counts).toEqual([26_667, 26_667, 26_666]);
  });
});

describe('groups', () => {
  const people = population('hash');

  it('are in regions in proportion to their users (80,000, 70,000 and 50,000 of 200,000)', () => {
    const share = people.regionGroups.map((r) => Math.round((r.groups / people.groups) * 100) / 100);
    expect(share).toEqual([0.4, 0.35, 0.25]);
    // Group ids run region by region: a group's members are all of its region.
    for (const g of [0, people.regionGroups[1]!.groupIdFirst, people.groups - 1]) {
      const members = people.groupMembers(g);
      expect(new Set(members.map((u) => people.regionOf(u).index)).size).toBe(1);
    }
  });

  it('lists a group\'s slots the same two at a time (usersOfSlots) as one by one (userOfSlot)', () => {
    let wrong = 0;
    let slots = 0;
    for (let i = 0; i < 2_000; i++) {
      const { region, size, firstSlot } = groupAt(people, i);
      const out = new Float64Array(size);
      usersOfSlots(region, firstSlot, size, out);
      for (let k = 0; k < size; k++) if (out[k] !== userOfSlot(region, firstSlot + k)) wrong++;
      slots += size;
    }
    expect(wrong).toBe(0);
    expect(slots).toBeGreaterThan(2_000);
  });

  it('lists the members of groups larger than its scratch, first slots first, repeats dropped', () => {
    const result = loadScenario('scenarios/quickstart.yaml', ['workload.groups.size.max=600']);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const big = new Population(result.scenario);
    let large = 0;
    let wrong = 0;
    for (let i = 0; i < 3_000; i++) {
      const { g, region, size, firstSlot } = groupAt(big, i);
      if (size > 64) large++;
      const expected: number[] = [];
      for (let k = 0; k < size; k++) {
        const user = userOfSlot(region, firstSlot + k);
        if (!expected.includes(user)) expected.push(user);
      }
      const members = big.groupMembers(g);
      if (members.length !== expected.length || members.some((user, k) => user !== expected[k])) wrong++;
    }
    expect(wrong).toBe(0);
    expect(large).toBeGreaterThan(10);
  });

  it('have distinct members, all of the group\'s region, spread evenly over it', () => {
    // Every member of 20,000 groups taken across the ids, by which tenth of its region it falls in.
    const tenths = new Array<number>(10).fill(0);
    let members = 0;
    for (let i = 0; i < 20_000; i++) {
      const g = Math.floor(((i * 0.6180339887498949) % 1) * people.groups);
      const list = people.groupMembers(g);
      const region = people.regionOf(list[0]!);
      expect(new Set(list).size).toBe(list.length);
      expect(list.length).toBeLessThanOrEqual(people.groupSizeOf(g));
      for (const user of list) {
        expect(people.regionOf(user)).toBe(region);
        tenths[Math.floor(((user - region.userIdFirst) / region.users) * 10)]!++;
        members++;
      }
    }
    // Chi-square with 9 degrees of freedom: the 99.9% point is 27.9.
    const chi2 = tenths.reduce((sum, count) => sum + (count - members / 10) ** 2 / (members / 10), 0);
    expect(chi2).toBeLessThan(27.9);
  });

  it("lists a user's groups from the user's side: exactly the groups that list the user", () => {
    const region = people.regionGroups[2]!;
    // Every group of the region, listed from the groups' side...
    const groupsOf = new Map<number, number[]>();
    for (let g = region.groupIdFirst; g < region.groupIdFirst + region.groups; g++) {
      for (const user of people.groupMembers(g)) groupsOf.set(user, [...(groupsOf.get(user) ?? []), g]);
    }
    // ...against each user's slots: floor or ceil of slots / users each, 2.8 on average (the groups
    // are sized for three memberships by the continuous Pareto's mean; whole sizes round down).
    const perUser = region.slots / region.users;
    let wrong = 0;
    for (let local = 0; local < region.users; local++) {
      const count = slotCountOf(region, local);
      if (count !== Math.floor(perUser) && count !== Math.ceil(perUser)) wrong++;
      const fromUser = new Set(Array.from({ length: count }, (_, k) => region.groupIdFirst + groupOfSlot(region, slotOfUser(region, local, k))));
      const fromGroups = new Set(groupsOf.get(region.userIdFirst + local) ?? []);
      if (fromUser.size !== fromGroups.size || [...fromUser].some((g) => !fromGroups.has(g))) wrong++;
    }
    expect(wrong).toBe(0);
    expect(perUser).toBeGreaterThan(2.7);
    expect(perUser).toBeLessThan(3.1);
  });

  it('are homed on the servers evenly, and a server lists exactly the groups homed on it', () => {
    const listed = new Set<number>();
    let wrong = 0;
    for (let server = 0; server < people.serverCount; server++) {
      const count = people.groupCountHomedOn(server);
      if (Math.abs(count - people.groups / people.serverCount) > 1) wrong++;
      for (let k = 0; k < count; k++) {
        const g = people.groupHomedOn(server, k);
        if (people.groupHomeOf(g) !== server || listed.has(g)) wrong++;
        listed.add(g);
      }
    }
    expect(wrong).toBe(0);
    expect(listed.size).toBe(people.groups);
  });

  it('come in the sizes of the size distribution, class by class', () => {
    const { min, probabilities } = people.groupSizeProbabilities();
    const counts = new Float64Array(probabilities.length);
    for (let g = 0; g < people.groups; g++) counts[people.groupSizeOf(g) - min]++;
    // Each region rounds its classes cumulatively: within one group a class per region.
    for (let i = 0; i < probabilities.length; i++) expect(Math.abs(counts[i]! - probabilities[i]! * people.groups)).toBeLessThanOrEqual(3);
  });
});
