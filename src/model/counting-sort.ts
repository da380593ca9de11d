/**
 * A stable counting sort by small integer keys, as an order: the positions of the items of key 0
 * in the order met, then those of key 1, and so on. For grouping millions of items (a slice's
 * devices by home server, a server's devices by record slot) in two linear passes, without an
 * array per group.
 */
export interface KeyOrder {
  /** Items in key order, each by its position in the input; stable within a key. */
  readonly order: Uint32Array;
  /** Where each key's items start in `order` (keyCount + 1 entries, the last one the item count). */
  readonly start: Uint32Array;
}

/** Orders items by their key, each an integer in [0, keyCount) (a RangeError otherwise). */
export function orderByKey(keys: ArrayLike<number>, keyCount: number): KeyOrder {
  const start = new Uint32Array(keyCount + 1);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    // A typed array drops a write out of range without a word: a bad key would go unseen.
    if (!(key >= 0 && key < keyCount)) throw new RangeError(`orderByKey: key ${key} at ${i} is outside [0, ${keyCount})`);
    start[key + 1]!++;
  }
  for (let key = 1; key <= keyCount; key++) start[key]! += start[key - 1]!;
  const next = start.slice(0, keyCount);
  const order = new Uint32Array(keys.length);
  for (let i = 0; i < keys.length; i++) order[next[keys[i]!]!++] = i;
  return { order, start };
}
