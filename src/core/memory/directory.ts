/**
 * An in-memory directory with every user registered explicitly: homes, device masks and
 * sessions in compact number maps. Homes not assigned explicitly come from a placement function
 * (default: user id modulo the server count), as do group homes.
 */
import { isDeviceKey, MAX_DEVICES_PER_USER, NO_SERVER, slotOf, userOf } from '../ids.js';
import type { Directory } from '../ports.js';
import { NumMap } from '../record-table.js';

export interface MemoryDirectoryOptions {
  /** Servers for the default placement (user id mod serverCount); default 1. */
  serverCount?: number;
  /** Home of a user without an explicit assignment. */
  placeUser?: (userId: number) => number;
  /** Home of a group. */
  placeGroup?: (groupId: number) => number;
}

export class MemoryDirectory implements Directory {
  private readonly homes = new NumMap();
  private readonly devices = new NumMap();
  private readonly sessions = new NumMap();
  private readonly placeUser: (userId: number) => number;
  private readonly placeGroup: (groupId: number) => number;

  constructor(options: MemoryDirectoryOptions = {}) {
    const servers = options.serverCount ?? 1;
    if (!Number.isInteger(servers) || servers < 1) throw new RangeError(`serverCount must be a positive integer, got ${servers}`);
    this.placeUser = options.placeUser ?? ((userId) => userId % servers);
    this.placeGroup = options.placeGroup ?? ((groupId) => groupId % servers);
  }

  /** Registers a user with its first `deviceCount` slots (primary first) and, optionally, a home. */
  registerUser(userId: number, deviceCount = 1, homeServerId?: number): void {
    if (!Number.isInteger(deviceCount) || deviceCount < 1 || deviceCount > MAX_DEVICES_PER_USER) {
      throw new RangeError(`deviceCount must be in 1..${MAX_DEVICES_PER_USER}, got ${deviceCount}`);
    }
    this.devices.set(userId, (1 << deviceCount) - 1);
    if (homeServerId !== undefined) this.homes.set(userId, homeServerId);
  }

  /** Pins a user's home to a server. */
  assignHome(userId: number, serverId: number): void {
    this.homes.set(userId, serverId);
  }

  homeOf(userId: number): number {
    const home = this.homes.get(userId, NO_SERVER);
    return home !== NO_SERVER ? home : this.placeUser(userId);
  }

  devicesOf(userId: number): number {
    return this.devices.get(userId, 0);
  }

  addDevice(deviceKey: number): boolean {
    if (!isDeviceKey(deviceKey)) return false;
    const user = userOf(deviceKey);
    const bit = 1 << slotOf(deviceKey);
    const mask = this.devices.get(user, 0);
    if ((mask & bit) !== 0) return false;
    this.devices.set(user, mask | bit);
    return true;
  }

  removeDevice(deviceKey: number): boolean {
    if (!isDeviceKey(deviceKey)) return false;
    const user = userOf(deviceKey);
    const bit = 1 << slotOf(deviceKey);
    const mask = this.devices.get(user, 0);
    if ((mask & bit) === 0) return false;
    if (mask === bit) this.devices.delete(user);
    else this.devices.set(user, mask & ~bit);
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
    return this.placeGroup(groupId);
  }

  /** Users with at least one registered device. */
  get userCount(): number {
    return this.devices.size;
  }

  /** Devices with a session. */
  get sessionCount(): number {
    return this.sessions.size;
  }

  get bytes(): number {
    return this.homes.bytes + this.devices.bytes + this.sessions.bytes;
  }
}
