/**
 * The directory the simulated cores use: the implicit population's directory, with the sessions of
 * the devices the deployment keeps client state for held in an array by their dense index rather
 * than in a hash table. A warm start writes one session per connected device (tens of millions in
 * a slice of a billion-user deployment), and a hash table of that size costs a cache miss per
 * write and seconds of growing; the array is written in order (presetSessions). Devices without a
 * dense index (none today: a device connects to its home) fall back to the implicit directory's
 * table.
 */
import { NO_SERVER } from '../core/ids.js';
import { ImplicitDirectory, type ImplicitPopulation } from '../core/memory/implicit-directory.js';
import type { Directory } from '../core/ports.js';

/**
 * Where a device's dense index comes from (the deployment's client state). An object with a method,
 * not a closure: a closure made anew by each part of a slice was embedded in the optimised code of
 * every caller and threw it away when the part ended (server-ports.ts says more).
 */
export interface DenseIndexes {
  /** A device's index in the deployment's client-state arrays, or -1 when it has none. */
  denseIndexOrNone(deviceKey: number): number;
}

export class DenseSessionDirectory implements Directory {
  private readonly implicit: ImplicitDirectory;
  private readonly indexes: DenseIndexes;
  /** Server of each indexed device's session, or NO_SERVER. */
  private readonly sessions: Int32Array;
  /** The dense index whose session presetSessions wrote, for the connect now under way (-1: none). */
  private presetIndex = -1;

  constructor(population: ImplicitPopulation, deviceSlots: number, indexes: DenseIndexes) {
    this.implicit = new ImplicitDirectory(population);
    this.indexes = indexes;
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
    const index = this.indexes.denseIndexOrNone(deviceKey);
    if (index >= 0) this.sessions[index] = NO_SERVER;
    return true;
  }

  sessionOf(deviceKey: number): number {
    const index = this.indexes.denseIndexOrNone(deviceKey);
    return index >= 0 ? this.sessions[index]! : this.implicit.sessionOf(deviceKey);
  }

  setSession(deviceKey: number, serverId: number): void {
    const index = this.indexes.denseIndexOrNone(deviceKey);
    if (index === this.presetIndex && index >= 0) return; // written already, in order (presetSessions)
    if (index >= 0) this.sessions[index] = serverId;
    else this.implicit.setSession(deviceKey, serverId);
  }

  /**
   * A warm start's sessions, written before the connects that make them, in the order of the dense
   * indices given (`indices` ascending, so the writes stream through the array). The connects come
   * in the order of the core's table instead, and their writes, a random one each, cost the
   * warm start of global-2025 about 1.8 s of each part's setup (session 8). Each connect is then
   * announced with `presetFor(index)`, which makes its setSession for that index a no-op, and
   * `presetFor(-1)` after; a connect the core refused gives its write back with `unpreset`.
   */
  presetSessions(indices: ArrayLike<number>, serverId: number): void {
    const sessions = this.sessions;
    for (let i = 0; i < indices.length; i++) sessions[indices[i]!] = serverId;
  }

  presetFor(index: number): void {
    this.presetIndex = index;
  }

  unpreset(index: number): void {
    this.sessions[index] = NO_SERVER;
  }

  clearSession(deviceKey: number, serverId: number): boolean {
    const index = this.indexes.denseIndexOrNone(deviceKey);
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
