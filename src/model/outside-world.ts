/**
 * Slice fidelity (DESIGN.md section 4): k of the deployment's N chat servers run in full detail,
 * and this class stands in for the other N - k. It speaks the routing core's server-to-server
 * protocol (the frames a real peer would send), so the simulated cores cannot tell it from peers:
 * - Frames that simulated servers send to a server outside the slice end here (their bytes are
 *   counted on the links); a message routed outside earns its sender the delivery receipts the
 *   recipient's online devices would send back, after the round trip they would take.
 * - Messages that users homed outside send to users homed inside arrive as the `ToUser` frames
 *   their homes would send, after the sender's access link, its home's routing cost and the hop.
 * Group messages are fanned out by the core when the group's home is simulated; for a group homed
 * outside, the outside home's fan-out to members inside the slice is generated the same way.
 * What the outside costs itself (CPU, queues) is not simulated: the derived cluster figures scale
 * the slice's.
 */
import { NO_DEVICE } from '../core/chat-server.js';
import { DEFAULT_WIRE } from '../core/config.js';
import { ClientKind, DeviceKind, Envelope, ReceiptType, ServerFrame, ServerKind, groupSendFrame } from '../core/frames.js';
import { deviceKeyOf, userOf } from '../core/ids.js';
import { RecordTable } from '../core/record-table.js';
import type { ResolvedScenario } from '../scenario/resolved.js';
import { hash64Float, type RandomStream } from '../sim/random.js';
import type { Simulator } from '../sim/simulator.js';
import { onlineFractionAtNs } from './online-fraction.js';
import type { Population } from './population.js';
import { ReadHistory, ReadHistoryFeed } from './read-history.js';
import { NumberRows } from './transit.js';
import { DOUBLE_ZERO, emptyDoubleArray } from '../sim/stable-shapes.js';

/** Salt of the hash that keys a (group, sender device) pair. */
const SALT_SENDER_KEY = 0x5e4d;
/** A copy that is read is read within this long of its delivery (as Deployment's READ_WINDOW_NS). */
const READ_WINDOW_NS = 60e9;

/** What the outside needs of the deployment. */
export interface OutsideHost {
  /** Sends a frame over the links from server `from` (outside) to server `to` (inside), `delayNs` from now. */
  sendHopAfter(delayNs: number, from: number, to: number, frame: ServerFrame): void;
  /** `sendHopAfter`'s link accounting for a frame of `bytes`, without the frame: when it arrives. */
  hopArrivalAfterNs(delayNs: number, from: number, to: number, bytes: number): number;
  /** Hands a frame from `from` to the simulated server `to`, now (at an arrival `hopArrivalAfterNs` gave). */
  deliverHop(from: number, to: number, frame: ServerFrame): void;
  /** The share of a user's region online now. */
  onlineFractionOf(user: number): number;
  /** One-way access latency of a user's region, drawn. */
  accessLatencyNs(user: number): number;
  /** One-way latency between two servers, drawn (hop inside a region, or the link between two). */
  hopLatencyNs(from: number, to: number): number;
  /** Mean CPU cost of an operation at a chat server, in ns (cost table times scale). */
  meanCostNs(op: 'route' | 'deliver' | 'ack'): number;
}

/**
 * How many of a slice's k servers each region gets (a stratified sample): in proportion to its
 * servers by largest remainder, but at least one per region while k allows, so that every region's
 * time of day and load is simulated and the derived figures can scale each region by its own
 * N_r / k_r (src/engine/slice-derivation.ts). Never more than a region has.
 */
export function sliceServersByRegion(k: number, serversPerRegion: readonly number[]): number[] {
  const total = serversPerRegion.reduce((a, b) => a + b, 0);
  const counts = serversPerRegion.map(() => 0);
  if (total === 0) return counts;
  let left = Math.min(k, total);
  // One each first (the largest regions first when k is short of the regions).
  const bySize = serversPerRegion.map((_, r) => r).sort((a, b) => serversPerRegion[b]! - serversPerRegion[a]! || a - b);
  for (const r of bySize) {
    if (left === 0) break;
    if (serversPerRegion[r]! > 0) {
      counts[r] = 1;
      left--;
    }
  }
  // The rest by largest remainder of each region's share of all k.
  const quota = serversPerRegion.map((n) => (n * Math.min(k, total)) / total);
  while (left > 0) {
    let best = -1;
    for (let r = 0; r < counts.length; r++) {
      if (counts[r]! >= serversPerRegion[r]!) continue;
      if (best < 0 || quota[r]! - counts[r]! > quota[best]! - counts[best]!) best = r;
    }
    counts[best]!++;
    left--;
  }
  return counts;
}

/**
 * 1 for each chat server simulated in full, 0 for the others: the slice's stratified sample, spread
 * evenly through each region, and of it the share of `part` (partOfSliceServers). A pure function
 * of the scenario.
 */
export function simulatedServers(scenario: ResolvedScenario, part = { index: 0, count: 1 }): Uint8Array {
  const total = scenario.totals.chatServers;
  const k = scenario.fidelity === 'slice' ? Math.min(total, Math.max(1, scenario.sliceServers)) : total;
  const simulated = new Uint8Array(total);
  const regions = scenario.regions.map((r) => r.chatServers);
  sliceServersByRegion(k, regions.map((r) => r.count)).forEach((kr, r) => {
    // Evenly through the region's servers.
    for (let i = 0; i < kr; i++) simulated[regions[r]!.serverIndexFirst + Math.floor((i * regions[r]!.count) / kr)] = 1;
  });
  if (part.count === 1) return simulated;
  const partOf = partOfSliceServers(scenario, simulated, part.count);
  for (let server = 0; server < total; server++) if (partOf[server] !== part.index) simulated[server] = 0;
  return simulated;
}

/**
 * Which part simulates each slice server (-1 for the others): the parts run side by side and the
 * run takes as long as the slowest, so the servers are dealt to balance their expected work, which
 * follows the devices online (connections, and the messages their users send): the server's users
 * times its region's online share halfway through the run. Largest first, each to the part with
 * the least so far (ties to the lower server and part index). Dealt round-robin in server order
 * instead, global-2025's two parts had 640 against 578 in these units, and one part took 8% longer
 * than the other (session 8).
 */
export function partOfSliceServers(scenario: ResolvedScenario, slice: Uint8Array, parts: number): Int32Array {
  const partOf = new Int32Array(slice.length).fill(-1);
  const loadOf = new Float64Array(slice.length);
  const servers: number[] = [];
  for (const region of scenario.regions) {
    const perServer = (region.users / Math.max(1, region.chatServers.count)) * onlineFractionAtNs(scenario, region, scenario.durationNs / 2);
    for (let i = 0; i < region.chatServers.count; i++) {
      const server = region.chatServers.serverIndexFirst + i;
      if (slice[server] !== 1) continue;
      loadOf[server] = perServer;
      servers.push(server);
    }
  }
  servers.sort((a, b) => loadOf[b]! - loadOf[a]! || a - b);
  const partLoad = new Float64Array(parts);
  for (const server of servers) {
    let lightest = 0;
    for (let p = 1; p < parts; p++) if (partLoad[p]! < partLoad[lightest]!) lightest = p;
    partOf[server] = lightest;
    partLoad[lightest]! += loadOf[server]!;
  }
  return partOf;
}

/** A read receipt sent into the slice: between which homes, from which device, to which, of what. */
interface OutsideRead {
  fromHome: number;
  toHome: number;
  readerKey: number;
  toKey: number;
  ref: number;
}
/** An OutsideRead's fields in its row of `OutsideWorld.readsInFlight`. */
const READ_FROM_HOME = 0;
const READ_TO_HOME = 1;
const READ_READER_KEY = 2;
const READ_TO_KEY = 3;
const READ_REF = 4;
const READ_WIDTH = 5;

export class OutsideWorld {
  /** 1 for a server simulated in full, 0 for one this class stands in for. */
  readonly simulated: Uint8Array;
  readonly simulatedCount: number;
  private readonly population: Population;
  private readonly sim: Simulator;
  private readonly rng: RandomStream;
  private readonly host: OutsideHost;
  /** Read receipts coming in, of messages delivered before the run (read-history.ts), and its stream. */
  private readonly readHistory = new ReadHistory<OutsideRead>(READ_WINDOW_NS);
  private readonly historyRng: RandomStream;
  private readonly readHistoryFeed: ReadHistoryFeed<OutsideRead>;
  /**
   * Read receipts on their way in (READ_*), until they arrive: a read comes up to a minute after
   * its delivery, and its envelope and frame, made when it was sent, outlived a scavenge or two and
   * were copied and promoted (session 16). They are made at its arrival now.
   */
  private readonly readsInFlight = new NumberRows(READ_WIDTH);
  private readonly kindReadArrives: number;
  /** receive's scratch for a group's members (nothing keeps it past the call). */
  private readonly membersScratch: number[] = emptyDoubleArray();
  /** Client sequence numbers of devices homed outside, for the messages they send in. */
  /**
   * Keyed by device key, the last seq as the value: an open-addressing table, not a Map, whose
   * keys above 2^31 are heap numbers (allocated at every set). A peak-minute slice of global-2025
   * keeps some millions of them; the Map cost 0.9 s of its main thread (session 5).
   */
  private readonly outsideSeq = new RecordTable(2, 1024);
  /**
   * Groups homed outside: the (group, sender device) pairs that have sent, keyed by a 53-bit hash of
   * the pair. A device's first message to a group carries its sender key to every member, as the
   * core's group home does (Group.needsSenderKey), which the members' homes pay for (Op.SenderKey).
   */
  private readonly keyedSenders = new RecordTable(1, 1024);
  /** The share of one-to-one copies read within the minute (workload.read). */
  private readonly readShare: number;
  private readonly headerBytes = DEFAULT_WIRE.envelopeHeaderBytes;

  /**
   * `part` picks this run's share of the slice (sliceParts, src/engine/run-part.ts): the slice's
   * servers dealt to balance the parts' work (partOfSliceServers).
   */
  constructor(scenario: ResolvedScenario, population: Population, sim: Simulator, rng: RandomStream, historyRng: RandomStream, host: OutsideHost, part = { index: 0, count: 1 }) {
    this.population = population;
    this.sim = sim;
    this.rng = rng;
    this.historyRng = historyRng;
    this.host = host;
    this.simulated = simulatedServers(scenario, part);
    this.readShare = scenario.workload.read.within60sFraction;
    this.simulatedCount = this.simulated.reduce((a, b) => a + b, 0);
    this.readHistoryFeed = new ReadHistoryFeed(sim, 'outside.read-history', this.readHistory, historyRng, (read, atNs) =>
      this.emitReadFrame(atNs - this.sim.nowNs, read.fromHome, read.toHome, read.readerKey, read.toKey, read.ref),
    );
    this.kindReadArrives = sim.register('outside.read-arrives', (row) => this.onReadArrives(row));
  }

  /** Read receipts sent into the slice that have not arrived yet. */
  get readsInFlightCount(): number {
    return this.readsInFlight.size;
  }

  get isSlice(): boolean {
    return this.simulatedCount < this.simulated.length;
  }

  isSimulatedServer(server: number): boolean {
    return this.simulated[server] === 1;
  }

  isSimulatedUser(user: number): boolean {
    return this.simulated[this.population.homeOf(user)] === 1;
  }

  /**
   * A frame a simulated server sends to a server outside the slice, `arriveInNs` before it arrives
   * there. It is handed over when it is sent, not when it arrives: most such frames (receipts, the
   * home's answers) need nothing of the outside, and a kernel event each to deliver them cost a
   * tenth of a global-2025 slice's events (session 8). What does answer schedules its answers from
   * the arrival time.
   */
  receive(from: number, to: number, frame: ServerFrame, arriveInNs: number): void {
    const env = frame.env;
    if (frame.kind === ServerKind.ToUser && env !== null && env.kind === DeviceKind.Message) {
      this.receiptsFromOutside(to, from, env, frame.arg, arriveInNs);
    } else if (frame.kind === ServerKind.ToUsers && env !== null && env.kind === DeviceKind.GroupMessage && frame.users !== null) {
      // A group homed inside fanned out to members homed here: each copy delivered earns its sender
      // a receipt, as for a message to one user.
      this.groupReceiptsFromOutside(env, frame.users, to, arriveInNs);
    } else if (frame.kind === ServerKind.GroupRequest && frame.client !== null && frame.client.kind === ClientKind.GroupSend) {
      const groupId = frame.client.to;
      const members = this.population.groupMembers(groupId, this.membersScratch);
      this.groupFanOutFromOutside(to, frame.device, groupId, members, frame.client.seq, frame.client.bytes, arriveInNs);
      // The home outside also fans out to the members outside, whose devices send receipts back.
      const env = new Envelope(DeviceKind.GroupMessage, frame.device, groupId, frame.client.seq, 0, frame.client.bytes + this.headerBytes);
      this.groupReceiptsFromOutside(env, members, -1, arriveInNs);
    }
    // Receipts, group creation and the rest need no answer from the outside.
  }

  /**
   * The delivery receipts a group message's copies to members homed outside earn, for a sender
   * homed inside (none otherwise: its receipts stay outside). `home`: where the listed members are
   * homed, or -1 to find each one's and skip those inside (they are simulated). `arriveInNs`: when
   * the message reaches their homes, from now.
   */
  private groupReceiptsFromOutside(env: Envelope, members: readonly number[], home: number, arriveInNs: number): void {
    const sender = userOf(env.from);
    const senderHome = this.population.homeOf(sender);
    if (this.simulated[senderHome] !== 1) return;
    for (const member of members) {
      if (member === sender) continue; // the sender's own devices send no receipt
      const memberHome = home >= 0 ? home : this.population.homeOf(member);
      if (this.simulated[memberHome] === 1) continue;
      this.receiptsFromOutside(memberHome, senderHome, env, member, arriveInNs);
    }
  }

  /**
   * A message from a device homed outside to a user homed inside: the `ToUser` frame its home
   * sends, after the device's access link, its home's routing cost and the hop. Returns the client
   * seq, which with the device key is the message id.
   */
  messageIn(senderKey: number, recipientUser: number, bytes: number): number {
    const seq = this.nextSeq(senderKey);
    const senderUser = userOf(senderKey);
    const env = new Envelope(DeviceKind.Message, senderKey, recipientUser, seq, 0, bytes + this.headerBytes);
    const frame = new ServerFrame(ServerKind.ToUser, NO_DEVICE, 0, recipientUser, env, null, null, env.bytes + this.headerBytes);
    const delayNs = this.host.accessLatencyNs(senderUser) + this.host.meanCostNs('route');
    this.emitAfter(delayNs, this.population.homeOf(senderUser), this.population.homeOf(recipientUser), frame);
    return seq;
  }

  /**
   * A group message from a device homed outside. To a group homed outside: that home's fan-out to
   * the members inside the slice. To a group homed inside: the request the sender's home sends it.
   * Returns the client seq. `members`: the group's (the caller has listed them).
   */
  groupMessageIn(senderKey: number, groupId: number, members: readonly number[], bytes: number): number {
    const senderUser = userOf(senderKey);
    const senderHome = this.population.homeOf(senderUser);
    const groupHome = this.population.groupHomeOf(groupId);
    const delayNs = this.host.accessLatencyNs(senderUser) + this.host.meanCostNs('route');
    const seq = this.nextSeq(senderKey);
    if (this.simulated[groupHome] === 1) {
      const send = groupSendFrame(seq, groupId, bytes);
      this.emitAfter(delayNs, senderHome, groupHome, new ServerFrame(ServerKind.GroupRequest, senderKey, 0, 0, null, send, null, bytes + this.headerBytes));
    } else {
      this.groupFanOutFromOutside(groupHome, senderKey, groupId, members, seq, bytes, delayNs + this.host.hopLatencyNs(senderHome, groupHome));
    }
    return seq;
  }

  private nextSeq(deviceKey: number): number {
    const table = this.outsideSeq;
    const offset = table.find(deviceKey);
    if (offset >= 0) return ++table.records[offset + 1]!;
    table.records[table.insert(deviceKey) + 1] = 1;
    return 1;
  }

  /** The group home outside fans a message out to the members homed in the slice (one frame per home). */
  private groupFanOutFromOutside(groupHome: number, senderKey: number, groupId: number, members: readonly number[], seq: number, bytes: number, delayBeforeNs: number): void {
    const byHome = new Map<number, number[]>();
    for (const member of members) {
      const home = this.population.homeOf(member);
      if (this.simulated[home] !== 1) continue;
      let users = byHome.get(home);
      if (users === undefined) byHome.set(home, (users = []));
      users.push(member);
    }
    // The group home's own routing cost; the hop to each member home is the link's.
    const delayNs = delayBeforeNs + this.host.meanCostNs('route');
    const withKey = this.needsSenderKey(groupId, senderKey);
    const envBytes = bytes + this.headerBytes + (withKey ? DEFAULT_WIRE.senderKeyBytes : 0);
    for (const [home, users] of byHome) {
      const env = new Envelope(DeviceKind.GroupMessage, senderKey, groupId, seq, withKey ? 1 : 0, envBytes);
      const frame = new ServerFrame(ServerKind.ToUsers, senderKey, 0, 0, env, null, users, env.bytes + this.headerBytes + users.length * 8);
      this.emitAfter(delayNs, groupHome, home, frame);
    }
  }

  /**
   * The receipts of an old message (the warm start's backlog) of a user inside, which a device
   * outside has just drained: a delivery receipt, and a read receipt with the read share. The
   * slice mirrors each backlog copy its own devices drain from a sender outside with one of these
   * (Deployment.onBacklogCopy): devices everywhere drain at the same rate per device.
   */
  backlogReceiptsIn(outsideDeviceKey: number, insideUser: number, ref: number): void {
    const from = userOf(outsideDeviceKey);
    const fromHome = this.population.homeOf(from);
    const toHome = this.population.homeOf(insideUser);
    const delayNs = this.host.meanCostNs('ack') + this.host.accessLatencyNs(from);
    const to = deviceKeyOf(insideUser, 0);
    const receipt = new Envelope(DeviceKind.Receipt, outsideDeviceKey, to, ref, ReceiptType.Delivered, DEFAULT_WIRE.receiptBytes);
    this.emitAfter(delayNs, fromHome, toHome, new ServerFrame(ServerKind.ToUser, NO_DEVICE, 0, insideUser, receipt, null, null, receipt.bytes + this.headerBytes));
    if (this.rng.nextFloat() < this.readShare) {
      const readNs = delayNs + this.rng.nextFloat() * READ_WINDOW_NS + this.host.meanCostNs('route');
      this.emitRead(readNs, fromHome, toHome, outsideDeviceKey, to, ref);
    }
  }

  /** A read receipt from a device outside into the slice, after `delayNs` (noted during the warm-up). */
  private emitRead(delayNs: number, fromHome: number, toHome: number, readerKey: number, toKey: number, ref: number): void {
    if (this.sim.nowNs < this.readHistory.windowNs) {
      // Doubles from the first note on (stable-shapes.ts): homes and refs are small, keys are not.
      const read = { fromHome: DOUBLE_ZERO + fromHome, toHome: DOUBLE_ZERO + toHome, readerKey: DOUBLE_ZERO + readerKey, toKey: DOUBLE_ZERO + toKey, ref: DOUBLE_ZERO + ref };
      this.readHistory.note(read, this.sim.nowNs, this.historyRng);
    }
    this.emitReadFrame(delayNs, fromHome, toHome, readerKey, toKey, ref);
  }

  /** Sends a read receipt in: its link time now, its frame at its arrival (onReadArrives). */
  private emitReadFrame(delayNs: number, fromHome: number, toHome: number, readerKey: number, toKey: number, ref: number): void {
    const arriveNs = this.host.hopArrivalAfterNs(Math.max(0, delayNs), fromHome, toHome, DEFAULT_WIRE.receiptBytes + this.headerBytes);
    const row = this.readsInFlight.alloc();
    const values = this.readsInFlight.values;
    const at = row * READ_WIDTH;
    values[at + READ_FROM_HOME] = fromHome;
    values[at + READ_TO_HOME] = toHome;
    values[at + READ_READER_KEY] = readerKey;
    values[at + READ_TO_KEY] = toKey;
    values[at + READ_REF] = ref;
    this.sim.scheduleAt(arriveNs, this.kindReadArrives, row);
  }

  private onReadArrives(row: number): void {
    const values = this.readsInFlight.values;
    const at = row * READ_WIDTH;
    const toKey = values[at + READ_TO_KEY]!;
    const env = new Envelope(DeviceKind.Receipt, values[at + READ_READER_KEY]!, toKey, values[at + READ_REF]!, ReceiptType.Read, DEFAULT_WIRE.receiptBytes);
    const frame = new ServerFrame(ServerKind.ToUser, NO_DEVICE, 0, userOf(toKey), env, null, null, env.bytes + this.headerBytes);
    const fromHome = values[at + READ_FROM_HOME]!;
    const toHome = values[at + READ_TO_HOME]!;
    this.readsInFlight.free(row);
    this.host.deliverHop(fromHome, toHome, frame);
  }

  /** At the warm-up's end: starts filling in the read receipts of messages delivered outside before the run (read-history.ts). */
  startReadHistory(): void {
    this.readHistoryFeed.start();
  }

  /** Whether a device's message to a group homed outside is its first there (so it carries its key). */
  private needsSenderKey(groupId: number, senderKey: number): boolean {
    const pair = Math.floor(hash64Float(groupId, senderKey, SALT_SENDER_KEY) * 2 ** 53);
    if (this.keyedSenders.find(pair) >= 0) return false;
    this.keyedSenders.insert(pair);
    return true;
  }

  /**
   * The delivery receipts a message routed outside earns: one per online device of the recipient,
   * after its home's deliver cost, the access round trip and the device's ack (the hop back is
   * the link's), counted from the message's arrival at its home, `arriveInNs` from now.
   */
  private receiptsFromOutside(recipientHome: number, senderHome: number, env: Envelope, recipientUser: number, arriveInNs: number): void {
    const devices = this.population.deviceCountOf(recipientUser);
    const online = this.host.onlineFractionOf(recipientUser);
    for (let slot = 0; slot < devices; slot++) {
      if (this.rng.nextFloat() >= online) continue; // offline: its receipt comes after the window, if ever
      const delayNs = arriveInNs + this.host.meanCostNs('deliver') + 2 * this.host.accessLatencyNs(recipientUser) + this.host.meanCostNs('ack');
      const receipt = new Envelope(DeviceKind.Receipt, recipientUser * 8 + slot, env.from, env.ref, ReceiptType.Delivered, DEFAULT_WIRE.receiptBytes);
      const frame = new ServerFrame(ServerKind.ToUser, NO_DEVICE, 0, userOf(env.from), receipt, null, null, receipt.bytes + this.headerBytes);
      this.emitAfter(delayNs, recipientHome, senderHome, frame);
      // A one-to-one message is read within the minute as inside (Deployment.maybeRead): a read
      // receipt from the device, if it is still online then, after its route cost at its home.
      if (env.kind === DeviceKind.Message && this.rng.nextFloat() < this.readShare && this.rng.nextFloat() < online) {
        const readNs = delayNs + this.rng.nextFloat() * READ_WINDOW_NS + this.host.meanCostNs('route');
        this.emitRead(readNs, recipientHome, senderHome, recipientUser * 8 + slot, env.from, env.ref);
      }
    }
  }

  private emitAfter(delayNs: number, from: number, to: number, frame: ServerFrame): void {
    this.host.sendHopAfter(Math.max(0, delayNs), from, to, frame);
  }
}
