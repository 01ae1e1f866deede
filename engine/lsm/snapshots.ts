/**
 * Live snapshots. A snapshot pins a sequence number: reads through it see exactly the writes with
 * sequence <= it. Compaction keeps every version some live snapshot can see (it asks `oldest()`).
 *
 * Invariant: `oldest()` <= every live snapshot's sequence. Releasing twice is a no-op.
 */
import { ClosedError } from '../util/errors.js';

export class Snapshot {
  #released = false;
  constructor(
    readonly sequence: number,
    private readonly list: SnapshotList,
  ) {}

  get released(): boolean {
    return this.#released;
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.list.remove(this.sequence);
  }

  /** True when `list` made this snapshot (a store checks that a snapshot is its own). */
  isFrom(list: SnapshotList): boolean {
    return this.list === list;
  }

  /** Throws when a released snapshot is used for a read. */
  requireLive(): void {
    if (this.#released) throw new ClosedError('snapshot has been released');
  }
}

export class SnapshotList {
  /** sequence → number of live snapshots at it. */
  readonly #counts = new Map<number, number>();

  create(sequence: number): Snapshot {
    this.#counts.set(sequence, (this.#counts.get(sequence) ?? 0) + 1);
    return new Snapshot(sequence, this);
  }

  remove(sequence: number): void {
    const count = this.#counts.get(sequence) ?? 0;
    if (count <= 1) this.#counts.delete(sequence);
    else this.#counts.set(sequence, count - 1);
  }

  get size(): number {
    let total = 0;
    for (const count of this.#counts.values()) total += count;
    return total;
  }

  /** The oldest live snapshot's sequence, or `fallback` (the last sequence) when there is none. */
  oldest(fallback: number): number {
    let oldest = fallback;
    for (const sequence of this.#counts.keys()) if (sequence < oldest) oldest = sequence;
    return oldest;
  }
}
