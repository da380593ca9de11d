/** The simulator's directory passes the core's directory contract, with and without dense indexes. */
import { describe, expect, it } from 'vitest';
import { deviceKeyOf, NO_SERVER, slotOf, userOf } from '../../src/core/index.js';
import { DenseSessionDirectory } from '../../src/model/dense-directory.js';
import { directoryContract } from '../core/directory-contract.js';

const population = {
  homeOf: (user: number) => user % 7,
  devicesOf: (user: number) => (user > 1_000_000 && user < 5e9 ? 0b11 : 0),
  groupHomeOf: (group: number) => group % 3,
};
/** Users below 30 have dense indexes (5 slots each); the rest fall back to the hash table. */
const indexOf = {
  denseIndexOrNone: (deviceKey: number) => (userOf(deviceKey) < 30 && slotOf(deviceKey) < 5 ? userOf(deviceKey) * 5 + slotOf(deviceKey) : -1),
};

directoryContract('DenseSessionDirectory', () => new DenseSessionDirectory(population, 150, indexOf));

describe('DenseSessionDirectory', () => {
  it('keeps indexed and unindexed sessions apart, and forgets a removed device', () => {
    const directory = new DenseSessionDirectory(population, 150, indexOf);
    const indexed = deviceKeyOf(9, 1);
    const unindexed = deviceKeyOf(40, 1);
    directory.setSession(indexed, 3);
    directory.setSession(unindexed, 5);
    expect([directory.sessionOf(indexed), directory.sessionOf(unindexed)]).toEqual([3, 5]);
    expect(directory.addDevice(indexed)).toBe(true);
    expect(directory.removeDevice(indexed)).toBe(true);
    expect(directory.sessionOf(indexed)).toBe(NO_SERVER);
    expect(directory.sessionOf(unindexed)).toBe(5);
  });

  it('takes preset sessions as written, skips only the announced connect, and gives back a refused one', () => {
    const directory = new DenseSessionDirectory(population, 150, indexOf);
    const a = deviceKeyOf(2, 0);
    const b = deviceKeyOf(3, 1);
    directory.presetSessions([indexOf.denseIndexOrNone(a), indexOf.denseIndexOrNone(b)], 4);
    expect([directory.sessionOf(a), directory.sessionOf(b)]).toEqual([4, 4]);
    // The connect of a is announced: its own write is skipped, another device's is not.
    directory.presetFor(indexOf.denseIndexOrNone(a));
    directory.setSession(a, 6);
    directory.setSession(deviceKeyOf(5, 0), 6);
    expect([directory.sessionOf(a), directory.sessionOf(deviceKeyOf(5, 0))]).toEqual([4, 6]);
    // b's connect is refused: its preset is taken back.
    directory.presetFor(indexOf.denseIndexOrNone(b));
    directory.unpreset(indexOf.denseIndexOrNone(b));
    directory.presetFor(-1);
    expect(directory.sessionOf(b)).toBe(NO_SERVER);
    directory.setSession(a, 6);
    expect(directory.sessionOf(a)).toBe(6);
  });
});
