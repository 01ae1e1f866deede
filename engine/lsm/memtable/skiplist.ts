/**
 * An ordered set of (user key, sequence) entries: a skiplist whose nodes live in one typed-array
 * arena.
 *
 * Why this shape: a memtable of small keys holds ~10^5..10^6 entries, and at that size a search is
 * bound by cache misses, not instructions. A node-per-object skiplist costs the garbage collector
 * an object and a tower array per entry, and each step of a search chases node → tower → next node
 * → key object → key bytes. Here a node is a run of words in one Int32Array (with a Float64Array
 * view over the same buffer): its cached key prefix, sequence, and links sit together, usually in
 * one cache line, and the prefix (the first PREFIX_BYTES of the key as one exact number) decides
 * almost every comparison without touching the key bytes. Keys and values stay in plain arrays,
 * by reference, indexed by the node's ordinal.
 *
 * Order: user key ascending (unsigned bytes, shorter first on a tie), then sequence descending —
 * the internal order of engine/lsm/internal-key.ts. The type byte never takes part: (key, seq) is
 * unique.
 *
 * Concurrency: single-threaded. Readers hold node handles (arena offsets), never the arrays
 * themselves, so an insert that grows the arena never invalidates a reader's position: handles are
 * stable for the list's lifetime, nodes are never removed, and a new node is spliced in bottom level
 * first, so the lists are consistent whenever control returns to a reader.
 *
 * Invariants:
 * 1. The head is the node at offset 0 with HEIGHT_MAX levels and an empty key. No link points at
 *    it, so a link of 0 means "end of list", and handle 0 means "no node".
 * 2. At every level, following links visits nodes in strictly increasing internal order.
 * 3. Every node at level L > 0 is also in the lists of levels 0..L-1.
 * 4. For every node n: numbers[n/2] === prefixOf(key(n)), n is even, and its height is in
 *    [1, HEIGHT_MAX].
 * 5. Node heights depend only on the injected Random, so the shape is deterministic given its seed.
 */
import { assert } from '../../util/assert.js';
import type { Random } from '../../util/random.js';
import type { ValueType } from '../internal-key.js';

/** Tallest tower; with branching 4 this indexes ~4^12 = 16M entries at logarithmic cost. */
export const HEIGHT_MAX = 12;
/** One node in BRANCHING is promoted to the next level (LevelDB's choice: fewer links, same speed). */
const BRANCHING = 4;
/** Leading key bytes cached per node as one exact number (6 bytes = 48 bits < 2^53). */
const PREFIX_BYTES = 6;
const ARENA_WORDS_INITIAL = 16 * 1024;
/** Node handles are Int32 word offsets, so the arena stays below 2^31 words. */
const ARENA_WORDS_MAX = 0x7fff_fffe;
const NIL = 0;
const HEAD = 0;
const EMPTY = new Uint8Array(0);

// Node layout in the arena, in 32-bit words from the node's (even) offset. Words 0-3 are read
// through the Float64Array view at index offset/2 and offset/2 + 1.
/** Words 0-1: the cached key prefix (see prefixOf). Words 2-3: the sequence number. */
/** Word 4: the node's ordinal, indexing the keys and values arrays. */
const ORDINAL = 4;
/** Word 5: height in bits 0-7, value type in bits 8-15. */
const META = 5;
/** Words 6..6+height: the links, one per level; 0 means end of list. */
const LINKS = 6;

/**
 * The first PREFIX_BYTES of key, zero-padded, as a big-endian number. Zero padding keeps order:
 * a < b implies prefixOf(a) <= prefixOf(b), so unequal prefixes decide a comparison alone, and
 * equal prefixes mean the first min(PREFIX_BYTES, a.length, b.length) bytes are equal.
 */
function prefixOf(key: Uint8Array): number {
  const length = key.length;
  if (length >= PREFIX_BYTES) {
    return (
      (key[0]! * 0x100 + key[1]!) * 0x1_0000_0000 +
      (((key[2]! << 24) | (key[3]! << 16) | (key[4]! << 8) | key[5]!) >>> 0)
    );
  }
  let prefix = 0;
  for (let i = 0; i < PREFIX_BYTES; i++) prefix = prefix * 0x100 + (i < length ? key[i]! : 0);
  return prefix;
}

/**
 * compareBytes for keys whose cached prefixes are equal. Their first min(PREFIX_BYTES, lengths)
 * bytes are equal, so the comparison starts at PREFIX_BYTES; a shorter key skips the loop and
 * the length difference decides.
 */
function compareAfterPrefix(a: Uint8Array, b: Uint8Array): number {
  const aLength = a.length;
  const bLength = b.length;
  const length = aLength < bLength ? aLength : bLength;
  for (let i = PREFIX_BYTES; i < length; i++) {
    const difference = a[i]! - b[i]!;
    if (difference !== 0) return difference;
  }
  return aLength - bLength;
}

export class SkipList {
  #random: Random;
  /** Entries in the list (the head excluded). */
  #size = 0;
  /** Tallest tower in use; searches start there rather than at HEIGHT_MAX. */
  #height = 1;

  // The arena (invariant 4): two views over one buffer, replaced together when it grows.
  #arena: Int32Array = new Int32Array(ARENA_WORDS_INITIAL);
  #numbers: Float64Array = new Float64Array(this.#arena.buffer);
  #arenaUsed = 0;
  /** Keys and values by node ordinal; kept by reference, outside the arena. */
  readonly #keys: Uint8Array[] = [];
  readonly #values: Uint8Array[] = [];

  /** Per-level predecessors of the insert position; reused so insert allocates nothing. */
  readonly #splice = new Int32Array(HEIGHT_MAX);

  constructor(random: Random) {
    this.#random = random;
    const head = this.#allocate(EMPTY, 0, 0, EMPTY, HEIGHT_MAX);
    assert(head === HEAD, 'skiplist: head is the first node');
  }

  get size(): number {
    return this.#size;
  }

  /** Inserts (key, seq). Requires that no entry with the same (key, seq) exists. */
  insert(key: Uint8Array, seq: number, type: ValueType, value: Uint8Array): void {
    const splice = this.#splice;
    const found = this.#findSplice(key, seq, splice);
    assert(!found, 'skiplist: duplicate (key, seq)');

    const height = this.#randomHeight();
    if (height > this.#height) {
      for (let level = this.#height; level < height; level++) splice[level] = HEAD;
      this.#height = height;
    }
    const node = this.#allocate(key, seq, type, value, height);
    this.#size++;
    const arena = this.#arena;
    // Bottom level first (invariant 3 holds at every step).
    for (let level = 0; level < height; level++) {
      const previousLink = splice[level]! + LINKS + level;
      arena[node + LINKS + level] = arena[previousLink]!;
      arena[previousLink] = node;
    }
  }

  /** The first node >= (key, seq) in internal order, or 0 when there is none. */
  findGreaterOrEqual(key: Uint8Array, seq: number): number {
    const prefix = prefixOf(key);
    const arena = this.#arena;
    const numbers = this.#numbers;
    let node = HEAD;
    let level = this.#height - 1;
    // A node already found >= the target at a higher level needs no second comparison.
    let knownGreater = NIL;
    for (;;) {
      const next = arena[node + LINKS + level]!;
      if (next !== NIL && next !== knownGreater) {
        const nextPrefix = numbers[next >> 1]!;
        if (nextPrefix < prefix || (nextPrefix === prefix && this.#tieBefore(next, key, seq))) {
          node = next;
          continue;
        }
      }
      if (level === 0) return next;
      knownGreater = next;
      level--;
    }
  }

  /** The last node < (key, seq) in internal order; 0 (the head) when there is none. */
  findLessThan(key: Uint8Array, seq: number): number {
    const prefix = prefixOf(key);
    const arena = this.#arena;
    const numbers = this.#numbers;
    let node = HEAD;
    let level = this.#height - 1;
    let knownGreater = NIL;
    for (;;) {
      const next = arena[node + LINKS + level]!;
      if (next !== NIL && next !== knownGreater) {
        const nextPrefix = numbers[next >> 1]!;
        if (nextPrefix < prefix || (nextPrefix === prefix && this.#tieBefore(next, key, seq))) {
          node = next;
          continue;
        }
      }
      if (level === 0) return node;
      knownGreater = next;
      level--;
    }
  }

  /** The last node, or 0 when the list is empty. */
  findLast(): number {
    const arena = this.#arena;
    let node = HEAD;
    for (let level = this.#height - 1; level >= 0; level--) {
      for (;;) {
        const next = arena[node + LINKS + level]!;
        if (next === NIL) break;
        node = next;
      }
    }
    return node;
  }

  /** The first node, or 0 when the list is empty. */
  first(): number {
    return this.#arena[HEAD + LINKS]!;
  }

  /** The node after `node` at level 0, or 0 at the end. */
  next(node: number): number {
    return this.#arena[node + LINKS]!;
  }

  key(node: number): Uint8Array {
    return this.#keys[this.#arena[node + ORDINAL]!]!;
  }

  sequence(node: number): number {
    return this.#numbers[(node >> 1) + 1]!;
  }

  type(node: number): ValueType {
    // Only ValueType values are ever stored (insert's parameter type).
    return (this.#arena[node + META]! >>> 8) as ValueType;
  }

  value(node: number): Uint8Array {
    return this.#values[this.#arena[node + ORDINAL]!]!;
  }

  /** Whether node sorts before (key, seq), given that their cached prefixes are equal. */
  #tieBefore(node: number, key: Uint8Array, seq: number): boolean {
    const byKey = compareAfterPrefix(this.#keys[this.#arena[node + ORDINAL]!]!, key);
    if (byKey !== 0) return byKey < 0;
    return this.#numbers[(node >> 1) + 1]! > seq;
  }

  /**
   * Fills splice[0..height) with each level's last node before (key, seq) and reports whether the
   * entry right after splice[0] equals (key, seq).
   */
  #findSplice(key: Uint8Array, seq: number, splice: Int32Array): boolean {
    const prefix = prefixOf(key);
    const arena = this.#arena;
    const numbers = this.#numbers;
    let node = HEAD;
    let level = this.#height - 1;
    let knownGreater = NIL;
    for (;;) {
      const next = arena[node + LINKS + level]!;
      if (next !== NIL && next !== knownGreater) {
        const nextPrefix = numbers[next >> 1]!;
        if (nextPrefix < prefix || (nextPrefix === prefix && this.#tieBefore(next, key, seq))) {
          node = next;
          continue;
        }
      }
      splice[level] = node;
      if (level === 0) {
        return (
          next !== NIL &&
          numbers[(next >> 1) + 1] === seq &&
          numbers[next >> 1] === prefix &&
          compareAfterPrefix(this.#keys[arena[next + ORDINAL]!]!, key) === 0
        );
      }
      knownGreater = next;
      level--;
    }
  }

  #randomHeight(): number {
    // One draw per insert: each factor of BRANCHING consumed from the uniform draw is again uniform.
    let draw = this.#random.next();
    let height = 1;
    while (height < HEIGHT_MAX && draw < 1 / BRANCHING) {
      height++;
      draw *= BRANCHING;
    }
    return height;
  }

  #allocate(key: Uint8Array, seq: number, type: number, value: Uint8Array, height: number): number {
    // Round up to even so every node's numbers stay 8-byte aligned.
    const words = (LINKS + height + 1) & ~1;
    if (this.#arenaUsed + words > this.#arena.length) this.#grow(words);
    const node = this.#arenaUsed;
    this.#arenaUsed += words;
    const ordinal = this.#keys.length;
    this.#keys.push(key);
    this.#values.push(value);
    this.#numbers[node >> 1] = prefixOf(key);
    this.#numbers[(node >> 1) + 1] = seq;
    this.#arena[node + ORDINAL] = ordinal;
    this.#arena[node + META] = height | (type << 8);
    // Links start at 0 (NIL): fresh arena words are zero.
    return node;
  }

  #grow(wordsNeeded: number): void {
    let length = this.#arena.length * 2;
    while (length < this.#arenaUsed + wordsNeeded) length *= 2;
    assert(length <= ARENA_WORDS_MAX, 'skiplist: arena exceeds its bound');
    const arena = new Int32Array(length);
    arena.set(this.#arena);
    this.#arena = arena;
    this.#numbers = new Float64Array(arena.buffer);
  }
}
