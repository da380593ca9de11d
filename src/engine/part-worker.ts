/**
 * A worker thread that runs parts of a run (src/engine/run-part.ts), one after another as
 * part-threads.ts asks for them, and posts each back in its JSON form, with progress on the way.
 * One worker serves a lane's parts so that the second and later start with the modules loaded and
 * the hot functions already compiled: a fresh worker per part spent about a second of each part's
 * setup warming up again (session 10). It is a process boundary like the CLI, so it reads the wall
 * clock and the memory probe.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runPart } from './run-part.js';
import { partToJson } from './run-part-json.js';
import { ClockRangeError } from '../sim/time.js';
import type { PartWorkerData, PartWorkerMessage, PartWorkerRequest } from './part-threads.js';

if (parentPort === null) throw new Error('part-worker.js is a worker thread entry; part-threads.ts starts it');
const port = parentPort;
const { scenario, stopFlag } = workerData as PartWorkerData;
const stop = new Int32Array(stopFlag);

port.on('message', (request: PartWorkerRequest) => {
  if (request.kind === 'close') {
    port.close();
    return;
  }
  let message: PartWorkerMessage;
  try {
    const part = runPart(scenario, request.part, {
      wallClockMs: () => performance.now(),
      rssBytes: () => process.memoryUsage.rss(),
      shouldStop: () => Atomics.load(stop, 0) !== 0,
      onProgress: (p) => port.postMessage({ kind: 'progress', simulatedNs: p.simulatedNs } satisfies PartWorkerMessage),
    });
    message = { kind: 'done', part: partToJson(part) };
  } catch (error) {
    const clockRange = error instanceof ClockRangeError ? { what: error.what, atNs: error.atNs } : undefined;
    message = { kind: 'error', error: error instanceof Error ? (error.stack ?? error.message) : String(error), ...(clockRange === undefined ? {} : { clockRange }) };
  }
  port.postMessage(message);
});
