/**
 * Eventual consistency as an option: eventually consistent reads (and GSI reads, which are always
 * eventually consistent) may see the database as it was `lagMs` ago, so users can test their code
 * against stale reads. With both lags 0 (the default) this does nothing and costs nothing.
 *
 * How: after each durable write a store snapshot is taken, stamped with the injected clock (one per
 * millisecond: writes in the same millisecond share it). A read with lag L uses the newest snapshot
 * stamped at or before now − L; older snapshots can never be needed again (time only moves forward)
 * and are released, so the queue holds at most one snapshot per millisecond of the longest lag.
 *
 * Invariant: `#entries` is ordered by time; entries[0] is the base view (the state at open, or the
 * newest state every lag has passed).
 */
import type { Store } from '../lsm/store.js';
import type { Snapshot } from '../lsm/snapshots.js';
import type { Clock } from '../util/clock.js';

interface Entry {
  readonly timeMs: number;
  readonly snapshot: Snapshot;
}

export class StaleReads {
  readonly #entries: Entry[] = [];

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    /** Lag of eventually consistent table and LSI reads. */
    readonly readLagMs: number,
    /** Lag of GSI propagation. */
    readonly indexLagMs: number,
  ) {
    if (this.enabled) this.#entries.push({ timeMs: Number.NEGATIVE_INFINITY, snapshot: store.snapshot() });
  }

  get enabled(): boolean {
    return this.readLagMs > 0 || this.indexLagMs > 0;
  }

  /** Called once a write is durable. */
  recordWrite(): void {
    if (!this.enabled) return;
    const now = this.clock.now();
    const last = this.#entries[this.#entries.length - 1]!;
    if (last.timeMs === now) {
      last.snapshot.release();
      this.#entries[this.#entries.length - 1] = { timeMs: now, snapshot: this.store.snapshot() };
    } else {
      this.#entries.push({ timeMs: now, snapshot: this.store.snapshot() });
    }
  }

  /**
   * The snapshot a read sees: undefined (the latest state) for strongly consistent reads or when
   * the relevant lag is 0.
   */
  view(consistent: boolean, globalIndex: boolean): Snapshot | undefined {
    const lagMs = globalIndex ? this.indexLagMs : consistent ? 0 : this.readLagMs;
    if (lagMs <= 0) return undefined;
    this.#releaseUnreachable();
    const cutoff = this.clock.now() - lagMs;
    let chosen = this.#entries[0]!;
    for (const entry of this.#entries) {
      if (entry.timeMs > cutoff) break;
      chosen = entry;
    }
    return chosen.snapshot;
  }

  /** Drops every entry older than the newest one that even the longest lag has passed. */
  #releaseUnreachable(): void {
    const cutoff = this.clock.now() - Math.max(this.readLagMs, this.indexLagMs);
    let keepFrom = 0;
    for (let i = 1; i < this.#entries.length; i++) if (this.#entries[i]!.timeMs <= cutoff) keepFrom = i;
    for (const entry of this.#entries.splice(0, keepFrom)) entry.snapshot.release();
  }

  close(): void {
    for (const entry of this.#entries.splice(0)) entry.snapshot.release();
  }
}
