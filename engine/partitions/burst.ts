/**
 * A partition's provisioned admission for one kind (reads or writes): the allocated bucket and the
 * burst bucket of ATC 2022 §4.1.1.
 *
 *   allocated   accrues the partition's rate (its share of the table plus any adaptive boost) and
 *               holds one second of it (PARTITION_ALLOCATED_WINDOW_MS)
 *   burst       accrues only what overflows the allocated bucket (capacity the partition left
 *               unused) and holds PARTITION_BURST_WINDOW_MS (300 s) of the partition's share
 *
 * A request is admitted while the allocated bucket is positive, else while the burst bucket is;
 * its actual units are debited afterwards (from allocated while it lasts, the rest from burst).
 *
 * Choice (documented in FORMAT.md and the README): both buckets start FULL, so a new table, a
 * reopened database or a test does not throttle on its first burst. Balances are not durable.
 *
 * Concurrency: one thread, synchronous, allocation-free after construction.
 * Invariants: 1. allocated.balance <= rate × 1 s. 2. burst.balance <= share × 300 s.
 */
import { PARTITION_ALLOCATED_WINDOW_MS, PARTITION_BURST_WINDOW_MS } from '../limits.js';
import { TokenBucket } from './token-bucket.js';

/** Which bucket admits a request. */
export type Source = 'none' | 'allocated' | 'burst';

export class BurstingBuckets {
  readonly allocated: TokenBucket;
  readonly burst: TokenBucket;

  /** `ratePerSecond` includes any boost; `sharePerSecond` (the partition's base share) sizes the burst. */
  constructor(ratePerSecond: number, sharePerSecond: number, nowMs: number) {
    this.allocated = new TokenBucket(ratePerSecond, allocatedCapacity(ratePerSecond), nowMs, true);
    this.burst = new TokenBucket(0, burstCapacity(sharePerSecond), nowMs, true);
  }

  refill(nowMs: number): void {
    this.allocated.refillInto(nowMs, this.burst); // = burst.add(allocated.refill(now)) when positive
  }

  /** Which bucket would admit a request now (the caller refilled first). */
  source(): Source {
    if (this.allocated.balance > 0) return 'allocated';
    if (this.burst.balance > 0) return 'burst';
    return 'none';
  }

  /** Debits the actual units: from allocated while it is positive, the rest from burst if it has any. */
  debit(units: number): void {
    const allocated = this.allocated.balance;
    if (allocated >= units) {
      this.allocated.debit(units);
      return;
    }
    const fromAllocated = allocated > 0 ? allocated : 0;
    const rest = units - fromAllocated;
    this.allocated.debit(fromAllocated);
    if (this.burst.balance > 0) this.burst.debit(rest);
    else this.allocated.debit(rest);
  }

  /** New rate and share (after a boost change or a throughput change); the caller refilled to now. */
  reconfigure(ratePerSecond: number, sharePerSecond: number): void {
    this.allocated.reconfigure(ratePerSecond, allocatedCapacity(ratePerSecond));
    this.burst.reconfigure(0, burstCapacity(sharePerSecond));
  }
}

function allocatedCapacity(ratePerSecond: number): number {
  return (ratePerSecond * PARTITION_ALLOCATED_WINDOW_MS) / 1000;
}

function burstCapacity(sharePerSecond: number): number {
  return (sharePerSecond * PARTITION_BURST_WINDOW_MS) / 1000;
}
