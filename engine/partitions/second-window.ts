/**
 * Units consumed per clock second, in fixed one-second windows (floor(nowMs / 1000)): the
 * per-partition ceilings (3,000 RCU / 1,000 WCU per second), the table's recent consumption, the
 * on-demand peak and the heat detector all read it.
 *
 * `roll(now)` moves to the window containing `now`; the window just completed is kept as
 * `previousUnits` when it is the one immediately before (a gap of idle seconds leaves 0).
 *
 * `rollDueMs` lets the hot path skip `roll` with one comparison: for every now < rollDueMs, roll(now)
 * would return false. It sits a hair (ROLL_MARGIN_MS) before the window's end, so float rounding in
 * floor(now / 1000) can never make the shortcut disagree with roll itself, which still decides.
 *
 * Concurrency: one thread, synchronous, allocation-free.
 * Invariants: 1. units and previousUnits >= 0 (units only ever grow within a window).
 *             2. index never decreases. 3. rollDueMs = (index + 1) × 1000 − ROLL_MARGIN_MS.
 */

/**
 * How far before a boundary the hot path's shortcuts stop trusting a plain comparison: 4 ulps of a
 * Date.now()-sized millisecond count (2^40 ms has an ulp of 2^-12 ms).
 */
export const ROLL_MARGIN_MS = 1e-3;

/** The rollDueMs of window `index` (invariant 3). */
export function rollDueMsOf(index: number): number {
  return (index + 1) * 1000 - ROLL_MARGIN_MS;
}

export class SecondWindow {
  /** floor(ms / 1000) of the current window. */
  index = 0;
  units = 0;
  previousUnits = 0;
  rollDueMs = 0; // initialized as a number so V8 stores it unboxed (see burst.ts)

  constructor(nowMs: number) {
    this.index = Math.floor(nowMs / 1000);
    this.rollDueMs = rollDueMsOf(this.index);
  }

  /** Moves to `now`'s window; returns true when a window completed (the caller may inspect it). */
  roll(nowMs: number): boolean {
    const index = Math.floor(nowMs / 1000);
    if (index <= this.index) return false;
    this.previousUnits = index === this.index + 1 ? this.units : 0;
    this.units = 0;
    this.index = index;
    this.rollDueMs = rollDueMsOf(index);
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
