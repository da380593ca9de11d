/**
 * The simulation kernel: a virtual clock, an event list and a dispatch loop, nothing more (SimPy's
 * habit). Queues, links and servers are built on top and the kernel never knows them.
 *
 * Events are (time, kind, arg): `kind` picks a handler registered once, `arg` is an integer the
 * handler interprets (an index into its own pools). No closure or object is allocated per event, so
 * the steady state makes no garbage (DESIGN.md section 4b). Ties are fired in scheduling order.
 */
import { BucketEventList } from './bucket-event-list.js';
import type { EventList } from './event-list.js';
import { ClockRangeError, TIME_NS_MAX } from './time.js';
import { TimerWheel } from './timer-wheel.js';
import { DOUBLE_ZERO } from './stable-shapes.js';

export type EventHandler = (arg: number) => void;

export type StopReason = 'time' | 'events' | 'empty' | 'stopped';

export interface RunLimits {
  /** Stop before any event later than this simulated time; the clock is left at untilNs. */
  untilNs?: number;
  /** Stop after this many events in this call. */
  maxEvents?: number;
}

export interface RunOutcome {
  stoppedBy: StopReason;
  events: number;
}

export class Simulator {
  nowNs = DOUBLE_ZERO;
  /** Events dispatched since creation. */
  eventsProcessed = 0;
  readonly timers: TimerWheel;
  private readonly events: EventList;
  private readonly handlers: EventHandler[] = [];
  private readonly handlerNames: string[] = [];
  private seq = 0;
  private stopRequested = false;

  constructor(options: { eventList?: EventList; timerTickNs?: number } = {}) {
    this.events = options.eventList ?? new BucketEventList();
    this.timers = new TimerWheel(this, options.timerTickNs);
  }

  /** Registers a handler and returns its kind number; register everything before running. */
  register(name: string, handler: EventHandler): number {
    this.handlers.push(handler);
    this.handlerNames.push(name);
    return this.handlers.length - 1;
  }

  get pendingEvents(): number {
    return this.events.size;
  }

  /** Schedules `kind(arg)` at an absolute time, which must be an integer not before now. */
  scheduleAt(timeNs: number, kind: number, arg: number): void {
    // The message is built in scheduleError: V8 inlines calls only up to a budget of bytecode per
    // optimised function, and the template string made this 151 bytes instead of 93 (session 3).
    if (!(timeNs >= this.nowNs && timeNs <= TIME_NS_MAX) || timeNs !== Math.floor(timeNs)) throw this.scheduleError(timeNs, kind);
    this.events.push(timeNs, this.seq++, kind, arg);
  }

  private scheduleError(timeNs: number, kind: number): Error {
    if (timeNs > TIME_NS_MAX) return new ClockRangeError(this.handlerNames[kind] ?? String(kind), timeNs);
    return new Error(`kernel: cannot schedule ${this.handlerNames[kind] ?? kind} at ${timeNs} ns (now ${this.nowNs} ns)`);
  }

  /**
   * Takes a sequence number now for an event that a component will push later (the timer wheel
   * takes one when a timer starts and pushes the fire event when its tick comes), so the event keeps
   * the place among equal-time events that it would have had if it were scheduled at this moment.
   */
  takeSequence(): number {
    return this.seq++;
  }

  /**
   * Schedules `kind(arg)` with a sequence number from takeSequence(), or with a negative one to go
   * before every event scheduled by scheduleAt for the same time (the timer wheel's wake-ups).
   */
  scheduleAtSequence(timeNs: number, seq: number, kind: number, arg: number): void {
    if (!(timeNs >= this.nowNs && timeNs <= TIME_NS_MAX) || timeNs !== Math.floor(timeNs)) throw this.scheduleError(timeNs, kind);
    if (!(seq < this.seq) || seq !== Math.floor(seq)) throw new Error(`kernel: sequence ${seq} was not taken from takeSequence()`);
    this.events.push(timeNs, seq, kind, arg);
  }

  /** Schedules `kind(arg)` after a delay; fractional delays are rounded to whole nanoseconds. */
  scheduleIn(delayNs: number, kind: number, arg: number): void {
    this.scheduleAt(this.nowNs + Math.round(delayNs), kind, arg);
  }

  /** Asks the running loop to return after the current event. */
  stop(): void {
    this.stopRequested = true;
  }

  run(limits: RunLimits = {}): RunOutcome {
    const untilNs = limits.untilNs ?? Infinity;
    const maxEvents = limits.maxEvents ?? Infinity;
    const events = this.events;
    const handlers = this.handlers;
    this.stopRequested = false;
    let count = 0;
    let stoppedBy: StopReason = 'empty';
    while (count < maxEvents) {
      if (!events.pop()) {
        stoppedBy = 'empty';
        break;
      }
      const timeNs = events.poppedTimeNs;
      if (timeNs > untilNs) {
        // Put it back with its own sequence number, so its place among ties is unchanged.
        events.push(timeNs, events.poppedSeq, events.poppedKind, events.poppedArg);
        stoppedBy = 'time';
        break;
      }
      this.nowNs = timeNs;
      count++;
      handlers[events.poppedKind]!(events.poppedArg);
      if (this.stopRequested) {
        stoppedBy = 'stopped';
        break;
      }
    }
    if (count >= maxEvents && stoppedBy === 'empty') stoppedBy = 'events';
    if (stoppedBy === 'time' || (stoppedBy === 'empty' && untilNs !== Infinity)) this.nowNs = Math.max(this.nowNs, untilNs);
    this.eventsProcessed += count;
    return { stoppedBy, events: count };
  }
}
