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
import { runPartsAsync } from './run-scenario.js';

export interface PartTask {
  scenario: ResolvedScenario;
  part: PartSelector;
  /** An Int32Array's buffer: non-zero asks the part to stop (Ctrl-C). */
  stopFlag: SharedArrayBuffer;
}

export type PartWorkerMessage = { kind: 'progress'; simulatedNs: number } | { kind: 'done'; part: RunPartJson } | { kind: 'error'; error: string };

/** `part-worker.js` beside this module when it exists (in dist/), else null. */
export function partWorkerUrl(): URL | null {
  const url = new URL('./part-worker.js', import.meta.url);
  return existsSync(fileURLToPath(url)) ? url : null;
}

function runOnWorker(url: URL, task: PartTask, onProgress: (simulatedNs: number) => void): Promise<RunPart> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(url, { workerData: task });
    let settled = false;
    worker.on('message', (message: PartWorkerMessage) => {
      if (message.kind === 'progress') onProgress(message.simulatedNs);
      else {
        settled = true;
        if (message.kind === 'done') resolve(partFromJson(message.part));
        else reject(new Error(`part ${task.part.index}: ${message.error}`));
      }
    });
    worker.on('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`part ${task.part.index}: its worker exited with code ${code}`));
    });
  });
}

/** Runs `parts` with up to `jobs` at once; resolves in part order. `workerUrl`: the compiled worker entry (tests). */
export async function runPartsOnThreads(scenario: ResolvedScenario, parts: readonly PartSelector[], jobs: number, options: RunOptions = {}, workerUrl = partWorkerUrl()): Promise<RunPart[]> {
  const url = workerUrl;
  if (url === null || jobs <= 1 || parts.length <= 1) return runPartsAsync(scenario, parts, options);
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
  const lane = async () => {
    while (next < parts.length) {
      const i = next++;
      if (Atomics.load(stop, 0) !== 0) return;
      results[i] = await runOnWorker(url, { scenario, part: parts[i]!, stopFlag }, (ns) => {
        simulatedNs[i] = ns;
        report();
      });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(jobs, parts.length) }, lane));
  } finally {
    clearInterval(poll);
  }
  return results.filter((r) => r !== undefined);
}
