/**
 * What the kernel's two c-server FIFO queues take (MultiServerQueue, event-driven; FifoCores,
 * settled at arrival), checked alike.
 */
export interface QueueShape {
  name: string;
  servers: number;
  /** Jobs that may wait (not counting those in service); an arrival beyond it is dropped. */
  waitingMax: number;
}

/** Throws when the count of servers or the waiting room is not a whole number in range. */
export function checkQueueShape(shape: QueueShape): void {
  if (!Number.isInteger(shape.servers) || shape.servers < 1) throw new Error(`queue ${shape.name}: servers must be a positive integer`);
  if (!Number.isInteger(shape.waitingMax) || shape.waitingMax < 0) throw new Error(`queue ${shape.name}: waitingMax must be a non-negative integer`);
}

/**
 * The first size of a queue's ring of waiting jobs: its bound, between 16 and 1,024, rounded up to a
 * power of two (it grows by doubling, so it stays one): a place in the ring is then a mask, not a
 * remainder (an integer division on every wait, about 5% of reference-mm1, session 10).
 */
export function waitingRingSize(waitingMax: number): number {
  const size = Math.max(16, Math.min(waitingMax, 1024));
  return 2 ** Math.ceil(Math.log2(size));
}
