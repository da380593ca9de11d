import { describe, expect, it } from 'vitest';
import {
  ImplicitDirectory,
  ManualClock,
  MemoryDirectory,
  MemoryOfflineStore,
  MemoryTimers,
  SimpleOfflineStore,
} from '../../src/core/index.js';
import { directoryContract } from './directory-contract.js';
import { storeContract } from './store-contract.js';

directoryContract('MemoryDirectory', () => new MemoryDirectory({ serverCount: 4 }));
directoryContract(
  'ImplicitDirectory',
  () =>
    new ImplicitDirectory({
      homeOf: (user) => user % 7,
      // Users above 1,000,000 exist implicitly with a primary and one companion; the contract uses lower ids.
      devicesOf: (user) => (user > 1_000_000 && user < 5e9 ? 0b11 : 0),
      groupHomeOf: (group) => group % 3,
    }),
);
storeContract('MemoryOfflineStore', (deviceCapacity, totalCapacity) => new MemoryOfflineStore({ deviceCapacity, totalCapacity }));
storeContract('SimpleOfflineStore', (deviceCapacity, totalCapacity) => new SimpleOfflineStore(deviceCapacity, totalCapacity));

describe('ImplicitDirectory', () => {
  it('computes users on demand and stores only departures from the population', () => {
    const directory = new ImplicitDirectory({ homeOf: (u) => u % 7, devicesOf: () => 0b1, groupHomeOf: () => 0 });
    expect(directory.devicesOf(123_456_789)).toBe(0b1);
    expect(directory.addDevice(123_456_789 * 8 + 1)).toBe(true);
    expect(directory.devicesOf(123_456_789)).toBe(0b11);
    expect(directory.removeDevice(123_456_789 * 8 + 1)).toBe(true);
    expect(directory.devicesOf(123_456_789)).toBe(0b1);
  });
});

describe('MemoryTimers', () => {
  it('fires due timers in (due time, scheduling order) and skips cancelled ones', () => {
    const clock = new ManualClock();
    const timers = new MemoryTimers(clock);
    const fired: number[] = [];
    timers.schedule(30, 1);
    const cancelled = timers.schedule(10, 2);
    timers.schedule(10, 3);
    timers.schedule(20, 4);
    timers.cancel(cancelled);
    expect(timers.pending).toBe(3);
    expect(timers.nextDueNs()).toBe(10);
    clock.advance(25);
    expect(timers.runDue(clock.nowNs(), (token) => fired.push(token))).toBe(2);
    expect(fired).toEqual([3, 4]);
    clock.advance(100);
    timers.runDue(clock.nowNs(), (token) => fired.push(token));
    expect(fired).toEqual([3, 4, 1]);
    expect(timers.nextDueNs()).toBe(Number.POSITIVE_INFINITY);
  });

  it('refuses to move the clock backwards', () => {
    const clock = new ManualClock(10);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.set(5)).toThrow(RangeError);
  });
});
