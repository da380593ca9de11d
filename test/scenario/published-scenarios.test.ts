/**
 * The scenarios built from published figures (issue 6): each loads with no problems, and what it
 * resolves to reproduces the published figures it was derived from. The rates at the start are
 * computed the way the simulator sets them (src/model/workload.ts: each region's users x messages
 * per user per day / 86,400 s x its online share now / its day's mean, held for the run), so these
 * are the figures a slice run must reproduce (docs/published-scenarios.md).
 */
import os from 'node:os';
import { describe, expect, test } from 'vitest';
import { copiesPerMessage as modelCopiesPerMessage } from '../../src/model/backlog.js';
import { Population } from '../../src/model/population.js';
import { formatScenarioProblem, loadScenario, NS_PER_HOUR, NS_PER_MS, NS_PER_S, onlineFractionAt, type ResolvedRegion, type ResolvedScenario } from '../../src/scenario/index.js';
import { runCommand } from '../helpers/run-cli.js';

const SECONDS_PER_DAY = 86_400;
const MS_PER_DAY = SECONDS_PER_DAY * 1000;
const MS_PER_MIN = 60_000;
const GIB = 2 ** 30;

function load(file: string): ResolvedScenario {
  const result = loadScenario(file);
  expect(result.ok ? [] : result.problems.map(formatScenarioProblem)).toEqual([]);
  if (!result.ok) throw new Error(`${file} does not load`);
  return result.scenario;
}

/** |actual / expected - 1| <= tolerance, with both numbers in the failure message. */
function expectWithin(actual: number, expected: number, tolerance: number): void {
  expect({ actual, relativeError: Math.abs(actual / expected - 1) <= tolerance }).toEqual({ actual, relativeError: true });
}

/** The region's online share at a UTC instant (the start unless given). */
function onlineFractionAtUtc(region: ResolvedRegion, utcMs: number): number {
  const localMs = (((utcMs + region.utcOffsetMinutes * MS_PER_MIN) % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;
  return onlineFractionAt(region.online.fractionByLocalHour, localMs * NS_PER_MS);
}

function messagesPerUserPerDay(s: ResolvedScenario): number {
  if (s.workload.arrivals.kind !== 'perUserPerDay') throw new Error(`${s.name}: expected messagesPerUserPerDay`);
  return s.workload.arrivals.messagesPerUserPerDayMean;
}

/** Messages in per second of one region at a UTC instant, as the workload sets it. */
function regionMessagesInPerSecond(s: ResolvedScenario, region: ResolvedRegion, utcMs: number): number {
  const ratio = onlineFractionAtUtc(region, utcMs) / region.online.fractionMean;
  return ((region.users * messagesPerUserPerDay(s)) / SECONDS_PER_DAY) * ratio;
}

function messagesInPerSecond(s: ResolvedScenario, utcMs = s.startUtcMs): number {
  return s.regions.reduce((sum, region) => sum + regionMessagesInPerSecond(s, region, utcMs), 0);
}

function connectedDevices(s: ResolvedScenario, utcMs = s.startUtcMs): number {
  return s.regions.reduce((sum, r) => sum + r.users * s.workload.devicesPerUserMean * onlineFractionAtUtc(r, utcMs), 0);
}

/** Sessions end every sessionMean and devices reconnect reconnectsPerHour (src/model/deployment.ts). */
function loginsPerSecond(s: ResolvedScenario): number {
  return s.regions.reduce((sum, r) => {
    const connected = r.users * s.workload.devicesPerUserMean * onlineFractionAtUtc(r, s.startUtcMs);
    return sum + connected * (NS_PER_S / r.online.sessionMeanNs + r.online.reconnectsPerHour / 3600);
  }, 0);
}

/**
 * Message copies (deliveries to devices) per message in at the start, as the model makes them
 * (src/model/backlog.ts): every device of a one-to-one recipient and the sender's other devices,
 * every member device of a group but the sender's; senders and groups weighted by being online.
 * Taken at the users' online share at the start.
 */
function copiesPerMessage(s: ResolvedScenario): number {
  let online = 0;
  for (const region of s.regions) online += region.users * onlineFractionAtUtc(region, s.startUtcMs);
  return modelCopiesPerMessage(s, new Population(s), online / s.totals.users).all;
}

describe('whatsapp-2014: Rick Reed, Erlang Factory 2014', () => {
  const s = load('scenarios/whatsapp-2014.yaml');

  test('the deployment: 465 M users, 150 chat servers of 40 threads and 64 GB in two datacenters, one phone each', () => {
    expect(s.totals.users).toBe(465e6);
    expect(s.totals.chatServers).toBe(150);
    expect(s.totals.cores).toBe(150 * 40);
    expect(s.regions.map((r) => [r.name, r.chatServers.count, r.chatServers.cores, r.chatServers.memoryBytes])).toEqual([
      ['dc1', 75, 40, 64 * GIB],
      ['dc2', 75, 40, 64 * GIB],
    ]);
    expect(s.workload.devicesPerUserMean).toBe(1);
    expect([s.fidelity, s.sliceServers]).toEqual(['slice', 8]);
  });

  test('19 B messages in a day: the resolved mean is 19e9 / 86,400 s', () => {
    expectWithin(s.totals.messagesPerSecondMean, 19e9 / SECONDS_PER_DAY, 0.01);
  });

  test('147 M connections at peak, 0.98 M per chat server', () => {
    expectWithin(s.totals.connectedDevicesPeak, 147e6, 0.01);
    expectWithin(s.totals.connectedDevicesPeak / s.totals.chatServers, 0.98e6, 0.01);
  });

  test('the start is the peak of the day: 342 K messages in per second, 1.555 x the mean', () => {
    const peakFraction = Math.max(...s.regions[0]!.online.fractionByLocalHour);
    expect(onlineFractionAtUtc(s.regions[0]!, s.startUtcMs)).toBeCloseTo(peakFraction, 12);
    expectWithin(messagesInPerSecond(s), 342e3, 0.01);
    expectWithin(messagesInPerSecond(s) / s.totals.messagesPerSecondMean, 342e3 / 219.9e3, 0.01);
  });

  test('out/in 2.1: 712 K messages out per second at peak, 40 B out a day', () => {
    const copies = copiesPerMessage(s);
    expectWithin(copies, 40 / 19, 0.01);
    expectWithin(messagesInPerSecond(s) * copies, 712e3, 0.01);
    expectWithin(s.totals.messagesPerSecondMean * SECONDS_PER_DAY * copies, 40e9, 0.01);
  });

  test('230 K logins per second at peak', () => {
    expectWithin(loginsPerSecond(s), 230e3, 0.01);
  });

  test('900 M media messages of 19 B a day', () => {
    expectWithin(s.workload.sizes.media.fraction, 900e6 / 19e9, 0.01);
    expect(s.workload.read.within60sFraction).toBe(0.5);
  });
});

describe('global-2025', () => {
  const s = load('scenarios/global-2025.yaml');

  test('3 B users in five regions with their time zones; groups up to 1,024; a phone and up to four companions', () => {
    expect(s.totals.users).toBe(3e9);
    expect(s.regions.map((r) => [r.name, r.timezone, r.utcOffsetMinutes, r.users])).toEqual([
      ['south_asia', 'Asia/Kolkata', 330, 850e6],
      ['southeast_asia', 'Asia/Jakarta', 420, 300e6],
      ['emea', 'Europe/Berlin', 60, 1100e6],
      ['latam', 'America/Sao_Paulo', -180, 600e6],
      ['north_america', 'America/New_York', -300, 150e6],
    ]);
    expect(s.workload.groups.size.max).toBe(1024);
    expect(s.workload.devicesPerUser.map((d) => d.devices)).toEqual([1, 2, 3, 5]);
    expectWithin(s.workload.devicesPerUserMean, 1.24, 1e-9);
    expect([s.fidelity, s.sliceServers, s.totals.chatServers]).toEqual(['slice', 8, 805]);
  });

  test('100 B messages a day', () => {
    expectWithin(s.totals.messagesPerSecondMean, 100e9 / SECONDS_PER_DAY, 0.01);
  });

  test('the start is the busiest minute of the day, 1.55 x the mean', () => {
    const atStart = messagesInPerSecond(s);
    expectWithin(atStart / s.totals.messagesPerSecondMean, 1.55, 0.01);
    let busiestOtherMinute = 0;
    for (let minute = 1; minute < 24 * 60; minute++) busiestOtherMinute = Math.max(busiestOtherMinute, messagesInPerSecond(s, s.startUtcMs + minute * MS_PER_MIN));
    expect(atStart).toBeGreaterThanOrEqual(busiestOtherMinute);
    expectWithin(atStart, 1.795e6, 0.01);
  });

  test('2.1 messages out per message in at the peak', () => {
    expectWithin(copiesPerMessage(s), 2.1, 0.01);
  });

  test('1.17 B devices connected at the peak, logging in at the 2014 rate per connection', () => {
    expectWithin(connectedDevices(s), 1.173e9, 0.01);
    expectWithin(loginsPerSecond(s) / connectedDevices(s), 230e3 / 147e6, 0.01);
  });

  test("each region's chat servers hold 2 M connections at its own peak, rounded up", () => {
    for (const region of s.regions) {
      const localPeak = region.users * s.workload.devicesPerUserMean * Math.max(...region.online.fractionByLocalHour);
      expect([region.name, region.chatServers.count]).toEqual([region.name, Math.ceil(localPeak / 2e6)]);
    }
  });
});

describe('new-years-eve', () => {
  const s = load('scenarios/new-years-eve.yaml');
  const ordinary = load('scenarios/global-2025.yaml');

  test('the global-2025 deployment, unchanged', () => {
    const deployment = (x: ResolvedScenario) => ({
      regions: x.regions.map((r) => ({ ...r, online: { ...r.online, fractionByLocalHour: [], fractionMean: 0 }, utcOffsetMinutes: 0 })),
      shares: x.regions.map((r) => Math.round(r.online.fractionMean * 1e6) / 1e6),
      links: x.links,
      placement: x.placement,
      directory: x.directory,
      offlineStore: x.offlineStore,
      costs: x.costs,
      workload: { ...x.workload, arrivals: null },
      fidelity: [x.fidelity, x.sliceServers],
    });
    expect(deployment(s)).toEqual(deployment(ordinary));
  });

  test('the day is 75 / 55 of an ordinary one (New Year\'s Eve 2017 against 2017\'s ordinary day)', () => {
    expectWithin(s.totals.messagesPerSecondMean * SECONDS_PER_DAY, 100e9 * (75 / 55), 0.01);
  });

  test('the start is midnight in South Asia, the busiest of the five midnights', () => {
    const southAsia = s.regions.find((r) => r.name === 'south_asia')!;
    expect((((s.startUtcMs + southAsia.utcOffsetMinutes * MS_PER_MIN) % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY).toBe(0);
    const atStart = messagesInPerSecond(s);
    expectWithin(atStart, 2.49e6, 0.01);
    expectWithin(atStart / ordinary.totals.messagesPerSecondMean, 2.15, 0.01);
    const midnightOf = (region: ResolvedRegion) => {
      // The first local midnight at or after 17:00 UTC on 31 December.
      const from = Date.parse('2025-12-31T17:00:00Z');
      const localMs = from + region.utcOffsetMinutes * MS_PER_MIN;
      return from + ((MS_PER_DAY - (((localMs % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY)) % MS_PER_DAY);
    };
    const others = s.regions.filter((r) => r !== southAsia).map((r) => [r.name, messagesInPerSecond(s, midnightOf(r)) < atStart]);
    expect(others).toEqual(s.regions.filter((r) => r !== southAsia).map((r) => [r.name, true]));
  });

  test("every region sends 3.5 x its ordinary mean at its local midnight", () => {
    for (const region of s.regions) {
      const midnightLocalNs = 0;
      const ratio = onlineFractionAt(region.online.fractionByLocalHour, midnightLocalNs) / region.online.fractionMean;
      const ordinaryMean = (region.users * messagesPerUserPerDay(ordinary)) / SECONDS_PER_DAY;
      const atMidnight = ((region.users * messagesPerUserPerDay(s)) / SECONDS_PER_DAY) * ratio;
      expect([region.name, Math.round((atMidnight / ordinaryMean) * 100) / 100]).toEqual([region.name, 3.5]);
    }
    // The weights are taken at whole hours: the midnight spike reaches back to 23:00 and on to 01:00.
    expect(onlineFractionAt(s.regions[0]!.online.fractionByLocalHour, 0.5 * NS_PER_HOUR)).toBeLessThan(onlineFractionAt(s.regions[0]!.online.fractionByLocalHour, 0));
  });
});


// At full fidelity each needs over 100 GiB (147 M to 1.2 B connected devices): refused before
// anything is allocated. On a machine that large the run would start, so the test stands aside.
describe.skipIf(os.totalmem() > 96 * GIB)('at full fidelity, run refuses them: exit 2, one line per problem, no stack', () => {
  for (const file of ['scenarios/whatsapp-2014.yaml', 'scenarios/global-2025.yaml', 'scenarios/new-years-eve.yaml']) {
    test(file, async () => {
      // sliceParts goes with a slice: the scenarios' parts are set back to one.
      const { code, out, err } = await runCommand([file, '--set', 'fidelity=full', '--set', 'sliceParts=1']);
      expect(code).toBe(2);
      expect(out).toBe('');
      const lines = err.trimEnd().split('\n');
      expect(lines.filter((line) => !line.startsWith(`error: ${file} `))).toEqual([]);
      expect(lines.some((line) => / regions: needs about [\d.]+ GiB .* connected devices/.test(line))).toBe(true);
      expect(err).not.toMatch(/\n\s+at /);
    });
  }
});
