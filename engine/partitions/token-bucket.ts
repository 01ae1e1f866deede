/**
 * A token bucket on the injected clock: `ratePerSecond` tokens accrue continuously, up to `capacity`.
 *
 * DynamoDB charges a request after it ran, when its size is known (ATC 2022 §4.1), so `debit` may
 * take the balance below zero; later refills repay the debt before anything accrues. `refill`
 * returns the tokens that did not fit (the partition's unused capacity, which feeds its burst bucket).
 *
 * Concurrency: one thread, synchronous; no allocation after construction.
 * Invariants: 1. balance <= capacity after every call. 2. capacity >= 0, ratePerSecond >= 0.
 *             3. refilling over [t0, t2] in any number of steps yields the same balance and overflow
 *                sum as one step (up to float rounding), because accrual is linear in time.
 */
import { assert } from '../util/assert.js';

export class TokenBucket {
  // Numeric fields start as numbers: a field declared without an initializer is first defined as
  // undefined (ES2022 class fields), V8 then keeps it tagged, and every float store boxes a new
  // HeapNumber — an allocation per admit/charge.
  balance = 0;
  capacity = 0;
  #ratePerMs = 0;
  #lastMs = 0;

  constructor(ratePerSecond: number, capacity: number, nowMs: number, full: boolean) {
    assert(ratePerSecond >= 0 && capacity >= 0, 'a bucket has a non-negative rate and capacity');
    this.#ratePerMs = ratePerSecond / 1000;
    this.capacity = capacity;
    this.balance = full ? capacity : 0;
    this.#lastMs = nowMs;
  }

  get ratePerSecond(): number {
    return this.#ratePerMs * 1000;
  }

  /** Accrues the tokens of the time since the last refill; returns what overflowed the capacity. */
  refill(nowMs: number): number {
    const elapsedMs = nowMs - this.#lastMs;
    if (!(elapsedMs > 0)) return 0; // same instant, or a clock that stepped back: nothing accrues
    this.#lastMs = nowMs;
    return this.add(elapsedMs * this.#ratePerMs);
  }

  /**
   * refill, with the overflow added straight to `spill` (whose own overflow is dropped): what
   * `spill.add(refill(now))` does, for the hot path, without passing a float through a return value
   * (a call V8 does not inline returns it boxed: an allocation per admit).
   */
  refillInto(nowMs: number, spill: TokenBucket): void {
    const elapsedMs = nowMs - this.#lastMs;
    if (!(elapsedMs > 0)) return;
    this.#lastMs = nowMs;
    const balance = this.balance + elapsedMs * this.#ratePerMs;
    if (balance <= this.capacity) {
      this.balance = balance;
      return;
    }
    const unused = balance - this.capacity;
    this.balance = this.capacity;
    if (!(unused > 0)) return;
    const spilled = spill.balance + unused;
    spill.balance = spilled <= spill.capacity ? spilled : spill.capacity;
  }

  /** Adds `units` (repaying any debt first); returns what did not fit. */
  add(units: number): number {
    const balance = this.balance + units;
    if (balance <= this.capacity) {
      this.balance = balance;
      return 0;
    }
    this.balance = this.capacity;
    return balance - this.capacity;
  }

  /** Takes `units`; the balance may go negative (a request charged after it ran). */
  debit(units: number): void {
    this.balance -= units;
  }

  /** Changes rate and capacity from now on (the caller refilled up to now first); clamps the balance. */
  reconfigure(ratePerSecond: number, capacity: number): void {
    assert(ratePerSecond >= 0 && capacity >= 0, 'a bucket has a non-negative rate and capacity');
    this.#ratePerMs = ratePerSecond / 1000;
    this.capacity = capacity;
    if (this.balance > capacity) this.balance = capacity;
  }
}
