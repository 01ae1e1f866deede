/**
 * Every key in a memtable, found by the key's hash: its key id (the insertion number of its first
 * version, where btree.ts keeps the key's version chain). A point read at the latest sequence (nearly
 * every GetItem) skips the B+tree, a key the memtable does not hold is known absent without a search
 * (every read of data already flushed asks each memtable first), and a write of a key already held
 * finds the key's versions without a search (btree.ts: it joins them; the tree does not change).
 *
 * Why: a B+tree search touches ~a dozen cache lines (a node is 2 KB: prefixes, then key ids and
 * key references of the match), ~1.3 µs of a 22 µs GetItem over HTTP on the bench machine
 * when caches are cold, as they are between requests. Here a lookup touches the slot and its key's
 * bytes.
 *
 * Layout: open addressing with linear probing over Int32Array pairs [hash, key id + 1] (0 = empty),
 * a power of two at most half full, in shared memory (engine/util/shared-memory.ts). The hash is
 * hash32 of the key (engine/util/hash.ts), which the store computes anyway for the tables' bloom
 * filters, so a read hashes once.
 *
 * Concurrency: single-threaded; entries are never removed or changed.
 *
 * Invariants:
 * 1. Every key in the memtable has exactly one slot, holding its key id.
 * 2. Every slot is reachable from its hash's home position without crossing an empty slot.
 */
import { assert } from '../../util/assert.js';
import { sharedInt32s } from '../../util/shared-memory.js';

/** What the index asks of its owner about a key (by key id). */
export interface KeyMatcher {
  hasKey(keyId: number, key: Uint8Array): boolean;
}

const SLOTS_INITIAL = 1024;

export class PointIndex {
  /** [hash, key id + 1] pairs. */
  #slots: Int32Array = sharedInt32s(2 * SLOTS_INITIAL);
  #mask = SLOTS_INITIAL - 1;
  #used = 0;

  /** `key`'s id, or -1 when the memtable does not hold the key. */
  find(hash: number, key: Uint8Array, matcher: KeyMatcher): number {
    const slots = this.#slots;
    const mask = this.#mask;
    const h = hash | 0;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const entry = slots[2 * i + 1]!;
      if (entry === 0) return -1;
      if (slots[2 * i] === h && matcher.hasKey(entry - 1, key)) return entry - 1;
    }
  }

  /** `key`'s id when the memtable holds the key; otherwise records `keyId` as its id and returns -1. One probe either way. */
  findOrAdd(hash: number, key: Uint8Array, keyId: number, matcher: KeyMatcher): number {
    const slots = this.#slots;
    const mask = this.#mask;
    const h = hash | 0;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const entry = slots[2 * i + 1]!;
      if (entry === 0) {
        slots[2 * i] = h;
        slots[2 * i + 1] = keyId + 1;
        if (++this.#used * 2 > mask + 1) this.#grow();
        return -1;
      }
      if (slots[2 * i] === h && matcher.hasKey(entry - 1, key)) return entry - 1;
    }
  }

  #grow(): void {
    const old = this.#slots;
    const capacity = 2 * (this.#mask + 1);
    assert(capacity <= 2 ** 30, 'point index: size bound');
    const slots = sharedInt32s(2 * capacity);
    const mask = capacity - 1;
    for (let j = 0; j < old.length; j += 2) {
      const entry = old[j + 1]!;
      if (entry === 0) continue;
      const h = old[j]!;
      let i = h & mask;
      while (slots[2 * i + 1] !== 0) i = (i + 1) & mask;
      slots[2 * i] = h;
      slots[2 * i + 1] = entry;
    }
    this.#slots = slots;
    this.#mask = mask;
  }
}
