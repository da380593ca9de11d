/**
 * `chatscale calibrate`: measures the routing core's real CPU cost per operation kind on this
 * machine, as a cost profile scenarios can reference (`costs: { profile: calibrated.json }`).
 *
 * Method. The core reports every operation to its sink when the operation's work is done. A
 * timing sink reads the clock at each report and attributes the time since the previous report
 * (or since the host called into the core) to the operation reported; time after the last report
 * of a call goes to that last operation. The cost of reading the clock and keeping the books is
 * measured the same way with no work in between and subtracted. A synthetic mix drives two cores
 * wired back to back (so server-to-server operations occur): connects, one-to-one messages with
 * device acks and receipts, retries, malformed frames, groups, offline storage and drains,
 * expiry and disconnects. The mix runs several rounds; each cost is the median over rounds of
 * the round's mean.
 *
 * The clock is injected (the CLI passes a high-resolution one); this module reads no time itself.
 */
import {
  ChatServer,
  ClientKind,
  Code,
  DeviceKind,
  ManualClock,
  MemoryDirectory,
  MemoryOfflineStore,
  OP_COUNT,
  OP_NAMES,
  TIMER_SWEEP,
  type ClientFrame,
  type Envelope,
  type OpKind,
  type OpSink,
  type ServerFrame,
  type Timers,
} from '../core/index.js';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  node: string;
}

export interface CalibrateOptions {
  /** High-resolution clock in nanoseconds (need not start at zero). */
  nowNs: () => number;
  machine: MachineInfo;
  /** ISO 8601 time of the measurement, from the caller. */
  measuredAt: string;
  /** Users homed on the first core (default 20,000); the second core gets a quarter as many. */
  users?: number;
  /** One-to-one messages per round (default 100,000). */
  messages?: number;
  /** Rounds of the whole mix (default 3). */
  rounds?: number;
  /** Seed of the mix's random choices. */
  seed?: number;
}

export interface CostProfile {
  machine: MachineInfo;
  measuredAt: string;
  /** Nanoseconds of CPU per operation, by operation name (only operations the mix performed). */
  costsNs: Record<string, number>;
  /** How many times each operation was timed, over all rounds. */
  samples: Record<string, number>;
  /** What reading the clock cost per operation; already subtracted from `costsNs`. */
  clockOverheadNs: number;
  rounds: number;
  method: string;
}

export const CALIBRATE_METHOD =
  'time between successive operation reports of the routing core, minus clock overhead; median over rounds of a synthetic mix on two cores';

/** Attributes wall time between charges to the operation charged. */
class TimingSink implements OpSink {
  readonly totalNs = new Float64Array(OP_COUNT);
  readonly counts = new Float64Array(OP_COUNT);
  private readonly now: () => number;
  private lastNs = 0;
  private lastOp = -1;

  constructor(now: () => number) {
    this.now = now;
  }

  /** The host is about to call into the core. */
  begin(): void {
    this.lastOp = -1;
    this.lastNs = this.now();
  }

  charge(op: OpKind, _bytes: number): void {
    const t = this.now();
    this.totalNs[op]! += t - this.lastNs;
    this.counts[op]!++;
    this.lastOp = op;
    this.lastNs = t;
  }

  /** The core returned: the tail of the call belongs to the last operation. */
  end(): void {
    const t = this.now();
    if (this.lastOp >= 0) this.totalNs[this.lastOp]! += t - this.lastNs;
  }

  reset(): void {
    this.totalNs.fill(0);
    this.counts.fill(0);
  }
}

/** Timers the rig fires by hand (only the sweep exists). */
class HandTimers implements Timers {
  schedule(_delayNs: number, _token: number): number {
    return 1;
  }
  cancel(_handle: number): void {}
}

function makeRandom(seed: number): () => number {
  let state = seed | 0 || 0x2545f491;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

interface Pending {
  deviceKey: number;
  seq: number;
}

/** Two cores, a shared directory, and the host's side of every device. */
class Rig {
  readonly clock = new ManualClock(1);
  readonly directory = new MemoryDirectory({ serverCount: 2 });
  readonly cores: ChatServer[] = [];
  readonly sink: TimingSink;
  private readonly serverQueue: { from: number; to: number; frame: ServerFrame }[] = [];
  private readonly pushes: Pending[] = [];
  readonly nextSeq = new Map<number, number>();
  readonly connectedAt = new Map<number, number>();
  readonly devices: number[] = [];
  readonly users: number[][] = [[], []];

  constructor(sink: TimingSink, usersA: number, usersB: number, random: () => number) {
    this.sink = sink;
    for (let id = 0; id < 2; id++) {
      this.cores.push(
        new ChatServer({
          serverId: id,
          clock: this.clock,
          timers: new HandTimers(),
          transport: {
            toDevice: (deviceKey: number, env: Envelope) => {
              if (env.kind !== DeviceKind.Ack) this.pushes.push({ deviceKey, seq: env.seq });
            },
            toServer: (to: number, frame: ServerFrame) => {
              this.serverQueue.push({ from: id, to, frame });
            },
          },
          directory: this.directory,
          // A small per-device bound so that drops occur and are measured too.
          store: new MemoryOfflineStore({ deviceCapacity: 64 }),
          sink,
          limits: { offlineTtlNs: 1e12, pushWindow: 32 },
        }),
      );
    }
    let user = 1;
    for (const [home, count] of [
      [0, usersA],
      [1, usersB],
    ] as const) {
      for (let i = 0; i < count; i++, user++) {
        // WhatsApp-like device counts: most users one device, some two, a few five.
        const draw = random();
        const devices = draw < 0.7 ? 1 : draw < 0.9 ? 2 : 5;
        this.directory.registerUser(user, devices, home);
        this.users[home]!.push(user);
        for (let slot = 0; slot < devices; slot++) this.devices.push(user * 8 + slot);
      }
    }
  }

  homeOf(deviceKey: number): number {
    return this.directory.homeOf(Math.floor(deviceKey / 8));
  }

  /** One timed call into a core, then every server frame it caused, each timed on its own. */
  timed(call: () => void): void {
    this.sink.begin();
    call();
    this.sink.end();
    this.flushServers();
  }

  flushServers(): void {
    while (this.serverQueue.length > 0) {
      const { from, to, frame } = this.serverQueue.shift()!;
      this.sink.begin();
      this.cores[to]!.onServerFrame(from, frame);
      this.sink.end();
    }
  }

  connect(deviceKey: number, server: number): void {
    this.timed(() => {
      if (this.cores[server]!.connect(deviceKey, 0) === Code.Accepted) this.connectedAt.set(deviceKey, server);
    });
    this.ackAll();
  }

  disconnect(deviceKey: number): void {
    const server = this.connectedAt.get(deviceKey);
    if (server === undefined) return;
    this.connectedAt.delete(deviceKey);
    this.timed(() => this.cores[server]!.disconnect(deviceKey));
  }

  /** Sends a sequenced frame built from the device's next seq; returns the frame. */
  send(deviceKey: number, make: (seq: number) => ClientFrame): ClientFrame | null {
    const server = this.connectedAt.get(deviceKey);
    if (server === undefined) return null;
    const seq = this.nextSeq.get(deviceKey) ?? 1;
    const frame = make(seq);
    this.nextSeq.set(deviceKey, seq + 1);
    this.timed(() => this.cores[server]!.onClientFrame(deviceKey, frame));
    this.ackAll();
    return frame;
  }

  resend(deviceKey: number, frame: ClientFrame): void {
    const server = this.connectedAt.get(deviceKey);
    if (server !== undefined) this.timed(() => this.cores[server]!.onClientFrame(deviceKey, frame));
  }

  /** Every device acks every push it got (acks cause receipts, which are acked in turn). */
  ackAll(): void {
    while (this.pushes.length > 0) {
      const { deviceKey, seq } = this.pushes.shift()!;
      const server = this.connectedAt.get(deviceKey);
      if (server !== undefined) this.timed(() => this.cores[server]!.onDeviceAck(deviceKey, seq));
    }
  }
}

function message(seq: number, to: number, bytes: number): ClientFrame {
  return { kind: ClientKind.Send, seq, to, ref: 0, bytes, members: null };
}

/** One round of the synthetic mix. */
function runMix(rig: Rig, messages: number, random: () => number): void {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  // Sessions: most devices connect to their home, some to the other server.
  for (const device of rig.devices) rig.connect(device, random() < 0.9 ? rig.homeOf(device) : 1 - rig.homeOf(device));
  const offline = rig.devices.filter(() => random() < 0.15);
  for (const device of offline) rig.disconnect(device);
  const online = rig.devices.filter((device) => rig.connectedAt.has(device));
  const allUsers = [...rig.users[0]!, ...rig.users[1]!];

  // One-to-one traffic with acks and receipts, some retries and malformed frames.
  for (let i = 0; i < messages; i++) {
    const sender = pick(online);
    const senderHome = rig.homeOf(sender);
    const sameServer = random() < 0.9;
    const recipient = pick(sameServer ? rig.users[senderHome]! : rig.users[1 - senderHome]!);
    const frame = rig.send(sender, (seq) => message(seq, recipient, 200));
    if (frame !== null && i % 50 === 0) rig.resend(sender, frame);
    if (i % 500 === 0) rig.send(sender, (seq) => ({ kind: ClientKind.Send, seq, to: -1, ref: 0, bytes: 1, members: null }));
    if (i % 20 === 0) {
      const reader = pick(online);
      rig.send(reader, (seq) => ({ kind: ClientKind.Read, seq, to: sender, ref: frame?.seq ?? 1, bytes: 0, members: null }));
    }
  }

  // Groups of 32 on the first core's users: creation, changes, messages (sender keys included).
  const groups = Math.max(1, Math.floor(messages / 2000));
  const base = Math.floor(random() * 1e9);
  for (let g = 0; g < groups; g++) {
    const groupId = base + g;
    const members = Array.from({ length: 31 }, () => pick(allUsers));
    const admin = pick(online);
    rig.send(admin, (seq) => ({ kind: ClientKind.GroupCreate, seq, to: groupId, ref: 0, bytes: 0, members }));
    for (let m = 0; m < 10; m++) rig.send(admin, (seq) => ({ kind: ClientKind.GroupSend, seq, to: groupId, ref: 0, bytes: 200, members: null }));
    rig.send(admin, (seq) => ({ kind: ClientKind.GroupAdd, seq, to: groupId, ref: pick(allUsers), bytes: 0, members: null }));
    rig.send(admin, (seq) => ({ kind: ClientKind.GroupRemove, seq, to: groupId, ref: members[0]!, bytes: 0, members: null }));
    rig.send(admin, (seq) => ({ kind: ClientKind.GroupSend, seq, to: groupId, ref: 0, bytes: 200, members: null }));
  }

  // Offline devices come back: their stored envelopes drain.
  for (const device of offline) rig.connect(device, rig.homeOf(device));

  // Expiry: some devices go away, receive, and their entries outlive the time to live.
  const leaving = rig.devices.filter(() => random() < 0.05);
  for (const device of leaving) rig.disconnect(device);
  const stillOnline = rig.devices.filter((device) => rig.connectedAt.has(device));
  for (let i = 0; leaving.length > 0 && stillOnline.length > 0 && i < Math.floor(messages / 10); i++) {
    const target = pick(leaving);
    const sender = pick(stillOnline);
    rig.send(sender, (seq) => message(seq, Math.floor(target / 8), 100));
  }
  rig.clock.advance(2e12);
  for (const core of rig.cores) rig.timed(() => core.onTimer(TIMER_SWEEP));
  rig.clock.advance(1);

  for (const device of rig.devices) rig.disconnect(device);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The cost of a timed interval with no work in it: the clock read and the sink's bookkeeping. */
function clockOverheadNs(sink: TimingSink): number {
  const batches: number[] = [];
  for (let batch = 0; batch < 21; batch++) {
    sink.reset();
    sink.begin();
    for (let i = 0; i < 2000; i++) sink.charge(0, 0);
    batches.push(sink.totalNs[0]! / sink.counts[0]!);
  }
  sink.reset();
  return median(batches);
}

export function calibrate(options: CalibrateOptions): CostProfile {
  const users = options.users ?? 20_000;
  const messages = options.messages ?? 100_000;
  const rounds = options.rounds ?? 3;
  const random = makeRandom(options.seed ?? 1);
  const sink = new TimingSink(options.nowNs);
  const overheadNs = clockOverheadNs(sink);

  const perRound: number[][] = Array.from({ length: OP_COUNT }, () => []);
  const samples = new Float64Array(OP_COUNT);
  // A warm-up round, not recorded, so that the JIT has compiled the core before it is timed.
  runMix(new Rig(sink, Math.max(50, Math.floor(users / 10)), Math.max(12, Math.floor(users / 40)), random), Math.max(500, Math.floor(messages / 10)), random);
  for (let round = 0; round < rounds; round++) {
    sink.reset();
    const rig = new Rig(sink, users, Math.max(4, Math.floor(users / 4)), random);
    runMix(rig, messages, random);
    for (let op = 0; op < OP_COUNT; op++) {
      const count = sink.counts[op]!;
      if (count === 0) continue;
      samples[op]! += count;
      perRound[op]!.push(sink.totalNs[op]! / count);
    }
  }

  const costsNs: Record<string, number> = {};
  const sampleCounts: Record<string, number> = {};
  for (let op = 0; op < OP_COUNT; op++) {
    if (perRound[op]!.length === 0) continue;
    const name = OP_NAMES[op]!;
    costsNs[name] = Math.max(0, Math.round((median(perRound[op]!) - overheadNs) * 10) / 10);
    sampleCounts[name] = samples[op]!;
  }
  return {
    machine: options.machine,
    measuredAt: options.measuredAt,
    costsNs,
    samples: sampleCounts,
    clockOverheadNs: Math.round(overheadNs * 10) / 10,
    rounds,
    method: CALIBRATE_METHOD,
  };
}
