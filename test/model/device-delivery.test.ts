/**
 * Pushes from a home to its devices, and the simulated client's side of them (deployment.ts):
 * a push leaves on the connection, and in the order, the core sent it with, whenever its CPU job
 * finishes; so the device's one number, the highest mailbox sequence it holds, is a correct
 * cumulative ack, resume point and dedup state.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChatServer } from '../../src/core/chat-server.js';
import { DeviceKind, Envelope } from '../../src/core/frames.js';
import { deviceKeyOf } from '../../src/core/ids.js';
import { runScenario } from '../../src/engine/run-scenario.js';
import { Deployment } from '../../src/model/deployment.js';
import { MessageTable } from '../../src/model/message-table.js';
import { loadScenario } from '../../src/scenario/index.js';
import type { ResolvedScenario } from '../../src/scenario/resolved.js';
import { RandomStreams } from '../../src/sim/random.js';
import { Simulator } from '../../src/sim/simulator.js';
import { NS_PER_MS, NS_PER_S } from '../../src/sim/time.js';
import { RECONNECT_HEAVY, SMALL } from '../review/small-scenario.js';

/** The review tests' small deployment, with four cores a server and a measured window. */
const SHAPE = ['seed=5', 'duration=3s', 'warmup=500ms', 'chatServers.cores=4'];

function scenarioOf(overrides: string[]): ResolvedScenario {
  const loaded = loadScenario({ text: SMALL, fileName: 'device-delivery.yaml' }, [...SHAPE, ...overrides]);
  if (!loaded.ok) throw new Error(loaded.problems.map((p) => `${p.field ?? ''}: ${p.reason}`).join('\n'));
  return loaded.scenario;
}

// Private members reached through the prototype, typed loosely on purpose.
type Loose = Record<string, (...args: unknown[]) => unknown>;
const deploymentProto = Deployment.prototype as unknown as Loose;
const coreProto = ChatServer.prototype as unknown as Loose;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('pushes to a device', () => {
  it('leave in the order the core sent them, though the CPU jobs that made them finish out of order', () => {
    // Four cores and group fan-outs of 50..100 members beside one-to-one messages: a short job
    // often finishes before a long one that started earlier and pushed to the same device.
    const lastSeq = new Map<string, number>();
    let sent = 0;
    let overtaken = 0;
    const sendDown = deploymentProto['sendDown']!;
    vi.spyOn(deploymentProto, 'sendDown').mockImplementation(function (this: unknown, ...args: unknown[]) {
      const [, deviceKey, , env, connection] = args as [number, number, number, Envelope, number];
      if (env.kind !== DeviceKind.Ack) {
        const key = `${deviceKey}:${connection}`;
        if (env.seq <= (lastSeq.get(key) ?? 0)) overtaken++;
        lastSeq.set(key, env.seq);
        sent++;
      }
      return sendDown.apply(this, args);
    });
    let releases = 0;
    const releaseHeld = deploymentProto['releaseHeld']!;
    vi.spyOn(deploymentProto, 'releaseHeld').mockImplementation(function (this: unknown, ...args: unknown[]) {
      releases++;
      return releaseHeld.apply(this, args);
    });
    const result = runScenario(scenarioOf(['workload.groups.share=20%', 'workload.groups.size={min: 50, max: 100}', 'costs.fanout=20us']));
    expect(sent).toBeGreaterThan(10_000);
    // None went down behind a later one...
    expect(overtaken).toBe(0);
    // ...though some were held behind an earlier one (the case this is about happened).
    expect(releases).toBeGreaterThan(0);
    expect(result.messages.duplicates).toBe(0);
  });

  it('earn a delivery receipt only once the device holds the copy, across reconnects', () => {
    // The home confirms a copy (frees it, sends its sender a delivery receipt) on the device's
    // cumulative ack or on the highest sequence it reports when it reconnects. If a later push
    // overtook an earlier one, that number claimed the earlier copy too: its receipt went early,
    // and after a reconnect the copy was lost (freed at the home, dropped on the old connection).
    const held = new Set<string>();
    let confirmed = 0;
    let confirmedNotHeld = 0;
    const onMessageCopy = deploymentProto['onMessageCopy']!;
    vi.spyOn(deploymentProto, 'onMessageCopy').mockImplementation(function (this: unknown, ...args: unknown[]) {
      const [deviceKey, env] = args as [number, Envelope];
      held.add(`${deviceKey}:${env.from}:${env.ref}`);
      return onMessageCopy.apply(this, args);
    });
    const confirm = coreProto['confirmed']!;
    vi.spyOn(coreProto, 'confirmed').mockImplementation(function (this: unknown, ...args: unknown[]) {
      const [deviceKey, env] = args as [number, Envelope];
      if (env.kind === DeviceKind.Message || env.kind === DeviceKind.GroupMessage) {
        confirmed++;
        if (!held.has(`${deviceKey}:${env.from}:${env.ref}`)) confirmedNotHeld++;
      }
      return confirm.apply(this, args);
    });
    const result = runScenario(scenarioOf(RECONNECT_HEAVY));
    expect(confirmed).toBeGreaterThan(10_000);
    expect(confirmedNotHeld).toBe(0);
    expect(result.messages.duplicates).toBe(0);
  });
});

describe('the simulated device', () => {
  it('acks a copy it already holds again, and neither delivers nor counts it a second time', () => {
    const scenario = scenarioOf(['workload.messagesPerSecond=10/s']);
    const sim = new Simulator();
    const deployment = new Deployment(scenario, sim, new RandomStreams(scenario.seed), { delivered: () => undefined });
    deployment.start();
    sim.run({ untilNs: 100 * NS_PER_MS });
    deployment.beginMeasuring();
    const loose = deployment as unknown as Loose;
    const user = 7;
    const deviceKey = deviceKeyOf(user, 0);
    const home = deployment.population.homeOf(user);
    const dev = (deployment as unknown as { clients: { denseIndex(deviceKey: number): number } }).clients.denseIndex(deviceKey);
    const connection = loose['serverConnectionOf']!.call(deployment, dev) as number;
    // A tracked message owed one copy, its envelope pushed twice on the device's connection (as a
    // home that resends what it does not know was received would).
    const senderKey = deviceKeyOf(1234, 0);
    const ref = 99_999;
    deployment.messages.add(MessageTable.keyOf(senderKey, ref), sim.nowNs, 1, true);
    const env = new Envelope(DeviceKind.Message, senderKey, user, ref, 0, 200);
    env.seq = 2 ** 40;
    let copies = 0;
    const onMessageCopy = deploymentProto['onMessageCopy']!;
    vi.spyOn(deploymentProto, 'onMessageCopy').mockImplementation(function (this: unknown, ...args: unknown[]) {
      if ((args[1] as Envelope) === env) copies++;
      return onMessageCopy.apply(this, args);
    });
    const acks: number[] = [];
    const sendUp = deploymentProto['sendUp']!;
    vi.spyOn(deploymentProto, 'sendUp').mockImplementation(function (this: unknown, ...args: unknown[]) {
      const [key, , , control, ackSeq] = args as [number, number, unknown, number, number];
      if (key === deviceKey && control === 3) acks.push(ackSeq);
      return sendUp.apply(this, args);
    });
    loose['sendDown']!.call(deployment, home, deviceKey, dev, env, connection);
    loose['sendDown']!.call(deployment, home, deviceKey, dev, env, connection);
    sim.run({ untilNs: sim.nowNs + NS_PER_S });
    expect(copies).toBe(1);
    expect(deployment.counters.duplicatesAtDevices).toBe(1);
    expect(deployment.counters.delivered).toBeGreaterThanOrEqual(1);
    expect(deployment.messages.size).toBeLessThan(100);
    // Both copies acked: the first when delivered, the duplicate again (so a home would free it).
    expect(acks.filter((seq) => seq === env.seq)).toEqual([env.seq, env.seq]);
  });
});
