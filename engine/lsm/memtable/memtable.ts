/**
 * The memtable: recent writes, every version, ordered in internal order (user key asc, seq desc),
 * held in memory until the store switches to a fresh memtable and flushes this one to an SSTable.
 * The ordered structure is a B+tree over a typed-array arena (btree.ts); measured against a
 * skiplist (also arena-based, with cached key prefixes) it was 1.5-3x faster on lookups and seeks
 * at 1M entries, and much faster on prev(), because a search touches far fewer cache lines.
 *
 * Concurrency: single-threaded and synchronous. One writer adds; any number of iterators and gets
 * may interleave with adds. An iterator remembers its entry and the tree's version and finds the
 * entry again after inserts moved it; entries added after it was created may or may not be
 * visited (those sorting after its position are), and callers filter by sequence anyway.
 *
 * Invariants:
 * 1. (key, seq) pairs are unique (the caller's guarantee; the tree asserts it).
 * 2. Keys and values are copied in (the tree's slabs): the caller may reuse its buffers once add()
 *    returns. What get() and iterators hand out are views of those copies, not to be written to.
 * 3. approximateBytes === Σ over the first version of each key of (2 × key.length + value.length +
 *    ENTRY_OVERHEAD_BYTES), plus Σ over every later version of (value.length +
 *    VERSION_OVERHEAD_BYTES): a later version shares its key's bytes and tree slot (btree.ts).
 * 4. smallestSeq <= largestSeq whenever entryCount > 0; when empty, smallestSeq is Infinity and
 *    largestSeq is 0 (the identities of min and max over non-negative sequences).
 */
import { assert } from '../../util/assert.js';
import { hash32 } from '../../util/hash.js';
import type { Random } from '../../util/random.js';
import { SEQUENCE_MAX } from '../../limits.js';
import { DELETED, ValueType, type LookupResult } from '../internal-key.js';
import type { InternalIterator } from '../iterator.js';
import { BTree } from './btree.js';
import type { MemtableImage } from './memtable-image.js';

/**
 * Memory charged per entry on top of its key and value bytes and the key's copy. Measured at 1M
 * entries of 16-byte keys (Node 20): the tree's arena costs ~90 bytes per entry at its typical fill
 * and growth slack. The rest was two Uint8Array objects per entry (~50 bytes each), which the
 * memtable no longer keeps (value-slab.ts); the figure stays, so a memtable still holds as many
 * entries as before and flushes as often (the slabs' growth slack and chunk tails take some of it).
 * An estimate for the flush trigger, not an exact account.
 */
export const ENTRY_OVERHEAD_BYTES = 200;

/**
 * Memory charged for a later version of a key the memtable holds, on top of its value bytes: its
 * sequence, key reference, chain links and value-slab index (40 bytes in typed arrays), with their
 * growth slack. Measured (Node 20, 100-byte values, 1,000 keys written 200,000 times): 165 bytes an
 * entry in all, so ~65 on top of the value. It was charged as a first version (2 × key + value +
 * 200 bytes), twice what it takes: a memtable of overwrites flushed at half its budget.
 */
export const VERSION_OVERHEAD_BYTES = 64;

export class Memtable {
  readonly #tree = new BTree();
  #approximateBytes = 0;
  #smallestSeq = Infinity;
  #largestSeq = 0;

  /**
   * `random` is unused: the B+tree's shape is a function of the inserts alone, so it is
   * deterministic without it. The parameter stays so that callers need not change should a
   * randomised structure return.
   */
  constructor(random: Random) {
    void random;
  }

  /** Key and value bytes plus per-entry overheads (invariant 3): the flush trigger. */
  get approximateBytes(): number {
    return this.#approximateBytes;
  }

  get entryCount(): number {
    return this.#tree.size;
  }

  /** Smallest sequence added; Infinity when empty. */
  get smallestSeq(): number {
    return this.#smallestSeq;
  }

  /** Largest sequence added; 0 when empty. */
  get largestSeq(): number {
    return this.#largestSeq;
  }

  /**
   * Inserts one version, copying key and value (invariant 2). (key, seq) pairs are unique; the
   * caller guarantees seq is new.
   */
  add(seq: number, type: ValueType, key: Uint8Array, value: Uint8Array): void {
    assert(Number.isInteger(seq) && seq >= 0 && seq <= SEQUENCE_MAX, 'memtable: sequence out of range');
    assert(type === ValueType.Put || type === ValueType.Delete, 'memtable: bad value type');
    const newKey = this.#tree.insert(key, seq, type, value);
    this.#approximateBytes += newKey ? 2 * key.length + value.length + ENTRY_OVERHEAD_BYTES : value.length + VERSION_OVERHEAD_BYTES;
    if (seq < this.#smallestSeq) this.#smallestSeq = seq;
    if (seq > this.#largestSeq) this.#largestSeq = seq;
  }

  /**
   * The newest version of key with sequence <= seq: its value, DELETED, or undefined if none.
   * `keyHash` is hash32(key) (engine/util/hash.ts), for a caller that has it already.
   */
  get(key: Uint8Array, seq: number, keyHash = hash32(key)): LookupResult {
    const tree = this.#tree;
    const handle = tree.find(key, seq, keyHash);
    if (handle < 0) return undefined;
    return tree.type(handle) === ValueType.Delete ? DELETED : tree.value(handle);
  }

  /** Every version in internal order, with the memory a worker reads it from (memtable-image.ts): for an immutable memtable. */
  image(smallestSnapshot?: number): MemtableImage {
    return this.#tree.image(smallestSnapshot);
  }

  /** An iterator over all versions in internal order; stays usable while adds continue. */
  iterator(): InternalIterator {
    return new MemtableIterator(this.#tree);
  }
}

/**
 * A cursor over the tree. It holds its entry's handle and sequence, which name the entry for good,
 * and its key's leaf position, which an insert of a new key may shift: when the tree's version moved
 * since the cursor last positioned, it finds its entry again before stepping.
 */
class MemtableIterator implements InternalIterator {
  readonly #tree: BTree;
  /** The current entry's handle; -1 when not valid. */
  #handle = -1;
  #sequence = 0;
  #leaf = 0;
  #slot = 0;
  #version = 0;
  #closed = false;
  /** Views of the current entry's key and value, made on first ask (a merge asks for the key often). */
  #key: Uint8Array | undefined = undefined;
  #value: Uint8Array | undefined = undefined;

  constructor(tree: BTree) {
    this.#tree = tree;
  }

  valid(): boolean {
    return this.#handle >= 0;
  }

  seekToFirst(): void {
    this.#assertOpen();
    this.#land(this.#tree.first());
  }

  seekToLast(): void {
    this.#assertOpen();
    this.#land(this.#tree.last());
  }

  seek(userKey: Uint8Array, seq: number): void {
    this.#assertOpen();
    this.#land(this.#tree.lowerBound(userKey, seq));
  }

  next(): void {
    this.#relocate();
    this.#land(this.#tree.after(this.#leaf, this.#slot, this.#handle));
  }

  prev(): void {
    this.#relocate();
    this.#land(this.#tree.before(this.#leaf, this.#slot, this.#handle));
  }

  userKey(): Uint8Array {
    assert(this.#handle >= 0, 'memtable iterator: not valid');
    return (this.#key ??= this.#tree.key(this.#handle));
  }

  sequence(): number {
    assert(this.#handle >= 0, 'memtable iterator: not valid');
    return this.#sequence;
  }

  valueType(): ValueType {
    assert(this.#handle >= 0, 'memtable iterator: not valid');
    return this.#tree.type(this.#handle);
  }

  value(): Uint8Array {
    assert(this.#handle >= 0, 'memtable iterator: not valid');
    return (this.#value ??= this.#tree.value(this.#handle));
  }

  close(): void {
    this.#closed = true;
    this.#handle = -1;
    this.#key = undefined;
    this.#value = undefined;
  }

  /** Takes the position the tree just found; reads the leaf before any insert can shift it. */
  #land(handle: number): void {
    const tree = this.#tree;
    this.#handle = handle;
    this.#key = undefined;
    this.#value = undefined;
    if (handle < 0) return;
    this.#leaf = tree.foundLeaf;
    this.#slot = tree.foundSlot;
    this.#sequence = tree.sequenceOf(handle);
    this.#version = tree.version;
  }

  /** Requires a valid position; refreshes it if inserts may have moved the entry. */
  #relocate(): void {
    const handle = this.#handle;
    assert(handle >= 0, 'memtable iterator: moved while not valid');
    const tree = this.#tree;
    if (this.#version === tree.version) return;
    const found = tree.lowerBound((this.#key ??= tree.key(handle)), this.#sequence);
    assert(found === handle, 'memtable iterator: lost its entry');
    this.#leaf = tree.foundLeaf;
    this.#slot = tree.foundSlot;
    this.#version = tree.version;
  }

  #assertOpen(): void {
    assert(!this.#closed, 'memtable iterator: used after close()');
  }
}
