/**
 * A single-producer, single-consumer queue of screened arrivals between two threads, over a
 * SharedArrayBuffer: the screening thread (src/engine/screening-worker.ts) writes each arrival of
 * the offered stream that touches the slice, the simulation reads them in order. A full queue makes
 * the writer wait, an empty one the reader (Atomics.wait, with a timeout so that a missed wake-up
 * costs milliseconds, not a hang). An entry is (time ns, message number, senders found offline in
 * the dry runs since the previous entry), all exact doubles; the last entry has time -1 and carries
 * the senders found offline after the last arrival.
 *
 * Several screening threads share the stream by blocks of candidate numbers (SCREENING_BLOCK_CANDIDATES,
 * dealt round-robin): each writes its own feed, and ends each of its blocks with an entry of time -2
 * carrying the senders found offline after the block's last arrival. ArrivalFeedMerger reads the
 * feeds block by block, so the simulation sees exactly the entries one thread would have written.
 */

/**
 * Entries in the ring: 1 M of 24 bytes, 24 MiB (touched only as far as it fills). The thread starts
 * screening while the deployment is built, which takes seconds at a billion users: at global-2025's
 * 35 K arrivals per simulated second into the slice, 1 M is half a simulated minute of lead.
 */
export const ARRIVAL_FEED_CAPACITY = 1 << 20;
const FIELDS = 3;
/** Control words: entries written, entries read, reader waiting, writer waiting, state. */
const WRITTEN = 0;
const READ = 1;
const READER_WAITING = 2;
const WRITER_WAITING = 3;
const STATE = 4;
/** Set by the writer when it starts: a reader that waits long for a writer that never started gives up. */
const WRITER_STARTED = 5;
const START_WAIT_MS_MAX = 60_000;
const STATE_RUNNING = 0;
const STATE_DONE = 1;
const STATE_FAILED = 2;
const WAIT_MS = 20;

/** Time of the entry that ends a block (several screening threads). */
export const BLOCK_END_NS = -2;
/**
 * Candidates per block when several threads screen: 16,384 is about 9 ms of global-2025's stream
 * (some 600 arrivals), small enough that the threads finish their shares together.
 */
export const SCREENING_BLOCK_CANDIDATES = 1 << 14;

/** What the workload reads screened arrivals from: one feed, or several merged. */
export interface ArrivalSource {
  atNs: number;
  messageNumber: number;
  sendersOffline: number;
  /** The next arrival into the fields; false at the end (sendersOffline: those after the last). */
  next(): boolean;
  /** The reader is done (the run ended or was stopped): the writers stop at their next wait. */
  abandon(): void;
}

export interface ArrivalFeedBuffers {
  control: SharedArrayBuffer;
  entries: SharedArrayBuffer;
}

export function createArrivalFeedBuffers(): ArrivalFeedBuffers {
  return {
    control: new SharedArrayBuffer(8 * Int32Array.BYTES_PER_ELEMENT),
    entries: new SharedArrayBuffer(ARRIVAL_FEED_CAPACITY * FIELDS * Float64Array.BYTES_PER_ELEMENT),
  };
}

export class ArrivalFeedWriter {
  private readonly control: Int32Array;
  private readonly entries: Float64Array;
  private written = 0;

  constructor(buffers: ArrivalFeedBuffers) {
    this.control = new Int32Array(buffers.control);
    this.entries = new Float64Array(buffers.entries);
    Atomics.store(this.control, WRITER_STARTED, 1);
  }

  /** False when the reader has gone (the run ended or stopped): stop screening. */
  write(atNs: number, messageNumber: number, sendersOffline: number): boolean {
    const control = this.control;
    while (((this.written - Atomics.load(control, READ)) | 0) >= ARRIVAL_FEED_CAPACITY) {
      if (Atomics.load(control, STATE) !== STATE_RUNNING) return false;
      Atomics.store(control, WRITER_WAITING, 1);
      const read = Atomics.load(control, READ);
      if (((this.written - read) | 0) >= ARRIVAL_FEED_CAPACITY) Atomics.wait(control, READ, read, WAIT_MS);
      Atomics.store(control, WRITER_WAITING, 0);
    }
    const at = (this.written & (ARRIVAL_FEED_CAPACITY - 1)) * FIELDS;
    this.entries[at] = atNs;
    this.entries[at + 1] = messageNumber;
    this.entries[at + 2] = sendersOffline;
    this.written = (this.written + 1) | 0;
    Atomics.store(control, WRITTEN, this.written);
    if (Atomics.load(control, READER_WAITING) !== 0) Atomics.notify(control, WRITTEN);
    return true;
  }

  /** No more arrivals (the stream passed the end of the run), or the screening failed. */
  close(failed = false): void {
    Atomics.compareExchange(this.control, STATE, STATE_RUNNING, failed ? STATE_FAILED : STATE_DONE);
    Atomics.notify(this.control, WRITTEN);
  }
}

export class ArrivalFeedReader implements ArrivalSource {
  atNs = 0;
  messageNumber = 0;
  sendersOffline = 0;
  private readonly control: Int32Array;
  private readonly entries: Float64Array;
  private read = 0;

  constructor(buffers: ArrivalFeedBuffers) {
    this.control = new Int32Array(buffers.control);
    this.entries = new Float64Array(buffers.entries);
  }

  /**
   * Takes the next arrival into atNs, messageNumber and sendersOffline; false at the end (with the
   * last senders found offline in sendersOffline).
   */
  next(): boolean {
    const control = this.control;
    let waitedMs = 0;
    while (((Atomics.load(control, WRITTEN) - this.read) | 0) === 0) {
      const state = Atomics.load(control, STATE);
      if (state === STATE_FAILED) throw new Error('model: the screening thread failed (its error follows)');
      if (Atomics.load(control, WRITER_STARTED) === 0 && (waitedMs += WAIT_MS) > START_WAIT_MS_MAX) {
        throw new Error(`model: the screening thread did not start within ${START_WAIT_MS_MAX / 1000} s`);
      }
      if (state === STATE_DONE && ((Atomics.load(control, WRITTEN) - this.read) | 0) === 0) {
        this.atNs = -1;
        this.sendersOffline = 0;
        return false;
      }
      Atomics.store(control, READER_WAITING, 1);
      if (Atomics.load(control, WRITTEN) === this.read) Atomics.wait(control, WRITTEN, this.read, WAIT_MS);
      Atomics.store(control, READER_WAITING, 0);
    }
    const at = (this.read & (ARRIVAL_FEED_CAPACITY - 1)) * FIELDS;
    this.atNs = this.entries[at]!;
    this.messageNumber = this.entries[at + 1]!;
    this.sendersOffline = this.entries[at + 2]!;
    this.read = (this.read + 1) | 0;
    Atomics.store(control, READ, this.read);
    if (Atomics.load(control, WRITER_WAITING) !== 0) Atomics.notify(control, READ);
    return this.atNs >= 0;
  }

  /** Whether the entry `next` took last ends a block (it returned false for it). */
  get atBlockEnd(): boolean {
    return this.atNs === BLOCK_END_NS;
  }

  /** The reader is done (the run ended or was stopped): the writer stops at its next wait. */
  abandon(): void {
    Atomics.compareExchange(this.control, STATE, STATE_RUNNING, STATE_DONE);
    Atomics.notify(this.control, READ);
  }
}

/**
 * The feeds of several screening threads read as one: block b of the candidate stream comes from
 * feed b mod n, and the senders found offline after a block's last arrival are added to the next
 * arrival's, whichever feed it is in.
 */
export class ArrivalFeedMerger implements ArrivalSource {
  atNs = 0;
  messageNumber = 0;
  sendersOffline = 0;
  private readonly feeds: readonly ArrivalFeedReader[];
  private block = 0;

  constructor(feeds: readonly ArrivalFeedReader[]) {
    this.feeds = feeds;
  }

  next(): boolean {
    let offline = 0;
    for (;;) {
      const feed = this.feeds[this.block % this.feeds.length]!;
      const more = feed.next();
      offline += feed.sendersOffline;
      if (more) {
        this.atNs = feed.atNs;
        this.messageNumber = feed.messageNumber;
        this.sendersOffline = offline;
        return true;
      }
      if (!feed.atBlockEnd) {
        this.sendersOffline = offline;
        return false;
      }
      this.block++;
    }
  }

  abandon(): void {
    for (const feed of this.feeds) feed.abandon();
  }
}
