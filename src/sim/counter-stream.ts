/**
 * A random stream whose draws are a pure function of (key, index, draw number): `restart(i)`
 * rewinds to the first draw of item i, from any state. A model can then look at an item's draws
 * ahead of time, drop the item if they show it is of no interest, and otherwise draw exactly the
 * same numbers again when the item's time comes: slice fidelity screens the deployment's whole
 * message stream this way without an event per message it drops (src/model/workload.ts).
 */
import { counterHashFrom, counterHashPrefix, floatBelowFromHigh, hash64Uint32, RandomStream, uint32PairToFloat, type StreamKey } from './random.js';

export class CounterStream extends RandomStream {
  private readonly seed: number;
  /** The number of the next draw of the current item. */
  private draw = 0;
  /** The hash's state after (seed, index): a draw then hashes only its number. */
  private prefix: number;

  constructor(key: StreamKey, name: string) {
    super(key, name);
    // One 32-bit seed from the whole key: the counter hash takes (seed, index, draw).
    this.seed = hash64Uint32(key[0] >>> 0, key[1] >>> 0, (key[2] ^ key[3]) >>> 0);
    this.prefix = counterHashPrefix(this.seed, 0);
  }

  /** hash64Uint32(seed, index, draw), computed from the prefix kept since restart (the same bits). */
  protected override nextInt32(): number {
    return counterHashFrom(this.prefix, this.draw++);
  }

  /**
   * nextFloat() < p from the first draw alone where it settles it (all but 2^-27 of the time):
   * the second draw's number is passed over unhashed, so the draws after it are the same.
   */
  override nextFloatBelow(p: number): boolean {
    const hi = counterHashFrom(this.prefix, this.draw);
    this.draw += 2;
    const settled = floatBelowFromHigh(hi, p);
    return settled >= 0 ? settled === 1 : uint32PairToFloat(hi, counterHashFrom(this.prefix, this.draw - 1)) < p;
  }

  /** Rewinds to the first draw of item `index` (a non-negative integer up to 2^53). */
  restart(index: number): void {
    this.draw = 0;
    this.prefix = counterHashPrefix(this.seed, index);
    this.forgetSpareGaussian();
  }
}
