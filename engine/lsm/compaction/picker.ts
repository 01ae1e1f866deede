/**
 * Leveled compaction: which files to merge next (LevelDB's scheme).
 *
 * - L0 holds flushed memtables; its files overlap. Its score is fileCount / l0CompactionTriggerFiles.
 * - Level i >= 1 is a partition of the user-key space; its score is bytes / maxBytes(i), with
 *   maxBytes(1) = l1BytesMax and each deeper level levelSizeRatio times larger. The last level has no
 *   bound and is never a compaction source.
 * - The level with the highest score >= 1 compacts. From L0 all files go, with the L1 files they
 *   overlap; from level i one file (round robin by a per-level pointer) with the level-(i+1) files it
 *   overlaps. A lone level-i file overlapping nothing below is moved by a metadata edit alone.
 */
import { LEVEL_COUNT } from '../../limits.js';
import { compareBytes } from '../../util/bytes.js';
import { userKeyOf } from '../internal-key.js';
import type { FileMetadata } from '../manifest/version-edit.js';
import type { Version } from '../manifest/version.js';

export interface LevelShape {
  l0CompactionTriggerFiles: number;
  l1BytesMax: number;
  levelSizeRatio: number;
}

export interface Compaction {
  level: number;
  outputLevel: number;
  /** inputs[0]: files of `level`; inputs[1]: files of `outputLevel`. */
  inputs: [FileMetadata[], FileMetadata[]];
  /** One file, nothing to merge with: move it down with a metadata edit. */
  trivialMove: boolean;
  score: number;
}

export function levelBytesMax(level: number, shape: LevelShape): number {
  return shape.l1BytesMax * shape.levelSizeRatio ** (level - 1);
}

/** The most urgent level and its score (>= 1 means compaction is due). */
export function compactionScore(version: Version, shape: LevelShape): { level: number; score: number } {
  let best = { level: 0, score: version.fileCount(0) / shape.l0CompactionTriggerFiles };
  for (let level = 1; level < LEVEL_COUNT - 1; level++) {
    const score = version.levelBytes(level) / levelBytesMax(level, shape);
    if (score > best.score) best = { level, score };
  }
  return best;
}

export function userRange(files: readonly FileMetadata[]): [Uint8Array, Uint8Array] {
  let smallest = userKeyOf(files[0]!.smallestKey);
  let largest = userKeyOf(files[0]!.largestKey);
  for (const file of files) {
    const low = userKeyOf(file.smallestKey);
    const high = userKeyOf(file.largestKey);
    if (compareBytes(low, smallest) < 0) smallest = low;
    if (compareBytes(high, largest) > 0) largest = high;
  }
  return [smallest, largest];
}

/**
 * Picks the next compaction, or undefined when none is due. `pointers` holds, per level, the largest
 * user key of the last file compacted from it (round robin across the level).
 */
export function pickCompaction(version: Version, shape: LevelShape, pointers: Map<number, Uint8Array>, force = false): Compaction | undefined {
  let { level, score } = compactionScore(version, shape);
  if (score < 1) {
    if (!force) return undefined;
    // Forced (compactUntilIdle with pending L0 files): push L0 down even below its trigger.
    if (version.fileCount(0) === 0) return undefined;
    level = 0;
  }
  const outputLevel = level + 1;
  let sourceFiles: FileMetadata[];
  if (level === 0) {
    sourceFiles = [...version.levels[0]!];
  } else {
    const files = version.levels[level]!;
    const pointer = pointers.get(level);
    const next = pointer === undefined ? undefined : files.find((f) => compareBytes(userKeyOf(f.smallestKey), pointer) > 0);
    sourceFiles = [next ?? files[0]!];
  }
  const [smallest, largest] = userRange(sourceFiles);
  const outputFiles = version.overlappingFiles(outputLevel, smallest, largest);
  return {
    level,
    outputLevel,
    inputs: [sourceFiles, outputFiles],
    trivialMove: level > 0 && sourceFiles.length === 1 && outputFiles.length === 0,
    score,
  };
}

/**
 * For a compaction into `outputLevel`: a checker answering "may a level below the output hold this
 * user key?" for keys given in ascending order (it keeps a cursor per level, so a whole compaction
 * costs one pass over the deeper levels' file lists).
 */
export function bottommostChecker(version: Version, outputLevel: number): (userKey: Uint8Array) => boolean {
  const cursors: number[] = [];
  for (let level = outputLevel + 1; level < LEVEL_COUNT; level++) cursors.push(0);
  return (userKey) => {
    for (let level = outputLevel + 1; level < LEVEL_COUNT; level++) {
      const files = version.levels[level]!;
      const slot = level - outputLevel - 1;
      let index = cursors[slot]!;
      while (index < files.length && compareBytes(userKeyOf(files[index]!.largestKey), userKey) < 0) index++;
      cursors[slot] = index;
      const file = files[index];
      if (file && compareBytes(userKeyOf(file.smallestKey), userKey) <= 0) return false;
    }
    return true;
  };
}
