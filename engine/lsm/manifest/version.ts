/**
 * A Version: an immutable snapshot of which SSTables make up the store, level by level. Reads take
 * the current version (and ref it while they use its files); flushes and compactions make a new one
 * by applying a VersionEdit (`applyEdit`), and VersionSet installs it.
 *
 * Concurrency: immutable after construction, so any number of readers, synchronously. ref/unref are
 * synchronous counters; the owner (VersionSet) learns when the last reference goes.
 *
 * Invariants (the first three asserted when invariants.enabled; applyEdit checks them always):
 * 1. There are LEVEL_COUNT levels.
 * 2. L0 is ordered newest first: largestSeq descending, then fileNumber descending. L0 files may
 *    overlap; a point lookup consults them in this order and stops at the first that knows the key.
 * 3. Each level L1+ is ordered by smallestKey and its files' user-key ranges are disjoint (strictly:
 *    no user key appears in two files of one level, so one binary search finds the only candidate).
 *    Compaction must therefore never split one user key's versions across two output files.
 * 4. No file number appears twice in a version.
 * 5. Once the reference count has dropped to zero the version is dead and must not be ref'd again.
 */
import { LEVEL_COUNT } from '../../limits.js';
import { assert, assertionFailed, invariants } from '../../util/assert.js';
import { compareByteRanges } from '../../util/bytes.js';
import { compareInternalKeys, TRAILER_BYTES } from '../internal-key.js';
import type { FileMetadata, VersionEdit } from './version-edit.js';

/** Compares the user-key part of an encoded internal key with a user key, without copying. */
function compareUserKey(internalKey: Uint8Array, userKey: Uint8Array): number {
  return compareByteRanges(internalKey, 0, internalKey.length - TRAILER_BYTES, userKey, 0, userKey.length);
}

/** Compares the user-key parts of two encoded internal keys. */
function compareUserKeys(a: Uint8Array, b: Uint8Array): number {
  return compareByteRanges(a, 0, a.length - TRAILER_BYTES, b, 0, b.length - TRAILER_BYTES);
}

/** L0 order: newest first. */
function compareNewestFirst(a: FileMetadata, b: FileMetadata): number {
  return b.largestSeq - a.largestSeq || b.fileNumber - a.fileNumber;
}

function compareBySmallestKey(a: FileMetadata, b: FileMetadata): number {
  return compareInternalKeys(a.smallestKey, b.smallestKey) || a.fileNumber - b.fileNumber;
}

/** What breaks invariants 2–4 in `levels`, or undefined. `only` limits the check to some levels. */
export function levelsProblem(levels: readonly (readonly FileMetadata[])[], only?: ReadonlySet<number>): string | undefined {
  if (levels.length !== LEVEL_COUNT) return `${levels.length} levels, not ${LEVEL_COUNT}`;
  for (let level = 0; level < LEVEL_COUNT; level++) {
    if (only !== undefined && !only.has(level)) continue;
    const files = levels[level]!;
    for (let i = 1; i < files.length; i++) {
      const previous = files[i - 1]!;
      const file = files[i]!;
      if (level === 0) {
        if (compareNewestFirst(previous, file) >= 0) return `L0 files ${previous.fileNumber}, ${file.fileNumber} out of order`;
      } else if (compareUserKeys(previous.largestKey, file.smallestKey) >= 0) {
        return `L${level} files ${previous.fileNumber} and ${file.fileNumber} overlap or are out of order`;
      }
    }
  }
  return undefined;
}

export class Version {
  readonly levels: readonly (readonly FileMetadata[])[];
  readonly #levelBytes: readonly number[];
  #fileNumbers: Set<number> | undefined;
  #refs = 0;
  #dead = false;
  readonly #onUnreferenced: ((version: Version) => void) | undefined;

  /**
   * Takes ownership of `levels` (the caller must not change them afterwards). `onUnreferenced` is
   * called once, when the reference count returns to zero.
   */
  constructor(levels: readonly (readonly FileMetadata[])[], onUnreferenced?: (version: Version) => void) {
    if (levels.length !== LEVEL_COUNT) assertionFailed(`a version has ${LEVEL_COUNT} levels`);
    this.levels = levels;
    this.#levelBytes = levels.map((files) => files.reduce((sum, file) => sum + file.fileBytes, 0));
    this.#onUnreferenced = onUnreferenced;
    if (invariants.enabled) {
      const problem = levelsProblem(levels);
      if (problem !== undefined) assertionFailed(`version invariant: ${problem}`);
      let count = 0;
      for (const files of levels) count += files.length;
      assert(this.fileNumbers().size === count, 'version invariant: a file number appears twice');
    }
  }

  /** An empty version (a fresh store). */
  static empty(onUnreferenced?: (version: Version) => void): Version {
    return new Version(
      Array.from({ length: LEVEL_COUNT }, () => []),
      onUnreferenced,
    );
  }

  levelBytes(level: number): number {
    const bytes = this.#levelBytes[level];
    if (bytes === undefined) assertionFailed(`level ${level} out of range`);
    return bytes;
  }

  fileCount(level: number): number {
    return this.#level(level).length;
  }

  /** Every file number in this version (computed once, then shared: do not modify). */
  fileNumbers(): ReadonlySet<number> {
    if (this.#fileNumbers === undefined) {
      const numbers = new Set<number>();
      for (const files of this.levels) for (const file of files) numbers.add(file.fileNumber);
      this.#fileNumbers = numbers;
    }
    return this.#fileNumbers;
  }

  /** Files in `level` whose user-key range overlaps [smallestUserKey, largestUserKey] (undefined = unbounded). */
  overlappingFiles(level: number, smallestUserKey: Uint8Array | undefined, largestUserKey: Uint8Array | undefined): FileMetadata[] {
    const files = this.#level(level);
    const out: FileMetadata[] = [];
    if (level === 0) {
      for (const file of files) {
        if (smallestUserKey !== undefined && compareUserKey(file.largestKey, smallestUserKey) < 0) continue;
        if (largestUserKey !== undefined && compareUserKey(file.smallestKey, largestUserKey) > 0) continue;
        out.push(file);
      }
      return out;
    }
    const start = smallestUserKey === undefined ? 0 : firstFileEndingAtOrAfter(files, smallestUserKey);
    for (let i = start; i < files.length; i++) {
      const file = files[i]!;
      if (largestUserKey !== undefined && compareUserKey(file.smallestKey, largestUserKey) > 0) break;
      out.push(file);
    }
    return out;
  }

  /** For a point lookup: the files that may hold userKey, in the order to consult them. */
  filesForKey(userKey: Uint8Array): FileMetadata[] {
    const out: FileMetadata[] = [];
    for (const file of this.levels[0]!) {
      if (compareUserKey(file.smallestKey, userKey) <= 0 && compareUserKey(file.largestKey, userKey) >= 0) out.push(file);
    }
    for (let level = 1; level < LEVEL_COUNT; level++) {
      const files = this.levels[level]!;
      if (files.length === 0) continue;
      const index = firstFileEndingAtOrAfter(files, userKey);
      const file = files[index];
      if (file !== undefined && compareUserKey(file.smallestKey, userKey) <= 0) out.push(file);
    }
    return out;
  }

  /** Level >= 1: the one file whose user-key range holds userKey, if any (binary search). */
  fileForKey(level: number, userKey: Uint8Array): FileMetadata | undefined {
    const files = this.levels[level]!;
    if (files.length === 0) return undefined;
    const file = files[firstFileEndingAtOrAfter(files, userKey)];
    return file !== undefined && compareUserKey(file.smallestKey, userKey) <= 0 ? file : undefined;
  }

  ref(): void {
    assert(!this.#dead, 'ref of a dead version');
    this.#refs++;
  }

  unref(): void {
    assert(this.#refs > 0, 'unref of an unreferenced version');
    this.#refs--;
    if (this.#refs === 0) {
      this.#dead = true;
      this.#onUnreferenced?.(this);
    }
  }

  get refCount(): number {
    return this.#refs;
  }

  #level(level: number): readonly FileMetadata[] {
    const files = this.levels[level];
    if (files === undefined) assertionFailed(`level ${level} out of range`);
    return files;
  }
}

/** Index of the first file (in a sorted, disjoint level) whose largest user key is >= userKey. */
function firstFileEndingAtOrAfter(files: readonly FileMetadata[], userKey: Uint8Array): number {
  let low = 0;
  let high = files.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareUserKey(files[middle]!.largestKey, userKey) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * The levels of `base` with `edit` applied, or a description of why the edit does not fit `base`:
 * deleting a file that is not at that level, adding a number already present, or breaking the
 * level invariants. The caller decides what that means (corruption at recovery, a bug at run time).
 * Levels the edit does not touch are shared with `base`, not copied.
 */
export function applyEdit(
  base: Version,
  edit: VersionEdit,
): { levels: (readonly FileMetadata[])[] } | { problem: string } {
  const deletedByLevel = new Map<number, Set<number>>();
  for (const { level, fileNumber } of edit.deletedFiles ?? []) {
    let numbers = deletedByLevel.get(level);
    if (numbers === undefined) deletedByLevel.set(level, (numbers = new Set()));
    if (numbers.has(fileNumber)) return { problem: `file ${fileNumber} deleted twice from L${level}` };
    if (!base.levels[level]?.some((file) => file.fileNumber === fileNumber)) {
      return { problem: `deleted file ${fileNumber} is not in L${level}` };
    }
    numbers.add(fileNumber);
  }
  const addedByLevel = new Map<number, FileMetadata[]>();
  const addedNumbers = new Set<number>();
  const baseNumbers = base.fileNumbers();
  for (const { level, file } of edit.addedFiles ?? []) {
    const number = file.fileNumber;
    if (addedNumbers.has(number)) return { problem: `file ${number} added twice` };
    // A number already in the base is allowed only when this edit removes it (a move between levels).
    if (baseNumbers.has(number) && ![...deletedByLevel.values()].some((numbers) => numbers.has(number))) {
      return { problem: `added file ${number} is already in the version` };
    }
    addedNumbers.add(number);
    let files = addedByLevel.get(level);
    if (files === undefined) addedByLevel.set(level, (files = []));
    files.push(file);
  }

  const touched = new Set<number>([...deletedByLevel.keys(), ...addedByLevel.keys()]);
  const levels: (readonly FileMetadata[])[] = [];
  for (let level = 0; level < LEVEL_COUNT; level++) {
    const baseFiles = base.levels[level]!;
    if (!touched.has(level)) {
      levels.push(baseFiles); // shared with the base version: both are immutable
      continue;
    }
    const deleted = deletedByLevel.get(level);
    const files = deleted === undefined ? baseFiles.slice() : baseFiles.filter((file) => !deleted.has(file.fileNumber));
    files.push(...(addedByLevel.get(level) ?? []));
    files.sort(level === 0 ? compareNewestFirst : compareBySmallestKey);
    levels.push(files);
  }
  const problem = levelsProblem(levels, touched);
  return problem === undefined ? { levels } : { problem };
}

/**
 * Replays a manifest's edits into a file set cheaply: O(size of each edit) per edit, one sort at the
 * end, where `applyEdit` per edit would copy and sort levels every time. Each edit is checked against
 * the state before it (a deleted file must be at that level; an added number must be new), so the
 * first inconsistent edit is found; the level invariants are checked once, by `finish`.
 */
export class VersionBuilder {
  readonly #files = new Map<number, { level: number; file: FileMetadata }>();

  /** Applies `edit`, or returns why it does not fit (and then leaves the state unchanged). */
  apply(edit: VersionEdit): string | undefined {
    const deleted = new Set<number>();
    for (const { level, fileNumber } of edit.deletedFiles ?? []) {
      if (this.#files.get(fileNumber)?.level !== level) return `deleted file ${fileNumber} is not in L${level}`;
      if (deleted.has(fileNumber)) return `file ${fileNumber} deleted twice`;
      deleted.add(fileNumber);
    }
    const added = new Set<number>();
    for (const { file } of edit.addedFiles ?? []) {
      const number = file.fileNumber;
      if (added.has(number)) return `file ${number} added twice`;
      if (this.#files.has(number) && !deleted.has(number)) return `added file ${number} is already in the version`;
      added.add(number);
    }
    for (const number of deleted) this.#files.delete(number);
    for (const { level, file } of edit.addedFiles ?? []) this.#files.set(file.fileNumber, { level, file });
    return undefined;
  }

  /** The levels built so far, or why they break the level invariants. */
  finish(): { levels: FileMetadata[][] } | { problem: string } {
    const levels: FileMetadata[][] = Array.from({ length: LEVEL_COUNT }, () => []);
    for (const { level, file } of this.#files.values()) levels[level]!.push(file);
    levels.forEach((files, level) => files.sort(level === 0 ? compareNewestFirst : compareBySmallestKey));
    const problem = levelsProblem(levels);
    return problem === undefined ? { levels } : { problem };
  }
}
