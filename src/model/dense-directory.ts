/**
 * The directory the simulated cores use: the implicit population's directory, with the sessions of
 * the devices the deployment keeps client state for held in an array by their dense index rather
 * than in a hash table. A warm start writes one session per connected device (tens of millions in
 * a slice of a billion-user deployment), and a hash table of that size costs a cache miss per
 * write and seconds of growing; the array is written in order. Devices without a dense index (none
 * today: a device connects to its home) fall back to the implicit directory's table.
 */
import { NO_SERVER } from '../core/ids.js';
import { ImplicitDirectory, type ImplicitPopulation } from '../core/memory/implicit-directory.js';
import type { Directory } from '../core/ports.js';

/** A device's index in the deployment's client-state arrays, or -1 when it has none. */
export type DenseIndexOf = (deviceKey: number) => number;

export class DenseSessionDirectory implements Directory {
  private readonly implicit: ImplicitDirectory;
  private readonly indexOf: DenseIndexOf;
  /** Server of each indexed device's session, or NO_SERVER. */
  private readonly sessions: Int32Array;

  constructor(population: ImplicitPopulation, deviceSlots: number, indexOf: DenseIndexOf) {
    this.implicit = new ImplicitDirectory(population);
    this.indexOf = indexOf;
    this.sessions = new Int32Array(deviceSlots).fill(NO_SERVER);
  }

  homeOf(userId: number): number {
    return this.implicit.homeOf(userId);
  }

  devicesOf(userId: number): number {
    return this.implicit.devicesOf(userId);
  }

  addDevice(deviceKey: number): boolean {
    return this.implicit.addDevice(deviceKey);
  }

  removeDevice(deviceKey: number): boolean {
    if (!this.implicit.removeDevice(deviceKey)) return false;
    const index = this.indexOf(deviceKey);
    if (index >= 0) this.sessions[index] = NO_SERVER;
    return true;
  }

  sessionOf(deviceKey: number): number {
    const index = this.indexOf(deviceKey);
    return index >= 0 ? this.sessions[index]! : this.implicit.sessionOf(deviceKey);
  }

  setSession(deviceKey: number, serverId: number): void {
    const index = this.indexOf(deviceKey);
    if (index >= 0) this.sessions[index] = serverId;
    else this.implicit.setSession(deviceKey, serverId);
  }

  clearSession(deviceKey: number, serverId: number): boolean {
    const index = this.indexOf(deviceKey);
    if (index < 0) return this.implicit.clearSession(deviceKey, serverId);
    if (this.sessions[index] !== serverId) return false;
    this.sessions[index] = NO_SERVER;
    return true;
  }

  groupHomeOf(groupId: number): number {
    return this.implicit.groupHomeOf(groupId);
  }

  /** Bytes held: the session array and the implicit directory's tables. */
  get bytes(): number {
    return this.sessions.byteLength + this.implicit.bytes;
  }
}
