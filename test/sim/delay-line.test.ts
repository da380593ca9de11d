/**
 * DelayLine: FIFO delivery at max(now + delay, previous arrival), one event-list entry per line,
 * and the in-flight bound.
 */
import { describe, expect, it } from 'vitest';
import { DelayLine } from '../../src/sim/delay-line.js';
import { RandomStreams } from '../../src/sim/random.js';
import { Simulator } from '../../src/sim/simulator.js';
import { NS_PER_MS } from '../../src/sim/time.js';

function recordingLine(inFlightMax = 1_000_000) {
  const sim = new Simulator();
  const arrived: Array<[number, number]> = [];
  const line = new DelayLine(sim, { name: 'link', inFlightMax, onArrive: (payload) => arrived.push([sim.nowNs, payload]) });
  return { sim, line, arrived };
}

describe('delay line', () => {
  it('delivers each message at max(send time + delay, the previous arrival), in send order', () => {
    const { sim, line, arrived } = recordingLine();
    // (send time, delay): the third would overtake the second; the fifth ties with the fourth.
    const sends: Array<[number, number]> = [
      [0, 100],
      [10, 200],
      [20, 50],
      [300, 40],
      [305, 35],
      [400, 0],
    ];
    const send = sim.register('send', (i) => line.send(i, sends[i]![1]));
    sends.forEach(([t], i) => sim.scheduleAt(t, send, i));
    sim.run();
    expect(arrived).toEqual([
      [100, 0],
      [210, 1],
      [210, 2], // 20 + 50 = 70, held behind message 1
      [340, 3],
      [340, 4],
      [400, 5],
    ]);
    expect([line.sent, line.refused, line.inFlight, line.inFlightPeak]).toEqual([6, 0, 0, 3]);
  });

  it('is exactly a constant-latency link when the delay is constant, with one pending event', () => {
    const { sim, line, arrived } = recordingLine();
    const rng = new RandomStreams(3).stream('sends');
    const sendTimes: number[] = [];
    let pendingMax = 0;
    const send = sim.register('send', (i) => {
      sendTimes.push(sim.nowNs);
      line.send(i, 30 * NS_PER_MS);
      if (i + 1 < 20_000) sim.scheduleIn(rng.nextExponential() * 10_000, send, i + 1);
      pendingMax = Math.max(pendingMax, sim.pendingEvents);
    });
    sim.scheduleAt(0, send, 0);
    sim.run();
    expect(arrived.length).toBe(20_000);
    expect(arrived.every(([t, i]) => t === sendTimes[i]! + 30 * NS_PER_MS)).toBe(true);
    expect(arrived.map(([, i]) => i)).toEqual(sendTimes.map((_, i) => i));
    // Thousands in flight at once (30 ms at one send per 10 us), but the event list holds only the
    // next send and the line's head: one entry per line, not per message.
    expect(line.inFlightPeak).toBeGreaterThan(2_000);
    expect(pendingMax).toBe(2);
  });

  it('with random delays never reorders, and each arrival is at its own time or the one before it', () => {
    const { sim, line, arrived } = recordingLine();
    const rng = new RandomStreams(5).stream('delays');
    const dueNs: number[] = [];
    const send = sim.register('send', (i) => {
      const delayNs = Math.round(rng.nextExponential() * 1_000);
      dueNs.push(sim.nowNs + delayNs);
      line.send(i, delayNs);
      if (i + 1 < 10_000) sim.scheduleIn(Math.round(rng.nextExponential() * 300), send, i + 1);
    });
    sim.scheduleAt(0, send, 0);
    sim.run();
    let previousNs = 0;
    let wrong = 0;
    arrived.forEach(([t, i], k) => {
      if (i !== k || t !== Math.max(dueNs[i]!, previousNs)) wrong++;
      previousNs = t;
    });
    expect(wrong).toBe(0);
    // The FIFO held some back: otherwise this test would not test the max().
    expect(arrived.filter(([t, i]) => t > dueNs[i]!).length).toBeGreaterThan(1_000);
  });

  it('refuses a send beyond inFlightMax, counts it, and accepts again once there is room', () => {
    const { sim, line, arrived } = recordingLine(3);
    const results: boolean[] = [];
    const send = sim.register('send', (i) => results.push(line.send(i, 100)));
    for (let i = 0; i < 5; i++) sim.scheduleAt(i, send, i);
    sim.scheduleAt(101, send, 5); // message 0 left at 100: room for one
    sim.run();
    expect(results).toEqual([true, true, true, false, false, true]);
    expect([line.sent, line.refused, line.inFlightPeak]).toEqual([4, 2, 3]);
    expect(arrived.map(([, i]) => i)).toEqual([0, 1, 2, 5]);
  });

  it('grows its ring past the initial size without losing order', () => {
    const { sim, line, arrived } = recordingLine();
    const burst = sim.register('burst', () => {
      for (let i = 0; i < 5_000; i++) line.send(i, 1_000 - (i % 1_000));
    });
    sim.scheduleAt(0, burst, 0);
    sim.run();
    expect(arrived.map(([, i]) => i)).toEqual(Array.from({ length: 5_000 }, (_, i) => i));
    expect(arrived.every(([t]) => t === 1_000)).toBe(true);
  });
});
