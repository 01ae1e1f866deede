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

/** Leading key bytes cached per entry as one exact number (6 bytes = 48 bits < 2^53). */
export const PREFIX_BYTES = 6;
const KEY_LENGTH_SCALE = 2 ** 17;
const SLAB_BYTES_INITIAL = 64 * 1024;
const SLAB_BYTES_MAX = 2 ** 36;
/** Keys up to this length are copied by a loop, which beats set()'s call overhead. */
const COPY_LOOP_BYTES_MAX = 32;

/**
 * The first PREFIX_BYTES of key, zero-padded, as a big-endian number. Zero padding keeps order:
 * a < b implies prefixOf(a) <= prefixOf(b), so unequal prefixes decide a comparison alone, and
 * equal prefixes mean the first min(PREFIX_BYTES, a.length, b.length) bytes are equal.
 */
export function prefixOf(key: Uint8Array): number {
  const length = key.length;
  if (length >= PREFIX_BYTES) {
    return (
      (key[0]! * 0x100 + key[1]!) * 0x1_0000_0000 +
      (((key[2]! << 24) | (key[3]! << 16) | (key[4]! << 8) | key[5]!) >>> 0)
    );
  }
  let prefix = 0;
  for (let i = 0; i < PREFIX_BYTES; i++) prefix = prefix * 0x100 + (i < length ? key[i]! : 0);
  return prefix;
}

export function keyLengthOf(reference: number): number {
  return reference % KEY_LENGTH_SCALE;
}

export class KeySlab {
  #bytes = new Uint8Array(SLAB_BYTES_INITIAL);
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

  /**
   * compareBytes(slab key at reference, key) for keys whose prefixes are equal: their first
   * min(PREFIX_BYTES, lengths) bytes are then equal, so the loop starts at PREFIX_BYTES, and when
   * a key is shorter than that the lengths decide.
   */
  compareAfterPrefix(reference: number, key: Uint8Array): number {
    const bytes = this.#bytes;
    const slabLength = reference % KEY_LENGTH_SCALE;
    const start = (reference - slabLength) / KEY_LENGTH_SCALE;
    const keyLength = key.length;
    const length = slabLength < keyLength ? slabLength : keyLength;
    for (let i = PREFIX_BYTES; i < length; i++) {
      const difference = bytes[start + i]! - key[i]!;
      if (difference !== 0) return difference;
    }
    return slabLength - keyLength;
  }

  #grow(bytesNeeded: number): void {
    let capacity = this.#bytes.length * 2;
    while (capacity < bytesNeeded) capacity *= 2;
    assert(capacity <= SLAB_BYTES_MAX, 'key slab: size bound');
    const grown = new Uint8Array(capacity);
    grown.set(this.#bytes.subarray(0, this.#used));
    this.#bytes = grown;
  }
}
