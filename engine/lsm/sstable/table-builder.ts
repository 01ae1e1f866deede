/**
 * Writes one SSTable (layout in FORMAT.md):
 *
 *   file := dataBlock+ filterBlock? propertiesBlock indexBlock footer
 *   block := payload ‖ type u8 ‖ masked crc32c u32 LE
 *
 * Entries arrive in strictly increasing internal order. Data blocks are cut once they reach
 * `blockBytes` (uncompressed), each compressed with LZ4 when that saves at least
 * COMPRESSION_MIN_SAVING_FRACTION, else stored raw. The index entry for a block is written when the
 * next key arrives, so its separator can be a short key between the two blocks.
 *
 * Concurrency: one owner. add() is synchronous and buffers the whole file in memory; finish() is the
 * only await, and writes the buffer with one append, then syncs and closes the file.
 *
 * Invariants:
 * 1. Keys strictly increase in internal order (asserted in add: an out-of-order key is a caller bug).
 * 2. A finished table has at least one entry (asserted in finish: the store never writes empty tables).
 * 3. The builder is single-use: add() and finish() after finish() are bugs.
 * On a failed finish() the caller closes and removes the file.
 */
import { COMPRESSION_MIN_SAVING_FRACTION, SEQUENCE_MAX } from '../../limits.js';
import { assert, assertionFailed } from '../../util/assert.js';
import { compareByteRanges } from '../../util/bytes.js';
import { writeVarint } from '../../util/varint.js';
import type { WritableFile } from '../../vfs/types.js';
import { TRAILER_BYTES, VALUE_TYPE_FOR_SEEK, ValueType, isValueType, writeTrailer } from '../internal-key.js';
import { BlockBuilder, copyBytes } from './block-builder.js';
import { BloomFilterBuilder } from './bloom.js';
import { lz4Compress } from './compression.js';
import {
  BLOCK_TRAILER_BYTES,
  CompressionType,
  FOOTER_BYTES,
  compareInternalKeyRanges,
  encodeFooter,
  writeBlockTrailer,
  type BlockHandle,
} from './format.js';
import { TABLE_CREATOR, encodeProperties, type TableProperties } from './properties.js';

export interface TableBuilderOptions {
  blockBytes: number;
  restartInterval: number;
  bloomBitsPerKey: number;
  compression: 'lz4' | 'none';
}

export interface TableFileInfo {
  fileNumber: number;
  fileBytes: number;
  entryCount: number;
  /** Encoded internal keys (copies the caller owns). */
  smallestKey: Uint8Array;
  largestKey: Uint8Array;
  smallestSeq: number;
  largestSeq: number;
}

/** The index is decoded whole at open, so it can use prefix compression freely. */
const INDEX_RESTART_INTERVAL = 16;
/** Upper estimate of the properties block's size apart from its two keys. */
const PROPERTIES_FIXED_BYTES_ESTIMATE = 128;

export class TableBuilder {
  readonly #fileNumber: number;
  readonly #options: TableBuilderOptions;
  readonly #data: BlockBuilder;
  readonly #index = new BlockBuilder(INDEX_RESTART_INTERVAL);
  readonly #filter: BloomFilterBuilder | undefined;
  #out: Uint8Array;
  #outLength = 0;
  #key: Uint8Array = new Uint8Array(64);
  #lastKey: Uint8Array = new Uint8Array(64);
  #lastKeyLength = 0;
  #pendingHandle: BlockHandle | undefined;
  readonly #handleScratch = new Uint8Array(16);
  #smallestKey: Uint8Array | undefined;
  #entryCount = 0;
  #deletionCount = 0;
  #rawKeyBytes = 0;
  #rawValueBytes = 0;
  #dataBlockCount = 0;
  #compressedBlockCount = 0;
  #smallestSeq = Number.POSITIVE_INFINITY;
  #largestSeq = -1;
  #finished = false;

  constructor(fileNumber: number, options: TableBuilderOptions) {
    assert(Number.isSafeInteger(fileNumber) && fileNumber >= 0, 'file number is a safe non-negative integer');
    assert(Number.isInteger(options.blockBytes) && options.blockBytes >= 1, 'blockBytes >= 1');
    assert(Number.isInteger(options.bloomBitsPerKey) && options.bloomBitsPerKey >= 0, 'bloomBitsPerKey >= 0');
    this.#fileNumber = fileNumber;
    this.#options = { ...options };
    this.#data = new BlockBuilder(options.restartInterval, options.blockBytes + 256);
    this.#filter = options.bloomBitsPerKey > 0 ? new BloomFilterBuilder(options.bloomBitsPerKey) : undefined;
    this.#out = new Uint8Array(Math.max(4096, options.blockBytes * 4));
  }

  get entryCount(): number {
    return this.#entryCount;
  }

  get estimatedFileBytes(): number {
    const pendingIndexBytes = this.#pendingHandle === undefined && this.#data.empty ? 0 : this.#lastKeyLength + 24;
    return (
      this.#outLength +
      (this.#data.empty ? 0 : this.#data.estimatedBytes + BLOCK_TRAILER_BYTES) +
      this.#index.estimatedBytes +
      pendingIndexBytes +
      BLOCK_TRAILER_BYTES +
      (this.#filter === undefined ? 0 : this.#filter.estimatedBytes + BLOCK_TRAILER_BYTES) +
      PROPERTIES_FIXED_BYTES_ESTIMATE +
      2 * this.#lastKeyLength +
      BLOCK_TRAILER_BYTES +
      FOOTER_BYTES
    );
  }

  add(userKey: Uint8Array, seq: number, type: ValueType, value: Uint8Array): void {
    assert(!this.#finished, 'add after finish');
    if (!(Number.isSafeInteger(seq) && seq >= 0 && seq <= SEQUENCE_MAX)) assertionFailed(`sequence out of range: ${seq}`);
    if (!isValueType(type)) assertionFailed(`bad value type ${String(type)}`);
    const keyLength = userKey.length + TRAILER_BYTES;
    if (this.#key.length < keyLength) this.#key = new Uint8Array(Math.max(keyLength, this.#key.length * 2));
    const key = this.#key;
    copyBytes(userKey, 0, userKey.length, key, 0);
    writeTrailer(key, userKey.length, seq, type);

    let newUserKey = true;
    if (this.#entryCount > 0) {
      const last = this.#lastKey;
      const lastLength = this.#lastKeyLength;
      assert(compareInternalKeyRanges(last, 0, lastLength, key, 0, keyLength) < 0, 'table entries must strictly increase in internal order');
      newUserKey = compareByteRanges(last, 0, lastLength - TRAILER_BYTES, key, 0, userKey.length) !== 0;
      if (this.#pendingHandle !== undefined) {
        this.#addIndexEntry(shortestSeparator(last, lastLength, key, keyLength), this.#pendingHandle);
        this.#pendingHandle = undefined;
      }
    } else {
      this.#smallestKey = key.slice(0, keyLength);
    }
    if (newUserKey && this.#filter !== undefined) this.#filter.addKey(userKey);

    this.#data.add(key, 0, keyLength, value);
    // The current key becomes the last key by swapping buffers (no copy); the next add overwrites #key.
    this.#key = this.#lastKey;
    this.#lastKey = key;
    this.#lastKeyLength = keyLength;

    this.#entryCount++;
    if (type === ValueType.Delete) this.#deletionCount++;
    this.#rawKeyBytes += keyLength;
    this.#rawValueBytes += value.length;
    if (seq < this.#smallestSeq) this.#smallestSeq = seq;
    if (seq > this.#largestSeq) this.#largestSeq = seq;

    if (this.#data.estimatedBytes >= this.#options.blockBytes) this.#flushDataBlock();
  }

  async finish(file: WritableFile): Promise<TableFileInfo> {
    assert(!this.#finished, 'finish called twice');
    assert(this.#entryCount > 0, 'a table has at least one entry');
    assert(file.size === 0, 'a table is written to an empty file');
    this.#finished = true;
    if (!this.#data.empty) this.#flushDataBlock();
    const largestKey = this.#lastKey.slice(0, this.#lastKeyLength);
    assert(this.#pendingHandle !== undefined, 'the last data block awaits its index entry');
    // The last separator is the largest key itself, so the index also records the table's upper bound.
    this.#addIndexEntry(largestKey, this.#pendingHandle);
    this.#pendingHandle = undefined;
    const dataBytes = this.#outLength;

    const filterHandle =
      this.#filter === undefined ? { offset: 0, size: 0 } : this.#writeBlock(this.#filter.finish(), CompressionType.None);
    const properties: TableProperties = {
      entryCount: this.#entryCount,
      deletionCount: this.#deletionCount,
      rawKeyBytes: this.#rawKeyBytes,
      rawValueBytes: this.#rawValueBytes,
      dataBlockCount: this.#dataBlockCount,
      compressedBlockCount: this.#compressedBlockCount,
      dataBytes,
      smallestSeq: this.#smallestSeq,
      largestSeq: this.#largestSeq,
      smallestKey: this.#smallestKey!,
      largestKey,
      compression: this.#options.compression,
      blockBytes: this.#options.blockBytes,
      restartInterval: this.#options.restartInterval,
      bloomBitsPerKey: this.#options.bloomBitsPerKey,
      creator: TABLE_CREATOR,
    };
    const propertiesHandle = this.#writeBlock(encodeProperties(properties), CompressionType.None);
    const indexHandle = this.#writeBlock(this.#index.finish(), CompressionType.None);
    const footer = encodeFooter(
      { index: indexHandle, filter: filterHandle, properties: propertiesHandle },
      this.#fileNumber,
      this.#outLength,
    );
    this.#reserve(FOOTER_BYTES);
    this.#out.set(footer, this.#outLength);
    this.#outLength += FOOTER_BYTES;

    await file.append(this.#out.subarray(0, this.#outLength));
    await file.sync();
    await file.close();
    const info: TableFileInfo = {
      fileNumber: this.#fileNumber,
      fileBytes: this.#outLength,
      entryCount: this.#entryCount,
      smallestKey: this.#smallestKey!,
      largestKey,
      smallestSeq: this.#smallestSeq,
      largestSeq: this.#largestSeq,
    };
    this.#out = new Uint8Array(0); // Release the file image.
    return info;
  }

  #addIndexEntry(separator: Uint8Array, handle: BlockHandle): void {
    let p = writeVarint(this.#handleScratch, 0, handle.offset);
    p = writeVarint(this.#handleScratch, p, handle.size);
    this.#index.add(separator, 0, separator.length, this.#handleScratch.subarray(0, p));
  }

  #flushDataBlock(): void {
    const raw = this.#data.finish();
    let payload = raw;
    let type: CompressionType = CompressionType.None;
    if (this.#options.compression === 'lz4') {
      const compressed = lz4Compress(raw);
      if (compressed.length <= raw.length * (1 - COMPRESSION_MIN_SAVING_FRACTION)) {
        payload = compressed;
        type = CompressionType.Lz4;
        this.#compressedBlockCount++;
      }
    }
    this.#pendingHandle = this.#writeBlock(payload, type);
    this.#dataBlockCount++;
    this.#data.reset();
  }

  #writeBlock(payload: Uint8Array, type: CompressionType): BlockHandle {
    const offset = this.#outLength;
    this.#reserve(payload.length + BLOCK_TRAILER_BYTES);
    this.#out.set(payload, offset);
    writeBlockTrailer(this.#out, offset, payload.length, type, this.#fileNumber, offset);
    this.#outLength = offset + payload.length + BLOCK_TRAILER_BYTES;
    return { offset, size: payload.length };
  }

  #reserve(extra: number): void {
    const needed = this.#outLength + extra;
    if (needed <= this.#out.length) return;
    let capacity = this.#out.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.#out.subarray(0, this.#outLength));
    this.#out = grown;
  }
}

/**
 * A short internal key s with last <= s < next, for an index entry between two blocks (LevelDB's
 * FindShortestSeparator): when the user keys differ at byte i and last[i] + 1 < next[i], s is
 * last's user key cut after byte i with that byte incremented, tagged (SEQUENCE_MAX, Put) so it
 * sorts before every real entry of its user key. Otherwise s is `last` itself.
 */
export function shortestSeparator(last: Uint8Array, lastLength: number, next: Uint8Array, nextLength: number): Uint8Array {
  const lastUser = lastLength - TRAILER_BYTES;
  const nextUser = nextLength - TRAILER_BYTES;
  const limit = Math.min(lastUser, nextUser);
  let shared = 0;
  while (shared < limit && last[shared] === next[shared]) shared++;
  if (shared < limit) {
    const byte = last[shared]!;
    if (byte < 0xff && byte + 1 < next[shared]! && shared + 1 < lastUser) {
      const separator = new Uint8Array(shared + 1 + TRAILER_BYTES);
      separator.set(last.subarray(0, shared), 0);
      separator[shared] = byte + 1;
      writeTrailer(separator, shared + 1, SEQUENCE_MAX, VALUE_TYPE_FOR_SEEK);
      assert(compareInternalKeyRanges(last, 0, lastLength, separator, 0, separator.length) < 0, 'separator > last');
      assert(compareInternalKeyRanges(separator, 0, separator.length, next, 0, nextLength) < 0, 'separator < next');
      return separator;
    }
  }
  return last.slice(0, lastLength);
}

