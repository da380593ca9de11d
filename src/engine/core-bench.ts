/**
 * Benchmarks of the routing core alone, in-process (`chatscale bench` cases `core-1to1` and
 * `core-group-256`). One core instance holds `devices` connected devices (one per user); the
 * host loop sends messages from random users and plays every device's part: each mailbox
 * envelope pushed is acked at once, so delivery receipts flow back to senders and windows stay
 * short, as with live clients. A message counts once it is accepted and delivered to every device
 * it was meant for (checked at the end).
 *
 * Wall time, heap size and garbage collection are injected: this module never reads them itself.
 * `bytesPerConnectedDevice` is the growth of (heap + array buffers) from before the core and its
 * directory exist to after every device is connected, divided by the devices.
 */
import * as core from '../core/index.js';
import type { ClientFrame, Envelope, ServerFrame, Timers, Transport } from '../core/index.js';

// Module-local copies: V8 reloads an imported binding from its cell at every use (bindings are
// live), which the host's per-message code would pay for on every push and ack.
const { ChatServer, ClientKind, Code, CountingSink, DeviceKind, ImplicitDirectory, MemoryOfflineStore } = core;
type ChatServer = core.ChatServer;

export type CoreBenchKind = 'core-1to1' | 'core-group-256';
export const CORE_BENCH_KINDS: readonly CoreBenchKind[] = ['core-1to1', 'core-group-256'];

export interface CoreBenchOptions {
  /** Wall clock in milliseconds (e.g. performance.now). */
  nowMs: () => number;
  /** Bytes of heap plus array buffers in use (e.g. heapUsed + arrayBuffers); omit to skip the memory figure. */
  memoryBytes?: () => number;
  /** Forces a full garbage collection, if the host can (node --expose-gc). */
  gc?: () => void;
  /** Connected devices, one per user (default 1,000,000). */
  devices?: number;
  /** Messages measured (default 2,000,000 one-to-one, 20,000 group). */
  messages?: number;
  /** Messages sent before measuring, to warm up the JIT (default a tenth of `messages`). */
  warmupMessages?: number;
  /** Payload bytes per message (default 200). */
  payloadBytes?: number;
  /** Seed of the sender/recipient choice. */
  seed?: number;
}

export interface CoreBenchResult {
  name: CoreBenchKind;
  messagesPerWallSecond: number;
  devicesConnected: number;
  /** Heap growth over the connected devices per device; NaN when memory was not measured. */
  bytesPerConnectedDevice: number;
  messages: number;
  /** Pushes to devices (messages, receipts) during the measured part. */
  deliveries: number;
  wallSeconds: number;
  /** True when garbage collection was forced around the memory measurement. */
  gcForced: boolean;
}

const GROUP_SIZE = 256;
/**
 * Where the bench's clock starts: a monotonic clock some minutes after boot, past 2^31 ns as any
 * real clock is. From 0, envelopes' `atNs` fit V8's small integers until 2.1 s of bench time (the
 * 2.15 millionth message) and then stopped fitting, which deoptimised the core's hot code in the
 * middle of the measured part (about 7% of it).
 */
const CLOCK_START_NS = 1e12;
const ACK_RING_SIZE = 1 << 16;

/** Everything the host keeps per device: its next client seq. Mailbox pushes wait in a ring to be acked. */
class BenchHost implements Transport, Timers {
  readonly nextSeq: Float64Array;
  private readonly ringDevice = new Float64Array(ACK_RING_SIZE);
  private readonly ringSeq = new Float64Array(ACK_RING_SIZE);
  private head = 0;
  private tail = 0;
  deliveries = 0;
  messageDeliveries = 0;
  serverAcks = 0;
  refusals = 0;

  constructor(users: number) {
    this.nextSeq = new Float64Array(users).fill(1);
  }

  toDevice(deviceKey: number, env: Envelope): void {
    if (env.kind === DeviceKind.Ack) {
      if (env.aux === Code.Accepted) this.serverAcks++;
      else this.refusals++;
      return;
    }
    this.deliveries++;
    if (env.kind === DeviceKind.Message || env.kind === DeviceKind.GroupMessage) this.messageDeliveries++;
    const at = this.tail & (ACK_RING_SIZE - 1);
    this.ringDevice[at] = deviceKey;
    this.ringSeq[at] = env.seq;
    this.tail++;
    if (this.tail - this.head > ACK_RING_SIZE) throw new Error('bench ack ring overflowed');
  }

  toServer(_serverId: number, _frame: ServerFrame): void {
    throw new Error('the core bench runs one server; nothing should leave it');
  }

  schedule(_delayNs: number, _token: number): number {
    return 1;
  }

  cancel(_handle: number): void {}

  /** Acks every pending push (acks can cause more pushes: receipts; those are acked too). */
  ackAll(core: ChatServer): void {
    while (this.head < this.tail) {
      const at = this.head & (ACK_RING_SIZE - 1);
      this.head++;
      core.onDeviceAck(this.ringDevice[at]!, this.ringSeq[at]!);
    }
  }
}

/** xorshift32: the bench's own tiny generator (not a simulation stream). */
function makeRandom(seed: number): () => number {
  let state = seed | 0 || 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

export function runCoreBench(kind: CoreBenchKind, options: CoreBenchOptions): CoreBenchResult {
  const devices = options.devices ?? 1_000_000;
  const isGroup = kind === 'core-group-256';
  const messages = options.messages ?? (isGroup ? 20_000 : 2_000_000);
  const warmup = options.warmupMessages ?? Math.floor(messages / 10);
  const payloadBytes = options.payloadBytes ?? 200;
  const users = devices;
  if (!Number.isInteger(devices) || devices < (isGroup ? GROUP_SIZE : 2)) throw new RangeError(`devices must be an integer >= ${isGroup ? GROUP_SIZE : 2}, got ${devices}`);
  const random = makeRandom(options.seed ?? 1);

  options.gc?.();
  // Collected before as well as after: garbage an earlier case left would otherwise be counted
  // against this one, or (collected in between) make its growth negative.
  options.gc?.();
  const memoryBefore = options.memoryBytes?.() ?? Number.NaN;
  const host = new BenchHost(users);
  let clockNs = CLOCK_START_NS;
  const core = new ChatServer({
    serverId: 0,
    clock: { nowNs: () => clockNs },
    timers: host,
    transport: host,
    directory: new ImplicitDirectory({ homeOf: () => 0, devicesOf: (user) => (user < users ? 1 : 0), groupHomeOf: () => 0 }),
    store: new MemoryOfflineStore(),
    sink: new CountingSink(),
    limits: { devicesMax: devices + 16 },
  });
  for (let user = 0; user < users; user++) {
    if (core.connect(user * 8, 0) !== Code.Accepted) throw new Error(`device of user ${user} could not connect`);
  }
  options.gc?.();
  const memoryAfter = options.memoryBytes?.() ?? Number.NaN;
  const bytesPerConnectedDevice = (memoryAfter - memoryBefore) / devices;

  const send = (sender: number, frame: ClientFrame): void => {
    host.nextSeq[sender]!++;
    if (core.onClientFrame(sender * 8, frame) !== Code.Accepted) throw new Error(`frame from user ${sender} refused`);
    host.ackAll(core);
  };
  const pickOther = (sender: number): number => {
    const other = Math.floor(random() * (users - 1));
    return other >= sender ? other + 1 : other;
  };

  let groupMembers: Int32Array | null = null;
  const groupCount = isGroup ? Math.min(1024, Math.floor(users / GROUP_SIZE)) : 0;
  if (isGroup) {
    // Disjoint groups of GROUP_SIZE users; the first member creates each.
    groupMembers = new Int32Array(groupCount * GROUP_SIZE);
    for (let g = 0; g < groupCount; g++) {
      const members: number[] = [];
      for (let m = 0; m < GROUP_SIZE; m++) {
        const user = g * GROUP_SIZE + m;
        groupMembers[g * GROUP_SIZE + m] = user;
        members.push(user);
      }
      const admin = members[0]!;
      send(admin, { kind: ClientKind.GroupCreate, seq: host.nextSeq[admin]!, to: g, ref: 0, bytes: 0, members: members.slice(1) });
    }
  }

  const sendOne = (): void => {
    if (groupMembers !== null) {
      const group = Math.floor(random() * groupCount);
      const sender = groupMembers[group * GROUP_SIZE + Math.floor(random() * GROUP_SIZE)]!;
      send(sender, { kind: ClientKind.GroupSend, seq: host.nextSeq[sender]!, to: group, ref: 0, bytes: payloadBytes, members: null });
    } else {
      const sender = Math.floor(random() * users);
      send(sender, { kind: ClientKind.Send, seq: host.nextSeq[sender]!, to: pickOther(sender), ref: 0, bytes: payloadBytes, members: null });
    }
    clockNs += 1_000;
  };

  for (let i = 0; i < warmup; i++) sendOne();
  const deliveriesBefore = host.deliveries;
  const messageDeliveriesBefore = host.messageDeliveries;
  const startMs = options.nowMs();
  for (let i = 0; i < messages; i++) sendOne();
  const wallSeconds = (options.nowMs() - startMs) / 1000;

  const perMessage = isGroup ? GROUP_SIZE - 1 : 1;
  const delivered = host.messageDeliveries - messageDeliveriesBefore;
  if (delivered !== messages * perMessage) throw new Error(`expected ${messages * perMessage} message deliveries, saw ${delivered}`);
  if (host.refusals !== 0) throw new Error(`${host.refusals} frames were refused`);
  return {
    name: kind,
    messagesPerWallSecond: messages / wallSeconds,
    devicesConnected: core.stats().connectedDevices,
    bytesPerConnectedDevice,
    messages,
    deliveries: host.deliveries - deliveriesBefore,
    wallSeconds,
    gcForced: options.gc !== undefined,
  };
}
