/**
 * The table's bloom filter over USER keys (one per file), LevelDB's design:
 *
 *   filter := bits[bitCount / 8] ‖ probeCount u8      (bitCount = 8 × byte count, >= 64)
 *
 * A key sets/tests probeCount bits chosen by double hashing h, h + d, h + 2d, ... (mod bitCount) where
 * h = hash32(userKey) (murmur3, engine/util/hash.ts) and d = h rotated right by 17 bits. Bit i lives
 * in byte i >>> 3 at position i & 7. probeCount = round(bitsPerKey × ln 2), clamped to [1, 30].
 *
 * Concurrency: the builder has one owner; a reader is immutable after construction.
 *
 * Invariants:
 * 1. No false negatives: every key added to the builder tests true in the reader built from it.
 * 2. The hash and probing are part of the on-disk format (frozen).
 */
import { assert } from '../../util/assert.js';
import { writeUint32BE } from '../../util/bytes.js';
import { hash32 } from '../../util/hash.js';
import { corruption } from './format.js';

export const BLOOM_BITS_MIN = 64;
export const BLOOM_PROBES_MAX = 30;

export function bloomProbeCount(bitsPerKey: number): number {
  return Math.min(BLOOM_PROBES_MAX, Math.max(1, Math.round(bitsPerKey * Math.LN2)));
}

export class BloomFilterBuilder {
  readonly #bitsPerKey: number;
  #hashes = new Uint32Array(1024);
  #count = 0;

  constructor(bitsPerKey: number) {
    assert(Number.isInteger(bitsPerKey) && bitsPerKey >= 1, 'bloom bitsPerKey >= 1');
    this.#bitsPerKey = bitsPerKey;
  }

  get keyCount(): number {
    return this.#count;
  }

  /** Filter size if finished now. */
  get estimatedBytes(): number {
    return Math.ceil(Math.max(BLOOM_BITS_MIN, this.#count * this.#bitsPerKey) / 8) + 1;
  }

  /** Adds a user key; the caller skips repeats of the same key (they would only cost time). */
  addKey(userKey: Uint8Array): void {
    if (this.#count === this.#hashes.length) {
      const grown = new Uint32Array(this.#hashes.length * 2);
      grown.set(this.#hashes);
      this.#hashes = grown;
    }
    this.#hashes[this.#count++] = hash32(userKey);
  }

  finish(): Uint8Array {
    const byteCount = Math.ceil(Math.max(BLOOM_BITS_MIN, this.#count * this.#bitsPerKey) / 8);
    const bitCount = byteCount * 8;
    const probeCount = bloomProbeCount(this.#bitsPerKey);
    const out = new Uint8Array(byteCount + 1);
    for (let i = 0; i < this.#count; i++) {
      let h = this.#hashes[i]!;
      const delta = ((h >>> 17) | (h << 15)) >>> 0;
      for (let j = 0; j < probeCount; j++) {
        const bit = h % bitCount;
        out[bit >>> 3]! |= 1 << (bit & 7);
        h = (h + delta) >>> 0;
      }
    }
    out[byteCount] = probeCount;
    return out;
  }
}

export class BloomFilterReader {
  readonly #bits: Uint8Array;
  readonly #bitCount: number;
  readonly #probeCount: number;

  /** `filter` is a checksum-verified filter block payload. */
  constructor(filter: Uint8Array, fileNumber: number) {
    const byteCount = filter.length - 1;
    if (byteCount * 8 < BLOOM_BITS_MIN) throw corruption(fileNumber, `filter too short (${filter.length} bytes)`);
    const probeCount = filter[byteCount]!;
    if (probeCount < 1 || probeCount > BLOOM_PROBES_MAX) throw corruption(fileNumber, `bad filter probe count ${probeCount}`);
    this.#bits = filter.subarray(0, byteCount);
    this.#bitCount = byteCount * 8;
    this.#probeCount = probeCount;
  }

  get byteCount(): number {
    return this.#bits.length + 1;
  }

  mayContain(userKey: Uint8Array): boolean {
    const bits = this.#bits;
    const bitCount = this.#bitCount;
    let h = hash32(userKey);
    const delta = ((h >>> 17) | (h << 15)) >>> 0;
    for (let j = 0; j < this.#probeCount; j++) {
      const bit = h % bitCount;
      if ((bits[bit >>> 3]! & (1 << (bit & 7))) === 0) return false;
      h = (h + delta) >>> 0;
    }
    return true;
  }
}

/**
 * Builds a filter over `keyCount` distinct 8-byte keys and probes `probeCount` other keys that were
 * never added; returns the fraction that test positive. Deterministic.
 */
export function measureBloomFalsePositiveRate(bitsPerKey: number, keyCount: number, probeCount: number): number {
  const key = new Uint8Array(8);
  const builder = new BloomFilterBuilder(bitsPerKey);
  for (let i = 0; i < keyCount; i++) {
    writeUint32BE(key, 0, 0x6b657973); // "keys"
    writeUint32BE(key, 4, i);
    builder.addKey(key);
  }
  const reader = new BloomFilterReader(builder.finish(), 0);
  for (let i = 0; i < keyCount; i++) {
    writeUint32BE(key, 0, 0x6b657973);
    writeUint32BE(key, 4, i);
    assert(reader.mayContain(key), 'bloom filter has no false negatives');
  }
  let positives = 0;
  for (let i = 0; i < probeCount; i++) {
    writeUint32BE(key, 0, 0x6e6f7065); // "nope"
    writeUint32BE(key, 4, i);
    if (reader.mayContain(key)) positives++;
  }
  return positives / probeCount;
}
