/**
 * An LRU cache of decoded data blocks (uncompressed bytes + parsed restart array) with a byte budget,
 * shared by every table reader of a store.
 *
 * Key: fileNumber × 2^32 + blockOffset, a plain number so lookups hash a double, not a string. That is
 * exact while fileNumber < 2^21; beyond it two blocks may share a key, so every entry also records its
 * (fileNumber, offset) and a lookup that finds another block's entry counts as a miss. Correctness
 * therefore never depends on the key being unique.
 *
 * Concurrency: single-threaded; every method is synchronous.
 *
 * Invariants:
 * 1. stats.bytes = sum of entries' charges <= capacityBytes after every insert (a block larger than
 *    the whole budget is simply not cached).
 * 2. The list runs from most to least recently used; a hit moves its entry to the front.
 * 3. File numbers are never reused by the store, so entries of a deleted file are only dead weight;
 *    evictFile() drops them early. Cached blocks stay valid across a reader's close and reopen.
 */
import { assert } from '../../util/assert.js';
import type { DecodedBlock } from './block-reader.js';

class CacheEntry {
  prev: CacheEntry = this;
  next: CacheEntry = this;
  constructor(
    readonly key: number,
    readonly fileNumber: number,
    readonly offset: number,
    readonly block: DecodedBlock | undefined,
    readonly chargeBytes: number,
  ) {}
}

export function blockCacheKey(fileNumber: number, offset: number): number {
  return fileNumber * 0x1_0000_0000 + offset;
}

export class BlockCache {
  readonly capacityBytes: number;
  readonly stats = { hits: 0, misses: 0, bytes: 0, entries: 0 };
  readonly #map = new Map<number, CacheEntry>();
  readonly #byFile = new Map<number, Set<CacheEntry>>();
  /** Sentinel of the circular LRU list: head.next is the most recent, head.prev the least. */
  readonly #head = new CacheEntry(-1, -1, -1, undefined, 0);

  constructor(capacityBytes: number) {
    assert(Number.isSafeInteger(capacityBytes) && capacityBytes >= 0, 'cache capacity is a non-negative integer');
    this.capacityBytes = capacityBytes;
  }

  /** The cached block, counting a hit or a miss. */
  lookup(fileNumber: number, offset: number): DecodedBlock | undefined {
    const entry = this.#map.get(blockCacheKey(fileNumber, offset));
    if (entry === undefined || entry.fileNumber !== fileNumber || entry.offset !== offset) {
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

  insert(fileNumber: number, offset: number, block: DecodedBlock): void {
    const chargeBytes = block.chargeBytes;
    if (chargeBytes > this.capacityBytes) return;
    const key = blockCacheKey(fileNumber, offset);
    const existing = this.#map.get(key);
    if (existing !== undefined) this.#remove(existing);
    while (this.stats.bytes + chargeBytes > this.capacityBytes) this.#remove(this.#head.prev);
    const entry = new CacheEntry(key, fileNumber, offset, block, chargeBytes);
    const head = this.#head;
    entry.next = head.next;
    entry.prev = head;
    head.next.prev = entry;
    head.next = entry;
    this.#map.set(key, entry);
    let entries = this.#byFile.get(fileNumber);
    if (entries === undefined) {
      entries = new Set();
      this.#byFile.set(fileNumber, entries);
    }
    entries.add(entry);
    this.stats.bytes += chargeBytes;
    this.stats.entries++;
  }

  /** Drops every cached block of a file (call when the file is deleted). */
  evictFile(fileNumber: number): void {
    const entries = this.#byFile.get(fileNumber);
    if (entries === undefined) return;
    for (const entry of [...entries]) this.#remove(entry);
  }

  clear(): void {
    while (this.#head.next !== this.#head) this.#remove(this.#head.next);
  }

  #remove(entry: CacheEntry): void {
    assert(entry !== this.#head, 'the sentinel is never removed');
    entry.prev.next = entry.next;
    entry.next.prev = entry.prev;
    entry.prev = entry;
    entry.next = entry;
    if (this.#map.get(entry.key) === entry) this.#map.delete(entry.key);
    const entries = this.#byFile.get(entry.fileNumber);
    if (entries !== undefined) {
      entries.delete(entry);
      if (entries.size === 0) this.#byFile.delete(entry.fileNumber);
    }
    this.stats.bytes -= entry.chargeBytes;
    this.stats.entries--;
  }
}
