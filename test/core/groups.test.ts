import { describe, expect, it } from 'vitest';
import {
  Code,
  DeviceKind,
  deviceKeyOf,
  groupAddFrame,
  groupCreateFrame,
  groupRemoveFrame,
  groupSendFrame,
  Op,
  sendFrame,
} from '../../src/core/index.js';
import { Cluster } from './harness.js';

const [u1, u2, u3, u4] = [1, 2, 3, 4];
const key = (user: number, slot = 0): number => deviceKeyOf(user, slot);
const G = 100;
const groupKinds = [DeviceKind.GroupMessage, DeviceKind.GroupCreated, DeviceKind.GroupAdded, DeviceKind.GroupRemoved, DeviceKind.Rejected];

function world(servers = 1): Cluster {
  const cluster = new Cluster({
    servers,
    users: [
      { id: u1, devices: 2, home: 0 },
      { id: u2, devices: 1, home: 1 % servers },
      { id: u3, devices: 3, home: 2 % servers },
      { id: u4, devices: 1, home: 0 },
    ],
    limits: { groupMembersMax: 3 },
  });
  for (const client of cluster.clients.values()) cluster.connect(client.deviceKey, cluster.directory.homeOf(Math.floor(client.deviceKey / 8)));
  return cluster;
}

function kindsAndRefs(cluster: Cluster, deviceKey: number): [number, number, number][] {
  return cluster.receivedBy(deviceKey, groupKinds).map((s) => [s.kind, s.from, s.ref]);
}

describe('groups', () => {
  for (const servers of [1, 3]) {
    it(`creates a group and fans messages out to every member device (${servers} server(s))`, () => {
      const cluster = world(servers);
      cluster.send(key(u1), (seq) => groupCreateFrame(seq, G, [u2, u3]));
      cluster.send(key(u1), (seq) => groupSendFrame(seq, G, 50));
      cluster.settle();
      const expected: [number, number, number][] = [
        [DeviceKind.GroupCreated, key(u1), 1],
        [DeviceKind.GroupMessage, key(u1), 2],
      ];
      for (const device of [key(u1, 1), key(u2), key(u3, 0), key(u3, 1), key(u3, 2)]) expect(kindsAndRefs(cluster, device)).toEqual(expected);
      expect(kindsAndRefs(cluster, key(u1))).toEqual([]);
      expect(kindsAndRefs(cluster, key(u4))).toEqual([]);
    });
  }

  it('carries the sender key pairwise on a sender\'s first message after each membership change only', () => {
    const cluster = world(1);
    cluster.send(key(u1), (seq) => groupCreateFrame(seq, G, [u2]));
    cluster.send(key(u1), (seq) => groupSendFrame(seq, G, 50)); // first: key
    cluster.send(key(u1), (seq) => groupSendFrame(seq, G, 50)); // no key
    cluster.send(key(u2), (seq) => groupSendFrame(seq, G, 50)); // u2's first: key
    cluster.send(key(u1, 1), (seq) => groupSendFrame(seq, G, 50)); // u1's companion is another sender device: key
    cluster.settle();
    cluster.send(key(u1), (seq) => groupAddFrame(seq, G, u4));
    cluster.send(key(u1), (seq) => groupSendFrame(seq, G, 50)); // after the change: key again
    cluster.settle();
    const fromU1 = cluster.receivedBy(key(u2), [DeviceKind.GroupMessage]).filter((m) => m.from === key(u1));
    expect(fromU1.map((m) => [m.ref, m.aux])).toEqual([
      [2, 1],
      [3, 0],
      [5, 1],
    ]);
    expect(cluster.receivedBy(key(u1, 1), [DeviceKind.GroupMessage]).find((m) => m.from === key(u2))?.aux).toBe(1);
    expect(cluster.receivedBy(key(u2), [DeviceKind.GroupMessage]).find((m) => m.from === key(u1, 1))?.aux).toBe(1);
    const withKey = cluster.receivedBy(key(u2), [DeviceKind.GroupMessage]).find((m) => m.aux === 1)!;
    const withoutKey = cluster.receivedBy(key(u2), [DeviceKind.GroupMessage]).find((m) => m.aux === 0)!;
    expect(withKey.bytes - withoutKey.bytes).toBe(160);
    // 1 key copy per receiving device: u2 and u1:1 for each keyed message of u1, u1:0/u1:1 for u2's, ...
    expect(cluster.sinks[0]!.count(Op.SenderKey)).toBe(2 + 2 + 2 + 3);
  });

  it('orders membership changes with messages: the removed member gets its removal, then nothing; the added one nothing before', () => {
    const cluster = world(3);
    cluster.send(key(u1), (seq) => groupCreateFrame(seq, G, [u2]));
    cluster.send(key(u1), (seq) => groupSendFrame(seq, G, 1)); // 2
    cluster.send(key(u1), (seq) => groupRemoveFrame(seq, G, u2)); // 3
    cluster.send(key(u1), (seq) => groupSendFrame(seq, G, 1)); // 4
    cluster.send(key(u1), (seq) => groupAddFrame(seq, G, u3)); // 5
    cluster.send(key(u1), (seq) => groupSendFrame(seq, G, 1)); // 6
    cluster.settle();
    expect(kindsAndRefs(cluster, key(u2)).map(([kind, , ref]) => [kind, ref])).toEqual([
      [DeviceKind.GroupCreated, 1],
      [DeviceKind.GroupMessage, 2],
      [DeviceKind.GroupRemoved, 3],
    ]);
    expect(kindsAndRefs(cluster, key(u3, 2)).map(([kind, , ref]) => [kind, ref])).toEqual([
      [DeviceKind.GroupAdded, 5],
      [DeviceKind.GroupMessage, 6],
    ]);
    expect(kindsAndRefs(cluster, key(u1, 1)).map(([, , ref]) => ref)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('refuses with a code: non-members, non-admins, a full group, an existing group, a missing group', () => {
    const cluster = world(3);
    cluster.send(key(u1), (seq) => groupCreateFrame(seq, G, [u2])); // 1
    cluster.settle(); // different senders are not ordered with each other: let the group exist first
    cluster.send(key(u4), (seq) => groupSendFrame(seq, G, 1)); // not a member
    cluster.send(key(u2), (seq) => groupAddFrame(seq, G, u4)); // not admin
    cluster.settle();
    cluster.send(key(u1), (seq) => groupAddFrame(seq, G, u3)); // 2: now 3 members (the bound)
    cluster.send(key(u1), (seq) => groupAddFrame(seq, G, u4)); // 3: full
    cluster.send(key(u1), (seq) => groupAddFrame(seq, G, u2)); // 4: already a member
    cluster.send(key(u4), (seq) => groupCreateFrame(seq, G, [])); // exists
    cluster.send(key(u4), (seq) => groupSendFrame(seq, G + 1, 1)); // no such group
    cluster.send(key(u4), (seq) => groupCreateFrame(seq, G + 2, [u1, u2, u3])); // 4 members > 3
    cluster.settle();
    cluster.send(key(u2), (seq) => groupRemoveFrame(seq, G, u3)); // not admin
    cluster.send(key(u2), (seq) => groupRemoveFrame(seq, G, u2)); // leaving is allowed
    cluster.settle();
    const codes = (device: number): number[] => cluster.receivedBy(device, [DeviceKind.Rejected]).map((r) => r.aux);
    // G+2 has another home than G, so its refusal may arrive in another order (another conversation).
    expect(codes(key(u4)).sort((a, b) => a - b)).toEqual([Code.NotMember, Code.GroupFull, Code.GroupExists, Code.NoSuchGroup]);
    expect(codes(key(u2))).toEqual([Code.NotAdmin, Code.NotAdmin]);
    expect(codes(key(u1))).toEqual([Code.GroupFull, Code.AlreadyMember]);
    expect(cluster.servers[G % 3]!.groupMembers(G)).toEqual([u1, u3]);
  });

  it('hands the admin role to the oldest member when the admin leaves', () => {
    const cluster = world(1);
    cluster.send(key(u1), (seq) => groupCreateFrame(seq, G, [u2, u3]));
    cluster.send(key(u1), (seq) => groupRemoveFrame(seq, G, u1));
    cluster.send(key(u2), (seq) => groupRemoveFrame(seq, G, u3));
    cluster.settle();
    expect(cluster.servers[0]!.groupMembers(G)).toEqual([u2]);
  });

  it('fans out one envelope per member home, not one frame per device', () => {
    const cluster = world(3);
    cluster.send(key(u1), (seq) => groupCreateFrame(seq, G, [u2, u3]));
    cluster.settle();
    const groupHome = G % 3;
    const before = cluster.sinks[groupHome]!.count(Op.ServerSend);
    cluster.send(key(u1), (seq) => sendFrame(seq, u1, 1)); // unrelated, keeps seq in step
    cluster.send(key(u1), (seq) => groupSendFrame(seq, G, 1));
    cluster.settle();
    // Members u1 (home 0), u2 (home 1), u3 (home 2); the group home (1) sends to homes 0 and 2 only.
    expect(groupHome).toBe(1);
    expect(cluster.sinks[groupHome]!.count(Op.ServerSend) - before).toBe(2);
    expect(cluster.receivedBy(key(u3, 1), [DeviceKind.GroupMessage])).toHaveLength(1);
  });
});
