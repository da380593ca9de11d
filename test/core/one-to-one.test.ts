import { describe, expect, it } from 'vitest';
import {
  ChatServer,
  Code,
  CountingSink,
  DeviceKind,
  deviceKeyOf,
  ManualClock,
  MemoryDirectory,
  MemoryOfflineStore,
  MemoryTimers,
  NO_SERVER,
  QueueTransport,
  ReceiptType,
  readFrame,
  sendFrame,
} from '../../src/core/index.js';
import { Cluster, FakeClient } from './harness.js';

const alice = 10;
const bob = 20;
const a0 = deviceKeyOf(alice, 0);
const a1 = deviceKeyOf(alice, 1);
const b0 = deviceKeyOf(bob, 0);
const b1 = deviceKeyOf(bob, 1);
const b2 = deviceKeyOf(bob, 2);

function oneServer(): Cluster {
  return new Cluster({ servers: 1, users: [{ id: alice, devices: 2, home: 0 }, { id: bob, devices: 3, home: 0 }] });
}

describe('sessions', () => {
  it('connects registered devices, records the session in the directory and clears it on disconnect', () => {
    const world = oneServer();
    expect(world.connect(a0, 0)).toBe(Code.Accepted);
    expect(world.directory.sessionOf(a0)).toBe(0);
    expect(world.servers[0]!.stats().connectedDevices).toBe(1);
    world.disconnect(a0);
    expect(world.directory.sessionOf(a0)).toBe(NO_SERVER);
    expect(world.servers[0]!.stats().connectedDevices).toBe(0);
    expect(world.servers[0]!.disconnect(a0)).toBe(false);
  });

  it('refuses unregistered devices and invalid keys (a user has a primary and at most four companions)', () => {
    const world = oneServer();
    const server = world.servers[0]!;
    expect(server.connect(deviceKeyOf(alice, 2))).toBe(Code.NotRegistered);
    expect(server.connect(deviceKeyOf(999, 0))).toBe(Code.NotRegistered);
    expect(server.connect(deviceKeyOf(alice, 5))).toBe(Code.BadFrame);
    expect(server.connect(-8)).toBe(Code.BadFrame);
    expect(server.onClientFrame(a0, sendFrame(1, bob, 10))).toBe(Code.NotConnected);
  });

  it('a second connect replaces the first connection', () => {
    const world = oneServer();
    const server = world.servers[0]!;
    expect(server.connect(a0)).toBe(Code.Accepted);
    expect(server.connect(a0)).toBe(Code.Accepted);
    expect(server.stats().connectedDevices).toBe(1);
  });

  it('links and unlinks a companion at the home; the new device then receives', () => {
    const world = oneServer();
    const server = world.servers[0]!;
    const a2 = deviceKeyOf(alice, 2);
    expect(server.linkDevice(a2)).toBe(Code.Accepted);
    expect(server.linkDevice(a2)).toBe(Code.NotRegistered);
    world.clients.set(a2, new FakeClient(a2));
    [a0, a2, b0].forEach((key) => world.connect(key, 0));
    world.send(b0, (seq) => sendFrame(seq, alice, 5));
    world.settle();
    expect(world.receivedBy(a2, [DeviceKind.Message]).map((m) => m.ref)).toEqual([1]);
    expect(server.unlinkDevice(a2)).toBe(Code.Accepted);
    expect(world.directory.devicesOf(alice)).toBe(0b11);
    world.send(b0, (seq) => sendFrame(seq, alice, 5));
    world.settle();
    expect(world.receivedBy(a2, [DeviceKind.Message]).map((m) => m.ref)).toEqual([1]);
  });
});

describe('one-to-one messages', () => {
  it('reach every recipient device and the sender\'s other devices, once, and the sender gets a server ack', () => {
    const world = oneServer();
    [a0, a1, b0, b1, b2].forEach((key) => world.connect(key, 0));
    world.send(a0, (seq) => sendFrame(seq, bob, 100));
    world.settle();
    for (const key of [b0, b1, b2, a1]) {
      const messages = world.receivedBy(key, [DeviceKind.Message]);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatchObject({ from: a0, to: bob, ref: 1, bytes: 100 + 40 });
    }
    expect(world.receivedBy(a0, [DeviceKind.Message])).toEqual([]);
    expect(world.client(a0).acks.map((ack) => [ack.ref, ack.aux])).toEqual([[1, Code.Accepted]]);
    expect(world.client(a0).unacked).toEqual([]);
  });

  it('a message to oneself goes to one\'s other devices only', () => {
    const world = oneServer();
    [a0, a1].forEach((key) => world.connect(key, 0));
    world.send(a0, (seq) => sendFrame(seq, alice, 1));
    world.settle();
    expect(world.receivedBy(a1, [DeviceKind.Message])).toHaveLength(1);
    expect(world.receivedBy(a0, [DeviceKind.Message])).toHaveLength(0);
  });

  it('a message to an unknown user comes back as Rejected(UnknownRecipient)', () => {
    const world = oneServer();
    world.connect(a0, 0);
    const records = world.servers[0]!.stats().deviceRecords;
    world.send(a0, (seq) => sendFrame(seq, 777, 1));
    world.settle();
    expect(world.servers[0]!.stats().deviceRecords).toBe(records); // nothing kept for an unknown id
    const rejected = world.receivedBy(a0, [DeviceKind.Rejected]);
    expect(rejected).toEqual([expect.objectContaining({ from: a0, to: 777, ref: 1, aux: Code.UnknownRecipient })]);
  });

  it('delivery receipts go to every sender device when each recipient device acks; read receipts likewise', () => {
    const world = oneServer();
    [a0, a1, b0, b1, b2].forEach((key) => world.connect(key, 0));
    world.send(a0, (seq) => sendFrame(seq, bob, 100));
    world.settle();
    expect(world.receivedBy(a0, [DeviceKind.Receipt])).toEqual([]);
    world.ack(b0);
    world.ack(b1);
    world.settle();
    for (const key of [a0, a1]) {
      const receipts = world.receivedBy(key, [DeviceKind.Receipt]);
      expect(receipts.map((r) => [r.from, r.to, r.ref, r.aux])).toEqual([
        [b0, a0, 1, ReceiptType.Delivered],
        [b1, a0, 1, ReceiptType.Delivered],
      ]);
    }
    // The sender's own other device acking its copy earns no receipt.
    world.ack(a1);
    world.settle();
    expect(world.receivedBy(a0, [DeviceKind.Receipt])).toHaveLength(2);
    world.send(b2, (seq) => readFrame(seq, a0, 1));
    world.settle();
    expect(world.receivedBy(a1, [DeviceKind.Receipt]).at(-1)).toMatchObject({ from: b2, to: a0, ref: 1, aux: ReceiptType.Read });
    expect(world.receivedBy(a0, [DeviceKind.Receipt]).at(-1)).toMatchObject({ from: b2, aux: ReceiptType.Read });
  });
});

describe('idempotent retries', () => {
  it('a retried frame is acked again as Duplicate and delivered once', () => {
    const world = oneServer();
    [a0, b0].forEach((key) => world.connect(key, 0));
    const frame = world.send(a0, (seq) => sendFrame(seq, bob, 10));
    world.deliverUplink(a0);
    world.servers[0]!.onClientFrame(a0, frame);
    world.servers[0]!.onClientFrame(a0, frame);
    world.settle();
    expect(world.receivedBy(b0, [DeviceKind.Message])).toHaveLength(1);
    expect(world.client(a0).acks.map((ack) => ack.aux)).toEqual([Code.Accepted, Code.Duplicate, Code.Duplicate]);
    expect(world.servers[0]!.stats().duplicates).toBe(2);
  });

  it('a frame resent after a reconnect whose ack was lost is not delivered twice', () => {
    const world = oneServer();
    [a0, b0].forEach((key) => world.connect(key, 0));
    world.send(a0, (seq) => sendFrame(seq, bob, 10));
    world.deliverUplink(a0); // accepted; the ack is on the downlink...
    world.disconnect(a0); // ...and lost with the connection
    expect(world.client(a0).unacked).toHaveLength(1);
    world.connect(a0, 0); // resends seq 1
    world.send(a0, (seq) => sendFrame(seq, bob, 10));
    world.settle();
    expect(world.receivedBy(b0, [DeviceKind.Message]).map((m) => m.ref)).toEqual([1, 2]);
    expect(world.client(a0).unacked).toEqual([]);
  });

  it('a sequence gap is refused with SeqGap and the expected seq, consuming nothing', () => {
    const world = oneServer();
    [a0, b0].forEach((key) => world.connect(key, 0));
    world.send(a0, (seq) => sendFrame(seq, bob, 10));
    world.settle();
    const server = world.servers[0]!;
    expect(server.onClientFrame(a0, sendFrame(5, bob, 1))).toBe(Code.SeqGap);
    world.settle();
    expect(world.client(a0).acks.at(-1)).toMatchObject({ ref: 5, aux: Code.SeqGap, to: 2 });
    expect(server.onClientFrame(a0, sendFrame(2, bob, 1))).toBe(Code.Accepted);
  });

  it('a malformed sequenced frame consumes its seq and is refused with BadFrame', () => {
    const world = oneServer();
    world.connect(a0, 0);
    const server = world.servers[0]!;
    expect(server.onClientFrame(a0, { kind: 99, seq: 1, to: 0, ref: 0, bytes: 0, members: null })).toBe(Code.BadFrame);
    expect(server.onClientFrame(a0, sendFrame(2, bob, -5))).toBe(Code.BadFrame);
    expect(server.onClientFrame(a0, sendFrame(3, bob, 5))).toBe(Code.Accepted);
  });
});

describe('host contract', () => {
  it('refuses to be re-entered from inside a port call', () => {
    const clock = new ManualClock();
    const directory = new MemoryDirectory();
    directory.registerUser(alice, 1);
    directory.registerUser(bob, 1);
    let server: ChatServer | undefined;
    let error: unknown;
    server = new ChatServer({
      serverId: 0,
      clock,
      timers: new MemoryTimers(clock),
      transport: {
        toDevice: () => {
          try {
            server!.disconnect(b0);
          } catch (caught) {
            error = caught;
          }
        },
        toServer: () => undefined,
      },
      directory,
      store: new MemoryOfflineStore(),
      sink: new CountingSink(),
    });
    server.connect(a0);
    server.connect(b0);
    server.onClientFrame(a0, sendFrame(1, bob, 1));
    expect(String(error)).toMatch(/re-entered/);
  });

  it('sizes its table for the records a host expects, and behaves the same', () => {
    const make = (recordsExpected?: number) => {
      const clock = new ManualClock();
      const directory = new MemoryDirectory();
      directory.registerUser(alice, 1);
      directory.registerUser(bob, 1);
      const transport = new QueueTransport();
      const server = new ChatServer({ serverId: 0, clock, timers: new MemoryTimers(clock), transport, directory, store: new MemoryOfflineStore(), sink: new CountingSink(), recordsExpected });
      server.connect(a0);
      server.connect(b0);
      server.onClientFrame(a0, sendFrame(1, bob, 1));
      return { server, transport };
    };
    const plain = make();
    const sized = make(100_000);
    expect(sized.server.tableBytes()).toBeGreaterThan(plain.server.tableBytes() * 100);
    expect(JSON.stringify(sized.transport)).toBe(JSON.stringify(plain.transport));
    expect(sized.server.stats()).toEqual(plain.server.stats());
  });

  it('reports every invalid limit at once', () => {
    const clock = new ManualClock();
    expect(
      () =>
        new ChatServer({
          serverId: -1,
          clock,
          timers: new MemoryTimers(clock),
          transport: new QueueTransport(),
          directory: new MemoryDirectory(),
          store: new MemoryOfflineStore(),
          sink: new CountingSink(),
          limits: { pushWindow: 0, offlineTtlNs: -1 },
        }),
    ).toThrow(/pushWindow[\s\S]*offlineTtlNs[\s\S]*serverId/);
  });
});
