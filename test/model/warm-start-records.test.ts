import { describe, expect, it } from 'vitest';
import { Deployment, warmStartRecordsPerUser } from '../../src/model/deployment.js';
import { loadScenario } from '../../src/scenario/index.js';
import { RandomStreams } from '../../src/sim/random.js';
import { Simulator } from '../../src/sim/simulator.js';

describe('warmStartRecordsPerUser', () => {
  it('is devices x online for one device per user, and 0 or the device count at the extremes', () => {
    expect(warmStartRecordsPerUser([{ devices: 1, fraction: 1 }], 0.3)).toBeCloseTo(0.3, 12);
    expect(warmStartRecordsPerUser([{ devices: 3, fraction: 1 }], 0)).toBe(0);
    expect(warmStartRecordsPerUser([{ devices: 3, fraction: 1 }], 1)).toBe(3);
  });

  it('matches a count of records over simulated users: online devices, plus the primary record of users whose primary is offline and a companion online', () => {
    const mix = [
      { devices: 1, fraction: 0.85 },
      { devices: 2, fraction: 0.1 },
      { devices: 3, fraction: 0.03 },
      { devices: 5, fraction: 0.02 },
    ];
    const online = 0.3;
    const rng = new RandomStreams(7).stream('warm-start');
    const users = 400_000;
    let records = 0;
    for (let u = 0; u < users; u++) {
      let pick = rng.nextFloat();
      const devices = mix.find((m) => (pick -= m.fraction) < 0)?.devices ?? 5;
      let onlineCount = 0;
      let primaryOnline = false;
      for (let d = 0; d < devices; d++) {
        const isOnline = rng.nextFloat() < online;
        if (isOnline) onlineCount++;
        if (d === 0) primaryOnline = isOnline;
      }
      records += onlineCount + (!primaryOnline && onlineCount > 0 ? 1 : 0);
    }
    const expected = warmStartRecordsPerUser(mix, online);
    // About 11% above devicesPerUserMean x online (1.24 x 0.3 = 0.372), the old estimate.
    expect(expected).toBeGreaterThan(0.372 * 1.1);
    // Standard error of the mean is about 0.001 here; 4 of them.
    expect(Math.abs(records / users - expected)).toBeLessThan(0.004);
  });
});

describe("a core's record table", () => {
  it('is sized for the records the run adds too: it does not grow during a run, though its records do', () => {
    const loaded = loadScenario('scenarios/quickstart.yaml', ['duration=10s', 'warmup=1s']);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    const sim = new Simulator();
    const deployment = new Deployment(loaded.scenario, sim, new RandomStreams(loaded.scenario.seed), { delivered: () => undefined });
    deployment.start();
    // The record table alone (tableBytes also counts the push pool and the caches, which may grow).
    const tableBytes = () => deployment.servers.map((server) => server.core['table'].bytes);
    const bytesAtStart = tableBytes();
    const recordsAtStart = deployment.servers.map((server) => server.core.stats().deviceRecords);
    sim.run({ untilNs: loaded.scenario.durationNs });
    const added = deployment.servers.map((server, i) => server.core.stats().deviceRecords - recordsAtStart[i]!);
    // The run adds records (a few percent of the table here)...
    expect(Math.min(...added)).toBeGreaterThan(0);
    // ...and no table doubled for them.
    expect(tableBytes()).toEqual(bytesAtStart);
  });
});
