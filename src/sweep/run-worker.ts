/**
 * A sweep worker thread: runs each scenario it is sent and posts the result back. It is a process
 * boundary like the CLI, so it is where the wall clock and memory probe for `meta` are read.
 * Started by pool.ts from dist/ (compiled); an error is sent back as text with its stack.
 */
import { parentPort } from 'node:worker_threads';
import { runScenario } from '../engine/run-scenario.js';
import { ClockRangeError } from '../sim/time.js';
import type { WorkerReply, WorkerTask } from './pool.js';

if (parentPort === null) throw new Error('run-worker.js is a worker thread entry; the sweep pool starts it');
const port = parentPort;

port.on('message', (task: WorkerTask) => {
  let reply: WorkerReply;
  try {
    const result = runScenario(task.scenario, { wallClockMs: () => performance.now(), rssBytes: () => process.memoryUsage.rss() });
    reply = { id: task.id, ok: true, result };
  } catch (error) {
    const clockRange = error instanceof ClockRangeError ? { what: error.what, atNs: error.atNs } : undefined;
    reply = { id: task.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error), ...(clockRange === undefined ? {} : { clockRange }) };
  }
  port.postMessage(reply);
});
