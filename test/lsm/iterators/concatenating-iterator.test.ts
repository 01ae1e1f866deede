import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invariants } from '../../../engine/util/assert.js';
import { encodeInternalKey, ValueType } from '../../../engine/lsm/internal-key.js';
import { ArrayIterator, type InternalEntry } from '../../../engine/lsm/iterators/array-iterator.js';
import { ConcatenatingIterator, type LevelFile } from '../../../engine/lsm/iterators/concatenating-iterator.js';
import { TrackedIterator, childEntriesArb, opArb, runOps, sortedEntries } from './model.js';

interface Level {
  files: LevelFile[];
  contents: InternalEntry[][];
}

/** Cuts a sorted run into non-empty contiguous files; a cut may fall between versions of one key. */
function cutIntoFiles(sorted: readonly InternalEntry[], cuts: readonly number[]): Level {
  const points = [...new Set(cuts.map((cut) => cut % Math.max(sorted.length, 1)))].filter((cut) => cut > 0).sort((a, b) => a - b);
  const bounds = [0, ...points, sorted.length];
  const contents: InternalEntry[][] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const part = sorted.slice(bounds[i], bounds[i + 1]);
    if (part.length > 0) contents.push(part);
  }
  const files = contents.map((part) => {
    const first = part[0]!;
    const last = part[part.length - 1]!;
    return {
      smallestKey: encodeInternalKey(first.userKey, first.seq, first.type),
      largestKey: encodeInternalKey(last.userKey, last.seq, last.type),
    };
  });
  return { files, contents };
}

describe('ConcatenatingIterator', () => {
  beforeAll(() => {
    invariants.enabled = true;
  });
  afterAll(() => {
    invariants.enabled = false;
  });

  it('behaves like one iterator over the whole level and opens only the file it is in', () => {
    fc.assert(
      fc.property(
        childEntriesArb(true, 1),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.array(opArb, { maxLength: 50 }),
        ({ entries }, cuts, ops) => {
          const sorted = sortedEntries(entries);
          const { files, contents } = cutIntoFiles(sorted, cuts);
          const open = new Map<number, TrackedIterator>();
          let openCount = 0;
          const level = new ConcatenatingIterator(files, (index) => {
            expect(open.has(index)).toBe(false);
            const child = new TrackedIterator(new ArrayIterator(contents[index]!));
            const originalClose = child.close.bind(child);
            child.close = () => {
              originalClose();
              open.delete(index);
            };
            open.set(index, child);
            openCount++;
            return child;
          });
          expect(openCount).toBe(0); // lazy: nothing opens before the first positioning call
          runOps(level, sorted, ops, () => {
            if (!level.valid()) {
              expect(open.size).toBe(0);
              return;
            }
            // Exactly one file open: the one holding the current entry.
            expect(open.size).toBe(1);
            const [index] = [...open.keys()];
            const holder = contents[index!]!;
            expect(holder.some((entry) => entry.seq === level.sequence() && Buffer.compare(entry.userKey, level.userKey()) === 0)).toBe(true);
          });
          level.close();
          level.close();
          expect(open.size).toBe(0);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('an empty level is always invalid and opens nothing', () => {
    const level = new ConcatenatingIterator([], () => {
      throw new Error('must not open');
    });
    level.seekToFirst();
    expect(level.valid()).toBe(false);
    level.seekToLast();
    expect(level.valid()).toBe(false);
    level.seek(Uint8Array.of(1), 5);
    expect(level.valid()).toBe(false);
    level.close();
  });

  it('seek past the last file opens nothing', () => {
    const entry = { userKey: Uint8Array.of(5), seq: 3, type: ValueType.Put, value: Uint8Array.of() };
    const key = encodeInternalKey(entry.userKey, entry.seq, entry.type);
    let opens = 0;
    const level = new ConcatenatingIterator([{ smallestKey: key, largestKey: key }], () => {
      opens++;
      return new ArrayIterator([entry]);
    });
    level.seek(Uint8Array.of(5), 2); // (5, 2) sorts after (5, 3)
    expect(level.valid()).toBe(false);
    level.seek(Uint8Array.of(6), 9);
    expect(level.valid()).toBe(false);
    expect(opens).toBe(0);
    level.seek(Uint8Array.of(5), 3);
    expect(level.valid()).toBe(true);
    expect(opens).toBe(1);
  });

  it('rejects overlapping files while invariants are enabled', () => {
    const a = encodeInternalKey(Uint8Array.of(1), 5, ValueType.Put);
    const b = encodeInternalKey(Uint8Array.of(2), 5, ValueType.Put);
    expect(
      () =>
        new ConcatenatingIterator(
          [
            { smallestKey: a, largestKey: b },
            { smallestKey: a, largestKey: b },
          ],
          () => new ArrayIterator([]),
        ),
    ).toThrow(/overlap/);
  });
});
