/**
 * Slice fidelity against full fidelity (DESIGN.md section 4, issue 6): a slice of 4 of 16 chat
 * servers, the rest stood in for by the outside world, must agree with the full run on per-server
 * CPU utilisation within 2% and on p50 and p99 end-to-end latency within 5%.
 */
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/engine/run-scenario.js';
import { sliceServersByRegion } from '../../src/model/outside-world.js';
import { loadScenario } from '../../src/scenario/index.js';

function load(name: string, overrides: string[]) {
  const result = loadScenario(`scenarios/${name}.yaml`, overrides);
  if (!result.ok) throw new Error(result.problems.map((p) => p.reason).join('\n'));
  return result.scenario;
}

const relative = (a: number, b: number) => Math.abs(a - b) / b;

/**
 * A runner for two regions of 60,000 and 40,000 users on 6 and 4 servers, 20 ms apart, with hash
 * placement, everyone online with one device (so a server's load depends only on who is homed
 * there, the same users in both runs), and the given workload lines.
 */
function twoRegions(name: string, duration: string, workload: string) {
  const text = `name: ${name}
seed: 3
duration: ${duration}
warmup: 100ms
regions:
  a: { timezone: UTC, users: 60000, chatServers: { count: 6 } }
  b: { timezone: UTC, users: 40000, chatServers: { count: 4 } }
links:
  a-b: { latency: 20ms }
chatServers: { cores: 8, placement: hash }
workload:
  online: { share: 100% }
${workload}`;
  return (overrides: string[]) => {
    const loaded = loadScenario({ text, fileName: `${name}.yaml` }, overrides);
    if (!loaded.ok) throw new Error(loaded.problems.map((p) => `${p.field}: ${p.reason}`).join('\n'));
    return runScenario(loaded.scenario);
  };
}

describe('slice fidelity agrees with full fidelity', () => {
  // reference-chat shrunk to 160,000 users at 32,000 messages/s: each server still at 0.625.
  const shape = ['duration=1100ms', 'warmup=100ms', 'regions.main.users=160000', 'workload.messagesPerSecond=32000/s', 'chatServers.cores=8', 'costs.route=exp(1250us)', 'costs.deliver=exp(1250us)'];
  const full = runScenario(load('reference-chat', shape));
  const slice = runScenario(load('reference-chat', [...shape, 'fidelity=slice', 'sliceServers=4']));
  const chatCpu = (r: typeof full) => r.servers.filter((s) => s.role === 'chat').map((s) => s.cpuUtilisation);

  it('simulates only the slice, and says so', () => {
    expect(chatCpu(full)).toHaveLength(16);
    expect(chatCpu(slice)).toHaveLength(4);
    expect(slice.slice?.simulatedServers).toBe(4);
    expect(slice.slice?.totalServers).toBe(16);
    expect(full.slice).toBeUndefined();
  });

  it('on per-server CPU utilisation, within 2%', () => {
    const fullMean = chatCpu(full).reduce((a, b) => a + b, 0) / 16;
    expect(relative(slice.slice!.derived.cpuUtilisationMean, fullMean)).toBeLessThan(0.02);
    // The 99% interval reaches the full mean, within the same 2%. It is a t interval over four
    // servers, so its width is itself a draw, and the slice runs a little above full fidelity in
    // this shape (+1.8%, +2.7%, +0.7% with seeds 1, 2, 3): with seed 1 the four servers spread
    // +-4.7% before frames between servers kept their core's order, +-1.2% after (the same mean,
    // 0.6314; the costs are drawn in another order), which stops 0.5% short of the full mean.
    expect(slice.slice!.derived.cpuUtilisationCi99Low).toBeLessThanOrEqual(fullMean * 1.02);
    expect(slice.slice!.derived.cpuUtilisationCi99High).toBeGreaterThanOrEqual(fullMean * 0.98);
  });

  it('on p50 and p99 end-to-end latency, within 5%', () => {
    expect(relative(slice.latency.endToEnd.p50Ms, full.latency.endToEnd.p50Ms)).toBeLessThan(0.05);
    expect(relative(slice.latency.endToEnd.p99Ms, full.latency.endToEnd.p99Ms)).toBeLessThan(0.05);
  });

  it('derives the deployment-wide traffic from the slice', () => {
    expect(relative(slice.slice!.derived.messagesInPerSecond, full.rates.messagesInPerSecond)).toBeLessThan(0.03);
    expect(relative(slice.slice!.derived.messagesOutPerSecond, full.rates.messagesOutPerSecond)).toBeLessThan(0.03);
    expect(slice.slice!.derived.connectionsPeak).toBe(full.rates.connectionsPeak);
  });

  it("reports the deployment's rates, peaks included, in `rates`, and the slice's own in slice.simulatedRates", () => {
    const derived = slice.slice!.derived;
    expect([slice.rates.messagesInPerSecond, slice.rates.messagesOutPerSecond, slice.rates.connectionsPeak]).toEqual([
      derived.messagesInPerSecond,
      derived.messagesOutPerSecond,
      derived.connectionsPeak,
    ]);
    // The busiest interval of a series scaled up from 4 servers is a little noisier than the full
    // run's: within 5% here (100 ms intervals of about 3,200 messages).
    expect(relative(slice.rates.messagesInPerSecondPeak, full.rates.messagesInPerSecondPeak)).toBeLessThan(0.05);
    expect(relative(slice.rates.messagesOutPerSecondPeak, full.rates.messagesOutPerSecondPeak)).toBeLessThan(0.05);
    expect(slice.rates.messagesInPerSecondPeak).toBeGreaterThanOrEqual(slice.rates.messagesInPerSecond);
    // The slice's own: its 4 servers' 40,000 devices, all connected from the start.
    expect(slice.slice!.simulatedRates.connectionsPeak).toBe(40_000);
    expect(slice.slice!.simulatedRates.messagesInPerSecond).toBe(Math.round((slice.messages.sent / 1) * 1000) / 1000);
  });
});

describe('a slice of a deployment whose regions differ', () => {
  // Region a: 7 servers of 10,000 users; region b: 1 server of 30,000. A slice of 4 takes 3 and 1
  // (every other server would have taken 4 of a and left b out).
  const TWO_REGIONS = `name: two-regions
seed: 11
duration: 1100ms
warmup: 100ms
regions:
  a: { timezone: UTC, users: 70000, chatServers: { count: 7 } }
  b: { timezone: UTC, users: 30000, chatServers: { count: 1 } }
links:
  a-b: { latency: 20ms }
chatServers: { cores: 8, placement: hash }
workload:
  online: { share: 100% }
  messagesPerSecond: 20000/s
  recipients: { sameRegion: 50% }
  groups: { share: 0% }
`;
  const run = (overrides: string[]) => {
    const loaded = loadScenario({ text: TWO_REGIONS, fileName: 'two-regions.yaml' }, overrides);
    if (!loaded.ok) throw new Error(loaded.problems.map((p) => `${p.field}: ${p.reason}`).join('\n'));
    return runScenario(loaded.scenario);
  };
  const full = run([]);
  const slice = run(['fidelity=slice', 'sliceServers=4']);

  it('takes servers from every region in proportion, and scales each region by its own share', () => {
    expect(slice.servers.filter((s) => s.role === 'chat').map((s) => s.region)).toEqual(['a', 'a', 'a', 'b']);
    expect(relative(slice.slice!.derived.messagesInPerSecond, full.rates.messagesInPerSecond)).toBeLessThan(0.03);
    expect(relative(slice.slice!.derived.messagesOutPerSecond, full.rates.messagesOutPerSecond)).toBeLessThan(0.03);
    expect(relative(slice.slice!.derived.connectionsPeak, full.rates.connectionsPeak)).toBeLessThan(0.01);
    const fullCpu = full.servers.filter((s) => s.role === 'chat').reduce((sum, s) => sum + s.cpuUtilisation, 0) / 8;
    expect(relative(slice.slice!.derived.cpuUtilisationMean, fullCpu)).toBeLessThan(0.05);
  });
});

describe('a slice drawing its one-to-one messages directly, by activity and popularity rank', () => {
  // Senders and recipients both Zipf-skewed, two regions that write to each other, no groups: every
  // message the slice sees comes from the direct one-to-one streams (slice-one-to-one.ts).
  const run = twoRegions('skewed', '6100ms', `  messagesPerUserPerDay: { mean: 8640, zipf: 0.7 }
  recipients: { sameRegion: 70%, pick: zipf, zipf: 0.6 }
  groups: { share: 0% }
`);
  const full = run([]);
  const slice = run(['fidelity=slice', 'sliceServers=4']);
  const operationsOf = (r: typeof full, ids: string[]) => ids.map((id) => r.servers.find((s) => s.id === id)!.operations);

  it("gives the slice's servers the work the full run gives them: messages from inside, into it, and between", () => {
    const ids = slice.servers.filter((s) => s.role === 'chat').map((s) => s.id);
    expect(ids).toHaveLength(4);
    const inFull = operationsOf(full, ids);
    const inSlice = operationsOf(slice, ids);
    // About 90,000 operations a server (routes, deliveries, acks of some 15,000 messages): +0.3% at
    // seed 3 over the four, within 1.3% on each. Mutations caught: a recipient region chosen with
    // the wrong same-region share, or recipients inside weighed wrongly (tens of percent, or 10x).
    // The senders' online weight Z is 1 here; the test below with some users offline checks it.
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    expect(relative(sum(inSlice), sum(inFull))).toBeLessThan(0.025);
    for (let i = 0; i < ids.length; i++) expect(relative(inSlice[i]!, inFull[i]!)).toBeLessThan(0.06);
  });

  it('derives messages in and copies out within 5% of the full run', () => {
    expect(relative(slice.slice!.derived.messagesInPerSecond, full.rates.messagesInPerSecond)).toBeLessThan(0.05);
    expect(relative(slice.slice!.derived.messagesOutPerSecond, full.rates.messagesOutPerSecond)).toBeLessThan(0.05);
  });
});

describe('a slice of a deployment that only writes to groups', () => {
  // Everyone online, groups of 3 to 5 in two regions: the slice's servers must do the group work the
  // full run gives them, receipts from members outside and sender keys from homes outside included.
  const run = twoRegions('groups', '3100ms', `  messagesPerSecond: 5000/s
  groups: { share: 100%, size: { min: 3, max: 5 } }
`);
  const full = run([]);
  const slice = run(['fidelity=slice', 'sliceServers=4']);

  it('does every kind of operation at the per-server rate of the full run, within 6%', () => {
    // Per server: the full run's counts over its 10 servers against the slice's over its 4. Before
    // the outside world answered group copies with receipts and carried sender keys, fanout, deliver
    // and ack were 24 to 28% short and senderKey 59% (session 6).
    const kinds = ['route', 'fanout', 'deliver', 'ack', 'receipt', 'serverSend', 'serverReceive', 'senderKey'] as const;
    const perServer = (r: typeof full, servers: number, kind: (typeof kinds)[number]) => r.operations[kind] / servers;
    const off = kinds.filter((kind) => relative(perServer(slice, 4, kind), perServer(full, 10, kind)) >= 0.06);
    expect(off).toEqual([]);
  });
});

describe('a slice whose devices drain a warm backlog', () => {
  // Half the devices offline, the warm start's backlog on: old messages' receipts flow to their
  // senders everywhere, and the slice receives those of its users' old messages drained outside.
  const run = twoRegions('backlog', '20100ms', `  messagesPerUserPerDay: { mean: 8640, zipf: 0 }
  recipients: { sameRegion: 70%, pick: uniform }
  groups: { share: 0% }
`);
  // A warm-up of 2 s: the reads of messages delivered before the run (most of the minute's receipts
  // here) are filled in at its end at the rate its reads had, which 100 ms gives only within 5%.
  const full = run(['workload.online.share=50%', 'warmup=2s']);
  const slice = run(['workload.online.share=50%', 'warmup=2s', 'fidelity=slice', 'sliceServers=4']);

  it('stores as many copies offline per server as the full run', () => {
    // -0.7% at seed 3 (+6.1% with a warm-up of 100 ms); without the receipts of old messages drained outside, -19%.
    const stored = (r: typeof full, servers: number) => r.messages.storedOffline / servers;
    expect(relative(stored(slice, 4), stored(full, 10))).toBeLessThan(0.05);
  });
});

describe('a slice whose users have several devices, some offline', () => {
  // A user with companions is online when any device is: the outside's senders must be drawn
  // that way too, or the slice's own senders weigh more than they should.
  const shape = ['duration=1100ms', 'warmup=100ms', 'regions.main.users=160000', 'workload.messagesPerSecond=null', 'workload.online.share=40%', 'workload.devicesPerUser={1: 50%, 3: 50%}', 'workload.messagesPerUserPerDay={mean: 17280, zipf: 0.5}'];
  const full = runScenario(load('reference-chat', shape));
  const slice = runScenario(load('reference-chat', [...shape, 'fidelity=slice', 'sliceServers=4']));

  it('derives messages in within 5%', () => {
    // About 8,000 messages from inside in the measured second: 5% is 4 standard errors. Drawing
    // outside users as if they had one device put this 30% high.
    expect(relative(slice.slice!.derived.messagesInPerSecond, full.rates.messagesInPerSecond)).toBeLessThan(0.05);
  });

  it('derives the peak rate of logins from the slice', () => {
    // One region, 4 of 16 servers: every interval's logins are scaled by 4, so the peak is too.
    expect(slice.slice!.simulatedRates.loginsPerSecondPeak).toBeGreaterThan(0);
    expect(slice.rates.loginsPerSecondPeak).toBe(4 * slice.slice!.simulatedRates.loginsPerSecondPeak);
    // Against the full run (101/s against 116/s with seed 1): the slice sees about 3 logins per
    // 100 ms interval, so the busiest of ten carries tens of percent of noise.
    expect(relative(slice.rates.loginsPerSecondPeak, full.rates.loginsPerSecondPeak)).toBeLessThan(0.35);
  });
});

describe('sliceServersByRegion', () => {
  it('gives every region one server while k allows, the rest by largest remainder', () => {
    expect(sliceServersByRegion(8, [228, 81, 294, 161, 41])).toEqual([2, 1, 3, 1, 1]);
    expect(sliceServersByRegion(4, [7, 1])).toEqual([3, 1]);
    expect(sliceServersByRegion(2, [10, 30, 20])).toEqual([0, 1, 1]);
    expect(sliceServersByRegion(16, [16])).toEqual([16]);
    expect(sliceServersByRegion(10, [3, 2])).toEqual([3, 2]);
  });
});
