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
    expect(time.setupSeconds).toBeCloseTo(1 + 1, 6); // 1,000,000 devices x 1 us, and 1 s for its one part
    expect(time.simulationSeconds).toBeCloseTo(28, 6); // (200,000 + 200,000) a second x 10 s x 7 us
    expect(time.wallSeconds).toBeCloseTo(2 + 2 + 28, 6);
    expect(time.wallSecondsLow).toBeCloseTo(32 / 2, 6);
    expect(time.wallSecondsHigh).toBeCloseTo(32 * 2, 6);
  });

  it('prices a message by the devices connected in its part: a slice\'s dearer at a million, a full run\'s growing faster', () => {
    expect(simulationNsPerMessageOrCopy(200_000, false)).toBe(7_000);
    expect(simulationNsPerMessageOrCopy(1_000_000, false)).toBe(7_000);
    expect(simulationNsPerMessageOrCopy(2_000_000, false)).toBeCloseTo(22_000, 6);
    expect(simulationNsPerMessageOrCopy(8_000_000, false)).toBeCloseTo(52_000, 6);
    expect(simulationNsPerMessageOrCopy(1_000_000, true)).toBe(23_000);
    expect(simulationNsPerMessageOrCopy(4_000_000, true)).toBeCloseTo(35_800, 6);
  });

  it('runs global-2025 as eight parts, two at a time, each with an eighth of the devices and a second of setup', () => {
    const time = estimate('global-2025');
    expect(time.wallSeconds).toBeCloseTo(2 + (time.setupSeconds + time.simulationSeconds) / 2, 6);
    const onePart = estimate('global-2025', ['sliceParts=1']);
    expect(onePart.wallSeconds).toBeCloseTo(2 + onePart.setupSeconds + onePart.simulationSeconds, 6);
    expect(onePart.setupSeconds).toBeCloseTo(time.setupSeconds - 7, 6);
    // One part holds eight times the devices: three doublings (6.4 us each in a slice) more a message.
    const devices = estimateFootprint(scenario('global-2025')).connectedDevicesPeak;
    const perUnitEightParts = simulationNsPerMessageOrCopy(devices / 8, true);
    expect(onePart.simulationSeconds / time.simulationSeconds).toBeCloseTo((perUnitEightParts + 19_200) / perUnitEightParts, 6);
  });

  it('grows with the duration and with the slice', () => {
    const short = estimate('whatsapp-2014', ['duration=10s', 'warmup=2s']);
    const long = estimate('whatsapp-2014', ['duration=20s', 'warmup=2s']);
    expect(long.simulationSeconds).toBeCloseTo(2 * short.simulationSeconds, 6);
    const wider = estimate('whatsapp-2014', ['duration=10s', 'warmup=2s', 'sliceServers=16']);
    expect(wider.setupSeconds - 8).toBeCloseTo(2 * (short.setupSeconds - 8), 1); // its 8 parts: 1 s each
    // Twice the messages, each dearer by one doubling of the devices in a part.
    const devicesPerPart = estimateFootprint(scenario('whatsapp-2014', ['duration=10s', 'warmup=2s'])).connectedDevicesPeak / 8;
    const dearer = simulationNsPerMessageOrCopy(2 * devicesPerPart, true) / simulationNsPerMessageOrCopy(devicesPerPart, true);
    expect(dearer).toBeGreaterThan(1.1);
    expect(wider.simulationSeconds / short.simulationSeconds).toBeCloseTo(2 * dearer, 1);
  });
});
