/**
 * A partition's provisioned admission for one kind (reads or writes): the allocated bucket and the
 * burst bucket of ATC 2022 §4.1.1, two token buckets on the injected clock.
 *
 *   allocated   accrues the partition's rate (its share of the table plus any adaptive boost) and
 *               holds one second of it (PARTITION_ALLOCATED_WINDOW_MS)
 *   burst       accrues only what overflows the allocated bucket (capacity the partition left
 *               unused) and holds PARTITION_BURST_WINDOW_MS (300 s) of the partition's share
 *
 * A request is admitted while the allocated bucket is positive, else while the burst bucket is;
 * its actual units are debited afterwards (from allocated while it lasts, the rest from burst), so
 * a balance may go negative (DynamoDB charges a request after it ran, when its size is known, ATC
 * 2022 §4.1); later refills repay the debt before anything accrues or overflows.
 *
 * Both buckets are plain fields of this object (no bucket objects): the hot path touches one object
 * per partition and kind (see map-runtime.ts, whose Lane extends this class). Every numeric field
 * starts as a number: a field declared without an initializer is first defined as undefined (ES2022
 * class fields), V8 then keeps it tagged and every float store boxes a new HeapNumber.
 *
 * Choice (documented in FORMAT.md and the README): both buckets start FULL, so a new table, a
 * reopened database or a test does not throttle on its first burst. Balances are not durable.
 *
 * Concurrency: one thread, synchronous, allocation-free after construction.
 * Invariants: 1. allocatedBalance <= allocatedCapacity = rate × 1 s. 2. burstBalance <= burstCapacity
 *   = share × 300 s. 3. refilling over [t0, t2] in any number of steps yields the same balances as one
 *   step (up to float rounding), because accrual is linear in time.
 */
import { PARTITION_ALLOCATED_WINDOW_MS, PARTITION_BURST_WINDOW_MS } from '../limits.js';
import { assert } from '../util/assert.js';

/** Which bucket admits a request. */
export type Source = 'none' | 'allocated' | 'burst';

export class BurstingBuckets {
  allocatedBalance = 0;
  burstBalance = 0;
  allocatedCapacity = 0;
  burstCapacity = 0;
  #allocatedRatePerMs = 0;
  #lastRefillMs = 0;

  /** `ratePerSecond` includes any boost; `sharePerSecond` (the partition's base share) sizes the burst. */
  constructor(ratePerSecond: number, sharePerSecond: number, nowMs: number) {
    this.fill(ratePerSecond, sharePerSecond, nowMs);
  }

  /** Sets rate and share and fills both buckets, as of `nowMs`. */
  fill(ratePerSecond: number, sharePerSecond: number, nowMs: number): void {
    this.reconfigure(ratePerSecond, sharePerSecond);
    this.allocatedBalance = this.allocatedCapacity;
    this.burstBalance = this.burstCapacity;
    this.#lastRefillMs = nowMs;
  }

  get ratePerSecond(): number {
    return this.#allocatedRatePerMs * 1000;
  }

  /** Accrues the time since the last refill into allocated; what overflows it goes to burst. */
  refill(nowMs: number): void {
    const elapsedMs = nowMs - this.#lastRefillMs;
    if (!(elapsedMs > 0)) return; // same instant, or a clock that stepped back: nothing accrues
    this.#lastRefillMs = nowMs;
    const balance = this.allocatedBalance + elapsedMs * this.#allocatedRatePerMs;
    const capacity = this.allocatedCapacity;
    if (balance <= capacity) {
      this.allocatedBalance = balance;
      return;
    }
    const unused = balance - capacity;
    this.allocatedBalance = capacity;
    if (!(unused > 0)) return;
    const spilled = this.burstBalance + unused;
    this.burstBalance = spilled <= this.burstCapacity ? spilled : this.burstCapacity;
  }

  /** Which bucket would admit a request now (the caller refilled first). */
  source(): Source {
    if (this.allocatedBalance > 0) return 'allocated';
    if (this.burstBalance > 0) return 'burst';
    return 'none';
  }

  /** Debits the actual units: from allocated while it is positive, the rest from burst if it has any. */
  debit(units: number): void {
    const allocated = this.allocatedBalance;
    if (allocated >= units) {
      this.allocatedBalance = allocated - units;
      return;
    }
    const fromAllocated = allocated > 0 ? allocated : 0;
    const rest = units - fromAllocated;
    this.allocatedBalance = allocated - fromAllocated;
    if (this.burstBalance > 0) this.burstBalance -= rest;
    else this.allocatedBalance -= rest;
  }

  /** New rate and share (after a boost change or a throughput change); the caller refilled to now. Clamps the balances. */
  reconfigure(ratePerSecond: number, sharePerSecond: number): void {
    assert(ratePerSecond >= 0 && sharePerSecond >= 0, 'a bucket has a non-negative rate and capacity');
    this.#allocatedRatePerMs = ratePerSecond / 1000;
    this.allocatedCapacity = (ratePerSecond * PARTITION_ALLOCATED_WINDOW_MS) / 1000;
    this.burstCapacity = (sharePerSecond * PARTITION_BURST_WINDOW_MS) / 1000;
    if (this.allocatedBalance > this.allocatedCapacity) this.allocatedBalance = this.allocatedCapacity;
    if (this.burstBalance > this.burstCapacity) this.burstBalance = this.burstCapacity;
  }
}
