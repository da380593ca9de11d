/** The warm start's offline backlog: its arithmetic, and what it does to a run. */
import { describe, expect, it } from 'vitest';
import { copiesPerMessage, OfflineBacklog, poisson } from '../../src/model/backlog.js';
import { Population } from '../../src/model/population.js';
import { loadScenario } from '../../src/scenario/index.js';
import { RandomStreams } from '../../src/sim/random.js';
import { NS_PER_S } from '../../src/sim/time.js';
import { runScenario } from '../../src/engine/run-scenario.js';

const HOUR_NS = 3600 * NS_PER_S;
const DAY_NS = 24 * HOUR_NS;

function scenario(sets: string[]) {
  const result = loadScenario('scenarios/quickstart.yaml', sets);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.scenario;
}

describe('poisson', () => {
  it.each([0.3, 4, 25, 400])('has mean and variance %d', (mean) => {
    const rng = new RandomStreams(7).stream('poisson');
    const n = 40_000;
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const x = poisson(mean, rng);
      sum += x;
      squares += x * x;
    }
    const m = sum / n;
    const variance = squares / n - m * m;
    // Five standard errors of the mean; the variance within 5%.
    expect(Math.abs(m - mean)).toBeLessThan(5 * Math.sqrt(mean / n));
    expect(Math.abs(variance / mean - 1)).toBeLessThan(0.05);
  });

  it('is 0 for a mean of 0', () => {
    expect(poisson(0, new RandomStreams(1).stream('p'))).toBe(0);
  });
});

describe('OfflineBacklog', () => {
  it('integrates a constant rate over the time offline, capped by the retention', () => {
    // 1,000 messages/s, 2 copies each to offline devices, 1,000,000 offline devices: 0.002 a second.
    const backlog = new OfflineBacklog(() => 1000, 2, 1e6, 3 * DAY_NS);
    expect(backlog.meanCopies(HOUR_NS)).toBeCloseTo(7.2, 9);
    expect(backlog.meanCopies(90 * 60 * NS_PER_S + 30 * NS_PER_S)).toBeCloseTo(0.002 * 5430, 9);
    expect(backlog.meanCopies(2.5 * DAY_NS)).toBeCloseTo(0.002 * 2.5 * 86_400, 6);
    expect(backlog.meanCopies(10 * DAY_NS)).toBeCloseTo(0.002 * 3 * 86_400, 6);
  });

  it('follows the rate backwards from the start', () => {
    // Twice the rate in the hour before the start as earlier.
    const backlog = new OfflineBacklog((atNs) => (atNs >= -HOUR_NS ? 2000 : 1000), 1, 1e6, 30 * DAY_NS);
    expect(backlog.meanCopies(HOUR_NS)).toBeCloseTo(7.2, 1);
    expect(backlog.meanCopies(2 * HOUR_NS)).toBeCloseTo(10.8, 1);
  });
});

describe('copiesPerMessage', () => {
  it('is one copy, offline with the offline share, for one device each and no groups', () => {
    const s = scenario(['workload.devicesPerUser={1: 100%}', 'workload.groups.share=0%']);
    const copies = copiesPerMessage(s, new Population(s), 0.3);
    expect(copies.all).toBeCloseTo(1, 12);
    expect(copies.toOffline).toBeCloseTo(0.7, 12);
  });

  it('weights groups by the chance that a member is online', () => {
    const s = scenario(['workload.devicesPerUser={1: 100%}', 'workload.groups.share=100%', 'workload.groups.size={min: 3, max: 3}']);
    // Groups of 3, each member online with 50%: a group written to has the sender online; each
    // other member is online with 0.5 x 3 / (1 - 0.125) - 1 = 0.714 others of 2.
    const copies = copiesPerMessage(s, new Population(s), 0.5);
    expect(copies.all).toBeCloseTo(2, 12);
    expect(copies.toOffline).toBeCloseTo(2 - (1.5 / 0.875 - 1), 12);
  });
});

describe('a run with the warm backlog', () => {
  const sets = ['duration=4s', 'warmup=1s', 'workload.online.diurnal=flat'];
  const warm = runScenario(scenario(sets));
  const cold = runScenario(scenario([...sets, 'offlineStore.warmBacklog=false']));

  it('drains about what offline devices are sent, so out/in is at its steady state', () => {
    const s = scenario(sets);
    const online = warm.rates.connectionsPeak / (s.totals.users * s.workload.devicesPerUserMean);
    const copies = copiesPerMessage(s, new Population(s), online).all;
    const outPerIn = warm.messages.deliveriesToDevices / warm.messages.sent;
    expect(Math.abs(outPerIn / copies - 1)).toBeLessThan(0.1);
    expect(cold.messages.deliveriesToDevices / cold.messages.sent).toBeLessThan(0.6 * copies);
  });

  it('counts backlog copies as deliveries but in no latency and no other count', () => {
    expect(warm.messages.backlogDeliveries).toBeGreaterThan(0);
    expect(cold.messages.backlogDeliveries).toBe(0);
    expect(warm.latency.endToEnd.count).toBe(warm.messages.deliveriesToDevices - warm.messages.backlogDeliveries - warm.messages.warmupDeliveries);
    expect(warm.messages.sent).toBe(cold.messages.sent);
  });
});
