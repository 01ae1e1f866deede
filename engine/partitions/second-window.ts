/**
 * Units consumed per clock second, in fixed one-second windows (floor(nowMs / 1000)): the
 * per-partition ceilings (3,000 RCU / 1,000 WCU per second), the table's recent consumption, the
 * on-demand peak and the heat detector all read it.
 *
 * `roll(now)` moves to the window containing `now`; the window just completed is kept as
 * `previousUnits` when it is the one immediately before (a gap of idle seconds leaves 0).
 *
 * Concurrency: one thread, synchronous, allocation-free.
 * Invariants: 1. units and previousUnits >= 0 (units only ever grow within a window).
 *             2. index never decreases.
 */
export class SecondWindow {
  /** floor(ms / 1000) of the current window. */
  index: number;
  units = 0;
  previousUnits = 0;

  constructor(nowMs: number) {
    this.index = Math.floor(nowMs / 1000);
  }

  /** Moves to `now`'s window; returns true when a window completed (the caller may inspect it). */
  roll(nowMs: number): boolean {
    const index = Math.floor(nowMs / 1000);
    if (index <= this.index) return false;
    this.previousUnits = index === this.index + 1 ? this.units : 0;
    this.units = 0;
    this.index = index;
    return true;
  }

  add(units: number): void {
    this.units += units;
  }

  /** The larger of this second's units and the last complete second's: "recent" consumption. */
  recentUnits(): number {
    return this.units > this.previousUnits ? this.units : this.previousUnits;
  }
}
