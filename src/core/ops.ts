/**
 * Accounting: every unit of work the core performs is reported to an injected sink as
 * (operation kind, bytes). A simulator turns these into CPU time (from a cost table or a profile
 * measured by `chatscale calibrate`) and bandwidth; a production server could feed its metrics.
 * Kinds are small integers so a sink can index a typed array; `OP_NAMES` gives the names used in
 * reports and cost profiles; they match the scenario schema's cost table (`route`, `deliver`,
 * `fanout`, `ack`, `receipt`, `store`, `drain`, `directoryLookup`, `connect`, `disconnect`,
 * `groupChange`, `senderKey`) and add the core's other operations.
 */
export const Op = {
  /** A device connection opened on this server (session created, home told). */
  Connect: 0,
  /** A device connection closed on this server. */
  Disconnect: 1,
  /** A client frame (message, read receipt, group change) accepted and sequenced at the sender's home. bytes: payload. */
  Route: 2,
  /** A client retry recognised by its message id and acknowledged again without routing. */
  Duplicate: 3,
  /** A client frame refused with a code (sequence gap, malformed, not connected). */
  Reject: 4,
  /** A server acknowledgement of a client frame, created for the client. bytes: ack size. */
  ServerAck: 5,
  /** One copy of a message, receipt or group event queued for one device at its home. bytes: copy size. */
  Fanout: 6,
  /** One frame pushed to a device connection. bytes: frame size. */
  Deliver: 7,
  /** A device's cumulative delivery acknowledgement processed at its home. */
  Ack: 8,
  /** A delivery or read receipt created and routed to the original sender. bytes: receipt size. */
  Receipt: 9,
  /** An entry written to the offline store. bytes: entry size. */
  Store: 10,
  /** An entry read back from the offline store (drain on reconnect or after backpressure). */
  Drain: 11,
  /** An offline entry dropped because its time to live passed. */
  Expire: 12,
  /** An entry refused at a queue bound (device queue or store full). */
  Drop: 13,
  /** A directory read that the core's caches could not answer. */
  DirectoryLookup: 14,
  /** A directory write (session location, device registration). */
  DirectoryWrite: 15,
  /** A frame sent to a peer chat server. bytes: frame size. */
  ServerSend: 16,
  /** A frame received from a peer chat server. bytes: frame size. */
  ServerReceive: 17,
  /** A group created or its membership changed, at the group's home. */
  GroupChange: 18,
  /** One pairwise sender-key copy for one device (first group message after a membership change). bytes: key size. */
  SenderKey: 19,
  /** A timer tick handled (offline expiry sweep). */
  Timer: 20,
} as const;

export type OpKind = (typeof Op)[keyof typeof Op];

/** Number of operation kinds; sinks size their arrays with it. */
export const OP_COUNT = 21;

/** Report and cost-profile names, indexed by kind (lowerCamelCase, as in a scenario's cost table). */
export const OP_NAMES: readonly string[] = [
  'connect',
  'disconnect',
  'route',
  'duplicate',
  'reject',
  'serverAck',
  'fanout',
  'deliver',
  'ack',
  'receipt',
  'store',
  'drain',
  'expire',
  'drop',
  'directoryLookup',
  'directoryWrite',
  'serverSend',
  'serverReceive',
  'groupChange',
  'senderKey',
  'timer',
];
