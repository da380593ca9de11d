/**
 * Random interleavings of connects, disconnects, sends, group changes, read receipts, retries,
 * server hops and time, across three servers on FIFO links, checked against an oracle:
 * - every message and group event reaches every intended device exactly once, or is reported
 *   dropped (expired or refused at a bound); nothing reaches a device it was not meant for;
 * - order per (sender device, conversation) holds, and each group's traffic reaches every
 *   device in the one order its home gave it;
 * - group membership, sender-key distribution and delivery/read receipts follow the rules;
 * - no queue exceeds its bound at any step, and every client frame is eventually acked.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DeviceKind,
  DropReason,
  groupAddFrame,
  groupCreateFrame,
  groupRemoveFrame,
  groupSendFrame,
  Op,
  readFrame,
  ReceiptType,
  sendFrame,
  userOf,
  type ClientFrame,
} from '../../src/core/index.js';
import { Cluster, type Seen } from './harness.js';

const SERVERS = 3;
const USERS = [
  { id: 1, devices: 2, home: 0 },
  { id: 2, devices: 1, home: 1 },
  { id: 3, devices: 3, home: 2 },
  { id: 4, devices: 1, home: 0 },
  { id: 5, devices: 2, home: 1 },
];
const GROUPS = 3;

/** Tight bounds (drops, expiry, backpressure) or roomy ones (almost everything delivered). */
interface Bounds {
  pushWindow: number;
  deviceCapacity: number;
  ttlNs: number;
}
const TIGHT: Bounds = { pushWindow: 2, deviceCapacity: 10, ttlNs: 5_000 };
const ROOMY: Bounds = { pushWindow: 8, deviceCapacity: 1_000, ttlNs: 1e12 };

const MESSAGE_KINDS: readonly number[] = [DeviceKind.Message, DeviceKind.GroupMessage];
const GROUP_KINDS: readonly number[] = [DeviceKind.GroupMessage, DeviceKind.GroupCreated, DeviceKind.GroupAdded, DeviceKind.GroupRemoved];

type Action = [number, number, number, number];

interface Sent {
  device: number;
  frame: ClientFrame;
}

const devicesOf = (user: number): number[] => {
  const spec = USERS.find((u) => u.id === user)!;
  return Array.from({ length: spec.devices }, (_, slot) => user * 8 + slot);
};
const ALL_DEVICES = USERS.flatMap((u) => devicesOf(u.id));

const idOf = (kind: number, from: number, ref: number): string => `${kind === DeviceKind.Rejected ? 'X' : 'M'}:${from}:${ref}`;

function run(actions: Action[], bounds: Bounds): void {
  const cluster = new Cluster({
    servers: SERVERS,
    users: USERS,
    deviceCapacity: bounds.deviceCapacity,
    limits: { pushWindow: bounds.pushWindow, offlineTtlNs: bounds.ttlNs, sweepIntervalNs: 1_000, groupMembersMax: 4 },
  });
  const sent: Sent[] = [];
  const reads = new Set<string>();
  const send = (device: number, make: (seq: number) => ClientFrame): void => {
    sent.push({ device, frame: cluster.send(device, make) });
  };
  const checkBounds = (): void => {
    for (const device of ALL_DEVICES) {
      const depth = cluster.servers[cluster.directory.homeOf(userOf(device))]!.queueDepth(device);
      if (depth.window > bounds.pushWindow || depth.window + depth.stored > bounds.deviceCapacity) {
        throw new Error(`device ${device} over its bound: ${JSON.stringify(depth)}`);
      }
    }
  };

  for (const [kind, a, b, c] of actions) {
    const device = ALL_DEVICES[a % ALL_DEVICES.length]!;
    const client = cluster.client(device);
    switch (kind % 20) {
      case 0:
        if (!client.connected) cluster.connect(device, b % SERVERS);
        break;
      case 1:
        cluster.disconnect(device);
        break;
      case 2:
      case 3:
        send(device, (seq) => sendFrame(seq, USERS[b % USERS.length]!.id, 10));
        break;
      case 4:
        send(device, (seq) => groupSendFrame(seq, b % GROUPS, 10));
        break;
      case 5:
        send(device, (seq) => groupCreateFrame(seq, b % GROUPS, USERS.filter((_, i) => (c >> i) & 1).map((u) => u.id)));
        break;
      case 6:
        send(device, (seq) => groupAddFrame(seq, b % GROUPS, USERS[c % USERS.length]!.id));
        break;
      case 7:
        send(device, (seq) => groupRemoveFrame(seq, b % GROUPS, USERS[c % USERS.length]!.id));
        break;
      case 8: {
        const messages = client.received.filter((s) => MESSAGE_KINDS.includes(s.kind) && userOf(s.from) !== userOf(device));
        const target = messages[b % Math.max(1, messages.length)];
        const readKey = target === undefined ? '' : `${device}:${target.from}:${target.ref}`;
        if (target !== undefined && !reads.has(readKey)) {
          reads.add(readKey);
          send(device, (seq) => readFrame(seq, target.from, target.ref));
        }
        break;
      }
      case 9:
      case 10:
      case 11:
        cluster.deliverUplink(device);
        break;
      case 12:
      case 13:
        cluster.deliverDownlink(device);
        break;
      case 14:
        cluster.ack(device);
        break;
      case 15:
      case 16:
      case 17: {
        const busy = cluster.network.busyLinks();
        if (busy.length > 0) {
          const [from, to] = busy[b % busy.length]!;
          cluster.network.deliverNext(from, to);
        }
        break;
      }
      case 18:
        cluster.advance((b % 50) * 200);
        break;
      default:
        cluster.retry(device);
        break;
    }
    checkBounds();
  }

  // Quiesce: everyone connects, acks everything, and every link drains.
  cluster.autoAck = true;
  for (const device of ALL_DEVICES) {
    if (!cluster.client(device).connected) cluster.connect(device, device % SERVERS);
    cluster.ack(device);
  }
  cluster.settle();
  checkBounds();
  check(cluster, sent);
  tally(cluster);
}

/** What the runs exercised, so a test that stopped exercising something shows it. */
const coverage = { received: 0, dropped: 0, expired: 0, groupOrdered: 0, duplicates: 0, stalePushes: 0, relayed: 0, rejected: 0 };

function tally(cluster: Cluster): void {
  for (const client of cluster.clients.values()) coverage.received += client.received.length;
  coverage.dropped += cluster.drops.filter((d) => d.reason !== DropReason.Expired).length;
  coverage.expired += cluster.drops.filter((d) => d.reason === DropReason.Expired).length;
  coverage.groupOrdered += cluster.sequenced.length;
  for (const server of cluster.servers) {
    const stats = server.stats();
    coverage.duplicates += stats.duplicates;
    coverage.stalePushes += stats.stalePushes;
    coverage.rejected += stats.rejected;
  }
  coverage.relayed += cluster.sinks.reduce((sum, sink) => sum + sink.count(Op.ServerSend), 0);
}

function check(cluster: Cluster, sent: Sent[]): void {
  expect(cluster.problems()).toEqual([]);
  for (const device of ALL_DEVICES) expect(cluster.client(device).unacked).toEqual([]);

  // What each device received and what was dropped for it, by id.
  const received = new Map<string, Map<number, number>>();
  const dropped = new Map<string, Map<number, number>>();
  const note = (map: Map<string, Map<number, number>>, id: string, device: number, value: number): void => {
    const perDevice = map.get(id) ?? new Map<number, number>();
    map.set(id, perDevice);
    perDevice.set(device, value + (map === received ? (perDevice.get(device) ?? 0) : 0));
  };
  const receiptId = (s: Seen): string => `R:${s.from}:${s.to}:${s.ref}:${s.aux}`;
  for (const device of ALL_DEVICES) {
    for (const s of cluster.client(device).received) note(received, s.kind === DeviceKind.Receipt ? receiptId(s) : idOf(s.kind, s.from, s.ref), device, 1);
  }
  for (const drop of cluster.drops) {
    const id = drop.seen.kind === DeviceKind.Receipt ? receiptId(drop.seen) : idOf(drop.seen.kind, drop.seen.from, drop.seen.ref);
    expect(dropped.get(id)?.has(drop.deviceKey) ?? false).toBe(false);
    note(dropped, id, drop.deviceKey, drop.reason);
  }

  // Intended recipients. One-to-one: from the frame. Group traffic: from the group home's order,
  // which the oracle checks against its own replay of membership.
  const intended = new Map<string, Set<number>>();
  const byFrame = new Map(sent.map((s) => [`${s.device}:${s.frame.seq}`, s]));
  for (const { device, frame } of sent) {
    if (frame.kind !== 1) continue;
    const targets = new Set([...devicesOf(frame.to), ...devicesOf(userOf(device))]);
    targets.delete(device);
    intended.set(idOf(DeviceKind.Message, device, frame.seq), targets);
  }
  const members = new Map<number, Set<number>>();
  const keyed = new Map<number, Set<number>>();
  for (const entry of cluster.sequenced) {
    const s = entry.seen;
    const origin = byFrame.get(`${s.from}:${s.ref}`);
    expect(origin).toBeDefined();
    let current = members.get(entry.groupId);
    let expectedRecipients: Set<number>;
    if (s.kind === DeviceKind.GroupCreated) {
      expect(current).toBeUndefined();
      current = new Set([userOf(s.from), ...(origin!.frame.members ?? [])]);
      members.set(entry.groupId, current);
      keyed.set(entry.groupId, new Set());
      expectedRecipients = current;
    } else {
      expect(current).toBeDefined();
      if (s.kind === DeviceKind.GroupAdded) {
        current!.add(s.aux);
        keyed.set(entry.groupId, new Set());
        expectedRecipients = current!;
      } else if (s.kind === DeviceKind.GroupRemoved) {
        expectedRecipients = new Set(current);
        current!.delete(s.aux);
        keyed.set(entry.groupId, new Set());
        if (current!.size === 0) members.delete(entry.groupId);
      } else {
        expect(current!.has(userOf(s.from))).toBe(true);
        const senders = keyed.get(entry.groupId)!;
        expect(s.aux).toBe(senders.has(s.from) ? 0 : 1);
        senders.add(s.from);
        expectedRecipients = current!;
      }
    }
    expect(new Set(entry.recipients)).toEqual(expectedRecipients);
    const targets = new Set(entry.recipients.flatMap(devicesOf));
    targets.delete(s.from);
    intended.set(idOf(s.kind, s.from, s.ref), targets);
  }
  // Every group frame was either ordered by its group's home or refused back to its sender.
  for (const { device, frame } of sent) {
    if (frame.kind < 2 || frame.kind === 3) continue;
    const ordered = intended.has(idOf(0, device, frame.seq));
    const refusedId = idOf(DeviceKind.Rejected, device, frame.seq);
    // A refusal can be both received and later expired (delivered, unacked, connection lost).
    const refused = (received.get(refusedId)?.get(device) ?? 0) > 0 || (dropped.get(refusedId)?.has(device) ?? false);
    expect(ordered).toBe(!refused);
  }

  // Exactly once, or dropped; never where not intended; receipts for what was delivered.
  const expectedReceipts = new Map<string, Set<number>>();
  for (const [id, targets] of intended) {
    for (const device of targets) {
      const got = received.get(id)?.get(device) ?? 0;
      const drop = dropped.get(id)?.get(device);
      expect(got).toBeLessThanOrEqual(1);
      if (got === 0) expect(drop).toBeDefined();
      if (got === 1 && drop !== undefined) expect(drop).toBe(DropReason.Expired);
      const [, from, ref] = id.split(':').map(Number) as [number, number, number];
      const isMessage = cluster.client(device).received.some((s) => MESSAGE_KINDS.includes(s.kind) && s.from === from && s.ref === ref);
      if (got === 1 && drop === undefined && isMessage && userOf(from) !== userOf(device)) {
        expectedReceipts.set(`R:${device}:${from}:${ref}:${ReceiptType.Delivered}`, new Set(devicesOf(userOf(from))));
      }
    }
  }
  for (const [id, perDevice] of [...received, ...dropped]) {
    if (id.startsWith('R:') || id.startsWith('X:')) continue;
    for (const device of perDevice.keys()) expect(intended.get(id)?.has(device) ?? false).toBe(true);
  }
  for (const { device, frame } of sent) {
    if (frame.kind === 3) expectedReceipts.set(`R:${device}:${frame.to}:${frame.ref}:${ReceiptType.Read}`, new Set(devicesOf(userOf(frame.to))));
  }
  for (const [id, targets] of expectedReceipts) {
    for (const device of targets) {
      const got = received.get(id)?.get(device) ?? 0;
      expect(got + (dropped.get(id)?.has(device) ? 1 : 0)).toBeGreaterThanOrEqual(1);
      expect(got).toBeLessThanOrEqual(1);
    }
  }
  for (const [id, perDevice] of [...received, ...dropped]) {
    if (!id.startsWith('R:')) continue;
    for (const device of perDevice.keys()) expect(expectedReceipts.get(id)?.has(device) ?? false).toBe(true);
  }

  // Order per (sender device, conversation), and each group's one order.
  const position = new Map(cluster.sequenced.map((entry, i) => [idOf(entry.seen.kind, entry.seen.from, entry.seen.ref), i]));
  for (const device of ALL_DEVICES) {
    const lastRef = new Map<string, number>();
    const lastGroupPosition = new Map<number, number>();
    for (const s of cluster.client(device).received) {
      if (MESSAGE_KINDS.includes(s.kind)) {
        const conversation = s.kind === DeviceKind.GroupMessage ? `g${s.to}` : `u${Math.min(userOf(s.from), s.to)}-${Math.max(userOf(s.from), s.to)}`;
        const key = `${s.from}/${conversation}`;
        expect(s.ref).toBeGreaterThan(lastRef.get(key) ?? 0);
        lastRef.set(key, s.ref);
      }
      if (GROUP_KINDS.includes(s.kind)) {
        const at = position.get(idOf(s.kind, s.from, s.ref))!;
        expect(at).toBeGreaterThan(lastGroupPosition.get(s.to) ?? -1);
        lastGroupPosition.set(s.to, at);
      }
    }
  }
}

const action = fc.tuple(fc.nat(19), fc.nat(50), fc.nat(50), fc.nat(31)) as fc.Arbitrary<Action>;

describe('routing core under random interleavings (3 servers)', () => {
  it('delivers exactly once or accounts for a drop, in order, within every bound (tight bounds)', () => {
    fc.assert(
      fc.property(fc.array(action, { minLength: 1, maxLength: 250 }), (actions) => {
        run(actions, TIGHT);
      }),
      { numRuns: 300 },
    );
  });

  it('delivers exactly once, in order (roomy bounds: nothing dropped)', () => {
    fc.assert(
      fc.property(fc.array(action, { minLength: 50, maxLength: 300 }), (actions) => {
        run(actions, ROOMY);
      }),
      { numRuns: 150 },
    );
  });

  it('holds with long runs biased to sends and hops', () => {
    const biased = fc.tuple(fc.constantFrom(0, 1, 2, 4, 5, 6, 7, 9, 12, 15, 16, 18, 19), fc.nat(50), fc.nat(50), fc.nat(31)) as fc.Arbitrary<Action>;
    fc.assert(
      fc.property(fc.array(fc.oneof(action, biased), { minLength: 200, maxLength: 600 }), (actions) => {
        run(actions, TIGHT);
      }),
      { numRuns: 60 },
    );
  });

  it('exercised drops, expiries, group traffic, retries, stale pushes and server hops', () => {
    console.log(`property coverage: ${JSON.stringify(coverage)}`);
    for (const [name, count] of Object.entries(coverage)) expect(count, name).toBeGreaterThan(0);
  });
});
