/**
 * A hierarchical timing wheel (Varghese and Lauck, 1987) beside the event list, for the many long
 * timers of a messaging system (ack timeouts, retries, offline expiry) that are mostly cancelled
 * before they fire. Start and cancel are O(1); a timer reaches the event list only when it is due
 * within the current tick, and then fires at its exact time, so the wheel's tick never rounds
 * anything a result depends on.
 *
 * Layout: levels of 256 slots; a timer sits at the level of the highest base-256 digit in which
 * its expiry tick differs from the current tick (the Linux kernel's scheme). The kernel wakes the
 * wheel only at ticks where a slot has work, so an idle wheel with one 30-day timer costs a handful
 * of wake-ups, not one per tick. There are as many levels as it takes to cover the 2^53 ns clock at
 * the chosen tick: five at the default 1 ms tick, seven at 1 ns.
 *
 * Ties: a timer takes its sequence number from the kernel when it starts, and its wake-ups go before
 * every ordinary event at their time, so timers and events due at the same nanosecond fire in the
 * order they were started or scheduled, exactly as if the timer had been put in the event list.
 */
import type { Simulator } from './simulator.js';
import { ClockRangeError, NS_PER_MS, TIME_NS_MAX } from './time.js';

const SLOT_BITS = 8;
const SLOTS = 1 << SLOT_BITS;
const NONE = -1;

const STATE_FREE = 0;
const STATE_WHEEL = 1;
const STATE_EVENT_LIST = 2;
const STATE_CANCELLED = 3;

/** Handles carry a generation so a stale handle cannot cancel a recycled timer. */
const INDEX_LIMIT = 2 ** 27;

export class TimerWheel {
  readonly tickNs: number;
  /** Timers started, cancelled and fired since creation. */
  started = 0;
  cancelled = 0;
  fired = 0;

  private readonly sim: Simulator;
  private readonly fireKind: number;
  private readonly wakeKind: number;
  private handlers: Array<(arg: number) => void> = [];

  private capacity = 1024;
  private expiresNs = new Float64Array(this.capacity);
  private kindOf = new Int32Array(this.capacity);
  private argOf = new Float64Array(this.capacity);
  /** Kernel sequence number taken at start, which orders the timer among equal-time events. */
  private seqOf = new Float64Array(this.capacity);
  private next = new Int32Array(this.capacity);
  private prev = new Int32Array(this.capacity);
  private slotOf = new Int32Array(this.capacity);
  private state = new Uint8Array(this.capacity);
  private generation = new Uint32Array(this.capacity);
  private freeHead = NONE;
  private used = 0;
  private active = 0;

  /** Levels of SLOTS slots: enough that SLOTS^levels ticks cover every time up to TIME_NS_MAX. */
  private readonly levels: number;
  private readonly slotHead: Int32Array;
  private readonly levelCount: Int32Array;
  private inWheel = 0;
  private currentTick = 0;
  /**
   * Ticks that have a wake-up in the event list, the earliest last. Wake-ups pop in tick order, so
   * this is a stack. An earlier wake-up supersedes a later one without removing it (the event list
   * has no cancel); the later one is kept here and used when its time comes instead of arming a
   * duplicate, so superseded wake-ups never pile up in the event list.
   */
  private readonly armedTicks: number[] = [];
  /** True while a wake-up re-places timers: it arms the next wake-up once, at the end. */
  private cascading = false;
  /** Sequence numbers of wake-ups: negative, so a wake-up goes before the ordinary events at its time. */
  private wakeSeq = -1;

  constructor(sim: Simulator, tickNs = NS_PER_MS) {
    if (!(tickNs >= 1) || tickNs !== Math.floor(tickNs)) throw new Error(`timer wheel: tick must be a positive integer ns, got ${tickNs}`);
    this.sim = sim;
    this.tickNs = tickNs;
    let levels = 1;
    while (SLOTS ** levels * tickNs <= TIME_NS_MAX) levels++;
    this.levels = levels;
    this.slotHead = new Int32Array(levels * SLOTS).fill(NONE);
    this.levelCount = new Int32Array(levels);
    this.fireKind = sim.register('timer.fire', (index) => this.fire(index));
    this.wakeKind = sim.register('timer.wake', (tick) => this.wake(tick));
  }

  /** Registers what a kind of timer does when it fires; returns the timer kind. */
  register(handler: (arg: number) => void): number {
    this.handlers.push(handler);
    return this.handlers.length - 1;
  }

  /** Timers started and neither fired nor cancelled. */
  get pending(): number {
    return this.active;
  }

  /** Starts a timer of `kind` that calls its handler with `arg` after delayNs; returns a handle. */
  start(delayNs: number, kind: number, arg: number): number {
    const expiresNs = this.sim.nowNs + Math.round(delayNs);
    // Checked here: a bad delay found later, when the wheel flushes the timer, would blame a wake-up.
    if (!(expiresNs >= this.sim.nowNs && expiresNs <= TIME_NS_MAX)) {
      if (expiresNs > TIME_NS_MAX) throw new ClockRangeError(`timer of kind ${kind}`, expiresNs);
      throw new Error(`timer wheel: delay must be a number >= 0 ns that ends by ${TIME_NS_MAX} ns, got ${delayNs} at ${this.sim.nowNs} ns`);
    }
    if (!(kind >= 0 && kind < this.handlers.length && kind === Math.floor(kind))) throw new Error(`timer wheel: unknown timer kind ${kind}`);
    const index = this.allocate();
    this.expiresNs[index] = expiresNs;
    this.kindOf[index] = kind;
    this.argOf[index] = arg;
    this.seqOf[index] = this.sim.takeSequence();
    this.started++;
    this.active++;
    this.place(index);
    return this.generation[index]! * INDEX_LIMIT + index;
  }

  /** Cancels a timer; returns false when it already fired or was cancelled (a stale handle). */
  cancel(handle: number): boolean {
    const index = handle % INDEX_LIMIT;
    if (index >= this.used || this.generation[index]! !== (handle - index) / INDEX_LIMIT) return false;
    const state = this.state[index]!;
    if (state === STATE_WHEEL) {
      this.unlink(index);
      this.release(index);
    } else if (state === STATE_EVENT_LIST) {
      // Already in the event list: it is skipped when it pops, and freed then.
      this.state[index] = STATE_CANCELLED;
    } else {
      return false;
    }
    this.cancelled++;
    this.active--;
    return true;
  }

  private place(index: number): void {
    const expiryTick = Math.floor(this.expiresNs[index]! / this.tickNs);
    if (expiryTick <= this.currentTick) {
      this.state[index] = STATE_EVENT_LIST;
      this.sim.scheduleAtSequence(this.expiresNs[index]!, this.seqOf[index]!, this.fireKind, index);
      return;
    }
    let level = this.levels - 1;
    let scale = SLOTS ** level;
    // Highest base-256 digit in which the expiry tick differs from the current tick.
    while (level > 0 && Math.floor(expiryTick / scale) === Math.floor(this.currentTick / scale)) {
      level--;
      scale /= SLOTS;
    }
    const slot = level * SLOTS + (Math.floor(expiryTick / scale) % SLOTS);
    const head = this.slotHead[slot]!;
    this.next[index] = head;
    this.prev[index] = NONE;
    if (head !== NONE) this.prev[head] = index;
    this.slotHead[slot] = index;
    this.slotOf[index] = slot;
    this.state[index] = STATE_WHEEL;
    this.levelCount[level]!++;
    this.inWheel++;
    this.scheduleWake();
  }

  private unlink(index: number): void {
    const slot = this.slotOf[index]!;
    const before = this.prev[index]!;
    const after = this.next[index]!;
    if (before === NONE) this.slotHead[slot] = after;
    else this.next[before] = after;
    if (after !== NONE) this.prev[after] = before;
    this.levelCount[(slot / SLOTS) | 0]!--;
    this.inWheel--;
  }

  /** The next tick at which a slot has work: a level-0 slot to flush or a higher slot to cascade. */
  private nextWorkTick(): number {
    let scale = 1;
    for (let level = 0; level < this.levels; level++, scale *= SLOTS) {
      if (this.levelCount[level] === 0) continue;
      const digit = Math.floor(this.currentTick / scale) % SLOTS;
      const base = level * SLOTS;
      for (let d = digit + 1; d < SLOTS; d++) {
        if (this.slotHead[base + d] !== NONE) {
          // The tick where this digit becomes d and all lower digits are zero.
          return (Math.floor(this.currentTick / (scale * SLOTS)) * SLOTS + d) * scale;
        }
      }
    }
    throw new Error('timer wheel: timers in the wheel but no slot ahead (broken invariant)');
  }

  private scheduleWake(): void {
    if (this.inWheel === 0 || this.cascading) return;
    const tick = this.nextWorkTick();
    const armed = this.armedTicks;
    // A wake-up armed at or before that tick comes first and arms the next one from there.
    if (armed.length > 0 && armed[armed.length - 1]! <= tick) return;
    armed.push(tick);
    this.sim.scheduleAtSequence(Math.max(tick * this.tickNs, this.sim.nowNs), this.wakeSeq--, this.wakeKind, tick);
  }

  private wake(tick: number): void {
    const armedTick = this.armedTicks.pop();
    if (armedTick !== tick || tick < this.currentTick) {
      throw new Error(`timer wheel: wake-up for tick ${tick} out of order (armed ${armedTick}, current ${this.currentTick}): broken invariant`);
    }
    // A superseded wake-up may come before any slot has work; moving the current tick up to it is
    // still right, because no timer is due before the earliest slot with work.
    this.currentTick = tick;
    this.cascading = true;
    // Cascade from the highest level whose digit just rolled over, down to level 0.
    let scale = SLOTS ** (this.levels - 1);
    for (let level = this.levels - 1; level >= 0; level--, scale /= SLOTS) {
      if (level > 0 && tick % scale !== 0) continue;
      const slot = level * SLOTS + (Math.floor(tick / scale) % SLOTS);
      let index = this.slotHead[slot]!;
      this.slotHead[slot] = NONE;
      while (index !== NONE) {
        const after = this.next[index]!;
        this.levelCount[level]!--;
        this.inWheel--;
        this.place(index); // re-placed relative to the new current tick: lower level or the event list
        index = after;
      }
    }
    this.cascading = false;
    this.scheduleWake();
  }

  private fire(index: number): void {
    const state = this.state[index]!;
    if (state === STATE_CANCELLED) {
      this.release(index);
      return;
    }
    const kind = this.kindOf[index]!;
    const arg = this.argOf[index]!;
    this.release(index);
    this.active--;
    this.fired++;
    this.handlers[kind]!(arg);
  }

  private allocate(): number {
    let index = this.freeHead;
    if (index !== NONE) {
      this.freeHead = this.next[index]!;
      return index;
    }
    if (this.used === this.capacity) this.grow();
    index = this.used++;
    return index;
  }

  private release(index: number): void {
    this.state[index] = STATE_FREE;
    this.generation[index] = (this.generation[index]! + 1) % 65536;
    this.next[index] = this.freeHead;
    this.freeHead = index;
  }

  private grow(): void {
    const capacity = this.capacity * 2;
    if (capacity > INDEX_LIMIT) throw new Error(`timer wheel: more than ${INDEX_LIMIT} live timers`);
    const grow64 = (a: Float64Array) => {
      const b = new Float64Array(capacity);
      b.set(a);
      return b;
    };
    const grow32 = (a: Int32Array) => {
      const b = new Int32Array(capacity);
      b.set(a);
      return b;
    };
    this.expiresNs = grow64(this.expiresNs);
    this.argOf = grow64(this.argOf);
    this.seqOf = grow64(this.seqOf);
    this.kindOf = grow32(this.kindOf);
    this.next = grow32(this.next);
    this.prev = grow32(this.prev);
    this.slotOf = grow32(this.slotOf);
    const state = new Uint8Array(capacity);
    state.set(this.state);
    this.state = state;
    const generation = new Uint32Array(capacity);
    generation.set(this.generation);
    this.generation = generation;
    this.capacity = capacity;
  }
}
