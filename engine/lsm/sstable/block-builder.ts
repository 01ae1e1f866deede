/**
 * Builds one block (data or index) in LevelDB's block format (see FORMAT.md, "Block contents"):
 *
 *   entry*  restart u32 LE *  restartCount u32 LE
 *   entry := shared varint ‖ unshared varint ‖ valueLength varint ‖ key[shared..] ‖ value
 *
 * Keys are prefix-compressed against the previous key, except every `restartInterval`-th entry (a
 * restart point), which stores its whole key so a reader can binary-search the restart points.
 *
 * Concurrency: one owner; synchronous.
 *
 * Invariants:
 * 1. Keys are added in strictly increasing order (the table builder asserts internal order; this
 *    class trusts it).
 * 2. The first entry is a restart point, so restart[0] = 0 and a finished block is never empty.
 */
import { assert } from '../../util/assert.js';
import { writeUint32LE } from '../../util/bytes.js';
import { varintLength, writeVarint } from '../../util/varint.js';

/** Copies src[start, end) to dst at `at`; a plain loop for short runs, which avoids a subarray view. */
export function copyBytes(src: Uint8Array, start: number, end: number, dst: Uint8Array, at: number): void {
  if (end - start <= 32) {
    for (let i = start; i < end; i++) dst[at++] = src[i]!;
  } else {
    dst.set(src.subarray(start, end), at);
  }
}

export class BlockBuilder {
  readonly #restartInterval: number;
  #buffer: Uint8Array;
  #length = 0;
  #restarts: number[] = [0];
  #sinceRestart = 0;
  #entryCount = 0;
  #lastKey: Uint8Array = new Uint8Array(64);
  #lastKeyLength = 0;

  constructor(restartInterval: number, initialBytes = 4096) {
    assert(Number.isInteger(restartInterval) && restartInterval >= 1, 'restartInterval >= 1');
    this.#restartInterval = restartInterval;
    this.#buffer = new Uint8Array(Math.max(64, initialBytes));
  }

  get entryCount(): number {
    return this.#entryCount;
  }

  get empty(): boolean {
    return this.#entryCount === 0;
  }

  /** Size of the block if finished now, restart array included. */
  get estimatedBytes(): number {
    return this.#length + (this.#restarts.length + 1) * 4;
  }

  /** Adds key[keyStart, keyEnd) → value. */
  add(key: Uint8Array, keyStart: number, keyEnd: number, value: Uint8Array): void {
    const keyLength = keyEnd - keyStart;
    let shared = 0;
    if (this.#sinceRestart < this.#restartInterval) {
      const limit = Math.min(keyLength, this.#lastKeyLength);
      const last = this.#lastKey;
      while (shared < limit && last[shared] === key[keyStart + shared]) shared++;
    } else {
      this.#restarts.push(this.#length);
      this.#sinceRestart = 0;
    }
    if (this.#entryCount === 0) shared = 0;
    const unshared = keyLength - shared;
    const needed = varintLength(shared) + varintLength(unshared) + varintLength(value.length) + unshared + value.length;
    this.#reserve(needed);
    let p = writeVarint(this.#buffer, this.#length, shared);
    p = writeVarint(this.#buffer, p, unshared);
    p = writeVarint(this.#buffer, p, value.length);
    copyBytes(key, keyStart + shared, keyEnd, this.#buffer, p);
    p += unshared;
    this.#buffer.set(value, p);
    this.#length = p + value.length;

    if (this.#lastKey.length < keyLength) this.#lastKey = new Uint8Array(Math.max(keyLength, this.#lastKey.length * 2));
    copyBytes(key, keyStart + shared, keyEnd, this.#lastKey, shared);
    this.#lastKeyLength = keyLength;
    this.#sinceRestart++;
    this.#entryCount++;
  }

  /** The last key added (a view into a buffer this builder reuses: copy to keep). */
  lastKey(): Uint8Array {
    return this.#lastKey.subarray(0, this.#lastKeyLength);
  }

  /** Appends the restart array and returns the block contents (a view; valid until reset()). */
  finish(): Uint8Array {
    assert(this.#entryCount > 0, 'a block is never empty');
    const restartCount = this.#restarts.length;
    this.#reserve((restartCount + 1) * 4);
    let p = this.#length;
    for (let i = 0; i < restartCount; i++, p += 4) writeUint32LE(this.#buffer, p, this.#restarts[i]!);
    writeUint32LE(this.#buffer, p, restartCount);
    p += 4;
    return this.#buffer.subarray(0, p);
  }

  reset(): void {
    this.#length = 0;
    this.#restarts = [0];
    this.#sinceRestart = 0;
    this.#entryCount = 0;
    this.#lastKeyLength = 0;
  }

  #reserve(extra: number): void {
    const needed = this.#length + extra;
    if (needed <= this.#buffer.length) return;
    let capacity = this.#buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.#buffer.subarray(0, this.#length));
    this.#buffer = grown;
  }
}
