/**
 * Stream 2 of a slice's one-to-one messages (slice-one-to-one.ts): taking the sender's region first,
 * in proportion to q_r = W_r U_r(t) c(r), and thinning the attempts by sum q / (Z c_max), is the
 * same in law as the full model's order (a sender by weight until one is online, then kept with
 * probability c(r) / c_max). Checked here against that order, drawn out in full.
 */
import { describe, expect, it } from 'vitest';
import { SliceOneToOne } from '../../src/model/slice-one-to-one.js';
import { RandomStreams } from '../../src/sim/random.js';

const weight = [0.5, 0.3, 0.2]; // W_r: each region's share of the senders' activity weight
const deviceOnline = [0.6, 0.15, 0.4]; // each region's share of devices online
const devicesPerUser = [
  { devices: 1, fraction: 0.5 },
  { devices: 2, fraction: 0.5 },
];
const insideChance = [0.05, 0.2, 0.01]; // c(r): a sender of r writes into the slice

/** The SliceOneToOne fields the two methods read, without building a population. */
const oneToOne = {
  regionCount: 3,
  regionWeightShare: Float64Array.from(weight),
  insideRecipientBySenderRegion: Float64Array.from(insideChance),
  insideRecipientMax: 0.2,
  devicesPerUser,
  userOnlineFraction: SliceOneToOne.prototype.userOnlineFraction,
} as unknown as SliceOneToOne;

describe("stream 2's sender regions", () => {
  const cumulative = new Float64Array(3);
  const keep = SliceOneToOne.prototype.insideRecipientSenders.call(oneToOne, (r) => deviceOnline[r]!, cumulative);

  it('weighs each region by its online activity weight and its chance of writing into the slice', () => {
    const userOnline = deviceOnline.map((f) => 1 - 0.5 * (1 - f) - 0.5 * (1 - f) ** 2);
    const q = weight.map((w, r) => w * userOnline[r]! * insideChance[r]!);
    const z = weight.reduce((sum, w, r) => sum + w * userOnline[r]!, 0);
    expect(keep).toBeCloseTo((q[0]! + q[1]! + q[2]!) / (z * 0.2), 12);
    const running = [q[0]!, q[0]! + q[1]!, q[0]! + q[1]! + q[2]!];
    running.forEach((total, r) => expect(cumulative[r]).toBeCloseTo(total, 12));
  });

  it('keeps as many attempts, from the same regions, as drawing each sender first did', () => {
    const rng = new RandomStreams(8).stream('stream-2');
    const attempts = 400_000;
    const keptByRegion = [0, 0, 0];
    for (let i = 0; i < attempts; i++) {
      // The full model's order: senders by weight until one is online (a user is online when any
      // of its devices is), then kept with probability c(r) / c_max.
      for (;;) {
        const u = rng.nextFloat();
        const region = u < 0.5 ? 0 : u < 0.8 ? 1 : 2;
        const devices = rng.nextFloat() < 0.5 ? 1 : 2;
        let online = false;
        for (let d = 0; d < devices; d++) if (rng.nextFloat() < deviceOnline[region]!) online = true;
        if (!online) continue;
        if (rng.nextFloat() < insideChance[region]! / 0.2) keptByRegion[region]!++;
        break;
      }
    }
    const kept = keptByRegion[0]! + keptByRegion[1]! + keptByRegion[2]!;
    // The share kept: about 0.22, so 400,000 attempts give a standard error of 0.0007.
    expect(Math.abs(kept / attempts - keep)).toBeLessThan(0.003);
    // The region of a kept attempt, as the region-first draw gives it.
    const drawn = [0, 0, 0];
    for (let i = 0; i < kept; i++) drawn[SliceOneToOne.prototype.insideRecipientSenderRegion.call(oneToOne, cumulative, rng.nextFloat())]!++;
    for (let r = 0; r < 3; r++) expect(Math.abs(drawn[r]! - keptByRegion[r]!) / kept).toBeLessThan(0.01);
  });

  it('never draws a region that sends nothing into the slice, and says when none does', () => {
    const none = new Float64Array(3);
    const silent = { ...oneToOne, insideRecipientBySenderRegion: Float64Array.of(0.05, 0, 0.01) } as unknown as SliceOneToOne;
    SliceOneToOne.prototype.insideRecipientSenders.call(silent, (r) => deviceOnline[r]!, none);
    const rng = new RandomStreams(9).stream('regions');
    for (let i = 0; i < 10_000; i++) expect(SliceOneToOne.prototype.insideRecipientSenderRegion.call(silent, none, rng.nextFloat())).not.toBe(1);
    const nobody = new Float64Array(3);
    expect(SliceOneToOne.prototype.insideRecipientSenders.call(oneToOne, () => 0, nobody)).toBe(0);
    expect(SliceOneToOne.prototype.insideRecipientSenderRegion.call(oneToOne, nobody, 0.5)).toBe(-1);
  });
});
