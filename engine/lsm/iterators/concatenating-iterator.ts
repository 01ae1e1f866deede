/**
 * Iterates one sorted level of non-overlapping files as a single InternalIterator (LevelDB's
 * LevelFileNumIterator + TwoLevelIterator, folded into one class). Only the file the iterator is
 * positioned in is open: a child iterator is opened lazily through the callback when the position
 * enters a file and closed when it leaves it.
 *
 * Concurrency: single-threaded, synchronous. The callback may throw (I/O, corruption); the error
 * propagates and the iterator is left invalid.
 *
 * Invariants:
 * 1. files are in internal order and do not overlap: files[i].smallestKey <= files[i].largestKey <
 *    files[i + 1].smallestKey (encoded internal keys; checked when invariants are enabled).
 * 2. `child` is the open iterator of files[fileIndex], or undefined with fileIndex == -1.
 * 3. Between calls, either child is undefined (invalid) or child.valid() — positioning skips files
 *    whose iterator yields nothing at the requested position, and closes the child on running off
 *    either end of the level.
 */
import { assert, invariants } from '../../util/assert.js';
import { compareByteRanges } from '../../util/bytes.js';
import { TRAILER_BYTES, compareInternalKeys, readTrailerSeq, type ValueType } from '../internal-key.js';
import type { InternalIterator } from '../iterator.js';

export interface LevelFile {
  smallestKey: Uint8Array;
  largestKey: Uint8Array;
}

/**
 * Compares an encoded internal key with the seek target (userKey, seq, VALUE_TYPE_FOR_SEEK), in
 * internal order, without encoding the target. Equivalent to compareInternalKeys(key,
 * encodeInternalKey(userKey, seq, VALUE_TYPE_FOR_SEEK)) except that an equal (userKey, seq) with a
 * smaller type gives 0 instead of a positive number — both mean "key >= target", all we ask.
 */
function compareWithTarget(key: Uint8Array, userKey: Uint8Array, seq: number): number {
  const userBytes = key.length - TRAILER_BYTES;
  const byUser = compareByteRanges(key, 0, userBytes, userKey, 0, userKey.length);
  if (byUser !== 0) return byUser;
  return seq - readTrailerSeq(key, userBytes);
}

export class ConcatenatingIterator implements InternalIterator {
  private readonly files: readonly LevelFile[];
  private readonly open: (index: number) => InternalIterator;
  private fileIndex = -1;
  private child: InternalIterator | undefined = undefined;
  private closed = false;

  constructor(files: readonly LevelFile[], open: (index: number) => InternalIterator) {
    if (invariants.enabled) {
      for (let i = 0; i < files.length; i++) {
        const file = files[i]!;
        assert(file.smallestKey.length >= TRAILER_BYTES && file.largestKey.length >= TRAILER_BYTES, 'level file key too short');
        assert(compareInternalKeys(file.smallestKey, file.largestKey) <= 0, 'level file smallest > largest');
        if (i > 0) assert(compareInternalKeys(files[i - 1]!.largestKey, file.smallestKey) < 0, 'level files overlap or are unsorted');
      }
    }
    this.files = files;
    this.open = open;
  }

  valid(): boolean {
    return this.child !== undefined && this.child.valid();
  }

  seekToFirst(): void {
    assert(!this.closed, 'ConcatenatingIterator: used after close');
    if (this.files.length === 0) return this.release();
    this.enterFile(0).seekToFirst();
    this.skipEmptyForward();
  }

  seekToLast(): void {
    assert(!this.closed, 'ConcatenatingIterator: used after close');
    if (this.files.length === 0) return this.release();
    this.enterFile(this.files.length - 1).seekToLast();
    this.skipEmptyBackward();
  }

  seek(userKey: Uint8Array, seq: number): void {
    assert(!this.closed, 'ConcatenatingIterator: used after close');
    // The first file whose largest key is >= the target is the only one that can hold the first
    // entry >= the target: every earlier file ends before it.
    let low = 0;
    let high = this.files.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareWithTarget(this.files[middle]!.largestKey, userKey, seq) < 0) low = middle + 1;
      else high = middle;
    }
    if (low === this.files.length) return this.release();
    this.enterFile(low).seek(userKey, seq);
    this.skipEmptyForward();
  }

  next(): void {
    assert(this.valid(), 'ConcatenatingIterator.next: not valid');
    this.child!.next();
    this.skipEmptyForward();
  }

  prev(): void {
    assert(this.valid(), 'ConcatenatingIterator.prev: not valid');
    this.child!.prev();
    this.skipEmptyBackward();
  }

  userKey(): Uint8Array {
    return this.positioned().userKey();
  }

  sequence(): number {
    return this.positioned().sequence();
  }

  valueType(): ValueType {
    return this.positioned().valueType();
  }

  value(): Uint8Array {
    return this.positioned().value();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.release();
  }

  private positioned(): InternalIterator {
    const child = this.child;
    assert(child !== undefined, 'ConcatenatingIterator: accessor called while not valid');
    return child;
  }

  /** Makes files[index] the open file (reusing its iterator if it is already open). */
  private enterFile(index: number): InternalIterator {
    if (this.child !== undefined && this.fileIndex === index) return this.child;
    this.release();
    const child = this.open(index);
    this.child = child;
    this.fileIndex = index;
    return child;
  }

  private release(): void {
    const child = this.child;
    this.child = undefined;
    this.fileIndex = -1;
    if (child !== undefined) child.close();
  }

  private skipEmptyForward(): void {
    while (this.child !== undefined && !this.child.valid()) {
      const nextIndex = this.fileIndex + 1;
      if (nextIndex >= this.files.length) return this.release();
      this.enterFile(nextIndex).seekToFirst();
    }
  }

  private skipEmptyBackward(): void {
    while (this.child !== undefined && !this.child.valid()) {
      const previousIndex = this.fileIndex - 1;
      if (previousIndex < 0) return this.release();
      this.enterFile(previousIndex).seekToLast();
    }
  }
}
