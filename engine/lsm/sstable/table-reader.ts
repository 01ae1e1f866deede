/**
 * Reads one SSTable: opens it (footer, properties, filter and index, all verified and held in
 * memory), answers point lookups, and hands out iterators. Layout in FORMAT.md.
 *
 * Concurrency: every read is synchronous (ReadableFile.read is synchronous), so a lookup or an
 * iterator step never awaits. Any number of iterators and lookups may interleave on one reader.
 *
 * Invariants:
 * 1. open() either returns a reader whose footer, properties, filter and index passed their checksums
 *    and structure checks, or throws CorruptionError naming the file number.
 * 2. A data block read from the file is checksum-verified (unless verifyChecksums is false) before it
 *    is decoded or cached; cached blocks are trusted.
 * 3. Values returned by get() and by iterators may be views into cached blocks: never mutate them;
 *    copy to keep them beyond the caller's immediate use if that matters to you (blocks are immutable,
 *    so a view stays correct, but it pins the whole block in memory).
 * 4. The cache key is (fileNumber, block index); file numbers are never reused, so cached blocks
 *    outlive close() and stay valid if the table is opened again.
 */
import { ClosedError, CorruptionError } from '../../util/errors.js';
import { readUint32LE } from '../../util/bytes.js';
import { hash32 } from '../../util/hash.js';
import type { ReadableFile } from '../../vfs/types.js';
import { copyOut } from '../copy-out.js';
import { DELETED, ValueType, type LookupResult } from '../internal-key.js';
import type { InternalIterator } from '../iterator.js';
import type { BlockCache, CachedFile } from './block-cache.js';
import { BlockIterator, decodeBlock, type DecodedBlock } from './block-reader.js';
import { BlockLookupResult, LOOKUP_ABSENT, LOOKUP_FOUND, lookupInBlock } from './block-lookup.js';
import { BloomFilterReader } from './bloom.js';
import { lz4Uncompress } from './compression.js';
import {
  BLOCK_TRAILER_BYTES,
  CompressionType,
  FOOTER_BYTES,
  blockChecksum,
  compareInternalKeyRanges,
  corruption,
  decodeFooter,
  type BlockHandle,
} from './format.js';
import { decodeProperties, type TableProperties } from './properties.js';
import { decodeIndex, type TableIndex } from './table-index.js';
import { TableIterator } from './table-iterator.js';

/** #find's outcome for a tombstone (LOOKUP_ABSENT and LOOKUP_FOUND are block-lookup.ts's). */
const FOUND_DELETE = 3;

export interface TableReaderOptions {
  cache: BlockCache | undefined;
  /** Verify data block checksums when reading them from the file (default true). Meta blocks are always verified. */
  verifyChecksums: boolean;
}

export interface TableIteratorOptions {
  /** Insert blocks read by this iterator into the cache (default true; compactions pass false). */
  fillCache?: boolean;
}

export class TableReader {
  readonly fileNumber: number;
  readonly fileBytes: number;
  readonly properties: TableProperties;
  /** Bloom filter use by get(): lookups checked, and those the filter ruled out. */
  readonly filterStats = { checks: 0, negatives: 0 };
  /** The decoded index (shared with this folder's iterators; read-only). */
  readonly index: TableIndex;
  readonly #file: ReadableFile;
  readonly #cache: BlockCache | undefined;
  /** This file's slots in the cache (undefined without a cache). */
  readonly #cachedFile: CachedFile | undefined;
  readonly #verifyChecksums: boolean;
  readonly #filter: BloomFilterReader | undefined;
  /** Reused by get(): lookups are synchronous, so one suffices. */
  readonly #lookup = new BlockIterator();
  /** Where the last #find found its value (read right after, before any other call). */
  readonly #result = new BlockLookupResult();
  #resultData: Uint8Array = new Uint8Array(0);
  #closed = false;

  private constructor(
    file: ReadableFile,
    fileNumber: number,
    options: TableReaderOptions,
    properties: TableProperties,
    filter: BloomFilterReader | undefined,
    index: TableIndex,
  ) {
    this.#file = file;
    this.fileNumber = fileNumber;
    this.fileBytes = file.size;
    this.#cache = options.cache;
    this.#cachedFile = options.cache?.file(fileNumber, index.blockCount);
    this.#verifyChecksums = options.verifyChecksums;
    this.properties = properties;
    this.#filter = filter;
    this.index = index;
  }

  static open(file: ReadableFile, fileNumber: number, options: TableReaderOptions): TableReader {
    const fileBytes = file.size;
    if (fileBytes < FOOTER_BYTES) throw corruption(fileNumber, `file too short (${fileBytes} bytes): truncated`);
    const footer = decodeFooter(file.read(fileBytes - FOOTER_BYTES, FOOTER_BYTES), fileNumber, fileBytes);
    // Meta blocks are contiguous, in this order, right before the footer.
    const hasFilter = footer.filter.size > 0;
    const end = (handle: BlockHandle): number => handle.offset + handle.size + BLOCK_TRAILER_BYTES;
    if (
      (hasFilter && end(footer.filter) !== footer.properties.offset) ||
      end(footer.properties) !== footer.index.offset ||
      end(footer.index) !== fileBytes - FOOTER_BYTES
    ) {
      throw corruption(fileNumber, 'meta block handles out of place');
    }
    const dataEnd = hasFilter ? footer.filter.offset : footer.properties.offset;

    const properties = decodeProperties(readBlock(file, fileNumber, footer.properties, true), fileNumber);
    const filter = hasFilter
      ? new BloomFilterReader(readBlock(file, fileNumber, footer.filter, true), fileNumber)
      : undefined;
    if (hasFilter !== properties.bloomBitsPerKey > 0) throw corruption(fileNumber, 'filter presence disagrees with properties');
    const index = decodeIndex(readBlock(file, fileNumber, footer.index, true), fileNumber, footer.index.offset, dataEnd);

    const lastKeyStart = index.keyOffsets[index.blockCount - 1]!;
    const lastKeyEnd = index.keyOffsets[index.blockCount]!;
    const largest = properties.largestKey;
    if (
      properties.dataBlockCount !== index.blockCount ||
      properties.dataBytes !== dataEnd ||
      compareInternalKeyRanges(index.keyBytes, lastKeyStart, lastKeyEnd, largest, 0, largest.length) !== 0
    ) {
      throw corruption(fileNumber, 'properties disagree with the index');
    }
    return new TableReader(file, fileNumber, options, properties, filter, index);
  }

  mayContain(userKey: Uint8Array): boolean {
    return this.#filter === undefined || this.#filter.mayContain(userKey);
  }

  /**
   * The newest version of userKey with sequence <= seq: its value (a view into the block: see
   * invariant 3), DELETED, or undefined. `keyHash` is hash32(userKey), for callers that ask several
   * tables about one key.
   */
  get(userKey: Uint8Array, seq: number, keyHash: number = hash32(userKey)): LookupResult {
    const found = this.#find(userKey, seq, keyHash);
    if (found !== LOOKUP_FOUND) return found === FOUND_DELETE ? DELETED : undefined;
    const result = this.#result;
    return this.#resultData.subarray(result.valueOffset, result.valueOffset + result.valueLength);
  }

  /** get(), but a found value is a private copy (copy-out.ts) made straight from the block. */
  getCopy(userKey: Uint8Array, seq: number, keyHash: number): LookupResult {
    const found = this.#find(userKey, seq, keyHash);
    if (found !== LOOKUP_FOUND) return found === FOUND_DELETE ? DELETED : undefined;
    const result = this.#result;
    return copyOut(this.#resultData, result.valueOffset, result.valueOffset + result.valueLength);
  }

  /** LOOKUP_FOUND (a Put; value at #resultData[#result]), FOUND_DELETE, or LOOKUP_ABSENT. */
  #find(userKey: Uint8Array, seq: number, keyHash: number): number {
    if (this.#closed) throw new ClosedError(`sstable ${this.fileNumber} is closed`);
    const filter = this.#filter;
    if (filter !== undefined) {
      this.filterStats.checks++;
      if (!filter.mayContainHash(keyHash)) {
        this.filterStats.negatives++;
        return LOOKUP_ABSENT;
      }
    }
    const index = this.index;
    const blockIndex = index.findBlock(userKey, seq);
    if (blockIndex === index.blockCount) return LOOKUP_ABSENT;
    // Separators guarantee that if (userKey, <= seq) is in the table it is in this block.
    const block = this.dataBlock(blockIndex, true);
    const result = this.#result;
    const outcome = lookupInBlock(block, userKey, seq, result, this.fileNumber, index.blockOffsets[blockIndex]!);
    if (outcome === LOOKUP_FOUND) {
      this.#resultData = block.data;
      return result.type === ValueType.Delete ? FOUND_DELETE : LOOKUP_FOUND;
    }
    if (outcome === LOOKUP_ABSENT) return LOOKUP_ABSENT;
    // The shapes lookupInBlock leaves to a full seek (block-lookup.ts).
    const lookup = this.#lookup;
    lookup.reset(block, this.fileNumber, index.blockOffsets[blockIndex]!);
    lookup.seek(userKey, seq);
    if (!lookup.valid() || !lookup.userKeyEquals(userKey)) return LOOKUP_ABSENT;
    if (lookup.valueType() === ValueType.Delete) return FOUND_DELETE;
    const value = lookup.value();
    this.#resultData = block.data;
    result.valueOffset = value.byteOffset - block.data.byteOffset;
    result.valueLength = value.length;
    return LOOKUP_FOUND;
  }

  iterator(options?: TableIteratorOptions): InternalIterator {
    if (this.#closed) throw new ClosedError(`sstable ${this.fileNumber} is closed`);
    return new TableIterator(this, options?.fillCache ?? true);
  }

  /** Data block `blockIndex`, from the cache or the file (verified, decoded, then cached if asked). */
  dataBlock(blockIndex: number, fillCache: boolean): DecodedBlock {
    if (this.#closed) throw new ClosedError(`sstable ${this.fileNumber} is closed`);
    const cache = this.#cache;
    const cachedFile = this.#cachedFile;
    if (cache !== undefined && cachedFile !== undefined) {
      const cached = cache.lookup(cachedFile, blockIndex);
      if (cached !== undefined) return cached;
    }
    const offset = this.index.blockOffsets[blockIndex]!;
    const handle = { offset, size: this.index.blockSizes[blockIndex]! };
    const block = decodeBlock(readBlock(this.#file, this.fileNumber, handle, this.#verifyChecksums), this.fileNumber, offset);
    if (cache !== undefined && cachedFile !== undefined && fillCache) cache.insert(cachedFile, blockIndex, block);
    return block;
  }

  /**
   * Reads every data block from the file (never the cache), verifying its checksum and decoding it,
   * and walks each block's entries. CorruptionError at the first damage. Returns the entry count.
   */
  verify(): number {
    if (this.#closed) throw new ClosedError(`sstable ${this.fileNumber} is closed`);
    let entries = 0;
    for (let blockIndex = 0; blockIndex < this.index.blockCount; blockIndex++) {
      const offset = this.index.blockOffsets[blockIndex]!;
      const handle = { offset, size: this.index.blockSizes[blockIndex]! };
      const block = decodeBlock(readBlock(this.#file, this.fileNumber, handle, true), this.fileNumber, offset);
      const iterator = new BlockIterator();
      iterator.reset(block, this.fileNumber, offset);
      for (iterator.seekToFirst(); iterator.valid(); iterator.next()) entries++;
    }
    if (entries !== this.properties.entryCount) {
      throw new CorruptionError(`sstable ${this.fileNumber}: ${entries} entries, properties say ${this.properties.entryCount}`);
    }
    return entries;
  }

  /** Closes the file. Idempotent. Cached blocks stay (see invariant 4). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#file.close();
  }
}

/** Reads a block's payload and trailer, checks the checksum, and returns the uncompressed payload. */
function readBlock(file: ReadableFile, fileNumber: number, handle: BlockHandle, verify: boolean): Uint8Array {
  const { offset, size } = handle;
  const read = file.read(offset, size + BLOCK_TRAILER_BYTES);
  if (read.length !== size + BLOCK_TRAILER_BYTES) throw corruption(fileNumber, `block at ${offset} truncated`);
  // A plain Uint8Array view (file systems may hand back Buffers), so values compare as Uint8Arrays.
  const bytes = Buffer.isBuffer(read) ? new Uint8Array(read.buffer, read.byteOffset, read.byteLength) : read;
  if (verify && readUint32LE(bytes, size + 1) !== blockChecksum(fileNumber, offset, bytes, size + 1)) {
    throw corruption(fileNumber, `block at ${offset} checksum mismatch`);
  }
  const type = bytes[size]!;
  if (type === CompressionType.None) return bytes.subarray(0, size);
  if (type === CompressionType.Lz4) return lz4Uncompress(bytes.subarray(0, size), fileNumber, offset);
  throw corruption(fileNumber, `block at ${offset} has unknown compression type ${type}`);
}
