/**
 * The client side of the simulated users: where each user's devices are, whether each is online,
 * a 48-byte record per device that has been used, and the list of users with a device online. Every user homed on a simulated server has
 * it, active or not (DESIGN.md section 4: compact state, no object per user): in full fidelity
 * indexed by user id, in a slice by a dense index that the placement gives without a map (a slice
 * of a billion-user deployment holds tens of millions of users). The deployment reads and writes
 * the records directly on its hot path; this class owns their layout and the indexing.
 */
import { slotOf, userOf } from '../core/ids.js';
import type { RandomStream } from '../sim/random.js';
import type { ResolvedRegion } from '../scenario/resolved.js';
import type { Population } from './population.js';
import type { SliceUserList } from './slice-users.js';
import { DOUBLE_ZERO } from '../sim/stable-shapes.js';

/**
 * The per-device record: 48 bytes, three doubles then six int32s. Why one record and not an array
 * per field: a message touches several fields of a random device among millions, and with nine
 * arrays each was a cache miss of its own (the profile's top lines); within one 48-byte record
 * they share a line or two (session 4).
 */
export const DEVICE_RECORD = {
  bytes: 48,
  /** Doubles, counted in doubles from the record's start. */
  f64: {
    /** The highest mailbox sequence the device holds. */
    mailboxHighest: 0,
    /** When its up and down links are next free (each link is FIFO). */
    upFreeNs: 1,
    downFreeNs: 2,
  },
  /** Int32s, counted in int32s from the record's start (after the three doubles). */
  i32: {
    clientSeq: 6,
    /**
     * Connection counts, client and server side: a frame pushed on connection n and arriving
     * after the device opened n + 1 is dropped, as TCP would.
     */
    clientConnection: 7,
    serverConnection: 8,
    /**
     * Push tickets: given to pushes in the order the core sent them (the last one given) and the
     * last one sent down, so that pushes to a device never overtake each other.
     */
    pushTicket: 9,
    pushSent: 10,
    // 11: unused (the record stays 48 bytes, a multiple of 16).
  },
} as const;

// Module-local names for the hot code (an imported binding is a cell V8 checks at every use).
const DEVICE_I32_STRIDE = DEVICE_RECORD.bytes / 4;
const DEV_CLIENT_SEQ = DEVICE_RECORD.i32.clientSeq;

/**
 * Client state per user, allocated for every user whether active or not: per device its online
 * flag (1) and where its record is (4), and its record (DEVICE_RECORD.bytes, counted for every
 * device although only those used get one: an upper bound); per user where its devices start (4),
 * its place in the list of online users (4 + 4) and its count of devices online (1).
 */
export function deviceStateBytesPerUser(devicesPerUserMean: number): number {
  return devicesPerUserMean * (1 + 4 + DEVICE_RECORD.bytes) + (4 + 4 + 4 + 1);
}

export class ClientState {
  /** Users with client state: all of them in full fidelity, the slice's in a slice. */
  readonly users: number;
  /** Device records in all (the slice's users' devices, packed). */
  readonly devices: number;
  /**
   * Where each user's devices start in the records, by user index (one more entry at the end): a
   * user's devices are packed, so a slice of 30 M users with 1.24 devices each holds 37 M device
   * records, not 150 M slots.
   */
  readonly deviceFirst: Uint32Array;
  /** Dense index to user id in a slice; null in full fidelity (index = id). */
  readonly indexUser: Float64Array | null;
  /** 1 for a device online, by dense device index. */
  readonly online: Uint8Array;
  /**
   * The device records (DEVICE_RECORD), as doubles and as int32s, by record number (record(dev)).
   * In a slice, a device gets its record when first used, the records in the order met: its devices are
   * mostly offline throughout, and a record per device indexed by device touched every page of
   * the array (global-2025: 0.9 GB a part), where first touches of fresh memory cost this kind of
   * virtual machine about 3 s per GB (session 7). The arrays are sized for every device but only
   * the records given out are ever touched, so the rest costs no memory.
   */
  readonly deviceF64: Float64Array;
  readonly deviceI32: Int32Array;
  /**
   * Whether records are given on first use (a slice), or each device's record is its dense index
   * (full fidelity, where most devices are used, and reference-chat's simple messages ran 13% slower
   * for the extra look-up).
   */
  private readonly recordsOnFirstUse: boolean;
  /** Each device's record number plus one (0: none yet), by dense device index (a slice only). */
  private readonly recordOf: Int32Array;
  /** Records given out. */
  private recordsUsed = 0;
  /** Slice: each simulated server's first dense user index (-1 for the others); null in full. */
  private readonly sliceFirstIndex: Float64Array | null;
  private readonly population: Population;
  /** Users (by index) with at least one device online, in no order, and where each one stands. */
  private readonly onlineUsers: Int32Array;
  private readonly onlineUserPosition: Int32Array;
  private readonly onlineDevicesOfUser: Uint8Array;
  private onlineUsersCount = 0;
  /** Whether onlineUsers is kept (full fidelity only). */
  private readonly listsOnlineUsers: boolean;
  /** hint's device key (-1: none) and its dense index. */
  private hintKey = DOUBLE_ZERO - 1;
  private hintDev = DOUBLE_ZERO - 1;

  /**
   * `simulated[server]` is 1 for the servers simulated in full; `isSlice` says whether any is not.
   * A slice's users are found server by server by running the placement backwards: a user's
   * dense index is its server's first index plus its rank in placement order.
   */
  constructor(population: Population, simulated: Uint8Array, isSlice: boolean) {
    this.population = population;
    if (isSlice) {
      this.sliceFirstIndex = new Float64Array(simulated.length).fill(-1);
      let insideUsers = 0;
      for (let server = 0; server < simulated.length; server++) {
        if (simulated[server] !== 1) continue;
        this.sliceFirstIndex[server] = insideUsers;
        insideUsers += population.userCountOf(server);
      }
      const indexUser = new Float64Array(insideUsers);
      let index = 0;
      for (let server = 0; server < simulated.length; server++) {
        if (simulated[server] === 1) population.forEachUserOf(server, (user) => (indexUser[index++] = user));
      }
      this.indexUser = indexUser;
    } else {
      this.sliceFirstIndex = null;
      this.indexUser = null;
    }
    const users = this.indexUser === null ? population.users : this.indexUser.length;
    this.users = users;
    this.deviceFirst = new Uint32Array(users + 1);
    let devices = 0;
    for (let index = 0; index < users; index++) {
      this.deviceFirst[index] = devices;
      devices += population.deviceCountOf(this.indexUser === null ? index : this.indexUser[index]!);
    }
    if (devices > 0xffff_ffff) throw new RangeError(`model: ${devices} devices is more than the client-state index holds (2^32 - 1)`);
    this.deviceFirst[users] = devices;
    this.devices = devices;
    if (devices >= 0x7fff_ffff) throw new RangeError(`model: ${devices} devices is more than a record number holds (2^31 - 1)`);
    const records = new ArrayBuffer(devices * DEVICE_RECORD.bytes);
    this.deviceF64 = new Float64Array(records);
    this.deviceI32 = new Int32Array(records);
    this.recordsOnFirstUse = isSlice;
    this.recordOf = new Int32Array(isSlice ? devices : 0);
    this.online = new Uint8Array(devices);
    // Only full fidelity draws senders from the users online (randomOnlineUser); a slice draws them
    // by weight (slice-users.ts), and keeping the list cost it 8 bytes of fresh memory per user.
    this.listsOnlineUsers = !isSlice;
    this.onlineUsers = new Int32Array(isSlice ? 0 : users);
    this.onlineUserPosition = new Int32Array(isSlice ? 0 : users);
    this.onlineDevicesOfUser = new Uint8Array(users);
  }

  /**
   * Slice fidelity: the slice's users as the direct one-to-one streams draw them (slice-users.ts):
   * the dense list, whose users come server by server in index order, so region by region.
   */
  sliceUserList(regions: readonly ResolvedRegion[]): SliceUserList {
    if (this.indexUser === null || this.sliceFirstIndex === null) throw new Error('model: a slice user list outside slice fidelity (broken invariant)');
    const regionStart = new Float64Array(regions.length + 1);
    for (const region of regions) {
      // The first simulated server at or after the region's first: where its users start.
      let start = this.indexUser.length;
      for (let server = region.chatServers.serverIndexFirst; server < this.sliceFirstIndex.length; server++) {
        if (this.sliceFirstIndex[server]! >= 0) {
          start = this.sliceFirstIndex[server]!;
          break;
        }
      }
      regionStart[region.index] = start;
    }
    regionStart[regions.length] = this.indexUser.length;
    for (let r = 0; r < regions.length; r++) {
      if (regionStart[r]! > regionStart[r + 1]!) throw new Error('model: regions whose servers are not in region order (broken invariant)');
    }
    return { users: this.indexUser, regionStart };
  }

  /** The user id of a user index. */
  userOfIndex(index: number): number {
    return this.indexUser === null ? index : this.indexUser[index]!;
  }

  /** The user's index, or -1 for a user homed outside the slice (or no user at all). */
  userIndexOrNone(user: number): number {
    if (!(user >= 0 && user < this.population.users)) return -1;
    if (this.sliceFirstIndex === null) return user;
    const region = this.population.regionOf(user);
    const servers = region.chatServers;
    const placement = this.population.placementIndexIn(region, user);
    const first = this.sliceFirstIndex[servers.serverIndexFirst + (placement % servers.count)]!;
    return first < 0 ? -1 : first + Math.floor(placement / servers.count);
  }

  /** Dense index of a user's first device (users inside the slice only). */
  userBase(user: number): number {
    const index = this.userIndexOrNone(user);
    if (index < 0) throw new Error(`model: user ${user} is homed outside the slice and has no client state (broken invariant)`);
    return this.deviceFirst[index]!;
  }

  /** Dense index of a device (inside the slice only). */
  denseIndex(deviceKey: number): number {
    if (deviceKey === this.hintKey) return this.hintDev;
    return this.userBase(userOf(deviceKey)) + slotOf(deviceKey);
  }

  /** Dense index of a device, or -1 for one homed outside the slice or past its user's devices. */
  denseIndexOrNone(deviceKey: number): number {
    if (deviceKey === this.hintKey) return this.hintDev;
    const index = this.userIndexOrNone(userOf(deviceKey));
    if (index < 0) return -1;
    const dev = this.deviceFirst[index]! + slotOf(deviceKey);
    return dev < this.deviceFirst[index + 1]! ? dev : -1;
  }

  isOnline(dev: number): boolean {
    return this.online[dev] === 1;
  }

  /** The record number of a device (dense index), given it now if it has none: zeroed, as new. */
  record(dev: number): number {
    if (!this.recordsOnFirstUse) return dev;
    const plusOne = this.recordOf[dev]!;
    if (plusOne !== 0) return plusOne - 1;
    this.recordOf[dev] = ++this.recordsUsed;
    return this.recordsUsed - 1;
  }

  /** Devices that have a record (the records hold this times DEVICE_RECORD.bytes; all in full fidelity). */
  get recordsInUse(): number {
    return this.recordsOnFirstUse ? this.recordsUsed : this.devices;
  }

  /**
   * Sets a device online or offline, keeping the list of users with a device online (swap-remove,
   * O(1)), from which senders are drawn: the offered rate then holds at any online share.
   */
  setOnline(dev: number, userIndex: number, value: 0 | 1): void {
    if (this.online[dev] === value) return;
    this.online[dev] = value;
    const before = this.onlineDevicesOfUser[userIndex]!;
    const after = before + (value === 1 ? 1 : -1);
    this.onlineDevicesOfUser[userIndex] = after;
    if (!this.listsOnlineUsers) return;
    if (before === 0 && after === 1) {
      this.onlineUserPosition[userIndex] = this.onlineUsersCount;
      this.onlineUsers[this.onlineUsersCount++] = userIndex;
    } else if (before === 1 && after === 0) {
      const position = this.onlineUserPosition[userIndex]!;
      const last = this.onlineUsers[--this.onlineUsersCount]!;
      this.onlineUsers[position] = last;
      this.onlineUserPosition[last] = position;
    }
  }

  /**
   * Says where a device's record is before the deployment hands it to code that will ask (the warm
   * start's connects; a frame up from a device, to whose device the core's answer mostly goes):
   * finding it again from the key cost global-2025's parts 1.1 s each at the warm start, as the
   * connects go in their tables' order, not the records'. A device's dense index never changes, so
   * a hint stays true.
   */
  hint(deviceKey: number, dev: number): void {
    this.hintKey = deviceKey;
    this.hintDev = dev;
  }

  /** Whether the user at a dense index has a device online. */
  hasDeviceOnline(index: number): boolean {
    return this.onlineDevicesOfUser[index]! > 0;
  }

  /** An online device slot of the user (the first online one from `start`), or -1. */
  onlineSlotOf(user: number, start: number): number {
    const count = this.population.deviceCountOf(user);
    const base = this.userBase(user);
    for (let i = 0; i < count; i++) {
      const slot = (start + i) % count;
      if (this.online[base + slot] === 1) return slot;
    }
    return -1;
  }

  /** A user with a device online, uniformly, or -1 when nobody is online. */
  randomOnlineUser(rng: RandomStream): number {
    if (!this.listsOnlineUsers) throw new Error('model: a slice keeps no list of its users online (broken invariant)');
    if (this.onlineUsersCount === 0) return -1;
    return this.userOfIndex(this.onlineUsers[rng.nextInt(this.onlineUsersCount)]!);
  }

  /** The next client sequence number of a device (1, 2, 3...). */
  nextClientSeq(deviceKey: number): number {
    return ++this.deviceI32[this.record(this.denseIndex(deviceKey)) * DEVICE_I32_STRIDE + DEV_CLIENT_SEQ]!;
  }
}
