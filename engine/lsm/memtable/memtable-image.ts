/**
 * A memtable's image: its entries in internal order, and its memory, to hand an immutable memtable
 * to a worker thread for its flush (compaction/worker-compaction.ts). The main thread only walks the
 * tree's leaves for the order (typed-array reads, no key or value touched); the key and value slabs
 * are shared memory (shared-memory.ts), so the worker reads them where they are, with no copy.
 *
 * Why: the image replaced a flatten that copied every entry's key and value into one buffer on the
 * main thread (~1 µs an entry, cache misses on scattered views): 60–137 ms a flush of a 16 MB
 * memtable, cut into ~1 ms slices between which requests queued behind it.
 *
 *   order          per entry in internal order: its handle (2 × insertion number + type) and its
 *                  sequence, side by side (2 numbers an entry); a fresh buffer, transferred
 *   keyBytes       the key slab's bytes (key-slab.ts); keyReferences[n] names entry n's key in them
 *   values         the value slab's chunks and per-value chunk, offset and length (value-slab.ts)
 *
 * In memory only (never on disk), produced by BTree.image and read by MemtableImageIterator.
 *
 * Concurrency: the image shares the memtable's memory, so the memtable must not change while any
 * thread reads the image: an immutable memtable (the only kind flushed) never does.
 *
 * Invariants:
 * 1. order lists every entry once, in internal order (key ascending, sequence descending) — or,
 *    for an image taken at a smallest snapshot (BTree.image), every entry a flush at that snapshot
 *    keeps: a key's versions down to its newest one at or below the snapshot.
 * 2. MemtableImageIterator walks forward only (all writeSortedRun needs); other moves are bugs.
 */
import { assert } from '../../util/assert.js';
import { movableBuffers } from '../../util/shared-memory.js';
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

/** The image's buffers that may move to another thread (the rest is shared memory, which is shared, not moved). */
export function imageTransferList(image: MemtableImage): ArrayBuffer[] {
  return movableBuffers([image.order, image.keyBytes, image.keyReferences, image.values.chunkOf, image.values.offsetOf, image.values.lengthOf]);
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
