/**
 * The run-time estimate (src/scenario/estimate-time.ts): a pure function of the scenario, with the
 * shape the measured runs have: setup grows with connected devices, simulation with the slice's
 * messages and copies (a slice's own), and parts run two at once.
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
    expect(time.setupSeconds).toBeCloseTo(1, 6); // 1,000,000 devices x 1 us
    expect(time.simulationSeconds).toBeCloseTo(46, 6); // (200,000 + 200,000) a second x 10 s x 11.5 us
    expect(time.wallSeconds).toBeCloseTo(47, 6);
    expect(time.wallSecondsLow).toBeCloseTo(47 / 2.5, 6);
    expect(time.wallSecondsHigh).toBeCloseTo(47 * 2.5, 6);
  });

  it('runs global-2025 as two parts side by side, each with half the setup and simulation', () => {
    const time = estimate('global-2025');
    expect(time.wallSeconds).toBeCloseTo((time.setupSeconds + time.simulationSeconds) / 2, 6);
    const onePart = estimate('global-2025', ['sliceParts=1']);
    expect(onePart.wallSeconds).toBeCloseTo(onePart.setupSeconds + onePart.simulationSeconds, 6);
  });

  it('grows with the duration and with the slice', () => {
    const short = estimate('whatsapp-2014', ['duration=10s', 'warmup=2s']);
    const long = estimate('whatsapp-2014', ['duration=20s', 'warmup=2s']);
    expect(long.simulationSeconds).toBeCloseTo(2 * short.simulationSeconds, 6);
    const wider = estimate('whatsapp-2014', ['duration=10s', 'warmup=2s', 'sliceServers=16']);
    expect(wider.setupSeconds).toBeCloseTo(2 * short.setupSeconds, 1);
    expect(wider.simulationSeconds).toBeCloseTo(2 * short.simulationSeconds, 1);
  });
});
