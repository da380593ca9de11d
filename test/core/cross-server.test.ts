import { describe, expect, it } from 'vitest';
import { Code, DeviceKind, deviceKeyOf, NO_SERVER, Op, sendFrame } from '../../src/core/index.js';
import { Cluster } from './harness.js';

const alice = 3; // home 0
const bob = 4; // home 1
const a0 = deviceKeyOf(alice, 0);
const b0 = deviceKeyOf(bob, 0);
const b1 = deviceKeyOf(bob, 1);

function world(): Cluster {
  return new Cluster({ servers: 3, users: [{ id: alice, devices: 1, home: 0 }, { id: bob, devices: 2, home: 1 }] });
}

describe('across servers', () => {
  it('routes a message from the sender\'s home to the recipient\'s home in one server frame', () => {
    const cluster = world();
    cluster.connect(a0, 0);
    cluster.connect(b0, 1);
    cluster.connect(b1, 1);
    cluster.send(a0, (seq) => sendFrame(seq, bob, 10));
    cluster.settle();
    expect(cluster.receivedBy(b0, [DeviceKind.Message])).toHaveLength(1);
    expect(cluster.receivedBy(b1, [DeviceKind.Message])).toHaveLength(1);
    expect(cluster.sinks[0]!.count(Op.ServerSend)).toBe(1);
    expect(cluster.sinks[1]!.count(Op.ServerReceive)).toBe(1);
    // Receipts travel back the same way.
    cluster.ack(b0);
    cluster.settle();
    expect(cluster.receivedBy(a0, [DeviceKind.Receipt]).map((r) => r.from)).toEqual([b0]);
  });

  it('relays through a session server that is not the device\'s home', () => {
    const cluster = world();
    cluster.connect(a0, 2); // alice connects to server 2; her home is 0
    cluster.connect(b0, 1);
    cluster.send(a0, (seq) => sendFrame(seq, bob, 10));
    cluster.settle();
    expect(cluster.client(a0).acks.map((ack) => ack.aux)).toEqual([Code.Accepted]);
    expect(cluster.receivedBy(b0, [DeviceKind.Message])).toHaveLength(1);
    cluster.send(b0, (seq) => sendFrame(seq, alice, 10));
    cluster.settle();
    expect(cluster.receivedBy(a0, [DeviceKind.Message]).map((m) => m.from)).toEqual([b0]);
    expect(cluster.servers[0]!.sessionView(a0)).toBe(2);
  });

  it('invalidates the home\'s view when a device reconnects elsewhere; stale pushes are dropped, nothing is delivered twice', () => {
    const cluster = world();
    cluster.connect(a0, 0);
    cluster.connect(b0, 1);
    cluster.send(a0, (seq) => sendFrame(seq, bob, 10));
    cluster.settle();
    // b0 moves to server 2 without its old connection being noticed yet, then back to 1.
    cluster.client(b0).server = NO_SERVER;
    cluster.client(b0).downlink.clear();
    cluster.connect(b0, 2);
    cluster.network.deliverAll();
    expect(cluster.servers[1]!.sessionView(b0)).toBe(2);
    cluster.send(a0, (seq) => sendFrame(seq, bob, 10));
    cluster.settle();
    expect(cluster.receivedBy(b0, [DeviceKind.Message]).map((m) => m.ref)).toEqual([1, 2]);
    // The old server still thinks b0 is connected; its late detach must not disturb the new session.
    cluster.servers[1]!.disconnect(b0);
    cluster.send(a0, (seq) => sendFrame(seq, bob, 10));
    cluster.settle();
    expect(cluster.receivedBy(b0, [DeviceKind.Message]).map((m) => m.ref)).toEqual([1, 2, 3]);
    expect(cluster.servers[1]!.sessionView(b0)).toBe(2);
    expect(cluster.problems()).toEqual([]);
  });

  it('ignores an attach that arrives after a newer session (the directory decides)', () => {
    const cluster = world();
    cluster.connect(b0, 0); // attach 0 -> 1 in flight
    cluster.disconnect(b0); // detach in flight
    cluster.connect(b0, 2); // attach 2 -> 1 in flight
    cluster.network.deliverNext(2, 1); // the newer attach arrives first
    cluster.network.deliverAll();
    expect(cluster.servers[1]!.sessionView(b0)).toBe(2);
    cluster.connect(a0, 0);
    cluster.send(a0, (seq) => sendFrame(seq, bob, 10));
    cluster.settle();
    expect(cluster.receivedBy(b0, [DeviceKind.Message])).toHaveLength(1);
    expect(cluster.servers[0]!.stats().stalePushes).toBe(0);
  });

  it('keeps a sender\'s order when it hops servers with frames still in flight', () => {
    const cluster = world();
    cluster.connect(b0, 1);
    cluster.connect(a0, 1); // alice on a non-home server
    for (let i = 0; i < 3; i++) cluster.send(a0, (seq) => sendFrame(seq, bob, 10));
    cluster.deliverUplink(a0);
    cluster.deliverUplink(a0); // seq 1, 2 relayed 1 -> 0, still in flight
    cluster.connect(a0, 2); // hop: resends 1, 2, 3 through server 2
    cluster.send(a0, (seq) => sendFrame(seq, bob, 10));
    // Let the new path run first, then the old one.
    while (cluster.deliverUplink(a0));
    while (cluster.network.deliverNext(2, 0));
    cluster.settle();
    expect(cluster.receivedBy(b0, [DeviceKind.Message]).map((m) => m.ref)).toEqual([1, 2, 3, 4]);
    expect(cluster.servers[0]!.stats().duplicates).toBe(2);
  });

  it('counts a push whose connection closed as stale, and the home keeps the envelope', () => {
    const cluster = world();
    cluster.connect(a0, 0);
    cluster.connect(b0, 2);
    cluster.network.deliverAll();
    cluster.send(a0, (seq) => sendFrame(seq, bob, 10));
    cluster.deliverUplink(a0);
    cluster.network.deliverNext(0, 1); // home 1 pushes to server 2
    cluster.disconnect(b0); // detach 2 -> 1 in flight after the push 1 -> 2
    cluster.network.deliverAll();
    expect(cluster.servers[2]!.stats().stalePushes).toBe(1);
    expect(cluster.servers[1]!.queueDepth(b0).stored).toBe(1);
    cluster.connect(b0, 1);
    cluster.settle();
    expect(cluster.receivedBy(b0, [DeviceKind.Message])).toHaveLength(1);
  });
});
