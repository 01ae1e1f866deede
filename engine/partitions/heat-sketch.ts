/**
 * Split-on-heat's view of a partition's traffic (ATC 2022 §4.4: "the split point is chosen from the
 * key distribution the partition has observed"), and the split-point choice itself.
 *
 * HeatSketch keeps a ring of the last HEAT_SAMPLES_MAX sampled accesses (one in HEAT_SAMPLE_ONE_IN,
 * chosen by a seeded xorshift so periodic access patterns do not alias): key copy, units, time.
 * The manager samples only while a partition is warm, so cold partitions pay nothing.
 *
 * chooseSplitPoint looks at the samples of the last window, in time order, weighted by units:
 *   - too few samples                                       → none
 *   - one item (exact key) has most of the weight            → single-item: never split for one
 *                                                              item (the manager may isolate it)
 *   - one collection (partition hash) has most of the weight:
 *       samples move monotonically along the keys            → sequential (no split)
 *       splits inside a collection allowed (no LSI)          → split at the weighted median key
 *       otherwise                                            → split at the collection's edge
 *   - several collections: sequential                        → sequential (no split)
 *                          otherwise                         → split at the collection boundary
 *                                                              (4-byte hash) of the weighted median
 * A returned split key lies strictly inside (start, end), so both halves are non-empty ranges.
 *
 * Concurrency: one thread, synchronous; `offer` allocates only for a sampled access.
 * Invariants: 1. at most HEAT_SAMPLES_MAX samples. 2. samples are kept in arrival (time) order.
 */
import {
  HEAT_DOMINANT_FRACTION,
  HEAT_SAMPLE_ONE_IN,
  HEAT_SAMPLES_MAX,
  HEAT_SAMPLES_MIN,
  HEAT_SEQUENTIAL_FRACTION,
} from '../limits.js';
import { compareBytes } from '../util/bytes.js';
import { HASH_SPACE, hashBoundary, hashOfKey } from './key-space.js';
import { oneIn } from './one-in.js';

export interface HeatSample {
  key: Uint8Array;
  units: number;
  atMs: number;
}

export type SplitChoice =
  | { kind: 'none' }
  | { kind: 'single-item'; hash: number }
  | { kind: 'sequential' }
  | { kind: 'split'; key: Uint8Array };

export class HeatSketch {
  readonly #ring: (HeatSample | undefined)[] = new Array<HeatSample | undefined>(HEAT_SAMPLES_MAX);
  #next = 0;
  #count = 0;
  #random = 0;

  constructor(seed: number) {
    this.#random = (seed | 1) >>> 0;
  }

  /** Records the access to the key suffix `key[keyOffset..]` with probability 1 / HEAT_SAMPLE_ONE_IN. */
  offer(key: Uint8Array, units: number, nowMs: number, keyOffset = 0): void {
    let x = this.#random;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#random = x >>> 0;
    if (!oneIn(this.#random, HEAT_SAMPLE_ONE_IN)) return;
    this.record({ key: key.slice(keyOffset), units, atMs: nowMs });
  }

  /** Records a sample unconditionally (tests, and the manager's own bookkeeping). */
  record(sample: HeatSample): void {
    this.#ring[this.#next] = sample;
    this.#next = (this.#next + 1) % HEAT_SAMPLES_MAX;
    if (this.#count < HEAT_SAMPLES_MAX) this.#count++;
  }

  /** Samples no older than `sinceMs`, oldest first. */
  samples(sinceMs: number): HeatSample[] {
    const out: HeatSample[] = [];
    const first = (this.#next - this.#count + HEAT_SAMPLES_MAX) % HEAT_SAMPLES_MAX;
    for (let i = 0; i < this.#count; i++) {
      const sample = this.#ring[(first + i) % HEAT_SAMPLES_MAX]!;
      if (sample.atMs >= sinceMs) out.push(sample);
    }
    return out;
  }

  clear(): void {
    this.#ring.fill(undefined);
    this.#next = 0;
    this.#count = 0;
  }
}

/** Chooses where to split [start, end) from time-ordered samples (see the header). */
export function chooseSplitPoint(
  samples: readonly HeatSample[],
  start: Uint8Array,
  end: Uint8Array | null,
  allowInsideCollection: boolean,
): SplitChoice {
  const inRange = samples.filter((s) => compareBytes(s.key, start) >= 0 && (end === null || compareBytes(s.key, end) < 0));
  if (inRange.length < HEAT_SAMPLES_MIN) return { kind: 'none' };
  let total = 0;
  const byCollection = new Map<number, number>();
  const byItem = new Map<string, number>();
  for (const s of inRange) {
    total += s.units;
    const h = hashOfKey(s.key);
    byCollection.set(h, (byCollection.get(h) ?? 0) + s.units);
    const item = latin1(s.key);
    byItem.set(item, (byItem.get(item) ?? 0) + s.units);
  }
  if (!(total > 0)) return { kind: 'none' };
  const dominant = total * HEAT_DOMINANT_FRACTION;
  for (const [item, weight] of byItem) {
    if (weight >= dominant) return { kind: 'single-item', hash: hashOfKey(fromLatin1(item)) };
  }
  let hotHash = -1;
  for (const [h, weight] of byCollection) if (weight >= dominant) hotHash = h;
  if (hotHash >= 0) {
    const collection = inRange.filter((s) => hashOfKey(s.key) === hotHash);
    if (isSequential(collection)) return { kind: 'sequential' };
    if (allowInsideCollection) return splitAt(weightedMedian(collection), start, end);
    // Only between collections: cut off whichever side of the hot collection is lighter.
    const candidates = [hashBoundary(hotHash)];
    if (hotHash + 1 < HASH_SPACE) candidates.push(hashBoundary(hotHash + 1));
    for (const key of candidates) {
      const choice = splitAt(key, start, end);
      if (choice.kind === 'split') return choice;
    }
    return { kind: 'none' };
  }
  if (isSequential(inRange)) return { kind: 'sequential' };
  const median = hashOfKey(weightedMedian(inRange));
  const choice = splitAt(hashBoundary(median), start, end);
  if (choice.kind === 'split' || median + 1 >= HASH_SPACE) return choice;
  return splitAt(hashBoundary(median + 1), start, end);
}

/** True when consecutive samples move the same way along the key range almost always. */
export function isSequential(samples: readonly HeatSample[]): boolean {
  let up = 0;
  let down = 0;
  for (let i = 1; i < samples.length; i++) {
    const order = compareBytes(samples[i - 1]!.key, samples[i]!.key);
    if (order < 0) up++;
    else if (order > 0) down++;
  }
  const moves = up + down;
  if (moves < HEAT_SAMPLES_MIN / 4) return false;
  return up >= moves * HEAT_SEQUENTIAL_FRACTION || down >= moves * HEAT_SEQUENTIAL_FRACTION;
}

/** The smallest sampled key at which the cumulative weight (in key order) reaches half the total. */
export function weightedMedian(samples: readonly HeatSample[]): Uint8Array {
  const sorted = [...samples].sort((a, b) => compareBytes(a.key, b.key));
  let total = 0;
  for (const s of sorted) total += s.units;
  let sum = 0;
  for (const s of sorted) {
    sum += s.units;
    if (sum * 2 >= total) return s.key;
  }
  return sorted[sorted.length - 1]!.key;
}

function splitAt(key: Uint8Array, start: Uint8Array, end: Uint8Array | null): SplitChoice {
  if (compareBytes(key, start) <= 0) return { kind: 'none' };
  if (end !== null && compareBytes(key, end) >= 0) return { kind: 'none' };
  return { kind: 'split', key };
}

function latin1(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return text;
}

function fromLatin1(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}
