/**
 * The analytic first guess of `chatscale plan` (src/plan/search/analytic.ts) against closed forms
 * and against short simulations of small scenarios (a few seconds of wall time in all).
 */
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/engine/run-scenario.js';
import type { RunResult } from '../../src/metrics/run-result.js';
import { estimateLoad, firstTouchShare } from '../../src/plan/search/analytic.js';
import { loadScenario } from '../../src/scenario/index.js';
import type { ResolvedScenario } from '../../src/scenario/resolved.js';

function scenarioOf(text: string, overrides: string[] = []): ResolvedScenario {
  const loaded = loadScenario({ text, fileName: 'analytic.yaml' }, overrides);
  if (!loaded.ok) throw new Error(loaded.problems.map((p) => `${p.field ?? ''}: ${p.reason}`).join('\n'));
  return loaded.scenario;
}

/** One-to-one only, everyone online all the time: every count has a closed form. */
const CLOSED_FORM = `name: closed-form
seed: 3
duration: 2s
warmup: 1s
regions:
  main: { timezone: UTC, users: 10000 }
chatServers: { perRegion: 2, cores: 2 }
workload:
  devicesPerUser: { 1: 50%, 3: 50% }
  online: { share: 100%, diurnal: flat }
  messagesPerSecond: 2000/s
  groups: { share: 0% }
  read: { within60s: 50% }
`;

/**
 * Something of everything: two regions, companions, 40% of devices offline (stores, drains, the
 * warm start's backlog), groups (sender keys), reads, session churn, cold directory caches.
 */
const MIXED = `name: analytic-check
seed: 11
start: "12:00"
duration: 3s
warmup: 1s
regions:
  eu: { timezone: UTC, users: 20000 }
  us: { timezone: UTC, users: 10000, chatServers: { count: 1 } }
links:
  eu-us: { latency: 40ms }
chatServers: { perRegion: 2, cores: 1 }
workload:
  devicesPerUser: { 1: 70%, 2: 20%, 5: 10% }
  online: { share: 60%, diurnal: flat, meanSession: 10min, reconnectsPerHour: 1 }
  messagesPerSecond: 4000/s
  recipients: { sameRegion: 80%, pick: zipf, zipf: 0.8 }
  groups: { share: 20%, size: { pareto: 1.5, min: 3, max: 32 } }
  read: { within60s: 50% }
`;

function chatUtilisation(result: RunResult, region?: string): number {
  const chat = result.servers.filter((s) => s.role === 'chat' && (region === undefined || s.region === region));
  return chat.reduce((sum, s) => sum + s.cpuUtilisation, 0) / chat.length;
}

describe('analytic operation counts', () => {
  it('match the closed form of one-to-one messages with everyone online', () => {
    // D = 2 devices per user (1 or 3), r = 0.5 read, and nobody ever offline: a message is routed
    // and acked once; it goes to the recipient's D devices and the sender's D - 1 others (3
    // pushes); each of the recipient's D copies earns a delivery receipt and r of them a read (a
    // sequenced frame: route and server ack, then a receipt), D (1 + r) = 3 receipts, each copied
    // to the sender's D devices: 6 receipt pushes. Fanout and device acks: 3 + 6 each.
    const scenario = scenarioOf(CLOSED_FORM);
    const estimate = estimateLoad(scenario);
    const counts = estimate.operationCountsPerMessage;
    expect(estimate.messagesPerSecond).toBe(2000);
    expect(counts.route).toBeCloseTo(2, 12);
    expect(counts.serverAck).toBeCloseTo(2, 12);
    expect(counts.deliver).toBeCloseTo(3, 12);
    expect(counts.receipt).toBeCloseTo(3, 12);
    expect(counts.receiptPush).toBeCloseTo(6, 12);
    expect(counts.fanout).toBeCloseTo(9, 12);
    expect(counts.ack).toBeCloseTo(9, 12);
    for (const kind of ['store', 'drain', 'senderKey', 'groupChange', 'connect', 'disconnect', 'directoryWrite'] as const) expect(counts[kind]).toBe(0);
    expect(Object.values(estimate.sessionOperationsPerSecond).every((v) => v === 0)).toBe(true);
    // Directory lookups only fill cold caches: fewer than one a message here.
    expect(counts.directoryLookup).toBeGreaterThan(0);
    expect(counts.directoryLookup).toBeLessThan(1);

    // The simulation counts the same (a push of any kind is one `deliver` op there).
    const result = runScenario(scenario);
    const sent = result.messages.sent;
    const ops = result.operations;
    const near = (simulated: number, analytic: number) => expect(Math.abs(simulated / sent / analytic - 1)).toBeLessThan(0.06);
    near(ops.route!, counts.route);
    near(ops.serverAck!, counts.serverAck);
    near(ops.fanout!, counts.fanout);
    near(ops.ack!, counts.ack);
    near(ops.receipt!, counts.receipt);
    near(ops.deliver!, counts.serverAck + counts.deliver + counts.receiptPush);
    expect(ops.store).toBe(0);
    expect(ops.senderKey).toBe(0);
  });

  it('counts session churn per second from the session model', () => {
    // 30,000 users x 1.6 devices x 60% online = 28,800 online devices, each ending its session
    // every 10 min and reconnecting once an hour: 28,800 x (1/600 + 1/3600) = 56 disconnects/s,
    // and as many connects (logins of offline devices balance the session ends).
    const estimate = estimateLoad(scenarioOf(MIXED));
    const churn = 28_800 * (1 / 600 + 1 / 3600);
    expect(estimate.sessionOperationsPerSecond.disconnect).toBeCloseTo(churn, 6);
    expect(estimate.sessionOperationsPerSecond.connect).toBeCloseTo(churn, 6);
    expect(estimate.sessionOperationsPerSecond.directoryWrite).toBeCloseTo(2 * churn, 6);
    // Stored copies are drained at the rate they are stored in the steady state the warm start's
    // backlog stands in for; sender keys go with the first message of a device to a group.
    const counts = estimate.operationCountsPerMessage;
    expect(counts.store).toBeGreaterThan(1);
    expect(counts.drain).toBeGreaterThan(0.5);
    expect(counts.senderKey).toBeGreaterThan(0.5);
  });

  it('nobody online: no messages and no drains, so no CPU (the backlog waits for logins that never come)', () => {
    const estimate = estimateLoad(scenarioOf(MIXED, ['workload.online.share=0%']));
    for (const region of estimate.regions) expect(region.utilisation).toBe(0);
    expect(estimate.operationCountsPerMessage.drain).toBe(0);
  });

  it('first touches: all of them when the key is cold, fewer as the window runs on', () => {
    expect(firstTouchShare(0, 0, 10)).toBe(1);
    expect(firstTouchShare(1e-9, 1, 5)).toBeCloseTo(1, 6);
    // Rate 1/s over [0, 10]: 1 - e^-10 first touches for 10 touches.
    expect(firstTouchShare(1, 0, 10)).toBeCloseTo((1 - Math.exp(-10)) / 10, 12);
    expect(firstTouchShare(1, 5, 10)).toBeLessThan(firstTouchShare(1, 0, 10));
  });
});

describe('analytic utilisation against the simulation', () => {
  it('is within 20% of the simulated chat CPU in every region of a mixed workload', () => {
    const scenario = scenarioOf(MIXED);
    const estimate = estimateLoad(scenario);
    const result = runScenario(scenario);
    for (const region of estimate.regions) {
      const simulated = chatUtilisation(result, region.region);
      expect(Math.abs(region.utilisation / simulated - 1), region.region).toBeLessThan(0.2);
    }
    const servers = estimate.regions.reduce((sum, r) => sum + r.servers, 0);
    const analyticMean = estimate.regions.reduce((sum, r) => sum + r.utilisation * r.servers, 0) / servers;
    expect(Math.abs(analyticMean / chatUtilisation(result) - 1)).toBeLessThan(0.15);
    expect(Math.abs(estimate.utilisationMax / chatUtilisation(result) - 1)).toBeLessThan(0.2);
  });
});
