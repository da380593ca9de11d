/**
 * The resolved scenario: what the simulator is built against. Every default is applied, every
 * quantity is in a base unit named in its field (`...Ns` integer nanoseconds, `...Bytes`,
 * `...BitsPerSecond`, `...PerSecond`, `...Fraction` in 0..1), regions and servers are numbered,
 * and per-region overrides are merged in. Plain data: JSON-serialisable (null, never Infinity).
 */
import type { DistributionSpec } from './distributions.js';
import type { CostOp, Placement } from './schema.js';

export type { DistributionSpec } from './distributions.js';

export interface ResolvedScenario {
  name: string;
  /** Empty when the file gives none. */
  description: string;
  seed: number;
  /** Wall-clock instant (epoch milliseconds, UTC) at simulated time 0; places regions on their day. */
  startUtcMs: number;
  /** The same instant as ISO 8601, for reports. */
  startUtcIso: string;
  /** Simulated time to run, warmup included. */
  durationNs: number;
  /** Initial simulated time left out of the statistics; < durationNs. */
  warmupNs: number;
  fidelity: 'full' | 'slice';
  /** Chat servers simulated in full detail: all of them (totals.chatServers) at full fidelity. */
  sliceServers: number;
  /** Independent parts the simulated servers are split into (1 at full fidelity; src/engine/run-part.ts). */
  sliceParts: number;
  /** Stop after this many kernel events; null for no bound but the duration. */
  maxEvents: number | null;
  /** In file order; region i's users and servers come before region i+1's. */
  regions: ResolvedRegion[];
  /** One per pair of regions (when more than one region). */
  links: ResolvedLink[];
  /** How a device picks a chat server of its region. */
  placement: Placement;
  /** One directory service per region. */
  directory: ResolvedService;
  /** One offline store per region. */
  offlineStore: ResolvedOfflineStore;
  costs: ResolvedCosts;
  workload: ResolvedWorkload;
  output: { timeSeriesIntervalNs: number };
  totals: ResolvedTotals;
}

export interface ResolvedRegion {
  name: string;
  /** Position in `regions` (0-based). */
  index: number;
  /** As written: an IANA name or a UTC offset. */
  timezone: string;
  /** Offset from UTC at startUtcMs, in minutes (positive east of Greenwich; DST as of that date). */
  utcOffsetMinutes: number;
  users: number;
  /** Users are numbered region by region: this region holds ids [userIdFirst, userIdFirst + users). */
  userIdFirst: number;
  /** One-way device <-> chat server latency (ns), drawn per direction. */
  accessLatencyNs: DistributionSpec;
  online: ResolvedOnline;
  chatServers: ResolvedChatServers;
}

export interface ResolvedOnline {
  /**
   * Fraction of the region's users online at the start of each local hour 0..23 (24 entries);
   * interpolate linearly between hours (onlineFractionAt in diurnal.ts). All 1 means always online.
   */
  fractionByLocalHour: number[];
  /** The day's mean of fractionByLocalHour. */
  fractionMean: number;
  /** Mean session length (exponential). */
  sessionMeanNs: number;
  /** Extra disconnect+connect cycles per online device per hour. */
  reconnectsPerHour: number;
}

export interface ResolvedChatServers {
  count: number;
  /** Servers are numbered region by region: this region holds [serverIndexFirst, serverIndexFirst + count). */
  serverIndexFirst: number;
  cores: number;
  memoryBytes: number;
  /** Per direction; null = unlimited (no transmission delay). */
  nicBitsPerSecond: number | null;
  /** One-way hop between two chat servers of this region (ns). */
  interServerLatencyNs: DistributionSpec;
  /** Bound on operations waiting for a core on one server. */
  cpuQueueMax: number;
}

export interface ResolvedLink {
  /** As written, `eu-us`. */
  name: string;
  regionA: string;
  regionB: string;
  /** One-way latency (ns); the link is FIFO. */
  latencyNs: DistributionSpec;
  /** Per direction; null = unlimited. */
  bandwidthBitsPerSecond: number | null;
  lossFraction: number;
}

export interface ResolvedService {
  /** Service time of one operation, excluding queueing (ns). */
  latencyNs: DistributionSpec;
  /** Operations per second one region's service completes; null = unlimited (never queues). */
  capacityOpsPerSecond: number | null;
  queueMax: number;
}

export interface ResolvedOfflineStore extends ResolvedService {
  messagesPerDeviceMax: number;
  retentionNs: number;
  /** Whether devices offline since before the run come back to a steady-state backlog. */
  warmBacklog: boolean;
}

export interface ResolvedCost {
  /** CPU time per operation (ns), before `scale`. */
  costNs: DistributionSpec;
  /**
   * table: listed in the scenario (always wins). Otherwise, with a profile, the profile's measured
   * cost wins when it has the op, and costNs (from `others`, else built in) is the fallback.
   */
  source: 'table' | 'profile' | 'others' | 'builtIn';
}

export interface ResolvedCosts {
  /** Multiplies every cost (hardware factor). */
  scale: number;
  /** Absolute path of the calibration profile, or null. */
  profilePath: string | null;
  opsNs: Record<CostOp, ResolvedCost>;
}

export interface ResolvedWorkload {
  /** Sorted by devices; fractions sum to 1. */
  devicesPerUser: { devices: number; fraction: number }[];
  devicesPerUserMean: number;
  arrivals: ResolvedArrivals;
  recipients: {
    /** Of one-to-one messages, the fraction whose recipient is in the sender's region. */
    sameRegionFraction: number;
    pick: 'uniform' | 'zipf';
    /** Used when pick is zipf. */
    zipfSkew: number;
  };
  groups: {
    /** Fraction of messages sent to a group. */
    fraction: number;
    size: ResolvedGroupSize;
  };
  sizes: {
    text: { fraction: number; sizeBytes: DistributionSpec };
    media: { fraction: number; sizeBytes: DistributionSpec };
  };
  read: { within60sFraction: number };
}

export type ResolvedArrivals =
  | {
      /** Each user sends at a rate set by activity rank (Zipf), following the online share. */
      kind: 'perUserPerDay';
      messagesPerUserPerDayMean: number;
      senderZipfSkew: number;
    }
  | {
      /** One open-loop Poisson stream for the deployment; senders uniform over online users. */
      kind: 'totalPerSecond';
      messagesPerSecond: number;
      senderZipfSkew: 0;
    };

export type ResolvedGroupSize =
  | { kind: 'uniform'; min: number; max: number }
  | { kind: 'boundedPareto'; paretoAlpha: number; min: number; max: number };

export interface ResolvedTotals {
  users: number;
  chatServers: number;
  cores: number;
  /** Devices of all users (users x mean devices per user). */
  devices: number;
  /** Most devices online at once during the run (sum over regions of devices x the region's largest online fraction in the run's window). */
  connectedDevicesPeak: number;
  /** Mean messages per simulated second for the deployment (per-user rates: averaged over a day). */
  messagesPerSecondMean: number;
}
