/**
 * The simulated deployment: chat servers that each run the real routing core, their CPUs as
 * multi-core FIFO queues, the links between them, and the devices of an implicit population.
 *
 * How a core runs on the kernel. When a frame reaches a server, the host calls the core at once
 * with ports that capture what it sends and price what it does: every operation the core reports
 * is charged from the cost model. The captured frames become one CPU job whose service time is
 * the sum of those charges; they leave the server when the job finishes on one of its cores. A
 * call whose operations cost nothing adds no delay and takes no core, which is what the reference
 * workload asks of acks and receipts. The core's state changes at arrival, its output at
 * departure. With FIFO cores two jobs can finish out of order, but what the core sends one device
 * leaves in the order the core sent it (a connection's writes are serialised), on the connection
 * that was current when it was sent: the device can then keep one number, the highest mailbox
 * sequence it holds, as its cumulative ack, its resume point and its dedup state (a copy at or
 * below it is a duplicate: acked again, not delivered, counted). Likewise what a core sends one
 * other server leaves in the order the core sent it (one connection per pair of servers), so order
 * per (sender, conversation) holds across server hops.
 *
 * Devices connect to their user's home server. Links keep FIFO order per pair of endpoints
 * (device and server, server and server) as TCP does, with a latency drawn per frame, bandwidth
 * queueing on links between regions, and loss as a retransmission delay.
 */
import { ChatServer } from '../core/chat-server.js';
import { DEFAULT_WIRE } from '../core/config.js';
import { ClientKind, Code, DeviceKind, Envelope, ServerFrame, ServerKind, groupCreateFrame, readFrame, type ClientFrame } from '../core/frames.js';
import { deviceKeyOf, SLOTS_PER_USER, userOf } from '../core/ids.js';
import { MemoryOfflineStore } from '../core/memory/offline-store.js';
import { Op, OP_COUNT, type OpKind } from '../core/ops.js';
import type { ResolvedRegion, ResolvedScenario } from '../scenario/resolved.js';
import type { Distribution } from '../sim/distributions/index.js';
import { FifoCores } from '../sim/fifo-cores.js';
import type { RandomStream, RandomStreams } from '../sim/random.js';
import type { Simulator } from '../sim/simulator.js';
import { NS_PER_MS, NS_PER_S } from '../sim/time.js';
import { BackingService } from './backing-service.js';
import { OfflineBacklog, copiesPerMessage } from './backlog.js';
import { CostModel } from './cost-model.js';
import { durationDistribution } from './distribution-of.js';
import { MessageTable } from './message-table.js';
import { Population } from './population.js';
import { DenseSessionDirectory } from './dense-directory.js';
import { ServerPorts, type ServerPortsHost } from './server-ports.js';
import { FramePool, NumberRows, SlotPool } from './transit.js';
import { onlineFractionAtNs } from './online-fraction.js';
import { OutsideWorld, type OutsideHost } from './outside-world.js';
import { Workload, type WorkloadHost } from './workload.js';
import { ClientState, DEVICE_RECORD } from './client-state.js';
import { buildLinks, type LinkCounters } from './links.js';
import { orderByKey } from './counting-sort.js';
import { overlapNs, type MeasuredWindow } from './measured-window.js';
import { ReadHistory, ReadHistoryFeed } from './read-history.js';
import { reconnectsPerNs, sessionChangePerNs, sessionEndsPerNs } from './sessions.js';
import { DOUBLE_ZERO, emptyDoubleArray, emptyObjectArray } from '../sim/stable-shapes.js';

// The device record's layout (client-state.ts), in module-local names: the hot code here reads
// them at every frame, and an imported binding is a cell V8 checks at every use.
const DEVICE_F64_STRIDE = DEVICE_RECORD.bytes / 8;
const DEVICE_I32_STRIDE = DEVICE_RECORD.bytes / 4;
const DEV_MAILBOX_HIGHEST = DEVICE_RECORD.f64.mailboxHighest;
const DEV_UP_FREE_NS = DEVICE_RECORD.f64.upFreeNs;
const DEV_DOWN_FREE_NS = DEVICE_RECORD.f64.downFreeNs;
const DEV_CLIENT_SEQ = DEVICE_RECORD.i32.clientSeq;
const DEV_CLIENT_CONNECTION = DEVICE_RECORD.i32.clientConnection;
const DEV_SERVER_CONNECTION = DEVICE_RECORD.i32.serverConnection;
const DEV_PUSH_TICKET = DEVICE_RECORD.i32.pushTicket;
const DEV_PUSH_SENT = DEVICE_RECORD.i32.pushSent;

/**
 * Routing-core records per user after the warm start, in expectation, when each device is online
 * with probability `online`: one per online device, and one more for a user whose primary device
 * is offline while a companion is online (a user's record is its primary device's). The second
 * term is what `devicesPerUserMean x online` left out: 11% more records at global-2025's peak,
 * which made half of its slice's tables double (and rehash) during setup (session 4).
 */
export function warmStartRecordsPerUser(devicesPerUser: ReadonlyArray<{ devices: number; fraction: number }>, online: number): number {
  let records = 0;
  for (const { devices, fraction } of devicesPerUser) {
    const primaryOfflineCompanionOnline = (1 - online) * (1 - Math.pow(1 - online, devices - 1));
    records += fraction * (devices * online + primaryOfflineCompanionOnline);
  }
  return records;
}

/** Minimum retransmission timeout added to a frame lost on a link (TCP's RTO floor is 200 ms). */
const RETRANSMIT_MIN_NS = 200 * NS_PER_MS;
/** A read happens within 60 s for the `read.within60s` share, uniformly over that minute. */
const READ_WINDOW_NS = 60 * NS_PER_S;
/** sendUp's control code for a device's cumulative ack (travels as a number, not a frame). */
const CONTROL_ACK = 3;
/**
 * The warm start connects a server's devices in the order of their records' home slots, to 2^5 = 32
 * slots (2 KiB of the table) at a time (warmConnect). Sorting by the exact slot counted into an
 * array of one entry per slot, 16 MB for global-2025's tables, whose every update missed the cache;
 * 32 slots a run keep that array in cache and the inserts within one page. Measured on
 * global-2025's south_asia and emea parts: the warm connect took 1,471 and 890 ms by the exact slot,
 * 902 to 955 and 509 to 649 ms by runs of 32 (8 to 256 slots differ little; session 15).
 */
const SLOT_RUN_SHIFT = 5;
/**
 * Client sequence numbers of the warm start's backlog messages start here: above every real one
 * (client sequences are int32), so a device tells a backlog copy from a tracked message.
 */
const BACKLOG_REF_FIRST = 2 ** 31;

/** A push waiting for an earlier push to the same device (its job finished first). */
interface HeldPush {
  server: number;
  deviceKey: number;
  /** null: lost with its job, only its place in the order is held. */
  env: Envelope | null;
  connection: number;
  ticket: number;
}

/** A frame to another server waiting for an earlier frame on the same pair (its job finished first). */
interface HeldHop {
  from: number;
  to: number;
  /** null: lost with its job, only its place in the order is held. */
  frame: ServerFrame | null;
  ticket: number;
}

/** A read to come: the reading device (and its dense index), and the sender and client seq of the message it reads. */
interface PendingRead {
  deviceKey: number;
  dev: number;
  senderKey: number;
  senderSeq: number;
}
/** A PendingRead's fields in its row of `Deployment.reads`. */
const READ_DEVICE_KEY = 0;
const READ_DEV = 1;
const READ_SENDER_KEY = 2;
const READ_SENDER_SEQ = 3;
const READ_WIDTH = 4;

export interface DeploymentObserver {
  /** A message copy reached a device: latency from the client's send, and whether it was counted. */
  delivered(latencyNs: number, counted: boolean): void;
}

/** Output of one call into a core; arrays are reused, so counts say how much of them is live. */
interface CpuJob {
  server: number;
  deviceCount: number;
  serverCount: number;
  deviceKeys: number[];
  /** Per push: the device's dense index (found once, when the core sent it). */
  devs: number[];
  /** Per push: the device's connection when the core sent it, and its place in the device's push order. */
  connections: number[];
  tickets: number[];
  envelopes: Envelope[];
  serverIds: number[];
  serverFrames: ServerFrame[];
  /** Per frame to a server: its place in the order of the pair (this server, that one). */
  hopTickets: number[];
}

function emptyJob(): CpuJob {
  // Arrays of doubles and of objects from the start (stable-shapes.ts): spare jobs are made at each
  // part's start, and the code that fills them was optimised for the last part's.
  return {
    server: DOUBLE_ZERO - 1,
    deviceCount: 0,
    serverCount: 0,
    deviceKeys: emptyDoubleArray(),
    devs: emptyDoubleArray(),
    connections: emptyDoubleArray(),
    tickets: emptyDoubleArray(),
    envelopes: emptyObjectArray(),
    serverIds: emptyDoubleArray(),
    serverFrames: emptyObjectArray(),
    hopTickets: emptyDoubleArray(),
  };
}

export interface ServerState {
  index: number;
  region: ResolvedRegion;
  core: ChatServer;
  cpu: FifoCores;
  store: MemoryOfflineStore;
  opCounts: Float64Array;
  connections: number;
  connectionsPeak: number;
  memoryBytesPeak: number;
  cpuDrops: number;
  nicBitsPerSecond: number | null;
  nicFreeAtNs: number;
  nicBusyNs: number;
}

export class Deployment implements WorkloadHost, OutsideHost, ServerPortsHost {
  readonly scenario: ResolvedScenario;
  readonly population: Population;
  readonly servers: ServerState[] = [];
  readonly links: LinkCounters[];
  /** Per region: its directory and its offline store. */
  readonly directories: BackingService[];
  readonly offlineStores: BackingService[];
  readonly messages = new MessageTable();
  /** Counted from the end of warm-up. */
  counters = Deployment.zeroCounters();
  /**
   * Counted from the end of warm-up, by region (for a slice's derived figures): messages sent by
   * devices homed in the slice, by the sender's region; copies delivered, by the device's region.
   */
  readonly sentInsideByRegion: Float64Array;
  readonly deliveriesByRegion: Float64Array;
  /** Device connects (logins) at simulated servers while measuring, by the server's region. */
  readonly connectsByRegion: Float64Array;
  /** Where busy time of NICs, links and backing services is counted (measured-window.ts). */
  readonly measuredWindow: MeasuredWindow;
  /** Whether statistics are being collected (after warm-up). */
  measuring = false;

  /** Whether some chat servers are outside the simulation (WorkloadHost). */
  get isSlice(): boolean {
    return this.outside.isSlice;
  }

  private readonly sim: Simulator;
  private readonly costs: CostModel;
  private readonly observer: DeploymentObserver;
  /** The offered load (its own random stream, drawn at arrivals only). */
  private readonly workload: Workload;
  /** The servers outside a slice (in full fidelity, there are none). */
  readonly outside: OutsideWorld;
  /** Draws at deliveries (whether and when a message is read), which depend on the deployment. */
  private readonly rngReads: RandomStream;
  private readonly rngNet: RandomStream;
  private readonly rngSession: RandomStream;
  private readonly directory: DenseSessionDirectory;
  private readonly accessLatency: Distribution[];
  private readonly interServerLatency: Distribution[];
  /** Link index between two regions (regionA * regions + regionB), or the region's own LAN. */
  private readonly linkOf: Int32Array;

  /** The simulated users' devices: where they are, and a record each (client-state.ts). */
  private readonly clients: ClientState;
  /**
   * The clients' device records (the same arrays, by record number: ClientState.record), read and
   * written on the hot path: per device its highest mailbox sequence, its links' FIFO clocks, its
   * client sequence, its connection counts client and server side, and its push tickets given and
   * sent; and whether each device is online (by dense index).
   * A push whose job finishes before an earlier push's waits in `heldPushes` (rare).
   */
  private readonly deviceF64: Float64Array;
  private readonly deviceI32: Int32Array;
  private readonly deviceOnline: Uint8Array;
  /** Copies a message makes at the start's online share (recordsExpectedOn), once found. */
  private copiesPerMessageAtStart: number | undefined;
  /** Pushes waiting for an earlier push to the same device, by dense device index. */
  private readonly heldPushes = new Map<number, HeldPush[]>();
  private heldPushCount = 0;
  /** Last arrival per ordered server pair, to keep server links FIFO under random latency (linkPairOf). */
  private readonly pairLastNs: Float64Array;
  /**
   * Frame order per ordered server pair (simulatedIndex[from] * servers + to), as for pushes: tickets given to
   * frames in the order the core sent them (the last one given) and the last one sent. A frame
   * whose job finishes before an earlier frame's on the same pair waits in `heldHops`, so frames
   * between two servers leave in the order the sender's core produced them.
   */
  private readonly hopTicket: Int32Array;
  private readonly hopSent: Int32Array;
  /** Each chat server's rank among the simulated ones (in index order), or -1 outside the slice. */
  private readonly simulatedIndex: Int32Array;
  private readonly simulatedServerCount: number;
  /** Frames waiting for an earlier frame on the same pair, by pair index. */
  private readonly heldHops = new Map<number, HeldHop[]>();
  private heldHopCount = 0;
  /** The warm start's offline backlog, or null when the store starts empty. */
  private readonly backlog: OfflineBacklog | null;
  /** One bit per device slot: offline since before the run, its backlog not yet given. */
  private readonly backlogOwed: Uint32Array;
  private readonly rngBacklog: RandomStream;
  private backlogRefNext = BACKLOG_REF_FIRST;
  /** Frames the core refused, by its reason code (server acks that did not say accepted). */
  readonly rejectedByCode = new Map<number, number>();

  /** Up: a = device key, b = control (0 frame, 1 connect, 2 disconnect, -seq an ack), ref = frame. */
  private readonly upFrames = new FramePool<ClientFrame>();
  /** Down: a = device key, ref = envelope. */
  private readonly downFrames = new FramePool<Envelope>();
  /** Hops: a = from server, b = to server, ref = frame. */
  private readonly hops = new FramePool<ServerFrame>();
  private readonly jobs = new SlotPool<CpuJob>();
  private readonly spareJobs: CpuJob[] = emptyObjectArray();
  /**
   * Reads to come, as numbers (READ_*): a read waits up to a minute, and as an object it outlived
   * one or two scavenges and was copied and promoted (session 16).
   */
  private readonly reads = new NumberRows(READ_WIDTH);
  /** The reads of copies delivered before the run (read-history.ts), and its stream. */
  private readonly readHistory = new ReadHistory<PendingRead>(READ_WINDOW_NS);
  private readonly rngReadHistory: RandomStream;
  private readonly readHistoryFeed: ReadHistoryFeed<PendingRead>;

  // The capture of the core call in progress.
  private currentCostNs = DOUBLE_ZERO;
  private currentServiceDelayNs = DOUBLE_ZERO;
  private warmStarting = false;
  private capture: CpuJob = emptyJob();

  private readonly kindUp: number;
  private readonly kindDown: number;
  private readonly kindHop: number;
  private readonly kindSession: number;
  private readonly kindRead: number;
  private readonly kindRelease: number;
  private readonly timerKind: number;
  /** `part`: which of a slice's sliceParts this deployment simulates (the whole slice by default). */
  constructor(scenario: ResolvedScenario, sim: Simulator, streams: RandomStreams, observer: DeploymentObserver, part = { index: 0, count: 1 }) {
    this.scenario = scenario;
    this.sim = sim;
    this.observer = observer;
    this.population = new Population(scenario);
    this.sentInsideByRegion = new Float64Array(scenario.regions.length);
    this.deliveriesByRegion = new Float64Array(scenario.regions.length);
    this.connectsByRegion = new Float64Array(scenario.regions.length);
    this.costs = new CostModel(scenario.costs, streams.stream('costs'));
    this.rngReads = streams.stream('reads');
    this.rngReadHistory = streams.stream('read-history');
    this.readHistoryFeed = new ReadHistoryFeed(sim, 'device.read-history', this.readHistory, this.rngReadHistory, (read, atNs) =>
      this.sim.scheduleAt(atNs, this.kindRead, this.putRead(read.deviceKey, read.dev, read.senderKey, read.senderSeq)),
    );
    this.rngNet = streams.stream('network');
    this.rngSession = streams.stream('sessions');
    this.accessLatency = scenario.regions.map((r) => durationDistribution(r.accessLatencyNs));
    this.interServerLatency = scenario.regions.map((r) => durationDistribution(r.chatServers.interServerLatencyNs));

    this.outside = new OutsideWorld(scenario, this.population, sim, streams.stream('outside'), streams.stream('outside-read-history'), this, part);
    // Client state exists for the users homed on simulated servers: all of them in full fidelity,
    // the slice's in a slice.
    this.clients = new ClientState(this.population, this.outside.simulated, this.outside.isSlice);
    this.deviceF64 = this.clients.deviceF64;
    this.deviceI32 = this.clients.deviceI32;
    this.deviceOnline = this.clients.online;
    const deviceSlots = this.clients.devices;
    this.directory = new DenseSessionDirectory(this.population, deviceSlots, this.clients);
    // Pairs of servers are indexed by the simulated one: k x N pairs whose sender is simulated (the
    // core's frames), and in a slice k x N more whose receiver is (the outside's frames into it);
    // not N x N, which at 10,000 servers would be 1.6 GB for 8 of them simulated.
    const serverCount = scenario.totals.chatServers;
    this.simulatedIndex = new Int32Array(serverCount).fill(-1);
    let simulatedCount = 0;
    for (let server = 0; server < serverCount; server++) if (this.outside.isSimulatedServer(server)) this.simulatedIndex[server] = simulatedCount++;
    this.simulatedServerCount = simulatedCount;
    const senderPairs = simulatedCount * serverCount;
    this.pairLastNs = new Float64Array(this.outside.isSlice ? 2 * senderPairs : senderPairs);
    this.hopTicket = new Int32Array(senderPairs);
    this.hopSent = new Int32Array(senderPairs);

    this.kindUp = sim.register('device.up', (slot) => this.onUp(slot));
    this.kindDown = sim.register('device.down', (slot) => this.onDown(slot));
    this.kindHop = sim.register('server.hop', (slot) => this.onHop(slot));
    this.kindSession = sim.register('device.session', (dev) => this.onSessionToggle(dev));
    this.kindRead = sim.register('device.read', (slot) => this.onRead(slot));
    this.kindRelease = sim.register('server.release', (slot) => this.onRelease(slot));
    this.timerKind = sim.timers.register((arg) => this.onCoreTimer(arg));

    const linkTable = buildLinks(scenario, this.interServerLatency);
    this.links = linkTable.links;
    this.linkOf = linkTable.linkOf;
    this.measuredWindow = { startNs: scenario.warmupNs, endNs: scenario.durationNs };
    this.directories = scenario.regions.map(
      (r) => new BackingService(`directory-${r.name}`, 'directory', r.name, durationDistribution(scenario.directory.latencyNs), scenario.directory.capacityOpsPerSecond, this.measuredWindow),
    );
    this.offlineStores = scenario.regions.map(
      (r) => new BackingService(`offline-store-${r.name}`, 'offlineStore', r.name, durationDistribution(scenario.offlineStore.latencyNs), scenario.offlineStore.capacityOpsPerSecond, this.measuredWindow),
    );
    // A slice draws the messages that touch it from the rates at which they do (slice-one-to-one.ts,
    // slice-groups.ts), each kind from a stream of its own.
    const sliceDirect = this.outside.isSlice
      ? {
          users: this.clients.sliceUserList(scenario.regions),
          servers: Array.from({ length: serverCount }, (_, server) => server).filter((server) => this.outside.isSimulatedServer(server)),
          sendersInside: streams.stream('workload-senders-inside'),
          recipientsInside: streams.stream('workload-recipients-inside'),
          groupsInside: streams.stream('workload-groups-inside'),
          groupsHomedInside: streams.stream('workload-groups-homed-inside'),
        }
      : null;
    this.workload = new Workload(scenario, this.population, sim, streams.stream('workload'), this, sliceDirect);
    // After the workload: the cores' tables are sized by its rates (recordsExpectedOn).
    this.buildServers();
    this.rngBacklog = streams.stream('backlog');
    this.backlog = scenario.offlineStore.warmBacklog ? this.buildBacklog() : null;
    this.backlogOwed = new Uint32Array(this.backlog === null ? 0 : Math.ceil(deviceSlots / 32));
  }

  /** The share of all devices online at the start. */
  private onlineShareAtStart(): number {
    let users = 0;
    let online = 0;
    for (const region of this.scenario.regions) {
      users += region.users;
      online += region.users * this.onlineFractionAt(region, 0);
    }
    return users > 0 ? online / users : 0;
  }

  private buildBacklog(): OfflineBacklog {
    const onlineShare = this.onlineShareAtStart();
    const copies = copiesPerMessage(this.scenario, this.population, onlineShare);
    const messagesInAt = (atNs: number) => this.workload.offeredPerSecondAt(atNs);
    const offlineDevices = this.population.users * this.scenario.workload.devicesPerUserMean * (1 - onlineShare);
    return new OfflineBacklog(messagesInAt, copies.toOffline, offlineDevices, this.scenario.offlineStore.retentionNs);
  }

  static zeroCounters() {
    return {
      sent: 0,
      groupSent: 0,
      delivered: 0,
      deliveriesToDevices: 0,
      droppedCopies: 0,
      droppedMessages: 0,
      /** Mailbox copies a device already held (at or below its highest sequence): acked again, not delivered. */
      duplicatesAtDevices: 0,
      lostAtClosedDevices: 0,
      senderOffline: 0,
      /** Copies of the warm start's backlog delivered (counted in deliveriesToDevices too). */
      backlogDeliveries: 0,
      /** Copies of messages sent during the warm-up delivered while measuring (counted in deliveriesToDevices too). */
      warmupDeliveries: 0,
      reads: 0,
      connects: 0,
      disconnects: 0,
      reconnects: 0,
      /** Slice fidelity: messages generated by devices homed outside the slice (counted in sent). */
      sentFromOutside: 0,
      /** Frames of devices the core refused (a group that does not exist yet, ...). */
      rejected: 0,
      bytesUp: DOUBLE_ZERO,
      bytesDown: DOUBLE_ZERO,
    };
  }

  /** Connects the devices online at time 0 (a warm start: no login storm) and starts the workload. */
  start(): void {
    this.warmStarting = true;
    const inside = this.clients.users;
    const deviceFirst = this.clients.deviceFirst;
    // Tens of millions of users in a large slice: what is the same for a region is found once.
    const fractions = this.scenario.regions.map((region) => this.onlineFractionNow(region));
    // The devices online at time 0, in the order met: their keys, dense indices and home servers,
    // in typed arrays of the slice's size, then grouped by home and connected after the loop. Not in
    // a JavaScript array per home: pushing millions of elements regrows such an array by copying,
    // each time into fresh pages, 45,000 page faults and a fifth of a part's setup (session 15).
    const onlineKeys = new Float64Array(this.clients.devices);
    const onlineDevs = new Uint32Array(this.clients.devices);
    const onlineHomes = new Int32Array(this.clients.devices);
    let online = 0;
    for (let index = 0; index < inside; index++) {
      const user = this.clients.userOfIndex(index);
      const count = deviceFirst[index + 1]! - deviceFirst[index]!;
      const region = this.population.regionOf(user);
      const fraction = fractions[region.index]!;
      for (let slot = 0; slot < count; slot++) {
        const dev = deviceFirst[index]! + slot;
        const isOnline = this.rngSession.nextFloat() < fraction;
        if (isOnline) {
          this.clients.setOnline(dev, index, 1);
          const home = this.population.homeOf(user);
          onlineKeys[online] = deviceKeyOf(user, slot);
          onlineDevs[online] = dev;
          onlineHomes[online++] = home;
          this.noteConnection(this.servers[home]!, +1);
        } else if (this.backlog !== null) {
          this.backlogOwed[dev >>> 5]! |= 1 << (dev & 31);
        }
        this.scheduleSessionToggle(index * SLOTS_PER_USER + slot, region, isOnline, fraction);
      }
    }
    const byHome = orderByKey(onlineHomes.subarray(0, online), this.servers.length);
    for (let server = 0; server < this.servers.length; server++) {
      const first = byHome.start[server]!;
      const end = byHome.start[server + 1]!;
      if (end === first) continue;
      const keys = new Float64Array(end - first);
      const devs = new Uint32Array(end - first);
      for (let i = first; i < end; i++) {
        keys[i - first] = onlineKeys[byHome.order[i]!]!;
        devs[i - first] = onlineDevs[byHome.order[i]!]!;
      }
      this.warmConnect(this.servers[server]!, keys, devs);
    }
    this.clients.hint(-1, -1);
    this.warmStarting = false;
    this.workload.start();
  }

  /**
   * Connects the devices online at time 0 to their home, in the order of their user's record in
   * its table, by runs of 32 home slots (SLOT_RUN_SHIFT; a user's devices together, in the order
   * met within a run), so that the inserts walk the table: global-2025's slice connects 11 M devices
   * into tables of 268 MB, and in the order met nearly every insert missed the cache and the TLB (6 s
   * of its setup, session 5). The outcome does not depend on the order, but for the connection ids
   * the core hands out, and for which devices a server refuses should it fill up (devicesMax, 12 M
   * by default, far above any shipped scenario's). Whatever a connect sends (nothing, at its home)
   * is dropped: this is the state at time 0.
   */
  private warmConnect(server: ServerState, deviceKeys: Float64Array, devs: Uint32Array): void {
    const core = server.core;
    const count = deviceKeys.length;
    // A counting sort by home slot (by runs of slots, SLOT_RUN_SHIFT), stable (so by place met
    // within a run): the keys and dense indices are copied into that order in one tight pass, whose
    // cache misses overlap. Gathering them in sorted order inside the connect loop instead missed
    // twice per connect, each miss waiting behind the previous connect, and cost as much as the
    // connects (session 7).
    const slotRuns = new Uint32Array(count);
    let slotRunMax = 0;
    for (let i = 0; i < count; i++) {
      const slotRun = core.recordSlotOf(deviceKeyOf(userOf(deviceKeys[i]!), 0)) >>> SLOT_RUN_SHIFT;
      slotRuns[i] = slotRun;
      if (slotRun > slotRunMax) slotRunMax = slotRun;
    }
    const { order } = orderByKey(slotRuns, slotRunMax + 1);
    const sortedKeys = new Float64Array(count);
    const sortedDevs = new Uint32Array(count);
    for (let i = 0; i < count; i++) {
      sortedKeys[i] = deviceKeys[order[i]!]!;
      sortedDevs[i] = devs[order[i]!]!;
    }
    // The directory's session of each is written first, in dense order (presetSessions).
    this.directory.presetSessions(devs, server.index);
    for (let i = 0; i < count; i++) {
      const key = sortedKeys[i]!;
      const dev = sortedDevs[i]!;
      this.clients.hint(key, dev);
      this.directory.presetFor(dev);
      if (core.connect(key, 0) !== Code.Accepted) this.directory.unpreset(dev);
      this.capture.deviceCount = 0;
      this.capture.serverCount = 0;
    }
    this.directory.presetFor(-1);
  }

  /**
   * Restarts every statistic at the end of warm-up, and fills in the reads (inside, and read
   * receipts from outside) of the copies delivered before the run (read-history.ts).
   */
  beginMeasuring(): void {
    this.readHistoryFeed.start();
    this.outside.startReadHistory();
    this.measuring = true;
    this.counters = Deployment.zeroCounters();
    this.sentInsideByRegion.fill(0);
    this.deliveriesByRegion.fill(0);
    this.connectsByRegion.fill(0);
    for (const server of this.servers) {
      server.cpu.resetStatistics();
      server.opCounts.fill(0);
      server.connectionsPeak = server.connections;
      server.cpuDrops = 0;
      // nicBusyNs counts only inside the measured window already (measured-window.ts).
    }
    for (const service of [...this.directories, ...this.offlineStores]) service.resetStatistics();
    // A link's busy time, bytes, messages and losses count only inside the measured window already
    // (measured-window.ts, linkArrivalNs).
  }

  /** Memory the routing cores hold now, summed over servers (tables and stored messages). */
  sampleMemory(): void {
    for (const server of this.servers) {
      const bytes = server.core.tableBytes();
      if (bytes > server.memoryBytesPeak) server.memoryBytesPeak = bytes;
    }
  }

  inFlight(): { messages: number; frames: number } {
    return { messages: this.messages.size, frames: this.upFrames.size + this.downFrames.size + this.hops.size + this.outside.readsInFlightCount + this.jobs.size + this.heldPushCount + this.heldHopCount };
  }

  // ---------------------------------------------------------------------------------------------
  // Assembly

  private buildServers(): void {
    for (const region of this.scenario.regions) {
      for (let i = 0; i < region.chatServers.count; i++) {
        const index = region.chatServers.serverIndexFirst + i;
        const store = new MemoryOfflineStore({ deviceCapacity: this.scenario.offlineStore.messagesPerDeviceMax });
        const opCounts = new Float64Array(OP_COUNT);
        // One object for every port, of a class rather than closures (server-ports.ts says why).
        const ports = new ServerPorts(this, this.sim, index, opCounts, this.directories[region.index]!, this.offlineStores[region.index]!);
        const core = new ChatServer({
          serverId: index,
          clock: ports,
          timers: ports,
          transport: ports,
          directory: this.directory,
          store,
          sink: ports,
          observer: ports,
          limits: { offlineTtlNs: this.scenario.offlineStore.retentionNs },
          recordsExpected: this.outside.isSimulatedServer(index) ? this.recordsExpectedOn(index, region) : 0,
        });
        const cpu = new FifoCores(this.sim, { name: `chat-${index}`, servers: region.chatServers.cores, waitingMax: region.chatServers.cpuQueueMax });
        this.servers.push({ index, region, core, cpu, store, opCounts, connections: 0, connectionsPeak: 0, memoryBytesPeak: 0, cpuDrops: 0, nicBitsPerSecond: region.chatServers.nicBitsPerSecond, nicFreeAtNs: DOUBLE_ZERO, nicBusyNs: DOUBLE_ZERO });
      }
    }
  }

  // ServerPortsHost: what a core's ports do (server-ports.ts), on behalf of one server.

  chargeCoreOp(op: OpKind, opCounts: Float64Array, directory: BackingService, offlineStore: BackingService): void {
    if (this.warmStarting) return; // the state at time 0 is given, not worked for
    opCounts[op]!++;
    // Pushes are priced in the transport, where the host knows what it pushes.
    if (op !== Op.Deliver) this.currentCostNs += this.costs.costNs(op);
    // Requests of one call go out together: the output waits for the last answer, not the
    // sum (each answer already includes the queueing behind the earlier requests).
    let waitNs = -1;
    if (op === Op.DirectoryLookup || op === Op.DirectoryWrite) waitNs = directory.requestDelayNs(this.sim.nowNs, this.rngNet);
    else if (op === Op.Store || op === Op.Drain) waitNs = offlineStore.requestDelayNs(this.sim.nowNs, this.rngNet);
    if (waitNs > this.currentServiceDelayNs) this.currentServiceDelayNs = waitNs;
  }

  coreToDevice(deviceKey: number, env: Envelope): void {
    if (env.kind === DeviceKind.Message || env.kind === DeviceKind.GroupMessage) this.currentCostNs += this.costs.costNs(Op.Deliver);
    else if (env.kind !== DeviceKind.Ack) this.currentCostNs += this.costs.receiptPushNs();
    const capture = this.capture;
    capture.deviceKeys[capture.deviceCount] = deviceKey;
    capture.envelopes[capture.deviceCount++] = env;
  }

  coreToServer(serverId: number, frame: ServerFrame): void {
    const capture = this.capture;
    capture.serverIds[capture.serverCount] = serverId;
    capture.serverFrames[capture.serverCount++] = frame;
  }

  startCoreTimer(serverIndex: number, delayNs: number, token: number): number {
    return this.sim.timers.start(delayNs, this.timerKind, serverIndex * 2 ** 20 + token);
  }

  cancelCoreTimer(handle: number): void {
    this.sim.timers.cancel(handle);
  }

  coreDroppedCopy(deviceKey: number, env: Envelope): void {
    this.onCopyDropped(deviceKey, env);
  }

  /**
   * The records a simulated server's core will hold by the end of the run, in expectation: those the
   * warm start makes (warmStartRecordsPerUser), and those the run adds. A core keeps the record of
   * a device homed on it once made, and the primary record of a user whose devices it looked up, so
   * the table grows through the run: by a record per login of a device without one, and per user
   * messaged for the first time. Each is counted here as new (an upper bound), within the users'
   * devices and primaries. Sized for the warm start alone, every table of global-2025's slice
   * doubled 40 s into its minute, and quickstart's quadrupled (session 7).
   */
  private recordsExpectedOn(server: number, region: ResolvedRegion): number {
    const users = this.population.userCountOf(server);
    const workload = this.scenario.workload;
    const online = this.onlineFractionNow(region);
    const warm = users * warmStartRecordsPerUser(workload.devicesPerUser, online);
    const durationSeconds = this.scenario.durationNs / NS_PER_S;
    const connections = users * workload.devicesPerUserMean * online;
    const logins = connections * sessionChangePerNs(region.online, true, online) * this.scenario.durationNs;
    // Users a message reaches: its copies over the devices a user has (the sender's own other
    // devices counted too, a slight overcount); each user equally likely to be one.
    this.copiesPerMessageAtStart ??= copiesPerMessage(this.scenario, this.population, this.onlineShareAtStart()).all;
    const usersPerMessage = this.copiesPerMessageAtStart / workload.devicesPerUserMean;
    const messaged = this.workload.offeredPerSecondAt(0) * durationSeconds * usersPerMessage * (users / this.population.users);
    return Math.min(warm + logins + messaged, users * (workload.devicesPerUserMean + 1));
  }

  // ---------------------------------------------------------------------------------------------
  // Running the core

  /** Starts pricing and capturing a call into a core (no closure per call: this is the hot path). */
  private beginCore(): void {
    this.currentCostNs = 0;
    this.currentServiceDelayNs = 0;
  }

  /** Sends what the call into `server`'s core captured through a CPU job (or at once if it was free). */
  private endCore(server: number): void {
    const capture = this.capture;
    if (capture.deviceCount > 0) this.orderPushes(capture);
    if (capture.serverCount > 0) this.orderHops(server, capture);
    const hasOutput = capture.deviceCount + capture.serverCount > 0;
    const costNs = Math.round(this.currentCostNs);
    const serviceDelayNs = Math.round(this.currentServiceDelayNs);
    let releaseAtNs = this.sim.nowNs;
    if (costNs > 0) {
      // The CPU settles when the work will finish as it arrives (FifoCores): work without output
      // is booked and needs no event; work with output gets one, when its output leaves.
      const finishNs = this.servers[server]!.cpu.admit(costNs);
      if (finishNs < 0) return this.refuseWork(server);
      releaseAtNs = finishNs;
    }
    if (!hasOutput) return;
    // The output waits, after the CPU work, for the backing services' answers (serviceDelayNs).
    releaseAtNs += serviceDelayNs;
    if (releaseAtNs === this.sim.nowNs) return this.flush(server, capture);
    // The capture becomes the job, and a spare job (or a new one) the next capture: nothing is
    // copied, and nothing allocated once the spares cover the jobs in flight.
    const job = capture;
    this.capture = this.spareJobs.pop() ?? emptyJob();
    job.server = server;
    this.sim.scheduleAt(releaseAtNs, this.kindRelease, this.jobs.put(job));
  }

  /** The CPU's queue is at its bound: the captured work is refused and its output lost (counted). */
  private refuseWork(server: number): void {
    const job = this.capture;
    this.capture = this.spareJobs.pop() ?? emptyJob();
    this.servers[server]!.cpuDrops++;
    for (let i = 0; i < job.deviceCount; i++) {
      this.onCopyDropped(job.deviceKeys[i]!, job.envelopes[i]!);
      this.pushDown(server, job.deviceKeys[i]!, job.devs[i]!, null, 0, job.tickets[i]!);
    }
    for (let i = 0; i < job.serverCount; i++) {
      this.onServerFrameLost(job.serverFrames[i]!);
      this.hopOut(server, job.serverIds[i]!, null, job.hopTickets[i]!);
    }
    this.recycle(job);
  }

  /** The job's output leaves the server: CPU done and backing services answered. */
  private onRelease(slot: number): void {
    const job = this.jobs.take(slot);
    this.flush(job.server, job);
    this.recycle(job);
  }

  private recycle(job: CpuJob): void {
    job.deviceCount = 0;
    job.serverCount = 0;
    this.spareJobs.push(job);
  }

  private flush(server: number, out: CpuJob): void {
    const devices = out.deviceCount;
    const servers = out.serverCount;
    out.deviceCount = 0;
    out.serverCount = 0;
    for (let i = 0; i < devices; i++) this.pushDown(server, out.deviceKeys[i]!, out.devs[i]!, out.envelopes[i]!, out.connections[i]!, out.tickets[i]!);
    for (let i = 0; i < servers; i++) this.hopOut(server, out.serverIds[i]!, out.serverFrames[i]!, out.hopTickets[i]!);
  }

  private onCoreTimer(arg: number): void {
    const server = Math.floor(arg / 2 ** 20);
    const token = arg - server * 2 ** 20;
    this.beginCore();
    this.servers[server]!.core.onTimer(token);
    this.endCore(server);
  }

  // ---------------------------------------------------------------------------------------------
  // Links

  /**
   * A frame up the device's link; `dev` is its dense index (callers have it at hand, and it travels
   * with the frame, so the receiving end need not look it up: a cache miss per lookup at millions
   * of devices).
   */
  private sendUp(deviceKey: number, dev: number, frame: ClientFrame | null, control: number, ackSeq = 0): void {
    const region = this.population.regionOf(userOf(deviceKey));
    let arriveNs = this.sim.nowNs + Math.round(this.accessLatency[region.index]!.sample(this.rngNet));
    const upFree = this.clients.record(dev) * DEVICE_F64_STRIDE + DEV_UP_FREE_NS;
    if (arriveNs < this.deviceF64[upFree]!) arriveNs = this.deviceF64[upFree]!;
    this.deviceF64[upFree] = arriveNs;
    if (frame !== null && this.measuring) this.counters.bytesUp += frame.bytes;
    // b carries the control code, or for an ack the (negated, so below every code) sequence acked.
    this.sim.scheduleAt(arriveNs, this.kindUp, this.upFrames.put(deviceKey, control === CONTROL_ACK ? -ackSeq : control, frame, dev));
  }

  /**
   * When a frame of `bytes` leaves `server` through its NIC: FIFO serialisation at the NIC's rate
   * behind the frames already queued (no delay with an unlimited NIC).
   */
  private nicDepartNs(server: ServerState, bytes: number): number {
    const now = this.sim.nowNs;
    if (server.nicBitsPerSecond === null) return now;
    const txNs = Math.round((bytes * 8 * NS_PER_S) / server.nicBitsPerSecond);
    const departNs = (server.nicFreeAtNs > now ? server.nicFreeAtNs : now) + txNs;
    server.nicFreeAtNs = departNs;
    server.nicBusyNs += overlapNs(departNs - txNs, departNs, this.measuredWindow);
    return departNs;
  }

  /**
   * Stamps each push of the call just made with the device's connection now (a push the core sent
   * before a reconnect arrived belongs to the old connection, whenever its job finishes) and with
   * its place in the device's push order.
   */
  /** The connection count of a device (dense index) as its server sees it. */
  private serverConnectionOf(dev: number): number {
    return this.deviceI32[this.clients.record(dev) * DEVICE_I32_STRIDE + DEV_SERVER_CONNECTION]!;
  }

  private orderPushes(capture: CpuJob): void {
    for (let i = 0; i < capture.deviceCount; i++) {
      const dev = this.clients.denseIndex(capture.deviceKeys[i]!);
      capture.devs[i] = dev;
      capture.connections[i] = this.serverConnectionOf(dev);
      capture.tickets[i] = ++this.deviceI32[this.clients.record(dev) * DEVICE_I32_STRIDE + DEV_PUSH_TICKET]!;
    }
  }

  /**
   * Sends a push down once every earlier push to the device has gone (a connection's writes are
   * serialised); until then it is held. `env` null: the push was lost with its job (CPU queue
   * full), and only its place in the order is released.
   */
  private pushDown(server: number, deviceKey: number, dev: number, env: Envelope | null, connection: number, ticket: number): void {
    const pushSent = this.clients.record(dev) * DEVICE_I32_STRIDE + DEV_PUSH_SENT;
    if (ticket !== ((this.deviceI32[pushSent]! + 1) | 0)) {
      const held = this.heldPushes.get(dev);
      const push: HeldPush = { server, deviceKey, env, connection, ticket };
      if (held === undefined) this.heldPushes.set(dev, [push]);
      else held.push(push);
      this.heldPushCount++;
      return;
    }
    this.deviceI32[pushSent] = ticket;
    if (env !== null) this.sendDown(server, deviceKey, dev, env, connection);
    if (this.heldPushCount > 0) this.releaseHeld(dev);
  }

  /** Sends the held pushes of a device that are now next in its order. */
  private releaseHeld(dev: number): void {
    const held = this.heldPushes.get(dev);
    if (held === undefined) return;
    const pushSent = this.clients.record(dev) * DEVICE_I32_STRIDE + DEV_PUSH_SENT;
    for (let i = 0; i < held.length; ) {
      const push = held[i]!;
      if (push.ticket !== ((this.deviceI32[pushSent]! + 1) | 0)) {
        i++;
        continue;
      }
      held.splice(i, 1);
      this.heldPushCount--;
      this.deviceI32[pushSent] = push.ticket;
      if (push.env !== null) this.sendDown(push.server, push.deviceKey, dev, push.env, push.connection);
      i = 0;
    }
    if (held.length === 0) this.heldPushes.delete(dev);
  }

  /** `dev`: the device's dense index. */
  private sendDown(server: number, deviceKey: number, dev: number, env: Envelope, connection: number): void {
    const region = this.population.regionOf(userOf(deviceKey));
    let arriveNs = this.nicDepartNs(this.servers[server]!, env.bytes) + Math.round(this.accessLatency[region.index]!.sample(this.rngNet));
    const downFree = this.clients.record(dev) * DEVICE_F64_STRIDE + DEV_DOWN_FREE_NS;
    if (arriveNs < this.deviceF64[downFree]!) arriveNs = this.deviceF64[downFree]!;
    this.deviceF64[downFree] = arriveNs;
    if (this.measuring) this.counters.bytesDown += env.bytes;
    // The home's ack of a frame it accepted (or already had) changes nothing at the device: the
    // model's clients keep no outbox to free and set no timer by it. So the ack takes its place on
    // the link (the FIFO clock above, the NIC) but gets no kernel event, one of the ten or so a
    // message costs (session 4). A refusal does get one: the device accounts the message lost.
    if (env.kind === DeviceKind.Ack && (env.aux === Code.Accepted || env.aux === Code.Duplicate)) return;
    // Stamped with the connection it was sent on, so a device that has since reconnected drops it.
    this.sim.scheduleAt(arriveNs, this.kindDown, this.downFrames.put(deviceKey, connection, env, dev));
  }

  /** Gives each frame to a server of the call just made its place in the order of its pair. */
  private orderHops(server: number, capture: CpuJob): void {
    const base = this.simulatedIndex[server]! * this.servers.length;
    for (let i = 0; i < capture.serverCount; i++) {
      const pair = base + capture.serverIds[i]!;
      // Wraps at 2^31 as the counter does (a ++ on the element would yield 2^31 itself).
      capture.hopTickets[i] = this.hopTicket[pair] = (this.hopTicket[pair]! + 1) | 0;
    }
  }

  /**
   * Sends a core's frame to another server once every earlier frame from `from` to `to` has gone
   * (one connection per pair of servers, whose writes are serialised); until then it is held.
   * `frame` null: the frame was lost with its job (CPU queue full), and only its place in the
   * order is released. A frame to a server outside the slice keeps the same order.
   */
  private hopOut(from: number, to: number, frame: ServerFrame | null, ticket: number): void {
    const pair = this.simulatedIndex[from]! * this.servers.length + to;
    if (ticket !== ((this.hopSent[pair]! + 1) | 0)) {
      // Kept sorted by ticket (jobs mostly finish nearly in order, so this is an append).
      const hop: HeldHop = { from, to, frame, ticket };
      const held = this.heldHops.get(pair);
      if (held === undefined) this.heldHops.set(pair, [hop]);
      else {
        let i = held.length;
        while (i > 0 && ((held[i - 1]!.ticket - ticket) | 0) > 0) i--;
        held.splice(i, 0, hop);
      }
      this.heldHopCount++;
      return;
    }
    this.hopSent[pair] = ticket;
    if (frame !== null) this.sendHop(from, to, frame);
    if (this.heldHopCount > 0) this.releaseHeldHops(pair);
  }

  /** Sends the held frames of a pair that are now next in its order. */
  private releaseHeldHops(pair: number): void {
    const held = this.heldHops.get(pair);
    if (held === undefined) return;
    let n = 0;
    while (n < held.length && held[n]!.ticket === ((this.hopSent[pair]! + 1) | 0)) {
      const hop = held[n++]!;
      this.hopSent[pair] = hop.ticket;
      if (hop.frame !== null) this.sendHop(hop.from, hop.to, hop.frame);
    }
    if (n === 0) return;
    this.heldHopCount -= n;
    if (n === held.length) this.heldHops.delete(pair);
    else held.splice(0, n);
  }

  /**
   * A simulated server's frame onto the link from `from` to `to` now, in its core's order (through
   * `hopOut`). The outside world's frames into the slice take `sendHopAfter`.
   */
  private sendHop(from: number, to: number, frame: ServerFrame): void {
    const link = this.linkBetween(from, to);
    const now = this.nicDepartNs(this.servers[from]!, frame.bytes);
    let departNs = now;
    if (link.bandwidthBitsPerSecond !== null) {
      // Serialisation on the link, FIFO: the frame waits for the ones ahead of it.
      const txNs = this.linkTxNs(link, frame.bytes);
      departNs = Math.max(now, link.freeAtNs) + txNs;
      link.freeAtNs = departNs;
      link.busyNs += overlapNs(departNs - txNs, departNs, this.measuredWindow);
    }
    let arriveNs = this.linkArrivalNs(link, departNs, frame.bytes);
    const pair = this.linkPairOf(from, to);
    if (arriveNs < this.pairLastNs[pair]!) arriveNs = this.pairLastNs[pair]!;
    this.pairLastNs[pair] = arriveNs;
    // The outside takes a frame when it is sent (OutsideWorld.receive): no event to deliver it.
    if (!this.outside.isSimulatedServer(to)) return this.outside.receive(from, to, frame, arriveNs - this.sim.nowNs);
    this.sim.scheduleAt(arriveNs, this.kindHop, this.hops.put(from, to, frame));
  }

  /**
   * A frame the outside world sends into the slice, leaving server `from` (outside) `delayNs` from
   * now: its arrival is worked out now, and it gets one kernel event, at its arrival (a second, at
   * its departure, was one event in eight of a global-2025 slice: session 8). What that leaves out
   * is state that is not simulated outside anyway: the outside servers' NICs, and the order of the
   * frames the outside sends on a pair of servers (it draws each frame's delay alone, so they keep
   * no order before the link either: README, Delivery). On the link, its frames take their
   * serialisation time and count their bytes, but the slice's own frames do not queue behind them:
   * in a slice a link carries the slice's share of its load, so its queue is not the cluster's.
   */
  sendHopAfter(delayNs: number, from: number, to: number, frame: ServerFrame): void {
    this.sim.scheduleAt(this.hopArrivalAfterNs(delayNs, from, to, frame.bytes), this.kindHop, this.hops.put(from, to, frame));
  }

  /**
   * `sendHopAfter`'s link accounting for a frame of `bytes` leaving `delayNs` from now, without the
   * frame: when it arrives. The caller schedules the arrival and hands the frame over then
   * (`deliverHop`).
   */
  hopArrivalAfterNs(delayNs: number, from: number, to: number, bytes: number): number {
    const link = this.linkBetween(from, to);
    const txNs = link.bandwidthBitsPerSecond !== null ? this.linkTxNs(link, bytes) : 0;
    const departNs = this.sim.nowNs + Math.round(delayNs) + txNs;
    link.busyNs += overlapNs(departNs - txNs, departNs, this.measuredWindow);
    return this.linkArrivalNs(link, departNs, bytes);
  }

  private linkBetween(from: number, to: number): LinkCounters {
    const regions = this.scenario.regions.length;
    return this.links[this.linkOf[this.servers[from]!.region.index * regions + this.servers[to]!.region.index]!]!;
  }

  /** A frame's serialisation time on a link with a bandwidth (the caller counts it as busy time). */
  private linkTxNs(link: LinkCounters, bytes: number): number {
    return Math.round((bytes * 8 * NS_PER_S) / link.bandwidthBitsPerSecond!);
  }

  /**
   * When a frame that leaves on a link at `departNs` arrives (its latency, a retransmission if lost);
   * counts it if it leaves inside the measured window, as the link's busy time counts (a frame
   * booked in warm-up behind a NIC's queue may leave in the window, and one booked late may leave
   * after it: counted at booking instead, its bytes disagreed with the busy time).
   */
  private linkArrivalNs(link: LinkCounters, departNs: number, bytes: number): number {
    let arriveNs = departNs + Math.round(link.latency.sample(this.rngNet));
    const counted = departNs >= this.measuredWindow.startNs && departNs < this.measuredWindow.endNs;
    if (link.lossFraction > 0 && this.rngNet.nextFloat() < link.lossFraction) {
      // A lost segment is resent after a retransmission timeout; TCP delivers it late, not never.
      arriveNs += Math.max(RETRANSMIT_MIN_NS, 2 * (arriveNs - departNs));
      if (counted) link.lost++;
    }
    if (counted) {
      link.bytes += bytes;
      link.messages++;
    }
    return arriveNs;
  }

  /** The (from, to) pair's index in pairLastNs: by its simulated sender, else by its simulated receiver. */
  private linkPairOf(from: number, to: number): number {
    const n = this.servers.length;
    const sender = this.simulatedIndex[from]!;
    if (sender >= 0) return sender * n + to;
    const receiver = this.simulatedIndex[to]!;
    if (receiver < 0) throw new Error(`model: a frame from server ${from} to server ${to}, neither simulated (broken invariant)`);
    return (this.simulatedServerCount + receiver) * n + from;
  }

  private onHop(slot: number): void {
    const hops = this.hops;
    hops.take(slot);
    this.deliverHop(hops.a, hops.b, hops.ref!);
  }

  /** A frame from server `from` arrives at server `to` (simulated) now. */
  deliverHop(from: number, to: number, frame: ServerFrame): void {
    this.beginCore();
    this.servers[to]!.core.onServerFrame(from, frame);
    this.endCore(to);
  }

  private onUp(slot: number): void {
    const up = this.upFrames;
    up.take(slot);
    const deviceKey = up.a;
    const control = up.b;
    const frame = up.ref;
    const server = this.servers[this.population.homeOf(userOf(deviceKey))]!;
    const core = server.core;
    // The core's answer goes mostly to this device (its ack, the next copy queued for it).
    this.clients.hint(deviceKey, up.c);
    this.beginCore();
    if (control < 0) {
      core.onDeviceAck(deviceKey, -control);
    } else if (control === 0) {
      core.onClientFrame(deviceKey, frame!);
    } else if (control === 1) {
      const dev = up.c;
      const rec = this.clients.record(dev);
      this.deviceI32[rec * DEVICE_I32_STRIDE + DEV_SERVER_CONNECTION]!++;
      core.connect(deviceKey, this.deviceF64[rec * DEVICE_F64_STRIDE + DEV_MAILBOX_HIGHEST]!);
      this.noteConnection(server, +1);
      if (this.measuring) {
        this.counters.connects++;
        this.connectsByRegion[server.region.index]!++;
      }
    } else {
      core.disconnect(deviceKey);
      this.noteConnection(server, -1);
      if (this.measuring) this.counters.disconnects++;
    }
    this.endCore(server.index);
  }

  private noteConnection(server: ServerState, delta: number): void {
    server.connections += delta;
    if (server.connections > server.connectionsPeak) server.connectionsPeak = server.connections;
  }

  // ---------------------------------------------------------------------------------------------
  // Devices

  private onDown(slot: number): void {
    const down = this.downFrames;
    down.take(slot);
    const deviceKey = down.a;
    const env = down.ref!;
    const dev = down.c;
    if (this.deviceOnline[dev] === 0) {
      // Closed while it was in flight (below); the home re-sends it on the next connection.
      if (this.measuring) this.counters.lostAtClosedDevices++;
      return;
    }
    const rec = this.clients.record(dev);
    if (down.b !== this.deviceI32[rec * DEVICE_I32_STRIDE + DEV_CLIENT_CONNECTION]) {
      // The connection it came on closed while it was in flight; the home re-sends it on the next.
      if (this.measuring) this.counters.lostAtClosedDevices++;
      return;
    }
    if (env.kind === DeviceKind.Ack) {
      // Only refusals come this far (sendDown): an accepted frame's ack has no event.
      this.onRejected(deviceKey, env.ref, env.aux);
      return;
    }
    // Mailbox sequences grow per home, not per device, and a device's copies come in increasing
    // order (pushes never overtake; a new connection resumes after the highest the device
    // reported). So the highest it holds is its whole dedup state: a copy at or below it (a
    // resend of one it had) is a duplicate, acked again so the home frees it, and not delivered.
    const highest = this.deviceF64[rec * DEVICE_F64_STRIDE + DEV_MAILBOX_HIGHEST]!;
    if (env.seq <= highest) {
      if (this.measuring) this.counters.duplicatesAtDevices++;
      this.sendUp(deviceKey, dev, null, CONTROL_ACK, highest);
      return;
    }
    if (env.kind === DeviceKind.Rejected) this.onRejected(deviceKey, env.ref, env.aux);
    this.deviceF64[rec * DEVICE_F64_STRIDE + DEV_MAILBOX_HIGHEST] = env.seq;
    // A cumulative ack is just a number on the way up: no frame object is made for it.
    this.sendUp(deviceKey, dev, null, CONTROL_ACK, env.seq);
    if (env.kind === DeviceKind.Message || env.kind === DeviceKind.GroupMessage) this.onMessageCopy(deviceKey, env, dev);
  }

  /** `dev`: the device's dense index. */
  private onMessageCopy(deviceKey: number, env: Envelope, dev: number): void {
    const table = this.messages;
    const done = table.settleCopy(MessageTable.keyOf(env.from, env.ref));
    if (done < 0) {
      if (env.ref >= BACKLOG_REF_FIRST) this.onBacklogCopy(deviceKey, env, dev);
      return;
    }
    const counted = table.settledCounted;
    this.observer.delivered(this.sim.nowNs - table.settledSendNs, counted);
    // Every copy delivered in the measured window counts as a copy out, whenever its message was
    // sent: "messages out" is what the devices receive per second. A copy of a message sent during
    // the warm-up is in no latency figure and no message count (those follow the messages sent in
    // the window). Counted only with those, the copies out missed the warm-up's messages still in
    // flight or stored when the window opened: the quickstart's first measured second had 11% fewer
    // than the next ones, and its 5 s window 2% fewer in all (session 8).
    if (this.measuring) {
      this.counters.deliveriesToDevices++;
      this.deliveriesByRegion[this.population.regionOf(userOf(deviceKey)).index]!++;
      if (!counted) this.counters.warmupDeliveries++;
    }
    // Complete: delivered only if no copy was lost on the way.
    if (counted && done === 1) {
      if (table.settledLostCopy) this.counters.droppedMessages++;
      else this.counters.delivered++;
    }
    this.maybeRead(deviceKey, env, dev);
  }

  /** A copy of the warm start's backlog reached its device: a delivery, with no latency to record. */
  private onBacklogCopy(deviceKey: number, env: Envelope, dev: number): void {
    if (this.measuring) {
      this.counters.deliveriesToDevices++;
      this.counters.backlogDeliveries++;
      this.deliveriesByRegion[this.population.regionOf(userOf(deviceKey)).index]!++;
    }
    this.maybeRead(deviceKey, env, dev);
    // Its receipts go to a sender outside the slice; the devices outside drain old messages of the
    // slice's users at the same rate, whose receipts come in: one such copy's, to a user inside.
    if (this.outside.isSlice && !this.outside.isSimulatedUser(userOf(env.from))) {
      this.outside.backlogReceiptsIn(env.from, this.clients.userOfIndex(this.rngBacklog.nextInt(this.clients.users)), env.ref);
    }
  }

  private maybeRead(deviceKey: number, env: Envelope, dev: number): void {
    // A recipient (not the sender's own other device) reads it within a minute, or not in this run.
    if (env.kind === DeviceKind.Message && userOf(deviceKey) !== userOf(env.from) && this.rngReads.nextFloat() < this.scenario.workload.read.within60sFraction) {
      if (this.sim.nowNs < this.readHistory.windowNs) this.readHistory.note({ deviceKey, dev, senderKey: env.from, senderSeq: env.ref }, this.sim.nowNs, this.rngReadHistory);
      this.sim.scheduleIn(this.rngReads.nextFloat() * READ_WINDOW_NS, this.kindRead, this.putRead(deviceKey, dev, env.from, env.ref));
    }
  }

  private onCopyDropped(_deviceKey: number, env: Envelope): void {
    if (env.kind !== DeviceKind.Message && env.kind !== DeviceKind.GroupMessage) return;
    const done = this.messages.settleCopy(MessageTable.keyOf(env.from, env.ref), true);
    if (done >= 0 && this.messages.settledCounted) {
      this.counters.droppedCopies++;
      if (done === 1) this.counters.droppedMessages++;
    }
  }

  /** A message whose remaining copies will never come (refused frame, rejected by the core). */
  private onMessageLost(senderKey: number, clientSeq: number): void {
    if (this.messages.dropMessage(MessageTable.keyOf(senderKey, clientSeq)) && this.messages.settledCounted) this.counters.droppedMessages++;
  }

  /** Messages carried by a frame to another server that will never be sent (CPU queue full). */
  private onServerFrameLost(frame: ServerFrame): void {
    const env = frame.env;
    if (env !== null && (env.kind === DeviceKind.Message || env.kind === DeviceKind.GroupMessage)) this.onMessageLost(env.from, env.ref);
    else if (frame.client !== null && frame.client.kind === ClientKind.GroupSend) this.onMessageLost(frame.device, frame.client.seq);
  }

  /** The core refused a frame of this device (its ack's code, or a Rejected envelope later on). */
  private onRejected(deviceKey: number, clientSeq: number, code: number): void {
    if (this.measuring) {
      this.counters.rejected++;
      this.rejectedByCode.set(code, (this.rejectedByCode.get(code) ?? 0) + 1);
    }
    this.onMessageLost(deviceKey, clientSeq);
  }

  private putRead(deviceKey: number, dev: number, senderKey: number, senderSeq: number): number {
    const row = this.reads.alloc();
    const values = this.reads.values;
    const at = row * READ_WIDTH;
    values[at + READ_DEVICE_KEY] = deviceKey;
    values[at + READ_DEV] = dev;
    values[at + READ_SENDER_KEY] = senderKey;
    values[at + READ_SENDER_SEQ] = senderSeq;
    return row;
  }

  private onRead(row: number): void {
    const values = this.reads.values;
    const at = row * READ_WIDTH;
    const deviceKey = values[at + READ_DEVICE_KEY]!;
    const dev = values[at + READ_DEV]!;
    const senderKey = values[at + READ_SENDER_KEY]!;
    const senderSeq = values[at + READ_SENDER_SEQ]!;
    this.reads.free(row);
    if (this.deviceOnline[dev] === 0) return;
    this.sendUp(deviceKey, dev, readFrame(++this.deviceI32[this.clients.record(dev) * DEVICE_I32_STRIDE + DEV_CLIENT_SEQ]!, senderKey, senderSeq), 0);
    if (this.measuring) this.counters.reads++;
  }

  // ---------------------------------------------------------------------------------------------
  // Sessions

  private onlineFractionNow(region: ResolvedRegion): number {
    return this.onlineFractionAt(region, this.sim.nowNs);
  }

  onlineFractionAt(region: ResolvedRegion, atNs: number): number {
    return onlineFractionAtNs(this.scenario, region, atNs);
  }


  /**
   * Schedules a device's next session change (sessions.ts), if it comes within the run. `toggle`
   * names the device: its user's index x SLOTS_PER_USER + its slot.
   */
  private scheduleSessionToggle(toggle: number, region: ResolvedRegion, isOnline: boolean, p = this.onlineFractionNow(region)): void {
    const ratePerNs = sessionChangePerNs(region.online, isOnline, p);
    if (!(ratePerNs > 0)) return;
    const atNs = this.sim.nowNs + Math.round(this.rngSession.nextExponential() / ratePerNs);
    if (atNs <= this.scenario.durationNs) this.sim.scheduleAt(atNs, this.kindSession, toggle);
  }

  private onSessionToggle(toggle: number): void {
    const index = Math.floor(toggle / SLOTS_PER_USER);
    const slot = toggle - index * SLOTS_PER_USER;
    const dev = this.clients.deviceFirst[index]! + slot;
    const user = this.clients.userOfIndex(index);
    const deviceKey = deviceKeyOf(user, slot);
    const region = this.population.regionOf(user);
    const isOnline = this.deviceOnline[dev] === 1;
    if (isOnline) {
      const p = this.onlineFractionNow(region);
      const endsPerNs = sessionEndsPerNs(region.online, p);
      const reconnectPerNs = reconnectsPerNs(region.online);
      // A session ends (the device goes offline) or the connection drops and comes straight back.
      const isReconnect = this.rngSession.nextFloat() * (endsPerNs + reconnectPerNs) < reconnectPerNs;
      this.sendUp(deviceKey, dev, null, 2);
      if (isReconnect) {
        // The close and the new connect travel in order on the device's link.
        this.deviceI32[this.clients.record(dev) * DEVICE_I32_STRIDE + DEV_CLIENT_CONNECTION]!++;
        this.sendUp(deviceKey, dev, null, 1);
        if (this.measuring) this.counters.reconnects++;
      } else {
        this.clients.setOnline(dev, index, 0);
      }
      this.scheduleSessionToggle(toggle, region, isReconnect);
    } else {
      if (this.backlog !== null && (this.backlogOwed[dev >>> 5]! & (1 << (dev & 31))) !== 0) {
        this.backlogOwed[dev >>> 5]! &= ~(1 << (dev & 31));
        this.restoreBacklog(deviceKey, region);
      }
      this.clients.setOnline(dev, index, 1);
      this.deviceI32[this.clients.record(dev) * DEVICE_I32_STRIDE + DEV_CLIENT_CONNECTION]!++;
      this.sendUp(deviceKey, dev, null, 1);
      this.scheduleSessionToggle(toggle, region, true);
    }
  }

  /**
   * Puts in the device's mailbox, at its home, what it would have missed while offline before the
   * run (backlog.ts), as the frames a peer would have sent then: uncharged, like the rest of the
   * warm start. The device drains them over the connection it is opening now.
   */
  private restoreBacklog(deviceKey: number, region: ResolvedRegion): void {
    const p = this.onlineFractionNow(region);
    if (!(p > 0 && p < 1)) return;
    const meanOfflineNs = (region.online.sessionMeanNs * (1 - p)) / p;
    const user = userOf(deviceKey);
    const home = this.population.homeOf(user);
    const core = this.servers[home]!.core;
    const room = this.scenario.offlineStore.messagesPerDeviceMax - core.queueDepth(deviceKey).stored;
    const copies = Math.min(room, this.backlog!.drawCopies(meanOfflineNs, this.rngBacklog));
    const header = DEFAULT_WIRE.envelopeHeaderBytes;
    this.warmStarting = true;
    for (let i = 0; i < copies; i++) {
      const sender = this.rngBacklog.nextInt(this.population.users);
      const bytes = this.workload.messageBytesFrom(this.rngBacklog) + header;
      const env = new Envelope(DeviceKind.Message, deviceKeyOf(sender, 0), user, this.backlogRefNext++, 0, bytes);
      this.beginCore();
      core.onServerFrame(this.population.homeOf(sender), new ServerFrame(ServerKind.ToDevice, deviceKey, 0, 0, env, null, null, bytes + header));
      this.capture.deviceCount = 0;
      this.capture.serverCount = 0;
    }
    this.warmStarting = false;
  }

  // ---------------------------------------------------------------------------------------------
  // The workload's way into the deployment (WorkloadHost)

  /** An online device slot of the user (the first online one from `start`), or -1. */
  onlineSlotOf(user: number, start: number): number {
    return this.clients.onlineSlotOf(user, start);
  }

  isGroupHomedInside(groupId: number): boolean {
    return this.outside.isSimulatedServer(this.population.groupHomeOf(groupId));
  }

  sliceUserOnline(position: number): boolean {
    return this.clients.hasDeviceOnline(position);
  }

  /** A user with a device online, uniformly, or -1 when nobody is online (full fidelity only). */
  randomOnlineUser(rng: RandomStream): number {
    return this.clients.randomOnlineUser(rng);
  }

  /** The next client sequence number of a device (1, 2, 3...). */
  nextClientSeq(deviceKey: number): number {
    return this.clients.nextClientSeq(deviceKey);
  }

  /** A device sends a frame up its connection. */
  sendFromDevice(deviceKey: number, frame: ClientFrame): void {
    this.sendUp(deviceKey, this.clients.denseIndex(deviceKey), frame, 0);
  }

  /** A message a device sends, owed `copies` device deliveries, for end-to-end accounting. */
  noteMessageSent(deviceKey: number, seq: number, copies: number, isGroup: boolean): void {
    // A message whose every copy goes outside the slice leaves the slice's accounting at once.
    if (copies > 0) this.messages.add(MessageTable.keyOf(deviceKey, seq), this.sim.nowNs, copies, this.measuring);
    if (!this.measuring) return;
    this.counters.sent++;
    if (isGroup) this.counters.groupSent++;
    const sender = userOf(deviceKey);
    if (this.outside.isSimulatedUser(sender)) this.sentInsideByRegion[this.population.regionOf(sender).index]!++;
  }

  noteUnsent(): void {
    if (this.measuring) this.counters.senderOffline++;
  }

  isSimulatedUser(user: number): boolean {
    return this.outside.isSimulatedUser(user);
  }

  onlineFractionOf(user: number, atNs = this.sim.nowNs): number {
    return this.onlineFractionAt(this.population.regionOf(user), atNs);
  }

  messageFromOutside(senderKey: number, recipientUser: number, bytes: number): number {
    if (this.measuring) this.counters.sentFromOutside++;
    return this.outside.messageIn(senderKey, recipientUser, bytes);
  }

  groupMessageFromOutside(senderKey: number, groupId: number, members: readonly number[], bytes: number): number {
    if (this.measuring) this.counters.sentFromOutside++;
    return this.outside.groupMessageIn(senderKey, groupId, members, bytes);
  }

  ensureGroup(groupId: number, members: readonly number[]): void {
    const home = this.population.groupHomeOf(groupId);
    if (!this.outside.isSimulatedServer(home) || members.length === 0) return; // the outside keeps its own
    const creator = members[0]!;
    const request = new ServerFrame(ServerKind.GroupRequest, deviceKeyOf(creator, 0), 0, 0, null, groupCreateFrame(0, groupId, members.slice(1)), null, 0);
    // Like the warm start: the group's creation happened before the run, so it is not charged and
    // what it would send (the members' "group created" notices) is old news, dropped.
    this.warmStarting = true;
    this.beginCore();
    this.servers[home]!.core.onServerFrame(this.population.homeOf(creator), request);
    this.capture.deviceCount = 0;
    this.capture.serverCount = 0;
    this.warmStarting = false;
  }

  // ---------------------------------------------------------------------------------------------
  // The outside world's way in (OutsideHost)

  accessLatencyNs(user: number): number {
    return Math.round(this.accessLatency[this.population.regionOf(user).index]!.sample(this.rngNet));
  }

  hopLatencyNs(from: number, to: number): number {
    return Math.round(this.linkBetween(from, to).latency.sample(this.rngNet));
  }

  meanCostNs(op: 'route' | 'deliver' | 'ack'): number {
    return this.costs.meanNs(op === 'route' ? Op.Route : op === 'deliver' ? Op.Deliver : Op.Ack);
  }
}
