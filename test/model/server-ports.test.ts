/** A core's ports (server-ports.ts) hand every call to the deployment, saying which server made it. */
import { describe, expect, it } from 'vitest';
import { DeviceKind, Envelope, ServerFrame, ServerKind } from '../../src/core/frames.js';
import { Op } from '../../src/core/ops.js';
import type { BackingService } from '../../src/model/backing-service.js';
import { ServerPorts, type ServerPortsHost } from '../../src/model/server-ports.js';
import { Simulator } from '../../src/sim/simulator.js';

function recordingHost(calls: unknown[][]): ServerPortsHost {
  return {
    chargeCoreOp: (...args) => void calls.push(['chargeCoreOp', ...args]),
    coreToDevice: (...args) => void calls.push(['coreToDevice', ...args]),
    coreToServer: (...args) => void calls.push(['coreToServer', ...args]),
    startCoreTimer: (...args) => {
      calls.push(['startCoreTimer', ...args]);
      return 77;
    },
    cancelCoreTimer: (...args) => void calls.push(['cancelCoreTimer', ...args]),
    coreDroppedCopy: (...args) => void calls.push(['coreDroppedCopy', ...args]),
  };
}

describe('ServerPorts', () => {
  const directory = { id: 'directory-a' } as unknown as BackingService;
  const offlineStore = { id: 'offline-a' } as unknown as BackingService;

  it('forwards each port to the host with its server, its op counts and its region services', () => {
    const calls: unknown[][] = [];
    const sim = new Simulator();
    const opCounts = new Float64Array(4);
    const ports = new ServerPorts(recordingHost(calls), sim, 5, opCounts, directory, offlineStore);
    const env = new Envelope(DeviceKind.Message, 1, 2, 3, 0, 100);
    const frame = new ServerFrame(ServerKind.ToUser, 0, 0, 9, env, null, null, 120);

    expect(ports.schedule(1_000, 3)).toBe(77);
    ports.cancel(77);
    ports.toDevice(42, env);
    ports.toServer(7, frame);
    ports.charge(Op.Route, 100);
    ports.dropped(42, env);
    ports.groupSequenced();

    expect(calls).toEqual([
      ['startCoreTimer', 5, 1_000, 3],
      ['cancelCoreTimer', 77],
      ['coreToDevice', 42, env],
      ['coreToServer', 7, frame],
      ['chargeCoreOp', Op.Route, opCounts, directory, offlineStore],
      ['coreDroppedCopy', 42, env],
    ]);
  });

  it('reads the clock from the kernel as it runs', () => {
    const sim = new Simulator();
    const ports = new ServerPorts(recordingHost([]), sim, 0, new Float64Array(1), directory, offlineStore);
    const seen: number[] = [];
    const kind = sim.register('look', () => seen.push(ports.nowNs()));
    sim.scheduleAt(2_500, kind, 0);
    sim.scheduleAt(9_000, kind, 0);
    sim.run();
    expect(seen).toEqual([2_500, 9_000]);
  });
});
