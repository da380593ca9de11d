/**
 * A small world for testing the routing core: several ChatServers on a MemoryNetwork, a shared
 * directory, a manual clock, and a fake client per device that behaves as the core's contract
 * asks (numbers its frames, resends unacked ones after reconnecting, reports what it holds).
 * Every link is a FIFO the test delivers from one frame at a time, so a test (or fast-check)
 * chooses the interleaving.
 */
import {
  ChatServer,
  ClientKind,
  Code,
  CountingSink,
  DeviceKind,
  deviceKeyOf,
  ManualClock,
  MemoryDirectory,
  MemoryNetwork,
  MemoryOfflineStore,
  MemoryTimers,
  NO_SERVER,
  type ClientFrame,
  type CoreLimits,
  type Envelope,
} from '../../src/core/index.js';

export interface UserSpec {
  id: number;
  devices: number;
  home: number;
}

export interface ClusterOptions {
  servers: number;
  users: UserSpec[];
  limits?: Partial<CoreLimits>;
  deviceCapacity?: number;
  /** Home of group g: g mod servers unless given. */
  placeGroup?: (groupId: number) => number;
  /** Clients ack every mailbox envelope as soon as it arrives. */
  autoAck?: boolean;
}

/** A copy of an envelope's fields as a device saw it (envelopes are shared, so tests copy). */
export interface Seen {
  kind: number;
  seq: number;
  from: number;
  to: number;
  ref: number;
  aux: number;
  bytes: number;
}

export interface Drop {
  deviceKey: number;
  seen: Seen;
  reason: number;
}

export interface Sequenced {
  groupId: number;
  seen: Seen;
  recipients: number[];
}

export function seen(env: Envelope): Seen {
  return { kind: env.kind, seq: env.seq, from: env.from, to: env.to, ref: env.ref, aux: env.aux, bytes: env.bytes };
}

class Fifo<T> {
  items: T[] = [];
  push(item: T): void {
    this.items.push(item);
  }
  shift(): T | undefined {
    return this.items.shift();
  }
  get length(): number {
    return this.items.length;
  }
  clear(): void {
    this.items.length = 0;
  }
}

export class FakeClient {
  readonly deviceKey: number;
  /** Server it is connected to, or NO_SERVER. */
  server = NO_SERVER;
  nextSeq = 1;
  /** Sequenced frames sent and not yet acked, oldest first. */
  unacked: ClientFrame[] = [];
  /** Highest mailbox seq received. */
  lastReceived = 0;
  /** Highest mailbox seq acked to the server. */
  lastAcked = 0;
  readonly received: Seen[] = [];
  readonly acks: Seen[] = [];
  /** Frames on the way to the server, and envelopes on the way to the device. */
  readonly uplink = new Fifo<ClientFrame>();
  readonly downlink = new Fifo<Envelope>();
  /** Protocol violations seen by this client. */
  readonly problems: string[] = [];

  constructor(deviceKey: number) {
    this.deviceKey = deviceKey;
  }

  get connected(): boolean {
    return this.server !== NO_SERVER;
  }
}

export class Cluster {
  readonly clock = new ManualClock(1_000);
  readonly directory: MemoryDirectory;
  readonly network: MemoryNetwork;
  readonly servers: ChatServer[] = [];
  readonly timers: MemoryTimers[] = [];
  readonly stores: MemoryOfflineStore[] = [];
  readonly sinks: CountingSink[] = [];
  readonly clients = new Map<number, FakeClient>();
  readonly drops: Drop[] = [];
  readonly sequenced: Sequenced[] = [];
  readonly options: ClusterOptions;
  autoAck: boolean;

  constructor(options: ClusterOptions) {
    this.options = options;
    this.autoAck = options.autoAck ?? false;
    const servers = options.servers;
    this.directory = new MemoryDirectory({ serverCount: servers, placeGroup: options.placeGroup ?? ((g) => g % servers) });
    for (const user of options.users) {
      this.directory.registerUser(user.id, user.devices, user.home);
      for (let slot = 0; slot < user.devices; slot++) {
        const key = deviceKeyOf(user.id, slot);
        this.clients.set(key, new FakeClient(key));
      }
    }
    this.network = new MemoryNetwork(servers, (serverId, deviceKey, env) => this.toDevice(serverId, deviceKey, env));
    for (let id = 0; id < servers; id++) {
      const timers = new MemoryTimers(this.clock);
      const store = new MemoryOfflineStore({ deviceCapacity: options.deviceCapacity ?? 10_000 });
      const sink = new CountingSink();
      const server = new ChatServer({
        serverId: id,
        clock: this.clock,
        timers,
        transport: this.network.transportFor(id),
        directory: this.directory,
        store,
        sink,
        observer: {
          dropped: (deviceKey, env, reason) => this.drops.push({ deviceKey, seen: seen(env), reason }),
          groupSequenced: (groupId, env, recipients) => this.sequenced.push({ groupId, seen: seen(env), recipients: [...recipients] }),
        },
        limits: options.limits,
      });
      this.network.attach(id, server);
      this.servers.push(server);
      this.timers.push(timers);
      this.stores.push(store);
      this.sinks.push(sink);
    }
  }

  client(deviceKey: number): FakeClient {
    const client = this.clients.get(deviceKey);
    if (client === undefined) throw new Error(`no client for device ${deviceKey}`);
    return client;
  }

  private toDevice(serverId: number, deviceKey: number, env: Envelope): void {
    const client = this.client(deviceKey);
    if (client.server !== serverId) {
      client.problems.push(`server ${serverId} pushed kind ${env.kind} to device ${deviceKey} connected to ${client.server}`);
      return;
    }
    client.downlink.push(env);
  }

  /** Opens a connection; the client then resends its unacked frames in order. */
  connect(deviceKey: number, serverId: number): number {
    const client = this.client(deviceKey);
    if (client.connected) this.disconnect(deviceKey);
    client.server = serverId;
    const code = this.servers[serverId]!.connect(deviceKey, client.lastReceived);
    if (code !== Code.Accepted) {
      client.server = NO_SERVER;
      return code;
    }
    client.lastAcked = client.lastReceived;
    for (const frame of client.unacked) client.uplink.push(frame);
    return code;
  }

  /** Closes the connection; frames in flight either way are lost. */
  disconnect(deviceKey: number): void {
    const client = this.client(deviceKey);
    if (!client.connected) return;
    const server = client.server;
    client.server = NO_SERVER;
    client.uplink.clear();
    client.downlink.clear();
    this.servers[server]!.disconnect(deviceKey);
  }

  /** The client sends a new sequenced frame (it travels on the uplink). */
  send(deviceKey: number, make: (seq: number) => ClientFrame): ClientFrame {
    const client = this.client(deviceKey);
    const frame = make(client.nextSeq++);
    client.unacked.push(frame);
    if (client.connected) client.uplink.push(frame);
    return frame;
  }

  /** The client resends its oldest unacked frame on the same connection (a retry). */
  retry(deviceKey: number): boolean {
    const client = this.client(deviceKey);
    if (!client.connected || client.unacked.length === 0) return false;
    client.uplink.push(client.unacked[0]!);
    return true;
  }

  /** The client acks everything it has received. */
  ack(deviceKey: number): boolean {
    const client = this.client(deviceKey);
    if (!client.connected || client.lastReceived <= client.lastAcked) return false;
    client.lastAcked = client.lastReceived;
    client.uplink.push({ kind: ClientKind.Ack, seq: client.lastReceived, to: 0, ref: 0, bytes: 0, members: null });
    return true;
  }

  deliverUplink(deviceKey: number): boolean {
    const client = this.client(deviceKey);
    const frame = client.uplink.shift();
    if (frame === undefined) return false;
    this.servers[client.server]!.onClientFrame(deviceKey, frame);
    return true;
  }

  deliverDownlink(deviceKey: number): boolean {
    const client = this.client(deviceKey);
    const env = client.downlink.shift();
    if (env === undefined) return false;
    this.receive(client, env);
    return true;
  }

  private receive(client: FakeClient, env: Envelope): void {
    if (env.kind === DeviceKind.Ack) {
      client.acks.push(seen(env));
      const code = env.aux;
      if (code === Code.SeqGap) client.problems.push(`seq gap ack for seq ${env.ref}, expected ${env.to}`);
      const index = client.unacked.findIndex((frame) => frame.seq === env.ref);
      if (index >= 0) client.unacked.splice(index, 1);
      return;
    }
    if (env.seq <= client.lastReceived) {
      client.problems.push(`device ${client.deviceKey} got mailbox seq ${env.seq} after ${client.lastReceived} (kind ${env.kind} from ${env.from} ref ${env.ref})`);
      return;
    }
    client.lastReceived = env.seq;
    client.received.push(seen(env));
    if (this.autoAck) this.ack(client.deviceKey);
  }

  /** Fires timers due by now on every server. */
  fireTimers(): void {
    const now = this.clock.nowNs();
    this.timers.forEach((timers, id) => timers.runDue(now, (token) => this.servers[id]!.onTimer(token)));
  }

  advance(deltaNs: number): void {
    this.clock.advance(deltaNs);
    this.fireTimers();
  }

  /** Delivers every frame everywhere until nothing moves (clients ack as they go). Returns steps taken. */
  settle(maxSteps = 1_000_000): number {
    let steps = 0;
    for (;;) {
      let moved = false;
      for (const client of this.clients.values()) {
        while (this.deliverUplink(client.deviceKey)) {
          moved = true;
          steps++;
        }
        while (this.deliverDownlink(client.deviceKey)) {
          moved = true;
          steps++;
        }
        if (this.autoAck && this.ack(client.deviceKey)) moved = true;
      }
      const delivered = this.network.deliverAll();
      if (delivered > 0) moved = true;
      steps += delivered;
      if (!moved) return steps;
      if (steps > maxSteps) throw new Error(`cluster did not settle within ${maxSteps} steps`);
    }
  }

  /** Every device's envelopes of the given kinds, as seen. */
  receivedBy(deviceKey: number, kinds?: readonly number[]): Seen[] {
    const all = this.client(deviceKey).received;
    return kinds === undefined ? all : all.filter((item) => kinds.includes(item.kind));
  }

  problems(): string[] {
    return [...this.clients.values()].flatMap((client) => client.problems);
  }
}
