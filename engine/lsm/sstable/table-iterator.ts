/**
 * The two-level iterator over a table: a position in the in-memory index picks the data block, and a
 * BlockIterator walks inside it, stepping to the neighbouring block at either edge.
 *
 * Concurrency: one owner; synchronous (see engine/lsm/iterator.ts for the contract).
 *
 * Invariants:
 * 1. When valid, #blockIndex names the block the BlockIterator is on, and that iterator is valid.
 * 2. Data blocks are never empty (decodeBlock rejects them), so stepping to a neighbouring block and
 *    seeking to its first or last entry always lands on an entry.
 * 3. userKey() views a scratch buffer that changes when the iterator moves; value() views the block.
 */
import { assert } from '../../util/assert.js';
import type { ValueType } from '../internal-key.js';
import type { InternalIterator } from '../iterator.js';
import { BlockIterator } from './block-reader.js';
import type { TableReader } from './table-reader.js';

export class TableIterator implements InternalIterator {
  readonly #reader: TableReader;
  readonly #fillCache: boolean;
  readonly #block = new BlockIterator();
  #blockIndex = -1;
  #valid = false;
  #closed = false;

  constructor(reader: TableReader, fillCache: boolean) {
    this.#reader = reader;
    this.#fillCache = fillCache;
  }

  valid(): boolean {
    return this.#valid;
  }

  seekToFirst(): void {
    this.#load(0);
    this.#block.seekToFirst();
    this.#valid = this.#block.valid();
  }

  seekToLast(): void {
    this.#load(this.#reader.index.blockCount - 1);
    this.#block.seekToLast();
    this.#valid = this.#block.valid();
  }

  seek(userKey: Uint8Array, seq: number): void {
    const blockIndex = this.#reader.index.findBlock(userKey, seq);
    if (blockIndex === this.#reader.index.blockCount) {
      this.#valid = false;
      return;
    }
    this.#load(blockIndex);
    this.#block.seek(userKey, seq);
    if (this.#block.valid()) {
      this.#valid = true;
      return;
    }
    // The target lies between this block's last key and its separator: the answer starts the next block.
    this.#forwardToNextBlock();
  }

  next(): void {
    assert(this.#valid, 'next() on an invalid iterator');
    this.#block.next();
    if (!this.#block.valid()) this.#forwardToNextBlock();
  }

  prev(): void {
    assert(this.#valid, 'prev() on an invalid iterator');
    this.#block.prev();
    if (this.#block.valid()) return;
    if (this.#blockIndex === 0) {
      this.#valid = false;
      return;
    }
    this.#load(this.#blockIndex - 1);
    this.#block.seekToLast();
    this.#valid = this.#block.valid();
  }

  userKey(): Uint8Array {
    return this.#block.userKey();
  }

  sequence(): number {
    return this.#block.sequence();
  }

  valueType(): ValueType {
    return this.#block.valueType();
  }

  value(): Uint8Array {
    return this.#block.value();
  }

  close(): void {
    this.#closed = true;
    this.#valid = false;
  }

  #forwardToNextBlock(): void {
    if (this.#blockIndex + 1 >= this.#reader.index.blockCount) {
      this.#valid = false;
      return;
    }
    this.#load(this.#blockIndex + 1);
    this.#block.seekToFirst();
    this.#valid = this.#block.valid();
  }

  #load(blockIndex: number): void {
    assert(!this.#closed, 'iterator used after close()');
    this.#valid = false;
    if (blockIndex !== this.#blockIndex || this.#block.block === undefined) {
      const block = this.#reader.dataBlock(blockIndex, this.#fillCache);
      this.#block.reset(block, this.#reader.fileNumber, this.#reader.index.blockOffsets[blockIndex]!);
      this.#blockIndex = blockIndex;
    }
  }
}
