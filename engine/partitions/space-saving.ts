/**
 * The space-saving sketch (Metwally, Agrawal, El Abbadi, "Efficient Computation of Frequent and
 * Top-k Elements in Data Streams", ICDT 2005), weighted: the heaviest partition keys of one
 * partition by units consumed, for describePartitions (like Contributor Insights).
 *
 * `capacity` counters. A monitored id adds its weight; an unmonitored one takes over the counter
 * with the smallest count m, which becomes m + weight with error m. Guarantees (tested against
 * exact counts): for a monitored id, count − error <= true weight <= count; every id whose true
 * weight exceeds total / capacity is monitored; the smallest count is at most total / capacity.
 *
 * Ids are numbers (the caller uses the 32-bit partition-key hash, so no string is built per call);
 * each counter keeps a copy of the key that claimed it, as its label (copied only on a take-over).
 *
 * Concurrency: one thread, synchronous. A hit costs one Map lookup; a miss on a full sketch scans the
 * counters for the minimum (capacity is small: PARTITION_TOP_KEYS_MAX × 4 at most).
 * Invariants: 1. size <= capacity. 2. slotOf maps exactly the monitored ids to their slots.
 */
import { assert } from '../util/assert.js';

export interface HeavyHitter {
  id: number;
  label: Uint8Array;
  /** Upper bound of the id's weight. */
  count: number;
  /** count − error is a lower bound of the id's weight. */
  error: number;
}

export class SpaceSaving {
  readonly #slotOf = new Map<number, number>();
  readonly #ids: number[] = [];
  readonly #counts: Float64Array;
  readonly #errors: Float64Array;
  readonly #labels: Uint8Array[] = [];
  #total = 0;

  constructor(readonly capacity: number) {
    assert(Number.isInteger(capacity) && capacity >= 1, 'space-saving needs at least one counter');
    this.#counts = new Float64Array(capacity);
    this.#errors = new Float64Array(capacity);
  }

  /** Total weight added. */
  get total(): number {
    return this.#total;
  }

  /** Adds `weight` to `id`; `key` is copied as the label only when `id` claims a counter. */
  add(id: number, weight: number, key: Uint8Array): void {
    this.#total += weight;
    const slot = this.#slotOf.get(id);
    if (slot !== undefined) {
      this.#counts[slot]! += weight;
      return;
    }
    const size = this.#ids.length;
    if (size < this.capacity) {
      this.#slotOf.set(id, size);
      this.#ids.push(id);
      this.#labels.push(key.slice());
      this.#counts[size] = weight;
      this.#errors[size] = 0;
      return;
    }
    const counts = this.#counts;
    let min = 0;
    for (let i = 1; i < size; i++) if (counts[i]! < counts[min]!) min = i;
    this.#slotOf.delete(this.#ids[min]!);
    this.#slotOf.set(id, min);
    this.#ids[min] = id;
    this.#labels[min] = key.slice();
    this.#errors[min] = counts[min]!;
    counts[min] = counts[min]! + weight;
  }

  /** The `n` largest counters, largest first. */
  top(n: number): HeavyHitter[] {
    const out: HeavyHitter[] = [];
    for (let i = 0; i < this.#ids.length; i++) {
      out.push({ id: this.#ids[i]!, label: this.#labels[i]!, count: this.#counts[i]!, error: this.#errors[i]! });
    }
    out.sort((a, b) => b.count - a.count || a.id - b.id);
    return out.slice(0, n);
  }
}
