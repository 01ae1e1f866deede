/**
 * A cache of decoded data blocks (uncompressed bytes + parsed restart array) with a byte budget,
 * shared by every table reader of a store. Replacement is CLOCK (second chance), an approximation of
 * LRU whose hit costs one store into the entry.
 *
 * Lookups hash nothing: each file has a CachedFile whose `blocks` array is indexed by block index, so
 * a hit is one array load. (The earlier Map keyed by fileNumber × 2^32 + offset hashed a heap
 * number on every get: ~10% of a point read.) The queue is one intrusive doubly linked list across
 * all files, so the byte budget is global. Why not exact LRU: moving a hit entry to the front writes
 * into its two list neighbours, random blocks' entries that are cold in the CPU cache — measured
 * ~9% of a cached point read at 1M keys, for a hit ratio no better on random reads.
 *
 * Concurrency: single-threaded; every method is synchronous.
 *
 * Invariants:
 * 1. stats.bytes = sum of entries' charges <= capacityBytes after every insert (a block larger than
 *    the whole budget is simply not cached).
 * 2. The list is a queue: head.next is the next entry the clock hand examines, head.prev the one
 *    inserted (or given its second chance) last. A hit only sets its reference bit; eviction takes the
 *    first unreferenced entry from the front, moving referenced ones to the back with the flag cleared.
 * 3. An entry is in the list iff it is in its file's slot (file.entries[entry.blockIndex] === entry,
 *    and file.blocks[entry.blockIndex] === entry.block); eviction clears both.
 * 4. File numbers are never reused by the store, so the blocks of a deleted file are only dead
 *    weight; evictFile() drops them early. A CachedFile outlives a reader's close(): a reader opened
 *    again on the same file number gets the same CachedFile back and its blocks stay valid.
 */
import { assert } from '../../util/assert.js';
import type { DecodedBlock } from './block-reader.js';

class CacheEntry {
  prev: CacheEntry = this;
  next: CacheEntry = this;
  constructor(
    readonly file: CachedFile | undefined,
    readonly blockIndex: number,
    readonly block: DecodedBlock | undefined,
    readonly chargeBytes: number,
  ) {}
}

/**
 * One file's slots in the cache. Obtained from BlockCache.file(); read-only to callers. A hit reads
 * `blocks` and writes `referenced`, both arrays indexed by block index, and touches no entry object:
 * on a random read every object load is a likely CPU cache miss.
 */
export class CachedFile {
  /** blocks[blockIndex] is the cached block, if any. */
  readonly blocks: Array<DecodedBlock | undefined>;
  /** The queue entry of each cached block. */
  readonly entries: Array<CacheEntry | undefined>;
  /** CLOCK's reference bit of each block: 1 when hit since the hand last passed it. */
  readonly referenced: Uint8Array;
  cachedCount = 0;
  constructor(
    readonly fileNumber: number,
    blockCount: number,
  ) {
    this.blocks = new Array<DecodedBlock | undefined>(blockCount).fill(undefined);
    this.entries = new Array<CacheEntry | undefined>(blockCount).fill(undefined);
    this.referenced = new Uint8Array(blockCount);
  }
}

export class BlockCache {
  readonly capacityBytes: number;
  readonly stats = { hits: 0, misses: 0, bytes: 0, entries: 0 };
  readonly #files = new Map<number, CachedFile>();
  /** Sentinel of the circular queue: head.next is examined first, head.prev was queued last. */
  readonly #head = new CacheEntry(undefined, -1, undefined, 0);

  constructor(capacityBytes: number) {
    assert(Number.isSafeInteger(capacityBytes) && capacityBytes >= 0, 'cache capacity is a non-negative integer');
    this.capacityBytes = capacityBytes;
  }

  /** The slots of file `fileNumber` (created on first use); `blockCount` must match across calls. */
  file(fileNumber: number, blockCount: number): CachedFile {
    let file = this.#files.get(fileNumber);
    if (file === undefined) {
      file = new CachedFile(fileNumber, blockCount);
      this.#files.set(fileNumber, file);
    }
    assert(file.blocks.length === blockCount, 'a file keeps its block count');
    return file;
  }

  /** The cached block, counting a hit or a miss. */
  lookup(file: CachedFile, blockIndex: number): DecodedBlock | undefined {
    const block = file.blocks[blockIndex];
    if (block === undefined) {
      this.stats.misses++;
      return undefined;
    }
    this.stats.hits++;
    file.referenced[blockIndex] = 1;
    return block;
  }

  insert(file: CachedFile, blockIndex: number, block: DecodedBlock): void {
    assert(blockIndex >= 0 && blockIndex < file.blocks.length, 'block index inside the file');
    const chargeBytes = block.chargeBytes;
    if (chargeBytes > this.capacityBytes) return;
    // A file evicted (evictFile) while a reader still held its CachedFile is no longer reachable
    // through the map: caching into it would hold memory nothing can find or evict by file.
    if (this.#files.get(file.fileNumber) !== file) return;
    const existing = file.entries[blockIndex];
    if (existing !== undefined) this.#remove(existing);
    while (this.stats.bytes + chargeBytes > this.capacityBytes) this.#evictOne();
    const entry = new CacheEntry(file, blockIndex, block, chargeBytes);
    this.#enqueue(entry);
    file.blocks[blockIndex] = block;
    file.entries[blockIndex] = entry;
    file.referenced[blockIndex] = 0;
    file.cachedCount++;
    this.stats.bytes += chargeBytes;
    this.stats.entries++;
  }

  /** Drops every cached block of a file (call when the file is deleted). */
  evictFile(fileNumber: number): void {
    const file = this.#files.get(fileNumber);
    if (file === undefined) return;
    this.#files.delete(fileNumber);
    const entries = file.entries;
    for (let i = 0; i < entries.length && file.cachedCount > 0; i++) {
      const entry = entries[i];
      if (entry !== undefined) this.#remove(entry);
    }
  }

  clear(): void {
    while (this.#head.next !== this.#head) this.#remove(this.#head.next);
  }

  /** Advances the clock hand to the first unreferenced entry and removes it. */
  #evictOne(): void {
    const head = this.#head;
    for (;;) {
      const entry = head.next;
      assert(entry !== head, 'eviction needs an entry');
      const file = entry.file;
      assert(file !== undefined, 'the sentinel is never queued for eviction');
      if (file.referenced[entry.blockIndex] === 0) {
        this.#remove(entry);
        return;
      }
      file.referenced[entry.blockIndex] = 0;
      entry.prev.next = entry.next;
      entry.next.prev = entry.prev;
      this.#enqueue(entry);
    }
  }

  #enqueue(entry: CacheEntry): void {
    const head = this.#head;
    entry.prev = head.prev;
    entry.next = head;
    head.prev.next = entry;
    head.prev = entry;
  }

  #remove(entry: CacheEntry): void {
    const file = entry.file;
    assert(file !== undefined, 'the sentinel is never removed');
    assert(file.entries[entry.blockIndex] === entry, 'a listed entry is in its slot');
    entry.prev.next = entry.next;
    entry.next.prev = entry.prev;
    entry.prev = entry;
    entry.next = entry;
    file.blocks[entry.blockIndex] = undefined;
    file.entries[entry.blockIndex] = undefined;
    file.cachedCount--;
    this.stats.bytes -= entry.chargeBytes;
    this.stats.entries--;
  }
}
