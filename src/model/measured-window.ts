/**
 * The measured window of a run: from the warm-up's end to the run's planned end, in simulated ns.
 *
 * A NIC, a link with a bandwidth, and a directory or offline store with a capacity are FIFO servers
 * that book a job's whole service when the job arrives (no events of their own). Their busy time
 * is counted by the overlap of each booked service with this window, at booking: work booked in
 * warm-up but done after it counts, and work booked for after the end does not. Why not count what
 * is booked inside the window and take out, at the end, the queue still ahead (as before session
 * 13): that missed the backlog carried in from warm-up, so a store saturated through the window
 * reported 0 busy time (a negative figure, clamped); and a link fed by a NIC's queue books
 * transmissions in the future with idle gaps between them, so its queue ahead is not its work left.
 */
export interface MeasuredWindow {
  readonly startNs: number;
  readonly endNs: number;
}

/** How much of [fromNs, toNs) falls inside the window. */
export function overlapNs(fromNs: number, toNs: number, window: MeasuredWindow): number {
  const from = fromNs > window.startNs ? fromNs : window.startNs;
  const to = toNs < window.endNs ? toNs : window.endNs;
  return to > from ? to - from : 0;
}

/**
 * Busy time up to `nowNs` of a FIFO server whose busy time was counted by overlapNs and that is
 * booked until `freeAtNs`: a run that ends early (Ctrl-C) takes back the work booked past its end.
 * Exact for a work-conserving queue (busy without a gap from now until freeAtNs); for a link fed by
 * a NIC's queue an upper bound on what to take back, so the figure is a lower bound then.
 */
export function busyNsUntil(busyNs: number, freeAtNs: number, nowNs: number, window: MeasuredWindow): number {
  return Math.max(0, busyNs - overlapNs(nowNs, freeAtNs, window));
}
