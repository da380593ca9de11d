/**
 * Named counters that end up as a plain record in a result (`operations` in run-result.ts), with
 * keys sorted so that JSON is the same whatever order the counts arrived in. Not for the hot path:
 * a hot loop counts into a typed array by index (as the core's CountingSink does) and adds the
 * totals here once, at the end.
 */
export class Counters {
  private readonly values = new Map<string, number>();

  add(name: string, amount = 1): void {
    if (!Number.isFinite(amount)) throw new RangeError(`counters: cannot add ${amount} to ${name}`);
    this.values.set(name, (this.values.get(name) ?? 0) + amount);
  }

  get(name: string): number {
    return this.values.get(name) ?? 0;
  }

  /** Adds every entry of a record (another server's, another shard's). */
  addRecord(record: Readonly<Record<string, number>>): void {
    for (const name of Object.keys(record)) this.add(name, record[name]!);
  }

  merge(other: Counters): void {
    for (const [name, value] of other.values) this.add(name, value);
  }

  /** A plain record with keys in code-unit order (not locale order, which varies by machine). */
  toRecord(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const name of [...this.values.keys()].sort(compareCodeUnits)) out[name] = this.values.get(name)!;
    return out;
  }
}

export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The same record with keys sorted in code-unit order. */
export function sortedRecord<T>(record: Readonly<Record<string, T>>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of Object.keys(record).sort(compareCodeUnits)) out[key] = record[key]!;
  return out;
}

/** Sum of several records, keys sorted. */
export function sumRecords(records: Iterable<Readonly<Record<string, number>>>): Record<string, number> {
  const counters = new Counters();
  for (const record of records) counters.addRecord(record);
  return counters.toRecord();
}
