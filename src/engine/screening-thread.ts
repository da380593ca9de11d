/**
 * The screening thread of a slice (src/engine/screening-worker.ts), started and stopped here so
 * that the model never deals in threads: the deployment only reads the arrivals it hands over
 * (src/model/arrival-feed.ts).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ArrivalFeedReader, createArrivalFeedBuffers, type ArrivalFeedBuffers } from '../model/arrival-feed.js';
import { simulatedServers } from '../model/outside-world.js';
import type { ResolvedScenario } from '../scenario/resolved.js';
import type { PartSelector } from './run-part.js';

export interface ScreeningTask {
  scenario: ResolvedScenario;
  part: PartSelector;
  buffers: ArrivalFeedBuffers;
}

export interface ScreeningThread {
  arrivals: ArrivalFeedReader;
  /** Stops the thread (after the run, or when it was stopped early). */
  stop(): void;
}

/** The compiled screening thread beside this module (in dist/), or null (under vitest, from src/). */
export function screeningWorkerUrl(): URL | null {
  const url = new URL('./screening-worker.js', import.meta.url);
  return existsSync(fileURLToPath(url)) ? url : null;
}

/**
 * Starts screening a part's offered stream on a thread, or returns null when there is nothing to
 * screen (no server outside the part) or no compiled thread to run.
 */
export function startScreening(scenario: ResolvedScenario, part: PartSelector, url: URL | null): ScreeningThread | null {
  if (url === null) return null;
  const simulated = simulatedServers(scenario, part);
  if (simulated.every((s) => s === 1)) return null;
  const buffers = createArrivalFeedBuffers();
  const task: ScreeningTask = { scenario, part, buffers };
  // No execArgv: the process's own flags (e.g. --input-type, --cpu-prof) are not the thread's.
  const worker = new Worker(url, { workerData: task, execArgv: [] });
  worker.unref();
  const arrivals = new ArrivalFeedReader(buffers);
  return {
    arrivals,
    stop() {
      arrivals.abandon();
      void worker.terminate();
    },
  };
}
