/**
 * Envelopes stored by value: each row holds an envelope's eight fields in one Float64Array (64
 * bytes), rows are linked into singly linked FIFO lists through `next`, and freed
 * rows are reused. What an offline store keeps is then no object at all to the garbage
 * collector: an envelope that waits minutes for its device to come back costs a scavenge nothing,
 * whereas as an object (with its four boxed doubles) it was copied once or twice and promoted. In
 * global-2025's parts those stored envelopes were the largest share of what scavenges copied
 * (session 16). Reading a row back makes a new Envelope, which dies young.
 */
import { Envelope } from './frames.js';
import { DOUBLE_ZERO } from './double-zero.js';

// Local name for the hot code: an exported binding is a cell that V8 reloads at every use.
const NONE = -1;
/** The fields of a row, in this order. */
const KIND = 0;
const SEQ = 1;
const AT_NS = 2;
const BYTES = 3;
const FROM = 4;
const TO = 5;
const REF = 6;
const AUX = 7;
const ROW = 8;

export class EnvelopeRows {
  /** Each row's successor in its list, or -1. */
  next: Int32Array;
  private fields: Float64Array;
  private free = DOUBLE_ZERO + NONE;
  private top = 0;
  /** Rows in use. */
  used = 0;

  constructor(initialCapacity = 1024) {
    const capacity = Math.max(1, Math.ceil(initialCapacity));
    this.next = new Int32Array(capacity);
    this.fields = new Float64Array(capacity * ROW);
  }

  /** A row holding a copy of `env`'s fields, with no successor. */
  alloc(env: Envelope): number {
    let row: number;
    if (this.free !== NONE) {
      row = this.free;
      this.free = this.next[row]!;
    } else {
      if (this.top === this.next.length) this.grow();
      row = this.top++;
    }
    this.next[row] = NONE;
    const fields = this.fields;
    const at = row * ROW;
    fields[at + KIND] = env.kind;
    fields[at + SEQ] = env.seq;
    fields[at + AT_NS] = env.atNs;
    fields[at + BYTES] = env.bytes;
    fields[at + FROM] = env.from;
    fields[at + TO] = env.to;
    fields[at + REF] = env.ref;
    fields[at + AUX] = env.aux;
    this.used++;
    return row;
  }

  /** A new Envelope equal to the one stored in `row`. */
  envelopeAt(row: number): Envelope {
    const fields = this.fields;
    const at = row * ROW;
    const env = new Envelope(fields[at + KIND]!, fields[at + FROM]!, fields[at + TO]!, fields[at + REF]!, fields[at + AUX]!, fields[at + BYTES]!);
    env.seq = fields[at + SEQ]!;
    env.atNs = fields[at + AT_NS]!;
    return env;
  }

  /** The stored envelope's queue time (`atNs`), without making the envelope. */
  atNsOf(row: number): number {
    return this.fields[row * ROW + AT_NS]!;
  }

  release(row: number): void {
    this.next[row] = this.free;
    this.free = row;
    this.used--;
  }

  get capacity(): number {
    return this.next.length;
  }

  private grow(): void {
    const size = this.next.length * 2;
    const next = new Int32Array(size);
    next.set(this.next);
    this.next = next;
    const fields = new Float64Array(size * ROW);
    fields.set(this.fields);
    this.fields = fields;
  }
}
