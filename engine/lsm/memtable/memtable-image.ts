/**
 * A memtable's image: its entries in internal order as plain typed arrays, to hand an immutable
 * memtable to a worker thread for its flush (compaction/worker-compaction.ts). The worker walks the
 * image; the main thread only walks the tree's leaves for the order (typed-array reads, no key or
 * value touched) and copies the slabs' used bytes (memcpy).
 *
 * Why: the image replaced a flatten that copied every entry's key and value into one buffer on the
 * main thread (~1 µs an entry, cache misses on scattered views): 60–130 ms a flush of a 16 MB
 * memtable, cut into ~1 ms slices between which requests queued behind it. Making the image costs a
 * few milliseconds, most of it memcpy.
 *
 *   order          per entry in internal order: its handle (2 × insertion number + type) and its
 *                  sequence, side by side (2 numbers an entry)
 *   keyBytes       the key slab's bytes (key-slab.ts); keyReferences[n] names entry n's key in them
 *   values         the value slab's chunks and per-value chunk, offset and length (value-slab.ts)
 *
 * In memory only (never on disk), produced by BTree.image and read by MemtableImageIterator.
 * Every buffer is a fresh copy the image owns: it may be transferred to the worker.
 *
 * Invariants:
 * 1. order lists every entry once, in internal order (key ascending, sequence descending).
 * 2. MemtableImageIterator walks forward only (all writeSortedRun needs); other moves are bugs.
 */
import { assert } from '../../util/assert.js';
import type { ValueType } from '../internal-key.js';
import type { InternalIterator } from '../iterator.js';
import { keyLengthOf, keyOffsetOf } from './key-slab.js';
import { NO_CHUNK, type ValueSlabImage } from './value-slab.js';

export interface MemtableImage {
  order: Float64Array;
  keyBytes: Uint8Array;
  keyReferences: Float64Array;
  values: ValueSlabImage;
}

/** The image's buffers, for a transfer list. */
export function imageBuffers(image: MemtableImage): ArrayBuffer[] {
  const { order, keyBytes, keyReferences, values } = image;
  return [order, keyBytes, keyReferences, values.chunkOf, values.offsetOf, values.lengthOf].map((array) => array.buffer as ArrayBuffer).concat(values.chunks);
}

const EMPTY = new Uint8Array(0);

export class MemtableImageIterator implements InternalIterator {
  readonly #image: MemtableImage;
  /** Index of the current entry in order (2 numbers an entry); order.length when not valid. */
  #at: number;
  #key: Uint8Array = EMPTY;
  #sequence = 0;
  #type: ValueType = 1;
  #value: Uint8Array = EMPTY;

  constructor(image: MemtableImage) {
    this.#image = image;
    this.#at = image.order.length;
  }

  valid(): boolean {
    return this.#at < this.#image.order.length;
  }

  seekToFirst(): void {
    this.#land(0);
  }

  next(): void {
    assert(this.valid(), 'MemtableImageIterator.next while not valid');
    this.#land(this.#at + 2);
  }

  seekToLast(): void {
    assert(false, 'MemtableImageIterator walks forward only');
  }

  seek(): void {
    assert(false, 'MemtableImageIterator walks forward only');
  }

  prev(): void {
    assert(false, 'MemtableImageIterator walks forward only');
  }

  userKey(): Uint8Array {
    return this.#key;
  }

  sequence(): number {
    return this.#sequence;
  }

  valueType(): ValueType {
    return this.#type;
  }

  value(): Uint8Array {
    return this.#value;
  }

  close(): void {
    this.#at = this.#image.order.length;
  }

  #land(at: number): void {
    const { order, keyBytes, keyReferences, values } = this.#image;
    this.#at = at;
    if (at >= order.length) return;
    const handle = order[at]!;
    const n = handle >>> 1;
    assert(n < keyReferences.length, 'memtable image: handle out of range');
    this.#type = (handle & 1) as ValueType;
    this.#sequence = order[at + 1]!;
    const reference = keyReferences[n]!;
    this.#key = new Uint8Array(keyBytes.buffer, keyBytes.byteOffset + keyOffsetOf(reference), keyLengthOf(reference));
    const chunk = values.chunkOf[n]!;
    this.#value = chunk === NO_CHUNK ? EMPTY : new Uint8Array(values.chunks[chunk]!, values.offsetOf[n]!, values.lengthOf[n]!);
  }
}
