/**
 * A slice's screening on a thread of its own (src/engine/screening-worker.ts): the arrival feed
 * hands arrivals over in order with the senders found offline, and a run that screens on the
 * thread gives exactly the run that screens in place, senders offline included.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runPart } from '../../src/engine/run-part.js';
import { ARRIVAL_FEED_CAPACITY, ArrivalFeedMerger, ArrivalFeedReader, ArrivalFeedWriter, BLOCK_END_NS, createArrivalFeedBuffers } from '../../src/model/arrival-feed.js';
import { loadScenario } from '../../src/scenario/index.js';

describe('the arrival feed', () => {
  it('hands over entries in order, then the last senders offline, then the end', () => {
    const buffers = createArrivalFeedBuffers();
    const writer = new ArrivalFeedWriter(buffers);
    const reader = new ArrivalFeedReader(buffers);
    for (let i = 0; i < 1000; i++) expect(writer.write(i * 1000, i + 1, i % 3)).toBe(true);
    writer.write(-1, 0, 7);
    writer.close();
    for (let i = 0; i < 1000; i++) {
      expect(reader.next()).toBe(true);
      expect([reader.atNs, reader.messageNumber, reader.sendersOffline]).toEqual([i * 1000, i + 1, i % 3]);
    }
    expect(reader.next()).toBe(false);
    expect(reader.sendersOffline).toBe(7);
    expect(reader.next()).toBe(false);
    expect(reader.sendersOffline).toBe(0);
  });

  it('tells the writer when the reader has gone, so a full feed does not block it', () => {
    const buffers = createArrivalFeedBuffers();
    const writer = new ArrivalFeedWriter(buffers);
    new ArrivalFeedReader(buffers).abandon();
    let written = 0;
    while (writer.write(written, written, 0)) written++;
    expect(written).toBe(ARRIVAL_FEED_CAPACITY);
  });
});

describe('feeds merged block by block', () => {
  it("reads block b from feed b mod n and adds a block's trailing senders offline to the next arrival", () => {
    const buffers = [createArrivalFeedBuffers(), createArrivalFeedBuffers()];
    const writers = buffers.map((b) => new ArrivalFeedWriter(b));
    // Block 0 (feed 0): arrivals 1 and 2, then 4 senders offline. Block 1 (feed 1): 1 offline,
    // no arrival. Block 2 (feed 0): 2 offline, arrival 3 with 5 before it, then the end (6 after).
    writers[0]!.write(10, 1, 0);
    writers[0]!.write(20, 2, 3);
    writers[0]!.write(BLOCK_END_NS, 0, 4);
    writers[1]!.write(BLOCK_END_NS, 1, 1);
    writers[0]!.write(30, 40_000, 5);
    writers[0]!.write(-1, 0, 6);
    writers[1]!.write(-1, 0, 9); // after the end in stream order: never read
    for (const w of writers) w.close();
    const merged = new ArrivalFeedMerger(buffers.map((b) => new ArrivalFeedReader(b)));
    const taken: number[][] = [];
    while (merged.next()) taken.push([merged.atNs, merged.messageNumber, merged.sendersOffline]);
    expect(taken).toEqual([
      [10, 1, 0],
      [20, 2, 3],
      [30, 40_000, 4 + 1 + 5],
    ]);
    expect(merged.sendersOffline).toBe(6);
  });
});

const SLICE = `name: screening
seed: 9
duration: 3s
warmup: 500ms
fidelity: slice
sliceServers: 3
regions:
  a: { timezone: UTC, users: 200000, chatServers: { count: 10 } }
  b: { timezone: Asia/Tokyo, users: 100000, chatServers: { count: 5 } }
links:
  a-b: { latency: 40ms }
workload:
  online: { share: 2% }
  messagesPerUserPerDay: { mean: 400, zipf: 0.9 }
  groups: { share: 20%, size: { min: 3, max: 40 } }
`;

describe('screening on a thread', () => {
  const url = new URL('../../dist/engine/screening-worker.js', import.meta.url);
  it.skipIf(!existsSync(fileURLToPath(url)))('gives the same run as screening in place (from dist/, when built)', () => {
    const loaded = loadScenario({ text: SLICE, fileName: 'screening.yaml' }, []);
    if (!loaded.ok) throw new Error(loaded.problems.map((p) => p.reason).join('\n'));
    const inPlace = runPart(loaded.scenario);
    const onThread = runPart(loaded.scenario, undefined, { screeningThread: url });
    expect(inPlace.counters.sent).toBeGreaterThan(100);
    expect(inPlace.counters.senderOffline).toBeGreaterThan(0);
    const strip = (p: typeof inPlace) => JSON.stringify({ ...p, latency: p.latency.toJson(), wallSeconds: 0, setupWallSeconds: 0, peakRssBytes: 0, intervals: p.intervals });
    expect(strip(onThread)).toBe(strip(inPlace));
  });

  it.skipIf(!existsSync(fileURLToPath(url)))('gives the same run when threads share the screening block by block (from dist/, when built)', () => {
    // 20 times the rate: about 83,000 candidates in 3 s, five blocks of 16,384.
    const loaded = loadScenario({ text: SLICE, fileName: 'screening.yaml' }, ['workload.messagesPerUserPerDay.mean=8000', 'duration=3s']);
    if (!loaded.ok) throw new Error(loaded.problems.map((p) => p.reason).join('\n'));
    const inPlace = runPart(loaded.scenario);
    const strip = (p: typeof inPlace) => JSON.stringify({ ...p, latency: p.latency.toJson(), wallSeconds: 0, setupWallSeconds: 0, peakRssBytes: 0, intervals: p.intervals });
    expect(inPlace.counters.sent).toBeGreaterThan(5000);
    for (const threads of [1, 2, 3]) {
      const shared = runPart(loaded.scenario, undefined, { screeningThread: url, screeningThreads: threads });
      expect(strip(shared)).toBe(strip(inPlace));
    }
  });
});
