/**
 * The wire vocabulary of the routing core. Frames are plain objects with a numeric `kind`;
 * every field is a number (or a reference), so the hot path allocates one object per frame
 * and builds no strings. Three directions:
 *
 * - Client to server: `ClientFrame` (messages, read receipts, group changes, delivery acks).
 * - Server to device: `Envelope` (server acks and everything a device's mailbox holds).
 * - Server to server: `ServerFrame` (relayed client frames, routed envelopes, session changes).
 */
import { DOUBLE_ZERO } from './double-zero.js';

/** Kinds of frames a device sends to its chat server. */
export const ClientKind = {
  /** A one-to-one message. `to`: recipient user id. */
  Send: 1,
  /** A group message. `to`: group id. */
  GroupSend: 2,
  /** A read receipt. `to`: device key of the message's sender, `ref`: that message's client sequence. */
  Read: 3,
  /** Create a group. `to`: group id (chosen by the client), `members`: user ids (the creator is added). */
  GroupCreate: 4,
  /** Add a member. `to`: group id, `ref`: user id. Admins only. */
  GroupAdd: 5,
  /** Remove a member. `to`: group id, `ref`: user id. Admins, or a member removing itself. */
  GroupRemove: 6,
  /** Cumulative delivery ack: `seq` is the highest mailbox sequence received. Not sequenced itself. */
  Ack: 7,
} as const;

/**
 * A frame from a device. Every kind but `Ack` is sequenced: `seq` is the device's client
 * sequence, 1, 2, 3... without gaps, reused unchanged on retries. The pair (device key, seq) is
 * the message id, so a retry is recognised and acknowledged again instead of being routed twice.
 */
export interface ClientFrame {
  kind: number;
  seq: number;
  to: number;
  ref: number;
  bytes: number;
  members: readonly number[] | null;
}

/** Kinds of frames a chat server sends to a device. All but `Ack` come from the device's mailbox. */
export const DeviceKind = {
  /** Server ack of a client frame. `ref`: client seq, `aux`: a `Code`, `to`: the seq the server expects next; `seq` is 0 (not in the mailbox). */
  Ack: 1,
  /** One-to-one message. `from`: sender device key, `to`: recipient user id, `ref`: sender's client seq. */
  Message: 2,
  /** Group message. `from`: sender device, `to`: group id, `ref`: client seq, `aux`: 1 when it carries the sender key pairwise. */
  GroupMessage: 3,
  /** Receipt. `from`: the device that received or read, `to`: the original sender device, `ref`: its client seq, `aux`: `ReceiptType`. */
  Receipt: 4,
  /** Group created. `from`: creator device, `to`: group id, `ref`: creator's client seq, `aux`: member count. */
  GroupCreated: 5,
  /** Member added. `aux`: the added user id. */
  GroupAdded: 6,
  /** Member removed. `aux`: the removed user id (it receives this event too, then nothing more). */
  GroupRemoved: 7,
  /** A frame accepted at the sender's home was refused further on. `to`: conversation, `ref`: client seq, `aux`: a `Code`. */
  Rejected: 8,
} as const;

export const ReceiptType = { Delivered: 1, Read: 2 } as const;

/** Outcome codes: in server acks (`aux`), in `Rejected` envelopes and as entry-point results. */
export const Code = {
  Accepted: 0,
  /** A retry of a frame already accepted (or refused): acknowledged again, not routed again. */
  Duplicate: 1,
  /** The client skipped a sequence number; nothing was consumed. Retry from the seq in the ack's `to`. */
  SeqGap: 2,
  BadFrame: 3,
  NotConnected: 4,
  UnknownRecipient: 5,
  NotMember: 6,
  NotAdmin: 7,
  GroupFull: 8,
  GroupExists: 9,
  NoSuchGroup: 10,
  AlreadyMember: 11,
  GroupLimit: 12,
  NotRegistered: 13,
  ServerFull: 14,
  NotHome: 15,
  Busy: 16,
} as const;

export const CODE_NAMES: readonly string[] = [
  'accepted',
  'duplicate',
  'seqGap',
  'badFrame',
  'notConnected',
  'unknownRecipient',
  'notMember',
  'notAdmin',
  'groupFull',
  'groupExists',
  'noSuchGroup',
  'alreadyMember',
  'groupLimit',
  'notRegistered',
  'serverFull',
  'notHome',
  'busy',
];

/** Why an envelope left a device's queue without being delivered. */
export const DropReason = {
  /** Stored longer than the time to live. */
  Expired: 1,
  /** The device's queue was at its bound. */
  DeviceQueueFull: 2,
  /** The store as a whole was at its bound. */
  StoreFull: 3,
  /** The device was unlinked from its user. */
  Unlinked: 4,
} as const;

/**
 * A frame for a device. One object is shared by every device at one home that receives the same
 * message, so a group fan-out allocates one envelope per home, not one per device (an offline
 * store may keep a copy instead: see OfflineStore). `seq` is the
 * mailbox sequence, assigned once per envelope per home from a counter that only grows, so each
 * device sees strictly increasing sequences; `atNs` is when the home queued it (for the TTL).
 * The host must treat envelopes as read-only.
 */
export class Envelope {
  // `declare`: the fields are created by the constructor's assignments alone. Emitted class field
  // declarations would add an initializer that V8 (Node 20) does not inline, so every `new
  // Envelope` on the hot path would go through the generic construct stub. tsconfig.json's
  // useDefineForClassFields: false now does this for every class (session 18); `declare` keeps it
  // here whatever a compiler setting says.
  declare kind: number;
  declare seq: number;
  declare atNs: number;
  declare bytes: number;
  declare from: number;
  declare to: number;
  declare ref: number;
  declare aux: number;

  constructor(kind: number, from: number, to: number, ref: number, aux: number, bytes: number) {
    // Doubles from the first envelope on (double-zero.ts): a value read back from a stored row, a
    // key or a sequence past 2^31, would otherwise change the class's hidden class mid-run.
    this.kind = DOUBLE_ZERO + kind;
    this.seq = DOUBLE_ZERO;
    this.atNs = DOUBLE_ZERO;
    this.bytes = DOUBLE_ZERO + bytes;
    this.from = DOUBLE_ZERO + from;
    this.to = DOUBLE_ZERO + to;
    this.ref = DOUBLE_ZERO + ref;
    this.aux = DOUBLE_ZERO + aux;
  }
}

/** Kinds of frames between chat servers. Links between servers are reliable and FIFO (host contract). */
export const ServerKind = {
  /** Session server to home: a client frame from a device connected there. `device`, `conn`, `client`. */
  ClientRelay: 1,
  /** Session server to home: a device connected. `device`, `conn`, `arg`: highest mailbox seq the device holds. */
  Attach: 2,
  /** Session server to home: a device's connection closed. `device`, `conn`. */
  Detach: 3,
  /** Session server to home: cumulative delivery ack. `device`, `conn`, `arg`: mailbox seq. */
  DeviceAck: 4,
  /** Home to session server: push `env` to `device` if connection `conn` is still open. */
  Push: 5,
  /** Sender's home to a user's home: queue `env` for every device of user `arg` except device `device` (-1: none). */
  ToUser: 6,
  /** Group home to a member home: queue `env` for every device of each user in `users` except `device`. */
  ToUsers: 7,
  /** Any home to a user's home: queue `env` for the single device `device`. */
  ToDevice: 8,
  /** Sender's home to the group's home: a sequenced group frame `client` from device `device`. */
  GroupRequest: 9,
} as const;

export const SERVER_KIND_NAMES: readonly string[] = [
  '',
  'clientRelay',
  'attach',
  'detach',
  'deviceAck',
  'push',
  'toUser',
  'toUsers',
  'toDevice',
  'groupRequest',
];

/** A frame between chat servers. One class, one shape, so handlers stay monomorphic. */
export class ServerFrame {
  // `declare`, as in Envelope: construction stays inlinable.
  declare kind: number;
  declare device: number;
  declare conn: number;
  declare arg: number;
  declare env: Envelope | null;
  declare client: ClientFrame | null;
  declare users: readonly number[] | null;
  /** Size on the wire, for bandwidth accounting. */
  declare bytes: number;

  constructor(
    kind: number,
    device: number,
    conn: number,
    arg: number,
    env: Envelope | null,
    client: ClientFrame | null,
    users: readonly number[] | null,
    bytes: number,
  ) {
    this.kind = kind;
    // Doubles from the first frame on, as in Envelope: device keys and args read back from rows.
    this.device = DOUBLE_ZERO + device;
    this.conn = conn;
    this.arg = DOUBLE_ZERO + arg;
    this.env = env;
    this.client = client;
    this.users = users;
    this.bytes = DOUBLE_ZERO + bytes;
  }
}

/** Builders that give every client frame the same shape (one hidden class for the host's frames). */
export function sendFrame(seq: number, toUserId: number, bytes: number): ClientFrame {
  return { kind: ClientKind.Send, seq, to: toUserId, ref: 0, bytes, members: null };
}

export function groupSendFrame(seq: number, groupId: number, bytes: number): ClientFrame {
  return { kind: ClientKind.GroupSend, seq, to: groupId, ref: 0, bytes, members: null };
}

export function readFrame(seq: number, senderDeviceKey: number, senderSeq: number): ClientFrame {
  return { kind: ClientKind.Read, seq, to: senderDeviceKey, ref: senderSeq, bytes: 0, members: null };
}

export function groupCreateFrame(seq: number, groupId: number, members: readonly number[]): ClientFrame {
  return { kind: ClientKind.GroupCreate, seq, to: groupId, ref: 0, bytes: 0, members };
}

export function groupAddFrame(seq: number, groupId: number, userId: number): ClientFrame {
  return { kind: ClientKind.GroupAdd, seq, to: groupId, ref: userId, bytes: 0, members: null };
}

export function groupRemoveFrame(seq: number, groupId: number, userId: number): ClientFrame {
  return { kind: ClientKind.GroupRemove, seq, to: groupId, ref: userId, bytes: 0, members: null };
}

export function ackFrame(upToSeq: number): ClientFrame {
  return { kind: ClientKind.Ack, seq: upToSeq, to: 0, ref: 0, bytes: 0, members: null };
}
