import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValueType } from '../../../engine/lsm/internal-key.js';
import { ArrayIterator } from '../../../engine/lsm/iterators/array-iterator.js';
import { MERGE_LINEAR_CHILDREN_MAX, MergingIterator } from '../../../engine/lsm/iterators/merging-iterator.js';
import { TrackedIterator, childEntriesArb, compareChildEntries, expectAt, opArb, runOps, splitByChild } from './model.js';

/** Linear scan, heap for every child count, and the default switch-over. */
const modes = [
  { name: 'default', linearChildrenMax: MERGE_LINEAR_CHILDREN_MAX },
  { name: 'always heap', linearChildrenMax: 0 },
  { name: 'always linear', linearChildrenMax: Number.POSITIVE_INFINITY },
];

describe('MergingIterator', () => {
  for (const mode of modes) {
    describe(mode.name, () => {
      it('matches the sorted union under random seeks, steps and direction switches', () => {
        fc.assert(
          fc.property(childEntriesArb(true), fc.array(opArb, { maxLength: 50 }), ({ childCount, entries }, ops) => {
            const children = splitByChild(childCount, entries).map((child) => new ArrayIterator(child));
            const merged = new MergingIterator(children, mode.linearChildrenMax);
            runOps(merged, [...entries].sort(compareChildEntries), ops);
          }),
          { numRuns: 400 },
        );
      });

      it('orders identical internal keys in several children by child index, both ways', () => {
        fc.assert(
          fc.property(childEntriesArb(false), fc.array(opArb, { maxLength: 50 }), ({ childCount, entries }, ops) => {
            const children = splitByChild(childCount, entries).map((child) => new ArrayIterator(child));
            const merged = new MergingIterator(children, mode.linearChildrenMax);
            runOps(merged, [...entries].sort(compareChildEntries), ops);
          }),
          { numRuns: 300 },
        );
      });

      it('full forward and backward scans yield the whole union', () => {
        fc.assert(
          fc.property(childEntriesArb(true), ({ childCount, entries }) => {
            const sorted = [...entries].sort(compareChildEntries);
            const merged = new MergingIterator(
              splitByChild(childCount, entries).map((child) => new ArrayIterator(child)),
              mode.linearChildrenMax,
            );
            merged.seekToFirst();
            for (const entry of sorted) {
              expectAt(merged, entry, 'forward');
              merged.next();
            }
            expect(merged.valid()).toBe(false);
            merged.seekToLast();
            for (let i = sorted.length - 1; i >= 0; i--) {
              expectAt(merged, sorted[i], 'backward');
              merged.prev();
            }
            expect(merged.valid()).toBe(false);
          }),
          { numRuns: 200 },
        );
      });
    });
  }

  it('a merge of no children is empty', () => {
    const merged = new MergingIterator([]);
    merged.seekToFirst();
    expect(merged.valid()).toBe(false);
    merged.seekToLast();
    expect(merged.valid()).toBe(false);
    merged.seek(new Uint8Array(0), 0);
    expect(merged.valid()).toBe(false);
    merged.close();
  });

  it('switches direction at a key present in every child', () => {
    const entry = (key: number, seq: number) => ({ userKey: Uint8Array.of(key), seq, type: ValueType.Put, value: Uint8Array.of(seq) });
    const children = [
      [entry(1, 3), entry(2, 9), entry(3, 1)],
      [entry(1, 2), entry(2, 8), entry(3, 2)],
      [entry(2, 7)],
    ].map((child) => new ArrayIterator(child));
    const merged = new MergingIterator(children);
    merged.seek(Uint8Array.of(2), 8);
    expect([merged.userKey()[0], merged.sequence()]).toEqual([2, 8]);
    merged.prev();
    expect([merged.userKey()[0], merged.sequence()]).toEqual([2, 9]);
    merged.prev();
    expect([merged.userKey()[0], merged.sequence()]).toEqual([1, 2]);
    merged.next();
    expect([merged.userKey()[0], merged.sequence()]).toEqual([2, 9]);
    merged.next();
    merged.next();
    expect([merged.userKey()[0], merged.sequence()]).toEqual([2, 7]);
  });

  it('close() closes every child once, even when called twice', () => {
    const children = Array.from({ length: 6 }, () => new TrackedIterator(new ArrayIterator([])));
    const merged = new MergingIterator(children);
    merged.close();
    merged.close();
    expect(children.map((child) => child.closeCount)).toEqual([1, 1, 1, 1, 1, 1]);
  });
});
