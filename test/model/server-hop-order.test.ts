/**
 * Frames from one chat server to another (deployment.ts, hopOut): they leave in the order the
 * sending server's core produced them, whenever the CPU jobs that carry them finish (one
 * connection per pair of servers, whose writes are serialised). Without it a route job waiting on
 * the directory, or a longer job on another core, was overtaken by a later one to the same server,
 * and two messages of one sender in one conversation could reach the recipient's home, and so its
 * devices, the wrong way round.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChatServer } from '../../src/core/chat-server.js';
import { DeviceKind, type Envelope, type ServerFrame } from '../../src/core/frames.js';
import { runScenario } from '../../src/engine/run-scenario.js';
import { Deployment } from '../../src/model/deployment.js';
import { loadScenario } from '../../src/scenario/index.js';
import type { ResolvedScenario } from '../../src/scenario/resolved.js';

const SMALL = `name: small
seed: 5
duration: 3s
warmup: 500ms
regions:
  eu: { timezone: Europe/Berlin, users: 200, accessLatency: "lognormal(30ms, 0.8)" }
chatServers: { perRegion: 2, cores: 4 }
directory: { latency: exp(5ms) }
workload:
  online: { share: 100% }
  messagesPerSecond: 2000/s
  recipients: { pick: zipf, zipf: 1 }
`;

function scenarioOf(overrides: string[] = []): ResolvedScenario {
  const loaded = loadScenario({ text: SMALL, fileName: 'server-hop-order.yaml' }, overrides);
  if (!loaded.ok) throw new Error(loaded.problems.map((p) => `${p.field ?? ''}: ${p.reason}`).join('\n'));
  return loaded.scenario;
}

// Private members reached through the prototype, typed loosely on purpose.
type Loose = Record<string, (...args: unknown[]) => unknown>;
const deploymentProto = Deployment.prototype as unknown as Loose;
const coreProto = ChatServer.prototype as unknown as Loose;

/** Counts frames sent over server links, and the most frames held at once for an earlier one. */
function watchHops(): { sent: number; heldMost: number } {
  const watch = { sent: 0, heldMost: 0 };
  const sendHop = deploymentProto['sendHop']!;
  vi.spyOn(deploymentProto, 'sendHop').mockImplementation(function (this: unknown, ...args: unknown[]) {
    watch.sent++;
    const held = (this as { heldHopCount?: number }).heldHopCount ?? 0;
    if (held > watch.heldMost) watch.heldMost = held;
    return sendHop.apply(this, args);
  });
  return watch;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('frames between two chat servers', () => {
  it('keep order per (sender, conversation) at the recipient devices', () => {
    // 200 users, two servers of four cores, Zipf recipients: a sender often writes to the same
    // person twice in a short while. A heavy-tailed access latency makes a sender's frames reach
    // its home together (its link is FIFO), so their route jobs run side by side: a shorter one,
    // or one that does not wait for the directory (first lookups, 5 ms on average), finished
    // first and its frame to the recipient's home overtook the earlier one. The home sequences
    // the mailbox in arrival order, so the devices got them the wrong way round (18 such
    // inversions in this run before the frames kept their order; 14 to 26 with seeds 1 to 4).
    const last = new Map<string, number>();
    let copies = 0;
    let inversions = 0;
    const onMessageCopy = deploymentProto['onMessageCopy']!;
    vi.spyOn(deploymentProto, 'onMessageCopy').mockImplementation(function (this: unknown, ...args: unknown[]) {
      const [deviceKey, env] = args as [number, Envelope];
      // A conversation: the recipient user (one-to-one) or the group; client seqs grow per sender device.
      const key = `${env.from}:${env.kind}:${env.to}:${deviceKey}`;
      const before = last.get(key);
      if (before !== undefined && env.ref < before) inversions++;
      else last.set(key, env.ref);
      copies++;
      return onMessageCopy.apply(this, args);
    });
    const hops = watchHops();
    const result = runScenario(scenarioOf());
    expect(copies).toBeGreaterThan(4_000);
    expect(inversions).toBe(0);
    // Some frames waited for an earlier one on their pair (the case this is about happened).
    expect(hops.heldMost).toBeGreaterThan(0);
    expect(result.messages.duplicates).toBe(0);
  });

  it('leave each server in the order its core sent them', () => {
    // Every frame, of any sender: the core's order per (server, peer) is taken from the core's
    // own sendServer, the leaving order from the link. 2,000 users: many first lookups in the
    // directory (exp(5 ms)), whose jobs were overtaken by later ones to the same peer (1,327
    // frames left behind a later one before).
    const order = new Map<ServerFrame, number>();
    const produced = new Map<number, number>();
    const lastLeft = new Map<number, number>();
    const servers = 2;
    const sendServer = coreProto['sendServer']!;
    vi.spyOn(coreProto, 'sendServer').mockImplementation(function (this: unknown, ...args: unknown[]) {
      const [to, frame] = args as [number, ServerFrame];
      const pair = (this as { serverId: number }).serverId * servers + to;
      const n = (produced.get(pair) ?? 0) + 1;
      produced.set(pair, n);
      order.set(frame, n);
      return sendServer.apply(this, args);
    });
    let overtaken = 0;
    let messages = 0;
    const sendHop = deploymentProto['sendHop']!;
    vi.spyOn(deploymentProto, 'sendHop').mockImplementation(function (this: unknown, ...args: unknown[]) {
      const [from, to, frame] = args as [number, number, ServerFrame];
      const pair = from * servers + to;
      const n = order.get(frame)!;
      if (n < (lastLeft.get(pair) ?? 0)) overtaken++;
      else lastLeft.set(pair, n);
      if (frame.env !== null && frame.env.kind === DeviceKind.Message) messages++;
      return sendHop.apply(this, args);
    });
    runScenario(scenarioOf(['regions.eu.users=2000', 'regions.eu.accessLatency=30ms']));
    expect(messages).toBeGreaterThan(2_000);
    expect(overtaken).toBe(0);
  });

  it('release their place when a job is refused, so the frames behind it still leave', () => {
    // One core, a CPU queue of 10 and 5 ms per route: most jobs are refused, frames with them.
    // A lost frame's place in its pair's order is given up at once; were it not, every frame
    // behind it on the pair would wait for ever.
    const hops = watchHops();
    const result = runScenario(scenarioOf(['chatServers.cores=1', 'chatServers.cpuQueueMax=10', 'costs.route=5ms', 'regions.eu.accessLatency=30ms']));
    expect(result.servers.some((s) => s.dropped > 0)).toBe(true);
    expect(hops.heldMost).toBeGreaterThan(0);
    // 619 frames leave and 94 messages are pending at the end; with the places of lost frames
    // kept, 14 frames leave and 605 messages are pending.
    expect(hops.sent).toBeGreaterThan(500);
    expect(result.messages.pending).toBeLessThan(200);
  });
});
