import { describe, expect, test } from 'vitest';
import {
  BUILT_IN_SCENARIOS,
  COST_OPS,
  builtInScenarioPath,
  estimateFootprint,
  formatScenarioProblem,
  loadScenario,
  onlineFractionAt,
  onlineFractionByLocalHour,
  onlineFractionMaxOver,
  resolveScenarioArgument,
  utcOffsetMinutesAt,
  type ResolvedScenario,
} from '../../src/scenario/index.js';

function load(source: Parameters<typeof loadScenario>[0], overrides: string[] = []): ResolvedScenario {
  const result = loadScenario(source, overrides);
  if (!result.ok) throw new Error(result.problems.map(formatScenarioProblem).join('\n'));
  return result.scenario;
}

describe('shipped scenarios', () => {
  test.each(BUILT_IN_SCENARIOS)('%s loads without problems', (name) => {
    const scenario = load(builtInScenarioPath(name));
    expect(scenario.name).toBe(name);
  });

  test('reference-chat is DESIGN.md section 7, exactly', () => {
    const scenario = load('scenarios/reference-chat.yaml');
    expect(scenario.durationNs).toBe(10e9);
    expect(scenario.warmupNs).toBe(0);
    expect(scenario.fidelity).toBe('full');
    expect(scenario.placement).toBe('modulo');
    expect(scenario.regions).toHaveLength(1);
    const region = scenario.regions[0];
    expect(region?.users).toBe(1_000_000);
    expect(region?.accessLatencyNs).toEqual({ text: '30ms', constant: 30_000_000, mean: 30_000_000 });
    expect(region?.online.fractionByLocalHour).toEqual(new Array(24).fill(1));
    expect(region?.chatServers).toMatchObject({
      count: 16,
      cores: 8,
      nicBitsPerSecond: null,
      interServerLatencyNs: { text: '2ms', constant: 2_000_000, mean: 2_000_000 },
    });
    expect(scenario.workload.devicesPerUser).toEqual([{ devices: 1, fraction: 1 }]);
    expect(scenario.workload.arrivals).toEqual({ kind: 'totalPerSecond', messagesPerSecond: 200_000, senderZipfSkew: 0 });
    expect(scenario.workload.recipients).toMatchObject({ sameRegionFraction: 1, pick: 'uniform' });
    expect(scenario.workload.groups.fraction).toBe(0);
    expect(scenario.costs.scale).toBe(1);
    expect(scenario.costs.profilePath).toBeNull();
    for (const op of COST_OPS) {
      const expected =
        op === 'route' || op === 'deliver'
          ? { costNs: { text: 'exp(200us)', constant: null, mean: 200_000 }, source: 'table' }
          : { costNs: { text: '0', constant: 0, mean: 0 }, source: 'others' };
      expect([op, scenario.costs.opsNs[op]]).toEqual([op, expected]);
    }
    expect(scenario.directory).toMatchObject({ latencyNs: { constant: 0 }, capacityOpsPerSecond: null });
    expect(scenario.totals).toEqual({
      users: 1_000_000,
      chatServers: 16,
      cores: 128,
      devices: 1_000_000,
      connectedDevicesPeak: 1_000_000,
      messagesPerSecondMean: 200_000,
    });
    // Each server: M/M/8 at 25,000 operations/s, a route for half and a deliver for the other half
    // (utilisation 0.625), as the theory says.
    const perServerPerSecond = (2 * scenario.totals.messagesPerSecondMean) / scenario.totals.chatServers;
    expect(perServerPerSecond).toBe(25_000);
    const serviceSeconds = (scenario.costs.opsNs.route.costNs.mean ?? 0) / 1e9;
    expect((perServerPerSecond * serviceSeconds) / (region?.chatServers.cores ?? 0)).toBeCloseTo(0.625, 12);
  });

  test('quickstart has several regions, groups, several devices and offline users', () => {
    const scenario = load('scenarios/quickstart.yaml');
    expect(scenario.regions.map((region) => [region.name, region.users, region.chatServers.count, region.utcOffsetMinutes])).toEqual([
      ['eu', 80_000, 3, 60],
      ['us', 70_000, 3, -300],
      ['in', 50_000, 2, 330],
    ]);
    expect(scenario.links.map((link) => link.name)).toEqual(['eu-us', 'eu-in', 'us-in']);
    expect(scenario.workload.groups.fraction).toBeCloseTo(0.2, 15);
    expect(scenario.workload.devicesPerUserMean).toBeCloseTo(1.6, 12);
    expect(scenario.regions.every((region) => region.online.fractionMean < 1)).toBe(true);
    expect(scenario.totals.messagesPerSecondMean).toBe(20_000);
    expect(scenario.durationNs).toBe(5e9);
    expect(scenario.startUtcIso).toBe('2025-01-15T19:00:00.000Z');
  });

  test('built-in names stand for their files', () => {
    expect(resolveScenarioArgument('quickstart')).toBe(builtInScenarioPath('quickstart'));
    expect(resolveScenarioArgument('reference-chat.yaml')).toBe(builtInScenarioPath('reference-chat'));
    expect(resolveScenarioArgument('no-such-thing')).toBe('no-such-thing');
  });
});

const base = 'name: r\nregions:\n  eu: { timezone: Europe/Berlin, users: 1000 }\n';

describe('resolution', () => {
  test('per-region overrides merge over the deployment-wide values; ids are numbered region by region', () => {
    const text = [
      'name: r',
      'regions:',
      '  eu: { timezone: Europe/Berlin, users: 1000, chatServers: { count: 2, cores: 16 }, online: { share: 80% } }',
      '  us: { timezone: UTC-5, users: 500 }',
      'links: { us-eu: { latency: 40ms } }',
      'chatServers: { perRegion: 3, memory: 32GiB }',
      'workload: { online: { share: 40%, meanSession: 5min } }',
    ].join('\n');
    const scenario = load({ text, fileName: 'r.yaml' });
    const [eu, us] = scenario.regions;
    expect(eu?.chatServers).toMatchObject({ count: 2, serverIndexFirst: 0, cores: 16, memoryBytes: 32 * 1024 ** 3 });
    expect(us?.chatServers).toMatchObject({ count: 3, serverIndexFirst: 2, cores: 8, memoryBytes: 32 * 1024 ** 3 });
    expect([eu?.userIdFirst, us?.userIdFirst]).toEqual([0, 1000]);
    expect(eu?.online.fractionByLocalHour[0]).toBeCloseTo(0.8, 12);
    expect(us?.online.fractionByLocalHour[0]).toBeCloseTo(0.4, 12);
    expect([eu?.online.sessionMeanNs, us?.online.sessionMeanNs]).toEqual([300e9, 300e9]);
    expect(scenario.links[0]).toMatchObject({ name: 'us-eu', regionA: 'us', regionB: 'eu', bandwidthBitsPerSecond: 100e9, lossFraction: 0 });
    expect(scenario.totals).toMatchObject({ chatServers: 5, cores: 56, users: 1500 });
  });

  test('cost precedence: table, then others, then built in', () => {
    const withOthers = load({ text: `${base}costs: { route: 5us, others: "exp(1us)", scale: 1.3 }\n`, fileName: 'c.yaml' });
    expect(withOthers.costs.scale).toBe(1.3);
    expect(withOthers.costs.opsNs.route).toEqual({ costNs: { text: '5us', constant: 5000, mean: 5000 }, source: 'table' });
    expect(withOthers.costs.opsNs.ack).toEqual({ costNs: { text: 'exp(1us)', constant: null, mean: 1000 }, source: 'others' });
    const builtIn = load({ text: `${base}costs: { route: 5us }\n`, fileName: 'c.yaml' });
    expect(builtIn.costs.opsNs.connect).toEqual({ costNs: { text: 'exp(50us)', constant: null, mean: 50_000 }, source: 'builtIn' });
  });

  test('one size share given: the other kind gets the rest', () => {
    const scenario = load({ text: `${base}workload: { sizes: { text: { share: 75% } } }\n`, fileName: 's.yaml' });
    expect(scenario.workload.sizes.text.fraction).toBeCloseTo(0.75, 15);
    expect(scenario.workload.sizes.media.fraction).toBeCloseTo(0.25, 15);
  });

  test('groups: uniform without a Pareto shape, bounded Pareto with one', () => {
    expect(load({ text: `${base}workload: { groups: { share: 10%, size: { min: 4, max: 8 } } }\n`, fileName: 'g.yaml' }).workload.groups.size).toEqual({
      kind: 'uniform',
      min: 4,
      max: 8,
    });
    const pareto = load({ text: `${base}workload: { groups: { share: 10%, size: { pareto: 1.5, max: 1024 } } }\n`, fileName: 'g.yaml' });
    expect(pareto.workload.groups.size).toEqual({ kind: 'boundedPareto', paretoAlpha: 1.5, min: 3, max: 1024 });
  });

  test('start instants and time zones: DST as of the start date', () => {
    const winter = load({ text: base, fileName: 't.yaml' });
    expect(winter.startUtcIso).toBe('2025-01-15T12:00:00.000Z');
    expect(winter.regions[0]?.utcOffsetMinutes).toBe(60);
    const summer = load({ text: `${base}start: "2025-07-01T06:30:00Z"\n`, fileName: 't.yaml' });
    expect(summer.regions[0]?.utcOffsetMinutes).toBe(120);
    expect(summer.startUtcMs).toBe(Date.UTC(2025, 6, 1, 6, 30));
    expect(utcOffsetMinutesAt('UTC+5:30', 0)).toBe(330);
    expect(utcOffsetMinutesAt('-08:00', 0)).toBe(-480);
    expect(utcOffsetMinutesAt('Asia/Kolkata', 0)).toBe(330);
  });

  test('maxEvents and slices', () => {
    const scenario = load({ text: `${base}fidelity: slice\nsliceServers: 2\nmaxEvents: 1e9\n`, fileName: 'f.yaml' });
    expect([scenario.fidelity, scenario.sliceServers, scenario.maxEvents]).toEqual(['slice', 2, 1e9]);
    const tooMany = loadScenario({ text: `${base}fidelity: slice\nsliceServers: 5\n`, fileName: 'f.yaml' });
    expect(tooMany.ok ? [] : tooMany.problems.map(formatScenarioProblem)).toEqual([
      "f.yaml:5:15 sliceServers: expected at most the deployment's 4 chat servers, got 5",
    ]);
  });
});

describe('diurnal curves', () => {
  test('flat is the share at every hour; default keeps the share as the mean, capped at 100%', () => {
    expect(onlineFractionByLocalHour(0.3, 'flat')).toEqual(new Array(24).fill(0.3));
    const day = onlineFractionByLocalHour(0.3, 'default');
    expect(day.reduce((sum, fraction) => sum + fraction, 0) / 24).toBeCloseTo(0.3, 12);
    expect(day.indexOf(Math.min(...day))).toBe(4);
    expect(day.indexOf(Math.max(...day))).toBe(21);
    expect(Math.max(...onlineFractionByLocalHour(0.9, 'default'))).toBe(1);
  });

  test('points are relative weights, interpolated linearly and wrapping at midnight', () => {
    const day = onlineFractionByLocalHour(0.5, { '0': 1, '12': 3 });
    // Weights rise 1 -> 3 from 0 to 12 h and fall back to 1 at 24 h; their mean is 2.
    expect(day[0]).toBeCloseTo(0.25, 12);
    expect(day[6]).toBeCloseTo(0.5, 12);
    expect(day[12]).toBeCloseTo(0.75, 12);
    expect(day[18]).toBeCloseTo(0.5, 12);
    expect(onlineFractionAt(day, 3 * 3600e9)).toBeCloseTo(0.375, 12);
    expect(onlineFractionAt(day, 27 * 3600e9)).toBeCloseTo(0.375, 12);
  });

  test('the peak of a run window is the largest fraction inside it', () => {
    const day = onlineFractionByLocalHour(0.5, { '0': 1, '12': 3 });
    expect(onlineFractionMaxOver(day, 0, 3600e9)).toBeCloseTo(day[1] ?? 0, 12);
    expect(onlineFractionMaxOver(day, 11 * 3600e9, 2 * 3600e9)).toBeCloseTo(0.75, 12);
    expect(onlineFractionMaxOver(day, 0, 48 * 3600e9)).toBeCloseTo(0.75, 12);
  });
});

describe('footprint estimate', () => {
  test('reference-chat: 1,000,000 devices at 800 B, 200,000 copies/s for 162 ms in flight', () => {
    const estimate = estimateFootprint(load('scenarios/reference-chat.yaml'));
    expect(estimate.connectedDevicesPeak).toBe(1_000_000);
    expect(estimate.connectedDevicesBytes).toBe(800_000_000);
    expect(estimate.copiesPerMessage).toBe(1);
    expect(estimate.inFlightCopies).toBe(32_400); // 200,000/s x (30 + 30 + 2 + 100) ms
    expect(estimate.storedMessagesPeak).toBe(0);
    // Runtime, 2 MiB per simulated server, 16 B per ordered pair of the 16 servers.
    expect(estimate.fixedBytes).toBe(256 * 1024 ** 2 + 16 * 2 * 1024 ** 2 + 16 * 16 * 16);
    expect(estimate.totalBytes).toBe(800_000_000 + 32_400 * 256 + 256 * 1024 ** 2 + 32 * 1024 ** 2 + 16 * 16 * 16);
  });

  test('a slice scales devices and traffic by its share of the servers', () => {
    const text = `${base}chatServers: { perRegion: 10 }\nworkload: { online: { share: 100% }, messagesPerSecond: 1000/s }\n`;
    const full = estimateFootprint(load({ text, fileName: 'e.yaml' }));
    const slice = estimateFootprint(load({ text: `${text}fidelity: slice\nsliceServers: 2\n`, fileName: 'e.yaml' }));
    expect(full.connectedDevicesPeak).toBe(1000);
    expect(slice.connectedDevicesPeak).toBe(200);
    expect(slice.simulatedShare).toBeCloseTo(0.2, 15);
  });
});
