import { describe, expect, it } from 'vitest';
import { Code, DeviceKind, deviceKeyOf, DropReason, NS_PER_DAY, Op, sendFrame } from '../../src/core/index.js';
import { Cluster } from './harness.js';

const alice = 1;
const bob = 2;
const a0 = deviceKeyOf(alice, 0);
const b0 = deviceKeyOf(bob, 0);
const b1 = deviceKeyOf(bob, 1);

function world(options: { deviceCapacity?: number; pushWindow?: number; ttlNs?: number } = {}): Cluster {
  return new Cluster({
    servers: 1,
    users: [{ id: alice, devices: 1, home: 0 }, { id: bob, devices: 2, home: 0 }],
    deviceCapacity: options.deviceCapacity,
    limits: {
      pushWindow: options.pushWindow ?? 128,
      offlineTtlNs: options.ttlNs ?? 30 * NS_PER_DAY,
      sweepIntervalNs: 3600e9,
    },
  });
}

function sendMany(cluster: Cluster, count: number): void {
  for (let i = 0; i < count; i++) cluster.send(a0, (seq) => sendFrame(seq, bob, 10));
  cluster.settle();
}

describe('offline store-and-forward', () => {
  it('stores messages for an offline device and drains them in order on reconnect', () => {
    const cluster = world();
    cluster.connect(a0, 0);
    cluster.connect(b0, 0);
    sendMany(cluster, 5);
    expect(cluster.servers[0]!.queueDepth(b1)).toEqual({ window: 0, stored: 5 });
    cluster.connect(b1, 0);
    cluster.settle();
    expect(cluster.receivedBy(b1, [DeviceKind.Message]).map((m) => m.ref)).toEqual([1, 2, 3, 4, 5]);
    expect(cluster.servers[0]!.queueDepth(b1)).toEqual({ window: 5, stored: 0 });
    expect(cluster.sinks[0]!.count(Op.Drain)).toBe(5);
  });

  it('keeps unacked pushes across a disconnect and resumes after the last seq the device holds', () => {
    const cluster = world();
    cluster.connect(a0, 0);
    cluster.connect(b0, 0);
    sendMany(cluster, 3);
    // b0 received 1..3 but acked only up to the first.
    const first = cluster.receivedBy(b0, [DeviceKind.Message])[0]!;
    cluster.servers[0]!.onDeviceAck(b0, first.seq);
    cluster.send(a0, (seq) => sendFrame(seq, bob, 10));
    cluster.deliverUplink(a0); // message 4 pushed to b0, still on its downlink
    cluster.disconnect(b0); // message 4 lost in flight
    expect(cluster.servers[0]!.queueDepth(b0)).toEqual({ window: 0, stored: 3 });
    cluster.connect(b0, 0); // reports holding up to message 3
    cluster.settle();
    expect(cluster.receivedBy(b0, [DeviceKind.Message]).map((m) => m.ref)).toEqual([1, 2, 3, 4]);
    expect(cluster.problems()).toEqual([]);
    // Messages 2 and 3 were confirmed by the reconnect, so alice has receipts for 1, 2, 3.
    expect(cluster.receivedBy(a0, [DeviceKind.Receipt]).filter((r) => r.from === b0).map((r) => r.ref)).toEqual([1, 2, 3]);
  });

  it('holds at most pushWindow unacked pushes per device; the rest waits in the store until acks arrive', () => {
    const cluster = world({ pushWindow: 2 });
    cluster.connect(a0, 0);
    cluster.connect(b0, 0);
    sendMany(cluster, 5);
    expect(cluster.receivedBy(b0, [DeviceKind.Message]).map((m) => m.ref)).toEqual([1, 2]);
    expect(cluster.servers[0]!.queueDepth(b0)).toEqual({ window: 2, stored: 3 });
    cluster.ack(b0);
    cluster.settle();
    expect(cluster.receivedBy(b0, [DeviceKind.Message]).map((m) => m.ref)).toEqual([1, 2, 3, 4]);
    cluster.autoAck = true;
    cluster.ack(b0);
    cluster.settle();
    expect(cluster.receivedBy(b0, [DeviceKind.Message]).map((m) => m.ref)).toEqual([1, 2, 3, 4, 5]);
    expect(cluster.servers[0]!.queueDepth(b0)).toEqual({ window: 0, stored: 0 });
  });

  it('drops at the per-device bound (queue plus window), tells the observer and counts it', () => {
    const cluster = world({ deviceCapacity: 3, pushWindow: 2 });
    cluster.connect(a0, 0);
    cluster.connect(b0, 0);
    sendMany(cluster, 5);
    // b0: 2 in flight + 1 stored = 3; b1 (offline): 3 stored.
    expect(cluster.servers[0]!.queueDepth(b0)).toEqual({ window: 2, stored: 1 });
    expect(cluster.servers[0]!.queueDepth(b1)).toEqual({ window: 0, stored: 3 });
    const drops = cluster.drops.map((d) => [d.deviceKey, d.seen.ref, d.reason]);
    expect(drops).toEqual([
      [b0, 4, DropReason.DeviceQueueFull],
      [b1, 4, DropReason.DeviceQueueFull],
      [b0, 5, DropReason.DeviceQueueFull],
      [b1, 5, DropReason.DeviceQueueFull],
    ]);
    expect(cluster.servers[0]!.stats().dropped).toBe(4);
  });

  it('expires entries older than the time to live in the periodic sweep and counts them', () => {
    const cluster = world({ ttlNs: 10 * NS_PER_DAY });
    cluster.connect(a0, 0);
    sendMany(cluster, 2);
    cluster.advance(5 * NS_PER_DAY);
    sendMany(cluster, 1);
    cluster.advance(5 * NS_PER_DAY + 3600e9); // first two are now older than 10 days
    expect(cluster.servers[0]!.stats().expired).toBe(4); // 2 messages x 2 devices
    expect(cluster.drops.every((d) => d.reason === DropReason.Expired)).toBe(true);
    cluster.connect(b0, 0);
    cluster.settle();
    expect(cluster.receivedBy(b0, [DeviceKind.Message]).map((m) => m.ref)).toEqual([3]);
  });

  it('expires entries found stale while draining, before the sweep gets to them', () => {
    const cluster = world({ ttlNs: 1e6 });
    cluster.connect(a0, 0);
    sendMany(cluster, 2);
    cluster.clock.advance(2e6); // no timers fired
    cluster.connect(b0, 0);
    cluster.settle();
    expect(cluster.receivedBy(b0, [DeviceKind.Message])).toEqual([]);
    expect(cluster.servers[0]!.stats().expired).toBe(2);
  });

  it('the sweep timer reschedules itself', () => {
    const cluster = world();
    expect(cluster.timers[0]!.pending).toBe(1);
    cluster.advance(3600e9);
    expect(cluster.timers[0]!.pending).toBe(1);
    expect(cluster.sinks[0]!.count(Op.Timer)).toBe(1);
    cluster.servers[0]!.close();
    expect(cluster.timers[0]!.pending).toBe(0);
  });

  it('a server ack for a device that went offline is simply not sent (the client retries)', () => {
    const cluster = world();
    cluster.connect(a0, 0);
    cluster.send(a0, (seq) => sendFrame(seq, bob, 1));
    cluster.disconnect(a0);
    expect(cluster.connect(a0, 0)).toBe(Code.Accepted);
    cluster.settle();
    expect(cluster.client(a0).unacked).toEqual([]);
  });
});
