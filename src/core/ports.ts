/**
 * The core talks to the world only through these ports, so the same code runs inside the
 * simulator (virtual clock, delay-line links) and behind real sockets. Every call is synchronous;
 * the host decides when frames arrive. A port must not call back into the core from inside a
 * call (queue the work instead): the core asserts this.
 */
import type { Envelope, ServerFrame } from './frames.js';
import type { OpKind } from './ops.js';

/** Time in nanoseconds since an arbitrary origin; never goes backwards. */
export interface Clock {
  nowNs(): number;
}

/**
 * One-shot timers. `schedule` returns a handle; `cancel` is O(1). When a timer is due the host
 * calls `ChatServer.onTimer(token)` with the token it was scheduled with.
 */
export interface Timers {
  schedule(delayNs: number, token: number): number;
  cancel(handle: number): void;
}

/**
 * Outbound frames. Links are FIFO: frames from one server to one device, or to one peer server,
 * arrive in the order they were sent, or (device links only) not at all once the connection
 * closes. Server-to-server links are reliable: a frame sent is eventually delivered once.
 */
export interface Transport {
  toDevice(deviceKey: number, frame: Envelope): void;
  toServer(serverId: number, frame: ServerFrame): void;
}

/**
 * Where users, devices and groups live: user -> devices -> server. It can be local, replicated
 * or remote; the core caches what it reads (see `ChatServer`).
 *
 * - A user's home is the server that owns its devices' mailboxes and client sequence state.
 *   Homes are stable for the life of a deployment (moving one is an operator's drain, not a
 *   routing event). A device may connect to any server; that server relays to the home.
 * - A device's session is the server it is connected to now, written by that server.
 */
export interface Directory {
  /** The user's home server. */
  homeOf(userId: number): number;
  /** Bit mask of the user's registered device slots (bit 0: primary); 0 for an unknown user. */
  devicesOf(userId: number): number;
  /** Registers a device; false if it was already registered or the slot is invalid. */
  addDevice(deviceKey: number): boolean;
  /** Unregisters a device; false if it was not registered. */
  removeDevice(deviceKey: number): boolean;
  /** The server the device is connected to, or NO_SERVER. */
  sessionOf(deviceKey: number): number;
  /** Records that the device is now connected to `serverId` (replacing any older session). */
  setSession(deviceKey: number, serverId: number): void;
  /** Clears the session only if it is still on `serverId`; returns whether it did. */
  clearSession(deviceKey: number, serverId: number): boolean;
  /** The server that owns the group's membership and orders its traffic. */
  groupHomeOf(groupId: number): number;
}

/** Results of `OfflineStore.append`. */
export const StoreResult = { Stored: 0, DeviceFull: 1, StoreFull: 2 } as const;

/**
 * Per-device FIFO queues of envelopes waiting for a device: everything for a device that is
 * offline, and whatever exceeds a connected device's push window. Bounded: at most
 * `deviceCapacity` entries per device and `totalCapacity` overall; `append` refuses beyond
 * that (the core counts and reports the drop). Entries leave by `shift` (delivery), by `expire`
 * (time to live, using `Envelope.atNs`) or by `removeDevice`. A store may keep entries by value, as
 * one that serialises them must (the in-memory one does, memory/offline-store.ts): what `peek`,
 * `shift` and the callbacks give back equals what was appended, field for field, but need not be
 * the same object. The core relies on nothing else.
 */
export interface OfflineStore {
  readonly deviceCapacity: number;
  readonly totalCapacity: number;
  /** Appends at the back; returns a `StoreResult`. */
  append(deviceKey: number, env: Envelope): number;
  /**
   * Puts an entry back at the front: used when a connection closes with pushed but unacknowledged
   * entries. Never refused; the core keeps queue plus window within `deviceCapacity`.
   */
  prepend(deviceKey: number, env: Envelope): void;
  /** The oldest entry, left in place. */
  peek(deviceKey: number): Envelope | undefined;
  /** Removes and returns the oldest entry. */
  shift(deviceKey: number): Envelope | undefined;
  count(deviceKey: number): number;
  /** Entries over all devices. */
  size(): number;
  /** Drops every entry of a device, calling `onRemoved` for each in order; returns how many. */
  removeDevice(deviceKey: number, onRemoved: (deviceKey: number, env: Envelope) => void): number;
  /**
   * Removes up to `maxEntries` entries with `atNs <= cutoffNs`, oldest of each device first,
   * calling `onExpired` for each; returns how many it removed (less than `maxEntries` means none
   * is left).
   */
  expire(cutoffNs: number, maxEntries: number, onExpired: (deviceKey: number, env: Envelope) => void): number;
}

/** Receives every operation the core performs, as (kind, bytes). */
export interface OpSink {
  charge(op: OpKind, bytes: number): void;
}

/**
 * Optional observations for tests and metrics: what left a queue undelivered, and the order a
 * group's home gave to the group's traffic.
 */
export interface CoreObserver {
  /** An envelope for `deviceKey` was dropped (`DropReason`) instead of delivered. */
  dropped(deviceKey: number, env: Envelope, reason: number): void;
  /**
   * The group's home ordered `env` (a group message or membership event) and is fanning it out
   * to the devices of `recipientUserIds` (minus the sending device).
   */
  groupSequenced(groupId: number, env: Envelope, recipientUserIds: readonly number[]): void;
}
