/** The implicit population's placement can be run backwards: a server's users, and only them. */
import { describe, expect, it } from 'vitest';
import { Population } from '../../src/model/population.js';
import { loadScenario } from '../../src/scenario/index.js';

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
    const counts = new Map<number, number>();
    const groups = 20_000;
    for (let g = 0; g < groups; g++) {
      const region = people.regionOf(people.groupMembers(g)[0]!).index;
      counts.set(region, (counts.get(region) ?? 0) + 1);
    }
    expect([0, 1, 2].map((r) => Math.round((counts.get(r)! / groups) * 100) / 100)).toEqual([0.4, 0.35, 0.25]);
  });

  it('have distinct members, all of the group\'s region, spread evenly over it', () => {
    // Every member position of 20,000 groups, by which tenth of its region it falls in: uniform.
    const tenths = new Array<number>(10).fill(0);
    let members = 0;
    for (let g = 0; g < 20_000; g++) {
      const list = people.groupMembers(g);
      const region = people.regionOf(list[0]!);
      expect(new Set(list).size).toBe(list.length);
      expect(list.length).toBe(people.groupSizeOf(g));
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
});
