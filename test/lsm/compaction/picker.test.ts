/**
 * The leveled compaction picker: scores, the L0 trigger, level size bounds, the round-robin pointer,
 * trivial moves, and bottommostChecker against a brute-force answer on random versions.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LEVEL_COUNT } from '../../../engine/limits.js';
import {
  bottommostChecker,
  compactionScore,
  levelBytesMax,
  pickCompaction,
  userRange,
  type LevelShape,
} from '../../../engine/lsm/compaction/picker.js';
import { userKeyOf } from '../../../engine/lsm/internal-key.js';
import type { FileMetadata } from '../../../engine/lsm/manifest/version-edit.js';
import { Version } from '../../../engine/lsm/manifest/version.js';
import { compareBytes } from '../../../engine/util/bytes.js';
import { keyIndex, makeFile, userKey } from '../manifest/helpers.js';

const shape: LevelShape = { l0CompactionTriggerFiles: 4, l1BytesMax: 10_000, levelSizeRatio: 10 };

function sized(file: FileMetadata, fileBytes: number): FileMetadata {
  return { ...file, fileBytes };
}

/** A version from per-level file lists (L0 given newest first). */
function version(levels: Partial<Record<number, FileMetadata[]>>): Version {
  return new Version(Array.from({ length: LEVEL_COUNT }, (_, level) => levels[level] ?? []));
}

const numbers = (files: readonly FileMetadata[]): number[] => files.map((f) => f.fileNumber);

describe('levelBytesMax and compactionScore', () => {
  it('grows each level by the ratio', () => {
    expect(levelBytesMax(1, shape)).toBe(10_000);
    expect(levelBytesMax(2, shape)).toBe(100_000);
    expect(levelBytesMax(4, shape)).toBe(10_000_000);
  });

  it('scores L0 by file count and deeper levels by bytes, never the last level', () => {
    expect(compactionScore(version({}), shape)).toEqual({ level: 0, score: 0 });
    const l0 = [makeFile(3, 0, 10, 30, 39), makeFile(2, 0, 10, 20, 29)];
    expect(compactionScore(version({ 0: l0 }), shape)).toEqual({ level: 0, score: 0.5 });
    const v = version({ 0: l0, 1: [sized(makeFile(5, 0, 5, 1, 1), 15_000)], 2: [sized(makeFile(6, 0, 5, 1, 1), 50_000)] });
    expect(compactionScore(v, shape)).toEqual({ level: 1, score: 1.5 });
    const last = version({ [LEVEL_COUNT - 1]: [sized(makeFile(7, 0, 5, 1, 1), 1e15)] });
    expect(compactionScore(last, shape).score).toBe(0);
    expect(pickCompaction(last, shape, new Map(), true)).toBeUndefined();
  });
});

describe('pickCompaction', () => {
  it('picks nothing below every bound, unless forced with L0 files', () => {
    const l0 = [makeFile(2, 0, 10, 20, 29)];
    const v = version({ 0: l0, 1: [makeFile(5, 0, 3, 1, 1)] });
    expect(pickCompaction(v, shape, new Map())).toBeUndefined();
    const forced = pickCompaction(v, shape, new Map(), true);
    expect(forced).toMatchObject({ level: 0, outputLevel: 1, trivialMove: false });
    expect(numbers(forced!.inputs[0])).toEqual([2]);
    expect(numbers(forced!.inputs[1])).toEqual([5]);
    expect(pickCompaction(version({ 1: [makeFile(5, 0, 3, 1, 1)] }), shape, new Map(), true)).toBeUndefined();
  });

  it('at the L0 trigger takes every L0 file and the L1 files their range overlaps', () => {
    const l0 = [makeFile(14, 50, 60, 40, 49), makeFile(13, 20, 30, 30, 39), makeFile(12, 25, 55, 20, 29), makeFile(11, 40, 45, 10, 19)];
    const l1 = [makeFile(1, 0, 10, 1, 1), makeFile(2, 15, 22, 1, 1), makeFile(3, 58, 70, 1, 1), makeFile(4, 80, 90, 1, 1)];
    const compaction = pickCompaction(version({ 0: l0, 1: l1 }), shape, new Map())!;
    expect(compaction.level).toBe(0);
    expect(compaction.score).toBe(1);
    expect(numbers(compaction.inputs[0]).sort()).toEqual([11, 12, 13, 14]);
    expect(numbers(compaction.inputs[1])).toEqual([2, 3]);
    expect(compaction.trivialMove).toBe(false);
  });

  it('never trivially moves a lone L0 file, even with nothing below it', () => {
    const l0 = [makeFile(4, 0, 9, 4, 4), makeFile(3, 10, 19, 3, 3), makeFile(2, 20, 29, 2, 2), makeFile(1, 30, 39, 1, 1)];
    const compaction = pickCompaction(version({ 0: l0 }), shape, new Map())!;
    expect(compaction.trivialMove).toBe(false);
    const single = pickCompaction(version({ 0: [makeFile(1, 0, 9, 1, 1)] }), shape, new Map(), true)!;
    expect(single.level).toBe(0);
    expect(single.trivialMove).toBe(false);
  });

  it('over a level bound picks one file with its overlaps one level down', () => {
    const l1 = [sized(makeFile(1, 0, 10, 1, 1), 6000), sized(makeFile(2, 20, 30, 1, 1), 6000)];
    const l2 = [makeFile(3, 5, 8, 1, 1), makeFile(4, 9, 19, 1, 1), makeFile(5, 31, 40, 1, 1)];
    const compaction = pickCompaction(version({ 1: l1, 2: l2 }), shape, new Map())!;
    expect(compaction).toMatchObject({ level: 1, outputLevel: 2, trivialMove: false, score: 1.2 });
    expect(numbers(compaction.inputs[0])).toEqual([1]);
    expect(numbers(compaction.inputs[1])).toEqual([3, 4]);
  });

  it('moves a lone level-1+ file that overlaps nothing below with a metadata edit', () => {
    const l1 = [sized(makeFile(1, 0, 10, 1, 1), 6000), sized(makeFile(2, 20, 30, 1, 1), 6000)];
    const l2 = [makeFile(3, 11, 19, 1, 1)];
    const compaction = pickCompaction(version({ 1: l1, 2: l2 }), shape, new Map())!;
    expect(numbers(compaction.inputs[0])).toEqual([1]);
    expect(compaction.inputs[1]).toEqual([]);
    expect(compaction.trivialMove).toBe(true);
  });

  it('takes level files round robin from the pointer, wrapping at the end', () => {
    const l1 = [1, 2, 3, 4].map((n) => sized(makeFile(n, n * 10, n * 10 + 5, 1, 1), 4000));
    const v = version({ 1: l1 });
    const pointers = new Map<number, Uint8Array>();
    const picked: number[] = [];
    for (let i = 0; i < 6; i++) {
      const compaction = pickCompaction(v, shape, pointers)!;
      const file = compaction.inputs[0][0]!;
      picked.push(file.fileNumber);
      // What Background does after each compaction.
      pointers.set(1, userRange(compaction.inputs[0])[1].slice());
    }
    expect(picked).toEqual([1, 2, 3, 4, 1, 2]);
    // A pointer between files picks the next file after it.
    expect(pickCompaction(v, shape, new Map([[1, userKey(27)]]))!.inputs[0][0]!.fileNumber).toBe(3);
  });

  it('prefers the level with the highest score', () => {
    const l0 = [makeFile(12, 0, 5, 20, 20), makeFile(11, 0, 5, 10, 10), makeFile(10, 0, 5, 5, 5), makeFile(9, 0, 5, 4, 4)];
    const l2 = [sized(makeFile(1, 0, 5, 1, 1), 300_000)];
    expect(pickCompaction(version({ 0: l0, 2: l2 }), shape, new Map())).toMatchObject({ level: 2, score: 3 });
  });
});

describe('bottommostChecker', () => {
  /** Disjoint sorted files for one level from sorted distinct boundary points. */
  function levelFiles(points: number[], firstNumber: number): FileMetadata[] {
    const sorted = [...new Set(points)].sort((a, b) => a - b);
    const files: FileMetadata[] = [];
    for (let i = 0; i + 1 < sorted.length; i += 2) files.push(makeFile(firstNumber + files.length, sorted[i]!, sorted[i + 1]!, 1, 1));
    return files;
  }

  it('agrees with brute force on random versions', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.nat({ max: 200 }), { maxLength: 12 }), { minLength: LEVEL_COUNT - 1, maxLength: LEVEL_COUNT - 1 }),
        fc.integer({ min: 0, max: LEVEL_COUNT - 1 }),
        fc.uniqueArray(fc.nat({ max: 210 }), { maxLength: 40 }),
        (pointsPerLevel, outputLevel, queries) => {
          const levels: Partial<Record<number, FileMetadata[]>> = {};
          pointsPerLevel.forEach((points, i) => {
            levels[i + 1] = levelFiles(points, (i + 1) * 100);
          });
          const v = version(levels);
          const check = bottommostChecker(v, outputLevel);
          for (const q of [...queries].sort((a, b) => a - b)) {
            let expected = true;
            for (let level = outputLevel + 1; level < LEVEL_COUNT; level++) {
              for (const file of v.levels[level]!) {
                if (keyIndex(file.smallestKey) <= q && q <= keyIndex(file.largestKey)) expected = false;
              }
            }
            expect(check(userKey(q)), `key ${q} below L${outputLevel}`).toBe(expected);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('says the last level is always bottommost', () => {
    const v = version({ [LEVEL_COUNT - 1]: [makeFile(1, 0, 100, 1, 1)] });
    expect(bottommostChecker(v, LEVEL_COUNT - 1)(userKey(50))).toBe(true);
    expect(bottommostChecker(v, LEVEL_COUNT - 2)(userKey(50))).toBe(false);
  });

  it('userRange spans the user keys of all files', () => {
    const [low, high] = userRange([makeFile(1, 30, 40, 1, 1), makeFile(2, 10, 20, 1, 1), makeFile(3, 35, 50, 1, 1)]);
    expect(compareBytes(low, userKey(10))).toBe(0);
    expect(compareBytes(high, userKeyOf(makeFile(3, 35, 50, 1, 1).largestKey))).toBe(0);
  });
});
