/**
 * The table's bloom filter over USER keys (one per file). A cache-local ("blocked") bloom filter: each
 * key's probes all fall in one 64-byte line, so a lookup costs one cache miss instead of one per probe
 * (RocksDB's FastLocalBloom idea), for a slightly higher false-positive rate (~1.0% instead of ~0.8%
 * at 10 bits/key).
 *
 *   filter := line[lineCount] ‖ probeCount u8        line := 64 bytes = 512 bits
 *   lineCount = max(1, ceil(keyCount × bitsPerKey / 512))
 *
 * For a key: h1 = hash32(userKey) (murmur3, engine/util/hash.ts) picks line h1 mod lineCount;
 * h2 = remix(h1) and delta = h2 rotated right by 17 give the probes by double hashing:
 * g_0 = h2, g_{j+1} = g_j + delta (mod 2^32), probe j sets/tests bit (g_j >>> 23) of the line (its top
 * 9 bits). Bit i of a line lives in byte i >>> 3 at position i & 7.
 * probeCount = round(bitsPerKey × ln 2), clamped to [1, 30].
 *
 * Concurrency: the builder has one owner; a reader is immutable after construction.
 *
 * Invariants:
 * 1. No false negatives: every key added to the builder tests true in the reader built from it.
 * 2. hash32, remix, the line choice and the probing are part of the on-disk format (frozen).
 */
import { assert } from '../../util/assert.js';
import { writeUint32BE } from '../../util/bytes.js';
import { hash32 } from '../../util/hash.js';
import { corruption } from './format.js';

export const BLOOM_LINE_BYTES = 64;
const BLOOM_LINE_BITS = BLOOM_LINE_BYTES * 8;
export const BLOOM_PROBES_MAX = 30;

export function bloomProbeCount(bitsPerKey: number): number {
  return Math.min(BLOOM_PROBES_MAX, Math.max(1, Math.round(bitsPerKey * Math.LN2)));
}

/** murmur3's 32-bit finaliser with other constants: a second hash derived from the first. Frozen. */
export function bloomRemix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

function lineCountFor(keyCount: number, bitsPerKey: number): number {
  return Math.max(1, Math.ceil((keyCount * bitsPerKey) / BLOOM_LINE_BITS));
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
    return lineCountFor(this.#count, this.#bitsPerKey) * BLOOM_LINE_BYTES + 1;
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
    const lineCount = lineCountFor(this.#count, this.#bitsPerKey);
    const byteCount = lineCount * BLOOM_LINE_BYTES;
    const probeCount = bloomProbeCount(this.#bitsPerKey);
    const out = new Uint8Array(byteCount + 1);
    for (let i = 0; i < this.#count; i++) {
      const h1 = this.#hashes[i]!;
      const base = (h1 % lineCount) * BLOOM_LINE_BITS;
      let g = bloomRemix(h1);
      const delta = ((g >>> 17) | (g << 15)) >>> 0;
      for (let j = 0; j < probeCount; j++) {
        const bit = base + (g >>> 23);
        out[bit >>> 3]! |= 1 << (bit & 7);
        g = (g + delta) >>> 0;
      }
    }
    out[byteCount] = probeCount;
    return out;
  }
}

export class BloomFilterReader {
  readonly #bits: Uint8Array;
  readonly #lineCount: number;
  readonly #probeCount: number;

  /** `filter` is a checksum-verified filter block payload. */
  constructor(filter: Uint8Array, fileNumber: number) {
    const byteCount = filter.length - 1;
    if (byteCount < BLOOM_LINE_BYTES || byteCount % BLOOM_LINE_BYTES !== 0) {
      throw corruption(fileNumber, `filter has a bad size (${filter.length} bytes)`);
    }
    const probeCount = filter[byteCount]!;
    if (probeCount < 1 || probeCount > BLOOM_PROBES_MAX) throw corruption(fileNumber, `bad filter probe count ${probeCount}`);
    this.#bits = filter.subarray(0, byteCount);
    this.#lineCount = byteCount / BLOOM_LINE_BYTES;
    this.#probeCount = probeCount;
  }

  get byteCount(): number {
    return this.#bits.length + 1;
  }

  mayContain(userKey: Uint8Array): boolean {
    return this.mayContainHash(hash32(userKey));
  }

  /** mayContain for a key whose hash32 the caller already has (a store get hashes once for all tables). */
  mayContainHash(h1: number): boolean {
    const bits = this.#bits;
    const base = (h1 % this.#lineCount) * BLOOM_LINE_BITS;
    let g = bloomRemix(h1);
    const delta = ((g >>> 17) | (g << 15)) >>> 0;
    for (let j = 0; j < this.#probeCount; j++) {
      const bit = base + (g >>> 23);
      if ((bits[bit >>> 3]! & (1 << (bit & 7))) === 0) return false;
      g = (g + delta) >>> 0;
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
