/**
 * The screening thread of a slice (DESIGN.md section 4): runs the workload's dry runs
 * (Workload.nextArrival) over the whole deployment's offered stream and writes the arrivals that
 * touch the slice into an ArrivalFeed, while the simulation runs them on its own thread. The dry
 * runs depend only on the scenario, the seed and which servers are simulated, never on the
 * simulation's state, so the arrivals are exactly those the simulation would have screened itself.
 * Several threads may share the stream, each screening its blocks of it (task.share).
 * Started by screening-thread.ts from dist/ (compiled JavaScript).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CounterStream } from '../sim/counter-stream.js';
import { RandomStreams } from '../sim/random.js';
import { Simulator } from '../sim/simulator.js';
import { ArrivalFeedWriter } from '../model/arrival-feed.js';
import { onlineFractionAtNs } from '../model/online-fraction.js';
import { simulatedServers } from '../model/outside-world.js';
import { Population } from '../model/population.js';
import { Workload, type WorkloadHost } from '../model/workload.js';
import type { ScreeningTask } from './screening-thread.js';

if (parentPort === null) throw new Error('screening-worker.js is a worker thread entry; screening-thread.ts starts it');
const task = workerData as ScreeningTask;
const writer = new ArrivalFeedWriter(task.buffers);
try {
  const scenario = task.scenario;
  const population = new Population(scenario);
  const simulated = simulatedServers(scenario, task.part);
  let sendersOffline = 0;
  const notHere = (what: string) => () => {
    throw new Error(`screening: a dry run asked for ${what}, which depends on the simulation (broken invariant)`);
  };
  // What a dry run asks of the deployment: only pure functions of the scenario.
  const host: WorkloadHost = {
    isSlice: true,
    isSimulatedUser: (user) => simulated[population.homeOf(user)] === 1,
    onlineFractionOf: (user, atNs = 0) => onlineFractionAtNs(scenario, population.regionOf(user), atNs),
    noteSenderOffline: () => void sendersOffline++,
    onlineSlotOf: notHere('a device online inside the slice'),
    nextClientSeq: notHere('a client sequence'),
    sendFromDevice: notHere('a send'),
    noteMessageSent: notHere('a send'),
    messageFromOutside: notHere('a send'),
    groupMessageFromOutside: notHere('a send'),
    randomOnlineUser: notHere('an online user'),
    sliceUserOnline: notHere('a device online inside the slice'),
    isGroupHomedInside: (groupId) => simulated[population.groupHomeOf(groupId)] === 1,
    ensureGroup: notHere('a group'),
  };
  const streams = new RandomStreams(scenario.seed);
  const messageDraws = new CounterStream(streams.keyOf('workload-messages'), 'workload-messages');
  const workload = new Workload(
    scenario,
    population,
    new Simulator(),
    streams.stream('workload'),
    messageDraws,
    host,
    (region, atNs) => onlineFractionAtNs(scenario, region, atNs),
    null,
    task.share,
  );
  let fromNs = 0;
  let open = true;
  // Arrivals, and with a share of the stream the ends of this thread's blocks (arrival-feed.ts).
  while (open && workload.hasArrivals && workload.nextArrival(fromNs)) {
    open = writer.write(workload.nextAtNs, workload.nextNumber, sendersOffline);
    sendersOffline = 0;
    fromNs = workload.lastCandidateAtNs;
  }
  if (open) writer.write(-1, 0, sendersOffline);
  writer.close();
} catch (error) {
  writer.close(true);
  throw error;
}
