import { describe, expect, it } from 'vitest';
import { deviceKeyOf, groupCreateFrame, groupSendFrame, Op, OP_COUNT, OP_NAMES, sendFrame } from '../../src/core/index.js';
import { Cluster } from './harness.js';

const a0 = deviceKeyOf(1, 0);
const b0 = deviceKeyOf(2, 0);

describe('accounting', () => {
  it('names every operation kind once', () => {
    expect(OP_NAMES).toHaveLength(OP_COUNT);
    expect(new Set(OP_NAMES).size).toBe(OP_COUNT);
    expect(OP_NAMES[Op.Route]).toBe('route');
    expect(OP_NAMES[Op.Fanout]).toBe('fanout');
  });

  it('charges a local one-to-one message, its delivery ack and receipt, operation by operation with bytes', () => {
    const cluster = new Cluster({ servers: 1, users: [{ id: 1, devices: 1, home: 0 }, { id: 2, devices: 1, home: 0 }] });
    cluster.connect(a0, 0);
    cluster.connect(b0, 0);
    const sink = cluster.sinks[0]!;
    expect(sink.toRecord()).toEqual({
      connect: { count: 2, bytes: 96 },
      directoryLookup: { count: 4, bytes: 0 }, // home and devices of each user, then cached
      directoryWrite: { count: 2, bytes: 0 },
    });
    sink.reset();
    cluster.send(a0, (seq) => sendFrame(seq, 2, 200));
    cluster.settle();
    expect(sink.toRecord()).toEqual({
      route: { count: 1, bytes: 200 },
      serverAck: { count: 1, bytes: 32 },
      fanout: { count: 1, bytes: 240 },
      deliver: { count: 2, bytes: 32 + 240 },
    });
    sink.reset();
    cluster.ack(b0);
    cluster.settle();
    expect(sink.toRecord()).toEqual({
      ack: { count: 1, bytes: 0 },
      receipt: { count: 1, bytes: 64 },
      fanout: { count: 1, bytes: 64 },
      deliver: { count: 1, bytes: 64 },
    });
  });

  it('charges server frames on both sides and a group fan-out per device', () => {
    const cluster = new Cluster({
      servers: 2,
      users: [{ id: 1, devices: 1, home: 0 }, { id: 2, devices: 2, home: 1 }],
      placeGroup: () => 0,
    });
    cluster.connect(a0, 0);
    cluster.connect(b0, 1);
    cluster.connect(deviceKeyOf(2, 1), 1);
    cluster.send(a0, (seq) => groupCreateFrame(seq, 9, [2]));
    cluster.settle();
    cluster.sinks.forEach((sink) => sink.reset());
    cluster.send(a0, (seq) => groupSendFrame(seq, 9, 100));
    cluster.settle();
    const [home0, home1] = cluster.sinks;
    expect(home0!.count(Op.Route)).toBe(1);
    expect(home0!.count(Op.ServerSend)).toBe(1); // one ToUsers frame for both of user 2's devices
    expect(home1!.count(Op.ServerReceive)).toBe(1);
    expect(home1!.count(Op.Fanout)).toBe(2);
    expect(home1!.count(Op.SenderKey)).toBe(2); // first message after the group changed
    expect(home1!.bytes[Op.SenderKey]).toBe(320);
    expect(home1!.bytes[Op.ServerReceive]).toBe(home0!.bytes[Op.ServerSend]);
  });
});
