/**
 * The run-time estimate (src/scenario/estimate-time.ts): a pure function of the scenario, with the
 * shape the measured runs have: setup grows with connected devices, simulation with the slice's
 * messages and copies, and a slice's screening with the whole deployment's group messages.
 */
import { describe, expect, it } from 'vitest';
import { estimateFootprint, estimateWallTime, loadScenario } from '../../src/scenario/index.js';

function estimate(name: string, overrides: string[] = []) {
  const loaded = loadScenario(`scenarios/${name}.yaml`, overrides);
  if (!loaded.ok) throw new Error(loaded.problems.map((p) => p.reason).join('\n'));
  return estimateWallTime(loaded.scenario, estimateFootprint(loaded.scenario));
}

describe('estimateWallTime', () => {
  it('prices reference-chat as setup plus 11.5 us per message and copy', () => {
    const time = estimate('reference-chat');
    expect(time.screeningSeconds).toBe(0);
    expect(time.setupSeconds).toBeCloseTo(1, 6); // 1,000,000 devices x 1 us
    expect(time.simulationSeconds).toBeCloseTo(46, 6); // (200,000 + 200,000) a second x 10 s x 11.5 us
    expect(time.wallSeconds).toBeCloseTo(47, 6);
    expect(time.wallSecondsLow).toBeCloseTo(47 / 2.5, 6);
    expect(time.wallSecondsHigh).toBeCloseTo(47 * 2.5, 6);
  });

  it("screens only global-2025's group messages, and runs its two parts side by side", () => {
    const time = estimate('global-2025');
    // 1.157 M messages a second on the day's mean, x 1.55 at the peak, x 8.57% groups x 70 s x 1 us.
    expect(time.screeningSeconds).toBeGreaterThan(10);
    expect(time.screeningSeconds).toBeLessThan(11.5);
    expect(time.wallSeconds).toBeCloseTo((time.setupSeconds + time.simulationSeconds) / 2 + time.screeningSeconds, 6);
    const onePart = estimate('global-2025', ['sliceParts=1']);
    expect(onePart.wallSeconds).toBeCloseTo(onePart.setupSeconds + onePart.simulationSeconds, 6);
  });

  it('grows with the duration and with the slice', () => {
    const short = estimate('whatsapp-2014', ['duration=10s', 'warmup=2s']);
    const long = estimate('whatsapp-2014', ['duration=20s', 'warmup=2s']);
    expect(long.simulationSeconds).toBeCloseTo(2 * short.simulationSeconds, 6);
    expect(long.screeningSeconds).toBeCloseTo(2 * short.screeningSeconds, 6);
    const wider = estimate('whatsapp-2014', ['duration=10s', 'warmup=2s', 'sliceServers=16']);
    expect(wider.setupSeconds).toBeCloseTo(2 * short.setupSeconds, 1);
    expect(wider.screeningSeconds).toBeCloseTo(short.screeningSeconds, 6);
  });
});
