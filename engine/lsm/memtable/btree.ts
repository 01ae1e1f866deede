/**
 * An ordered set of (user key, sequence) entries: a B+tree of keys whose nodes live in one
 * Float64Array arena, each key with the chain of its versions, and positions that cursors can hold
 * across inserts.
 *
 * Why this shape: a memtable holds ~10^5..10^6 entries, and at that size a lookup is bound by cache
 * and TLB misses, not instructions. A skiplist touches ~2·log2(n) scattered nodes per search; this
 * tree touches ~log_45(n) nodes, and inside a node it binary-searches a contiguous run of cached key
 * prefixes (six key bytes after its leading zeros as one exact number, see key-slab.ts), so few
 * comparisons go further.
 * Those that do (equal prefixes: the key itself, keys sharing a prefix) read a copy of the key's
 * bytes in one slab, not the caller's key object: one cache miss instead of two or three.
 *
 * Versions: the tree holds each key once; a key's versions form a chain, newest first, in per-entry
 * arrays. A write of a key the memtable already holds (an overwrite, an update: most writes of a
 * working set that fits) finds the key by its hash (point-index.ts), joins its chain and shares its
 * key bytes: no tree search, no shift inside a leaf, no split. Measured with 20k keys written over
 * and over (60k writes into a memtable of 20k): 1.4–1.5 µs a write when every version was a tree
 * entry (the search's cache misses in a 4 MB arena), against ~0.4 µs by the chain.
 *
 * Keys and values are copied in, and no JS object is made per entry: a key's bytes go to the key
 * slab (key-slab.ts) once, a value's to the value slab (value-slab.ts), and key() and value()
 * return fresh views (see value-slab.ts for why: the GC). An entry's handle is 2 × (insertion
 * number) + type, so its key reference is keyReferences[handle >>> 1], its value is value number
 * handle >>> 1, and type = handle & 1. A key's id is the insertion number of its first version.
 *
 * Order: user key ascending (unsigned bytes, shorter first on a tie), then sequence descending —
 * the internal order of engine/lsm/internal-key.ts. The type takes no part: (key, seq) is unique.
 *
 * Concurrency: single-threaded. Inserting a new key may shift keys inside a leaf or split it, so
 * `version` counts those inserts; a cursor holding (leaf, slot) from an older version finds its
 * entry again (an exact search: entries are never removed) before stepping. A new version of a held
 * key changes no position: it only links into its chain.
 *
 * Node layout (Float64Array words from the node's offset; NODE_WORDS per node; C = FANOUT):
 *   [0] count: keys in a leaf, children in an inner node   [1] next leaf   [2] previous leaf
 *   [3 .. 3+C) prefixes   [3+C .. 3+2C) key ids   [3+2C .. 3+3C) key references (see key-slab.ts)
 *   [3+3C .. 3+4C) children (inner nodes only)
 * An inner node's slot i >= 1 holds a separator: a copy of (prefix, key id, key reference) of the
 * smallest key under child i when that child was split off; slot 0's separator is unused.
 *
 * Per insertion number n (typed arrays, shared memory): keyReferences[n], sequences[n], and the
 * chain links older[n] and newer[n] (handles, -1 at either end); newest[id] is the handle of key
 * id's newest version.
 *
 * Invariants:
 * 1. Keys within a leaf, and leaves along the next links, are in strictly increasing order; every
 *    key held is in exactly one leaf slot.
 * 2. Inner node: every key under child i-1 < separator i <= every key under child i.
 * 3. Every node but the root holds >= 1 key or child; leaves are all at depth #depth.
 * 4. Every slot's prefix === prefixOf(key) and its key reference names a slab copy of key.
 * 5. A key's chain, from newest[id] along older links, lists every version of the key exactly once
 *    in strictly decreasing sequence; newer links are its reverse; every version's key reference
 *    is its key id's.
 */
import { assert } from '../../util/assert.js';
import { hash32 } from '../../util/hash.js';
import { ValueType } from '../internal-key.js';
import { KeySlab, prefixOf } from './key-slab.js';
import type { MemtableImage } from './memtable-image.js';
import { sharedFloat64s, sharedGrown, sharedInt32s } from '../../util/shared-memory.js';
import { PointIndex, type KeyMatcher } from './point-index.js';
import { ValueSlab } from './value-slab.js';

/** Keys per leaf and children per inner node. */
const FANOUT = 64;
const COUNT = 0;
const NEXT = 1;
const PREVIOUS = 2;
const PREFIXES = 3;
const KEY_IDS = PREFIXES + FANOUT;
const KEY_REFERENCES = KEY_IDS + FANOUT;
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
  /** Bumped by every insert of a new key; cursors compare it to know their leaf position may be stale. */
  #version = 0;

  /** Per insertion number: the key's reference in #keySlab, the entry's sequence, its chain links. */
  #keyReferences: Float64Array = sharedFloat64s(ENTRIES_INITIAL);
  #sequences: Float64Array = sharedFloat64s(ENTRIES_INITIAL);
  #older: Int32Array = sharedInt32s(ENTRIES_INITIAL);
  #newer: Int32Array = sharedInt32s(ENTRIES_INITIAL);
  /** Per key id: the handle of the key's newest version. */
  #newest: Int32Array = sharedInt32s(ENTRIES_INITIAL);
  /** Every key's id by the key's hash (point-index.ts). */
  readonly #points = new PointIndex();
  #size = 0;
  /** Every key's bytes, once; comparisons on a prefix tie read them here too (see the header). */
  readonly #keySlab = new KeySlab();
  /** Every value's bytes, numbered by insertion. */
  readonly #values = new ValueSlab();

  // The descent path of the last insert; reused so insert allocates nothing.
  readonly #pathNodes = new Int32Array(DEPTH_MAX);
  readonly #pathSlots = new Int32Array(DEPTH_MAX);

  /** Set by the positioning methods: the leaf and slot of their result's key. */
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
   * hash32(key) (engine/util/hash.ts). Returns true when the key is new to the tree, false when
   * the entry joined the versions of a key it held.
   */
  insert(key: Uint8Array, seq: number, type: ValueType, value: Uint8Array, hash = hash32(key)): boolean {
    const n = this.#size;
    assert(n < ENTRIES_MAX, 'btree: entry count bound');
    if (n === this.#sequences.length) this.#growEntries(2 * n);
    const handle = 2 * n + type;
    const keyId = this.#points.findOrAdd(hash, key, n, this);
    this.#sequences[n] = seq;
    if (keyId >= 0) {
      // A key held already: its versions gain one (the tree does not change).
      this.#keyReferences[n] = this.#keyReferences[keyId]!;
      this.#link(keyId, handle, seq);
    } else {
      const keyReference = this.#keySlab.append(key);
      this.#keyReferences[n] = keyReference;
      this.#older[n] = NONE;
      this.#newer[n] = NONE;
      this.#newest[n] = handle;
      this.#insertKey(key, prefixOf(key), n, keyReference);
    }
    this.#values.append(value);
    this.#size = n + 1;
    return keyId < 0;
  }

  /** Links version `handle` (sequence `seq`) into key `keyId`'s chain, which holds no version `seq`. */
  #link(keyId: number, handle: number, seq: number): void {
    const older = this.#older;
    const newer = this.#newer;
    const sequences = this.#sequences;
    const n = handle >>> 1;
    const head = this.#newest[keyId]!;
    const headSeq = sequences[head >>> 1]!;
    if (seq > headSeq) {
      // The usual case: writes come in sequence order.
      older[n] = head;
      newer[n] = NONE;
      newer[head >>> 1] = handle;
      this.#newest[keyId] = handle;
      return;
    }
    assert(seq !== headSeq, 'btree: duplicate (key, seq)');
    // After the last version newer than seq (recovery and tests may insert out of order).
    let after = head;
    let next = older[after >>> 1]!;
    while (next !== NONE && sequences[next >>> 1]! > seq) {
      after = next;
      next = older[after >>> 1]!;
    }
    assert(next === NONE || sequences[next >>> 1] !== seq, 'btree: duplicate (key, seq)');
    older[n] = next;
    newer[n] = after;
    older[after >>> 1] = handle;
    if (next !== NONE) newer[next >>> 1] = handle;
  }

  /** Puts a new key in its leaf (its first version is insertion `keyId`). */
  #insertKey(key: Uint8Array, prefix: number, keyId: number, keyReference: number): void {
    const pathNodes = this.#pathNodes;
    const pathSlots = this.#pathSlots;
    const arena = this.#arena;
    let node = this.#root;
    for (let level = 0; level < this.#depth; level++) {
      const slot = this.#childSlot(node, prefix, key);
      pathNodes[level] = node;
      pathSlots[level] = slot;
      node = arena[node + CHILDREN + slot]!;
    }
    const slot = this.#leafSlot(node, prefix, key);
    this.#version++;
    this.#insertInLeaf(node, slot, prefix, keyId, keyReference);
  }

  /**
   * The first entry >= (key, seq): its handle, or -1 when there is none. Its key's position is left
   * in foundLeaf/foundSlot.
   */
  lowerBound(key: Uint8Array, seq: number): number {
    const prefix = prefixOf(key);
    const arena = this.#arena;
    let node = this.#root;
    for (let level = this.#depth; level > 0; level--) {
      node = arena[node + CHILDREN + this.#childSlot(node, prefix, key)]!;
    }
    let slot = this.#leafSlot(node, prefix, key);
    if (slot < arena[node + COUNT]! && arena[node + PREFIXES + slot] === prefix && this.#keySlab.compareAfterPrefix(arena[node + KEY_REFERENCES + slot]!, key, prefix) === 0) {
      // The key itself: its newest version with sequence <= seq, else the next key.
      const handle = this.#atOrBelow(this.#newest[arena[node + KEY_IDS + slot]!]!, seq);
      if (handle !== NONE) return this.#found(node, slot, handle);
      slot++;
    }
    return this.#settle(node, slot);
  }

  /**
   * The newest entry of `key` with sequence <= seq: its handle, or -1 when there is none. `hash`
   * is hash32(key). No position is left.
   */
  find(key: Uint8Array, seq: number, hash = hash32(key)): number {
    const keyId = this.#points.find(hash, key, this);
    return keyId < 0 ? NONE : this.#atOrBelow(this.#newest[keyId]!, seq);
  }

  /** From `handle` along its chain, the first version with sequence <= seq (-1 when none). */
  #atOrBelow(handle: number, seq: number): number {
    let at = handle;
    while (at !== NONE && this.#sequences[at >>> 1]! > seq) at = this.#older[at >>> 1]!;
    return at;
  }

  /** The first entry's handle (-1 when empty); its key's position in foundLeaf/foundSlot. */
  first(): number {
    return this.#settle(this.#firstLeaf(), 0);
  }

  #firstLeaf(): number {
    let node = this.#root;
    for (let level = this.#depth; level > 0; level--) node = this.#arena[node + CHILDREN]!;
    return node;
  }

  /** The last entry's handle (-1 when empty); its key's position in foundLeaf/foundSlot. */
  last(): number {
    const arena = this.#arena;
    let node = this.#root;
    for (let level = this.#depth; level > 0; level--) node = arena[node + CHILDREN + arena[node + COUNT]! - 1]!;
    const count = arena[node + COUNT]!;
    return this.#found(node, count - 1, count === 0 ? NONE : this.#oldest(arena[node + KEY_IDS + count - 1]!));
  }

  /** The entry after `handle`, whose key is at (leaf, slot): its handle or -1; its key's position in foundLeaf/foundSlot. */
  after(leaf: number, slot: number, handle: number): number {
    const older = this.#older[handle >>> 1]!;
    return older !== NONE ? this.#found(leaf, slot, older) : this.#settle(leaf, slot + 1);
  }

  /** The entry before `handle`, whose key is at (leaf, slot): its handle or -1; its key's position in foundLeaf/foundSlot. */
  before(leaf: number, slot: number, handle: number): number {
    const newer = this.#newer[handle >>> 1]!;
    if (newer !== NONE) return this.#found(leaf, slot, newer);
    const arena = this.#arena;
    let node = leaf;
    let at = slot - 1;
    if (at < 0) {
      node = arena[node + PREVIOUS]!;
      if (node === NONE) return NONE;
      at = arena[node + COUNT]! - 1;
    }
    return this.#found(node, at, this.#oldest(arena[node + KEY_IDS + at]!));
  }

  /** Leaves (leaf, slot) in foundLeaf/foundSlot; returns `handle`. */
  #found(leaf: number, slot: number, handle: number): number {
    this.#foundLeaf = leaf;
    this.#foundSlot = slot;
    return handle;
  }

  get foundLeaf(): number {
    return this.#foundLeaf;
  }

  get foundSlot(): number {
    return this.#foundSlot;
  }

  /** A key's oldest version: the end of its chain. */
  #oldest(keyId: number): number {
    let at = this.#newest[keyId]!;
    for (let older = this.#older[at >>> 1]!; older !== NONE; older = this.#older[at >>> 1]!) at = older;
    return at;
  }

  /**
   * The entries in order, and the slabs themselves (shared memory, not copies: memtable-image.ts),
   * for a flush in a worker; the tree must not change while the image is in use. The walk reads the
   * leaves' key ids, in their linked order, and each key's chain.
   *
   * With `smallestSnapshot`, a key's versions older than its newest one at or below it are left
   * out: invisible to every reader, they are what a flush drops anyway (sorted-run-writer.ts, rule
   * 1), and a chain walk stops there rather than handing the worker, say, four versions of each key
   * of a memtable of overwrites to read and throw away.
   */
  image(smallestSnapshot?: number): MemtableImage {
    const arena = this.#arena;
    const newest = this.#newest;
    const older = this.#older;
    const sequences = this.#sequences;
    const cutoff = smallestSnapshot ?? Number.NEGATIVE_INFINITY;
    const order = new Float64Array(2 * this.#size);
    let at = 0;
    for (let node = this.#firstLeaf(); node !== NONE; node = arena[node + NEXT]!) {
      const count = arena[node + COUNT]!;
      for (let slot = 0; slot < count; slot++) {
        for (let handle = newest[arena[node + KEY_IDS + slot]!]!; handle !== NONE; handle = older[handle >>> 1]!) {
          const seq = sequences[handle >>> 1]!;
          order[at] = handle;
          order[at + 1] = seq;
          at += 2;
          if (seq <= cutoff) break;
        }
      }
    }
    assert(smallestSnapshot !== undefined || at === order.length, 'btree: chains do not hold every entry');
    return { order: at === order.length ? order : order.subarray(0, at), keyBytes: this.#keySlab.used(), keyReferences: this.#keyReferences.subarray(0, this.#size), values: this.#values.image() };
  }

  /** KeyMatcher (point-index.ts): whether key id `keyId`'s key is `key`. */
  hasKey(keyId: number, key: Uint8Array): boolean {
    return this.#keySlab.equals(this.#keyReferences[keyId]!, key);
  }

  /** Entry `handle`'s sequence. */
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

  /** Moves (leaf, slot) past the end of a leaf onto the next leaf's first key; returns that key's newest version. */
  #settle(leaf: number, slot: number): number {
    const arena = this.#arena;
    let node = leaf;
    let at = slot;
    if (at >= arena[node + COUNT]!) {
      node = arena[node + NEXT]!;
      if (node === NONE) return NONE;
      at = 0;
    }
    return this.#found(node, at, this.#newest[arena[node + KEY_IDS + at]!]!);
  }

  /** In a leaf: the number of keys < key. */
  #leafSlot(node: number, prefix: number, key: Uint8Array): number {
    const arena = this.#arena;
    let low = 0;
    let high = arena[node + COUNT]!;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const slotPrefix = arena[node + PREFIXES + middle]!;
      const before = slotPrefix !== prefix ? slotPrefix < prefix : this.#keySlab.compareAfterPrefix(arena[node + KEY_REFERENCES + middle]!, key, prefix) < 0;
      if (before) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** In an inner node: the last child whose separator is <= key, or child 0. */
  #childSlot(node: number, prefix: number, key: Uint8Array): number {
    const arena = this.#arena;
    // Separators 1..count-1 that are <= key: the count of separators not after it.
    let low = 1;
    let high = arena[node + COUNT]!;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const slotPrefix = arena[node + PREFIXES + middle]!;
      const after = slotPrefix !== prefix ? slotPrefix > prefix : this.#keySlab.compareAfterPrefix(arena[node + KEY_REFERENCES + middle]!, key, prefix) > 0;
      if (after) high = middle;
      else low = middle + 1;
    }
    return low - 1;
  }

  #insertInLeaf(leaf: number, slot: number, prefix: number, keyId: number, keyReference: number): void {
    const count = this.#arena[leaf + COUNT]!;
    if (count < FANOUT) {
      this.#putSlot(leaf, slot, count, prefix, keyId, keyReference, NONE);
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
    if (slot <= keep && !appending) this.#putSlot(leaf, slot, keep, prefix, keyId, keyReference, NONE);
    else this.#putSlot(right, slot - keep, arena[right + COUNT]!, prefix, keyId, keyReference, NONE);
    this.#insertSeparator(this.#depth - 1, right, right, 0);
  }

  /**
   * Adds child `child` (whose smallest key is slot `from` of node `source`) to the inner node at
   * `level` of the insert path, right after the path's child; splits upwards as needed.
   */
  #insertSeparator(level: number, child: number, source: number, from: number): void {
    const arena = this.#arena;
    const prefix = arena[source + PREFIXES + from]!;
    const keyId = arena[source + KEY_IDS + from]!;
    const keyReference = arena[source + KEY_REFERENCES + from]!;
    if (level < 0) {
      // The root split: a new root above the old one.
      const root = this.#allocateNode();
      const fresh = this.#arena;
      fresh[root + COUNT] = 2;
      fresh[root + CHILDREN] = this.#root;
      fresh[root + CHILDREN + 1] = child;
      fresh[root + PREFIXES + 1] = prefix;
      fresh[root + KEY_IDS + 1] = keyId;
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
      this.#putSlot(node, slot, count, prefix, keyId, keyReference, child);
      return;
    }
    const right = this.#allocateNode();
    const keep = FANOUT >>> 1;
    this.#moveUpperSlots(node, right, keep, true);
    const fresh = this.#arena;
    if (slot <= keep) this.#putSlot(node, slot, keep, prefix, keyId, keyReference, child);
    else this.#putSlot(right, slot - keep, fresh[right + COUNT]!, prefix, keyId, keyReference, child);
    // The new node's slot-0 separator goes up; it stays in place, unused (invariant 2).
    this.#insertSeparator(level - 1, right, right, 0);
  }

  /** Moves slots [keep, FANOUT) of a full node into the empty node `to`. */
  #moveUpperSlots(from: number, to: number, keep: number, inner: boolean): void {
    const arena = this.#arena;
    const moved = FANOUT - keep;
    arena.copyWithin(to + PREFIXES, from + PREFIXES + keep, from + PREFIXES + FANOUT);
    arena.copyWithin(to + KEY_IDS, from + KEY_IDS + keep, from + KEY_IDS + FANOUT);
    arena.copyWithin(to + KEY_REFERENCES, from + KEY_REFERENCES + keep, from + KEY_REFERENCES + FANOUT);
    if (inner) arena.copyWithin(to + CHILDREN, from + CHILDREN + keep, from + CHILDREN + FANOUT);
    arena[to + COUNT] = moved;
    arena[from + COUNT] = keep;
  }

  /** Inserts into slot of a node holding count < FANOUT slots, shifting the rest right. */
  #putSlot(node: number, slot: number, count: number, prefix: number, keyId: number, keyReference: number, child: number): void {
    const arena = this.#arena;
    if (slot < count) {
      arena.copyWithin(node + PREFIXES + slot + 1, node + PREFIXES + slot, node + PREFIXES + count);
      arena.copyWithin(node + KEY_IDS + slot + 1, node + KEY_IDS + slot, node + KEY_IDS + count);
      arena.copyWithin(node + KEY_REFERENCES + slot + 1, node + KEY_REFERENCES + slot, node + KEY_REFERENCES + count);
      if (child !== NONE) arena.copyWithin(node + CHILDREN + slot + 1, node + CHILDREN + slot, node + CHILDREN + count);
    }
    arena[node + PREFIXES + slot] = prefix;
    arena[node + KEY_IDS + slot] = keyId;
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

  #growEntries(length: number): void {
    this.#keyReferences = sharedGrown(this.#keyReferences, length);
    this.#sequences = sharedGrown(this.#sequences, length);
    this.#older = sharedGrown(this.#older, length);
    this.#newer = sharedGrown(this.#newer, length);
    this.#newest = sharedGrown(this.#newest, length);
  }
}

assert(ValueType.Delete === 0 && ValueType.Put === 1, 'btree: handles carry the type in one bit');
