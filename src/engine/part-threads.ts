/**
 * Runs the parts of a run on worker threads, up to `jobs` at once (run --jobs): a slice split
 * into sliceParts uses the machine's cores. Workers need compiled JavaScript (dist/); where there
 * is none (under vitest) the parts run in this thread one after another. Either way the result is
 * the same: a part depends only on the scenario and its index.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ResolvedScenario } from '../scenario/resolved.js';
import type { PartSelector, RunOptions, RunPart } from './run-part.js';
import { partFromJson, type RunPartJson } from './run-part-json.js';
import { ClockRangeError } from '../sim/time.js';
import { runPartsAsync } from './run-scenario.js';
import { keepNewWorkersOnTheirThreads } from './worker-threads-flags.js';

/** What a worker is started with: the scenario every part of the run shares, and the stop flag. */
export interface PartWorkerData {
  scenario: ResolvedScenario;
  /** An Int32Array's buffer: non-zero asks the part to stop (Ctrl-C). */
  stopFlag: SharedArrayBuffer;
}

/** To a worker: run this part, or end (the lane has no more parts). */
export type PartWorkerRequest = { kind: 'part'; part: PartSelector } | { kind: 'close' };

export type PartWorkerMessage =
  | { kind: 'progress'; simulatedNs: number }
  | { kind: 'done'; part: RunPartJson }
  // clockRange: the part failed with a ClockRangeError (the input's fault), rebuilt on this side.
  | { kind: 'error'; error: string; clockRange?: { what: string; atNs: number } };

/** `part-worker.js` beside this module when it exists (in dist/), else null. */
export function partWorkerUrl(): URL | null {
  const url = new URL('./part-worker.js', import.meta.url);
  return existsSync(fileURLToPath(url)) ? url : null;
}

/** One worker thread that runs a lane's parts one after another (part-worker.ts). */
class PartWorker {
  private readonly worker: Worker;
  private pending: { resolve: (part: RunPart) => void; reject: (error: Error) => void; index: number; onProgress: (simulatedNs: number) => void } | null = null;
  private failure: Error | null = null;
  /** Set once the lane is done with it: its exit is then expected. */
  private closing = false;

  constructor(url: URL, data: PartWorkerData) {
    this.worker = new Worker(url, { workerData: data });
    this.worker.on('message', (message: PartWorkerMessage) => {
      const pending = this.pending;
      if (pending === null) return;
      if (message.kind === 'progress') {
        pending.onProgress(message.simulatedNs);
        return;
      }
      this.pending = null;
      if (message.kind === 'done') pending.resolve(partFromJson(message.part));
      else if (message.clockRange !== undefined) pending.reject(new ClockRangeError(message.clockRange.what, message.clockRange.atNs));
      else pending.reject(new Error(`part ${pending.index}: ${message.error}`));
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => {
      if (!this.closing) this.fail(new Error(`a part's worker exited with code ${code}`));
    });
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const pending = this.pending;
    this.pending = null;
    pending?.reject(new Error(`part ${pending.index}: ${error.message}`));
  }

  run(part: PartSelector, onProgress: (simulatedNs: number) => void): Promise<RunPart> {
    if (this.failure !== null) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject, index: part.index, onProgress };
      this.worker.postMessage({ kind: 'part', part } satisfies PartWorkerRequest);
    });
  }

  /** Lets the worker end on its own once idle; stops it at once if a part is still running. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.pending !== null || this.failure !== null) await this.worker.terminate();
    else this.worker.postMessage({ kind: 'close' } satisfies PartWorkerRequest);
  }
}

/** Runs `parts` with up to `jobs` at once; resolves in part order. `workerUrl`: the compiled worker entry (tests). */
export async function runPartsOnThreads(scenario: ResolvedScenario, parts: readonly PartSelector[], jobs: number, options: RunOptions = {}, workerUrl = partWorkerUrl()): Promise<RunPart[]> {
  const url = workerUrl;
  if (url === null || jobs <= 1 || parts.length <= 1) return runPartsAsync(scenario, parts, options);
  keepNewWorkersOnTheirThreads(Math.min(jobs, parts.length));
  const stopFlag = new SharedArrayBuffer(4);
  const stop = new Int32Array(stopFlag);
  const simulatedNs = parts.map(() => 0);
  const report = () =>
    options.onProgress?.({ simulatedNs: simulatedNs.reduce((a, b) => a + b, 0), durationNs: parts.length * scenario.durationNs, events: 0 });
  const poll = setInterval(() => {
    if (options.shouldStop?.() === true) Atomics.store(stop, 0, 1);
  }, 100);
  const results: RunPart[] = new Array(parts.length);
  let next = 0;
  const workers: PartWorker[] = [];
  const lane = async () => {
    const worker = new PartWorker(url, { scenario, stopFlag });
    workers.push(worker);
    while (next < parts.length) {
      const i = next++;
      if (Atomics.load(stop, 0) !== 0) return;
      results[i] = await worker.run(parts[i]!, (ns) => {
        simulatedNs[i] = ns;
        report();
      });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(jobs, parts.length) }, lane));
  } finally {
    clearInterval(poll);
    await Promise.all(workers.map((w) => w.close()));
  }
  return results.filter((r) => r !== undefined);
}
