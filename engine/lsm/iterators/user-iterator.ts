/**
 * The user-facing scan: turns an InternalIterator (every version of every key, tombstones included)
 * into the key/value pairs a reader at `snapshotSeq` sees, within bounds, forward or reverse, up to
 * a limit (LevelDB's DBIter, one direction per iterator).
 *
 * Concurrency: single-threaded; next() is synchronous. The async iterator only wraps next() in a
 * resolved promise, so it never interleaves with anything.
 *
 * Returned keys and values are fresh copies (see copyOf), safe to keep and to mutate: the internal
 * iterator's arrays may be views into blocks that are reused or evicted. Each returned array owns
 * its memory, so keeping one small key never pins a large block. With `borrowValues`, a forward
 * scan returns the internal iterator's value itself (valid until the next step; the caller must
 * not keep or modify it); a reverse scan moves past a value before returning it, so it still copies.
 *
 * Invariants:
 * 1. Forward: between calls the internal iterator is on the entry last returned (or not yet
 *    positioned); `skipKey` holds a user key whose remaining (older) versions must be skipped.
 * 2. Reverse: between calls the internal iterator is on the entry just before (in internal order)
 *    every version of the key last returned, i.e. where the search for the next one starts.
 * 3. Once closed (exhausted, limit reached, return(), or a thrown error), the internal iterator is
 *    closed and onClose has run, each exactly once, and next() only reports done.
 */
import { assert } from '../../util/assert.js';
import { compareBytes } from '../../util/bytes.js';
import { InvalidArgumentError } from '../../util/errors.js';
import { SEQUENCE_MAX } from '../../limits.js';
import { ValueType } from '../internal-key.js';
import type { InternalIterator } from '../iterator.js';
import { copyOutAll } from '../copy-out.js';

export interface ScanBounds {
  gte?: Uint8Array;
  gt?: Uint8Array;
  lte?: Uint8Array;
  lt?: Uint8Array;
}

export type ScanOptions = ScanBounds & { reverse?: boolean; limit?: number; borrowValues?: boolean };

type Entry = [Uint8Array, Uint8Array];

const DONE: IteratorResult<Entry> = Object.freeze({ done: true, value: undefined });

/**
 * Equality scanning from the end: neighbouring keys in a scan share long prefixes, so they differ
 * near the end and this usually stops after a byte or two.
 */
function keysEqual(a: Uint8Array, b: Uint8Array): boolean {
  let i = a.length;
  if (i !== b.length) return false;
  while (i > 0) {
    i--;
    if (a[i] !== b[i]) return false;
  }
  return true;
}

/**
 * A fresh copy the caller owns (copy-out.ts: small ones on the JS heap, mid-sized ones carved from a
 * shared chunk, since a 100-byte typed array of its own costs ~500 ns in V8). Never `slice()`: on a
 * Node Buffer (which a file-backed child may hand out) slice() returns a view, not a copy.
 */
function copyOf(bytes: Uint8Array): Uint8Array {
  return copyOutAll(bytes);
}

export class UserIterator implements IterableIterator<Entry> {
  private readonly internal: InternalIterator;
  private readonly snapshotSeq: number;
  private readonly reverse: boolean;
  private readonly borrowValues: boolean;
  private readonly limit: number;
  private readonly onClose: (() => void) | undefined;
  /** The bound checked while moving (upper going forward, lower in reverse) and whether it is inclusive. */
  private readonly stopKey: Uint8Array | undefined;
  private readonly stopInclusive: boolean;
  private readonly startKey: Uint8Array | undefined;
  private readonly startInclusive: boolean;
  private returnedCount = 0;
  private started = false;
  private closed = false;
  /** Forward: versions of this key still ahead of the internal iterator are hidden. */
  private skipKey: Uint8Array | undefined = undefined;

  /**
   * Takes ownership of `internal`. Throws InvalidArgumentError for gte with gt, lte with lt, a
   * limit that is not a non-negative integer, or a bad snapshot sequence; it then closes `internal`
   * but does not call onClose. Once constructed, onClose runs exactly once.
   */
  constructor(
    internal: InternalIterator,
    snapshotSeq: number,
    options: ScanOptions,
    onClose?: () => void,
  ) {
    this.internal = internal;
    this.onClose = onClose;
    try {
      if (options.gte !== undefined && options.gt !== undefined) throw new InvalidArgumentError('scan: give gte or gt, not both');
      if (options.lte !== undefined && options.lt !== undefined) throw new InvalidArgumentError('scan: give lte or lt, not both');
      const limit = options.limit ?? Number.POSITIVE_INFINITY;
      if (!(limit >= 0) || (limit !== Number.POSITIVE_INFINITY && !Number.isInteger(limit))) {
        throw new InvalidArgumentError('scan: limit must be a non-negative integer');
      }
      if (!Number.isSafeInteger(snapshotSeq) || snapshotSeq < 0) throw new InvalidArgumentError('scan: bad snapshot sequence');
      this.limit = limit;
    } catch (error) {
      // The internal iterator was handed over, and the caller gets no object to close it through,
      // so close it here. onClose belongs to an iterator that was never made: it does not run, and
      // the caller, which sees the throw, releases what onClose would have (store.scan does).
      this.closed = true;
      internal.close();
      throw error;
    }
    this.snapshotSeq = snapshotSeq;
    this.reverse = options.reverse === true;
    this.borrowValues = options.borrowValues === true && !this.reverse;
    const lower = options.gte ?? options.gt;
    const lowerInclusive = options.gt === undefined;
    const upper = options.lte ?? options.lt;
    const upperInclusive = options.lt === undefined;
    // Copy the bounds: the caller may reuse its buffers while the scan is in progress.
    const lowerCopy = lower === undefined ? undefined : copyOf(lower);
    const upperCopy = upper === undefined ? undefined : copyOf(upper);
    if (this.reverse) {
      this.startKey = upperCopy;
      this.startInclusive = upperInclusive;
      this.stopKey = lowerCopy;
      this.stopInclusive = lowerInclusive;
    } else {
      this.startKey = lowerCopy;
      this.startInclusive = lowerInclusive;
      this.stopKey = upperCopy;
      this.stopInclusive = upperInclusive;
    }
    if (this.limit === 0) this.close();
  }

  [Symbol.iterator](): this {
    return this;
  }

  [Symbol.asyncIterator](): AsyncIterator<Entry> {
    return {
      next: (): Promise<IteratorResult<Entry>> => {
        try {
          return Promise.resolve(this.next());
        } catch (error) {
          return Promise.reject(error instanceof Error ? error : new Error(String(error)));
        }
      },
      return: (): Promise<IteratorResult<Entry>> => Promise.resolve(this.return()),
    };
  }

  next(): IteratorResult<Entry> {
    if (this.closed) return DONE;
    let entry: Entry | undefined;
    try {
      entry = this.reverse ? this.findPrevious() : this.findNext();
    } catch (error) {
      this.close();
      throw error;
    }
    if (entry === undefined) {
      this.close();
      return DONE;
    }
    this.returnedCount++;
    if (this.returnedCount >= this.limit) this.close();
    return { done: false, value: entry };
  }

  return(): IteratorResult<Entry> {
    this.close();
    return DONE;
  }

  /** True when `key` lies beyond the bound the scan moves towards. */
  private pastStop(key: Uint8Array): boolean {
    const stop = this.stopKey;
    if (stop === undefined) return false;
    const order = compareBytes(key, stop);
    const beyond = this.reverse ? order < 0 : order > 0;
    return beyond || (order === 0 && !this.stopInclusive);
  }

  private findNext(): Entry | undefined {
    const internal = this.internal;
    if (!this.started) {
      this.started = true;
      const start = this.startKey;
      if (start === undefined) internal.seekToFirst();
      else if (this.startInclusive) internal.seek(start, this.snapshotSeq);
      else {
        // seek(k, 0) stops at k's oldest versions (seq 0 exists after bottom compaction); skip all of k.
        internal.seek(start, 0);
        this.skipKey = start;
      }
    } else if (internal.valid()) {
      internal.next();
    }
    const snapshotSeq = this.snapshotSeq;
    while (internal.valid()) {
      const key = internal.userKey();
      const skipKey = this.skipKey;
      if (skipKey !== undefined && keysEqual(key, skipKey)) {
        internal.next();
        continue;
      }
      // A new user key: check the bound here, before the snapshot filter, so that a run of
      // invisible (newer) versions beyond the bound cannot make the scan read on and on.
      if (this.pastStop(key)) return undefined;
      if (internal.sequence() > snapshotSeq) {
        internal.next();
        continue;
      }
      const keyCopy = copyOf(key);
      this.skipKey = keyCopy;
      if (internal.valueType() === ValueType.Put) return [keyCopy, this.borrowValues ? internal.value() : copyOf(internal.value())];
      internal.next(); // a tombstone hides itself and every older version of its key
    }
    return undefined;
  }

  /**
   * LevelDB's FindPrevUserEntry: going backwards we meet a key's versions oldest first, so we keep
   * the latest visible one seen and stop when the key changes.
   */
  private findPrevious(): Entry | undefined {
    const internal = this.internal;
    if (!this.started) {
      this.started = true;
      this.positionForReverse();
    }
    const snapshotSeq = this.snapshotSeq;
    let savedKey: Uint8Array | undefined;
    let savedValue: Uint8Array | undefined;
    while (internal.valid()) {
      const key = internal.userKey();
      if (savedKey !== undefined) {
        const order = compareBytes(key, savedKey);
        if (order < 0) break; // an earlier key: the saved version is the newest visible one
        assert(order === 0, 'UserIterator: internal iterator went forwards in reverse');
      } else if (this.pastStop(key)) {
        break;
      }
      if (internal.sequence() <= snapshotSeq) {
        if (internal.valueType() === ValueType.Put) {
          savedKey = savedKey ?? copyOf(key);
          savedValue = copyOf(internal.value());
        } else {
          savedKey = undefined;
          savedValue = undefined;
        }
      }
      internal.prev();
    }
    if (savedKey === undefined || savedValue === undefined) return undefined;
    return [savedKey, savedValue];
  }

  /** Puts the internal iterator on the last entry at or below the start bound. */
  private positionForReverse(): void {
    const internal = this.internal;
    const start = this.startKey;
    if (start === undefined) {
      internal.seekToLast();
      return;
    }
    if (this.startInclusive) {
      // Past every version of `start`: seek(start, 0) may stop on its seq-0 versions; step over them.
      internal.seek(start, 0);
      while (internal.valid() && keysEqual(internal.userKey(), start)) internal.next();
    } else {
      internal.seek(start, SEQUENCE_MAX); // the first version of `start` or the next key
    }
    if (internal.valid()) internal.prev();
    else internal.seekToLast();
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.internal.close();
    } finally {
      this.onClose?.();
    }
  }
}
