/**
 * Key bytes for the memtable's comparisons: a numeric prefix of each key, and a slab holding a copy
 * of every key's bytes back to back.
 *
 * Why: a search compares the target with entries it has not touched yet. Comparing cached prefixes
 * (numbers in the tree's own arena) settles most comparisons without reading any key; the rest
 * (equal prefixes) read the slab copy, one cache miss, rather than the caller's key object through
 * an array of references, two or three.
 *
 * Concurrency: single-threaded; append-only, so a key reference stays valid for the slab's life.
 *
 * Invariants:
 * 1. A key reference is offset × KEY_LENGTH_SCALE + length, exact because offsets stay below
 *    SLAB_BYTES_MAX and lengths below KEY_LENGTH_SCALE (2^36 × 2^17 = 2^53).
 * 2. bytes[offset, offset + length) never changes after append() returned the reference.
 */
import { assert } from '../../util/assert.js';
import { sharedBytes } from '../../util/shared-memory.js';

/** Key bytes cached per entry, after its leading zero bytes, as one exact number (6 bytes = 48 bits). */
export const PREFIX_BYTES = 6;
/**
 * Leading zero bytes a prefix skips at most: the count goes above the 48 bits, as
 * (LEADING_ZEROS_MAX − zeros) × 2^48, and 16 × 2^48 + 2^48 <= 2^53 keeps every prefix exact.
 */
const LEADING_ZEROS_MAX = 16;
const WINDOW_SCALE = 2 ** 48;
const KEY_LENGTH_SCALE = 2 ** 17;
const SLAB_BYTES_INITIAL = 64 * 1024;
const SLAB_BYTES_MAX = 2 ** 36;
/** Keys up to this length are copied by a loop, which beats set()'s call overhead. */
const COPY_LOOP_BYTES_MAX = 32;

/**
 * A number that orders keys: a < b implies prefixOf(a) <= prefixOf(b), so unequal prefixes decide a
 * comparison alone. It is the key's leading zero bytes counted (z, at most LEADING_ZEROS_MAX), then
 * the PREFIX_BYTES after them, reading the key as zero-padded: (LEADING_ZEROS_MAX − z) × 2^48 +
 * bytes[z, z + 6) big-endian. Equal prefixes mean the first min(prefixSkip(prefix), a.length,
 * b.length) bytes are equal.
 *
 * Why skip zeros: storage keys start with `tableId u32 | indexId u16` (engine/model/FORMAT.md §2),
 * mostly zero bytes and the same for every item of a table. A prefix of the first six bytes was the
 * same for all of them, so every comparison of a search read the slab (a cache miss each); after
 * the zeros, the window reaches the partition-key hash, which tells nearly every two items apart.
 *
 * Order (keys read as infinite zero-padded sequences, which keeps byte order up to ties): with more
 * leading zeros a key is smaller, and its prefix is below (LEADING_ZEROS_MAX − z + 1) × 2^48, the
 * least prefix of a key with fewer; with as many, the windows at the same offset compare as the keys.
 */
export function prefixOf(key: Uint8Array): number {
  const length = key.length;
  let z = 0;
  while (z < LEADING_ZEROS_MAX && (z >= length || key[z] === 0)) z++;
  const base = (LEADING_ZEROS_MAX - z) * WINDOW_SCALE;
  if (length >= z + PREFIX_BYTES) {
    return base + (key[z]! * 0x100 + key[z + 1]!) * 0x1_0000_0000 + (((key[z + 2]! << 24) | (key[z + 3]! << 16) | (key[z + 4]! << 8) | key[z + 5]!) >>> 0);
  }
  let window = 0;
  for (let i = z; i < z + PREFIX_BYTES; i++) window = window * 0x100 + (i < length ? key[i]! : 0);
  return base + window;
}

/** How many leading bytes two keys with this prefix share (see prefixOf): their zeros and the window. */
export function prefixSkip(prefix: number): number {
  return LEADING_ZEROS_MAX - Math.floor(prefix / WINDOW_SCALE) + PREFIX_BYTES;
}

export function keyLengthOf(reference: number): number {
  return reference % KEY_LENGTH_SCALE;
}

/** Where the key at `reference` starts in the slab's bytes. */
export function keyOffsetOf(reference: number): number {
  return (reference - (reference % KEY_LENGTH_SCALE)) / KEY_LENGTH_SCALE;
}

export class KeySlab {
  #bytes: Uint8Array = sharedBytes(SLAB_BYTES_INITIAL);
  #used = 0;

  /** Copies key into the slab; returns its key reference. */
  append(key: Uint8Array): number {
    const length = key.length;
    assert(length < KEY_LENGTH_SCALE, 'key slab: key too long');
    const offset = this.#used;
    if (offset + length > this.#bytes.length) this.#grow(offset + length);
    const bytes = this.#bytes;
    if (length <= COPY_LOOP_BYTES_MAX) for (let i = 0; i < length; i++) bytes[offset + i] = key[i]!;
    else bytes.set(key, offset);
    this.#used = offset + length;
    return offset * KEY_LENGTH_SCALE + length;
  }

  /** The key at `reference`: a view (of the slab as it was then; bytes never change, invariant 2). */
  view(reference: number): Uint8Array {
    const bytes = this.#bytes;
    return new Uint8Array(bytes.buffer, bytes.byteOffset + keyOffsetOf(reference), keyLengthOf(reference));
  }

  /** The bytes used so far (a view of the slab, shared memory): every key reference handed out names bytes in it. */
  used(): Uint8Array {
    return this.#bytes.subarray(0, this.#used);
  }

  /** Whether the key at `reference` is `key`. */
  equals(reference: number, key: Uint8Array): boolean {
    const length = key.length;
    if (reference % KEY_LENGTH_SCALE !== length) return false;
    const bytes = this.#bytes;
    const start = keyOffsetOf(reference);
    for (let i = 0; i < length; i++) if (bytes[start + i] !== key[i]) return false;
    return true;
  }

  /**
   * compareBytes(slab key at reference, key) for keys whose prefixes both equal `prefix`: their
   * first prefixSkip(prefix) bytes (as far as both go) are then equal, so the loop starts there, and
   * when a key is shorter than that the lengths decide.
   */
  compareAfterPrefix(reference: number, key: Uint8Array, prefix: number): number {
    const bytes = this.#bytes;
    const slabLength = reference % KEY_LENGTH_SCALE;
    const start = (reference - slabLength) / KEY_LENGTH_SCALE;
    const keyLength = key.length;
    const length = slabLength < keyLength ? slabLength : keyLength;
    for (let i = prefixSkip(prefix); i < length; i++) {
      const difference = bytes[start + i]! - key[i]!;
      if (difference !== 0) return difference;
    }
    return slabLength - keyLength;
  }

  #grow(bytesNeeded: number): void {
    let capacity = this.#bytes.length * 2;
    while (capacity < bytesNeeded) capacity *= 2;
    assert(capacity <= SLAB_BYTES_MAX, 'key slab: size bound');
    const grown = sharedBytes(capacity);
    grown.set(this.#bytes.subarray(0, this.#used));
    this.#bytes = grown;
  }
}
