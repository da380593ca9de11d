/** Client state: device records are given out on first use, in the order met, and never shared. */
import { describe, expect, it } from 'vitest';
import { deviceKeyOf } from '../../src/core/ids.js';
import { ClientState, DEVICE_RECORD } from '../../src/model/client-state.js';
import { Population } from '../../src/model/population.js';
import { loadScenario } from '../../src/scenario/index.js';

/** Quickstart's client state: of a slice of its first two servers, or in full fidelity. */
function clientState(slice = true): { clients: ClientState; population: Population } {
  const result = loadScenario('scenarios/quickstart.yaml', []);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  const population = new Population(result.scenario);
  const simulated = new Uint8Array(population.serverCount).fill(slice ? 0 : 1);
  if (slice) simulated.fill(1, 0, 2);
  return { clients: new ClientState(population, simulated, slice), population };
}

const I32_STRIDE = DEVICE_RECORD.bytes / 4;
const CLIENT_SEQ = DEVICE_RECORD.i32.clientSeq;

describe('ClientState', () => {
  it('in full fidelity, gives each device the record of its dense index', () => {
    const { clients } = clientState(false);
    expect([17, 3, clients.devices - 1].map((dev) => clients.record(dev))).toEqual([17, 3, clients.devices - 1]);
    expect(clients.recordsInUse).toBe(clients.devices);
  });

  it('in a slice, gives a device its record when first used, numbered in the order met, and the same one after', () => {
    const { clients } = clientState();
    const devices = [17, 3, clients.devices - 1, 250];
    expect(devices.map((dev) => clients.record(dev))).toEqual([0, 1, 2, 3]);
    expect(devices.map((dev) => clients.record(dev))).toEqual([0, 1, 2, 3]);
    expect(clients.recordsInUse).toBe(4);
  });

  it('keeps devices online without giving them records, and each device its own record', () => {
    const { clients, population } = clientState();
    const index = 5;
    const user = clients.userOfIndex(index);
    const base = clients.deviceFirst[index]!;
    clients.setOnline(base, index, 1);
    expect(clients.isOnline(base)).toBe(true);
    expect(clients.hasDeviceOnline(index)).toBe(true);
    expect(clients.onlineSlotOf(user, 0)).toBe(0);
    expect(clients.recordsInUse).toBe(0);
    // A device's client sequence lives in its record: counting one device's leaves the others' at 0.
    const key = deviceKeyOf(user, 0);
    expect([clients.nextClientSeq(key), clients.nextClientSeq(key), clients.nextClientSeq(key)]).toEqual([1, 2, 3]);
    const other = deviceKeyOf(clients.userOfIndex(index + 1), 0);
    expect(clients.nextClientSeq(other)).toBe(1);
    expect(clients.deviceI32[clients.record(base) * I32_STRIDE + CLIENT_SEQ]).toBe(3);
    expect(clients.recordsInUse).toBe(2);
    expect(population.deviceCountOf(user)).toBeGreaterThan(0);
  });
});
