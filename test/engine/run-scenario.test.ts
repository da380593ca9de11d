/**
 * The engine end to end: the reference workload against queueing theory (DESIGN.md section 7), the
 * quickstart's report has something in every section, and a run is reproducible byte for byte.
 */
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/engine/run-scenario.js';
import type { RunResult } from '../../src/metrics/run-result.js';
import { loadScenario } from '../../src/scenario/index.js';

function load(name: string, overrides: string[] = []) {
  const result = loadScenario(`scenarios/${name}.yaml`, overrides);
  if (!result.ok) throw new Error(result.problems.map((p) => p.reason).join('\n'));
  return result.scenario;
}

function withoutMeta(result: RunResult): string {
  const { meta: _meta, ...rest } = result;
  return JSON.stringify(rest);
}

describe('reference-chat (DESIGN.md section 7)', () => {
  // One measured second is 200,000 messages (the mean's standard error is about 0.001 ms), after
  // 100 ms of warm-up so that the servers' load has reached its steady state.
  const result = runScenario(load('reference-chat', ['duration=1100ms', 'warmup=100ms']));

  it('has the mean end-to-end latency of M/M/8 theory, 62.297 ms, within 0.5%', () => {
    expect(Math.abs(result.latency.endToEnd.meanMs - 62.297) / 62.297).toBeLessThan(0.005);
    // Floor of the path: 30 + 30 ms of access; ceiling well under 70 ms at utilisation 0.625.
    expect(result.latency.endToEnd.p50Ms).toBeGreaterThan(60);
    expect(result.latency.endToEnd.p999Ms).toBeLessThan(70);
  });

  it('loads every server at utilisation 0.625 and delivers at the offered rate', () => {
    const chat = result.servers.filter((s) => s.role === 'chat');
    expect(chat).toHaveLength(16);
    for (const server of chat) expect(server.cpuUtilisation).toBeCloseTo(0.625, 1);
    const mean = chat.reduce((sum, s) => sum + s.cpuUtilisation, 0) / chat.length;
    expect(Math.abs(mean - 0.625)).toBeLessThan(0.01);
    expect(Math.abs(result.rates.messagesInPerSecond - 200_000) / 200_000).toBeLessThan(0.01);
    expect(result.messages.dropped).toBe(0);
    // Messages sent in the last 62 ms are still in flight at the end.
    expect(result.messages.pending).toBeGreaterThan(10_000);
    expect(result.messages.pending).toBeLessThan(15_000);
    expect(result.messages.delivered + result.messages.pending).toBe(result.messages.sent);
  });
});

describe('quickstart', () => {
  const short = ['duration=6s', 'warmup=1s'];
  const first = runScenario(load('quickstart', short));

  it('has something in every section of the report', () => {
    expect(first.messages.sent).toBeGreaterThan(50_000);
    expect(first.messages.delivered).toBeGreaterThan(10_000);
    expect(first.messages.deliveriesToDevices).toBeGreaterThan(first.messages.delivered);
    expect(first.messages.storedOffline).toBeGreaterThan(0);
    // Every delivery has a latency but the warm start's backlog, sent before the run.
    expect(first.messages.backlogDeliveries).toBeGreaterThan(0);
    expect(first.messages.warmupDeliveries).toBeGreaterThan(0);
    expect(first.latency.endToEnd.count).toBe(first.messages.deliveriesToDevices - first.messages.backlogDeliveries - first.messages.warmupDeliveries);
    expect(first.latency.endToEnd.p50Ms).toBeGreaterThan(30);
    const chat = first.servers.filter((s) => s.role === 'chat');
    expect(chat).toHaveLength(8);
    // Each region's directory and offline store, loaded below their capacity.
    const services = first.servers.filter((s) => s.role !== 'chat');
    expect(services.map((s) => s.id)).toEqual(['directory-eu', 'directory-us', 'directory-in', 'offline-store-eu', 'offline-store-us', 'offline-store-in']);
    for (const service of services) {
      expect(service.operations).toBeGreaterThan(0);
      expect(service.cpuUtilisation).toBeGreaterThan(0);
      expect(service.cpuUtilisation).toBeLessThan(1);
    }
    for (const server of chat) {
      expect(server.cpuUtilisation).toBeGreaterThan(0);
      expect(server.connectionsPeak).toBeGreaterThan(1000);
      expect(server.memoryBytesPeak).toBeGreaterThan(0);
    }
    const crossRegion = first.links.filter((l) => l.from !== l.to);
    expect(crossRegion).toHaveLength(6);
    for (const link of first.links) expect(link.bytes).toBeGreaterThan(0);
    expect(first.operations['senderKey']).toBeGreaterThan(0);
    expect(first.operations['receipt']).toBeGreaterThan(0);
    expect(first.timeSeries.sent).toHaveLength(5);
    // Peaks of the series: the busiest second sends at least the mean rate, devices log in.
    expect(first.rates.messagesInPerSecondPeak).toBeGreaterThanOrEqual(first.rates.messagesInPerSecond);
    expect(first.rates.messagesInPerSecondPeak).toBe(Math.max(...first.timeSeries.sent));
    expect(first.rates.loginsPerSecondPeak).toBeGreaterThan(10);
    expect(first.rates.connectionsPeak).toBe(Math.max(...first.timeSeries.connections));
  });

  it('is byte-identical for the same seed, apart from meta', () => {
    const second = runScenario(load('quickstart', short));
    expect(withoutMeta(second)).toBe(withoutMeta(first));
  });

  it('differs for another seed', () => {
    const other = runScenario(load('quickstart', [...short, 'seed=43']));
    expect(withoutMeta(other)).not.toBe(withoutMeta(first));
  });
});

describe('stopping early', () => {
  it('returns a partial report of the simulated time before the stop (Ctrl-C)', () => {
    let polls = 0;
    // Polls come every 500,000 events (about 0.7 simulated seconds here): the sixth is inside the
    // measured window.
    const result = runScenario(load('quickstart', ['duration=6s', 'warmup=1s']), { shouldStop: () => ++polls >= 6 });
    expect(result.partial).toBe(true);
    expect(result.stoppedBy).toBe('interrupted');
    expect(result.simulatedSeconds).toBeGreaterThan(1);
    expect(result.simulatedSeconds).toBeLessThan(6);
    expect(result.messages.sent).toBeGreaterThan(0);
  });

  it('stops at maxEvents and says so', () => {
    const result = runScenario(load('quickstart', ['duration=6s', 'warmup=0s', 'maxEvents=200000']));
    expect(result.partial).toBe(true);
    expect(result.stoppedBy).toBe('maxEvents');
    expect(result.meta.events).toBe(200_000);
  });
});

describe('independent random streams (DESIGN.md section 5)', () => {
  it('offers the same messages whatever the capacity: a what-if on cores changes no arrival', () => {
    const run = (cores: number) => runScenario(load('quickstart', ['duration=2500ms', 'warmup=500ms', `chatServers.cores=${cores}`]));
    const few = run(2);
    const many = run(8);
    expect(few.messages.sent).toBe(many.messages.sent);
    expect(few.timeSeries.sent).toEqual(many.timeSeries.sent);
    // ... while the deployment's answer to them does change.
    expect(few.latency.endToEnd.meanMs).not.toBe(many.latency.endToEnd.meanMs);
  });
});
