/**
 * Shared test helpers for the manifest tests: building file metadata from integer user keys, a
 * random edit generator that keeps the level invariants (flushes, compactions, moves), cloning a
 * memory file system, and a file system whose fsyncs can be made to fail.
 */
import { LEVEL_COUNT } from '../../../engine/limits.js';
import { encodeInternalKey, ValueType } from '../../../engine/lsm/internal-key.js';
import type { FileMetadata, VersionEdit } from '../../../engine/lsm/manifest/version-edit.js';
import type { Version } from '../../../engine/lsm/manifest/version.js';
import type { VersionSet } from '../../../engine/lsm/manifest/version-set.js';
import { utf8 } from '../../../engine/util/bytes.js';
import { IOError } from '../../../engine/util/errors.js';
import type { Random } from '../../../engine/util/random.js';
import { FileData, MemoryFileSystem } from '../../../engine/vfs/memory.js';
import type { FileLock, FileSystem, ReadableFile, WritableFile } from '../../../engine/vfs/types.js';

export function userKey(index: number): Uint8Array {
  return utf8(`k${String(index).padStart(6, '0')}`);
}

/** A file holding user keys [low, high] with sequence numbers [smallestSeq, largestSeq]. */
export function makeFile(fileNumber: number, low: number, high: number, smallestSeq: number, largestSeq: number): FileMetadata {
  return {
    fileNumber,
    fileBytes: 1000 + fileNumber,
    entryCount: high - low + 1,
    smallestKey: encodeInternalKey(userKey(low), largestSeq, ValueType.Put),
    largestKey: encodeInternalKey(userKey(high), smallestSeq, ValueType.Delete),
    smallestSeq,
    largestSeq,
  };
}

/** The integer user key a test file starts/ends at. */
export function keyIndex(internalKey: Uint8Array): number {
  return Number(new TextDecoder().decode(internalKey.subarray(1, internalKey.length - 8)));
}

/** A comparable description of a version's files (numbers and metadata), level by level. */
export function describe(version: Version): string[][] {
  return version.levels.map((files) =>
    files.map(
      (f) =>
        `${f.fileNumber}:${f.fileBytes}:${f.entryCount}:${Buffer.from(f.smallestKey).toString('hex')}-${Buffer.from(f.largestKey).toString('hex')}:${f.smallestSeq}-${f.largestSeq}`,
    ),
  );
}

export interface StateSummary {
  levels: string[][];
  logNumber: number;
  lastSequence: number;
}

export function summarize(set: VersionSet): StateSummary {
  return { levels: describe(set.current), logNumber: set.logNumber, lastSequence: set.lastSequence };
}

const KEY_SPACE = 10_000;

/**
 * A random edit that fits `set.current`: a flush to L0 (often, with a new log number), a compaction
 * of files from level L and everything they overlap in L+1 into fresh files at L+1, or a move of one
 * file down a level when nothing there overlaps it. Allocates numbers and advances lastSequence.
 */
export function randomEdit(set: VersionSet, random: Random): VersionEdit {
  const version = set.current;
  const candidates: number[] = [];
  for (let level = 0; level < LEVEL_COUNT - 1; level++) if (version.fileCount(level) > 0) candidates.push(level);
  if (random.int(10) < 5 || candidates.length === 0) {
    const low = random.int(KEY_SPACE);
    const high = low + random.int(200);
    const smallestSeq = set.lastSequence + 1;
    set.lastSequence = smallestSeq + random.int(100);
    const edit: VersionEdit = { addedFiles: [{ level: 0, file: makeFile(set.newFileNumber(), low, high, smallestSeq, set.lastSequence) }] };
    if (random.int(2) === 0) edit.logNumber = set.newFileNumber();
    return edit;
  }
  const level = candidates[random.int(candidates.length)]!;
  const files = version.levels[level]!;
  const inputs = level === 0 ? [...files] : [files[random.int(files.length)]!];
  let low = Math.min(...inputs.map((f) => keyIndex(f.smallestKey)));
  let high = Math.max(...inputs.map((f) => keyIndex(f.largestKey)));
  const below = version.overlappingFiles(level + 1, userKey(low), userKey(high));
  if (below.length === 0 && inputs.length === 1 && random.int(2) === 0) {
    const file = inputs[0]!;
    return { deletedFiles: [{ level, fileNumber: file.fileNumber }], addedFiles: [{ level: level + 1, file }] };
  }
  for (const f of below) {
    low = Math.min(low, keyIndex(f.smallestKey));
    high = Math.max(high, keyIndex(f.largestKey));
  }
  const all = [...inputs, ...below];
  const smallestSeq = Math.min(...all.map((f) => f.smallestSeq));
  const largestSeq = Math.max(...all.map((f) => f.largestSeq));
  const pieces = Math.min(1 + random.int(3), high - low + 1);
  const addedFiles: { level: number; file: FileMetadata }[] = [];
  let start = low;
  for (let i = 0; i < pieces; i++) {
    const end = i === pieces - 1 ? high : start + Math.floor((high - low + 1) / pieces) - 1;
    addedFiles.push({ level: level + 1, file: makeFile(set.newFileNumber(), start, end, smallestSeq, largestSeq) });
    start = end + 1;
  }
  return {
    deletedFiles: [
      ...inputs.map((f) => ({ level, fileNumber: f.fileNumber })),
      ...below.map((f) => ({ level: level + 1, fileNumber: f.fileNumber })),
    ],
    addedFiles,
  };
}

/** A deep copy of a memory file system's files and directories (a crash image to reopen). */
export function cloneFs(fs: MemoryFileSystem): MemoryFileSystem {
  const copy = new MemoryFileSystem();
  for (const dir of fs.directories) copy.directories.add(dir);
  for (const [path, data] of fs.files) copy.files.set(path, new FileData(data.contents()));
  return copy;
}

/** Replaces a file's contents in a memory file system. */
export function setFile(fs: MemoryFileSystem, path: string, contents: Uint8Array): void {
  fs.files.set(path, new FileData(contents));
}

/** Wraps a MemoryFileSystem; while `failSyncs` is set, every file and directory sync throws IOError. */
export class FailingSyncFileSystem implements FileSystem {
  failSyncs = false;
  failSyncsAfter = Infinity;
  #syncs = 0;
  constructor(readonly inner: MemoryFileSystem) {}

  /** Syncs (file and directory) seen so far; a sync fails once this exceeds failSyncsAfter. */
  get syncCount(): number {
    return this.#syncs;
  }

  #maybeFail(what: string): void {
    this.#syncs++;
    if (this.failSyncs || this.#syncs > this.failSyncsAfter) throw new IOError(`injected sync failure: ${what}`, { errno: 'EIO' });
  }

  async createWritable(path: string): Promise<WritableFile> {
    const file = await this.inner.createWritable(path);
    const fail = (what: string): void => this.#maybeFail(what);
    return {
      path: file.path,
      get size() {
        return file.size;
      },
      append: (data) => file.append(data),
      appendSync: (data) => file.appendSync(data),
      sync: async () => {
        fail(path);
        await file.sync();
      },
      close: () => file.close(),
    };
  }
  openReadable(path: string): Promise<ReadableFile> {
    return this.inner.openReadable(path);
  }
  readFile(path: string): Promise<Uint8Array> {
    return this.inner.readFile(path);
  }
  rename(from: string, to: string): Promise<void> {
    return this.inner.rename(from, to);
  }
  remove(path: string): Promise<void> {
    return this.inner.remove(path);
  }
  list(dir: string): Promise<string[]> {
    return this.inner.list(dir);
  }
  mkdir(dir: string): Promise<void> {
    return this.inner.mkdir(dir);
  }
  exists(path: string): Promise<boolean> {
    return this.inner.exists(path);
  }
  async syncDirectory(dir: string): Promise<void> {
    this.#maybeFail(dir);
    await this.inner.syncDirectory(dir);
  }
  lock(path: string): Promise<FileLock> {
    return this.inner.lock(path);
  }
}
