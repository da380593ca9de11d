/**
 * The contract every Directory implementation must pass. `make` returns a fresh directory in
 * which users 1..50 have no devices and whose homes come from its placement.
 */
import { describe, expect, it } from 'vitest';
import { deviceKeyOf, NO_SERVER, type Directory } from '../../src/core/index.js';

export function directoryContract(name: string, make: () => Directory): void {
  describe(`Directory contract: ${name}`, () => {
    it('registers and unregisters devices, one bit per slot', () => {
      const directory = make();
      expect(directory.devicesOf(7)).toBe(0);
      expect(directory.addDevice(deviceKeyOf(7, 0))).toBe(true);
      expect(directory.addDevice(deviceKeyOf(7, 3))).toBe(true);
      expect(directory.addDevice(deviceKeyOf(7, 3))).toBe(false);
      expect(directory.devicesOf(7)).toBe(0b1001);
      expect(directory.devicesOf(8)).toBe(0);
      expect(directory.removeDevice(deviceKeyOf(7, 3))).toBe(true);
      expect(directory.removeDevice(deviceKeyOf(7, 3))).toBe(false);
      expect(directory.devicesOf(7)).toBe(0b1);
    });

    it('refuses slots beyond the primary and four companions', () => {
      const directory = make();
      expect(directory.addDevice(deviceKeyOf(7, 5))).toBe(false);
      expect(directory.addDevice(deviceKeyOf(7, 7))).toBe(false);
      expect(directory.addDevice(-1)).toBe(false);
      expect(directory.devicesOf(7)).toBe(0);
    });

    it('keeps one session per device, replaced by a newer one, cleared only by its own server', () => {
      const directory = make();
      const device = deviceKeyOf(9, 1);
      expect(directory.sessionOf(device)).toBe(NO_SERVER);
      directory.setSession(device, 2);
      expect(directory.sessionOf(device)).toBe(2);
      directory.setSession(device, 4);
      expect(directory.clearSession(device, 2)).toBe(false);
      expect(directory.sessionOf(device)).toBe(4);
      expect(directory.clearSession(device, 4)).toBe(true);
      expect(directory.sessionOf(device)).toBe(NO_SERVER);
      expect(directory.clearSession(device, 4)).toBe(false);
    });

    it('gives stable, valid homes for users and groups', () => {
      const directory = make();
      for (let id = 1; id <= 50; id++) {
        const home = directory.homeOf(id);
        expect(Number.isInteger(home) && home >= 0).toBe(true);
        expect(directory.homeOf(id)).toBe(home);
        const groupHome = directory.groupHomeOf(id * 1000);
        expect(Number.isInteger(groupHome) && groupHome >= 0).toBe(true);
        expect(directory.groupHomeOf(id * 1000)).toBe(groupHome);
      }
    });

    it('handles device keys of user ids up to 5e9', () => {
      const directory = make();
      const device = deviceKeyOf(5e9, 4);
      expect(directory.addDevice(device)).toBe(true);
      expect(directory.devicesOf(5e9)).toBe(0b10000);
      directory.setSession(device, 1);
      expect(directory.sessionOf(device)).toBe(1);
    });
  });
}
