/**
 * A group as its home server keeps it. The home orders every membership change and every message
 * of the group in one sequence, so all members see them in the same order, and it decides when a
 * sender must distribute its sender key: on its first message after each membership change, as in
 * WhatsApp's published group encryption (the key is then sent pairwise to every member device;
 * later messages are one ciphertext that the server copies).
 */
export class Group {
  readonly id: number;
  /** The member allowed to add and remove others; the oldest member takes over if it leaves. */
  admin: number;
  /** Member user ids in the order they joined. */
  members: number[];
  private readonly memberSet: Set<number>;
  /** Incremented by every membership change. */
  epoch = 1;
  /** Sender devices that have distributed their sender key since the last membership change (at most members x 5). */
  private readonly keyed = new Set<number>();
  /** Members grouped by home server, rebuilt after a membership change; arrays are never mutated once built. */
  byHome: Map<number, number[]> | null = null;

  constructor(id: number, admin: number, members: readonly number[]) {
    this.id = id;
    this.admin = admin;
    this.members = [...members];
    this.memberSet = new Set(members);
  }

  get size(): number {
    return this.members.length;
  }

  has(userId: number): boolean {
    return this.memberSet.has(userId);
  }

  add(userId: number): void {
    this.members.push(userId);
    this.memberSet.add(userId);
    this.changed();
  }

  remove(userId: number): void {
    this.memberSet.delete(userId);
    this.members = this.members.filter((member) => member !== userId);
    if (this.admin === userId && this.members.length > 0) this.admin = this.members[0]!;
    this.changed();
  }

  /** True (and remembered) if this is the device's first message since the last membership change. */
  needsSenderKey(deviceKey: number): boolean {
    if (this.keyed.has(deviceKey)) return false;
    this.keyed.add(deviceKey);
    return true;
  }

  private changed(): void {
    this.epoch++;
    this.keyed.clear();
    this.byHome = null;
  }
}
