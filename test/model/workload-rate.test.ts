/** The offered load follows the diurnal curve during a run (thinning), not only at its start. */
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/engine/run-scenario.js';
import { loadScenario } from '../../src/scenario/index.js';

// One region on UTC whose online share climbs linearly from 10% at 00:00 to 30% at 02:00 (points
// at whole hours, mean share 20%), so messages per user per day scale by share / 20%.
const RISING = `name: rising
seed: 5
start: "00:00"
duration: 2h
warmup: 0s
regions:
  utc:
    timezone: UTC
    users: 2000
    online: { share: 20%, diurnal: { 0: 10, 1: 20, 2: 30, 3: 20, 4: 20, 5: 20, 6: 20, 7: 20, 8: 20, 9: 20, 10: 20, 11: 20, 12: 20, 13: 20, 14: 20, 15: 20, 16: 20, 17: 20, 18: 20, 19: 20, 20: 20, 21: 20, 22: 20, 23: 20 }, meanSession: 10min }
chatServers: { perRegion: 1, cores: 2 }
workload:
  messagesPerUserPerDay: { mean: 400, zipf: 0 }
  groups: { share: 0% }
output: { timeSeriesInterval: 10min }
`;

describe('a time-varying offered rate', () => {
  it('rises and falls with the online share during the run', () => {
    const loaded = loadScenario({ text: RISING, fileName: 'rising.yaml' }, []);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    const result = runScenario(loaded.scenario);
    // 2000 users x 400 a day / 86,400 s = 9.26/s at the mean share; x 0.5 at 00:00, x 1.5 at 02:00.
    const perSecond = result.timeSeries.sent.map((count) => count / 600);
    const meanRate = (2000 * 400) / 86_400;
    // Interval i covers [10 i, 10 i + 10) minutes: its mean share is 10% + 10% x (10 i + 5) / 60.
    perSecond.forEach((rate, i) => {
      const expected = meanRate * ((0.1 + (0.1 * (10 * i + 5)) / 60) / 0.2);
      // About 3,000 to 8,000 messages an interval: 5 standard errors is under 10%.
      expect(Math.abs(rate / expected - 1)).toBeLessThan(0.1);
    });
    expect(perSecond[11]! / perSecond[0]!).toBeGreaterThan(2);
  });
});

describe('the offered rate read off its linear segments', () => {
  it('equals the regions\' diurnal curves summed, at any time of the run', async () => {
    const { Deployment } = await import('../../src/model/deployment.js');
    const { Simulator } = await import('../../src/sim/simulator.js');
    const { RandomStreams } = await import('../../src/sim/random.js');
    // Two regions whose whole local hours fall at different instants (UTC and UTC+5:30).
    const loaded = loadScenario({ text: RISING.replace('duration: 2h', 'duration: 3h') + 'links:\n  utc-india: { latency: 50ms }\n', fileName: 'rising.yaml' }, [
      'regions.india={timezone: Asia/Kolkata, users: 1000}',
    ]);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    const deployment = new Deployment(loaded.scenario, new Simulator(), new RandomStreams(1), { delivered: () => undefined });
    const workload = (deployment as unknown as { workload: { offeredPerSecondAt(t: number): number; offeredRateOnSegment(t: number): number } }).workload;
    let checked = 0;
    for (let atNs = 0; atNs <= 3 * 3600e9; atNs += 7.3e9) {
      const summed = workload.offeredPerSecondAt(atNs);
      expect(Math.abs(workload.offeredRateOnSegment(atNs) / summed - 1)).toBeLessThan(1e-9); // rounding only: the rate is linear between its bends
      checked++;
    }
    expect(checked).toBeGreaterThan(1000);
  });
});
