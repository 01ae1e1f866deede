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
 * Ids are unsigned 32-bit integers (the caller uses the partition-key hash, so no string is built
 * per call); each counter keeps a copy of the key that claimed it, as its label.
 *
 * Hot path (the manager feeds it from charge): allocation-free after warm-up. Ids map to slots in
 * an open-addressing table (linear probing, backward-shift deletion) of int32s, not a Map: hashes
 * above 2^30 are not small integers, and a Map would box them. Labels of up to LABEL_STRIDE_BYTES
 * are copied into one buffer shared by all slots (a fixed stride per slot), so a take-over writes to
 * memory next to the rest of the sketch rather than to a separate object per slot (a cache miss
 * each: one partition's sketch is cold by the time its next sampled request arrives); a longer label
 * goes to a per-slot buffer that is reused when the next long key fits.
 *
 * Concurrency: one thread, synchronous. A hit costs one probe; a miss on a full sketch scans the
 * counters for the minimum (capacity is small: PARTITION_TOP_KEYS_MAX × 4 at most).
 * Invariants: 1. size <= capacity. 2. the table maps exactly the monitored ids to their slots
 *   (slot + 1; 0 = empty), every id reachable from its home position without crossing an empty cell.
 *   3. among equal counts the lowest slot is taken over (slots fill in arrival order).
 */
import { assert } from '../util/assert.js';

/** Bytes of label room per slot in the shared label buffer: storage-key suffixes are mostly shorter. */
const LABEL_STRIDE_BYTES = 48;

export interface HeavyHitter {
  id: number;
  label: Uint8Array;
  /** Upper bound of the id's weight. */
  count: number;
  /** count − error is a lower bound of the id's weight. */
  error: number;
}

export class SpaceSaving {
  /** Position → slot + 1 (0 = empty); a power of two, at least twice the capacity. */
  readonly #table: Int32Array;
  readonly #tableMask: number;
  readonly #tableShift: number;
  readonly #ids: Uint32Array;
  readonly #counts: Float64Array;
  readonly #errors: Float64Array;
  /** Slot i's label is bytes [i × LABEL_STRIDE_BYTES, + labelLengths[i]) when it fits the stride. */
  readonly #labelBytes: Uint8Array;
  /** Per slot: for a label longer than the stride, a buffer whose first labelLengths[slot] bytes are it. */
  readonly #longLabels: (Uint8Array | undefined)[];
  readonly #labelLengths: Uint32Array;
  #size = 0;
  #total = 0;

  constructor(readonly capacity: number) {
    assert(Number.isInteger(capacity) && capacity >= 1, 'space-saving needs at least one counter');
    let bits = 1;
    while (2 ** bits < 2 * capacity) bits++;
    this.#table = new Int32Array(2 ** bits);
    this.#tableMask = 2 ** bits - 1;
    this.#tableShift = 32 - bits;
    this.#ids = new Uint32Array(capacity);
    this.#counts = new Float64Array(capacity);
    this.#errors = new Float64Array(capacity);
    this.#labelLengths = new Uint32Array(capacity);
    this.#labelBytes = new Uint8Array(capacity * LABEL_STRIDE_BYTES);
    this.#longLabels = new Array<Uint8Array | undefined>(capacity).fill(undefined);
  }

  /** Total weight added. */
  get total(): number {
    return this.#total;
  }

  /**
   * Adds `weight` to `id` (a uint32); `key[keyOffset..]` is copied as the label only when `id`
   * claims a counter (the offset spares the caller a view of a storage key's suffix).
   */
  add(id: number, weight: number, key: Uint8Array, keyOffset = 0): void {
    assert(id === id >>> 0, 'space-saving ids are unsigned 32-bit integers');
    this.#total += weight;
    const table = this.#table;
    const mask = this.#tableMask;
    let position = this.#home(id);
    for (let entry = table[position]!; entry !== 0; entry = table[position]!) {
      if (this.#ids[entry - 1] === id) {
        this.#counts[entry - 1]! += weight;
        return;
      }
      position = (position + 1) & mask;
    }
    // `position` is the empty cell ending id's probe sequence.
    const size = this.#size;
    if (size < this.capacity) {
      table[position] = size + 1;
      this.#ids[size] = id;
      this.#setLabel(size, key, keyOffset);
      this.#counts[size] = weight;
      this.#errors[size] = 0;
      this.#size = size + 1;
      return;
    }
    const counts = this.#counts;
    let min = 0;
    for (let i = 1; i < size; i++) if (counts[i]! < counts[min]!) min = i;
    this.#remove(this.#ids[min]!);
    this.#insert(id, min);
    this.#ids[min] = id;
    this.#setLabel(min, key, keyOffset);
    this.#errors[min] = counts[min]!;
    counts[min] = counts[min]! + weight;
  }

  /** The `n` largest counters, largest first. */
  top(n: number): HeavyHitter[] {
    const out: HeavyHitter[] = [];
    for (let i = 0; i < this.#size; i++) {
      out.push({ id: this.#ids[i]!, label: this.#label(i), count: this.#counts[i]!, error: this.#errors[i]! });
    }
    out.sort((a, b) => b.count - a.count || a.id - b.id);
    return out.slice(0, n);
  }

  /** Fibonacci hashing: ids are hashes already, but the low bits of nearby ids must spread too. */
  #home(id: number): number {
    return Math.imul(id, 0x9e3779b1) >>> this.#tableShift;
  }

  #insert(id: number, slot: number): void {
    const table = this.#table;
    let position = this.#home(id);
    while (table[position] !== 0) position = (position + 1) & this.#tableMask;
    table[position] = slot + 1;
  }

  /** Deletes monitored `id` from the table, shifting later entries of its cluster back (no tombstones). */
  #remove(id: number): void {
    const table = this.#table;
    const mask = this.#tableMask;
    let hole = this.#home(id);
    while (this.#ids[table[hole]! - 1] !== id) hole = (hole + 1) & mask;
    let position = hole;
    for (;;) {
      position = (position + 1) & mask;
      const entry = table[position]!;
      if (entry === 0) break;
      const home = this.#home(this.#ids[entry - 1]!);
      // The entry may fill the hole unless its home lies cyclically in (hole, position].
      const homeInside = hole <= position ? home > hole && home <= position : home > hole || home <= position;
      if (!homeInside) {
        table[hole] = entry;
        hole = position;
      }
    }
    table[hole] = 0;
  }

  #setLabel(slot: number, key: Uint8Array, keyOffset: number): void {
    const length = key.length - keyOffset;
    this.#labelLengths[slot] = length;
    if (length <= LABEL_STRIDE_BYTES) {
      // A loop beats TypedArray.prototype.set (a builtin call) for the short keys seen here.
      const labels = this.#labelBytes;
      const base = slot * LABEL_STRIDE_BYTES;
      for (let i = 0; i < length; i++) labels[base + i] = key[keyOffset + i]!;
      return;
    }
    let buffer = this.#longLabels[slot];
    if (buffer === undefined || buffer.length < length) {
      buffer = new Uint8Array(length);
      this.#longLabels[slot] = buffer;
    }
    buffer.set(key.subarray(keyOffset));
  }

  /** A copy of slot's label. */
  #label(slot: number): Uint8Array {
    const length = this.#labelLengths[slot]!;
    if (length <= LABEL_STRIDE_BYTES) return this.#labelBytes.slice(slot * LABEL_STRIDE_BYTES, slot * LABEL_STRIDE_BYTES + length);
    return this.#longLabels[slot]!.slice(0, length);
  }

}
