/**
 * The run-time estimate (src/scenario/estimate-time.ts): a pure function of the scenario, with the
 * shape the measured runs have: setup grows with connected devices, simulation with the slice's
 * messages and copies (a slice's own) at a cost that grows with a part's connected devices, and
 * parts run two at once.
 */
import { describe, expect, it } from 'vitest';
import { simulationNsPerMessageOrCopy } from '../../src/scenario/estimate-time.js';
import { estimateFootprint, estimateWallTime, loadScenario } from '../../src/scenario/index.js';

function scenario(name: string, overrides: string[] = []) {
  const loaded = loadScenario(`scenarios/${name}.yaml`, overrides);
  if (!loaded.ok) throw new Error(loaded.problems.map((p) => p.reason).join('\n'));
  return loaded.scenario;
}

function estimate(name: string, overrides: string[] = []) {
  const resolved = scenario(name, overrides);
  return estimateWallTime(resolved, estimateFootprint(resolved));
}

describe('estimateWallTime', () => {
  it('prices reference-chat as start-up, setup and 7 us per message and copy at a million devices', () => {
    const time = estimate('reference-chat');
    expect(time.setupSeconds).toBeCloseTo(1, 6); // 1,000,000 devices x 1 us
    expect(time.simulationSeconds).toBeCloseTo(28, 6); // (200,000 + 200,000) a second x 10 s x 7 us
    expect(time.wallSeconds).toBeCloseTo(2 + 1 + 28, 6);
    expect(time.wallSecondsLow).toBeCloseTo(31 / 2, 6);
    expect(time.wallSecondsHigh).toBeCloseTo(31 * 2, 6);
  });

  it('adds 15 us per message or copy for each doubling of a part\'s connected devices past a million', () => {
    expect(simulationNsPerMessageOrCopy(200_000)).toBe(7_000);
    expect(simulationNsPerMessageOrCopy(1_000_000)).toBe(7_000);
    expect(simulationNsPerMessageOrCopy(2_000_000)).toBeCloseTo(22_000, 6);
    expect(simulationNsPerMessageOrCopy(8_000_000)).toBeCloseTo(52_000, 6);
  });

  it('runs global-2025 as two parts side by side, each with half the devices, setup and simulation', () => {
    const time = estimate('global-2025');
    expect(time.wallSeconds).toBeCloseTo(2 + (time.setupSeconds + time.simulationSeconds) / 2, 6);
    const onePart = estimate('global-2025', ['sliceParts=1']);
    expect(onePart.wallSeconds).toBeCloseTo(2 + onePart.setupSeconds + onePart.simulationSeconds, 6);
    expect(onePart.setupSeconds).toBeCloseTo(time.setupSeconds, 6);
    // One part holds twice the devices, so each message costs one doubling (15 us) more.
    const devices = estimateFootprint(scenario('global-2025')).connectedDevicesPeak;
    const perUnitTwoParts = simulationNsPerMessageOrCopy(devices / 2);
    expect(onePart.simulationSeconds / time.simulationSeconds).toBeCloseTo((perUnitTwoParts + 15_000) / perUnitTwoParts, 6);
  });

  it('grows with the duration and with the slice', () => {
    const short = estimate('whatsapp-2014', ['duration=10s', 'warmup=2s']);
    const long = estimate('whatsapp-2014', ['duration=20s', 'warmup=2s']);
    expect(long.simulationSeconds).toBeCloseTo(2 * short.simulationSeconds, 6);
    const wider = estimate('whatsapp-2014', ['duration=10s', 'warmup=2s', 'sliceServers=16']);
    expect(wider.setupSeconds).toBeCloseTo(2 * short.setupSeconds, 1);
    // Twice the messages, each dearer by one doubling of the devices in a part.
    const devicesPerPart = estimateFootprint(scenario('whatsapp-2014', ['duration=10s', 'warmup=2s'])).connectedDevicesPeak / 2;
    const dearer = simulationNsPerMessageOrCopy(2 * devicesPerPart) / simulationNsPerMessageOrCopy(devicesPerPart);
    expect(dearer).toBeGreaterThan(1.3);
    expect(wider.simulationSeconds / short.simulationSeconds).toBeCloseTo(2 * dearer, 1);
  });
});
