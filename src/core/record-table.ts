/**
 * An open-addressing hash table of fixed-size numeric records, keyed by a non-negative integer
 * (an exact double, so device keys up to 2^53 work), stored inline in one Float64Array: a lookup
 * touches one cache line for the key and the record together. Linear probing; deletion shifts
 * later records back (no tombstones); the table doubles at 5/8 load. Its capacity is any whole
 * number of records, not only a power of two: a table sized for millions of records would
 * otherwise hold up to twice the memory it needs, and on a virtual machine whose fresh pages cost
 * the host a fault each, the first touch of global-2025's unused slots cost each part about a
 * second of its setup (session 7).
 *
 * Offsets returned by `find` and `insert` are valid only until the next `insert` or `remove`
 * (both may move records). Callers re-find after either.
 */
import { largeBuffer, releaseLargeBuffer } from './large-buffers.js';

// Exported bindings are cells that V8 reloads and checks at every use, even inside their own module,
// so the hot code here uses module-local names (EMPTY, slotFor) and exports aliases.
const EMPTY = -1;
/** Key of an unused record slot (keys are non-negative). */
export const EMPTY_KEY = EMPTY;
const MAX_LOAD_NUMERATOR = 5;
const MAX_LOAD_DENOMINATOR = 8;
const MIN_CAPACITY = 16;
/** Slots are int32s (slotFor): a table holds fewer than 2^31. */
const CAPACITY_LIMIT = 2 ** 31;

/**
 * Slot of a key in a table of `capacity` slots: both 32-bit halves folded, then MurmurHash3's
 * finaliser, then scaled onto 0..capacity-1 by multiplying (Lemire's fast range reduction, not a
 * modulo). A bare multiplicative hash is not enough: device keys are user * 8 + slot, and a
 * server's users often share a residue (modulo placement gives keys 128 apart), which left the
 * top bits clustered and made lookups probe 8 slots on average instead of about 1.5.
 */
function slotFor(key: number, capacity: number): number {
  // Scaling by 2^-32 is exact, and cheaper than dividing; most keys have no high half at all.
  const hi = key >= 4294967296 ? (key * 2.3283064365386963e-10) | 0 : 0;
  let h = (key | 0) ^ Math.imul(hi, 0x85ebca6b);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  // h < 2^32: the product is exact below 2^21 slots, and above it rounds by at most 2^(log2(capacity)
  // - 21) < capacity, so the slot stays below capacity. The same on every machine (IEEE doubles).
  // `| 0` truncates (the slot is below 2^31) to an int32, so the offsets computed from it stay
  // small integers: with Math.floor's double a lookup took 134 ns instead of 124 (session 7).
  return ((h >>> 0) * capacity * 2.3283064365386963e-10) | 0;
}
/** `slotFor`, exported under its public name. */
export const slotOfKey = slotFor;

const CACHE_LINE_BYTES = 64;
/**
 * Where glibc's malloc puts the data of a large (mmap'd) allocation: 16 bytes past a page
 * boundary, after its chunk header. Node allocates big typed arrays that way.
 */
const LARGE_ALLOCATION_OFFSET_BYTES = 16;

/**
 * A zeroed record array whose records each sit on one cache line. A 64-byte record that starts
 * 16 bytes into a line spans two, and a lookup at a million devices then misses twice; starting
 * the view 48 bytes into its buffer lines records up with cache lines (for records of 64 bytes or
 * a divisor of it). Measured: about 5% on the core-1to1 benchmark. Under an allocator that places
 * data differently, records may straddle lines, as those of an unskewed array may.
 */
function allocateRecords(capacity: number, stride: number): Float64Array {
  const recordBytes = stride * 8;
  const skewBytes = CACHE_LINE_BYTES % recordBytes === 0 ? (CACHE_LINE_BYTES - LARGE_ALLOCATION_OFFSET_BYTES) % recordBytes : 0;
  // A recycled buffer (large-buffers.ts) need not be zeroed: fill writes every record.
  return new Float64Array(largeBuffer(capacity * recordBytes + skewBytes, false), skewBytes, capacity * stride).fill(EMPTY);
}

export class RecordTable {
  /** Fields per record, the key included (field 0). */
  readonly stride: number;
  records: Float64Array;
  size = 0;
  private capacity: number;
  private growAt: number;

  constructor(stride: number, initialCapacity = 16) {
    if (!Number.isInteger(stride) || stride < 1) throw new RangeError(`record stride must be a positive integer, got ${stride}`);
    this.stride = stride;
    const capacity = Math.max(MIN_CAPACITY, Math.ceil(initialCapacity));
    if (!(capacity < CAPACITY_LIMIT)) throw new RangeError(`record table: ${initialCapacity} records is more than a table holds (2^31)`);
    this.capacity = capacity;
    this.growAt = Math.floor((capacity * MAX_LOAD_NUMERATOR) / MAX_LOAD_DENOMINATOR);
    this.records = allocateRecords(capacity, stride);
  }

  /** Offset of the key's record (its key field), or -1. */
  find(key: number): number {
    const records = this.records;
    const stride = this.stride;
    let offset = slotFor(key, this.capacity) * stride;
    for (;;) {
      const stored = records[offset]!;
      if (stored === key) return offset;
      if (stored === EMPTY) return -1;
      offset += stride;
      if (offset === records.length) offset = 0;
    }
  }

  /** Offset of the key's home slot, where `find` starts probing. */
  homeOffset(key: number): number {
    return slotFor(key, this.capacity) * this.stride;
  }

  /**
   * `find`, given the key's home offset (`homeOffset`) and what is stored there
   * (`records[offset]`). A caller that looks up several keys loads each home slot first and only
   * then calls this: the loads do not wait on each other's cache misses, as they would behind a
   * mispredicted probe of an earlier lookup.
   */
  findFrom(key: number, homeOffset: number, storedAtHome: number): number {
    const records = this.records;
    const stride = this.stride;
    let offset = homeOffset;
    let stored = storedAtHome;
    for (;;) {
      if (stored === key) return offset;
      if (stored === EMPTY) return -1;
      offset += stride;
      if (offset === records.length) offset = 0;
      stored = records[offset]!;
    }
  }

  /**
   * Offset of the key's record, inserting a zeroed record if it is absent (check `size` before
   * and after, or `find` first, to know which happened).
   */
  insert(key: number): number {
    if (this.size >= this.growAt) this.grow();
    const records = this.records;
    const stride = this.stride;
    let offset = slotFor(key, this.capacity) * stride;
    for (;;) {
      const stored = records[offset]!;
      if (stored === key) return offset;
      if (stored === EMPTY) {
        records[offset] = key;
        for (let field = 1; field < stride; field++) records[offset + field] = 0;
        this.size++;
        return offset;
      }
      offset += stride;
      if (offset === records.length) offset = 0;
    }
  }

  /** Removes the key's record; false if absent. */
  remove(key: number): boolean {
    const offset = this.find(key);
    if (offset < 0) return false;
    this.removeAt(offset / this.stride);
    return true;
  }

  clear(): void {
    this.records.fill(EMPTY);
    this.size = 0;
  }

  /** Calls `visit(offset)` for every record; the callback must not insert or remove. */
  forEach(visit: (offset: number) => void): void {
    const records = this.records;
    for (let offset = 0; offset < records.length; offset += this.stride) {
      if (records[offset] !== EMPTY) visit(offset);
    }
  }

  /** Bytes held by the table's array. */
  get bytes(): number {
    return this.records.byteLength;
  }

  private removeAt(slot: number): void {
    const records = this.records;
    const stride = this.stride;
    const capacity = this.capacity;
    let hole = slot;
    let next = slot + 1 === capacity ? 0 : slot + 1;
    for (;;) {
      const nextOffset = next * stride;
      const key = records[nextOffset]!;
      if (key === EMPTY) break;
      const home = slotFor(key, capacity);
      // The record at `next` may move into the hole only if its home slot is not cyclically in (hole, next].
      const stays = hole <= next ? home > hole && home <= next : home > hole || home <= next;
      if (!stays) {
        records.copyWithin(hole * stride, nextOffset, nextOffset + stride);
        hole = next;
      }
      next = next + 1 === capacity ? 0 : next + 1;
    }
    records[hole * stride] = EMPTY;
    this.size--;
  }

  private grow(): void {
    const old = this.records;
    const stride = this.stride;
    if (!(this.capacity * 2 < CAPACITY_LIMIT)) throw new RangeError(`record table: more than ${this.growAt} records (a table holds 2^31 slots)`);
    this.capacity *= 2;
    this.growAt = Math.floor((this.capacity * MAX_LOAD_NUMERATOR) / MAX_LOAD_DENOMINATOR);
    const records = allocateRecords(this.capacity, stride);
    for (let offset = 0; offset < old.length; offset += stride) {
      const key = old[offset]!;
      if (key === EMPTY) continue;
      let slot = slotFor(key, this.capacity);
      while (records[slot * stride] !== EMPTY) slot = slot + 1 === this.capacity ? 0 : slot + 1;
      const target = slot * stride;
      for (let field = 0; field < stride; field++) records[target + field] = old[offset + field]!;
    }
    this.records = records;
    releaseLargeBuffer(old.buffer);
  }
}

/** A number-to-number map on a `RecordTable` of stride 2 (key, value). */
export class NumMap {
  private readonly table: RecordTable;

  constructor(initialCapacity = 16) {
    this.table = new RecordTable(2, initialCapacity);
  }

  get size(): number {
    return this.table.size;
  }

  get bytes(): number {
    return this.table.bytes;
  }

  get(key: number, missing: number): number {
    const offset = this.table.find(key);
    return offset < 0 ? missing : this.table.records[offset + 1]!;
  }

  has(key: number): boolean {
    return this.table.find(key) >= 0;
  }

  set(key: number, value: number): void {
    const offset = this.table.insert(key);
    this.table.records[offset + 1] = value;
  }

  delete(key: number): boolean {
    return this.table.remove(key);
  }

  clear(): void {
    this.table.clear();
  }

  forEach(visit: (key: number, value: number) => void): void {
    const records = this.table.records;
    this.table.forEach((offset) => visit(records[offset]!, records[offset + 1]!));
  }
}
