import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEVEL_COUNT } from '../../../engine/limits.js';
import { userKeyOf } from '../../../engine/lsm/internal-key.js';
import type { FileMetadata } from '../../../engine/lsm/manifest/version-edit.js';
import { applyEdit, Version, VersionBuilder } from '../../../engine/lsm/manifest/version.js';
import { AssertionError, invariants } from '../../../engine/util/assert.js';
import { compareBytes } from '../../../engine/util/bytes.js';
import { makeFile, userKey } from './helpers.js';

beforeAll(() => {
  invariants.enabled = true;
});
afterAll(() => {
  invariants.enabled = false;
});

/** Random levels: L0 overlapping, L1+ disjoint (built by cutting a key line into ranges). */
const levelsArbitrary = fc
  .array(fc.array(fc.tuple(fc.nat(300), fc.nat(30)), { maxLength: 8 }), { minLength: LEVEL_COUNT, maxLength: LEVEL_COUNT })
  .map((spec) => {
    let number = 1;
    let seq = 1;
    const levels: FileMetadata[][] = spec.map((ranges, level) => {
      if (level === 0) {
        return ranges.map(([low, width]) => {
          seq += 10;
          return makeFile(number++, low, low + width, seq - 9, seq);
        });
      }
      // Disjoint: walk up the key line leaving gaps.
      const files: FileMetadata[] = [];
      let start = 0;
      for (const [gap, width] of ranges) {
        const low = start + (gap % 40);
        files.push(makeFile(number++, low, low + width, 1, 5));
        start = low + width + 1;
      }
      return files;
    });
    levels[0]!.sort((a, b) => b.largestSeq - a.largestSeq);
    return levels;
  });

function bruteForceOverlap(files: readonly FileMetadata[], low: Uint8Array | undefined, high: Uint8Array | undefined): FileMetadata[] {
  return files.filter(
    (f) =>
      (low === undefined || compareBytes(userKeyOf(f.largestKey), low) >= 0) &&
      (high === undefined || compareBytes(userKeyOf(f.smallestKey), high) <= 0),
  );
}

const keyOrUndefined = fc.option(fc.nat(400).map(userKey), { nil: undefined });

describe('Version', () => {
  it('overlappingFiles matches brute force', () => {
    fc.assert(
      fc.property(levelsArbitrary, keyOrUndefined, keyOrUndefined, (levels, a, b) => {
        const version = new Version(levels);
        for (let level = 0; level < LEVEL_COUNT; level++) {
          const got = version.overlappingFiles(level, a, b).map((f) => f.fileNumber);
          expect(got).toEqual(bruteForceOverlap(levels[level]!, a, b).map((f) => f.fileNumber));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('filesForKey matches brute force, newest first in L0 then level order', () => {
    fc.assert(
      fc.property(levelsArbitrary, fc.nat(400), (levels, index) => {
        const version = new Version(levels);
        const key = userKey(index);
        const expected = levels.flatMap((files) => bruteForceOverlap(files, key, key));
        expect(version.filesForKey(key).map((f) => f.fileNumber)).toEqual(expected.map((f) => f.fileNumber));
        for (let level = 1; level < LEVEL_COUNT; level++) expect(bruteForceOverlap(levels[level]!, key, key).length).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });

  it('sums bytes and counts per level', () => {
    const version = new Version([[makeFile(2, 0, 1, 1, 1)], [makeFile(3, 0, 1, 1, 1), makeFile(4, 2, 3, 1, 1)], [], [], [], [], []]);
    expect(version.levelBytes(1)).toBe(1003 + 1004);
    expect(version.fileCount(1)).toBe(2);
    expect(version.fileCount(6)).toBe(0);
    expect(() => version.fileCount(LEVEL_COUNT)).toThrow(AssertionError);
  });

  it('asserts the level invariants when invariants are enabled', () => {
    const empty = (): FileMetadata[][] => Array.from({ length: LEVEL_COUNT }, () => []);
    const overlapping = empty();
    overlapping[1] = [makeFile(1, 0, 10, 1, 1), makeFile(2, 10, 20, 1, 1)]; // key 10 in both
    expect(() => new Version(overlapping)).toThrow(AssertionError);
    const unsorted = empty();
    unsorted[2] = [makeFile(1, 30, 40, 1, 1), makeFile(2, 0, 10, 1, 1)];
    expect(() => new Version(unsorted)).toThrow(AssertionError);
    const oldestFirst = empty();
    oldestFirst[0] = [makeFile(1, 0, 10, 1, 5), makeFile(2, 0, 10, 6, 9)];
    expect(() => new Version(oldestFirst)).toThrow(AssertionError);
    const duplicate = empty();
    duplicate[0] = [makeFile(1, 0, 10, 1, 5)];
    duplicate[3] = [makeFile(1, 0, 10, 1, 5)];
    expect(() => new Version(duplicate)).toThrow(AssertionError);
  });

  it('counts references and reports the last unref once', () => {
    const dead: Version[] = [];
    const version = Version.empty((v) => dead.push(v));
    version.ref();
    version.ref();
    version.unref();
    expect(dead).toEqual([]);
    version.unref();
    expect(dead).toEqual([version]);
    expect(() => version.unref()).toThrow(AssertionError);
    expect(() => version.ref()).toThrow(AssertionError);
  });
});

describe('applyEdit and VersionBuilder', () => {
  const base = new Version([[makeFile(5, 0, 9, 10, 20)], [makeFile(3, 0, 9, 1, 5), makeFile(4, 20, 29, 1, 5)], [], [], [], [], []]);

  it('adds, deletes and moves files, keeping order', () => {
    const result = applyEdit(base, {
      deletedFiles: [{ level: 1, fileNumber: 4 }],
      addedFiles: [
        { level: 2, file: base.levels[1]![1]! },
        { level: 0, file: makeFile(6, 5, 7, 21, 30) },
        { level: 1, file: makeFile(7, 10, 15, 1, 5) },
      ],
    });
    if ('problem' in result) throw new Error(result.problem);
    expect(result.levels.map((files) => files.map((f) => f.fileNumber))).toEqual([[6, 5], [3, 7], [4], [], [], [], []]);
    expect(result.levels[3]).toBe(base.levels[3]); // untouched levels are shared
  });

  it('reports edits that do not fit', () => {
    const misfits = [
      { deletedFiles: [{ level: 0, fileNumber: 3 }] }, // wrong level
      { deletedFiles: [{ level: 1, fileNumber: 3 }, { level: 1, fileNumber: 3 }] },
      { addedFiles: [{ level: 2, file: makeFile(3, 100, 200, 1, 1) }] }, // number in use
      { addedFiles: [{ level: 1, file: makeFile(9, 5, 25, 1, 1) }] }, // overlaps L1
    ];
    for (const edit of misfits) {
      expect('problem' in applyEdit(base, edit), JSON.stringify(edit)).toBe(true);
      const builder = new VersionBuilder();
      expect(builder.apply({ addedFiles: base.levels.flatMap((files, level) => files.map((file) => ({ level, file }))) })).toBeUndefined();
      const applied = builder.apply(edit);
      const finished = builder.finish();
      expect(applied !== undefined || 'problem' in finished, JSON.stringify(edit)).toBe(true);
    }
  });
});
