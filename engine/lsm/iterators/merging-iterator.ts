/**
 * Merges N child iterators into one stream in internal order (LevelDB's MergingIterator, with the
 * direction switching of LevelDB and a binary heap as in Pebble's mergingIter once there are enough
 * children for it to pay).
 *
 * Concurrency: single-threaded, synchronous. The children are owned: close() closes them all.
 *
 * Order: entries compare by (user key asc, seq desc, type desc), and ties between children by child
 * index ascending, so the merged stream is a total order even if two children hold an identical
 * entry (a correct store never does; the tie-break only keeps the merge deterministic and its
 * forward and reverse streams exact mirrors of each other).
 *
 * Invariants:
 * 1. direction Forward: every valid child is positioned at its first entry after key() in that
 *    total order (the current child at key() itself); the current child is the smallest.
 * 2. direction Reverse: every valid child is positioned at its last entry before key(); the current
 *    child is the largest.
 * 3. keys[i] is children[i].userKey() when child i is valid, else undefined. Caching it is allowed
 *    by contract 2 of InternalIterator (bytes stay unchanged while the child stays on its entry)
 *    and saves a call per child per comparison; it is reloaded after every move of child i.
 * 4. Heap mode (children > linearChildrenMax): heap[0, heapSize) holds exactly the valid children,
 *    ordered as a min-heap (Forward) or max-heap (Reverse); current == heap[0]. Linear mode:
 *    current is found by a scan over the cached keys after every move.
 * 5. valid() iff current >= 0.
 */
import { assert } from '../../util/assert.js';
import { compareBytes } from '../../util/bytes.js';
import type { ValueType } from '../internal-key.js';
import type { InternalIterator } from '../iterator.js';

/**
 * Up to this many children a linear scan finds the next entry faster than a heap. Measured (CPU
 * time, 16-byte keys, 1M entries): linear is 10-15% faster at 2-3 children; at 4 they tie when
 * entries are dealt round-robin, and the heap is 10% faster when one child holds 90% of them (the
 * usual LSM shape: its early exit costs 2 compares, the scan N - 1); at 8 the heap is 1.4-2x faster.
 */
export const MERGE_LINEAR_CHILDREN_MAX = 3;

const FORWARD = 0;
const REVERSE = 1;
type Direction = typeof FORWARD | typeof REVERSE;

export class MergingIterator implements InternalIterator {
  private readonly children: InternalIterator[];
  private readonly keys: Array<Uint8Array | undefined>;
  private readonly useHeap: boolean;
  private readonly heap: Int32Array;
  private heapSize = 0;
  private current = -1;
  private direction: Direction = FORWARD;
  private closed = false;

  /** `linearChildrenMax` exists for tests and measurements; callers leave it at the default. */
  constructor(children: InternalIterator[], linearChildrenMax = MERGE_LINEAR_CHILDREN_MAX) {
    this.children = children;
    this.keys = children.map(() => undefined);
    this.useHeap = children.length > linearChildrenMax;
    this.heap = new Int32Array(this.useHeap ? children.length : 0);
  }

  valid(): boolean {
    return this.current >= 0;
  }

  seekToFirst(): void {
    assert(!this.closed, 'MergingIterator: used after close');
    for (let i = 0; i < this.children.length; i++) {
      this.children[i]!.seekToFirst();
      this.load(i);
    }
    this.direction = FORWARD;
    this.rebuild();
  }

  seekToLast(): void {
    assert(!this.closed, 'MergingIterator: used after close');
    for (let i = 0; i < this.children.length; i++) {
      this.children[i]!.seekToLast();
      this.load(i);
    }
    this.direction = REVERSE;
    this.rebuild();
  }

  seek(userKey: Uint8Array, seq: number): void {
    assert(!this.closed, 'MergingIterator: used after close');
    for (let i = 0; i < this.children.length; i++) {
      this.children[i]!.seek(userKey, seq);
      this.load(i);
    }
    this.direction = FORWARD;
    this.rebuild();
  }

  next(): void {
    const current = this.current;
    assert(current >= 0, 'MergingIterator.next: not valid');
    if (this.direction !== FORWARD) {
      // Every child moved: the heap order no longer holds, rebuild it.
      this.switchToForward();
      this.children[current]!.next();
      this.load(current);
      this.rebuild();
      return;
    }
    this.children[current]!.next();
    this.load(current);
    this.afterStep();
  }

  prev(): void {
    const current = this.current;
    assert(current >= 0, 'MergingIterator.prev: not valid');
    if (this.direction !== REVERSE) {
      this.switchToReverse();
      this.children[current]!.prev();
      this.load(current);
      this.rebuild();
      return;
    }
    this.children[current]!.prev();
    this.load(current);
    this.afterStep();
  }

  userKey(): Uint8Array {
    const key = this.keys[this.current];
    assert(key !== undefined, 'MergingIterator: accessor called while not valid');
    return key;
  }

  sequence(): number {
    return this.currentChild().sequence();
  }

  valueType(): ValueType {
    return this.currentChild().valueType();
  }

  value(): Uint8Array {
    return this.currentChild().value();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.current = -1;
    this.heapSize = 0;
    this.keys.fill(undefined);
    // Close every child even if one throws, then report the first failure.
    let failure: unknown;
    let failed = false;
    for (const child of this.children) {
      try {
        child.close();
      } catch (error) {
        if (!failed) failure = error;
        failed = true;
      }
    }
    if (failed) throw failure;
  }

  private currentChild(): InternalIterator {
    const child = this.children[this.current];
    assert(child !== undefined, 'MergingIterator: accessor called while not valid');
    return child;
  }

  private load(index: number): void {
    const child = this.children[index]!;
    this.keys[index] = child.valid() ? child.userKey() : undefined;
  }

  /**
   * Positions every non-current child at its first entry after the current one (LevelDB positions at
   * key() and skips an equal key; with the index tie-break, "after" is decided by compareChildren).
   */
  private switchToForward(): void {
    const current = this.current;
    const active = this.children[current]!;
    const key = this.keys[current]!;
    const seq = active.sequence();
    for (let i = 0; i < this.children.length; i++) {
      if (i === current) continue;
      const child = this.children[i]!;
      child.seek(key, seq);
      this.load(i);
      while (this.keys[i] !== undefined && this.compareChildren(i, current) < 0) {
        child.next();
        this.load(i);
      }
    }
    this.direction = FORWARD;
  }

  /** Positions every non-current child at its last entry before the current one. */
  private switchToReverse(): void {
    const current = this.current;
    const active = this.children[current]!;
    const key = this.keys[current]!;
    const seq = active.sequence();
    for (let i = 0; i < this.children.length; i++) {
      if (i === current) continue;
      const child = this.children[i]!;
      child.seek(key, seq);
      this.load(i);
      // seek lands on the first entry with (key, seq) >= the current's; an entry with the same
      // (key, seq) may still sort before the current one (type or index tie-break): step over it.
      while (this.keys[i] !== undefined && this.compareChildren(i, current) < 0) {
        child.next();
        this.load(i);
      }
      if (child.valid()) child.prev();
      else child.seekToLast(); // every entry of the child is before the current one
      this.load(i);
    }
    this.direction = REVERSE;
  }

  /** Total order on valid children: internal order of their entries, then child index. */
  private compareChildren(a: number, b: number): number {
    const byUser = compareBytes(this.keys[a]!, this.keys[b]!);
    if (byUser !== 0) return byUser;
    const childA = this.children[a]!;
    const childB = this.children[b]!;
    const seqA = childA.sequence();
    const seqB = childB.sequence();
    if (seqA !== seqB) return seqB - seqA;
    const typeA = childA.valueType();
    const typeB = childB.valueType();
    if (typeA !== typeB) return typeB - typeA;
    return a - b;
  }

  /** True when child a comes out of the merge before child b in the current direction. */
  private before(a: number, b: number): boolean {
    const order = this.compareChildren(a, b);
    return this.direction === FORWARD ? order < 0 : order > 0;
  }

  /** Recomputes `current` from scratch after the children were repositioned. */
  private rebuild(): void {
    if (!this.useHeap) {
      this.scan();
      return;
    }
    let size = 0;
    for (let i = 0; i < this.children.length; i++) {
      if (this.keys[i] !== undefined) this.heap[size++] = i;
    }
    this.heapSize = size;
    for (let i = (size >>> 1) - 1; i >= 0; i--) this.siftDown(i);
    this.current = size > 0 ? this.heap[0]! : -1;
  }

  /** Restores the order after the current child moved one step. */
  private afterStep(): void {
    if (!this.useHeap) {
      this.scan();
      return;
    }
    if (this.keys[this.heap[0]!] === undefined) {
      this.heapSize--;
      this.heap[0] = this.heap[this.heapSize]!;
    }
    if (this.heapSize > 0) {
      this.siftDown(0);
      this.current = this.heap[0]!;
    } else {
      this.current = -1;
    }
  }

  /** Linear mode: the smallest (Forward) or largest (Reverse) valid child. */
  private scan(): void {
    const keys = this.keys;
    let best = -1;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] === undefined) continue;
      if (best < 0 || this.before(i, best)) best = i;
    }
    this.current = best;
  }

  private siftDown(start: number): void {
    const heap = this.heap;
    const size = this.heapSize;
    let index = start;
    const item = heap[index]!;
    for (;;) {
      let child = 2 * index + 1;
      if (child >= size) break;
      const right = child + 1;
      if (right < size && this.before(heap[right]!, heap[child]!)) child = right;
      if (!this.before(heap[child]!, item)) break;
      heap[index] = heap[child]!;
      index = child;
    }
    heap[index] = item;
  }
}
