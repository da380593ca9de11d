/**
 * The screening thread of a slice (src/engine/screening-worker.ts), started and stopped here so
 * that the model never deals in threads: the deployment only reads the arrivals it hands over
 * (src/model/arrival-feed.ts).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ArrivalFeedMerger, ArrivalFeedReader, createArrivalFeedBuffers, type ArrivalFeedBuffers, type ArrivalSource } from '../model/arrival-feed.js';
import { simulatedServers } from '../model/outside-world.js';
import type { ResolvedScenario } from '../scenario/resolved.js';
import type { PartSelector } from './run-part.js';

export interface ScreeningTask {
  scenario: ResolvedScenario;
  part: PartSelector;
  buffers: ArrivalFeedBuffers;
  /** This thread's share of the stream when several screen it (null: all of it). */
  share: { index: number; count: number } | null;
}

export interface ScreeningThread {
  arrivals: ArrivalSource;
  /** Stops the threads (after the run, or when it was stopped early). */
  stop(): void;
}

/**
 * Screening threads per slice, given the cores a part has: two from three cores up, else one. A
 * slice's dry runs (about 0.9 µs per candidate, 1.8 M candidates per simulated second at
 * global-2025's peak) cost more than its simulation, so one screening thread holds the run back;
 * two share the stream by blocks, with the same arrivals (test/model/screening-thread.test.ts).
 * Not on two cores: three busy threads there give the simulation two thirds of a core, and
 * global-2025 took 122 s instead of 115 s, its setup 33 s instead of 22 s (session 5).
 */
export function screeningThreadCount(cores = availableParallelism()): number {
  return cores >= 3 ? 2 : 1;
}

/** The compiled screening thread beside this module (in dist/), or null (under vitest, from src/). */
export function screeningWorkerUrl(): URL | null {
  const url = new URL('./screening-worker.js', import.meta.url);
  return existsSync(fileURLToPath(url)) ? url : null;
}

/**
 * Starts screening a part's offered stream on `threads` threads, or returns null when there is
 * nothing to screen (no server outside the part) or no compiled thread to run.
 */
export function startScreening(scenario: ResolvedScenario, part: PartSelector, url: URL | null, threads = 1): ScreeningThread | null {
  if (url === null) return null;
  const simulated = simulatedServers(scenario, part);
  if (simulated.every((s) => s === 1)) return null;
  const count = Math.max(1, Math.floor(threads));
  const readers: ArrivalFeedReader[] = [];
  const workers: Worker[] = [];
  for (let index = 0; index < count; index++) {
    const buffers = createArrivalFeedBuffers();
    const task: ScreeningTask = { scenario, part, buffers, share: count > 1 ? { index, count } : null };
    // No execArgv: the process's own flags (e.g. --input-type, --cpu-prof) are not the thread's.
    const worker = new Worker(url, { workerData: task, execArgv: [] });
    worker.unref();
    workers.push(worker);
    readers.push(new ArrivalFeedReader(buffers));
  }
  const arrivals: ArrivalSource = count > 1 ? new ArrivalFeedMerger(readers) : readers[0]!;
  return {
    arrivals,
    stop() {
      arrivals.abandon();
      for (const worker of workers) void worker.terminate();
    },
  };
}
