/**
 * Messages in flight, for end-to-end accounting: when each was sent and how many device copies
 * are still owed. A message is keyed by its id in the routing core, (sender device key, client
 * seq). It leaves the table when every copy has been delivered or accounted as dropped.
 */
import { NumMap } from '../core/record-table.js';
import { DOUBLE_ZERO, emptyDoubleArray } from '../sim/stable-shapes.js';

const SEQ_SPAN = 2 ** 17;

export class MessageTable {
  /** Message key to slot: the core's open-addressing number map, cheaper than a Map here. */
  private readonly index = new NumMap(1024);
  private sendNs = new Float64Array(1024);
  private owed = new Int32Array(1024);
  private counted = new Uint8Array(1024);
  /** 1 once any copy of the message was dropped: it then ends as dropped, not delivered. */
  private lostCopy = new Uint8Array(1024);
  private readonly free: number[] = emptyDoubleArray();
  private next = 0;

  static keyOf(senderDeviceKey: number, clientSeq: number): number {
    // Exact while device keys stay below 2^36 (6.8e10 devices) and seqs below 2^17 per device
    // in flight at once; the low bits wrap, which only matters past 131,072 unfinished messages.
    return senderDeviceKey * SEQ_SPAN + (clientSeq % SEQ_SPAN);
  }

  get size(): number {
    return this.index.size;
  }

  /** Records a message; `counted` says whether it was sent inside the measured window. */
  add(key: number, sendNs: number, copiesOwed: number, counted: boolean): void {
    let slot = this.free.pop();
    if (slot === undefined) {
      slot = this.next++;
      if (slot === this.sendNs.length) this.grow();
    }
    this.sendNs[slot] = sendNs;
    this.owed[slot] = copiesOwed;
    this.counted[slot] = counted ? 1 : 0;
    this.lostCopy[slot] = 0;
    this.index.set(key, slot);
  }

  /** Set by settleCopy and dropMessage: the message's send time, whether it is counted, whether it lost a copy. */
  settledSendNs = DOUBLE_ZERO;
  settledCounted = false;
  settledLostCopy = false;

  /**
   * One copy delivered (or, with `dropped`, refused at a bound); returns 1 when that was the last
   * copy owed (the message is complete and leaves the table), 0 otherwise, -1 for an unknown one.
   */
  settleCopy(key: number, dropped = false): number {
    const slot = this.index.get(key, -1);
    if (slot < 0) return -1;
    if (dropped) this.lostCopy[slot] = 1;
    this.settledSendNs = this.sendNs[slot]!;
    this.settledCounted = this.counted[slot] === 1;
    this.settledLostCopy = this.lostCopy[slot] === 1;
    if (--this.owed[slot]! > 0) return 0;
    this.index.delete(key);
    this.free.push(slot);
    return 1;
  }

  /**
   * Every copy still owed is lost at once (the frame carrying them was refused, or the message was
   * rejected): returns true when the message was in the table; settled* describe it.
   */
  dropMessage(key: number): boolean {
    const slot = this.index.get(key, -1);
    if (slot < 0) return false;
    this.settledSendNs = this.sendNs[slot]!;
    this.settledCounted = this.counted[slot] === 1;
    this.settledLostCopy = true;
    this.index.delete(key);
    this.free.push(slot);
    return true;
  }

  /** Messages still owed a copy, of those counted. */
  countedPending(): number {
    let pending = 0;
    this.index.forEach((_key, slot) => {
      pending += this.counted[slot]!;
    });
    return pending;
  }

  private grow(): void {
    const size = this.sendNs.length * 2;
    const sendNs = new Float64Array(size);
    sendNs.set(this.sendNs);
    this.sendNs = sendNs;
    const owed = new Int32Array(size);
    owed.set(this.owed);
    this.owed = owed;
    const counted = new Uint8Array(size);
    counted.set(this.counted);
    this.counted = counted;
    const lostCopy = new Uint8Array(size);
    lostCopy.set(this.lostCopy);
    this.lostCopy = lostCopy;
  }
}
