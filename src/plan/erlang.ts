/**
 * Erlang B (loss) and Erlang C (delay) probabilities.
 *
 * Both come from the Erlang B recurrence (Jagerman 1974; e.g. Gross and Harris, "Fundamentals of
 * Queueing Theory", section 2.3):
 *   B(A, 0) = 1,   B(A, k) = A B(A, k-1) / (k + A B(A, k-1)).
 * Every intermediate value lies in [0, 1], so nothing overflows: the textbook form
 * (A^c / c!) / sum_k A^k / k! overflows a double near c = 170, while this is exact to rounding for
 * c in the millions and any offered load. Erlang C follows from B without another sum:
 *   C(A, c) = c B / (c - A (1 - B))      for A < c.
 */
import { SERVERS_MAX } from './not-steady.js';

function assertArguments(offeredLoadErlangs: number, servers: number, minServers: number): void {
  // Callers (mmc, the CLI) validate user input first; reaching here with bad values is a bug.
  if (!Number.isFinite(offeredLoadErlangs) || offeredLoadErlangs < 0) {
    throw new RangeError(`offeredLoadErlangs must be finite and >= 0, got ${offeredLoadErlangs}`);
  }
  if (!Number.isInteger(servers) || servers < minServers || servers > SERVERS_MAX) {
    throw new RangeError(`servers must be an integer in [${minServers}, ${SERVERS_MAX}], got ${servers}`);
  }
}

/**
 * Erlang B: the probability that an arrival finds all `servers` busy in an M/M/c/c loss system
 * offered `offeredLoadErlangs` = arrival rate x mean service time.
 * Throws RangeError for a negative load or a non-integer server count (programmer errors).
 */
export function erlangB(offeredLoadErlangs: number, servers: number): number {
  assertArguments(offeredLoadErlangs, servers, 0);
  let blocking = 1;
  for (let k = 1; k <= servers; k += 1) {
    const carried = offeredLoadErlangs * blocking;
    blocking = carried / (k + carried);
  }
  return blocking;
}

/**
 * Erlang C: the probability that an arrival has to wait in an M/M/c queue.
 * For offeredLoadErlangs >= servers the queue has no steady state and every arrival eventually
 * waits, so this returns 1 (the limit as the load approaches c from below).
 */
export function erlangC(offeredLoadErlangs: number, servers: number): number {
  assertArguments(offeredLoadErlangs, servers, 1);
  if (offeredLoadErlangs >= servers) return 1;
  const blocking = erlangB(offeredLoadErlangs, servers);
  const probabilityOfWait = (servers * blocking) / (servers - offeredLoadErlangs * (1 - blocking));
  // Rounding can push the ratio a hair past 1 when A is within an ulp of c.
  return Math.min(1, Math.max(0, probabilityOfWait));
}
