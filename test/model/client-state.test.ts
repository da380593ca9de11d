/** Client state: device records are given out on first use, in the order met, and never shared. */
import { describe, expect, it } from 'vitest';
import { deviceKeyOf } from '../../src/core/ids.js';
import { ClientState, DEVICE_RECORD } from '../../src/model/client-state.js';
import { Population } from '../../src/model/population.js';
import { loadScenario } from '../../src/scenario/index.js';

function clientState(): { clients: ClientState; population: Population } {
  const result = loadScenario('scenarios/quickstart.yaml', []);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  const population = new Population(result.scenario);
  const simulated = new Uint8Array(population.serverCount).fill(1);
  return { clients: new ClientState(population, simulated, false), population };
}

const I32_STRIDE = DEVICE_RECORD.bytes / 4;
const CLIENT_SEQ = DEVICE_RECORD.i32.clientSeq;

describe('ClientState', () => {
  it('gives a device its record when first used, numbered in the order met, and the same one after', () => {
    const { clients } = clientState();
    const devices = [17, 3, clients.devices - 1, 250];
    expect(devices.map((dev) => clients.record(dev))).toEqual([0, 1, 2, 3]);
    expect(devices.map((dev) => clients.record(dev))).toEqual([0, 1, 2, 3]);
    expect(clients.recordsInUse).toBe(4);
  });

  it('keeps devices online without giving them records, and each device its own record', () => {
    const { clients, population } = clientState();
    const user = 5;
    const base = clients.deviceFirst[user]!;
    clients.setOnline(base, user, 1);
    expect(clients.isOnline(base)).toBe(true);
    expect(clients.hasDeviceOnline(user)).toBe(true);
    expect(clients.onlineSlotOf(user, 0)).toBe(0);
    expect(clients.recordsInUse).toBe(0);
    // A device's client sequence lives in its record: counting one device's leaves the others' at 0.
    const key = deviceKeyOf(user, 0);
    expect([clients.nextClientSeq(key), clients.nextClientSeq(key), clients.nextClientSeq(key)]).toEqual([1, 2, 3]);
    const other = deviceKeyOf(user + 1, 0);
    expect(clients.nextClientSeq(other)).toBe(1);
    expect(clients.deviceI32[clients.record(base) * I32_STRIDE + CLIENT_SEQ]).toBe(3);
    expect(clients.recordsInUse).toBe(2);
    expect(population.deviceCountOf(user)).toBeGreaterThan(0);
  });
});
