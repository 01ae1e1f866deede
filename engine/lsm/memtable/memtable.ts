/**
 * The memtable: recent writes, every version, ordered in internal order (user key asc, seq desc),
 * held in memory until the store switches to a fresh memtable and flushes this one to an SSTable.
 *
 * Concurrency: single-threaded and synchronous. One writer adds; any number of iterators and gets
 * may interleave with adds. An iterator holds a node position in the skiplist, which stays valid
 * across inserts (see skiplist.ts); entries added after it was created may or may not be visited,
 * and callers filter by sequence anyway.
 *
 * Invariants:
 * 1. (key, seq) pairs are unique (the caller's guarantee; the skiplist asserts it).
 * 2. Keys and values are kept by reference: the caller must not mutate them after add().
 * 3. approximateBytes === Σ(key.length + value.length + ENTRY_OVERHEAD_BYTES) over all entries.
 * 4. smallestSeq <= largestSeq whenever entryCount > 0; when empty, smallestSeq is Infinity and
 *    largestSeq is 0 (the identities of min and max over non-negative sequences).
 */
import { assert } from '../../util/assert.js';
import type { Random } from '../../util/random.js';
import { SEQUENCE_MAX } from '../../limits.js';
import { DELETED, ValueType, type LookupResult } from '../internal-key.js';
import type { InternalIterator } from '../iterator.js';
import { SkipList } from './skiplist.js';

/**
 * Memory charged per entry on top of its key and value bytes. It estimates what the skiplist and
 * the caller's array objects cost: ~30 bytes of skiplist slots (key and value references, sequence,
 * cached prefix, type, height, tower start, ~1.33 links), the slack of doubling growth, and two
 * Uint8Array headers kept alive by reference (~2 × 24 with V8 pointer compression, more when the
 * arrays own their storage). An estimate for the flush trigger, not an exact account.
 */
export const ENTRY_OVERHEAD_BYTES = 80;

export class Memtable {
  readonly #list: SkipList;
  #approximateBytes = 0;
  #smallestSeq = Infinity;
  #largestSeq = 0;

  constructor(random: Random) {
    this.#list = new SkipList(random);
  }

  /** key + value bytes plus ENTRY_OVERHEAD_BYTES per entry (invariant 3). */
  get approximateBytes(): number {
    return this.#approximateBytes;
  }

  get entryCount(): number {
    return this.#list.size;
  }

  /** Smallest sequence added; Infinity when empty. */
  get smallestSeq(): number {
    return this.#smallestSeq;
  }

  /** Largest sequence added; 0 when empty. */
  get largestSeq(): number {
    return this.#largestSeq;
  }

  /** Inserts one version. (key, seq) pairs are unique; the caller guarantees seq is new. */
  add(seq: number, type: ValueType, key: Uint8Array, value: Uint8Array): void {
    assert(Number.isInteger(seq) && seq >= 0 && seq <= SEQUENCE_MAX, 'memtable: sequence out of range');
    assert(type === ValueType.Put || type === ValueType.Delete, 'memtable: bad value type');
    this.#list.insert(key, seq, type, value);
    this.#approximateBytes += key.length + value.length + ENTRY_OVERHEAD_BYTES;
    if (seq < this.#smallestSeq) this.#smallestSeq = seq;
    if (seq > this.#largestSeq) this.#largestSeq = seq;
  }

  /** The newest version of key with sequence <= seq: its value, DELETED, or undefined if none. */
  get(key: Uint8Array, seq: number): LookupResult {
    const list = this.#list;
    const node = list.findGreaterOrEqual(key, seq);
    if (node === 0 || !sameBytes(list.key(node), key)) return undefined;
    return list.type(node) === ValueType.Delete ? DELETED : list.value(node);
  }

  /** An iterator over all versions in internal order; stays usable while adds continue. */
  iterator(): InternalIterator {
    return new MemtableIterator(this.#list);
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  const length = a.length;
  if (length !== b.length) return false;
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Position 0 is the skiplist head, which doubles as "not valid". */
class MemtableIterator implements InternalIterator {
  readonly #list: SkipList;
  #node = 0;
  #closed = false;

  constructor(list: SkipList) {
    this.#list = list;
  }

  valid(): boolean {
    return this.#node !== 0;
  }

  seekToFirst(): void {
    this.#assertOpen();
    this.#node = this.#list.first();
  }

  seekToLast(): void {
    this.#assertOpen();
    this.#node = this.#list.findLast();
  }

  seek(userKey: Uint8Array, seq: number): void {
    this.#assertOpen();
    this.#node = this.#list.findGreaterOrEqual(userKey, seq);
  }

  next(): void {
    assert(this.#node !== 0, 'memtable iterator: next() while not valid');
    this.#node = this.#list.next(this.#node);
  }

  prev(): void {
    assert(this.#node !== 0, 'memtable iterator: prev() while not valid');
    // Singly linked: the predecessor is found by a search, as in LevelDB (O(log n)).
    const list = this.#list;
    this.#node = list.findLessThan(list.key(this.#node), list.sequence(this.#node));
  }

  userKey(): Uint8Array {
    assert(this.#node !== 0, 'memtable iterator: not valid');
    return this.#list.key(this.#node);
  }

  sequence(): number {
    assert(this.#node !== 0, 'memtable iterator: not valid');
    return this.#list.sequence(this.#node);
  }

  valueType(): ValueType {
    assert(this.#node !== 0, 'memtable iterator: not valid');
    return this.#list.type(this.#node);
  }

  value(): Uint8Array {
    assert(this.#node !== 0, 'memtable iterator: not valid');
    return this.#list.value(this.#node);
  }

  close(): void {
    this.#closed = true;
    this.#node = 0;
  }

  #assertOpen(): void {
    assert(!this.#closed, 'memtable iterator: used after close()');
  }
}
