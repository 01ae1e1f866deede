/**
 * An InternalIterator over an in-memory array of entries already in internal order (user key
 * ascending, sequence descending, type descending). Tests use it as a child of the merging and
 * user iterators; the store may use it for small sorted runs.
 *
 * Concurrency: single-threaded, synchronous; the array is never modified while iterated.
 *
 * Invariants:
 * 1. `index` is in [-1, entries.length]; the iterator is valid iff 0 <= index < entries.length.
 *    -1 is "before the first", entries.length is "after the last"; both are invalid positions.
 * 2. The entries are in strict internal order (checked when invariants are enabled).
 * 3. Accessors return the entry's own arrays (no copy), which satisfies contract 2 of
 *    InternalIterator as long as the caller does not mutate the array it passed in.
 */
import { assert, invariants } from '../../util/assert.js';
import { compareBytes } from '../../util/bytes.js';
import type { ValueType } from '../internal-key.js';
import type { InternalIterator } from '../iterator.js';

export interface InternalEntry {
  userKey: Uint8Array;
  seq: number;
  type: ValueType;
  value: Uint8Array;
}

/** Internal order on entries: user key ascending, then sequence descending, then type descending. */
export function compareInternalEntries(a: InternalEntry, b: InternalEntry): number {
  const byUser = compareBytes(a.userKey, b.userKey);
  if (byUser !== 0) return byUser;
  if (a.seq !== b.seq) return b.seq - a.seq;
  return b.type - a.type;
}

export class ArrayIterator implements InternalIterator {
  private readonly entries: readonly InternalEntry[];
  private index: number;

  constructor(entries: readonly InternalEntry[] /* already in internal order */) {
    if (invariants.enabled) {
      for (let i = 1; i < entries.length; i++) {
        assert(compareInternalEntries(entries[i - 1]!, entries[i]!) < 0, 'ArrayIterator: entries not in strict internal order');
      }
    }
    this.entries = entries;
    this.index = entries.length;
  }

  valid(): boolean {
    return this.index >= 0 && this.index < this.entries.length;
  }

  seekToFirst(): void {
    this.index = 0;
  }

  seekToLast(): void {
    this.index = this.entries.length - 1;
  }

  /** First entry with user key > userKey, or user key == userKey and seq <= seq (binary search). */
  seek(userKey: Uint8Array, seq: number): void {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const entry = this.entries[middle]!;
      const byUser = compareBytes(entry.userKey, userKey);
      if (byUser < 0 || (byUser === 0 && entry.seq > seq)) low = middle + 1;
      else high = middle;
    }
    this.index = low;
  }

  next(): void {
    assert(this.valid(), 'ArrayIterator.next: not valid');
    this.index++;
  }

  prev(): void {
    assert(this.valid(), 'ArrayIterator.prev: not valid');
    this.index--;
  }

  userKey(): Uint8Array {
    return this.current().userKey;
  }

  sequence(): number {
    return this.current().seq;
  }

  valueType(): ValueType {
    return this.current().type;
  }

  value(): Uint8Array {
    return this.current().value;
  }

  close(): void {
    // Nothing is pinned; an invalid position keeps stray accessor calls loud.
    this.index = this.entries.length;
  }

  private current(): InternalEntry {
    const entry = this.entries[this.index];
    assert(entry !== undefined, 'ArrayIterator: accessor called while not valid');
    return entry;
  }
}
