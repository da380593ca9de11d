/**
 * Limits and wire sizes of one core instance. Every queue the core keeps has a bound here (or in
 * the offline store it is given), with the policy at the bound stated next to it.
 */
import type { Clock, CoreObserver, Directory, OfflineStore, OpSink, Timers, Transport } from './ports.js';

export const NS_PER_SECOND = 1e9;
export const NS_PER_DAY = 86_400 * NS_PER_SECOND;

export interface CoreLimits {
  /**
   * Pushed but unacknowledged envelopes per device connection. At the bound, further envelopes
   * wait in the offline store (backpressure on the device link) and move up as acks arrive.
   */
  pushWindow: number;
  /** Time to live of an undelivered envelope, from when its home queued it (WhatsApp: 30 days). */
  offlineTtlNs: number;
  /** How often the home sweeps the offline store for expired entries. */
  sweepIntervalNs: number;
  /** Entries one sweep may expire; if it hits this, the next sweep comes after `sweepBacklogDelayNs`. */
  sweepMaxEntries: number;
  sweepBacklogDelayNs: number;
  /** Members per group (WhatsApp: 1,024). At the bound, adds are refused with `GroupFull`. */
  groupMembersMax: number;
  /** Groups homed on this server. At the bound, creation is refused with `GroupLimit`. */
  groupsMax: number;
  /**
   * Device records in this instance (connected devices and devices homed here). At the bound,
   * `connect` is refused with `ServerFull` and envelopes for new devices go to the store only.
   */
  devicesMax: number;
  /** Cached `homeOf` answers for users homed elsewhere. At the bound, the cache is cleared. */
  homeCacheEntries: number;
}

export const DEFAULT_LIMITS: CoreLimits = {
  pushWindow: 128,
  offlineTtlNs: 30 * NS_PER_DAY,
  sweepIntervalNs: 3600 * NS_PER_SECOND,
  sweepMaxEntries: 100_000,
  sweepBacklogDelayNs: NS_PER_SECOND,
  groupMembersMax: 1024,
  groupsMax: 1_000_000,
  devicesMax: 12_000_000,
  homeCacheEntries: 1 << 20,
};

/** Sizes on the wire, in bytes, of frames whose size the core decides (payload sizes come from clients). */
export interface WireSizes {
  ackBytes: number;
  receiptBytes: number;
  groupEventBytes: number;
  rejectBytes: number;
  /** One pairwise-encrypted sender key distribution message, per recipient device. */
  senderKeyBytes: number;
  /** Envelope header added to a payload when it is pushed to a device or routed to a server. */
  envelopeHeaderBytes: number;
  /** A session frame between servers (attach, detach, device ack). */
  sessionFrameBytes: number;
}

export const DEFAULT_WIRE: WireSizes = {
  ackBytes: 32,
  receiptBytes: 64,
  groupEventBytes: 96,
  rejectBytes: 48,
  senderKeyBytes: 160,
  envelopeHeaderBytes: 40,
  sessionFrameBytes: 48,
};

/**
 * `given` over the defaults, as an object of one fixed set of fields in one order. Not an object
 * spread: a spread's hidden class depends on what it merges and on its inline cache's state, so
 * servers built one after another got different ones, and code optimised for one server's limits
 * and wire sizes (read on every frame) was thrown away at the next's (a slice's second part,
 * session 19). As with the spread, a field given, even as undefined, is taken as given (and
 * checked: checkLimits), and no limits at all (undefined or null) means the defaults.
 */
export function limitsWith(given: Partial<CoreLimits> | null = null): CoreLimits {
  const g = given ?? {};
  return {
    pushWindow: 'pushWindow' in g ? g.pushWindow! : DEFAULT_LIMITS.pushWindow,
    offlineTtlNs: 'offlineTtlNs' in g ? g.offlineTtlNs! : DEFAULT_LIMITS.offlineTtlNs,
    sweepIntervalNs: 'sweepIntervalNs' in g ? g.sweepIntervalNs! : DEFAULT_LIMITS.sweepIntervalNs,
    sweepMaxEntries: 'sweepMaxEntries' in g ? g.sweepMaxEntries! : DEFAULT_LIMITS.sweepMaxEntries,
    sweepBacklogDelayNs: 'sweepBacklogDelayNs' in g ? g.sweepBacklogDelayNs! : DEFAULT_LIMITS.sweepBacklogDelayNs,
    groupMembersMax: 'groupMembersMax' in g ? g.groupMembersMax! : DEFAULT_LIMITS.groupMembersMax,
    groupsMax: 'groupsMax' in g ? g.groupsMax! : DEFAULT_LIMITS.groupsMax,
    devicesMax: 'devicesMax' in g ? g.devicesMax! : DEFAULT_LIMITS.devicesMax,
    homeCacheEntries: 'homeCacheEntries' in g ? g.homeCacheEntries! : DEFAULT_LIMITS.homeCacheEntries,
  };
}

/** `given` over the default wire sizes, in one fixed set of fields (limitsWith says why, and how). */
export function wireSizesWith(given: Partial<WireSizes> | null = null): WireSizes {
  const g = given ?? {};
  return {
    ackBytes: 'ackBytes' in g ? g.ackBytes! : DEFAULT_WIRE.ackBytes,
    receiptBytes: 'receiptBytes' in g ? g.receiptBytes! : DEFAULT_WIRE.receiptBytes,
    groupEventBytes: 'groupEventBytes' in g ? g.groupEventBytes! : DEFAULT_WIRE.groupEventBytes,
    rejectBytes: 'rejectBytes' in g ? g.rejectBytes! : DEFAULT_WIRE.rejectBytes,
    senderKeyBytes: 'senderKeyBytes' in g ? g.senderKeyBytes! : DEFAULT_WIRE.senderKeyBytes,
    envelopeHeaderBytes: 'envelopeHeaderBytes' in g ? g.envelopeHeaderBytes! : DEFAULT_WIRE.envelopeHeaderBytes,
    sessionFrameBytes: 'sessionFrameBytes' in g ? g.sessionFrameBytes! : DEFAULT_WIRE.sessionFrameBytes,
  };
}

/** Everything a `ChatServer` needs: its id, its ports, and optional limits. */
export interface ChatServerConfig {
  serverId: number;
  clock: Clock;
  timers: Timers;
  transport: Transport;
  directory: Directory;
  store: OfflineStore;
  sink: OpSink;
  observer?: CoreObserver;
  limits?: Partial<CoreLimits>;
  wire?: Partial<WireSizes>;
  /**
   * Records (users and devices) the host expects this instance to hold: the table is sized for
   * them up front. Optional; a host that brings a million sessions up at once saves the table's
   * doublings, each of which rehashes every record.
   */
  recordsExpected?: number;
}

/** Checks limits; returns one line per problem (empty when they are usable). */
export function checkLimits(limits: CoreLimits): string[] {
  const problems: string[] = [];
  const positiveInt = (name: keyof CoreLimits, max: number): void => {
    const value = limits[name];
    if (!Number.isInteger(value) || value < 1 || value > max) problems.push(`limits.${name}: expected an integer in 1..${max}, got ${value}`);
  };
  positiveInt('pushWindow', 1 << 20);
  positiveInt('sweepMaxEntries', 1e9);
  positiveInt('groupMembersMax', 1 << 20);
  positiveInt('groupsMax', 1e9);
  positiveInt('devicesMax', 1 << 28);
  if (!Number.isInteger(limits.homeCacheEntries) || limits.homeCacheEntries < 0) problems.push(`limits.homeCacheEntries: expected a non-negative integer, got ${limits.homeCacheEntries}`);
  for (const name of ['offlineTtlNs', 'sweepIntervalNs', 'sweepBacklogDelayNs'] as const) {
    if (!(limits[name] > 0) || !Number.isFinite(limits[name])) problems.push(`limits.${name}: expected a positive duration in ns, got ${limits[name]}`);
  }
  return problems;
}
