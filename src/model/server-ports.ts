/**
 * The ports of one simulated server's routing core (src/core/ports.ts) onto the deployment that
 * hosts it: its clock, timers, transport, operation sink and observer, in one object of a class.
 * What each port does is the host's (deployment.ts): this only says which server is calling.
 *
 * Why a class, not object literals of arrow functions as before session 12: V8 records which
 * function a call site calls, and a core's `this.sink.charge(...)` or `this.transport.toDevice(...)`
 * saw one closure per part of a slice, made by that part's deployment. Optimised code inlined it
 * and embedded the closure and its context as constants, so when the part ended and the closure
 * died, V8 threw away the optimised code of every function that had inlined it: about 38 of the
 * core's and the model's hottest functions at each part boundary (`--trace-deopt`: "weak
 * objects"), compiled again in the next part. A method is the same function in every part, and
 * the server's state is read from the receiver, which optimised code checks by its map.
 */
import type { Envelope, ServerFrame } from '../core/frames.js';
import type { OpKind } from '../core/ops.js';
import type { Clock, CoreObserver, OpSink, Timers, Transport } from '../core/ports.js';
import type { Simulator } from '../sim/simulator.js';
import type { BackingService } from './backing-service.js';

/** What the ports ask of the deployment; each call is on behalf of one server's core. */
export interface ServerPortsHost {
  /** Prices an operation of the core now running and counts it in `opCounts`. */
  chargeCoreOp(op: OpKind, opCounts: Float64Array, directory: BackingService, offlineStore: BackingService): void;
  /** Captures an envelope the core sends a device (it leaves when the CPU job ends). */
  coreToDevice(deviceKey: number, env: Envelope): void;
  /** Captures a frame the core sends another server. */
  coreToServer(serverId: number, frame: ServerFrame): void;
  startCoreTimer(serverIndex: number, delayNs: number, token: number): number;
  cancelCoreTimer(handle: number): void;
  /** An envelope the core dropped instead of delivering. */
  coreDroppedCopy(deviceKey: number, env: Envelope): void;
}

export class ServerPorts implements Clock, Timers, Transport, OpSink, CoreObserver {
  constructor(
    private readonly host: ServerPortsHost,
    private readonly sim: Simulator,
    private readonly serverIndex: number,
    private readonly opCounts: Float64Array,
    private readonly directory: BackingService,
    private readonly offlineStore: BackingService,
  ) {}

  nowNs(): number {
    return this.sim.nowNs;
  }

  schedule(delayNs: number, token: number): number {
    return this.host.startCoreTimer(this.serverIndex, delayNs, token);
  }

  cancel(handle: number): void {
    this.host.cancelCoreTimer(handle);
  }

  toDevice(deviceKey: number, env: Envelope): void {
    this.host.coreToDevice(deviceKey, env);
  }

  toServer(serverId: number, frame: ServerFrame): void {
    this.host.coreToServer(serverId, frame);
  }

  charge(op: OpKind, _bytes: number): void {
    this.host.chargeCoreOp(op, this.opCounts, this.directory, this.offlineStore);
  }

  dropped(deviceKey: number, env: Envelope): void {
    this.host.coreDroppedCopy(deviceKey, env);
  }

  groupSequenced(): void {}
}
