/**
 * The results contract (DESIGN.md section 8): what `chatscale run --json` prints and what compare,
 * whatif, sweep and plan read. Keys are stable; new keys may be added, none renamed. Times in the
 * contract are milliseconds (keys end in Ms), sizes bytes, rates per second, utilisation a fraction.
 * Everything outside `meta` is simulated and therefore byte-identical for the same scenario, seed
 * and version; `meta` is measured on the machine.
 */
export interface LatencySummary {
  count: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  /**
   * The distribution at fixed percentiles (src/metrics/latency-cdf.ts), ascending: `fraction` of
   * the messages took at most `latencyMs`. Only on the run's end-to-end summary; optional, so
   * results written before it existed still read.
   */
  cdf?: LatencyCdfPoint[];
}

/** One point of a latency CDF. */
export interface LatencyCdfPoint {
  latencyMs: number;
  /** 0 < fraction <= 1. */
  fraction: number;
}

export interface ServerResult {
  id: string;
  role: 'chat' | 'directory' | 'offlineStore';
  region: string;
  /** Cores of a chat server; 1 for a backing service (a single FIFO at its capacity). */
  cores: number;
  /** Busy share of the cores (chat) or of the capacity (directory, offline store). */
  cpuUtilisation: number;
  memoryBytesPeak: number;
  connectionsPeak: number;
  cpuQueuePeak: number;
  cpuQueueMean: number;
  operations: number;
  dropped: number;
  /** Busy share of the server's NIC (egress); 0 when the NIC is unlimited. */
  nicUtilisation: number;
}

export interface LinkResult {
  id: string;
  from: string;
  to: string;
  /** Per direction; null when unlimited (a region's LAN, or a link with `bandwidth: unlimited`). */
  bandwidthBitsPerSecond: number | null;
  /** Busy share of the bandwidth in the measured window; 0 when unlimited (reports say "unlimited"). */
  utilisation: number;
  bytes: number;
  messages: number;
  lost: number;
}

/** One row per interval of `output.timeSeriesInterval`; arrays share the interval index. */
export interface TimeSeries {
  intervalMs: number;
  /** From the start of the measured window (the end of warm-up). */
  startMs: number[];
  /** Each interval's length: intervalMs, but for a last interval cut short by the run's end. */
  spanMs: number[];
  sent: number[];
  delivered: number[];
  latencyP50Ms: number[];
  latencyP99Ms: number[];
  cpuUtilisationMean: number[];
  connections: number[];
}

/**
 * With fidelity: slice, what the k simulated chat servers say about the whole deployment of N.
 * Everything else in the result describes the slice; these figures are derived, not simulated.
 */
export interface RatesResult {
  /** Messages sent by devices, and copies delivered to devices, per second of the measured window. */
  messagesInPerSecond: number;
  messagesOutPerSecond: number;
  /** The busiest interval of the time series, per second: messages sent, copies delivered. */
  messagesInPerSecondPeak: number;
  messagesOutPerSecondPeak: number;
  /** The busiest interval's device connects (logins) per second. */
  loginsPerSecondPeak: number;
  /** Devices connected at once, at most, over the measured window (sampled at interval ends). */
  connectionsPeak: number;
}

export interface SliceResult {
  simulatedServers: number;
  totalServers: number;
  /**
   * Regions with chat servers of which none was simulated (a slice smaller than the number of
   * regions, or a run cut short before their parts ran): their share of `derived` is the simulated
   * regions' load per server, not a measurement. Empty when every region was sampled.
   */
  regionsNotSimulated: string[];
  derived: {
    /** Mean CPU utilisation of a chat server, with its 99% confidence interval over the slice. */
    cpuUtilisationMean: number;
    cpuUtilisationCi99Low: number;
    cpuUtilisationCi99High: number;
    /** Messages sent by devices, and copies delivered to devices, per second, deployment-wide. */
    messagesInPerSecond: number;
    messagesOutPerSecond: number;
    /** Devices connected at once, at most, deployment-wide. */
    connectionsPeak: number;
  };
  /** The rates of the simulated servers themselves (`rates` holds the deployment's, derived). */
  simulatedRates: RatesResult;
}

export interface RunResult {
  scenario: string;
  seed: number;
  version: string;
  fidelity: 'full' | 'slice';
  simulatedSeconds: number;
  /** True when the run was cut short (Ctrl-C, event limit) and the figures are partial. */
  partial: boolean;
  stoppedBy: string;
  messages: {
    sent: number;
    delivered: number;
    dropped: number;
    pending: number;
    /** Copies delivered to devices (a group message to 10 devices counts 10). */
    deliveriesToDevices: number;
    /**
     * Of deliveriesToDevices, copies of the warm start's offline backlog (offlineStore.warmBacklog):
     * sent before the run, so in no other count and in no latency figure.
     */
    backlogDeliveries: number;
    /**
     * Of deliveriesToDevices, copies of messages sent during the warm-up and delivered in the
     * measured window: in no other count and in no latency figure.
     */
    warmupDeliveries: number;
    /**
     * Copies a device received again after it already held them (a resend after a reconnect):
     * acknowledged and discarded by the device, in no delivery count and no latency.
     */
    duplicates: number;
    storedOffline: number;
    expired: number;
    /** Client frames the routing core refused (counted in dropped when they carried a message). */
    rejected: number;
    /** Arrivals of the offered load that found no online device to send from (not in sent). */
    unsent: number;
  };
  latency: {
    endToEnd: LatencySummary;
  };
  /** The whole deployment's: in a slice, derived from it (the slice's own are in slice.simulatedRates). */
  rates: RatesResult;
  servers: ServerResult[];
  links: LinkResult[];
  operations: Record<string, number>;
  timeSeries: TimeSeries;
  /** Present only with fidelity: slice. */
  slice?: SliceResult;
  meta: {
    wallSeconds: number;
    events: number;
    eventsPerWallSecond: number;
    messagesPerWallSecond: number;
    peakRssBytes: number;
    /**
     * Wall time spent building the deployment and connecting the devices online at time 0; with
     * several parts, the longest part's.
     */
    setupWallSeconds?: number;
    /**
     * Present only when the slice is split into parts (sliceParts > 1): each part that ran, in part
     * order. A run cut short has those it reached, the last of them `partial`.
     */
    parts?: PartMeta[];
  };
}

/**
 * One part of a run as its thread (or machine, after `merge`) measured it. Each lane (worker
 * thread) runs its parts one after another, the slowest lane sets the run's wall time, and a lane's
 * first part also compiles the code its later parts reuse: these say which part a slow run waited on.
 */
export interface PartMeta {
  index: number;
  /** From the part's start to its end, setup included (s). */
  wallSeconds: number;
  /** Building the part's deployment and connecting its devices online at time 0 (s). */
  setupWallSeconds: number;
  events: number;
  /** Stopped before its end (Ctrl-C, maxEvents). */
  partial: boolean;
}
