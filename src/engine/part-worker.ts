/**
 * A worker thread that runs one part of a run (src/engine/run-part.ts) and posts it back in its
 * JSON form, with progress on the way. Started by part-threads.ts from dist/ (compiled JavaScript).
 * It is a process boundary like the CLI, so it reads the wall clock and the memory probe.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runPart } from './run-part.js';
import { partToJson } from './run-part-json.js';
import type { PartTask, PartWorkerMessage } from './part-threads.js';

if (parentPort === null) throw new Error('part-worker.js is a worker thread entry; part-threads.ts starts it');
const port = parentPort;
const task = workerData as PartTask;
const stop = new Int32Array(task.stopFlag);
let message: PartWorkerMessage;
try {
  const part = runPart(task.scenario, task.part, {
    wallClockMs: () => performance.now(),
    rssBytes: () => process.memoryUsage.rss(),
    shouldStop: () => Atomics.load(stop, 0) !== 0,
    onProgress: (p) => port.postMessage({ kind: 'progress', simulatedNs: p.simulatedNs } satisfies PartWorkerMessage),
  });
  message = { kind: 'done', part: partToJson(part) };
} catch (error) {
  message = { kind: 'error', error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
}
port.postMessage(message);
