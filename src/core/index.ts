/**
 * chatscale's routing core: a message router a production chat server could embed. It imports
 * nothing else from chatscale and knows nothing of simulation.
 *
 * Embedding it. Create one `ChatServer` per chat server process with its ports:
 *
 * ```ts
 * const core = new ChatServer({
 *   serverId: 3,
 *   clock,        // Clock: nowNs()
 *   timers,       // Timers: schedule(delayNs, token) -> handle, cancel(handle); call core.onTimer(token) when due
 *   transport,    // Transport: toDevice(deviceKey, envelope), toServer(serverId, frame); FIFO links
 *   directory,    // Directory: homes, device masks, sessions, group homes (MemoryDirectory, ImplicitDirectory or your own)
 *   store,        // OfflineStore: bounded per-device queues (MemoryOfflineStore or your own)
 *   sink,         // OpSink: charge(op, bytes) for every operation (CountingSink, NullSink or your own)
 *   observer,     // optional CoreObserver: drops and group order, for tests and metrics
 * });
 * ```
 *
 * Then call, whenever the host learns something:
 * - a device opened a connection: `core.connect(deviceKey, lastReceivedSeq)`;
 * - its connection closed: `core.disconnect(deviceKey)`;
 * - bytes from a device decoded to a `ClientFrame`: `core.onClientFrame(deviceKey, frame)`
 *   (messages, read receipts, group changes; delivery acks also as `core.onDeviceAck(deviceKey, seq)`);
 * - a frame from a peer chat server: `core.onServerFrame(fromServerId, frame)`;
 * - a timer fired: `core.onTimer(token)`.
 * The core answers synchronously through the transport; ports must not call back into it.
 *
 * Identities are numbers: `deviceKey = userId * 8 + slot` (slot 0 the primary, 1..4 companions);
 * a message id is (sender device key, client seq). What a client must do: number its sequenced
 * frames 1, 2, 3... per device, keep each until its server ack arrives, resend unacked frames in
 * order after reconnecting, ack mailbox envelopes cumulatively by their `seq`, and report the
 * highest `seq` it holds when it connects.
 */
export { ChatServer, CoreConfigError, NO_DEVICE, TIMER_SWEEP, type CoreStats } from './chat-server.js';
export {
  checkLimits,
  DEFAULT_LIMITS,
  DEFAULT_WIRE,
  NS_PER_DAY,
  NS_PER_SECOND,
  type ChatServerConfig,
  type CoreLimits,
  type WireSizes,
} from './config.js';
export {
  ackFrame,
  ClientKind,
  Code,
  CODE_NAMES,
  DeviceKind,
  DropReason,
  Envelope,
  groupAddFrame,
  groupCreateFrame,
  groupRemoveFrame,
  groupSendFrame,
  readFrame,
  ReceiptType,
  sendFrame,
  SERVER_KIND_NAMES,
  ServerFrame,
  ServerKind,
  type ClientFrame,
} from './frames.js';
export {
  ALL_SLOTS_MASK,
  deviceKeyOf,
  isDeviceKey,
  isServerId,
  isUserId,
  MAX_DEVICES_PER_USER,
  MAX_USER_ID,
  NO_SERVER,
  PRIMARY_SLOT,
  SLOTS_PER_USER,
  slotOf,
  userOf,
} from './ids.js';
export { Op, OP_COUNT, OP_NAMES, type OpKind } from './ops.js';
export { StoreResult, type Clock, type CoreObserver, type Directory, type OfflineStore, type OpSink, type Timers, type Transport } from './ports.js';
export { NumMap, RecordTable } from './record-table.js';
export { ManualClock } from './memory/clock.js';
export { MemoryTimers } from './memory/timers.js';
export { CountingSink, NullSink } from './memory/op-sink.js';
export { MemoryNetwork, QueueTransport, type SentToDevice, type SentToServer, type ServerEndpoint } from './memory/transport.js';
export { MemoryDirectory, type MemoryDirectoryOptions } from './memory/directory.js';
export { ImplicitDirectory, type ImplicitPopulation } from './memory/implicit-directory.js';
export { DEFAULT_DEVICE_CAPACITY, DEFAULT_TOTAL_CAPACITY, MemoryOfflineStore, type OfflineStoreOptions } from './memory/offline-store.js';
export { SimpleOfflineStore } from './memory/simple-offline-store.js';
