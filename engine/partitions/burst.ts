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
 * Both buckets live in one Float64Array of this object (no bucket objects), with the hot fields of
 * map-runtime.ts's Lane (which extends this class) after them: V8 keeps a fractional number in an
 * object field as a pointer to a HeapNumber box, so a dozen such fields were a dozen scattered
 * boxes, each a cache miss when a partition's state is cold (as it is between requests to
 * different partitions); in the array they share two cache lines. Measured on GetItem from SSTs
 * (8 alternating processes per mode): the model cost 6.9% of throughput with fields, 4.9% here.
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

/** Slots of BurstingBuckets' fields in its Float64Array; a subclass puts its own after BUCKET_FIELDS. */
export const ALLOCATED_BALANCE = 0;
export const BURST_BALANCE = 1;
const ALLOCATED_CAPACITY = 2;
const BURST_CAPACITY = 3;
const ALLOCATED_RATE_PER_MS = 4;
const LAST_REFILL_MS = 5;
export const BUCKET_FIELDS = 6;

/**
 * BurstingBuckets.refill on the buckets' slots of `f` from offset `o` (the hot path holds the
 * runtime's packed rows, not the object).
 */
export function refillRow(f: Float64Array, o: number, nowMs: number): void {
  const elapsedMs = nowMs - f[o + LAST_REFILL_MS]!;
  if (!(elapsedMs > 0)) return; // same instant, or a clock that stepped back: nothing accrues
  f[o + LAST_REFILL_MS] = nowMs;
  const balance = f[o + ALLOCATED_BALANCE]! + elapsedMs * f[o + ALLOCATED_RATE_PER_MS]!;
  const capacity = f[o + ALLOCATED_CAPACITY]!;
  if (balance <= capacity) {
    f[o + ALLOCATED_BALANCE] = balance;
    return;
  }
  const unused = balance - capacity;
  f[o + ALLOCATED_BALANCE] = capacity;
  if (!(unused > 0)) return;
  const spilled = f[o + BURST_BALANCE]! + unused;
  const burstCapacity = f[o + BURST_CAPACITY]!;
  f[o + BURST_BALANCE] = spilled <= burstCapacity ? spilled : burstCapacity;
}

/** BurstingBuckets.debit on the buckets' slots of `f` from offset `o`. */
export function debitRow(f: Float64Array, o: number, units: number): void {
  const allocated = f[o + ALLOCATED_BALANCE]!;
  if (allocated >= units) {
    f[o + ALLOCATED_BALANCE] = allocated - units;
    return;
  }
  const fromAllocated = allocated > 0 ? allocated : 0;
  const rest = units - fromAllocated;
  f[o + ALLOCATED_BALANCE] = allocated - fromAllocated;
  if (f[o + BURST_BALANCE]! > 0) f[o + BURST_BALANCE] = f[o + BURST_BALANCE]! - rest;
  else f[o + ALLOCATED_BALANCE] = f[o + ALLOCATED_BALANCE]! - rest;
}

export class BurstingBuckets {
  /**
   * The numeric fields, in one Float64Array (slots above; a subclass's after BUCKET_FIELDS): a
   * fractional number in an object field is a pointer to a HeapNumber box in V8, so the hot path's
   * dozen fields were a dozen boxes, each a cache miss when the partition is cold; here they share
   * two cache lines. map-runtime.ts makes it a view of its packed rows (rebind).
   */
  protected fields: Float64Array;

  /** The Float64Array of the numeric fields (a view of map-runtime.ts's packed rows once rebound). */
  get row(): Float64Array {
    return this.fields;
  }

  /** Moves the fields to `view` (as long as they are), values included; later access goes there. */
  rebind(view: Float64Array): void {
    assert(view.length === this.fields.length, 'a rebound row keeps its length');
    view.set(this.fields);
    this.fields = view;
  }

  get allocatedBalance(): number {
    return this.fields[ALLOCATED_BALANCE]!;
  }
  set allocatedBalance(value: number) {
    this.fields[ALLOCATED_BALANCE] = value;
  }
  get burstBalance(): number {
    return this.fields[BURST_BALANCE]!;
  }
  set burstBalance(value: number) {
    this.fields[BURST_BALANCE] = value;
  }
  get allocatedCapacity(): number {
    return this.fields[ALLOCATED_CAPACITY]!;
  }
  get burstCapacity(): number {
    return this.fields[BURST_CAPACITY]!;
  }

  /** `ratePerSecond` includes any boost; `sharePerSecond` (the partition's base share) sizes the burst. */
  constructor(ratePerSecond: number, sharePerSecond: number, nowMs: number, fieldCount = BUCKET_FIELDS) {
    this.fields = new Float64Array(fieldCount);
    this.fill(ratePerSecond, sharePerSecond, nowMs);
  }

  /** Sets rate and share and fills both buckets, as of `nowMs`. */
  fill(ratePerSecond: number, sharePerSecond: number, nowMs: number): void {
    this.reconfigure(ratePerSecond, sharePerSecond);
    const f = this.fields;
    f[ALLOCATED_BALANCE] = f[ALLOCATED_CAPACITY]!;
    f[BURST_BALANCE] = f[BURST_CAPACITY]!;
    f[LAST_REFILL_MS] = nowMs;
  }

  get ratePerSecond(): number {
    return this.fields[ALLOCATED_RATE_PER_MS]! * 1000;
  }

  /** Accrues the time since the last refill into allocated; what overflows it goes to burst. */
  refill(nowMs: number): void {
    refillRow(this.fields, 0, nowMs);
  }

  /** Which bucket would admit a request now (the caller refilled first). */
  source(): Source {
    if (this.allocatedBalance > 0) return 'allocated';
    if (this.burstBalance > 0) return 'burst';
    return 'none';
  }

  /** Debits the actual units: from allocated while it is positive, the rest from burst if it has any. */
  debit(units: number): void {
    debitRow(this.fields, 0, units);
  }

  /** New rate and share (after a boost change or a throughput change); the caller refilled to now. Clamps the balances. */
  reconfigure(ratePerSecond: number, sharePerSecond: number): void {
    assert(ratePerSecond >= 0 && sharePerSecond >= 0, 'a bucket has a non-negative rate and capacity');
    const f = this.fields;
    f[ALLOCATED_RATE_PER_MS] = ratePerSecond / 1000;
    f[ALLOCATED_CAPACITY] = (ratePerSecond * PARTITION_ALLOCATED_WINDOW_MS) / 1000;
    f[BURST_CAPACITY] = (sharePerSecond * PARTITION_BURST_WINDOW_MS) / 1000;
    if (f[ALLOCATED_BALANCE]! > f[ALLOCATED_CAPACITY]!) f[ALLOCATED_BALANCE] = f[ALLOCATED_CAPACITY]!;
    if (f[BURST_BALANCE]! > f[BURST_CAPACITY]!) f[BURST_BALANCE] = f[BURST_CAPACITY]!;
  }
}
