/**
 * A directory over an implicit population (DESIGN.md section 4): a user's home and devices are
 * pure functions of its id, computed on demand and never stored, so a billion users cost
 * nothing until they do something. Only departures from the functions (devices linked or
 * unlinked) and live sessions are stored.
 */
import { isDeviceKey, NO_SERVER, slotOf, userOf } from '../ids.js';
import type { Directory } from '../ports.js';
import { NumMap } from '../record-table.js';

export interface ImplicitPopulation {
  /** Home server of a user. */
  homeOf(userId: number): number;
  /** Device mask of a user (bit 0: primary); 0 for an id with no user. */
  devicesOf(userId: number): number;
  /** Home server of a group. */
  groupHomeOf(groupId: number): number;
}

export class ImplicitDirectory implements Directory {
  private readonly population: ImplicitPopulation;
  /** Device masks that differ from the population's (after link/unlink). */
  private readonly maskOverrides = new NumMap();
  private readonly sessions = new NumMap();

  constructor(population: ImplicitPopulation) {
    this.population = population;
  }

  homeOf(userId: number): number {
    return this.population.homeOf(userId);
  }

  devicesOf(userId: number): number {
    const mask = this.maskOverrides.get(userId, -1);
    return mask >= 0 ? mask : this.population.devicesOf(userId);
  }

  addDevice(deviceKey: number): boolean {
    if (!isDeviceKey(deviceKey)) return false;
    const user = userOf(deviceKey);
    const bit = 1 << slotOf(deviceKey);
    const mask = this.devicesOf(user);
    if ((mask & bit) !== 0) return false;
    this.setMask(user, mask | bit);
    return true;
  }

  removeDevice(deviceKey: number): boolean {
    if (!isDeviceKey(deviceKey)) return false;
    const user = userOf(deviceKey);
    const bit = 1 << slotOf(deviceKey);
    const mask = this.devicesOf(user);
    if ((mask & bit) === 0) return false;
    this.setMask(user, mask & ~bit);
    this.sessions.delete(deviceKey);
    return true;
  }

  sessionOf(deviceKey: number): number {
    return this.sessions.get(deviceKey, NO_SERVER);
  }

  setSession(deviceKey: number, serverId: number): void {
    this.sessions.set(deviceKey, serverId);
  }

  clearSession(deviceKey: number, serverId: number): boolean {
    if (this.sessions.get(deviceKey, NO_SERVER) !== serverId) return false;
    this.sessions.delete(deviceKey);
    return true;
  }

  groupHomeOf(groupId: number): number {
    return this.population.groupHomeOf(groupId);
  }

  get bytes(): number {
    return this.maskOverrides.bytes + this.sessions.bytes;
  }

  private setMask(user: number, mask: number): void {
    if (mask === this.population.devicesOf(user)) this.maskOverrides.delete(user);
    else this.maskOverrides.set(user, mask);
  }
}
