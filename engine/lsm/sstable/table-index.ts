/**
 * A table's index block, decoded once at open into flat arrays for binary search:
 * separator keys concatenated in one buffer, plus each data block's handle.
 *
 * The index block is an ordinary block (block-builder.ts) whose entries are
 * separator internal key → handle, handle := offset varint ‖ size varint. Separator i is >= every key
 * of data block i and < every key of block i + 1 (the last separator is the table's largest key).
 *
 * Concurrency: immutable after decodeIndex.
 *
 * Invariants (checked in decodeIndex, trusted by lookups):
 * 1. At least one data block; separators strictly increasing in internal order.
 * 2. Data blocks are contiguous from offset 0: block i + 1 starts right after block i's trailer, and
 *    the last one ends exactly at `dataEnd` (where the first meta block begins).
 */
import { readVarint, type VarintResult } from '../../util/varint.js';
import { BlockIterator, decodeBlock } from './block-reader.js';
import { TRAILER_BYTES } from '../internal-key.js';
import { BLOCK_TRAILER_BYTES, compareInternalKeyRanges, compareTargetToKey, corruption } from './format.js';

export class TableIndex {
  /**
   * Every separator's user key starts with the same `prefixLength` bytes (the common prefix of the
   * first and the last, which bound the rest), and heads[2i], heads[2i + 1] hold separator i's next
   * 8 user-key bytes as two big-endian u32s, zero-padded past the user key's end (interleaved, so
   * one cache line has both). A target sharing that prefix is then ordered against a separator by
   * integer comparisons: a strictly smaller or larger head decides the order (zero padding keeps
   * that exact for shorter keys); equal heads fall back to the full comparison. Keys like
   * zero-padded numbers share long prefixes, so this skips most of each comparison's bytes.
   */
  readonly prefixLength: number;
  readonly heads: Uint32Array;

  constructor(
    readonly blockCount: number,
    /** Separator keys, concatenated; key i is keyBytes[keyOffsets[i], keyOffsets[i + 1]). */
    readonly keyBytes: Uint8Array,
    readonly keyOffsets: Uint32Array,
    readonly blockOffsets: Float64Array,
    readonly blockSizes: Float64Array,
  ) {
    const firstEnd = keyOffsets[1]! - TRAILER_BYTES;
    const lastStart = keyOffsets[blockCount - 1]!;
    const lastEnd = keyOffsets[blockCount]! - TRAILER_BYTES;
    let prefixLength = 0;
    while (
      prefixLength < firstEnd && lastStart + prefixLength < lastEnd &&
      keyBytes[prefixLength] === keyBytes[lastStart + prefixLength]
    ) {
      prefixLength++;
    }
    this.prefixLength = prefixLength;
    this.heads = new Uint32Array(2 * blockCount);
    for (let i = 0; i < blockCount; i++) {
      const start = keyOffsets[i]! + prefixLength;
      const end = keyOffsets[i + 1]! - TRAILER_BYTES;
      this.heads[2 * i] = readHead(keyBytes, start, end);
      this.heads[2 * i + 1] = readHead(keyBytes, start + 4, end);
    }
  }

  /** Index of the first block whose separator is >= (userKey, seq), or blockCount if none. */
  findBlock(userKey: Uint8Array, seq: number): number {
    const keys = this.keyBytes;
    const offsets = this.keyOffsets;
    const prefixLength = this.prefixLength;
    let low = 0;
    let high = this.blockCount;
    let sharesPrefix = userKey.length >= prefixLength;
    for (let i = 0; sharesPrefix && i < prefixLength; i++) sharesPrefix = userKey[i] === keys[i];
    if (sharesPrefix) {
      const head = readHead(userKey, prefixLength, userKey.length);
      const head2 = readHead(userKey, prefixLength + 4, userKey.length);
      const heads = this.heads;
      while (low < high) {
        const mid = (low + high) >>> 1;
        const separatorHead = heads[2 * mid]!;
        let after: boolean;
        if (head !== separatorHead) {
          after = head > separatorHead;
        } else {
          const separatorHead2 = heads[2 * mid + 1]!;
          if (head2 !== separatorHead2) after = head2 > separatorHead2;
          else after = compareTargetToKey(userKey, seq, keys, offsets[mid]!, offsets[mid + 1]!) > 0;
        }
        if (after) low = mid + 1;
        else high = mid;
      }
      return low;
    }
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compareTargetToKey(userKey, seq, keys, offsets[mid]!, offsets[mid + 1]!) > 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Bytes held (for memory accounting by a table cache). */
  get memoryBytes(): number {
    return (
      this.keyBytes.byteLength + this.keyOffsets.byteLength + this.blockOffsets.byteLength + this.blockSizes.byteLength + this.heads.byteLength
    );
  }
}

/** bytes[start, start + 4) as a big-endian u32, reading 0 for positions at or past `end`. */
function readHead(bytes: Uint8Array, start: number, end: number): number {
  if (start + 4 <= end) return ((bytes[start]! << 24) | (bytes[start + 1]! << 16) | (bytes[start + 2]! << 8) | bytes[start + 3]!) >>> 0;
  let head = 0;
  for (let i = 0; i < 4; i++) head = head * 256 + (start + i < end ? bytes[start + i]! : 0);
  return head;
}

export function decodeIndex(payload: Uint8Array, fileNumber: number, indexOffset: number, dataEnd: number): TableIndex {
  const block = decodeBlock(payload, fileNumber, indexOffset);
  const iterator = new BlockIterator();
  iterator.reset(block, fileNumber, indexOffset);
  const keyChunks: Uint8Array[] = [];
  const offsets: number[] = [];
  const sizes: number[] = [];
  let keyTotal = 0;
  const v: VarintResult = { value: 0, offset: 0 };
  let expectedOffset = 0;
  let previous: Uint8Array | undefined;
  for (iterator.seekToFirst(); iterator.valid(); iterator.next()) {
    const key = iterator.internalKeyBuffer().slice(0, iterator.internalKeyLength());
    if (previous !== undefined && compareInternalKeyRanges(previous, 0, previous.length, key, 0, key.length) >= 0) {
      throw corruption(fileNumber, 'index keys out of order');
    }
    previous = key;
    const handle = iterator.value();
    if (!readVarint(handle, 0, handle.length, v)) throw corruption(fileNumber, 'index: bad block offset');
    const offset = v.value;
    if (!readVarint(handle, v.offset, handle.length, v) || v.offset !== handle.length) {
      throw corruption(fileNumber, 'index: bad block size');
    }
    const size = v.value;
    if (offset !== expectedOffset || offset + size + BLOCK_TRAILER_BYTES > dataEnd) {
      throw corruption(fileNumber, `index: block handle (${offset}, ${size}) out of place`);
    }
    expectedOffset = offset + size + BLOCK_TRAILER_BYTES;
    keyChunks.push(key);
    keyTotal += key.length;
    offsets.push(offset);
    sizes.push(size);
  }
  const count = offsets.length;
  if (count === 0) throw corruption(fileNumber, 'index has no blocks');
  if (expectedOffset !== dataEnd) throw corruption(fileNumber, `data blocks end at ${expectedOffset}, not ${dataEnd}`);
  const keyBytes = new Uint8Array(keyTotal);
  const keyOffsets = new Uint32Array(count + 1);
  let at = 0;
  for (let i = 0; i < count; i++) {
    keyOffsets[i] = at;
    keyBytes.set(keyChunks[i]!, at);
    at += keyChunks[i]!.length;
  }
  keyOffsets[count] = at;
  return new TableIndex(count, keyBytes, keyOffsets, Float64Array.from(offsets), Float64Array.from(sizes));
}
