/**
 * An LRU cache of decoded data blocks (uncompressed bytes + parsed restart array) with a byte budget,
 * shared by every table reader of a store.
 *
 * Lookups hash nothing: each file has a CachedFile whose `slots` array is indexed by block index, so
 * a hit is one array load. (The earlier Map keyed by fileNumber × 2^32 + offset hashed a heap
 * number on every get: ~10% of a point read.) The recency order is one intrusive doubly linked list
 * across all files, so the byte budget is global.
 *
 * Concurrency: single-threaded; every method is synchronous.
 *
 * Invariants:
 * 1. stats.bytes = sum of entries' charges <= capacityBytes after every insert (a block larger than
 *    the whole budget is simply not cached).
 * 2. The list runs from most to least recently used; a hit moves its entry to the front.
 * 3. An entry is in the list iff it is in its file's slot (file.slots[entry.blockIndex] === entry);
 *    eviction clears the slot.
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

/** One file's slots in the cache. Obtained from BlockCache.file(); read-only to callers. */
export class CachedFile {
  /** slots[blockIndex] is the cached entry of that block, if any. */
  readonly slots: Array<CacheEntry | undefined>;
  cachedCount = 0;
  constructor(
    readonly fileNumber: number,
    blockCount: number,
  ) {
    this.slots = new Array<CacheEntry | undefined>(blockCount).fill(undefined);
  }
}

export class BlockCache {
  readonly capacityBytes: number;
  readonly stats = { hits: 0, misses: 0, bytes: 0, entries: 0 };
  readonly #files = new Map<number, CachedFile>();
  /** Sentinel of the circular LRU list: head.next is the most recent, head.prev the least. */
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
    assert(file.slots.length === blockCount, 'a file keeps its block count');
    return file;
  }

  /** The cached block, counting a hit or a miss. */
  lookup(file: CachedFile, blockIndex: number): DecodedBlock | undefined {
    const entry = file.slots[blockIndex];
    if (entry === undefined) {
      this.stats.misses++;
      return undefined;
    }
    this.stats.hits++;
    const head = this.#head;
    if (head.next !== entry) {
      entry.prev.next = entry.next;
      entry.next.prev = entry.prev;
      entry.next = head.next;
      entry.prev = head;
      head.next.prev = entry;
      head.next = entry;
    }
    return entry.block;
  }

  insert(file: CachedFile, blockIndex: number, block: DecodedBlock): void {
    assert(blockIndex >= 0 && blockIndex < file.slots.length, 'block index inside the file');
    const chargeBytes = block.chargeBytes;
    if (chargeBytes > this.capacityBytes) return;
    // A file evicted (evictFile) while a reader still held its CachedFile is no longer reachable
    // through the map: caching into it would hold memory nothing can find or evict by file.
    if (this.#files.get(file.fileNumber) !== file) return;
    const existing = file.slots[blockIndex];
    if (existing !== undefined) this.#remove(existing);
    while (this.stats.bytes + chargeBytes > this.capacityBytes) this.#remove(this.#head.prev);
    const entry = new CacheEntry(file, blockIndex, block, chargeBytes);
    const head = this.#head;
    entry.next = head.next;
    entry.prev = head;
    head.next.prev = entry;
    head.next = entry;
    file.slots[blockIndex] = entry;
    file.cachedCount++;
    this.stats.bytes += chargeBytes;
    this.stats.entries++;
  }

  /** Drops every cached block of a file (call when the file is deleted). */
  evictFile(fileNumber: number): void {
    const file = this.#files.get(fileNumber);
    if (file === undefined) return;
    this.#files.delete(fileNumber);
    const slots = file.slots;
    for (let i = 0; i < slots.length && file.cachedCount > 0; i++) {
      const entry = slots[i];
      if (entry !== undefined) this.#remove(entry);
    }
  }

  clear(): void {
    while (this.#head.next !== this.#head) this.#remove(this.#head.next);
  }

  #remove(entry: CacheEntry): void {
    const file = entry.file;
    assert(file !== undefined, 'the sentinel is never removed');
    assert(file.slots[entry.blockIndex] === entry, 'a listed entry is in its slot');
    entry.prev.next = entry.next;
    entry.next.prev = entry.prev;
    entry.prev = entry;
    entry.next = entry;
    file.slots[entry.blockIndex] = undefined;
    file.cachedCount--;
    this.stats.bytes -= entry.chargeBytes;
    this.stats.entries--;
  }
}
