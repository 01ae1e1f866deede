/**
 * Reading one decoded block: structure checks on decode, and an iterator with seek/next/prev over its
 * prefix-compressed entries (layout in block-builder.ts and FORMAT.md).
 *
 * Concurrency: a DecodedBlock is immutable and may be shared by the block cache and any number of
 * iterators. A BlockIterator has one owner and is synchronous.
 *
 * Invariants:
 * 1. A DecodedBlock has >= 1 restart, restart[0] = 0, restarts strictly increasing and inside the
 *    entry area (checked once in decodeBlock, so lookups trust them).
 * 2. Each entry is bounds-checked as it is parsed; a restart entry must have shared = 0; every key has
 *    a full 8-byte trailer with a valid type. Violations throw CorruptionError naming the file.
 * 3. value() returns a view into the block (no copy); key bytes live in a scratch buffer the
 *    iterator reuses, so userKey() views change when the iterator moves (copy to keep).
 */
import { compareByteRanges, readUint32LE } from '../../util/bytes.js';
import { readVarint, type VarintResult } from '../../util/varint.js';
import { TRAILER_BYTES, readTrailerSeq, type ValueType } from '../internal-key.js';
import { copyBytes } from './block-builder.js';
import { compareTargetToKey, corruption } from './format.js';

/** Per-entry bookkeeping charged to the cache besides the bytes themselves. */
const BLOCK_OVERHEAD_BYTES = 96;

export class DecodedBlock {
  constructor(
    /** Uncompressed block contents, restart array included. */
    readonly data: Uint8Array,
    readonly restarts: Uint32Array,
    /** Offset where the restart array begins (end of the entries). */
    readonly entriesEnd: number,
  ) {}

  /** Bytes this block holds alive, for the cache's budget. */
  get chargeBytes(): number {
    return this.data.byteLength + this.restarts.byteLength + BLOCK_OVERHEAD_BYTES;
  }
}

export function decodeBlock(data: Uint8Array, fileNumber: number, offset: number): DecodedBlock {
  const length = data.length;
  if (length < 8) throw corruption(fileNumber, `block at ${offset} too short (${length} bytes)`);
  const count = readUint32LE(data, length - 4);
  const maxCount = Math.floor((length - 4) / 4);
  if (count < 1 || count > maxCount) throw corruption(fileNumber, `block at ${offset} has a bad restart count ${count}`);
  const entriesEnd = length - 4 - count * 4;
  if (entriesEnd <= 0) throw corruption(fileNumber, `block at ${offset} has no entries`);
  const restarts = new Uint32Array(count);
  let previous = -1;
  for (let i = 0; i < count; i++) {
    const restart = readUint32LE(data, entriesEnd + i * 4);
    if (restart <= previous || restart >= entriesEnd || (i === 0 && restart !== 0)) {
      throw corruption(fileNumber, `block at ${offset} has a bad restart point ${restart}`);
    }
    restarts[i] = restart;
    previous = restart;
  }
  return new DecodedBlock(data, restarts, entriesEnd);
}

export class BlockIterator {
  #block: DecodedBlock | undefined;
  #data: Uint8Array = new Uint8Array(0);
  #restarts: Uint32Array = new Uint32Array(0);
  #entriesEnd = 0;
  #fileNumber = 0;
  #blockOffset = 0;
  /** Offset of the current entry; === entriesEnd when not valid. */
  #current = 0;
  #next = 0;
  /** Index of the restart interval holding the current entry. */
  #restartIndex = 0;
  #key: Uint8Array = new Uint8Array(256);
  #keyLength = 0;
  #valueOffset = 0;
  #valueLength = 0;
  #userKeyView: Uint8Array | undefined;
  readonly #varint: VarintResult = { value: 0, offset: 0 };

  /** Points the iterator at `block` (not positioned: call a seek method next). */
  reset(block: DecodedBlock, fileNumber: number, blockOffset: number): void {
    this.#block = block;
    this.#data = block.data;
    this.#restarts = block.restarts;
    this.#entriesEnd = block.entriesEnd;
    this.#fileNumber = fileNumber;
    this.#blockOffset = blockOffset;
    this.#current = block.entriesEnd;
    this.#next = block.entriesEnd;
    this.#restartIndex = block.restarts.length;
    this.#keyLength = 0;
    this.#userKeyView = undefined;
  }

  get block(): DecodedBlock | undefined {
    return this.#block;
  }

  valid(): boolean {
    return this.#current < this.#entriesEnd;
  }

  seekToFirst(): void {
    this.#seekToRestart(0);
    this.#parseNext();
  }

  seekToLast(): void {
    this.#seekToRestart(this.#restarts.length - 1);
    while (this.#parseNext() && this.#next < this.#entriesEnd) {
      // Walk to the last entry of the last restart interval.
    }
  }

  /** Positions at the first entry >= (userKey, seq) in internal order; invalid if none in this block. */
  seek(userKey: Uint8Array, seq: number): void {
    // Binary search for the last restart point whose key is < target.
    const data = this.#data;
    let left = 0;
    let right = this.#restarts.length - 1;
    while (left < right) {
      const mid = (left + right + 1) >>> 1;
      const keyStart = this.#restartKeyStart(mid);
      if (compareTargetToKey(userKey, seq, data, keyStart, keyStart + this.#varint.value) > 0) left = mid;
      else right = mid - 1;
    }
    this.#seekToRestart(left);
    while (this.#parseNext()) {
      if (compareTargetToKey(userKey, seq, this.#key, 0, this.#keyLength) <= 0) return;
    }
  }

  next(): void {
    this.#parseNext();
  }

  prev(): void {
    const original = this.#current;
    while (this.#restarts[this.#restartIndex]! >= original) {
      if (this.#restartIndex === 0) {
        this.#invalidate();
        return;
      }
      this.#restartIndex--;
    }
    this.#seekToRestart(this.#restartIndex);
    while (this.#parseNext() && this.#next < original) {
      // Walk forward to the entry just before the original one.
    }
  }

  /** The whole encoded internal key (a view into the scratch buffer). */
  internalKeyBuffer(): Uint8Array {
    return this.#key;
  }

  internalKeyLength(): number {
    return this.#keyLength;
  }

  userKey(): Uint8Array {
    if (this.#userKeyView === undefined) this.#userKeyView = this.#key.subarray(0, this.#keyLength - TRAILER_BYTES);
    return this.#userKeyView;
  }

  /** True when the current entry's user key equals userKey (no allocation). */
  userKeyEquals(userKey: Uint8Array): boolean {
    return compareByteRanges(this.#key, 0, this.#keyLength - TRAILER_BYTES, userKey, 0, userKey.length) === 0;
  }

  sequence(): number {
    return readTrailerSeq(this.#key, this.#keyLength - TRAILER_BYTES);
  }

  valueType(): ValueType {
    // Checked to be 0 or 1 when the entry was parsed.
    return this.#key[this.#keyLength - 1]! as ValueType;
  }

  value(): Uint8Array {
    return this.#data.subarray(this.#valueOffset, this.#valueOffset + this.#valueLength);
  }

  #invalidate(): void {
    this.#current = this.#entriesEnd;
    this.#next = this.#entriesEnd;
    this.#restartIndex = this.#restarts.length;
    this.#keyLength = 0;
    this.#userKeyView = undefined;
  }

  #seekToRestart(index: number): void {
    this.#keyLength = 0;
    this.#restartIndex = index;
    this.#next = this.#restarts[index]!;
  }

  /** Offset of the key at restart `index`; leaves its length in #varint.value. */
  #restartKeyStart(index: number): number {
    const data = this.#data;
    const end = this.#entriesEnd;
    let p = this.#restarts[index]!;
    const v = this.#varint;
    if (data[p] !== 0) throw this.#corrupt(`restart ${index} has shared bytes`);
    p++;
    let keyLength = data[p]!;
    if (keyLength < 0x80 && p < end) {
      p++;
    } else {
      if (!readVarint(data, p, end, v)) throw this.#corrupt('bad key length');
      keyLength = v.value;
      p = v.offset;
    }
    // Skip the value length varint.
    while (p < end && data[p]! >= 0x80) p++;
    p++;
    if (keyLength < TRAILER_BYTES || p + keyLength > end) throw this.#corrupt('key out of bounds');
    v.value = keyLength;
    return p;
  }

  /** Parses the entry at #next into the current position; false (and invalid) at the end. */
  #parseNext(): boolean {
    const data = this.#data;
    const end = this.#entriesEnd;
    let p = this.#next;
    this.#userKeyView = undefined;
    if (p >= end) {
      this.#invalidate();
      return false;
    }
    this.#current = p;
    // Fast path for one-byte varints, which is nearly every entry.
    let shared = data[p]!;
    let unshared = data[p + 1]!;
    let valueLength = data[p + 2]!;
    if ((shared | unshared | valueLength) < 0x80 && p + 3 <= end) {
      p += 3;
    } else {
      const v = this.#varint;
      if (!readVarint(data, p, end, v)) throw this.#corrupt('bad shared length');
      shared = v.value;
      if (!readVarint(data, v.offset, end, v)) throw this.#corrupt('bad unshared length');
      unshared = v.value;
      if (!readVarint(data, v.offset, end, v)) throw this.#corrupt('bad value length');
      valueLength = v.value;
      p = v.offset;
    }
    const keyLength = shared + unshared;
    if (shared > this.#keyLength || keyLength < TRAILER_BYTES || p + unshared + valueLength > end) {
      throw this.#corrupt(`entry at ${this.#current} out of bounds`);
    }
    if (this.#current === this.#restarts[this.#restartIndex + 1]) this.#restartIndex++;
    if (shared !== 0 && this.#current === this.#restarts[this.#restartIndex]) throw this.#corrupt('restart entry has shared bytes');
    if (this.#key.length < keyLength) {
      const grown = new Uint8Array(Math.max(keyLength, this.#key.length * 2));
      grown.set(this.#key.subarray(0, shared));
      this.#key = grown;
    }
    const key = this.#key;
    copyBytes(data, p, p + unshared, key, shared);
    this.#keyLength = keyLength;
    const type = key[keyLength - 1]!;
    if (type > 1) throw this.#corrupt(`bad value type ${type}`);
    this.#valueOffset = p + unshared;
    this.#valueLength = valueLength;
    this.#next = p + unshared + valueLength;
    return true;
  }

  #corrupt(message: string): Error {
    return corruption(this.#fileNumber, `block at ${this.#blockOffset}: ${message}`);
  }
}
