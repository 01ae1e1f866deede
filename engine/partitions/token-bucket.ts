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
  balance: number;
  capacity: number;
  #ratePerMs: number;
  #lastMs: number;

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
