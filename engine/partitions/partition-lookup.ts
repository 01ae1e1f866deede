/**
 * The hot path's key → partition lookup for one map: findPartitionIndex (the last start <= key)
 * answered with, in the common case, one uint32 read of the key and two array loads.
 *
 * Keys start with their 4-byte big-endian partition hash (key-space.ts), and boundaries are mostly
 * 4-byte hash boundaries, so the lookup works on the hash first:
 *   1. a directory over the top `bits` bits of the hash (4 slots per partition, at most 2^16) gives,
 *      for the key's slot, the partitions that can hold it: from the one holding the slot's first
 *      hash to the one holding its last; with even splits that is almost always one partition;
 *   2. otherwise a binary search over the start hashes between those two;
 *   3. only when a start has exactly the key's hash (an isolated collection, a split inside a
 *      collection) are bytes compared, in place on the two arrays (no subarray, no copy).
 * Same answer as findPartitionIndex for every key (tested against a linear scan).
 *
 * Immutable after construction (a map change builds a new lookup); synchronous, allocation-free.
 * Invariants: 1. startHashes[i] = hashOfKey(partitions[i].start), non-decreasing.
 *   2. first[s] = the last i with startHashes[i] <= s << shift; first[2^bits] = partitions − 1.
 */
import { PARTITIONS_PER_MAP_MAX } from '../limits.js';
import { assert } from '../util/assert.js';
import { compareByteRanges } from '../util/bytes.js';
import { hashOfKey } from './key-space.js';
import { startHashesOf, type PartitionRange } from './partition-map.js';

const DIRECTORY_BITS_MAX = 16;
const DIRECTORY_BITS_MIN = 2;
/** Directory slots per partition, as a power of two: 4 keeps most slots inside one partition. */
const SLOTS_PER_PARTITION_BITS = 2;

assert(PARTITIONS_PER_MAP_MAX <= 0xffff, 'partition indexes fit the directory\'s Uint16Array');

export class PartitionLookup {
  readonly #partitions: readonly PartitionRange[];
  readonly #startHashes: Uint32Array;
  readonly #first: Uint16Array;
  readonly #shift: number;

  constructor(partitions: readonly PartitionRange[]) {
    assert(partitions.length >= 1 && partitions.length <= PARTITIONS_PER_MAP_MAX, 'a map has 1..PARTITIONS_PER_MAP_MAX partitions');
    this.#partitions = partitions;
    const startHashes = startHashesOf(partitions);
    this.#startHashes = startHashes;
    const wanted = Math.ceil(Math.log2(partitions.length)) + SLOTS_PER_PARTITION_BITS;
    const bits = Math.min(DIRECTORY_BITS_MAX, Math.max(DIRECTORY_BITS_MIN, wanted));
    this.#shift = 32 - bits;
    const slots = 2 ** bits;
    const first = new Uint16Array(slots + 1);
    let index = 0;
    for (let slot = 0; slot < slots; slot++) {
      const slotStart = slot * 2 ** this.#shift;
      while (index + 1 < startHashes.length && startHashes[index + 1]! <= slotStart) index++;
      first[slot] = index;
    }
    first[slots] = partitions.length - 1;
    this.#first = first;
  }

  /**
   * The index of the partition holding the key suffix `key[keyOffset..]`: the table layer passes
   * whole storage keys with the offset of their suffix, so no view is made per request.
   */
  find(key: Uint8Array, keyOffset = 0): number {
    const o = keyOffset;
    const h = key.length - o >= 4 ? ((key[o]! << 24) | (key[o + 1]! << 16) | (key[o + 2]! << 8) | key[o + 3]!) >>> 0 : hashOfKey(key.subarray(o));
    const slot = h >>> this.#shift;
    const startHashes = this.#startHashes;
    let low = this.#first[slot]!;
    let high = this.#first[slot + 1]!;
    while (low < high) {
      const mid = (low + high + 1) >>> 1;
      if (startHashes[mid]! <= h) low = mid;
      else high = mid - 1;
    }
    // Starts sharing the key's hash: the last one whose bytes are <= key (the empty first start,
    // hash 0, is <= every key). Rare: only isolated collections and splits inside one.
    while (low > 0 && startHashes[low] === h && startAfterKey(this.#partitions[low]!.start, key, o)) low--;
    return low;
  }
}

/** Whether `start` sorts after the suffix key[keyOffset..], compared in place. */
function startAfterKey(start: Uint8Array, key: Uint8Array, keyOffset: number): boolean {
  return compareByteRanges(start, 0, start.length, key, keyOffset, key.length) > 0;
}
