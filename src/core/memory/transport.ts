/**
 * In-memory transports. `QueueTransport` records what one server sent, for unit tests.
 * `MemoryNetwork` wires several cores together with FIFO server-to-server links that the host
 * delivers one frame at a time, in any interleaving it likes (property tests pick at random).
 */
import type { Envelope, ServerFrame } from '../frames.js';
import type { Transport } from '../ports.js';

export interface SentToDevice {
  deviceKey: number;
  env: Envelope;
}

export interface SentToServer {
  serverId: number;
  frame: ServerFrame;
}

/** Records every frame sent, in order. */
export class QueueTransport implements Transport {
  readonly toDevices: SentToDevice[] = [];
  readonly toServers: SentToServer[] = [];

  toDevice(deviceKey: number, env: Envelope): void {
    this.toDevices.push({ deviceKey, env });
  }

  toServer(serverId: number, frame: ServerFrame): void {
    this.toServers.push({ serverId, frame });
  }

  /** Envelopes sent to one device, in order. */
  framesFor(deviceKey: number): Envelope[] {
    return this.toDevices.filter((sent) => sent.deviceKey === deviceKey).map((sent) => sent.env);
  }

  clear(): void {
    this.toDevices.length = 0;
    this.toServers.length = 0;
  }
}

/** A FIFO of frames with amortised O(1) shift. */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  get length(): number {
    return this.items.length - this.head;
  }
}

/** Something that receives server frames: a `ChatServer`. */
export interface ServerEndpoint {
  onServerFrame(fromServerId: number, frame: ServerFrame): void;
}

/**
 * Reliable FIFO links between every ordered pair of servers, plus a hook for frames to devices.
 * Frames wait in their link until the host calls `deliverNext(from, to)` (or `deliverAll()`).
 */
export class MemoryNetwork {
  readonly serverCount: number;
  private readonly links: Fifo<ServerFrame>[];
  private readonly endpoints: (ServerEndpoint | null)[];
  private readonly onDeviceFrame: (serverId: number, deviceKey: number, env: Envelope) => void;
  private inFlight = 0;

  constructor(serverCount: number, onDeviceFrame: (serverId: number, deviceKey: number, env: Envelope) => void) {
    this.serverCount = serverCount;
    this.links = Array.from({ length: serverCount * serverCount }, () => new Fifo<ServerFrame>());
    this.endpoints = new Array<ServerEndpoint | null>(serverCount).fill(null);
    this.onDeviceFrame = onDeviceFrame;
  }

  /** The transport to give server `serverId`'s core. */
  transportFor(serverId: number): Transport {
    return {
      toDevice: (deviceKey, env) => this.onDeviceFrame(serverId, deviceKey, env),
      toServer: (to, frame) => {
        if (!Number.isInteger(to) || to < 0 || to >= this.serverCount) throw new RangeError(`server ${serverId} sent to unknown server ${to}`);
        this.links[serverId * this.serverCount + to]!.push(frame);
        this.inFlight++;
      },
    };
  }

  attach(serverId: number, endpoint: ServerEndpoint): void {
    this.endpoints[serverId] = endpoint;
  }

  /** Frames sent and not yet delivered, over all links. */
  get pending(): number {
    return this.inFlight;
  }

  /** Frames waiting on the link from -> to. */
  pendingOn(from: number, to: number): number {
    return this.links[from * this.serverCount + to]!.length;
  }

  /** Links with frames waiting, as [from, to] pairs, in a fixed order. */
  busyLinks(): [number, number][] {
    const busy: [number, number][] = [];
    for (let from = 0; from < this.serverCount; from++) {
      for (let to = 0; to < this.serverCount; to++) if (this.links[from * this.serverCount + to]!.length > 0) busy.push([from, to]);
    }
    return busy;
  }

  /** Delivers the oldest frame on the link from -> to; false if the link is empty. */
  deliverNext(from: number, to: number): boolean {
    const frame = this.links[from * this.serverCount + to]!.shift();
    if (frame === undefined) return false;
    this.inFlight--;
    const endpoint = this.endpoints[to];
    if (endpoint === null || endpoint === undefined) throw new Error(`no server attached as ${to}`);
    endpoint.onServerFrame(from, frame);
    return true;
  }

  /** Delivers until every link is empty (frames sent meanwhile included); returns how many, at most `limit`. */
  deliverAll(limit = 10_000_000): number {
    let delivered = 0;
    while (this.inFlight > 0 && delivered < limit) {
      for (const [from, to] of this.busyLinks()) {
        while (this.deliverNext(from, to)) delivered++;
      }
    }
    return delivered;
  }
}
