/**
 * On-demand admission for one table (or index) and one kind: DynamoDB "instantly accommodates up to
 * double the previous peak" and throttles growth beyond that while it scales (facts §11.2, ATC 2022
 * §4.5).
 *
 * Model (Silt's; DynamoDB publishes only the outcome):
 *   - allowance = 2 × peak units per second, counted in one-second windows;
 *   - a new table starts with peak = half its initial rate (12,000 reads / 4,000 writes, or the
 *     warm level the caller gives), so it serves that rate at once;
 *   - when every second of an unbroken run of at least `scaleWindowMs` consumed more than the peak,
 *     the peak becomes the smallest of those seconds (the sustained level), doubling what is served
 *     next; a second at or below the peak (or an idle second) restarts the run;
 *   - an OnDemandThroughput cap (max units per second) is a hard limit on top.
 *
 * Concurrency: one thread, synchronous, allocation-free.
 * Invariants: 1. peak never decreases. 2. a window admits while units < allowance (and < cap).
 */
import { assert } from '../util/assert.js';
import { SecondWindow } from './second-window.js';

export type OnDemandVerdict = 'admit' | 'scaling' | 'cap';

export class OnDemandTracker {
  readonly window: SecondWindow;
  #peakPerSecond = 0;
  #runStartMs: number | undefined;
  #runMinPerSecond = 0;

  constructor(
    initialPerSecond: number,
    readonly scaleWindowMs: number,
    public maxPerSecond: number | undefined,
    nowMs: number,
  ) {
    assert(initialPerSecond > 0 && scaleWindowMs >= 0, 'on-demand tracker inputs');
    this.#peakPerSecond = initialPerSecond / 2;
    this.window = new SecondWindow(nowMs);
  }

  get peakPerSecond(): number {
    return this.#peakPerSecond;
  }

  get allowancePerSecond(): number {
    return 2 * this.#peakPerSecond;
  }

  /** Raises the peak so that at least `perSecond` is served (a switch from provisioned keeps its level). */
  ensureAllowance(perSecond: number): void {
    if (perSecond / 2 > this.#peakPerSecond) this.#peakPerSecond = perSecond / 2;
  }

  /** Moves to `now`'s second, folding the second that completed into the peak tracking. */
  roll(nowMs: number): void {
    const window = this.window;
    const before = window.index;
    if (!window.roll(nowMs)) return;
    if (window.index !== before + 1) {
      this.#runStartMs = undefined; // idle seconds break a sustained run
      return;
    }
    const completed = window.previousUnits;
    if (completed <= this.#peakPerSecond) {
      this.#runStartMs = undefined;
      return;
    }
    const completedStartMs = before * 1000;
    if (this.#runStartMs === undefined) {
      this.#runStartMs = completedStartMs;
      this.#runMinPerSecond = completed;
    } else if (completed < this.#runMinPerSecond) {
      this.#runMinPerSecond = completed;
    }
    if (completedStartMs + 1000 - this.#runStartMs >= this.scaleWindowMs) {
      this.#peakPerSecond = Math.max(this.#peakPerSecond, this.#runMinPerSecond);
      this.#runStartMs = undefined;
    }
  }

  /** Whether one more request fits this second (the caller rolled to now first). */
  verdict(): OnDemandVerdict {
    const used = this.window.units;
    if (this.maxPerSecond !== undefined && used >= this.maxPerSecond) return 'cap';
    return used < 2 * this.#peakPerSecond ? 'admit' : 'scaling';
  }

  add(units: number): void {
    this.window.add(units);
  }
}
