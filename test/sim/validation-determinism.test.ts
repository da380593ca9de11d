/**
 * Determinism (DESIGN.md section 5): a model that uses every kernel part (Poisson arrivals, delay
 * lines, a bounded multi-server queue that drops, timers that mostly get cancelled) gives the same
 * trace hash, over every event's time, kind and arg, for the same seed, and a different one for a
 * different seed. Both event lists give the same trace: they implement one order, (time, seq).
 */
import { describe, expect, it } from 'vitest';
import { BinaryHeapEventList } from '../../src/sim/binary-heap-event-list.js';
import { DelayLine } from '../../src/sim/delay-line.js';
import { exponential, lognormal } from '../../src/sim/distributions/index.js';
import type { EventList } from '../../src/sim/event-list.js';
import { MultiServerQueue } from '../../src/sim/multi-server-queue.js';
import { ConstantRatePoissonProcess } from '../../src/sim/poisson-process.js';
import { RandomStreams } from '../../src/sim/random.js';
import { Simulator, type EventHandler } from '../../src/sim/simulator.js';
import { NS_PER_MS } from '../../src/sim/time.js';

/** Two 32-bit FNV-style lanes over 32-bit words; enough to tell traces apart. */
class TraceHash {
  private a = 0x811c9dc5;
  private b = 0x01000193;
  events = 0;

  word(w: number): void {
    this.a = Math.imul(this.a ^ (w >>> 0), 0x01000193);
    this.b = Math.imul(this.b ^ (w >>> 0), 0x5bd1e995) ^ (this.b >>> 13);
  }

  event(timeNs: number, kind: number, arg: number): void {
    this.events++;
    this.word(timeNs % 2 ** 32);
    this.word(Math.floor(timeNs / 2 ** 32));
    this.word(kind);
    this.word(arg % 2 ** 32);
    this.word(Math.floor(arg / 2 ** 32));
  }

  get hex(): string {
    return (this.a >>> 0).toString(16).padStart(8, '0') + (this.b >>> 0).toString(16).padStart(8, '0');
  }
}

/**
 * A Simulator whose every handler, including those the timer wheel, queues and lines register for
 * themselves, first feeds (now, kind, arg) to a hash. Its state lives in a closure: the timer wheel
 * registers from inside the base constructor, before a subclass field would exist.
 */
function tracingSimulator(hash: TraceHash, eventList?: EventList): Simulator {
  class TracingSimulator extends Simulator {
    override register(name: string, handler: EventHandler): number {
      let kind = -1;
      kind = super.register(name, (arg) => {
        hash.event(this.nowNs, kind, arg);
        handler(arg);
      });
      return kind;
    }
  }
  return new TracingSimulator(eventList === undefined ? {} : { eventList });
}

interface Outcome {
  hash: string;
  events: number;
  served: number;
  drops: number;
  timeouts: number;
  delivered: number;
  endNs: number;
}

function runModel(seed: number, eventList?: EventList): Outcome {
  const hash = new TraceHash();
  const sim = tracingSimulator(hash, eventList);
  const streams = new RandomStreams(seed);
  const arrivals = new ConstantRatePoissonProcess(streams.stream('arrivals'), 1_000);
  const uplinkDelay = lognormal(2 * NS_PER_MS, 0.5);
  const uplinkRng = streams.stream('uplink');
  const service = exponential(1.8 * NS_PER_MS);
  const serviceRng = streams.stream('service');
  const messages = 5_000;
  const timerHandle = new Float64Array(messages).fill(-1);
  let timeouts = 0;
  let delivered = 0;
  const timeout = sim.timers.register(() => timeouts++);
  const downlink = new DelayLine(sim, { name: 'down', inFlightMax: 10_000, onArrive: () => delivered++ });
  const cpu = new MultiServerQueue(sim, {
    name: 'cpu',
    servers: 2,
    waitingMax: 20,
    onDepart: (m) => {
      // The reply cancels its 15 ms timeout when it comes in time; late ones already fired.
      sim.timers.cancel(timerHandle[m]!);
      downlink.send(m, 2 * NS_PER_MS);
    },
  });
  const uplink = new DelayLine(sim, {
    name: 'up',
    inFlightMax: 10_000,
    onArrive: (m) => {
      timerHandle[m] = sim.timers.start(15 * NS_PER_MS, timeout, m);
      cpu.arrive(m, Math.round(service.sample(serviceRng)));
    },
  });
  let next = 0;
  const arrive = sim.register('arrive', (m) => {
    uplink.send(m, uplinkDelay.sample(uplinkRng));
    if (++next < messages) sim.scheduleAt(arrivals.nextArrivalNs(sim.nowNs), arrive, next);
  });
  sim.scheduleAt(arrivals.nextArrivalNs(0), arrive, 0);
  const outcome = sim.run({ maxEvents: 100 * messages });
  expect(outcome.stoppedBy).toBe('empty');
  expect(hash.events).toBe(outcome.events);
  return { hash: hash.hex, events: outcome.events, served: cpu.departures, drops: cpu.drops, timeouts, delivered, endNs: sim.nowNs };
}

describe('determinism', () => {
  it('gives an identical trace hash for the same seed, and a different one for another seed', () => {
    const first = runModel(42);
    const second = runModel(42);
    const other = runModel(43);
    if (process.env.VALIDATION_VERBOSE) console.log(first, other);
    expect(second).toEqual(first);
    expect(other.hash).not.toBe(first.hash);
    // The model exercises what it claims to: drops at the bound, timeouts that fire and that are cancelled.
    expect(first.served + first.drops).toBe(5_000);
    expect(first.drops).toBeGreaterThan(0);
    expect(first.timeouts).toBeGreaterThan(0);
    expect(first.timeouts).toBeLessThan(first.served / 4);
    expect(first.delivered).toBe(first.served);
  });

  it('the binary heap and the bucket ladder give the same trace', () => {
    expect(runModel(42, new BinaryHeapEventList())).toEqual(runModel(42));
  });

  it('a one-nanosecond change to one delay changes the hash', () => {
    const base = new TraceHash();
    const moved = new TraceHash();
    for (let i = 0; i < 1000; i++) {
      base.event(i * 1000, 3, i);
      moved.event(i * 1000 + (i === 500 ? 1 : 0), 3, i);
    }
    expect(moved.hex).not.toBe(base.hex);
  });
});
