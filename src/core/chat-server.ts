/**
 * ChatServer: one chat server's routing core (DESIGN.md section 3).
 *
 * Roles. Every user has a home server (from the directory) that owns its devices' mailboxes and
 * client sequence state; every group has a home that orders its membership and messages. A
 * device may connect to any server (its session server), which relays its frames to the home and
 * pushes the home's envelopes to it. With hash placement, session server and home coincide and a
 * one-to-one message crosses at most one server-to-server link (sender's home to recipient's).
 *
 * Why this gives the guarantees:
 * - Idempotency: clients number their sequenced frames 1, 2, 3... per device and resend unacked
 *   ones in order after reconnecting. The home accepts only `last + 1`, acks anything older again
 *   without routing it, and refuses gaps. One number per device is the whole dedup state.
 * - Order per (sender, conversation): a sender's frames are sequenced at one fixed place (its
 *   home) and travel fixed FIFO paths (sender home -> [group home ->] recipient home), where each
 *   device's mailbox is a FIFO numbered by a counter that only grows. Delivery follows mailbox
 *   order; a new connection resumes after the highest sequence the device reports holding, so
 *   nothing is delivered twice and nothing overtakes.
 * - Every queue is bounded: the push window (pushWindow, then backpressure into the store), the
 *   store (per device and in total, then the envelope is dropped and reported), groups
 *   (groupMembersMax, groupsMax: refused with a code), device records (devicesMax: connect
 *   refused), caches (cleared when full).
 *
 * The class keeps per-device state in one inline hash table of 64-byte records (no object per
 * device) and push windows in a shared pool of linked lists: at a million connected devices the
 * whole instance, directory sessions included, grows by under 200 bytes per device (measured by
 * the core-1to1 benchmark).
 */
import { checkLimits, limitsWith, wireSizesWith, type ChatServerConfig, type CoreLimits, type WireSizes } from './config.js';
import * as envelopePool from './envelope-pool.js';
import * as frames from './frames.js';
import type { ClientFrame } from './frames.js';
import { Group } from './group.js';
import * as ids from './ids.js';
import * as ops from './ops.js';
import * as ports from './ports.js';
import type { Clock, CoreObserver, Directory, OfflineStore, OpSink, Timers, Transport } from './ports.js';
import { NumMap, RecordTable } from './record-table.js';

// Module-local copies of the imported values the hot path uses. An imported binding is live (ES
// module semantics), so V8 reloads it from its cell and re-checks it at every use, constants and
// functions alike; a module-local const is folded into the compiled code instead.
const { EnvelopePool, NIL } = envelopePool;
const { ClientKind, Code, DeviceKind, DropReason, Envelope, ReceiptType, ServerFrame, ServerKind } = frames;
type Envelope = frames.Envelope;
type ServerFrame = frames.ServerFrame;
const { isDeviceKey, isServerId, isUserId, MAX_DEVICES_PER_USER, NO_SERVER, SLOTS_PER_USER, slotOf, userOf } = ids;
const { Op } = ops;
const { StoreResult } = ports;

// Exported values are cells too, even inside their own module: the code below uses local names.
const SWEEP_TOKEN = 1;
const NOBODY = -1;
/** The token of the offline expiry sweep timer (the only timer the core schedules). */
export const TIMER_SWEEP = SWEEP_TOKEN;
/** "No device", where a device key is expected (e.g. nobody to exclude from a fan-out). */
export const NO_DEVICE = NOBODY;

// Device record layout: STRIDE doubles per record, field 0 the device key.
const STRIDE = 8;
/** The record table's room beyond the records expected (ChatServerConfig.recordsExpected). */
const RECORDS_HEADROOM = 1.125;
/** Home: the last client seq accepted from the device (0: none yet, any seq may start). */
const F_LAST_SEQ = 1;
/** Home: the server of the device's session (NO_SERVER when offline). Not homed here: the device's home. */
const F_SERVER = 2;
/** Home: the connection id of that session, stamped on pushes so a stale connection drops them. */
const F_SESSION_CONN = 3;
/** The id of the device's connection to this server; 0 when it has none. */
const F_LOCAL_CONN = 4;
/** Home: push window as a list in the envelope pool. */
const F_WIN_HEAD = 5;
const F_WIN_TAIL = 6;
/** Bit fields below. */
const F_BITS = 7;

const B_HOMED_HERE = 1;
/** Primary record of a user homed here: bits MASK_SHIFT.. hold the user's device mask. */
const B_MASK_LOADED = 2;
/** The offline store may hold entries for this device, so new ones must queue behind them. */
const B_SPILL = 4;
const MASK_SHIFT = 3;
const COUNT_SHIFT = 8;
const COUNT_ONE = 1 << COUNT_SHIFT;
/** The device-mask bits of a primary record, and their value for a user with no companions. */
const MASK_BITS = 0b11111 << MASK_SHIFT;
const PRIMARY_ONLY = 1 << MASK_SHIFT;

/** Counters since construction (a snapshot; plain numbers). */
export interface CoreStats {
  connectedDevices: number;
  deviceRecords: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  pushes: number;
  stalePushes: number;
  receipts: number;
  stored: number;
  drained: number;
  expired: number;
  dropped: number;
  groups: number;
  windowEntries: number;
  storeEntries: number;
}

/** Invalid construction arguments, all listed at once. */
export class CoreConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid chat server configuration:\n${problems.join('\n')}`);
    this.name = 'CoreConfigError';
    this.problems = problems;
  }
}

export class ChatServer {
  readonly serverId: number;
  readonly limits: Readonly<CoreLimits>;
  readonly wire: Readonly<WireSizes>;

  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly transport: Transport;
  private readonly directory: Directory;
  private readonly store: OfflineStore;
  private readonly sink: OpSink;
  private readonly observer: CoreObserver | undefined;

  private readonly table: RecordTable;
  private readonly pool = new EnvelopePool(1024);
  private readonly groups = new Map<number, Group>();
  private readonly homeCache = new NumMap(256);
  private readonly groupHomeCache = new NumMap(256);
  /** Envelopes taken out of a window, handled after the record is no longer needed (at most pushWindow). */
  private readonly scratch: (Envelope | null)[];
  private readonly pushWindow: number;
  private readonly headerBytes: number;

  private mailboxSeq = 0;
  private connCounter = 0;
  private busy = false;
  private sweepHandle: number;

  private connectedDevices = 0;
  private accepted = 0;
  private duplicates = 0;
  private rejected = 0;
  private pushes = 0;
  private stalePushes = 0;
  private receipts = 0;
  private stored = 0;
  private drained = 0;
  private expired = 0;
  private dropped = 0;

  constructor(config: ChatServerConfig) {
    const limits: CoreLimits = limitsWith(config.limits);
    const wire: WireSizes = wireSizesWith(config.wire);
    const problems = checkLimits(limits);
    if (!isServerId(config.serverId)) problems.push(`serverId: expected an integer in 0..${2 ** 20 - 1}, got ${config.serverId}`);
    for (const [name, value] of Object.entries(wire)) {
      if (!(value >= 0) || !Number.isFinite(value)) problems.push(`wire.${name}: expected a non-negative byte count, got ${value}`);
    }
    if (problems.length > 0) throw new CoreConfigError(problems);
    this.serverId = config.serverId;
    // Room for the expected records at the table's load bound (5/8), within devicesMax, and an
    // eighth more: the records come and go with the sessions, and one past the bound doubles it.
    const expected = Math.min(Math.max(0, config.recordsExpected ?? 0), limits.devicesMax);
    this.table = new RecordTable(STRIDE, Math.max(1024, Math.ceil(expected * 1.6 * RECORDS_HEADROOM)));
    this.limits = limits;
    this.wire = wire;
    this.clock = config.clock;
    this.timers = config.timers;
    this.transport = config.transport;
    this.directory = config.directory;
    this.store = config.store;
    this.sink = config.sink;
    this.observer = config.observer;
    this.pushWindow = limits.pushWindow;
    this.headerBytes = wire.envelopeHeaderBytes;
    this.scratch = new Array<Envelope | null>(limits.pushWindow).fill(null);
    this.sweepHandle = this.timers.schedule(limits.sweepIntervalNs, SWEEP_TOKEN);
  }

  // ---------------------------------------------------------------------------------------------
  // Entry points: the host calls these when something arrives. None may be called from inside a
  // port call (the core is not re-entrant).

  /**
   * A device opened a connection to this server. `lastReceivedSeq` is the highest mailbox
   * sequence the device holds (0 for a fresh install): its home resumes after it. A second
   * connect of a connected device replaces the first connection. Returns a `Code`: Accepted,
   * BadFrame (invalid key), NotRegistered (not in the directory) or ServerFull (devicesMax).
   */
  connect(deviceKey: number, lastReceivedSeq = 0): number {
    this.enter();
    return this.leave(this.connectDevice(deviceKey, lastReceivedSeq));
  }

  /**
   * Where a key's record would first be looked for in this server's table (its home slot). A host
   * that connects many devices at once (a warm start of millions) can connect them in this order,
   * so that the inserts walk the table instead of missing the cache at every one; the outcome is
   * the same in any order but for the connection ids.
   */
  recordSlotOf(key: number): number {
    return this.table.homeOffset(key) / this.table.stride;
  }

  /** The device's connection to this server closed. Returns false if it had none. */
  disconnect(deviceKey: number): boolean {
    this.enter();
    const offset = this.table.find(deviceKey);
    if (offset < 0 || this.table.records[offset + F_LOCAL_CONN] === 0) return this.leave(false);
    this.closeLocal(deviceKey);
    return this.leave(true);
  }

  /**
   * A frame arrived from a connected device: a message, read receipt, group change or delivery
   * ack (`ClientKind`). Sequenced frames are acked to the device with a `DeviceKind.Ack`
   * envelope (by its home, which may be another server). Returns Accepted, or NotConnected if the
   * device has no connection here; for frames handled here (device homed here) the ack's code.
   */
  onClientFrame(deviceKey: number, frame: ClientFrame): number {
    this.enter();
    // The sender's record and, for a one-to-one message, the recipient's primary record: with a
    // million devices both are usually cache misses. Both home slots are loaded before either
    // lookup branches on what it read, so the two misses are in flight together; a lookup that
    // branched first would, on a mispredicted probe, hold the second load back until the first
    // miss had been served. (Other kinds load the sender's slot twice.)
    const table = this.table;
    const records = table.records;
    const recipientKey = frame.kind === ClientKind.Send ? frame.to * SLOTS_PER_USER : deviceKey;
    const senderHome = table.homeOffset(deviceKey);
    const recipientHome = table.homeOffset(recipientKey);
    const senderStored = records[senderHome]!;
    const recipientStored = records[recipientHome]!;
    const offset = table.findFrom(deviceKey, senderHome, senderStored);
    if (offset < 0 || records[offset + F_LOCAL_CONN] === 0) return this.leave(this.refuse());
    if ((records[offset + F_BITS]! & B_HOMED_HERE) !== 0) {
      // Nothing inserts or removes a record before the message is routed: the offset stays valid.
      const recipientPrimary = frame.kind === ClientKind.Send ? table.findFrom(recipientKey, recipientHome, recipientStored) : -1;
      return this.leave(this.homeClientFrame(offset, deviceKey, frame, recipientPrimary));
    }
    const relay = new ServerFrame(ServerKind.ClientRelay, deviceKey, records[offset + F_LOCAL_CONN]!, 0, null, frame, null, frame.bytes + this.headerBytes);
    this.sendServer(records[offset + F_SERVER]!, relay);
    return this.leave(Code.Accepted);
  }

  /** Same as `onClientFrame` for a message (`ClientKind.Send` or `GroupSend`); named for readability. */
  onClientMessage(deviceKey: number, frame: ClientFrame): number {
    return this.onClientFrame(deviceKey, frame);
  }

  /** Same as `onClientFrame` for a read receipt (`ClientKind.Read`). */
  onReadReceipt(deviceKey: number, frame: ClientFrame): number {
    return this.onClientFrame(deviceKey, frame);
  }

  /** Same as `onClientFrame` for a group change (`ClientKind.GroupCreate`, `GroupAdd`, `GroupRemove`). */
  onGroupChange(deviceKey: number, frame: ClientFrame): number {
    return this.onClientFrame(deviceKey, frame);
  }

  /**
   * A connected device acknowledged every mailbox envelope up to `upToSeq` (cumulative). Frees
   * them, sends delivery receipts to their senders and refills the push window. Equivalent to an
   * `Ack` client frame without allocating one. Returns Accepted or NotConnected.
   */
  onDeviceAck(deviceKey: number, upToSeq: number): number {
    this.enter();
    const offset = this.table.find(deviceKey);
    if (offset < 0 || this.table.records[offset + F_LOCAL_CONN] === 0) return this.leave(this.refuse());
    this.ackFromDevice(offset, deviceKey, upToSeq);
    return this.leave(Code.Accepted);
  }

  /** A frame arrived from peer server `fromServerId` (links between servers are reliable and FIFO). */
  onServerFrame(fromServerId: number, frame: ServerFrame): void {
    this.enter();
    this.sink.charge(Op.ServerReceive, frame.bytes);
    this.serverFrame(fromServerId, frame);
    this.busy = false;
  }

  /** A timer scheduled through the `Timers` port is due. */
  onTimer(token: number): void {
    this.enter();
    if (token !== SWEEP_TOKEN) {
      this.busy = false;
      return;
    }
    const cutoffNs = this.clock.nowNs() - this.limits.offlineTtlNs;
    const removed = this.store.expire(cutoffNs, this.limits.sweepMaxEntries, this.onExpired);
    const delayNs = removed >= this.limits.sweepMaxEntries ? this.limits.sweepBacklogDelayNs : this.limits.sweepIntervalNs;
    this.sweepHandle = this.timers.schedule(delayNs, SWEEP_TOKEN);
    this.sink.charge(Op.Timer, 0);
    this.busy = false;
  }

  /**
   * Links a companion device (slot 1..4) to its user, at the user's home. Envelopes queued from
   * now on reach it; history is not copied. Returns Accepted, NotHome, BadFrame or NotRegistered
   * (already registered).
   */
  linkDevice(deviceKey: number): number {
    this.enter();
    if (!isDeviceKey(deviceKey)) return this.leave(Code.BadFrame);
    const user = userOf(deviceKey);
    if (this.homeOfUser(user) !== this.serverId) return this.leave(Code.NotHome);
    if (!this.directory.addDevice(deviceKey)) return this.leave(Code.NotRegistered);
    this.sink.charge(Op.DirectoryWrite, 0);
    this.setMaskBit(user, slotOf(deviceKey), true);
    return this.leave(Code.Accepted);
  }

  /**
   * Unlinks a device at its user's home: its queued envelopes are dropped (reported as
   * `DropReason.Unlinked`). The host closes its connection, if any. Returns Accepted, NotHome,
   * BadFrame or NotRegistered.
   */
  unlinkDevice(deviceKey: number): number {
    this.enter();
    if (!isDeviceKey(deviceKey)) return this.leave(Code.BadFrame);
    const user = userOf(deviceKey);
    if (this.homeOfUser(user) !== this.serverId) return this.leave(Code.NotHome);
    if (!this.directory.removeDevice(deviceKey)) return this.leave(Code.NotRegistered);
    this.sink.charge(Op.DirectoryWrite, 0);
    this.setMaskBit(user, slotOf(deviceKey), false);
    const offset = this.table.find(deviceKey);
    if (offset >= 0 && this.table.records[offset + F_SERVER] !== NO_SERVER) {
      this.table.records[offset + F_SERVER] = NO_SERVER;
      this.putBackWindow(offset, deviceKey);
    }
    this.store.removeDevice(deviceKey, this.onUnlinked);
    return this.leave(Code.Accepted);
  }

  /** Cancels the core's timer; call when the server shuts down. */
  close(): void {
    this.timers.cancel(this.sweepHandle);
  }

  // ---------------------------------------------------------------------------------------------
  // Inspection (tests, metrics). Cheap, no side effects.

  stats(): CoreStats {
    return {
      connectedDevices: this.connectedDevices,
      deviceRecords: this.table.size,
      accepted: this.accepted,
      duplicates: this.duplicates,
      rejected: this.rejected,
      pushes: this.pushes,
      stalePushes: this.stalePushes,
      receipts: this.receipts,
      stored: this.stored,
      drained: this.drained,
      expired: this.expired,
      dropped: this.dropped,
      groups: this.groups.size,
      windowEntries: this.pool.used,
      storeEntries: this.store.size(),
    };
  }

  /** Pushed-but-unacked envelopes (window) and stored ones for a device homed here. */
  queueDepth(deviceKey: number): { window: number; stored: number } {
    const offset = this.table.find(deviceKey);
    const window = offset < 0 ? 0 : (this.table.records[offset + F_BITS]! | 0) >>> COUNT_SHIFT;
    return { window, stored: this.store.count(deviceKey) };
  }

  /** Where this server believes the device is connected: its home's view, or NO_SERVER. */
  sessionView(deviceKey: number): number {
    const offset = this.table.find(deviceKey);
    if (offset < 0) return NO_SERVER;
    const records = this.table.records;
    if ((records[offset + F_BITS]! & B_HOMED_HERE) !== 0) return records[offset + F_SERVER]!;
    return records[offset + F_LOCAL_CONN] !== 0 ? this.serverId : NO_SERVER;
  }

  /** Member user ids of a group homed here, or undefined. */
  groupMembers(groupId: number): readonly number[] | undefined {
    return this.groups.get(groupId)?.members;
  }

  /** Bytes held by the core's own tables (not counting envelopes, groups, store or directory). */
  tableBytes(): number {
    return this.table.bytes + this.pool.capacity * 12 + this.homeCache.bytes + this.groupHomeCache.bytes;
  }

  // ---------------------------------------------------------------------------------------------
  // Sessions (the server the device is connected to).

  // A flag, not try/finally (which costs on the hot path): after an exception escaped the core it
  // stays set, and the core refuses further calls, which is right for a core in an unknown state.
  private enter(): void {
    if (this.busy) throw new Error('ChatServer re-entered from inside a port call (the host must queue the call instead), or called after an earlier call threw');
    this.busy = true;
  }

  private leave<T>(result: T): T {
    this.busy = false;
    return result;
  }

  private refuse(): number {
    this.rejected++;
    this.sink.charge(Op.Reject, 0);
    return Code.NotConnected;
  }

  private connectDevice(deviceKey: number, lastReceivedSeq: number): number {
    if (!isDeviceKey(deviceKey) || !(lastReceivedSeq >= 0)) {
      this.rejected++;
      this.sink.charge(Op.Reject, 0);
      return Code.BadFrame;
    }
    const existing = this.table.find(deviceKey);
    if (existing >= 0 && this.table.records[existing + F_LOCAL_CONN] !== 0) this.closeLocal(deviceKey);
    const user = userOf(deviceKey);
    const home = this.homeOfUser(user);
    const mask = home === this.serverId ? this.loadMask(user) : this.lookupDevices(user);
    if ((mask & (1 << slotOf(deviceKey))) === 0) {
      this.rejected++;
      this.sink.charge(Op.Reject, 0);
      return Code.NotRegistered;
    }
    let offset = this.table.find(deviceKey);
    if (offset < 0) {
      if (this.table.size >= this.limits.devicesMax) {
        this.rejected++;
        this.sink.charge(Op.Reject, 0);
        return Code.ServerFull;
      }
      offset = home === this.serverId ? this.insertHomed(deviceKey) : this.insertVisitor(deviceKey, home);
    }
    const conn = ++this.connCounter;
    this.table.records[offset + F_LOCAL_CONN] = conn;
    this.connectedDevices++;
    this.sink.charge(Op.Connect, this.wire.sessionFrameBytes);
    this.directory.setSession(deviceKey, this.serverId);
    this.sink.charge(Op.DirectoryWrite, 0);
    if (home === this.serverId) {
      this.homeAttach(deviceKey, this.serverId, conn, lastReceivedSeq);
    } else {
      this.sendServer(home, new ServerFrame(ServerKind.Attach, deviceKey, conn, lastReceivedSeq, null, null, null, this.wire.sessionFrameBytes));
    }
    return Code.Accepted;
  }

  private closeLocal(deviceKey: number): void {
    const offset = this.table.find(deviceKey);
    const records = this.table.records;
    const conn = records[offset + F_LOCAL_CONN]!;
    records[offset + F_LOCAL_CONN] = 0;
    this.connectedDevices--;
    this.sink.charge(Op.Disconnect, 0);
    this.directory.clearSession(deviceKey, this.serverId);
    this.sink.charge(Op.DirectoryWrite, 0);
    if ((records[offset + F_BITS]! & B_HOMED_HERE) !== 0) {
      this.homeDetach(deviceKey, this.serverId, conn);
    } else {
      const home = records[offset + F_SERVER]!;
      this.table.remove(deviceKey);
      this.sendServer(home, new ServerFrame(ServerKind.Detach, deviceKey, conn, 0, null, null, null, this.wire.sessionFrameBytes));
    }
  }

  private ackFromDevice(offset: number, deviceKey: number, upToSeq: number): void {
    const records = this.table.records;
    if ((records[offset + F_BITS]! & B_HOMED_HERE) !== 0) {
      this.homeAckAt(offset, deviceKey, upToSeq);
    } else {
      this.sendServer(
        records[offset + F_SERVER]!,
        new ServerFrame(ServerKind.DeviceAck, deviceKey, records[offset + F_LOCAL_CONN]!, upToSeq, null, null, null, this.wire.sessionFrameBytes),
      );
    }
  }

  private serverFrame(from: number, frame: ServerFrame): void {
    switch (frame.kind) {
      case ServerKind.Push: {
        const offset = this.table.find(frame.device);
        if (offset >= 0 && this.table.records[offset + F_LOCAL_CONN] === frame.conn && frame.env !== null) {
          this.pushes++;
          this.transport.toDevice(frame.device, frame.env);
          this.sink.charge(Op.Deliver, frame.env.bytes);
        } else {
          // The connection it was meant for has closed; the home still holds the envelope.
          this.stalePushes++;
        }
        return;
      }
      case ServerKind.ClientRelay:
        if (frame.client !== null) {
          let offset = this.table.find(frame.device);
          if (offset < 0) offset = this.insertHomed(frame.device);
          const client = frame.client;
          this.homeClientFrame(offset, frame.device, client, client.kind === ClientKind.Send ? this.table.find(client.to * SLOTS_PER_USER) : -1);
        }
        return;
      case ServerKind.DeviceAck:
        this.homeAck(frame.device, frame.arg);
        return;
      case ServerKind.Attach:
        // Honour only the newest session: the directory says where the device is now.
        const current = this.directory.sessionOf(frame.device);
        this.sink.charge(Op.DirectoryLookup, 0);
        if (current === from) this.homeAttach(frame.device, from, frame.conn, frame.arg);
        return;
      case ServerKind.Detach:
        this.homeDetach(frame.device, from, frame.conn);
        return;
      case ServerKind.ToUser: {
        const env = copyEnvelope(frame.env!);
        if (this.queueAtHome(frame.arg, env, frame.device) < 0) this.unknownRecipient(env);
        return;
      }
      case ServerKind.ToUsers: {
        const env = copyEnvelope(frame.env!);
        const users = frame.users!;
        for (let i = 0; i < users.length; i++) this.queueAtHome(users[i]!, env, frame.device);
        return;
      }
      case ServerKind.ToDevice: {
        const env = copyEnvelope(frame.env!);
        this.stamp(env);
        this.queueForDevice(frame.device, env);
        return;
      }
      case ServerKind.GroupRequest:
        if (frame.client !== null) this.groupRequest(frame.device, frame.client);
        return;
      default:
        throw new Error(`unknown server frame kind ${frame.kind} from server ${from}`);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Home: sequencing of a device's frames.

  /**
   * A client frame at the device's home; `offset` is the device's record, `recipientPrimary` the
   * offset of the recipient's primary record for a one-to-one message (-1 if it has none, or for
   * other kinds), found by the caller after any insert.
   */
  private homeClientFrame(offset: number, deviceKey: number, frame: ClientFrame, recipientPrimary: number): number {
    if (frame.kind === ClientKind.Ack) {
      this.homeAckAt(offset, deviceKey, frame.seq);
      return Code.Accepted;
    }
    const records = this.table.records;
    const seq = frame.seq;
    const last = records[offset + F_LAST_SEQ]!;
    if (!Number.isInteger(seq) || seq < 1) {
      return this.refuseFrame(offset, deviceKey, seq, Code.BadFrame, last + 1);
    }
    if (seq <= last) {
      this.duplicates++;
      this.sink.charge(Op.Duplicate, frame.bytes);
      this.sendAck(offset, deviceKey, seq, Code.Duplicate, last + 1);
      return Code.Duplicate;
    }
    if (last !== 0 && seq !== last + 1) return this.refuseFrame(offset, deviceKey, seq, Code.SeqGap, last + 1);
    // The sequence number is consumed whether or not the frame is valid, so a malformed frame
    // cannot block the device's later frames.
    records[offset + F_LAST_SEQ] = seq;
    if (!validFrame(frame)) return this.refuseFrame(offset, deviceKey, seq, Code.BadFrame, seq + 1);
    this.accepted++;
    this.sink.charge(Op.Route, frame.bytes);
    this.sendAck(offset, deviceKey, seq, Code.Accepted, seq + 1);
    const senderBits = records[offset + F_BITS]! | 0;
    // Routing may insert records, so `offset` is not used past this point.
    switch (frame.kind) {
      case ClientKind.Send:
        this.routeMessage(deviceKey, frame, recipientPrimary, senderBits);
        break;
      case ClientKind.Read:
        this.routeRead(deviceKey, frame);
        break;
      default:
        this.routeToGroupHome(deviceKey, frame);
        break;
    }
    return Code.Accepted;
  }

  private refuseFrame(offset: number, deviceKey: number, seq: number, code: number, expectedSeq: number): number {
    this.rejected++;
    this.sink.charge(Op.Reject, 0);
    this.sendAck(offset, deviceKey, seq, code, expectedSeq);
    return code;
  }

  private sendAck(offset: number, deviceKey: number, clientSeq: number, code: number, expectedSeq: number): void {
    const bytes = this.wire.ackBytes;
    if (this.table.records[offset + F_SERVER] === NO_SERVER) {
      this.sink.charge(Op.ServerAck, bytes);
      return; // the client retries after reconnecting
    }
    const ack = new Envelope(DeviceKind.Ack, 0, expectedSeq, clientSeq, code, bytes);
    this.sink.charge(Op.ServerAck, bytes);
    this.sendToSession(offset, deviceKey, ack);
  }

  /**
   * `recipientPrimary`: the offset of the recipient's primary record, or -1 (`RecordTable.find`);
   * `senderBits`: the bit field of the sender's record.
   */
  private routeMessage(senderKey: number, frame: ClientFrame, recipientPrimary: number, senderBits: number): void {
    const senderUser = userOf(senderKey);
    const env = new Envelope(DeviceKind.Message, senderKey, frame.to, frame.seq, 0, frame.bytes + this.headerBytes);
    if (frame.to !== senderUser) this.routeToUserAt(recipientPrimary, frame.to, env, NOBODY);
    // The sender's other devices get a copy (they are homed here, like the sender). A primary
    // device whose user has no companions has nobody to copy to, and routing to its user would
    // only stamp the envelope (which is the sender's record's mask: nothing above changes it).
    const senderIsPrimary = senderKey === senderUser * SLOTS_PER_USER;
    if (senderIsPrimary && (senderBits & (B_MASK_LOADED | MASK_BITS)) === (B_MASK_LOADED | PRIMARY_ONLY)) this.stamp(env);
    else this.routeToUser(senderUser, env, senderKey);
  }

  private routeRead(readerKey: number, frame: ClientFrame): void {
    const bytes = this.wire.receiptBytes;
    this.receipts++;
    const receipt = new Envelope(DeviceKind.Receipt, readerKey, frame.to, frame.ref, ReceiptType.Read, bytes);
    this.sink.charge(Op.Receipt, bytes);
    this.routeToUser(userOf(frame.to), receipt, NOBODY);
  }

  private routeToGroupHome(senderKey: number, frame: ClientFrame): void {
    const groupHome = this.groupHomeOf(frame.to);
    if (groupHome === this.serverId) {
      this.groupRequest(senderKey, frame);
      return;
    }
    const memberBytes = frame.members === null ? 0 : frame.members.length * 8;
    this.sendServer(groupHome, new ServerFrame(ServerKind.GroupRequest, senderKey, 0, 0, null, frame, null, frame.bytes + this.headerBytes + memberBytes));
  }

  // ---------------------------------------------------------------------------------------------
  // Home: mailboxes (push window + offline store) of devices homed here.

  /** Sends `env` to every device of `user` except `exclude`, through the user's home. */
  private routeToUser(user: number, env: Envelope, exclude: number): void {
    this.routeToUserAt(this.table.find(user * SLOTS_PER_USER), user, env, exclude);
  }

  /** `routeToUser` where `primary` is the offset of the user's primary record, or -1. */
  private routeToUserAt(primary: number, user: number, env: Envelope, exclude: number): void {
    // Fast path: a user homed here whose device mask is cached.
    if (primary >= 0) {
      const bits = this.table.records[primary + F_BITS]! | 0;
      if ((bits & (B_HOMED_HERE | B_MASK_LOADED)) === (B_HOMED_HERE | B_MASK_LOADED)) {
        this.queueAtHomeMask(primary, user, (bits >>> MASK_SHIFT) & 0b11111, env, exclude);
        return;
      }
    }
    const home = this.homeOfUser(user);
    if (home === this.serverId) {
      if (this.queueAtHome(user, env, exclude) < 0) this.unknownRecipient(env);
      return;
    }
    this.sendServer(home, new ServerFrame(ServerKind.ToUser, exclude, 0, user, env, null, null, env.bytes + this.headerBytes));
  }

  /** Sends `env` to one device, through its home. */
  private routeToDevice(deviceKey: number, env: Envelope): void {
    const home = this.homeOfUser(userOf(deviceKey));
    if (home === this.serverId) {
      this.stamp(env);
      this.queueForDevice(deviceKey, env);
      return;
    }
    this.sendServer(home, new ServerFrame(ServerKind.ToDevice, deviceKey, 0, 0, env, null, null, env.bytes + this.headerBytes));
  }

  /** Queues `env` for each registered device of a user homed here; -1 if the user is unknown. */
  private queueAtHome(user: number, env: Envelope, exclude: number): number {
    const primary = this.table.find(user * SLOTS_PER_USER);
    if (primary >= 0) {
      const bits = this.table.records[primary + F_BITS]! | 0;
      if ((bits & B_MASK_LOADED) !== 0) return this.queueAtHomeMask(primary, user, (bits >>> MASK_SHIFT) & 0b11111, env, exclude);
    }
    const mask = this.loadMask(user);
    if (mask === 0) return -1;
    return this.queueAtHomeMask(this.table.find(user * SLOTS_PER_USER), user, mask, env, exclude);
  }

  /** Queues `env` for the devices in `mask`; `primary` is the offset of the user's primary record. */
  private queueAtHomeMask(primary: number, user: number, mask: number, env: Envelope, exclude: number): number {
    this.stamp(env);
    const base = user * SLOTS_PER_USER;
    let queued = 0;
    // Queueing inserts no record, so `primary` stays valid through the loop.
    if ((mask & 1) !== 0 && base !== exclude) {
      this.queueForDeviceAt(primary, base, env);
      queued++;
    }
    // Companions (slots 1..4), in slot order; most users have none, so the loop stops at the last set bit.
    for (let slot = 1, rest = mask >>> 1; rest !== 0 && slot < MAX_DEVICES_PER_USER; slot++, rest >>>= 1) {
      if ((rest & 1) === 0) continue;
      const deviceKey = base + slot;
      if (deviceKey === exclude) continue;
      this.queueForDeviceAt(this.table.find(deviceKey), deviceKey, env);
      queued++;
    }
    return queued;
  }

  /** Gives an envelope its mailbox sequence and queue time at this home (once per envelope). */
  private stamp(env: Envelope): void {
    if (env.seq !== 0) return;
    env.seq = ++this.mailboxSeq;
    env.atNs = this.clock.nowNs();
  }

  private queueForDevice(deviceKey: number, env: Envelope): void {
    this.queueForDeviceAt(this.table.find(deviceKey), deviceKey, env);
  }

  /** Queues for one device homed here; `offset` is its record or -1 (never connected: offline). */
  private queueForDeviceAt(offset: number, deviceKey: number, env: Envelope): void {
    this.sink.charge(Op.Fanout, env.bytes);
    if (env.kind === DeviceKind.GroupMessage && (env.aux & 1) !== 0) this.sink.charge(Op.SenderKey, this.wire.senderKeyBytes);
    const records = this.table.records;
    if (offset < 0 || records[offset + F_SERVER] === NO_SERVER) {
      this.storeOffline(deviceKey, env, 0);
      return;
    }
    const bits = records[offset + F_BITS]! | 0;
    const count = bits >>> COUNT_SHIFT;
    if ((bits & B_SPILL) !== 0 || count >= this.pushWindow) {
      if (this.storeOffline(deviceKey, env, count)) records[offset + F_BITS] = bits | B_SPILL;
      return;
    }
    this.windowPush(offset, deviceKey, env, bits);
  }

  /** Appends to the device's stored queue, keeping stored + in flight within the per-device bound. */
  private storeOffline(deviceKey: number, env: Envelope, inFlight: number): boolean {
    if (inFlight > 0 && this.store.count(deviceKey) + inFlight >= this.store.deviceCapacity) {
      this.drop(deviceKey, env, DropReason.DeviceQueueFull);
      return false;
    }
    const result = this.store.append(deviceKey, env);
    if (result === StoreResult.Stored) {
      this.stored++;
      this.sink.charge(Op.Store, env.bytes);
      return true;
    }
    this.drop(deviceKey, env, result === StoreResult.DeviceFull ? DropReason.DeviceQueueFull : DropReason.StoreFull);
    return false;
  }

  private drop(deviceKey: number, env: Envelope, reason: number): void {
    this.dropped++;
    this.sink.charge(Op.Drop, env.bytes);
    this.observer?.dropped(deviceKey, env, reason);
  }

  private readonly onExpired = (deviceKey: number, env: Envelope): void => {
    this.expired++;
    this.sink.charge(Op.Expire, env.bytes);
    this.observer?.dropped(deviceKey, env, DropReason.Expired);
  };

  private readonly onUnlinked = (deviceKey: number, env: Envelope): void => {
    this.drop(deviceKey, env, DropReason.Unlinked);
  };

  /** Appends to the push window and pushes; `bits` is the record's current bit field. */
  private windowPush(offset: number, deviceKey: number, env: Envelope, bits: number): void {
    const pool = this.pool;
    const records = this.table.records;
    const index = pool.alloc(env);
    const tail = records[offset + F_WIN_TAIL]!;
    if (tail === NIL) records[offset + F_WIN_HEAD] = index;
    else pool.next[tail] = index;
    records[offset + F_WIN_TAIL] = index;
    records[offset + F_BITS] = bits + COUNT_ONE;
    this.sendToSession(offset, deviceKey, env);
  }

  /** Pushes an envelope to the device's current session, here or on another server. */
  private sendToSession(offset: number, deviceKey: number, env: Envelope): void {
    const records = this.table.records;
    const server = records[offset + F_SERVER]!;
    if (server === this.serverId) {
      this.pushes++;
      this.transport.toDevice(deviceKey, env);
      this.sink.charge(Op.Deliver, env.bytes);
      return;
    }
    this.sendServer(server, new ServerFrame(ServerKind.Push, deviceKey, records[offset + F_SESSION_CONN]!, 0, env, null, null, env.bytes + this.headerBytes));
  }

  /** Frees window entries up to `upToSeq`, sends their receipts and refills the window. */
  private homeAck(deviceKey: number, upToSeq: number): void {
    const offset = this.table.find(deviceKey);
    if (offset < 0) {
      this.sink.charge(Op.Ack, 0);
      return;
    }
    this.homeAckAt(offset, deviceKey, upToSeq);
  }

  private homeAckAt(offset: number, deviceKey: number, upToSeq: number): void {
    this.sink.charge(Op.Ack, 0);
    // A live client acks each push, so usually exactly the window's head is acked: it is unlinked
    // and confirmed here, without the round trip through `scratch` (same effects, same order).
    const records = this.table.records;
    const pool = this.pool;
    const head = records[offset + F_WIN_HEAD]!;
    if (head !== NIL) {
      const env = pool.items[head]!;
      const next = pool.next[head]!;
      if (env.seq <= upToSeq && (next === NIL || pool.items[next]!.seq > upToSeq)) {
        pool.release(head);
        records[offset + F_WIN_HEAD] = next;
        if (next === NIL) records[offset + F_WIN_TAIL] = NIL;
        const bits = (records[offset + F_BITS]! | 0) - COUNT_ONE;
        records[offset + F_BITS] = bits;
        this.confirmed(deviceKey, env);
        if ((bits & B_SPILL) !== 0) this.pump(deviceKey);
        return;
      }
    }
    const taken = this.takeAcked(offset, upToSeq);
    const spilling = (this.table.records[offset + F_BITS]! & B_SPILL) !== 0;
    this.confirmTaken(deviceKey, taken);
    if (spilling) this.pump(deviceKey);
  }

  /** Moves window entries with seq <= upToSeq into `scratch`; returns how many. */
  private takeAcked(offset: number, upToSeq: number): number {
    const records = this.table.records;
    const pool = this.pool;
    const scratch = this.scratch;
    let index = records[offset + F_WIN_HEAD]!;
    let taken = 0;
    while (index !== NIL) {
      const env = pool.items[index]!;
      if (env.seq > upToSeq) break;
      scratch[taken++] = env;
      const next = pool.next[index]!;
      pool.release(index);
      index = next;
    }
    if (taken > 0) {
      records[offset + F_WIN_HEAD] = index;
      if (index === NIL) records[offset + F_WIN_TAIL] = NIL;
      records[offset + F_BITS] = records[offset + F_BITS]! - taken * COUNT_ONE;
    }
    return taken;
  }

  /** Handles envelopes in `scratch[0..taken)` as received by the device. */
  private confirmTaken(deviceKey: number, taken: number): void {
    const scratch = this.scratch;
    for (let i = 0; i < taken; i++) {
      const env = scratch[i]!;
      scratch[i] = null;
      this.confirmed(deviceKey, env);
    }
  }

  /** The device holds `env`: a message from someone else earns its sender a delivery receipt. */
  private confirmed(deviceKey: number, env: Envelope): void {
    const kind = env.kind;
    if (kind !== DeviceKind.Message && kind !== DeviceKind.GroupMessage) return;
    const senderUser = userOf(env.from);
    if (senderUser === userOf(deviceKey)) return;
    const bytes = this.wire.receiptBytes;
    this.receipts++;
    const receipt = new Envelope(DeviceKind.Receipt, deviceKey, env.from, env.ref, ReceiptType.Delivered, bytes);
    this.sink.charge(Op.Receipt, bytes);
    this.routeToUser(senderUser, receipt, NOBODY);
  }

  /** Moves stored envelopes into the push window while it has room; expired ones are dropped. */
  private pump(deviceKey: number): void {
    const offset = this.table.find(deviceKey);
    if (offset < 0) return;
    const records = this.table.records;
    if (records[offset + F_SERVER] === NO_SERVER) return;
    let bits = records[offset + F_BITS]! | 0;
    if ((bits & B_SPILL) === 0) return;
    const cutoffNs = this.clock.nowNs() - this.limits.offlineTtlNs;
    while (bits >>> COUNT_SHIFT < this.pushWindow) {
      const env = this.store.shift(deviceKey);
      if (env === undefined) {
        bits &= ~B_SPILL;
        records[offset + F_BITS] = bits;
        return;
      }
      this.drained++;
      this.sink.charge(Op.Drain, env.bytes);
      if (env.atNs <= cutoffNs) {
        this.onExpired(deviceKey, env);
        continue;
      }
      this.windowPush(offset, deviceKey, env, bits);
      bits += COUNT_ONE;
    }
  }

  /**
   * A session began (here or on another server). Entries the device already holds are confirmed,
   * the rest of the window is pushed again to the new session, then the store drains.
   */
  private homeAttach(deviceKey: number, server: number, conn: number, lastReceivedSeq: number): void {
    let offset = this.table.find(deviceKey);
    if (offset < 0) offset = this.insertHomed(deviceKey);
    const records = this.table.records;
    records[offset + F_SERVER] = server;
    records[offset + F_SESSION_CONN] = conn;
    records[offset + F_BITS] = records[offset + F_BITS]! | B_SPILL;
    const taken = this.takeAcked(offset, lastReceivedSeq);
    for (let index = records[offset + F_WIN_HEAD]!; index !== NIL; index = this.pool.next[index]!) {
      this.sendToSession(offset, deviceKey, this.pool.items[index]!);
    }
    this.confirmTaken(deviceKey, taken);
    // Entries put back in the store by an earlier detach that the device had in fact received.
    for (let env = this.store.peek(deviceKey); env !== undefined && env.seq <= lastReceivedSeq; env = this.store.peek(deviceKey)) {
      this.store.shift(deviceKey);
      this.drained++;
      this.sink.charge(Op.Drain, env.bytes);
      this.confirmed(deviceKey, env);
    }
    this.pump(deviceKey);
  }

  /** A session ended; ignored unless it is the session the home knows (a newer one may exist). */
  private homeDetach(deviceKey: number, server: number, conn: number): void {
    const offset = this.table.find(deviceKey);
    if (offset < 0) return;
    const records = this.table.records;
    if (records[offset + F_SERVER] !== server || records[offset + F_SESSION_CONN] !== conn) return;
    records[offset + F_SERVER] = NO_SERVER;
    this.putBackWindow(offset, deviceKey);
  }

  /** Returns pushed-but-unacked envelopes to the front of the store, in order. */
  private putBackWindow(offset: number, deviceKey: number): void {
    const taken = this.takeAcked(offset, Number.POSITIVE_INFINITY);
    const scratch = this.scratch;
    for (let i = taken - 1; i >= 0; i--) {
      this.store.prepend(deviceKey, scratch[i]!);
      scratch[i] = null;
    }
    if (taken > 0) this.table.records[offset + F_BITS] = this.table.records[offset + F_BITS]! | B_SPILL;
  }

  private unknownRecipient(env: Envelope): void {
    // Only a message deserves an answer; a receipt for a vanished user is simply dropped.
    if (env.kind === DeviceKind.Message) this.rejectToSender(env.from, env.to, env.ref, Code.UnknownRecipient);
  }

  /** Tells the sending device that a frame accepted at its home was refused further on. */
  private rejectToSender(senderKey: number, conversation: number, clientSeq: number, code: number): void {
    this.rejected++;
    this.sink.charge(Op.Reject, 0);
    this.routeToDevice(senderKey, new Envelope(DeviceKind.Rejected, senderKey, conversation, clientSeq, code, this.wire.rejectBytes));
  }

  // ---------------------------------------------------------------------------------------------
  // Group home: membership and fan-out, in one order per group.

  private groupRequest(senderKey: number, frame: ClientFrame): void {
    const senderUser = userOf(senderKey);
    const groupId = frame.to;
    const group = this.groups.get(groupId);
    const eventBytes = this.wire.groupEventBytes;
    switch (frame.kind) {
      case ClientKind.GroupSend: {
        if (group === undefined) return this.rejectToSender(senderKey, groupId, frame.seq, Code.NoSuchGroup);
        if (!group.has(senderUser)) return this.rejectToSender(senderKey, groupId, frame.seq, Code.NotMember);
        const withKey = group.needsSenderKey(senderKey);
        const bytes = frame.bytes + this.headerBytes + (withKey ? this.wire.senderKeyBytes : 0);
        this.fanOut(group, new Envelope(DeviceKind.GroupMessage, senderKey, groupId, frame.seq, withKey ? 1 : 0, bytes), senderKey);
        return;
      }
      case ClientKind.GroupCreate: {
        if (group !== undefined) return this.rejectToSender(senderKey, groupId, frame.seq, Code.GroupExists);
        if (this.groups.size >= this.limits.groupsMax) return this.rejectToSender(senderKey, groupId, frame.seq, Code.GroupLimit);
        const members = [senderUser];
        const seen = new Set(members);
        for (const member of frame.members ?? []) {
          if (seen.has(member)) continue;
          seen.add(member);
          members.push(member);
        }
        if (members.length > this.limits.groupMembersMax) return this.rejectToSender(senderKey, groupId, frame.seq, Code.GroupFull);
        const created = new Group(groupId, senderUser, members);
        this.groups.set(groupId, created);
        this.sink.charge(Op.GroupChange, eventBytes);
        this.fanOut(created, new Envelope(DeviceKind.GroupCreated, senderKey, groupId, frame.seq, members.length, eventBytes), senderKey);
        return;
      }
      case ClientKind.GroupAdd: {
        const user = frame.ref;
        if (group === undefined) return this.rejectToSender(senderKey, groupId, frame.seq, Code.NoSuchGroup);
        if (group.admin !== senderUser) return this.rejectToSender(senderKey, groupId, frame.seq, Code.NotAdmin);
        if (group.has(user)) return this.rejectToSender(senderKey, groupId, frame.seq, Code.AlreadyMember);
        if (group.size >= this.limits.groupMembersMax) return this.rejectToSender(senderKey, groupId, frame.seq, Code.GroupFull);
        group.add(user);
        this.sink.charge(Op.GroupChange, eventBytes);
        this.fanOut(group, new Envelope(DeviceKind.GroupAdded, senderKey, groupId, frame.seq, user, eventBytes), senderKey);
        return;
      }
      case ClientKind.GroupRemove: {
        const user = frame.ref;
        if (group === undefined) return this.rejectToSender(senderKey, groupId, frame.seq, Code.NoSuchGroup);
        if (!group.has(user)) return this.rejectToSender(senderKey, groupId, frame.seq, Code.NotMember);
        if (group.admin !== senderUser && user !== senderUser) return this.rejectToSender(senderKey, groupId, frame.seq, Code.NotAdmin);
        // The removed member hears of its removal, then nothing more: fan out before removing.
        this.sink.charge(Op.GroupChange, eventBytes);
        this.fanOut(group, new Envelope(DeviceKind.GroupRemoved, senderKey, groupId, frame.seq, user, eventBytes), senderKey);
        group.remove(user);
        if (group.size === 0) this.groups.delete(groupId);
        return;
      }
      default:
        throw new Error(`group request of kind ${frame.kind} reached the group home`);
    }
  }

  /** Copies `env` to every member device but `exclude`: one envelope per member home. */
  private fanOut(group: Group, env: Envelope, exclude: number): void {
    const byHome = group.byHome ?? this.partitionByHome(group);
    this.observer?.groupSequenced(group.id, env, group.members);
    for (const [home, users] of byHome) {
      if (home === this.serverId) {
        for (let i = 0; i < users.length; i++) this.queueAtHome(users[i]!, env, exclude);
      } else {
        this.sendServer(home, new ServerFrame(ServerKind.ToUsers, exclude, 0, 0, env, null, users, env.bytes + this.headerBytes + users.length * 8));
      }
    }
  }

  private partitionByHome(group: Group): Map<number, number[]> {
    const byHome = new Map<number, number[]>();
    for (const user of group.members) {
      const home = this.homeOfUser(user);
      const users = byHome.get(home);
      if (users === undefined) byHome.set(home, [user]);
      else users.push(user);
    }
    group.byHome = byHome;
    return byHome;
  }

  // ---------------------------------------------------------------------------------------------
  // Directory reads, cached. Users homed here are known from their records (created on first
  // need); other homes come from a bounded cache. A user's device mask is cached in its primary
  // record at its home, the only place that links and unlinks devices. Where a device is
  // connected is the home's own view, replaced by each attach from a server the directory
  // confirms: the cache is invalidated when the device reconnects elsewhere.

  private homeOfUser(user: number): number {
    const offset = this.table.find(user * SLOTS_PER_USER);
    if (offset >= 0) {
      const records = this.table.records;
      return (records[offset + F_BITS]! & B_HOMED_HERE) !== 0 ? this.serverId : records[offset + F_SERVER]!;
    }
    const cached = this.homeCache.get(user, NO_SERVER);
    if (cached !== NO_SERVER) return cached;
    const home = this.directory.homeOf(user);
    this.sink.charge(Op.DirectoryLookup, 0);
    // A user homed here gets its record when it first has a device to queue for (loadMask), so a
    // message to an id nobody registered leaves nothing behind.
    if (home !== this.serverId && this.limits.homeCacheEntries > 0) {
      if (this.homeCache.size >= this.limits.homeCacheEntries) this.homeCache.clear();
      this.homeCache.set(user, home);
    }
    return home;
  }

  private groupHomeOf(groupId: number): number {
    const cached = this.groupHomeCache.get(groupId, NO_SERVER);
    if (cached !== NO_SERVER) return cached;
    const home = this.directory.groupHomeOf(groupId);
    this.sink.charge(Op.DirectoryLookup, 0);
    if (this.limits.homeCacheEntries > 0) {
      if (this.groupHomeCache.size >= this.limits.homeCacheEntries) this.groupHomeCache.clear();
      this.groupHomeCache.set(groupId, home);
    }
    return home;
  }

  /** The device mask of a user homed here, cached in its primary record (0: unknown user, not cached). */
  private loadMask(user: number): number {
    const primaryKey = user * SLOTS_PER_USER;
    let offset = this.table.find(primaryKey);
    if (offset >= 0) {
      const bits = this.table.records[offset + F_BITS]! | 0;
      if ((bits & B_MASK_LOADED) !== 0) return (bits >>> MASK_SHIFT) & 0b11111;
    }
    const mask = this.lookupDevices(user);
    if (mask === 0) return 0;
    if (offset < 0) offset = this.insertHomed(primaryKey);
    this.table.records[offset + F_BITS] = (this.table.records[offset + F_BITS]! | 0) | B_MASK_LOADED | (mask << MASK_SHIFT);
    return mask;
  }

  private lookupDevices(user: number): number {
    const mask = this.directory.devicesOf(user) & 0b11111;
    this.sink.charge(Op.DirectoryLookup, 0);
    return mask;
  }

  private setMaskBit(user: number, slot: number, on: boolean): void {
    const offset = this.table.find(user * SLOTS_PER_USER);
    if (offset < 0) return;
    const records = this.table.records;
    const bits = records[offset + F_BITS]! | 0;
    if ((bits & B_MASK_LOADED) === 0) return;
    const bit = 1 << (MASK_SHIFT + slot);
    records[offset + F_BITS] = on ? bits | bit : bits & ~bit;
  }

  private insertHomed(deviceKey: number): number {
    const offset = this.table.insert(deviceKey);
    const records = this.table.records;
    records[offset + F_SERVER] = NO_SERVER;
    records[offset + F_WIN_HEAD] = NIL;
    records[offset + F_WIN_TAIL] = NIL;
    records[offset + F_BITS] = B_HOMED_HERE;
    return offset;
  }

  private insertVisitor(deviceKey: number, home: number): number {
    const offset = this.table.insert(deviceKey);
    const records = this.table.records;
    records[offset + F_SERVER] = home;
    records[offset + F_WIN_HEAD] = NIL;
    records[offset + F_WIN_TAIL] = NIL;
    records[offset + F_BITS] = 0;
    return offset;
  }

  // Operations are charged when their work is done, so a host that times the interval between
  // charges (chatscale calibrate) attributes each stretch of work to the operation it served.
  private sendServer(serverId: number, frame: ServerFrame): void {
    this.transport.toServer(serverId, frame);
    this.sink.charge(Op.ServerSend, frame.bytes);
  }
}

function copyEnvelope(env: Envelope): Envelope {
  return new Envelope(env.kind, env.from, env.to, env.ref, env.aux, env.bytes);
}

function validBytes(bytes: number): boolean {
  return bytes >= 0 && bytes <= 1 << 30 && Number.isFinite(bytes);
}

function validId(id: number): boolean {
  return Number.isInteger(id) && id >= 0 && id <= Number.MAX_SAFE_INTEGER;
}

/**
 * Field checks of a sequenced client frame (semantic checks happen where the state is). A
 * one-to-one message is checked here, in a function small enough for V8 to inline into the hot
 * path; other kinds in `validOtherFrame`.
 */
function validFrame(frame: ClientFrame): boolean {
  return frame.kind === ClientKind.Send ? isUserId(frame.to) && validBytes(frame.bytes) : validOtherFrame(frame);
}

function validOtherFrame(frame: ClientFrame): boolean {
  switch (frame.kind) {
    case ClientKind.GroupSend:
      return validId(frame.to) && validBytes(frame.bytes);
    case ClientKind.Read:
      return isDeviceKey(frame.to) && Number.isInteger(frame.ref) && frame.ref >= 1;
    case ClientKind.GroupCreate:
      return validId(frame.to) && Array.isArray(frame.members) && frame.members.every(isUserId);
    case ClientKind.GroupAdd:
    case ClientKind.GroupRemove:
      return validId(frame.to) && isUserId(frame.ref);
    default:
      return false;
  }
}
