/**
 * An ordered set of (user key, sequence) entries: a B+tree whose nodes live in one Float64Array
 * arena, with positions that cursors can hold across inserts.
 *
 * Why this shape: a memtable holds ~10^5..10^6 entries, and at that size a lookup is bound by cache
 * and TLB misses, not instructions. A skiplist touches ~2·log2(n) scattered nodes per search; this
 * tree touches ~log_45(n) nodes, and inside a node it binary-searches a contiguous run of cached key
 * prefixes (six key bytes after its leading zeros as one exact number, see key-slab.ts), so few
 * comparisons go further.
 * Those that do (equal prefixes: the key itself, its other versions, keys sharing a prefix) read a
 * copy of the key's bytes in one slab, not the caller's key object: one cache miss instead of two
 * or three.
 *
 * Keys and values are copied in, and no JS object is made per entry: a key's bytes go to the key
 * slab (key-slab.ts), a value's to the value slab (value-slab.ts), and key() and value() return
 * fresh views (see value-slab.ts for why: the GC). An entry's handle is 2 × (insertion number) +
 * type, so its key reference is keyReferences[handle >>> 1], its value is value number
 * handle >>> 1, and type = handle & 1.
 *
 * Order: user key ascending (unsigned bytes, shorter first on a tie), then sequence descending —
 * the internal order of engine/lsm/internal-key.ts. The type takes no part: (key, seq) is unique.
 *
 * Concurrency: single-threaded. An insert may shift entries inside a leaf or split it, so `version`
 * counts inserts; a cursor holding (leaf, slot) from an older version finds its entry again (an
 * exact search: entries are never removed) before stepping. Leaf and slot never outlive a version.
 *
 * Node layout (Float64Array words from the node's offset; NODE_WORDS per node; C = FANOUT):
 *   [0] count: entries in a leaf, children in an inner node   [1] next leaf   [2] previous leaf
 *   [3 .. 3+C) prefixes   [3+C .. 3+2C) sequences   [3+2C .. 3+3C) handles
 *   [3+3C .. 3+4C) key references (see key-slab.ts)
 *   [3+4C .. 3+5C) children (inner nodes only)
 * An inner node's slot i >= 1 holds a separator: a copy of (prefix, sequence, handle, key
 * reference) of the smallest entry under child i when that child was split off; slot 0's separator
 * is unused.
 *
 * Invariants:
 * 1. Entries within a leaf, and leaves along the next links, are in strictly increasing order.
 * 2. Inner node: every entry under child i-1 < separator i <= every entry under child i.
 * 3. Every node but the root holds >= 1 entry or child; leaves are all at depth #depth.
 * 4. Every slot's prefix === prefixOf(key) and its key reference names a slab copy of key.
 */
import { assert } from '../../util/assert.js';
import { hash32 } from '../../util/hash.js';
import { ValueType } from '../internal-key.js';
import { KeySlab, keyLengthOf, prefixOf } from './key-slab.js';
import type { MemtableImage } from './memtable-image.js';
import { sharedFloat64s, sharedGrown } from '../../util/shared-memory.js';
import { PointIndex, type KeyMatcher } from './point-index.js';
import { ValueSlab } from './value-slab.js';

/** Entries per leaf and children per inner node. */
const FANOUT = 64;
const COUNT = 0;
const NEXT = 1;
const PREVIOUS = 2;
const PREFIXES = 3;
const SEQUENCES = PREFIXES + FANOUT;
const HANDLES = SEQUENCES + FANOUT;
const KEY_REFERENCES = HANDLES + FANOUT;
const CHILDREN = KEY_REFERENCES + FANOUT;
const NODE_WORDS = CHILDREN + FANOUT;
const NONE = -1;
/** Inner levels; splits keep every inner node but the root at >= FANOUT/2 children, so 16 is ample. */
const DEPTH_MAX = 16;
/** Handles are 2 × (insertion number) + type and must stay Int32-safe for the bit tricks. */
const ENTRIES_MAX = 2 ** 30;
const ARENA_NODES_INITIAL = 64;
const ENTRIES_INITIAL = 1024;
export class BTree implements KeyMatcher {
  #arena: Float64Array = sharedFloat64s(ARENA_NODES_INITIAL * NODE_WORDS);
  #arenaUsed = 0;
  #root: number;
  /** Inner levels above the leaves. */
  #depth = 0;
  /** Bumped by every insert; cursors compare it to know their leaf position may be stale. */
  #version = 0;

  /** Per insertion number, the key's reference in #keySlab, and the entry's sequence. */
  #keyReferences: Float64Array = sharedFloat64s(ENTRIES_INITIAL);
  #sequences: Float64Array = sharedFloat64s(ENTRIES_INITIAL);
  /** Each key's newest version by the key's hash (point-index.ts): find() goes there first. */
  readonly #points = new PointIndex();
  #size = 0;
  /** Every key's bytes; comparisons on a prefix tie read them here too (see the header). */
  readonly #keySlab = new KeySlab();
  /** Every value's bytes, numbered by insertion. */
  readonly #values = new ValueSlab();

  // The descent path of the last insert; reused so insert allocates nothing.
  readonly #pathNodes = new Int32Array(DEPTH_MAX);
  readonly #pathSlots = new Int32Array(DEPTH_MAX);

  /** Set by the positioning methods: the leaf and slot of their result. */
  #foundLeaf = 0;
  #foundSlot = 0;

  constructor() {
    this.#root = this.#allocateNode();
  }

  get size(): number {
    return this.#size;
  }

  get version(): number {
    return this.#version;
  }

  /**
   * Inserts (key, seq). Requires that no entry with the same (key, seq) exists. `hash` is
   * hash32(key) (engine/util/hash.ts).
   */
  insert(key: Uint8Array, seq: number, type: ValueType, value: Uint8Array, hash = hash32(key)): void {
    const prefix = prefixOf(key);
    const pathNodes = this.#pathNodes;
    const pathSlots = this.#pathSlots;
    const arena = this.#arena;
    let node = this.#root;
    for (let level = 0; level < this.#depth; level++) {
      const slot = this.#childSlot(node, prefix, key, seq);
      pathNodes[level] = node;
      pathSlots[level] = slot;
      node = arena[node + CHILDREN + slot]!;
    }
    const slot = this.#leafSlot(node, prefix, key, seq);
    if (slot < arena[node + COUNT]! && arena[node + PREFIXES + slot] === prefix && arena[node + SEQUENCES + slot] === seq) {
      const same = this.#keySlab.compareAfterPrefix(arena[node + KEY_REFERENCES + slot]!, key, prefix) === 0;
      assert(!same, 'btree: duplicate (key, seq)');
    }

    const n = this.#size;
    assert(n < ENTRIES_MAX, 'btree: entry count bound');
    const handle = 2 * n + type;
    const keyReference = this.#keySlab.append(key);
    if (n === this.#keyReferences.length) {
      this.#keyReferences = sharedGrown(this.#keyReferences, 2 * n);
      this.#sequences = sharedGrown(this.#sequences, 2 * n);
    }
    this.#keyReferences[n] = keyReference;
    this.#sequences[n] = seq;
    this.#values.append(value);
    this.#size = n + 1;
    this.#points.note(hash, key, handle, seq, this);
    this.#version++;
    this.#insertInLeaf(node, slot, prefix, seq, handle, keyReference);
  }

  /**
   * The first entry >= (key, seq): its handle, or -1 when there is none. Its position is left in
   * foundLeaf/foundSlot.
   */
  lowerBound(key: Uint8Array, seq: number): number {
    return this.#lowerBound(prefixOf(key), key, seq);
  }

  /**
   * The newest entry of `key` with sequence <= seq: its handle, or -1 when there is none. `hash`
   * is hash32(key). The point index answers unless the key's newest version is newer than `seq`
   * (a read at an older snapshot); then the tree does.
   */
  find(key: Uint8Array, seq: number, hash = hash32(key)): number {
    const newest = this.#points.newest(hash, key, this);
    if (newest < 0) return -1;
    if (this.#sequences[newest >>> 1]! <= seq) return newest;
    const prefix = prefixOf(key);
    const handle = this.#lowerBound(prefix, key, seq);
    // A different cached prefix proves a different key without reading the entry's key bytes.
    if (handle < 0) return -1;
    const arena = this.#arena;
    const at = this.#foundLeaf + this.#foundSlot;
    if (arena[at + PREFIXES] !== prefix) return -1;
    const reference = arena[at + KEY_REFERENCES]!;
    if (keyLengthOf(reference) !== key.length) return -1;
    return this.#keySlab.compareAfterPrefix(reference, key, prefix) === 0 ? handle : -1;
  }

  /** The first entry's handle (-1 when empty); position in foundLeaf/foundSlot. */
  first(): number {
    return this.#settle(this.#firstLeaf(), 0);
  }

  #firstLeaf(): number {
    let node = this.#root;
    for (let level = this.#depth; level > 0; level--) node = this.#arena[node + CHILDREN]!;
    return node;
  }

  /** The last entry's handle (-1 when empty); position in foundLeaf/foundSlot. */
  last(): number {
    const arena = this.#arena;
    let node = this.#root;
    for (let level = this.#depth; level > 0; level--) node = arena[node + CHILDREN + arena[node + COUNT]! - 1]!;
    const count = arena[node + COUNT]!;
    this.#foundLeaf = node;
    this.#foundSlot = count - 1;
    return count === 0 ? -1 : arena[node + HANDLES + count - 1]!;
  }

  /** The entry after (leaf, slot): its handle or -1; position in foundLeaf/foundSlot. */
  after(leaf: number, slot: number): number {
    return this.#settle(leaf, slot + 1);
  }

  /** The entry before (leaf, slot): its handle or -1; position in foundLeaf/foundSlot. */
  before(leaf: number, slot: number): number {
    const arena = this.#arena;
    let node = leaf;
    let at = slot - 1;
    if (at < 0) {
      node = arena[node + PREVIOUS]!;
      if (node === NONE) return -1;
      at = arena[node + COUNT]! - 1;
    }
    this.#foundLeaf = node;
    this.#foundSlot = at;
    return arena[node + HANDLES + at]!;
  }

  get foundLeaf(): number {
    return this.#foundLeaf;
  }

  get foundSlot(): number {
    return this.#foundSlot;
  }

  /** The sequence of the entry at (leaf, slot); valid until the next insert. */
  sequenceAt(leaf: number, slot: number): number {
    return this.#arena[leaf + SEQUENCES + slot]!;
  }

  /**
   * The entries in order, and the slabs themselves (shared memory, not copies: memtable-image.ts),
   * for a flush in a worker; the tree must not change while the image is in use. The walk reads only
   * the leaves (handles and sequences), in their linked order.
   */
  image(): MemtableImage {
    const arena = this.#arena;
    const order = new Float64Array(2 * this.#size);
    let at = 0;
    for (let node = this.#firstLeaf(); node !== NONE; node = arena[node + NEXT]!) {
      const count = arena[node + COUNT]!;
      for (let slot = 0; slot < count; slot++) {
        order[at] = arena[node + HANDLES + slot]!;
        order[at + 1] = arena[node + SEQUENCES + slot]!;
        at += 2;
      }
    }
    assert(at === order.length, 'btree: leaves do not hold every entry');
    return { order, keyBytes: this.#keySlab.used(), keyReferences: this.#keyReferences.subarray(0, this.#size), values: this.#values.image() };
  }

  /** KeyMatcher (point-index.ts): whether entry `handle`'s key is `key`. */
  hasKey(handle: number, key: Uint8Array): boolean {
    return this.#keySlab.equals(this.#keyReferences[handle >>> 1]!, key);
  }

  /** KeyMatcher (point-index.ts): entry `handle`'s sequence. */
  sequenceOf(handle: number): number {
    return this.#sequences[handle >>> 1]!;
  }

  /** The entry's key: a fresh view, not to be written to. */
  key(handle: number): Uint8Array {
    return this.#keySlab.view(this.#keyReferences[handle >>> 1]!);
  }

  /** The entry's value: a fresh view, not to be written to. */
  value(handle: number): Uint8Array {
    return this.#values.view(handle >>> 1);
  }

  type(handle: number): ValueType {
    // The low bit is the type byte insert() was given (ValueType values are 0 and 1).
    return (handle & 1) as ValueType;
  }

  #lowerBound(prefix: number, key: Uint8Array, seq: number): number {
    const arena = this.#arena;
    let node = this.#root;
    for (let level = this.#depth; level > 0; level--) {
      node = arena[node + CHILDREN + this.#childSlot(node, prefix, key, seq)]!;
    }
    return this.#settle(node, this.#leafSlot(node, prefix, key, seq));
  }

  /** Moves (leaf, slot) past the end of a leaf onto the next leaf's first entry. */
  #settle(leaf: number, slot: number): number {
    const arena = this.#arena;
    let node = leaf;
    let at = slot;
    if (at >= arena[node + COUNT]!) {
      node = arena[node + NEXT]!;
      if (node === NONE) return -1;
      at = 0;
    }
    this.#foundLeaf = node;
    this.#foundSlot = at;
    return arena[node + HANDLES + at]!;
  }

  /** Whether the entry or separator in `slot` of `node` sorts before (key, seq). */
  #slotBefore(node: number, slot: number, prefix: number, key: Uint8Array, seq: number): boolean {
    const arena = this.#arena;
    const slotPrefix = arena[node + PREFIXES + slot]!;
    if (slotPrefix !== prefix) return slotPrefix < prefix;
    const byKey = this.#keySlab.compareAfterPrefix(arena[node + KEY_REFERENCES + slot]!, key, prefix);
    if (byKey !== 0) return byKey < 0;
    return arena[node + SEQUENCES + slot]! > seq;
  }

  /** In a leaf: the number of entries < (key, seq). */
  #leafSlot(node: number, prefix: number, key: Uint8Array, seq: number): number {
    let low = 0;
    let high = this.#arena[node + COUNT]!;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.#slotBefore(node, middle, prefix, key, seq)) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** In an inner node: the last child whose separator is <= (key, seq), or child 0. */
  #childSlot(node: number, prefix: number, key: Uint8Array, seq: number): number {
    // Separators 1..count-1 that are <= target: the count of separators not after it.
    let low = 1;
    let high = this.#arena[node + COUNT]!;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.#slotAfter(node, middle, prefix, key, seq)) high = middle;
      else low = middle + 1;
    }
    return low - 1;
  }

  /** Whether the separator in `slot` sorts after (key, seq). */
  #slotAfter(node: number, slot: number, prefix: number, key: Uint8Array, seq: number): boolean {
    const arena = this.#arena;
    const slotPrefix = arena[node + PREFIXES + slot]!;
    if (slotPrefix !== prefix) return slotPrefix > prefix;
    const byKey = this.#keySlab.compareAfterPrefix(arena[node + KEY_REFERENCES + slot]!, key, prefix);
    if (byKey !== 0) return byKey > 0;
    return arena[node + SEQUENCES + slot]! < seq;
  }

  #insertInLeaf(leaf: number, slot: number, prefix: number, seq: number, handle: number, keyReference: number): void {
    const count = this.#arena[leaf + COUNT]!;
    if (count < FANOUT) {
      this.#putSlot(leaf, slot, count, prefix, seq, handle, keyReference, NONE);
      return;
    }
    // Full: split. Appending at the right edge (ascending loads) moves nothing and leaves the left
    // leaf full; otherwise the upper half moves.
    const right = this.#allocateNode();
    const arena = this.#arena;
    const appending = slot === FANOUT && arena[leaf + NEXT] === NONE;
    const keep = appending ? FANOUT : FANOUT >>> 1;
    this.#moveUpperSlots(leaf, right, keep, false);
    const next = arena[leaf + NEXT]!;
    arena[right + NEXT] = next;
    arena[right + PREVIOUS] = leaf;
    if (next !== NONE) arena[next + PREVIOUS] = right;
    arena[leaf + NEXT] = right;
    if (slot <= keep && !appending) this.#putSlot(leaf, slot, keep, prefix, seq, handle, keyReference, NONE);
    else this.#putSlot(right, slot - keep, arena[right + COUNT]!, prefix, seq, handle, keyReference, NONE);
    this.#insertSeparator(this.#depth - 1, right, right, 0);
  }

  /**
   * Adds child `child` (whose smallest entry is slot `from` of node `source`) to the inner node at
   * `level` of the insert path, right after the path's child; splits upwards as needed.
   */
  #insertSeparator(level: number, child: number, source: number, from: number): void {
    const arena = this.#arena;
    const prefix = arena[source + PREFIXES + from]!;
    const seq = arena[source + SEQUENCES + from]!;
    const handle = arena[source + HANDLES + from]!;
    const keyReference = arena[source + KEY_REFERENCES + from]!;
    if (level < 0) {
      // The root split: a new root above the old one.
      const root = this.#allocateNode();
      const fresh = this.#arena;
      fresh[root + COUNT] = 2;
      fresh[root + CHILDREN] = this.#root;
      fresh[root + CHILDREN + 1] = child;
      fresh[root + PREFIXES + 1] = prefix;
      fresh[root + SEQUENCES + 1] = seq;
      fresh[root + HANDLES + 1] = handle;
      fresh[root + KEY_REFERENCES + 1] = keyReference;
      this.#root = root;
      this.#depth++;
      assert(this.#depth < DEPTH_MAX, 'btree: depth bound');
      return;
    }
    const node = this.#pathNodes[level]!;
    const slot = this.#pathSlots[level]! + 1;
    const count = arena[node + COUNT]!;
    if (count < FANOUT) {
      this.#putSlot(node, slot, count, prefix, seq, handle, keyReference, child);
      return;
    }
    const right = this.#allocateNode();
    const keep = FANOUT >>> 1;
    this.#moveUpperSlots(node, right, keep, true);
    const fresh = this.#arena;
    if (slot <= keep) this.#putSlot(node, slot, keep, prefix, seq, handle, keyReference, child);
    else this.#putSlot(right, slot - keep, fresh[right + COUNT]!, prefix, seq, handle, keyReference, child);
    // The new node's slot-0 separator goes up; it stays in place, unused (invariant 2).
    this.#insertSeparator(level - 1, right, right, 0);
  }

  /** Moves slots [keep, FANOUT) of a full node into the empty node `to`. */
  #moveUpperSlots(from: number, to: number, keep: number, inner: boolean): void {
    const arena = this.#arena;
    const moved = FANOUT - keep;
    arena.copyWithin(to + PREFIXES, from + PREFIXES + keep, from + PREFIXES + FANOUT);
    arena.copyWithin(to + SEQUENCES, from + SEQUENCES + keep, from + SEQUENCES + FANOUT);
    arena.copyWithin(to + HANDLES, from + HANDLES + keep, from + HANDLES + FANOUT);
    arena.copyWithin(to + KEY_REFERENCES, from + KEY_REFERENCES + keep, from + KEY_REFERENCES + FANOUT);
    if (inner) arena.copyWithin(to + CHILDREN, from + CHILDREN + keep, from + CHILDREN + FANOUT);
    arena[to + COUNT] = moved;
    arena[from + COUNT] = keep;
  }

  /** Inserts into slot of a node holding count < FANOUT slots, shifting the rest right. */
  #putSlot(
    node: number,
    slot: number,
    count: number,
    prefix: number,
    seq: number,
    handle: number,
    keyReference: number,
    child: number,
  ): void {
    const arena = this.#arena;
    if (slot < count) {
      arena.copyWithin(node + PREFIXES + slot + 1, node + PREFIXES + slot, node + PREFIXES + count);
      arena.copyWithin(node + SEQUENCES + slot + 1, node + SEQUENCES + slot, node + SEQUENCES + count);
      arena.copyWithin(node + HANDLES + slot + 1, node + HANDLES + slot, node + HANDLES + count);
      arena.copyWithin(node + KEY_REFERENCES + slot + 1, node + KEY_REFERENCES + slot, node + KEY_REFERENCES + count);
      if (child !== NONE) arena.copyWithin(node + CHILDREN + slot + 1, node + CHILDREN + slot, node + CHILDREN + count);
    }
    arena[node + PREFIXES + slot] = prefix;
    arena[node + SEQUENCES + slot] = seq;
    arena[node + HANDLES + slot] = handle;
    arena[node + KEY_REFERENCES + slot] = keyReference;
    if (child !== NONE) arena[node + CHILDREN + slot] = child;
    arena[node + COUNT] = count + 1;
  }

  #allocateNode(): number {
    if (this.#arenaUsed + NODE_WORDS > this.#arena.length) {
      this.#arena = sharedGrown(this.#arena, this.#arena.length * 2);
    }
    const node = this.#arenaUsed;
    this.#arenaUsed += NODE_WORDS;
    this.#arena[node + COUNT] = 0;
    this.#arena[node + NEXT] = NONE;
    this.#arena[node + PREVIOUS] = NONE;
    return node;
  }
}

assert(ValueType.Delete === 0 && ValueType.Put === 1, 'btree: handles carry the type in one bit');
