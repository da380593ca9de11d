/**
 * The hand-worked trace both queue tests play (multi-server-queue.test.ts, fifo-cores.test.ts):
 * c = 2, room for 2, arrivals (time ns, service ns) A(0,10) B(0,4) C(1,5) D(2,1) E(3,1) F(12,3).
 * A and B start at once; C and D wait; E finds both servers busy and the room full: dropped.
 * B leaves at 4 and C starts (leaves 9); C leaves at 9 and D starts (leaves 10); A leaves at 10.
 * F arrives to an empty system at 12 and leaves at 15.
 */
export const TRACE_SERVERS = 2;
export const TRACE_WAITING_MAX = 2;
export const TRACE_ARRIVALS: ReadonlyArray<readonly [timeNs: number, serviceNs: number]> = [
  [0, 10],
  [0, 4],
  [1, 5],
  [2, 1],
  [3, 1],
  [12, 3],
];
