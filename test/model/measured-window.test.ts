/**
 * Busy time of the resources that book their service ahead (NICs, links, directories and offline
 * stores) counts by its overlap with the measured window. Before session 13 a store saturated from
 * warm-up on, or a link behind a saturated NIC, reported 0 utilisation (found by a review).
 */
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/engine/run-scenario.js';
import type { RunResult } from '../../src/metrics/run-result.js';
import { BackingService } from '../../src/model/backing-service.js';
import { busyNsUntil, overlapNs } from '../../src/model/measured-window.js';
import { ConstantDistribution } from '../../src/sim/distributions/index.js';
import { RandomStreams } from '../../src/sim/random.js';
import { loadScenario } from '../../src/scenario/index.js';
import { SMALL } from '../review/small-scenario.js';

const WINDOW = { startNs: 1_000, endNs: 2_000 };

describe('overlap with the measured window', () => {
  it('counts only the part of a service inside the window', () => {
    expect(overlapNs(0, 500, WINDOW)).toBe(0);
    expect(overlapNs(500, 1_500, WINDOW)).toBe(500);
    expect(overlapNs(1_200, 1_300, WINDOW)).toBe(100);
    expect(overlapNs(1_900, 2_500, WINDOW)).toBe(100);
    expect(overlapNs(2_000, 2_500, WINDOW)).toBe(0);
    expect(overlapNs(0, 5_000, WINDOW)).toBe(1_000);
  });

  it('takes back the work booked past an early end, never going below 0', () => {
    expect(busyNsUntil(800, 1_900, 1_500, WINDOW)).toBe(400); // 400 ns of it lies between now and freeAt
    expect(busyNsUntil(800, 1_400, 1_500, WINDOW)).toBe(800); // free before now: nothing to take back
    expect(busyNsUntil(100, 1_900, 1_500, WINDOW)).toBe(0);
  });

  it('a backing service saturated since before the window is busy through all of it', () => {
    const rng = new RandomStreams(1).stream('test');
    // 1,000 requests per second of capacity (1 ms each), 3,000 requests at once at t = 0.
    const service = new BackingService('store', 'offlineStore', 'eu', new ConstantDistribution(0), 1_000, { startNs: 1e9, endNs: 2e9 });
    for (let i = 0; i < 3_000; i++) service.requestDelayNs(0, rng);
    service.resetStatistics();
    expect(service.busyNsUntil(2e9)).toBe(1e9);
    expect(service.busyNsUntil(1.5e9)).toBe(0.5e9); // stopped half-way: half the window
  });
});

function run(overrides: string[]): RunResult {
  const loaded = loadScenario({ text: SMALL, fileName: 'small.yaml' }, ['duration=2s', 'warmup=500ms', ...overrides]);
  if (!loaded.ok) throw new Error(loaded.problems.map((p) => p.reason).join('; '));
  return runScenario(loaded.scenario);
}

describe('utilisation of saturated resources in a run', () => {
  it('an offline store far below its load reads busy, not idle', () => {
    // Every device offline half the time and a store of 20 requests/s: saturated from warm-up on.
    const result = run(['workload.online.share=50%', 'offlineStore.capacity=20/s']);
    const stores = result.servers.filter((s) => s.role === 'offlineStore');
    expect(stores.length).toBeGreaterThan(0);
    for (const store of stores) expect(store.cpuUtilisation).toBeGreaterThan(0.99);
    for (const store of stores) expect(store.cpuUtilisation).toBeLessThanOrEqual(1);
    // Its queue is reported too (it was always 0): requests found ahead, and by Little's law the
    // mean number waiting, which grows without bound when saturated (far above 1 here).
    for (const store of stores) expect(store.cpuQueuePeak).toBeGreaterThan(10);
    for (const store of stores) expect(store.cpuQueueMean).toBeGreaterThan(1);
  });

  it('a directory with room to spare queues little', () => {
    const result = run(['directory.capacity=1000000/s']);
    for (const directory of result.servers.filter((s) => s.role === 'directory')) {
      expect(directory.cpuQueueMean).toBeLessThan(0.01);
      expect(directory.cpuQueuePeak).toBeLessThan(5);
    }
  });

  it('a NIC far below its load reads busy, and no utilisation passes 1', () => {
    const result = run(['chatServers.nic=1Mbps']);
    const chat = result.servers.filter((s) => s.role === 'chat');
    for (const server of chat) expect(server.nicUtilisation).toBeGreaterThan(0.99);
    for (const server of chat) expect(server.nicUtilisation).toBeLessThanOrEqual(1);
    for (const link of result.links) expect(link.utilisation).toBeLessThanOrEqual(1);
  });

  it("a link's bytes are those it carried in the window, as its busy time: behind a slow NIC they agree", () => {
    // Frames behind a NIC at its limit reach the link long after they were booked; counted at
    // booking, the links had their bytes with next to no busy time.
    const result = run(['regions.us={timezone: America/New_York, users: 2000}', 'links.eu-us={latency: 40ms, bandwidth: 100Mbps}', 'chatServers.nic=40Mbps']);
    const measuredSeconds = result.simulatedSeconds - 0.5; // warmup=500ms (run)
    const limited = result.links.filter((link) => link.bandwidthBitsPerSecond !== null && link.messages > 10);
    expect(limited.length).toBeGreaterThan(0);
    for (const link of limited) {
      const carried = (link.bytes * 8) / (link.bandwidthBitsPerSecond! * measuredSeconds);
      expect(Math.abs(carried - link.utilisation)).toBeLessThanOrEqual(0.05 * link.utilisation + 1e-6);
    }
  });
});
